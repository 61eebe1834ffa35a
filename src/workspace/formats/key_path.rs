//! A config key path, as `openwork config get|set|unset` take it
//! (docs/cli.md#config-keys): object keys joined by dots, a key that holds a
//! dot (or a bracket, a quote, a space) written in brackets and double
//! quotes, as in JSON: `mcp.chrome.timeout`, `models["gpt-4.1"]`,
//! `provider.openai.models["gpt-4.1"].name`.
//!
//! ```text
//! path    = key *( "." bare / quoted )
//! key     = bare / quoted
//! bare    = 1*( any character but "." "[" "]" "\"", space or a control )
//! quoted  = "[" JSON-string "]"
//! ```

use crate::{Code, Error, Result};

/// A parsed key path: at least one key, none empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPath {
    keys: Vec<String>,
}

impl KeyPath {
    /// Parses `text` by the grammar above; a bad path is `invalid_payload`
    /// saying where and why.
    pub fn parse(text: &str) -> Result<KeyPath> {
        let bad = |at: usize, why: &str| {
            Error::new(
                Code::InvalidPayload,
                format!(
                    "bad config key {:?} at character {}: {why}",
                    crate::display::line(text),
                    text[..at].chars().count() + 1
                ),
            )
        };
        let mut keys = Vec::new();
        let mut at = 0;
        loop {
            let rest = &text[at..];
            if rest.starts_with('[') {
                let (key, len) = quoted(rest).map_err(|why| bad(at, why))?;
                keys.push(key);
                at += len;
            } else {
                let len = rest
                    .find(|c: char| {
                        matches!(c, '.' | '[' | ']' | '"') || c.is_whitespace() || c.is_control()
                    })
                    .unwrap_or(rest.len());
                if len == 0 {
                    let why = match rest.chars().next() {
                        None if keys.is_empty() => "give a key, such as share or mcp.chrome",
                        None => "a key is missing after the last dot",
                        Some('.') => "a key is missing before this dot",
                        Some(']') => "a ] without its [",
                        Some('"') => "a quoted key goes in brackets: [\"gpt-4.1\"]",
                        Some(_) => "a space or control character: quote the key, as [\"a b\"]",
                    };
                    return Err(bad(at, why));
                }
                if rest[..len].chars().any(crate::display::is_hidden) {
                    return Err(bad(at, "a hidden character: quote the key"));
                }
                keys.push(rest[..len].to_string());
                at += len;
            }
            let rest = &text[at..];
            match rest.chars().next() {
                None => break,
                Some('.') => {
                    at += 1;
                    if text[at..].starts_with('[') {
                        return Err(bad(at, "a quoted key follows its key without a dot"));
                    }
                }
                Some('[') => {}
                Some(']') => return Err(bad(at, "a ] without its [")),
                Some(c) if c.is_whitespace() || c.is_control() => {
                    return Err(bad(
                        at,
                        "a space or control character: quote the key, as [\"a b\"]",
                    ));
                }
                Some(_) => return Err(bad(at, "expected a dot or [ after a key")),
            }
        }
        Ok(KeyPath { keys })
    }

    /// The keys, outermost first.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The top-level key: the setting OpenCode's schema types.
    pub fn top(&self) -> &str {
        &self.keys[0]
    }

    /// The path as people write it: bare keys where they can be,
    /// `["…"]` where not.
    pub fn shown(&self) -> String {
        let mut out = String::new();
        for (i, key) in self.keys.iter().enumerate() {
            let bare = !key.is_empty()
                && !key.chars().any(|c| {
                    matches!(c, '.' | '[' | ']' | '"')
                        || c.is_whitespace()
                        || crate::display::is_hidden(c)
                });
            if bare {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(key);
            } else {
                out.push('[');
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(']');
            }
        }
        out
    }

    /// The path of the first `n` keys.
    pub fn prefix(&self, n: usize) -> KeyPath {
        KeyPath {
            keys: self.keys[..n.clamp(1, self.keys.len())].to_vec(),
        }
    }
}

