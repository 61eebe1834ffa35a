//! `openwork serve` end to end: the real binary on 127.0.0.1, driven with
//! reqwest. Shapes, auth, CORS, validation (with files checked unchanged),
//! read-only, body limits, several workspaces, ETags, and writes racing the
//! offline CLI.

use crate::support::serve::{self, Server, raw_http};
use crate::support::{AUDIT_ENTRY_KEYS, snapshot, workspace, write};
use reqwest::Method;
use serde_json::{Value, json};
use std::path::Path;

#[tokio::test(flavor = "multi_thread")]
async fn every_endpoint_answers_with_its_shape() {
    let dir = workspace();
    let s = Server::start(
        &[dir.path()],
        &[
            "--approval",
            "auto",
            "--opencode-base-url",
            "http://127.0.0.1:4096",
        ],
    );
    let id = s.ws_id(0);
    let w = |rest: &str| format!("/workspace/{id}{rest}");

    // Boot lines: URL, both generated tokens, the workspace.
    assert!(s.boot_lines[0].starts_with("openwork listening on http://127.0.0.1:"));
    assert_eq!(s.client_token.len(), 64);
    assert_eq!(s.host_token.len(), 64);
    assert_ne!(s.client_token, s.host_token);
    assert!(
        !s.stderr().contains(&s.client_token),
        "tokens are not logged"
    );

    let health = serve::send(s.request(Method::GET, "/health")).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.header("content-type"), Some("application/json"));
    assert_eq!(health.json["ok"], true);
    assert_eq!(health.json["version"], env!("CARGO_PKG_VERSION"));
    assert!(health.json["uptimeMs"].is_u64());

    let caps = s.get("/capabilities").await;
    assert_eq!(
        caps.json,
        json!({"skills":{"read":true,"write":true,"source":"openwork"},
               "plugins":{"read":true,"write":true},"mcp":{"read":true,"write":true},
               "commands":{"read":true,"write":true},"config":{"read":true,"write":true}})
    );

    let wss = s.get("/workspaces").await;
    let path = dir.path().to_string_lossy().to_string();
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    assert_eq!(
        wss.json,
        json!({"items":[{"id": id, "name": name, "path": path, "workspaceType": "local",
               "baseUrl": "http://127.0.0.1:4096",
               "opencode": {"baseUrl": "http://127.0.0.1:4096"}}]})
    );

    let config = s.get(&w("/config")).await;
    assert_eq!(config.status, 200);
    assert_eq!(config.json["opencode"]["theme"], "dark");
    assert_eq!(config.json["openwork"], json!({}));
    assert_eq!(config.json["updatedAt"], Value::Null);
    assert!(config.header("etag").is_some());

    // Plugins.
    let plugins = s.get(&w("/plugins")).await;
    assert_eq!(
        plugins.json,
        json!({"items": [], "loadOrder": ["config.global","config.project","dir.global","dir.project"]})
    );
    write(
        &dir.path().join(".opencode/plugins/local.js"),
        "export default {}\n",
    );
    let added = s
        .post(&w("/plugins"), &json!({"spec": "opencode-wakatime@1.2"}))
        .await;
    assert_eq!(added.status, 200, "{added:?}");
    assert_eq!(
        added.json["items"][0],
        json!({"spec":"opencode-wakatime@1.2","source":"config","scope":"project",
               "file": format!("{path}/opencode.jsonc"),"origin":"project","editable":true})
    );
    assert_eq!(
        added.json["items"][1],
        json!({"spec": format!("file://{}/.opencode/plugins/local.js", path),
               "source":"dir.project","scope":"project","path":".opencode/plugins/local.js",
               "file": format!("{path}/.opencode/plugins/local.js"),"origin":"project","editable":false})
    );
    let text = std::fs::read_to_string(dir.path().join("opencode.jsonc")).unwrap();
    assert!(
        text.contains("// my settings") && text.contains("// keep"),
        "{text}"
    );
    let scoped = s
        .post(&w("/plugins"), &json!({"spec": "@scope/name@2"}))
        .await;
    assert_eq!(scoped.json["items"].as_array().unwrap().len(), 3);
    // The API keeps what is listed: another version is a no-op (the CLI
    // updates it in place).
    let before = std::fs::read(dir.path().join("opencode.jsonc")).unwrap();
    let again = s
        .post(&w("/plugins"), &json!({"spec": "opencode-wakatime@2"}))
        .await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.json["items"][0]["spec"], "opencode-wakatime@1.2");
    assert_eq!(
        std::fs::read(dir.path().join("opencode.jsonc")).unwrap(),
        before
    );
    let removed = s.delete(&w("/plugins/%40scope%2Fname")).await;
    assert_eq!(removed.status, 200, "{removed:?}");
    assert_eq!(removed.json["items"].as_array().unwrap().len(), 2);

    // Skills.
    let skill = s
        .post(
            &w("/skills"),
            &json!({"name": "release-notes", "content": "# Notes\nWrite them.", "description": "Write release notes"}),
        )
        .await;
    let skill_path = dir.path().join(".opencode/skills/release-notes/SKILL.md");
    assert_eq!(
        skill.json,
        json!({"name":"release-notes","path": skill_path.to_string_lossy(),
               "description":"Write release notes","scope":"project"})
    );
    assert_eq!(
        std::fs::read_to_string(&skill_path).unwrap(),
        "---\nname: release-notes\ndescription: Write release notes\n---\n# Notes\nWrite them.\n"
    );
    let skills = s.get(&w("/skills")).await;
    assert_eq!(
        skills.json["items"],
        json!([{"name":"release-notes","path": skill_path.to_string_lossy(),
                "description":"Write release notes","scope":"project",
                "file": skill_path.to_string_lossy(),"origin":"project","editable":true}])
    );

    // MCP.
    let mcp = s
        .post(
            &w("/mcp"),
            &json!({"name":"chrome","config":{"type":"local","command":["npx","chrome-mcp"],"enabled":true}}),
        )
        .await;
    assert_eq!(
        mcp.json,
        json!({"items":[{"name":"chrome","config":{"type":"local","command":["npx","chrome-mcp"],"enabled":true},
                         "source":"config.project",
                         "file": format!("{path}/opencode.jsonc"),"origin":"project","editable":true}]})
    );
    assert_eq!(s.get(&w("/mcp")).await.json, mcp.json);

    // Commands.
    let cmd = s
        .post(
            &w("/commands"),
            &json!({"name":"/review","template":"Review $ARGUMENTS","description":"Review code","subtask":true}),
        )
        .await;
    assert_eq!(
        cmd.json,
        json!({"items":[{"name":"review","description":"Review code","template":"Review $ARGUMENTS",
                         "model":null,"subtask":true,"scope":"workspace",
                         "file": format!("{path}/.opencode/commands/review.md"),"origin":"project","editable":true}]})
    );
    assert_eq!(s.get(&w("/commands")).await.json, cmd.json);

    // Config patch.
    let patched = s
        .send_json(
            Method::PATCH,
            &w("/config"),
            &json!({"opencode": {"model": "anthropic/claude"}, "openwork": {"defaultModel": "x"}}),
        )
        .await;
    assert_eq!(patched.status, 200, "{patched:?}");
    let keys: Vec<&String> = patched.json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["updatedAt", "opencode", "openwork"]);
    assert_eq!(patched.json["opencode"]["model"], "anthropic/claude");
    assert_eq!(patched.json["opencode"]["theme"], "dark");
    assert_eq!(patched.json["openwork"], json!({"defaultModel":"x"}));
    assert!(patched.json["updatedAt"].is_u64());

    // Export, import.
    let export = s.get(&w("/export")).await;
    assert_eq!(export.json["workspaceId"], id.as_str());
    assert!(export.json["exportedAt"].is_u64());
    assert_eq!(export.json["skills"][0]["name"], "release-notes");
    assert_eq!(
        export.json["commands"][0],
        json!({"name":"review","description":"Review code","template":"Review $ARGUMENTS"})
    );
    let imported = s
        .post(
            &w("/import"),
            &json!({"openwork": {"team": "core"},
                    "commands": [{"content": "---\nname: hi\n---\nSay hi\n"}]}),
        )
        .await;
    assert_eq!(imported.json, json!({"ok": true}), "{imported:?}");
    assert!(dir.path().join(".opencode/commands/hi.md").is_file());

    // Deletes.
    let del_cmd = s.delete(&w("/commands/hi")).await;
    assert_eq!(del_cmd.json, json!({"ok": true}));
    assert!(!dir.path().join(".opencode/commands/hi.md").exists());
    let del_skill = s.delete(&w("/skills/release-notes")).await;
    assert_eq!(del_skill.json, json!({"items": []}), "{del_skill:?}");
    assert!(!skill_path.exists());
    let del_mcp = s.delete(&w("/mcp/chrome")).await;
    assert_eq!(del_mcp.json, json!({"items": []}));

    // Audit: newest first, remote actor with the token's hash and client id.
    let tagged = serve::send(
        s.client(Method::POST, &w("/plugins"))
            .header("X-OpenWork-Client-Id", "phone-1")
            .json(&json!({"spec": "tagged"})),
    )
    .await;
    assert_eq!(tagged.status, 200);
    let audit = s.get(&w("/audit?limit=3")).await;
    let items = audit.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["action"], "plugins.add");
    assert_eq!(items[0]["actor"]["type"], "remote");
    assert_eq!(items[0]["actor"]["clientId"], "phone-1");
    assert_eq!(
        items[0]["actor"]["tokenHash"].as_str().unwrap(),
        openwork::workspace::audit::token_hash(&s.client_token)
    );
    assert_eq!(items[1]["action"], "mcp.remove");
    let keys: Vec<&str> = items[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, AUDIT_ENTRY_KEYS);
    let all = s.get(&w("/audit?limit=1000")).await;
    assert_eq!(all.json["items"].as_array().unwrap().len(), 12);
    let default = s.get(&w("/audit")).await;
    assert_eq!(default.json["items"].as_array().unwrap().len(), 12);

    // Unknown route and wrong method.
    for (m, p) in [
        (Method::GET, "/nope".to_string()),
        (Method::PUT, "/health".to_string()),
        (Method::GET, w("/plugins/x/y")),
        (Method::GET, "/health/".to_string()),
        (Method::GET, w("/plugins/")),
    ] {
        let r = serve::send(s.client(m, &p)).await;
        assert_eq!(r.status, 404);
        assert_eq!(r.json, json!({"code":"not_found","message":"Not found"}));
    }
    let r = s.get("/workspace/ws_000000000000/plugins").await;
    assert_eq!((r.status, r.code()), (404, "workspace_not_found"));
}

