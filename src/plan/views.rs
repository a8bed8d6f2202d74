//! What templates see: small, documented views of the graph (themes/default/README.md
//! lists every field). URLs in views are root-relative; templates prefix `root`.

use super::pictures;
use crate::calendar::{Date, When};
use crate::content::body::Body;
use crate::content::{Contact, Content, Details, Event, Item, Kind, Milestone, Route};
use crate::resolve::{EventRef, Graph, ItemRef};
use crate::settings::Profile;
use crate::urls;
use serde::Serialize;

#[derive(Serialize, Clone)]
pub struct LinkView {
    pub title: String,
    pub url: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub summary: Option<String>,
}

#[derive(Serialize, Clone)]
pub struct ContactView {
    pub id: String,
    pub topic: String,
    pub office: String,
    pub section: String,
    /// Absent in the public profile.
    pub person: Option<String>,
    pub extension: String,
    pub pages: Option<String>,
    pub users: Vec<LinkView>,
}

#[derive(Serialize, Clone)]
pub struct EventView {
    pub when: String,
    pub when_western: String,
    pub first_day: String,
    pub last_day: String,
    pub title: String,
    pub tracks: Vec<String>,
    pub track_titles: Vec<String>,
    pub kind: Option<&'static str>,
    pub kind_label: Option<&'static str>,
    /// `true` (協力依頼), `false` (the seed says not), or null: the seed does not say.
    pub local_government: Option<bool>,
    pub local_government_label: &'static str,
    pub survey: Option<LinkView>,
}

#[derive(Serialize)]
pub struct HeadingView {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct TagView {
    pub name: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct RouteView {
    pub name: Option<String>,
    pub steps: Vec<Vec<String>>,
    /// The route drawn left to right (wide screens) and top to bottom (narrow ones).
    pub picture_wide: Option<String>,
    pub picture_narrow: Option<String>,
}

#[derive(Serialize)]
pub struct SurveyView {
    pub category: &'static str,
    pub category_label: &'static str,
    pub frequency: String,
    pub methods: Vec<&'static str>,
    pub routes: Vec<RouteView>,
    /// As for events: `true`, `false`, or null when unknown.
    pub local_government: Option<bool>,
    pub local_government_label: &'static str,
    pub uses: Vec<String>,
    pub laws: Vec<LinkView>,
    pub roadmap: Vec<LinkView>,
    pub events: Vec<EventView>,
}

#[derive(Serialize)]
pub struct LawView {
    pub short_title: Option<String>,
    pub status: Option<&'static str>,
    pub effective: Option<String>,
    pub amends: Vec<LinkView>,
    pub amended_by: Vec<LinkView>,
    pub enables: Vec<LinkView>,
}

#[derive(Serialize)]
pub struct MilestoneView {
    pub label: String,
    pub start: String,
    pub end: Option<String>,
    pub state: Option<&'static str>,
    pub state_label: Option<&'static str>,
    /// `stated` or `read` (read from a figure's layout).
    pub basis: &'static str,
    /// "時期は資料の図からの読み取り" for a reading, else nothing.
    pub basis_label: Option<&'static str>,
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct RoadmapView {
    pub program: String,
    pub program_title: String,
    pub program_url: String,
    /// The free page about the program as a whole, when site.yaml names one.
    pub program_page: Option<LinkView>,
    pub number: Option<String>,
    pub milestones: Vec<MilestoneView>,
    /// The milestones drawn on a fiscal-year timeline (inline SVG in its scroll box).
    pub timeline: Option<String>,
    pub laws: Vec<LinkView>,
}

#[derive(Serialize)]
pub struct ItemView {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub id: String,
    pub url: String,
    pub title: String,
    pub summary: Option<String>,
    /// Shown only by preview builds (`--drafts`).
    pub draft: bool,
    pub updated: Option<String>,
    pub updated_ja: Option<String>,
    pub tags: Vec<TagView>,
    pub content: String,
    pub toc: Vec<HeadingView>,
    pub contacts: Vec<ContactView>,
    pub related: Vec<LinkView>,
    pub backlinks: Vec<LinkView>,
    pub survey: Option<SurveyView>,
    pub law: Option<LawView>,
    pub roadmap: Option<RoadmapView>,
    pub source: String,
    /// The `source` field: where in the briefing the facts come from (出典).
    pub citation: Option<String>,
}

/// Builds views; holds what every view needs.
pub struct Views<'a> {
    pub content: &'a Content,
    pub graph: &'a Graph,
    pub bodies: &'a [Body],
    pub profile: Profile,
    /// The day the build counts from (`--today`): the line on timelines.
    pub today: Date,
}

impl<'a> Views<'a> {
    fn item(&self, i: ItemRef) -> &'a Item {
        &self.content.items[i]
    }

