//! Breaking the repository's own files, in each of the ways an editor can: `check`
//! must name that file and the right line with the right code. The files are edited in
//! memory (`tebiki::check_files`), one breakage at a time.

use std::path::{Path, PathBuf};
use tebiki::diagnostics::Diagnostics;

fn repository_files() -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&root).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// `check_files` on the repository with `file` replaced by `change(text)`.
fn check_with(file: &str, change: impl Fn(&str) -> String) -> Diagnostics {
    let mut files = repository_files();
    let entry = files
        .iter_mut()
        .find(|(p, _)| p == Path::new(file))
        .unwrap_or_else(|| panic!("{file} is not in content/"));
    let text = String::from_utf8(entry.1.clone()).unwrap();
    entry.1 = change(&text).into_bytes();
    tebiki::check_files(files)
}

fn read(file: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("content")
            .join(file),
    )
    .unwrap()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

fn assert_reported(file: &str, code: &str, line: usize, diags: &Diagnostics) {
    let found = diags
        .iter()
        .any(|d| d.code == code && d.location.path == Path::new(file) && d.location.line == line);
    assert!(
        found,
        "expected {code} at {file}:{line}, got:\n{}",
        diags.render()
    );
}

/// One item of each kind, as editors most often touch them.
const ITEMS: [&str; 4] = [
    "surveys/iryo-shisetsu.md",
    "laws/digital-cho-setchi-ho.md",
    "roadmap/card-kenko-hokensho.md",
    "pages/chosahyo-niji-riyo.md",
];

#[test]
fn the_repository_checks_clean_before_anything_is_broken() {
    let diags = tebiki::check_files(repository_files());
    assert!(diags.is_empty(), "{}", diags.render());
}

#[test]
fn yaml_syntax_errors_are_reported_in_every_kind_of_file() {
    for file in ITEMS {
        let diags = check_with(file, |t| t.replacen("title: ", "title: [", 1));
        assert_reported(file, "E006", 3, &diags);
    }
}

#[test]
fn wrong_types_are_reported_at_their_line() {
    for file in ITEMS {
        let diags = check_with(file, |t| t.replacen("---\n", "---\ndraft: maybe\n", 1));
        assert_reported(file, "E008", 2, &diags);
    }
}

#[test]
fn missing_front_matter_and_empty_files_are_reported() {
    for file in ITEMS {
        let diags = check_with(file, |t| t.replacen("---\n", "", 1));
        assert_reported(file, "E004", 1, &diags);
        let diags = check_with(file, |_| String::new());
        assert!(
            diags
                .iter()
                .any(|d| d.code == "E003" && d.location.path == Path::new(file)),
            "{}",
            diags.render()
        );
    }
}

#[test]
fn references_to_missing_ids_are_reported_where_they_are_written() {
    let file = "surveys/iryo-shisetsu.md";
    let text = read(file);
    let diags = check_with(file, |t| {
        t.replacen("  - iryo-shisetsu\n", "  - iryo-shisetsuu\n", 1)
    });
    assert_reported(file, "E017", line_of(&text, "  - iryo-shisetsu"), &diags);
    let diags = check_with(file, |t| {
        t.replacen("category: health", "category: helth", 1)
    });
    assert_reported(file, "E009", line_of(&text, "category: health"), &diags);
}

#[test]
fn broken_body_links_are_reported_at_their_line() {
    let file = "pages/chosahyo-niji-riyo.md";
    let text = read(file);
    let line = line_of(&text, "../laws/tokei-ho.md");
    let diags = check_with(file, |t| {
        t.replacen("../laws/tokei-ho.md", "../laws/tokei-hou.md", 1)
    });
    assert_reported(file, "E017", line, &diags);
}

#[test]
fn schedule_and_contacts_errors_are_reported_at_their_line() {
    let schedule = "schedule/2022.yaml";
    let text = read(schedule);
    let line = line_of(&text, "when: 2022-05 early");
    let diags = check_with(schedule, |t| {
        t.replacen("when: 2022-05 early", "when: 2022-05 erly", 1)
    });
    assert_reported(schedule, "E012", line, &diags);
    let line = line_of(&text, "survey: shakai-fukushi-shisetsu");
    let diags = check_with(schedule, |t| {
        t.replacen(
            "survey: shakai-fukushi-shisetsu",
            "survey: shakai-fukushi",
            1,
        )
    });
    assert_reported(schedule, "E017", line, &diags);

    let contacts = "contacts.yaml";
    let text = read(contacts);
    let line = line_of(&text, "id: yosan");
    let diags = check_with(contacts, |t| t.replacen("id: yosan", "id: Yosan_Kakari", 1));
    assert_reported(contacts, "E013", line, &diags);
}
