//! A folder's entries with the parse of each file a reader wants, kept as
//! one value ([`ParsedFolder`]) and brought up to date from the watcher's
//! log of the entries that changed in the folder (see
//! [`super::vouch::Vouch::changed_entries`]): a server that plans a write
//! of one command among 2,000 command files, or lists them, then looks at
//! the file a write added, not at 2,000 parse-cache entries, each checked
//! against the watcher.
//!
//! It holds only inside a vouching scope, for a folder the watcher has
//! watched for every entry since the value was made, and whose entries no
//! group of writes on this thread has changed in memory (`overlay`);
//! elsewhere [`super::Cache::parsed_folder`] answers `None` and the caller
//! looks at each file, as before. A file's parse is kept only once the
//! watcher vouches for the file itself (a file of two hard links needs a
//! watch of its own, taken by the first read that covers it): until then
//! it is parsed again at each use, so an edit made through another link
//! is not missed. The watcher's one blind spot holds here as for every
//! cached read (see `memo/inotify.rs`): a link added to a file after it
//! was covered is reported to no watch, so an edit through that new link
//! goes unseen until something else changes the file.
//!
//! A kept folder is found by its path and `kind` alone: `kind` names the
//! filter and the parse together, so one kind is used with one `want` and
//! one `parse` (and a parse that cannot be had is never kept: a file that
//! could not be read raises no event when it can be again).

use super::{Entry, Kind};
use std::any::Any;
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Past this many folders kept, the store starts over (bounded memory).
const MAX_FOLDERS: usize = 4_096;

/// One entry of a [`ParsedFolder`], as listed.
pub(crate) struct Slot<T> {
    pub(crate) name: OsString,
    pub(crate) path: PathBuf,
    pub(crate) kind: Kind,
    /// For an entry the reader wants parsed, its parse (`Some(None)`:
    /// there was none, as the file could not be read).
    pub(crate) parse: Option<Option<Arc<T>>>,
    /// The watcher vouched for the file when it was parsed: any later
    /// change to it is in the folder's log.
    vouched: bool,
}

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        Slot {
            name: self.name.clone(),
            path: self.path.clone(),
            kind: self.kind,
            parse: self.parse.clone(),
            vouched: self.vouched,
        }
    }
}

/// A folder's entries, sorted by name as [`super::Cache::list`] sorts
/// them, each wanted file with its parse.
pub(crate) struct ParsedFolder<T> {
    pub(crate) slots: Vec<Slot<T>>,
    /// How many parses the watcher did not vouch for yet.
    unvouched: usize,
}

impl<T> Clone for ParsedFolder<T> {
    fn clone(&self) -> Self {
        ParsedFolder {
            slots: self.slots.clone(),
            unvouched: self.unvouched,
        }
    }
}

/// A kept [`ParsedFolder`] of one kind, and the generation it was
/// checked at.
struct Kept {
    kind: &'static str,
    folder: Arc<dyn Any + Send + Sync>,
    checked: u64,
}

/// The parsed folders of a cache, by the folder's path bytes.
#[derive(Default)]
pub(crate) struct Store {
    kept: Mutex<HashMap<OsString, Vec<Kept>, foldhash::quality::RandomState>>,
}

impl Store {
    fn take<T: Send + Sync + 'static>(
        &self,
        dir: &Path,
        kind: &'static str,
    ) -> Option<(Arc<ParsedFolder<T>>, u64)> {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let of_dir = kept.get_mut(dir.as_os_str())?;
        let at = of_dir.iter().position(|k| k.kind == kind)?;
        let k = of_dir.swap_remove(at);
        Some((k.folder.downcast().ok()?, k.checked))
    }

    fn put<T: Send + Sync + 'static>(
        &self,
        dir: &Path,
        kind: &'static str,
        folder: Arc<ParsedFolder<T>>,
        checked: u64,
    ) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() >= MAX_FOLDERS && !kept.contains_key(dir.as_os_str()) {
            kept.clear();
        }
        let of_dir = kept.entry(dir.as_os_str().to_os_string()).or_default();
        of_dir.retain(|k| k.kind != kind);
        of_dir.push(Kept {
            kind,
            folder,
            checked,
        });
    }
}

