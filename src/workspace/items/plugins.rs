//! Plugins: what OpenCode loads — the `plugin` lists of every config file
//! it reads and the plugin files of its config directories, one entry per
//! plugin (`resolve`) — and the writes that change the project's
//! lists.

use super::config::edit_config_property;
use super::resolve::{self, Def, Plugin, Provenance, Resolved};
use super::validate;
use crate::workspace::formats::jsonc;
use crate::workspace::formats::opencode::plugin::parts;
use crate::workspace::txn::{Draft, Plan};
use crate::workspace::{Workspace, io};
use crate::{Code, Error, Result};
use jsonc_parser::cst::{CstInputValue, CstNode};
use serde::Serialize;
use serde_json::{Map, Value};

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
    /// The options of a `[spec, {options}]` entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Map<String, Value>>,
    /// The `file://` URL OpenCode loads for a path spec (`./local` → the
    /// folder's `index.js`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The file that lists it (or the plugin file itself).
    #[serde(flatten)]
    pub from: Provenance,
    /// Earlier entries of the same plugin, which OpenCode drops for this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PluginList {
    pub items: Vec<PluginItem>,
    pub load_order: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_json: Option<String>,
}

/// The plugins OpenCode loads, in its order; the user-wide ones only
/// with `include_global`.
pub fn list(ws: &Workspace, include_global: bool) -> Result<PluginList> {
    let resolved = resolve::resolve_plugins(ws)?;
    let items = resolved
        .plugins
        .iter()
        .filter(|p| include_global || !p.def.place.user_wide)
        .map(|p| item(ws, p))
        .collect();
    let package_json = ws.dot_opencode().join("package.json");
    Ok(PluginList {
        items,
        load_order: LOAD_ORDER.to_vec(),
        package_json: io::is_file(&package_json).then(|| ".opencode/package.json".to_string()),
    })
}

fn item(ws: &Workspace, p: &Plugin) -> PluginItem {
    let global = p.def.place.user_wide;
    let scope = if global { "global" } else { "project" };
    let (source, path) = if p.is_file {
        let source = if global { "dir.global" } else { "dir.project" };
        let path = &p.def.place.path;
        let shown = if path.starts_with(ws.root()) {
            ws.relative(path)
        } else {
            path.display().to_string()
        };
        (source, Some(shown))
    } else {
        ("config", None)
    };
    PluginItem {
        spec: p.spec.clone(),
        source: source.into(),
        scope: scope.into(),
        path,
        options: p.options.clone(),
        url: p.url.clone().filter(|u| *u != p.spec),
        from: p.def.provenance(),
        replaces: resolve::files_of(&p.replaced),
    }
}

/// The specs of a `plugin` value (a string or an array of specs and
/// `[spec, {options}]` entries).
pub fn specs_of(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| parts(v).map(|(spec, _)| spec.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

fn not_a_list() -> Error {
    Error::new(
        Code::InvalidJsonc,
        "\"plugin\" in the OpenCode config must be an array of specs",
    )
}

/// The spec of an array element: a string, or the first item of a
/// `[spec, {options}]` entry.
fn element_spec(node: &CstNode) -> Option<String> {
    if let Some(s) = jsonc::node_string(node) {
        return Some(s);
    }
    let value = node.to_serde_value()?;
    parts(&value).map(|(spec, _)| spec.to_string())
}

/// The definitions of the plugin `key` among the resolved ones (the one
/// OpenCode loads and those it replaced).
fn defs_of<'a>(resolved: &'a Resolved, key: &str) -> Vec<&'a Def> {
    resolved
        .plugins
        .iter()
        .filter(|p| p.key == key)
        .flat_map(|p| p.replaced.iter().chain(std::iter::once(&p.def)))
        .collect()
}

/// What adding a plugin that the project already lists does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnListed {
    /// Nothing: the spec configured stays (the HTTP API's de-duplication).
    Keep,
    /// An explicit, different version replaces the one configured, in
    /// place ([`replaces`]); the same spec or the bare name keeps it.
    Upgrade,
}

/// Whether adding `new` replaces `configured`, a spec of the same plugin:
/// only when `new` names a version (a tag, a range) and is not the spec
/// configured. The bare name never does, so a re-run never unpins.
pub fn replaces(configured: &str, new: &str) -> bool {
    new != configured && validate::plugin_name(new) != new
}

