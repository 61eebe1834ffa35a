//! A command: an inline `command.<name>` entry, or the frontmatter of a
//! command file plus its body as `template` (SDK v2: `{template;
//! description?; agent?; model?; variant?; subtask?}`). OpenCode refuses
//! `null` and a wrong type in any of them — a bad field in any command
//! file on the path stops OpenCode from starting at all — and needs
//! `template`.

use super::mcp::kind_of;
use super::report::{closest, decode};
use super::scalars::present;
use crate::{Code, Error, Result};
use serde::Deserialize;
use serde_json::Value;

#[allow(dead_code)] // decoded to be checked, never read
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Command {
    template: String,
    #[serde(default, deserialize_with = "present")]
    description: Option<String>,
    #[serde(default, deserialize_with = "present")]
    agent: Option<String>,
    #[serde(default, deserialize_with = "present")]
    model: Option<String>,
    #[serde(default, deserialize_with = "present")]
    variant: Option<String>,
    #[serde(default, deserialize_with = "present")]
    subtask: Option<bool>,
}

/// The fields of a command, in the order openwork writes them.
pub const FIELDS: &[&str] = &[
    "template",
    "description",
    "agent",
    "model",
    "variant",
    "subtask",
];

/// Checks an inline command entry (`command.<name>`).
pub fn check(name: &str, entry: &Value) -> Result<()> {
    let at = format!("command.{name}");
    if !entry.is_object() {
        return Err(Error::new(
            Code::InvalidCommand,
            format!(
                "{at}: a command must be an object {{template, …}}, not {}",
                kind_of(entry)
            ),
        ));
    }
    decode::<Command>(entry, &at, |key| match key {
        "name" => Some("the key under \"command\" is the name".into()),
        "prompt" | "body" | "text" => Some("did you mean \"template\"?".into()),
        _ => closest(key, FIELDS).map(|c| format!("did you mean {c:?}?")),
    })
    .map(drop)
    .map_err(|message| Error::new(Code::InvalidCommand, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inline_commands() {
        assert!(check("r", &json!({"template": "Review"})).is_ok());
        assert!(
            check(
                "r",
                &json!({"template": "t", "model": "a/b", "subtask": true, "variant": "high"})
            )
            .is_ok()
        );
        for (bad, message) in [
            (
                json!({"template": "t", "model": null}),
                "command.r.model: invalid type: null, expected a string",
            ),
            (
                json!({"description": "d"}),
                "command.r: missing field \"template\"",
            ),
            (
                json!({"template": "t", "subtask": "false"}),
                "command.r.subtask: invalid type: string \"false\", expected a boolean",
            ),
            (
                json!({"template": "t", "modle": "x"}),
                "command.r: \"modle\" is not an OpenCode field (OpenCode would ignore it); did you mean \"model\"?",
            ),
            (
                json!("Review"),
                "command.r: a command must be an object {template, …}, not a string",
            ),
        ] {
            let e = check("r", &bad).unwrap_err();
            assert_eq!(
                (e.code, e.message.as_str()),
                (Code::InvalidCommand, message)
            );
        }
    }
}
