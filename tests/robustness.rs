//! Robustness: hostile, huge or malformed content must end in a built site or in
//! diagnostics, never in a panic, a hang, a stack overflow or an exploding allocation.
//!
//! Most tests go through `tebiki::check_files` (loading, Markdown, site graph, all in
//! memory); the 20 MB page and the long title go through a real build. Every case runs
//! inside a rayon pool of its own, whose workers have the default 2 MiB stack like those
//! of the global pool that renders the bodies in a real build, under a time limit: a hang
//! fails its test instead of blocking the suite, and does not slow the cases beside it.
//! [`LIMIT`] is far above what a case needs in a debug build (well under a second for
//! most) and only turns a hang into a failure; [`LINEAR`] bounds the inputs where only
//! quadratic work takes seconds (10,000 entries, 100 KB lines, deep nesting).
//!
//! The last section holds the inputs the fuzzer (tests/fuzz, target `check_files`) found.

mod common;

use common::Site;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};
use tebiki::content::body::highlight;
use tebiki::content::body::{markdown, BodySource};
use tebiki::content::source::LineIndex;
use tebiki::diagnostics::Diagnostics;

/// Far above any case's need in a debug build; only turns a hang into a failure.
const LIMIT: Duration = Duration::from_secs(30);

/// For inputs (10,000 entries, long lines, deep nesting) that linear code handles in well
/// under a second in a debug build and quadratic code takes far longer over.
const LINEAR: Duration = Duration::from_secs(8);

const SITE_YAML: &str = "title: テスト用ハンドブック\n";
const CONTACTS_YAML: &str = "\
contacts:
  - id: kikaku
    topic: 調査A
    office: 統計室
    section: 企画係
    extension: \"1234\"
";
const LAW: &str = "---\ntitle: 法律X\n---\n\n## 目的\n\n本文。\n";

/// Runs `f` in a rayon pool of its own (workers with the default 2 MiB stack) and returns
/// its result; fails the test if it panics or is still running after [`LIMIT`].
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    within_limit(what, LIMIT, f)
}

/// [`within`] with another limit.
fn within_limit<T: Send + 'static>(
    what: &str,
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    std::thread::Builder::new()
        .name(what.to_string())
        .spawn(move || {
            // A pool of its own, so a case that hangs keeps only its own workers busy
            // and the cases running beside it keep their time.
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .expect("a thread pool");
            let _ = tx.send(pool.install(f));
        })
        .expect("spawn a thread");
    match rx.recv_timeout(limit) {
        Ok(value) => {
            eprintln!("{what}: {:?}", start.elapsed());
            value
        }
        Err(RecvTimeoutError::Timeout) => panic!("{what}: still running after {limit:?}"),
        Err(RecvTimeoutError::Disconnected) => panic!("{what}: panicked (see above)"),
    }
}

/// `tebiki::check_files` on a valid site (site.yaml, contacts.yaml, laws/law-x.md) plus
/// `files` (which replace those of the same path), under the hang limit.
fn check(what: &str, files: Vec<(&str, Vec<u8>)>) -> Diagnostics {
    check_within(what, LIMIT, files)
}

/// [`check`] with another limit.
fn check_within(what: &str, limit: Duration, files: Vec<(&str, Vec<u8>)>) -> Diagnostics {
    let mut all: Vec<(PathBuf, Vec<u8>)> = vec![
        ("site.yaml".into(), SITE_YAML.into()),
        ("contacts.yaml".into(), CONTACTS_YAML.into()),
        ("laws/law-x.md".into(), LAW.into()),
    ];
    for (path, bytes) in files {
        all.retain(|(p, _)| p != Path::new(path));
        all.push((PathBuf::from(path), bytes));
    }
    within_limit(what, limit, move || tebiki::check_files(all))
}

/// A free page `pages/p.md` with `body` under a valid front matter.
fn page(body: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![(
        "pages/p.md",
        format!("---\ntitle: ページ\n---\n\n{body}\n").into_bytes(),
    )]
}

/// The codes of the errors (not warnings), in order.
fn errors(d: &Diagnostics) -> Vec<&'static str> {
    d.iter().filter(|d| d.is_error()).map(|d| d.code).collect()
}

fn assert_no_errors(d: &Diagnostics) {
    assert!(!d.has_errors(), "{}", d.render());
}

