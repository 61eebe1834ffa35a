//! Markdown files with YAML frontmatter (SKILL.md, command files).
//!
//! YAML is read and written with serde-saphyr into `serde_json` values, so the
//! rest of the core deals with one value model; key order is kept.

use crate::{Code, Error, Result};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// `None` when the text has no frontmatter block at all.
    pub front: Option<Map<String, Value>>,
    pub body: String,
}

/// Splits `---\n<yaml>\n---\n<body>` into the YAML text and the body.
/// Returns `None` when the text does not start with a frontmatter fence.
pub(crate) fn split(text: &str) -> Option<(&str, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = first_end + 1;
    let mut pos = yaml_start;
    while pos <= text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end();
        if line == "---" || line == "..." {
            let body_start = (line_end + 1).min(text.len());
            return Some((&text[yaml_start..pos], &text[body_start..]));
        }
        if line_end == text.len() {
            break;
        }
        pos = line_end + 1;
    }
    None
}

/// Parses a document. A fence without a closing fence, YAML that does not
/// parse, or YAML that is not a mapping is `invalid_frontmatter`.
pub fn parse(text: &str) -> Result<Document> {
    let stripped = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some((yaml, body)) = split(stripped) else {
        if stripped
            .lines()
            .next()
            .is_some_and(|l| l.trim_end() == "---")
        {
            return Err(Error::new(
                Code::InvalidFrontmatter,
                "frontmatter is not closed with '---'",
            ));
        }
        return Ok(Document {
            front: None,
            body: stripped.to_string(),
        });
    };
    let front = parse_yaml(yaml)?;
    Ok(Document {
        front: Some(front),
        body: body.to_string(),
    })
}

/// The YAML of a frontmatter block, as OpenCode reads it: when it does
/// not parse, OpenCode tries once more with [`sanitized`] lines (so
/// `description: Use when: deploying` is a string), and only then gives
/// up; the error is the first try's.
fn parse_yaml(yaml: &str) -> Result<Map<String, Value>> {
    parse_yaml_once(yaml).or_else(|e| match sanitized(yaml) {
        Some(second) => parse_yaml_once(&second).map_err(|_| e),
        None => Err(e),
    })
}

/// OpenCode 1.18.33's second try (`ConfigMarkdown.sanitize`): each
/// top-level `key: value` line whose value holds a `:` — unless it is
/// empty, `>` or `|`, or starts with a quote — becomes the block scalar
/// `key: |-` with the value on the next line. `None` when no line changes.
fn sanitized(yaml: &str) -> Option<String> {
    let mut changed = false;
    let mut out: Vec<String> = Vec::new();
    for line in yaml.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)) {
        let trimmed = line.trim();
        let kept =
            trimmed.is_empty() || trimmed.starts_with('#') || line.starts_with(char::is_whitespace);
        let pair = if kept { None } else { key_value(line) };
        match pair {
            Some((key, value))
                if !value.is_empty()
                    && value != ">"
                    && value != "|"
                    && !value.starts_with(['"', '\''])
                    && value.contains(':') =>
            {
                out.push(format!("{key}: |-"));
                out.push(format!("  {value}"));
                changed = true;
            }
            _ => out.push(line.to_string()),
        }
    }
    changed.then(|| out.join("\n"))
}

