//! What must hold for any request body or path segment, whatever its bytes:
//! shared by the property tests (`tests/it/fuzz_payloads.rs`) and the cargo-fuzz
//! target (`fuzz/fuzz_targets/payloads.rs`).
//!
//! Each input goes through the server's own parsing (`server::payloads`)
//! and, when that accepts it, through the core's planning against a real
//! workspace. Then:
//! - nothing panics, and a refusal is a 4xx code, never an internal error;
//! - an accepted write plans edits only inside `.opencode/` or to the
//!   OpenCode config file, each path made of plain components;
//! - every byte it would write is UTF-8, the config still parses and keeps
//!   its comments, and names obey their rules and length limits.

use openwork::server::{errors, payloads};
use openwork::workspace::{Plan, Workspace, commands, config, mcp, plugins, skills, transfer};
use openwork::{Error, Result};
use std::path::{Component, Path};

/// The endpoint a body or segment is sent to.
#[derive(Debug, Clone, Copy)]
pub enum Endpoint {
    PatchConfig,
    AddPlugin,
    RemovePlugin,
    UpsertSkill,
    DeleteSkill,
    AddMcp,
    RemoveMcp,
    UpsertCommand,
    DeleteCommand,
    Import,
    Reply,
}

pub const ALL: [Endpoint; 11] = [
    Endpoint::PatchConfig,
    Endpoint::AddPlugin,
    Endpoint::RemovePlugin,
    Endpoint::UpsertSkill,
    Endpoint::DeleteSkill,
    Endpoint::AddMcp,
    Endpoint::RemoveMcp,
    Endpoint::UpsertCommand,
    Endpoint::DeleteCommand,
    Endpoint::Import,
    Endpoint::Reply,
];

pub const CONFIG: &str = "{\n  // head comment\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"plugin\": [\"existing\", \"@scope/pkg@1.0.0\"], // after plugins\n  \"mcp\": {\n    /* inside mcp */\n    \"keep\": {\"type\": \"remote\", \"url\": \"https://k\"}\n  },\n  // tail comment\n}\n";

/// A workspace with a commented config, a skill and a command.
pub fn seed(root: &Path) -> Workspace {
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write("opencode.jsonc", CONFIG);
    write(".opencode/openwork.json", "{\"a\": 1}");
    write(
        ".opencode/skills/existing/SKILL.md",
        "---\nname: existing\ndescription: Here\n---\nBody\n",
    );
    write(
        ".opencode/commands/existing.md",
        "---\nname: existing\n---\n\nDo it\n",
    );
    Workspace::open(root).expect("workspace").with_global(None)
}

/// A refusal must be the client's fault (4xx), never a 500.
fn refused(what: &str, e: &Error) {
    let status = errors::status(e.code);
    assert!(
        status.is_client_error(),
        "{what}: internal error {:?} {} for bad input",
        e.code,
        e.local_message()
    );
}

fn plain_components(rel: &Path) -> bool {
    rel.components().all(|c| match c {
        Component::Normal(part) => part
            .to_str()
            .is_some_and(|s| !s.is_empty() && !s.contains(['\0', '\\'])),
        _ => false,
    })
}

fn skill_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn simple_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// What every accepted plan must satisfy.
fn check_plan(ws: &Workspace, plan: &Plan, what: &str) {
    let root = ws.root();
    let dot = ws.dot_opencode();
    for edit in &plan.edits {
        let p = &edit.path;
        let is_config = p == &root.join("opencode.jsonc") || p == &root.join("opencode.json");
        assert!(
            is_config || p.starts_with(&dot),
            "{what}: edit outside .opencode and the config: {}",
            p.display()
        );
        let rel = p.strip_prefix(root).expect("inside the root");
        assert!(plain_components(rel), "{what}: odd path {}", p.display());
        if let Some(after) = &edit.after {
            let text = std::str::from_utf8(after)
                .unwrap_or_else(|_| panic!("{what}: would write non-UTF-8 to {}", p.display()));
            if is_config {
                let parsed = openwork::workspace::jsonc::parse_object(text, "opencode.jsonc");
                assert!(
                    parsed.is_ok(),
                    "{what}: the config would not parse:\n{text}"
                );
            }
            if p.extension().is_some_and(|e| e == "md") {
                assert!(
                    openwork::workspace::frontmatter::parse(text).is_ok(),
                    "{what}: a file we write does not read back:\n{text}"
                );
            }
        }
    }
}

