//! Roadmap timelines: fiscal years as columns labelled in 令和 and 西暦, one lane per
//! roadmap item (on a program's list) or per milestone (on an item's page), milestones
//! as marks (a month) or bars (a span, a whole fiscal year), a line at `--today`.
//! Done is filled, planned is hollow, no state is a diamond; a date read from a
//! figure's layout rather than stated gets a dashed ring.

use super::{legend, measure, Drawing, Layer, LegendEntry, Shape, TextBox, MARGIN};
use crate::calendar::{fiscal_year_label, Date, FiscalPoint};
use crate::content::{Basis, Details, Item, Milestone, MilestoneState};

const LABEL_SIZE: f32 = 13.0;
const LABEL_MAX: f32 = 14.0 * LABEL_SIZE;
const AXIS_SIZE: f32 = 12.0;
const ROW_H: f32 = 20.0;
const LANE_PAD: f32 = 6.0;
const MIN_CHART: f32 = 360.0;

/// Whether a milestone's date was read from a figure rather than stated in words.
pub fn is_reading(m: &Milestone) -> bool {
    m.basis == Basis::Read
}

/// One milestone to draw.
#[derive(Debug, Clone)]
pub struct Mark {
    pub start: FiscalPoint,
    pub end: Option<FiscalPoint>,
    pub state: Option<MilestoneState>,
    pub reading: bool,
}

impl Mark {
    pub fn of(m: &Milestone) -> Mark {
        Mark {
            start: m.start,
            end: m.end,
            state: m.state,
            reading: is_reading(m),
        }
    }

    fn first(&self) -> Date {
        self.start.first_day()
    }

    fn last(&self) -> Date {
        self.end.unwrap_or(self.start).last_day()
    }

    /// A single month is a point in time; anything longer is drawn as a bar.
    fn is_point(&self) -> bool {
        self.end.is_none() && matches!(self.start, FiscalPoint::Month(_))
    }
}

/// One lane: its label (data, repeated in the table) and its marks.
#[derive(Debug, Clone)]
pub struct Lane {
    pub label: String,
    pub marks: Vec<Mark>,
}

/// What a timeline shows.
pub struct Timeline {
    /// The drawing's id (from the item's or program's id).
    pub id: String,
    pub title: String,
    pub lanes: Vec<Lane>,
    pub today: Date,
}

/// The fiscal-year axis: where a day falls.
struct Axis {
    x0: f32,
    fy0: i32,
    col_w: f32,
}

impl Axis {
    fn x(&self, d: Date) -> f32 {
        let months = (d.month + 12 - 4) % 12;
        let dim = d.year_month().days_in_month().max(1) as f32;
        let frac = (months as f32 + (d.day - 1) as f32 / dim) / 12.0;
        self.x0 + ((d.fiscal_year() - self.fy0) as f32 + frac) * self.col_w
    }

    /// The end of a day: where the next one starts.
    fn x_end(&self, d: Date) -> f32 {
        self.x(d.succ())
    }
}

fn axis_labels(fy: i32) -> [String; 2] {
    [fiscal_year_label(fy), format!("{fy}年度")]
}

