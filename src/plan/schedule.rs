//! The 事業計画 as a table: one row per month from April to March (plus any month an
//! event starts in outside that range), one column per track, events spanning several
//! tracks on a row of their own.

use super::pictures;
use super::views::{EventView, Views};
use crate::calendar::{era_year, fiscal_year_label, ja_number, YearMonth};
use crate::content::{Cooperation, EventKind};
use serde::Serialize;

#[derive(Serialize)]
pub struct TrackView {
    pub id: String,
    pub title: String,
}

#[derive(Serialize)]
pub struct MonthRow {
    pub label: String,
    pub year_label: String,
    pub month: String,
    pub anchor: String,
    /// Events per track, in track order.
    pub cells: Vec<Vec<EventView>>,
    /// Events that stand in several tracks at once.
    pub spanning: Vec<EventView>,
}

#[derive(Serialize)]
pub struct ScheduleTable {
    pub fiscal_year: i32,
    pub fiscal_year_label: String,
    pub title: String,
    pub tracks: Vec<TrackView>,
    pub rows: Vec<MonthRow>,
    pub notes: Vec<String>,
    pub event_count: usize,
    /// Events other than meetings whose 協力依頼 mark (the seed's bold) is unknown, by
    /// date: the page names them so that no mark reads as "not requested".
    pub unread_marks: Vec<EventView>,
    /// The year at a glance (inline SVG in its scroll box); the table says the same.
    pub overview: Option<String>,
}

pub fn table(views: &Views, s: usize) -> ScheduleTable {
    let schedule = &views.content.schedules[s];
    let fy = schedule.fiscal_year;
    let mut months: Vec<YearMonth> = (0..12)
        .map(|n| YearMonth {
            year: fy + i32::from(n >= 9),
            month: (3 + n) % 12 + 1,
        })
        .collect();
    for e in &schedule.events {
        let ym = e.when.first_day().year_month();
        if !months.contains(&ym) {
            months.push(ym);
        }
    }
    months.sort();
    let mut order: Vec<usize> = (0..schedule.events.len()).collect();
    order.sort_by_key(|&e| (schedule.events[e].when.first_day(), e));
    let mut rows: Vec<MonthRow> = months
        .iter()
        .map(|ym| MonthRow {
            label: format!(
                "{}{}月",
                era_year(ym.year, ym.month, 1),
                ja_number(ym.month)
            ),
            year_label: era_year(ym.year, ym.month, 1),
            month: format!("{}月", ja_number(ym.month)),
            anchor: format!("m{}-{:02}", ym.year, ym.month),
            cells: schedule.tracks.iter().map(|_| Vec::new()).collect(),
            spanning: Vec::new(),
        })
        .collect();
    let unread_marks = order
        .iter()
        .filter(|&&e| {
            let event = &schedule.events[e];
            event.local_government == Cooperation::Unknown && event.kind != Some(EventKind::Meeting)
        })
        .map(|&e| views.event((s, e)))
        .collect();
    for e in order {
        let event = &schedule.events[e];
        let ym = event.when.first_day().year_month();
        let Some(row) = months.iter().position(|m| *m == ym) else {
            continue;
        };
        let view = views.event((s, e));
        if event.tracks.len() > 1 {
            rows[row].spanning.push(view);
        } else if let Some(col) = event.tracks.first().and_then(|t| {
            schedule
                .tracks
                .iter()
                .position(|tr| tr.id == t.value.trim())
        }) {
            rows[row].cells[col].push(view);
        }
    }
    ScheduleTable {
        fiscal_year: fy,
        fiscal_year_label: fiscal_year_label(fy),
        title: schedule
            .title
            .clone()
            .unwrap_or_else(|| format!("{}事業計画", fiscal_year_label(fy))),
        tracks: schedule
            .tracks
            .iter()
            .map(|t| TrackView {
                id: t.id.clone(),
                title: t.title.clone(),
            })
            .collect(),
        rows,
        notes: schedule.notes.clone(),
        event_count: schedule.events.len(),
        unread_marks,
        overview: pictures::year::draw(schedule).map(|d| pictures::scroll_box(&d)),
    }
}
