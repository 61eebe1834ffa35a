//! The inotify side of [`super`]: which folders and files to watch for a
//! record, and what each event means for the generation.
//!
//! A folder's watch reports what happens to the entries it holds (they
//! are modified, written and closed, change attributes, are created,
//! moved or removed), so a file read is watched through its folder's
//! watch, which watches its name: 10,000 skill folders take about 10,000
//! watches, not 20,000. A file is watched itself only when it has more
//! than one hard link, as an edit made through another link is reported
//! to that link's folder, not to this one. A link added to a file after
//! it was read is not seen (the kernel reports a new link count to the
//! file's own watches only), so an edit through that new link would go
//! unseen until something else moves the generation.

use super::WatchBudget;
use crate::workspace::io::notify;
use crate::workspace::io::record::Deps;
use nix::errno::Errno;
use nix::sys::inotify::{AddWatchFlags as F, InitFlags, InotifyEvent, WatchDescriptor};
use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Everything that changes a folder's entries or what they hold.
const FOLDER_EVENTS: F = F::IN_MODIFY
    .union(F::IN_ATTRIB)
    .union(F::IN_CLOSE_WRITE)
    .union(F::IN_CREATE)
    .union(F::IN_DELETE)
    .union(F::IN_MOVED_FROM)
    .union(F::IN_MOVED_TO)
    .union(F::IN_DELETE_SELF)
    .union(F::IN_MOVE_SELF);
/// A file's own watch catches changes made through another hard link,
/// which its folder's watch does not see.
const FILE_EVENTS: F = F::IN_MODIFY
    .union(F::IN_ATTRIB)
    .union(F::IN_CLOSE_WRITE)
    .union(F::IN_DELETE_SELF)
    .union(F::IN_MOVE_SELF);

/// A path the watcher holds, shared by every map that holds it and
/// compared and hashed by its bytes, as those maps look paths up. A huge
/// workspace's 10,000 skill folders were each held three times over (as a
/// watch's path, the key that finds the watch and a covered path), and
/// its 20,000 files twice: some 3 MB of copies.
#[derive(Debug, Clone)]
struct Shared(Arc<Path>);

impl PartialEq for Shared {
    fn eq(&self, other: &Shared) -> bool {
        self.0.as_os_str() == other.0.as_os_str()
    }
}

impl Eq for Shared {}

/// As `OsStr` hashes, for `Borrow<OsStr>`: a lookup borrows the caller's
/// path.
impl Hash for Shared {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.as_os_str().hash(state);
    }
}

impl Borrow<OsStr> for Shared {
    fn borrow(&self) -> &OsStr {
        self.0.as_os_str()
    }
}

/// One inotify watch (one inode), reached through one or more paths.
#[derive(Debug, Default)]
struct Watch {
    paths: Vec<Shared>,
    /// Every entry matters (a listed folder, or a file's own watch).
    all: bool,
    /// A folder's watch (paths may be watched below it).
    folder: bool,
    /// The entries that matter, when not `all`.
    names: HashSet<OsString>,
}

