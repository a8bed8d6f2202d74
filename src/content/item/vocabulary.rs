//! The closed sets of values items are described with (the statistics' field, survey
//! methods, a law's status, a milestone's state and the basis of its date, local
//! governments' cooperation): the key editors write for each and the label readers see.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Health,
    Welfare,
    Labour,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::Health, Category::Welfare, Category::Labour];
    pub(super) const CHOICES: [(&'static str, Category); 3] = [
        ("health", Category::Health),
        ("welfare", Category::Welfare),
        ("labour", Category::Labour),
    ];

    pub fn key(self) -> &'static str {
        match self {
            Category::Health => "health",
            Category::Welfare => "welfare",
            Category::Labour => "labour",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Health => "保健統計",
            Category::Welfare => "社会福祉統計",
            Category::Labour => "労働統計",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Online,
    Mail,
    Enumerator,
    Prefecture,
}

impl Method {
    pub(super) const CHOICES: [(&'static str, Method); 4] = [
        ("online", Method::Online),
        ("mail", Method::Mail),
        ("enumerator", Method::Enumerator),
        ("prefecture", Method::Prefecture),
    ];

    pub fn label(self) -> &'static str {
        match self {
            Method::Online => "オンライン",
            Method::Mail => "郵送",
            Method::Enumerator => "調査員",
            Method::Prefecture => "都道府県経由",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LawStatus {
    Enacted,
    InForce,
    Repealed,
    Planned,
}

impl LawStatus {
    pub(super) const CHOICES: [(&'static str, LawStatus); 4] = [
        ("enacted", LawStatus::Enacted),
        ("in_force", LawStatus::InForce),
        ("repealed", LawStatus::Repealed),
        ("planned", LawStatus::Planned),
    ];

    pub fn label(self) -> &'static str {
        match self {
            LawStatus::Enacted => "成立",
            LawStatus::InForce => "施行",
            LawStatus::Repealed => "廃止",
            LawStatus::Planned => "予定",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneState {
    Done,
    Planned,
}

impl MilestoneState {
    pub(super) const CHOICES: [(&'static str, MilestoneState); 2] = [
        ("done", MilestoneState::Done),
        ("planned", MilestoneState::Planned),
    ];

    pub fn key(self) -> &'static str {
        match self {
            MilestoneState::Done => "done",
            MilestoneState::Planned => "planned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MilestoneState::Done => "実施済み",
            MilestoneState::Planned => "予定",
        }
    }
}

/// Whether a survey asks local governments to cooperate (協力依頼). The seed marks the
/// surveys that do in bold, and the bold may be lost: "not requested" is a claim of its
/// own, so an absent field is `Unknown`, never `NotRequested`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cooperation {
    Requested,
    NotRequested,
    #[default]
    Unknown,
}

impl Cooperation {
    /// `true`, `false` or nothing, as written in the YAML and exported to data.json.
    pub fn as_option(self) -> Option<bool> {
        match self {
            Cooperation::Requested => Some(true),
            Cooperation::NotRequested => Some(false),
            Cooperation::Unknown => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Cooperation::Requested => "requested",
            Cooperation::NotRequested => "not_requested",
            Cooperation::Unknown => "unknown",
        }
    }

    /// How readers see it; the unknown state says so rather than passing for "no".
    pub fn label(self) -> &'static str {
        match self {
            Cooperation::Requested => "協力を依頼している調査",
            Cooperation::NotRequested => "協力を依頼していない調査",
            Cooperation::Unknown => "不明（資料から読み取れない）",
        }
    }
}

/// How the date of a milestone is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Basis {
    /// The seed says the date in words.
    #[default]
    Stated,
    /// Read from the layout of a figure (a bar's position on a time axis): a reading,
    /// shown as such wherever the date appears.
    Read,
}

impl Basis {
    pub(super) const CHOICES: [(&'static str, Basis); 2] =
        [("stated", Basis::Stated), ("read", Basis::Read)];

    pub fn key(self) -> &'static str {
        match self {
            Basis::Stated => "stated",
            Basis::Read => "read",
        }
    }

    /// The words shown next to a date read from a figure; none for a stated date.
    pub fn label(self) -> Option<&'static str> {
        match self {
            Basis::Stated => None,
            Basis::Read => Some("時期は資料の図からの読み取り"),
        }
    }
}
