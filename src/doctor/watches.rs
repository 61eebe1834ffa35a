//! The watch budget: how many inotify watches a server's read memo
//! ([`crate::workspace::memo`]) needs to keep this workspace's reads, and
//! how many the server allows itself (a share of
//! `fs.inotify.max_user_watches`, for all the workspaces it serves
//! together). Past the budget it keeps nothing: every read is recomputed.

use super::{Finding, Severity, Watches};
use crate::workspace::Workspace;

/// Counts what a full read of the workspace (the resolution and every
/// skill) watches; run before any other check, on a cold cache.
#[cfg(target_os = "linux")]
pub(super) fn check(ws: &Workspace, found: &mut Vec<Finding>) -> Option<Watches> {
    use crate::workspace::io::record::record;
    use crate::workspace::memo::{WatchBudget, watches_needed};
    let (_, deps) = record(|| crate::workspace::skills::found(ws));
    let needed = watches_needed(&deps)?;
    let watches = Watches {
        needed,
        budget: WatchBudget::share_of_system().limit(),
    };
    if let Some(finding) = over_budget(watches) {
        found.push(finding);
    }
    Some(watches)
}

#[cfg(not(target_os = "linux"))]
pub(super) fn check(_: &Workspace, _: &mut Vec<Finding>) -> Option<Watches> {
    None
}

/// `watch-budget` when the workspace needs more watches than the memo
/// takes.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn over_budget(w: Watches) -> Option<Finding> {
    (w.needed > w.budget).then(|| {
        Finding::new(
            "watch-budget",
            Severity::Warning,
            None,
            format!(
                "a server of this workspace needs {} inotify watches to keep its reads, more than the {} it takes (an eighth of fs.inotify.max_user_watches, for all the workspaces it serves): every read will be recomputed",
                w.needed, w.budget
            ),
            format!(
                "raise the limit: sudo sysctl fs.inotify.max_user_watches={}",
                w.needed.saturating_mul(8)
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_past_the_budget() {
        assert!(
            over_budget(Watches {
                needed: 10,
                budget: 10
            })
            .is_none()
        );
        let f = over_budget(Watches {
            needed: 11,
            budget: 10,
        })
        .unwrap();
        assert_eq!((f.code, f.severity), ("watch-budget", Severity::Warning));
        assert!(f.hint.ends_with("max_user_watches=88"), "{}", f.hint);
    }
}
