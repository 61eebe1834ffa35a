//! The offline CLI on real temporary workspaces: exact file bytes, JSON
//! shapes and audit entries.

use crate::support::cli::Ws;
use crate::support::{AUDIT_ENTRY_KEYS, bin};
use serde_json::{Value, json};

const COMMENTED: &str = r#"{
  // Our OpenCode setup.
  "$schema": "https://opencode.ai/config.json",
  "username": "dark", /* keep me */
  "plugin": [
    "opencode-wakatime", // time tracking
    "@acme/tools@1.2.0",
  ],
}
"#;

#[test]
fn plugins_add_creates_the_config() {
    let ws = Ws::new();
    ws.run(&["plugins", "add", "opencode-wakatime"]).ok();
    assert_eq!(
        ws.read("opencode.jsonc"),
        "{\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"plugin\": [\"opencode-wakatime\"]\n}\n"
    );
    let audit = ws.audit();
    assert_eq!(audit.len(), 1);
    let e = &audit[0];
    assert_eq!(e["action"], "plugins.add");
    assert_eq!(e["summary"], "Add plugin opencode-wakatime");
    assert_eq!(e["actor"], json!({"type": "host", "clientId": "cli"}));
    assert_eq!(e["workspaceId"].as_str().map(str::len), Some(15));
    assert!(e["id"].as_str().is_some_and(|s| s.len() == 36));
    assert!(
        e["timestamp"]
            .as_u64()
            .is_some_and(|t| t > 1_600_000_000_000)
    );
    let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, AUDIT_ENTRY_KEYS);
}

#[test]
fn plugins_add_keeps_comments_byte_for_byte_and_is_idempotent() {
    let ws = Ws::new();
    ws.write("opencode.jsonc", COMMENTED);
    let out = ws.run(&["plugins", "add", "opencode-notify@2"]).ok();
    assert!(
        out.stdout.contains("Add plugin opencode-notify@2"),
        "{}",
        out.stdout
    );
    let expected = COMMENTED.replace(
        "    \"@acme/tools@1.2.0\",\n",
        "    \"@acme/tools@1.2.0\",\n    \"opencode-notify@2\",\n",
    );
    assert_eq!(ws.read("opencode.jsonc"), expected);
    // Same plugin again, the bare name of a pinned one: no-ops.
    let before = ws.snapshot();
    let out = ws
        .run(&["plugins", "add", "opencode-notify@2", "@acme/tools"])
        .ok();
    assert_eq!(
        out.stdout,
        "Plugin opencode-notify@2 is already in opencode.jsonc; nothing to do\n\
         Plugin @acme/tools@1.2.0 is already in opencode.jsonc; nothing to do\n"
    );
    assert_eq!(
        ws.snapshot(),
        before,
        "a no-op leaves every file byte-identical, the audit log included"
    );
}

#[test]
fn plugins_use_an_existing_opencode_json() {
    let ws = Ws::new();
    ws.write("opencode.json", "{\"plugin\": \"solo\"}\n");
    ws.run(&["plugins", "add", "two"]).ok();
    assert!(!ws.file("opencode.jsonc").exists());
    let v: Value = serde_json::from_str(&ws.read("opencode.json")).unwrap();
    assert_eq!(v["plugin"], json!(["solo", "two"]));
}

