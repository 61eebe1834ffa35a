//! Writing files: atomic replacement, removal, the temporaries a killed
//! writer left, appending a line, the lock file. Below a workspace's root
//! every write goes through folder handles that never follow a link
//! (`beneath`); [`write_atomic`] is for files outside workspaces. Writes
//! are not recorded: a value the memo kept from a file is dropped by the
//! event its write raises.
#![allow(clippy::disallowed_methods)] // the I/O layer: the one place that asks the file system

use super::beneath::{self, Folder};
use super::read::{Kind, list};
use super::syncs::Syncs;
use crate::{Code, Error, Result};
use std::ffi::OsStr;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` (a file of the user's, outside workspaces:
/// `openwork export -o`) atomically: a temporary file in the same folder,
/// flushed, renamed over the old file, and the folder synced. A crash at
/// any moment leaves the old file or the new one, never a mix. The
/// folders above it are created and may be links; the file may not.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(Error::new(Code::InvalidPath, "not a file name"));
    };
    // `out.json`: the current folder.
    let parent = Some(parent)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    beneath::open(parent, Path::new(""), false)
        .and_then(|folder| folder.ok_or_else(|| ErrorKind::NotFound.into()))
        .and_then(|folder| {
            folder.replace(name, bytes)?;
            folder.sync();
            Ok(())
        })
        .map_err(|e| failed(parent, path, "write", e))
}

/// Creates `dir` and every missing folder above it, as the user named
/// them (links above are followed): the user-wide OpenCode config folder
/// and openwork's state folder before their first write. With `private`,
/// the folders made are the owner's alone (`0700`).
pub(crate) fn create_folder(dir: &Path, private: bool) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    #[cfg(not(unix))]
    let _ = private;
    builder
        .create(dir)
        .map_err(|e| Error::io("create the folder", dir, e))
}

/// The folder of `path` relative to `root`, and the file's name in it.
fn split<'a>(root: &Path, path: &'a Path) -> Result<(&'a Path, &'a OsStr)> {
    let outside = || Error::new(Code::InvalidPath, "path is outside the workspace");
    let rel = path.strip_prefix(root).map_err(|_| outside())?;
    match (rel.parent(), rel.file_name()) {
        (Some(dir), Some(name)) => Ok((dir, name)),
        _ => Err(outside()),
    }
}

/// An error of a write below the root: a link (or a file where a folder
/// belongs) met on the way is `conflict`, as `check_inside` says it; any
/// other is an I/O error.
fn failed(root: &Path, path: &Path, what: &str, e: std::io::Error) -> Error {
    #[cfg(unix)]
    let through_link = matches!(
        e.raw_os_error(),
        Some(nix::libc::ELOOP | nix::libc::EXDEV | nix::libc::ENOTDIR | nix::libc::EISDIR)
    );
    #[cfg(not(unix))]
    let through_link = matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::NotADirectory);
    if through_link {
        let rel = path.strip_prefix(root).unwrap_or(path);
        return Error::new(
            Code::Conflict,
            format!(
                "{} goes through a symbolic link or a file where a folder belongs; openwork does not write through links",
                rel.display()
            ),
        );
    }
    Error::io(what, path, e)
}

/// The folder of `path` below `root`, opened without following any link
/// below the root (created when `create`); `None` when it is missing.
fn folder<'a>(root: &Path, path: &'a Path, create: bool) -> Result<Option<(Folder, &'a OsStr)>> {
    let (dir, name) = split(root, path)?;
    let parent = root.join(dir);
    let folder = beneath::open(root, dir, create)
        .map_err(|e| failed(root, &parent, "create the folder", e))?;
    Ok(folder.map(|f| (f, name)))
}

/// Whether `entry` is a temporary of the file `name` (`.<name>.XXXXXX`).
fn is_temp_of(entry: &OsStr, name: &OsStr) -> bool {
    // Most entries of a folder are not hidden: no text check for them.
    entry.as_encoded_bytes().first() == Some(&b'.')
        && entry.to_str().and_then(temp_base) == Some(name.to_str().unwrap_or("/"))
}

/// Gives the file at `path` (below the workspace `root`) the bytes
/// `after` (`None`: removes it, and the folders it leaves empty up to
/// `stop`), atomically, first removing temporaries a killed writer left
/// beside it (looked for when `temps`: a caller that knows the folder
/// holds none spares reading it). Every folder below the root is reached
/// through handles that never follow a link, so a folder swapped for a
/// link meanwhile cannot send the write elsewhere (see `beneath`). The folder's sync is owed to
/// `syncs` (at once, or at the end of a group). Under the workspace lock
/// only.
pub(crate) fn put(
    root: &Path,
    path: &Path,
    after: Option<&[u8]>,
    stop: &Path,
    temps: bool,
    syncs: &mut Syncs,
) -> Result<()> {
    let Some((folder, name)) = folder(root, path, after.is_some())? else {
        return Ok(()); // nothing to remove
    };
    if temps {
        folder.remove_files(|entry| is_temp_of(entry, name));
    }
    match after {
        Some(bytes) => {
            folder
                .replace(name, bytes)
                .map_err(|e| failed(root, path, "write", e))?;
            syncs.folder(folder);
            Ok(())
        }
        None => {
            folder
                .remove(name)
                .map_err(|e| failed(root, path, "remove", e))?;
            syncs.folder(folder);
            prune(root, path, stop);
            Ok(())
        }
    }
}

/// Removes each folder above `path` that is empty, up to but excluding
/// `stop`, each through its parent's handle.
fn prune(root: &Path, path: &Path, stop: &Path) {
    if let Some(dir) = path.parent() {
        remove_empty_folder(root, dir, stop);
    }
}

/// Removes the folder `dir` (below `root`) if it is empty, then each
/// folder above it that became empty, up to but excluding `stop`, each
/// through its parent's handle. A folder that is not empty (or gone) is
/// left as it is.
pub(crate) fn remove_empty_folder(root: &Path, dir: &Path, stop: &Path) {
    let (Ok(rel), Ok(stop)) = (dir.strip_prefix(root), stop.strip_prefix(root)) else {
        return;
    };
    let mut dir = Some(rel);
    while let Some(d) = dir {
        if d == stop || !d.starts_with(stop) {
            break;
        }
        let (Some(parent), Some(name)) = (d.parent(), d.file_name()) else {
            break;
        };
        match beneath::open(root, parent, false) {
            Ok(Some(folder)) if folder.remove_empty_folder(name) => {}
            _ => break,
        }
        dir = Some(parent);
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

/// Removes the [`stale_temps`] of `path` (below the workspace `root`),
/// through the folder's handle. Only called under the workspace lock, when
/// no other writer of ours can be mid-write. Returns how many were
/// removed.
pub(crate) fn clean_stale_temps(root: &Path, path: &Path) -> usize {
    match folder(root, path, false) {
        Ok(Some((folder, name))) => folder.remove_files(|entry| is_temp_of(entry, name)),
        _ => 0,
    }
}

/// Appends `line` (which ends in a newline) to the file at `path` (below
/// the workspace `root`), creating it and its folder if need be, in one
/// `write` call so that readers never see half of it from us; its data's
/// sync is owed to `syncs`. `what` names the file in errors ("the audit log").
pub(crate) fn append_line(
    root: &Path,
    path: &Path,
    what: &str,
    mut line: Vec<u8>,
    syncs: &mut Syncs,
) -> Result<()> {
    let (folder, name) = folder(root, path, true)?
        .ok_or_else(|| Error::new(Code::Internal, "a folder vanished as it was made"))?;
    let mut file = folder
        .append(name)
        .map_err(|e| failed(root, path, &format!("open {what}"), e))?;
    // A previous writer killed mid-line would glue our line to its garbage.
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > 0 && !ends_with_newline(&file, len) {
        line.insert(0, b'\n');
    }
    file.write_all(&line)
        .map_err(|e| Error::io("append to", path, e))?;
    syncs.file_data(file, path.to_path_buf())
}

/// The lock file at `path` (below the workspace `root`), created with its
/// folder when missing and never truncated, opened for writing.
pub(crate) fn create_lock_file(root: &Path, path: &Path) -> Result<std::fs::File> {
    let (folder, name) = folder(root, path, true)?
        .ok_or_else(|| Error::new(Code::Internal, "a folder vanished as it was made"))?;
    folder
        .create(name)
        .map_err(|e| failed(root, path, "open the lock file", e))
}

fn ends_with_newline(mut file: &std::fs::File, len: u64) -> bool {
    let mut last = [0u8; 1];
    file.seek(SeekFrom::Start(len - 1)).is_ok()
        && file.read_exact(&mut last).is_ok()
        && last[0] == b'\n'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_creates_parents() {
        assert_eq!(
            write_atomic(Path::new("/"), b"x").unwrap_err().code,
            Code::InvalidPath
        );
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
        clean_stale_temps(dir.path(), &p);
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
        let p = stop.join("x/y/SKILL.md");
        put(dir.path(), &p, Some(b"x"), &stop, true, &mut Syncs::now()).unwrap();
        put(dir.path(), &p, None, &stop, true, &mut Syncs::now()).unwrap();
        assert!(!stop.join("x").exists());
        assert!(stop.exists());
        // Removing what is not there is fine, and creates nothing.
        put(
            dir.path(),
            &dir.path().join("none/f"),
            None,
            &stop,
            true,
            &mut Syncs::now(),
        )
        .unwrap();
        assert!(!dir.path().join("none").exists());
    }

    /// A replaced file keeps its permissions; a file or folder that is a
    /// link is refused and its target untouched; nothing lands outside.
    #[cfg(unix)]
    #[test]
    fn put_keeps_permissions_and_never_writes_through_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        let stop = root.join(".opencode");
        let config = root.join("opencode.jsonc");
        std::fs::write(&config, "{}").unwrap();
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
        put(
            root,
            &config,
            Some(b"{\"a\":1}"),
            &stop,
            true,
            &mut Syncs::now(),
        )
        .unwrap();
        assert_eq!(std::fs::read(&config).unwrap(), b"{\"a\":1}");
        let mode = std::fs::metadata(&config).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        std::fs::create_dir_all(root.join(".opencode/skills")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join(".opencode/skills/evil")).unwrap();
        std::fs::write(outside.path().join("SKILL.md"), "theirs").unwrap();
        std::os::unix::fs::symlink(outside.path().join("SKILL.md"), root.join("opencode.json"))
            .unwrap();
        for path in [
            root.join(".opencode/skills/evil/SKILL.md"),
            root.join(".opencode/skills/evil/new/SKILL.md"),
            root.join("opencode.json"),
        ] {
            for after in [Some(&b"mine"[..]), None] {
                let err = put(root, &path, after, &stop, true, &mut Syncs::now()).unwrap_err();
                assert_eq!(
                    err.code,
                    Code::Conflict,
                    "{}: {}",
                    path.display(),
                    err.message
                );
            }
        }
        assert_eq!(
            std::fs::read(outside.path().join("SKILL.md")).unwrap(),
            b"theirs"
        );
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
        assert!(root.join("opencode.json").is_symlink());
    }

    /// A folder swapped for a link to somewhere else again and again while
    /// files are written into it: no write ever lands outside the
    /// workspace (each lands in the real folder or is refused).
    #[cfg(unix)]
    #[test]
    fn a_folder_swapped_for_a_link_during_writes_never_sends_one_outside() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let skills = root.join(".opencode/skills");
        std::fs::create_dir_all(skills.join("a")).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let swaps = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let swapper = {
            let (skills, outside, stop, swaps) = (
                skills.clone(),
                outside.path().to_path_buf(),
                stop.clone(),
                swaps.clone(),
            );
            std::thread::spawn(move || {
                let (a, real) = (skills.join("a"), skills.join("a.real"));
                while !stop.load(Ordering::Relaxed) {
                    // The real folder aside, a link in its place, and back.
                    let _ = std::fs::rename(&a, &real);
                    if a.is_dir() && !a.is_symlink() {
                        // A folder a write made while `a` was missing.
                        let _ = std::fs::remove_dir_all(&a);
                    }
                    if std::os::unix::fs::symlink(&outside, &a).is_ok() {
                        swaps.fetch_add(1, Ordering::Relaxed);
                    }
                    let _ = std::fs::remove_file(&a);
                    let _ = std::fs::rename(&real, &a);
                }
            })
        };
        let (mut landed, mut refused) = (0, 0);
        // 4000 writes at least; on a busy machine more (40,000 at most),
        // until the race has really run: writes landed between swaps.
        for i in 0..40_000 {
            if i >= 4000 && landed >= 10 && swaps.load(Ordering::Relaxed) > 100 {
                break;
            }
            let path = skills.join("a/SKILL.md");
            match put(
                &root,
                &path,
                Some(format!("{i}").as_bytes()),
                &root.join(".opencode"),
                true,
                &mut Syncs::now(),
            ) {
                Ok(()) => landed += 1,
                Err(_) => refused += 1,
            }
        }
        stop.store(true, Ordering::Relaxed);
        swapper.join().unwrap();
        let swaps = swaps.load(Ordering::Relaxed);
        let outside_files: Vec<_> = std::fs::read_dir(outside.path()).unwrap().collect();
        assert!(
            outside_files.is_empty(),
            "{} writes landed outside ({landed} in, {refused} refused, {swaps} swaps)",
            outside_files.len()
        );
        assert!(
            swaps > 100 && landed > 0,
            "{swaps} swaps, {landed} landed: no race was run"
        );
    }
}
