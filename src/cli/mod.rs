//! Command-line definitions and dispatch. Each subcommand group lives in
//! its own file; all of them share the global flags, output and error
//! handling here. Completions and man pages are generated from these same
//! definitions.

mod approvals;
mod audit;
mod commands;
mod complete;
mod config;
mod deferred;
mod doctor;
mod editor;
mod exit;
mod generate;
mod git;
mod journal;
mod mcp;
mod output;
mod parse_error;
mod plugins;
mod report;
mod serve;
mod skills;
mod table;
mod transfer;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use deferred::{Deferred, DeferredArgs};
pub use exit::{CmdResult, ExitStatus, Failure, usage};
use openwork::workspace::{Actor, Plan, Workspace, home_dir, project};
use openwork::{Code, Error};
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
    /// the project of the current folder: the nearest folder up with
    /// opencode.json(c) or .opencode, else the git root, else the current
    /// folder; `-v` says which). `serve` takes it several times.
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
    Plugins(Deferred<plugins::PluginsCmd>),
    /// List, add and remove MCP servers.
    #[command(subcommand)]
    Mcp(Deferred<mcp::McpCmd>),
    /// List, show, add and remove skills.
    #[command(subcommand)]
    Skills(Deferred<skills::SkillsCmd>),
    /// List, add and remove commands.
    #[command(subcommand)]
    Commands(Deferred<commands::CommandsCmd>),
    /// Show or patch the OpenCode and OpenWork config.
    #[command(subcommand)]
    Config(Deferred<config::ConfigCmd>),
    /// Export the workspace configuration as one JSON document.
    Export(DeferredArgs<transfer::ExportArgs>),
    /// Import a document made by `openwork export`.
    Import(DeferredArgs<transfer::ImportArgs>),
    /// Check the workspace the way OpenCode will load it, and say what to fix.
    Doctor(DeferredArgs<doctor::DoctorArgs>),
    /// Show the audit log, newest first.
    Audit(DeferredArgs<audit::AuditArgs>),
    /// Discard a journal of an interrupted write that openwork refused.
    #[command(subcommand)]
    Journal(Deferred<journal::JournalCmd>),
    /// Run the HTTP server for remote clients.
    Serve(serve::Serve),
    /// Answer a running server's pending write approvals.
    Approvals(DeferredArgs<approvals::ApprovalsArgs>),
    /// Print a shell completion script.
    Completions(DeferredArgs<generate::CompletionsArgs>),
    /// Write man pages.
    Man(DeferredArgs<generate::ManArgs>),
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
fn parse(argv: &[std::ffi::OsString]) -> Result<Cli, clap::Error> {
    let matches = deferred::lazily(command).try_get_matches_from(argv)?;
    Cli::from_arg_matches(&matches)
}

/// The workspace folder when `--workspace` names none, and why:
/// `OPENWORK_WORKSPACE` as given, else the project of the current folder
/// ([`project::find`]).
pub fn default_workspace() -> Result<(PathBuf, String), Failure> {
    if let Some(dir) = std::env::var_os("OPENWORK_WORKSPACE").filter(|v| !v.is_empty()) {
        return Ok((PathBuf::from(dir), "given by OPENWORK_WORKSPACE".into()));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Error::io("read the current folder", std::path::Path::new("."), e))?;
    let found = project::find(&cwd, home_dir().as_deref());
    let why = found.why(&cwd);
    Ok((found.root, why))
}

/// Where an item comes from, for people: relative to the workspace when
/// it is inside it, `~/…` under the home folder, else the whole path.
pub fn shown_file(ws: &Workspace, file: &str) -> String {
    shown_path(ws, std::path::Path::new(file))
}

