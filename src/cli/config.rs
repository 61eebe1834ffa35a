//! `openwork config show|get|set|unset|patch`.

use super::report::which_then;
use super::{CmdResult, Ctx, ExitStatus, Failure, RemoveArgs, WriteArgs, shown_path, usage};
use clap::Subcommand;
use openwork::Error;
use openwork::workspace::key_path::KeyPath;
use openwork::workspace::{Workspace, config, config_key, input};
use serde_json::{Value, json};

#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  openwork config show\n  openwork config set share disabled\n  openwork config get mcp.chrome\n  openwork config patch --opencode '{\"share\":\"disabled\"}'"
)]
pub enum ConfigCmd {
    /// Print the OpenCode and OpenWork config (as `GET …/config`).
    #[command(
        after_help = "Examples:\n  openwork config show\n  openwork config show --resolved\n  openwork --json config show | jq .resolved.opencode.mcp"
    )]
    Show {
        /// Print what OpenCode makes of every file it reads (parents, user-wide, .opencode/), and those files.
        #[arg(long)]
        resolved: bool,
    },
    /// Print one OpenCode setting by its key (`share`, `mcp.chrome`, `models["gpt-4.1"]`).
    #[command(
        after_help = "Strings print as they are, other values as JSON (--json: always JSON).\nA key that is not set exits 1.\n\nExamples:\n  openwork config get share\n  openwork config get mcp.chrome.command --json\n  openwork config get 'provider.openai.models[\"gpt-4.1\"].name'\n  openwork config get model --resolved   # what OpenCode uses, from every file\n  openwork config get share --global"
    )]
    Get {
        /// The key: names joined by dots; a name with a dot in it quoted in brackets, as `models["gpt-4.1"]`.
        #[arg(value_name = "KEY")]
        key: String,
        /// Read what OpenCode resolves from every file it reads, not only the project's config file.
        #[arg(long, conflicts_with = "global")]
        resolved: bool,
        /// Read the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode).
        #[arg(long)]
        global: bool,
    },
    /// Set one OpenCode setting by its key, in place (comments kept), checked against OpenCode's schema.
    #[command(
        after_help = "VALUE is JSON when it parses as JSON (10000, true, [\"a\"], {\"k\":1}), else a string;\n--string takes it as a string always. Objects on the way are created.\n\nExamples:\n  openwork config set share disabled\n  openwork config set mcp.chrome.timeout 10000\n  openwork config set 'provider.openai.models[\"gpt-4.1\"].name' 'GPT 4.1'\n  openwork config set username 1234 --string\n  openwork config set autoupdate false --global --dry-run"
    )]
    Set {
        /// The key: names joined by dots; a name with a dot in it quoted in brackets, as `models["gpt-4.1"]`.
        #[arg(value_name = "KEY")]
        key: String,
        /// The value: JSON when it parses as JSON, else a string.
        #[arg(value_name = "VALUE", allow_negative_numbers = true)]
        value: String,
        /// Take VALUE as a string even when it parses as JSON.
        #[arg(long)]
        string: bool,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove one OpenCode setting by its key, in place (comments kept).
    #[command(
        after_help = "Examples:\n  openwork config unset mcp.chrome.timeout\n  openwork config unset share --if-exists  # no error if it is not set\n  openwork config unset autoupdate --global"
    )]
    Unset {
        /// The key: names joined by dots; a name with a dot in it quoted in brackets, as `models["gpt-4.1"]`.
        #[arg(value_name = "KEY")]
        key: String,
        #[command(flatten)]
        remove: RemoveArgs,
    },
    /// Set top-level OpenCode keys and/or shallow-merge OpenWork keys.
    #[command(
        after_help = "Examples:\n  openwork config patch --opencode '{\"share\":\"disabled\"}'\n  openwork config patch --openwork '{\"defaultModel\":\"anthropic/claude\"}' --dry-run"
    )]
    Patch {
        /// JSON object: each top-level key is set in the OpenCode config (comments elsewhere kept).
        #[arg(long, value_name = "JSON")]
        opencode: Option<String>,
        /// JSON object shallow-merged into .opencode/openwork.json.
        #[arg(long, value_name = "JSON")]
        openwork: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
}

