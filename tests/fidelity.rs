//! What the site says about how it knows: the three states of 協力依頼 (requested, not
//! requested, unknown) on the pages, in data.json and in the calendars; milestone dates
//! read from a figure shown as readings; every item's source (出典) at its foot, and
//! the warning for an item without one. Each case edits a copy of the `basic` fixture.

mod common;

use common::Site;

fn edit(site: &Site, file: &str, from: &str, to: &str) {
    let text = site.read(file);
    assert!(text.contains(from), "{from} not in {file}");
    site.write(file, &text.replacen(from, to, 1));
}

/// The fixture with its survey and its event in the given state (`None`: the line is
/// left out), built.
fn built_with_cooperation(state: Option<bool>) -> Site {
    let site = Site::copy_of("basic");
    let line = match state {
        Some(b) => format!("local_government: {b}"),
        None => String::new(),
    };
    edit(&site, "surveys/chosa-a.md", "local_government: true", &line);
    edit(&site, "schedule/2022.yaml", "local_government: true", &line);
    site.build()
        .unwrap_or_else(|d| panic!("the fixture builds:\n{}", d.render()));
    site
}

/// The text of the `<dd>` after the `<dt>` named `term`, tags included.
fn fact<'a>(html: &'a str, term: &str) -> &'a str {
    let dt = format!("<dt>{term}</dt>");
    let at = html
        .find(&dt)
        .unwrap_or_else(|| panic!("no fact {term} in the page"));
    let rest = &html[at + dt.len()..];
    &rest[..rest.find("</dd>").expect("the fact ends")]
}

fn unfolded_ics(site: &Site) -> String {
    let text = std::fs::read_to_string(site.output().join("schedule/2022.ics")).expect("ics");
    text.replace("\r\n ", "")
}

fn event_block<'a>(ics: &'a str, title: &str) -> &'a str {
    ics.split("BEGIN:VEVENT")
        .find(|b| b.contains(&format!("SUMMARY:{title}")))
        .unwrap_or_else(|| panic!("no event {title}"))
}

