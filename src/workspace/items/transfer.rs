//! Export and import of a whole workspace configuration as one JSON
//! document. An import is one plan: every entry is validated while the plan
//! is built, so one bad entry means nothing is written.

use super::command_fields::{CommandFields, FileFields};
use super::commands::{self, CommandInput, Scope};
use super::config::{
    read_opencode_shared, read_openwork, replace_opencode, set_opencode_keys, write_openwork,
};
use super::resolve;
use super::skills;
use crate::workspace::formats::input::Fields;
use crate::workspace::txn::{Draft, Plan};
use crate::workspace::{Workspace, now_ms};
use crate::{Code, Error, Result};
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportDoc {
    pub workspace_id: String,
    pub exported_at: u64,
    /// Shared with the parse cache.
    pub opencode: Arc<Map<String, Value>>,
    pub openwork: Map<String, Value>,
    pub skills: Vec<SkillExport>,
    pub commands: Vec<CommandExport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkillExport {
    pub name: String,
    pub description: String,
    /// Read for the export: the parse cache does not keep skills' texts.
    pub content: String,
}

/// A command of an export: its name, and its fields as the resolve holds
/// them (shared with the parse cache: 10,000 commands' templates, some
/// 3 MB, are not copied into a large export's document). Written as
/// `{"name","description"?,"template"}`.
#[derive(Debug, Clone)]
pub struct CommandExport {
    pub name: String,
    fields: CommandFields,
}

impl CommandExport {
    /// A command of these texts.
    pub fn new(name: String, description: Option<String>, template: String) -> CommandExport {
        let fields = FileFields {
            description: description.map(Box::from),
            template: template.into(),
            ..FileFields::default()
        };
        CommandExport {
            name,
            fields: CommandFields::File(Arc::new(fields)),
        }
    }

    /// Its description, when the field is text (as in its listed item).
    pub fn description(&self) -> Option<&str> {
        self.fields.text("description")
    }

    /// Its template, empty when the field is not text (as in its item).
    pub fn template(&self) -> &str {
        self.fields.text("template").unwrap_or_default()
    }
}

impl Serialize for CommandExport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let description = self.description();
        let mut out =
            s.serialize_struct("CommandExport", 2 + usize::from(description.is_some()))?;
        out.serialize_field("name", &self.name)?;
        match description {
            Some(description) => out.serialize_field("description", description)?,
            None => out.skip_field("description")?,
        }
        out.serialize_field("template", self.template())?;
        out.end()
    }
}

/// The start of an export: what its text holds before the skills.
#[derive(Debug, Clone, Copy)]
pub struct ExportHead<'a> {
    pub workspace_id: &'a str,
    pub opencode: &'a Arc<Map<String, Value>>,
    pub openwork: &'a Map<String, Value>,
}

/// Where an export's parts go, in the order its text holds them: the
/// head once, then each skill, then each command. A part is lent only
/// while it is handed on, so a sink that writes each out at once (the
/// server's export body) never holds every skill's text together.
pub trait ExportSink {
    fn head(&mut self, head: ExportHead<'_>);
    fn skill(&mut self, skill: &SkillExport);
    fn command(&mut self, command: &CommandExport);
}

/// Hands the workspace's export to `sink`, part by part (the reads all
/// under the caller's one [`Workspace::read`]).
pub fn export_into(ws: &Workspace, sink: &mut impl ExportSink) -> Result<()> {
    sink.head(ExportHead {
        workspace_id: ws.id(),
        opencode: &read_opencode_shared(ws)?,
        openwork: &read_openwork(ws)?,
    });
    skills::each_with_content(ws, false, |item, content| {
        sink.skill(&SkillExport {
            name: item.name,
            description: item.description,
            content,
        })
    })?;
    commands::each_fields(ws, Scope::Workspace, |name, fields| {
        sink.command(&CommandExport {
            name: name.to_string(),
            fields: fields.clone(),
        })
    })
}

/// The workspace's export as one document, stamped now.
pub fn export(ws: &Workspace) -> Result<ExportDoc> {
    let mut doc = ExportDoc {
        workspace_id: String::new(),
        exported_at: now_ms(),
        opencode: Arc::default(),
        openwork: Map::new(),
        skills: Vec::new(),
        commands: Vec::new(),
    };
    export_into(ws, &mut doc)?;
    Ok(doc)
}

/// An export collected whole.
impl ExportSink for ExportDoc {
    fn head(&mut self, head: ExportHead<'_>) {
        self.workspace_id = head.workspace_id.to_string();
        self.opencode = Arc::clone(head.opencode);
        self.openwork = head.openwork.clone();
    }

    fn skill(&mut self, skill: &SkillExport) {
        self.skills.push(skill.clone());
    }