pub fn run(ctx: &Ctx, cmd: ConfigCmd) -> CmdResult {
    let ws = ctx.workspace_for(match &cmd {
        ConfigCmd::Show { .. } => false,
        ConfigCmd::Get { global, .. } => *global,
        ConfigCmd::Set { write, .. } | ConfigCmd::Patch { write, .. } => write.global,
        ConfigCmd::Unset { remove, .. } => remove.write.global,
    })?;
    match cmd {
        ConfigCmd::Get { key, resolved, .. } => get(ctx, &ws, &key, resolved),
        ConfigCmd::Set {
            key,
            value,
            string,
            write,
        } => {
            let path = KeyPath::parse(&key)?;
            let value = match serde_json::from_str::<Value>(&value) {
                Ok(json) if !string => json,
                _ => Value::String(value),
            };
            ctx.write(
                &ws,
                &write,
                |ws| config_key::plan_set(ws, &path, &value),
                |ws| answer(ws, &path),
            )?;
            if !write.dry_run {
                warn_if_overridden(ctx, &ws, &path, &value);
            }
            Ok(())
        }
        ConfigCmd::Unset { key, remove } => {
            let path = KeyPath::parse(&key)?;
            if ws.read(|ws| config_key::get(ws, &path))?.is_none() {
                if !remove.if_exists {
                    return Err(not_set(&ws, &path)
                        .with_hint("`--if-exists` ignores a key that is not set"));
                }
                if ctx.out.json {
                    ctx.out.print_json(&answer(&ws, &path)?);
                } else {
                    ctx.out.info(&format!(
                        "{} is not set in {}; nothing to do",
                        path.shown(),
                        shown_path(&ws, &ws.opencode_config())
                    ));
                }
                return Ok(());
            }
            ctx.write(
                &ws,
                &remove.write,
                |ws| config_key::plan_unset(ws, &path),
                |ws| answer(ws, &path),
            )
        }
        ConfigCmd::Show { resolved } => {
            let view = ws.read(config::show)?;
            if ctx.out.json {
                ctx.out.print_json(&view);
            } else if resolved {
                for f in &view.resolved.files {
                    let edit = if f.editable { "" } else { ", read-only" };
                    let origin = format!("{:?}", f.origin).to_lowercase();
                    ctx.out.info(&ctx.out.dim(&format!(
                        "# {} ({origin}{edit})",
                        ws.relative(std::path::Path::new(&f.file)),
                    )));
                }
                ctx.out.print_json(&view.resolved.opencode);
            } else {
                ctx.out
                    .note(&format!("# {}", ws.relative(&ws.opencode_config())));
                ctx.out.print_json(&view.opencode);
                ctx.out
                    .note(&format!("# {}", ws.relative(&ws.openwork_config())));
                ctx.out.print_json(&view.openwork);
            }
            Ok(())
        }
        ConfigCmd::Patch {
            opencode,
            openwork,
            write,
        } => {
            if opencode.is_none() && openwork.is_none() {
                return Err(usage("give --opencode JSON and/or --openwork JSON"));
            }
            if ws.is_global() && openwork.is_some() {
                return Err(usage(
                    "--openwork is the project's .opencode/openwork.json: the user-wide config has none",
                ));
            }
            let opencode = opencode
                .map(|t| input::parse_object(&t, "--opencode"))
                .transpose()?;
            let openwork = openwork
                .map(|t| input::parse_object(&t, "--openwork"))
                .transpose()?;
            ctx.write(
                &ws,
                &write,
                |ws| config::plan_patch(ws, opencode.as_ref(), openwork.as_ref()),
                |ws| {
                    let view = ws.read(config::show)?;
                    Ok(serde_json::json!({
                        "updatedAt": view.updated_at,
                        "opencode": view.opencode,
                        "openwork": view.openwork,
                    }))
                },
            )
        }
    }
}

