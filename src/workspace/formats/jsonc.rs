//! JSONC (JSON with comments and trailing commas) reading and editing.
//!
//! Edits go through jsonc-parser's concrete syntax tree, so everything an
//! edit does not touch — comments, key order, whitespace — survives byte for
//! byte. The tree is `Rc`-based (not `Send`), so every edit parses, edits and
//! prints inside one synchronous function and only text crosses threads.

mod outline;
mod property_edit;

pub use outline::RootOutline;
pub use property_edit::{Change, Edited, edit_property, edit_property_known};

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

/// The `code` of an `invalid_jsonc` detail (docs/api.md#errors): the names
/// of the `jsonc-parser` npm package, which the OpenWork client expects.
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
/// Its cost is the whole document's; [`edit_property`] is this, at the
/// cost of the one property an edit touches.
pub fn edit(text: &str, file: &str, f: impl FnOnce(&CstObject) -> Result<()>) -> Result<String> {
    let source = if text.trim().is_empty() { "{}\n" } else { text };
    // One parse per edit: the CST is built from the parser's syntax tree
    // with the same strict options as `parse_object`, so it refuses what
    // that refuses. Its error can point elsewhere (it collects tokens), so
    // a text it refuses is parsed again for the error a read gives.
    let root = CstRootNode::parse(source, &options()).map_err(|e| {
        parse_object(source, file)
            .err()
            .unwrap_or_else(|| parse_error(&e, source, file))
    })?;
    let obj = root.object_value().ok_or_else(|| not_an_object(file))?;
    if has_repeated_key(&obj) {
        return Err(refuse_duplicate_keys(source, file)
            .err()
            .unwrap_or_else(|| {
                Error::new(
                    Code::InvalidJsonc,
                    format!("{file} has a key more than once"),
                )
            }));
    }
    f(&obj)?;
    let mut out = root.to_string();
    if text.trim().is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Whether an object of the tree, at any depth, has the same key twice.
/// An object with the same key twice is read by OpenCode (as by us) with
/// the last one winning, while an edit would change the first: a write
/// that is acknowledged and has no effect. So a document with a repeated
/// key is not edited at all (`422 invalid_jsonc` with where the repeat
/// is, from [`refuse_duplicate_keys`]); reads still work.
fn has_repeated_key(obj: &CstObject) -> bool {
    fn in_node(node: &CstNode) -> bool {
        match node {
            CstNode::Container(c) => match c {
                jsonc_parser::cst::CstContainerNode::Object(o) => has_repeated_key(o),
                jsonc_parser::cst::CstContainerNode::Array(a) => a.elements().iter().any(in_node),
                _ => false,
            },
            CstNode::Leaf(_) => false,
        }
    }
    let props = obj.properties();
    let mut seen = std::collections::HashSet::with_capacity(props.len());
    props
        .iter()
        .any(|p| p.decoded_name().is_some_and(|name| !seen.insert(name)))
        || props.iter().any(|p| p.value().is_some_and(|v| in_node(&v)))
}

/// The error for a document with a repeated key, saying where the first
/// repeat is (the syntax tree has the positions the CST does not).
fn refuse_duplicate_keys(text: &str, file: &str) -> Result<()> {
    use jsonc_parser::ast;
    use std::collections::HashSet;
    fn walk<'a>(value: &'a ast::Value<'a>) -> Option<(&'a str, jsonc_parser::common::Range)> {
        match value {
            ast::Value::Object(obj) => {
                let mut seen = HashSet::new();
                for prop in &obj.properties {
                    if !seen.insert(prop.name.as_str()) {
                        return Some((prop.name.as_str(), prop.range));
                    }
                }
                obj.properties.iter().find_map(|p| walk(&p.value))
            }
            ast::Value::Array(arr) => arr.elements.iter().find_map(walk),
            _ => None,
        }
    }
    let Ok(parsed) = jsonc_parser::parse_to_ast(text, &Default::default(), &options()) else {
        return Ok(());
    };
    let Some((key, range)) = parsed.value.as_ref().and_then(walk) else {
        return Ok(());
    };
    let (line, column) = line_col(text, range.start);
    Err(Error::new(
        Code::InvalidJsonc,
        format!(
            "{file} has the key {} more than once (again at line {line}, column {column}); \
             remove one: openwork does not guess which one counts",
            quote_json(key)
        ),
    )
    .with_details(json!([{
        "code": "DuplicateKey",
        "offset": range.start,
        "length": range.end.saturating_sub(range.start),
        "line": line,
        "column": column,
    }])))
}

