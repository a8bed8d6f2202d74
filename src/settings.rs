//! Settings of one build ([`Options`]) and what the ones several stages honour mean. The
//! profile's one rule lives here: [`Profile::person`] is the only way any output reads
//! the `person` of a contact, so a public build drops every name in one function.

use crate::calendar::Date;
use crate::content::Contact;
use serde::Serialize;
use std::path::PathBuf;

/// Which personal data may leave the building.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// For the intranet: contact persons are shown.
    Intranet,
    /// For the open web: no person's name is written to any output file.
    Public,
}

impl Profile {
    /// The contact person of a row as outputs may write it: `None` in the public profile.
    /// Pages, data.json, CSV and vCard all take the name from here and nowhere else.
    pub fn person(self, row: &Contact) -> Option<&str> {
        match self {
            Profile::Intranet => row.person.as_deref(),
            Profile::Public => None,
        }
    }
}

/// What a build or check is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site's folder: holds `content/` and optionally `themes/`.
    pub root: PathBuf,
    /// Where the site is written; relative paths are relative to the current folder.
    pub output: PathBuf,
    pub profile: Profile,
    pub base_path: String,
    /// The day "upcoming events" count from; defaults to the first day of the newest
    /// fiscal year in `schedule/`, so builds stay reproducible.
    pub today: Option<Date>,
    /// A preview build: drafts are published (marked as drafts) and may be referenced.
    pub drafts: bool,
    /// Replaces an output folder that tebiki did not write (one without the
    /// [`crate::write::MARKER`] file); the guard of sources, home and `/` still holds.
    pub force: bool,
    /// Told how many pages are written, a few times a second (the command line sets it
    /// when stderr is a terminal).
    pub progress: Option<crate::progress::Report>,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Options {
            output: root.join("public"),
            root,
            profile: Profile::Intranet,
            base_path: "/".into(),
            today: None,
            drafts: false,
            force: false,
            progress: None,
        }
    }
}
