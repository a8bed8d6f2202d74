//! The files a build writes for other tools (src/export/): iCalendar, CSV, vCard,
//! data.json, sitemap, feed and JSON-LD, on the fixture site tests/fixtures/exports/,
//! built through the library in temporary folders.

use icalendar::parser::{read_calendar, unfold, Component as RawComponent};
use icalendar::{CalendarComponent, Component, DatePerhapsTime};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tebiki::{BuildProfile, Options};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/exports");
const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/data.schema.json");
const PEOPLE: [&str; 3] = ["山田 花子", "鈴木 一郎", "高橋　健太"];
const BASE_URL: &str = "https://handbook.example.jp/tebiki/";

struct Built {
    /// Holds the temporary folder while the test reads the output.
    _dir: Option<tempfile::TempDir>,
    root: PathBuf,
    out: PathBuf,
}

impl Built {
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn bytes(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Every output file: path relative to the output with `/`, and its bytes.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut all = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&self.out) {
            let entry = entry.expect("readable output");
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(&self.out)
                    .expect("inside the output")
                    .to_string_lossy()
                    .replace('\\', "/");
                all.insert(rel, std::fs::read(entry.path()).expect("readable file"));
            }
        }
        all
    }

    fn rebuild(&self, profile: BuildProfile) {
        run_build(&self.root, &self.out, profile);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("readable fixture");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

fn run_build(root: &Path, out: &Path, profile: BuildProfile) {
    let mut options = Options::new(root);
    options.output = out.to_path_buf();
    options.profile = profile;
    if let Err(diagnostics) = tebiki::build(&options) {
        panic!("the fixture does not build:\n{}", diagnostics.render());
    }
}

/// Copies the fixture (so it can be edited), optionally with `base_url`, and builds it.
fn build_with(profile: BuildProfile, base_url: Option<&str>, edit: impl FnOnce(&Path)) -> Built {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path().join("site");
    copy_dir(Path::new(FIXTURE), &root);
    if let Some(url) = base_url {
        let site = root.join("content/site.yaml");
        let mut text = std::fs::read_to_string(&site).expect("site.yaml");
        text.push_str(&format!("base_url: {url}\n"));
        std::fs::write(&site, text).expect("write site.yaml");
    }
    edit(&root);
    let out = dir.path().join("out");
    run_build(&root, &out, profile);
    Built {
        _dir: Some(dir),
        root,
        out,
    }
}

fn build(profile: BuildProfile, base_url: Option<&str>) -> Built {
    build_with(profile, base_url, |_| {})
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A name, its parts, and its forms with other spaces: nothing of it may be written.
fn name_forms(name: &str) -> Vec<String> {
    let parts: Vec<&str> = name.split([' ', '\u{3000}']).collect();
    let mut forms = vec![name.to_string(), parts.concat()];
    forms.push(parts.join(" "));
    forms.push(parts.join("\u{3000}"));
    forms.extend(parts.iter().map(|p| p.to_string()));
    forms
}

// ---------------------------------------------------------------------------------
// The public profile
// ---------------------------------------------------------------------------------

/// Every place the content model lets a person reach an output: each row of
/// contacts.yaml has a person (the fixture's), and an item of every kind names every
/// contact, so each item page has the contact table too.
fn with_contacts_on_every_kind(root: &Path) {
    for rel in [
        "surveys/chosa-a.md",
        "laws/shiken-ho.md",
        "roadmap/card-1.md",
        "pages/guide.md",
    ] {
        let path = root.join("content").join(rel);
        let text = std::fs::read_to_string(&path).expect("fixture item");
        let text = text
            .lines()
            .filter(|l| !l.starts_with("contacts:"))
            .collect::<Vec<_>>()
            .join("\n");
        let text = text.replacen("---\n", "---\ncontacts: [kikaku, hogo, kaigi]\n", 1);
        std::fs::write(&path, text + "\n").expect("write fixture item");
    }
}

const ITEM_PAGES: [&str; 4] = [
    "surveys/chosa-a/index.html",
    "laws/shiken-ho/index.html",
    "roadmap/card-1/index.html",
    "pages/guide/index.html",
];

#[test]
fn every_kind_of_item_page_shows_every_person_in_the_intranet_profile() {
    // The counterpart of the public test below: the same site does write the names.
    let site = build_with(BuildProfile::Intranet, None, with_contacts_on_every_kind);
    for page in ITEM_PAGES {
        let html = site.read(page);
        for person in PEOPLE {
            assert!(html.contains(person), "{page} lacks {person}");
        }
    }
}

#[test]
fn public_profile_writes_no_person_name_in_any_output_file() {
    for base_url in [None, Some(BASE_URL)] {
        let site = build_with(BuildProfile::Public, base_url, with_contacts_on_every_kind);
        let files = site.files();
        for page in ITEM_PAGES {
            assert!(
                site.read(page).contains("内線"),
                "{page} has its contact table"
            );
        }
        assert!(files.contains_key("contacts/contacts.csv"));
        assert!(files.contains_key("contacts/contacts.vcf"));
        assert!(files.contains_key("data.json"));
        for (rel, bytes) in &files {
            // Folded lines (.ics, .vcf) could split a name: check the unfolded text too.
            let unfolded = String::from_utf8_lossy(bytes)
                .replace("\r\n ", "")
                .replace("\r\n\t", "");
            for person in PEOPLE {
                for form in name_forms(person) {
                    assert!(
                        !contains(bytes, &form) && !unfolded.contains(&form),
                        "{rel} contains `{form}` (from {person}) in the public profile"
                    );
                }
            }
        }
        let data: serde_json::Value =
            serde_json::from_str(&site.read("data.json")).expect("data.json is JSON");
        assert_eq!(data["profile"], "public");
        for row in data["contacts"]["rows"].as_array().expect("rows") {
            assert!(row.get("person").is_none(), "{row}");
        }
    }
}

#[test]
fn intranet_profile_shows_every_person_on_the_contacts_page() {
    let site = build(BuildProfile::Intranet, None);
    let page = site.read("contacts/index.html");
    let csv = site.read("contacts/contacts.csv");
    let vcf = unfold(&site.read("contacts/contacts.vcf"));
    for person in PEOPLE {
        assert!(page.contains(person), "contacts/index.html lacks {person}");
        assert!(csv.contains(person), "contacts.csv lacks {person}");
        assert!(
            vcf.contains(&format!("FN:{person}")),
            "contacts.vcf lacks {person}"
        );
    }
    let data: serde_json::Value = serde_json::from_str(&site.read("data.json")).expect("JSON");
    let persons: Vec<&str> = data["contacts"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["person"].as_str())
        .collect();
    assert_eq!(persons, PEOPLE);
}

// ---------------------------------------------------------------------------------
// iCalendar
// ---------------------------------------------------------------------------------

/// (first day, exclusive end day) as `YYYY-MM-DD`, by title, for the fixture's events.
fn expected_days() -> BTreeMap<&'static str, (&'static str, &'static str)> {
    BTreeMap::from([
        ("一日だけの会議", ("2022-09-15", "2022-09-16")),
        ("試験調査の実施（協力依頼）", ("2022-05-01", "2022-06-01")),
        ("上旬の提供", ("2022-06-01", "2022-06-11")),
        ("中旬の打合せ; 資料\\配布, 質疑", ("2022-07-11", "2022-07-21")),
        ("下旬の調査", ("2022-08-21", "2022-09-01")),
        ("年末年始をまたぐ集計", ("2022-12-21", "2023-02-01")),
        (
            "保健統計・社会福祉統計・労働統計の三分野にまたがる全国統計主管課長会議及び担当者研修会（オンライン併催）",
            ("2022-10-01", "2022-12-01"),
        ),
        ("二月下旬の公表", ("2023-02-21", "2023-03-01")),
    ])
}

fn all_day(d: Option<DatePerhapsTime>, what: &str) -> String {
    match d {
        Some(DatePerhapsTime::Date(day)) => day.to_string(),
        other => panic!("{what} is not an all-day date: {other:?}"),
    }
}

struct ParsedEvent {
    uid: String,
    summary: String,
    start: String,
    end: String,
    description: String,
    categories: String,
}

/// Parses with the icalendar crate (not our code) and checks the RFC 5545 framing.
fn parse_ics(rel: &str, text: &str) -> Vec<ParsedEvent> {
    assert!(text.ends_with("\r\n"), "{rel}: no final CRLF");
    for (n, line) in text.split("\r\n").enumerate() {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "{rel}:{n}: bare LF/CR"
        );
        assert!(line.len() <= 75, "{rel}:{n}: {} octets", line.len());
    }
    let unfolded = unfold(text);
    let raw = read_calendar(&unfolded).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let prop = |name: &str| {
        raw.properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.as_str().to_string())
    };
    assert_eq!(prop("VERSION").as_deref(), Some("2.0"), "{rel}");
    assert_eq!(prop("CALSCALE").as_deref(), Some("GREGORIAN"), "{rel}");
    assert_eq!(prop("METHOD").as_deref(), Some("PUBLISH"), "{rel}");
    assert!(prop("PRODID").is_some(), "{rel}");
    assert!(prop("X-WR-CALNAME").is_some_and(|n| !n.is_empty()), "{rel}");
    // DTSTAMP is the start of the file's fiscal year (schedule/<fy>[-track].ics).
    let fy = &rel["schedule/".len().."schedule/".len() + 4];
    let dtstamp = format!("{fy}-04-01T00:00:00+00:00");
    let raw_events: Vec<&RawComponent> = raw
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(
        raw_events.len(),
        raw.components.len(),
        "{rel}: only VEVENTs"
    );

    let calendar: icalendar::Calendar = text.parse().unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut out = Vec::new();
    for (component, raw) in calendar.components.iter().zip(raw_events) {
        let CalendarComponent::Event(event) = component else {
            panic!("{rel}: not an event: {component:?}");
        };
        let summary = event.get_summary().expect("SUMMARY").to_string();
        assert_eq!(
            event.get_timestamp().map(|t| t.to_rfc3339()).as_deref(),
            Some(dtstamp.as_str()),
            "{rel}: DTSTAMP of {summary}"
        );
        let value_date = |name: &str| {
            raw.find_prop(name).is_some_and(|p| {
                p.params.iter().any(|x| {
                    x.key == "VALUE" && x.val.as_ref().is_some_and(|v| v.as_str() == "DATE")
                })
            })
        };
        assert!(
            value_date("DTSTART") && value_date("DTEND"),
            "{rel}: VALUE=DATE"
        );
        out.push(ParsedEvent {
            uid: event.get_uid().expect("UID").to_string(),
            start: all_day(event.get_start(), "DTSTART"),
            end: all_day(event.get_end(), "DTEND"),
            description: event.get_description().expect("DESCRIPTION").to_string(),
            categories: raw
                .find_prop("CATEGORIES")
                .map(|p| p.val.as_str().to_string())
                .unwrap_or_default(),
            summary,
        });
    }
    out
}

