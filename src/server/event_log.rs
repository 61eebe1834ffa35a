//! The recent approval events, bounded in bytes as well as in number, for
//! the event streams to follow (docs/api.md#event-stream). Like a
//! broadcast channel, but the oldest events go once the log holds more
//! than its byte budget: a subscriber that stops reading holds a position
//! in the log, never the events themselves, and one that falls behind the
//! oldest event kept skips what it missed.

use super::approvals::Event;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;

struct Kept {
    seq: u64,
    event: Event,
    bytes: usize,
}

struct Inner {
    events: VecDeque<Kept>,
    bytes: usize,
    /// The number the next event gets.
    next: u64,
    closed: bool,
}

/// The log: events in, subscribers out.
pub struct EventLog {
    inner: Mutex<Inner>,
    notify: Notify,
    max_events: usize,
    max_bytes: usize,
}

/// What [`Subscriber::recv`] found instead of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missed {
    /// The subscriber fell behind: this many events went before it read them.
    Lagged(u64),
    /// The log is closed (shutdown) and every event was read.
    Closed,
}

impl EventLog {
    pub fn new(max_events: usize, max_bytes: usize) -> Arc<EventLog> {
        Arc::new(EventLog {
            inner: Mutex::new(Inner {
                events: VecDeque::new(),
                bytes: 0,
                next: 0,
                closed: false,
            }),
            notify: Notify::new(),
            max_events,
            max_bytes,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Each edit is a few field updates: a poisoned lock is still whole.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds an event, dropping the oldest ones beyond the budgets, and
    /// wakes every subscriber.
    pub fn send(&self, event: Event) {
        let bytes = event.weight();
        {
            let mut inner = self.lock();
            let seq = inner.next;
            inner.next += 1;
            inner.bytes += bytes;
            inner.events.push_back(Kept { seq, event, bytes });
            while inner.events.len() > self.max_events
                || (inner.bytes > self.max_bytes && inner.events.len() > 1)
            {
                if let Some(old) = inner.events.pop_front() {
                    inner.bytes -= old.bytes;
                }
            }
        }
        self.notify.notify_waiters();
    }

    /// A subscriber that gets every event sent from now on.
    pub fn subscribe(self: &Arc<Self>) -> Subscriber {
        Subscriber {
            log: self.clone(),
            next: self.lock().next,
        }
    }

    /// Ends every subscription once its events are read.
    pub fn close(&self) {
        self.lock().closed = true;
        self.notify.notify_waiters();
    }

    /// The bytes and the number of events kept now.
    pub fn held(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.bytes, inner.events.len())
    }
}

/// One reader of the log: just a position in it.
pub struct Subscriber {
    log: Arc<EventLog>,
    next: u64,
}

impl Subscriber {
    /// The next event, waiting for it if need be.
    pub async fn recv(&mut self) -> Result<Event, Missed> {
        loop {
            // Registered before looking, so a send in between still wakes us.
            let log = self.log.clone();
            let notified = log.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(found) = self.try_recv() {
                return found;
            }
            notified.await;
        }
    }

    /// The next event if one is there now (`None`: wait for it).
    pub fn try_recv(&mut self) -> Option<Result<Event, Missed>> {
        let inner = self.log.lock();
        if let Some(first) = inner.events.front()
            && first.seq > self.next
        {
            let missed = first.seq - self.next;
            self.next = first.seq;
            return Some(Err(Missed::Lagged(missed)));
        }
        if let Some(kept) = inner.events.iter().find(|k| k.seq == self.next) {
            self.next += 1;
            return Some(Ok(kept.event.clone()));
        }
        inner.closed.then_some(Err(Missed::Closed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::models::Resolved;

    fn resolved(id: &str) -> Event {
        Event::Resolved(Resolved {
            id: id.into(),
            allowed: true,
            reason: "allowed",
            written: true,
            not_written: None,
        })
    }

    #[tokio::test]
    async fn every_event_in_order_then_lagged_past_the_budgets() {
        let log = EventLog::new(3, usize::MAX);
        let mut a = log.subscribe();
        for id in ["1", "2"] {
            log.send(resolved(id));
        }
        let id = |e: Result<Event, Missed>| match e {
            Ok(Event::Resolved(r)) => r.id,
            other => panic!("{other:?}"),
        };
        assert_eq!(id(a.recv().await), "1");
        for id in ["3", "4", "5", "6"] {
            log.send(resolved(id));
        }
        // 2 and 3 went (three are kept): skipped, said once.
        assert_eq!(a.recv().await.unwrap_err(), Missed::Lagged(2));
        assert_eq!(id(a.recv().await), "4");
        let mut late = log.subscribe();
        let waiting = tokio::spawn(async move { late.recv().await });
        tokio::task::yield_now().await;
        log.send(resolved("7"));
        assert_eq!(id(waiting.await.unwrap()), "7");
        log.close();
        for want in ["5", "6", "7"] {
            assert_eq!(id(a.recv().await), want);
        }
        assert_eq!(a.recv().await.unwrap_err(), Missed::Closed);
    }

    #[test]
    fn the_byte_budget_holds_whatever_no_one_reads() {
        let log = EventLog::new(1024, 10_000);
        let _stalled = log.subscribe();
        for i in 0..1000 {
            log.send(resolved(&format!("{i}-{}", "x".repeat(1000))));
        }
        let (bytes, events) = log.held();
        assert!(bytes <= 10_000, "{bytes} bytes kept");
        assert!(events > 1 && events < 20, "{events} events kept");
    }
}
