//! `--global`: every CLI write can edit the user-wide OpenCode config
//! (`$XDG_CONFIG_HOME/opencode`) instead of the project's, with the same
//! rules — planned, atomic, locked, audited (the lock and the log in
//! openwork's state folder), links refused, comments kept — and the
//! server never writes there. Every run has a private HOME.

use crate::support::cli::{Output, Ws};
use crate::support::files;
use crate::support::serve::{Env, Server};
use reqwest::Method;
use serde_json::json;
use std::path::PathBuf;

/// `openwork ARGS…` run from the project with no `-w` (which `--global`
/// refuses).
fn run(ws: &Ws, args: &[&str]) -> Output {
    Output::from(ws.cmd_from(ws.path()).args(args).output().expect("run"))
}

/// The user-wide OpenCode config folder of the run.
fn global(ws: &Ws) -> PathBuf {
    ws.home.path().join(".config/opencode")
}

/// Gives the user-wide config folder an `opencode.jsonc`.
fn write_global(ws: &Ws, text: &str) {
    std::fs::create_dir_all(global(ws)).unwrap();
    std::fs::write(global(ws).join("opencode.jsonc"), text).unwrap();
}

/// `openwork skills add triage --file … --global`, which must succeed.
fn add_global_skill(ws: &Ws) {
    let skill = skill_file(ws);
    let skill = skill.to_str().unwrap();
    run(
        ws,
        &["skills", "add", "triage", "--file", skill, "--global"],
    )
    .ok();
}

fn skill_file(ws: &Ws) -> PathBuf {
    let file = ws.home.path().join("SKILL.md");
    std::fs::write(
        &file,
        "---\nname: triage\ndescription: Sort issues\n---\nLabel them.\n",
    )
    .unwrap();
    file
}

#[test]
fn every_write_edits_the_user_wide_config_and_leaves_the_project_alone() {
    let ws = Ws::new();
    ws.write(
        "opencode.jsonc",
        "{\n  // project\n  \"plugin\": [\"local-one\"]\n}\n",
    );
    let project = ws.snapshot();
    let skill = skill_file(&ws);
    let skill = skill.to_str().unwrap();
    let steps: [(&[&str], &str); 6] = [
        (
            &["plugins", "add", "opencode-wakatime", "--global"],
            "✓ Add plugin opencode-wakatime (~/.config/opencode/opencode.jsonc)\n",
        ),
        (
            &[
                "mcp",
                "add",
                "chrome",
                "--global",
                "--",
                "npx",
                "-y",
                "chrome-devtools-mcp",
            ],
            "✓ Add MCP server chrome (~/.config/opencode/opencode.jsonc)\n",
        ),
        (
            &[
                "mcp",
                "add-json",
                "docs",
                r#"{"type":"remote","url":"https://mcp.example.com/mcp"}"#,
                "--global",
            ],
            "✓ Add MCP server docs (~/.config/opencode/opencode.jsonc)\n",
        ),
        (
            &[
                "commands",
                "add",
                "review",
                "--template",
                "Review $ARGUMENTS",
                "--global",
            ],
            "✓ Add command review (~/.config/opencode/commands/review.md)\n",
        ),
        (
            &["skills", "add", "triage", "--file", skill, "--global"],
            "✓ Add skill triage (~/.config/opencode/skills/triage/SKILL.md)\n",
        ),
        (
            &["config", "set", "share", "disabled", "--global"],
            "✓ Set share (~/.config/opencode/opencode.jsonc)\n",
        ),
    ];
    for (args, says) in steps {
        let out = run(&ws, args).ok();
        assert_eq!(out.stdout, says, "{args:?}");
    }
    assert_eq!(ws.snapshot(), project, "the project is not touched");
    let config = std::fs::read_to_string(global(&ws).join("opencode.jsonc")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&config).unwrap();
    assert_eq!(value["plugin"], json!(["opencode-wakatime"]));
    assert_eq!(value["share"], "disabled");
    assert_eq!(value["mcp"]["chrome"]["command"][0], "npx");
    assert!(global(&ws).join("commands/review.md").is_file());
    assert!(global(&ws).join("skills/triage/SKILL.md").is_file());

    // The lock and the audit log are openwork's, in its state folder.
    let state = ws.state_dir().join("global");
    assert!(state.join(".lock").is_file());
    let log = std::fs::read_to_string(state.join("audit.jsonl")).unwrap();
    let actions: Vec<String> = log
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        actions,
        [
            "plugins.add",
            "mcp.add",
            "mcp.add",
            "commands.upsert",
            "skills.upsert",
            "config.set"
        ]
    );
    let names: Vec<String> = files(&global(&ws))
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "commands/review.md",
            "opencode.jsonc",
            "skills/triage/SKILL.md"
        ],
        "nothing of openwork's own lands in the config folder"
    );

    // Removes, each by its own rule.
    for args in [
        &["plugins", "remove", "opencode-wakatime", "--global"][..],
        &["mcp", "remove", "chrome", "--global"],
        &["commands", "remove", "review", "--global"],
        &["skills", "remove", "triage", "--global"],
        &["config", "unset", "share", "--global"],
    ] {
        run(&ws, args).ok();
    }
    assert!(!global(&ws).join("commands/review.md").exists());
    assert!(!global(&ws).join("skills/triage").exists());
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(global(&ws).join("opencode.jsonc")).unwrap())
            .unwrap();
    assert_eq!(value["plugin"], json!([]));
    assert!(value.get("share").is_none());
    assert_eq!(ws.snapshot(), project, "the project is not touched");
}