#[test]
fn calendars_parse_and_cover_exactly_the_intended_days() {
    let site = build(BuildProfile::Intranet, None);
    let expected = expected_days();

    let whole_text = site.read("schedule/2022.ics");
    assert!(whole_text.contains("\r\nX-WR-CALNAME:令和４年度試験事業計画\r\n"));
    assert!(unfold(&site.read("schedule/2022-labour.ics"))
        .contains("\r\nX-WR-CALNAME:令和４年度試験事業計画：労働統計\r\n"));
    let whole = parse_ics("schedule/2022.ics", &whole_text);
    let got: BTreeMap<&str, (&str, &str)> = whole
        .iter()
        .map(|e| (e.summary.as_str(), (e.start.as_str(), e.end.as_str())))
        .collect();
    assert_eq!(got, expected, "every event, each with its exact days");
    let starts: Vec<&str> = whole.iter().map(|e| e.start.as_str()).collect();
    let sorted = {
        let mut s = starts.clone();
        s.sort();
        s
    };
    assert_eq!(starts, sorted, "events in date order");
    let uids: BTreeSet<&str> = whole.iter().map(|e| e.uid.as_str()).collect();
    assert_eq!(uids.len(), whole.len(), "UIDs are unique");
    for uid in &uids {
        assert!(
            uid.starts_with("fy2022-") && uid.ends_with("@tebiki"),
            "{uid}"
        );
    }
    let by_summary: BTreeMap<&str, &ParsedEvent> =
        whole.iter().map(|e| (e.summary.as_str(), e)).collect();

    let spanning = by_summary
        ["保健統計・社会福祉統計・労働統計の三分野にまたがる全国統計主管課長会議及び担当者研修会（オンライン併催）"];
    assert_eq!(spanning.categories, "保健統計,社会福祉統計,労働統計");
    assert!(spanning.description.contains("時期：令和４年10月～11月"));
    assert!(spanning
        .description
        .contains("分野：保健統計、社会福祉統計、労働統計"));
    // Without base_url, the survey page is given by its path from the site root.
    assert!(
        spanning.description.contains("（surveys/chosa-a/）"),
        "{}",
        spanning.description
    );
    let local = by_summary["試験調査の実施（協力依頼）"];
    assert!(local.description.contains("時期：令和４年５月"));
    assert!(local
        .description
        .contains("地方公共団体に協力を依頼している調査"));
    // The escaped `;`, `,` and `\` come back as written.
    assert!(by_summary.contains_key("中旬の打合せ; 資料\\配布, 質疑"));
    assert!(site
        .read("schedule/2022.ics")
        .contains("SUMMARY:中旬の打合せ\\; 資料\\\\配布\\, 質疑\r\n"));

    // Per track: the events of that track; the spanning event in all three, same UID.
    let tracks = [
        (
            "health",
            vec![
                "試験調査の実施（協力依頼）",
                "中旬の打合せ; 資料\\配布, 質疑",
                "二月下旬の公表",
            ],
        ),
        ("welfare", vec!["上旬の提供", "年末年始をまたぐ集計"]),
        ("labour", vec!["一日だけの会議", "下旬の調査"]),
    ];
    for (track, mut titles) in tracks {
        let rel = format!("schedule/2022-{track}.ics");
        let events = parse_ics(&rel, &site.read(&rel));
        titles.push(spanning.summary.as_str());
        let got: BTreeSet<&str> = events.iter().map(|e| e.summary.as_str()).collect();
        assert_eq!(got, titles.into_iter().collect::<BTreeSet<_>>(), "{rel}");
        for e in &events {
            let same = by_summary[e.summary.as_str()];
            assert_eq!(
                (&e.uid, &e.start, &e.end),
                (&same.uid, &same.start, &same.end),
                "{rel}"
            );
        }
    }
}

