//! Attacks on the resources of `openwork serve`, for bench/attacks.sh:
//! 127.0.0.1 and 127.0.0.2 only, bounded in count and time. Each attack
//! gets a fresh server of BIN (manual approval, a temporary workspace and
//! HOME); the table says what it cost: peak resident memory (`VmHWM`),
//! resident memory once the attack is over, and how long the host took to
//! approve a small write from 127.0.0.1 while the attack ran (a client
//! write, `GET /approvals`, `POST /approvals/:id`, the client's answer,
//! each on a new connection, from 2 s into the attack to its end).
//!
//!   attacks BIN [ATTACK…]
//!
//! Attacks (all by default):
//! - `pending`: 256 config patches of about 1 MiB each, held for approval,
//!   then withdrawn (their clients hang up).
//! - `memo`: 64 audit reads with different `limit`s of a log whose 200
//!   entries have 80 KB summaries.
//! - `stalled-events`: an event stream that stops reading while 300 skill
//!   writes of about 900 KB each are requested and withdrawn.
//! - `idle`: 600 connections from 127.0.0.2 that send nothing or half a
//!   header, reopened as they are closed, for 25 s.
//! - `trickle`: 600 connections from 127.0.0.2 with the client token that
//!   send a 100 KB body one byte every 5 s, reopened, for 25 s.
//! - `streams`: 520 event streams from 127.0.0.2 with the host token, for
//!   25 s.
//!
//! Linux only (it reads `/proc`).

use serde_json::json;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};

const CLIENT: &str = "attack-client-token-0123456789abcdef";
const HOST: &str = "attack-host-token-0123456789abcdef";
const ATTACK_TIME: Duration = Duration::from_secs(25);
const PROBE_TIMEOUT: Duration = Duration::from_secs(30);

