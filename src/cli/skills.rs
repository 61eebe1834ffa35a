//! `openwork skills list|show|add|remove`.

use super::{CmdResult, Ctx, Failure, WriteArgs, usage};
use clap::Subcommand;
use openwork::Error;
use openwork::workspace::skills;
use serde_json::json;
use std::cell::Cell;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  openwork skills list --global\n  openwork skills add triage --file SKILL.md\n  openwork skills show triage"
)]
pub enum SkillsCmd {
    /// List the skills OpenCode loads (.opencode, .claude, .agents up to the git root; skills.paths).
    #[command(
        after_help = "Examples:\n  openwork skills list\n  openwork --json skills list --global"
    )]
    List {
        /// Include user-wide skills (~/.config/opencode/skills, ~/.claude/skills).
        #[arg(long)]
        global: bool,
    },
    /// Print a skill's SKILL.md.
    #[command(
        after_help = "Examples:\n  openwork skills show triage\n  openwork --json skills show triage"
    )]
    Show {
        #[arg(add = clap_complete::ArgValueCandidates::new(super::complete::skill_names))]
        name: String,
    },
    /// Add or replace a project skill from a file or standard input.
    #[command(
        after_help = "Examples:\n  openwork skills add release-notes --description 'Write release notes' --file notes.md\n  cat SKILL.md | openwork skills add release-notes"
    )]
    Add {
        #[arg(allow_hyphen_values = true)]
        name: String,
        /// Description (the content's own frontmatter description wins).
        #[arg(long, short)]
        description: Option<String>,
        /// Read the content from this file instead of standard input.
        #[arg(long, short, value_name = "FILE")]
        file: Option<PathBuf>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove a project skill (its whole folder).
    #[command(after_help = "Examples:\n  openwork skills remove triage --dry-run")]
    Remove {
        #[arg(allow_hyphen_values = true, add = clap_complete::ArgValueCandidates::new(super::complete::skill_names))]
        name: String,
        #[command(flatten)]
        write: WriteArgs,
    },
}

/// Content from `--file`, else from a piped standard input.
// The file the user names is input, not a workspace file: read directly.
#[allow(clippy::disallowed_methods)]
pub fn read_content(file: Option<&PathBuf>, what: &str) -> Result<String, Failure> {
    match file {
        Some(path) if path.as_os_str() != "-" => std::fs::read_to_string(path).map_err(|e| {
            Failure::from(Error::io("read", path, e)).with_hint(format!(
                "check that {} is a readable text file",
                path.display()
            ))
        }),
        _ => {
            if file.is_none() && std::io::stdin().is_terminal() {
                return Err(usage(format!(
                    "give the {what} with --file FILE or on standard input"
                )));
            }
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                Failure::from(Error::io("read", std::path::Path::new("standard input"), e))
            })?;
            Ok(text)
        }
    }
}

pub fn run(ctx: &Ctx, cmd: SkillsCmd) -> CmdResult {
    let ws = ctx.workspace()?;
    match cmd {
        SkillsCmd::List { global } => {
            let items = ws.read(|ws| skills::list(ws, global))?;
            if ctx.out.json {
                ctx.out.print_json(&json!({ "items": items }));
            } else {
                let rows = items
                    .iter()
                    .map(|s| {
                        let path = std::path::Path::new(&s.path);
                        vec![
                            s.name.clone(),
                            s.description.clone(),
                            s.scope.clone(),
                            ws.relative(path),
                        ]
                    })
                    .collect();
                ctx.out.table(
                    &["NAME", "DESCRIPTION", "SCOPE", "PATH"],
                    rows,
                    "No skills.",
                );
            }
            Ok(())
        }
        SkillsCmd::Show { name } => {
            let (item, content) = ws.read(|ws| skills::read(ws, &name))?;
            if ctx.out.json {
                ctx.out
                    .print_json(&json!({ "item": item, "content": content }));
            } else {
                ctx.out.raw(&content);
            }
            Ok(())
        }
        SkillsCmd::Add {
            name,
            description,
            file,
            write,
        } => {
            let content = read_content(file.as_ref(), "skill content")?;
            // The skill as written, which is what `--json` prints.
            let written = Cell::new(None);
            ctx.write(
                &ws,
                &write,
                |ws| {
                    let (plan, w) =
                        skills::plan_upsert(ws, &name, &content, description.as_deref())?;
                    written.set(Some(w));
                    Ok(plan)
                },
                |_| Ok(written.take()),
            )
        }
        SkillsCmd::Remove { name, write } => ctx.write(
            &ws,
            &write,
            |ws| skills::plan_delete(ws, &name),
            |ws| Ok(json!({ "items": ws.read(|ws| skills::list(ws, false))? })),
        ),
    }
}
