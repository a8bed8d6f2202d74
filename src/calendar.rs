//! Schedule and roadmap dates: parsing what editors write in YAML, rendering it in
//! Japanese with the era (和暦) and giving the exact inclusive days for iCalendar.

use std::fmt;
use std::str::FromStr;

/// Shown with syntax errors so the editor sees every form at once.
const HINT: &str = "write `2022-05`, `2022-05 early|mid|late`, `2022-05-10` or `A .. B`";
const FISCAL_HINT: &str = "write a month like `2021-10` or a fiscal year like `FY2022`";
const PART_WORDS: &str =
    "the parts are `early` (1st–10th), `mid` (11th–20th) and `late` (21st–end)";

/// Newest first, so the first era whose start is not after a date is the one in force.
const ERAS: [(&str, i32, u32, u32); 5] = [
    ("令和", 2019, 5, 1),
    ("平成", 1989, 1, 8),
    ("昭和", 1926, 12, 25),
    ("大正", 1912, 7, 30),
    ("明治", 1868, 10, 23),
];

/// Proleptic Gregorian rule.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Zero for a month outside 1–12, so no day validates against it.
fn month_len(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Government style: a lone digit is full-width (４), longer numbers stay ASCII (10).
pub fn ja_number(n: u32) -> String {
    if n < 10 {
        char::from_u32('０' as u32 + n)
            .map(String::from)
            .unwrap_or_default()
    } else {
        n.to_string()
    }
}

/// Era and year in force on the given day, e.g. "令和４年" or "令和元年"; before 明治 the
/// western year ("1867年") because earlier eras follow the lunar calendar.
pub fn era_year(year: i32, month: u32, day: u32) -> String {
    for (name, start_year, start_month, start_day) in ERAS {
        if (year, month, day) >= (start_year, start_month, start_day) {
            let n = (year - start_year + 1) as u32;
            return if n == 1 {
                format!("{name}元年")
            } else {
                format!("{name}{}年", ja_number(n))
            };
        }
    }
    format!("{year}年")
}

/// "令和４年度". Ministries label a fiscal year by the era in force on its April 1st,
/// which is why FY2019 stays 平成31年度 although 令和 began in May 2019.
pub fn fiscal_year_label(fy: i32) -> String {
    format!("{}度", era_year(fy, 4, 1))
}

/// Error from the strict `Date`/`YearMonth` parsers; `offset`/`len` is the byte span
/// of the offending part of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub message: String,
    pub offset: usize,
    pub len: usize,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DateError {}

fn date_err(message: impl Into<String>, offset: usize, len: usize) -> DateError {
    DateError {
        message: message.into(),
        offset,
        len,
    }
}

/// A calendar day (proleptic Gregorian). Field order makes the derived `Ord` chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// `None` unless the day exists.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        (day >= 1 && day <= month_len(year, month)).then_some(Date { year, month, day })
    }

    /// Exactly `YYYY-MM-DD`; no surrounding whitespace.
    pub fn parse(s: &str) -> Result<Date, DateError> {
        match parse_date_like(s, 0)? {
            DateLike::Day(d) => Ok(d),
            DateLike::Month(_) => Err(date_err(
                format!("`{s}` has no day; expected a date like `2022-05-10`"),
                0,
                s.len(),
            )),
        }
    }

    /// The next day; iCalendar's all-day `DTEND` is exclusive.
    pub fn succ(self) -> Date {
        if self.day < month_len(self.year, self.month) {
            Date {
                day: self.day + 1,
                ..self
            }
        } else if self.month < 12 {
            Date {
                month: self.month + 1,
                day: 1,
                ..self
            }
        } else {
            Date {
                year: self.year + 1,
                month: 1,
                day: 1,
            }
        }
    }

    /// "20220510", the iCalendar `VALUE=DATE` form.
    pub fn ymd_compact(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// Japanese fiscal years run April to March.
    pub fn fiscal_year(self) -> i32 {
        if self.month >= 4 {
            self.year
        } else {
            self.year - 1
        }
    }

    /// "令和４年６月20日".
    pub fn japanese(self) -> String {
        When::At(Point::Day(self)).japanese()
    }

    pub fn year_month(self) -> YearMonth {
        YearMonth {
            year: self.year,
            month: self.month,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    /// Exactly `YYYY-MM`; no surrounding whitespace.
    pub fn parse(s: &str) -> Result<YearMonth, DateError> {
        match parse_date_like(s, 0)? {
            DateLike::Month(ym) => Ok(ym),
            DateLike::Day(_) => Err(date_err(
                format!("`{s}` is a day; expected a month like `2022-05`"),
                0,
                s.len(),
            )),
        }
    }

    pub fn days_in_month(self) -> u32 {
        month_len(self.year, self.month)
    }

    pub fn first_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: 1,
        }
    }

    pub fn last_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: self.days_in_month(),
        }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = DateError;
    fn from_str(s: &str) -> Result<YearMonth, DateError> {
        YearMonth::parse(s)
    }
}

