//! The workspace lock: an advisory lock on `.opencode/openwork/.lock`, taken
//! by the server and the offline CLI alike, so concurrent writers from any
//! process are serialised and never lose each other's updates.

use super::Workspace;
use crate::{Error, Result};
use std::fs::{File, OpenOptions};

/// Held while the lock is held; dropping it releases the lock.
#[derive(Debug)]
pub struct LockGuard {
    _file: File,
}

impl Workspace {
    /// Blocks until this process holds the workspace's lock, then finishes
    /// a write that a crash interrupted, if any (see [`super::journal`]).
    /// The state folder must be the workspace's own: a link there would
    /// make the lock file (and the audit log) land outside it.
    pub fn lock(&self) -> Result<LockGuard> {
        let dir = self.state_dir();
        super::files::check_inside(self.root(), &self.lock_file())?;
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("create the folder", &dir, e))?;
        let path = self.lock_file();
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io("open the lock file", &path, e))?;
        file.lock().map_err(|e| Error::io("lock", &path, e))?;
        let guard = LockGuard { _file: file };
        super::journal::recover(self)?;
        Ok(guard)
    }
}
