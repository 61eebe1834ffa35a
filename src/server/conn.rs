//! The connection loop under the warp application: HTTP/1.1 over TCP with
//! the limits warp's own `serve` does not set.
//!
//! - **Header read timeout**: a client has [`HEADER_READ_TIMEOUT`] to send
//!   a request's headers, and an idle keep-alive connection is closed after
//!   as long, so slow or silent connections cannot pile up.
//! - **Connection cap**: at most [`connection_cap`] connections are served
//!   at once; more wait in the kernel's accept queue until one closes, so
//!   the process never runs out of file descriptors for its own writes.
//! - **Per address, only the unproven**: connections from one address that
//!   have not yet sent a whole authenticated request are served
//!   [`peer_unproven`] at once; [`peer_waiting`] more wait (unserved) for a
//!   turn, at most [`HEADER_READ_TIMEOUT`]; the rest are closed at once.
//!   So one address — idle, half-sent or trickling connections — can hold
//!   only a part of the cap, and the host's requests from another address
//!   still get in. A connection that has sent an authenticated request is
//!   no longer counted (see [`Standing`]): a TLS proxy or a load test, all
//!   from one address, is not capped once its clients are known.
//! - **Bounded buffers**: a connection's read and write buffers grow to
//!   64 KiB at most, so connections that wait (for approval) hold little.
//! - **Lingering close**: when the server ends a connection whose client is
//!   still sending (a body over the limit answered 413), the rest is read
//!   and thrown away for a moment (`LINGER`) before the socket closes, as
//!   nginx and Apache do: closing with unread bytes makes the kernel send a
//!   reset, and the client would lose the answer already sent.
//! - **Send stall timeout**: a write that waits [`SEND_STALL_TIMEOUT`]
//!   for the client to take bytes fails, and the connection is reset at
//!   once, as nginx's `send_timeout` (whose default this is) and
//!   `reset_timedout_connection` do: a client that stops taking an answer
//!   cannot hold its memory (an export of many megabytes), its slot of
//!   the cap or a shutdown for longer. A write waits while the socket is
//!   not writable, and Linux makes a full socket writable again only once
//!   about a third of its send buffer (up to 4 MiB) has drained: a client
//!   must take some 22 KB a second on average to be sure to keep its
//!   connection. An event stream is a write like any other.
//! - **Graceful shutdown**: when `stop` turns true the listener closes and
//!   open connections finish their current request.

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use warp::filters::BoxedFilter;
use warp::reply::Response;

/// How long a client may take to send a request's headers; also how long
/// an idle keep-alive connection is kept.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections served at once, at most. Each costs a file descriptor.
pub const MAX_CONNECTIONS: usize = 512;

/// Connections from one address served at once before they sent a whole
/// authenticated request: an eighth of the cap (64 of 512).
pub fn peer_unproven(cap: usize) -> usize {
    (cap / 8).max(1)
}

/// Connections from one address that wait for a turn, at most: half the
/// cap (256 of 512). So one address holds at most five eighths of the
/// cap, and a burst of that many from one client is still served.
pub fn peer_waiting(cap: usize) -> usize {
    cap / 2
}

/// A connection's read and write buffers, at most.
const MAX_BUFFER: usize = 64 * 1024;

/// How long a write to a client may wait for the client to take bytes
/// (see the module's "Send stall timeout").
pub const SEND_STALL_TIMEOUT: Duration = Duration::from_secs(60);

/// How long, and how many bytes at most, a closed connection's client may
/// still send before the socket closes (see the module's "Lingering close").
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: u64 = 8 * 1024 * 1024;

/// Whether a connection has sent a whole authenticated request yet. The
/// request handling finds it among the request's extensions and calls
/// [`Standing::prove`]; until then it holds one of its address's turns.
#[derive(Clone)]
pub struct Standing {
    turn: Arc<Mutex<Option<OwnedSemaphorePermit>>>,
}

impl Standing {
    fn new(turn: OwnedSemaphorePermit) -> Standing {
        Standing {
            turn: Arc::new(Mutex::new(Some(turn))),
        }
    }

