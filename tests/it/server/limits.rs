//! Limits of `openwork serve`: a connection that never completes its
//! headers or its body (or sits idle) is closed; a flood of slow and idle
//! connections from one address is capped well under the descriptor limit
//! and does not stop other clients from being served; while one address
//! floods, trickles bodies or holds event streams, the host still approves
//! within seconds; a thousand writes waiting for approval keep memory
//! bounded, with the 257th pending one refused.

use crate::support::serve::{self, Server};
use crate::support::workspace;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;
// What only the tests that read `/proc` use.
#[cfg(target_os = "linux")]
use {crate::support::snapshot, reqwest::Method, serde_json::json, std::sync::Arc};

/// The server's open file descriptors.
#[cfg(target_os = "linux")]
fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// The soft limit on open files of a process.
#[cfg(target_os = "linux")]
fn soft_nofile(pid: u32) -> usize {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("limits");
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("Max open files");
    line.split_whitespace()
        .nth(3)
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX)
}

/// Resident memory of a process, in KiB.
#[cfg(target_os = "linux")]
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

/// Reads until the server closes the connection. `Ok` when it did (within
/// the socket's read timeout), `Err` when the read timed out instead.
fn until_closed(s: &mut TcpStream) -> Result<Vec<u8>, std::io::Error> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Ok(got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            // A reset is a close too.
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return Ok(got),
            // A signal, or this process stopped and continued, cut the
            // wait short: keep waiting.
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

#[test]
fn connections_that_stall_before_their_request_is_complete_are_closed() {
    let dir = workspace();
    let s = Server::auto(dir.path());
    let connect = || {
        let c = TcpStream::connect(s.addr()).expect("connect");
        // Far above the server's header timeout: a hang fails the test.
        c.set_read_timeout(Some(Duration::from_secs(45)))
            .expect("timeout");
        c
    };
    // Says nothing at all.
    let mut silent = connect();
    // Starts a request and never finishes its headers.
    let mut partial = connect();
    partial
        .write_all(b"POST /workspace/x/plugins HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-")
        .expect("write");
    // Completes one request, then keeps the connection open and idle.
    let mut idle = connect();
    idle.write_all(format!("GET /health HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr()).as_bytes())
        .expect("write");
    // An authenticated write whose body stops half way.
    let mut stalled = connect();
    let head = format!(
        "POST /workspace/{}/plugins HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"spec\": ",
        s.ws_id(0),
        s.addr(),
        s.client_token
    );
    stalled.write_all(head.as_bytes()).expect("write");

    for (what, conn) in [
        ("silent", &mut silent),
        ("partial", &mut partial),
        ("idle", &mut idle),
        ("stalled", &mut stalled),
    ] {
        match until_closed(conn) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                match what {
                    "idle" => assert!(text.starts_with("HTTP/1.1 200"), "{text}"),
                    "stalled" => assert!(
                        text.starts_with("HTTP/1.1 400") && text.contains("\"invalid_json\""),
                        "{text}"
                    ),
                    _ => assert!(!text.contains(" 200 "), "{what}: {text}"),
                }
            }
            Err(e) => panic!("the {what} connection was never closed by the server: {e}"),
        }
    }
    // Nothing was written, and the server is still fine.
    assert!(!dir.path().join(".opencode").exists());
    let health = raw_health(&s.addr());
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
}

fn raw_health(addr: &str) -> String {
    serve::raw_http(
        addr,
        &format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        b"",
    )
}

/// More silent and half-sent connections than the server serves at once,
/// all from one address (127.0.0.2): the server never holds more
/// descriptors than its cap — that address gets at most five eighths of
/// it — and clients from 127.0.0.1, a write included, are served at once.
/// Linux: the descriptors are counted in `/proc`.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_slow_and_idle_connections_does_not_stop_other_clients() {
    use tokio::io::AsyncWriteExt;
    let dir = workspace();
    let s = Server::auto(dir.path());
    let pid = s.pid();
    let cap = 512.min(soft_nofile(pid).saturating_sub(128)).max(8);
    let base_fds = open_fds(pid);

    // More attackers than the server serves at once: half silent, half
    // sending a header that never ends.
    let addr = s.addr();
    let mut attackers = Vec::new();
    for i in 0..cap + 64 {
        let Ok(mut c) = from_another_address(&addr).await else {
            continue;
        };
        if i % 2 == 1 {
            let head = format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ");
            let _ = c.write_all(head.as_bytes()).await;
        }
        attackers.push(c);
    }
    assert!(
        attackers.len() >= cap,
        "only {} connections opened",
        attackers.len()
    );

    // The address holds an eighth of the cap served and half of it
    // waiting for a turn; the server closes the rest at once.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let held = cap / 8 + cap / 2;
    let peak = open_fds(pid);
    assert!(
        peak <= base_fds + held + 16,
        "{peak} descriptors open for a cap of {cap} (base {base_fds})"
    );

    // Meanwhile other clients are served, writes included.
    let fds_while = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sampler = {
        let fds_while = fds_while.clone();
        tokio::spawn(async move {
            for _ in 0..200 {
                fds_while.lock().unwrap().push(open_fds(pid));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let ws = format!("{}/workspace/{}", s.url, s.ws_id(0));
    let auth = format!("Bearer {}", s.client_token);
    let mut checks = Vec::new();
    for i in 0..4 {
        let (http, url) = (http.clone(), format!("{}/health", s.url));
        checks.push(tokio::spawn(async move {
            let r = http.get(url).send().await.expect("health answered");
            (format!("health {i}"), r.status().as_u16())
        }));
    }
    {
        let (http, ws, auth) = (http.clone(), ws.clone(), auth.clone());
        checks.push(tokio::spawn(async move {
            let r = http
                .post(format!("{ws}/plugins"))
                .header("Authorization", auth)
                .json(&json!({"spec": "served-anyway"}))
                .send()
                .await
                .expect("write answered");
            ("write".to_string(), r.status().as_u16())
        }));
    }
    for c in checks {
        let (what, status) = c.await.unwrap();
        assert_eq!(status, 200, "{what}");
    }
    sampler.abort();
    let max_while = fds_while.lock().unwrap().iter().copied().max().unwrap_or(0);
    assert!(max_while <= base_fds + held + 16, "{max_while} descriptors");
    let text = std::fs::read_to_string(dir.path().join("opencode.jsonc")).unwrap();
    assert!(text.contains("served-anyway"), "{text}");
    drop(attackers);
}

/// Linux: resident memory is read from `/proc`.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_writes_awaiting_approval_keep_memory_bounded() {
    let dir = workspace();
    let s = Arc::new(Server::start(
        &[dir.path()],
        &["--approval", "manual", "--approval-timeout", "120000"],
    ));
    let before = snapshot(dir.path());
    let pid = s.pid();
    // Warm up the allocator and the blocking pool with a few reads.
    for _ in 0..20 {
        assert_eq!(
            s.get(&format!("/workspace/{}/plugins", s.ws_id(0)))
                .await
                .status,
            200
        );
    }
    let rss_before = rss_kib(pid);

    // A thousand writes, each with a sizeable spec; at most 300 in flight
    // from this side (held ones keep their permit).
    let path = format!("/workspace/{}/plugins", s.ws_id(0));
    let permits = Arc::new(tokio::sync::Semaphore::new(300));
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let (s, path, permits) = (s.clone(), path.clone(), permits.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            let spec = format!("./held-{i}-{}", "x".repeat(400));
            serve::send(s.client(Method::POST, &path).json(&json!({ "spec": spec }))).await
        }));
    }
    // 256 wait for the host; every other one is refused at once.
    s.wait_pending(256).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while tasks.iter().filter(|t| t.is_finished()).count() < 744 {
        assert!(
            std::time::Instant::now() < deadline,
            "refusals did not all come"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rss_held = rss_kib(pid);
    eprintln!("RSS {rss_before} KiB before, {rss_held} KiB with 256 held and 744 refused");
    assert!(
        rss_held < rss_before + 64 * 1024,
        "memory grew from {rss_before} KiB to {rss_held} KiB"
    );
    assert_eq!(s.pending().await.len(), 256);

    for item in s.pending().await {
        let r = s.reply(item["id"].as_str().unwrap(), "deny").await;
        assert_eq!(r.status, 200);
    }
    let mut refused = 0;
    let mut denied = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match (r.status, r.code()) {
            (429, "too_many_pending") => refused += 1,
            (403, "write_denied") => denied += 1,
            _ => panic!("unexpected answer {r:?}"),
        }
    }
    assert_eq!((denied, refused), (256, 744));
    assert!(s.pending().await.is_empty());
    assert_eq!(snapshot(dir.path()), before, "no file changed");
}

/// A connection from 127.0.0.2: another address of this machine (all of
/// 127.0.0.0/8 is loopback on Linux).
#[cfg(target_os = "linux")]
async fn from_another_address(addr: &str) -> std::io::Result<tokio::net::TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind("127.0.0.2:0".parse().expect("address"))?;
    let addr = addr.parse().map_err(std::io::Error::other)?;
    tokio::time::timeout(Duration::from_secs(5), socket.connect(addr))
        .await
        .map_err(|_| std::io::Error::other("connect timed out"))?
}

