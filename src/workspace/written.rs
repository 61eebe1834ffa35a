//! The files openwork writes, relative to a workspace's root: the one list
//! of them. Every planned edit is checked against it (`txn::Draft`), a
//! plan is applied only when every file it changes is here, an item is
//! editable in place only when its file is here, and a journal replayed
//! after a crash may name nothing else — so a journal planted in a
//! repository cannot make openwork write a git hook, an `.envrc` or
//! anything else outside its own files.
//!
//! - the project's OpenCode config files: `opencode.json`,
//!   `opencode.jsonc`, `.opencode/opencode.json`, `.opencode/opencode.jsonc`;
//! - `.opencode/openwork.json`;
//! - the project's skills: files under `.opencode/skills/` or
//!   `.opencode/skill/` (a skill's folder, at any depth);
//! - the project's commands: `*.md` files under `.opencode/commands/` or
//!   `.opencode/command/` (nested ones too: `git/commit.md`).
//!
//! Never: openwork's own state folder (`.opencode/openwork/`: the lock,
//! journal and audit log are written by the transaction layer itself,
//! never through a plan), plugin files, `tui.json`, `.claude/`, `.agents/`,
//! anything above the workspace or user-wide.
//!
//! In the user-wide config folder (`openwork … --global`, relative to
//! `~/.config/opencode`), the same files without the `.opencode/` level:
//! `opencode.json`, `opencode.jsonc`, and the skills and commands under
//! `skills/`, `skill/`, `commands/`, `command/` ([`access_in`]). Never its
//! `config.json`, `tui.json`, `package.json` or plugins.
//!
//! To teach openwork a new place, add its pattern to [`access`] (and a
//! case to the test below).

use super::Scope;
use super::items::validate;
use std::path::{Component, Path, PathBuf};

/// What openwork may do to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Give it new bytes, or remove it.
    Write,
    /// Only remove it: what an import `replace` clears away (hidden files
    /// in skill folders, command files whose names openwork would not
    /// give a command).
    Remove,
}

/// The folders under which openwork keeps skills and commands.
fn skills_folder(name: &str) -> bool {
    matches!(name, "skills" | "skill")
}
fn commands_folder(name: &str) -> bool {
    matches!(name, "commands" | "command")
}

/// The components of `rel` when it is a plain relative path (no `..`, no
/// root, no `.`), each as text when it is UTF-8.
fn parts(rel: &Path) -> Option<Vec<Option<&str>>> {
    rel.components()
        .map(|c| match c {
            Component::Normal(part) => Some(part.to_str()),
            _ => None,
        })
        .collect()
}

/// What openwork may do to the file at `rel` (relative to the workspace
/// root), or `None` for a file it never touches.
pub(crate) fn access(rel: &Path) -> Option<Access> {
    let parts = parts(rel)?;
    let at = |i: usize| parts.get(i).copied().flatten();
    match (at(0), at(1), parts.len()) {
        (Some("opencode.jsonc" | "opencode.json"), _, 1) => Some(Access::Write),
        (Some(".opencode"), Some("opencode.jsonc" | "opencode.json" | "openwork.json"), 2) => {
            Some(Access::Write)
        }
        // A skill's folder, at any depth (OpenCode finds every SKILL.md),
        // or a SKILL.md right in the skills folder.
        (Some(".opencode"), Some(folder), n)
            if skills_folder(folder) && (n >= 4 || at(2) == Some("SKILL.md")) =>
        {
            let plain = parts[2..]
                .iter()
                .all(|p| p.is_some_and(|p| !p.starts_with('.')));
            Some(if plain { Access::Write } else { Access::Remove })
        }
        // A command file: `<name>.md`, its name nested by folders.
        (Some(".opencode"), Some(folder), n) if commands_folder(folder) && n >= 3 => {
            let file = rel.file_name()?.as_encoded_bytes();
            if !file.ends_with(b".md") {
                return None;
            }
            let name: Option<Vec<&str>> = parts[2..].iter().copied().collect();
            let name = name.map(|n| n.join("/"));
            let name = name.as_deref().and_then(|n| n.strip_suffix(".md"));
            let valid = name.is_some_and(|n| validate::command_name(n).is_ok_and(|c| c == n));
            Some(if valid { Access::Write } else { Access::Remove })
        }
        _ => None,
    }
}

/// A path of the user-wide config folder as the same place in a project
/// (`skills/a/SKILL.md` → `.opencode/skills/a/SKILL.md`), or `None` for
/// one that has no such place (`openwork.json`, `config.json`).
fn as_project(rel: &Path) -> Option<PathBuf> {
    let mut parts = rel.components();
    let first = match parts.next()? {
        Component::Normal(first) => first.to_str()?,
        _ => return None,
    };
    let top = rel.components().count() == 1;
    let placed = matches!(first, "opencode.json" | "opencode.jsonc") && top
        || skills_folder(first)
        || commands_folder(first);
    placed.then(|| Path::new(".opencode").join(rel))
}

/// [`access`] for a file of a workspace of `scope`: relative to the
/// project's root, or to the user-wide config folder.
pub(crate) fn access_in(scope: &Scope, rel: &Path) -> Option<Access> {
    match scope {
        Scope::Project => access(rel),
        Scope::Global { .. } => access(&as_project(rel)?),
    }
}

