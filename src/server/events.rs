//! `GET /approvals/events`: a server-sent event stream of the pending
//! requests first, then every request and resolution as it happens,
//! until the server shuts down: then the resolutions of that moment (the
//! pending requests denied with reason `shutdown`) and a last
//! `server.shutdown` event, so that a watcher can tell a shutdown from a
//! lost connection. At most `max_streams` are open at once.

use super::approvals::Event;
use super::event_log::Missed;
use super::request::Request;
use crate::{Code, Error, Result};
use futures_util::StreamExt;
use std::convert::Infallible;
use std::time::Duration;
use warp::Reply;
use warp::reply::Response;

fn sse_event(event: &Event) -> warp::sse::Event {
    let (name, data) = match event {
        Event::Requested(r) => ("approval.requested", serde_json::to_string(&**r)),
        Event::Resolved(r) => ("approval.resolved", serde_json::to_string(r)),
    };
    match data {
        Ok(data) => warp::sse::Event::default().event(name).data(data),
        Err(_) => warp::sse::Event::default().comment("unencodable event"),
    }
}

pub async fn stream(req: Request, _: ()) -> Result<Response> {
    req.host()?;
    // Held by the stream: released when it ends.
    let slot = req.state.streams.clone().try_acquire_owned().map_err(|_| {
        Error::new(
            Code::TooManyStreams,
            format!(
                "too many event streams are open (at most {}); close one first",
                req.state.settings.max_streams
            ),
        )
    })?;
    let (pending, rx) = req.state.approvals.subscribe();
    let first = futures_util::stream::iter(
        pending
            .into_iter()
            .map(|r| Ok::<_, Infallible>(sse_event(&Event::Requested(r)))),
    );
    let live = futures_util::stream::unfold(
        (rx, req.state.shutdown.clone(), slot),
        |(mut rx, mut shutdown, slot)| async move {
            loop {
                if *shutdown.borrow() {
                    // What was published before the flag (the shutdown's
                    // own resolutions), then the end.
                    return match rx.try_recv() {
                        Some(Ok(event)) => Some((Ok(sse_event(&event)), (rx, shutdown, slot))),
                        Some(Err(Missed::Lagged(_))) => continue,
                        Some(Err(Missed::Closed)) | None => None,
                    };
                }
                tokio::select! {
                    event = rx.recv() => match event {
                        Ok(event) => return Some((Ok(sse_event(&event)), (rx, shutdown, slot))),
                        Err(Missed::Lagged(_)) => continue,
                        Err(Missed::Closed) => return None,
                    },
                    changed = shutdown.changed() => {
                        if changed.is_err() {
                            return None;
                        }
                    }
                }
            }
        },
    );
    let shutdown = req.state.shutdown.clone();
    let last = futures_util::stream::iter([()]).filter_map(move |()| {
        let stopped = *shutdown.borrow();
        async move {
            stopped.then(|| {
                Ok::<_, Infallible>(
                    warp::sse::Event::default()
                        .event("server.shutdown")
                        .data("{}"),
                )
            })
        }
    });
    let stream = warp::sse::keep_alive()
        .interval(Duration::from_secs(15))
        .stream(first.chain(live).chain(last));
    Ok(warp::sse::reply(stream).into_response())
}
