//! `openwork serve`: run the HTTP server in the foreground
//! (docs/api.md#settings).
//!
//! Each setting is declared once, here: its flag, its environment
//! variable (clap's `env`) and the parser of its value. [`resolve`] then
//! takes each from the flag or its variable, else the config file
//! ([`ConfigFile`]), else its default. Settings the config file can give
//! have no clap default, which would outrank the file.

use super::{CmdResult, Ctx, Failure, usage};
use clap::error::{ContextKind, ContextValue};
use clap::{ArgMatches, Args, Command, FromArgMatches};
use openwork::server::config_file::{self, ConfigFile};
use openwork::server::settings::{
    self, ApprovalMode, Invalid, Settings, Token, WorkspaceSetting, path_from, token_or_file,
    values,
};
use openwork::server::{self, ServeError, kept_tokens};
use std::path::{Path, PathBuf};
use std::time::Duration;

const AFTER_HELP: &str = "\
Workspaces are given with the global -w/--workspace (repeatable), OPENWORK_WORKSPACES
(JSON array or `,`/`;` list) or the config file's \"workspaces\"; with none of these,
the workspace every command uses: OPENWORK_WORKSPACE, else the project of the current
folder (the nearest folder up with opencode.json(c) or .opencode, else the git root).

Each setting comes from, highest first: the flag, the environment variable, the config
file (~/.config/openwork/server.json), the default. An empty environment variable counts
as unset.

Tokens: give them in files (--token-file, --host-token-file, or the variables
OPENWORK_TOKEN_FILE, OPENWORK_HOST_TOKEN_FILE; mode 0600), not on the command line, where
every local user can read them. Tokens openwork generates are kept (mode 0600) in
$XDG_STATE_HOME/openwork/tokens/ (~/.local/state/openwork/tokens/; $OPENWORK_STATE_DIR/tokens/
when that is set), one file per set of workspaces, and reused on restart; --rotate-tokens
replaces them.

Examples:
  openwork serve --workspace ~/proj                   # manual approval, tokens printed
  openwork serve -w ~/a -w ~/b --approval auto --port 0
  openwork serve -w . --cors https://app.example --read-only";

/// The workspaces' environment variable: a list, where `-w` is repeated,
/// so it is not the flag's `env`.
const WORKSPACES_ENV: &str = "OPENWORK_WORKSPACES";

