//! What a handler gets of its request, and the pieces every endpoint
//! starts with: the client's or the host's token, the workspace of the
//! path, the JSON body (read, bounded, only once the request is
//! authenticated), the query parameters and `If-Match`.

use super::conn::Standing;
use super::payloads;
use super::state::{State, WsEntry};
use crate::workspace::Actor;
use crate::{Code, Error, Result};
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde_json::{Map, Value};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use warp::http::HeaderMap;
use warp::http::header::{CONTENT_LENGTH, IF_MATCH, TRANSFER_ENCODING};

/// A request body, read only after the request is authenticated.
pub type BodyStream = Pin<Box<dyn Stream<Item = std::result::Result<Bytes, warp::Error>> + Send>>;

/// A request that matched a route, but for its path parameters.
pub struct Request {
    pub state: State,
    pub headers: HeaderMap,
    /// The raw query string, `""` when there is none.
    pub query: String,
    /// Taken by [`Request::payload`].
    pub body: Option<BodyStream>,
    /// The connection's standing, when it came through [`super::conn`]:
    /// proven once an authenticated request is whole.
    pub standing: Option<Standing>,
    /// The body's share of the bytes writes may hold in flight, held until
    /// the request ends (see [`Request::payload`]).
    pub held: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Request {
    /// The client's token (`401` without it); who is asking.
    pub fn client(&self) -> Result<Actor> {
        let actor = self.state.tokens.client(&self.headers)?;
        self.authenticated();
        Ok(actor)
    }

    /// The host's token (`401` without it).
    pub fn host(&self) -> Result<Actor> {
        let actor = self.state.tokens.host(&self.headers)?;
        self.authenticated();
        Ok(actor)
    }

    /// The request is authenticated: with no body, it is whole, and its
    /// connection no longer counts against its address (see
    /// [`super::conn`]); with one, that waits until the body is read.
    fn authenticated(&self) {
        let has_body = self.headers.contains_key(TRANSFER_ENCODING)
            || self
                .headers
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim() != "0");
        if !has_body {
            self.prove();
        }
    }

    fn prove(&self) {
        if let Some(standing) = &self.standing {
            standing.prove();
        }
    }

    /// A client's request on the workspace of the path segment `raw_id`:
    /// the token first, then the workspace.
    pub fn workspace(&self, raw_id: &str) -> Result<(Actor, Arc<WsEntry>)> {
        let actor = self.client()?;
        Ok((actor, self.state.workspace(raw_id)?))
    }

    /// The body as a JSON object (anything else is `400 invalid_json`),
    /// checked by `parse`.
    pub async fn payload<T>(&mut self, parse: fn(&Map<String, Value>) -> Result<T>) -> Result<T> {
        let body = self
            .body
            .take()
            .ok_or_else(|| Error::new(Code::InvalidJson, "Invalid JSON body"))?;
        let limit = self.state.settings.body_limit;
        // The body's room among the bytes that writes hold in flight (read,
        // planned, waiting for approval), before a byte of it is read.
        let room = declared_length(&self.headers).map_or(limit, |n| n.min(limit as u64) as usize);
        let held = u32::try_from(room.max(1))
            .ok()
            .and_then(|n| {
                self.state
                    .write_bytes
                    .clone()
                    .try_acquire_many_owned(n)
                    .ok()
            })
            .ok_or_else(|| {
                Error::new(
                    Code::TooManyPending,
                    "the writes in progress hold too much; retry later",
                )
            })?;
        self.held = Some(held);
        let bytes = read_body(&self.headers, body, limit).await?;
        // Whole, and read only after authentication (every caller checks
        // the token first).
        self.prove();
        // The bytes go here: a write that then waits for approval holds
        // only what was parsed from them.
        parse(&payloads::object(&bytes)?)
    }

    /// The value of `key` in the query string, if present.
    pub fn param(&self, key: &str) -> Option<String> {
        query_param(&self.query, key)
    }

    /// `?includeGlobal=true`.
    pub fn include_global(&self) -> bool {
        self.param("includeGlobal").as_deref() == Some("true")
    }

    /// `?limit=N` of the audit log: a positive finite number, cut to an
    /// integer and to at most 200; anything else means 50.
    pub fn audit_limit(&self) -> usize {
        audit_limit(&self.query)
    }

    /// `If-Match`: `None` when absent, else the listed tags (`*` matches any).
    pub fn if_match(&self) -> Result<Option<Vec<String>>> {
        let mut tags = Vec::new();
        let mut seen = false;
        for value in self.headers.get_all(IF_MATCH) {
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
}

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

/// `?limit=N` read as a number, leniently, as docs/api.md#audit says (a
/// positive one cut to an integer and to 200, anything else 50): see
/// [`Request::audit_limit`].
fn audit_limit(query: &str) -> usize {
    const DEFAULT: usize = 50;
    const MAX: usize = 200;
    match query_param(query, "limit").and_then(|v| v.trim().parse::<f64>().ok()) {
        Some(n) if n.is_finite() && n > 0.0 => (n.trunc() as usize).clamp(1, MAX),
        _ => DEFAULT,
    }
}

/// How long a body may pause between two chunks, and take in all: a
/// client that stalls mid-body does not hold its connection for ever.
const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(10);
const BODY_TOTAL_TIMEOUT: Duration = Duration::from_secs(60);
/// After [`BODY_RATE_GRACE`], a body must have come at this rate on
/// average (bytes a second): one trickled a byte at a time is given up.
const BODY_MIN_RATE: u64 = 1024;
const BODY_RATE_GRACE: Duration = Duration::from_secs(4);

/// The body's length as `Content-Length` says it.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
}

/// When a body of which `received` bytes came, starting at `start`, must
/// have its next byte to keep [`BODY_MIN_RATE`].
fn rate_deadline(start: tokio::time::Instant, received: usize) -> tokio::time::Instant {
    let secs = (received as u64 + 1).div_ceil(BODY_MIN_RATE);
    start + BODY_RATE_GRACE + Duration::from_secs(secs)
}

/// Reads a body of at most `limit` bytes: a larger `Content-Length` is
/// refused before anything is read, a longer stream is cut at the limit,
/// and a stalled or trickled one is given up (`400 invalid_json`).
async fn read_body(headers: &HeaderMap, mut body: BodyStream, limit: usize) -> Result<Bytes> {
    let too_large = || {
        Error::new(
            Code::PayloadTooLarge,
            format!("request body is larger than {limit} bytes"),
        )
    };
    let declared = declared_length(headers);
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    // Grown as the bytes come, not reserved on the client's word.
    let mut buf = BytesMut::with_capacity(declared.unwrap_or(0).min(64 * 1024) as usize);
    let start = tokio::time::Instant::now();
    let deadline = start + BODY_TOTAL_TIMEOUT;
    loop {
        let pause = (tokio::time::Instant::now() + BODY_IDLE_TIMEOUT)
            .min(deadline)
            .min(rate_deadline(start, buf.len()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_must_keep_a_minimum_rate() {
        let start = tokio::time::Instant::now();
        // Four seconds of grace, then a second per KiB.
        assert_eq!(rate_deadline(start, 0), start + Duration::from_secs(5));
        assert_eq!(rate_deadline(start, 1023), start + Duration::from_secs(5));
        assert_eq!(rate_deadline(start, 1024), start + Duration::from_secs(6));
        assert!(rate_deadline(start, 1 << 20) - start > BODY_TOTAL_TIMEOUT);
    }

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
