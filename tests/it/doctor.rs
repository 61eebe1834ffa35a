//! `openwork doctor`: one workspace per kind of finding, run through the
//! real binary — its code, severity, file and position, the exit status,
//! and that nothing changed — plus a clean workspace, the `--json` shape
//! and hostile names. What OpenCode itself does with each of these files
//! is in `opencode/doctor.rs`.

use crate::support::cli::{Output, Ws};
use serde_json::Value;

/// `openwork --json doctor ARGS…`, which must change no file.
fn doctor(ws: &Ws, args: &[&str]) -> (Output, Value) {
    let before = ws.snapshot();
    let mut all = vec!["--json", "doctor"];
    all.extend_from_slice(args);
    let out = ws.run(&all);
    assert_eq!(before, ws.snapshot(), "doctor changed a file");
    let json = out.json();
    (out, json)
}

/// The findings of one code.
fn of<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// The one finding of `code` whose file ends with `file` (`""`: that has
/// no file).
fn one<'a>(report: &'a Value, code: &str, file: &str) -> &'a Value {
    let all: Vec<&Value> = of(report, code)
        .into_iter()
        .filter(|f| match f["file"].as_str() {
            Some(path) => !file.is_empty() && path.ends_with(file),
            None => file.is_empty(),
        })
        .collect();
    assert_eq!(all.len(), 1, "{code} {file}: {report:#}");
    all[0]
}

fn skill(name: &str) -> String {
    format!("---\nname: {name}\ndescription: The {name} skill\n---\nBody\n")
}

#[test]
fn a_clean_workspace_is_all_good() {
    let ws = Ws::new();
    ws.write(
        "opencode.jsonc",
        "{\n  // mine\n  \"plugin\": [\"a@1\"]\n}\n",
    );
    ws.write(".opencode/skills/tidy/SKILL.md", &skill("tidy"));
    ws.write(
        ".opencode/commands/ship.md",
        "---\ndescription: Ship\n---\nShip it\n",
    );
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["workspace"], ws.path().display().to_string());
    let summary = &report["summary"];
    assert_eq!(
        (
            &summary["errors"],
            &summary["warnings"],
            &summary["info"],
            &summary["ok"]
        ),
        (&0.into(), &0.into(), &0.into(), &true.into())
    );
    if cfg!(target_os = "linux") {
        let needed = summary["watches"]["needed"].as_u64().expect("needed");
        assert!(
            needed > 0 && summary["watches"]["budget"].as_u64() > Some(0),
            "{summary}"
        );
    }
    let people = ws.run(&["doctor"]).ok();
    assert!(people.stdout.starts_with("✓ All good"), "{}", people.stdout);
    assert_eq!(people.stdout.lines().count(), 1, "{}", people.stdout);
}

#[test]
fn the_json_shape() {
    let ws = Ws::new();
    ws.write("opencode.json", "{\n  \"share\": \"never\"\n}\n");
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 1);
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["workspace", "findings", "summary"]);
    let f = &report["findings"][0];
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "code", "severity", "file", "line", "column", "message", "hint"
        ]
    );
    assert_eq!(f["line"], Value::Null);
    let keys: Vec<&str> = report["summary"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["errors", "warnings", "info", "ok", "watches"]);
}