#[test]
fn calendar_description_links_the_survey_absolutely_with_base_url() {
    let site = build(BuildProfile::Intranet, Some(BASE_URL));
    let text = site.read("schedule/2022.ics");
    let events = parse_ics("schedule/2022.ics", &text);
    let local = events
        .iter()
        .find(|e| e.summary == "試験調査の実施（協力依頼）")
        .expect("the survey event");
    assert!(
        local
            .description
            .contains("（https://handbook.example.jp/tebiki/surveys/chosa-a/）"),
        "{}",
        local.description
    );
    assert!(unfold(&text)
        .contains("URL;VALUE=URI:https://handbook.example.jp/tebiki/surveys/chosa-a/\r\n"));
}

#[test]
fn event_uids_do_not_change_when_other_events_are_added() {
    let uids = |site: &Built| -> Vec<(String, String)> {
        parse_ics("schedule/2022.ics", &site.read("schedule/2022.ics"))
            .into_iter()
            .map(|e| (e.summary, e.uid))
            .collect()
    };
    let before = uids(&build(BuildProfile::Intranet, None));
    let after = uids(&build_with(BuildProfile::Intranet, None, |root| {
        let path = root.join("content/schedule/2022.yaml");
        let text = std::fs::read_to_string(&path).expect("schedule");
        // New events before, between and after the others, one of them a duplicate
        // title on another day.
        let text = text.replacen(
            "events:\n",
            "events:\n  - when: 2022-04\n    title: 追加された会議\n    track: health\n  - when: 2022-11 mid\n    title: 一日だけの会議\n    track: labour\n",
            1,
        );
        let text =
            format!("{text}  - when: 2023-03\n    title: 年度末の追加\n    track: welfare\n");
        std::fs::write(&path, text).expect("write schedule");
    }));
    assert_eq!(after.len(), before.len() + 3, "{after:?}");
    for (summary, uid) in &before {
        assert!(
            after.iter().any(|(s, u)| s == summary && u == uid),
            "UID of {summary} changed"
        );
    }
    let distinct: BTreeSet<&String> = after.iter().map(|(_, u)| u).collect();
    assert_eq!(
        distinct.len(),
        after.len(),
        "the same title on another day has its own UID"
    );
    // And a second build of the same content gives the same UIDs.
    assert_eq!(uids(&build(BuildProfile::Intranet, None)), before);
}

