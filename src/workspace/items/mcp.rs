//! MCP servers: what OpenCode resolves under `mcp` from every config
//! file it reads (`resolve`: entries of the same name merge,
//! later files winning key by key), and the writes that change the
//! project's entries.

use super::config::edit_config_property;
use super::resolve::{self, Named, Provenance};
use super::validate;
use crate::workspace::Workspace;
use crate::workspace::formats::{jsonc, opencode};
use crate::workspace::txn::{Draft, Plan};
use crate::{Code, Error, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use jsonc_parser::cst::{CstInputValue, CstNode, CstObject};
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct McpItem {
    pub name: String,
    /// The config OpenCode uses: every definition of the name merged.
    /// Shared with the resolve: a listing of 2,000 servers copies none of
    /// them (a redacted one is copied then).
    pub config: Arc<Map<String, Value>>,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_by_tools: Option<bool>,
    /// The file whose definition wins; not editable: openwork writes an
    /// override or refuses.
    #[serde(flatten)]
    pub from: Provenance,
    /// Other files that define the name, lowest first: OpenCode merges
    /// their keys under the winning file's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
}

/// The servers OpenCode resolves, in its order; the user-wide ones only
/// with `include_global`.
pub fn list(ws: &Workspace, include_global: bool) -> Result<Vec<McpItem>> {
    let resolved = resolve::resolve_settings(ws)?;
    let filter = ToolsFilter::new(resolved.config.get("tools"));
    Ok(resolved
        .mcp
        .iter()
        .filter(|n| include_global || !n.winner().place.user_wide)
        .map(|n| {
            let winner = n.winner();
            let source = if winner.place.user_wide {
                "config.global"
            } else {
                "config.project"
            };
            McpItem {
                name: n.name.clone(),
                config: Arc::clone(&n.value),
                source: source.into(),
                disabled_by_tools: filter.disables(&n.name).then_some(true),
                from: winner.provenance(),
                merged_from: resolve::files_of(&n.defs[..n.defs.len() - 1]),
            }
        })
        .collect())
}

/// The `tools` setting's globs, compiled once per listing: `tools.deny`
/// globs matched against a server's names, and OpenCode's own form, a
/// `tools` key (a glob over tool names `<server>_<tool>`) set to `false`.
struct ToolsFilter {
    deny: GlobSet,
    off: GlobSet,
}

impl ToolsFilter {
    fn new(tools: Option<&Value>) -> ToolsFilter {
        let mut deny = GlobSetBuilder::new();
        let mut off = GlobSetBuilder::new();
        if let Some(tools) = tools.and_then(Value::as_object) {
            let globs = tools
                .get("deny")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            for g in globs {
                if let Ok(glob) = GlobBuilder::new(g).literal_separator(false).build() {
                    deny.add(glob);
                }
            }
            for (k, v) in tools {
                if k != "deny"
                    && *v == Value::Bool(false)
                    && let Ok(glob) = GlobBuilder::new(k).literal_separator(false).build()
                {
                    off.add(glob);
                }
            }
        }
        ToolsFilter {
            deny: deny.build().unwrap_or_else(|_| GlobSet::empty()),
            off: off.build().unwrap_or_else(|_| GlobSet::empty()),
        }
    }

    fn disables(&self, name: &str) -> bool {
        if !self.deny.is_empty() {
            let candidates = [
                format!("mcp.{name}"),
                format!("mcp.{name}.*"),
                format!("mcp:{name}"),
                format!("mcp:{name}:*"),
                "mcp.*".to_string(),
                "mcp:*".to_string(),
            ];
            if candidates.iter().any(|c| self.deny.is_match(c)) {
                return true;
            }
        }
        !self.off.is_empty() && self.off.is_match(format!("{name}_*"))
    }
}

fn not_an_object() -> Error {
    Error::new(
        Code::InvalidJsonc,
        "\"mcp\" in the OpenCode config must be an object",
    )
}

/// The `mcp` object of a config, made when missing.
fn servers_of(obj: &CstObject) -> Result<CstObject> {
    match obj.get("mcp") {
        None => Ok(obj.object_value_or_set("mcp")),
        Some(prop) => match prop.value() {
            Some(CstNode::Container(c)) => c.as_object().ok_or_else(not_an_object),
            _ => Err(not_an_object()),
        },
    }
}

/// Sets `mcp.<name>` of one config file to `config`.
fn set_in(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    file: &Path,
    name: &str,
    config: &Value,
) -> Result<()> {
    edit_config_property(ws, draft, file, &["mcp", name], |obj| {
        let servers = servers_of(obj)?;
        match servers.get(name) {
            Some(existing) if existing.to_serde_value().as_ref() == Some(config) => {}
            Some(existing) => existing.set_value(jsonc::to_input(config)),
            None => {
                servers.append(name, jsonc::to_input(config));
            }
        }
        Ok(())
    })
}

/// Removes `mcp.<name>` from one config file.
fn remove_in(ws: &Workspace, draft: &mut Draft<'_>, file: &Path, name: &str) -> Result<()> {
    edit_config_property(ws, draft, file, &["mcp", name], |obj| {
        if let Some(prop) = obj.get("mcp")
            && let Some(CstNode::Container(c)) = prop.value()
            && let Some(servers) = c.as_object()
        {
            jsonc::remove_key(&servers, name);
        }
        Ok(())
    })
}

fn find<'a>(list: &'a [Named], name: &str) -> Option<&'a Named> {
    list.iter().find(|n| n.name == name)
}

