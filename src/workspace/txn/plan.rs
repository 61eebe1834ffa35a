//! Planned writes (docs/api.md#writes). An operation first becomes a [`Plan`]: the
//! exact bytes of every file before and after, computed without writing.
//! The plan is what a host approves; [`Workspace::apply`] writes exactly
//! that plan, or nothing if any file moved since it was made.

use crate::workspace::{Workspace, io};
use crate::{Code, Error, Result};
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
    /// Folders that hold no file, to remove after the files (an import's
    /// `replace` leaves no empty skill folder behind); deepest first. One
    /// that is no longer empty when the plan is applied is left.
    pub folders: Vec<PathBuf>,
}

impl Plan {
    pub fn is_noop(&self) -> bool {
        self.edits.is_empty() && self.folders.is_empty()
    }

    pub fn paths(&self) -> Vec<PathBuf> {
        self.edits
            .iter()
            .map(|e| e.path.clone())
            .chain(self.folders.iter().cloned())
            .collect()
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
        for folder in &self.folders {
            let rel = folder
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_else(|_| folder.display().to_string());
            out.push_str(&format!("Remove the empty folder {rel}/\n"));
        }
        out
    }
}

/// Builds a plan: reads each file once, lets the operation rewrite it any
/// number of times in memory, and keeps only the files that end up changed.
pub(crate) struct Draft<'a> {
    ws: &'a Workspace,
    /// Each file as read (`before`) and as the plan has it so far (`after`).
    files: Vec<FileEdit>,
    /// Empty folders to remove.
    folders: Vec<PathBuf>,
}

impl<'a> Draft<'a> {
    pub(crate) fn new(ws: &'a Workspace) -> Self {
        Draft {
            ws,
            files: Vec::new(),
            folders: Vec::new(),
        }
    }

    /// Removes `dir` after the files, if it holds none then: a folder
    /// under the places openwork writes files in.
    pub(crate) fn remove_folder(&mut self, dir: &Path) -> Result<()> {
        io::check_inside(self.ws.root(), dir)?;
        let rel = dir.strip_prefix(self.ws.root()).unwrap_or(dir);
        if !crate::workspace::written::removes_folder(self.ws.scope(), rel) {
            return Err(Error::new(
                Code::Internal,
                format!("openwork does not remove {}", self.ws.relative(dir)),
            ));
        }
        if !self.folders.iter().any(|f| f == dir) {
            self.folders.push(dir.to_path_buf());
        }
        Ok(())
    }

    fn slot(&mut self, path: &Path) -> Result<usize> {
        if let Some(i) = self.files.iter().position(|f| f.path == path) {
            return Ok(i);
        }
        io::check_inside(self.ws.root(), path)?;
        let rel = path.strip_prefix(self.ws.root()).unwrap_or(path);
        if crate::workspace::written::access_in(self.ws.scope(), rel).is_none() {
            return Err(Error::new(
                Code::Internal,
                format!("openwork does not write {}", self.ws.relative(path)),
            ));
        }
        let bytes = io::read_optional(path)?;
        self.files.push(FileEdit {
            path: path.to_path_buf(),
            before: bytes.clone(),
            after: bytes,
        });
        Ok(self.files.len() - 1)
    }

    /// The file's content as the plan has it so far.
    /// Whether the draft removes the file at `path`. Asks nothing of the
    /// disk and adds no file to the draft: a skill write asks it of every
    /// skill the workspace has (10,000 of them, in a large one).
    pub(crate) fn removes(&self, path: &Path) -> bool {
        self.files
            .iter()
            .any(|f| f.path == path && f.after.is_none())
    }

    pub(crate) fn bytes(&mut self, path: &Path) -> Result<Option<&[u8]>> {
        let i = self.slot(path)?;
        Ok(self.files[i].after.as_deref())
    }

    /// The content as text; a file that is not UTF-8 is an error with `code`.
    pub(crate) fn text(&mut self, path: &Path, code: Code) -> Result<Option<String>> {
        let rel = self.ws.relative(path);
        match self.bytes(path)? {
            None => Ok(None),
            Some(b) => String::from_utf8(b.to_vec())
                .map(Some)
                .map_err(|_| Error::new(code, format!("{rel} is not valid UTF-8"))),
        }
    }

    /// Sets the file's new content (`None` removes it).
    pub(crate) fn set(&mut self, path: &Path, content: Option<Vec<u8>>) -> Result<()> {
        let i = self.slot(path)?;
        self.files[i].after = content;
        Ok(())
    }

    pub(crate) fn finish(
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
            folders: {
                let mut folders = self.folders;
                // Deepest first, so a parent is empty when its turn comes.
                folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
                folders
            },
        }
    }
}
