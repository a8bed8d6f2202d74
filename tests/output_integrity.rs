//! The output under pressure, with real processes of the built binary: builds running at
//! once into one output, builds killed or interrupted at random moments, leftovers of
//! earlier builds, an old output that cannot be deleted, and outputs that must be refused.

#![cfg(unix)]

mod common;

use common::{copy_tree, read_tree};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

type Tree = BTreeMap<PathBuf, Vec<u8>>;

fn tebiki() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tebiki"))
}

fn build(root: &Path, output: &Path) -> Output {
    tebiki()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .output()
        .expect("the binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_built(out: &Output) {
    assert!(out.status.success(), "{}", stderr(out));
}

/// A temporary folder in memory where there is one: deleting a site from a disk
/// filesystem can take longer than building it, which only slows the loops down.
fn fast_tempdir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    tempfile::tempdir_in(shm)
        .or_else(|_| tempfile::tempdir())
        .unwrap()
}

/// The names of everything in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The paths that are missing, extra or different in `got`, for a failure message.
fn differences(got: &Tree, want: &Tree) -> String {
    let mut out = Vec::new();
    for (path, bytes) in want {
        match got.get(path) {
            None => out.push(format!("missing {}", path.display())),
            Some(b) if b != bytes => out.push(format!(
                "different {} ({} bytes, expected {})",
                path.display(),
                b.len(),
                bytes.len()
            )),
            Some(_) => {}
        }
    }
    out.extend(
        got.keys()
            .filter(|p| !want.contains_key(*p))
            .map(|p| format!("extra {}", p.display())),
    );
    out.join("; ")
}

/// The basic fixture with `extra` more pages, so that a build takes long enough for a
/// kill to land while it writes; `revision` changes every extra page's text.
fn site(dir: &Path, extra: usize, revision: u32) -> PathBuf {
    let root = dir.join(format!("site-{extra}-{revision}"));
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
        &root,
    );
    for i in 0..extra {
        let text = format!(
            "---\ntitle: ページ{i}\n---\n\n## 見出し\n\n版{revision}の本文{i}。[ガイド](guide/guide-1.md)\n\n```rust\nfn main() {{ let x = {i}; }}\n```\n"
        );
        std::fs::write(root.join(format!("content/pages/p{i}.md")), text).unwrap();
    }
    root
}

/// A clean build of `root` into a folder of its own, as the reference to compare with.
fn reference(root: &Path, dir: &Path) -> (Tree, Duration) {
    let output = dir.join("ref").join(root.file_name().unwrap());
    let start = Instant::now();
    assert_built(&build(root, &output));
    (read_tree(&output), start.elapsed())
}

/// splitmix64, seeded from the clock unless `TEBIKI_TEST_SEED` is set; the seed is
/// printed so that a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn seeded(test: &str) -> Rng {
        let seed = std::env::var("TEBIKI_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        println!("{test}: random seed {seed} (set TEBIKI_TEST_SEED={seed} to repeat)");
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, limit: Duration) -> Duration {
        let micros = limit.as_micros().max(1) as u64;
        Duration::from_micros(self.next() % micros)
    }
}

/// Whether `unshare` can give each build a PID namespace of its own here (it needs root
/// or unprivileged user namespaces); the reason when it cannot.
fn unshare_works() -> Result<(), String> {
    match Command::new("unshare")
        .args(["-pf", "--mount-proc", "true"])
        .stderr(Stdio::piped())
        .output()
    {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!("unshare -pf failed: {}", stderr(&out).trim())),
        Err(e) => Err(format!("unshare cannot run: {e}")),
    }
}

fn is_locked_error(out: &Output) -> bool {
    let text = stderr(out);
    out.status.code() == Some(1)
        && text.contains("error[E042]: the output is being written by another build")
}

