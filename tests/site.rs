//! The repository's own content: it builds with no errors and no warnings, every link
//! resolves, nothing is fetched from another host, and the site is fully cross-linked.

mod common;

use common::{broken_internal_links, link_targets, read_tree};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tebiki::Options;

/// The repository's site, built once for all tests of this file.
fn built() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut options = Options::new(env!("CARGO_MANIFEST_DIR"));
        options.output = out.clone();
        let report = tebiki::build(&options).unwrap_or_else(|d| panic!("{}", d.render()));
        assert!(
            report.diagnostics.is_empty(),
            "{}",
            report.diagnostics.render()
        );
        (dir, out)
    });
    out
}

fn html_files() -> Vec<(PathBuf, String)> {
    read_tree(built())
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

#[test]
fn content_checks_clean_even_in_strict_mode() {
    let report = tebiki::check(&Options::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|d| panic!("{}", d.render()));
    assert!(
        report.diagnostics.is_empty(),
        "{}",
        report.diagnostics.render()
    );
}

#[test]
fn every_internal_link_of_the_site_is_relative_and_resolves() {
    let problems = broken_internal_links(built());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn no_page_loads_anything_from_another_host() {
    for (path, html) in html_files() {
        for tag in [
            "<link ", "<script", "<img ", "<iframe", "<source ", "<video", "<audio",
        ] {
            let mut rest = html.as_str();
            while let Some(i) = rest.find(tag) {
                let element = &rest[i..rest[i..].find('>').map_or(rest.len(), |e| i + e)];
                for target in link_targets(element) {
                    assert!(
                        !target.contains("//"),
                        "{} loads {target} from another host",
                        path.display()
                    );
                }
                rest = &rest[i + tag.len()..];
            }
        }
        assert!(!html.contains("@import"), "{}", path.display());
    }
    let css = std::fs::read_to_string(built().join("style.css")).unwrap();
    assert!(!css.contains("url(http") && !css.contains("@import") && !css.contains("@font-face"));
}

#[test]
fn every_survey_law_and_roadmap_page_links_out_and_is_linked_to() {
    for (path, html) in html_files() {
        let p = path.to_string_lossy();
        let is_item = ["surveys/", "laws/", "roadmap/"]
            .iter()
            .any(|k| p.starts_with(k) && p.matches('/').count() == 2);
        if !is_item {
            continue;
        }
        let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
        let out_links = link_targets(main)
            .into_iter()
            .filter(|t| t.starts_with("../../") && !t.starts_with("../../tags/"))
            .count();
        assert!(out_links > 0, "{p} links to no other page");
        assert!(
            main.contains("この項目を参照しているページ"),
            "{p} is linked from no other page"
        );
    }
}

#[test]
fn every_contact_row_links_to_the_pages_it_answers_for() {
    let html = std::fs::read_to_string(built().join("contacts/index.html")).unwrap();
    let rows = html.matches("<tr id=\"contact-").count();
    assert_eq!(rows, 18, "the seed's 施策照会先一覧 has 18 rows");
    for row in html.split("<tr id=\"contact-").skip(1) {
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(
            row.contains("href=\"../"),
            "a contact row links to no page: {row}"
        );
    }
    for ext in [
        "7466", "7520", "7522", "7587", "7588", "7591", "7552", "7567", "7610", "7665", "7667",
        "7410", "7347", "7384", "8558", "7429", "7336",
    ] {
        assert!(html.contains(ext), "extension {ext} missing");
    }
    assert!(html.contains("０３－５２５３－１１１１"));
}

#[test]
fn every_schedule_event_is_on_the_schedule_page_once() {
    let html = std::fs::read_to_string(built().join("schedule/index.html")).unwrap();
    let yaml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("content/schedule/2022.yaml"),
    )
    .unwrap();
    let events = yaml.matches("\n  - when:").count();
    assert_eq!(html.matches("<li class=\"event").count(), events);
    for note in ["（注１）", "（注２）", "（注３）", "（注４）"] {
        assert!(html.contains(note), "{note} missing");
    }
}

#[test]
fn the_site_builds_identically_twice() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::new(env!("CARGO_MANIFEST_DIR"));
    options.output = dir.path().join("again");
    tebiki::build(&options).unwrap();
    assert!(
        read_tree(built()) == read_tree(&options.output),
        "two builds differ"
    );
}

