//! The CI recipe of docs/ci-gitlab.md and the pre-commit hook of docs/hooks/: the YAML
//! parses, its jobs are wired as the document says, every `tebiki` command it names is
//! accepted by the real argument parser, and the hook refuses a commit with a problem.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn recipe() -> serde_yaml::Value {
    let doc = std::fs::read_to_string(repo().join("docs/ci-gitlab.md")).unwrap();
    let start = doc.find("```yaml\n").expect("a ```yaml block") + "```yaml\n".len();
    let len = doc[start..].find("\n```").expect("the block ends");
    serde_yaml::from_str(&doc[start..start + len]).expect("the recipe is valid YAML")
}

fn lines(job: &serde_yaml::Value, key: &str) -> Vec<String> {
    job[key]
        .as_sequence()
        .map(|s| {
            s.iter()
                .map(|l| l.as_str().expect("script lines are strings").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The arguments of each tebiki invocation in a shell line (`target/release/tebiki …`,
/// `tebiki …` or `cargo run … -- …`), up to the first shell operator.
fn invocations(line: &str) -> Vec<Vec<String>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let start = if words[i] == "tebiki" || words[i].ends_with("/tebiki") {
            Some(i + 1)
        } else if words[i] == "cargo" && words.get(i + 1) == Some(&"run") {
            words[i..]
                .iter()
                .position(|w| *w == "--")
                .map(|p| i + p + 1)
        } else {
            None
        };
        if let Some(s) = start {
            let args: Vec<String> = words[s..]
                .iter()
                .take_while(|w| !matches!(**w, ">" | ">>" | "|" | "||" | "&&" | ";" | "2>&1"))
                .map(|w| w.trim_matches(['"', '\'']).to_string())
                .collect();
            i = s + args.len();
            out.push(args);
        } else {
            i += 1;
        }
    }
    out
}

/// Whether the program's own parser accepts `args` (each argument is validated before
/// the trailing `--help` is reached, so an unknown flag or value fails).
fn accepted(args: &[String]) -> Result<(), String> {
    let out = Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .args(args)
        .arg("--help")
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn the_recipe_parses_and_wires_check_build_and_publish() {
    let y = recipe();
    let check = &y["check"];
    let rules = serde_yaml::to_string(&check["rules"]).unwrap();
    assert!(
        rules.contains("merge_request_event"),
        "check runs on merge requests"
    );
    assert_eq!(check["artifacts"]["when"].as_str(), Some("always"));
    let report = check["artifacts"]["reports"]["codequality"]
        .as_str()
        .expect("a Code Quality artifact");
    assert!(
        lines(check, "script")
            .iter()
            .any(|l| l.contains("--format gitlab") && l.contains(&format!("> {report}"))),
        "the check job writes the report it declares"
    );

    for job in ["build", "publish"] {
        let rules = serde_yaml::to_string(&y[job]["rules"]).unwrap();
        assert!(
            rules.contains("$CI_DEFAULT_BRANCH") && !rules.contains("merge_request_event"),
            "{job} runs on the default branch only"
        );
    }
    assert!(lines(&y["build"], "script")
        .iter()
        .any(|l| l.contains("tebiki build --output public")));
    assert_eq!(
        y["build"]["artifacts"]["paths"][0].as_str(),
        Some("public/")
    );

    // Publish into a new folder, then an atomic switch.
    let publish = lines(&y["publish"], "script").join("\n");
    assert!(publish.contains("rsync") && publish.contains("--delay-updates"));
    assert!(publish.contains("ln -sfn") && publish.contains("mv -T current.new current"));
    let rsync = publish.find("rsync").unwrap();
    assert!(
        publish.find("mv -T").unwrap() > rsync,
        "the switch follows the copy"
    );
}

#[test]
fn every_tebiki_command_of_the_recipe_exists() {
    let y = recipe();
    let mut seen = Vec::new();
    for (name, job) in y.as_mapping().unwrap() {
        for key in ["before_script", "script", "after_script"] {
            for line in lines(job, key) {
                for args in invocations(&line) {
                    accepted(&args).unwrap_or_else(|e| {
                        panic!(
                            "job {name:?} runs `tebiki {}`, which tebiki refuses:\n{e}",
                            args.join(" ")
                        )
                    });
                    seen.push(args.join(" "));
                }
            }
        }
    }
    for wanted in [
        "check --strict --format gitlab",
        "check --strict",
        "build --output public",
    ] {
        assert!(seen.iter().any(|s| s == wanted), "{wanted} not in {seen:?}");
    }
    // The method can fail: a misspelt value or flag is refused.
    for wrong in ["check --format gitlb", "check --stritc", "biuld"] {
        let args: Vec<String> = wrong.split(' ').map(String::from).collect();
        assert!(accepted(&args).is_err(), "{wrong} was accepted");
    }
    // The hook's and the docs' other commands too.
    let hook = std::fs::read_to_string(repo().join("docs/hooks/pre-commit")).unwrap();
    assert!(hook.contains("check --strict --root \"$tmp\""));
    accepted(&[
        "check".into(),
        "--strict".into(),
        "--root".into(),
        "x".into(),
    ])
    .unwrap();
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=編集者",
            "-c",
            "user.email=editor@example.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=.git/hooks",
        ])
        .args(args)
        .env("TEBIKI", env!("CARGO_BIN_EXE_tebiki"))
        .output()
        .expect("git runs")
}

#[test]
fn the_pre_commit_hook_refuses_staged_problems_only() {
    let site = common::Site::copy_of("basic");
    let dir = site.root();
    assert!(git(dir, &["init", "-q"]).status.success());
    assert!(git(dir, &["add", "content"]).status.success());
    assert!(git(dir, &["commit", "-qm", "start"]).status.success());
    let hook = dir.join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::copy(repo().join("docs/hooks/pre-commit"), &hook).unwrap();

    // A staged mistake: refused, with the diagnostic.
    let good = site.read("surveys/chosa-a.md");
    site.write(
        "surveys/chosa-a.md",
        &good.replace("contacts: [kikaku]", "contacts: [kikakuu]"),
    );
    assert!(git(dir, &["add", "content"]).status.success());
    let refused = git(dir, &["commit", "-qm", "typo"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success(),
        "the hook let a broken commit through"
    );
    assert!(
        stderr.contains("error[E017]") && stderr.contains("kikaku"),
        "{stderr}"
    );

    // Fixed (with a real change) and staged: accepted, although the working file is
    // broken again.
    site.write(
        "surveys/chosa-a.md",
        &good.replace("summary: 調査Aの概要。", "summary: 調査Aの概要（改訂）。"),
    );
    assert!(git(dir, &["add", "content"]).status.success());
    site.write("surveys/chosa-a.md", "---\nbroken: [\n");
    let accepted = git(dir, &["commit", "-qm", "fixed"]);
    assert!(
        accepted.status.success(),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );
}
