//! Opening the workspace's lock file, for `txn::lock` to lock. Not
//! recorded: a lock file holds no content that a read depends on.
#![allow(clippy::disallowed_methods)] // the I/O layer: the one place that asks the file system

use crate::{Error, Result};
use std::fs::{File, OpenOptions};
use std::path::Path;

/// The lock file at `path`, created (with its folder) when missing and
/// never truncated, opened for writing: what an exclusive lock is taken on.
pub(crate) fn create(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    }
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io("open the lock file", path, e))
}

/// The lock file at `path` opened for reading, or `None` when there is
/// none: what a shared lock is taken on. Creates nothing.
pub(crate) fn open_existing(path: &Path) -> Result<Option<File>> {
    match File::open(path) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("open the lock file", path, e)),
    }
}
