//! `GET /workspace/:id/export` and `POST …/import`.

use crate::Result;
use crate::server::models::OkReply;
use crate::server::payloads;
use crate::server::reads::{self, Read};
use crate::server::reply::ok;
use crate::server::request::Request;
use crate::workspace::transfer;
use warp::reply::Response;

pub async fn export(req: Request, id: String) -> Result<Response> {
    let (_, entry) = req.workspace(&id)?;
    reads::answer(&entry, Read::Export).await
}

pub async fn import(mut req: Request, id: String) -> Result<Response> {
    let (actor, entry) = req.workspace(&id)?;
    let doc = req.payload(payloads::import).await?;
    let written = req
        .state
        .write_plan(&entry, actor, None, move |ws| {
            transfer::plan_import(ws, &doc)
        })
        .await?;
    Ok(written.opencode.tag(ok(&OkReply { ok: true })?))
}
