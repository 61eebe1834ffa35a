//! The reads of a workspace, memoized. Each read has one key ([`Read`])
//! and one function that answers it ([`answer`]): a GET and the answer of
//! a write share them, so the memo can never hand one the other's shape.
//! A value kept since nothing it read changed is answered in place (one
//! system call); otherwise the read runs on the blocking pool with the
//! workspace lock held shared, so that it never sees half of a write, and
//! a write being applied never stalls the threads that answer everyone
//! else.

use super::reply::{raw_json, with_etag};
use super::state::{LastExport, WsEntry};
use crate::workspace::memo::Memo;
use crate::workspace::{
    Workspace, commands, config, mcp, now_ms, plugins, secrets, skills, transfer,
};
use crate::{Code, Error, Result};
use bytes::{Bytes, BytesMut};
use serde::Serialize;
use std::sync::Arc;
use warp::reply::Response;

/// What a memoized read computes, with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Read {
    Plugins {
        global: bool,
        /// Global specs shown whole (the host's token came too); else
        /// their credentials are `"***"`.
        secrets: bool,
    },
    Skills {
        global: bool,
    },
    Mcp {
        global: bool,
        /// Global servers' secrets shown whole (the host's token came
        /// too); else they are `"***"`.
        secrets: bool,
    },
    Commands {
        scope: commands::Scope,
    },
    /// The ETag and the body of `GET …/config`.
    Config,
    Audit {
        limit: usize,
    },
    /// `GET …/export`, around its `exportedAt`.
    Export,
    /// Whether the workspace folder still resolves inside an authorized root.
    Authorized,
}

/// What a read keeps: cheap to clone (shared bytes, an `Arc`, a flag).
#[derive(Debug, Clone)]
pub enum Kept {
    /// A JSON body, answered as is.
    Json(Bytes),
    /// A JSON body and its ETag.
    Tagged(Arc<(String, Bytes)>),
    /// The export's text before and after the value of `exportedAt`.
    Export(Arc<(Bytes, Bytes)>),
    Authorized(bool),
}

impl Kept {
    /// The bytes a kept value holds (what the memo's budget counts).
    pub fn weight(&self) -> usize {
        match self {
            Kept::Json(body) => body.len(),
            Kept::Tagged(tagged) => tagged.0.len() + tagged.1.len(),
            Kept::Export(parts) => parts.0.len() + parts.1.len(),
            Kept::Authorized(_) => 1,
        }
    }
}

/// A workspace's memo of reads.
pub type ReadMemo = Memo<Read, Kept>;

/// Bytes of answers a workspace's memo keeps, at most; past it, it starts
/// over, and a larger answer is not kept at all.
pub const MEMO_BYTES: usize = 16 * 1024 * 1024;

/// Runs a synchronous core call on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
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

/// The answer to `read` of one workspace, from its memo when nothing the
/// read looked at has changed.
pub async fn answer(entry: &Arc<WsEntry>, read: Read) -> Result<Response> {
    match remembered(entry, read).await? {
        Kept::Json(body) => Ok(raw_json(body)),
        Kept::Tagged(tagged) => {
            let (etag, body) = &*tagged;
            Ok(with_etag(raw_json(Bytes::clone(body)), etag))
        }
        Kept::Export(parts) => Ok(raw_json(stamp_export(entry, parts))),
        Kept::Authorized(_) => Err(Error::new(Code::Internal, "not an answer")),
    }
}

/// The value of `read`: kept, or built on the blocking pool, one build per
/// core at once.
async fn remembered(entry: &Arc<WsEntry>, read: Read) -> Result<Kept> {
    if let Some(value) = entry.peek(read) {
        return Ok(value);
    }
    let _turn = entry
        .builds
        .acquire()
        .await
        .map_err(|_| Error::new(Code::Internal, "the server is shutting down"))?;
    if let Some(value) = entry.peek(read) {
        return Ok(value);
    }
    let e = entry.clone();
    blocking(move || build_kept(&e, read)).await
}

/// The value of `read`, kept or built now on this thread (a blocking one).
pub fn build_kept(entry: &WsEntry, read: Read) -> Result<Kept> {
    entry.remember(read, || entry.ws.read(|ws| build(ws, read)))
}