/// A schedule with the given events (YAML list entries, already indented).
fn schedule(events: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![(
        "schedule/2022.yaml",
        format!(
            "fiscal_year: 2022\ntracks:\n  - {{id: health, title: 保健統計}}\nevents:\n{events}"
        )
        .into_bytes(),
    )]
}

// ---------------------------------------------------------------------------------------
// Deeply nested Markdown

#[test]
fn ten_thousand_nested_blockquotes_build_without_panic() {
    let d = check("> x 10000", page(&format!("{}引用", "> ".repeat(10_000))));
    assert_no_errors(&d);
    let d = check(">x 10000", page(&format!("{}引用", ">".repeat(10_000))));
    assert_no_errors(&d);
    // One `>` more per line, so each line opens a new quote inside the previous one.
    let lines: String = (1..=2_000)
        .map(|n| format!("{}a\n", ">".repeat(n)))
        .collect();
    let d = check("> per line 2000", page(&lines));
    assert_no_errors(&d);
}

#[test]
fn ten_thousand_nested_list_items_build_without_panic() {
    let d = check("- x 10000", page(&format!("{}項目", "- ".repeat(10_000))));
    assert_no_errors(&d);
    let d = check("1. x 10000", page(&format!("{}項目", "1. ".repeat(10_000))));
    assert_no_errors(&d);
    let d = check(
        "* [ ] x 10000",
        page(&format!("{}項目", "* [ ] ".repeat(10_000))),
    );
    assert_no_errors(&d);
    // Indented one level deeper per line (quadratic size, so fewer levels).
    let lines: String = (0..1_000)
        .map(|n| format!("{}- a\n", "  ".repeat(n)))
        .collect();
    let d = check("indented list 1000", page(&lines));
    assert_no_errors(&d);
}

#[test]
fn blockquotes_and_lists_interleaved_ten_thousand_deep_build_without_panic() {
    let d = check("> - x 5000", page(&format!("{}x", "> - ".repeat(5_000))));
    assert_no_errors(&d);
}

#[test]
fn fifty_thousand_brackets_and_emphasis_markers_build_without_panic() {
    for (what, unit) in [
        ("[ x 50000", "["),
        ("] x 50000", "]"),
        ("![ x 50000", "!["),
        ("* x 50000", "*"),
        ("_ x 50000", "_"),
        ("~ x 50000", "~"),
        ("` x 50000", "`"),
        ("[*a x 50000", "[*a"),
        ("*[ x 50000", "*["),
        ("[]( x 50000", "[]("),
        ("[a]( x 50000", "[a]("),
        ("( x 50000", "("),
        ("< x 50000", "<"),
        ("<a x 50000", "<a "),
        ("&# x 50000", "&#"),
        ("\\ x 50000", "\\"),
        ("[^ x 50000", "[^"),
        ("| x 50000", "|"),
    ] {
        let d = check(what, page(&unit.repeat(50_000)));
        assert_no_errors(&d);
    }
    // Openers then closers: the worst case for delimiter matching.
    let d = check(
        "* then a then *",
        page(&format!("{}a{}", "*".repeat(50_000), "*".repeat(50_000))),
    );
    assert_no_errors(&d);
    let d = check(
        "[ then a then ]",
        page(&format!("{}a{}", "[".repeat(50_000), "]".repeat(50_000))),
    );
    assert_no_errors(&d);
}

#[test]
fn ten_thousand_table_columns_and_rows_build_without_panic() {
    let header = format!("|{}\n|{}\n", "a|".repeat(10_000), "-|".repeat(10_000));
    let d = check("table 10000 columns", page(&format!("{header}|x|\n")));
    assert_no_errors(&d);
    let rows = "|1|2|\n".repeat(10_000);
    let d = check("table 10000 rows", page(&format!("|a|b|\n|-|-|\n{rows}")));
    assert_no_errors(&d);
}

// ---------------------------------------------------------------------------------------
// Huge pages, titles, headings, ids

