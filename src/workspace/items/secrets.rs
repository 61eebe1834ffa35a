//! What a remote client sees of the user-wide (global) configuration
//! without the host's token (docs/api.md#secrets): that config holds the
//! user's bearer tokens and passwords, so listings that include it hide
//! their secret values as `"***"`, keeping every key and the shape. The
//! workspace's own config is left whole: a client can write it anyway.
//! The one place that knows which values are secret: it also finds the
//! secrets written out in an MCP server's config being added
//! ([`written_secrets`]), for the CLI's warning (docs/cli.md#secrets).

use super::mcp::McpItem;
use super::plugins::PluginList;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;

/// The mark that stands for a secret value.
pub const REDACTED: &str = "***";

/// Hides the secrets of every global MCP server (`config.global`): see
/// [`redact_mcp_config`].
pub fn redact_mcp(items: &mut [McpItem]) {
    for item in items.iter_mut().filter(|i| i.source == "config.global") {
        redact_mcp_config(Arc::make_mut(&mut item.config));
    }
}

/// Hides the credentials and query values of global plugin specs that are
/// URLs (`git+https://user:token@host/…`).
pub fn redact_plugins(list: &mut PluginList) {
    for item in list.items.iter_mut().filter(|i| i.scope == "global") {
        if item.spec.contains("://") {
            item.spec = redact_url(&item.spec);
        }
    }
}

/// Replaces the secret values of one MCP server's config with
/// [`REDACTED`], keeping its shape (every key stays): each value of
/// `headers` and `environment`, each value of `oauth` but `clientId` and
/// `scope`, and in `url` the credentials before `@` and each query value.
pub fn redact_mcp_config(obj: &mut Map<String, Value>) {
    let hide = || Value::String(REDACTED.to_string());
    for key in ["headers", "environment"] {
        if let Some(Value::Object(map)) = obj.get_mut(key) {
            map.values_mut().for_each(|v| *v = hide());
        }
    }
    if let Some(Value::Object(oauth)) = obj.get_mut("oauth") {
        for (k, v) in oauth.iter_mut() {
            if k != "clientId" && k != "scope" {
                *v = hide();
            }
        }
    }
    if let Some(Value::String(url)) = obj.get_mut("url") {
        *url = redact_url(url);
    }
}

/// `https://user:pass@host/p?a=1&b#f` → `https://***@host/p?a=***&b#f`.
fn redact_url(url: &str) -> String {
    let (head, fragment) = match url.split_once('#') {
        Some((h, f)) => (h, Some(f)),
        None => (url, None),
    };
    let (head, query) = match head.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (head, None),
    };
    let mut out = match head.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(end);
            match authority.rsplit_once('@') {
                Some((_, host)) => format!("{scheme}://{REDACTED}@{host}{path}"),
                None => head.to_string(),
            }
        }
        None => head.to_string(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) => format!("{k}={REDACTED}"),
                None => pair.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// A value of an MCP server's config that looks like a secret written out:
/// where it is (`headers.Authorization`, `environment.API_KEY`, `url`,
/// `command.2`), and what to write instead, with OpenCode's `{env:VAR}`.
/// Never the value itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WrittenSecret {
    pub field: String,
    /// What to write there instead (`Bearer {env:DOCS_TOKEN}`).
    pub instead: String,
    /// The variable the suggestion reads (`DOCS_TOKEN`).
    pub variable: String,
}

/// Header names whose value is a credential, whatever it looks like.
const AUTH_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie"];

/// Words that make a header or variable name a secret's
/// (case-insensitive): `API_KEY`, `X-Auth-Token`, `DB_PASSWORD`.
const SECRET_WORDS: &[&str] = &[
    "token",
    "secret",
    "key",
    "password",
    "passwd",
    "credential",
    "auth",
];

/// How known credentials start: OpenAI and Stripe (`sk-`, `sk_`), GitHub
/// (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), Slack
/// (`xox?-`, `xapp-`), GitLab (`glpat-`), AWS (`AKIA`), Google (`AIza`),
/// a JWT (`eyJ`).
const SECRET_PREFIXES: &[&str] = &[
    "sk-",
    "sk_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "xoxa-",
    "xoxb-",
    "xoxp-",
    "xoxr-",
    "xoxs-",
    "xapp-",
    "glpat-",
    "AKIA",
    "AIza",
    "eyJ",
];