/// The config's comments survive any edit that keeps the file (an import
/// `replace` rewrites it whole, by design).
fn comments_kept(ws: &Workspace, plan: &Plan, what: &str) {
    for edit in &plan.edits {
        if edit.path == ws.root().join("opencode.jsonc")
            && let Some(after) = &edit.after
        {
            let text = String::from_utf8_lossy(after);
            for c in ["// head comment", "// tail comment"] {
                assert!(text.contains(c), "{what}: {c} lost:\n{text}");
            }
        }
    }
}

fn planned(ws: &Workspace, what: &str, plan: Result<Plan>, keeps_comments: bool) -> Option<Plan> {
    match plan {
        Ok(plan) => {
            ACCEPTED.with(|a| a.set(true));
            check_plan(ws, &plan, what);
            if keeps_comments {
                comments_kept(ws, &plan, what);
            }
            Some(plan)
        }
        Err(e) => {
            refused(what, &e);
            None
        }
    }
}

thread_local! {
    /// Set when the input in hand was accepted (parsed and planned).
    static ACCEPTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A request body of `endpoint`; `true` when it was accepted (parsed and,
/// for a write, planned).
pub fn check_body(ws: &Workspace, endpoint: Endpoint, bytes: &[u8]) -> bool {
    ACCEPTED.with(|a| a.set(false));
    check_body_inner(ws, endpoint, bytes);
    ACCEPTED.with(|a| a.get())
}

fn check_body_inner(ws: &Workspace, endpoint: Endpoint, bytes: &[u8]) {
    let what = format!("{endpoint:?}");
    let obj = match payloads::object(bytes) {
        Ok(obj) => obj,
        Err(e) => return refused(&what, &e),
    };
    let parsed: Result<()> = (|| {
        match endpoint {
            Endpoint::PatchConfig => {
                let (opencode, openwork) = payloads::config_patch(&obj)?;
                let plan = config::plan_patch(ws, opencode.as_ref(), openwork.as_ref());
                if let (Some(plan), Some(oc)) = (planned(ws, &what, plan, true), &opencode) {
                    // Each given key is set to exactly the given value.
                    if let Some(edit) = plan
                        .edits
                        .iter()
                        .find(|e| e.path.ends_with("opencode.jsonc"))
                    {
                        let text =
                            String::from_utf8_lossy(edit.after.as_deref().unwrap_or_default());
                        let v =
                            openwork::workspace::jsonc::parse_object(&text, "c").expect("parses");
                        for (k, want) in oc {
                            assert_eq!(v.get(k), Some(want), "{what}: key {k:?}");
                        }
                    }
                }
            }
            Endpoint::AddPlugin => {
                let spec = payloads::plugin(&obj)?;
                if let Some(plan) = planned(
                    ws,
                    &what,
                    plugins::plan_add(ws, &spec, plugins::OnListed::Keep),
                    true,
                ) {
                    let trimmed = spec.trim();
                    assert!(trimmed.chars().count() <= 512, "{what}: long spec accepted");
                    assert!(
                        !trimmed.chars().any(char::is_control),
                        "{what}: control char"
                    );
                    if let Some(edit) = plan.edits.first() {
                        let text =
                            String::from_utf8_lossy(edit.after.as_deref().unwrap_or_default());
                        let v =
                            openwork::workspace::jsonc::parse_object(&text, "c").expect("parses");
                        let list = v["plugin"].as_array().expect("a plugin list");
                        assert!(
                            list.iter().any(|p| p == trimmed),
                            "{what}: {trimmed:?} not added"
                        );
                    }
                }
            }
            Endpoint::UpsertSkill => {
                let b = payloads::skill(&obj)?;
                let plan = skills::plan_upsert(ws, &b.name, &b.content, b.description.as_deref())
                    .map(|(p, _)| p);
                if let Some(plan) = planned(ws, &what, plan, true) {
                    assert!(
                        skill_name_ok(&b.name),
                        "{what}: bad name {:?} accepted",
                        b.name
                    );
                    for edit in &plan.edits {
                        assert_eq!(edit.path, ws.skills_dir().join(&b.name).join("SKILL.md"));
                        let text =
                            String::from_utf8_lossy(edit.after.as_deref().unwrap_or_default());
                        let doc =
                            openwork::workspace::frontmatter::parse(&text).expect("reads back");
                        let front = doc.front.expect("frontmatter");
                        assert_eq!(front["name"], b.name.as_str(), "{what}");
                        let d = front["description"].as_str().expect("description");
                        assert!(!d.trim().is_empty() && d.chars().count() <= 1024, "{what}");
                    }
                }
            }
            Endpoint::AddMcp => {
                let (name, cfg) = payloads::mcp(&obj)?;
                if let Some(plan) = planned(ws, &what, mcp::plan_add(ws, &name, &cfg), true) {
                    assert!(
                        simple_name_ok(&name) && !name.starts_with('-'),
                        "{what}: {name:?}"
                    );
                    if let Some(edit) = plan.edits.first() {
                        let text =
                            String::from_utf8_lossy(edit.after.as_deref().unwrap_or_default());
                        let v =
                            openwork::workspace::jsonc::parse_object(&text, "c").expect("parses");
                        assert_eq!(v["mcp"][&name], cfg, "{what}: config not stored as given");
                        assert!(
                            v["mcp"].get("keep").is_some(),
                            "{what}: another server lost"
                        );
                    }
                }
            }
            Endpoint::UpsertCommand => {
                let input = payloads::command(&obj)?;
                if let Some(plan) = planned(ws, &what, commands::plan_upsert(ws, &input), true) {
                    for edit in &plan.edits {
                        let name = edit
                            .path
                            .file_stem()
                            .and_then(|s| s.to_str())
                            .expect("name");
                        assert!(simple_name_ok(name), "{what}: {name:?}");
                        assert_eq!(edit.path.parent(), Some(ws.commands_dir().as_path()));
                    }
                }
            }
            Endpoint::Import => {
                let doc = payloads::import(&obj)?;
                planned(ws, &what, transfer::plan_import(ws, &doc), false);
            }
            Endpoint::Reply => {
                payloads::reply(&obj)?;
                ACCEPTED.with(|a| a.set(true));
            }
            // Bodies of DELETE routes are ignored; their names are segments.
            Endpoint::RemovePlugin
            | Endpoint::DeleteSkill
            | Endpoint::RemoveMcp
            | Endpoint::DeleteCommand => {}
        }
        Ok(())
    })();
    if let Err(e) = parsed {
        refused(&what, &e);
    }
}

/// A raw (still percent-encoded) name in a `DELETE` path; `true` when it
/// was accepted (planned).
pub fn check_segment(ws: &Workspace, endpoint: Endpoint, raw: &str) -> bool {
    ACCEPTED.with(|a| a.set(false));
    check_segment_inner(ws, endpoint, raw);
    ACCEPTED.with(|a| a.get())
}

fn check_segment_inner(ws: &Workspace, endpoint: Endpoint, raw: &str) {
    let what = format!("{endpoint:?} /{raw}");
    let name = match payloads::segment(raw) {
        Ok(n) => n,
        Err(e) => return refused(&what, &e),
    };
    let plan = match endpoint {
        Endpoint::RemovePlugin => plugins::plan_remove(ws, &name),
        Endpoint::DeleteSkill => skills::plan_delete(ws, &name),
        Endpoint::RemoveMcp => mcp::plan_remove(ws, &name),
        Endpoint::DeleteCommand => commands::plan_delete(ws, &name),
        _ => return,
    };
    if let Some(plan) = planned(ws, &what, plan, true) {
        for edit in &plan.edits {
            assert!(
                edit.after.is_none() || edit.path.ends_with("opencode.jsonc"),
                "{what}"
            );
            if let Endpoint::DeleteSkill = endpoint {
                assert!(edit.path.starts_with(ws.skills_dir().join(&name)), "{what}");
                assert!(skill_name_ok(&name), "{what}");
            }
            if let Endpoint::DeleteCommand = endpoint {
                assert_eq!(
                    edit.path.parent(),
                    Some(ws.commands_dir().as_path()),
                    "{what}"
                );
            }
        }
    }
}
