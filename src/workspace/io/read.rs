//! Reading and looking up files, each look recorded in [`super::record`]
//! so that the read memo knows what to watch. Every read of the core goes
//! through these functions or the parse cache (clippy.toml refuses the
//! direct calls elsewhere).
#![allow(clippy::disallowed_methods)] // the I/O layer: the one place that asks the file system

use crate::{Code, Error, Result};
use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The file's bytes, or `None` when it does not exist (a group's bytes
/// not yet written, on its thread: `overlay`).
pub(crate) fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    super::record::read(path);
    if let Some(bytes) = super::overlay::get(path) {
        return Ok(Some(bytes.to_vec()));
    }
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
/// a regular file is `ErrorKind::InvalidInput`; it is opened without
/// waiting (`O_NONBLOCK`), so that a pipe put in place of the file after
/// the caller looked cannot stall the read.
pub(crate) fn read_no_follow(path: &Path) -> std::io::Result<Vec<u8>> {
    super::record::read(path);
    if let Some(bytes) = super::overlay::get(path) {
        return Ok(bytes.to_vec());
    }
    read_regular(path, false)
}

/// The bytes of the regular file at `path` or, through links, at what
/// they lead to (for files OpenCode reads through links: outside the
/// workspace), opened without waiting as [`read_no_follow`] opens. Not
/// recorded: the caller records what it looked at.
pub(crate) fn read_following(path: &Path) -> std::io::Result<Vec<u8>> {
    read_regular(path, true)
}

fn read_regular(path: &Path, follow: bool) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let no_follow = if follow { 0 } else { nix::libc::O_NOFOLLOW };
        options.custom_flags(no_follow | nix::libc::O_NONBLOCK);
    }
    // Elsewhere links are refused by the callers' `lstat` only.
    #[cfg(not(unix))]
    let _ = follow;
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
    // A regular file: read it as any other, waiting if its file system
    // makes reads wait (one that honours `O_NONBLOCK` for files would
    // otherwise fail the read with `WouldBlock`).
    #[cfg(unix)]
    {
        use nix::fcntl::{FcntlArg, OFlag, fcntl};
        fcntl(&file, FcntlArg::F_SETFL(OFlag::empty())).map_err(std::io::Error::from)?;
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `Path::is_symlink`, recorded.
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

/// What an entry of a listed folder is (a link is not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Folder,
    Link,
    /// Anything else, or a type that could not be read.
    Other,
}

/// One entry of a listed folder.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) name: OsString,
    pub(crate) kind: Kind,
}

/// The entries of the folder `dir`, in the order the system lists them,
/// recorded (a change to any entry counts). Entries that cannot be read
/// are left out.
pub(crate) fn list(dir: &Path) -> std::io::Result<Vec<Entry>> {
    super::record::listed(dir);
    Ok(std::fs::read_dir(dir)?
        .flatten()
        .map(|entry| Entry {
            kind: entry.file_type().map_or(Kind::Other, Kind::of),
            name: entry.file_name(),
        })
        .collect())
}

impl Kind {
    /// The kind of an entry of this type (a link not followed).
    pub(super) fn of(t: std::fs::FileType) -> Kind {
        if t.is_file() {
            Kind::File
        } else if t.is_dir() {
            Kind::Folder
        } else if t.is_symlink() {
            Kind::Link
        } else {
            Kind::Other
        }
    }
}

/// `std::fs::canonicalize`, recorded. A path that is not already
/// canonical went through a link, whose target no watch follows: what
/// depends on it is not kept.
pub(crate) fn canonicalize(path: &Path) -> std::io::Result<PathBuf> {
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

/// What is at `path` (a link at the end is followed), or `None` when
/// nothing can be found there. Not recorded: for opening a workspace,
/// which no kept value depends on.
pub(crate) fn unrecorded_kind(path: &Path) -> Option<Kind> {
    let meta = std::fs::metadata(path).ok()?;
    Some(if meta.is_file() {
        Kind::File
    } else if meta.is_dir() {
        Kind::Folder
    } else {
        Kind::Other
    })
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

// Unix: the test makes a symbolic link.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A pipe where a file was (put there after the caller looked) is
    /// refused at once, with or without following links: opened without
    /// waiting, it cannot stall the read until someone writes to it.
    #[test]
    fn a_pipe_in_place_of_a_file_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("SKILL.md");
        nix::unistd::mkfifo(&pipe, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&pipe, &link).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let kinds = [
                read_no_follow(&pipe).map_err(|e| e.kind()),
                read_following(&pipe).map_err(|e| e.kind()),
                read_following(&link).map_err(|e| e.kind()),
            ];
            let _ = tx.send(kinds);
        });
        let kinds = rx.recv_timeout(std::time::Duration::from_secs(10));
        let invalid = Err(ErrorKind::InvalidInput);
        assert_eq!(kinds, Ok([invalid.clone(), invalid.clone(), invalid]));
    }

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
}
