//! Stage 2, resolving: turns ids and body links into edges of one site graph (items,
//! contacts, schedule events, tags, backlinks) and reports every reference that does not
//! hold. Rendering only reads the graph.

use crate::content::body::{Body, LinkTarget};
use crate::content::{Content, Details, Item, Kind, Spanned};
use crate::diagnostics::{closest, Diagnostic, Diagnostics, Label};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A reference from one item to another, by position in `Content::items`.
pub type ItemRef = usize;

/// An event of a schedule, by (schedule, event) position.
pub type EventRef = (usize, usize);

#[derive(Debug, Default)]
pub struct Graph {
    /// Items that are published (not drafts), in output order.
    pub published: Vec<ItemRef>,
    pub by_id: HashMap<(Kind, String), ItemRef>,
    /// Outgoing front-matter references of each item, resolved, in written order.
    pub related: Vec<Vec<ItemRef>>,
    pub laws: Vec<Vec<ItemRef>>,
    pub roadmap: Vec<Vec<ItemRef>>,
    pub amends: Vec<Vec<ItemRef>>,
    pub contacts: Vec<Vec<usize>>,
    /// Every item that links to each item, from front matter or from its body.
    pub backlinks: Vec<BTreeSet<ItemRef>>,
    /// Every item naming each contact row.
    pub contact_users: Vec<BTreeSet<ItemRef>>,
    /// Schedule events of each survey.
    pub events: Vec<Vec<EventRef>>,
    /// The survey each event belongs to, if any.
    pub event_survey: HashMap<EventRef, ItemRef>,
    /// Items by tag, tags in sorted order.
    pub tags: BTreeMap<String, Vec<ItemRef>>,
    /// The free page about each roadmap program that site.yaml names one for.
    pub program_pages: BTreeMap<String, ItemRef>,
}

struct Resolver<'a> {
    content: &'a Content,
    by_id: HashMap<(Kind, String), ItemRef>,
    by_path: HashMap<&'a Path, ItemRef>,
    diags: Diagnostics,
}

impl Resolver<'_> {
    fn item_diag(
        &self,
        item: &Item,
        code: &'static str,
        at: &Spanned<String>,
        message: String,
        hint: Option<String>,
    ) -> Diagnostic {
        let source = item.source.lines.line(&item.source.text, at.line);
        let mut d = Diagnostic::error(code, &item.source.path, message)
            .at(at.line, at.column, at.value.chars().count())
            .with_source_line(source);
        d.hint = hint;
        d
    }

    /// The file exists but failed to load; its own error is already reported.
    fn is_unloaded(&self, kind: Kind, id: &str) -> bool {
        self.content
            .unloaded
            .iter()
            .any(|(k, i, _)| *k == kind && i == id)
    }

    fn ids_of(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.content
            .items
            .iter()
            .filter(move |i| i.kind == kind && !i.common.draft)
            .map(|i| i.id.as_str())
    }

    /// Resolves `id` of `kind` written in `from`'s field `field`.
    fn reference(
        &mut self,
        from: ItemRef,
        kind: Kind,
        field: &str,
        at: &Spanned<String>,
    ) -> Option<ItemRef> {
        let item = &self.content.items[from];
        let id = at.value.trim();
        match self.by_id.get(&(kind, id.to_string())) {
            Some(&target) if self.content.items[target].common.draft => {
                let d = self.item_diag(
                    item,
                    "E018",
                    at,
                    format!("`{field}` refers to `{id}`, which is a draft (draft: true) and is not published"),
                    Some(format!("publish {} first, or remove the reference", self.content.items[target].source.path.display())),
                )
                .with_secondary(Label::file(&self.content.items[target].source.path, "the draft"));
                self.diags.push(d);
                None
            }
            Some(&target) => Some(target),
            None if self.is_unloaded(kind, id) => None,
            None => {
                let hint = match closest(id, self.ids_of(kind)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!(
                        "the ids of {} are the file names in content/{}/",
                        kind.label(),
                        kind.dir()
                    ),
                };
                let d = self.item_diag(
                    item,
                    "E017",
                    at,
                    format!(
                        "`{field}` refers to {} `{id}`, which does not exist",
                        kind.dir().trim_end_matches('s')
                    ),
                    Some(hint),
                );
                self.diags.push(d);
                None
            }
        }
    }

    fn references(
        &mut self,
        from: ItemRef,
        kind: Kind,
        field: &str,
        list: &[Spanned<String>],
    ) -> Vec<ItemRef> {
        list.iter()
            .filter_map(|at| self.reference(from, kind, field, at))
            .collect()
    }

    /// `related` entries are `kind/id`.
    fn related(&mut self, from: ItemRef) -> Vec<ItemRef> {
        let item = &self.content.items[from];
        let mut out = Vec::new();
        for at in &item.common.related {
            let text = at.value.trim();
            let kind = text
                .split_once('/')
                .and_then(|(dir, _)| Kind::from_dir(dir));
            match (kind, text.split_once('/')) {
                (Some(kind), Some((_, id))) => {
                    let spanned = Spanned {
                        value: id.to_string(),
                        line: at.line,
                        column: at.column + text.find('/').map_or(0, |p| p + 1),
                    };
                    out.extend(self.reference(from, kind, "related", &spanned));
                }
                _ => {
                    let d = self.item_diag(
                        item,
                        "E019",
                        at,
                        format!("`related` entry `{text}` must be written as kind/id"),
                        Some("e.g. `laws/tokei-ho`, `surveys/jinko-dotai`, `roadmap/...`, `pages/...`".into()),
                    );
                    self.diags.push(d);
                }
            }
        }
        out
    }
}