/// Adds `spec` to the main config's `plugin` list. When a project file
/// openwork edits already lists the same plugin, in either form, it is a
/// no-op with [`OnListed::Keep`]; with [`OnListed::Upgrade`] a different
/// version replaces the listed one in place (its options kept), unless a
/// file openwork does not edit would still win over it (`409 conflict`).
pub fn plan_add(ws: &Workspace, spec: &str, on_listed: OnListed) -> Result<Plan> {
    let spec = validate::new_plugin_spec(spec)?;
    let resolved = resolve::resolve_plugins(ws)?;
    let key = resolve::plugin_key(&spec, ws.root());
    let mut draft = Draft::new(ws);
    let defs = defs_of(&resolved, &key);
    let listed = defs.iter().any(|d| d.editable && d.inline);
    if listed {
        let configured = resolved.plugins.iter().find(|p| p.key == key);
        if on_listed == OnListed::Upgrade
            && let Some(configured) = configured
            && replaces(&configured.spec, &spec)
        {
            let winner = &configured.def;
            if !(winner.editable && winner.inline) {
                return Err(winner.read_only(
                    ws,
                    &format!("plugin {}", configured.spec),
                    " and would win over the project's",
                ));
            }
            replace_in(ws, &mut draft, &defs, &key, &spec)?;
            return Ok(draft.finish(
                "plugins.add",
                spec.clone(),
                format!("Update plugin {} → {spec}", configured.spec),
            ));
        }
        return Ok(draft.finish("plugins.add", spec.clone(), format!("Add plugin {spec}")));
    }
    edit_config_property(ws, &mut draft, &ws.opencode_config(), &["plugin"], |obj| {
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
                array.append(CstInputValue::String(spec.clone()));
                Ok(())
            }
            // OpenCode refuses a single string: it becomes an array.
            Some(node) => match jsonc::node_string(&node) {
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

/// Puts `spec` in the place of every entry of the plugin `key` in the
/// project files openwork edits among `defs`: a string is replaced, the
/// spec of a `[spec, {options}]` entry too (its options kept).
fn replace_in(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    defs: &[&Def],
    key: &str,
    spec: &str,
) -> Result<()> {
    let mut files: Vec<&std::path::Path> = defs
        .iter()
        .filter(|d| d.editable && d.inline)
        .map(|d| d.place.path.as_path())
        .collect();
    files.dedup();
    for file in files {
        let base = file.parent().unwrap_or(ws.root()).to_path_buf();
        let same = |s: &str| resolve::plugin_key(s, &base) == key;
        let new = || CstInputValue::String(spec.to_string());
        edit_config_property(ws, draft, file, &["plugin"], |obj| {
            let Some(prop) = obj.get("plugin") else {
                return Ok(());
            };
            match prop.value() {
                Some(CstNode::Container(c)) if c.as_array().is_some() => {
                    let array = c.as_array().ok_or_else(not_a_list)?;
                    for element in array.elements() {
                        if !element_spec(&element).is_some_and(|s| same(&s)) {
                            continue;
                        }
                        let lit = match element.as_array() {
                            Some(pair) => pair.elements().first().and_then(CstNode::as_string_lit),
                            None => element.as_string_lit(),
                        };
                        if let Some(lit) = lit {
                            lit.replace_with(new());
                        }
                    }
                    Ok(())
                }
                Some(node) => {
                    if jsonc::node_string(&node).is_some_and(|s| same(&s)) {
                        prop.set_value(CstInputValue::Array(vec![new()]));
                    }
                    Ok(())
                }
                None => Ok(()),
            }
        })?;
    }
    Ok(())
}

/// Removes every entry of the plugin `name` (`@scope/name@1.2` matches
/// `@scope/name`), strings and `[spec, {options}]` alike, from every
/// project file openwork edits. A plugin that some other file (a parent
/// folder's, a user-wide one, a plugin file) would still load is
/// `409 conflict` naming that file, and nothing is removed.
pub fn plan_remove(ws: &Workspace, name: &str) -> Result<Plan> {
    let spec = validate::plugin_spec(name)?;
    let resolved = resolve::resolve_plugins(ws)?;
    let key = resolve::plugin_key(&spec, ws.root());
    let defs = defs_of(&resolved, &key);
    if let Some(kept) = defs.iter().rev().find(|d| !(d.editable && d.inline)) {
        return Err(kept.read_only(
            ws,
            &format!("plugin {spec}"),
            "; remove it there (OpenCode would still load it)",
        ));
    }
    let mut draft = Draft::new(ws);
    let mut files: Vec<&std::path::Path> = defs.iter().map(|d| d.place.path.as_path()).collect();
    files.dedup();
    for file in files {
        let base = file.parent().unwrap_or(ws.root()).to_path_buf();
        let same = |s: &str| resolve::plugin_key(s, &base) == key;
        edit_config_property(ws, &mut draft, file, &["plugin"], |obj| {
            let Some(prop) = obj.get("plugin") else {
                return Ok(());
            };
            match prop.value() {
                Some(CstNode::Container(c)) if c.as_array().is_some() => {
                    let array = c.as_array().ok_or_else(not_a_list)?;
                    for element in array.elements() {
                        if element_spec(&element).is_some_and(|s| same(&s)) {
                            element.remove();
                        }
                    }
                    Ok(())
                }
                Some(node) => {
                    if jsonc::node_string(&node).is_some_and(|s| same(&s)) {
                        prop.remove();
                    }
                    Ok(())
                }
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

#[cfg(test)]
mod tests {
    use super::replaces;

    #[test]
    fn only_an_explicit_different_version_replaces_the_listed_one() {
        for (configured, new) in [
            ("@acme/tools@1.2", "@acme/tools@2"),
            ("@acme/tools", "@acme/tools@2"),
            ("x@1", "x@latest"),
            ("x@1", "x@^1.4"),
            ("x@github:a/b", "x@2"),
        ] {
            assert!(replaces(configured, new), "{configured} → {new}");
        }
        for (configured, new) in [
            ("@acme/tools@1.2", "@acme/tools@1.2"),
            ("@acme/tools@1.2", "@acme/tools"),
            ("x@1", "x"),
            ("x", "x"),
            ("file:///p.js", "file:///p.js"),
            ("https://h/p.tgz", "https://h/p.tgz"),
        ] {
            assert!(!replaces(configured, new), "{configured} → {new}");
        }
    }
}
