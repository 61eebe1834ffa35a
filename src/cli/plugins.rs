//! `openwork plugins list|add|remove`.

use super::{CmdResult, Ctx, WriteArgs};
use clap::Subcommand;
use openwork::Error;
use openwork::workspace::{Plan, Workspace, plugins, validate};

#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  openwork plugins list --global\n  openwork plugins add opencode-wakatime  # idempotent: safe in CI\n  openwork plugins remove opencode-wakatime --dry-run"
)]
pub enum PluginsCmd {
    /// List the plugins OpenCode loads: config lists and plugin folders, one entry per plugin.
    #[command(
        after_help = "Examples:\n  openwork plugins list\n  openwork --json plugins list --global | jq -r '.items[].spec'"
    )]
    List {
        /// Include user-wide plugins (~/.config/opencode).
        #[arg(long)]
        global: bool,
    },
    /// Add plugins (npm specs, file:// URLs, paths). Adding one that is there is a no-op.
    #[command(
        after_help = "Examples:\n  openwork plugins add opencode-wakatime\n  openwork plugins add @scope/plugin@1.2 file:///opt/p.js"
    )]
    Add {
        #[arg(required = true, value_name = "SPEC")]
        specs: Vec<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove plugins by name (`@scope/name@1.2` matches `@scope/name`).
    #[command(
        after_help = "Examples:\n  openwork plugins remove opencode-wakatime\n  openwork plugins remove @acme/tools  # any version"
    )]
    Remove {
        #[arg(required = true, value_name = "NAME", add = clap_complete::ArgValueCandidates::new(super::complete::plugin_names))]
        names: Vec<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
}

pub fn run(ctx: &Ctx, cmd: PluginsCmd) -> CmdResult {
    let ws = ctx.workspace()?;
    match cmd {
        PluginsCmd::List { global } => {
            let list = ws.read(|ws| plugins::list(ws, global))?;
            if ctx.out.json {
                ctx.out.print_json(&list);
            } else {
                let rows = list
                    .items
                    .iter()
                    .map(|p| {
                        vec![
                            p.spec.clone(),
                            p.source.clone(),
                            p.scope.clone(),
                            ws.relative(std::path::Path::new(&p.from.file)),
                        ]
                    })
                    .collect();
                ctx.out
                    .table(&["PLUGIN", "SOURCE", "SCOPE", "FROM"], rows, "No plugins.");
            }
            Ok(())
        }
        PluginsCmd::Add { specs, write } => write_each(ctx, &ws, &write, &specs, plugins::plan_add),
        PluginsCmd::Remove { names, write } => {
            write_each(ctx, &ws, &write, &names, plugins::plan_remove)
        }
    }
}

/// Adds or removes: every name is checked before the first is written;
/// `--json` then prints the workspace's plugins, as `POST` and `DELETE
/// …/plugins` answer.
fn write_each(
    ctx: &Ctx,
    ws: &Workspace,
    args: &WriteArgs,
    names: &[String],
    plan: fn(&Workspace, &str) -> Result<Plan, Error>,
) -> CmdResult {
    ctx.write_each(
        ws,
        args,
        names,
        |name| validate::plugin_spec(name).map(drop),
        |ws, name| plan(ws, name),
        |ws| ws.read(|ws| plugins::list(ws, false)),
    )
}
