//! `tebiki serve` as editors run it: the real binary on a free port, pages fetched over
//! HTTP, files edited on disk, the reload event awaited on the event stream, and the
//! served site compared, file by file, with a clean build of the same content.

mod common;
#[path = "common/serve.rs"]
mod serve_process;

use common::Site;
use serve_process::{Event, Events, Serve};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use tebiki::outputs::Data;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The served page without what serve adds to it: the reload script's tag, and
/// `'self'` in the CSP's `script-src`, which the tag needs. The clean page gets the
/// CSP change, the served one loses the tag; the two must then be equal.
fn undo_serve(served: &[u8], clean: &[u8]) -> (String, String) {
    let served = String::from_utf8(served.to_vec()).expect("served HTML is UTF-8");
    let clean = String::from_utf8(clean.to_vec()).expect("built HTML is UTF-8");
    let start = served
        .find("<script src=\"/__tebiki/reload.js?g=")
        .unwrap_or_else(|| panic!("no reload script in\n{served}"));
    let end = start + served[start..].find("</script>").unwrap() + "</script>".len();
    let without = format!("{}{}", &served[..start], &served[end..]);
    assert!(
        !without.contains("__tebiki/reload.js"),
        "the reload script is in the page twice"
    );
    (
        without,
        clean.replacen("script-src 'none'", "script-src 'self'", 1),
    )
}

/// Every file of a clean build of `root`, or its diagnostics as `check` prints them.
fn clean_build(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let options = tebiki::Options::new(root);
    match tebiki::build_in_memory(&options) {
        Ok(built) => Ok(built
            .files
            .into_iter()
            .map(|f| {
                let bytes = match f.data {
                    Data::Copy(from) => std::fs::read(&from).expect("asset readable"),
                    made => made.bytes().expect("a made file").into_owned(),
                };
                (f.path, bytes)
            })
            .collect()),
        Err(d) => Err(d.render()),
    }
}

/// Differences between what serve serves and `expected`; `gone` are paths that must
/// answer 404.
fn compare(
    serve: &Serve,
    expected: &BTreeMap<String, Vec<u8>>,
    gone: &BTreeSet<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, bytes) in expected {
        let target = format!("/{}", encode(path));
        let r = serve.get(&target);
        if r.status != 200 {
            problems.push(format!("{path}: status {}", r.status));
            continue;
        }
        if path.ends_with(".html") {
            let (served, clean) = undo_serve(&r.body, bytes);
            if served != clean {
                problems.push(format!("{path}: differs from a clean build"));
            }
        } else if r.body != *bytes {
            problems.push(format!("{path}: bytes differ from a clean build"));
        }
    }
    for path in gone.iter().filter(|p| !expected.contains_key(*p)) {
        let r = serve.get(&format!("/{}", encode(path)));
        if r.status != 404 {
            problems.push(format!("{path}: removed, but answers {}", r.status));
        }
    }
    problems
}

/// Percent-encodes what is not plain ASCII in a path (tags are Japanese).
fn encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const RELOAD_WAIT: Duration = Duration::from_secs(30);

#[test]
fn an_edit_reloads_the_page_with_the_new_content() {
    let site = Site::copy_of("basic");
    let serve = Serve::start(site.root(), &[]);
    let events = serve.events();
    let state = events.wait_for("state", RELOAD_WAIT);
    assert!(state.data["error"].is_null(), "{state:?}");

    let page = serve.get("/laws/law-x/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("Cache-Control"), Some("no-store"));
    let html = page.text();
    assert!(html.contains("法律X"), "{html}");
    assert!(html.contains("script-src 'self'"), "{html}");
    let tag = format!(
        "<script src=\"/__tebiki/reload.js?g={}\"></script></head>",
        state.data["generation"].as_str().unwrap()
    );
    assert!(html.contains(&tag), "no reload tag `{tag}` in\n{html}");
    let script = serve.get("/__tebiki/reload.js");
    assert_eq!(script.status, 200);
    assert_eq!(
        script.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.text().contains("EventSource"));

    let law = site
        .read("laws/law-x.md")
        .replace("title: 法律X", "title: 改題した法律");
    site.write("laws/law-x.md", &law);
    let reload = events.wait_for("reload", RELOAD_WAIT);
    let changed: Vec<&str> = reload.data["changed"]
        .as_array()
        .expect("a list of changed files")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(changed.contains(&"laws/law-x/index.html"), "{changed:?}");
    // The search index comes after the pages, in an event of its own; its files are not
    // listed as removed meanwhile (a long list would reload every open page).
    assert!(
        !changed.iter().any(|p| p.starts_with("search/data/")),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"style.css"),
        "an unchanged file was listed: {changed:?}"
    );
    assert_ne!(reload.data["generation"], state.data["generation"]);
    let html = serve.get("/laws/law-x/").text();
    assert!(html.contains("改題した法律"), "{html}");
    // The page comes from the reload's generation, or from the one that adds the
    // search index and exports to it right after.
    let names = |event: &Event| {
        html.contains(&format!(
            "reload.js?g={}\"",
            event.data["generation"].as_str().unwrap()
        ))
    };
    assert!(
        names(&reload) || names(&events.wait_for("data", RELOAD_WAIT)),
        "the page does not name the generation it comes from"
    );
    // The roadmap item shows the law's title too: it changed in the same rebuild.
    assert!(serve
        .get("/roadmap/card-1/")
        .text()
        .contains("改題した法律"));
    assert!(
        !site.output().exists(),
        "serve wrote the output folder (public/)"
    );
}

