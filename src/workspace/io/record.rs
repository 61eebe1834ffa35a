//! The record of what a read looked at: every primitive of [`super`]
//! notes the paths it asks about ([`looked_up`], [`read`], [`listed`], or
//! [`unwatchable`] for what no watch can vouch for) into the innermost
//! [`record`] running on this thread, so the record cannot drift from the
//! code that reads. The read memo (`workspace::memo`) watches what a record holds.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// What one computation read.
#[derive(Debug, Default)]
pub(crate) struct Deps {
    /// Paths looked up (probed, or found missing) besides those of
    /// `files` and `listed`, which were looked up too ([`Deps::looked_up`]).
    pub(crate) lookups: Vec<PathBuf>,
    /// Files whose bytes were read (or that were found missing).
    pub(crate) files: Vec<PathBuf>,
    /// Folders whose entries were listed.
    pub(crate) listed: Vec<PathBuf>,
    /// Something was read that no watch can vouch for.
    pub(crate) unwatchable: bool,
}

impl Deps {
    /// Every path looked up: probed, read or listed. A file read is
    /// noted once, not once as a lookup and again as a file. (Only the
    /// inotify watcher asks, on Linux.)
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    pub(crate) fn looked_up(&self) -> impl Iterator<Item = &Path> {
        (self.lookups.iter())
            .chain(&self.files)
            .chain(&self.listed)
            .map(PathBuf::as_path)
    }
}

thread_local! {
    /// A stack, so that a recorded computation may run another one.
    static RECORDING: RefCell<Vec<Deps>> = const { RefCell::new(Vec::new()) };
}

fn note(f: impl FnOnce(&mut Deps)) {
    let _ = RECORDING.try_with(|r| {
        if let Some(deps) = r.borrow_mut().last_mut() {
            f(deps);
        }
    });
}

/// Whether a record is running on this thread: what is noted is kept.
pub(crate) fn recording() -> bool {
    RECORDING
        .try_with(|r| !r.borrow().is_empty())
        .unwrap_or(false)
}

/// `path` was looked up (its existence or type was asked).
pub(crate) fn looked_up(path: &Path) {
    note(|d| d.lookups.push(path.to_path_buf()));
}

/// The bytes of `path` were read (or it was found missing).
pub(crate) fn read(path: &Path) {
    note(|d| d.files.push(path.to_path_buf()));
}

/// The entries of the folder `dir` were listed.
pub(crate) fn listed(dir: &Path) {
    note(|d| d.listed.push(dir.to_path_buf()));
}

/// Something was read that a watch cannot vouch for.
pub(crate) fn unwatchable() {
    note(|d| d.unwatchable = true);
}

/// Runs `f` and returns what it read along with its result.
pub(crate) fn record<T>(f: impl FnOnce() -> T) -> (T, Deps) {
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            let _ = RECORDING.try_with(|r| r.borrow_mut().pop());
        }
    }
    RECORDING.with(|r| r.borrow_mut().push(Deps::default()));
    let pop = Pop;
    let out = f();
    let deps = RECORDING.with(|r| r.borrow_mut().pop()).unwrap_or_default();
    std::mem::forget(pop);
    // What an inner computation read, the outer one read too.
    note(|outer| {
        outer.lookups.extend(deps.lookups.iter().cloned());
        outer.files.extend(deps.files.iter().cloned());
        outer.listed.extend(deps.listed.iter().cloned());
        outer.unwatchable |= deps.unwatchable;
    });
    (out, deps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_records_count_for_the_outer_one() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        let ((), outer) = record(|| {
            let ((), inner) = record(|| read(&f));
            assert_eq!(inner.files, vec![f.clone()]);
        });
        assert_eq!(outer.files, vec![f]);
        // Nothing is recorded outside a record.
        read(Path::new("/x"));
    }
}