#[test]
fn twenty_megabyte_page_is_built_within_time() {
    let site = Site::copy_of("basic");
    // Paragraphs of Japanese text with some inline markup, 20 MB in total.
    let paragraph = "統計調査の結果を**公表**する。[法律X](../laws/law-x.md)を参照。\n\n";
    let body = paragraph.repeat(20 * 1024 * 1024 / paragraph.len() + 1);
    assert!(body.len() >= 20 * 1024 * 1024);
    site.write(
        "pages/big.md",
        &format!("---\ntitle: 大きなページ\n---\n\n{body}"),
    );
    let options = site.options();
    // Twice the hang limit: a debug build takes about 3 s alone, more beside other tests.
    let result = within_limit("build with a 20 MB page", 2 * LIMIT, move || {
        tebiki::build(&options)
    });
    // The generator has no size limit: the page is built.
    let report = result.unwrap_or_else(|d| panic!("{}", d.render()));
    assert!(!report.diagnostics.has_errors());
    let html = site.page("pages/big/index.html");
    assert!(html.len() > body.len(), "{}", html.len());
    assert!(html.contains("<strong>公表</strong>"));
}

#[test]
fn ten_thousand_character_title_is_built_and_shown() {
    let site = Site::copy_of("basic");
    let title = "統".repeat(10_000);
    site.write(
        "pages/long-title.md",
        &format!("---\ntitle: {title}\n---\n\n本文。\n"),
    );
    let options = site.options();
    let report = within("build with a 10,000-character title", move || {
        tebiki::build(&options)
    })
    .unwrap_or_else(|d| panic!("{}", d.render()));
    assert!(!report.diagnostics.has_errors());
    let html = site.page("pages/long-title/index.html");
    assert!(
        html.contains(&format!("<h1 data-search>{title}</h1>")),
        "title not in the page"
    );
    assert!(
        html.contains(&format!("<title>{title}")),
        "title not in <title>"
    );
}

#[test]
fn heading_of_a_hundred_thousand_characters_builds_without_panic() {
    let text = "見".repeat(100_000);
    let d = check(
        "heading 100000",
        page(&format!("## {text}\n\n[自分へ](#{text})\n")),
    );
    assert_no_errors(&d);
    let d = check(
        "setext heading 100000",
        page(&format!("{}\n===\n", "a ".repeat(50_000))),
    );
    assert_no_errors(&d);
}

#[test]
fn ten_thousand_identical_headings_get_unique_anchors_quickly() {
    let d = check_within(
        "10000 identical headings",
        LINEAR,
        page(&format!(
            "{}[最後へ](#同じ-9999)\n",
            "## 同じ\n\n".repeat(10_000)
        )),
    );
    assert_no_errors(&d);
}

#[test]
fn duplicate_heading_anchors_skip_explicit_ids_already_taken() {
    let body = "## a\n\n## a {#a-1}\n\n## a\n\n## a\n\n## a-2\n";
    let lines = LineIndex::new(body);
    let (rendered, _) = markdown::render(&BodySource {
        path: Path::new("pages/p.md"),
        text: body,
        body_start: 0,
        lines: &lines,
    });
    let ids: Vec<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["a", "a-1", "a-2", "a-3", "a-2-1"]);
}

#[test]
fn ids_of_three_hundred_characters_are_read_and_resolved() {
    let id = format!("{}-{}", "a".repeat(150), "b".repeat(149));
    assert_eq!(id.len(), 300);
    let survey = format!(
        "---\ntitle: 調査\ncategory: health\nfrequency: 毎月\nmethods: [online]\nlaws: [law-x]\ncontacts: [kikaku]\n---\n\n[自分](../pages/{id}.md)\n"
    );
    let free_page = format!("---\ntitle: 長いid\nrelated: [surveys/{id}]\n---\n\n本文。\n");
    let survey_path = format!("surveys/{id}.md");
    let page_path = format!("pages/{id}.md");
    let files = vec![
        (survey_path.as_str(), survey.into_bytes()),
        (page_path.as_str(), free_page.into_bytes()),
    ];
    let d = check("300-character ids", files);
    assert_no_errors(&d);

    // A 300-character id that breaks the id rule is reported, with a suggestion.
    let bad = "A_".repeat(150);
    let bad_path = format!("pages/{bad}.md");
    let d = check(
        "300-character invalid id",
        vec![(bad_path.as_str(), b"---\ntitle: x\n---\n".to_vec())],
    );
    assert_eq!(errors(&d), ["E013"], "{}", d.render());

    // A 300-character reference to nothing: E017 with the id.
    let missing = "z".repeat(300);
    let d = check(
        "300-character missing reference",
        page(&format!("[x](../laws/{missing}.md)")),
    );
    assert_eq!(errors(&d), ["E017"], "{}", d.render());
}

