//! Typed reading of YAML mappings, field by field, so each wrong field yields its own
//! diagnostic with its line. serde_yaml's values carry no positions, so the lines are
//! found again in the text, block by block (editors write block-style YAML).

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
        let key_column = self.key_column();
        for i in self.block.from..self.block.to.min(self.lines.len()) {
            let line = self.lines[i];
            let Some(rest) = line.get(key_column..) else {
                continue;
            };
            let prefix_ok = line[..key_column].chars().all(|c| c == ' ' || c == '-');
            if prefix_ok && rest.starts_with(key) && rest[key.len()..].trim_start().starts_with(':')
            {
                return (
                    i + self.src.first_line,
                    line[..key_column].chars().count() + 1,
                );
            }
        }
        (self.block.from + self.src.first_line, 1)
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
    pub fn value_pos(&self, key: &str, needle: &str, after: usize) -> (usize, usize) {
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
        let mut out = Vec::new();
        let mut after = 0;
        for value in values {
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
            let (line, column) = self.value_pos(key, text.trim(), after);
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
        self.pick(key, &text, allowed, 0)
    }

    pub fn choice_list<T: Copy>(&mut self, key: &str, allowed: &[(&str, T)]) -> Vec<T> {
        self.string_list(key)
            .into_iter()
            .filter_map(|s| self.pick(key, &s.value, allowed, s.line))
            .collect()
    }

    fn pick<T: Copy>(
        &mut self,
        key: &str,
        text: &str,
        allowed: &[(&str, T)],
        after: usize,
    ) -> Option<T> {
        if let Some((_, v)) = allowed.iter().find(|(name, _)| *name == text.trim()) {
            return Some(*v);
        }
        let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
        let hint = match closest(text, names.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? allowed: {}", names.join(", ")),
            None => format!("allowed values: {}", names.join(", ")),
        };
        self.error_at_value(
            "E009",
            key,
            text.trim(),
            after.saturating_sub(1),
            format!("`{}` is not an allowed value of `{key}`", text.trim()),
            Some(hint),
        );
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
}
