//! Finding the server to talk to: `--url`/`--host-token` (or
//! `OPENWORK_URL`/`OPENWORK_HOST_TOKEN`), else the pairing file of a running
//! `openwork serve`, else the server config file.

use super::ServerArgs;
use crate::cli::output::Output;
use crate::cli::{Failure, usage};
use openwork::pairing::{self, Entry};
use openwork::server::config_file::{self, ConfigFile};
use openwork::server::settings;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    pub host_token: String,
    pub client_token: Option<String>,
    /// How the target was found, for messages ("the pairing file …").
    pub source: String,
    /// Found through a pairing file: worth looking again after a restart.
    pub from_pairing: bool,
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
    let path = file.path?;
    let host = file.host.as_deref().unwrap_or(settings::DEFAULT_HOST);
    let port = file.port.unwrap_or(settings::DEFAULT_PORT);
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    Some((format!("http://{host}:{port}"), file.host_token, path))
}

pub fn find(args: &ServerArgs, out: &Output, interactive: bool) -> Result<Target, Failure> {
    let live: Vec<pairing::Pairing> = pairing::scan()
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
            Entry::Refused(path, why) => {
                eprintln!("warning: ignoring pairing file {}: {why}", path.display());
                None
            }
        })
        .collect();

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
        let host_token = args
            .host_token
            .clone()
            .or_else(|| paired.map(|p| p.host_token.clone()))
            .or_else(|| from_config().and_then(|(u, t, _)| (u == url).then_some(t).flatten()))
            .ok_or_else(|| {
                usage(format!(
                    "no host token for {url}: give --host-token or set OPENWORK_HOST_TOKEN"
                ))
            })?;
        return Ok(Target {
            url,
            host_token,
            client_token: paired.map(|p| p.client_token.clone()),
            source: "--url / OPENWORK_URL".into(),
            from_pairing: false,
        });
    }

    let chosen = match live.len() {
        0 => None,
        1 => live.first().cloned(),
        _ if interactive => {
            let labels: Vec<String> = live
                .iter()
                .map(|p| format!("{} (pid {})", p.url, p.pid))
                .collect();
            let pick = dialoguer::Select::new()
                .with_prompt("Several openwork servers are running; which one?")
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
            let list: Vec<String> = live
                .iter()
                .map(|p| format!("{} (pid {})", p.url, p.pid))
                .collect();
            return Err(usage(format!(
                "several openwork servers are running: {}; choose one with --url",
                list.join(", ")
            )));
        }
    };
    if let Some(p) = chosen {
        let dir = pairing::dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        return Ok(Target {
            url: p.url.trim_end_matches('/').to_string(),
            host_token: args.host_token.clone().unwrap_or(p.host_token),
            client_token: Some(p.client_token),
            source: format!("the pairing file of pid {} in {dir}", p.pid),
            from_pairing: true,
        });
    }

    if let Some((url, token, path)) = from_config() {
        let host_token = args.host_token.clone().or(token).ok_or_else(|| {
            usage(format!(
                "{} has no hostToken: give --host-token or set OPENWORK_HOST_TOKEN",
                path.display()
            ))
        })?;
        return Ok(Target {
            url,
            host_token,
            client_token: None,
            source: format!("the config file {}", path.display()),
            from_pairing: false,
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
    .with_hint("start one with `openwork serve`, or give --url and --host-token"))
}
