//! The host's endpoints: `GET /approvals` (the pending writes),
//! `GET /approvals/:id` (one, with its whole diff) and
//! `POST /approvals/:id` (allow or deny one). The event stream is
//! [`crate::server::events`].

use crate::server::models::{ApprovalRequest, Items, Replied};
use crate::server::payloads;
use crate::server::reply::ok;
use crate::server::request::Request;
use crate::{Code, Error, Result};
use warp::reply::Response;

pub async fn list(req: Request, _: ()) -> Result<Response> {
    req.host()?;
    let pending = req.state.approvals.list();
    let items: Vec<&ApprovalRequest> = pending.iter().map(|r| &**r).collect();
    ok(&Items { items })
}

/// One pending request with its whole diff, however long.
pub async fn show(req: Request, id: String) -> Result<Response> {
    req.host()?;
    let id = payloads::segment(&id)?;
    let request = req
        .state
        .approvals
        .whole(&id)
        .ok_or_else(|| Error::new(Code::ApprovalNotFound, "Approval request not found"))?;
    ok(&request)
}

pub async fn reply(mut req: Request, id: String) -> Result<Response> {
    req.host()?;
    let id = payloads::segment(&id)?;
    let allow = req.payload(payloads::reply).await?;
    let allowed = req.state.approvals.reply(&id, allow)?;
    ok(&Replied { ok: true, allowed })
}
