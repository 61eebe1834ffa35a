//! Planned writes (SPEC §2). An operation first becomes a [`Plan`]: the
//! exact bytes of every file before and after, computed without writing.
//! The plan is what a host approves; [`Workspace::apply`] writes exactly
//! that plan, or nothing if any file moved since it was made.

use super::audit::{self, Actor, AuditEntry};
use super::lock::LockGuard;
use super::{Workspace, files, journal, now_ms};
use crate::{Code, Error, Result};
use serde_json::json;
use std::path::{Path, PathBuf};

/// How long [`Plan::diff`] looks for a minimal diff of one file.
const DIFF_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(200);

/// One file's change. `None` means "does not exist" (before: to be created;
/// after: to be removed).
#[derive(Debug, Clone, PartialEq)]
pub struct FileEdit {
    pub path: PathBuf,
    pub before: Option<Vec<u8>>,
    pub after: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub workspace_id: String,
    /// `plugins.add`, `skills.upsert`, … (the audit action).
    pub action: String,
    /// What the action is about (a plugin spec, a skill name, a file).
    pub target: String,
    pub summary: String,
    /// Only files whose bytes change; empty for a no-op.
    pub edits: Vec<FileEdit>,
}

/// What [`Workspace::apply`] did.
#[derive(Debug, Clone)]
pub struct Applied {
    /// `None` for a no-op plan: nothing was written, not even the log.
    pub entry: Option<AuditEntry>,
}

impl Plan {
    pub fn is_noop(&self) -> bool {
        self.edits.is_empty()
    }

    pub fn paths(&self) -> Vec<PathBuf> {
        self.edits.iter().map(|e| e.path.clone()).collect()
    }

    /// A unified diff of the whole plan, paths relative to `root`.
    pub fn diff(&self, root: &Path) -> String {
        let mut out = String::new();
        for edit in &self.edits {
            let rel = edit
                .path
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_else(|_| edit.path.display().to_string());
            let (Ok(before), Ok(after)) = (
                std::str::from_utf8(edit.before.as_deref().unwrap_or_default()),
                std::str::from_utf8(edit.after.as_deref().unwrap_or_default()),
            ) else {
                out.push_str(&format!("Binary file {rel} changes\n"));
                continue;
            };
            let old = if edit.before.is_some() {
                format!("a/{rel}")
            } else {
                "/dev/null".into()
            };
            let new = if edit.after.is_some() {
                format!("b/{rel}")
            } else {
                "/dev/null".into()
            };
            // Myers' diff costs O(N·D): for large, very different files
            // that is quadratic, so it is given a deadline after which it
            // settles for a coarser (still exact) diff. Linear cost, same
            // bytes; only the hunks may be bigger.
            let diff = similar::TextDiff::configure()
                .timeout(DIFF_TIMEOUT)
                .diff_lines(before, after);
            out.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .missing_newline_hint(true)
                    .header(&old, &new)
                    .to_string(),
            );
        }
        out
    }
}

/// Builds a plan: reads each file once, lets the operation rewrite it any
/// number of times in memory, and keeps only the files that end up changed.
pub struct Draft<'a> {
    ws: &'a Workspace,
    /// Each file as read (`before`) and as the plan has it so far (`after`).
    files: Vec<FileEdit>,
}

impl<'a> Draft<'a> {
    pub fn new(ws: &'a Workspace) -> Self {
        Draft {
            ws,
            files: Vec::new(),
        }
    }

    fn slot(&mut self, path: &Path) -> Result<usize> {
        if let Some(i) = self.files.iter().position(|f| f.path == path) {
            return Ok(i);
        }
        files::check_inside(self.ws.root(), path)?;
        let bytes = files::read_optional(path)?;
        self.files.push(FileEdit {
            path: path.to_path_buf(),
            before: bytes.clone(),
            after: bytes,
        });
        Ok(self.files.len() - 1)
    }

