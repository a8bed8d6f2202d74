//! `sitemap.xml` (sitemaps.org 0.9): every HTML page of the site. A sitemap needs
//! absolute URLs, so it is written only when site.yaml has `base_url`.

use super::{absolute, base_url, published_sorted, xml_escape};
use crate::plan::pages::SitePages;
use crate::urls;
use std::collections::BTreeMap;

/// The sitemap, or `None` without `base_url`. URLs sorted; `lastmod` from `updated`.
pub fn sitemap(site: &SitePages) -> Option<String> {
    let base = base_url(site)?;
    let content = site.views.content;
    let mut pages: BTreeMap<String, Option<String>> = BTreeMap::new();
    for page in site.pages() {
        pages.insert(page.url, None);
    }
    if crate::plan::print_wanted(site) {
        pages.insert(crate::plan::PRINT_URL.to_string(), None);
    }
    for i in published_sorted(site) {
        let item = &content.items[i];
        pages.insert(
            urls::item_url(item.kind, &item.id),
            item.common.updated.map(|d| d.to_string()),
        );
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, lastmod) in pages {
        out.push_str("  <url><loc>");
        out.push_str(&xml_escape(&absolute(&base, &url)));
        out.push_str("</loc>");
        if let Some(day) = lastmod {
            out.push_str(&format!("<lastmod>{day}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    Some(out)
}
