//! Writing files: atomic replacement, removal, the temporaries a killed
//! writer left, and appending a line. Writes are not recorded: a value
//! the memo kept from a file is dropped by the event its write raises.
#![allow(clippy::disallowed_methods)] // the I/O layer: the one place that asks the file system

use super::read::{Kind, list, open};
use crate::{Error, Result};
use atomic_write_file::AtomicWriteFile;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed, renamed over the old file, and the folder synced. A crash at any
/// moment leaves the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    }
    let mut file = AtomicWriteFile::options()
        .open(path)
        .map_err(|e| Error::io("write", path, e))?;
    file.write_all(bytes)
        .map_err(|e| Error::io("write", path, e))?;
    file.commit().map_err(|e| Error::io("write", path, e))?;
    Ok(())
}

/// Gives the file at `path` the bytes `after` (`None`: removes it, and
/// the folders it leaves empty up to `stop`), atomically, first removing
/// temporaries a killed writer left beside it. Under the workspace lock
/// only.
pub(crate) fn put(path: &Path, after: Option<&[u8]>, stop: &Path) -> Result<()> {
    clean_stale_temps(path);
    match after {
        Some(bytes) => write_atomic(path, bytes),
        None => remove(path, stop),
    }
}

/// The file an atomic-write temporary stands for: `review.md` for
/// `.review.md.XXXXXX` (six ASCII letters or digits); `None` for any other
/// name.
pub(crate) fn temp_base(name: &str) -> Option<&str> {
    let (base, suffix) = name.strip_prefix('.')?.rsplit_once('.')?;
    let random = suffix.len() == 6 && suffix.bytes().all(|b| b.is_ascii_alphanumeric());
    (random && !base.is_empty()).then_some(base)
}

/// Temporaries that a writer killed in the middle of a commit left beside
/// `path` (regular files named `.<name>.XXXXXX`).
pub(crate) fn stale_temps(path: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(base)) = (path.parent(), path.file_name().and_then(|b| b.to_str())) else {
        return Vec::new();
    };
    let Ok(entries) = list(dir) else {
        return Vec::new();
    };
    entries
        .into_iter()
        .filter(|entry| {
            entry.name.to_str().and_then(temp_base) == Some(base) && entry.kind == Kind::File
        })
        .map(|entry| dir.join(entry.name))
        .collect()
}

/// Removes the [`stale_temps`] of `path`. Only called under the workspace
/// lock, when no other writer of ours can be mid-write. Returns how many
/// were removed.
pub(crate) fn clean_stale_temps(path: &Path) -> usize {
    stale_temps(path)
        .iter()
        .filter(|p| std::fs::remove_file(p).is_ok())
        .count()
}

/// Removes a file; a missing one is fine. Not synced.
pub(crate) fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("remove", path, e)),
    }
}

/// Removes a file (a missing one is fine) and then each folder above it
/// that became empty, up to but excluding `stop`.
pub(crate) fn remove(path: &Path, stop: &Path) -> Result<()> {
    remove_file(path)?;
    if let Some(parent) = path.parent() {
        sync_dir(parent);
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == stop || !d.starts_with(stop) {
            break;
        }
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
    Ok(())
}

/// Removes the folder `dir` if it is empty, then each folder above it
/// that became empty, up to but excluding `stop`. A folder that is not
/// empty (or gone) is left as it is.
pub(crate) fn remove_empty_folder(dir: &Path, stop: &Path) {
    let mut current = Some(dir);
    while let Some(d) = current {
        if d == stop || !d.starts_with(stop) || std::fs::remove_dir(d).is_err() {
            break;
        }
        if let Some(parent) = d.parent() {
            sync_dir(parent);
        }
        current = d.parent();
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Appends `line` (which ends in a newline) to the file at `path`,
/// creating it and its folder if need be, in one `write` call so that
/// readers never see half of it from us, then syncs it to disk. `what`
/// names the file in errors ("the audit log").
pub(crate) fn append_line(path: &Path, what: &str, mut line: Vec<u8>) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(&format!("open {what}"), path, e))?;
    // A previous writer killed mid-line would glue our line to its garbage.
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > 0 && !ends_with_newline(path, len) {
        line.insert(0, b'\n');
    }
    file.write_all(&line)
        .map_err(|e| Error::io("append to", path, e))?;
    file.sync_data().map_err(|e| Error::io("sync", path, e))?;
    Ok(())
}

fn ends_with_newline(path: &Path, len: u64) -> bool {
    let Ok(mut f) = open(path) else {
        return true;
    };
    let mut last = [0u8; 1];
    f.seek(SeekFrom::Start(len - 1)).is_ok() && f.read_exact(&mut last).is_ok() && last[0] == b'\n'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_creates_parents() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/c.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp files left");
    }

    #[test]
    fn stale_temps_are_cleaned_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("opencode.jsonc");
        for name in [
            ".opencode.jsonc.aB3xY9",
            ".opencode.jsonc.toolong1",
            "opencode.jsonc",
            ".other.aB3xY9",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        clean_stale_temps(&p);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".opencode.jsonc.toolong1",
                ".other.aB3xY9",
                "opencode.jsonc"
            ]
        );
    }

    #[test]
    fn temp_names_give_their_file() {
        assert_eq!(temp_base(".opencode.jsonc.aB3xY9"), Some("opencode.jsonc"));
        assert_eq!(temp_base(".review.md.000000"), Some("review.md"));
        assert_eq!(temp_base(".SKILL.md.zzzzzz"), Some("SKILL.md"));
        for other in [
            "opencode.jsonc",
            ".opencode.jsonc.toolong1",
            ".opencode.jsonc.short",
            ".opencode.jsonc.aB3-Y9",
            "..aB3xY9",
            ".aB3xY9",
            "",
        ] {
            assert_eq!(temp_base(other), None, "{other:?}");
        }
    }

    #[test]
    fn remove_prunes_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        let stop = dir.path().join("skills");
        let p = stop.join("x/SKILL.md");
        write_atomic(&p, b"x").unwrap();
        remove(&p, &stop).unwrap();
        assert!(!stop.join("x").exists());
        assert!(stop.exists());
    }
}
