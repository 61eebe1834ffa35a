//! JSONC (JSON with comments and trailing commas) reading and editing.
//!
//! Edits go through jsonc-parser's concrete syntax tree, so everything an
//! edit does not touch — comments, key order, whitespace — survives byte for
//! byte. The tree is `Rc`-based (not `Send`), so every edit parses, edits and
//! prints inside one synchronous function and only text crosses threads.

use crate::{Code, Error, Result};
use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstInputValue, CstNode, CstObject, CstObjectProp, CstRootNode};
use jsonc_parser::errors::{ParseError, ParseErrorKind};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// What OpenCode accepts: comments and trailing commas, otherwise plain JSON.
fn options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Parses a JSONC document whose top level must be an object. Blank text is
/// an empty object, as OpenCode treats an empty file.
pub fn parse_object(text: &str, file: &str) -> Result<Map<String, Value>> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    let value: Value = jsonc_parser::parse_to_serde_value(text, &options())
        .map_err(|e| parse_error(&e, text, file))?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(not_an_object(file)),
    }
}

fn not_an_object(file: &str) -> Error {
    Error::new(
        Code::InvalidJsonc,
        format!("{file}: the top-level value must be an object"),
    )
    .with_details(json!([{
        "code": "InvalidRootValue", "offset": 0, "length": 0, "line": 1, "column": 1
    }]))
}

/// `invalid_jsonc` with `[{code, offset, length, line, column}]` (1-based line/column).
fn parse_error(err: &ParseError, text: &str, file: &str) -> Error {
    let range = err.range();
    let (line, column) = if range.start == 0 && range.end == 0 {
        (err.line_display(), err.column_display())
    } else {
        line_col(text, range.start)
    };
    let code = error_code(err.kind());
    Error::new(
        Code::InvalidJsonc,
        format!(
            "{file} does not parse: {} at line {line}, column {column}",
            err.kind()
        ),
    )
    .with_details(json!([{
        "code": code,
        "offset": range.start,
        "length": range.end.saturating_sub(range.start),
        "line": line,
        "column": column,
    }]))
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Names in the style of the `jsonc-parser` npm package the original server used.
fn error_code(kind: &ParseErrorKind) -> &'static str {
    use ParseErrorKind::*;
    match kind {
        ExpectedColonAfterObjectKey => "ColonExpected",
        ExpectedObjectValue => "ValueExpected",
        ExpectedComma => "CommaExpected",
        ExpectedStringObjectProperty => "PropertyNameExpected",
        UnterminatedArray => "CloseBracketExpected",
        UnterminatedObject => "CloseBraceExpected",
        UnterminatedCommentBlock => "UnexpectedEndOfComment",
        MultipleRootJsonValues => "EndOfFileExpected",
        String(_) => "InvalidString",
        ExpectedDigit
        | ExpectedDigitFollowingNegativeSign
        | ExpectedPlusMinusOrDigitInNumberLiteral => "InvalidNumberFormat",
        NestingDepthExceeded => "NestingDepthExceeded",
        _ => "InvalidSymbol",
    }
}

/// Parses `text` (blank text is `{}`), hands the root object to `f`, and
/// prints the result. The text is only re-printed, never re-formatted.
pub fn edit(text: &str, file: &str, f: impl FnOnce(&CstObject) -> Result<()>) -> Result<String> {
    let source = if text.trim().is_empty() { "{}\n" } else { text };
    // Validate with the strict options first: the CST parser is lenient.
    parse_object(source, file)?;
    let root = CstRootNode::parse(source, &options()).map_err(|e| parse_error(&e, source, file))?;
    let obj = root.object_value().ok_or_else(|| not_an_object(file))?;
    f(&obj)?;
    let mut out = root.to_string();
    if text.trim().is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Sets each top-level key (objects and arrays replaced whole), keeping every
/// other key and comment. Linear in the number of keys: existing properties
/// are looked up in one index rather than one scan per key.
pub fn set_keys<'a>(obj: &CstObject, entries: impl IntoIterator<Item = (&'a str, &'a Value)>) {
    let mut index: HashMap<String, CstObjectProp> = HashMap::new();
    for prop in obj.properties() {
        if let Some(name) = prop_name(&prop) {
            index.entry(name).or_insert(prop);
        }
    }
    for (key, value) in entries {
        match index.get(key) {
            Some(prop) => {
                if prop.to_serde_value().as_ref() != Some(value) {
                    prop.set_value(to_input(value));
                }
            }
            None => {
                let prop = obj.append(key, to_input(value));
                index.insert(key.to_string(), prop);
            }
        }
    }
}

