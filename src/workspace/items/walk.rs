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
/// A walk looks at no more entries than this: room for 50,000 skills,
/// each a folder holding its SKILL.md.
const MAX_ENTRIES: usize = 100_000;

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
    let inside = |p: &Path| p.starts_with(ws.root());
    let mut out = Vec::new();
    visit(ws, dir, deep, |path, entry| {
        let (is_file, is_dir) = match entry.kind {
            io::Kind::File => (true, false),
            io::Kind::Folder => (false, true),
            io::Kind::Link if !inside(path) => (io::is_file(path), io::is_dir(path)),
            io::Kind::Link if links == Links::ByName => (io::is_file(path), false),
            _ => (false, false),
        };
        if is_file && entry.name.to_str().is_some_and(&want) {
            out.push(path.to_path_buf());
        }
        is_dir
    });
    sort_paths(&mut out);
    out
}

/// Sorts paths in `Path`'s order (name by name) at the cost of comparing
/// bytes: with each separator read as the lowest byte, which no name
/// holds, the byte order is the name-by-name order. A walk of thousands
/// of files sorts them without parsing paths into components at every
/// comparison.
fn sort_paths(paths: &mut [PathBuf]) {
    paths.sort_by_cached_key(|p| {
        let mut key = p.as_os_str().as_encoded_bytes().to_vec();
        for b in &mut key {
            if std::path::is_separator(char::from(*b)) {
                *b = 0;
            }
        }
        key
    });
}

/// The links inside the workspace under `dir` (at any depth when `deep`)
/// whose name `want` accepts, sorted: what [`files`] does not read
/// through, though OpenCode follows them.
pub(crate) fn links(
    ws: &Workspace,
    dir: &Path,
    deep: bool,
    want: impl Fn(&str) -> bool,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    visit(ws, dir, deep, |path, entry| {
        let link = entry.kind == io::Kind::Link && path.starts_with(ws.root());
        if link && entry.name.to_str().is_some_and(&want) {
            out.push(path.to_path_buf());
        }
        entry.kind == io::Kind::Folder
    });
    sort_paths(&mut out);
    out
}

/// Calls `each` on every entry under `dir` (below its folders too when
/// `deep`, and `each` says to enter one), within the bounds.
fn visit(ws: &Workspace, dir: &Path, deep: bool, mut each: impl FnMut(&Path, &io::Entry) -> bool) {
    if !ws.reachable(dir) {
        return;
    }
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
            if each(&path, &entry) && deep && depth < MAX_DEPTH {
                stack.push((path, depth + 1));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte order with separators lowest is `Path`'s order.
    #[test]
    fn paths_sort_name_by_name() {
        let names = [
            "/p/c/a.b/z.md",
            "/p/c/a/z.md",
            "/p/c/a-b.md",
            "/p/c/a.md",
            "/p/c/a/b/c.md",
            "/p/c/A.md",
            "/p/c/é.md",
            "/p/c/a0.md",
        ];
        let mut ours: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        let mut std = ours.clone();
        sort_paths(&mut ours);
        std.sort();
        assert_eq!(ours, std);
    }
}
