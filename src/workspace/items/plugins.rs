//! Plugins: the `plugin` list of the OpenCode config plus plugin files in
//! `.opencode/plugins` (and the global equivalents when asked).

use super::config::{edit_opencode, read_global_opencode, read_opencode};
use super::validate;
use crate::workspace::formats::jsonc;
use crate::workspace::txn::{Draft, Plan};
use crate::workspace::{Workspace, io};
use crate::{Code, Error, Result};
use jsonc_parser::cst::{CstInputValue, CstNode};
use serde::Serialize;
use serde_json::Value;
use std::path::Path;

const LOAD_ORDER: [&str; 4] = [
    "config.global",
    "config.project",
    "dir.global",
    "dir.project",
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PluginItem {
    pub spec: String,
    pub source: String,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PluginList {
    pub items: Vec<PluginItem>,
    pub load_order: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_json: Option<String>,
}

/// The `plugin` value as a list of specs (a string or an array of strings).
pub fn specs_of(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

pub fn list(ws: &Workspace, include_global: bool) -> Result<PluginList> {
    let mut items = Vec::new();
    let config_item = |spec: String, scope: &str| PluginItem {
        spec,
        source: "config".into(),
        scope: scope.into(),
        path: None,
    };
    if include_global && let Some(global) = read_global_opencode(ws) {
        items.extend(
            specs_of(global.get("plugin"))
                .into_iter()
                .map(|s| config_item(s, "global")),
        );
    }
    let project = read_opencode(ws)?;
    items.extend(
        specs_of(project.get("plugin"))
            .into_iter()
            .map(|s| config_item(s, "project")),
    );
    if include_global && let Some(global) = ws.global() {
        for file in plugin_files(&global.opencode.join("plugins")) {
            items.push(PluginItem {
                spec: format!("file://{}", file.display()),
                source: "dir.global".into(),
                scope: "global".into(),
                path: Some(file.display().to_string()),
            });
        }
    }
    for file in plugin_files(&ws.plugins_dir()) {
        items.push(PluginItem {
            spec: format!("file://{}", file.display()),
            source: "dir.project".into(),
            scope: "project".into(),
            path: Some(ws.relative(&file)),
        });
    }
    let package_json = ws.dot_opencode().join("package.json");
    Ok(PluginList {
        items,
        load_order: LOAD_ORDER.to_vec(),
        package_json: io::is_file(&package_json).then(|| ".opencode/package.json".to_string()),
    })
}

/// `*.js` and `*.ts` files of a folder, sorted by name.
fn plugin_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = io::list(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .into_iter()
        .map(|e| dir.join(e.name))
        .filter(|p| {
            io::is_file(p) && matches!(p.extension().and_then(|e| e.to_str()), Some("js" | "ts"))
        })
        .collect();
    files.sort();
    files
}

fn not_a_list() -> Error {
    Error::new(
        Code::InvalidJsonc,
        "\"plugin\" in the OpenCode config must be a string or an array of strings",
    )
}

/// Adds `spec` to the project's `plugin` list; a no-op when a plugin of the
/// same name is already there.
pub fn plan_add(ws: &Workspace, spec: &str) -> Result<Plan> {
    let spec = validate::plugin_spec(spec)?;
    let name = validate::plugin_name(&spec);
    let mut draft = Draft::new(ws);
    edit_opencode(ws, &mut draft, |obj| {
        let Some(prop) = obj.get("plugin") else {
            obj.append(
                "plugin",
                CstInputValue::Array(vec![CstInputValue::String(spec.clone())]),
            );
            return Ok(());
        };
        match prop.value() {
            Some(CstNode::Container(c)) if c.as_array().is_some() => {
                let array = c.as_array().ok_or_else(not_a_list)?;
                let exists = array
                    .elements()
                    .iter()
                    .filter_map(jsonc::node_string)
                    .any(|s| validate::plugin_name(&s) == name);
                if !exists {
                    array.append(CstInputValue::String(spec.clone()));
                }
                Ok(())
            }
            Some(node) => match jsonc::node_string(&node) {
                Some(existing) if validate::plugin_name(&existing) == name => Ok(()),
                Some(existing) => {
                    prop.set_value(CstInputValue::Array(vec![
                        CstInputValue::String(existing),
                        CstInputValue::String(spec.clone()),
                    ]));
                    Ok(())
                }
                None => Err(not_a_list()),
            },
            None => Err(not_a_list()),
        }
    })?;
    Ok(draft.finish("plugins.add", spec.clone(), format!("Add plugin {spec}")))
}

/// Removes every plugin whose normalised name matches `name`'s.
pub fn plan_remove(ws: &Workspace, name: &str) -> Result<Plan> {
    let spec = validate::plugin_spec(name)?;
    let target = validate::plugin_name(&spec);
    let mut draft = Draft::new(ws);
    if draft.bytes(&ws.opencode_config())?.is_some() {
        edit_opencode(ws, &mut draft, |obj| {
            let Some(prop) = obj.get("plugin") else {
                return Ok(());
            };
            match prop.value() {
                Some(CstNode::Container(c)) if c.as_array().is_some() => {
                    let array = c.as_array().ok_or_else(not_a_list)?;
                    for element in array.elements() {
                        if jsonc::node_string(&element)
                            .is_some_and(|s| validate::plugin_name(&s) == target)
                        {
                            element.remove();
                        }
                    }
                    Ok(())
                }
                Some(node) => match jsonc::node_string(&node) {
                    Some(existing) if validate::plugin_name(&existing) == target => {
                        prop.remove();
                        Ok(())
                    }
                    Some(_) => Ok(()),
                    None => Err(not_a_list()),
                },
                None => Ok(()),
            }
        })?;
    }
    Ok(draft.finish(
        "plugins.remove",
        spec.clone(),
        format!("Remove plugin {spec}"),
    ))
}
