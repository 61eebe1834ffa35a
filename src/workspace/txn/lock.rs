//! The workspace lock: an advisory lock on `.opencode/openwork/.lock`, taken
//! by the server and the offline CLI alike. Writes hold it exclusively, so
//! concurrent writers from any process are serialised and never lose each
//! other's updates; reads hold it shared, so they never see half of a
//! write of several files.
//!
//! This module only locks: finishing a write that a crash interrupted is
//! the transaction's job, once it holds the lock (see [`super::apply`]).

use crate::workspace::{Workspace, io};
use crate::{Error, Result};
use std::fs::File;

/// Held while the lock is held; dropping it releases the lock.
#[derive(Debug)]
pub(crate) struct LockGuard {
    _file: File,
}

/// Held while a read runs (see [`Workspace::read`]).
#[derive(Debug)]
pub(super) struct ReadGuard {
    _file: Option<File>,
}

/// Blocks until this process holds the workspace's lock exclusively. The
/// state folder must be the workspace's own: a link there would make the
/// lock file (and the audit log) land outside it.
pub(super) fn exclusive(ws: &Workspace) -> Result<LockGuard> {
    let path = ws.lock_file();
    io::check_inside(ws.state_root(), &path)?;
    let file = io::create_lock_file(ws.state_root(), &path)?;
    file.lock().map_err(|e| Error::io("lock", &path, e))?;
    Ok(LockGuard { _file: file })
}

/// Blocks until this process holds the workspace's lock shared. Creates
/// nothing: before the first write there is no lock file, and nothing to
/// wait for.
pub(super) fn shared(ws: &Workspace) -> Result<ReadGuard> {
    let path = ws.lock_file();
    // A linked state folder is not the workspace's: nothing to wait for.
    if io::check_inside(ws.state_root(), &path).is_err() {
        return Ok(ReadGuard { _file: None });
    }
    let Some(file) = io::lock_file::open_existing(&path)? else {
        return Ok(ReadGuard { _file: None });
    };
    file.lock_shared()
        .map_err(|e| Error::io("lock", &path, e))?;
    Ok(ReadGuard { _file: Some(file) })
}
