//! Issue 13, item 1: text from clients and workspace files never reaches
//! the terminal or the log as control sequences. What people read (tables,
//! one-liners, diffs, `approvals list`, `audit`) shows each control or
//! hidden character as `\u{XX}`; names, keys, descriptions, agents and
//! models with such characters are refused before anything is written.

use crate::support::cli::Ws;
use crate::support::serve::{self, Server};
use crate::support::{snapshot, workspace};
use reqwest::Method;
use serde_json::json;

/// ESC and OSC sequences, a carriage return, a C1 CSI and a right-to-left
/// override: what rewrote the host's screen.
const HOSTILE: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2K\rhidden\u{9b}2J\u{202e}gnp.exe";
/// The same in a YAML double-quoted string.
const YAML: &str = r#""x\e]0;pwned\a\e[2K\rhidden\u009b2J\u202egnp.exe""#;
const SHOWN: &str = "x\\u{1b}]0;pwned\\u{7}\\u{1b}[2K\\u{d}hidden\\u{9b}2J\\u{202e}gnp.exe";

fn assert_clean(out: &str) {
    for c in ['\u{1b}', '\u{7}', '\r', '\u{9b}', '\u{202e}'] {
        assert!(!out.contains(c), "{c:?} reached the terminal: {out:?}");
    }
}

#[test]
fn listings_and_the_audit_log_show_control_characters() {
    let ws = Ws::new();
    // Written by hand, as a repository could ship them.
    ws.write(
        ".opencode/skills/evil/SKILL.md",
        &format!("---\nname: evil\ndescription: {YAML}\n---\nbody\n"),
    );
    ws.write(
        ".opencode/commands/evil.md",
        &format!("---\ndescription: {YAML}\n---\nDo it\n"),
    );
    let entry = json!({
        "id": "1", "workspaceId": "ws_x", "actor": {"type": "remote", "clientId": HOSTILE},
        "action": "config.patch", "target": "config", "summary": format!("Patch config: {HOSTILE}\napproval resolved id=\"forged\" allowed=true"),
        "timestamp": 1764085849000u64
    });
    ws.write(".opencode/openwork/audit.jsonl", &format!("{entry}\n"));
    for args in [&["skills", "list"][..], &["commands", "list"], &["audit"]] {
        let out = ws.run(args).ok();
        assert_clean(&out.stdout);
        assert!(out.stdout.contains(SHOWN), "{args:?}: {}", out.stdout);
    }
    // Piped, the table is tab-separated: the newline is written `\n`, and
    // the forged text never starts a line of its own.
    let audit = ws.run(&["audit"]).ok().stdout;
    assert!(audit.contains("\\napproval resolved"), "{audit}");
    assert!(
        !audit.lines().any(|l| l.starts_with("approval resolved")),
        "no forged line: {audit}"
    );
    // JSON stays the same value, with the hidden characters as JSON escapes.
    let json = ws.run(&["--json", "audit"]).ok();
    assert_clean(&json.stdout);
    assert_eq!(json.json()["items"][0]["actor"]["clientId"], HOSTILE);
}

#[test]
fn the_cli_refuses_control_characters_in_keys_and_descriptions() {
    let ws = Ws::new();
    ws.write("opencode.jsonc", "{}\n");
    let before = ws.snapshot();
    for args in [
        vec!["config", "patch", "--opencode", r#"{"a\u001bb": 1}"#],
        vec!["config", "patch", "--openwork", r#"{"k\nforged": 1}"#],
        vec!["skills", "add", "s", "--description", "a\u{1b}[2Jb"],
    ] {
        let out = ws.run_stdin(&args, "body\n");
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("control or invisible characters"),
            "{}",
            out.stderr
        );
        assert_clean(&out.stderr);
    }
    let long = format!(r#"{{"{}": 1}}"#, "k".repeat(257));
    let out = ws.run(&["config", "patch", "--opencode", &long]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("longer than 256 characters"),
        "{}",
        out.stderr
    );
    assert_eq!(ws.snapshot(), before, "nothing written");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_refuses_them_and_its_log_cannot_be_forged() {
    let dir = workspace();
    let s = Server::start(&[dir.path()], &["--approval", "auto"]);
    let id = s.ws_id(0);
    let before = snapshot(dir.path());
    let forged = "theme\napproval resolved id=\"forged\" allowed=true";
    for (method, path, body, code) in [
        (
            Method::PATCH,
            "config",
            json!({"opencode": {forged: "x"}}),
            "invalid_payload",
        ),
        (
            Method::PATCH,
            "config",
            json!({"openwork": {"a\u{202e}b": 1}}),
            "invalid_payload",
        ),
        (
            Method::PATCH,
            "config",
            json!({"opencode": {"k".repeat(257): 1}}),
            "invalid_payload",
        ),
        (
            Method::PATCH,
            "config",
            json!({"opencode": {"ok": {"deep\u{1b}": 1}}}),
            "invalid_payload",
        ),
        (
            Method::POST,
            "skills",
            json!({"name": "s", "description": "a\u{1b}]0;x\u{7}", "content": "b"}),
            "invalid_description",
        ),
        (
            Method::POST,
            "commands",
            json!({"name": "c", "template": "t", "agent": "a\u{9b}"}),
            "invalid_payload",
        ),
        (
            Method::POST,
            "commands",
            json!({"name": "c", "template": "t", "model": "m\r"}),
            "invalid_payload",
        ),
        (
            Method::POST,
            "commands",
            json!({"name": "c", "template": "t", "description": "d\n"}),
            "invalid_payload",
        ),
        (
            Method::POST,
            "mcp",
            json!({"name": "m", "config": {"type": "local", "command": ["x"], "environment": {"K\u{1b}": "v"}}}),
            "invalid_payload",
        ),
    ] {
        let r = s
            .send_json(method.clone(), &format!("/workspace/{id}/{path}"), &body)
            .await;
        assert_eq!(r.code(), code, "{method} {path} {body}: {r:?}");
        assert!(r.status == 400 || r.status == 422, "{r:?}");
    }
    assert_eq!(snapshot(dir.path()), before, "nothing written");
    // A client id with a control or bidi character never authenticates
    // (hyper refuses some bytes itself: 400).
    for id in ["phone\x1b[2J", "phone\x7f", "phone\u{202e}"] {
        let head = format!(
            "GET /workspaces HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nX-OpenWork-Client-Id: {id}\r\nConnection: close\r\n\r\n",
            s.addr(),
            s.client_token
        );
        let answer = serve::raw_http(&s.addr(), &head, b"");
        assert!(
            answer.starts_with("HTTP/1.1 401") || answer.starts_with("HTTP/1.1 400"),
            "{id:?}: {answer}"
        );
    }
    assert!(
        !s.stderr()
            .lines()
            .any(|l| l.starts_with("approval resolved"))
    );
}
