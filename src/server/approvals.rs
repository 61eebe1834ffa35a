//! The approval gate (docs/api.md#approvals): in manual mode a remote write waits here
//! until the host allows or denies it, or until the timeout. Pending
//! requests are bounded in number and in bytes; every change is also
//! published on the [`EventLog`] the `GET /approvals/events` streams follow.
//!
//! An allowed request is resolved only once the writer has tried to apply
//! it: the writer gets a [`Report`] with the allowance, and what it sends
//! back (written, or why not) is what the host's `POST /approvals/:id`
//! answers, what `approval.resolved` carries and what the log says. The
//! host never reads "allowed" of a write that did not land.

use super::event_log::{EventLog, Subscriber};
use super::models::{ApprovalRequest, NotWritten, Resolved};
use crate::display;
use crate::{Code, Error};
use serde_json::json;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::oneshot;

/// Events kept for the event streams, at most.
const EVENTS_KEPT: usize = 1024;
/// Bytes of events kept for the event streams, at most.
pub const EVENT_BYTES: usize = 16 * 1024 * 1024;

/// How a request ended for the writer that waits on it.
#[derive(Debug)]
pub enum Outcome {
    /// Apply the plan, then say how it went through the report.
    Allowed(Report),
    Denied(Reason),
}

impl PartialEq for Outcome {
    fn eq(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Outcome::Allowed(_), Outcome::Allowed(_)) => true,
            (Outcome::Denied(a), Outcome::Denied(b)) => a == b,
            _ => false,
        }
    }
}

/// The end of an allowed request: whether its write landed.
pub type Written = Result<(), NotWritten>;

/// What an allowed writer owes the gate: how its apply went. Sending it
/// resolves the request (event, log line, the host's answer); dropping it
/// unsent — the client went away before the apply began — resolves it as
/// not written.
pub struct Report {
    id: String,
    approvals: Arc<Approvals>,
    host: Option<oneshot::Sender<Written>>,
}

impl std::fmt::Debug for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Report({})", self.id)
    }
}

impl Report {
    /// The apply's result: `Ok` when written.
    pub fn send(mut self, result: &crate::Result<()>) {
        let written = result.as_ref().map(|_| ()).map_err(NotWritten::of);
        self.finish(written);
    }

