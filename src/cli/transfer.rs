//! `openwork export` and `openwork import`.

use super::report::count;
use super::skills::read_content;
use super::{CmdResult, Ctx, Failure, WriteArgs};
use clap::Args;
use openwork::workspace::{input, io, transfer};
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  openwork export -o workspace.json\n  openwork -w ../other import workspace.json --mode skills=replace"
)]
pub struct ExportArgs {
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  openwork import workspace.json\n  openwork import workspace.json --mode skills=replace --mode commands=replace\n  ssh host openwork export | openwork import -  # copy a workspace's setup"
)]
pub struct ImportArgs {
    /// The export document ('-' for standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// How to import each part: KEY=merge|replace for opencode, openwork, skills, commands (repeatable).
    #[arg(long, value_name = "KEY=MODE")]
    pub mode: Vec<String>,
    /// Print the diff that would be written and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn export(ctx: &Ctx, args: ExportArgs) -> CmdResult {
    let ws = ctx.workspace()?;
    let doc = ws.read(transfer::export)?;
    let mut text =
        serde_json::to_string_pretty(&doc).map_err(|e| Failure::runtime(e.to_string()))?;
    text.push('\n');
    match args.output {
        Some(path) if path.as_os_str() != "-" => {
            io::write_atomic(&path, text.as_bytes())?;
            ctx.out.success(&format!(
                "Exported {} and {} to {}",
                count(doc.skills.len(), "skill", "skills"),
                count(doc.commands.len(), "command", "commands"),
                path.display()
            ));
        }
        // Hidden characters as JSON escapes: the same document, and
        // nothing a terminal obeys.
        _ => ctx.out.raw(&openwork::display::json(&text)),
    }
    Ok(())
}

pub fn import(ctx: &Ctx, args: ImportArgs) -> CmdResult {
    let ws = ctx.workspace()?;
    let text = read_content(Some(&args.file), "export document")?;
    let obj = input::parse_object(&text, "the import document")?;
    let mut doc = transfer::parse_import(&obj)?;
    for m in &args.mode {
        let (k, v) = m
            .split_once('=')
            .ok_or_else(|| super::usage(format!("--mode {m:?} is not KEY=merge|replace")))?;
        doc.mode.set(k.trim(), v.trim())?;
    }
    // A document is a project's: there is no user-wide import.
    let write = WriteArgs {
        dry_run: args.dry_run,
        global: false,
    };
    ctx.write(
        &ws,
        &write,
        |ws| transfer::plan_import(ws, &doc),
        |_| Ok(serde_json::json!({ "ok": true })),
    )
}