/// Above this many new keys, appending through the CST (which re-scans the
/// object on every append) is replaced by one text splice.
const SPLICE_THRESHOLD: usize = 16;

/// Sets each top-level key of a JSONC document (objects and arrays are
/// replaced whole), keeping every other key and comment. Cost is linear in
/// the size of the document plus the patch: existing properties are found
/// through one index, and many new keys are spliced in as text after the
/// first one is appended through the CST (which settles commas, trailing
/// comma style and indentation for all of them).
pub fn set_top_level(text: &str, file: &str, entries: &[(&str, &Value)]) -> Result<String> {
    let mut splice: Option<(String, String)> = None;
    let mut out = edit(text, file, |obj| {
        let mut index: HashMap<String, CstObjectProp> = HashMap::new();
        for prop in obj.properties() {
            if let Some(name) = prop_name(&prop) {
                index.entry(name).or_insert(prop);
            }
        }
        let mut new: Vec<(&str, &Value)> = Vec::new();
        let mut seen_new: HashMap<&str, usize> = HashMap::new();
        for &(key, value) in entries {
            if let Some(prop) = index.get(key) {
                if prop.to_serde_value().as_ref() != Some(value) {
                    prop.set_value(to_input(value));
                }
            } else if let Some(&i) = seen_new.get(key) {
                new[i].1 = value;
            } else {
                seen_new.insert(key, new.len());
                new.push((key, value));
            }
        }
        if new.len() <= SPLICE_THRESHOLD {
            for (key, value) in new {
                obj.append(key, to_input(value));
            }
            return Ok(());
        }
        let marker = format!("openwork-splice-{}", uuid::Uuid::new_v4().simple());
        let first = obj.append(new[0].0, CstInputValue::String(marker.clone()));
        let root = first.root_node();
        let indent = first.indent_text().unwrap_or_else(|| "  ".to_string());
        let unit = root
            .as_ref()
            .and_then(|r| r.single_indent_text())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "  ".to_string());
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let fmt = Formatter {
            unit: &unit,
            newline,
            trailing: obj.uses_trailing_commas(),
        };
        let mut replacement = String::with_capacity(entries.len() * 32);
        fmt.value(&mut replacement, new[0].1, &indent);
        for (key, value) in &new[1..] {
            replacement.push(',');
            replacement.push_str(newline);
            replacement.push_str(&indent);
            replacement.push_str(&quote_json(key));
            replacement.push_str(": ");
            fmt.value(&mut replacement, value, &indent);
        }
        splice = Some((quote_json(&marker), replacement));
        Ok(())
    })?;
    if let Some((marker, replacement)) = splice {
        if out.matches(&marker).count() != 1 {
            return Err(Error::new(
                Code::Internal,
                "could not splice the new keys into the config",
            ));
        }
        out = out.replacen(&marker, &replacement, 1);
    }
    Ok(out)
}

fn quote_json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Prints values the way the CST prints inserted values: objects one key
/// per line; arrays on one line unless they hold a non-empty container.
struct Formatter<'a> {
    unit: &'a str,
    newline: &'a str,
    /// The document ends multi-line containers with a comma.
    trailing: bool,
}

impl Formatter<'_> {
    fn value(&self, out: &mut String, value: &Value, indent: &str) {
        match value {
            Value::Array(items) if !items.is_empty() => {
                let multiline = items.iter().any(|v| match v {
                    Value::Array(a) => !a.is_empty(),
                    Value::Object(o) => !o.is_empty(),
                    _ => false,
                });
                if multiline {
                    let inner = format!("{indent}{}", self.unit);
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(self.newline);
                        out.push_str(&inner);
                        self.value(out, item, &inner);
                    }
                    if self.trailing {
                        out.push(',');
                    }
                    out.push_str(self.newline);
                    out.push_str(indent);
                    out.push(']');
                } else {
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        self.value(out, item, indent);
                    }
                    out.push(']');
                }
            }
            Value::Object(map) if !map.is_empty() => {
                let inner = format!("{indent}{}", self.unit);
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(self.newline);
                    out.push_str(&inner);
                    out.push_str(&quote_json(k));
                    out.push_str(": ");
                    self.value(out, v, &inner);
                }
                if self.trailing {
                    out.push(',');
                }
                out.push_str(self.newline);
                out.push_str(indent);
                out.push('}');
            }
            other => {
                out.push_str(&serde_json::to_string(other).unwrap_or_else(|_| "null".to_string()))
            }
        }
    }
}

