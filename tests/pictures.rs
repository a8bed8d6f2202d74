//! Pictures drawn at build time: golden SVGs of a fixture site, the layout (no text box
//! overlaps another or leaves the view box) over the repository's content and every
//! fixture, and every datum drawn also in a table on its page.

mod common;

use common::{read_tree, Site};
use std::path::Path;
use tebiki::calendar::Date;
use tebiki::plan::pictures;

/// Every inline `<svg …>…</svg>` of a page, in page order.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg ") {
        let end = rest[start..].find("</svg>").expect("svg is closed") + start + 6;
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

fn attr<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = element.find(&key)? + key.len();
    let len = element[start..].find('"')?;
    Some(&element[start..start + len])
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The contents of every `<text>` element inside the `<g class="data">` group.
fn data_texts(svg: &str) -> Vec<String> {
    let Some(start) = svg.find("<g class=\"data\">") else {
        return Vec::new();
    };
    let group = &svg[start..start + svg[start..].find("</g>").unwrap()];
    let mut out = Vec::new();
    let mut rest = group;
    while let Some(i) = rest.find("<text ") {
        let open_end = rest[i..].find('>').unwrap() + i + 1;
        let close = rest[open_end..].find("</text>").unwrap() + open_end;
        out.push(unescape(&rest[open_end..close]));
        rest = &rest[close..];
    }
    out
}

/// The text of every `<table>` of a page, tags removed, entities decoded.
fn tables_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<table") {
        let end = rest[start..].find("</table>").unwrap() + start;
        let mut inside_tag = false;
        for c in rest[start..end].chars() {
            match c {
                '<' => inside_tag = true,
                '>' => inside_tag = false,
                _ if !inside_tag => out.push(c),
                _ => {}
            }
        }
        out.push('\n');
        rest = &rest[end..];
    }
    unescape(&out)
}

fn built_fixture() -> Site {
    let site = Site::copy_of("pictures");
    let report = site.build().unwrap_or_else(|d| panic!("{}", d.render()));
    assert!(
        report.diagnostics.is_empty(),
        "{}",
        report.diagnostics.render()
    );
    site
}

#[test]
fn each_kind_of_picture_is_on_its_pages_named_by_its_title_and_desc() {
    let site = built_fixture();
    for (page, class, count) in [
        ("roadmap/card-a/index.html", "pic-timeline", 1),
        ("roadmap/index.html", "pic-timeline", 2),
        ("schedule/index.html", "pic-year", 1),
        ("schedule/2022/index.html", "pic-year", 1),
        ("surveys/chosa/index.html", "pic-route", 4),
        ("pages/yosan/index.html", "pic-budget", 1),
    ] {
        let html = site.page(page);
        let found: Vec<&str> = svgs(&html)
            .into_iter()
            .filter(|s| attr(s, "class").is_some_and(|c| c.contains(class)))
            .collect();
        assert_eq!(found.len(), count, "{page}: {class}");
        for svg in found {
            assert_eq!(attr(svg, "role"), Some("img"), "{page}");
            let id = attr(svg, "id").unwrap();
            assert_eq!(
                attr(svg, "aria-labelledby"),
                Some(format!("{id}-title {id}-desc").as_str())
            );
            assert!(svg.contains(&format!("<title id=\"{id}-title\">")));
            assert!(svg.contains(&format!("<desc id=\"{id}-desc\">")));
            assert!(!svg.contains(" style="), "{page}: inline style");
            assert!(svg.contains("<text "), "{page}: text is text");
        }
    }
    // No picture where there is no data for one.
    assert!(!site.page("pages/no-budget/index.html").contains("<svg"));
    assert!(!site.page("surveys/index.html").contains("<svg"));
}

#[test]
fn pictures_of_the_fixture_site_match_their_golden_svgs() {
    let site = built_fixture();
    for (name, page) in [
        ("timeline_item", "roadmap/card-a/index.html"),
        ("timeline_program", "roadmap/index.html"),
        ("year_at_a_glance", "schedule/index.html"),
        ("routes", "surveys/chosa/index.html"),
        ("budget", "pages/yosan/index.html"),
    ] {
        let html = site.page(page);
        insta::assert_snapshot!(name, svgs(&html).join("\n\n"));
    }
}

