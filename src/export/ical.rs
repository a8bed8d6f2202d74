//! iCalendar (RFC 5545) files of the 事業計画: `schedule/<fy>.ics` with every event of
//! the fiscal year and `schedule/<fy>-<track>.ics` per track (an event of several
//! tracks is in each of their files, with the same UID).
//!
//! Events are all-day: `DTSTART;VALUE=DATE` is the first day the `when` covers and
//! `DTEND;VALUE=DATE` the day after the last (RFC 5545 3.6.1: the end is exclusive), so
//! 上旬 is the 1st–10th, a month the whole month and a span both ends inclusive.

use super::{base_url, event_ids, public_url};
use crate::calendar::fiscal_year_label;
use crate::content::{Cooperation, EventKind};
use crate::plan::pages::SitePages;

/// The longest content line, in octets, without the line break (RFC 5545 3.1).
const MAX_LINE: usize = 75;

/// All calendar files of the site, schedules in fiscal-year order.
pub fn calendars(site: &SitePages) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (s, schedule) in site.views.content.schedules.iter().enumerate() {
        let fy = schedule.fiscal_year;
        let name = schedule
            .title
            .clone()
            .unwrap_or_else(|| format!("{}事業計画", fiscal_year_label(fy)));
        let mut order: Vec<usize> = (0..schedule.events.len()).collect();
        order.sort_by_key(|&e| (schedule.events[e].when.first_day(), e));
        let ids = event_ids(schedule);
        let events: Vec<String> = (0..schedule.events.len())
            .map(|e| event(site, (s, e), &ids[e]))
            .collect();
        let whole: Vec<&str> = order.iter().map(|&e| events[e].as_str()).collect();
        out.push((
            crate::urls::schedule_ics(fy),
            calendar(&name, &whole).into_bytes(),
        ));
        for track in &schedule.tracks {
            let mine: Vec<&str> = order
                .iter()
                .filter(|&&e| {
                    schedule.events[e]
                        .tracks
                        .iter()
                        .any(|t| t.value.trim() == track.id)
                })
                .map(|&e| events[e].as_str())
                .collect();
            out.push((
                crate::urls::track_ics(fy, &track.id),
                calendar(&format!("{name}：{}", track.title), &mine).into_bytes(),
            ));
        }
    }
    out
}

fn calendar(name: &str, events: &[&str]) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//tebiki//handbook schedule//JA");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape_text(name)));
    for e in events {
        out.push_str(e);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn cooperation_text(c: Cooperation) -> &'static str {
    match c {
        Cooperation::Requested => "あり（地方公共団体に協力を依頼している調査）",
        Cooperation::NotRequested => "なし",
        Cooperation::Unknown => "不明（資料から読み取れない）",
    }
}

