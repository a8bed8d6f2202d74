//! Problems found in the editors' content, as values: each one carries a stable code,
//! a message, a hint and labels (a primary one where the problem is, secondary ones on
//! other places it involves, in any file), and is rendered once, by `main.rs`. The
//! drawing of source lines and markers is annotate-snippets' (rustc's own), which
//! measures wide characters; this module only turns spans into its snippets.

use annotate_snippets::{AnnotationKind, Element, Group, Level, Origin, Renderer, Snippet};
use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
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

impl Location {
    /// The location of the byte range `bytes` of `text`, the whole text of the file at
    /// `path`: the one place byte offsets become line, column and width. Returns the
    /// location and the line the span starts on (a span running over several lines is
    /// marked to the end of its first).
    pub fn of_bytes(path: impl Into<PathBuf>, text: &str, bytes: Range<usize>) -> (Location, &str) {
        let start = floor_char_boundary(text, bytes.start.min(text.len()));
        let end = floor_char_boundary(text, bytes.end.clamp(start, text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let width = text[start..end.min(line_end)].chars().count().max(1);
        let location = Location {
            path: path.into(),
            line,
            column,
            width,
        };
        (location, &text[line_start..line_end])
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A place a diagnostic points at besides its own: the other file of a duplicate, the
/// first of two colliding rows. Drawn as a secondary label; machine formats list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub location: Location,
    /// The source line the span points into (none for a whole file).
    pub source_line: Option<String>,
    /// What this place has to do with the problem, e.g. "first used here".
    pub message: String,
}

impl Label {
    /// A label on the byte range `bytes` of `text`, the whole text of the file `path`.
    pub fn at_bytes(
        path: impl Into<PathBuf>,
        text: &str,
        bytes: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let (location, line) = Location::of_bytes(path, text, bytes);
        Label {
            location,
            source_line: Some(line.to_string()),
            message: message.into(),
        }
    }

    /// A label on `line:column` (1-based), `width` characters wide, of `source_line`.
    pub fn at(
        path: impl Into<PathBuf>,
        (line, column, width): (usize, usize, usize),
        source_line: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Label {
            location: Location {
                path: path.into(),
                line,
                column: column.max(1),
                width: width.max(1),
            },
            source_line: Some(source_line.into()),
            message: message.into(),
        }
    }

    /// A label on a whole file.
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Label {
            location: Location {
                path: path.into(),
                ..Location::default()
            },
            source_line: None,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable identifier (`E0xx` errors, `W0xx` warnings), documented in docs/diagnostics.md.
    pub code: &'static str,
    /// Where the primary label sits.
    pub location: Location,
    pub message: String,
    pub hint: Option<String>,
    /// The source line the span points into, so the rendering needs no file access.
    pub source_line: Option<String>,
    /// The primary label's own words, drawn beside its marker (the message says the rest).
    pub label: Option<String>,
    /// Other places the problem involves, possibly in other files.
    pub secondary: Vec<Label>,
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
            label: None,
            secondary: Vec::new(),
        }
    }

    /// Points the diagnostic at `line:column` (1-based), underlining `width` characters.
    pub fn at(mut self, line: usize, column: usize, width: usize) -> Self {
        self.location.line = line;
        self.location.column = column.max(1);
        self.location.width = width.max(1);
        self
    }

    /// Points the diagnostic at the byte range `bytes` of `text`, the whole text of its
    /// file, and keeps the line it starts on.
    pub fn at_bytes(mut self, text: &str, bytes: Range<usize>) -> Self {
        let path = std::mem::take(&mut self.location.path);
        let (location, line) = Location::of_bytes(path, text, bytes);
        self.location = location;
        self.source_line = Some(line.to_string());
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

    /// Words drawn beside the primary marker.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a secondary label: another place, in this file or another, that the problem
    /// involves.
    pub fn with_secondary(mut self, label: Label) -> Self {
        self.secondary.push(label);
        self
    }

    /// As `with_secondary`, when there is a place to point at.
    pub fn with_secondary_opt(self, label: Option<Label>) -> Self {
        match label {
            Some(l) => self.with_secondary(l),
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic the way rustc does (annotate-snippets draws it): header,
    /// location, the marked source lines of every label, hint. Plain text: tebiki has
    /// never coloured its output, and logs of CI jobs keep it readable.
    pub fn render(&self) -> String {
        let message = visible(&self.message, "\n\t");
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(message.as_ref()).id(self.code);
        let primary = Label {
            location: self.location.clone(),
            source_line: self.source_line.clone(),
            message: self.label.clone().unwrap_or_default(),
        };
        // Labels on one line of one file share a drawing, as rustc draws them.
        let mut drawn: Vec<(&Label, Vec<(&Label, AnnotationKind)>)> = Vec::new();
        let all = std::iter::once((&primary, AnnotationKind::Primary))
            .chain(self.secondary.iter().map(|l| (l, AnnotationKind::Context)));
        for (label, kind) in all {
            let same = drawn.iter_mut().find(|(first, _)| {
                first.location.path == label.location.path
                    && first.location.line == label.location.line
                    && label.location.line > 0
                    && first.source_line == label.source_line
            });
            match same {
                Some((_, labels)) => labels.push((label, kind)),
                None => drawn.push((label, vec![(label, kind)])),
            }
        }
        let mut elements: Vec<Element> = Vec::new();
        for (first, labels) in &drawn {
            let loc = &first.location;
            let path = visible(&display_path(&loc.path), "").into_owned();
            match (&first.source_line, loc.line) {
                (Some(src), line) if line > 0 => {
                    let (shown, _) = escaped(src, 1, 0);
                    let annotations = labels.iter().map(|(l, kind)| {
                        let (_, span) = escaped(src, l.location.column, l.location.width);
                        let text = visible(&l.message, "");
                        kind.span(span)
                            .label((!text.is_empty()).then(|| text.into_owned()))
                    });
                    elements.push(
                        Snippet::source(shown)
                            .line_start(line)
                            .path(path)
                            .annotations(annotations)
                            .into(),
                    );
                }
                (_, line) => {
                    let mut origin = Origin::path(path);
                    if line > 0 {
                        origin = origin.line(line).char_column(loc.column);
                    }
                    elements.push(origin.into());
                    for (l, kind) in labels {
                        if !l.message.is_empty() && *kind == AnnotationKind::Context {
                            elements.push(
                                Level::NOTE
                                    .message(visible(&l.message, "").into_owned())
                                    .into(),
                            );
                        }
                    }
                }
            }
        }
        if let Some(hint) = &self.hint {
            elements.push(
                Level::HELP
                    .with_name("hint")
                    .message(visible(hint, "\n\t").into_owned())
                    .into(),
            );
        }
        let report = [Group::with_title(title).elements(elements)];
        let mut out = Renderer::plain().render(&report);
        out.push('\n');
        out
    }
}

/// `src` as shown (control characters escaped by `visible`), and the byte range in it of
/// the `width` characters from the 1-based `column`: the renderer measures how wide
/// they are on the terminal.
fn escaped(src: &str, column: usize, width: usize) -> (String, Range<usize>) {
    let first = column.saturating_sub(1);
    let mut shown = String::with_capacity(src.len());
    let (mut start, mut end) = (None, None);
    for (i, c) in src.chars().enumerate() {
        if i == first {
            start = Some(shown.len());
        }
        if i == first + width.max(1) {
            end = Some(shown.len());
        }
        shown.push_str(&visible(c.encode_utf8(&mut [0; 4]), "\t"));
    }
    let start = start.unwrap_or(shown.len());
    let end = end.unwrap_or(shown.len()).max(start);
    (shown, start..end)
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
    fn byte_spans_become_line_column_and_width_in_characters() {
        let text = "---\ntitle: 人口動態\n---\n";
        let start = text.find('人').unwrap_or(0);
        let (loc, line) = Location::of_bytes("a.md", text, start..start + "人口".len());
        assert_eq!((loc.line, loc.column, loc.width), (2, 8, 2));
        assert_eq!(line, "title: 人口動態");
        // Offsets inside a character or past the end are pulled back, never panic.
        let (loc, _) = Location::of_bytes("a.md", text, start + 1..text.len() + 9);
        assert_eq!((loc.line, loc.column, loc.width), (2, 8, 4));
    }

    #[test]
    fn secondary_labels_are_drawn_in_their_own_files() {
        let d = Diagnostic::error("E014", "pages/b.md", "duplicate id `b`")
            .at_bytes("---\ntitle: 二\n", 11..14)
            .with_label("this one")
            .with_secondary(Label::at_bytes(
                "pages/x/b.md",
                "---\ntitle: 一\n",
                11..14,
                "the first",
            ))
            .with_secondary(Label::file("pages/y/b.md", "and a third"));
        let text = d.render();
        assert!(text.contains("--> pages/b.md:2:8"), "{text}");
        assert!(text.contains("^^ this one"), "{text}");
        assert!(text.contains("::: pages/x/b.md:2:8"), "{text}");
        assert!(text.contains("-- the first"), "{text}");
        assert!(text.contains("::: pages/y/b.md"), "{text}");
        assert!(text.contains("= note: and a third"), "{text}");
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
