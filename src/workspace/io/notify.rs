//! The file-system calls of the memo's inotify watcher: adding a watch on
//! a path, whether a path is a link, how many hard links a file has, what
//! file system a folder is on, and the per-user watch limit. Not recorded: these are the watcher's own
//! looks, not reads that a kept value depends on.
#![allow(clippy::disallowed_methods)] // the I/O layer: the one place that asks the file system

use nix::sys::inotify::{AddWatchFlags, Inotify, WatchDescriptor};
use nix::sys::statfs::FsType;
use std::path::Path;

/// `inotify_add_watch` on `path`.
pub(crate) fn add_watch(
    inotify: &Inotify,
    path: &Path,
    flags: AddWatchFlags,
) -> nix::Result<WatchDescriptor> {
    inotify.add_watch(path, flags)
}

/// Whether `path` itself is a symbolic link.
pub(crate) fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Whether `path` itself is a regular file (not followed).
pub(crate) fn is_regular_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// How many hard links the regular file at `path` (not followed) has,
/// if it exists; anything else (a folder, a link) counts as one: what
/// matters of it is only its name, which its folder's watch reports.
pub(crate) fn link_count(path: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(path).ok()?;
    Some(if meta.is_file() { meta.nlink() } else { 1 })
}

/// The type of the file system `dir` is on, if it can be asked.
pub(crate) fn file_system_type(dir: &Path) -> Option<FsType> {
    nix::sys::statfs::statfs(dir)
        .ok()
        .map(|s| s.filesystem_type())
}

/// How many inotify watches each user may hold, if the system says.
pub(crate) fn max_user_watches() -> Option<usize> {
    std::fs::read_to_string("/proc/sys/fs/inotify/max_user_watches")
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
}
