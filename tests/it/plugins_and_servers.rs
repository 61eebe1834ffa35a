//! Plugins and MCP servers as people change them from the CLI: a plugin's
//! version updated in place, servers switched on and off where they are
//! defined, and a warning when a secret is about to be committed.

use crate::support::cli::Ws;
use serde_json::{Value, json};

const PINNED: &str = r#"{
  // team plugins
  "plugin": [
    "first",
    "@acme/tools@1.2", // pinned for the release
    ["opt@1", {"k": 1}],
    "last",
  ],
}
"#;

#[test]
fn a_new_version_replaces_the_listed_one_in_place() {
    let ws = Ws::new();
    ws.write("opencode.jsonc", PINNED);
    let out = ws.run(&["plugins", "add", "@acme/tools@2"]).ok();
    assert_eq!(
        out.stdout,
        "✓ Update plugin @acme/tools@1.2 → @acme/tools@2 (opencode.jsonc)\n"
    );
    assert_eq!(
        ws.read("opencode.jsonc"),
        PINNED.replace("@acme/tools@1.2", "@acme/tools@2"),
        "same place, comments kept"
    );
    let audit = ws.audit();
    assert_eq!(audit[0]["action"], "plugins.add");
    assert_eq!(
        audit[0]["summary"],
        "Update plugin @acme/tools@1.2 → @acme/tools@2"
    );

    // The same spec again, or the bare name: what is there stays.
    let before = ws.snapshot();
    for again in ["@acme/tools@2", "@acme/tools"] {
        let out = ws.run(&["plugins", "add", again]).ok();
        assert_eq!(
            out.stdout, "Plugin @acme/tools@2 is already in opencode.jsonc; nothing to do\n",
            "{again}"
        );
    }
    assert_eq!(ws.snapshot(), before, "a re-run never unpins");

    // A tuple keeps its options; a dry run shows it and writes nothing.
    let out = ws.run(&["plugins", "add", "opt@2", "--dry-run"]).ok();
    assert!(
        out.stdout
            .starts_with("Dry run: Update plugin opt@1 → opt@2 (nothing written)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("+    [\"opt@2\", {\"k\": 1}],"),
        "{}",
        out.stdout
    );
    assert_eq!(ws.snapshot(), before);
    let listed = ws.run(&["--json", "plugins", "add", "opt@2"]).ok().json();
    let specs: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["spec"].as_str())
        .collect();
    assert_eq!(specs, ["first", "@acme/tools@2", "opt@2", "last"]);
    assert_eq!(listed["items"][2]["options"], json!({"k": 1}));
}

/// A version that a file openwork does not edit would override is not
/// written: OpenCode would still load the other one.
#[test]
fn an_update_that_would_not_win_is_refused() {
    let ws = Ws::new();
    ws.write("proj/opencode.jsonc", "{\"plugin\": [\"x@1\"]}\n");
    ws.write(".opencode/opencode.json", "{\"plugin\": [\"x@3\"]}\n");
    git(&ws, &["init", "-q"]);
    let root = ws.file("proj");
    let before = ws.snapshot();
    let out = crate::support::cli::Output::from(
        ws.cmd_in(&root)
            .args(["plugins", "add", "x@2"])
            .output()
            .expect("run"),
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("plugin x@3 is defined in")
            && out.stderr.contains("which openwork does not edit"),
        "{}",
        out.stderr
    );
    assert_eq!(ws.snapshot(), before);
}

const SERVERS: &str = r#"{
  "mcp": {
    // the browser
    "chrome": {"type": "local", "command": ["npx", "-y", "chrome-devtools-mcp"]},
    "off": {"type": "remote", "url": "https://off.example/mcp", "enabled": false}
  }
}
"#;

fn enabled_of(ws: &Ws) -> Vec<(String, String)> {
    let listed = ws.run(&["--json", "mcp", "list", "--global"]).ok().json();
    listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let on = m["config"]["enabled"] != Value::Bool(false);
            (
                m["name"].as_str().unwrap().to_string(),
                if on { "on" } else { "off" }.to_string(),
            )
        })
        .collect()
}

