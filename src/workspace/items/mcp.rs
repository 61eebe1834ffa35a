//! MCP servers: the `mcp` object of the OpenCode config.

use super::config::{edit_opencode, read_global_opencode, read_opencode};
use super::validate;
use crate::workspace::Workspace;
use crate::workspace::formats::{jsonc, opencode};
use crate::workspace::txn::{Draft, Plan};
use crate::{Code, Error, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use jsonc_parser::cst::CstNode;
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct McpItem {
    pub name: String,
    pub config: Value,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_by_tools: Option<bool>,
}

pub fn list(ws: &Workspace, include_global: bool) -> Result<Vec<McpItem>> {
    let mut items = Vec::new();
    let project = read_opencode(ws)?;
    push_items(&project, "config.project", &mut items);
    if include_global && let Some(global) = read_global_opencode(ws) {
        push_items(&global, "config.global", &mut items);
    }
    Ok(items)
}

fn push_items(config: &Map<String, Value>, source: &str, items: &mut Vec<McpItem>) {
    let Some(servers) = config.get("mcp").and_then(Value::as_object) else {
        return;
    };
    let filter = ToolsFilter::new(config.get("tools"));
    for (name, server) in servers {
        items.push(McpItem {
            name: name.clone(),
            config: server.clone(),
            source: source.to_string(),
            disabled_by_tools: filter.disables(name).then_some(true),
        });
    }
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

/// Adds or replaces the server `name`. The same config again is a no-op.
pub fn plan_add(ws: &Workspace, name: &str, config: &Value) -> Result<Plan> {
    validate::mcp_name(name)?;
    opencode::mcp::check(name, config)?;
    let mut draft = Draft::new(ws);
    edit_opencode(ws, &mut draft, |obj| {
        let servers = match obj.get("mcp") {
            None => obj.object_value_or_set("mcp"),
            Some(prop) => match prop.value() {
                Some(CstNode::Container(c)) => c.as_object().ok_or_else(not_an_object)?,
                _ => return Err(not_an_object()),
            },
        };
        match servers.get(name) {
            Some(existing) if existing.to_serde_value().as_ref() == Some(config) => {}
            Some(existing) => existing.set_value(jsonc::to_input(config)),
            None => {
                servers.append(name, jsonc::to_input(config));
            }
        }
        Ok(())
    })?;
    Ok(draft.finish("mcp.add", name, format!("Add MCP server {name}")))
}

pub fn plan_remove(ws: &Workspace, name: &str) -> Result<Plan> {
    validate::mcp_name(name)?;
    let mut draft = Draft::new(ws);
    if draft.bytes(&ws.opencode_config())?.is_some() {
        edit_opencode(ws, &mut draft, |obj| {
            if let Some(prop) = obj.get("mcp")
                && let Some(CstNode::Container(c)) = prop.value()
                && let Some(servers) = c.as_object()
            {
                jsonc::remove_key(&servers, name);
            }
            Ok(())
        })?;
    }
    Ok(draft.finish("mcp.remove", name, format!("Remove MCP server {name}")))
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
