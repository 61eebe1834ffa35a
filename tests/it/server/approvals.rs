//! Manual approval end to end: held writes, allow/deny/timeout with the
//! files checked on disk, the event stream, 409 after an edit by hand, the
//! bound on pending requests, withdrawal, and shutdown.

use crate::support::serve::{self, Server};
use crate::support::{snapshot, workspace};
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

fn manual(ws: &std::path::Path, timeout_ms: &str) -> Server {
    Server::start(
        &[ws],
        &["--approval", "manual", "--approval-timeout", timeout_ms],
    )
}

fn log_lines(dir: &std::path::Path) -> usize {
    std::fs::read_to_string(dir.join(".opencode/openwork/audit.jsonl"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn allow_writes_exactly_the_approved_plan() {
    let dir = workspace();
    let s = manual(dir.path(), "20000");
    let path = format!("/workspace/{}/plugins", s.ws_id(0));
    let before = snapshot(dir.path());
    let held = tokio::spawn(serve::send(
        s.client(Method::POST, &path)
            .header("X-OpenWork-Client-Id", "laptop")
            .json(&json!({"spec": "opencode-wakatime"})),
    ));
    let pending = s.wait_pending(1).await;
    let req = &pending[0];
    let keys: Vec<&String> = req.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "workspaceId",
            "action",
            "summary",
            "paths",
            "createdAt",
            "actor",
            "diff",
            "expiresAt"
        ]
    );
    let expires = req["expiresAt"].as_u64().unwrap() - req["createdAt"].as_u64().unwrap();
    assert!(
        (19_000..=20_000).contains(&expires),
        "expires {expires} ms after creation"
    );
    assert_eq!(req["workspaceId"], s.ws_id(0).as_str());
    assert_eq!(req["action"], "plugins.add");
    assert_eq!(req["summary"], "Add plugin opencode-wakatime");
    let config = dir.path().join("opencode.jsonc");
    assert_eq!(req["paths"], json!([config.to_string_lossy()]));
    assert_eq!(req["actor"]["type"], "remote");
    assert_eq!(req["actor"]["clientId"], "laptop");
    let diff = req["diff"].as_str().unwrap();
    assert!(
        diff.contains("+  \"plugin\": [\"opencode-wakatime\"]"),
        "{diff}"
    );
    // Nothing is written while the request waits.
    assert_eq!(snapshot(dir.path()), before);

    let id = req["id"].as_str().unwrap();
    let answer = s.reply(id, "allow").await;
    // Answered once the write landed.
    assert_eq!(
        answer.json,
        json!({"ok": true, "allowed": true, "written": true})
    );
    let r = held.await.unwrap();
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json["items"][0]["spec"], "opencode-wakatime");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("\"plugin\": [\"opencode-wakatime\"]") && text.contains("// my settings")
    );
    assert_eq!(log_lines(dir.path()), 1);
    assert!(s.pending().await.is_empty());
    // Answered already.
    let again = s.reply(id, "allow").await;
    assert_eq!((again.status, again.code()), (404, "approval_not_found"));
    // A write that changes nothing needs no approval.
    let noop = s.post(&path, &json!({"spec": "opencode-wakatime@2"})).await;
    assert_eq!(noop.status, 200);
    assert_eq!(log_lines(dir.path()), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn deny_and_timeout_change_nothing() {
    let dir = workspace();
    let s = manual(dir.path(), "20000");
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    let before = snapshot(dir.path());

    let held = tokio::spawn(serve::send(
        s.client(Method::POST, &w("/skills"))
            .json(&json!({"name": "s", "content": "x", "description": "d"})),
    ));
    let id = s.wait_pending(1).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bad = serve::send(
        s.host(Method::POST, &format!("/approvals/{id}"))
            .json(&json!({"reply": "maybe"})),
    )
    .await;
    assert_eq!((bad.status, bad.code()), (400, "invalid_payload"));
    assert_eq!(s.pending().await.len(), 1, "a bad reply decides nothing");
    let answer = s.reply(&id, "deny").await;
    assert_eq!(
        answer.json,
        json!({"ok": true, "allowed": false, "written": false})
    );
    let r = held.await.unwrap();
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json,
        json!({"code": "write_denied", "message": "Write request denied",
               "details": {"requestId": id, "reason": "denied"}})
    );
    assert_eq!(snapshot(dir.path()), before);

    drop(s);
    let s = manual(dir.path(), "300");
    let r = s
        .send_json(
            Method::PATCH,
            &format!("/workspace/{}/config", s.ws_id(0)),
            &json!({"opencode": {"username": "light"}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "write_denied"), "{r:?}");
    assert_eq!(r.json["details"]["reason"], "timeout");
    assert!(r.json["details"]["requestId"].is_string());
    assert!(s.pending().await.is_empty());
    assert_eq!(snapshot(dir.path()), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_edited_while_waiting_is_a_conflict() {
    let dir = workspace();
    let s = manual(dir.path(), "20000");
    let held = tokio::spawn(serve::send(
        s.client(Method::POST, &format!("/workspace/{}/plugins", s.ws_id(0)))
            .json(&json!({"spec": "late"})),
    ));
    let id = s.wait_pending(1).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let config = dir.path().join("opencode.jsonc");
    let edited = "{\n  // edited by hand\n  \"theme\": \"light\"\n}\n";
    std::fs::write(&config, edited).unwrap();
    let (mut stream, mut buf) = open_events(&s).await;
    read_events(&mut stream, &mut buf, 1).await;
    // Issue 13, item 3: the host's answer comes after the apply, and says
    // that nothing was written, why, and which file moved.
    let answer = s.reply(&id, "allow").await;
    assert_eq!(answer.status, 200);
    let not_written = json!({
        "reason": "conflict",
        "message": "the workspace changed since this write was planned; nothing was written, retry",
        "paths": [config.to_string_lossy()]
    });
    assert_eq!(
        answer.json,
        json!({"ok": true, "allowed": true, "written": false, "notWritten": not_written})
    );
    let ev = read_events(&mut stream, &mut buf, 1).await;
    assert_eq!(
        ev[0].1,
        json!({"id": id, "allowed": true, "reason": "allowed", "written": false, "notWritten": not_written})
    );
    let log = s.stderr_with("nothing was written");
    assert!(
        log.contains("written=false") && log.contains("why=conflict"),
        "{log}"
    );
    let r = held.await.unwrap();
    assert_eq!((r.status, r.code()), (409, "conflict"), "{r:?}");
    assert_eq!(
        r.json["details"]["paths"],
        json!([config.to_string_lossy()])
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), edited);
    assert_eq!(log_lines(dir.path()), 0);
}

/// The host's event stream, and a buffer for [`read_events`].
async fn open_events(
    s: &Server,
) -> (
    impl futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin + use<>,
    String,
) {
    let resp = s
        .host(Method::GET, "/approvals/events")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    (resp.bytes_stream(), String::new())
}

/// Reads SSE frames (`event:` + `data:`) until `n` events arrived (bounded).
async fn read_events(
    stream: &mut (impl futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    buf: &mut String,
    n: usize,
) -> Vec<(String, Value)> {
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while events.len() < n {
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf.drain(..end + 2).collect();
            let mut name = None;
            let mut data = String::new();
            for line in frame.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = Some(v.trim().to_string());
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if let Some(name) = name {
                events.push((name, serde_json::from_str(&data).unwrap()));
            }
        }
        if events.len() >= n {
            break;
        }
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("event in time")
            .expect("stream open")
            .expect("chunk");
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
    events
}

#[tokio::test(flavor = "multi_thread")]
async fn the_event_stream_reports_requests_and_resolutions() {
    let dir = workspace();
    let s = manual(dir.path(), "20000");
    let path = format!("/workspace/{}/plugins", s.ws_id(0));

    // Host auth is required.
    let denied = serve::send(s.client(Method::GET, "/approvals/events")).await;
    assert_eq!(denied.status, 401);

    // A request pending before the stream opens is sent first.
    let first = tokio::spawn(serve::send(
        s.client(Method::POST, &path)
            .json(&json!({"spec": "first"})),
    ));
    let first_id = s.wait_pending(1).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let resp = s
        .host(Method::GET, "/approvals/events")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap(),
        "text/event-stream"
    );
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();
    let ev = read_events(&mut stream, &mut buf, 1).await;
    assert_eq!(ev[0].0, "approval.requested");
    assert_eq!(ev[0].1["id"], first_id.as_str());
    assert!(ev[0].1["diff"].as_str().unwrap().contains("first"));

    let second = tokio::spawn(serve::send(
        s.client(Method::POST, &path)
            .json(&json!({"spec": "second"})),
    ));
    let ev = read_events(&mut stream, &mut buf, 1).await;
    assert_eq!(ev[0].0, "approval.requested");
    assert_eq!(ev[0].1["summary"], "Add plugin second");
    let second_id = ev[0].1["id"].as_str().unwrap().to_string();

    s.reply(&first_id, "allow").await;
    s.reply(&second_id, "deny").await;
    let ev = read_events(&mut stream, &mut buf, 2).await;
    assert_eq!(
        ev[0],
        (
            "approval.resolved".into(),
            json!({"id": first_id, "allowed": true, "reason": "allowed", "written": true})
        )
    );
    assert_eq!(
        ev[1],
        (
            "approval.resolved".into(),
            json!({"id": second_id, "allowed": false, "reason": "denied", "written": false})
        )
    );
    assert_eq!(first.await.unwrap().status, 200);
    assert_eq!(second.await.unwrap().status, 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_requests_are_bounded() {
    let dir = workspace();
    let s = manual(dir.path(), "60000");
    let path = format!("/workspace/{}/plugins", s.ws_id(0));
    let mut held = Vec::new();
    for i in 0..256 {
        held.push(tokio::spawn(serve::send(
            s.client(Method::POST, &path)
                .json(&json!({"spec": format!("p{i}")})),
        )));
    }
    s.wait_pending(256).await;
    let r = s.post(&path, &json!({"spec": "one-too-many"})).await;
    assert_eq!((r.status, r.code()), (429, "too_many_pending"), "{r:?}");
    for item in s.pending().await {
        s.reply(item["id"].as_str().unwrap(), "deny").await;
    }
    for h in held {
        assert_eq!(h.await.unwrap().status, 403);
    }
    assert!(!dir.path().join(".opencode/openwork/audit.jsonl").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_goes_away_withdraws_its_request() {
    let dir = workspace();
    let s = manual(dir.path(), "60000");
    let before = snapshot(dir.path());
    let resp = s
        .host(Method::GET, "/approvals/events")
        .send()
        .await
        .unwrap();
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();
    // The client gives up while its write waits: its connection closes.
    let gives_up = tokio::spawn(serve::send(
        s.client(Method::POST, &format!("/workspace/{}/plugins", s.ws_id(0)))
            .json(&json!({"spec": "x"})),
    ));
    s.wait_pending(1).await;
    gives_up.abort();
    assert!(gives_up.await.is_err());
    let ev = read_events(&mut stream, &mut buf, 2).await;
    assert_eq!(ev[0].0, "approval.requested");
    assert_eq!(ev[1].0, "approval.resolved");
    assert_eq!(ev[1].1["reason"], "withdrawn");
    assert!(s.pending().await.is_empty());
    // Withdrawn means never written: no file, no audit entry.
    assert_eq!(snapshot(dir.path()), before);
    // And the host can no longer allow it.
    let id = ev[0].1["id"].as_str().unwrap();
    let r = s.reply(id, "allow").await;
    assert_eq!((r.status, r.code()), (404, "approval_not_found"));
    assert_eq!(snapshot(dir.path()), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_denies_pending_writes_and_removes_the_pairing_file() {
    let dir = workspace();
    let mut s = manual(dir.path(), "60000");
    let pairing = s.env.state.path().join(format!("servers/{}.json", s.pid()));
    assert!(pairing.is_file());
    let before = snapshot(dir.path());
    let held = tokio::spawn(serve::send(
        s.client(Method::POST, &format!("/workspace/{}/plugins", s.ws_id(0)))
            .json(&json!({"spec": "never"})),
    ));
    s.wait_pending(1).await;
    let (mut stream, mut buf) = open_events(&s).await;
    read_events(&mut stream, &mut buf, 1).await;
    let status = s.signal_and_wait("TERM");
    assert_eq!(status.code(), Some(0), "{}", s.stderr());
    let r = held.await.unwrap();
    assert_eq!((r.status, r.code()), (403, "write_denied"));
    assert_eq!(r.json["details"]["reason"], "shutdown");
    // The stream says how it ended: the request denied for the shutdown,
    // then `server.shutdown` (not a lost connection).
    let ev = read_events(&mut stream, &mut buf, 2).await;
    assert_eq!(ev[0].0, "approval.resolved");
    assert_eq!(ev[0].1["reason"], "shutdown");
    assert_eq!(ev[1], ("server.shutdown".into(), json!({})));
    assert!(!pairing.exists());
    assert_eq!(snapshot(dir.path()), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn openwork_approvals_finds_the_server_through_the_pairing_file() {
    let dir = workspace();
    let s = manual(dir.path(), "20000");
    let held = tokio::spawn(serve::send(
        s.client(Method::POST, &format!("/workspace/{}/plugins", s.ws_id(0)))
            .json(&json!({"spec": "paired"})),
    ));
    let id = s.wait_pending(1).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let env = serve::Env {
        home: tempfile::tempdir().unwrap(),
        state: tempfile::tempdir().unwrap(),
    };
    // Same state folder as the server, nothing else: no URL, no token given.
    let state = s.env.state.path().to_path_buf();
    let (code, out, err) = tokio::task::spawn_blocking(move || {
        let vars = [("OPENWORK_STATE_DIR", state.to_str().unwrap())];
        let listed = serve::run_cli(&env, &["approvals", "list", "--json"], &vars);
        assert_eq!(listed.0, Some(0), "{listed:?}");
        assert!(listed.1.contains("Add plugin paired"), "{listed:?}");
        serve::run_cli(&env, &["approvals", "allow", &id], &vars)
    })
    .await
    .unwrap();
    assert_eq!(code, Some(0), "{out} {err}");
    let r = held.await.unwrap();
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        std::fs::read_to_string(dir.path().join("opencode.jsonc"))
            .unwrap()
            .contains("paired")
    );
}

/// A diff longer than 64 KiB is cut, at a line, in `GET /approvals` and in
/// the event stream, with `diffTruncated`, the whole diff's size and its
/// SHA-256; `GET /approvals/:id` (the host's) answers it whole, and what
/// is allowed is written whole.
#[tokio::test(flavor = "multi_thread")]
async fn a_long_diff_is_cut_in_requests_and_events_and_whole_on_its_own_route() {
    use sha2::{Digest, Sha256};
    let dir = workspace();
    let s = manual(dir.path(), "30000");
    let events = s
        .host(Method::GET, "/approvals/events")
        .send()
        .await
        .unwrap();
    let mut stream = events.bytes_stream();
    let mut buf = String::new();
    let body: String = (0..6000)
        .map(|i| format!("line {i:05} of a long skill\n"))
        .collect();
    let path = format!("/workspace/{}/skills", s.ws_id(0));
    let write = tokio::spawn(serve::send(
        s.client(Method::POST, &path)
            .json(&json!({"name": "long", "description": "Long", "content": body})),
    ));
    let listed = s.wait_pending(1).await;
    let event = read_events(&mut stream, &mut buf, 1).await.remove(0).1;
    let id = listed[0]["id"].as_str().unwrap().to_string();

    let whole = serve::send(s.host(Method::GET, &format!("/approvals/{id}"))).await;
    assert_eq!(whole.status, 200, "{whole:?}");
    let diff = whole.json["diff"].as_str().unwrap().to_string();
    assert!(diff.len() > 150_000 && diff.contains("+line 05999 of a long skill"));
    assert!(whole.json.get("diffTruncated").is_none());
    let sha = format!("{:x}", Sha256::digest(diff.as_bytes()));
    for cut in [&listed[0], &event] {
        let shown = cut["diff"].as_str().unwrap();
        assert!(shown.len() <= 64 * 1024, "{}", shown.len());
        assert!(diff.starts_with(shown) && shown.ends_with('\n'));
        assert_eq!(cut["diffTruncated"], true);
        assert_eq!(cut["diffSize"], diff.len());
        assert_eq!(cut["diffSha256"], sha.as_str());
        assert_eq!(cut["id"], id.as_str());
    }
    // The host's route only, and for pending requests only.
    let client = serve::send(s.client(Method::GET, &format!("/approvals/{id}"))).await;
    assert_eq!(client.status, 401);
    let unknown = serve::send(s.host(Method::GET, "/approvals/no-such-id")).await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (404, "approval_not_found")
    );

    assert_eq!(s.reply(&id, "allow").await.status, 200);
    assert_eq!(write.await.unwrap().status, 200);
    let written =
        std::fs::read_to_string(dir.path().join(".opencode/skills/long/SKILL.md")).unwrap();
    assert!(written.ends_with("line 05999 of a long skill\n"));
    let gone = serve::send(s.host(Method::GET, &format!("/approvals/{id}"))).await;
    assert_eq!(gone.status, 404);
}

/// Writes waiting for approval are bounded in bytes before they are in
/// number: of 64 config patches of about 1 MiB, some are refused with
/// `429 too_many_pending` while far fewer than 256 wait, and the server's
/// peak memory stays small (Linux: read from `/proc`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn large_writes_awaiting_approval_are_bounded_in_bytes() {
    let dir = workspace();
    let s = std::sync::Arc::new(manual(dir.path(), "60000"));
    let before = snapshot(dir.path());
    let blob = "x".repeat(1_000_000);
    let path = format!("/workspace/{}/config", s.ws_id(0));
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let body = json!({"openwork": {format!("k{i}"): blob}});
            tokio::spawn(serve::send(s.client(Method::PATCH, &path).json(&body)))
        })
        .collect();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let held = loop {
        let held = s.pending().await.len();
        if held + tasks.iter().filter(|t| t.is_finished()).count() >= 64 {
            break held;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the patches never settled"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!((1..48).contains(&held), "{held} held");
    #[cfg(target_os = "linux")]
    {
        let status = std::fs::read_to_string(format!("/proc/{}/status", s.pid())).unwrap();
        let peak_kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        eprintln!("{held} held; peak RSS {} MiB", peak_kib >> 10);
        assert!(peak_kib < 128 * 1024, "peak RSS {} MiB", peak_kib >> 10);
    }
    for item in s.pending().await {
        s.reply(item["id"].as_str().unwrap(), "deny").await;
    }
    let mut refused = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match (r.status, r.code()) {
            (429, "too_many_pending") => refused += 1,
            (403, "write_denied") => {}
            _ => panic!("unexpected answer {r:?}"),
        }
    }
    assert_eq!(refused, 64 - held);
    assert_eq!(snapshot(dir.path()), before, "no file changed");
}
