//! Writers killed with SIGKILL at random moments — `openwork plugins add`
//! processes, and `openwork serve` under a load of writes: the config
//! always parses, every write acknowledged before the kill is on disk, and
//! no temporary file survives the next write (or the server's restart).

use crate::support::cli::Ws;
use crate::support::rng::Rng;
use crate::support::serve::{Env, Server};
use crate::support::{bin, files, snapshot, workspace, write};
use reqwest::Method;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A cheap pseudo-random jitter (no RNG dependency needed for this).
fn jitter(i: u64, max_us: u64) -> Duration {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    Duration::from_micros((nanos ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15)) % max_us)
}

#[test]
fn killed_writers_never_corrupt_or_lose_acknowledged_writes() {
    let ws = Ws::new();
    ws.write(
        "opencode.jsonc",
        "{\n  // keep this comment\n  \"plugin\": [\"base\"],\n}\n",
    );
    // Calibrate: kills land anywhere from start-up to just past the end.
    let t = Instant::now();
    ws.run(&[
        "plugins", "add", "warm-1", "warm-2", "warm-3", "warm-4", "warm-5",
    ])
    .ok();
    let window = (t.elapsed().as_micros() as u64).max(1000) * 3 / 2;
    let mut acknowledged: Vec<String> = (1..=5).map(|i| format!("warm-{i}")).collect();
    let mut kills = 0;
    for i in 0..20u64 {
        let specs: Vec<String> = (0..5).map(|j| format!("p{i}-{j}")).collect();
        let mut child = std::process::Command::new(bin())
            .env("HOME", ws.home.path())
            .arg("-q")
            .arg("-w")
            .arg(ws.path())
            .args(["plugins", "add"])
            .args(&specs)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(jitter(i, window));
        let started = Instant::now();
        match child.try_wait().expect("wait") {
            Some(status) => {
                assert!(status.success());
                acknowledged.extend(specs);
            }
            None => {
                child.kill().expect("kill");
                let _ = child.wait();
                kills += 1;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(10));
        // After every kill: the config parses and keeps its comment, and
        // everything acknowledged so far is there.
        let out = ws.run(&["--json", "plugins", "list"]).ok();
        let specs: Vec<String> = out.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["spec"].as_str().unwrap().to_string())
            .collect();
        for s in &acknowledged {
            assert!(specs.contains(s), "{s} was acknowledged but is gone");
        }
        assert!(ws.read("opencode.jsonc").contains("// keep this comment"));
    }
    eprintln!("{kills} of 20 writers were killed mid-run (window {window} µs)");
    assert!(kills > 0, "no writer was killed: the test proved nothing");
    // The next write cleans any temporary a kill mid-commit left behind.
    ws.run(&["plugins", "add", "final"]).ok();
    let leftovers: Vec<String> = std::fs::read_dir(ws.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".opencode.jsonc."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The audit log reads back (a torn last line is skipped, not fatal).
    let v = ws.run(&["--json", "audit", "--limit", "500"]).ok().json();
    assert!(v["items"].as_array().unwrap().len() >= acknowledged.len());
}

/// Every leftover atomic-write temporary (`.<name>.XXXXXX`) in the tree.
fn temporaries(root: &Path) -> Vec<PathBuf> {
    let is_temp = |name: &str| {
        name.strip_prefix('.')
            .and_then(|n| n.rsplit_once('.'))
            .is_some_and(|(base, suffix)| {
                !base.is_empty()
                    && suffix.len() == 6
                    && suffix.bytes().all(|b| b.is_ascii_alphanumeric())
            })
    };
    snapshot(root)
        .into_keys()
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_temp))
        .collect()
}

/// What an acknowledged write left on disk.
#[derive(Debug, Clone)]
enum Acked {
    Plugin(String),
    Skill(String),
    Command(String),
    Openwork(String),
}

impl Acked {
    fn target(&self) -> &str {
        match self {
            Acked::Plugin(n) | Acked::Skill(n) | Acked::Command(n) => n,
            Acked::Openwork(_) => "config",
        }
    }
}

