//! One handler per endpoint of SPEC §4.1. Handlers never touch files: every
//! read and write is a call into [`crate::workspace`]. Writes run on the
//! blocking pool (they fsync); reads run in place, answered from the
//! workspace's memo while nothing they read has changed. Each handler
//! answers with a response, errors included, so a route that matched never
//! falls through to another.

use super::approvals::{Approvals, Outcome, denied};
use super::auth::Tokens;
use super::errors::{error_response, json};
use super::models::{
    ApprovalRequest, Capabilities, Health, Items, OkReply, Patched, Replied, WorkspaceInfo,
};
use super::payloads;
use super::settings::{ApprovalMode, Settings};
use crate::workspace::memo::Key;
use crate::workspace::{
    Actor, Plan, Workspace, commands, config, mcp, now_ms, plugins, skills, transfer,
};
use crate::{Code, Error, Result};
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use serde_json::{Map, Value};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{RwLock, broadcast, watch};
use warp::Reply;
use warp::http::header::{CONTENT_LENGTH, ETAG, HeaderValue, IF_MATCH};
use warp::http::{HeaderMap, StatusCode};
use warp::reply::Response;

/// A request body, read only after the request is authenticated.
pub type BodyStream = Pin<Box<dyn Stream<Item = std::result::Result<Bytes, warp::Error>> + Send>>;

pub type State = Arc<AppState>;

/// One configured workspace.
pub struct WsEntry {
    pub ws: Workspace,
    pub info: WorkspaceInfo,
    /// Inside an authorized root (else `403 workspace_unauthorized`).
    pub authorized: bool,
    /// The last export answered, for others in the same millisecond.
    pub last_export: std::sync::Mutex<Option<LastExport>>,
    /// Reads built at once (one per core): after a write, every client
    /// misses the memo together; the first builds, the rest find it kept.
    pub builds: tokio::sync::Semaphore,
}

/// An export body, the memo value it was made from, and its `exportedAt`.
pub struct LastExport {
    parts: Arc<(Bytes, Bytes)>,
    at: u64,
    body: Bytes,
}

pub struct AppState {
    pub settings: Settings,
    pub tokens: Tokens,
    pub workspaces: Vec<Arc<WsEntry>>,
    pub approvals: Arc<Approvals>,
    pub started: Instant,
    /// Becomes `true` when the server shuts down (ends event streams).
    pub shutdown: watch::Receiver<bool>,
    /// Held (shared) by every write while it applies, so that shutdown can
    /// wait for in-flight writes even when their client went away.
    pub writes: Arc<RwLock<()>>,
}

type Answer = Result<Response>;

fn respond(answer: Answer) -> std::result::Result<Response, Infallible> {
    Ok(answer.unwrap_or_else(|e| error_response(&e)))
}

/// A 200 answer whose body is JSON text made elsewhere.
fn raw_json(body: Bytes) -> Response {
    let mut resp = Response::new(body.into());
    resp.headers_mut().insert(
        warp::http::header::CONTENT_TYPE,
        warp::http::HeaderValue::from_static("application/json"),
    );
    resp
}

fn ok<T: Serialize + ?Sized>(value: &T) -> Answer {
    Ok(json(StatusCode::OK, value))
}

/// Runs a synchronous core call on the blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        let mut err = Error::new(Code::Internal, "a worker failed");
        err.private = Some(format!("blocking task failed: {e}").into());
        err
    })?
}

fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Bytes> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|_| Error::new(Code::Internal, "could not encode the answer"))
}

/// A read of one workspace through its memo. A value kept since nothing it
/// read changed is answered in place (one system call). Otherwise the read
/// runs on the blocking pool with the workspace lock held shared, so that
/// it never sees half of a write, and a write being applied never stalls
/// the threads that answer everyone else.
async fn remembered<T, F>(entry: &Arc<WsEntry>, key: Key, build: F) -> Result<Arc<T>>
where
    T: Send + Sync + 'static,
    F: FnOnce(&Workspace) -> Result<T> + Send + 'static,
{
    if let Some(value) = entry.ws.memo_peek(key) {
        return Ok(value);
    }
    let _turn = entry
        .builds
        .acquire()
        .await
        .map_err(|_| Error::new(Code::Internal, "the server is shutting down"))?;
    if let Some(value) = entry.ws.memo_peek(key) {
        return Ok(value);
    }
    let e = entry.clone();
    blocking(move || e.ws.memo(key, |ws| ws.read(build))).await
}

