//! The reads of a workspace, memoized. Each read has one key ([`Read`])
//! and one function that answers it ([`answer`]): a GET and the answer of
//! a write share them, so the memo can never hand one the other's shape.
//! A value kept since nothing it read changed is answered in place (one
//! system call); otherwise the read runs on the blocking pool with the
//! workspace lock held shared, so that it never sees half of a write, and
//! a write being applied never stalls the threads that answer everyone
//! else.

use super::export_body::{self, Export, ExportWriter, SPILL_AFTER};
use super::flights;
use super::reply::{raw_json, with_etag};
use super::state::WsEntry;
use crate::workspace::memo::{Held, Memo};
use crate::workspace::{
    Workspace, commands, config, mcp, now_ms, plugins, secrets, skills, transfer,
};
use crate::{Code, Error, Result};
use bytes::Bytes;
use serde::Serialize;
use std::sync::Arc;
use warp::Reply;
use warp::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
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
    /// `GET …/export` (each answer with its own `exportedAt`).
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
    /// The export: its text in chunks each answer shares, or, when long,
    /// in a temporary file each answer reads (see `export_body`).
    Export(Arc<Export>),
    Authorized(bool),
}

impl Kept {
    /// The bytes a kept value holds (what the memo's budget counts; an
    /// export counts as its text).
    pub fn weight(&self) -> usize {
        match self {
            Kept::Json(body) => body.len(),
            Kept::Tagged(tagged) => tagged.0.len() + tagged.1.len(),
            Kept::Export(export) => export.unstamped_len(),
            Kept::Authorized(_) => 1,
        }
    }

    /// An export too large for the memo to keep, held weakly: the exports
    /// asked while one is still being sent share its text rather than
    /// each building its own (see [`crate::workspace::memo::Memo`]).
    pub fn hold(&self) -> Option<Held<Kept>> {
        match self {
            Kept::Export(export) => {
                let weak = Arc::downgrade(export);
                Some(Box::new(move || weak.upgrade().map(Kept::Export)))
            }
            _ => None,
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
        Kept::Export(export) => Ok(export_response(export)),
        Kept::Authorized(_) => Err(Error::new(Code::Internal, "not an answer")),
    }
}

/// The value of `read`: kept, or built on the blocking pool, one build per
/// core at once, and one of each read at once ([`flights::fly`]). A build
/// keeps its turn until it is done, also when its reader is gone first.
async fn remembered(entry: &Arc<WsEntry>, read: Read) -> Result<Kept> {
    let turn = Arc::clone(&entry.builds).acquire_owned();
    let turn = async {
        turn.await
            .map_err(|_| Error::new(Code::Internal, "the server is shutting down"))
    };
    let e = entry.clone();
    let build = move |turn| async move {
        let _turn = turn;
        if let Some(value) = e.peek(read) {
            return Ok(value);
        }
        let b = e.clone();
        blocking(move || build_kept(&b, read)).await
    };
    if entry.memo.is_none() {
        // Nothing is kept: every reader builds.
        return flights::alone(turn, build).await;
    }
    let peeker = entry.clone();
    flights::fly(&entry.flights, read, move || peeker.peek(read), turn, build).await
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
        Read::Skills { global } => items_body(|out| skills::list_json(ws, global, out)),
        Read::Mcp { global, secrets } => {
            let mut items = mcp::list(ws, global)?;
            if !secrets {
                secrets::redact_mcp(&mut items);
            }
            json(encode(&Items { items }))
        }
        Read::Commands { scope } => items_body(|out| commands::list_json(ws, scope, out)),
        // A JSON array already (see `audit::tail_json`).
        Read::Audit { limit } => items_body(|out| {
            out.extend_from_slice(ws.audit_tail_json(limit)?.as_bytes());
            Ok(())
        }),
        // The ETag is taken first, so that a change in between only makes
        // a later If-Match fail; it never pairs an old view with a new tag.
        Read::Config => {
            let etag = config::etag(ws)?;
            let mut body = Vec::new();
            config::show(ws)?.write(&mut body);
            // Kept as long as it is (as `items_body`'s bodies are).
            body.shrink_to_fit();
            Ok(Kept::Tagged(Arc::new((etag, Bytes::from(body)))))
        }
        Read::Export => {
            let mut text = ExportWriter::new(SPILL_AFTER);
            transfer::export_into(ws, &mut text)?;
            Ok(Kept::Export(Arc::new(text.finish()?)))
        }
        Read::Authorized => Err(Error::new(Code::Internal, "not a read of files")),
    }
}

/// `{"items":[…]}` with the array written by `array` straight into the
/// body (a listing of 10,000 commands is some 4 MB: not copied), which is
/// then kept exactly as long as it is: the memo counts what it keeps.
fn items_body(array: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> Result<Kept> {
    let mut body = b"{\"items\":".to_vec();
    array(&mut body)?;
    body.push(b'}');
    body.shrink_to_fit();
    Ok(Kept::Json(Bytes::from(body)))
}

/// The export with the time of this answer, its length told up front.
fn export_response(export: Arc<Export>) -> Response {
    let at = now_ms();
    let len = export.len_at(at);
    let body = futures_util::stream::iter(export_body::Body::new(export, at));
    let mut resp = warp::reply::stream(body).into_response();
    let headers = resp.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::transfer::ExportDoc;

    #[test]
    fn only_an_export_is_held_and_only_while_someone_holds_it() {
        let doc = ExportDoc {
            workspace_id: "ws".into(),
            exported_at: 0,
            opencode: Default::default(),
            openwork: Default::default(),
            skills: Vec::new(),
            commands: Vec::new(),
        };
        let mut text = ExportWriter::new(SPILL_AFTER);
        doc.feed(&mut text);
        let export = Kept::Export(Arc::new(text.finish().expect("written")));
        let held = export.hold().expect("an export is held");
        match (held(), &export) {
            (Some(Kept::Export(again)), Kept::Export(first)) => {
                assert!(Arc::ptr_eq(&again, first), "the same export, not a copy")
            }
            _ => panic!("the held export was not given back"),
        }
        drop(export);
        assert!(held().is_none(), "held weakly: gone once no one holds it");
        assert!(Kept::Json(Bytes::new()).hold().is_none());
    }
}
