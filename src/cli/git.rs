//! Whether git tracks a file of the workspace: `git ls-files
//! --error-unmatch`, run in the workspace folder. No git, no repository,
//! or a repository git will not read (another user's: `safe.directory`)
//! all mean "not tracked".

use std::path::Path;
use std::process::{Command, Stdio};

/// Whether `file` (inside `root`) is tracked by the git repository that
/// holds `root`. The repository's own settings cannot make this run a
/// program: `core.fsmonitor`, the one setting `ls-files` would run, is
/// turned off on the command line, and the path comes after `--`.
pub fn tracks(root: &Path, file: &Path) -> bool {
    let Ok(relative) = file.strip_prefix(root) else {
        return false;
    };
    Command::new("git")
        .args([
            "-c",
            "core.fsmonitor=false",
            "ls-files",
            "--error-unmatch",
            "--",
        ])
        .arg(relative)
        .current_dir(root)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
