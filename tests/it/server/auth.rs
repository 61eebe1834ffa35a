//! No one gets in without the right token, and no token gets out: each
//! token opens only its own routes (every route checked both ways),
//! tokens appear in no log, error body, audit entry or `--json` output,
//! and a pairing file that others could read is refused by
//! `openwork approvals`.

use crate::support::serve::{self, Env, Server, run_cli};
use crate::support::{snapshot, workspace, write};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Distinctive tokens, so any leak is found by a plain substring search.
const CLIENT: &str = "client-secret-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e";
const HOST: &str = "host-secret-2b4d6f8a0c1e3b5d7f9a1c3e5b7d9f1a";

/// A route: method, path and a valid body (`null` for none).
type Route = (Method, String, Value);

/// Every client route and every host route.
fn routes(id: &str) -> (Vec<Route>, Vec<Route>) {
    let w = |rest: &str| format!("/workspace/{id}{rest}");
    let client = vec![
        (Method::GET, "/capabilities".into(), Value::Null),
        (Method::GET, "/workspaces".into(), Value::Null),
        (Method::GET, w("/config"), Value::Null),
        (Method::PATCH, w("/config"), json!({"openwork": {"x": 1}})),
        (Method::GET, w("/plugins"), Value::Null),
        (Method::POST, w("/plugins"), json!({"spec": "p"})),
        (Method::DELETE, w("/plugins/existing"), Value::Null),
        (Method::GET, w("/skills"), Value::Null),
        (
            Method::POST,
            w("/skills"),
            json!({"name": "s", "content": "x", "description": "d"}),
        ),
        (Method::DELETE, w("/skills/existing"), Value::Null),
        (Method::GET, w("/mcp"), Value::Null),
        (
            Method::POST,
            w("/mcp"),
            json!({"name": "m", "config": {"type": "remote", "url": "https://m"}}),
        ),
        (Method::DELETE, w("/mcp/keep"), Value::Null),
        (Method::GET, w("/commands"), Value::Null),
        (
            Method::POST,
            w("/commands"),
            json!({"name": "c", "template": "t"}),
        ),
        (Method::DELETE, w("/commands/existing"), Value::Null),
        (Method::GET, w("/audit"), Value::Null),
        (Method::GET, w("/export"), Value::Null),
        (Method::POST, w("/import"), json!({"openwork": {"y": 2}})),
    ];
    let host = vec![
        (Method::GET, "/approvals".into(), Value::Null),
        (Method::GET, "/approvals/events".into(), Value::Null),
        (
            Method::POST,
            "/approvals/none".into(),
            json!({"reply": "deny"}),
        ),
    ];
    (client, host)
}