#[test]
fn servers_are_switched_in_place() {
    let ws = Ws::new();
    ws.write("opencode.jsonc", SERVERS);
    let out = ws.run(&["mcp", "disable", "chrome"]).ok();
    assert_eq!(out.stdout, "✓ Disable MCP server chrome (opencode.jsonc)\n");
    let text = ws.read("opencode.jsonc");
    assert!(text.contains("// the browser"), "{text}");
    assert!(
        text.contains(
            "\"command\": [\"npx\", \"-y\", \"chrome-devtools-mcp\"],\n      \"enabled\": false"
        ),
        "{text}"
    );
    let before = ws.snapshot();
    let out = ws.run(&["mcp", "disable", "chrome"]).ok();
    assert_eq!(
        out.stdout,
        "MCP server chrome is already disabled; nothing to do\n"
    );
    assert_eq!(ws.snapshot(), before);

    let out = ws.run(&["mcp", "enable", "off", "--dry-run"]).ok();
    assert!(
        out.stdout
            .starts_with("Dry run: Enable MCP server off (nothing written)")
            && out.stdout.contains("+    \"off\": {\"type\": \"remote\", \"url\": \"https://off.example/mcp\", \"enabled\": true}"),
        "{}",
        out.stdout
    );
    assert_eq!(ws.snapshot(), before);
    let answer = ws
        .run(&["--json", "mcp", "enable", "off", "chrome"])
        .ok()
        .json();
    assert!(answer["items"].as_array().unwrap().len() == 2, "{answer}");
    assert_eq!(
        enabled_of(&ws),
        [("chrome".into(), "on".into()), ("off".into(), "on".into())]
    );
    let table = ws.run(&["mcp", "list"]).ok().stdout;
    assert!(
        table.starts_with("NAME\tTYPE\tCOMMAND / URL\tENABLED\tFROM\n"),
        "{table}"
    );
    assert!(table.contains("\tyes\t"), "{table}");
    let actions: Vec<Value> = ws.audit().iter().map(|e| e["action"].clone()).collect();
    assert_eq!(actions, ["mcp.disable", "mcp.enable", "mcp.enable"]);
}

