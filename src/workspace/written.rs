//! The files openwork writes, relative to a workspace's root: the one list
//! of them. A plan is applied only when every file it changes is here,
//! and a journal replayed after a crash may name nothing else — so a
//! journal planted in a repository cannot make openwork write a git hook,
//! an `.envrc` or anything else outside its own files.
//!
//! To teach openwork a new place, add its pattern to [`access`] (and a
//! case to the test below).

use super::items::validate;
use std::path::{Component, Path};

/// What openwork may do to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Give it new bytes, or remove it.
    Write,
    /// Only remove it: what an import `replace` clears away (skill folders
    /// and command files whatever their names, valid or not).
    Remove,
}

/// What openwork may do to the file at `rel` (relative to the workspace
/// root), or `None` for a file it never touches. Only plain relative
/// paths qualify: no `..`, no root, no `.`.
pub(crate) fn access(rel: &Path) -> Option<Access> {
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(part) => parts.push(part),
            _ => return None,
        }
    }
    // The anchors are UTF-8; a name openwork only removes may be anything.
    let text = |i: usize| parts.get(i).and_then(|p| p.to_str());
    match (text(0), text(1), parts.len()) {
        (Some("opencode.jsonc" | "opencode.json"), _, 1) => Some(Access::Write),
        (Some(".opencode"), Some("openwork.json"), 2) => Some(Access::Write),
        // `.opencode/skills/<name>/…`: a skill's folder, at any depth.
        (Some(".opencode"), Some("skills"), n) if n >= 4 => {
            let valid = text(2).is_some_and(|name| validate::skill_name(name).is_ok());
            Some(if valid { Access::Write } else { Access::Remove })
        }
        // `.opencode/commands/<name>.md`.
        (Some(".opencode"), Some("commands"), 3) => {
            let file = parts[2].as_encoded_bytes();
            if !file.ends_with(b".md") {
                return None;
            }
            let name = text(2).and_then(|f| f.strip_suffix(".md"));
            let valid = name.is_some_and(|n| validate::command_name(n).is_ok_and(|c| c == n));
            Some(if valid { Access::Write } else { Access::Remove })
        }
        _ => None,
    }
}

/// Whether openwork may give the file at `rel` the bytes `after` (`None`:
/// remove it).
pub(crate) fn allows(rel: &Path, after: Option<&[u8]>) -> bool {
    match access(rel) {
        Some(Access::Write) => true,
        Some(Access::Remove) => after.is_none(),
        None => false,
    }
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
        ];
        for rel in write {
            assert_eq!(access(Path::new(rel)), Some(Access::Write), "{rel}");
            assert!(allows(Path::new(rel), Some(b"x")), "{rel}");
        }
        let remove = [
            ".opencode/skills/Not_Valid/SKILL.md",
            ".opencode/skills/.hidden/x",
            ".opencode/commands/has space.md",
            ".opencode/commands/.review.md",
        ];
        for rel in remove {
            assert_eq!(access(Path::new(rel)), Some(Access::Remove), "{rel}");
            assert!(allows(Path::new(rel), None), "{rel}");
            assert!(!allows(Path::new(rel), Some(b"x")), "{rel}");
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
            ".opencode/opencode.json",
            ".opencode/openwork/audit.jsonl",
            ".opencode/openwork/journal.json",
            ".opencode/plugins/evil.js",
            ".opencode/package.json",
            ".opencode/skills/a",
            ".opencode/skills/a/../../../x/SKILL.md",
            ".opencode/skills/SKILL.md",
            ".opencode/commands/review.txt",
            ".opencode/commands/sub/review.md",
            ".opencode/openwork.json/x",
        ];
        for rel in never {
            assert_eq!(access(Path::new(rel)), None, "{rel}");
            assert!(!allows(Path::new(rel), None), "{rel}");
        }
    }
}
