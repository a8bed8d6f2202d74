//! The pages of the site, assembled from the graph: each page's URL, template, title,
//! place in the navigation and its own variables (the views of views.rs), and where it
//! comes from. Nothing here renders: the render stage puts these through the templates.

use super::files::Origin;
use super::pictures;
use super::schedule;
use super::views::{self, LinkView, Views};
use crate::calendar::Date;
use crate::content::body::Body;
use crate::content::{Category, Content, Details, Kind};
use crate::resolve::{Graph, ItemRef};
use crate::settings::Profile;
use crate::urls;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Settings of one build that pages depend on.
#[derive(Debug, Clone)]
pub struct PageOptions {
    pub profile: Profile,
    /// Sub-path the site is served under (`/handbook/`); only absolute outputs such as
    /// the sitemap need it, pages link relatively.
    pub base_path: String,
    /// The day "upcoming events" count from.
    pub today: Date,
}

impl PageOptions {
    /// The options of a build of `content`: `--today`, or the first day of its newest
    /// fiscal year.
    pub fn new(options: &crate::settings::Options, content: &Content) -> PageOptions {
        PageOptions {
            profile: options.profile,
            base_path: options.base_path.clone(),
            today: options
                .today
                .unwrap_or_else(|| super::default_today(content)),
        }
    }
}

/// One output page: where it goes, which template renders it, and its own variables.
pub struct Page {
    pub url: String,
    pub template: &'static str,
    pub title: String,
    pub breadcrumbs: Vec<(String, String)>,
    pub section: &'static str,
    pub vars: tera::Context,
    /// The source that makes this page, for diagnostics about its output path.
    pub origin: Origin,
}

#[derive(Serialize)]
struct NavEntry {
    title: &'static str,
    url: String,
    section: &'static str,
}

/// A value and its Japanese label (the search page's filters).
#[derive(Serialize)]
struct KeyLabel {
    key: &'static str,
    label: &'static str,
}

/// A section of the home page with how many pages it has.
#[derive(Serialize)]
struct Counted {
    title: String,
    url: String,
    count: usize,
}

/// A keyword of the keyword index.
#[derive(Serialize)]
struct TagCount<'a> {
    name: &'a str,
    url: String,
    count: usize,
}

/// Another fiscal year's schedule, linked from each schedule page.
#[derive(Serialize)]
struct YearLink {
    label: String,
    url: String,
}

/// One office of the contact page with its rows.
#[derive(Serialize)]
struct OfficeView {
    office: String,
    id: String,
    rows: Vec<views::ContactView>,
}

/// The main navigation: each kind's section, then the schedule and the contacts.
fn nav() -> Vec<NavEntry> {
    let mut nav: Vec<NavEntry> = Kind::ALL
        .into_iter()
        .map(|kind| NavEntry {
            title: kind.label(),
            url: urls::section_url(kind),
            section: urls::section(kind),
        })
        .collect();
    nav.push(NavEntry {
        title: "事業計画",
        url: urls::SCHEDULES.into(),
        section: "schedule",
    });
    nav.push(NavEntry {
        title: "照会先",
        url: urls::CONTACTS.into(),
        section: "contacts",
    });
    nav
}

/// The template that renders one item of a kind.
pub fn item_template(kind: Kind) -> &'static str {
    match kind {
        Kind::Survey => "survey.html",
        Kind::Law => "law.html",
        Kind::Roadmap => "roadmap.html",
        Kind::Page => "page.html",
    }
}

/// The site as a list of pages to render, built from the graph.
pub struct SitePages<'a> {
    pub views: Views<'a>,
    pub options: &'a PageOptions,
    pub home: Option<&'a Body>,
}

impl<'a> SitePages<'a> {
    /// The pages of the loaded, resolved site, with `options` for every view.
    pub fn new(
        content: &'a Content,
        graph: &'a Graph,
        bodies: &'a [Body],
        home: Option<&'a Body>,
        options: &'a PageOptions,
    ) -> SitePages<'a> {
        SitePages {
            views: Views {
                content,
                graph,
                bodies,
                profile: options.profile,
                today: options.today,
            },
            options,
            home,
        }
    }
}

/// One of the pages but items'.
pub enum OtherPage<'t> {
    Home,
    List(Kind),
    TagsIndex,
    Tag(&'t String, &'t Vec<ItemRef>),
    /// A fiscal year's schedule; `true` for the newest year's copy at the schedule index.
    Schedule(usize, bool),
    Contacts,
    Search,
}

