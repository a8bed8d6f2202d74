//! Files for other tools, written beside the pages: iCalendar files of the schedules,
//! the contact directory as CSV and vCard, the whole site as `data.json`, a sitemap and
//! an Atom feed.
//!
//! Every export is a pure function of the loaded site and the build options: no clock,
//! no randomness, no hash-map order, so two builds of the same content are
//! byte-identical. Personal data (`person` of contacts.yaml) comes only from
//! [`crate::settings::Profile::person`], which drops it in the public profile.

pub mod atom;
pub mod csv;
pub mod ical;
pub mod json;
pub mod sitemap;
pub mod vcard;

use crate::content::{Contact, Item, Schedule};
pub(crate) use crate::plan::address::absolute;
use crate::plan::pages::SitePages;
use crate::resolve::ItemRef;
use crate::urls;

/// Every export file of the site: (root-relative path with `/`, bytes), in a fixed order.
pub fn files(site: &SitePages) -> Vec<(String, Vec<u8>)> {
    let mut out = ical::calendars(site);
    out.push((urls::CONTACTS_CSV.into(), csv::contacts(site)));
    out.push((
        urls::CONTACTS_VCF.into(),
        vcard::contacts(site).into_bytes(),
    ));
    out.push((urls::DATA_JSON.into(), json::data(site)));
    out.push((urls::FEED.into(), atom::feed(site).into_bytes()));
    if let Some(xml) = sitemap::sitemap(site) {
        out.push((urls::SITEMAP.into(), xml.into_bytes()));
    }
    out
}

/// Writes [`files`] with `write` (the staging folder's writer); returns how many.
pub fn write_all<E>(
    site: &SitePages,
    mut write: impl FnMut(&str, &[u8]) -> Result<(), E>,
) -> Result<usize, E> {
    let all = files(site);
    for (path, bytes) in &all {
        write(path, bytes)?;
    }
    Ok(all.len())
}

/// The contact person of a row as exports write it (trimmed, an empty one as none);
/// whether any is written is [`crate::settings::Profile::person`]'s to say.
pub(crate) fn person<'a>(site: &SitePages, row: &'a Contact) -> Option<&'a str> {
    site.views
        .profile
        .person(row)
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// The site root for readers outside the site, when `site.yaml` has `base_url`.
pub(crate) fn base_url(site: &SitePages) -> Option<String> {
    site.base_url()
}

/// The address of a page for readers outside the site.
pub(crate) fn public_url(site: &SitePages, url: &str) -> String {
    site.public_url(url)
}

/// `surveys/jinko-dotai`: the `kind/id` reference form of the content model.
pub(crate) fn item_ref(item: &Item) -> String {
    format!("{}/{}", item.kind.dir(), item.id)
}

/// Published items ordered by kind, then id, independent of load order.
pub(crate) fn published_sorted(site: &SitePages) -> Vec<ItemRef> {
    let items = &site.views.content.items;
    let mut refs = site.views.graph.published.clone();
    refs.sort_by(|&a, &b| (items[a].kind, &items[a].id).cmp(&(items[b].kind, &items[b].id)));
    refs.dedup();
    refs
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms (std's `DefaultHasher`
/// is not), which is what an identifier kept by calendar clients needs.
pub(crate) fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Stable ids of a schedule's events, by position: `fy2022-` and a hash of the event's
/// own `when`, title and tracks, so adding, removing or reordering other events changes
/// no id. An exact duplicate (same date, title and tracks) gets `-2`, `-3`, … in file
/// order.
pub fn event_ids(schedule: &Schedule) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    schedule
        .events
        .iter()
        .map(|e| {
            let tracks: Vec<&str> = e.tracks.iter().map(|t| t.value.trim()).collect();
            let key = format!("{}\n{}\n{}", e.when, e.title.trim(), tracks.join(","));
            let base = format!(
                "fy{}-{:016x}",
                schedule.fiscal_year,
                stable_hash(key.as_bytes())
            );
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                base
            } else {
                format!("{base}-{n}")
            }
        })
        .collect()
}

/// Escapes what XML text and attribute values need escaped.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_is_fnv1a() {
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn xml_escape_escapes_markup_and_drops_controls() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
    }
}
