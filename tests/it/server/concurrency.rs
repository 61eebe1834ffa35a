//! No lost updates: many clients of one `openwork serve` (and offline
//! `openwork` runs beside it) write at once; afterwards every acknowledged
//! write is on disk, nothing unacknowledged is, the config parses, the
//! audit log has exactly one entry per acknowledged write, and what nobody
//! touched (keys, comments) is byte-identical.

use crate::support::serve::{self, Server, send};
use crate::support::{audit, workspace};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The untouched part of the config comes first, the keys the test edits
/// (`mcp`, `plugin`) last, so the prefix and suffix can be compared
/// byte for byte.
const HEAD: &str = "{\n  // my settings: keep this comment\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"theme\": \"dark\", // keep\n  /* a block comment */\n  \"model\": \"anthropic/claude\",\n";
const TAIL: &str = "\n  // trailing comment\n}\n";

fn config(mcp: &str, plugins: &str) -> String {
    format!("{HEAD}  \"mcp\": {mcp},\n  \"plugin\": {plugins},{TAIL}")
}

fn read_config(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("opencode.jsonc")).expect("config")
}

/// The config parses as JSONC (with an independent parser) to an object.
fn parse(text: &str) -> Value {
    let v = jsonc_parser::parse_to_serde_value::<Value>(text, &Default::default())
        .expect("the config parses");
    assert!(v.is_object(), "{text}");
    v
}

fn plugin_set(v: &Value) -> BTreeSet<String> {
    v["plugin"]
        .as_array()
        .expect("plugin list")
        .iter()
        .map(|p| p.as_str().expect("string").to_string())
        .collect()
}

fn mcp_set(v: &Value) -> BTreeSet<String> {
    v["mcp"]
        .as_object()
        .expect("mcp object")
        .keys()
        .cloned()
        .collect()
}

