//! The privacy guard of the public profile: no output file may contain the name of a
//! contact person of contacts.yaml, wherever in the content the name was written.
//!
//! Leaving out the `person` field is not enough: editors also write names into bodies,
//! titles, alt text, tags, schedule notes or file names. So the guard looks at what
//! would be published — every output file and every output path, after NFKC (so
//! full-width, half-width and compatibility forms of a name match) and with folded
//! iCalendar/vCard lines joined — and only then, for the names it found, looks for
//! where in the sources they were written, to name file and line.
//!
//! It guards against names written by mistake, not against someone hiding one: a name
//! split by markup (`山田<wbr>花子`) or inside a copied file (a PDF) is not seen.

use crate::content::Content;
use crate::diagnostics::Diagnostic;
use crate::plan::files::Data;
use aho_corasick::{AhoCorasick, MatchKind};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

fn nfkc(text: &str) -> Cow<'_, str> {
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfkc().collect())
    }
}

/// The persons of contacts.yaml as search patterns: each name in NFKC with its parts
/// joined by one space and without a space. `rows[p]` is the contact row of pattern p.
struct Names {
    matcher: AhoCorasick,
    rows: Vec<usize>,
    /// One bit per code point: set for the characters NFKC changes into something that
    /// may be part of a name (full-width letters, half-width kana, compatibility
    /// ideographs, the ideographic space, ...). Text without any of them is searched as
    /// it is: normalising every page, most of which hold full-width punctuation, would
    /// cost more than the rest of the guard.
    relevant: Vec<u64>,
}

fn names(content: &Content) -> Option<Names> {
    let mut patterns: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for (r, row) in content.contacts.rows.iter().enumerate() {
        let Some(person) = row.person.as_deref() else {
            continue;
        };
        let parts: Vec<String> = nfkc(person)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if parts.is_empty() {
            continue;
        }
        for variant in [parts.join(" "), parts.concat()] {
            if !patterns.contains(&variant) {
                patterns.push(variant);
                rows.push(r);
            }
        }
    }
    if patterns.is_empty() {
        return None;
    }
    let matcher = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .ok()?;
    // With their decomposed parts: half-width `ｶﾞ` becomes `ガ` only by composing.
    let name_chars: BTreeSet<char> = patterns
        .iter()
        .flat_map(|p| p.chars().chain(p.nfd()))
        .collect();
    // Every character NFKC changes lies below U+30000 (the last are the compatibility
    // ideographs of plane 2).
    let mut relevant = vec![0u64; 0x3_0000 / 64];
    for c in (0x80..0x3_0000).filter_map(char::from_u32) {
        if is_nfkc_quick(std::iter::once(c)) != IsNormalized::Yes
            && std::iter::once(c)
                .nfkc()
                .any(|n| name_chars.contains(&n) || n == ' ')
        {
            relevant[c as usize / 64] |= 1 << (c as usize % 64);
        }
    }
    Some(Names {
        matcher,
        rows,
        relevant,
    })
}

impl Names {
    /// The contact rows whose person is named in `text` (already NFKC).
    fn rows_in(&self, text: &str, found: &mut BTreeSet<usize>) {
        for m in self.matcher.find_iter(text) {
            found.insert(self.rows[m.pattern().as_usize()]);
        }
    }

    /// `text` as far as NFKC matters for the names: itself when it has no character
    /// NFKC would turn into part of a name.
    fn normal<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let needs = text.chars().any(|c| {
            let c = c as usize;
            c >= 0x80
                && self
                    .relevant
                    .get(c / 64)
                    .is_some_and(|w| w & (1 << (c % 64)) != 0)
        });
        if needs {
            nfkc(text)
        } else {
            Cow::Borrowed(text)
        }
    }
}

/// Folded lines (RFC 5545 3.1, RFC 2426) joined again, so a name split by folding is seen.
fn unfold(text: &str) -> Cow<'_, str> {
    if text.contains("\r\n ") || text.contains("\r\n\t") {
        Cow::Owned(text.replace("\r\n ", "").replace("\r\n\t", ""))
    } else {
        Cow::Borrowed(text)
    }
}

/// Finds contact persons' names in output files, one file at a time, so pages can be
/// scanned as they are rendered.
pub struct Scanner {
    names: Names,
}

impl Scanner {
    /// `None` when contacts.yaml names no person: nothing to guard.
    pub fn new(content: &Content) -> Option<Scanner> {
        names(content).map(|names| Scanner { names })
    }

    /// The contact rows whose person the output file at `path` names, in its path or
    /// (for text files) its contents.
    pub fn scan(&self, path: &str, data: &Data) -> BTreeSet<usize> {
        let names = &self.names;
        let mut found = BTreeSet::new();
        names.rows_in(&names.normal(path), &mut found);
        if let Some(bytes) = data.bytes() {
            // Binary files (none today but a theme may add pictures) hold no text.
            if let Ok(text) = std::str::from_utf8(&bytes) {
                let text = if path.ends_with(".ics") || path.ends_with(".vcf") {
                    unfold(text)
                } else {
                    Cow::Borrowed(text)
                };
                names.rows_in(&names.normal(&text), &mut found);
            }
        }
        found
    }
}

/// A place in the sources where a published name is written.
struct Place {
    path: PathBuf,
    line: usize,
    column: usize,
    width: usize,
    source_line: String,
    row: usize,
}

