//! One build of a read at a time. Reads of the same thing that miss the
//! memo together (eight clients asking a large workspace's export at
//! once, or every client after a write) each built their own value, up to
//! one per core at once: two 20 MB export documents where one would do.
//! Now the first to miss leads: it builds, and the others wait for it and
//! then find its value in the memo.
//!
//! A follower takes the value only from the memo, which keeps it only
//! while nothing it read has changed since (the leader's value is never
//! handed over directly: it may have been read before a write the
//! follower has seen acknowledged). When the leader's value was not kept,
//! the followers join again: one of them leads the next build. A build
//! that first watches what it read is not kept (the memo cannot vouch
//! for what changed before the watch), so that second build is the one
//! kept after a cold start or a new file; a follower waits for at most
//! two builds. After two builds of a read in a row were not kept (its
//! watches cannot be taken), its readers build alone, no longer waiting
//! for one another, until one of their builds is kept again.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};
use tokio::sync::watch;

/// The builds under way, by what they build.
#[derive(Debug)]
pub struct Flights<K> {
    reads: Mutex<HashMap<K, Flown>>,
}

/// What is known of one read's builds.
#[derive(Debug, Default)]
struct Flown {
    /// Closed when the build under way ends.
    under_way: Option<watch::Receiver<()>>,
    /// How many builds in a row were not kept: from [`ALONE_AFTER`] on,
    /// readers build alone.
    not_kept: u8,
}

/// Builds not kept in a row after which readers build alone.
const ALONE_AFTER: u8 = 2;

/// How many builds a follower waits for before it builds its own.
pub const MAX_WAITS: usize = 2;

/// How a reader of `K` is to get its value.
#[derive(Debug)]
pub enum Flight<'a, K: Eq + Hash + Copy> {
    /// Builds it; others wait until this is dropped.
    Lead(Lead<'a, K>),
    /// Waits for the build under way ([`landed`]), then looks again.
    Follow(watch::Receiver<()>),
    /// Builds it without being waited for: its last builds were not kept.
    Alone,
}

/// The build under way of one read: ends when dropped (its followers are
/// then woken), also when its reader is gone before the build is done.
#[derive(Debug)]
pub struct Lead<'a, K: Eq + Hash + Copy> {
    flights: &'a Flights<K>,
    key: K,
    kept: Option<bool>,
    _done: watch::Sender<()>,
}

impl<K> Default for Flights<K> {
    fn default() -> Self {
        Flights {
            reads: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash + Copy> Flights<K> {
    /// Joins the build of `key` under way, or leads one.
    pub fn join(&self, key: K) -> Flight<'_, K> {
        let mut reads = self.reads();
        let flown = reads.entry(key).or_default();
        if let Some(under_way) = &flown.under_way {
            return Flight::Follow(under_way.clone());
        }
        if flown.not_kept >= ALONE_AFTER {
            return Flight::Alone;
        }
        let (done, under_way) = watch::channel(());
        flown.under_way = Some(under_way);
        Flight::Lead(Lead {
            flights: self,
            key,
            kept: None,
            _done: done,
        })
    }

    /// Notes whether the value a reader built without leading (alone, or
    /// after waiting [`MAX_WAITS`] times) was kept, as [`Lead::kept`] does.
    pub fn note(&self, key: K, kept: bool) {
        if let Some(flown) = self.reads().get_mut(&key) {
            flown.note(kept);
        }
    }

    fn reads(&self) -> MutexGuard<'_, HashMap<K, Flown>> {
        self.reads.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Flown {
    fn note(&mut self, kept: bool) {
        self.not_kept = if kept {
            0
        } else {
            self.not_kept.saturating_add(1)
        };
    }
}

impl<K: Eq + Hash + Copy> Lead<'_, K> {
    /// Notes whether the value built was kept (see [`Flights::note`]).
    pub fn kept(&mut self, kept: bool) {
        self.kept = Some(kept);
    }
}

impl<K: Eq + Hash + Copy> Drop for Lead<'_, K> {
    fn drop(&mut self) {
        let mut reads = self.flights.reads();
        if let Some(flown) = reads.get_mut(&self.key) {
            flown.under_way = None;
            if let Some(kept) = self.kept {
                flown.note(kept);
            }
        }
        // The sender goes after this: the followers wake to a free slot.
    }
}

/// Waits until the build a follower joined has ended, however it ended.
pub async fn landed(mut under_way: watch::Receiver<()>) {
    // Nothing is ever sent: `changed` returns once the sender is dropped.
    let _ = under_way.changed().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    fn is_lead<K: Eq + Hash + Copy>(f: &Flight<'_, K>) -> bool {
        matches!(f, Flight::Lead(_))
    }

    /// The first reader leads, the next follow until it is done (however
    /// it ends), and then the next leads again; other reads are apart.
    #[test]
    fn the_first_reader_leads_and_the_others_wait_for_it() {
        let flights = Flights::default();
        let lead = flights.join("skills");
        assert!(is_lead(&lead));
        let Flight::Follow(under_way) = flights.join("skills") else {
            panic!("a second reader must follow");
        };
        assert!(is_lead(&flights.join("commands")), "another read leads");
        let waiting = landed(under_way.clone());
        futures_util::pin_mut!(waiting);
        assert!(
            waiting.as_mut().now_or_never().is_none(),
            "waits while under way"
        );
        drop(lead); // dropped without a word: a reader gone mid-build
        assert!(waiting.now_or_never().is_some(), "woken when it ends");
        assert!(landed(under_way).now_or_never().is_some(), "and after");
        assert!(is_lead(&flights.join("skills")), "the next leads again");
    }

    /// After two builds in a row that were not kept, readers build
    /// alone, until one of their builds is kept again; one not kept (a
    /// first build, which adds watches) changes nothing.
    #[test]
    fn readers_of_a_value_not_kept_do_not_wait_for_one_another() {
        let flights = Flights::default();
        let lead_and_keep = |kept: bool| {
            let Flight::Lead(mut lead) = flights.join(1) else {
                panic!("a reader should lead");
            };
            assert!(matches!(flights.join(1), Flight::Follow(_)));
            lead.kept(kept);
        };
        lead_and_keep(false);
        lead_and_keep(true);
        lead_and_keep(false);
        lead_and_keep(false);
        assert!(matches!(flights.join(1), Flight::Alone));
        assert!(matches!(flights.join(1), Flight::Alone));
        assert!(is_lead(&flights.join(2)), "only that read");
        flights.note(1, false);
        assert!(matches!(flights.join(1), Flight::Alone));
        // One of them built a value that was kept: they wait again.
        flights.note(1, true);
        lead_and_keep(true);
        assert!(is_lead(&flights.join(1)));
    }
}
