//! Command-line definitions and dispatch. Each subcommand group lives in
//! its own file; all of them share the global flags, output and error
//! handling here. Completions and man pages are generated from these same
//! definitions.

mod approvals;
mod audit;
mod commands;
mod complete;
mod config;
mod exit;
mod generate;
mod mcp;
mod output;
mod plugins;
mod serve;
mod skills;
mod transfer;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
pub use exit::{CmdResult, ExitStatus, Failure, usage};
use openwork::Error;
use openwork::workspace::{Actor, Plan, Workspace};
use output::Output;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  openwork plugins add opencode-wakatime
  openwork mcp add chrome -- npx -y chrome-devtools-mcp@latest
  openwork skills add release-notes --description 'Write release notes' --file notes.md
  openwork serve --workspace ~/proj            # terminal 1
  openwork approvals watch                     # terminal 2";

/// The examples, then the exit statuses.
fn after_help() -> String {
    format!("{EXAMPLES}\n\n{}", ExitStatus::help_line())
}

/// Manage an OpenCode workspace's configuration: plugins, MCP servers,
/// skills, commands and config, offline or through a host-approved server.
#[derive(Debug, Parser)]
#[command(name = "openwork", version = version(), about, long_about = None, after_help = after_help())]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else
    /// the current folder). `serve` takes it several times.
    #[arg(short, long, global = true, value_name = "DIR", action = clap::ArgAction::Append)]
    pub workspace: Vec<PathBuf>,
    /// Print machine-readable JSON (the HTTP API's shapes) instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print nothing on success.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Never use colour (also: NO_COLOR=1).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// More detail on stderr (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, add and remove plugins.
    #[command(subcommand)]
    Plugins(plugins::PluginsCmd),
    /// List, add and remove MCP servers.
    #[command(subcommand)]
    Mcp(mcp::McpCmd),
    /// List, show, add and remove skills.
    #[command(subcommand)]
    Skills(skills::SkillsCmd),
    /// List, add and remove commands.
    #[command(subcommand)]
    Commands(commands::CommandsCmd),
    /// Show or patch the OpenCode and OpenWork config.
    #[command(subcommand)]
    Config(config::ConfigCmd),
    /// Export the workspace configuration as one JSON document.
    Export(transfer::ExportArgs),
    /// Import a document made by `openwork export`.
    Import(transfer::ImportArgs),
    /// Show the audit log, newest first.
    Audit(audit::AuditArgs),
    /// Run the HTTP server for remote clients.
    Serve(Box<serve::ServeArgs>),
    /// Answer a running server's pending write approvals.
    Approvals(approvals::ApprovalsArgs),
    /// Print a shell completion script.
    Completions(generate::CompletionsArgs),
    /// Write man pages.
    Man(generate::ManArgs),
}

fn version() -> &'static str {
    match option_env!("OPENWORK_GIT_COMMIT") {
        Some(commit) if !commit.is_empty() => {
            Box::leak(format!("{} ({commit})", env!("CARGO_PKG_VERSION")).into_boxed_str())
        }
        _ => env!("CARGO_PKG_VERSION"),
    }
}

pub fn command() -> clap::Command {
    Cli::command()
}

