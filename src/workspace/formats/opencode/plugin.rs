//! A `plugin` entry: a spec (`"name"`, `"name@1.2"`, `"file:///…"`,
//! `"./path"`), or a spec with its options, `["spec", {options}]`
//! (SDK v2: `Array<string | [string, {[key: string]: unknown}]>`). The
//! list itself must be an array: OpenCode refuses a single string.

use super::mcp::kind_of;
use super::plugin_spec;
use crate::{Code, Error, Result};
use serde_json::Value;

/// The spec of an entry, and its options when it is a tuple; `None` for
/// anything OpenCode would refuse.
pub fn parts(entry: &Value) -> Option<(&str, Option<&serde_json::Map<String, Value>>)> {
    match entry {
        Value::String(spec) => Some((spec, None)),
        Value::Array(pair) => match pair.as_slice() {
            [Value::String(spec), Value::Object(options)] => Some((spec, Some(options))),
            _ => None,
        },
        _ => None,
    }
}

/// Checks the whole `plugin` value (for a config patch). `before` is the
/// value the file holds now: a spec it already lists is not checked
/// against [`plugin_spec::check`], so an odd entry already there never
/// blocks an unrelated write; a new one must be a form OpenCode installs.
pub fn check_list(value: &Value, before: Option<&Value>) -> Result<()> {
    let bad = |message: String| Err(Error::new(Code::InvalidPluginSpec, message));
    let Some(items) = value.as_array() else {
        return bad(format!(
            "plugin: must be an array of specs, not {} (OpenCode refuses a single string)",
            kind_of(value)
        ));
    };
    let listed: Vec<&str> = before
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| parts(e).map(|(spec, _)| spec))
        .collect();
    for (i, entry) in items.iter().enumerate() {
        match parts(entry) {
            Some((spec, _)) if spec.trim().is_empty() => {
                return bad(format!("plugin.{i}: the spec is empty"));
            }
            Some((spec, _)) if !listed.contains(&spec) => {
                if let Err(reason) = plugin_spec::check(spec) {
                    return bad(format!(
                        "plugin.{i}: invalid plugin spec {spec:?}: {reason}"
                    ));
                }
            }
            Some(_) => {}
            None => {
                return bad(format!(
                    "plugin.{i}: must be a spec or [spec, {{options}}], not {}",
                    match entry {
                        Value::Array(a) => format!("an array of {} items", a.len()),
                        other => kind_of(other).to_string(),
                    }
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries() {
        assert!(check_list(&json!(["a", "@s/b@1", ["c", {"k": 1}], "./local"]), None).is_ok());
        // A new spec is one OpenCode installs; one already listed is kept.
        let odd = json!(["Has Space", "a"]);
        assert!(check_list(&json!(["Has Space", "a", "b@2"]), Some(&odd)).is_ok());
        let e = check_list(&json!(["a", "has space"]), Some(&odd)).unwrap_err();
        assert_eq!(e.code, Code::InvalidPluginSpec);
        assert_eq!(
            e.message,
            "plugin.1: invalid plugin spec \"has space\": an npm package name has no spaces"
        );
        for bad in [
            json!("a"),
            json!([["a"]]),
            json!([["a", {}, 3]]),
            json!([5]),
            json!([""]),
            json!([null]),
        ] {
            assert_eq!(
                check_list(&bad, None).unwrap_err().code,
                Code::InvalidPluginSpec,
                "{bad}"
            );
        }
        assert_eq!(parts(&json!(["c", {"k": 1}])).unwrap().0, "c");
    }
}