#[test]
fn parse_errors_with_line_and_column_in_every_config_file() {
    let ws = Ws::new();
    ws.write(
        "opencode.json",
        "{\n  \"model\": \"a/b\",\n  \"share\": \n}\n",
    );
    let global = ws.home.path().join(".config/opencode/opencode.jsonc");
    crate::support::write(&global, "{\n  // user-wide\n  \"model\": 'single'\n}\n");
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let all = of(&report, "config-parse");
    assert_eq!(all.len(), 2, "{report:#}");
    let project = one(&report, "config-parse", "/opencode.json");
    assert_eq!(
        (&project["line"], &project["column"]),
        (&4.into(), &1.into())
    );
    assert_eq!(project["severity"], "error");
    let user = all
        .iter()
        .find(|f| f["file"] == global.display().to_string())
        .expect("global");
    assert_eq!((&user["line"], &user["column"]), (&3.into(), &12.into()));
    // The project's own config does not read: what depends on it waits.
    one(&report, "checks-skipped", "");
    assert!(
        out.stderr.contains("error: doctor found 2 errors"),
        "{}",
        out.stderr
    );

    let people = ws.run(&["doctor"]);
    assert_eq!(people.code, 1);
    assert!(
        people
            .stdout
            .contains("error: opencode.json:4:1: opencode.json does not parse"),
        "{}",
        people.stdout
    );
    assert!(
        people
            .stdout
            .contains("error: ~/.config/opencode/opencode.jsonc:3:12: "),
        "{}",
        people.stdout
    );
    assert!(people.stdout.contains("  hint: "), "{}", people.stdout);

    // A parent folder's config, and openwork's own file.
    let ws = Ws::new();
    ws.write("sub/.opencode/openwork.json", "{\"a\": ");
    ws.write("opencode.json", "{\"model\": }");
    ws.write(".git/HEAD", "ref: refs/heads/main\n");
    let out = Output::from(
        ws.cmd_in(&ws.file("sub"))
            .args(["--json", "doctor"])
            .output()
            .expect("run"),
    );
    assert_eq!(out.code, 1);
    let report = out.json();
    one(&report, "config-parse", "sub/.opencode/openwork.json");
    let parent = of(&report, "config-parse")
        .into_iter()
        .find(|f| f["file"] == ws.file("opencode.json").display().to_string())
        .expect("the parent's config");
    assert_eq!(
        (&parent["line"], &parent["column"]),
        (&1.into(), &11.into())
    );
}

#[test]
fn schema_errors_fail_and_ignored_keys_warn() {
    let ws = Ws::new();
    ws.write(
        "opencode.json",
        "{\"bogusTop\": 1, \"mcp\": {\"db\": {\"type\": \"local\", \"command\": [\"x\"], \"env\": {}}}}\n",
    );
    let (out, report) = doctor(&ws, &[]);
    // Warnings alone do not fail, unless asked.
    assert_eq!(out.code, 0, "{}", out.stderr);
    let all = of(&report, "config-ignored");
    assert_eq!(all.len(), 2, "{report:#}");
    assert!(all.iter().all(|f| f["severity"] == "warning"));
    assert!(
        all.iter()
            .any(|f| f["message"].as_str().unwrap().contains("mcp.db"))
    );
    assert!(all.iter().any(|f| {
        f["message"]
            .as_str()
            .unwrap()
            .contains("did you mean \"environment\"")
    }));
    assert_eq!(report["summary"]["ok"], false);
    let (strict, _) = doctor(&ws, &["--strict"]);
    assert_eq!(strict.code, 1);
    assert!(
        strict.stderr.contains("doctor found 0 errors, 2 warnings"),
        "{}",
        strict.stderr
    );

    ws.write(
        ".opencode/opencode.json",
        "{\"share\": \"never\", \"tools\": {\"bash\": \"no\"}}\n",
    );
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 1);
    let errors = of(&report, "config-schema");
    assert_eq!(errors.len(), 2, "{report:#}");
    assert!(
        errors
            .iter()
            .any(|f| f["message"].as_str().unwrap().starts_with("tools.bash: "))
    );
    assert!(errors.iter().all(|f| {
        f["file"]
            .as_str()
            .unwrap()
            .ends_with(".opencode/opencode.json")
    }));
}

