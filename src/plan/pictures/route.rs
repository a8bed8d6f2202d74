//! Survey routes (調査経路): boxes joined by arrows, from the ministry to the
//! respondents. Drawn twice, left to right for wide screens and top to bottom for
//! narrow ones (the stylesheet shows one); a step with parallel branches is a stack
//! of boxes (side by side when drawn downwards).

use super::{measure, Drawing, Layer, Shape, TextBox, MARGIN};
use crate::content::{Item, Route};

const SIZE: f32 = 14.0;
const PAD_X: f32 = 10.0;
const PAD_Y: f32 = 7.0;
/// Room for an arrow between two steps.
const ARROW_GAP: f32 = 34.0;
const BRANCH_GAP: f32 = 10.0;
/// The narrow drawing fits a 375 px screen without scaling (page margins included).
pub const NARROW_WIDTH: f32 = 330.0;
const WIDE_WRAP: f32 = 9.0 * SIZE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Across,
    Down,
}

struct Node {
    text: TextBox,
    w: f32,
    h: f32,
}

fn node(name: &str, max: f32) -> Node {
    let text = TextBox::new(0.0, 0.0, measure::wrap(name, SIZE, max), SIZE, "ink");
    let w = (text.width() + 2.0 * PAD_X).ceil();
    let h = (text.height() + 2.0 * PAD_Y).ceil();
    Node { text, w, h }
}

/// The route as words, for the drawing's description.
pub fn describe(route: &Route) -> String {
    route
        .path
        .iter()
        .map(|step| match step.len() {
            1 => step[0].clone(),
            _ => format!("{}（並行）", step.join("・")),
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// Lays out one route in one direction; `None` for an empty path.
pub fn draw(route: &Route, title: &str, id: &str, dir: Direction) -> Option<Drawing> {
    if route.path.is_empty() {
        return None;
    }
    let suffix = match dir {
        Direction::Across => "h",
        Direction::Down => "v",
    };
    let mut d = Drawing::new(
        format!("{id}-{suffix}"),
        &format!("pic-route pic-route-{suffix}"),
        title.to_string(),
        format!("調査経路：{}。同じ内容を表でも示す。", describe(route)),
    );
    // Each step's boxes, wrapped to the room they have.
    let steps: Vec<Vec<Node>> = route
        .path
        .iter()
        .map(|step| {
            let n = step.len().max(1) as f32;
            let max = match dir {
                Direction::Across => WIDE_WRAP,
                Direction::Down => {
                    (NARROW_WIDTH - 2.0 * MARGIN - (n - 1.0) * BRANCH_GAP) / n - 2.0 * PAD_X
                }
            };
            step.iter().map(|name| node(name, max.max(SIZE))).collect()
        })
        .collect();
    // Box positions: (x, y) of each box's top-left corner.
    let mut boxes: Vec<Vec<(f32, f32, f32, f32)>> = Vec::new();
    match dir {
        Direction::Across => {
            let height = steps
                .iter()
                .map(|s| {
                    s.iter().map(|n| n.h).sum::<f32>() + BRANCH_GAP * (s.len().max(1) - 1) as f32
                })
                .fold(0.0, f32::max);
            let mut x = MARGIN;
            for s in &steps {
                let col_w = s.iter().map(|n| n.w).fold(0.0, f32::max);
                let total =
                    s.iter().map(|n| n.h).sum::<f32>() + BRANCH_GAP * (s.len().max(1) - 1) as f32;
                let mut y = MARGIN + (height - total) / 2.0;
                let mut col = Vec::new();
                for n in s {
                    col.push((x + (col_w - n.w) / 2.0, y, n.w, n.h));
                    y += n.h + BRANCH_GAP;
                }
                boxes.push(col);
                x += col_w + ARROW_GAP;
            }
        }
        Direction::Down => {
            let width = steps
                .iter()
                .map(|s| {
                    s.iter().map(|n| n.w).sum::<f32>() + BRANCH_GAP * (s.len().max(1) - 1) as f32
                })
                .fold(0.0, f32::max)
                .max(NARROW_WIDTH - 2.0 * MARGIN);
            let mut y = MARGIN;
            for s in &steps {
                let row_h = s.iter().map(|n| n.h).fold(0.0, f32::max);
                let total =
                    s.iter().map(|n| n.w).sum::<f32>() + BRANCH_GAP * (s.len().max(1) - 1) as f32;
                let mut x = MARGIN + (width - total) / 2.0;
                let mut row = Vec::new();
                for n in s {
                    row.push((x, y + (row_h - n.h) / 2.0, n.w, n.h));
                    x += n.w + BRANCH_GAP;
                }
                boxes.push(row);
                y += row_h + ARROW_GAP;
            }
        }
    }
    for (s, step) in steps.into_iter().enumerate() {
        for (n, nd) in step.into_iter().enumerate() {
            let (x, y, w, h) = boxes[s][n];
            let branch = boxes[s].len() > 1;
            d.push(
                Layer::Data,
                Shape::Rect {
                    x,
                    y,
                    w,
                    h,
                    class: if branch { "node branch" } else { "node" },
                },
            );
            let mut text = nd.text;
            text.x = x + (w - text.width()) / 2.0;
            text.y = y + PAD_Y;
            d.push(Layer::Data, Shape::Text(text));
        }
    }
    for pair in boxes.windows(2) {
        let (from, to) = (&pair[0], &pair[1]);
        let links: Vec<(usize, usize)> = if from.len() == to.len() {
            (0..from.len()).map(|i| (i, i)).collect()
        } else {
            (0..from.len())
                .flat_map(|i| (0..to.len()).map(move |j| (i, j)))
                .collect()
        };
        for (i, j) in links {
            arrow(&mut d, from[i], to[j], dir);
        }
    }
    d.fit();
    Some(d)
}

fn arrow(d: &mut Drawing, a: (f32, f32, f32, f32), b: (f32, f32, f32, f32), dir: Direction) {
    let (ax, ay, aw, ah) = a;
    let (bx, by, bw, bh) = b;
    let ((x1, y1), (x2, y2)) = match dir {
        Direction::Across => ((ax + aw, ay + ah / 2.0), (bx - 2.0, by + bh / 2.0)),
        Direction::Down => ((ax + aw / 2.0, ay + ah), (bx + bw / 2.0, by - 2.0)),
    };
    let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(0.1);
    let (ux, uy) = ((x2 - x1) / len, (y2 - y1) / len);
    let head = 8.0;
    let (bx0, by0) = (x2 - ux * head, y2 - uy * head);
    d.push(
        Layer::Data,
        Shape::Line {
            x1,
            y1,
            x2: bx0,
            y2: by0,
            class: "arrow",
        },
    );
    d.push(
        Layer::Data,
        Shape::Polygon {
            points: vec![
                (x2, y2),
                (bx0 - uy * 4.5, by0 + ux * 4.5),
                (bx0 + uy * 4.5, by0 - ux * 4.5),
            ],
            class: "arrowhead",
        },
    );
}

/// The `n`th route (from 0) of a survey, in one direction; ids and title come from the
/// survey and the route's place in its list.
pub fn of_survey(item: &Item, n: usize, route: &Route, dir: Direction) -> Option<Drawing> {
    let title = match &route.name {
        Some(name) => format!("{}の調査経路（{name}）", item.common.title),
        None => format!("{}の調査経路", item.common.title),
    };
    draw(
        route,
        &title,
        &format!("pic-route-{}-{}", item.id, n + 1),
        dir,
    )
}
