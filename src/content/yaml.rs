//! Typed reading of YAML mappings, field by field, so each wrong field yields its own
//! diagnostic with its line and column. serde_yaml's values carry no positions, so they
//! are found again in the text: keys by their indentation, and the scalars of a field's
//! value by reading its shape (a scalar on the key's line, a flow list `[a, b]`, which may
//! span lines, or a block list of `- a` lines), so each entry is pointed at exactly,
//! not by searching for its text (`kikak` is not found inside `kikaku`).

use crate::diagnostics::{closest, Diagnostic};
use serde_yaml::{Mapping, Value};
use std::path::Path;
use std::rc::Rc;

/// A value read from YAML with the 1-based line and column where it was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub line: usize,
    pub column: usize,
}

/// The YAML text of one file (or of the front matter of a Markdown file).
#[derive(Clone, Copy)]
pub struct YamlText<'a> {
    pub path: &'a Path,
    /// The YAML itself.
    pub text: &'a str,
    /// 1-based line of the file on which `text` starts.
    pub first_line: usize,
}

impl<'a> YamlText<'a> {
    fn lines(&self) -> Vec<&'a str> {
        self.text.split('\n').collect()
    }

    /// Parses the text as a mapping; a syntax error points at the parser's line.
    pub fn parse_mapping(&self) -> Result<Mapping, Diagnostic> {
        if self.text.trim().is_empty() {
            return Ok(Mapping::new());
        }
        if let Some((line, column)) = too_deep(self.text) {
            return Err(self.error_at_line(
                "E006",
                line,
                column,
                format!("the YAML is nested more than {MAX_DEPTH} levels deep"),
                Some("front matter and data files need only a few levels; check for unclosed `[` or `{`".into()),
            ));
        }
        match serde_yaml::from_str::<Value>(self.text) {
            Ok(Value::Mapping(map)) => Ok(map),
            Ok(Value::Null) => Ok(Mapping::new()),
            Ok(_) => Err(self.error_at_line(
                "E006",
                1,
                1,
                "the YAML must be a list of `field: value` lines".to_string(),
                Some("write each field on its own line as `name: value`".into()),
            )),
            Err(err) => {
                let (line, column) = err
                    .location()
                    .map_or((1, 1), |loc| (loc.line(), loc.column()));
                let message = self.file_lines_in(&err.to_string(), line);
                Err(self.error_at_line(
                    "E006",
                    line,
                    column,
                    format!("YAML syntax error: {message}"),
                    Some(yaml_hint(&message)),
                ))
            }
        }
    }

    /// Rewrites the parser's "at line L column C" (counted in this YAML text) into lines
    /// of the file, dropping the one that repeats the diagnostic's own position.
    fn file_lines_in(&self, message: &str, own_line: usize) -> String {
        let mut out = String::new();
        let mut rest = message;
        while let Some(i) = rest.find(" at line ") {
            out.push_str(&rest[..i]);
            let after = &rest[i + " at line ".len()..];
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            let tail = &after[digits.len()..];
            let tail = tail
                .strip_prefix(" column ")
                .map(|t| t.trim_start_matches(|c: char| c.is_ascii_digit()))
                .unwrap_or(tail);
            if let Ok(n) = digits.parse::<usize>() {
                if n != own_line {
                    out.push_str(&format!(" (line {})", n + self.first_line - 1));
                }
            }
            rest = tail;
        }
        out.push_str(rest);
        out
    }

    /// A diagnostic at a line of this YAML text (1-based within the text).
    pub fn error_at_line(
        &self,
        code: &'static str,
        line: usize,
        column: usize,
        message: String,
        hint: Option<String>,
    ) -> Diagnostic {
        let lines = self.lines();
        let source = lines.get(line.saturating_sub(1)).copied().unwrap_or("");
        let width = source
            .chars()
            .skip(column.saturating_sub(1))
            .count()
            .clamp(1, 60);
        let mut d = Diagnostic::error(code, self.path, message)
            .at(line + self.first_line - 1, column, width)
            .with_source_line(source);
        d.hint = hint;
        d
    }

    pub fn whole(&self) -> Block {
        Block {
            from: 0,
            to: self.lines().len(),
        }
    }
}