impl<'a> SitePages<'a> {
    fn content(&self) -> &'a Content {
        self.views.content
    }

    fn graph(&self) -> &'a Graph {
        self.views.graph
    }

    /// Variables shared by every page.
    pub fn site_context(&self) -> tera::Context {
        let site = &self.content().site;
        let mut ctx = tera::Context::new();
        ctx.insert(
            "site",
            &serde_json::json!({
                "title": site.title,
                "description": site.description,
                "organization": site.organization,
                "profile": self.options.profile,
                "base_path": self.options.base_path,
                "main_phone": self.content().contacts.main_phone,
                "main_phone_label": self.content().contacts.main_phone_label,
                "print": super::print_wanted(self),
            }),
        );
        ctx.insert("nav", &nav());
        ctx
    }

    /// Every page of the site but items', in a fixed order. Made in parallel: at 10,000
    /// items their variables (a link for every item on the lists, the tags and the
    /// contacts) take a tenth of a second, which `serve` pays after every retitle.
    pub fn pages(&self) -> Vec<Page> {
        self.other_pages()
            .into_par_iter()
            .map(|w| self.other_page(&w))
            .collect()
    }

    /// The pages but items', in the order [`SitePages::pages`] makes them.
    pub fn other_pages(&self) -> Vec<OtherPage<'a>> {
        let mut which = vec![OtherPage::Home];
        which.extend(Kind::ALL.into_iter().map(OtherPage::List));
        which.push(OtherPage::TagsIndex);
        which.extend(
            self.views
                .graph
                .tags
                .iter()
                .map(|(t, i)| OtherPage::Tag(t, i)),
        );
        let newest = self.content().schedules.len().checked_sub(1);
        for s in 0..self.content().schedules.len() {
            which.push(OtherPage::Schedule(s, false));
            if Some(s) == newest {
                which.push(OtherPage::Schedule(s, true));
            }
        }
        which.push(OtherPage::Contacts);
        which.push(OtherPage::Search);
        which
    }

    pub fn other_page(&self, which: &OtherPage) -> Page {
        match *which {
            OtherPage::Home => self.home(),
            OtherPage::List(kind) => self.list(kind),
            OtherPage::TagsIndex => self.tags_index(),
            OtherPage::Tag(tag, items) => self.tag(tag, items),
            OtherPage::Schedule(s, upcoming) => self.schedule(s, upcoming),
            OtherPage::Contacts => self.contacts(),
            OtherPage::Search => self.search(),
        }
    }

    /// Whether `which` may show anything of item `i`'s front matter, when the site graph
    /// is what it was (the same items, links, tags, contacts): what `serve` makes again
    /// after a retitle. Kept beside the pages it answers for; a page missed here would
    /// be served stale (tests/session.rs retitles and compares with clean builds).
    pub fn may_show(&self, which: &OtherPage, i: ItemRef) -> bool {
        let item = &self.content().items[i];
        match *which {
            // A program's free page is shown on the roadmap list.
            OtherPage::List(kind) => {
                kind == item.kind || (kind == Kind::Roadmap && item.kind == Kind::Page)
            }
            OtherPage::Tag(_, items) => items.contains(&i),
            OtherPage::Contacts => !self.views.graph.contacts[i].is_empty(),
            // Surveys link from the schedule and the home page's upcoming events.
            OtherPage::Schedule(..) => item.kind == Kind::Survey,
            OtherPage::Home | OtherPage::TagsIndex => true,
            OtherPage::Search => false,
        }
    }

    /// The search page; `search.js` fills it from the index of src/search/.
    fn search(&self) -> Page {
        let kinds: Vec<KeyLabel> = Kind::ALL
            .iter()
            .map(|k| KeyLabel {
                key: k.dir(),
                label: k.label(),
            })
            .collect();
        let categories: Vec<KeyLabel> = Category::ALL
            .iter()
            .map(|c| KeyLabel {
                key: c.key(),
                label: c.label(),
            })
            .collect();
        let mut vars = tera::Context::new();
        vars.insert("kinds", &kinds);
        vars.insert("categories", &categories);
        Page {
            url: urls::SEARCH.into(),
            template: "search.html",
            title: "サイト内検索".into(),
            breadcrumbs: Vec::new(),
            section: "search",
            vars,
            origin: Origin::generated("the search page"),
        }
    }

    /// The page of one item (with the JSON-LD block of a survey); built on demand so its
    /// view lives only while it renders.
    pub fn item(&self, i: ItemRef) -> Page {
        let item = &self.content().items[i];
        let mut vars = tera::Context::new();
        vars.insert("page", &self.views.item_view(i));
        if let Some(ld) = super::jsonld::survey(&self.views, self.base_url().as_deref(), i) {
            vars.insert("json_ld", &ld);
        }
        Page {
            url: urls::item_url(item.kind, &item.id),
            template: item_template(item.kind),
            title: item.common.title.clone(),
            breadcrumbs: vec![(item.kind.label().to_string(), urls::section_url(item.kind))],
            section: urls::section(item.kind),
            vars,
            origin: item_origin(item),
        }
    }

    fn published_of(&self, kind: Kind) -> Vec<ItemRef> {
        let content = self.content();
        let mut refs: Vec<ItemRef> = self
            .graph()
            .published
            .iter()
            .copied()
            .filter(|&i| content.items[i].kind == kind)
            .collect();
        refs.sort_by(|&a, &b| {
            let (ia, ib) = (&content.items[a], &content.items[b]);
            let weight = |i: &crate::content::Item| match i.details {
                Details::Page { weight } => weight,
                _ => 0,
            };
            (weight(ia), &ia.id).cmp(&(weight(ib), &ib.id))
        });
        refs
    }

    pub(crate) fn home(&self) -> Page {
        let mut vars = tera::Context::new();
        vars.insert("intro", &self.home.map(|r| r.html.as_str()).unwrap_or(""));
        let sections: Vec<Counted> = Kind::ALL
            .iter()
            .map(|&k| Counted {
                title: k.label().into(),
                url: urls::section_url(k),
                count: self.published_of(k).len(),
            })
            .collect();
        vars.insert("sections", &sections);
        let today = self.options.today;
        let mut upcoming = Vec::new();
        if let Some((s, schedule)) = self.content().schedules.iter().enumerate().next_back() {
            let mut events: Vec<usize> = (0..schedule.events.len())
                .filter(|&e| schedule.events[e].when.last_day() >= today)
                .collect();
            events.sort_by_key(|&e| (schedule.events[e].when.first_day(), e));
            upcoming = events
                .into_iter()
                .take(8)
                .map(|e| self.views.event((s, e)))
                .collect();
        }
        vars.insert("upcoming", &upcoming);
        vars.insert("today", &today.japanese());
        Page {
            url: String::new(),
            template: "index.html",
            title: self.content().site.title.clone(),
            breadcrumbs: Vec::new(),
            section: "home",
            vars,
            origin: Origin::generated("the home page"),
        }
    }

    /// The published items of `kind` in reading order, grouped as the kind's list page
    /// groups them (surveys by category, roadmap items by program): (anchor id, group
    /// title, items, the roadmap program when grouped by one). Groups may be empty.
    #[allow(clippy::type_complexity)]
    pub(crate) fn groups(
        &self,
        kind: Kind,
    ) -> Vec<(String, String, Vec<ItemRef>, Option<&'a str>)> {
        let content = self.content();
        let refs = self.published_of(kind);
        let mut groups = Vec::new();
        match kind {
            Kind::Survey => {
                for cat in Category::ALL {
                    let items = refs
                        .iter()
                        .copied()
                        .filter(|&i| matches!(content.items[i].details, Details::Survey { category, .. } if category == cat))
                        .collect();
                    groups.push((cat.key().into(), cat.label().into(), items, None));
                }
            }
            Kind::Roadmap => {
                let mut by_program: BTreeMap<&str, Vec<ItemRef>> = BTreeMap::new();
                for &i in &refs {
                    if let Details::Roadmap { program, .. } = &content.items[i].details {
                        by_program.entry(program.as_str()).or_default().push(i);
                    }
                }
                // Programs in the order site.yaml lists them, then any others.
                let mut order: Vec<&str> =
                    content.site.programs.keys().map(String::as_str).collect();
                order.retain(|p| by_program.contains_key(p));
                order.extend(
                    by_program
                        .keys()
                        .filter(|p| !content.site.programs.contains_key(**p)),
                );
                for program in order {
                    let mut items = by_program[program].clone();
                    items.sort_by_key(|&i| match &content.items[i].details {
                        Details::Roadmap { number, .. } => (
                            number.is_none(),
                            number.clone(),
                            content.items[i].id.clone(),
                        ),
                        _ => (true, None, String::new()),
                    });
                    groups.push((
                        urls::slug_segment(program),
                        self.views.program_title(program),
                        items,
                        Some(program),
                    ));
                }
            }
            Kind::Law | Kind::Page => {
                groups.push((String::new(), String::new(), refs, None));
            }
        }
        groups
    }

    fn list(&self, kind: Kind) -> Page {
        // The free page about a program as a whole, shown under its heading.
        let mut pages: BTreeMap<String, LinkView> = BTreeMap::new();
        // A roadmap program's timeline and the table that says the same, by group id.
        let mut extras: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        let mut groups: Vec<(String, String, Vec<LinkView>)> = Vec::new();
        for (id, title, items, program) in self.groups(kind) {
            if let Some(program) = program {
                if let Some(&page) = self.views.graph.program_pages.get(program) {
                    pages.insert(id.clone(), self.views.link(page));
                }
                extras.insert(id.clone(), self.program_timeline(program, &items));
            }
            let links = items.into_iter().map(|i| self.views.link(i)).collect();
            groups.push((id, title, links));
        }
        let groups: Vec<serde_json::Value> = groups
            .into_iter()
            .filter(|(_, _, items)| !items.is_empty())
            .map(|(id, title, items)| {
                let page = pages.get(&id);
                let extra = extras.remove(&id).unwrap_or(serde_json::Value::Null);
                serde_json::json!({"id": id, "title": title, "items": items, "page": page, "roadmap": extra})
            })
            .collect();
        let mut vars = tera::Context::new();
        vars.insert("groups", &groups);
        vars.insert("kind", kind.dir());
        Page {
            url: urls::section_url(kind),
            template: "list.html",
            title: kind.label().to_string(),
            breadcrumbs: Vec::new(),
            section: urls::section(kind),
            vars,
            origin: Origin::generated(format!("the list page of {}", kind.label())),
        }
    }

    /// A program's items on one timeline, one lane each, with the rows of the table
    /// that repeats what it draws.
    fn program_timeline(&self, program: &str, items: &[ItemRef]) -> serde_json::Value {
        let content = self.content();
        let items: Vec<&crate::content::Item> = items.iter().map(|&i| &content.items[i]).collect();
        let rows: Vec<serde_json::Value> = items
            .iter()
            .map(|item| {
                let milestones = match &item.details {
                    Details::Roadmap { milestones, .. } => {
                        milestones.iter().map(views::milestone_view).collect()
                    }
                    _ => Vec::new(),
                };
                serde_json::json!({
                    "name": pictures::timeline::lane_name(item),
                    "url": urls::item_url(item.kind, &item.id),
                    "milestones": milestones,
                })
            })
            .collect();
        let title = self.views.program_title(program);
        let picture = pictures::timeline::of_program(program, &title, &items, self.options.today)
            .map(|d| pictures::scroll_box(&d));
        serde_json::json!({"timeline": picture, "rows": rows})
    }

    fn tags_index(&self) -> Page {
        let tags: Vec<TagCount> = self
            .graph()
            .tags
            .iter()
            .map(|(t, items)| TagCount {
                name: t,
                url: urls::tag_url(t),
                count: items.len(),
            })
            .collect();
        let mut vars = tera::Context::new();
        vars.insert("tags", &tags);
        Page {
            url: urls::TAGS.into(),
            template: "tags.html",
            title: "キーワード一覧".into(),
            breadcrumbs: Vec::new(),
            section: "tags",
            vars,
            origin: Origin::generated("the keyword index"),
        }
    }

    fn tag(&self, tag: &str, items: &[ItemRef]) -> Page {
        let mut vars = tera::Context::new();
        let links: Vec<LinkView> = items.iter().map(|&i| self.views.link(i)).collect();
        vars.insert("tag", tag);
        vars.insert("items", &links);
        Page {
            url: urls::tag_url(tag),
            template: "tag.html",
            title: format!("キーワード「{tag}」"),
            breadcrumbs: vec![("キーワード一覧".into(), urls::TAGS.into())],
            section: "tags",
            vars,
            origin: self.tag_origin(tag, items),
        }
    }

    pub(crate) fn schedule(&self, s: usize, as_index: bool) -> Page {
        let schedule = &self.content().schedules[s];
        let table = schedule::table(&self.views, s);
        let mut vars = tera::Context::new();
        vars.insert("schedule", &table);
        let others: Vec<YearLink> = self
            .content()
            .schedules
            .iter()
            .map(|o| YearLink {
                label: crate::calendar::fiscal_year_label(o.fiscal_year),
                url: urls::schedule_url(o.fiscal_year),
            })
            .collect();
        vars.insert("years", &others);
        let url = if as_index {
            urls::SCHEDULES.to_string()
        } else {
            urls::schedule_url(schedule.fiscal_year)
        };
        Page {
            url,
            template: "schedule.html",
            title: table.title.clone(),
            breadcrumbs: if as_index {
                Vec::new()
            } else {
                vec![("事業計画".into(), urls::SCHEDULES.into())]
            },
            section: "schedule",
            origin: if as_index {
                Origin::generated("the schedule index")
            } else {
                schedule_origin(schedule)
            },
            vars,
        }
    }

    pub(crate) fn contacts(&self) -> Page {
        let rows = &self.content().contacts.rows;
        let mut offices: Vec<(String, Vec<views::ContactView>)> = Vec::new();
        for c in 0..rows.len() {
            let view = self.views.contact(c);
            match offices.iter_mut().find(|(o, _)| *o == view.office) {
                Some((_, list)) => list.push(view),
                None => offices.push((view.office.clone(), vec![view])),
            }
        }
        let offices: Vec<OfficeView> = offices
            .into_iter()
            .map(|(office, rows)| OfficeView {
                id: urls::slug_segment(&office),
                office,
                rows,
            })
            .collect();
        let mut vars = tera::Context::new();
        vars.insert("offices", &offices);
        Page {
            url: urls::CONTACTS.into(),
            template: "contacts.html",
            title: "施策照会先一覧".into(),
            breadcrumbs: Vec::new(),
            section: "contacts",
            vars,
            origin: Origin::generated("the contact page"),
        }
    }
}

