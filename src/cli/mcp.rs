//! `openwork mcp list|get|add|add-json|enable|disable|remove`.

use super::parse_error::shell_words;
use super::report::{self, Removable};
use super::{CmdResult, Ctx, ExitStatus, Failure, RemoveArgs, WriteArgs, usage};
use clap::{Args, Subcommand};
use openwork::Error;
use openwork::workspace::mcp::{self, McpItem};
use openwork::workspace::{Workspace, input, secrets, validate};
use serde::Serialize;
use serde_json::{Map, Value, json};

#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  openwork mcp add chrome -- npx -y chrome-devtools-mcp@latest\n  openwork mcp list --global\n  openwork mcp add chrome --global -- npx -y chrome-devtools-mcp@latest\n  openwork mcp remove chrome"
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
    /// Show one MCP server: every field of its config, and where it is set.
    #[command(
        after_help = "Examples:\n  openwork mcp get chrome\n  openwork --json mcp get docs | jq .config.url"
    )]
    Get {
        #[arg(add = clap_complete::ArgValueCandidates::new(super::complete::mcp_names))]
        name: String,
    },
    /// Add (or replace) an MCP server: local with `-- CMD ARGS…`, remote with `--url`.
    #[command(
        after_help = "Examples:\n  openwork mcp add chrome -- npx -y chrome-devtools-mcp@latest\n  openwork mcp add db --env DB_URL=postgres://localhost/dev -- node server.js\n  openwork mcp add docs --url https://mcp.example.com/mcp --header 'Authorization: Bearer {env:DOCS_TOKEN}'  # the token stays out of the file"
    )]
    Add(AddArgs),
    /// Add (or replace) an MCP server from its JSON config.
    #[command(
        after_help = "Examples:\n  openwork mcp add-json chrome '{\"type\":\"local\",\"command\":[\"npx\",\"-y\",\"chrome-devtools-mcp@latest\"]}'"
    )]
    AddJson {
        name: String,
        /// The server's config: {"type":"local","command":[…]} or {"type":"remote","url":…}.
        #[arg(value_name = "JSON")]
        config: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Switch MCP servers on: `enabled` set in place where the project defines them.
    ///
    /// A server defined only outside the project (a parent folder's or the
    /// user-wide config) gets OpenCode's override {"enabled": true} in the
    /// project's config.
    #[command(
        after_help = "Examples:\n  openwork mcp enable chrome\n  openwork mcp enable docs --dry-run"
    )]
    Enable {
        #[arg(required = true, value_name = "NAME", add = clap_complete::ArgValueCandidates::new(super::complete::mcp_names))]
        names: Vec<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Switch MCP servers off (`enabled: false`), keeping their config.
    ///
    /// `enabled` is set in place where the project defines the server; one
    /// defined only outside the project (a parent folder's or the user-wide
    /// config) gets OpenCode's override {"enabled": false} in the project's
    /// config.
    #[command(
        after_help = "Examples:\n  openwork mcp disable chrome\n  openwork --json mcp disable chrome docs"
    )]
    Disable {
        #[arg(required = true, value_name = "NAME", add = clap_complete::ArgValueCandidates::new(super::complete::mcp_names))]
        names: Vec<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove MCP servers (one defined outside the project is switched off with {"enabled": false}).
    #[command(after_help = "Examples:\n  openwork mcp remove chrome docs")]
    Remove {
        #[arg(required = true, value_name = "NAME", add = clap_complete::ArgValueCandidates::new(super::complete::mcp_names))]
        names: Vec<String>,
        #[command(flatten)]
        remove: RemoveArgs,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Server name (letters, digits, '_' and '-').
    pub name: String,
    /// Remote server URL, http:// or https:// (makes a remote server).
    #[arg(long)]
    pub url: Option<String>,
    /// HTTP header for a remote server, as 'Key: Value' or KEY=VALUE (repeatable).
    #[arg(long = "header", value_name = "'K: V'")]
    pub headers: Vec<String>,
    /// Turn off OAuth for a remote server.
    #[arg(long)]
    pub no_oauth: bool,
    /// Environment variable for a local server, as K=V (repeatable).
    #[arg(short = 'e', long = "env", value_name = "K=V")]
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

/// Refuses the flags that do not apply to the kind of server the others
/// describe: a remote one (`--url`) takes no command and no `--env`; a
/// local one (a command after `--`) no `--header` and no `--no-oauth`.
fn check_kind(a: &AddArgs) -> Result<(), Failure> {
    let remote_only = [
        (!a.headers.is_empty(), "--header"),
        (a.no_oauth, "--no-oauth"),
    ];
    if a.url.is_some() {
        if !a.command.is_empty() {
            return Err(usage(
                "give either --url (a remote server) or a command after `--` (a local one), not both",
            )
            .with_hint(format!(
                "mcp add {} --url URL, or mcp add {} -- CMD ARGS…",
                a.name, a.name
            )));
        }
        if !a.env.is_empty() {
            return Err(usage(
                "--env applies only to a local server (a command after `--`), not to a remote one (--url)",
            )
            .with_hint("send values to a remote server as --header 'Key: Value'"));
        }
    } else {
        for (given, flag) in remote_only {
            if given {
                return Err(usage(format!(
                    "{flag} applies only to a remote server (--url), not to a local one"
                ))
                .with_hint(if a.command.is_empty() || flag == "--no-oauth" {
                    "give --url URL for a remote server".to_string()
                } else {
                    "a local server gets its values with --env K=V".to_string()
                }));
            }
        }
    }
    Ok(())
}

/// The server config that `mcp add` flags describe.
fn config_from_args(a: &AddArgs) -> Result<Value, Failure> {
    check_kind(a)?;
    let mut config = Map::new();
    if let Some(url) = &a.url {
        config.insert("type".into(), json!("remote"));
        config.insert("url".into(), json!(url));
        if !a.headers.is_empty() {
            let mut headers = Map::new();
            for h in &a.headers {
                let (k, v) = header(h)?;
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

/// One `--header`: `Key: Value` or `KEY=VALUE`, split at the first `:`
/// or `=` (neither can be part of a header's name), both sides trimmed.
fn header(h: &str) -> Result<(&str, &str), Failure> {
    let form = "give 'Key: Value' or KEY=VALUE";
    let at = h
        .find([':', '='])
        .ok_or_else(|| usage(format!("--header {h:?} has no value: {form}")))?;
    let (name, value) = (h[..at].trim(), h[at + 1..].trim());
    if name.is_empty() {
        return Err(usage(format!("--header {h:?} has no name: {form}")));
    }
    // A header name is an HTTP token (RFC 9110, section 5.6.2).
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if !name.chars().all(token) {
        return Err(usage(format!(
            "--header name {name:?} is not a valid header name (letters, digits and !#$%&'*+-.^_`|~)"
        )));
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(usage(format!(
            "--header {name} has a control character in its value"
        )));
    }
    Ok((name, value))
}

pub fn run(ctx: &Ctx, cmd: McpCmd) -> CmdResult {
    let ws = ctx.workspace_for(match &cmd {
        McpCmd::List { .. } | McpCmd::Get { .. } => false,
        McpCmd::Add(args) => args.write.global,
        McpCmd::AddJson { write, .. } => write.global,
        McpCmd::Enable { write, .. } | McpCmd::Disable { write, .. } => write.global,
        McpCmd::Remove { remove, .. } => remove.write.global,
    })?;
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
                        let mut row = vec![m.name.clone()];
                        if global {
                            row.push(scope_of(m).to_string());
                        }
                        row.extend([
                            kind,
                            target,
                            if enabled { "yes".into() } else { "no".into() },
                            super::shown_file(&ws, &m.from.file),
                        ]);
                        row
                    })
                    .collect();
                // Both scopes appear only with --global: then a SCOPE column.
                let headers: &[&str] = if global {
                    &["NAME", "SCOPE", "TYPE", "COMMAND / URL", "ENABLED", "FROM"]
                } else {
                    &["NAME", "TYPE", "COMMAND / URL", "ENABLED", "FROM"]
                };
                ctx.out.table(headers, rows, "No MCP servers.");
            }
            Ok(())
        }
        McpCmd::Get { name } => {
            validate::mcp_name(&name)?;
            let items = ws.read(|ws| mcp::list(ws, true))?;
            let Some(item) = items.iter().find(|m| m.name == name) else {
                return Err(not_configured(&name, &items));
            };
            if ctx.out.json {
                ctx.out.print_json(item);
            } else {
                ctx.out.block(&described(&ws, item));
            }
            Ok(())
        }
        McpCmd::Add(args) => {
            let config = config_from_args(&args)?;
            add(ctx, &ws, &args.name, &config, &args.write, Given::Flags)
        }
        McpCmd::AddJson {
            name,
            config,
            write,
        } => {
            let config = Value::Object(input::parse_object(&config, "the MCP config")?);
            add(ctx, &ws, &name, &config, &write, Given::Json)
        }
        McpCmd::Enable { names, write } => switch(ctx, &ws, &names, &write, true),
        McpCmd::Disable { names, write } => switch(ctx, &ws, &names, &write, false),
        McpCmd::Remove { names, remove } => ctx.remove_each(
            &ws,
            &remove,
            Removable::McpServer,
            &names,
            mcp::plan_remove,
            answer,
        ),
    }
}

/// `global` or `project`, as the other lists say it (the JSON's `source`
/// says `config.global` or `config.project`).
fn scope_of(item: &McpItem) -> &'static str {
    match item.source.as_str() {
        "config.global" => "global",
        _ => "project",
    }
}