enum DateLike {
    Month(YearMonth),
    Day(Date),
}

/// `offset` is where `text` sits in the caller's string, for the underline.
fn fixed_digits(text: &str, offset: usize, width: usize, what: &str) -> Result<u32, DateError> {
    if text.len() == width && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.parse().unwrap_or(0))
    } else {
        let example = if width == 4 { "2022" } else { "05" };
        Err(date_err(
            format!("the {what} must be {width} digits like `{example}`, not `{text}`"),
            offset,
            text.len(),
        ))
    }
}

/// `YYYY-MM` or `YYYY-MM-DD`; `base` is where `s` sits in the string being diagnosed.
fn parse_date_like(s: &str, base: usize) -> Result<DateLike, DateError> {
    let mut fields = Vec::new();
    let mut start = 0;
    for (i, _) in s.match_indices('-') {
        fields.push((&s[start..i], base + start));
        start = i + 1;
    }
    fields.push((&s[start..], base + start));
    if fields.len() < 2 || fields.len() > 3 {
        return Err(date_err(
            format!("`{s}` is not a date like `2022-05` or `2022-05-10`"),
            base,
            s.len(),
        ));
    }
    let (year_text, year_at) = fields[0];
    let year = fixed_digits(year_text, year_at, 4, "year")? as i32;
    let (month_text, month_at) = fields[1];
    let month = fixed_digits(month_text, month_at, 2, "month")?;
    if !(1..=12).contains(&month) {
        return Err(date_err(
            format!("there is no month {month_text}; months run from 01 to 12"),
            month_at,
            month_text.len(),
        ));
    }
    let ym = YearMonth { year, month };
    let Some(&(day_text, day_at)) = fields.get(2) else {
        return Ok(DateLike::Month(ym));
    };
    let day = fixed_digits(day_text, day_at, 2, "day")?;
    match Date::new(year, month, day) {
        Some(d) => Ok(DateLike::Day(d)),
        None => Err(date_err(
            format!(
                "there is no day {day_text} in {ym}; it has {} days",
                ym.days_in_month()
            ),
            day_at,
            day_text.len(),
        )),
    }
}

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
            .min_by_key(|p| edit_distance(&lower, p.word()))
            .unwrap_or(Part::Mid)
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
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

    fn year_month(&self) -> YearMonth {
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

fn when_err(
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

fn with_hint(e: DateError, hint: &str) -> WhenError {
    when_err(e.message, e.offset, e.len, hint)
}

/// Whitespace-separated words with their byte offsets; Unicode whitespace so that an
/// ideographic space typed in a Japanese IME also separates.
fn words(s: &str) -> Vec<(usize, &str)> {
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

#[derive(Clone, Copy)]
enum Style {
    Japanese,
    Western,
}

/// A point split into the pieces a span may elide: year, month, and the rest.
struct Pieces {
    year: String,
    month: u32,
    rest: String,
}

impl Style {
    fn number(self, n: u32) -> String {
        match self {
            Style::Japanese => ja_number(n),
            Style::Western => n.to_string(),
        }
    }

    fn pieces(self, p: &Point) -> Pieces {
        let ym = p.year_month();
        // A month or part is labelled by the era of its first day, so a month in
        // which the era changed (1989-01) keeps the outgoing era.
        let first = p.first_day();
        let year = match self {
            Style::Japanese => era_year(first.year, first.month, first.day),
            Style::Western => format!("{}年", ym.year),
        };
        let rest = match *p {
            Point::Month(_) => String::new(),
            Point::Part(_, part) => part.japanese().to_string(),
            Point::Day(d) => format!("{}日", self.number(d.day)),
        };
        Pieces {
            year,
            month: ym.month,
            rest,
        }
    }

    fn render(self, when: &When) -> String {
        let (start, end) = match *when {
            When::At(p) => (p, p),
            When::Span(a, b) => (a, b),
        };
        let a = self.pieces(&start);
        let mut out = format!("{}{}月{}", a.year, self.number(a.month), a.rest);
        if start == end {
            return out;
        }
        let b = self.pieces(&end);
        out.push('～');
        let same_kind = matches!(
            (start, end),
            (Point::Part(..), Point::Part(..)) | (Point::Day(_), Point::Day(_))
        );
        if b.year != a.year {
            out.push_str(&b.year);
        }
        // "５月上旬～中旬", "６月20日～25日": the month is dropped only when both ends
        // are the same kind within one month, where the reading is unambiguous.
        if b.year != a.year || b.month != a.month || !same_kind {
            out.push_str(&format!("{}月", self.number(b.month)));
        }
        out.push_str(&b.rest);
        out
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

    /// "令和４年５月上旬", "令和４年12月下旬～令和５年１月".
    pub fn japanese(&self) -> String {
        Style::Japanese.render(self)
    }

    /// Secondary western form, "2022年5月上旬".
    pub fn western_label(&self) -> String {
        Style::Western.render(self)
    }

    pub fn fiscal_year(&self) -> i32 {
        self.first_day().fiscal_year()
    }

    /// Whether `date` falls within the inclusive days covered.
    pub fn contains(&self, date: Date) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }
}

/// A roadmap milestone: a month or a whole fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FiscalPoint {
    Month(YearMonth),
    FiscalYear(i32),
}

impl FiscalPoint {
    pub fn first_day(&self) -> Date {
        match *self {
            FiscalPoint::Month(ym) => ym.first_day(),
            FiscalPoint::FiscalYear(fy) => Date {
                year: fy,
                month: 4,
                day: 1,
            },
        }
    }

    pub fn last_day(&self) -> Date {
        match *self {
            FiscalPoint::Month(ym) => ym.last_day(),
            FiscalPoint::FiscalYear(fy) => Date {
                year: fy + 1,
                month: 3,
                day: 31,
            },
        }
    }

    pub fn fiscal_year(&self) -> i32 {
        self.first_day().fiscal_year()
    }

    /// "令和３年10月" or "令和４年度".
    pub fn japanese(&self) -> String {
        match *self {
            FiscalPoint::Month(ym) => When::At(Point::Month(ym)).japanese(),
            FiscalPoint::FiscalYear(fy) => fiscal_year_label(fy),
        }
    }

    /// "2021年10月" or "2022年度".
    pub fn western_label(&self) -> String {
        match *self {
            FiscalPoint::Month(ym) => When::At(Point::Month(ym)).western_label(),
            FiscalPoint::FiscalYear(fy) => format!("{fy}年度"),
        }
    }
}

impl fmt::Display for FiscalPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FiscalPoint::Month(ym) => write!(f, "{ym}"),
            FiscalPoint::FiscalYear(fy) => write!(f, "FY{fy:04}"),
        }
    }
}