struct Server {
    child: Child,
    addr: SocketAddr,
    url: String,
    ws: String,
    _dirs: Vec<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(bin: &str, seed: impl FnOnce(&Path)) -> Server {
        let ws = tempfile::tempdir().expect("tempdir");
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::write(ws.path().join("opencode.jsonc"), "{\n  \"plugin\": []\n}\n").expect("seed");
        seed(ws.path());
        let mut child = Command::new(bin)
            .args([
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--approval",
                "manual",
            ])
            .args([
                "--approval-timeout",
                "120000",
                "--token",
                CLIENT,
                "--host-token",
                HOST,
            ])
            .arg("-w")
            .arg(ws.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .env("OPENWORK_STATE_DIR", home.path().join("state"))
            .env("OPENWORK_LOG", "off")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the server");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let (mut url, mut id) = (None, None);
        while url.is_none() || id.is_none() {
            let line = lines.next().expect("boot line").expect("boot line");
            if let Some(u) = line.strip_prefix("openwork listening on ") {
                url = Some(u.trim().to_string());
            }
            if let Some(rest) = line.strip_prefix("Workspace ") {
                id = rest
                    .split(' ')
                    .find(|p| p.starts_with("ws_"))
                    .map(str::to_string);
            }
        }
        std::thread::spawn(move || lines.for_each(drop));
        let url = url.expect("url");
        let addr = url.trim_start_matches("http://").parse().expect("address");
        Server {
            child,
            addr,
            url,
            ws: id.expect("workspace id"),
            _dirs: vec![ws, home],
        }
    }

    fn status(&self, key: &str) -> u64 {
        let text = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    /// Peak resident memory so far, MiB.
    fn peak_mib(&self) -> u64 {
        self.status("VmHWM:") / 1024
    }

    /// Resident memory now, MiB.
    fn rss_mib(&self) -> u64 {
        self.status("VmRSS:") / 1024
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .pool_idle_timeout(Duration::from_secs(5))
        .timeout(PROBE_TIMEOUT)
        .build()
        .expect("client")
}

/// A client that opens a new connection for every request, as a new
/// `openwork approvals allow` or a new browser tab would.
fn fresh_http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .timeout(PROBE_TIMEOUT)
        .build()
        .expect("client")
}

/// One approval from the host's side while the attack runs: a client
/// writes a plugin, the host finds it in `GET /approvals` and allows it,
/// the client gets its 200. The time of the whole, or why it failed.
async fn approve_once(http: &reqwest::Client, s: &Server, n: usize) -> Result<Duration, String> {
    let start = Instant::now();
    let spec = format!("probe-{n}");
    let write = {
        let (http, url) = (
            http.clone(),
            format!("{}/workspace/{}/plugins", s.url, s.ws),
        );
        let spec = spec.clone();
        tokio::spawn(async move {
            http.post(url)
                .bearer_auth(CLIENT)
                .json(&json!({ "spec": spec }))
                .send()
                .await
                .map(|r| r.status().as_u16())
        })
    };
    let deadline = start + PROBE_TIMEOUT;
    let id = loop {
        if Instant::now() > deadline || write.is_finished() {
            let answer = write.await.map_err(|e| e.to_string())?;
            return Err(match answer {
                Ok(status) => format!("write answered {status} before approval"),
                Err(e) => format!("write failed: {e}"),
            });
        }
        let listed = http
            .get(format!("{}/approvals", s.url))
            .header("X-OpenWork-Host-Token", HOST)
            .send()
            .await;
        if let Ok(r) = listed
            && let Ok(v) = r.json::<serde_json::Value>().await
            && let Some(id) = v["items"].as_array().and_then(|items| {
                items
                    .iter()
                    .find(|i| {
                        i["target"] == spec.as_str()
                            || i["summary"].as_str().is_some_and(|t| t.ends_with(&spec))
                    })
                    .and_then(|i| i["id"].as_str().map(str::to_string))
            })
        {
            break id;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let allowed = http
        .post(format!("{}/approvals/{id}", s.url))
        .header("X-OpenWork-Host-Token", HOST)
        .json(&json!({"reply": "allow"}))
        .send()
        .await
        .map_err(|e| format!("allow failed: {e}"))?;
    if !allowed.status().is_success() {
        return Err(format!("allow answered {}", allowed.status()));
    }
    match write.await.map_err(|e| e.to_string())? {
        Ok(200) => Ok(start.elapsed()),
        Ok(status) => Err(format!("write answered {status}")),
        Err(e) => Err(format!("write failed: {e}")),
    }
}

/// Approvals one after another until `stop`, each timed.
fn probe(
    s: Arc<Server>,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<Vec<Result<Duration, String>>> {
    tokio::spawn(async move {
        let http = fresh_http();
        let mut out = Vec::new();
        let mut n = 0;
        // The attack first takes hold.
        tokio::time::sleep(Duration::from_secs(2)).await;
        while !stop.load(Ordering::Relaxed) {
            out.push(approve_once(&http, &s, n).await);
            n += 1;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        out
    })
}

fn latency(results: &[Result<Duration, String>]) -> String {
    let mut ok: Vec<Duration> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    let failed: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    ok.sort();
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let mut text = match (ok.first(), ok.last()) {
        (Some(_), Some(max)) => format!(
            "{} approved, median {}, max {}",
            ok.len(),
            ms(ok[ok.len() / 2]),
            ms(*max)
        ),
        _ => "none approved".to_string(),
    };
    if let Some(first) = failed.first() {
        text.push_str(&format!("; {} failed ({first})", failed.len()));
    }
    text
}

/// A connection from 127.0.0.2 to the server.
async fn connect_from_2(addr: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind("127.0.0.2:0".parse().expect("address"))?;
    tokio::time::timeout(Duration::from_secs(5), socket.connect(addr))
        .await
        .map_err(|_| std::io::Error::other("connect timed out"))?
}

/// `conns` connections from 127.0.0.2, each made by `open` and reopened
/// when the server closes it, until `stop`.
fn flood<F, Fut>(
    s: &Server,
    conns: usize,
    stop: Arc<AtomicBool>,
    open: F,
) -> Vec<tokio::task::JoinHandle<()>>
where
    F: Fn(SocketAddr, usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    (0..conns)
        .map(|i| {
            let (open, stop, addr) = (open.clone(), stop.clone(), s.addr);
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    tokio::select! {
                        _ = open(addr, i) => {}
                        _ = async { while !stop.load(Ordering::Relaxed) { tokio::time::sleep(Duration::from_millis(200)).await } } => {}
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
        })
        .collect()
}

/// Waits until the server closes `conn` (reading and dropping what it sends).
async fn until_closed(mut conn: TcpStream) {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 4096];
    while matches!(conn.read(&mut buf).await, Ok(n) if n > 0) {}
}

struct Row {
    attack: &'static str,
    peak: u64,
    after: u64,
    host: String,
    note: String,
}

async fn with_probe<F: Future<Output = String>>(s: &Arc<Server>, attack: F) -> (String, String) {
    let stop = Arc::new(AtomicBool::new(false));
    let probes = probe(s.clone(), stop.clone());
    let note = attack.await;
    stop.store(true, Ordering::Relaxed);
    let results = probes.await.unwrap_or_default();
    (latency(&results), note)
}

async fn pending(bin: &str) -> Row {
    let s = Arc::new(Server::start(bin, |_| {}));
    let blob = "x".repeat(1_000_000);
    let (host, note) = with_probe(&s, async {
        let http = http();
        let tasks: Vec<_> = (0..256)
            .map(|i| {
                let (http, url) = (http.clone(), format!("{}/workspace/{}/config", s.url, s.ws));
                let body = json!({"openwork": {format!("k{i}"): blob}});
                tokio::spawn(async move {
                    http.patch(url)
                        .bearer_auth(CLIENT)
                        .json(&body)
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                })
            })
            .collect();
        // Until every patch is held or refused (bounded).
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut held = 0;
        while Instant::now() < deadline {
            held = pending_count(&http, &s).await;
            if held + tasks.iter().filter(|t| t.is_finished()).count() >= 256 {
                break;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let refused = tasks.iter().filter(|t| t.is_finished()).count();
        // The clients hang up: every held patch is withdrawn.
        for t in &tasks {
            t.abort();
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        format!("{held} held, {refused} refused, then withdrawn")
    })
    .await;
    Row {
        attack: "pending",
        peak: s.peak_mib(),
        after: s.rss_mib(),
        host,
        note,
    }
}

/// How many requests wait for approval (the ids only are counted).
async fn pending_count(http: &reqwest::Client, s: &Server) -> usize {
    let Ok(r) = http
        .get(format!("{}/approvals", s.url))
        .header("X-OpenWork-Host-Token", HOST)
        .send()
        .await
    else {
        return 0;
    };
    r.json::<serde_json::Value>()
        .await
        .ok()
        .and_then(|v| v["items"].as_array().map(Vec::len))
        .unwrap_or(0)
}

async fn memo(bin: &str) -> Row {
    let s = Arc::new(Server::start(bin, |ws| {
        let summary = "s".repeat(80_000);
        let ws_id = "ws_000000000000";
        let lines: String = (0..200)
            .map(|i| {
                format!(
                    "{}\n",
                    json!({"id": format!("e{i}"), "workspaceId": ws_id, "actor": {"type": "host", "clientId": "cli"},
                           "action": "config.patch", "target": "config", "summary": summary, "timestamp": i})
                )
            })
            .collect();
        let log = ws.join(".opencode/openwork/audit.jsonl");
        std::fs::create_dir_all(log.parent().expect("folder")).expect("folder");
        std::fs::write(log, lines).expect("seed the audit log");
    }));
    let (host, note) = with_probe(&s, async {
        let http = http();
        let mut bytes = 0usize;
        for limit in 137..=200 {
            let r = http
                .get(format!("{}/workspace/{}/audit?limit={limit}", s.url, s.ws))
                .bearer_auth(CLIENT)
                .send()
                .await;
            if let Ok(r) = r {
                bytes += r.bytes().await.map(|b| b.len()).unwrap_or(0);
            }
        }
        format!("64 reads, {} MiB answered", bytes >> 20)
    })
    .await;
    Row {
        attack: "memo",
        peak: s.peak_mib(),
        after: s.rss_mib(),
        host,
        note,
    }
}

async fn stalled_events(bin: &str) -> Row {
    let s = Arc::new(Server::start(bin, |_| {}));
    // The host's own stream, which stops reading after its head.
    let mut stalled = TcpStream::connect(s.addr).await.expect("connect");
    stalled
        .write_all(
            format!(
                "GET /approvals/events HTTP/1.1\r\nHost: {}\r\nX-OpenWork-Host-Token: {HOST}\r\n\r\n",
                s.addr
            )
            .as_bytes(),
        )
        .await
        .expect("write");
    let (host, note) = with_probe(&s, async {
        let quick = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_millis(1500))
            .build()
            .expect("client");
        let mut sent = 0;
        for round in 0..300 / 6 {
            let writes: Vec<_> = (0..6)
                .map(|j| {
                    let (http, url) = (quick.clone(), format!("{}/workspace/{}/skills", s.url, s.ws));
                    let content = format!("{round}-{j}\n{}", "y".repeat(900_000));
                    tokio::spawn(async move {
                        let body = json!({"name": format!("big-{j}"), "description": "Big", "content": content});
                        let _ = http.post(url).bearer_auth(CLIENT).json(&body).send().await;
                    })
                })
                .collect();
            for w in writes {
                let _ = w.await;
                sent += 1;
            }
        }
        format!("{sent} writes of 900 KB requested and withdrawn")
    })
    .await;
    drop(stalled);
    Row {
        attack: "stalled-events",
        peak: s.peak_mib(),
        after: s.rss_mib(),
        host,
        note,
    }
}

async fn idle(bin: &str) -> Row {
    let s = Arc::new(Server::start(bin, |_| {}));
    let (host, note) = with_probe(&s, async {
        let stop = Arc::new(AtomicBool::new(false));
        let host_header = s.addr.to_string();
        let tasks = flood(&s, 600, stop.clone(), move |addr, i| {
            let host_header = host_header.clone();
            async move {
                let Ok(mut c) = connect_from_2(addr).await else {
                    return;
                };
                if i % 2 == 1 {
                    let _ = c
                        .write_all(
                            format!("GET /health HTTP/1.1\r\nHost: {host_header}\r\nX-Slow: ")
                                .as_bytes(),
                        )
                        .await;
                }
                until_closed(c).await;
            }
        });
        tokio::time::sleep(ATTACK_TIME).await;
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            t.abort();
        }
        "600 silent or half-sent connections".to_string()
    })
    .await;
    Row {
        attack: "idle",
        peak: s.peak_mib(),
        after: s.rss_mib(),
        host,
        note,
    }
}

async fn trickle(bin: &str) -> Row {
    let s = Arc::new(Server::start(bin, |_| {}));
    let (host, note) = with_probe(&s, async {
        let stop = Arc::new(AtomicBool::new(false));
        let head = format!(
            "POST /workspace/{}/plugins HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {CLIENT}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
            s.ws, s.addr
        );
        let stop2 = stop.clone();
        let tasks = flood(&s, 600, stop.clone(), move |addr, _| {
            let (head, stop) = (head.clone(), stop2.clone());
            async move {
                let Ok(mut c) = connect_from_2(addr).await else { return };
                if c.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let (mut read, mut write) = c.into_split();
                let reader = tokio::spawn(async move {
                    use tokio::io::AsyncReadExt;
                    let mut buf = [0u8; 4096];
                    while matches!(read.read(&mut buf).await, Ok(n) if n > 0) {}
                });
                while !stop.load(Ordering::Relaxed) && !reader.is_finished() {
                    if write.write_all(b" ").await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                reader.abort();
            }
        });
        tokio::time::sleep(ATTACK_TIME).await;
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            t.abort();
        }
        "600 bodies trickled at 1 byte / 5 s".to_string()
    })
    .await;
    Row {
        attack: "trickle",
        peak: s.peak_mib(),
        after: s.rss_mib(),
        host,
        note,
    }
}

async fn streams(bin: &str) -> Row {
    let s = Arc::new(Server::start(bin, |_| {}));
    let (host, note) = with_probe(&s, async {
        let stop = Arc::new(AtomicBool::new(false));
        let head = format!(
            "GET /approvals/events HTTP/1.1\r\nHost: {}\r\nX-OpenWork-Host-Token: {HOST}\r\n\r\n",
            s.addr
        );
        let tasks = flood(&s, 520, stop.clone(), move |addr, _| {
            let head = head.clone();
            async move {
                let Ok(mut c) = connect_from_2(addr).await else {
                    return;
                };
                if c.write_all(head.as_bytes()).await.is_ok() {
                    until_closed(c).await;
                }
            }
        });
        tokio::time::sleep(ATTACK_TIME).await;
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            t.abort();
        }
        "520 event streams".to_string()
    })
    .await;
    Row {
        attack: "streams",
        peak: s.peak_mib(),
        after: s.rss_mib(),
        host,
        note,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(bin) = args.first().cloned() else {
        eprintln!("usage: attacks BIN [pending|memo|stalled-events|idle|trickle|streams]…");
        std::process::exit(2);
    };
    let all = [
        "pending",
        "memo",
        "stalled-events",
        "idle",
        "trickle",
        "streams",
    ];
    let chosen: Vec<&str> = if args.len() > 1 {
        args[1..].iter().map(String::as_str).collect()
    } else {
        all.to_vec()
    };
    println!(
        "| attack | peak RSS (VmHWM) | RSS after | host approvals during the attack | attack |"
    );
    println!("|---|---|---|---|---|");
    for attack in chosen {
        let row = match attack {
            "pending" => pending(&bin).await,
            "memo" => memo(&bin).await,
            "stalled-events" => stalled_events(&bin).await,
            "idle" => idle(&bin).await,
            "trickle" => trickle(&bin).await,
            "streams" => streams(&bin).await,
            other => {
                eprintln!("unknown attack {other:?}; one of {all:?}");
                std::process::exit(2);
            }
        };
        println!(
            "| {} | {} MiB | {} MiB | {} | {} |",
            row.attack, row.peak, row.after, row.host, row.note
        );
    }
}