/// `["…"]` at the start of `text`: the key and how many bytes it took.
fn quoted(text: &str) -> std::result::Result<(String, usize), &'static str> {
    let inner = &text[1..];
    if !inner.starts_with('"') {
        return Err("a key in brackets is quoted: [\"gpt-4.1\"]");
    }
    // The closing quote: the first `"` not escaped by a backslash.
    let bytes = inner.as_bytes();
    let mut i = 1;
    let end = loop {
        match bytes.get(i) {
            None => return Err("the quoted key has no closing quote"),
            Some(b'\\') => i += 2,
            Some(b'"') => break i,
            Some(_) => i += 1,
        }
    };
    let key: String =
        serde_json::from_str(&inner[..=end]).map_err(|_| "the quoted key is not a JSON string")?;
    if !inner[end + 1..].starts_with(']') {
        return Err("the quoted key has no closing ]");
    }
    if key.is_empty() {
        return Err("a key may not be empty");
    }
    Ok((key, 1 + end + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        KeyPath::parse(text).unwrap().keys().to_vec()
    }

    fn error(text: &str) -> String {
        KeyPath::parse(text).unwrap_err().message
    }

    #[test]
    fn dotted_and_quoted_keys() {
        assert_eq!(keys("share"), ["share"]);
        assert_eq!(keys("$schema"), ["$schema"]);
        assert_eq!(keys("mcp.chrome.timeout"), ["mcp", "chrome", "timeout"]);
        assert_eq!(keys(r#"models["gpt-4.1"]"#), ["models", "gpt-4.1"]);
        assert_eq!(
            keys(r#"provider.openai.models["gpt-4.1"].name"#),
            ["provider", "openai", "models", "gpt-4.1", "name"]
        );
        assert_eq!(keys(r#"["a.b"]"#), ["a.b"]);
        assert_eq!(keys(r#"a["b"]["c.d"]"#), ["a", "b", "c.d"]);
        assert_eq!(keys(r#"a["say \"hi\" ]"]"#), ["a", "say \"hi\" ]"]);
        assert_eq!(keys(r#"a["x\u0041"]"#), ["a", "xA"]);
        assert_eq!(keys("agent.plan-2.model"), ["agent", "plan-2", "model"]);
    }

    #[test]
    fn bad_paths_say_where_and_why() {
        assert_eq!(
            error(""),
            "bad config key \"\" at character 1: give a key, such as share or mcp.chrome"
        );
        assert!(error("a..b").ends_with("at character 3: a key is missing before this dot"));
        assert!(error(".a").contains("a key is missing before this dot"));
        assert!(error("a.").ends_with("a key is missing after the last dot"));
        assert!(error("models[gpt-4.1]").contains("a key in brackets is quoted"));
        assert!(error(r#"models["gpt-4.1"#).contains("no closing quote"));
        assert!(error(r#"models["gpt-4.1""#).contains("no closing ]"));
        assert!(error(r#"a[""]"#).contains("may not be empty"));
        assert!(error(r#"a["x"]b"#).contains("expected a dot or ["));
        assert!(error(r#"a.["b"]"#).contains("without a dot"));
        assert!(error("a b").contains("space or control"));
        assert!(error("a]").contains("a ] without its ["));
        assert!(error("\"a\"").contains("goes in brackets"));
        assert!(error("a\u{202e}b").contains("hidden character"));
        assert!(error(r#"a["\x"]"#).contains("not a JSON string"));
        // Control characters in the path are shown, never sent raw.
        assert!(
            error("a\u{1b}[2J").contains("\\u{1b}"),
            "{}",
            error("a\u{1b}[2J")
        );
    }

    #[test]
    fn shown_as_written() {
        for text in [
            "share",
            "mcp.chrome.timeout",
            r#"provider.openai.models["gpt-4.1"].name"#,
            r#"["a.b"].c"#,
        ] {
            assert_eq!(KeyPath::parse(text).unwrap().shown(), text);
        }
        let path = KeyPath::parse("mcp.chrome.timeout").unwrap();
        assert_eq!(path.prefix(2).shown(), "mcp.chrome");
        assert_eq!(path.top(), "mcp");
    }
}
