//! `tebiki serve`: the live preview for editors. Builds into memory (never touching the
//! output folder), answers HTTP requests from the current generation of the site,
//! rebuilds when the sources change, and tells open pages to reload. One thread accepts
//! requests, one per request answers, one rebuilds; they share only [`State`].

mod events;
mod inject;
mod request;
mod site;
mod watch;

use request::Target;
use site::{Changed, Generation};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tebiki::diagnostics::Diagnostics;
use tebiki::Options;
use tiny_http::{Header, Request, Response, Server};

/// What the command line asked for.
pub struct Config {
    pub options: Options,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub poll: bool,
    /// Prints how long each step of every rebuild took.
    pub timings: bool,
}

/// The reload script, served only by serve (never written to a site).
const RELOAD_JS: &str = include_str!("reload.js");

/// After a save (a few paths), wait this long for more before rebuilding: an editor's
/// save dance (vim's rename to a backup, JetBrains' temp file swapped in) is a few
/// events within milliseconds. This wait is the only debouncing (watch.rs).
const QUIET: Duration = Duration::from_millis(15);
/// After a batch of many paths (a `git checkout`, a copied folder), wait longer, so the
/// rest of it, written over many milliseconds, lands in the same rebuild.
const QUIET_BULK: Duration = Duration::from_millis(120);
/// More changed paths than this in one wait make it a bulk change.
const BULK: usize = 5;

/// What a request sees: one generation of the site, and the error of the last rebuild
/// when it failed (the generation is then the last good one).
struct Snapshot {
    site: Arc<Generation>,
    error: Option<String>,
    /// The generation's pages are made, its whole-site files (search index, exports) not
    /// yet: a request for a file it lacks waits for the next complete generation.
    pending: bool,
}

/// How long a request for a file of a pending generation waits at most.
const PENDING_WAIT: Duration = Duration::from_secs(120);

struct State {
    base: String,
    current: Mutex<Arc<Snapshot>>,
    /// Signalled on every publish.
    published: Condvar,
    hub: events::Hub,
    run: String,
    generations: AtomicU64,
}

impl State {
    fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn publish(&self, snapshot: Snapshot) {
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Arc::new(snapshot);
        self.published.notify_all();
    }

