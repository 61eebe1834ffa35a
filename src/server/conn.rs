//! The connection loop under the warp application: HTTP/1.1 over TCP with
//! the limits warp's own `serve` does not set.
//!
//! - **Header read timeout**: a client has [`HEADER_READ_TIMEOUT`] to send
//!   a request's headers, and an idle keep-alive connection is closed after
//!   as long, so slow or silent connections cannot pile up.
//! - **Connection cap**: at most [`connection_cap`] connections are served
//!   at once; more wait in the kernel's accept queue until one closes, so
//!   the process never runs out of file descriptors for its own writes.
//! - **Graceful shutdown**: when `stop` turns true the listener closes and
//!   open connections finish their current request.

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use warp::filters::BoxedFilter;
use warp::reply::Response;

/// How long a client may take to send a request's headers; also how long
/// an idle keep-alive connection is kept.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections served at once, at most. Each costs a file descriptor.
pub const MAX_CONNECTIONS: usize = 512;

/// Descriptors kept free for everything else: the listener, the files a
/// write opens (config, temporaries, lock, audit log) on each of the
/// blocking threads, the pairing file, standard streams. Unix only: there
/// the open-file limit is known.
#[cfg(unix)]
const RESERVED_FDS: usize = 128;

/// [`MAX_CONNECTIONS`], lowered when the process may open fewer than
/// that many descriptors plus `RESERVED_FDS` (on Unix), so that a flood of
/// connections never makes a write fail for want of a descriptor.
pub fn connection_cap() -> usize {
    #[cfg(unix)]
    {
        use nix::sys::resource::{Resource, getrlimit};
        if let Ok((soft, _)) = getrlimit(Resource::RLIMIT_NOFILE) {
            let soft = usize::try_from(soft).unwrap_or(usize::MAX);
            return MAX_CONNECTIONS
                .min(soft.saturating_sub(RESERVED_FDS))
                .max(8);
        }
    }
    MAX_CONNECTIONS
}

/// Accept errors that concern one connection only.
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// Serves `app` on `listener` until `stop` becomes true, then waits for
/// the open connections to finish their current request.
pub async fn serve(
    listener: TcpListener,
    app: BoxedFilter<(Response,)>,
    mut stop: watch::Receiver<bool>,
) {
    let service = warp::service(app);
    let graceful = GracefulShutdown::new();
    let cap = connection_cap();
    tracing::debug!("serving at most {cap} connections at once");
    let slots = Arc::new(Semaphore::new(cap));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    loop {
        // A free slot first: at the cap, new connections wait unaccepted.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            _ = stop.wait_for(|s| *s) => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    // Out of descriptors or similar: wait a little rather
                    // than spin; the connections being served go on.
                    tracing::error!("accept error: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            },
            _ = stop.wait_for(|s| *s) => break,
        };
        let _ = stream.set_nodelay(true);
        let conn = http.serve_connection(
            TokioIo::new(stream),
            TowerToHyperService::new(service.clone()),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                // A client that hangs up or times out is not a server fault.
                tracing::debug!("connection ended: {e}");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
