//! After a write that changed files, `openwork serve` asks the workspace's
//! OpenCode server (`baseUrl`) to reload the workspace's folder, and says
//! in `X-OpenWork-OpenCode` whether OpenCode sees the change. Here against
//! a stand-in that records what it is asked; `tests/it/opencode/` does the
//! same against the real OpenCode.

use crate::support::serve::Server;
use crate::support::workspace;
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// An HTTP server on 127.0.0.1 that answers every request `200 true` and
/// keeps each request line.
fn stand_in() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            log.lock().unwrap().push(line.trim().to_string());
            // The rest of the head.
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4\r\nconnection: close\r\n\r\ntrue",
            );
        }
    });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_asks_the_workspaces_opencode_to_reload() {
    let (url, seen) = stand_in();
    let dir = workspace();
    let s = Server::start(
        &[dir.path()],
        &["--approval", "auto", "--opencode-base-url", &url],
    );
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    let r = s.post(&w("/plugins"), &json!({"spec": "p"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.header("x-openwork-opencode"), Some("reloaded"));
    let dir_query = crate::support::url_encode(&dir.path().display().to_string());
    assert_eq!(
        *seen.lock().unwrap(),
        [format!(
            "POST /instance/dispose?directory={dir_query} HTTP/1.1"
        )]
    );
    // A write that changes nothing asks nothing and says nothing.
    let r = s.post(&w("/plugins"), &json!({"spec": "p"})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-openwork-opencode"), None);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_reachable_opencode_the_answer_says_restart() {
    let dir = workspace();
    let s = Server::auto(dir.path());
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    let r = s.post(&w("/plugins"), &json!({"spec": "p"})).await;
    assert_eq!(r.header("x-openwork-opencode"), Some("restart-required"));

    // An OpenCode that is not there: the write still succeeds, and says so.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let dir = workspace();
    let s = Server::start(
        &[dir.path()],
        &["--approval", "auto", "--opencode-base-url", &url],
    );
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    let r = s.post(&w("/plugins"), &json!({"spec": "p"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.header("x-openwork-opencode"), Some("restart-required"));
    assert!(
        s.stderr_with("could not be asked to reload")
            .contains("could not be asked to reload"),
        "{}",
        s.stderr()
    );
}
