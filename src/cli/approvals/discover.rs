//! Finding the server to talk to: `--url` and a host token
//! (`--host-token`, `--host-token-file` or their variables), else the
//! pairing file of a running `openwork serve`, else the server config
//! file. Pairing files, and their folder, must be private to the current
//! user (docs/api.md#discovery); whichever server is found must still
//! prove it holds the host token before it gets it ([`super::client`]).

use super::ServerArgs;
use crate::cli::output::Output;
use crate::cli::{Failure, usage};
use openwork::display;
use openwork::pairing::{self, Entry};
use openwork::server::config_file::{self, ConfigFile};
use openwork::server::settings::{self, token_or_file};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    pub host_token: String,
    pub client_token: Option<String>,
    /// How the target was found, for messages ("the pairing file …").
    pub source: String,
    /// Found through a pairing file: after a restart, follow the new
    /// pairing file of the same workspaces.
    pub from_pairing: bool,
    /// The workspace folders of the server (from its pairing file).
    pub workspaces: Vec<String>,
}

/// The server's config file, found exactly as `openwork serve` finds it.
fn config_path() -> Option<PathBuf> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    env("OPENWORK_SERVER_CONFIG")
        .map(PathBuf::from)
        .or_else(|| config_file::default_path(&env))
}

/// `(url, host token)` from the server config file, when it has them.
// The server's config file is not a workspace file: read directly.
#[allow(clippy::disallowed_methods)]
fn from_config() -> Option<(String, Option<String>, PathBuf)> {
    let path = config_path()?;
    let file = ConfigFile::load(&path, false).ok()?;
    let host_token = token_or_file(
        file.host_token.as_ref(),
        file.host_token_file(),
        "host token",
    )
    .ok()?;
    let path = file.path?;
    let host = file.host.as_deref().unwrap_or(settings::DEFAULT_HOST);
    let port = file.port.unwrap_or(settings::DEFAULT_PORT);
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    Some((format!("http://{host}:{port}"), host_token, path))
}

/// The host token the user gave: `--host-token` (or its variable), else
/// the file of `--host-token-file` (or its variable).
fn given_host_token(args: &ServerArgs) -> Result<Option<String>, Failure> {
    if crate::cli::on_command_line("--host-token") {
        crate::cli::warn_token_on_command_line(
            "--host-token",
            "--host-token-file or OPENWORK_HOST_TOKEN_FILE",
        );
    }
    token_or_file(
        args.host_token.as_ref(),
        args.host_token_file.clone(),
        "host token",
    )
    .map_err(usage)
}

/// The live servers' pairing files, newest first; refused ones are said.
fn live(out: &Output, quiet: bool) -> Vec<pairing::Pairing> {
    pairing::scan()
        .into_iter()
        .filter_map(|e| match e {
            Entry::Live(_, p) => Some(p),
            Entry::Stale(path, pid) => {
                out.debug(&format!(
                    "ignoring {}: its server (pid {pid}) is not running",
                    path.display()
                ));
                None
            }
            Entry::Refused(path, why) if !quiet => {
                let what = if path.extension().is_some_and(|x| x == "json") {
                    "pairing file"
                } else {
                    "the pairing files in"
                };
                // A planted file may have any name: shown, not obeyed.
                eprintln!(
                    "warning: ignoring {what} {}: {}",
                    display::line(&path.display().to_string()),
                    display::line(&why)
                );
                None
            }
            Entry::Refused(..) => None,
        })
        .collect()
}

/// `http://127.0.0.1:8787 — proj, site (pid 4242)`.
fn label(p: &pairing::Pairing) -> String {
    let names: Vec<String> = p
        .workspaces
        .iter()
        .map(|w| {
            let name = std::path::Path::new(w)
                .file_name()
                .map_or_else(|| w.clone(), |n| n.to_string_lossy().into_owned());
            display::line(&name).into_owned()
        })
        .collect();
    let names = if names.is_empty() {
        "no workspace".to_string()
    } else {
        names.join(", ")
    };
    format!(
        "{} — {names} (pid {})",
        display::line(p.url.trim_end_matches('/')),
        p.pid
    )
}

