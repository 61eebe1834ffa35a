//! Running servers and their pairing files (docs/api.md#pairing-file): a
//! live `openwork serve` of this workspace is worth knowing (its memo and
//! OpenCode reloads follow every write); a pairing file whose server is
//! gone, or one openwork refuses, is left over and confuses nobody but
//! the person who reads the folder — `openwork approvals` skips it.

use super::{Finding, Severity};
use crate::pairing::{self, Entry};
use crate::workspace::Workspace;
use std::path::Path;

pub(super) fn check(ws: &Workspace, found: &mut Vec<Finding>) {
    let root = ws.root().display().to_string();
    for entry in pairing::scan() {
        match entry {
            Entry::Live(path, p) if p.workspaces.contains(&root) => found.push(Finding::new(
                "server-running",
                Severity::Info,
                Some(&path),
                format!(
                    "openwork serve (pid {}) serves this workspace at {}",
                    p.pid, p.url
                ),
                "answer its write requests with `openwork approvals watch`",
            )),
            Entry::Live(..) => {}
            Entry::Stale(path, pid) => found.push(Finding::new(
                "pairing-stale",
                Severity::Warning,
                Some(&path),
                format!("pairing file of a server that is gone (pid {pid} is not running)"),
                remove(&path),
            )),
            Entry::Refused(path, why) => found.push(Finding::new(
                "pairing-refused",
                Severity::Warning,
                Some(&path),
                format!("openwork ignores this pairing file: {why}"),
                remove(&path),
            )),
        }
    }
}

fn remove(path: &Path) -> String {
    format!("remove it: rm {}", shell_word(&path.display().to_string()))
}

/// `text` as one word of `sh`.
fn shell_word(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+@%".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
