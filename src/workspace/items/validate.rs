//! The naming and payload rules (docs/api.md#validation,
//! docs/api.md#hostile-input), shared by every writer.

use crate::{Code, Error, Result};
use serde_json::Value;

const SKILL_NAME_MAX: usize = 64;
const COMMAND_NAME_MAX: usize = 128;
const MCP_NAME_MAX: usize = 128;
const PLUGIN_SPEC_MAX: usize = 512;
pub(crate) const DESCRIPTION_MAX: usize = 1024;
/// Config keys (of `PATCH …/config`, of an import), at any depth.
pub const CONFIG_KEY_MAX: usize = 256;

/// A control character (C0, C1, DEL) or one that reorders or hides text
/// (bidirectional overrides, zero-width characters): never in a name, a
/// key, a description, an agent or a model, where the host reads them on
/// one line ([`crate::display::is_hidden`]).
fn has_control(s: &str) -> bool {
    s.chars().any(crate::display::is_hidden)
}

/// A one-line text field a client gave (`what` names it): refused with
/// `code` when it holds a control or hidden character.
pub(crate) fn one_line(what: &str, text: &str, code: Code) -> Result<()> {
    if has_control(text) {
        return Err(Error::new(
            code,
            format!("{what} contains control or invisible characters"),
        ));
    }
    Ok(())
}

/// Every key of a config object, at any depth: at most
/// [`CONFIG_KEY_MAX`] characters, no control or hidden character.
pub(crate) fn config_keys(object: &serde_json::Map<String, Value>) -> Result<()> {
    for (key, value) in object {
        if key.chars().count() > CONFIG_KEY_MAX {
            return Err(Error::new(
                Code::InvalidPayload,
                format!(
                    "config key {} is longer than {CONFIG_KEY_MAX} characters",
                    quote(key)
                ),
            ));
        }
        one_line(
            &format!("config key {}", quote(key)),
            key,
            Code::InvalidPayload,
        )?;
        config_values(value)?;
    }
    Ok(())
}

fn config_values(value: &Value) -> Result<()> {
    match value {
        Value::Object(o) => config_keys(o),
        Value::Array(items) => items.iter().try_for_each(config_values),
        _ => Ok(()),
    }
}

/// A plugin spec, trimmed. Returns the text to store.
pub fn plugin_spec(spec: &str) -> Result<String> {
    let trimmed = spec.trim();
    if trimmed.is_empty() {
        return Err(Error::new(
            Code::InvalidPluginSpec,
            "plugin spec is required",
        ));
    }
    if trimmed.chars().count() > PLUGIN_SPEC_MAX {
        return Err(Error::new(
            Code::InvalidPluginSpec,
            format!("plugin spec is longer than {PLUGIN_SPEC_MAX} characters"),
        ));
    }
    if has_control(trimmed) {
        return Err(Error::new(
            Code::InvalidPluginSpec,
            "plugin spec contains control characters",
        ));
    }
    Ok(trimmed.to_string())
}

/// A plugin spec to add: as [`plugin_spec`], and one of the forms OpenCode
/// installs ([`crate::workspace::opencode::plugin_spec::check`]). Returns
/// the text to store.
pub fn new_plugin_spec(spec: &str) -> Result<String> {
    let spec = plugin_spec(spec)?;
    crate::workspace::opencode::plugin_spec::check(&spec).map_err(|reason| {
        Error::new(
            Code::InvalidPluginSpec,
            format!("invalid plugin spec {}: {reason}", quote(&spec)),
        )
    })?;
    Ok(spec)
}

/// The name two specs are compared by: `@scope/name@1.2` → `@scope/name`,
/// `name@1.2` → `name`; URLs and absolute paths are kept whole.
pub fn plugin_name(spec: &str) -> String {
    let s = spec.trim();
    let whole = ["file:", "http:", "https:", "git:", "git+"];
    if whole.iter().any(|p| s.starts_with(p)) || is_absolute_path(s) {
        return s.to_string();
    }
    if let Some(rest) = s.strip_prefix('@') {
        return match rest.find('@') {
            Some(i) if rest[..i].contains('/') => s[..i + 1].to_string(),
            _ => s.to_string(),
        };
    }
    match s.find('@') {
        Some(i) if i > 0 => s[..i].to_string(),
        _ => s.to_string(),
    }
}

fn is_absolute_path(s: &str) -> bool {
    let b = s.as_bytes();
    s.starts_with('/')
        || s.starts_with('\\')
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && (b[2] == b'\\' || b[2] == b'/'))
}