/// How `mcp add` was given the config: the warning's example follows.
#[derive(Clone, Copy)]
enum Given {
    Flags,
    Json,
}

/// A warning of `mcp add`: a secret written out into a file git tracks.
#[derive(Debug, Serialize)]
struct Warning {
    kind: &'static str,
    /// Where the secret is in the server's config (`headers.Authorization`).
    field: String,
    /// The config file that will hold it, relative to the workspace.
    file: String,
    message: String,
}

/// `mcp add` and `mcp add-json`: the write, warned about first when a
/// value looks like a secret and the file it goes to is tracked by git;
/// with `--json` the answer carries the warnings too.
fn add(
    ctx: &Ctx,
    ws: &Workspace,
    name: &str,
    config: &Value,
    write: &WriteArgs,
    given: Given,
) -> CmdResult {
    let warnings = secret_warnings(ws, name, config, given);
    for w in &warnings {
        ctx.out.warning(&w.message);
    }
    ctx.write(
        ws,
        write,
        |ws| mcp::plan_add(ws, name, config),
        |ws| {
            let mut answer = answer(ws)?;
            if !warnings.is_empty() {
                answer["warnings"] = json!(warnings);
            }
            Ok(answer)
        },
    )
}

/// The secrets written out in `config` (never their values), when the
/// file the write changes is tracked by git; none when nothing would be
/// written or the write would fail (its error says why).
fn secret_warnings(ws: &Workspace, name: &str, config: &Value, given: Given) -> Vec<Warning> {
    let found = secrets::written_secrets(name, config);
    if found.is_empty() {
        return Vec::new();
    }
    let Ok(plan) = mcp::plan_add(ws, name, config) else {
        return Vec::new();
    };
    let Some(file) = plan
        .edits
        .iter()
        .find(|e| e.after.is_some() && super::git::tracks(ws.root(), &e.path))
        .map(|e| ws.relative(&e.path))
    else {
        return Vec::new();
    };
    found
        .into_iter()
        .map(|s| {
            let example = match (given, s.field.split_once('.')) {
                (Given::Flags, Some(("headers", header))) => {
                    format!("--header '{header}: {}'", s.instead)
                }
                (Given::Flags, Some(("environment", key))) => {
                    format!("--env {key}='{}'", s.instead)
                }
                (_, Some((_, key))) if !s.field.starts_with("command") => {
                    format!("{key:?}: {:?}", s.instead)
                }
                _ => format!("{:?}", s.instead),
            };
            let message = format!(
                "MCP server {name}: {} looks like a secret, and {file} is tracked by git: \
                 keep it out of the file with OpenCode's {{env:VAR}} form, e.g. {example}, \
                 and set {} in the environment OpenCode starts in",
                s.field, s.variable
            );
            Warning {
                kind: "secret_in_tracked_file",
                field: s.field,
                file: file.clone(),
                message,
            }
        })
        .collect()
}

