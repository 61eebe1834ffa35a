//! An interrupted write left in the workspace (docs/guarantees.md): one
//! openwork sealed is finished by the next write; one it refuses stops
//! every write until `openwork journal discard` removes it.

use super::{Finding, Severity};
use crate::Result;
use crate::workspace::Workspace;

pub(super) fn check(ws: &Workspace, found: &mut Vec<Finding>) -> Result<()> {
    let Some(pending) = ws.pending_journal()? else {
        return Ok(());
    };
    let path = ws.root().join(&pending.file);
    found.push(match pending.refused {
        None => Finding::new(
            "journal-pending",
            Severity::Warning,
            Some(&path),
            "a write of several files was interrupted: until it is finished, OpenCode may see some of its files old and some new",
            "run any openwork write here (or start `openwork serve`) to finish it; `openwork journal discard` abandons it",
        ),
        Some(why) => Finding::new(
            "journal-refused",
            Severity::Error,
            Some(&path),
            format!("openwork refuses this journal ({why}): every write here stops until it is gone"),
            "look at the file, then run `openwork journal discard`",
        ),
    });
    Ok(())
}
