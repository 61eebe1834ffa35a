//! What OpenCode resolves for a workspace, read from every place of
//! [`super::layers`] in its order, and where each item comes from.
//!
//! Merging is OpenCode's: objects merge deeply, later files winning key by
//! key; arrays are replaced, except `instructions` (joined, each once) and
//! `plugin` (joined, then one entry per plugin: a later entry of the same
//! package replaces an earlier one, at the later one's place). Commands
//! from `command/**/*.md` files merge over inline `command` entries, in the
//! order of their directories. A file that does not parse reads as absent
//! unless openwork edits it (then reading fails with its place, as for the
//! main config); OpenCode itself would refuse to start.

use super::command_fields::{CommandFields, FileFields};
use super::config::read_config_shared;
use super::layers::{ConfigDir, Layers, Origin, Place};
use super::validate;
use super::walk::{self, Links};
use crate::Result;
use crate::workspace::formats::frontmatter::{self, str_field};
use crate::workspace::formats::json_string;
use crate::workspace::formats::opencode::plugin;
use crate::workspace::{Workspace, absolute, io};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Where each name is in a list of [`Named`].
type NameIndex = HashMap<String, usize, foldhash::quality::RandomState>;

/// A place's rank in OpenCode's reading order: a later rank wins. The
/// second number orders the files of one directory.
pub type Rank = (usize, usize);

/// One definition of an item.
#[derive(Debug, Clone)]
pub struct Def {
    /// The file that defines it.
    pub place: Place,
    /// openwork edits this file in place.
    pub editable: bool,
    pub rank: Rank,
    /// An entry of a config file (not a command or plugin file).
    pub inline: bool,
}

/// An item defined by name (an MCP server, a command): its merged value
/// and every definition, lowest rank first (the last one wins).
#[derive(Debug, Clone)]
pub struct Named<V = Arc<Map<String, Value>>> {
    pub name: String,
    /// Shared with the parse cache while only one file defines it: a
    /// workspace of thousands of commands is not copied on every resolve.
    pub value: V,
    pub defs: Vec<Def>,
}

/// What a named item's value is to the resolve: merged with a later
/// definition of the same name, and written as the JSON object it is.
pub(crate) trait NamedValue: Clone {
    /// Merges a later definition's value in, key by key.
    fn merge_in(&mut self, later: &Self);
    /// The value as a JSON object.
    fn to_object(&self) -> Map<String, Value>;
    /// Appends the value as compact JSON.
    fn write(&self, out: &mut Vec<u8>);
}

impl NamedValue for Arc<Map<String, Value>> {
    fn merge_in(&mut self, later: &Self) {
        merge_map(Arc::make_mut(self), later);
    }
    fn to_object(&self) -> Map<String, Value> {
        (**self).clone()
    }
    fn write(&self, out: &mut Vec<u8>) {
        json_string::map(out, self.iter().map(|(k, v)| (k.as_str(), v)));
    }
}

/// Each calls `CommandFields`' own method of the same name (a type's own
/// methods come before a trait's: no recursion).
impl NamedValue for CommandFields {
    fn merge_in(&mut self, later: &Self) {
        CommandFields::merge_in(self, later);
    }
    fn to_object(&self) -> Map<String, Value> {
        CommandFields::to_object(self)
    }
    fn write(&self, out: &mut Vec<u8>) {
        CommandFields::write(self, out);
    }
}

/// Where a listed item comes from, in the fields every item has
/// (docs/api.md#where-an-item-comes-from).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    /// The file whose definition wins.
    pub file: String,
    pub origin: Origin,
    /// openwork edits (or removes) it in place.
    pub editable: bool,
}

impl Provenance {
    pub fn of(place: &Place, editable: bool) -> Provenance {
        Provenance {
            file: shown(&place.path),
            origin: place.origin,
            editable,
        }
    }
}

/// A [`Provenance`] borrowed from the place it tells, for listings that
/// write items straight from the resolve.
#[derive(Debug, Clone)]
pub(crate) struct ProvenanceView<'a> {
    pub(crate) file: std::borrow::Cow<'a, str>,
    pub(crate) origin: Origin,
    pub(crate) editable: bool,
}