/// `(action, target)` of every audit entry, sorted.
fn audit_pairs(dir: &Path) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = audit(dir)
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or("").to_string(),
                e["target"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

/// One reqwest client per remote device, each with its own connections.
fn device(s: &Server, n: usize) -> (reqwest::Client, String, String) {
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    (http, s.url.clone(), format!("device-{n}"))
}

async fn call(
    (http, url, id): &(reqwest::Client, String, String),
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Option<serve::Resp> {
    let mut req = http
        .request(method, format!("{url}{path}"))
        .header("Authorization", format!("Bearer {token}"))
        .header("X-OpenWork-Client-Id", id.as_str());
    if let Some(b) = body {
        req = req.json(&b);
    }
    // A transport error is an unacknowledged write, not a test failure.
    let resp = req.send().await.ok()?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.ok()?;
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Some(serve::Resp {
        status,
        headers,
        text,
        json,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_clients_add_two_hundred_plugins_and_none_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let original = config("{}", "[\"base\"]");
    std::fs::write(dir.path().join("opencode.jsonc"), &original).unwrap();
    let s = Arc::new(Server::auto(dir.path()));
    let path = format!("/workspace/{}/plugins", s.ws_id(0));

    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let failed = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut tasks = Vec::new();
    for c in 0..8 {
        let (s, path, acked, failed) = (s.clone(), path.clone(), acked.clone(), failed.clone());
        tasks.push(tokio::spawn(async move {
            let dev = device(&s, c);
            for i in 0..25 {
                let spec = format!("conc-{c}-{i}");
                let body = json!({ "spec": spec });
                match call(&dev, &s.client_token, Method::POST, &path, Some(body)).await {
                    Some(r) if r.status == 200 => acked.lock().unwrap().push(spec),
                    _ => failed.lock().unwrap().push(spec),
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let failed = failed.lock().unwrap().clone();
    assert_eq!(acked.len() + failed.len(), 200);
    // On a healthy machine every one of them is acknowledged.
    assert_eq!(acked.len(), 200, "failed: {failed:?}");

    let text = read_config(dir.path());
    let v = parse(&text);
    let on_disk = plugin_set(&v);
    for spec in &acked {
        assert!(
            on_disk.contains(spec),
            "{spec} was acknowledged but is lost"
        );
    }
    for spec in &failed {
        assert!(
            !on_disk.contains(spec),
            "{spec} was not acknowledged but is there"
        );
    }
    assert_eq!(on_disk.len(), 1 + acked.len(), "no duplicate, nothing else");

    // Exactly one audit entry per acknowledged write.
    let mut expected: Vec<(String, String)> = acked
        .iter()
        .map(|s| ("plugins.add".to_string(), s.clone()))
        .collect();
    expected.sort();
    assert_eq!(audit_pairs(dir.path()), expected);
    for e in audit(dir.path()) {
        assert_eq!(e["actor"]["type"], "remote");
        assert!(
            e["actor"]["clientId"]
                .as_str()
                .unwrap()
                .starts_with("device-")
        );
    }

    // Untouched keys and comments are byte-identical.
    assert!(
        text.starts_with(&format!("{HEAD}  \"mcp\": {{}},\n  \"plugin\": [")),
        "{text}"
    );
    assert!(text.ends_with(&format!("],{TAIL}")), "{text}");
}

/// What one client did, for the final comparison.
#[derive(Default)]
struct Ledger {
    plugins: BTreeSet<String>,
    mcp: BTreeSet<String>,
    /// `(action, target)` of every acknowledged write that changed a file.
    writes: Vec<(String, String)>,
    /// Writes that were not acknowledged: their names must not be on disk
    /// (unless a later acknowledged write put them there).
    unacked: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn add_and_remove_race_the_offline_cli_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let keep_mcp = "{\n    \"keep\": { \"type\": \"remote\", \"url\": \"https://mcp.example\" } // keep this server\n  }";
    let original = config(keep_mcp, "[\"base\"]");
    std::fs::write(dir.path().join("opencode.jsonc"), &original).unwrap();
    let s = Arc::new(Server::auto(dir.path()));
    let ws = format!("/workspace/{}", s.ws_id(0));

    // The offline CLI adds its own plugins and servers, one process each.
    let cli_env = serve::Env::new();
    let cli_dir = dir.path().to_path_buf();
    let cli = std::thread::spawn(move || {
        let mut ledger = Ledger::default();
        let w = cli_dir.to_str().unwrap().to_string();
        for i in 0..8 {
            let p = format!("cli-plugin-{i}");
            let (code, _, err) =
                serve::run_cli(&cli_env, &["-q", "-w", &w, "plugins", "add", &p], &[]);
            assert_eq!(code, Some(0), "{err}");
            ledger.plugins.insert(p.clone());
            ledger.writes.push(("plugins.add".into(), p));
            let m = format!("cli-mcp-{i}");
            let (code, _, err) = serve::run_cli(
                &cli_env,
                &["-q", "-w", &w, "mcp", "add", &m, "--", "node", "server.js"],
                &[],
            );
            assert_eq!(code, Some(0), "{err}");
            ledger.mcp.insert(m.clone());
            ledger.writes.push(("mcp.add".into(), m));
        }
        ledger
    });

    let mut tasks = Vec::new();
    for c in 0..4 {
        let (s, ws) = (s.clone(), ws.clone());
        tasks.push(tokio::spawn(async move {
            let dev = device(&s, c);
            let token = s.client_token.clone();
            let mut ledger = Ledger::default();
            for i in 0..12 {
                let p = format!("srv-{c}-{i}");
                let m = format!("srv-mcp-{c}-{i}");
                let steps: Vec<(Method, String, Option<Value>, &str, String)> = vec![
                    (
                        Method::POST,
                        format!("{ws}/plugins"),
                        Some(json!({ "spec": p })),
                        "plugins.add",
                        p.clone(),
                    ),
                    (
                        Method::POST,
                        format!("{ws}/mcp"),
                        Some(
                            json!({ "name": m, "config": {"type": "local", "command": ["x", &m]} }),
                        ),
                        "mcp.add",
                        m.clone(),
                    ),
                ];
                for (method, path, body, action, name) in steps {
                    match call(&dev, &token, method, &path, body).await {
                        Some(r) if r.status == 200 => {
                            if action == "plugins.add" {
                                ledger.plugins.insert(name.clone());
                            } else {
                                ledger.mcp.insert(name.clone());
                            }
                            ledger.writes.push((action.to_string(), name));
                        }
                        _ => ledger.unacked.push(name),
                    }
                }
                // Every other round removes what the previous round added.
                if i % 2 == 1 {
                    let prev_p = format!("srv-{c}-{}", i - 1);
                    let prev_m = format!("srv-mcp-{c}-{}", i - 1);
                    let removals = [
                        (format!("{ws}/plugins/{prev_p}"), "plugins.remove", prev_p),
                        (format!("{ws}/mcp/{prev_m}"), "mcp.remove", prev_m),
                    ];
                    for (path, action, name) in removals {
                        match call(&dev, &token, Method::DELETE, &path, None).await {
                            Some(r) if r.status == 200 => {
                                let had = if action == "plugins.remove" {
                                    ledger.plugins.remove(&name)
                                } else {
                                    ledger.mcp.remove(&name)
                                };
                                // Removing what is not there changes nothing
                                // and logs nothing.
                                if had {
                                    ledger.writes.push((action.to_string(), name));
                                }
                            }
                            _ => ledger.unacked.push(name),
                        }
                    }
                }
            }
            ledger
        }));
    }
    let mut all = vec![cli.join().unwrap()];
    for t in tasks {
        all.push(t.await.unwrap());
    }

    let text = read_config(dir.path());
    let v = parse(&text);
    let mut want_plugins: BTreeSet<String> = ["base".to_string()].into();
    let mut want_mcp: BTreeSet<String> = ["keep".to_string()].into();
    let mut want_audit = Vec::new();
    let mut unacked = Vec::new();
    for l in &all {
        want_plugins.extend(l.plugins.iter().cloned());
        want_mcp.extend(l.mcp.iter().cloned());
        want_audit.extend(l.writes.iter().cloned());
        unacked.extend(l.unacked.iter().cloned());
    }
    assert!(
        unacked.is_empty(),
        "on a healthy machine all are acknowledged: {unacked:?}"
    );
    assert_eq!(plugin_set(&v), want_plugins);
    assert_eq!(mcp_set(&v), want_mcp);
    want_audit.sort();
    assert_eq!(audit_pairs(dir.path()), want_audit);
    // Server writes are the devices', CLI writes the CLI's.
    for e in audit(dir.path()) {
        let target = e["target"].as_str().unwrap();
        let who = e["actor"]["clientId"].as_str().unwrap();
        if target.starts_with("cli-") {
            assert_eq!((e["actor"]["type"].as_str(), who), (Some("host"), "cli"));
        } else {
            assert_eq!(e["actor"]["type"], "remote");
            assert!(who.starts_with("device-"), "{e}");
        }
    }

    // Untouched keys and comments are byte-identical.
    assert!(
        text.starts_with(&format!("{HEAD}  \"mcp\": {{\n")),
        "{text}"
    );
    // The untouched server keeps its bytes and its comment (a comma may
    // now separate them, as entries follow it).
    let keep = "\"keep\": { \"type\": \"remote\", \"url\": \"https://mcp.example\" }";
    assert!(
        text.contains(&format!("{keep} // keep this server\n"))
            || text.contains(&format!("{keep}, // keep this server\n")),
        "{text}"
    );
    assert!(text.ends_with(&format!("],{TAIL}")), "{text}");
    // Every reply was JSON and the server is still healthy.
    let h = send(s.request(Method::GET, "/health")).await;
    assert_eq!(h.status, 200);
}

/// Reads never see half of a write: while imports swap one set of three
/// skills for another (six files each, written one after the other),
/// every listing holds one whole set.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_never_see_half_of_a_write() {
    let dir = workspace();
    let s = Arc::new(Server::auto(dir.path()));
    let id = s.ws_id(0);
    let set = |p: &str| -> Vec<String> { (1..=3).map(|i| format!("{p}{i}")).collect() };
    let import = |names: &[String]| {
        json!({
            "mode": {"skills": "replace"},
            "skills": names.iter().map(|n| json!({
                "name": n, "description": format!("Skill {n}"), "content": format!("# {n}")
            })).collect::<Vec<_>>(),
        })
    };
    let first = s
        .post(&format!("/workspace/{id}/import"), &import(&set("a")))
        .await;
    assert_eq!(first.status, 200, "{first:?}");
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (s, id, done) = (s.clone(), id.clone(), done.clone());
        tokio::spawn(async move {
            let mut reads = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) && reads < 20_000 {
                let r = s.get(&format!("/workspace/{id}/skills")).await;
                let mut names: Vec<String> = r.json["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .map(|i| i["name"].as_str().unwrap_or_default().to_string())
                    .collect();
                names.sort();
                assert!(
                    names == ["a1", "a2", "a3"] || names == ["b1", "b2", "b3"],
                    "read {reads} saw half a write: {names:?}"
                );
                reads += 1;
            }
            reads
        })
    };
    for round in 0..40 {
        let names = set(if round % 2 == 0 { "b" } else { "a" });
        let r = s
            .post(&format!("/workspace/{id}/import"), &import(&names))
            .await;
        assert_eq!(r.status, 200, "{r:?}");
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let reads = reader.await.expect("reader");
    assert!(reads > 40, "the reader ran alongside ({reads} reads)");
}