#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ServeArgs {
    /// Server config file (JSON).
    #[arg(
        long,
        value_name = "PATH",
        hide_env_values = true,
        env = "OPENWORK_SERVER_CONFIG"
    )]
    pub config: Option<PathBuf>,
    /// Address to bind (default 127.0.0.1).
    #[arg(
        long,
        value_name = "HOST",
        hide_env_values = true,
        env = "OPENWORK_HOST"
    )]
    pub host: Option<String>,
    /// Port to listen on; 0 picks a free one (default 8787).
    #[arg(long, value_name = "PORT", hide_env_values = true, env = "OPENWORK_PORT", value_parser = values::port)]
    pub port: Option<u16>,
    /// Client bearer token, 16 characters or more (default: generated, printed, kept).
    /// Visible to every local user on the command line: prefer --token-file.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "OPENWORK_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// Read the client token from this file (mode 0600; one line).
    #[arg(
        long,
        value_name = "PATH",
        env = "OPENWORK_TOKEN_FILE",
        hide_env_values = true
    )]
    pub token_file: Option<PathBuf>,
    /// Host token for approvals, 16 characters or more (default: generated, printed,
    /// kept). Visible to every local user on the command line: prefer --host-token-file.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "OPENWORK_HOST_TOKEN",
        hide_env_values = true
    )]
    pub host_token: Option<String>,
    /// Read the host token from this file (mode 0600; one line).
    #[arg(
        long,
        value_name = "PATH",
        env = "OPENWORK_HOST_TOKEN_FILE",
        hide_env_values = true
    )]
    pub host_token_file: Option<PathBuf>,
    /// Replace the generated tokens kept for these workspaces with new ones
    /// (they live in the state folder's tokens/; see below).
    #[arg(long)]
    pub rotate_tokens: bool,
    /// manual: every remote write waits for the host; auto: allow at once.
    #[arg(
        long,
        value_name = "manual|auto",
        hide_env_values = true, env = "OPENWORK_APPROVAL_MODE",
        value_parser = values::approval_mode
    )]
    pub approval: Option<ApprovalMode>,
    /// How long a write waits for approval, in milliseconds (default 30000).
    #[arg(
        long,
        value_name = "MS",
        hide_env_values = true, env = "OPENWORK_APPROVAL_TIMEOUT_MS",
        value_parser = values::timeout_ms
    )]
    pub approval_timeout: Option<u64>,
    /// Allowed CORS origin (repeatable or a comma list; `*` for any, the default).
    #[arg(
        long,
        value_name = "ORIGIN",
        hide_env_values = true, env = "OPENWORK_CORS_ORIGINS",
        value_parser = origins
    )]
    pub cors: Vec<Origins>,
    /// A name the server answers to besides localhost, 127.0.0.1, `[::1]` and
    /// the bound address (repeatable or a comma list; NAME or NAME:PORT; `*`
    /// for any): requests whose Host is another get 421.
    #[arg(
        long,
        value_name = "NAME",
        hide_env_values = true, env = "OPENWORK_ALLOWED_HOSTS",
        value_parser = allowed_hosts
    )]
    pub allowed_host: Vec<Hosts>,
    /// Refuse every write with 403 read_only.
    #[arg(
        long,
        hide_env_values = true, env = "OPENWORK_READONLY",
        num_args = 0,
        default_missing_value = "true",
        value_parser = values::boolean
    )]
    pub read_only: Option<bool>,
    /// OpenCode server URL of the first workspace.
    #[arg(
        long,
        value_name = "URL",
        hide_env_values = true,
        env = "OPENWORK_OPENCODE_BASE_URL"
    )]
    pub opencode_base_url: Option<String>,
    /// OpenCode directory of the first workspace.
    #[arg(
        long,
        value_name = "DIR",
        hide_env_values = true,
        env = "OPENWORK_OPENCODE_DIRECTORY"
    )]
    pub opencode_directory: Option<String>,
}

/// The names of one `--allowed-host` (or of `OPENWORK_ALLOWED_HOSTS`).
#[derive(Debug, Clone)]
pub struct Hosts(Vec<String>);

fn allowed_hosts(value: &str) -> Result<Hosts, Invalid> {
    values::hosts(value).map(Hosts)
}

/// The origins of one `--cors` (or of `OPENWORK_CORS_ORIGINS`).
#[derive(Debug, Clone)]
pub struct Origins(Vec<String>);

fn origins(value: &str) -> Result<Origins, Invalid> {
    values::list(value).map(Origins)
}

/// `serve`'s arguments, built when `serve` is parsed (`deferred.rs`),
/// with its blank environment variables set aside then.
#[derive(Debug)]
pub struct Serve(pub Box<ServeArgs>);

impl FromArgMatches for Serve {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        ServeArgs::from_arg_matches(matches).map(|args| Serve(Box::new(args)))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}

impl Args for Serve {
    fn augment_args(cmd: Command) -> Command {
        super::deferred::augment(cmd, ServeArgs::augment_args, |cmd| {
            blank_env_is_unset(ServeArgs::augment_args(cmd))
        })
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        super::deferred::augment(cmd, ServeArgs::augment_args_for_update, |cmd| {
            blank_env_is_unset(ServeArgs::augment_args_for_update(cmd))
        })
    }
}

