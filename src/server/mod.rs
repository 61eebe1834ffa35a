//! `openwork serve`: the HTTP API of docs/api.md on top of the workspace
//! core. Laid out like warp's `todos` example, filters, handlers and
//! models apart:
//!
//! - [`settings`]: the final, typed settings [`run`] takes; [`config_file`]
//!   reads the server config file.
//! - [`state`]: what the server holds (settings, tokens, the workspaces).
//! - [`filters`]: which method and path goes to which handler, with
//!   [`cors`] and the request log around them.
//! - [`request`]: what a handler gets, and the pieces every endpoint starts
//!   with ([`auth`], the workspace, the bounded JSON body).
//! - [`endpoints`]: the handlers, one file per group; [`events`] is the
//!   approval event stream.
//! - [`reads`]: the memoized reads; [`writes`]: plan → approval (the
//!   [`approvals`] gate) → apply (in groups: [`committer`]) → ask the
//!   workspace's OpenCode to reload ([`opencode`]); [`event_log`] keeps the recent approval events,
//!   bounded in bytes.
//! - [`reply`], [`errors`], [`models`], [`payloads`]: answers, errors on
//!   the wire, the wire shapes, request bodies checked.
//! - [`hosts`]: the `Host` values that name this server.
//! - [`conn`]: the connection loop under it all (header read timeout,
//!   connection cap, graceful shutdown).
//!
//! The pairing file that lets `openwork approvals` find us is
//! [`crate::pairing`], shared with that command.

pub mod approvals;
pub mod auth;
pub mod committer;
pub mod config_file;
pub mod conn;
pub mod cors;
pub mod endpoints;
pub mod errors;
pub mod event_log;
pub mod events;
pub mod export_body;
pub mod filters;
pub mod flights;
pub mod handshake;
pub mod hosts;
pub mod kept_tokens;
pub mod models;
pub mod opencode;
pub mod payloads;
pub mod reads;
pub mod reply;
pub mod request;
pub mod settings;
pub mod state;
pub mod writes;

use crate::pairing;
use settings::Settings;
use state::{AppState, WsEntry};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{RwLock, watch};

/// How long shutdown waits for open requests and in-flight writes.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Bad settings, a missing workspace, a port in use: the CLI exits 2.
    #[error("{0}")]
    Settings(String),
    /// Anything else: exit 1.
    #[error("{0}")]
    Runtime(String),
}

/// The address clients on this machine can reach (loopback for a
/// wildcard bind).
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// Removes the temporaries a writer killed mid-commit (a previous server,
/// an offline `openwork` run) left in the workspaces we may write to.
/// A read-only server, or a workspace outside the authorized roots, is
/// left alone: the next writer cleans them anyway.
async fn clean_stale_temps(entries: &[Arc<WsEntry>], read_only: bool) {
    if read_only {
        return;
    }
    for e in entries.iter().filter(|e| e.authorized) {
        let entry = e.clone();
        match tokio::task::spawn_blocking(move || entry.ws.clean_stale_temps()).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(
                "removed {n} temporary file(s) left by an interrupted write in {}",
                e.info.path
            ),
            Ok(Err(err)) => tracing::warn!(
                "could not clean temporary files in {}: {}",
                e.info.path,
                err.local_message()
            ),
            Err(err) => tracing::warn!("could not clean temporary files: {err}"),
        }
    }
}

/// SIGINT and SIGTERM, listened to from before the boot lines are printed:
/// a signal sent as soon as the server says it is up stops it cleanly
/// (a handler installed only when first awaited let such a signal kill
/// the process with the default action, leaving its pairing file).
struct Stop {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Stop {
    fn listen() -> Stop {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Stop {
                signals: signal(SignalKind::interrupt())
                    .and_then(|int| Ok((int, signal(SignalKind::terminate())?)))
                    .ok(),
            }
        }
        #[cfg(not(unix))]
        Stop {}
    }