impl<'a> ProvenanceView<'a> {
    pub(crate) fn of(place: &'a Place, editable: bool) -> ProvenanceView<'a> {
        ProvenanceView {
            file: place.path.to_string_lossy(),
            origin: place.origin,
            editable,
        }
    }

    pub(crate) fn owned(&self) -> Provenance {
        Provenance {
            file: self.file.to_string(),
            origin: self.origin,
            editable: self.editable,
        }
    }
}

/// The fields of a provenance (`file`, `origin`, `editable`), written
/// into an item's object as serde flattens them.
pub(crate) fn write_provenance(
    object: &mut json_string::Object<'_>,
    file: &str,
    origin: Origin,
    editable: bool,
) {
    (object.str("file", file))
        .str("origin", origin.name())
        .bool("editable", editable);
}

/// The files of other definitions, as an item lists them.
pub fn files_of<'a>(defs: impl IntoIterator<Item = &'a Def>) -> Vec<String> {
    defs.into_iter().map(|d| shown(&d.place.path)).collect()
}

/// A path as an item shows it: `display()`'s text (a byte that is not
/// UTF-8 shown as U+FFFD), without the formatting machinery, as a listing
/// of thousands of items shows one per item.
pub fn shown(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl Def {
    pub fn provenance(&self) -> Provenance {
        Provenance::of(&self.place, self.editable)
    }

    /// The file, relative to the workspace when inside it.
    pub fn file_label(&self, ws: &Workspace) -> String {
        ws.relative(&self.place.path)
    }

    /// `409 conflict`: `what` is defined (also) in this file, which
    /// openwork does not edit; `details.file` names it.
    pub fn read_only(&self, ws: &Workspace, what: &str, consequence: &str) -> crate::Error {
        crate::Error::new(
            crate::Code::Conflict,
            format!(
                "{what} is defined in {}, which openwork does not edit{consequence}",
                self.file_label(ws)
            ),
        )
        .with_details(serde_json::json!({ "file": self.place.path.display().to_string() }))
    }
}

impl<V> Named<V> {
    pub fn winner(&self) -> &Def {
        // Never empty: a Named is made with its first definition.
        &self.defs[self.defs.len() - 1]
    }
}

/// One plugin OpenCode loads.
#[derive(Debug, Clone)]
pub struct Plugin {
    /// As written (a plugin file's is its `file://` URL).
    pub spec: String,
    /// The options of a `[spec, {options}]` entry.
    pub options: Option<Map<String, Value>>,
    /// What two entries are the same plugin by: the package name, or the
    /// `file://` URL a path stands for.
    pub key: String,
    /// The `file://` URL OpenCode loads for a path or a plugin file.
    pub url: Option<String>,
    pub def: Def,
    /// Found in a `plugin(s)/` folder rather than listed in a config.
    pub is_file: bool,
    /// Earlier entries of the same plugin, which this one replaced.
    pub replaced: Vec<Def>,
}

/// The resolved workspace.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// The merged config, as OpenCode holds it: `plugin` resolved (paths
    /// as `file://` URLs), `mcp` and `command` merged, `{env:…}` and
    /// `{file:…}` as written.
    pub config: Map<String, Value>,
    pub mcp: Vec<Named>,
    pub commands: Vec<Named<CommandFields>>,
    pub plugins: Vec<Plugin>,
    /// Every config file that exists, in reading order, with whether
    /// openwork edits it.
    pub files: Vec<(Place, bool)>,
    /// The rank of the main config (`Workspace::opencode_config`), where
    /// new config entries go, present or not.
    pub main_rank: Rank,
    /// The rank of a new file in the root's `.opencode/commands`.
    pub new_command_rank: Rank,
    /// Where each name is in `mcp` and in `commands`.
    mcp_at: NameIndex,
    /// MCP servers and inline commands are not read (`resolve_plugins`).
    skip_named: bool,
    /// MCP servers are not read (`resolve_commands`).
    skip_mcp: bool,
    /// Only the definitions of this command are kept (`resolve_command`).
    only_command: Option<String>,
    commands_at: NameIndex,
}

/// Reads every place and merges it.
pub fn resolve(ws: &Workspace) -> Result<Resolved> {
    resolve_reading(ws, Reading::All)
}

