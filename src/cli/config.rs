//! `openwork config show|patch`.

use super::{CmdResult, Ctx, WriteArgs, usage};
use clap::Subcommand;
use openwork::workspace::{config, input};

#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  openwork config show\n  openwork config patch --opencode '{\"share\":\"disabled\"}'"
)]
pub enum ConfigCmd {
    /// Print the OpenCode and OpenWork config (as `GET …/config`).
    #[command(
        after_help = "Examples:\n  openwork config show\n  openwork config show --resolved\n  openwork --json config show | jq .resolved.opencode.mcp"
    )]
    Show {
        /// Print what OpenCode makes of every file it reads (parents, user-wide, .opencode/), and those files.
        #[arg(long)]
        resolved: bool,
    },
    /// Set top-level OpenCode keys and/or shallow-merge OpenWork keys.
    #[command(
        after_help = "Examples:\n  openwork config patch --opencode '{\"share\":\"disabled\"}'\n  openwork config patch --openwork '{\"defaultModel\":\"anthropic/claude\"}' --dry-run"
    )]
    Patch {
        /// JSON object: each top-level key is set in the OpenCode config (comments elsewhere kept).
        #[arg(long, value_name = "JSON")]
        opencode: Option<String>,
        /// JSON object shallow-merged into .opencode/openwork.json.
        #[arg(long, value_name = "JSON")]
        openwork: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
}

pub fn run(ctx: &Ctx, cmd: ConfigCmd) -> CmdResult {
    let ws = ctx.workspace()?;
    match cmd {
        ConfigCmd::Show { resolved } => {
            let view = ws.read(config::show)?;
            if ctx.out.json {
                ctx.out.print_json(&view);
            } else if resolved {
                for f in &view.resolved.files {
                    let edit = if f.editable { "" } else { ", read-only" };
                    let origin = format!("{:?}", f.origin).to_lowercase();
                    ctx.out.info(&ctx.out.dim(&format!(
                        "# {} ({origin}{edit})",
                        ws.relative(std::path::Path::new(&f.file)),
                    )));
                }
                ctx.out.print_json(&view.resolved.opencode);
            } else {
                ctx.out
                    .note(&format!("# {}", ws.relative(&ws.opencode_config())));
                ctx.out.print_json(&view.opencode);
                ctx.out
                    .note(&format!("# {}", ws.relative(&ws.openwork_config())));
                ctx.out.print_json(&view.openwork);
            }
            Ok(())
        }
        ConfigCmd::Patch {
            opencode,
            openwork,
            write,
        } => {
            if opencode.is_none() && openwork.is_none() {
                return Err(usage("give --opencode JSON and/or --openwork JSON"));
            }
            let opencode = opencode
                .map(|t| input::parse_object(&t, "--opencode"))
                .transpose()?;
            let openwork = openwork
                .map(|t| input::parse_object(&t, "--openwork"))
                .transpose()?;
            ctx.write(
                &ws,
                &write,
                |ws| config::plan_patch(ws, opencode.as_ref(), openwork.as_ref()),
                |ws| {
                    let view = ws.read(config::show)?;
                    Ok(serde_json::json!({
                        "updatedAt": view.updated_at,
                        "opencode": view.opencode,
                        "openwork": view.openwork,
                    }))
                },
            )
        }
    }
}
