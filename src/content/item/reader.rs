//! Reading an item's front matter field by field (which fields each kind knows, what each
//! must hold), so each mistake is reported at its line and column.

use super::*;
use crate::calendar::{Date, FiscalPoint, When};
use crate::content::source::SourceFile;
use crate::content::yaml::{self, Fields, KnownField, YamlText};
use crate::diagnostics::Diagnostic;
use serde_yaml::Value;

/// Reads `local_government` (of a survey or a schedule event): `true`, `false`, or
/// absent for unknown.
pub(crate) fn read_cooperation(f: &mut Fields) -> Cooperation {
    match f.get("local_government").cloned() {
        None => Cooperation::Unknown,
        Some(Value::Bool(true)) => Cooperation::Requested,
        Some(Value::Bool(false)) => Cooperation::NotRequested,
        Some(other) => {
            let message = format!(
                "field `local_government` must be true or false, found {}",
                yaml::describe(&other)
            );
            f.error_at_key(
                "E008",
                "local_government",
                message,
                Some(
                    "write `local_government: true` where the seed marks the survey as asking \
                     local governments to cooperate, `false` only where the seed says it does \
                     not; leave the line out when the seed does not say"
                        .into(),
                ),
            );
            Cooperation::Unknown
        }
    }
}

const COMMON_FIELDS: [KnownField; 8] = [
    ("title", "ページの題名"),
    ("summary", "要約"),
    ("draft", "下書き"),
    ("updated", "更新日"),
    ("tags", "キーワード"),
    ("contacts", "照会先"),
    ("related", "関連項目"),
    ("source", "出典（資料の節と見出し）"),
];

fn known_fields(kind: Kind) -> Vec<KnownField> {
    let own: &[KnownField] = match kind {
        Kind::Survey => &[
            ("category", "統計の分野"),
            ("frequency", "調査時期"),
            ("methods", "調査方法"),
            ("routes", "調査経路"),
            ("local_government", "地方公共団体の協力"),
            ("uses", "利活用例"),
            ("laws", "関係法律"),
            ("roadmap", "関係する工程表の項目"),
        ],
        Kind::Law => &[
            ("short_title", "略称"),
            ("status", "状態"),
            ("effective", "施行日"),
            ("amends", "改正・廃止する法律"),
        ],
        Kind::Roadmap => &[
            ("program", "工程表"),
            ("number", "番号"),
            ("milestones", "工程"),
            ("laws", "関係法律"),
        ],
        Kind::Page => &[("weight", "表示順")],
    };
    COMMON_FIELDS.iter().chain(own).copied().collect()
}

/// Reads the front matter of `source` as an item of `kind`, with every diagnostic found.
/// An item whose fields are wrong is still returned (with placeholders), so its
/// references get checked too and the editor sees every problem at once; only a YAML
/// syntax error leaves nothing to return.
pub fn read(kind: Kind, id: String, source: SourceFile) -> (Option<Item>, Vec<Diagnostic>) {
    let yaml = YamlText {
        path: &source.path,
        text: source.front_matter_text(),
        first_line: source.front_matter_line,
    };
    let map = match yaml.parse_mapping() {
        Ok(map) => map,
        Err(d) => return (None, vec![d]),
    };
    let known = known_fields(kind);
    let mut f = Fields::new(yaml, yaml.whole(), map, &known);
    let title = f.string("title", Some("ページの題名"));
    let updated =
        f.spanned_string("updated", None)
            .and_then(|s| match Date::parse(s.value.trim()) {
                Ok(d) => Some(d),
                Err(err) => {
                    let v = s.value.trim().to_string();
                    f.error_at_value(
                        "E010",
                        "updated",
                        &v,
                        0,
                        format!("`updated` is not a valid date: {}", err.message),
                        Some("write the date as YYYY-MM-DD, e.g. `updated: 2022-04-01`".into()),
                    );
                    None
                }
            });
    let common = Common {
        summary: f.string("summary", None),
        draft: f.bool("draft").unwrap_or(false),
        previewed_draft: false,
        updated,
        // NFC, so a tag typed composed and one pasted decomposed make one tag page.
        tags: f
            .string_list("tags")
            .into_iter()
            .map(|mut t| {
                if let std::borrow::Cow::Owned(n) = crate::text::nfc(&t.value) {
                    t.value = n;
                }
                t
            })
            .collect(),
        contacts: f.string_list("contacts"),
        related: f.string_list("related"),
        source: f
            .string("source", None)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        title: title.unwrap_or_default(),
    };
    let details = match kind {
        Kind::Survey => read_survey(&mut f),
        Kind::Law => read_law(&mut f),
        Kind::Roadmap => read_roadmap(&mut f),
        Kind::Page => Details::Page {
            weight: f.integer("weight").unwrap_or(0),
        },
    };
    let diagnostics = std::mem::take(&mut f.diagnostics);
    drop(f);
    let item = Item {
        kind,
        id,
        source,
        common,
        details,
    };
    (Some(item), diagnostics)
}

