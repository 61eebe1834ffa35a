//! Links inside the workspace in the places OpenCode reads. openwork
//! never reads or writes through a link below the workspace root
//! (docs/guarantees.md), so what a link stands for is missing from its
//! listings and its writes refuse the path; OpenCode follows it.

use super::{Finding, Severity};
use crate::workspace::items::layers::Layers;
use crate::workspace::items::resolve::Resolved;
use crate::workspace::items::walk;
use crate::workspace::{Workspace, io, skills};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub(super) fn check(
    ws: &Workspace,
    layers: &Layers,
    resolved: &Resolved,
    found: &mut Vec<Finding>,
) {
    let mut places: Vec<PathBuf> = layers.config_files().into_iter().map(|p| p.path).collect();
    let mut command_dirs = Vec::new();
    for dir in layers.config_dirs() {
        for name in ["opencode.json", "opencode.jsonc"] {
            places.push(dir.place.path.join(name));
        }
        for sub in ["command", "commands", "plugin", "plugins"] {
            places.push(dir.place.path.join(sub));
        }
        for sub in ["command", "commands"] {
            command_dirs.push(dir.place.path.join(sub));
        }
    }
    let skill_dirs: Vec<PathBuf> = skills::places(ws, layers, &resolved.config)
        .into_iter()
        .map(|p| p.path)
        .collect();
    places.extend(skill_dirs.iter().cloned());

    let mut links = BTreeSet::new();
    for place in &places {
        if let Some(link) = first_link(ws.root(), place) {
            links.insert(link);
        }
    }
    // Below the folders: a linked SKILL.md or command file, or a linked
    // folder that may hold them.
    let wanted = |dirs: &[PathBuf], file: fn(&str) -> bool, links: &mut BTreeSet<PathBuf>| {
        for dir in dirs {
            for link in walk::links(ws, dir, true, |_| true) {
                let name = link
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                if file(name) || io::is_dir(&link) {
                    links.insert(link);
                }
            }
        }
    };
    wanted(&skill_dirs, |n| n == "SKILL.md", &mut links);
    wanted(&command_dirs, |n| n.ends_with(".md"), &mut links);
    for link in links {
        found.push(Finding::new(
            "link",
            Severity::Warning,
            Some(&link),
            "a symbolic link: openwork does not read or write through links inside the workspace, so it does not list what this one holds; OpenCode follows it",
            "replace the link with the file or folder itself (move the real one into the workspace)",
        ));
    }
}

/// The first component of `path` below `root` that is a link, if `path`
/// lies inside `root`.
fn first_link(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let mut at = root.to_path_buf();
    for part in rel.components() {
        at.push(part);
        if io::is_symlink(&at) {
            return Some(at);
        }
    }
    None
}