#[test]
fn content_types_base_path_and_not_found() {
    let site = Site::copy_of("basic");
    let serve = Serve::start(site.root(), &["--base-path", "handbook"]);
    for (path, kind) in [
        ("/handbook/", "text/html; charset=utf-8"),
        ("/handbook/style.css", "text/css; charset=utf-8"),
        ("/handbook/search.js", "text/javascript; charset=utf-8"),
        ("/handbook/data.json", "application/json"),
        ("/handbook/feed.xml", "application/xml"),
        (
            "/handbook/schedule/2022.ics",
            "text/calendar; charset=utf-8",
        ),
        (
            "/handbook/contacts/contacts.vcf",
            "text/vcard; charset=utf-8",
        ),
        ("/handbook/contacts/contacts.csv", "text/csv; charset=utf-8"),
        ("/handbook/images/route.png", "image/png"),
    ] {
        let r = serve.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type"), Some(kind), "{path}");
    }
    let png = std::fs::read(site.root().join("content/images/route.png")).unwrap();
    assert_eq!(serve.get("/handbook/images/route.png").body, png);

    let r = serve.get("/handbook");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/handbook/"));
    let r = serve.get("/handbook/laws/law-x");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/handbook/laws/law-x/"));
    let r = serve.get("/handbook/laws/law-x/?q=1");
    assert_eq!(r.status, 200);

    for missing in ["/laws/law-x/", "/handbook/laws/nothing/", "/index.html"] {
        let r = serve.get(missing);
        assert_eq!(r.status, 404, "{missing}");
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
        let html = r.text();
        assert!(html.contains("ページが見つかりません"), "{html}");
        // It reloads on the next rebuild: the page may exist by then.
        assert!(
            html.contains("/handbook/__tebiki/reload.js?g=") && html.contains("missing=1"),
            "{html}"
        );
    }
    let head = {
        let mut stream = TcpStream::connect(&serve.addr).unwrap();
        write!(stream, "HEAD /handbook/ HTTP/1.0\r\n\r\n").unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        raw
    };
    assert!(head.starts_with("HTTP/1.0 200"), "{head}");
    assert!(!head.contains("<html"), "HEAD sent a body: {head}");
}

