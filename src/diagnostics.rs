//! Problems found in the editors' content, as values: each one carries the file, the
//! line and column, a stable code and a hint, and is rendered once, by `main.rs`.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where in a content file a problem sits. Lines and columns count from 1; a line of 0
/// means the problem concerns the whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// Width of the marked span in characters (at least 1 when a line is given).
    pub width: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable identifier (`E0xx` errors, `W0xx` warnings), documented in docs/diagnostics.md.
    pub code: &'static str,
    pub location: Location,
    pub message: String,
    pub hint: Option<String>,
    /// The source line the span points into, so the rendering needs no file access.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, path.into(), message.into())
    }

    pub fn warning(
        code: &'static str,
        path: impl Into<PathBuf>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, code, path.into(), message.into())
    }

    fn new(severity: Severity, code: &'static str, path: PathBuf, message: String) -> Self {
        Diagnostic {
            severity,
            code,
            location: Location {
                path,
                ..Location::default()
            },
            message,
            hint: None,
            source_line: None,
        }
    }

    /// Points the diagnostic at `line:column` (1-based), underlining `width` characters.
    pub fn at(mut self, line: usize, column: usize, width: usize) -> Self {
        self.location.line = line;
        self.location.column = column.max(1);
        self.location.width = width.max(1);
        self
    }

    pub fn with_source_line(mut self, line: impl Into<String>) -> Self {
        self.source_line = Some(line.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic the way compilers do: header, location, marked source
    /// line, hint.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let loc = &self.location;
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            self.severity.label(),
            self.code,
            visible(&self.message, "\n\t")
        );
        let path = visible(&display_path(&loc.path), "").into_owned();
        if loc.line == 0 {
            let _ = writeln!(out, "  --> {path}");
        } else {
            let _ = writeln!(out, "  --> {path}:{}:{}", loc.line, loc.column);
        }
        if let (Some(src), true) = (&self.source_line, loc.line > 0) {
            let number = loc.line.to_string();
            let pad = " ".repeat(number.len());
            // Each character as shown, and how many terminal columns it takes; control
            // characters are shown escaped, so they take the width of their escape.
            let shown: Vec<(char, String, usize)> = src
                .chars()
                .take(200)
                .map(|c| {
                    let text = visible(c.encode_utf8(&mut [0; 4]), "\t").into_owned();
                    let width = if text.len() > c.len_utf8() {
                        text.chars().count()
                    } else if is_wide(c) {
                        2
                    } else {
                        1
                    };
                    (c, text, width)
                })
                .collect();
            let before = loc.column.saturating_sub(1);
            let lead: String = shown
                .iter()
                .take(before)
                .map(|(c, _, w)| {
                    let blank = if *c == '\t' { "\t" } else { " " };
                    blank.repeat(*w)
                })
                .collect();
            let marked_width: usize = shown
                .iter()
                .skip(before)
                .take(loc.width.max(1))
                .map(|(_, _, w)| w)
                .sum::<usize>()
                .max(1);
            let line: String = shown.iter().map(|(_, t, _)| t.as_str()).collect();
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {line}");
            let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat(marked_width));
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = hint: {}", visible(hint, "\n\t"));
        }
        out
    }
}

/// `text` with control characters (except those in `keep`) and bidirectional
/// overrides escaped as `\u{1b}`: content reaches the terminal through messages and
/// source lines, and must not be able to move the cursor, recolour or reorder it.
pub fn visible<'t>(text: &'t str, keep: &str) -> std::borrow::Cow<'t, str> {
    let hidden = |c: char| {
        (c.is_control() && !keep.contains(c))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// Every problem of one run, kept in file and line order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorts by file, line, column, then severity, and drops exact repeats, so output is
    /// stable whatever order the parallel stages found things in.
    pub fn sorted(mut self) -> Self {
        self.items.sort_by(|a, b| {
            (&a.location, a.severity, a.code, &a.message).cmp(&(
                &b.location,
                b.severity,
                b.code,
                &b.message,
            ))
        });
        self.items.dedup();
        self
    }

    /// All diagnostics, then a count line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&d.render());
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{} error(s), {} warning(s)",
            self.error_count(),
            self.warning_count()
        );
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The closest candidate to `wrong`, if it is close enough to be a plausible typo.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        let d = edit_distance(&wrong_lower, &cand.to_lowercase());
        if best.is_none_or(|(bd, bc)| d < bd || (d == bd && cand < bc)) {
            best = Some((d, cand));
        }
    }
    let limit = (wrong.chars().count() / 3).max(2);
    best.filter(|(d, _)| *d <= limit).map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (la, lb) = (a.chars().count(), b.chars().count());
    // Long strings are never typos of each other; bound the work.
    if la.abs_diff(lb) > 8 || la > 200 || lb > 200 {
        return usize::MAX / 2;
    }
    strsim::levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_suggests_a_near_typo_and_nothing_for_a_stranger() {
        let ids = ["jinko-dotai", "iryo-shisetsu", "byoin-hokoku"];
        assert_eq!(closest("jinko-dotaii", ids), Some("jinko-dotai"));
        assert_eq!(closest("zzzzzzzzzz", ids), None);
    }

    #[test]
    fn rendering_marks_the_span_under_wide_characters() {
        let d = Diagnostic::error("E001", "surveys/a.md", "bad")
            .at(3, 8, 2)
            .with_source_line("title: 人口動態")
            .with_hint("fix it");
        let text = d.render();
        assert!(text.contains("--> surveys/a.md:3:8"), "{text}");
        assert!(text.contains("3 | title: 人口動態"), "{text}");
        assert!(text.contains("  |        ^^^^"), "{text}");
        assert!(text.contains("= hint: fix it"), "{text}");
    }

    #[test]
    fn control_characters_from_content_are_shown_escaped() {
        let d = Diagnostic::error("E017", "a\u{1b}[2J.md", "`\u{1b}]0;x\u{7}` is wrong")
            .at(1, 8, 2)
            .with_source_line("tags: [\u{1b}[31mred\r]")
            .with_hint("not \u{202e}this");
        let text = d.render();
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\r', '\u{202e}']),
            "{text:?}"
        );
        assert!(text.contains("--> a\\u{1b}[2J.md:1:8"), "{text}");
        assert!(text.contains("1 | tags: [\\u{1b}[31mred\\u{d}]"), "{text}");
        // The marker sits under the escaped character, as wide as its escape plus `[`.
        assert!(text.contains("\n  |        ^^^^^^^\n"), "{text}");
        assert!(text.contains("hint: not \\u{202e}this"), "{text}");
    }
}
