//! Civil dates: the proleptic Gregorian day and month, their strict `YYYY-MM(-DD)`
//! parsing with the byte span of what is wrong, and the little arithmetic the site needs
//! (month lengths, the next day, the April-to-March fiscal year).
//!
//! Kept here rather than taken from jiff: the site needs only month lengths and the next
//! day (some forty lines), while jiff brings about 96,000 lines of source (time zones,
//! spans, its own parser) and about ten seconds of CPU to a cold build, and its errors do
//! not carry the byte spans our diagnostics underline. Measured for issue 11.

use std::fmt;
use std::str::FromStr;

/// Proleptic Gregorian rule.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Zero for a month outside 1–12, so no day validates against it.
pub(super) fn month_len(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
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

pub(super) fn date_err(message: impl Into<String>, offset: usize, len: usize) -> DateError {
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

pub(super) enum DateLike {
    Month(YearMonth),
    Day(Date),
}

/// `offset` is where `text` sits in the caller's string, for the underline.
pub(super) fn fixed_digits(
    text: &str,
    offset: usize,
    width: usize,
    what: &str,
) -> Result<u32, DateError> {
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
pub(super) fn parse_date_like(s: &str, base: usize) -> Result<DateLike, DateError> {
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