#[test]
fn skills_opencode_skips_names_that_differ_and_missing_descriptions() {
    let ws = Ws::new();
    ws.write(".opencode/skills/good/SKILL.md", &skill("good"));
    ws.write(
        ".opencode/skills/badyaml/SKILL.md",
        "---\nname: [oops\ndescription: d\n---\nB\n",
    );
    ws.write(".opencode/skills/nofront/SKILL.md", "Just text\n");
    ws.write(
        ".opencode/skills/noname/SKILL.md",
        "---\ndescription: d\n---\nB\n",
    );
    ws.write(
        ".agents/skills/numdesc/SKILL.md",
        "---\nname: numdesc\ndescription: 5\n---\nB\n",
    );
    ws.write(".opencode/skill/folder/SKILL.md", &skill("other-name"));
    ws.write(
        ".claude/skills/quiet/SKILL.md",
        "---\nname: quiet\n---\nB\n",
    );
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 1);
    let skipped = of(&report, "skill-skipped");
    assert_eq!(skipped.len(), 4, "{report:#}");
    let yaml = one(&report, "skill-skipped", "badyaml/SKILL.md").clone();
    assert_eq!(
        (&yaml["line"], &yaml["severity"]),
        (&3.into(), &"error".into()),
        "{yaml}"
    );
    for (file, why) in [
        ("nofront/SKILL.md", "no frontmatter"),
        ("noname/SKILL.md", "no `name`"),
        ("numdesc/SKILL.md", "`description` is not a string"),
    ] {
        let f = skipped
            .iter()
            .find(|f| f["file"].as_str().unwrap().ends_with(file))
            .expect(file);
        assert!(f["message"].as_str().unwrap().contains(why), "{f}");
    }
    let named = one(
        &report,
        "skill-folder-name",
        ".opencode/skill/folder/SKILL.md",
    );
    assert_eq!(named["severity"], "warning");
    assert!(
        named["message"]
            .as_str()
            .unwrap()
            .contains("\"other-name\" but its folder is \"folder\"")
    );
    one(
        &report,
        "skill-no-description",
        ".claude/skills/quiet/SKILL.md",
    );
}

#[test]
fn names_defined_in_two_places() {
    let ws = Ws::new();
    ws.write(".claude/skills/dup/SKILL.md", &skill("dup"));
    ws.write(".opencode/skills/dup/SKILL.md", &skill("dup"));
    ws.write(
        "opencode.json",
        "{\"command\": {\"ship\": {\"template\": \"inline\"}}}\n",
    );
    ws.write(
        ".opencode/commands/ship.md",
        "---\ndescription: Ship\n---\nFrom the file\n",
    );
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 0, "warnings only: {}", out.stderr);
    let dup = one(&report, "skill-duplicate", ".opencode/skills/dup/SKILL.md");
    let message = dup["message"].as_str().unwrap();
    assert!(
        message.contains(".claude/skills/dup/SKILL.md") && message.contains("at random"),
        "{message}"
    );
    let command = one(&report, "command-duplicate", ".opencode/commands/ship.md");
    assert_eq!(command["severity"], "info");
    assert!(
        command["message"]
            .as_str()
            .unwrap()
            .contains("opencode.json, .opencode/commands/ship.md")
    );
}

#[test]
fn command_frontmatter_that_does_not_parse() {
    let ws = Ws::new();
    ws.write(
        ".opencode/commands/broken.md",
        "---\ndescription: [this\n---\nTemplate\n",
    );
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 0);
    let f = one(
        &report,
        "command-frontmatter",
        ".opencode/commands/broken.md",
    );
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["line"], 2, "{f}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("whole file as the command's template")
    );
}

