//! Commands: what OpenCode resolves — inline `command.<name>` entries of
//! every config file and `{command,commands}/**/*.md` files of every config
//! directory (a nested file is the command `git/commit`), merged by name,
//! the files over the inline entries (`resolve`) — and the writes
//! that change the project's: a command file is YAML frontmatter plus a
//! template body, new ones go to `.opencode/commands/<name>.md`.

use super::command_fields::CommandFields;
use super::config::edit_config_file;
use super::resolve::{self, Named, Provenance, Resolved};
use super::validate;
use super::walk::{self, Links};
use crate::workspace::formats::frontmatter::{self, str_field};
use crate::workspace::formats::input::Fields;
use crate::workspace::formats::json_string;
use crate::workspace::formats::{jsonc, opencode};
use crate::workspace::txn::{Draft, Plan};
use crate::workspace::{Workspace, io};
use crate::{Code, Error, Result};
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::PathBuf;

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
#[serde(rename_all = "camelCase")]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The file whose definition wins (a command file, or a config file
    /// for an inline command).
    #[serde(flatten)]
    pub from: Provenance,
    /// Other files that define the name, lowest first: OpenCode merges
    /// their fields under the winning file's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
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

/// The commands OpenCode resolves whose winning definition is the
/// project's (`Workspace`: the workspace and the folders above it) or the
/// user's (`Global`), by name.
pub fn list(ws: &Workspace, scope: Scope) -> Result<Vec<CommandItem>> {
    let resolved = resolve::resolve_commands(ws)?;
    Ok(views(&resolved, scope)
        .iter()
        .map(ItemView::owned)
        .collect())
}

/// The name and fields of each command of `scope`, by name, to `f` (an
/// export's commands, made without the whole items): the fields are the
/// resolve's, shared with the parse cache, not copied.
pub(crate) fn each_fields(
    ws: &Workspace,
    scope: Scope,
    mut f: impl FnMut(&str, &CommandFields),
) -> Result<()> {
    let resolved = resolve::resolve_commands(ws)?;
    for named in in_scope(&resolved, scope) {
        f(&named.name, &named.value);
    }
    Ok(())
}

/// Appends [`list`] to `out` as the JSON array it serializes to, written
/// straight from the resolved commands: a listing of 10,000 commands
/// copies none of their texts into items first.
pub fn list_json(ws: &Workspace, scope: Scope, out: &mut Vec<u8>) -> Result<()> {
    let resolved = resolve::resolve_commands(ws)?;
    let views = views(&resolved, scope);
    let size = views.iter().map(|v| v.template.len() + 256).sum();
    json_string::array(out, &views, size, |out, view| view.write(out));
    Ok(())
}

/// The commands of `scope`, by name.
fn views(resolved: &Resolved, scope: Scope) -> Vec<ItemView<'_>> {
    in_scope(resolved, scope)
        .into_iter()
        .map(ItemView::of)
        .collect()
}

/// The resolved commands of `scope`, by name.
fn in_scope(resolved: &Resolved, scope: Scope) -> Vec<&Named<CommandFields>> {
    let mut named: Vec<&Named<CommandFields>> = (resolved.commands.iter())
        .filter(|n| n.winner().place.user_wide == (scope == Scope::Global))
        .collect();
    named.sort_by(|a, b| a.name.cmp(&b.name));
    named
}

/// A [`CommandItem`] borrowed from what it is made of: the same fields,
/// written the same way ([`ItemView::write`]).
struct ItemView<'a> {
    name: &'a str,
    description: Option<&'a str>,
    template: &'a str,
    agent: Option<&'a str>,
    model: Option<&'a str>,
    subtask: Option<bool>,
    scope: &'static str,
    variant: Option<&'a str>,
    from: resolve::ProvenanceView<'a>,
    merged_from: Vec<std::borrow::Cow<'a, str>>,
}