impl super::Cache {
    /// The entries of the folder `dir` (as [`super::Cache::list`] gives
    /// them), each that `want` accepts with `parse` of its path, kept
    /// under `kind` and brought up to date by parsing again only the
    /// entries the watcher saw change. `None` outside a vouching scope, or
    /// when a group of writes on this thread holds a changed file of the
    /// folder: the caller then looks at each file itself.
    pub(crate) fn parsed_folder<T: Send + Sync + 'static>(
        &self,
        dir: &Path,
        kind: &'static str,
        want: impl Fn(&Entry) -> bool,
        parse: impl Fn(&Path) -> Option<Arc<T>>,
    ) -> Option<std::io::Result<Arc<ParsedFolder<T>>>> {
        let now = super::vouch::now()?;
        if super::overlay::holds_in(dir) {
            return None;
        }
        let listing = match self.list(dir) {
            Ok(listing) => listing,
            Err(e) => return Some(Err(e)),
        };
        let slot = |entry: &Entry| {
            let path = dir.join(&entry.name);
            let parse = want(entry).then(|| parse(&path));
            // A file that could not be read (too many open files, say)
            // raises no event when it can be again: its lack of a parse
            // is never kept.
            let parsed = matches!(parse, Some(Some(_)));
            let vouched = parsed && super::vouch::holds(&path, now);
            Slot {
                name: entry.name.clone(),
                path,
                kind: entry.kind,
                parse,
                vouched,
            }
        };
        let kept = self
            .parsed
            .take::<T>(dir, kind)
            .and_then(|(folder, checked)| {
                let changed = super::vouch::changed_entries(dir, checked)?;
                Some((folder, changed))
            });
        let folder = match kept {
            Some((folder, changed)) if changed.is_empty() && folder.unvouched == 0 => folder,
            Some((mut folder, changed)) => {
                let f = Arc::make_mut(&mut folder);
                // Parses the watcher did not vouch for are made again
                // (those of changed entries once, below).
                if f.unvouched > 0 {
                    for s in f.slots.iter_mut() {
                        if s.parse.is_some() && !s.vouched && !changed.contains(&s.name) {
                            let entry = Entry {
                                name: s.name.clone(),
                                kind: s.kind,
                            };
                            *s = slot(&entry);
                        }
                    }
                }
                for name in &changed {
                    let listed = find(&listing, name, |e| &e.name).ok();
                    match (
                        listed.map(|i| &listing[i]),
                        find(&f.slots, name, |s| &s.name),
                    ) {
                        (Some(entry), Ok(i)) => f.slots[i] = slot(entry),
                        (Some(entry), Err(i)) => f.slots.insert(i, slot(entry)),
                        (None, Ok(i)) => {
                            f.slots.remove(i);
                        }
                        (None, Err(_)) => {}
                    }
                }
                f.unvouched = unvouched(&f.slots);
                folder
            }
            None => {
                let slots: Vec<Slot<T>> = listing.iter().map(slot).collect();
                let unvouched = unvouched(&slots);
                Arc::new(ParsedFolder { slots, unvouched })
            }
        };
        // What a read looks at is recorded for its memo to watch, as each
        // parse would have recorded its file.
        if super::record::recording() {
            for s in folder.slots.iter().filter(|s| s.parse.is_some()) {
                super::record::read(&s.path);
            }
        }
        self.parsed.put(dir, kind, Arc::clone(&folder), now);
        Some(Ok(folder))
    }
}

/// Where `name` is, or would go, in `items` sorted by name bytes.
fn find<I>(items: &[I], name: &OsStr, of: impl Fn(&I) -> &OsString) -> Result<usize, usize> {
    items.binary_search_by(|i| of(i).as_encoded_bytes().cmp(name.as_encoded_bytes()))
}

fn unvouched<T>(slots: &[Slot<T>]) -> usize {
    slots
        .iter()
        .filter(|s| s.parse.is_some() && !s.vouched)
        .count()
}
