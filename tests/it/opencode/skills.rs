//! Every place OpenCode finds a skill: `.agents/skills`, the singular
//! `.opencode/skill/`, nested folders, a folder named otherwise than its
//! skill, `skills.paths` (relative and `~/`), a skill without a
//! description, and one name in two places (OpenCode picks one at random:
//! its pick must be one openwork lists).

use super::Case;

fn skill(name: &str) -> String {
    format!("---\nname: {name}\ndescription: The {name} skill\n---\nBody\n")
}

#[test]
fn skill_forms() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    c.write("proj/.agents/skills/ag/SKILL.md", &skill("ag"));
    c.write("proj/.opencode/skill/sg/SKILL.md", &skill("sg"));
    c.write(
        "proj/.opencode/skills/group/nested/SKILL.md",
        &skill("nested"),
    );
    c.write(
        "proj/.opencode/skills/folder/SKILL.md",
        &skill("other-name"),
    );
    c.write("proj/.opencode/skills/SKILL.md", &skill("at-the-top"));
    c.write("proj/extra/p/SKILL.md", &skill("p"));
    crate::support::write(&c.home.join("shared/hs/SKILL.md"), &skill("hs"));
    c.write(
        "proj/opencode.jsonc",
        "{\"$schema\": \"https://opencode.ai/config.json\", \"skills\": {\"paths\": [\"extra\", \"~/shared\"]}}\n",
    );
    c.write("proj/.claude/skills/dup/SKILL.md", &skill("dup"));
    c.write("proj/.opencode/skills/dup/SKILL.md", &skill("dup"));
    c.write(
        "proj/.opencode/skills/nodesc/SKILL.md",
        "---\nname: nodesc\n---\nNo description.\n",
    );
    c.write(
        "proj/.opencode/skills/notaskill/skill.md",
        &skill("lowercase-file"),
    );
    c.ow_stdin_ok(
        &["skills", "add", "other-name", "-d", "Edited in place"],
        "New body\n",
    );
    c.ow_stdin_ok(&["skills", "add", "fresh", "-d", "A new one"], "Fresh\n");
    assert!(c.root.join(".opencode/skills/fresh/SKILL.md").is_file());
    assert!(
        std::fs::read_to_string(c.root.join(".opencode/skills/folder/SKILL.md"))
            .unwrap()
            .contains("Edited in place")
    );
    c.check(false, &[]);
}
