//! Which folders may be an output at all. The build replaces its output as a whole, so
//! an output must never be, hold or sit inside anything whose loss destroys work: the
//! site's sources, a Git repository, a home folder, the filesystem root, or a folder of
//! files that tebiki did not write.

use super::MARKER;
use crate::diagnostics::Diagnostic;
use std::ffi::OsStr;
use std::io;
use std::path::{Component, Path, PathBuf};

/// An output folder that passed the guard, with the path it really lies at.
#[derive(Debug, Clone)]
pub struct Target {
    /// Absolute, with every symbolic link of the existing part resolved.
    pub path: PathBuf,
    /// As the user wrote it, for messages.
    pub given: PathBuf,
    /// `--force`: a non-empty folder without the marker may be replaced.
    pub force: bool,
}

/// Refuses an output that would destroy work when replaced; returns where it really is.
pub fn check(output: &Path, root: &Path, force: bool) -> Result<Target, Diagnostic> {
    let out = resolve(output).map_err(|e| unresolvable(output, e))?;
    let refuse = |what: String| refusal(output, &out, what);
    if out.parent().is_none() {
        return Err(refuse("is the root of the filesystem".into()));
    }
    let root = resolve(root).map_err(|e| unresolvable(root, e))?;
    if root.starts_with(&out) {
        return Err(refuse("is or contains the site's folder".into()));
    }
    for (sub, label) in [
        ("content", "content folder"),
        ("themes", "themes folder"),
        (".git", "Git repository (.git)"),
    ] {
        let guarded = resolve(&root.join(sub)).map_err(|e| unresolvable(output, e))?;
        if out == guarded {
            return Err(refuse(format!("is the site's {label}")));
        }
        if out.starts_with(&guarded) {
            return Err(refuse(format!("lies inside the site's {label}")));
        }
        if guarded.starts_with(&out) {
            return Err(refuse(format!("contains the site's {label}")));
        }
    }
    if out
        .components()
        .any(|c| c.as_os_str() == OsStr::new(".git"))
    {
        return Err(refuse("lies inside a Git repository's .git folder".into()));
    }
    for home in home_folders() {
        if resolve(&home).is_ok_and(|home| home.starts_with(&out)) {
            return Err(refuse(format!(
                "is or contains the home folder {}",
                home.display()
            )));
        }
    }
    // Parents are made only once the build is about to write; say now if they cannot be.
    if let Some(existing) = out
        .ancestors()
        .skip(1)
        .find(|a| std::fs::symlink_metadata(a).is_ok())
    {
        if !existing.is_dir() {
            return Err(refuse(format!(
                "cannot be made: {} is a file",
                existing.display()
            )));
        }
    }
    let target = Target {
        path: out,
        given: output.to_path_buf(),
        force,
    };
    check_replaceable(&target)?;
    Ok(target)
}

/// Refuses an output path that holds something other than a folder tebiki wrote (or an
/// empty one). Checked again under the lock, right before writing starts.
pub fn check_replaceable(target: &Target) -> Result<(), Diagnostic> {
    let out = &target.path;
    let refuse = |what: &str| refusal(&target.given, out, what.into());
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        // `resolve` follows every link that leads somewhere; this one does not.
        return Err(refuse("is a symbolic link that leads nowhere"));
    }
    if !meta.is_dir() {
        return Err(refuse("is a file, not a folder"));
    }
    if target.force || out.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = std::fs::read_dir(out)
        .map(|mut entries| entries.next().is_none())
        .unwrap_or(false);
    if empty {
        return Ok(());
    }
    Err(Diagnostic::error(
        "E043",
        &target.given,
        format!(
            "refusing to replace {}: the folder is not empty and was not written by tebiki (it has no {MARKER} file)",
            shown(&target.given, out)
        ),
    )
    .with_hint(
        "choose an empty or new folder, or pass `--force` if everything in it may be deleted",
    ))
}

fn refusal(given: &Path, out: &Path, what: String) -> Diagnostic {
    Diagnostic::error(
        "E040",
        given,
        format!(
            "refusing to write the site to {}: it {what}",
            shown(given, out)
        ),
    )
    .with_hint("choose a folder of its own, e.g. `--output public`")
}

fn unresolvable(path: &Path, e: io::Error) -> Diagnostic {
    Diagnostic::error(
        "E040",
        path,
        format!("cannot tell where {} lies: {e}", path.display()),
    )
    .with_hint("run tebiki from a folder that exists and can be read")
}

/// The path as given, and where it really lies when that differs.
fn shown(given: &Path, out: &Path) -> String {
    if given == out {
        given.display().to_string()
    } else {
        format!("{} (that is {})", given.display(), out.display())
    }
}

/// The absolute path `path` names, with symbolic links resolved through the deepest
/// ancestor that exists; the parts below it are taken as written (they will be created
/// as plain folders, so they cannot be links).
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let parts: Vec<Component> = absolute.components().collect();
    for split in (1..=parts.len()).rev() {
        let existing: PathBuf = parts[..split].iter().collect();
        let Ok(mut out) = existing.canonicalize() else {
            continue;
        };
        for part in &parts[split..] {
            match part {
                // The resolved prefix has no links, so `..` is its lexical parent.
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(name) => out.push(name),
                Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            }
        }
        return Ok(out);
    }
    Err(io::Error::new(
        io::ErrorKind::NotFound,
        "no part of the path exists",
    ))
}

/// The home folder as the environment says (`HOME`) and as the password database says:
/// they can differ, and either may be missing (a service started without `HOME`).
fn home_folders() -> Vec<PathBuf> {
    let mut homes: Vec<PathBuf> = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .into_iter()
        .collect();
    homes.extend(database_home());
    homes
}

#[cfg(unix)]
fn database_home() -> Option<PathBuf> {
    use nix::unistd::{getuid, User};
    User::from_uid(getuid())
        .ok()
        .flatten()
        .map(|user| user.dir)
        .filter(|dir| !dir.as_os_str().is_empty())
}

#[cfg(not(unix))]
fn database_home() -> Option<PathBuf> {
    std::env::home_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_follows_a_linked_parent_and_keeps_the_missing_rest() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
            let got = resolve(&dir.path().join("link/x/../y/public")).unwrap();
            assert_eq!(got, real.canonicalize().unwrap().join("y/public"));
        }
        let got = resolve(&dir.path().join("real/./a/b/..")).unwrap();
        assert_eq!(got, real.canonicalize().unwrap().join("a"));
    }
}
