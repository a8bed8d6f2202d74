//! `data.json`: the published site as data, described by `docs/data.schema.json`.
//!
//! Keys come out in the order of the struct fields below and lists in a fixed order
//! (items by kind and id, events by date), so the file is byte-identical between
//! builds. References to items use the content model's `kind/id` form
//! (`laws/tokei-ho`); schedule events are referred to by their stable `id`, the same
//! one the iCalendar UIDs carry. The public profile leaves the `person` key out.

use super::{base_url, event_ids, item_ref, person, published_sorted};
use crate::content::{Details, LawStatus, Method};
use crate::plan::pages::SitePages;
use crate::resolve::ItemRef;
use crate::settings::Profile;
use crate::urls;
use serde::Serialize;

/// Bumped when a field changes meaning or is removed (adding fields does not).
const FORMAT_VERSION: u32 = 2;

#[derive(Serialize)]
struct Data<'a> {
    format_version: u32,
    profile: Profile,
    site: SiteData<'a>,
    items: Vec<ItemData>,
    schedules: Vec<ScheduleData>,
    contacts: ContactsData<'a>,
}

#[derive(Serialize)]
struct SiteData<'a> {
    title: &'a str,
    description: Option<&'a str>,
    organization: Option<&'a str>,
    /// Absolute address of the site root, when site.yaml has `base_url`.
    base_url: Option<String>,
}

#[derive(Serialize)]
struct ItemData {
    kind: &'static str,
    id: String,
    title: String,
    summary: Option<String>,
    /// Root-relative page URL, e.g. `surveys/jinko-dotai/`.
    url: String,
    updated: Option<String>,
    tags: Vec<String>,
    /// Contact ids (rows of `contacts.rows`).
    contacts: Vec<String>,
    related: Vec<String>,
    /// Where in the briefing the facts come from (section and heading), if said.
    source: Option<String>,
    #[serde(flatten)]
    details: DetailsData,
}

#[derive(Serialize)]
#[serde(untagged)]
enum DetailsData {
    Survey {
        category: &'static str,
        frequency: String,
        methods: Vec<&'static str>,
        routes: Vec<RouteData>,
        /// `true`, `false` (only where the seed says so) or null: unknown.
        local_government: Option<bool>,
        uses: Vec<String>,
        laws: Vec<String>,
        roadmap: Vec<String>,
        /// Ids of the schedule events of this survey, by date.
        events: Vec<String>,
    },
    Law {
        short_title: Option<String>,
        status: Option<&'static str>,
        /// `2021-09-01` or `2021-09`.
        effective: Option<String>,
        amends: Vec<String>,
    },
    Roadmap {
        program: String,
        program_title: String,
        number: Option<String>,
        milestones: Vec<MilestoneData>,
        laws: Vec<String>,
    },
    Page {
        weight: i64,
    },
}

#[derive(Serialize)]
struct RouteData {
    name: Option<String>,
    /// Steps in order; a step of several names is a branching.
    path: Vec<Vec<String>>,
}

#[derive(Serialize)]
struct MilestoneData {
    label: String,
    /// `2021-10` or `FY2022`.
    start: String,
    end: Option<String>,
    state: Option<&'static str>,
    /// `stated` (the seed says the date) or `read` (read from a figure's layout).
    basis: &'static str,
    note: Option<String>,
}

#[derive(Serialize)]
struct ScheduleData {
    fiscal_year: i32,
    title: Option<String>,
    tracks: Vec<TrackData>,
    events: Vec<EventData>,
    notes: Vec<String>,
    /// Root-relative path of the whole year's iCalendar file.
    ics: String,
}

#[derive(Serialize)]
struct TrackData {
    id: String,
    title: String,
    ics: String,
}

#[derive(Serialize)]
struct EventData {
    id: String,
    /// As written in the schedule: `2022-05 early`, `2022-09 .. 2022-11`.
    when: String,
    /// `令和４年５月上旬`.
    label: String,
    /// First and last day covered, both inclusive (`YYYY-MM-DD`).
    first_day: String,
    last_day: String,
    title: String,
    tracks: Vec<String>,
    kind: Option<&'static str>,
    survey: Option<String>,
    /// `true`, `false` (only where the seed says so) or null: unknown.
    local_government: Option<bool>,
}

#[derive(Serialize)]
struct ContactsData<'a> {
    main_phone: Option<&'a str>,
    main_phone_label: Option<&'a str>,
    rows: Vec<ContactData<'a>>,
}

#[derive(Serialize)]
struct ContactData<'a> {
    id: &'a str,
    topic: &'a str,
    office: &'a str,
    section: &'a str,
    /// Absent (not null) in the public profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<Option<&'a str>>,
    extension: &'a str,
    pages: Option<&'a str>,
    /// Items naming this contact, `kind/id`.
    used_by: Vec<String>,
}

fn method_key(m: Method) -> &'static str {
    match m {
        Method::Online => "online",
        Method::Mail => "mail",
        Method::Enumerator => "enumerator",
        Method::Prefecture => "prefecture",
    }
}

fn status_key(s: LawStatus) -> &'static str {
    match s {
        LawStatus::Enacted => "enacted",
        LawStatus::InForce => "in_force",
        LawStatus::Repealed => "repealed",
        LawStatus::Planned => "planned",
    }
}

