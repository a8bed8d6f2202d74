//! The command line as editors use it: exit codes, the summary line, and diagnostics
//! printed with file and line.

mod common;

use common::Site;
use std::process::{Command, Output};

fn tebiki(site: &Site, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .args(args)
        .arg("--root")
        .arg(site.root())
        .current_dir(site.root())
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn build_exits_zero_and_prints_a_summary() {
    let site = Site::copy_of("basic");
    let out = tebiki(&site, &["build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("Built 18 pages and copied "), "{stdout}");
    assert!(site.root().join("public/index.html").is_file());
}

#[test]
fn broken_yaml_exits_non_zero_naming_file_and_line() {
    let site = Site::copy_of("basic");
    let law = site
        .read("laws/law-x.md")
        .replace("status: in_force", "status: [in_force");
    site.write("laws/law-x.md", &law);
    let out = tebiki(&site, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error[E006]"), "{stderr}");
    assert!(stderr.contains("--> laws/law-x.md:5:10"), "{stderr}");
    assert!(stderr.contains("1 error(s), 0 warning(s)"), "{stderr}");
    assert!(!site.root().join("public").exists(), "nothing was written");
}

#[test]
fn check_strict_fails_on_warnings_and_plain_check_does_not() {
    let site = Site::copy_of("basic");
    let law = site
        .read("laws/law-x.md")
        .replace("short_title:", "short_titel:");
    site.write("laws/law-x.md", &law);
    let plain = tebiki(&site, &["check"]);
    assert!(plain.status.success(), "{}", text(&plain.stderr));
    assert!(text(&plain.stderr).contains("warning[W001]"));
    let strict = tebiki(&site, &["check", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(!site.root().join("public").exists(), "check writes nothing");
}

#[test]
fn a_bad_today_is_refused_by_the_argument_parser() {
    let site = Site::copy_of("basic");
    let out = tebiki(&site, &["build", "--today", "2022-13-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--today"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn help_and_version_work() {
    let help = Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(text(&help.stdout).contains("build"));
    let version = Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(text(&version.stdout).starts_with("tebiki "));
}

/// A reader that went away (a closed pipe, a full disk) loses the report, but the exit
/// code still tells the outcome, and nothing panics (a panic exits 101).
#[test]
fn a_full_or_closed_output_stream_is_not_a_panic() {
    let site = Site::copy_of("basic");
    let law = site
        .read("laws/law-x.md")
        .replace("status: in_force", "status: [in_force");
    site.write("laws/law-x.md", &law);
    for (args, want_success) in [(&["build"][..], false), (&["new", "law", "x-2"][..], true)] {
        for stream in ["stdout", "stderr"] {
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .expect("/dev/full exists on Linux");
            let mut command = Command::new(env!("CARGO_BIN_EXE_tebiki"));
            command.args(args).arg("--root").arg(site.root());
            if stream == "stdout" {
                command.stdout(full);
            } else {
                command.stderr(full);
            }
            let out = command.output().expect("the binary runs");
            assert_ne!(
                out.status.code(),
                Some(101),
                "{args:?} with a full {stream}"
            );
            assert_eq!(
                out.status.success(),
                want_success,
                "{args:?} with a full {stream}"
            );
            assert!(
                !text(&out.stderr).contains("panicked"),
                "{}",
                text(&out.stderr)
            );
            let _ = std::fs::remove_file(site.root().join("content/laws/x-2.md"));
        }
    }
}
