//! What a write says to people: the line when there was nothing to do,
//! saying what is already there, and the error when a name to remove is
//! not there, with the names that are. (The line of a write that changed
//! files is the plan's summary and the files.)

use super::exit::{ExitStatus, Failure};
use super::shown_path;
use openwork::workspace::{Plan, Workspace, commands, config, mcp, plugins, skills, validate};
use std::path::Path;

/// The line of a write that changed nothing: what is already there.
pub fn nothing_to_do(ws: &Workspace, plan: &Plan) -> String {
    let config = shown_path(ws, &ws.opencode_config());
    let target = &plan.target;
    let already = match plan.action.as_str() {
        "plugins.add" => {
            // The spec configured, which may pin another version.
            let name = validate::plugin_name(target);
            let spec = configured_plugins(ws)
                .into_iter()
                .find(|s| validate::plugin_name(s) == name)
                .unwrap_or_else(|| target.clone());
            format!("Plugin {spec} is already in {config}")
        }
        "mcp.add" => format!("MCP server {target} is already in {config} as given"),
        "mcp.enable" => format!("MCP server {target} is already enabled"),
        "mcp.disable" => format!("MCP server {target} is already disabled"),
        "skills.upsert" => format!(
            "Skill {target} is already as given in {}",
            shown_path(ws, &ws.skills_dir().join(target).join("SKILL.md"))
        ),
        "commands.upsert" => format!(
            "Command {target} is already as given in {}",
            shown_path(ws, &ws.commands_dir().join(format!("{target}.md")))
        ),
        "config.patch" => "The config already holds these values".to_string(),
        "config.set" => format!("{target} already holds this value in {config}"),
        "config.import" => "The workspace already holds what the document imports".to_string(),
        _ => format!("{}: already done", plan.summary),
    };
    format!("{already}; nothing to do")
}

/// What `remove` removes: its noun, where it lives, and which names are
/// there.
#[derive(Debug, Clone, Copy)]
pub enum Removable {
    Plugin,
    McpServer,
    Skill,
    Command,
}

impl Removable {
    fn noun(self) -> (&'static str, &'static str) {
        match self {
            Removable::Plugin => ("plugin", "plugins"),
            Removable::McpServer => ("MCP server", "MCP servers"),
            Removable::Skill => ("skill", "skills"),
            Removable::Command => ("command", "commands"),
        }
    }

    /// Where `remove` looks: a file or a folder of the workspace.
    fn place(self, ws: &Workspace) -> String {
        match self {
            Removable::Plugin | Removable::McpServer => shown_path(ws, &ws.opencode_config()),
            Removable::Skill => shown_path(ws, &ws.skills_dir()),
            Removable::Command => shown_path(ws, &ws.commands_dir()),
        }
    }

    /// The names `remove` could remove (an unreadable workspace has none:
    /// the write that follows reports why).
    fn names(self, ws: &Workspace) -> Vec<String> {
        // A handle on the user-wide config lists the user-wide items.
        let global = ws.is_global();
        let names = match self {
            Removable::Plugin => Ok(configured_plugins(ws)
                .iter()
                .map(|s| validate::plugin_name(s))
                .collect()),
            Removable::McpServer => ws
                .read(|ws| mcp::list(ws, global))
                .map(|items| items.into_iter().map(|m| m.name).collect()),
            Removable::Skill => ws.read(|ws| skills::list(ws, global)).map(|items| {
                items
                    .into_iter()
                    .filter(|s| Path::new(&s.path).starts_with(ws.skills_dir()))
                    .map(|s| s.name)
                    .collect()
            }),
            Removable::Command => ws
                .read(|ws| commands::list(ws, commands_scope(ws)))
                .map(|items| items.into_iter().map(|c| c.name).collect()),
        };
        names.unwrap_or_default()
    }

    /// The line when `name` is not there and `--if-exists` was given.
    pub fn absent(self, ws: &Workspace, name: &str) -> String {
        let (noun, _) = self.noun();
        let noun = capitalized(noun);
        format!("{noun} {name} is not in {}; nothing to do", self.place(ws))
    }

    /// The error when `name` is not there: exit 1, with the closest name
    /// or the names that are there.
    pub fn missing(self, ws: &Workspace, name: &str) -> Failure {
        let (noun, nouns) = self.noun();
        let place = self.place(ws);
        let names = self.names(ws);
        let mut hint = which_then(name, &names, &format!("{nouns} in {place}"));
        if let Removable::Skill = self
            && let Ok(Some(elsewhere)) = ws.read(|ws| {
                Ok(skills::list(ws, ws.is_global())?
                    .into_iter()
                    .find(|s| s.name == name))
            })
        {
            hint = format!(
                "{name} is in {}: openwork removes only the skills of {place}",
                shown_path(ws, Path::new(&elsewhere.path))
            );
        }
        Failure::new(
            ExitStatus::Failure,
            format!("{noun} {name:?} is not in {place}"),
        )
        .with_hint(format!(
            "{hint} (`--if-exists` ignores a name that is not there)"
        ))
    }
}

/// What to say when `name` is not among `names` (the `what` of a place:
/// "MCP servers in opencode.jsonc"): the closest name, or those there are.
pub fn which_then(name: &str, names: &[String], what: &str) -> String {
    match closest(name, names) {
        Some(near) => format!("did you mean `{near}`?"),
        None if names.is_empty() => format!("there are no {what}"),
        None => format!("the {what}: {}", listed(names)),
    }
}

/// The plugin specs of the project's OpenCode config, as written.
fn configured_plugins(ws: &Workspace) -> Vec<String> {
    ws.read(config::show)
        .map(|view| plugins::specs_of(view.opencode.get("plugin")))
        .unwrap_or_default()
}

/// The commands a handle edits: the project's, or with `--global` the
/// user's.
pub fn commands_scope(ws: &Workspace) -> commands::Scope {
    if ws.is_global() {
        commands::Scope::Global
    } else {
        commands::Scope::Workspace
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// At most ten names, then how many more.
fn listed(names: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut text = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

/// The name nearest to `name` (ignoring case), if it is near enough to be
/// a typo: about a third of its letters off at most.
fn closest<'a>(name: &str, names: &'a [String]) -> Option<&'a str> {
    let name = name.to_lowercase();
    let allowed = (name.chars().count() + 1) / 3;
    names
        .iter()
        .map(|n| (edit_distance(&name, &n.to_lowercase()), n))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n.as_str())
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(prev + usize::from(ca != *cb));
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// `2 skills`, `1 command`: a count with its noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_names() {
        let names: Vec<String> = ["chrome", "docs", "filesystem"].map(String::from).to_vec();
        assert_eq!(closest("chrom", &names), Some("chrome"));
        assert_eq!(closest("Chrome", &names), Some("chrome"));
        assert_eq!(closest("doc", &names), Some("docs"));
        assert_eq!(closest("filesytem", &names), Some("filesystem"));
        assert_eq!(closest("git", &names), None);
        let short: Vec<String> = ["a", "ab"].map(String::from).to_vec();
        assert_eq!(closest("c", &short), None);
        assert_eq!(closest("A", &short), Some("a"));
        assert_eq!(closest("abc", &short), Some("ab"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn counts_and_lists() {
        assert_eq!(count(1, "command", "commands"), "1 command");
        assert_eq!(count(0, "skill", "skills"), "0 skills");
        let many: Vec<String> = (0..12).map(|i| format!("n{i}")).collect();
        assert!(listed(&many).ends_with("n9 and 2 more"));
        assert_eq!(capitalized("plugin"), "Plugin");
    }
}
