//! openwork's `--json` views against OpenCode's own: `debug config` (the
//! keys openwork owns), `debug skill` and `mcp list`. Each function
//! returns the differences, one line each, empty when the views agree.
//!
//! What OpenCode does to its output is done to openwork's view first:
//! `{env:VAR}` substituted (openwork keeps and lists it as written), and
//! `debug config`'s redaction of headers and secret-looking values.

use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The top-level keys openwork writes or lists, compared when openwork's
/// resolved config has them (OpenCode adds defaults of its own, such as
/// `username`, that no file holds).
const OWNED: &[&str] = &[
    "$schema",
    "mcp",
    "plugin",
    "command",
    "skills",
    "instructions",
    "share",
    "model",
    "small_model",
    "default_agent",
    "username",
    "autoupdate",
    "snapshot",
    "disabled_providers",
    "enabled_providers",
    "logLevel",
    "layout",
];

/// `{env:NAME}` replaced by the variable's value in `env`, or nothing, in
/// every string (as OpenCode does to a config file's text).
pub fn substitute(value: &Value, env: &[(String, String)]) -> Value {
    match value {
        Value::String(s) => {
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(at) = rest.find("{env:") {
                let Some(end) = rest[at..].find('}') else {
                    break;
                };
                out.push_str(&rest[..at]);
                let name = &rest[at + 5..at + end];
                if let Some((_, v)) = env.iter().find(|(k, _)| k == name) {
                    out.push_str(v);
                }
                rest = &rest[at + end + 1..];
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, env)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute(v, env)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// OpenCode's `/(?:api.?key|secret|password|token$|authorization$|cookie$|credential|private.?key)/i`.
fn secret_key(key: &str) -> bool {
    let k = key.to_lowercase();
    // `a`, at most one character, then `b`.
    let near = |a: &str, b: &str| {
        k.match_indices(a).any(|(i, _)| {
            let rest = &k[i + a.len()..];
            rest.starts_with(b)
                || rest
                    .char_indices()
                    .nth(1)
                    .is_some_and(|(j, _)| rest[j..].starts_with(b))
        })
    };
    near("api", "key")
        || near("private", "key")
        || ["secret", "password", "credential"]
            .iter()
            .any(|w| k.contains(w))
        || ["token", "authorization", "cookie"]
            .iter()
            .any(|w| k.ends_with(w))
}

/// A URL `debug config` hides: with a user or password, or a query key
/// that looks secret.
fn secret_url(s: &str) -> bool {
    let Some(rest) = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return true;
    }
    rest.split_once('?').is_some_and(|(_, q)| {
        q.split('#')
            .next()
            .unwrap_or("")
            .split('&')
            .any(|pair| secret_key(pair.split('=').next().unwrap_or("")))
    })
}

/// `debug config`'s redaction.
pub fn redact(value: &Value) -> Value {
    fn walk(v: &Value, key: &str, under_headers: bool) -> Value {
        match v {
            Value::String(s) if under_headers || secret_key(key) || secret_url(s) => {
                Value::String("***".into())
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|i| walk(i, key, under_headers)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), walk(v, k, under_headers || k == "headers")))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    walk(value, "", false)
}

/// OpenCode loads the plugin files of one folder in no fixed order (two
/// runs on the same tree differ), where openwork lists them by path: each
/// run of plugin files of one config directory is compared as a set.
fn plugin_order(list: &[Value]) -> Vec<Value> {
    let dir_of = |v: &Value| -> Option<String> {
        let path = v.as_str()?.strip_prefix("file://")?;
        let (folder, _) = path.rsplit_once('/')?;
        let (dir, sub) = folder.rsplit_once('/')?;
        matches!(sub, "plugin" | "plugins").then(|| dir.to_string())
    };
    let mut out: Vec<Value> = Vec::with_capacity(list.len());
    let mut i = 0;
    while i < list.len() {
        let key = dir_of(&list[i]);
        let mut j = i + 1;
        while key.is_some() && j < list.len() && dir_of(&list[j]) == key {
            j += 1;
        }
        let mut run = list[i..j].to_vec();
        run.sort_by_key(|v| v.to_string());
        out.extend(run);
        i = j;
    }
    out
}

/// openwork's value as OpenCode prints it.
pub fn as_opencode(value: &Value, env: &[(String, String)]) -> Value {
    redact(&substitute(value, env))
}

/// The resolved config (`config show --json`'s `resolved.opencode`)
/// against `debug config`, on the keys openwork owns.
pub fn config(ours: &Value, theirs: &Value, env: &[(String, String)]) -> Vec<String> {
    let mut diffs = Vec::new();
    let Some(ours) = ours.as_object() else {
        return vec![format!(
            "openwork's resolved config is not an object: {ours}"
        )];
    };
    for key in OWNED {
        let Some(mine) = ours.get(*key) else { continue };
        let mut mine = as_opencode(mine, env);
        let mut theirs = theirs.get(*key).cloned().unwrap_or(Value::Null);
        if *key == "plugin"
            && let (Value::Array(a), Value::Array(b)) = (&mine, &theirs)
        {
            (mine, theirs) = (Value::Array(plugin_order(a)), Value::Array(plugin_order(b)));
        }
        if mine != theirs {
            diffs.push(format!(
                "config key {key:?}: openwork resolves {mine}, OpenCode {theirs}"
            ));
        }
    }
    // What OpenCode merges under these keys, openwork lists too.
    for key in ["mcp", "command"] {
        let names = |v: Option<&Value>| -> BTreeSet<String> {
            v.and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (a, b) = (names(ours.get(key)), names(theirs.get(key)));
        if a != b {
            diffs.push(format!("{key} names: openwork {a:?}, OpenCode {b:?}"));
        }
    }
    if !ours.contains_key("plugin") && theirs["plugin"].as_array().is_some_and(|p| !p.is_empty()) {
        diffs.push(format!(
            "OpenCode loads plugins openwork does not: {}",
            theirs["plugin"]
        ));
    }
    diffs
}

/// The listings (`plugins`, `mcp`, `commands` with `--global`) against
/// `debug config`.
pub fn listings(
    plugins: &Value,
    mcp: &Value,
    commands: &Value,
    theirs: &Value,
    env: &[(String, String)],
) -> Vec<String> {
    let mut diffs = Vec::new();
    let items = |v: &Value| v["items"].as_array().cloned().unwrap_or_default();
    // Plugins: the same entries in the same order.
    let listed: Vec<Value> = items(plugins)
        .iter()
        .map(|p| {
            let spec = p.get("url").unwrap_or(&p["spec"]).clone();
            match p.get("options") {
                Some(o) => json!([spec, o]),
                None => spec,
            }
        })
        .collect();
    let loaded = plugin_order(&theirs["plugin"].as_array().cloned().unwrap_or_default());
    let listed = plugin_order(&listed);
    if listed != loaded {
        diffs.push(format!(
            "plugins: openwork lists {}, OpenCode loads {}",
            Value::Array(listed),
            Value::Array(loaded)
        ));
    }
    // MCP servers: the same names with the same merged configs.
    let servers = theirs["mcp"].as_object().cloned().unwrap_or_default();
    let listed: BTreeMap<String, Value> = items(mcp)
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap_or("").to_string(),
                as_opencode(&m["config"], env),
            )
        })
        .collect();
    let loaded: BTreeMap<String, Value> = servers.into_iter().collect();
    if listed != loaded {
        diffs.push(format!(
            "mcp: openwork lists {}, OpenCode resolves {}",
            json!(listed),
            json!(loaded)
        ));
    }
    // Commands: the same names with the same fields.
    let listed: BTreeMap<String, Value> = items(commands)
        .iter()
        .map(|c| {
            let mut fields = Map::new();
            for key in [
                "template",
                "description",
                "agent",
                "model",
                "variant",
                "subtask",
            ] {
                if let Some(v) = c.get(key).filter(|v| !v.is_null()) {
                    fields.insert(key.to_string(), v.clone());
                }
            }
            (
                c["name"].as_str().unwrap_or("").to_string(),
                Value::Object(fields),
            )
        })
        .collect();
    let loaded: BTreeMap<String, Value> = theirs["command"]
        .as_object()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .collect();
    if listed != loaded {
        diffs.push(format!(
            "commands: openwork lists {}, OpenCode resolves {}",
            json!(listed),
            json!(loaded)
        ));
    }
    diffs
}