/// One writer of the load: `kind` picks the file it writes; it stops at the
/// first transport error (the server died) or after `max` writes.
async fn writer(s: Arc<Server>, round: usize, kind: usize, acked: Arc<Mutex<Vec<Acked>>>) -> bool {
    let ws = format!("/workspace/{}", s.ws_id(0));
    for i in 0..10_000 {
        let name = format!("r{round}-k{kind}-{i}");
        let (method, path, body, ack) = match kind {
            0 | 1 => (
                Method::POST,
                format!("{ws}/plugins"),
                json!({ "spec": name }),
                Acked::Plugin(name.clone()),
            ),
            2 => (
                Method::POST,
                format!("{ws}/skills"),
                json!({ "name": name, "content": "# Body\n", "description": "crash test" }),
                Acked::Skill(name.clone()),
            ),
            3 => (
                Method::POST,
                format!("{ws}/commands"),
                json!({ "name": name, "template": "Do it" }),
                Acked::Command(name.clone()),
            ),
            _ => (
                Method::PATCH,
                format!("{ws}/config"),
                json!({ "openwork": { name.clone(): i } }),
                Acked::Openwork(name.clone()),
            ),
        };
        let sent = s.client(method, &path).json(&body).send().await;
        match sent {
            Ok(resp) if resp.status() == 200 => {
                // The answer is complete: only then is the write acknowledged.
                if resp.bytes().await.is_ok() {
                    acked.lock().unwrap().push(ack);
                } else {
                    return true;
                }
            }
            Ok(resp) => panic!("unexpected answer {}", resp.status()),
            // Killed while this request was in flight.
            Err(_) => return true,
        }
    }
    false
}

/// Everything acknowledged is on disk, the config parses and keeps its
/// comments, openwork.json parses, and the audit log has an entry for each.
fn check_acknowledged(root: &Path, acked: &[Acked]) {
    let text = std::fs::read_to_string(root.join("opencode.jsonc")).expect("config");
    let config: serde_json::Value = jsonc_parser::parse_to_serde_value(&text, &Default::default())
        .unwrap_or_else(|e| panic!("the config does not parse ({e}): {text}"));
    assert!(
        text.contains("// my settings") && text.contains("// keep"),
        "{text}"
    );
    let plugins: Vec<&str> = config["plugin"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p.as_str()).collect())
        .unwrap_or_default();
    let openwork: serde_json::Value = match std::fs::read(root.join(".opencode/openwork.json")) {
        Ok(bytes) => serde_json::from_slice(&bytes).expect("openwork.json parses"),
        Err(_) => json!({}),
    };
    let audit_targets: std::collections::HashSet<String> =
        std::fs::read_to_string(root.join(".opencode/openwork/audit.jsonl"))
            .unwrap_or_default()
            .lines()
            // A line torn by a kill is skipped, as `openwork audit` does.
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|e| e["target"].as_str().map(str::to_string))
            .collect();
    for a in acked {
        match a {
            Acked::Plugin(n) => assert!(plugins.contains(&n.as_str()), "plugin {n} is lost"),
            Acked::Skill(n) => {
                let skill =
                    std::fs::read_to_string(root.join(format!(".opencode/skills/{n}/SKILL.md")))
                        .unwrap_or_else(|e| panic!("skill {n} is lost: {e}"));
                assert!(skill.starts_with(&format!("---\nname: {n}\n")), "{skill}");
            }
            Acked::Command(n) => {
                let cmd = std::fs::read_to_string(root.join(format!(".opencode/commands/{n}.md")))
                    .unwrap_or_else(|e| panic!("command {n} is lost: {e}"));
                assert!(cmd.ends_with("\nDo it\n"), "{cmd}");
            }
            Acked::Openwork(n) => assert!(openwork.get(n).is_some(), "openwork key {n} is lost"),
        }
        assert!(
            audit_targets.contains(a.target()),
            "no audit entry for {a:?}"
        );
    }
}

