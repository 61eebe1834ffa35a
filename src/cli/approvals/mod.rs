//! `openwork approvals list|allow|deny|watch`: the host's side of the gate,
//! over a running server's host API.

mod client;
mod discover;
mod sse;
mod watch;

use super::{CmdResult, Ctx, ExitStatus, Failure, usage};
use clap::{Args, Subcommand};
use client::Client;
use serde_json::{Value, json};
use std::io::IsTerminal;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  openwork serve --workspace ~/proj   # terminal 1\n  openwork approvals watch            # terminal 2: answer each write with one key\n  openwork approvals list\n  openwork approvals allow 3f2a       # a unique prefix of the id is enough"
)]
pub struct ApprovalsArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(subcommand)]
    pub cmd: ApprovalsCmd,
}

#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// Server URL (default: the running `openwork serve` found by its pairing file).
    #[arg(long, global = true, env = "OPENWORK_URL", value_name = "URL")]
    pub url: Option<String>,
    /// Host token (default: from the pairing file or the server config file). Visible
    /// to every local user on the command line: prefer --host-token-file.
    #[arg(
        long,
        global = true,
        env = "OPENWORK_HOST_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub host_token: Option<String>,
    /// Read the host token from this file (mode 0600; one line).
    #[arg(
        long,
        global = true,
        env = "OPENWORK_HOST_TOKEN_FILE",
        value_name = "PATH",
        hide_env_values = true
    )]
    pub host_token_file: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ApprovalsCmd {
    /// List pending approvals.
    #[command(
        after_help = "Examples:\n  openwork approvals list\n  openwork --json approvals list | jq -r '.items[].id'"
    )]
    List,
    /// Allow a pending write (a unique id prefix is enough).
    #[command(after_help = "Examples:\n  openwork approvals allow 3f2a")]
    Allow { id: String },
    /// Deny a pending write (a unique id prefix is enough).
    #[command(after_help = "Examples:\n  openwork approvals deny 3f2a")]
    Deny { id: String },
    /// Follow requests as they come and answer each one.
    #[command(
        after_help = "Examples:\n  openwork approvals watch\n  openwork approvals watch --json > approvals.log\n  openwork approvals watch --allow-all --action plugins.add   # unattended, one action only\n  openwork approvals watch --deny-all                         # deny everything"
    )]
    Watch(WatchArgs),
}

#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Allow every request of the --action kinds without asking (--action is
    /// required: give --action '*' to allow every write).
    #[arg(long, conflicts_with = "deny_all", requires = "actions")]
    pub allow_all: bool,
    /// Deny every request (of the --action kinds, if given) without asking.
    #[arg(long)]
    pub deny_all: bool,
    /// Only decide requests of this action (e.g. plugins.add; repeatable; '*' for all).
    #[arg(long = "action", value_name = "ACTION")]
    pub actions: Vec<String>,
    /// When the server goes away, wait this long for it (or, when found by its
    /// pairing file, for a server of the same workspaces) before giving up.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub reconnect_timeout: u64,
}

pub fn run(ctx: &Ctx, args: ApprovalsArgs) -> CmdResult {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("could not start: {e}")))?;
    let interactive =
        std::io::stdin().is_terminal() && std::io::stdout().is_terminal() && !ctx.out.json;
    let target = discover::find(&args.server, &ctx.out, interactive)?;
    ctx.out.debug(&format!(
        "using {} (found via {})",
        target.url, target.source
    ));
    let client = Client::new(target)?;
    runtime.block_on(async {
        match args.cmd {
            ApprovalsCmd::List => list(ctx, &client).await,
            ApprovalsCmd::Allow { id } => answer(ctx, &client, &id, true).await,
            ApprovalsCmd::Deny { id } => answer(ctx, &client, &id, false).await,
            ApprovalsCmd::Watch(w) => watch::run(ctx, client, args.server, w, interactive).await,
        }
    })
}

/// `12s`, `3m`, `2h` since `created_at` (ms).
pub fn age(created_at: u64) -> String {
    span(openwork::workspace::now_ms().saturating_sub(created_at) / 1000)
}

/// `12s`, `3m`, `2h` until `expires_at` (ms), or `-` when unknown.
pub fn time_left(expires_at: Option<u64>) -> String {
    match expires_at {
        Some(at) => span(at.saturating_sub(openwork::workspace::now_ms()) / 1000),
        None => "-".into(),
    }
}

fn span(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s => format!("{}h", s / 3600),
    }
}

/// The first 8 characters of an approval id, as shown to people.
pub fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

