//! The top-level keys of an OpenCode config (SDK v2 `Config`), each with
//! its type, for a config patch: a key OpenCode does not know would be
//! dropped, a value of the wrong type stops OpenCode, so both are refused.
//! `agent`, `mode`, `provider`, `permission`, `attachment`, `compaction`,
//! `experimental` and `references` are checked only as objects.
//!
//! `theme`, `keybinds` and `tui` are refused with a hint: OpenCode 1.x
//! reads them from `tui.json`, deletes them from `opencode.json(c)` before
//! reading it, and its TUI rewrites the file to move them out.

use super::mcp::kind_of;
use super::report::{closest, decode};
use super::scalars::{NaturalInt, PositiveInt, literal, present};
use super::{command, mcp, plugin};
use crate::{Code, Error, Result};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

literal!(Notify, "notify");

#[allow(dead_code)] // decoded to be checked, never read
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopLevel {
    #[serde(rename = "$schema", default, deserialize_with = "present")]
    schema: Option<String>,
    #[serde(default, deserialize_with = "present")]
    shell: Option<String>,
    #[serde(rename = "logLevel", default, deserialize_with = "present")]
    log_level: Option<LogLevel>,
    #[serde(default, deserialize_with = "present")]
    server: Option<Server>,
    #[serde(default, deserialize_with = "present")]
    skills: Option<Skills>,
    #[serde(default, deserialize_with = "present")]
    references: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "present")]
    reference: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "present")]
    watcher: Option<Watcher>,
    #[serde(default, deserialize_with = "present")]
    snapshot: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    share: Option<Share>,
    #[serde(default, deserialize_with = "present")]
    autoshare: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    autoupdate: Option<AutoUpdate>,
    #[serde(default, deserialize_with = "present")]
    disabled_providers: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    enabled_providers: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    model: Option<String>,
    #[serde(default, deserialize_with = "present")]
    small_model: Option<String>,
    #[serde(default, deserialize_with = "present")]
    default_agent: Option<String>,
    #[serde(default, deserialize_with = "present")]
    subagent_depth: Option<NaturalInt>,
    #[serde(default, deserialize_with = "present")]
    username: Option<String>,
    #[serde(default, deserialize_with = "present")]
    mode: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "present")]
    agent: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "present")]
    provider: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "present")]
    formatter: Option<BoolOrObject>,
    #[serde(default, deserialize_with = "present")]
    lsp: Option<BoolOrObject>,
    #[serde(default, deserialize_with = "present")]
    instructions: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    layout: Option<Layout>,
    #[serde(default, deserialize_with = "present")]
    permission: Option<Permission>,
    #[serde(default, deserialize_with = "present")]
    tools: Option<BTreeMap<String, bool>>,
    #[serde(default, deserialize_with = "present")]
    attachment: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "present")]
    enterprise: Option<Enterprise>,
    #[serde(default, deserialize_with = "present")]
    tool_output: Option<ToolOutput>,
    #[serde(default, deserialize_with = "present")]
    compaction: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "present")]
    experimental: Option<Map<String, Value>>,
}

