//! The two config files: the OpenCode config (JSONC, edited in place) and
//! `.opencode/openwork.json` (plain JSON, shallow-merged).

use super::layers::Origin;
use super::resolve;
use super::validate;
use crate::workspace::formats::input::{NotAnObject, json_object};
use crate::workspace::formats::{jsonc, opencode};
use crate::workspace::txn::{Draft, Plan};
use crate::workspace::{Workspace, io};
use crate::{Code, Error, Result};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// The project's OpenCode config as a value (`{}` when there is no file).
pub(crate) fn read_opencode(ws: &Workspace) -> Result<Map<String, Value>> {
    Ok(Arc::unwrap_or_clone(read_opencode_shared(ws)?))
}

/// [`read_opencode`] as the parse cache keeps it, shared rather than
/// copied.
pub(crate) fn read_opencode_shared(ws: &Workspace) -> Result<Arc<Map<String, Value>>> {
    match read_config_shared(ws, &ws.opencode_config())? {
        None => Ok(Arc::default()),
        Some(result) => (*result).clone(),
    }
}

/// Any OpenCode config file (JSONC, whatever its extension), labelled in
/// messages by its place relative to the workspace (or its whole path
/// outside it); `None` when there is no such file.
pub(crate) fn read_config_file(ws: &Workspace, path: &Path) -> Result<Option<Map<String, Value>>> {
    read_config_shared(ws, path)?
        .map(|result| (*result).clone().map(Arc::unwrap_or_clone))
        .transpose()
}

/// A config file's parse as the parse cache keeps it: the value itself
/// shared too, so that a view of a 500 KB config does not copy it.
pub(crate) type SharedConfig = Arc<Result<Arc<Map<String, Value>>>>;

/// The parse cache's names for a config file's parse and for its outline
/// (what an edit of a top-level key needs).
const PARSE: &str = "jsonc";
const OUTLINE: &str = "jsonc outline";

/// [`read_config_file`] as the parse cache keeps it, shared rather than
/// copied: what resolving every layer on every write reads.
pub(crate) fn read_config_shared(ws: &Workspace, path: &Path) -> Result<Option<SharedConfig>> {
    // The label only when the bytes are parsed: a kept parse costs no path
    // arithmetic.
    ws.cached(path, PARSE, |bytes| {
        let label = ws.relative(path);
        match std::str::from_utf8(bytes) {
            Ok(text) => jsonc::parse_object(text, &label).map(Arc::new),
            Err(_) => Err(Error::new(
                Code::InvalidJsonc,
                format!("{label} is not valid UTF-8"),
            )),
        }
    })
}

pub(crate) fn read_openwork(ws: &Workspace) -> Result<Map<String, Value>> {
    let path = ws.openwork_config();
    let label = ws.relative(&path);
    match ws.cached(&path, "json", |bytes| parse_openwork(bytes, &label))? {
        None => Ok(Map::new()),
        Some(result) => (*result).clone(),
    }
}

fn parse_openwork(bytes: &[u8], label: &str) -> Result<Map<String, Value>> {
    if bytes.trim_ascii().is_empty() {
        return Ok(Map::new());
    }
    json_object(bytes).map_err(|e| {
        let message = match e {
            NotAnObject::Syntax(e) => format!("{label} does not parse: {e}"),
            NotAnObject::OtherValue => format!("{label}: the top-level value must be an object"),
        };
        Error::new(Code::InvalidWorkspaceJson, message)
    })
}

/// `GET /workspace/:id/config`: the project's own files (what a patch
/// edits and the ETag covers), and what OpenCode makes of every file it
/// reads.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigView {
    /// Shared with the parse cache.
    pub opencode: Arc<Map<String, Value>>,
    pub openwork: Map<String, Value>,
    pub updated_at: Option<u64>,
    pub resolved: ResolvedView,
}

/// The config OpenCode resolves for the workspace, and the files it is
/// made of, in OpenCode's order (later files win).
#[derive(Debug, Serialize)]
pub struct ResolvedView {
    pub opencode: resolve::MergedConfig,
    pub files: Vec<ConfigFileInfo>,
}

#[derive(Debug, Serialize)]
pub struct ConfigFileInfo {
    pub file: String,
    pub origin: Origin,
    pub editable: bool,
}