#[test]
fn links_with_a_thousand_parent_steps_are_refused_with_e015() {
    let up = "../".repeat(1_000);
    let d = check("../ x 1000", page(&format!("[外]({up}laws/law-x.md)")));
    assert_eq!(errors(&d), ["E015"], "{}", d.render());
    // Down a thousand folders and back up again stays inside: it resolves.
    let down = "a/".repeat(1_000);
    let d = check(
        "a/ x 1000 then ../ x 1000",
        page(&format!("[内](../{down}{up}laws/law-x.md)")),
    );
    assert_no_errors(&d);
    // Percent-encoded dots climb too.
    let d = check(
        "%2e%2e/ x 1000",
        page(&format!("[外]({}x.md)", "%2e%2e/".repeat(1_000))),
    );
    assert_eq!(errors(&d), ["E015"], "{}", d.render());
    // Ten thousand links in one paragraph, each leaving the folder.
    let d = check(
        "10000 outside links",
        page(&"[x](../../y.md) ".repeat(10_000)),
    );
    assert_eq!(d.error_count(), 10_000);
}

// ---------------------------------------------------------------------------------------
// Files that are not text

#[test]
fn binary_file_with_an_md_name_is_reported_as_e002() {
    let mut bytes = b"---\ntitle: x\n---\n".to_vec();
    bytes.extend((0..=255u8).cycle().take(64 * 1024));
    let d = check("binary .md", vec![("pages/bin.md", bytes)]);
    assert_eq!(errors(&d), ["E002"], "{}", d.render());
    // Shift_JIS: the most likely wrong encoding from a Japanese editor.
    let d = check(
        "Shift_JIS .md",
        vec![(
            "pages/sjis.md",
            b"---\ntitle: \x93\x9d\x8c\x76\n---\n".to_vec(),
        )],
    );
    assert_eq!(errors(&d), ["E002"], "{}", d.render());
    // A truncated UTF-8 sequence at the very end.
    let d = check(
        "truncated UTF-8",
        vec![("pages/cut.md", b"---\ntitle: x\n---\n\xe7\xb5".to_vec())],
    );
    assert_eq!(errors(&d), ["E002"], "{}", d.render());
}

#[test]
fn valid_utf8_garbage_with_nul_bytes_is_built_or_reported() {
    // Pseudo-random valid UTF-8 (control characters, NULs, CJK, emoji) as the body.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut body = String::new();
    while body.len() < 256 * 1024 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let c = match seed % 6 {
            0 => '\0',
            1 => char::from((seed >> 8) as u8 & 0x7f),
            2 => char::from_u32(0x3000 + (seed >> 8) as u32 % 0x7000).unwrap_or('亜'),
            3 => char::from_u32(0x1F300 + (seed >> 8) as u32 % 0x300).unwrap_or('🙂'),
            4 => ['<', '>', '[', ']', '(', ')', '*', '`', '#', '\n', '|', '&']
                [(seed >> 8) as usize % 12],
            _ => char::from_u32((seed >> 8) as u32 % 0x11_0000).unwrap_or('\u{fffd}'),
        };
        body.push(c);
    }
    let d = check("UTF-8 garbage body", page(&body));
    // Whatever the body says, the page is read: only link errors can come of it.
    assert!(
        errors(&d)
            .iter()
            .all(|c| ["E015", "E017", "E020", "E021"].contains(c)),
        "{}",
        d.render()
    );
    // NULs and garbage in the front matter: built or reported, never a panic.
    let fm = format!(
        "---\ntitle: \0{}\0\n---\n\0\0\0",
        &body[..body.char_indices().nth(200).unwrap().0]
    );
    let d = check(
        "NULs in front matter",
        vec![("pages/nul.md", fm.into_bytes())],
    );
    let _ = errors(&d);
    // A file that is nothing but NULs.
    let d = check("only NULs", vec![("pages/zeros.md", vec![0; 10_000])]);
    assert_eq!(errors(&d), ["E004"], "{}", d.render());
}

