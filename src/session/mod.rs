//! A build kept between rebuilds, for `serve`: the same chain as [`crate::build_in_memory`]
//! (load → resolve → plan → render → guard), remembering what each step made so that a
//! rebuild after a few files changed redoes only what those files feed.
//!
//! What is remembered, and why it cannot go stale:
//! - load: each item as parsed from its file; a file is read and parsed again when it is
//!   named changed (or lies below a changed folder or a symbolic link). The folder is
//!   walked again unless every path named is a file the last walk found, still there.
//! - Markdown: each item's body, made again whenever its item was parsed again.
//! - render: each page's bytes under a hash of everything it is made from (keys.rs):
//!   item pages by their inputs, the other pages by their whole context, reused
//!   without being planned while no front matter and no edge of the graph changed.
//! - the last good update's content, bodies and graph (`Kept`): edits that keep the
//!   graph go the short way (small_edit.rs), and the whole-site files are made from
//!   them after the pages (`update_pages`, then `finish`).
//! - resolve, plan, the exports, the search index, the print document and the privacy
//!   scan of a public build take the whole site as input and are made again by every
//!   update that goes the whole way.
//!
//! The theme is loaded again when a changed path lies outside `content/` or the theme
//! named in site.yaml changes; a changed path the session cannot place forgets
//! everything (the caches of pages stay: their hashes still decide).

use crate::content::body::{markdown, Body, BodySource};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::plan::files::{self, Data};
use crate::plan::pages::{PageOptions, SitePages};
use crate::plan::{Job, PageJob};
use crate::settings::{Options, Profile};
use crate::timings::Timer;
use crate::{content, plan, privacy, render, resolve, theme};

mod keys;
mod small_edit;

use keys::{item_key, lists_hash, page_key, shared_hash, world_hash, Prints};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A site built in memory and kept up to date.
pub struct Session {
    options: Options,
    memo: content::Memo,
    /// Each item's body and what rendering it found, by the item's path in `content/`.
    bodies: HashMap<PathBuf, BodyMemo>,
    /// Symbolic links of the last load: what lies below them is read again every time.
    links: Vec<PathBuf>,
    theme: Option<LoadedTheme>,
    /// Each rendered page by output path: the hash of its inputs, the page, its main part
    /// (kept for the print document).
    pages: HashMap<String, Page>,
    files: BTreeMap<String, Arc<Data>>,
    /// The paths named changed in the update running (with the root prepended).
    forgotten: Vec<PathBuf>,
    /// The output paths of the whole-site files (exports, search index) in `files`.
    data_paths: BTreeSet<String>,
    /// The pages but items' of the last good update: their inputs' hash, paths and
    /// origins (their bytes are in `pages`).
    lists: Option<(u64, Vec<Placed>)>,
    /// The last good update's content, bodies and graph (given back to `memo` and
    /// `bodies` when an update needs to load again).
    kept: Option<Kept>,
    /// What [`Session::finish`] needs, after [`Session::update_pages`] left the whole-site
    /// files to it.
    pending: Option<Pending>,
}

/// The second half of an update whose pages are made: the whole-site jobs, and what the
/// checks of the whole plan need again. The content, bodies and graph they are made
/// from stay in the session until then.
struct Pending {
    jobs: Vec<PageJob>,
    /// The files as of the last complete update, restored when finishing fails.
    before: BTreeMap<String, Arc<Data>>,
}

/// An update's loaded content, bodies and site graph, kept until it is finished.
struct Kept {
    content: content::Content,
    bodies: Vec<Body>,
    body_diags: Vec<Vec<Diagnostic>>,
    prints: Vec<Prints>,
    home: Option<Body>,
    graph: resolve::Graph,
    /// Every planned output but the whole-site files, in plan order, for the path
    /// checks of the whole plan.
    placed: Vec<Placed>,
    /// The update's warnings but those of the path checks (made again over the whole plan).
    warnings: Diagnostics,
    /// What the update said.
    diagnostics: Diagnostics,
    /// The hashes of the site-wide context and of [`world_hash`].
    shared_hash: u64,
    world: u64,
}

