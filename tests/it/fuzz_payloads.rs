//! Property tests of the HTTP-facing parsing: random bytes and random
//! hostile JSON thrown at every endpoint's body parser and planner, and
//! random path segments at every `DELETE` name (see `payload_check` for
//! what must hold). The same checks run under libFuzzer in `fuzz/`.

use crate::support::payload_check::{ALL, Endpoint, check_body, check_segment, seed};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value};

/// Strings that go after every rule: traversal, separators, encodings,
/// control characters, lengths at and past each limit.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,2}",
        "[A-Za-z0-9_-]{1,20}",
        "\\PC{0,24}",
        "[ -~]{0,40}",
        prop_oneof![
            Just(".."),
            Just("../x"),
            Just("a/b"),
            Just("/etc/passwd"),
            Just("a\\b"),
            Just("C:\\x"),
            Just("%2e%2e"),
            Just("..%2F"),
            Just("a\u{0}b"),
            Just("x\ny"),
            Just("\u{202e}gnp.exe"),
            Just(" spaced "),
            Just(""),
            Just("@scope/pkg@1.2.3"),
            Just("file:///tmp/x.js"),
            Just("---\nname: x\n---\nbody"),
            Just("---\nname: [\n---\n"),
        ]
        .prop_map(str::to_string),
        (
            prop_oneof![
                Just(63usize),
                Just(64),
                Just(65),
                Just(127),
                Just(128),
                Just(129),
                Just(511),
                Just(512),
                Just(513),
                Just(1023),
                Just(1024),
                Just(1025)
            ],
            prop_oneof![Just('a'), Just('-'), Just('é')]
        )
            .prop_map(|(n, c)| std::iter::repeat_n(c, n).collect()),
    ]
}

const KEYS: [&str; 18] = [
    "spec",
    "name",
    "content",
    "description",
    "config",
    "template",
    "agent",
    "model",
    "subtask",
    "opencode",
    "openwork",
    "skills",
    "commands",
    "mode",
    "type",
    "command",
    "url",
    "reply",
];

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        hostile_string().prop_map(Value::String),
        prop_oneof![
            Just("local"),
            Just("remote"),
            Just("merge"),
            Just("replace"),
            Just("allow"),
            Just("deny")
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner), 0..6).prop_map(
                |kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            ),
        ]
    })
}

/// A body shaped like the real ones: the endpoint's keys with random
/// values, sometimes a well-formed base with one field made hostile.
fn body() -> impl Strategy<Value = Map<String, Value>> {
    let base = prop_oneof![
        Just(serde_json::json!({"spec": "p"})),
        Just(serde_json::json!({"name": "s", "content": "Body", "description": "d"})),
        Just(serde_json::json!({"name": "m", "config": {"type": "local", "command": ["x"]}})),
        Just(serde_json::json!({"name": "m", "config": {"type": "remote", "url": "https://x"}})),
        Just(serde_json::json!({"name": "c", "template": "t", "subtask": true, "model": null})),
        Just(serde_json::json!({"opencode": {"username": "x"}, "openwork": {"k": 1}})),
        Just(
            serde_json::json!({"skills": [{"name": "s", "content": "x", "description": "d"}],
                                "commands": [{"name": "c", "template": "t"}],
                                "mode": {"skills": "replace", "commands": "merge"}})
        ),
        Just(serde_json::json!({"commands": [{"content": "---\nname: c\n---\nDo"}]})),
        Just(serde_json::json!({"reply": "allow"})),
    ];
    (
        base,
        prop::collection::vec((prop::sample::select(KEYS.to_vec()), value()), 0..4),
    )
        .prop_map(|(base, extra)| {
            let mut obj = base.as_object().cloned().unwrap_or_default();
            for (k, v) in extra {
                obj.insert(k.to_string(), v);
            }
            obj
        })
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn random_bytes_to_every_body_parser() {
    let dir = tempfile::tempdir().unwrap();
    let ws = seed(dir.path());
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        // Mostly-JSON: a valid body with bytes flipped.
        (
            body(),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
        )
            .prop_map(|(b, flips)| {
                let mut bytes = serde_json::to_vec(&b).unwrap_or_default();
                for (i, byte) in flips {
                    if !bytes.is_empty() {
                        let at = i.index(bytes.len());
                        bytes[at] = byte;
                    }
                }
                bytes
            }),
    ];
    runner(2000)
        .run(&(bytes, prop::sample::select(ALL.to_vec())), |(b, e)| {
            check_body(&ws, e, &b);
            Ok(())
        })
        .unwrap();
}

#[test]
fn random_json_to_every_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let ws = seed(dir.path());
    let accepted = std::cell::Cell::new(0);
    runner(3000)
        .run(&(body(), prop::sample::select(ALL.to_vec())), |(b, e)| {
            if check_body(&ws, e, &serde_json::to_vec(&b).unwrap()) {
                accepted.set(accepted.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    // Enough inputs get through to exercise what accepted writes must obey.
    eprintln!("{} of 3000 random bodies accepted", accepted.get());
    assert!(accepted.get() > 150, "{}", accepted.get());
}

#[test]
fn random_path_segments_to_every_delete() {
    let dir = tempfile::tempdir().unwrap();
    let ws = seed(dir.path());
    let deletes = vec![
        Endpoint::RemovePlugin,
        Endpoint::DeleteSkill,
        Endpoint::RemoveMcp,
        Endpoint::DeleteCommand,
    ];
    let segment = prop_oneof![
        hostile_string(),
        // Percent-encoded hostile strings, and raw `%` soup.
        hostile_string().prop_map(|s| {
            percent_encoding::utf8_percent_encode(&s, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        }),
        "(%[0-9A-Fa-fZz+]{0,2}|[a-z./]){0,12}",
        Just("existing".to_string()),
        Just("%40scope%2Fpkg".to_string()),
    ];
    let accepted = std::cell::Cell::new(0);
    runner(3000)
        .run(&(segment, prop::sample::select(deletes)), |(s, e)| {
            if check_segment(&ws, e, &s) {
                accepted.set(accepted.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    eprintln!("{} of 3000 random names accepted", accepted.get());
    assert!(accepted.get() > 300, "{}", accepted.get());
}

/// Percent-decoding undoes percent-encoding, for any string.
#[test]
fn segments_round_trip() {
    runner(2000)
        .run(&"\\PC{0,40}", |s| {
            let encoded =
                percent_encoding::utf8_percent_encode(&s, percent_encoding::NON_ALPHANUMERIC)
                    .to_string();
            prop_assert_eq!(openwork::server::payloads::segment(&encoded).unwrap(), s);
            Ok(())
        })
        .unwrap();
}

/// Auth headers: any value either fails or yields one clean token.
#[test]
fn bearer_parsing_never_yields_a_dirty_token() {
    runner(3000)
        .run(&"(?i:bearer)?[ \t]{0,3}[ -~\t]{0,30}", |v| {
            if let Some(t) = openwork::server::auth::bearer(&v) {
                prop_assert!(!t.is_empty() && !t.contains([' ', '\t']));
                prop_assert!(v.to_ascii_lowercase().starts_with("bearer"));
            }
            Ok(())
        })
        .unwrap();
}
