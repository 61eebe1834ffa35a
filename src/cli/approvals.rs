//! `openwork approvals` (placeholder until the server lands).

use super::{CmdResult, Ctx, usage};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ApprovalsCmd {
    /// List pending approvals.
    List,
}

pub fn run(_ctx: &Ctx, _cmd: ApprovalsCmd) -> CmdResult {
    Err(usage("openwork approvals is not built yet"))
}