/// `skills list --global` against `debug skill` (its built-in
/// `customize-opencode` aside). Where two files give one name OpenCode
/// picks one at random: its pick must be one of openwork's.
pub fn skills(ours: &Value, theirs: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    let theirs: BTreeMap<String, &Value> = theirs
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["location"] != "<built-in>")
        .map(|s| (s["name"].as_str().unwrap_or("").to_string(), s))
        .collect();
    let ours: BTreeMap<String, &Value> = ours["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| (s["name"].as_str().unwrap_or("").to_string(), s))
        .collect();
    let (a, b): (BTreeSet<&String>, BTreeSet<&String>) =
        (ours.keys().collect(), theirs.keys().collect());
    if a != b {
        diffs.push(format!("skill names: openwork {a:?}, OpenCode {b:?}"));
    }
    for (name, mine) in &ours {
        let Some(their) = theirs.get(name) else {
            continue;
        };
        let mut places = vec![mine["path"].clone()];
        places.extend(mine["duplicates"].as_array().cloned().unwrap_or_default());
        if !places.contains(&their["location"]) {
            diffs.push(format!(
                "skill {name}: openwork lists {}, OpenCode loads {}",
                json!(places),
                their["location"]
            ));
        }
        let description = their["description"].as_str().unwrap_or("");
        if mine["duplicates"].is_null() && mine["description"] != description {
            diffs.push(format!(
                "skill {name}: openwork's description {}, OpenCode's {description:?}",
                mine["description"]
            ));
        }
    }
    diffs
}

