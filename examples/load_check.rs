//! Load that wrk cannot check, for bench/load.sh (127.0.0.1 only, bounded).
//!
//!   load_check writes URL TOKEN WS_ID WS_PATH SECONDS CONNS
//!     CONNS tasks for SECONDS: half POST commands with unique names, half
//!     alternate POST/DELETE of their own plugin. Then checks the disk:
//!     every acknowledged write is there, the config parses, and the audit
//!     log grew by exactly one line per acknowledged write. Exit 1 if not.
//!   load_check startup BIN WS_PATH RUNS
//!     spawn → first 200 on /health, median of RUNS.

use bench_workspace::audit_lines;
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

async fn writes(
    url: String,
    token: String,
    id: String,
    ws: String,
    secs: u64,
    conns: usize,
) -> bool {
    let ws = Path::new(&ws).to_path_buf();
    let before = audit_lines(&ws);
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let deadline = Instant::now() + Duration::from_secs(secs);
    let run = std::process::id();
    let mut tasks = Vec::new();
    for c in 0..conns {
        let (http, url, token, id) = (http.clone(), url.clone(), token.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            let mut acked_commands: Vec<String> = Vec::new();
            let mut plugin_writes = 0usize;
            let mut plugin_present = false;
            let mut n = 0usize;
            while Instant::now() < deadline {
                let resp = if c % 2 == 0 {
                    // Unique across runs too: a repeated name would be a
                    // no-op, acknowledged without an audit line.
                    let name = format!("load-{run}-{c}-{n}");
                    let r = http
                        .post(format!("{url}/workspace/{id}/commands"))
                        .bearer_auth(&token)
                        .json(&json!({"name": name, "template": format!("Step {n}")}))
                        .send()
                        .await;
                    if matches!(&r, Ok(r) if r.status() == 200) {
                        acked_commands.push(name);
                    }
                    r
                } else {
                    let spec = format!("load-plugin-{c}");
                    let r = if plugin_present {
                        http.delete(format!("{url}/workspace/{id}/plugins/{spec}"))
                            .bearer_auth(&token)
                            .send()
                            .await
                    } else {
                        http.post(format!("{url}/workspace/{id}/plugins"))
                            .bearer_auth(&token)
                            .json(&json!({"spec": spec}))
                            .send()
                            .await
                    };
                    if matches!(&r, Ok(r) if r.status() == 200) {
                        plugin_present = !plugin_present;
                        plugin_writes += 1;
                    }
                    r
                };
                if let Ok(r) = resp {
                    let _ = r.bytes().await;
                }
                n += 1;
            }
            (acked_commands, plugin_writes, plugin_present, n)
        }));
    }
    let started = Instant::now();
    let mut commands = Vec::new();
    let (mut plugin_writes, mut requests) = (0, 0);
    let mut present = Vec::new();
    for (c, t) in tasks.into_iter().enumerate() {
        let (cmds, pw, p, n) = t.await.expect("task");
        commands.extend(cmds);
        plugin_writes += pw;
        requests += n;
        if c % 2 == 1 {
            present.push((format!("load-plugin-{c}"), p));
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let acked = commands.len() + plugin_writes;
    println!(
        "writes: {requests} requests, {acked} acknowledged, {:.0} req/s ({conns} connections)",
        requests as f64 / elapsed
    );
    let problems = bench_workspace::verify(&ws, &present, &commands, before, acked);
    for problem in &problems {
        println!("{problem}");
    }
    let ok = problems.is_empty();
    let grew = audit_lines(&ws) - before;
    println!(
        "verified: {} commands on disk, plugins as acknowledged, config parses, audit +{grew} lines: {}",
        commands.len(),
        if ok { "OK" } else { "FAILED" }
    );
    ok
}

async fn startup(bin: String, ws: String, runs: usize) {
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let mut times = Vec::new();
    for _ in 0..runs {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        let t = Instant::now();
        let mut child = std::process::Command::new(&bin)
            .args([
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--approval",
                "auto",
                "-w",
                &ws,
            ])
            .args([
                "--token",
                "startup-client-token",
                "--host-token",
                "startup-host-token",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        let url = format!("http://127.0.0.1:{port}/health");
        loop {
            if let Ok(r) = http.get(&url).send().await
                && r.status() == 200
            {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "server did not start"
            );
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        times.push(t.elapsed());
        let _ = child.kill();
        let _ = child.wait();
    }
    times.sort();
    let ms: Vec<String> = times
        .iter()
        .map(|t| format!("{:.1}", t.as_secs_f64() * 1000.0))
        .collect();
    println!(
        "start-up (spawn -> first 200 on /health): median {:.1} ms of [{}]",
        times[times.len() / 2].as_secs_f64() * 1000.0,
        ms.join(", ")
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let a = |i: usize| args.get(i).cloned().unwrap_or_default();
    match a(0).as_str() {
        "writes" => {
            let ok = writes(
                a(1),
                a(2),
                a(3),
                a(4),
                a(5).parse().unwrap_or(10),
                a(6).parse().unwrap_or(8),
            )
            .await;
            std::process::exit(if ok { 0 } else { 1 });
        }
        "startup" => startup(a(1), a(2), a(3).parse().unwrap_or(5)).await,
        _ => {
            eprintln!(
                "usage: load_check writes URL TOKEN WS_ID WS_PATH SECONDS CONNS | startup BIN WS_PATH RUNS"
            );
            std::process::exit(2);
        }
    }
}
