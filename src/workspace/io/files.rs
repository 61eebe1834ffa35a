//! File primitives every write goes through: bounded reads, refusal to
//! write through symbolic links, and atomic replacement.

use crate::{Code, Error, Result};
use atomic_write_file::AtomicWriteFile;
use std::io::{ErrorKind, Write};
use std::path::Path;

/// The file's bytes, or `None` when it does not exist.
pub(crate) fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    super::record::read(path);
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == ErrorKind::IsADirectory => Err(Error::new(
            Code::Conflict,
            format!("{} is a folder, not a file", path.display()),
        )),
        Err(e) => Err(Error::io("read", path, e)),
    }
}

/// The bytes of the regular file at `path`, never through a link in its
/// last component (`O_NOFOLLOW`: a link there is an error, even one put
/// in place after the caller looked). A link or anything else that is not
/// a regular file is `ErrorKind::InvalidInput`.
pub(crate) fn read_no_follow(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    super::record::read(path);
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(nix::libc::O_NOFOLLOW);
    }
    let not_a_file = || std::io::Error::new(ErrorKind::InvalidInput, "not a regular file");
    let mut file = match options.open(path) {
        Ok(f) => f,
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(nix::libc::ELOOP) => return Err(not_a_file()),
        Err(e) => return Err(e),
    };
    if !file.metadata()?.is_file() {
        return Err(not_a_file());
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

// Every lookup a read makes goes through one of the functions below (or
// `read_*` above, or the parse cache), which record it in
// [`super::record`]: a test checks that no other code of the core asks the
// file system directly.

pub(crate) fn is_symlink(path: &Path) -> bool {
    super::record::looked_up(path);
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// `std::fs::metadata` (a link at the end is followed), recorded. No
/// watch follows a link to its target, so what depends on one is not kept.
fn followed_metadata(path: &Path) -> std::io::Result<std::fs::Metadata> {
    super::record::looked_up(path);
    let meta = std::fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        super::record::unwatchable();
        return std::fs::metadata(path);
    }
    Ok(meta)
}

/// `Path::is_file` (follows links), recorded.
pub(crate) fn is_file(path: &Path) -> bool {
    followed_metadata(path).is_ok_and(|m| m.is_file())
}

/// `Path::is_dir` (follows links), recorded.
pub(crate) fn is_dir(path: &Path) -> bool {
    followed_metadata(path).is_ok_and(|m| m.is_dir())
}

/// `Path::exists` (follows links), recorded.
pub(crate) fn exists(path: &Path) -> bool {
    followed_metadata(path).is_ok()
}

/// `std::fs::read_dir`, recorded.
pub(crate) fn read_dir(dir: &Path) -> std::io::Result<std::fs::ReadDir> {
    super::record::listed(dir);
    std::fs::read_dir(dir)
}

/// `std::fs::canonicalize`, recorded. A path that is not already
/// canonical went through a link, whose target no watch follows: what
/// depends on it is not kept.
pub(crate) fn canonicalize(path: &Path) -> std::io::Result<std::path::PathBuf> {
    super::record::looked_up(path);
    let real = std::fs::canonicalize(path)?;
    if real != path {
        super::record::unwatchable();
    }
    Ok(real)
}

/// Opens `path` for reading, recorded.
pub(crate) fn open(path: &Path) -> std::io::Result<std::fs::File> {
    super::record::read(path);
    std::fs::File::open(path)
}

/// Refuses `path` unless it lies inside `root` and no component below
/// `root` (the file included) is a symbolic link: a write must never land
/// outside the workspace through a link.
pub(crate) fn check_inside(root: &Path, path: &Path) -> Result<()> {
    let Ok(rel) = path.strip_prefix(root) else {
        return Err(Error::new(
            Code::InvalidPath,
            "path is outside the workspace",
        ));
    };
    let mut current = root.to_path_buf();
    for comp in rel.components() {
        match comp {
            std::path::Component::Normal(part) => current.push(part),
            _ => {
                return Err(Error::new(
                    Code::InvalidPath,
                    "path is outside the workspace",
                ));
            }
        }
        if is_symlink(&current) {
            return Err(Error::new(
                Code::Conflict,
                format!(
                    "{} is a symbolic link; openwork does not write through links",
                    rel_display(root, &current)
                ),
            ));
        }
    }
    Ok(())
}

fn rel_display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "a path".to_string())
}

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

/// Whether `name` is an atomic-write temporary of `base`: `.<base>.XXXXXX`.
fn is_temp_of(name: &str, base: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(base))
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|suffix| {
            suffix.len() == 6 && suffix.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Temporaries that a writer killed in the middle of a commit left beside
/// `path` (regular files named `.<name>.XXXXXX`).
pub(crate) fn stale_temps(path: &Path) -> Vec<std::path::PathBuf> {
    let (Some(dir), Some(base)) = (path.parent(), path.file_name().and_then(|b| b.to_str())) else {
        return Vec::new();
    };
    let Ok(entries) = read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| {
            entry
                .file_name()
                .to_str()
                .is_some_and(|n| is_temp_of(n, base))
                && entry.file_type().is_ok_and(|t| t.is_file())
        })
        .map(|entry| entry.path())
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

/// Removes a file (a missing one is fine) and then each folder above it
/// that became empty, up to but excluding `stop`.
pub(crate) fn remove(path: &Path, stop: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io("remove", path, e)),
    }
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

fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
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

    #[cfg(unix)]
    #[test]
    fn refuses_links_and_outside_paths() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".opencode/skills")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join(".opencode/skills/evil")).unwrap();
        let err = check_inside(root, &root.join(".opencode/skills/evil/SKILL.md")).unwrap_err();
        assert_eq!(err.code, Code::Conflict);
        assert!(!err.message.contains(&*outside.path().to_string_lossy()));
        assert_eq!(
            check_inside(root, Path::new("/etc/passwd"))
                .unwrap_err()
                .code,
            Code::InvalidPath
        );
        assert!(check_inside(root, &root.join(".opencode/skills/ok/SKILL.md")).is_ok());
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