// ---------------------------------------------------------------------------------
// Contacts: CSV and vCard
// ---------------------------------------------------------------------------------

fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).expect("UTF-8");
    assert!(text.ends_with("\r\n"));
    // A small RFC 4180 reader: quoted fields may hold commas, quotes and line breaks.
    let mut records = vec![];
    let mut record = vec![];
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("bare LF in the CSV"),
            (false, c) => field.push(c),
        }
    }
    records
}

#[test]
fn contacts_csv_has_bom_crlf_japanese_header_and_no_person_column_in_public() {
    let intranet = csv_records(&build(BuildProfile::Intranet, None).bytes("contacts/contacts.csv"));
    assert_eq!(
        intranet[0],
        [
            "施策事項",
            "所管課室",
            "担当係",
            "担当者",
            "内線",
            "資料ページ",
            "掲載ページ"
        ]
    );
    assert_eq!(intranet.len(), 4, "header and three rows");
    assert!(intranet.iter().all(|r| r.len() == 7));
    assert_eq!(
        intranet[2],
        [
            "試験法の \"特別\" 解釈, 運用",
            "政策室",
            "法令係",
            "鈴木 一郎",
            "5678",
            "10頁, 11頁",
            "試験法"
        ]
    );
    assert_eq!(intranet[1][6], "試験調査");
    assert_eq!(intranet[3][5], "", "no 資料ページ");

    let public = csv_records(&build(BuildProfile::Public, None).bytes("contacts/contacts.csv"));
    assert_eq!(
        public[0],
        [
            "施策事項",
            "所管課室",
            "担当係",
            "内線",
            "資料ページ",
            "掲載ページ"
        ]
    );
    assert!(
        public.iter().all(|r| r.len() == 6),
        "the column is dropped, not emptied"
    );
    assert_eq!(
        public[2],
        [
            "試験法の \"特別\" 解釈, 運用",
            "政策室",
            "法令係",
            "5678",
            "10頁, 11頁",
            "試験法"
        ]
    );
}

