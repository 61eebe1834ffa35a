//! The read figures of bench/scale.sh (127.0.0.1 only, bounded in count).
//! Each subcommand prints its figures as text lines.
//!
//!   scale_check reads URL TOKEN WS_ID WS_PATH ROUNDS
//!     For `/skills`, `/commands`, `/mcp`, `/config` and `/export` of a
//!     workspace from examples/gen_workspace.rs, on a server that has not
//!     answered them yet: the cold first read; then ROUNDS times, one item
//!     changed by hand (a SKILL.md, a command file, an MCP entry of
//!     `opencode.jsonc`, each file rewritten in place) and the first read
//!     after it, checked to show the change; then ROUNDS memo hits.
//!     Medians and p99, in milliseconds; the export's size.
//!   scale_check writes URL TOKEN WS_ID ROUNDS
//!     ROUNDS times `POST /plugins` and `POST /skills` (each undone by its
//!     `DELETE`, untimed): medians and p99.
//!   scale_check slow-exports URL TOKEN WS_ID CLIENTS SECONDS
//!     CLIENTS connections each asking `/export` at once and taking it at
//!     about 1 MB/s, for SECONDS: what a server holds for many slow
//!     clients of a large answer (the script reads its peak memory
//!     meanwhile). Prints how much they took in all.
//!
//! With `SERVER_PID` set, `reads` also prints the server's CPU time, user
//! and system, per read after a change: on a machine shared with other
//! work, a steadier figure than the wall time.

