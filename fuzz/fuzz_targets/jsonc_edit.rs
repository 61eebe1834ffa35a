//! The JSONC edit path on any text: parsing never panics; on a document
//! that parses, setting a top-level key (new or existing) leaves every
//! other key as it was, the result parses to the new value, and every
//! comment outside the replaced property is kept.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openwork::workspace::jsonc;
use serde_json::Value;

/// `[pick][value JSON]\0[document]`: which key to set (an existing one by
/// index, or a new one when `pick` is 255), to what, in which document.
struct Input<'a> {
    pick: u8,
    value: Value,
    text: &'a str,
}

fn split(data: &[u8]) -> Option<Input<'_>> {
    let (&pick, rest) = data.split_first()?;
    let nul = rest.iter().position(|&b| b == 0)?;
    let value = serde_json::from_slice(&rest[..nul])
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&rest[..nul]).into_owned()));
    let text = std::str::from_utf8(&rest[nul + 1..]).ok()?;
    Some(Input { pick, value, text })
}

/// Every comment of a JSONC text outside the top-level property `key`
/// (all of them when there is none), as written.
fn comments_outside(text: &str, key: &str) -> Vec<String> {
    let options = jsonc_parser::CollectOptions {
        comments: jsonc_parser::CommentCollectionStrategy::Separate,
        tokens: false,
    };
    let Ok(parsed) = jsonc_parser::parse_to_ast(text, &options, &Default::default()) else {
        return Vec::new();
    };
    let prop = match &parsed.value {
        Some(jsonc_parser::ast::Value::Object(obj)) => obj
            .properties
            .iter()
            .find(|p| p.name.as_str() == key)
            .map(|p| p.range),
        _ => None,
    };
    let mut out = Vec::new();
    if let Some(map) = parsed.comments {
        for list in map.values() {
            for c in list.iter() {
                use jsonc_parser::common::Ranged;
                let r = c.range();
                let inside = prop.is_some_and(|p| r.start < p.end && r.end > p.start);
                if !inside {
                    out.push(c.text().to_string());
                }
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = split(data) else {
        return;
    };
    let Ok(before) = jsonc::parse_object(input.text, "f") else {
        return;
    };
    let value = input.value;
    let keys: Vec<String> = before.keys().cloned().collect();
    let key = match input.pick {
        i if i != 255 && !keys.is_empty() => keys[i as usize % keys.len()].clone(),
        _ => "zz-fuzz-new-key".to_string(),
    };
    let is_new = !before.contains_key(&key);
    let Ok(edited) = jsonc::set_top_level(input.text, "f", &[(&key, &value)]) else {
        return;
    };
    let after = jsonc::parse_object(&edited, "f")
        .unwrap_or_else(|e| panic!("the edit does not parse ({}):\n{edited}", e.message));
    assert_eq!(after.get(&key), Some(&value), "{edited}");
    for (k, v) in &before {
        if *k != key {
            assert_eq!(after.get(k), Some(v), "key {k:?} changed:\n{edited}");
        }
    }
    assert_eq!(after.len(), before.len() + usize::from(is_new));
    // Every comment outside the replaced property survives.
    for c in comments_outside(input.text, &key) {
        assert!(edited.contains(&c), "comment {c:?} lost:\n{edited}");
    }
});