/// The error when `name` is not among the servers OpenCode resolves
/// (`items`, the user-wide ones included): exit 1, with the closest name.
fn not_configured(name: &str, items: &[McpItem]) -> Failure {
    let names: Vec<String> = items.iter().map(|m| m.name.clone()).collect();
    Failure::new(
        ExitStatus::Failure,
        format!("MCP server {name:?} is not configured"),
    )
    .with_hint(report::which_then(
        name,
        &names,
        "MCP servers (`openwork mcp list --global`)",
    ))
}

/// `mcp enable` and `mcp disable`: every name must be configured (else
/// exit 1, nothing written), then each is switched as one write.
fn switch(ctx: &Ctx, ws: &Workspace, names: &[String], write: &WriteArgs, on: bool) -> CmdResult {
    for name in names {
        validate::mcp_name(name)?;
    }
    let items = ws.read(|ws| mcp::list(ws, true))?;
    if let Some(missing) = names.iter().find(|n| !items.iter().any(|m| &m.name == *n)) {
        return Err(not_configured(missing, &items));
    }
    ctx.write_each(
        ws,
        write,
        names,
        |_| Ok(()),
        |ws, name| mcp::plan_set_enabled(ws, name, on),
        answer,
    )
}

/// One server for people: its name, then each field of its config as
/// `key  value` (lists and maps one entry a line), whether it is enabled,
/// and where it is set.
fn described(ws: &Workspace, item: &McpItem) -> String {
    let mut fields: Vec<(String, Vec<String>)> = Vec::new();
    let entries = |map: &Map<String, Value>, sep: &str| -> Vec<String> {
        map.iter()
            .map(|(k, v)| {
                format!(
                    "{k}{sep}{}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_string)
                )
            })
            .collect()
    };
    for (key, value) in item.config.iter() {
        let lines = match (key.as_str(), value) {
            ("command", Value::Array(words)) => {
                let words: Vec<String> = words
                    .iter()
                    .map(|w| w.as_str().map_or_else(|| w.to_string(), str::to_string))
                    .collect();
                vec![shell_words(&words)]
            }
            ("environment", Value::Object(map)) => entries(map, "="),
            ("headers", Value::Object(map)) => entries(map, ": "),
            ("enabled", Value::Bool(_)) => continue,
            ("timeout", Value::Number(ms)) => vec![format!("{ms} ms")],
            (_, Value::String(text)) => vec![text.clone()],
            (_, other) => vec![other.to_string()],
        };
        fields.push((key.clone(), lines));
    }
    // Whether OpenCode starts it, as `mcp list` says it.
    let enabled = if item.config.get("enabled") == Some(&Value::Bool(false)) {
        "no"
    } else if item.disabled_by_tools == Some(true) {
        "no: its tools are switched off by \"tools\""
    } else {
        "yes"
    };
    fields.push(("enabled".into(), vec![enabled.to_string()]));
    let file = match item.source.as_str() {
        "config.project" => ws.relative(&ws.opencode_config()),
        _ => "the user-wide OpenCode config".to_string(),
    };
    fields.push(("source".into(), vec![format!("{} ({file})", item.source)]));
    // Every name and value from the file is shown on its own line, its
    // control characters visible: a value cannot forge another line.
    let shown = |text: &str| openwork::display::line(text).into_owned();
    let fields: Vec<(String, Vec<String>)> = fields
        .into_iter()
        .map(|(key, lines)| (shown(&key), lines.iter().map(|l| shown(l)).collect()))
        .collect();
    let width = fields
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut text = shown(&item.name);
    for (key, lines) in fields {
        for (i, line) in lines.iter().enumerate() {
            let key = if i == 0 { key.as_str() } else { "" };
            text.push_str(&format!("\n  {key:width$}  {line}"));
        }
    }
    text
}

/// What `POST` and `DELETE …/mcp` answer: `{items}` of the workspace
/// (with `--global`, the user-wide ones).
fn answer(ws: &Workspace) -> Result<Value, Error> {
    Ok(json!({ "items": ws.read(|ws| mcp::list(ws, ws.is_global()))? }))
}

#[cfg(test)]
mod tests {
    use super::header;

    #[test]
    fn headers_in_either_form() {
        assert_eq!(
            header("Authorization: Bearer x").unwrap(),
            ("Authorization", "Bearer x")
        );
        assert_eq!(
            header("X-Api-Key=abc=def").unwrap(),
            ("X-Api-Key", "abc=def")
        );
        // The first of `:` and `=` splits.
        assert_eq!(header("A=b:c").unwrap(), ("A", "b:c"));
        assert_eq!(header("A:b=c").unwrap(), ("A", "b=c"));
        assert_eq!(header("Empty:").unwrap(), ("Empty", ""));
        for bad in [
            "no separator",
            ": v",
            " = v",
            "Bad Name: v",
            "Ä: v",
            "A: x\ny",
        ] {
            assert!(header(bad).is_err(), "{bad:?}");
        }
    }
}