fn seeded_workspace() -> tempfile::TempDir {
    let dir = workspace();
    write(
        &dir.path().join("opencode.jsonc"),
        "{\n  // keep\n  \"plugin\": [\"existing\"],\n  \"mcp\": {\"keep\": {\"type\": \"remote\", \"url\": \"https://k\"}},\n}\n",
    );
    write(
        &dir.path().join(".opencode/skills/existing/SKILL.md"),
        "---\nname: existing\ndescription: d\n---\nx\n",
    );
    write(
        &dir.path().join(".opencode/commands/existing.md"),
        "---\nname: existing\n---\n\nt\n",
    );
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_token_opens_only_its_own_routes() {
    let dir = seeded_workspace();
    let s = Server::start(
        &[dir.path()],
        &[
            "--approval",
            "auto",
            "--token",
            CLIENT,
            "--host-token",
            HOST,
        ],
    );
    let (client_routes, host_routes) = routes(&s.ws_id(0));
    let before = snapshot(dir.path());
    let send = |m: &Method, path: &str, body: &Value, headers: &[(&str, String)]| {
        let mut req = s.request(m.clone(), path);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        if !body.is_null() {
            req = req.json(body);
        }
        serve::send(req)
    };
    let bearer = |t: &str| ("Authorization", format!("Bearer {t}"));
    let host_header = |t: &str| ("X-OpenWork-Host-Token", t.to_string());

    // The host token, in either header, opens no client route; nothing
    // changes on disk.
    for (m, path, body) in &client_routes {
        for headers in [
            vec![host_header(HOST)],
            vec![bearer(HOST)],
            vec![host_header(CLIENT)],
            vec![],
        ] {
            let r = send(m, path, body, &headers).await;
            assert_eq!(
                (r.status, r.code()),
                (401, "unauthorized"),
                "{m} {path} with {headers:?}"
            );
        }
    }
    assert_eq!(snapshot(dir.path()), before);
    // The client token, in either header (or both at once), opens no host
    // route.
    for (m, path, body) in &host_routes {
        for headers in [
            vec![bearer(CLIENT)],
            vec![host_header(CLIENT)],
            vec![bearer(HOST)],
            vec![bearer(CLIENT), host_header(CLIENT)],
            vec![],
        ] {
            let r = send(m, path, body, &headers).await;
            assert_eq!(
                (r.status, r.code()),
                (401, "unauthorized"),
                "{m} {path} with {headers:?}"
            );
        }
    }
    // And each token does open its own routes.
    for (m, path, body) in &client_routes {
        let r = send(m, path, body, &[bearer(CLIENT)]).await;
        assert_eq!(r.status, 200, "{m} {path}: {r:?}");
    }
    for (m, path, body) in &host_routes {
        if path.ends_with("/events") {
            let r = s.host(Method::GET, path).send().await.unwrap();
            assert_eq!(r.status(), 200);
            continue;
        }
        let r = send(m, path, body, &[host_header(HOST)]).await;
        let expected = if m == Method::POST { 404 } else { 200 };
        assert_eq!(r.status, expected, "{m} {path}: {r:?}");
    }
}

fn sha256(s: &str) -> String {
    format!("{:x}", Sha256::digest(s.as_bytes()))
}

fn assert_no_token(what: &str, text: &str) {
    for (name, token) in [("client", CLIENT), ("host", HOST)] {
        assert!(
            !text.contains(token),
            "the {name} token is in {what}:\n{text}"
        );
        // Nor a recognisable part of one.
        assert!(
            !text.contains(&token[..20]),
            "part of the {name} token is in {what}:\n{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tokens_never_appear_in_logs_errors_audit_or_json_output() {
    let dir = seeded_workspace();
    let mut s = Server::start(
        &[dir.path()],
        &[
            "-vv",
            "--approval",
            "manual",
            "--approval-timeout",
            "30000",
            "--token",
            CLIENT,
            "--host-token",
            HOST,
        ],
    );
    let id = s.ws_id(0);
    let mut seen = Vec::new();
    // Tokens given on the command line are not printed back on boot.
    seen.push(("the boot lines".to_string(), s.boot_lines.join("\n")));

    // Error bodies: wrong tokens that share a prefix with the right ones,
    // the right token in the wrong place, a token in the query string.
    let near_miss = format!("{}x", &CLIENT[..CLIENT.len() - 1]);
    for req in [
        s.request(Method::GET, "/workspaces")
            .header("Authorization", format!("Bearer {near_miss}")),
        s.request(Method::GET, "/approvals")
            .header("Authorization", format!("Bearer {CLIENT}")),
        s.request(Method::GET, &format!("/workspaces?token={CLIENT}")),
        s.request(Method::POST, "/approvals/x")
            .header("X-OpenWork-Host-Token", CLIENT)
            .json(&json!({"reply": "allow"})),
        s.client(Method::POST, &format!("/workspace/{id}/plugins"))
            .json(&json!({"spec": CLIENT.repeat(20)})),
    ] {
        let r = serve::send(req).await;
        assert!(r.status >= 400, "{r:?}");
        seen.push(("an error body".into(), r.text));
    }

    // A remote write, held; the host looks at it through every channel.
    let held = tokio::spawn(serve::send(
        s.client(Method::POST, &format!("/workspace/{id}/plugins"))
            .header("X-OpenWork-Client-Id", "phone")
            .json(&json!({"spec": "leak-check"})),
    ));
    let pending = s.wait_pending(1).await;
    assert_eq!(pending[0]["actor"]["tokenHash"], sha256(CLIENT));
    seen.push((
        "GET /approvals".into(),
        Value::from(pending.clone()).to_string(),
    ));
    let state = s.env.state.path().to_str().unwrap().to_string();
    let vars = [("OPENWORK_STATE_DIR", state.as_str())];
    let cli_env = Env::new();
    let approval_id = pending[0]["id"].as_str().unwrap().to_string();
    let listed = run_cli(&cli_env, &["--json", "approvals", "list"], &vars);
    let allowed = run_cli(
        &cli_env,
        &["--json", "approvals", "allow", &approval_id],
        &vars,
    );
    assert_eq!(listed.0, Some(0), "{listed:?}");
    assert!(listed.1.contains("leak-check"), "{listed:?}");
    assert_eq!(allowed.0, Some(0), "{allowed:?}");
    seen.push((
        "approvals list --json".into(),
        format!("{}{}", listed.1, listed.2),
    ));
    seen.push((
        "approvals allow --json".into(),
        format!("{}{}", allowed.1, allowed.2),
    ));
    let r = held.await.unwrap();
    assert_eq!(r.status, 200, "{r:?}");
    seen.push(("a write's answer".into(), r.text));

    // Every read of the workspace, from the server and from the CLI.
    for path in [
        "/config",
        "/plugins",
        "/audit",
        "/export",
        "/skills",
        "/mcp",
        "/commands",
    ] {
        let r = s.get(&format!("/workspace/{id}{path}")).await;
        assert_eq!(r.status, 200);
        seen.push((format!("GET {path}"), r.text));
    }
    let w = dir.path().to_str().unwrap();
    for args in [
        vec!["--json", "-w", w, "audit"],
        vec!["--json", "-w", w, "config", "show"],
        vec!["--json", "-w", w, "export"],
        vec!["--json", "-w", w, "plugins", "list"],
    ] {
        let (code, out, err) = run_cli(&cli_env, &args, &[]);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        seen.push((
            format!("openwork {}", args.join(" ")),
            format!("{out}{err}"),
        ));
    }

    // The audit log knows the writer by the hash of its token only.
    let audit = std::fs::read_to_string(dir.path().join(".opencode/openwork/audit.jsonl")).unwrap();
    let entry: Value = serde_json::from_str(audit.lines().last().unwrap()).unwrap();
    assert_eq!(
        entry["actor"],
        json!({"type": "remote", "clientId": "phone", "tokenHash": sha256(CLIENT)})
    );
    seen.push(("the audit log".into(), audit));
    // And nothing in the workspace holds a token.
    for (path, bytes) in snapshot(dir.path()) {
        seen.push((
            path.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }

    // The server's log at the most verbose level, to its end.
    assert_eq!(s.signal_and_wait("TERM").code(), Some(0));
    let log = s.stderr();
    assert!(log.contains("approval requested"), "{log}");
    seen.push(("the server log (-vv)".into(), log));

    for (what, text) in &seen {
        assert_no_token(what, text);
    }
}

/// Unix: elsewhere a pairing file has no mode to refuse.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pairing_file_others_could_read_is_refused() {
    let dir = workspace();
    let s = Server::start(
        &[dir.path()],
        &["--approval", "manual", "--approval-timeout", "30000"],
    );
    let file = s.env.state.path().join(format!("servers/{}.json", s.pid()));
    let held = tokio::spawn(serve::send(
        s.client(Method::POST, &format!("/workspace/{}/plugins", s.ws_id(0)))
            .json(&json!({"spec": "pair-check"})),
    ));
    s.wait_pending(1).await;

    let state = s.env.state.path().to_str().unwrap().to_string();
    let vars = [("OPENWORK_STATE_DIR", state.as_str())];
    let cli_env = Env::new();
    use std::os::unix::fs::PermissionsExt;
    for mode in [0o644, 0o640, 0o604] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        let (code, out, err) = run_cli(&cli_env, &["approvals", "list"], &vars);
        assert_ne!(code, Some(0), "{mode:o}: {out}");
        assert!(
            err.contains("warning: ignoring pairing file") && err.contains(&format!("{mode:o}")),
            "{mode:o}: {err}"
        );
        assert!(
            !out.contains("pair-check"),
            "{mode:o}: the file was used: {out}"
        );
        assert_no_token("the refusal", &format!("{out}{err}"));
        assert!(!err.contains(&s.host_token) && !out.contains(&s.client_token));
    }
    // Private again: used.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, out, err) = run_cli(&cli_env, &["approvals", "list"], &vars);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("pair-check"), "{out}");
    assert!(!err.contains("warning"), "{err}");
    for item in s.pending().await {
        s.reply(item["id"].as_str().unwrap(), "deny").await;
    }
    assert_eq!(held.await.unwrap().status, 403);
}

/// The user-wide config holds the user's own secrets: a client that has
/// only the client token sees its MCP servers' headers, environment and
/// OAuth secrets, and the credentials of its plugin URLs, as `"***"`, in
/// the same shape; the host's token, sent with the client's, sees them
/// whole — in either order, so the read memo never hands one the other's.
#[tokio::test]
async fn global_secrets_are_redacted_unless_the_host_token_comes_too() {
    let dir = workspace();
    write(
        &dir.path().join("opencode.jsonc"),
        r#"{"mcp": {"proj": {"type": "remote", "url": "https://p.example", "headers": {"X-Proj": "project-visible"}}}}"#,
    );
    let env = Env::new();
    write(
        &env.config_dir().join("opencode/opencode.jsonc"),
        r#"{
          "plugin": ["git+https://me:ghp_pluginsecret@github.example/o/r.git", "plain-plugin"],
          "mcp": {
            "remote": {"type": "remote", "url": "https://api.example/mcp?key=urlsecret",
                       "headers": {"Authorization": "Bearer headersecret"},
                       "oauth": {"clientId": "cid", "clientSecret": "oauthsecret", "scope": "s"}},
            "local": {"type": "local", "command": ["srv"], "environment": {"API_KEY": "envsecret"}}
          }
        }"#,
    );
    let s = Server::start_with(
        env,
        &[dir.path()],
        &["--token", CLIENT, "--host-token", HOST],
        &[],
    );
    let id = s.ws_id(0);
    let secrets = [
        "ghp_pluginsecret",
        "urlsecret",
        "headersecret",
        "oauthsecret",
        "envsecret",
    ];
    let client_only = || async {
        let mcp = serve::send(s.client(
            Method::GET,
            &format!("/workspace/{id}/mcp?includeGlobal=true"),
        ))
        .await;
        let plugins = serve::send(s.client(
            Method::GET,
            &format!("/workspace/{id}/plugins?includeGlobal=true"),
        ))
        .await;
        (mcp, plugins)
    };
    let with_host = || async {
        let mcp = serve::send(
            s.client(
                Method::GET,
                &format!("/workspace/{id}/mcp?includeGlobal=true"),
            )
            .header("X-OpenWork-Host-Token", HOST),
        )
        .await;
        let plugins = serve::send(
            s.client(
                Method::GET,
                &format!("/workspace/{id}/plugins?includeGlobal=true"),
            )
            .header("X-OpenWork-Host-Token", HOST),
        )
        .await;
        (mcp, plugins)
    };
    for round in 0..2 {
        // Twice each, both orders: answers kept by the memo too.
        let (mcp, plugins) = client_only().await;
        assert_eq!(
            (mcp.status, plugins.status),
            (200, 200),
            "{mcp:?} {plugins:?}"
        );
        for secret in secrets {
            assert!(
                !mcp.text.contains(secret) && !plugins.text.contains(secret),
                "round {round}: {secret} leaked"
            );
        }
        let item = |name: &str| {
            mcp.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["name"] == name)
                .cloned()
                .unwrap()
        };
        assert_eq!(
            item("remote")["config"],
            json!({"type": "remote", "url": "https://api.example/mcp?key=***",
                   "headers": {"Authorization": "***"},
                   "oauth": {"clientId": "cid", "clientSecret": "***", "scope": "s"}})
        );
        assert_eq!(
            item("local")["config"]["environment"],
            json!({"API_KEY": "***"})
        );
        assert_eq!(item("local")["config"]["command"], json!(["srv"]));
        assert_eq!(
            item("proj")["config"]["headers"]["X-Proj"],
            "project-visible"
        );
        assert!(
            plugins
                .text
                .contains("git+https://***@github.example/o/r.git"),
            "{plugins:?}"
        );
        assert!(plugins.text.contains("plain-plugin"));

        let (mcp, plugins) = with_host().await;
        assert_eq!((mcp.status, plugins.status), (200, 200));
        for secret in secrets {
            assert!(
                mcp.text.contains(secret) || plugins.text.contains(secret),
                "{secret} hidden from the host"
            );
        }
        // A wrong host token is no host token: redacted, not refused.
        let wrong = serve::send(
            s.client(
                Method::GET,
                &format!("/workspace/{id}/mcp?includeGlobal=true"),
            )
            .header("X-OpenWork-Host-Token", "not-the-host-token"),
        )
        .await;
        assert_eq!(wrong.status, 200);
        assert!(!wrong.text.contains("headersecret"));
    }
}
