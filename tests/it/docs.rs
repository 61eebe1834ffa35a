//! The documentation is true. Here: the shipped completions and man pages
//! are current with the CLI, loadable by each shell, and rendered by man
//! without warnings; [`examples`]: the examples of the README and of
//! `docs/` run; [`links`]: every link and citation resolves.

mod examples;
mod links;

use crate::support::{bin, require, required_tools};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's folder.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn repo(rel: &str) -> PathBuf {
    root().join(rel)
}

/// docs/*.md, by name.
fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(repo("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    pages
}

const STALE: &str =
    "completions/ or man/ are stale: run scripts/generate-docs.sh and commit the result";

#[test]
fn completions_are_current() {
    for (shell, file) in [
        ("bash", "completions/openwork.bash"),
        ("zsh", "completions/_openwork"),
        ("fish", "completions/openwork.fish"),
        ("elvish", "completions/openwork.elv"),
        ("powershell", "completions/_openwork.ps1"),
    ] {
        let out = Command::new(bin())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let committed = std::fs::read(repo(file)).unwrap_or_default();
        assert!(committed == out.stdout, "{file}: {STALE}");
    }
}

#[test]
fn man_pages_are_current() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .args(["-q", "man"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".1"))
            .collect();
        v.sort();
        v
    };
    let generated = list(dir.path());
    assert_eq!(generated, list(&repo("man")), "{STALE}");
    for name in &generated {
        let fresh = std::fs::read(dir.path().join(name)).unwrap();
        let committed = std::fs::read(repo("man").join(name)).unwrap();
        assert!(fresh == committed, "man/{name}: {STALE}");
    }
    assert!(generated.contains(&"openwork-plugins-add.1".to_string()));
    let root = std::fs::read_to_string(repo("man/openwork.1")).unwrap();
    for section in [
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH \"EXIT STATUS\"",
        ".SH EXAMPLES",
    ] {
        assert!(root.contains(section), "openwork.1 lacks {section}");
    }
}

/// Linux: `--warnings` and `-l` are man-db's.
#[cfg(target_os = "linux")]
#[test]
fn man_renders_without_warnings() {
    if !require("man") {
        return;
    }
    for entry in std::fs::read_dir(repo("man")).unwrap() {
        let path = entry.unwrap().path();
        let out = Command::new("man")
            .args(["--warnings", "-l"])
            .arg(&path)
            .env("MANWIDTH", "80")
            .env("MAN_KEEP_FORMATTING", "0")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", path.display());
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(warnings.trim().is_empty(), "{}: {warnings}", path.display());
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn bash_completes_subcommands() {
    if !require("bash") {
        return;
    }
    let script = format!(
        "source {} && complete -p openwork && COMP_WORDS=(openwork plu) COMP_CWORD=1 COMP_LINE='openwork plu' COMP_POINT=12 && _openwork openwork plu openwork && echo \"${{COMPREPLY[@]}}\"",
        repo("completions/openwork.bash").display()
    );
    let out = Command::new("bash").arg("-c").arg(script).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("-F _openwork openwork"), "{stdout}");
    assert!(
        stdout
            .lines()
            .last()
            .unwrap_or("")
            .split_whitespace()
            .any(|w| w == "plugins"),
        "{stdout}"
    );
}

#[test]
fn zsh_loads_the_completion() {
    if !require("zsh") {
        return;
    }
    let script = format!(
        "autoload -Uz compinit && compinit -u -D && source {} && (( $+_comps[openwork] )) && echo loaded",
        repo("completions/_openwork").display()
    );
    let out = Command::new("zsh")
        .arg("-fc")
        .arg(script)
        .env("HOME", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("loaded"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn fish_completes_subcommands() {
    if !require("fish") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let script = format!(
        "source {}; complete -C 'openwork plu'",
        repo("completions/openwork.fish").display()
    );
    let out = Command::new("fish")
        .arg("--no-config")
        .arg("-c")
        .arg(script)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.lines().any(|l| l.starts_with("plugins")),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `COMPLETE=$SHELL openwork` completes the names that exist in the
/// workspace named on the command line being completed.
#[test]
fn dynamic_completion_offers_workspace_names() {
    let ws = tempfile::tempdir().unwrap();
    let w = ws.path();
    std::fs::write(w.join("opencode.jsonc"), r#"{"plugin": ["@acme/tools@1.2"], "mcp": {"chrome": {"type": "local", "command": ["x"]}}}"#).unwrap();
    std::fs::create_dir_all(w.join(".opencode/skills/triage")).unwrap();
    std::fs::write(
        w.join(".opencode/skills/triage/SKILL.md"),
        "---\nname: triage\ndescription: Sort issues\n---\n",
    )
    .unwrap();
    std::fs::create_dir_all(w.join(".opencode/commands")).unwrap();
    std::fs::write(
        w.join(".opencode/commands/review.md"),
        "---\nname: review\n---\nGo\n",
    )
    .unwrap();
    let complete = |words: &[&str]| {
        let out = Command::new(bin())
            .env("COMPLETE", "fish")
            .arg("--")
            .arg("openwork")
            .arg("-w")
            .arg(w)
            .args(words)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(complete(&["plugins", "remove", ""]).contains("@acme/tools\t@acme/tools@1.2"));
    assert!(complete(&["mcp", "remove", ""]).contains("chrome\tlocal"));
    assert!(complete(&["skills", "show", ""]).contains("triage\tSort issues"));
    assert!(complete(&["skills", "remove", "tr"]).contains("triage"));
    assert!(complete(&["commands", "remove", ""]).contains("review"));
}

/// The README's test command passes on a machine without the optional
/// tools whatever `CI` says (many CI systems set `CI=true`): a missing tool
/// is a skip, unless the run asked for every tool (`.ci/run` does).
#[test]
fn a_missing_tool_is_a_skip_unless_every_tool_is_required() {
    let missing = "openwork-test-no-such-tool";
    if required_tools() {
        assert!(std::panic::catch_unwind(|| require(missing)).is_err());
    } else {
        assert!(!require(missing));
    }
}
