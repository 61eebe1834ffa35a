//! `openwork doctor`: the core's checks (`openwork::doctor`), printed for
//! people or as JSON, with the exit status they call for.

use super::{CmdResult, Ctx, ExitStatus, Failure, shown_file};
use clap::Args;
use openwork::doctor::{self, Finding, Report, Severity};
use openwork::workspace::Workspace;

const AFTER_HELP: &str = "\
Checks the workspace the way OpenCode will load it, and says what to do about each problem:
config files that do not parse (with line and column) or hold what OpenCode refuses or
ignores, skills and commands OpenCode skips or knows by another name, names defined in
two places, plugins configured twice, unreadable files, links openwork does not follow,
interrupted writes, stale pairing files of servers that are gone, and the inotify watches
a server would need. It changes nothing.

Exits 1 when it finds an error (with --strict, a warning too), else 0.

Examples:
  openwork doctor
  openwork doctor --strict          # in CI: warnings fail too
  openwork --json doctor | jq -r '.findings[] | \"\\(.severity) \\(.code) \\(.file)\"'";

#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct DoctorArgs {
    /// Exit 1 on warnings too, not only on errors.
    #[arg(long)]
    pub strict: bool,
}

pub fn run(ctx: &Ctx, args: DoctorArgs) -> CmdResult {
    let ws = ctx.workspace()?;
    let report = ws.read(doctor::check)?;
    if ctx.out.json {
        ctx.out.print_json(&report);
    } else {
        print(ctx, &ws, &report);
    }
    let s = &report.summary;
    let failing = s.errors + if args.strict { s.warnings } else { 0 };
    if failing > 0 {
        return Err(Failure::new(
            ExitStatus::Failure,
            format!("doctor found {}", count(s.errors, s.warnings, 0)),
        )
        .with_hint("fix what each line above says, then run `openwork doctor` again"));
    }
    Ok(())
}

fn print(ctx: &Ctx, ws: &Workspace, report: &Report) {
    for f in &report.findings {
        ctx.out.info(&format!(
            "{}: {}{} [{}]",
            label(f.severity),
            place(ws, f),
            f.message,
            f.code
        ));
        ctx.out.info(&format!("  hint: {}", f.hint));
    }
    let s = &report.summary;
    if s.ok {
        ctx.out.success(&format!(
            "All good: OpenCode will load {} as openwork sees it",
            ws.root().display()
        ));
    } else {
        ctx.out.info(&format!(
            "{} in {}",
            count(s.errors, s.warnings, s.info),
            ws.root().display()
        ));
    }
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `opencode.json:4:1: `, or nothing when the finding has no file.
fn place(ws: &Workspace, f: &Finding) -> String {
    let Some(file) = &f.file else {
        return String::new();
    };
    let mut out = shown_file(ws, file);
    if let Some(line) = f.line {
        out.push_str(&format!(":{line}"));
        if let Some(column) = f.column {
            out.push_str(&format!(":{column}"));
        }
    }
    out + ": "
}

/// `2 errors, 1 warning` (and the notes when `info` is given).
fn count(errors: usize, warnings: usize, info: usize) -> String {
    let word = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![
        word(errors, "error", "errors"),
        word(warnings, "warning", "warnings"),
    ];
    if info > 0 {
        parts.push(word(info, "note", "notes"));
    }
    parts.join(", ")
}