/// [`resolve`] with the MCP servers and commands kept apart from the
/// merged config (`config` has neither key): a view of the config
/// ([`Resolved::merged`]) writes them out from the lists, instead of
/// copying 2,000 servers and 10,000 commands into it.
pub fn resolve_apart(ws: &Workspace) -> Result<Resolved> {
    resolve_reading(ws, Reading::Apart)
}

/// [`resolve`] without the command files (`command/**/*.md`): what a
/// plugin, an MCP server or the skills need, at the cost of the config
/// files alone however many commands the workspace has. `commands` (and
/// the merged config's `command`) then hold the inline entries only.
pub fn resolve_settings(ws: &Workspace) -> Result<Resolved> {
    resolve_reading(ws, Reading::Settings)
}

/// [`resolve_settings`] without the MCP servers and inline commands: what
/// the plugins and the skills need. A config of 2,000 MCP servers is then
/// not copied into the resolved lists (and dropped) on every plugin write
/// and listing. `mcp` and `commands` are empty, and the merged config has
/// neither key.
pub fn resolve_plugins(ws: &Workspace) -> Result<Resolved> {
    resolve_reading(ws, Reading::Plugins)
}

/// [`resolve`] for the commands alone: every definition of every command,
/// but the merged config (`config`) without its `command` key, which
/// would copy every command once more, and no MCP servers (`mcp` empty):
/// a listing of commands does not copy a config's 2,000 servers.
pub fn resolve_commands(ws: &Workspace) -> Result<Resolved> {
    resolve_reading(ws, Reading::Commands)
}

/// [`resolve_commands`] keeping the definitions of the command `name`
/// alone: what a write of one command needs. Every command file is still
/// looked at (a file's frontmatter may give any name), but the other
/// thousands are not merged, copied and dropped.
pub fn resolve_command(ws: &Workspace, name: &str) -> Result<Resolved> {
    resolve_reading_only(ws, Reading::Commands, Some(name))
}

/// What [`resolve_reading`] reads besides the config files and plugin
/// files, and what it merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// The command files too, merged into the config.
    All,
    /// The command files too, not merged into the config.
    Commands,
    /// Nothing else.
    Settings,
    /// Nothing else, and neither the MCP servers nor the inline commands.
    Plugins,
    /// As [`Reading::All`], but the MCP servers and commands are not
    /// merged into the config.
    Apart,
}

fn resolve_reading(ws: &Workspace, reading: Reading) -> Result<Resolved> {
    resolve_reading_only(ws, reading, None)
}

fn resolve_reading_only(ws: &Workspace, reading: Reading, only: Option<&str>) -> Result<Resolved> {
    let layers = Layers::of(ws);
    let mut r = Resolved {
        skip_named: reading == Reading::Plugins,
        skip_mcp: reading == Reading::Commands,
        only_command: only.map(str::to_string),
        ..Resolved::default()
    };
    let mut group = 0;
    let main = ws.opencode_config();
    for place in layers.config_files() {
        if place.path == main {
            r.main_rank = (group, 0);
        }
        r.config_file(ws, &layers, place, group)?;
        group += 1;
    }
    for dir in layers.config_dirs() {
        if dir.has_config {
            for name in ["opencode.json", "opencode.jsonc"] {
                let mut place = dir.place.clone();
                place.path = place.path.join(name);
                r.config_file(ws, &layers, place, group)?;
                group += 1;
            }
        }
        if dir.place.path == ws.dot_opencode() {
            r.new_command_rank = (group, usize::MAX);
        }
        if matches!(reading, Reading::All | Reading::Commands | Reading::Apart) {
            r.command_files(ws, &layers, &dir, group);
        }
        group += 1;
        r.plugin_files(ws, &layers, &dir, group);
        group += 1;
    }
    for place in layers.managed_files() {
        r.config_file(ws, &layers, place, group)?;
        group += 1;
    }
    r.finish(reading);
    Ok(r)
}

