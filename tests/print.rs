//! print/: the whole handbook on one page, built from a fixture site and read back: every
//! published item once, in reading order, with a table of contents; ids unique in the one
//! document; links between items lead within it; drafts and oversized sites left out.

mod common;

use common::Site;
use std::collections::BTreeSet;

fn ids(html: &str) -> Vec<String> {
    html.split(" id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

#[test]
fn every_published_item_once_in_reading_order_with_a_toc() {
    let site = Site::copy_of("basic");
    site.write(
        "surveys/chosa-b.md",
        "---\ntitle: 調査B（労働）\ncategory: labour\nfrequency: 毎年\nmethods: [mail]\n---\n本文\n",
    );
    site.write(
        "laws/law-draft.md",
        "---\ntitle: 下書きの法律\ndraft: true\n---\n本文\n",
    );
    site.build().unwrap();
    let html = site.page("print/index.html");
    // Chapters in reading order: home, schedule, surveys by category (health before
    // labour), laws, roadmap items, guidance pages, contacts.
    let order = [
        "id=\"home\"",
        "id=\"schedule-2022\"",
        "id=\"surveys-chosa-a\"",
        "id=\"surveys-chosa-b\"",
        "id=\"laws-law-x\"",
        "id=\"roadmap-card-1\"",
        "id=\"pages-guide-1\"",
        "id=\"contacts\"",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|id| html.find(id).unwrap_or_else(|| panic!("no chapter {id}")))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "chapters out of order: {positions:?}"
    );
    for title in [
        "調査A &lt;速報&gt; &amp; &quot;確報&quot;",
        "調査B（労働）",
        "施策照会先一覧",
    ] {
        let heading = |open: &str| format!("{open}{title}</h1>");
        assert!(
            html.contains(&heading("<h1>")) || html.contains(&heading("<h1 data-search>")),
            "{title}"
        );
    }
    assert!(
        !html.contains("下書きの法律"),
        "a draft is not published in print either"
    );

    // The table of contents links to every chapter but the home page it follows.
    let toc_start = html
        .find("class=\"print-toc\"")
        .expect("a table of contents");
    let toc = &html[toc_start..html[toc_start..].find("</nav>").unwrap() + toc_start];
    for id in [
        "schedule-2022",
        "surveys-chosa-a",
        "surveys-chosa-b",
        "laws-law-x",
        "roadmap-card-1",
        "pages-guide-1",
        "contacts",
    ] {
        assert!(
            toc.contains(&format!("href=\"#{id}\"")),
            "the toc lacks {id}"
        );
    }
    assert!(toc.contains("統計調査・保健統計") && toc.contains("統計調査・労働統計"));
    // Each chapter names its section for the running header.
    assert!(html.contains("class=\"print-chapter print-surveys-health\" id=\"surveys-chosa-a\" data-section=\"統計調査・保健統計\""));
}

#[test]
fn ids_stay_unique_and_links_between_items_stay_in_the_document() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let html = site.page("print/index.html");
    let all = ids(&html);
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(all.len(), unique.len(), "duplicate ids in print/");
    // chosa-a links to law-x's heading 目的: in print, to that heading's chapter id.
    // (Fragments are percent-encoded in hrefs; the browser decodes them.)
    assert!(
        html.contains("href=\"#laws-law-x--%E7%9B%AE%E7%9A%84\""),
        "link to another chapter"
    );
    assert!(all.contains(&"laws-law-x--目的".to_string()));
    // Same-page links follow their ids, e.g. aria-labelledby of the contact box.
    assert!(html.contains("aria-labelledby=\"surveys-chosa-a--contacts-heading\""));
    // Resources are rebased to print/ (one folder deep), and exist.
    assert!(html.contains("src=\"../images/route.png\""));
    assert!(site.output().join("images/route.png").is_file());
    // Every page links to the print document in its footer, relatively.
    assert!(site
        .page("surveys/chosa-a/index.html")
        .contains("href=\"../../print/\""));
    assert!(site.page("index.html").contains("href=\"print/\""));
}

#[test]
fn a_site_too_large_to_print_gets_no_print_document_and_no_link() {
    let site = Site::copy_of("basic");
    for n in 0..tebiki::plan::PRINT_MAX_ITEMS {
        site.write(
            &format!("pages/many/p{n}.md"),
            "---\ntitle: 頁\n---\n本文\n",
        );
    }
    let report = site.build().unwrap();
    assert!(!site.output().join("print").exists());
    assert!(!site.page("index.html").contains("print/"));
    assert!(report.pages > tebiki::plan::PRINT_MAX_ITEMS);
}