/// `config get`: strings as they are, other values as JSON; `--json`
/// always JSON. A key that is not set is exit 1, with the keys beside it.
fn get(ctx: &Ctx, ws: &Workspace, key: &str, resolved: bool) -> CmdResult {
    let path = KeyPath::parse(key)?;
    let value = if resolved {
        ws.read(|ws| config_key::get_resolved(ws, &path))?
    } else {
        ws.read(|ws| config_key::get(ws, &path))?
    };
    match value {
        Some(Value::String(text)) if !ctx.out.json => ctx.out.raw(&format!("{text}\n")),
        Some(value) => ctx.out.print_json(&value),
        None if resolved => {
            return Err(Failure::new(
                ExitStatus::Failure,
                format!("{} is set in no file OpenCode reads", path.shown()),
            )
            .with_hint("`openwork config show --resolved` shows every setting and its files"));
        }
        None => return Err(not_set(ws, &path)),
    }
    Ok(())
}

/// The error for a key that is not set, with the keys beside it (or a
/// pointer to `--resolved` when the key is set elsewhere).
fn not_set(ws: &Workspace, path: &KeyPath) -> Failure {
    let file = shown_path(ws, &ws.opencode_config());
    let keys = path.keys();
    let parent = match keys.len() {
        1 => ws.read(|ws| {
            Ok(Some(Value::Object(std::sync::Arc::unwrap_or_clone(
                config::show(ws)?.opencode,
            ))))
        }),
        n => ws.read(|ws| config_key::get(ws, &path.prefix(n - 1))),
    };
    let siblings: Vec<String> = match parent {
        Ok(Some(Value::Object(map))) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let place = match keys.len() {
        1 => format!("keys in {file}"),
        n => format!("keys of {} in {file}", path.prefix(n - 1).shown()),
    };
    let mut hint = which_then(&keys[keys.len() - 1], &siblings, &place);
    if !ws.is_global()
        && ws
            .read(|ws| config_key::get_resolved(ws, path))
            .ok()
            .flatten()
            .is_some()
    {
        hint = format!(
            "another file OpenCode reads sets it: `openwork config get {} --resolved`",
            path.shown()
        );
    }
    Failure::new(
        ExitStatus::Failure,
        format!("{} is not set in {file}", path.shown()),
    )
    .with_hint(hint)
}

/// A warning when a file OpenCode reads after the project's main config
/// (`.opencode/opencode.jsonc`, the administrator's) sets the key
/// otherwise: the value written is not the one OpenCode uses. The
/// user-wide config is meant to be overridden by projects: no warning.
/// Only for a plain value: objects merge, and some lists join.
fn warn_if_overridden(ctx: &Ctx, ws: &Workspace, path: &KeyPath, value: &Value) {
    if ws.is_global() || value.is_object() || value.is_array() {
        return;
    }
    let Ok(Some(used)) = ws.read(|ws| config_key::get_resolved(ws, path)) else {
        return;
    };
    if &used != value {
        ctx.out.aside(&format!(
            "warning: another file OpenCode reads after {} sets {} to {used}: OpenCode uses that (`openwork config show --resolved` lists the files)",
            shown_path(ws, &ws.opencode_config()),
            path.shown(),
        ));
    }
}

/// What `config set` and `config unset` print with `--json`: the key and
/// its value now (no `value` once unset).
fn answer(ws: &Workspace, path: &KeyPath) -> Result<Value, Error> {
    let mut out = json!({ "key": path.shown(), "file": ws.opencode_config() });
    if let Some(value) = ws.read(|ws| config_key::get(ws, path))? {
        out["value"] = value;
    }
    Ok(out)
}
