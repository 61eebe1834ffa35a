//! The write figures of bench/write-load.sh (127.0.0.1 only, bounded in
//! time and in count). Each subcommand prints its figures as text lines.
//!
//!   write_load raw WS_PATH DIR N
//!     The raw durable-write loop, the reference of every write figure: N
//!     times, what a plugin add must do on disk at least, with the sizes of
//!     one on the workspace at WS_PATH (its `opencode.jsonc` plus one line,
//!     and its last audit line) — a temporary file written and fsynced,
//!     renamed over the config, the folder fsynced, the audit line appended
//!     and fsynced — in DIR. Per operation: median and p99.
//!   write_load latency URL TOKEN WS_ID N [RAW_MEDIAN_MS [WS_PATH DIR]]
//!     One connection, N writes alternating `POST /plugins` and
//!     `DELETE /plugins/:name`: median and p99, and the ratio of the median
//!     to the raw loop's when given. With WS_PATH and DIR, also the raw
//!     loop interleaved with the writes (its sizes from WS_PATH, its files
//!     in DIR): 50 raw operations after each 50 writes, and the ratio of
//!     the two medians. A raw loop run on its own before the writes has
//!     moved by a third from one run to the next on a shared VM;
//!     interleaved, both medians see the same minutes of the disk. One raw
//!     operation after each write was tried first: it read 0.82 ms against
//!     0.62 for the loop alone, as each paid for what the write before it
//!     left the disk to do, and flattered the ratio (2.1x against 2.8x).
//!   write_load plugins URL TOKEN WS_ID WS_PATH SECONDS CONNS
//!     CONNS connections for SECONDS, each adding and removing its own
//!     plugin in turn: acknowledged writes/s, then verified on disk.
//!   write_load commands URL TOKEN WS_ID WS_PATH TOTAL CONNS
//!     TOTAL commands with unique names from CONNS connections: the wall
//!     time of those writes, and at 100, 1,000 and TOTAL commands the cost
//!     of a write apart from building its answer (which lists every
//!     command): the median `POST /commands` minus the median `GET
//!     /commands` just after a change (a memo miss); `DELETE` (answered
//!     `{"ok": true}`) for comparison. Then verified on disk.
//!   write_load misses URL TOKEN WS_ID N
//!     For each read endpoint, N times: a plugin write (which changes the
//!     config every read resolves, and the audit log), then the first read
//!     after it (a memo miss) and a second one (a hit). Medians.
//!
//! With `SERVER_PID` set, `latency`, `plugins` and `commands` also print
//! the server's CPU time (user + system) per acknowledged write: on a
//! machine shared with other work, a steadier figure than the wall time.

use bench_workspace::{audit_lines, durable_write, server_cpu_ms, stats, verify};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

/// The raw loop's operation, with the sizes of a plugin add on a workspace.
struct RawLoop {
    dir: std::path::PathBuf,
    folder: std::fs::File,
    config: Vec<u8>,
    line: Vec<u8>,
    done: usize,
}

impl RawLoop {
    /// In `dir`, with the sizes of a plugin add on the workspace at `ws`:
    /// its `opencode.jsonc` plus one line, and its last audit line.
    fn new(ws: &Path, dir: &Path) -> RawLoop {
        let mut config = std::fs::read(ws.join("opencode.jsonc")).expect("the workspace's config");
        config.extend_from_slice(b"    \"bench-probe\",\n");
        let log = std::fs::read(ws.join(".opencode/openwork/audit.jsonl")).unwrap_or_default();
        let line = log
            .split(|&b| b == b'\n')
            .rfind(|l| !l.is_empty())
            .map(|l| [l, b"\n"].concat())
            .unwrap_or_else(|| vec![b'x'; 256]);
        std::fs::create_dir_all(dir).expect("the loop's folder");
        let folder = std::fs::File::open(dir).expect("the loop's folder");
        RawLoop {
            dir: dir.to_path_buf(),
            folder,
            config,
            line,
            done: 0,
        }
    }

    /// One durable write, timed.
    fn op(&mut self) -> Duration {
        let t = Instant::now();
        durable_write(&self.dir, &self.folder, &self.config, &self.line, self.done);
        self.done += 1;
        t.elapsed()
    }
}