#[test]
fn plugins_in_two_forms() {
    let ws = Ws::new();
    ws.write(
        "opencode.json",
        "{\"plugin\": [\"@acme/tools@1.2\", \"@acme/tools\"]}\n",
    );
    ws.write(
        ".opencode/plugins/local.ts",
        "export default async () => ({})\n",
    );
    ws.write(
        ".opencode/opencode.jsonc",
        "{\"plugin\": [\"./plugins/local.ts\"]}\n",
    );
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 0);
    let all = of(&report, "plugin-duplicate");
    assert_eq!(all.len(), 2, "{report:#}");
    let npm = all
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("@acme/tools\" is"))
        .expect("npm");
    assert!(
        npm["message"]
            .as_str()
            .unwrap()
            .contains("configured 2 times in opencode.json: OpenCode loads only \"@acme/tools\""),
        "{npm}"
    );
    let file = all
        .iter()
        .find(|f| {
            f["file"]
                .as_str()
                .unwrap()
                .ends_with(".opencode/plugins/local.ts")
        })
        .expect("file");
    assert!(
        file["message"]
            .as_str()
            .unwrap()
            .contains("(.opencode/opencode.jsonc, .opencode/plugins/local.ts)"),
        "{file}"
    );
}

/// A file no one but its owner may read (mode 000), in the project and in
/// the user's config folder. File modes do not stop root, so a test run
/// by root runs openwork as `nobody`, on folders `nobody` may enter.
#[cfg(unix)]
#[test]
fn unreadable_files() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let ws = Ws::new();
    ws.write(".opencode/skills/locked/SKILL.md", &skill("locked"));
    ws.write(".opencode/skills/open/SKILL.md", &skill("open"));
    let global = ws.home.path().join(".config/opencode/opencode.json");
    crate::support::write(&global, "{}\n");
    let mode = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    mode(&ws.file(".opencode/skills/locked/SKILL.md"), 0o000);
    mode(&global, 0o000);
    let root = nix::unistd::geteuid().is_root();
    if root {
        mode(ws.path(), 0o755);
        mode(ws.home.path(), 0o755);
    }
    let before = ws.snapshot();
    let mut cmd = ws.cmd_from(ws.path());
    cmd.arg("-w").arg(ws.path()).args(["--json", "doctor"]);
    if root {
        cmd.uid(65534).gid(65534);
    }
    let out = Output::from(cmd.output().expect("run"));
    assert_eq!(before, ws.snapshot());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    assert_eq!(of(&report, "unreadable").len(), 2, "{report:#}");
    let f = one(&report, "unreadable", "locked/SKILL.md");
    assert!(
        f["message"].as_str().unwrap().contains("ermission denied"),
        "{f}"
    );
    one(&report, "unreadable", ".config/opencode/opencode.json");
}

#[test]
fn a_package_and_a_plugin_file_of_the_same_name() {
    let ws = Ws::new();
    ws.write(
        "opencode.json",
        "{\"plugin\": [\"@acme/wakatime@1\", \"other\"]}\n",
    );
    ws.write(
        ".opencode/plugin/wakatime.js",
        "export default async () => ({})\n",
    );
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 0);
    let f = one(&report, "plugin-two-forms", ".opencode/plugin/wakatime.js");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("\"@acme/wakatime@1\" of opencode.json"),
        "{f}"
    );
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        1,
        "{report:#}"
    );
}

#[cfg(unix)]
#[test]
fn links_openwork_does_not_follow() {
    let ws = Ws::new();
    let elsewhere = tempfile::tempdir().unwrap();
    crate::support::write(&elsewhere.path().join("shared/SKILL.md"), &skill("shared"));
    crate::support::write(&elsewhere.path().join("cmd.md"), "Run\n");
    std::fs::create_dir_all(ws.file(".opencode/skills")).unwrap();
    std::fs::create_dir_all(ws.file(".opencode/commands")).unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("shared"),
        ws.file(".opencode/skills/shared"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("cmd.md"),
        ws.file(".opencode/commands/cmd.md"),
    )
    .unwrap();
    // A link to a file that is no skill or command is not worth a word.
    std::os::unix::fs::symlink(
        elsewhere.path().join("cmd.md"),
        ws.file(".opencode/skills/notes.txt"),
    )
    .unwrap();
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 0);
    assert_eq!(of(&report, "link").len(), 2, "{report:#}");
    one(&report, "link", ".opencode/skills/shared");
    // The listing indeed does not show it.
    let listed = ws.run(&["--json", "skills", "list"]).ok().json();
    assert_eq!(listed["items"], serde_json::json!([]), "{listed}");
}