impl FromStr for FiscalPoint {
    type Err = WhenError;

    fn from_str(s: &str) -> Result<FiscalPoint, WhenError> {
        let words = words(s);
        let Some(&(at, word)) = words.first() else {
            return Err(when_err("no milestone given", 0, s.len(), FISCAL_HINT));
        };
        if let Some(&(extra_at, extra)) = words.get(1) {
            let (last_at, last) = words[words.len() - 1];
            return Err(when_err(
                format!("unexpected `{extra}` after the milestone"),
                extra_at,
                last_at + last.len() - extra_at,
                FISCAL_HINT,
            ));
        }
        if let Some(digits) = word.strip_prefix("FY") {
            let year = fixed_digits(digits, at + 2, 4, "fiscal year")
                .map_err(|e| with_hint(e, FISCAL_HINT))?;
            return Ok(FiscalPoint::FiscalYear(year as i32));
        }
        if word.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("fy")) {
            return Err(when_err(
                format!(
                    "write the fiscal year as `FY` in capitals, not `{}`",
                    &word[..2]
                ),
                at,
                2,
                FISCAL_HINT,
            ));
        }
        match parse_date_like(word, at).map_err(|e| with_hint(e, FISCAL_HINT))? {
            DateLike::Month(ym) => Ok(FiscalPoint::Month(ym)),
            DateLike::Day(_) => Err(when_err(
                format!("a milestone is a month or a fiscal year, not the day `{word}`"),
                at,
                word.len(),
                FISCAL_HINT,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn w(s: &str) -> When {
        s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn err(s: &str) -> WhenError {
        match s.parse::<When>() {
            Ok(w) => panic!("{s:?} parsed as {w:?}"),
            Err(e) => e,
        }
    }

    /// The underlined text, so tests read as what the editor would see.
    fn underlined(s: &str) -> &str {
        let e = err(s);
        &s[e.offset..e.offset + e.len]
    }

    fn days(s: &str) -> (String, String) {
        let when = w(s);
        (when.first_day().to_string(), when.last_day().to_string())
    }

    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth { year, month }
    }

    #[test]
    fn date_parses_and_displays_padded() {
        let date = d("2022-05-10");
        assert_eq!(
            date,
            Date {
                year: 2022,
                month: 5,
                day: 10
            }
        );
        assert_eq!(date.to_string(), "2022-05-10");
        assert_eq!(date.ymd_compact(), "20220510");
    }

    #[test]
    fn date_parse_is_strict_about_digit_counts_and_whitespace() {
        for bad in [
            "2022-5-10",
            "22-05-10",
            "2022-05-1",
            " 2022-05-10",
            "2022-05-10 ",
            "2022/05/10",
            "2022-05",
            "2022-05-10-01",
            "２０２２-05-10",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad:?} accepted");
        }
        let e = Date::parse("2022-5-10").unwrap_err();
        assert_eq!((e.offset, e.len), (5, 1));
    }

    #[test]
    fn leap_years_follow_the_gregorian_century_rule() {
        assert!(!is_leap_year(1900));
        assert!(is_leap_year(2000));
        assert!(is_leap_year(2024));
        assert!(!is_leap_year(2023));
        assert!(Date::parse("1900-02-29").is_err());
        assert!(Date::parse("2000-02-29").is_ok());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2023-02-29").is_err());
    }

    #[test]
    fn succ_rolls_over_month_year_and_leap_day() {
        assert_eq!(d("2022-05-10").succ(), d("2022-05-11"));
        assert_eq!(d("2022-04-30").succ(), d("2022-05-01"));
        assert_eq!(d("2022-12-31").succ(), d("2023-01-01"));
        assert_eq!(d("2024-02-28").succ(), d("2024-02-29"));
        assert_eq!(d("2024-02-29").succ(), d("2024-03-01"));
        assert_eq!(d("2023-02-28").succ(), d("2023-03-01"));
    }

    #[test]
    fn dates_order_chronologically() {
        assert!(d("2022-12-31") < d("2023-01-01"));
        assert!(d("2022-05-09") < d("2022-05-10"));
        assert!(d("2022-04-30") < d("2022-05-01"));
    }

    #[test]
    fn year_month_parses_and_counts_days() {
        let m = YearMonth::parse("2022-05").unwrap();
        assert_eq!(m, ym(2022, 5));
        assert_eq!(m.to_string(), "2022-05");
        assert_eq!(ym(2022, 4).days_in_month(), 30);
        assert_eq!(ym(2023, 2).days_in_month(), 28);
        assert_eq!(ym(2024, 2).days_in_month(), 29);
        assert!(YearMonth::parse("2022-05-10").is_err());
        assert!(YearMonth::parse("2022-13").is_err());
    }

    #[test]
    fn ja_number_is_full_width_only_for_single_digits() {
        assert_eq!(ja_number(0), "０");
        assert_eq!(ja_number(4), "４");
        assert_eq!(ja_number(9), "９");
        assert_eq!(ja_number(10), "10");
        assert_eq!(ja_number(31), "31");
    }

    #[test]
    fn meiji_starts_on_1868_10_23_with_western_year_before() {
        assert_eq!(era_year(1868, 10, 22), "1868年");
        assert_eq!(era_year(1868, 10, 23), "明治元年");
        assert_eq!(era_year(1867, 1, 1), "1867年");
    }

    #[test]
    fn taisho_starts_on_1912_07_30() {
        assert_eq!(era_year(1912, 7, 29), "明治45年");
        assert_eq!(era_year(1912, 7, 30), "大正元年");
    }

    #[test]
    fn showa_starts_on_1926_12_25() {
        assert_eq!(era_year(1926, 12, 24), "大正15年");
        assert_eq!(era_year(1926, 12, 25), "昭和元年");
    }

    #[test]
    fn heisei_starts_on_1989_01_08() {
        assert_eq!(era_year(1989, 1, 7), "昭和64年");
        assert_eq!(era_year(1989, 1, 8), "平成元年");
    }

    #[test]
    fn reiwa_starts_on_2019_05_01() {
        assert_eq!(era_year(2019, 4, 30), "平成31年");
        assert_eq!(era_year(2019, 5, 1), "令和元年");
    }

    #[test]
    fn era_years_after_the_first_count_up_with_government_digits() {
        assert_eq!(era_year(2020, 1, 1), "令和２年");
        assert_eq!(era_year(2022, 5, 10), "令和４年");
        assert_eq!(era_year(2028, 1, 1), "令和10年");
        assert_eq!(era_year(1990, 1, 1), "平成２年");
    }

    #[test]
    fn early_covers_1st_to_10th() {
        assert_eq!(
            days("2022-05 early"),
            ("2022-05-01".into(), "2022-05-10".into())
        );
        assert_eq!(
            days("2023-02 early"),
            ("2023-02-01".into(), "2023-02-10".into())
        );
    }

    #[test]
    fn mid_covers_11th_to_20th() {
        assert_eq!(
            days("2022-05 mid"),
            ("2022-05-11".into(), "2022-05-20".into())
        );
        assert_eq!(
            days("2024-02 mid"),
            ("2024-02-11".into(), "2024-02-20".into())
        );
    }

    #[test]
    fn late_covers_21st_to_end_of_30_and_31_day_months() {
        assert_eq!(
            days("2022-04 late"),
            ("2022-04-21".into(), "2022-04-30".into())
        );
        assert_eq!(
            days("2022-05 late"),
            ("2022-05-21".into(), "2022-05-31".into())
        );
    }

    #[test]
    fn late_covers_21st_to_end_of_february_in_leap_year() {
        assert_eq!(
            days("2024-02 late"),
            ("2024-02-21".into(), "2024-02-29".into())
        );
        assert_eq!(
            days("2000-02 late"),
            ("2000-02-21".into(), "2000-02-29".into())
        );
    }

    #[test]
    fn late_covers_21st_to_28th_of_february_in_common_year() {
        assert_eq!(
            days("2023-02 late"),
            ("2023-02-21".into(), "2023-02-28".into())
        );
        assert_eq!(
            days("1900-02 late"),
            ("1900-02-21".into(), "1900-02-28".into())
        );
    }

    #[test]
    fn month_covers_the_whole_month() {
        assert_eq!(days("2022-06"), ("2022-06-01".into(), "2022-06-30".into()));
        assert_eq!(days("2024-02"), ("2024-02-01".into(), "2024-02-29".into()));
    }

    #[test]
    fn day_covers_itself_and_exports_exclusive_end() {
        let when = w("2022-06-20");
        assert_eq!(when.first_day(), d("2022-06-20"));
        assert_eq!(when.last_day(), d("2022-06-20"));
        assert_eq!(when.last_day().succ().ymd_compact(), "20220621");
    }

    #[test]
    fn span_is_inclusive_from_start_of_first_to_end_of_last() {
        assert_eq!(
            days("2022-09 .. 2022-11"),
            ("2022-09-01".into(), "2022-11-30".into())
        );
        assert_eq!(
            days("2023-02 late .. 2023-03"),
            ("2023-02-21".into(), "2023-03-31".into())
        );
        assert_eq!(
            days("2022-05-10 .. 2022-05 mid"),
            ("2022-05-10".into(), "2022-05-20".into())
        );
        let span = w("2022-05 mid .. 2022-06 early");
        assert!(span.contains(d("2022-05-11")));
        assert!(span.contains(d("2022-06-10")));
        assert!(!span.contains(d("2022-05-10")));
        assert!(!span.contains(d("2022-06-11")));
    }

    #[test]
    fn span_across_year_change_covers_both_years() {
        assert_eq!(
            days("2022-12 late .. 2023-01"),
            ("2022-12-21".into(), "2023-01-31".into())
        );
        assert_eq!(
            w("2022-12 late .. 2023-01").japanese(),
            "令和４年12月下旬～令和５年１月"
        );
    }

    #[test]
    fn span_of_a_point_with_itself_is_allowed_and_reads_as_the_point() {
        let when = w("2022-05 early .. 2022-05 early");
        assert_eq!(
            days("2022-05 early .. 2022-05 early"),
            ("2022-05-01".into(), "2022-05-10".into())
        );
        assert_eq!(when.japanese(), "令和４年５月上旬");
    }

    #[test]
    fn parse_tolerates_missing_and_extra_whitespace() {
        let expected = When::Span(
            Point::Month(ym(2022, 9)),
            Point::Part(ym(2022, 11), Part::Late),
        );
        assert_eq!(w("2022-09..2022-11 late"), expected);
        assert_eq!(w("  2022-09   ..\t2022-11   late \n"), expected);
        assert_eq!(w("2022-09\u{3000}..\u{3000}2022-11 late"), expected);
        assert_eq!(
            w(" 2022-05  early "),
            When::At(Point::Part(ym(2022, 5), Part::Early))
        );
    }

    #[test]
    fn display_round_trips_through_parse() {
        for s in [
            "2022-05",
            "2022-05 early",
            "2022-05-10",
            "2022-12 late .. 2023-01-05",
        ] {
            assert_eq!(w(s).to_string(), s);
            assert_eq!(w(&w(s).to_string()), w(s));
        }
    }

    #[test]
    fn japanese_renders_points_with_era() {
        assert_eq!(w("2022-05 early").japanese(), "令和４年５月上旬");
        assert_eq!(w("2022-05 mid").japanese(), "令和４年５月中旬");
        assert_eq!(w("2022-06").japanese(), "令和４年６月");
        assert_eq!(w("2022-06-20").japanese(), "令和４年６月20日");
        assert_eq!(w("2019-05-01").japanese(), "令和元年５月１日");
        assert_eq!(d("2019-04-30").japanese(), "平成31年４月30日");
    }

    #[test]
    fn japanese_span_repeats_era_and_year_only_when_year_changes() {
        assert_eq!(w("2022-09 .. 2022-11").japanese(), "令和４年９月～11月");
        assert_eq!(
            w("2023-02 late .. 2023-03").japanese(),
            "令和５年２月下旬～３月"
        );
        assert_eq!(
            w("2022-12 late .. 2023-01").japanese(),
            "令和４年12月下旬～令和５年１月"
        );
    }

    #[test]
    fn japanese_span_within_one_month_drops_the_repeated_month() {
        assert_eq!(
            w("2022-05 early .. 2022-05 mid").japanese(),
            "令和４年５月上旬～中旬"
        );
        assert_eq!(
            w("2022-06-20 .. 2022-06-25").japanese(),
            "令和４年６月20日～25日"
        );
        assert_eq!(
            w("2022-05-05 .. 2022-05 mid").japanese(),
            "令和４年５月５日～５月中旬"
        );
    }

    #[test]
    fn japanese_span_across_era_change_repeats_the_era() {
        assert_eq!(
            w("2019-04 .. 2019-05").japanese(),
            "平成31年４月～令和元年５月"
        );
        assert_eq!(
            w("1989-01-05 .. 1989-01-10").japanese(),
            "昭和64年１月５日～平成元年１月10日"
        );
    }

    #[test]
    fn month_straddling_an_era_change_takes_the_era_of_its_first_day() {
        assert_eq!(w("1989-01").japanese(), "昭和64年１月");
        assert_eq!(w("1989-01 late").japanese(), "平成元年１月下旬");
    }

    #[test]
    fn pre_meiji_dates_fall_back_to_western_years() {
        assert_eq!(w("1867-05-03").japanese(), "1867年５月３日");
    }

    #[test]
    fn western_label_uses_ascii_digits() {
        assert_eq!(w("2022-05 early").western_label(), "2022年5月上旬");
        assert_eq!(w("2022-06-20").western_label(), "2022年6月20日");
        assert_eq!(w("2022-09 .. 2022-11").western_label(), "2022年9月～11月");
        assert_eq!(
            w("2022-12 late .. 2023-01").western_label(),
            "2022年12月下旬～2023年1月"
        );
    }

    #[test]
    fn fiscal_year_of_january_to_march_is_the_previous_year() {
        assert_eq!(w("2023-01").fiscal_year(), 2022);
        assert_eq!(w("2023-03 late").fiscal_year(), 2022);
        assert_eq!(w("2023-03-31").fiscal_year(), 2022);
        assert_eq!(w("2023-04-01").fiscal_year(), 2023);
        assert_eq!(w("2022-12-31").fiscal_year(), 2022);
    }

    #[test]
    fn fiscal_year_of_a_span_is_that_of_its_first_day() {
        assert_eq!(w("2023-03 late .. 2023-04 early").fiscal_year(), 2022);
    }

    #[test]
    fn fiscal_year_label_uses_era_in_force_on_april_first() {
        assert_eq!(fiscal_year_label(2019), "平成31年度");
        assert_eq!(fiscal_year_label(2020), "令和２年度");
        assert_eq!(fiscal_year_label(2022), "令和４年度");
        assert_eq!(fiscal_year_label(1989), "平成元年度");
        assert_eq!(fiscal_year_label(1988), "昭和63年度");
    }

    #[test]
    fn fiscal_point_parses_fiscal_years_and_months() {
        let fy: FiscalPoint = "FY2022".parse().unwrap();
        assert_eq!(fy, FiscalPoint::FiscalYear(2022));
        assert_eq!(fy.first_day(), d("2022-04-01"));
        assert_eq!(fy.last_day(), d("2023-03-31"));
        assert_eq!(fy.japanese(), "令和４年度");
        assert_eq!(fy.western_label(), "2022年度");
        assert_eq!(fy.to_string(), "FY2022");

        let month: FiscalPoint = " 2021-10 ".parse().unwrap();
        assert_eq!(month, FiscalPoint::Month(ym(2021, 10)));
        assert_eq!(month.first_day(), d("2021-10-01"));
        assert_eq!(month.last_day(), d("2021-10-31"));
        assert_eq!(month.japanese(), "令和３年10月");
        assert_eq!(month.fiscal_year(), 2021);
    }

    #[test]
    fn fiscal_point_rejects_days_bad_years_and_lowercase_prefix() {
        let cases = [
            ("FY22", "22"),
            ("fy2022", "fy"),
            ("2021-10-01", "2021-10-01"),
            ("2021-13", "13"),
            ("FY2022 late", "late"),
            ("", ""),
        ];
        for (input, bad) in cases {
            let e = input.parse::<FiscalPoint>().unwrap_err();
            assert_eq!(&input[e.offset..e.offset + e.len], bad, "{input:?}");
            assert!(e.hint.contains("FY2022"), "{input:?}: {}", e.hint);
        }
    }

    #[test]
    fn error_month_zero_and_thirteen_underline_the_month() {
        let e = err("2022-00");
        assert_eq!((e.offset, e.len), (5, 2));
        assert!(e.message.contains("month"));
        let e = err("2022-05 .. 2022-13 late");
        assert_eq!((e.offset, e.len), (16, 2));
    }

    #[test]
    fn error_day_out_of_range_underlines_the_day() {
        let e = err("2022-04-31");
        assert_eq!((e.offset, e.len), (8, 2));
        assert!(e.message.contains("30 days"), "{}", e.message);
        assert_eq!(underlined("2023-02-29"), "29");
        assert_eq!(underlined("2022-05-00"), "00");
    }

    #[test]
    fn error_unpadded_or_malformed_fields_underline_the_field() {
        assert_eq!(underlined("2022-5"), "5");
        assert_eq!(underlined("22-05"), "22");
        assert_eq!(underlined("2022-05-1 .. 2022-06"), "1");
        assert_eq!(underlined("May 2022"), "May");
        assert_eq!(underlined("2022"), "2022");
        assert_eq!(underlined("2022-05-10-11"), "2022-05-10-11");
        assert_eq!(err("2022-5").hint, HINT);
    }

    #[test]
    fn error_unknown_part_suggests_the_closest_word() {
        let e = err("2022-05 erly");
        assert_eq!((e.offset, e.len), (8, 4));
        assert!(e.message.contains("did you mean `early`"), "{}", e.message);
        assert!(e.hint.contains("2022-05 early"), "{}", e.hint);
        assert!(err("2022-05 lat").message.contains("`late`"));
        assert!(err("2022-05 middle").message.contains("`mid`"));
        assert!(err("2022-05 上旬").message.contains("`early`"));
        assert!(err("2022-05 下旬").message.contains("`late`"));
        let e = err("2022-05 Early");
        assert!(e.message.contains("`early`"));
        assert_eq!(underlined("2022-05 Early"), "Early");
    }

    #[test]
    fn error_part_after_a_full_date_underlines_the_part() {
        let e = err("2022-05-10 early");
        assert_eq!((e.offset, e.len), (11, 5));
    }

    #[test]
    fn error_span_ending_before_it_starts_underlines_the_end() {
        let e = err("2022-11 .. 2022-09");
        assert_eq!((e.offset, e.len), (11, 7));
        assert!(e.message.contains("ends before it starts"));
        assert_eq!(underlined("2022-05 late .. 2022-05 mid"), "2022-05 mid");
        assert_eq!(underlined("2023-01-01 .. 2022-12 late"), "2022-12 late");
        assert_eq!(underlined("2022-05-15 .. 2022-05 early"), "2022-05 early");
    }

    #[test]
    fn error_span_whose_end_falls_inside_its_start() {
        let e = err("2022-05 .. 2022-05-10");
        assert!(e.message.contains("ends before it starts"));
        assert_eq!(underlined("2022-05 .. 2022-05-10"), "2022-05-10");
        assert_eq!(underlined("2022-05-20 .. 2022-05"), "2022-05");
    }

    #[test]
    fn error_span_missing_a_side_underlines_the_dots() {
        let e = err("2022-05 ..");
        assert_eq!((e.offset, e.len), (8, 2));
        assert!(e.message.contains("no end"));
        let e = err(".. 2022-05");
        assert_eq!((e.offset, e.len), (0, 2));
        assert!(e.message.contains("no start"));
    }

    #[test]
    fn error_wrong_separators_underline_the_separator() {
        assert_eq!(underlined("2022-05 ... 2022-06"), "...");
        assert_eq!(underlined("2022-05 . 2022-06"), ".");
        assert_eq!(underlined("2022-05 .. 2022-06 .. 2022-07"), "..");
        assert_eq!(err("2022-05 .. 2022-06 .. 2022-07").offset, 19);
        assert_eq!(underlined("2022-05～2022-06"), "～");
        assert_eq!(underlined("2022-05 ~ 2022-06"), "~");
        assert_eq!(underlined("2022-05 to 2022-06"), "to");
    }

    #[test]
    fn error_extra_words_underline_everything_after_the_date() {
        assert_eq!(underlined("2022-05 early please now"), "please now");
    }

    #[test]
    fn error_empty_input_reports_no_date() {
        let e = err("");
        assert_eq!((e.offset, e.len), (0, 0));
        let e = err("   ");
        assert_eq!((e.offset, e.len), (0, 3));
        assert_eq!(e.hint, HINT);
    }

    #[test]
    fn error_offsets_count_bytes_after_multibyte_text() {
        // The ideographic space is three bytes; the caller slices by these offsets.
        let s = "\u{3000}2022-13";
        let e = err(s);
        assert_eq!((e.offset, e.len), (8, 2));
        assert_eq!(&s[e.offset..e.offset + e.len], "13");
    }

    #[test]
    fn error_spans_always_slice_the_input_on_char_boundaries() {
        let inputs = [
            "令和４年５月",
            "2022-05 上旬",
            "２０２２-05",
            "2022-05 ..",
            "2022-０５-10",
            "2022-05-10 ～ 2022-06",
            "2022-05 early .. 中旬",
            "…",
            "2022-05 .. 2022-04 late",
        ];
        for s in inputs {
            let e = err(s);
            assert!(s.get(e.offset..e.offset + e.len).is_some(), "{s:?}: {e:?}");
            if let Err(e) = s.parse::<FiscalPoint>() {
                assert!(s.get(e.offset..e.offset + e.len).is_some(), "{s:?}: {e:?}");
            }
        }
        assert!("令和４年度".parse::<FiscalPoint>().is_err());
    }
}