/// [`shown_file`] for a path. Files of the user-wide config are always
/// shown whole (`~/.config/opencode/opencode.jsonc`), so that a `--global`
/// write never reads as one of the project's.
pub fn shown_path(ws: &Workspace, path: &std::path::Path) -> String {
    if path.starts_with(ws.root()) && !ws.is_global() {
        return ws.relative(path);
    }
    match home_dir().and_then(|h| path.strip_prefix(h).ok().map(|p| p.to_path_buf())) {
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

/// The folder a diff's paths are relative to: the workspace root, or for
/// the user-wide config the home folder (`a/.config/opencode/…`).
pub fn diff_root(ws: &Workspace) -> PathBuf {
    if !ws.is_global() {
        return ws.root().to_path_buf();
    }
    home_dir()
        .filter(|h| ws.root().starts_with(h))
        .or_else(|| ws.root().parent().map(std::path::Path::to_path_buf))
        .unwrap_or_else(|| ws.root().to_path_buf())
}

/// Whether `--flag` (or `--flag=…`) is on this process's command line,
/// where every local user can read it (`ps`, `/proc/PID/cmdline`).
pub fn on_command_line(flag: &str) -> bool {
    let with_value = format!("{flag}=");
    std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| {
            a.to_str()
                .is_some_and(|a| a == flag || a.starts_with(&with_value))
        })
}

/// The warning for a token given on the command line.
pub fn warn_token_on_command_line(flag: &str, instead: &str) {
    eprintln!(
        "warning: {flag} on the command line can be read by every user of this machine \
         (ps, /proc/PID/cmdline); use {instead} instead"
    );
}

/// Flags shared by every command that writes.
#[derive(Debug, Clone, Args)]
pub struct WriteArgs {
    /// Print the diff that would be written and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else
    /// ~/.config/opencode) instead of the workspace's; not with --workspace.
    #[arg(long)]
    pub global: bool,
}

/// Flags shared by every command that removes.
#[derive(Debug, Clone, Args)]
pub struct RemoveArgs {
    /// A name that is not there is not an error: nothing to do for it.
    #[arg(long)]
    pub if_exists: bool,
    #[command(flatten)]
    pub write: WriteArgs,
}

/// What a command run needs: the parsed global flags and where to print.
pub struct Ctx {
    pub global: GlobalArgs,
    pub out: Output,
}

impl Ctx {
    /// The one workspace of an offline command: `--workspace` as given,
    /// else [`default_workspace`]. `-v` says which, and why.
    pub fn workspace(&self) -> Result<Workspace, Failure> {
        let (path, why) = match self.global.workspace.as_slice() {
            [] => default_workspace()?,
            [one] => (one.clone(), "given with --workspace".to_string()),
            _ => {
                return Err(usage(
                    "give --workspace once (only `openwork serve` takes several)",
                ));
            }
        };
        let ws = Workspace::open(&path)?;
        self.out
            .debug(&format!("workspace {}: {why}", ws.root().display()));
        Ok(ws)
    }

    /// The workspace a command edits: with `--global` the user-wide
    /// OpenCode config (never together with `--workspace`), else
    /// [`Ctx::workspace`].
    pub fn workspace_for(&self, global: bool) -> Result<Workspace, Failure> {
        if !global {
            return self.workspace();
        }
        if !self.global.workspace.is_empty() {
            return Err(usage(
                "--global edits the user-wide OpenCode config: give it or --workspace, not both",
            ));
        }
        // The one call: the server never opens the user-wide config.
        #[allow(clippy::disallowed_methods)]
        let ws = Workspace::open_global()?;
        self.out.debug(&format!(
            "the user-wide OpenCode config {} (--global)",
            ws.root().display()
        ));
        Ok(ws)
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
            self.out.aside(
                "note: a running OpenCode reads its configuration when it starts: restart it to see this change",
            );
        }
        if self.out.json && !args.dry_run {
            self.out.print_json(&answer(ws)?);
        }
        Ok(())
    }

    /// How every `remove` ends: each name must be there (else exit 1,
    /// naming those that are) unless `--if-exists` says a missing one is
    /// nothing to do; then the names that are there are removed, as
    /// [`Ctx::write_each`] does it.
    pub fn remove_each<A: Serialize>(
        &self,
        ws: &Workspace,
        args: &RemoveArgs,
        what: report::Removable,
        names: &[String],
        make: impl Fn(&Workspace, &str) -> Result<Plan, Error>,
        answer: impl FnOnce(&Workspace) -> Result<A, Error>,
    ) -> CmdResult {
        let mut present: Vec<&str> = Vec::new();
        for name in names {
            if present.contains(&name.as_str()) {
                continue;
            }
            let there = match make(ws, name) {
                Ok(plan) => !plan.is_noop(),
                // Removing a missing skill is an error of its own.
                Err(e) if e.code == Code::SkillNotFound => false,
                Err(e) => return Err(e.into()),
            };
            if there {
                present.push(name);
            } else if !args.if_exists {
                return Err(what.missing(ws, name));
            } else if !self.out.json {
                self.out.info(&what.absent(ws, name));
            }
        }
        self.write_each(
            ws,
            &args.write,
            &present,
            |_| Ok(()),
            |ws, name| make(ws, name),
            answer,
        )
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
            if plan.is_noop() && !self.out.json {
                self.out.info(&report::nothing_to_do(ws, &plan));
            } else {
                self.out.dry_run(ws, &plan);
            }
            return Ok(None);
        }
        let (plan, _) = ws.write(&Actor::cli(), make)?;
        if !plan.is_noop() && self.out.verbose > 0 {
            // `-v` shows exactly what was written.
            self.out.debug(&plan.diff(&diff_root(ws)));
        }
        Ok(Some(plan))
    }

    /// The one-line report of a write, for people.
    fn report(&self, ws: &Workspace, plan: &Plan) {
        if self.out.json {
            return;
        }
        if plan.is_noop() {
            self.out.info(&report::nothing_to_do(ws, plan));
        } else {
            let files: Vec<String> = plan.edits.iter().map(|e| shown_path(ws, &e.path)).collect();
            self.out
                .success(&format!("{} ({})", plan.summary, files.join(", ")));
        }
    }
}