/// Every top-level key OpenCode 1.18.33 reads (`mcp`, `plugin` and
/// `command` are checked entry by entry).
pub const KEYS: &[&str] = &[
    "$schema",
    "shell",
    "logLevel",
    "server",
    "command",
    "skills",
    "references",
    "reference",
    "watcher",
    "snapshot",
    "plugin",
    "share",
    "autoshare",
    "autoupdate",
    "disabled_providers",
    "enabled_providers",
    "model",
    "small_model",
    "default_agent",
    "subagent_depth",
    "username",
    "mode",
    "agent",
    "provider",
    "mcp",
    "formatter",
    "lsp",
    "instructions",
    "layout",
    "permission",
    "tools",
    "attachment",
    "enterprise",
    "tool_output",
    "compaction",
    "experimental",
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Share {
    Manual,
    Auto,
    Disabled,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Layout {
    Auto,
    Stretch,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Server {
    #[serde(default, deserialize_with = "present")]
    port: Option<PositiveInt>,
    #[serde(default, deserialize_with = "present")]
    hostname: Option<String>,
    #[serde(default, deserialize_with = "present")]
    mdns: Option<bool>,
    #[serde(rename = "mdnsDomain", default, deserialize_with = "present")]
    mdns_domain: Option<String>,
    #[serde(default, deserialize_with = "present")]
    cors: Option<Vec<String>>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Skills {
    #[serde(default, deserialize_with = "present")]
    paths: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    urls: Option<Vec<String>>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Watcher {
    #[serde(default, deserialize_with = "present")]
    ignore: Option<Vec<String>>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Enterprise {
    #[serde(default, deserialize_with = "present")]
    url: Option<String>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolOutput {
    #[serde(default, deserialize_with = "present")]
    max_lines: Option<PositiveInt>,
    #[serde(default, deserialize_with = "present")]
    max_bytes: Option<PositiveInt>,
}

/// `autoupdate`: `true`, `false` or `"notify"`.
#[derive(Debug)]
struct AutoUpdate;

impl<'de> Deserialize<'de> for AutoUpdate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Bool(_) => Ok(AutoUpdate),
            other => Notify::deserialize(&other)
                .map(|_| AutoUpdate)
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                        "expected true, false or \"notify\", got {other}"
                    ))
                }),
        }
    }
}

/// `formatter`, `lsp`: `true`/`false`, or an object of settings.
#[derive(Debug)]
struct BoolOrObject;

impl<'de> Deserialize<'de> for BoolOrObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Bool(_) | Value::Object(_) => Ok(BoolOrObject),
            other => Err(serde::de::Error::custom(format!(
                "expected a boolean or an object, got {}",
                kind_of(&other)
            ))),
        }
    }
}

/// `permission`: `"ask"`, `"allow"`, `"deny"`, or an object of rules.
#[derive(Debug)]
struct Permission;

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Object(_) => Ok(Permission),
            Value::String(s) if matches!(s.as_str(), "ask" | "allow" | "deny") => Ok(Permission),
            other => Err(serde::de::Error::custom(format!(
                "expected \"ask\", \"allow\", \"deny\" or an object of rules, got {other}"
            ))),
        }
    }
}

/// The keys OpenCode reads from `tui.json`, never from `opencode.json(c)`.
pub const TUI_KEYS: &[&str] = &["theme", "keybinds", "tui"];

/// Checks one top-level key of a patch. `before` is the value the file
/// holds now: of an object of entries (`mcp`, `command`), only the
/// entries that change are checked, so an odd entry already there never
/// blocks an unrelated write.
pub fn check_key(key: &str, value: &Value, before: Option<&Value>) -> Result<()> {
    let payload = |message: String| Err(Error::new(Code::InvalidPayload, message));
    if TUI_KEYS.contains(&key) {
        return payload(format!(
            "{key:?} is not an opencode.json setting: OpenCode 1.x reads it from tui.json (and ignores it here); set it in tui.json"
        ));
    }
    match key {
        "permissions" => payload(
            "\"permissions\" is OpenCode 2's form, which OpenCode 1.x refuses to start with; use \"permission\"".into(),
        ),
        "mcp" => changed_entries(key, value, before, mcp::check),
        "command" => changed_entries(key, value, before, command::check),
        "plugin" => plugin::check_list(value, before),
        _ => {
            let mut one = Map::new();
            one.insert(key.to_string(), value.clone());
            decode::<TopLevel>(&Value::Object(one), "", |k| {
                match k {
                    "plugins" => Some("did you mean \"plugin\"?".to_string()),
                    "mcpServers" | "mcp_servers" | "servers" => {
                        Some("did you mean \"mcp\"?".to_string())
                    }
                    "commands" => Some("did you mean \"command\"?".to_string()),
                    "keybind" | "keymap" => Some(
                        "keybindings live in tui.json (\"keybinds\"), not in opencode.json".into(),
                    ),
                    _ => closest(k, KEYS).map(|c| format!("did you mean {c:?}?")),
                }
            })
            .map(drop)
            .map_err(|m| Error::new(Code::InvalidPayload, m))
        }
    }
}

