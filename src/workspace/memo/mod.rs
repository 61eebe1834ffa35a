//! Knowing in one system call that nothing a read depends on has changed,
//! so that a long-running server can answer a repeated read from memory
//! ([`Memo`]) and still never answer with stale data.
//!
//! Reads record what they look at: the file primitives and the parse cache
//! of [`super::io`] note every path they ask about in a record (`io::record`),
//! so the record cannot drift from the code that reads.
//! A `Watcher` then watches, with inotify, every folder those paths are
//! looked up through (for the names looked up there, or for every entry
//! when the folder was listed) and every file read. Linux queues the event
//! inside the system call that makes the change, before that call returns,
//! so a change that finished before a request arrived is in the queue when
//! the request drains it: one non-blocking `read`.
//!
//! The watcher's generation counts changes. It also moves whenever the
//! watch set grows, because a change may have gone unseen while a watch
//! did not exist yet. A value is kept only while the generation taken
//! before it was built is still current.
//!
//! What no watch can vouch for makes a read uncacheable instead: folders
//! on network or FUSE file systems (a change made on another machine
//! raises no event here), paths through symbolic links, and failures to
//! add a watch (such as the [`WatchBudget`] all the memos of a server
//! share, or the per-user watch limit).

mod budget;
#[cfg(target_os = "linux")]
mod inotify;
pub use budget::WatchBudget;
#[cfg(target_os = "linux")]
pub(crate) use inotify::{Watcher, watches_needed};

use super::io::record::record;
use super::io::vouch::Vouch;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

/// Without inotify nothing is vouched for: every read is computed afresh.
#[cfg(not(target_os = "linux"))]
#[derive(Debug)]
pub(crate) struct Watcher;

#[cfg(not(target_os = "linux"))]
impl Watcher {
    pub(crate) fn new(_: &WatchBudget) -> std::io::Result<Watcher> {
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "file system notifications are only used on Linux",
        ))
    }
    pub(crate) fn generation(&self) -> Option<u64> {
        None
    }
    pub(crate) fn cover(&self, _: &super::io::record::Deps) -> bool {
        false
    }
}

impl Vouch for Watcher {
    fn generation(&self) -> Option<u64> {
        Watcher::generation(self)
    }
    fn vouches(&self, path: &std::path::Path, since: u64) -> bool {
        #[cfg(target_os = "linux")]
        return Watcher::vouches(self, path, since);
        #[cfg(not(target_os = "linux"))]
        return {
            let _ = (path, since);
            false
        };
    }
    fn changed_entries(
        &self,
        dir: &std::path::Path,
        since: u64,
    ) -> Option<Vec<std::ffi::OsString>> {
        #[cfg(target_os = "linux")]
        return Watcher::changed_entries(self, dir, since);
        #[cfg(not(target_os = "linux"))]
        return {
            let _ = (dir, since);
            None
        };
    }
}

// ------------------------------------------------------------------ memo

/// Past this many keys the memo starts over (bounded memory).
const MAX_VALUES: usize = 64;

/// Values computed from a workspace's files, kept while the watcher
/// vouches that nothing they read has changed. `K` names what was
/// computed (with its parameters), `V` is what is kept: cheap to clone
/// (shared bytes or an `Arc`), as every hit hands out a copy. Bounded in
/// number and in bytes: past either budget it starts over, and a value
/// larger than the whole byte budget is not kept — only held weakly when
/// the memo is [sharing](Memo::sharing): while someone still holds it
/// (an answer being sent), the same read gets that value, not a copy of
/// its own, so that many such reads at once cost one value's memory.
pub struct Memo<K, V> {
    /// Shared with the workspace it reads ([`Memo::vouch`]).
    watcher: Arc<Watcher>,
    values: Mutex<Values<K, V>>,
    /// What a value costs, in bytes.
    weigh: fn(&V) -> usize,
    /// What all the values kept may cost together.
    max_bytes: usize,
    /// How a value too large to keep is held weakly, if it can be.
    share: Option<Hold<V>>,
}

impl<K, V> std::fmt::Debug for Memo<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo")
            .field("max_bytes", &self.max_bytes)
            .field("sharing", &self.share.is_some())
            .finish_non_exhaustive()
    }
}

/// A value held weakly: the value again while someone still holds it.
pub type Held<V> = Box<dyn Fn() -> Option<V> + Send + Sync>;

/// How a value is held weakly, if it can be (see [`Memo::sharing`]).
pub type Hold<V> = fn(&V) -> Option<Held<V>>;

/// A key's value as the memo has it.
enum Slot<V> {
    Kept(V),
    Held(Held<V>),
}

/// Each key's value, with the generation it was computed at and its cost
/// (nothing for one held weakly).
struct Values<K, V> {
    map: HashMap<K, (u64, Slot<V>, usize)>,
    bytes: usize,
}

