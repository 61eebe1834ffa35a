//! `GET`, `POST /workspace/:id/plugins` and `DELETE …/plugins/:name`.

use crate::Result;
use crate::server::payloads;
use crate::server::reads::{self, Read};
use crate::server::request::Request;
use crate::workspace::plugins;
use warp::reply::Response;

pub async fn list(req: Request, id: String) -> Result<Response> {
    let (_, entry) = req.workspace(&id)?;
    let global = req.include_global();
    reads::answer(&entry, Read::Plugins { global }).await
}

pub async fn add(mut req: Request, id: String) -> Result<Response> {
    let (actor, entry) = req.workspace(&id)?;
    let spec = req.payload(payloads::plugin).await?;
    let written = req
        .state
        .write_plan(&entry, actor, move |ws| plugins::plan_add(ws, &spec))
        .await?;
    Ok(written
        .opencode
        .tag(reads::answer(&entry, Read::Plugins { global: false }).await?))
}

pub async fn remove(req: Request, (id, name): (String, String)) -> Result<Response> {
    let (actor, entry) = req.workspace(&id)?;
    let name = payloads::segment(&name)?;
    let written = req
        .state
        .write_plan(&entry, actor, move |ws| plugins::plan_remove(ws, &name))
        .await?;
    Ok(written
        .opencode
        .tag(reads::answer(&entry, Read::Plugins { global: false }).await?))
}