#[test]
fn pictures_are_the_same_from_build_to_build() {
    let (a, b) = (built_fixture(), built_fixture());
    for page in [
        "roadmap/index.html",
        "schedule/index.html",
        "surveys/chosa/index.html",
    ] {
        assert_eq!(svgs(&a.page(page)), svgs(&b.page(page)), "{page}");
    }
}

/// The layout model of every picture of a site: no text box overlaps another, none
/// leaves the view box.
fn assert_layout_clean(root: &Path) -> usize {
    let (content, diags) = tebiki::content::load(&root.join("content"));
    assert!(!diags.has_errors(), "{}", diags.render());
    let mut drawings = 0;
    for today in [
        Date::new(2022, 4, 1).unwrap(),
        Date::new(2019, 4, 1).unwrap(),
        Date::new(2031, 3, 31).unwrap(),
    ] {
        let all = pictures::of_site(&content, today);
        drawings = all.len();
        let problems: Vec<String> = all.iter().flat_map(pictures::layout_problems).collect();
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            root.display(),
            problems.join("\n")
        );
    }
    drawings
}

#[test]
fn no_text_box_overlaps_another_or_leaves_the_view_box() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(assert_layout_clean(repo) > 60, "the repository's pictures");
    for fixture in ["pictures", "basic", "exports"] {
        assert!(assert_layout_clean(&repo.join("tests/fixtures").join(fixture)) > 0);
    }
}

#[test]
fn the_layout_check_sees_an_overlap_and_a_box_outside() {
    use pictures::{Drawing, Layer, Shape, TextBox};
    let mut d = Drawing::new("t".into(), "pic-test", "t".into(), "d".into());
    d.push(
        Layer::Data,
        Shape::Text(TextBox::one(0.0, 0.0, "統計", 10.0, "ink")),
    );
    d.push(
        Layer::Data,
        Shape::Text(TextBox::one(15.0, 5.0, "調査", 10.0, "ink")),
    );
    d.width = 30.0;
    d.height = 30.0;
    let problems = pictures::layout_problems(&d);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems
        .iter()
        .any(|p| p.contains("`調査` leaves the view box")));
    assert!(problems
        .iter()
        .any(|p| p.contains("`統計` overlaps `調査`")));
}

