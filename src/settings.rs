//! Settings of one build that several stages honour, and what each of them means. The
//! profile's one rule lives here: [`Profile::person`] is the only way any output reads
//! the `person` of a contact, so a public build drops every name in one function.

use crate::content::Contact;
use serde::Serialize;

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