    /// The file's content as the plan has it so far.
    pub fn bytes(&mut self, path: &Path) -> Result<Option<&[u8]>> {
        let i = self.slot(path)?;
        Ok(self.files[i].after.as_deref())
    }

    /// The content as text; a file that is not UTF-8 is an error with `code`.
    pub fn text(&mut self, path: &Path, code: Code) -> Result<Option<String>> {
        let rel = self.ws.relative(path);
        match self.bytes(path)? {
            None => Ok(None),
            Some(b) => String::from_utf8(b.to_vec())
                .map(Some)
                .map_err(|_| Error::new(code, format!("{rel} is not valid UTF-8"))),
        }
    }

    /// Sets the file's new content (`None` removes it).
    pub fn set(&mut self, path: &Path, content: Option<Vec<u8>>) -> Result<()> {
        let i = self.slot(path)?;
        self.files[i].after = content;
        Ok(())
    }

    pub fn finish(
        self,
        action: &str,
        target: impl Into<String>,
        summary: impl Into<String>,
    ) -> Plan {
        Plan {
            workspace_id: self.ws.id().to_string(),
            action: action.to_string(),
            target: target.into(),
            summary: summary.into(),
            edits: self
                .files
                .into_iter()
                .filter(|f| f.before != f.after)
                .collect(),
        }
    }
}

impl Workspace {
    /// Gives the file at `path` the bytes `after` (`None`: removes it, and
    /// folders it leaves empty), atomically, first removing temporaries a
    /// killed writer left beside it. Under the lock only.
    pub(crate) fn put(&self, path: &Path, after: Option<&[u8]>) -> Result<()> {
        files::clean_stale_temps(path);
        match after {
            Some(bytes) => files::write_atomic(path, bytes),
            None => files::remove(path, &self.dot_opencode()),
        }
    }
}

