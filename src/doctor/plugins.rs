//! Plugins in two forms: the same package (or the same file) configured
//! more than once — with and without a version, in two config files, or
//! both listed in a config and found in a `plugin(s)/` folder — of which
//! OpenCode loads one, the last in its reading order (`items::resolve`); and a
//! package listed in a config beside a plugin file of the same name,
//! which OpenCode loads both of.

use super::{Finding, Severity};
use crate::workspace::Workspace;
use crate::workspace::items::resolve::Resolved;
use crate::workspace::validate::{plugin_name, quote};

pub(super) fn check(ws: &Workspace, resolved: &Resolved, found: &mut Vec<Finding>) {
    for plugin in resolved.plugins.iter().filter(|p| !p.replaced.is_empty()) {
        let mut files: Vec<String> = Vec::new();
        for def in plugin.replaced.iter().chain([&plugin.def]) {
            let file = def.file_label(ws);
            if !files.contains(&file) {
                files.push(file);
            }
        }
        let winner = plugin.def.file_label(ws);
        let places = match files.as_slice() {
            [one] => format!("in {one}"),
            _ => format!("({})", files.join(", ")),
        };
        found.push(Finding::new(
            "plugin-duplicate",
            Severity::Warning,
            Some(&plugin.def.place.path),
            format!(
                "plugin {} is configured {} times {places}: OpenCode loads only {} from {winner}",
                quote(&plugin.key),
                plugin.replaced.len() + 1,
                quote(&plugin.spec)
            ),
            "keep one entry for it (with the version you want) and remove the others",
        ));
    }
    for file in resolved.plugins.iter().filter(|p| p.is_file) {
        let Some(stem) = file_stem(&file.def.place.path) else {
            continue;
        };
        for package in resolved
            .plugins
            .iter()
            .filter(|p| !p.is_file && p.url.is_none())
        {
            let name = plugin_name(&package.spec);
            if name.rsplit('/').next() != Some(stem) {
                continue;
            }
            found.push(Finding::new(
                "plugin-two-forms",
                Severity::Warning,
                Some(&file.def.place.path),
                format!(
                    "plugin {} is both the package {} of {} and this file: OpenCode loads both",
                    quote(stem),
                    quote(&package.spec),
                    package.def.file_label(ws)
                ),
                "keep one: remove the package's entry or the file",
            ));
        }
    }
}

/// `tools` for `…/plugins/tools.ts`.
fn file_stem(path: &std::path::Path) -> Option<&str> {
    let name = path.file_name()?.to_str()?;
    name.strip_suffix(".ts")
        .or_else(|| name.strip_suffix(".js"))
}
