//! The search record of each published page, read from the same views the pages are
//! rendered from (so `--profile public` leaves persons out here too). The parts are the
//! ones the templates mark with `data-search`, in the same order: title, summary, the
//! facts table, roadmap milestones, body, contact box. The browser test of search
//! compares against the marked text of the built pages, so the two cannot drift apart.

use super::html_text::body_parts;
use super::{Anchor, Part, Record, Role};
use crate::content::{Details, Item};
use crate::plan::views::Views;
use crate::resolve::ItemRef;
use crate::urls;

/// The index files of every published item, its records made as indexing reaches them
/// (all of them at once would hold a copy of every page's text).
pub fn index(views: &Views) -> Vec<(String, Vec<u8>)> {
    let published = &views.graph.published;
    super::build_with(published.len(), |n| record(views, published[n]))
}

/// The sample of the published pages that fixes the index's code and files.
pub fn prepare(views: &Views) -> super::Prepared {
    let published = &views.graph.published;
    super::Prepared::new(published.len(), &|n| record(views, published[n]))
}

/// The index files of every published item, each handed to `emit` as soon as it is
/// made (see [`index`]).
pub fn write(views: &Views, prepared: &super::Prepared, emit: impl Fn(String, Vec<u8>) + Sync) {
    let published = &views.graph.published;
    prepared.write(&|n| record(views, published[n]), emit)
}

fn text(s: impl Into<String>) -> Part {
    Part {
        text: s.into(),
        role: Role::Text,
        anchor: None,
    }
}

/// An id the templates give a section, named as its heading reads.
fn anchor(id: &str, label: &str) -> Anchor {
    Anchor {
        id: id.into(),
        label: label.into(),
    }
}

fn record(views: &Views, i: ItemRef) -> Record {
    let item: &Item = &views.content.items[i];
    let g = views.graph;
    let title_of = |r: &ItemRef| text(views.content.items[*r].common.title.clone());
    let mut parts = Vec::new();
    if let Some(s) = &item.common.summary {
        parts.push(text(s.clone()));
    }
    let mut category = None;
    match &item.details {
        Details::Survey {
            category: cat,
            frequency,
            methods,
            local_government,
            ..
        } => {
            category = Some((cat.key().to_string(), cat.label().to_string()));
            parts.push(text(cat.label()));
            parts.push(text(frequency.clone()));
            if !methods.is_empty() {
                let labels: Vec<&str> = methods.iter().map(|m| m.label()).collect();
                parts.push(text(labels.join("・")));
            }
            parts.push(text(local_government.label()));
            parts.extend(g.laws[i].iter().map(title_of));
            parts.extend(g.roadmap[i].iter().map(title_of));
        }
        Details::Law {
            short_title,
            status,
            effective,
            ..
        } => {
            parts.extend(short_title.clone().map(text));
            parts.extend(status.map(|s| text(s.label())));
            parts.extend(effective.map(|w| text(w.japanese())));
            parts.extend(g.amends[i].iter().map(title_of));
            parts.extend(views.amended_by(i).iter().map(title_of));
            parts.extend(views.enables(i).iter().map(title_of));
        }
        Details::Roadmap {
            program,
            number,
            milestones,
            ..
        } => {
            parts.push(text(views.program_title(program)));
            parts.extend(number.clone().map(text));
            parts.extend(g.laws[i].iter().map(title_of));
            for (n, m) in milestones.iter().enumerate() {
                let when = match m.end {
                    Some(end) => format!("{}～{}", m.start.japanese(), end.japanese()),
                    None => m.start.japanese(),
                };
                let mut part = text(when);
                if n == 0 {
                    part.anchor = Some(anchor("milestones-heading", "工程"));
                }
                parts.push(part);
                parts.push(text(m.label.clone()));
            }
        }
        Details::Page { .. } => {}
    }
    // Body text before its first heading links to the page itself.
    parts.push(Part {
        text: String::new(),
        role: Role::Text,
        anchor: Some(anchor("", "")),
    });
    parts.extend(body_parts(&views.bodies[i].html));
    for (n, &c) in g.contacts[i].iter().enumerate() {
        let row = &views.content.contacts.rows[c];
        let mut part = text(row.topic.clone());
        if n == 0 {
            part.anchor = Some(anchor("contacts-heading", "照会先"));
        }
        parts.push(part);
        parts.push(text(row.office.clone()));
        parts.push(text(row.section.clone()));
        parts.extend(views.person(c).map(text));
        parts.push(text(row.extension.clone()));
    }
    Record {
        url: urls::item_url(item.kind, &item.id),
        title: item.common.title.clone(),
        kind: (item.kind.dir().to_string(), item.kind.label().to_string()),
        category,
        parts,
    }
}
