//! Bodies of content files, which are load-stage work: each Markdown body is parsed
//! exactly once, into a [`Body`] (sanitised HTML, headings, the links it makes), before
//! the site graph is resolved from those links.

pub mod highlight;
pub mod markdown;
pub mod sanitize;

pub use markdown::{Body, BodyLink, BodySource, Heading, LinkTarget};
