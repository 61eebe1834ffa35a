//! `GET`, `POST /workspace/:id/mcp` and `DELETE …/mcp/:name`. The
//! user-wide servers of `?includeGlobal=true` come with their secret values
//! as `"***"` unless the host's token comes with the client's.

use crate::Result;
use crate::server::payloads;
use crate::server::reads::{self, Read};
use crate::server::request::Request;
use crate::workspace::mcp;
use warp::reply::Response;

/// The project's list: what a write answers.
const PROJECT: Read = Read::Mcp {
    global: false,
    secrets: false,
};

pub async fn list(req: Request, id: String) -> Result<Response> {
    let (_, entry) = req.workspace(&id)?;
    let global = req.include_global();
    let secrets = global && req.host().is_ok();
    reads::answer(&entry, Read::Mcp { global, secrets }).await
}

pub async fn add(mut req: Request, id: String) -> Result<Response> {
    let (actor, entry) = req.workspace(&id)?;
    let (name, config) = req.payload(payloads::mcp).await?;
    let written = req
        .state
        .write_plan(&entry, actor, Some(PROJECT), move |ws| {
            mcp::plan_add(ws, &name, &config)
        })
        .await?;
    Ok(written.opencode.tag(reads::answer(&entry, PROJECT).await?))
}

pub async fn remove(req: Request, (id, name): (String, String)) -> Result<Response> {
    let (actor, entry) = req.workspace(&id)?;
    let name = payloads::segment(&name)?;
    let written = req
        .state
        .write_plan(&entry, actor, Some(PROJECT), move |ws| {
            mcp::plan_remove(ws, &name)
        })
        .await?;
    Ok(written.opencode.tag(reads::answer(&entry, PROJECT).await?))
}