    /// The connection sent a whole authenticated request: it no longer
    /// counts against its address's turns.
    pub fn prove(&self) {
        self.turn.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

/// The turns of each address.
struct Peers {
    map: Mutex<HashMap<IpAddr, Peer>>,
    unproven: usize,
    waiting: usize,
}

struct Peer {
    turns: Arc<Semaphore>,
    waiting: usize,
}

enum Turn {
    Now(OwnedSemaphorePermit),
    Wait(Arc<Semaphore>),
    Refused,
}

impl Peers {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Peer>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn new(cap: usize) -> Peers {
        Peers {
            map: Mutex::default(),
            unproven: peer_unproven(cap),
            waiting: peer_waiting(cap),
        }
    }

    fn turn(&self, ip: IpAddr) -> Turn {
        let mut map = self.lock();
        if map.len() > 1024 {
            // Forget the addresses with nothing open or waiting.
            let all = self.unproven;
            map.retain(|_, p| p.waiting > 0 || p.turns.available_permits() < all);
        }
        let peer = map.entry(ip).or_insert_with(|| Peer {
            turns: Arc::new(Semaphore::new(self.unproven)),
            waiting: 0,
        });
        if let Ok(turn) = peer.turns.clone().try_acquire_owned() {
            Turn::Now(turn)
        } else if peer.waiting < self.waiting {
            peer.waiting += 1;
            Turn::Wait(peer.turns.clone())
        } else {
            Turn::Refused
        }
    }

    fn done_waiting(&self, ip: IpAddr) {
        if let Some(peer) = self.lock().get_mut(&ip) {
            peer.waiting -= 1;
        }
    }
}

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

/// The connection's socket as hyper sees it. When hyper lets go of it
/// (the connection is over), the socket is not closed at once but handed,
/// with the connection's slot of the cap, to [`linger_close`]: one
/// descriptor per connection throughout, and none beyond the cap.
/// A write that the client does not take within `stall_timeout` fails
/// (see the module's "Send stall timeout").
struct Lingering {
    stream: Option<TcpStream>,
    slot: Option<OwnedSemaphorePermit>,
    stall_timeout: Duration,
    /// The stall timer, made at the first stall and set again at each.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    /// A write is waiting for the client (the timer runs).
    stalled: bool,
    /// A write waited too long: the connection is reset, not lingered on.
    timed_out: bool,
}

impl Lingering {
    fn new(stream: TcpStream, slot: OwnedSemaphorePermit, stall_timeout: Duration) -> Lingering {
        Lingering {
            stream: Some(stream),
            slot: Some(slot),
            stall_timeout,
            timer: None,
            stalled: false,
            timed_out: false,
        }
    }

    fn stream(&mut self) -> std::io::Result<&mut TcpStream> {
        self.stream
            .as_mut()
            .ok_or_else(|| std::io::ErrorKind::NotConnected.into())
    }

    /// What a write that polled the socket returns: an answer (bytes
    /// taken, or an error) ends a stall; a wait starts one or goes on
    /// with it, and fails once it has lasted `stall_timeout`.
    fn after_write<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<std::io::Result<T>>,
    ) -> Poll<std::io::Result<T>> {
        if polled.is_ready() {
            self.stalled = false;
            return polled;
        }
        let timeout = self.stall_timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if !self.stalled {
            timer.as_mut().reset(deadline);
            self.stalled = true;
        }
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.timed_out = true;
                Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("the client took no bytes of the answer for {timeout:?}"),
                )))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Lingering {
    fn drop(&mut self) {
        let (Some(stream), slot) = (self.stream.take(), self.slot.take()) else {
            return;
        };
        if self.timed_out {
            // Its unsent bytes dropped with a reset, rather than left to the
            // kernel to push at a client that takes none.
            let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                linger_close(stream).await;
                drop(slot);
            });
        }
    }
}

impl tokio::io::AsyncRead for Lingering {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut().stream() {
            Ok(s) => Pin::new(s).poll_read(cx, buf),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl tokio::io::AsyncWrite for Lingering {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let polled = match this.stream() {
            Ok(s) => Pin::new(s).poll_write(cx, buf),
            Err(e) => Poll::Ready(Err(e)),
        };
        this.after_write(cx, polled)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let polled = match this.stream() {
            Ok(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Err(e) => Poll::Ready(Err(e)),
        };
        this.after_write(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.as_ref().is_some_and(|s| s.is_write_vectored())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut().stream() {
            Ok(s) => Pin::new(s).poll_flush(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut().stream() {
            Ok(s) => Pin::new(s).poll_shutdown(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

/// Ends a connection hyper has finished with: says it is done sending
/// (so the client sees the end of the answer), then reads and discards
/// what the client still sends until it closes, for [`LINGER`] and
/// [`LINGER_BYTES`] at most.
async fn linger_close(mut stream: TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let _ = stream.shutdown().await;
    let mut rest = stream.take(LINGER_BYTES);
    let _ = tokio::time::timeout(LINGER, tokio::io::copy(&mut rest, &mut tokio::io::sink())).await;
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
    stop: watch::Receiver<bool>,
) {
    serve_stalling(listener, app, stop, SEND_STALL_TIMEOUT).await
}

/// [`serve`], a write the client does not take failing after
/// `stall_timeout` (shorter in tests).
async fn serve_stalling(
    listener: TcpListener,
    app: BoxedFilter<(Response,)>,
    mut stop: watch::Receiver<bool>,
    stall_timeout: Duration,
) {
    let service = warp::service(app);
    let graceful = GracefulShutdown::new();
    let cap = connection_cap();
    tracing::debug!("serving at most {cap} connections at once");
    let slots = Arc::new(Semaphore::new(cap));
    let peers = Arc::new(Peers::new(cap));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(MAX_BUFFER);
    // Serves one connection (holding a slot of the cap, and one of its
    // address's turns until it proves itself) on its own task.
    let spawn_conn = |stream: TcpStream, slot: OwnedSemaphorePermit, turn: OwnedSemaphorePermit| {
        let standing = Standing::new(turn);
        let service = TowerToHyperService::new(service.clone());
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(standing.clone());
                hyper::service::Service::call(&service, req)
            });
        let io = Lingering::new(stream, slot, stall_timeout);
        let conn = graceful.watch(http.serve_connection(TokioIo::new(io), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                // A client that hangs up or times out is not a server fault.
                tracing::debug!("connection ended: {e}");
            }
        });
    };
    // Connections that waited for their address's turn and got it.
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel();
    'serving: loop {
        // A free slot first: at the cap, new connections wait unaccepted.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            Some((stream, slot, turn)) = ready_rx.recv() => {
                spawn_conn(stream, slot, turn);
                continue;
            }
            _ = stop.wait_for(|s| *s) => break,
        };
        let (stream, peer) = loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => break accepted,
                    Err(e) if is_connection_error(&e) => {}
                    Err(e) => {
                        // Out of descriptors or similar: wait a little rather
                        // than spin; the connections being served go on.
                        tracing::error!("accept error: {e}");
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                },
                Some((stream, slot, turn)) = ready_rx.recv() => spawn_conn(stream, slot, turn),
                _ = stop.wait_for(|s| *s) => break 'serving,
            }
        };
        let _ = stream.set_nodelay(true);
        match peers.turn(peer.ip()) {
            Turn::Now(turn) => spawn_conn(stream, slot, turn),
            Turn::Wait(turns) => {
                let (peers, ready) = (peers.clone(), ready_tx.clone());
                tokio::spawn(async move {
                    let turn =
                        tokio::time::timeout(HEADER_READ_TIMEOUT, turns.acquire_owned()).await;
                    peers.done_waiting(peer.ip());
                    if let Ok(Ok(turn)) = turn {
                        let _ = ready.send((stream, slot, turn));
                    }
                });
            }
            Turn::Refused => {
                tracing::debug!("closed a connection from {}: too many unproven", peer.ip());
            }
        }
    }
    drop(listener);
    graceful.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use warp::Filter;