/// clap hands a variable that is set but empty to the value's parser;
/// here it counts as unset, as shells make it easy to leave one so.
fn blank_env_is_unset(serve: Command) -> Command {
    let blank: Vec<String> = serve
        .get_arguments()
        .filter(|a| {
            a.get_env()
                .and_then(std::env::var_os)
                .is_some_and(|v| v.to_string_lossy().trim().is_empty())
        })
        .map(|a| a.get_id().to_string())
        .collect();
    blank
        .iter()
        .fold(serve, |serve, id| serve.mut_arg(id, |a| a.env(None)))
}

/// A bad value of a `serve` setting, as the one line every bad setting
/// gets, naming the flag or the environment variable it came from
/// ("--port must be …", "OPENWORK_PORT must be …"). `None` for any other
/// error of the command line.
pub fn setting_error(err: &clap::Error) -> Option<String> {
    let invalid = std::error::Error::source(err)?.downcast_ref::<Invalid>()?;
    let Some(ContextValue::String(shown)) = err.get(ContextKind::InvalidArg) else {
        return None;
    };
    // Shown as "--port <PORT>".
    let flag = shown.split(' ').next()?;
    let cli = super::command();
    let arg = cli.find_subcommand("serve")?.get_arguments().find(|a| {
        a.get_long()
            .is_some_and(|l| flag.strip_prefix("--") == Some(l))
    })?;
    let name = match arg.get_env() {
        // clap reads a variable only for a flag the command line lacks:
        // if the command line alone parses, the bad value was the variable's.
        Some(env) if without_env(super::command()).try_get_matches().is_ok() => {
            env.to_string_lossy().into()
        }
        _ => flag.to_string(),
    };
    Some(format!("{name} {invalid}"))
}

/// The command with no environment variable behind `serve`'s flags.
fn without_env(cli: Command) -> Command {
    cli.mut_subcommand("serve", |serve| serve.mut_args(|a| a.env(None)))
}