/// Adds or replaces the server `name`, so that what OpenCode uses is
/// exactly `config`: it is written where the project already defines the
/// name (the winning one of the files openwork edits), else in the main
/// config, and the name's other project definitions are removed. A file
/// openwork does not edit that would win over it is `409 conflict`. The
/// same config again is a no-op.
pub fn plan_add(ws: &Workspace, name: &str, config: &Value) -> Result<Plan> {
    validate::mcp_name(name)?;
    opencode::mcp::check(name, config)?;
    if let Some(obj) = config.as_object() {
        // Every key of the entry, at any depth, is one the host reads on a
        // line of its own: no control characters, bounded length.
        validate::config_keys(obj)?;
    }
    let resolved = resolve::resolve_settings(ws)?;
    let defs = find(&resolved.mcp, name).map_or(&[][..], |n| n.defs.as_slice());
    let target = defs.iter().rev().find(|d| d.editable);
    let (file, rank) = match target {
        Some(d) => (d.place.path.clone(), d.rank),
        None => (ws.opencode_config(), resolved.main_rank),
    };
    if let Some(above) = defs.iter().rev().find(|d| !d.editable && d.rank > rank) {
        return Err(above.read_only(
            ws,
            &format!("MCP server {name}"),
            " and would win over the project's",
        ));
    }
    let mut draft = Draft::new(ws);
    set_in(ws, &mut draft, &file, name, config)?;
    for d in defs.iter().filter(|d| d.editable && d.place.path != file) {
        remove_in(ws, &mut draft, &d.place.path, name)?;
    }
    let verb = super::add_or_update(!defs.is_empty());
    Ok(draft.finish("mcp.add", name, format!("{verb} MCP server {name}")))
}

/// Removes the server `name` from every project file openwork edits. When
/// a file openwork does not edit (a parent folder's, a user-wide one)
/// still defines it, the main config gets OpenCode's override
/// `{"enabled": false}` instead, which switches it off — unless such a
/// file that wins over the main config sets `enabled` itself: then
/// `409 conflict` naming it. Removing a name defined nowhere is a no-op.
pub fn plan_remove(ws: &Workspace, name: &str) -> Result<Plan> {
    validate::mcp_name(name)?;
    let resolved = resolve::resolve_settings(ws)?;
    let defs = find(&resolved.mcp, name).map_or(&[][..], |n| n.defs.as_slice());
    let read_only: Vec<_> = defs.iter().filter(|d| !d.editable).collect();
    let mut draft = Draft::new(ws);
    let main = ws.opencode_config();
    if read_only.is_empty() {
        for d in defs {
            remove_in(ws, &mut draft, &d.place.path, name)?;
        }
        return Ok(draft.finish("mcp.remove", name, format!("Remove MCP server {name}")));
    }
    if let Some(above) = read_only
        .iter()
        .rev()
        .find(|d| d.rank > resolved.main_rank && sets_enabled(&d.place.path, ws, name))
    {
        return Err(above.read_only(
            ws,
            &format!("MCP server {name}"),
            " and sets \"enabled\" there, over the project's config",
        ));
    }
    for d in defs.iter().filter(|d| d.editable && d.place.path != main) {
        remove_in(ws, &mut draft, &d.place.path, name)?;
    }
    let off = serde_json::json!({ "enabled": false });
    set_in(ws, &mut draft, &main, name, &off)?;
    let from = read_only[read_only.len() - 1].file_label(ws);
    Ok(draft.finish(
        "mcp.remove",
        name,
        format!("Disable MCP server {name} (defined in {from})"),
    ))
}