/// The command line, with `serve`'s environment variables as clap reads
/// them but for the empty ones.
fn parse() -> Result<Cli, clap::Error> {
    let matches = serve::blank_env_is_unset(command()).try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// Flags shared by every command that writes.
#[derive(Debug, Clone, Args)]
pub struct WriteArgs {
    /// Print the diff that would be written and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// What a command run needs: the parsed global flags and where to print.
pub struct Ctx {
    pub global: GlobalArgs,
    pub out: Output,
}

impl Ctx {
    /// The one workspace of an offline command: `--workspace`, else
    /// `OPENWORK_WORKSPACE`, else the current folder.
    pub fn workspace(&self) -> Result<Workspace, Failure> {
        let path = match self.global.workspace.as_slice() {
            [] => std::env::var_os("OPENWORK_WORKSPACE")
                .filter(|v| !v.is_empty())
                .map_or_else(|| PathBuf::from("."), PathBuf::from),
            [one] => one.clone(),
            _ => {
                return Err(usage(
                    "give --workspace once (only `openwork serve` takes several)",
                ));
            }
        };
        Ok(Workspace::open(&path)?)
    }

    /// How every command that writes ends: one write planned by `make`,
    /// as [`Ctx::write_each`] does it for several.
    pub fn write<A: Serialize>(
        &self,
        ws: &Workspace,
        args: &WriteArgs,
        mut make: impl FnMut(&Workspace) -> Result<Plan, Error>,
        answer: impl FnOnce(&Workspace) -> Result<A, Error>,
    ) -> CmdResult {
        self.write_each(ws, args, &[()], |()| Ok(()), |ws, ()| make(ws), answer)
    }

    /// One write per item: every item is checked by `check` before the
    /// first is written; then each is planned by `make` and either shown
    /// (`--dry-run`: its diff, and nothing else) or written and reported
    /// in one line. After a real write, `--json` prints what `answer`
    /// reads: what the HTTP API answers to the same write.
    pub fn write_each<I, A: Serialize>(
        &self,
        ws: &Workspace,
        args: &WriteArgs,
        items: &[I],
        check: impl Fn(&I) -> Result<(), Error>,
        mut make: impl FnMut(&Workspace, &I) -> Result<Plan, Error>,
        answer: impl FnOnce(&Workspace) -> Result<A, Error>,
    ) -> CmdResult {
        for item in items {
            check(item)?;
        }
        let mut changed = false;
        for item in items {
            if let Some(plan) = self.apply(ws, args, |ws| make(ws, item))? {
                self.report(ws, &plan);
                changed |= !plan.is_noop();
            }
        }
        if changed {
            // The offline CLI knows no running OpenCode to ask to reload.
            self.out.note(
                "a running OpenCode reads its configuration when it starts: restart it to see this change",
            );
        }
        if self.out.json && !args.dry_run {
            self.out.print_json(&answer(ws)?);
        }
        Ok(())
    }

    /// Plans with `make`, then either prints the diff (`--dry-run`) or
    /// applies the plan under the workspace lock as the local operator.
    /// Returns `None` for a dry run.
    fn apply(
        &self,
        ws: &Workspace,
        args: &WriteArgs,
        mut make: impl FnMut(&Workspace) -> Result<Plan, Error>,
    ) -> Result<Option<Plan>, Error> {
        if args.dry_run {
            let plan = make(ws)?;
            self.out.dry_run(ws, &plan);
            return Ok(None);
        }
        let (plan, _) = ws.write(&Actor::cli(), make)?;
        if !plan.is_noop() && self.out.verbose > 0 {
            // `-v` shows exactly what was written.
            self.out.debug(&plan.diff(ws.root()));
        }
        Ok(Some(plan))
    }

    /// The one-line report of a write, for people.
    fn report(&self, ws: &Workspace, plan: &Plan) {
        if self.out.json {
            return;
        }
        if plan.is_noop() {
            self.out
                .info(&format!("{}: already so, nothing changed", plan.summary));
        } else {
            let files: Vec<String> = plan.edits.iter().map(|e| ws.relative(&e.path)).collect();
            self.out
                .success(&format!("{} ({})", plan.summary, files.join(", ")));
        }
    }
}

pub fn main() -> ExitCode {
    // `COMPLETE=bash openwork` and friends: answer the shell and exit.
    clap_complete::CompleteEnv::with_factory(command).complete();
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            let status = if e.use_stderr() {
                ExitStatus::Usage
            } else {
                ExitStatus::Success
            };
            // A bad value of a setting is one line, as every bad setting.
            let e = match serve::setting_error(&e) {
                Some(line) => clap::Error::raw(e.kind(), format!("{line}\n")),
                None => e,
            };
            let _ = e.print();
            return status.into();
        }
    };
    let out = Output::new(&cli.global);
    let ctx = Ctx {
        global: cli.global,
        out,
    };
    let result = match cli.command {
        Command::Plugins(cmd) => plugins::run(&ctx, cmd),
        Command::Mcp(cmd) => mcp::run(&ctx, cmd),
        Command::Skills(cmd) => skills::run(&ctx, cmd),
        Command::Commands(cmd) => commands::run(&ctx, cmd),
        Command::Config(cmd) => config::run(&ctx, cmd),
        Command::Export(args) => transfer::export(&ctx, args),
        Command::Import(args) => transfer::import(&ctx, args),
        Command::Audit(args) => audit::run(&ctx, args),
        Command::Serve(args) => serve::run(&ctx, *args),
        Command::Approvals(args) => approvals::run(&ctx, args),
        Command::Completions(args) => generate::completions(&ctx, args),
        Command::Man(args) => generate::man(&ctx, args),
    };
    match result {
        Ok(()) => ExitStatus::Success.into(),
        Err(failure) => {
            ctx.out.error(&failure.message, failure.hint.as_deref());
            failure.status.into()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definitions_are_consistent() {
        super::command().debug_assert();
    }
}
