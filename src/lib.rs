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
) -> (Vec<Rendered>, Option<Rendered>, resolve::Graph) {
    let (bodies, home, body_diags) = render_bodies(content);
    diagnostics.extend(body_diags);
    let (graph, graph_diags) = resolve::resolve(content, &bodies);
    diagnostics.extend(graph_diags);
    (bodies, home, graph)
}

/// Validates a site given as files in memory (paths relative to `content/`): loading,
/// Markdown and the site graph, without a theme or an output. The fuzz target drives
/// this; it must never panic, whatever the bytes.
pub fn check_files(files: Vec<(PathBuf, Vec<u8>)>) -> Diagnostics {
    let (content, mut diagnostics) = content::from_memory(files);
    analyse(&content, &mut diagnostics);
    diagnostics.sorted()
}

fn prepare(options: &Options) -> Prepared {
    render::highlight::warm_up();
    let (content, mut diagnostics) = content::load(&options.root.join("content"));
    let (bodies, home, graph) = analyse(&content, &mut diagnostics);
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
    let start = Instant::now();
    let prepared = prepare(options);
    let diagnostics = prepared.diagnostics.sorted();
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Report {
        pages: 0,
        files_copied: 0,
        elapsed: start.elapsed(),
        diagnostics,
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
    let start = Instant::now();
    let content_dir = options.root.join("content");
    let output =
        output::check_output_path(&options.output, &options.root, &content_dir).map_err(single)?;
    let prepared = prepare(options);
    let Prepared {
        content,
        bodies,
        home,
        graph,
        tera,
        theme,
        diagnostics,
    } = prepared;
    let mut diagnostics = diagnostics;
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
        },
        options: &render_options,
        home: home.as_ref(),
    };
    let staging = output::Staging::create(&output).map_err(|e| io_error(&output, e))?;
    let shared = site.site_context();

    let item_pages: Vec<Result<(), Diagnostic>> = graph
        .published
        .par_iter()
        .map(|&i| {
            let (url, html) = render::render_page(&tera, &shared, export::item_page(&site, i))?;
            staging
                .write_page(&url, &html)
                .map_err(|e| io_diag(&output, e))
        })
        .collect();
    let other_pages = site.pages();
    let page_count = item_pages.len() + other_pages.len();
    let other_results: Vec<Result<(), Diagnostic>> = other_pages
        .into_par_iter()
        .map(|page| {
            let (url, html) = render::render_page(&tera, &shared, page)?;
            staging
                .write_page(&url, &html)
                .map_err(|e| io_diag(&output, e))
        })
        .collect();
    for result in item_pages.into_iter().chain(other_results) {
        if let Err(d) = result {
            diagnostics.push(d);
        }
    }

    let mut files_copied = 0;
    for (name, bytes) in &theme.assets {
        staging
            .write(name, bytes)
            .map_err(|e| io_error(&output, e))?;
        files_copied += 1;
    }
    staging
        .write("syntax.css", render::highlight::stylesheet().as_bytes())
        .map_err(|e| io_error(&output, e))?;
    files_copied += 1;
    for asset in &content.assets {
        let rel = asset.to_string_lossy().replace('\\', "/");
        staging
            .copy(&content_dir.join(asset), &rel)
            .map_err(|e| io_error(&output, e))?;
        files_copied += 1;
    }
    // Calendars, contact lists, data.json, feed and sitemap (src/export/).
    files_copied += export::write_all(&site, |rel, bytes| staging.write(rel, bytes))
        .map_err(|e| io_error(&output, e))?;
    if diagnostics.has_errors() {
        // Dropping the staging folder removes it; the old output stays as it was.
        return Err(diagnostics.sorted());
    }
    staging.commit().map_err(|e| io_error(&output, e))?;
    Ok(Report {
        pages: page_count,
        files_copied,
        elapsed: start.elapsed(),
        diagnostics: diagnostics.sorted(),
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