impl ConfigView {
    /// Appends the serialization, written by hand (see
    /// `resolve::MergedConfig::write`).
    pub fn write(&self, out: &mut Vec<u8>) {
        use crate::workspace::formats::json_string::{self, Object};
        let mut view = Object::new(out);
        view.with("opencode", |out| {
            json_string::map(out, self.opencode.iter().map(|(k, v)| (k.as_str(), v)))
        })
        .with("openwork", |out| {
            json_string::map(out, self.openwork.iter().map(|(k, v)| (k.as_str(), v)))
        })
        .u64_or_null("updatedAt", self.updated_at)
        .with("resolved", |out| {
            let mut resolved = Object::new(out);
            resolved
                .with("opencode", |out| self.resolved.opencode.write(out))
                .with("files", |out| {
                    json_string::array(out, &self.resolved.files, 0, |out, f| {
                        let mut file = Object::new(out);
                        file.str("file", &f.file)
                            .str("origin", f.origin.name())
                            .bool("editable", f.editable);
                        file.end();
                    })
                });
            resolved.end();
        });
        view.end();
    }
}

pub fn show(ws: &Workspace) -> Result<ConfigView> {
    let mut resolved = resolve::resolve_apart(ws)?;
    Ok(ConfigView {
        opencode: read_opencode_shared(ws)?,
        openwork: read_openwork(ws)?,
        updated_at: ws.audit_tail(1)?.first().map(|e| e.timestamp),
        resolved: ResolvedView {
            opencode: resolved.merged(),
            files: resolved
                .files
                .into_iter()
                .map(|(place, editable)| ConfigFileInfo {
                    file: place.path.display().to_string(),
                    origin: place.origin,
                    editable,
                })
                .collect(),
        },
    })
}

/// A strong validator over both files' bytes: changes whenever either file
/// does, including edits by hand that leave the parsed value equal.
pub(crate) fn etag(ws: &Workspace) -> Result<String> {
    let mut h = Sha256::new();
    for path in [ws.opencode_config(), ws.openwork_config()] {
        match ws.cached(&path, "sha256", |bytes| Sha256::digest(bytes))? {
            Some(digest) => h.update(*digest),
            None => h.update([0u8; 32]),
        }
    }
    let hex: String = h
        .finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("\"{hex}\""))
}

/// The schema every OpenCode config openwork creates names first.
const SCHEMA_URL: &str = "https://opencode.ai/config.json";

/// A new OpenCode config starts from this, so editors get completion, and
/// OpenCode, which adds `$schema` to a file that lacks it, leaves it be.
const NEW_CONFIG: &str = "{\n  \"$schema\": \"https://opencode.ai/config.json\"\n}\n";

/// Edits the OpenCode config inside a draft, creating it when missing.
pub(crate) fn edit_opencode(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    f: impl FnOnce(&jsonc_parser::cst::CstObject) -> Result<()>,
) -> Result<()> {
    edit_config_file(ws, draft, &ws.opencode_config(), f)
}

/// Edits any of the project's OpenCode config files in place (the main
/// one, the other of `opencode.json`/`.jsonc`, `.opencode/opencode.json(c)`),
/// creating it when missing.
pub(crate) fn edit_config_file(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    path: &Path,
    f: impl FnOnce(&jsonc_parser::cst::CstObject) -> Result<()>,
) -> Result<()> {
    write_edit(ws, draft, path, |source, label| {
        jsonc::edit(source, label, f)
    })
}

/// [`edit_config_file`] for an `f` that touches only the property at
/// `scope` (`["plugin"]`, `["mcp", name]`): the edit costs what that
/// property costs, not the file ([`jsonc::edit_property`]).
pub(crate) fn edit_config_property(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    path: &Path,
    scope: &[&str],
    f: impl FnMut(&jsonc_parser::cst::CstObject) -> Result<()>,
) -> Result<()> {
    write_edit(ws, draft, path, |source, label| {
        let before = ws.content_hash(source.as_bytes());
        let known = match scope {
            [_] => ws.kept_for::<jsonc::RootOutline>(path, OUTLINE, before),
            _ => None,
        };
        let edited = jsonc::edit_property_known(source, label, scope, known.as_deref(), f)?;
        // The parse of the edited config is the kept one with the change,
        // and the edit gives its outline: the write's answer, and the next
        // edit, need not read 500 KB again for one property.
        let mut made = Vec::new();
        if let Some(change) = edited.change {
            made.push(io::Made::from_kept(
                PARSE,
                move |kept: Arc<Result<Arc<Map<String, Value>>>>| {
                    let mut parse = Arc::unwrap_or_clone(Arc::unwrap_or_clone(kept).ok()?);
                    change.apply(&mut parse).then(|| Ok(Arc::new(parse)))
                },
            ));
        }
        if let Some(outline) = edited.outline {
            made.push(io::Made::given(OUTLINE, outline));
        }
        if !made.is_empty() && edited.text != source {
            let after = ws.content_hash(edited.text.as_bytes());
            ws.prime(path, before, after, made);
        }
        Ok(edited.text)
    })
}