// ---------------------------------------------------------------------------------------
// Front matter that is not a mapping, or is one in a hostile way

#[test]
fn front_matter_that_is_a_list_or_a_scalar_is_reported_as_e006() {
    for (what, fm) in [
        ("list", "- title: x\n- b\n"),
        ("flow list", "[a, b]\n"),
        ("scalar", "just some text\n"),
        ("number", "42\n"),
        ("bool", "true\n"),
        ("tagged", "!thing {title: x}\n"),
    ] {
        let d = check(
            what,
            vec![("pages/x.md", format!("---\n{fm}---\n本文\n").into_bytes())],
        );
        assert_eq!(errors(&d), ["E006"], "{what}: {}", d.render());
    }
}

#[test]
fn deeply_nested_front_matter_mapping_is_reported_or_read() {
    // Flow style, 10,000 levels: beyond serde_yaml's recursion limit.
    let fm = format!(
        "title: x\nextra: {}1{}\n",
        "{a: ".repeat(10_000),
        "}".repeat(10_000)
    );
    let d = check(
        "flow mapping 10000 deep",
        vec![("pages/x.md", format!("---\n{fm}---\n").into_bytes())],
    );
    assert_eq!(errors(&d), ["E006"], "{}", d.render());
    let fm = format!(
        "title: x\nextra: {}1{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let d = check(
        "flow list 10000 deep",
        vec![("pages/x.md", format!("---\n{fm}---\n").into_bytes())],
    );
    assert_eq!(errors(&d), ["E006"], "{}", d.render());
    // Block style, 100 levels: within the limit, read; the unknown field is a warning.
    let nested: String = (0..100)
        .map(|n| format!("{}k{n}:\n", "  ".repeat(n)))
        .collect();
    let d = check(
        "block mapping 100 deep",
        vec![(
            "pages/x.md",
            format!("---\ntitle: x\n{nested}---\n").into_bytes(),
        )],
    );
    assert_no_errors(&d);
    // Nested where a string is expected: a type error, not a panic.
    let fm = format!("title: {}1{}\n", "{a: ".repeat(100), "}".repeat(100));
    let d = check(
        "nested title",
        vec![("pages/x.md", format!("---\n{fm}---\n").into_bytes())],
    );
    assert_eq!(errors(&d), ["E008"], "{}", d.render());
}

#[test]
fn front_matter_of_fifty_thousand_open_brackets_is_refused_within_time() {
    // libyaml's scanner walks its whole stack of possible simple keys (one per open flow
    // level) for every token, so deep flow nesting is quadratic *before* serde_yaml's
    // recursion limit (128) can refuse it: 40,000 `[` take 2.9 s and 80,000 take 14 s
    // in a release build. 50 KB of front matter.
    let fm = format!("title: x\nextra: {}\n", "[".repeat(50_000));
    let d = check_within(
        "front matter of 50,000 `[`",
        LINEAR,
        vec![("pages/x.md", format!("---\n{fm}---\n").into_bytes())],
    );
    assert_eq!(errors(&d), ["E006"], "{}", d.render());
}

#[test]
fn billion_laughs_front_matter_is_refused_quickly() {
    // Nine levels of ten aliases each: 10^9 strings if expanded.
    let mut fm =
        String::from("title: x\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for n in 1..=9 {
        let refs = vec![format!("*a{}", n - 1); 10].join(", ");
        fm.push_str(&format!("a{n}: &a{n} [{refs}]\n"));
    }
    let d = check(
        "billion laughs",
        vec![("pages/x.md", format!("---\n{fm}---\n").into_bytes())],
    );
    assert_eq!(errors(&d), ["E006"], "{}", d.render());
    // The same aimed at a field that is read (`tags`), in a schedule too.
    let fm = fm.replace("a9: &a9", "tags: &a9");
    let d = check(
        "billion laughs in tags",
        vec![("pages/x.md", format!("---\n{fm}---\n").into_bytes())],
    );
    assert_eq!(errors(&d), ["E006"], "{}", d.render());
    let yaml = format!(
        "fiscal_year: 2022\n{}events: *a9\n",
        fm.replace("title: x\n", "").replace("tags: &a9", "a9: &a9")
    );
    let d = check(
        "billion laughs in a schedule",
        vec![("schedule/2022.yaml", yaml.into_bytes())],
    );
    assert_eq!(errors(&d), ["E006"], "{}", d.render());
    // A few aliases are fine.
    let d = check(
        "a few aliases",
        vec![(
            "pages/x.md",
            b"---\ntitle: &t x\nsummary: *t\ntags: &l [a, b]\n---\n".to_vec(),
        )],
    );
    assert_no_errors(&d);
}

