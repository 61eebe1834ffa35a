//! Every form of plugin OpenCode loads: specs with versions and scopes,
//! the `[spec, {options}]` tuple, a path to a folder, a `file://` URL,
//! plugin files in `.opencode/plugin/` and `plugins/` (not deeper, not
//! `.mjs`), and the same package in two files (the later one wins, at its
//! place).

use super::Case;

#[test]
fn plugin_forms() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    c.write("proj/lp/index.js", "export default {}\n");
    c.write("abs/plugin.js", "export default {}\n");
    let url = format!("file://{}", c.path("abs/plugin.js").display());
    c.write(
        "proj/opencode.jsonc",
        &format!(
            "{{\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"plugin\": [\n    [\"tup@1\", {{\"k\": 1}}],\n    \"@scope/a@1\",\n    \"./lp\",\n    \"{url}\",\n  ],\n}}\n"
        ),
    );
    c.write(
        "proj/.opencode/opencode.jsonc",
        "{\"$schema\": \"https://opencode.ai/config.json\", \"plugin\": [\"@scope/a@2\"]}\n",
    );
    c.write("proj/.opencode/plugin/s.js", "export default {}\n");
    c.write("proj/.opencode/plugins/t.ts", "export default {}\n");
    c.write("proj/.opencode/plugins/nested/u.ts", "export default {}\n");
    c.write("proj/.opencode/plugins/v.mjs", "export default {}\n");
    let before = c.snapshot();
    c.ow(&["plugins", "add", "tup"]).ok();
    assert_eq!(c.snapshot(), before, "the tuple's plugin is there: no-op");
    // Another version updates the tuple's spec, its options kept.
    c.ow(&["plugins", "add", "tup@2"]).ok();
    let text = std::fs::read_to_string(c.root.join("opencode.jsonc")).unwrap();
    assert!(text.contains("[\"tup@2\", {\"k\": 1}]"), "{text}");
    c.ow(&["plugins", "add", "fresh@3"]).ok();
    let listed = c.ow_json(&["plugins", "list"]);
    let a = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["spec"] == "@scope/a@2")
        .cloned()
        .expect("the later @scope/a");
    assert_eq!(
        a["replaces"][0],
        c.root.join("opencode.jsonc").display().to_string()
    );
    c.check(false, &[]);
    // Removing the tuple's plugin removes the tuple.
    c.ow(&["plugins", "remove", "tup"]).ok();
    let text = std::fs::read_to_string(c.root.join("opencode.jsonc")).unwrap();
    assert!(!text.contains("tup@"), "{text}");
    c.check(false, &[]);
}

/// Every form of spec `plugins add` accepts is one OpenCode loads as the
/// same list openwork shows: git URLs, a host's short form, a tarball, an
/// alias, a range.
#[test]
fn every_accepted_spec_form_loads() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    c.write("proj/local/index.js", "export default {}\n");
    c.ow(&[
        "plugins",
        "add",
        "@acme/tools@^1.2",
        "plain@latest",
        "ranged@>=1 <2",
        "alias@npm:real@1",
        "github:owner/repo#v1",
        "git+https://example.com/a/b.git",
        "git+ssh://git@example.com:a/c.git",
        "https://example.com/p-1.0.0.tgz",
        "./local",
    ])
    .ok();
    c.check(false, &[]);
    c.ow(&["plugins", "add", "@acme/tools@2"]).ok();
    let listed = c.ow_json(&["plugins", "list"]);
    assert_eq!(listed["items"][0]["spec"], "@acme/tools@2");
    c.check(false, &[]);
}
