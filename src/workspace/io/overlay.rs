//! Files a group of writes has changed in memory and not yet written
//! (see `Workspace::write_group`): while a group plans its writes, every
//! read of the core on that thread sees these bytes instead of the file's,
//! so each write is planned against what the writes before it left. Only
//! the contents of files that exist are overlaid (a group never creates,
//! removes or links a file this way), so every other look — whether a
//! file exists, what a folder lists — is the disk's, and still true.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

thread_local! {
    static OVERLAY: RefCell<HashMap<PathBuf, Arc<[u8]>>> = RefCell::new(HashMap::new());
}

/// The overlaid bytes of `path`, if a group on this thread changed it.
pub(super) fn get(path: &Path) -> Option<Arc<[u8]>> {
    OVERLAY
        .try_with(|o| {
            let o = o.borrow();
            if o.is_empty() {
                None
            } else {
                o.get(path).cloned()
            }
        })
        .ok()
        .flatten()
}

/// Whether a group on this thread changed a file directly in `dir`.
pub(super) fn holds_in(dir: &Path) -> bool {
    OVERLAY
        .try_with(|o| o.borrow().keys().any(|p| p.parent() == Some(dir)))
        .unwrap_or(false)
}

/// Runs `f` with `files` overlaid on this thread's reads.
pub(crate) fn with<T>(files: &HashMap<PathBuf, Arc<[u8]>>, f: impl FnOnce() -> T) -> T {
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            let _ = OVERLAY.try_with(|o| o.borrow_mut().clear());
        }
    }
    OVERLAY.with(|o| o.borrow_mut().clone_from(files));
    let _clear = Clear;
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_see_the_overlay_only_inside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "disk").unwrap();
        let files = HashMap::from([(path.clone(), Arc::<[u8]>::from(&b"memory"[..]))]);
        let inside = with(&files, || super::super::read_optional(&path).unwrap());
        assert_eq!(inside.as_deref(), Some(&b"memory"[..]));
        let outside = super::super::read_optional(&path).unwrap();
        assert_eq!(outside.as_deref(), Some(&b"disk"[..]));
    }
}