#[test]
fn path_traversal_never_leaves_the_site() {
    let site = Site::copy_of("basic");
    let secret = "SECRET-OUTSIDE-THE-SITE";
    // Beside content/ (read by nobody), and above the site folder.
    write(site.root(), "secret.txt", secret);
    write(site.root(), "content/../secret2.txt", secret);
    let above = site
        .root()
        .parent()
        .unwrap()
        .join("tebiki-serve-secret.txt");
    std::fs::write(&above, secret).unwrap();
    let serve = Serve::start(site.root(), &["--base-path", "/handbook/"]);
    let targets = [
        "/handbook/../secret.txt",
        "/handbook/../../tebiki-serve-secret.txt",
        "/handbook/%2e%2e/secret.txt",
        "/handbook/%2E%2E/%2E%2E/tebiki-serve-secret.txt",
        "/handbook/.%2e/secret.txt",
        "/handbook/..%2fsecret.txt",
        "/handbook/..%2Fsecret.txt",
        "/handbook/..%5csecret.txt",
        "/handbook/..\\secret.txt",
        "/handbook/images/..%2f..%2f..%2fsecret.txt",
        "/handbook/images/../../secret.txt",
        "/handbook/secret.txt",
        "/handbook/content/secret2.txt",
        "/handbook/%00",
        "/handbook/index.html%00.png",
        "/secret.txt",
        "//etc/passwd",
        "/handbook//etc/passwd",
        "/handbook/%2fetc%2fpasswd",
        "/etc/passwd",
        "/handbook/../../../../../../../../etc/passwd",
        "http://127.0.0.1/etc/passwd",
        "/handbook/C:/Windows/win.ini",
        "/handbook/%c0%ae%c0%ae/secret.txt",
        "/handbook/.tebiki-output",
    ];
    for target in targets {
        let r = serve.get(target);
        assert!(
            r.status == 400 || r.status == 404,
            "{target}: status {}",
            r.status
        );
        let body = r.text();
        assert!(
            !body.contains(secret) && !body.contains("root:x:0:0"),
            "{target} returned a file outside the site"
        );
    }
    let _ = std::fs::remove_file(above);
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_shows_the_error() {
    let site = Site::copy_of("basic");
    let serve = Serve::start(site.root(), &[]);
    let events = serve.events();
    events.wait_for("state", RELOAD_WAIT);
    let good = site.read("laws/law-x.md");
    site.write(
        "laws/law-x.md",
        &good.replace("title: 法律X", "title: [閉じていない"),
    );
    let error = events.wait_for("broken", RELOAD_WAIT);
    let text = error.data["error"].as_str().expect("the error text");
    assert!(text.contains("--> laws/law-x.md:"), "{text}");

    // The terminal shows the same text as `check`.
    let check = Command::new(env!("CARGO_BIN_EXE_tebiki"))
        .args(["check", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert!(!check.status.success());
    let check_text = String::from_utf8(check.stderr).unwrap();
    assert_eq!(text, check_text, "the browser's error differs from check's");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !serve.stderr().contains(&check_text) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        serve.stderr().contains(&check_text),
        "the terminal did not print check's text:\n{}\n--- check:\n{check_text}",
        serve.stderr()
    );

    // The last good pages are still served, and a page opened now learns of the error.
    let page = serve.get("/laws/law-x/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("法律X"));
    let late = serve.events();
    let state = late.wait_for("state", RELOAD_WAIT);
    assert_eq!(state.data["error"].as_str(), Some(text));

    // Fixing the file reloads.
    site.write(
        "laws/law-x.md",
        &good.replace("title: 法律X", "title: 直した法律"),
    );
    let reload = events.wait_for("reload", RELOAD_WAIT);
    assert!(reload.data["changed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "laws/law-x/index.html"));
    assert!(serve.get("/laws/law-x/").text().contains("直した法律"));
    let state = serve.events().wait_for("state", RELOAD_WAIT);
    assert!(state.data["error"].is_null());
}

#[test]
fn a_site_broken_from_the_start_shows_its_errors_until_fixed() {
    let site = Site::copy_of("basic");
    let good = site.read("laws/law-x.md");
    site.write("laws/law-x.md", "---\ntitle: [x\n---\n");
    let serve = Serve::start(site.root(), &[]);
    let r = serve.get("/");
    assert_eq!(r.status, 500);
    assert!(r.text().contains("laws/law-x.md"), "{}", r.text());
    let events = serve.events();
    let state = events.wait_for("state", RELOAD_WAIT);
    assert!(state.data["error"].is_string());
    site.write("laws/law-x.md", &good);
    events.wait_for("reload", RELOAD_WAIT);
    assert_eq!(serve.get("/").status, 200);
}

#[test]
fn editor_saves_temp_files_and_a_checkout_of_many_files() {
    let site = Site::copy_of("basic");
    let serve = Serve::start(site.root(), &[]);
    let events = serve.events();
    events.wait_for("state", RELOAD_WAIT);
    let content = site.root().join("content");

    // Temp files alone never rebuild.
    for name in [
        "laws/.law-x.md.swp",
        "laws/law-x.md~",
        "laws/4913",
        "laws/.#law-x.md",
    ] {
        std::fs::write(content.join(name), "junk").unwrap();
    }
    std::fs::remove_file(content.join("laws/4913")).unwrap();
    assert!(
        events.next(Duration::from_secs(2)).is_none(),
        "editor temp files caused a rebuild"
    );
    // Permissions only (metadata): no rebuild either.
    let law = content.join("laws/law-x.md");
    let mut perms = std::fs::metadata(&law).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&law, perms.clone()).unwrap();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&law, perms).unwrap();
    assert!(
        events.next(Duration::from_secs(2)).is_none(),
        "a permission change caused a rebuild"
    );

    // vim's save: write test file, rename the original to a backup, write anew, remove
    // the backup.
    let text = site
        .read("laws/law-x.md")
        .replace("法律の目的。", "vimで保存した目的。");
    std::fs::write(content.join("laws/4913"), "").unwrap();
    std::fs::remove_file(content.join("laws/4913")).unwrap();
    std::fs::rename(&law, content.join("laws/law-x.md~")).unwrap();
    std::fs::write(&law, &text).unwrap();
    std::fs::remove_file(content.join("laws/law-x.md~")).unwrap();
    events.wait_for("reload", RELOAD_WAIT);
    assert!(serve
        .get("/laws/law-x/")
        .text()
        .contains("vimで保存した目的。"));

    // JetBrains' safe write: a temp file renamed over the original.
    let text = text.replace("vimで保存した目的。", "安全な書き込みの目的。");
    let tmp = content.join("laws/law-x.md___jb_tmp___");
    std::fs::write(&tmp, &text).unwrap();
    std::fs::rename(&law, content.join("laws/law-x.md___jb_old___")).unwrap();
    std::fs::rename(&tmp, &law).unwrap();
    std::fs::remove_file(content.join("laws/law-x.md___jb_old___")).unwrap();
    events.wait_for("reload", RELOAD_WAIT);
    assert!(serve
        .get("/laws/law-x/")
        .text()
        .contains("安全な書き込みの目的。"));
    let _ = std::fs::remove_file(content.join("laws/.law-x.md.swp"));
    let _ = std::fs::remove_file(content.join("laws/.#law-x.md"));
    // `law-x.md~` is a file the build copies as an asset: gone again before the checkout.
    let _ = std::fs::remove_file(content.join("laws/law-x.md~"));
    while events.next(Duration::from_secs(2)).is_some() {}

    // A checkout that changes 200 files is one rebuild.
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(site.root())
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {:?}", out);
    };
    git(&["init", "-q", "-b", "before"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "before"]);
    git(&["checkout", "-q", "-b", "after"]);
    let law_text = site.read("laws/law-x.md");
    for n in 0..200 {
        site.write(
            &format!("laws/bulk-{n:03}.md"),
            &law_text.replace("title: 法律X", &format!("title: 一括{n}")),
        );
    }
    while events.next(Duration::from_secs(2)).is_some() {}
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "after"]);
    git(&["checkout", "-q", "before"]);
    events.wait_for("reload", RELOAD_WAIT);
    while events.next(Duration::from_secs(2)).is_some() {}
    assert_eq!(serve.get("/laws/bulk-000/").status, 404);
    while events.next(Duration::from_secs(2)).is_some() {}
    let rebuilds_before = serve.stdout().matches("Rebuilt in").count();
    git(&["checkout", "-q", "after"]);
    let reload = events.wait_for("reload", RELOAD_WAIT);
    // The pages reload once; the search index and the exports may follow in a second
    // event of their own, naming no page.
    while let Some(more) = events.next(Duration::from_secs(3)) {
        let pages: Vec<&serde_json::Value> = more.data["changed"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter(|p| p.as_str().is_some_and(|p| p.ends_with(".html")))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            more.data["changed"].is_array() && pages.is_empty(),
            "a checkout of 200 files reloaded pages more than once: {:?}",
            more.data
        );
    }
    assert_eq!(
        serve.stdout().matches("Rebuilt in").count(),
        rebuilds_before + 1,
        "{}",
        serve.stdout()
    );
    let changed = reload.data["changed"].as_array().unwrap();
    assert!(changed.iter().any(|p| p == "laws/bulk-199/index.html"));
    assert!(serve.get("/laws/bulk-199/").text().contains("一括199"));
}

