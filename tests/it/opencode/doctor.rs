//! What `openwork doctor` says OpenCode does, OpenCode does: the skills it
//! says OpenCode skips are missing from `opencode debug skill` and the one
//! it says OpenCode knows by another name is there under that name; a
//! command whose frontmatter does not parse (even at OpenCode's second
//! try, which mends a value holding a colon) is the whole file; an ignored
//! key is dropped while OpenCode still starts; of a plugin configured twice
//! only the one it names is loaded, and a package beside a plugin file of
//! its name are both loaded; and the config errors it reports stop
//! OpenCode, at the line and column it gives.

use super::Case;
use serde_json::Value;

/// `openwork --json doctor`: the findings as `(code, file)`.
fn findings(c: &Case) -> Vec<(String, String)> {
    let report = c.ow(&["--json", "doctor"]).json();
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["file"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn what_doctor_warns_about_is_what_opencode_does() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    let skill = |name: &str| format!("---\nname: {name}\ndescription: d\n---\nBody\n");
    c.write("proj/.opencode/skills/good/SKILL.md", &skill("good"));
    c.write(
        "proj/.opencode/skills/folder/SKILL.md",
        &skill("other-name"),
    );
    let skipped = [
        (
            "badyaml",
            "---\nname: badyaml\ndescription: [oops\n---\nB\n",
        ),
        ("nofront", "name: nofront\n"),
        ("noname", "---\ndescription: d\n---\nB\n"),
        ("numdesc", "---\nname: numdesc\ndescription: 5\n---\nB\n"),
    ];
    for (name, text) in skipped {
        c.write(&format!("proj/.opencode/skills/{name}/SKILL.md"), text);
    }
    let broken = "---\ndescription: [oops\n---\nTemplate\n";
    c.write("proj/.opencode/commands/broken.md", broken);
    // A value with a colon parses at OpenCode's second try: nothing to say.
    c.write(
        "proj/.opencode/skills/colon/SKILL.md",
        "---\nname: colon\ndescription: Use when: deploying\n---\nB\n",
    );
    c.write(
        "proj/.opencode/commands/colon.md",
        "---\ndescription: see: [this\n---\nT\n",
    );
    c.write(
        "proj/opencode.json",
        "{\"bogusTop\": 1, \"plugin\": [\"opencode-doctor-a@1.0.0\", \"opencode-doctor-a@2.0.0\", \"opencode-doctor-b\"]}\n",
    );
    c.write(
        "proj/.opencode/plugins/opencode-doctor-b.ts",
        "export default async () => ({})\n",
    );

    let found = findings(&c);
    let has = |code: &str, file: &str| found.iter().any(|(c, f)| c == code && f.ends_with(file));
    for (name, _) in skipped {
        assert!(
            has("skill-skipped", &format!("{name}/SKILL.md")),
            "{name}: {found:?}"
        );
    }
    assert!(has("skill-folder-name", "folder/SKILL.md"), "{found:?}");
    assert!(
        has("command-frontmatter", "commands/broken.md"),
        "{found:?}"
    );
    assert!(has("config-ignored", "proj/opencode.json"), "{found:?}");
    assert!(has("plugin-duplicate", "proj/opencode.json"), "{found:?}");
    assert!(
        has("plugin-two-forms", "plugins/opencode-doctor-b.ts"),
        "{found:?}"
    );
    assert_eq!(found.len(), 9, "{found:?}");

    let config = c.oc(&["debug", "config"]).ok().json();
    let skills = c.oc(&["debug", "skill"]).ok().json();
    let names: Vec<&str> = skills
        .as_array()
        .expect("skills")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    for (name, _) in skipped {
        assert!(!names.contains(&name), "OpenCode loaded {name}: {names:?}");
    }
    assert!(
        names.contains(&"good") && names.contains(&"other-name"),
        "{names:?}"
    );
    assert!(names.contains(&"colon"), "{names:?}");
    assert_eq!(
        config["command"]["colon"]["description"], "see: [this",
        "{config:#}"
    );
    let ours = c.ow_json(&["skills", "list"]);
    assert!(
        ours["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "colon" && s["description"] == "Use when: deploying"),
        "{ours:#}"
    );
    assert!(!names.contains(&"folder"), "{names:?}");
    assert_eq!(
        config["command"]["broken"],
        serde_json::json!({"template": broken.trim()}),
        "{config:#}"
    );
    assert_eq!(config.get("bogusTop"), None);
    let file = c.root.join(".opencode/plugins/opencode-doctor-b.ts");
    assert_eq!(
        config["plugin"],
        serde_json::json!([
            "opencode-doctor-a@2.0.0",
            "opencode-doctor-b",
            format!("file://{}", file.display())
        ]),
        "{config:#}"
    );
}

#[test]
fn the_errors_doctor_reports_stop_opencode_where_it_says() {
    for (text, code, place) in [
        (
            "{\n  \"model\": \"a/b\",\n  \"share\": \n}\n",
            "config-parse",
            Some((4, 1)),
        ),
        ("{\"share\": \"never\"}\n", "config-schema", None),
    ] {
        let Some(c) = Case::new("proj", Some("proj")) else {
            return;
        };
        c.write("proj/opencode.json", text);
        let out = c.ow(&["--json", "doctor"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        let report = out.json();
        let f = &report["findings"][0];
        assert_eq!(f["code"], code, "{report:#}");
        let run = c.oc(&["debug", "config"]);
        assert_eq!(
            run.code,
            Some(1),
            "OpenCode started with {text}: {}",
            run.stderr
        );
        if let Some((line, column)) = place {
            assert_eq!(
                (&f["line"], &f["column"]),
                (&Value::from(line), &Value::from(column))
            );
            let said = format!("at line {line}, column {column}");
            assert!(run.stderr.contains(&said), "OpenCode said: {}", run.stderr);
        } else {
            assert!(
                run.stderr.contains("Configuration is invalid"),
                "{}",
                run.stderr
            );
        }
    }
}
