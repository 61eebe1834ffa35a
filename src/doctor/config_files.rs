//! Every OpenCode config file OpenCode reads for the workspace (the
//! user's, each folder's from the worktree down, each `.opencode`'s, the
//! administrator's) and openwork's own `.opencode/openwork.json`: does it
//! read, does it parse (line and column), and does each top-level key
//! hold what OpenCode's schema ([`crate::workspace::opencode`]) allows.

use super::{Finding, Severity};
use crate::Code;
use crate::workspace::Workspace;
use crate::workspace::items::config::{read_config_file, read_openwork};
use crate::workspace::items::layers::Layers;
use crate::workspace::opencode;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The config files of the layers, in OpenCode's reading order.
fn places(layers: &Layers) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = layers.config_files().into_iter().map(|p| p.path).collect();
    for dir in layers.config_dirs().into_iter().filter(|d| d.has_config) {
        for name in ["opencode.json", "opencode.jsonc"] {
            out.push(dir.place.path.join(name));
        }
    }
    out.extend(layers.managed_files().into_iter().map(|p| p.path));
    out
}

pub(super) fn check(ws: &Workspace, layers: &Layers, found: &mut Vec<Finding>) {
    for path in places(layers) {
        match read_config_file(ws, &path) {
            Ok(None) => {}
            Ok(Some(config)) => {
                for (key, value) in &config {
                    if let Err(e) = opencode::check_key(key, value, None) {
                        found.push(schema(&path, &e.message));
                    }
                }
            }
            Err(e) if e.code == Code::InvalidJsonc => found.push(parse(&path, &e)),
            Err(e) => found.push(unreadable(&path, e.local_message())),
        }
    }
    let own = ws.openwork_config();
    match read_openwork(ws) {
        Ok(_) => {}
        Err(e) if e.code == Code::InvalidWorkspaceJson => found.push(Finding::new(
            "config-parse",
            Severity::Error,
            Some(&own),
            e.message,
            "openwork's commands and its server stop at this file: fix its JSON, or remove it",
        )),
        Err(e) => found.push(unreadable(&own, e.local_message())),
    }
}

/// `config-parse`, at the line and column the parser gives.
fn parse(path: &Path, e: &crate::Error) -> Finding {
    let at = |key: &str| {
        e.details
            .as_ref()
            .and_then(|d| d.get(0))
            .and_then(|d| d.get(key))
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    Finding::new(
        "config-parse",
        Severity::Error,
        Some(path),
        e.message.clone(),
        "OpenCode refuses to start while a config file does not parse: fix it there",
    )
    .at(at("line"), at("column"))
}

/// `config-schema` (OpenCode refuses the value and does not start) or
/// `config-ignored` (OpenCode drops the key without a word).
fn schema(path: &Path, message: &str) -> Finding {
    if ignored(message) {
        Finding::new(
            "config-ignored",
            Severity::Warning,
            Some(path),
            message,
            "OpenCode ignores this key: correct its name or remove it",
        )
    } else {
        Finding::new(
            "config-schema",
            Severity::Error,
            Some(path),
            message,
            "OpenCode refuses to start with this value (\"Configuration is invalid\"): correct it or remove it",
        )
    }
}

/// Whether the schema's reason is a key OpenCode drops rather than one it
/// refuses (the words of `formats/opencode/report.rs` and `config.rs`).
fn ignored(message: &str) -> bool {
    message.contains("OpenCode would ignore it") || message.contains("ignores it here")
}

/// `unreadable`: a file OpenCode reads that cannot be read.
pub(super) fn unreadable(path: &Path, why: &str) -> Finding {
    Finding::new(
        "unreadable",
        Severity::Error,
        Some(path),
        format!("cannot be read: {why}"),
        "give your user read access to it (chmod u+r), or remove it",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dropped_keys_are_warnings_and_bad_values_errors() {
        let message =
            |key: &str, value: Value| opencode::check_key(key, &value, None).unwrap_err().message;
        let path = Path::new("/w/opencode.json");
        let f = schema(path, &message("bogusTop", json!(1)));
        assert_eq!((f.code, f.severity), ("config-ignored", Severity::Warning));
        let f = schema(path, &message("theme", json!("dark")));
        assert_eq!((f.code, f.severity), ("config-ignored", Severity::Warning));
        let f = schema(path, &message("share", json!("never")));
        assert_eq!((f.code, f.severity), ("config-schema", Severity::Error));
        let f = schema(
            path,
            &message(
                "mcp",
                json!({"x": {"type": "local", "command": ["n"], "env": {}}}),
            ),
        );
        assert_eq!((f.code, f.severity), ("config-ignored", Severity::Warning));
        assert!(f.message.contains("mcp.x"), "{}", f.message);
    }
}