/// Builds the graph. `bodies[i]` is the rendered body of `content.items[i]`.
pub fn resolve(content: &Content, bodies: &[Body]) -> (Graph, Diagnostics) {
    let mut r = Resolver {
        content,
        by_id: HashMap::new(),
        by_path: HashMap::new(),
        diags: Diagnostics::default(),
    };
    let n = content.items.len();
    let mut g = Graph {
        related: vec![Vec::new(); n],
        laws: vec![Vec::new(); n],
        roadmap: vec![Vec::new(); n],
        amends: vec![Vec::new(); n],
        contacts: vec![Vec::new(); n],
        backlinks: vec![BTreeSet::new(); n],
        contact_users: vec![BTreeSet::new(); content.contacts.rows.len()],
        events: vec![Vec::new(); n],
        ..Graph::default()
    };

    index_ids(&mut r);
    check_contact_ids(content, &mut r.diags);
    g.program_pages = program_pages(&mut r);
    front_matter_edges(&mut r, &mut g);
    backlinks_of_front_matter(&mut g);
    body_links(&mut r, &mut g, bodies);
    schedule_links(&mut r, &mut g);
    unused_contacts(&mut r, &g);

    g.published = (0..n).filter(|&i| !content.items[i].common.draft).collect();
    g.by_id = r.by_id;
    (g, r.diags)
}

/// Ids: unique within a kind, also ignoring case (two files differing only in case
/// collide on Windows and macOS checkouts).
fn index_ids(r: &mut Resolver) {
    let content = r.content;
    // Ids: unique within a kind, also ignoring case (two files differing only in case
    // collide on Windows and macOS checkouts).
    let mut seen: HashMap<(Kind, String), ItemRef> = HashMap::new();
    for (i, item) in content.items.iter().enumerate() {
        let key = (item.kind, item.id.to_lowercase());
        if let Some(&first) = seen.get(&key) {
            let other = &content.items[first];
            r.diags.push(
                duplicate_label(
                    Diagnostic::error(
                        "E014",
                        &item.source.path,
                        format!(
                            "duplicate id `{}`: {} already uses it",
                            item.id,
                            other.source.path.display()
                        ),
                    ),
                    item,
                    other,
                )
                .with_hint("ids must be unique within a kind; rename one of the two files"),
            );
            continue;
        }
        seen.insert(key, i);
        r.by_id.insert((item.kind, item.id.clone()), i);
        r.by_path.insert(item.source.path.as_path(), i);
    }
}

/// Points a duplicate id at both files: at each one's title, so the two pages can be
/// told apart, or at the whole file when its title is not where it is expected.
fn duplicate_label(d: Diagnostic, item: &Item, other: &Item) -> Diagnostic {
    let here = format!("this file's id is `{}` (its file name)", item.id);
    let there = format!("`{}` is already the id of this file", other.id);
    let d = match item.title_span() {
        Some(span) => d.at_bytes(&item.source.text, span).with_label(here),
        None => d.with_label(here),
    };
    d.with_secondary(match other.title_span() {
        Some(span) => Label::at_bytes(&other.source.path, &other.source.text, span, there),
        None => Label::file(&other.source.path, there),
    })
}