impl<K, V> Memo<K, V> {
    /// The watcher, to vouch for the files of the workspace it reads.
    pub(crate) fn vouch(&self) -> Arc<dyn Vouch> {
        self.watcher.clone()
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// A memo bounded by the number of values only, with a watch budget
    /// of its own.
    pub fn new() -> std::io::Result<Self> {
        Self::weighed(usize::MAX, |_| 0, &WatchBudget::share_of_system())
    }

    /// A memo whose values, as `weigh` counts them, cost at most
    /// `max_bytes` together, and whose watches are taken from `budget`
    /// (shared with other memos).
    pub fn weighed(
        max_bytes: usize,
        weigh: fn(&V) -> usize,
        budget: &WatchBudget,
    ) -> std::io::Result<Self> {
        Ok(Memo {
            watcher: Arc::new(Watcher::new(budget)?),
            values: Mutex::new(Values {
                map: HashMap::new(),
                bytes: 0,
            }),
            weigh,
            max_bytes,
            share: None,
        })
    }

    /// This memo with values too large to keep held weakly, as `hold`
    /// holds them (`None`: a value that cannot be).
    pub fn sharing(mut self, hold: Hold<V>) -> Self {
        self.share = Some(hold);
        self
    }

    #[cfg(all(test, target_os = "linux"))]
    fn with_budget(budget: &WatchBudget) -> std::io::Result<Self> {
        Self::weighed(usize::MAX, |_| 0, budget)
    }

    /// The value of `build`, from memory when nothing it read has changed
    /// since it was computed. Errors are not kept.
    pub fn get<E>(&self, key: K, build: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        let Some(generation) = self.watcher.generation() else {
            return build();
        };
        if let Some(value) = self.kept(&key, generation) {
            return Ok(value);
        }
        self.forget_before(generation);
        let (value, deps) = record(build);
        let value = value?;
        let cost = (self.weigh)(&value);
        // Watched whether kept or not: the parse cache's vouching relies on it.
        let covered = self.watcher.cover(&deps);
        let slot = if cost <= self.max_bytes {
            Some((Slot::Kept(value.clone()), cost))
        } else {
            let held = self.share.and_then(|hold| hold(&value));
            held.map(|held| (Slot::Held(held), 0))
        };
        if let Some((slot, cost)) = slot
            && covered
        {
            let mut values = self.values();
            if values
                .map
                .get(&key)
                .is_some_and(|(g, _, _)| *g > generation)
            {
                // A build begun after this one has kept its newer value.
                return Ok(value);
            }
            if let Some((_, _, old)) = values.map.remove(&key) {
                values.bytes -= old;
            }
            if values.map.len() >= MAX_VALUES || values.bytes + cost > self.max_bytes {
                // Values held weakly cost nothing: they stay.
                values
                    .map
                    .retain(|_, (_, slot, _)| matches!(slot, Slot::Held(_)));
                values.bytes = 0;
            }
            values.bytes += cost;
            values.map.insert(key, (generation, slot, cost));
        }
        Ok(value)
    }

    /// The value kept under `key`, if nothing it read has changed since:
    /// one system call, and never a wait.
    pub fn peek(&self, key: &K) -> Option<V> {
        self.kept(key, self.watcher.generation()?)
    }

    fn kept(&self, key: &K, generation: u64) -> Option<V> {
        let values = self.values();
        let (g, slot, _) = values.map.get(key)?;
        if *g != generation {
            return None;
        }
        match slot {
            Slot::Kept(v) => Some(v.clone()),
            Slot::Held(held) => held(),
        }
    }

    /// Drops the values computed before `generation`: none can be
    /// handed out again (generations only grow), and a large workspace's
    /// stale answers (some 12 MB) would otherwise be held while their
    /// new ones are built.
    fn forget_before(&self, generation: u64) {
        let mut values = self.values();
        if values.map.values().any(|(g, _, _)| *g < generation) {
            values.map.retain(|_, (g, _, _)| *g >= generation);
            values.bytes = values.map.values().map(|(_, _, cost)| cost).sum();
        }
    }

    fn values(&self) -> MutexGuard<'_, Values<K, V>> {
        self.values.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The bytes the kept values cost, as `weigh` counts them.
    pub fn kept_bytes(&self) -> usize {
        self.values().bytes
    }
}
#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::workspace::io::Kind;
    use crate::workspace::io::record::{listed, looked_up, read, unwatchable};
    use std::cell::Cell;
    use std::ffi::OsString;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;
    use std::time::{Duration, SystemTime};

    /// A temporary folder where values can be kept at all: on a file
    /// system the watcher does not trust (see `local_file_system`), tests
    /// that count kept values have nothing to count and are skipped.
    fn kept_tempdir() -> Option<tempfile::TempDir> {
        let dir = tempfile::tempdir().unwrap();
        if !inotify::local_file_system(dir.path()) {
            eprintln!(
                "skipped: {} is not on a local file system",
                dir.path().display()
            );
            return None;
        }
        Some(dir)
    }

    /// A memo of the bytes of every file a closure reads, counting builds.
    struct Probe<T> {
        memo: Memo<&'static str, Arc<T>>,
        builds: Cell<u32>,
    }

    impl<T> Probe<T> {
        fn new() -> Probe<T> {
            Probe {
                memo: Memo::new().unwrap(),
                builds: Cell::new(0),
            }
        }
        fn get(&self, f: impl FnOnce() -> T) -> Arc<T> {
            self.memo
                .get("t", || {
                    self.builds.set(self.builds.get() + 1);
                    Ok::<_, ()>(Arc::new(f()))
                })
                .unwrap()
        }
    }

    fn read_file(p: &Path) -> Option<Vec<u8>> {
        read(p);
        std::fs::read(p).ok()
    }

    fn list(dir: &Path) -> Vec<OsString> {
        listed(dir);
        let mut names: Vec<OsString> = std::fs::read_dir(dir)
            .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// Writes `text` in place (same inode) and puts the old mtime back, so
    /// that only the content tells the change.
    fn edit_in_place(p: &Path, text: &str) {
        let old = std::fs::metadata(p).unwrap().modified().unwrap();
        std::fs::write(p, text).unwrap();
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }

    #[test]
    fn keeps_a_value_until_something_it_read_changes() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let f = dir.path().join("f");
        std::fs::write(&f, "one").unwrap();
        let probe = Probe::new();
        let get = || probe.get(|| read_file(&f));
        // The first build adds watches, so it is not kept; the second is.
        assert_eq!(get().as_deref(), Some(&b"one"[..]));
        assert_eq!(get().as_deref(), Some(&b"one"[..]));
        let builds = probe.builds.get();
        for _ in 0..10 {
            assert_eq!(get().as_deref(), Some(&b"one"[..]));
        }
        assert_eq!(probe.builds.get(), builds, "unchanged reads are kept");

        edit_in_place(&f, "two");
        assert_eq!(get().as_deref(), Some(&b"two"[..]), "same size, same mtime");
        std::fs::remove_file(&f).unwrap();
        assert_eq!(get().as_deref(), None, "removed");
        std::fs::write(&f, "three").unwrap();
        assert_eq!(get().as_deref(), Some(&b"three"[..]), "created");
        let tmp = dir.path().join("f.tmp");
        std::fs::write(&tmp, "four!").unwrap();
        std::fs::rename(&tmp, &f).unwrap();
        assert_eq!(get().as_deref(), Some(&b"four!"[..]), "replaced by rename");
        edit_in_place(&f, "five!");
        assert_eq!(
            get().as_deref(),
            Some(&b"five!"[..]),
            "the new file is watched"
        );
    }

    /// A parse cache vouched for by a memo's watcher, counting the `stat`s
    /// it still makes.
    struct Vouched {
        memo: Memo<String, Arc<Vec<Option<Vec<u8>>>>>,
        by: Arc<dyn Vouch>,
        cache: crate::workspace::io::Cache,
    }

    impl Vouched {
        fn new() -> Vouched {
            let memo = Memo::new().unwrap();
            let by = memo.vouch();
            Vouched {
                memo,
                by,
                cache: Default::default(),
            }
        }

        /// The bytes of `p` through the cache, inside a vouching scope.
        fn load(&self, p: &Path) -> Option<Vec<u8>> {
            let _scope = crate::workspace::io::vouch::begin(Some(&self.by));
            (self.cache)
                .load(p, "t", |bytes| bytes.to_vec())
                .unwrap()
                .map(|v| (*v).clone())
        }

