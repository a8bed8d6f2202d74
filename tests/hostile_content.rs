//! Content written by an unlucky or hostile committer (issue 10, items 5–9): symbolic
//! links out of content/, two sources for one output path, names in two Unicode forms,
//! what only rendering finds, contact persons' names in a public build, and the smaller
//! traps (numbers that wrap, unclosed raw HTML, spreadsheet formulas, terminal escapes).
//! Each case runs the real binary on a fixture site in a temporary folder and checks
//! the diagnostic (file and line) and that nothing was written.

mod common;

use common::{read_tree, Site};
use std::path::Path;
use std::process::{Command, Output};

fn run(site: &Site, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .args(args)
        .arg("--root")
        .arg(site.root())
        .current_dir(site.root())
        .output()
        .expect("the binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Both commands refuse the site; `build` writes nothing, not even the output folder.
fn refused(site: &Site, extra: &[&str]) -> String {
    let check = run(site, &[&["check"], extra].concat());
    assert_eq!(
        check.status.code(),
        Some(1),
        "check passed:\n{}",
        stderr(&check)
    );
    let build = run(site, &[&["build"], extra].concat());
    assert_eq!(
        build.status.code(),
        Some(1),
        "build passed:\n{}",
        stderr(&build)
    );
    assert!(
        !site.output().exists(),
        "a refused build wrote {:?}",
        site.output()
    );
    let text = stderr(&build);
    // check names every problem build names (build adds only its closing line).
    for line in text.lines().filter(|l| l.starts_with("error[")) {
        assert!(stderr(&check).contains(line), "check missed {line}");
    }
    text
}

/// The diagnostic block (header to hint) that starts with `header` and points at `at`.
fn block<'a>(text: &'a str, code: &str, at: &str) -> &'a str {
    text.split("\n\n")
        .find(|b| b.starts_with(&format!("error[{code}]")) && b.contains(&format!("--> {at}")))
        .unwrap_or_else(|| panic!("no {code} at {at} in:\n{text}"))
}

/// `rel:LINE:` for the first line of the content file `rel` that contains `needle`.
fn at(site: &Site, rel: &str, needle: &str) -> String {
    let text = site.read(rel);
    let line = text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{rel} has no {needle:?}"));
    format!("{rel}:{}:", line + 1)
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let text = site.read(rel);
    assert!(text.contains(from), "{rel} has no {from:?}");
    site.write(rel, &text.replacen(from, to, 1));
}

#[test]
fn symbolic_links_out_of_content_are_refused_naming_link_and_target() {
    let site = Site::copy_of("basic");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0").unwrap();
    std::fs::create_dir(outside.path().join("ssl")).unwrap();
    std::fs::write(outside.path().join("ssl/key.pem"), "secret").unwrap();
    let content = site.root().join("content");
    std::os::unix::fs::symlink(outside.path().join("passwd"), content.join("passwd.txt")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("ssl"), content.join("images/ssl")).unwrap();
    let text = refused(&site, &[]);
    let file = block(&text, "E050", "passwd.txt");
    assert!(
        file.contains(&outside.path().join("passwd").display().to_string()),
        "{file}"
    );
    let dir = block(&text, "E050", "images/ssl");
    assert!(
        dir.contains(&outside.path().join("ssl").display().to_string()),
        "{dir}"
    );
    assert!(
        !text.contains("key.pem"),
        "the linked folder was entered:\n{text}"
    );
}

