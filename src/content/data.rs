//! The data files of `content/`: `site.yaml`, `contacts.yaml` and `schedule/*.yaml`.

use super::yaml::{Fields, KnownField, Spanned, YamlText};
use crate::calendar::When;
use crate::diagnostics::Diagnostic;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Settings of the whole site (`site.yaml`).
#[derive(Debug, Clone, Default)]
pub struct SiteConfig {
    pub title: String,
    pub description: Option<String>,
    /// Name of a folder under `themes/` whose templates override the default's.
    pub theme: Option<String>,
    /// Absolute address of the published site, for the sitemap and feeds only.
    pub base_url: Option<String>,
    pub organization: Option<String>,
    /// Japanese titles of the roadmap programs, by program id.
    pub programs: BTreeMap<String, String>,
    /// The free page that describes a program as a whole (its source, what could not be
    /// placed in its rows), by program id; written where site.yaml wrote it.
    pub program_pages: BTreeMap<String, Spanned<String>>,
}

const SITE_FIELDS: [KnownField; 6] = [
    ("title", "サイト名"),
    ("description", "サイトの説明"),
    ("theme", "テーマ"),
    ("base_url", "公開URL"),
    ("organization", "発行者"),
    ("programs", "工程表の名前"),
];

pub fn read_site(path: &Path, text: &str) -> (Option<SiteConfig>, Vec<Diagnostic>) {
    let yaml = YamlText {
        path,
        text,
        first_line: 1,
    };
    let map = match yaml.parse_mapping() {
        Ok(map) => map,
        Err(d) => return (None, vec![d]),
    };
    let mut f = Fields::new(yaml, yaml.whole(), map, &SITE_FIELDS);
    let title = f.string("title", Some("サイト名"));
    let mut programs = BTreeMap::new();
    let mut program_pages = BTreeMap::new();
    match f.get("programs").cloned() {
        None => {}
        Some(Value::Mapping(map)) => {
            for (k, v) in map {
                let Some(k) = k.as_str() else { continue };
                match v {
                    Value::String(title) => {
                        programs.insert(k.to_owned(), title);
                    }
                    // `{title, page}`: a program with a free page about it as a whole.
                    Value::Mapping(m) => {
                        let title = m.get("title").and_then(Value::as_str);
                        let page = m.get("page").and_then(Value::as_str);
                        match title {
                            Some(t) => {
                                programs.insert(k.to_owned(), t.to_owned());
                            }
                            None => f.error_at_value(
                                "E007",
                                "programs",
                                k,
                                0,
                                format!("program `{k}` has no `title`"),
                                Some(format!("write `  {k}: {{title: 工程表の名前, page: ページのid}}`")),
                            ),
                        }
                        if let Some(page) = page {
                            let (line, column) = f.value_pos("programs", page, 0);
                            program_pages.insert(
                                k.to_owned(),
                                Spanned {
                                    value: page.to_owned(),
                                    line,
                                    column,
                                },
                            );
                        }
                    }
                    _ => f.error_at_value(
                        "E008",
                        "programs",
                        k,
                        0,
                        format!("program `{k}` must be a title, or `{{title, page}}`"),
                        None,
                    ),
                }
            }
        }
        Some(_) => f.error_at_key(
            "E008",
            "programs",
            "`programs` must map each program id to its title".into(),
            Some("write `programs:` then `  mynumber-card: マイナンバーカード…` lines, or `  mynumber-card: {title: …, page: <free page id>}`".into()),
        ),
    }
    let site = SiteConfig {
        description: f.string("description", None),
        theme: f.string("theme", None),
        base_url: f.string("base_url", None),
        organization: f.string("organization", None),
        programs,
        program_pages,
        title: title.clone().unwrap_or_default(),
    };
    let diags = std::mem::take(&mut f.diagnostics);
    (title.map(|_| site), diags)
}