/// The settings of one run: each from its flag or environment variable
/// (`args`, as clap found them), else the config file, else its default.
/// `env` is asked only for what clap does not read: the workspaces'
/// variables, where the config file is by default, and HOME. When
/// nothing names a workspace, the current project is served, and the
/// second value says why it is that folder.
pub fn resolve(
    args: &ServeArgs,
    workspace_flags: &[PathBuf],
    env: &dyn Fn(&str) -> Option<String>,
    cwd: &Path,
) -> Result<(Settings, Option<String>), String> {
    let env = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    let file = match (&args.config, config_file::default_path(&env)) {
        (Some(path), _) => ConfigFile::load(&path_from(cwd, path), true)?,
        (None, Some(path)) => ConfigFile::load(&path, false)?,
        (None, None) => ConfigFile::default(),
    };
    let env_workspaces = match env(WORKSPACES_ENV) {
        Some(list) => Some(
            values::list(&list)
                .map_err(|e| format!("{WORKSPACES_ENV} {e}"))?
                .iter()
                .map(|p| WorkspaceSetting::plain(path_from(cwd, Path::new(p))))
                .collect(),
        ),
        None => None,
    };
    let flag_workspaces = (!workspace_flags.is_empty()).then(|| {
        workspace_flags
            .iter()
            .map(|p| WorkspaceSetting::plain(path_from(cwd, p)))
            .collect()
    });
    let flag_origins = (!args.cors.is_empty())
        .then(|| args.cors.iter().flat_map(|o| o.0.iter().cloned()).collect());

    let host = args.host.clone().or(file.host.clone());
    let port = args.port.or(file.port);
    // Flag or variable (as text, else its file), else the config file's.
    let from_cwd = |p: &Option<PathBuf>| p.as_ref().map(|p| path_from(cwd, p));
    let client_token = match token_or_file(
        args.token.as_ref(),
        from_cwd(&args.token_file),
        "client token",
    )? {
        Some(t) => Some(t),
        None => token_or_file(file.token.as_ref(), file.token_file(), "client token")?,
    };
    let host_token = match token_or_file(
        args.host_token.as_ref(),
        from_cwd(&args.host_token_file),
        "host token",
    )? {
        Some(t) => Some(t),
        None => token_or_file(
            file.host_token.as_ref(),
            file.host_token_file(),
            "host token",
        )?,
    };
    let approval = args.approval.or(file.approval_mode());
    let timeout_ms = args.approval_timeout.or(file.approval_timeout_ms());
    let mut why_current = None;
    let mut current_project = || {
        let (path, why) = current_project(&env, cwd);
        why_current = Some(why);
        vec![WorkspaceSetting::plain(path)]
    };
    let workspaces = flag_workspaces
        .or(env_workspaces)
        .or(file.workspaces())
        .unwrap_or_else(&mut current_project);
    let cors_origins = flag_origins.or(file.cors_origins.clone());
    let allowed_hosts = (!args.allowed_host.is_empty())
        .then(|| {
            args.allowed_host
                .iter()
                .flat_map(|h| h.0.iter().cloned())
                .collect()
        })
        .or(file.allowed_hosts.clone());
    let read_only = args.read_only.or(file.read_only);
    let authorized_roots = file.authorized_roots();

    let host = host.unwrap_or_else(|| settings::DEFAULT_HOST.into());
    let host = host.trim().to_string();
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("invalid host {host:?}"));
    }
    let client_token = Token::given_or_new(client_token, "client token")?;
    let host_token = Token::given_or_new(host_token, "host token")?;
    if client_token.value == host_token.value {
        return Err("the client token and the host token must differ".into());
    }
    let workspaces = first_workspace_opencode(workspaces, args);
    check_folders(&workspaces)?;
    let settings = Settings {
        host,
        port: port.unwrap_or(settings::DEFAULT_PORT),
        client_token,
        host_token,
        approval: approval.unwrap_or(ApprovalMode::Manual),
        approval_timeout: Duration::from_millis(timeout_ms.unwrap_or(settings::DEFAULT_TIMEOUT_MS)),
        cors_origins: cors_origins.unwrap_or_else(|| vec!["*".to_string()]),
        allowed_hosts: allowed_hosts.unwrap_or_default(),
        read_only: read_only.unwrap_or(false),
        authorized_roots: authorized_roots
            .unwrap_or_else(|| workspaces.iter().map(|w| w.path.clone()).collect()),
        workspaces,
        config_file: file.path,
        body_limit: settings::BODY_LIMIT,
        max_pending: settings::MAX_PENDING,
        max_pending_bytes: settings::PENDING_BYTES,
        write_bytes: settings::WRITE_BYTES,
        max_streams: settings::MAX_STREAMS,
    };
    Ok((settings, why_current))
}

/// The workspace of every other command: `OPENWORK_WORKSPACE` as given,
/// else the project of the current folder, and why.
fn current_project(env: &dyn Fn(&str) -> Option<String>, cwd: &Path) -> (PathBuf, String) {
    if let Some(dir) = env("OPENWORK_WORKSPACE") {
        return (
            path_from(cwd, Path::new(&dir)),
            "given by OPENWORK_WORKSPACE".into(),
        );
    }
    let home = env("HOME").map(PathBuf::from);
    let found = openwork::workspace::project::find(cwd, home.as_deref());
    let why = found.why(cwd);
    (found.root, why)
}

/// `--opencode-base-url` and `--opencode-directory` are the first
/// workspace's; then a folder given twice counts once.
fn first_workspace_opencode(
    mut workspaces: Vec<WorkspaceSetting>,
    args: &ServeArgs,
) -> Vec<WorkspaceSetting> {
    if let Some(first) = workspaces.first_mut() {
        if let Some(url) = &args.opencode_base_url {
            first.base_url = Some(url.clone());
        }
        if let Some(dir) = &args.opencode_directory {
            first.directory = Some(dir.clone());
        }
    }
    let mut seen = Vec::new();
    workspaces.retain(|w| {
        let new = !seen.contains(&w.path);
        seen.push(w.path.clone());
        new
    });
    workspaces
}