/// Removes a top-level key if present. Returns whether it was there.
pub fn remove_key(obj: &CstObject, key: &str) -> bool {
    match obj.get(key) {
        Some(prop) => {
            prop.remove();
            true
        }
        None => false,
    }
}

pub fn prop_name(prop: &CstObjectProp) -> Option<String> {
    prop.name().and_then(|n| n.decoded_value().ok())
}

pub fn node_string(node: &CstNode) -> Option<String> {
    node.as_string_lit().and_then(|s| s.decoded_value().ok())
}

pub fn to_input(value: &Value) -> CstInputValue {
    match value {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(items) => CstInputValue::Array(items.iter().map(to_input).collect()),
        Value::Object(map) => {
            CstInputValue::Object(map.iter().map(|(k, v)| (k.clone(), to_input(v))).collect())
        }
    }
}

/// Pretty JSON with two-space indent and a final newline: how every plain
/// JSON file we create is written.
pub fn to_pretty(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMENTED: &str = r#"{
  // the schema
  "$schema": "https://opencode.ai/config.json",
  /* plugins we use */
  "plugin": ["a", "b@1"], // trailing
  "theme": "dark",
}
"#;

    #[test]
    fn parses_comments_and_trailing_commas() {
        let v = parse_object(COMMENTED, "opencode.jsonc").unwrap();
        assert_eq!(v["theme"], "dark");
        assert_eq!(v["plugin"], json!(["a", "b@1"]));
    }

    #[test]
    fn blank_is_empty_object() {
        assert!(parse_object("  \n", "f").unwrap().is_empty());
    }

    #[test]
    fn parse_errors_have_line_and_column() {
        let err = parse_object("{\n  \"a\": 1,\n  \"b\" 2\n}", "opencode.jsonc").unwrap_err();
        assert_eq!(err.code, Code::InvalidJsonc);
        let d = &err.details.unwrap()[0];
        assert_eq!(d["line"], 3);
        assert_eq!(d["code"], "ColonExpected");
        assert!(err.message.contains("line 3"), "{}", err.message);
    }

    #[test]
    fn rejects_json5_extras_and_non_objects() {
        for bad in [
            "{'a': 1}",
            "{a: 1}",
            "{\"a\": 0x1}",
            "[1]",
            "\"x\"",
            "{\"a\": 1 \"b\": 2}",
        ] {
            assert_eq!(
                parse_object(bad, "f").unwrap_err().code,
                Code::InvalidJsonc,
                "{bad}"
            );
        }
    }

    #[test]
    fn set_keys_keeps_comments() {
        let out = edit(COMMENTED, "f", |obj| {
            set_keys(
                obj,
                [("theme", &json!("light")), ("share", &json!("manual"))],
            );
            Ok(())
        })
        .unwrap();
        assert!(out.contains("// the schema"));
        assert!(out.contains("/* plugins we use */"));
        assert!(out.contains("// trailing"));
        assert!(out.contains("\"theme\": \"light\""));
        let v = parse_object(&out, "f").unwrap();
        assert_eq!(v["share"], "manual");
        assert_eq!(
            v.keys().collect::<Vec<_>>(),
            ["$schema", "plugin", "theme", "share"]
        );
    }

    #[test]
    fn unchanged_value_is_byte_identical() {
        let out = edit(COMMENTED, "f", |obj| {
            set_keys(obj, [("theme", &json!("dark"))]);
            Ok(())
        })
        .unwrap();
        assert_eq!(out, COMMENTED);
    }

    #[test]
    fn edit_of_blank_file_creates_object() {
        let out = edit("", "f", |obj| {
            set_keys(obj, [("plugin", &json!(["x"]))]);
            Ok(())
        })
        .unwrap();
        assert_eq!(parse_object(&out, "f").unwrap()["plugin"], json!(["x"]));
        assert!(out.ends_with('\n'));
    }

    #[test]
    fn remove_key_keeps_the_rest() {
        let out = edit(COMMENTED, "f", |obj| {
            assert!(remove_key(obj, "theme"));
            assert!(!remove_key(obj, "nope"));
            Ok(())
        })
        .unwrap();
        assert!(out.contains("// the schema"));
        assert!(!out.contains("theme"));
        parse_object(&out, "f").unwrap();
    }
}
