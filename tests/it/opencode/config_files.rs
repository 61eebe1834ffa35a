//! Workspaces by where their config starts from: nothing, a commented
//! `opencode.jsonc` (written to over HTTP), a plain `opencode.json`, both
//! with `.opencode/opencode.jsonc`, parent folders up to the git root (and
//! one above it that OpenCode does not read), every folder up to `/`
//! outside git, and the user-wide files.

use super::Case;
use super::servers::{HttpServer, read_log, stdio_command};
use serde_json::{Value, json};

fn skill(name: &str, description: &str) -> String {
    format!("---\nname: {name}\ndescription: {description}\n---\nBody of {name}\n")
}

#[test]
fn from_no_config_through_the_cli() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    let http = HttpServer::start(&c.path("http.log"));
    let stdio = stdio_command(&c.path("stdio.log"));
    c.ow(&["plugins", "add", "opencode-wakatime", "@acme/tools@1.2"])
        .ok();
    let mut local = vec![
        "mcp",
        "add",
        "local",
        "--env",
        "OW_TEST_ENV=from-cli",
        "--timeout",
        "20000",
        "--",
    ];
    local.extend(stdio.iter().map(String::as_str));
    c.ow(&local).ok();
    c.ow(&[
        "mcp",
        "add",
        "remote",
        "--url",
        &http.url,
        "--header",
        "X-Test=one",
        "--header",
        "Authorization: Bearer abc",
        "--no-oauth",
    ])
    .ok();
    c.ow(&[
        "mcp",
        "add-json",
        "off",
        r#"{"type":"local","command":["no-such-program"],"enabled":false}"#,
    ])
    .ok();
    c.write("notes.md", "# Release notes\n\nList what changed.\n");
    let notes = c.path("notes.md");
    c.ow(&[
        "skills",
        "add",
        "release-notes",
        "--description",
        "Write release notes",
        "--file",
        notes.to_str().unwrap(),
    ])
    .ok();
    // The README's command: no model, no subtask written.
    c.ow(&[
        "commands",
        "add",
        "review",
        "--template",
        "Review $ARGUMENTS",
        "--description",
        "Review code",
    ])
    .ok();
    c.ow(&[
        "commands",
        "add",
        "git/commit",
        "--template",
        "Commit $ARGUMENTS",
        "--agent",
        "build",
        "--subtask",
    ])
    .ok();
    c.ow(&[
        "config",
        "patch",
        "--opencode",
        r#"{"share":"disabled","instructions":["AGENTS.md"],"username":"me","autoupdate":"notify"}"#,
    ])
    .ok();
    c.check(true, &["local", "remote"]);
    // The servers got what was configured.
    let stdio_log = read_log(&c.path("stdio.log"));
    assert!(
        stdio_log.iter().any(|l| l["env"] == "from-cli"),
        "{stdio_log:?}"
    );
    let requests = http.requests();
    assert!(
        requests
            .iter()
            .any(|r| r["headers"]["x-test"] == "one"
                && r["headers"]["authorization"] == "Bearer abc"),
        "{requests:?}"
    );
}

