//! `--global` and `config set`, against the real OpenCode: what openwork
//! writes to the user-wide config folder (`$XDG_CONFIG_HOME/opencode`:
//! `opencode.jsonc`, `skills/`, `commands/`) is what OpenCode loads in
//! every project, and a config edited key by key loads as set.

use super::Case;
use serde_json::json;

/// The project's own config (with `$schema`, which OpenCode adds to a file
/// that lacks it).
const PROJECT: &str = "{\n  \"$schema\": \"https://opencode.ai/config.json\",\n  // the project's\n  \"plugin\": [\"local-one\"]\n}\n";

#[test]
fn global_writes_load_in_every_project() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    c.write("proj/opencode.jsonc", PROJECT);
    c.write(
        "SKILL.md",
        "---\nname: triage\ndescription: Sort issues\n---\nLabel them.\n",
    );
    let skill = c.path("SKILL.md");
    c.ow_here_ok(&["plugins", "add", "opencode-wakatime", "--global"]);
    c.ow_here_ok(&[
        "mcp",
        "add-json",
        "off",
        r#"{"type":"local","command":["no-such-program"],"enabled":false}"#,
        "--global",
    ]);
    c.ow_here_ok(&[
        "commands",
        "add",
        "standup",
        "--template",
        "Summarise $ARGUMENTS",
        "--description",
        "Daily standup",
        "--global",
    ]);
    c.ow_here_ok(&[
        "skills",
        "add",
        "triage",
        "--file",
        skill.to_str().unwrap(),
        "--global",
    ]);
    c.ow_here_ok(&["config", "set", "share", "disabled", "--global"]);
    c.ow_here_ok(&["config", "set", "mcp.off.timeout", "7000", "--global"]);
    assert!(c.global().join("skills/triage/SKILL.md").is_file());
    assert!(c.global().join("commands/standup.md").is_file());
    let seen = c.check(false, &[]);
    // Each write is in what OpenCode loaded, not only in both views alike.
    assert_eq!(seen.config["share"], "disabled");
    assert_eq!(seen.config["mcp"]["off"]["timeout"], 7000);
    assert_eq!(
        seen.config["command"]["standup"]["description"],
        "Daily standup"
    );
    let plugins = seen.config["plugin"].to_string();
    assert!(
        plugins.contains("opencode-wakatime") && plugins.contains("local-one"),
        "{plugins}"
    );
    let skills = c.oc(&["debug", "skill"]).ok().json();
    assert!(skills.to_string().contains("Sort issues"), "{skills}");
    // The project's own file was not touched.
    assert_eq!(
        std::fs::read_to_string(c.root.join("opencode.jsonc")).unwrap(),
        PROJECT
    );
}

#[test]
fn a_config_set_key_by_key_loads_as_set() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    c.write(
        "proj/opencode.jsonc",
        "{\n  // keep me\n  \"mcp\": {\"chrome\": {\"type\": \"local\", \"command\": [\"no-such-program\"], \"enabled\": false}}\n}\n",
    );
    for (key, value) in [
        ("share", "disabled"),
        ("mcp.chrome.timeout", "10000"),
        (r#"provider.openai.models["gpt-4.1"].name"#, "GPT 4.1"),
        ("agent.plan.model", "openai/gpt-4.1"),
        ("instructions", r#"["AGENTS.md"]"#),
        ("autoupdate", "false"),
    ] {
        c.ow(&["config", "set", key, value]).ok();
    }
    c.ow(&["config", "unset", "autoupdate"]).ok();
    let text = std::fs::read_to_string(c.root.join("opencode.jsonc")).unwrap();
    assert!(text.contains("// keep me"), "{text}");
    let seen = c.check(false, &[]);
    assert_eq!(seen.config["share"], "disabled");
    assert_eq!(seen.config["mcp"]["chrome"]["timeout"], 10000);
    assert_eq!(
        seen.config["provider"]["openai"]["models"]["gpt-4.1"],
        json!({"name": "GPT 4.1"})
    );
    assert_eq!(seen.config["agent"]["plan"]["model"], "openai/gpt-4.1");
    assert_eq!(seen.config["instructions"], json!(["AGENTS.md"]));
    assert!(seen.config.get("autoupdate").is_none(), "{}", seen.config);
}
