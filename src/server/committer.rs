//! One committer per workspace: the writes waiting for a workspace's lock
//! are applied together, in the order they arrived, under one holding of
//! the lock and one round of syncs ([`Workspace::write_group`]: group
//! commit). While one group applies, the next one gathers, so the more
//! writes wait, the fewer syncs each costs; a lone write costs what it did.
//!
//! Each write is still planned under the lock against what the writes
//! before it left, applied exactly as planned (an approved plan is its own
//! `make`: it applies only over the bytes it was planned over), and
//! answered only once the whole group is durable. One blocking thread per
//! workspace applies; it runs only while writes wait. It then builds the
//! reads the group's answers carry (each once), so that an answer is taken
//! from the memo rather than built on yet another thread.

use super::reads::{self, Read, blocking};
use super::state::WsEntry;
use crate::workspace::{Actor, Applied, GroupWrite, Plan, Workspace};
use crate::{Code, Error, Result};
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedRwLockReadGuard, Semaphore, oneshot};

/// At most this many writes in one group, so a long queue still gets its
/// answers group by group.
const MAX_GROUP: usize = 64;

/// The plan of one queued write: made under the lock.
pub type Make = Box<dyn FnMut(&Workspace) -> Result<Plan> + Send>;

/// Told the outcome of a queued write as soon as its group is durable,
/// whether or not anyone still waits for the answer (the host's report of
/// an approved write).
pub type Then = Box<dyn FnOnce(&Result<()>) + Send>;

/// A write waiting for its group.
struct Queued {
    actor: Actor,
    make: Make,
    then: Option<Then>,
    done: oneshot::Sender<Result<(Plan, Applied)>>,
    /// The read the write's answer carries, if any.
    answer: Option<Read>,
    /// The server's write gate, held until the write is answered, so that
    /// shutdown waits for it.
    _gate: OwnedRwLockReadGuard<()>,
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Queued>,
    /// A thread is applying this workspace's groups.
    running: bool,
}

/// The writes of one workspace waiting to be applied.
#[derive(Default)]
pub struct Committer {
    queue: Mutex<Queue>,
}

impl Committer {
    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Applies the plan `make` makes under the lock of `entry` (whose
    /// committer this is), in a group with the writes waiting alongside
    /// it; answers once it is durable. Groups take the server's planning
    /// turns (one per core) as single writes do. `answer`, the read the
    /// write's answer carries, is built once the write is durable and
    /// before it is answered.
    pub async fn write(
        plans: &Arc<Semaphore>,
        entry: &Arc<WsEntry>,
        gate: OwnedRwLockReadGuard<()>,
        actor: Actor,
        make: Make,
        then: Option<Then>,
        answer: Option<Read>,
    ) -> Result<(Plan, Applied)> {
        let me = &entry.committer;
        let (done, outcome) = oneshot::channel();
        let start = {
            let mut queue = me.queue();
            queue.waiting.push(Queued {
                actor,
                make,
                then,
                done,
                answer,
                _gate: gate,
            });
            !std::mem::replace(&mut queue.running, true)
        };
        if start {
            tokio::spawn(Self::run(plans.clone(), entry.clone()));
        }
        outcome.await.map_err(|_| {
            Error::new(
                Code::Internal,
                "the write was dropped before it was applied",
            )
        })?
    }

    /// Applies group after group until no write waits.
    async fn run(plans: Arc<Semaphore>, entry: Arc<WsEntry>) {
        loop {
            let group: Vec<Queued> = {
                let mut queue = entry.committer.queue();
                if queue.waiting.is_empty() {
                    queue.running = false;
                    return;
                }
                let n = queue.waiting.len().min(MAX_GROUP);
                queue.waiting.drain(..n).collect()
            };
            // Held while the group applies; closed only at shutdown, when
            // the group is dropped (each waiter hears so).
            let Ok(_turn) = plans.acquire().await else {
                continue;
            };
            let e = entry.clone();
            let applied = blocking(move || {
                let mut group = group;
                let results = {
                    let mut jobs: Vec<GroupWrite<'_>> = group
                        .iter_mut()
                        .map(|q| GroupWrite {
                            actor: &q.actor,
                            make: &mut *q.make,
                        })
                        .collect();
                    e.ws.write_group(&mut jobs)
                };
                // The answers' reads, each built once for the group (a
                // read that fails is built again, and fails, for its answer).
                let mut built: Vec<Read> = Vec::new();
                for (queued, result) in group.iter().zip(&results) {
                    if let (Some(read), Ok(_)) = (queued.answer, result)
                        && !built.contains(&read)
                    {
                        built.push(read);
                        let _ = reads::build_kept(&e, read);
                    }
                }
                for (mut queued, result) in group.into_iter().zip(results) {
                    if let Some(then) = queued.then.take() {
                        then(&result.as_ref().map(|_| ()).map_err(Clone::clone));
                    }
                    let _ = queued.done.send(result);
                }
                Ok(())
            })
            .await;
            // A plan that panics fails alone (`write_group`); should the
            // group itself fail, its waiters hear so (their senders are
            // dropped) and the next group still runs.
            if let Err(e) = applied {
                tracing::error!("a group of writes failed: {}", e.message);
            }
        }
    }
}
