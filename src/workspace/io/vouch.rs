//! Skipping the `stat` of a file the parse cache already holds, or the
//! listing of a folder it listed, when a watcher vouches that nothing at
//! its path has changed since the cache last checked it: a server's read
//! or plan of 2,000 command files, or of 10,000 skill folders, then asks
//! the file system for nothing it already knows.
//!
//! The watcher is the read memo's (`workspace::memo`), behind [`Vouch`] so
//! that this layer depends on nothing above it. A [`Scope`] is begun once
//! the workspace lock is held, on the thread that reads: it takes in every
//! event queued by then (a change that finished before it began is always
//! seen) and holds the generation it found, the time of every check made
//! inside it. A cache entry checked at generation `g` is vouched for while
//! the watcher still watches its path since a generation `≤ g` and no
//! event for that path came since (each one ends the watcher's vouching
//! for the path until the next read's cover).
//!
//! Without a scope (the offline CLI, a platform without inotify, a plan
//! made before the lock is taken) every check is a `stat`, as before.

use std::cell::RefCell;
use std::ffi::OsString;
use std::path::Path;
use std::sync::Arc;

/// What vouches that a path is unchanged: the read memo's watcher.
pub(crate) trait Vouch: Send + Sync + std::fmt::Debug {
    /// The current generation, once every queued event is taken in;
    /// `None` when nothing can be vouched for.
    fn generation(&self) -> Option<u64>;
    /// Nothing at `path` has changed since generation `since`, and the
    /// path has been watched since then.
    fn vouches(&self, path: &Path, since: u64) -> bool;
    /// For the folder `dir`, watched for every entry since generation
    /// `since`: the names of the entries that may have come, gone, been
    /// replaced or been written to since then (empty: its listing, and
    /// what its files hold, still hold, but for an edit through a link
    /// added after a file was covered, which no watch is told of);
    /// `None` when that cannot be told.
    fn changed_entries(&self, dir: &Path, since: u64) -> Option<Vec<OsString>>;
}

thread_local! {
    static SCOPE: RefCell<Option<(Arc<dyn Vouch>, u64)>> = const { RefCell::new(None) };
}

/// Vouching on this thread, until dropped.
pub(crate) struct Scope {
    previous: Option<(Arc<dyn Vouch>, u64)>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = SCOPE.try_with(|s| *s.borrow_mut() = previous);
    }
}

/// Begins vouching by `by` on this thread (call it with the workspace
/// lock held); with no watcher, or one that vouches for nothing, every
/// check inside is a `stat`.
pub(crate) fn begin(by: Option<&Arc<dyn Vouch>>) -> Scope {
    let now = by.and_then(|v| v.generation().map(|g| (Arc::clone(v), g)));
    let previous = SCOPE.try_with(|s| s.replace(now)).ok().flatten();
    Scope { previous }
}

/// The generation checks made now are dated with, inside a scope.
pub(super) fn now() -> Option<u64> {
    SCOPE
        .try_with(|s| s.borrow().as_ref().map(|(_, g)| *g))
        .ok()
        .flatten()
}

/// Whether a check of `path` made at generation `checked` still holds.
pub(super) fn holds(path: &Path, checked: u64) -> bool {
    SCOPE
        .try_with(|s| {
            s.borrow()
                .as_ref()
                .is_some_and(|(v, now)| checked <= *now && v.vouches(path, checked))
        })
        .unwrap_or(false)
}

/// The entries of the folder `dir`, listed at generation `checked`, that
/// may have changed since (see [`Vouch::changed_entries`]).
pub(super) fn changed_entries(dir: &Path, checked: u64) -> Option<Vec<OsString>> {
    SCOPE
        .try_with(|s| {
            let s = s.borrow();
            let (v, now) = s.as_ref()?;
            (checked <= *now)
                .then(|| v.changed_entries(dir, checked))
                .flatten()
        })
        .ok()
        .flatten()
}
