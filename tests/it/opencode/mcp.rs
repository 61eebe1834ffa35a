//! MCP servers in every form OpenCode reads — local with `cwd`,
//! `environment`, `timeout`; remote with headers and `oauth: false`; the
//! `{"enabled": false}` override — with `{env:VAR}` values, which openwork
//! keeps and lists as written and OpenCode substitutes: both servers must
//! connect and get the substituted values.

use super::Case;
use super::servers::{HttpServer, read_log, stdio_script};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn mcp_forms_and_placeholders() {
    let Some(mut c) = Case::new("proj", Some("proj")) else {
        return;
    };
    c.env = vec![
        ("OW_VAR".to_string(), "substituted".to_string()),
        ("OW_HEADER".to_string(), "from-env".to_string()),
    ];
    let http = HttpServer::start(&c.path("http.log"));
    std::fs::create_dir_all(c.path("proj/tools")).unwrap();
    // Relative to `cwd`, which OpenCode takes from the workspace.
    std::fs::copy(stdio_script(), c.path("proj/tools/stdio.mjs")).unwrap();
    let log = c.path("stdio.log");
    c.ow(&[
        "mcp",
        "add-json",
        "local",
        &json!({"type": "local", "command": ["node", "stdio.mjs", log], "cwd": "tools",
                "environment": {"OW_TEST_ENV": "{env:OW_VAR}"}, "timeout": 20000})
        .to_string(),
    ])
    .ok();
    // Over HTTP as the OpenWork app would.
    let s = c.serve(&[]);
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    let r = s
        .post(
            &w("/mcp"),
            &json!({"name": "remote", "config": {"type": "remote", "url": http.url,
                    "headers": {"X-From-Env": "{env:OW_HEADER}"}, "oauth": false}}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = s
        .post(&w("/mcp"), &json!({"name": "off", "config": {"type": "remote", "url": "http://127.0.0.1:9/mcp", "enabled": false}}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    // Listed as written.
    let listed = c.ow_json(&["mcp", "list"]);
    assert_eq!(
        listed["items"][0]["config"]["environment"]["OW_TEST_ENV"],
        "{env:OW_VAR}"
    );
    c.check(true, &["local", "remote"]);
    assert!(
        read_log(&log).iter().any(|l| l["env"] == "substituted"),
        "{:?}",
        read_log(&log)
    );
    assert!(
        http.requests()
            .iter()
            .any(|r| r["headers"]["x-from-env"] == "from-env"),
        "{:?}",
        http.requests()
    );
}

/// `mcp disable` and `mcp enable`, in place and by override, as OpenCode
/// reads them: its `mcp list` says disabled exactly where openwork does,
/// and a server switched back on connects.
#[tokio::test(flavor = "multi_thread")]
async fn servers_switched_off_and_on() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    let http = HttpServer::start(&c.path("http.log"));
    c.write(
        "proj/opencode.jsonc",
        &format!(
            "{{\n  // ours\n  \"mcp\": {{\n    \"mine\": {{\"type\": \"remote\", \"url\": \"{}\", \"oauth\": false}},\n  }},\n}}\n",
            http.url
        ),
    );
    c.write(
        "home/.config/opencode/opencode.json",
        &format!(
            "{{\"mcp\": {{\"theirs\": {{\"type\": \"remote\", \"url\": \"{}\", \"oauth\": false}}}}}}",
            http.url
        ),
    );
    c.ow(&["mcp", "disable", "mine", "theirs"]).ok();
    let seen = c.check(true, &[]);
    assert_eq!(seen.statuses["mine"], "disabled");
    assert_eq!(seen.statuses["theirs"], "disabled");
    c.ow(&["mcp", "enable", "mine", "theirs"]).ok();
    let text = std::fs::read_to_string(c.root.join("opencode.jsonc")).unwrap();
    assert!(
        text.contains("// ours") && !text.contains("theirs"),
        "{text}"
    );
    c.check(true, &["mine", "theirs"]);
}
