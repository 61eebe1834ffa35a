//! A parse cache for workspace files, so a long-running server does not
//! re-read and re-parse unchanged files on every request.
//!
//! An entry is keyed by the file's identity and stamp (device, inode,
//! size, mtime, ctime) and checked with one `stat` per read. Our own writes
//! replace files by rename (a new inode), so they are always seen. An edit
//! in place moves the ctime, which, unlike the mtime, no one can put back
//! (`cp -p`, `rsync -t` and `touch -r` restore the mtime). Git's "racy"
//! rule covers edits too close together for the clock: a file changed
//! within [`RACY`] of being read is not cached, because a second same-size
//! edit in the same tick would otherwise be invisible.
//!
//! Bytes the stamp cannot vouch for (a racy file, one just replaced, a
//! group's bytes not yet written) are read, and their parse still comes
//! from the cache when they hash to what was parsed last for that path:
//! parsing is a function of the bytes alone. The hash is SipHash keyed at
//! random per cache, so no file can be made to collide on purpose. So a
//! config written by one request is parsed once, not again by every plan
//! and read that follows within the racy window.
//!
//! In the server, the `stat` itself is skipped while the read memo's
//! watcher vouches that nothing at the path changed since the entry was
//! last checked (see `vouch`); a file found missing is then kept as
//! missing too.
#![allow(clippy::disallowed_methods)] // the I/O layer: the one place that asks the file system

use std::any::Any;
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

const RACY: Duration = Duration::from_millis(50);
/// Past this many entries the cache starts over (bounded memory): room
/// for a workspace of 10,000 skills and 10,000 commands, whose every
/// read would otherwise parse them all again.
const MAX_ENTRIES: usize = 32_768;
/// Past this many folders the kept listings start over: one for each of
/// 10,000 skills, and as many again.
const MAX_LISTINGS: usize = 32_768;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: SystemTime,
    ctime: (i64, i64),
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        #[cfg(unix)]
        let ctime = {
            use std::os::unix::fs::MetadataExt;
            (meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let ctime = (0, 0);
        Some(Stamp {
            dev,
            ino,
            len: meta.len(),
            mtime: meta.modified().ok()?,
            ctime,
        })
    }
}

/// Bytes as the cache knows them: their hash, keyed at random per cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ContentHash(u64);

/// Makes a value for the bytes a plan would write from the kept value of
/// the same kind for the bytes it edits, if there is one (moved in when
/// no one else holds it); `None` when it cannot.
type Derive = Box<
    dyn FnOnce(Option<Arc<dyn Any + Send + Sync>>) -> Option<Arc<dyn Any + Send + Sync>> + Send,
>;

/// One kind of value of a file's next bytes, and how it is made.
pub(crate) struct Made {
    kind: &'static str,
    derive: Derive,
}

impl Made {
    /// The value of `kind` made from the kept one by `derive`.
    pub(crate) fn from_kept<T: Send + Sync + 'static>(
        kind: &'static str,
        derive: impl FnOnce(Arc<T>) -> Option<T> + Send + 'static,
    ) -> Made {
        Made {
            kind,
            derive: Box::new(move |kept| {
                let made: Arc<dyn Any + Send + Sync> =
                    Arc::new(derive(kept?.downcast::<T>().ok()?)?);
                Some(made)
            }),
        }
    }

    /// The value of `kind`, known already.
    pub(crate) fn given<T: Send + Sync + 'static>(kind: &'static str, value: T) -> Made {
        Made {
            kind,
            derive: Box::new(move |_| {
                let made: Arc<dyn Any + Send + Sync> = Arc::new(value);
                Some(made)
            }),
        }
    }
}

/// The values of a file's next bytes, to be made when those bytes are
/// read (see [`Cache::prime`]).
struct Next {
    /// The hash of the bytes they are the values of.
    hash: u64,
    /// The hash of the bytes whose kept values they are made from.
    from: u64,
    made: Vec<Made>,
}