fn raw(ws: &Path, dir: &Path, n: usize) {
    let mut ops = RawLoop::new(ws, dir);
    let mut times = Vec::with_capacity(n);
    for i in 0..n + n / 10 {
        let t = ops.op();
        // The first tenth warms up.
        if i >= n / 10 {
            times.push(t);
        }
    }
    let (median, p99) = stats(&mut times);
    println!(
        "raw durable write loop: median {median:.3} ms, p99 {p99:.3} ms ({n} ops; config {} bytes, audit line {} bytes)",
        ops.config.len(),
        ops.line.len()
    );
}

/// ", N ms of server CPU a write" since `before`, for `writes` writes.
fn cpu_per_write(before: Option<f64>, writes: usize) -> String {
    match (before, server_cpu_ms()) {
        (Some(a), Some(b)) if writes > 0 => {
            format!(", server CPU {:.3} ms a write", (b - a) / writes as f64)
        }
        _ => String::new(),
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(64)
        .build()
        .expect("client")
}

/// Sends a request and reads the whole answer; its status, or 0 when the
/// request failed.
async fn send(req: reqwest::RequestBuilder) -> u16 {
    match req.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            let _ = r.bytes().await;
            status
        }
        Err(_) => 0,
    }
}

/// Adds `spec` when `add`, else removes it.
async fn plugin_write(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    spec: &str,
    add: bool,
) -> u16 {
    let req = if add {
        http.post(format!("{base}/plugins"))
            .json(&json!({ "spec": spec }))
    } else {
        http.delete(format!("{base}/plugins/{spec}"))
    };
    send(req.bearer_auth(token)).await
}

/// How many writes, then as many raw operations, a paired `latency` run
/// takes in turn.
const PAIRED_BLOCK: usize = 50;

async fn latency(
    url: &str,
    token: &str,
    id: &str,
    n: usize,
    raw_median: Option<f64>,
    mut paired: Option<RawLoop>,
) {
    let http = client();
    let base = format!("{url}/workspace/{id}");
    let mut times = Vec::with_capacity(n);
    let mut raw_times = Vec::with_capacity(n);
    let mut cpu = None;
    for i in 0..n + n / 10 {
        if i == n / 10 {
            cpu = server_cpu_ms();
        }
        let t = Instant::now();
        let status = plugin_write(&http, &base, token, "bench-latency", i % 2 == 0).await;
        let took = t.elapsed();
        assert_eq!(status, 200, "write {i} was not acknowledged");
        if i >= n / 10 {
            times.push(took);
        }
        // With a paired loop, a block of raw operations after each block of
        // writes: both medians come from the same minutes of the disk, and
        // few raw operations follow a write directly (one that does pays
        // for what the write left the disk to do, which would flatter the
        // ratio).
        if let Some(raw) = paired.as_mut()
            && (i + 1) % PAIRED_BLOCK == 0
        {
            for _ in 0..PAIRED_BLOCK {
                let t = raw.op();
                if i >= n / 10 {
                    raw_times.push(t);
                }
            }
        }
    }
    let cpu = cpu_per_write(cpu, n);
    // Leave the workspace as it was.
    if (n + n / 10) % 2 == 1 {
        plugin_write(&http, &base, token, "bench-latency", false).await;
    }
    let (median, p99) = stats(&mut times);
    let ratio = raw_median
        .filter(|r| *r > 0.0)
        .map(|r| format!(", {:.1}x the raw loop", median / r))
        .unwrap_or_default();
    println!(
        "one connection, plugin add/remove: median {median:.3} ms, p99 {p99:.3} ms ({:.0} writes/s{ratio}{cpu})",
        1000.0 / median
    );
    if !raw_times.is_empty() {
        let (raw, raw_p99) = stats(&mut raw_times);
        println!(
            "  the raw loop interleaved with it, {PAIRED_BLOCK} operations after each {PAIRED_BLOCK} writes: median {raw:.3} ms, p99 {raw_p99:.3} ms; the writes {:.1}x that",
            median / raw
        );
    }
}

