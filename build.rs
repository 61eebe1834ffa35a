//! Puts the git commit into `openwork --version` when built from a checkout.
use std::process::Command;

fn main() {
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
