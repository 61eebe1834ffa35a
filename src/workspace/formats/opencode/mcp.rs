//! An `mcp.<name>` entry: a local server, a remote server, or the override
//! `{"enabled": false}` that switches off a server defined elsewhere (SDK
//! v2 `McpLocalConfig | McpRemoteConfig | {enabled: boolean}`).
//!
//! OpenCode drops keys it does not know without a word — a Claude-style
//! `env` leaves the server with no environment, and a `type` typo next to
//! `enabled` turns a whole server into an override — so openwork refuses
//! them on purpose (`deny_unknown_fields`), with a hint for near misses.

use super::report::{closest, decode};
use super::scalars::{Port, PositiveInt, present, web_url};
use crate::{Code, Error, Result};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

// The types are decoded to be checked; their fields are never read.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Local {
    #[serde(rename = "type")]
    kind: String,
    command: Vec<String>,
    #[serde(default, deserialize_with = "present")]
    cwd: Option<String>,
    #[serde(default, deserialize_with = "present")]
    environment: Option<BTreeMap<String, String>>,
    #[serde(default, deserialize_with = "present")]
    enabled: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    timeout: Option<PositiveInt>,
}

const LOCAL_KEYS: &[&str] = &[
    "type",
    "command",
    "cwd",
    "environment",
    "enabled",
    "timeout",
];

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Remote {
    #[serde(rename = "type")]
    kind: String,
    url: String,
    #[serde(default, deserialize_with = "present")]
    enabled: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    headers: Option<BTreeMap<String, String>>,
    #[serde(default, deserialize_with = "present")]
    oauth: Option<OAuth>,
    #[serde(default, deserialize_with = "present")]
    timeout: Option<PositiveInt>,
}

const REMOTE_KEYS: &[&str] = &["type", "url", "enabled", "headers", "oauth", "timeout"];

/// `oauth`: `false` (no OAuth detection) or `McpOAuthConfig`.
#[derive(Debug)]
struct OAuth;

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct OAuthConfig {
    #[serde(default, deserialize_with = "present")]
    client_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    client_secret: Option<String>,
    #[serde(default, deserialize_with = "present")]
    scope: Option<String>,
    #[serde(default, deserialize_with = "present")]
    callback_port: Option<Port>,
    #[serde(default, deserialize_with = "present")]
    redirect_uri: Option<String>,
}

impl<'de> Deserialize<'de> for OAuth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        if value == Value::Bool(false) {
            return Ok(OAuth);
        }
        if !value.is_object() {
            return Err(serde::de::Error::custom(
                "expected false or an object {clientId?, clientSecret?, scope?, callbackPort?, redirectUri?}",
            ));
        }
        // The inner place is kept in the message ("callbackPort: …").
        decode::<OAuthConfig>(&value, "", |k| {
            closest(
                k,
                &[
                    "clientId",
                    "clientSecret",
                    "scope",
                    "callbackPort",
                    "redirectUri",
                ],
            )
            .map(|c| format!("did you mean {c:?}?"))
        })
        .map(|_| OAuth)
        .map_err(|e| serde::de::Error::custom(e.trim_start_matches(['.', ':', ' '])))
    }
}

/// The override of a server defined elsewhere: `{"enabled": false}`.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Override {
    enabled: bool,
}

