//! Commands: command files whose frontmatter does not parse (OpenCode then
//! takes the whole file, fences included, as the template and none of its
//! fields), and commands defined in several places (merged, the later
//! winning field by field), as the resolution ([`resolve`]) reads them.

use super::config_files::unreadable;
use super::{Finding, Severity};
use crate::workspace::Workspace;
use crate::workspace::items::layers::Layers;
use crate::workspace::items::resolve::{self, Resolved, parse_command};
use crate::workspace::validate::quote;

pub(super) fn check(
    ws: &Workspace,
    layers: &Layers,
    resolved: &Resolved,
    found: &mut Vec<Finding>,
) {
    for dir in layers.config_dirs() {
        for sub in ["command", "commands"] {
            for path in resolve::command_files_in(ws, &dir.place.path.join(sub)) {
                match ws.cached_child(&path, "command", parse_command) {
                    Ok(Some(parsed)) => {
                        if let Some(why) = parsed
                            .as_ref()
                            .as_ref()
                            .and_then(|p| p.front_error.as_ref())
                        {
                            found.push(Finding::new(
                                "command-frontmatter",
                                Severity::Warning,
                                Some(&path),
                                format!("{why}: OpenCode takes the whole file as the command's template, and none of its fields"),
                                "fix the YAML between the '---' lines (quote values that hold ':', '[' or '#')",
                            )
                            .in_frontmatter(why));
                        }
                    }
                    Ok(None) => {}
                    Err(e) => found.push(unreadable(&path, e.local_message())),
                }
            }
        }
    }
    for command in resolved.commands.iter().filter(|c| c.defs.len() > 1) {
        let files: Vec<String> = command.defs.iter().map(|d| d.file_label(ws)).collect();
        let winner = command.winner();
        found.push(Finding::new(
            "command-duplicate",
            Severity::Info,
            Some(&winner.place.path),
            format!(
                "command {} is defined in {} places ({}): OpenCode merges them, the last winning field by field",
                quote(&command.name),
                files.len(),
                files.join(", ")
            ),
            format!("edit it in {}, or remove the others if they are left over", winner.file_label(ws)),
        ));
    }
}
