//! `GET`, `POST /workspace/:id/commands` and `DELETE …/commands/:name`.
//! The global commands (`?scope=global`) need the host's token too.

use crate::Result;
use crate::server::models::OkReply;
use crate::server::payloads;
use crate::server::reads::{self, Read};
use crate::server::reply::ok;
use crate::server::request::Request;
use crate::workspace::commands::{self, Scope};
use warp::reply::Response;

pub async fn list(req: Request, id: String) -> Result<Response> {
    let (_, entry) = req.workspace(&id)?;
    let scope = if req.param("scope").as_deref() == Some("global") {
        req.host()?;
        Scope::Global
    } else {
        Scope::Workspace
    };
    reads::answer(&entry, Read::Commands { scope }).await
}

pub async fn upsert(mut req: Request, id: String) -> Result<Response> {
    let (actor, entry) = req.workspace(&id)?;
    let input = req.payload(payloads::command).await?;
    let written = req
        .state
        .write_plan(
            &entry,
            actor,
            Some(Read::Commands {
                scope: Scope::Workspace,
            }),
            move |ws| commands::plan_upsert(ws, &input),
        )
        .await?;
    let scope = Scope::Workspace;
    Ok(written
        .opencode
        .tag(reads::answer(&entry, Read::Commands { scope }).await?))
}

pub async fn delete(req: Request, (id, name): (String, String)) -> Result<Response> {
    let (actor, entry) = req.workspace(&id)?;
    let name = payloads::segment(&name)?;
    let written = req
        .state
        .write_plan(&entry, actor, None, move |ws| {
            commands::plan_delete(ws, &name)
        })
        .await?;
    Ok(written.opencode.tag(ok(&OkReply { ok: true })?))
}