#[test]
fn plugins_remove_by_normalised_name_and_list_json() {
    let ws = Ws::new();
    ws.write("opencode.jsonc", COMMENTED);
    ws.write(".opencode/plugins/local.ts", "export default {}\n");
    ws.write(".opencode/plugins/notes.md", "ignored\n");
    let out = ws.run(&["--json", "plugins", "remove", "@acme/tools"]).ok();
    let v = out.json();
    assert_eq!(
        v["loadOrder"],
        json!([
            "config.global",
            "config.project",
            "dir.global",
            "dir.project"
        ])
    );
    let items = v["items"].as_array().unwrap();
    assert_eq!(
        items[0],
        json!({"spec": "opencode-wakatime", "source": "config", "scope": "project",
               "file": ws.file("opencode.jsonc").display().to_string(), "origin": "project", "editable": true})
    );
    // A plugin file is listed; openwork never edits one.
    assert_eq!(items[1]["editable"], false);
    assert_eq!(items[1]["source"], "dir.project");
    assert_eq!(items[1]["path"], ".opencode/plugins/local.ts");
    assert_eq!(
        items[1]["spec"],
        format!("file://{}", ws.file(".opencode/plugins/local.ts").display())
    );
    assert_eq!(items.len(), 2);
    assert!(ws.read("opencode.jsonc").contains("// time tracking"));
    assert!(!ws.read("opencode.jsonc").contains("acme"));
    // Removing what is not there is an error, unless --if-exists: nothing to do.
    let before = ws.snapshot();
    assert_eq!(ws.run(&["plugins", "remove", "nope"]).code, 1);
    ws.run(&["plugins", "remove", "nope", "--if-exists"]).ok();
    assert_eq!(ws.snapshot(), before);
}

#[test]
fn plugins_list_global() {
    let ws = Ws::new();
    let global = ws.home.path().join(".config/opencode");
    std::fs::create_dir_all(global.join("plugins")).unwrap();
    std::fs::write(
        global.join("opencode.json"),
        r#"{"plugin": ["global-one"]}"#,
    )
    .unwrap();
    std::fs::write(global.join("plugins/g.js"), "").unwrap();
    ws.write("opencode.jsonc", r#"{"plugin": ["proj"]}"#);
    let v = ws
        .run(&["--json", "plugins", "list", "--global"])
        .ok()
        .json();
    let sources: Vec<(&str, &str)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["source"].as_str().unwrap(), i["scope"].as_str().unwrap()))
        .collect();
    assert_eq!(
        sources,
        [
            ("config", "global"),
            ("config", "project"),
            ("dir.global", "global")
        ]
    );
    let v = ws.run(&["--json", "plugins", "list"]).ok().json();
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
}

#[test]
fn mcp_add_local_remote_json_and_remove() {
    let ws = Ws::new();
    ws.write(
        "opencode.jsonc",
        "{\n  // servers below\n  \"theme\": \"dark\"\n}\n",
    );
    ws.run(&[
        "mcp",
        "add",
        "chrome",
        "--env",
        "DEBUG=1",
        "--timeout",
        "5000",
        "--",
        "npx",
        "-y",
        "chrome-devtools-mcp@latest",
    ])
    .ok();
    ws.run(&[
        "mcp",
        "add",
        "docs",
        "--url",
        "https://mcp.example.com/mcp",
        "--header",
        "Authorization: Bearer x",
        "--no-oauth",
        "--disabled",
    ])
    .ok();
    assert_eq!(
        ws.read("opencode.jsonc"),
        r#"{
  // servers below
  "theme": "dark",
  "mcp": {
    "chrome": {
      "type": "local",
      "command": ["npx", "-y", "chrome-devtools-mcp@latest"],
      "environment": {
        "DEBUG": "1"
      },
      "enabled": true,
      "timeout": 5000
    },
    "docs": {
      "type": "remote",
      "url": "https://mcp.example.com/mcp",
      "headers": {
        "Authorization": "Bearer x"
      },
      "oauth": false,
      "enabled": false
    }
  }
}
"#
    );
    let out = ws
        .run(&[
            "--json",
            "mcp",
            "add-json",
            "fs",
            r#"{"type":"local","command":["mcp-fs"],"environment":{"KEPT":"1"}}"#,
        ])
        .ok();
    let items = out.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[2],
        json!({"name": "fs", "config": {"type":"local","command":["mcp-fs"],"environment":{"KEPT":"1"}}, "source": "config.project",
               "file": ws.file("opencode.jsonc").display().to_string(), "origin": "project", "editable": true})
    );
    // Same config again: no-op.
    let before = ws.snapshot();
    ws.run(&[
        "mcp",
        "add-json",
        "fs",
        r#"{"type":"local","command":["mcp-fs"],"environment":{"KEPT":"1"}}"#,
    ])
    .ok();
    assert_eq!(ws.snapshot(), before);
    ws.run(&["mcp", "remove", "chrome", "docs"]).ok();
    let v = ws.run(&["--json", "mcp", "list"]).ok().json();
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert!(ws.read("opencode.jsonc").contains("// servers below"));
    let actions: Vec<String> = ws
        .audit()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions,
        ["mcp.add", "mcp.add", "mcp.add", "mcp.remove", "mcp.remove"]
    );
}

