//! A build kept between rebuilds, for `serve`: the same chain as [`crate::build_in_memory`]
//! (load → resolve → plan → render → guard), remembering what each step made so that a
//! rebuild after a few files changed redoes only what those files feed.
//!
//! What is remembered, and why it cannot go stale:
//! - load: each item as parsed from its file; a file is read and parsed again when it is
//!   named changed (or lies below a changed folder or a symbolic link). The folder is
//!   walked on every update, so added and removed files are always seen.
//! - Markdown: each item's body, made again whenever its item was parsed again.
//! - render: each page's bytes under a hash of everything the page is made from: the
//!   theme's every template and file, the template's name and the page's whole context
//!   (site-wide variables included). A page whose hash is unchanged is not rendered.
//! - resolve, plan, the exports, the search index, the print document and the privacy
//!   scan of a public build take the whole site as input and are made again on every
//!   update.
//!
//! The theme is loaded again when a changed path lies outside `content/` or the theme
//! named in site.yaml changes; a changed path the session cannot place forgets
//! everything (the caches of pages stay: their hashes still decide).

use crate::content::body::{markdown, Body, BodySource};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::plan::files::{self, Data};
use crate::plan::pages::{PageOptions, SitePages};
use crate::plan::views::Views;
use crate::plan::{Job, PageJob};
use crate::settings::{Options, Profile};
use crate::timings::Timer;
use crate::{content, plan, privacy, render, resolve, theme};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A site built in memory and kept up to date.
pub struct Session {
    options: Options,
    memo: content::Memo,
    /// Each item's body and what rendering it found, by the item's path in `content/`.
    bodies: HashMap<PathBuf, (Body, Vec<Diagnostic>)>,
    /// Symbolic links of the last load: what lies below them is read again every time.
    links: Vec<PathBuf>,
    theme: Option<LoadedTheme>,
    /// Each rendered page by output path: the hash of its inputs, the page, its main part
    /// (kept for the print document).
    pages: HashMap<String, Page>,
    files: BTreeMap<String, Arc<Data>>,
    /// The paths named changed in the update running (with the root prepended).
    forgotten: Vec<PathBuf>,
}

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
        let mut timer = Timer::start();
        self.forget(changed);
        content::body::highlight::warm_up();
        let content_dir = self.options.root.join("content");
        let (mut content, mut diagnostics) = content::load_with(&content_dir, &mut self.memo);
        if self.options.drafts {
            content.publish_drafts();
        }
        self.links = content.links.clone();
        timer.step("load content");

        // Bodies: those of items parsed again were forgotten with them.
        let missing: Vec<usize> = (0..content.items.len())
            .filter(|&i| !self.bodies.contains_key(&content.items[i].source.path))
            .collect();
        let made: Vec<(PathBuf, (Body, Vec<Diagnostic>))> = missing
            .par_iter()
            .map(|&i| {
                let s = &content.items[i].source;
                (s.path.clone(), markdown::render(&body_source(s)))
            })
            .collect();
        self.bodies.extend(made);
        // Moved out for this update and back in after it: bodies are large.
        let mut bodies = Vec::with_capacity(content.items.len());
        let mut body_diags = Vec::with_capacity(content.items.len());
        for item in &content.items {
            let (body, d) = self.bodies.remove(&item.source.path).unwrap_or_default();
            diagnostics.extend(d.iter().cloned());
            bodies.push(body);
            body_diags.push(d);
        }
        // Whatever is left belongs to files that are gone.
        self.bodies.clear();
        let home = content.home.as_ref().map(|h| {
            let (body, d) = markdown::render(&body_source(h));
            diagnostics.extend(d);
            body
        });
        timer.step("render Markdown");

        let result = self.rest(&content, &bodies, home, diagnostics, &mut timer);
        self.bodies.extend(
            content
                .items
                .iter()
                .map(|i| i.source.path.clone())
                .zip(bodies.into_iter().zip(body_diags)),
        );
        self.memo.reclaim(content);
        let (files, pages, diagnostics, counts) = result?;
        let mut changed: Vec<String> = files
            .iter()
            .filter(|(path, file)| match self.files.get(*path) {
                Some(old) => !same(old, file, &self.forgotten),
                None => true,
            })
            .map(|(path, _)| path.clone())
            .collect();
        changed.extend(
            self.files
                .keys()
                .filter(|path| !files.contains_key(*path))
                .cloned(),
        );
        changed.sort();
        self.files = files;
        self.pages = pages;
        Ok(Update {
            changed,
            diagnostics,
            rendered: counts.0,
            reused: counts.1,
            timings: timer.steps,
        })
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
            let path = if path.is_absolute() || path.starts_with(root) {
                path.clone()
            } else {
                root.join(path)
            };
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
    /// pages whose inputs changed.
    #[allow(clippy::type_complexity)]
    fn rest(
        &mut self,
        content: &content::Content,
        bodies: &[Body],
        home: Option<Body>,
        mut diagnostics: Diagnostics,
        timer: &mut Timer,
    ) -> Result<
        (
            BTreeMap<String, Arc<Data>>,
            HashMap<String, Page>,
            Diagnostics,
            (usize, usize),
        ),
        Diagnostics,
    > {
        let (graph, graph_diags) = resolve::resolve(content, bodies);
        diagnostics.extend(graph_diags);
        timer.step("resolve references");
        let options = self.options.clone();
        let previous = std::mem::take(&mut self.pages);
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
        let page_options = PageOptions {
            profile: options.profile,
            base_path: options.base_path.clone(),
            today: options
                .today
                .unwrap_or_else(|| plan::default_today(content)),
        };
        let site = SitePages {
            views: Views {
                content,
                graph: &graph,
                bodies,
                profile: options.profile,
                today: page_options.today,
            },
            options: &page_options,
            home: home.as_ref(),
        };
        let content_dir = options.root.join("content");
        let jobs = render::pass::whole_site(&site, plan::plan(&site, theme, &content_dir));
        diagnostics.extend(files::check_paths(&jobs, &|o| {
            plan::source_line(content, o)
        }));
        timer.step("plan the output");

        let shared = site.site_context();
        let mut h = std::hash::DefaultHasher::new();
        theme_hash.hash(&mut h);
        hash_json(&shared.clone().into_json(), &mut h);
        let shared_hash = h.finish();
        let prints = plan::print_wanted(&site);
        let (print_job, jobs): (Vec<PageJob>, Vec<PageJob>) =
            jobs.into_iter().partition(|p| matches!(p.job, Job::Print));
        type One = (String, Page, Option<usize>, bool, Option<Diagnostic>);
        let render_one = |planned: PageJob| -> One {
            let (page, item) = match planned.job {
                Job::Ready(data) => {
                    let page = Page {
                        key: 0,
                        file: Arc::new(data),
                        main: None,
                    };
                    return (planned.path, page, None, false, None);
                }
                Job::Item(i) => (site.item(i), Some(i)),
                Job::Page(page) => (*page, None),
                // Partitioned out above (the print document is made after the pages) or
                // made into their files before the checks (whole-site jobs).
                Job::Print | Job::Exports | Job::SearchIndex => {
                    let page = Page {
                        key: 0,
                        file: Arc::new(Data::Bytes(Vec::new())),
                        main: None,
                    };
                    return (planned.path, page, None, false, None);
                }
            };
            let template = page.template;
            let partial = item
                .filter(|_| prints)
                .map(|_| render::print::partial(template));
            // The page's own part of its context; the shared part is in `shared_hash`.
            let mut h = std::hash::DefaultHasher::new();
            shared_hash.hash(&mut h);
            template.hash(&mut h);
            partial.hash(&mut h);
            page.url.hash(&mut h);
            page.title.hash(&mut h);
            page.breadcrumbs.hash(&mut h);
            page.section.hash(&mut h);
            let mut page = page;
            let vars = std::mem::take(&mut page.vars).into_json();
            hash_json(&vars, &mut h);
            let key = h.finish();
            if let Some(old) = previous.get(&planned.path).filter(|p| p.key == key) {
                return (planned.path, old.clone(), item, false, None);
            }
            page.vars = tera::Context::from_value(vars).unwrap_or_default();
            let (url, ctx) = render::page_context(&shared, page);
            match render::render_context(tera, template, partial, ctx, &url) {
                Ok((main, html)) => {
                    let page = Page {
                        key,
                        file: Arc::new(Data::Bytes(html.into_bytes())),
                        main,
                    };
                    (planned.path, page, item, true, None)
                }
                Err(d) => {
                    let page = Page {
                        key,
                        file: Arc::new(Data::Bytes(Vec::new())),
                        main: None,
                    };
                    (planned.path, page, item, true, Some(d))
                }
            }
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
                    files.insert(planned.path, Arc::new(Data::Bytes(html.into_bytes())));
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
        let diagnostics = diagnostics.sorted();
        if diagnostics.has_errors() {
            // Pages rendered now are as valid as the old ones: keep both for next time.
            let mut keep = previous;
            keep.extend(pages);
            self.pages = keep;
            return Err(diagnostics);
        }
        Ok((files, pages, diagnostics, (rendered, reused)))
    }
}

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

