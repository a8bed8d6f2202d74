//! `tebiki new KIND ID`: the file it writes holds every field of the content model, passes
//! `check --strict` as it stands and builds with `--drafts`; a taken or malformed id is
//! refused with a diagnostic and nothing is written.

mod common;

use common::Site;
use std::process::{Command, Output};

fn tebiki(site: &Site, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .current_dir(site.root())
        .args(args)
        .output()
        .expect("tebiki runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every field of docs/content-model.md, per kind (common fields first).
fn fields(kind: &str) -> Vec<&'static str> {
    let mut all = vec![
        "title", "summary", "draft", "updated", "tags", "contacts", "related", "source",
    ];
    all.extend(match kind {
        "survey" => vec![
            "category",
            "frequency",
            "methods",
            "routes",
            "local_government",
            "uses",
            "laws",
            "roadmap",
        ],
        "law" => vec!["short_title", "status", "effective", "amends"],
        "roadmap" => vec![
            "program",
            "number",
            "milestones",
            "laws",
            // The milestone fields.
            "label",
            "start",
            "end",
            "state",
            "basis",
            "note",
        ],
        _ => vec!["weight"],
    });
    all
}

#[test]
fn each_kind_starts_as_a_valid_draft_with_every_field() {
    let site = Site::copy_of("basic");
    for (kind, dir) in [
        ("survey", "surveys"),
        ("law", "laws"),
        ("roadmap", "roadmap"),
        ("page", "pages"),
    ] {
        let id = format!("atarashii-{kind}");
        let out = tebiki(&site, &["new", kind, &id]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let rel = format!("{dir}/{id}.md");
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains(&format!("content/{rel}")),
            "prints the path: {stdout}"
        );
        assert!(stdout.contains("check"), "prints the next step: {stdout}");
        let file = site.read(&rel);
        for field in fields(kind) {
            assert!(
                file.lines().any(|l| l
                    .trim_start_matches(['#', ' ', '-', '{'])
                    .starts_with(&format!("{field}:"))
                    || l.contains(&format!(" {field}: "))
                    || l.contains(&format!("{{{field}: "))),
                "{rel} lacks the field `{field}`:\n{file}"
            );
        }
        assert!(file.contains("draft: true"));
        assert!(file.contains("（必須）"), "commented in Japanese");
    }

    let strict = tebiki(&site, &["check", "--strict"]);
    assert!(
        strict.status.success(),
        "check --strict refuses a new file: {}",
        text(&strict.stderr)
    );
    let preview = tebiki(&site, &["build", "--drafts", "--output", "preview"]);
    assert!(preview.status.success(), "{}", text(&preview.stderr));
    let published = tebiki(&site, &["build"]);
    assert!(published.status.success(), "{}", text(&published.stderr));
    for dir in ["surveys", "laws", "roadmap", "pages"] {
        let kind = match dir {
            "surveys" => "survey",
            "laws" => "law",
            _ => dir.trim_end_matches('s'),
        };
        let page = format!("{dir}/atarashii-{kind}/index.html");
        let html = std::fs::read_to_string(site.root().join("preview").join(&page))
            .unwrap_or_else(|e| panic!("--drafts did not publish {page}: {e}"));
        assert!(html.contains("draft-banner"), "{page} is marked as a draft");
        assert!(
            !site.output().join(&page).exists(),
            "a plain build must not publish the draft {page}"
        );
    }
}

#[test]
fn a_given_title_is_the_page_title_whatever_it_holds() {
    let site = Site::copy_of("basic");
    let title = "患者調査: \"速報\" #1";
    let out = tebiki(&site, &["new", "survey", "kanja-chosa", "--title", title]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let build = tebiki(&site, &["build", "--drafts"]);
    assert!(build.status.success(), "{}", text(&build.stderr));
    let html = site.page("surveys/kanja-chosa/index.html");
    assert!(
        html.contains("<h1 data-search>患者調査: &quot;速報&quot; #1</h1>"),
        "{html}"
    );
}

#[test]
fn a_taken_id_is_refused_and_the_file_left_alone() {
    let site = Site::copy_of("basic");
    let before = site.read("surveys/chosa-a.md");
    let out = tebiki(&site, &["new", "survey", "chosa-a"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error[E014]"), "{stderr}");
    assert!(stderr.contains("--> surveys/chosa-a.md"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
    assert_eq!(site.read("surveys/chosa-a.md"), before);

    // Free pages may live in subfolders; their ids are unique all the same.
    let out = tebiki(&site, &["new", "page", "guide-1"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("pages/guide/guide-1.md"), "{stderr}");
    // The file that has the id is pointed at, not only named.
    assert!(stderr.contains("::: pages/guide/guide-1.md"), "{stderr}");
    assert!(!site.root().join("content/pages/guide-1.md").exists());
}

#[test]
fn an_id_breaking_the_rule_is_refused_with_a_suggestion() {
    let site = Site::copy_of("basic");
    for (bad, suggestion) in [("Kanja_Chosa", "kanja-chosa"), ("患者調査", "")] {
        let out = tebiki(&site, &["new", "law", bad]);
        assert!(!out.status.success());
        let stderr = text(&out.stderr);
        assert!(stderr.contains("error[E013]"), "{stderr}");
        assert!(stderr.contains(&format!("--> laws/{bad}.md")), "{stderr}");
        assert!(stderr.contains(suggestion), "{stderr}");
        assert!(!site.root().join(format!("content/laws/{bad}.md")).exists());
    }
    // Path tricks are not ids either.
    let out = tebiki(&site, &["new", "page", "../escape"]);
    assert!(!out.status.success());
    assert!(!site.root().join("content/escape.md").exists());
}

#[test]
fn without_a_content_folder_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .current_dir(dir.path())
        .args(["new", "survey", "kanja-chosa"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("error[E001]"));
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn placeholders_left_in_a_published_item_are_pointed_out() {
    let site = Site::copy_of("basic");
    assert!(tebiki(&site, &["new", "survey", "kanja-chosa"])
        .status
        .success());
    let rel = "surveys/kanja-chosa.md";
    let draft = site.read(rel);
    site.write(rel, &draft.replace("draft: true", "draft: false"));
    let out = tebiki(&site, &["check", "--strict"]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("warning[W010]"), "{stderr}");
    assert!(stderr.contains("--> surveys/kanja-chosa.md:"), "{stderr}");

    // Every value filled in: nothing left to say.
    let filled: String = draft
        .replace("draft: true", "draft: false")
        .lines()
        .map(|l| match l.split_once(": \"（未記入：") {
            Some((key, _)) if !l.starts_with('#') => format!("{key}: 書いた値"),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    site.write(rel, &filled);
    let out = tebiki(&site, &["check", "--strict"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