impl Resolved {
    fn config_file(
        &mut self,
        ws: &Workspace,
        layers: &Layers,
        place: Place,
        group: usize,
    ) -> Result<()> {
        // Whether openwork edits the file is asked only of a file that is
        // there: most of the places a workspace could have a config are empty.
        let parsed = match read_config_shared(ws, &place.path) {
            Ok(Some(parsed)) => parsed,
            Ok(None) => return Ok(()),
            Err(e) if layers.editable(ws, &place.path) => return Err(e),
            Err(_) => return Ok(()),
        };
        let editable = layers.editable(ws, &place.path);
        let value = match parsed.as_ref() {
            Ok(value) => value,
            Err(e) if editable => return Err(e.clone()),
            Err(_) => return Ok(()),
        };
        self.files.push((place.clone(), editable));
        let def = Def {
            place,
            editable,
            rank: (group, 0),
            inline: true,
        };
        let base = def
            .place
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for (key, v) in value.iter() {
            match key.as_str() {
                "plugin" => {
                    let entries = match v {
                        Value::Array(items) => items.iter().collect(),
                        one @ Value::String(_) => vec![one],
                        _ => Vec::new(),
                    };
                    for entry in entries {
                        if let Some((spec, options)) = plugin::parts(entry) {
                            self.add_plugin(spec, options.cloned(), &base, def.clone(), false);
                        }
                    }
                }
                "instructions" => {
                    let list = self
                        .config
                        .entry("instructions")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let (Value::Array(all), Value::Array(new)) = (list, v) {
                        for item in new {
                            if !all.contains(item) {
                                all.push(item.clone());
                            }
                        }
                    }
                }
                "mcp" | "command" => {
                    let skipped = self.skip_named || (key == "mcp" && self.skip_mcp);
                    let Some(entries) = v.as_object().filter(|_| !skipped) else {
                        continue;
                    };
                    for (name, entry) in entries {
                        if let Some(entry) = entry.as_object() {
                            let entry = Arc::new(entry.clone());
                            if key == "mcp" {
                                merge_named(
                                    &mut self.mcp,
                                    &mut self.mcp_at,
                                    name,
                                    &entry,
                                    def.clone(),
                                );
                            } else {
                                let entry = CommandFields::Object(entry);
                                self.merge_command(name, &entry, def.clone());
                            }
                        }
                    }
                }
                _ => merge_key(&mut self.config, key, v),
            }
        }
        Ok(())
    }

    /// `{command,commands}/**/*.md` of a config directory.
    fn command_files(&mut self, ws: &Workspace, layers: &Layers, dir: &ConfigDir, group: usize) {
        let mut within = 0;
        for sub in ["command", "commands"] {
            let base = dir.place.path.join(sub);
            // One copy for every file found from it.
            let shared: Arc<Path> = Arc::from(base.as_path());
            let parse = |path: &Path| {
                let found = ws.cached_child(path, "command file", |bytes| CommandFile {
                    parsed: parse_command(bytes),
                    base: Arc::clone(&shared),
                    name: command_name(&base, path),
                    editable: layers.editable_walked(ws, path),
                });
                found.ok().flatten()
            };
            let is_command = |n: &str| n.ends_with(".md");
            walk::each_parsed(
                ws,
                &base,
                true,
                "command files",
                is_command,
                parse,
                |path, file| {
                    let Some(parsed) = &file.parsed else {
                        return;
                    };
                    // Kept with the folder it was found from (a path is found
                    // from one only, but the name must be that folder's).
                    let by_path = if file.base.as_os_str() == base.as_os_str() {
                        None
                    } else {
                        Some(command_name(&base, path))
                    };
                    let name = (parsed.name.as_deref())
                        .or(by_path.as_deref())
                        .unwrap_or(&file.name);
                    if !self.keeps_command(name) {
                        within += 1;
                        return;
                    }
                    let mut def = file_def(dir, path, (group, within));
                    def.editable = if by_path.is_none() {
                        file.editable
                    } else {
                        layers.editable_walked(ws, path)
                    };
                    within += 1;
                    let fields = CommandFields::File(Arc::clone(&parsed.fields));
                    self.merge_command(name, &fields, def);
                },
            );
        }
    }