/// `^[a-z0-9]+(-[a-z0-9]+)*$`, 1–64 characters.
pub fn skill_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= SKILL_NAME_MAX
        && name.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else if name.len() > SKILL_NAME_MAX {
        Err(Error::new(
            Code::InvalidSkillName,
            format!("skill name is longer than {SKILL_NAME_MAX} characters"),
        ))
    } else {
        Err(Error::new(
            Code::InvalidSkillName,
            format!(
                "invalid skill name {}: use lowercase letters, digits and single hyphens (e.g. my-skill)",
                quote(name)
            ),
        ))
    }
}

/// A description a client gives: as [`description`], and one line with no
/// control or hidden character.
pub(crate) fn new_description(text: &str) -> Result<()> {
    description(text)?;
    one_line("description", text, Code::InvalidDescription)
}

/// A skill description: 1–1024 characters, not blank.
pub(crate) fn description(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::new(
            Code::InvalidDescription,
            "description is required",
        ));
    }
    if text.chars().count() > DESCRIPTION_MAX {
        return Err(Error::new(
            Code::InvalidDescription,
            format!("description is longer than {DESCRIPTION_MAX} characters"),
        ));
    }
    Ok(())
}

/// Trims, strips one leading `/`, then one or more `/`-separated
/// segments of `[A-Za-z0-9_-]+` (`git/commit` is the command of
/// `commands/git/commit.md`): no empty segment, no `.` or `..`, no
/// backslash, so no name climbs out of its folder. Returns the clean name.
pub(crate) fn command_name(raw: &str) -> Result<String> {
    let name = command_lookup(raw)?;
    let segment_ok = |seg: &str| {
        !seg.is_empty()
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if !name.split('/').all(segment_ok) {
        return Err(Error::new(
            Code::InvalidCommandName,
            format!(
                "invalid command name {}: use letters, digits, '_' and '-', and '/' between folders (git/commit)",
                quote(&name)
            ),
        ));
    }
    Ok(name)
}

/// The name of an existing command to show or remove: trimmed, one
/// leading `/` dropped, not empty, at most 128 bytes, no control
/// character, backslash, empty segment or `.`/`..` segment. Looser than
/// [`command_name`] because OpenCode takes any name a file's frontmatter
/// gives.
pub(crate) fn command_lookup(raw: &str) -> Result<String> {
    let trimmed = raw.trim();
    let name = trimmed.strip_prefix('/').unwrap_or(trimmed);
    if name.is_empty() {
        return Err(Error::new(
            Code::InvalidCommandName,
            "command name is required",
        ));
    }
    if name.len() > COMMAND_NAME_MAX {
        return Err(Error::new(
            Code::InvalidCommandName,
            format!("command name is longer than {COMMAND_NAME_MAX} characters"),
        ));
    }
    if has_control(name)
        || name.contains('\\')
        || name
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return Err(Error::new(
            Code::InvalidCommandName,
            format!("invalid command name {}", quote(name)),
        ));
    }
    Ok(name.to_string())
}

/// `^[A-Za-z0-9_-]+$`, not starting with `-`.
pub fn mcp_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::new(
            Code::InvalidMcpName,
            "MCP server name is required",
        ));
    }
    if name.len() > MCP_NAME_MAX {
        return Err(Error::new(
            Code::InvalidMcpName,
            format!("MCP server name is longer than {MCP_NAME_MAX} characters"),
        ));
    }
    if name.starts_with('-')
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Error::new(
            Code::InvalidMcpName,
            format!(
                "invalid MCP server name {}: use letters, digits, '_' and '-', not starting with '-'",
                quote(name)
            ),
        ));
    }
    Ok(())
}

