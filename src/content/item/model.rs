//! What a Markdown item is once loaded: the fields every kind shares, the details of
//! each kind, and the file it came from.

use super::{Basis, Category, Cooperation, LawStatus, Method, MilestoneState};
use crate::calendar::{Date, FiscalPoint, When};
use crate::content::source::SourceFile;
use crate::content::yaml::Spanned;
use crate::kind::Kind;

/// One arrow chain of a survey's 調査経路; a step with several names is a branching.
#[derive(Debug, Clone)]
pub struct Route {
    pub name: Option<String>,
    pub path: Vec<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Milestone {
    pub label: String,
    pub start: FiscalPoint,
    pub end: Option<FiscalPoint>,
    pub state: Option<MilestoneState>,
    pub basis: Basis,
    /// How the date was read, or anything else the editor wants readers to know.
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Details {
    Survey {
        category: Category,
        frequency: String,
        methods: Vec<Method>,
        routes: Vec<Route>,
        local_government: Cooperation,
        uses: Vec<String>,
        laws: Vec<Spanned<String>>,
        roadmap: Vec<Spanned<String>>,
    },
    Law {
        short_title: Option<String>,
        status: Option<LawStatus>,
        effective: Option<When>,
        amends: Vec<Spanned<String>>,
    },
    Roadmap {
        program: String,
        number: Option<String>,
        milestones: Vec<Milestone>,
        laws: Vec<Spanned<String>>,
    },
    Page {
        weight: i64,
    },
}

/// The fields every kind shares.
#[derive(Debug, Clone)]
pub struct Common {
    pub title: String,
    pub summary: Option<String>,
    pub draft: bool,
    /// A draft published anyway by a preview build (`--drafts`), marked as such.
    pub previewed_draft: bool,
    pub updated: Option<Date>,
    pub tags: Vec<Spanned<String>>,
    pub contacts: Vec<Spanned<String>>,
    pub related: Vec<Spanned<String>>,
    /// Where in the briefing the item's facts come from (section and heading).
    pub source: Option<String>,
}

/// A Markdown item after loading: where it came from and what its front matter says.
#[derive(Debug)]
pub struct Item {
    pub kind: Kind,
    pub id: String,
    pub source: SourceFile,
    pub common: Common,
    pub details: Details,
}

impl Item {
    /// The byte range of the title's value in the file, for diagnostics about the item
    /// as a whole (its id is its file name, written nowhere inside): the `title:` key
    /// that starts a line of the front matter, the one form the content model shows.
    pub fn title_span(&self) -> Option<std::ops::Range<usize>> {
        let fm = self.source.front_matter.clone();
        let yaml = self.source.text.get(fm.clone())?;
        let mut offset = fm.start;
        for line in yaml.split_inclusive('\n') {
            if let Some(value) = line.strip_prefix("title:") {
                let start = offset + "title:".len() + (value.len() - value.trim_start().len());
                let end = offset + "title:".len() + value.trim_end().len();
                return Some(start..end.max(start));
            }
            offset += line.len();
        }
        None
    }
}