/// The JSON body of a read, through [`remembered`].
async fn read_json<T: Serialize>(
    entry: &Arc<WsEntry>,
    key: Key,
    f: impl FnOnce(&Workspace) -> Result<T> + Send + 'static,
) -> Answer {
    let body: Arc<Bytes> = remembered(entry, key, move |ws| encode(&f(ws)?)).await?;
    Ok(raw_json(Bytes::clone(&body)))
}

// Each read has one function and one memo key: a GET and the answer of a
// write share them, so the memo can never hand one the other's shape.

async fn plugins_answer(entry: &Arc<WsEntry>, global: bool) -> Answer {
    read_json(entry, ("plugins", global.into()), move |ws| {
        plugins::list(ws, global)
    })
    .await
}

async fn skills_answer(entry: &Arc<WsEntry>, global: bool) -> Answer {
    read_json(entry, ("skills", global.into()), move |ws| {
        Ok(Items {
            items: skills::list(ws, global)?,
        })
    })
    .await
}

async fn mcp_answer(entry: &Arc<WsEntry>, global: bool) -> Answer {
    read_json(entry, ("mcp", global.into()), move |ws| {
        Ok(Items {
            items: mcp::list(ws, global)?,
        })
    })
    .await
}

async fn commands_answer(entry: &Arc<WsEntry>, scope: commands::Scope) -> Answer {
    read_json(entry, ("commands", scope as u64), move |ws| {
        Ok(Items {
            items: commands::list(ws, scope)?,
        })
    })
    .await
}

async fn audit_answer(entry: &Arc<WsEntry>, limit: usize) -> Answer {
    let body: Arc<Bytes> = remembered(entry, ("audit", limit as u64), move |ws| {
        // A JSON array already (see `audit::tail_json`).
        let items = ws.audit_tail_json(limit)?;
        Ok(Bytes::from(format!("{{\"items\":{items}}}")))
    })
    .await?;
    Ok(raw_json(Bytes::clone(&body)))
}

/// `GET …/export`. Its `exportedAt` is the time of each answer, so the memo
/// keeps the text around it, and a body is put together once per
/// millisecond (a large export is a copy of some 100 KB).
async fn export_answer(entry: &Arc<WsEntry>) -> Answer {
    const KEY: &str = "\"exportedAt\":";
    const MARKER: &str = "\"exportedAt\":18446744073709551615";
    let parts: Arc<(Bytes, Bytes)> = remembered(entry, ("export", 0), |ws| {
        let mut doc = transfer::export(ws)?;
        doc.exported_at = u64::MAX;
        let text = encode(&doc)?;
        // The second field: nothing before it can hold the marker.
        let at = text
            .windows(MARKER.len())
            .position(|w| w == MARKER.as_bytes())
            .ok_or_else(|| Error::new(Code::Internal, "could not encode the export"))?;
        Ok((
            text.slice(..at + KEY.len()),
            text.slice(at + MARKER.len()..),
        ))
    })
    .await?;
    let now = now_ms();
    let mut last = entry.last_export.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(l) = last
        .as_ref()
        .filter(|l| l.at == now && Arc::ptr_eq(&l.parts, &parts))
    {
        return Ok(raw_json(l.body.clone()));
    }
    let (head, tail) = &*parts;
    let stamp = now.to_string();
    let mut body = BytesMut::with_capacity(head.len() + stamp.len() + tail.len());
    body.extend_from_slice(head);
    body.extend_from_slice(stamp.as_bytes());
    body.extend_from_slice(tail);
    let body = body.freeze();
    *last = Some(LastExport {
        parts,
        at: now,
        body: body.clone(),
    });
    Ok(raw_json(body))
}

/// `GET …/config`: the body and the ETag, which is taken first so that a
/// change in between only makes a later If-Match fail; it never pairs an
/// old view with a new tag.
async fn config_answer(entry: &Arc<WsEntry>) -> Answer {
    let answer: Arc<(String, Bytes)> = remembered(entry, ("config", 0), |ws| {
        let etag = config::etag(ws)?;
        Ok((etag, encode(&config::show(ws)?)?))
    })
    .await?;
    let (etag, body) = &*answer;
    Ok(with_etag(raw_json(Bytes::clone(body)), etag))
}