impl Kept {
    /// The site's pages as this update left them.
    fn site<'a>(&'a self, options: &'a PageOptions) -> SitePages<'a> {
        SitePages::new(
            &self.content,
            &self.graph,
            &self.bodies,
            self.home.as_ref(),
            options,
        )
    }
}

/// What the pages' half of an update made.
struct Made {
    files: BTreeMap<String, Arc<Data>>,
    pages: HashMap<String, Page>,
    diagnostics: Diagnostics,
    /// Pages rendered, pages reused.
    counts: (usize, usize),
    /// The whole-site jobs left for `finish`.
    deferred: Option<Vec<PageJob>>,
    /// The other outputs' paths and origins, in plan order.
    placed: Vec<Placed>,
    /// The warnings but those of the path checks.
    warnings: Diagnostics,
    shared_hash: u64,
    world: u64,
    /// The whole-site files' paths, when they were made.
    data_paths: BTreeSet<String>,
    /// The pages but items': their inputs' hash, paths and origins.
    lists: (u64, Vec<Placed>),
}

/// A planned output path and where it comes from, without what makes it.
#[derive(Clone)]
struct Placed(String, files::Origin);

impl files::Placed for Placed {
    fn path(&self) -> &str {
        &self.0
    }
    fn origin(&self) -> &files::Origin {
        &self.1
    }
}

/// An item's body, what rendering it found, the hashes of its file.
type BodyMemo = (Body, Vec<Diagnostic>, Prints);

struct LoadedTheme {
    name: Option<String>,
    theme: theme::Theme,
    tera: Result<tera::Tera, Diagnostic>,
    /// A hash of every template and static file.
    hash: u64,
}

#[derive(Clone)]
struct Page {
    key: u64,
    file: Arc<Data>,
    main: Option<String>,
}

/// What one update did.
#[derive(Debug)]
pub struct Update {
    /// Output paths added, changed or removed, sorted.
    pub changed: Vec<String>,
    /// Warnings (an update that succeeds has no errors).
    pub diagnostics: Diagnostics,
    /// How many pages were rendered, and how many were taken unchanged.
    pub rendered: usize,
    pub reused: usize,
    /// How long each step took.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Session {
    /// A session that has built nothing yet: the first [`Session::update`] builds all.
    pub fn new(options: Options) -> Session {
        Session {
            options,
            memo: content::Memo::default(),
            bodies: HashMap::new(),
            links: Vec::new(),
            theme: None,
            pages: HashMap::new(),
            files: BTreeMap::new(),
            forgotten: Vec::new(),
            data_paths: BTreeSet::new(),
            lists: None,
            kept: None,
            pending: None,
        }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The site as of the last successful update: output path (with `/`) to its bytes,
    /// or to the content file it is copied from.
    pub fn files(&self) -> &BTreeMap<String, Arc<Data>> {
        &self.files
    }

    /// Rebuilds after the files at `changed` changed (added, edited, removed or renamed:
    /// name both names), absolute or relative to the site's root; an empty list reads
    /// everything again. On errors the files of the last good update stay.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update, Diagnostics> {
        self.run(changed, false)
    }

    /// [`Session::update`] up to the pages. The whole-site files (exports, search index)
    /// take most of an update of a large site and no page shows them: when
    /// [`Session::pending`] says so afterwards, they are left to [`Session::finish`], and
    /// until then [`Session::files`] holds them as of the last complete update, at
    /// [`Session::data_paths`]. A public build's privacy guard reads every file, so there
    /// nothing is left; nor when the pages fail (the errors must be those of a build).
    pub fn update_pages(&mut self, changed: &[PathBuf]) -> Result<Update, Diagnostics> {
        self.run(changed, self.options.profile == Profile::Intranet)
    }

