//! tebiki: the static site generator of the statistics and information-policy handbook.
//!
//! The pipeline, one stage per module, data flowing one way:
//! [`content`] (load) → [`render::markdown`] (bodies) → [`resolve`] (site graph) →
//! [`render`] (pages through templates) → [`output`] (staging folder, atomic swap).

// A diagnostic is a few strings and a location, returned on the cold path of a
// failed read; boxing it would only add noise at every call site.
#![allow(clippy::result_large_err)]

pub mod calendar;
pub mod content;
pub mod diagnostics;
pub mod export;
pub mod output;
pub mod render;
pub mod resolve;
pub mod urls;

use calendar::Date;
use content::Content;
use diagnostics::{Diagnostic, Diagnostics};
use rayon::prelude::*;
use render::markdown::{self, BodySource, Rendered};
use render::views::{Profile, Views};
use render::RenderOptions;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use render::views::Profile as BuildProfile;

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
struct Timer {
    last: Instant,
    steps: Vec<(&'static str, Duration)>,
}

impl Timer {
    fn start() -> Self {
        Timer {
            last: Instant::now(),
            steps: Vec::new(),
        }
    }

    fn step(&mut self, name: &'static str) {
        let now = Instant::now();
        self.steps.push((name, now - self.last));
        self.last = now;
    }

    fn total(&self) -> Duration {
        self.steps.iter().map(|(_, d)| *d).sum()
    }
}

/// A site loaded, rendered to bodies and resolved: everything `check` validates.
struct Prepared {
    content: Content,
    bodies: Vec<Rendered>,
    home: Option<Rendered>,
    graph: resolve::Graph,
    tera: Option<tera::Tera>,
    theme: render::theme::Theme,
    diagnostics: Diagnostics,
}

fn render_bodies(content: &Content) -> (Vec<Rendered>, Option<Rendered>, Vec<Diagnostic>) {
    let results: Vec<(Rendered, Vec<Diagnostic>)> = content
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
) -> (Vec<Rendered>, Option<Rendered>, resolve::Graph) {
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
    render::highlight::warm_up();
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

/// Validates the whole site without writing anything.
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
    let diagnostics = prepared.diagnostics.sorted();
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Report {
        pages: 0,
        files_copied: 0,
        elapsed: timer.total(),
        diagnostics,
        timings: timer.steps,
    })
}

fn default_today(content: &Content) -> Date {
    let fy = content.schedules.last().map_or(2022, |s| s.fiscal_year);
    Date {
        year: fy,
        month: 4,
        day: 1,
    }
}

/// Validates, then renders the site into a staging folder and swaps it in.
pub fn build(options: &Options) -> Result<Report, Diagnostics> {
    let mut timer = Timer::start();
    let content_dir = options.root.join("content");
    let output =
        output::check_output_path(&options.output, &options.root, &content_dir).map_err(single)?;
    let Prepared {
        content,
        bodies,
        home,
        graph,
        tera,
        theme,
        mut diagnostics,
    } = prepare(options, &mut timer);
    let tera = match tera {
        Some(t) if !diagnostics.has_errors() => t,
        _ => return Err(diagnostics.sorted()),
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
    let staging = output::Staging::create(&output).map_err(|e| io_error(&output, e))?;

    let pages = write_pages(&site, &tera, &staging, &mut diagnostics);
    timer.step("render and write pages");
    let files_copied =
        write_files(&site, &theme, &content_dir, &staging).map_err(|e| io_error(&output, e))?;
    timer.step("copy assets, write exports");
    if diagnostics.has_errors() {
        // Dropping the staging folder removes it; the old output stays as it was.
        return Err(diagnostics.sorted());
    }
    staging.commit().map_err(|e| io_error(&output, e))?;
    timer.step("swap in the new output");
    Ok(Report {
        pages,
        files_copied,
        elapsed: timer.total(),
        diagnostics: diagnostics.sorted(),
        timings: timer.steps,
    })
}

/// Renders every page in parallel, item pages first (most of the work), writing each as
/// soon as it is rendered so no page is held in memory longer than needed.
fn write_pages(
    site: &render::SitePages,
    tera: &tera::Tera,
    staging: &output::Staging,
    diagnostics: &mut Diagnostics,
) -> usize {
    let shared = site.site_context();
    let write = |page: render::Page| -> Result<(), Diagnostic> {
        let (url, html) = render::render_page(tera, &shared, page)?;
        staging
            .write_page(&url, &html)
            .map_err(|e| io_diag(staging.target(), e))
    };
    let items: Vec<Result<(), Diagnostic>> = site
        .views
        .graph
        .published
        .par_iter()
        .map(|&i| write(export::item_page(site, i)))
        .collect();
    let others = site.pages();
    let count = items.len() + others.len();
    let others: Vec<Result<(), Diagnostic>> = others.into_par_iter().map(write).collect();
    diagnostics.extend(items.into_iter().chain(others).filter_map(Result::err));
    count
}

/// Static files of the theme, the highlighting stylesheet, the content's own files and
/// the exports; returns how many.
fn write_files(
    site: &render::SitePages,
    theme: &render::theme::Theme,
    content_dir: &Path,
    staging: &output::Staging,
) -> std::io::Result<usize> {
    let mut count = 0;
    for (name, bytes) in &theme.assets {
        staging.write(name, bytes)?;
        count += 1;
    }
    staging.write("syntax.css", render::highlight::stylesheet().as_bytes())?;
    count += 1;
    for asset in &site.views.content.assets {
        let rel = asset.to_string_lossy().replace('\\', "/");
        staging.copy(&content_dir.join(asset), &rel)?;
        count += 1;
    }
    // Calendars, contact lists, data.json, feed and sitemap (src/export/).
    count += export::write_all(site, |rel, bytes| staging.write(rel, bytes))?;
    Ok(count)
}

fn single(d: Diagnostic) -> Diagnostics {
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
