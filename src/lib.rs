//! tebiki: the static site generator of the statistics and information-policy handbook.
//!
//! The pipeline, one stage per module, data flowing one way:
//! [`content`] (load) → [`render::markdown`] (bodies) → [`resolve`] (site graph) →
//! [`render`] (pages through templates, into memory) → [`outputs`] and [`privacy`]
//! (checks of the whole output) → [`output`] (staging folder, atomic swap).

// A diagnostic is a few strings and a location, returned on the cold path of a
// failed read; boxing it would only add noise at every call site.
#![allow(clippy::result_large_err)]

pub mod calendar;
pub mod content;
pub mod diagnostics;
pub mod export;
pub mod output;
pub mod outputs;
pub mod privacy;
pub mod render;
pub mod resolve;
pub mod urls;

use calendar::Date;
use content::Content;
use diagnostics::{Diagnostic, Diagnostics};
use outputs::{Data, OutputFile};
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

/// Validates the whole site without writing anything: the same stages as [`build`],
/// rendering included (into memory), so `check` refuses what `build` refuses.
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
    let (pages, files, diagnostics) = render_checked(options, prepared, &mut timer);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Report {
        pages,
        files_copied: files.len() - pages,
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

/// Renders the prepared site into memory and runs the checks of the whole output (one
/// source per path, path limits, the public profile's privacy guard). Returns the
/// number of pages, every output file and all diagnostics, sorted.
fn render_checked(
    options: &Options,
    prepared: Prepared,
    timer: &mut Timer,
) -> (usize, Vec<OutputFile>, Diagnostics) {
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
        return (0, Vec::new(), diagnostics.sorted());
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
    let (pages, files) = render_site(&site, &tera, &theme, &content_dir, &mut diagnostics);
    timer.step("render pages and exports");
    diagnostics.extend(outputs::check_paths(&files, &|o| source_line(&content, o)));
    if options.profile == Profile::Public {
        let site_yaml = std::fs::read_to_string(content_dir.join("site.yaml")).ok();
        diagnostics.extend(privacy::guard(&content, &files, site_yaml.as_deref()));
    }
    timer.step("check the output");
    (pages, files, diagnostics.sorted())
}

/// The text of the line an origin points at, for the diagnostic.
fn source_line(content: &Content, origin: &outputs::Origin) -> Option<String> {
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

/// Validates, renders the site into memory, checks the output as a whole, then writes
/// it into a staging folder and swaps it in. Nothing is written unless every check
/// passed.
pub fn build(options: &Options) -> Result<Report, Diagnostics> {
    let mut timer = Timer::start();
    let content_dir = options.root.join("content");
    let output =
        output::check_output_path(&options.output, &options.root, &content_dir).map_err(single)?;
    let prepared = prepare(options, &mut timer);
    let (pages, files, diagnostics) = render_checked(options, prepared, &mut timer);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let staging = output::Staging::create(&output).map_err(|e| io_error(&output, e))?;
    write_files(&files, &staging).map_err(|e| io_error(&output, e))?;
    timer.step("write files");
    staging.commit().map_err(|e| io_error(&output, e))?;
    timer.step("swap in the new output");
    Ok(Report {
        pages,
        files_copied: files.len() - pages,
        elapsed: timer.total(),
        diagnostics,
        timings: timer.steps,
    })
}

/// Every output file of the site, in a fixed order: item pages, the other pages, the
/// theme's static files, the content's own files, the exports. Returns the number of
/// pages too. Pages render in parallel.
fn render_site(
    site: &render::SitePages,
    tera: &tera::Tera,
    theme: &render::theme::Theme,
    content_dir: &Path,
    diagnostics: &mut Diagnostics,
) -> (usize, Vec<OutputFile>) {
    let shared = site.site_context();
    // A page whose template fails still claims its path, so the checks of the whole
    // output see every path even when rendering reports errors.
    let render = |mut page: render::Page| -> (OutputFile, Option<Diagnostic>) {
        let origin = std::mem::replace(&mut page.origin, outputs::Origin::generated(""));
        let path = outputs::page_path(&page.url);
        let (html, diagnostic) = match render::render_page(tera, &shared, page) {
            Ok((_, html)) => (html, None),
            Err(d) => (String::new(), Some(d)),
        };
        let file = OutputFile {
            path,
            origin,
            data: Data::Bytes(html.into_bytes()),
        };
        (file, diagnostic)
    };
    let items: Vec<(OutputFile, Option<Diagnostic>)> = site
        .views
        .graph
        .published
        .par_iter()
        .map(|&i| render(export::item_page(site, i)))
        .collect();
    let others: Vec<(OutputFile, Option<Diagnostic>)> =
        site.pages().into_par_iter().map(render).collect();
    let mut files =
        Vec::with_capacity(items.len() + others.len() + site.views.content.assets.len() + 16);
    for (file, diagnostic) in items.into_iter().chain(others) {
        files.push(file);
        diagnostics.extend(diagnostic);
    }
    let pages = files.len();
    let theme_dir = site
        .views
        .content
        .site
        .theme
        .as_deref()
        .unwrap_or("default");
    for (name, bytes) in &theme.assets {
        files.push(OutputFile {
            path: name.clone(),
            origin: outputs::Origin::generated(format!(
                "the theme's file themes/{theme_dir}/static/{name}"
            )),
            data: Data::Bytes(bytes.clone()),
        });
    }
    files.push(OutputFile {
        path: "syntax.css".into(),
        origin: outputs::Origin::generated("the highlighting stylesheet"),
        data: Data::Bytes(render::highlight::stylesheet().into_bytes()),
    });
    let content = site.views.content;
    for asset in &content.assets {
        let rel = asset.to_string_lossy().replace('\\', "/");
        files.push(OutputFile {
            origin: outputs::Origin::file(asset, format!("the file content/{rel}")),
            path: rel,
            data: Data::Copy(content_dir.join(content.disk_path(asset))),
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
        files.push(OutputFile {
            path,
            origin,
            data: Data::Bytes(bytes),
        });
    }
    (pages, files)
}

/// Writes every file into the staging folder, in parallel.
fn write_files(files: &[OutputFile], staging: &output::Staging) -> std::io::Result<()> {
    files.par_iter().try_for_each(|file| match &file.data {
        Data::Bytes(bytes) => staging.write(&file.path, bytes),
        Data::Copy(from) => staging.copy(from, &file.path),
    })
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
