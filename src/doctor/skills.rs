//! Skills: every SKILL.md in the folders OpenCode scans
//! ([`crate::workspace::skills`]), checked with the rule the listing goes
//! by (`skills::check_skill`): what OpenCode skips without a word, a
//! folder named otherwise than its skill, a skill without a description,
//! and one name in several files (OpenCode then picks one at random).

use super::config_files::unreadable;
use super::{Finding, Severity};
use crate::workspace::Workspace;
use crate::workspace::items::layers::Layers;
use crate::workspace::items::resolve::Resolved;
use crate::workspace::skills;
use crate::workspace::validate::quote;
use std::path::Path;

pub(super) fn check(
    ws: &Workspace,
    layers: &Layers,
    resolved: &Resolved,
    found: &mut Vec<Finding>,
) {
    for dir in skills::places(ws, layers, &resolved.config) {
        for path in skills::files_in(ws, &dir.path) {
            let file = match skills::load(ws, layers, &path) {
                Ok(Some(file)) => file,
                Ok(None) => continue,
                Err(e) => {
                    found.push(unreadable(&path, e.local_message()));
                    continue;
                }
            };
            match &file.parsed {
                Err(why) => found.push(Finding::new(
                    "skill-skipped",
                    Severity::Error,
                    Some(&path),
                    format!("OpenCode skips this skill: {why}"),
                    "start the file with '---', a `name:` and a `description:` line, and '---' (YAML)",
                )
                .in_frontmatter(why)),
                Ok(skill) => {
                    if let Some(folder) = folder_name(&dir.path, &path)
                        && folder != skill.name
                    {
                        found.push(Finding::new(
                            "skill-folder-name",
                            Severity::Warning,
                            Some(&path),
                            format!(
                                "the skill is named {} but its folder is {}: OpenCode knows it by its name",
                                quote(&skill.name),
                                quote(folder)
                            ),
                            "rename the folder or the `name:` so that they match",
                        ));
                    }
                    if skill.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
                        found.push(Finding::new(
                            "skill-no-description",
                            Severity::Warning,
                            Some(&path),
                            format!(
                                "skill {} has no description: OpenCode never offers it to the model",
                                quote(&skill.name)
                            ),
                            "add a `description:` line to its frontmatter that says when to use it",
                        ));
                    }
                }
            }
        }
    }
    duplicates(ws, found);
}

/// The folder a SKILL.md is in, unless it lies directly in the scanned
/// folder (then it has no folder of its own).
fn folder_name<'a>(scanned: &Path, path: &'a Path) -> Option<&'a str> {
    let parent = path.parent()?;
    if parent == scanned {
        return None;
    }
    parent.file_name()?.to_str()
}

/// One name in several SKILL.md files, as the listing reports it.
fn duplicates(ws: &Workspace, found: &mut Vec<Finding>) {
    let Ok(list) = skills::list(ws, true) else {
        return;
    };
    for skill in list.iter().filter(|s| !s.duplicates.is_empty()) {
        let mut files: Vec<String> = skill
            .duplicates
            .iter()
            .map(|d| ws.relative(Path::new(d)))
            .collect();
        files.push(ws.relative(Path::new(&skill.path)));
        found.push(Finding::new(
            "skill-duplicate",
            Severity::Warning,
            Some(Path::new(&skill.path)),
            format!(
                "skill {} is defined in {} files ({}): OpenCode uses one of them at random",
                quote(&skill.name),
                files.len(),
                files.join(", ")
            ),
            "keep one of them: remove or rename the others",
        ));
    }
}
