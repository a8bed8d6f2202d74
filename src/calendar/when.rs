//! The `when` grammar of schedule dates: a month, a month and its third (旬: `early`,
//! `mid`, `late`), a day, or a span `A .. B` of two of them; parsed strictly, with the
//! byte span of what is wrong and a hint, and the inclusive days each one covers.

use super::date::{parse_date_like, DateError, DateLike};
use super::{Date, YearMonth};
use std::fmt;
use std::str::FromStr;

/// Shown with syntax errors so the editor sees every form at once.
pub(super) const HINT: &str = "write `2022-05`, `2022-05 early|mid|late`, `2022-05-10` or `A .. B`";
const PART_WORDS: &str =
    "the parts are `early` (1st–10th), `mid` (11th–20th) and `late` (21st–end)";

/// A third of a month (旬).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// 上旬, 1st–10th.
    Early,
    /// 中旬, 11th–20th.
    Mid,
    /// 下旬, 21st–end of month.
    Late,
}

impl Part {
    const ALL: [Part; 3] = [Part::Early, Part::Mid, Part::Late];

    /// Only the exact lowercase word, so the YAML has a single spelling.
    pub fn from_word(word: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.word() == word)
    }

    /// The word editors write: "early", "mid" or "late".
    pub fn word(self) -> &'static str {
        match self {
            Part::Early => "early",
            Part::Mid => "mid",
            Part::Late => "late",
        }
    }

    pub fn japanese(self) -> &'static str {
        match self {
            Part::Early => "上旬",
            Part::Mid => "中旬",
            Part::Late => "下旬",
        }
    }

    pub fn first_day(self, ym: YearMonth) -> Date {
        let day = match self {
            Part::Early => 1,
            Part::Mid => 11,
            Part::Late => 21,
        };
        Date {
            day,
            ..ym.first_day()
        }
    }

    pub fn last_day(self, ym: YearMonth) -> Date {
        match self {
            Part::Early => Date {
                day: 10,
                ..ym.first_day()
            },
            Part::Mid => Date {
                day: 20,
                ..ym.first_day()
            },
            Part::Late => ym.last_day(),
        }
    }

    /// Closest part word to a misspelling. Synonyms first, because edit distance
    /// alone would map 上旬 or "beginning" to whichever word happens to be shortest.
    fn closest(word: &str) -> Part {
        let lower = word.to_lowercase();
        match lower.as_str() {
            "上旬" | "初旬" | "beginning" | "begin" | "start" | "first" | "e" => {
                return Part::Early;
            }
            "中旬" | "middle" | "m" => return Part::Mid,
            "下旬" | "end" | "last" | "l" => return Part::Late,
            _ => {}
        }
        Part::ALL
            .into_iter()
            .min_by_key(|p| strsim::levenshtein(&lower, p.word()))
            .unwrap_or(Part::Mid)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Point {
    Month(YearMonth),
    Part(YearMonth, Part),
    Day(Date),
}

impl Point {
    pub fn first_day(&self) -> Date {
        match *self {
            Point::Month(ym) => ym.first_day(),
            Point::Part(ym, part) => part.first_day(ym),
            Point::Day(d) => d,
        }
    }

    pub fn last_day(&self) -> Date {
        match *self {
            Point::Month(ym) => ym.last_day(),
            Point::Part(ym, part) => part.last_day(ym),
            Point::Day(d) => d,
        }
    }

    pub(super) fn year_month(&self) -> YearMonth {
        match *self {
            Point::Month(ym) | Point::Part(ym, _) => ym,
            Point::Day(d) => d.year_month(),
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Point::Month(ym) => write!(f, "{ym}"),
            Point::Part(ym, part) => write!(f, "{ym} {}", part.word()),
            Point::Day(d) => write!(f, "{d}"),
        }
    }
}

/// A schedule date: one point, or an inclusive span from the start of one point to the
/// end of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum When {
    At(Point),
    Span(Point, Point),
}

/// Parse error with the byte span to underline; `message` and `hint` are English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhenError {
    pub message: String,
    pub offset: usize,
    pub len: usize,
    pub hint: String,
}

impl fmt::Display for WhenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.hint)
    }
}

impl std::error::Error for WhenError {}

pub(super) fn when_err(
    message: impl Into<String>,
    offset: usize,
    len: usize,
    hint: impl Into<String>,
) -> WhenError {
    WhenError {
        message: message.into(),
        offset,
        len,
        hint: hint.into(),
    }
}

pub(super) fn with_hint(e: DateError, hint: &str) -> WhenError {
    when_err(e.message, e.offset, e.len, hint)
}