    /// The first snapshot that is not pending (at most [`PENDING_WAIT`] from now).
    fn complete_snapshot(&self) -> Arc<Snapshot> {
        let deadline = Instant::now() + PENDING_WAIT;
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        while current.pending {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            current = self
                .published
                .wait_timeout(current, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        current.clone()
    }

    fn next_id(&self) -> String {
        let n = self.generations.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{}-{n}", self.run)
    }
}

pub fn run(mut config: Config) -> ExitCode {
    // Absolute, so the planned asset paths and the watcher's paths compare equal.
    config.options.root = match config.options.root.canonicalize() {
        Ok(r) => r,
        Err(e) => {
            errln!(
                "error: cannot open the site folder {}: {e}",
                config.options.root.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let run = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let state = Arc::new(State {
        base: config.options.base_path.clone(),
        current: Mutex::new(Arc::new(Snapshot {
            site: Arc::new(Generation::empty(String::new())),
            error: None,
            pending: false,
        })),
        published: Condvar::new(),
        hub: events::Hub::default(),
        run: format!("{run:x}"),
        generations: AtomicU64::new(0),
    });
    // Watching starts before the first build: a file saved while it runs (seconds, on a
    // large site) is queued and rebuilt right after, not missed.
    let sources = watch::Sources {
        root: config.options.root.clone(),
    };
    let (tx, rx) = channel();
    let watching = match watch::start(&sources, config.poll, tx) {
        Ok((w, how)) => {
            outln!("{how}: {}", sources.root.display());
            w
        }
        Err(e) => {
            errln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut session = tebiki::Session::new(config.options.clone());
    let started = Instant::now();
    let first = session.update(&[]);
    let snapshot = match first {
        Ok(built) => {
            print_warnings(&built.diagnostics, &mut None);
            print_timings(config.timings, &built.timings);
            let (generation, _) = Generation::next(
                &Generation::empty(String::new()),
                state.next_id(),
                session.files(),
                &built.changed,
                &[],
                &Default::default(),
            );
            outln!(
                "Built {} files in memory in {:.2} s",
                generation.files.len(),
                started.elapsed().as_secs_f64()
            );
            Snapshot {
                site: Arc::new(generation),
                error: None,
                pending: false,
            }
        }
        Err(diagnostics) => {
            err!("{}", diagnostics.render());
            errln!("The site does not build yet; serve shows the errors until it does.");
            Snapshot {
                site: Arc::new(Generation::empty(state.next_id())),
                error: Some(diagnostics.render()),
                pending: false,
            }
        }
    };
    state.publish(snapshot);

    let server = match Server::http(SocketAddr::new(config.bind, config.port)) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            errln!(
                "error: cannot listen on {}: {e} (choose another --port)",
                SocketAddr::new(config.bind, config.port)
            );
            return ExitCode::FAILURE;
        }
    };
    let address = match server.server_addr().to_ip() {
        Some(a) => a,
        None => SocketAddr::new(config.bind, config.port),
    };
    let url = format!("http://{address}{}", state.base);
    if config.bind.is_unspecified() {
        errln!(
            "warning: serving on every network interface ({}): anyone who can reach this \
             machine sees the preview, drafts and contact persons included; \
             use --bind 127.0.0.1 to keep it on this machine",
            config.bind
        );
    }

    {
        let state = state.clone();
        let timings = config.timings;
        let spawned = std::thread::Builder::new()
            .name("rebuild".into())
            .spawn(move || rebuild_loop(&state, session, rx, watching, &sources, timings));
        if let Err(e) = spawned {
            errln!("error: cannot start the rebuild thread: {e}");
            return ExitCode::FAILURE;
        }
    }
    if let Err(e) = stop_on_signals(server.clone()) {
        errln!("warning: Ctrl-C may not stop serve cleanly: {e}");
    }
    // The tests and scripts read this line for the address (with --port 0).
    outln!("Serving {url} (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();
    if config.open {
        open_browser(&url);
    }

    for request in server.incoming_requests() {
        let state = state.clone();
        let spawned = std::thread::Builder::new()
            .name("request".into())
            .spawn(move || answer(&state, request));
        if let Err(e) = spawned {
            errln!("warning: cannot answer a request: {e}");
        }
    }
    outln!("Stopped.");
    ExitCode::SUCCESS
}

/// Ends the accept loop on SIGINT/SIGTERM/SIGHUP, so `run` returns and the process
/// exits normally (nothing of serve's is on disk to clean up).
#[cfg(unix)]
fn stop_on_signals(server: Arc<Server>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                server.unblock();
            }
        })?;
    Ok(())
}

#[cfg(not(unix))]
fn stop_on_signals(_server: Arc<Server>) -> std::io::Result<()> {
    Ok(())
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        errln!("warning: cannot open a browser ({opener}: {e}); open {url} by hand");
    }
}

fn print_timings(on: bool, steps: &[(&'static str, Duration)]) {
    if on {
        for (step, took) in steps {
            errln!("{:>8.3} s  {step}", took.as_secs_f64());
        }
    }
}

/// Prints warnings when they differ from the last ones printed, so an unchanged
/// warning is not repeated on every save.
fn print_warnings(warnings: &Diagnostics, last: &mut Option<String>) {
    let text = if warnings.is_empty() {
        String::new()
    } else {
        warnings.render()
    };
    if last.as_deref() != Some(text.as_str()) {
        err!("{text}");
        *last = Some(text);
    }
}

fn rebuild_loop(
    state: &State,
    mut session: tebiki::Session,
    rx: Receiver<Vec<PathBuf>>,
    mut watching: watch::Watching,
    sources: &watch::Sources,
    timings: bool,
) {
    let mut last_warnings = None;
    // Sources changed since the last generation was published: an asset saved while
    // the site was broken must be read again when it is fixed.
    let mut unpublished: Vec<PathBuf> = Vec::new();
    // The last generation with every file, shown again when finishing one fails.
    let mut complete = state.snapshot().site.clone();
    // Paths that arrived while the whole-site files were due: the next rebuild's.
    let mut early: Option<Vec<PathBuf>> = None;
    loop {
        let mut changed = match early.take() {
            Some(paths) => paths,
            None => match rx.recv() {
                Ok(paths) => paths,
                Err(_) => return,
            },
        };
        loop {
            let quiet = if changed.len() > BULK {
                QUIET_BULK
            } else {
                QUIET
            };
            match rx.recv_timeout(quiet) {
                Ok(more) => changed.extend(more),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        changed.sort();
        changed.dedup();
        watching.add(sources, &changed);
        unpublished.extend(changed.iter().cloned());
        let started = Instant::now();
        let before = state.snapshot();
        match session.update_pages(&changed) {
            Ok(built) => {
                print_warnings(&built.diagnostics, &mut last_warnings);
                print_timings(timings, &built.timings);
                let made = Instant::now();
                let pending = session.pending();
                let no_data = Default::default();
                let (generation, diff) = Generation::next(
                    &before.site,
                    state.next_id(),
                    session.files(),
                    &built.changed,
                    &unpublished,
                    if pending {
                        session.data_paths()
                    } else {
                        &no_data
                    },
                );
                unpublished.clear();
                print_timings(timings, &[("serve: the new generation", made.elapsed())]);
                if diff.is_empty() && before.error.is_none() && !pending && !before.pending {
                    continue;
                }
                let site = publish(
                    state,
                    Some(before.site.clone()),
                    generation,
                    &diff,
                    pending,
                    false,
                );
                if !pending {
                    complete = site;
                }
                outln!(
                    "Rebuilt in {} ms: {} files changed",
                    started.elapsed().as_millis(),
                    diff.count(&complete)
                );
            }
            Err(diagnostics) => {
                let site = if before.pending {
                    complete.clone()
                } else {
                    before.site.clone()
                };
                broken(state, site, &diagnostics);
                last_warnings = None;
            }
        }
        if session.pending() {
            // Paths already waiting make the whole-site files of this update moot.
            if let Ok(more) = rx.try_recv() {
                early = Some(more);
                continue;
            }
            match session.finish() {
                Ok(done) => {
                    print_warnings(&done.diagnostics, &mut last_warnings);
                    print_timings(timings, &done.timings);
                    // What finishing names is all that changed since the pages, whose
                    // generation it completes: the same id, so a page served from
                    // either is current (no reload when it connects).
                    let pages = state.snapshot().site.clone();
                    let (generation, diff) = Generation::next(
                        &pages,
                        pages.id.clone(),
                        session.files(),
                        &done.changed,
                        &[],
                        &Default::default(),
                    );
                    let diff = diff.within(&done.changed);
                    complete = publish(state, None, generation, &diff, false, true);
                    outln!(
                        "Search index and exports made in {} ms",
                        started.elapsed().as_millis()
                    );
                }
                Err(diagnostics) => {
                    broken(state, complete.clone(), &diagnostics);
                    last_warnings = None;
                }
            }
        }
        let _ = std::io::stdout().flush();
    }
}

/// Publishes `generation` (or `unchanged` again when nothing changed) and tells open
/// pages what changed. Returns the site published.
fn publish(
    state: &State,
    unchanged: Option<Arc<Generation>>,
    generation: Generation,
    diff: &Changed,
    pending: bool,
    was_pending: bool,
) -> Arc<Generation> {
    let listed = match diff {
        Changed::Paths(p) => serde_json::json!(p),
        Changed::All => serde_json::Value::Null,
    };
    let site = match unchanged {
        // Fixed back to what was served: no page changed, the error goes.
        Some(previous) if diff.is_empty() => previous,
        _ => Arc::new(generation),
    };
    state.publish(Snapshot {
        site: site.clone(),
        error: None,
        pending,
    });
    // The whole-site files of a generation whose pages are out have an event of their
    // own: an open page treats both alike, and "reload" stays one per rebuild.
    state.hub.broadcast(events::event(
        if was_pending { "data" } else { "reload" },
        &serde_json::json!({ "generation": site.id, "changed": listed }),
    ));
    site
}

/// Shows a failed rebuild's errors (terminal and open pages) over `site`.
fn broken(state: &State, site: Arc<Generation>, diagnostics: &Diagnostics) {
    let text = diagnostics.render();
    err!("{text}");
    errln!("The last good site is still served; fix the file to reload.");
    state.publish(Snapshot {
        site,
        error: Some(text.clone()),
        pending: false,
    });
    state.hub.broadcast(events::event(
        "broken",
        &serde_json::json!({ "error": text }),
    ));
}

fn header(name: &str, value: &str) -> Header {
    // Names and values here are ASCII made by serve; a failure would be a bug here.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("a valid header")
    })
}

fn respond<R: std::io::Read>(request: Request, response: Response<R>, content_type: &str) {
    let response = response
        .with_header(header("Content-Type", content_type))
        // A preview must never show a page from the browser's cache.
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    // A client that went away is no error of serve's.
    let _ = request.respond(response);
}

fn text(request: Request, status: u16, body: &str) {
    respond(
        request,
        Response::from_string(body).with_status_code(status),
        "text/plain; charset=utf-8",
    );
}

fn answer(state: &State, request: Request) {
    use tiny_http::Method;
    if !matches!(request.method(), Method::Get | Method::Head) {
        return text(request, 405, "serve answers GET and HEAD only\n");
    }
    let url = request.url().to_string();
    match request::parse(&url, &state.base) {
        Target::Bad(why) => text(request, 400, &format!("bad request: {why}\n")),
        Target::Redirect(to) => redirect(request, &to),
        Target::Own(name) => own(state, request, &name),
        Target::Outside => not_found(state, request, &url),
        Target::Site(path) => site_file(state, request, &url, &path),
    }
}

fn redirect(request: Request, to: &str) {
    let response = Response::from_string("")
        .with_status_code(301)
        .with_header(header("Location", to));
    respond(request, response, "text/plain; charset=utf-8");
}

fn own(state: &State, request: Request, name: &str) {
    match name {
        "reload.js" => respond(
            request,
            Response::from_string(RELOAD_JS),
            "text/javascript; charset=utf-8",
        ),
        "events" => {
            // Subscribed before the state is read: no rebuild can fall between the two.
            let rx = state.hub.subscribe();
            let snap = state.snapshot();
            let first = events::event(
                "state",
                &serde_json::json!({
                    "generation": snap.site.id,
                    "error": snap.error,
                    "changed": serde_json::Value::Null,
                }),
            );
            events::stream(request.into_writer(), first, rx);
        }
        _ => text(request, 404, "not one of serve's own files\n"),
    }
}

fn site_file(state: &State, request: Request, url: &str, path: &str) {
    let mut snap = state.snapshot();
    if snap.pending && !snap.site.files.contains_key(path) {
        snap = state.complete_snapshot();
    }
    if snap.site.files.is_empty() {
        return broken_site(state, request, &snap);
    }
    let Some(body) = snap.site.files.get(path) else {
        // A folder asked for without its slash.
        if snap
            .site
            .files
            .contains_key(format!("{path}/index.html").as_str())
        {
            let bare = url.split(['?', '#']).next().unwrap_or(url);
            return redirect(request, &format!("{bare}/"));
        }
        return not_found(state, request, url);
    };
    let kind = request::content_type(path);
    if kind.starts_with("text/html") {
        let tag = inject::tag(&state.base, &snap.site.id, false);
        let page = inject::page(&body.bytes(), &tag);
        respond(request, Response::from_data(page), kind);
    } else {
        let (reader, len) = body.reader();
        respond(
            request,
            Response::new(200.into(), Vec::new(), reader, Some(len), None),
            kind,
        );
    }
}

fn page(state: &State, generation: &str, missing: bool, title: &str, main: &str) -> String {
    let tag = inject::tag(&state.base, generation, missing);
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; \
         script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'\">\n\
         <title>{title}</title>\n<link rel=\"stylesheet\" href=\"{base}style.css\">\n{tag}\n\
         </head>\n<body>\n<main id=\"main\" class=\"wrap\">\n<h1>{title}</h1>\n{main}\n</main>\n\
         </body>\n</html>\n",
        base = state.base
    )
}

fn not_found(state: &State, request: Request, url: &str) {
    let snap = state.snapshot();
    let shown = tebiki::text::escape_html(url.split(['?', '#']).next().unwrap_or(url));
    let html = page(
        state,
        &snap.site.id,
        true,
        "ページが見つかりません",
        &format!(
            "<p><code>{shown}</code> はこのサイトにありません。</p>\n\
             <p><a href=\"{}\">トップページへ</a></p>",
            state.base
        ),
    );
    respond(
        request,
        Response::from_string(html).with_status_code(404),
        "text/html; charset=utf-8",
    );
}

/// Before the first good build there is no page to show: the errors instead.
fn broken_site(state: &State, request: Request, snap: &Snapshot) {
    let errors = tebiki::text::escape_html(snap.error.as_deref().unwrap_or(""));
    let html = page(
        state,
        &snap.site.id,
        true,
        "ビルドエラー",
        &format!(
            "<p>サイトをビルドできません。直すと自動で表示されます。</p>\n<pre>{errors}</pre>"
        ),
    );
    respond(
        request,
        Response::from_string(html).with_status_code(500),
        "text/html; charset=utf-8",
    );
}
