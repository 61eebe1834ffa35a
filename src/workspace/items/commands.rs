//! Commands: `.opencode/commands/<name>.md`, YAML frontmatter plus a
//! template body.

use super::validate;
use crate::workspace::formats::frontmatter::{self, str_field};
use crate::workspace::formats::input::Fields;
use crate::workspace::txn::{Draft, Plan};
use crate::workspace::{Workspace, io};
use crate::{Code, Error, Result};
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Workspace,
    Global,
}

impl Scope {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Scope::Workspace => "workspace",
            Scope::Global => "global",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandItem {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub template: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Always present: a string or `null`.
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtask: Option<bool>,
    pub scope: String,
}

/// A command to write, as the API and the CLI give it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommandInput {
    pub name: String,
    pub template: String,
    pub description: Option<String>,
    pub agent: Option<String>,
    pub model: Option<String>,
    pub variant: Option<String>,
    pub subtask: Option<bool>,
}

impl CommandInput {
    /// `{name, template, description?, agent?, model?, subtask?}` with strict types.
    pub(crate) fn from_json(obj: &Map<String, Value>) -> Result<CommandInput> {
        let f = Fields(obj);
        Ok(CommandInput {
            name: f
                .str("name", Code::InvalidCommandName)?
                .unwrap_or_default()
                .to_string(),
            template: f
                .str("template", Code::InvalidCommandTemplate)?
                .unwrap_or_default()
                .to_string(),
            description: f
                .str("description", Code::InvalidPayload)?
                .map(str::to_string),
            agent: f.str("agent", Code::InvalidPayload)?.map(str::to_string),
            model: f.str("model", Code::InvalidPayload)?.map(str::to_string),
            variant: f.str("variant", Code::InvalidPayload)?.map(str::to_string),
            subtask: f.bool("subtask", Code::InvalidPayload)?,
        })
    }

    /// A whole command file (frontmatter + body), as an import may carry it.
    /// The name comes from `name`, else from the frontmatter.
    pub(crate) fn from_file(
        name: Option<&str>,
        content: &str,
        description: Option<&str>,
    ) -> Result<CommandInput> {
        let doc = frontmatter::parse(content)?;
        let front = doc.front.unwrap_or_default();
        let name = name
            .filter(|n| !n.trim().is_empty())
            .or_else(|| str_field(&front, "name"))
            .ok_or_else(|| Error::new(Code::InvalidCommand, "command name is required"))?;
        Ok(CommandInput {
            name: name.to_string(),
            template: doc.body.trim().to_string(),
            description: description
                .or_else(|| str_field(&front, "description"))
                .map(str::to_string),
            agent: str_field(&front, "agent").map(str::to_string),
            model: str_field(&front, "model").map(str::to_string),
            variant: str_field(&front, "variant").map(str::to_string),
            subtask: front.get("subtask").and_then(Value::as_bool),
        })
    }
}

fn dir_for(ws: &Workspace, scope: Scope) -> Option<PathBuf> {
    match scope {
        Scope::Workspace => Some(ws.commands_dir()),
        Scope::Global => ws.global().map(|g| g.opencode.join("commands")),
    }
}

pub fn list(ws: &Workspace, scope: Scope) -> Result<Vec<CommandItem>> {
    let Some(dir) = dir_for(ws, scope) else {
        return Ok(Vec::new());
    };
    // A commands folder of the workspace reached through a link is not read.
    if !ws.reachable(&dir) {
        return Ok(Vec::new());
    }
    Ok(md_files(&dir)
        .iter()
        .filter_map(|p| {
            // `dir` was checked above; the cache does not follow a link at the file.
            ws.cached_child(p, "command", |bytes| read_item(p, bytes, scope))
                .ok()
                .flatten()
                .and_then(|item| item.as_ref().clone())
        })
        .collect())
}

/// One command file as an item; unreadable or invalid files are skipped.
fn read_item(path: &Path, bytes: &[u8], scope: Scope) -> Option<CommandItem> {
    let text = std::str::from_utf8(bytes).ok()?;
    let doc = frontmatter::parse(text).ok()?;
    let front = doc.front.unwrap_or_default();
    let stem = path.file_stem()?.to_str()?;
    let name = str_field(&front, "name").unwrap_or(stem);
    let name = validate::command_name(name).ok()?;
    Some(CommandItem {
        name,
        description: str_field(&front, "description").map(str::to_string),
        template: doc.body.trim().to_string(),
        agent: str_field(&front, "agent").map(str::to_string),
        model: str_field(&front, "model").map(str::to_string),
        subtask: front.get("subtask").and_then(Value::as_bool),
        scope: scope.as_str().to_string(),
    })
}