#[test]
fn mcp_disabled_by_tools() {
    let ws = Ws::new();
    ws.write(
        "opencode.jsonc",
        r#"{"mcp": {"a": {"type":"remote","url":"u"}, "b": {"type":"remote","url":"u"}, "c": {"type":"remote","url":"u"}},
            "tools": {"deny": ["mcp.a"], "c_*": false}}"#,
    );
    let v = ws.run(&["--json", "mcp", "list"]).ok().json();
    let items = v["items"].as_array().unwrap();
    assert_eq!(items[0]["disabledByTools"], true);
    assert!(items[1].get("disabledByTools").is_none());
    assert_eq!(items[2]["disabledByTools"], true);
}

#[test]
fn skills_add_show_list_remove() {
    let ws = Ws::new();
    std::fs::create_dir(ws.file(".git")).unwrap();
    let out = ws
        .run_stdin(
            &[
                "--json",
                "skills",
                "add",
                "release-notes",
                "--description",
                "Write release notes",
            ],
            "# Release notes\n\nSteps.\n\n",
        )
        .ok();
    let written = out.json();
    let skill_path = ws.file(".opencode/skills/release-notes/SKILL.md");
    assert_eq!(
        written,
        json!({"name": "release-notes", "path": skill_path.display().to_string(), "description": "Write release notes", "scope": "project"})
    );
    assert_eq!(
        ws.read(".opencode/skills/release-notes/SKILL.md"),
        "---\nname: release-notes\ndescription: Write release notes\n---\n# Release notes\n\nSteps.\n"
    );
    // From a file whose frontmatter carries the description and extra keys.
    ws.write(
        "in.md",
        "---\nname: triage\ndescription: Triage issues\nlicense: MIT\n---\n\nBody\n",
    );
    ws.run(&[
        "skills",
        "add",
        "triage",
        "--file",
        ws.file("in.md").to_str().unwrap(),
        "-d",
        "ignored",
    ])
    .ok();
    assert_eq!(
        ws.read(".opencode/skills/triage/SKILL.md"),
        "---\nname: triage\ndescription: Triage issues\nlicense: MIT\n---\nBody\n"
    );
    // Claude-style skills are listed too, by the name their frontmatter
    // gives (as OpenCode lists them), by name.
    ws.write(
        ".claude/skills/claude-one/SKILL.md",
        "---\nname: claude-one\ndescription: From Claude\n---\nx\n",
    );
    ws.write(
        ".claude/skills/broken/SKILL.md",
        "---\nname: other\ndescription: Wrong name\n---\nx\n",
    );
    let v = ws.run(&["--json", "skills", "list"]).ok().json();
    let names: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["claude-one", "other", "release-notes", "triage"]);
    let claude = &v["items"][0];
    assert_eq!(
        (&claude["origin"], &claude["editable"]),
        (&json!("claude"), &json!(false))
    );
    let show = ws.run(&["skills", "show", "triage"]).ok();
    assert_eq!(show.stdout, ws.read(".opencode/skills/triage/SKILL.md"));
    ws.run(&["skills", "remove", "triage"]).ok();
    assert!(!ws.file(".opencode/skills/triage").exists());
    let out = ws.run(&["skills", "remove", "triage"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("skill \"triage\" is not in .opencode/skills"),
        "{}",
        out.stderr
    );
}