/// Searches `text` (a whole content file) line by line, skipping `skip_lines`.
fn places_in(
    names: &Names,
    wanted: &BTreeMap<usize, Vec<String>>,
    path: &Path,
    text: &str,
    skip_lines: &[usize],
    out: &mut Vec<Place>,
) {
    for (n, line) in text.split('\n').enumerate() {
        if skip_lines.contains(&(n + 1)) {
            continue;
        }
        let normal = nfkc(line);
        for m in names.matcher.find_iter(normal.as_ref()) {
            let row = names.rows[m.pattern().as_usize()];
            if wanted.contains_key(&row) {
                out.push(Place {
                    path: path.to_path_buf(),
                    line: n + 1,
                    column: normal[..m.start()].chars().count() + 1,
                    width: normal[m.start()..m.end()].chars().count(),
                    source_line: line.to_string(),
                    row,
                });
            }
        }
    }
}

/// Where the published names were written: items, the home page, data files and the
/// names of content files. `site_yaml` is the text of site.yaml, if any.
fn places(
    names: &Names,
    wanted: &BTreeMap<usize, Vec<String>>,
    content: &Content,
    site_yaml: Option<&str>,
) -> Vec<Place> {
    let mut out = Vec::new();
    for item in &content.items {
        places_in(
            names,
            wanted,
            &item.source.path,
            &item.source.text,
            &[],
            &mut out,
        );
    }
    if let Some(home) = &content.home {
        places_in(names, wanted, &home.path, &home.text, &[], &mut out);
    }
    if let Some(text) = site_yaml {
        places_in(names, wanted, Path::new("site.yaml"), text, &[], &mut out);
    }
    for schedule in &content.schedules {
        places_in(names, wanted, &schedule.path, &schedule.text, &[], &mut out);
    }
    if let Some((path, text)) = &content.contacts_source {
        let person_lines: Vec<usize> = content
            .contacts
            .rows
            .iter()
            .map(|r| r.person_line)
            .collect();
        places_in(names, wanted, path, text, &person_lines, &mut out);
    }
    for asset in &content.assets {
        let name = asset.to_string_lossy();
        for m in names.matcher.find_iter(nfkc(&name).as_ref()) {
            let row = names.rows[m.pattern().as_usize()];
            if wanted.contains_key(&row) {
                out.push(Place {
                    path: asset.clone(),
                    line: 0,
                    column: 0,
                    width: 0,
                    source_line: String::new(),
                    row,
                });
            }
        }
    }
    out
}

fn listed(outputs: &[String]) -> String {
    let shown: Vec<&str> = outputs.iter().take(3).map(String::as_str).collect();
    let mut text = shown.join(", ");
    if outputs.len() > 3 {
        text.push_str(&format!(" and {} more files", outputs.len() - 3));
    }
    text
}

/// In a public build, one error per place where the name of a contact person that
/// would be published is written. `found` lists the output files naming persons (path
/// and rows, from [`Scanner::scan`]); `site_yaml` is the text of site.yaml (its title
/// is on every page).
pub fn report(
    content: &Content,
    scanner: &Scanner,
    found: &[(String, BTreeSet<usize>)],
    site_yaml: Option<&str>,
) -> Vec<Diagnostic> {
    let names = &scanner.names;
    let mut published: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (path, rows) in found {
        for &r in rows {
            published.entry(r).or_default().push(path.clone());
        }
    }
    if published.is_empty() {
        return Vec::new();
    }
    let hint = "a public build must name no contact person: remove the name here (names belong only in the `person` field of contacts.yaml), or build for the intranet";
    let person = |row: usize| {
        content.contacts.rows[row]
            .person
            .as_deref()
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let places = places(names, &published, content, site_yaml);
    let mut diags: Vec<Diagnostic> = places
        .iter()
        .map(|p| {
            let d = Diagnostic::error(
                "E054",
                &p.path,
                format!(
                    "the name of the contact person `{}` would be published by this public build, in {}",
                    person(p.row),
                    listed(&published[&p.row])
                ),
            )
            .with_hint(hint);
            if p.line > 0 {
                d.at(p.line, p.column, p.width)
                    .with_source_line(p.source_line.as_str())
            } else {
                d
            }
        })
        .collect();
    // A name no source holds as written (split by markup, or from the theme) still
    // must not leave: point at its row of contacts.yaml.
    for (&row, outputs) in &published {
        if places.iter().any(|p| p.row == row) {
            continue;
        }
        let path = content
            .contacts_source
            .as_ref()
            .map_or_else(|| PathBuf::from("contacts.yaml"), |(p, _)| p.clone());
        let line = content.contacts.rows[row].person_line;
        let source_line = content
            .contacts_source
            .as_ref()
            .and_then(|(_, t)| t.split('\n').nth(line.saturating_sub(1)))
            .unwrap_or("");
        let mut d = Diagnostic::error(
            "E054",
            path,
            format!(
                "the name of the contact person `{}` would be published by this public build, in {}; no content file holds it as written (it may be assembled from parts or come from the theme)",
                person(row),
                listed(outputs)
            ),
        )
        .with_hint("search the named output files for the name and remove its source");
        if line > 0 {
            d = d.at(line, 1, 1).with_source_line(source_line);
        }
        diags.push(d);
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolding_joins_names_split_across_lines() {
        assert_eq!(unfold("FN:佐\r\n 藤"), "FN:佐藤");
        assert_eq!(nfkc("ｻﾄｳ\u{3000}ﾖｳｺ"), "サトウ ヨウコ");
    }
}