/// One file's parses (by kind: the config is both parsed and hashed), all
/// of the same stamp.
struct Entry {
    /// `None` while the file is racy: only its hash then vouches.
    stamp: Option<Stamp>,
    /// The keyed hash of the bytes the values were parsed from.
    hash: u64,
    values: Vec<(&'static str, Arc<dyn Any + Send + Sync>)>,
    /// The watcher's generation when the file was last checked (`stat`ed
    /// or read) inside a vouching scope: while the watcher vouches for the
    /// path since then, the entry holds without a `stat` (see `vouch`).
    checked: Option<u64>,
    /// The file was missing when checked (no values then).
    missing: bool,
    /// The values of the bytes a plan would write next, made from these
    /// values when those bytes are read (see [`Cache::prime`]).
    next: Option<Box<Next>>,
}

/// A folder's entries, sorted by name, as they were at generation
/// `checked`.
struct Listing {
    entries: Arc<Vec<super::Entry>>,
    checked: u64,
    /// The folder was missing (`entries` is empty): most of the places a
    /// command, plugin or skill folder could be are.
    missing: bool,
}

impl Listing {
    /// Brings the entries named `changed` of the folder `dir` up to date
    /// (each looked at without following a link), as of generation `now`;
    /// `false`, and the listing is to be made anew, when one cannot be
    /// looked at. Each entry is as of when it is looked at, as each of
    /// `read_dir`'s is as of when it reaches it: a listing made while the
    /// folder changes is no snapshot either way, and the next brings the
    /// later changes in.
    fn update(&mut self, dir: &Path, changed: &[OsString], now: u64) -> bool {
        let entries = Arc::make_mut(&mut self.entries);
        for name in changed {
            let at = entries
                .binary_search_by(|e| e.name.as_encoded_bytes().cmp(name.as_encoded_bytes()));
            match (std::fs::symlink_metadata(dir.join(name)), at) {
                (Ok(meta), Ok(i)) => entries[i].kind = super::Kind::of(meta.file_type()),
                (Ok(meta), Err(i)) => entries.insert(
                    i,
                    super::Entry {
                        name: name.clone(),
                        kind: super::Kind::of(meta.file_type()),
                    },
                ),
                (Err(e), Ok(i)) if e.kind() == std::io::ErrorKind::NotFound => {
                    entries.remove(i);
                }
                (Err(e), Err(_)) if e.kind() == std::io::ErrorKind::NotFound => {}
                (Err(_), _) => return false,
            }
        }
        self.checked = now;
        true
    }
}

/// Keyed by the path's bytes (the paths of the core are all joined from
/// plain names, so equal paths are equal bytes): a lookup borrows the
/// caller's path instead of allocating a key, and hashes bytes rather
/// than walking the path's components.
#[derive(Default)]
pub(crate) struct Cache {
    /// Boxed: a huge workspace's 20,000 files (skills and commands) take a
    /// table of 32,768 slots, 5.8 MB with the entries inline (176 bytes a
    /// slot), about 3.6 MB boxed (32 a slot, 128 an entry).
    entries: Mutex<HashMap<OsString, Box<Entry>, foldhash::quality::RandomState>>,
    /// Folders listed inside a vouching scope: their entries sorted by
    /// name, and the generation they were listed at.
    listings: Mutex<HashMap<OsString, Listing, foldhash::quality::RandomState>>,
    /// Folders parsed as one value ([`Cache::parsed_folder`]).
    pub(super) parsed: super::parsed_folder::Store,
    /// The random key of the content hash.
    hasher: std::hash::RandomState,
    /// How many times a file was asked for its stamp (tests).
    #[cfg(test)]
    pub(crate) stats: std::sync::atomic::AtomicUsize,
    /// How many times a folder was listed (tests).
    #[cfg(test)]
    pub(crate) listed: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache")
    }
}