#[test]
fn merge_keys_and_recursive_aliases_do_not_loop() {
    for (what, fm) in [
        ("merge key", "base: &b {title: x}\n<<: *b\n"),
        (
            "self merge",
            "a: &a {b: 1}\nc: {<<: *a, <<: *a}\ntitle: x\n",
        ),
        ("alias before anchor", "title: *nope\n"),
        ("anchor inside itself", "title: x\na: &a [1, *a]\n"),
    ] {
        let d = check(
            what,
            vec![("pages/x.md", format!("---\n{fm}---\n").into_bytes())],
        );
        let _ = errors(&d);
    }
}

// ---------------------------------------------------------------------------------------
// Schedules

#[test]
fn ten_thousand_character_when_is_reported_with_e012() {
    for (what, when) in [
        ("digits", "1".repeat(10_000)),
        ("dots", ".".repeat(10_000)),
        ("spans", "2022-05 .. ".repeat(1_000)),
        ("words", format!("2022-05 {}", "early ".repeat(1_700))),
        ("kanji", "上".repeat(10_000)),
        (
            "ideographic spaces",
            format!("{}2022-13", "\u{3000}".repeat(3_300)),
        ),
    ] {
        let events = format!("  - when: \"{when}\"\n    title: 長い\n    track: health\n");
        let d = check(what, schedule(&events));
        assert_eq!(errors(&d), ["E012"], "{what}: {}", d.render());
    }
}

#[test]
fn when_with_leading_spaces_before_an_error_underlines_without_panic() {
    // The parser's error offset already counts the leading spaces; counting them twice
    // used to slice inside `é`.
    let d = check(
        "leading spaces, ~, é",
        schedule("  - when: \"   ~aé\"\n    title: x\n    track: health\n"),
    );
    assert_eq!(errors(&d), ["E012"], "{}", d.render());
    // The underline starts at the `~`: line 5, column 15 of `  - when: "   ~aé"`.
    let e = d.iter().find(|d| d.code == "E012").unwrap();
    assert_eq!(
        (e.location.line, e.location.column),
        (5, 15),
        "{}",
        d.render()
    );
}

#[test]
fn schedule_with_ten_thousand_events_is_read_within_time() {
    let event =
        "  - when: 2022-05 early\n    title: 調査の実施\n    track: health\n    kind: survey\n";
    let d = check_within("10000 events", LINEAR, schedule(&event.repeat(10_000)));
    assert_no_errors(&d);
}

#[test]
fn schedule_with_ten_thousand_invalid_dates_reports_each_within_time() {
    let event = "  - when: 2022-13\n    title: 誤り\n    track: health\n";
    let d = check_within(
        "10000 invalid dates",
        LINEAR,
        schedule(&event.repeat(10_000)),
    );
    assert_eq!(d.error_count(), 10_000);
    assert!(errors(&d).iter().all(|&c| c == "E012"), "{}", d.render());
}

#[test]
fn schedule_with_ten_thousand_unknown_tracks_and_surveys_reports_each_within_time() {
    let event = "  - when: 2022-05\n    title: 誤り\n    track: nosuch\n    survey: nosuch\n";
    let d = check_within(
        "10000 unknown tracks and surveys",
        LINEAR,
        schedule(&event.repeat(10_000)),
    );
    assert_eq!(d.error_count(), 20_000);
}

#[test]
fn ten_thousand_contacts_are_read_within_time() {
    let rows: String = (0..10_000)
        .map(|n| {
            format!(
                "  - id: c{n}\n    topic: t\n    office: o\n    section: s\n    extension: \"1\"\n"
            )
        })
        .collect();
    let files = vec![("contacts.yaml", format!("contacts:\n{rows}").into_bytes())];
    let d = check_within("10000 contacts", LINEAR, files);
    assert_no_errors(&d);
    // None of them is named by a page: one W003 each.
    assert_eq!(d.warning_count(), 10_000);
}