const COMMENTED: &str = r#"{
  // Our OpenCode setup.
  "$schema": "https://opencode.ai/config.json",
  /* plugins */
  "plugin": [
    "opencode-wakatime", // time tracking
  ],
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn from_a_commented_jsonc_through_http() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    c.write("proj/opencode.jsonc", COMMENTED);
    let stdio = stdio_command(&c.path("stdio.log"));
    let s = c.serve(&[]);
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    let writes = [
        (
            reqwest::Method::POST,
            "/plugins",
            json!({"spec": "@acme/tools@2"}),
        ),
        (
            reqwest::Method::POST,
            "/mcp",
            json!({"name": "local", "config": {"type": "local", "command": stdio}}),
        ),
        (
            reqwest::Method::POST,
            "/mcp",
            json!({"name": "inherited", "config": {"enabled": false}}),
        ),
        (
            reqwest::Method::POST,
            "/skills",
            json!({"name": "triage", "description": "Sort new issues", "content": "Label, then assign.\n"}),
        ),
        (
            reqwest::Method::POST,
            "/commands",
            json!({"name": "review", "template": "Review $ARGUMENTS", "description": "Review code"}),
        ),
        (
            reqwest::Method::POST,
            "/commands",
            json!({"name": "deploy", "template": "Deploy", "agent": "build", "model": "anthropic/claude-sonnet-4", "subtask": false}),
        ),
        (
            reqwest::Method::PATCH,
            "/config",
            json!({"opencode": {"share": "manual", "model": "anthropic/claude-sonnet-4"}}),
        ),
        (
            reqwest::Method::POST,
            "/import",
            json!({
                "skills": [{"name": "notes", "content": "---\nname: notes\ndescription: Take notes\n---\nWrite.\n"}],
                "commands": [{"content": "---\nname: hi\ndescription: Greets\n---\nSay hi\n"}]
            }),
        ),
    ];
    for (method, path, body) in writes {
        let r = s.send_json(method.clone(), &w(path), &body).await;
        assert_eq!(r.status, 200, "{method} {path}: {r:?}");
    }
    let text = std::fs::read_to_string(c.root.join("opencode.jsonc")).unwrap();
    for comment in [
        "// Our OpenCode setup.",
        "/* plugins */",
        "// time tracking",
    ] {
        assert!(text.contains(comment), "{comment} lost:\n{text}");
    }
    assert!(
        text.trim_start()
            .starts_with("{\n  // Our OpenCode setup.\n  \"$schema\"")
    );
    c.check(true, &["local"]);
}

#[test]
fn from_a_plain_opencode_json_outside_git() {
    let Some(c) = Case::new("w/proj", None) else {
        return;
    };
    c.write(
        "w/proj/opencode.json",
        "{\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"plugin\": [\"base\"]\n}\n",
    );
    // Outside git OpenCode reads every folder up to `/`: the parent too.
    c.write(
        "w/opencode.json",
        r#"{"$schema": "https://opencode.ai/config.json", "mcp": {"above": {"type": "local", "command": ["no-such-program"], "enabled": false}}}"#,
    );
    c.write(
        "w/.opencode/skills/up/SKILL.md",
        &skill("up", "From the folder above"),
    );
    c.ow(&["plugins", "add", "second"]).ok();
    c.ow(&["mcp", "add", "mine", "--disabled", "--", "no-such-program"])
        .ok();
    c.ow(&["commands", "add", "review", "-t", "Review $ARGUMENTS"])
        .ok();
    assert!(
        !c.root.join("opencode.jsonc").exists(),
        "writes go to opencode.json"
    );
    let mcp = c.ow_json(&["mcp", "list"]);
    assert_eq!(mcp["items"][0]["origin"], "parent");
    c.check(true, &[]);
}

#[test]
fn both_config_files_and_dot_opencode_jsonc() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    c.write(
        "proj/opencode.json",
        r#"{"$schema": "https://opencode.ai/config.json", "plugin": ["from-json"], "mcp": {"a": {"type": "local", "command": ["no-such-program"], "enabled": false}}, "username": "json"}"#,
    );
    c.write(
        "proj/opencode.jsonc",
        "{\n  \"$schema\": \"https://opencode.ai/config.json\",\n  // main\n  \"plugin\": [\"from-jsonc\"],\n  \"username\": \"jsonc\",\n}\n",
    );
    c.write(
        "proj/.opencode/opencode.jsonc",
        "{\n  \"$schema\": \"https://opencode.ai/config.json\",\n  // the dot one wins over both\n  \"mcp\": {\"c\": {\"type\": \"local\", \"command\": [\"no-such-program\"], \"enabled\": false}},\n  \"command\": {\"inl\": {\"template\": \"Inline\"}}\n}\n",
    );
    c.ow(&[
        "mcp",
        "add-json",
        "c",
        r#"{"type":"local","command":["other"],"enabled":false}"#,
    ])
    .ok();
    c.ow(&[
        "commands",
        "add",
        "inl",
        "-t",
        "Inline, edited",
        "-d",
        "Edited in place",
    ])
    .ok();
    c.ow(&["plugins", "add", "third"]).ok();
    let dot = std::fs::read_to_string(c.root.join(".opencode/opencode.jsonc")).unwrap();
    assert!(
        dot.contains("\"other\"") && dot.contains("Inline, edited"),
        "{dot}"
    );
    let seen = c.check(true, &[]);
    assert_eq!(seen.config["username"], "jsonc");
}