/// Switches the server `name` on or off by its `enabled` key, edited in
/// place (comments kept) where the project defines it — the winning one
/// of the files openwork edits — else with OpenCode's override
/// `{"enabled": …}` in the main config, when only files openwork does not
/// edit define it (switching such a server back on removes that override,
/// when no other file sets `enabled`). A name defined nowhere is `404 not_found`; a file
/// openwork does not edit that sets `enabled` over the one written is
/// `409 conflict` naming it. Already so is a no-op.
pub fn plan_set_enabled(ws: &Workspace, name: &str, enabled: bool) -> Result<Plan> {
    validate::mcp_name(name)?;
    let resolved = resolve::resolve_settings(ws)?;
    let Some(named) = find(&resolved.mcp, name) else {
        return Err(Error::new(
            Code::NotFound,
            format!("MCP server {name} is not configured"),
        ));
    };
    let (action, verb) = if enabled {
        ("mcp.enable", "Enable")
    } else {
        ("mcp.disable", "Disable")
    };
    let mut draft = Draft::new(ws);
    let now = named.value.get("enabled") != Some(&Value::Bool(false));
    if now == enabled {
        return Ok(draft.finish(action, name, format!("{verb} MCP server {name}")));
    }
    let target = named.defs.iter().rev().find(|d| d.editable);
    let (file, rank) = match target {
        Some(d) => (d.place.path.clone(), d.rank),
        None => (ws.opencode_config(), resolved.main_rank),
    };
    if let Some(above) = named
        .defs
        .iter()
        .rev()
        .find(|d| !d.editable && d.rank > rank && sets_enabled(&d.place.path, ws, name))
    {
        return Err(above.read_only(
            ws,
            &format!("MCP server {name}"),
            " and sets \"enabled\" there, over the project's config",
        ));
    }
    // Switching back on a server that only an override of the project's
    // switched off removes the override: the server is as defined again.
    let only_override = target.is_some()
        && entry_in(&file, ws, name).is_some_and(|e| e.get("type").is_none())
        && !named
            .defs
            .iter()
            .any(|d| d.place.path != file && sets_enabled(&d.place.path, ws, name));
    if enabled && only_override {
        remove_in(ws, &mut draft, &file, name)?;
        return Ok(draft.finish(action, name, format!("{verb} MCP server {name}")));
    }
    edit_config_property(ws, &mut draft, &file, &["mcp", name], |obj| {
        let servers = servers_of(obj)?;
        let Some(prop) = servers.get(name) else {
            let entry = serde_json::json!({ "enabled": enabled });
            servers.append(name, jsonc::to_input(&entry));
            return Ok(());
        };
        let entry = match prop.value() {
            Some(CstNode::Container(c)) => c.as_object(),
            _ => None,
        };
        let Some(entry) = entry else {
            return Err(Error::new(
                Code::InvalidJsonc,
                format!("\"mcp.{name}\" in the OpenCode config must be an object"),
            ));
        };
        match entry.get("enabled") {
            Some(key) => key.set_value(CstInputValue::Bool(enabled)),
            None => {
                entry.append("enabled", CstInputValue::Bool(enabled));
            }
        }
        Ok(())
    })?;
    let summary = match target {
        Some(_) => format!("{verb} MCP server {name}"),
        None => {
            let from = named.winner().file_label(ws);
            format!("{verb} MCP server {name} (defined in {from})")
        }
    };
    Ok(draft.finish(action, name, summary))
}

/// Whether the config file at `path` sets `mcp.<name>.enabled`.
fn sets_enabled(path: &Path, ws: &Workspace, name: &str) -> bool {
    entry_in(path, ws, name).is_some_and(|e| e.get("enabled").is_some())
}

/// `mcp.<name>` of the config file at `path`, if it parses and has one.
fn entry_in(path: &Path, ws: &Workspace, name: &str) -> Option<Value> {
    super::config::read_config_file(ws, path)
        .ok()
        .flatten()
        .and_then(|c| c.get("mcp")?.get(name).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Whether the `tools` setting switches this server's tools off.
    fn disabled_by_tools(tools: Option<&Value>, name: &str) -> bool {
        ToolsFilter::new(tools).disables(name)
    }

    #[test]
    fn deny_globs() {
        let t = json!({"deny": ["mcp.chrome"]});
        assert!(disabled_by_tools(Some(&t), "chrome"));
        assert!(!disabled_by_tools(Some(&t), "other"));
        assert!(disabled_by_tools(Some(&json!({"deny": ["mcp.*"]})), "x"));
        assert!(disabled_by_tools(Some(&json!({"deny": ["mcp:x:*"]})), "x"));
        assert!(!disabled_by_tools(Some(&json!({"deny": ["bash"]})), "x"));
        assert!(!disabled_by_tools(None, "x"));
    }

    #[test]
    fn opencode_tools_form() {
        assert!(disabled_by_tools(
            Some(&json!({"chrome*": false})),
            "chrome"
        ));
        assert!(disabled_by_tools(
            Some(&json!({"chrome_*": false})),
            "chrome"
        ));
        assert!(!disabled_by_tools(
            Some(&json!({"chrome_*": true})),
            "chrome"
        ));
        assert!(!disabled_by_tools(
            Some(&json!({"chrome_click": false})),
            "chrome"
        ));
        assert!(!disabled_by_tools(
            Some(&json!({"other*": false})),
            "chrome"
        ));
    }
}