impl AppState {
    /// The workspace of a `/workspace/:id/…` path segment.
    fn workspace(&self, raw_id: &str) -> Result<Arc<WsEntry>> {
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
            && *entry.ws.memo(("authorized", 0), |ws| {
                Ok(self.settings.is_authorized(ws.root()))
            })?;
        if !authorized {
            return Err(Error::new(
                Code::WorkspaceUnauthorized,
                "Workspace is not authorized",
            ));
        }
        Ok(entry.clone())
    }

    /// [`AppState::write`] of a plan with nothing else to return.
    async fn write_plan<F>(&self, entry: &Arc<WsEntry>, actor: Actor, make: F) -> Result<Plan>
    where
        F: Fn(&Workspace) -> Result<Plan> + Send + Sync + 'static,
    {
        let (plan, ()) = self
            .write(entry, actor, move |ws| Ok((make(ws)?, ())))
            .await?;
        Ok(plan)
    }

    /// Plan → (no-op? answer) → read-only? → approval → apply (SPEC §2).
    /// `make` may run twice in auto mode (never in manual mode, where the
    /// plan the host approved is exactly the one applied).
    async fn write<T, F>(&self, entry: &Arc<WsEntry>, actor: Actor, make: F) -> Result<(Plan, T)>
    where
        T: Send + 'static,
        F: Fn(&Workspace) -> Result<(Plan, T)> + Send + Sync + 'static,
    {
        if self.settings.approval == ApprovalMode::Auto && !self.settings.read_only {
            // Plan and apply under one holding of the lock: no conflict possible.
            let gate = self.writes.clone().read_owned().await;
            let e = entry.clone();
            return blocking(move || {
                let _gate = gate;
                let mut extra = None;
                let (plan, _) = e.ws.write(&actor, |ws| {
                    let (plan, t) = make(ws)?;
                    extra = Some(t);
                    Ok(plan)
                })?;
                let extra = extra.ok_or_else(|| Error::new(Code::Internal, "no plan was made"))?;
                Ok((plan, extra))
            })
            .await;
        }

        let e = entry.clone();
        let (plan, extra, diff) = blocking(move || {
            let (plan, extra) = make(&e.ws)?;
            let diff = if plan.is_noop() {
                String::new()
            } else {
                plan.diff(e.ws.root())
            };
            Ok((plan, extra, diff))
        })
        .await?;
        if plan.is_noop() {
            return Ok((plan, extra));
        }
        if self.settings.read_only {
            return Err(Error::new(Code::ReadOnly, "Server is read-only"));
        }
        let request = ApprovalRequest {
            id: uuid::Uuid::new_v4().to_string(),
            workspace_id: plan.workspace_id.clone(),
            action: plan.action.clone(),
            summary: plan.summary.clone(),
            paths: plan
                .paths()
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            created_at: now_ms(),
            actor: actor.clone(),
            diff,
            expires_at: now_ms() + self.settings.approval_timeout.as_millis() as u64,
        };
        let ticket = self.approvals.request(request)?;
        let id = ticket.id().to_string();
        match ticket.wait().await {
            Outcome::Allowed => {
                let gate = self.writes.clone().read_owned().await;
                let e = entry.clone();
                let plan = blocking(move || {
                    let _gate = gate;
                    let lock = e.ws.lock()?;
                    e.ws.apply(&lock, &plan, &actor)?;
                    Ok(plan)
                })
                .await?;
                Ok((plan, extra))
            }
            Outcome::Denied(reason) => Err(denied(&id, reason)),
        }
    }
}

// ===== request pieces =====

/// The value of `key` in a query string (form-decoded, lossy), if present.
fn query_param(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        (decode(k) == key).then(|| decode(v))
    })
}

/// How long a body may pause between two chunks, and take in all: a
/// client that stalls mid-body does not hold its connection for ever.
const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(10);
const BODY_TOTAL_TIMEOUT: Duration = Duration::from_secs(60);

