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
    /// Host token (default: from the pairing file or the server config file).
    #[arg(
        long,
        global = true,
        env = "OPENWORK_HOST_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub host_token: Option<String>,
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
        after_help = "Examples:\n  openwork approvals watch\n  openwork approvals watch --json > approvals.log\n  openwork approvals watch --allow-all --action plugins.add   # unattended, one action only"
    )]
    Watch(WatchArgs),
}

#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Allow every request (of the --action kinds, if given) without asking.
    #[arg(long, conflicts_with = "deny_all")]
    pub allow_all: bool,
    /// Deny every request (of the --action kinds, if given) without asking.
    #[arg(long)]
    pub deny_all: bool,
    /// Only decide requests of this action (e.g. plugins.add; repeatable).
    #[arg(long = "action", value_name = "ACTION")]
    pub actions: Vec<String>,
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
    let secs = openwork::workspace::now_ms().saturating_sub(created_at) / 1000;
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s => format!("{}h", s / 3600),
    }
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
                str_of(a, "id").chars().take(8).collect(),
                age(a.get("createdAt").and_then(Value::as_u64).unwrap_or(0)),
                str_of(a, "action").to_string(),
                ws.map_or_else(|| str_of(a, "workspaceId").to_string(), |w| w.name.clone()),
                str_of(a, "summary").to_string(),
                paths_of(a, ws.map(|w| w.path.as_str())).join(", "),
            ]
        })
        .collect();
    ctx.out.table(
        &["ID", "AGE", "ACTION", "WORKSPACE", "SUMMARY", "PATHS"],
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

async fn answer(ctx: &Ctx, client: &Client, prefix: &str, allow: bool) -> CmdResult {
    let item = resolve(client, prefix).await?;
    let id = str_of(&item, "id");
    let result = client.reply(id, allow).await?;
    if ctx.out.json {
        ctx.out.print_json(&result);
    } else {
        let verb = if allow { "Allowed" } else { "Denied" };
        ctx.out.success(&format!(
            "{verb} {}: {}",
            &id[..id.len().min(8)],
            str_of(&item, "summary")
        ));
    }
    Ok(())
}
