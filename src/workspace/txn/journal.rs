//! A write of several files is all or nothing, even across a crash.
//!
//! Each file is replaced atomically, but a process killed between two
//! files would leave a plan half-applied (an import with some skills new
//! and some old, a config patch with one file of two). So before the
//! first file of such a plan is touched, the plan's outcome — every
//! file's new bytes and its audit entry — is written to a journal. Whoever
//! takes the workspace lock next (the next write, from any process, or a
//! server starting) finds the journal and finishes the write: files that
//! do not yet hold their new bytes get them, the audit entry is appended
//! unless it is already the newest, and the journal is removed. Finishing
//! is idempotent, so a crash while finishing is finished the same way.
//!
//! A single-file write needs no journal: its one rename is atomic.

use super::audit::{self, AuditEntry};
use super::plan::FileEdit;
use crate::workspace::{Workspace, io};
use crate::{Code, Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Component, Path, PathBuf};

const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    version: u32,
    entry: AuditEntry,
    files: Vec<JournalFile>,
}

#[derive(Debug, Serialize, Deserialize)]
struct JournalFile {
    /// Relative to the workspace root, `/`-separated.
    path: String,
    /// The new bytes, or `None` to remove the file.
    after: Option<Content>,
}

/// Text as text, so the journal stays readable; anything else as bytes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Content {
    Text(String),
    Bytes(Vec<u8>),
}

impl Content {
    fn of(bytes: &[u8]) -> Content {
        match std::str::from_utf8(bytes) {
            Ok(text) => Content::Text(text.to_string()),
            Err(_) => Content::Bytes(bytes.to_vec()),
        }
    }
    fn bytes(&self) -> &[u8] {
        match self {
            Content::Text(t) => t.as_bytes(),
            Content::Bytes(b) => b,
        }
    }
}

/// Whether a plan of these edits is journaled.
pub(crate) fn needed(edits: &[FileEdit]) -> bool {
    edits.len() > 1
}

/// Writes the journal of `edits` and `entry`, durably, before any of them
/// is applied. Called under the lock.
pub(crate) fn begin(ws: &Workspace, edits: &[FileEdit], entry: &AuditEntry) -> Result<()> {
    let journal = Journal {
        version: VERSION,
        entry: entry.clone(),
        files: edits
            .iter()
            .map(|e| JournalFile {
                path: ws.relative(&e.path),
                after: e.after.as_deref().map(Content::of),
            })
            .collect(),
    };
    let path = ws.journal_file();
    let bytes = serde_json::to_vec(&journal)
        .map_err(|e| Error::io("encode the journal", &path, std::io::Error::other(e)))?;
    io::check_inside(ws.root(), &path)?;
    io::write_atomic(&path, &bytes)
}

/// Removes the journal once its write is complete. Not synced: a journal
/// that comes back after a crash is finished again, which changes nothing.
pub(crate) fn end(ws: &Workspace) -> Result<()> {
    io::remove_file(&ws.journal_file())
}

/// Finishes a write interrupted by a crash, if there is one. Called with
/// the lock just taken. `Ok(true)` when a write was finished.
pub(crate) fn recover(ws: &Workspace) -> Result<bool> {
    let path = ws.journal_file();
    if io::check_inside(ws.root(), &path).is_err() {
        return Ok(false); // the lock refuses such a workspace already
    }
    let Some(bytes) = io::read_optional(&path)? else {
        return Ok(false);
    };
    // Written atomically, so it is whole: one that does not parse was
    // edited by someone else, and guessing could corrupt the workspace.
    let journal: Journal = serde_json::from_slice(&bytes)
        .ok()
        .filter(|j: &Journal| j.version == VERSION && j.entry.workspace_id == ws.id())
        .ok_or_else(|| {
            Error::new(
                Code::Conflict,
                format!(
                    "{} holds an interrupted write that cannot be read; inspect it, then remove it to write again",
                    ws.relative(&path)
                ),
            )
        })?;
    let mut targets = Vec::with_capacity(journal.files.len());
    for file in &journal.files {
        let target = resolve(ws, &file.path).ok_or_else(|| {
            Error::new(
                Code::Conflict,
                format!(
                    "{} names a path outside the workspace: {}",
                    ws.relative(&path),
                    file.path
                ),
            )
        })?;
        io::check_inside(ws.root(), &target)?;
        targets.push(target);
    }
    for (file, target) in journal.files.iter().zip(&targets) {
        let want = file.after.as_ref().map(Content::bytes);
        if io::read_optional(target)?.as_deref() == want {
            continue;
        }
        io::put(target, want, &ws.dot_opencode())?;
    }
    let log = ws.audit_log();
    let newest = audit::tail(&log, 1)?;
    if newest.first().map(|e| &e.id) != Some(&journal.entry.id) {
        audit::append(&log, &journal.entry)?;
    }
    end(ws)?;
    Ok(true)
}