/// The file text: frontmatter `name`, then only the fields given
/// (`description`, `agent`, `model`, `variant` when not empty, `subtask`
/// when given) — OpenCode refuses a `null` in any of them — a blank line,
/// the trimmed template and one newline. Returns the clean name too.
pub(crate) fn render(input: &CommandInput) -> Result<(String, String)> {
    let name = validate::command_name(&input.name)?;
    let template = input.template.trim();
    if template.is_empty() {
        return Err(Error::new(
            Code::InvalidCommandTemplate,
            "command template is required",
        ));
    }
    let mut front = Map::new();
    front.insert("name".into(), Value::String(name.clone()));
    if let Some(d) = input.description.as_deref().filter(|d| !d.is_empty()) {
        if d.chars().count() > validate::DESCRIPTION_MAX {
            return Err(Error::new(
                Code::InvalidPayload,
                format!(
                    "description is longer than {} characters",
                    validate::DESCRIPTION_MAX
                ),
            ));
        }
        front.insert("description".into(), Value::String(d.to_string()));
    }
    for (key, value) in [
        ("agent", &input.agent),
        ("model", &input.model),
        ("variant", &input.variant),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            front.insert(key.into(), Value::String(v.to_string()));
        }
    }
    if let Some(subtask) = input.subtask {
        front.insert("subtask".into(), Value::Bool(subtask));
    }
    let text = frontmatter::render(&front, &format!("\n{template}\n"))?;
    Ok((name, text))
}

/// Every `*.md` file of the project's commands folder (links excluded),
/// whatever name its frontmatter gives: what an import `replace` removes.
pub(crate) fn project_files(ws: &Workspace) -> Vec<PathBuf> {
    if !ws.reachable(&ws.commands_dir()) {
        return Vec::new();
    }
    md_files(&ws.commands_dir())
}

/// `*.md` regular files of a folder (links excluded), sorted by name.
fn md_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = io::list(dir) else {
        return Vec::new();
    };
    let mut names: Vec<std::ffi::OsString> = entries
        .into_iter()
        .filter(|e| e.kind == io::Kind::File)
        .map(|e| e.name)
        .filter(|n| n.as_encoded_bytes().ends_with(b".md"))
        .collect();
    // Sorting names, not whole paths, keeps this cheap.
    names.sort_unstable();
    names.into_iter().map(|n| dir.join(n)).collect()
}

pub(crate) fn command_file(ws: &Workspace, name: &str) -> PathBuf {
    ws.commands_dir().join(format!("{name}.md"))
}

pub(crate) fn draft_upsert(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    input: &CommandInput,
) -> Result<String> {
    let (name, text) = render(input)?;
    draft.set(&command_file(ws, &name), Some(text.into_bytes()))?;
    Ok(name)
}

pub fn plan_upsert(ws: &Workspace, input: &CommandInput) -> Result<Plan> {
    let mut draft = Draft::new(ws);
    let name = draft_upsert(ws, &mut draft, input)?;
    Ok(draft.finish(
        "commands.upsert",
        name.clone(),
        format!("Upsert command {name}"),
    ))
}

/// Removing a command that is not there is a no-op.
pub fn plan_delete(ws: &Workspace, name: &str) -> Result<Plan> {
    let name = validate::command_name(name)?;
    let mut draft = Draft::new(ws);
    let path = command_file(ws, &name);
    if io::is_symlink(&path) {
        return Err(Error::new(
            Code::Conflict,
            format!("command {name} is a symbolic link; not removing it"),
        ));
    }
    if io::is_file(&path) {
        draft.set(&path, None)?;
    }
    Ok(draft.finish(
        "commands.delete",
        name.clone(),
        format!("Delete command {name}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_fixed_format() {
        let input = CommandInput {
            name: "/review".into(),
            template: "  Review $ARGUMENTS \n".into(),
            ..Default::default()
        };
        let (name, text) = render(&input).unwrap();
        assert_eq!(name, "review");
        assert_eq!(text, "---\nname: review\n---\n\nReview $ARGUMENTS\n");
        let full = CommandInput {
            name: "review".into(),
            template: "Do it".into(),
            description: Some("Review code".into()),
            agent: Some("plan".into()),
            model: Some("anthropic/claude".into()),
            variant: None,
            subtask: Some(true),
        };
        assert_eq!(
            render(&full).unwrap().1,
            "---\nname: review\ndescription: Review code\nagent: plan\nmodel: anthropic/claude\nsubtask: true\n---\n\nDo it\n"
        );
    }

    #[test]
    fn render_errors() {
        let bad_name = CommandInput {
            name: "../x".into(),
            template: "t".into(),
            ..Default::default()
        };
        assert_eq!(
            render(&bad_name).unwrap_err().code,
            Code::InvalidCommandName
        );
        let blank = CommandInput {
            name: "x".into(),
            template: " \n".into(),
            ..Default::default()
        };
        assert_eq!(
            render(&blank).unwrap_err().code,
            Code::InvalidCommandTemplate
        );
    }

    #[test]
    fn from_file_takes_name_from_frontmatter() {
        let c = CommandInput::from_file(
            None,
            "---\nname: hi\nagent: build\nsubtask: true\n---\n\nSay hi\n",
            None,
        )
        .unwrap();
        assert_eq!(c.name, "hi");
        assert_eq!(c.template, "Say hi");
        assert_eq!(c.agent.as_deref(), Some("build"));
        assert_eq!(c.subtask, Some(true));
        assert_eq!(
            CommandInput::from_file(None, "no name", None)
                .unwrap_err()
                .code,
            Code::InvalidCommand
        );
    }
}