fn read_survey(f: &mut Fields) -> Details {
    let category = f.choice("category", &Category::CHOICES, Some("統計の分野"));
    let frequency = f.string("frequency", Some("調査時期"));
    if f.get("methods").is_none() {
        f.string("methods", Some("調査方法"));
    }
    let methods = f.choice_list("methods", &Method::CHOICES);
    let routes = read_routes(f);
    Details::Survey {
        category: category.unwrap_or(Category::Health),
        frequency: frequency.unwrap_or_default(),
        methods,
        routes,
        local_government: read_cooperation(f),
        uses: f.string_list("uses").into_iter().map(|s| s.value).collect(),
        laws: f.string_list("laws"),
        roadmap: f.string_list("roadmap"),
    }
}

fn read_routes(f: &mut Fields) -> Vec<Route> {
    let Some(value) = f.get("routes").cloned() else {
        return Vec::new();
    };
    let Value::Sequence(entries) = value else {
        f.error_at_key(
            "E008",
            "routes",
            "field `routes` must be a list of routes".into(),
            Some("write `routes:` then `  - path: [厚生労働省, 都道府県, 医療施設]`".into()),
        );
        return Vec::new();
    };
    let blocks = f.list_blocks("routes");
    let mut routes = Vec::new();
    for (n, entry) in entries.into_iter().enumerate() {
        let Value::Mapping(map) = entry else {
            f.error_at_key(
                "E008",
                "routes",
                format!(
                    "route {} must have a `path` (and optionally a `name`)",
                    n + 1
                ),
                Some("write `  - name: ...` and `    path: [a, b, c]`".into()),
            );
            continue;
        };
        let mut r = f.nested(
            blocks.get(n).copied(),
            map,
            &[("name", "経路の名前"), ("path", "経路")],
        );
        let name = r.string("name", None);
        let path = match r.get("path").cloned() {
            Some(Value::Sequence(steps)) => steps
                .into_iter()
                .filter_map(|step| match step {
                    Value::String(s) => Some(vec![s]),
                    Value::Sequence(branches) => Some(
                        branches
                            .into_iter()
                            .filter_map(|b| b.as_str().map(str::to_owned))
                            .collect(),
                    ),
                    _ => None,
                })
                .collect(),
            Some(_) => {
                r.error_at_key(
                    "E008",
                    "path",
                    "`path` must be a list of steps".into(),
                    Some("a step is a name, or a list of names for parallel branches".into()),
                );
                Vec::new()
            }
            None => {
                r.string("path", Some("経路"));
                Vec::new()
            }
        };
        f.diagnostics.append(&mut r.diagnostics);
        routes.push(Route { name, path });
    }
    routes
}

fn read_law(f: &mut Fields) -> Details {
    let effective = f.spanned_string("effective", None).and_then(|s| {
        let text = s.value.trim().to_string();
        match text.parse::<When>() {
            Ok(w @ When::At(crate::calendar::Point::Day(_)))
            | Ok(w @ When::At(crate::calendar::Point::Month(_))) => Some(w),
            _ => {
                f.error_at_value(
                    "E010",
                    "effective",
                    &text,
                    0,
                    format!("`effective` (施行日) must be a date or a year-month, found `{text}`"),
                    Some("write `effective: 2021-09-01` or `effective: 2021-09`".into()),
                );
                None
            }
        }
    });
    Details::Law {
        short_title: f.string("short_title", None),
        status: f.choice("status", &LawStatus::CHOICES, None),
        effective,
        amends: f.string_list("amends"),
    }
}

