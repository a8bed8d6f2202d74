//! One content file as text: decoded, normalised (BOM, CRLF) and split into front matter
//! and body, with a line index so every later stage can point at a line.

use crate::diagnostics::Diagnostic;
use std::path::{Path, PathBuf};

pub use crate::text::nfc;

/// Byte offsets of line starts, to turn offsets into `line:column`.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = text
            .get(start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        (line, column)
    }

    /// The text of a 1-based line, without its newline.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> &'t str {
        if line == 0 || line > self.starts.len() {
            return "";
        }
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(text.len(), |&e| e - 1);
        text.get(start..end).unwrap_or("")
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// A Markdown file after decoding: the whole normalised text plus where the front
/// matter and the body lie in it.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to `content/`, with `/` separators.
    pub path: PathBuf,
    pub text: String,
    pub lines: LineIndex,
    /// Byte range of the YAML between the `---` lines.
    pub front_matter: std::ops::Range<usize>,
    /// 1-based line on which the YAML starts (the line after the opening `---`).
    pub front_matter_line: usize,
    pub body_start: usize,
}

impl SourceFile {
    pub fn front_matter_text(&self) -> &str {
        &self.text[self.front_matter.clone()]
    }

    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// 1-based line of the first body line.
    pub fn body_line(&self) -> usize {
        self.lines.line_col(&self.text, self.body_start).0
    }
}

/// Decodes raw bytes: UTF-8 only, a BOM dropped, CRLF and lone CR turned into LF.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let bytes = err.as_bytes();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(Diagnostic::error(
                "E002",
                path,
                format!("the file is not valid UTF-8 (invalid byte at offset {at}, line {line})"),
            )
            .with_hint(
                "save the file as UTF-8 (UTF-8 で保存してください); Shift_JIS is not accepted",
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.contains('\r') {
        Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Ok(text.to_owned())
    }
}

/// Splits a Markdown file into front matter and body.
pub fn split(path: PathBuf, text: String) -> Result<SourceFile, Diagnostic> {
    let lines = LineIndex::new(&text);
    if text.trim().is_empty() {
        return Err(
            Diagnostic::error("E003", path, "the file is empty").with_hint(
                "start the file with front matter: a line `---`, `title: ...`, and a closing `---`",
            ),
        );
    }
    let first = lines.line(&text, 1);
    if first.trim_end() != "---" {
        let d = Diagnostic::error("E004", path, "the file does not start with front matter")
            .at(1, 1, first.chars().count().max(1))
            .with_source_line(first)
            .with_hint("the first line must be `---`, followed by the YAML fields (title: ...) and another `---` line");
        return Err(d);
    }
    let fm_start = lines.line(&text, 1).len() + 1;
    let mut offset = fm_start.min(text.len());
    for number in 2..=lines.line_count() {
        let line = lines.line(&text, number);
        if line.trim_end() == "---" {
            let body_start = (offset + line.len() + 1).min(text.len());
            return Ok(SourceFile {
                path,
                front_matter: fm_start.min(offset)..offset,
                front_matter_line: 2,
                body_start,
                lines,
                text,
            });
        }
        offset += line.len() + 1;
    }
    Err(
        Diagnostic::error("E005", path, "the front matter is never closed")
            .at(1, 1, 3)
            .with_source_line("---")
            .with_hint("add a line with only `---` after the last front-matter field"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_normalised() {
        let text = decode(
            Path::new("a.md"),
            b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\nbody\r\n".to_vec(),
        )
        .unwrap();
        assert_eq!(text, "---\ntitle: x\n---\nbody\n");
        let file = split("a.md".into(), text).unwrap();
        assert_eq!(file.front_matter_text(), "title: x\n");
        assert_eq!(file.body(), "body\n");
        assert_eq!(file.body_line(), 4);
    }

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let err = decode(Path::new("a.md"), b"---\ntitle: \x82\xa0\n".to_vec()).unwrap_err();
        assert_eq!(err.code, "E002");
        assert!(err.message.contains("offset 11"), "{}", err.message);
        assert!(err.message.contains("line 2"), "{}", err.message);
    }

    #[test]
    fn unterminated_front_matter_is_reported() {
        let err = split("a.md".into(), "---\ntitle: x\n".into()).unwrap_err();
        assert_eq!(err.code, "E005");
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "あいう\nえお";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, "あいう\nえ".len()), (2, 2));
        assert_eq!(idx.line(text, 2), "えお");
    }
}