impl Cache {
    /// `parse(bytes)` of the regular file at `path` (not followed if it is a
    /// link), from the cache when the file is unchanged. `None` when the
    /// file does not exist or is not a regular file. `kind` separates
    /// different parses of the same file.
    pub(crate) fn load<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        kind: &'static str,
        parse: impl FnOnce(&[u8]) -> T,
    ) -> std::io::Result<Option<Arc<T>>> {
        self.load_checked(path, |_| true, kind, parse)
    }

    /// [`Cache::load`] of a file inside `root`, read only when no
    /// component below `root` is a link (`check_inside`), and as absent
    /// otherwise. That is checked only of a file that is there: a missing
    /// one costs one `stat`, not one per path component.
    pub(crate) fn load_beneath<T: Send + Sync + 'static>(
        &self,
        root: &Path,
        path: &Path,
        kind: &'static str,
        parse: impl FnOnce(&[u8]) -> T,
    ) -> std::io::Result<Option<Arc<T>>> {
        let inside = |path: &Path| super::read::check_inside(root, path).is_ok();
        self.load_checked(path, inside, kind, parse)
    }

    /// [`Cache::load`], the file read only if `fine(path)` once it is
    /// known to be there.
    fn load_checked<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        fine: impl FnOnce(&Path) -> bool,
        kind: &'static str,
        parse: impl FnOnce(&[u8]) -> T,
    ) -> std::io::Result<Option<Arc<T>>> {
        super::record::read(path);
        // A group's bytes not yet written: no stamp vouches for them.
        if let Some(bytes) = super::overlay::get(path) {
            return Ok(Some(self.parse(path, None, &bytes, kind, parse, None)));
        }
        if let Some(v) = self.vouched(path, kind) {
            return Ok(v);
        }
        let checked = super::vouch::now();
        #[cfg(test)]
        self.stats
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_file() => m,
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(at) = checked {
                    self.missing(path, at);
                }
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        if !fine(path) {
            return Ok(None);
        }
        let stamp = Stamp::of(&meta);
        if let Some(stamp) = stamp
            && let Some(v) = self.kept(path, kind, checked, |e| e.stamp == Some(stamp))
        {
            return Ok(Some(v));
        }
        let bytes = match super::read::read_no_follow(path) {
            Ok(bytes) => bytes,
            // Replaced by a link or removed since the `stat`: not a file.
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    || e.kind() == std::io::ErrorKind::InvalidInput =>
            {
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let now = SystemTime::now();
        let settled = |s: &Stamp| {
            let changed = std::time::UNIX_EPOCH
                + Duration::new(s.ctime.0.max(0) as u64, s.ctime.1.max(0) as u32);
            now.duration_since(s.mtime).is_ok_and(|age| age > RACY)
                && now.duration_since(changed).is_ok_and(|age| age > RACY)
                && s.len == bytes.len() as u64
        };
        Ok(Some(self.parse(
            path,
            stamp.filter(settled),
            &bytes,
            kind,
            parse,
            checked,
        )))
    }

    /// The entries of the folder `dir`, sorted by name (bytes), recorded
    /// as a listing. Inside a vouching scope the listing is kept; while
    /// the watcher vouches for the folder it is given again without
    /// asking the file system, once the entries the watcher saw come, go
    /// or change are looked at one by one (see `vouch`). Elsewhere every
    /// call lists the folder.
    pub(crate) fn list(&self, dir: &Path) -> std::io::Result<Arc<Vec<super::Entry>>> {
        if let Some((kept, missing)) = self.kept_listing(dir) {
            super::record::listed(dir);
            if missing {
                return Err(std::io::ErrorKind::NotFound.into());
            }
            return Ok(kept);
        }
        let checked = super::vouch::now();
        #[cfg(test)]
        self.listed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (entries, missing) = match super::read::list(dir) {
            Ok(mut entries) => {
                entries.sort_unstable_by(|a, b| {
                    a.name.as_encoded_bytes().cmp(b.name.as_encoded_bytes())
                });
                // Kept: 10,000 skill folders of one entry each would hold
                // room for three more in each.
                entries.shrink_to_fit();
                (Arc::new(entries), false)
            }
            // A missing folder is kept as missing, on the same terms.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && checked.is_some() => {
                (Arc::new(Vec::new()), true)
            }
            Err(e) => return Err(e),
        };
        if let Some(checked) = checked {
            let mut listings = self.listings.lock().unwrap_or_else(|p| p.into_inner());
            if listings.len() >= MAX_LISTINGS && !listings.contains_key(dir.as_os_str()) {
                listings.clear();
            }
            let kept = Listing {
                entries: Arc::clone(&entries),
                checked,
                missing,
            };
            listings.insert(dir.as_os_str().to_os_string(), kept);
        }
        if missing {
            return Err(std::io::ErrorKind::NotFound.into());
        }
        Ok(entries)
    }

    /// The listing of `dir` kept by [`Cache::list`], brought up to date,
    /// and whether the folder was missing, when the watcher vouches for it
    /// inside a scope; `None` otherwise. (A folder that appears is a new
    /// entry of its parent: the watcher no longer vouches for its path.)
    fn kept_listing(&self, dir: &Path) -> Option<(Arc<Vec<super::Entry>>, bool)> {
        let mut listings = self.listings.lock().unwrap_or_else(|p| p.into_inner());
        let kept = listings.get_mut(dir.as_os_str())?;
        let changed = super::vouch::changed_entries(dir, kept.checked)?;
        let now = super::vouch::now()?;
        let fresh = changed.is_empty() || (!kept.missing && kept.update(dir, &changed, now));
        fresh.then(|| (Arc::clone(&kept.entries), kept.missing))
    }

    /// Whether the folder of `path` may hold a temporary a killed writer
    /// left of the file (`.<name>.XXXXXX`, see `write::put`): `false` only
    /// when the folder's kept listing is vouched for inside a scope and
    /// holds no name of that shape, so that a write among 2,000 command
    /// files does not read the whole folder to find none. Its names are
    /// sorted: those that begin with `.<name>.` are found by a search.
    pub(crate) fn may_hold_temps_of(&self, path: &Path) -> bool {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return true;
        };
        let Some((entries, _)) = self.kept_listing(dir) else {
            return true;
        };
        let mut prefix = Vec::with_capacity(name.len() + 2);
        prefix.push(b'.');
        prefix.extend_from_slice(name.as_encoded_bytes());
        prefix.push(b'.');
        let from = entries.partition_point(|e| e.name.as_encoded_bytes() < prefix.as_slice());
        entries
            .get(from)
            .is_some_and(|e| e.name.as_encoded_bytes().starts_with(&prefix))
    }

    /// What the cache holds for `path` (`Some(None)`: missing), when the
    /// watcher vouches that it has not changed since it was checked.
    fn vouched<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        kind: &'static str,
    ) -> Option<Option<Arc<T>>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = entries.get(path.as_os_str())?;
        if !super::vouch::holds(path, e.checked?) {
            return None;
        }
        if e.missing {
            return Some(None);
        }
        let (_, v) = e.values.iter().find(|(k, _)| *k == kind)?;
        Arc::clone(v).downcast::<T>().ok().map(Some)
    }

    /// Notes that `path` was missing when checked at generation `now`.
    fn missing(&self, path: &Path, now: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(path.as_os_str()) {
            entries.clear();
        }
        entries.insert(
            path.as_os_str().to_os_string(),
            Box::new(Entry {
                stamp: None,
                hash: 0,
                values: Vec::new(),
                checked: Some(now),
                missing: true,
                next: None,
            }),
        );
    }

    /// The value of `kind` kept for `path`, if its entry passes `fresh`;
    /// the entry is then dated as checked at `now`.
    fn kept<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        kind: &'static str,
        now: Option<u64>,
        fresh: impl FnOnce(&Entry) -> bool,
    ) -> Option<Arc<T>> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = entries.get_mut(path.as_os_str()).filter(|e| fresh(e))?;
        let (_, v) = e.values.iter().find(|(k, _)| *k == kind)?;
        let v = Arc::clone(v).downcast::<T>().ok()?;
        if now.is_some() {
            e.checked = now;
        }
        Some(v)
    }

    /// `parse(bytes)`, or the value kept for the same bytes of `path`;
    /// kept with `stamp` (`None`: vouched for by the hash alone), as read
    /// from the file at generation `checked` (`None`: not from the file,
    /// or outside a vouching scope).
    fn parse<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        stamp: Option<Stamp>,
        bytes: &[u8],
        kind: &'static str,
        parse: impl FnOnce(&[u8]) -> T,
        checked: Option<u64>,
    ) -> Arc<T> {
        use std::hash::BuildHasher;
        let hash = self.hasher.hash_one(bytes);
        let mut made = Vec::new();
        let value = match self.kept(path, kind, None, |e| e.hash == hash) {
            Some(v) => v,
            None => {
                // Every primed value is made, whatever kind is asked for
                // now: once the entry holds these bytes, their source is
                // gone.
                made = self.derived(path, hash);
                let primed = made.iter().find(|(k, _)| *k == kind);
                match primed.and_then(|(_, v)| Arc::clone(v).downcast::<T>().ok()) {
                    Some(v) => v,
                    None => Arc::new(parse(bytes)),
                }
            }
        };
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(path.as_os_str()) {
            entries.clear();
        }
        let entry = entries
            .entry(path.as_os_str().to_os_string())
            .or_insert_with(|| {
                Box::new(Entry {
                    stamp,
                    hash,
                    values: Vec::new(),
                    checked,
                    missing: false,
                    next: None,
                })
            });
        if entry.hash != hash || entry.missing {
            entry.hash = hash;
            entry.values.clear();
            // Made from bytes that are no longer the kept ones.
            entry.next = None;
        }
        entry.missing = false;
        entry.stamp = stamp;
        entry.checked = checked;
        for (made_kind, made) in made {
            if made_kind != kind && !entry.values.iter().any(|(k, _)| *k == made_kind) {
                entry.values.push((made_kind, made));
            }
        }
        entry.values.retain(|(k, _)| *k != kind);
        // Most files have one kind of parse: a first push would make room
        // for four (96 bytes more, 20,000 files of a large workspace).
        entry.values.reserve_exact(1);
        entry.values.push((kind, value.clone()));
        value
    }

    /// The hash the cache knows `bytes` by.
    pub(crate) fn hash(&self, bytes: &[u8]) -> ContentHash {
        use std::hash::BuildHasher;
        ContentHash(self.hasher.hash_one(bytes))
    }

    /// The value of `kind` kept for `path` when the bytes it was made from
    /// are `bytes` (as a plan read them, say).
    pub(crate) fn kept_for<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        kind: &'static str,
        bytes: ContentHash,
    ) -> Option<Arc<T>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(path.as_os_str())?;
        if entry.missing || entry.hash != bytes.0 {
            return None;
        }
        let (_, v) = entry.values.iter().find(|(k, _)| *k == kind)?;
        Arc::clone(v).downcast::<T>().ok()
    }

    /// Notes how the values of the bytes `to`, which a plan would write to
    /// `path` in place of `from`, are made (from the values kept for
    /// `from`, or given): when `to` is read (from the file, or from a
    /// group's bytes not yet written) and `from`'s values are still the
    /// kept ones, they are made so rather than by parsing `to`. Bytes are
    /// still matched by their keyed hash, so a plan that is never applied
    /// costs nothing but the note. One note a file: the last one.
    pub(crate) fn prime(&self, path: &Path, from: ContentHash, to: ContentHash, made: Vec<Made>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let Some(entry) = entries.get_mut(path.as_os_str()) else {
            return;
        };
        if entry.missing || entry.hash != from.0 {
            return;
        }
        // A plan made again (under the lock, after its approval) notes
        // what it noted already.
        if entry
            .next
            .as_ref()
            .is_some_and(|n| n.hash == to.0 && n.from == from.0)
        {
            return;
        }
        entry.next = Some(Box::new(Next {
            hash: to.0,
            from: from.0,
            made,
        }));
    }

    /// The values, by kind, of bytes hashing to `hash`, made from the kept
    /// ones as noted by [`Cache::prime`]. The kept values are handed over
    /// (the entry is about to hold the new bytes), so that they can be
    /// moved rather than copied when no one else holds them.
    fn derived(&self, path: &Path, hash: u64) -> Vec<(&'static str, Arc<dyn Any + Send + Sync>)> {
        let mut handed = Vec::new();
        {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            let Some(entry) = entries.get_mut(path.as_os_str()) else {
                return Vec::new();
            };
            let Some(next) = entry
                .next
                .take_if(|n| n.hash == hash && n.from == entry.hash)
            else {
                return Vec::new();
            };
            if entry.missing {
                return Vec::new();
            }
            for made in next.made {
                let at = entry.values.iter().position(|(k, _)| *k == made.kind);
                let kept = at.map(|at| entry.values.swap_remove(at).1);
                handed.push((made, kept));
            }
        }
        handed
            .into_iter()
            .filter_map(|(made, kept)| Some((made.kind, (made.derive)(kept)?)))
            .collect()
    }
}

