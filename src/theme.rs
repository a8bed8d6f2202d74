//! Themes: the default theme embedded at compile time, overridden file by file by
//! `themes/default/` on disk (so designers see changes without recompiling) and then by
//! the theme named in `site.yaml`.

use crate::diagnostics::Diagnostic;
use std::collections::BTreeMap;
use std::path::Path;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

#[derive(Debug, Default)]
pub struct Theme {
    /// Template name (path under `templates/`) to source.
    pub templates: BTreeMap<String, String>,
    /// Static files (path under `static/`) to bytes, copied to the output root.
    pub assets: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    fn add(&mut self, rel: &str, bytes: Vec<u8>, origin: &Path) -> Result<(), Diagnostic> {
        if let Some(name) = rel.strip_prefix("templates/") {
            let text = String::from_utf8(bytes).map_err(|_| {
                Diagnostic::error("E030", origin.join(rel), "this template is not valid UTF-8")
            })?;
            self.templates.insert(name.to_string(), text);
        } else if let Some(name) = rel.strip_prefix("static/") {
            self.assets.insert(name.to_string(), bytes);
        }
        Ok(())
    }

    fn overlay(&mut self, dir: &Path) -> Result<(), Diagnostic> {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                Diagnostic::error("E030", dir, format!("cannot read the theme: {e}"))
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            if rel.split('/').any(|p| p.starts_with('.')) {
                continue;
            }
            let bytes = std::fs::read(entry.path()).map_err(|e| {
                Diagnostic::error("E030", entry.path(), format!("cannot read: {e}"))
            })?;
            self.add(&rel, bytes, dir)?;
        }
        Ok(())
    }
}

/// Loads the theme for a site rooted at `root`.
pub fn load(root: &Path, name: Option<&str>) -> Result<Theme, Diagnostic> {
    let mut theme = Theme::default();
    for (rel, bytes) in embedded::FILES {
        theme.add(rel, bytes.to_vec(), Path::new("themes/default"))?;
    }
    let default_dir = root.join("themes").join("default");
    if default_dir.is_dir() {
        theme.overlay(&default_dir)?;
    }
    if let Some(name) = name.filter(|n| *n != "default") {
        let dir = root.join("themes").join(name);
        if !dir.is_dir() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(Diagnostic::error(
                "E030",
                "site.yaml",
                format!("the theme `{name}` named in site.yaml does not exist"),
            )
            .with_hint(format!(
                "create themes/{name}/templates/ or remove `theme:` to use the default theme"
            )));
        }
        theme.overlay(&dir)?;
    }
    Ok(theme)
}