#[test]
fn parent_folders_up_to_the_git_root() {
    let Some(c) = Case::new("repo/packages/app", Some("repo")) else {
        return;
    };
    let stdio = stdio_command(&c.path("stdio.log"));
    // Above the git root: OpenCode does not read it, neither does openwork.
    c.write(
        "opencode.json",
        r#"{"username": "above-the-git-root", "plugin": ["not-loaded"]}"#,
    );
    c.write(
        "repo/opencode.json",
        &json!({"$schema": "https://opencode.ai/config.json",
                "mcp": {"p": {"type": "local", "command": stdio}},
                "plugin": ["shared@1"]})
        .to_string(),
    );
    c.write(
        "repo/packages/opencode.jsonc",
        "{\n  \"plugin\": [\"shared@2\"],\n  \"instructions\": [\"CONTRIBUTING.md\"]\n}\n",
    );
    c.write(
        "repo/.opencode/commands/pc.md",
        "---\ndescription: From the repository\n---\nParent command\n",
    );
    c.write("repo/.opencode/plugins/pp.js", "export default {}\n");
    c.write(
        "repo/.opencode/skills/ps/SKILL.md",
        &skill("ps", "Parent skill"),
    );
    c.write(
        "repo/.claude/skills/pcl/SKILL.md",
        &skill("pcl", "Claude, at the root"),
    );
    c.write(
        "repo/packages/.agents/skills/pag/SKILL.md",
        &skill("pag", "Agents, in between"),
    );
    // Switched off for this package: OpenCode's override, in the project.
    c.ow(&["mcp", "remove", "p"]).ok();
    c.ow(&["commands", "add", "local", "-t", "Here"]).ok();
    c.ow_json(&["skills", "list"]);
    let seen = c.check(true, &[]);
    assert_eq!(seen.statuses.get("p").map(String::as_str), Some("disabled"));
    assert_ne!(seen.config["username"], "above-the-git-root");
}

#[test]
fn user_wide_files() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    let http = HttpServer::start(&c.path("http.log"));
    let g = c.global();
    crate::support::write(
        &g.join("opencode.jsonc"),
        &format!(
            "{{\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"mcp\": {{\"g\": {{\"type\": \"remote\", \"url\": \"{}\", \"oauth\": false}}, \"g2\": {{\"type\": \"remote\", \"url\": \"{}\", \"oauth\": false}}}},\n  \"plugin\": [\"gplug\"],\n  \"command\": {{\"gi\": {{\"template\": \"Global inline\"}}}}\n}}\n",
            http.url, http.url
        ),
    );
    crate::support::write(&g.join("commands/gc.md"), "Global command\n");
    crate::support::write(&g.join("plugins/g.js"), "export default {}\n");
    crate::support::write(&g.join("skills/gs/SKILL.md"), &skill("gs", "Global skill"));
    let home = &c.home;
    crate::support::write(&home.join(".opencode/commands/hc.md"), "Home command\n");
    crate::support::write(&home.join(".opencode/plugins/h.ts"), "export default {}\n");
    crate::support::write(
        &home.join(".opencode/opencode.json"),
        r#"{"plugin": ["hplug"]}"#,
    );
    crate::support::write(
        &home.join(".claude/skills/hcl/SKILL.md"),
        &skill("hcl", "Claude, the user's"),
    );
    crate::support::write(
        &home.join(".agents/skills/hag/SKILL.md"),
        &skill("hag", "Agents, the user's"),
    );
    // The project switches a user-wide server off, and has its own gc.
    c.ow(&["mcp", "remove", "g2"]).ok();
    c.ow(&["commands", "add", "gc", "-t", "Project's gc"]).ok();
    let listed = c.ow_json(&["commands", "list", "--global"]);
    let gc = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "gc")
        .cloned()
        .unwrap();
    assert_eq!(gc["template"], "Project's gc");
    let seen = c.check(true, &["g"]);
    assert_eq!(
        seen.statuses.get("g2").map(String::as_str),
        Some("disabled")
    );
    let _: &Value = &seen.config;
}