#[test]
fn skills_walk_up_to_the_git_root() {
    let repo = Ws::new();
    std::fs::create_dir(repo.file(".git")).unwrap();
    repo.write(
        ".opencode/skills/top-skill/SKILL.md",
        "---\nname: top-skill\ndescription: At the root\n---\n",
    );
    repo.write(
        "pkg/app/.opencode/skills/near/SKILL.md",
        "---\nname: near\ndescription: Nearest\n---\n",
    );
    let out = repo
        .cmd_in(&repo.file("pkg/app"))
        .args(["--json", "skills", "list"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["near", "top-skill"]);
}

#[cfg(unix)]
#[test]
fn symlinked_skills_are_not_listed_or_written_through() {
    let ws = Ws::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("SKILL.md"),
        "---\nname: evil\ndescription: Outside\n---\n",
    )
    .unwrap();
    std::fs::create_dir_all(ws.file(".opencode/skills")).unwrap();
    std::os::unix::fs::symlink(outside.path(), ws.file(".opencode/skills/evil")).unwrap();
    let v = ws.run(&["--json", "skills", "list"]).ok().json();
    assert_eq!(v["items"], json!([]));
    let out = ws.run_stdin(&["skills", "add", "evil", "-d", "x"], "body");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("SKILL.md")).unwrap(),
        "---\nname: evil\ndescription: Outside\n---\n"
    );
}

#[test]
fn commands_add_list_remove() {
    let ws = Ws::new();
    ws.run(&[
        "commands",
        "add",
        "/review",
        "--template",
        "  Review $ARGUMENTS\n",
        "--description",
        "Review code",
    ])
    .ok();
    assert_eq!(
        ws.read(".opencode/commands/review.md"),
        "---\nname: review\ndescription: Review code\n---\n\nReview $ARGUMENTS\n"
    );
    ws.write("t.md", "Deploy it\n");
    ws.run(&[
        "commands",
        "add",
        "deploy",
        "--file",
        ws.file("t.md").to_str().unwrap(),
        "--agent",
        "build",
        "--model",
        "anthropic/claude",
        "--subtask",
    ])
    .ok();
    assert_eq!(
        ws.read(".opencode/commands/deploy.md"),
        "---\nname: deploy\nagent: build\nmodel: anthropic/claude\nsubtask: true\n---\n\nDeploy it\n"
    );
    let v = ws.run(&["--json", "commands", "list"]).ok().json();
    assert_eq!(
        v["items"],
        json!([
            {"name": "deploy", "template": "Deploy it", "agent": "build", "model": "anthropic/claude", "subtask": true, "scope": "workspace",
             "file": ws.file(".opencode/commands/deploy.md").display().to_string(), "origin": "project", "editable": true},
            {"name": "review", "description": "Review code", "template": "Review $ARGUMENTS", "model": null, "scope": "workspace",
             "file": ws.file(".opencode/commands/review.md").display().to_string(), "origin": "project", "editable": true}
        ])
    );
    let v = ws
        .run(&["--json", "commands", "remove", "review"])
        .ok()
        .json();
    assert_eq!(v, json!({"ok": true}));
    assert!(!ws.file(".opencode/commands/review.md").exists());
    // Removing it again is an error, unless --if-exists: nothing to do.
    let before = ws.snapshot();
    assert_eq!(ws.run(&["commands", "remove", "review"]).code, 1);
    ws.run(&["commands", "remove", "review", "--if-exists"])
        .ok();
    assert_eq!(ws.snapshot(), before);
}

