//! Putting a finished folder in the output's place so that a reader of the output path
//! finds the old site or the new one at every moment, never none and never a mix.
//!
//! On Linux the two folders trade places in one step (`renameat2` with
//! `RENAME_EXCHANGE`). Where that is missing (other systems, or a filesystem that
//! refuses the flag, e.g. some network filesystems), the fallback renames the old
//! output aside and the new one in: two renames, between which the output path is
//! briefly missing, though never half-written.

use std::io;
use std::path::{Path, PathBuf};

/// What a swap left behind that must be deleted.
pub enum Swapped {
    /// There was no output: nothing to delete.
    Fresh,
    /// The old output now lies here.
    Old(PathBuf),
}

/// Moves `new` to `target`; an existing `target` ends up at `aside` (or, should that
/// last rename fail after an exchange, at `new`), as the result says.
pub fn swap_in(new: &Path, target: &Path, aside: &Path) -> io::Result<Swapped> {
    if std::fs::symlink_metadata(target).is_err() {
        rename_no_replace(new, target)?;
        return Ok(Swapped::Fresh);
    }
    match exchange(new, target) {
        // The old site now bears the staging name; naming it for what it is tells a
        // reader of the folder what a leftover holds, should deleting it fail.
        Ok(()) => {
            return Ok(match rename_no_replace(new, aside) {
                Ok(()) => Swapped::Old(aside.to_path_buf()),
                Err(_) => Swapped::Old(new.to_path_buf()),
            })
        }
        Err(e) if !unsupported(&e) => return Err(e),
        Err(_) => {}
    }
    swap_by_renames(new, target, aside)
}

/// The fallback: two renames, with a moment between them when `target` is missing.
fn swap_by_renames(new: &Path, target: &Path, aside: &Path) -> io::Result<Swapped> {
    rename_no_replace(target, aside)?;
    if let Err(e) = std::fs::rename(new, target) {
        // Put the old output back; if even that fails, report the first error, which
        // names the cause.
        let _ = std::fs::rename(aside, target);
        return Err(e);
    }
    Ok(Swapped::Old(aside.to_path_buf()))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// A plain rename replaces an empty folder at `to` without a word; the caller holds the
/// output's lock, so `to` can only have appeared through another program.
#[cfg(target_os = "linux")]
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE).map_err(io::Error::from) {
        Err(e) if unsupported(&e) => plain_rename_no_replace(from, to),
        other => other,
    }
}

#[cfg(not(target_os = "linux"))]
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    plain_rename_no_replace(from, to)
}

fn plain_rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(io::ErrorKind::AlreadyExists.into());
    }
    std::fs::rename(from, to)
}

/// The kernel or the filesystem lacks the flag (EINVAL, ENOSYS, EOPNOTSUPP).
fn unsupported(e: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::io::Errno;
        if let Some(errno) = Errno::from_io_error(e) {
            return matches!(errno, Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP);
        }
    }
    e.kind() == io::ErrorKind::Unsupported
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("index.html"), text).unwrap();
        path
    }

    fn text(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("index.html")).unwrap()
    }

    #[test]
    fn the_new_site_takes_the_place_and_the_old_one_goes_aside() {
        let dir = tempfile::tempdir().unwrap();
        let aside = dir.path().join(".public.old-x");
        let target = dir.path().join("public");
        let new = site(dir.path(), ".public.staging-1", "first");
        assert!(matches!(swap_in(&new, &target, &aside), Ok(Swapped::Fresh)));
        assert_eq!(text(&target), "first");
        let new = site(dir.path(), ".public.staging-2", "second");
        let Ok(Swapped::Old(old)) = swap_in(&new, &target, &aside) else {
            panic!("an old site was there");
        };
        assert_eq!(old, aside);
        assert_eq!(text(&target), "second");
        assert_eq!(text(&aside), "first");
        assert!(!new.exists());
    }

    #[test]
    fn the_fallback_swaps_by_two_renames_and_never_replaces_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = site(dir.path(), "public", "old");
        let new = site(dir.path(), ".public.staging-1", "new");
        // A plain rename would silently replace an empty folder.
        let taken = dir.path().join(".public.old-taken");
        std::fs::create_dir(&taken).unwrap();
        assert!(swap_by_renames(&new, &target, &taken).is_err());
        assert_eq!(text(&target), "old", "nothing moved");
        assert!(std::fs::read_dir(&taken).unwrap().next().is_none());
        let aside = dir.path().join(".public.old-free");
        let Ok(Swapped::Old(old)) = swap_by_renames(&new, &target, &aside) else {
            panic!("an old site was there");
        };
        assert_eq!(old, aside);
        assert_eq!(text(&target), "new");
        assert_eq!(text(&aside), "old");
    }
}