    /// Resolves when SIGINT or SIGTERM arrives.
    async fn wait(&mut self) {
        #[cfg(unix)]
        if let Some((int, term)) = self.signals.as_mut() {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Binds, prints the boot lines, serves until SIGINT/SIGTERM, then shuts
/// down gracefully: pending approvals are denied (`shutdown`), in-flight
/// writes finish, the pairing file is removed.
pub async fn run(settings: Settings) -> Result<(), ServeError> {
    // One budget of inotify watches for every workspace served.
    let watches = crate::workspace::memo::WatchBudget::share_of_system();
    let entries = settings
        .workspaces
        .iter()
        .map(|w| {
            WsEntry::open(&settings, w, &watches)
                .map(Arc::new)
                .map_err(ServeError::Settings)
        })
        .collect::<Result<Vec<_>, _>>()?;

    clean_stale_temps(&entries, settings.read_only).await;

    let listener = tokio::net::TcpListener::bind((settings.host.as_str(), settings.port))
        .await
        .map_err(|e| {
            ServeError::Settings(format!(
                "cannot listen on {}:{}: {e}",
                settings.host, settings.port
            ))
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServeError::Runtime(format!("cannot read the bound address: {e}")))?;
    if !addr.ip().is_loopback() {
        tracing::warn!(
            "listening on {addr}, which other machines can reach: openwork serves plain HTTP, \
             so tokens and workspace files cross the network unencrypted; put a TLS reverse \
             proxy in front (README: \"TLS\") and bind 127.0.0.1"
        );
    }

    let mut stop = Stop::listen();
    // The pairing file exists before the boot lines say we are up.
    let pairing = pairing::PairingFile::write(&pairing::Pairing {
        url: format!("http://{}", reachable(addr)),
        host_token: settings.host_token.value.clone(),
        client_token: settings.client_token.value.clone(),
        pid: std::process::id(),
        workspaces: entries.iter().map(|e| e.info.path.clone()).collect(),
    });
    let pairing = match pairing {
        Ok(p) => {
            tracing::info!("pairing file: {}", p.path().display());
            Some(p)
        }
        Err(e) => {
            tracing::warn!("could not write the pairing file: {e}");
            None
        }
    };

    {
        let mut out = std::io::stdout().lock();
        let mut lines = vec![format!("openwork listening on http://{addr}")];
        if settings.client_token.generated {
            lines.push(format!("Client token: {}", settings.client_token.value));
        }
        if settings.host_token.generated {
            lines.push(format!("Host token: {}", settings.host_token.value));
        }
        for e in &entries {
            lines.push(format!(
                "Workspace {} {} {}",
                e.info.name, e.info.id, e.info.path
            ));
        }
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
        let _ = out.flush();
    }
    if entries.is_empty() {
        tracing::warn!("no workspace configured: give --workspace PATH");
    }
    for e in entries.iter().filter(|e| !e.authorized) {
        tracing::warn!(
            "workspace {} is outside the authorized roots: its requests get 403 workspace_unauthorized",
            e.info.path
        );
    }
    tracing::info!(
        approval = settings.approval.as_str(),
        read_only = settings.read_only,
        "serving {} workspace(s)",
        entries.len()
    );

    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let approvals = approvals::Approvals::new(
        settings.approval_timeout,
        settings.max_pending,
        settings.max_pending_bytes,
    );
    let writes = Arc::new(RwLock::new(()));
    let state = Arc::new(AppState {
        hosts: hosts::AllowedHosts::new(addr, &settings.allowed_hosts),
        streams: Arc::new(tokio::sync::Semaphore::new(settings.max_streams)),
        write_bytes: Arc::new(tokio::sync::Semaphore::new(settings.write_bytes)),
        plans: Arc::new(tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        )),
        tokens: auth::Tokens::new(&settings.client_token.value, &settings.host_token.value),
        settings,
        workspaces: entries,
        approvals: approvals.clone(),
        started: Instant::now(),
        shutdown: shutdown_rx.clone(),
        writes: writes.clone(),
        port: addr.port(),
    });

    let server = conn::serve(listener, filters::app(state), shutdown_rx.clone());
    tokio::pin!(server);

    tokio::select! {
        _ = &mut server => {}
        _ = stop.wait() => {
            tracing::info!("shutting down");
            approvals.shutdown();
            let _ = shutdown_tx.send(true);
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await.is_err() {
                tracing::warn!("some requests were still open after {SHUTDOWN_GRACE:?}; closing anyway");
            }
        }
    }
    // Writes whose client went away still finish before we exit.
    if tokio::time::timeout(SHUTDOWN_GRACE, writes.write())
        .await
        .is_err()
    {
        tracing::warn!("a write was still running after {SHUTDOWN_GRACE:?}");
    }
    drop(pairing);
    Ok(())
}
