//! The site serve answers from: immutable generations, each a complete table of output
//! paths, swapped whole behind an `Arc`. A request takes the current generation once and
//! answers only from it, so a rebuild never shows it half old, half new. Unchanged files
//! share their bytes with the generation before.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tebiki::outputs::{Data, OutputFile};

/// A file's body. Assets are read into the generation too (from the source path the
/// plan names, never any other), so a picture saved while the site is broken or
/// rebuilding does not show beside pages of another generation.
#[derive(Clone)]
pub struct Body {
    pub bytes: Arc<[u8]>,
    /// The asset's source, for an asset.
    pub source: Option<Arc<Path>>,
}

/// One complete built site.
pub struct Generation {
    /// Unique across server runs, so a page reopened after a restart sees a new one.
    pub id: String,
    pub files: HashMap<String, Body>,
}

/// What changed from one generation to the next, by output path.
pub enum Changed {
    /// These paths (added, removed or different).
    Paths(BTreeSet<String>),
    /// Too many to list: every page reloads.
    All,
}

/// More changed paths than this are not listed in the reload event.
const MAX_LISTED: usize = 2000;

impl Changed {
    pub fn is_empty(&self) -> bool {
        matches!(self, Changed::Paths(p) if p.is_empty())
    }

    pub fn count(&self, generation: &Generation) -> usize {
        match self {
            Changed::Paths(p) => p.len(),
            Changed::All => generation.files.len(),
        }
    }
}

impl Generation {
    pub fn empty(id: String) -> Self {
        Generation {
            id,
            files: HashMap::new(),
        }
    }

    /// The generation of a fresh build, sharing what did not change with `previous`.
    /// `sources` are the content files that changed on disk (absolute, as the plan's
    /// are: serve canonicalises the root): an asset copied from one of them changed
    /// even though its output path and source path did not.
    pub fn next(
        previous: &Generation,
        id: String,
        files: Vec<OutputFile>,
        sources: &[PathBuf],
    ) -> (Generation, Changed) {
        let mut changed = BTreeSet::new();
        let mut table = HashMap::with_capacity(files.len());
        for file in files {
            let old = previous.files.get(&file.path);
            let body = match file.data {
                Data::Bytes(bytes) => match old {
                    Some(o) if o.source.is_none() && *o.bytes == *bytes => o.clone(),
                    _ => {
                        changed.insert(file.path.clone());
                        Body {
                            bytes: bytes.into(),
                            source: None,
                        }
                    }
                },
                Data::Copy(from) => match old {
                    Some(o)
                        if o.source.as_deref() == Some(from.as_path())
                            && !sources.contains(&from) =>
                    {
                        o.clone()
                    }
                    _ => match std::fs::read(&from) {
                        Ok(bytes) => {
                            changed.insert(file.path.clone());
                            Body {
                                bytes: bytes.into(),
                                source: Some(from.into()),
                            }
                        }
                        // Removed since the plan was made: the next rebuild drops it.
                        Err(_) => {
                            changed.insert(file.path.clone());
                            continue;
                        }
                    },
                },
            };
            table.insert(file.path, body);
        }
        changed.extend(
            previous
                .files
                .keys()
                .filter(|p| !table.contains_key(*p))
                .cloned(),
        );
        let changed = if changed.len() > MAX_LISTED {
            Changed::All
        } else {
            Changed::Paths(changed)
        };
        (Generation { id, files: table }, changed)
    }
}
