//! `openwork config get|set|unset KEY`: dotted and quoted keys, values
//! as JSON or strings, edits in place that keep comments, the schema's
//! refusals (nothing written), the exit codes and `--json` shapes.

use crate::support::cli::Ws;
use serde_json::json;

const CONFIG: &str = r#"{
  // Our team's settings: keep this comment.
  "share": "auto",
  "mcp": {
    "chrome": {"type": "local", "command": ["npx", "chrome-devtools-mcp"]}
  },
  "provider": {"openai": {"models": {"gpt-4.1": {"name": "GPT"}}}}
}
"#;

fn workspace() -> Ws {
    let ws = Ws::new();
    ws.write("opencode.jsonc", CONFIG);
    ws
}

#[test]
fn set_edits_in_place_and_get_reads_it_back() {
    let ws = workspace();
    let out = ws.run(&["config", "set", "share", "disabled"]).ok();
    assert_eq!(out.stdout, "✓ Set share (opencode.jsonc)\n");
    ws.run(&["config", "set", "mcp.chrome.timeout", "10000"])
        .ok();
    ws.run(&[
        "config",
        "set",
        r#"provider.openai.models["gpt-4.1"].name"#,
        "GPT 4.1",
    ])
    .ok();
    // Objects on the way are made.
    ws.run(&["config", "set", "agent.plan.model", "anthropic/claude"])
        .ok();
    let text = ws.read("opencode.jsonc");
    assert!(
        text.contains("// Our team's settings: keep this comment.\n  \"share\": \"disabled\","),
        "{text}"
    );
    let out = ws.run(&["config", "get", "share"]).ok();
    assert_eq!(out.stdout, "disabled\n");
    let out = ws.run(&["config", "get", "mcp.chrome.timeout"]).ok();
    assert_eq!(out.stdout, "10000\n");
    let out = ws.run(&["config", "get", "mcp.chrome"]).ok();
    assert_eq!(
        out.json(),
        json!({"type": "local", "command": ["npx", "chrome-devtools-mcp"], "timeout": 10000})
    );
    let out = ws
        .run(&[
            "config",
            "get",
            r#"provider.openai.models["gpt-4.1"]"#,
            "--json",
        ])
        .ok();
    assert_eq!(out.json(), json!({"name": "GPT 4.1"}));
    // `--json` prints strings as JSON too.
    let out = ws
        .run(&["--json", "config", "get", "agent.plan.model"])
        .ok();
    assert_eq!(out.json(), json!("anthropic/claude"));
    // Setting what is there writes nothing and says so.
    let before = ws.snapshot();
    let out = ws.run(&["config", "set", "share", "disabled"]).ok();
    assert_eq!(
        out.stdout,
        "share already holds this value in opencode.jsonc; nothing to do\n"
    );
    assert_eq!(ws.snapshot(), before);
}