/// The values of `config` (one MCP server's, named `name`) that look like
/// secrets written out rather than read from the environment: every value
/// of a header that carries credentials (`Authorization`, `Cookie`, a name
/// with one of `SECRET_WORDS`), every value of an environment variable
/// so named, credentials or such query values in `url`, and anywhere in
/// those or in `command` a value that [`looks_secret`]. A value that holds
/// `{env:…}` or `{file:…}` is never one.
pub fn written_secrets(name: &str, config: &Value) -> Vec<WrittenSecret> {
    let mut found = Vec::new();
    let Some(obj) = config.as_object() else {
        return found;
    };
    let server = variable_name(name);
    let strings = |key: &str| -> Vec<(String, String)> {
        obj.get(key)
            .and_then(Value::as_object)
            .map(Map::iter)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect()
    };
    for (header, value) in strings("headers") {
        let lower = header.to_ascii_lowercase();
        let named = AUTH_HEADERS.contains(&lower.as_str()) || secret_word(&lower);
        if secret_value(named, &value) {
            let variable = if lower == "authorization" {
                format!("{server}_TOKEN")
            } else {
                variable_name(&header)
            };
            let scheme = value.split_once(' ').map(|(s, _)| s).filter(|s| {
                ["bearer", "basic", "token"].contains(&s.to_ascii_lowercase().as_str())
            });
            let instead = match scheme {
                Some(s) => format!("{s} {{env:{variable}}}"),
                None => format!("{{env:{variable}}}"),
            };
            found.push(WrittenSecret {
                field: format!("headers.{header}"),
                instead,
                variable,
            });
        }
    }
    for (key, value) in strings("environment") {
        let named = secret_word(&key.to_ascii_lowercase());
        if secret_value(named, &value) {
            let variable = variable_name(&key);
            found.push(WrittenSecret {
                field: format!("environment.{key}"),
                instead: format!("{{env:{variable}}}"),
                variable,
            });
        }
    }
    if let Some(url) = obj.get("url").and_then(Value::as_str)
        && written_out(url)
        && url_has_secret(url)
    {
        let variable = format!("{server}_URL");
        found.push(WrittenSecret {
            field: "url".into(),
            instead: format!("{{env:{variable}}}"),
            variable,
        });
    }
    let words = obj.get("command").and_then(Value::as_array);
    for (i, word) in words.into_iter().flatten().enumerate() {
        if let Some(word) = word.as_str()
            && written_out(word)
            && looks_secret(word.split_once('=').map_or(word, |(_, v)| v))
        {
            let variable = format!("{server}_TOKEN");
            let instead = match word.split_once('=') {
                Some((flag, _)) => format!("{flag}={{env:{variable}}}"),
                None => format!("{{env:{variable}}}"),
            };
            found.push(WrittenSecret {
                field: format!("command.{i}"),
                instead,
                variable,
            });
        }
    }
    found
}

/// A value of a header or a variable (`named` when its name is a
/// secret's) that is a secret written out.
fn secret_value(named: bool, value: &str) -> bool {
    written_out(value) && ((named && !value.trim().is_empty()) || looks_secret(value))
}

/// Not already read by OpenCode from elsewhere (`{env:…}`, `{file:…}`).
fn written_out(value: &str) -> bool {
    !(value.contains("{env:") || value.contains("{file:"))
}

fn secret_word(lower: &str) -> bool {
    SECRET_WORDS.iter().any(|w| lower.contains(w))
}

/// `docs-server` → `DOCS_SERVER`: a name as an environment variable's.
fn variable_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Credentials before the host, or a query value that is secret by its
/// name or its looks.
fn url_has_secret(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    if parsed.password().is_some() {
        return true;
    }
    parsed
        .query_pairs()
        .any(|(k, v)| !v.is_empty() && (secret_word(&k.to_ascii_lowercase()) || looks_secret(&v)))
}

/// A value that looks like a credential whatever its name: one of the
/// `SECRET_PREFIXES` followed by at least 8 more characters, or (after
/// an `Bearer `, `Basic ` or `token ` scheme) one word of at least 24
/// characters mixing letters and digits with at least 3.5 bits of entropy
/// a character, that is no path and no URL.
pub fn looks_secret(value: &str) -> bool {
    let value = value.trim();
    let word = ["Bearer ", "bearer ", "Basic ", "basic ", "token ", "Token "]
        .iter()
        .find_map(|s| value.strip_prefix(s))
        .unwrap_or(value)
        .trim();
    if SECRET_PREFIXES
        .iter()
        .any(|p| word.starts_with(p) && word.len() >= p.len() + 8)
    {
        return true;
    }
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 24
        || chars.iter().any(|c| c.is_whitespace())
        || word.contains("://")
        || word.starts_with(['/', '.', '~'])
        || !chars.iter().any(char::is_ascii_digit)
        || !chars.iter().any(char::is_ascii_alphabetic)
    {
        return false;
    }
    entropy(&chars) >= 3.5
}