/// Reads a body of at most `limit` bytes: a larger `Content-Length` is
/// refused before anything is read, a longer stream is cut at the limit,
/// and a stalled one is given up (`400 invalid_json`).
async fn read_body(headers: &HeaderMap, mut body: BodyStream, limit: usize) -> Result<Bytes> {
    let too_large = || {
        Error::new(
            Code::PayloadTooLarge,
            format!("request body is larger than {limit} bytes"),
        )
    };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    // Grown as the bytes come, not reserved on the client's word.
    let mut buf = BytesMut::with_capacity(declared.unwrap_or(0).min(64 * 1024) as usize);
    let deadline = tokio::time::Instant::now() + BODY_TOTAL_TIMEOUT;
    loop {
        let pause = (tokio::time::Instant::now() + BODY_IDLE_TIMEOUT).min(deadline);
        let Ok(next) = tokio::time::timeout_at(pause, body.next()).await else {
            return Err(Error::new(
                Code::InvalidJson,
                "the request body stopped arriving; send it whole",
            ));
        };
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|_| Error::new(Code::InvalidJson, "Invalid JSON body"))?;
        if buf.len() + chunk.len() > limit {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// The body as a JSON object: anything else is `400 invalid_json`.
async fn json_body(
    state: &AppState,
    headers: &HeaderMap,
    body: BodyStream,
) -> Result<Map<String, Value>> {
    let bytes = read_body(headers, body, state.settings.body_limit).await?;
    payloads::object(&bytes)
}

fn with_etag(mut resp: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(etag) {
        resp.headers_mut().insert(ETAG, v);
    }
    resp
}

/// `If-Match`: `None` when absent, else the listed tags (`*` matches any).
fn if_match(headers: &HeaderMap) -> Result<Option<Vec<String>>> {
    let mut tags = Vec::new();
    let mut seen = false;
    for value in headers.get_all(IF_MATCH) {
        seen = true;
        let text = value
            .to_str()
            .map_err(|_| Error::new(Code::InvalidPayload, "malformed If-Match header"))?;
        tags.extend(
            text.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        );
    }
    Ok(seen.then_some(tags))
}

fn check_if_match(ws: &Workspace, tags: Option<&[String]>) -> Result<()> {
    let Some(tags) = tags else {
        return Ok(());
    };
    let current = config::etag(ws)?;
    if tags.iter().any(|t| t == "*" || *t == current) {
        Ok(())
    } else {
        Err(Error::new(
            Code::Conflict,
            "the config changed since it was read (If-Match does not match); read it again",
        )
        .with_details(serde_json::json!({ "etag": current })))
    }
}

fn include_global(query: &str) -> bool {
    query_param(query, "includeGlobal").as_deref() == Some("true")
}

// ===== open and client endpoints =====

pub async fn health(state: State) -> std::result::Result<Response, Infallible> {
    respond(ok(&Health {
        ok: true,
        version: env!("CARGO_PKG_VERSION"),
        uptime_ms: state.started.elapsed().as_millis() as u64,
    }))
}

/// Any `OPTIONS` request: `204`, no auth (CORS headers are added around).
pub async fn preflight() -> std::result::Result<Response, Infallible> {
    let mut resp = Response::new(Default::default());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    Ok(resp)
}

pub async fn capabilities(
    state: State,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond((|| {
        state.tokens.client(&headers)?;
        ok(&Capabilities::new(state.settings.read_only))
    })())
}

pub async fn workspaces(
    state: State,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond((|| {
        state.tokens.client(&headers)?;
        let items: Vec<&WorkspaceInfo> = state.workspaces.iter().map(|w| &w.info).collect();
        ok(&Items { items })
    })())
}

pub async fn get_config(
    state: State,
    id: String,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            state.tokens.client(&headers)?;
            config_answer(&state.workspace(&id)?).await
        }
        .await,
    )
}

pub async fn patch_config(
    state: State,
    id: String,
    headers: HeaderMap,
    body: BodyStream,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            let actor = state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let tags = if_match(&headers)?;
            let obj = json_body(&state, &headers, body).await?;
            let (opencode, openwork) = payloads::config_patch(&obj)?;
            state
                .write_plan(&entry, actor, move |ws| {
                    check_if_match(ws, tags.as_deref())?;
                    config::plan_patch(ws, opencode.as_ref(), openwork.as_ref())
                })
                .await?;
            let e = entry.clone();
            let (etag, view) =
                blocking(move || e.ws.read(|ws| Ok((config::etag(ws)?, config::show(ws)?))))
                    .await?;
            let body = Patched {
                updated_at: view.updated_at,
                opencode: view.opencode,
                openwork: view.openwork,
            };
            Ok(with_etag(ok(&body)?, &etag))
        }
        .await,
    )
}

