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
//!
//! A build runs as a task of its own ([`fly`]): a reader gone before its
//! build is done (its client hung up) neither ends the flight early, which
//! would set its followers building beside it, nor gives back its build
//! turn while the build still runs.

use crate::{Code, Error, Result};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;

/// The builds under way, by what they build (shared with their leads).
#[derive(Debug)]
pub struct Flights<K> {
    reads: Arc<Mutex<HashMap<K, Flown>>>,
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
const MAX_WAITS: usize = 2;

/// How a reader of `K` is to get its value.
#[derive(Debug)]
pub enum Flight<K: Eq + Hash + Copy> {
    /// Builds it; others wait until this is dropped.
    Lead(Lead<K>),
    /// Waits for the build under way ([`landed`]), then looks again.
    Follow(watch::Receiver<()>),
    /// Builds it without being waited for: its last builds were not kept.
    Alone,
}

/// The build under way of one read: ends when dropped (its followers are
/// then woken), also when its reader is gone before the build is done.
#[derive(Debug)]
pub struct Lead<K: Eq + Hash + Copy> {
    reads: Arc<Mutex<HashMap<K, Flown>>>,
    key: K,
    kept: Option<bool>,
    _done: watch::Sender<()>,
}

impl<K> Clone for Flights<K> {
    fn clone(&self) -> Self {
        Flights {
            reads: Arc::clone(&self.reads),
        }
    }
}

impl<K> Default for Flights<K> {
    fn default() -> Self {
        Flights {
            reads: Arc::default(),
        }
    }
}

impl<K: Eq + Hash + Copy> Flights<K> {
    /// Joins the build of `key` under way, or leads one.
    pub fn join(&self, key: K) -> Flight<K> {
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
            reads: Arc::clone(&self.reads),
            key,
            kept: None,
            _done: done,
        })
    }

    /// Notes whether the value a reader built without leading (alone, or
    /// after waiting for as many builds as a follower may) was kept, as
    /// [`Lead::kept`] does.
    pub fn note(&self, key: K, kept: bool) {
        if let Some(flown) = self.reads().get_mut(&key) {
            flown.note(kept);
        }
    }

    fn reads(&self) -> MutexGuard<'_, HashMap<K, Flown>> {
        lock(&self.reads)
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

fn lock<K>(reads: &Mutex<HashMap<K, Flown>>) -> MutexGuard<'_, HashMap<K, Flown>> {
    reads.lock().unwrap_or_else(|p| p.into_inner())
}

impl<K: Eq + Hash + Copy> Lead<K> {
    /// Notes whether the value built was kept (see [`Flights::note`]).
    pub fn kept(&mut self, kept: bool) {
        self.kept = Some(kept);
    }
}

impl<K: Eq + Hash + Copy> Drop for Lead<K> {
    fn drop(&mut self) {
        let mut reads = lock(&self.reads);
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

/// The value of `key`: what `peek` finds kept, else what `build` makes
/// once `turn` is had, one build of a key at once (see the module's text).
/// `peek` is asked again after a build to know whether its value was kept.
///
/// A lead's whole build, its wait for a turn included, is a task of its
/// own: its followers wait for it whether or not its reader stays. Any
/// other reader waits for its turn itself (a reader gone while queued
/// costs nothing), and only then builds in a task of its own.
pub async fn fly<K, V, T, F>(
    flights: &Flights<K>,
    key: K,
    peek: impl Fn() -> Option<V> + Send + 'static,
    turn: impl Future<Output = Result<T>> + Send + 'static,
    build: impl FnOnce(T) -> F + Send + 'static,
) -> Result<V>
where
    K: Eq + Hash + Copy + Send + 'static,
    V: Send + 'static,
    T: Send + 'static,
    F: Future<Output = Result<V>> + Send + 'static,
{
    if let Some(value) = peek() {
        return Ok(value);
    }
    let mut lead = None;
    for _ in 0..MAX_WAITS {
        match flights.join(key) {
            Flight::Lead(l) => {
                lead = Some(l);
                break;
            }
            Flight::Follow(under_way) => {
                landed(under_way).await;
                if let Some(value) = peek() {
                    return Ok(value);
                }
            }
            Flight::Alone => break,
        }
    }
    let flights = flights.clone();
    // A failed build says nothing of whether its value is kept.
    let noted = move |value: &Result<V>, lead: Option<Lead<K>>| {
        if value.is_ok() {
            let kept = peek().is_some();
            match lead {
                Some(mut lead) => lead.kept(kept),
                None => flights.note(key, kept),
            }
        }
    };
    match lead {
        Some(lead) => {
            run(async move {
                let value = match turn.await {
                    Ok(turn) => build(turn).await,
                    Err(e) => Err(e),
                };
                noted(&value, Some(lead));
                value
            })
            .await
        }
        None => {
            let turn = turn.await?;
            run(async move {
                let value = build(turn).await;
                noted(&value, None);
                value
            })
            .await
        }
    }
}

/// What `build` makes once `turn` is had, the build a task of its own
/// (run to its end even when its reader is gone), for reads that are
/// never kept.
pub async fn alone<V, T, F>(
    turn: impl Future<Output = Result<T>>,
    build: impl FnOnce(T) -> F,
) -> Result<V>
where
    V: Send + 'static,
    F: Future<Output = Result<V>> + Send + 'static,
{
    let turn = turn.await?;
    run(build(turn)).await
}

/// Runs `task` on its own, to its end.
async fn run<V: Send + 'static>(
    task: impl Future<Output = Result<V>> + Send + 'static,
) -> Result<V> {
    tokio::spawn(task).await.map_err(|e| {
        let mut err = Error::new(Code::Internal, "a worker failed");
        err.private = Some(format!("a read's build failed: {e}").into());
        err
    })?
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A memo of one value, and a build of it that takes a while and
    /// counts how often it runs; it keeps its value from the `keep_from`th
    /// build on (a first build, which adds watches, is not kept).
    #[derive(Clone, Default)]
    struct Kept {
        value: Arc<Mutex<Option<u32>>>,
        builds: Arc<AtomicUsize>,
    }

    impl Kept {
        fn peek(&self) -> impl Fn() -> Option<u32> + Send + 'static {
            let value = Arc::clone(&self.value);
            move || *value.lock().unwrap()
        }

        fn build(&self, keep_from: usize) -> impl Future<Output = Result<u32>> + Send + 'static {
            let kept = self.clone();
            async move {
                let n = kept.builds.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
                if n >= keep_from {
                    *kept.value.lock().unwrap() = Some(7);
                }
                Ok(7)
            }
        }

