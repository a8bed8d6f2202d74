//! Stage 1, loading: walks `content/`, decodes every file and reads it into typed values
//! (items, site settings, contacts, schedules). Nothing here knows about other files.

pub mod body;
pub mod data;
pub mod item;
pub mod source;
pub mod yaml;

pub use data::{Contact, Contacts, Event, EventKind, Schedule, SiteConfig, Track};
pub use item::{
    Basis, Category, Common, Cooperation, Details, Item, Kind, LawStatus, Method, Milestone,
    MilestoneState, Route,
};
pub use source::SourceFile;
pub use yaml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Content {
    pub site: SiteConfig,
    pub contacts: Contacts,
    pub contacts_source: Option<(PathBuf, String)>,
    /// `site.yaml` as read, to point diagnostics found later at its lines.
    pub site_source: Option<(PathBuf, String)>,
    pub schedules: Vec<Schedule>,
    pub items: Vec<Item>,
    /// The home page's introduction (`content/_index.md`), if any.
    pub home: Option<SourceFile>,
    /// Other files (pictures, PDFs), relative to `content/`, copied as they are.
    pub assets: Vec<PathBuf>,
    /// Names on disk (relative to `content/`) of files whose name is not in NFC, keyed
    /// by the NFC name every other stage uses.
    pub disk_names: HashMap<PathBuf, PathBuf>,
    /// Items whose file exists but could not be read (already reported): references to
    /// them are not reported again.
    pub unloaded: Vec<(Kind, String, PathBuf)>,
    /// Symbolic links inside `content/` (relative, NFC): a file below one changes when
    /// its target does, under another name.
    pub links: Vec<PathBuf>,
}

impl Content {
    /// Where the content file known as `rel` is on disk, relative to `content/`.
    pub fn disk_path<'a>(&'a self, rel: &'a Path) -> &'a Path {
        self.disk_names.get(rel).map_or(rel, PathBuf::as_path)
    }

    /// For a preview build: drafts are published like other items, marked as drafts.
    pub fn publish_drafts(&mut self) {
        for item in &mut self.items {
            if item.common.draft {
                item.common.draft = false;
                item.common.previewed_draft = true;
            }
        }
    }
}

/// The id rule of the content model: lower-case ASCII words joined by `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// What an invalid id should probably have been.
pub fn suggest_id(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[derive(Clone)]
enum Entry {
    Item(Kind, String),
    Home,
    Site,
    Contacts,
    Schedule,
    Asset,
    Ignored,
}

fn classify(rel: &Path) -> Entry {
    let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
    let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
    let stem = rel
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string();
    match (parts.as_slice(), ext) {
        (["_index.md"], _) => Entry::Home,
        (["site.yaml"], _) => Entry::Site,
        (["contacts.yaml"], _) => Entry::Contacts,
        (["schedule", _], "yaml") => Entry::Schedule,
        ([dir, _], "md") if Kind::from_dir(dir).is_some() => {
            Entry::Item(Kind::from_dir(dir).unwrap_or(Kind::Page), stem)
        }
        (["pages", ..], "md") => Entry::Item(Kind::Page, stem),
        (_, "md" | "yaml" | "yml") => Entry::Ignored,
        _ => Entry::Asset,
    }
}

fn rel_path(root: &Path, path: &Path) -> PathBuf {
    let rel = path.strip_prefix(root).unwrap_or(path);
    PathBuf::from(rel.to_string_lossy().replace('\\', "/"))
}

/// Loads `content_dir`, reporting every problem it can find in single files.
pub fn load(content_dir: &Path) -> (Content, Diagnostics) {
    let mut diags = Diagnostics::default();
    let content = Content::default();
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::error("E001", content_dir, "there is no content folder here")
                .with_hint("run the command in the site's folder (the one holding `content/`), or pass `--root DIR`"),
        );
        return (content, diags);
    }
    let (files, disk_names, links) = walk(content_dir, &mut diags);
    let read_file = |rel: &Path| {
        let disk = disk_names.get(rel).map_or(rel, PathBuf::as_path);
        std::fs::read(content_dir.join(disk))
            .map_err(|e| Diagnostic::error("E001", rel, format!("cannot read the file: {e}")))
    };
    let mut content = content;
    content.disk_names = disk_names.clone();
    content.links = links;
    read_entries(files, &read_file, content, diags, None)
}

