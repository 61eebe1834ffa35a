//! The host's endpoints: `GET /approvals` (the pending writes),
//! `GET /approvals/:id` (one, with its whole diff), `POST /approvals/:id`
//! (allow or deny one) and `POST /approvals/handshake` (the server proves
//! it holds the host token, [`crate::server::handshake`]). The event
//! stream is [`crate::server::events`].

use crate::server::models::{ApprovalRequest, HandshakeProof, Items, Replied};
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
    let written = req.state.approvals.reply(&id, allow).await?;
    ok(&Replied {
        ok: true,
        allowed: allow,
        written: written.is_ok(),
        not_written: written.err().filter(|_| allow),
    })
}

/// No auth: the proof is worth nothing to anyone but a client that knows
/// the host token and chose the nonce.
pub async fn handshake(mut req: Request, _: ()) -> Result<Response> {
    let nonce = req.payload(payloads::nonce).await?;
    let proof = req.state.tokens.host_proof(&nonce, req.state.port);
    ok(&HandshakeProof { proof })
}