fn check_folders(workspaces: &[WorkspaceSetting]) -> Result<(), String> {
    for w in workspaces {
        // The same check, and message, as every command's workspace.
        openwork::workspace::Workspace::open(&w.path).map_err(|e| e.message)?;
    }
    Ok(())
}

fn log_filter(verbose: u8) -> tracing_subscriber::EnvFilter {
    if let Ok(spec) = std::env::var("OPENWORK_LOG")
        && let Ok(filter) = tracing_subscriber::EnvFilter::try_new(spec)
    {
        return filter;
    }
    let spec = match verbose {
        // Approvals, warnings and errors; no line per request, and no
        // connection errors (a client that hangs up is not a server fault).
        0 => "warn,warp=off,openwork=info,openwork::http=warn",
        // One line per request (method, path, status, duration).
        1 => "warn,openwork=debug",
        _ => "debug,openwork=trace",
    };
    tracing_subscriber::EnvFilter::new(spec)
}

pub fn run(ctx: &Ctx, args: ServeArgs) -> CmdResult {
    let cwd = std::env::current_dir()
        .map_err(|e| usage(format!("cannot read the current folder: {e}")))?;
    for (flag, instead) in [
        ("--token", "--token-file or OPENWORK_TOKEN_FILE"),
        (
            "--host-token",
            "--host-token-file or OPENWORK_HOST_TOKEN_FILE",
        ),
    ] {
        if super::on_command_line(flag) {
            super::warn_token_on_command_line(flag, instead);
        }
    }
    let (mut settings, why_current) = resolve(
        &args,
        &ctx.global.workspace,
        &|k| std::env::var(k).ok(),
        &cwd,
    )
    .map_err(usage)?;
    if let (Some(why), [served]) = (why_current, settings.workspaces.as_slice()) {
        ctx.out
            .debug(&format!("workspace {}: {why}", served.path.display()));
    }
    let kept = kept_tokens::keep(&mut settings, args.rotate_tokens).map_err(usage)?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(log_filter(ctx.global.verbose))
        .with_writer(std::io::stderr)
        .with_ansi(ctx.out.color_err)
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Bounded so that a burst of requests cannot grow memory without limit.
        .max_blocking_threads(32)
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start: {e}")))?;
    if let Some(path) = kept {
        tracing::debug!(
            "generated tokens kept in {} (reused on restart; --rotate-tokens replaces them)",
            path.display()
        );
    }
    let result = runtime.block_on(server::run(settings));
    // Waits for any write still running on the blocking pool.
    drop(runtime);
    result.map_err(|e| match e {
        ServeError::Settings(m) => usage(m),
        ServeError::Runtime(m) => Failure::runtime(m),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command as Cmd};
    use clap::FromArgMatches;

    /// `openwork serve ARGS…` as clap parses it, reading no environment
    /// variable (tests/it/server/settings.rs runs the binary for those).
    fn parse(argv: &[&str]) -> Result<(ServeArgs, Vec<PathBuf>), clap::Error> {
        let line = ["openwork", "serve"].iter().chain(argv);
        let cli =
            Cli::from_arg_matches(&without_env(crate::cli::command()).try_get_matches_from(line)?)?;
        match cli.command {
            Cmd::Serve(Serve(args)) => Ok((*args, cli.global.workspace)),
            _ => unreachable!("not serve"),
        }
    }

    /// [`resolve`] of `argv`, with only `env` and `HOME` as environment.
    fn run(argv: &[&str], env: &[(&str, &str)], home: &Path) -> Result<Settings, String> {
        let (args, workspaces) = parse(argv).map_err(|e| e.to_string())?;
        let env = |k: &str| match k {
            "HOME" => Some(home.display().to_string()),
            _ => env
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string()),
        };
        resolve(&args, &workspaces, &env, home).map(|(settings, _)| settings)
    }

    fn home() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    fn write_config(home: &Path, text: &str) {
        let dir = home.join(".config/openwork");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("server.json"), text).unwrap();
    }

    #[test]
    fn clap_reads_each_flag_typed() {
        let (args, _) = parse(&[
            "--port",
            "0",
            "--approval",
            "auto",
            "--approval-timeout",
            "5",
            "--cors",
            "https://a.example,https://b.example",
            "--cors",
            "https://c.example",
            "--read-only",
        ])
        .unwrap();
        assert_eq!(args.port, Some(0));
        assert_eq!(args.approval, Some(ApprovalMode::Auto));
        assert_eq!(args.approval_timeout, Some(5));
        assert_eq!(args.cors.len(), 2);
        assert_eq!(args.read_only, Some(true));
        // Nothing given is nothing: no clap default outranks the file.
        let (none, _) = parse(&[]).unwrap();
        assert!(none.port.is_none() && none.approval.is_none() && none.read_only.is_none());
        assert!(none.approval_timeout.is_none() && none.cors.is_empty());
        // `--read-only` takes no value: only its variable can say false.
        assert!(parse(&["--read-only=false"]).is_err());
    }

    #[test]
    fn bad_flag_values_are_refused_by_clap_in_our_words() {
        for (argv, message) in [
            (
                ["--port", "http"],
                "must be a port number from 0 to 65535, not \"http\"",
            ),
            (
                ["--port", "70000"],
                "must be a port number from 0 to 65535, not \"70000\"",
            ),
            (
                ["--approval", "sometimes"],
                "must be \"manual\" or \"auto\", not \"sometimes\"",
            ),
            (
                ["--approval-timeout", "soon"],
                "must be a positive number of milliseconds, not \"soon\"",
            ),
            (
                ["--approval-timeout", "0"],
                "must be a positive number of milliseconds, not \"0\"",
            ),
        ] {
            let Err(e) = parse(&argv) else {
                panic!("{argv:?} parsed")
            };
            let invalid = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<Invalid>());
            assert_eq!(invalid.map(|i| i.to_string()).as_deref(), Some(message));
        }
    }

    #[test]
    fn defaults() {
        let h = home();
        let s = run(&[], &[], h.path()).unwrap();
        assert_eq!(s.host, "127.0.0.1");
        assert_eq!(s.port, 8787);
        assert_eq!(s.approval, ApprovalMode::Manual);
        assert_eq!(s.approval_timeout, Duration::from_millis(30_000));
        assert_eq!(s.cors_origins, vec!["*"]);
        assert!(!s.read_only);
        // The current folder (here the home folder: nothing above it counts).
        let paths: Vec<_> = s.workspaces.iter().map(|w| w.path.clone()).collect();
        assert_eq!(paths, [h.path()]);
        assert_eq!(s.authorized_roots, [h.path()]);
        assert!(s.client_token.generated && s.host_token.generated);
        assert_eq!(s.client_token.value.len(), 64);
        assert_ne!(s.client_token.value, s.host_token.value);
        assert!(s.config_file.is_none());
    }

    #[test]
    fn flag_beats_file_beats_default() {
        let h = home();
        write_config(
            h.path(),
            r#"{"host":"0.0.0.0","port":9000,"token":"filetok-0123456789","hostToken":"filehost-0123456789",
                "approval":{"mode":"auto","timeoutMs":5},"readOnly":true,
                "corsOrigins":["https://a.example"]}"#,
        );
        let file = run(&[], &[], h.path()).unwrap();
        assert_eq!(file.host, "0.0.0.0");
        assert_eq!(file.port, 9000);
        assert_eq!(file.client_token.value, "filetok-0123456789");
        assert!(!file.client_token.generated);
        assert_eq!(file.host_token.value, "filehost-0123456789");
        assert_eq!(file.approval, ApprovalMode::Auto);
        assert_eq!(file.approval_timeout, Duration::from_millis(5));
        assert!(file.read_only);
        assert_eq!(file.cors_origins, vec!["https://a.example"]);
        assert_eq!(
            file.config_file,
            Some(h.path().join(".config/openwork/server.json"))
        );

        let flags = run(
            &[
                "--host",
                "::1",
                "--port",
                "0",
                "--token",
                "flagtok-0123456789",
                "--host-token",
                "flaghost-0123456789",
                "--approval",
                "manual",
                "--approval-timeout",
                "7",
                "--cors",
                "https://d.example,https://e.example",
                "--cors",
                "https://f.example",
            ],
            &[],
            h.path(),
        )
        .unwrap();
        assert_eq!(flags.host, "::1");
        assert_eq!(flags.port, 0);
        assert_eq!(flags.client_token.value, "flagtok-0123456789");
        assert_eq!(flags.host_token.value, "flaghost-0123456789");
        assert_eq!(flags.approval, ApprovalMode::Manual);
        assert_eq!(flags.approval_timeout, Duration::from_millis(7));
        assert!(flags.read_only, "from the file still");
        assert_eq!(
            flags.cors_origins,
            vec![
                "https://d.example",
                "https://e.example",
                "https://f.example"
            ]
        );
    }

    #[test]
    fn workspaces_from_each_source() {
        let h = home();
        let a = h.path().join("a");
        let b = h.path().join("b");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        // Flags: relative to the current folder, repeatable, duplicates folded.
        let s = run(
            &[
                "-w",
                "a",
                "-w",
                "./b/",
                "-w",
                "a/../a",
                "--opencode-base-url",
                "http://127.0.0.1:4096",
                "--opencode-directory",
                "/dir",
            ],
            &[(WORKSPACES_ENV, "b")],
            h.path(),
        )
        .unwrap();
        let paths: Vec<_> = s.workspaces.iter().map(|w| w.path.clone()).collect();
        assert_eq!(
            paths,
            vec![a.clone(), b.clone()],
            "the flags beat the variable"
        );
        assert_eq!(
            s.workspaces[0].base_url.as_deref(),
            Some("http://127.0.0.1:4096")
        );
        assert_eq!(s.workspaces[0].directory.as_deref(), Some("/dir"));
        assert_eq!(s.workspaces[1].base_url, None);
        assert_eq!(s.authorized_roots, vec![a.clone(), b.clone()]);

        // The variable: a JSON array or a `,`/`;` list; an empty one is unset.
        for list in [r#"["a","b"]"#, "a;b", " a , b "] {
            let s = run(&[], &[(WORKSPACES_ENV, list)], h.path()).unwrap();
            assert_eq!(s.workspaces.len(), 2, "{list}");
        }
        let s = run(&[], &[(WORKSPACES_ENV, " ")], h.path()).unwrap();
        assert_eq!(s.workspaces.len(), 1, "unset: the current project");
        let bad = run(&[], &[(WORKSPACES_ENV, "[1]")], h.path()).unwrap_err();
        assert!(
            bad.starts_with("OPENWORK_WORKSPACES is not a JSON array"),
            "{bad}"
        );

        // The file: relative to the file's folder, with names and roots.
        let cfg = h.path().join("cfg");
        std::fs::create_dir_all(&cfg).unwrap();
        std::fs::write(
            cfg.join("server.json"),
            r#"{"workspaces":[{"path":"../a","name":"Alpha","baseUrl":"http://x"},"../b"],
                "authorizedRoots":[".."]}"#,
        )
        .unwrap();
        let s = run(&["--config", "cfg/server.json"], &[], h.path()).unwrap();
        assert_eq!(s.workspaces[0].path, a);
        assert_eq!(s.workspaces[0].name.as_deref(), Some("Alpha"));
        assert_eq!(s.workspaces[0].base_url.as_deref(), Some("http://x"));
        assert_eq!(s.workspaces[1].path, b);
        assert_eq!(s.authorized_roots, vec![h.path().to_path_buf()]);
        assert!(s.is_authorized(&a));
        assert!(!s.is_authorized(Path::new("/elsewhere")));
        // Links are resolved: a link inside a root to a folder outside it
        // is outside; a link to a root is that root.
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            let link = h.path().join("link");
            std::os::unix::fs::symlink(outside.path(), &link).unwrap();
            assert!(!s.is_authorized(&link));
            assert!(!s.is_authorized(&link.join(".")));
            let via = outside.path().join("to-home");
            std::os::unix::fs::symlink(h.path(), &via).unwrap();
            assert!(s.is_authorized(&via.join("a")));
        }
    }

    #[test]
    fn with_no_workspace_named_the_current_project_is_served() {
        let h = home();
        let proj = h.path().join("proj");
        std::fs::create_dir_all(proj.join("src/deep")).unwrap();
        std::fs::write(proj.join("opencode.jsonc"), "{}").unwrap();
        let (args, flags) = parse(&[]).unwrap();
        let env = |k: &str| (k == "HOME").then(|| h.path().display().to_string());
        let (s, why) = resolve(&args, &flags, &env, &proj.join("src/deep")).unwrap();
        assert_eq!(s.workspaces.len(), 1);
        assert_eq!(s.workspaces[0].path, proj);
        assert_eq!(
            why.as_deref(),
            Some("the nearest folder above the current one that holds opencode.jsonc")
        );
        // OPENWORK_WORKSPACE, as every command takes it.
        let env = |k: &str| match k {
            "OPENWORK_WORKSPACE" => Some("src".to_string()),
            _ => None,
        };
        let (s, why) = resolve(&args, &flags, &env, &proj).unwrap();
        assert_eq!(s.workspaces[0].path, proj.join("src"));
        assert_eq!(why.as_deref(), Some("given by OPENWORK_WORKSPACE"));
        // Anything that names workspaces wins, and no reason is given.
        let (s, why) = resolve(&args, &[proj.join("src")], &env, &proj).unwrap();
        assert_eq!(s.workspaces[0].path, proj.join("src"));
        assert_eq!(why, None);
    }

    #[test]
    fn bad_settings_are_errors() {
        let h = home();
        let bad = |argv: &[&str]| run(argv, &[], h.path()).unwrap_err();
        assert!(bad(&["-w", "missing"]).contains("does not exist"));
        assert!(bad(&["--config", "nope.json"]).contains("does not exist"));
        assert!(bad(&["--token", "has space"]).contains("client token"));
        let same = "same-token-0123456789";
        assert!(bad(&["--token", same, "--host-token", same]).contains("differ"));
        assert!(bad(&["--host-token", "x"]).contains("at least 16 characters"));
        assert!(bad(&["--host", " "]).contains("invalid host"));

        // A default config file that exists but does not parse.
        write_config(h.path(), "{ not json");
        assert!(bad(&[]).contains("does not parse"));
        write_config(h.path(), r#"{"port":"x"}"#);
        assert!(bad(&[]).contains("\"port\""));
        write_config(h.path(), r#"{"approval":{"mode":"x"}}"#);
        assert!(bad(&[]).contains("\"approval.mode\""));
        // XDG_CONFIG_HOME is honoured: this one has no file, so all is fine.
        let xdg = h.path().join("xdg");
        let xdg = xdg.to_str().unwrap();
        assert!(run(&[], &[("XDG_CONFIG_HOME", xdg)], h.path()).is_ok());
        // An empty one is unset: the file under HOME is read.
        assert!(run(&[], &[("XDG_CONFIG_HOME", "")], h.path()).is_err());
    }
}