/// `mcp` and `command`: an object of named entries, each checked when it
/// is new or differs from `before`'s.
fn changed_entries(
    key: &str,
    value: &Value,
    before: Option<&Value>,
    check: fn(&str, &Value) -> Result<()>,
) -> Result<()> {
    let Some(entries) = value.as_object() else {
        return Err(Error::new(
            Code::InvalidPayload,
            format!(
                "{key}: must be an object of named entries, not {}",
                kind_of(value)
            ),
        ));
    };
    let old = before.and_then(Value::as_object);
    for (name, entry) in entries {
        if old.and_then(|o| o.get(name)) != Some(entry) {
            check(name, entry)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(key: &str, value: Value) -> (Code, String) {
        let e = check_key(key, &value, None).unwrap_err();
        (e.code, e.message)
    }

    #[test]
    fn typed_keys() {
        for (key, value) in [
            ("share", json!("disabled")),
            ("autoupdate", json!("notify")),
            ("autoupdate", json!(false)),
            ("username", json!("me")),
            ("$schema", json!("https://opencode.ai/config.json")),
            ("instructions", json!(["AGENTS.md"])),
            ("tools", json!({"bash": false})),
            ("skills", json!({"paths": ["extra"]})),
            ("server", json!({"port": 4096})),
            ("permission", json!("ask")),
            ("permission", json!({"bash": {"*": "ask"}})),
            ("agent", json!({"plan": {"model": "a/b"}})),
            ("lsp", json!(false)),
            ("logLevel", json!("WARN")),
            ("subagent_depth", json!(0)),
            ("mcp", json!({"x": {"enabled": false}})),
            ("command", json!({"r": {"template": "t"}})),
            ("plugin", json!(["a", ["b", {}]])),
        ] {
            assert!(check_key(key, &value, None).is_ok(), "{key}: {value}");
        }
    }

    #[test]
    fn refused_keys_and_values() {
        assert_eq!(
            err("share", json!("never")),
            (Code::InvalidPayload, "share: unknown variant \"never\", expected one of \"manual\", \"auto\", \"disabled\"".into())
        );
        assert_eq!(
            err("$schema", json!(5)).1,
            "$schema: invalid type: integer 5, expected a string"
        );
        assert_eq!(
            err("tools", json!({"bash": "no"})).1,
            "tools.bash: invalid type: string \"no\", expected a boolean"
        );
        assert_eq!(
            err("model", json!(null)).1,
            "model: invalid type: null, expected a string"
        );
        assert_eq!(
            err("autoupdate", json!("yes")).1,
            "autoupdate: expected true, false or \"notify\", got \"yes\""
        );
        assert_eq!(
            err("server", json!({"port": 0})).1,
            "server.port: expected a value greater than 0, got 0"
        );
        assert_eq!(
            err("unknownTop", json!(5)).1,
            "\"unknownTop\" is not an OpenCode field (OpenCode would ignore it)"
        );
        assert!(
            err("plugins", json!(["a"]))
                .1
                .ends_with("did you mean \"plugin\"?")
        );
        assert!(
            err("modle", json!("a"))
                .1
                .ends_with("did you mean \"model\"?")
        );
        for tui in ["theme", "keybinds", "tui"] {
            let (code, message) = err(tui, json!("dark"));
            assert_eq!(code, Code::InvalidPayload);
            assert!(message.contains("tui.json"), "{message}");
        }
        assert!(err("permissions", json!({})).1.contains("\"permission\""));
        assert_eq!(
            err(
                "mcp",
                json!({"x": {"type": "local", "command": ["n"], "env": {}}})
            )
            .0,
            Code::InvalidMcpConfig
        );
        assert_eq!(
            err("command", json!({"r": {"model": "x"}})).0,
            Code::InvalidCommand
        );
        assert_eq!(err("plugin", json!("a")).0, Code::InvalidPluginSpec);
    }

    #[test]
    fn only_changed_entries_are_checked() {
        let before = json!({"odd": {"type": "local", "command": ["n"], "env": {}}});
        let after = json!({"odd": {"type": "local", "command": ["n"], "env": {}}, "new": {"enabled": false}});
        assert!(check_key("mcp", &after, Some(&before)).is_ok());
        let changed = json!({"odd": {"type": "local", "command": ["m"], "env": {}}});
        assert!(check_key("mcp", &changed, Some(&before)).is_err());
    }
}