#[test]
fn concurrent_builds_have_one_writer_and_publish_a_whole_site() {
    let dir = fast_tempdir();
    let root = site(dir.path(), 0, 0);
    let (expected, _) = reference(&root, dir.path());
    let parent = dir.path().join("shared");
    let output = parent.join("public");
    let namespaces = unshare_works();
    match &namespaces {
        Ok(()) => println!("each build runs as pid 1 of its own PID namespace"),
        Err(reason) => println!("builds share this PID namespace: {reason}"),
    }
    let (mut built, mut refused) = (0, 0);
    for round in 0..20 {
        let children: Vec<Child> = (0..6)
            .map(|_| {
                let mut command = if namespaces.is_ok() {
                    let mut c = Command::new("unshare");
                    c.args(["-pf", "--mount-proc", env!("CARGO_BIN_EXE_tebiki")]);
                    c
                } else {
                    tebiki()
                };
                command
                    .arg("build")
                    .arg("--root")
                    .arg(&root)
                    .arg("--output")
                    .arg(&output)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut built_now = 0;
        for child in children {
            let out = child.wait_with_output().unwrap();
            if out.status.success() {
                built_now += 1;
            } else {
                assert!(
                    is_locked_error(&out),
                    "round {round}: a build failed otherwise than locked out: {:?}\n{}",
                    out.status,
                    stderr(&out)
                );
                refused += 1;
            }
        }
        assert!(built_now > 0, "round {round}: some build must get through");
        built += built_now;
        let published = read_tree(&output);
        assert!(
            published == expected,
            "round {round}: public/ differs from a clean build: {}",
            differences(&published, &expected)
        );
        assert_eq!(names(&parent), ["public"], "round {round}: leftovers");
    }
    println!("120 builds: {built} published, {refused} stopped by the lock");
}

#[test]
fn a_build_stops_while_another_holds_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = site(dir.path(), 0, 0);
    let output = dir.path().join("out/public");
    assert_built(&build(&root, &output));
    let before = read_tree(&output);
    // The lock a running build holds, taken by this test instead.
    let lock = std::fs::File::create(dir.path().join("out/.public.lock")).unwrap();
    lock.try_lock().unwrap();
    let out = build(&root, &output);
    assert!(is_locked_error(&out), "{:?}\n{}", out.status, stderr(&out));
    assert!(stderr(&out).contains(".public.lock"), "{}", stderr(&out));
    assert!(read_tree(&output) == before);
    assert_eq!(names(&dir.path().join("out")), [".public.lock", "public"]);
    drop(lock);
    assert_built(&build(&root, &output));
    assert_eq!(names(&dir.path().join("out")), ["public"]);
}

#[test]
fn killed_builds_leave_the_old_or_the_new_site_and_the_next_build_no_leftovers() {
    let mut rng = Rng::seeded("kill -9");
    let dir = fast_tempdir();
    let roots = [site(dir.path(), 200, 1), site(dir.path(), 200, 2)];
    let (tree_1, took_1) = reference(&roots[0], dir.path());
    let (tree_2, took_2) = reference(&roots[1], dir.path());
    assert!(tree_1 != tree_2);
    let parent = dir.path().join("out");
    let output = parent.join("public");
    assert_built(&build(&roots[0], &output));
    // Kills land uniformly over a little more than a whole build, so some land while
    // the old output is swapped out and deleted. The machine's load changes how long
    // a build takes: each build that ends before its kill resets the estimate.
    let mut whole = took_1.max(took_2);
    let (mut mid_write, mut finished) = (0, 0);
    for round in 0..50 {
        let start = Instant::now();
        let kill_at = rng.below(whole * 6 / 5);
        let mut child = tebiki()
            .arg("build")
            .arg("--root")
            .arg(&roots[round % 2])
            .arg("--output")
            .arg(&output)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "round {round}: {status:?}");
                finished += 1;
                whole = start.elapsed();
                break;
            }
            if start.elapsed() >= kill_at {
                child.kill().unwrap();
                child.wait().unwrap();
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let now = read_tree(&output);
        assert!(
            now == tree_1 || now == tree_2,
            "round {round}: public/ is neither whole site ({} files)",
            now.len()
        );
        if names(&parent).iter().any(|n| n.contains(".staging-")) {
            mid_write += 1;
        }
    }
    println!("50 kills: {mid_write} left a staging folder, {finished} came after the end");
    assert!(mid_write > 0, "no kill landed while a build was writing");
    assert_built(&build(&roots[0], &output));
    assert_eq!(names(&parent), ["public"]);
    assert!(read_tree(&output) == tree_1);
}