    /// Whether the whole-site files still wait for [`Session::finish`].
    pub fn pending(&self) -> bool {
        self.pending.is_some()
    }

    /// The output paths of the whole-site files in [`Session::files`] (as of the last
    /// complete update while [`Session::pending`]).
    pub fn data_paths(&self) -> &BTreeSet<String> {
        &self.data_paths
    }

    /// Makes the whole-site files [`Session::update_pages`] left, and checks the whole
    /// plan's paths. On errors the files of the last complete update are back.
    pub fn finish(&mut self) -> Result<Update, Diagnostics> {
        let mut timer = Timer::start();
        let Some(pending) = self.pending.take() else {
            return Ok(Update {
                changed: Vec::new(),
                diagnostics: Diagnostics::default(),
                rendered: 0,
                reused: 0,
                timings: Vec::new(),
            });
        };
        let Pending { jobs, before } = pending;
        let Some(kept) = &self.kept else {
            self.files = before;
            return Err(Diagnostics::default());
        };
        let mut placed: Vec<Placed> = kept.placed.clone();
        let mut warnings = kept.warnings.clone();
        let page_options = PageOptions::new(&self.options, &kept.content);
        let site = kept.site(&page_options);
        let made = render::pass::whole_site(&site, jobs);
        placed.extend(
            made.iter()
                .map(|j| Placed(j.path.clone(), j.origin.clone())),
        );
        let data: Vec<(String, Arc<Data>)> = made
            .into_par_iter()
            .map(|job| {
                let data = match job.job {
                    Job::Ready(data) => data,
                    _ => Data::Bytes(Vec::new()),
                };
                (job.path, Arc::new(data.packed()))
            })
            .collect();
        warnings.extend(files::check_paths(&placed, &|o| {
            plan::source_line(&kept.content, o)
        }));
        timer.step("exports and search index");
        let diagnostics = warnings.sorted();
        if diagnostics.has_errors() {
            self.files = before;
            // What failed is no base for the next update.
            if let Some(kept) = self.kept.take() {
                self.give_back(kept);
            }
            return Err(diagnostics);
        }
        let mut changed = Vec::new();
        let old = std::mem::take(&mut self.data_paths);
        for (path, file) in data {
            match self.files.get(&path) {
                Some(f) if same(f, &file, &[]) => {}
                _ => changed.push(path.clone()),
            }
            self.data_paths.insert(path.clone());
            self.files.insert(path, file);
        }
        for path in old {
            if !self.data_paths.contains(&path) {
                self.files.remove(&path);
                changed.push(path);
            }
        }
        changed.sort();
        Ok(Update {
            changed,
            diagnostics,
            rendered: 0,
            reused: 0,
            timings: timer.steps,
        })
    }

    fn run(&mut self, changed: &[PathBuf], defer: bool) -> Result<Update, Diagnostics> {
        match self.small_edits(changed, defer) {
            Some(update) => update,
            None => self.run_whole(changed, defer),
        }
    }