/// serde_yaml refuses nesting deeper than this anyway, but its parser first spends time
/// quadratic in the depth: 50,000 `[` take seconds. Refuse such text before parsing.
const MAX_DEPTH: usize = 128;

/// Where flow collections (`[`, `{`) first nest deeper than [`MAX_DEPTH`], if they do.
/// Quoted strings are skipped; a quote opens one only where a YAML value can start, so
/// an apostrophe inside plain text (`it's`) does not hide the brackets after it.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (n, line) in text.split('\n').enumerate() {
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        let mut chars = line.chars().enumerate();
        while let Some((col, c)) = chars.next() {
            match quote {
                Some('"') if c == '\\' => {
                    chars.next();
                }
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '"' | '\'' if matches!(previous, ' ' | '[' | '{' | ',' | ':' | '-') => {
                        quote = Some(c)
                    }
                    '#' if previous == ' ' => break,
                    '[' | '{' => {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return Some((n + 1, col + 1));
                        }
                    }
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                },
            }
            previous = c;
        }
    }
    None
}

fn yaml_hint(message: &str) -> String {
    if message.contains("flow sequence") {
        "a list written with `[` must end with `]` on the same line: `tags: [a, b]`".into()
    } else if message.contains("flow mapping") {
        "a group written with `{` must end with `}` on the same line".into()
    } else if message.contains("mapping values are not allowed") {
        "a value containing `: ` must be quoted: title: \"...: ...\"".into()
    } else if message.contains("did not find expected") || message.contains("indentation") {
        "check the indentation: list items start with `- ` under their field, all at the same depth"
            .into()
    } else if message.contains("found character that cannot start any token") {
        "a value starting with `@`, `` ` `` or a tab must be quoted; indent with spaces, not tabs"
            .into()
    } else {
        "check the line for a missing quote, colon or wrong indentation".into()
    }
}

/// A range of lines (0-based, half-open) of a YAML text holding one mapping.
#[derive(Clone, Copy, Debug)]
pub struct Block {
    from: usize,
    to: usize,
}

/// A field known to a kind of file: its name and what it means, for hints.
pub type KnownField = (&'static str, &'static str);