impl Cache {
    /// The bytes [`Cache::load`] (or, `following` links, as
    /// [`Cache::load_following`]) would parse at `path`, read now and not
    /// kept: for what a read needs once and the cache should not hold (the
    /// texts of 10,000 skills for an export). Recorded as those record it,
    /// so that a memoized read made of them goes when the file changes;
    /// `None` when it is missing or not a regular file.
    pub(crate) fn read_unkept(
        &self,
        path: &Path,
        following: bool,
    ) -> std::io::Result<Option<Vec<u8>>> {
        super::record::read(path);
        // A group's bytes not yet written.
        if let Some(bytes) = super::overlay::get(path) {
            return Ok(Some(bytes.to_vec()));
        }
        let gone = |e: &std::io::Error| {
            e.kind() == std::io::ErrorKind::NotFound || e.kind() == std::io::ErrorKind::InvalidInput
        };
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) if gone(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        let read = if meta.is_file() {
            // Replaced by a link since the `stat`: not read (`InvalidInput`).
            super::read::read_no_follow(path)
        } else if following && meta.file_type().is_symlink() {
            super::record::unwatchable();
            super::read::read_following(path)
        } else {
            return Ok(None);
        };
        match read {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if gone(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// [`Cache::load`], except that a link at `path` is followed (for files
    /// outside the workspace, which OpenCode reads through links too). What
    /// is read through a link is parsed afresh each time and, as no watch
    /// follows a link, never kept by the read memo.
    pub(crate) fn load_following<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        kind: &'static str,
        parse: impl FnOnce(&[u8]) -> T,
    ) -> std::io::Result<Option<Arc<T>>> {
        if let Some(v) = self.vouched(path, kind) {
            super::record::read(path);
            return Ok(v);
        }
        let checked = super::vouch::now();
        #[cfg(test)]
        self.stats
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let meta = std::fs::symlink_metadata(path);
        if let Err(e) = &meta
            && e.kind() == std::io::ErrorKind::NotFound
            && super::overlay::get(path).is_none()
        {
            // Missing: one `stat`, not a second one in `load`; kept as
            // missing, as `load` keeps it, so that the global configs
            // most machines lack cost no `stat` while the watcher
            // vouches for their absence.
            super::record::read(path);
            if let Some(at) = checked {
                self.missing(path, at);
            }
            return Ok(None);
        }
        if !meta.is_ok_and(|m| m.file_type().is_symlink()) {
            return self.load(path, kind, parse);
        }
        super::record::read(path);
        super::record::unwatchable();
        // Not a file (a folder, a pipe) where the links lead: absent.
        match super::read::read_following(path) {
            Ok(bytes) => Ok(Some(Arc::new(parse(&bytes)))),
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    || e.kind() == std::io::ErrorKind::InvalidInput =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits until what was just written is old enough to be cached.
    fn settle() {
        std::thread::sleep(RACY * 2);
    }

    /// A primed parse is made from the kept one only for the bytes it was
    /// noted for, and only while the bytes it is made from are the kept
    /// ones; else the bytes are parsed.
    #[test]
    fn a_primed_parse_is_made_only_for_its_bytes_from_the_kept_ones() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let cache = Cache::default();
        let parses = std::sync::atomic::AtomicUsize::new(0);
        let load = || {
            let v = cache.load(&p, "t", |b| {
                parses.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                String::from_utf8(b.to_vec()).unwrap()
            });
            (*v.unwrap().unwrap()).clone()
        };
        let parsed = || parses.load(std::sync::atomic::Ordering::Relaxed);
        let derive = |kept: Arc<String>| Some(format!("{kept}+derived"));
        let prime = |from: &[u8], to: &[u8]| {
            let made = vec![Made::from_kept("t", derive), Made::given("g", to.len())];
            cache.prime(&p, cache.hash(from), cache.hash(to), made);
        };
        std::fs::write(&p, "a").unwrap();
        assert_eq!(load(), "a");
        assert_eq!(parsed(), 1);
        // Noted for "b" from "a": reading "b" makes it.
        prime(b"a", b"b");
        std::fs::write(&p, "b").unwrap();
        assert_eq!(load(), "a+derived");
        assert_eq!(parsed(), 1);
        let given = cache.kept_for::<usize>(&p, "g", cache.hash(b"b"));
        assert_eq!(given.as_deref(), Some(&1));
        assert!(cache.kept_for::<usize>(&p, "g", cache.hash(b"a")).is_none());
        // Noted for "c", but "d" is written: parsed.
        prime(b"a+derived", b"c");
        prime(b"b", b"c");
        std::fs::write(&p, "d").unwrap();
        assert_eq!(load(), "d");
        assert_eq!(parsed(), 2);
        assert!(cache.kept_for::<usize>(&p, "g", cache.hash(b"d")).is_none());
        // Noted from "d", but "x" was read since: "e" is parsed.
        prime(b"d", b"e");
        std::fs::write(&p, "x").unwrap();
        assert_eq!(load(), "x");
        std::fs::write(&p, "e").unwrap();
        assert_eq!(load(), "e");
        assert_eq!(parsed(), 4);
        // Read first as another kind, the bytes still get every value
        // noted for them.
        prime(b"e", b"ff");
        std::fs::write(&p, "ff").unwrap();
        let other = cache.load(&p, "u", |b| b.len()).unwrap().unwrap();
        assert_eq!(*other, 2);
        assert_eq!(load(), "e+derived");
        assert_eq!(parsed(), 4);
        let given = cache.kept_for::<usize>(&p, "g", cache.hash(b"ff"));
        assert_eq!(given.as_deref(), Some(&2));
    }

    /// What the cache keeps for long holds no spare room: a file's one
    /// parse takes one slot (a first push would make room for four), a
    /// listing as many entries as the folder has. 20,000 kept parses of a
    /// large workspace held 1.9 MB of such room.
    #[test]
    fn kept_parses_and_listings_hold_no_spare_room() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, "a").unwrap();
        settle();
        let cache = Cache::default();
        let slots = || {
            let entries = cache.entries.lock().unwrap();
            let entry = entries.get(p.as_os_str()).unwrap();
            (entry.values.len(), entry.values.capacity())
        };
        cache.load(&p, "t", |b| b.len()).unwrap().unwrap();
        assert_eq!(slots(), (1, 1));
        // A second kind of parse of the same bytes takes one more.
        cache.load(&p, "u", |b| b.to_vec()).unwrap().unwrap();
        assert_eq!(slots().0, 2);
        let listed = dir.path().join("listed");
        std::fs::create_dir(&listed).unwrap();
        std::fs::write(listed.join("SKILL.md"), "x").unwrap();
        let entries = cache.list(&listed).unwrap();
        assert_eq!((entries.len(), entries.capacity()), (1, 1));
    }

    /// `cp -p`, `rsync -t`, `touch -r` and some editors put the old mtime
    /// back after a same-size edit: only the ctime, which no one can set,
    /// tells the change.
    #[test]
    fn a_same_size_edit_with_the_old_mtime_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, "one").unwrap();
        settle();
        let cache = Cache::default();
        let load = || cache.load(&p, "t", |b| b.to_vec()).unwrap().unwrap();
        assert_eq!(*load(), b"one");
        assert_eq!(*load(), b"one");
        let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
        std::fs::write(&p, "two").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert_eq!(*load(), b"two");
        settle();
        assert_eq!(*load(), b"two");
    }

    #[test]
    fn hits_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, "one").unwrap();
        settle();
        let cache = Cache::default();
        let calls = std::cell::Cell::new(0);
        let parse = |b: &[u8]| {
            calls.set(calls.get() + 1);
            String::from_utf8_lossy(b).into_owned()
        };
        assert_eq!(*cache.load(&p, "t", parse).unwrap().unwrap(), "one");
        assert_eq!(*cache.load(&p, "t", parse).unwrap().unwrap(), "one");
        assert_eq!(calls.get(), 1, "second read is a hit");
        // Replaced by rename, as openwork writes: a new inode.
        let tmp = dir.path().join("g");
        std::fs::write(&tmp, "two").unwrap();
        settle();
        std::fs::rename(&tmp, &p).unwrap();
        assert_eq!(*cache.load(&p, "t", parse).unwrap().unwrap(), "two");
        std::fs::remove_file(&p).unwrap();
        assert!(cache.load(&p, "t", parse).unwrap().is_none());
    }

    #[test]
    fn two_kinds_of_one_file_do_not_evict_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, "abc").unwrap();
        settle();
        let cache = Cache::default();
        let calls = std::cell::Cell::new(0);
        for _ in 0..3 {
            let len = cache
                .load(&p, "len", |b| {
                    calls.set(calls.get() + 1);
                    b.len()
                })
                .unwrap()
                .unwrap();
            let text = cache
                .load(&p, "text", |b| {
                    calls.set(calls.get() + 1);
                    b.to_vec()
                })
                .unwrap()
                .unwrap();
            assert_eq!((*len, text.as_slice()), (3, &b"abc"[..]));
        }
        assert_eq!(calls.get(), 2, "each kind parsed once");
    }

    /// Bytes the stamp cannot vouch for are parsed once: the same bytes
    /// again (racy, or a group's not yet written) reuse the parse; other
    /// bytes never do.
    #[test]
    fn the_same_bytes_are_parsed_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let cache = Cache::default();
        let parses = std::cell::Cell::new(0);
        let load = || {
            cache
                .load(&p, "t", |b| {
                    parses.set(parses.get() + 1);
                    b.to_vec()
                })
                .unwrap()
                .unwrap()
        };
        std::fs::write(&p, "aaa").unwrap();
        assert_eq!(*load(), b"aaa");
        std::fs::write(&p, "aaa").unwrap();
        assert_eq!(*load(), b"aaa");
        assert_eq!(parses.get(), 1, "racy, but the same bytes");
        std::fs::write(&p, "bbb").unwrap();
        assert_eq!(*load(), b"bbb");
        assert_eq!(parses.get(), 2);
        let files = HashMap::from([(p.clone(), Arc::<[u8]>::from(&b"bbb"[..]))]);
        super::super::overlay::with(&files, || assert_eq!(*load(), b"bbb"));
        assert_eq!(parses.get(), 2, "a group's bytes, parsed already");
        let files = HashMap::from([(p.clone(), Arc::<[u8]>::from(&b"ccc"[..]))]);
        super::super::overlay::with(&files, || assert_eq!(*load(), b"ccc"));
        assert_eq!(parses.get(), 3);
    }

    #[test]
    fn racy_files_are_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, "aaa").unwrap();
        let cache = Cache::default();
        assert_eq!(
            *cache.load(&p, "t", |b| b.to_vec()).unwrap().unwrap(),
            b"aaa"
        );
        // Same size, in place, within the same instant: must still be seen.
        std::fs::write(&p, "bbb").unwrap();
        assert_eq!(
            *cache.load(&p, "t", |b| b.to_vec()).unwrap().unwrap(),
            b"bbb"
        );
    }

    /// A read not kept reads what `load` (or, following, `load_following`)
    /// would parse, and keeps nothing: a link read only when following, a
    /// missing file, a folder or a pipe read as absent (a pipe is never
    /// opened, so it cannot stall the read).
    #[cfg(unix)]
    #[test]
    fn a_read_not_kept_reads_what_load_would_and_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("SKILL.md");
        std::fs::write(&file, "text").unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let pipe = dir.path().join("pipe");
        nix::unistd::mkfifo(&pipe, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let cache = Cache::default();
        for following in [false, true] {
            let read = |p: &Path| cache.read_unkept(p, following).unwrap();
            assert_eq!(read(&file).as_deref(), Some(&b"text"[..]));
            let through_link = read(&link);
            assert_eq!(through_link.is_some(), following, "following: {following}");
            assert_eq!(read(&dir.path().join("missing")), None);
            assert_eq!(read(dir.path()), None);
            assert_eq!(read(&pipe), None);
        }
        assert!(cache.entries.lock().unwrap().is_empty(), "nothing kept");
    }
}