/// The host approving a client's write, every request from 127.0.0.1 on a
/// new connection (as a new `openwork approvals allow` or a new tab
/// would): how long it took, or `None` after `limit`.
#[cfg(target_os = "linux")]
async fn approve_on_new_connections(s: &Server, n: usize, limit: Duration) -> Option<Duration> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .timeout(limit)
        .build()
        .unwrap();
    let start = std::time::Instant::now();
    let spec = format!("approved-{n}");
    let write = {
        let req = http
            .post(format!("{}/workspace/{}/plugins", s.url, s.ws_id(0)))
            .bearer_auth(&s.client_token)
            .json(&json!({ "spec": spec }));
        tokio::spawn(async move { req.send().await.map(|r| r.status().as_u16()) })
    };
    let id = loop {
        if start.elapsed() > limit {
            return None;
        }
        let listed = http
            .get(format!("{}/approvals", s.url))
            .header("X-OpenWork-Host-Token", &s.host_token)
            .send()
            .await;
        if let Ok(r) = listed
            && let Ok(v) = r.json::<serde_json::Value>().await
            && let Some(id) = v["items"]
                .as_array()
                .and_then(|items| {
                    let summary = format!("Add plugin {spec}");
                    items.iter().find(|i| i["summary"] == summary.as_str())
                })
                .and_then(|i| i["id"].as_str())
        {
            break id.to_string();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let allowed = http
        .post(format!("{}/approvals/{id}", s.url))
        .header("X-OpenWork-Host-Token", &s.host_token)
        .json(&json!({"reply": "allow"}))
        .send()
        .await
        .ok()?;
    assert_eq!(allowed.status(), 200);
    let status = tokio::time::timeout(limit, write).await.ok()?.ok()?.ok()?;
    assert_eq!(status, 200);
    Some(start.elapsed())
}

/// One address — 127.0.0.2 — holds hundreds of connections that never
/// authenticate (silent or half-sent), trickles request bodies a byte at a
/// time with the client token, or opens 520 event streams with the host
/// token: meanwhile the host, from 127.0.0.1, still approves writes within
/// seconds, each request on a new connection.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_host_approves_while_another_address_floods_trickles_or_streams() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    for attack in ["idle", "trickle", "streams"] {
        let dir = workspace();
        let s = Arc::new(Server::start(
            &[dir.path()],
            &["--approval", "manual", "--approval-timeout", "60000"],
        ));
        let stop = Arc::new(AtomicBool::new(false));
        let refused_streams = Arc::new(AtomicUsize::new(0));
        let conns = if attack == "streams" { 520 } else { 600 };
        let head = match attack {
            "idle" => String::new(),
            "trickle" => format!(
                "POST /workspace/{}/plugins HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Length: 100000\r\n\r\n",
                s.ws_id(0),
                s.addr(),
                s.client_token
            ),
            _ => format!(
                "GET /approvals/events HTTP/1.1\r\nHost: {}\r\nX-OpenWork-Host-Token: {}\r\n\r\n",
                s.addr(),
                s.host_token
            ),
        };
        let attackers: Vec<_> = (0..conns)
            .map(|i| {
                let (addr, head, stop) = (s.addr(), head.clone(), stop.clone());
                let refused_streams = refused_streams.clone();
                tokio::spawn(async move {
                    // Each connection reopened as soon as the server closes it.
                    while !stop.load(Ordering::Relaxed) {
                        let Ok(mut c) = from_another_address(&addr).await else {
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            continue;
                        };
                        let first = if head.is_empty() && i % 2 == 1 {
                            format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ")
                        } else {
                            head.clone()
                        };
                        if c.write_all(first.as_bytes()).await.is_err() {
                            continue;
                        }
                        let mut buf = [0u8; 4096];
                        loop {
                            let read =
                                tokio::time::timeout(Duration::from_secs(1), c.read(&mut buf));
                            match read.await {
                                Ok(Ok(0)) | Ok(Err(_)) => break,
                                Ok(Ok(n)) => {
                                    if buf[..n].starts_with(b"HTTP/1.1 429") {
                                        refused_streams.fetch_add(1, Ordering::Relaxed);
                                    }
                                }
                                // Still open: a trickler sends one more byte.
                                Err(_) if attack == "trickle" => {
                                    if c.write_all(b" ").await.is_err() {
                                        break;
                                    }
                                }
                                Err(_) => {}
                            }
                            if stop.load(Ordering::Relaxed) {
                                return;
                            }
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                })
            })
            .collect();
        // The attack takes hold, then the host approves, three times.
        tokio::time::sleep(Duration::from_secs(2)).await;
        for n in 0..3 {
            let took = approve_on_new_connections(&s, n, Duration::from_secs(5)).await;
            assert!(
                took.is_some(),
                "{attack}: the host could not approve a write within 5 s"
            );
        }
        stop.store(true, Ordering::Relaxed);
        for a in attackers {
            a.abort();
        }
        if attack == "streams" {
            assert!(
                refused_streams.load(Ordering::Relaxed) > 0,
                "no stream was refused"
            );
        }
        let text = std::fs::read_to_string(dir.path().join("opencode.jsonc")).unwrap();
        assert!(text.contains("approved-2"), "{attack}: {text}");
    }
}