#[test]
fn interrupted_writes() {
    let ws = Ws::new();
    ws.write(".opencode/openwork/journal.json", "{\"version\": 2}\n");
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 1);
    let f = one(
        &report,
        "journal-refused",
        ".opencode/openwork/journal.json",
    );
    assert!(
        f["hint"]
            .as_str()
            .unwrap()
            .contains("openwork journal discard")
    );

    // A write of this user's that a crash interrupted: the next write finishes it.
    let ws = Ws::new();
    let doc = ws.home.path().join("doc.json");
    std::fs::write(
        &doc,
        r#"{"skills": [{"name": "a", "description": "A", "content": "A"}, {"name": "b", "description": "B", "content": "B"}]}"#,
    )
    .unwrap();
    let crashed = ws
        .cmd()
        .env("OPENWORK_TEST_CRASH_AFTER_FILES", "1")
        .args(["-q", "import"])
        .arg(&doc)
        .output()
        .expect("run");
    assert!(!crashed.status.success());
    let (out, report) = doctor(&ws, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    one(
        &report,
        "journal-pending",
        ".opencode/openwork/journal.json",
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_running_server_and_a_stale_pairing_file() {
    use crate::support::serve::{Env, Server};
    let ws = Ws::new();
    let mut server = Server::start_with(Env::new(), &[ws.path()], &[], &[]);
    let state = server.env.state.path().to_path_buf();
    let run = || {
        let before = ws.snapshot();
        let out = Output::from(
            ws.cmd()
                .env("OPENWORK_STATE_DIR", &state)
                .args(["--json", "doctor"])
                .output()
                .expect("run"),
        );
        assert_eq!(before, ws.snapshot());
        out
    };
    let out = run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    let live = one(&report, "server-running", &format!("{}.json", server.pid()));
    assert!(
        live["message"].as_str().unwrap().contains(&server.url),
        "{live}"
    );
    assert_eq!(report["summary"]["ok"], true);

    server.signal_and_wait("KILL");
    let out = run();
    assert_eq!(out.code, 0);
    let report = out.json();
    assert!(of(&report, "server-running").is_empty(), "{report:#}");
    let stale = one(&report, "pairing-stale", &format!("{}.json", server.pid()));
    assert!(
        stale["hint"]
            .as_str()
            .unwrap()
            .starts_with("remove it: rm "),
        "{stale}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn the_watch_budget_grows_with_the_workspace() {
    let ws = Ws::new();
    let (_, small) = doctor(&ws, &[]);
    for i in 0..20 {
        ws.write(
            &format!(".opencode/skills/s{i}/SKILL.md"),
            &skill(&format!("s{i}")),
        );
    }
    let (_, big) = doctor(&ws, &[]);
    let needed = |r: &Value| r["summary"]["watches"]["needed"].as_u64().expect("needed");
    // Each skill's folder (its file is watched through it: one link).
    assert!(
        needed(&big) >= needed(&small) + 20,
        "{} then {}",
        needed(&small),
        needed(&big)
    );
}

#[test]
fn hostile_names_are_shown_not_obeyed() {
    let ws = Ws::new();
    ws.write(
        ".opencode/skills/evil\u{1b}]0;pwned\u{7}\u{202e}/SKILL.md",
        &skill("evil"),
    );
    let out = ws.run(&["doctor"]);
    assert_eq!(out.code, 0);
    assert!(
        !out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{202e}'),
        "{:?}",
        out.stdout
    );
    assert!(
        out.stdout.contains("evil\\u{1b}]0;pwned\\u{7}\\u{202e}"),
        "{}",
        out.stdout
    );
    let json = ws.run(&["--json", "doctor"]);
    assert!(!json.stdout.contains('\u{1b}'), "{:?}", json.stdout);
    one(&json.json(), "skill-folder-name", "SKILL.md");
}
