//! The one step serve asks of the library: the site after some source files changed.
//! Kept behind this boundary so the way it is computed can change without touching the
//! server; today it is the library's incremental [`tebiki::Session`], which re-renders
//! only the pages whose inputs changed and equals a clean build (tests/session.rs).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tebiki::diagnostics::Diagnostics;
use tebiki::outputs::Data;
use tebiki::{Options, Session};

pub struct Rebuild {
    session: Session,
}

/// A successful rebuild: the output paths that changed, and the warnings.
pub struct Built {
    pub changed: Vec<String>,
    pub warnings: Diagnostics,
    /// How long each step took (`--timings` prints them).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Rebuild {
    pub fn new(options: Options) -> Self {
        Rebuild {
            session: Session::new(options),
        }
    }

    /// Rebuilds after `changed` source files changed (empty: everything is read); the
    /// diagnostics `check` prints when the site is broken.
    pub fn run(&mut self, changed: &[PathBuf]) -> Result<Built, Diagnostics> {
        let update = self.session.update(changed)?;
        Ok(Built {
            changed: update.changed,
            warnings: update.diagnostics,
            timings: update.timings,
        })
    }

    /// Every output file of the last successful rebuild.
    pub fn files(&self) -> &BTreeMap<String, Arc<Data>> {
        self.session.files()
    }
}