pub async fn list_plugins(
    state: State,
    id: String,
    query: String,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let global = include_global(&query);
            plugins_answer(&entry, global).await
        }
        .await,
    )
}

pub async fn add_plugin(
    state: State,
    id: String,
    headers: HeaderMap,
    body: BodyStream,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            let actor = state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let obj = json_body(&state, &headers, body).await?;
            let spec = payloads::plugin(&obj)?;
            state
                .write_plan(&entry, actor, move |ws| plugins::plan_add(ws, &spec))
                .await?;
            plugins_answer(&entry, false).await
        }
        .await,
    )
}

pub async fn remove_plugin(
    state: State,
    id: String,
    name: String,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            let actor = state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let name = payloads::segment(&name)?;
            state
                .write_plan(&entry, actor, move |ws| plugins::plan_remove(ws, &name))
                .await?;
            plugins_answer(&entry, false).await
        }
        .await,
    )
}

pub async fn list_skills(
    state: State,
    id: String,
    query: String,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let global = include_global(&query);
            skills_answer(&entry, global).await
        }
        .await,
    )
}

pub async fn upsert_skill(
    state: State,
    id: String,
    headers: HeaderMap,
    body: BodyStream,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            let actor = state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let obj = json_body(&state, &headers, body).await?;
            let b = payloads::skill(&obj)?;
            let (_, written) = state
                .write(&entry, actor, move |ws| {
                    skills::plan_upsert(ws, &b.name, &b.content, b.description.as_deref())
                })
                .await?;
            ok(&written)
        }
        .await,
    )
}

pub async fn delete_skill(
    state: State,
    id: String,
    name: String,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            let actor = state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let name = payloads::segment(&name)?;
            state
                .write_plan(&entry, actor, move |ws| skills::plan_delete(ws, &name))
                .await?;
            skills_answer(&entry, false).await
        }
        .await,
    )
}

pub async fn list_mcp(
    state: State,
    id: String,
    query: String,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let global = include_global(&query);
            mcp_answer(&entry, global).await
        }
        .await,
    )
}

pub async fn add_mcp(
    state: State,
    id: String,
    headers: HeaderMap,
    body: BodyStream,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            let actor = state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let obj = json_body(&state, &headers, body).await?;
            let (name, config) = payloads::mcp(&obj)?;
            state
                .write_plan(&entry, actor, move |ws| mcp::plan_add(ws, &name, &config))
                .await?;
            mcp_answer(&entry, false).await
        }
        .await,
    )
}

pub async fn remove_mcp(
    state: State,
    id: String,
    name: String,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            let actor = state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let name = payloads::segment(&name)?;
            state
                .write_plan(&entry, actor, move |ws| mcp::plan_remove(ws, &name))
                .await?;
            mcp_answer(&entry, false).await
        }
        .await,
    )
}

pub async fn list_commands(
    state: State,
    id: String,
    query: String,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let scope = if query_param(&query, "scope").as_deref() == Some("global") {
                state.tokens.host(&headers)?;
                commands::Scope::Global
            } else {
                commands::Scope::Workspace
            };
            commands_answer(&entry, scope).await
        }
        .await,
    )
}

pub async fn upsert_command(
    state: State,
    id: String,
    headers: HeaderMap,
    body: BodyStream,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            let actor = state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let obj = json_body(&state, &headers, body).await?;
            let input = payloads::command(&obj)?;
            state
                .write_plan(&entry, actor, move |ws| commands::plan_upsert(ws, &input))
                .await?;
            let scope = commands::Scope::Workspace;
            commands_answer(&entry, scope).await
        }
        .await,
    )
}

pub async fn delete_command(
    state: State,
    id: String,
    name: String,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            let actor = state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let name = payloads::segment(&name)?;
            state
                .write_plan(&entry, actor, move |ws| commands::plan_delete(ws, &name))
                .await?;
            ok(&OkReply { ok: true })
        }
        .await,
    )
}

/// `?limit=N` as the original reads it: a positive finite number, cut to
/// an integer and to at most 200; anything else means 50.
pub fn audit_limit(query: &str) -> usize {
    const DEFAULT: usize = 50;
    const MAX: usize = 200;
    match query_param(query, "limit").and_then(|v| v.trim().parse::<f64>().ok()) {
        Some(n) if n.is_finite() && n > 0.0 => (n.trunc() as usize).clamp(1, MAX),
        _ => DEFAULT,
    }
}

