//! The four kinds of item, the vocabulary every stage shares: how each is named in
//! Japanese and which folder of `content/` holds it. Below the URL layout (which places
//! each kind's pages) and the loader (which sorts files into kinds).

/// The four kinds of Markdown item, each in its own folder of `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Survey,
    Law,
    Roadmap,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Survey, Kind::Law, Kind::Roadmap, Kind::Page];

    /// The folder under `content/`; the output's section of the same name is
    /// [`crate::urls::section_url`]'s.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Survey => "surveys",
            Kind::Law => "laws",
            Kind::Roadmap => "roadmap",
            Kind::Page => "pages",
        }
    }

    pub fn from_dir(dir: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.dir() == dir)
    }

    /// Japanese name of the kind, for headings and labels.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Survey => "統計調査",
            Kind::Law => "法律",
            Kind::Roadmap => "工程表",
            Kind::Page => "解説",
        }
    }
}