/// Sets the value at `keys` (a key of the root object, a key of the
/// object it holds, …), creating the objects missing on the way; every
/// byte it does not replace is kept. A key on the way that holds
/// something other than an object is `invalid_payload`.
pub(crate) fn set_at(obj: &CstObject, keys: &[String], value: &Value) -> Result<()> {
    let Some((key, rest)) = keys.split_first() else {
        return Ok(());
    };
    match obj.get(key) {
        Some(prop) if rest.is_empty() => prop.set_value(to_input(value)),
        Some(prop) => {
            let inner = prop.object_value().ok_or_else(|| {
                Error::new(
                    Code::InvalidPayload,
                    format!("{key:?} holds a value that is not an object"),
                )
            })?;
            return set_at(&inner, rest, value);
        }
        None => {
            let nested = rest.iter().rev().fold(value.clone(), |inner, key| {
                let mut map = Map::new();
                map.insert(key.clone(), inner);
                Value::Object(map)
            });
            obj.append(key, to_input(&nested));
        }
    }
    Ok(())
}

/// Removes the key at `keys` (as [`set_at`] finds it) if it is there.
/// Returns whether it was.
pub(crate) fn remove_at(obj: &CstObject, keys: &[String]) -> bool {
    match keys {
        [] => false,
        [key] => remove_key(obj, key),
        [key, rest @ ..] => obj
            .get(key)
            .and_then(|prop| prop.object_value())
            .is_some_and(|inner| remove_at(&inner, rest)),
    }
}

/// Removes a top-level key if present. Returns whether it was there.
pub(crate) fn remove_key(obj: &CstObject, key: &str) -> bool {
    match obj.get(key) {
        Some(prop) => {
            prop.remove();
            true
        }
        None => false,
    }
}

fn prop_name(prop: &CstObjectProp) -> Option<String> {
    prop.name().and_then(|n| n.decoded_value().ok())
}

pub(crate) fn node_string(node: &CstNode) -> Option<String> {
    node.as_string_lit().and_then(|s| s.decoded_value().ok())
}

