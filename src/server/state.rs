//! What the server holds while it runs: the settings, the tokens, the
//! approval gate and one [`WsEntry`] per configured workspace, and the
//! lookup of a workspace by the id in a request's path.

use super::approvals::Approvals;
use super::auth::Tokens;
use super::committer::Committer;
use super::flights::Flights;
use super::hosts::AllowedHosts;
use super::models::{OpencodeInfo, WorkspaceInfo};
use super::opencode::Reloader;
use super::payloads;
use super::reads::{Kept, Read, ReadMemo};
use super::settings::{Settings, WorkspaceSetting};
use crate::workspace::Workspace;
use crate::workspace::memo::{Memo, WatchBudget};
use crate::{Code, Error, Result};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{RwLock, watch};

pub type State = Arc<AppState>;

pub struct AppState {
    pub settings: Settings,
    /// The `Host` values that name this server.
    pub hosts: AllowedHosts,
    /// One per open event stream (`settings.max_streams`).
    pub streams: Arc<tokio::sync::Semaphore>,
    /// One per byte of the request bodies of writes in flight
    /// (`settings.write_bytes`).
    pub write_bytes: Arc<tokio::sync::Semaphore>,
    /// Writes planned at once: one per core.
    pub plans: Arc<tokio::sync::Semaphore>,
    pub tokens: Tokens,
    pub workspaces: Vec<Arc<WsEntry>>,
    pub approvals: Arc<Approvals>,
    pub started: Instant,
    /// Becomes `true` when the server shuts down (ends event streams).
    pub shutdown: watch::Receiver<bool>,
    /// Held (shared) by every write while it applies, so that shutdown can
    /// wait for in-flight writes even when their client went away.
    pub writes: Arc<RwLock<()>>,
    /// The port the server listens on, which the handshake's proof binds.
    pub port: u16,
}

/// One configured workspace.
pub struct WsEntry {
    pub ws: Workspace,
    pub info: WorkspaceInfo,
    /// Inside an authorized root (else `403 workspace_unauthorized`).
    pub authorized: bool,
    /// Whole reads kept while nothing they read has changed; `None`
    /// without file system notifications, when every read is computed
    /// afresh.
    pub memo: Option<ReadMemo>,
    /// Reads built at once (one per core): after a write, every client
    /// misses the memo together; the first builds, the rest find it kept.
    pub builds: Arc<tokio::sync::Semaphore>,
    /// The reads being built: the same read asked meanwhile waits for it.
    pub flights: Flights<Read>,
    /// The workspace's running OpenCode, asked to reload after a write.
    pub opencode: Reloader,
    /// The writes waiting for the workspace's lock, applied in groups.
    pub committer: Committer,
}

impl WsEntry {
    /// Opens the workspace of one setting, with its read memo, whose
    /// watches are taken from `watches` (one budget for the server).
    pub fn open(
        settings: &Settings,
        w: &WorkspaceSetting,
        watches: &WatchBudget,
    ) -> std::result::Result<WsEntry, String> {
        let mut ws = Workspace::open(&w.path).map_err(|e| e.message)?;
        if ws.is_in_user_config() {
            return Err(format!(
                "{} is the user-wide OpenCode config, which the server never writes: serve a project, and edit the user-wide config with `openwork … --global`",
                ws.root().display()
            ));
        }
        let memo = match Memo::weighed(super::reads::MEMO_BYTES, Kept::weight, watches) {
            Ok(memo) => Some(memo.sharing(Kept::hold)),
            Err(e) => {
                tracing::warn!(
                    "no file system notifications for {} ({e}): reads are not cached",
                    ws.root().display()
                );
                None
            }
        };
        if let Some(memo) = &memo {
            ws.vouched_by(memo);
        }
        let opencode = (w.base_url.is_some() || w.directory.is_some()).then(|| OpencodeInfo {
            base_url: w.base_url.clone(),
            directory: w.directory.clone(),
        });
        let info = WorkspaceInfo {
            id: ws.id().to_string(),
            name: w.name.clone().unwrap_or_else(|| ws.name().to_string()),
            path: ws.root().display().to_string(),
            workspace_type: w.workspace_type.clone(),
            base_url: w.base_url.clone(),
            directory: w.directory.clone(),
            opencode,
        };
        let directory = w
            .directory
            .clone()
            .unwrap_or_else(|| ws.root().display().to_string());
        let opencode = Reloader::new(w.base_url.as_deref(), &directory);
        Ok(WsEntry {
            authorized: settings.is_authorized(ws.root()),
            opencode,
            ws,
            info,
            memo,
            committer: Committer::default(),
            flights: Flights::default(),
            builds: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
        })
    }

    /// The value of `build` for `read`, kept while nothing it read has
    /// changed (always built afresh without a memo).
    pub fn remember(&self, read: Read, build: impl FnOnce() -> Result<Kept>) -> Result<Kept> {
        match &self.memo {
            Some(memo) => memo.get(read, build),
            None => build(),
        }
    }

    /// The value kept for `read`, if nothing it read has changed since:
    /// one system call, and never a wait.
    pub fn peek(&self, read: Read) -> Option<Kept> {
        self.memo.as_ref()?.peek(&read)
    }
}

impl AppState {
    /// The workspace of a `/workspace/:id/…` path segment.
    pub fn workspace(&self, raw_id: &str) -> Result<Arc<WsEntry>> {
        let id = payloads::segment(raw_id)?;
        let entry = self
            .workspaces
            .iter()
            .find(|w| w.ws.id() == id)
            .ok_or_else(|| Error::new(Code::WorkspaceNotFound, "Workspace not found"))?;
        // Checked again on each request (kept while the paths resolve
        // alike): a workspace folder replaced by a link to somewhere else
        // since the boot is refused too.
        let authorized = entry.authorized
            && matches!(
                entry.remember(Read::Authorized, || Ok(Kept::Authorized(
                    self.settings.is_authorized(entry.ws.root())
                )))?,
                Kept::Authorized(true)
            );
        if !authorized {
            return Err(Error::new(
                Code::WorkspaceUnauthorized,
                "Workspace is not authorized",
            ));
        }
        Ok(entry.clone())
    }
}
