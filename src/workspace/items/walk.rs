//! Finding files in a folder tree, as OpenCode's globs do
//! (`commands/**/*.md`, `skills/**/SKILL.md`): inside the workspace a
//! link is never followed to read what it points to (that may lie
//! outside); outside it, links are followed, as OpenCode follows them. A
//! walk is bounded, so that a `skills.paths` entry naming a huge tree
//! cannot stall a read.

use crate::workspace::{Workspace, io};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    let inside = |p: &Path| ws.holds(p);
    let mut out = Vec::new();
    visit(ws, dir, deep, |path, entry| {
        let (is_file, is_dir) = match entry.kind {
            io::Kind::File => (true, false),
            io::Kind::Folder => (false, true),
            io::Kind::Link if !inside(&path) => (io::is_file(&path), io::is_dir(&path)),
            io::Kind::Link if links == Links::ByName => (io::is_file(&path), false),
            _ => (false, false),
        };
        if is_file && entry.name.to_str().is_some_and(&want) {
            out.push(path);
            return None;
        }
        is_dir.then_some(path)
    });
    out
}

/// [`files`] of a [`Links::Skip`] walk, each file handed to `each` with
/// `parse` of its path (a file without one is passed over), in the same
/// order. Inside the workspace each folder's parses are kept by the cache
/// under `kind` (see [`Workspace::parsed_folder`]) while the watcher
/// vouches for them: a server's walk of 2,000 unchanged command files
/// looks at none of them.
pub(crate) fn each_parsed<T: Send + Sync + 'static>(
    ws: &Workspace,
    dir: &Path,
    deep: bool,
    kind: &'static str,
    want: impl Fn(&str) -> bool,
    parse: impl Fn(&Path) -> Option<Arc<T>>,
    mut each: impl FnMut(&Path, &Arc<T>),
) {
    if !ws.holds(dir) {
        for path in files(ws, dir, deep, Links::Skip, want) {
            if let Some(v) = parse(&path) {
                each(&path, &v);
            }
        }
        return;
    }
    if !ws.reachable(dir) {
        return;
    }
    let mut budget = MAX_ENTRIES;
    let walk = ParsedWalk {
        ws,
        deep,
        kind,
        want: &want,
        parse: &parse,
    };
    walk.visit_in(dir, 0, &mut budget, &mut each);
}

/// The bounds of an [`each_parsed`] walk inside the workspace, where a
/// link is never entered nor read.
struct ParsedWalk<'a, W, P> {
    ws: &'a Workspace,
    deep: bool,
    kind: &'static str,
    want: &'a W,
    parse: &'a P,
}

impl<W: Fn(&str) -> bool, P> ParsedWalk<'_, W, P> {
    fn visit_in<T: Send + Sync + 'static>(
        &self,
        d: &Path,
        depth: usize,
        budget: &mut usize,
        each: &mut impl FnMut(&Path, &Arc<T>),
    ) where
        P: Fn(&Path) -> Option<Arc<T>>,
    {
        let wanted =
            |e: &io::Entry| e.kind == io::Kind::File && e.name.to_str().is_some_and(self.want);
        let enter = |kind: io::Kind| kind == io::Kind::Folder && self.deep && depth < MAX_DEPTH;
        match self.ws.parsed_folder(d, self.kind, wanted, self.parse) {
            Some(Ok(folder)) => {
                for slot in &folder.slots {
                    if *budget == 0 {
                        return;
                    }
                    *budget -= 1;
                    if let Some(Some(v)) = &slot.parse {
                        each(&slot.path, v);
                    } else if enter(slot.kind) {
                        self.visit_in(&slot.path, depth + 1, budget, each);
                    }
                }
            }
            Some(Err(_)) => {}
            // Not kept (no vouching scope, or a group's bytes in the
            // folder): this folder and those below it file by file, as
            // `files` walks them.
            None => visit_in(self.ws, d, self.deep, depth, budget, &mut |path, entry| {
                if !wanted(entry) {
                    return (entry.kind == io::Kind::Folder).then_some(path);
                }
                if let Some(v) = (self.parse)(&path) {
                    each(&path, &v);
                }
                None
            }),
        }
    }
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
        let link = entry.kind == io::Kind::Link && ws.holds(&path);
        if link && entry.name.to_str().is_some_and(&want) {
            out.push(path);
            return None;
        }
        (entry.kind == io::Kind::Folder).then_some(path)
    });
    out
}

/// Calls `each` on every entry under `dir` (below its folders too when
/// `deep`, and `each` gives back a folder to enter), within the bounds, in `Path`'s
/// order: each folder's entries by name (bytes), a folder's own entries
/// right after it. Comparing paths name by name puts `a/z.md` before
/// `a-b.md` (`a` < `a-b.md`), which is where this visits it, so a walk of
/// thousands of files needs no sort of whole paths.
fn visit(
    ws: &Workspace,
    dir: &Path,
    deep: bool,
    mut each: impl FnMut(PathBuf, &io::Entry) -> Option<PathBuf>,
) {
    if !ws.reachable(dir) {
        return;
    }
    let mut budget = MAX_ENTRIES;
    visit_in(ws, dir, deep, 0, &mut budget, &mut each);
}

fn visit_in(
    ws: &Workspace,
    d: &Path,
    deep: bool,
    depth: usize,
    budget: &mut usize,
    each: &mut impl FnMut(PathBuf, &io::Entry) -> Option<PathBuf>,
) {
    // Sorted by name, and kept while the memo's watcher vouches for it.
    let Ok(entries) = ws.list(d) else {
        return;
    };
    for entry in entries.iter() {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        // Joined at its final size: no growing copy per entry.
        let parent = d.as_os_str();
        let mut path = std::ffi::OsString::with_capacity(parent.len() + 1 + entry.name.len());
        path.push(parent);
        let mut path = PathBuf::from(path);
        path.push(&entry.name);
        if let Some(folder) = each(path, entry)
            && deep
            && depth < MAX_DEPTH
        {
            visit_in(ws, &folder, deep, depth + 1, budget, each);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A walk lists files in `Path`'s order (name by name), whatever
    /// order the folders list them in.
    #[test]
    fn walks_list_files_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("c");
        let names = [
            "a.b/z.md",
            "a/z.md",
            "a-b.md",
            "a.md",
            "a/b/c.md",
            "A.md",
            "é.md",
            "a0.md",
            "a/b.md",
            "a/b-c/d.md",
            "b/a.md",
        ];
        for name in names {
            super::super::write_file(&base, name, "x");
        }
        let ws = Workspace::open(dir.path()).unwrap();
        let ours = files(&ws, &base, true, Links::Skip, |n| n.ends_with(".md"));
        let mut sorted: Vec<PathBuf> = names.iter().map(|n| base.join(n)).collect();
        sorted.sort();
        assert_eq!(ours, sorted);
        // A walk handing each file its parse (file by file here: no
        // vouching scope) gives them in the same order, links and files
        // without a parse passed over.
        #[cfg(unix)]
        std::os::unix::fs::symlink(base.join("a.md"), base.join("l.md")).unwrap();
        super::super::write_file(&base, "skip.md", "x");
        let mut parsed = Vec::new();
        let parse = |p: &Path| (!p.ends_with("skip.md")).then(|| Arc::new(p.to_path_buf()));
        let is_md = |n: &str| n.ends_with(".md");
        each_parsed(&ws, &base, true, "t", is_md, parse, |path, v| {
            assert_eq!(path, v.as_path());
            parsed.push(path.to_path_buf());
        });
        assert_eq!(parsed, sorted);
    }
}