/// Why an allowed write was not written, in words for the host:
/// `the file changed meanwhile (opencode.jsonc)`.
pub fn not_written(answer: &Value, root: Option<&str>) -> Option<String> {
    if answer.get("written").and_then(Value::as_bool) != Some(false) {
        return None;
    }
    let not = answer.get("notWritten").cloned().unwrap_or(Value::Null);
    let why = match str_of(&not, "reason") {
        "conflict" => "the file changed meanwhile".to_string(),
        "withdrawn" => "the client went away before it was applied".to_string(),
        "" => "the server did not say why".to_string(),
        reason => match str_of(&not, "message") {
            "" => reason.to_string(),
            message => format!("{reason}: {message}"),
        },
    };
    let paths = paths_of(&not, root);
    Some(if paths.is_empty() {
        why
    } else {
        format!("{why} ({})", paths.join(", "))
    })
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `paths` shown relative to their workspace when its folder is known.
pub fn paths_of(item: &Value, root: Option<&str>) -> Vec<String> {
    item.get("paths")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|p| match root.and_then(|r| p.strip_prefix(r)) {
            Some(rel) => rel.trim_start_matches('/').to_string(),
            None => p.to_string(),
        })
        .collect()
}

async fn list(ctx: &Ctx, client: &Client) -> CmdResult {
    let items = client.list().await?;
    if ctx.out.json {
        ctx.out.print_json(&json!({ "items": items }));
        return Ok(());
    }
    let names = client.workspaces().await;
    let rows = items
        .iter()
        .map(|a| {
            let ws = names.get(str_of(a, "workspaceId"));
            vec![
                short(str_of(a, "id")),
                age(a.get("createdAt").and_then(Value::as_u64).unwrap_or(0)),
                time_left(a.get("expiresAt").and_then(Value::as_u64)),
                str_of(a, "action").to_string(),
                ws.map_or_else(|| str_of(a, "workspaceId").to_string(), |w| w.name.clone()),
                str_of(a, "summary").to_string(),
                paths_of(a, ws.map(|w| w.path.as_str())).join(", "),
            ]
        })
        .collect();
    ctx.out.table(
        &[
            "ID",
            "AGE",
            "LEFT",
            "ACTION",
            "WORKSPACE",
            "SUMMARY",
            "PATHS",
        ],
        rows,
        "No pending approvals.",
    );
    Ok(())
}

/// The pending approval whose id starts with `prefix`, as git does for hashes.
async fn resolve(client: &Client, prefix: &str) -> Result<Value, Failure> {
    let prefix = prefix.trim();
    if prefix.is_empty() {
        return Err(usage("give the approval id (or a unique prefix of it)"));
    }
    let items = client.list().await?;
    let matching: Vec<Value> = items
        .into_iter()
        .filter(|a| str_of(a, "id").starts_with(prefix))
        .collect();
    match matching.len() {
        0 => Err(Failure::new(
            ExitStatus::Failure,
            format!("no pending approval matches {prefix:?} (answered already, timed out, or never there)"),
        )
        .with_hint("`openwork approvals list` shows the pending ones")),
        1 => Ok(matching.into_iter().next().unwrap_or(Value::Null)),
        _ => {
            let ids: Vec<&str> = matching.iter().map(|a| str_of(a, "id")).collect();
            Err(usage(format!("{prefix:?} matches several approvals: {}; give more of the id", ids.join(", "))))
        }
    }
}

/// `allow` or `deny` one request. An allow whose write did not land (the
/// file changed meanwhile) is a failure: exit 1, saying why.
async fn answer(ctx: &Ctx, client: &Client, prefix: &str, allow: bool) -> CmdResult {
    let item = resolve(client, prefix).await?;
    let id = str_of(&item, "id");
    let result = client.reply(id, allow).await?;
    let failed = if allow {
        let names = client.workspaces().await;
        let root = names
            .get(str_of(&item, "workspaceId"))
            .map(|w| w.path.as_str());
        not_written(&result, root)
    } else {
        None
    };
    if ctx.out.json {
        ctx.out.print_json(&result);
    } else if failed.is_none() {
        let verb = if allow { "Allowed" } else { "Denied" };
        ctx.out.success(&format!(
            "{verb} {}: {}",
            short(id),
            str_of(&item, "summary")
        ));
    }
    match failed {
        Some(why) => Err(Failure::runtime(format!(
            "allowed {}, but nothing was written: {why}",
            short(id)
        ))
        .with_hint("the client was told so (409 conflict); it may send the write again")),
        None => Ok(()),
    }
}