/// `rel` under the root, if it is a plain relative path.
fn resolve(ws: &Workspace, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    let plain =
        !rel.as_os_str().is_empty() && rel.components().all(|c| matches!(c, Component::Normal(_)));
    plain.then(|| ws.root().join(rel))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::{Actor, skills, transfer};

    fn entry(ws: &Workspace, id: &str) -> AuditEntry {
        AuditEntry {
            id: id.into(),
            workspace_id: ws.id().into(),
            actor: Actor::cli(),
            action: "import".into(),
            target: "workspace".into(),
            summary: "Import".into(),
            timestamp: 1,
        }
    }

    fn edit(ws: &Workspace, rel: &str, before: Option<&str>, after: Option<&str>) -> FileEdit {
        FileEdit {
            path: ws.root().join(rel),
            before: before.map(|b| b.as_bytes().to_vec()),
            after: after.map(|a| a.as_bytes().to_vec()),
        }
    }

    /// Every file under `dir` but the lock file, with its bytes.
    fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if !p.ends_with(".lock") {
                    out.push((p.clone(), std::fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    fn audit_ids(ws: &Workspace) -> Vec<String> {
        ws.audit_tail(100)
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect()
    }

    /// A crash after some files: taking the lock finishes the rest and
    /// logs the write once, however often it is finished.
    #[test]
    fn an_interrupted_write_is_finished_by_the_next_lock() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap().with_global(None);
        std::fs::create_dir_all(dir.path().join(".opencode/commands")).unwrap();
        std::fs::write(dir.path().join("a.txt"), "old a").unwrap();
        std::fs::write(dir.path().join("gone.txt"), "x").unwrap();
        let edits = vec![
            edit(&ws, "a.txt", Some("old a"), Some("new a")),
            edit(&ws, ".opencode/commands/b.md", None, Some("new b")),
            edit(&ws, "gone.txt", Some("x"), None),
        ];
        begin(&ws, &edits, &entry(&ws, "e1")).unwrap();
        // The crash came after the first file.
        std::fs::write(dir.path().join("a.txt"), "new a").unwrap();
        drop(ws.lock().unwrap());
        let read = |rel: &str| std::fs::read_to_string(dir.path().join(rel)).ok();
        assert_eq!(read("a.txt").as_deref(), Some("new a"));
        assert_eq!(read(".opencode/commands/b.md").as_deref(), Some("new b"));
        assert_eq!(read("gone.txt"), None);
        assert!(!ws.journal_file().exists());
        assert_eq!(audit_ids(&ws), ["e1"]);

        // The crash came after the audit line, before the journal went.
        begin(&ws, &edits, &entry(&ws, "e1")).unwrap();
        drop(ws.lock().unwrap());
        assert_eq!(audit_ids(&ws), ["e1"], "logged once");
        assert!(!ws.journal_file().exists());
        // Nothing left to finish.
        assert!(!recover(&ws).unwrap());
    }

    #[test]
    fn a_journal_that_cannot_be_trusted_stops_writes_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap().with_global(None);
        std::fs::create_dir_all(ws.state_dir()).unwrap();
        let outside = serde_json::json!({
            "version": 1,
            "entry": entry(&ws, "e1"),
            "files": [{"path": "../outside.txt", "after": "x"}],
        });
        for text in [
            "{not json".to_string(),
            outside.to_string(),
            outside.to_string().replace(ws.id(), "ws_000000000000"),
        ] {
            std::fs::write(ws.journal_file(), &text).unwrap();
            let before = snapshot(dir.path());
            let err = ws.lock().unwrap_err();
            assert_eq!(err.code, Code::Conflict, "{text}: {}", err.message);
            assert!(err.message.contains("journal.json"), "{}", err.message);
            assert_eq!(snapshot(dir.path()), before);
            assert!(!dir.path().parent().unwrap().join("outside.txt").exists());
        }
    }

    /// A real multi-file plan (an import) goes through the journal and
    /// leaves none behind.
    #[test]
    fn a_multi_file_write_leaves_no_journal() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap().with_global(None);
        let doc = serde_json::json!({
            "skills": [
                {"name": "one", "description": "First", "content": "# One"},
                {"name": "two", "description": "Second", "content": "# Two"},
            ],
            "opencode": {"plugin": ["p"]},
        });
        let doc = transfer::parse_import(doc.as_object().unwrap()).unwrap();
        let (plan, applied) = ws
            .write(&Actor::cli(), |ws| transfer::plan_import(ws, &doc))
            .unwrap();
        assert!(needed(&plan.edits));
        assert!(applied.entry.is_some());
        assert!(!ws.journal_file().exists());
        assert_eq!(skills::list(&ws, false).unwrap().len(), 2);
    }
}
