//! tebiki: the static site generator of the statistics and information-policy handbook.
//!
//! The pipeline, one stage per module, data flowing one way:
//! [`content`] (load, Markdown bodies included) → [`resolve`] (site graph) →
//! [`render`] (pages through templates, into memory) → [`outputs`] and [`privacy`]
//! (checks of the whole output) → [`output`] (staging folder, atomic swap).

// A diagnostic is a few strings and a location, returned on the cold path of a
// failed read; boxing it would only add noise at every call site.
#![allow(clippy::result_large_err)]

pub mod calendar;
pub mod content;
pub mod diagnostics;
pub mod export;
pub mod formats;
pub mod kind;
pub mod output;
pub mod outputs;
pub mod privacy;
pub mod progress;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod session;
pub mod settings;
pub mod text;
pub mod urls;

use calendar::Date;
use content::body::{markdown, Body, BodySource};
use content::Content;
use diagnostics::{Diagnostic, Diagnostics};
use outputs::{Data, OutputFile};
use rayon::prelude::*;
use render::views::Views;
use render::RenderOptions;
use settings::Profile;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use session::{Session, Update};
pub use settings::Profile as BuildProfile;

/// What a build or check is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site's folder: holds `content/` and optionally `themes/`.
    pub root: PathBuf,
    /// Where the site is written; relative paths are relative to the current folder.
    pub output: PathBuf,
    pub profile: Profile,
    pub base_path: String,
    /// The day "upcoming events" count from; defaults to the first day of the newest
    /// fiscal year in `schedule/`, so builds stay reproducible.
    pub today: Option<Date>,
    /// A preview build: drafts are published (marked as drafts) and may be referenced.
    pub drafts: bool,
    /// Replaces an output folder that tebiki did not write (one without the
    /// [`output::MARKER`] file); the guard of sources, home and `/` still holds.
    pub force: bool,
    /// Told how many pages are written, a few times a second (the command line sets it
    /// when stderr is a terminal).
    pub progress: Option<progress::Report>,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Options {
            output: root.join("public"),
            root,
            profile: Profile::Intranet,
            base_path: "/".into(),
            today: None,
            drafts: false,
            force: false,
            progress: None,
        }
    }
}

/// What a successful run did.
#[derive(Debug)]
pub struct Report {
    pub pages: usize,
    pub files_copied: usize,
    pub elapsed: Duration,
    /// Warnings (a successful run has no errors).
    pub diagnostics: Diagnostics,
    /// How long each stage took, in pipeline order (`--timings` prints them).
    pub timings: Vec<(&'static str, Duration)>,
}

/// Wall-clock time of each pipeline stage.
pub(crate) struct Timer {
    last: Instant,
    steps: Vec<(&'static str, Duration)>,
}

impl Timer {
    pub(crate) fn start() -> Self {
        Timer {
            last: Instant::now(),
            steps: Vec::new(),
        }
    }

    pub(crate) fn step(&mut self, name: &'static str) {
        let now = Instant::now();
        self.steps.push((name, now - self.last));
        self.last = now;
    }