pub(crate) fn to_input(value: &Value) -> CstInputValue {
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
pub(crate) fn to_pretty(value: &Value) -> String {
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

    /// An edit parses once, through the CST: it refuses exactly what a
    /// read refuses, with the same error.
    #[test]
    fn edits_refuse_what_reads_refuse_with_the_same_error() {
        for bad in [
            "{'a': 1}",
            "{a: 1}",
            "{\"a\": 0x1}",
            "{\"a\": +1}",
            "{\"a\": .5}",
            "{\"a\": NaN}",
            "{\"a\": \"\\x41\"}",
            "[1]",
            "\"x\"",
            "{\"a\": 1 \"b\": 2}",
            "{\"a\": 1",
            "{} {}",
        ] {
            let read = parse_object(bad, "f").unwrap_err();
            let edited = edit(bad, "f", |_| Ok(())).unwrap_err();
            assert_eq!(edited.code, read.code, "{bad}");
            assert_eq!(edited.message, read.message, "{bad}");
            assert_eq!(edited.details, read.details, "{bad}");
        }
    }

    #[test]
    fn set_keys_keeps_comments() {
        let out = set_top_level(
            COMMENTED,
            "f",
            &[("theme", &json!("light")), ("share", &json!("manual"))],
        )
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
        let out = set_top_level(COMMENTED, "f", &[("theme", &json!("dark"))]).unwrap();
        assert_eq!(out, COMMENTED);
    }

    #[test]
    fn edit_of_blank_file_creates_object() {
        let out = set_top_level("", "f", &[("plugin", &json!(["x"]))]).unwrap();
        assert_eq!(parse_object(&out, "f").unwrap()["plugin"], json!(["x"]));
        assert!(out.ends_with('\n'));
    }

    #[test]
    fn many_new_keys_are_spliced_like_cst_appends() {
        let mut patch: Vec<(String, Value)> =
            (0..40).map(|i| (format!("k{i}"), json!(i))).collect();
        patch.push((
            "obj".into(),
            json!({"a": [1, 2], "b": {"c": [{"d": true}]}, "e": {}}),
        ));
        patch.push(("theme".into(), json!("light")));
        let entries: Vec<(&str, &Value)> = patch.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let plain = "{\n    \"a\": 1 // one\n}\n";
        for doc in [COMMENTED, plain] {
            let out = set_top_level(doc, "f", &entries).unwrap();
            let parsed = parse_object(&out, "f").unwrap();
            for (k, v) in &patch {
                assert_eq!(&parsed[k], v, "{k}");
            }
            for comment in ["// the schema", "// trailing", "// one"] {
                assert_eq!(doc.contains(comment), out.contains(comment), "{comment}");
            }
            // The same values through the CST alone format identically.
            let via_cst = set_top_level(doc, "f", &entries[38..]).unwrap();
            let obj_text = |t: &str| t[t.find("\"obj\"").unwrap()..].to_string();
            assert_eq!(obj_text(&via_cst), obj_text(&out), "{doc}");
            let k39 = |t: &str| {
                t.lines()
                    .find(|l| l.contains("\"k39\""))
                    .map(str::to_string)
            };
            assert_eq!(k39(&via_cst), k39(&out));
        }
    }

    /// Found by fuzzing (`fuzz/fuzz_targets/jsonc_edit.rs`): with a key
    /// twice, the edit changed the first while every reader takes the last.
    #[test]
    fn documents_with_a_repeated_key_are_not_edited() {
        for text in [
            "{\"plugin\": [\"a\"], \"plugin\": [\"b\"]}",
            "{\"mcp\": {\"x\": {}, \"x\": {}}}",
            "{\"a\": [{\"k\": 1, \"k\": 2}]}",
        ] {
            let e = set_top_level(text, "f", &[("plugin", &json!(["c"]))]).unwrap_err();
            assert_eq!(e.code, Code::InvalidJsonc, "{text}");
            assert_eq!(e.details.as_ref().unwrap()[0]["code"], "DuplicateKey");
            assert!(e.message.contains("more than once"), "{}", e.message);
            assert!(parse_object(text, "f").is_ok(), "reads still work");
        }
        let e = edit("{\n  \"a\": 1,\n  \"a\": 2\n}", "f", |_| Ok(())).unwrap_err();
        assert_eq!(e.details.unwrap()[0]["line"], 3);
        // The same key in different objects is fine.
        assert!(
            set_top_level(
                "{\"a\": {\"k\": 1}, \"b\": {\"k\": 1}}",
                "f",
                &[("c", &json!(1))]
            )
            .is_ok()
        );
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

    mod props {
        use super::super::*;
        use proptest::prelude::*;
        use serde_json::json;

        fn leaf() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i32>().prop_map(|n| json!(n)),
                "[a-z /*#\\\\\"\u{e9}]{0,8}".prop_map(Value::String),
            ]
        }

        fn value() -> impl Strategy<Value = Value> {
            leaf().prop_recursive(3, 16, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    prop::collection::vec(("[a-z]{1,5}", inner), 0..4)
                        .prop_map(|kv| Value::Object(kv.into_iter().collect())),
                ]
            })
        }

        #[derive(Debug, Clone)]
        enum Op {
            Set(usize, Value),
            Remove(usize),
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                (0..12usize, value()).prop_map(|(k, v)| Op::Set(k, v)),
                (0..12usize).prop_map(Op::Remove),
            ]
        }

        /// Eight keys, each with an own-line comment above it and a block
        /// comment inside its value; `trailing` picks the comma style.
        fn document(trailing: bool) -> String {
            let mut text = String::from("{\n  // head\n");
            for i in 0..8 {
                text.push_str(&format!(
                    "  // above{i}\n  \"k{i}\": {{\"x\": /* in{i} */ [{i}]}}"
                ));
                if i < 7 || trailing {
                    text.push(',');
                }
                text.push('\n');
            }
            text.push_str("  // tail\n}\n");
            text
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            #[test]
            fn random_edits_keep_every_untouched_comment(ops in prop::collection::vec(op(), 1..12), trailing in any::<bool>()) {
                let mut text = document(trailing);
                let mut touched = [false; 8];
                for op in &ops {
                    text = match op {
                        Op::Set(k, v) => set_top_level(&text, "f", &[(&format!("k{k}"), v)]).unwrap(),
                        Op::Remove(k) => edit(&text, "f", |obj| { remove_key(obj, &format!("k{k}")); Ok(()) }).unwrap(),
                    };
                    let k = match op { Op::Set(k, _) | Op::Remove(k) => *k };
                    if k < 8 { touched[k] = true; }
                    let parsed = parse_object(&text, "f");
                    prop_assert!(parsed.is_ok(), "does not parse: {text}");
                    if let Op::Set(k, v) = op {
                        prop_assert_eq!(&parsed.unwrap()[&format!("k{k}")], v);
                    }
                }
                for c in ["// head", "// tail"] {
                    prop_assert!(text.contains(c), "{c} lost: {text}");
                }
                for (i, t) in touched.iter().enumerate() {
                    prop_assert!(text.contains(&format!("// above{i}\n")), "above{i} lost: {text}");
                    if !t {
                        prop_assert!(text.contains(&format!("/* in{i} */")), "in{i} lost: {text}");
                    }
                }
            }
        }
    }
}
