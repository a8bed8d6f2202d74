//! The one step serve asks of the library: the site after some source files changed.
//! Kept behind this boundary so the way it is computed (a whole build into memory, or an
//! incremental session) can change without touching the server.

use std::path::PathBuf;
use tebiki::diagnostics::Diagnostics;
use tebiki::outputs::OutputFile;
use tebiki::Options;

pub struct Rebuild {
    options: Options,
}

/// A successful rebuild: every output file, and the warnings.
pub struct Built {
    pub files: Vec<OutputFile>,
    pub warnings: Diagnostics,
}

impl Rebuild {
    pub fn new(options: Options) -> Self {
        Rebuild { options }
    }

    /// The whole site after `changed` source files changed (empty: the first build);
    /// the diagnostics of `check` when it is broken.
    pub fn run(&mut self, _changed: &[PathBuf]) -> Result<Built, Diagnostics> {
        let built = tebiki::build_in_memory(&self.options)?;
        Ok(Built {
            files: built.files,
            warnings: built.report.diagnostics,
        })
    }
}