#[test]
fn ten_thousand_routes_and_milestones_are_read_within_time() {
    let routes: String = (0..10_000)
        .map(|n| format!("  - path: [本省, 都道府県{n}]\n"))
        .collect();
    let milestones: String = (0..10_000)
        .map(|n| format!("  - {{label: 工程{n}, start: 2022-04}}\n"))
        .collect();
    let files = vec![
        (
            "surveys/s.md",
            format!("---\ntitle: x\ncategory: health\nfrequency: 毎月\nmethods: [mail]\nroutes:\n{routes}---\n")
                .into_bytes(),
        ),
        (
            "roadmap/r.md",
            format!("---\ntitle: x\nprogram: p\nmilestones:\n{milestones}---\n").into_bytes(),
        ),
    ];
    let d = check_within("10000 routes and 10000 milestones", LINEAR, files);
    assert_no_errors(&d);
}

#[test]
fn ten_thousand_entry_lists_in_front_matter_are_read_within_time() {
    let tags: String = (0..10_000).map(|n| format!("  - tag{n}\n")).collect();
    let d = check(
        "10000 tags",
        vec![(
            "pages/x.md",
            format!("---\ntitle: x\ntags:\n{tags}---\n").into_bytes(),
        )],
    );
    assert_no_errors(&d);
    let related: String = (0..10_000).map(|n| format!("  - pages/p{n}\n")).collect();
    let d = check(
        "10000 missing related",
        vec![(
            "pages/x.md",
            format!("---\ntitle: x\nrelated:\n{related}---\n").into_bytes(),
        )],
    );
    assert_eq!(d.error_count(), 10_000);
}

// ---------------------------------------------------------------------------------------
// Code blocks (syntect)

#[test]
fn minified_code_lines_of_a_hundred_kilobytes_are_shown_plain_quickly() {
    // syntect's time grows with the square of a line's length: the JavaScript line took
    // 166 s in a release build, the Markdown one 138 s, the shell one of spaces 73 s.
    for (lang, unit) in [
        ("js", "x.y."),
        ("md", "["),
        ("cpp", "<a "),
        ("sh", " "),
        ("sh", "("),
        ("python", "<a "),
    ] {
        let line = unit.repeat(100_000 / unit.len());
        let what = format!("```{lang} with a 100 KB line of {unit:?}");
        let d = check_within(&what, LINEAR, page(&format!("```{lang}\n{line}\n```\n")));
        assert_no_errors(&d);
    }
    let line = "x.y.".repeat(25_000);
    let html = within_limit("code_block: 100 KB js line", LINEAR, move || {
        highlight::code_block(&format!("{line}\n"), "js").into_html()
    });
    assert!(
        html.starts_with("<pre class=\"code\"><code class=\"language-js\">x.y.x.y."),
        "{}",
        &html[..200]
    );
}

#[test]
fn code_with_ordinary_lines_is_still_highlighted() {
    let html = highlight::code_block("fn main() {}\n", "rust").into_html();
    assert!(html.contains("class=\"hl-"), "{html}");
    // A line of 500 characters is still code.
    let long = format!("let x = \"{}\";\n", "a".repeat(480));
    let html = highlight::code_block(&long, "rust").into_html();
    assert!(html.contains("class=\"hl-"), "{html}");
}

#[test]
fn makefile_block_of_exclamation_marks_is_rendered_within_time() {
    // Short lines on which syntect's Makefile syntax back-tracks: one line of 256 `!`
    // takes 0.27 s in a release build, 512 take 2 s. A hundred such lines (25 KB).
    let block = format!("{}\n", "!".repeat(256)).repeat(100);
    let d = check_within(
        "```make with 100 lines of 256 `!`",
        LINEAR,
        page(&format!("```make\n{block}```\n")),
    );
    assert_no_errors(&d);
    assert!(
        d.iter().any(|d| d.code == "W006"),
        "the editor is told the block is shown plain: {}",
        d.render()
    );
}

// ---------------------------------------------------------------------------------------
// Inputs found by the fuzzer (tests/fuzz, target check_files)
//
// In 33 minutes (209,592 executions in three runs; see tests/fuzz/) the fuzzer found
// no panic and no timeout of 10 s. Each input it finds goes here as a test of its own,
// with the bytes written out, named after the behaviour it checks.
