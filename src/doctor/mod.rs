//! `openwork doctor`: the workspace checked the way OpenCode 1.18.33 will
//! load it, each problem a [`Finding`] with a stable code, the file (and
//! line and column where known), one line that says what is wrong and one
//! that says what to do (docs/cli.md#openwork-doctor).
//!
//! It sits above the core, beside [`crate::pairing`], because it reads the
//! pairing files of running servers too; every check of a workspace file
//! calls the core's own readers, resolvers and rules (`items::layers`,
//! `resolve`, `walk`, `skills`, the schema of `formats::opencode`), so a
//! finding says exactly what the listings and the writes go by. It only
//! reads: it runs under the shared lock, finishes no journal and writes
//! nothing.
//!
//! - `config_files`: parse and schema errors of every OpenCode config file
//!   OpenCode reads, and of `.opencode/openwork.json`; unreadable files.
//! - `skills`, `commands`, `plugins`: what OpenCode skips, what it loads
//!   under another name, and what is defined in two places.
//! - `links`: links inside the workspace, which openwork does not follow.
//! - `journal`: an interrupted write left in the workspace.
//! - `server`: running servers of this workspace and stale pairing files.
//! - `watches`: the inotify watches a server's read memo needs.

mod commands;
mod config_files;
mod journal;
mod links;
mod plugins;
mod server;
mod skills;
mod watches;

use crate::Result;
use crate::workspace::Workspace;
use crate::workspace::items::layers::Layers;
use crate::workspace::items::resolve;
use serde::Serialize;
use std::path::Path;

/// How bad a finding is. `openwork doctor` exits 1 when there is an
/// error (with `--strict`, a warning too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// OpenCode refuses to start, or skips something the workspace has.
    Error,
    /// OpenCode loads the workspace, but not as it probably was meant.
    Warning,
    /// Worth knowing; nothing to fix.
    Info,
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable, kebab-case: what kind of problem (docs/cli.md#openwork-doctor).
    pub code: &'static str,
    pub severity: Severity,
    /// The file (or folder) concerned, as an absolute path.
    pub file: Option<String>,
    /// 1-based, where known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do about it, in one line.
    pub hint: String,
}

impl Finding {
    fn new(
        code: &'static str,
        severity: Severity,
        file: Option<&Path>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity,
            file: file.map(|f| f.display().to_string()),
            line: None,
            column: None,
            message: message.into(),
            hint: hint.into(),
        }
    }

    fn at(mut self, line: Option<usize>, column: Option<usize>) -> Finding {
        self.line = line;
        self.column = column;
        self
    }

    /// At the place a frontmatter error names (`… line 2 column 12: …`,
    /// counted in the YAML), as a line of the file: one more, for the
    /// opening `---`.
    fn in_frontmatter(self, message: &str) -> Finding {
        let number = |word: &str| -> Option<usize> {
            let rest = &message[message.find(word)? + word.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        };
        match (number("line "), number(" column ")) {
            (Some(line), column) => self.at(Some(line + 1), column),
            _ => self,
        }
    }
}

/// The inotify watches a server of this workspace would hold for its read
/// memo, and how many it allows itself (Linux only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Watches {
    pub needed: usize,
    pub budget: usize,
}

/// How many findings of each severity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    /// No error and no warning.
    pub ok: bool,
    /// `null` where there is no inotify, or when no watch can vouch for
    /// the workspace's reads.
    pub watches: Option<Watches>,
}

/// What `openwork doctor --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub workspace: String,
    /// Errors first, then warnings, then the rest; in the order found
    /// within each.
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// Every check, on the workspace as it is now. Call it under
/// [`Workspace::read`] so that it never sees half of a write.
pub fn check(ws: &Workspace) -> Result<Report> {
    let mut found = Vec::new();
    let layers = Layers::of(ws);
    let watch_count = watches::check(ws, &mut found);
    journal::check(ws, &mut found)?;
    config_files::check(ws, &layers, &mut found);
    match resolve::resolve(ws) {
        Ok(resolved) => {
            links::check(ws, &layers, &resolved, &mut found);
            skills::check(ws, &layers, &resolved, &mut found);
            commands::check(ws, &layers, &resolved, &mut found);
            plugins::check(ws, &resolved, &mut found);
        }
        Err(_) => found.push(Finding::new(
            "checks-skipped",
            Severity::Info,
            None,
            "links, skills, commands and plugins were not checked: the workspace's own config does not read",
            "fix the errors above, then run `openwork doctor` again",
        )),
    }
    server::check(ws, &mut found);
    found.sort_by_key(|f| f.severity);
    let count = |s: Severity| found.iter().filter(|f| f.severity == s).count();
    let summary = Summary {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        info: count(Severity::Info),
        ok: count(Severity::Error) + count(Severity::Warning) == 0,
        watches: watch_count,
    };
    Ok(Report {
        workspace: ws.root().display().to_string(),
        findings: found,
        summary,
    })
}