pub async fn audit(
    state: State,
    id: String,
    query: String,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let limit = audit_limit(&query);
            audit_answer(&entry, limit).await
        }
        .await,
    )
}

pub async fn export(
    state: State,
    id: String,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            export_answer(&entry).await
        }
        .await,
    )
}

pub async fn import(
    state: State,
    id: String,
    headers: HeaderMap,
    body: BodyStream,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            let actor = state.tokens.client(&headers)?;
            let entry = state.workspace(&id)?;
            let obj = json_body(&state, &headers, body).await?;
            let doc = payloads::import(&obj)?;
            state
                .write_plan(&entry, actor, move |ws| transfer::plan_import(ws, &doc))
                .await?;
            ok(&OkReply { ok: true })
        }
        .await,
    )
}

// ===== host endpoints =====

pub async fn list_approvals(
    state: State,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    respond((|| {
        state.tokens.host(&headers)?;
        let pending = state.approvals.list();
        let items: Vec<&ApprovalRequest> = pending.iter().map(|r| &**r).collect();
        ok(&Items { items })
    })())
}

pub async fn reply_approval(
    state: State,
    id: String,
    headers: HeaderMap,
    body: BodyStream,
) -> std::result::Result<Response, Infallible> {
    respond(
        async {
            state.tokens.host(&headers)?;
            let id = payloads::segment(&id)?;
            let obj = json_body(&state, &headers, body).await?;
            let allow = payloads::reply(&obj)?;
            let allowed = state.approvals.reply(&id, allow)?;
            ok(&Replied { ok: true, allowed })
        }
        .await,
    )
}

fn sse_event(event: &super::approvals::Event) -> warp::sse::Event {
    use super::approvals::Event;
    let (name, data) = match event {
        Event::Requested(r) => ("approval.requested", serde_json::to_string(&**r)),
        Event::Resolved(r) => ("approval.resolved", serde_json::to_string(r)),
    };
    match data {
        Ok(data) => warp::sse::Event::default().event(name).data(data),
        Err(_) => warp::sse::Event::default().comment("unencodable event"),
    }
}

/// `GET /approvals/events`: the pending requests first, then every
/// request and resolution as it happens, until the server shuts down.
pub async fn approval_events(
    state: State,
    headers: HeaderMap,
) -> std::result::Result<Response, Infallible> {
    if let Err(e) = state.tokens.host(&headers) {
        return Ok(error_response(&e));
    }
    use super::approvals::Event;
    let (pending, rx) = state.approvals.subscribe();
    let first = futures_util::stream::iter(
        pending
            .into_iter()
            .map(|r| Ok::<_, Infallible>(sse_event(&Event::Requested(r)))),
    );
    let live = futures_util::stream::unfold(
        (rx, state.shutdown.clone()),
        |(mut rx, mut shutdown)| async move {
            loop {
                if *shutdown.borrow() {
                    return None;
                }
                tokio::select! {
                    event = rx.recv() => match event {
                        Ok(event) => return Some((Ok(sse_event(&event)), (rx, shutdown))),
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return None,
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
    let stream = warp::sse::keep_alive()
        .interval(Duration::from_secs(15))
        .stream(first.chain(live));
    Ok(warp::sse::reply(stream).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_limits() {
        assert_eq!(audit_limit(""), 50);
        assert_eq!(audit_limit("limit=10"), 10);
        assert_eq!(audit_limit("limit=1000"), 200);
        assert_eq!(audit_limit("limit=0"), 50);
        assert_eq!(audit_limit("limit=-3"), 50);
        assert_eq!(audit_limit("limit=abc"), 50);
        assert_eq!(audit_limit("limit=2.7"), 2);
        assert_eq!(audit_limit("limit=1e2"), 100);
        assert_eq!(audit_limit("x=1&limit=7"), 7);
    }

    #[test]
    fn query_params() {
        assert_eq!(
            query_param("includeGlobal=true", "includeGlobal").as_deref(),
            Some("true")
        );
        assert_eq!(
            query_param("scope=glo%62al", "scope").as_deref(),
            Some("global")
        );
        assert_eq!(query_param("a=1", "scope"), None);
        assert_eq!(query_param("", "scope"), None);
    }
}