/// `key` and the trimmed value of a `key: value` line, where `key` is
/// `[A-Za-z_][A-Za-z0-9_]*`.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let end = line
        .char_indices()
        .find(|&(i, c)| !(c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(line.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let rest = line[end..].trim_start().strip_prefix(':')?;
    Some((&line[..end], rest.trim()))
}

fn parse_yaml_once(yaml: &str) -> Result<Map<String, Value>> {
    if yaml.trim().is_empty() {
        return Ok(Map::new());
    }
    // YAML 1.2 booleans only: `y`/`no`/`on` stay strings, as OpenCode reads them.
    let options = serde_saphyr::options! { strict_booleans: true };
    let value: Value = serde_saphyr::from_str_with_options(yaml, options).map_err(|e| {
        let first = e.to_string().lines().next().unwrap_or("").to_string();
        Error::new(
            Code::InvalidFrontmatter,
            format!("frontmatter is not valid YAML: {first}"),
        )
    })?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(Error::new(
            Code::InvalidFrontmatter,
            "frontmatter must be a YAML mapping",
        )),
    }
}

/// Renders `---\n<yaml>---\n<body>`.
pub fn render(front: &Map<String, Value>, body: &str) -> Result<String> {
    let mut yaml = if front.is_empty() {
        String::new()
    } else {
        serde_saphyr::to_string(front).map_err(|e| {
            Error::new(
                Code::InvalidFrontmatter,
                format!("frontmatter cannot be written: {e}"),
            )
        })?
    };
    if !yaml.is_empty() && !yaml.ends_with('\n') {
        yaml.push('\n');
    }
    Ok(format!("---\n{yaml}---\n{body}"))
}

/// A string field of the frontmatter, if it is a string.
pub(crate) fn str_field<'a>(front: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    front.get(key).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_value_with_a_colon_is_read_as_opencode_reads_it() {
        let doc = parse("---\nname: colon\ndescription: Use when: deploying\n---\nB\n").unwrap();
        assert_eq!(
            Value::Object(doc.front.unwrap()),
            json!({"name": "colon", "description": "Use when: deploying"})
        );
        let doc = parse("---\ndescription: see: [this\nagent: plan\n---\nT\n").unwrap();
        assert_eq!(doc.front.unwrap()["description"], "see: [this");
        // What the second try does not mend stays an error, the first one's.
        for broken in ["---\nname: [oops\n---\n", "---\ndescription: \"x\n---\n"] {
            let e = parse(broken).unwrap_err();
            assert_eq!(e.code, Code::InvalidFrontmatter, "{broken}");
        }
        assert_eq!(sanitized("a: b\n  c: d: e\n# x: y\nq: 'r: s'"), None);
        assert_eq!(key_value("9a: b"), None);
        assert_eq!(key_value("a_1 : b "), Some(("a_1", "b")));
    }

    #[test]
    fn splits_and_parses() {
        let doc = parse("---\nname: a\ndescription: \"Does: things\"\ntags: [x, y]\n---\n# Body\n")
            .unwrap();
        let front = doc.front.unwrap();
        assert_eq!(front["name"], "a");
        assert_eq!(front["description"], "Does: things");
        assert_eq!(front["tags"], json!(["x", "y"]));
        assert_eq!(doc.body, "# Body\n");
    }

    #[test]
    fn no_frontmatter_is_all_body() {
        let doc = parse("# Title\n---\n").unwrap();
        assert_eq!(doc.front, None);
        assert_eq!(doc.body, "# Title\n---\n");
    }

    #[test]
    fn crlf_and_bom() {
        let doc = parse("\u{feff}---\r\nname: a\r\n---\r\nbody").unwrap();
        assert_eq!(doc.front.unwrap()["name"], "a");
        assert_eq!(doc.body, "body");
    }

    #[test]
    fn empty_frontmatter_and_no_body() {
        let doc = parse("---\n---\n").unwrap();
        assert_eq!(doc.front, Some(Map::new()));
        assert_eq!(doc.body, "");
        let doc = parse("---\nname: a\n---").unwrap();
        assert_eq!(doc.body, "");
    }

    #[test]
    fn bad_frontmatter() {
        for bad in [
            "---\nname: a\n",
            "---\n: : :\n  - x\n---\n",
            "---\n- a\n- b\n---\nbody",
            "---\nname: [unclosed\n---\n",
        ] {
            assert_eq!(
                parse(bad).unwrap_err().code,
                Code::InvalidFrontmatter,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn round_trip_keeps_order_and_quotes_what_needs_it() {
        let mut front = Map::new();
        front.insert("name".into(), json!("my-skill"));
        front.insert("description".into(), json!("Use when: a # b\nsecond line"));
        front.insert("model".into(), Value::Null);
        front.insert("subtask".into(), json!(false));
        front.insert("zeta".into(), json!(["yes", "1", "null"]));
        let text = render(&front, "body\n").unwrap();
        assert!(
            text.starts_with("---\nname: my-skill\ndescription: "),
            "{text}"
        );
        let doc = parse(&text).unwrap();
        assert_eq!(doc.front.unwrap(), front);
        assert_eq!(doc.body, "body\n");
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn scalar() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::from),
                // Strings that look like other YAML types, with quotes, colons, hashes, newlines.
                "[ -~\n\u{e9}\u{4e2d}]{0,40}".prop_map(Value::String),
                prop_oneof![
                    Just("yes"),
                    Just("null"),
                    Just("1.5"),
                    Just("~"),
                    Just("- x"),
                    Just("a: b"),
                    Just("#c")
                ]
                .prop_map(|s| Value::String(s.to_string())),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]
            #[test]
            fn parse_never_panics(text in "(---\n)?[ -~\n]{0,200}(\n---\n)?[ -~\n]{0,50}") {
                let _ = parse(&text);
            }

            #[test]
            fn render_then_parse_round_trips(
                entries in prop::collection::vec(("[a-z][a-z0-9_]{0,8}", scalar()), 0..6),
                body in "[ -~\n]{0,80}",
            ) {
                let front: Map<String, Value> = entries.into_iter().collect();
                let text = render(&front, &body).unwrap();
                let doc = parse(&text).unwrap();
                prop_assert_eq!(doc.front.unwrap_or_default(), front);
                prop_assert_eq!(doc.body, body);
            }
        }
    }
}
