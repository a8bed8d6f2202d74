//! The site as it will be written, held in memory: every output file with the one source
//! it comes from. The checks that need the whole output (one source per output path,
//! path limits of file systems) run here, before anything touches the disk, so `check`
//! and `build` refuse exactly the same sites.

use crate::diagnostics::{Diagnostic, Label};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use unicode_normalization::UnicodeNormalization;

/// Where an output file comes from, for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// A content file (relative to `content/`) and, when known, the line, column and
    /// width of what put the file there; `None` for files tebiki generates on its own.
    pub file: Option<(PathBuf, usize, usize, usize)>,
    /// What makes this output, in words: "the page of surveys/a.md", "tag `ABC`".
    pub what: String,
}

impl Origin {
    pub fn generated(what: impl Into<String>) -> Self {
        Origin {
            file: None,
            what: what.into(),
        }
    }

    /// A whole content file.
    pub fn file(path: impl Into<PathBuf>, what: impl Into<String>) -> Self {
        Origin {
            file: Some((path.into(), 0, 0, 0)),
            what: what.into(),
        }
    }

    /// A span of a content file.
    pub fn at(
        path: impl Into<PathBuf>,
        (line, column, width): (usize, usize, usize),
        what: impl Into<String>,
    ) -> Self {
        Origin {
            file: Some((path.into(), line, column, width)),
            what: what.into(),
        }
    }

    /// A secondary label on this origin's content file, if it has one.
    pub fn label(&self, source_line: Option<&str>) -> Option<Label> {
        let (path, line, column, width) = self.file.as_ref()?;
        let message = format!("{} comes from here", self.what);
        Some(if *line > 0 {
            Label::at(
                path,
                (*line, *column, *width),
                source_line.unwrap_or(""),
                message,
            )
        } else {
            Label::file(path, message)
        })
    }

    /// An error located at this origin (the content file when there is one).
    pub fn error(
        &self,
        code: &'static str,
        message: String,
        source_line: Option<&str>,
    ) -> Diagnostic {
        match &self.file {
            Some((path, line, column, width)) => {
                let d = Diagnostic::error(code, path, message);
                if *line > 0 {
                    d.at(*line, *column, *width)
                        .with_source_line(source_line.unwrap_or(""))
                } else {
                    d
                }
            }
            None => Diagnostic::error(code, "(generated)", message),
        }
    }
}

/// What an output file holds.
#[derive(Debug)]
pub enum Data {
    Bytes(Vec<u8>),
    /// Bytes compressed (LZ4, their length first): how a session holds a whole site
    /// for hours, in about a third of the memory. A build never makes these.
    Packed(Vec<u8>),
    /// A content file copied as it is (absolute path on disk): assets are not read into
    /// memory.
    Copy(PathBuf),
}

impl Data {
    /// The same file, its bytes packed to be held long.
    pub fn packed(self) -> Data {
        match self {
            Data::Bytes(bytes) => {
                let mut packed = lz4_flex::compress_prepend_size(&bytes);
                // Made with room for the worst case.
                packed.shrink_to_fit();
                Data::Packed(packed)
            }
            other => other,
        }
    }

    /// The bytes of a made file (`None` for a copied one).
    pub fn bytes(&self) -> Option<Cow<'_, [u8]>> {
        match self {
            Data::Bytes(bytes) => Some(Cow::Borrowed(bytes)),
            // Only `packed` makes these, so they always unpack; were one damaged, an
            // empty file is served rather than a panic.
            Data::Packed(packed) => Some(Cow::Owned(
                lz4_flex::decompress_size_prepended(packed).unwrap_or_default(),
            )),
            Data::Copy(_) => None,
        }
    }
}

#[derive(Debug)]
pub struct OutputFile {
    /// Root-relative path with `/`, e.g. `surveys/a/index.html`.
    pub path: String,
    pub origin: Origin,
    pub data: Data,
}

/// Anything that has an output path and an origin: planned or rendered files.
pub trait Placed {
    fn path(&self) -> &str;
    fn origin(&self) -> &Origin;
}

impl Placed for OutputFile {
    fn path(&self) -> &str {
        &self.path
    }
    fn origin(&self) -> &Origin {
        &self.origin
    }
}

