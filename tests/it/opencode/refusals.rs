//! What OpenCode refuses or silently drops, openwork refuses, naming the
//! field, and writes nothing. Each config is also written by hand into a
//! workspace of its own and shown to OpenCode: it must stop with
//! "Configuration is invalid" (exit 1) or load without the dropped part —
//! so each refusal is one OpenCode would make (or a drop it would hide).

use super::Case;

enum Write {
    /// `openwork mcp add-json x CONFIG` (and `{"mcp": {"x": CONFIG}}` by hand).
    Mcp(&'static str),
    /// `openwork config patch --opencode PATCH` (and PATCH as the file).
    Patch(&'static str),
}

enum OpenCode {
    /// Refuses to start.
    Fails,
    /// Loads, without what this JSON pointer of `debug config` names.
    Drops(&'static str),
}

const CASES: &[(Write, &str, OpenCode)] = &[
    (
        Write::Mcp(r#"{"type":"local","command":["n"],"environment":{"PORT":8080}}"#),
        "mcp.x.environment.PORT: invalid type: integer 8080",
        OpenCode::Fails,
    ),
    (
        Write::Mcp(r#"{"type":"local","command":["n"],"enabled":"false"}"#),
        "mcp.x.enabled: invalid type: string \"false\"",
        OpenCode::Fails,
    ),
    (
        Write::Mcp(r#"{"type":"local","command":["n"],"timeout":-5}"#),
        "mcp.x.timeout: expected a value greater than 0",
        OpenCode::Fails,
    ),
    (
        Write::Mcp(r#"{"type":"local","command":["n"],"timeout":1.5}"#),
        "mcp.x.timeout: expected an integer",
        OpenCode::Fails,
    ),
    (
        Write::Mcp(r#"{"type":"remote","url":"http://127.0.0.1:9/mcp","headers":{"X-N":1}}"#),
        "mcp.x.headers.X-N: invalid type: integer 1",
        OpenCode::Fails,
    ),
    (
        Write::Mcp(
            r#"{"type":"remote","url":"http://127.0.0.1:9/mcp","oauth":{"callbackPort":70000}}"#,
        ),
        "callbackPort: expected a value between 1 and 65535",
        OpenCode::Fails,
    ),
    (
        Write::Mcp(r#"{"type":"local","command":"node x"}"#),
        "mcp.x.command: invalid type: string \"node x\"",
        OpenCode::Fails,
    ),
    (
        Write::Mcp(r#"{}"#),
        "mcp.x: an MCP server needs \"type\"",
        OpenCode::Fails,
    ),
    (
        Write::Mcp(r#"{"enabled":null}"#),
        "mcp.x.enabled: invalid type: null",
        OpenCode::Fails,
    ),
    (
        Write::Mcp(r#"{"type":"local","command":["n"],"env":{"A":"1"}}"#),
        "did you mean \"environment\"?",
        OpenCode::Drops("/mcp/x/env"),
    ),
    (
        Write::Mcp(r#"{"type":"local","command":["n"],"bogus":1}"#),
        "\"bogus\" is not an OpenCode field",
        OpenCode::Drops("/mcp/x/bogus"),
    ),
    (
        Write::Mcp(r#"{"type":"loca","command":["n"],"enabled":true}"#),
        "did you mean \"local\"?",
        OpenCode::Drops("/mcp/x/command"),
    ),
    (
        Write::Patch(r#"{"share":"never"}"#),
        "share: unknown variant \"never\"",
        OpenCode::Fails,
    ),
    (
        Write::Patch(r#"{"$schema":5}"#),
        "$schema: invalid type: integer 5",
        OpenCode::Fails,
    ),
    (
        Write::Patch(r#"{"tools":{"bash":"no"}}"#),
        "tools.bash: invalid type: string \"no\"",
        OpenCode::Fails,
    ),
    (
        Write::Patch(r#"{"command":{"r":{"template":"t","model":null}}}"#),
        "command.r.model: invalid type: null",
        OpenCode::Fails,
    ),
    (
        Write::Patch(r#"{"plugin":[["a"]]}"#),
        "plugin.0: must be a spec or [spec, {options}]",
        OpenCode::Fails,
    ),
    (
        Write::Patch(r#"{"permissions":{}}"#),
        "use \"permission\"",
        OpenCode::Fails,
    ),
    (
        Write::Patch(r#"{"theme":"dark"}"#),
        "reads it from tui.json",
        OpenCode::Drops("/theme"),
    ),
    (
        Write::Patch(r#"{"unknownTop":5}"#),
        "\"unknownTop\" is not an OpenCode field",
        OpenCode::Drops("/unknownTop"),
    ),
];

#[test]
fn what_opencode_refuses_or_drops_openwork_refuses() {
    if super::harness::opencode().is_none() {
        return;
    }
    std::thread::scope(|s| {
        for (write, message, expect) in CASES {
            s.spawn(move || one(write, message, expect));
        }
    });
}

fn one(write: &Write, message: &str, expect: &OpenCode) {
    let Some(ours) = Case::new("proj", Some("proj")) else {
        return;
    };
    ours.write(
        "proj/opencode.jsonc",
        "{\n  // keep\n  \"$schema\": \"https://opencode.ai/config.json\"\n}\n",
    );
    let before = ours.snapshot();
    let (args, by_hand) = match write {
        Write::Mcp(config) => (
            vec!["mcp", "add-json", "x", config],
            format!("{{\"mcp\": {{\"x\": {config}}}}}"),
        ),
        Write::Patch(patch) => (
            vec!["config", "patch", "--opencode", patch],
            patch.to_string(),
        ),
    };
    let out = ours.ow(&args);
    assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    assert!(
        out.stderr.contains(message),
        "{args:?}: expected {message:?} in {}",
        out.stderr
    );
    assert_eq!(ours.snapshot(), before, "{args:?} changed a file");

    let Some(theirs) = Case::new("proj", Some("proj")) else {
        return;
    };
    theirs.write("proj/opencode.json", &by_hand);
    let run = theirs.oc(&["debug", "config"]);
    match expect {
        OpenCode::Fails => {
            assert_eq!(run.code, Some(1), "OpenCode took {by_hand}: {}", run.stdout);
            assert!(
                run.stderr.contains("Configuration is invalid"),
                "{by_hand}: {}",
                run.stderr
            );
        }
        OpenCode::Drops(pointer) => {
            let config = run.ok().json();
            assert!(
                config.pointer(pointer).is_none(),
                "OpenCode kept {pointer} of {by_hand}: {config}"
            );
        }
    }
}

/// The command file openwork used to write (`model: null`) stops OpenCode;
/// the one it writes now loads (see `config_files`).
#[test]
fn the_old_command_file_stops_opencode() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    c.write(
        "proj/.opencode/commands/review.md",
        "---\nname: review\ndescription: Review code\nmodel: null\nsubtask: false\n---\n\nReview $ARGUMENTS\n",
    );
    let run = c.oc(&["debug", "config"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("got null"), "{}", run.stderr);
}