/// (property name, raw value) per vCard, parsed with the icalendar crate's parser.
fn vcards(text: &str) -> Vec<BTreeMap<String, String>> {
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "vCard line of {} octets", line.len());
    }
    let unfolded = unfold(text);
    assert!(unfolded.starts_with("BEGIN:VCARD\r\n") && unfolded.ends_with("END:VCARD\r\n"));
    // The crate's parser reads one root component per input: parse each card alone.
    let chunks: Vec<String> = unfolded
        .split("BEGIN:VCARD\r\n")
        .skip(1)
        .map(|c| format!("BEGIN:VCARD\r\n{c}"))
        .collect();
    chunks
        .iter()
        .map(|chunk| {
            let mut parsed = icalendar::parser::read_components(chunk)
                .unwrap_or_else(|e| panic!("a vCard does not parse: {e}\n{chunk}"));
            assert_eq!(parsed.len(), 1);
            let c = parsed.remove(0);
            assert_eq!(c.name, "VCARD");
            c.properties
                .iter()
                .map(|p| {
                    let params: Vec<String> = p
                        .params
                        .iter()
                        .map(|x| {
                            format!(
                                ";{}={}",
                                x.key.as_str(),
                                x.val.as_ref().map_or("", |v| v.as_str())
                            )
                        })
                        .collect();
                    (
                        format!("{}{}", p.name.as_str(), params.concat()),
                        p.val.as_str().to_string(),
                    )
                })
                .collect::<BTreeMap<String, String>>()
        })
        .collect()
}

