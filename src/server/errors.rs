//! Errors on the wire (docs/api.md#errors): `{code, message, details?}` with the
//! status of the code. Internal failures get a generic message: their
//! details (paths, OS errors) go to the local log only.

use crate::{Code, Error};
use serde::Serialize;
use serde_json::Value;
use std::convert::Infallible;
use warp::http::StatusCode;
use warp::http::header::{CONTENT_TYPE, HeaderValue};
use warp::reply::Response;

pub fn status(code: Code) -> StatusCode {
    match code {
        Code::InvalidDescription | Code::InvalidJsonc | Code::InvalidWorkspaceJson => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Code::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        c if c.is_bad_input() => StatusCode::BAD_REQUEST,
        Code::Unauthorized => StatusCode::UNAUTHORIZED,
        Code::WriteDenied | Code::ReadOnly | Code::WorkspaceUnauthorized => StatusCode::FORBIDDEN,
        Code::NotFound | Code::WorkspaceNotFound | Code::ApprovalNotFound | Code::SkillNotFound => {
            StatusCode::NOT_FOUND
        }
        Code::Conflict => StatusCode::CONFLICT,
        Code::TooManyPending | Code::TooManyStreams => StatusCode::TOO_MANY_REQUESTS,
        Code::HostNotAllowed => StatusCode::MISDIRECTED_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'a Value>,
}

/// A JSON response: compact, `Content-Type: application/json`.
pub fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut resp = Response::new(bytes.into());
            *resp.status_mut() = status;
            resp.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            resp
        }
        Err(_) => error_response(&Error::new(Code::Internal, "could not encode the answer")),
    }
}

pub fn error_response(err: &Error) -> Response {
    let status = status(err.code);
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        // The message may hold a path from the workspace: escaped, as
        // everything from outside that reaches the host's terminal.
        tracing::error!(
            "internal error: {}",
            crate::display::line(err.local_message())
        );
        return json(
            status,
            &Body {
                code: Code::Internal.as_str(),
                message: "Unexpected server error",
                details: None,
            },
        );
    }
    json(
        status,
        &Body {
            code: err.code.as_str(),
            message: &err.message,
            details: err.details.as_deref(),
        },
    )
}

/// The rejection of a request whose `Host` does not name this server
/// (see [`super::hosts`]).
#[derive(Debug)]
pub struct HostNotAllowed;

impl warp::reject::Reject for HostNotAllowed {}

pub fn not_found() -> Response {
    error_response(&Error::new(Code::NotFound, "Not found"))
}

/// Whatever no route took: `404 not_found`, for a known path with another
/// method too (not `405`: one answer for every route that does not exist,
/// the one the OpenWork clients handle; docs/api.md#endpoints), anything
/// else a 500.
pub async fn handle_rejection(r: warp::Rejection) -> Result<Response, Infallible> {
    if r.is_not_found() || r.find::<warp::reject::MethodNotAllowed>().is_some() {
        return Ok(not_found());
    }
    if r.find::<HostNotAllowed>().is_some() {
        return Ok(error_response(&Error::new(
            Code::HostNotAllowed,
            "this server does not answer to that Host; add the name with --allowed-host",
        )));
    }
    if r.find::<warp::reject::PayloadTooLarge>().is_some() {
        return Ok(error_response(&Error::new(
            Code::PayloadTooLarge,
            "request body is too large",
        )));
    }
    let mut e = Error::new(Code::Internal, "unhandled rejection");
    e.private = Some(format!("unhandled rejection: {r:?}").into());
    Ok(error_response(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(status(Code::InvalidJson), 400);
        assert_eq!(status(Code::InvalidWorkspaceJson), 422);
        assert_eq!(status(Code::InvalidJsonc), 422);
        assert_eq!(status(Code::InvalidDescription), 422);
        assert_eq!(status(Code::InvalidMcpConfig), 400);
        assert_eq!(status(Code::PayloadTooLarge), 413);
        assert_eq!(status(Code::ReadOnly), 403);
        assert_eq!(status(Code::SkillNotFound), 404);
        assert_eq!(status(Code::TooManyPending), 429);
        assert_eq!(status(Code::HostNotAllowed), 421);
        assert_eq!(status(Code::Internal), 500);
    }

    #[test]
    fn internal_errors_hide_their_details() {
        let mut e = Error::new(Code::Internal, "could not read /secret/path");
        e.private = Some("/secret/path: permission denied".into());
        let resp = error_response(&e);
        assert_eq!(resp.status(), 500);
    }
}