/// Puts `edit` of a config file's text (or of a new config) in the draft
/// when it changes something.
fn write_edit(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    path: &Path,
    edit: impl FnOnce(&str, &str) -> Result<String>,
) -> Result<()> {
    let label = ws.relative(path);
    let current = draft.text(path, Code::InvalidJsonc)?;
    let source = current.as_deref().unwrap_or(NEW_CONFIG);
    let edited = edit(source, &label)?;
    if current.as_deref() != Some(edited.as_str()) && !(current.is_none() && edited == NEW_CONFIG) {
        draft.set(path, Some(edited.into_bytes()))?;
    }
    Ok(())
}

/// Checks each top-level key a write sets against OpenCode's schema
/// (`opencode::check_key`), skipping those it leaves as they are, so an
/// odd value already in the file never blocks an unrelated write.
fn check_keys(patch: &Map<String, Value>, current: &Map<String, Value>) -> Result<()> {
    for (key, value) in patch {
        let before = current.get(key);
        if before != Some(value) {
            opencode::check_key(key, value, before)?;
        }
    }
    Ok(())
}

/// Sets top-level keys of the OpenCode config (config patch, import merge).
pub(crate) fn set_opencode_keys(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    patch: &Map<String, Value>,
) -> Result<()> {
    validate::config_keys(patch)?;
    let path = ws.opencode_config();
    let label = ws.relative(&path);
    let current = draft.text(&path, Code::InvalidJsonc)?;
    let parsed = match &current {
        Some(text) => jsonc::parse_object(text, &label)?,
        None => Map::new(),
    };
    check_keys(patch, &parsed)?;
    let entries: Vec<(&str, &Value)> = patch.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let edited = jsonc::set_top_level(current.as_deref().unwrap_or(NEW_CONFIG), &label, &entries)?;
    if current.as_deref() != Some(edited.as_str()) && !(current.is_none() && edited == NEW_CONFIG) {
        draft.set(&path, Some(edited.into_bytes()))?;
    }
    Ok(())
}

/// Replaces the OpenCode config with exactly `value` (import `replace`).
pub(crate) fn replace_opencode(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    value: &Map<String, Value>,
) -> Result<()> {
    validate::config_keys(value)?;
    let path = ws.opencode_config();
    let current = draft.text(&path, Code::InvalidJsonc)?;
    let parsed = match &current {
        Some(text) => jsonc::parse_object(text, &ws.relative(&path)).unwrap_or_default(),
        None => Map::new(),
    };
    // `$schema` first, as in every config openwork creates: OpenCode
    // rewrites a file that lacks it each time it reads it.
    let mut wanted = Map::new();
    if !value.contains_key("$schema") {
        wanted.insert("$schema".into(), Value::String(SCHEMA_URL.into()));
    }
    wanted.extend(value.iter().map(|(k, v)| (k.clone(), v.clone())));
    // Same value already there: keep the file, comments and all.
    if current.is_some() && parsed == wanted {
        return Ok(());
    }
    check_keys(value, &parsed)?;
    draft.set(
        &path,
        Some(jsonc::to_pretty(&Value::Object(wanted)).into_bytes()),
    )
}

/// Shallow-merges (or with `replace`, replaces) `.opencode/openwork.json`.
pub(crate) fn write_openwork(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    patch: &Map<String, Value>,
    replace: bool,
) -> Result<()> {
    validate::config_keys(patch)?;
    let path = ws.openwork_config();
    let current = draft.bytes(&path)?.map(<[u8]>::to_vec);
    let mut merged = match &current {
        Some(bytes) if !replace => parse_openwork(bytes, &ws.relative(&path))?,
        _ => Map::new(),
    };
    for (k, v) in patch {
        merged.insert(k.clone(), v.clone());
    }
    if let Some(bytes) = &current
        && parse_openwork(bytes, "").ok().as_ref() == Some(&merged)
    {
        return Ok(());
    }
    draft.set(
        &path,
        Some(jsonc::to_pretty(&Value::Object(merged)).into_bytes()),
    )
}