    /// An update through every stage, each redoing only what the changed files feed.
    fn run_whole(&mut self, changed: &[PathBuf], defer: bool) -> Result<Update, Diagnostics> {
        let mut timer = Timer::start();
        // An update not finished is overtaken: its content goes back to the memo first,
        // so the paths named now are forgotten from it.
        let unfinished = self.pending.take().map(|p| p.before);
        if let Some(kept) = self.kept.take() {
            self.give_back(kept);
        }
        let only_edits = self.only_edits(changed);
        self.forget(changed);
        content::body::highlight::warm_up();
        let content_dir = self.options.root.join("content");
        let (mut content, mut diagnostics) = if only_edits {
            content::load_known(&content_dir, &mut self.memo)
        } else {
            content::load_with(&content_dir, &mut self.memo)
        };
        if self.options.drafts {
            content.publish_drafts();
        }
        self.links = content.links.clone();
        timer.step("load content");

        // Bodies: those of items parsed again were forgotten with them.
        let missing: Vec<usize> = (0..content.items.len())
            .filter(|&i| !self.bodies.contains_key(&content.items[i].source.path))
            .collect();
        let made: Vec<(PathBuf, BodyMemo)> = missing
            .par_iter()
            .map(|&i| {
                let s = &content.items[i].source;
                let (body, d) = markdown::render(&body_source(s));
                (s.path.clone(), (body, d, Prints::of(s)))
            })
            .collect();
        self.bodies.extend(made);
        // Moved out for this update and back in after it: bodies are large.
        let mut bodies = Vec::with_capacity(content.items.len());
        let mut body_diags = Vec::with_capacity(content.items.len());
        let mut prints = Vec::with_capacity(content.items.len());
        for item in &content.items {
            let (body, d, p) = self.bodies.remove(&item.source.path).unwrap_or_default();
            diagnostics.extend(d.iter().cloned());
            bodies.push(body);
            body_diags.push(d);
            prints.push(p);
        }
        // Whatever is left belongs to files that are gone.
        self.bodies.clear();
        let home = content.home.as_ref().map(|h| {
            let (body, d) = markdown::render(&body_source(h));
            diagnostics.extend(d);
            body
        });
        timer.step("render Markdown");

        let input = Input {
            content: &content,
            bodies: &bodies,
            prints: &prints,
            home: home.as_ref(),
        };
        let (result, graph) = self.rest(input, diagnostics, defer, &mut timer);
        let made = match result {
            Ok(made) => made,
            Err(d) => {
                self.give_back_parts(content, bodies, body_diags, prints);
                if let Some(before) = unfinished {
                    self.files = before;
                }
                return Err(d);
            }
        };
        let Made {
            files,
            pages,
            diagnostics,
            counts,
            deferred,
            data_paths,
            lists,
            placed,
            warnings,
            shared_hash,
            world,
        } = made;
        self.kept = Some(Kept {
            content,
            bodies,
            body_diags,
            prints,
            home,
            graph,
            placed,
            warnings,
            diagnostics: diagnostics.clone(),
            shared_hash,
            world,
        });
        let mut changed: Vec<String> = files
            .iter()
            .filter(|(path, file)| match self.files.get(*path) {
                Some(old) => !same(old, file, &self.forgotten),
                None => true,
            })
            .map(|(path, _)| path.clone())
            .collect();
        let left = |path: &String| {
            let pending_data = deferred.is_some() && self.data_paths.contains(path);
            !(files.contains_key(path) || pending_data)
        };
        changed.extend(self.files.keys().filter(|p| left(p)).cloned());
        changed.sort();
        let old = std::mem::replace(&mut self.files, files);
        self.pages = pages;
        self.lists = Some(lists);
        match deferred {
            Some(jobs) => {
                // Until finished, the whole-site files stay those of the last complete
                // update.
                for path in &self.data_paths {
                    if let (Some(file), false) = (old.get(path), self.files.contains_key(path)) {
                        self.files.insert(path.clone(), file.clone());
                    }
                }
                self.pending = Some(Pending {
                    jobs,
                    before: unfinished.unwrap_or(old),
                });
            }
            None => self.data_paths = data_paths,
        }
        Ok(Update {
            changed,
            diagnostics,
            rendered: counts.0,
            reused: counts.1,
            timings: timer.steps,
        })
    }

    /// Whether every path named changed is a content file the last walk found and that
    /// is still there: an edit in place, after which the folder need not be walked again.
    fn only_edits(&self, changed: &[PathBuf]) -> bool {
        let content_dir = self.options.root.join("content");
        !changed.is_empty()
            && self.links.is_empty()
            && changed.iter().all(|path| {
                let path = self.on_disk(path);
                self.passing(&path)
                    || path.is_file()
                        && relative_to(&path, &content_dir)
                            .is_some_and(|rel| self.memo.walked_file(&rel))
            })
    }

