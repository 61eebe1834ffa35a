//! `openwork plugins list|add|remove`.

use super::report::Removable;
use super::{CmdResult, Ctx, Failure, RemoveArgs, WriteArgs};
use clap::Subcommand;
use openwork::Error;
use openwork::workspace::plugins::{self, OnListed, PluginList};
use openwork::workspace::{Workspace, validate};

#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  openwork plugins list --global\n  openwork plugins add opencode-wakatime  # idempotent: safe in CI\n  openwork plugins add @acme/tools@2      # updates @acme/tools@1.2 in place\n  openwork plugins add opencode-wakatime --global  # every project\n  openwork plugins remove opencode-wakatime --dry-run"
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
    /// Add plugins (npm specs, paths, file://, git and tarball URLs), or change a listed one's version.
    ///
    /// A plugin that is listed stays as it is, unless the spec names another
    /// version: `@acme/tools@2` replaces `@acme/tools@1.2` in place. The same
    /// spec again, or the bare name, changes nothing.
    #[command(
        after_help = "Examples:\n  openwork plugins add opencode-wakatime\n  openwork plugins add @scope/plugin@1.2 file:///opt/p.js ./plugins/local\n  openwork plugins add @scope/plugin@2      # Update plugin @scope/plugin@1.2 → @scope/plugin@2\n  openwork plugins add github:owner/repo#v1 git+https://example.com/p.git https://example.com/p.tgz"
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
        remove: RemoveArgs,
    },
}

pub fn run(ctx: &Ctx, cmd: PluginsCmd) -> CmdResult {
    let ws = ctx.workspace_for(match &cmd {
        PluginsCmd::List { .. } => false,
        PluginsCmd::Add { write, .. } => write.global,
        PluginsCmd::Remove { remove, .. } => remove.write.global,
    })?;
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
                            p.scope.clone(),
                            super::shown_file(&ws, &p.from.file),
                        ]
                    })
                    .collect();
                ctx.out
                    .table(&["PLUGIN", "SCOPE", "FROM"], rows, "No plugins.");
            }
            Ok(())
        }
        PluginsCmd::Add { specs, write } => {
            for spec in &specs {
                validate::new_plugin_spec(spec).map_err(|e| {
                    Failure::from(e).with_hint(
                        "a spec is an npm package (name, @scope/name, with @version, @tag or @range), \
                         a path (./dir, /abs/p.js), a file:// URL, a git URL (git+https://…, git+ssh://…, \
                         github:owner/repo) or an http(s) tarball URL",
                    )
                })?;
            }
            ctx.write_each(
                &ws,
                &write,
                &specs,
                |_| Ok(()),
                |ws, spec| plugins::plan_add(ws, spec, OnListed::Upgrade),
                answer,
            )
        }
        PluginsCmd::Remove { names, remove } => ctx.remove_each(
            &ws,
            &remove,
            Removable::Plugin,
            &names,
            plugins::plan_remove,
            answer,
        ),
    }
}

/// What `POST` and `DELETE …/plugins` answer: the workspace's plugins
/// (with `--global`, the user-wide ones).
fn answer(ws: &Workspace) -> Result<PluginList, Error> {
    ws.read(|ws| plugins::list(ws, ws.is_global()))
}