/// Whether openwork may give the file at `rel` (relative to a workspace of
/// `scope`) the bytes `after` (`None`: remove it).
pub(crate) fn allows(scope: &Scope, rel: &Path, after: Option<&[u8]>) -> bool {
    match access_in(scope, rel) {
        Some(Access::Write) => true,
        Some(Access::Remove) => after.is_none(),
        None => false,
    }
}

/// Whether openwork writes (creates, edits) the file at `rel` of a
/// workspace of `scope`.
pub(crate) fn writes(scope: &Scope, rel: &Path) -> bool {
    access_in(scope, rel) == Some(Access::Write)
}

/// Whether openwork may remove the folder at `rel` (of a workspace of
/// `scope`) once empty: a folder inside the places it keeps skills or
/// commands in.
pub(crate) fn removes_folder(scope: &Scope, rel: &Path) -> bool {
    match scope {
        Scope::Project => removes_project_folder(rel),
        Scope::Global { .. } => as_project(rel).is_some_and(|p| removes_project_folder(&p)),
    }
}

fn removes_project_folder(rel: &Path) -> bool {
    let Some(parts) = parts(rel) else {
        return false;
    };
    let at = |i: usize| parts.get(i).copied().flatten();
    at(0) == Some(".opencode")
        && at(1).is_some_and(|f| skills_folder(f) || commands_folder(f))
        && parts.len() >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_openworks_own_files() {
        let write = [
            "opencode.jsonc",
            "opencode.json",
            ".opencode/openwork.json",
            ".opencode/skills/release-notes/SKILL.md",
            ".opencode/skills/a/scripts/run.sh",
            ".opencode/commands/review.md",
            ".opencode/commands/Fix_it-2.md",
            ".opencode/opencode.json",
            ".opencode/opencode.jsonc",
            ".opencode/skills/SKILL.md",
            ".opencode/skill/a/b/notes.txt",
            ".opencode/skills/Folder_Named_Otherwise/SKILL.md",
            ".opencode/commands/git/commit.md",
            ".opencode/command/r.md",
        ];
        for rel in write {
            assert_eq!(access(Path::new(rel)), Some(Access::Write), "{rel}");
            assert!(allows(&Scope::Project, Path::new(rel), Some(b"x")), "{rel}");
        }
        let remove = [
            ".opencode/skills/.hidden/x",
            ".opencode/skills/a/.envrc",
            ".opencode/commands/has space.md",
            ".opencode/commands/.review.md",
        ];
        for rel in remove {
            assert_eq!(access(Path::new(rel)), Some(Access::Remove), "{rel}");
            assert!(allows(&Scope::Project, Path::new(rel), None), "{rel}");
            assert!(
                !allows(&Scope::Project, Path::new(rel), Some(b"x")),
                "{rel}"
            );
        }
        let never = [
            "",
            ".envrc",
            "README.md",
            ".git/hooks/pre-commit",
            "../outside",
            "/etc/passwd",
            "./opencode.jsonc",
            "sub/opencode.jsonc",
            ".opencode",
            ".opencode/openwork/audit.jsonl",
            ".opencode/openwork/journal.json",
            ".opencode/plugins/evil.js",
            ".opencode/package.json",
            ".opencode/skills/a",
            ".opencode/skills/a/../../../x/SKILL.md",
            ".opencode/commands/review.txt",
            ".opencode/openwork.json/x",
            "config.json",
            ".opencode/tui.json",
            ".opencode/skills",
            ".claude/skills/x/SKILL.md",
            ".agents/skills/x/SKILL.md",
            ".opencode/../opencode.json",
        ];
        for rel in never {
            assert_eq!(access(Path::new(rel)), None, "{rel}");
            assert!(!allows(&Scope::Project, Path::new(rel), None), "{rel}");
        }
    }

    #[test]
    fn folders_openwork_may_remove_once_empty() {
        for yes in [
            ".opencode/skills/a",
            ".opencode/command/git",
            ".opencode/skills/a/b",
        ] {
            assert!(removes_folder(&Scope::Project, Path::new(yes)), "{yes}");
        }
        for no in [
            ".opencode/skills",
            ".opencode",
            ".opencode/openwork/x",
            ".git/hooks",
            "../x",
        ] {
            assert!(!removes_folder(&Scope::Project, Path::new(no)), "{no}");
        }
    }

    /// The user-wide config folder: its config files, skills and commands,
    /// nothing else of it.
    #[test]
    fn only_openworks_own_files_of_the_user_wide_config() {
        let global = Scope::Global {
            state: "/state".into(),
        };
        for rel in [
            "opencode.jsonc",
            "opencode.json",
            "skills/a/SKILL.md",
            "skill/a/b/notes.txt",
            "commands/review.md",
            "command/git/commit.md",
        ] {
            assert_eq!(
                access_in(&global, Path::new(rel)),
                Some(Access::Write),
                "{rel}"
            );
        }
        assert_eq!(
            access_in(&global, Path::new("commands/has space.md")),
            Some(Access::Remove)
        );
        for rel in [
            "config.json",
            "openwork.json",
            "tui.json",
            "package.json",
            "plugins/x.js",
            "node_modules/x/index.js",
            ".opencode/opencode.json",
            "skills",
            "sub/opencode.json",
            "../opencode.json",
            "openwork/audit.jsonl",
        ] {
            assert_eq!(access_in(&global, Path::new(rel)), None, "{rel}");
        }
        assert!(removes_folder(&global, Path::new("skills/a")));
        assert!(!removes_folder(&global, Path::new("skills")));
        assert!(!removes_folder(&global, Path::new("plugins/a")));
    }
}
