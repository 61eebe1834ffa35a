//! Issue 13, item 10 (`openwork approvals` sends the host token only to a
//! server that proved it holds it): the handshake endpoint, a planted
//! pairing file, a relay to the real server, a listener that takes the
//! port of a server that stopped, and pairing files or folders that are
//! not private.

use crate::support::serve::{self, Env, Server};
use crate::support::workspace;
use openwork::server::handshake;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A listener that is not an openwork server: it records every byte it
/// gets and answers each request with `answer(request bytes)`.
struct Impostor {
    port: u16,
    got: Arc<Mutex<Vec<u8>>>,
}

impl Impostor {
    fn start(
        listener: TcpListener,
        answer: impl Fn(&[u8]) -> String + Send + Sync + 'static,
    ) -> Impostor {
        let port = listener.local_addr().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let log = got.clone();
        let answer = Arc::new(answer);
        listener.set_nonblocking(false).unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                let log = log.clone();
                let answer = answer.clone();
                std::thread::spawn(move || serve_one(stream, &log, &*answer));
            }
        });
        Impostor { port, got }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn received(&self) -> String {
        String::from_utf8_lossy(&self.got.lock().unwrap()).into_owned()
    }
}

fn serve_one(mut stream: TcpStream, log: &Mutex<Vec<u8>>, answer: &dyn Fn(&[u8]) -> String) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // One request: headers, then Content-Length bytes.
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                let request: Vec<u8> = buf.drain(..end + 4 + len).collect();
                log.lock().unwrap().extend_from_slice(&request);
                let body = answer(&request);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                if stream.write_all(reply.as_bytes()).is_err() {
                    return;
                }
                continue;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => {
                log.lock().unwrap().extend_from_slice(&buf);
                return;
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The nonce of a handshake request.
fn nonce_of(request: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(request);
    let body = text.split("\r\n\r\n").nth(1)?;
    let v: Value = serde_json::from_str(body).ok()?;
    v["nonce"].as_str().map(str::to_string)
}

/// A pairing file for `url`, private, under `state/servers`, with a live pid.
fn plant(state: &Path, url: &str, host_token: &str) {
    let dir = state.join("servers");
    std::fs::create_dir_all(&dir).unwrap();
    let me = std::process::id();
    let file = dir.join(format!("{me}.json"));
    std::fs::write(
        &file,
        json!({"url": url, "hostToken": host_token, "clientToken": "planted-client-token-0", "pid": me})
            .to_string(),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_handshake_proves_the_host_token_for_this_port() {
    let ws = workspace();
    let s = Server::start(&[ws.path()], &["--approval", "manual"]);
    let port: u16 = s.url.rsplit(':').next().unwrap().parse().unwrap();
    let nonce = handshake::new_nonce().unwrap();
    // No token needed, and none sent.
    let r = serve::send(
        s.http
            .post(format!("{}/approvals/handshake", s.url))
            .json(&json!({ "nonce": nonce })),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let proof = r.json["proof"].as_str().unwrap();
    assert_eq!(r.json.as_object().unwrap().len(), 1);
    assert!(handshake::verify(&s.host_token, &nonce, port, proof));
    assert!(!handshake::verify(&s.client_token, &nonce, port, proof));
    assert!(!handshake::verify(&s.host_token, &nonce, port + 1, proof));
    for bad in [
        json!({}),
        json!({"nonce": "short"}),
        json!({"nonce": "zz".repeat(20)}),
        json!({"nonce": 5}),
    ] {
        let r = serve::send(
            s.http
                .post(format!("{}/approvals/handshake", s.url))
                .json(&bad),
        )
        .await;
        assert_eq!((r.status, r.code()), (400, "invalid_payload"), "{bad}");
    }
}

/// With `OPENWORK_HOST_TOKEN` set, a planted pairing file's listener gets
/// a nonce and nothing else: no token, no other request.
#[test]
fn a_planted_pairing_file_never_gets_the_host_token() {
    let secret = "the-real-host-token-0123456789";
    let impostor = Impostor::start(TcpListener::bind("127.0.0.1:0").unwrap(), |_| {
        json!({"proof": "00".repeat(32), "items": []}).to_string()
    });
    let env = Env::new();
    plant(env.state.path(), &impostor.url(), "planted-host-token-0123");
    for args in [
        &["approvals", "list"][..],
        &["approvals", "allow", "0000"],
        &["approvals", "watch", "--json"],
    ] {
        let (code, _, err) = serve::run_cli(&env, args, &[("OPENWORK_HOST_TOKEN", secret)]);
        assert_eq!(code, Some(4), "{args:?}: {err}");
        assert!(
            err.contains("did not prove that it holds the host token; the token was not sent"),
            "{err}"
        );
    }
    let got = impostor.received();
    assert!(!got.contains(secret), "{got}");
    assert!(!got.contains("planted-host-token"), "{got}");
    assert!(
        !got.to_lowercase().contains("x-openwork-host-token"),
        "{got}"
    );
    assert!(!got.to_lowercase().contains("authorization"), "{got}");
    assert_eq!(
        got.matches(" HTTP/1.1\r\n").count(),
        got.matches("POST /approvals/handshake HTTP/1.1\r\n")
            .count(),
        "only handshakes: {got}"
    );
}

/// A listener that relays the nonce to the real server gets a proof for
/// the real server's port, which the client refuses.
#[tokio::test(flavor = "multi_thread")]
async fn a_relay_to_the_real_server_is_refused() {
    let ws = workspace();
    let s = Server::start(&[ws.path()], &["--approval", "manual"]);
    let real = s.addr();
    let impostor = Impostor::start(TcpListener::bind("127.0.0.1:0").unwrap(), move |req| {
        let Some(nonce) = nonce_of(req) else {
            return "{}".into();
        };
        let body = json!({ "nonce": nonce }).to_string();
        let head = format!(
            "POST /approvals/handshake HTTP/1.1\r\nHost: {real}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let answer = serve::raw_http(&real, &head, body.as_bytes());
        answer.split("\r\n\r\n").nth(1).unwrap_or("{}").to_string()
    });
    let env = Env::new();
    let url = impostor.url();
    let host = s.host_token.clone();
    let (code, _, err) = tokio::task::spawn_blocking(move || {
        serve::run_cli(
            &env,
            &["approvals", "list", "--url", &url],
            &[("OPENWORK_HOST_TOKEN", &host)],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, Some(4), "{err}");
    let got = impostor.received();
    assert!(
        got.contains("/approvals/handshake"),
        "the relay was tried: {got}"
    );
    assert!(!got.contains(&s.host_token), "{got}");
}

/// Issue 13, item 10: after the server stops, whoever binds its port gets
/// nothing; `watch` gives up, saying so, since no pairing file for the
/// same workspaces appears.
#[tokio::test(flavor = "multi_thread")]
async fn whoever_takes_the_port_of_a_stopped_server_gets_no_token() {
    let ws = workspace();
    let mut s = Server::start(&[ws.path()], &["--approval", "manual"]);
    let mut cmd = s.env.command();
    // Not a terminal: JSON lines on stdout, the status on stderr.
    cmd.args(["approvals", "watch", "--reconnect-timeout", "4"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut watcher = cmd.spawn().unwrap();
    let mut err = watcher.stderr.take().unwrap();
    let mut first = [0u8; 8];
    err.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"Watching");
    let addr = s.addr();
    assert_eq!(s.signal_and_wait("TERM").code(), Some(0));
    // Someone else listens on the old port at once.
    let deadline = Instant::now() + Duration::from_secs(5);
    let listener = loop {
        match TcpListener::bind(&addr) {
            Ok(l) => break l,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("cannot bind {addr}: {e}"),
        }
    };
    let impostor = Impostor::start(listener, |_| json!({"proof": "00".repeat(32)}).to_string());
    let status = serve::wait_timeout(&mut watcher, Duration::from_secs(20)).expect("watch gave up");
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert_eq!(status.code(), Some(1), "{rest}");
    assert!(rest.contains("The server shut down at"), "{rest}");
    assert!(
        rest.contains(
            "no openwork server for the same workspaces is running (no pairing file) after 4s"
        ),
        "{rest}"
    );
    let got = impostor.received();
    assert!(!got.contains(&s.host_token), "{got}");
    assert!(!got.contains(&s.client_token), "{got}");
}

/// Pairing files are trusted only in a private folder, owned by the
/// current user; `serve` does not write one into an open folder.
#[cfg(unix)]
#[test]
fn pairing_files_in_an_open_folder_or_of_another_user_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    plant(
        env.state.path(),
        "http://127.0.0.1:9",
        "planted-host-token-0123",
    );
    let servers = env.state.path().join("servers");
    std::fs::set_permissions(&servers, std::fs::Permissions::from_mode(0o777)).unwrap();
    let (code, _, err) = serve::run_cli(&env, &["approvals", "list"], &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("warning: ignoring the pairing files in"),
        "{err}"
    );
    assert!(err.contains("writable by other users"), "{err}");
    std::fs::set_permissions(&servers, std::fs::Permissions::from_mode(0o700)).unwrap();
    // The state folder itself, open to all: the same.
    std::fs::set_permissions(env.state.path(), std::fs::Permissions::from_mode(0o757)).unwrap();
    let (_, _, err) = serve::run_cli(&env, &["approvals", "list"], &[]);
    assert!(err.contains("writable by other users"), "{err}");
    // `serve` keeps no token and writes no pairing file there: it stops.
    let ws = workspace();
    let (code, _, err) = serve::run_cli(
        &Env::new(),
        &["serve", "--port", "0", "-w", ws.path().to_str().unwrap()],
        &[("OPENWORK_STATE_DIR", env.state.path().to_str().unwrap())],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("writable by other users (mode 757)"), "{err}");
    std::fs::set_permissions(env.state.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    // A file of another user (root can make one).
    let file = servers.join(format!("{}.json", std::process::id()));
    if std::os::unix::fs::chown(&file, Some(65534), None).is_ok() {
        let (_, _, err) = serve::run_cli(&env, &["approvals", "list"], &[]);
        assert!(err.contains("belongs to another user"), "{err}");
    }
}