#[test]
fn lists_show_the_scope_of_each_item() {
    let ws = Ws::new();
    ws.run(&["plugins", "add", "mine"]).ok();
    run(&ws, &["plugins", "add", "theirs", "--global"]).ok();
    ws.run(&["mcp", "add", "here", "--", "a"]).ok();
    run(&ws, &["mcp", "add", "everywhere", "--global", "--", "b"]).ok();
    run(&ws, &["commands", "add", "r", "-t", "x", "--global"]).ok();
    add_global_skill(&ws);

    let out = ws.run(&["plugins", "list", "--global"]).ok();
    assert!(
        out.stdout.contains("mine\tproject\topencode.jsonc\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("theirs\tglobal\t~/.config/opencode/opencode.jsonc\n"),
        "{}",
        out.stdout
    );
    let out = ws.run(&["mcp", "list", "--global"]).ok();
    assert!(
        out.stdout.starts_with("NAME\tSCOPE\tTYPE"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("everywhere\tglobal\tlocal"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("here\tproject\tlocal"),
        "{}",
        out.stdout
    );
    // Without --global only the project's, with no SCOPE column.
    let out = ws.run(&["mcp", "list"]).ok();
    assert!(out.stdout.starts_with("NAME\tTYPE"), "{}", out.stdout);
    assert!(!out.stdout.contains("everywhere"), "{}", out.stdout);
    let out = ws.run(&["commands", "list", "--global"]).ok();
    assert!(
        out.stdout
            .contains("/r\t\t\t\tglobal\t~/.config/opencode/commands/r.md"),
        "{}",
        out.stdout
    );
    let out = ws.run(&["skills", "list", "--global"]).ok();
    assert!(
        out.stdout
            .contains("triage\tSort issues\tglobal\t~/.config/opencode/skills/triage/SKILL.md"),
        "{}",
        out.stdout
    );
    let out = ws.run(&["--json", "mcp", "list", "--global"]).ok();
    let sources: Vec<(String, String)> = out.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().into(),
                i["source"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        sources.contains(&("everywhere".into(), "config.global".into())),
        "{sources:?}"
    );
    // `--json` after a global write answers with the user-wide items.
    let out = run(&ws, &["--json", "plugins", "add", "other", "--global"]).ok();
    let answer = out.json();
    let specs: Vec<&str> = answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["spec"].as_str().unwrap())
        .collect();
    assert_eq!(specs, ["theirs", "other"]);
}

#[test]
fn global_with_a_workspace_is_a_usage_error_and_bad_input_changes_nothing() {
    let ws = Ws::new();
    write_global(&ws, "{\n  // mine\n  \"plugin\": [\"kept\"]\n}\n");
    let home = files(ws.home.path());
    let project = ws.snapshot();
    for (args, code, says) in [
        (
            &["plugins", "add", "x", "--global"][..],
            2,
            "--global edits the user-wide OpenCode config: give it or --workspace, not both",
        ),
        (
            &["skills", "add", "Bad Name", "-d", "x", "--global"],
            2,
            "skill name",
        ),
        (
            &["mcp", "add-json", "x", r#"{"type":"local"}"#, "--global"],
            2,
            "command",
        ),
        (
            &["commands", "add", "../up", "-t", "x", "--global"],
            2,
            "command name",
        ),
        (&["config", "set", "share", "never", "--global"], 2, "share"),
        (
            &["config", "set", "theme", "dark", "--global"],
            2,
            "tui.json",
        ),
        (
            &["config", "patch", "--openwork", "{}", "--global"],
            2,
            "the user-wide config has none",
        ),
        (
            &["plugins", "remove", "nothere", "--global"],
            1,
            "~/.config/opencode/opencode.jsonc",
        ),
        (
            &["config", "unset", "share", "--global"],
            1,
            "not set in ~/.config/opencode/opencode.jsonc",
        ),
    ] {
        // The first case gives -w (as `Ws::run` does); the others run
        // from the project with no -w.
        let out = if args[2] == "x" && args[0] == "plugins" {
            ws.run(args)
        } else {
            run(&ws, args)
        };
        assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert_eq!(
            files(ws.home.path()),
            home,
            "{args:?} changed a user-wide file"
        );
        assert_eq!(ws.snapshot(), project, "{args:?} changed a project file");
    }
    // --if-exists: a quiet no-op.
    let out = run(
        &ws,
        &["plugins", "remove", "nothere", "--global", "--if-exists"],
    )
    .ok();
    assert_eq!(
        out.stdout,
        "Plugin nothere is not in ~/.config/opencode/opencode.jsonc; nothing to do\n"
    );
    assert_eq!(files(ws.home.path()), home);
}

#[test]
fn a_global_dry_run_shows_the_diff_and_writes_nothing_not_even_the_lock() {
    let ws = Ws::new();
    write_global(&ws, "{\n  // my settings\n  \"plugin\": [\"kept\"]\n}\n");
    let home = files(ws.home.path());
    let out = ws
        .cmd_from(ws.path())
        .args(["plugins", "add", "new-one", "--global", "--dry-run"])
        .output()
        .unwrap();
    let out = Output::from(out).ok();
    assert_eq!(
        out.stdout,
        "Dry run: Add plugin new-one (nothing written)\n\
         --- a/.config/opencode/opencode.jsonc\n\
         +++ b/.config/opencode/opencode.jsonc\n\
         @@ -1,4 +1,4 @@\n \
         {\n   // my settings\n\
         -  \"plugin\": [\"kept\"]\n\
         +  \"plugin\": [\"kept\", \"new-one\"]\n \
         }\n"
    );
    assert_eq!(files(ws.home.path()), home, "a dry run writes nothing");
    // A real write keeps the comment.
    let out = ws
        .cmd_from(ws.path())
        .args(["plugins", "add", "new-one", "--global"])
        .output()
        .unwrap();
    Output::from(out).ok();
    let text = std::fs::read_to_string(global(&ws).join("opencode.jsonc")).unwrap();
    assert_eq!(
        text,
        "{\n  // my settings\n  \"plugin\": [\"kept\", \"new-one\"]\n}\n"
    );
}

/// A link inside the user-wide config folder is never written through.
#[cfg(unix)]
#[test]
fn global_writes_never_follow_a_link() {
    let ws = Ws::new();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(global(&ws)).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), global(&ws).join("skills")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), global(&ws).join("commands")).unwrap();
    let skill = skill_file(&ws);
    let home = files(ws.home.path());
    for args in [
        &[
            "skills",
            "add",
            "triage",
            "--file",
            skill.to_str().unwrap(),
            "--global",
        ][..],
        &["commands", "add", "r", "-t", "x", "--global"],
    ] {
        let out = Output::from(ws.cmd_from(ws.path()).args(args).output().unwrap());
        assert_ne!(out.code, 0, "{args:?}: {}", out.stdout);
        assert!(out.stderr.contains("link"), "{args:?}: {}", out.stderr);
    }
    assert_eq!(
        files(elsewhere.path()).len(),
        0,
        "nothing written through the link"
    );
    assert_eq!(files(ws.home.path()), home);
}