/// Lays the timeline out; `None` when no lane has a mark.
pub fn draw(t: &Timeline) -> Option<Drawing> {
    let marks = t.lanes.iter().flat_map(|l| &l.marks);
    let fy0 = marks.clone().map(|m| m.first().fiscal_year()).min()?;
    let fy1 = marks.clone().map(|m| m.last().fiscal_year()).max()?;
    let years = (fy1 - fy0 + 1) as f32;
    let widest_axis = (fy0..=fy1)
        .flat_map(axis_labels)
        .map(|l| measure::width(&l, AXIS_SIZE))
        .fold(0.0, f32::max);
    let col_w = (widest_axis + 16.0).max(MIN_CHART / years).ceil();
    let (labels, label_w) = measure::label_column(
        t.lanes.iter().map(|l| l.label.as_str()),
        LABEL_SIZE,
        LABEL_MAX,
    );
    let axis = Axis {
        x0: (MARGIN + label_w + 12.0).ceil(),
        fy0,
        col_w,
    };
    let chart_right = axis.x0 + years * col_w;
    let range = format!(
        "{}（{}年度）から{}（{}年度）まで",
        fiscal_year_label(fy0),
        fy0,
        fiscal_year_label(fy1),
        fy1
    );
    let mut d = Drawing::new(
        t.id.clone(),
        "pic-timeline",
        t.title.clone(),
        format!(
            "{range}の年度を横軸に、{}行に分けて工程を帯（期間）と印（時点）で示した図。塗りつぶしは実施済み、白抜きは予定。同じ内容を表でも示す。",
            t.lanes.len()
        ),
    );

    // Header: each fiscal year in 令和 and 西暦.
    let header_h = 2.0 * AXIS_SIZE * 1.35 + 6.0;
    for fy in fy0..=fy1 {
        let left = axis.x0 + (fy - fy0) as f32 * col_w;
        let cx = left + col_w / 2.0;
        for (n, label) in axis_labels(fy).iter().enumerate() {
            let w = measure::width(label, AXIS_SIZE);
            d.push(
                Layer::Frame,
                Shape::Text(TextBox::one(
                    cx - w / 2.0,
                    MARGIN + n as f32 * AXIS_SIZE * 1.35,
                    label,
                    AXIS_SIZE,
                    if n == 0 { "ink strong" } else { "ink" },
                )),
            );
        }
    }
    let top = MARGIN + header_h;

    // Lanes.
    let mut y = top;
    for (lane, lines) in t.lanes.iter().zip(&labels) {
        let rows = pack(&axis, &lane.marks);
        let n_rows = rows.iter().copied().max().map_or(1, |r| r + 1);
        let text = TextBox::new(MARGIN, y + LANE_PAD, lines.clone(), LABEL_SIZE, "ink");
        let lane_h = (text.height().max(n_rows as f32 * ROW_H) + 2.0 * LANE_PAD).ceil();
        d.push(Layer::Data, Shape::Text(text));
        for (mark, row) in lane.marks.iter().zip(rows) {
            let cy = y + LANE_PAD + row as f32 * ROW_H + ROW_H / 2.0;
            draw_mark(&mut d, &axis, mark, cy);
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
    let years = usize::try_from(fy1 - fy0 + 1).unwrap_or(0);
    d.column_grid(axis.x0, years, col_w, (top, bottom), chart_right);

    // The day the build counts from, when it falls within the years shown.
    let mut y = bottom + 4.0;
    let today_shown = (fy0..=fy1).contains(&t.today.fiscal_year());
    if today_shown {
        let x = axis.x(t.today);
        d.push(
            Layer::Frame,
            Shape::Line {
                x1: x,
                y1: top - 4.0,
                x2: x,
                y2: bottom + 2.0,
                class: "today",
            },
        );
        let label = format!("基準日 {}", t.today.japanese());
        let w = measure::width(&label, AXIS_SIZE);
        let left = (x - w / 2.0).clamp(MARGIN, (chart_right - w).max(MARGIN));
        let tb = TextBox::one(left, y, &label, AXIS_SIZE, "ink");
        y += tb.height();
        d.push(Layer::Frame, Shape::Text(tb));
    }

    let all: Vec<&Mark> = t.lanes.iter().flat_map(|l| &l.marks).collect();
    let mut entries = vec![
        LegendEntry {
            swatch: swatch(Some(MilestoneState::Done)),
            text: "実施済み".into(),
        },
        LegendEntry {
            swatch: swatch(Some(MilestoneState::Planned)),
            text: "予定".into(),
        },
    ];
    if all.iter().any(|m| m.state.is_none()) {
        entries.push(LegendEntry {
            swatch: swatch(None),
            text: "状態の記載なし".into(),
        });
    }
    if all.iter().any(|m| m.reading) {
        entries.push(LegendEntry {
            swatch: vec![Shape::Circle {
                cx: 8.0,
                cy: 8.0,
                r: 7.0,
                class: "reading",
            }],
            text: "点線の囲み：読み取り（時期は図の配置から読み取ったもの）".into(),
        });
    }
    if today_shown {
        entries.push(LegendEntry {
            swatch: vec![Shape::Line {
                x1: 8.0,
                y1: 0.0,
                x2: 8.0,
                y2: 16.0,
                class: "today",
            }],
            text: "基準日".into(),
        });
    }
    let right = chart_right.max(MARGIN + 360.0);
    legend(&mut d, MARGIN, y + 6.0, right, entries);
    d.width = chart_right + MARGIN;
    d.fit();
    Some(d)
}

/// Rows within a lane so that no two marks of it cover each other.
fn pack(axis: &Axis, marks: &[Mark]) -> Vec<usize> {
    let mut ends: Vec<f32> = Vec::new();
    let mut order: Vec<usize> = (0..marks.len()).collect();
    order.sort_by_key(|&i| (marks[i].first(), i));
    let mut rows = vec![0; marks.len()];
    for i in order {
        let (a, b) = extent(axis, &marks[i]);
        let row = match ends.iter().position(|&e| e <= a) {
            Some(r) => r,
            None => {
                ends.push(f32::MIN);
                ends.len() - 1
            }
        };
        ends[row] = b + 2.0;
        rows[i] = row;
    }
    rows
}

fn extent(axis: &Axis, m: &Mark) -> (f32, f32) {
    if m.is_point() {
        let x = mid_month(axis, m.first());
        (x - 8.0, x + 8.0)
    } else {
        (axis.x(m.first()) - 3.0, axis.x_end(m.last()) + 3.0)
    }
}

fn mid_month(axis: &Axis, first: Date) -> f32 {
    let ym = first.year_month();
    (axis.x(ym.first_day()) + axis.x_end(ym.last_day())) / 2.0
}

fn state_class(state: Option<MilestoneState>) -> &'static str {
    match state {
        Some(MilestoneState::Done) => "done",
        Some(MilestoneState::Planned) => "planned",
        None => "unknown",
    }
}

fn point_shape(cx: f32, cy: f32, state: Option<MilestoneState>) -> Shape {
    match state {
        Some(MilestoneState::Done) => Shape::Circle {
            cx,
            cy,
            r: 5.5,
            class: "mark done",
        },
        Some(MilestoneState::Planned) => Shape::Circle {
            cx,
            cy,
            r: 5.0,
            class: "mark planned",
        },
        None => Shape::Polygon {
            points: vec![
                (cx, cy - 6.0),
                (cx + 6.0, cy),
                (cx, cy + 6.0),
                (cx - 6.0, cy),
            ],
            class: "mark unknown",
        },
    }
}

fn bar_class(state: Option<MilestoneState>) -> &'static str {
    match state_class(state) {
        "done" => "bar done",
        "planned" => "bar planned",
        _ => "bar unknown",
    }
}

