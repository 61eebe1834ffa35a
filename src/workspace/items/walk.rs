//! Finding files in a folder tree, as OpenCode's globs do
//! (`commands/**/*.md`, `skills/**/SKILL.md`): inside the workspace a
//! link is never followed to read what it points to (that may lie
//! outside); outside it, links are followed, as OpenCode follows them. A
//! walk is bounded, so that a `skills.paths` entry naming a huge tree
//! cannot stall a read.

use crate::workspace::{Workspace, io};
use std::path::{Path, PathBuf};

/// Folders deeper than this below the start are not entered.
const MAX_DEPTH: usize = 12;
/// A walk looks at no more entries than this.
const MAX_ENTRIES: usize = 20_000;

/// How a link to a file inside the workspace counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Links {
    /// Not at all: its content would be read (commands, skills).
    Skip,
    /// By its name, when it points to a file: only the name is used
    /// (plugin files, which OpenCode loads by path).
    ByName,
}

/// The files under `dir` (at any depth when `deep`, else directly in it)
/// whose name `want` accepts, sorted by path.
pub(crate) fn files(
    ws: &Workspace,
    dir: &Path,
    deep: bool,
    links: Links,
    want: impl Fn(&str) -> bool,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if !ws.reachable(dir) {
        return out;
    }
    let inside = |p: &Path| p.starts_with(ws.root());
    let mut budget = MAX_ENTRIES;
    let mut stack = vec![(dir.to_path_buf(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        let Ok(entries) = io::list(&d) else {
            continue;
        };
        for entry in entries {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let path = d.join(&entry.name);
            let (is_file, is_dir) = match entry.kind {
                io::Kind::File => (true, false),
                io::Kind::Folder => (false, true),
                io::Kind::Link if !inside(&path) => (io::is_file(&path), io::is_dir(&path)),
                io::Kind::Link if links == Links::ByName => (io::is_file(&path), false),
                _ => (false, false),
            };
            if is_file && entry.name.to_str().is_some_and(&want) {
                out.push(path);
            } else if is_dir && deep && depth < MAX_DEPTH {
                stack.push((path, depth + 1));
            }
        }
    }
    out.sort();
    out
}