/// Checks one server's config as OpenCode 1.18.33 reads it, refusing
/// what it would drop. Beyond OpenCode, a local `command` must name a
/// program (a non-empty array of non-empty strings) and a remote `url`
/// must be an http(s) URL with a host (unless it holds `{env:…}` or
/// `{file:…}`, which OpenCode substitutes first): OpenCode loads any
/// string there and only fails to connect.
pub fn check(name: &str, config: &Value) -> Result<()> {
    let at = format!("mcp.{name}");
    let bad = |message: String| Err(Error::new(Code::InvalidMcpConfig, message));
    let Some(obj) = config.as_object() else {
        return bad(format!(
            "{at}: an MCP server must be an object, not {}",
            kind_of(config)
        ));
    };
    let result = match obj.get("type") {
        None if obj.is_empty() => Err(format!(
            "{at}: an MCP server needs \"type\": \"local\" or \"remote\" (or is {{\"enabled\": false}}, to switch off one defined elsewhere)"
        )),
        None => decode::<Override>(config, &at, override_hint).map(drop),
        Some(Value::String(t)) if t == "local" => decode::<Local>(config, &at, local_hint)
            .and_then(|_| local_command(obj.get("command"), &at)),
        Some(Value::String(t)) if t == "remote" => decode::<Remote>(config, &at, remote_hint)
            .and_then(|_| match obj.get("url").and_then(Value::as_str) {
                Some(url) if url.trim().is_empty() => Err(format!("{at}.url: must not be blank")),
                // OpenCode puts the value in first: only then is it a URL.
                Some(url) if url.contains("{env:") || url.contains("{file:") => Ok(()),
                Some(url) => web_url(url).map(drop).map_err(|reason| {
                    format!(
                        "{at}.url: {reason}; give the whole URL, as https://mcp.example.com/mcp"
                    )
                }),
                None => Ok(()),
            }),
        Some(Value::String(t)) => {
            let hint = closest(t, &["local", "remote"])
                .map(|c| format!("; did you mean {c:?}?"))
                .unwrap_or_default();
            Err(format!(
                "{at}.type: must be \"local\" or \"remote\", not {t:?}{hint}"
            ))
        }
        Some(other) => Err(format!(
            "{at}.type: must be \"local\" or \"remote\", not {}",
            kind_of(other)
        )),
    };
    result.or_else(bad)
}

fn local_command(command: Option<&Value>, at: &str) -> std::result::Result<(), String> {
    let items = command
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if items.is_empty() {
        return Err(format!(
            "{at}.command: give the program and its arguments, as [\"npx\", \"-y\", \"pkg\"]"
        ));
    }
    if items.iter().any(|c| c.as_str().is_some_and(str::is_empty)) {
        return Err(format!("{at}.command: an empty string is not an argument"));
    }
    Ok(())
}

/// JSON's name for the kind of a value, for messages.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Hints shared by both kinds of server.
fn common_hint(key: &str) -> Option<String> {
    match key {
        "disabled" => Some("write \"enabled\": false".into()),
        "env" | "envs" | "environments" | "environment_variables" | "vars" => {
            Some("did you mean \"environment\"?".into())
        }
        "header" => Some("did you mean \"headers\"?".into()),
        _ => None,
    }
}

fn local_hint(key: &str) -> Option<String> {
    match key {
        "url" | "headers" | "header" | "oauth" => Some(format!(
            "{key:?} belongs to a remote server (\"type\": \"remote\")"
        )),
        "args" | "arguments" => {
            Some("put the arguments in \"command\": [\"program\", \"arg\", …]".into())
        }
        _ => common_hint(key)
            .or_else(|| closest(key, LOCAL_KEYS).map(|c| format!("did you mean {c:?}?"))),
    }
}

fn remote_hint(key: &str) -> Option<String> {
    match key {
        "command" | "cwd" | "args" => Some(format!(
            "{key:?} belongs to a local server (\"type\": \"local\")"
        )),
        "environment" | "env" => {
            Some("a remote server has no environment; send values as \"headers\"".into())
        }
        _ => common_hint(key)
            .or_else(|| closest(key, REMOTE_KEYS).map(|c| format!("did you mean {c:?}?"))),
    }
}