/// An export is sent as it is encoded: many chunks' worth of skills come
/// whole, with the length told up front, each answer with its own time,
/// and the same text otherwise whether built or kept.
#[tokio::test(flavor = "multi_thread")]
async fn a_large_export_comes_whole_with_its_length_and_its_own_time() {
    let dir = workspace();
    let big = "line of a long skill, \"quoted\" and \\ escaped\n".repeat(4000);
    for i in 0..12 {
        write(
            &dir.path()
                .join(format!(".opencode/skills/big-{i}/SKILL.md")),
            &format!("---\nname: big-{i}\ndescription: d{i}\n---\n{big}"),
        );
    }
    let s = Server::start(&[dir.path()], &["--approval", "auto"]);
    let path = format!("/workspace/{}/export", s.ws_id(0));
    let mut texts = Vec::new();
    for _ in 0..3 {
        let before = now_ms();
        let export = s.get(&path).await;
        let after = now_ms();
        assert_eq!(export.status, 200, "{export:?}");
        assert_eq!(
            export.header("content-length"),
            Some(export.text.len().to_string().as_str())
        );
        assert_eq!(export.header("content-type"), Some("application/json"));
        let at = export.json["exportedAt"].as_u64().expect("exportedAt");
        assert!(before <= at && at <= after, "{before} <= {at} <= {after}");
        let skills = export.json["skills"].as_array().expect("skills");
        assert_eq!(skills.len(), 12);
        for i in 0..12 {
            let skill = skills.iter().find(|k| k["name"] == format!("big-{i}"));
            let content = skill.expect("skill")["content"].as_str().expect("content");
            assert!(content.ends_with(&big), "big-{i} whole");
        }
        let mut doc = export.json.clone();
        doc["exportedAt"] = Value::Null;
        texts.push(doc);
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(texts.windows(2).all(|w| w[0] == w[1]));
    // Some 2 MB: past what the server holds in memory, so written to a
    // temporary file as it was read, and read back for each answer. The
    // same document as the offline export, which serde writes whole.
    assert!(texts[0].to_string().len() > 2_000_000);
    let env = serve::Env::new();
    let dir_arg = dir.path().to_str().expect("UTF-8 path");
    let (code, out, err) = serve::run_cli(&env, &["-w", dir_arg, "export"], &[]);
    assert_eq!(code, Some(0), "{err}");
    let mut offline: Value = serde_json::from_str(&out).expect("JSON");
    offline["exportedAt"] = Value::Null;
    assert_eq!(offline, texts[0]);
}

fn now_ms() -> u64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| d.as_millis() as u64)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_write_equals_the_offline_cli_write() {
    let a = workspace();
    let b = workspace();
    let s = Server::auto(a.path());
    let r = s
        .post(
            &format!("/workspace/{}/plugins", s.ws_id(0)),
            &json!({"spec": "opencode-wakatime"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let env = serve::Env::new();
    let (code, _, err) = serve::run_cli(
        &env,
        &[
            "-w",
            b.path().to_str().unwrap(),
            "plugins",
            "add",
            "opencode-wakatime",
        ],
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        std::fs::read(a.path().join("opencode.jsonc")).unwrap(),
        std::fs::read(b.path().join("opencode.jsonc")).unwrap()
    );
    let entry = |dir: &Path| -> Value {
        let log = std::fs::read_to_string(dir.join(".opencode/openwork/audit.jsonl")).unwrap();
        serde_json::from_str(log.lines().last().unwrap()).unwrap()
    };
    let (ea, eb) = (entry(a.path()), entry(b.path()));
    for k in ["action", "target", "summary"] {
        assert_eq!(ea[k], eb[k], "{k}");
    }
    assert_eq!(ea["actor"]["type"], "remote");
    assert_eq!(eb["actor"], json!({"type":"host","clientId":"cli"}));
}

#[tokio::test(flavor = "multi_thread")]
async fn server_and_offline_cli_writes_both_land() {
    let dir = workspace();
    let s = Server::auto(dir.path());
    let path = format!("/workspace/{}/plugins", s.ws_id(0));
    let ws_arg = dir.path().to_str().unwrap().to_string();
    let env = serve::Env::new();
    let cli = std::thread::spawn(move || {
        let mut codes = Vec::new();
        for i in 0..10 {
            let spec = format!("cli-plugin-{i}");
            codes.push(serve::run_cli(&env, &["-w", &ws_arg, "plugins", "add", &spec], &[]).0);
        }
        codes
    });
    let bodies: Vec<Value> = (0..10)
        .map(|i| json!({"spec": format!("server-plugin-{i}")}))
        .collect();
    let posts = bodies.iter().map(|b| s.post(&path, b));
    for r in futures_util::future::join_all(posts).await {
        assert_eq!(r.status, 200, "{r:?}");
    }
    assert!(cli.join().unwrap().iter().all(|c| *c == Some(0)));
    let list = s.get(&path).await;
    let specs: Vec<&str> = list.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["spec"].as_str())
        .collect();
    for i in 0..10 {
        assert!(
            specs.contains(&format!("cli-plugin-{i}").as_str()),
            "{specs:?}"
        );
        assert!(
            specs.contains(&format!("server-plugin-{i}").as_str()),
            "{specs:?}"
        );
    }
    let log = std::fs::read_to_string(dir.path().join(".opencode/openwork/audit.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 20);
}

#[tokio::test(flavor = "multi_thread")]
async fn authentication_failures_are_401() {
    let dir = workspace();
    let s = Server::auto(dir.path());
    let plugins = format!("/workspace/{}/plugins", s.ws_id(0));
    let bearer = format!("Bearer {}", s.client_token);
    let cases: Vec<(&str, reqwest::RequestBuilder)> = vec![
        ("missing", s.request(Method::GET, &plugins)),
        (
            "wrong",
            s.request(Method::GET, &plugins)
                .header("Authorization", "Bearer nope"),
        ),
        (
            "no scheme",
            s.request(Method::GET, &plugins)
                .header("Authorization", s.client_token.clone()),
        ),
        (
            "duplicate",
            s.request(Method::GET, &plugins)
                .header("Authorization", bearer.clone())
                .header("Authorization", bearer.clone()),
        ),
        (
            "host token as bearer",
            s.request(Method::GET, &plugins)
                .header("Authorization", format!("Bearer {}", s.host_token)),
        ),
        (
            "host header on a client route",
            s.request(Method::GET, &plugins)
                .header("X-OpenWork-Host-Token", s.host_token.clone()),
        ),
        (
            "client token on a host route",
            s.client(Method::GET, "/approvals"),
        ),
        (
            "duplicate host header",
            s.request(Method::GET, "/approvals")
                .header("X-OpenWork-Host-Token", s.host_token.clone())
                .header("X-OpenWork-Host-Token", s.host_token.clone()),
        ),
        (
            "global commands without the host token",
            s.client(
                Method::GET,
                &format!("/workspace/{}/commands?scope=global", s.ws_id(0)),
            ),
        ),
        (
            "write without a token",
            s.request(Method::POST, &plugins)
                .json(&json!({"spec": "x"})),
        ),
    ];
    let before = snapshot(dir.path());
    for (what, req) in cases {
        let r = serve::send(req).await;
        assert_eq!(r.status, 401, "{what}: {r:?}");
        assert_eq!(r.code(), "unauthorized", "{what}");
        assert!(!r.text.contains(&s.client_token) && !r.text.contains(&s.host_token));
    }
    assert_eq!(snapshot(dir.path()), before);

    // Scheme in any case; host routes with the host token; both for global commands.
    let r = serve::send(
        s.request(Method::GET, &plugins)
            .header("Authorization", format!("bEaReR {}", s.client_token)),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        serve::send(s.host(Method::GET, "/approvals")).await.status,
        200
    );
    let r = serve::send(
        s.client(
            Method::GET,
            &format!("/workspace/{}/commands?scope=global", s.ws_id(0)),
        )
        .header("X-OpenWork-Host-Token", s.host_token.clone()),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json, json!({"items": []}));
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_follows_the_allowed_list() {
    let dir = workspace();
    // Default: `*` on everything, errors and 404s included.
    let any = Server::auto(dir.path());
    for req in [
        any.request(Method::GET, "/health")
            .header("Origin", "https://x.example"),
        any.request(Method::GET, "/nope"),
        any.request(Method::GET, "/capabilities"),
    ] {
        let r = serve::send(req).await;
        assert_eq!(r.header("access-control-allow-origin"), Some("*"), "{r:?}");
        assert_eq!(r.header("vary"), Some("Origin"));
        assert_eq!(
            r.header("access-control-allow-headers"),
            Some("Authorization, Content-Type, X-OpenWork-Host-Token, X-OpenWork-Client-Id")
        );
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some("GET,POST,PATCH,DELETE,OPTIONS")
        );
    }
    drop(any);

    // A list given as repeated and comma-separated flags accumulates.
    let s = Server::start(
        &[dir.path()],
        &[
            "--cors",
            "https://a.example",
            "--cors",
            "https://b.example,https://c.example",
        ],
    );
    for origin in [
        "https://a.example",
        "https://b.example",
        "https://c.example",
    ] {
        let r = serve::send(s.request(Method::GET, "/health").header("Origin", origin)).await;
        assert_eq!(r.header("access-control-allow-origin"), Some(origin));
        assert_eq!(r.header("vary"), Some("Origin"));
    }
    // Disallowed or absent origin: no CORS headers at all.
    for req in [
        s.request(Method::GET, "/health")
            .header("Origin", "https://evil.example"),
        s.request(Method::GET, "/health"),
    ] {
        let r = serve::send(req).await;
        assert_eq!(r.status, 200);
        for h in [
            "access-control-allow-origin",
            "access-control-allow-headers",
            "access-control-allow-methods",
            "vary",
        ] {
            assert!(r.header(h).is_none(), "{h}");
        }
    }
    // Preflight: 204 without auth, on any path.
    for path in ["/workspace/whatever/plugins", "/approvals", "/nope"] {
        let r = serve::send(
            s.request(Method::OPTIONS, path)
                .header("Origin", "https://a.example")
                .header("Access-Control-Request-Method", "POST"),
        )
        .await;
        assert_eq!(r.status, 204, "{path}");
        assert_eq!(r.text, "");
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://a.example")
        );
    }
    // Errors carry CORS headers too.
    let r = serve::send(
        s.request(Method::GET, "/capabilities")
            .header("Origin", "https://b.example"),
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://b.example")
    );
}

/// Every 4xx of docs/api.md#errors that a request can cause, each leaving every file
/// of the workspace byte-identical.
#[tokio::test(flavor = "multi_thread")]
async fn validation_errors_change_no_file() {
    let dir = workspace();
    write(
        &dir.path().join(".opencode/skills/existing/SKILL.md"),
        "---\nname: existing\ndescription: Here\n---\nBody\n",
    );
    let s = Server::auto(dir.path());
    let id = s.ws_id(0);
    let w = |rest: &str| format!("/workspace/{id}{rest}");
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let deep_obj = format!("{{\"spec\": {deep}}}");
    let raw = |m: Method, p: String, body: Vec<u8>| (m, p, body);
    let js = |m: Method, p: String, v: Value| (m, p, serde_json::to_vec(&v).unwrap());
    type Case = ((Method, String, Vec<u8>), u16, &'static str);
    let cases: Vec<Case> = vec![
        (
            raw(Method::POST, w("/plugins"), b"not json".to_vec()),
            400,
            "invalid_json",
        ),
        (
            raw(Method::POST, w("/plugins"), b"".to_vec()),
            400,
            "invalid_json",
        ),
        (
            raw(Method::POST, w("/plugins"), b"null".to_vec()),
            400,
            "invalid_json",
        ),
        (
            raw(Method::POST, w("/plugins"), b"[\"x\"]".to_vec()),
            400,
            "invalid_json",
        ),
        (
            raw(Method::POST, w("/plugins"), b"\"x\"".to_vec()),
            400,
            "invalid_json",
        ),
        (
            raw(
                Method::POST,
                w("/plugins"),
                b"{\"spec\": \"a\xffb\"}".to_vec(),
            ),
            400,
            "invalid_json",
        ),
        (
            raw(
                Method::POST,
                w("/plugins"),
                br#"{"spec": "\ud800"}"#.to_vec(),
            ),
            400,
            "invalid_json",
        ),
        (
            raw(Method::POST, w("/plugins"), deep_obj.into_bytes()),
            400,
            "invalid_json",
        ),
        (
            js(Method::POST, w("/plugins"), json!({})),
            400,
            "invalid_plugin_spec",
        ),
        (
            js(Method::POST, w("/plugins"), json!({"spec": ""})),
            400,
            "invalid_plugin_spec",
        ),
        (
            js(Method::POST, w("/plugins"), json!({"spec": "  "})),
            400,
            "invalid_plugin_spec",
        ),
        (
            js(Method::POST, w("/plugins"), json!({"spec": 5})),
            400,
            "invalid_plugin_spec",
        ),
        (
            js(Method::POST, w("/plugins"), json!({"spec": ["x"]})),
            400,
            "invalid_plugin_spec",
        ),
        (
            js(Method::POST, w("/plugins"), json!({"spec": "a\u{0}b"})),
            400,
            "invalid_plugin_spec",
        ),
        // Not a form OpenCode installs (npm's rules, URLs): the same rule
        // as the CLI's.
        (
            js(Method::POST, w("/plugins"), json!({"spec": "has space"})),
            400,
            "invalid_plugin_spec",
        ),
        (
            js(Method::POST, w("/plugins"), json!({"spec": "--force"})),
            400,
            "invalid_plugin_spec",
        ),
        (
            js(Method::POST, w("/plugins"), json!({"spec": "Upper@1"})),
            400,
            "invalid_plugin_spec",
        ),
        (
            js(
                Method::POST,
                w("/plugins"),
                json!({"spec": "ftp://h/p.tgz"}),
            ),
            400,
            "invalid_plugin_spec",
        ),
        (
            js(
                Method::POST,
                w("/mcp"),
                json!({"name": "r", "config": {"type": "remote", "url": "notaurl"}}),
            ),
            400,
            "invalid_mcp_config",
        ),
        (
            js(Method::POST, w("/plugins"), json!({"spec": "a\nb"})),
            400,
            "invalid_plugin_spec",
        ),
        (
            js(
                Method::POST,
                w("/plugins"),
                json!({"spec": "x".repeat(513)}),
            ),
            400,
            "invalid_plugin_spec",
        ),
        (
            raw(Method::DELETE, w("/plugins/%ZZ"), vec![]),
            400,
            "invalid_path",
        ),
        (
            raw(Method::DELETE, w("/plugins/%ff"), vec![]),
            400,
            "invalid_path",
        ),
        (
            raw(Method::DELETE, w("/skills/a%2"), vec![]),
            400,
            "invalid_path",
        ),
        (
            raw(Method::GET, "/workspace/%ZZ/plugins".into(), vec![]),
            400,
            "invalid_path",
        ),
        (
            js(
                Method::POST,
                w("/skills"),
                json!({"name": "Bad_Name", "content": "x", "description": "d"}),
            ),
            400,
            "invalid_skill_name",
        ),
        (
            js(
                Method::POST,
                w("/skills"),
                json!({"name": "../evil", "content": "x", "description": "d"}),
            ),
            400,
            "invalid_skill_name",
        ),
        (
            js(
                Method::POST,
                w("/skills"),
                json!({"name": "a".repeat(65), "content": "x", "description": "d"}),
            ),
            400,
            "invalid_skill_name",
        ),
        (
            js(
                Method::POST,
                w("/skills"),
                json!({"name": 7, "content": "x", "description": "d"}),
            ),
            400,
            "invalid_skill_name",
        ),
        (
            js(
                Method::POST,
                w("/skills"),
                json!({"name": "s", "content": "---\nname: other\n---\nx", "description": "d"}),
            ),
            400,
            "invalid_skill_name",
        ),
        (
            js(
                Method::POST,
                w("/skills"),
                json!({"name": "s", "content": "", "description": "d"}),
            ),
            400,
            "invalid_skill_content",
        ),
        (
            js(
                Method::POST,
                w("/skills"),
                json!({"name": "s", "description": "d"}),
            ),
            400,
            "invalid_skill_content",
        ),
        (
            js(
                Method::POST,
                w("/skills"),
                json!({"name": "s", "content": "---\nname: [\n---\nx", "description": "d"}),
            ),
            400,
            "invalid_frontmatter",
        ),
        (
            js(
                Method::POST,
                w("/skills"),
                json!({"name": "s", "content": "x"}),
            ),
            422,
            "invalid_description",
        ),
        (
            js(
                Method::POST,
                w("/skills"),
                json!({"name": "s", "content": "x", "description": "d".repeat(1025)}),
            ),
            422,
            "invalid_description",
        ),
        (
            js(
                Method::POST,
                w("/skills"),
                json!({"name": "s", "content": "x", "description": 5}),
            ),
            400,
            "invalid_payload",
        ),
        (
            raw(Method::DELETE, w("/skills/..%2Fx"), vec![]),
            400,
            "invalid_skill_name",
        ),
        (
            raw(Method::DELETE, w("/skills/missing"), vec![]),
            404,
            "skill_not_found",
        ),
        (
            js(
                Method::POST,
                w("/commands"),
                json!({"name": "../x", "template": "t"}),
            ),
            400,
            "invalid_command_name",
        ),
        (
            js(
                Method::POST,
                w("/commands"),
                json!({"name": "a b", "template": "t"}),
            ),
            400,
            "invalid_command_name",
        ),
        (
            js(
                Method::POST,
                w("/commands"),
                json!({"name": "x".repeat(129), "template": "t"}),
            ),
            400,
            "invalid_command_name",
        ),
        (
            js(
                Method::POST,
                w("/commands"),
                json!({"name": "ok", "template": "  "}),
            ),
            400,
            "invalid_command_template",
        ),
        (
            js(
                Method::POST,
                w("/commands"),
                json!({"name": "ok", "template": 1}),
            ),
            400,
            "invalid_command_template",
        ),
        (
            js(
                Method::POST,
                w("/commands"),
                json!({"name": "ok", "template": "t", "subtask": "yes"}),
            ),
            400,
            "invalid_payload",
        ),
        (
            raw(Method::DELETE, w("/commands/a%2F..%2Fb"), vec![]),
            400,
            "invalid_command_name",
        ),
        (
            js(
                Method::POST,
                w("/import"),
                json!({"commands": [{"content": "no name here"}]}),
            ),
            400,
            "invalid_command",
        ),
        (
            js(
                Method::POST,
                w("/import"),
                json!({"skills": [{"name": "ok", "content": "x", "description": "d"}, {"name": "Bad", "content": "x", "description": "d"}], "mode": {"skills": "replace"}}),
            ),
            400,
            "invalid_skill_name",
        ),
        (
            js(Method::POST, w("/import"), json!({"opencode": "x"})),
            400,
            "invalid_payload",
        ),
        (
            js(
                Method::POST,
                w("/import"),
                json!({"mode": {"skills": "wipe"}}),
            ),
            400,
            "invalid_payload",
        ),
        (
            js(
                Method::POST,
                w("/mcp"),
                json!({"name": "-x", "config": {"type": "remote", "url": "https://x"}}),
            ),
            400,
            "invalid_mcp_name",
        ),
        (
            js(
                Method::POST,
                w("/mcp"),
                json!({"name": "a/b", "config": {"type": "remote", "url": "https://x"}}),
            ),
            400,
            "invalid_mcp_name",
        ),
        (
            js(
                Method::POST,
                w("/mcp"),
                json!({"name": "x".repeat(129), "config": {"type": "remote", "url": "https://x"}}),
            ),
            400,
            "invalid_mcp_name",
        ),
        (
            js(Method::POST, w("/mcp"), json!({"name": "x"})),
            400,
            "invalid_payload",
        ),
        (
            js(
                Method::POST,
                w("/mcp"),
                json!({"name": "x", "config": {"type": "local"}}),
            ),
            400,
            "invalid_mcp_config",
        ),
        (
            js(
                Method::POST,
                w("/mcp"),
                json!({"name": "x", "config": {"type": "remote"}}),
            ),
            400,
            "invalid_mcp_config",
        ),
        (
            js(
                Method::POST,
                w("/mcp"),
                json!({"name": "x", "config": {"type": "other"}}),
            ),
            400,
            "invalid_mcp_config",
        ),
        (
            js(
                Method::POST,
                w("/mcp"),
                json!({"name": "x", "config": "npx"}),
            ),
            400,
            "invalid_mcp_config",
        ),
        (
            raw(Method::DELETE, w("/mcp/a.b"), vec![]),
            400,
            "invalid_mcp_name",
        ),
        (
            js(Method::PATCH, w("/config"), json!({})),
            400,
            "invalid_payload",
        ),
        (
            js(Method::PATCH, w("/config"), json!({"opencode": "x"})),
            400,
            "invalid_payload",
        ),
        (
            js(Method::PATCH, w("/config"), json!({"openwork": [1]})),
            400,
            "invalid_payload",
        ),
        (
            js(
                Method::PATCH,
                w("/config"),
                json!({"opencode": {"plugin": ["-rf"]}}),
            ),
            400,
            "invalid_plugin_spec",
        ),
        (
            js(
                Method::POST,
                "/approvals/nope".into(),
                json!({"reply": "allow"}),
            ),
            404,
            "approval_not_found",
        ),
    ];
    let before = snapshot(dir.path());
    for ((method, path, body), status, code) in cases {
        let req = if path.starts_with("/approvals") {
            s.host(method.clone(), &path)
        } else {
            s.client(method.clone(), &path)
        };
        let r = serve::send(req.header("Content-Type", "application/json").body(body)).await;
        assert_eq!(
            (r.status, r.code()),
            (status, code),
            "{method} {path}: {r:?}"
        );
        assert!(r.json["message"].is_string(), "{r:?}");
        assert!(!r.text.contains("/src/"), "no source paths: {r:?}");
        assert_eq!(
            snapshot(dir.path()),
            before,
            "{method} {path} changed a file"
        );
    }
    // No audit entries and no lock file were created by any of these.
    assert!(!dir.path().join(".opencode/openwork").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_files_on_disk_are_422_and_left_alone() {
    let dir = workspace();
    let s = Server::auto(dir.path());
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    write(
        &dir.path().join("opencode.jsonc"),
        "{\n  \"a\": 1,\n  \"b\": \n}\n",
    );
    let before = snapshot(dir.path());
    let r = s.post(&w("/plugins"), &json!({"spec": "x"})).await;
    assert_eq!((r.status, r.code()), (422, "invalid_jsonc"), "{r:?}");
    let d = &r.json["details"][0];
    assert_eq!(d["line"], 4);
    assert!(
        d["column"].is_u64()
            && d["offset"].is_u64()
            && d["length"].is_u64()
            && d["code"].is_string()
    );
    let r = s.get(&w("/config")).await;
    assert_eq!((r.status, r.code()), (422, "invalid_jsonc"));
    assert_eq!(snapshot(dir.path()), before);

    write(&dir.path().join("opencode.jsonc"), "{}\n");
    write(&dir.path().join(".opencode/openwork.json"), "{ nope");
    let before = snapshot(dir.path());
    let r = s
        .send_json(Method::PATCH, &w("/config"), &json!({"openwork": {"a": 1}}))
        .await;
    assert_eq!((r.status, r.code()), (422, "invalid_json"), "{r:?}");
    assert_eq!(snapshot(dir.path()), before);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn writes_never_follow_a_link_out_of_the_workspace() {
    let dir = workspace();
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("SKILL.md"), "outside\n");
    std::fs::create_dir_all(dir.path().join(".opencode/skills")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join(".opencode/skills/evil")).unwrap();
    let s = Server::auto(dir.path());
    let r = s
        .post(
            &format!("/workspace/{}/skills", s.ws_id(0)),
            &json!({"name": "evil", "content": "x", "description": "d"}),
        )
        .await;
    assert!(r.status == 409 || r.status == 400, "{r:?}");
    assert!(
        !r.text.contains(&*outside.path().to_string_lossy()),
        "{r:?}"
    );
    assert_eq!(
        std::fs::read_to_string(outside.path().join("SKILL.md")).unwrap(),
        "outside\n"
    );
    let listed = s.get(&format!("/workspace/{}/skills", s.ws_id(0))).await;
    assert_eq!(listed.json, json!({"items": []}));
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_refuses_writes_and_changes_nothing() {
    let dir = workspace();
    let s = Server::start(&[dir.path()], &["--read-only", "--approval", "auto"]);
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    let caps = s.get("/capabilities").await;
    for k in ["skills", "plugins", "mcp", "commands", "config"] {
        assert_eq!(caps.json[k]["write"], false, "{k}");
        assert_eq!(caps.json[k]["read"], true, "{k}");
    }
    let before = snapshot(dir.path());
    let writes = [
        (Method::POST, w("/plugins"), json!({"spec": "x"})),
        (
            Method::POST,
            w("/skills"),
            json!({"name": "s", "content": "x", "description": "d"}),
        ),
        (
            Method::POST,
            w("/mcp"),
            json!({"name": "m", "config": {"type": "remote", "url": "https://x"}}),
        ),
        (
            Method::POST,
            w("/commands"),
            json!({"name": "c", "template": "t"}),
        ),
        (
            Method::PATCH,
            w("/config"),
            json!({"opencode": {"username": "light"}}),
        ),
        (Method::POST, w("/import"), json!({"openwork": {"a": 1}})),
    ];
    for (m, p, body) in writes {
        let r = s.send_json(m.clone(), &p, &body).await;
        assert_eq!((r.status, r.code()), (403, "read_only"), "{m} {p}: {r:?}");
    }
    // Validation still comes first, and a write that changes nothing is fine.
    let r = s.post(&w("/plugins"), &json!({"spec": ""})).await;
    assert_eq!(r.code(), "invalid_plugin_spec");
    let r = s
        .send_json(
            Method::PATCH,
            &w("/config"),
            &json!({"opencode": {"theme": "dark"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = s.delete(&w("/commands/none")).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(snapshot(dir.path()), before);
    assert_eq!(s.get(&w("/plugins")).await.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_over_one_mib_are_413() {
    let dir = workspace();
    let s = Server::auto(dir.path());
    let path = format!("/workspace/{}/plugins", s.ws_id(0));
    let before = snapshot(dir.path());
    let big = format!("{{\"spec\": \"{}\"}}", "a".repeat(2 * 1024 * 1024));

    // Content-Length over the limit: answered before any body byte is sent.
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        s.addr(),
        s.client_token,
        big.len()
    );
    let answer = raw_http(&s.addr(), &head, b"");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("\"code\":\"payload_too_large\""),
        "{answer}"
    );
    // A client that goes on sending its body after the answer (as most
    // HTTP clients do, reading only once the body is sent) can send all
    // of it and then read the 413: the server reads and drops the rest
    // before it closes. Closing with unread bytes would be a reset, which
    // fails the client's next write and destroys the answer.
    let answer = {
        use std::io::{Read, Write};
        let mut c = std::net::TcpStream::connect(s.addr()).unwrap();
        c.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        c.write_all(head.as_bytes()).unwrap();
        for (i, chunk) in big.as_bytes().chunks(64 * 1024).enumerate() {
            std::thread::sleep(std::time::Duration::from_millis(5));
            c.write_all(chunk)
                .unwrap_or_else(|e| panic!("body chunk {i} after the answer: {e}"));
        }
        let mut answer = String::new();
        let _ = c.read_to_string(&mut answer);
        answer
    };
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // A chunked body is cut off at the limit.
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        s.addr(),
        s.client_token
    );
    let mut body = Vec::new();
    for chunk in big.as_bytes().chunks(64 * 1024).take(17) {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(chunk);
        body.extend_from_slice(b"\r\n");
    }
    let answer = raw_http(&s.addr(), &head, &body);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");

    // reqwest with the whole 2 MiB body.
    let r = serve::send(
        s.client(Method::POST, &path)
            .header("Content-Type", "application/json")
            .body(big.clone()),
    )
    .await;
    assert_eq!((r.status, r.code()), (413, "payload_too_large"));
    assert_eq!(snapshot(dir.path()), before);

    // Just under the limit is read (and then judged on its content).
    let r = s
        .post(&path, &json!({"spec": "a".repeat(1000 * 1000)}))
        .await;
    assert_eq!(r.code(), "invalid_plugin_spec");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_workspaces_are_listed_and_addressable() {
    let a = workspace();
    let b = tempfile::tempdir().unwrap();
    let s = Server::start(&[a.path(), b.path()], &["--approval", "auto"]);
    assert_eq!(s.workspaces.len(), 2);
    let list = s.get("/workspaces").await;
    let items = list.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], s.ws_id(0).as_str());
    assert_eq!(items[1]["id"], s.ws_id(1).as_str());
    assert_eq!(items[1]["path"], b.path().to_string_lossy().as_ref());
    assert!(items[0].get("opencode").is_none());

    let r = s
        .post(
            &format!("/workspace/{}/plugins", s.ws_id(1)),
            &json!({"spec": "only-in-b"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(b.path().join("opencode.jsonc").is_file());
    let a_list = s.get(&format!("/workspace/{}/plugins", s.ws_id(0))).await;
    assert_eq!(a_list.json["items"], json!([]));
    let b_config = s.get(&format!("/workspace/{}/config", s.ws_id(1))).await;
    assert_eq!(b_config.json["opencode"]["plugin"], json!(["only-in-b"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn config_etag_and_if_match() {
    let dir = workspace();
    let s = Server::auto(dir.path());
    let path = format!("/workspace/{}/config", s.ws_id(0));
    let first = s.get(&path).await;
    let etag = first.header("etag").unwrap().to_string();
    assert_eq!(
        s.get(&path).await.header("etag"),
        Some(etag.as_str()),
        "stable"
    );

    let ok = serve::send(
        s.client(Method::PATCH, &path)
            .header("If-Match", &etag)
            .json(&json!({"opencode": {"username": "light"}})),
    )
    .await;
    assert_eq!(ok.status, 200, "{ok:?}");
    let new_etag = ok.header("etag").unwrap().to_string();
    assert_ne!(new_etag, etag);

    let before = snapshot(dir.path());
    let stale = serve::send(
        s.client(Method::PATCH, &path)
            .header("If-Match", &etag)
            .json(&json!({"opencode": {"username": "blue"}})),
    )
    .await;
    assert_eq!((stale.status, stale.code()), (409, "conflict"), "{stale:?}");
    assert_eq!(snapshot(dir.path()), before);

    // An edit by hand changes the tag too.
    let text = std::fs::read_to_string(dir.path().join("opencode.jsonc")).unwrap();
    std::fs::write(
        dir.path().join("opencode.jsonc"),
        text.replace("// my settings", "// mine"),
    )
    .unwrap();
    let r = serve::send(
        s.client(Method::PATCH, &path)
            .header("If-Match", &new_etag)
            .json(&json!({"opencode": {"username": "blue"}})),
    )
    .await;
    assert_eq!(r.code(), "conflict");
    let star = serve::send(
        s.client(Method::PATCH, &path)
            .header("If-Match", "*")
            .json(&json!({"opencode": {"username": "blue"}})),
    )
    .await;
    assert_eq!(star.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn workspaces_outside_the_authorized_roots_are_403() {
    let dir = workspace();
    let env = serve::Env::new();
    let roots = tempfile::tempdir().unwrap();
    let cfg = env.config_dir().join("openwork/server.json");
    write(
        &cfg,
        &json!({"authorizedRoots": [roots.path()], "approval": {"mode": "auto"}}).to_string(),
    );
    let s = Server::start_with(env, &[dir.path()], &[], &[]);
    assert!(s.stderr().contains("authorized") || s.workspaces.len() == 1);
    let r = s.get(&format!("/workspace/{}/plugins", s.ws_id(0))).await;
    assert_eq!(
        (r.status, r.code()),
        (403, "workspace_unauthorized"),
        "{r:?}"
    );
    let r = s
        .post(
            &format!("/workspace/{}/plugins", s.ws_id(0)),
            &json!({"spec": "x"}),
        )
        .await;
    assert_eq!(r.code(), "workspace_unauthorized");
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_from_environment_and_config_file() {
    let a = workspace();
    let b = tempfile::tempdir().unwrap();
    let env = serve::Env::new();
    write(
        &env.config_dir().join("openwork/server.json"),
        &json!({"token": "file-client-token-0123", "hostToken": "file-host-token-0123",
                "corsOrigins": ["https://file.example"], "readOnly": true})
        .to_string(),
    );
    let list = format!("{};{}", a.path().display(), b.path().display());
    let mut s = Server::start_with(
        env,
        &[],
        &[],
        &[
            ("OPENWORK_WORKSPACES", list.as_str()),
            ("OPENWORK_CORS_ORIGINS", "https://env.example"),
            ("OPENWORK_APPROVAL_MODE", "auto"),
        ],
    );
    // Tokens from the file are not printed.
    assert!(
        !s.boot_lines.iter().any(|l| l.contains("token")),
        "{:?}",
        s.boot_lines
    );
    s.client_token = "file-client-token-0123".into();
    s.host_token = "file-host-token-0123".into();
    let wss = s.get("/workspaces").await;
    assert_eq!(wss.json["items"].as_array().unwrap().len(), 2, "{wss:?}");
    let r = serve::send(
        s.request(Method::GET, "/health")
            .header("Origin", "https://env.example"),
    )
    .await;
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://env.example")
    );
    let r = serve::send(
        s.request(Method::GET, "/health")
            .header("Origin", "https://file.example"),
    )
    .await;
    assert!(r.header("access-control-allow-origin").is_none());
    assert_eq!(s.get("/capabilities").await.json["plugins"]["write"], false);
}