pub fn main() -> ExitCode {
    // `COMPLETE=bash openwork` and friends: answer the shell and exit.
    clap_complete::CompleteEnv::with_factory(command).complete();
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match parse(&argv) {
        Ok(cli) => cli,
        Err(e) => {
            if let Some(failure) = parse_error::explain(command, &e, &argv) {
                let global = GlobalArgs {
                    workspace: Vec::new(),
                    json: false,
                    quiet: false,
                    no_color: argv.iter().any(|a| a == "--no-color"),
                    verbose: 0,
                };
                Output::new(&global).error(&failure.message, failure.hint.as_deref());
                return failure.status.into();
            }
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
    // `serve` logs through its own subscriber; every other command says
    // on stderr when it finished (or discarded) an interrupted write.
    if !matches!(cli.command, Command::Serve(_)) {
        output::log_recoveries();
    }
    let ctx = Ctx {
        global: cli.global,
        out,
    };
    let result = match cli.command {
        Command::Plugins(Deferred(cmd)) => plugins::run(&ctx, cmd),
        Command::Mcp(Deferred(cmd)) => mcp::run(&ctx, cmd),
        Command::Skills(Deferred(cmd)) => skills::run(&ctx, cmd),
        Command::Commands(Deferred(cmd)) => commands::run(&ctx, cmd),
        Command::Config(Deferred(cmd)) => config::run(&ctx, cmd),
        Command::Export(DeferredArgs(args)) => transfer::export(&ctx, args),
        Command::Import(DeferredArgs(args)) => transfer::import(&ctx, args),
        Command::Doctor(DeferredArgs(args)) => doctor::run(&ctx, args),
        Command::Audit(DeferredArgs(args)) => audit::run(&ctx, args),
        Command::Journal(Deferred(cmd)) => journal::run(&ctx, cmd),
        Command::Serve(serve::Serve(args)) => serve::run(&ctx, *args),
        Command::Approvals(DeferredArgs(args)) => approvals::run(&ctx, args),
        Command::Completions(DeferredArgs(args)) => generate::completions(&ctx, args),
        Command::Man(DeferredArgs(args)) => generate::man(&ctx, args),
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
    use super::Cli;
    use clap::FromArgMatches;

    #[test]
    fn clap_definitions_are_consistent() {
        super::command().debug_assert();
    }

    /// Every command below `cmd`, with the words that name it.
    fn leaves(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, clap::Command)>) {
        if cmd.get_subcommands().next().is_none() {
            out.push((path.clone(), cmd.clone()));
        }
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            leaves(sub, p, out);
        }
    }

    /// `openwork WORDS…` as parsed, for comparison (`Err` as its kind).
    fn parsed(words: &[String]) -> Result<String, clap::error::ErrorKind> {
        let argv = std::iter::once("openwork".to_string()).chain(words.iter().cloned());
        super::command()
            .try_get_matches_from(argv)
            .and_then(|m| Cli::from_arg_matches(&m))
            .map(|cli| format!("{cli:?}"))
            .map_err(|e| e.kind())
    }

    /// The words an argument is given with: a value it accepts, if it
    /// takes one (`with` says whether a line with these words parses).
    fn given(arg: &clap::Arg, with: impl Fn(&[String]) -> bool) -> Vec<String> {
        let flag = match (arg.get_long(), arg.get_short()) {
            (Some(l), _) => format!("--{l}"),
            (None, Some(s)) => format!("-{s}"),
            (None, None) => return Vec::new(),
        };
        if !arg.get_action().takes_values() {
            return vec![flag];
        }
        let possible = arg.get_possible_values();
        let candidates = possible
            .iter()
            .map(|p| p.get_name().to_string())
            .chain(["1", "manual", "a=b", "x"].map(String::from));
        for value in candidates {
            let words = vec![flag.clone(), value];
            if with(&words) {
                return words;
            }
        }
        // It needs another flag (`--header` needs `--url`): then both
        // orders must fail alike.
        vec![flag, "x".into()]
    }

    /// Flags go anywhere: after a command's positional arguments, every
    /// global flag and each of the command's own flags parse exactly as
    /// they do before them. (`mcp add NAME -- CMD --flag` keeps `--flag`
    /// for the server: the words after `--` are not flags.)
    #[test]
    fn flags_parse_the_same_after_the_positional_arguments() {
        let mut cli = super::command();
        cli.build();
        let mut all = Vec::new();
        leaves(&cli, Vec::new(), &mut all);
        assert!(all.len() > 20, "{}", all.len());
        for (path, leaf) in all {
            let positionals: Vec<String> = leaf
                .get_positionals()
                .filter(|a| a.is_required_set() && !a.is_last_set())
                .map(|a| {
                    a.get_possible_values()
                        .first()
                        .map_or_else(|| "x".to_string(), |p| p.get_name().to_string())
                })
                .collect();
            let line = |before: &[&str], after: &[&str]| -> Vec<String> {
                let mut w = path.clone();
                w.extend(before.iter().map(|s| s.to_string()));
                w.extend(positionals.iter().cloned());
                w.extend(after.iter().map(|s| s.to_string()));
                w
            };
            let globals = ["--json", "-q", "-v", "--no-color", "-w", "dir"];
            let after = parsed(&line(&[], &globals));
            assert!(after.is_ok(), "{path:?} with global flags last: {after:?}");
            assert_eq!(after, parsed(&line(&globals, &[])), "{path:?}");
            for arg in leaf.get_arguments() {
                if arg.is_positional()
                    || arg.is_global_set()
                    || ["help", "version"].contains(&arg.get_id().as_str())
                {
                    continue;
                }
                let words = given(arg, |w| {
                    let w: Vec<&str> = w.iter().map(String::as_str).collect();
                    parsed(&line(&w, &[])).is_ok()
                });
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                assert_eq!(
                    parsed(&line(&[], &words)),
                    parsed(&line(&words, &[])),
                    "{path:?} {words:?}"
                );
            }
        }
        let words: Vec<String> = "mcp add x -- cmd --dry-run --json"
            .split(' ')
            .map(String::from)
            .collect();
        let debug = parsed(&words).unwrap();
        assert!(
            debug.contains(r#"command: ["cmd", "--dry-run", "--json"]"#),
            "{debug}"
        );
        assert!(
            debug.contains("dry_run: false") && debug.contains("json: false"),
            "{debug}"
        );
    }
}
