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
            json!({"url": s.url, "hostToken": s.host_token, "clientToken": s.client_token, "pid": s.pid()})
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
