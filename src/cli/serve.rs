//! `openwork serve` (placeholder until the server lands).

use super::{CmdResult, Ctx, usage};
use clap::Args;

#[derive(Debug, Args)]
pub struct ServeArgs {}

pub fn run(_ctx: &Ctx, _args: ServeArgs) -> CmdResult {
    Err(usage("openwork serve is not built yet"))
}