#[test]
fn config_show_and_patch() {
    let ws = Ws::new();
    ws.write("opencode.jsonc", COMMENTED);
    let v = ws.run(&["--json", "config", "show"]).ok().json();
    assert_eq!(v["opencode"]["username"], "dark");
    assert_eq!(v["openwork"], json!({}));
    assert_eq!(v["updatedAt"], Value::Null);
    let v = ws
        .run(&[
            "--json",
            "config",
            "patch",
            "--opencode",
            r#"{"username":"light","share":"manual"}"#,
            "--openwork",
            r#"{"a":1}"#,
        ])
        .ok()
        .json();
    assert_eq!(v["opencode"]["username"], "light");
    assert_eq!(v["openwork"], json!({"a": 1}));
    assert!(v["updatedAt"].as_u64().is_some());
    let text = ws.read("opencode.jsonc");
    assert!(
        text.contains("// Our OpenCode setup.")
            && text.contains("/* keep me */")
            && text.contains("// time tracking")
    );
    assert!(text.contains("\"username\": \"light\""));
    ws.run(&["config", "patch", "--openwork", r#"{"b":2}"#])
        .ok();
    assert_eq!(
        ws.read(".opencode/openwork.json"),
        "{\n  \"a\": 1,\n  \"b\": 2\n}\n"
    );
    assert_eq!(ws.audit().last().unwrap()["action"], "config.patch");
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let ws = Ws::new();
    ws.write("opencode.jsonc", COMMENTED);
    let before = ws.snapshot();
    let out = ws.run(&["plugins", "add", "new-one", "--dry-run"]).ok();
    assert!(
        out.stdout
            .contains("--- a/opencode.jsonc\n+++ b/opencode.jsonc\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("+    \"new-one\",\n"), "{}", out.stdout);
    let out = ws
        .run_stdin(
            &["--json", "skills", "add", "s", "-d", "d", "--dry-run"],
            "body",
        )
        .ok();
    let v = out.json();
    assert_eq!(v["dryRun"], true);
    assert_eq!(v["action"], "skills.upsert");
    assert!(
        v["diff"]
            .as_str()
            .unwrap()
            .contains("+++ b/.opencode/skills/s/SKILL.md")
    );
    assert_eq!(ws.snapshot(), before);
}

#[test]
fn export_then_import_into_another_workspace() {
    let src = Ws::new();
    src.write("opencode.jsonc", COMMENTED);
    src.write(".opencode/openwork.json", "{\"k\": true}\n");
    src.run_stdin(&["skills", "add", "one", "-d", "First"], "# One\n")
        .ok();
    src.run(&["commands", "add", "hi", "-t", "Say hi", "-d", "Greets"])
        .ok();
    let doc_path = src.file("export.json");
    src.run(&["export", "-o", doc_path.to_str().unwrap()]).ok();
    let doc: Value = serde_json::from_str(&src.read("export.json")).unwrap();
    assert_eq!(
        doc["skills"],
        json!([{"name": "one", "description": "First", "content": "---\nname: one\ndescription: First\n---\n# One\n"}])
    );
    assert_eq!(
        doc["commands"],
        json!([{"name": "hi", "description": "Greets", "template": "Say hi"}])
    );
    assert!(doc["exportedAt"].as_u64().is_some());

    let dst = Ws::new();
    dst.write(
        ".opencode/skills/old/SKILL.md",
        "---\nname: old\ndescription: Old\n---\n",
    );
    dst.run(&[
        "import",
        doc_path.to_str().unwrap(),
        "--mode",
        "skills=replace",
    ])
    .ok();
    assert_eq!(
        dst.read(".opencode/skills/one/SKILL.md"),
        src.read(".opencode/skills/one/SKILL.md")
    );
    assert!(!dst.file(".opencode/skills/old").exists());
    assert_eq!(
        dst.read(".opencode/commands/hi.md"),
        src.read(".opencode/commands/hi.md")
    );
    let v = dst.run(&["--json", "config", "show"]).ok().json();
    assert_eq!(v["opencode"], doc["opencode"]);
    assert_eq!(v["openwork"], json!({"k": true}));
    let audit = dst.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["action"], "config.import");
    // Importing the same document again changes nothing.
    let before = dst.snapshot();
    dst.run(&["import", doc_path.to_str().unwrap()]).ok();
    assert_eq!(dst.snapshot(), before);
}

#[test]
fn import_commands_as_whole_files_from_stdin() {
    let ws = Ws::new();
    let doc =
        json!({"commands": [{"content": "---\nname: fromfile\ndescription: D\n---\nDo things\n"}]});
    ws.run_stdin(&["import", "-"], &doc.to_string()).ok();
    assert_eq!(
        ws.read(".opencode/commands/fromfile.md"),
        "---\nname: fromfile\ndescription: D\n---\n\nDo things\n"
    );
}

#[test]
fn audit_newest_first_with_limit() {
    let ws = Ws::new();
    for p in ["a", "b", "c"] {
        ws.run(&["plugins", "add", p]).ok();
    }
    let v = ws.run(&["--json", "audit", "--limit", "2"]).ok().json();
    let summaries: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert_eq!(summaries, ["Add plugin c", "Add plugin b"]);
    let out = ws.run(&["audit"]).ok();
    assert!(
        out.stdout.contains("plugins.add") && out.stdout.contains("host (cli)"),
        "{}",
        out.stdout
    );
}

#[test]
fn two_processes_adding_100_plugins_each_lose_nothing() {
    let ws = Ws::new();
    ws.write("opencode.jsonc", COMMENTED);
    let spawn = |prefix: &str| {
        let specs: Vec<String> = (0..100).map(|i| format!("{prefix}-{i}")).collect();
        let mut cmd = std::process::Command::new(bin());
        cmd.env("HOME", ws.home.path())
            .arg("-q")
            .arg("-w")
            .arg(ws.path())
            .args(["plugins", "add"])
            .args(&specs);
        cmd.spawn().expect("spawn")
    };
    let (mut a, mut b) = (spawn("alpha"), spawn("beta"));
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    let v = ws.run(&["--json", "plugins", "list"]).ok().json();
    let specs: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["spec"].as_str().unwrap())
        .collect();
    assert_eq!(specs.len(), 202);
    for prefix in ["alpha", "beta"] {
        for i in 0..100 {
            let spec = format!("{prefix}-{i}");
            assert!(specs.contains(&spec.as_str()), "{spec} lost");
        }
    }
    assert_eq!(ws.audit().len(), 200);
    let text = ws.read("opencode.jsonc");
    assert!(text.contains("// Our OpenCode setup.") && text.contains("// time tracking"));
}

