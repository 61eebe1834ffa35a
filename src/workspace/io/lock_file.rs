//! Opening the workspace's lock file for reading, for `txn::lock` to take
//! shared (`write::create_lock_file` makes it, for the exclusive lock).
//! Not recorded: a lock file holds no content that a read depends on.
#![allow(clippy::disallowed_methods)] // the I/O layer: the one place that asks the file system

use crate::{Error, Result};
use std::fs::File;
use std::path::Path;

/// The lock file at `path` opened for reading, or `None` when there is
/// none: what a shared lock is taken on. Creates nothing.
pub(crate) fn open_existing(path: &Path) -> Result<Option<File>> {
    match File::open(path) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("open the lock file", path, e)),
    }
}