#[test]
fn symbolic_links_inside_content_are_followed() {
    let site = Site::copy_of("basic");
    let images = site.root().join("content/images");
    std::os::unix::fs::symlink("route.png", images.join("alias.png")).unwrap();
    std::os::unix::fs::symlink("../images", site.root().join("content/laws/pictures")).unwrap();
    let out = run(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let original = std::fs::read(images.join("route.png")).unwrap();
    assert_eq!(
        std::fs::read(site.output().join("images/alias.png")).unwrap(),
        original
    );
    assert_eq!(
        std::fs::read(site.output().join("laws/pictures/route.png")).unwrap(),
        original
    );
}

#[test]
fn loops_and_dangling_links_are_told_apart() {
    let site = Site::copy_of("basic");
    let content = site.root().join("content");
    std::os::unix::fs::symlink("..", content.join("images/up")).unwrap();
    std::os::unix::fs::symlink("nowhere.png", content.join("images/gone.png")).unwrap();
    let text = refused(&site, &[]);
    let looped = block(&text, "E016", "images/up");
    assert!(looped.contains("loop"), "{looped}");
    let dangling = block(&text, "E016", "images/gone.png");
    assert!(
        dangling.contains("nowhere.png, which does not exist"),
        "{dangling}"
    );
    assert!(
        !dangling.contains("loop"),
        "a dangling link is no loop: {dangling}"
    );
}

#[test]
fn a_path_too_long_to_read_gets_a_hint_about_length_not_loops() {
    let site = Site::copy_of("basic");
    // 18 folders of 250 bytes: each name is allowed, the whole path (4.5 KB) is not.
    // The shell's mkdir and cd work one component at a time.
    let made = Command::new("bash")
        .arg("-c")
        .arg("d=$(printf 'd%.0s' $(seq 250)); for i in $(seq 18); do mkdir \"$d\" && cd \"$d\" || exit 1; done; echo x > f.png")
        .current_dir(site.root().join("content/images"))
        .status()
        .unwrap();
    assert!(made.success());
    let text = refused(&site, &[]);
    let b = block(&text, "E016", "images/ddd");
    assert!(b.contains("too long"), "{b}");
    assert!(!b.contains("loop"), "{b}");
}

#[test]
fn two_sources_for_one_output_path_are_refused_naming_both_every_time() {
    let site = Site::copy_of("basic");
    edit(
        &site,
        "surveys/chosa-a.md",
        "tags: [人口, 医療]",
        "tags: [人口, 医療, ABC, a.b]",
    );
    edit(
        &site,
        "laws/law-x.md",
        "tags: [法律]",
        "tags: [法律, abc, a-b]",
    );
    site.write("index.html", "<p>not the home page</p>");
    site.write("surveys/chosa-a/index.html", "<p>not the survey</p>");
    let schedule = site.read("schedule/2022.yaml");
    site.write("schedule/2022-copy.yaml", &schedule);
    let first = refused(&site, &[]);
    let (law_tags, survey_tags) = (
        at(&site, "laws/law-x.md", "tags:"),
        at(&site, "surveys/chosa-a.md", "tags:"),
    );
    let tag = block(&first, "E051", &law_tags);
    assert!(
        tag.contains("`ABC`") && tag.contains(survey_tags.trim_end_matches(':')),
        "{tag}"
    );
    let punct = block(&first, "E051", &survey_tags);
    assert!(
        punct.contains("`a.b`") && punct.contains("`a-b`"),
        "{punct}"
    );
    assert!(punct.contains(law_tags.trim_end_matches(':')), "{punct}");
    let home = block(&first, "E051", "index.html\n");
    assert!(home.contains("the home page"), "{home}");
    let page = block(&first, "E051", "surveys/chosa-a/index.html");
    assert!(page.contains("surveys/chosa-a.md"), "{page}");
    let year = block(&first, "E051", "schedule/2022.yaml:1:1");
    assert!(year.contains("schedule/2022-copy.yaml"), "{year}");
    assert_eq!(first.matches("error[E051]").count(), 5, "{first}");
    // The same refusal, word for word, on a second run.
    assert_eq!(refused(&site, &[]), first);
}

#[test]
fn builds_are_deterministic_once_names_no_longer_collide() {
    let site = Site::copy_of("basic");
    edit(
        &site,
        "surveys/chosa-a.md",
        "tags: [人口, 医療]",
        "tags: [人口, 医療, ABC, a.b]",
    );
    edit(
        &site,
        "laws/law-x.md",
        "tags: [法律]",
        "tags: [法律, ABC, a.b]",
    );
    let build = || {
        let out = run(&site, &["build"]);
        assert!(out.status.success(), "{}", stderr(&out));
        read_tree(&site.output())
    };
    let first = build();
    assert!(first.contains_key(Path::new("tags/abc/index.html")));
    assert_eq!(build(), first);
}

#[test]
fn names_are_compared_in_nfc() {
    let site = Site::copy_of("basic");
    let content = site.root().join("content");
    // Named decomposed on disk (as macOS writes it), linked composed in the body.
    std::fs::copy(
        content.join("images/route.png"),
        content.join("images/か\u{3099}.png"),
    )
    .unwrap();
    edit(
        &site,
        "surveys/chosa-a.md",
        "![図](../images/route.png)",
        "![図](../images/route.png) ![が](../images/が.png)",
    );
    edit(
        &site,
        "surveys/chosa-a.md",
        "tags: [人口, 医療]",
        "tags: [人口, 医療, \"が\"]",
    );
    edit(
        &site,
        "laws/law-x.md",
        "tags: [法律]",
        "tags: [法律, \"か\u{3099}\"]",
    );
    let out = run(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.output().join("images/が.png").is_file());
    let tags: Vec<_> = std::fs::read_dir(site.output().join("tags"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains('が') || n.contains('か'))
        .collect();
    assert_eq!(tags, ["が"], "one tag page for both forms");
    let page = site.page("tags/が/index.html");
    assert!(page.contains("chosa-a") && page.contains("law-x"), "{page}");
    // Both forms of one name in content/ would be one published file.
    std::fs::copy(
        content.join("images/route.png"),
        content.join("images/が.png"),
    )
    .unwrap();
    std::fs::remove_dir_all(site.output()).unwrap();
    let text = refused(&site, &[]);
    assert!(
        text.contains("error[E051]") && text.contains("NFD"),
        "{text}"
    );
}

#[test]
fn check_finds_what_only_writing_or_rendering_would_find() {
    use std::os::unix::ffi::OsStrExt;
    let site = Site::copy_of("basic");
    let content = site.root().join("content");
    let latin1 = std::ffi::OsStr::from_bytes(b"images/caf\xe9.png");
    std::fs::write(content.join(latin1), b"x").unwrap();
    let kanji = "漢".repeat(100);
    edit(
        &site,
        "surveys/chosa-a.md",
        "tags: [人口, 医療]",
        &format!("tags: [人口, 医療, {kanji}]"),
    );
    let templates = site.root().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("tag.html"), "{{ no_such_variable.field }}").unwrap();
    let text = refused(&site, &[]);
    let name = block(&text, "E053", "images/caf");
    assert!(name.contains("UTF-8"), "{name}");
    let long = block(&text, "E052", &at(&site, "surveys/chosa-a.md", "tags:"));
    assert!(long.contains("300 bytes"), "{long}");
    assert!(
        text.contains("error[E031]") && text.contains("tag.html"),
        "{text}"
    );
}

#[test]
fn a_public_build_naming_a_contact_person_fails_naming_each_place() {
    let site = Site::copy_of("basic");
    // 山田 花子 and 鈴木 一郎 are the persons of the fixture's contacts.yaml.
    edit(
        &site,
        "surveys/chosa-a.md",
        "title: 調査A",
        "title: 調査A（山田花子）",
    );
    edit(
        &site,
        "surveys/chosa-a.md",
        "tags: [人口, 医療]",
        "tags: [人口, 医療, 鈴木一郎]",
    );
    edit(&site, "surveys/chosa-a.md", "![図]", "![山田 花子の図]");
    edit(
        &site,
        "laws/law-x.md",
        "法律の目的。",
        "法律の目的。担当は山田　花子。",
    );
    edit(
        &site,
        "schedule/2022.yaml",
        "テスト用の注。",
        "問合せは鈴木 一郎まで。",
    );
    edit(
        &site,
        "contacts.yaml",
        "section: 法令係",
        "section: 法令係（鈴木一郎）",
    );
    let content = site.root().join("content");
    std::fs::copy(
        content.join("images/route.png"),
        content.join("images/ﾔﾏﾀﾞ.png"),
    )
    .unwrap();
    edit(
        &site,
        "contacts.yaml",
        "person: 山田 花子",
        "person: 山田 花子\n    # 読み: ヤマダ",
    );
    let intranet = run(&site, &["build"]);
    assert!(intranet.status.success(), "{}", stderr(&intranet));
    std::fs::remove_dir_all(site.output()).unwrap();

    let text = refused(&site, &["--profile", "public"]);
    let places = [
        (at(&site, "surveys/chosa-a.md", "title:"), "山田 花子"),
        (at(&site, "surveys/chosa-a.md", "tags:"), "鈴木 一郎"),
        (at(&site, "surveys/chosa-a.md", "![山田"), "山田 花子"),
        (at(&site, "laws/law-x.md", "担当は"), "山田 花子"),
        (at(&site, "schedule/2022.yaml", "問合せ"), "鈴木 一郎"),
        (at(&site, "contacts.yaml", "section: 法令係"), "鈴木 一郎"),
    ];
    for (place, person) in &places {
        let b = block(&text, "E054", place);
        assert!(b.contains(&format!("`{person}`")), "{b}");
    }
    // Not a leak: the person fields themselves, and a YAML comment nobody publishes.
    assert_eq!(text.matches("error[E054]").count(), places.len(), "{text}");
    let person_line = at(&site, "contacts.yaml", "person: 山田");
    assert!(!text.contains(&format!("--> {person_line}")), "{text}");
}

#[test]
fn a_public_build_catches_names_in_file_names_and_other_unicode_forms() {
    let site = Site::copy_of("basic");
    let content = site.root().join("content");
    std::fs::copy(
        content.join("images/route.png"),
        content.join("images/山田花子.png"),
    )
    .unwrap();
    edit(
        &site,
        "contacts.yaml",
        "person: 鈴木 一郎",
        "person: ｽｽﾞｷ ｲﾁﾛｳ",
    );
    edit(
        &site,
        "laws/law-x.md",
        "法律の目的。",
        "法律の目的。スズキイチロウ。",
    );
    let text = refused(&site, &["--profile", "public"]);
    let asset = block(&text, "E054", "images/山田花子.png");
    assert!(asset.contains("images/山田花子.png"), "{asset}");
    let body = block(&text, "E054", "laws/law-x.md:");
    assert!(body.contains("ｽｽﾞｷ ｲﾁﾛｳ"), "{body}");
}

#[test]
fn the_repository_builds_in_both_profiles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for profile in [tebiki::BuildProfile::Intranet, tebiki::BuildProfile::Public] {
        let mut options = tebiki::Options::new(root);
        options.profile = profile;
        if let Err(d) = tebiki::check(&options) {
            panic!("{profile:?}:\n{}", d.render());
        }
    }
}

