//! `openwork skills list|show|add|edit|remove`.

use super::editor::EditCopy;
use super::report::{self, Removable};
use super::{CmdResult, Ctx, ExitStatus, Failure, RemoveArgs, WriteArgs, usage};
use clap::Subcommand;
use openwork::workspace::{Workspace, skills, validate};
use openwork::{Code, Error};
use serde_json::json;
use std::cell::Cell;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

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
        after_help = "Examples:\n  openwork skills add release-notes --description 'Write release notes' --file notes.md\n  cat SKILL.md | openwork skills add release-notes\n  openwork skills add triage --file SKILL.md --global  # ~/.config/opencode/skills"
    )]
    Add {
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
    /// Edit a project skill's SKILL.md in $VISUAL or $EDITOR, then write it as `skills add` does.
    #[command(
        after_help = "Examples:\n  openwork skills edit triage\n  EDITOR='code --wait' openwork skills edit triage\n  openwork skills edit triage --dry-run   # show the diff, write nothing"
    )]
    Edit {
        #[arg(add = clap_complete::ArgValueCandidates::new(super::complete::skill_names))]
        name: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove project skills (each one's whole folder).
    #[command(
        after_help = "Examples:\n  openwork skills remove triage --dry-run\n  openwork skills remove old-skill --if-exists  # no error if it is gone"
    )]
    Remove {
        #[arg(required = true, value_name = "NAME", add = clap_complete::ArgValueCandidates::new(super::complete::skill_names))]
        names: Vec<String>,
        #[command(flatten)]
        remove: RemoveArgs,
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
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::from(Error::io("read", Path::new("standard input"), e)))?;
            if text.trim().is_empty() {
                return Err(usage(format!(
                    "standard input is empty: give the {what} with --file FILE or pipe it in"
                )));
            }
            Ok(text)
        }
    }
}

pub fn run(ctx: &Ctx, cmd: SkillsCmd) -> CmdResult {
    let ws = ctx.workspace_for(match &cmd {
        SkillsCmd::List { .. } | SkillsCmd::Show { .. } => false,
        SkillsCmd::Add { write, .. } | SkillsCmd::Edit { write, .. } => write.global,
        SkillsCmd::Remove { remove, .. } => remove.write.global,
    })?;
    match cmd {
        SkillsCmd::List { global } => {
            let items = ws.read(|ws| skills::list(ws, global))?;
            if ctx.out.json {
                ctx.out.print_json(&json!({ "items": items }));
            } else {
                let rows = items
                    .iter()
                    .map(|s| {
                        vec![
                            s.name.clone(),
                            s.description.clone(),
                            s.scope.clone(),
                            super::shown_file(&ws, &s.path),
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
            // A bad name is said before any text is asked for.
            validate::skill_name(name.trim())?;
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
        SkillsCmd::Edit { name, write } => edit(ctx, &ws, &name, &write),
        SkillsCmd::Remove { names, remove } => ctx.remove_each(
            &ws,
            &remove,
            Removable::Skill,
            &names,
            skills::plan_delete,
            |ws| Ok(json!({ "items": ws.read(|ws| skills::list(ws, ws.is_global()))? })),
        ),
    }
}

/// `skills edit`: the editor on a private copy of SKILL.md, then the same
/// write as `skills add`, made only if the file still holds what the
/// editor was given. Whenever the edit is not written (the file moved,
/// the text is invalid, a dry run), the copy is kept and its path said.
fn edit(ctx: &Ctx, ws: &Workspace, name: &str, args: &WriteArgs) -> CmdResult {
    let found = ws.read(|ws| skills::read(ws, name));
    let (item, original) = match found {
        Ok(found) => found,
        Err(e) if e.code == Code::SkillNotFound => {
            let names: Vec<String> = ws
                .read(|ws| skills::list(ws, ws.is_global()))?
                .into_iter()
                .map(|s| s.name)
                .collect();
            return Err(Failure::from(e).with_hint(report::which_then(name, &names, "skills")));
        }
        Err(e) => return Err(e.into()),
    };
    let file = ws.skills_dir().join(name).join("SKILL.md");
    if Path::new(&item.path) != file {
        return Err(Failure::new(
            ExitStatus::Failure,
            format!(
                "skill {name} is in {}: openwork edits only the skills of {}",
                super::shown_path(ws, Path::new(&item.path)),
                super::shown_path(ws, &ws.skills_dir())
            ),
        )
        .with_hint(format!(
            "`openwork skills add {name} --file {}` makes a project copy of it",
            item.path
        )));
    }
    let copy = EditCopy::new("openwork-skill", "SKILL.md", &original)?;
    copy.edit()?;
    let edited = copy.read()?;
    if edited == original {
        if ctx.out.json {
            ctx.out.print_json(&item);
        } else {
            ctx.out
                .info(&format!("Skill {name} unchanged; nothing written"));
        }
        return Ok(());
    }
    let written = Cell::new(None);
    let result = ctx.write(
        ws,
        args,
        |ws| {
            let (plan, w) = skills::plan_upsert(ws, name, &edited, None)?;
            // Nothing written over a change made while the editor was open.
            if plan
                .edits
                .iter()
                .any(|e| e.before.as_deref() != Some(original.as_bytes()))
            {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "{} changed while the editor was open; nothing written",
                        super::shown_path(ws, &file)
                    ),
                ));
            }
            written.set(Some(w));
            Ok(plan)
        },
        |_| Ok(written.take()),
    );
    match result {
        Ok(()) if !args.dry_run => Ok(()),
        Ok(()) => {
            let kept = copy.keep();
            ctx.out
                .aside(&format!("your edit is kept in {}", kept.display()));
            Ok(())
        }
        Err(failure) => {
            let kept = copy.keep();
            let hint = format!(
                "your edit is kept in {kept}: once it is right, `openwork skills add {name} --file {kept}` writes it",
                kept = kept.display()
            );
            Err(Failure {
                hint: Some(hint),
                ..failure
            })
        }
    }
}