/// One VEVENT, folded, with CRLF line ends.
fn event(site: &SitePages, (s, e): (usize, usize), id: &str) -> String {
    let schedule = &site.views.content.schedules[s];
    let ev = &schedule.events[e];
    let view = site.views.event((s, e));
    let mut summary = ev.title.trim().to_string();
    if ev.local_government == Cooperation::Requested {
        summary.push_str("（協力依頼）");
    }
    let mut description = vec![format!("時期：{}", view.when)];
    if !view.track_titles.is_empty() {
        description.push(format!("分野：{}", view.track_titles.join("、")));
    }
    if let Some(label) = view.kind_label {
        description.push(format!("種類：{label}"));
    }
    // Said for every event but meetings, unknown included: a calendar that stays silent
    // on a survey would read as "not requested".
    if ev.kind != Some(EventKind::Meeting) || ev.local_government != Cooperation::Unknown {
        description.push(format!(
            "地方公共団体への協力依頼：{}",
            cooperation_text(ev.local_government)
        ));
    }
    // Absolute with `base_url`; otherwise the path from the site root.
    let survey_url = view.survey.as_ref().map(|l| public_url(site, &l.url));
    if let (Some(link), Some(url)) = (&view.survey, &survey_url) {
        description.push(format!("調査のページ：{}（{url}）", link.title));
    }

    // DTSTAMP must be a UTC date-time. The wall clock would make every build differ and
    // tell subscribed clients that every event changed; the start of the schedule's
    // fiscal year (April 1st) is fixed, comes from the content, and stays the same for
    // as long as the schedule is published.
    let dtstamp = format!("{:04}0401T000000Z", schedule.fiscal_year);
    let first = ev.when.first_day();
    let end = ev.when.last_day().succ();

    let mut out = String::new();
    line(&mut out, "BEGIN:VEVENT");
    line(&mut out, &format!("UID:{id}@tebiki"));
    line(&mut out, &format!("DTSTAMP:{dtstamp}"));
    line(
        &mut out,
        &format!("DTSTART;VALUE=DATE:{}", first.ymd_compact()),
    );
    line(&mut out, &format!("DTEND;VALUE=DATE:{}", end.ymd_compact()));
    line(&mut out, &format!("SUMMARY:{}", escape_text(&summary)));
    line(
        &mut out,
        &format!("DESCRIPTION:{}", escape_text(&description.join("\n"))),
    );
    if !view.track_titles.is_empty() {
        let cats: Vec<String> = view.track_titles.iter().map(|t| escape_text(t)).collect();
        line(&mut out, &format!("CATEGORIES:{}", cats.join(",")));
    }
    if let (Some(url), true) = (&survey_url, base_url(site).is_some()) {
        line(&mut out, &format!("URL;VALUE=URI:{url}"));
    }
    // All-day entries should not mark the day busy in the reader's calendar.
    line(&mut out, "TRANSP:TRANSPARENT");
    line(&mut out, "END:VEVENT");
    out
}

/// Escapes a TEXT value (RFC 5545 3.3.11): `\`, `;`, `,` and line breaks; other control
/// characters, which TEXT does not allow, are dropped.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so that no line exceeds 75 octets (a continuation
/// line's leading space counts), never inside a UTF-8 character, ending in CRLF.
pub fn line(out: &mut String, content: &str) {
    let mut used = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if used + n > MAX_LINE {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(content: &str) -> String {
        let mut out = String::new();
        line(&mut out, content);
        out
    }

    #[test]
    fn escapes_backslash_semicolon_comma_and_newlines() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ng"
        );
        assert_eq!(
            escape_text("調査（協力依頼）：５月"),
            "調査（協力依頼）：５月"
        );
        assert_eq!(escape_text("x\u{7}y"), "xy");
    }

    #[test]
    fn short_lines_are_not_folded() {
        assert_eq!(folded("VERSION:2.0"), "VERSION:2.0\r\n");
        let exactly = format!("SUMMARY:{}", "a".repeat(MAX_LINE - 8));
        assert_eq!(folded(&exactly), format!("{exactly}\r\n"));
    }

    #[test]
    fn long_japanese_summary_folds_at_75_octets_between_characters() {
        let title = "令和４年度政策統括官（統計・情報政策、労使関係担当）事業計画に基づく全国厚生統計主管課担当者会議（協力依頼）";
        let text = folded(&format!("SUMMARY:{}", escape_text(title)));
        assert!(text.ends_with("\r\n"));
        let lines: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 2, "{lines:?}");
        for (n, l) in lines.iter().enumerate() {
            // Each piece is valid UTF-8 on its own: no character was split.
            assert!(l.len() <= MAX_LINE, "line {n} has {} octets", l.len());
            if n > 0 {
                assert!(l.starts_with(' '));
            }
            // Filled as far as the next character allows.
            if n + 1 < lines.len() {
                assert!(l.len() > MAX_LINE - 4, "line {n} is short: {}", l.len());
            }
        }
        let unfolded = text.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{title}\r\n"));
    }

    #[test]
    fn folding_counts_octets_of_mixed_text() {
        let content = format!("DESCRIPTION:{}", "ab調".repeat(40));
        let text = folded(&content);
        for l in text.split("\r\n") {
            assert!(l.len() <= MAX_LINE);
        }
        assert_eq!(text.replace("\r\n ", ""), format!("{content}\r\n"));
    }
}