/// The server never writes the user-wide config: no request names it, a
/// parameter asking for it changes nothing there, and the folder cannot
/// be served as a workspace.
#[tokio::test]
async fn the_server_never_writes_the_user_wide_config() {
    let env = Env::new();
    let config = env.config_dir().join("opencode");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("opencode.jsonc"),
        "{\"plugin\": [\"theirs\"]}\n",
    )
    .unwrap();
    let project = env.home.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let before = files(env.home.path().join(".config").as_path());

    // Served as a workspace, the folder is refused at start.
    let out = env
        .command()
        .args(["serve", "--host", "127.0.0.1", "--port", "0", "-w"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the user-wide OpenCode config, which the server never writes"),
        "{stderr}"
    );

    let server = Server::start_with(env, &[&project], &["--approval", "auto"], &[]);
    let id = server.ws_id(0);
    let writes = [
        (
            Method::POST,
            format!("/workspace/{id}/plugins?global=true&scope=global"),
            json!({"spec": "p", "global": true, "scope": "global"}),
        ),
        (
            Method::POST,
            format!("/workspace/{id}/mcp?global=true"),
            json!({"name": "m", "config": {"type": "local", "command": ["x"]}, "scope": "global"}),
        ),
        (
            Method::POST,
            format!("/workspace/{id}/skills?global=true"),
            json!({"name": "s", "content": "x", "description": "d", "scope": "global"}),
        ),
        (
            Method::POST,
            format!("/workspace/{id}/commands?global=true"),
            json!({"name": "c", "template": "t", "scope": "global"}),
        ),
        (
            Method::PATCH,
            format!("/workspace/{id}/config?global=true"),
            json!({"opencode": {"share": "disabled"}, "global": true}),
        ),
        (
            Method::DELETE,
            format!("/workspace/{id}/plugins/theirs?global=true"),
            json!({}),
        ),
    ];
    for (method, path, body) in writes {
        let _ = server
            .client(method, &path)
            .json(&body)
            .send()
            .await
            .unwrap();
    }
    // The project got what it got; the user-wide config, nothing.
    assert_eq!(
        files(server.env.home.path().join(".config").as_path()),
        before,
        "the server wrote a user-wide file"
    );
    assert!(
        !server.env.state.path().join("global").exists(),
        "the server took the user-wide config's lock"
    );
}