#[test]
fn version_and_help() {
    let ws = Ws::new();
    let out = ws.run(&["--version"]).ok();
    assert!(out.stdout.starts_with("openwork "), "{}", out.stdout);
    let out = ws.run(&["mcp", "add", "--help"]).ok();
    assert!(
        out.stdout
            .contains("openwork mcp add chrome -- npx -y chrome-devtools-mcp@latest")
    );
}

#[test]
fn verbose_writes_print_the_diff_written_on_stderr() {
    let ws = Ws::new();
    ws.write("opencode.jsonc", COMMENTED);
    let out = ws.run(&["-v", "plugins", "add", "shown"]).ok();
    assert!(
        out.stderr.contains("+++ b/opencode.jsonc"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("+    \"shown\",\n"), "{}", out.stderr);
    // Without -v: no diff, only the note that OpenCode must restart.
    let plain = ws.run(&["plugins", "add", "hidden"]).ok();
    assert_eq!(
        plain.stderr,
        "note: a running OpenCode reads its configuration when it starts: restart it to see this change\n"
    );
    // Nothing at all with -q, and none after a write that changed nothing.
    let quiet = ws.run(&["-q", "plugins", "add", "other"]).ok();
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    let noop = ws.run(&["--json", "plugins", "add", "other"]).ok();
    assert!(noop.stderr.is_empty(), "{}", noop.stderr);
    assert!(noop.stdout.starts_with('{'), "{}", noop.stdout);
}