impl<'a> ItemView<'a> {
    fn of(n: &'a Named<CommandFields>) -> ItemView<'a> {
        let winner = n.winner();
        let scope = if winner.place.user_wide {
            Scope::Global
        } else {
            Scope::Workspace
        };
        let mut item = ItemView {
            name: &n.name,
            description: None,
            template: "",
            agent: None,
            model: None,
            subtask: None,
            scope: scope.as_str(),
            variant: None,
            from: resolve::ProvenanceView::of(&winner.place, winner.editable),
            merged_from: (n.defs[..n.defs.len() - 1].iter())
                .map(|d| d.place.path.to_string_lossy())
                .collect(),
        };
        match &n.value {
            CommandFields::File(f) => {
                item.description = f.description.as_deref();
                item.template = &f.template;
                item.agent = f.agent.as_deref();
                item.model = f.model.as_deref();
                item.variant = f.variant.as_deref();
                item.subtask = f.subtask;
            }
            // One pass over the fields, not a hashed lookup of each.
            CommandFields::Object(map) => {
                for (key, value) in map.iter() {
                    let text = value.as_str();
                    match key.as_str() {
                        "description" => item.description = text,
                        "template" => item.template = text.unwrap_or_default(),
                        "agent" => item.agent = text,
                        "model" => item.model = text,
                        "variant" => item.variant = text,
                        "subtask" => item.subtask = value.as_bool(),
                        _ => {}
                    }
                }
            }
        }
        item
    }

    /// Appends the item as JSON, the bytes serde writes for its
    /// [`CommandItem`].
    fn write(&self, out: &mut Vec<u8>) {
        let mut item = json_string::Object::new(out);
        (item.str("name", self.name))
            .some_str("description", self.description)
            .str("template", self.template)
            .some_str("agent", self.agent)
            .str_or_null("model", self.model);
        if let Some(subtask) = self.subtask {
            item.bool("subtask", subtask);
        }
        (item.str("scope", self.scope)).some_str("variant", self.variant);
        let from = &self.from;
        resolve::write_provenance(&mut item, &from.file, from.origin, from.editable);
        item.strs("mergedFrom", self.merged_from.iter().map(|f| &**f));
        item.end();
    }

    fn owned(&self) -> CommandItem {
        let text = |t: Option<&str>| t.map(str::to_string);
        CommandItem {
            name: self.name.to_string(),
            description: text(self.description),
            template: self.template.to_string(),
            agent: text(self.agent),
            model: text(self.model),
            subtask: self.subtask,
            scope: self.scope.to_string(),
            variant: text(self.variant),
            from: self.from.owned(),
            merged_from: self.merged_from.iter().map(|f| f.to_string()).collect(),
        }
    }
}

/// One command, as listed (the user-wide ones included).
pub fn read(ws: &Workspace, name: &str) -> Result<CommandItem> {
    let name = validate::command_lookup(name)?;
    let resolved = resolve::resolve_command(ws, &name)?;
    find(&resolved, &name)
        .map(|n| ItemView::of(n).owned())
        .ok_or_else(|| {
            Error::new(
                Code::NotFound,
                format!("command {} not found", validate::quote(&name)),
            )
        })
}

fn find<'a>(resolved: &'a Resolved, name: &str) -> Option<&'a Named<CommandFields>> {
    resolved.commands.iter().find(|n| n.name == name)
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
    for (what, value) in [
        ("description", &input.description),
        ("agent", &input.agent),
        ("model", &input.model),
    ] {
        if let Some(v) = value {
            validate::one_line(what, v, Code::InvalidPayload)?;
        }
    }
    let mut front = Map::new();
    front.insert("name".into(), Value::String(name.clone()));
    front.extend(given_fields(input)?);
    let text = frontmatter::render(&front, &format!("\n{template}\n"))?;
    Ok((name, text))
}

/// The fields of a command besides its name and template, only those
/// given: `description`, `agent`, `model`, `variant` when not empty,
/// `subtask` when given. OpenCode refuses a `null` in any of them.
fn given_fields(input: &CommandInput) -> Result<Map<String, Value>> {
    let mut fields = Map::new();
    if let Some(d) = input.description.as_deref().filter(|d| !d.is_empty())
        && d.chars().count() > validate::DESCRIPTION_MAX
    {
        return Err(Error::new(
            Code::InvalidPayload,
            format!(
                "description is longer than {} characters",
                validate::DESCRIPTION_MAX
            ),
        ));
    }
    for (key, value) in [
        ("description", &input.description),
        ("agent", &input.agent),
        ("model", &input.model),
        ("variant", &input.variant),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            fields.insert(key.into(), Value::String(v.to_string()));
        }
    }
    if let Some(subtask) = input.subtask {
        fields.insert("subtask".into(), Value::Bool(subtask));
    }
    Ok(fields)
}

