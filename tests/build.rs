//! `build` end to end on the `basic` fixture: what pages it writes, how they link, what
//! they escape and sanitise, and how it behaves when it must not write.

mod common;

use common::{broken_internal_links, read_tree, Site};

#[test]
fn build_writes_a_page_for_every_item_list_tag_schedule_and_contacts() {
    let site = Site::copy_of("basic");
    let report = site.build().expect("the fixture builds");
    for page in [
        "index.html",
        "surveys/index.html",
        "surveys/chosa-a/index.html",
        "laws/index.html",
        "laws/law-x/index.html",
        "roadmap/index.html",
        "roadmap/card-1/index.html",
        "pages/index.html",
        "pages/guide-1/index.html",
        "tags/index.html",
        "tags/医療/index.html",
        "schedule/index.html",
        "schedule/2022/index.html",
        "contacts/index.html",
        "search/index.html",
        "search.js",
        "search/data/m.js",
        "print/index.html",
        "style.css",
        "syntax.css",
        "images/route.png",
    ] {
        assert!(site.output().join(page).is_file(), "{page} missing");
    }
    assert_eq!(report.pages, 18);
    assert!(
        report.diagnostics.is_empty(),
        "{}",
        report.diagnostics.render()
    );
}

#[test]
fn every_internal_link_is_relative_and_resolves() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let problems = broken_internal_links(&site.output());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn body_links_to_md_files_become_page_urls() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let html = site.page("surveys/chosa-a/index.html");
    assert!(
        html.contains("href=\"../../laws/law-x/#%E7%9B%AE%E7%9A%84\""),
        "{html}"
    );
    assert!(html.contains("href=\"../../pages/guide-1/\""));
    assert!(html.contains("src=\"../../images/route.png\""));
    let home = site.page("index.html");
    assert!(home.contains("href=\"surveys/chosa-a/\""), "{home}");
}

#[test]
fn titles_escape_angle_brackets_ampersands_and_quotes() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let html = site.page("surveys/chosa-a/index.html");
    assert!(
        html.contains("<h1 data-search>調査A &lt;速報&gt; &amp; &quot;確報&quot;</h1>"),
        "{html}"
    );
    assert!(html.contains(
        "<title>調査A &lt;速報&gt; &amp; &quot;確報&quot; | テスト用ハンドブック</title>"
    ));
    let outside_data = html
        .split("<script type=\"application/ld+json\">")
        .next()
        .unwrap_or("")
        .to_string()
        + html.split("</script>").last().unwrap_or("");
    assert!(!outside_data.contains("<速報>"), "{html}");
}

#[test]
fn fenced_code_is_highlighted_with_classes_and_unknown_languages_stay_plain() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let html = site.page("surveys/chosa-a/index.html");
    assert!(
        html.contains("<code class=\"language-rust\"><span class=\"hl-source hl-rust\">"),
        "{html}"
    );
    assert!(html.contains("<code class=\"language-nosuchlang\">&lt;raw&gt; &amp; text\n</code>"));
    assert!(!html.contains("style=\""), "no inline styles");
    let css = site.page("syntax.css");
    assert!(css.contains(".hl-"), "the stylesheet covers the classes");
}

#[test]
fn raw_html_is_sanitised() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let html = site.page("pages/guide-1/index.html");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("alert("), "{html}");
    assert!(!html.contains("onclick"), "{html}");
    assert!(html.contains("<p>クリック</p>"), "{html}");
}

#[test]
fn markdown_is_never_evaluated_as_a_template() {
    let site = Site::copy_of("basic");
    site.write(
        "pages/tera.md",
        "---\ntitle: テンプレート記法\n---\n\n{{ site.title }} と {% if true %}x{% endif %}\n",
    );
    site.build().unwrap();
    let html = site.page("pages/tera/index.html");
    assert!(
        html.contains("{{ site.title }} と {% if true %}x{% endif %}"),
        "{html}"
    );
}

#[test]
fn front_matter_references_link_both_ways() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let survey = site.page("surveys/chosa-a/index.html");
    assert!(
        survey.contains("href=\"../../laws/law-x/\">法律X</a>"),
        "{survey}"
    );
    let law = site.page("laws/law-x/index.html");
    // The law lists the survey and the roadmap item that name it, and the roadmap
    // item as enabled by it.
    assert!(law.contains("href=\"../../surveys/chosa-a/\""), "{law}");
    assert!(law.contains("href=\"../../roadmap/card-1/\""), "{law}");
    // The guide names the survey in `related` and links it from its body: the survey
    // shows it among the pages that refer to it.
    assert!(
        survey.contains("href=\"../../pages/guide-1/\""),
        "backlink from the guide's body link and related"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let first = read_tree(&site.output());
    site.build().unwrap();
    let second = read_tree(&site.output());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    assert!(first == second, "some file differs between two builds");
}

#[test]
fn broken_yaml_fails_and_leaves_the_previous_output_untouched() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let before = read_tree(&site.output());
    let law = site
        .read("laws/law-x.md")
        .replace("status: in_force", "status: [in_force");
    site.write("laws/law-x.md", &law);
    let err = site.build().expect_err("broken YAML must fail the build");
    let d = err
        .iter()
        .find(|d| d.code == "E006")
        .expect("a YAML syntax error");
    assert_eq!(d.location.path.to_string_lossy(), "laws/law-x.md");
    assert_eq!(d.location.line, 5, "{}", d.render());
    assert_eq!(read_tree(&site.output()), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "the staging folder is cleaned up");
}

