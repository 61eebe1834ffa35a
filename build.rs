//! Puts the git commit into `openwork --version` when built from a checkout,
//! and the OpenCode version openwork targets (the file `OPENCODE_VERSION`,
//! the one place it is written) into `OPENWORK_OPENCODE_VERSION`.
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=OPENCODE_VERSION");
    let opencode = std::fs::read_to_string("OPENCODE_VERSION")
        .expect("OPENCODE_VERSION: the OpenCode version openwork targets");
    let opencode = opencode.trim();
    assert!(
        !opencode.is_empty() && opencode.bytes().all(|b| b.is_ascii_digit() || b == b'.'),
        "OPENCODE_VERSION must hold a version such as 1.18.33, not {opencode:?}"
    );
    println!("cargo:rustc-env=OPENWORK_OPENCODE_VERSION={opencode}");
    println!("cargo:rerun-if-env-changed=OPENWORK_GIT_COMMIT");
    for path in [".git/HEAD", ".git/index"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    if std::env::var_os("OPENWORK_GIT_COMMIT").is_some() {
        return;
    }
    let commit = Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(commit) = commit {
        println!("cargo:rustc-env=OPENWORK_GIT_COMMIT={commit}");
    }
}
