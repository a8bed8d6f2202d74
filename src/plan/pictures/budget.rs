//! The budget as a bar chart. The data is the budget table a free page already has
//! (docs/content-decisions.md, "Budget chart"): no new content format. The page is one
//! tagged `予算`; its first Markdown table names the items in its first column, and each
//! column whose cells are all amounts (`1,234`, or `-` for none) is a series, drawn as
//! bars with the amounts written exactly as in the table. The first row is the total,
//! as budget tables put it. The unit comes from a `（単位：…）` line before the table.

use super::{legend, measure, Drawing, Layer, LegendEntry, Shape, TextBox, MARGIN};
use crate::content::{Item, Kind};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The tag that asks for a budget chart.
pub const TAG: &str = "予算";

const SIZE: f32 = 13.0;
/// Labels stand above their bars, so the chart is narrow enough for a phone.
const LABEL_MAX: f32 = 23.0 * SIZE;
const AMOUNT_SIZE: f32 = 12.0;
const BAR_H: f32 = 12.0;
/// Bars of one row are an amount's line apart, so their amounts never touch.
const BAR_STEP: f32 = AMOUNT_SIZE * 1.35 + 2.0;
const BAR_LEN: f32 = 220.0;

/// A cell of an amount column: as written, and its value (`None` for `-`).
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    pub text: String,
    pub value: Option<u64>,
}

/// The budget table as the page writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub unit: Option<String>,
    /// The header of each amount column.
    pub series: Vec<String>,
    /// Each row's label and its amount per series.
    pub rows: Vec<(String, Vec<Amount>)>,
}

fn parse_amount(text: &str) -> Option<Amount> {
    let t = text.trim();
    if matches!(t, "-" | "－" | "―" | "—") {
        return Some(Amount {
            text: t.to_string(),
            value: None,
        });
    }
    let digits = t.strip_prefix('△').unwrap_or(t);
    let grouped = digits.split(',').enumerate().all(|(i, g)| {
        !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()) && (i == 0 || g.len() == 3)
    });
    if !grouped || digits.len() > 24 || t.starts_with('△') {
        // A negative amount (△) has no bar of its own; the table says it.
        return None;
    }
    let value: u64 = digits.replace(',', "").parse().ok()?;
    Some(Amount {
        text: t.to_string(),
        value: Some(value),
    })
}

/// The cells of the first table of a Markdown body, row by row (header first), and the
/// unit named in the text before it.
fn first_table(markdown: &str) -> Option<(Vec<Vec<String>>, Option<String>)> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cell: Option<String> = None;
    let mut in_table = false;
    let mut unit = None;
    let mut before = String::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(_)) => {
                in_table = true;
                unit = unit_in(&before);
            }
            Event::End(TagEnd::Table) => return Some((rows, unit)),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) if in_table => {
                rows.push(Vec::new())
            }
            Event::Start(Tag::TableCell) if in_table => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) if in_table => {
                if let (Some(row), Some(c)) = (rows.last_mut(), cell.take()) {
                    row.push(c.trim().to_string());
                }
            }
            Event::Text(t) | Event::Code(t) => match cell.as_mut() {
                Some(c) => c.push_str(&t),
                None if !in_table => before.push_str(&t),
                None => {}
            },
            Event::Start(Tag::Paragraph) | Event::Start(Tag::Heading { .. }) if !in_table => {
                before.clear()
            }
            _ => {}
        }
    }
    None
}

fn unit_in(text: &str) -> Option<String> {
    let rest = text
        .split("単位：")
        .nth(1)
        .or_else(|| text.split("単位:").nth(1))?;
    let unit: String = rest
        .chars()
        .take_while(|c| !matches!(c, '）' | ')' | '、' | '。'))
        .collect();
    let unit = unit.trim().to_string();
    (!unit.is_empty() && unit.chars().count() <= 8).then_some(unit)
}

/// The budget of a page's body, when its first table has amount columns.
pub fn read(markdown: &str) -> Option<Budget> {
    let (rows, unit) = first_table(markdown)?;
    let (header, body) = rows.split_first()?;
    let width = header.len();
    let columns: Vec<usize> = (1..width)
        .filter(|&c| {
            let cells: Vec<&str> = body
                .iter()
                .map(|r| r.get(c).map_or("", String::as_str))
                .collect();
            cells
                .iter()
                .all(|t| t.is_empty() || parse_amount(t).is_some())
                && cells
                    .iter()
                    .any(|t| parse_amount(t).is_some_and(|a| a.value.is_some()))
        })
        .collect();
    if columns.is_empty() || body.is_empty() {
        return None;
    }
    Some(Budget {
        unit,
        series: columns.iter().map(|&c| header[c].clone()).collect(),
        rows: body
            .iter()
            .map(|r| {
                let label = r.first().cloned().unwrap_or_default();
                let amounts = columns
                    .iter()
                    .map(|&c| {
                        let t = r.get(c).map_or("", String::as_str);
                        parse_amount(t).unwrap_or(Amount {
                            text: t.to_string(),
                            value: None,
                        })
                    })
                    .collect();
                (label, amounts)
            })
            .collect(),
    })
}

/// Bar classes by series: hollow, solid, then hatched-looking dashes, in that order,
/// so series differ in print without colour.
const SERIES: [&str; 3] = ["bar series-0", "bar series-1", "bar series-2"];