/// The file a page URL is written to: `surveys/x/` → `surveys/x/index.html`.
pub fn page_path(url: &str) -> String {
    if url.is_empty() || url.ends_with('/') {
        format!("{url}index.html")
    } else {
        url.to_string()
    }
}

/// Most file systems limit one path component to 255 bytes.
pub const MAX_COMPONENT_BYTES: usize = 255;

/// The key two output paths collide on: the same after NFC and lower-casing, because
/// the site is also checked out and served on case-insensitive, normalising file
/// systems (macOS, Windows) where such names are one file.
fn collision_key(path: &str) -> String {
    let nfc: String = if unicode_normalization::is_nfc_quick(path.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        path.to_string()
    } else {
        path.nfc().collect()
    };
    if nfc.is_ascii() {
        nfc.to_ascii_lowercase()
    } else {
        nfc.to_lowercase()
    }
}

fn collision_hint(a: &Origin, b: &Origin) -> &'static str {
    let both = |prefix: &str| a.what.starts_with(prefix) && b.what.starts_with(prefix);
    if both("the keyword") {
        "tag pages ignore case and punctuation (`ABC`/`abc`, `a.b`/`a-b` are one page): write the tag the same way in every file"
    } else if both("fiscal year") || both("the track") {
        "each fiscal year has one schedule file: merge the two, or correct `fiscal_year`"
    } else if a.file.is_none()
        || b.file.is_none()
        || a.what.starts_with("the file content/") != b.what.starts_with("the file content/")
    {
        "tebiki writes this path itself: rename or move the content file"
    } else {
        "output paths ignore case (and Unicode normalisation): rename or remove one of the two"
    }
}

