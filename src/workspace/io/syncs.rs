//! The syncs that make writes durable, done at once or, for a group of
//! writes applied under one holding of the lock, once at the end of the
//! group (group commit, as databases do).
//!
//! A replaced file's own bytes are always synced before its rename (so a
//! crash leaves the old file or the new one, never a torn one); what can
//! wait is the folder that holds the new name and the audit log's data. A
//! group syncs each folder and each appended file once, however many of
//! its writes touched it, and no write of the group is answered before.
#![allow(clippy::disallowed_methods)] // the I/O layer: the one place that asks the file system

use super::beneath::Folder;
use crate::{Error, Result};
use std::fs::File;
use std::path::PathBuf;

/// A folder or file, by device and inode where known, to sync it once.
type Identity = Option<(u64, u64)>;

/// The syncs writes owe, and when they are paid.
#[derive(Debug)]
pub(crate) struct Syncs {
    /// Put off to [`Syncs::finish`] (a group), or done at once.
    later: bool,
    /// Folders to sync, each once (by device and inode where known).
    folders: Vec<(Identity, Folder)>,
    /// Appended files whose data to sync, each once.
    files: Vec<(Identity, File, PathBuf)>,
}

impl Syncs {
    /// Every sync done as the write asks for it.
    pub(crate) fn now() -> Syncs {
        Syncs {
            later: false,
            folders: Vec::new(),
            files: Vec::new(),
        }
    }

    /// Syncs kept for [`Syncs::finish`].
    pub(crate) fn later() -> Syncs {
        Syncs {
            later: true,
            ..Syncs::now()
        }
    }

    /// The folder's entries (a file renamed into it or removed from it)
    /// must be durable.
    pub(super) fn folder(&mut self, folder: Folder) {
        if !self.later {
            folder.sync();
            return;
        }
        let id = folder.identity();
        if id.is_none() || !self.folders.iter().any(|(seen, _)| *seen == id) {
            self.folders.push((id, folder));
        }
    }

    /// The data appended to `file` (at `path`) must be durable.
    pub(super) fn file_data(&mut self, file: File, path: PathBuf) -> Result<()> {
        if !self.later {
            return file.sync_data().map_err(|e| Error::io("sync", &path, e));
        }
        let id = identity(&file);
        if id.is_none() || !self.files.iter().any(|(seen, ..)| *seen == id) {
            self.files.push((id, file, path));
        }
        Ok(())
    }

    /// Pays every sync put off: the appended data, then the folders.
    pub(crate) fn finish(self) -> Result<()> {
        for (_, file, path) in self.files {
            file.sync_data().map_err(|e| Error::io("sync", &path, e))?;
        }
        for (_, folder) in self.folders {
            folder.sync();
        }
        Ok(())
    }

    /// How many folders and files wait for [`Syncs::finish`].
    #[cfg(all(test, unix))]
    pub(crate) fn pending(&self) -> usize {
        self.folders.len() + self.files.len()
    }
}

#[cfg(unix)]
fn identity(file: &File) -> Identity {
    use std::os::unix::fs::MetadataExt;
    file.metadata().ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &File) -> Identity {
    None
}

// Unix: elsewhere a folder has no identity, so none is synced once.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::workspace::io::{append_line, put};

    /// Put off, three files in two folders and two appends to one log owe
    /// three syncs (two folders, one file); done at once, none is owed.
    #[test]
    fn a_group_syncs_each_folder_and_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let stop = root.join(".opencode");
        let log = root.join(".opencode/openwork/audit.jsonl");
        let mut owed = Vec::new();
        for mut syncs in [Syncs::later(), Syncs::now()] {
            for rel in ["a.jsonc", "b.jsonc", ".opencode/c.json"] {
                put(root, &root.join(rel), Some(b"{}"), &stop, true, &mut syncs).unwrap();
            }
            for _ in 0..2 {
                append_line(root, &log, "the log", b"{}\n".to_vec(), &mut syncs).unwrap();
            }
            owed.push(syncs.pending());
            syncs.finish().unwrap();
        }
        assert_eq!(owed, [3, 0]);
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "{}\n".repeat(4));
    }
}
