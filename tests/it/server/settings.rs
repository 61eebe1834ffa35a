//! `openwork serve` settings and process life: bad settings end with one
//! line on stderr and exit 2; the pairing file is private and removed on
//! shutdown; SIGINT and SIGTERM both stop cleanly; logs never show a token.

use crate::support::serve::{self, Env, Server, run_cli};
use crate::support::{workspace, write};
use reqwest::Method;
use serde_json::json;

fn assert_bad(env: &Env, args: &[&str], vars: &[(&str, &str)], needle: &str) {
    let (code, out, err) = run_cli(env, args, vars);
    assert_eq!(code, Some(2), "{args:?}: stdout {out:?} stderr {err:?}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr: {err:?}");
    assert!(lines[0].starts_with("error: "), "{err:?}");
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    assert!(!err.contains("panicked"), "{err:?}");
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn bad_settings_exit_2_with_one_line() {
    let dir = workspace();
    let ws = dir.path().to_str().unwrap();
    let env = Env::new();
    let base = ["serve", "--host", "127.0.0.1", "--port", "0", "-w", ws];

    let with = |extra: &[&'static str]| -> Vec<String> {
        base.iter()
            .chain(extra.iter())
            .map(|s| s.to_string())
            .collect()
    };
    let run = |args: Vec<String>, vars: &[(&str, &str)], needle: &str| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_bad(&env, &args, vars, needle);
    };

    run(with(&["--approval", "sometimes"]), &[], "manual");
    run(
        with(&[]),
        &[("OPENWORK_APPROVAL_MODE", "yolo")],
        "OPENWORK_APPROVAL_MODE",
    );
    run(
        vec![
            "serve".into(),
            "--port".into(),
            "http".into(),
            "-w".into(),
            ws.into(),
        ],
        &[],
        "--port",
    );
    run(
        vec!["serve".into(), "-w".into(), ws.into()],
        &[("OPENWORK_PORT", "eighty")],
        "OPENWORK_PORT",
    );
    run(with(&["--approval-timeout", "soon"]), &[], "milliseconds");
    run(
        vec![
            "serve".into(),
            "--port".into(),
            "0".into(),
            "-w".into(),
            format!("{ws}/missing"),
        ],
        &[],
        "does not exist",
    );
    run(
        vec!["serve".into(), "--port".into(), "0".into()],
        &[("OPENWORK_WORKSPACES", "/definitely/not/here")],
        "does not exist",
    );
    // A variable set but blank counts as unset: the port's is passed
    // over, and the missing workspace is what fails.
    for blank in ["", " "] {
        let missing = format!("{ws}/missing");
        let (code, _, err) = run_cli(
            &env,
            &["serve", "-w", &missing],
            &[("OPENWORK_PORT", blank)],
        );
        assert_eq!(code, Some(2), "{err:?}");
        assert!(
            err.contains("does not exist") && !err.contains("OPENWORK_PORT"),
            "{blank:?}: {err:?}"
        );
    }
    run(
        with(&["--config", "/definitely/not/here.json"]),
        &[],
        "does not exist",
    );

    // A config file (at the default path) that does not parse.
    let cfg = env.config_dir().join("openwork/server.json");
    write(&cfg, "{ \"port\": ");
    run(with(&[]), &[], "does not parse");
    write(&cfg, r#"{"approval": {"mode": "later"}}"#);
    run(with(&[]), &[], "approval.mode");
    std::fs::remove_file(&cfg).unwrap();

    // A port that is taken.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    run(
        vec![
            "serve".into(),
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.clone(),
            "-w".into(),
            ws.into(),
        ],
        &[],
        &port,
    );
    // Nothing was left behind by any of these runs.
    let servers = env.state.path().join("servers");
    assert!(
        !servers.exists() || std::fs::read_dir(&servers).unwrap().next().is_none(),
        "no pairing file left"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pairing_file_is_private_and_removed_on_shutdown() {
    let dir = workspace();
    for signal in ["TERM", "INT"] {
        let mut s = Server::start(&[dir.path()], &[]);
        let file = s.env.state.path().join(format!("servers/{}.json", s.pid()));
        let pairing: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(
            pairing,
            json!({"url": s.url, "hostToken": s.host_token, "clientToken": s.client_token, "pid": s.pid(),
                   "workspaces": [dir.path().to_string_lossy()]})
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let dir_mode = std::fs::metadata(file.parent().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(dir_mode & 0o077, 0, "the folder is private too");
        }
        // The pairing file's URL and tokens work.
        let r = serve::send(
            s.http
                .get(format!("{}/approvals", pairing["url"].as_str().unwrap()))
                .header(
                    "X-OpenWork-Host-Token",
                    pairing["hostToken"].as_str().unwrap(),
                ),
        )
        .await;
        assert_eq!(r.status, 200);
        // An open event stream does not keep the server from stopping.
        let events = s
            .host(Method::GET, "/approvals/events")
            .send()
            .await
            .unwrap();
        assert_eq!(events.status(), 200);
        let status = s.signal_and_wait(signal);
        assert_eq!(status.code(), Some(0), "SIG{signal}: {}", s.stderr());
        assert!(!file.exists(), "SIG{signal} removes the pairing file");
        assert!(!s.stderr().contains("panicked"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_logs_requests_but_never_tokens() {
    let dir = workspace();
    let mut s = Server::start(&[dir.path()], &["-v", "--approval", "auto"]);
    let r = s
        .post(
            &format!("/workspace/{}/plugins", s.ws_id(0)),
            &json!({"spec": "x"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = serve::send(
        s.request(Method::GET, "/capabilities?token=zzz")
            .header("Authorization", "Bearer wrong-secret"),
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(s.signal_and_wait("TERM").code(), Some(0));
    let log = s.stderr();
    assert!(
        log.contains(&format!("POST /workspace/{}/plugins 200", s.ws_id(0))),
        "{log}"
    );
    assert!(log.contains("GET /capabilities 401"), "{log}");
    for secret in [
        &s.client_token,
        &s.host_token,
        &"wrong-secret".to_string(),
        &"zzz".to_string(),
    ] {
        assert!(!log.contains(secret.as_str()), "{log}");
    }
}

/// How a running server shows one of its settings.
#[derive(Debug, Clone, Copy)]
enum Probe {
    /// `approval="…"` in the boot log.
    Approval,
    /// A pending write's `expiresAt - createdAt`, in seconds.
    Timeout,
    /// Which of the candidate origins is allowed (`*` for any).
    Cors,
    /// `read_only=…` in the boot log.
    ReadOnly,
    /// Which candidate client token authenticates, else `generated`.
    ClientToken,
    HostToken,
    /// The first workspace's `baseUrl` and `directory`, `none` without.
    BaseUrl,
    Directory,
    /// The names of the workspaces served.
    Workspaces,
    /// Whether the workspace is warned to be outside the authorized roots.
    Roots,
}

/// One setting: its flag, its variable and its config file key, each with
/// a value of its own, and what the server shows from each and from none.
struct Setting {
    probe: Probe,
    flag: &'static [&'static str],
    env: (&'static str, &'static str),
    /// The JSON members to put in the config file.
    file: &'static str,
    /// From the flag, the variable, the file, the default.
    shows: [&'static str; 4],
}

const ORIGINS: [&str; 3] = [
    "https://f.example",
    "https://e.example",
    "https://x.example",
];
const CLIENT_TOKENS: [&str; 3] = [
    "c-flag-token-0123456789",
    "c-env-token-0123456789",
    "c-file-token-0123456789",
];
const HOST_TOKENS: [&str; 3] = [
    "h-flag-token-0123456789",
    "h-env-token-0123456789",
    "h-file-token-0123456789",
];

const SETTINGS: &[Setting] = &[
    Setting {
        probe: Probe::Approval,
        flag: &["--approval", "manual"],
        env: ("OPENWORK_APPROVAL_MODE", "auto"),
        file: r#""approval": {"mode": "manual"}"#,
        shows: ["manual", "auto", "manual", "manual"],
    },
    Setting {
        probe: Probe::Approval,
        flag: &["--approval", "auto"],
        env: ("OPENWORK_APPROVAL_MODE", "manual"),
        file: r#""approval": {"mode": "auto"}"#,
        shows: ["auto", "manual", "auto", "manual"],
    },
    Setting {
        probe: Probe::Timeout,
        flag: &["--approval-timeout", "41000"],
        env: ("OPENWORK_APPROVAL_TIMEOUT_MS", "42000"),
        file: r#""approval": {"timeoutMs": 43000}"#,
        shows: ["41", "42", "43", "30"],
    },
    Setting {
        probe: Probe::Cors,
        flag: &["--cors", "https://f.example"],
        env: ("OPENWORK_CORS_ORIGINS", "https://e.example"),
        file: r#""corsOrigins": ["https://x.example"]"#,
        shows: [
            "https://f.example",
            "https://e.example",
            "https://x.example",
            "*",
        ],
    },
    Setting {
        probe: Probe::ReadOnly,
        flag: &["--read-only"],
        env: ("OPENWORK_READONLY", "false"),
        file: r#""readOnly": true"#,
        shows: ["true", "false", "true", "false"],
    },
    Setting {
        probe: Probe::ReadOnly,
        flag: &["--read-only"],
        env: ("OPENWORK_READONLY", "yes"),
        file: r#""readOnly": false"#,
        shows: ["true", "true", "false", "false"],
    },
    Setting {
        probe: Probe::ClientToken,
        flag: &["--token", "c-flag-token-0123456789"],
        env: ("OPENWORK_TOKEN", "c-env-token-0123456789"),
        file: r#""token": "c-file-token-0123456789""#,
        shows: [
            "c-flag-token-0123456789",
            "c-env-token-0123456789",
            "c-file-token-0123456789",
            "generated",
        ],
    },
    Setting {
        probe: Probe::HostToken,
        flag: &["--host-token", "h-flag-token-0123456789"],
        env: ("OPENWORK_HOST_TOKEN", "h-env-token-0123456789"),
        file: r#""hostToken": "h-file-token-0123456789""#,
        shows: [
            "h-flag-token-0123456789",
            "h-env-token-0123456789",
            "h-file-token-0123456789",
            "generated",
        ],
    },
    Setting {
        probe: Probe::BaseUrl,
        flag: &["--opencode-base-url", "http://f"],
        env: ("OPENWORK_OPENCODE_BASE_URL", "http://e"),
        file: r#""workspaces": [{"path": "{ws}", "baseUrl": "http://x"}]"#,
        shows: ["http://f", "http://e", "http://x", "none"],
    },
    Setting {
        probe: Probe::Directory,
        flag: &["--opencode-directory", "/f"],
        env: ("OPENWORK_OPENCODE_DIRECTORY", "/e"),
        file: r#""workspaces": [{"path": "{ws}", "directory": "/x"}]"#,
        shows: ["/f", "/e", "/x", "none"],
    },
    Setting {
        probe: Probe::Workspaces,
        flag: &["-w", "{root}/wf"],
        env: ("OPENWORK_WORKSPACES", "{root}/we"),
        file: r#""workspaces": ["{root}/wx"]"#,
        // Default: the project of the folder it starts from (support::serve::Env).
        shows: ["wf", "we", "wx", "project"],
    },
    Setting {
        probe: Probe::Cors,
        flag: &["--config", "{root}/flag.json"],
        env: ("OPENWORK_SERVER_CONFIG", "{root}/env.json"),
        file: r#""corsOrigins": ["https://x.example"]"#,
        shows: [
            "https://f.example",
            "https://e.example",
            "https://x.example",
            "*",
        ],
    },
    // The file alone sets it.
    Setting {
        probe: Probe::Roots,
        flag: &[],
        env: ("", ""),
        file: r#""authorizedRoots": ["{root}/wx"]"#,
        shows: ["", "", "outside", "inside"],
    },
];

/// The config file of `env` (at the default path) with `members`.
fn config_file(env: &Env, members: &str) {
    write(
        &env.config_dir().join("openwork/server.json"),
        &format!("{{{members}}}"),
    );
}

async fn probe(s: &mut Server, probe: Probe) -> String {
    let log = s.stderr_with("serving ");
    let field = |name: &str| {
        log.lines()
            .find(|l| l.contains("serving "))
            .and_then(|l| l.split(&format!("{name}=")).nth(1))
            .and_then(|v| v.split_whitespace().next())
            .map(|v| v.trim_matches('"').to_string())
            .unwrap_or_default()
    };
    let workspaces = || async {
        let r = s.get("/workspaces").await;
        assert_eq!(r.status, 200, "{r:?}");
        r.json["items"].as_array().cloned().unwrap_or_default()
    };
    let first = |items: &[serde_json::Value], key: &str| {
        items
            .first()
            .and_then(|w| w[key].as_str())
            .unwrap_or("none")
            .to_string()
    };
    match probe {
        Probe::Approval => field("approval"),
        Probe::ReadOnly => field("read_only"),
        Probe::Timeout => {
            let path = format!("/workspace/{}/plugins", s.ws_id(0));
            let write = s
                .client(Method::POST, &path)
                .json(&json!({"spec": "x"}))
                .send();
            let write = tokio::spawn(write);
            let pending = s.wait_pending(1).await;
            let ms = pending[0]["expiresAt"].as_u64().unwrap()
                - pending[0]["createdAt"].as_u64().unwrap();
            let id = pending[0]["id"].as_str().unwrap().to_string();
            s.reply(&id, "deny").await;
            let _ = write.await;
            (ms / 1000).to_string()
        }
        Probe::Cors => {
            for origin in ORIGINS {
                let r =
                    serve::send(s.request(Method::GET, "/health").header("Origin", origin)).await;
                match r.header("access-control-allow-origin") {
                    Some("*") => return "*".into(),
                    Some(o) if o == origin => return o.into(),
                    _ => {}
                }
            }
            "none".into()
        }
        Probe::ClientToken | Probe::HostToken => {
            let (tokens, line, path, header) = match probe {
                Probe::ClientToken => (
                    CLIENT_TOKENS,
                    "Client token: ",
                    "/capabilities",
                    "Authorization",
                ),
                _ => (
                    HOST_TOKENS,
                    "Host token: ",
                    "/approvals",
                    "X-OpenWork-Host-Token",
                ),
            };
            if s.boot_lines.iter().any(|l| l.starts_with(line)) {
                return "generated".into();
            }
            for token in tokens {
                let value = match probe {
                    Probe::ClientToken => format!("Bearer {token}"),
                    _ => token.to_string(),
                };
                let r = serve::send(s.request(Method::GET, path).header(header, value)).await;
                if r.status == 200 {
                    return token.into();
                }
            }
            "none".into()
        }
        Probe::BaseUrl => first(&workspaces().await, "baseUrl"),
        Probe::Directory => first(&workspaces().await, "directory"),
        Probe::Workspaces => {
            let names: Vec<String> = workspaces()
                .await
                .iter()
                .map(|w| w["name"].as_str().unwrap_or_default().to_string())
                .collect();
            names.join(",")
        }
        Probe::Roots => {
            let outside = log.contains("outside the authorized roots");
            if outside { "outside" } else { "inside" }.into()
        }
    }
}

/// Every setting from its flag (over its variable and the file), its
/// variable (over the file), the file, and its default; an empty variable
/// counts as unset.
#[tokio::test(flavor = "multi_thread")]
async fn each_setting_from_each_layer() {
    let root = tempfile::tempdir().unwrap();
    let root_s = root.path().to_str().unwrap();
    for name in ["ws", "wf", "we", "wx"] {
        std::fs::create_dir_all(root.path().join(name)).unwrap();
    }
    // The config files that `--config` and its variable name.
    write(
        &root.path().join("flag.json"),
        r#"{"corsOrigins": "https://f.example"}"#,
    );
    write(
        &root.path().join("env.json"),
        r#"{"corsOrigins": "https://e.example"}"#,
    );
    let ws = root.path().join("ws");
    let fill = |s: &str| {
        s.replace("{root}", root_s)
            .replace("{ws}", ws.to_str().unwrap())
    };
    // (layer, flag?, variable, file?, index into `shows`)
    let layers = [
        ("flag", true, Some(false), true, 0),
        ("variable", false, Some(false), true, 1),
        ("file", false, None, true, 2),
        ("empty variable", false, Some(true), true, 2),
        ("default", false, None, false, 3),
    ];
    for setting in SETTINGS {
        for (layer, flag, env, file, shows) in layers {
            if flag && setting.flag.is_empty() || env.is_some() && setting.env.0.is_empty() {
                continue;
            }
            let vars_owned: Vec<(String, String)> = match env {
                Some(empty) => {
                    let value = if empty {
                        String::new()
                    } else {
                        fill(setting.env.1)
                    };
                    vec![(setting.env.0.to_string(), value)]
                }
                None => Vec::new(),
            };
            let vars: Vec<(&str, &str)> = vars_owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let mut args: Vec<String> = Vec::new();
            if flag {
                args.extend(setting.flag.iter().map(|a| fill(a)));
            }
            // Known tokens (the boot lines are not all read without a
            // workspace flag), but where the tokens are the setting.
            if !matches!(setting.probe, Probe::ClientToken) {
                args.extend(["--token".into(), CLIENT_TOKENS[0].into()]);
            }
            if !matches!(setting.probe, Probe::HostToken) {
                args.extend(["--host-token".into(), HOST_TOKENS[0].into()]);
            }
            let env_dirs = Env::new();
            if file {
                config_file(&env_dirs, &fill(setting.file));
            }
            // The workspaces flag is the setting itself, or the file's
            // workspace that carries `baseUrl`/`directory`.
            let file_names_ws = file && setting.file.contains("\"workspaces\"");
            let workspaces: Vec<&std::path::Path> =
                if matches!(setting.probe, Probe::Workspaces) || file_names_ws && !flag {
                    Vec::new()
                } else {
                    vec![ws.as_path()]
                };
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut s = Server::start_with(env_dirs, &workspaces, &args, &vars);
            let seen = probe(&mut s, setting.probe).await;
            assert_eq!(
                seen,
                setting.shows[shows],
                "{:?} from the {layer}: {}",
                setting.probe,
                s.stderr()
            );
        }
    }
}

/// The address from each layer, seen in the error for a port that is
/// taken ("cannot listen on HOST:PORT"): the host is echoed as given.
#[test]
fn host_and_port_from_each_layer() {
    let dir = workspace();
    let ws = dir.path().to_str().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    // The default port, held here unless someone else holds it already.
    let _default = std::net::TcpListener::bind("127.0.0.1:8787");
    // Taken too, so that a lower layer winning fails as clearly.
    let taken_too = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let other = taken_too.local_addr().unwrap().port().to_string();
    let other = other.as_str();
    let cases = [
        (
            "flag",
            vec!["--host", "127.0.0.1", "--port", &port],
            vec![("OPENWORK_HOST", "127.1"), ("OPENWORK_PORT", other)],
            Some(format!(r#""host": "127.0.1", "port": {other}"#)),
            format!("127.0.0.1:{port}"),
        ),
        (
            "variable",
            vec![],
            vec![("OPENWORK_HOST", "127.1"), ("OPENWORK_PORT", &port)],
            Some(format!(r#""host": "127.0.1", "port": {other}"#)),
            format!("127.1:{port}"),
        ),
        (
            "file",
            vec![],
            vec![],
            Some(format!(r#""host": "127.0.1", "port": "{port}""#)),
            format!("127.0.1:{port}"),
        ),
        (
            "empty variable",
            vec![],
            vec![("OPENWORK_HOST", ""), ("OPENWORK_PORT", " ")],
            Some(format!(r#""host": "127.0.1", "port": {port}"#)),
            format!("127.0.1:{port}"),
        ),
        (
            "default",
            vec![],
            vec![],
            None,
            "127.0.0.1:8787".to_string(),
        ),
    ];
    for (layer, flags, vars, file, address) in cases {
        let env = Env::new();
        if let Some(members) = file {
            config_file(&env, &members);
        }
        let mut args = vec!["serve", "-w", ws];
        args.extend(flags);
        let (code, _, err) = run_cli(&env, &args, &vars);
        assert_eq!(code, Some(2), "{layer}: {err}");
        assert!(
            err.contains(&format!("cannot listen on {address}")),
            "{layer}: {err}"
        );
    }
}