/// Reads the fields of one mapping, collecting diagnostics instead of stopping.
pub struct Fields<'a> {
    src: YamlText<'a>,
    /// The lines of the whole text, shared by nested readers (splitting the text once
    /// per list entry would make long lists quadratic).
    lines: Rc<Vec<&'a str>>,
    block: Block,
    map: Mapping,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    /// Starts reading `map`, warning about every key not in `known`.
    pub fn new(src: YamlText<'a>, block: Block, map: Mapping, known: &[KnownField]) -> Self {
        Self::with_lines(src, Rc::new(src.lines()), block, map, known)
    }

    fn with_lines(
        src: YamlText<'a>,
        lines: Rc<Vec<&'a str>>,
        block: Block,
        map: Mapping,
        known: &[KnownField],
    ) -> Self {
        let mut fields = Fields {
            src,
            lines,
            block,
            map,
            diagnostics: Vec::new(),
        };
        let unknown: Vec<String> = fields
            .map
            .keys()
            .filter_map(|k| match k {
                Value::String(s) if known.iter().any(|(name, _)| name == s) => None,
                other => Some(key_text(other)),
            })
            .collect();
        for key in unknown {
            let (line, column) = fields.key_pos(&key);
            let mut d = Diagnostic::warning(
                "W001",
                src.path,
                format!("unknown field `{key}` (this field is ignored)"),
            );
            d = fields.point(d, line, column, key.chars().count());
            d.hint = Some(match closest(&key, known.iter().map(|(n, _)| *n)) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "known fields: {}",
                    known.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                ),
            });
            fields.diagnostics.push(d);
        }
        fields
    }

    /// Line (1-based in file) and column of a key of this mapping: the key must sit at
    /// the mapping's own indentation, so a same-named key deeper down is not taken.
    pub fn key_pos(&self, key: &str) -> (usize, usize) {
        match self.find_key(key) {
            Some((i, byte)) => (
                i + self.src.first_line,
                self.lines[i][..byte].chars().count() + 1,
            ),
            None => (self.block.from + self.src.first_line, 1),
        }
    }

    /// Index of the line holding `key` and the byte column the key starts at.
    fn find_key(&self, key: &str) -> Option<(usize, usize)> {
        let key_column = self.key_column();
        (self.block.from..self.block.to.min(self.lines.len())).find_map(|i| {
            let line = self.lines[i];
            let rest = line.get(key_column..)?;
            let prefix_ok = line[..key_column].chars().all(|c| c == ' ' || c == '-');
            (prefix_ok && rest.starts_with(key) && rest[key.len()..].trim_start().starts_with(':'))
                .then_some((i, key_column))
        })
    }

    /// The scalars of the value of `key`, in order, where they are written: one for a
    /// scalar on the key's line, one per entry of a flow or block list. Empty when the
    /// key is not found or its value is a mapping.
    fn value_scalars(&self, key: &str) -> Vec<Scalar<'a>> {
        let Some((i, byte)) = self.find_key(key) else {
            return Vec::new();
        };
        let lines: &[&'a str] = &self.lines[..self.block.to.min(self.lines.len())];
        let line = lines[i];
        let Some(colon) = line[byte + key.len()..].find(':') else {
            return Vec::new();
        };
        let after = byte + key.len() + colon + 1;
        let rest = &line[after..];
        let start = after + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        match line[start..].chars().next() {
            None | Some('#') => block_list(lines, i, byte),
            Some('[') => flow_list(lines, i, start + 1),
            Some('{') => Vec::new(),
            Some(_) => scalar_at(line, start, &[])
                .map(|s| Scalar { line: i, ..s })
                .into_iter()
                .collect(),
        }
    }

    /// Line (1-based in file) and column of the scalar written at `scalar`.
    fn scalar_pos(&self, scalar: &Scalar) -> (usize, usize) {
        let text = self.lines[scalar.line];
        (
            scalar.line + self.src.first_line,
            text[..scalar.byte].chars().count() + 1,
        )
    }

    /// Byte column at which the keys of this mapping start.
    fn key_column(&self) -> usize {
        (self.block.from..self.block.to.min(self.lines.len()))
            .map(|i| self.lines[i])
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map_or(0, |l| l.len() - l.trim_start_matches([' ', '-']).len())
    }

    /// Line and column of `needle` inside the value of `key`, searching after the line
    /// `after` (1-based in file) so repeated list entries get their own lines.
    /// A scalar written exactly as `needle` is taken first; the text search remains for
    /// values inside nested mappings.
    pub fn value_pos(&self, key: &str, needle: &str, after: usize) -> (usize, usize) {
        if let Some(scalar) = self
            .value_scalars(key)
            .iter()
            .find(|s| s.line + self.src.first_line >= after && s.text == needle)
        {
            return self.scalar_pos(scalar);
        }
        let (key_line, key_col) = self.key_pos(key);
        let start = key_line.max(after) - self.src.first_line;
        for i in start..self.block.to.min(self.lines.len()) {
            let line = self.lines[i];
            let search_from = if i + self.src.first_line == key_line {
                line.find(':').map_or(0, |p| p + 1)
            } else {
                0
            };
            if let Some(pos) = line.get(search_from..).and_then(|rest| rest.find(needle)) {
                let byte = search_from + pos;
                return (i + self.src.first_line, line[..byte].chars().count() + 1);
            }
        }
        (key_line, key_col)
    }

    fn point(&self, d: Diagnostic, line: usize, column: usize, width: usize) -> Diagnostic {
        let source = self
            .lines
            .get(line.saturating_sub(self.src.first_line))
            .copied()
            .unwrap_or("");
        d.at(line, column, width).with_source_line(source)
    }

    /// An error at the key `key` of this mapping.
    pub fn error_at_key(
        &mut self,
        code: &'static str,
        key: &str,
        message: String,
        hint: Option<String>,
    ) {
        let (line, column) = self.key_pos(key);
        let mut d = self.point(
            Diagnostic::error(code, self.src.path, message),
            line,
            column,
            key.chars().count(),
        );
        d.hint = hint;
        self.diagnostics.push(d);
    }

    /// An error at a value inside the field `key`.
    pub fn error_at_value(
        &mut self,
        code: &'static str,
        key: &str,
        value: &str,
        after: usize,
        message: String,
        hint: Option<String>,
    ) {
        let (line, column) = self.value_pos(key, value, after);
        let mut d = self.point(
            Diagnostic::error(code, self.src.path, message),
            line,
            column,
            value.chars().count(),
        );
        d.hint = hint;
        self.diagnostics.push(d);
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn missing(&mut self, key: &str, meaning: &str) {
        let line = self.block.from + self.src.first_line;
        let first = self.lines.get(self.block.from).copied().unwrap_or("");
        let d = Diagnostic::error(
            "E007",
            self.src.path,
            format!("required field `{key}` ({meaning}) is missing"),
        )
        .at(line, 1, first.chars().count().max(1))
        .with_source_line(first)
        .with_hint(format!("add a line `{key}: ...`"));
        self.diagnostics.push(d);
    }

    fn wrong_type(&mut self, key: &str, expected: &str, found: &Value) {
        let message = format!(
            "field `{key}` must be {expected}, found {}",
            describe(found)
        );
        let hint = Some(match expected {
            "true or false" => format!("write `{key}: true` or `{key}: false`"),
            "a list" => format!("write each entry on its own line under `{key}:` as `  - value`"),
            _ => format!("write `{key}: ` followed by {expected}"),
        });
        self.error_at_key("E008", key, message, hint);
    }

    /// A string field. Numbers are accepted as their text (editors write `number: 1`).
    pub fn string(&mut self, key: &str, required: Option<&str>) -> Option<String> {
        match self.get(key).cloned() {
            None => {
                if let Some(meaning) = required {
                    self.missing(key, meaning);
                }
                None
            }
            Some(Value::String(s)) => {
                if required.is_some() && s.trim().is_empty() {
                    self.error_at_key(
                        "E007",
                        key,
                        format!("required field `{key}` is empty"),
                        Some(format!("write a value after `{key}:`")),
                    );
                }
                Some(s)
            }
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => {
                self.wrong_type(key, "text", &other);
                None
            }
        }
    }

    /// A string that must be written, with its position.
    pub fn spanned_string(&mut self, key: &str, required: Option<&str>) -> Option<Spanned<String>> {
        let value = self.string(key, required)?;
        let (line, column) = self.value_pos(key, value.trim(), 0);
        Some(Spanned {
            value,
            line,
            column,
        })
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        match self.get(key).cloned() {
            None => None,
            Some(Value::Bool(b)) => Some(b),
            Some(other) => {
                self.wrong_type(key, "true or false", &other);
                None
            }
        }
    }

    pub fn integer(&mut self, key: &str) -> Option<i64> {
        match self.get(key).cloned() {
            None => None,
            Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
            Some(other) => {
                self.wrong_type(key, "a whole number", &other);
                None
            }
        }
    }

    /// A whole number that must lie in `range`: values are narrowed later, and a number
    /// outside the range must be refused here rather than wrap around.
    pub fn integer_in(
        &mut self,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
        what: &str,
    ) -> Option<i64> {
        let n = self.integer(key)?;
        if range.contains(&n) {
            return Some(n);
        }
        let text = n.to_string();
        self.error_at_value(
            "E055",
            key,
            &text,
            0,
            format!(
                "`{key}` is {n}, outside the range of {what} ({} to {})",
                range.start(),
                range.end()
            ),
            Some(format!(
                "write {what} between {} and {}",
                range.start(),
                range.end()
            )),
        );
        None
    }

    /// A list of strings; a single string is accepted as a list of one.
    pub fn string_list(&mut self, key: &str) -> Vec<Spanned<String>> {
        let values = match self.get(key).cloned() {
            None => return Vec::new(),
            Some(Value::Sequence(seq)) => seq,
            Some(Value::String(s)) => vec![Value::String(s)],
            Some(other) => {
                self.wrong_type(key, "a list", &other);
                return Vec::new();
            }
        };
        // The n-th entry is the n-th scalar written, when the shapes agree: two entries
        // with the same text, or one that is the start of another, keep their own places.
        let scalars = self.value_scalars(key);
        let by_index = scalars.len() == values.len();
        let mut out = Vec::new();
        let mut after = 0;
        for (n, value) in values.into_iter().enumerate() {
            let text = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                other => {
                    let message = format!(
                        "each entry of `{key}` must be text, found {}",
                        describe(&other)
                    );
                    self.error_at_key("E008", key, message, None);
                    continue;
                }
            };
            let (line, column) = match scalars.get(n) {
                Some(scalar) if by_index => self.scalar_pos(scalar),
                _ => self.value_pos(key, text.trim(), after),
            };
            after = line + 1;
            out.push(Spanned {
                value: text,
                line,
                column,
            });
        }
        out
    }

    /// One value out of a fixed set; a wrong one lists the set and the closest entry.
    pub fn choice<T: Copy>(
        &mut self,
        key: &str,
        allowed: &[(&str, T)],
        required: Option<&str>,
    ) -> Option<T> {
        let text = self.string(key, required)?;
        self.pick(key, &text, allowed, None)
    }

    pub fn choice_list<T: Copy>(&mut self, key: &str, allowed: &[(&str, T)]) -> Vec<T> {
        self.string_list(key)
            .into_iter()
            .filter_map(|s| self.pick(key, &s.value, allowed, Some((s.line, s.column))))
            .collect()
    }

    fn pick<T: Copy>(
        &mut self,
        key: &str,
        text: &str,
        allowed: &[(&str, T)],
        at: Option<(usize, usize)>,
    ) -> Option<T> {
        if let Some((_, v)) = allowed.iter().find(|(name, _)| *name == text.trim()) {
            return Some(*v);
        }
        let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
        let hint = match closest(text, names.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? allowed: {}", names.join(", ")),
            None => format!("allowed values: {}", names.join(", ")),
        };
        let message = format!("`{}` is not an allowed value of `{key}`", text.trim());
        match at {
            Some((line, column)) => {
                let d = Diagnostic::error("E009", self.src.path, message).with_hint(hint);
                let d = self.point(d, line, column, text.trim().chars().count());
                self.diagnostics.push(d);
            }
            None => self.error_at_value("E009", key, text.trim(), 0, message, Some(hint)),
        }
        None
    }

    /// Blocks of the entries of a list field, in order, for reading them as mappings.
    pub fn list_blocks(&self, key: &str) -> Vec<Block> {
        let (key_line, _) = self.key_pos(key);
        let start = key_line - self.src.first_line + 1;
        let key_indent = indent_of(self.lines.get(start - 1).copied().unwrap_or(""));
        let mut starts = Vec::new();
        let mut item_indent = None;
        let mut end = self.block.to.min(self.lines.len());
        for i in start..end {
            let line = self.lines[i];
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let indent = indent_of(line);
            let is_item = line.trim_start().starts_with("- ") || line.trim() == "-";
            if indent < key_indent || (indent == key_indent && !is_item) {
                end = i;
                break;
            }
            if is_item && item_indent.is_none_or(|d| d == indent) {
                item_indent = Some(indent);
                starts.push(i);
            }
        }
        let mut blocks = Vec::new();
        for (n, &s) in starts.iter().enumerate() {
            let e = starts.get(n + 1).copied().unwrap_or(end);
            blocks.push(Block { from: s, to: e });
        }
        blocks
    }

    /// A reader for a nested mapping (an entry of a list field).
    pub fn nested(&self, block: Option<Block>, map: Mapping, known: &[KnownField]) -> Fields<'a> {
        let block = block.unwrap_or(self.block);
        Fields::with_lines(self.src, Rc::clone(&self.lines), block, map, known)
    }

    /// 1-based line of the start of this mapping.
    pub fn first_line(&self) -> usize {
        self.block.from + self.src.first_line
    }

    pub fn source(&self) -> YamlText<'a> {
        self.src
    }

    /// The text of a 1-based line of the file.
    pub fn line_text(&self, line: usize) -> &'a str {
        self.lines
            .get(line.saturating_sub(self.src.first_line))
            .copied()
            .unwrap_or("")
    }
}