impl SitePages<'_> {
    /// The absolute address of the site root, ending in `/`, when `site.yaml` has
    /// `base_url` (see [`super::address::join_base`]).
    pub fn base_url(&self) -> Option<String> {
        super::address::join_base(
            self.views.content.site.base_url.as_deref()?,
            &self.options.base_path,
        )
    }

    /// The address of `url` for a reader outside the site: absolute when `base_url` is
    /// set, otherwise the root-relative path as it is.
    pub fn public_url(&self, url: &str) -> String {
        match self.base_url() {
            Some(base) => super::address::absolute(&base, url),
            None => url.to_string(),
        }
    }

    /// Where a tag is first written: the first item carrying it.
    pub fn tag_origin(&self, tag: &str, items: &[ItemRef]) -> Origin {
        let what = format!("the keyword `{tag}`");
        let Some(item) = items.first().map(|&i| &self.content().items[i]) else {
            return Origin::generated(what);
        };
        match item.common.tags.iter().find(|t| t.value.trim() == tag) {
            Some(t) => {
                // Entries of a flow list (`tags: [a, b]`) carry only their line.
                let line = item.source.lines.line(&item.source.text, t.line);
                let composed = crate::content::source::nfc(line);
                let column = composed
                    .find(tag)
                    .map_or(t.column, |b| composed[..b].chars().count() + 1);
                Origin::at(
                    &item.source.path,
                    (t.line, column, tag.chars().count()),
                    what,
                )
            }
            None => Origin::file(&item.source.path, what),
        }
    }
}

/// An item's page comes from its file.
pub fn item_origin(item: &crate::content::Item) -> Origin {
    Origin::file(
        &item.source.path,
        format!("the page of {}", item.source.path.display()),
    )
}

/// A schedule's pages and calendars come from its `fiscal_year` line.
pub fn schedule_origin(schedule: &crate::content::Schedule) -> Origin {
    let line = schedule
        .text
        .split('\n')
        .position(|l| l.trim_start().starts_with("fiscal_year"))
        .map_or(0, |n| n + 1);
    Origin::at(
        &schedule.path,
        (line, 1, "fiscal_year".len()),
        format!(
            "fiscal year {} of {}",
            schedule.fiscal_year,
            schedule.path.display()
        ),
    )
}
