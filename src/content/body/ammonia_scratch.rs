//! Scratch (feature `ammonia-scratch`): the body's raw HTML sanitised by ammonia over
//! html5ever, one pass over the whole rendered body when it has raw HTML, with an
//! attribute filter that rewrites `.md` links; kept only to measure it against ours.

use super::sanitize;
use crate::urls;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Cleans a whole rendered body; returns the HTML and the raw `.md` URLs it rewrote,
/// for the caller to record as links (and report when broken).
pub fn clean(html: &str, source: PathBuf, page_url: String) -> (String, Vec<String>) {
    let found: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = found.clone();
    let mut tags: HashSet<&str> = sanitize::ALLOWED.iter().copied().collect();
    tags.insert("input");
    let mut tag_attrs: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (tag, attrs) in [
        ("a", &["href"][..]),
        ("img", &["src", "alt", "width", "height"]),
        ("td", &["colspan", "rowspan", "scope"]),
        ("th", &["colspan", "rowspan", "scope"]),
        ("ol", &["start"]),
        ("time", &["datetime"]),
        ("details", &["open"]),
        ("div", &["role", "tabindex", "aria-label"]),
        ("input", &["type", "disabled", "checked"]),
    ] {
        tag_attrs.insert(tag, attrs.iter().copied().collect());
    }
    let mut b = ammonia::Builder::default();
    b.tags(tags)
        .clean_content_tags(sanitize::CONTENT_DROPPED.iter().copied().collect())
        .generic_attributes(sanitize::GLOBAL_ATTRS.iter().copied().collect())
        .tag_attributes(tag_attrs)
        .url_schemes(sanitize::SAFE_SCHEMES.iter().copied().collect())
        .link_rel(None)
        .attribute_filter(move |element, attribute, value| {
            if !matches!((element, attribute), ("a", "href") | ("img", "src")) {
                return Some(Cow::Borrowed(value));
            }
            let (path, anchor) = match value.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (value, None),
            };
            if !path.ends_with(".md") || path.contains(':') || path.starts_with('/') {
                return Some(Cow::Borrowed(value));
            }
            if let Ok(mut v) = seen.lock() {
                v.push(value.to_string());
            }
            let target = urls::resolve_relative(&source, path)?;
            let mut href = urls::relative(&page_url, &urls::source_url(&target));
            if let Some(a) = anchor {
                href.push('#');
                href.push_str(a);
            }
            Some(Cow::Owned(href))
        });
    let out = b.clean(html).to_string();
    let found = found.lock().map(|v| v.clone()).unwrap_or_default();
    (out, found)
}