fn override_hint(key: &str) -> Option<String> {
    match key {
        "command" | "url" => Some(
            "a server needs \"type\": \"local\" or \"remote\"; without it the entry only switches a server defined elsewhere on or off".into(),
        ),
        _ => common_hint(key).or_else(|| Some(
            "without \"type\" an entry only switches a server defined elsewhere on or off: {\"enabled\": false}".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(config: Value) -> String {
        let e = check("x", &config).unwrap_err();
        assert_eq!(e.code, Code::InvalidMcpConfig);
        e.message
    }

    #[test]
    fn what_opencode_accepts_is_accepted() {
        for ok in [
            json!({"type": "local", "command": ["npx", "-y", "x"]}),
            json!({"type": "local", "command": ["n"], "cwd": "sub", "environment": {"A": "1"},
                   "enabled": false, "timeout": 5000}),
            json!({"type": "local", "command": ["n"], "environment": {"K": "{env:K}"}}),
            json!({"type": "remote", "url": "https://x/mcp", "headers": {"A": "b"}, "oauth": false}),
            json!({"type": "remote", "url": "https://x", "oauth": {"clientId": "c", "callbackPort": 8080}}),
            json!({"enabled": false}),
            json!({"enabled": true}),
        ] {
            assert!(check("x", &ok).is_ok(), "{ok}");
        }
    }

    /// The rows of OpenCode's own refusals (each made OpenCode 1.18.33
    /// exit 1) and of what it drops silently.
    #[test]
    fn what_opencode_refuses_or_drops_is_refused_with_the_field_named() {
        let cases = [
            (
                json!({"type": "local", "command": ["n"], "environment": {"PORT": 8080}}),
                "mcp.x.environment.PORT: invalid type: integer 8080, expected a string",
            ),
            (
                json!({"type": "local", "command": ["n"], "enabled": "false"}),
                "mcp.x.enabled: invalid type: string \"false\", expected a boolean",
            ),
            (
                json!({"type": "local", "command": ["n"], "timeout": -5}),
                "mcp.x.timeout: expected a value greater than 0, got -5",
            ),
            (
                json!({"type": "local", "command": ["n"], "timeout": 1.5}),
                "mcp.x.timeout: expected an integer, got 1.5",
            ),
            (
                json!({"type": "remote", "url": "https://u", "headers": {"X-N": 1}}),
                "mcp.x.headers.X-N: invalid type: integer 1, expected a string",
            ),
            (
                json!({"type": "remote", "url": "https://u", "oauth": {"callbackPort": 70000}}),
                "mcp.x.oauth: callbackPort: expected a value between 1 and 65535, got 70000",
            ),
            (
                json!({"type": "local", "command": "node x"}),
                "mcp.x.command: invalid type: string \"node x\", expected a sequence",
            ),
            (
                json!({"type": "local", "command": ["n"], "env": {"A": "1"}}),
                "mcp.x: \"env\" is not an OpenCode field (OpenCode would ignore it); did you mean \"environment\"?",
            ),
            (
                json!({"type": "local", "command": ["n"], "bogus": 1}),
                "mcp.x: \"bogus\" is not an OpenCode field (OpenCode would ignore it)",
            ),
            (
                json!({"type": "remote", "url": "https://u", "header": {}}),
                "mcp.x: \"header\" is not an OpenCode field (OpenCode would ignore it); did you mean \"headers\"?",
            ),
            (
                json!({"type": "local", "command": ["n"], "disabled": true}),
                "mcp.x: \"disabled\" is not an OpenCode field (OpenCode would ignore it); write \"enabled\": false",
            ),
            (
                json!({"type": "loca", "command": ["n"], "enabled": true}),
                "mcp.x.type: must be \"local\" or \"remote\", not \"loca\"; did you mean \"local\"?",
            ),
            (
                json!({"enabled": null}),
                "mcp.x.enabled: invalid type: null, expected a boolean",
            ),
            (
                json!({"type": "local", "command": ["n"], "cwd": null}),
                "mcp.x.cwd: invalid type: null, expected a string",
            ),
            (
                json!(null),
                "mcp.x: an MCP server must be an object, not null",
            ),
        ];
        for (config, message) in cases {
            assert_eq!(err(config.clone()), message, "{config}");
        }
        assert!(err(json!({})).contains("needs \"type\""));
        assert!(err(json!({"type": "local"})).contains("missing field \"command\""));
        assert!(err(json!({"type": "local", "command": []})).starts_with("mcp.x.command: give"));
        assert!(err(json!({"type": "remote", "url": " "})).starts_with("mcp.x.url"));
        for (url, reason) in [
            ("notaurl", "mcp.x.url: not a URL"),
            (
                "ftp://h/x",
                "mcp.x.url: must be an http:// or https:// URL, not ftp:",
            ),
            ("https://", "mcp.x.url: not a URL"),
            (
                "file:///x",
                "mcp.x.url: must be an http:// or https:// URL, not file:",
            ),
        ] {
            let got = err(json!({"type": "remote", "url": url}));
            assert!(got.starts_with(reason), "{url}: {got}");
        }
        for url in [
            "{env:MCP_URL}",
            "https://{env:HOST}/mcp",
            "http://127.0.0.1:9/x",
        ] {
            assert!(
                check("x", &json!({"type": "remote", "url": url})).is_ok(),
                "{url}"
            );
        }
        assert!(err(json!({"command": ["n"]})).contains("needs \"type\""));
        assert!(err(json!({"enabled": false, "timeout": 5})).contains("\"timeout\" is not"));
    }
}