    /// Whether a path named changed is gone again and the last walk of `content/` never
    /// saw it or anything below it: a temporary file a tool wrote beside the file it
    /// saved (`sed -i`'s `sedXXXXXX`, renamed over the file). It changes nothing.
    fn passing(&self, path: &Path) -> bool {
        let path = self.on_disk(path);
        let content_dir = self.options.root.join("content");
        std::fs::symlink_metadata(&path).is_err()
            && relative_to(&path, &content_dir)
                .is_some_and(|rel| !self.memo.walked_at_or_below(&rel))
    }

    /// A changed path as named (absolute, or relative to the site's root) made absolute.
    fn on_disk(&self, path: &Path) -> PathBuf {
        if path.is_absolute() || path.starts_with(&self.options.root) {
            path.to_path_buf()
        } else {
            self.options.root.join(path)
        }
    }

    /// Gives an update's items and bodies back to the memo, for the next update.
    fn give_back(&mut self, kept: Kept) {
        let Kept {
            content,
            bodies,
            body_diags,
            prints,
            ..
        } = kept;
        self.give_back_parts(content, bodies, body_diags, prints);
    }

    fn give_back_parts(
        &mut self,
        content: content::Content,
        bodies: Vec<Body>,
        body_diags: Vec<Vec<Diagnostic>>,
        prints: Vec<Prints>,
    ) {
        self.bodies.extend(
            content.items.iter().map(|i| i.source.path.clone()).zip(
                bodies
                    .into_iter()
                    .zip(body_diags)
                    .zip(prints)
                    .map(|((b, d), p)| (b, d, p)),
            ),
        );
        self.memo.reclaim(content);
    }

    /// Forgets what the changed paths feed.
    fn forget(&mut self, changed: &[PathBuf]) {
        let root = self.options.root.clone();
        let root = &root;
        let content_dir = root.join("content");
        let mut theme_stale = self.theme.is_none() || changed.is_empty();
        let mut everything = changed.is_empty();
        self.forgotten.clear();
        if everything {
            self.forgotten.push(PathBuf::new());
        }
        for link in std::mem::take(&mut self.links) {
            self.forget_rel(&link);
        }
        for path in changed {
            let path = self.on_disk(path);
            self.forgotten.push(path.clone());
            match relative_to(&path, &content_dir) {
                Some(rel) => self.forget_rel(&rel),
                None if relative_to(&path, root).is_some() => theme_stale = true,
                None => {
                    everything = true;
                    theme_stale = true;
                }
            }
        }
        if everything {
            self.memo.clear();
            self.bodies.clear();
        }
        if theme_stale {
            self.theme = None;
        }
    }

    fn forget_rel(&mut self, rel: &Path) {
        self.memo.forget(rel);
        if self.bodies.remove(rel).is_none() {
            self.bodies.retain(|path, _| !path.starts_with(rel));
        }
    }

    fn theme(&mut self, content: &content::Content) -> &LoadedTheme {
        let name = content.site.theme.clone();
        if self.theme.as_ref().is_some_and(|t| t.name != name) {
            self.theme = None;
        }
        self.theme.get_or_insert_with(|| {
            let (theme, tera) = match theme::load(&self.options.root, name.as_deref()) {
                Ok(theme) => {
                    let tera = render::compile(&theme);
                    (theme, tera)
                }
                Err(d) => {
                    let theme = theme::Theme::default();
                    let tera = render::compile(&theme).and(Err(d));
                    (theme, tera)
                }
            };
            let mut h = std::hash::DefaultHasher::new();
            theme.templates.hash(&mut h);
            theme.assets.hash(&mut h);
            LoadedTheme {
                name,
                hash: h.finish(),
                theme,
                tera,
            }
        })
    }

