//! Stage 3, planning: every output file of the site, named with its one source before
//! anything renders (so collisions and over-long names are refused first), and the
//! views the templates get. The profile is applied here, once: views of a public build
//! hold no person (`Views::person`, through `Profile::person`).
//!
//! A [`PageJob`] is one output path, its origin and how its bytes are made: an item
//! page (its view is built while it renders, so 10,000 views never live at once), any
//! other page (its variables ready), the print document, bytes or a file to copy as
//! they are, or one of the two whole-site jobs (exports, search index) that the render
//! stage turns into their files.

pub mod address;
pub mod files;
pub mod jsonld;
pub mod pages;
pub mod pictures;
pub mod schedule;
pub mod views;

use crate::calendar::Date;
use crate::content::{Content, Schedule};
use crate::resolve::ItemRef;
use crate::theme::Theme;
use crate::urls;
use files::{page_path, Data, Origin};
use pages::{Page, SitePages};
use std::path::Path;

/// Where the print document goes.
pub const PRINT_URL: &str = urls::PRINT;

/// Above this many published items the print document is not written: nobody prints a
/// book of that size, and rendering every item a second time would slow such builds
/// down by half (docs/performance.md). The footer then has no link to it.
pub const PRINT_MAX_ITEMS: usize = 1000;

/// Whether the site is small enough to get a print document.
pub fn print_wanted(site: &SitePages) -> bool {
    site.views.graph.published.len() <= PRINT_MAX_ITEMS
}

/// The day "upcoming events" count from when the build names none: the first day of the
/// newest fiscal year in `schedule/`, so builds stay reproducible.
pub fn default_today(content: &Content) -> Date {
    let fy = content.schedules.last().map_or(2022, |s| s.fiscal_year);
    Date {
        year: fy,
        month: 4,
        day: 1,
    }
}

/// How a planned output file gets its bytes.
pub enum Job {
    Item(ItemRef),
    Page(Box<Page>),
    /// The print document: made after every item page, from their main parts.
    Print,
    Ready(Data),
    /// The files for other tools (src/export/), in their fixed order.
    Exports,
    /// The search index (src/search/).
    SearchIndex,
    /// A page a kept build (`serve`'s session) made before from the same inputs: its
    /// bytes are the ones it made then. Never planned by a build.
    Unchanged,
    /// One file of the search index, planned from a sample of pages and made in the
    /// render pass, from the index it prepared (render/pass.rs), where each file goes
    /// to the sink as it is made instead of the whole index being held through
    /// rendering.
    SearchFile,
}

/// One output file before rendering: where it goes, where it comes from, what makes it.
pub struct PageJob {
    pub path: String,
    pub origin: Origin,
    pub job: Job,
}

impl PageJob {
    pub fn is_page(&self) -> bool {
        matches!(
            self.job,
            Job::Item(_) | Job::Page(_) | Job::Print | Job::Unchanged
        )
    }
}

impl files::Placed for PageJob {
    fn path(&self) -> &str {
        &self.path
    }
    fn origin(&self) -> &Origin {
        &self.origin
    }
}

/// Every output file of the site, in a fixed order: item pages, the other pages, the
/// print document, the theme's static files, the content's own files, the exports, the
/// search index.
pub fn plan(site: &SitePages, theme: &Theme, content_dir: &Path) -> Vec<PageJob> {
    plan_with(site, theme, content_dir, || {
        site.pages().into_iter().map(page_job).collect()
    })
}

/// The job of a page other than an item's.
pub fn page_job(page: Page) -> PageJob {
    PageJob {
        path: page_path(&page.url),
        origin: page.origin.clone(),
        job: Job::Page(Box::new(page)),
    }
}

/// [`plan`], with the pages other than items' from `other_pages`.
pub fn plan_with(
    site: &SitePages,
    theme: &Theme,
    content_dir: &Path,
    other_pages: impl FnOnce() -> Vec<PageJob>,
) -> Vec<PageJob> {
    let content = site.views.content;
    let mut plan: Vec<PageJob> = Vec::with_capacity(
        site.views.graph.published.len() + content.assets.len() + theme.assets.len() + 64,
    );
    for &i in &site.views.graph.published {
        let item = &content.items[i];
        plan.push(PageJob {
            path: page_path(&urls::item_url(item.kind, &item.id)),
            origin: pages::item_origin(item),
            job: Job::Item(i),
        });
    }
    plan.extend(other_pages());
    if print_wanted(site) {
        plan.push(PageJob {
            path: page_path(PRINT_URL),
            origin: Origin::generated("the print document (every item on one page)"),
            job: Job::Print,
        });
    }
    let theme_dir = content.site.theme.as_deref().unwrap_or("default");
    for (name, bytes) in &theme.assets {
        plan.push(PageJob {
            path: name.clone(),
            origin: Origin::generated(format!("the theme's file themes/{theme_dir}/static/{name}")),
            job: Job::Ready(Data::Bytes(bytes.clone())),
        });
    }
    plan.push(PageJob {
        path: "syntax.css".into(),
        origin: Origin::generated("the highlighting stylesheet"),
        job: Job::Ready(Data::Bytes(
            crate::content::body::highlight::stylesheet().into_bytes(),
        )),
    });
    for asset in &content.assets {
        let rel = asset.to_string_lossy().replace('\\', "/");
        plan.push(PageJob {
            origin: Origin::file(asset, format!("the file content/{rel}")),
            path: rel,
            job: Job::Ready(Data::Copy(content_dir.join(content.disk_path(asset)))),
        });
    }
    plan.extend(whole_site_jobs());
    plan
}

/// The whole-site jobs, last in every plan: the exports, the search index.
pub fn whole_site_jobs() -> Vec<PageJob> {
    [
        (Job::Exports, "the files for other tools"),
        (Job::SearchIndex, "the search index"),
    ]
    .into_iter()
    .map(|(job, what)| PageJob {
        path: String::new(),
        origin: Origin::generated(what),
        job,
    })
    .collect()
}

/// Where each calendar file comes from, in the order the exports write them: each
/// schedule's yearly file, then one per track (src/export/ical.rs).
pub fn calendar_origins(schedules: &[Schedule]) -> impl Iterator<Item = Origin> + '_ {
    schedules.iter().flat_map(|s| {
        std::iter::once(pages::schedule_origin(s)).chain(s.tracks.iter().map(|t| {
            let line = s
                .text
                .split('\n')
                .position(|l| l.contains("id:") && l.contains(t.id.as_str()))
                .map_or(0, |n| n + 1);
            Origin::at(
                &s.path,
                (line, 1, 1),
                format!("the track `{}` of {}", t.id, s.path.display()),
            )
        }))
    })
}

/// The text of the line an origin points at, for the diagnostic.
pub fn source_line(content: &Content, origin: &Origin) -> Option<String> {
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