    pub fn link(&self, i: ItemRef) -> LinkView {
        let item = self.item(i);
        LinkView {
            title: item.common.title.clone(),
            url: urls::item_url(item.kind, &item.id),
            kind: item.kind.dir(),
            kind_label: item.kind.label(),
            summary: item.common.summary.clone(),
        }
    }

    fn links(&self, refs: impl IntoIterator<Item = ItemRef>) -> Vec<LinkView> {
        refs.into_iter().map(|i| self.link(i)).collect()
    }

    pub fn program_title(&self, program: &str) -> String {
        self.content
            .site
            .programs
            .get(program)
            .cloned()
            .unwrap_or_else(|| program.to_string())
    }

    /// A row of the contacts page, with every page that names the contact.
    pub fn contact(&self, c: usize) -> ContactView {
        ContactView {
            users: self.links(self.graph.contact_users[c].iter().copied()),
            ..self.contact_box(c)
        }
    }

    /// A contact as an item page's contact box shows it: without the pages that name it,
    /// which grow with the site (thousands of links per page at 10,000 pages) and which
    /// the box does not show.
    pub fn contact_box(&self, c: usize) -> ContactView {
        let row: &Contact = &self.content.contacts.rows[c];
        ContactView {
            id: row.id.value.clone(),
            topic: row.topic.clone(),
            office: row.office.clone(),
            section: row.section.clone(),
            person: self.person(c),
            extension: row.extension.clone(),
            pages: row.pages.clone(),
            users: Vec::new(),
        }
    }

    /// The contact person of row `c`, or `None` in the public profile: what pages, and
    /// the search index built from the same views, may show.
    pub fn person(&self, c: usize) -> Option<String> {
        let row = &self.content.contacts.rows[c];
        self.profile.person(row).map(str::to_owned)
    }

    /// The laws that amend or repeal law `i`.
    pub fn amended_by(&self, i: ItemRef) -> Vec<ItemRef> {
        let g = self.graph;
        g.backlinks[i]
            .iter()
            .copied()
            .filter(|&b| g.amends[b].contains(&i))
            .collect()
    }

    /// The roadmap items based on law `i`.
    pub fn enables(&self, i: ItemRef) -> Vec<ItemRef> {
        let g = self.graph;
        g.backlinks[i]
            .iter()
            .copied()
            .filter(|&b| self.item(b).kind == Kind::Roadmap && g.laws[b].contains(&i))
            .collect()
    }

    pub fn event(&self, (s, e): EventRef) -> EventView {
        let schedule = &self.content.schedules[s];
        let event: &Event = &schedule.events[e];
        let track_titles = event
            .tracks
            .iter()
            .filter_map(|t| schedule.tracks.iter().find(|tr| tr.id == t.value.trim()))
            .map(|t| t.title.clone())
            .collect();
        EventView {
            when: event.when.japanese(),
            when_western: event.when.western_label(),
            first_day: event.when.first_day().to_string(),
            last_day: event.when.last_day().to_string(),
            title: event.title.clone(),
            tracks: event
                .tracks
                .iter()
                .map(|t| t.value.trim().to_string())
                .collect(),
            track_titles,
            kind: event.kind.map(|k| k.key()),
            kind_label: event.kind.map(|k| k.label()),
            local_government: event.local_government.as_option(),
            local_government_label: event.local_government.label(),
            survey: self.graph.event_survey.get(&(s, e)).map(|&i| self.link(i)),
        }
    }

    /// The schedule events of survey `i`, earliest first.
    pub fn events_in_order(&self, i: ItemRef) -> Vec<EventRef> {
        let mut events = self.graph.events[i].clone();
        events.sort_by_key(|&(s, e)| {
            let w: &When = &self.content.schedules[s].events[e].when;
            (w.first_day(), s, e)
        });
        events
    }