        /// A memoized read of `paths`, twice: the first has them watched,
        /// the second checks them at or after that.
        fn cover(&self, paths: &[&Path]) {
            for _ in 0..2 {
                let read = || Ok::<_, ()>(Arc::new(paths.iter().map(|p| self.load(p)).collect()));
                self.memo.get(format!("read {paths:?}"), read).unwrap();
            }
        }

        fn stats(&self) -> usize {
            self.cache.stats.load(std::sync::atomic::Ordering::Relaxed)
        }

        /// The names and kinds in the folder `dir` through the cache,
        /// inside a vouching scope.
        fn list(&self, dir: &Path) -> Vec<(String, Kind)> {
            let _scope = crate::workspace::io::vouch::begin(Some(&self.by));
            let entries = self.cache.list(dir).unwrap();
            let entries = entries.iter();
            entries
                .map(|e| (e.name.to_string_lossy().into_owned(), e.kind))
                .collect()
        }

        /// A memoized listing of `dir`, twice (see [`Vouched::cover`]).
        fn cover_listing(&self, dir: &Path) {
            for _ in 0..2 {
                let read = || {
                    self.list(dir);
                    Ok::<_, ()>(Arc::new(Vec::new()))
                };
                self.memo.get(format!("list {dir:?}"), read).unwrap();
            }
        }

        fn listings(&self) -> usize {
            self.cache.listed.load(std::sync::atomic::Ordering::Relaxed)
        }

        /// The files of the folder `dir` parsed as one value through the
        /// cache, inside a vouching scope: each file's name and bytes,
        /// each parse counted in `parses`; `None` when it is not kept.
        fn parsed(&self, dir: &Path, parses: &Cell<usize>) -> Option<Vec<(String, Vec<u8>)>> {
            self.parsed_as(dir, parses, "t", false)
        }

        /// [`Vouched::parsed`] kept under `kind`, each parse failing when
        /// `fail` (as a read that meets too many open files does).
        fn parsed_as(
            &self,
            dir: &Path,
            parses: &Cell<usize>,
            kind: &'static str,
            fail: bool,
        ) -> Option<Vec<(String, Vec<u8>)>> {
            let _scope = crate::workspace::io::vouch::begin(Some(&self.by));
            let want = |e: &crate::workspace::io::Entry| e.kind == Kind::File;
            let parse = |p: &Path| {
                parses.set(parses.get() + 1);
                if fail {
                    return None;
                }
                read_file(p).map(Arc::new)
            };
            let folder = self.cache.parsed_folder(dir, kind, want, parse)?.unwrap();
            let files = folder.slots.iter().filter_map(|s| {
                let bytes = s.parse.clone()?.map(|b| (*b).clone())?;
                Some((s.name.to_string_lossy().into_owned(), bytes))
            });
            Some(files.collect())
        }

        /// A memoized [`Vouched::parsed`] of `dir`, twice (see
        /// [`Vouched::cover`]).
        fn cover_parsed(&self, dir: &Path) {
            self.cover_by(&format!("parsed {dir:?}"), || {
                self.parsed(dir, &Cell::new(0));
            });
        }

        /// `read` run as a memoized read under `key`, twice (see
        /// [`Vouched::cover`]): what it looked at is watched.
        fn cover_by(&self, key: &str, read: impl Fn()) {
            for _ in 0..2 {
                let build = || {
                    read();
                    Ok::<_, ()>(Arc::new(Vec::new()))
                };
                self.memo.get(key.to_string(), build).unwrap();
            }
        }
    }

    /// A folder's files parsed as one value are parsed again one at a
    /// time, only when the watcher saw that file change: edited in place,
    /// created, replaced, written through another hard link, whatever
    /// else changed in the folder. A file no read has covered is parsed
    /// at each use; without a scope, or with a group's changed file in
    /// the folder, nothing is kept.
    #[test]
    fn a_parsed_folder_parses_again_only_the_files_that_changed() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let d = dir.path().join("d");
        std::fs::create_dir_all(d.join("sub")).unwrap();
        std::fs::create_dir(dir.path().join("other")).unwrap();
        std::fs::write(d.join("a"), "one").unwrap();
        std::fs::write(d.join("b"), "bee").unwrap();
        std::fs::write(dir.path().join("other/h"), "hard").unwrap();
        std::fs::hard_link(dir.path().join("other/h"), d.join("h")).unwrap();
        let v = Vouched::new();
        let parses = Cell::new(0);
        let files = |v: &Vouched| v.parsed(&d, &parses).unwrap();
        let bytes = |v: &Vouched, name: &str| {
            let files = files(v);
            files.into_iter().find(|(n, _)| n == name).map(|(_, b)| b)
        };
        let named = |list: &[(&str, &str)]| -> Vec<(String, Vec<u8>)> {
            (list.iter())
                .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
                .collect()
        };
        // Not covered yet: parsed at each use.
        assert_eq!(
            files(&v),
            named(&[("a", "one"), ("b", "bee"), ("h", "hard")])
        );
        assert_eq!(parses.get(), 3);
        files(&v);
        assert_eq!(parses.get(), 6, "no file vouched for: each parsed again");
        v.cover_parsed(&d);
        files(&v);
        parses.set(0);
        assert_eq!(
            files(&v),
            named(&[("a", "one"), ("b", "bee"), ("h", "hard")])
        );
        assert_eq!(parses.get(), 0, "vouched for: nothing parsed");

        // Each change: that file alone parsed, once covered again.
        let seen = |name: &str, want: Option<&str>, what: &str| {
            parses.set(0);
            assert_eq!(
                bytes(&v, name).as_deref(),
                want.map(str::as_bytes),
                "{what}"
            );
            assert_eq!(
                parses.get(),
                usize::from(want.is_some()),
                "{what}: that file alone"
            );
            // Covered, then parsed once more as vouched for.
            v.cover_parsed(&d);
            files(&v);
        };
        edit_in_place(&d.join("a"), "two");
        seen("a", Some("two"), "edited in place");
        std::fs::write(d.join("c"), "sea").unwrap();
        seen("c", Some("sea"), "created");
        std::fs::remove_file(d.join("b")).unwrap();
        seen("b", None, "removed");
        let tmp = dir.path().join("tmp");
        std::fs::write(&tmp, "three").unwrap();
        std::fs::rename(&tmp, d.join("a")).unwrap();
        seen("a", Some("three"), "replaced");
        edit_in_place(&dir.path().join("other/h"), "HARD");
        seen("h", Some("HARD"), "written through the other link");
        std::fs::write(d.join("sub/x"), "deep").unwrap();
        parses.set(0);
        assert_eq!(
            files(&v),
            named(&[("a", "three"), ("c", "sea"), ("h", "HARD")])
        );
        assert_eq!(
            parses.get(),
            0,
            "vouched for again; a sub-folder's file is not this folder's"
        );