/// Starts a build and waits until its staging folder exists; `None` if the build ended
/// first.
fn build_caught_writing(root: &Path, output: &Path) -> Option<Child> {
    let parent = output.parent().unwrap();
    let mut child = tebiki()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if names(parent).iter().any(|n| n.contains(".staging-")) {
            return Some(child);
        }
        if child.try_wait().unwrap().is_some() {
            return None;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn sigterm_and_sigint_remove_the_staging_folder_and_the_lock() {
    let dir = fast_tempdir();
    let old_root = site(dir.path(), 300, 1);
    let root = site(dir.path(), 300, 2);
    let (old, _) = reference(&old_root, dir.path());
    let (new, _) = reference(&root, dir.path());
    let parent = dir.path().join("out");
    let output = parent.join("public");
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        assert_built(&build(&old_root, &output));
        let child = (0..10)
            .find_map(|_| build_caught_writing(&root, &output))
            .expect("a build was caught writing");
        let kill = Command::new("sh")
            .arg("-c")
            .arg(format!("kill -{signal} {}", child.id()))
            .status()
            .unwrap();
        assert!(kill.success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        assert!(stderr(&out).contains("Interrupted"), "{}", stderr(&out));
        assert_eq!(names(&parent), ["public"], "SIG{signal} left files beside");
        let now = read_tree(&output);
        assert!(now == old || now == new, "SIG{signal}: not a whole site");
    }
}

#[test]
fn leftovers_of_builds_that_ran_as_pid_1_are_removed_and_block_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = site(dir.path(), 0, 0);
    let (expected, _) = reference(&root, dir.path());
    let parent = dir.path().join("out");
    let output = parent.join("public");
    assert_built(&build(&root, &output));
    for leftover in [".public.old-1", ".public.staging-1", ".public.old-1/deep"] {
        std::fs::create_dir_all(parent.join(leftover)).unwrap();
        std::fs::write(parent.join(leftover).join("index.html"), "old").unwrap();
    }
    std::fs::write(parent.join(".public.lock"), "").unwrap();
    // Another output's leftovers in the same folder are not this build's to remove.
    std::fs::create_dir(parent.join(".preview.old-1")).unwrap();
    assert_built(&build(&root, &output));
    assert_eq!(names(&parent), [".preview.old-1", "public"]);
    assert!(read_tree(&output) == expected);
}

/// `chattr +i` on the file `rel` of the output in `parent`. When dropped, the flag is
/// taken back from that file wherever a swap moved it, so the temporary folder can go.
struct Immutable {
    parent: PathBuf,
    rel: PathBuf,
}

impl Immutable {
    fn set(parent: &Path, rel: &str) -> Result<Immutable, String> {
        let out = Command::new("chattr")
            .arg("+i")
            .arg(parent.join("public").join(rel))
            .output()
            .map_err(|e| format!("chattr cannot run: {e}"))?;
        if out.status.success() {
            Ok(Immutable {
                parent: parent.to_path_buf(),
                rel: rel.into(),
            })
        } else {
            Err(format!("chattr +i failed: {}", stderr(&out).trim()))
        }
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        for name in names(&self.parent) {
            let _ = Command::new("chattr")
                .arg("-i")
                .arg(self.parent.join(name).join(&self.rel))
                .stderr(Stdio::null())
                .status();
        }
    }
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[test]
fn an_old_output_that_cannot_be_deleted_does_not_fail_the_build() {
    // On a disk filesystem: tmpfs knows no immutable flag.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let old_root = site(dir.path(), 0, 1);
    let root = site(dir.path(), 3, 2);
    let (expected, _) = reference(&root, dir.path());
    let parent = dir.path().join("out");
    let output = parent.join("public");
    assert_built(&build(&old_root, &output));
    let stuck = "laws/law-x/index.html";
    // Root deletes from read-only folders, so it needs the immutable flag.
    let immutable = if running_as_root() {
        match Immutable::set(&parent, stuck) {
            Ok(flag) => Some(flag),
            Err(reason) => {
                println!("skipped: running as root and {reason}");
                return;
            }
        }
    } else {
        use std::os::unix::fs::PermissionsExt;
        let folder = output.join(stuck);
        let folder = folder.parent().unwrap();
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        None
    };
    for _ in 0..2 {
        let out = build(&root, &output);
        assert_built(&out);
        let text = stderr(&out);
        assert!(text.contains("warning[W040]"), "{text}");
        assert!(text.contains("could not be deleted"), "{text}");
        assert!(!text.contains("Build failed"), "{text}");
        assert!(read_tree(&output) == expected, "the new site is in place");
    }
    let leftovers: Vec<String> = names(&parent)
        .into_iter()
        .filter(|n| n != "public")
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    assert!(leftovers[0].starts_with(".public.old-"), "{leftovers:?}");
    drop(immutable);
    if !running_as_root() {
        use std::os::unix::fs::PermissionsExt;
        let folder = parent.join(&leftovers[0]).join("laws/law-x");
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_built(&build(&root, &output));
    assert_eq!(names(&parent), ["public"]);
}

/// Builds with `args` in `root`, expecting a refusal with `code`.
fn refused(root: &Path, args: &[&str], code: &str) -> String {
    let out = tebiki()
        .arg("build")
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {text}");
    assert!(text.contains(&format!("error[{code}]")), "{args:?}: {text}");
    text
}

#[test]
fn outputs_in_or_around_the_sources_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = site(dir.path(), 0, 0);
    std::fs::create_dir_all(root.join(".git/objects")).unwrap();
    std::fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::create_dir_all(root.join("themes/mine/templates")).unwrap();
    std::fs::write(root.join("themes/mine/templates/law.html"), "x").unwrap();
    std::os::unix::fs::symlink("content", root.join("lnk")).unwrap();
    std::os::unix::fs::symlink(root.join(".git"), dir.path().join("git-link")).unwrap();
    let before = read_tree(&root);
    let git_link = dir.path().join("git-link/public");
    std::fs::write(dir.path().join("a-file"), "").unwrap();
    let under_a_file = dir.path().join("a-file/x/public");
    for (output, why) in [
        ("lnk/x/public", "lies inside the site's content folder"),
        ("lnk", "is the site's content folder"),
        (".git", "is the site's Git repository"),
        (".git/public", "lies inside the site's Git repository"),
        (
            git_link.to_str().unwrap(),
            "lies inside the site's Git repository",
        ),
        ("themes", "is the site's themes folder"),
        ("themes/mine/x", "lies inside the site's themes folder"),
        (".", "is or contains the site's folder"),
        ("content/..", "is or contains the site's folder"),
        ("/", "is the root of the filesystem"),
        (under_a_file.to_str().unwrap(), "a-file is a file"),
    ] {
        let text = refused(&root, &["--output", output], "E040");
        assert!(text.contains(why), "{output}: {text}");
    }
    assert!(
        !root.join("content/x").exists(),
        "nothing went into content/"
    );
    assert!(read_tree(&root) == before, "the sources are untouched");
    assert_eq!(
        names(&root),
        [".git", "content", "lnk", "themes"],
        "nothing beside them"
    );
}

/// The current user's home folder in the password database, via `getent`.
fn database_home() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let out = Command::new("getent")
        .args(["passwd", &uid.to_string()])
        .output()
        .ok()?;
    let line = String::from_utf8(out.stdout).ok()?;
    let home = line.trim_end().split(':').nth(5)?.to_string();
    (!home.is_empty()).then_some(home)
}

#[test]
fn the_home_folder_is_refused_when_home_is_unset() {
    let Some(home) = database_home() else {
        println!("skipped: the password database names no home folder for this user");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = site(dir.path(), 0, 0);
    // Broken content: were the guard to let the home folder through, validation still
    // stops the build before anything is written.
    std::fs::write(root.join("content/laws/law-x.md"), "no front matter\n").unwrap();
    for (home_var, output) in [(None, home.as_str()), (Some(""), home.as_str())] {
        let mut command = tebiki();
        command
            .arg("build")
            .arg("--root")
            .arg(&root)
            .arg("--output")
            .arg(output);
        match home_var {
            None => command.env_remove("HOME"),
            Some(value) => command.env("HOME", value),
        };
        let out = command.output().unwrap();
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.contains("error[E040]"), "HOME={home_var:?}: {text}");
        assert!(text.contains("home folder"), "{text}");
    }
}

#[test]
fn a_foreign_folder_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let root = site(dir.path(), 0, 0);
    let (expected, _) = reference(&root, dir.path());
    let output = dir.path().join("www");
    std::fs::create_dir(&output).unwrap();
    std::fs::write(output.join("notes.txt"), "someone's work").unwrap();
    let text = refused(&root, &["--output", output.to_str().unwrap()], "E043");
    assert!(text.contains("not written by tebiki"), "{text}");
    assert!(text.contains("--force"), "{text}");
    assert_eq!(names(&output), ["notes.txt"]);
    assert_eq!(names(dir.path()), ["ref", "site-0-0", "www"]);

    let forced = tebiki()
        .arg("build")
        .arg("--root")
        .arg(&root)
        .arg("--output")
        .arg(&output)
        .arg("--force")
        .output()
        .unwrap();
    assert_built(&forced);
    assert!(read_tree(&output) == expected);
    assert!(output.join(".tebiki-output").is_file());
    // Written by tebiki now: no --force needed any more.
    assert_built(&build(&root, &output));
    // An empty folder is no one's work.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_built(&build(&root, &empty));
}