/// `openwork serve` killed with SIGKILL at random moments under a load of
/// writes to every kind of file, 20 times, restarted each time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_server_never_corrupts_or_loses_acknowledged_writes() {
    let dir = workspace();
    let root = dir.path();
    let mut rng = Rng::from_env_or_clock("OPENWORK_CRASH_SEED");
    let acked = Arc::new(Mutex::new(Vec::<Acked>::new()));
    let mut in_flight_kills = 0;
    let mut left_by_kills = 0;
    for round in 0..20 {
        // What a writer killed between writing its temporary and renaming
        // it leaves (a kill rarely lands exactly there, so plant some too).
        write(&root.join(".opencode.jsonc.Ab3dE9"), "{ half");
        write(&root.join(".opencode/.openwork.json.Qw12Er"), "{");
        if round > 0 {
            write(&root.join(".opencode/commands/.r0-k3-0.md.Zz9Yy8"), "--");
        }
        let s = Arc::new(Server::auto(root));
        let left = temporaries(root);
        assert!(left.is_empty(), "round {round}: boot left {left:?}");
        // A restarted server serves what was acknowledged before the kill.
        let listed = s.get(&format!("/workspace/{}/plugins", s.ws_id(0))).await;
        assert_eq!(listed.status, 200, "{listed:?}");

        let tasks: Vec<_> = (0..5)
            .map(|kind| tokio::spawn(writer(s.clone(), round, kind, acked.clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(20 + rng.below(180) as u64)).await;
        let pid = s.pid();
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let mut interrupted = false;
        for t in tasks {
            interrupted |= t.await.expect("writer");
        }
        if interrupted {
            in_flight_kills += 1;
        }
        drop(s);
        check_acknowledged(root, &acked.lock().unwrap());
        // Temporaries a kill left mid-commit: the next boot removes them.
        left_by_kills += temporaries(root).len();
    }
    // A last restart cleans whatever the last kill left.
    let s = Server::auto(root);
    assert!(temporaries(root).is_empty());
    let n = acked.lock().unwrap().len();
    eprintln!(
        "{n} writes acknowledged; {in_flight_kills} of 20 kills interrupted writes in flight; \
         {left_by_kills} temporaries left by kills"
    );
    assert!(n > 20, "the load wrote too little to prove anything");
    assert!(in_flight_kills > 0, "no kill landed during a write");
    let r = s
        .get(&format!("/workspace/{}/audit?limit=5", s.ws_id(0)))
        .await;
    assert_eq!(r.status, 200);
}

/// A temporary that a writer killed while the server runs left (an
/// `openwork commands add` process, say) goes with the next write of its
/// file, also when the server's watcher vouches for the folder's listing
/// and the write asks that listing rather than reading the folder; a write
/// of another file of the folder leaves it be.
#[tokio::test(flavor = "multi_thread")]
async fn a_temporary_left_while_the_server_runs_goes_with_the_next_write_of_its_file() {
    let dir = workspace();
    let root = dir.path();
    let commands = root.join(".opencode/commands");
    for i in 0..20 {
        write(&commands.join(format!("c{i:02}.md")), "Step\n");
    }
    let s = Server::auto(root);
    let url = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    for _ in 0..3 {
        assert_eq!(s.get(&url("/commands")).await.status, 200);
    }
    let temp = commands.join(".c05.md.Zz9Yy8");
    write(&temp, "--");
    let other = json!({"name": "c06", "template": "Other"});
    assert_eq!(s.post(&url("/commands"), &other).await.status, 200);
    assert!(
        temp.exists(),
        "a write of another file removed the temporary"
    );
    assert_eq!(s.get(&url("/commands")).await.status, 200);
    let mine = json!({"name": "c05", "template": "Mine"});
    assert_eq!(s.post(&url("/commands"), &mine).await.status, 200);
    assert!(!temp.exists(), "the write of c05 left its temporary");
    assert!(temporaries(root).is_empty(), "{:?}", temporaries(root));
}

/// The files an import writes, without the audit log and the lock.
fn content(root: &Path) -> std::collections::BTreeMap<PathBuf, String> {
    files(root)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".opencode/openwork"))
        .map(|(p, bytes)| (p, String::from_utf8_lossy(&bytes).into_owned()))
        .collect()
}

