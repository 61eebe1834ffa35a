//! What OpenCode reads from every place, as openwork lists and edits it:
//! both config files, `.opencode/opencode.jsonc`, parent folders up to the
//! git root, user-wide files, plugin tuples, singular folders, nested and
//! inline commands, skills wherever OpenCode finds them. These run without
//! OpenCode; `tests/it/opencode/` holds the same workspaces up against the
//! real one.

use crate::support::cli::Ws;
use crate::support::serve::Server;
use serde_json::{Value, json};

fn names(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {v}"))
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

fn item<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name || i["spec"] == name)
        .unwrap_or_else(|| panic!("no {name} in {v}"))
}

/// A workspace `repo/sub` in a git repository `repo`.
fn nested() -> (Ws, std::path::PathBuf) {
    let ws = Ws::new();
    std::fs::create_dir_all(ws.file("repo/.git")).unwrap();
    std::fs::create_dir_all(ws.file("repo/sub")).unwrap();
    let sub = ws.file("repo/sub");
    (ws, sub)
}

#[test]
fn both_config_files_and_the_dot_opencode_one_are_read_and_edited_in_place() {
    let ws = Ws::new();
    ws.write(
        "opencode.json",
        r#"{"plugin": ["from-json"], "mcp": {"a": {"type": "local", "command": ["a"]}}}"#,
    );
    ws.write(
        "opencode.jsonc",
        "{\n  // main\n  \"plugin\": [\"from-jsonc\"],\n  \"mcp\": {\"b\": {\"type\": \"local\", \"command\": [\"b\"]}}\n}\n",
    );
    ws.write(
        ".opencode/opencode.jsonc",
        "{\n  // the dot one\n  \"mcp\": {\"c\": {\"type\": \"remote\", \"url\": \"https://c\"}}\n}\n",
    );
    let plugins = ws.run(&["--json", "plugins", "list"]).ok().json();
    let specs: Vec<&str> = plugins["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["spec"].as_str().unwrap())
        .collect();
    assert_eq!(specs, ["from-json", "from-jsonc"]);
    // GET /config: the project's main file as it is, and the resolved view.
    let config = ws.run(&["--json", "config", "show"]).ok().json();
    assert_eq!(config["opencode"]["plugin"], json!(["from-jsonc"]));
    let resolved = &config["resolved"];
    assert_eq!(
        resolved["opencode"]["plugin"],
        json!(["from-json", "from-jsonc"])
    );
    assert_eq!(
        resolved["opencode"]["mcp"]["c"],
        json!({"type": "remote", "url": "https://c"})
    );
    let files: Vec<&str> = resolved["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    let file = |rel: &str| ws.file(rel).display().to_string();
    assert_eq!(
        files,
        [
            file("opencode.json"),
            file("opencode.jsonc"),
            file(".opencode/opencode.jsonc")
        ]
    );
    let mcp = ws.run(&["--json", "mcp", "list"]).ok().json();
    assert_eq!(names(&mcp), ["a", "b", "c"]);
    assert_eq!(
        item(&mcp, "c")["file"],
        ws.file(".opencode/opencode.jsonc").display().to_string()
    );
    assert_eq!(item(&mcp, "a")["editable"], true);

    // Each server is edited where it is defined, comments kept.
    ws.run(&["mcp", "add", "c", "--url", "https://c2"]).ok();
    assert!(ws.read(".opencode/opencode.jsonc").contains("https://c2"));
    assert!(
        ws.read(".opencode/opencode.jsonc")
            .contains("// the dot one")
    );
    assert!(!ws.read("opencode.jsonc").contains("https://c2"));
    ws.run(&["mcp", "remove", "a"]).ok();
    assert!(!ws.read("opencode.json").contains("\"a\""));
    let mcp = ws.run(&["--json", "mcp", "list"]).ok().json();
    assert_eq!(names(&mcp), ["b", "c"]);
    // A new server goes to the main config.
    ws.run(&["mcp", "add", "d", "--", "d"]).ok();
    assert!(ws.read("opencode.jsonc").contains("\"d\""));
}

#[test]
fn parent_and_user_wide_items_are_listed_read_only_and_overridden_where_opencode_can() {
    let (ws, sub) = nested();
    ws.write(
        "repo/opencode.json",
        r#"{"mcp": {"p": {"type": "local", "command": ["p"]}}}"#,
    );
    ws.write(
        "repo/.opencode/opencode.json",
        r#"{"mcp": {"q": {"type": "local", "command": ["q"], "enabled": true}}}"#,
    );
    ws.write(
        "repo/.opencode/commands/pc.md",
        "---\ndescription: From the parent\n---\nParent\n",
    );
    let global = ws.home.path().join(".config/opencode");
    std::fs::create_dir_all(global.join("commands")).unwrap();
    std::fs::write(
        global.join("opencode.json"),
        r#"{"mcp": {"g": {"type": "remote", "url": "https://g"}}}"#,
    )
    .unwrap();
    std::fs::write(global.join("commands/gc.md"), "Global\n").unwrap();
    let run = |args: &[&str]| {
        crate::support::cli::Output::from(ws.cmd_in(&sub).args(args).output().unwrap())
    };

    let mcp = run(&["--json", "mcp", "list"]).ok().json();
    assert_eq!(names(&mcp), ["p", "q"]);
    let p = item(&mcp, "p");
    assert_eq!(
        (&p["origin"], &p["editable"], &p["source"]),
        (&json!("parent"), &json!(false), &json!("config.project"))
    );
    let all = run(&["--json", "mcp", "list", "--global"]).ok().json();
    assert_eq!(names(&all), ["g", "p", "q"]);
    assert_eq!(item(&all, "g")["origin"], "global");
    assert_eq!(item(&all, "g")["source"], "config.global");

    // Removing a parent's server writes OpenCode's override in the project.
    run(&["mcp", "remove", "p"]).ok();
    let main = std::fs::read_to_string(sub.join("opencode.jsonc")).unwrap();
    let main: Value = serde_json::from_str(&main).unwrap();
    assert_eq!(main["mcp"]["p"], json!({"enabled": false}));
    let mcp = run(&["--json", "mcp", "list"]).ok().json();
    let p = item(&mcp, "p");
    assert_eq!(
        p["config"],
        json!({"type": "local", "command": ["p"], "enabled": false})
    );
    assert_eq!(p["origin"], "project");
    assert_eq!(
        p["mergedFrom"],
        json!([ws.file("repo/opencode.json").display().to_string()])
    );
    // A parent's `.opencode` wins over the project and sets `enabled`: no override can work.
    let before = ws.snapshot();
    let out = run(&["mcp", "remove", "q"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("defined in") && out.stderr.contains("repo/.opencode/opencode.json"),
        "{}",
        out.stderr
    );
    assert_eq!(ws.snapshot(), before);
    let out = run(&["mcp", "add", "q", "--", "mine"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(ws.snapshot(), before);

    // Commands: a parent's `.opencode` wins over the project's; the global
    // config folder's loses to it.
    let cmds = run(&["--json", "commands", "list", "--global"]).ok().json();
    assert_eq!(
        names(&cmds),
        ["pc", "gc"],
        "the workspace's, then the user's"
    );
    assert_eq!(item(&cmds, "gc")["scope"], "global");
    assert_eq!(item(&cmds, "pc")["scope"], "workspace");
    assert_eq!(item(&cmds, "pc")["origin"], "parent");
    for args in [
        &["commands", "remove", "pc"][..],
        &["commands", "add", "pc", "-t", "Mine"][..],
    ] {
        let out = run(args);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("pc.md"), "{}", out.stderr);
        assert_eq!(ws.snapshot(), before, "{args:?}");
    }
    run(&["commands", "add", "gc", "-t", "Mine"]).ok();
    let cmds = run(&["--json", "commands", "list"]).ok().json();
    let gc = item(&cmds, "gc");
    assert_eq!(
        (&gc["template"], &gc["origin"]),
        (&json!("Mine"), &json!("project"))
    );
    assert_eq!(
        gc["mergedFrom"],
        json!([global.join("commands/gc.md").display().to_string()])
    );
}

#[test]
fn plugin_tuples_are_listed_never_doubled_and_removed() {
    let ws = Ws::new();
    ws.write(
        "opencode.jsonc",
        "{\n  // mine\n  \"plugin\": [[\"tup@1\", {\"k\": 1}], \"plain\"]\n}\n",
    );
    let list = ws.run(&["--json", "plugins", "list"]).ok().json();
    assert_eq!(item(&list, "tup@1")["options"], json!({"k": 1}));
    let before = ws.snapshot();
    ws.run(&["plugins", "add", "tup"]).ok();
    assert_eq!(
        ws.snapshot(),
        before,
        "a tuple of the same plugin makes adding its bare name a no-op"
    );
    ws.run(&["plugins", "remove", "tup"]).ok();
    let text = ws.read("opencode.jsonc");
    assert!(text.contains("// mine"), "{text}");
    let config = openwork::workspace::jsonc::parse_object(&text, "opencode.jsonc").unwrap();
    assert_eq!(config["plugin"], json!(["plain"]));
    // A plugin listed by a user-wide config cannot be removed from here.
    let global = ws.home.path().join(".config/opencode");
    std::fs::create_dir_all(&global).unwrap();
    std::fs::write(global.join("opencode.json"), r#"{"plugin": ["plain@2"]}"#).unwrap();
    let before = ws.snapshot();
    let out = ws.run(&["plugins", "remove", "plain"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("opencode.json"), "{}", out.stderr);
    assert_eq!(ws.snapshot(), before);
    // The project's entry comes later: it is the one OpenCode keeps.
    let list = ws
        .run(&["--json", "plugins", "list", "--global"])
        .ok()
        .json();
    let plain = item(&list, "plain");
    assert_eq!(plain["origin"], "project");
    assert_eq!(
        plain["replaces"],
        json!([global.join("opencode.json").display().to_string()])
    );
}

#[test]
fn singular_folders_nested_and_inline_commands() {
    let ws = Ws::new();
    ws.write(
        ".opencode/command/git/commit.md",
        "---\ndescription: Commit\n---\n\nCommit $ARGUMENTS\n",
    );
    ws.write(
        "opencode.jsonc",
        "{\n  // inline\n  \"command\": {\"inl\": {\"template\": \"Inline\", \"agent\": \"plan\"}}\n}\n",
    );
    ws.write(".opencode/plugin/p.js", "export default {}\n");
    let list = ws.run(&["--json", "commands", "list"]).ok().json();
    assert_eq!(names(&list), ["git/commit", "inl"]);
    assert_eq!(
        item(&list, "git/commit")["file"],
        ws.file(".opencode/command/git/commit.md")
            .display()
            .to_string()
    );
    assert_eq!(
        item(&list, "inl")["file"],
        ws.file("opencode.jsonc").display().to_string()
    );
    let show = ws.run(&["commands", "show", "git/commit"]).ok();
    assert_eq!(show.stdout, "Commit $ARGUMENTS\n");
    // Edited in place: the singular folder's file, the inline entry.
    ws.run(&["commands", "add", "git/commit", "-t", "New"]).ok();
    assert_eq!(
        ws.read(".opencode/command/git/commit.md"),
        "---\nname: git/commit\n---\n\nNew\n"
    );
    assert!(!ws.file(".opencode/commands").exists());
    ws.run(&["commands", "add", "inl", "-t", "Changed", "--subtask"])
        .ok();
    let config: Value =
        serde_json::from_str(&ws.read("opencode.jsonc").replace("// inline", "")).unwrap();
    assert_eq!(
        config["command"]["inl"],
        json!({"template": "Changed", "subtask": true})
    );
    // A new nested command gets its folder.
    ws.run(&["commands", "add", "/a/b", "-t", "Nested"]).ok();
    assert!(ws.file(".opencode/commands/a/b.md").is_file());
    ws.run(&["commands", "remove", "git/commit"]).ok();
    assert!(!ws.file(".opencode/command").exists());
    ws.run(&["commands", "remove", "inl"]).ok();
    let list = ws.run(&["--json", "commands", "list"]).ok().json();
    assert_eq!(names(&list), ["a/b"]);
    let plugins = ws.run(&["--json", "plugins", "list"]).ok().json();
    assert_eq!(plugins["items"][0]["path"], ".opencode/plugin/p.js");
}

#[tokio::test(flavor = "multi_thread")]
async fn nested_commands_are_removed_by_their_url_encoded_name() {
    let dir = crate::support::workspace();
    crate::support::write(
        &dir.path().join(".opencode/commands/git/commit.md"),
        "Commit\n",
    );
    let s = Server::auto(dir.path());
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    let list = s.get(&w("/commands")).await;
    assert_eq!(names(&list.json), ["git/commit"]);
    let r = s.delete(&w("/commands/git%2Fcommit")).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(!dir.path().join(".opencode/commands/git/commit.md").exists());
    let r = s.delete(&w("/commands/git%2F..%2F..%2Fx")).await;
    assert_eq!((r.status, r.code()), (400, "invalid_command_name"), "{r:?}");
}

#[test]
fn skills_wherever_opencode_finds_them() {
    let ws = Ws::new();
    let skill = |name: &str| format!("---\nname: {name}\ndescription: {name} skill\n---\nBody\n");
    ws.write(".agents/skills/ag/SKILL.md", &skill("ag"));
    ws.write(".opencode/skill/sg/SKILL.md", &skill("sg"));
    ws.write(".opencode/skills/group/nested/SKILL.md", &skill("nested"));
    ws.write(".opencode/skills/folder/SKILL.md", &skill("other-name"));
    ws.write("extra/p/SKILL.md", &skill("p"));
    ws.write("opencode.jsonc", r#"{"skills": {"paths": ["extra"]}}"#);
    ws.write(".claude/skills/dup/SKILL.md", &skill("dup"));
    ws.write(".opencode/skills/dup/SKILL.md", &skill("dup"));
    ws.write(
        ".opencode/skills/nodesc/SKILL.md",
        "---\nname: nodesc\n---\n",
    );
    let list = ws.run(&["--json", "skills", "list"]).ok().json();
    assert_eq!(
        names(&list),
        ["ag", "dup", "nested", "nodesc", "other-name", "p", "sg"]
    );
    let dup = item(&list, "dup");
    assert_eq!(dup["origin"], "project");
    assert_eq!(
        dup["duplicates"],
        json!([ws.file(".claude/skills/dup/SKILL.md").display().to_string()])
    );
    assert_eq!(item(&list, "ag")["origin"], "agents");
    assert_eq!(item(&list, "p")["origin"], "paths");
    assert_eq!(item(&list, "nodesc")["description"], "");

    // Edited in place, whatever the folder is called.
    ws.run_stdin(
        &["skills", "add", "other-name", "-d", "Changed"],
        "New body\n",
    )
    .ok();
    assert_eq!(
        ws.read(".opencode/skills/folder/SKILL.md"),
        "---\nname: other-name\ndescription: Changed\n---\nNew body\n"
    );
    // A name that a file openwork does not edit also has: OpenCode would
    // pick one at random.
    let before = ws.snapshot();
    for args in [
        &["skills", "add", "ag", "-d", "d"][..],
        &["skills", "remove", "dup"][..],
    ] {
        let out = ws.run_stdin(args, "x\n");
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("openwork does not edit"),
            "{}",
            out.stderr
        );
        assert_eq!(ws.snapshot(), before);
    }
    // A folder holding another skill is not overwritten by a skill named
    // after the folder.
    let out = ws.run_stdin(&["skills", "add", "folder", "-d", "d"], "x\n");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("holds the skill \"other-name\""),
        "{}",
        out.stderr
    );
    assert_eq!(ws.snapshot(), before);
    // A nested skill goes with its own folder only.
    ws.run(&["skills", "remove", "nested"]).ok();
    assert!(!ws.file(".opencode/skills/group").exists());
    assert!(ws.file(".opencode/skills/folder/SKILL.md").exists());
}

#[test]
fn import_replace_leaves_exactly_the_imported_skills_and_commands() {
    let ws = Ws::new();
    ws.write(".opencode/skills/old/SKILL.md", "---\nname: old\n---\n");
    std::fs::create_dir_all(ws.file(".opencode/skills/empty/deeper")).unwrap();
    ws.write(".opencode/skills/notes/readme.txt", "not a skill\n");
    ws.write(".opencode/skill/s2/SKILL.md", "---\nname: s2\n---\n");
    ws.write(".opencode/commands/x/y.md", "Y\n");
    ws.write(".opencode/command/z.md", "Z\n");
    ws.write(".opencode/plugins/keep.js", "export default {}\n");
    let doc = json!({
        "skills": [{"name": "one", "content": "One", "description": "First"}],
        "commands": [{"name": "hi", "template": "Say hi"}],
        "mode": {"skills": "replace", "commands": "replace"}
    });
    ws.run_stdin(&["import", "-"], &doc.to_string()).ok();
    let mut left: Vec<String> = crate::support::snapshot(&ws.file(".opencode"))
        .keys()
        .map(|p| p.strip_prefix(ws.path()).unwrap().display().to_string())
        .filter(|p| !p.starts_with(".opencode/openwork"))
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ".opencode/commands",
            ".opencode/commands/hi.md",
            ".opencode/plugins",
            ".opencode/plugins/keep.js",
            ".opencode/skills",
            ".opencode/skills/one",
            ".opencode/skills/one/SKILL.md",
        ]
    );
}

#[test]
fn placeholders_are_kept_and_listed_as_written() {
    let ws = Ws::new();
    ws.run(&[
        "mcp",
        "add-json",
        "db",
        r#"{"type":"local","command":["db","{file:./args}"],"environment":{"TOKEN":"{env:DB_TOKEN}"}}"#,
    ])
    .ok();
    let v = ws.run(&["--json", "mcp", "list"]).ok().json();
    assert_eq!(
        v["items"][0]["config"]["environment"]["TOKEN"],
        "{env:DB_TOKEN}"
    );
    assert_eq!(v["items"][0]["config"]["command"][1], "{file:./args}");
}

/// An import's `replace` of the OpenCode config writes `$schema` first
/// when the document has none (OpenCode would add it on every read), and
/// the same import again changes nothing.
#[test]
fn a_replaced_config_names_its_schema_first() {
    let ws = Ws::new();
    ws.write("opencode.jsonc", "{\"share\": \"auto\"}\n");
    let doc = json!({"opencode": {"share": "manual"}, "mode": {"opencode": "replace"}});
    ws.run_stdin(&["import", "-"], &doc.to_string()).ok();
    assert_eq!(
        ws.read("opencode.jsonc"),
        "{\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"share\": \"manual\"\n}\n"
    );
    let before = ws.snapshot();
    ws.run_stdin(&["import", "-"], &doc.to_string()).ok();
    assert_eq!(ws.snapshot(), before);
}
