//! `GET` and `PATCH /workspace/:id/config`, with its ETag and `If-Match`.

use crate::server::models::Patched;
use crate::server::payloads;
use crate::server::reads::{self, Read, blocking};
use crate::server::reply::{ok, with_etag};
use crate::server::request::Request;
use crate::workspace::{Workspace, config};
use crate::{Code, Error, Result};
use warp::reply::Response;

pub async fn get(req: Request, id: String) -> Result<Response> {
    let (_, entry) = req.workspace(&id)?;
    reads::answer(&entry, Read::Config).await
}

pub async fn patch(mut req: Request, id: String) -> Result<Response> {
    let (actor, entry) = req.workspace(&id)?;
    let tags = req.if_match()?;
    let (opencode, openwork) = req.payload(payloads::config_patch).await?;
    let written = req
        .state
        .write_plan(&entry, actor, None, move |ws| {
            check_if_match(ws, tags.as_deref())?;
            config::plan_patch(ws, opencode.as_ref(), openwork.as_ref())
        })
        .await?;
    let e = entry.clone();
    let (etag, view) =
        blocking(move || e.ws.read(|ws| Ok((config::etag(ws)?, config::show(ws)?)))).await?;
    let body = Patched {
        updated_at: view.updated_at,
        opencode: view.opencode,
        openwork: view.openwork,
    };
    Ok(written.opencode.tag(with_etag(ok(&body)?, &etag)))
}

/// `409 conflict` (with the current tag) unless one of `tags` is the
/// config's ETag or `*`; no `If-Match` always passes.
fn check_if_match(ws: &Workspace, tags: Option<&[String]>) -> Result<()> {
    let Some(tags) = tags else {
        return Ok(());
    };
    let current = config::etag(ws)?;
    if tags.iter().any(|t| t == "*" || *t == current) {
        Ok(())
    } else {
        Err(Error::new(
            Code::Conflict,
            "the config changed since it was read (If-Match does not match); read it again",
        )
        .with_details(serde_json::json!({ "etag": current })))
    }
}