/// The items an earlier load parsed, for a later load of the same folder after a few
/// files changed (serve's session): an item whose file is not named changed is taken as
/// it was instead of being read and parsed again.
#[derive(Default)]
pub struct Memo {
    /// By path relative to `content/` (NFC): what reading it found wrong, and the item:
    /// `Some(None)` when it could not be read, `None` while the content holds it.
    items: HashMap<PathBuf, (Option<Option<Item>>, Vec<Diagnostic>)>,
    /// The last walk of the folder and what it found wrong, for a load after files that
    /// it found were only edited in place ([`load_known`]).
    walked: Option<(Walked, Vec<Diagnostic>)>,
}

/// What a walk of `content/` found: every file classified, the names on disk that are
/// not NFC, the symbolic links followed.
type Walked = (
    Vec<(PathBuf, Entry)>,
    HashMap<PathBuf, PathBuf>,
    Vec<PathBuf>,
);

impl Memo {
    /// Takes back the items of a load (the memo owns them between loads).
    pub fn reclaim(&mut self, content: Content) {
        for item in content.items {
            if let Some(entry) = self.items.get_mut(&item.source.path) {
                entry.0 = Some(Some(item));
            }
        }
    }

    /// Forgets the file `rel` (relative to `content/`) and every file below it.
    pub fn forget(&mut self, rel: &Path) {
        if self.items.remove(rel).is_none() {
            self.items.retain(|path, _| !path.starts_with(rel));
        }
    }

    pub fn clear(&mut self) {
        self.items.clear();
        self.walked = None;
    }

    /// Whether the last walk found a file at `rel` (relative to `content/`, NFC).
    pub fn walked_file(&self, rel: &Path) -> bool {
        self.walked
            .as_ref()
            .is_some_and(|((files, _, _), _)| files.iter().any(|(p, _)| p == rel))
    }

    /// Whether the last walk found a file at `rel` or below it, or there was none.
    pub fn walked_at_or_below(&self, rel: &Path) -> bool {
        self.walked
            .as_ref()
            .is_none_or(|((files, _, _), _)| files.iter().any(|(p, _)| p.starts_with(rel)))
    }
}

/// [`load`], reusing the items `memo` remembers and remembering every item read.
pub fn load_with(content_dir: &Path, memo: &mut Memo) -> (Content, Diagnostics) {
    let mut diags = Diagnostics::default();
    if !content_dir.is_dir() {
        memo.walked = None;
        return load(content_dir);
    }
    let mut walk_diags = Diagnostics::default();
    let walked = walk(content_dir, &mut walk_diags);
    memo.walked = Some((walked.clone(), walk_diags.iter().cloned().collect()));
    diags.extend(walk_diags);
    read_walked(content_dir, walked, diags, memo)
}

/// [`load_with`] without walking the folder again: the files are those of the last walk.
/// Only for a load after files of that walk were edited in place (none added, removed,
/// renamed, or a symbolic link): serve knows that from the watcher's events.
pub fn load_known(content_dir: &Path, memo: &mut Memo) -> (Content, Diagnostics) {
    let Some((walked, walk_diags)) = memo.walked.clone() else {
        return load_with(content_dir, memo);
    };
    let mut diags = Diagnostics::default();
    diags.extend(walk_diags);
    read_walked(content_dir, walked, diags, memo)
}

fn read_walked(
    content_dir: &Path,
    (files, disk_names, links): Walked,
    diags: Diagnostics,
    memo: &mut Memo,
) -> (Content, Diagnostics) {
    let read_file = |rel: &Path| {
        let disk = disk_names.get(rel).map_or(rel, PathBuf::as_path);
        std::fs::read(content_dir.join(disk))
            .map_err(|e| Diagnostic::error("E001", rel, format!("cannot read the file: {e}")))
    };
    let content = Content {
        disk_names: disk_names.clone(),
        links,
        ..Content::default()
    };
    read_entries(files, &read_file, content, diags, Some(memo))
}