    /// Serves an answer of `size` bytes to every request, on a thread of
    /// its own, a write the client does not take failing after `stall`;
    /// the server's address, and what stops it (when dropped).
    fn serving(size: usize, stall: Duration) -> (std::net::SocketAddr, watch::Sender<bool>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop_tx, stop) = watch::channel(false);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).unwrap();
                let app = warp::any()
                    .map(move || Response::new(vec![b'x'; size].into()))
                    .boxed();
                serve_stalling(listener, app, stop, stall).await;
            });
        });
        (addr, stop_tx)
    }

    /// Sends a GET on a new connection; the connection, not yet read.
    fn get(addr: std::net::SocketAddr) -> std::net::TcpStream {
        let mut client = std::net::TcpStream::connect(addr).unwrap();
        client
            .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
            .unwrap();
        client
    }

    /// Reads until the server ends the connection: how many bytes came,
    /// and whether it ended with a reset (rather than a close). A read
    /// that waits 5 s is taken for a server still waiting for us.
    fn read_to_close(mut client: std::net::TcpStream) -> Result<(usize, bool), String> {
        client
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let (mut total, mut buf) = (0, vec![0; 256 * 1024]);
        loop {
            match client.read(&mut buf) {
                Ok(0) => return Ok((total, false)),
                Ok(n) => total += n,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                    return Ok((total, true));
                }
                Err(e) => return Err(format!("after {total} bytes: {e}")),
            }
        }
    }

    #[test]
    fn a_client_that_stops_taking_the_answer_is_cut_off() {
        // Far more than the sockets' buffers hold.
        let size = 64 * 1024 * 1024;
        let (addr, _stop) = serving(size, Duration::from_millis(300));
        let client = get(addr);
        // Not read for well past the stall timeout.
        std::thread::sleep(Duration::from_millis(1500));
        let (got, reset) = read_to_close(client).unwrap();
        assert!(
            got < size,
            "the whole answer came ({got} bytes): the connection was not cut"
        );
        assert!(got > 0, "nothing came");
        // Reset, its unsent bytes dropped: not closed and lingered on.
        assert!(
            reset,
            "the connection was closed, not reset, after {got} bytes"
        );
    }

    #[test]
    fn a_client_that_keeps_taking_the_answer_gets_all_of_it() {
        // Taken at 512 KiB every 100 ms: 3 s in all, three times the stall
        // timeout. (A socket becomes writable again only once much of its
        // buffer has drained, so the pace is not much slower.)
        let size = 16 * 1024 * 1024;
        let (addr, _stop) = serving(size, Duration::from_secs(1));
        let mut client = get(addr);
        client.set_nonblocking(true).unwrap();
        let (mut total, mut buf) = (0, vec![0; 512 * 1024]);
        let start = std::time::Instant::now();
        while total <= size && start.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(100));
            match client.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => total += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("after {total} bytes: {e}"),
            }
        }
        assert!(
            total > size,
            "the answer was cut at {total} bytes of {size}"
        );
        assert!(
            start.elapsed() > Duration::from_secs(2),
            "too fast to prove anything"
        );
    }
}
