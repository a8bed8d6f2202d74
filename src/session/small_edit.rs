//! The short way through an update after edits that keep the site graph: the most
//! common saves while writing (a paragraph, a title, a summary, a date). When every
//! changed file is an item whose links, references, tags, contacts and headings are
//! what they were ([`resolve::graph_key`]), and neither it nor any warning of the last
//! update involves it, then the graph, every output path and every warning are those
//! of the last update. Only the pages whose inputs changed are made again, into the
//! kept update: item pages by their inputs' hash, the other pages that may show a
//! changed front matter ([`SitePages::may_show`]); the whole-site files follow as
//! usual. Anything else takes the whole update.

use super::keys::{item_key, lists_hash, page_key, shared_hash, world_hash, Prints};
use super::{body_source, relative_to};
use super::{rendered_page, same};
use super::{Page, Pending, Session, Update};
use crate::content::body::{markdown, Body};
use crate::content::{item, source, Item};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::plan::files::page_path;
use crate::plan::pages::PageOptions;
use crate::settings::Profile;
use crate::timings::Timer;
use crate::{plan, render, resolve, urls};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// More changed files than this take the whole update (a checkout, a search-and-replace).
const MAX_FILES: usize = 8;

/// One changed item, read again.
struct Edit {
    i: usize,
    item: Item,
    body: Body,
    prints: Prints,
}

impl Session {
    /// The update for `changed` when its edits keep the graph (module comment), or `None`.
    pub(super) fn small_edits(
        &mut self,
        changed: &[PathBuf],
        defer: bool,
    ) -> Option<Result<Update, Diagnostics>> {
        if self.options.profile != Profile::Intranet
            || changed.is_empty()
            || changed.len() > MAX_FILES
            || self.lists.is_none()
            || !self.only_edits(changed)
        {
            return None;
        }
        let mut timer = Timer::start();
        let edits = changed
            .iter()
            .filter(|path| !self.passing(path))
            .map(|path| self.read_edit(path))
            .collect::<Option<Vec<Edit>>>()?;
        timer.step("read the edited items");

        // The last complete files are what finishing may have to go back to.
        let before = match self.pending.take() {
            Some(p) => p.before,
            None => self.files.clone(),
        };
        let kept = self.kept.as_mut()?;
        let mut heads = Vec::new();
        for edit in edits {
            if kept.prints[edit.i].head != edit.prints.head {
                heads.push(edit.i);
            }
            kept.content.items[edit.i] = edit.item;
            kept.bodies[edit.i] = edit.body;
            kept.body_diags[edit.i] = Vec::new();
            kept.prints[edit.i] = edit.prints;
        }
        let Some(made) = self.render_changed(&heads) else {
            // A template error: the whole update names it as a build does. The kept
            // content is what the files now hold, so it is as good a base as any.
            self.pending = Some(Pending {
                jobs: plan::whole_site_jobs(),
                before,
            });
            return Some(self.run_whole(changed, defer));
        };
        timer.step("render pages");

        let mut names = Vec::new();
        let rendered = made.pages.iter().filter(|(_, page)| page.key != 0).count();
        for (path, page) in made.pages {
            if !self
                .files
                .get(&path)
                .is_some_and(|f| same(f, &page.file, &[]))
            {
                names.push(path.clone());
            }
            self.files.insert(path.clone(), page.file.clone());
            if page.key != 0 {
                self.pages.insert(path, page);
            }
        }
        names.sort();
        if let Some(lists) = &mut self.lists {
            lists.0 = made.lists_key;
        }
        let kept = self.kept.as_mut()?;
        (kept.shared_hash, kept.world) = made.site;
        self.pending = Some(Pending {
            jobs: plan::whole_site_jobs(),
            before,
        });
        let update = Update {
            changed: names,
            diagnostics: kept.diagnostics.clone(),
            rendered,
            reused: (kept.graph.published.len() + made.others).saturating_sub(rendered),
            timings: timer.steps,
        };
        if defer {
            return Some(Ok(update));
        }
        Some(self.finish().map(|rest| {
            let mut changed = update.changed;
            changed.extend(rest.changed);
            changed.sort();
            changed.dedup();
            let mut timings = update.timings;
            timings.extend(rest.timings);
            Update {
                changed,
                diagnostics: rest.diagnostics,
                timings,
                ..update
            }
        }))
    }

    /// The file at `path` read again, when it is an item that reads into the same graph
    /// as the kept update's and that nothing reported involves.
    fn read_edit(&self, path: &Path) -> Option<Edit> {
        let kept = self.kept.as_ref()?;
        let content_dir = self.options.root.join("content");
        let path = self.on_disk(path);
        let rel = relative_to(&path, &content_dir)?;
        let i = kept
            .content
            .items
            .iter()
            .position(|it| it.source.path == rel)?;
        if kept.diagnostics.iter().any(|d| involves(d, &rel)) {
            return None;
        }
        let old = &kept.content.items[i];
        let bytes = std::fs::read(content_dir.join(kept.content.disk_path(&rel))).ok()?;
        let text = source::decode(&rel, bytes).ok()?;
        let file = source::split(rel, text).ok()?;
        let prints = Prints::of(&file);
        let (item, diags) = item::read(old.kind, old.id.clone(), file);
        let mut item = item.filter(|_| diags.is_empty())?;
        if self.options.drafts && item.common.draft {
            item.common.draft = false;
            item.common.previewed_draft = true;
        }
        if resolve::graph_key(&item) != resolve::graph_key(old) {
            return None;
        }
        let (body, diags) = markdown::render(&body_source(&item.source));
        if !diags.is_empty() || !same_outline(&kept.bodies[i], &body) {
            return None;
        }
        Some(Edit {
            i,
            item,
            body,
            prints,
        })
    }