/// One scalar of a value as written: index of its line among the text's lines, byte
/// column of its first character (inside quotes, if quoted), and its text as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scalar<'a> {
    line: usize,
    byte: usize,
    text: &'a str,
}

/// The scalar starting at byte `start` of `line`; `stops` are the characters that end a
/// plain scalar besides a comment (`,`, `]`, `}` inside a flow collection).
fn scalar_at<'a>(line: &'a str, start: usize, stops: &[char]) -> Option<Scalar<'a>> {
    let rest = line.get(start..)?;
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        let body = &rest[1..];
        let mut end = body.len();
        let mut chars = body.char_indices();
        while let Some((k, c)) = chars.next() {
            if quote == '"' && c == '\\' {
                chars.next();
            } else if c == quote {
                end = k;
                break;
            }
        }
        return Some(Scalar {
            line: 0,
            byte: start + 1,
            text: &body[..end],
        });
    }
    let mut end = rest.len();
    let mut previous = ' ';
    for (k, c) in rest.char_indices() {
        if stops.contains(&c) || (c == '#' && (previous == ' ' || previous == '\t')) {
            end = k;
            break;
        }
        previous = c;
    }
    let text = rest[..end].trim_end();
    (!text.is_empty()).then_some(Scalar {
        line: 0,
        byte: start,
        text,
    })
}

