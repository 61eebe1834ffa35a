//! Files outside the workspace stay out of reach: a symbolic link inside
//! `.opencode/skills` or `.opencode/commands` (or a linked folder of the
//! workspace) is neither followed for writes nor served for reads —
//! listings, export, `skills show`, audit — and authorized roots are
//! enforced after resolving links. Everything through the real server.
#![cfg(unix)]

use crate::support::serve::{self, Env, Server, run_cli};
use crate::support::{snapshot, workspace, write};
use reqwest::Method;
use serde_json::{Value, json};
use std::os::unix::fs::symlink;
use std::path::Path;

const SECRET: &str = "OUTSIDE-SECRET";

fn names(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {v}"))
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

fn refused(r: &serve::Resp) -> bool {
    (r.status == 409 && r.code() == "conflict") || r.status == 400
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn links_inside_skills_and_commands_are_neither_followed_nor_served() {
    let outside = tempfile::tempdir().unwrap();
    let o = outside.path();
    write(
        &o.join("skill-dir/SKILL.md"),
        &format!("---\nname: evil\ndescription: {SECRET}\n---\n{SECRET}\n"),
    );
    write(
        &o.join("skill-file.md"),
        &format!("---\nname: link-file\ndescription: {SECRET}\n---\n{SECRET}\n"),
    );
    write(
        &o.join("cmd.md"),
        &format!("---\nname: evil-cmd\ndescription: {SECRET}\n---\n\n{SECRET}\n"),
    );
    let dir = workspace();
    let root = dir.path();
    write(
        &root.join(".opencode/skills/good/SKILL.md"),
        "---\nname: good\ndescription: Good\n---\nBody\n",
    );
    write(
        &root.join(".opencode/commands/good.md"),
        "---\nname: good\n---\n\nDo it\n",
    );
    // A linked skill folder, a linked SKILL.md in a real folder, a linked command.
    symlink(o.join("skill-dir"), root.join(".opencode/skills/evil")).unwrap();
    std::fs::create_dir_all(root.join(".opencode/skills/link-file")).unwrap();
    symlink(
        o.join("skill-file.md"),
        root.join(".opencode/skills/link-file/SKILL.md"),
    )
    .unwrap();
    symlink(
        o.join("cmd.md"),
        root.join(".opencode/commands/evil-cmd.md"),
    )
    .unwrap();
    let outside_before = snapshot(o);
    let inside_before = snapshot(root);

    let s = Server::auto(root);
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));

    // Reads: listings (with global too) and export show only the real ones.
    for path in ["/skills", "/skills?includeGlobal=true"] {
        let r = s.get(&w(path)).await;
        assert_eq!(names(&r.json), ["good"], "{path}: {r:?}");
    }
    let r = s.get(&w("/commands")).await;
    assert_eq!(names(&r.json), ["good"], "{r:?}");
    let export = s.get(&w("/export")).await;
    assert_eq!(export.status, 200);
    assert_eq!(names(&json!({"items": export.json["skills"]})), ["good"]);
    assert_eq!(names(&json!({"items": export.json["commands"]})), ["good"]);
    assert!(!export.text.contains(SECRET), "{}", export.text);

    // Writes through a link are refused, the target untouched.
    let writes = [
        (
            Method::POST,
            w("/skills"),
            json!({"name": "evil", "content": "pwned", "description": "d"}),
        ),
        (
            Method::POST,
            w("/skills"),
            json!({"name": "link-file", "content": "pwned", "description": "d"}),
        ),
        (
            Method::POST,
            w("/commands"),
            json!({"name": "evil-cmd", "template": "pwned"}),
        ),
        (
            Method::POST,
            w("/import"),
            json!({"skills": [{"name": "fresh", "content": "x", "description": "d"},
                              {"name": "evil", "content": "pwned", "description": "d"}]}),
        ),
        (
            Method::POST,
            w("/import"),
            json!({"commands": [{"name": "evil-cmd", "template": "pwned"}]}),
        ),
    ];
    for (method, path, body) in writes {
        let r = s.send_json(method.clone(), &path, &body).await;
        assert!(refused(&r), "{method} {path} {body}: {r:?}");
        assert!(!r.text.contains(&*o.to_string_lossy()), "{r:?}");
    }
    let r = s.delete(&w("/commands/evil-cmd")).await;
    assert!(refused(&r), "DELETE /commands/evil-cmd: {r:?}");
    // A linked skill folder or SKILL.md is not a skill of the workspace:
    // nothing to delete.
    for name in ["evil", "link-file"] {
        let r = s.delete(&w(&format!("/skills/{name}"))).await;
        assert_eq!((r.status, r.code()), (404, "skill_not_found"), "{r:?}");
    }

    // `openwork skills show` does not print what a link points to either.
    let env = Env::new();
    let ws = root.to_str().unwrap();
    for name in ["evil", "link-file"] {
        let (code, out, err) = run_cli(&env, &["-w", ws, "skills", "show", name], &[]);
        assert_ne!(code, Some(0), "{out}");
        assert!(!out.contains(SECRET) && !err.contains(SECRET), "{out}{err}");
    }
    let (code, out, _) = run_cli(&env, &["-w", ws, "--json", "export"], &[]);
    assert_eq!(code, Some(0));
    assert!(!out.contains(SECRET), "{out}");

    assert_eq!(snapshot(o), outside_before, "a file outside changed");
    assert_eq!(snapshot(root), inside_before, "a file inside changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn linked_folders_of_the_workspace_are_neither_read_nor_written() {
    let outside = tempfile::tempdir().unwrap();
    let o = outside.path();
    write(
        &o.join("skills/far/SKILL.md"),
        &format!("---\nname: far\ndescription: {SECRET}\n---\nx\n"),
    );
    write(
        &o.join("commands/far.md"),
        &format!("---\nname: far\n---\n\n{SECRET}\n"),
    );
    write(
        &o.join("state/audit.jsonl"),
        &format!(
            "{}\n",
            json!({"id": "x", "workspaceId": "ws_x", "actor": {"type": "host"},
                   "action": "plugins.add", "target": SECRET, "summary": SECRET, "timestamp": 1})
        ),
    );
    write(
        &o.join("dot/openwork.json"),
        &format!("{{\"k\": \"{SECRET}\"}}"),
    );

    // One workspace whose skills, commands and state folders are links;
    // another whose whole `.opencode` is one.
    let a = workspace();
    std::fs::create_dir_all(a.path().join(".opencode")).unwrap();
    symlink(o.join("skills"), a.path().join(".opencode/skills")).unwrap();
    symlink(o.join("commands"), a.path().join(".opencode/commands")).unwrap();
    symlink(o.join("state"), a.path().join(".opencode/openwork")).unwrap();
    let b = workspace();
    symlink(o.join("dot"), b.path().join(".opencode")).unwrap();
    let outside_before = snapshot(o);
    let (a_before, b_before) = (snapshot(a.path()), snapshot(b.path()));

    let s = Server::start(&[a.path(), b.path()], &["--approval", "auto"]);
    let wa = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    let wb = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(1));

    for path in [wa("/skills"), wa("/commands"), wa("/audit"), wb("/skills")] {
        let r = s.get(&path).await;
        assert_eq!(r.json, json!({"items": []}), "{path}: {r:?}");
    }
    for path in [wa("/export"), wa("/config"), wb("/config"), wb("/export")] {
        let r = s.get(&path).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        assert!(!r.text.contains(SECRET), "{path}: {r:?}");
    }
    assert_eq!(s.get(&wa("/config")).await.json["updatedAt"], Value::Null);
    assert_eq!(s.get(&wb("/config")).await.json["openwork"], json!({}));

    // Every write would put something outside (the file, or the lock and
    // audit entry in the linked state folder): all refused.
    let writes = [
        (wa("/plugins"), json!({"spec": "p"})),
        (
            wa("/skills"),
            json!({"name": "new", "content": "x", "description": "d"}),
        ),
        (wa("/commands"), json!({"name": "new", "template": "t"})),
        (wb("/plugins"), json!({"spec": "p"})),
    ];
    for (path, body) in writes {
        let r = s.post(&path, &body).await;
        assert!(refused(&r), "{path}: {r:?}");
        assert!(!r.text.contains(&*o.to_string_lossy()), "{r:?}");
    }
    let r = s
        .send_json(
            Method::PATCH,
            &wb("/config"),
            &json!({"openwork": {"k": 1}}),
        )
        .await;
    assert!(refused(&r), "{r:?}");

    assert_eq!(snapshot(o), outside_before, "a file outside changed");
    assert_eq!(snapshot(a.path()), a_before);
    assert_eq!(snapshot(b.path()), b_before);
}