    /// `{plugin,plugins}/*.{ts,js}` of a config directory (not deeper).
    fn plugin_files(&mut self, ws: &Workspace, layers: &Layers, dir: &ConfigDir, group: usize) {
        let mut within = 0;
        for sub in ["plugin", "plugins"] {
            let folder = dir.place.path.join(sub);
            let is_plugin = |n: &str| n.ends_with(".ts") || n.ends_with(".js");
            for path in walk::files(ws, &folder, false, Links::ByName, is_plugin) {
                let url = file_url(&path);
                let mut def = file_def(dir, &path, (group, within));
                // Found by name, perhaps a link: checked in full.
                def.editable = layers.editable(ws, &path);
                within += 1;
                self.add_plugin(&url, None, Path::new("/"), def, true);
            }
        }
    }

    /// Whether the definitions of the command `name` are kept.
    fn keeps_command(&self, name: &str) -> bool {
        self.only_command.as_deref().is_none_or(|only| only == name)
    }

    fn merge_command(&mut self, name: &str, entry: &CommandFields, def: Def) {
        if !self.keeps_command(name) {
            return;
        }
        merge_named(&mut self.commands, &mut self.commands_at, name, entry, def);
    }

    fn add_plugin(
        &mut self,
        spec: &str,
        options: Option<Map<String, Value>>,
        base: &Path,
        def: Def,
        is_file: bool,
    ) {
        let url = plugin_url(spec, base);
        let key = plugin_key(spec, base);
        let mut replaced = Vec::new();
        if let Some(i) = self.plugins.iter().position(|p| p.key == key) {
            let old = self.plugins.remove(i);
            replaced.extend(old.replaced);
            replaced.push(old.def);
        }
        self.plugins.push(Plugin {
            spec: spec.to_string(),
            options,
            key,
            url,
            def,
            is_file,
            replaced,
        });
    }

    /// The merged config gets the resolved plugins, servers and commands
    /// (the commands only when `reading` merges them).
    fn finish(&mut self, reading: Reading) {
        if !self.plugins.is_empty() {
            let list = self
                .plugins
                .iter()
                .map(|p| {
                    let spec = Value::String(p.url.clone().unwrap_or_else(|| p.spec.clone()));
                    match &p.options {
                        Some(o) => Value::Array(vec![spec, Value::Object(o.clone())]),
                        None => spec,
                    }
                })
                .collect();
            self.config.insert("plugin".into(), Value::Array(list));
        }
        if reading == Reading::Apart {
            return;
        }
        if let Some(map) = as_object(&self.mcp) {
            self.config.insert("mcp".into(), map);
        }
        if reading != Reading::Commands
            && let Some(map) = as_object(&self.commands)
        {
            self.config.insert("command".into(), map);
        }
    }
}

impl Resolved {
    /// The merged config of a [`resolve_apart`], with its MCP servers and
    /// commands, which it takes; it serializes as [`resolve`]'s `config`
    /// does (the two keys last, servers first, when there are any).
    pub fn merged(&mut self) -> MergedConfig {
        MergedConfig {
            config: std::mem::take(&mut self.config),
            mcp: std::mem::take(&mut self.mcp),
            commands: std::mem::take(&mut self.commands),
        }
    }
}

/// The merged config as OpenCode holds it, its MCP servers and commands
/// kept as lists: serialized, it is [`Resolved::config`] of a full
/// [`resolve`], without the copies.
#[derive(Debug)]
pub struct MergedConfig {
    config: Map<String, Value>,
    mcp: Vec<Named>,
    commands: Vec<Named<CommandFields>>,
}

impl Serialize for MergedConfig {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        /// Named entries as an object of their values.
        struct Entries<'a, V>(&'a [Named<V>]);
        impl<V: Serialize> Serialize for Entries<'_, V> {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|n| (&n.name, &n.value)))
            }
        }
        let lists = usize::from(!self.mcp.is_empty()) + usize::from(!self.commands.is_empty());
        let mut map = s.serialize_map(Some(self.config.len() + lists))?;
        for (key, value) in &self.config {
            map.serialize_entry(key, value)?;
        }
        if !self.mcp.is_empty() {
            map.serialize_entry("mcp", &Entries(&self.mcp))?;
        }
        if !self.commands.is_empty() {
            map.serialize_entry("command", &Entries(&self.commands))?;
        }
        map.end()
    }
}

