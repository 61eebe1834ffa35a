//! The approval gate (docs/api.md#approvals): in manual mode a remote write waits here
//! until the host allows or denies it, or until the timeout. Pending
//! requests are bounded; every change is also published on a broadcast
//! channel for the `GET /approvals/events` stream.

use super::models::{ApprovalRequest, Resolved};
use crate::{Code, Error};
use serde_json::json;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{broadcast, oneshot};

/// How a request ended for the writer that waits on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Denied(Reason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Denied,
    Timeout,
    Shutdown,
    Withdrawn,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Denied => "denied",
            Reason::Timeout => "timeout",
            Reason::Shutdown => "shutdown",
            Reason::Withdrawn => "withdrawn",
        }
    }
}

/// What the event stream carries.
#[derive(Debug, Clone)]
pub enum Event {
    Requested(Arc<ApprovalRequest>),
    Resolved(Resolved),
}

struct Pending {
    request: Arc<ApprovalRequest>,
    reply: oneshot::Sender<Outcome>,
}

struct Inner {
    /// In the order the requests came.
    pending: Vec<Pending>,
    closed: bool,
}

pub struct Approvals {
    inner: Mutex<Inner>,
    events: broadcast::Sender<Event>,
    timeout: Duration,
    max_pending: usize,
}