/// Walks `content/`, classifying every file by its name in NFC. Symbolic links are
/// followed only while they stay inside `content/`: anyone who can commit content must
/// not be able to publish the build machine's files. Returns the files and, for those
/// whose name on disk is not NFC, the name on disk, and the links followed.
#[allow(clippy::type_complexity)]
fn walk(
    content_dir: &Path,
    diags: &mut Diagnostics,
) -> (
    Vec<(PathBuf, Entry)>,
    HashMap<PathBuf, PathBuf>,
    Vec<PathBuf>,
) {
    let mut links: Vec<PathBuf> = Vec::new();
    let mut files: Vec<(PathBuf, Entry)> = Vec::new();
    let mut disk_names: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut nfc_names: HashMap<PathBuf, PathBuf> = HashMap::new();
    let Ok(real_content) = content_dir.canonicalize() else {
        diags.push(Diagnostic::error(
            "E001",
            content_dir,
            "the content folder cannot be read",
        ));
        return (files, disk_names, links);
    };
    let mut walker = walkdir::WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                diags.push(walk_error(content_dir, &err));
                continue;
            }
        };
        let is_dir = entry.file_type().is_dir();
        let disk_rel = entry
            .path()
            .strip_prefix(content_dir)
            .unwrap_or(entry.path());
        if disk_rel.as_os_str().is_empty() {
            continue;
        }
        let Some(disk_text) = disk_rel.to_str() else {
            diags.push(
                Diagnostic::error(
                    "E053",
                    rel_path(content_dir, entry.path()),
                    "this name is not valid UTF-8, so it cannot be published or linked to",
                )
                .with_hint(
                    "rename it using UTF-8 (e.g. on a machine set to UTF-8, or with `convmv`)",
                ),
            );
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        };
        let disk_text = disk_text.replace('\\', "/");
        if disk_text.split('/').any(|p| p.starts_with('.')) {
            // Hidden files are never published; do not even look inside hidden folders.
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Ok(real) if real.starts_with(&real_content) => {
                    links.push(PathBuf::from(source::nfc(&disk_text).into_owned()));
                }
                Ok(real) => {
                    let written = std::fs::read_link(entry.path()).unwrap_or_else(|_| real.clone());
                    let target = if written == real {
                        written.display().to_string()
                    } else {
                        format!("{} (that is, {})", written.display(), real.display())
                    };
                    diags.push(
                        Diagnostic::error(
                            "E050",
                            PathBuf::from(&disk_text),
                            format!(
                                "this is a symbolic link to {target}, outside content/: it would publish files of the machine that builds the site"
                            ),
                        )
                        .with_hint("copy what should be published into content/, or remove the link; links may point only inside content/"),
                    );
                    if is_dir {
                        walker.skip_current_dir();
                    }
                    continue;
                }
                Err(err) => {
                    diags.push(link_error(content_dir, entry.path(), &err));
                    continue;
                }
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = PathBuf::from(source::nfc(&disk_text).into_owned());
        if let Some(other) = nfc_names.insert(rel.clone(), PathBuf::from(&disk_text)) {
            diags.push(
                Diagnostic::error(
                    "E051",
                    PathBuf::from(&disk_text),
                    format!(
                        "this name and {} are the same name in two Unicode forms (composed NFC and decomposed NFD); they would be published as one file",
                        other.display()
                    ),
                )
                .with_hint("remove or rename one of the two files"),
            );
            continue;
        }
        if rel.as_os_str() != disk_text.as_str() {
            disk_names.insert(rel.clone(), PathBuf::from(&disk_text));
        }
        let class = classify(&rel);
        if let Entry::Ignored = class {
            diags.push(Diagnostic::warning(
                "W002",
                &rel,
                "this file is not in a known place of `content/` and is not published",
            ).with_hint("items go in surveys/, laws/, roadmap/ or pages/; schedules in schedule/<year>.yaml"));
            continue;
        }
        files.push((rel, class));
    }
    (files, disk_names, links)
}

