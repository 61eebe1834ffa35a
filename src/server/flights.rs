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
//! follower has seen acknowledged). When the leader's value was not kept
//! (a read the watches cannot cover), the follower builds its own; and
//! until a build of that read is kept again, its readers no longer wait
//! for one another, so that a read that cannot be kept is not made slower.

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
    /// The last build that ended was not kept: readers build alone.
    unkept: bool,
}

/// How a reader of `K` is to get its value.
#[derive(Debug)]
pub enum Flight<'a, K: Eq + Hash + Copy> {
    /// Builds it; others wait until this is dropped.
    Lead(Lead<'a, K>),
    /// Waits for the build under way ([`landed`]), then looks again.
    Follow(watch::Receiver<()>),
    /// Builds it without being waited for: its last build was not kept.
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
        if flown.unkept {
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
    /// after its leader's was not kept) was kept, as [`Lead::kept`] does.
    pub fn note(&self, key: K, kept: bool) {
        if let Some(flown) = self.reads().get_mut(&key) {
            flown.unkept = !kept;
        }
    }

    fn reads(&self) -> MutexGuard<'_, HashMap<K, Flown>> {
        self.reads.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<K: Eq + Hash + Copy> Lead<'_, K> {
    /// Notes whether the value built was kept: when it was not, the next
    /// readers of this read build alone (and the next kept build, by one
    /// of them, makes them wait for one another again).
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
                flown.unkept = !kept;
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

    /// After a build that was not kept, readers build alone, until one of
    /// their builds is kept again.
    #[test]
    fn readers_of_a_value_not_kept_do_not_wait_for_one_another() {
        let flights = Flights::default();
        let Flight::Lead(mut lead) = flights.join(1) else {
            panic!("the first reader leads");
        };
        lead.kept(false);
        drop(lead);
        assert!(matches!(flights.join(1), Flight::Alone));
        assert!(matches!(flights.join(1), Flight::Alone));
        assert!(is_lead(&flights.join(2)), "only that read");
        // One of them built a value that was kept: they wait again.
        flights.note(1, true);
        let Flight::Lead(mut lead) = flights.join(1) else {
            panic!("leads once the last build was kept");
        };
        assert!(matches!(flights.join(1), Flight::Follow(_)));
        lead.kept(true);
        drop(lead);
        assert!(is_lead(&flights.join(1)));
    }
}