/// Every text of a picture's data (labels, amounts) is also in a table of its page.
fn assert_data_in_tables(out: &Path) -> usize {
    let mut checked = 0;
    for (rel, bytes) in read_tree(out) {
        if rel.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let tables = tables_text(&html);
        for svg in svgs(&html) {
            for text in data_texts(svg) {
                assert!(
                    tables.contains(&text),
                    "{}: `{text}` is drawn but in no table of the page",
                    rel.display()
                );
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn every_datum_drawn_is_also_in_a_table_on_its_page() {
    let site = built_fixture();
    assert!(assert_data_in_tables(&site.output()) > 20);
    let repo = tempfile::tempdir().unwrap();
    let mut options = tebiki::Options::new(env!("CARGO_MANIFEST_DIR"));
    options.output = repo.path().join("public");
    tebiki::build(&options).unwrap_or_else(|d| panic!("{}", d.render()));
    assert!(assert_data_in_tables(&options.output) > 200);
}

#[test]
fn the_today_line_is_drawn_at_the_today_option_and_only_within_the_years_shown() {
    let site = Site::copy_of("pictures");
    let mut options = site.options();
    options.today = Some(Date::new(2023, 1, 15).unwrap());
    tebiki::build(&options).unwrap_or_else(|d| panic!("{}", d.render()));
    let item = site.page("roadmap/card-a/index.html");
    assert!(item.contains("基準日 令和５年１月15日"), "{item}");
    assert!(item.contains("class=\"today\""));
    options.today = Some(Date::new(2030, 4, 1).unwrap());
    tebiki::build(&options).unwrap_or_else(|d| panic!("{}", d.render()));
    let item = site.page("roadmap/card-a/index.html");
    assert!(!item.contains("class=\"today\""));
    assert!(!item.contains("基準日"));
}

#[test]
fn routes_are_drawn_across_for_wide_screens_and_down_within_a_phone_screen() {
    let site = built_fixture();
    let html = site.page("surveys/chosa/index.html");
    let all = svgs(&html);
    let wide: Vec<&&str> = all.iter().filter(|s| s.contains("pic-route-h")).collect();
    let narrow: Vec<&&str> = all.iter().filter(|s| s.contains("pic-route-v")).collect();
    assert_eq!((wide.len(), narrow.len()), (2, 2));
    for svg in narrow {
        let w: f32 = attr(svg, "width").unwrap().parse().unwrap();
        assert!(w <= pictures::route::NARROW_WIDTH, "{w}");
    }
    for svg in wide {
        let (w, h): (f32, f32) = (
            attr(svg, "width").unwrap().parse().unwrap(),
            attr(svg, "height").unwrap().parse().unwrap(),
        );
        assert!(w > h, "drawn across: {w} × {h}");
    }
    // The old CSS boxes are gone; the route is a table under the picture.
    assert!(!html.contains("route-steps"));
    assert!(html.contains("<table class=\"route-table\">"));
}

#[test]
fn the_budget_chart_writes_amounts_as_the_table_does_and_follows_the_table() {
    let site = built_fixture();
    let html = site.page("pages/yosan/index.html");
    let svg = svgs(&html)[0];
    for amount in ["1,000", "1,250", "800", "250", "200"] {
        assert!(data_texts(svg).contains(&amount.to_string()), "{amount}");
    }
    // Labels stand above the bars: the chart fits a 375 px screen without scrolling.
    let w: f32 = attr(svg, "width").unwrap().parse().unwrap();
    assert!(w <= pictures::route::NARROW_WIDTH, "{w}");
    // The ratio column is not an amount: not drawn.
    assert!(!svg.contains("25.0％"));
    assert!(svg.contains("合計（合計の行）は前年度予算額 1,000千円、本年度予算案 1,250千円。"));
    let table_end = html.find("</table>").unwrap();
    assert!(
        html.find("<svg").unwrap() > table_end,
        "the chart follows its table"
    );
    assert!(html.find("本文の続き").unwrap() > html.find("</svg>").unwrap());
}

#[test]
fn requested_events_are_filled_and_bold_in_the_year_at_a_glance() {
    let site = built_fixture();
    let html = site.page("schedule/index.html");
    let svg = svgs(&html)[0];
    let requested = svg.matches("class=\"bar requested\"").count();
    // One event, plus the legend's swatch.
    assert_eq!(requested, 2, "{svg}");
    assert!(
        svg.contains("class=\"ink strong\" x=") && svg.contains(">上旬の調査（協力依頼）</text>")
    );
    let line = svg
        .lines()
        .find(|l| l.contains(">三か月にわたる調査<"))
        .unwrap();
    assert!(line.contains("class=\"ink\""), "not requested: not bold");
}

#[test]
fn a_date_read_from_a_figure_is_ringed_in_the_timeline_and_marked_in_the_tables() {
    let site = built_fixture();
    let item = site.page("roadmap/card-b/index.html");
    let svg = svgs(&item)[0];
    assert_eq!(
        svg.matches("class=\"reading\"").count(),
        2,
        "the mark and the legend"
    );
    assert!(
        svg.contains("読み取り"),
        "the legend says what the ring means"
    );
    let marked = "令和４年６月※時期は資料の図からの読み取り";
    assert!(
        tables_text(&item).contains(marked),
        "{}",
        tables_text(&item)
    );
    let list = site.page("roadmap/index.html");
    assert!(tables_text(&list).contains(marked));
    // A stated date has no ring, and its legend has no entry for one.
    let stated = site.page("roadmap/card-a/index.html");
    assert!(!svgs(&stated)[0].contains("reading"));
}

#[test]
fn an_event_whose_cooperation_is_unknown_is_not_marked_as_requested_nor_as_refused() {
    let site = built_fixture();
    let svg_of = |html: &str| svgs(html)[0].to_string();
    let html = site.page("schedule/index.html");
    let svg = svg_of(&html);
    // 五月の調査 has no local_government: unknown, drawn like the others, not filled.
    let line = svg.lines().find(|l| l.contains(">五月の調査<")).unwrap();
    assert!(line.contains("class=\"ink\""));
    assert_eq!(svg.matches("bar requested").count(), 2);
}
