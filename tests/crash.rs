//! `openwork plugins add` killed with SIGKILL at random moments: the config
//! always parses, every write acknowledged before the kill is on disk, and
//! no temporary file survives the next write.

mod fixture;

use fixture::Ws;
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
    let bin = assert_cmd::cargo::cargo_bin("openwork");
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
        let mut child = std::process::Command::new(&bin)
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
