//! DNS rebinding: a page on another site whose name resolves to 127.0.0.1
//! reaches the server with that site's name in `Host`. Only the names of
//! this server are answered; anything else is `421 host_not_allowed`,
//! before routing and authentication, and changes nothing.

use crate::support::serve::{Env, Server, raw_http, run_cli};
use crate::support::{snapshot, workspace, write};

fn status_and_body(answer: &str) -> (u16, serde_json::Value) {
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or_default())
}

fn get(s: &Server, host: &str, path: &str) -> (u16, serde_json::Value) {
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        s.client_token
    );
    status_and_body(&raw_http(&s.addr(), &head, b""))
}

#[test]
fn requests_for_another_host_are_421_and_change_nothing() {
    let dir = workspace();
    let s = Server::start(&[dir.path()], &["--approval", "auto"]);
    let port = s.addr().rsplit(':').next().unwrap().to_string();
    let config = format!("/workspace/{}/config", s.ws_id(0));
    let before = snapshot(dir.path());

    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1:{}", port.parse::<u16>().unwrap() + 1),
        "localhost".to_string(),
    ] {
        for path in ["/health", &config] {
            let (status, body) = get(&s, &host, path);
            assert_eq!(status, 421, "{host} {path}");
            assert_eq!(body["code"], "host_not_allowed", "{host} {path}");
        }
        // A write, with a valid token, from a rebinding page.
        let body = r#"{"spec":"rebound"}"#;
        let head = format!(
            "POST /workspace/{}/plugins HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            s.ws_id(0),
            s.client_token,
            body.len()
        );
        let (status, json) = status_and_body(&raw_http(&s.addr(), &head, body.as_bytes()));
        assert_eq!(
            (status, json["code"].as_str()),
            (421, Some("host_not_allowed"))
        );
        // A preflight too.
        let head = format!("OPTIONS /health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        assert_eq!(status_and_body(&raw_http(&s.addr(), &head, b"")).0, 421);
    }
    // No Host at all (HTTP/1.0).
    let answer = raw_http(&s.addr(), "GET /health HTTP/1.0\r\n\r\n", b"");
    assert_eq!(status_and_body(&answer).0, 421, "{answer}");
    assert_eq!(snapshot(dir.path()), before, "nothing changed");

    // This server's own names.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(get(&s, &host, &config).0, 200, "{host}");
    }
}

#[test]
fn allowed_hosts_come_from_the_flag_the_environment_and_the_config_file() {
    let dir = workspace();
    for (args, vars, file) in [
        (
            vec!["--allowed-host", "openwork.example, box.lan:8443"],
            vec![],
            None,
        ),
        (
            vec![],
            vec![("OPENWORK_ALLOWED_HOSTS", "openwork.example;box.lan:8443")],
            None,
        ),
        (
            vec![],
            vec![],
            Some(r#"{"allowedHosts": ["openwork.example", "box.lan:8443"]}"#),
        ),
    ] {
        let env = Env::new();
        if let Some(text) = file {
            write(&env.config_dir().join("openwork/server.json"), text);
        }
        let s = Server::start_with(env, &[dir.path()], &args, &vars);
        assert_eq!(
            get(&s, "openwork.example", "/health").0,
            200,
            "{args:?} {vars:?} {file:?}"
        );
        assert_eq!(get(&s, "openwork.example:443", "/health").0, 200);
        assert_eq!(get(&s, "box.lan:8443", "/health").0, 200);
        assert_eq!(get(&s, "box.lan", "/health").0, 421);
        assert_eq!(get(&s, "evil.example", "/health").0, 421);
    }
    // A value that is not a host name is a bad setting.
    let env = Env::new();
    let (code, _, err) = run_cli(
        &env,
        &["serve", "--port", "0", "--allowed-host", "http://x/"],
        &[],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--allowed-host must be host names"), "{err}");
}