#[derive(Debug)]
struct State {
    inotify: Option<nix::sys::inotify::Inotify>,
    generation: u64,
    /// Which watch stands for each watched path, while it still does.
    by_path: HashMap<Shared, WatchDescriptor>,
    by_wd: HashMap<WatchDescriptor, Watch>,
    /// Files of a single link, whose folder's watch (watching their
    /// name) reports every change to them, while their name still stands
    /// for the file that was looked at.
    by_folder: HashSet<Shared>,
    /// What an earlier [`Watcher::cover`] watched, by path bytes, each
    /// with what was watched for it ([`LOOKUP`], [`LISTED`], [`FILE`])
    /// and the generation it was last widened at: a read of thousands of
    /// files, built again after each change, then costs one hash of each
    /// path rather than a walk up its folders. An entry goes with any
    /// event for its path, and when a watch it relied on is given up
    /// (`forget`): so it also tells that nothing at the path has changed
    /// since it was made ([`Watcher::vouches`]).
    covered: HashMap<Shared, (u8, u64), foldhash::quality::RandomState>,
    /// For each covered folder watched for every entry, the entries that
    /// changed in any way (created, removed, moved in or out of it,
    /// written to or changed in their attributes, through this folder or
    /// through another link of a file watched itself), each with the
    /// generation of its latest event (at most [`MAX_CHANGED`] names; past
    /// that the folder is no longer covered): a listing of 2,000 command
    /// files, or their parses, are then brought up to date by looking at
    /// the one a write added, not listed, sorted and looked at again
    /// ([`Watcher::changed_entries`]).
    changed: HashMap<OsString, Vec<(u64, OsString)>, foldhash::quality::RandomState>,
    /// Folders a cover looked through without a folder's watch on them:
    /// missing ones (their parent's watch reports their creation), and
    /// files where a folder was looked for. With the watched folders
    /// (`by_path`), these are the only paths anything held can lie below,
    /// so a name that comes or goes is looked for below only when it is
    /// one of them: a write's temporary file, created and renamed away
    /// before its event is taken in, is not searched for among the
    /// 20,000 paths of a huge workspace. Holds at most [`MAX_UNWATCHED`].
    unwatched: HashSet<Shared, foldhash::quality::RandomState>,
    /// How many times `forget` looked below a path.
    #[cfg(test)]
    searches: usize,
    /// Where each new watch is taken from, and given back to: one budget
    /// for all the watchers of a server.
    budget: WatchBudget,
}

/// The inotify watches of one workspace's reads, and the generation they
/// vouch for.
#[derive(Debug)]
pub(crate) struct Watcher {
    state: Mutex<State>,
}

/// How many changed entries a folder's log holds (see `State::changed`).
pub(super) const MAX_CHANGED: usize = 64;

/// Past this many folders looked through unwatched (`State::unwatched`),
/// the watcher starts over, so that they are not held without end. A
/// config naming more missing folders than this (a hostile `skills.paths`,
/// say) costs only its own workspace's reads the watcher's help: each
/// read is then built anew, as past the watch budget.
const MAX_UNWATCHED: usize = 65_536;

/// The path's folders are watched, each for the name below it.
const LOOKUP: u8 = 1;
/// The folder is watched for every entry.
const LISTED: u8 = 2;
/// The file is watched through its folder or by a watch of its own.
const FILE: u8 = 4;

/// What one folder of a record must report.
#[derive(Default)]
struct Need<'a> {
    all: bool,
    names: HashSet<&'a OsStr>,
}

impl Watcher {
    /// A watcher that takes its watches from `budget` (shared with
    /// others); what would need more than is left is not kept.
    pub(crate) fn new(budget: &WatchBudget) -> std::io::Result<Watcher> {
        Ok(Watcher {
            state: Mutex::new(State {
                inotify: Some(init()?),
                generation: 0,
                by_path: HashMap::new(),
                by_wd: HashMap::new(),
                by_folder: HashSet::new(),
                covered: HashMap::default(),
                changed: HashMap::default(),
                unwatched: HashSet::default(),
                #[cfg(test)]
                searches: 0,
                budget: budget.clone(),
            }),
        })
    }

    /// How many watches are held.
    #[cfg(test)]
    pub(super) fn watches(&self) -> usize {
        self.state().by_wd.len()
    }