        // Files vouched for but that could not be read when the folder
        // was parsed (under another kind, as a fresh value): read again
        // at the next use, though no event will say they can be now.
        assert_eq!(v.parsed_as(&d, &parses, "u", true), Some(Vec::new()));
        assert_eq!(
            v.parsed_as(&d, &parses, "u", false),
            Some(named(&[("a", "three"), ("c", "sea"), ("h", "HARD")])),
            "a failed read is not kept"
        );

        // Without a scope, or with a group's bytes for a file of the
        // folder, nothing is kept.
        let unscoped = v
            .cache
            .parsed_folder(&d, "t", |_| true, |_| None::<Arc<()>>);
        assert!(unscoped.is_none());
        let files = HashMap::from([(d.join("a"), Arc::<[u8]>::from(&b"x"[..]))]);
        crate::workspace::io::overlay::with(&files, || {
            assert_eq!(v.parsed(&d, &parses), None, "a group's bytes");
        });
    }

    /// The parse cache skips a file's `stat` only while the watcher
    /// vouches that nothing at its path changed since it was checked: an
    /// edit in place (same size, old mtime), a removal, a creation and a
    /// replacement are each seen on the next load, and a file no read has
    /// covered is always asked.
    #[test]
    fn the_cache_skips_a_stat_only_while_the_watcher_vouches() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let (a, b, c) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("c"),
        );
        std::fs::write(&a, "one").unwrap();
        std::fs::write(&b, "bee").unwrap();
        std::fs::write(&c, "sea").unwrap();
        let v = Vouched::new();
        let load = |p: &Path| v.load(p);
        v.cover(&[&a, &b]);
        let before = v.stats();
        assert_eq!(load(&a).as_deref(), Some(&b"one"[..]));
        assert_eq!(load(&b).as_deref(), Some(&b"bee"[..]));
        assert_eq!(v.stats(), before, "vouched for: no stat");
        assert_eq!(load(&c).as_deref(), Some(&b"sea"[..]));
        assert_eq!(load(&c).as_deref(), Some(&b"sea"[..]));
        assert_eq!(v.stats(), before + 2, "never covered: always asked");
        // Without a scope (the offline CLI), always asked.
        v.cache.load(&a, "t", |bytes| bytes.to_vec()).unwrap();
        assert_eq!(v.stats(), before + 3);

        edit_in_place(&a, "two");
        assert_eq!(
            load(&a).as_deref(),
            Some(&b"two"[..]),
            "same size, old mtime"
        );
        std::fs::remove_file(&b).unwrap();
        assert_eq!(load(&b), None, "removed");
        std::fs::write(&b, "bees").unwrap();
        assert_eq!(load(&b).as_deref(), Some(&b"bees"[..]), "created");
        let tmp = dir.path().join("tmp");
        std::fs::write(&tmp, "three").unwrap();
        std::fs::rename(&tmp, &a).unwrap();
        assert_eq!(load(&a).as_deref(), Some(&b"three"[..]), "replaced");
        // Covered again by the next reads, then vouched for again.
        v.cover(&[&a, &b]);
        let before = v.stats();
        assert_eq!(load(&a).as_deref(), Some(&b"three"[..]));
        assert_eq!(load(&b).as_deref(), Some(&b"bees"[..]));
        assert_eq!(v.stats(), before, "vouched for again");
        edit_in_place(&b, "wasp");
        assert_eq!(load(&b).as_deref(), Some(&b"wasp"[..]), "edited again");
        // A file that went missing is vouched missing until it comes back.
        std::fs::remove_file(&a).unwrap();
        v.cover(&[&a, &b]);
        assert_eq!(load(&a), None);
        std::fs::write(&a, "back").unwrap();
        assert_eq!(load(&a).as_deref(), Some(&b"back"[..]), "came back");
    }

    /// A file missing with its folders (as `/etc/opencode/opencode.json`
    /// usually is) is vouched missing without a `stat` until the folders
    /// and the file appear; a file of two hard links is vouched for until
    /// it is edited through the other link, in a folder no read looked at.
    #[test]
    fn the_cache_sees_missing_folders_appear_and_edits_through_other_links() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let deep = dir.path().join("sub/inner/x");
        let linked = dir.path().join("h");
        let elsewhere = dir.path().join("other/h");
        std::fs::write(&linked, "one").unwrap();
        std::fs::create_dir(dir.path().join("other")).unwrap();
        std::fs::hard_link(&linked, &elsewhere).unwrap();
        let v = Vouched::new();
        v.cover(&[&deep, &linked]);
        let before = v.stats();
        assert_eq!(v.load(&deep), None);
        assert_eq!(v.load(&linked).as_deref(), Some(&b"one"[..]));
        assert_eq!(v.stats(), before, "vouched for: no stat");

        std::fs::create_dir_all(deep.parent().unwrap()).unwrap();
        std::fs::write(&deep, "here").unwrap();
        assert_eq!(v.load(&deep).as_deref(), Some(&b"here"[..]), "appeared");
        edit_in_place(&elsewhere, "two");
        assert_eq!(
            v.load(&linked).as_deref(),
            Some(&b"two"[..]),
            "edited through the other link"
        );
    }

    /// A file read the way files outside the workspace are (following
    /// links), found missing, is vouched missing without a `stat` like any
    /// other, until it appears.
    #[test]
    fn a_missing_file_read_through_links_is_vouched_missing_until_it_appears() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let f = dir.path().join("global/opencode.json");
        std::fs::create_dir(dir.path().join("global")).unwrap();
        let v = Vouched::new();
        let load = |v: &Vouched| {
            let _scope = crate::workspace::io::vouch::begin(Some(&v.by));
            let got = v.cache.load_following(&f, "t", |bytes| bytes.to_vec());
            got.unwrap().map(|b| (*b).clone())
        };
        v.cover_by("global", || {
            load(&v);
        });
        let before = v.stats();
        assert_eq!(load(&v), None);
        assert_eq!(v.stats(), before, "vouched missing: no stat");
        std::fs::write(&f, "here").unwrap();
        assert_eq!(load(&v).as_deref(), Some(&b"here"[..]), "appeared");
    }

    /// A folder found missing is kept as missing while the watcher
    /// vouches for it (most of the places a command, plugin or skill
    /// folder could be are), and listed once it appears.
    #[test]
    fn a_missing_folder_is_listed_again_only_once_it_appears() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let d = dir.path().join("d");
        let v = Vouched::new();
        let list = |v: &Vouched| {
            let _scope = crate::workspace::io::vouch::begin(Some(&v.by));
            v.cache.list(&d).map(|e| e.len()).map_err(|e| e.kind())
        };
        v.cover_by("missing", || {
            let _ = list(&v);
        });
        let before = v.listings();
        assert_eq!(list(&v), Err(std::io::ErrorKind::NotFound));
        assert_eq!(v.listings(), before, "kept as missing: not listed again");
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("a"), "x").unwrap();
        assert_eq!(list(&v), Ok(1), "appeared");
        // Without a scope, a missing folder is asked for each time.
        assert!(v.cache.list(&dir.path().join("none")).is_err());
    }

    /// A missing folder looked through (a global config folder) that
    /// appears as a link to a folder holding the file and the listed
    /// folder: both are seen at once, though no event says anything of
    /// the paths below the link.
    #[test]
    fn a_missing_folder_that_appears_as_a_link_is_looked_through_anew() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let g = dir.path().join("cfg");
        let (file, commands) = (g.join("opencode.json"), g.join("command"));
        let v = Vouched::new();
        let read = |v: &Vouched| {
            let _scope = crate::workspace::io::vouch::begin(Some(&v.by));
            let got = v.cache.load_following(&file, "t", |bytes| bytes.to_vec());
            let got = got.unwrap().map(|b| (*b).clone());
            (got, v.cache.list(&commands).map(|e| e.len()).ok())
        };
        v.cover_by("through", || {
            read(&v);
        });
        assert_eq!(read(&v), (None, None));
        let dotfiles = dir.path().join("dotfiles");
        std::fs::create_dir_all(dotfiles.join("command")).unwrap();
        std::fs::write(dotfiles.join("opencode.json"), "{}").unwrap();
        std::fs::write(dotfiles.join("command/a.md"), "A").unwrap();
        std::os::unix::fs::symlink(&dotfiles, &g).unwrap();
        assert_eq!(
            read(&v),
            (Some(b"{}".to_vec()), Some(1)),
            "seen through the link"
        );
    }

    /// A path looked up through a name that was a file, not a folder (so
    /// no watch could be had on it), is no longer vouched for once that
    /// name is a folder; and a name that comes and goes in a listed folder
    /// without ever being looked through (a write's temporary, renamed
    /// away before its event is taken in) is not looked for below.
    #[test]
    fn a_name_is_looked_for_below_only_where_something_was_looked_through() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let (x, listed) = (dir.path().join("x"), dir.path().join("listed"));
        let below = x.join("opencode.json");
        std::fs::write(&x, "a file").unwrap();
        std::fs::create_dir(&listed).unwrap();
        let memo = Memo::<(), ()>::new().unwrap();
        let deps = crate::workspace::io::record::Deps {
            files: vec![below.clone()],
            listed: vec![listed.clone()],
            ..Default::default()
        };
        memo.watcher.cover(&deps);
        assert!(memo.watcher.cover(&deps), "watched already");
        let at = memo.watcher.generation().unwrap();
        assert!(memo.watcher.vouches(&below, at));
        let searches = memo.watcher.searches();
        let tmp = listed.join(".f.tmp");
        std::fs::write(&tmp, "x").unwrap();
        std::fs::rename(&tmp, listed.join("f")).unwrap();
        std::fs::create_dir(&tmp).unwrap();
        std::fs::remove_dir(&tmp).unwrap();
        assert_eq!(memo.watcher.searches(), searches, "nothing to look for");
        assert!(memo.watcher.vouches(&below, at));
        std::fs::remove_file(&x).unwrap();
        std::fs::create_dir(&x).unwrap();
        memo.watcher.generation();
        assert!(!memo.watcher.vouches(&below, at), "x is a folder now");
        assert_eq!(memo.watcher.searches(), searches + 1);
    }

    /// The same for a file of several links, whose own watch stood in for
    /// it when, read first, it was then looked through as a folder: its
    /// watch goes with the file, and what was covered below it goes once
    /// the name is a folder.
    #[test]
    fn a_file_of_two_links_looked_through_as_a_folder_is_seen_once_it_is_one() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let p = dir.path().join("p");
        let below = p.join("x");
        std::fs::write(&p, "a file").unwrap();
        std::fs::hard_link(&p, dir.path().join("other")).unwrap();
        let memo = Memo::<(), ()>::new().unwrap();
        let cover = |files: Vec<PathBuf>| {
            let deps = crate::workspace::io::record::Deps {
                files,
                ..Default::default()
            };
            memo.watcher.cover(&deps);
            assert!(memo.watcher.cover(&deps), "watched already");
        };
        cover(vec![p.clone()]);
        cover(vec![below.clone()]);
        let at = memo.watcher.generation().unwrap();
        assert!(memo.watcher.vouches(&below, at));
        std::fs::remove_file(&p).unwrap();
        memo.watcher.generation();
        std::fs::create_dir(&p).unwrap();
        memo.watcher.generation();
        assert!(!memo.watcher.vouches(&below, at), "p is a folder now");
    }

    /// A folder's listing is kept while the watcher vouches for it, and
    /// brought up to date, one entry at a time, when an entry comes, goes
    /// or is replaced (by a file, a folder or a link of the same name):
    /// the folder is not listed again. An edit inside a file leaves the
    /// listing be; past `MAX_CHANGED` changes the folder is listed anew;
    /// without a scope it is always listed.
    #[test]
    fn the_cache_lists_a_folder_again_only_when_an_entry_changes() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let d = dir.path().join("d");
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("a"), "one").unwrap();
        std::fs::write(d.join("b"), "bee").unwrap();
        let v = Vouched::new();
        v.cover_listing(&d);
        let names = |v: &Vouched| v.list(&d);
        let (file, folder, link) = (Kind::File, Kind::Folder, Kind::Link);
        let before = v.listings();
        assert_eq!(names(&v), [("a".into(), file), ("b".into(), file)]);
        edit_in_place(&d.join("a"), "two");
        assert_eq!(names(&v), [("a".into(), file), ("b".into(), file)]);
        assert_eq!(v.listings(), before, "vouched for: not listed again");
        // Without a scope (the offline CLI), always listed.
        v.cache.list(&d).unwrap();
        assert_eq!(v.listings(), before + 1);

        std::fs::write(d.join("c"), "sea").unwrap();
        let abc = [("a".into(), file), ("b".into(), file), ("c".into(), file)];
        assert_eq!(names(&v), abc, "created");
        v.cover_listing(&d);
        std::fs::remove_file(d.join("b")).unwrap();
        assert_eq!(
            names(&v),
            [("a".into(), file), ("c".into(), file)],
            "removed"
        );
        v.cover_listing(&d);
        std::fs::remove_file(d.join("c")).unwrap();
        std::fs::create_dir(d.join("c")).unwrap();
        let a_c = |c| [("a".to_string(), file), ("c".to_string(), c)];
        assert_eq!(names(&v), a_c(folder), "a file became a folder");
        v.cover_listing(&d);
        std::os::unix::fs::symlink("a", dir.path().join("l")).unwrap();
        std::fs::rename(dir.path().join("l"), d.join("a")).unwrap();
        assert_eq!(names(&v)[0], ("a".into(), link), "replaced by a link");
        v.cover_listing(&d);
        std::fs::rename(d.join("c"), dir.path().join("c")).unwrap();
        assert_eq!(names(&v), [("a".into(), link)], "moved out");
        assert_eq!(v.listings(), before + 1, "brought up to date, not listed");
        v.cover_listing(&d);
        let before = v.listings();
        assert_eq!(names(&v), [("a".into(), link)]);
        assert_eq!(v.listings(), before, "vouched for again");
    }

    /// The watcher notes up to `MAX_CHANGED` changed entries of a folder,
    /// each brought up to date alone; one more and the folder is listed
    /// anew. A folder first read as if it were a file, and a folder
    /// spelled two ways (`/x//d`), are listed right after a change too.
    #[test]
    fn the_cache_lists_a_folder_anew_past_the_changes_noted_and_whatever_its_path() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let d = dir.path().join("d");
        std::fs::create_dir(&d).unwrap();
        let v = Vouched::new();
        v.cover_listing(&d);
        let before = v.listings();
        let add = |i: usize| std::fs::write(d.join(format!("n{i:03}")), "x").unwrap();
        let count = |v: &Vouched, dir: &Path| v.list(dir).len();
        (0..inotify::MAX_CHANGED).for_each(add);
        assert_eq!(count(&v, &d), inotify::MAX_CHANGED);
        assert_eq!(v.listings(), before, "each change noted, none listed");
        add(inotify::MAX_CHANGED);
        assert_eq!(count(&v, &d), inotify::MAX_CHANGED + 1);
        assert_eq!(v.listings(), before + 1, "past the notes: listed anew");

        // Read as a file (it is not one), then listed.
        let f = dir.path().join("f");
        std::fs::create_dir(&f).unwrap();
        std::fs::create_dir(f.join("sub")).unwrap(); // three links
        v.cover(&[&f]);
        v.cover_listing(&f);
        assert_eq!(count(&v, &f), 1);
        std::fs::write(f.join("b"), "x").unwrap();
        assert_eq!(count(&v, &f), 2, "an entry of a folder read as a file");

        // Two spellings of one folder, each listed.
        let odd = PathBuf::from(format!("{}//d", dir.path().display()));
        let other = Vouched::new();
        other.cover_listing(&d);
        other.cover_listing(&odd);
        add(1000);
        assert_eq!(count(&other, &d), inotify::MAX_CHANGED + 2);
        assert_eq!(count(&other, &odd), inotify::MAX_CHANGED + 2, "spelled //");
    }

    /// The values kept never cost more than the byte budget: past it the
    /// memo starts over, and a value larger than the budget is not kept.
    #[test]
    fn the_byte_budget_is_never_exceeded() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let f = dir.path().join("f");
        std::fs::write(&f, "x").unwrap();
        let memo: Memo<usize, Arc<Vec<u8>>> =
            Memo::weighed(1000, |v: &Arc<Vec<u8>>| v.len(), &WatchBudget::new(100)).unwrap();
        let builds = Cell::new(0);
        let get = |key: usize, size: usize| {
            memo.get(key, || {
                builds.set(builds.get() + 1);
                read_file(&f);
                Ok::<_, ()>(Arc::new(vec![0u8; size]))
            })
            .unwrap()
        };
        get(0, 300); // watches the file: not kept yet
        for key in 0..20 {
            get(key, 300);
            assert!(memo.kept_bytes() <= 1000, "{} bytes", memo.kept_bytes());
        }
        let before = builds.get();
        get(19, 300);
        assert_eq!(builds.get(), before, "the newest is kept");
        get(99, 5000);
        get(99, 5000);
        assert_eq!(builds.get(), before + 2, "too big to keep");
        assert!(memo.kept_bytes() <= 1000);
    }

    /// A value larger than the byte budget is not kept, but while someone
    /// holds it the same read gets it again (one value's memory for many
    /// readers at once); once no one does, or once something it read
    /// changed, it is built anew. Without sharing it is built each time.
    #[test]
    fn a_value_too_large_to_keep_is_shared_while_it_is_held() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let f = dir.path().join("f");
        std::fs::write(&f, "one").unwrap();
        let hold = |v: &Arc<Vec<u8>>| -> Option<Held<Arc<Vec<u8>>>> {
            let weak = Arc::downgrade(v);
            Some(Box::new(move || weak.upgrade()))
        };
        let weigh = |v: &Arc<Vec<u8>>| v.len();
        for sharing in [true, false] {
            let memo: Memo<u8, Arc<Vec<u8>>> =
                Memo::weighed(10, weigh, &WatchBudget::new(100)).unwrap();
            let memo = if sharing { memo.sharing(hold) } else { memo };
            let builds = Cell::new(0);
            let get = || {
                memo.get(0, || {
                    builds.set(builds.get() + 1);
                    let mut text = read_file(&f).unwrap_or_default();
                    text.resize(1000, b' ');
                    Ok::<_, ()>(Arc::new(text))
                })
                .unwrap()
            };
            drop(get()); // watches the file: not held yet
            let first = get();
            let again = get();
            assert_eq!(Arc::ptr_eq(&first, &again), sharing, "sharing {sharing}");
            assert_eq!(builds.get(), if sharing { 2 } else { 3 });
            assert_eq!(memo.kept_bytes(), 0, "held, not kept");

            edit_in_place(&f, "two");
            let changed = get();
            assert_eq!(
                &changed[..3],
                b"two",
                "a change is seen while the old one is held"
            );
            assert!(!Arc::ptr_eq(&first, &changed));
            drop((first, again, changed));
            let before = builds.get();
            get();
            assert_eq!(builds.get(), before + 1, "built again once no one holds it");
        }
    }

    /// Values computed before a change are dropped by the next miss, not
    /// held (and counted) until their own key is asked again.
    #[test]
    fn a_miss_drops_the_values_of_earlier_generations() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let (f, g) = (dir.path().join("f"), dir.path().join("g"));
        std::fs::write(&f, "one").unwrap();
        std::fs::write(&g, "other").unwrap();
        let memo: Memo<u8, Arc<Vec<u8>>> =
            Memo::weighed(1 << 20, |v: &Arc<Vec<u8>>| v.len(), &WatchBudget::new(100)).unwrap();
        let get = |key: u8, path: &Path| {
            memo.get(key, || {
                Ok::<_, ()>(Arc::new(read_file(path).unwrap_or_default()))
            })
            .unwrap()
        };
        for _ in 0..2 {
            // The first builds add watches: not kept.
            get(0, &f);
            get(1, &g);
        }
        assert_eq!(memo.kept_bytes(), 3 + 5);
        edit_in_place(&f, "two");
        get(1, &g);
        assert_eq!(memo.kept_bytes(), 5, "the value of f's time is gone");
        assert_eq!(&get(0, &f)[..], b"two");
        assert_eq!(memo.kept_bytes(), 3 + 5, "the values of this time stay");
    }

    #[test]
    fn unrelated_entries_of_a_watched_folder_do_not_invalidate() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let f = dir.path().join("f");
        std::fs::write(&f, "one").unwrap();
        let probe = Probe::new();
        probe.get(|| read_file(&f));
        probe.get(|| read_file(&f));
        let builds = probe.builds.get();
        std::fs::write(dir.path().join("README"), "x").unwrap();
        probe.get(|| read_file(&f));
        assert_eq!(probe.builds.get(), builds);
    }

    #[test]
    fn listed_folders_report_every_entry() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("skills");
        std::fs::create_dir(&d).unwrap();
        let probe = Probe::new();
        let get = || probe.get(|| list(&d));
        assert!(get().is_empty());
        assert!(get().is_empty());
        std::fs::create_dir(d.join("a")).unwrap();
        assert_eq!(*get(), vec![OsString::from("a")]);
        std::fs::rename(d.join("a"), d.join("b")).unwrap();
        assert_eq!(*get(), vec![OsString::from("b")]);
        std::fs::remove_dir(d.join("b")).unwrap();
        assert!(get().is_empty());
    }

    #[test]
    fn a_folder_replaced_is_watched_anew() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let d = dir.path().join(".opencode");
        let f = d.join("skills/s/SKILL.md");
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(&f, "old").unwrap();
        let probe = Probe::new();
        let get = || probe.get(|| read_file(&f));
        get();
        get();
        std::fs::rename(&d, dir.path().join("gone")).unwrap();
        assert_eq!(get().as_deref(), None);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(&f, "new").unwrap();
        assert_eq!(get().as_deref(), Some(&b"new"[..]));
        get();
        // The old folder, moved away, no longer counts; the new one does.
        std::fs::write(dir.path().join("gone/skills/s/SKILL.md"), "moved").unwrap();
        let builds = probe.builds.get();
        assert_eq!(get().as_deref(), Some(&b"new"[..]));
        assert_eq!(
            probe.builds.get(),
            builds,
            "the moved folder is not watched"
        );
        edit_in_place(&f, "NEW");
        assert_eq!(get().as_deref(), Some(&b"NEW"[..]));
    }

    #[test]
    fn a_missing_folder_appearing_is_seen() {
        // The skills chain asks for `.git` in each parent folder.
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path().join("a/b/.git");
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        let probe = Probe::new();
        let get = || {
            probe.get(|| {
                looked_up(&git);
                git.exists()
            })
        };
        assert!(!*get());
        assert!(!*get());
        std::fs::create_dir_all(&git).unwrap();
        assert!(*get());
        std::fs::remove_dir(&git).unwrap();
        assert!(!*get());
    }

    #[test]
    fn a_hard_link_edited_elsewhere_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let other = outside.path().join("x");
        std::fs::write(&other, "one").unwrap();
        let f = dir.path().join("f");
        std::fs::hard_link(&other, &f).unwrap();
        let probe = Probe::new();
        let get = || probe.get(|| read_file(&f));
        get();
        get();
        edit_in_place(&other, "two");
        assert_eq!(get().as_deref(), Some(&b"two"[..]));
    }

    #[test]
    fn touch_and_chmod_are_seen() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, "one").unwrap();
        let probe = Probe::new();
        let get = || {
            probe.get(|| {
                read(&f);
                std::fs::metadata(&f).unwrap().modified().unwrap()
            })
        };
        get();
        get();
        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&f)
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert_eq!(*get(), old);
    }

    #[test]
    fn links_in_the_path_make_a_read_uncacheable() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::fs::write(real.join("f"), "one").unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
        let f = dir.path().join("link/f");
        let probe = Probe::new();
        for _ in 0..3 {
            probe.get(|| read_file(&f));
        }
        assert_eq!(probe.builds.get(), 3, "never kept");
        let probe = Probe::new();
        for _ in 0..3 {
            probe.get(|| {
                unwatchable();
            });
        }
        assert_eq!(probe.builds.get(), 3, "never kept");
        // A link at the end of a path, followed: its target is not watched.
        std::os::unix::fs::symlink(real.join("f"), dir.path().join("to-f")).unwrap();
        let probe = Probe::new();
        for _ in 0..3 {
            probe.get(|| crate::workspace::io::is_file(&dir.path().join("to-f")));
        }
        assert_eq!(probe.builds.get(), 3, "never kept");
        let probe = Probe::new();
        for _ in 0..3 {
            probe.get(|| crate::workspace::io::is_file(&real.join("f")));
        }
        assert_eq!(probe.builds.get(), 2, "without a link: kept");
    }

    /// A folder holding `files` folders of one file each, as a skills
    /// folder does.
    fn skill_folders(dir: &Path, files: usize) {
        for i in 0..files {
            std::fs::create_dir_all(dir.join(format!("s{i}"))).unwrap();
            std::fs::write(dir.join(format!("s{i}/SKILL.md")), "x").unwrap();
        }
    }

    /// Reads every file one level down, as the skills listing does.
    fn read_below(dir: &Path) -> Vec<Option<Vec<u8>>> {
        list(dir)
            .iter()
            .map(|n| read_file(&dir.join(n).join("SKILL.md")))
            .collect()
    }

    /// Past its budget, a watcher adds no watch and keeps nothing that
    /// would need one; what fits is still kept.
    #[test]
    fn the_watch_budget_is_never_exceeded() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let small = dir.path().join("small");
        let big = dir.path().join("big");
        skill_folders(&small, 1);
        skill_folders(&big, 50);
        // The chain from `/` to the folder, and the folder below it (its
        // file is watched through it).
        let depth = small.ancestors().count();
        let memo = Memo::with_budget(&WatchBudget::new(depth + 1)).unwrap();
        let builds = Cell::new(0);
        let read_all = |d: &Path| {
            builds.set(builds.get() + 1);
            read_below(d)
        };
        for _ in 0..3 {
            memo.get(("small", 0), || Ok::<_, ()>(read_all(&small)))
                .unwrap();
        }
        assert_eq!(builds.get(), 2, "fits: kept after the first build");
        builds.set(0);
        for _ in 0..3 {
            memo.get(("big", 0), || Ok::<_, ()>(read_all(&big)))
                .unwrap();
        }
        assert_eq!(builds.get(), 3, "over budget: never kept");
        let watches = memo.watcher.watches();
        assert!(watches <= depth + 1, "{watches} watches");
    }

    /// The memos of a server share one budget: together they never hold
    /// more, and what one gives back (when it goes) the other may take.
    #[test]
    fn two_watchers_sharing_a_budget_never_exceed_it_together() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        skill_folders(&a, 30);
        skill_folders(&b, 30);
        let chain = dir.path().ancestors().count();
        // Room for the chain and one of the two folders with its 30
        // skill folders, not both.
        let budget = WatchBudget::new(chain + 31 + 10);
        let (one, two) = (
            Memo::with_budget(&budget).unwrap(),
            Memo::with_budget(&budget).unwrap(),
        );
        let builds = Cell::new(0);
        let get = |memo: &Memo<(&str, i32), Vec<Option<Vec<u8>>>>, d: &Path| {
            memo.get(("t", 0), || {
                builds.set(builds.get() + 1);
                Ok::<_, ()>(read_below(d))
            })
            .unwrap()
        };
        for _ in 0..3 {
            get(&one, &a);
            get(&two, &b);
            let held = one.watcher.watches() + two.watcher.watches();
            assert!(held <= budget.limit(), "{held} watches");
            assert_eq!(budget.held(), held);
        }
        assert_eq!(builds.get(), 2 + 3, "the first kept, the second never");
        drop(one);
        assert_eq!(
            budget.held(),
            two.watcher.watches(),
            "the first gave its watches back"
        );
        builds.set(0);
        for _ in 0..3 {
            get(&two, &b);
        }
        assert_eq!(builds.get(), 2, "the second is kept now");
        assert!(two.watcher.watches() <= budget.limit());
    }

    /// A file of one link is watched through its folder alone: the
    /// folder's watch reports an edit in place, a touch, a chmod.
    #[test]
    fn a_plain_file_is_watched_through_its_folder() {
        let Some(dir) = kept_tempdir() else {
            return;
        };
        let files: Vec<PathBuf> = (0..20).map(|i| dir.path().join(format!("f{i}"))).collect();
        for f in &files {
            std::fs::write(f, "one").unwrap();
        }
        let probe = Probe::new();
        let get = || probe.get(|| files.iter().map(|f| read_file(f)).collect::<Vec<_>>());
        get();
        get();
        let folders = dir.path().ancestors().count();
        assert_eq!(probe.memo.watcher.watches(), folders, "no watch per file");
        edit_in_place(&files[7], "two");
        assert_eq!(get()[7].as_deref(), Some(&b"two"[..]), "edited in place");
        let builds = probe.builds.get();
        get();
        assert_eq!(probe.builds.get(), builds, "kept again");
        let mode = std::fs::metadata(&files[3]).unwrap().permissions();
        let mut ro = mode.clone();
        ro.set_readonly(true);
        std::fs::set_permissions(&files[3], ro).unwrap();
        get();
        assert_eq!(probe.builds.get(), builds + 1, "chmod is seen");
    }

    /// procfs, like a network file system, changes without events.
    #[test]
    fn files_of_other_file_systems_are_never_kept() {
        let f = Path::new("/proc/sys/fs/inotify/max_queued_events");
        let probe = Probe::new();
        for _ in 0..3 {
            probe.get(|| read_file(f));
        }
        assert_eq!(probe.builds.get(), 3);
    }

    /// A build that reads, after which the file changes before it ends,
    /// is not kept: neither the first (no watch existed while it read, so
    /// the edit raised no event) nor a later one (the event moves the
    /// generation).
    #[test]
    fn a_change_during_the_build_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, "one").unwrap();
        let probe = Probe::new();
        let racing = |then: &str| {
            probe.get(|| {
                let v = read_file(&f);
                edit_in_place(&f, then);
                v
            })
        };
        assert_eq!(racing("two").as_deref(), Some(&b"one"[..]));
        assert_eq!(probe.get(|| read_file(&f)).as_deref(), Some(&b"two"[..]));
        // Kept now; an edit makes the next read build again.
        probe.get(|| read_file(&f));
        edit_in_place(&f, "2wo");
        assert_eq!(racing("tri").as_deref(), Some(&b"2wo"[..]));
        assert_eq!(probe.get(|| read_file(&f)).as_deref(), Some(&b"tri"[..]));
    }

    /// Another computation widening a watch (here: nested, to fix the
    /// interleaving) may swallow an event this one needed: widening moves
    /// the generation.
    #[test]
    fn a_watch_widened_meanwhile_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let (f1, f2) = (dir.path().join("f1"), dir.path().join("f2"));
        std::fs::write(&f1, "1").unwrap();
        std::fs::write(&f2, "a").unwrap();
        let memo = Memo::new().unwrap();
        let get =
            |key, f: &dyn Fn() -> Option<Vec<u8>>| memo.get((key, 0), || Ok::<_, ()>(f())).unwrap();
        // The folder is watched, for `f1` only.
        get("k0", &|| read_file(&f1));
        get("k0", &|| read_file(&f1));
        let got = get("k2", &|| {
            let v = read_file(&f2);
            // Not yet of interest: the event is taken in and dropped.
            std::fs::write(&f2, "b").unwrap();
            get("k1", &|| read_file(&f2));
            v
        });
        assert_eq!(got.as_deref(), Some(&b"a"[..]));
        assert_eq!(get("k2", &|| read_file(&f2)).as_deref(), Some(&b"b"[..]));
    }

    #[test]
    fn a_lost_event_queue_starts_over() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "a").unwrap();
        std::fs::write(&b, "b").unwrap();
        let probe = Probe::new();
        let get = || probe.get(|| (read_file(&a), read_file(&b)));
        get();
        get();
        // More events than the queue holds (16384 by default); alternating
        // files so the kernel cannot merge them.
        let limit = std::fs::read_to_string("/proc/sys/fs/inotify/max_queued_events")
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok())
            .unwrap_or(16384)
            .min(1 << 20);
        let fa = std::fs::File::options().write(true).open(&a).unwrap();
        let fb = std::fs::File::options().write(true).open(&b).unwrap();
        for i in 0..=limit {
            let f = if i % 2 == 0 { &fa } else { &fb };
            f.set_len(1).unwrap();
        }
        edit_in_place(&a, "A");
        assert_eq!(get().0.as_deref(), Some(&b"A"[..]));
        edit_in_place(&b, "B");
        assert_eq!(get().1.as_deref(), Some(&b"B"[..]), "watching again");
    }
}