/// `PATCH /workspace/:id/config`: each top-level key of `opencode` is set,
/// `openwork` is shallow-merged. At least one of the two is required.
pub fn plan_patch(
    ws: &Workspace,
    opencode: Option<&Map<String, Value>>,
    openwork: Option<&Map<String, Value>>,
) -> Result<Plan> {
    if opencode.is_none() && openwork.is_none() {
        return Err(Error::new(
            Code::InvalidPayload,
            "give opencode and/or openwork to patch",
        ));
    }
    let mut draft = Draft::new(ws);
    let mut keys: Vec<String> = Vec::new();
    if let Some(patch) = opencode {
        set_opencode_keys(ws, &mut draft, patch)?;
        keys.extend(patch.keys().take(5).map(|k| format!("opencode.{k}")));
    }
    if let Some(patch) = openwork {
        write_openwork(ws, &mut draft, patch, false)?;
        keys.extend(patch.keys().take(5).map(|k| format!("openwork.{k}")));
    }
    let summary = if keys.is_empty() {
        "Patch config".to_string()
    } else {
        format!("Patch config: {}", keys.join(", "))
    };
    Ok(draft.finish("config.patch", "config", summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::items::plugins;
    use crate::workspace::txn::audit::Actor;

    /// A plugin write leaves the parse and outline of the config it writes
    /// in the cache (made from the kept ones, not parsed), the next write
    /// edits through that outline, and every parse read afterwards is the
    /// file's own.
    #[test]
    fn a_config_write_primes_the_parse_and_outline_of_what_it_writes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let text = "{\n  // kept\n  \"theme\": \"x\",\n  \"plugin\": [\"a\"],\n  \"mcp\": {\"m\": {\"type\": \"local\", \"command\": [\"run\"]}}\n}\n";
        super::super::write_file(root, "opencode.jsonc", text);
        let ws = Workspace::open(root).unwrap().with_global(None);
        let path = ws.opencode_config();
        let outline_of = |bytes: &[u8]| {
            ws.kept_for::<jsonc::RootOutline>(&path, OUTLINE, ws.content_hash(bytes))
        };
        let parsed_as_read = || {
            let shared = read_config_shared(&ws, &path).unwrap().unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let fresh = jsonc::parse_object(std::str::from_utf8(&bytes).unwrap(), "f").unwrap();
            let kept = (*shared)
                .as_ref()
                .map(|m| Value::Object((**m).clone()))
                .unwrap();
            assert_eq!(kept.to_string(), Value::Object(fresh).to_string());
            bytes
        };
        parsed_as_read();
        for spec in ["b", "c"] {
            ws.write(&Actor::cli(), |ws| {
                plugins::plan_add(ws, spec, plugins::OnListed::Keep)
            })
            .unwrap();
            let bytes = parsed_as_read();
            assert!(outline_of(&bytes).is_some(), "after adding {spec}");
        }
        let bytes = std::fs::read(&path).unwrap();
        let whole = jsonc::edit(text, "f", |obj| {
            let Some(jsonc_parser::cst::CstNode::Container(c)) =
                obj.get("plugin").and_then(|p| p.value())
            else {
                panic!("a plugin list");
            };
            let list = c.as_array().unwrap();
            list.append(jsonc_parser::cst::CstInputValue::String("b".into()));
            list.append(jsonc_parser::cst::CstInputValue::String("c".into()));
            Ok(())
        })
        .unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), whole);
    }

    /// The hand-written `/config` answer is serde's serialization of the
    /// view, byte for byte: numbers, escapes, nested values, the merged
    /// lists, the files and the time of the last write (none, then one).
    #[test]
    fn the_written_view_is_the_view_serialized() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| super::super::write_file(root, rel, text);
        write(
            "opencode.jsonc",
            "{\"theme\": \"t\\u00e9\\n\\\"q\\\"\", \"n\": [1, -2, 0.5, 1e300, -0.0, {}, []],
              \"mcp\": {\"m\": {\"type\": \"local\", \"command\": [\"a\u{1}b\"]}},
              \"command\": {\"c\": {\"template\": \"inline \u{2028}\"}}, \"tools\": {\"t\": true, \"f\": null}}",
        );
        write(".opencode/openwork.json", "{\"note\": \"x\\ty\", \"k\": 7}");
        write(
            ".opencode/commands/d.md",
            "---\nagent: y\n---\nD \\ \"e\"\n",
        );
        // A command file merging into the inline `c`: its fields, a flag
        // among them, go into the inline object.
        write(
            ".opencode/commands/c.md",
            "---\nsubtask: true\nmodel: m/1\n---\nfrom the file\n",
        );
        let ws = Workspace::open(root).unwrap().with_global(None);
        let same = || {
            let view = show(&ws).unwrap();
            let mut written = Vec::new();
            view.write(&mut written);
            let serialized = serde_json::to_string(&view).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), serialized);
            // And it is the config a full resolve merges, key order included.
            let whole = resolve::resolve(&ws).unwrap().config;
            let apart = serde_json::to_string(&view.resolved.opencode).unwrap();
            assert_eq!(apart, serde_json::to_string(&whole).unwrap());
            serialized
        };
        assert!(
            same().contains(
                r#""c":{"template":"from the file","model":"m/1","subtask":true},"d":{"agent":"y","template":"D \\ \"e\""}"#
            ),
            "{}",
            same()
        );
        assert!(same().contains("\"updatedAt\":null"));
        ws.write(&Actor::cli(), |ws| {
            plugins::plan_add(ws, "p", plugins::OnListed::Keep)
        })
        .unwrap();
        let after = same();
        assert!(!after.contains("\"updatedAt\":null"), "{after}");
        assert!(after.contains("\"origin\""), "{after}");
    }
}