fn build(ws: &Workspace, read: Read) -> Result<Kept> {
    use super::models::Items;
    let json = |body: Result<Bytes>| body.map(Kept::Json);
    match read {
        Read::Plugins { global, secrets } => {
            let mut list = plugins::list(ws, global)?;
            if !secrets {
                secrets::redact_plugins(&mut list);
            }
            json(encode(&list))
        }
        Read::Skills { global } => Ok(items_body(&skills::list_json(ws, global)?)),
        Read::Mcp { global, secrets } => {
            let mut items = mcp::list(ws, global)?;
            if !secrets {
                secrets::redact_mcp(&mut items);
            }
            json(encode(&Items { items }))
        }
        Read::Commands { scope } => Ok(items_body(&commands::list_json(ws, scope)?)),
        // A JSON array already (see `audit::tail_json`).
        Read::Audit { limit } => Ok(items_body(ws.audit_tail_json(limit)?.as_bytes())),
        // The ETag is taken first, so that a change in between only makes
        // a later If-Match fail; it never pairs an old view with a new tag.
        Read::Config => {
            let etag = config::etag(ws)?;
            let mut body = Vec::new();
            config::show(ws)?.write(&mut body);
            Ok(Kept::Tagged(Arc::new((etag, Bytes::from(body)))))
        }
        Read::Export => export_parts(ws).map(|parts| Kept::Export(Arc::new(parts))),
        Read::Authorized => Err(Error::new(Code::Internal, "not a read of files")),
    }
}

/// `{"items":[…]}` around a JSON array written elsewhere, exactly as long
/// as it is: the memo counts what it keeps.
fn items_body(items: &[u8]) -> Kept {
    let mut body = Vec::with_capacity(items.len() + 10);
    body.extend_from_slice(b"{\"items\":");
    body.extend_from_slice(items);
    body.push(b'}');
    Kept::Json(Bytes::from(body))
}

const EXPORTED_AT: &str = "\"exportedAt\":";
const MARKER: &str = "\"exportedAt\":18446744073709551615";

/// `exportedAt` is the time of each answer, so the memo keeps the text
/// around it.
fn export_parts(ws: &Workspace) -> Result<(Bytes, Bytes)> {
    let mut doc = transfer::export(ws)?;
    doc.exported_at = u64::MAX;
    // Room for the whole text at once: an export of 20 MB grown by
    // doubling would hold 16 and 32 MB together while it copies. Room not
    // written to is never touched, so it costs no memory.
    let texts = doc
        .skills
        .iter()
        .map(|s| s.content.len() + s.description.len());
    let texts = texts.sum::<usize>()
        + (doc.commands.iter())
            .map(|c| c.template.len() + c.description.as_ref().map_or(0, String::len))
            .sum::<usize>();
    let mut text = Vec::with_capacity(texts + texts / 4 + 1024 * 1024);
    serde_json::to_writer(&mut text, &doc)
        .map_err(|_| Error::new(Code::Internal, "could not encode the answer"))?;
    drop(doc);
    let text = Bytes::from(text);
    // The second field: nothing before it can hold the marker.
    let at = text
        .windows(MARKER.len())
        .position(|w| w == MARKER.as_bytes())
        .ok_or_else(|| Error::new(Code::Internal, "could not encode the export"))?;
    Ok((
        text.slice(..at + EXPORTED_AT.len()),
        text.slice(at + MARKER.len()..),
    ))
}

/// The export body with the time of this answer, put together once per
/// millisecond (a large export is a copy of some 100 KB).
fn stamp_export(entry: &WsEntry, parts: Arc<(Bytes, Bytes)>) -> Bytes {
    let now = now_ms();
    let mut last = entry.last_export.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(l) = last
        .as_ref()
        .filter(|l| l.at == now && Arc::ptr_eq(&l.parts, &parts))
    {
        return l.body.clone();
    }
    let (head, tail) = &*parts;
    let stamp = now.to_string();
    let mut body = BytesMut::with_capacity(head.len() + stamp.len() + tail.len());
    body.extend_from_slice(head);
    body.extend_from_slice(stamp.as_bytes());
    body.extend_from_slice(tail);
    let body = body.freeze();
    // A large export is not kept for the same millisecond's others: it
    // would hold its text twice until the next export.
    if body.len() <= LAST_EXPORT_MAX {
        *last = Some(LastExport {
            parts,
            at: now,
            body: body.clone(),
        });
    } else {
        *last = None;
    }
    body
}

/// The largest export body kept for answers in the same millisecond.
const LAST_EXPORT_MAX: usize = 1024 * 1024;
