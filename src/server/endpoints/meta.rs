//! The server itself: `GET /health` (open), `GET /capabilities`,
//! `GET /workspaces`, and any `OPTIONS` (CORS preflight, open).

use crate::Result;
use crate::server::models::{Capabilities, Health, Items, WorkspaceInfo};
use crate::server::reply::ok;
use crate::server::request::Request;
use warp::http::StatusCode;
use warp::reply::Response;

pub async fn health(req: Request, _: ()) -> Result<Response> {
    ok(&Health {
        ok: true,
        version: env!("CARGO_PKG_VERSION"),
        uptime_ms: req.state.started.elapsed().as_millis() as u64,
    })
}

/// Any `OPTIONS` request: `204`, no auth (CORS headers are added around).
pub fn preflight() -> Response {
    let mut resp = Response::new(Default::default());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    resp
}

pub async fn capabilities(req: Request, _: ()) -> Result<Response> {
    req.client()?;
    ok(&Capabilities::new(req.state.settings.read_only))
}

pub async fn workspaces(req: Request, _: ()) -> Result<Response> {
    req.client()?;
    let items: Vec<&WorkspaceInfo> = req.state.workspaces.iter().map(|w| &w.info).collect();
    ok(&Items { items })
}