/// The entries of a block list under the key on line `key_line`: the `- ` lines at the
/// first entry's indentation, until a line less indented than the entries.
fn block_list<'a>(lines: &[&'a str], key_line: usize, key_indent: usize) -> Vec<Scalar<'a>> {
    let mut out = Vec::new();
    let mut entry_indent = None;
    for (i, line) in lines.iter().enumerate().skip(key_line + 1) {
        let trimmed = line.trim_start_matches(' ');
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = indent_of(line);
        let is_entry = trimmed.starts_with("- ") || trimmed.trim_end() == "-";
        if indent < key_indent || (indent == key_indent && !is_entry) {
            break;
        }
        match entry_indent {
            None if is_entry => entry_indent = Some(indent),
            Some(e) if indent < e => break,
            Some(e) if indent > e || !is_entry => continue,
            None => break,
            Some(_) => {}
        }
        let after_dash = indent + 1;
        let start = after_dash + (line[after_dash..].len() - line[after_dash..].trim_start().len());
        if let Some(s) = scalar_at(line, start, &[]) {
            out.push(Scalar { line: i, ..s });
        }
    }
    out
}

/// The entries of a flow list whose `[` ends just before byte `from` of line `first`:
/// one scalar per entry at depth one, across lines, quotes and comments respected.
fn flow_list<'a>(lines: &[&'a str], first: usize, from: usize) -> Vec<Scalar<'a>> {
    let mut out = Vec::new();
    let mut depth = 1usize;
    let mut expect_entry = true;
    for (i, line) in lines.iter().enumerate().skip(first) {
        let mut k = if i == first { from } else { 0 };
        let mut previous = ' ';
        while let Some(c) = line.get(k..).and_then(|r| r.chars().next()) {
            if c == '#' && (previous == ' ' || previous == '\t') {
                break;
            }
            match c {
                ' ' | '\t' => {}
                ',' if depth == 1 => expect_entry = true,
                ']' | '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return out;
                    }
                }
                '[' | '{' => {
                    depth += 1;
                    expect_entry = false;
                }
                _ if expect_entry && depth == 1 => {
                    expect_entry = false;
                    if let Some(s) = scalar_at(line, k, &[',', ']', '}']) {
                        out.push(Scalar { line: i, ..s });
                        // Skip the scalar (and a closing quote) so its commas and brackets
                        // inside quotes are not read as structure.
                        let quoted = s.byte != k;
                        k = s.byte + s.text.len() + usize::from(quoted);
                        previous = 'x';
                        continue;
                    }
                }
                '"' | '\'' => {
                    // A quoted scalar inside a nested collection: skip it whole.
                    if let Some(s) = scalar_at(line, k, &[]) {
                        k = s.byte + s.text.len() + 1;
                        previous = 'x';
                        continue;
                    }
                }
                _ => {}
            }
            previous = c;
            k += c.len_utf8();
        }
    }
    out
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => "?".into(),
    }
}