#[test]
fn a_failed_build_writes_nothing_not_even_the_outputs_parents() {
    let dir = tempfile::tempdir().unwrap();
    let root = site(dir.path(), 0, 0);
    // Found while validating.
    let law = root.join("content/laws/law-x.md");
    let good = std::fs::read_to_string(&law).unwrap();
    std::fs::write(&law, good.replace("status: in_force", "status: [in_force")).unwrap();
    let out = build(&root, &dir.path().join("new/deeper/public"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!dir.path().join("new").exists());
    std::fs::write(&law, good).unwrap();
    // Found only while pages are written, after the staging folder exists.
    std::fs::create_dir_all(root.join("themes/broken/templates")).unwrap();
    std::fs::write(
        root.join("themes/broken/templates/law.html"),
        "{% extends \"base.html\" %}{% block content %}{{ page.no_such_field.deeper }}{% endblock content %}",
    )
    .unwrap();
    let yaml = std::fs::read_to_string(root.join("content/site.yaml")).unwrap();
    std::fs::write(root.join("content/site.yaml"), yaml + "theme: broken\n").unwrap();
    let out = build(&root, &dir.path().join("new/deeper/public"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[E031]"), "{}", stderr(&out));
    assert!(!dir.path().join("new").exists(), "its parents were removed");
    assert_eq!(names(dir.path()), ["site-0-0"]);
}