/// Whitespace-separated words with their byte offsets; Unicode whitespace so that an
/// ideographic space typed in a Japanese IME also separates.
pub(super) fn words(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push((st, &s[st..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

/// Where a point sits, so an empty side of `..` can be reported at the `..`.
enum Side {
    Whole,
    Start(usize),
    End(usize),
}

/// Parses one point from `s`, which starts at byte `base` of the whole input.
/// Returns the point and the byte span of its words.
fn parse_point(s: &str, base: usize, side: Side) -> Result<(Point, usize, usize), WhenError> {
    let words = words(s);
    let Some(&(first_at, first)) = words.first() else {
        return Err(match side {
            Side::Whole => when_err("no date given", base, s.len(), HINT),
            Side::Start(dots) => when_err("the span has no start before `..`", dots, 2, HINT),
            Side::End(dots) => when_err("the span has no end after `..`", dots, 2, HINT),
        });
    };
    let (last_at, last) = words[words.len() - 1];
    let span = (base + first_at, last_at + last.len() - first_at);
    if let Some(&(at, word)) = words[1..]
        .iter()
        .find(|(_, w)| w.eq_ignore_ascii_case("to"))
    {
        return Err(when_err(
            format!("a span is written with `..`, not `{word}`"),
            base + at,
            word.len(),
            HINT,
        ));
    }
    if let Some(&(at, word)) = words.get(2) {
        return Err(when_err(
            format!("unexpected `{word}` after the date"),
            base + at,
            last_at + last.len() - at,
            HINT,
        ));
    }
    let date = parse_date_like(first, base + first_at).map_err(|e| with_hint(e, HINT))?;
    let Some(&(part_at, word)) = words.get(1) else {
        let point = match date {
            DateLike::Month(ym) => Point::Month(ym),
            DateLike::Day(d) => Point::Day(d),
        };
        return Ok((point, span.0, span.1));
    };
    let ym = match date {
        DateLike::Month(ym) => ym,
        DateLike::Day(d) => {
            return Err(when_err(
                format!(
                    "`{word}` cannot follow a full date; only a month like `{}` takes a part",
                    d.year_month()
                ),
                base + part_at,
                word.len(),
                HINT,
            ));
        }
    };
    match Part::from_word(word) {
        Some(part) => Ok((Point::Part(ym, part), span.0, span.1)),
        None => {
            let guess = Part::closest(word);
            Err(when_err(
                format!(
                    "unknown part of the month `{word}`; did you mean `{}`?",
                    guess.word()
                ),
                base + part_at,
                word.len(),
                format!("write `{ym} {}`; {PART_WORDS}", guess.word()),
            ))
        }
    }
}

/// Separators editors reach for instead of `..`.
const FOREIGN_SEPARATORS: [char; 5] = ['~', '～', '〜', '–', '—'];

fn parse_when(s: &str) -> Result<When, WhenError> {
    if let Some((at, c)) = s
        .char_indices()
        .find(|(_, c)| FOREIGN_SEPARATORS.contains(c))
    {
        return Err(when_err(
            format!("a span is written with `..`, not `{c}`"),
            at,
            c.len_utf8(),
            HINT,
        ));
    }
    // Dates never contain `.`, so every run of dots is a (possibly mistyped) separator.
    let bytes = s.as_bytes();
    let mut separators = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'.' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i] == b'.' {
            i += 1;
        }
        if i - start != 2 {
            return Err(when_err(
                format!(
                    "`{}` is not a span separator; use exactly two dots",
                    &s[start..i]
                ),
                start,
                i - start,
                HINT,
            ));
        }
        separators.push(start);
    }
    match separators[..] {
        [] => parse_point(s, 0, Side::Whole).map(|(p, _, _)| When::At(p)),
        [dots] => {
            let (start, _, _) = parse_point(&s[..dots], 0, Side::Start(dots))?;
            let (end, end_at, end_len) = parse_point(&s[dots + 2..], dots + 2, Side::End(dots))?;
            if end.last_day() < start.first_day() {
                return Err(when_err(
                    format!("the span ends before it starts: `{end}` is earlier than `{start}`"),
                    end_at,
                    end_len,
                    format!("put the earlier date first, as in `{end} .. {start}`"),
                ));
            }
            // Overlapping ends such as `2022-05 .. 2022-05-10` would silently export
            // different days from what the editor pictured, so they are refused too.
            if end.first_day() < start.first_day() || end.last_day() < start.last_day() {
                return Err(when_err(
                    format!(
                        "the span ends before it starts: `{end}` does not reach past `{start}`"
                    ),
                    end_at,
                    end_len,
                    "the end of a span must finish after its start; write a single date if one covers the other",
                ));
            }
            Ok(When::Span(start, end))
        }
        [_, second, ..] => Err(when_err("a span has only one `..`", second, 2, HINT)),
    }
}

impl FromStr for When {
    type Err = WhenError;
    fn from_str(s: &str) -> Result<When, WhenError> {
        parse_when(s)
    }
}

impl fmt::Display for When {
    /// The canonical editor form, which parses back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::At(p) => write!(f, "{p}"),
            When::Span(a, b) => write!(f, "{a} .. {b}"),
        }
    }
}

impl When {
    pub fn first_day(&self) -> Date {
        match self {
            When::At(p) | When::Span(p, _) => p.first_day(),
        }
    }

    /// Inclusive; for iCalendar's exclusive `DTEND` use `last_day().succ()`.
    pub fn last_day(&self) -> Date {
        match self {
            When::At(p) | When::Span(_, p) => p.last_day(),
        }
    }

    pub fn fiscal_year(&self) -> i32 {
        self.first_day().fiscal_year()
    }

    /// Whether `date` falls within the inclusive days covered.
    pub fn contains(&self, date: Date) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }
}