#[test]
fn a_template_error_fails_the_build_and_names_the_template() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let before = read_tree(&site.output());
    std::fs::create_dir_all(site.root().join("themes/broken/templates")).unwrap();
    std::fs::write(
        site.root().join("themes/broken/templates/law.html"),
        "{% extends \"base.html\" %}{% block content %}{{ page.no_such_field.deeper }}{% endblock content %}",
    )
    .unwrap();
    let yaml = site.read("site.yaml") + "theme: broken\n";
    site.write("site.yaml", &yaml);
    let err = site.build().expect_err("a template error fails the build");
    let text = err.render();
    assert!(text.contains("law.html"), "{text}");
    assert!(text.contains("laws/law-x/"), "{text}");
    assert_eq!(read_tree(&site.output()), before);
}

#[test]
fn a_site_theme_overrides_templates_one_by_one() {
    let site = Site::copy_of("basic");
    std::fs::create_dir_all(site.root().join("themes/plain/templates")).unwrap();
    std::fs::write(
        site.root().join("themes/plain/templates/law.html"),
        "<p>custom {{ page.title }}</p>",
    )
    .unwrap();
    let yaml = site.read("site.yaml") + "theme: plain\n";
    site.write("site.yaml", &yaml);
    site.build().unwrap();
    assert_eq!(site.page("laws/law-x/index.html"), "<p>custom 法律X</p>");
    assert!(
        site.page("surveys/chosa-a/index.html")
            .contains("<!DOCTYPE html>"),
        "others keep the default"
    );
}

#[test]
fn dangerous_output_paths_are_refused() {
    let site = Site::copy_of("basic");
    let marker = site.root().join("content/site.yaml");
    for output in [
        site.root().to_path_buf(),
        site.root().join("content"),
        site.root().join("content/surveys"),
        site.root().parent().unwrap().to_path_buf(),
        std::path::PathBuf::from("/"),
    ] {
        let mut options = site.options();
        options.output = output.clone();
        let err = tebiki::build(&options).expect_err("refused");
        assert!(
            err.iter().any(|d| d.code == "E040"),
            "{}: {}",
            output.display(),
            err.render()
        );
        assert!(marker.is_file(), "nothing was deleted");
    }
}

#[test]
fn the_home_folder_is_never_an_output() {
    let site = Site::copy_of("basic");
    let home = std::env::var_os("HOME").expect("HOME is set in tests");
    let mut options = site.options();
    options.output = home.into();
    let err = tebiki::build(&options).expect_err("refused");
    assert!(err.iter().any(|d| d.code == "E040"), "{}", err.render());
}

#[test]
fn drafts_are_not_published_and_references_to_them_fail() {
    let site = Site::copy_of("basic");
    let law = site
        .read("laws/law-x.md")
        .replacen("title: 法律X", "title: 法律X\ndraft: true", 1);
    site.write("laws/law-x.md", &law);
    let err = site
        .build()
        .expect_err("the survey and roadmap refer to a draft");
    let codes: Vec<_> = err
        .iter()
        .map(|d| (d.location.path.display().to_string(), d.code))
        .collect();
    assert!(
        codes.contains(&("surveys/chosa-a.md".into(), "E018")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("roadmap/card-1.md".into(), "E018")),
        "{codes:?}"
    );
}

#[test]
fn schedule_page_places_events_by_month_and_track() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let html = site.page("schedule/index.html");
    assert!(html.contains("令和４年５月上旬"), "{html}");
    assert!(html.contains("令和５年２月下旬～３月"), "{html}");
    assert!(
        html.contains("<strong>調査Aの実施</strong>"),
        "local-government events are bold"
    );
    let may = html.find("id=\"m2022-05\"").unwrap();
    let june = html.find("id=\"m2022-06\"").unwrap();
    // The year at a glance above the table names the event too: look in the table.
    let table = html.find("<table class=\"schedule\"").unwrap();
    let event = table + html[table..].find("調査Aの実施").unwrap();
    assert!(may < event && event < june, "the event sits in the May row");
}

#[test]
fn contact_page_groups_rows_and_links_the_pages_that_name_them() {
    let site = Site::copy_of("basic");
    site.build().unwrap();
    let html = site.page("contacts/index.html");
    assert!(html.contains("山田 花子"));
    assert!(html.contains("href=\"../surveys/chosa-a/\""), "{html}");
    assert!(html.contains("href=\"tel:03-0000-0000\""));
}

#[test]
fn a_preview_build_publishes_drafts_marked_as_drafts() {
    let site = Site::copy_of("basic");
    let law = site
        .read("laws/law-x.md")
        .replacen("title: 法律X", "title: 法律X\ndraft: true", 1);
    site.write("laws/law-x.md", &law);
    assert!(
        site.build().is_err(),
        "a publishing build refuses references to drafts"
    );
    let mut options = site.options();
    options.drafts = true;
    tebiki::build(&options).expect("a preview build accepts them");
    let html = site.page("laws/law-x/index.html");
    assert!(html.contains("class=\"draft-banner\""), "{html}");
    assert!(!site
        .page("surveys/chosa-a/index.html")
        .contains("draft-banner"));
}

#[test]
fn body_links_to_the_data_files_lead_to_their_pages() {
    let site = Site::copy_of("basic");
    let law = site.read("laws/law-x.md").replacen(
        "法律の目的。",
        "法律の目的。[予定](../schedule/2022.yaml)と[照会先](../contacts.yaml)。",
        1,
    );
    site.write("laws/law-x.md", &law);
    site.build().unwrap();
    let html = site.page("laws/law-x/index.html");
    assert!(html.contains("href=\"../../schedule/2022/\""), "{html}");
    assert!(html.contains("href=\"../../contacts/\""), "{html}");
    assert!(broken_internal_links(&site.output()).is_empty());
}
