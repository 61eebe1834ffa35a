//! Which folder is the project when no folder is named: the workspace a
//! command works on when it is run from a folder of the project, found
//! the way OpenCode finds its config (docs/cli.md#which-workspace).
//!
//! From the start folder up, one folder at a time, and never at the home
//! folder or above it:
//!
//! 1. the first folder that holds `opencode.jsonc`, `opencode.json` or a
//!    `.opencode` folder;
//! 2. else, the git root, where the search stops: the first folder that
//!    holds `.git` (a folder, or a file in a worktree);
//! 3. else, the start folder itself.

use super::io::{self, Kind};
use std::path::{Path, PathBuf};

/// The folder found, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub root: PathBuf,
    pub reason: Reason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The folder holds this OpenCode file or folder.
    Config(&'static str),
    /// The git root, with no OpenCode config below it on the way up.
    GitRoot,
    /// Nothing found on the way up: the start folder.
    Start,
}

/// What marks a folder as an OpenCode project, in the order they are named.
const MARKS: [&str; 3] = ["opencode.jsonc", "opencode.json", ".opencode"];

/// The project of the folder `start` (absolute), for a user whose home
/// folder is `home`: see the module's rule.
pub fn find(start: &Path, home: Option<&Path>) -> Found {
    let homes: Vec<PathBuf> = home
        .into_iter()
        .flat_map(|h| [h.to_path_buf(), io::canonicalize(h).unwrap_or_default()])
        .collect();
    for dir in start.ancestors() {
        if homes.iter().any(|h| h == dir) {
            break;
        }
        let mark = MARKS
            .into_iter()
            .find(|m| match io::unrecorded_kind(&dir.join(m)) {
                Some(Kind::Folder) => *m == ".opencode",
                Some(Kind::File) => *m != ".opencode",
                _ => false,
            });
        if let Some(mark) = mark {
            return found(dir, Reason::Config(mark));
        }
        if io::unrecorded_kind(&dir.join(".git")).is_some() {
            return found(dir, Reason::GitRoot);
        }
    }
    found(start, Reason::Start)
}

fn found(root: &Path, reason: Reason) -> Found {
    Found {
        root: root.to_path_buf(),
        reason,
    }
}

impl Found {
    /// Why this folder, in a few words for people (`-v`): "it holds
    /// opencode.jsonc", "the git root, with no OpenCode config below it", …
    pub fn why(&self, start: &Path) -> String {
        let here = self.root == start;
        match self.reason {
            Reason::Config(mark) if here => format!("the current folder, which holds {mark}"),
            Reason::Config(mark) => {
                format!("the nearest folder above the current one that holds {mark}")
            }
            Reason::GitRoot if here => {
                "the current folder, a git root with no OpenCode config".to_string()
            }
            Reason::GitRoot => {
                "the git root: no OpenCode config from the current folder up to it".to_string()
            }
            Reason::Start => "the current folder: no OpenCode config or git root above it \
                              (below the home folder)"
                .to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Tree(tempfile::TempDir);

    impl Tree {
        fn new(paths: &[&str]) -> Tree {
            let t = Tree(tempfile::tempdir().unwrap());
            for p in paths {
                let path = t.0.path().join(p);
                if p.ends_with('/') {
                    std::fs::create_dir_all(&path).unwrap();
                } else {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, "{}").unwrap();
                }
            }
            t
        }

        fn at(&self, rel: &str) -> PathBuf {
            self.0.path().join(rel)
        }

        /// What is found from `start` with the tree's `home` as $HOME,
        /// relative to the tree.
        fn find(&self, start: &str, home: &str) -> (String, Reason) {
            let f = find(&self.at(start), Some(&self.at(home)));
            let rel = f.root.strip_prefix(self.0.path()).unwrap();
            (rel.display().to_string(), f.reason)
        }
    }

    #[test]
    fn the_nearest_config_below_the_git_root() {
        let t = Tree::new(&[
            "home/proj/.git/",
            "home/proj/opencode.json",
            "home/proj/pkg/opencode.jsonc",
            "home/proj/pkg/src/deep/",
            "home/proj/other/src/",
            "home/proj/dotted/.opencode/",
            "home/proj/dotted/a/",
        ]);
        let f = |start| t.find(start, "home");
        assert_eq!(
            f("home/proj/pkg/src/deep"),
            ("home/proj/pkg".into(), Reason::Config("opencode.jsonc"))
        );
        assert_eq!(
            f("home/proj/other/src"),
            ("home/proj".into(), Reason::Config("opencode.json"))
        );
        assert_eq!(
            f("home/proj/dotted/a"),
            ("home/proj/dotted".into(), Reason::Config(".opencode"))
        );
        assert_eq!(
            f("home/proj"),
            ("home/proj".into(), Reason::Config("opencode.json"))
        );
    }

    #[test]
    fn the_git_root_else_the_start() {
        let t = Tree::new(&[
            "home/opencode.json",
            "home/repo/.git",
            "home/repo/src/",
            "home/plain/src/",
            "above/opencode.json",
            "above/home/x/",
        ]);
        let f = |start| t.find(start, "home");
        // A worktree's `.git` is a file.
        assert_eq!(f("home/repo/src"), ("home/repo".into(), Reason::GitRoot));
        // No config above the git root is looked at, and none at $HOME.
        assert_eq!(
            f("home/plain/src"),
            ("home/plain/src".into(), Reason::Start)
        );
        assert_eq!(f("home"), ("home".into(), Reason::Start));
        // Nor above it.
        assert_eq!(
            t.find("above/home/x", "above/home"),
            ("above/home/x".into(), Reason::Start)
        );
        // Outside $HOME, up to the root of the file system.
        assert_eq!(
            t.find("home/plain/src", "elsewhere"),
            ("home".into(), Reason::Config("opencode.json"))
        );
    }

    #[test]
    fn a_file_named_dot_opencode_or_a_config_folder_is_no_mark() {
        let t = Tree::new(&["home/p/.opencode", "home/p/opencode.json/", "home/p/src/"]);
        assert_eq!(
            t.find("home/p/src", "home"),
            ("home/p/src".into(), Reason::Start)
        );
    }
}
