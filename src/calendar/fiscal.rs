//! Roadmap milestones: a month or a whole fiscal year (`FY2022`, April to March), their
//! parsing and the days they cover.

use super::date::{fixed_digits, parse_date_like, DateLike};
use super::when::{when_err, with_hint, words, WhenError};
use super::{Date, YearMonth};
use std::fmt;
use std::str::FromStr;

const FISCAL_HINT: &str = "write a month like `2021-10` or a fiscal year like `FY2022`";

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