/// The user-wide config's audit log and journal are openwork's, read and
/// discarded with `--global`: a journal planted there stops global writes
/// (and only those) until `journal discard --global` removes it.
#[test]
fn the_global_audit_log_and_journal_are_reached_with_global() {
    let ws = Ws::new();
    run(&ws, &["plugins", "add", "theirs", "--global"]).ok();
    ws.run(&["plugins", "add", "mine"]).ok();
    let out = run(&ws, &["--json", "audit", "--global"]).ok();
    let items = out.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["target"], "theirs");
    let out = ws.run(&["--json", "audit"]).ok();
    assert_eq!(out.json()["items"][0]["target"], "mine");

    let journal = ws.state_dir().join("global/journal.json");
    std::fs::write(&journal, "{\"version\": 2, \"files\": []}\n").unwrap();
    let home = files(ws.home.path());
    let out = run(&ws, &["plugins", "add", "blocked", "--global"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("then run `openwork journal discard --global`"),
        "{}",
        out.stderr
    );
    assert_eq!(files(ws.home.path()), home, "nothing written");
    // The project's writes are not stopped.
    ws.run(&["plugins", "add", "still-works"]).ok();
    let out = run(&ws, &["journal", "discard", "--global"]).ok();
    assert!(
        out.stdout.contains("Discarded the journal"),
        "{}",
        out.stdout
    );
    assert!(!journal.exists());
    run(&ws, &["plugins", "add", "blocked", "--global"]).ok();
}

/// `skills edit --global` edits a user-wide skill through the same path.
#[test]
fn a_user_wide_skill_is_edited_with_global() {
    let ws = Ws::new();
    add_global_skill(&ws);
    let project = ws.snapshot();
    // Without --global it is not the project's to edit.
    let mut c = ws.cmd_from(ws.path());
    c.env("EDITOR", "sed -i.bak 's/Label/Sort/'")
        .args(["skills", "edit", "triage"]);
    let out = Output::from(c.output().unwrap());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let mut c = ws.cmd_from(ws.path());
    c.env("EDITOR", "sed -i.bak 's/Label/Sort/'")
        .args(["skills", "edit", "triage", "--global"]);
    let out = Output::from(c.output().unwrap()).ok();
    assert_eq!(
        out.stdout,
        "✓ Update skill triage (~/.config/opencode/skills/triage/SKILL.md)\n"
    );
    let text = std::fs::read_to_string(global(&ws).join("skills/triage/SKILL.md")).unwrap();
    assert!(text.contains("Sort them."), "{text}");
    assert_eq!(ws.snapshot(), project);
}
