//! `GET /workspace/:id/audit?limit=N`: the newest entries first.

use crate::Result;
use crate::server::reads::{self, Read};
use crate::server::request::Request;
use warp::reply::Response;

pub async fn list(req: Request, id: String) -> Result<Response> {
    let (_, entry) = req.workspace(&id)?;
    let limit = req.audit_limit();
    reads::answer(&entry, Read::Audit { limit }).await
}