fn from_pairing(p: pairing::Pairing, given: Option<String>) -> Target {
    let dir = pairing::dir()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    Target {
        url: p.url.trim_end_matches('/').to_string(),
        host_token: given.unwrap_or(p.host_token),
        client_token: Some(p.client_token),
        source: format!("the pairing file of pid {} in {dir}", p.pid),
        from_pairing: true,
        workspaces: p.workspaces,
    }
}

/// The running server that serves the same workspaces as `old` (a
/// restart, on a new port with new tokens), if its pairing file is there.
pub fn follow(old: &Target, args: &ServerArgs, out: &Output) -> Option<Target> {
    let same = |w: &[String]| {
        let mut a = w.to_vec();
        let mut b = old.workspaces.clone();
        a.sort();
        b.sort();
        a == b
    };
    let given = given_host_token(args).ok().flatten();
    live(out, true)
        .into_iter()
        .find(|p| same(&p.workspaces))
        .map(|p| from_pairing(p, given))
}

pub fn find(args: &ServerArgs, out: &Output, interactive: bool) -> Result<Target, Failure> {
    let given = given_host_token(args)?;
    let live = live(out, false);

    if let Some(url) = &args.url {
        let url = url.trim_end_matches('/').to_string();
        let valid = reqwest::Url::parse(&url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !valid {
            return Err(usage(format!(
                "--url {url:?} is not an http:// or https:// URL (e.g. http://127.0.0.1:8787)"
            )));
        }
        let paired = live.iter().find(|p| p.url.trim_end_matches('/') == url);
        let host_token = given
            .or_else(|| paired.map(|p| p.host_token.clone()))
            .or_else(|| from_config().and_then(|(u, t, _)| (u == url).then_some(t).flatten()))
            .ok_or_else(|| {
                usage(format!(
                    "no host token for {url}: give --host-token-file or set OPENWORK_HOST_TOKEN_FILE"
                ))
            })?;
        return Ok(Target {
            url,
            host_token,
            client_token: paired.map(|p| p.client_token.clone()),
            source: "--url / OPENWORK_URL".into(),
            from_pairing: false,
            workspaces: paired.map(|p| p.workspaces.clone()).unwrap_or_default(),
        });
    }

    let chosen = match live.len() {
        0 => None,
        1 => live.first().cloned(),
        _ if interactive => {
            let labels: Vec<String> = live.iter().map(label).collect();
            let pick = dialoguer::Select::new()
                .with_prompt(format!(
                    "{} openwork servers are running. Whose write requests do you want to answer?",
                    live.len()
                ))
                .items(&labels)
                .default(0)
                .interact_opt()
                .map_err(|e| Failure::runtime(format!("could not ask which server to use: {e}")))?;
            match pick {
                Some(i) => live.get(i).cloned(),
                None => return Err(usage("no server chosen")),
            }
        }
        _ => {
            let list: Vec<String> = live.iter().map(label).collect();
            return Err(usage(format!(
                "several openwork servers are running: {}; choose one with --url",
                list.join("; ")
            )));
        }
    };
    if let Some(p) = chosen {
        return Ok(from_pairing(p, given));
    }

    if let Some((url, token, path)) = from_config() {
        let host_token = given.or(token).ok_or_else(|| {
            usage(format!(
                "{} has no hostToken: give --host-token-file or set OPENWORK_HOST_TOKEN_FILE",
                path.display()
            ))
        })?;
        return Ok(Target {
            url,
            host_token,
            client_token: None,
            source: format!("the config file {}", path.display()),
            from_pairing: false,
            workspaces: Vec::new(),
        });
    }

    let dir = pairing::dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "(no state folder)".into());
    let config = config_path()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    Err(Failure::runtime(format!(
        "no running openwork server found (no pairing file in {dir}, no config file at {config})"
    ))
    .with_hint("start one with `openwork serve`, or give --url and --host-token-file"))
}
