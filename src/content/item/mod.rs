//! Markdown items (survey, law, roadmap item, free page): their vocabulary, their model,
//! and the reader of their front matter.

mod model;
mod reader;
mod vocabulary;

pub use crate::kind::Kind;
pub use model::{Common, Details, Item, Milestone, Route};
pub(crate) use reader::read_cooperation;
pub use reader::{missing_source, read};
pub use vocabulary::{Basis, Category, Cooperation, LawStatus, Method, MilestoneState};
