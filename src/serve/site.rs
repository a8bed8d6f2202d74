//! The site serve answers from: immutable generations, each a complete table of output
//! paths, swapped whole behind an `Arc`. A request takes the current generation once and
//! answers only from it, so a rebuild never shows it half old, half new. Pages are shared
//! with the rebuild's own table (an `Arc` each), not copied.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tebiki::outputs::Data;

/// A file's body. Assets are read into the generation too (from the source path the
/// plan names, never any other), so a picture saved while the site is broken or
/// rebuilding does not show beside pages of another generation.
#[derive(Clone)]
pub enum Body {
    /// A page or generated file, as the rebuild holds it (packed, `Data::Packed`).
    Made(Arc<Data>),
    /// An asset's bytes and the content file they were read from.
    Asset(Bytes, Arc<Path>),
}

/// Bytes shared between generations and responses.
#[derive(Clone)]
pub struct Bytes(Arc<[u8]>);

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Body {
    /// The file's bytes: a made file's unpacked for this answer, an asset's shared.
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Body::Made(data) => data.bytes().unwrap_or_default(),
            Body::Asset(bytes, _) => Cow::Borrowed(bytes.as_ref()),
        }
    }

    /// A reader of the bytes and their length; an asset's are shared, not copied.
    pub fn reader(&self) -> (Box<dyn std::io::Read + Send>, usize) {
        match self {
            Body::Made(data) => {
                let bytes = data.bytes().unwrap_or_default().into_owned();
                let len = bytes.len();
                (Box::new(std::io::Cursor::new(bytes)), len)
            }
            Body::Asset(bytes, _) => (
                Box::new(std::io::Cursor::new(bytes.clone())),
                bytes.as_ref().len(),
            ),
        }
    }
}

/// One complete built site.
pub struct Generation {
    /// Unique across server runs, so a page reopened after a restart sees a new one.
    pub id: String,
    /// Keys shared with the generation before where the path is the same.
    pub files: HashMap<Arc<str>, Body>,
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
    /// Only the paths among `named`: after a generation that left files out, those are
    /// new to the reader only when the rebuild names them.
    pub fn within(self, named: &[String]) -> Changed {
        let named: BTreeSet<&String> = named.iter().collect();
        match self {
            Changed::Paths(p) => {
                Changed::Paths(p.into_iter().filter(|p| named.contains(p)).collect())
            }
            Changed::All if named.len() <= MAX_LISTED => {
                Changed::Paths(named.into_iter().cloned().collect())
            }
            Changed::All => Changed::All,
        }
    }

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

    /// The generation of a rebuild's `files` but those at `left_out` (files the rebuild has
    /// not made yet), of which `made` (output paths) changed, sharing assets with
    /// `previous`. `sources` are the content files changed on disk
    /// since `previous` was made (absolute, as the plan's are: serve canonicalises the
    /// root): an asset copied from one of them is read again, though its output path and
    /// source path stayed the same.
    pub fn next(
        previous: &Generation,
        id: String,
        files: &BTreeMap<String, Arc<Data>>,
        made: &[String],
        sources: &[PathBuf],
        left_out: &BTreeSet<String>,
    ) -> (Generation, Changed) {
        let mut changed: BTreeSet<String> = made
            .iter()
            .filter(|p| !left_out.contains(*p))
            .cloned()
            .collect();
        let mut table = HashMap::with_capacity(files.len());
        for (path, data) in files {
            if left_out.contains(path) {
                continue;
            }
            let (key, old) = match previous.files.get_key_value(path.as_str()) {
                Some((key, old)) => (key.clone(), Some(old)),
                None => (Arc::from(path.as_str()), None),
            };
            let body = match &**data {
                Data::Bytes(_) | Data::Packed(_) => {
                    if old.is_none() {
                        changed.insert(path.clone());
                    }
                    Body::Made(data.clone())
                }
                Data::Copy(from) => match old {
                    Some(Body::Asset(bytes, source))
                        if **source == **from && !sources.contains(from) =>
                    {
                        Body::Asset(bytes.clone(), source.clone())
                    }
                    _ => match std::fs::read(from) {
                        Ok(bytes) => {
                            changed.insert(path.clone());
                            Body::Asset(Bytes(bytes.into()), from.as_path().into())
                        }
                        // Removed since the plan was made: the next rebuild drops it.
                        Err(_) => {
                            changed.insert(path.clone());
                            continue;
                        }
                    },
                },
            };
            table.insert(key, body);
        }
        // Files left out are not made yet, not removed.
        changed.extend(
            previous
                .files
                .keys()
                .filter(|p| !table.contains_key(&***p) && !left_out.contains(&***p))
                .map(|p| p.to_string()),
        );
        let changed = if changed.len() > MAX_LISTED {
            Changed::All
        } else {
            Changed::Paths(changed)
        };
        (Generation { id, files: table }, changed)
    }
}
