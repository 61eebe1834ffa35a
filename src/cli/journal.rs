//! `openwork journal discard`: remove a journal openwork refused to
//! finish, once the user has looked at it.

use super::{CmdResult, Ctx};
use clap::Subcommand;
use serde_json::json;

const AFTER_HELP: &str = "\
A write of several files keeps a journal (.opencode/openwork/journal.json) until it is
complete, and the next write finishes one a crash interrupted. openwork refuses a journal
it did not write itself (one a repository ships, another user's, or one written before
its key was lost): writes stop with an error naming it, and nothing is changed. Look at
the file, then discard it with this command; nothing else is changed.

Examples:
  cat .opencode/openwork/journal.json     # look first
  openwork journal discard
  openwork journal discard --global   # the user-wide config's journal";

#[derive(Debug, Subcommand)]
#[command(after_help = AFTER_HELP)]
pub enum JournalCmd {
    /// Remove the workspace's journal without finishing the write it holds.
    #[command(after_help = AFTER_HELP)]
    Discard {
        /// The journal of the user-wide OpenCode config (kept in openwork's state folder).
        #[arg(long)]
        global: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: JournalCmd) -> CmdResult {
    match cmd {
        JournalCmd::Discard { global } => discard(ctx, global),
    }
}

fn discard(ctx: &Ctx, global: bool) -> CmdResult {
    let ws = ctx.workspace_for(global)?;
    let discarded = ws.discard_journal()?;
    if ctx.out.json {
        ctx.out.print_json(&json!({
            "discarded": discarded.is_some(),
            "sealed": discarded.map(|d| d.sealed),
        }));
        return Ok(());
    }
    match discarded {
        None => ctx.out.info("There is no journal to discard."),
        Some(d) if d.sealed => ctx.out.success(
            "Discarded the journal: an interrupted write of yours, left unfinished; nothing else changed",
        ),
        Some(_) => ctx.out.success(
            "Discarded the journal openwork did not write; nothing else changed",
        ),
    }
    Ok(())
}
