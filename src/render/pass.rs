//! The render stage's one pass over the plan: the whole-site jobs (exports, search
//! index) made into their files first, so every output path is known before the checks
//! of the plan (the search index only planned then, from a sample of pages, and made at
//! the end of the pass); then every file rendered in parallel (item pages, most of the
//! work, first), scanned for persons' names in a public build, and handed to the sink.

use super::print;
use crate::diagnostics::Diagnostic;
use crate::plan::files::{Data, Origin, OutputFile};
use crate::plan::pages::SitePages;
use crate::plan::{calendar_origins, print_wanted, Job, PageJob};
use crate::write::Sink;
use crate::{export, privacy, progress, search};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

/// The plan with its whole-site jobs replaced by the files they make, in place.
pub fn whole_site(site: &SitePages, plan: Vec<PageJob>) -> Vec<PageJob> {
    whole_site_with(site, plan, false).jobs
}

/// A plan for [`render_all`]: every file's job, and the search index prepared to be
/// made in the pass (its files are `Job::SearchFile`).
pub struct Streamed {
    pub jobs: Vec<PageJob>,
    pub search: Option<search::Prepared>,
}

/// The same for a build that writes as it renders: the search index is only planned
/// here (its files' paths, from a sample of pages) and made by [`render_all`] after the
/// pages, which hands each file to the sink as it is made: made here and held to the
/// end of rendering, the index added a third to a build's peak memory.
pub fn whole_site_streamed(site: &SitePages, plan: Vec<PageJob>) -> Streamed {
    whole_site_with(site, plan, true)
}

fn whole_site_with(site: &SitePages, plan: Vec<PageJob>, stream_search: bool) -> Streamed {
    let mut search = None;
    let mut out = Vec::with_capacity(plan.len() + 64);
    for job in plan {
        match job.job {
            Job::Exports => {
                let mut calendars = calendar_origins(&site.views.content.schedules);
                for (path, bytes) in export::files(site) {
                    let origin = match path.ends_with(".ics").then(|| calendars.next()).flatten() {
                        Some(o) => o,
                        None => Origin::generated(format!("the generated file {path}")),
                    };
                    out.push(ready(path, origin, bytes));
                }
            }
            Job::SearchIndex if stream_search => {
                let prepared = search::records::prepare(&site.views);
                for path in prepared.paths() {
                    out.push(PageJob {
                        origin: Origin::generated(format!("the search index file {path}")),
                        path,
                        job: Job::SearchFile,
                    });
                }
                search = Some(prepared);
            }
            Job::SearchIndex => {
                for (path, bytes) in search::records::index(&site.views) {
                    let origin = Origin::generated(format!("the search index file {path}"));
                    out.push(ready(path, origin, bytes));
                }
            }
            _ => out.push(job),
        }
    }
    Streamed { jobs: out, search }
}

fn ready(path: String, origin: Origin, bytes: Vec<u8>) -> PageJob {
    PageJob {
        path,
        origin,
        job: Job::Ready(Data::Bytes(bytes)),
    }
}

/// What the pass found besides the files it handed over.
pub struct Rendered {
    pub diagnostics: Vec<Diagnostic>,
    /// Output files naming contact persons (public profile): path and contact rows.
    pub names_found: Vec<(String, BTreeSet<usize>)>,
}

