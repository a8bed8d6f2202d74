//! Pictures drawn at build time as inline SVG: roadmap timelines, the year at a glance
//! of the schedule, survey routes and the budget. Each kind lays its data out as a
//! [`Drawing`] (shapes and text boxes in user units), which is then written as SVG;
//! the layout is a value so tests can check it (no text box overlaps another or leaves
//! the view box). Every picture is also on its page as a table: the SVG is `role="img"`
//! named by its `<title>` and `<desc>`, and nothing is only in the picture.
//!
//! Styling is by class only (the pages' CSP forbids `style` attributes): the theme's
//! stylesheet colours `.pic` drawings for light, dark and black-and-white print, and
//! tells done from planned by fill and shape, never by colour alone.

pub mod budget;
pub mod measure;
pub mod route;
pub mod svg;
pub mod timeline;
pub mod year;

use crate::calendar::Date;
use crate::content::{Content, Details, Item, Kind};
use std::collections::BTreeMap;
use svg::Writer;

/// Every picture the site's pages show, drafts included: what the layout tests check.
pub fn of_site(content: &Content, today: Date) -> Vec<Drawing> {
    let mut all = Vec::new();
    let mut programs: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    for item in &content.items {
        match &item.details {
            Details::Roadmap { program, .. } => {
                all.extend(timeline::of_item(item, today));
                programs.entry(program).or_default().push(item);
            }
            Details::Survey { routes, .. } => {
                for (n, r) in routes.iter().enumerate() {
                    for dir in [route::Direction::Across, route::Direction::Down] {
                        all.extend(route::of_survey(item, n, r, dir));
                    }
                }
            }
            Details::Page { .. } if item.kind == Kind::Page => all.extend(budget::of_page(item)),
            _ => {}
        }
    }
    for (program, items) in programs {
        let title = content
            .site
            .programs
            .get(program)
            .map_or(program, String::as_str);
        all.extend(timeline::of_program(program, title, &items, today));
    }
    all.extend(content.schedules.iter().filter_map(year::draw));
    all
}

/// Spacing around the edges of every drawing.
pub const MARGIN: f32 = 8.0;

/// A text box: its lines set from `(x, y)`, the top-left corner, `size` units high
/// each, `line_height` apart.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub x: f32,
    pub y: f32,
    pub lines: Vec<String>,
    pub size: f32,
    pub line_height: f32,
    pub class: &'static str,
}

impl TextBox {
    pub fn new(x: f32, y: f32, lines: Vec<String>, size: f32, class: &'static str) -> TextBox {
        TextBox {
            x,
            y,
            lines,
            size,
            line_height: size * 1.35,
            class,
        }
    }

    pub fn one(x: f32, y: f32, text: &str, size: f32, class: &'static str) -> TextBox {
        TextBox::new(x, y, vec![text.to_string()], size, class)
    }

    pub fn width(&self) -> f32 {
        self.lines
            .iter()
            .map(|l| measure::width(l, self.size))
            .fold(0.0, f32::max)
    }

    pub fn height(&self) -> f32 {
        self.lines.len() as f32 * self.line_height
    }

    /// `(left, top, right, bottom)`.
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        (
            self.x,
            self.y,
            self.x + self.width(),
            self.y + self.height(),
        )
    }
}

/// What a drawing is made of. Classes name the theme's styles (`.pic .ink`, ...).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        class: &'static str,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        class: &'static str,
    },
    Circle {
        cx: f32,
        cy: f32,
        r: f32,
        class: &'static str,
    },
    /// A closed polygon (diamonds, arrowheads).
    Polygon {
        points: Vec<(f32, f32)>,
        class: &'static str,
    },
    Text(TextBox),
}

/// Which part of a drawing a shape belongs to: the data, or the frame around it (axis
/// labels, legend), which the fallback table need not repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Frame,
    Data,
    Legend,
}

/// A picture laid out, ready to be written as SVG.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    /// Unique on its page, derived from the ids of what it shows.
    pub id: String,
    /// The kind, as a class: `pic-timeline`, `pic-year`, `pic-route`, `pic-budget`.
    pub class: String,
    pub title: String,
    pub desc: String,
    pub width: f32,
    pub height: f32,
    pub shapes: Vec<(Layer, Shape)>,
}

impl Drawing {
    pub fn new(id: String, class: &str, title: String, desc: String) -> Drawing {
        Drawing {
            id,
            class: class.to_string(),
            title,
            desc,
            width: 0.0,
            height: 0.0,
            shapes: Vec::new(),
        }
    }

    pub fn push(&mut self, layer: Layer, shape: Shape) {
        self.shapes.push((layer, shape));
    }