#[test]
fn contacts_vcf_is_vcard_3_with_person_or_office_as_name() {
    let intranet = vcards(&build(BuildProfile::Intranet, None).read("contacts/contacts.vcf"));
    assert_eq!(intranet.len(), 3);
    let first = &intranet[0];
    assert_eq!(first["VERSION"], "3.0");
    assert_eq!(first["FN"], "山田 花子");
    assert_eq!(first["N"], "山田;花子;;;");
    assert_eq!(first["ORG"], "統計企画室;企画係");
    assert_eq!(first["TEL;TYPE=WORK,VOICE"], "03-0000-0000");
    assert!(
        first["NOTE"].starts_with("施策事項：試験調査\\n内線：1234"),
        "{}",
        first["NOTE"]
    );
    assert_eq!(
        intranet[2]["N"], "高橋;健太;;;",
        "ideographic space separates"
    );
    // The raw (escaped) TEXT: `,` and line breaks escaped, quotes as they are.
    assert_eq!(
        intranet[1]["NOTE"],
        "施策事項：試験法の \"特別\" 解釈\\, 運用\\n内線：5678（代表電話におかけのうえ内線番号をお伝えください）\\n資料ページ：10頁\\, 11頁"
    );

    let public = vcards(&build(BuildProfile::Public, None).read("contacts/contacts.vcf"));
    assert_eq!(public.len(), 3);
    assert_eq!(public[0]["FN"], "統計企画室 企画係");
    assert_eq!(public[1]["FN"], "政策室 法令係");
    assert_eq!(public[0]["ORG"], "統計企画室;企画係");
    let uids: BTreeSet<&str> = public.iter().map(|c| c["UID"].as_str()).collect();
    assert_eq!(uids.len(), 3);
}

// ---------------------------------------------------------------------------------
// data.json
// ---------------------------------------------------------------------------------

fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string(SCHEMA).expect("docs/data.schema.json");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn assert_valid(data: &serde_json::Value, what: &str) {
    let validator = jsonschema::draft202012::new(&schema()).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(data)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn data_json_validates_against_the_schema_in_both_profiles() {
    jsonschema::meta::validate(&schema()).expect("a valid draft 2020-12 schema");
    for (profile, base_url) in [
        (BuildProfile::Intranet, None),
        (BuildProfile::Public, Some(BASE_URL)),
    ] {
        let site = build(profile, base_url);
        let data: serde_json::Value =
            serde_json::from_str(&site.read("data.json")).expect("data.json is JSON");
        assert_valid(&data, "data.json");

        let items = data["items"].as_array().expect("items");
        let ids: Vec<(&str, &str)> = items
            .iter()
            .map(|i| (i["kind"].as_str().unwrap(), i["id"].as_str().unwrap()))
            .collect();
        assert_eq!(
            ids,
            [
                ("surveys", "chosa-a"),
                ("laws", "shiken-ho"),
                ("roadmap", "card-1"),
                ("pages", "guide")
            ]
        );
        let survey = &items[0];
        assert_eq!(
            survey["methods"],
            serde_json::json!(["online", "enumerator"])
        );
        assert_eq!(survey["laws"], serde_json::json!(["laws/shiken-ho"]));
        assert_eq!(survey["contacts"], serde_json::json!(["kikaku", "kaigi"]));
        assert_eq!(survey["events"].as_array().unwrap().len(), 2);
        assert_eq!(items[1]["effective"], "2021-09");
        assert_eq!(items[1]["status"], "in_force");
        assert_eq!(items[2]["milestones"][1]["end"], "FY2023");
        assert_eq!(items[2]["milestones"][0]["basis"], "stated");
        assert_eq!(items[2]["milestones"][0]["note"], serde_json::Value::Null);
        assert_eq!(items[2]["milestones"][1]["basis"], "read");
        assert_eq!(items[2]["milestones"][1]["note"], "図の矢印の位置から");
        for item in items {
            assert_eq!(item["source"], "試験資料 第１節「試験の見出し」");
        }
        assert_eq!(survey["local_government"], true);
        assert_eq!(items[3]["weight"], 10);

        let events = data["schedules"][0]["events"].as_array().expect("events");
        assert_eq!(events.len(), 8);
        let year_end = events
            .iter()
            .find(|e| e["title"] == "年末年始をまたぐ集計")
            .expect("the span over the year end");
        assert_eq!(year_end["when"], "2022-12 late .. 2023-01");
        assert_eq!(year_end["first_day"], "2022-12-21");
        assert_eq!(year_end["last_day"], "2023-01-31");
        // Three states: said yes, said no, and not said (null, never false).
        let cooperation = |title: &str| {
            events
                .iter()
                .find(|e| e["title"] == title)
                .unwrap_or_else(|| panic!("{title}"))["local_government"]
                .clone()
        };
        assert_eq!(cooperation("試験調査の実施"), serde_json::json!(true));
        assert_eq!(cooperation("下旬の調査"), serde_json::json!(false));
        assert_eq!(cooperation("上旬の提供"), serde_json::Value::Null);
        // Survey events refer to schedule events by the ids the calendars carry.
        let event_ids: BTreeSet<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
        for id in survey["events"].as_array().unwrap() {
            assert!(event_ids.contains(id.as_str().unwrap()));
        }
        let ics = unfold(&site.read("schedule/2022.ics"));
        for id in &event_ids {
            assert!(ics.contains(&format!("UID:{id}@tebiki\r\n")), "{id}");
        }
    }
}

#[test]
fn schema_rejects_a_person_in_a_public_build() {
    let site = build(BuildProfile::Public, None);
    let mut data: serde_json::Value = serde_json::from_str(&site.read("data.json")).unwrap();
    data["contacts"]["rows"][0]["person"] = serde_json::json!("誰か");
    let validator = jsonschema::draft202012::new(&schema()).unwrap();
    assert!(!validator.is_valid(&data));
}

// ---------------------------------------------------------------------------------
// Sitemap, feed, JSON-LD
// ---------------------------------------------------------------------------------

#[test]
fn sitemap_is_written_only_with_base_url() {
    let without = build(BuildProfile::Intranet, None);
    assert!(!without.out.join("sitemap.xml").exists());

    let with = build(BuildProfile::Intranet, Some(BASE_URL));
    let xml = with.read("sitemap.xml");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    for loc in [
        "https://handbook.example.jp/tebiki/",
        "https://handbook.example.jp/tebiki/surveys/chosa-a/",
        "https://handbook.example.jp/tebiki/contacts/",
        "https://handbook.example.jp/tebiki/schedule/2022/",
        // Japanese tag folders are percent-encoded (UTF-8).
        "https://handbook.example.jp/tebiki/tags/%E5%8C%BB%E7%99%82/",
    ] {
        assert!(
            xml.contains(&format!("<loc>{loc}</loc>")),
            "{loc} missing:\n{xml}"
        );
    }
    assert!(xml.contains("<loc>https://handbook.example.jp/tebiki/surveys/chosa-a/</loc><lastmod>2022-06-01</lastmod>"));
    // Every HTML page is listed.
    let pages = with
        .files()
        .keys()
        .filter(|p| p.ends_with("index.html"))
        .count();
    assert_eq!(xml.matches("<loc>").count(), pages);
}

#[test]
fn feed_lists_updated_items_newest_first_with_deterministic_updated() {
    let relative = build(BuildProfile::Intranet, None).read("feed.xml");
    assert!(relative.contains("<updated>2022-07-01T00:00:00+09:00</updated>\n  <author>"));
    let order: Vec<usize> = ["pages/guide/", "surveys/chosa-a/", "laws/shiken-ho/"]
        .iter()
        .map(|u| {
            relative
                .find(&format!("href=\"{u}\""))
                .unwrap_or_else(|| panic!("{u}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "newest first");
    assert_eq!(
        relative.matches("<entry>").count(),
        3,
        "roadmap has no `updated`"
    );
    // The summary's markup is escaped.
    assert!(relative.contains("&lt;/script&gt;"));

    let absolute = build(BuildProfile::Intranet, Some(BASE_URL)).read("feed.xml");
    assert!(absolute.contains("href=\"https://handbook.example.jp/tebiki/pages/guide/\""));
    assert!(absolute.contains(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://handbook.example.jp/tebiki/feed.xml\"/>"
    ));
}

fn json_ld(html: &str) -> Option<String> {
    let start = html.find("<script type=\"application/ld+json\">")?;
    let rest = &html[start + "<script type=\"application/ld+json\">".len()..];
    Some(rest[..rest.find("</script>").expect("closed")].to_string())
}

#[test]
fn survey_pages_carry_a_json_ld_dataset_escaped_for_html() {
    let site = build(BuildProfile::Intranet, None);
    let html = site.read("surveys/chosa-a/index.html");
    let text = json_ld(&html).expect("a JSON-LD block");
    // The summary holds `</script><!--`: the block must not end or open a comment early.
    assert!(!text.contains("</") && !text.contains("<!--"), "{text}");
    let ld: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "Dataset");
    assert_eq!(ld["name"], "試験調査");
    assert_eq!(
        ld["description"],
        "試験のための調査。</script><!-- は閉じない"
    );
    assert_eq!(ld["temporalCoverage"], "2022-04/2023-03");
    assert_eq!(ld["publisher"]["name"], "試験省 統計情報部");
    assert!(ld.get("url").is_none(), "no url without base_url");
    assert!(json_ld(&site.read("laws/shiken-ho/index.html")).is_none());

    let with = build(BuildProfile::Intranet, Some(BASE_URL));
    let ld: serde_json::Value =
        serde_json::from_str(&json_ld(&with.read("surveys/chosa-a/index.html")).expect("JSON-LD"))
            .unwrap();
    assert_eq!(
        ld["url"],
        "https://handbook.example.jp/tebiki/surveys/chosa-a/"
    );
}

#[test]
fn pages_link_the_export_files() {
    let site = build(BuildProfile::Intranet, None);
    let schedule = site.read("schedule/2022/index.html");
    for href in [
        "../../schedule/2022.ics",
        "../../schedule/2022-health.ics",
        "../../schedule/2022-welfare.ics",
        "../../schedule/2022-labour.ics",
    ] {
        assert!(schedule.contains(&format!("href=\"{href}\"")), "{href}");
        assert!(
            site.out.join("schedule/2022/").join(href).exists(),
            "{href} exists"
        );
    }
    let contacts = site.read("contacts/index.html");
    assert!(contacts.contains("href=\"../contacts/contacts.csv\""));
    assert!(contacts.contains("href=\"../contacts/contacts.vcf\""));
    assert!(site
        .read("index.html")
        .contains("<link rel=\"alternate\" type=\"application/atom+xml\""));
}

// ---------------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------------

#[test]
fn two_builds_are_byte_identical() {
    for (profile, base_url) in [
        (BuildProfile::Intranet, Some(BASE_URL)),
        (BuildProfile::Public, None),
    ] {
        let site = build(profile, base_url);
        let first = site.files();
        site.rebuild(profile);
        let second = site.files();
        assert_eq!(
            first.keys().collect::<Vec<_>>(),
            second.keys().collect::<Vec<_>>()
        );
        for (rel, bytes) in &first {
            assert!(second[rel] == *bytes, "{rel} differs between two builds");
        }
    }
}

// ---------------------------------------------------------------------------------
// The repository's own site
// ---------------------------------------------------------------------------------

#[test]
fn repository_site_exports_parse_and_match_the_schema() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for profile in [BuildProfile::Intranet, BuildProfile::Public] {
        let out = dir.path().join(format!("{profile:?}"));
        run_build(Path::new(env!("CARGO_MANIFEST_DIR")), &out, profile);
        let site = Built {
            _dir: None,
            root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            out,
        };
        let data: serde_json::Value =
            serde_json::from_str(&site.read("data.json")).expect("data.json is JSON");
        assert_valid(&data, "the repository's data.json");
        let mut calendars = 0;
        for (rel, bytes) in site.files() {
            if rel.ends_with(".ics") {
                let text = String::from_utf8(bytes).expect("UTF-8");
                let events = parse_ics(&rel, &text);
                calendars += 1;
                for e in events {
                    assert!(
                        e.start < e.end,
                        "{rel}: {} ends before it starts",
                        e.summary
                    );
                }
            }
        }
        let schedules = data["schedules"].as_array().expect("schedules");
        let tracks: usize = schedules
            .iter()
            .map(|s| s["tracks"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(calendars, schedules.len() + tracks);
        vcards(&site.read("contacts/contacts.vcf"));
        csv_records(&site.bytes("contacts/contacts.csv"));
    }
}
