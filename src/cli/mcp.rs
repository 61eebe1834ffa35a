//! `openwork mcp list|add|add-json|remove`.

use super::{CmdResult, Ctx, WriteArgs, usage};
use clap::{Args, Subcommand};
use openwork::Error;
use openwork::workspace::{Workspace, input, mcp, validate};
use serde_json::{Map, Value, json};

#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  openwork mcp add chrome -- npx -y chrome-devtools-mcp@latest\n  openwork mcp list --global\n  openwork mcp remove chrome"
)]
pub enum McpCmd {
    /// List the MCP servers OpenCode resolves (entries of every config file merged).
    #[command(
        after_help = "Examples:\n  openwork mcp list\n  openwork --json mcp list | jq '.items[] | select(.disabledByTools)'"
    )]
    List {
        /// Include user-wide servers (~/.config/opencode).
        #[arg(long)]
        global: bool,
    },
    /// Add (or replace) an MCP server: local with `-- CMD ARGS…`, remote with `--url`.
    #[command(
        after_help = "Examples:\n  openwork mcp add chrome -- npx -y chrome-devtools-mcp@latest\n  openwork mcp add db --env DB_URL=postgres://localhost/dev -- node server.js\n  openwork mcp add docs --url https://mcp.example.com/mcp --header 'Authorization: Bearer $TOKEN'"
    )]
    Add(AddArgs),
    /// Add (or replace) an MCP server from its JSON config.
    #[command(
        after_help = "Examples:\n  openwork mcp add-json chrome '{\"type\":\"local\",\"command\":[\"npx\",\"-y\",\"chrome-devtools-mcp@latest\"]}'"
    )]
    AddJson {
        #[arg(allow_hyphen_values = true)]
        name: String,
        /// The server's config: {"type":"local","command":[…]} or {"type":"remote","url":…}.
        #[arg(value_name = "JSON")]
        config: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove MCP servers (one defined outside the project is switched off with {"enabled": false}).
    #[command(after_help = "Examples:\n  openwork mcp remove chrome docs")]
    Remove {
        #[arg(required = true, value_name = "NAME", allow_hyphen_values = true, add = clap_complete::ArgValueCandidates::new(super::complete::mcp_names))]
        names: Vec<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Server name (letters, digits, '_' and '-').
    #[arg(allow_hyphen_values = true)]
    pub name: String,
    /// Remote server URL (makes a remote server).
    #[arg(long, conflicts_with = "command")]
    pub url: Option<String>,
    /// HTTP header for a remote server, as 'Key: Value' or KEY=VALUE (repeatable).
    #[arg(long = "header", value_name = "'K: V'", requires = "url")]
    pub headers: Vec<String>,
    /// Turn off OAuth for a remote server.
    #[arg(long, requires = "url")]
    pub no_oauth: bool,
    /// Environment variable for a local server, as K=V (repeatable).
    #[arg(long = "env", value_name = "K=V", conflicts_with = "url")]
    pub env: Vec<String>,
    /// Timeout in milliseconds.
    #[arg(long, value_name = "MS")]
    pub timeout: Option<u64>,
    /// Add the server switched off.
    #[arg(long)]
    pub disabled: bool,
    /// The command that starts a local server, after `--`.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
    #[command(flatten)]
    pub write: WriteArgs,
}

/// A header as `Key: Value` (curl's form) or `KEY=VALUE` (`opencode mcp
/// add --header`'s): split at the first `:` or `=`, whichever comes first,
/// since a header name holds neither.
fn split_header(h: &str) -> Option<(&str, &str)> {
    let at = h.find([':', '='])?;
    let (k, v) = (h[..at].trim(), h[at + 1..].trim());
    (!k.is_empty()).then_some((k, v))
}

/// The server config that `mcp add` flags describe.
fn config_from_args(a: &AddArgs) -> Result<Value, super::Failure> {
    let mut config = Map::new();
    if let Some(url) = &a.url {
        config.insert("type".into(), json!("remote"));
        config.insert("url".into(), json!(url));
        if !a.headers.is_empty() {
            let mut headers = Map::new();
            for h in &a.headers {
                let (k, v) = split_header(h).ok_or_else(|| {
                    usage(format!("--header {h:?} is not 'Key: Value' or KEY=VALUE"))
                })?;
                headers.insert(k.to_string(), json!(v));
            }
            config.insert("headers".into(), Value::Object(headers));
        }
        if a.no_oauth {
            config.insert("oauth".into(), json!(false));
        }
    } else if !a.command.is_empty() {
        config.insert("type".into(), json!("local"));
        config.insert("command".into(), json!(a.command));
        if !a.env.is_empty() {
            let mut env = Map::new();
            for kv in &a.env {
                let (k, v) = kv
                    .split_once('=')
                    .filter(|(k, _)| !k.is_empty())
                    .ok_or_else(|| usage(format!("--env {kv:?} is not K=V")))?;
                env.insert(k.to_string(), json!(v));
            }
            config.insert("environment".into(), Value::Object(env));
        }
    } else {
        return Err(usage(
            "give the command after `--` for a local server (mcp add NAME -- CMD ARGS…) or --url URL for a remote one",
        ));
    }
    config.insert("enabled".into(), json!(!a.disabled));
    if let Some(t) = a.timeout {
        config.insert("timeout".into(), json!(t));
    }
    Ok(Value::Object(config))
}

pub fn run(ctx: &Ctx, cmd: McpCmd) -> CmdResult {
    let ws = ctx.workspace()?;
    match cmd {
        McpCmd::List { global } => {
            let items = ws.read(|ws| mcp::list(ws, global))?;
            if ctx.out.json {
                ctx.out.print_json(&json!({ "items": items }));
            } else {
                let rows = items
                    .iter()
                    .map(|m| {
                        let kind = m
                            .config
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or("?")
                            .to_string();
                        let target = match kind.as_str() {
                            "remote" => m
                                .config
                                .get("url")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string(),
                            _ => m
                                .config
                                .get("command")
                                .and_then(Value::as_array)
                                .map(|c| {
                                    c.iter()
                                        .filter_map(Value::as_str)
                                        .collect::<Vec<_>>()
                                        .join(" ")
                                })
                                .unwrap_or_default(),
                        };
                        let enabled = m.config.get("enabled").and_then(Value::as_bool)
                            != Some(false)
                            && m.disabled_by_tools != Some(true);
                        vec![
                            m.name.clone(),
                            kind,
                            target,
                            if enabled { "yes".into() } else { "no".into() },
                            m.source.clone(),
                            ws.relative(std::path::Path::new(&m.from.file)),
                        ]
                    })
                    .collect();
                ctx.out.table(
                    &["NAME", "TYPE", "COMMAND / URL", "ENABLED", "SOURCE", "FROM"],
                    rows,
                    "No MCP servers.",
                );
            }
            Ok(())
        }
        McpCmd::Add(args) => {
            let config = config_from_args(&args)?;
            ctx.write(
                &ws,
                &args.write,
                |ws| mcp::plan_add(ws, &args.name, &config),
                answer,
            )
        }
        McpCmd::AddJson {
            name,
            config,
            write,
        } => {
            let config = Value::Object(input::parse_object(&config, "the MCP config")?);
            ctx.write(&ws, &write, |ws| mcp::plan_add(ws, &name, &config), answer)
        }
        McpCmd::Remove { names, write } => ctx.write_each(
            &ws,
            &write,
            &names,
            |name| validate::mcp_name(name),
            |ws, name| mcp::plan_remove(ws, name),
            answer,
        ),
    }
}

/// What `POST` and `DELETE …/mcp` answer: `{items}` of the workspace.
fn answer(ws: &Workspace) -> Result<Value, Error> {
    Ok(json!({ "items": ws.read(|ws| mcp::list(ws, false))? }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn headers_in_both_forms() {
        use super::split_header;
        assert_eq!(
            split_header("Authorization: Bearer a=b"),
            Some(("Authorization", "Bearer a=b"))
        );
        assert_eq!(
            split_header("Authorization=Bearer a:b"),
            Some(("Authorization", "Bearer a:b"))
        );
        assert_eq!(split_header("X-Y=1"), Some(("X-Y", "1")));
        assert_eq!(split_header(": v"), None);
        assert_eq!(split_header("novalue"), None);
    }
}
