//! `GET`, `POST /workspace/:id/skills` and `DELETE …/skills/:name`.

use crate::Result;
use crate::server::payloads;
use crate::server::reads::{self, Read};
use crate::server::reply::ok;
use crate::server::request::Request;
use crate::workspace::skills;
use warp::reply::Response;

pub async fn list(req: Request, id: String) -> Result<Response> {
    let (_, entry) = req.workspace(&id)?;
    let global = req.include_global();
    reads::answer(&entry, Read::Skills { global }).await
}

/// Answers the skill as written.
pub async fn upsert(mut req: Request, id: String) -> Result<Response> {
    let (actor, entry) = req.workspace(&id)?;
    let b = req.payload(payloads::skill).await?;
    let written = req
        .state
        .write(&entry, actor, None, move |ws| {
            skills::plan_upsert(ws, &b.name, &b.content, b.description.as_deref())
        })
        .await?;
    Ok(written.opencode.tag(ok(&written.value)?))
}

pub async fn delete(req: Request, (id, name): (String, String)) -> Result<Response> {
    let (actor, entry) = req.workspace(&id)?;
    let name = payloads::segment(&name)?;
    let written = req
        .state
        .write_plan(
            &entry,
            actor,
            Some(Read::Skills { global: false }),
            move |ws| skills::plan_delete(ws, &name),
        )
        .await?;
    Ok(written
        .opencode
        .tag(reads::answer(&entry, Read::Skills { global: false }).await?))
}
