//! Telling a workspace's running OpenCode that its files changed.
//! OpenCode keeps a project's config (its MCP servers, commands, skills,
//! plugins) in an instance per directory until the instance is disposed:
//! `POST {baseUrl}/instance/dispose?directory=<dir>` (OpenCode 1.18.33's
//! server API) drops it, and the next request for that directory reads
//! every file again. User-wide config is kept for the life of the OpenCode
//! process, but openwork never writes it.
//!
//! After each write that changed a file, `openwork serve` asks the
//! workspace's OpenCode (its `baseUrl` setting, `http://` only; the folder
//! is its `directory` setting, else the workspace's) to reload, with a
//! short time limit. The outcome is logged and said in the answer's
//! `X-OpenWork-OpenCode` header: `reloaded`, or `restart-required` when
//! no OpenCode server is known or it could not be reached. A failed
//! reload never fails the write.

use crate::workspace::Plan;
use std::time::Duration;
use warp::http::HeaderValue;
use warp::reply::Response;

/// How long the reload call may take: disposing a project stops its MCP
/// servers and language servers, which can take seconds on a busy machine.
const RELOAD_TIMEOUT: Duration = Duration::from_secs(5);

/// The header of a write's answer that says whether OpenCode sees it.
pub const HEADER: &str = "x-openwork-opencode";

/// What a write means for the workspace's OpenCode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reload {
    /// Nothing changed.
    Unchanged,
    /// The running OpenCode dropped its copy of the config.
    Reloaded,
    /// OpenCode reads the change only when it (re)starts.
    RestartRequired,
}

impl Reload {
    fn header(self) -> Option<&'static str> {
        match self {
            Reload::Unchanged => None,
            Reload::Reloaded => Some("reloaded"),
            Reload::RestartRequired => Some("restart-required"),
        }
    }

    /// The answer of a write, with the header when the write changed files.
    pub fn tag(self, mut resp: Response) -> Response {
        if let Some(value) = self.header() {
            resp.headers_mut()
                .insert(HEADER, HeaderValue::from_static(value));
        }
        resp
    }
}

/// The OpenCode server of one workspace, if one is known.
#[derive(Debug, Clone)]
pub struct Reloader {
    target: Option<(String, String)>,
    client: Option<reqwest::Client>,
}

impl Reloader {
    /// `base_url` from the settings; `directory` is the folder OpenCode
    /// knows the workspace by.
    pub fn new(base_url: Option<&str>, directory: &str) -> Reloader {
        let base = base_url
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
        let client = base.as_ref().and_then(|_| {
            reqwest::Client::builder()
                // Straight to OpenCode: an HTTP proxy set for the web has
                // no business with a local server.
                .no_proxy()
                .timeout(RELOAD_TIMEOUT)
                .connect_timeout(RELOAD_TIMEOUT)
                .build()
                .ok()
        });
        Reloader {
            target: base.map(|b| (b, directory.to_string())),
            client,
        }
    }

    /// Asks OpenCode to reload after `plan` was applied.
    pub async fn after(&self, plan: &Plan) -> Reload {
        if plan.is_noop() {
            return Reload::Unchanged;
        }
        let (Some((base, directory)), Some(client)) = (&self.target, &self.client) else {
            return Reload::RestartRequired;
        };
        let dir =
            percent_encoding::utf8_percent_encode(directory, percent_encoding::NON_ALPHANUMERIC);
        let url = format!("{base}/instance/dispose?directory={dir}");
        match client.post(&url).send().await {
            Ok(r) if r.status().is_success() => {
                tracing::info!("OpenCode at {base} reloaded {directory}");
                Reload::Reloaded
            }
            Ok(r) => {
                tracing::warn!(
                    "OpenCode at {base} did not reload {directory}: HTTP {}; restart it to see the change",
                    r.status()
                );
                Reload::RestartRequired
            }
            Err(e) => {
                let why = if e.is_timeout() {
                    format!("no answer within {} s", RELOAD_TIMEOUT.as_secs())
                } else if e.is_connect() {
                    "it could not be reached".to_string()
                } else {
                    e.to_string()
                };
                tracing::warn!(
                    "OpenCode at {base} could not be asked to reload {directory} ({why}); restart it to see the change"
                );
                Reload::RestartRequired
            }
        }
    }
}
