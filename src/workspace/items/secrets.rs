//! What a remote client sees of the user-wide (global) configuration
//! without the host's token (docs/api.md#secrets): that config holds the
//! user's bearer tokens and passwords, so listings that include it hide
//! their secret values as `"***"`, keeping every key and the shape. The
//! workspace's own config is left whole: a client can write it anyway.
//! The one place that knows which values are secret.

use super::mcp::McpItem;
use super::plugins::PluginList;
use serde_json::Value;

/// The mark that stands for a secret value.
pub const REDACTED: &str = "***";

/// Hides the secrets of every global MCP server (`config.global`): see
/// [`redact_mcp_config`].
pub fn redact_mcp(items: &mut [McpItem]) {
    for item in items.iter_mut().filter(|i| i.source == "config.global") {
        redact_mcp_config(&mut item.config);
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
pub fn redact_mcp_config(config: &mut Value) {
    let Some(obj) = config.as_object_mut() else {
        return;
    };
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
        redact_mcp_config(&mut c);
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
        redact_mcp_config(&mut odd);
        assert_eq!(odd, json!({"headers": "x", "oauth": false, "url": 3}));
    }
}
