//! The flows a new user hits first, each through the real binary: flags
//! in any position, hints that say what to type, removing what is not
//! there, the words of every report, and the workspace found from a
//! subfolder.

use crate::support::cli::{Output, Ws};
use serde_json::json;

const SERVERS: &str = r#"{
  "mcp": {
    "chrome": {"type": "local", "command": ["npx", "-y", "chrome-devtools-mcp"]},
    "docs": {"type": "remote", "url": "https://mcp.example.com/mcp"}
  }
}
"#;

fn with_everything() -> Ws {
    let ws = Ws::new();
    ws.write("opencode.jsonc", SERVERS);
    ws.run(&["plugins", "add", "opencode-wakatime"]).ok();
    ws.run(&["commands", "add", "review", "-t", "Review it"])
        .ok();
    ws.run_stdin(&["skills", "add", "triage", "-d", "Sort issues"], "Label.")
        .ok();
    ws
}

/// `mcp remove NAME --dry-run` was read as a second name; `--json` too.
#[test]
fn flags_after_the_names_are_flags() {
    let ws = with_everything();
    let before = ws.snapshot();
    for (args, removes) in [
        (
            &["mcp", "remove", "chrome", "--dry-run"][..],
            "opencode.jsonc",
        ),
        (
            &["plugins", "remove", "opencode-wakatime", "--dry-run"],
            "opencode.jsonc",
        ),
        (
            &["commands", "remove", "review", "--dry-run"],
            ".opencode/commands/review.md",
        ),
        (
            &["skills", "remove", "triage", "--dry-run"],
            ".opencode/skills/triage/SKILL.md",
        ),
    ] {
        let out = ws.run(args).ok();
        assert!(
            out.stdout.starts_with("Dry run: Remove "),
            "{args:?}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains(&format!("--- a/{removes}")),
            "{}",
            out.stdout
        );
    }
    assert_eq!(ws.snapshot(), before, "a dry run writes nothing");

    let out = ws.run(&["mcp", "remove", "chrome", "--json", "-q"]).ok();
    assert_eq!(out.json()["items"][0]["name"], "docs");
    let out = ws
        .run(&[
            "mcp",
            "add",
            "fs",
            "--dry-run",
            "--json",
            "--",
            "mcp-fs",
            "--json",
        ])
        .ok();
    let plan = out.json();
    assert_eq!(plan["dryRun"], true);
    assert!(
        plan["diff"]
            .as_str()
            .unwrap()
            .contains(r#""command": ["mcp-fs", "--json"]"#)
    );
    // After `--`, flags belong to the server's command.
    ws.run(&["mcp", "add", "fs", "--", "mcp-fs", "--dry-run", "-v"])
        .ok();
    assert!(
        ws.read("opencode.jsonc")
            .contains(r#"["mcp-fs", "--dry-run", "-v"]"#)
    );
}

fn fails(ws: &Ws, args: &[&str]) -> (String, String) {
    let before = ws.snapshot();
    let out = ws.run(args);
    assert_eq!(out.code, 2, "{args:?}\n{}", out.stderr);
    assert_eq!(ws.snapshot(), before, "{args:?} wrote");
    let mut lines = out.stderr.lines().map(str::to_string);
    let error = lines.next().unwrap_or_default();
    let hint = lines.next().unwrap_or_default();
    assert_eq!(lines.next(), None, "{}", out.stderr);
    (error, hint)
}

#[test]
fn mcp_add_errors_say_what_to_type() {
    let ws = Ws::new();
    let (error, hint) = fails(&ws, &["mcp", "add", "foo", "npx", "-y", "foo-mcp"]);
    assert_eq!(
        error,
        "error: put the server's command after `--`: openwork -w {ws} mcp add foo -- npx -y foo-mcp"
            .replace("{ws}", ws.path().to_str().unwrap())
    );
    assert!(hint.starts_with("hint: "), "{hint}");

    let (error, hint) = fails(
        &ws,
        &["mcp", "add", "g", "--scope", "global", "--", "npx", "x"],
    );
    assert_eq!(error, "error: `openwork mcp add` has no option `--scope`");
    assert_eq!(hint, "hint: `openwork mcp add --help` lists its options");

    let (error, hint) = fails(&ws, &["plugins", "add", "x", "--dry-rn"]);
    assert_eq!(
        error,
        "error: `openwork plugins add` has no option `--dry-rn`"
    );
    assert!(
        hint.starts_with("hint: did you mean `--dry-run`?"),
        "{hint}"
    );
}

#[test]
fn mcp_add_env_short_and_headers_in_both_forms() {
    let ws = Ws::new();
    ws.run(&[
        "mcp", "add", "db", "-e", "A=1", "-e", "B=x=y", "--", "node", "s.js",
    ])
    .ok();
    ws.run(&[
        "mcp",
        "add",
        "docs",
        "--url",
        "https://mcp.example.com/mcp",
        "--header",
        "Authorization: Bearer a:b",
        "--header",
        "X-Api-Key=k=v",
    ])
    .ok();
    let v = ws.run(&["--json", "mcp", "list"]).ok().json();
    assert_eq!(
        v["items"][0]["config"]["environment"],
        json!({"A": "1", "B": "x=y"})
    );
    assert_eq!(
        v["items"][1]["config"]["headers"],
        json!({"Authorization": "Bearer a:b", "X-Api-Key": "k=v"})
    );
    let url = ["mcp", "add", "h", "--url", "https://x.example", "--header"];
    for (bad, says) in [
        ("no separator", "has no value"),
        (": v", "has no name"),
        ("=v", "has no name"),
        ("Bad Name: v", "is not a valid header name"),
    ] {
        let args: Vec<&str> = url.iter().copied().chain([bad]).collect();
        let (error, _) = fails(&ws, &args);
        assert!(error.contains(says), "{bad:?}: {error}");
    }
}

/// `plugins/mcp/commands remove` of a missing name said "already so" and
/// exited 0 while `skills remove` exited 1: now all exit 1 with a hint,
/// and `--if-exists` makes it nothing to do.
#[test]
fn removing_a_missing_name_is_an_error_with_a_hint() {
    let ws = with_everything();
    let before = ws.snapshot();
    for (args, error, hint) in [
        (
            &["mcp", "remove", "chrom"][..],
            r#"error: MCP server "chrom" is not in opencode.jsonc"#,
            "hint: did you mean `chrome`? (`--if-exists` ignores a name that is not there)",
        ),
        (
            &["plugins", "remove", "prettier"],
            r#"error: plugin "prettier" is not in opencode.jsonc"#,
            "hint: the plugins in opencode.jsonc: opencode-wakatime (`--if-exists` ignores a name that is not there)",
        ),
        (
            &["commands", "remove", "reveiw"],
            r#"error: command "reveiw" is not in .opencode/commands"#,
            "hint: did you mean `review`? (`--if-exists` ignores a name that is not there)",
        ),
        (
            &["skills", "remove", "release"],
            r#"error: skill "release" is not in .opencode/skills"#,
            "hint: the skills in .opencode/skills: triage (`--if-exists` ignores a name that is not there)",
        ),
        // Every name is checked before the first is removed.
        (
            &["mcp", "remove", "chrome", "typo", "--dry-run"],
            r#"error: MCP server "typo" is not in opencode.jsonc"#,
            "hint: the MCP servers in opencode.jsonc: chrome, docs (`--if-exists` ignores a name that is not there)",
        ),
        (
            &["mcp", "remove", "chrome", "typo"],
            r#"error: MCP server "typo" is not in opencode.jsonc"#,
            "hint: the MCP servers in opencode.jsonc: chrome, docs (`--if-exists` ignores a name that is not there)",
        ),
    ] {
        let out = ws.run(args);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr, format!("{error}\n{hint}\n"), "{args:?}");
        assert_eq!(out.stdout, "");
    }
    assert_eq!(ws.snapshot(), before, "nothing removed");

    let out = ws
        .run(&["mcp", "remove", "typo", "chrome", "--if-exists"])
        .ok();
    assert_eq!(
        out.stdout,
        "MCP server typo is not in opencode.jsonc; nothing to do\n✓ Remove MCP server chrome (opencode.jsonc)\n"
    );
    let out = ws
        .run(&["skills", "remove", "gone", "--if-exists", "--json"])
        .ok();
    assert_eq!(
        out.json()["items"][0]["name"],
        "triage",
        "only the JSON answer"
    );
    let out = ws
        .run(&["commands", "remove", "gone", "--if-exists", "-q"])
        .ok();
    assert_eq!(out.stdout, "");
    let out = ws
        .run(&["plugins", "remove", "gone", "--if-exists", "--dry-run"])
        .ok();
    assert_eq!(
        out.stdout,
        "Plugin gone is not in opencode.jsonc; nothing to do\n"
    );

    // A skill openwork does not own: said where it is.
    ws.write(
        ".claude/skills/theirs/SKILL.md",
        "---\nname: theirs\ndescription: d\n---\nx\n",
    );
    let out = ws.run(&["skills", "remove", "theirs"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("skill theirs is defined in .claude/skills/theirs/SKILL.md, which openwork does not edit; OpenCode would still load it"),
        "{}",
        out.stderr
    );
}

/// The words people read: Add or Update, what is already there, plurals,
/// one word for a scope, one verb for removing.
#[test]
fn the_words_of_every_report() {
    let ws = Ws::new();
    let export = ws.file("e.json");
    let export = export.to_str().unwrap();
    let theme = r#"{"username":"dark"}"#;
    // (arguments, standard input, what is said)
    let steps: [(&[&str], &str, String); 18] = [
        (
            &["skills", "add", "triage", "-d", "Sort"],
            "Label.",
            "✓ Add skill triage (.opencode/skills/triage/SKILL.md)".into(),
        ),
        (
            &["skills", "add", "triage", "-d", "Sort"],
            "Label.",
            "Skill triage is already as given in .opencode/skills/triage/SKILL.md; nothing to do"
                .into(),
        ),
        (
            &["skills", "add", "triage", "-d", "Sort"],
            "Label, then assign.",
            "✓ Update skill triage (.opencode/skills/triage/SKILL.md)".into(),
        ),
        (
            &["commands", "add", "review", "-t", "Review"],
            "",
            "✓ Add command review (.opencode/commands/review.md)".into(),
        ),
        (
            &["commands", "add", "review", "-t", "Review it"],
            "",
            "✓ Update command review (.opencode/commands/review.md)".into(),
        ),
        (
            &["commands", "add", "review", "-t", "Review it", "--dry-run"],
            "",
            "Command review is already as given in .opencode/commands/review.md; nothing to do"
                .into(),
        ),
        (
            &["plugins", "add", "@acme/tools@1.2"],
            "",
            "✓ Add plugin @acme/tools@1.2 (opencode.jsonc)".into(),
        ),
        (
            &["plugins", "add", "@acme/tools"],
            "",
            "Plugin @acme/tools@1.2 is already in opencode.jsonc; nothing to do".into(),
        ),
        (
            &["mcp", "add", "fs", "--", "mcp-fs"],
            "",
            "✓ Add MCP server fs (opencode.jsonc)".into(),
        ),
        (
            &["mcp", "add", "fs", "--", "mcp-fs"],
            "",
            "MCP server fs is already in opencode.jsonc as given; nothing to do".into(),
        ),
        (
            &["mcp", "add", "fs", "--", "mcp-fs", "--root", "."],
            "",
            "✓ Update MCP server fs (opencode.jsonc)".into(),
        ),
        (
            &["config", "patch", "--opencode", theme],
            "",
            "✓ Patch config: opencode.username (opencode.jsonc)".into(),
        ),
        (
            &["config", "patch", "--opencode", theme],
            "",
            "The config already holds these values; nothing to do".into(),
        ),
        (
            &["export", "-o", export],
            "",
            format!("✓ Exported 1 skill and 1 command to {export}"),
        ),
        // `workspace` is `project` for people, as for skills.
        (
            &["commands", "list"],
            "",
            "COMMAND\tDESCRIPTION\tAGENT\tMODEL\tSCOPE\tFROM\n/review\t\t\t\tproject\t.opencode/commands/review.md".into(),
        ),
        (
            &["commands", "remove", "review"],
            "",
            "✓ Remove command review (.opencode/commands/review.md)".into(),
        ),
        (
            &["skills", "remove", "triage"],
            "",
            "✓ Remove skill triage (.opencode/skills/triage/SKILL.md)".into(),
        ),
        (
            &["skills", "list"],
            "",
            "NAME\tDESCRIPTION\tSCOPE\tPATH".into(),
        ),
    ];
    for (args, stdin, said) in steps {
        let out = ws.run_stdin(args, stdin).ok();
        assert_eq!(out.stdout, format!("{said}\n"), "{args:?}");
        if args == ["commands", "list"] {
            let v = ws.run(&["--json", "commands", "list"]).ok().json();
            assert_eq!(
                v["items"][0]["scope"], "workspace",
                "the JSON keeps its value"
            );
        }
    }
    let summaries: Vec<String> = ws
        .audit()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["action"].as_str().unwrap(),
                e["summary"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        summaries,
        [
            "skills.upsert Add skill triage",
            "skills.upsert Update skill triage",
            "commands.upsert Add command review",
            "commands.upsert Update command review",
            "plugins.add Add plugin @acme/tools@1.2",
            "mcp.add Add MCP server fs",
            "mcp.add Update MCP server fs",
            "config.patch Patch config: opencode.username",
            "commands.delete Remove command review",
            "skills.delete Remove skill triage",
        ],
        "audit action ids stay; their summaries say the same words"
    );
}

/// Piped, a table is tab-separated rows under a header, as `gh` prints
/// them: no box, values escaped so that a row stays one line.
#[test]
fn piped_tables_are_tab_separated() {
    let ws = with_everything();
    ws.run(&["mcp", "add", "tabs", "--", "echo", "a\tb", "c\nd"])
        .ok();
    assert_eq!(
        ws.run(&["mcp", "list"]).ok().stdout,
        "NAME\tTYPE\tCOMMAND / URL\tENABLED\tFROM\n\
         chrome\tlocal\tnpx -y chrome-devtools-mcp\tyes\topencode.jsonc\n\
         docs\tremote\thttps://mcp.example.com/mcp\tyes\topencode.jsonc\n\
         tabs\tlocal\techo a\\tb c\\nd\tyes\topencode.jsonc\n"
    );
    assert_eq!(
        ws.run(&["skills", "list"]).ok().stdout,
        "NAME\tDESCRIPTION\tSCOPE\tPATH\ntriage\tSort issues\tproject\t.opencode/skills/triage/SKILL.md\n"
    );
    assert_eq!(
        ws.run(&["plugins", "list"]).ok().stdout,
        "PLUGIN\tSCOPE\tFROM\nopencode-wakatime\tproject\topencode.jsonc\n"
    );
    // No rows: the header alone, for a script to read.
    let empty = Ws::new();
    assert_eq!(
        empty.run(&["skills", "list"]).ok().stdout,
        "NAME\tDESCRIPTION\tSCOPE\tPATH\n"
    );
}

/// On an 80-column terminal no line is wider than the terminal and no
/// path or URL is broken across lines: a description wraps between words,
/// and a path that cannot fit is shortened in the middle, on one line.
#[cfg(unix)] // tmux
#[test]
fn tables_fit_80_columns_without_breaking_a_path() {
    if !crate::support::require("tmux") {
        return;
    }
    let ws = Ws::new();
    let long = "Write release notes from the merged pull requests of the last milestone";
    ws.run_stdin(&["skills", "add", "release-notes", "-d", long], "x")
        .ok();
    ws.run_stdin(&["skills", "add", "triage", "-d", "Sort issues"], "x")
        .ok();
    let url = "https://mcp.example.com/v1/mcp";
    ws.run(&["mcp", "add", "docs", "--url", url]).ok();
    let command = ["npx", "-y", "chrome-devtools-mcp@latest", "--isolated"];
    ws.run(&[&["mcp", "add", "chrome", "--"][..], &command].concat())
        .ok();
    for colour in [true, false] {
        let screen = crate::support::terminal(80, &ws.sh_line(&["skills", "list"], colour));
        assert!(screen.lines().all(|l| l.chars().count() <= 80), "{screen}");
        for name in ["release-notes", "triage"] {
            // The path on the row of its skill: whole, or its two ends
            // around an ellipsis.
            let path = format!(".opencode/skills/{name}/SKILL.md");
            let row = screen
                .lines()
                .find(|l| l.contains(&format!(" {name} ")))
                .unwrap_or_else(|| panic!("no row for {name}:\n{screen}"));
            let cell = row
                .split_whitespace()
                .find(|w| w.starts_with(".opencode/"))
                .unwrap_or_else(|| panic!("no path on the row of {name}:\n{screen}"));
            let whole = cell == path;
            let shortened = cell.split_once('…').is_some_and(|(head, tail)| {
                head.len() >= 8
                    && path.starts_with(head)
                    && path.ends_with(tail)
                    && tail.ends_with("/SKILL.md")
            });
            assert!(whole || shortened, "{cell:?} is not {path:?}:\n{screen}");
        }
        let words: Vec<&str> = screen.split_whitespace().collect();
        for word in long.split(' ') {
            assert!(words.contains(&word), "{word:?} lost or broken:\n{screen}");
        }

        let screen = crate::support::terminal(80, &ws.sh_line(&["mcp", "list"], colour));
        assert!(screen.lines().all(|l| l.chars().count() <= 80), "{screen}");
        let words: Vec<&str> = screen.split_whitespace().collect();
        for word in command.iter().chain([&url]) {
            assert!(words.contains(word), "{word:?} broken:\n{screen}");
        }
    }
}

/// A project in the private HOME: `~/proj` with `.git`, its OpenCode
/// config, a skill, and a `src/deep` folder to work from.
fn project() -> (Ws, std::path::PathBuf) {
    let ws = Ws::new();
    let proj = ws.home.path().join("proj");
    crate::support::write(&proj.join(".git/HEAD"), "ref: refs/heads/main\n");
    crate::support::write(&proj.join("opencode.jsonc"), SERVERS);
    crate::support::write(
        &proj.join(".opencode/skills/triage/SKILL.md"),
        "---\nname: triage\ndescription: Sort issues\n---\nLabel.\n",
    );
    std::fs::create_dir_all(proj.join("src/deep")).unwrap();
    // As the current folder is known to the system: links resolved
    // (macOS's temporary folder is under one).
    let proj = std::fs::canonicalize(&proj).unwrap();
    (ws, proj)
}

fn run_from(ws: &Ws, dir: &std::path::Path, args: &[&str]) -> Output {
    Output::from(ws.cmd_from(dir).args(args).output().unwrap())
}

/// From `my-project/src`, `skills list` showed the parent's skills, `mcp
/// list` nothing, and `plugins add` made a second config in `src/`: now
/// every command works on the project, and `-v` says which and why.
#[test]
fn a_subfolder_works_on_its_project() {
    let (ws, proj) = project();
    let src = proj.join("src/deep");
    let names = |args: &[&str]| -> Vec<String> {
        let v = run_from(&ws, &src, args).ok().json();
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&["--json", "mcp", "list"]), ["chrome", "docs"]);
    assert_eq!(names(&["--json", "skills", "list"]), ["triage"]);
    let out = run_from(&ws, &src, &["plugins", "add", "opencode-wakatime", "-v"]).ok();
    assert_eq!(
        out.stdout,
        "✓ Add plugin opencode-wakatime (opencode.jsonc)\n"
    );
    assert!(
        out.stderr.starts_with(&format!(
            "workspace {}: the nearest folder above the current one that holds opencode.jsonc\n",
            proj.display()
        )),
        "{}",
        out.stderr
    );
    assert!(
        std::fs::read_to_string(proj.join("opencode.jsonc"))
            .unwrap()
            .contains("opencode-wakatime")
    );
    assert_eq!(
        std::fs::read_dir(proj.join("src")).unwrap().count(),
        1,
        "nothing written in src/"
    );

    // Names complete from the project too.
    let out = ws
        .cmd_from(&src)
        .env("COMPLETE", "fish")
        .args(["--", "openwork", "mcp", "remove", ""])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("chrome\tlocal"));

    // `-w` and OPENWORK_WORKSPACE are taken as they are.
    // `src` is then the workspace, and the project's servers are its
    // parent folder's, as OpenCode started in `src` would read them.
    let from_parent = |items: &serde_json::Value| {
        items.as_array().is_some_and(|items| {
            !items.is_empty()
                && items
                    .iter()
                    .all(|i| i["origin"] == "parent" && i["editable"] == false)
        })
    };
    let out = run_from(&ws, &src, &["-w", ".", "--json", "-v", "mcp", "list"]).ok();
    assert!(from_parent(&out.json()["items"]), "{}", out.stdout);
    assert!(out.stderr.contains(&format!(
        "workspace {}: given with --workspace",
        src.display()
    )));
    let out = Output::from(
        ws.cmd_from(&src)
            .env("OPENWORK_WORKSPACE", ".")
            .args(["--json", "-v", "mcp", "list"])
            .output()
            .unwrap(),
    );
    assert!(from_parent(&out.ok().json()["items"]));
}