impl Approvals {
    pub fn new(timeout: Duration, max_pending: usize) -> Arc<Approvals> {
        let (events, _) = broadcast::channel(1024);
        Arc::new(Approvals {
            inner: Mutex::new(Inner {
                pending: Vec::new(),
                closed: false,
            }),
            events,
            timeout,
            max_pending,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding this lock cannot leave the list half-edited
        // (each edit is one Vec operation), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a request; the returned ticket waits for its outcome and
    /// withdraws the request if it is dropped first.
    pub fn request(self: &Arc<Self>, request: ApprovalRequest) -> Result<Ticket, Error> {
        let id = request.id.clone();
        let mut inner = self.lock();
        if inner.closed {
            return Err(denied(&id, Reason::Shutdown));
        }
        if inner.pending.len() >= self.max_pending {
            return Err(Error::new(
                Code::TooManyPending,
                format!(
                    "too many writes are waiting for approval (at most {}); retry later",
                    self.max_pending
                ),
            ));
        }
        let request = Arc::new(request);
        let (tx, rx) = oneshot::channel();
        tracing::info!(
            id = %request.id,
            workspace = %request.workspace_id,
            action = %request.action,
            "approval requested: {}",
            request.summary
        );
        inner.pending.push(Pending {
            request: request.clone(),
            reply: tx,
        });
        let _ = self.events.send(Event::Requested(request));
        drop(inner);
        Ok(Ticket {
            id,
            rx,
            approvals: self.clone(),
            done: false,
        })
    }

    fn take(inner: &mut Inner, id: &str) -> Option<Pending> {
        let i = inner.pending.iter().position(|p| p.request.id == id)?;
        Some(inner.pending.remove(i))
    }

    /// Settles a pending request (publishing the outcome); `false` if it
    /// was no longer pending.
    fn settle(&self, inner: &mut Inner, id: &str, outcome: Outcome) -> bool {
        let Some(p) = Self::take(inner, id) else {
            return false;
        };
        let (allowed, reason) = match outcome {
            Outcome::Allowed => (true, "allowed"),
            Outcome::Denied(r) => (false, r.as_str()),
        };
        tracing::info!(id, allowed, reason, "approval resolved");
        let _ = p.reply.send(outcome);
        let _ = self.events.send(Event::Resolved(Resolved {
            id: id.to_string(),
            allowed,
            reason,
        }));
        true
    }

    /// The host's answer to `POST /approvals/:id`.
    pub fn reply(&self, id: &str, allow: bool) -> Result<bool, Error> {
        let outcome = if allow {
            Outcome::Allowed
        } else {
            Outcome::Denied(Reason::Denied)
        };
        let mut inner = self.lock();
        if self.settle(&mut inner, id, outcome) {
            Ok(allow)
        } else {
            Err(Error::new(
                Code::ApprovalNotFound,
                "Approval request not found",
            ))
        }
    }

    /// Pending requests, oldest first.
    pub fn list(&self) -> Vec<Arc<ApprovalRequest>> {
        self.lock()
            .pending
            .iter()
            .map(|p| p.request.clone())
            .collect()
    }

    /// The pending requests and a receiver for everything after them, taken
    /// together so that no event is missed or seen twice.
    pub fn subscribe(&self) -> (Vec<Arc<ApprovalRequest>>, broadcast::Receiver<Event>) {
        let inner = self.lock();
        let pending = inner.pending.iter().map(|p| p.request.clone()).collect();
        (pending, self.events.subscribe())
    }

    /// Denies every pending request with reason `shutdown` and every later
    /// one at once.
    pub fn shutdown(&self) {
        let mut inner = self.lock();
        inner.closed = true;
        let ids: Vec<String> = inner.pending.iter().map(|p| p.request.id.clone()).collect();
        for id in ids {
            self.settle(&mut inner, &id, Outcome::Denied(Reason::Shutdown));
        }
    }
}

/// `403 write_denied` with `{requestId, reason}`.
pub fn denied(id: &str, reason: Reason) -> Error {
    Error::new(Code::WriteDenied, "Write request denied")
        .with_details(json!({ "requestId": id, "reason": reason.as_str() }))
}

/// One writer's wait for the host.
pub struct Ticket {
    id: String,
    rx: oneshot::Receiver<Outcome>,
    approvals: Arc<Approvals>,
    /// Set once the wait produced an outcome.
    done: bool,
}

impl Ticket {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Waits for the host's answer or the timeout.
    pub async fn wait(mut self) -> Outcome {
        let outcome = self.outcome().await;
        self.done = true;
        outcome
    }

    async fn outcome(&mut self) -> Outcome {
        match tokio::time::timeout(self.approvals.timeout, &mut self.rx).await {
            Ok(Ok(outcome)) => outcome,
            // The gate dropped the request without an answer: treat as shutdown.
            Ok(Err(_)) => Outcome::Denied(Reason::Shutdown),
            Err(_) => {
                let timed_out = {
                    let mut inner = self.approvals.lock();
                    self.approvals
                        .settle(&mut inner, &self.id, Outcome::Denied(Reason::Timeout))
                };
                if timed_out {
                    Outcome::Denied(Reason::Timeout)
                } else {
                    // Answered at the very moment of the timeout: the answer stands.
                    (&mut self.rx)
                        .await
                        .unwrap_or(Outcome::Denied(Reason::Timeout))
                }
            }
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        // Dropped while waiting (the client went away, so its request
        // future was dropped): the host need not decide any more.
        if !self.done {
            let mut inner = self.approvals.lock();
            self.approvals
                .settle(&mut inner, &self.id, Outcome::Denied(Reason::Withdrawn));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Actor;

    fn req(id: &str) -> ApprovalRequest {
        ApprovalRequest {
            id: id.into(),
            workspace_id: "ws_x".into(),
            action: "plugins.add".into(),
            summary: "Add plugin x".into(),
            paths: vec!["/w/opencode.jsonc".into()],
            created_at: 1,
            actor: Actor::remote("t", None),
            diff: String::new(),
            expires_at: 2,
        }
    }

    #[tokio::test]
    async fn allow_deny_and_unknown() {
        let a = Approvals::new(Duration::from_secs(5), 10);
        let (_, mut events) = a.subscribe();
        let t1 = a.request(req("1")).unwrap();
        let t2 = a.request(req("2")).unwrap();
        assert_eq!(a.list().len(), 2);
        assert!(a.reply("1", true).unwrap());
        assert!(!a.reply("2", false).unwrap());
        assert_eq!(t1.wait().await, Outcome::Allowed);
        assert_eq!(t2.wait().await, Outcome::Denied(Reason::Denied));
        assert_eq!(a.reply("1", true).unwrap_err().code, Code::ApprovalNotFound);
        assert!(matches!(events.recv().await, Ok(Event::Requested(r)) if r.id == "1"));
        assert!(matches!(events.recv().await, Ok(Event::Requested(r)) if r.id == "2"));
        assert!(matches!(events.recv().await, Ok(Event::Resolved(r)) if r.id == "1" && r.allowed));
        assert!(
            matches!(events.recv().await, Ok(Event::Resolved(r)) if r.id == "2" && r.reason == "denied")
        );
    }

    #[tokio::test]
    async fn timeout_bound_withdraw_and_shutdown() {
        let a = Approvals::new(Duration::from_millis(20), 2);
        let t = a.request(req("1")).unwrap();
        assert_eq!(t.wait().await, Outcome::Denied(Reason::Timeout));
        assert!(a.list().is_empty());

        let t1 = a.request(req("a")).unwrap();
        let _t2 = a.request(req("b")).unwrap();
        assert_eq!(
            a.request(req("c")).err().unwrap().code,
            Code::TooManyPending
        );
        drop(t1);
        assert_eq!(a.list().len(), 1, "a dropped ticket withdraws its request");
        // Also when dropped in the middle of its wait.
        let t3 = a.request(req("c")).unwrap();
        let waiting = tokio::spawn(t3.wait());
        tokio::task::yield_now().await;
        waiting.abort();
        let _ = waiting.await;
        assert_eq!(a.list().len(), 1, "an abandoned wait withdraws its request");

        let (pending, _) = a.subscribe();
        assert_eq!(pending.len(), 1);
        a.shutdown();
        assert!(a.list().is_empty());
        assert_eq!(_t2.wait().await, Outcome::Denied(Reason::Shutdown));
        let e = a.request(req("d")).err().unwrap();
        assert_eq!(e.code, Code::WriteDenied);
        assert_eq!(e.details.unwrap()["reason"], "shutdown");
    }
}
