//! Build progress is shown when stderr is a terminal and not otherwise: the build runs
//! once under a pseudo-terminal (util-linux `script`, part of every Debian system) and
//! once with its output piped, as in CI logs.

mod common;

use common::Site;
use std::process::Command;

#[test]
fn a_terminal_sees_progress_and_a_pipe_sees_none() {
    let site = Site::copy_of("basic");
    let cmd = format!(
        "'{}' build --root '{}' --output '{}'",
        env!("CARGO_BIN_EXE_tebiki"),
        site.root().display(),
        site.output().display()
    );
    let tty = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .output()
        .expect("util-linux `script` runs");
    let shown = String::from_utf8_lossy(&tty.stdout);
    assert!(tty.status.success(), "{shown}");
    assert!(shown.contains("Writing pages: 0 of 18"), "{shown:?}");
    // The progress line is cleared before the summary.
    let cleared = shown.find("\r\x1b[2K").expect("the line is cleared");
    assert!(shown[cleared..].contains("Built 18 pages"), "{shown:?}");

    let piped = Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(site.output())
        .output()
        .unwrap();
    assert!(piped.status.success());
    assert!(
        piped.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&piped.stderr)
    );
    let stdout = String::from_utf8_lossy(&piped.stdout);
    assert!(
        stdout.starts_with("Built 18 pages") && !stdout.contains('\r'),
        "{stdout:?}"
    );
}
