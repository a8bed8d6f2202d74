//! Where rendered files go: one trait, three sinks. The render stage hands each file over
//! as soon as it is made, from many threads at once.

use super::Staging;
use crate::diagnostics::Diagnostic;
use crate::plan::files::{Data, OutputFile};
use rayon::prelude::*;
use std::sync::{Mutex, PoisonError};

/// Takes rendered files; `n` is the file's place in the plan, so a sink that keeps them
/// can give them back in a fixed order whatever order the threads finish in.
pub trait Sink: Sync {
    fn put(&self, n: usize, file: OutputFile) -> Result<(), Diagnostic>;
}

/// Keeps every file, for `serve` or until the privacy guard has seen them all.
#[derive(Default)]
pub struct Memory(Mutex<Vec<(usize, OutputFile)>>);

impl Memory {
    pub fn new() -> Memory {
        Memory::default()
    }

    /// The files in plan order.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.0.into_inner().unwrap_or_else(PoisonError::into_inner);
        files.sort_unstable_by_key(|(n, _)| *n);
        files.into_iter().map(|(_, f)| f).collect()
    }
}

impl Sink for Memory {
    fn put(&self, n: usize, file: OutputFile) -> Result<(), Diagnostic> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((n, file));
        Ok(())
    }
}

/// Drops every file: `check`, and a build that already failed but still renders every
/// page to report every template error.
pub struct Null;

impl Sink for Null {
    fn put(&self, _: usize, _: OutputFile) -> Result<(), Diagnostic> {
        Ok(())
    }
}

/// Writes into the staging folder (pages as they come, content files copied).
impl Sink for Staging {
    fn put(&self, _: usize, file: OutputFile) -> Result<(), Diagnostic> {
        let written = match (&file.data, file.data.bytes()) {
            (Data::Copy(from), _) => self.copy(from, &file.path),
            (_, bytes) => self.write(&file.path, &bytes.unwrap_or_default()),
        };
        written.map_err(|e| io_error(self.target(), e))
    }
}

/// Hands kept files to a sink, in parallel.
pub fn write_all(files: Vec<OutputFile>, sink: &dyn Sink) -> Result<(), Diagnostic> {
    files
        .into_par_iter()
        .enumerate()
        .try_for_each(|(n, f)| sink.put(n, f))
}

/// A file of the output could not be written.
pub fn io_error(output: &std::path::Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error("E041", output, format!("cannot write the output: {e}"))
        .with_hint("check that the output folder's parent exists and is writable")
}
