//! Every bad input to the offline CLI: a clear one-line error, the right
//! exit code, and not one byte changed in the workspace.

use crate::support::cli::{self, Ws};
use crate::support::files;

const CONFIG: &str = "{\n  // keep\n  \"plugin\": [\"a\"],\n  \"mcp\": {}\n}\n";

fn workspace() -> Ws {
    let ws = Ws::new();
    ws.write("opencode.jsonc", CONFIG);
    ws.write(
        ".opencode/skills/good/SKILL.md",
        "---\nname: good\ndescription: Good\n---\nx\n",
    );
    ws.write(".opencode/commands/c.md", "---\nname: c\n---\n\nt\n");
    ws.write(
        "frontmatter-mismatch.md",
        "---\nname: other\ndescription: d\n---\nbody\n",
    );
    ws.write("broken.json", "{\"opencode\": ");
    ws
}

/// Runs `args` (with `stdin`), expects `code` and `message` in stderr, and
/// checks that no file changed.
fn rejects(args: &[&str], stdin: &str, code: i32, message: &str) {
    let ws = workspace();
    let before = ws.snapshot();
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{ws}", ws.path().to_str().unwrap()))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = ws.run_stdin(&args, stdin);
    assert_eq!(out.code, code, "{args:?}\nstderr: {}", out.stderr);
    assert!(
        out.stderr.contains(message),
        "{args:?}: expected {message:?} in\n{}",
        out.stderr
    );
    assert_eq!(
        out.stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .count(),
        1,
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert_eq!(ws.snapshot(), before, "{args:?} changed a file");
}

/// An empty pipe says how to give the text, not only that it is missing.
#[test]
fn an_empty_standard_input_says_how_to_give_the_text() {
    rejects(
        &["skills", "add", "triage", "-d", "Sort"],
        " \n",
        2,
        "standard input is empty: give the skill content with --file FILE or pipe it in",
    );
}

#[test]
fn invalid_names() {
    rejects(
        &["skills", "add", "Bad_Name", "-d", "x"],
        "body",
        2,
        "invalid skill name \"Bad_Name\"",
    );
    rejects(
        &["commands", "add", "../x", "-t", "t"],
        "",
        2,
        "invalid command name \"../x\"",
    );
    rejects(
        &["mcp", "add", "-x", "--", "npx", "y"],
        "",
        2,
        "`openwork mcp add` has no option `-x`",
    );
    rejects(&["mcp", "remove", "a/b"], "", 2, "invalid MCP server name");
    rejects(
        &["skills", "remove", "../good"],
        "",
        2,
        "invalid skill name",
    );
    rejects(
        &["commands", "remove", "git/../../x"],
        "",
        2,
        "invalid command name",
    );
    rejects(
        &["commands", "add", "git//commit", "-t", "t"],
        "",
        2,
        "invalid command name",
    );
    rejects(
        &["skills", "add", &"a".repeat(65), "-d", "x"],
        "body",
        2,
        "longer than 64",
    );
}

#[test]
fn empty_or_hostile_plugin_specs() {
    rejects(&["plugins", "add", ""], "", 2, "plugin spec is required");
    rejects(&["plugins", "add", "   "], "", 2, "plugin spec is required");
    rejects(
        &["plugins", "add", "ok", "bad\nspec"],
        "",
        2,
        "control characters",
    );
    rejects(
        &["plugins", "add", &"p".repeat(513)],
        "",
        2,
        "longer than 512",
    );
}

/// Specs no installer would take, and words that are flags: refused
/// before anything is written, with the reason and the forms that work.
#[test]
fn plugin_specs_opencode_could_not_install() {
    for (spec, message) in [
        (
            "has space",
            "invalid plugin spec \"has space\": an npm package name has no spaces",
        ),
        (
            "--force",
            "invalid plugin spec \"--force\": it starts with '-'",
        ),
        ("Upper", "npm package names are lowercase"),
        (".hidden", "write ./.hidden for a path"),
        ("_x", "never starts with '.' or '_'"),
        ("acme/tools", "write @scope/name for a scoped package"),
        ("x@", "nothing after '@'"),
        ("ftp://h/p.tgz", "ftp: is not a kind of plugin spec"),
        ("https://", "not a URL"),
        ("github:owner", "write github:owner/repo"),
    ] {
        rejects(&["plugins", "add", "--", spec], "", 2, message);
    }
    // Every spec is checked before the first is written.
    rejects(&["plugins", "add", "good", "has space"], "", 2, "no spaces");
    // A config patch's new entries too (the one already listed is kept).
    rejects(
        &[
            "config",
            "patch",
            "--opencode",
            r#"{"plugin": ["a", "has space"]}"#,
        ],
        "",
        2,
        "plugin.1: invalid plugin spec \"has space\": an npm package name has no spaces",
    );
    let ws = workspace();
    let out = ws.run(&["plugins", "add", "--", "--force"]);
    assert!(
        out.stderr.contains("hint: a spec is an npm package"),
        "{}",
        out.stderr
    );
}

/// Flags of the other kind of server were dropped without a word; a URL
/// that is none was written.
#[test]
fn mcp_flags_that_do_not_apply_and_urls_that_are_none() {
    for (args, message) in [
        (
            &["mcp", "add", "x", "--url", "notaurl"][..],
            "mcp.x.url: not a URL",
        ),
        (
            &["mcp", "add", "x", "--url", "ftp://h/x"],
            "mcp.x.url: must be an http:// or https:// URL, not ftp:",
        ),
        (
            &["mcp", "add", "x", "--header", "A: b", "--", "node", "s.js"],
            "--header applies only to a remote server (--url), not to a local one",
        ),
        (
            &["mcp", "add", "x", "--header", "A: b"],
            "--header applies only to a remote server",
        ),
        (
            &["mcp", "add", "x", "--no-oauth", "--", "node"],
            "--no-oauth applies only to a remote server",
        ),
        (
            &["mcp", "add", "x", "--url", "https://h/m", "-e", "A=b"],
            "--env applies only to a local server",
        ),
        (
            &["mcp", "add", "x", "--url", "https://h/m", "--", "node"],
            "give either --url (a remote server) or a command after `--` (a local one), not both",
        ),
    ] {
        rejects(args, "", 2, message);
    }
    let ws = workspace();
    let out = ws.run(&["mcp", "add", "x", "--header", "A: b", "--", "node"]);
    assert!(
        out.stderr
            .contains("hint: a local server gets its values with --env K=V"),
        "{}",
        out.stderr
    );
    let out = ws.run(&["mcp", "add", "x", "--url", "https://h/m", "-e", "A=b"]);
    assert!(
        out.stderr
            .contains("hint: send values to a remote server as --header"),
        "{}",
        out.stderr
    );
    // `{env:…}` is OpenCode's to fill in: such a URL is taken as written.
    ws.run(&["mcp", "add", "e", "--url", "{env:MCP_URL}"]).ok();
}

/// `mcp enable` and `disable`: a name that is not configured is exit 1
/// with the closest name; a name that could be none, exit 2.
#[test]
fn switching_servers_that_are_not_there() {
    rejects(
        &["mcp", "enable", "nope"],
        "",
        1,
        "MCP server \"nope\" is not configured",
    );
    rejects(&["mcp", "disable", "a.b"], "", 2, "invalid MCP server name");
}

#[test]
fn mcp_configs() {
    let add_json = |config: &str, message: &str| {
        rejects(&["mcp", "add-json", "x", config], "", 2, message);
    };
    add_json(r#"{"type":"local"}"#, "mcp.x: missing field \"command\"");
    add_json(
        r#"{"type":"local","command":[]}"#,
        "mcp.x.command: give the program",
    );
    add_json(r#"{"type":"remote"}"#, "mcp.x: missing field \"url\"");
    add_json(
        r#"{"type":"ftp"}"#,
        "mcp.x.type: must be \"local\" or \"remote\"",
    );
    // What OpenCode 1.18.33 refuses to start with, and what it drops silently.
    add_json(
        r#"{"type":"local","command":["n"],"environment":{"PORT":8080}}"#,
        "mcp.x.environment.PORT: invalid type: integer 8080, expected a string",
    );
    add_json(
        r#"{"type":"local","command":["n"],"enabled":"false"}"#,
        "mcp.x.enabled: invalid type: string \"false\", expected a boolean",
    );
    add_json(
        r#"{"type":"local","command":["n"],"timeout":-5}"#,
        "mcp.x.timeout: expected a value greater than 0, got -5",
    );
    add_json(
        r#"{"type":"remote","url":"https://x","headers":{"X-N":1}}"#,
        "mcp.x.headers.X-N: invalid type: integer 1, expected a string",
    );
    add_json(
        r#"{"type":"local","command":["n"],"env":{"A":"1"}}"#,
        "mcp.x: \"env\" is not an OpenCode field (OpenCode would ignore it); did you mean \"environment\"?",
    );
    add_json(
        r#"{"type":"loca","command":["n"],"enabled":true}"#,
        "did you mean \"local\"?",
    );
    rejects(&["mcp", "add", "x"], "", 2, "give the command after `--`");
    rejects(
        &["mcp", "add", "x", "--env", "NOEQUALS", "--", "cmd"],
        "",
        2,
        "is not K=V",
    );
    rejects(
        &["mcp", "add", "x", "--url", "u", "--header", "nocolon"],
        "",
        2,
        "has no value: give 'Key: Value' or KEY=VALUE",
    );
    rejects(
        &["mcp", "add", "x", "--timeout", "0", "--", "cmd"],
        "",
        2,
        "mcp.x.timeout: expected a value greater than 0, got 0",
    );
}

/// Keys OpenCode reads from tui.json, keys it does not know, values of the
/// wrong type: refused with the field named, and nothing written.
#[test]
fn config_patches_opencode_would_refuse_or_drop() {
    let patch = |json: &str, message: &str| {
        rejects(&["config", "patch", "--opencode", json], "", 2, message);
    };
    for key in ["theme", "keybinds", "tui"] {
        patch(
            &format!(r#"{{"{key}": {{}}}}"#),
            &format!(
                "\"{key}\" is not an opencode.json setting: OpenCode 1.x reads it from tui.json"
            ),
        );
    }
    patch(r#"{"share":"never"}"#, "share: unknown variant \"never\"");
    patch(
        r#"{"$schema":5}"#,
        "$schema: invalid type: integer 5, expected a string",
    );
    patch(
        r#"{"tools":{"bash":"no"}}"#,
        "tools.bash: invalid type: string \"no\"",
    );
    patch(
        r#"{"plugins":["a"]}"#,
        "\"plugins\" is not an OpenCode field (OpenCode would ignore it); did you mean \"plugin\"?",
    );
    patch(r#"{"plugin":"a"}"#, "plugin: must be an array");
    patch(
        r#"{"model":null}"#,
        "model: invalid type: null, expected a string",
    );
    patch(
        r#"{"mcp":{"x":{"type":"local","command":["n"],"env":{}}}}"#,
        "did you mean \"environment\"?",
    );
    patch(
        r#"{"command":{"r":{"model":"a"}}}"#,
        "command.r: missing field \"template\"",
    );
    let doc = r#"{"opencode": {"theme": "dark"}}"#;
    rejects(&["import", "-"], doc, 2, "reads it from tui.json");
}

#[test]
fn invalid_json_arguments() {
    rejects(
        &["mcp", "add-json", "x", "{not json"],
        "",
        2,
        "the MCP config is not valid JSON",
    );
    rejects(
        &["mcp", "add-json", "x", "[1]"],
        "",
        2,
        "must be a JSON object",
    );
    rejects(
        &["config", "patch", "--opencode", "{\"a\":"],
        "",
        2,
        "--opencode is not valid JSON",
    );
    rejects(
        &["config", "patch", "--openwork", "5"],
        "",
        2,
        "--openwork must be a JSON object",
    );
    rejects(
        &["config", "patch"],
        "",
        2,
        "give --opencode JSON and/or --openwork JSON",
    );
    rejects(
        &["import", "{ws}/broken.json"],
        "",
        2,
        "the import document is not valid JSON",
    );
    rejects(
        &["import", "-"],
        "{\"skills\": 5}",
        2,
        "\"skills\" must be an array",
    );
    rejects(
        &["import", "-", "--mode", "skills=wipe"],
        "{}",
        2,
        "must be \"merge\" or \"replace\"",
    );
}

#[test]
fn import_is_all_or_nothing() {
    // The second skill is invalid: the first one must not be written either,
    // and `replace` must not have removed the existing skill.
    let doc = r#"{"skills": [{"name": "fine", "content": "x", "description": "d"}, {"name": "Bad", "content": "x", "description": "d"}],
                 "opencode": {"username": "light"}, "mode": {"skills": "replace"}}"#;
    rejects(&["import", "-"], doc, 2, "invalid skill name \"Bad\"");
    let doc =
        r#"{"commands": [{"name": "ok", "template": "t"}, {"content": "no frontmatter name"}]}"#;
    rejects(&["import", "-"], doc, 2, "command name is required");
    let doc = r#"{"commands": [{"name": "ok", "template": "t", "subtask": "yes"}]}"#;
    rejects(&["import", "-"], doc, 2, "\"subtask\" must be a boolean");
}

#[test]
fn skill_content_errors() {
    rejects(
        &["skills", "add", "new-skill"],
        "just a body",
        2,
        "description is required",
    );
    rejects(
        &[
            "skills",
            "add",
            "new-skill",
            "--file",
            "{ws}/frontmatter-mismatch.md",
        ],
        "",
        2,
        "frontmatter name \"other\" does not match the skill name \"new-skill\"",
    );
    rejects(
        &["skills", "add", "new-skill", "-d", "d"],
        "---\nname: [\n---\n",
        2,
        "frontmatter is not valid YAML",
    );
    rejects(
        &[
            "skills",
            "add",
            "new-skill",
            "-d",
            "d",
            "--file",
            "{ws}/missing.md",
        ],
        "",
        1,
        "could not read",
    );
}

#[test]
fn broken_config_is_reported_with_line_and_column_and_never_overwritten() {
    let ws = Ws::new();
    ws.write(
        "opencode.jsonc",
        "{\n  \"plugin\": [\"a\"],\n  \"theme\" \"dark\"\n}\n",
    );
    let before = ws.snapshot();
    for args in [
        vec!["plugins", "add", "b"],
        vec![
            "mcp",
            "add-json",
            "x",
            r#"{"type":"remote","url":"https://u"}"#,
        ],
        vec!["config", "patch", "--opencode", r#"{"a":1}"#],
        vec!["plugins", "list"],
    ] {
        let out = ws.run(&args);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("opencode.jsonc does not parse")
                && out.stderr.contains("line 3, column 11"),
            "{}",
            out.stderr
        );
        assert_eq!(ws.snapshot(), before);
    }
    ws.write("opencode.jsonc", "{}\n");
    ws.write(".opencode/openwork.json", "{oops");
    let out = ws.run(&["config", "show"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains(".opencode/openwork.json does not parse"),
        "{}",
        out.stderr
    );
}

#[test]
fn missing_workspace_folder() {
    let ws = Ws::new();
    let missing = ws.file("nope");
    let out = cli::Output::from(
        ws.cmd_in(&missing)
            .args(["plugins", "add", "x"])
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
    assert!(!missing.exists());
}

#[test]
fn usage_errors_exit_2() {
    let ws = Ws::new();
    let out = ws.run(&["plugins", "frobnicate"]);
    assert_eq!(out.code, 2);
    let out = ws.run(&["audit", "--limit", "zero"]);
    assert_eq!(out.code, 2);
    assert!(files(ws.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn read_only_workspace_folder() {
    use crate::support::bin;
    use std::os::unix::fs::PermissionsExt;
    let ws = workspace();
    let before = ws.snapshot();
    let root_is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    // Read-only for everyone; root ignores permission bits, so as root the
    // command runs as an unprivileged user.
    let mode = |m: u32| {
        for rel in [
            "",
            ".opencode",
            ".opencode/skills",
            ".opencode/skills/good",
            ".opencode/commands",
        ] {
            std::fs::set_permissions(ws.file(rel), std::fs::Permissions::from_mode(m)).unwrap();
        }
        for rel in [
            "opencode.jsonc",
            ".opencode/skills/good/SKILL.md",
            ".opencode/commands/c.md",
            "frontmatter-mismatch.md",
            "broken.json",
        ] {
            std::fs::set_permissions(ws.file(rel), std::fs::Permissions::from_mode(m & 0o444))
                .unwrap();
        }
    };
    mode(0o555);
    std::fs::set_permissions(ws.home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = if root_is_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin());
        c
    } else {
        std::process::Command::new(bin())
    };
    let out = cmd
        .env("HOME", ws.home.path())
        .env("NO_COLOR", "1")
        .arg("-w")
        .arg(ws.path())
        .args(["plugins", "add", "x"])
        .output()
        .unwrap();
    mode(0o755);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Permission denied") && stderr.contains("read-only"),
        "{stderr}"
    );
    assert_eq!(ws.snapshot(), before);
}

/// A complete rewrite of a large config (20,000 keys replaced by 20,000
/// others) is written at once, and its `--dry-run` diff shown at once: the
/// diff's cost is bounded (it used to be computed, quadratically, on every
/// write, even without `-v`: about a minute for this one).
#[test]
fn a_complete_rewrite_of_a_large_config_costs_linear_time() {
    let ws = Ws::new();
    // 20,000 instructions replaced by 20,000 others: a config OpenCode takes.
    let list = |p: &str| {
        (0..20_000)
            .map(|i| format!("{p}{i}.md"))
            .collect::<Vec<_>>()
    };
    let (old, new) = (
        serde_json::json!({ "instructions": list("a") }),
        serde_json::json!({ "instructions": list("b") }),
    );
    ws.write(
        "opencode.jsonc",
        &serde_json::to_string_pretty(&old).unwrap(),
    );
    ws.write(
        "import.json",
        &serde_json::json!({ "opencode": new }).to_string(),
    );
    let bound = std::time::Duration::from_secs(20);
    let args = ["import", "import.json", "--mode", "opencode=replace"];
    let dry = ws
        .cmd()
        .current_dir(ws.path())
        .args(args)
        .arg("--dry-run")
        .timeout(bound)
        .output()
        .unwrap();
    assert!(dry.status.success(), "{dry:?}");
    assert!(String::from_utf8_lossy(&dry.stdout).contains("+    \"b19999.md\""));
    let done = ws
        .cmd()
        .current_dir(ws.path())
        .args(args)
        .timeout(bound)
        .output()
        .unwrap();
    assert!(done.status.success(), "{done:?}");
    assert!(ws.read("opencode.jsonc").contains("\"b19999.md\""));
}