    fn finish(&mut self, written: Written) {
        let Some(host) = self.host.take() else {
            return;
        };
        self.approvals.publish(&self.id, true, "allowed", &written);
        let _ = host.send(written);
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        self.finish(Err(NotWritten {
            reason: Reason::Withdrawn.as_str().to_string(),
            message: "the client went away before the write was applied".into(),
            paths: Vec::new(),
        }));
    }
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

impl Event {
    /// About how many bytes the event holds.
    pub fn weight(&self) -> usize {
        match self {
            Event::Requested(r) => r.weight(),
            Event::Resolved(r) => {
                r.id.len()
                    + 64
                    + r.not_written.as_ref().map_or(0, |n| {
                        n.message.len() + n.paths.iter().map(String::len).sum::<usize>()
                    })
            }
        }
    }
}

struct Pending {
    request: Arc<ApprovalRequest>,
    /// The whole diff when `request` shows only its start.
    whole_diff: Option<Arc<str>>,
    /// What the waiting write holds: its plan, its diff.
    bytes: usize,
    reply: oneshot::Sender<Outcome>,
}

struct Inner {
    /// In the order the requests came.
    pending: Vec<Pending>,
    /// The sum of their `bytes`.
    bytes: usize,
    closed: bool,
}

pub struct Approvals {
    inner: Mutex<Inner>,
    events: Arc<EventLog>,
    timeout: Duration,
    max_pending: usize,
    max_bytes: usize,
}

impl Approvals {
    /// A gate that holds at most `max_pending` requests, whose writes hold
    /// at most `max_bytes` (a request alone may exceed it: a write too big
    /// for the budget still gets asked, when nothing else waits).
    pub fn new(timeout: Duration, max_pending: usize, max_bytes: usize) -> Arc<Approvals> {
        Arc::new(Approvals {
            inner: Mutex::new(Inner {
                pending: Vec::new(),
                bytes: 0,
                closed: false,
            }),
            events: EventLog::new(EVENTS_KEPT, EVENT_BYTES),
            timeout,
            max_pending,
            max_bytes,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding this lock cannot leave the list half-edited
        // (each edit is one Vec operation), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a request for a write that holds `bytes` while it waits
    /// (its plan and its diff; `whole_diff` when `request.diff` is only its
    /// start); the returned ticket waits for its outcome and withdraws the
    /// request if it is dropped first.
    pub fn request(
        self: &Arc<Self>,
        request: ApprovalRequest,
        whole_diff: Option<Arc<str>>,
        bytes: usize,
    ) -> Result<Ticket, Error> {
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
        if inner.bytes > 0 && inner.bytes + bytes > self.max_bytes {
            return Err(Error::new(
                Code::TooManyPending,
                format!(
                    "the writes waiting for approval are too large (at most {} MiB in all); retry later",
                    self.max_bytes >> 20
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
            display::line(&request.summary)
        );
        inner.bytes += bytes;
        inner.pending.push(Pending {
            request: request.clone(),
            whole_diff,
            bytes,
            reply: tx,
        });
        self.events.send(Event::Requested(request));
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
        let p = inner.pending.remove(i);
        inner.bytes -= p.bytes;
        Some(p)
    }

    /// The log line and the `approval.resolved` event of a request.
    fn publish(&self, id: &str, allowed: bool, reason: &'static str, written: &Written) {
        match written {
            Ok(()) => tracing::info!(id, allowed, reason, written = true, "approval resolved"),
            Err(not) if allowed => tracing::warn!(
                id,
                allowed,
                reason,
                written = false,
                why = %not.reason,
                "approval resolved, but nothing was written: {}",
                display::line(&not.message)
            ),
            Err(_) => tracing::info!(id, allowed, reason, written = false, "approval resolved"),
        }
        self.events.send(Event::Resolved(Resolved {
            id: id.to_string(),
            allowed,
            reason,
            written: written.is_ok(),
            not_written: written.as_ref().err().filter(|_| allowed).cloned(),
        }));
    }

    /// Denies a pending request (publishing it); `false` if it was no
    /// longer pending.
    fn settle(&self, inner: &mut Inner, id: &str, reason: Reason) -> bool {
        let Some(p) = Self::take(inner, id) else {
            return false;
        };
        self.publish(
            id,
            false,
            reason.as_str(),
            &Err(NotWritten {
                reason: reason.as_str().to_string(),
                message: String::new(),
                paths: Vec::new(),
            }),
        );
        let _ = p.reply.send(Outcome::Denied(reason));
        true
    }

    /// The host's answer to `POST /approvals/:id`: for an allowed request,
    /// once its writer has tried to apply it, whether it was written.
    pub async fn reply(self: &Arc<Self>, id: &str, allow: bool) -> Result<Written, Error> {
        let not_found = || Error::new(Code::ApprovalNotFound, "Approval request not found");
        if !allow {
            let mut inner = self.lock();
            return if self.settle(&mut inner, id, Reason::Denied) {
                Ok(Err(NotWritten::denied()))
            } else {
                Err(not_found())
            };
        }
        let (tx, rx) = oneshot::channel();
        {
            let mut inner = self.lock();
            let p = Self::take(&mut inner, id).ok_or_else(not_found)?;
            let report = Report {
                id: id.to_string(),
                approvals: self.clone(),
                host: Some(tx),
            };
            // A writer already gone drops the report here: not written.
            let _ = p.reply.send(Outcome::Allowed(report));
        }
        Ok(rx.await.unwrap_or_else(|_| {
            Err(NotWritten {
                reason: Code::Internal.as_str().to_string(),
                message: "the write ended without a result".into(),
                paths: Vec::new(),
            })
        }))
    }

    /// Pending requests, oldest first.
    pub fn list(&self) -> Vec<Arc<ApprovalRequest>> {
        self.lock()
            .pending
            .iter()
            .map(|p| p.request.clone())
            .collect()
    }

    /// One pending request with its whole diff (`GET /approvals/:id`).
    pub fn whole(&self, id: &str) -> Option<ApprovalRequest> {
        let inner = self.lock();
        let p = inner.pending.iter().find(|p| p.request.id == id)?;
        let mut request = (*p.request).clone();
        if let Some(diff) = &p.whole_diff {
            request.diff = diff.to_string();
            request.diff_cut = None;
        }
        Some(request)
    }

    /// The pending requests and a subscriber for everything after them,
    /// taken together so that no event is missed or seen twice.
    pub fn subscribe(&self) -> (Vec<Arc<ApprovalRequest>>, Subscriber) {
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
            self.settle(&mut inner, &id, Reason::Shutdown);
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
                    self.approvals.settle(&mut inner, &self.id, Reason::Timeout)
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
                .settle(&mut inner, &self.id, Reason::Withdrawn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Actor;

    impl Approvals {
        fn request_small(self: &Arc<Self>, r: ApprovalRequest) -> Result<Ticket, Error> {
            self.request(r, None, 1)
        }
    }

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
            diff_cut: None,
            expires_at: 2,
        }
    }

    #[tokio::test]
    async fn allow_deny_and_unknown() {
        let a = Approvals::new(Duration::from_secs(5), 10, usize::MAX);
        let (_, mut events) = a.subscribe();
        let t1 = a.request_small(req("1")).unwrap();
        let t2 = a.request_small(req("2")).unwrap();
        assert_eq!(a.list().len(), 2);
        // The host's answer to an allow waits for the writer's report.
        let writer = tokio::spawn(async move {
            match t1.wait().await {
                Outcome::Allowed(report) => report.send(&Ok(())),
                other => panic!("{other:?}"),
            }
        });
        assert_eq!(a.reply("1", true).await.unwrap(), Ok(()));
        writer.await.unwrap();
        assert_eq!(
            a.reply("2", false).await.unwrap().unwrap_err().reason,
            "denied"
        );
        assert_eq!(t2.wait().await, Outcome::Denied(Reason::Denied));
        assert_eq!(
            a.reply("1", true).await.unwrap_err().code,
            Code::ApprovalNotFound
        );
        assert!(matches!(events.recv().await, Ok(Event::Requested(r)) if r.id == "1"));
        assert!(matches!(events.recv().await, Ok(Event::Requested(r)) if r.id == "2"));
        assert!(
            matches!(events.recv().await, Ok(Event::Resolved(r)) if r.id == "1" && r.allowed && r.written)
        );
        assert!(
            matches!(events.recv().await, Ok(Event::Resolved(r)) if r.id == "2" && r.reason == "denied" && !r.written)
        );
    }

    /// Allowed but not applied (a conflict), or the writer gone before it
    /// applied: the host's answer, the event and the log say not written.
    #[tokio::test]
    async fn allowed_but_not_written_is_said() {
        let a = Approvals::new(Duration::from_secs(5), 10, usize::MAX);
        let (_, mut events) = a.subscribe();
        let t = a.request_small(req("c")).unwrap();
        let writer = tokio::spawn(async move {
            if let Outcome::Allowed(report) = t.wait().await {
                let conflict = Error::new(Code::Conflict, "changed")
                    .with_details(json!({"paths": ["/w/opencode.jsonc"]}));
                report.send(&Err(conflict));
            }
        });
        let not = a.reply("c", true).await.unwrap().unwrap_err();
        writer.await.unwrap();
        assert_eq!(not.reason, "conflict");
        assert_eq!(not.paths, vec!["/w/opencode.jsonc".to_string()]);
        let _ = events.recv().await;
        match events.recv().await {
            Ok(Event::Resolved(r)) => {
                assert!(r.allowed && !r.written);
                assert_eq!(r.not_written.unwrap().reason, "conflict");
            }
            other => panic!("{other:?}"),
        }

        let t = a.request_small(req("gone")).unwrap();
        let writer = tokio::spawn(async move { drop(t.wait().await) });
        let not = a.reply("gone", true).await.unwrap().unwrap_err();
        writer.await.unwrap();
        assert_eq!(not.reason, "withdrawn");
    }

    #[tokio::test]
    async fn timeout_bound_withdraw_and_shutdown() {
        let a = Approvals::new(Duration::from_millis(20), 2, usize::MAX);
        let t = a.request_small(req("1")).unwrap();
        assert_eq!(t.wait().await, Outcome::Denied(Reason::Timeout));
        assert!(a.list().is_empty());

        let t1 = a.request_small(req("a")).unwrap();
        let _t2 = a.request_small(req("b")).unwrap();
        assert_eq!(
            a.request_small(req("c")).err().unwrap().code,
            Code::TooManyPending
        );
        drop(t1);
        assert_eq!(a.list().len(), 1, "a dropped ticket withdraws its request");
        // Also when dropped in the middle of its wait.
        let t3 = a.request_small(req("c")).unwrap();
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
        let e = a.request_small(req("d")).err().unwrap();
        assert_eq!(e.code, Code::WriteDenied);
        assert_eq!(e.details.unwrap()["reason"], "shutdown");
    }

    /// Past the byte budget a request is refused before the count is
    /// reached; a withdrawn one gives its bytes back; a request bigger than
    /// the whole budget still gets in when nothing else waits.
    #[tokio::test]
    async fn the_byte_budget_refuses_before_the_count() {
        let a = Approvals::new(Duration::from_secs(5), 256, 100);
        let t1 = a.request(req("1"), None, 60).unwrap();
        let e = a.request(req("2"), None, 60).err().unwrap();
        assert_eq!(e.code, Code::TooManyPending);
        assert!(e.message.contains("too large"), "{}", e.message);
        let _t3 = a.request(req("3"), None, 40).unwrap();
        drop(t1);
        let _t4 = a.request(req("4"), None, 60).unwrap();
        assert_eq!(a.list().len(), 2);
        let b = Approvals::new(Duration::from_secs(5), 256, 100);
        let _big = b.request(req("big"), None, 1000).unwrap();
        assert!(b.request(req("small"), None, 1).is_err());
    }

    /// The whole diff of a request whose diff was cut.
    #[test]
    fn the_whole_diff_is_kept_beside_the_cut_one() {
        let a = Approvals::new(Duration::from_secs(5), 256, usize::MAX);
        let mut r = req("1");
        let whole: String = (0..10_000).map(|i| format!("+line {i}\n")).collect();
        let kept = r.set_diff(whole.clone());
        assert!(r.diff.len() <= crate::server::models::DIFF_SHOWN);
        let _t = a.request(r, kept, whole.len()).unwrap();
        assert_eq!(
            a.list()[0].diff_cut.as_ref().unwrap().diff_size,
            whole.len()
        );
        let shown = a.whole("1").unwrap();
        assert_eq!(shown.diff, whole);
        assert!(shown.diff_cut.is_none());
        assert!(a.whole("2").is_none());
    }
}