/// `source_line(origin)` gives the text of an origin's line for the diagnostic.
pub fn check_paths<F: Placed>(
    files: &[F],
    source_line: &dyn Fn(&Origin) -> Option<String>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::with_capacity(files.len());
    let mut reported: Vec<(Origin, Origin)> = Vec::new();
    let mut years: Vec<Option<(PathBuf, PathBuf)>> = Vec::new();
    let mut collide = |first: &F, second: &F, path: &str, diags: &mut Vec<_>| {
        let (a, b) = (first.origin(), second.origin());
        // A colliding pair shows up on several outputs (a schedule's page and its
        // calendars); name it once. Two identical generated origins are the echo of
        // a collision reported through the files that caused it.
        if a == b
            || reported
                .iter()
                .any(|(x, y)| (x == a && y == b) || (x == b && y == a))
        {
            return;
        }
        // Two schedules of one fiscal year also collide on each track's calendar:
        // the year's collision, reported first (pages precede exports), says it all.
        let files = match (&a.file, &b.file) {
            (Some(f), Some(g)) => Some((f.0.clone(), g.0.clone())),
            _ => None,
        };
        if a.what.starts_with("the track") && files.is_some() && years.contains(&files) {
            return;
        }
        if a.what.starts_with("fiscal year") {
            years.push(files);
        }
        reported.push((a.clone(), b.clone()));
        // Point at the editor's file: the later one when both are content files.
        let (here, other) = match (&a.file, &b.file) {
            (Some(_), None) => (a, b),
            _ => (b, a),
        };
        let where_other = match &other.file {
            Some((p, line, _, _)) if *line > 0 => format!(" ({}:{line})", p.display()),
            Some((p, _, _, _)) if !other.what.contains(&*p.to_string_lossy()) => {
                format!(" ({})", p.display())
            }
            _ => String::new(),
        };
        diags.push(
            here.error(
                "E051",
                format!(
                    "{} and {}{where_other} would both be written to `{path}`; one would silently replace the other",
                    here.what, other.what
                ),
                source_line(here).as_deref(),
            )
            .with_hint(collision_hint(here, other))
            .with_label("written to the same path as the other")
            .with_secondary_opt(other.label(source_line(other).as_deref())),
        );
    };
    for (n, file) in files.iter().enumerate() {
        let key = collision_key(file.path());
        if let Some(&first) = by_key.get(&key) {
            collide(&files[first], file, file.path(), &mut diags);
            continue;
        }
        by_key.insert(key, n);
        if let Some(long) = file
            .path()
            .split('/')
            .find(|c| c.len() > MAX_COMPONENT_BYTES)
        {
            let shown: String = long.chars().take(20).collect();
            diags.push(
                file.origin()
                    .error(
                        "E052",
                        format!(
                            "{} would be written as `{shown}…`, a name of {} bytes; file systems allow at most {MAX_COMPONENT_BYTES} bytes per name",
                            file.origin().what,
                            long.len()
                        ),
                        source_line(file.origin()).as_deref(),
                    )
                    .with_hint("shorten it (a Japanese character takes 3 bytes: at most 85 of them)"),
            );
        }
    }
    // A file where another output needs a folder (`surveys/x` beside `surveys/x/…`).
    for file in files {
        let path = file.path();
        let mut end = 0;
        while let Some(slash) = path[end..].find('/') {
            end += slash;
            if let Some(&n) = by_key.get(&collision_key(&path[..end])) {
                collide(&files[n], file, &path[..end], &mut diags);
            }
            end += 1;
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, origin: Origin) -> OutputFile {
        OutputFile {
            path: path.into(),
            origin,
            data: Data::Bytes(Vec::new()),
        }
    }

    #[test]
    fn paths_differing_in_case_or_normalisation_collide_once() {
        let files = [
            file(
                "tags/abc/index.html",
                Origin::at("a.md", (3, 3, 3), "tag `ABC`"),
            ),
            file(
                "tags/ABC/index.html",
                Origin::at("b.md", (4, 3, 3), "tag `abc`"),
            ),
            file(
                "tags/ABC/index.html",
                Origin::at("b.md", (4, 3, 3), "tag `abc`"),
            ),
            file(
                "ga\u{301}/x",
                Origin::file("ga\u{301}/x", "the file ga\u{301}/x"),
            ),
            file("g\u{e1}/x", Origin::file("g\u{e1}/x", "the file g\u{e1}/x")),
        ];
        let d = check_paths(&files, &|_| None);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].code, "E051");
        assert_eq!(d[0].location.path, PathBuf::from("b.md"));
        assert!(d[0].message.contains("tag `ABC`"), "{}", d[0].message);
        assert!(d[0].message.contains("a.md:3"), "{}", d[0].message);
    }

    #[test]
    fn a_file_where_a_folder_is_needed_collides() {
        let files = [
            file("surveys/x", Origin::file("surveys/x", "the file surveys/x")),
            file(
                "surveys/x/index.html",
                Origin::file("surveys/x.md", "the page of surveys/x.md"),
            ),
        ];
        let d = check_paths(&files, &|_| None);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`surveys/x`"), "{}", d[0].message);
    }

    #[test]
    fn overlong_names_are_refused_with_their_origin() {
        let tag = "漢".repeat(100);
        let files = [file(
            &format!("tags/{tag}/index.html"),
            Origin::at("a.md", (5, 5, 100), "tag"),
        )];
        let d = check_paths(&files, &|_| Some("tags: [漢漢]".into()));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "E052");
        assert_eq!(d[0].location.line, 5);
        assert!(d[0].message.contains("300 bytes"), "{}", d[0].message);
    }

    #[test]
    fn packed_files_unpack_to_their_bytes_and_hold_less() {
        let page = "<li><a href=\"../a/\">人口動態調査</a></li>\n".repeat(500);
        for bytes in [Vec::new(), b"x".to_vec(), page.clone().into_bytes()] {
            let packed = Data::Bytes(bytes.clone()).packed();
            assert!(matches!(packed, Data::Packed(_)));
            assert_eq!(packed.bytes().as_deref(), Some(&bytes[..]));
        }
        let Data::Packed(held) = Data::Bytes(page.clone().into_bytes()).packed() else {
            unreachable!()
        };
        assert!(
            held.len() * 4 < page.len(),
            "{} of {}",
            held.len(),
            page.len()
        );
        assert_eq!(held.capacity(), held.len());
        let copy = Data::Copy(PathBuf::from("/x.png")).packed();
        assert!(matches!(copy, Data::Copy(_)) && copy.bytes().is_none());
    }
}
