//! Where each thing lives in the output (the one place the site's URL layout is written:
//! item pages, sections, tags, schedules, contacts, the files for other tools), and
//! relative links between output pages, so the site works under any sub-path of a
//! server. URLs here are root-relative without a leading slash: `""` is the home page,
//! `"surveys/jinko-dotai/"` a survey.

use crate::kind::Kind;
use std::path::{Component, Path, PathBuf};

/// The section of a kind's pages: the name of its folder in `content/`, so a reader of
/// the repository finds the page where the file is.
pub fn section(kind: Kind) -> &'static str {
    kind.dir()
}

/// The index page of a kind's section.
pub fn section_url(kind: Kind) -> String {
    format!("{}/", section(kind))
}

pub fn item_url(kind: Kind, id: &str) -> String {
    format!("{}/{}/", section(kind), id)
}

/// The index of tags, and each tag's page.
pub const TAGS: &str = "tags/";

pub fn tag_url(tag: &str) -> String {
    format!("{TAGS}{}/", slug_segment(tag))
}

/// A roadmap program's place on the roadmap page.
pub fn program_url(program: &str) -> String {
    format!("{}#{}", section_url(Kind::Roadmap), slug_segment(program))
}

/// The schedule section: its index shows the newest fiscal year.
pub const SCHEDULES: &str = "schedule/";

pub fn schedule_url(fiscal_year: i32) -> String {
    format!("{SCHEDULES}{fiscal_year}/")
}

/// The iCalendar file of a fiscal year's schedule.
pub fn schedule_ics(fiscal_year: i32) -> String {
    format!("{SCHEDULES}{fiscal_year}.ics")
}

/// The iCalendar file of one track of a fiscal year's schedule; the file name part is
/// the track id itself for the usual lower-case ASCII ids.
pub fn track_ics(fiscal_year: i32, track_id: &str) -> String {
    format!("{SCHEDULES}{fiscal_year}-{}.ics", slug_segment(track_id))
}

/// The contact directory (contacts.yaml's page), and its files for other tools.
pub const CONTACTS: &str = "contacts/";
pub const CONTACTS_CSV: &str = "contacts/contacts.csv";
pub const CONTACTS_VCF: &str = "contacts/contacts.vcf";

/// The whole handbook on one page, for printing (render/print.rs).
pub const PRINT: &str = "print/";

/// The search page, and the folder of its index files (src/search/).
pub const SEARCH: &str = "search/";
pub const SEARCH_DATA: &str = "search/data";

/// The files for other tools at the root of the site.
pub const DATA_JSON: &str = "data.json";
pub const FEED: &str = "feed.xml";
pub const SITEMAP: &str = "sitemap.xml";

/// The output URL of a content file: Markdown items become pages, other files keep their
/// place.
pub fn source_url(rel: &Path) -> String {
    let text = rel.to_string_lossy().replace('\\', "/");
    if text == "_index.md" {
        return String::new();
    }
    // The data files have pages of their own.
    if text == "contacts.yaml" {
        return CONTACTS.into();
    }
    if let Some(year) = text
        .strip_prefix("schedule/")
        .and_then(|rest| rest.strip_suffix(".yaml"))
    {
        return format!("{SCHEDULES}{year}/");
    }
    if let Some(without_ext) = text.strip_suffix(".md") {
        let mut parts = without_ext.split('/');
        let dir = parts.next().unwrap_or("");
        let id = without_ext.rsplit('/').next().unwrap_or("");
        if let Some(kind) = Kind::from_dir(dir) {
            return item_url(kind, id);
        }
    }
    encode_path(&text)
}

/// `../` once per folder level of `url`: the way back to the site root.
pub fn root_prefix(url: &str) -> String {
    let depth = url.matches('/').count();
    "../".repeat(depth)
}

/// A link from the page at `from` to `to`, both root-relative URLs.
pub fn relative(from: &str, to: &str) -> String {
    let from_dir = &from[..from.rfind('/').map_or(0, |i| i + 1)];
    let mut from_parts: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let mut to_parts: Vec<&str> = to.split('/').collect();
    // Drop the common leading folders.
    while !from_parts.is_empty() && to_parts.len() > 1 && from_parts[0] == to_parts[0] {
        from_parts.remove(0);
        to_parts.remove(0);
    }
    let link = format!("{}{}", "../".repeat(from_parts.len()), to_parts.join("/"));
    if link.is_empty() {
        "./".into()
    } else {
        link
    }
}

/// Resolves a relative link written in `source` (a path relative to `content/`) to a
/// path relative to `content/`; `None` when it climbs out of `content/`.
pub fn resolve_relative(source: &Path, link: &str) -> Option<PathBuf> {
    let base = source.parent().unwrap_or(Path::new(""));
    let mut out: Vec<String> = base
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let decoded = percent_decode(link);
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p.to_string()),
        }
    }
    // Content paths are known in NFC (content::load); compare the link the same way.
    Some(PathBuf::from(crate::text::nfc(&out.join("/")).into_owned()))
}

/// Percent-encodes what must not appear raw in a URL path (spaces, quotes, non-ASCII
/// stays readable: browsers and servers handle UTF-8 paths).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            _ => out.push(c),
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A folder name for a free-text key such as a tag: kept readable (Japanese stays
/// Japanese), with characters that would break a path removed.
pub fn slug_segment(text: &str) -> String {
    let s: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '/' | '\\' | '?' | '#' | '%' | '"' | '<' | '>' | ':' | '*' | '|' | '.' => '-',
            c if c.is_whitespace() || c.is_control() => '-',
            c => c.to_lowercase().next().unwrap_or(c),
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "-".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_between_pages() {
        assert_eq!(relative("surveys/a/", "laws/b/"), "../../laws/b/");
        assert_eq!(relative("surveys/a/", "surveys/b/"), "../b/");
        assert_eq!(relative("", "laws/b/"), "laws/b/");
        assert_eq!(relative("surveys/a/", ""), "../../");
        assert_eq!(relative("surveys/a/", "surveys/a/"), "./");
        assert_eq!(relative("surveys/", "surveys/a/"), "a/");
        assert_eq!(relative("tags/医療/", "style.css"), "../../style.css");
    }

    #[test]
    fn source_paths_map_to_pretty_urls() {
        assert_eq!(
            source_url(Path::new("surveys/jinko-dotai.md")),
            "surveys/jinko-dotai/"
        );
        assert_eq!(source_url(Path::new("pages/sub/x.md")), "pages/x/");
        assert_eq!(source_url(Path::new("_index.md")), "");
        assert_eq!(source_url(Path::new("contacts.yaml")), "contacts/");
        assert_eq!(
            source_url(Path::new("schedule/2022.yaml")),
            "schedule/2022/"
        );
        assert_eq!(source_url(Path::new("images/a b.png")), "images/a%20b.png");
    }

    #[test]
    fn relative_resolution_refuses_to_leave_content() {
        let src = Path::new("pages/a.md");
        assert_eq!(
            resolve_relative(src, "../laws/x.md"),
            Some("laws/x.md".into())
        );
        assert_eq!(resolve_relative(src, "./b.md"), Some("pages/b.md".into()));
        assert_eq!(resolve_relative(src, "../../secret.md"), None);
    }
}