/// Quotes a name for a message, escaping anything unprintable so a hostile
/// name cannot break the one-line error.
pub(crate) fn quote(s: &str) -> String {
    let shown: String = if s.chars().count() > 80 {
        s.chars().take(80).collect::<String>() + "…"
    } else {
        s.to_string()
    };
    format!("{shown:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plugin_names_normalise() {
        assert_eq!(plugin_name("@scope/name@1.2"), "@scope/name");
        assert_eq!(plugin_name("@scope/name"), "@scope/name");
        assert_eq!(plugin_name("name@1.2"), "name");
        assert_eq!(plugin_name("  name@latest "), "name");
        assert_eq!(plugin_name("name"), "name");
        assert_eq!(plugin_name("file:///a/b@1.js"), "file:///a/b@1.js");
        assert_eq!(plugin_name("https://x.dev/p@2.js"), "https://x.dev/p@2.js");
        assert_eq!(
            plugin_name("git:github.com/a/b@v1"),
            "git:github.com/a/b@v1"
        );
        assert_eq!(plugin_name("/abs/path@1/p.js"), "/abs/path@1/p.js");
        assert_eq!(plugin_name("@weird"), "@weird");
    }

    #[test]
    fn plugin_specs() {
        assert_eq!(plugin_spec("  x@1 ").unwrap(), "x@1");
        assert_eq!(
            plugin_spec("   ").unwrap_err().code,
            Code::InvalidPluginSpec
        );
        assert_eq!(
            plugin_spec("a\nb").unwrap_err().code,
            Code::InvalidPluginSpec
        );
        assert!(plugin_spec(&"a".repeat(512)).is_ok());
        assert!(plugin_spec(&"a".repeat(513)).is_err());
    }

    #[test]
    fn skill_names() {
        for ok in ["a", "my-skill", "a1-b2-c3", &"a".repeat(64)] {
            assert!(skill_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Bad_Name",
            "-a",
            "a-",
            "a--b",
            "a b",
            "../x",
            "ä",
            &"a".repeat(65),
        ] {
            assert_eq!(
                skill_name(bad).unwrap_err().code,
                Code::InvalidSkillName,
                "{bad}"
            );
        }
    }

    #[test]
    fn command_names() {
        assert_eq!(command_name(" /review ").unwrap(), "review");
        assert_eq!(command_name("Do_it-2").unwrap(), "Do_it-2");
        assert_eq!(command_name("git/commit").unwrap(), "git/commit");
        assert_eq!(command_lookup("/Odd Name").unwrap(), "Odd Name");
        for bad in ["..", "a/../b", "a//b", "a\\b", "x/", "a\nb"] {
            assert!(command_lookup(bad).is_err(), "{bad}");
        }
        for bad in [
            "", "/", "../x", "a/../b", "a.b", "a b", "//x", "a//b", "a/", "/a/b/", "a\\b", "C:/x",
        ] {
            assert_eq!(
                command_name(bad).unwrap_err().code,
                Code::InvalidCommandName,
                "{bad}"
            );
        }
        assert!(command_name(&"a".repeat(128)).is_ok());
        assert!(command_name(&"a".repeat(129)).is_err());
    }

    #[test]
    fn mcp_names() {
        assert!(mcp_name("chrome_devtools-1").is_ok());
        assert!(mcp_name("_x").is_ok());
        for bad in ["", "-x", "a.b", "a/b", "../x", "a b"] {
            assert_eq!(
                mcp_name(bad).unwrap_err().code,
                Code::InvalidMcpName,
                "{bad}"
            );
        }
        assert!(mcp_name(&"a".repeat(129)).is_err());
    }

    #[test]
    fn control_characters_are_refused_where_the_host_reads_one_line() {
        for bad in [
            "a\nb",
            "a\rb",
            "\u{1b}[2J",
            "x\u{9b}",
            "abc\u{202e}",
            "\u{200b}",
        ] {
            assert_eq!(
                new_description(bad).unwrap_err().code,
                Code::InvalidDescription,
                "{bad:?}"
            );
            assert!(plugin_spec(bad).is_err(), "{bad:?}");
            let mut m = serde_json::Map::new();
            m.insert(bad.into(), json!(1));
            assert_eq!(config_keys(&m).unwrap_err().code, Code::InvalidPayload);
            let nested = json!({"ok": [{"deep": {bad: 1}}]});
            assert!(config_keys(nested.as_object().unwrap()).is_err(), "{bad:?}");
        }
        assert!(new_description("Écrit les notes — 日本").is_ok());
        let long = "k".repeat(CONFIG_KEY_MAX + 1);
        let m = json!({ long: 1 });
        assert!(config_keys(m.as_object().unwrap()).is_err());
        let m = json!({ "k".repeat(CONFIG_KEY_MAX): {"value": "a\nb"} });
        assert!(
            config_keys(m.as_object().unwrap()).is_ok(),
            "values may hold newlines"
        );
    }

    #[test]
    fn descriptions() {
        assert!(description("x").is_ok());
        assert!(description(" ").is_err());
        assert!(description(&"d".repeat(1024)).is_ok());
        assert!(description(&"d".repeat(1025)).is_err());
    }
}