    /// Everything after Markdown, as [`crate::build_in_memory`] runs it, rendering only
    /// pages whose inputs changed; with `defer`, the whole-site files are left for later.
    fn rest(
        &mut self,
        input: Input,
        mut diagnostics: Diagnostics,
        defer: bool,
        timer: &mut Timer,
    ) -> (Result<Made, Diagnostics>, resolve::Graph) {
        let (graph, graph_diags) = resolve::resolve(input.content, input.bodies);
        diagnostics.extend(graph_diags);
        timer.step("resolve references");
        let made = self.make(input, &graph, diagnostics, defer, timer);
        (made, graph)
    }

    fn make(
        &mut self,
        input: Input,
        graph: &resolve::Graph,
        mut diagnostics: Diagnostics,
        defer: bool,
        timer: &mut Timer,
    ) -> Result<Made, Diagnostics> {
        let Input {
            content,
            bodies,
            prints,
            home,
        } = input;
        let options = self.options.clone();
        let previous = std::mem::take(&mut self.pages);
        let last_lists = self.lists.take();
        let loaded = self.theme(content);
        let theme_hash = loaded.hash;
        let tera = match &loaded.tera {
            Ok(tera) => tera,
            Err(d) => {
                diagnostics.push(d.clone());
                self.pages = previous;
                return Err(diagnostics.sorted());
            }
        };
        let theme = &loaded.theme;
        timer.step("load theme");
        let page_options = PageOptions::new(&options, content);
        let site = SitePages::new(content, graph, bodies, home, &page_options);
        let content_dir = options.root.join("content");
        let shared = site.site_context();
        let shared_hash = shared_hash(theme_hash, &shared);
        let world = world_hash(content, &options, graph, prints);
        // The pages but items' (lists, tags, schedule, contacts) show every item's front
        // matter and the graph, never a body: unchanged when those are, they are
        // neither planned nor rendered again (their variables alone take a tenth of a
        // second at 10,000 items).
        let lists_key = lists_hash(shared_hash, world, graph, prints);
        let unchanged = last_lists
            .filter(|(key, placed)| {
                *key == lists_key && placed.iter().all(|p| previous.contains_key(&p.0))
            })
            .map(|(_, placed)| placed);
        let planned = plan::plan_with(&site, theme, &content_dir, || match unchanged {
            Some(placed) => placed
                .into_iter()
                .map(|Placed(path, origin)| PageJob {
                    path,
                    origin,
                    job: Job::Unchanged,
                })
                .collect(),
            None => site.pages().into_iter().map(plan::page_job).collect(),
        });
        let lists: Vec<Placed> = planned
            .iter()
            .filter(|j| matches!(j.job, Job::Page(_) | Job::Unchanged))
            .map(|j| Placed(j.path.clone(), j.origin.clone()))
            .collect();
        // The whole-site jobs come last in the plan: made now, or left for `finish`.
        let (whole, mut jobs): (Vec<PageJob>, Vec<PageJob>) = planned
            .into_iter()
            .partition(|p| matches!(p.job, Job::Exports | Job::SearchIndex));
        let mut data_paths = BTreeSet::new();
        let mut whole = Some(whole);
        let mut placed: Vec<Placed> = jobs
            .iter()
            .map(|j| Placed(j.path.clone(), j.origin.clone()))
            .collect();
        if !defer {
            let data = render::pass::whole_site(&site, whole.take().unwrap_or_default());
            data_paths = data.iter().map(|j| j.path.clone()).collect();
            jobs.extend(data);
        }
        let path_diags = files::check_paths(&jobs, &|o| plan::source_line(content, o));
        timer.step("plan the output");

        let print_wanted = plan::print_wanted(&site);
        let (print_job, jobs): (Vec<PageJob>, Vec<PageJob>) =
            jobs.into_iter().partition(|p| matches!(p.job, Job::Print));
        let render_one = |planned: PageJob| -> One {
            let (page, item) = match planned.job {
                Job::Ready(data) => {
                    let page = Page {
                        key: 0,
                        file: Arc::new(data.packed()),
                        main: None,
                    };
                    return (planned.path, page, None, false, None);
                }
                Job::Item(i) => {
                    let template = plan::pages::item_template(content.items[i].kind);
                    let partial = print_wanted.then(|| render::print::partial(template));
                    let key = item_key((shared_hash, world), (template, partial), graph, prints, i);
                    if let Some(old) = previous.get(&planned.path).filter(|p| p.key == key) {
                        return (planned.path, old.clone(), Some(i), false, None);
                    }
                    let page = site.item(i);
                    return rendered_page(tera, &shared, page, partial, key, planned.path, Some(i));
                }
                Job::Page(page) => (*page, None),
                Job::Unchanged => {
                    // Planned only when every such page is in `previous`.
                    let page = previous.get(&planned.path).cloned().unwrap_or(Page {
                        key: 0,
                        file: Arc::new(Data::Bytes(Vec::new())),
                        main: None,
                    });
                    return (planned.path, page, None, false, None);
                }
                // Partitioned out above (the print document is made after the pages) or
                // made into their files before the checks (whole-site jobs).
                Job::Print | Job::Exports | Job::SearchIndex | Job::SearchFile => {
                    let page = Page {
                        key: 0,
                        file: Arc::new(Data::Bytes(Vec::new())),
                        main: None,
                    };
                    return (planned.path, page, None, false, None);
                }
            };
            let mut page = page;
            let (key, vars) = page_key(shared_hash, &mut page);
            if let Some(old) = previous.get(&planned.path).filter(|p| p.key == key) {
                return (planned.path, old.clone(), item, false, None);
            }
            page.vars = tera::Context::from_value(vars).unwrap_or_default();
            rendered_page(tera, &shared, page, None, key, planned.path, item)
        };
        let results: Vec<One> = jobs.into_par_iter().map(render_one).collect();
        let mut template_errors = Vec::new();
        let mut files = BTreeMap::new();
        let mut pages = HashMap::new();
        let mut mains = HashMap::new();
        let (mut rendered, mut reused) = (0, 0);
        for (path, page, item, fresh, d) in results {
            // A page that failed is not remembered: next time it must fail again.
            let failed = d.is_some();
            template_errors.extend(d);
            if page.key != 0 {
                if fresh {
                    rendered += 1;
                } else {
                    reused += 1;
                }
            }
            if let (Some(i), Some(main)) = (item, &page.main) {
                mains.insert(i, main.clone());
            }
            files.insert(path.clone(), page.file.clone());
            if page.key != 0 && !failed {
                pages.insert(path, page);
            }
        }
        if let Some(planned) = print_job.into_iter().next() {
            match render::print::document(&site, tera, &shared, mains) {
                Some(Ok((_, html))) => {
                    files.insert(planned.path, held(html));
                }
                Some(Err(d)) => template_errors.push(d),
                None => {
                    files.insert(planned.path, Arc::new(Data::Bytes(Vec::new())));
                }
            }
        }
        diagnostics.extend(render::fold_template_errors(template_errors));
        timer.step("render pages");
        if options.profile == Profile::Public {
            if let Some(scanner) = privacy::Scanner::new(content) {
                let found: Vec<(String, std::collections::BTreeSet<usize>)> = files
                    .par_iter()
                    .map(|(path, file)| (path.clone(), scanner.scan(path, file)))
                    .filter(|(_, rows)| !rows.is_empty())
                    .collect();
                let site_yaml = std::fs::read_to_string(content_dir.join("site.yaml")).ok();
                diagnostics.extend(privacy::report(
                    content,
                    &scanner,
                    &found,
                    site_yaml.as_deref(),
                ));
                timer.step("privacy guard");
            }
        }
        let warnings = diagnostics.clone();
        diagnostics.extend(path_diags.iter().cloned());
        if diagnostics.has_errors() {
            if let Some(whole) = whole.take() {
                // A build names every error: the whole plan's paths are checked too.
                for job in render::pass::whole_site(&site, whole) {
                    placed.push(Placed(job.path, job.origin));
                }
                diagnostics = warnings;
                diagnostics.extend(files::check_paths(&placed, &|o| {
                    plan::source_line(content, o)
                }));
            }
            // Pages rendered now are as valid as the old ones: keep both for next time.
            let mut keep = previous;
            keep.extend(pages);
            self.pages = keep;
            return Err(diagnostics.sorted());
        }
        Ok(Made {
            lists: (lists_key, lists),
            files,
            pages,
            diagnostics: diagnostics.sorted(),
            counts: (rendered, reused),
            deferred: whole,
            placed,
            warnings,
            shared_hash,
            world,
            data_paths,
        })
    }
}