#[test]
fn requested_survey_is_marked_requested_everywhere() {
    let site = built_with_cooperation(Some(true));
    let survey = site.page("surveys/chosa-a/index.html");
    assert!(fact(&survey, "地方公共団体への協力依頼")
        .contains("<strong>協力を依頼している調査</strong>"));
    let schedule = site.page("schedule/index.html");
    assert!(schedule.contains(r#"<span class="badge">協力依頼</span>"#));
    assert!(
        !schedule.contains("unread-heading"),
        "no list of unread marks when every survey's mark is known"
    );
    let ics = unfolded_ics(&site);
    let event = event_block(&ics, "調査Aの実施");
    assert!(event.contains("SUMMARY:調査Aの実施（協力依頼）"), "{event}");
    assert!(event.contains("地方公共団体への協力依頼：あり"), "{event}");
}

#[test]
fn unknown_is_shown_as_unknown_never_as_no() {
    let site = built_with_cooperation(None);

    let survey = site.page("surveys/chosa-a/index.html");
    let dd = fact(&survey, "地方公共団体への協力依頼");
    assert!(dd.contains("不明（資料から読み取れない）"), "{dd}");
    assert!(!dd.contains("していない"), "{dd}");
    assert!(!survey.contains("<strong>調査Aの実施</strong>"));

    let schedule = site.page("schedule/index.html");
    assert!(
        !schedule.contains(r#"<span class="badge">"#),
        "no badge for unknown"
    );
    let at = schedule
        .find(r#"<h2 id="unread-heading">"#)
        .expect("the schedule names the marks it could not read");
    let section = &schedule[at..at + schedule[at..].find("</section>").unwrap()];
    assert!(section.contains("調査Aの実施"), "{section}");
    assert!(
        !section.contains("全国会議"),
        "meetings carry no mark: {section}"
    );
    assert!(section.contains("「依頼していない」という意味ではありません"));
    assert!(schedule.contains(r##"<a href="#unread-heading">"##));

    let ics = unfolded_ics(&site);
    let event = event_block(&ics, "調査Aの実施");
    assert!(event.contains("SUMMARY:調査Aの実施\r\n"), "{event}");
    assert!(
        event.contains("地方公共団体への協力依頼：不明（資料から読み取れない）"),
        "{event}"
    );
    let meeting = event_block(&ics, "全国会議");
    assert!(!meeting.contains("協力依頼"), "{meeting}");

    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.output().join("data.json")).unwrap())
            .unwrap();
    let survey = data["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "chosa-a")
        .unwrap();
    assert!(survey["local_government"].is_null());
    assert!(data["schedules"][0]["events"][0]["local_government"].is_null());
}

#[test]
fn not_requested_is_said_only_where_written() {
    let site = built_with_cooperation(Some(false));
    let survey = site.page("surveys/chosa-a/index.html");
    let dd = fact(&survey, "地方公共団体への協力依頼");
    assert!(dd.contains("協力を依頼していない調査"), "{dd}");
    let schedule = site.page("schedule/index.html");
    assert!(!schedule.contains(r#"<span class="badge">"#));
    assert!(
        !schedule.contains("unread-heading"),
        "a mark said to be absent is not an unread one"
    );
    let ics = unfolded_ics(&site);
    assert!(event_block(&ics, "調査Aの実施").contains("地方公共団体への協力依頼：なし"));
}

#[test]
fn a_date_read_from_a_figure_says_so_next_to_it_with_its_note() {
    let site = Site::copy_of("basic");
    edit(
        &site,
        "roadmap/card-1.md",
        "state: planned}",
        "state: planned, basis: read, note: 図の矢印の位置から}",
    );
    site.build().expect("builds");
    let page = site.page("roadmap/card-1/index.html");
    let rows: Vec<&str> = page.split("<tr class=\"state-").skip(1).collect();
    assert_eq!(rows.len(), 2, "{page}");
    assert!(
        !rows[0].contains("読み取り"),
        "a stated date is not marked: {}",
        rows[0]
    );
    assert!(
        rows[1].contains(r#"<span class="basis">※時期は資料の図からの読み取り</span>"#),
        "{}",
        rows[1]
    );
    assert!(rows[1].contains("（図の矢印の位置から）"), "{}", rows[1]);
}

#[test]
fn every_item_page_shows_its_source_at_the_foot() {
    let site = Site::copy_of("basic");
    site.build().expect("builds");
    for page in [
        "surveys/chosa-a/index.html",
        "laws/law-x/index.html",
        "roadmap/card-1/index.html",
        "pages/guide-1/index.html",
    ] {
        let html = site.page(page);
        let foot = html
            .find(r#"<p class="citation">出典：試験資料 第１節「試験の見出し」</p>"#)
            .unwrap_or_else(|| panic!("{page} shows no source"));
        let body = html.find(r#"<div class="body""#).expect("a body");
        assert!(foot > body, "{page}: the source is at the foot");
    }
}

#[test]
fn an_item_without_source_is_a_warning_of_check_only() {
    let site = Site::copy_of("basic");
    edit(
        &site,
        "laws/law-x.md",
        "source: 試験資料 第１節「試験の見出し」\n",
        "",
    );
    let report = site.check().expect("a warning does not fail check");
    let w: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "W008")
        .collect();
    assert_eq!(w.len(), 1, "{}", report.diagnostics.render());
    assert_eq!(w[0].location.path.to_string_lossy(), "laws/law-x.md");
    assert_eq!(w[0].location.line, 1);
    assert!(w[0].hint.as_deref().unwrap_or("").contains("source:"));

    let built = site.build().expect("builds");
    assert!(
        built.diagnostics.iter().all(|d| d.code != "W008"),
        "build does not list missing sources"
    );
    let html = site.page("laws/law-x/index.html");
    assert!(!html.contains("出典："), "no empty source line");

    // An empty value is no source either.
    edit(
        &site,
        "laws/law-x.md",
        "title: 法律X",
        "title: 法律X\nsource: \"  \"",
    );
    let report = site.check().expect("check");
    assert!(report.diagnostics.iter().any(|d| d.code == "W008"));
}

#[test]
fn a_program_page_named_in_site_yaml_is_linked_from_the_program_and_its_rows() {
    let site = Site::copy_of("basic");
    edit(
        &site,
        "site.yaml",
        "  card: カード工程表",
        "  card:\n    title: カード工程表\n    page: guide-1",
    );
    site.build()
        .unwrap_or_else(|d| panic!("builds:\n{}", d.render()));
    let list = site.page("roadmap/index.html");
    let section = &list[list
        .find(r#"<h2 id="h-card">カード工程表</h2>"#)
        .expect("the program keeps its title")..];
    assert!(
        section.contains(r#"<p class="program-page">この工程表の全体について：<a href="../pages/guide-1/">ガイド</a></p>"#),
        "{section}"
    );
    let row = site.page("roadmap/card-1/index.html");
    assert!(row.contains(r#"（<a href="../../pages/guide-1/">この工程表の全体について</a>）"#));

    // A page that does not exist is an error at its line of site.yaml.
    edit(&site, "site.yaml", "page: guide-1", "page: guide-2");
    let diags = site.check().expect_err("a missing program page fails");
    let d = diags
        .iter()
        .find(|d| d.code == "E017")
        .unwrap_or_else(|| panic!("{}", diags.render()));
    assert_eq!(d.location.path.to_string_lossy(), "site.yaml");
    assert_eq!(d.location.line, 7, "{}", d.render());
    assert_eq!(d.location.column, 11, "{}", d.render());
    assert_eq!(d.hint.as_deref(), Some("did you mean `guide-1`?"));

    // A program without a title is named.
    edit(&site, "site.yaml", "    title: カード工程表\n", "");
    let diags = site.check().expect_err("a program without title fails");
    assert!(
        diags
            .iter()
            .any(|d| d.code == "E007" && d.message.contains("`card`")),
        "{}",
        diags.render()
    );
}
