//! The year at a glance: the months of a fiscal year (April to March, plus any month an
//! event falls in outside it) as columns, one lane per track of the schedule, each event
//! as a bar over the days it covers (a month, a 旬, a span) or a dot for a single day,
//! with its title beside it. Events for which local governments are asked to cooperate
//! (協力依頼) are filled and bold; the others hollow.

use super::{legend, measure, Drawing, Layer, LegendEntry, Shape, TextBox, MARGIN};
use crate::calendar::{era_year, fiscal_year_label, ja_number, Date, YearMonth};
use crate::content::{Cooperation, Event, Schedule};

const TRACK_SIZE: f32 = 13.0;
const TRACK_MAX: f32 = 8.0 * TRACK_SIZE;
const AXIS_SIZE: f32 = 12.0;
const EVENT_SIZE: f32 = 11.0;
const ROW_H: f32 = 18.0;
const LANE_PAD: f32 = 6.0;
const GAP: f32 = 4.0;

/// Whether local governments are asked to cooperate; unknown is not "no", and only a
/// stated request is marked.
pub fn cooperation_requested(e: &Event) -> bool {
    e.local_government == Cooperation::Requested
}

fn months_of(schedule: &Schedule) -> Vec<YearMonth> {
    let fy = schedule.fiscal_year;
    let mut first = YearMonth { year: fy, month: 4 };
    let mut last = YearMonth {
        year: fy + 1,
        month: 3,
    };
    for e in &schedule.events {
        first = first.min(e.when.first_day().year_month());
        last = last.max(e.when.last_day().year_month());
    }
    let mut months = Vec::new();
    let mut m = first;
    while m <= last && months.len() < 240 {
        months.push(m);
        m = if m.month == 12 {
            YearMonth {
                year: m.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: m.year,
                month: m.month + 1,
            }
        };
    }
    months
}

struct Axis {
    x0: f32,
    col_w: f32,
    first: YearMonth,
}

impl Axis {
    fn index(&self, ym: YearMonth) -> f32 {
        ((ym.year - self.first.year) * 12 + ym.month as i32 - self.first.month as i32) as f32
    }

    fn x(&self, d: Date) -> f32 {
        let ym = d.year_month();
        let dim = ym.days_in_month().max(1) as f32;
        self.x0 + (self.index(ym) + (d.day - 1) as f32 / dim) * self.col_w
    }

    fn x_end(&self, d: Date) -> f32 {
        self.x(d.succ())
    }
}

/// One event placed in a lane: its mark and its label, on a row of the lane.
struct Placed<'a> {
    event: &'a Event,
    x1: f32,
    x2: f32,
    label_x: f32,
    label_w: f32,
}

impl Placed<'_> {
    fn lo(&self) -> f32 {
        self.x1.min(self.label_x)
    }

    fn hi(&self) -> f32 {
        self.x2.max(self.label_x + self.label_w)
    }
}