/// The inline form of a command (`command.<name>` of a config file):
/// the template and only the fields given.
fn inline(input: &CommandInput, name: &str) -> Result<Value> {
    let mut entry = Map::new();
    entry.insert(
        "template".into(),
        Value::String(input.template.trim().to_string()),
    );
    entry.extend(given_fields(input)?);
    let entry = Value::Object(entry);
    opencode::command::check(name, &entry)?;
    Ok(entry)
}

/// Every `*.md` file of the project's command folders,
/// `.opencode/commands` and `.opencode/command`, at any depth (links
/// excluded), whatever name its frontmatter gives: what an import
/// `replace` removes.
pub(crate) fn project_files(ws: &Workspace) -> Vec<PathBuf> {
    ["commands", "command"]
        .iter()
        .flat_map(|d| {
            walk::files(ws, &ws.dot_opencode().join(d), true, Links::Skip, |n| {
                n.ends_with(".md")
            })
        })
        .collect()
}

pub(crate) fn command_file(ws: &Workspace, name: &str) -> PathBuf {
    ws.commands_dir().join(format!("{name}.md"))
}

/// Removes one definition of a command from the project: its file, or
/// its entry in a config file.
fn remove_def(ws: &Workspace, draft: &mut Draft<'_>, def: &resolve::Def, name: &str) -> Result<()> {
    if !def.inline {
        return draft.set(&def.place.path, None);
    }
    edit_config_file(ws, draft, &def.place.path, |obj| {
        if let Some(prop) = obj.get("command")
            && let Some(jsonc_parser::cst::CstNode::Container(c)) = prop.value()
            && let Some(entries) = c.as_object()
        {
            jsonc::remove_key(&entries, name);
        }
        Ok(())
    })
}

/// Writes a command so that what OpenCode uses is exactly `input`: where
/// the project already defines the name (the winning one of the files
/// openwork edits: a command file, or a config's inline entry, edited in
/// place), else as `.opencode/commands/<name>.md`; the name's other
/// project definitions are removed. A file openwork does not edit that
/// would win over it (a parent folder's `.opencode`, `~/.opencode`) is
/// `409 conflict`. Definitions the draft already removed (an import's
/// `replace`) do not count.
pub(crate) fn draft_upsert(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    resolved: &Resolved,
    input: &CommandInput,
) -> Result<String> {
    let (name, text) = render(input)?;
    let mut defs = Vec::new();
    for d in find(resolved, &name).map_or(&[][..], |n| n.defs.as_slice()) {
        // Only the project's files can be gone from the draft already.
        if d.inline || !d.editable || draft.bytes(&d.place.path)?.is_some() {
            defs.push(d);
        }
    }
    let target = defs.iter().rev().find(|d| d.editable).copied();
    let rank = target.map_or(resolved.new_command_rank, |d| d.rank);
    if let Some(above) = defs.iter().rev().find(|d| !d.editable && d.rank > rank) {
        return Err(above.read_only(
            ws,
            &format!("command {name}"),
            " and would win over the project's",
        ));
    }
    match target {
        Some(d) if d.inline => {
            let entry = inline(input, &name)?;
            edit_config_file(ws, draft, &d.place.path, |obj| {
                let entries = match obj.get("command") {
                    None => obj.object_value_or_set("command"),
                    Some(prop) => match prop.value() {
                        Some(jsonc_parser::cst::CstNode::Container(c)) => {
                            c.as_object().ok_or_else(|| {
                                Error::new(
                                    Code::InvalidJsonc,
                                    "\"command\" in the OpenCode config must be an object",
                                )
                            })?
                        }
                        _ => {
                            return Err(Error::new(
                                Code::InvalidJsonc,
                                "\"command\" in the OpenCode config must be an object",
                            ));
                        }
                    },
                };
                match entries.get(&name) {
                    Some(existing) if existing.to_serde_value().as_ref() == Some(&entry) => {}
                    Some(existing) => existing.set_value(jsonc::to_input(&entry)),
                    None => {
                        entries.append(&name, jsonc::to_input(&entry));
                    }
                }
                Ok(())
            })?;
        }
        Some(d) => draft.set(&d.place.path, Some(text.into_bytes()))?,
        None => draft.set(&command_file(ws, &name), Some(text.into_bytes()))?,
    }
    for d in defs.iter().filter(|d| d.editable) {
        let is_target =
            target.is_some_and(|t| t.place.path == d.place.path && t.inline == d.inline);
        if !is_target {
            remove_def(ws, draft, d, &name)?;
        }
    }
    Ok(name)
}