/// A folder or link the walk cannot enter, with a hint that fits the cause.
fn walk_error(content_dir: &Path, err: &walkdir::Error) -> Diagnostic {
    let path = err
        .path()
        .map(|p| rel_path(content_dir, p))
        .unwrap_or_default();
    if err.loop_ancestor().is_some() {
        return Diagnostic::error(
            "E016",
            path,
            "this symbolic link points back to a folder that contains it (a loop); it is not followed",
        )
        .with_hint("remove the link, or point it at a folder that does not contain it");
    }
    match (err.path(), err.io_error()) {
        (Some(p), Some(io)) if p.is_symlink() => link_error(content_dir, p, io),
        (_, Some(io)) => io_problem(path, io),
        _ => Diagnostic::error("E016", path, format!("cannot read: {err}")),
    }
}

/// A symbolic link whose target cannot be resolved.
fn link_error(content_dir: &Path, link: &Path, err: &std::io::Error) -> Diagnostic {
    let rel = rel_path(content_dir, link);
    match std::fs::read_link(link) {
        Ok(target) if err.kind() == std::io::ErrorKind::NotFound => Diagnostic::error(
            "E016",
            rel,
            format!(
                "this symbolic link points at {}, which does not exist",
                target.display()
            ),
        )
        .with_hint("remove the link or correct its target"),
        _ => io_problem(rel, err),
    }
}

fn io_problem(path: PathBuf, err: &std::io::Error) -> Diagnostic {
    let hint = match err.kind() {
        std::io::ErrorKind::InvalidFilename => {
            "the name or the whole path is too long for the file system; shorten it"
        }
        std::io::ErrorKind::PermissionDenied => "make it readable for the user who runs the build",
        std::io::ErrorKind::NotFound => "it disappeared while the site was read; run again",
        _ => "check that the file or folder can be read",
    };
    Diagnostic::error("E016", path, format!("cannot read: {err}")).with_hint(hint)
}

/// Loads a site given as files in memory (path relative to `content/`, bytes): the same
/// reading as [`load`] without the disk, for fuzzing and tests.
pub fn from_memory(files: Vec<(PathBuf, Vec<u8>)>) -> (Content, Diagnostics) {
    let mut entries: Vec<(PathBuf, Entry)> = files
        .iter()
        .map(|(rel, _)| (rel.clone(), classify(rel)))
        .filter(|(_, class)| !matches!(class, Entry::Ignored))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let map: std::collections::HashMap<PathBuf, Vec<u8>> = files.into_iter().collect();
    let read = |rel: &Path| {
        map.get(rel)
            .cloned()
            .ok_or_else(|| Diagnostic::error("E001", rel, "cannot read the file"))
    };
    read_entries(
        entries,
        &read,
        Content::default(),
        Diagnostics::default(),
        None,
    )
}

type Reader<'a> = dyn Fn(&Path) -> Result<Vec<u8>, Diagnostic> + Sync + 'a;