/// The edges an item's front matter names (related, laws, roadmap, amends, contacts)
/// and its tags; each reference must exist and be published.
fn front_matter_edges(r: &mut Resolver, g: &mut Graph) {
    let content = r.content;
    let contact_index: HashMap<&str, usize> = content
        .contacts
        .rows
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.value.as_str(), i))
        .collect();

    for (i, item) in content.items.iter().enumerate() {
        if item.common.draft {
            continue;
        }
        g.related[i] = r.related(i);
        match &item.details {
            Details::Survey { laws, roadmap, .. } => {
                g.laws[i] = r.references(i, Kind::Law, "laws", laws);
                g.roadmap[i] = r.references(i, Kind::Roadmap, "roadmap", roadmap);
            }
            Details::Law { amends, .. } => {
                g.amends[i] = r.references(i, Kind::Law, "amends", amends)
            }
            Details::Roadmap { laws, .. } => g.laws[i] = r.references(i, Kind::Law, "laws", laws),
            Details::Page { .. } => {}
        }
        for at in &item.common.contacts {
            match contact_index.get(at.value.trim()) {
                Some(&c) => {
                    g.contacts[i].push(c);
                    g.contact_users[c].insert(i);
                }
                None => {
                    let hint = closest(at.value.trim(), contact_index.keys().copied())
                        .map(|near| format!("did you mean `{near}`?"))
                        .unwrap_or_else(|| {
                            "contact ids are the `id:` fields of content/contacts.yaml".into()
                        });
                    let d = r.item_diag(item, "E017", at, format!("`contacts` refers to contact `{}`, which does not exist in contacts.yaml", at.value.trim()), Some(hint));
                    r.diags.push(d);
                }
            }
        }
        if !item.common.tags.is_empty() {
            let mut tags: BTreeSet<&str> = BTreeSet::new();
            for t in &item.common.tags {
                tags.insert(t.value.trim());
            }
            for t in tags {
                g.tags.entry(t.to_string()).or_default().push(i);
            }
        }
    }
}

/// What building the graph reads of an item's front matter, without where it is
/// written: two readings of one file with equal keys, and the same body links and
/// headings, give the same graph, and no diagnostic when the first gave none. Kept
/// beside the code that reads these fields; `serve` relies on it (src/session/).
pub fn graph_key(item: &Item) -> String {
    fn values(v: &[Spanned<String>]) -> Vec<&str> {
        v.iter().map(|s| s.value.trim()).collect()
    }
    let refs = match &item.details {
        Details::Survey { laws, roadmap, .. } => vec![values(laws), values(roadmap)],
        Details::Law { amends, .. } => vec![values(amends)],
        Details::Roadmap { laws, .. } => vec![values(laws)],
        Details::Page { .. } => Vec::new(),
    };
    format!(
        "{:?}",
        (
            item.kind,
            &item.id,
            &item.source.path,
            item.common.draft,
            values(&item.common.related),
            values(&item.common.contacts),
            values(&item.common.tags),
            refs,
        )
    )
}

/// Front-matter edges, both ways.
fn backlinks_of_front_matter(g: &mut Graph) {
    let n = g.related.len();
    // Front-matter edges, both ways.
    for i in 0..n {
        let outgoing: Vec<ItemRef> = g.related[i]
            .iter()
            .chain(&g.laws[i])
            .chain(&g.roadmap[i])
            .chain(&g.amends[i])
            .copied()
            .collect();
        for t in outgoing {
            if t != i {
                g.backlinks[t].insert(i);
            }
        }
    }
}