    /// Renders every item page whose inputs' hash changed, the other pages that may show
    /// the front matter of the items at `heads`, and the print document when the site
    /// has one; `None` on a template error.
    fn render_changed(&self, heads: &[usize]) -> Option<Made> {
        let kept = self.kept.as_ref()?;
        let theme = self.theme.as_ref()?;
        let tera = theme.tera.as_ref().ok()?;
        let page_options = PageOptions::new(&self.options, &kept.content);
        let site = kept.site(&page_options);
        let print_wanted = plan::print_wanted(&site);
        let shared = site.site_context();
        let site_keys = (
            shared_hash(theme.hash, &shared),
            world_hash(&kept.content, &self.options, &kept.graph, &kept.prints),
        );
        let items: Vec<(String, Page, usize)> = kept
            .graph
            .published
            .par_iter()
            .filter_map(|&i| {
                let item = &kept.content.items[i];
                let template = plan::pages::item_template(item.kind);
                let partial = print_wanted.then(|| render::print::partial(template));
                let key = item_key(site_keys, (template, partial), &kept.graph, &kept.prints, i);
                let path = page_path(&urls::item_url(item.kind, &item.id));
                if self.pages.get(&path).is_some_and(|p| p.key == key) {
                    return None;
                }
                let one = rendered_page(tera, &shared, site.item(i), partial, key, path, Some(i));
                Some((one, i))
            })
            .map(|((path, page, _, _, error), i)| error.is_none().then_some((path, page, i)))
            .collect::<Option<Vec<_>>>()?;
        let others = site.other_pages();
        let count = others.len();
        let lists: Vec<(String, Page)> = others
            .into_par_iter()
            .filter(|w| heads.iter().any(|&i| site.may_show(w, i)))
            .map(|w| {
                let mut page = site.other_page(&w);
                let path = page_path(&page.url);
                let (key, vars) = page_key(site_keys.0, &mut page);
                if let Some(old) = self.pages.get(&path).filter(|p| p.key == key) {
                    return Some((path, old.clone()));
                }
                page.vars = tera::Context::from_value(vars).unwrap_or_default();
                let (path, page, _, _, error) =
                    rendered_page(tera, &shared, page, None, key, path, None);
                error.is_none().then_some((path, page))
            })
            .collect::<Option<Vec<_>>>()?;

        let mut out: Vec<(String, Page)> = Vec::with_capacity(items.len() + lists.len() + 1);
        let mut fresh_mains: HashMap<usize, String> = HashMap::new();
        for (path, page, i) in items {
            if let Some(main) = &page.main {
                fresh_mains.insert(i, main.clone());
            }
            out.push((path, page));
        }
        out.extend(lists);
        if print_wanted {
            let mut mains = HashMap::new();
            for &i in &kept.graph.published {
                let item = &kept.content.items[i];
                let path = page_path(&urls::item_url(item.kind, &item.id));
                let main = fresh_mains
                    .remove(&i)
                    .or_else(|| self.pages.get(&path).and_then(|p| p.main.clone()));
                if let Some(main) = main {
                    mains.insert(i, main);
                }
            }
            match render::print::document(&site, tera, &shared, mains)? {
                Ok((_, html)) => out.push((
                    page_path(plan::PRINT_URL),
                    Page {
                        key: 0,
                        file: super::held(html),
                        main: None,
                    },
                )),
                Err(_) => return None,
            }
        }
        Some(Made {
            pages: out,
            lists_key: lists_hash(site_keys.0, site_keys.1, &kept.graph, &kept.prints),
            site: site_keys,
            others: count,
        })
    }
}

/// What [`Session::render_changed`] made.
struct Made {
    pages: Vec<(String, Page)>,
    /// The hash of the other pages' inputs now.
    lists_key: u64,
    /// The hashes of the site-wide context and of the world now.
    site: (u64, u64),
    /// How many other pages the site has.
    others: usize,
}

/// Whether a diagnostic points into the file `rel`.
fn involves(d: &Diagnostic, rel: &Path) -> bool {
    d.location.path == rel || d.secondary.iter().any(|l| l.location.path == rel)
}

/// Whether two bodies of one item link to the same places and have the same headings:
/// all that the site graph and the checks of other items' links read of a body.
fn same_outline(a: &Body, b: &Body) -> bool {
    let targets = |b: &Body| {
        b.links
            .iter()
            .map(|l| format!("{:?}", l.target))
            .collect::<Vec<_>>()
    };
    let headings = |b: &Body| b.headings.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
    targets(a) == targets(b) && headings(a) == headings(b)
}