async fn plugins(url: &str, token: &str, id: &str, ws: &Path, secs: u64, conns: usize) -> bool {
    let before = audit_lines(ws);
    let http = client();
    let base = format!("{url}/workspace/{id}");
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let cpu = server_cpu_ms();
    let mut tasks = Vec::new();
    for c in 0..conns {
        let (http, base, token) = (http.clone(), base.clone(), token.to_string());
        tasks.push(tokio::spawn(async move {
            let spec = format!("load-plugin-{c}");
            let (mut present, mut acked, mut refused) = (false, 0usize, 0usize);
            while Instant::now() < deadline {
                if plugin_write(&http, &base, &token, &spec, !present).await == 200 {
                    present = !present;
                    acked += 1;
                } else {
                    refused += 1;
                }
            }
            (spec, present, acked, refused)
        }));
    }
    let (mut present, mut acked, mut refused) = (Vec::new(), 0, 0);
    for task in tasks {
        let (spec, p, a, r) = task.await.expect("task");
        present.push((spec, p));
        acked += a;
        refused += r;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_per_write(cpu, acked);
    let problems = verify(ws, &present, &[], before, acked);
    for problem in &problems {
        println!("{problem}");
    }
    println!(
        "{conns} connections, plugin add/remove: {:.0} acknowledged writes/s ({acked} in {elapsed:.1} s, {refused} not acknowledged{cpu}); on disk: {}",
        acked as f64 / elapsed,
        if problems.is_empty() {
            "all verified"
        } else {
            "FAILED"
        }
    );
    problems.is_empty()
}

/// At `count` commands: the medians of `POST /commands` (a new command,
/// answered with the list), of `DELETE` of it (answered `{"ok": true}`)
/// and of the `GET /commands` after it (a memo miss: building the list).
async fn probe(http: &reqwest::Client, base: &str, token: &str, count: usize, run: u32) -> usize {
    let rounds = 15;
    let (mut post, mut delete, mut get) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..rounds {
        let name = format!("probe-{run}-{count}-{i}");
        let t = Instant::now();
        let status = send(
            http.post(format!("{base}/commands"))
                .bearer_auth(token)
                .json(&json!({ "name": name, "template": "Probe" })),
        )
        .await;
        post.push(t.elapsed());
        assert_eq!(status, 200, "probe write");
        let t = Instant::now();
        let status = send(
            http.delete(format!("{base}/commands/{name}"))
                .bearer_auth(token),
        )
        .await;
        delete.push(t.elapsed());
        assert_eq!(status, 200, "probe delete");
        let t = Instant::now();
        let status = send(http.get(format!("{base}/commands")).bearer_auth(token)).await;
        get.push(t.elapsed());
        assert_eq!(status, 200, "probe read");
    }
    let (post, _) = stats(&mut post);
    let (delete, _) = stats(&mut delete);
    let (get, _) = stats(&mut get);
    println!(
        "  at {count:>5} commands: POST {post:.3} ms = answer (GET after a change) {get:.3} ms + write {:.3} ms; DELETE {delete:.3} ms",
        post - get
    );
    2 * rounds
}

async fn commands(url: &str, token: &str, id: &str, ws: &Path, total: usize, conns: usize) -> bool {
    let before = audit_lines(ws);
    let http = client();
    let base = format!("{url}/workspace/{id}");
    let run = std::process::id();
    let mut checkpoints: Vec<usize> = [100, 1000, total]
        .into_iter()
        .filter(|&c| c <= total)
        .collect();
    checkpoints.dedup();
    let (mut written, mut wall, mut names, mut extra) = (0, Duration::ZERO, Vec::new(), 0);
    let mut cpu = 0.0;
    for checkpoint in checkpoints {
        let started = Instant::now();
        let cpu_before = server_cpu_ms();
        let mut tasks = Vec::new();
        for c in 0..conns {
            // Connection c writes every conns-th name of this stretch.
            let mine: Vec<usize> = (written + c..checkpoint).step_by(conns).collect();
            let (http, base, token) = (http.clone(), base.clone(), token.to_string());
            tasks.push(tokio::spawn(async move {
                let mut acked = Vec::new();
                for n in mine {
                    let name = format!("load-{run}-{n}");
                    let req = http
                        .post(format!("{base}/commands"))
                        .bearer_auth(&token)
                        .json(&json!({ "name": name, "template": format!("Step {n}") }));
                    if send(req).await == 200 {
                        acked.push(name);
                    }
                }
                acked
            }));
        }
        for task in tasks {
            names.extend(task.await.expect("task"));
        }
        wall += started.elapsed();
        if let (Some(a), Some(b)) = (cpu_before, server_cpu_ms()) {
            cpu += b - a;
        }
        written = checkpoint;
        extra += probe(&http, &base, token, checkpoint, run).await;
    }
    let problems = verify(ws, &[], &names, before, names.len() + extra);
    for problem in &problems {
        println!("{problem}");
    }
    let cpu = if cpu > 0.0 && !names.is_empty() {
        format!(", server CPU {:.3} ms a write", cpu / names.len() as f64)
    } else {
        String::new()
    };
    println!(
        "{total} unique POST /commands from {conns} connections: {:.2} s of writes ({:.0} writes/s, {} acknowledged{cpu}); on disk: {}",
        wall.as_secs_f64(),
        names.len() as f64 / wall.as_secs_f64(),
        names.len(),
        if problems.is_empty() {
            "all verified"
        } else {
            "FAILED"
        }
    );
    problems.is_empty()
}

async fn misses(url: &str, token: &str, id: &str, n: usize) {
    let http = client();
    let base = format!("{url}/workspace/{id}");
    let mut add = true;
    for endpoint in [
        "config",
        "plugins",
        "skills",
        "mcp",
        "commands",
        "audit?limit=50",
        "export",
    ] {
        let (mut miss, mut hit) = (Vec::new(), Vec::new());
        for _ in 0..n {
            let status = plugin_write(&http, &base, token, "bench-miss", add).await;
            assert_eq!(status, 200, "the write before the read");
            add = !add;
            for times in [&mut miss, &mut hit] {
                let t = Instant::now();
                let status = send(http.get(format!("{base}/{endpoint}")).bearer_auth(token)).await;
                times.push(t.elapsed());
                assert_eq!(status, 200, "/{endpoint}");
            }
        }
        let (miss, _) = stats(&mut miss);
        let (hit, _) = stats(&mut hit);
        println!("  /{endpoint:<15} first read after a write {miss:.3} ms, then {hit:.3} ms");
    }
    if !add {
        plugin_write(&http, &base, token, "bench-miss", false).await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let a = |i: usize| args.get(i).cloned().unwrap_or_default();
    let num = |i: usize, default: usize| a(i).parse().unwrap_or(default);
    let ok = match a(0).as_str() {
        "raw" => {
            raw(Path::new(&a(1)), Path::new(&a(2)), num(3, 1000));
            true
        }
        "latency" => {
            let paired = (!a(6).is_empty() && !a(7).is_empty())
                .then(|| RawLoop::new(Path::new(&a(6)), Path::new(&a(7))));
            latency(&a(1), &a(2), &a(3), num(4, 1000), a(5).parse().ok(), paired).await;
            true
        }
        "plugins" => {
            let secs = num(5, 3) as u64;
            plugins(&a(1), &a(2), &a(3), Path::new(&a(4)), secs, num(6, 8)).await
        }
        "commands" => {
            commands(
                &a(1),
                &a(2),
                &a(3),
                Path::new(&a(4)),
                num(5, 2000),
                num(6, 8),
            )
            .await
        }
        "misses" => {
            misses(&a(1), &a(2), &a(3), num(4, 20)).await;
            true
        }
        _ => {
            eprintln!(
                "usage: write_load raw WS_PATH DIR N | latency URL TOKEN WS_ID N [RAW_MEDIAN_MS [WS_PATH DIR]] | plugins URL TOKEN WS_ID WS_PATH SECONDS CONNS | commands URL TOKEN WS_ID WS_PATH TOTAL CONNS | misses URL TOKEN WS_ID N"
            );
            std::process::exit(2);
        }
    };
    std::process::exit(if ok { 0 } else { 1 });
}
