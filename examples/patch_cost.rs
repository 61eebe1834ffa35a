//! Measures the JSONC edit that a config patch makes, with many new
//! top-level keys (cost must stay linear: docs/api.md#hostile-input; a
//! patch through `config::plan_patch` takes only OpenCode's own keys, so
//! the edit is timed on its own). Run: cargo run --release --example patch_cost -- 20000
use openwork::workspace::jsonc;
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
    let text = std::fs::read_to_string(dir.join("opencode.jsonc")).expect("read");
    let mut patch = Map::new();
    for i in 0..n {
        patch.insert(format!("key_{i:05}"), Value::String(format!("v{i}")));
    }
    let entries: Vec<(&str, &Value)> = patch.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let t = Instant::now();
    let edited = jsonc::set_top_level(&text, "opencode.jsonc", &entries).expect("edit");
    println!(
        "{n} new keys: edited in {:?} ({} bytes)",
        t.elapsed(),
        edited.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