impl MergedConfig {
    /// Appends the serialization, written by hand: its strings through
    /// `json_string`, which passes over 16 bytes at a time.
    pub fn write(&self, out: &mut Vec<u8>) {
        use crate::workspace::formats::json_string;
        let config = self.config.iter().map(|(k, v)| (k.as_str(), v));
        let mut first = true;
        out.push(b'{');
        for (key, value) in config {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
            json_string::push(out, key);
            out.push(b':');
            json_string::value(out, value);
        }
        write_entries(out, &mut first, "mcp", &self.mcp);
        write_entries(out, &mut first, "command", &self.commands);
        out.push(b'}');
    }
}

/// Appends `"key":{…}`, the object of the named items' values by name
/// (nothing for none), after a comma unless it comes `first`.
fn write_entries<V: NamedValue>(out: &mut Vec<u8>, first: &mut bool, key: &str, list: &[Named<V>]) {
    if list.is_empty() {
        return;
    }
    if !std::mem::take(first) {
        out.push(b',');
    }
    json_string::push(out, key);
    out.push(b':');
    out.push(b'{');
    for (i, named) in list.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_string::push(out, &named.name);
        out.push(b':');
        named.value.write(out);
    }
    out.push(b'}');
}

/// The definition a file of a config directory (a command or plugin file)
/// makes, not editable until the caller says so.
fn file_def(dir: &ConfigDir, path: &Path, rank: Rank) -> Def {
    // The folder's place but the file's path: the folder's path is not
    // copied only to be replaced.
    let place = Place {
        path: path.to_path_buf(),
        origin: dir.place.origin,
        user_wide: dir.place.user_wide,
    };
    Def {
        editable: false,
        place,
        rank,
        inline: false,
    }
}

/// The command files (`**/*.md`) of a `command` or `commands` folder.
pub(crate) fn command_files_in(ws: &Workspace, base: &Path) -> Vec<std::path::PathBuf> {
    walk::files(ws, base, true, Links::Skip, |n| n.ends_with(".md"))
}

/// A command file as a resolve keeps it in the parse cache: its parse,
/// and what its path alone decides (the name it gives when its frontmatter
/// names none, found from `base`, and whether openwork edits it), so that
/// a listing of 2,000 commands works them out once per file, not per read.
struct CommandFile {
    parsed: Option<ParsedCommand>,
    base: Arc<Path>,
    name: String,
    editable: bool,
}

/// A command file as OpenCode reads it: its fields and template, and the
/// name its frontmatter gives. Frontmatter that does not parse makes the
/// whole file the template, with no fields (`front_error` says why).
pub(crate) struct ParsedCommand {
    pub(crate) name: Option<String>,
    pub(crate) fields: Arc<FileFields>,
    pub(crate) front_error: Option<String>,
}

pub(crate) fn parse_command(bytes: &[u8]) -> Option<ParsedCommand> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut fields = FileFields::default();
    let mut name = None;
    let mut front_error = None;
    fields.template = match frontmatter::parse(text) {
        Ok(doc) => {
            let front = doc.front.unwrap_or_default();
            let text = |key| str_field(&front, key).map(Box::from);
            fields.description = text("description");
            fields.agent = text("agent");
            fields.model = text("model");
            fields.variant = text("variant");
            fields.subtask = front.get("subtask").and_then(Value::as_bool);
            name = str_field(&front, "name").map(str::to_string);
            doc.body.trim().into()
        }
        Err(e) => {
            front_error = Some(e.message);
            text.trim().into()
        }
    };
    Some(ParsedCommand {
        name,
        fields: Arc::new(fields),
        front_error,
    })
}

/// `git/commit` for `<base>/git/commit.md`.
pub(crate) fn command_name(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let text = rel.to_string_lossy().replace('\\', "/");
    text.strip_suffix(".md").unwrap_or(&text).to_string()
}

/// Merges one definition of `name` into `list`, whose positions `at`
/// indexes by name: a workspace of thousands of commands merges each in
/// constant time, not by searching the list. The first definition's value
/// is shared, not copied; a second one merging in copies it then.
fn merge_named<V: NamedValue>(
    list: &mut Vec<Named<V>>,
    at: &mut NameIndex,
    name: &str,
    entry: &V,
    def: Def,
) {
    match at.get(name) {
        Some(&i) => {
            let named = &mut list[i];
            named.value.merge_in(entry);
            named.defs.push(def);
        }
        None => {
            at.insert(name.to_string(), list.len());
            list.push(Named {
                name: name.to_string(),
                value: entry.clone(),
                defs: vec![def],
            });
        }
    }
}

