//! Schedule and roadmap dates: what editors write in YAML, parsed strictly; the days
//! each covers (for iCalendar and "upcoming"); and their Japanese labels with the era
//! (和暦). One module per concept: `date` (civil dates and their arithmetic), `when` (the
//! schedule's date grammar), `fiscal` (roadmap milestones), `japanese` (labels).

mod date;
mod fiscal;
mod japanese;
mod when;

pub use date::{is_leap_year, Date, DateError, YearMonth};
pub use fiscal::FiscalPoint;
pub use japanese::{era_year, fiscal_year_label, ja_number};
pub use when::{Part, Point, When, WhenError};

#[cfg(test)]
mod tests;