/// Renders every planned file into `sink`, scanning each with `scanner` when given.
pub fn render_all(
    site: &SitePages,
    tera: &tera::Tera,
    plan: Streamed,
    scanner: Option<&privacy::Scanner>,
    sink: &dyn Sink,
    report: Option<progress::Report>,
) -> Rendered {
    let Streamed { jobs: plan, search } = plan;
    let shared = site.site_context();
    let pages = plan.iter().filter(|p| p.is_page()).count();
    let progress = report.map(|r| progress::Progress::start(r, pages));
    // With a print document, each item's main part is kept for it as the page renders
    // (render/print.rs), so no item renders twice.
    let mains = Mutex::new(HashMap::new());
    let prints = print_wanted(site);
    type Found = Option<(String, BTreeSet<usize>)>;
    type One = (Option<Diagnostic>, Found);
    let finish =
        |n: usize, planned: PageJob, data: Data, mut diagnostic: Option<Diagnostic>| -> One {
            let is_page = planned.is_page();
            let found = scanner
                .map(|s| s.scan(&planned.path, &data))
                .filter(|rows| !rows.is_empty())
                .map(|rows| (planned.path.clone(), rows));
            if let (Some(p), true) = (&progress, is_page) {
                p.tick();
            }
            if diagnostic.is_none() {
                let file = OutputFile {
                    path: planned.path,
                    origin: planned.origin,
                    data,
                };
                diagnostic = sink.put(n, file).err();
            }
            (diagnostic, found)
        };
    let (print_job, plan): (Vec<PageJob>, Vec<PageJob>) =
        plan.into_iter().partition(|p| matches!(p.job, Job::Print));
    let (search_files, plan): (Vec<PageJob>, Vec<PageJob>) = plan
        .into_iter()
        .partition(|p| matches!(p.job, Job::SearchFile));
    let count = plan.len();
    let render_one = |(n, mut planned): (usize, PageJob)| -> One {
        let mut diagnostic = None;
        // The job is taken; what stays behind is only the path and origin.
        let job = std::mem::replace(&mut planned.job, Job::Print);
        let data = match job {
            Job::Ready(data) => data,
            Job::Item(i) if prints => {
                let page = site.item(i);
                let partial = print::partial(page.template);
                match super::render_page_and_main(tera, &shared, page, partial) {
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
            Job::Item(i) => page_bytes(tera, &shared, site.item(i), &mut diagnostic),
            Job::Page(page) => page_bytes(tera, &shared, *page, &mut diagnostic),
            // Made after this pass (the print document), or before it (whole-site jobs).
            Job::Print | Job::Exports | Job::SearchIndex | Job::Unchanged | Job::SearchFile => {
                Data::Bytes(Vec::new())
            }
        };
        finish(n, planned, data, diagnostic)
    };
    let mut results: Vec<One> = plan.into_par_iter().enumerate().map(render_one).collect();
    // The print document next, which frees the main parts kept for it.
    let searches = search_files.len();
    let printed = print_job.into_iter().next().map(|planned| {
        let mains = mains.into_inner().unwrap_or_default();
        let (data, diagnostic) = match print::document(site, tera, &shared, mains) {
            Some(Ok((_, html))) => (Data::Bytes(html.into_bytes()), None),
            Some(Err(d)) => (Data::Bytes(Vec::new()), Some(d)),
            None => (Data::Bytes(Vec::new()), None),
        };
        finish(count + searches, planned, data, diagnostic)
    });
    // The search index last, when no page is in flight: rendering's memory, freed, is
    // reused by it (made before the pages, it took fresh memory that rendering then
    // held on to; made alongside them, both would be held at once). Its files keep
    // their places in the plan's order: after the other files, before the print
    // document.
    if let Some(prepared) = search.as_ref().filter(|_| !search_files.is_empty()) {
        let slots: HashMap<String, (usize, PageJob)> = search_files
            .into_iter()
            .enumerate()
            .map(|(k, p)| (p.path.clone(), (count + k, p)))
            .collect();
        let slots = Mutex::new(slots);
        let done = Mutex::new(Vec::new());
        search::records::write(&site.views, prepared, |path, bytes| {
            let slot = slots.lock().ok().and_then(|mut s| s.remove(&path));
            if let Some((n, planned)) = slot {
                let one = finish(n, planned, Data::Bytes(bytes), None);
                if let Ok(mut d) = done.lock() {
                    d.push((n, one));
                }
            }
        });
        let mut searched: Vec<(usize, One)> = done.into_inner().unwrap_or_default();
        searched.sort_unstable_by_key(|s| s.0);
        results.extend(searched.into_iter().map(|s| s.1));
    }
    results.extend(printed);
    if let Some(p) = &progress {
        p.finish();
    }
    let mut rendered = Rendered {
        diagnostics: Vec::new(),
        names_found: Vec::new(),
    };
    for (diagnostic, found) in results {
        rendered.diagnostics.extend(diagnostic);
        rendered.names_found.extend(found);
    }
    rendered
}

/// A page's HTML, or nothing and the reason.
fn page_bytes(
    tera: &tera::Tera,
    shared: &tera::Context,
    page: crate::plan::pages::Page,
    diagnostic: &mut Option<Diagnostic>,
) -> Data {
    match super::render_page(tera, shared, page) {
        Ok((_, html)) => Data::Bytes(html.into_bytes()),
        Err(d) => {
            *diagnostic = Some(d);
            Data::Bytes(Vec::new())
        }
    }
}
