//! Diagnostics rendered for machines (`check --format json|gitlab|github`), so CI can
//! show each problem on its line in a merge request. The human rendering stays in
//! `diagnostics.rs`; the shapes here are documented in docs/diagnostics.md and, for
//! `json`, by docs/diagnostics.schema.json.

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Gitlab,
    Github,
}

/// The whole report in `format`; `root` is the site's folder, so paths can be given as
/// CI sees them (relative to the repository, e.g. `content/surveys/a.md`).
pub fn render(format: Format, diagnostics: &Diagnostics, root: &Path) -> String {
    match format {
        Format::Human => diagnostics.render(),
        Format::Json => json(diagnostics, root),
        Format::Gitlab => gitlab(diagnostics, root),
        Format::Github => github(diagnostics, root),
    }
}

/// The file of a diagnostic as a path from the folder the command runs in. Content
/// diagnostics name files relative to `content/`; theme and folder diagnostics already
/// carry the path they were found under.
pub fn file_path(d: &Diagnostic, root: &Path) -> String {
    file_path_of(&d.location.path, d.code, root)
}

/// As `file_path`, for any path a diagnostic of `code` names (its labels' too).
fn file_path_of(p: &Path, code: &str, root: &Path) -> String {
    let as_is = p.is_absolute()
        || (root != Path::new(".") && p.starts_with(root))
        || p.starts_with(".")
        || code.starts_with("E03")
        || code.starts_with("E04");
    let full: PathBuf = if as_is {
        p.to_path_buf()
    } else {
        root.join("content").join(p)
    };
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for c in full.components() {
        match c {
            Component::CurDir => {}
            Component::RootDir => absolute = true,
            Component::Prefix(pre) => parts.push(pre.as_os_str().to_string_lossy().into_owned()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

fn severity(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Line, column and end of a location, all null for a whole file.
fn span(loc: &Location) -> (Option<usize>, Option<usize>, serde_json::Value) {
    if loc.line == 0 {
        (None, None, serde_json::Value::Null)
    } else {
        (
            Some(loc.line),
            Some(loc.column),
            // The column after the span, as editors and SARIF count it.
            serde_json::json!({"line": loc.line, "column": loc.column + loc.width.max(1)}),
        )
    }
}

fn json(diagnostics: &Diagnostics, root: &Path) -> String {
    let all: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let (line, column, end) = span(&d.location);
            let labels: Vec<serde_json::Value> = d
                .secondary
                .iter()
                .map(|l| {
                    let (line, column, end) = span(&l.location);
                    serde_json::json!({
                        "file": file_path_of(&l.location.path, d.code, root),
                        "line": line,
                        "column": column,
                        "end": end,
                        "message": l.message,
                    })
                })
                .collect();
            serde_json::json!({
                "file": file_path(d, root),
                "line": line,
                "column": column,
                "end": end,
                "severity": severity(d),
                "code": d.code,
                "message": d.message,
                "hint": d.hint,
                "label": d.label,
                "labels": labels,
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// GitLab Code Quality: a list of issues. The fingerprint leaves out the line number, so
/// a problem that moves because lines were added above it stays the same issue in the
/// merge request's comparison; repeats of one problem in one file are numbered.
fn gitlab(diagnostics: &Diagnostics, root: &Path) -> String {
    let mut seen: BTreeMap<u128, usize> = BTreeMap::new();
    let all: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let path = file_path(d, root);
            let source = d.source_line.as_deref().unwrap_or("").trim();
            let key = fnv1a128(&[d.code, &path, &d.message, source]);
            let n = seen.entry(key).or_insert(0);
            *n += 1;
            let fingerprint = format!(
                "{:032x}",
                fnv1a128(&[&format!("{key:032x}"), &n.to_string()])
            );
            let description = match &d.hint {
                Some(h) => format!("{} (hint: {h})", d.message),
                None => d.message.clone(),
            };
            serde_json::json!({
                "description": description,
                "check_name": d.code,
                "fingerprint": fingerprint,
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": {
                    "path": path,
                    "lines": {"begin": d.location.line.max(1)},
                },
                // The Code Climate issue format's field for the other places an
                // issue involves (a duplicate's first file).
                "other_locations": d.secondary.iter().map(|l| serde_json::json!({
                    "path": file_path_of(&l.location.path, d.code, root),
                    "lines": {"begin": l.location.line.max(1)},
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// FNV-1a, 128 bits, over the parts with a separator: stable across runs, machines and
/// compiler versions (unlike std's hasher), which GitLab's comparison of reports needs.
fn fnv1a128(parts: &[&str]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut hash = OFFSET;
    for part in parts {
        for &b in part.as_bytes().iter().chain(std::iter::once(&0u8)) {
            hash ^= u128::from(b);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

/// GitHub Actions workflow commands, one line per diagnostic.
fn github(diagnostics: &Diagnostics, root: &Path) -> String {
    let mut out = String::new();
    for d in diagnostics.iter() {
        let loc = &d.location;
        let mut props = vec![("file", file_path(d, root))];
        if loc.line > 0 {
            props.push(("line", loc.line.to_string()));
            props.push(("col", loc.column.to_string()));
            props.push(("endColumn", (loc.column + loc.width.max(1)).to_string()));
        }
        props.push(("title", format!("tebiki {}", d.code)));
        let props: Vec<String> = props
            .into_iter()
            .map(|(k, v)| format!("{k}={}", escape_property(&v)))
            .collect();
        let mut message = d.message.clone();
        // A workflow command has one place; the others are named in its text.
        for l in &d.secondary {
            let loc = &l.location;
            message.push_str("\nsee also: ");
            message.push_str(&file_path_of(&loc.path, d.code, root));
            if loc.line > 0 {
                message.push_str(&format!(":{}:{}", loc.line, loc.column));
            }
            if !l.message.is_empty() {
                message.push_str(&format!(" ({})", l.message));
            }
        }
        if let Some(h) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(h);
        }
        out.push_str(&format!(
            "::{} {}::{}\n",
            severity(d),
            props.join(","),
            escape_data(&message)
        ));
    }
    out
}

/// The escaping GitHub's runner undoes in a command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The escaping GitHub's runner undoes in a command's property values.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_paths_gain_the_content_folder_and_lose_dot_segments() {
        let d = Diagnostic::error("E017", "surveys/a.md", "x");
        assert_eq!(file_path(&d, Path::new(".")), "content/surveys/a.md");
        assert_eq!(
            file_path(&d, Path::new("site")),
            "site/content/surveys/a.md"
        );
        let whole = Diagnostic::error("E001", "./content", "x");
        assert_eq!(file_path(&whole, Path::new(".")), "content");
    }

    #[test]
    fn the_fingerprint_hash_is_fixed_forever() {
        // FNV-1a 128 of the empty input is its offset basis; of "a" a published value.
        assert_eq!(
            format!("{:032x}", fnv1a128(&[])),
            "6c62272e07bb014262b821756295c58d"
        );
        let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
        h ^= u128::from(b'a');
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
        assert_eq!(format!("{h:032x}"), "d228cb696f1a8caf78912b704e4a8964");
    }

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50%\r\na:b,c"), "50%25%0D%0Aa:b,c");
        assert_eq!(escape_property("50%\na:b,c"), "50%25%0Aa%3Ab%2Cc");
    }
}
