//! Where OpenCode 1.18.33 looks when it starts in the workspace's root
//! folder (its instance directory), in the order it reads each place:
//! later places win. Only where things are; what they hold and how they
//! merge is [`super::resolve`]'s.
//!
//! - The **worktree** is the git top-level: the nearest folder at or above
//!   the root that holds `.git`. Outside git OpenCode takes `/`, and so
//!   does openwork: every folder up to `/` counts (`$HOME/opencode.json`
//!   included), exactly as OpenCode reads them.
//! - **Config files**: the global `config.json`, `opencode.json`,
//!   `opencode.jsonc` of `~/.config/opencode`; then `opencode.json` and
//!   `opencode.jsonc` of every folder from the worktree down to the root
//!   (`.jsonc` after `.json` in each folder).
//! - **Config directories**, after all of those: `~/.config/opencode`,
//!   the root's `.opencode`, each parent's `.opencode` up to the worktree
//!   (nearest first, so a parent's wins over the root's), `~/.opencode`.
//!   Each `.opencode` brings its `opencode.json` then `opencode.jsonc`;
//!   each directory its `{command,commands}/**/*.md` and
//!   `{plugin,plugins}/*.{ts,js}`.
//! - The **managed** config an administrator writes (`/etc/opencode` on
//!   Linux), last.
//! - **Skill folders**, in OpenCode's scan order: `~/.claude/skills`,
//!   `~/.agents/skills`, then `.claude/skills` and `.agents/skills` of
//!   every folder from the root up to the worktree, then
//!   `{skill,skills}` of each config directory; `skills.paths` come last
//!   ([`super::skills`]).
//!
//! A handle on the user-wide config (`Workspace::open_global`) has the
//! user-wide places alone: no project folder, no worktree.
//!
//! What OpenCode reads from its environment (`OPENCODE_CONFIG`,
//! `OPENCODE_CONFIG_DIR`, `OPENCODE_CONFIG_CONTENT`, the `OPENCODE_DISABLE_*`
//! switches) is not modelled: openwork describes OpenCode started without
//! them.