#[test]
fn values_are_json_when_they_parse_else_strings() {
    let ws = workspace();
    ws.run(&["config", "set", "snapshot", "false"]).ok();
    ws.run(&["config", "set", "instructions", r#"["AGENTS.md"]"#])
        .ok();
    ws.run(&["config", "set", "username", "1234", "--string"])
        .ok();
    ws.run(&["config", "set", "model", "anthropic/claude-sonnet"])
        .ok();
    let out = ws.run(&["config", "show", "--json"]).ok();
    let config = &out.json()["opencode"];
    assert_eq!(config["snapshot"], json!(false));
    assert_eq!(config["instructions"], json!(["AGENTS.md"]));
    assert_eq!(config["username"], json!("1234"));
    assert_eq!(config["model"], json!("anthropic/claude-sonnet"));
    // Without --string, 1234 is a number, which `username` is not.
    let before = ws.snapshot();
    let out = ws.run(&["config", "set", "username", "1234"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("username: invalid type: integer 1234, expected a string"),
        "{}",
        out.stderr
    );
    assert_eq!(ws.snapshot(), before);
}

#[test]
fn set_prints_what_it_wrote_with_json_and_shows_a_dry_run() {
    let ws = workspace();
    let before = ws.snapshot();
    let out = ws
        .run(&["config", "set", "mcp.chrome.timeout", "10000", "--dry-run"])
        .ok();
    assert!(
        out.stdout
            .starts_with("Dry run: Set mcp.chrome.timeout (nothing written)\n--- a/opencode.jsonc"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("+      \"timeout\": 10000"),
        "{}",
        out.stdout
    );
    assert_eq!(ws.snapshot(), before, "a dry run writes nothing");
    let out = ws
        .run(&["config", "set", "mcp.chrome.timeout", "10000", "--json"])
        .ok();
    let answer = out.json();
    assert_eq!(answer["key"], "mcp.chrome.timeout");
    assert_eq!(answer["value"], 10000);
    assert_eq!(
        answer["file"],
        ws.file("opencode.jsonc").display().to_string()
    );
    let audit = ws.audit();
    assert_eq!(audit.last().unwrap()["action"], "config.set");
    assert_eq!(audit.last().unwrap()["target"], "mcp.chrome.timeout");
}

#[test]
fn bad_keys_and_values_are_refused_and_change_nothing() {
    let ws = workspace();
    let before = ws.snapshot();
    for (args, code, says) in [
        (
            &["config", "set", "mcp.chrome.timeout", "soon"][..],
            2,
            "mcp.chrome.timeout: invalid type: string \"soon\", expected a JSON number",
        ),
        (
            &["config", "set", "share", "never"],
            2,
            "share: unknown variant \"never\"",
        ),
        (&["config", "set", "theme", "dark"], 2, "tui.json"),
        (&["config", "set", "tui.scroll_speed", "2"], 2, "tui.json"),
        (
            &["config", "set", "modle", "x"],
            2,
            "did you mean \"model\"?",
        ),
        (
            &["config", "set", "mcp.chrome.command.x", "1"],
            2,
            "mcp.chrome.command is an array, not an object",
        ),
        (
            &["config", "set", "share.x", "1"],
            2,
            "share is a string, not an object",
        ),
        (
            &["config", "set", "a..b", "1"],
            2,
            "bad config key \"a..b\" at character 3: a key is missing before this dot",
        ),
        (
            &["config", "set", "models[gpt-4.1]", "1"],
            2,
            "a key in brackets is quoted",
        ),
        (
            &["config", "get", "a."],
            2,
            "a key is missing after the last dot",
        ),
        (&["config", "unset", "mcp.chrome.command"], 2, "mcp.chrome"),
        (&["config", "set", "mcp.x.enabled", "null"], 2, "null"),
    ] {
        let out = ws.run(args);
        assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
        assert_eq!(ws.snapshot(), before, "{args:?} changed a file");
    }
    // A config that does not parse is left alone.
    ws.write("opencode.jsonc", "{ \"share\": ");
    let before = ws.snapshot();
    let out = ws.run(&["config", "set", "share", "auto"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("does not parse"), "{}", out.stderr);
    assert_eq!(ws.snapshot(), before);
}

#[test]
fn missing_keys_exit_1_with_a_hint() {
    let ws = workspace();
    let out = ws.run(&["config", "get", "mcp.chrom"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: mcp.chrom is not set in opencode.jsonc\nhint: did you mean `chrome`?\n"
    );
    let out = ws.run(&["config", "get", "nothing"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("hint: the keys in opencode.jsonc: share, mcp, provider"),
        "{}",
        out.stderr
    );
    // Set in another file OpenCode reads: `--resolved` finds it.
    std::fs::create_dir_all(ws.home.path().join(".config/opencode")).unwrap();
    std::fs::write(
        ws.home.path().join(".config/opencode/opencode.json"),
        r#"{"model": "a/b"}"#,
    )
    .unwrap();
    let out = ws.run(&["config", "get", "model"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("--resolved"), "{}", out.stderr);
    let out = ws.run(&["config", "get", "model", "--resolved"]).ok();
    assert_eq!(out.stdout, "a/b\n");
    let out = ws.run(&["config", "get", "nothing", "--resolved"]);
    assert_eq!(out.code, 1);
}

#[test]
fn unset_removes_in_place_and_a_missing_key_is_exit_1_unless_if_exists() {
    let ws = workspace();
    ws.run(&["config", "set", "mcp.chrome.timeout", "5"]).ok();
    let before = ws.snapshot();
    let out = ws
        .run(&["config", "unset", "mcp.chrome.timeout", "--dry-run"])
        .ok();
    assert!(
        out.stdout.contains("-      \"timeout\": 5"),
        "{}",
        out.stdout
    );
    assert_eq!(ws.snapshot(), before);
    let out = ws.run(&["config", "unset", "mcp.chrome.timeout"]).ok();
    assert_eq!(out.stdout, "✓ Unset mcp.chrome.timeout (opencode.jsonc)\n");
    let text = ws.read("opencode.jsonc");
    assert!(!text.contains("timeout"), "{text}");
    assert!(text.contains("keep this comment"), "{text}");

    let before = ws.snapshot();
    let out = ws.run(&["config", "unset", "mcp.chrome.timeout"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: mcp.chrome.timeout is not set in opencode.jsonc\nhint: `--if-exists` ignores a key that is not set\n"
    );
    let out = ws
        .run(&["config", "unset", "mcp.chrome.timeout", "--if-exists"])
        .ok();
    assert_eq!(
        out.stdout,
        "mcp.chrome.timeout is not set in opencode.jsonc; nothing to do\n"
    );
    let out = ws.run(&["config", "unset", "share", "--json"]).ok();
    assert_eq!(out.json()["key"], "share");
    assert!(out.json().get("value").is_none(), "{}", out.stdout);
    assert_ne!(ws.snapshot(), before);
    assert_eq!(ws.audit().last().unwrap()["action"], "config.unset");
}

/// A value from the file is shown escaped on a terminal, never obeyed.
#[cfg(unix)]
#[test]
fn values_from_the_file_cannot_drive_the_terminal() {
    if !crate::support::require("tmux") {
        return;
    }
    let ws = Ws::new();
    ws.write("opencode.jsonc", "{\"username\": \"me\\u001b[2J\"}");
    let line = ws.sh_line(&["config", "get", "username"], false);
    let shown = crate::support::terminal(80, &line);
    assert!(shown.contains("me\\u{1b}[2J"), "{shown}");
}

/// A value another file OpenCode reads later overrides is written, and
/// said to be overridden.
#[test]
fn set_warns_when_a_later_file_overrides_the_value() {
    let ws = workspace();
    ws.write(".opencode/opencode.jsonc", "{\"share\": \"manual\"}\n");
    let out = ws.run(&["config", "set", "share", "disabled"]).ok();
    assert_eq!(out.stdout, "✓ Set share (opencode.jsonc)\n");
    assert!(
        out.stderr.contains(
            "warning: another file OpenCode reads after opencode.jsonc sets share to \"manual\""
        ),
        "{}",
        out.stderr
    );
    // Not overridden: no warning.
    let out = ws.run(&["config", "set", "model", "a/b"]).ok();
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}
