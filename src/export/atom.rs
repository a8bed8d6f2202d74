//! `feed.xml` (Atom, RFC 4287): the items that have `updated`, newest first, at most
//! [`MAX_ENTRIES`]. Links are absolute when site.yaml has `base_url`; otherwise they are
//! relative, and feed readers resolve them against the address the feed was fetched
//! from (feed.xml sits at the site root, so `surveys/x/` is right beside it).
//!
//! Nothing here reads the clock: the feed's `<updated>` is the newest item's date.

use super::{absolute, base_url, item_ref, published_sorted, xml_escape};
use crate::calendar::Date;
use crate::plan::pages::SitePages;
use crate::urls;

pub const MAX_ENTRIES: usize = 50;

/// Midnight in Japan: `updated` is a day in the ministry's calendar.
fn timestamp(d: Date) -> String {
    format!("{d}T00:00:00+09:00")
}

pub fn feed(site: &SitePages) -> String {
    let content = site.views.content;
    let base = base_url(site);
    let mut entries: Vec<(Date, usize)> = published_sorted(site)
        .into_iter()
        .filter_map(|i| content.items[i].common.updated.map(|d| (d, i)))
        .collect();
    // Newest first; same day keeps kind-then-id order.
    entries.sort_by_key(|&(day, _)| std::cmp::Reverse(day));
    entries.truncate(MAX_ENTRIES);
    let updated = match (entries.first(), content.schedules.last()) {
        (Some((d, _)), _) => timestamp(*d),
        // No dated item: the start of the newest fiscal year, still not the clock.
        (None, Some(s)) => timestamp(Date {
            year: s.fiscal_year,
            month: 4,
            day: 1,
        }),
        (None, None) => "2000-01-01T00:00:00+09:00".to_string(),
    };
    let link = |url: &str| match &base {
        Some(b) => absolute(b, url),
        None if url.is_empty() => "./".to_string(),
        None => url.to_string(),
    };
    let id = |url: &str, key: &str| match &base {
        Some(b) => absolute(b, url),
        None => format!("urn:tebiki:{key}"),
    };
    let site_cfg = &content.site;
    let author = site_cfg
        .organization
        .as_deref()
        .unwrap_or(site_cfg.title.as_str());

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n");
    out.push_str(&format!(
        "  <title>{}</title>\n",
        xml_escape(&site_cfg.title)
    ));
    if let Some(d) = &site_cfg.description {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", xml_escape(d)));
    }
    out.push_str(&format!("  <id>{}</id>\n", xml_escape(&id("", "site"))));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&link(""))
    ));
    if let Some(b) = &base {
        out.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            xml_escape(&absolute(b, crate::urls::FEED))
        ));
    }
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(author)
    ));
    out.push_str("  <generator>tebiki</generator>\n");
    for (day, i) in entries {
        let item = &content.items[i];
        let url = urls::item_url(item.kind, &item.id);
        out.push_str("  <entry>\n");
        out.push_str(&format!(
            "    <title>{}</title>\n",
            xml_escape(&item.common.title)
        ));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&link(&url))
        ));
        out.push_str(&format!(
            "    <id>{}</id>\n",
            xml_escape(&id(&url, &item_ref(item).replace('/', ":")))
        ));
        out.push_str(&format!("    <updated>{}</updated>\n", timestamp(day)));
        out.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            item.kind.dir(),
            item.kind.label()
        ));
        if let Some(summary) = &item.common.summary {
            out.push_str(&format!("    <summary>{}</summary>\n", xml_escape(summary)));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
