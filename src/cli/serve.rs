//! `openwork serve`: run the HTTP server in the foreground (SPEC §3).

use super::{CmdResult, Ctx, Failure, usage};
use clap::Args;
use openwork::server::{self, ServeError, settings};
use openwork::{Code, Error};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Workspaces are given with the global -w/--workspace (repeatable), OPENWORK_WORKSPACES
(JSON array or `,`/`;` list) or the config file's \"workspaces\".

Each setting comes from, highest first: the flag, the environment variable, the config
file (~/.config/openwork/server.json), the default.

Examples:
  openwork serve --workspace ~/proj                   # manual approval, tokens printed
  openwork serve -w ~/a -w ~/b --approval auto --port 0
  openwork serve -w . --cors https://app.example --read-only";

#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ServeArgs {
    /// Server config file (JSON). [env: OPENWORK_SERVER_CONFIG]
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Address to bind (default 127.0.0.1). [env: OPENWORK_HOST]
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// Port to listen on; 0 picks a free one (default 8787). [env: OPENWORK_PORT]
    #[arg(long, value_name = "PORT")]
    pub port: Option<String>,
    /// Client bearer token (default: generated and printed). [env: OPENWORK_TOKEN]
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Host token for approvals (default: generated and printed). [env: OPENWORK_HOST_TOKEN]
    #[arg(long, value_name = "TOKEN")]
    pub host_token: Option<String>,
    /// manual: every remote write waits for the host; auto: allow at once. [env: OPENWORK_APPROVAL_MODE]
    #[arg(long, value_name = "manual|auto")]
    pub approval: Option<String>,
    /// How long a write waits for approval, in milliseconds (default 30000). [env: OPENWORK_APPROVAL_TIMEOUT_MS]
    #[arg(long, value_name = "MS")]
    pub approval_timeout: Option<String>,
    /// Allowed CORS origin (repeatable or a comma list; `*` for any, the default). [env: OPENWORK_CORS_ORIGINS]
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Vec<String>,
    /// Refuse every write with 403 read_only. [env: OPENWORK_READONLY]
    #[arg(long)]
    pub read_only: bool,
    /// OpenCode server URL of the first workspace. [env: OPENWORK_OPENCODE_BASE_URL]
    #[arg(long, value_name = "URL")]
    pub opencode_base_url: Option<String>,
    /// OpenCode directory of the first workspace. [env: OPENWORK_OPENCODE_DIRECTORY]
    #[arg(long, value_name = "DIR")]
    pub opencode_directory: Option<String>,
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
    let flags = settings::Flags {
        config: args.config,
        host: args.host,
        port: args.port,
        token: args.token,
        host_token: args.host_token,
        approval: args.approval,
        approval_timeout: args.approval_timeout,
        workspaces: ctx.global.workspace.clone(),
        cors: args.cors,
        read_only: args.read_only,
        opencode_base_url: args.opencode_base_url,
        opencode_directory: args.opencode_directory,
    };
    let settings = settings::resolve(&flags).map_err(|e| usage(e.0))?;
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
        .map_err(|e| Failure::from(Error::new(Code::Internal, format!("cannot start: {e}"))))?;
    let result = runtime.block_on(server::run(settings));
    // Waits for any write still running on the blocking pool.
    drop(runtime);
    result.map_err(|e| match e {
        ServeError::Settings(m) => usage(m),
        ServeError::Runtime(m) => Failure::from(Error::new(Code::Internal, m)),
    })
}
