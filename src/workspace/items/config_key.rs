//! One setting of the OpenCode config by its key path
//! ([`KeyPath`]: `share`, `mcp.chrome.timeout`, `models["gpt-4.1"]`):
//! `openwork config get|set|unset` (docs/cli.md#config-keys). A set or an
//! unset edits the main OpenCode config in place — comments and every
//! other byte kept, the objects on the way created — and the setting it
//! changes must still be one OpenCode accepts (`opencode::check_key`,
//! which also refuses the TUI's keys) before anything is written.

use super::config::{edit_opencode, read_opencode};
use super::resolve;
use super::validate;
use crate::workspace::Workspace;
use crate::workspace::formats::key_path::KeyPath;
use crate::workspace::formats::{jsonc, opencode};
use crate::workspace::txn::{Draft, Plan};
use crate::{Code, Error, Result};
use serde_json::{Map, Value};

/// The value at `path` of the project's main OpenCode config (of the
/// user-wide one for a handle on it), or `None` when it is not there.
pub fn get(ws: &Workspace, path: &KeyPath) -> Result<Option<Value>> {
    Ok(lookup(&read_opencode(ws)?, path.keys()).cloned())
}

/// The value at `path` of the config OpenCode resolves from every file it
/// reads, or `None` when no file sets it.
pub fn get_resolved(ws: &Workspace, path: &KeyPath) -> Result<Option<Value>> {
    Ok(lookup(&resolve::resolve(ws)?.config, path.keys()).cloned())
}

fn lookup<'a>(config: &'a Map<String, Value>, keys: &[String]) -> Option<&'a Value> {
    let (first, rest) = keys.split_first()?;
    rest.iter()
        .try_fold(config.get(first)?, |value, key| value.as_object()?.get(key))
}

/// `config set KEY VALUE`: the value at `path` becomes `value`. Setting the
/// value already there is a no-op plan.
pub fn plan_set(ws: &Workspace, path: &KeyPath, value: &Value) -> Result<Plan> {
    // Keys anywhere in the path or the value: bounded, no hidden characters.
    validate::config_keys(&nested(path.keys(), value))?;
    let mut draft = Draft::new(ws);
    let current = current(ws, &mut draft)?;
    let before = current.get(path.top());
    let mut after = before.cloned().unwrap_or(Value::Object(Map::new()));
    match path.keys() {
        [_] => after = value.clone(),
        [_, rest @ ..] => put(&mut after, rest, value, path)?,
        [] => {}
    }
    if before != Some(&after) {
        opencode::check_key(path.top(), &after, before)?;
        edit_opencode(ws, &mut draft, |obj| jsonc::set_at(obj, path.keys(), value))?;
    }
    let shown = path.shown();
    Ok(draft.finish("config.set", shown.clone(), format!("Set {shown}")))
}

/// `config unset KEY`: the key at `path` is removed. A key that is not
/// there is a no-op plan (the CLI says so, or with `--if-exists` not).
pub fn plan_unset(ws: &Workspace, path: &KeyPath) -> Result<Plan> {
    let mut draft = Draft::new(ws);
    let current = current(ws, &mut draft)?;
    let shown = path.shown();
    if lookup(&current, path.keys()).is_some() {
        if let [_, rest @ ..] = path.keys()
            && !rest.is_empty()
        {
            // What is left of the setting must still be one OpenCode takes.
            let before = current.get(path.top());
            let mut after = before.cloned().unwrap_or(Value::Null);
            remove(&mut after, rest);
            opencode::check_key(path.top(), &after, before)?;
        }
        edit_opencode(ws, &mut draft, |obj| {
            jsonc::remove_at(obj, path.keys());
            Ok(())
        })?;
    }
    Ok(draft.finish("config.unset", shown.clone(), format!("Unset {shown}")))
}

/// The main config as the draft has it (`{}` when there is none).
fn current(ws: &Workspace, draft: &mut Draft<'_>) -> Result<Map<String, Value>> {
    let file = ws.opencode_config();
    match draft.text(&file, Code::InvalidJsonc)? {
        Some(text) => jsonc::parse_object(&text, &ws.relative(&file)),
        None => Ok(Map::new()),
    }
}

/// `{k1: {k2: … value}}` for the keys of a path.
fn nested(keys: &[String], value: &Value) -> Map<String, Value> {
    let mut inner = value.clone();
    for key in keys.iter().skip(1).rev() {
        let mut map = Map::new();
        map.insert(key.clone(), inner);
        inner = Value::Object(map);
    }
    let mut top = Map::new();
    if let Some(first) = keys.first() {
        top.insert(first.clone(), inner);
    }
    top
}

