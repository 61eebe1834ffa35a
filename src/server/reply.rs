//! Building answers: a value as JSON, JSON text made elsewhere (the
//! memo's), an ETag, and the one place where a handler's `Result` becomes
//! a response, errors included.

use super::errors::{error_response, json};
use crate::Result;
use bytes::Bytes;
use serde::Serialize;
use warp::http::StatusCode;
use warp::http::header::{CONTENT_TYPE, ETAG, HeaderValue};
use warp::reply::Response;

/// A handler's answer, an error becoming its JSON error response.
pub fn respond(answer: Result<Response>) -> Response {
    answer.unwrap_or_else(|e| error_response(&e))
}

/// `200` with `value` as JSON.
pub fn ok<T: Serialize + ?Sized>(value: &T) -> Result<Response> {
    Ok(json(StatusCode::OK, value))
}

/// A 200 answer whose body is JSON text made elsewhere.
pub fn raw_json(body: Bytes) -> Response {
    let mut resp = Response::new(body.into());
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

pub fn with_etag(mut resp: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(etag) {
        resp.headers_mut().insert(ETAG, v);
    }
    resp
}