        /// `build`, as `fly` takes it: given the turn.
        fn builder<T>(
            &self,
            keep_from: usize,
        ) -> impl FnOnce(T) -> futures_util::future::BoxFuture<'static, Result<u32>> + Send + 'static
        {
            let kept = self.clone();
            move |_| Box::pin(kept.build(keep_from))
        }

        fn builds(&self) -> usize {
            self.builds.load(Ordering::SeqCst)
        }
    }

    /// A turn had at once.
    async fn ready() -> Result<()> {
        Ok(())
    }

    /// Readers that miss together: `readers` at once, each `fly`ing.
    async fn together(flights: &Flights<u8>, kept: &Kept, readers: usize, keep_from: usize) {
        let all =
            (0..readers).map(|_| fly(flights, 1, kept.peek(), ready(), kept.builder(keep_from)));
        for value in futures_util::future::join_all(all).await {
            assert_eq!(value.unwrap(), 7);
        }
    }

    /// Eight readers that miss at once cost one build; when the first is
    /// not kept (it adds watches), two.
    #[tokio::test]
    async fn readers_that_miss_together_build_once() {
        let (flights, kept) = (Flights::default(), Kept::default());
        together(&flights, &kept, 8, 1).await;
        assert_eq!(kept.builds(), 1);
        let (flights, kept) = (Flights::default(), Kept::default());
        together(&flights, &kept, 8, 2).await;
        assert_eq!(kept.builds(), 2, "one follower leads the second build");
        // Never kept: each waits for at most two builds, then builds
        // alone (and after two such builds in a row, no one waits).
        let (flights, kept) = (Flights::default(), Kept::default());
        together(&flights, &kept, 8, usize::MAX).await;
        assert!(kept.builds() <= 8, "{} builds", kept.builds());
        assert!(matches!(flights.join(1), Flight::Alone));
    }

    /// A reader that does not lead, gone while it waits for its turn,
    /// builds nothing once the turn comes.
    #[tokio::test]
    async fn a_reader_gone_before_its_turn_builds_nothing() {
        let (flights, kept) = (Flights::default(), Kept::default());
        drop(flights.join(1));
        flights.note(1, false);
        flights.note(1, false);
        let turns = Arc::new(tokio::sync::Semaphore::new(0));
        let turn = Arc::clone(&turns).acquire_owned();
        let turn = async { turn.await.map_err(|_| Error::new(Code::Internal, "closed")) };
        let reader = fly(&flights, 1, kept.peek(), turn, kept.builder(1));
        assert!(reader.now_or_never().is_none(), "waits for its turn");
        turns.add_permits(1);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(kept.builds(), 0);
    }

    /// A reader gone mid-build leaves its build running and its followers
    /// waiting for it: one build, not a second beside the first.
    #[tokio::test]
    async fn a_reader_gone_mid_build_leaves_its_build_to_end() {
        let (flights, kept) = (Flights::default(), Kept::default());
        let leader = {
            let (flights, kept) = (flights.clone(), kept.clone());
            tokio::spawn(
                async move { fly(&flights, 1, kept.peek(), ready(), kept.builder(1)).await },
            )
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        let follower = fly(&flights, 1, kept.peek(), ready(), kept.builder(1));
        leader.abort();
        assert_eq!(follower.await.unwrap(), 7);
        assert_eq!(kept.builds(), 1);
    }

    fn is_lead<K: Eq + Hash + Copy>(f: &Flight<K>) -> bool {
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