/// Body links: the file must exist, be published, and hold the anchor.
fn body_links(r: &mut Resolver, g: &mut Graph, bodies: &[Body]) {
    let content = r.content;
    // Body links: the file must exist, be published, and hold the anchor.
    let mut suggestions = 0;
    for (i, body) in bodies.iter().enumerate() {
        let item = &content.items[i];
        if item.common.draft {
            continue;
        }
        for link in &body.links {
            let at = Spanned {
                value: link.written.clone(),
                line: link.line,
                column: link.column,
            };
            match &link.target {
                LinkTarget::Anchor(anchor) => {
                    if !body.headings.iter().any(|h| &h.id == anchor) && !anchor.is_empty() {
                        let d = r.item_diag(
                            item,
                            "E020",
                            &at,
                            format!("no heading on this page has the anchor `#{anchor}`"),
                            anchor_hint(anchor, body),
                        );
                        r.diags.push(d);
                    }
                }
                LinkTarget::File(path, anchor) => {
                    if let Some(&t) = r.by_path.get(path.as_path()) {
                        if content.items[t].common.draft {
                            let d = r.item_diag(
                                item,
                                "E018",
                                &at,
                                format!(
                                    "the link goes to {}, which is a draft and is not published",
                                    path.display()
                                ),
                                None,
                            );
                            r.diags.push(d);
                            continue;
                        }
                        if let Some(anchor) = anchor.as_ref().filter(|a| !a.is_empty()) {
                            if !bodies[t].headings.iter().any(|h| &h.id == anchor) {
                                let d = r.item_diag(
                                    item,
                                    "E020",
                                    &at,
                                    format!(
                                        "{} has no heading with the anchor `#{anchor}`",
                                        path.display()
                                    ),
                                    anchor_hint(anchor, &bodies[t]),
                                );
                                r.diags.push(d);
                            }
                        }
                        if t != i {
                            g.backlinks[t].insert(i);
                        }
                    } else if !target_exists(content, path) {
                        // Each suggestion compares against every file; a site with
                        // thousands of broken links gets suggestions for the first ones.
                        let hint = if suggestions < 100 {
                            suggestions += 1;
                            closest_path(content, path)
                        } else {
                            None
                        };
                        let d = r.item_diag(
                            item,
                            "E017",
                            &at,
                            format!("the link goes to {}, which does not exist", path.display()),
                            hint,
                        );
                        r.diags.push(d);
                    }
                }
            }
        }
    }
}

/// Schedule events point at surveys, and name tracks of their schedule.
fn schedule_links(r: &mut Resolver, g: &mut Graph) {
    let content = r.content;
    // Schedule events point at surveys.
    for (s, schedule) in content.schedules.iter().enumerate() {
        let lines: Vec<&str> = schedule.text.split('\n').collect();
        let track_ids: Vec<&str> = schedule.tracks.iter().map(|t| t.id.as_str()).collect();
        for (e, event) in schedule.events.iter().enumerate() {
            for track in &event.tracks {
                if !track_ids.contains(&track.value.trim()) {
                    let hint = closest(track.value.trim(), track_ids.iter().copied()).map_or_else(
                        || format!("tracks: {}", track_ids.join(", ")),
                        |n| format!("did you mean `{n}`? tracks: {}", track_ids.join(", ")),
                    );
                    r.diags.push(data_diag(
                        &schedule.path,
                        &lines,
                        "E017",
                        track,
                        format!(
                            "`track` `{}` is not one of the schedule's tracks",
                            track.value.trim()
                        ),
                        Some(hint),
                    ));
                }
            }
            if let Some(survey) = &event.survey {
                let id = survey.value.trim();
                match r.by_id.get(&(Kind::Survey, id.to_string())) {
                    Some(&t) if !content.items[t].common.draft => {
                        g.events[t].push((s, e));
                        g.event_survey.insert((s, e), t);
                    }
                    found => {
                        let (message, hint) = if found.is_some() {
                            (format!("`survey` refers to `{id}`, which is a draft"), None)
                        } else {
                            (
                                format!("`survey` refers to survey `{id}`, which does not exist"),
                                closest(id, r.ids_of(Kind::Survey))
                                    .map(|n| format!("did you mean `{n}`?")),
                            )
                        };
                        let code = if found.is_some() { "E018" } else { "E017" };
                        r.diags.push(data_diag(
                            &schedule.path,
                            &lines,
                            code,
                            survey,
                            message,
                            hint,
                        ));
                    }
                }
            }
        }
    }
}

/// A contact row nobody names is probably stale; unless an item failed to load,
/// which may be the one naming it.
fn unused_contacts(r: &mut Resolver, g: &Graph) {
    let content = r.content;
    // A contact row nobody names is probably stale; unless an item failed to load,
    // which may be the one naming it.
    if let (Some((path, text)), true) = (&content.contacts_source, content.unloaded.is_empty()) {
        let lines: Vec<&str> = text.split('\n').collect();
        for (c, users) in g.contact_users.iter().enumerate() {
            if users.is_empty() {
                let id = &content.contacts.rows[c].id;
                let mut d = data_diag(
                    path,
                    &lines,
                    "W003",
                    id,
                    format!("contact `{}` is not referenced by any page", id.value),
                    Some(
                        "add it to the `contacts:` of the pages it answers for, or remove the row"
                            .into(),
                    ),
                );
                d.severity = crate::diagnostics::Severity::Warning;
                r.diags.push(d);
            }
        }
    }
}