/// Lays the chart out: a row per item, a bar per series, the amount after each bar.
pub fn draw(b: &Budget, id: &str, title: &str) -> Drawing {
    let unit = b.unit.clone().unwrap_or_default();
    let total = b.rows.first();
    let total_text = total
        .map(|(label, amounts)| {
            let parts: Vec<String> = b
                .series
                .iter()
                .zip(amounts)
                .map(|(s, a)| format!("{s} {}{unit}", a.text))
                .collect();
            format!("合計（{label}）は{}。", parts.join("、"))
        })
        .unwrap_or_default();
    let mut d = Drawing::new(
        id.to_string(),
        "pic-budget",
        format!("{title}（棒グラフ）"),
        format!(
            "{}項目の予算額を{}ごとに棒の長さで示した図。{total_text}同じ内容を表で示す。",
            b.rows.len(),
            b.series.join("と")
        ),
    );
    let max = b
        .rows
        .iter()
        .flat_map(|(_, a)| a.iter().filter_map(|a| a.value))
        .max()
        .unwrap_or(1)
        .max(1) as f32;
    let labels: Vec<Vec<String>> = b
        .rows
        .iter()
        .map(|(l, _)| measure::wrap(l, SIZE, LABEL_MAX))
        .collect();
    let x0 = MARGIN + 2.0;
    let mut y = MARGIN;
    if !unit.is_empty() {
        let t = TextBox::one(MARGIN, y, &format!("（単位：{unit}）"), AMOUNT_SIZE, "ink");
        y += t.height() + 4.0;
        d.push(Layer::Frame, Shape::Text(t));
    }
    let n = b.series.len() as f32;
    for (r, ((_, amounts), lines)) in b.rows.iter().zip(&labels).enumerate() {
        let text = TextBox::new(
            MARGIN,
            y + 4.0,
            lines.clone(),
            SIZE,
            if r == 0 { "ink strong" } else { "ink" },
        );
        let bars_top = y + 4.0 + text.height() + 2.0;
        d.push(Layer::Data, Shape::Text(text));
        for (s, a) in amounts.iter().enumerate() {
            let by = bars_top + s as f32 * BAR_STEP + (BAR_STEP - BAR_H) / 2.0;
            let len = a.value.map_or(0.0, |v| (v as f32 / max * BAR_LEN).max(1.0));
            if a.value.is_some() {
                d.push(
                    Layer::Data,
                    Shape::Rect {
                        x: x0,
                        y: by,
                        w: len,
                        h: BAR_H,
                        class: SERIES[s % SERIES.len()],
                    },
                );
            }
            let line_h = AMOUNT_SIZE * 1.35;
            d.push(
                Layer::Data,
                Shape::Text(TextBox::one(
                    x0 + len + 5.0,
                    by + BAR_H / 2.0 - line_h / 2.0,
                    &a.text,
                    AMOUNT_SIZE,
                    "ink",
                )),
            );
        }
        let bars_bottom = bars_top + n * BAR_STEP;
        d.push(
            Layer::Frame,
            Shape::Line {
                x1: x0,
                y1: bars_top,
                x2: x0,
                y2: bars_bottom,
                class: "axis",
            },
        );
        y = (bars_bottom + 4.0).ceil();
        d.push(
            Layer::Frame,
            Shape::Line {
                x1: MARGIN,
                y1: y,
                x2: x0 + BAR_LEN + 80.0,
                y2: y,
                class: if r == 0 { "axis" } else { "grid" },
            },
        );
    }
    let entries = b
        .series
        .iter()
        .enumerate()
        .map(|(s, name)| LegendEntry {
            swatch: vec![Shape::Rect {
                x: 0.0,
                y: 3.0,
                w: 16.0,
                h: 10.0,
                class: SERIES[s % SERIES.len()],
            }],
            text: name.clone(),
        })
        .chain(std::iter::once(LegendEntry {
            swatch: Vec::new(),
            text: "先頭の行（太字）が合計".into(),
        }))
        .collect();
    let right = x0 + BAR_LEN + 80.0;
    legend(&mut d, MARGIN, y + 8.0, right, entries);
    d.fit();
    d
}

/// The chart of a free page tagged `予算` whose first table is a budget.
pub fn of_page(item: &Item) -> Option<Drawing> {
    let tagged = item.kind == Kind::Page && item.common.tags.iter().any(|t| t.value.trim() == TAG);
    if !tagged {
        return None;
    }
    let budget = read(item.source.body())?;
    Some(draw(
        &budget,
        &format!("pic-budget-{}", item.id),
        &item.common.title,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_columns_are_read_and_other_columns_left_out() {
        let md = "（単位：千円）\n\n| | 前年度 | 本年度 | 比 |\n|---|--:|--:|--:|\n| 合計 | 1,000 | 1,200 | 200（20％） |\n| 内訳 | - | 1,200 | |\n";
        let b = read(md).expect("a budget");
        assert_eq!(b.unit.as_deref(), Some("千円"));
        assert_eq!(b.series, vec!["前年度", "本年度"]);
        assert_eq!(b.rows[1].1[0].value, None);
        assert_eq!(b.rows[0].1[1].text, "1,200");
    }

    #[test]
    fn a_table_of_words_is_no_budget() {
        assert_eq!(read("| a | b |\n|---|---|\n| x | y |\n"), None);
        assert_eq!(read("no table"), None);
    }
}