/// Reads and parses classified files: items in parallel, then the data files.
fn read_entries(
    files: Vec<(PathBuf, Entry)>,
    read_bytes: &Reader,
    mut content: Content,
    mut diags: Diagnostics,
    mut memo: Option<&mut Memo>,
) -> (Content, Diagnostics) {
    let read = |rel: &Path| -> Result<String, Diagnostic> { source::decode(rel, read_bytes(rel)?) };

    // Items are the bulk of the work: read and parse them in parallel, except those an
    // earlier load parsed from the same bytes.
    type Parsed = (Option<Item>, Vec<Diagnostic>, (Kind, String, PathBuf));
    let jobs: Vec<(&PathBuf, Kind, &String, Option<Parsed>)> = files
        .iter()
        .filter_map(|(rel, class)| match class {
            Entry::Item(kind, id) => Some((rel, *kind, id)),
            _ => None,
        })
        .map(|(rel, kind, id)| {
            let known = memo.as_deref_mut().and_then(|m| m.items.get_mut(rel));
            let parsed = known.and_then(|(item, d)| {
                Some((item.take()?, d.clone(), (kind, id.clone(), rel.clone())))
            });
            (rel, kind, id, parsed)
        })
        .collect();
    let parsed: Vec<Parsed> = jobs
        .into_par_iter()
        .map(|(rel, kind, id, known)| {
            if let Some(parsed) = known {
                return parsed;
            }
            let key = (kind, id.clone(), rel.clone());
            let mut diags = Vec::new();
            if !is_valid_id(id) {
                diags.push(
                    Diagnostic::error(
                        "E013",
                        rel.clone(),
                        format!("`{id}` is not a valid id (the file name is the id)"),
                    )
                    .with_hint(format!(
                        "ids are lower-case ASCII words joined by `-`; rename the file to `{}.md`",
                        suggest_id(id)
                    )),
                );
            }
            let source = match read(rel).and_then(|text| source::split(rel.clone(), text)) {
                Ok(s) => s,
                Err(d) => {
                    diags.push(d);
                    return (None, diags, key);
                }
            };
            let (item, mut more) = item::read(kind, id.clone(), source);
            diags.append(&mut more);
            (item, diags, key)
        })
        .collect();
    if let Some(memo) = memo {
        memo.items = parsed
            .iter()
            .map(|(item, d, key)| {
                let state = if item.is_some() { None } else { Some(None) };
                (key.2.clone(), (state, d.clone()))
            })
            .collect();
    }
    for (item, d, key) in parsed {
        diags.extend(d);
        match item {
            Some(item) => content.items.push(item),
            None => content.unloaded.push(key),
        }
    }

    for (rel, class) in &files {
        match class {
            Entry::Site => match read(rel) {
                Ok(text) => {
                    let (site, d) = data::read_site(rel, &text);
                    diags.extend(d);
                    content.site = site.unwrap_or_default();
                    content.site_source = Some((rel.clone(), text));
                }
                Err(d) => diags.push(d),
            },
            Entry::Contacts => match read(rel) {
                Ok(text) => {
                    let (contacts, d) = data::read_contacts(rel, &text);
                    diags.extend(d);
                    content.contacts = contacts;
                    content.contacts_source = Some((rel.clone(), text));
                }
                Err(d) => diags.push(d),
            },
            Entry::Schedule => match read(rel) {
                Ok(text) => {
                    let (schedule, d) = data::read_schedule(rel, text);
                    diags.extend(d);
                    content.schedules.extend(schedule);
                }
                Err(d) => diags.push(d),
            },
            Entry::Home => match read(rel).and_then(|text| {
                if text.starts_with("---") {
                    source::split(rel.clone(), text)
                } else {
                    source::split(rel.clone(), format!("---\n---\n{text}"))
                }
            }) {
                Ok(file) => content.home = Some(file),
                Err(d) => diags.push(d),
            },
            Entry::Asset => content.assets.push(rel.clone()),
            Entry::Item(..) | Entry::Ignored => {}
        }
    }
    if !files.iter().any(|(_, c)| matches!(c, Entry::Site)) {
        diags.push(
            Diagnostic::error("E001", "site.yaml", "`content/site.yaml` is missing")
                .with_hint("create it with at least `title: サイト名`"),
        );
    }
    content.schedules.sort_by_key(|s| s.fiscal_year);
    (content, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_rule_accepts_romanised_words_and_rejects_the_rest() {
        assert!(is_valid_id("jinko-dotai"));
        assert!(is_valid_id("law-2021"));
        assert!(!is_valid_id("Jinko-Dotai"));
        assert!(!is_valid_id("jinko_dotai"));
        assert!(!is_valid_id("jinko--dotai"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id("人口"));
        assert_eq!(suggest_id("Jinko_Dotai"), "jinko-dotai");
    }
}