/// What an update's pages are made from, besides the graph.
struct Input<'a> {
    content: &'a content::Content,
    bodies: &'a [Body],
    prints: &'a [Prints],
    home: Option<&'a Body>,
}

/// Renders a page whose inputs hash to `key`.
fn rendered_page(
    tera: &tera::Tera,
    shared: &tera::Context,
    page: plan::pages::Page,
    partial: Option<&'static str>,
    key: u64,
    path: String,
    item: Option<usize>,
) -> One {
    let template = page.template;
    let (url, ctx) = render::page_context(shared, page);
    match render::render_context(tera, template, partial, ctx, &url) {
        Ok((main, html)) => {
            let page = Page {
                key,
                file: held(html),
                main,
            };
            (path, page, item, true, None)
        }
        Err(d) => {
            let page = Page {
                key,
                file: Arc::new(Data::Bytes(Vec::new())),
                main: None,
            };
            (path, page, item, true, Some(d))
        }
    }
}

/// A page as the pass made it: its path, the page, the item it shows, whether it was
/// rendered now, its template error.
type One = (String, Page, Option<usize>, bool, Option<Diagnostic>);

fn body_source(s: &content::SourceFile) -> BodySource<'_> {
    BodySource {
        path: &s.path,
        text: &s.text,
        body_start: s.body_start,
        lines: &s.lines,
    }
}

