//! The hashes a session decides with, each the hash of everything one kind of page is
//! made from: an item's file ([`Prints`]), the site-wide variables, everything but
//! items ([`world_hash`]), an item page ([`item_key`]), the other pages ([`lists_hash`],
//! [`page_key`]). A page whose hash is unchanged is not made again, so each must name
//! every input; tests/session.rs compares with clean builds after every edit.

use crate::settings::Options;
use crate::{content, plan, resolve};
use std::hash::{Hash, Hasher};

/// Two hashes of an item's file, made when its body is: the whole file (all an item's
/// own part of its page comes from) and its path with the front matter alone.
#[derive(Clone, Copy, Default, Hash)]
pub(super) struct Prints {
    pub(super) whole: u64,
    pub(super) head: u64,
}

impl Prints {
    pub(super) fn of(s: &content::SourceFile) -> Prints {
        let mut h = std::hash::DefaultHasher::new();
        s.path.hash(&mut h);
        let head = s.text.get(..s.body_start).unwrap_or(&s.text);
        head.hash(&mut h);
        let head = h.finish();
        s.text.hash(&mut h);
        Prints {
            whole: h.finish(),
            head,
        }
    }
}

/// A hash of the theme and of the variables every page gets.
pub(super) fn shared_hash(theme_hash: u64, shared: &tera::Context) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    theme_hash.hash(&mut h);
    hash_json(&shared.clone().into_json(), &mut h);
    h.finish()
}

/// A hash of everything but items that an item page may show: site.yaml, the contacts,
/// the schedules, the home page's text, the options, the programs' pages.
pub(super) fn world_hash(
    content: &content::Content,
    options: &Options,
    graph: &resolve::Graph,
    prints: &[Prints],
) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    format!("{:?}", content.site).hash(&mut h);
    content.site_source.hash(&mut h);
    content.contacts_source.hash(&mut h);
    format!("{:?}", content.contacts).hash(&mut h);
    for s in &content.schedules {
        (&s.path, &s.text).hash(&mut h);
    }
    content.home.as_ref().map(|s| &s.text).hash(&mut h);
    format!("{options:?}").hash(&mut h);
    for (program, &p) in &graph.program_pages {
        (program, prints.get(p)).hash(&mut h);
    }
    h.finish()
}

/// A hash of what the pages but items' are made from: the site-wide context and
/// [`world_hash`], every item's path and front matter, the graph.
pub(super) fn lists_hash(
    shared: u64,
    world: u64,
    graph: &resolve::Graph,
    prints: &[Prints],
) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (shared, world).hash(&mut h);
    for p in prints {
        p.head.hash(&mut h);
    }
    let g = graph;
    g.published.hash(&mut h);
    g.related.hash(&mut h);
    g.laws.hash(&mut h);
    g.roadmap.hash(&mut h);
    g.amends.hash(&mut h);
    g.contacts.hash(&mut h);
    g.backlinks.hash(&mut h);
    g.contact_users.hash(&mut h);
    g.events.hash(&mut h);
    g.tags.hash(&mut h);
    g.program_pages.hash(&mut h);
    let mut surveys: Vec<_> = g.event_survey.iter().collect();
    surveys.sort();
    surveys.hash(&mut h);
    h.finish()
}

/// The hash of everything item `i`'s page is made from: the site-wide context and
/// [`world_hash`], its template (and print partial), its own file, what it shows of
/// others ([`item_inputs`]).
pub(super) fn item_key(
    site: (u64, u64),
    template: (&str, Option<&str>),
    graph: &resolve::Graph,
    prints: &[Prints],
    i: usize,
) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (site, template).hash(&mut h);
    item_inputs(graph, prints, i, &mut h);
    h.finish()
}

/// Feeds `h` what item `i`'s page shows of other items: every item its page links to
/// or lists (a link shows only what the front matter says: title, kind, summary, and
/// the path, which gives the address), and the contacts and events it names (their
/// files are in [`world_hash`]). With the item's own file, the theme,
/// the site-wide context and [`world_hash`], that is all an item page is made from.
pub(super) fn item_inputs(
    graph: &resolve::Graph,
    prints: &[Prints],
    i: usize,
    h: &mut impl Hasher,
) {
    prints[i].hash(h);
    let mut linked = |refs: &mut dyn Iterator<Item = &usize>| {
        h.write_u8(0xff);
        for &j in refs {
            prints[j].head.hash(h);
        }
    };
    linked(&mut graph.related[i].iter());
    linked(&mut graph.laws[i].iter());
    linked(&mut graph.roadmap[i].iter());
    linked(&mut graph.amends[i].iter());
    linked(&mut graph.backlinks[i].iter());
    graph.contacts[i].hash(h);
    graph.events[i].hash(h);
}

/// The hash of everything a page but an item's is made from: the site-wide context
/// (`shared_hash`) and its own variables, which are taken out and returned.
pub(super) fn page_key(shared_hash: u64, page: &mut plan::pages::Page) -> (u64, serde_json::Value) {
    let mut h = std::hash::DefaultHasher::new();
    let own = (page.template, &page.url, &page.title, &page.breadcrumbs);
    (shared_hash, own, page.section).hash(&mut h);
    let vars = std::mem::take(&mut page.vars).into_json();
    hash_json(&vars, &mut h);
    (h.finish(), vars)
}

/// Feeds a JSON value to a hasher without building its text.
pub(super) fn hash_json(value: &serde_json::Value, h: &mut impl Hasher) {
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