/// Lays out the year at a glance of `schedule`; `None` when it has no events.
pub fn draw(schedule: &Schedule) -> Option<Drawing> {
    let id = format!("pic-year-{}", schedule.fiscal_year);
    if schedule.events.is_empty() || schedule.tracks.is_empty() {
        return None;
    }
    let months = months_of(schedule);
    let year_label = |ym: &YearMonth| era_year(ym.year, ym.month, 1);
    let month_label = |ym: &YearMonth| format!("{}月", ja_number(ym.month));
    let widest = months
        .iter()
        .flat_map(|m| [year_label(m), month_label(m)])
        .map(|l| measure::width(&l, AXIS_SIZE))
        .fold(0.0, f32::max);
    let col_w = (widest + 8.0).max(60.0).ceil();
    let (labels, label_w) = measure::label_column(
        schedule.tracks.iter().map(|t| t.title.as_str()),
        TRACK_SIZE,
        TRACK_MAX,
    );
    let axis = Axis {
        x0: (MARGIN + label_w + 10.0).ceil(),
        col_w,
        first: months[0],
    };
    let chart_right = axis.x0 + months.len() as f32 * col_w;
    let fy_label = fiscal_year_label(schedule.fiscal_year);
    let mut d = Drawing::new(
        id,
        "pic-year",
        format!("{fy_label}の事業計画：年間の予定"),
        format!(
            "{fy_label}（{}年度）の事業計画{}件を、月（上旬・中旬・下旬）を横軸に、分野ごとの行に並べた図。塗りつぶしと太字は地方公共団体に協力を依頼する調査（協力依頼）。同じ内容を下の表で示す。",
            schedule.fiscal_year,
            schedule.events.len()
        ),
    );

    let line = AXIS_SIZE * 1.35;
    for (n, m) in months.iter().enumerate() {
        let left = axis.x0 + n as f32 * col_w;
        if n == 0 || m.month == 1 {
            d.push(
                Layer::Frame,
                Shape::Text(TextBox::one(
                    left + 3.0,
                    MARGIN,
                    &year_label(m),
                    AXIS_SIZE,
                    "ink strong",
                )),
            );
        }
        let label = month_label(m);
        let w = measure::width(&label, AXIS_SIZE);
        d.push(
            Layer::Frame,
            Shape::Text(TextBox::one(
                left + (col_w - w) / 2.0,
                MARGIN + line,
                &label,
                AXIS_SIZE,
                "ink",
            )),
        );
    }
    let top = MARGIN + 2.0 * line + 6.0;

    let mut y = top;
    for (track, lines) in schedule.tracks.iter().zip(&labels) {
        let events: Vec<&Event> = schedule
            .events
            .iter()
            .filter(|e| e.tracks.iter().any(|t| t.value.trim() == track.id))
            .collect();
        let placed = place(&axis, chart_right, events);
        let rows = pack(&placed);
        let n_rows = rows.iter().copied().max().map_or(1, |r| r + 1);
        let text = TextBox::new(
            MARGIN,
            y + LANE_PAD,
            lines.clone(),
            TRACK_SIZE,
            "ink strong",
        );
        let lane_h = (text.height().max(n_rows as f32 * ROW_H) + 2.0 * LANE_PAD).ceil();
        d.push(Layer::Data, Shape::Text(text));
        for (p, row) in placed.iter().zip(rows) {
            let ry = y + LANE_PAD + row as f32 * ROW_H;
            draw_event(&mut d, p, ry);
        }
        y += lane_h;
        d.push(
            Layer::Frame,
            Shape::Line {
                x1: MARGIN,
                y1: y,
                x2: chart_right,
                y2: y,
                class: "grid",
            },
        );
    }
    let bottom = y;
    d.column_grid(axis.x0, months.len(), col_w, (top, bottom), chart_right);
    let entries = vec![
        LegendEntry {
            swatch: vec![Shape::Rect {
                x: 0.0,
                y: 3.0,
                w: 16.0,
                h: 10.0,
                class: "bar requested",
            }],
            text: "協力依頼（地方公共団体に協力を依頼する調査。名称は太字）".into(),
        },
        LegendEntry {
            swatch: vec![Shape::Rect {
                x: 0.0,
                y: 3.0,
                w: 16.0,
                h: 10.0,
                class: "bar other",
            }],
            // Unknown is not "no": the hollow mark claims nothing about cooperation.
            text: "その他の予定（協力依頼の有無を資料から読み取れないものを含む）".into(),
        },
    ];
    legend(&mut d, MARGIN, bottom + 8.0, chart_right, entries);
    d.width = chart_right + MARGIN;
    d.fit();
    Some(d)
}

/// Puts each label right of its mark, or left of it when the right side has no room.
fn place<'a>(axis: &Axis, right: f32, events: Vec<&'a Event>) -> Vec<Placed<'a>> {
    let mut placed: Vec<Placed> = events
        .into_iter()
        .map(|e| {
            let (mut x1, mut x2) = (axis.x(e.when.first_day()), axis.x_end(e.when.last_day()));
            if x2 - x1 < 9.0 {
                let c = (x1 + x2) / 2.0;
                x1 = c - 4.5;
                x2 = c + 4.5;
            }
            let label_w = measure::width(&e.title, EVENT_SIZE);
            let label_x = if x2 + GAP + label_w > right && x1 - GAP - label_w >= axis.x0 {
                x1 - GAP - label_w
            } else {
                x2 + GAP
            };
            Placed {
                event: e,
                x1,
                x2,
                label_x,
                label_w,
            }
        })
        .collect();
    placed.sort_by(|a, b| a.lo().total_cmp(&b.lo()));
    placed
}

/// First-fit rows: each event on the first row where it clears what is already there.
fn pack(placed: &[Placed]) -> Vec<usize> {
    let mut ends: Vec<f32> = Vec::new();
    placed
        .iter()
        .map(|p| {
            let row = match ends.iter().position(|&e| e <= p.lo()) {
                Some(r) => r,
                None => {
                    ends.push(f32::MIN);
                    ends.len() - 1
                }
            };
            ends[row] = p.hi() + 6.0;
            row
        })
        .collect()
}

fn draw_event(d: &mut Drawing, p: &Placed, ry: f32) {
    let requested = cooperation_requested(p.event);
    let cy = ry + ROW_H / 2.0;
    let class = if requested {
        "bar requested"
    } else {
        "bar other"
    };
    d.push(
        Layer::Data,
        Shape::Rect {
            x: p.x1,
            y: cy - 5.0,
            w: p.x2 - p.x1,
            h: 10.0,
            class,
        },
    );
    let line_h = EVENT_SIZE * 1.35;
    d.push(
        Layer::Data,
        Shape::Text(TextBox::one(
            p.label_x,
            cy - line_h / 2.0,
            &p.event.title,
            EVENT_SIZE,
            if requested { "ink strong" } else { "ink" },
        )),
    );
}