/// `path` relative to `dir` (with `/`, NFC), also when one is written relative to the
/// current folder and the other absolute.
fn relative_to(path: &Path, dir: &Path) -> Option<PathBuf> {
    let rel = match path.strip_prefix(dir) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => {
            let path = std::path::absolute(path).ok()?;
            let dir = std::path::absolute(dir).ok()?;
            match path.strip_prefix(&dir) {
                Ok(rel) => rel.to_path_buf(),
                Err(_) => {
                    let dir = dir.canonicalize().ok()?;
                    let parent = path.parent()?.canonicalize().ok()?;
                    parent
                        .join(path.file_name()?)
                        .strip_prefix(&dir)
                        .ok()?
                        .to_path_buf()
                }
            }
        }
    };
    let text = rel.to_str()?.replace('\\', "/");
    Some(PathBuf::from(content::source::nfc(&text).into_owned()))
}

/// A page as the session holds it: packed, since it may be held for hours.
fn held(html: String) -> Arc<Data> {
    Arc::new(Data::Bytes(html.into_bytes()).packed())
}

/// Whether two output files hold the same bytes (or copy the same unchanged file;
/// `changed` are the absolute paths named changed).
fn same(a: &Arc<Data>, b: &Arc<Data>, changed: &[PathBuf]) -> bool {
    if Arc::ptr_eq(a, b) {
        return true;
    }
    match (&**a, &**b) {
        (Data::Copy(x), Data::Copy(y)) => {
            x == y
                && !changed
                    .iter()
                    .any(|c| x.starts_with(c) || c.as_os_str().is_empty())
        }
        (Data::Copy(_), _) | (_, Data::Copy(_)) => false,
        // One packer: the same bytes pack the same.
        (Data::Packed(x), Data::Packed(y)) => x == y,
        _ => a.bytes() == b.bytes(),
    }
}
