//! `openwork commands list|add|remove`.

use super::report::Removable;
use super::skills::read_content;
use super::{CmdResult, Ctx, RemoveArgs, WriteArgs, usage};
use clap::Subcommand;
use openwork::workspace::commands::{self, CommandInput, Scope};
use serde_json::json;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  openwork commands add review --template 'Review $ARGUMENTS'\n  openwork commands add git/commit --template 'Commit $ARGUMENTS'\n  openwork commands list --global\n  openwork commands remove review"
)]
pub enum CommandsCmd {
    /// List the commands OpenCode loads in the workspace (nested ones as git/commit).
    #[command(
        after_help = "Examples:\n  openwork commands list\n  openwork --json commands list --global"
    )]
    List {
        /// Also list user-wide commands (~/.config/opencode/commands).
        #[arg(long)]
        global: bool,
    },
    /// Print a command's template (--json: the whole command, where it comes from).
    #[command(
        after_help = "Examples:\n  openwork commands show review\n  openwork --json commands show git/commit"
    )]
    Show {
        #[arg(allow_hyphen_values = true, add = clap_complete::ArgValueCandidates::new(super::complete::command_names))]
        name: String,
    },
    /// Add or replace a command (git/commit writes .opencode/commands/git/commit.md).
    #[command(
        after_help = "Examples:\n  openwork commands add review --template 'Review $ARGUMENTS' --description 'Review code'\n  openwork commands add deploy --file deploy.md --agent build --subtask\n  openwork commands add review --template 'Review $ARGUMENTS' --global  # every project"
    )]
    Add {
        /// Command name (a leading '/' is dropped).
        name: String,
        /// The prompt template.
        #[arg(long, short, conflicts_with = "file")]
        template: Option<String>,
        /// Read the template from a file ('-' for standard input).
        #[arg(long, short, value_name = "FILE")]
        file: Option<PathBuf>,
        #[arg(long, short)]
        description: Option<String>,
        /// Agent that runs the command.
        #[arg(long)]
        agent: Option<String>,
        /// Model, as provider/model.
        #[arg(long)]
        model: Option<String>,
        /// Run as a subtask.
        #[arg(long)]
        subtask: bool,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove commands.
    #[command(
        after_help = "Examples:\n  openwork commands remove review\n  openwork commands remove old-one --if-exists  # no error if it is gone"
    )]
    Remove {
        #[arg(required = true, value_name = "NAME", add = clap_complete::ArgValueCandidates::new(super::complete::command_names))]
        names: Vec<String>,
        #[command(flatten)]
        remove: RemoveArgs,
    },
}

pub fn run(ctx: &Ctx, cmd: CommandsCmd) -> CmdResult {
    let ws = ctx.workspace_for(match &cmd {
        CommandsCmd::List { .. } | CommandsCmd::Show { .. } => false,
        CommandsCmd::Add { write, .. } => write.global,
        CommandsCmd::Remove { remove, .. } => remove.write.global,
    })?;
    match cmd {
        CommandsCmd::List { global } => {
            let mut items = ws.read(|ws| commands::list(ws, Scope::Workspace))?;
            if global {
                items.extend(ws.read(|ws| commands::list(ws, Scope::Global))?);
            }
            if ctx.out.json {
                ctx.out.print_json(&json!({ "items": items }));
            } else {
                let rows = items
                    .iter()
                    .map(|c| {
                        vec![
                            format!("/{}", c.name),
                            c.description.clone().unwrap_or_default(),
                            c.agent.clone().unwrap_or_default(),
                            c.model.clone().unwrap_or_default(),
                            // One word for people for what skills call
                            // `project` (the JSON keeps `workspace`).
                            match c.scope.as_str() {
                                "workspace" => "project".to_string(),
                                other => other.to_string(),
                            },
                            super::shown_file(&ws, &c.from.file),
                        ]
                    })
                    .collect();
                ctx.out.table(
                    &["COMMAND", "DESCRIPTION", "AGENT", "MODEL", "SCOPE", "FROM"],
                    rows,
                    "No commands.",
                );
            }
            Ok(())
        }
        CommandsCmd::Show { name } => {
            let item = ws.read(|ws| commands::read(ws, &name))?;
            if ctx.out.json {
                ctx.out.print_json(&json!({ "item": item }));
            } else {
                ctx.out.raw(&format!("{}\n", item.template));
            }
            Ok(())
        }
        CommandsCmd::Add {
            name,
            template,
            file,
            description,
            agent,
            model,
            subtask,
            write,
        } => {
            let template = match (template, file) {
                (Some(t), None) => t,
                (None, Some(f)) => read_content(Some(&f), "template")?,
                _ => {
                    return Err(usage(
                        "give the template with --template TEXT or --file FILE",
                    ));
                }
            };
            let input = CommandInput {
                name,
                template,
                description,
                agent,
                model,
                variant: None,
                // Only what is given is written: no `subtask: false`.
                subtask: subtask.then_some(true),
            };
            ctx.write(
                &ws,
                &write,
                |ws| commands::plan_upsert(ws, &input),
                |ws| {
                    let scope = super::report::commands_scope(ws);
                    Ok(json!({ "items": ws.read(|ws| commands::list(ws, scope))? }))
                },
            )
        }
        CommandsCmd::Remove { names, remove } => ctx.remove_each(
            &ws,
            &remove,
            Removable::Command,
            &names,
            commands::plan_delete,
            |_| Ok(json!({ "ok": true })),
        ),
    }
}