#[test]
fn polling_sees_changes_too() {
    let site = Site::copy_of("basic");
    let serve = Serve::start(site.root(), &["--poll"]);
    assert!(serve.stdout().contains("polling"), "{}", serve.stdout());
    let events = serve.events();
    events.wait_for("state", RELOAD_WAIT);
    let law = site
        .read("laws/law-x.md")
        .replace("法律の目的。", "ポーリングで見た目的。");
    site.write("laws/law-x.md", &law);
    events.wait_for("reload", RELOAD_WAIT);
    assert!(serve
        .get("/laws/law-x/")
        .text()
        .contains("ポーリングで見た目的。"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_serve_cleanly_and_all_interfaces_warn() {
    let site = Site::copy_of("basic");
    let mut serve = Serve::start(site.root(), &["--bind", "0.0.0.0"]);
    assert!(
        serve.stderr().contains("every network interface") || {
            std::thread::sleep(Duration::from_millis(500));
            serve.stderr().contains("every network interface")
        },
        "{}",
        serve.stderr()
    );
    let port = serve.addr.rsplit(':').next().unwrap().to_string();
    let events = Events::connect(&format!("127.0.0.1:{port}"), "/__tebiki/events");
    events.wait_for("state", RELOAD_WAIT);
    let killed = Command::new("kill")
        .args(["-INT", &serve.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = serve.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    std::thread::sleep(Duration::from_millis(100));
    assert!(serve.stdout().contains("Stopped."), "{}", serve.stdout());
}

/// `--open` hands the served address (with the base path) to the desktop's opener, and a
/// machine without one gets a warning, not a failed serve.
#[cfg(target_os = "linux")]
#[test]
fn open_hands_the_address_to_the_browser_opener() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::copy_of("basic");
    let bin = site.root().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let opener = bin.join("xdg-open");
    let opened = bin.join("opened");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut path = std::ffi::OsString::from(&bin);
    path.push(":/usr/bin:/bin");
    let serve = Serve::start_with_path(
        site.root(),
        &["--open", "--base-path", "/handbook/"],
        Some(&path),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while !opened.exists() {
        assert!(Instant::now() < deadline, "no browser was opened");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    let url = std::fs::read_to_string(&opened).unwrap();
    assert_eq!(url.trim(), format!("http://{}/handbook/", serve.addr));
    assert!(serve.get("/handbook/").text().contains("<html"));
    drop(serve);

    let empty = site.root().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let serve = Serve::start_with_path(site.root(), &["--open"], Some(empty.as_os_str()));
    let deadline = Instant::now() + Duration::from_secs(20);
    while !serve.stderr().contains("cannot open a browser") {
        assert!(Instant::now() < deadline, "no warning: {}", serve.stderr());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        serve.stderr().contains("open http://"),
        "{}",
        serve.stderr()
    );
    assert!(serve.get("/").text().contains("<html"));
}

/// A small deterministic generator, so a failing sequence can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Random edit sequences through the watcher and the server: after each edit, once
/// serve has settled, every file it serves equals a clean build of the same content,
/// and a broken site keeps the last good one served with check's text as the error.
/// `TEBIKI_SERVE_SEED` replays a sequence, `TEBIKI_SERVE_STEPS` makes it longer.
#[test]
fn randomised_edits_never_leave_the_served_site_stale() {
    let seed: u64 = std::env::var("TEBIKI_SERVE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    let steps: usize = std::env::var("TEBIKI_SERVE_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(14);
    eprintln!("randomised serve test: TEBIKI_SERVE_SEED={seed}");
    let mut rng = Rng(seed);
    let site = Site::copy_of("basic");
    let root = site.root().to_path_buf();
    let serve = Serve::start(&root, &[]);
    let events = serve.events();
    events.wait_for("state", RELOAD_WAIT);
    let base_html = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    let law_x = site.read("laws/law-x.md");
    let bodies = [
        "laws/law-x.md",
        "roadmap/card-1.md",
        "surveys/chosa-a.md",
        "pages/guide/guide-1.md",
        "_index.md",
    ];
    let mut extra: Vec<String> = Vec::new();
    let mut broken: Option<(String, String)> = None;
    let mut last_good = clean_build(&root).expect("the fixture builds");
    let mut seen: BTreeSet<String> = last_good.keys().cloned().collect();
    let mut log = Vec::new();
    for step in 0..steps {
        let n = step + 1;
        let op = if broken.is_some() && rng.below(2) == 0 {
            7
        } else {
            rng.below(9)
        };
        let what = match op {
            0 => {
                let f = bodies[rng.below(bodies.len())];
                let text = site.read(f) + &format!("\n追記{n}。\n");
                site.write(f, &text);
                format!("body edit of {f}")
            }
            1 => {
                let f = ["laws/law-x.md", "roadmap/card-1.md"][rng.below(2)];
                let text = site.read(f);
                let line = text.lines().find(|l| l.starts_with("title:")).unwrap();
                let text = text.replacen(line, &format!("title: 改題{n}"), 1);
                site.write(f, &text);
                format!("retitle of {f}")
            }
            2 => {
                let f = format!("laws/extra-{n}.md");
                site.write(
                    &f,
                    &law_x.replace("title: 法律X", &format!("title: 追加{n}")),
                );
                extra.push(f.clone());
                format!("add {f}")
            }
            3 if !extra.is_empty() => {
                let f = extra.remove(rng.below(extra.len()));
                std::fs::remove_file(root.join("content").join(&f)).unwrap();
                format!("remove {f}")
            }
            4 => {
                let f = "surveys/chosa-a.md";
                let text = site.read(f);
                let text = if text.contains("contacts: [kikaku]") {
                    text.replace("contacts: [kikaku]", "contacts: [hogo]")
                } else {
                    text.replace("contacts: [hogo]", "contacts: [kikaku]")
                };
                site.write(f, &text);
                "change the contact referenced by surveys/chosa-a.md".into()
            }
            5 if !extra.is_empty() => {
                let i = rng.below(extra.len());
                let to = format!("laws/renamed-{n}.md");
                std::fs::rename(
                    root.join("content").join(&extra[i]),
                    root.join("content").join(&to),
                )
                .unwrap();
                let what = format!("rename {} to {to}", extra[i]);
                extra[i] = to;
                what
            }
            6 if broken.is_none() => {
                let f = bodies[rng.below(bodies.len())].to_string();
                let good = site.read(&f);
                site.write(&f, &format!("---\ntitle: [壊れた{n}\n{good}"));
                let what = format!("break the YAML of {f}");
                broken = Some((f, good));
                what
            }
            7 if broken.is_some() => {
                let (f, good) = broken.take().unwrap();
                site.write(&f, &good);
                format!("fix {f}")
            }
            8 => {
                let html =
                    base_html.replace("<body>", &format!("<body>\n<!-- テンプレート版{n} -->"));
                write(&root, "themes/default/templates/base.html", &html);
                "edit the template base.html".into()
            }
            _ => {
                let png = root.join("content/images/route.png");
                let mut bytes = std::fs::read(&png).unwrap();
                bytes.push(n as u8);
                std::fs::write(&png, bytes).unwrap();
                "change the picture images/route.png".into()
            }
        };
        log.push(what.clone());
        // Every edit above changes the site or its state: wait for serve to say so,
        // then for it to settle (a rename may come as two rebuilds).
        let mut last = events.next(RELOAD_WAIT);
        while let Some(e) = events.next(Duration::from_millis(700)) {
            last = Some(e);
        }
        let context = || format!("seed {seed}, steps so far:\n  {}", log.join("\n  "));
        let last = last.unwrap_or_else(|| panic!("no event after `{what}`; {}", context()));
        match clean_build(&root) {
            Ok(expected) => {
                assert!(
                    last.name == "reload" || last.name == "data",
                    "after `{what}`: {}; {}",
                    last.name,
                    context()
                );
                seen.extend(expected.keys().cloned());
                let problems = compare(&serve, &expected, &seen);
                assert!(
                    problems.is_empty(),
                    "served site differs from a clean build after `{what}`:\n{}\n{}",
                    problems.join("\n"),
                    context()
                );
                last_good = expected;
            }
            Err(diagnostics) => {
                assert_eq!(
                    last.name,
                    "broken",
                    "after `{what}`:\n{diagnostics}\n{}",
                    context()
                );
                assert_eq!(
                    last.data["error"].as_str(),
                    Some(diagnostics.as_str()),
                    "{}",
                    context()
                );
                let problems = compare(&serve, &last_good, &BTreeSet::new());
                assert!(
                    problems.is_empty(),
                    "the last good site is not what is served after `{what}`:\n{}\n{diagnostics}\n{}",
                    problems.join("\n"),
                    context()
                );
            }
        }
    }
}
