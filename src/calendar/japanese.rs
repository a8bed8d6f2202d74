//! Dates in Japanese as the ministry writes them: the era (和暦) in force on a day, the
//! fiscal-year label (令和４年度), full-width lone digits, and the labels of schedule
//! dates and milestones, with the elisions of a span (５月上旬～中旬). The era table is
//! ours: no date crate knows the government's style.

use super::{Date, FiscalPoint, Point, When};

/// Newest first, so the first era whose start is not after a date is the one in force.
const ERAS: [(&str, i32, u32, u32); 5] = [
    ("令和", 2019, 5, 1),
    ("平成", 1989, 1, 8),
    ("昭和", 1926, 12, 25),
    ("大正", 1912, 7, 30),
    ("明治", 1868, 10, 23),
];

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

impl Date {
    /// "令和４年６月20日".
    pub fn japanese(self) -> String {
        When::At(Point::Day(self)).japanese()
    }
}

#[derive(Clone, Copy)]
pub(super) enum Style {
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
    /// "令和４年５月上旬", "令和４年12月下旬～令和５年１月".
    pub fn japanese(&self) -> String {
        Style::Japanese.render(self)
    }

    /// Secondary western form, "2022年5月上旬".
    pub fn western_label(&self) -> String {
        Style::Western.render(self)
    }
}

impl FiscalPoint {
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