/// Named items as the object of their values, by name (`None` for none).
fn as_object<V: NamedValue>(list: &[Named<V>]) -> Option<Value> {
    (!list.is_empty()).then(|| {
        let map = list
            .iter()
            .map(|n| (n.name.clone(), Value::Object(n.value.to_object())));
        Value::Object(map.collect())
    })
}

/// Objects merge key by key, anything else is replaced.
fn merge_key(into: &mut Map<String, Value>, key: &str, value: &Value) {
    match (into.get_mut(key), value) {
        (Some(Value::Object(old)), Value::Object(new)) => merge_map(old, new),
        _ => {
            into.insert(key.to_string(), value.clone());
        }
    }
}

pub(crate) fn merge_map(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (k, v) in from {
        merge_key(into, k, v);
    }
}

/// What two plugin entries are the same plugin by: the `file://` URL a
/// path or URL stands for (relative to `base`, the folder of the file
/// that lists it), else the package name (`@acme/tools@1.2` →
/// `@acme/tools`).
pub fn plugin_key(spec: &str, base: &Path) -> String {
    plugin_url(spec, base).unwrap_or_else(|| validate::plugin_name(spec))
}

/// The `file://` URL OpenCode loads for a spec that is a URL or a path
/// (relative to the folder of the file that lists it): a folder with a
/// `package.json` stands for itself, else for its `index.*` file.
/// `None` for a package spec.
fn plugin_url(spec: &str, base: &Path) -> Option<String> {
    if spec.starts_with("file://") {
        return Some(spec.to_string());
    }
    if !(spec.starts_with("./") || spec.starts_with("../") || spec.starts_with('/')) {
        return None;
    }
    let path = absolute(&base.join(spec)).unwrap_or_else(|_| base.join(spec));
    let path = if io::is_dir(&path) && !io::is_file(&path.join("package.json")) {
        [
            "index.ts",
            "index.tsx",
            "index.js",
            "index.mjs",
            "index.cjs",
        ]
        .iter()
        .map(|i| path.join(i))
        .find(|p| io::is_file(p))
        .unwrap_or(path)
    } else {
        path
    };
    Some(file_url(&path))
}