/// A server only the user-wide config defines is switched off in the
/// project with OpenCode's override, and back on by removing it.
#[test]
fn a_server_defined_elsewhere_is_switched_by_an_override() {
    let ws = Ws::new();
    ws.write("opencode.jsonc", "{\n  // mine\n}\n");
    let global = ws.home.path().join(".config/opencode/opencode.json");
    std::fs::create_dir_all(global.parent().unwrap()).unwrap();
    std::fs::write(
        &global,
        r#"{"mcp": {"g": {"type": "remote", "url": "https://g.example/mcp"}}}"#,
    )
    .unwrap();
    let out = ws.run(&["mcp", "disable", "g"]).ok();
    assert!(
        out.stdout
            .starts_with("✓ Disable MCP server g (defined in ")
            && out
                .stdout
                .contains(".config/opencode/opencode.json) (opencode.jsonc)"),
        "{}",
        out.stdout
    );
    let text = ws.read("opencode.jsonc");
    assert!(
        text.contains("// mine") && text.contains("\"g\": {\n      \"enabled\": false\n    }"),
        "{text}"
    );
    assert_eq!(enabled_of(&ws), [("g".into(), "off".into())]);
    ws.run(&["mcp", "enable", "g"]).ok();
    assert!(
        !ws.read("opencode.jsonc").contains("\"g\""),
        "the override is gone"
    );
    assert_eq!(enabled_of(&ws), [("g".into(), "on".into())]);
    assert!(
        std::fs::read_to_string(&global)
            .unwrap()
            .contains("https://g.example/mcp"),
        "the user-wide file is never written"
    );

    // A name that is not configured: exit 1, with the closest one.
    let out = ws.run(&["mcp", "enable", "gg"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("hint: did you mean `g`?"),
        "{}",
        out.stderr
    );
}

fn git(ws: &Ws, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(args)
        .current_dir(ws.path())
        .env("HOME", ws.home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "git {args:?}");
}

#[test]
fn a_secret_about_to_be_committed_is_warned_about_and_written() {
    if !crate::support::require("git") {
        return;
    }
    let ws = Ws::new();
    ws.write("opencode.jsonc", "{}\n");
    // Not in a repository: no warning.
    let out = ws
        .run(&[
            "mcp",
            "add",
            "docs",
            "--url",
            "https://mcp.example.com/mcp",
            "--header",
            "Authorization: Bearer abc123secret",
        ])
        .ok();
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    git(&ws, &["init", "-q"]);
    // In a repository, not tracked: no warning.
    let out = ws
        .run(&[
            "mcp",
            "add",
            "db",
            "-e",
            "API_KEY=hunter2",
            "--",
            "node",
            "db.js",
        ])
        .ok();
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    git(&ws, &["add", "opencode.jsonc"]);

    let out = ws
        .run(&[
            "mcp",
            "add",
            "docs2",
            "--url",
            "https://mcp.example.com/mcp",
            "--header",
            "Authorization: Bearer abc123secret",
        ])
        .ok();
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        "warning: MCP server docs2: headers.Authorization looks like a secret, and opencode.jsonc is tracked by git: keep it out of the file with OpenCode's {env:VAR} form, e.g. --header 'Authorization: Bearer {env:DOCS2_TOKEN}', and set DOCS2_TOKEN in the environment OpenCode starts in"
    );
    assert!(!out.stderr.contains("abc123secret"), "{}", out.stderr);
    assert!(
        ws.read("opencode.jsonc").contains("Bearer abc123secret"),
        "written all the same"
    );

    // `-q` keeps the warning; `--json` carries it.
    let out = ws
        .run(&[
            "-q",
            "--json",
            "mcp",
            "add",
            "db2",
            "--env",
            "OPENAI_API_KEY=sk-abcdefghijklmnop",
            "--",
            "node",
        ])
        .ok();
    assert!(
        out.stderr
            .starts_with("warning: MCP server db2: environment.OPENAI_API_KEY looks like a secret"),
        "{}",
        out.stderr
    );
    let answer = out.json();
    assert_eq!(
        answer["warnings"],
        json!([{
            "kind": "secret_in_tracked_file",
            "field": "environment.OPENAI_API_KEY",
            "file": "opencode.jsonc",
            "message": "MCP server db2: environment.OPENAI_API_KEY looks like a secret, and opencode.jsonc is tracked by git: keep it out of the file with OpenCode's {env:VAR} form, e.g. --env OPENAI_API_KEY='{env:OPENAI_API_KEY}', and set OPENAI_API_KEY in the environment OpenCode starts in"
        }])
    );
    assert!(!answer["warnings"].to_string().contains("sk-abcdef"));

    // add-json: the example is the JSON to write.
    let out = ws
        .run(&[
            "mcp",
            "add-json",
            "k",
            r#"{"type":"remote","url":"https://h/m","headers":{"X-Api-Key":"zzz"}}"#,
        ])
        .ok();
    assert!(
        out.stderr
            .contains(r#"e.g. "X-Api-Key": "{env:X_API_KEY}""#),
        "{}",
        out.stderr
    );

    // `{env:…}` is not a secret; neither is an ordinary value.
    let out = ws
        .run(&[
            "--json",
            "mcp",
            "add",
            "ok",
            "--url",
            "https://h/m",
            "--header",
            "Authorization: Bearer {env:T}",
            "--header",
            "Accept: text/plain",
        ])
        .ok();
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    assert!(out.json().get("warnings").is_none());
}