use crate::workspace::{Workspace, io, written};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where an item comes from, as listings say it (`origin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A file of the workspace itself: its `opencode.json(c)`, `.opencode/`.
    Project,
    /// A folder above the workspace, up to the worktree.
    Parent,
    /// The user's config folder, `~/.config/opencode`.
    Global,
    /// `~/.opencode`.
    Home,
    /// The administrator's config (`/etc/opencode`).
    Managed,
    /// A `.claude/skills` folder (the user's or the project's).
    Claude,
    /// An `.agents/skills` folder (the user's or the project's).
    Agents,
    /// A folder listed in `skills.paths`.
    Paths,
}

impl Origin {
    /// The name listings give it: what serde writes for it.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Project => "project",
            Origin::Parent => "parent",
            Origin::Global => "global",
            Origin::Home => "home",
            Origin::Managed => "managed",
            Origin::Claude => "claude",
            Origin::Agents => "agents",
            Origin::Paths => "paths",
        }
    }
}

/// One place something is read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub path: PathBuf,
    pub origin: Origin,
    /// The user's or the administrator's, not the project's: listed only
    /// when global items are asked for.
    pub user_wide: bool,
}

/// A config directory: a place for commands, plugins and skills, and for
/// `.opencode` folders a place for config files too.
#[derive(Debug, Clone)]
pub struct ConfigDir {
    pub place: Place,
    /// `opencode.json` and `opencode.jsonc` are read in it (not in
    /// `~/.config/opencode`, whose files are read first of all).
    pub has_config: bool,
}

/// The places of one workspace.
#[derive(Debug, Clone)]
pub struct Layers {
    root: PathBuf,
    /// Folders of the workspace known to be reached from its root through
    /// no link, asked once per `Layers` (one read): the 10,000 files of a
    /// listing share their folders.
    linkless: Arc<Mutex<HashMap<PathBuf, bool>>>,
    /// Folders from the worktree (or `/`) down to the root, top first.
    folders: Vec<PathBuf>,
    /// The git top-level, if the root is in a git repository.
    worktree: Option<PathBuf>,
    global: Option<crate::workspace::GlobalDirs>,
}

impl Layers {
    pub fn of(ws: &Workspace) -> Layers {
        let root = ws.root().to_path_buf();
        if ws.is_global() {
            // The user-wide config alone: the places OpenCode reads in
            // every project, and no project's.
            return Layers {
                root,
                linkless: Default::default(),
                folders: Vec::new(),
                worktree: None,
                global: ws.global().cloned(),
            };
        }
        let mut up: Vec<PathBuf> = root.ancestors().map(Path::to_path_buf).collect();
        let worktree = up.iter().position(|d| io::exists(&d.join(".git")));
        if let Some(i) = worktree {
            up.truncate(i + 1);
        }
        let worktree = worktree.map(|_| up[up.len() - 1].clone());
        up.reverse();
        Layers {
            root,
            linkless: Default::default(),
            folders: up,
            worktree,
            global: ws.global().cloned(),
        }
    }

    /// The git top-level, or `None` outside git (OpenCode then reads every
    /// folder up to `/`).
    pub fn worktree(&self) -> Option<&Path> {
        self.worktree.as_deref()
    }

    fn place(&self, path: PathBuf, origin: Origin, user_wide: bool) -> Place {
        Place {
            path,
            origin,
            user_wide,
        }
    }

    /// `Project` for the root, `Parent` above it.
    fn folder_origin(&self, folder: &Path) -> Origin {
        if folder == self.root {
            Origin::Project
        } else {
            Origin::Parent
        }
    }

    /// The config files read before the config directories, in order:
    /// the global ones, then each folder's from the worktree down.
    pub fn config_files(&self) -> Vec<Place> {
        let mut out = Vec::new();
        if let Some(g) = &self.global {
            for name in ["config.json", "opencode.json", "opencode.jsonc"] {
                out.push(self.place(g.opencode.join(name), Origin::Global, true));
            }
        }
        for folder in &self.folders {
            for name in ["opencode.json", "opencode.jsonc"] {
                out.push(self.place(folder.join(name), self.folder_origin(folder), false));
            }
        }
        out
    }

    /// The config directories in OpenCode's order, each once.
    pub fn config_dirs(&self) -> Vec<ConfigDir> {
        let mut out: Vec<ConfigDir> = Vec::new();
        let mut push = |place: Place, has_config: bool| {
            if !out.iter().any(|d| d.place.path == place.path) {
                out.push(ConfigDir { place, has_config });
            }
        };
        if let Some(g) = &self.global {
            push(self.place(g.opencode.clone(), Origin::Global, true), false);
        }
        for folder in self.folders.iter().rev() {
            let origin = self.folder_origin(folder);
            push(self.place(folder.join(".opencode"), origin, false), true);
        }
        if let Some(g) = &self.global {
            push(
                self.place(g.home.join(".opencode"), Origin::Home, true),
                true,
            );
        }
        out
    }

    /// The administrator's config files, read last of all.
    pub fn managed_files(&self) -> Vec<Place> {
        let Some(dir) = self.global.as_ref().and_then(|g| g.managed.as_ref()) else {
            return Vec::new();
        };
        ["opencode.json", "opencode.jsonc"]
            .iter()
            .map(|n| self.place(dir.join(n), Origin::Managed, true))
            .collect()
    }

    /// The skill folders in OpenCode's scan order, each once
    /// (`skills.paths` excepted).
    pub fn skill_dirs(&self) -> Vec<Place> {
        let mut out: Vec<Place> = Vec::new();
        let mut push = |place: Place| {
            if !out.iter().any(|p| p.path == place.path) {
                out.push(place);
            }
        };
        if let Some(g) = &self.global {
            push(self.place(g.claude.join("skills"), Origin::Claude, true));
            push(self.place(g.home.join(".agents/skills"), Origin::Agents, true));
        }
        for folder in self.folders.iter().rev() {
            push(self.place(folder.join(".claude/skills"), Origin::Claude, false));
            push(self.place(folder.join(".agents/skills"), Origin::Agents, false));
        }
        for dir in self.config_dirs() {
            for name in ["skill", "skills"] {
                let mut place = dir.place.clone();
                place.path = place.path.join(name);
                push(place);
            }
        }
        out
    }

    /// Whether openwork edits the file at `path` in place: it lies in the
    /// workspace, is reached through no link, and is one of the places
    /// openwork writes (`workspace::written`).
    pub fn editable(&self, ws: &Workspace, path: &Path) -> bool {
        path.strip_prefix(&self.root)
            .is_ok_and(|rel| written::writes(ws.scope(), rel) && self.reachable(ws, path))
    }

    /// [`Layers::editable`] for a file a walk found without going through
    /// a link (`walk::Links::Skip`): the walk checked the folder it started
    /// from and saw every folder and file below it as what it is, so only
    /// the place is left to check. A listing of 2,000 command files then
    /// costs no `stat` per path component of each.
    pub fn editable_walked(&self, ws: &Workspace, path: &Path) -> bool {
        path.strip_prefix(&self.root)
            .is_ok_and(|rel| written::writes(ws.scope(), rel))
    }

    /// [`Workspace::reachable`], each folder on the way asked once.
    fn reachable(&self, ws: &Workspace, path: &Path) -> bool {
        let root = ws.root();
        if !path.starts_with(root) {
            return true;
        }
        match path.parent() {
            Some(parent) if parent.starts_with(root) && path.file_name().is_some() => {
                self.linkless(root, parent) && !io::is_symlink(path)
            }
            _ => ws.reachable(path),
        }
    }

    /// Whether the folder `dir` (inside `root`) is reached from `root`
    /// through no link and no `..`.
    fn linkless(&self, root: &Path, dir: &Path) -> bool {
        if dir == root {
            return true;
        }
        let known = self.known(dir);
        if let Some(known) = known {
            return known;
        }
        let answer = match (dir.parent(), dir.file_name()) {
            (Some(parent), Some(_)) if parent.starts_with(root) => {
                self.linkless(root, parent) && !io::is_symlink(dir)
            }
            _ => false,
        };
        self.linkless
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dir.to_path_buf(), answer);
        answer
    }

    fn known(&self, dir: &Path) -> Option<bool> {
        let known = self.linkless.lock().unwrap_or_else(|p| p.into_inner());
        known.get(dir).copied()
    }
}

// Unix: the test makes a symbolic link.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A file reached through a linked folder is never editable, however
    /// many files of the same listing were asked about before it.
    #[test]
    fn a_file_below_a_linked_folder_is_not_editable() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        let skills = root.join(".opencode/skills");
        std::fs::create_dir_all(skills.join("real")).unwrap();
        std::fs::create_dir_all(outside.path().join("away")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("away"), skills.join("linked")).unwrap();
        let ws = Workspace::open(root).unwrap().with_global(None);
        let layers = Layers::of(&ws);
        for _ in 0..2 {
            assert!(layers.editable(&ws, &skills.join("real/SKILL.md")));
            assert!(!layers.editable(&ws, &skills.join("linked/SKILL.md")));
            assert!(!layers.editable(&ws, &skills.join("real/../linked/SKILL.md")));
        }
        std::os::unix::fs::symlink(skills.join("real/SKILL.md"), skills.join("real/x.md")).unwrap();
        assert!(
            !layers.editable(&ws, &skills.join("real/x.md")),
            "a link itself"
        );
    }
}