#[test]
fn a_fiscal_year_that_does_not_fit_is_refused_not_wrapped() {
    let site = Site::copy_of("basic");
    edit(
        &site,
        "schedule/2022.yaml",
        "fiscal_year: 2022",
        "fiscal_year: 4294967296",
    );
    let text = refused(&site, &[]);
    let b = block(&text, "E055", "schedule/2022.yaml:1:14");
    assert!(b.contains("4294967296"), "{b}");
}

/// The `href` of the link whose text is `text` on `page`.
fn href_of<'a>(page: &'a str, text: &str) -> &'a str {
    let end = page
        .find(&format!("\">{text}</a>"))
        .unwrap_or_else(|| panic!("no link {text} in {page}"));
    let start = page[..end].rfind("href=\"").expect("an href") + "href=\"".len();
    &page[start..end]
}

#[test]
fn raw_html_links_to_content_files_go_to_their_pages_like_markdown_links() {
    let site = Site::copy_of("basic");
    edit(
        &site,
        "laws/law-x.md",
        "法律の目的。",
        "法律の目的。<a href=\"../surveys/chosa-a.md\">生の調査</a>、\
         [書いた調査](../surveys/chosa-a.md)、<a href=\"#目的\">生の見出し</a>。\n\n\
         <div>\n<a href=\"../laws/law-x.md\">ブロックの法律</a>\n</div>\n\n\
         <img src=\"../surveys/chosa-a.md\" alt=\"画像\">",
    );
    let out = run(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = site.page("laws/law-x/index.html");
    let markdown = href_of(&page, "書いた調査");
    assert!(!markdown.contains(".md"), "{markdown}");
    assert_eq!(href_of(&page, "生の調査"), markdown);
    assert_eq!(href_of(&page, "生の見出し"), "#目的");
    assert!(!href_of(&page, "ブロックの法律").contains(".md"), "{page}");
    assert!(page.contains(&format!("<img src=\"{markdown}\"")), "{page}");
    assert!(
        !page.contains(".md\""),
        "a .md link reached the page:\n{page}"
    );
}

#[test]
fn a_raw_html_link_to_a_missing_file_is_refused_like_a_markdown_link() {
    let broken = |link: &str| {
        let site = Site::copy_of("basic");
        edit(
            &site,
            "laws/law-x.md",
            "法律の目的。",
            &format!("法律の目的。{link}"),
        );
        let text = refused(&site, &[]);
        let line = at(&site, "laws/law-x.md", "法律の目的。");
        let block = block(&text, "E017", &line).to_string();
        block.lines().next().unwrap_or_default().to_string()
    };
    let raw = broken("<a href=\"../laws/missing.md\">無い</a>");
    let markdown = broken("[無い](../laws/missing.md)");
    assert_eq!(raw, markdown);
    assert!(raw.contains("laws/missing.md"), "{raw}");
    // Column: the link's target itself, after `法律の目的。<a href="`.
    let site = Site::copy_of("basic");
    edit(
        &site,
        "laws/law-x.md",
        "法律の目的。",
        "法律の目的。<a href=\"../laws/missing.md\">無い</a>",
    );
    let text = refused(&site, &[]);
    let line = at(&site, "laws/law-x.md", "法律の目的。");
    block(&text, "E017", &format!("{line}16"));
}

#[test]
fn an_unclosed_raw_link_ends_with_its_paragraph() {
    let site = Site::copy_of("basic");
    edit(
        &site,
        "laws/law-x.md",
        "法律の目的。",
        "法律の目的。<a href=\"https://example.org/\">開いたまま\n\n次の段落。\n\n<div><em>ブロック\n\n最後。",
    );
    let out = run(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let warnings = stderr(&out);
    assert!(
        warnings.contains("warning[W009]: `<a>` is never closed"),
        "{warnings}"
    );
    let line = at(&site, "laws/law-x.md", "開いたまま");
    assert!(warnings.contains(&format!("--> {line}7\n")), "{warnings}");
    let page = site.page("laws/law-x/index.html");
    let link = page
        .find("<a href=\"https://example.org/\">")
        .expect("the link");
    let after = &page[link..];
    assert!(after.find("</a>") < after.find("</p>"), "{after}");
    // The block's emphasis ends with the block; its <div> with the body.
    assert!(page.contains("<em>ブロック\n</em>"), "{page}");
    assert_eq!(
        page.matches("<div").count(),
        page.matches("</div>").count(),
        "{page}"
    );
    assert_eq!(page.matches("https://example.org/").count(), 1, "{page}");
}

#[test]
fn spreadsheet_formulas_in_the_contact_csv_are_neutralised() {
    let site = Site::copy_of("basic");
    edit(
        &site,
        "contacts.yaml",
        "topic: 調査A",
        "topic: \"=HYPERLINK(\\\"http://x\\\")\"",
    );
    edit(
        &site,
        "contacts.yaml",
        "section: 企画係",
        "section: \"@SUM(A1)\"",
    );
    edit(
        &site,
        "contacts.yaml",
        "extension: \"1234\"",
        "extension: \"-1+2\"",
    );
    let out = run(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv =
        String::from_utf8(std::fs::read(site.output().join("contacts/contacts.csv")).unwrap())
            .unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
    assert!(csv.contains("\"'@SUM(A1)\""), "{csv}");
    assert!(csv.contains("\"'-1+2\""), "{csv}");
}

#[test]
fn terminal_escapes_from_content_are_shown_escaped() {
    let site = Site::copy_of("basic");
    edit(
        &site,
        "surveys/chosa-a.md",
        "調査の内容です。",
        "調査の内容です。\u{1b}[2J\u{1b}]0;owned\u{7}[x](nope.md)",
    );
    let out = run(&site, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(!text.contains(['\u{1b}', '\u{7}']), "{text:?}");
    assert!(text.contains("\\u{1b}[2J\\u{1b}]0;owned\\u{7}"), "{text}");
}

#[test]
fn every_code_the_program_emits_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("docs/diagnostics.md")).unwrap();
    let mut missing = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(root.join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (i, _) in text.match_indices("\"E0").chain(text.match_indices("\"W0")) {
            let code = &text[i + 1..(i + 5).min(text.len())];
            let well_formed =
                code[1..].bytes().all(|b| b.is_ascii_digit()) && text[i + 5..].starts_with('"');
            if well_formed {
                seen.insert(code.to_string());
            }
            if well_formed && !docs.contains(&format!("| {code} |")) {
                missing.push(format!("{code} ({})", entry.path().display()));
            }
        }
    }
    assert!(
        seen.contains("E054") && seen.contains("W009"),
        "the scan saw {seen:?}"
    );
    assert!(
        missing.is_empty(),
        "not in docs/diagnostics.md: {missing:?}"
    );
}