fn draw_mark(d: &mut Drawing, axis: &Axis, m: &Mark, cy: f32) {
    if m.is_point() {
        let cx = mid_month(axis, m.first());
        d.push(Layer::Data, point_shape(cx, cy, m.state));
        if m.reading {
            d.push(
                Layer::Data,
                Shape::Circle {
                    cx,
                    cy,
                    r: 8.5,
                    class: "reading",
                },
            );
        }
    } else {
        let (x1, x2) = (axis.x(m.first()), axis.x_end(m.last()));
        d.push(
            Layer::Data,
            Shape::Rect {
                x: x1 + 1.0,
                y: cy - 5.0,
                w: (x2 - x1 - 2.0).max(2.0),
                h: 10.0,
                class: bar_class(m.state),
            },
        );
        if m.reading {
            d.push(
                Layer::Data,
                Shape::Rect {
                    x: x1 - 2.0,
                    y: cy - 8.0,
                    w: x2 - x1 + 4.0,
                    h: 16.0,
                    class: "reading",
                },
            );
        }
    }
}

fn swatch(state: Option<MilestoneState>) -> Vec<Shape> {
    vec![point_shape(8.0, 8.0, state)]
}

/// A roadmap item's timeline: one lane per milestone, labelled with it.
pub fn of_item(item: &Item, today: Date) -> Option<Drawing> {
    let Details::Roadmap { milestones, .. } = &item.details else {
        return None;
    };
    draw(&Timeline {
        id: format!("pic-tl-{}", item.id),
        title: format!("{}の工程（年度ごとの時間軸）", item.common.title),
        lanes: milestones
            .iter()
            .map(|m| Lane {
                label: m.label.clone(),
                marks: vec![Mark::of(m)],
            })
            .collect(),
        today,
    })
}

/// How a roadmap item is named in its program's timeline and table: "① 健康保険証".
pub fn lane_name(item: &Item) -> String {
    match &item.details {
        Details::Roadmap {
            number: Some(n), ..
        } => format!("{n} {}", item.common.title),
        _ => item.common.title.clone(),
    }
}

/// A program's timeline: one lane per item, in the order given.
pub fn of_program(program: &str, title: &str, items: &[&Item], today: Date) -> Option<Drawing> {
    let lanes = items
        .iter()
        .filter_map(|item| match &item.details {
            Details::Roadmap { milestones, .. } => Some(Lane {
                label: lane_name(item),
                marks: milestones.iter().map(Mark::of).collect(),
            }),
            _ => None,
        })
        .collect();
    draw(&Timeline {
        id: format!("pic-tl-program-{}", super::id_part(program)),
        title: format!("{title}（年度ごとの時間軸）"),
        lanes,
        today,
    })
}