    /// How many times a name that came or went was looked for below,
    /// once every queued event is taken in.
    #[cfg(test)]
    pub(super) fn searches(&self) -> usize {
        let mut st = self.state();
        st.drain();
        st.searches
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current generation, once every queued event is taken in;
    /// `None` when the watcher has failed and vouches for nothing.
    pub(crate) fn generation(&self) -> Option<u64> {
        let mut st = self.state();
        st.drain();
        st.inotify.as_ref().map(|_| st.generation)
    }

    /// Watches everything `deps` depends on. `true` when a value computed
    /// from `deps` may be kept: everything was watched already, so any
    /// change since the computation started has moved the generation.
    /// Growing the watch set moves the generation itself.
    pub(crate) fn cover(&self, deps: &Deps) -> bool {
        if deps.unwatchable {
            return false;
        }
        let mut st = self.state();
        if st.inotify.is_none() {
            return false;
        }
        // Only what no earlier cover watched goes further.
        let new = |st: &State, path: &Path, what: u8| {
            st.covered
                .get(path.as_os_str())
                .is_none_or(|(had, _)| had & what == 0)
        };
        let lookups: Vec<&Path> = (deps.looked_up()).filter(|p| new(&st, p, LOOKUP)).collect();
        let listed: Vec<&Path> = (deps.listed.iter())
            .map(PathBuf::as_path)
            .filter(|p| new(&st, p, LISTED))
            .collect();
        let files: Vec<&Path> = (deps.files.iter())
            .map(PathBuf::as_path)
            .filter(|p| new(&st, p, FILE))
            .collect();
        // Kept and vouched for by the bytes of their paths: a path spelled
        // two ways (`/x//y`) would have its events noted under the other.
        let all = || lookups.iter().chain(&listed).chain(&files);
        if !all().all(|p| plain(p)) {
            return false;
        }
        let Some(need) = folders(lookups.iter().copied(), listed.iter().copied()) else {
            return false;
        };
        let mut grew = false;
        let mut ok = true;
        // A folder is watched before anything below it (a parent's path is
        // the shorter).
        let mut need: Vec<(&Path, Need<'_>)> = need.into_iter().collect();
        need.sort_unstable_by_key(|(dir, _)| dir.as_os_str().len());
        for (dir, n) in &need {
            match st.watch_folder(dir, n) {
                Ok(g) => grew |= g,
                Err(()) => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            for file in &files {
                match st.watch_file(file) {
                    Ok(g) => grew |= g,
                    Err(()) => {
                        ok = false;
                        break;
                    }
                }
            }
        }
        if grew {
            st.generation += 1;
        }
        if ok {
            let now = st.generation;
            for (paths, what) in [(&lookups, LOOKUP), (&listed, LISTED), (&files, FILE)] {
                for path in paths.iter() {
                    let key = st.shared(path);
                    let had = st.covered.entry(key);
                    let (flags, since) = had.or_insert((0, now));
                    *flags |= what;
                    *since = now;
                }
            }
        }
        ok && !grew
    }

    /// Nothing at `path` has changed since generation `since`: the path
    /// was watched (its folders for each name on the way, and the file
    /// itself) at a generation no later than `since`, and no event for it
    /// has come since. Call it after [`Watcher::generation`] has taken in
    /// what is queued.
    pub(crate) fn vouches(&self, path: &Path, since: u64) -> bool {
        self.state().covers(path, LOOKUP | FILE, since)
    }

    /// For the folder `dir`, watched for every entry since generation
    /// `since` (and still reached by its path): the names of the entries
    /// that changed in any way since then: they may now be missing, of
    /// another kind or hold other bytes (empty: its listing, and what
    /// each entry held, still hold). `None` when the folder was not
    /// watched all along.
    pub(crate) fn changed_entries(&self, dir: &Path, since: u64) -> Option<Vec<OsString>> {
        let st = self.state();
        if !st.covers(dir, LOOKUP | LISTED, since) {
            return None;
        }
        let changed = st.changed.get(dir.as_os_str());
        let changed = changed.into_iter().flatten();
        let since_then = changed.filter(|(at, _)| *at > since);
        Some(since_then.map(|(_, name)| name.clone()).collect())
    }
}

impl Drop for Watcher {
    /// The watches go with the inotify instance: their share of the
    /// budget is given back.
    fn drop(&mut self) {
        let st = self.state();
        st.budget.give(st.by_wd.len());
    }
}

/// Each folder the lookups of `deps` go through, with the names looked up
/// in it (or all of them, for a listed folder); `None` when a path cannot
/// be watched (a relative one).
fn folders<'a>(
    lookups: impl Iterator<Item = &'a Path>,
    listed: impl Iterator<Item = &'a Path>,
) -> Option<HashMap<&'a Path, Need<'a>>> {
    let mut need: HashMap<&Path, Need<'_>> = HashMap::new();
    for path in lookups {
        if !path.is_absolute() {
            return None;
        }
        let mut child = path;
        while let Some(parent) = child.parent() {
            let name = child.file_name()?;
            if !need.entry(parent).or_default().names.insert(name) {
                break; // and so is the rest of the chain
            }
            child = parent;
        }
    }
    for dir in listed {
        need.entry(dir).or_default().all = true;
    }
    Some(need)
}

/// Whether `path` is spelled as `Path` would put its components back
/// together: no empty or `.` component, no separator at the end.
fn plain(path: &Path) -> bool {
    let b = path.as_os_str().as_encoded_bytes();
    !(b.windows(2).any(|w| w == b"//")
        || b.windows(3).any(|w| w == b"/./")
        || (b.len() > 1 && (b.ends_with(b"/") || b.ends_with(b"/."))))
}

/// How many watches a read of `deps` takes: one per folder it goes
/// through and one per file it reads that has more than one hard link
/// (`None` when it cannot be watched).
pub(crate) fn watches_needed(deps: &Deps) -> Option<usize> {
    if deps.unwatchable {
        return None;
    }
    let folders = folders(deps.looked_up(), deps.listed.iter().map(PathBuf::as_path))?.len();
    let files: HashSet<&PathBuf> = deps.files.iter().collect();
    let linked = files
        .into_iter()
        .filter(|f| notify::link_count(f).is_some_and(|n| n > 1))
        .count();
    Some(folders + linked)
}

fn init() -> std::io::Result<nix::sys::inotify::Inotify> {
    nix::sys::inotify::Inotify::init(InitFlags::IN_NONBLOCK | InitFlags::IN_CLOEXEC)
        .map_err(std::io::Error::from)
}

impl State {
    /// Takes in every queued event.
    fn drain(&mut self) {
        loop {
            let Some(inotify) = &self.inotify else {
                return;
            };
            match inotify.read_events() {
                Ok(events) if events.is_empty() => return,
                Ok(events) => {
                    for event in events {
                        self.take(event);
                    }
                }
                Err(Errno::EAGAIN) => return,
                Err(Errno::EINTR) => {}
                // A queue that cannot be read vouches for nothing.
                Err(_) => {
                    self.reset();
                    return;
                }
            }
        }
    }

    fn take(&mut self, event: InotifyEvent) {
        if event.mask.contains(F::IN_Q_OVERFLOW) {
            // Events were lost: start over.
            self.reset();
            return;
        }
        let Some(watch) = self.by_wd.get(&event.wd) else {
            return; // a watch already given up
        };
        let (all, folder, paths) = (watch.all, watch.folder, watch.paths.clone());
        let named = (event.name.as_ref()).is_some_and(|n| all || watch.names.contains(n));
        // An entry that comes, goes or is replaced.
        let entry_changed = (event.mask).intersects(F::IN_CREATE | F::IN_DELETE | F::IN_MOVE);
        // Whatever the event, nothing at its path is vouched for any more.
        // Whatever happened to an entry of a folder watched for every
        // entry (it came, went, was replaced or written to, through this
        // folder or, for a file watched itself, through another link) is
        // noted against the folder, at the generation the event moves to,
        // for what was made from its entries to be brought up to date.
        for Shared(path) in &paths {
            match &event.name {
                Some(name) => {
                    self.uncover(&path.join(name));
                    if all {
                        self.note_changed(path, name);
                    }
                }
                None => {
                    self.uncover(path);
                    if let (false, Some(dir), Some(name)) =
                        (folder, path.parent(), path.file_name())
                        && self.covers(dir, LISTED, u64::MAX)
                    {
                        self.note_changed(dir, name);
                    }
                }
            };
        }
        match &event.name {
            Some(name) => {
                if !named {
                    return;
                }
                self.generation += 1;
                // The name may now stand for another file or folder: what
                // was watched through it is watched anew when next needed.
                if entry_changed {
                    // What was covered below the name goes too when it
                    // stood for a folder, and when it comes as anything but
                    // a regular file: a link (never marked as a folder)
                    // where a missing folder was looked through, say a
                    // dotfiles checkout linked in as ~/.config/opencode.
                    let folder = event.mask.contains(F::IN_ISDIR);
                    let came = event.mask.intersects(F::IN_CREATE | F::IN_MOVED_TO);
                    for Shared(path) in &paths {
                        let at = path.join(name);
                        let below = folder || (came && !notify::is_regular_file(&at));
                        self.forget(&at, below);
                    }
                }
            }
            None => {
                self.generation += 1;
                if event
                    .mask
                    .intersects(F::IN_IGNORED | F::IN_DELETE_SELF | F::IN_MOVE_SELF | F::IN_UNMOUNT)
                {
                    // The watch no longer stands for its paths.
                    for Shared(path) in &paths {
                        self.forget(path, folder);
                    }
                    if event.mask.contains(F::IN_IGNORED) {
                        self.dropped(event.wd);
                    }
                }
            }
        }
    }

    /// Notes that the entry `name` of the folder `dir` changed, at the
    /// generation the event being taken in moves to: one note per name,
    /// dated by its latest change. Past [`MAX_CHANGED`] names the folder
    /// is no longer vouched for: too many to bring up to date one by one,
    /// what was made from it is made anew.
    fn note_changed(&mut self, dir: &Path, name: &OsStr) {
        let at = self.generation + 1;
        let log = self.changed.entry(dir.as_os_str().to_os_string());
        let log = log.or_default();
        log.retain(|(_, n)| n != name);
        log.push((at, name.to_os_string()));
        if log.len() > MAX_CHANGED {
            self.uncover(dir);
        }
    }

    /// `path` as one of the maps holds it already, else a new copy.
    fn shared(&self, path: &Path) -> Shared {
        let key = path.as_os_str();
        let held = (self.by_path.get_key_value(key).map(|(k, _)| k))
            .or_else(|| self.covered.get_key_value(key).map(|(k, _)| k))
            .or_else(|| self.by_folder.get(key));
        held.cloned().unwrap_or_else(|| Shared(Arc::from(path)))
    }

    /// Nothing at `path` is vouched for any more (until covered again).
    fn uncover(&mut self, path: &Path) {
        self.covered.remove(path.as_os_str());
        self.changed.remove(path.as_os_str());
    }

    /// Whether `path` has been covered for all of `want` since generation
    /// `since`, with no event for it since.
    fn covers(&self, path: &Path, want: u8, since: u64) -> bool {
        self.inotify.is_some()
            && (self.covered.get(path.as_os_str()))
                .is_some_and(|(flags, at)| flags & want == want && *at <= since)
    }

    /// Drops the watch of `path` and, for a folder, of everything below it.
    fn forget(&mut self, path: &Path, folder: bool) {
        self.by_folder.remove(path.as_os_str());
        // What was covered through this name is no longer.
        self.uncover(path);
        // Only below a folder watched or looked through can anything be
        // held: elsewhere there is nothing to look for.
        let key = path.as_os_str();
        let folder = folder && (self.by_path.contains_key(key) || self.unwatched.contains(key));
        if folder {
            #[cfg(test)]
            {
                self.searches += 1;
            }
            self.covered.retain(|p, _| !p.0.starts_with(path));
            self.changed.retain(|p, _| !Path::new(p).starts_with(path));
            self.unwatched.retain(|p| !p.0.starts_with(path));
        }
        let mut gone = vec![Shared(Arc::from(path))];
        if folder {
            gone.extend(
                self.by_path
                    .keys()
                    .filter(|p| p.0.starts_with(path) && *p.0 != *path)
                    .cloned(),
            );
            self.by_folder.retain(|p| !p.0.starts_with(path));
        }
        for p in gone {
            let Some(wd) = self.by_path.remove(p.0.as_os_str()) else {
                continue;
            };
            if let Some(watch) = self.by_wd.get_mut(&wd) {
                watch.paths.retain(|q| *q != p);
                if watch.paths.is_empty() {
                    self.dropped(wd);
                    if let Some(inotify) = &self.inotify {
                        let _ = inotify.rm_watch(wd);
                    }
                }
            }
        }
    }

    /// The watch `wd` is no longer held: given back to the budget.
    fn dropped(&mut self, wd: WatchDescriptor) {
        if self.by_wd.remove(&wd).is_some() {
            self.budget.give(1);
        }
    }

    /// Drops every watch (a new inotify instance) and moves the generation.
    fn reset(&mut self) {
        self.generation += 1;
        self.budget.give(self.by_wd.len());
        self.by_path.clear();
        self.by_wd.clear();
        self.by_folder.clear();
        self.covered.clear();
        self.changed.clear();
        self.unwatched.clear();
        self.inotify = None;
        self.inotify = init().ok();
    }

    /// Adds a watch on `path`, taken from the budget unless the inode is
    /// watched already (`Ok(false)`); `ENOSPC`, as the kernel says past
    /// the per-user limit, when the budget is spent.
    fn add(&mut self, path: &Path, flags: F) -> Result<(WatchDescriptor, bool), Errno> {
        if !self.budget.take() {
            return Err(Errno::ENOSPC);
        }
        let added = match &self.inotify {
            Some(inotify) => notify::add_watch(inotify, path, flags),
            None => Err(Errno::EBADF),
        };
        match added {
            Ok(wd) if !self.by_wd.contains_key(&wd) => Ok((wd, true)),
            Ok(wd) => {
                self.budget.give(1);
                Ok((wd, false))
            }
            Err(e) => {
                self.budget.give(1);
                Err(e)
            }
        }
    }

    /// Watches the folder `dir` for what `need` asks. `Ok(true)` when the
    /// watch set grew; `Err` when it cannot be watched.
    fn watch_folder(&mut self, dir: &Path, need: &Need<'_>) -> Result<bool, ()> {
        let mut grew = false;
        let wd = match self.by_path.get(dir.as_os_str()) {
            // A file of several links, watched itself, looked through as a
            // folder: noted as one, as its watch goes when the file does,
            // with no search below it.
            Some(wd) if self.by_wd.get(wd).is_some_and(|w| !w.folder) => {
                return self.looked_through(dir);
            }
            Some(wd) => *wd,
            None => {
                let flags = FOLDER_EVENTS | F::IN_ONLYDIR | F::IN_DONT_FOLLOW;
                match self.add(dir, flags) {
                    Ok((wd, new)) => {
                        if new {
                            if !local_file_system(dir) {
                                if let Some(inotify) = &self.inotify {
                                    let _ = inotify.rm_watch(wd);
                                }
                                self.budget.give(1);
                                return Err(());
                            }
                            grew = true;
                        }
                        let key = self.shared(dir);
                        self.by_path.insert(key.clone(), wd);
                        let watch = self.by_wd.entry(wd).or_default();
                        watch.folder = true;
                        push_one(&mut watch.paths, key);
                        wd
                    }
                    // Missing: its parent's watch reports its creation.
                    Err(Errno::ENOENT) => return self.looked_through(dir),
                    // A file (lookups below it fail) is fine; a link is
                    // followed by lookups, and its target is not watched.
                    Err(Errno::ENOTDIR) => {
                        return if notify::is_link(dir) {
                            Err(())
                        } else {
                            self.looked_through(dir)
                        };
                    }
                    Err(_) => return Err(()),
                }
            }
        };
        let watch = self.by_wd.entry(wd).or_default();
        if need.all && !watch.all {
            watch.all = true;
            grew = true;
        }
        if !watch.all {
            for name in &need.names {
                if !watch.names.contains(*name) {
                    watch.names.insert(name.to_os_string());
                    grew = true;
                }
            }
        }
        Ok(grew)
    }

    /// Notes the folder `dir` as looked through unwatched: what is
    /// covered below it goes when its name comes back as a folder or a
    /// link (or goes as a folder).
    fn looked_through(&mut self, dir: &Path) -> Result<bool, ()> {
        if !self.unwatched.contains(dir.as_os_str()) {
            if self.unwatched.len() >= MAX_UNWATCHED {
                // Too many to hold: this cover fails, and starts over.
                self.reset();
                return Err(());
            }
            let key = self.shared(dir);
            self.unwatched.insert(key);
        }
        Ok(false)
    }

    /// Watches what the watch of its folder (which watches its name)
    /// would not report about the file at `file`: with more than one hard
    /// link, the file itself.
    fn watch_file(&mut self, file: &Path) -> Result<bool, ()> {
        let key = file.as_os_str();
        if self.by_folder.contains(key) || self.by_path.contains_key(key) {
            return Ok(false);
        }
        match notify::link_count(file) {
            // Missing: its folder's watch reports its creation.
            None => return Ok(false),
            Some(1) => {
                let key = self.shared(file);
                self.by_folder.insert(key);
                return Ok(false);
            }
            Some(_) => {}
        }
        match self.add(file, FILE_EVENTS | F::IN_DONT_FOLLOW) {
            Ok((wd, grew)) => {
                let key = self.shared(file);
                self.by_path.insert(key.clone(), wd);
                let watch = self.by_wd.entry(wd).or_default();
                watch.all = true;
                push_one(&mut watch.paths, key);
                Ok(grew)
            }
            Err(Errno::ENOENT | Errno::ENOTDIR) => Ok(false),
            Err(_) => Err(()),
        }
    }
}

/// File systems where every change to a file is made by this kernel, and
/// so raises an inotify event. Network file systems, FUSE and 9p (a
/// virtual machine's shared folder) are not among them.
pub(super) fn local_file_system(dir: &Path) -> bool {
    use nix::sys::statfs as fs;
    let Some(kind) = notify::file_system_type(dir) else {
        return false;
    };
    const ZFS: u64 = 0x2fc1_2fc1;
    const BCACHEFS: u64 = 0xca45_1a4e;
    const EXFAT: u64 = 0x2011_bab0;
    const NTFS3: u64 = 0x7366_746e;
    const RAMFS: u64 = 0x8584_58f6;
    const JFS: u64 = 0x3153_464a;
    [
        fs::EXT4_SUPER_MAGIC, // also ext2 and ext3
        fs::XFS_SUPER_MAGIC,
        fs::BTRFS_SUPER_MAGIC,
        fs::TMPFS_MAGIC,
        fs::OVERLAYFS_SUPER_MAGIC,
        fs::F2FS_SUPER_MAGIC,
        fs::REISERFS_SUPER_MAGIC,
        fs::NILFS_SUPER_MAGIC,
        fs::MSDOS_SUPER_MAGIC,
    ]
    .contains(&kind)
        || [ZFS, BCACHEFS, EXFAT, NTFS3, RAMFS, JFS].contains(&(kind.0 as u64 & 0xffff_ffff))
}

/// Pushes `path` making room for it alone: most watches are reached
/// through one path, and a first push would make room for four (10,000
/// skill folders' watches held 0.7 MB of room for paths never added).
fn push_one(paths: &mut Vec<Shared>, path: Shared) {
    paths.reserve_exact(1);
    paths.push(path);
}