#[test]
fn without_a_config_the_git_root_else_the_current_folder_never_home() {
    let (ws, proj) = project();
    std::fs::remove_file(proj.join("opencode.jsonc")).unwrap();
    std::fs::remove_dir_all(proj.join(".opencode")).unwrap();
    let why = |dir: &std::path::Path| {
        let out = run_from(&ws, dir, &["-v", "mcp", "list"]).ok();
        out.stderr.lines().next().unwrap_or_default().to_string()
    };
    assert_eq!(
        why(&proj.join("src/deep")),
        format!(
            "workspace {}: the git root: no OpenCode config from the current folder up to it",
            proj.display()
        )
    );
    // A config in the home folder, or above it, is not a project's.
    let home = &std::fs::canonicalize(ws.home.path()).unwrap();
    crate::support::write(&home.join("opencode.json"), "{}");
    std::fs::create_dir_all(home.join("notes/2024")).unwrap();
    assert_eq!(
        why(&home.join("notes/2024")),
        format!(
            "workspace {}: the current folder: no OpenCode config or git root above it (below the home folder)",
            home.join("notes/2024").display()
        )
    );
    run_from(&ws, &home.join("notes/2024"), &["plugins", "add", "x"]).ok();
    assert!(home.join("notes/2024/opencode.jsonc").exists());
    assert_eq!(
        std::fs::read_to_string(home.join("opencode.json")).unwrap(),
        "{}"
    );
}