use bench_workspace::{server_cpu_ms, stats};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// `clients` slow readers of `/export` at once for `seconds` (see the
/// module's comment).
async fn slow_exports(url: &str, token: &str, id: &str, clients: usize, seconds: usize) {
    let until = Instant::now() + Duration::from_secs(seconds as u64);
    let readers = (0..clients).map(|_| {
        let (url, token) = (format!("{url}/workspace/{id}/export"), token.to_string());
        tokio::spawn(async move {
            // A client of its own: one connection each.
            let mut r = client()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("GET");
            let mut taken = 0usize;
            while Instant::now() < until {
                let Ok(Some(part)) = r.chunk().await else {
                    break;
                };
                taken += part.len();
                // About 1 MB/s: a microsecond a byte.
                tokio::time::sleep(Duration::from_micros(part.len() as u64)).await;
            }
            taken
        })
    });
    let mut taken = Vec::new();
    for reader in readers.collect::<Vec<_>>() {
        taken.push(reader.await.unwrap_or(0));
    }
    let total: usize = taken.iter().sum();
    println!(
        "{clients} slow exports at once for {seconds} s: {:.1} MB taken in all",
        total as f64 / 1e6
    );
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// A timed GET: the time to the whole body, and the body.
async fn get(http: &reqwest::Client, url: &str, token: &str) -> (Duration, Vec<u8>) {
    let t = Instant::now();
    let r = http.get(url).bearer_auth(token).send().await.expect("GET");
    let status = r.status();
    let body = r.bytes().await.expect("body").to_vec();
    let elapsed = t.elapsed();
    assert_eq!(status, 200, "GET {url}: {}", String::from_utf8_lossy(&body));
    (elapsed, body)
}

/// One item of a generated workspace, changed in place so that the
/// change shows in its listing as `marker`.
#[derive(Clone, Copy)]
enum Item {
    Skill,
    Command,
    Mcp,
}

impl Item {
    fn file(self, ws: &Path) -> PathBuf {
        match self {
            Item::Skill => ws.join(".opencode/skills/skill-7/SKILL.md"),
            Item::Command => ws.join(".opencode/commands/cmd-7.md"),
            Item::Mcp => ws.join("opencode.jsonc"),
        }
    }

    /// Rewrites the item's file with `marker` in it.
    fn change(self, ws: &Path, original: &str, marker: &str) {
        let text = match self {
            Item::Skill => {
                original.replacen("description: ", &format!("description: {marker} "), 1)
            }
            Item::Command => original.replacen("---\n\n", &format!("---\n\n{marker} "), 1),
            Item::Mcp => {
                original.replacen("mcp-server-0@latest", &format!("mcp-server-0@{marker}"), 1)
            }
        };
        assert!(text != original, "the item to change is missing");
        std::fs::write(self.file(ws), text).expect("rewrite the item's file");
    }
}

async fn reads(url: &str, token: &str, id: &str, ws: &Path, rounds: usize) {
    let http = client();
    let base = format!("{url}/workspace/{id}");
    let endpoints = [
        ("skills", Item::Skill),
        ("commands", Item::Command),
        ("mcp", Item::Mcp),
        ("config", Item::Mcp),
        ("export", Item::Skill),
    ];
    let mut cold = Vec::new();
    for (endpoint, _) in endpoints {
        let (t, body) = get(&http, &format!("{base}/{endpoint}"), token).await;
        cold.push((t, body.len()));
    }
    for ((endpoint, item), (cold, size)) in endpoints.into_iter().zip(cold) {
        let url = format!("{base}/{endpoint}");
        let original = std::fs::read_to_string(item.file(ws)).expect("the item's file");
        let (mut changed, mut hits) = (Vec::new(), Vec::new());
        let cpu_before = server_cpu_ms();
        for round in 0..rounds {
            let marker = format!("changed{round}");
            item.change(ws, &original, &marker);
            let (t, body) = get(&http, &url, token).await;
            let text = String::from_utf8_lossy(&body);
            // The config view shows no MCP command: its ETag moves instead.
            if endpoint != "config" {
                assert!(text.contains(&marker), "/{endpoint} missed the change");
            }
            changed.push(t);
        }
        let cpu = match (cpu_before, server_cpu_ms()) {
            (Some(a), Some(b)) => format!(" | CPU {:6.1} ms", (b - a) / rounds as f64),
            _ => String::new(),
        };
        for _ in 0..rounds {
            hits.push(get(&http, &url, token).await.0);
        }
        std::fs::write(item.file(ws), &original).expect("put the item back");
        let (changed, changed99) = stats(&mut changed);
        let (hit, hit99) = stats(&mut hits);
        println!(
            "  /{endpoint:<9} cold {:8.1} ms | after one item changed {changed:7.2} ms (p99 {changed99:7.2}){cpu} | hit {hit:6.3} ms (p99 {hit99:6.3}) | {:.2} MB",
            cold.as_secs_f64() * 1000.0,
            size as f64 / 1e6
        );
    }
}

async fn send(req: reqwest::RequestBuilder) -> (Duration, u16) {
    let t = Instant::now();
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let _ = r.bytes().await;
    (t.elapsed(), status)
}

async fn writes(url: &str, token: &str, id: &str, rounds: usize) {
    let http = client();
    let base = format!("{url}/workspace/{id}");
    let (mut plugin, mut skill) = (Vec::new(), Vec::new());
    for i in 0..rounds {
        let spec = format!("scale-probe-{i}");
        let (t, status) = send(
            http.post(format!("{base}/plugins"))
                .bearer_auth(token)
                .json(&json!({ "spec": spec })),
        )
        .await;
        assert_eq!(status, 200, "POST /plugins");
        plugin.push(t);
        let (_, status) = send(
            http.delete(format!("{base}/plugins/{spec}"))
                .bearer_auth(token),
        )
        .await;
        assert_eq!(status, 200, "DELETE /plugins");
        let name = format!("scale-probe-{i}");
        let (t, status) = send(http.post(format!("{base}/skills")).bearer_auth(token).json(
            &json!({ "name": name, "description": "A probe", "content": "# Probe\n\nStep one.\n" }),
        ))
        .await;
        assert_eq!(status, 200, "POST /skills");
        skill.push(t);
        let (_, status) = send(
            http.delete(format!("{base}/skills/{name}"))
                .bearer_auth(token),
        )
        .await;
        assert_eq!(status, 200, "DELETE /skills");
    }
    let (p, p99) = stats(&mut plugin);
    let (s, s99) = stats(&mut skill);
    println!("  POST /plugins median {p:.2} ms, p99 {p99:.2} ms ({rounds} writes)");
    println!("  POST /skills  median {s:.2} ms, p99 {s99:.2} ms ({rounds} writes)");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let a = |i: usize| args.get(i).cloned().unwrap_or_default();
    let num = |i: usize, default: usize| a(i).parse().unwrap_or(default);
    match a(0).as_str() {
        "reads" => reads(&a(1), &a(2), &a(3), Path::new(&a(4)), num(5, 10)).await,
        "writes" => writes(&a(1), &a(2), &a(3), num(4, 10)).await,
        "slow-exports" => slow_exports(&a(1), &a(2), &a(3), num(4, 8), num(5, 4)).await,
        _ => {
            eprintln!(
                "usage: scale_check reads URL TOKEN WS_ID WS_PATH ROUNDS | writes URL TOKEN WS_ID ROUNDS | slow-exports URL TOKEN WS_ID CLIENTS SECONDS"
            );
            std::process::exit(2);
        }
    }
}