    pub(crate) fn total(&self) -> Duration {
        self.steps.iter().map(|(_, d)| *d).sum()
    }
}

/// A site loaded, rendered to bodies and resolved: everything `check` validates.
struct Prepared {
    content: Content,
    bodies: Vec<Body>,
    home: Option<Body>,
    graph: resolve::Graph,
    tera: Option<tera::Tera>,
    theme: render::theme::Theme,
    diagnostics: Diagnostics,
}

pub(crate) fn render_bodies(content: &Content) -> (Vec<Body>, Option<Body>, Vec<Diagnostic>) {
    let results: Vec<(Body, Vec<Diagnostic>)> = content
        .items
        .par_iter()
        .map(|item| {
            markdown::render(&BodySource {
                path: &item.source.path,
                text: &item.source.text,
                body_start: item.source.body_start,
                lines: &item.source.lines,
            })
        })
        .collect();
    let mut diags = Vec::new();
    let bodies = results
        .into_iter()
        .map(|(r, d)| {
            diags.extend(d);
            r
        })
        .collect();
    let home = content.home.as_ref().map(|h| {
        let (r, d) = markdown::render(&BodySource {
            path: &h.path,
            text: &h.text,
            body_start: h.body_start,
            lines: &h.lines,
        });
        diags.extend(d);
        r
    });
    (bodies, home, diags)
}

/// The bodies and the site graph of loaded content, with what they found wrong.
fn analyse(
    content: &Content,
    diagnostics: &mut Diagnostics,
    timer: &mut Timer,
) -> (Vec<Body>, Option<Body>, resolve::Graph) {
    let (bodies, home, body_diags) = render_bodies(content);
    diagnostics.extend(body_diags);
    timer.step("render Markdown");
    let (graph, graph_diags) = resolve::resolve(content, &bodies);
    diagnostics.extend(graph_diags);
    timer.step("resolve references");
    (bodies, home, graph)
}

/// Validates a site given as files in memory (paths relative to `content/`): loading,
/// Markdown and the site graph, without a theme or an output. The fuzz target drives
/// this; it must never panic, whatever the bytes.
pub fn check_files(files: Vec<(PathBuf, Vec<u8>)>) -> Diagnostics {
    let (content, mut diagnostics) = content::from_memory(files);
    analyse(&content, &mut diagnostics, &mut Timer::start());
    diagnostics.sorted()
}

fn prepare(options: &Options, timer: &mut Timer) -> Prepared {
    content::body::highlight::warm_up();
    let (mut content, mut diagnostics) = content::load(&options.root.join("content"));
    if options.drafts {
        content.publish_drafts();
    }
    timer.step("load content");
    let (bodies, home, graph) = analyse(&content, &mut diagnostics, timer);
    let theme = match render::theme::load(&options.root, content.site.theme.as_deref()) {
        Ok(t) => t,
        Err(d) => {
            diagnostics.push(d);
            render::theme::Theme::default()
        }
    };
    let tera = match render::compile(&theme) {
        Ok(t) => Some(t),
        Err(d) => {
            diagnostics.push(d);
            None
        }
    };
    timer.step("load theme");
    Prepared {
        content,
        bodies,
        home,
        graph,
        tera,
        theme,
        diagnostics,
    }
}

/// Validates the whole site without writing anything: the same stages as [`build`],
/// rendering included (into a sink that keeps nothing), so `check` refuses what
/// `build` refuses, with the same `--profile` and `--today`.
pub fn check(options: &Options) -> Result<Report, Diagnostics> {
    let mut timer = Timer::start();
    let mut prepared = prepare(options, &mut timer);
    prepared.diagnostics.extend(
        prepared
            .content
            .items
            .iter()
            .filter_map(content::item::missing_source),
    );
    prepared.diagnostics.extend(
        prepared
            .content
            .items
            .iter()
            .filter_map(scaffold::leftover_placeholder),
    );
    let (counts, diagnostics, _) = run(options, prepared, Destination::Nowhere, &mut timer)?;
    Ok(Report {
        pages: counts.0,
        files_copied: counts.1,
        elapsed: timer.total(),
        diagnostics,
        timings: timer.steps,
    })
}

/// The site a build would write, held in memory and not written anywhere: every output
/// file with its source (assets as the paths they are copied from). `serve` answers
/// requests from it; it refuses exactly what `build` refuses.
pub struct InMemory {
    pub files: Vec<OutputFile>,
    pub report: Report,
}

/// Builds into memory: the whole pipeline of [`build`], the privacy guard included,
/// without touching any output folder.
pub fn build_in_memory(options: &Options) -> Result<InMemory, Diagnostics> {
    let mut timer = Timer::start();
    let prepared = prepare(options, &mut timer);
    let (counts, diagnostics, files) = run(options, prepared, Destination::Memory, &mut timer)?;
    Ok(InMemory {
        files,
        report: Report {
            pages: counts.0,
            files_copied: counts.1,
            elapsed: timer.total(),
            diagnostics,
            timings: timer.steps,
        },
    })
}

/// Validates, checks the output as a whole, then writes the site into a staging folder
/// and swaps it in. Nothing is written unless the content and every output path passed
/// their checks; a public build also holds every file in memory until the privacy
/// guard has seen them all.
pub fn build(options: &Options) -> Result<Report, Diagnostics> {
    let mut timer = Timer::start();
    let output =
        output::check_output_path(&options.output, &options.root, options.force).map_err(single)?;
    let prepared = prepare(options, &mut timer);
    let (counts, diagnostics, _) = run(options, prepared, Destination::Disk(&output), &mut timer)?;
    Ok(Report {
        pages: counts.0,
        files_copied: counts.1,
        elapsed: timer.total(),
        diagnostics,
        timings: timer.steps,
    })
}

pub(crate) fn default_today(content: &Content) -> Date {
    let fy = content.schedules.last().map_or(2022, |s| s.fiscal_year);
    Date {
        year: fy,
        month: 4,
        day: 1,
    }
}

/// What a run gave: (pages, other files), the warnings, the files kept in memory.
type Ran = ((usize, usize), Diagnostics, Vec<OutputFile>);

/// Where a run's files go.
#[derive(Clone, Copy)]
enum Destination<'a> {
    /// Staged beside the output folder, then swapped in.
    Disk(&'a output::Target),
    /// Kept and returned (`serve`).
    Memory,
    /// Rendered and dropped (`check`).
    Nowhere,
}

/// Everything after preparing: the plan of every output file with its source, the
/// checks of the plan, rendering (into `destination`), the privacy guard of the
/// public profile. Returns (pages, other files), the warnings and the files kept in
/// memory, or every error.
fn run(
    options: &Options,
    prepared: Prepared,
    destination: Destination,
    timer: &mut Timer,
) -> Result<Ran, Diagnostics> {
    let output = match destination {
        Destination::Disk(target) => Some(target),
        _ => None,
    };
    let in_memory = matches!(destination, Destination::Memory);
    let Prepared {
        content,
        bodies,
        home,
        graph,
        tera,
        theme,
        mut diagnostics,
    } = prepared;
    let Some(tera) = tera else {
        return Err(diagnostics.sorted());
    };
    let render_options = RenderOptions {
        profile: options.profile,
        base_path: options.base_path.clone(),
        today: options.today.unwrap_or_else(|| default_today(&content)),
    };
    let site = render::SitePages {
        views: Views {
            content: &content,
            graph: &graph,
            bodies: &bodies,
            profile: options.profile,
            today: render_options.today,
        },
        options: &render_options,
        home: home.as_ref(),
    };
    let content_dir = options.root.join("content");
    let plan = plan(&site, &theme, &content_dir);
    diagnostics.extend(outputs::check_paths(&plan, &|o| source_line(&content, o)));
    timer.step("plan the output");
    let counts = (
        plan.iter().filter(|p| p.is_page()).count(),
        plan.iter().filter(|p| !p.is_page()).count(),
    );
    let scanner = match options.profile {
        Profile::Public => privacy::Scanner::new(&content),
        Profile::Intranet => None,
    };
    // Pages are written as they are rendered when nothing can refuse them later: an
    // intranet build whose content and paths passed. A public build keeps them until
    // the guard has seen every file; check keeps nothing.
    // Only from here on is anything written: the folders holding the output, the
    // lock, the staging folder.
    let staging = match output {
        Some(out) if !diagnostics.has_errors() && scanner.is_none() => {
            let (staging, warnings) = output::Staging::create(out).map_err(single)?;
            diagnostics.extend(warnings);
            Some(staging)
        }
        _ => None,
    };
    let keep = (in_memory || output.is_some()) && staging.is_none() && !diagnostics.has_errors();
    let rendered = render_plan(
        &site,
        &tera,
        plan,
        scanner.as_ref(),
        staging.as_ref(),
        keep,
        if output.is_some() {
            options.progress
        } else {
            None
        },
    );
    diagnostics.extend(fold_template_errors(rendered.diagnostics));
    timer.step("render and write pages");
    if let Some(scanner) = &scanner {
        let site_yaml = std::fs::read_to_string(content_dir.join("site.yaml")).ok();
        diagnostics.extend(privacy::report(
            &content,
            scanner,
            &rendered.names_found,
            site_yaml.as_deref(),
        ));
        timer.step("privacy guard");
    }
    let mut diagnostics = diagnostics.sorted();
    if diagnostics.has_errors() {
        // Dropping the staging folder removes it; the old output stays as it was.
        return Err(diagnostics);
    }
    if in_memory {
        return Ok((counts, diagnostics, rendered.kept));
    }
    let staging = match (staging, output) {
        (Some(staging), _) => Some(staging),
        (None, Some(out)) => {
            let (staging, warnings) = output::Staging::create(out).map_err(single)?;
            diagnostics.extend(warnings);
            write_files(&rendered.kept, &staging).map_err(|e| io_error(staging.target(), e))?;
            timer.step("write files");
            Some(staging)
        }
        (None, None) => None,
    };
    if let Some(staging) = staging {
        // Deleting the old output only warns: the new site is in place by then.
        diagnostics.extend(staging.commit().map_err(single)?);
        timer.step("swap in the new output");
    }
    Ok((counts, diagnostics.sorted(), Vec::new()))
}

/// A template that fails on one page usually fails on all pages of its kind: one
/// error per template and cause, naming the first page (in plan order) and how many
/// more, instead of ten thousand copies.
pub(crate) fn fold_template_errors(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut repeats: Vec<usize> = Vec::new();
    let cause = |d: &Diagnostic| {
        d.message
            .split_once(" failed: ")
            .map(|(_, c)| c.to_string())
    };
    for d in diagnostics {
        let same = (d.code == "E031")
            .then(|| cause(&d))
            .flatten()
            .and_then(|c| {
                out.iter().position(|o| {
                    o.code == "E031" && o.location == d.location && cause(o).as_ref() == Some(&c)
                })
            });
        match same {
            Some(n) => repeats[n] += 1,
            None => {
                out.push(d);
                repeats.push(0);
            }
        }
    }
    for (d, n) in out.iter_mut().zip(repeats) {
        if n > 0 {
            d.message.push_str(&format!(" (and {n} more pages)"));
        }
    }
    out
}

/// The text of the line an origin points at, for the diagnostic.
pub(crate) fn source_line(content: &Content, origin: &outputs::Origin) -> Option<String> {
    let (path, line, _, _) = origin.file.as_ref()?;
    let text = content
        .items
        .iter()
        .find(|i| &i.source.path == path)
        .map(|i| i.source.text.as_str())
        .or_else(|| {
            content
                .schedules
                .iter()
                .find(|s| &s.path == path)
                .map(|s| s.text.as_str())
        })?;
    text.split('\n')
        .nth(line.checked_sub(1)?)
        .map(str::to_string)
}

/// Every output file of the site, in a fixed order: item pages, the other pages, the
/// theme's static files, the content's own files, the exports, the search index. Item pages are only
/// named here; their views are built while they render.
pub(crate) fn plan(
    site: &render::SitePages,
    theme: &render::theme::Theme,
    content_dir: &Path,
) -> Vec<Planned> {
    let content = site.views.content;
    let mut plan: Vec<Planned> = Vec::with_capacity(
        site.views.graph.published.len() + content.assets.len() + theme.assets.len() + 64,
    );
    for &i in &site.views.graph.published {
        let item = &content.items[i];
        plan.push(Planned {
            path: outputs::page_path(&urls::item_url(item.kind, &item.id)),
            origin: render::item_origin(item),
            job: Job::Item(i),
        });
    }
    for page in site.pages() {
        plan.push(Planned {
            path: outputs::page_path(&page.url),
            origin: page.origin.clone(),
            job: Job::Page(Box::new(page)),
        });
    }
    if render::print::wanted(site) {
        plan.push(Planned {
            path: outputs::page_path(render::print::URL),
            origin: outputs::Origin::generated("the print document (every item on one page)"),
            job: Job::Print,
        });
    }
    let theme_dir = content.site.theme.as_deref().unwrap_or("default");
    for (name, bytes) in &theme.assets {
        plan.push(Planned {
            path: name.clone(),
            origin: outputs::Origin::generated(format!(
                "the theme's file themes/{theme_dir}/static/{name}"
            )),
            job: Job::Ready(Data::Bytes(bytes.clone())),
        });
    }
    plan.push(Planned {
        path: "syntax.css".into(),
        origin: outputs::Origin::generated("the highlighting stylesheet"),
        job: Job::Ready(Data::Bytes(
            content::body::highlight::stylesheet().into_bytes(),
        )),
    });
    for asset in &content.assets {
        let rel = asset.to_string_lossy().replace('\\', "/");
        plan.push(Planned {
            origin: outputs::Origin::file(asset, format!("the file content/{rel}")),
            path: rel,
            job: Job::Ready(Data::Copy(content_dir.join(content.disk_path(asset)))),
        });
    }
    // Calendars come first among the exports, in schedule order: each yearly file, then
    // one per track (src/export/ical.rs).
    let mut calendar_origins = content.schedules.iter().flat_map(|s| {
        std::iter::once(render::schedule_origin(s)).chain(s.tracks.iter().map(|t| {
            let line = s
                .text
                .split('\n')
                .position(|l| l.contains("id:") && l.contains(t.id.as_str()))
                .map_or(0, |n| n + 1);
            outputs::Origin::at(
                &s.path,
                (line, 1, 1),
                format!("the track `{}` of {}", t.id, s.path.display()),
            )
        }))
    });
    for (path, bytes) in export::files(site) {
        let origin = match path
            .ends_with(".ics")
            .then(|| calendar_origins.next())
            .flatten()
        {
            Some(o) => o,
            None => outputs::Origin::generated(format!("the generated file {path}")),
        };
        plan.push(Planned {
            path,
            origin,
            job: Job::Ready(Data::Bytes(bytes)),
        });
    }
    // The search index of every published page (src/search/).
    for (path, bytes) in search::records::index(&site.views) {
        plan.push(Planned {
            origin: outputs::Origin::generated(format!("the search index file {path}")),
            path,
            job: Job::Ready(Data::Bytes(bytes)),
        });
    }
    plan
}

/// How a planned output file gets its bytes.
pub(crate) enum Job {
    Item(resolve::ItemRef),
    Page(Box<render::Page>),
    Ready(Data),
    /// The print document: made after every item page, from their main parts.
    Print,
}

/// One output file before rendering: where it goes and what makes it.
pub(crate) struct Planned {
    pub(crate) path: String,
    pub(crate) origin: outputs::Origin,
    pub(crate) job: Job,
}

impl Planned {
    pub(crate) fn is_page(&self) -> bool {
        matches!(self.job, Job::Item(_) | Job::Page(_) | Job::Print)
    }
}

impl outputs::Placed for Planned {
    fn path(&self) -> &str {
        &self.path
    }
    fn origin(&self) -> &outputs::Origin {
        &self.origin
    }
}

/// What rendering the plan gave besides the files written.
struct RenderResult {
    diagnostics: Vec<Diagnostic>,
    /// Output files naming contact persons (public profile): path and contact rows.
    names_found: Vec<(String, std::collections::BTreeSet<usize>)>,
    /// The files, when asked to keep them.
    kept: Vec<OutputFile>,
}

/// Renders every planned file in parallel (item pages, most of the work, first),
/// scanning each for persons' names when `scanner` is given, then writing it into
/// `staging`, or keeping it (`keep`), or dropping it.
fn render_plan(
    site: &render::SitePages,
    tera: &tera::Tera,
    plan: Vec<Planned>,
    scanner: Option<&privacy::Scanner>,
    staging: Option<&output::Staging>,
    keep: bool,
    report: Option<progress::Report>,
) -> RenderResult {
    let shared = site.site_context();
    let pages = plan.iter().filter(|p| p.is_page()).count();
    let progress = report.map(|r| progress::Progress::start(r, pages));
    // With a print document, each item's main part is kept for it as the page renders
    // (render/print.rs), so no item renders twice.
    let mains = std::sync::Mutex::new(std::collections::HashMap::new());
    let prints = render::print::wanted(site);
    type Found = Option<(String, std::collections::BTreeSet<usize>)>;
    type One = (Option<OutputFile>, Option<Diagnostic>, Found);
    let finish =
        |planned: Planned, is_page: bool, data: Data, mut diagnostic: Option<Diagnostic>| -> One {
            let found = scanner
                .map(|s| s.scan(&planned.path, &data))
                .filter(|rows| !rows.is_empty())
                .map(|rows| (planned.path.clone(), rows));
            if let (Some(staging), None) = (staging, &diagnostic) {
                let written = match &data {
                    Data::Bytes(bytes) => staging.write(&planned.path, bytes),
                    Data::Copy(from) => staging.copy(from, &planned.path),
                };
                if let Err(e) = written {
                    diagnostic = Some(io_diag(staging.target(), e));
                }
            }
            if let (Some(p), true) = (&progress, is_page) {
                p.tick();
            }
            let file = keep.then_some(OutputFile {
                path: planned.path,
                origin: planned.origin,
                data,
            });
            (file, diagnostic, found)
        };
    let (print_job, plan): (Vec<Planned>, Vec<Planned>) =
        plan.into_iter().partition(|p| matches!(p.job, Job::Print));
    let render_one = |mut planned: Planned| -> One {
        let mut diagnostic = None;
        let is_page = planned.is_page();
        // The job is taken; what stays behind is only the path and origin.
        let job = std::mem::replace(&mut planned.job, Job::Print);
        let data = match job {
            Job::Ready(data) => data,
            Job::Item(i) if prints => {
                let page = export::item_page(site, i);
                let partial = render::print::partial(page.template);
                match render::render_page_and_main(tera, &shared, page, partial) {
                    Ok((_, main, html)) => {
                        if let Ok(mut m) = mains.lock() {
                            m.insert(i, main);
                        }
                        Data::Bytes(html.into_bytes())
                    }
                    Err(d) => {
                        diagnostic = Some(d);
                        Data::Bytes(Vec::new())
                    }
                }
            }
            Job::Item(i) => page_bytes(tera, &shared, export::item_page(site, i), &mut diagnostic),
            Job::Page(page) => page_bytes(tera, &shared, *page, &mut diagnostic),
            Job::Print => Data::Bytes(Vec::new()),
        };
        finish(planned, is_page, data, diagnostic)
    };
    let mut results: Vec<One> = plan.into_par_iter().map(render_one).collect();
    if let Some(planned) = print_job.into_iter().next() {
        let mains = mains.into_inner().unwrap_or_default();
        let (data, diagnostic) = match render::print::document(site, tera, &shared, mains) {
            Some(Ok((_, html))) => (Data::Bytes(html.into_bytes()), None),
            Some(Err(d)) => (Data::Bytes(Vec::new()), Some(d)),
            None => (Data::Bytes(Vec::new()), None),
        };
        results.push(finish(planned, true, data, diagnostic));
    }
    if let Some(p) = &progress {
        p.finish();
    }
    let mut rendered = RenderResult {
        diagnostics: Vec::new(),
        names_found: Vec::new(),
        kept: Vec::new(),
    };
    for (file, diagnostic, found) in results {
        rendered.diagnostics.extend(diagnostic);
        rendered.names_found.extend(found);
        rendered.kept.extend(file);
    }
    rendered
}

/// A page's HTML, or nothing and the reason.
fn page_bytes(
    tera: &tera::Tera,
    shared: &tera::Context,
    page: render::Page,
    diagnostic: &mut Option<Diagnostic>,
) -> Data {
    match render::render_page(tera, shared, page) {
        Ok((_, html)) => Data::Bytes(html.into_bytes()),
        Err(d) => {
            *diagnostic = Some(d);
            Data::Bytes(Vec::new())
        }
    }
}

/// Writes every file into the staging folder, in parallel.
fn write_files(files: &[OutputFile], staging: &output::Staging) -> std::io::Result<()> {
    files.par_iter().try_for_each(|file| match &file.data {
        Data::Bytes(bytes) => staging.write(&file.path, bytes),
        Data::Copy(from) => staging.copy(from, &file.path),
    })
}

pub(crate) fn single(d: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.push(d);
    all
}

fn io_diag(output: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error("E041", output, format!("cannot write the output: {e}"))
        .with_hint("check that the output folder's parent exists and is writable")
}

fn io_error(output: &Path, e: std::io::Error) -> Diagnostics {
    single(io_diag(output, e))
}