/// How a YAML value reads to an editor.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{}\"", s.chars().take(40).collect::<String>()),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a group of fields".into(),
        Value::Tagged(_) => "a tagged value".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_deeper_than_the_limit_is_found_before_parsing() {
        let text = format!("title: x\ntags: {}", "[".repeat(MAX_DEPTH + 1));
        assert_eq!(too_deep(&text), Some((2, 7 + MAX_DEPTH)));
        assert_eq!(too_deep(&format!("a: {}", "[".repeat(MAX_DEPTH))), None);
    }

    #[test]
    fn brackets_inside_quotes_and_comments_do_not_count() {
        let many = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(too_deep(&format!("a: \"{many}\"")), None);
        assert_eq!(too_deep(&format!("a: '{many}'")), None);
        assert_eq!(too_deep(&format!("a: 1 # {many}")), None);
    }

    #[test]
    fn an_apostrophe_in_plain_text_does_not_hide_brackets() {
        let text = format!("a: it's {}", "[".repeat(MAX_DEPTH + 1));
        assert!(too_deep(&text).is_some());
    }

    #[test]
    fn flow_list_entries_are_found_by_place_across_quotes_comments_and_nesting() {
        let lines = ["a: [x, \"y, ]\", [z, w], 'v' # c, d", "  , u]", "b: [q]"];
        let found: Vec<(usize, usize, &str)> = flow_list(&lines, 0, 4)
            .iter()
            .map(|s| (s.line, s.byte, s.text))
            .collect();
        assert_eq!(
            found,
            [(0, 4, "x"), (0, 8, "y, ]"), (0, 24, "v"), (1, 4, "u")]
        );
    }

    #[test]
    fn block_list_entries_stop_at_the_next_key() {
        let lines = ["a:", "  - x", "  -   'y' # c", "    z: 1", "b:", "  - w"];
        let found: Vec<(usize, usize, &str)> = block_list(&lines, 0, 0)
            .iter()
            .map(|s| (s.line, s.byte, s.text))
            .collect();
        assert_eq!(found, [(1, 4, "x"), (2, 7, "y")]);
    }
}
