//! tebiki: the static site generator of the statistics and information-policy handbook.
//!
//! A build is a chain of stages, one folder each, data flowing one way
//! (docs/architecture.md):
//! [`content`] (load: files → typed content, Markdown bodies) → [`resolve`] (the site
//! graph) → [`plan`] (one [`plan::PageJob`] per output file, the views, the checks of the
//! whole output) → [`render`] (templates, exports, search index; [`privacy`] scans what
//! it makes) → [`write`] (a [`write::Sink`]: the staging folder, memory or nowhere).
//! [`Session`] runs the same chain again after edits, redoing only what they feed.

// A diagnostic is a few strings and a location, returned on the cold path of a
// failed read; boxing it would only add noise at every call site.
#![allow(clippy::result_large_err)]

pub mod calendar;
pub mod content;
pub mod diagnostics;
pub mod export;
pub mod formats;
pub mod kind;
pub mod plan;
pub mod privacy;
pub mod progress;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod session;
pub mod settings;
pub mod text;
pub mod theme;
mod timings;
pub mod urls;
pub mod write;

/// The names the output files and the write stage had before the plan and write
/// folders; `serve` and the tests still use them.
pub use plan::files as outputs;
pub use write as output;

use content::body::{markdown, Body, BodySource};
use content::Content;
use diagnostics::{Diagnostic, Diagnostics};
use plan::files::OutputFile;
use plan::pages::{PageOptions, SitePages};
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Duration;
use timings::Timer;

pub use session::{Session, Update};
pub use settings::Options;
pub use settings::Profile as BuildProfile;
use settings::Profile;

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

/// A site loaded, rendered to bodies and resolved: everything `check` validates.
struct Prepared {
    content: Content,
    bodies: Vec<Body>,
    home: Option<Body>,
    graph: resolve::Graph,
    tera: Option<tera::Tera>,
    theme: theme::Theme,
    diagnostics: Diagnostics,
}

fn render_bodies(content: &Content) -> (Vec<Body>, Option<Body>, Vec<Diagnostic>) {
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
    let theme = match theme::load(&options.root, content.site.theme.as_deref()) {
        Ok(t) => t,
        Err(d) => {
            diagnostics.push(d);
            theme::Theme::default()
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
        write::check_output_path(&options.output, &options.root, options.force).map_err(single)?;
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

/// What a run gave: (pages, other files), the warnings, the files kept in memory.
type Ran = ((usize, usize), Diagnostics, Vec<OutputFile>);

/// Where a run's files go.
#[derive(Clone, Copy)]
enum Destination<'a> {
    /// Staged beside the output folder, then swapped in.
    Disk(&'a write::Target),
    /// Kept and returned (`serve`).
    Memory,
    /// Rendered and dropped (`check`).
    Nowhere,
}

/// Everything after preparing: plan, render (into a sink chosen by `destination` and by
/// what may still refuse the files), the privacy guard of the public profile, write.
/// Returns (pages, other files), the warnings and the files kept in memory, or every
/// error.
fn run(
    options: &Options,
    prepared: Prepared,
    destination: Destination,
    timer: &mut Timer,
) -> Result<Ran, Diagnostics> {
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

    // Plan.
    let page_options = PageOptions::new(options, &content);
    let site = SitePages::new(&content, &graph, &bodies, home.as_ref(), &page_options);
    let content_dir = options.root.join("content");
    let planned = render::pass::whole_site_streamed(&site, plan::plan(&site, &theme, &content_dir));
    let jobs = &planned.jobs;
    diagnostics.extend(plan::files::check_paths(jobs, &|o| {
        plan::source_line(&content, o)
    }));
    timer.step("plan the output");
    let counts = (
        jobs.iter().filter(|p| p.is_page()).count(),
        jobs.iter().filter(|p| !p.is_page()).count(),
    );

    // Render, into the sink. Pages are written as they are rendered when nothing can
    // refuse them later: an intranet build whose content and paths passed. A public
    // build keeps them until the guard has seen every file; a failed run and check
    // keep nothing. Only from here on is anything written: the folders holding the
    // output, the lock, the staging folder.
    let scanner = match options.profile {
        Profile::Public => privacy::Scanner::new(&content),
        Profile::Intranet => None,
    };
    let failed = diagnostics.has_errors();
    let staging = match destination {
        Destination::Disk(out) if !failed && scanner.is_none() => {
            let (staging, warnings) = write::Staging::create(out).map_err(single)?;
            diagnostics.extend(warnings);
            Some(staging)
        }
        _ => None,
    };
    let memory = write::Memory::new();
    let sink: &dyn write::Sink = match (&staging, destination) {
        (Some(staging), _) => staging,
        (None, Destination::Nowhere) => &write::Null,
        (None, _) if failed => &write::Null,
        (None, _) => &memory,
    };
    let progress = match destination {
        Destination::Disk(_) => options.progress,
        _ => None,
    };
    let rendered =
        render::pass::render_all(&site, &tera, planned, scanner.as_ref(), sink, progress);
    diagnostics.extend(render::fold_template_errors(rendered.diagnostics));
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

    // Write.
    let staging = match (staging, destination) {
        (_, Destination::Memory) => return Ok((counts, diagnostics, memory.into_files())),
        (Some(staging), _) => Some(staging),
        (None, Destination::Disk(out)) => {
            let (staging, warnings) = write::Staging::create(out).map_err(single)?;
            diagnostics.extend(warnings);
            write::write_all(memory.into_files(), &staging).map_err(single)?;
            timer.step("write files");
            Some(staging)
        }
        (None, _) => None,
    };
    if let Some(staging) = staging {
        // Deleting the old output only warns: the new site is in place by then.
        diagnostics.extend(staging.commit().map_err(single)?);
        timer.step("swap in the new output");
    }
    Ok((counts, diagnostics.sorted(), Vec::new()))
}

fn single(d: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.push(d);
    all
}
