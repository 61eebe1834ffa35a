//! What an edit of one property of `opencode.jsonc` costs, whole-document
//! CST (`jsonc::edit`) against the scoped edit (`jsonc::edit_property`),
//! on the medium workspace's config and on a 500 KB config with 2,000 MCP
//! servers: a plugin add, an MCP server replaced, an MCP server removed;
//! and `plugins::plan_add` on that large config, resolution included.

use bench_workspace::{Size, generate, opencode_config};
use criterion::{Criterion, criterion_group, criterion_main};
use jsonc_parser::cst::{CstInputValue, CstObject};
use openwork::workspace::{Workspace, jsonc, plugins};
use std::hint::black_box;

/// About 500 KB and 23,000 lines: 2,000 MCP servers of eleven lines each,
/// every one with a comment, after the medium config's plugins.
fn large_config() -> String {
    let mut s = String::from(
        "{\n  // Generated benchmark config.\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"theme\": \"dark\", /* kept */\n  \"plugin\": [\n",
    );
    for i in 0..20 {
        s.push_str(&format!(
            "    \"opencode-plugin-{i}@1.{i}.0\", // plugin {i}\n"
        ));
    }
    s.push_str("  ],\n  \"mcp\": {\n");
    for i in 0..2000 {
        s.push_str(&format!(
            "    // server {i}\n    \"server-{i}\": {{\n      \"type\": \"local\",\n      \"command\": [\n        \"npx\",\n        \"-y\",\n        \"@example/mcp-server-{i}@latest\"\n      ],\n      \"environment\": {{ \"MCP_SERVER_TOKEN\": \"{{env:MCP_TOKEN_{i}}}\" }},\n      \"enabled\": true\n    }},\n"
        ));
    }
    s.push_str("  },\n  \"tools\": { \"deny\": [\"mcp.server-0\"] },\n}\n");
    s
}

fn plugin_add(obj: &CstObject) -> openwork::Result<()> {
    if let Some(array) = obj.get("plugin").and_then(|p| p.array_value()) {
        array.append(CstInputValue::String("new-plugin@1.0.0".into()));
    }
    Ok(())
}

fn mcp_replace(name: &str) -> impl Fn(&CstObject) -> openwork::Result<()> + '_ {
    move |obj| {
        let config = CstInputValue::Object(vec![
            ("type".into(), CstInputValue::String("remote".into())),
            (
                "url".into(),
                CstInputValue::String("https://mcp.example.com/mcp".into()),
            ),
        ]);
        if let Some(prop) = obj
            .get("mcp")
            .and_then(|p| p.object_value())
            .and_then(|m| m.get(name))
        {
            prop.set_value(config);
        }
        Ok(())
    }
}

fn mcp_remove(name: &str) -> impl Fn(&CstObject) -> openwork::Result<()> + '_ {
    move |obj| {
        if let Some(prop) = obj
            .get("mcp")
            .and_then(|p| p.object_value())
            .and_then(|m| m.get(name))
        {
            prop.remove();
        }
        Ok(())
    }
}

fn benches(c: &mut Criterion) {
    let medium = opencode_config(&Size::MEDIUM);
    let large = large_config();
    println!(
        "medium config: {} bytes, {} lines; large: {} bytes, {} lines",
        medium.len(),
        medium.lines().count(),
        large.len(),
        large.lines().count()
    );
    for (label, text, server) in [
        ("medium", &medium, "remote-5"),
        ("500 KB", &large, "server-1000"),
    ] {
        // The scoped edit gives the bytes of the whole one (its tests prove it).
        let scoped = jsonc::edit_property(text, "f", &["plugin"], plugin_add).expect("edit");
        assert_eq!(
            scoped.text,
            jsonc::edit(text, "f", plugin_add).expect("edit")
        );
        let replace = mcp_replace(server);
        let remove = mcp_remove(server);
        c.bench_function(&format!("plugin add, {label}: whole document"), |b| {
            b.iter(|| black_box(jsonc::edit(text, "f", plugin_add).expect("edit")))
        });
        c.bench_function(&format!("plugin add, {label}: scoped"), |b| {
            b.iter(|| {
                black_box(jsonc::edit_property(text, "f", &["plugin"], plugin_add).expect("edit"))
            })
        });
        c.bench_function(&format!("mcp replace, {label}: whole document"), |b| {
            b.iter(|| black_box(jsonc::edit(text, "f", &replace).expect("edit")))
        });
        c.bench_function(&format!("mcp replace, {label}: scoped"), |b| {
            b.iter(|| {
                black_box(
                    jsonc::edit_property(text, "f", &["mcp", server], &replace).expect("edit"),
                )
            })
        });
        c.bench_function(&format!("mcp remove, {label}: whole document"), |b| {
            b.iter(|| black_box(jsonc::edit(text, "f", &remove).expect("edit")))
        });
        c.bench_function(&format!("mcp remove, {label}: scoped"), |b| {
            b.iter(|| {
                black_box(jsonc::edit_property(text, "f", &["mcp", server], &remove).expect("edit"))
            })
        });
    }

    // The whole plan of a plugin add on the large config: resolution
    // (reading every config of the project) plus the edit.
    let dir = tempfile::tempdir().expect("tempdir");
    generate(
        dir.path(),
        &Size {
            skills: 0,
            commands: 0,
            audit_lines: 0,
            ..Size::MEDIUM
        },
    )
    .expect("generate");
    std::fs::write(dir.path().join("opencode.jsonc"), &large).expect("write");
    let ws = Workspace::open(dir.path()).expect("open").with_global(None);
    c.bench_function("plugins::plan_add, 500 KB config", |b| {
        b.iter(|| {
            black_box(
                plugins::plan_add(&ws, "new-plugin@1.0.0", plugins::OnListed::Keep).expect("plan"),
            )
        })
    });
}

criterion_group! {
    name = jsonc_edit;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2));
    targets = benches
}
criterion_main!(jsonc_edit);