    /// The frame both time charts share: a grid line at each column edge from `top` to
    /// `bottom`, starting at `x0`, and the axis along the top up to `right`.
    pub fn column_grid(
        &mut self,
        x0: f32,
        columns: usize,
        col_w: f32,
        (top, bottom): (f32, f32),
        right: f32,
    ) {
        for n in 0..=columns {
            let x = x0 + n as f32 * col_w;
            self.push(
                Layer::Frame,
                Shape::Line {
                    x1: x,
                    y1: top,
                    x2: x,
                    y2: bottom,
                    class: "grid",
                },
            );
        }
        self.push(
            Layer::Frame,
            Shape::Line {
                x1: MARGIN,
                y1: top,
                x2: right,
                y2: top,
                class: "axis",
            },
        );
    }

    pub fn text_boxes(&self) -> impl Iterator<Item = &TextBox> {
        self.shapes.iter().filter_map(|(_, s)| match s {
            Shape::Text(t) => Some(t),
            _ => None,
        })
    }

    /// The text of the data layer: what the fallback table must also say.
    pub fn data_texts(&self) -> Vec<String> {
        self.shapes
            .iter()
            .filter_map(|(layer, s)| match (layer, s) {
                (Layer::Data, Shape::Text(t)) => Some(t.lines.concat()),
                _ => None,
            })
            .collect()
    }

    /// Grows the drawing to hold every shape plus the margin.
    pub fn fit(&mut self) {
        let (mut right, mut bottom) = (self.width, self.height);
        for (_, s) in &self.shapes {
            let (r, b) = match s {
                Shape::Rect { x, y, w, h, .. } => (x + w, y + h),
                Shape::Line { x1, y1, x2, y2, .. } => (x1.max(*x2), y1.max(*y2)),
                Shape::Circle { cx, cy, r, .. } => (cx + r, cy + r),
                Shape::Polygon { points, .. } => points
                    .iter()
                    .fold((0.0f32, 0.0f32), |(a, b), p| (a.max(p.0), b.max(p.1))),
                Shape::Text(t) => {
                    let (_, _, r, b) = t.bounds();
                    (r, b)
                }
            };
            right = right.max(r + MARGIN);
            bottom = bottom.max(b + MARGIN);
        }
        self.width = right.ceil();
        self.height = bottom.ceil();
    }

    /// The drawing as inline SVG, named by its title and description.
    pub fn to_svg(&self) -> String {
        let mut w = Writer::default();
        let title_id = format!("{}-title", self.id);
        let desc_id = format!("{}-desc", self.id);
        let class = format!("pic {}", self.class);
        let view_box = format!("0 0 {} {}", svg::num(self.width), svg::num(self.height));
        let labelled = format!("{title_id} {desc_id}");
        w.open(
            "svg",
            &[
                ("xmlns", "http://www.w3.org/2000/svg".into()),
                ("id", (&self.id).into()),
                ("class", (&class).into()),
                ("viewBox", (&view_box).into()),
                ("width", self.width.into()),
                ("height", self.height.into()),
                ("role", "img".into()),
                ("aria-labelledby", (&labelled).into()),
            ],
        );
        w.newline();
        w.leaf("title", &[("id", (&title_id).into())], &self.title);
        w.newline();
        w.leaf("desc", &[("id", (&desc_id).into())], &self.desc);
        w.newline();
        for layer in [Layer::Frame, Layer::Data, Layer::Legend] {
            let group = match layer {
                Layer::Frame => "frame",
                Layer::Data => "data",
                Layer::Legend => "legend",
            };
            if !self.shapes.iter().any(|(l, _)| *l == layer) {
                continue;
            }
            w.open("g", &[("class", group.into())]);
            w.newline();
            for (_, shape) in self.shapes.iter().filter(|(l, _)| *l == layer) {
                write_shape(&mut w, shape);
                w.newline();
            }
            w.close("g");
            w.newline();
        }
        w.close("svg");
        w.finish()
    }
}

fn write_shape(w: &mut Writer, shape: &Shape) {
    match shape {
        Shape::Rect {
            x,
            y,
            w: wd,
            h,
            class,
        } => w.empty(
            "rect",
            &[
                ("class", (*class).into()),
                ("x", (*x).into()),
                ("y", (*y).into()),
                ("width", (*wd).into()),
                ("height", (*h).into()),
            ],
        ),
        Shape::Line {
            x1,
            y1,
            x2,
            y2,
            class,
        } => w.empty(
            "line",
            &[
                ("class", (*class).into()),
                ("x1", (*x1).into()),
                ("y1", (*y1).into()),
                ("x2", (*x2).into()),
                ("y2", (*y2).into()),
            ],
        ),
        Shape::Circle { cx, cy, r, class } => w.empty(
            "circle",
            &[
                ("class", (*class).into()),
                ("cx", (*cx).into()),
                ("cy", (*cy).into()),
                ("r", (*r).into()),
            ],
        ),
        Shape::Polygon { points, class } => {
            let pts: Vec<String> = points
                .iter()
                .map(|(x, y)| format!("{},{}", svg::num(*x), svg::num(*y)))
                .collect();
            let pts = pts.join(" ");
            w.empty(
                "polygon",
                &[("class", (*class).into()), ("points", (&pts).into())],
            );
        }
        Shape::Text(t) => {
            for (n, line) in t.lines.iter().enumerate() {
                // The baseline sits at 0.88 em below the top of the line box, where the
                // site's Japanese fonts put it.
                let y =
                    t.y + n as f32 * t.line_height + (t.line_height - t.size) / 2.0 + t.size * 0.88;
                w.leaf(
                    "text",
                    &[
                        ("class", t.class.into()),
                        ("x", t.x.into()),
                        ("y", y.into()),
                        ("font-size", t.size.into()),
                    ],
                    line,
                );
            }
        }
    }
}