fn read_roadmap(f: &mut Fields) -> Details {
    let program = f.string("program", Some("工程表"));
    let number = f.string("number", None);
    let milestones = read_milestones(f);
    Details::Roadmap {
        program: program.unwrap_or_default(),
        number,
        milestones,
        laws: f.string_list("laws"),
    }
}

const MILESTONE_FIELDS: [KnownField; 6] = [
    ("label", "内容"),
    ("start", "開始"),
    ("end", "終了"),
    ("state", "状態"),
    (
        "basis",
        "時期の根拠（stated: 資料の記載, read: 図からの読み取り）",
    ),
    ("note", "注記"),
];

fn read_milestones(f: &mut Fields) -> Vec<Milestone> {
    let entries = match f.get("milestones").cloned() {
        None => {
            f.string("milestones", Some("工程"));
            return Vec::new();
        }
        Some(Value::Sequence(seq)) => seq,
        Some(other) => {
            let message = format!(
                "field `milestones` must be a list, found {}",
                yaml::describe(&other)
            );
            f.error_at_key(
                "E008",
                "milestones",
                message,
                Some("write `  - {label: ..., start: 2022-04}` entries".into()),
            );
            return Vec::new();
        }
    };
    let blocks = f.list_blocks("milestones");
    let mut out = Vec::new();
    for (n, entry) in entries.into_iter().enumerate() {
        let Value::Mapping(map) = entry else {
            f.error_at_key(
                "E008",
                "milestones",
                format!(
                    "milestone {} must be a group of `label`, `start`, `end`, `state`, `basis`, `note`",
                    n + 1
                ),
                None,
            );
            continue;
        };
        let mut m = f.nested(blocks.get(n).copied(), map, &MILESTONE_FIELDS);
        let label = m.string("label", Some("内容"));
        let start = fiscal_point(&mut m, "start", true);
        let end = fiscal_point(&mut m, "end", false);
        let state = m.choice("state", &MilestoneState::CHOICES, None);
        let basis = m.choice("basis", &Basis::CHOICES, None).unwrap_or_default();
        let note = m
            .string("note", None)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if let (Some(s), Some(e)) = (&start, &end) {
            if e.last_day() < s.first_day() {
                m.error_at_key(
                    "E011",
                    "end",
                    "this milestone ends before it starts".into(),
                    Some("swap `start` and `end`, or correct the year".into()),
                );
            }
        }
        f.diagnostics.append(&mut m.diagnostics);
        if let (Some(label), Some(start)) = (label, start) {
            out.push(Milestone {
                label,
                start,
                end,
                state,
                basis,
                note,
            });
        }
    }
    out
}

fn fiscal_point(m: &mut Fields, key: &str, required: bool) -> Option<FiscalPoint> {
    let text = m.string(key, required.then_some("開始"))?;
    match text.trim().parse::<FiscalPoint>() {
        Ok(p) => Some(p),
        Err(err) => {
            m.error_at_value(
                "E010",
                key,
                text.trim(),
                0,
                format!("`{key}` is not a valid milestone date: {}", err.message),
                Some("write a year-month (`2021-10`) or a fiscal year (`FY2022`)".into()),
            );
            None
        }
    }
}

/// W008: an item that does not say where in the briefing its facts come from. Only
/// `check` reports it: it is a matter of the content's completeness, not of publishing,
/// and a build of many such pages would bury real problems under it.
pub fn missing_source(item: &Item) -> Option<Diagnostic> {
    if item.common.source.is_some() {
        return None;
    }
    let line = item.source.front_matter_line.saturating_sub(1).max(1);
    let text = item.source.lines.line(&item.source.text, line);
    Some(
        Diagnostic::warning(
            "W008",
            &item.source.path,
            "this item has no `source` (where in the briefing its facts come from)",
        )
        .at(line, 1, text.chars().count())
        .with_source_line(text)
        .with_hint(
            "add a line `source: ...` to the front matter naming the section and heading of \
             the briefing, in its own words; it is shown at the page foot (出典)",
        ),
    )
}