/// The bytes of `data.json`: pretty-printed, ending in a newline.
pub fn data(site: &SitePages) -> Vec<u8> {
    let content = site.views.content;
    let ids: Vec<Vec<String>> = content.schedules.iter().map(event_ids).collect();
    let data = Data {
        format_version: FORMAT_VERSION,
        profile: site.views.profile,
        site: SiteData {
            title: &content.site.title,
            description: content.site.description.as_deref(),
            organization: content.site.organization.as_deref(),
            base_url: base_url(site),
        },
        items: published_sorted(site)
            .into_iter()
            .map(|i| item(site, i, &ids))
            .collect(),
        schedules: content
            .schedules
            .iter()
            .enumerate()
            .map(|(s, schedule)| {
                let mut order: Vec<usize> = (0..schedule.events.len()).collect();
                order.sort_by_key(|&e| (schedule.events[e].when.first_day(), e));
                ScheduleData {
                    fiscal_year: schedule.fiscal_year,
                    title: schedule.title.clone(),
                    tracks: schedule
                        .tracks
                        .iter()
                        .map(|t| TrackData {
                            id: t.id.clone(),
                            title: t.title.clone(),
                            ics: crate::urls::track_ics(schedule.fiscal_year, &t.id),
                        })
                        .collect(),
                    events: order
                        .into_iter()
                        .map(|e| {
                            let ev = &schedule.events[e];
                            EventData {
                                id: ids[s][e].clone(),
                                when: ev.when.to_string(),
                                label: ev.when.japanese(),
                                first_day: ev.when.first_day().to_string(),
                                last_day: ev.when.last_day().to_string(),
                                title: ev.title.clone(),
                                tracks: ev.tracks.iter().map(|t| t.value.trim().into()).collect(),
                                kind: ev.kind.map(|k| k.key()),
                                survey: site
                                    .views
                                    .graph
                                    .event_survey
                                    .get(&(s, e))
                                    .map(|&i| item_ref(&content.items[i])),
                                local_government: ev.local_government.as_option(),
                            }
                        })
                        .collect(),
                    notes: schedule.notes.clone(),
                    ics: crate::urls::schedule_ics(schedule.fiscal_year),
                }
            })
            .collect(),
        contacts: ContactsData {
            main_phone: content.contacts.main_phone.as_deref(),
            main_phone_label: content.contacts.main_phone_label.as_deref(),
            rows: content
                .contacts
                .rows
                .iter()
                .enumerate()
                .map(|(c, row)| ContactData {
                    id: &row.id.value,
                    topic: &row.topic,
                    office: &row.office,
                    section: &row.section,
                    person: match site.views.profile {
                        Profile::Intranet => Some(person(site, row)),
                        Profile::Public => None,
                    },
                    extension: &row.extension,
                    pages: row.pages.as_deref(),
                    used_by: site.views.graph.contact_users[c]
                        .iter()
                        .map(|&i| item_ref(&content.items[i]))
                        .collect(),
                })
                .collect(),
        },
    };
    let mut bytes = serde_json::to_vec_pretty(&data).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn refs(site: &SitePages, list: &[ItemRef]) -> Vec<String> {
    list.iter()
        .map(|&i| item_ref(&site.views.content.items[i]))
        .collect()
}

fn item(site: &SitePages, i: ItemRef, ids: &[Vec<String>]) -> ItemData {
    let content = site.views.content;
    let g = site.views.graph;
    let it = &content.items[i];
    let tags = crate::plan::views::unique_tags(it);
    let details = match &it.details {
        Details::Survey {
            category,
            frequency,
            methods,
            routes,
            local_government,
            uses,
            ..
        } => {
            let events = site.views.events_in_order(i);
            DetailsData::Survey {
                category: category.key(),
                frequency: frequency.clone(),
                methods: methods.iter().map(|&m| method_key(m)).collect(),
                routes: routes
                    .iter()
                    .map(|r| RouteData {
                        name: r.name.clone(),
                        path: r.path.clone(),
                    })
                    .collect(),
                local_government: local_government.as_option(),
                uses: uses.clone(),
                laws: refs(site, &g.laws[i]),
                roadmap: refs(site, &g.roadmap[i]),
                events: events.into_iter().map(|(s, e)| ids[s][e].clone()).collect(),
            }
        }
        Details::Law {
            short_title,
            status,
            effective,
            ..
        } => DetailsData::Law {
            short_title: short_title.clone(),
            status: status.map(status_key),
            effective: effective.map(|w| w.to_string()),
            amends: refs(site, &g.amends[i]),
        },
        Details::Roadmap {
            program,
            number,
            milestones,
            ..
        } => DetailsData::Roadmap {
            program: program.clone(),
            program_title: site.views.program_title(program),
            number: number.clone(),
            milestones: milestones
                .iter()
                .map(|m| MilestoneData {
                    label: m.label.clone(),
                    start: m.start.to_string(),
                    end: m.end.map(|e| e.to_string()),
                    state: m.state.map(|s| s.key()),
                    basis: m.basis.key(),
                    note: m.note.clone(),
                })
                .collect(),
            laws: refs(site, &g.laws[i]),
        },
        Details::Page { weight } => DetailsData::Page { weight: *weight },
    };
    ItemData {
        kind: it.kind.dir(),
        id: it.id.clone(),
        title: it.common.title.clone(),
        summary: it.common.summary.clone(),
        url: urls::item_url(it.kind, &it.id),
        updated: it.common.updated.map(|d| d.to_string()),
        tags,
        contacts: g.contacts[i]
            .iter()
            .map(|&c| content.contacts.rows[c].id.value.clone())
            .collect(),
        related: refs(site, &g.related[i]),
        source: it.common.source.clone(),
        details,
    }
}
