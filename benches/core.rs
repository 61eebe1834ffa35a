//! Core operations without a server, so regressions show up in
//! `cargo bench`: listing skills, planning a plugin add on a large
//! commented config, tailing the audit log, a 20,000-key config edit,
//! and a repeated read answered by the memo.

use bench_workspace::{Size, generate};
use criterion::{Criterion, criterion_group, criterion_main};
use openwork::workspace::memo::Memo;
use openwork::workspace::{Workspace, audit, jsonc, plugins, skills};
use serde_json::{Map, Value};
use std::hint::black_box;
use std::sync::Arc;

fn workspace(size: &Size) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), size).expect("generate");
    let ws = Workspace::open(dir.path()).expect("open").with_global(None);
    (dir, ws)
}

fn benches(c: &mut Criterion) {
    let (_m, medium) = workspace(&Size::MEDIUM);
    c.bench_function("skills::list (30 skills)", |b| {
        b.iter(|| black_box(skills::list(&medium, false).expect("list")))
    });
    c.bench_function("audit::tail 50 of 10,000 lines", |b| {
        b.iter(|| black_box(audit::tail(&medium.audit_log(), 50).expect("tail")))
    });
    c.bench_function("audit::tail_json 50 of 10,000 lines (the server's)", |b| {
        b.iter(|| black_box(audit::tail_json(&medium.audit_log(), 50).expect("tail")))
    });

    // A config of about 500 lines: 80 plugins and 70 MCP servers, all commented.
    let big = Size {
        plugins: 80,
        mcp: 70,
        skills: 0,
        commands: 0,
        plugin_files: 0,
        audit_lines: 0,
        full_items: false,
    };
    let (_b, big_ws) = workspace(&big);
    c.bench_function("plugins::plan_add on a 500-line commented config", |b| {
        b.iter(|| {
            black_box(
                plugins::plan_add(&big_ws, "new-plugin@1.0.0", plugins::OnListed::Keep)
                    .expect("plan"),
            )
        })
    });

    let mut patch = Map::new();
    for i in 0..20_000 {
        patch.insert(format!("key_{i:05}"), Value::String(format!("v{i}")));
    }
    // The edit a config patch makes (a patch itself takes only OpenCode's
    // own keys, about forty).
    let text = std::fs::read_to_string(medium.opencode_config()).unwrap_or_default();
    let entries: Vec<(&str, &Value)> = patch.iter().map(|(k, v)| (k.as_str(), v)).collect();
    c.bench_function("jsonc::set_top_level 20,000 new keys", |b| {
        b.iter(|| black_box(jsonc::set_top_level(&text, "opencode.jsonc", &entries).expect("edit")))
    });

    let (_l, large) = workspace(&Size {
        skills: 200,
        commands: 200,
        ..Size::LARGE
    });
    c.bench_function("audit::tail 50 of 1,000,000 lines", |b| {
        b.iter(|| black_box(audit::tail(&large.audit_log(), 50).expect("tail")))
    });
    c.bench_function(
        "audit::tail_json 50 of 1,000,000 lines (the server's)",
        |b| b.iter(|| black_box(audit::tail_json(&large.audit_log(), 50).expect("tail"))),
    );
    c.bench_function("skills::list (200 skills)", |b| {
        b.iter(|| black_box(skills::list(&large, false).expect("list")))
    });

    // What the server pays for a repeated read: the memo, checked with one
    // read of the inotify queue, whatever the listing's size.
    for (label, ws) in [("30", &medium), ("200", &large)] {
        let memo = Memo::new().expect("inotify");
        let list = || skills::list(ws, false).map(Arc::new);
        memo.get("skills", list).expect("list");
        c.bench_function(&format!("memo hit: skills::list ({label} skills)"), |b| {
            b.iter(|| black_box(memo.get("skills", list).expect("list")))
        });
    }
}

criterion_group! {
    name = core;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = benches
}
criterion_main!(core);