/// `openwork serve` with no `-w` served nothing, though the help said it
/// defaults to the current folder: it serves the current project.
#[test]
fn serve_with_no_workspace_serves_the_current_project() {
    use std::io::BufRead;
    let (ws, proj) = project();
    let mut child = ws
        .cmd_from(&proj.join("src/deep"))
        .env("OPENWORK_STATE_DIR", ws.home.path().join("state"))
        .args(["serve", "--host", "127.0.0.1", "--port", "0", "-v"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let line = stdout
        .lines()
        .map_while(Result::ok)
        .find(|l| l.starts_with("Workspace "));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = line.unwrap_or_else(|| panic!("no workspace served: {stderr}"));
    assert!(line.ends_with(&format!(" {}", proj.display())), "{line}");
    assert!(
        stderr.contains(&format!(
            "workspace {}: the nearest folder above the current one that holds opencode.jsonc",
            proj.display()
        )),
        "{stderr}"
    );
}

/// `openwork mcp get NAME`: one server, every field; `--json` is the item
/// of the listing; a missing name exits 1 with a hint, a bad one 2.
#[test]
fn mcp_get_shows_one_server() {
    let ws = Ws::new();
    ws.write(
        "opencode.jsonc",
        r#"{"mcp": {
            "chrome": {"type": "local", "command": ["npx", "-y", "a b"], "environment": {"DEBUG": "1", "B": "2"}, "enabled": true, "timeout": 5000},
            "docs": {"type": "remote", "url": "https://x.example/mcp", "headers": {"Authorization": "Bearer t"}, "oauth": false, "custom": [1]}
        }, "tools": {"docs_*": false}}"#,
    );
    ws.write(
        ".config/opencode/opencode.json",
        r#"{"mcp": {"mine": {"type": "remote", "url": "https://me.example"}}}"#,
    );
    std::fs::rename(ws.file(".config"), ws.home.path().join(".config")).unwrap();
    let out = ws.run(&["mcp", "get", "chrome"]).ok();
    assert_eq!(
        out.stdout,
        "chrome
  type         local
  command      npx -y 'a b'
  environment  DEBUG=1
               B=2
  timeout      5000 ms
  enabled      yes
  source       config.project (opencode.jsonc)
"
    );
    let out = ws.run(&["mcp", "get", "docs"]).ok();
    assert_eq!(
        out.stdout,
        "docs
  type     remote
  url      https://x.example/mcp
  headers  Authorization: Bearer t
  oauth    false
  custom   [1]
  enabled  no: its tools are switched off by \"tools\"
  source   config.project (opencode.jsonc)
"
    );
    // --json: the listing's item, `disabledByTools` included.
    let listed = ws.run(&["--json", "mcp", "list", "--global"]).ok().json();
    for name in ["chrome", "docs", "mine"] {
        let one = ws.run(&["mcp", "get", name, "--json"]).ok().json();
        let item = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap();
        assert_eq!(&one, item, "{name}");
    }
    assert_eq!(
        ws.run(&["mcp", "get", "docs", "--json"]).ok().json()["disabledByTools"],
        true
    );
    let out = ws.run(&["mcp", "get", "mine"]).ok();
    assert!(
        out.stdout
            .ends_with("  source   config.global (the user-wide OpenCode config)\n"),
        "{}",
        out.stdout
    );

    let out = ws.run(&["mcp", "get", "chrom"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: MCP server \"chrom\" is not configured\nhint: did you mean `chrome`?\n"
    );
    let out = ws.run(&["mcp", "get", "zzz", "--json"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "", "no JSON on failure");
    assert!(
        out.stderr
            .contains("hint: the MCP servers (`openwork mcp list --global`): mine, chrome, docs"),
        "{}",
        out.stderr
    );
    let out = ws.run(&["mcp", "get", "a/b"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: invalid MCP server name \"a/b\""),
        "{}",
        out.stderr
    );
    assert_eq!(ws.run(&["mcp", "get"]).code, 2, "the name is required");
    assert_eq!(
        ws.run(&["mcp", "get", "chrome", "--dry-run"]).code,
        2,
        "a read has no --dry-run"
    );
}

/// A skill to edit, and a fake editor: a script that logs how it was
/// run (its words, whether its folder is private) and runs `then` on the
/// file it is given ("$1"; the workspace's SKILL.md is "$SKILL").
#[cfg(unix)]
fn editing(then: &str) -> (Ws, String) {
    use std::os::unix::fs::PermissionsExt;
    let ws = Ws::new();
    ws.run_stdin(
        &["skills", "add", "triage", "-d", "Sort issues"],
        "Label.\n",
    )
    .ok();
    let script = ws.home.path().join("my editor.sh");
    let log = ws.home.path().join("editor.log");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$# $1 $2\" >> '{log}'\nls -ld \"$(dirname \"$2\")\" | cut -c1-10 >> '{log}'\nshift\n{then}\n",
            log = log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Quoted and with a flag, as `code --wait` is.
    (ws, format!("'{}' --wait", script.display()))
}

#[cfg(unix)]
fn edit(ws: &Ws, editor: &str, args: &[&str]) -> Output {
    let mut c = ws.cmd_in(ws.path());
    c.env("EDITOR", editor)
        .env("SKILL", ws.file(".opencode/skills/triage/SKILL.md"))
        .args(["skills", "edit", "triage"])
        .args(args);
    Output::from(c.output().unwrap())
}

/// The kept copy named in the last line of stderr.
fn kept(stderr: &str) -> std::path::PathBuf {
    let line = stderr.lines().last().unwrap_or_default();
    let at = line.find("kept in ").expect("kept") + "kept in ".len();
    let path = &line[at..];
    std::path::PathBuf::from(path.split([':', ' ']).next().unwrap())
}

#[cfg(unix)]
#[test]
fn skills_edit_writes_through_the_same_plan_as_add() {
    let (ws, editor) =
        editing(r#"sed 's/Label\./Label, then assign./' "$1" > "$1.new" && mv "$1.new" "$1""#);
    let out = edit(&ws, &editor, &["-v"]).ok();
    assert_eq!(
        out.stdout,
        "✓ Update skill triage (.opencode/skills/triage/SKILL.md)\n"
    );
    assert!(
        out.stderr.contains("-Label.\n+Label, then assign.\n"),
        "-v shows the diff: {}",
        out.stderr
    );
    assert_eq!(
        ws.read(".opencode/skills/triage/SKILL.md"),
        "---\nname: triage\ndescription: Sort issues\n---\nLabel, then assign.\n"
    );
    let log = std::fs::read_to_string(ws.home.path().join("editor.log")).unwrap();
    let mut lines = log.lines();
    let run = lines.next().unwrap();
    assert!(
        run.starts_with("2 --wait /") && run.ends_with("/SKILL.md"),
        "{run}"
    );
    assert_eq!(lines.next(), Some("drwx------"), "a private folder");
    let copy = std::path::Path::new(run.split(' ').nth(2).unwrap());
    assert!(!copy.exists(), "the copy is removed once written");
    assert_eq!(ws.audit().last().unwrap()["summary"], "Update skill triage");

    // VISUAL before EDITOR; --json prints the skill written.
    let mut c = ws.cmd_in(ws.path());
    c.env("EDITOR", "false")
        .env("VISUAL", "sed -i.bak 's/assign/ship/'")
        .args(["--json", "skills", "edit", "triage"]);
    let out = Output::from(c.output().unwrap()).ok();
    assert_eq!(out.json()["description"], "Sort issues");
    assert!(
        ws.read(".opencode/skills/triage/SKILL.md")
            .contains("then ship.")
    );
}

#[cfg(unix)]
#[test]
fn skills_edit_unchanged_or_dry_run_writes_nothing() {
    let (ws, editor) = editing("true");
    let before = ws.snapshot();
    let out = edit(&ws, &editor, &[]).ok();
    assert_eq!(out.stdout, "Skill triage unchanged; nothing written\n");
    let out = edit(&ws, &editor, &["--json"]).ok();
    assert_eq!(out.json()["name"], "triage");
    assert_eq!(ws.snapshot(), before);

    let (ws, editor) =
        editing(r#"printf -- '---\nname: triage\ndescription: Sort issues\n---\nNew.\n' > "$1""#);
    let before = ws.snapshot();
    let out = edit(&ws, &editor, &["--dry-run"]).ok();
    assert!(
        out.stdout
            .starts_with("Dry run: Update skill triage (nothing written)\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("-Label.\n+New.\n"), "{}", out.stdout);
    assert_eq!(ws.snapshot(), before);
    let copy = kept(&out.stderr);
    assert_eq!(
        std::fs::read_to_string(&copy).unwrap(),
        "---\nname: triage\ndescription: Sort issues\n---\nNew.\n"
    );
    std::fs::remove_dir_all(copy.parent().unwrap()).unwrap();
}

#[cfg(unix)]
#[test]
fn skills_edit_keeps_the_text_when_it_cannot_be_written() {
    // The file changes while the editor is open: nothing written, the edit kept.
    let (ws, editor) = editing(r#"echo 'By hand.' >> "$SKILL"; echo 'Mine.' >> "$1""#);
    let out = edit(&ws, &editor, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.starts_with(
        "error: .opencode/skills/triage/SKILL.md changed while the editor was open; nothing written\nhint: your edit is kept in /"
    ), "{}", out.stderr);
    assert!(
        ws.read(".opencode/skills/triage/SKILL.md")
            .ends_with("Label.\nBy hand.\n")
    );
    let copy = kept(&out.stderr);
    assert!(
        std::fs::read_to_string(&copy)
            .unwrap()
            .ends_with("Label.\nMine.\n")
    );
    std::fs::remove_dir_all(copy.parent().unwrap()).unwrap();

    // An invalid result (the name changed): a clear error, exit 2, kept.
    let (ws, editor) =
        editing(r#"sed 's/^name: triage/name: other/' "$1" > "$1.new" && mv "$1.new" "$1""#);
    let before = ws.snapshot();
    let out = edit(&ws, &editor, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.starts_with(
        "error: the frontmatter name \"other\" does not match the skill name \"triage\"\nhint: your edit is kept in /"
    ), "{}", out.stderr);
    assert!(
        out.stderr.contains("`openwork skills add triage --file /"),
        "{}",
        out.stderr
    );
    assert_eq!(ws.snapshot(), before);
    let copy = kept(&out.stderr);
    assert!(
        std::fs::read_to_string(&copy)
            .unwrap()
            .contains("name: other")
    );
    std::fs::remove_dir_all(copy.parent().unwrap()).unwrap();

    // An editor that fails: nothing written.
    let out = edit(&ws, "false", &[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("error: the editor `false` ended with exit status: 1; nothing written"),
        "{}",
        out.stderr
    );
    assert_eq!(ws.snapshot(), before);
}

#[cfg(unix)]
#[test]
fn skills_edit_of_a_skill_that_is_not_there_or_not_ours() {
    let (ws, editor) = editing("true");
    let out = edit(&ws, &editor, &[]);
    assert_eq!(out.code, 0);
    let mut c = ws.cmd_in(ws.path());
    c.env("EDITOR", &editor).args(["skills", "edit", "triag"]);
    let out = Output::from(c.output().unwrap());
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: skill \"triag\" not found\nhint: did you mean `triage`?\n"
    );
    ws.write(
        ".claude/skills/theirs/SKILL.md",
        "---\nname: theirs\ndescription: d\n---\nx\n",
    );
    let mut c = ws.cmd_in(ws.path());
    c.env("EDITOR", &editor).args(["skills", "edit", "theirs"]);
    let out = Output::from(c.output().unwrap());
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with(
        "error: skill theirs is in .claude/skills/theirs/SKILL.md: openwork edits only the skills of .opencode/skills\nhint: `openwork skills add theirs --file /"
    ), "{}", out.stderr);
    // Any name a skill may have is looked up; there is none of this one.
    let out = ws.run(&["skills", "edit", "Bad_Name"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("error: skill \"Bad_Name\" not found"),
        "{}",
        out.stderr
    );
}