/// Lets tests kill a writer after `done` files of a plan, as a crash
/// would (`OPENWORK_TEST_CRASH_AFTER_FILES`; only with the test-only
/// `fault-injection` feature).
#[cfg(feature = "fault-injection")]
fn crash_point(done: usize) {
    if std::env::var("OPENWORK_TEST_CRASH_AFTER_FILES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        == Some(done)
    {
        std::process::abort();
    }
}

#[cfg(not(feature = "fault-injection"))]
fn crash_point(_done: usize) {}

impl Workspace {
    /// Applies `plan` while `_lock` is held: every file must still hold its
    /// `before` bytes (else `conflict`, nothing written); then each file is
    /// replaced atomically and one audit entry appended.
    pub fn apply(&self, _lock: &LockGuard, plan: &Plan, actor: &Actor) -> Result<Applied> {
        if plan.workspace_id != self.id() {
            return Err(Error::new(
                Code::Internal,
                "plan belongs to another workspace",
            ));
        }
        if plan.is_noop() {
            return Ok(Applied { entry: None });
        }
        // The audit log is written too: never through a link.
        files::check_inside(self.root(), &self.audit_log())?;
        let mut changed = Vec::new();
        for edit in &plan.edits {
            files::check_inside(self.root(), &edit.path)?;
            if files::read_optional(&edit.path)? != edit.before {
                changed.push(edit.path.display().to_string());
            }
        }
        if !changed.is_empty() {
            return Err(Error::new(
                Code::Conflict,
                "the workspace changed since this write was planned; nothing was written, retry",
            )
            .with_details(json!({ "paths": changed })));
        }
        let entry = AuditEntry {
            id: uuid::Uuid::new_v4().to_string(),
            workspace_id: self.id().to_string(),
            actor: actor.clone(),
            action: plan.action.clone(),
            target: plan.target.clone(),
            summary: plan.summary.clone(),
            timestamp: now_ms(),
        };
        // Several files: all or nothing, even across a crash.
        let journaled = journal::needed(&plan.edits);
        if journaled {
            journal::begin(self, &plan.edits, &entry)?;
        }
        for (done, edit) in plan.edits.iter().enumerate() {
            crash_point(done);
            self.put(&edit.path, edit.after.as_deref())?;
        }
        audit::append(&self.audit_log(), &entry)?;
        if journaled {
            journal::end(self)?;
        }
        Ok(Applied { entry: Some(entry) })
    }

    /// The files openwork writes that may have stale temporaries beside
    /// them: the two config files, `openwork.json`, every project skill's
    /// `SKILL.md` and every command file (present or only left as a
    /// temporary).
    fn temp_candidates(&self) -> Vec<PathBuf> {
        let mut out = vec![
            self.root().join("opencode.jsonc"),
            self.root().join("opencode.json"),
            self.openwork_config(),
        ];
        for dir in [self.skills_dir(), self.commands_dir()] {
            // Never through a link out of the workspace.
            if files::check_inside(self.root(), &dir).is_err() {
                continue;
            }
            let Ok(entries) = files::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    out.push(path.join("SKILL.md"));
                } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                    // `.review.md.XXXXXX` → `review.md`
                    if let Some(base) = name
                        .strip_prefix('.')
                        .and_then(|n| n.get(..n.len().saturating_sub(7)))
                        .filter(|b| !b.is_empty())
                    {
                        out.push(dir.join(base));
                    }
                }
            }
        }
        out
    }

    /// Repairs what a writer killed mid-commit left (the server calls this
    /// when it starts): finishes its write if it was journaled (taking the
    /// lock does), and removes temporaries beside the files openwork
    /// writes. Takes the lock only when there is something to repair, so a
    /// clean workspace is not touched at all. Returns how many temporaries
    /// were removed.
    pub fn clean_stale_temps(&self) -> Result<usize> {
        let candidates = self.temp_candidates();
        if candidates.iter().all(|p| files::stale_temps(p).is_empty())
            && !files::exists(&self.journal_file())
        {
            return Ok(0);
        }
        let _lock = self.lock()?;
        Ok(candidates.iter().map(|p| files::clean_stale_temps(p)).sum())
    }

    /// Plans and applies under one holding of the lock, so the two cannot
    /// conflict: how the offline CLI and the server's auto mode write.
    ///
    /// A first plan is made without the lock: bad input and no-ops end
    /// there, so they create nothing, not even the lock file. A write
    /// that does change something is planned again under the lock.
    pub fn write(
        &self,
        actor: &Actor,
        mut make: impl FnMut(&Workspace) -> Result<Plan>,
    ) -> Result<(Plan, Applied)> {
        let first = make(self)?;
        if first.is_noop() {
            return Ok((first, Applied { entry: None }));
        }
        let lock = self.lock()?;
        let plan = make(self)?;
        let applied = self.apply(&lock, &plan, actor)?;
        Ok((plan, applied))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a writer killed between linking its temporary and renaming it
    /// leaves is removed; a clean workspace is not touched (no lock file).
    #[test]
    fn stale_temps_of_every_written_file_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap().with_global(None);
        assert_eq!(ws.clean_stale_temps().unwrap(), 0);
        assert!(
            !ws.dot_opencode().exists(),
            "a clean workspace is untouched"
        );

        let keep = [
            "opencode.jsonc",
            ".opencode/skills/s/SKILL.md",
            ".opencode/commands/review.md",
            ".opencode/commands/.hidden.md",
            ".opencode/notes.txt.aB3xY9",
        ];
        let stale = [
            ".opencode.jsonc.aB3xY9",
            ".opencode.json.Zz0Zz0",
            ".opencode/.openwork.json.q1w2e3",
            ".opencode/skills/s/.SKILL.md.r4t5y6",
            ".opencode/commands/.review.md.u7i8o9",
            ".opencode/commands/.gone.md.p0o9i8",
        ];
        for rel in keep.iter().chain(&stale) {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        assert_eq!(ws.clean_stale_temps().unwrap(), stale.len());
        for rel in keep {
            assert!(dir.path().join(rel).exists(), "{rel} was removed");
        }
        for rel in stale {
            assert!(!dir.path().join(rel).exists(), "{rel} is left");
        }
    }
}