    fn command(&mut self, command: &CommandExport) {
        self.commands.push(command.clone());
    }
}

impl ExportDoc {
    /// Hands this document to `sink` as [`export_into`] hands a
    /// workspace's.
    pub fn feed(&self, sink: &mut impl ExportSink) {
        sink.head(ExportHead {
            workspace_id: &self.workspace_id,
            opencode: &self.opencode,
            openwork: &self.openwork,
        });
        self.skills.iter().for_each(|s| sink.skill(s));
        self.commands.iter().for_each(|c| sink.command(c));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Merge,
    Replace,
}

#[derive(Debug, Clone, Default)]
pub struct Modes {
    pub opencode: Mode,
    pub openwork: Mode,
    pub skills: Mode,
    pub commands: Mode,
}

impl Modes {
    /// Sets one key from `KEY=merge|replace` style input.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let mode = match value {
            "merge" => Mode::Merge,
            "replace" => Mode::Replace,
            _ => {
                return Err(Error::new(
                    Code::InvalidPayload,
                    format!("mode for {key} must be \"merge\" or \"replace\""),
                ));
            }
        };
        match key {
            "opencode" => self.opencode = mode,
            "openwork" => self.openwork = mode,
            "skills" => self.skills = mode,
            "commands" => self.commands = mode,
            _ => {
                return Err(Error::new(
                    Code::InvalidPayload,
                    format!("unknown mode key {key:?}: use opencode, openwork, skills or commands"),
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct SkillIn {
    pub name: String,
    pub content: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ImportDoc {
    pub opencode: Option<Map<String, Value>>,
    pub openwork: Option<Map<String, Value>>,
    pub skills: Option<Vec<SkillIn>>,
    pub commands: Option<Vec<CommandInput>>,
    pub mode: Modes,
}

/// Reads an import document with strict types; other keys of an export
/// (`workspaceId`, `exportedAt`) are ignored.
pub fn parse_import(doc: &Map<String, Value>) -> Result<ImportDoc> {
    let f = Fields(doc);
    let mut mode = Modes::default();
    if let Some(modes) = f.object("mode", Code::InvalidPayload)? {
        for (k, v) in modes {
            let v = v.as_str().ok_or_else(|| {
                Error::new(
                    Code::InvalidPayload,
                    format!("mode for {k} must be a string"),
                )
            })?;
            mode.set(k, v)?;
        }
    }
    let skills = match f.array("skills", Code::InvalidPayload)? {
        None => None,
        Some(items) => Some(
            items
                .iter()
                .map(|item| {
                    let obj = item.as_object().ok_or_else(|| {
                        Error::new(Code::InvalidPayload, "each skill must be an object")
                    })?;
                    let s = Fields(obj);
                    Ok(SkillIn {
                        name: s.required_str("name", Code::InvalidSkillName)?.to_string(),
                        content: s
                            .required_str("content", Code::InvalidSkillContent)?
                            .to_string(),
                        description: s
                            .str("description", Code::InvalidDescription)?
                            .map(str::to_string),
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        ),
    };
    let commands = match f.array("commands", Code::InvalidPayload)? {
        None => None,
        Some(items) => Some(
            items
                .iter()
                .map(|item| {
                    let obj = item.as_object().ok_or_else(|| {
                        Error::new(Code::InvalidCommand, "each command must be an object")
                    })?;
                    let c = Fields(obj);
                    match c.str("content", Code::InvalidCommand)? {
                        Some(content) => CommandInput::from_file(
                            c.str("name", Code::InvalidCommandName)?,
                            content,
                            c.str("description", Code::InvalidPayload)?,
                        ),
                        None => CommandInput::from_json(obj),
                    }
                })
                .collect::<Result<Vec<_>>>()?,
        ),
    };
    Ok(ImportDoc {
        opencode: f.object("opencode", Code::InvalidPayload)?.cloned(),
        openwork: f.object("openwork", Code::InvalidPayload)?.cloned(),
        skills,
        commands,
        mode,
    })
}

pub fn plan_import(ws: &Workspace, doc: &ImportDoc) -> Result<Plan> {
    let mut draft = Draft::new(ws);
    if let Some(opencode) = &doc.opencode {
        match doc.mode.opencode {
            Mode::Merge => set_opencode_keys(ws, &mut draft, opencode)?,
            Mode::Replace => replace_opencode(ws, &mut draft, opencode)?,
        }
    }
    if let Some(openwork) = &doc.openwork {
        write_openwork(ws, &mut draft, openwork, doc.mode.openwork == Mode::Replace)?;
    }
    if let Some(list) = &doc.skills {
        if doc.mode.skills == Mode::Replace {
            skills::draft_clear(ws, &mut draft)?;
        }
        let found = skills::found(ws)?;
        for s in list {
            skills::draft_upsert(
                ws,
                &mut draft,
                &found,
                &s.name,
                &s.content,
                s.description.as_deref(),
            )?;
        }
    }
    if let Some(list) = &doc.commands {
        if doc.mode.commands == Mode::Replace {
            for path in commands::project_files(ws) {
                draft.set(&path, None)?;
            }
        }
        let resolved = resolve::resolve(ws)?;
        for c in list {
            commands::draft_upsert(ws, &mut draft, &resolved, c)?;
        }
    }
    Ok(draft.finish("config.import", "workspace", "Import workspace config"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A command is written as its listed item's three texts, in that
    /// order, the description left out when it is not text.
    #[test]
    fn a_command_is_written_as_name_description_and_template() {
        let text = |c: &CommandExport| serde_json::to_string(c).unwrap();
        let full = CommandExport::new("a/b".into(), Some("d \"q\"".into()), "t\n".into());
        assert_eq!(
            text(&full),
            r#"{"name":"a/b","description":"d \"q\"","template":"t\n"}"#
        );
        let bare = CommandExport::new("c".into(), None, String::new());
        assert_eq!(text(&bare), r#"{"name":"c","template":""}"#);
        let mut fields = Map::new();
        fields.insert("template".into(), Value::from(7));
        fields.insert("description".into(), Value::Null);
        fields.insert("model".into(), Value::from("m"));
        let odd = CommandExport {
            name: "e".into(),
            fields: CommandFields::Object(Arc::new(fields)),
        };
        assert_eq!(text(&odd), r#"{"name":"e","template":""}"#);
    }
}