/// One entry of a legend: a swatch drawn by the caller's function at `(x, y)` in a
/// 16×16 box, and its text.
pub struct LegendEntry {
    pub swatch: Vec<Shape>,
    pub text: String,
}

pub const LEGEND_SIZE: f32 = 12.0;

/// Lays entries out left to right from `(x, y)`, wrapping before `right`; returns the
/// bottom of the legend. Swatches are given relative to a 16×16 box at the origin.
pub fn legend(d: &mut Drawing, x: f32, y: f32, right: f32, entries: Vec<LegendEntry>) -> f32 {
    let row_h = 20.0;
    let (mut cx, mut cy) = (x, y);
    for entry in entries {
        let text_w = measure::width(&entry.text, LEGEND_SIZE);
        let w = 16.0 + 6.0 + text_w;
        if cx > x && cx + w > right {
            cx = x;
            cy += row_h;
        }
        for s in entry.swatch {
            d.push(Layer::Legend, offset(s, cx, cy + 2.0));
        }
        let line_h = LEGEND_SIZE * 1.35;
        d.push(
            Layer::Legend,
            Shape::Text(TextBox::one(
                cx + 22.0,
                cy + 10.0 - line_h / 2.0,
                &entry.text,
                LEGEND_SIZE,
                "ink",
            )),
        );
        cx += w + 18.0;
    }
    cy + row_h
}

/// `shape` moved by `(dx, dy)`.
pub fn offset(shape: Shape, dx: f32, dy: f32) -> Shape {
    match shape {
        Shape::Rect { x, y, w, h, class } => Shape::Rect {
            x: x + dx,
            y: y + dy,
            w,
            h,
            class,
        },
        Shape::Line {
            x1,
            y1,
            x2,
            y2,
            class,
        } => Shape::Line {
            x1: x1 + dx,
            y1: y1 + dy,
            x2: x2 + dx,
            y2: y2 + dy,
            class,
        },
        Shape::Circle { cx, cy, r, class } => Shape::Circle {
            cx: cx + dx,
            cy: cy + dy,
            r,
            class,
        },
        Shape::Polygon { points, class } => Shape::Polygon {
            points: points.into_iter().map(|(x, y)| (x + dx, y + dy)).collect(),
            class,
        },
        Shape::Text(mut t) => {
            t.x += dx;
            t.y += dy;
            Shape::Text(t)
        }
    }
}

/// Whether two text boxes share any area (touching edges do not count).
pub fn overlaps(a: &TextBox, b: &TextBox) -> bool {
    let (al, at, ar, ab) = a.bounds();
    let (bl, bt, br, bb) = b.bounds();
    al < br - 0.01 && bl < ar - 0.01 && at < bb - 0.01 && bt < ab - 0.01
}

/// What the layout test checks: pairs of text boxes that overlap, and boxes that leave
/// the view box.
pub fn layout_problems(d: &Drawing) -> Vec<String> {
    let boxes: Vec<&TextBox> = d.text_boxes().collect();
    let mut problems = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        let (l, t, r, b) = a.bounds();
        if l < 0.0 || t < 0.0 || r > d.width || b > d.height {
            problems.push(format!(
                "{}: `{}` leaves the view box 0 0 {} {} ({l} {t} {r} {b})",
                d.id,
                a.lines.concat(),
                d.width,
                d.height
            ));
        }
        for other in &boxes[i + 1..] {
            if overlaps(a, other) {
                problems.push(format!(
                    "{}: `{}` overlaps `{}`",
                    d.id,
                    a.lines.concat(),
                    other.lines.concat()
                ));
            }
        }
    }
    problems
}

/// An id part made from free text: ASCII letters and digits kept, anything else as
/// its code point, so ids stay valid, unique and stable.
pub fn id_part(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push_str(&format!("u{:x}", c as u32));
        }
    }
    out
}

/// The drawing in a box that scrolls sideways on its own when the screen is narrower
/// than the drawing, so the page never does; named for keyboard and screen-reader
/// users, who can focus it to scroll.
pub fn scroll_box(d: &Drawing) -> String {
    format!(
        "<div class=\"pic-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"図：{}\">{}</div>",
        crate::text::escape_html(&d.title),
        d.to_svg()
    )
}
