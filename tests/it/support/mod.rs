//! What the integration tests share: [`serve`] runs and drives
//! `openwork serve`, [`cli`] runs the offline CLI on a temporary
//! workspace, [`payload_check`] holds the checks of the property tests
//! (and of the fuzz target), [`rng`] a seeded generator; and here, the
//! binary under test and the helpers for files on disk.

pub mod cli;
pub mod payload_check;
pub mod rng;
pub mod serve;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The `openwork` binary cargo built for these tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_openwork")
}

/// Whether `tool` is on PATH. In CI every tool is installed by .ci/run, so
/// there a missing one fails; elsewhere it is said loudly and the caller
/// skips.
pub fn require(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    // Only .ci/run, which installs every tool the tests use, asks for them
    // all: elsewhere (a fresh machine, a CI system that sets CI=true) a
    // check whose tool is missing says it skipped, and passes.
    assert!(
        !required_tools(),
        "{tool} is required: OPENWORK_TEST_REQUIRE_TOOLS is set (.ci/run installs it)"
    );
    eprintln!("skipped: {tool} is not installed");
    false
}

/// Whether the run asked for every tool the tests use
/// (`OPENWORK_TEST_REQUIRE_TOOLS=1`, as `.ci/run` sets it).
pub fn required_tools() -> bool {
    std::env::var_os("OPENWORK_TEST_REQUIRE_TOOLS").is_some_and(|v| v == "1")
}

/// What the `sh` line `line` shows on a terminal `columns` wide (a tmux
/// window of its own), once it has finished.
#[cfg(unix)]
pub fn terminal(columns: u16, line: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "openwork-terminal-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("run.sh");
    std::fs::write(
        &script,
        format!("{line}\ntmux -L {name} wait-for -S done\nsleep 60\n"),
    )
    .expect("write");
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &name])
            .args(args)
            .output()
            .expect("tmux")
    };
    let cols = columns.to_string();
    let start = [
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        &cols,
        "-y",
        "60",
        "sh",
    ];
    let script = script.to_str().expect("utf-8");
    assert!(tmux(&[&start[..], &[script]].concat()).status.success());
    // tmux keeps a signal sent before anyone waits: no race.
    assert!(tmux(&["wait-for", "done"]).status.success());
    let screen = tmux(&["capture-pane", "-p", "-t", &name]);
    tmux(&["kill-server"]);
    String::from_utf8_lossy(&screen.stdout).into_owned()
}

/// Every entry under `dir` by its full path: a file's bytes, a link's
/// target, `<dir>` for a folder.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let t = e.file_type().expect("file type");
            if t.is_symlink() {
                let target = std::fs::read_link(&p).expect("link");
                out.insert(p, target.to_string_lossy().as_bytes().to_vec());
            } else if t.is_dir() {
                out.insert(p.clone(), b"<dir>".to_vec());
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

/// The regular files of [`snapshot`], by their path relative to `root`.
pub fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(root)
        .into_iter()
        .filter(|(p, _)| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
        .map(|(p, bytes)| (p.strip_prefix(root).expect("prefix").to_path_buf(), bytes))
        .collect()
}

/// A workspace folder with a commented OpenCode config.
pub fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("opencode.jsonc"),
        "{\n  // my settings\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"theme\": \"dark\", // keep\n}\n",
    )
    .expect("write");
    dir
}

/// Writes `text` to `path`, creating the folders above it.
pub fn write(path: &Path, text: &str) {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// Every byte but ASCII letters and digits percent-encoded: a folder as
/// the `directory` query parameter of OpenCode's API.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The keys of an audit entry, in the order they are written.
pub const AUDIT_ENTRY_KEYS: [&str; 7] = [
    "id",
    "workspaceId",
    "actor",
    "action",
    "target",
    "summary",
    "timestamp",
];

/// The audit log of the workspace at `root`, one value per line (none if
/// there is no log yet).
pub fn audit(root: &Path) -> Vec<Value> {
    match std::fs::read_to_string(root.join(".opencode/openwork/audit.jsonl")) {
        Ok(text) => text
            .lines()
            .map(|l| serde_json::from_str(l).expect("every audit line is JSON"))
            .collect(),
        Err(_) => Vec::new(),
    }
}