pub fn plan_upsert(ws: &Workspace, input: &CommandInput) -> Result<Plan> {
    let name = validate::command_name(&input.name)?;
    let resolved = resolve::resolve_command(ws, &name)?;
    let mut draft = Draft::new(ws);
    let existed = find(&resolved, &name).is_some_and(|n| n.defs.iter().any(|d| d.editable));
    let name = draft_upsert(ws, &mut draft, &resolved, input)?;
    Ok(draft.finish(
        "commands.upsert",
        name.clone(),
        format!("{} command {name}", super::add_or_update(existed)),
    ))
}

/// Removes every project definition of the command (its file, its inline
/// entries). Removing a command that is not there is a no-op; one that a
/// file openwork does not edit also defines is `409 conflict` naming it,
/// and nothing is removed.
pub fn plan_delete(ws: &Workspace, name: &str) -> Result<Plan> {
    let name = validate::command_lookup(name)?;
    let mut draft = Draft::new(ws);
    let path = command_file(ws, &name);
    if io::is_symlink(&path) {
        return Err(Error::new(
            Code::Conflict,
            format!("command {name} is a symbolic link; not removing it"),
        ));
    }
    let resolved = resolve::resolve_command(ws, &name)?;
    let defs = find(&resolved, &name).map_or(&[][..], |n| n.defs.as_slice());
    if let Some(kept) = defs.iter().rev().find(|d| !d.editable) {
        return Err(kept.read_only(
            ws,
            &format!("command {name}"),
            "; OpenCode would still load it",
        ));
    }
    for d in defs {
        remove_def(ws, &mut draft, d, &name)?;
    }
    Ok(draft.finish(
        "commands.delete",
        name.clone(),
        format!("Remove command {name}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The listing written straight from the resolve is byte for byte the
    /// serialized items: every field, present or absent, merged or not.
    #[test]
    fn the_written_listing_is_the_items_serialized() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| super::super::write_file(root, rel, text);
        write(
            "opencode.jsonc",
            r#"{"command": {"a": {"template": "inline", "agent": "x", "model": 5, "subtask": true},
                "q\"uote": {"template": "t\n\u0001", "description": "é"}, "bare": {}}}"#,
        );
        write(
            ".opencode/commands/a.md",
            "---\ndescription: file a\nvariant: v\nsubtask: false\n---\n\nA\n",
        );
        write(".opencode/command/a.md", "---\nmodel: m/1\n---\n\nold\n");
        write(".opencode/commands/git/commit.md", "Commit\n");
        write(".opencode/commands/b.md", "---\nname: [\n---\nBroken\n");
        let ws = Workspace::open(root).unwrap();
        for scope in [Scope::Workspace, Scope::Global] {
            let items = list(&ws, scope).unwrap();
            let mut json = b"{".to_vec();
            list_json(&ws, scope, &mut json).unwrap();
            assert_eq!(json[1..], serde_json::to_vec(&items).unwrap());
        }
        let items = list(&ws, Scope::Workspace).unwrap();
        assert_eq!(items.len(), 5, "{items:?}");
        assert!(items.iter().any(|i| !i.merged_from.is_empty()));
    }

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