    pub fn item_view(&self, i: ItemRef) -> ItemView {
        let item = self.item(i);
        let g = self.graph;
        let body = &self.bodies[i];
        let mut view = ItemView {
            kind: item.kind.dir(),
            kind_label: item.kind.label(),
            id: item.id.clone(),
            url: urls::item_url(item.kind, &item.id),
            title: item.common.title.clone(),
            summary: item.common.summary.clone(),
            draft: item.common.previewed_draft,
            updated: item.common.updated.map(|d| d.to_string()),
            updated_ja: item.common.updated.map(Date::japanese),
            tags: unique_tags(item)
                .into_iter()
                .map(|t| TagView {
                    url: urls::tag_url(&t),
                    name: t,
                })
                .collect(),
            content: with_budget_chart(item, &body.html),
            toc: body
                .headings
                .iter()
                .filter(|h| h.level <= 3)
                .map(|h| HeadingView {
                    level: h.level,
                    id: h.id.clone(),
                    text: h.text.clone(),
                })
                .collect(),
            contacts: g.contacts[i].iter().map(|&c| self.contact_box(c)).collect(),
            related: self.links(g.related[i].iter().copied()),
            backlinks: self.links(g.backlinks[i].iter().copied()),
            survey: None,
            law: None,
            roadmap: None,
            source: item.source.path.to_string_lossy().into_owned(),
            citation: item.common.source.clone(),
        };
        match &item.details {
            Details::Survey {
                category,
                frequency,
                methods,
                routes,
                local_government,
                uses,
                ..
            } => {
                let events = self.events_in_order(i);
                view.survey = Some(SurveyView {
                    category: category.key(),
                    category_label: category.label(),
                    frequency: frequency.clone(),
                    methods: methods.iter().map(|m| m.label()).collect(),
                    routes: routes
                        .iter()
                        .enumerate()
                        .map(|(n, r)| route_view(item, n, r))
                        .collect(),
                    local_government: local_government.as_option(),
                    local_government_label: local_government.label(),
                    uses: uses.clone(),
                    laws: self.links(g.laws[i].iter().copied()),
                    roadmap: self.links(g.roadmap[i].iter().copied()),
                    events: events.into_iter().map(|e| self.event(e)).collect(),
                });
            }
            Details::Law {
                short_title,
                status,
                effective,
                ..
            } => {
                let amended_by = self.amended_by(i);
                let enables = self.enables(i);
                view.law = Some(LawView {
                    short_title: short_title.clone(),
                    status: status.map(|s| s.label()),
                    effective: effective.map(|w| w.japanese()),
                    amends: self.links(g.amends[i].iter().copied()),
                    amended_by: self.links(amended_by),
                    enables: self.links(enables),
                });
            }
            Details::Roadmap {
                program,
                number,
                milestones,
                ..
            } => {
                view.roadmap = Some(RoadmapView {
                    program: program.clone(),
                    program_title: self.program_title(program),
                    program_url: urls::program_url(program),
                    program_page: g.program_pages.get(program).map(|&p| self.link(p)),
                    number: number.clone(),
                    milestones: milestones.iter().map(milestone_view).collect(),
                    timeline: pictures::timeline::of_item(item, self.today)
                        .map(|d| pictures::scroll_box(&d)),
                    laws: self.links(g.laws[i].iter().copied()),
                });
            }
            Details::Page { .. } => {}
        }
        view
    }
}

pub fn milestone_view(m: &Milestone) -> MilestoneView {
    MilestoneView {
        label: m.label.clone(),
        start: m.start.japanese(),
        end: m.end.map(|e| e.japanese()),
        state: m.state.map(|s| s.key()),
        state_label: m.state.map(|s| s.label()),
        basis: m.basis.key(),
        basis_label: m.basis.label(),
        note: m.note.clone(),
    }
}

fn route_view(item: &Item, n: usize, r: &Route) -> RouteView {
    let draw = |dir| pictures::route::of_survey(item, n, r, dir).map(|d| d.to_svg());
    RouteView {
        name: r.name.clone(),
        steps: r.path.clone(),
        picture_wide: draw(pictures::route::Direction::Across),
        picture_narrow: draw(pictures::route::Direction::Down),
    }
}

/// A budget page's body with the chart of its budget table right after that table
/// (docs/content-decisions.md, "Budget chart"); any other body as it is.
fn with_budget_chart(item: &Item, html: &str) -> String {
    let Some(drawing) = pictures::budget::of_page(item) else {
        return html.to_string();
    };
    let figure = format!(
        "<figure class=\"pic-figure\">{}</figure>\n",
        pictures::scroll_box(&drawing)
    );
    // The first table of the body is the one read: the chart follows its box.
    const TABLE_END: &str = "</table>\n</div>\n";
    match html.find(TABLE_END) {
        Some(at) => {
            let cut = at + TABLE_END.len();
            format!("{}{figure}{}", &html[..cut], &html[cut..])
        }
        None => format!("{html}{figure}"),
    }
}

/// An item's tags, trimmed, each once, in written order.
pub fn unique_tags(item: &Item) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for t in &item.common.tags {
        let t = t.value.trim().to_string();
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    tags
}