/// One row of the contact directory (施策照会先一覧).
#[derive(Debug, Clone)]
pub struct Contact {
    pub id: Spanned<String>,
    pub topic: String,
    pub office: String,
    pub section: String,
    /// Personal data: left out of every output file by the `public` profile.
    pub person: Option<String>,
    /// The line of `person` in contacts.yaml (0 without one): the privacy guard does
    /// not count the one place a name belongs as a leak.
    pub person_line: usize,
    pub extension: String,
    pub pages: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Contacts {
    pub main_phone: Option<String>,
    pub main_phone_label: Option<String>,
    pub rows: Vec<Contact>,
}

const CONTACTS_FIELDS: [KnownField; 3] = [
    ("main_phone", "代表電話"),
    ("main_phone_label", "代表電話の表記"),
    ("contacts", "照会先"),
];

const CONTACT_FIELDS: [KnownField; 7] = [
    ("id", "識別子"),
    ("topic", "施策事項"),
    ("office", "所管課室"),
    ("section", "担当係"),
    ("person", "担当者"),
    ("extension", "内線"),
    ("pages", "資料ページ"),
];

pub fn read_contacts(path: &Path, text: &str) -> (Contacts, Vec<Diagnostic>) {
    let yaml = YamlText {
        path,
        text,
        first_line: 1,
    };
    let map = match yaml.parse_mapping() {
        Ok(map) => map,
        Err(d) => return (Contacts::default(), vec![d]),
    };
    let mut f = Fields::new(yaml, yaml.whole(), map, &CONTACTS_FIELDS);
    let mut contacts = Contacts {
        main_phone: f.string("main_phone", None),
        main_phone_label: f.string("main_phone_label", None),
        rows: Vec::new(),
    };
    let entries = match f.get("contacts").cloned() {
        Some(Value::Sequence(seq)) => seq,
        None => Vec::new(),
        Some(_) => {
            f.error_at_key(
                "E008",
                "contacts",
                "`contacts` must be a list of rows".into(),
                None,
            );
            Vec::new()
        }
    };
    let blocks = f.list_blocks("contacts");
    for (n, entry) in entries.into_iter().enumerate() {
        let Value::Mapping(map) = entry else {
            f.error_at_key(
                "E008",
                "contacts",
                format!("contact row {} must be a group of fields", n + 1),
                None,
            );
            continue;
        };
        let mut c = f.nested(blocks.get(n).copied(), map, &CONTACT_FIELDS);
        let id = c.spanned_string("id", Some("識別子"));
        let row = (
            id,
            c.string("topic", Some("施策事項")),
            c.string("office", Some("所管課室")),
            c.string("section", Some("担当係")),
            c.string("extension", Some("内線")),
        );
        let person = c.spanned_string("person", None);
        let pages = c.string("pages", None);
        f.diagnostics.append(&mut c.diagnostics);
        if let (Some(id), Some(topic), Some(office), Some(section), Some(extension)) = row {
            contacts.rows.push(Contact {
                id,
                topic,
                office,
                section,
                person_line: person.as_ref().map_or(0, |p| p.line),
                person: person.map(|p| p.value),
                extension,
                pages,
            });
        }
    }
    let diags = std::mem::take(&mut f.diagnostics);
    (contacts, diags)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Survey,
    Release,
    Meeting,
}

impl EventKind {
    const CHOICES: [(&'static str, EventKind); 3] = [
        ("survey", EventKind::Survey),
        ("release", EventKind::Release),
        ("meeting", EventKind::Meeting),
    ];

    pub fn key(self) -> &'static str {
        match self {
            EventKind::Survey => "survey",
            EventKind::Release => "release",
            EventKind::Meeting => "meeting",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::Survey => "調査",
            EventKind::Release => "定期的提供",
            EventKind::Meeting => "会議",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Track {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub when: When,
    pub title: String,
    /// One track, or several when the event spans columns of the seed's table.
    pub tracks: Vec<Spanned<String>>,
    pub kind: Option<EventKind>,
    pub survey: Option<Spanned<String>>,
    pub local_government: super::item::Cooperation,
    pub line: usize,
}

/// One fiscal year's 事業計画.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub path: std::path::PathBuf,
    pub text: String,
    pub fiscal_year: i32,
    pub title: Option<String>,
    pub tracks: Vec<Track>,
    pub events: Vec<Event>,
    pub notes: Vec<String>,
}

const SCHEDULE_FIELDS: [KnownField; 5] = [
    ("fiscal_year", "年度（西暦）"),
    ("title", "題名"),
    ("tracks", "列（分野）"),
    ("events", "予定"),
    ("notes", "注"),
];

const EVENT_FIELDS: [KnownField; 6] = [
    ("when", "時期"),
    ("title", "事業名"),
    ("track", "列（分野）"),
    ("kind", "種類"),
    ("survey", "調査"),
    ("local_government", "地方公共団体の協力"),
];

pub fn read_schedule(path: &Path, text: String) -> (Option<Schedule>, Vec<Diagnostic>) {
    let yaml = YamlText {
        path,
        text: &text,
        first_line: 1,
    };
    let map = match yaml.parse_mapping() {
        Ok(map) => map,
        Err(d) => return (None, vec![d]),
    };
    let mut f = Fields::new(yaml, yaml.whole(), map, &SCHEDULE_FIELDS);
    // Four digits, and the fiscal year's March (of the next year) still has four.
    let fiscal_year = f.integer_in("fiscal_year", 1000..=9998, "a western year");
    if fiscal_year.is_none() && f.get("fiscal_year").is_none() {
        f.string("fiscal_year", Some("年度（西暦）"));
    }
    let title = f.string("title", None);
    let notes = f
        .string_list("notes")
        .into_iter()
        .map(|s| s.value)
        .collect();
    let mut tracks = Vec::new();
    if let Some(Value::Sequence(seq)) = f.get("tracks").cloned() {
        let blocks = f.list_blocks("tracks");
        for (n, entry) in seq.into_iter().enumerate() {
            if let Value::Mapping(map) = entry {
                let mut t = f.nested(
                    blocks.get(n).copied(),
                    map,
                    &[("id", "識別子"), ("title", "列の題名")],
                );
                if let (Some(id), Some(title)) = (
                    t.string("id", Some("識別子")),
                    t.string("title", Some("列の題名")),
                ) {
                    tracks.push(Track { id, title });
                }
                f.diagnostics.append(&mut t.diagnostics);
            }
        }
    }
    let mut events = Vec::new();
    let entries = match f.get("events").cloned() {
        Some(Value::Sequence(seq)) => seq,
        _ => Vec::new(),
    };
    let blocks = f.list_blocks("events");
    for (n, entry) in entries.into_iter().enumerate() {
        let Value::Mapping(map) = entry else {
            f.error_at_key(
                "E008",
                "events",
                format!("event {} must be a group of fields", n + 1),
                None,
            );
            continue;
        };
        let mut e = f.nested(blocks.get(n).copied(), map, &EVENT_FIELDS);
        let line = e.first_line();
        let when = e.spanned_string("when", Some("時期")).and_then(|s| {
            match s.value.parse::<When>() {
                Ok(w) => Some(w),
                Err(err) => {
                    let (l, c) = e.value_pos("when", s.value.trim(), 0);
                    let source = e.source();
                    let src_line = e.line_text(l);
                    // Point at the bad part of the value, using the parser's offset.
                    // The parser's offset counts bytes of the untrimmed value; the
                    // column found above is that of the trimmed value.
                    let lead = s.value.len() - s.value.trim_start().len();
                    let end = err.offset.min(s.value.len());
                    let col_offset = s
                        .value
                        .get(lead.min(end)..end)
                        .map_or(0, |part| part.chars().count());
                    e.diagnostics.push(
                        Diagnostic::error(
                            "E012",
                            source.path,
                            format!("`when` is not a valid schedule date: {}", err.message),
                        )
                        .at(l, c + col_offset, err.len.max(1))
                        .with_source_line(src_line)
                        .with_hint(err.hint),
                    );
                    None
                }
            }
        });
        let title = e.string("title", Some("事業名"));
        let tracks = e.string_list("track");
        if tracks.is_empty() && e.get("track").is_none() {
            e.string("track", Some("列（分野）"));
        }
        let event = Event {
            when: when.unwrap_or(When::At(crate::calendar::Point::Day(
                crate::calendar::Date {
                    year: 2000,
                    month: 1,
                    day: 1,
                },
            ))),
            title: title.clone().unwrap_or_default(),
            tracks,
            kind: e.choice("kind", &EventKind::CHOICES, None),
            survey: e.spanned_string("survey", None),
            local_government: super::item::read_cooperation(&mut e),
            line,
        };
        let ok = title.is_some() && e.diagnostics.iter().all(|d| !d.is_error());
        f.diagnostics.append(&mut e.diagnostics);
        if ok {
            events.push(event);
        }
    }
    let diags = std::mem::take(&mut f.diagnostics);
    drop(f);
    let schedule = fiscal_year
        .and_then(|fy| i32::try_from(fy).ok())
        .map(|fy| Schedule {
            path: path.to_path_buf(),
            fiscal_year: fy,
            title,
            tracks,
            events,
            notes,
            text,
        });
    (schedule, diags)
}
