//! Every form of command OpenCode reads: nested files (`git/commit`), the
//! singular `.opencode/command/`, a frontmatter `name:` that renames a
//! file's command, inline `command` entries, and a file merged over an
//! inline entry of the same name — written in place by openwork.

use super::Case;

#[test]
fn command_forms() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    c.write(
        "proj/.opencode/command/git/commit.md",
        "---\ndescription: Commit\nsubtask: true\n---\n\nCommit $ARGUMENTS\n",
    );
    c.write(
        "proj/.opencode/commands/file-name.md",
        "---\nname: renamed\ndescription: Named in its frontmatter\n---\nRenamed\n",
    );
    c.write(
        "proj/.opencode/commands/both.md",
        "---\ndescription: From the file\n---\nFile template\n",
    );
    c.write(
        "proj/opencode.jsonc",
        "{\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"command\": {\n    \"inl\": {\"template\": \"Inline\", \"agent\": \"plan\"},\n    \"both\": {\"template\": \"Inline template\", \"agent\": \"build\"}\n  }\n}\n",
    );
    c.check(false, &[]);
    // Written in place: the singular folder's file, the inline entry; and a
    // new nested one.
    c.ow(&["commands", "add", "git/commit", "-t", "Commit, edited"])
        .ok();
    c.ow(&[
        "commands",
        "add",
        "inl",
        "-t",
        "Inline, edited",
        "--model",
        "anthropic/claude-sonnet-4",
    ])
    .ok();
    c.ow(&["commands", "add", "deep/a/b", "-t", "Deep"]).ok();
    c.ow(&["commands", "remove", "renamed"]).ok();
    assert!(c.root.join(".opencode/command/git/commit.md").is_file());
    assert!(c.root.join(".opencode/commands/deep/a/b.md").is_file());
    assert!(!c.root.join(".opencode/commands/file-name.md").exists());
    let show = c.ow_json(&["commands", "show", "deep/a/b"]);
    assert_eq!(show["item"]["template"], "Deep");
    c.check(false, &[]);
}