/// Whether two output files hold the same bytes (or copy the same unchanged file;
/// `changed` are the absolute paths named changed).
fn same(a: &Arc<Data>, b: &Arc<Data>, changed: &[PathBuf]) -> bool {
    if Arc::ptr_eq(a, b) {
        return true;
    }
    match (&**a, &**b) {
        (Data::Bytes(x), Data::Bytes(y)) => x == y,
        (Data::Copy(x), Data::Copy(y)) => {
            x == y
                && !changed
                    .iter()
                    .any(|c| x.starts_with(c) || c.as_os_str().is_empty())
        }
        _ => false,
    }
}

/// Feeds a JSON value to a hasher without building its text.
fn hash_json(value: &serde_json::Value, h: &mut impl Hasher) {
    use serde_json::Value;
    match value {
        Value::Null => h.write_u8(0),
        Value::Bool(b) => {
            h.write_u8(1);
            b.hash(h);
        }
        Value::Number(n) => {
            h.write_u8(2);
            n.to_string().hash(h);
        }
        Value::String(s) => {
            h.write_u8(3);
            s.hash(h);
        }
        Value::Array(a) => {
            h.write_u8(4);
            h.write_usize(a.len());
            for v in a {
                hash_json(v, h);
            }
        }
        Value::Object(o) => {
            h.write_u8(5);
            h.write_usize(o.len());
            for (k, v) in o {
                k.hash(h);
                hash_json(v, h);
            }
        }
    }
}