/// Sets `value` at `keys` below `target`, making the objects missing on
/// the way; a key on the way that holds anything else is refused, naming
/// it (`mcp.chrome is a string, not an object`).
fn put(target: &mut Value, keys: &[String], value: &Value, path: &KeyPath) -> Result<()> {
    let mut at = target;
    let depth = path.keys().len() - keys.len();
    for (i, key) in keys.iter().enumerate() {
        let Value::Object(map) = at else {
            return Err(Error::new(
                Code::InvalidPayload,
                format!(
                    "{} is {}, not an object: set it whole, or unset it first",
                    path.prefix(depth + i).shown(),
                    opencode::mcp::kind_of(at)
                ),
            ));
        };
        if i + 1 == keys.len() {
            map.insert(key.clone(), value.clone());
            return Ok(());
        }
        at = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    Ok(())
}

/// Removes the key at `keys` below `target`, if it is there.
fn remove(target: &mut Value, keys: &[String]) {
    let Some((last, on_the_way)) = keys.split_last() else {
        return;
    };
    let mut at = target;
    for key in on_the_way {
        match at.as_object_mut().and_then(|m| m.get_mut(key)) {
            Some(inner) => at = inner,
            None => return,
        }
    }
    if let Some(map) = at.as_object_mut() {
        map.remove(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path(text: &str) -> KeyPath {
        KeyPath::parse(text).unwrap()
    }

    fn workspace(config: &str) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("opencode.jsonc"), config).unwrap();
        let ws = Workspace::open(dir.path()).unwrap().with_global(None);
        (dir, ws)
    }

    fn after(plan: &Plan) -> String {
        String::from_utf8(plan.edits[0].after.clone().unwrap()).unwrap()
    }

    #[test]
    fn set_creates_the_objects_on_the_way_and_keeps_comments() {
        let (_d, ws) = workspace("{\n  // keep me\n  \"share\": \"auto\",\n}\n");
        let plan = plan_set(&ws, &path("mcp.chrome.enabled"), &json!(false)).unwrap();
        let text = after(&plan);
        assert!(text.contains("// keep me"), "{text}");
        let parsed = jsonc::parse_object(&text, "x").unwrap();
        assert_eq!(parsed["mcp"], json!({"chrome": {"enabled": false}}));
        assert_eq!(plan.summary, "Set mcp.chrome.enabled");
        let plan = plan_set(&ws, &path("share"), &json!("disabled")).unwrap();
        assert!(after(&plan).contains("// keep me\n  \"share\": \"disabled\","));
    }

    #[test]
    fn set_of_a_quoted_key_and_the_same_value_again() {
        let (_d, ws) =
            workspace(r#"{"provider": {"openai": {"models": {"gpt-4.1": {"name": "a"}}}}}"#);
        let key = path(r#"provider.openai.models["gpt-4.1"].name"#);
        let plan = plan_set(&ws, &key, &json!("b")).unwrap();
        assert!(
            after(&plan).contains(r#""gpt-4.1": {"name": "b"}"#),
            "{}",
            after(&plan)
        );
        assert!(plan_set(&ws, &key, &json!("a")).unwrap().is_noop());
    }

    #[test]
    fn set_is_checked_against_the_schema() {
        let (_d, ws) = workspace(r#"{"mcp": {"chrome": {"type": "local", "command": ["x"]}}}"#);
        let e = plan_set(&ws, &path("mcp.chrome.timeout"), &json!("soon")).unwrap_err();
        assert!(e.message.contains("mcp.chrome.timeout"), "{}", e.message);
        let e = plan_set(&ws, &path("share"), &json!("never")).unwrap_err();
        assert_eq!(e.code, Code::InvalidPayload);
        let e = plan_set(&ws, &path("theme"), &json!("dark")).unwrap_err();
        assert!(e.message.contains("tui.json"), "{}", e.message);
        let e = plan_set(&ws, &path("mcp.chrome.command.x"), &json!(1)).unwrap_err();
        assert_eq!(
            e.message,
            "mcp.chrome.command is an array, not an object: set it whole, or unset it first"
        );
    }

    #[test]
    fn unset_removes_only_what_is_there_and_keeps_the_rest_valid() {
        let (_d, ws) = workspace(
            "{\n  \"share\": \"auto\", // why\n  \"mcp\": {\"c\": {\"type\": \"local\", \"command\": [\"x\"], \"timeout\": 5}}\n}\n",
        );
        let plan = plan_unset(&ws, &path("mcp.c.timeout")).unwrap();
        let text = after(&plan);
        assert!(
            !text.contains("timeout") && text.contains("// why"),
            "{text}"
        );
        assert!(plan_unset(&ws, &path("mcp.d")).unwrap().is_noop());
        assert!(plan_unset(&ws, &path("share.x")).unwrap().is_noop());
        let e = plan_unset(&ws, &path("mcp.c.command")).unwrap_err();
        assert_eq!(e.code, Code::InvalidMcpConfig, "{}", e.message);
        assert_eq!(get(&ws, &path("mcp.c.timeout")).unwrap(), Some(json!(5)));
        assert_eq!(get(&ws, &path("mcp.c.nothing")).unwrap(), None);
    }
}
