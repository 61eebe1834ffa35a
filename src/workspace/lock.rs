//! The workspace lock: an advisory lock on `.opencode/openwork/.lock`, taken
//! by the server and the offline CLI alike. Writes hold it exclusively, so
//! concurrent writers from any process are serialised and never lose each
//! other's updates; reads hold it shared, so they never see half of a
//! write of several files.

use super::Workspace;
use crate::{Error, Result};
use std::fs::{File, OpenOptions};

/// Held while the lock is held; dropping it releases the lock.
#[derive(Debug)]
pub struct LockGuard {
    _file: File,
}

/// Held while a read runs (see [`Workspace::read`]).
#[derive(Debug)]
pub struct ReadGuard {
    _file: Option<File>,
}

impl Workspace {
    /// Blocks until this process holds the workspace's lock, then finishes
    /// a write that a crash interrupted, if any (see [`super::journal`]).
    /// The state folder must be the workspace's own: a link there would
    /// make the lock file (and the audit log) land outside it.
    pub fn lock(&self) -> Result<LockGuard> {
        let dir = self.state_dir();
        super::io::check_inside(self.root(), &self.lock_file())?;
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

    /// Runs `f` with the lock held shared, so that it never sees half of a
    /// write (writes hold it exclusively while they apply). Creates
    /// nothing: before the first write there is no lock file, and nothing
    /// to wait for. A write a crash interrupted is left to the next write.
    pub fn read<T>(&self, f: impl FnOnce(&Workspace) -> Result<T>) -> Result<T> {
        let _guard = self.read_lock()?;
        f(self)
    }

    fn read_lock(&self) -> Result<ReadGuard> {
        let path = self.lock_file();
        // A linked state folder is not the workspace's: nothing to wait for.
        if super::io::check_inside(self.root(), &path).is_err() {
            return Ok(ReadGuard { _file: None });
        }
        let opened = File::open(&path); // unrecorded: a lock, not content
        let file = match opened {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ReadGuard { _file: None });
            }
            Err(e) => return Err(Error::io("open the lock file", &path, e)),
        };
        file.lock_shared()
            .map_err(|e| Error::io("lock", &path, e))?;
        Ok(ReadGuard { _file: Some(file) })
    }
}