/// `file://` and the absolute path, percent-encoded where a URL needs it.
pub(crate) fn file_url(path: &Path) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    let text = path.to_string_lossy().replace('\\', "/");
    format!("file://{}", utf8_percent_encode(&text, PATH))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_merge_and_arrays_are_replaced() {
        let mut a = json!({"mcp": {"m": {"environment": {"A": "1"}, "command": ["x"]}}, "l": [1]})
            .as_object()
            .cloned()
            .unwrap();
        let b = json!({"mcp": {"m": {"environment": {"B": "2"}, "command": ["y"]}}, "l": [2]});
        merge_map(&mut a, b.as_object().unwrap());
        assert_eq!(
            Value::Object(a),
            json!({"mcp": {"m": {"environment": {"A": "1", "B": "2"}, "command": ["y"]}}, "l": [2]})
        );
    }

    /// Resolving one command keeps exactly what resolving them all gives
    /// for its name: the same merged value and the same definitions, in
    /// the same order with the same ranks, wherever they are (inline in a
    /// config, in `command/` or `commands/`, nested, renamed by their
    /// frontmatter), and nothing for a name no file defines.
    #[test]
    fn one_command_resolves_as_in_the_whole() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| super::super::write_file(root, rel, text);
        write(
            "opencode.jsonc",
            r#"{"command": {"a": {"template": "inline a", "agent": "x"}, "z": {"template": "z"}}}"#,
        );
        write(
            ".opencode/opencode.json",
            r#"{"command": {"a": {"model": "m/1"}}}"#,
        );
        write(
            ".opencode/commands/a.md",
            "---\ndescription: file a\n---\n\nA\n",
        );
        write(".opencode/command/a.md", "---\nagent: y\n---\n\nA old\n");
        write(".opencode/commands/git/commit.md", "Commit\n");
        write(
            ".opencode/commands/other.md",
            "---\nname: a\n---\n\nNamed a\n",
        );
        write(".opencode/commands/b.md", "B\n");
        write(".opencode/commands/broken.md", "---\nname: [\n---\nBody\n");
        let ws = Workspace::open(root).unwrap();
        let all = resolve_commands(&ws).unwrap();
        let shown = |n: &Named<CommandFields>| format!("{} {:?} {:?}", n.name, n.value, n.defs);
        let names = ["a", "b", "z", "git/commit", "broken", "other", "missing"];
        for name in names {
            let one = resolve_command(&ws, name).unwrap();
            let expected: Vec<String> = all
                .commands
                .iter()
                .filter(|n| n.name == name)
                .map(shown)
                .collect();
            let got: Vec<String> = one.commands.iter().map(shown).collect();
            assert_eq!(got, expected, "{name}");
            assert_eq!(one.new_command_rank, all.new_command_rank);
        }
        // The whole has what the names above cover, so the check saw each.
        assert!(
            all.commands
                .iter()
                .all(|n| names.contains(&n.name.as_str()))
        );
        assert!(
            all.commands
                .iter()
                .any(|n| n.name == "a" && n.defs.len() == 5)
        );
    }

    /// The merged config of a [`resolve_apart`] serializes to the very
    /// bytes of a full resolve's `config`: every key in the same order,
    /// the MCP servers and commands last, merged across files, with and
    /// without either of them.
    #[test]
    fn the_merged_config_writes_as_the_whole_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| super::super::write_file(root, rel, text);
        let same = || {
            let ws = Workspace::open(root).unwrap();
            let whole = serde_json::to_string(&resolve(&ws).unwrap().config).unwrap();
            let merged = resolve_apart(&ws).unwrap().merged();
            assert_eq!(serde_json::to_string(&merged).unwrap(), whole);
            let mut written = Vec::new();
            merged.write(&mut written);
            assert_eq!(String::from_utf8(written).unwrap(), whole);
            whole
        };
        write(
            "opencode.jsonc",
            r#"{"theme": "x", "mcp": {"m": {"type": "local", "command": ["a"]}}, "plugin": ["p"],
                "command": {"c": {"template": "inline"}}, "tools": {"t": true}}"#,
        );
        write(
            ".opencode/opencode.json",
            r#"{"mcp": {"m": {"enabled": false}, "n": {"type": "remote", "url": "u"}}, "model": "a/b"}"#,
        );
        write(
            ".opencode/commands/c.md",
            "---
agent: y
---

File c
",
        );
        write(
            ".opencode/commands/d.md",
            "D
",
        );
        let whole = same();
        for key in [r#""mcp""#, r#""command""#, r#""enabled":false"#, "File c"] {
            assert!(whole.contains(key), "{key} in {whole}");
        }
        write("opencode.jsonc", r#"{"theme": "x"}"#);
        write(".opencode/opencode.json", "{}");
        same();
        std::fs::remove_dir_all(root.join(".opencode/commands")).unwrap();
        assert_eq!(same(), r#"{"theme":"x"}"#);
    }

    /// Each origin's name is what serde writes for it.
    #[test]
    fn origin_names_are_their_serialized_names() {
        use Origin::*;
        for origin in [
            Project, Parent, Global, Home, Managed, Claude, Agents, Paths,
        ] {
            let serialized = serde_json::to_string(&origin).unwrap();
            assert_eq!(serialized, format!("\"{}\"", origin.name()));
        }
    }

    #[test]
    fn command_names_are_paths() {
        assert_eq!(
            command_name(
                Path::new("/p/commands"),
                Path::new("/p/commands/git/commit.md")
            ),
            "git/commit"
        );
        let parsed = parse_command(b"---\nname: other\ndescription: d\n---\n\nBody\n").unwrap();
        assert_eq!(parsed.name.as_deref(), Some("other"));
        assert_eq!(
            Value::Object(CommandFields::File(parsed.fields).to_object()),
            json!({"description": "d", "template": "Body"})
        );
        let broken = parse_command(b"---\nname: [\n---\nBody\n").unwrap();
        assert_eq!(&*broken.fields.template, "---\nname: [\n---\nBody");
        assert!(broken.front_error.is_some());
        assert!(parsed.front_error.is_none());
    }
}