/// A server on `workspaces` with a config file giving `roots`.
fn start(roots: &[&Path], workspaces: &[&Path]) -> Server {
    let env = Env::new();
    write(
        &env.config_dir().join("openwork/server.json"),
        &json!({"authorizedRoots": roots, "approval": {"mode": "auto"}}).to_string(),
    );
    Server::start_with(env, workspaces, &[], &[])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn authorized_roots_are_enforced_after_resolving_links() {
    let roots = tempfile::tempdir().unwrap();
    let r = roots.path();
    let outside = workspace();
    let real = r.join("real");
    let linked = r.join("linked");
    let swapped = r.join("swapped");
    for d in [&real, &swapped] {
        std::fs::create_dir_all(d).unwrap();
    }
    // Lexically inside the root, really outside it.
    symlink(outside.path(), &linked).unwrap();
    let s = start(&[r], &[&real, &linked, &swapped]);
    assert_eq!(s.workspaces.len(), 3, "{:?}", s.boot_lines);
    let outside_before = snapshot(outside.path());

    let ok = s.get(&format!("/workspace/{}/plugins", s.ws_id(0))).await;
    assert_eq!(ok.status, 200, "{ok:?}");
    for (method, body) in [
        (Method::GET, Value::Null),
        (Method::POST, json!({"spec": "x"})),
    ] {
        let mut req = s.client(
            method.clone(),
            &format!("/workspace/{}/plugins", s.ws_id(1)),
        );
        if !body.is_null() {
            req = req.json(&body);
        }
        let r = serve::send(req).await;
        assert_eq!(
            (r.status, r.code()),
            (403, "workspace_unauthorized"),
            "{method}: {r:?}"
        );
    }
    assert!(
        s.stderr_with("outside the authorized roots")
            .contains(&*linked.to_string_lossy())
    );

    // A workspace folder replaced by a link while the server runs is
    // refused from then on.
    let path = format!("/workspace/{}/plugins", s.ws_id(2));
    assert_eq!(s.get(&path).await.status, 200);
    std::fs::remove_dir(&swapped).unwrap();
    symlink(outside.path(), &swapped).unwrap();
    for r in [
        s.get(&path).await,
        s.post(&path, &json!({"spec": "x"})).await,
    ] {
        assert_eq!(
            (r.status, r.code()),
            (403, "workspace_unauthorized"),
            "{r:?}"
        );
    }
    assert_eq!(snapshot(outside.path()), outside_before);

    // Roots are resolved too: a root given through a link covers the
    // folders it points to.
    let via = tempfile::tempdir().unwrap();
    let root_link = via.path().join("root-link");
    symlink(r, &root_link).unwrap();
    let s2 = start(&[&root_link], &[&real]);
    let r = s2.get(&format!("/workspace/{}/plugins", s2.ws_id(0))).await;
    assert_eq!(r.status, 200, "{r:?}");
}

/// A local process swapping a skill's folder for a link to a folder
/// outside, again and again, while a client writes that skill through the
/// server: no write ever lands outside the workspace (each lands in the
/// real folder or is refused).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_folder_swapped_for_a_link_while_writes_run_never_gets_one() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    const WRITES: usize = 1000;
    let outside = tempfile::tempdir().unwrap();
    let dir = workspace();
    let skills = dir.path().join(".opencode/skills");
    write(
        &skills.join("s/SKILL.md"),
        "---\nname: s\ndescription: S\n---\nBody\n",
    );
    let s = Arc::new(Server::auto(dir.path()));
    let stop = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicU32::new(0));
    let swapper = {
        let (a, real) = (skills.join("s"), skills.join("s.real"));
        let (target, stop, swaps) = (outside.path().to_path_buf(), stop.clone(), swaps.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let _ = std::fs::rename(&a, &real);
                if a.is_dir() && !a.is_symlink() {
                    let _ = std::fs::remove_dir_all(&a); // made by a write meanwhile
                }
                if symlink(&target, &a).is_ok() {
                    swaps.fetch_add(1, Ordering::Relaxed);
                }
                std::thread::sleep(std::time::Duration::from_micros(200));
                let _ = std::fs::remove_file(&a);
                let _ = std::fs::rename(&real, &a);
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        })
    };
    let path = format!("/workspace/{}/skills", s.ws_id(0));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (s, path) = (s.clone(), path.clone());
            tokio::spawn(async move {
                let mut ok = 0;
                for i in 0..WRITES / 4 {
                    let body = json!({"name": "s", "description": "S", "content": format!("write {w}-{i}")});
                    if s.post(&path, &body).await.status == 200 {
                        ok += 1;
                    }
                }
                ok
            })
        })
        .collect();
    let mut ok = 0;
    for w in writers {
        ok += w.await.unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    swapper.join().unwrap();
    let landed_outside: Vec<_> = std::fs::read_dir(outside.path())
        .unwrap()
        .flatten()
        .collect();
    eprintln!(
        "{ok} of {WRITES} writes answered 200, {} swaps, {} landed outside",
        swaps.load(Ordering::Relaxed),
        landed_outside.len()
    );
    assert!(landed_outside.is_empty(), "{landed_outside:?}");
    assert!(
        ok > 0 && swaps.load(Ordering::Relaxed) > 100,
        "no race was run"
    );
}