/// A write of several files (an import) killed between two of them — by
/// a crash point of test builds (the `fault-injection` feature, which
/// `cargo test` turns on), at each place in turn — is finished,
/// whole and logged once, by the next write from any process or by a
/// server starting. Reads in between change nothing.
#[test]
fn a_multi_file_write_killed_midway_is_finished_by_the_next_lock() {
    let initial = "{\n  // keep this comment\n  \"plugin\": [\"base\"]\n}\n";
    let doc = json!({
        "opencode": {"plugin": ["base", "imported"]},
        "openwork": {"authorizedRoots": []},
        "skills": [
            {"name": "alpha", "description": "First skill", "content": "# Alpha"},
            {"name": "beta", "description": "Second skill", "content": "# Beta"},
        ],
        "commands": [
            {"name": "review", "template": "Review the change"},
            {"name": "ship", "description": "Ship it", "template": "Ship"},
        ],
    });
    let twin = Ws::new();
    twin.write("opencode.jsonc", initial);
    let doc_file = twin.home.path().join("doc.json");
    std::fs::write(&doc_file, doc.to_string()).expect("write doc");
    twin.run(&["import", doc_file.to_str().expect("utf-8")])
        .ok();
    let whole = content(twin.path());
    let files = whole.len() - 1; // the config existed before
    assert!(files >= 5, "{whole:?}");

    for crash_after in 1..files {
        for finisher in ["cli", "serve"] {
            let ws = Ws::new();
            ws.write("opencode.jsonc", initial);
            let status = ws
                .cmd()
                .env("OPENWORK_TEST_CRASH_AFTER_FILES", crash_after.to_string())
                .args(["-q", "import"])
                .arg(&doc_file)
                .output()
                .expect("run");
            assert!(
                !status.status.success(),
                "the crash point did not fire: is the binary built with the fault-injection feature?"
            );
            let partial = content(ws.path());
            assert_ne!(partial, whole, "after {crash_after} files: not all written");
            assert!(ws.file(".opencode/openwork/journal.json").exists());
            assert!(ws.audit().is_empty(), "nothing logged yet");
            ws.run(&["--json", "skills", "list"]).ok();
            assert_eq!(content(ws.path()), partial, "a read repairs nothing");

            let expected_actions: Vec<&str> = match finisher {
                "cli" => {
                    ws.run(&["-q", "plugins", "add", "extra"]).ok();
                    vec!["config.import", "plugins.add"]
                }
                _ => {
                    // The same user: the same key seals and opens the journal.
                    let state = ws.state_dir();
                    let s = Server::start_with(
                        Env::new(),
                        &[ws.path()],
                        &["--approval", "auto"],
                        &[("OPENWORK_STATE_DIR", state.to_str().expect("utf-8"))],
                    );
                    drop(s);
                    vec!["config.import"]
                }
            };
            let mut want = whole.clone();
            if finisher == "cli" {
                twin.run(&["-q", "plugins", "add", "extra"]).ok();
                want = content(twin.path());
                twin.run(&["-q", "plugins", "remove", "extra"]).ok();
            }
            assert_eq!(
                content(ws.path()),
                want,
                "crash after {crash_after} files, finished by {finisher}"
            );
            assert!(!ws.file(".opencode/openwork/journal.json").exists());
            let actions: Vec<String> = ws
                .audit()
                .iter()
                .map(|e| e["action"].as_str().unwrap_or_default().to_string())
                .collect();
            assert_eq!(actions, expected_actions, "logged once, in order");
        }
    }
}