/// `opencode mcp list`'s lines: server name → status (`connected`,
/// `disabled`, `failed`, …).
pub fn mcp_statuses(stdout: &str) -> BTreeMap<String, String> {
    super::harness::plain(stdout)
        .lines()
        .filter_map(|l| {
            let rest = l.trim_start().strip_prefix('●')?;
            let mut words = rest.split_whitespace();
            let _symbol = words.next()?;
            let name = words.next()?.to_string();
            Some((name, words.collect::<Vec<_>>().join(" ")))
        })
        .collect()
}

/// The statuses against `mcp list --global`: every server with a type is
/// there, switched off exactly when openwork says so; `connected` lists
/// the servers that must have connected.
pub fn mcp_list(
    ours: &Value,
    statuses: &BTreeMap<String, String>,
    connected: &[&str],
) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut expected = BTreeSet::new();
    for m in ours["items"].as_array().into_iter().flatten() {
        let name = m["name"].as_str().unwrap_or("");
        if m["config"].get("type").is_none() {
            continue;
        }
        expected.insert(name.to_string());
        let off = m["config"]["enabled"] == false;
        match statuses.get(name).map(String::as_str) {
            Some("disabled") if off => {}
            Some(s) if off => {
                diffs.push(format!("mcp list: {name} is {s}, openwork says disabled"))
            }
            Some("disabled") => diffs.push(format!(
                "mcp list: {name} is disabled, openwork says enabled"
            )),
            _ => {}
        }
    }
    let listed: BTreeSet<String> = statuses.keys().cloned().collect();
    if listed != expected {
        diffs.push(format!(
            "mcp list names: OpenCode {listed:?}, openwork {expected:?}"
        ));
    }
    for name in connected {
        if statuses.get(*name).map(String::as_str) != Some("connected") {
            diffs.push(format!(
                "mcp list: {name} is {:?}, not connected",
                statuses.get(*name)
            ));
        }
    }
    diffs
}

#[test]
fn redaction_is_opencodes() {
    let v = json!({"mcp": {"r": {"url": "https://u:p@h/x", "headers": {"A": "b"},
                  "environment": {"MY_API_KEY": "k", "PLAIN": "p", "GH_TOKEN": "t"}},
                  "q": {"url": "http://h/x?token=abc&a=1"}, "ok": {"url": "http://h/x?a=1"}}});
    assert_eq!(
        redact(&v),
        json!({"mcp": {"r": {"url": "***", "headers": {"A": "***"},
               "environment": {"MY_API_KEY": "***", "PLAIN": "p", "GH_TOKEN": "***"}},
               "q": {"url": "***"}, "ok": {"url": "http://h/x?a=1"}}})
    );
    let env = vec![("X".to_string(), "1".to_string())];
    assert_eq!(
        substitute(&json!(["a{env:X}b", "{env:Y}"]), &env),
        json!(["a1b", ""])
    );
    let out = "┌  MCP Servers\n│\n●  \u{1b}[32m✓\u{1b}[0m loc connected\n│      node x\n●  ○ off disabled\n●  ✗ bad failed\n└  3 server(s)\n";
    let s = mcp_statuses(out);
    assert_eq!(s["loc"], "connected");
    assert_eq!(s["off"], "disabled");
    assert_eq!(s["bad"], "failed");
}
