//! How many inotify watches the memos of one process may hold together.
//!
//! The per-user limit (`fs.inotify.max_user_watches`) is shared with
//! editors and other tools, which must not be starved: a server takes a
//! share of it for all the workspaces it serves, not a share per
//! workspace, so that serving a hundred workspaces never takes a hundred
//! shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A count of watches held against a limit, shared (cheaply cloned) by
/// every watcher that draws on it.
#[derive(Debug, Clone)]
pub struct WatchBudget(Arc<Counts>);

#[derive(Debug)]
struct Counts {
    limit: usize,
    held: AtomicUsize,
}

impl WatchBudget {
    /// A budget of `limit` watches.
    pub fn new(limit: usize) -> WatchBudget {
        WatchBudget(Arc::new(Counts {
            limit,
            held: AtomicUsize::new(0),
        }))
    }

    /// The share of the per-user limit one server takes: an eighth of it,
    /// within 256 and 65,536 (1,024 when the system does not say).
    pub fn share_of_system() -> WatchBudget {
        WatchBudget::new(system_share())
    }

    /// How many watches may be held together.
    pub fn limit(&self) -> usize {
        self.0.limit
    }

    /// How many watches are held now.
    pub fn held(&self) -> usize {
        self.0.held.load(Ordering::Relaxed)
    }

    /// Takes one watch from the budget; `false` when none is left.
    // Only the Linux watcher takes watches.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    pub(crate) fn take(&self) -> bool {
        self.0
            .held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                (held < self.0.limit).then_some(held + 1)
            })
            .is_ok()
    }

    /// Gives back `n` watches taken.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    pub(crate) fn give(&self, n: usize) {
        let _ = self
            .0
            .held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                Some(held.saturating_sub(n))
            });
    }
}

/// An eighth of the per-user watch limit, within 256 and 65,536.
pub(crate) fn system_share() -> usize {
    #[cfg(target_os = "linux")]
    let max = crate::workspace::io::notify::max_user_watches();
    #[cfg(not(target_os = "linux"))]
    let max: Option<usize> = None;
    max.map_or(1024, |max| (max / 8).clamp(256, 65_536))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_up_to_the_limit_and_gets_back_what_is_given() {
        let budget = WatchBudget::new(2);
        let other = budget.clone();
        assert!(budget.take());
        assert!(other.take());
        assert!(!budget.take(), "the clones share one count");
        other.give(1);
        assert_eq!(budget.held(), 1);
        assert!(budget.take());
        budget.give(5);
        assert_eq!(budget.held(), 0, "never below zero");
    }
}