fn content_files(dir: &str, ext: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("content")
        .join(dir);
    read_tree(&root)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == ext))
        .map(|(p, b)| (root.join(p), String::from_utf8(b).unwrap()))
        .collect()
}

/// `false` claims the briefing says "not requested": each one must sit under a comment
/// quoting the sentence (「...」) that says so. Unknown is written by leaving the line out.
#[test]
fn no_local_government_false_without_a_quoted_sentence_above_it() {
    let mut files = content_files("surveys", "md");
    files.extend(content_files("schedule", "yaml"));
    for (path, text) in files {
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            if line.trim() == "local_government: false" {
                let above = lines[..n]
                    .iter()
                    .rev()
                    .take_while(|l| l.trim_start().starts_with('#'))
                    .any(|l| l.contains('「') && l.contains('」'));
                assert!(
                    above,
                    "{}:{}: `local_government: false` without a quoted sentence of the seed",
                    path.display(),
                    n + 1
                );
            }
        }
    }
}

/// Surveys whose mark could not be read say so, on their page and on the schedule.
#[test]
fn surveys_without_a_readable_mark_are_shown_as_unknown() {
    let mut unknown = 0;
    for (path, text) in content_files("surveys", "md") {
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        let front = text.split("\n---").next().unwrap_or("");
        let page =
            std::fs::read_to_string(built().join(format!("surveys/{id}/index.html"))).unwrap();
        let fact = page
            .split("<dt>地方公共団体への協力依頼</dt>")
            .nth(1)
            .and_then(|rest| rest.split("</dd>").next())
            .unwrap_or_else(|| panic!("{id}: no 協力依頼 fact"))
            .to_string();
        let written = front
            .lines()
            .find(|l| l.starts_with("local_government:"))
            .map(|l| l.trim_start_matches("local_government:").trim());
        match written {
            Some("true") => assert!(fact.contains("協力を依頼している調査"), "{id}: {fact}"),
            Some("false") => assert!(fact.contains("依頼していない"), "{id}: {fact}"),
            _ => {
                unknown += 1;
                assert!(fact.contains("不明"), "{id}: {fact}");
                assert!(!fact.contains("していない"), "{id}: {fact}");
            }
        }
    }
    assert!(
        unknown > 0,
        "the repository has surveys whose mark is unknown"
    );
    let schedule = std::fs::read_to_string(built().join("schedule/index.html")).unwrap();
    let list = schedule
        .split(r#"<h2 id="unread-heading">"#)
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the schedule lists the marks it could not read");
    assert!(
        list.contains("病院報告") || list.contains("社会福祉施設等調査"),
        "{list}"
    );
    for requested in [
        "国民生活基礎調査（世帯票、健康票、介護票）",
        "労働組合基礎調査",
    ] {
        assert!(!list.contains(requested), "{requested} is marked: {list}");
    }
}

/// Every item page names where in the briefing its facts come from.
#[test]
fn every_item_page_shows_its_source() {
    for (path, html) in html_files() {
        let p = path.to_string_lossy().replace('\\', "/");
        let is_item = ["surveys/", "laws/", "roadmap/", "pages/"]
            .iter()
            .any(|k| p.starts_with(k) && p.matches('/').count() == 2);
        if is_item {
            assert!(html.contains(r#"<p class="citation">出典："#), "{p}");
        }
    }
}

/// The card roadmap's fragments that no row could take are listed on the page the
/// program links to, each by its own words.
#[test]
fn unplaced_card_roadmap_fragments_are_listed_from_the_program() {
    let list = std::fs::read_to_string(built().join("roadmap/index.html")).unwrap();
    assert!(list.contains(r#"<a href="../pages/mynumber-card-koteihyo/">"#));
    let page =
        std::fs::read_to_string(built().join("pages/mynumber-card-koteihyo/index.html")).unwrap();
    let section = page
        .split(r#"<h2 id="配置を読み取れなかった記載">"#)
        .nth(1)
        .expect("the honest heading");
    for fragment in [
        "インターネット予約対応",
        "マイナンバーカードの利用環境整備",
        "<td>検討</td>",
        "マイナポータルとの連携",
        "<td>実証</td>",
        "進捗状況等に応じた対応（２か所目）",
    ] {
        assert!(section.contains(fragment), "{fragment} is not listed");
    }
    assert_eq!(section.matches("<td>本格運用").count(), 3, "three 本格運用");
}