/// The free pages site.yaml names for roadmap programs; a missing or draft one is an
/// error at its line of site.yaml.
fn program_pages(r: &mut Resolver) -> BTreeMap<String, ItemRef> {
    let content = r.content;
    let mut found = BTreeMap::new();
    let (path, text) = match &content.site_source {
        Some((p, t)) => (p.clone(), t.as_str()),
        None => (Path::new("site.yaml").to_path_buf(), ""),
    };
    let lines: Vec<&str> = text.split('\n').collect();
    for (program, page) in &content.site.program_pages {
        let id = page.value.trim();
        let d = match r.by_id.get(&(Kind::Page, id.to_string())) {
            Some(&i) if !content.items[i].common.draft => {
                found.insert(program.clone(), i);
                continue;
            }
            Some(_) => data_diag(
                &path,
                &lines,
                "E018",
                page,
                format!("program `{program}` names page `{id}`, which is a draft"),
                None,
            ),
            None => data_diag(
                &path,
                &lines,
                "E017",
                page,
                format!("program `{program}` names page `{id}`, which does not exist in pages/"),
                closest(id, r.ids_of(Kind::Page)).map(|n| format!("did you mean `{n}`?")),
            ),
        };
        r.diags.push(d);
    }
    found
}

fn check_contact_ids(content: &Content, diags: &mut Diagnostics) {
    let Some((path, text)) = &content.contacts_source else {
        return;
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let mut seen: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
    for c in &content.contacts.rows {
        let id = c.id.value.trim();
        if !crate::content::is_valid_id(id) {
            diags.push(data_diag(
                path,
                &lines,
                "E013",
                &c.id,
                format!("`{id}` is not a valid contact id"),
                Some("ids are lower-case ASCII words joined by `-`".into()),
            ));
        }
        match seen.get(&id.to_lowercase()) {
            Some(first) => {
                let source = lines.get(first.line.saturating_sub(1)).copied();
                diags.push(
                    data_diag(
                        path,
                        &lines,
                        "E014",
                        &c.id,
                        format!("duplicate contact id `{id}`"),
                        Some("each row needs its own id".into()),
                    )
                    .with_secondary(Label::at(
                        path,
                        (first.line, first.column, first.value.chars().count()),
                        source.unwrap_or(""),
                        "first used here",
                    )),
                );
            }
            None => {
                seen.insert(id.to_lowercase(), &c.id);
            }
        }
    }
}

/// A diagnostic in a data file, whose lines the caller splits once per file.
fn data_diag(
    path: &Path,
    lines: &[&str],
    code: &'static str,
    at: &Spanned<String>,
    message: String,
    hint: Option<String>,
) -> Diagnostic {
    let source = lines.get(at.line.saturating_sub(1)).copied().unwrap_or("");
    let mut d = Diagnostic::error(code, path, message)
        .at(at.line, at.column, at.value.chars().count())
        .with_source_line(source);
    d.hint = hint;
    d
}

fn anchor_hint(anchor: &str, body: &Body) -> Option<String> {
    match closest(anchor, body.headings.iter().map(|h| h.id.as_str())) {
        Some(near) => Some(format!("did you mean `#{near}`?")),
        None if body.headings.is_empty() => Some("the page has no headings".into()),
        None => Some(format!(
            "anchors there: {}",
            body.headings
                .iter()
                .map(|h| format!("#{}", h.id))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn target_exists(content: &Content, path: &Path) -> bool {
    content.assets.iter().any(|a| a == path)
        || content.schedules.iter().any(|s| s.path == path)
        || content
            .contacts_source
            .as_ref()
            .is_some_and(|(p, _)| p == path)
        || content.unloaded.iter().any(|(_, _, p)| p == path)
        || (path.as_os_str() == "_index.md" && content.home.is_some())
}

fn closest_path(content: &Content, path: &Path) -> Option<String> {
    let wanted = path.to_string_lossy();
    let candidates: Vec<PathBuf> = content
        .items
        .iter()
        .map(|i| i.source.path.clone())
        .chain(content.assets.iter().cloned())
        .collect();
    let names: Vec<String> = candidates
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    closest(&wanted, names.iter().map(String::as_str)).map(|near| format!("did you mean {near}?"))
}