/// Shannon entropy in bits per character.
fn entropy(chars: &[char]) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in chars {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = chars.len() as f64;
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_redacted_and_the_shape_kept() {
        let mut c = json!({
            "type": "remote",
            "url": "https://me:pw@api.example/mcp?token=abc&x#top",
            "headers": {"Authorization": "Bearer abc", "X-N": 5},
            "oauth": {"clientId": "id", "clientSecret": "s", "scope": "read", "refreshToken": "r"},
            "environment": {"API_KEY": "k"},
            "enabled": true,
        });
        redact_mcp_config(c.as_object_mut().unwrap());
        assert_eq!(
            c,
            json!({
                "type": "remote",
                "url": "https://***@api.example/mcp?token=***&x#top",
                "headers": {"Authorization": "***", "X-N": "***"},
                "oauth": {"clientId": "id", "clientSecret": "***", "scope": "read", "refreshToken": "***"},
                "environment": {"API_KEY": "***"},
                "enabled": true,
            })
        );
        for (url, shown) in [
            ("https://api.example/mcp", "https://api.example/mcp"),
            ("http://u@h", "http://***@h"),
            ("not a url?k=v", "not a url?k=***"),
        ] {
            assert_eq!(redact_url(url), shown);
        }
        let mut odd = json!({"headers": "x", "oauth": false, "url": 3});
        redact_mcp_config(odd.as_object_mut().unwrap());
        assert_eq!(odd, json!({"headers": "x", "oauth": false, "url": 3}));
    }

    #[test]
    fn secrets_written_out_are_found_and_never_shown() {
        let config = json!({
            "type": "remote",
            "url": "https://me:pw@api.example/mcp?api_key=abc",
            "headers": {
                "Authorization": "Bearer abc123",
                "X-Api-Key": "k",
                "X-Env": "Bearer {env:TOKEN}",
                "Accept": "application/json",
                "X-Trace": "ghp_0123456789abcdefghij",
            },
        });
        let found = written_secrets("docs-server", &config);
        let fields: Vec<&str> = found.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "headers.Authorization",
                "headers.X-Api-Key",
                "headers.X-Trace",
                "url"
            ]
        );
        assert_eq!(found[0].instead, "Bearer {env:DOCS_SERVER_TOKEN}");
        assert_eq!(found[0].variable, "DOCS_SERVER_TOKEN");
        assert_eq!(found[1].instead, "{env:X_API_KEY}");
        assert_eq!(found[3].instead, "{env:DOCS_SERVER_URL}");
        let shown = serde_json::to_string(&found).unwrap();
        for secret in ["abc123", "ghp_0123", "pw@", "abc\""] {
            assert!(!shown.contains(secret), "{shown}");
        }

        let local = json!({
            "type": "local",
            "command": ["npx", "srv", "--key=sk-abcdefghijklmnop", "--port", "8080"],
            "environment": {
                "OPENAI_API_KEY": "x",
                "GITHUB_TOKEN": "{env:GITHUB_TOKEN}",
                "DB_PASSWORD": "",
                "MODE": "production",
                "SEED": "a8Fq2Lx9Zt4Rw7Kp1Vn6Hs3Jd5",
            },
        });
        let found = written_secrets("db", &local);
        let fields: Vec<&str> = found.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "environment.OPENAI_API_KEY",
                "environment.SEED",
                "command.2"
            ]
        );
        assert_eq!(found[2].instead, "--key={env:DB_TOKEN}");
        assert!(written_secrets("x", &json!({"enabled": false})).is_empty());
    }

    #[test]
    fn what_looks_secret() {
        for yes in [
            "sk-proj-abcdefgh12",
            "Bearer ghp_abcdefghijklmnop",
            "xoxb-1234567890-abc",
            "AKIAIOSFODNN7EXAMPLE",
            "eyJhbGciOiJIUzI1NiJ9.e30.abc",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA",
        ] {
            assert!(looks_secret(yes), "{yes}");
        }
        for no in [
            "sk-short",
            "production",
            "/usr/local/lib/node_modules/x/bin/server.js",
            "https://example.com/a/b/c/d/e/f/g/h1",
            "chrome-devtools-mcp@latest",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
            "application/json; charset=utf-8",
        ] {
            assert!(!looks_secret(no), "{no}");
        }
    }
}
