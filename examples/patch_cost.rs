//! Measures `config::plan_patch` with many new top-level keys (cost must stay
//! linear: docs/api.md#hostile-input). Run: cargo run --release --example patch_cost -- 20000
use openwork::workspace::{Workspace, config};
use serde_json::{Map, Value};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let dir = std::env::temp_dir().join(format!("ow-patch-cost-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("opencode.jsonc"),
        "{\n  // hi\n  \"theme\": \"dark\"\n}\n",
    )
    .expect("write");
    let ws = Workspace::open(&dir).expect("workspace");
    let mut patch = Map::new();
    for i in 0..n {
        patch.insert(format!("key_{i:05}"), Value::String(format!("v{i}")));
    }
    let t = Instant::now();
    let plan = config::plan_patch(&ws, Some(&patch), None).expect("plan");
    println!(
        "{n} new keys: planned in {:?} ({} bytes)",
        t.elapsed(),
        plan.edits[0].after.as_ref().map_or(0, |a| a.len())
    );
    let _ = std::fs::remove_dir_all(&dir);
}
