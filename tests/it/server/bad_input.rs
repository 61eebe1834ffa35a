//! The hostile-input matrix of docs/api.md#hostile-input, end to end: malformed requests to
//! every endpoint of a real `openwork serve`. For each one: the status, the
//! error code, every file of the workspace byte-identical afterwards, no
//! token or source path in the answer, and `/health` still answering.
//!
//! The server runs in manual mode with a short approval timeout, so a
//! request that passes validation (a name exactly at its length limit, a
//! payload with unknown fields) is held for approval and ends in `403
//! write_denied` (`reason: timeout`) without touching a file: that is how
//! "accepted" shows here.

use crate::support::serve::{self, Server, raw_http};
use crate::support::{snapshot, workspace, write};
use reqwest::Method;
use serde_json::{Value, json};

/// Who the request claims to be.
#[derive(Clone)]
enum Auth {
    None,
    Client,
    Host,
    /// Headers given as is (name, value bytes), repeated names included.
    Headers(Vec<(&'static str, Vec<u8>)>),
}

/// How the request goes out.
#[derive(Clone)]
enum Req {
    /// Through reqwest: method, path (appended to the URL as is), auth, body.
    Http(Method, String, Auth, Vec<u8>),
    /// Bytes on a TCP connection: `{ID}`, `{CLIENT}`, `{HOST}` and `{ADDR}`
    /// in the head are replaced with the workspace id, the tokens and the
    /// server's address (the `Host` it answers to).
    Raw(String, Vec<u8>),
}

struct Case {
    what: String,
    req: Req,
    status: u16,
    code: &'static str,
}

/// What a request that passed validation gets here: held, then timed out.
const HELD: (u16, &str) = (403, "write_denied");

/// Not HTTP/1.1 at all (bytes a header may not hold, framing that
/// contradicts itself): the HTTP parser refuses it with a bare `400` and
/// closes the connection before any handler runs, so no JSON body.
const PROTOCOL: (u16, &str) = (400, "");

fn case(what: impl Into<String>, req: Req, (status, code): (u16, &'static str)) -> Case {
    Case {
        what: what.into(),
        req,
        status,
        code,
    }
}

fn js(v: Value) -> Vec<u8> {
    serde_json::to_vec(&v).unwrap()
}

fn raw_status_and_json(text: &str) -> (u16, Value) {
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|t| t.get(..3))
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (
        status,
        serde_json::from_str(body.trim()).unwrap_or(Value::Null),
    )
}

fn cases(id: &str) -> Vec<Case> {
    let w = |rest: &str| format!("/workspace/{id}{rest}");
    let post = |p: &str, body: Vec<u8>| Req::Http(Method::POST, w(p), Auth::Client, body);
    let patch = |body: Vec<u8>| Req::Http(Method::PATCH, w("/config"), Auth::Client, body);
    let delete = |p: &str| Req::Http(Method::DELETE, w(p), Auth::Client, vec![]);
    let get = |p: &str| Req::Http(Method::GET, p.to_string(), Auth::Client, vec![]);
    let host_post =
        |p: &str, body: Vec<u8>| Req::Http(Method::POST, p.to_string(), Auth::Host, body);
    // Raw, because clients (reqwest's URL parser included) resolve `%2e%2e`
    // and `..` segments before sending; a hostile client need not.
    let raw = |method: &str, path: &str, auth: &str| {
        Req::Raw(
            format!(
                "{method} {path} HTTP/1.1\r\nHost: {{ADDR}}\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n"
            ),
            vec![],
        )
    };
    let client = "Authorization: Bearer {CLIENT}\r\n";
    let mib = "x".repeat(1024 * 1024);
    let near_mib = "x".repeat(1_000_000);
    let bad = |code: &'static str| (400, code);
    let skill = |name: Value| js(json!({"name": name, "content": "Body", "description": "d"}));
    let command = |name: Value| js(json!({"name": name, "template": "Do it"}));
    let mcp =
        |name: Value| js(json!({"name": name, "config": {"type": "remote", "url": "https://x"}}));

    let mut c = vec![
        // ===== authentication: missing, malformed, duplicated, crossed =====
        case("no auth", get("/capabilities").clone_with(Auth::None), (401, "unauthorized")),
        case(
            "basic scheme",
            get("/workspaces").clone_with(Auth::Headers(vec![("authorization", b"Basic Y2xpZW50".to_vec())])),
            (401, "unauthorized"),
        ),
        case(
            "empty bearer",
            get(&w("/config")).clone_with(Auth::Headers(vec![("authorization", b"Bearer ".to_vec())])),
            (401, "unauthorized"),
        ),
        case(
            "bearer with two tokens",
            get(&w("/plugins")).clone_with(Auth::Headers(vec![("authorization", b"Bearer a b".to_vec())])),
            (401, "unauthorized"),
        ),
        case(
            "bearer with a non-ASCII byte",
            get(&w("/skills")).clone_with(Auth::Headers(vec![("authorization", b"Bearer \xfftoken".to_vec())])),
            (401, "unauthorized"),
        ),
        case(
            "duplicate Authorization (both the right token)",
            post("/plugins", js(json!({"spec": "dup"}))).clone_with(Auth::Headers(vec![
                ("authorization", b"Bearer {CLIENT}".to_vec()),
                ("authorization", b"Bearer {CLIENT}".to_vec()),
            ])),
            (401, "unauthorized"),
        ),
        case(
            "duplicate X-OpenWork-Client-Id",
            post("/plugins", js(json!({"spec": "dup"}))).clone_with(Auth::Headers(vec![
                ("authorization", b"Bearer {CLIENT}".to_vec()),
                ("x-openwork-client-id", b"a".to_vec()),
                ("x-openwork-client-id", b"b".to_vec()),
            ])),
            (401, "unauthorized"),
        ),
        case(
            "client token on a host route",
            get("/approvals").clone_with(Auth::Headers(vec![("authorization", b"Bearer {CLIENT}".to_vec())])),
            (401, "unauthorized"),
        ),
        case(
            "client token as the host token",
            host_post("/approvals/x", js(json!({"reply": "allow"})))
                .clone_with(Auth::Headers(vec![("x-openwork-host-token", b"{CLIENT}".to_vec())])),
            (401, "unauthorized"),
        ),
        case(
            "duplicate host token",
            get("/approvals").clone_with(Auth::Headers(vec![
                ("x-openwork-host-token", b"{HOST}".to_vec()),
                ("x-openwork-host-token", b"{HOST}".to_vec()),
            ])),
            (401, "unauthorized"),
        ),
        case(
            "host token on a client route",
            get(&w("/export")).clone_with(Auth::Host),
            (401, "unauthorized"),
        ),
        case(
            "host token as bearer on the event stream",
            get("/approvals/events").clone_with(Auth::Headers(vec![("authorization", b"Bearer {HOST}".to_vec())])),
            (401, "unauthorized"),
        ),
        case(
            "global commands without the host token",
            get(&w("/commands?scope=global")),
            (401, "unauthorized"),
        ),
        case(
            "a control character in the token (raw)",
            Req::Raw(
                "GET /workspaces HTTP/1.1\r\nHost: {ADDR}\r\nAuthorization: Bearer {CLIENT}\x01\r\nConnection: close\r\n\r\n".into(),
                vec![],
            ),
            PROTOCOL,
        ),
        case(
            "two different Content-Lengths (raw)",
            Req::Raw(
                "POST /workspace/{ID}/plugins HTTP/1.1\r\nHost: {ADDR}\r\nAuthorization: Bearer {CLIENT}\r\nContent-Length: 12\r\nContent-Length: 2\r\nConnection: close\r\n\r\n".into(),
                b"{\"spec\":\"s\"}".to_vec(),
            ),
            PROTOCOL,
        ),
        case(
            "a header line without a colon (raw)",
            Req::Raw(
                "GET /workspaces HTTP/1.1\r\nHost: {ADDR}\r\nAuthorization Bearer {CLIENT}\r\nConnection: close\r\n\r\n".into(),
                vec![],
            ),
            PROTOCOL,
        ),
        // ===== wrong methods and unknown routes =====
        case("PUT plugins", Req::Http(Method::PUT, w("/plugins"), Auth::Client, js(json!({"spec": "x"}))), (404, "not_found")),
        case("POST health", Req::Http(Method::POST, "/health".into(), Auth::None, vec![]), (404, "not_found")),
        case("DELETE config", delete("/config"), (404, "not_found")),
        case("PATCH approvals", Req::Http(Method::PATCH, "/approvals".into(), Auth::Host, vec![]), (404, "not_found")),
        case("GET import", get(&w("/import")), (404, "not_found")),
        case("POST export", post("/export", js(json!({}))), (404, "not_found")),
        case("POST audit", post("/audit", js(json!({}))), (404, "not_found")),
        case("DELETE workspaces", Req::Http(Method::DELETE, "/workspaces".into(), Auth::Client, vec![]), (404, "not_found")),
        // ===== broken JSON on every body =====
        case("truncated plugin body", post("/plugins", b"{\"spec\": ".to_vec()), bad("invalid_json")),
        case("truncated skill body", post("/skills", b"{\"name\": \"s\",".to_vec()), bad("invalid_json")),
        case("truncated mcp body", post("/mcp", b"{\"name\"".to_vec()), bad("invalid_json")),
        case("truncated command body", post("/commands", b"{".to_vec()), bad("invalid_json")),
        case("truncated import body", post("/import", b"{\"skills\": [".to_vec()), bad("invalid_json")),
        case("truncated config patch", patch(b"{\"opencode\": {}".to_vec()), bad("invalid_json")),
        case("truncated approval reply", host_post("/approvals/x", b"{\"reply\"".to_vec()), bad("invalid_json")),
        case("trailing garbage", post("/plugins", b"{\"spec\": \"x\"} {}".to_vec()), bad("invalid_json")),
        case("single quotes", post("/plugins", b"{'spec': 'x'}".to_vec()), bad("invalid_json")),
        case("JSON null body", post("/mcp", b"null".to_vec()), bad("invalid_json")),
        case("JSON array body", patch(b"[{\"opencode\": {}}]".to_vec()), bad("invalid_json")),
        case("empty body", post("/import", vec![]), bad("invalid_json")),
        case("invalid UTF-8 in a string", post("/skills", b"{\"name\": \"s\xc3\x28\", \"content\": \"x\", \"description\": \"d\"}".to_vec()), bad("invalid_json")),
        case("invalid UTF-8 in a key", patch(b"{\"open\xffcode\": {}}".to_vec()), bad("invalid_json")),
        case("lone surrogate", post("/commands", br#"{"name": "c", "template": "\udc00"}"#.to_vec()), bad("invalid_json")),
        case("raw NUL byte in a string", post("/plugins", b"{\"spec\": \"a\x00b\"}".to_vec()), bad("invalid_json")),
        case(
            "nesting past the parser's limit",
            post("/import", format!("{{\"opencode\": {{\"a\": {}{}}}}}", "[".repeat(600), "]".repeat(600)).into_bytes()),
            bad("invalid_json"),
        ),
        // ===== the wrong JSON type at every field =====
        case("spec: number", post("/plugins", js(json!({"spec": 5}))), bad("invalid_plugin_spec")),
        case("spec: bool", post("/plugins", js(json!({"spec": true}))), bad("invalid_plugin_spec")),
        case("spec: object", post("/plugins", js(json!({"spec": {"name": "x"}}))), bad("invalid_plugin_spec")),
        case("spec: null", post("/plugins", js(json!({"spec": null}))), bad("invalid_plugin_spec")),
        case("skill name: number", post("/skills", skill(json!(1))), bad("invalid_skill_name")),
        case("skill content: array", post("/skills", js(json!({"name": "s", "content": ["x"], "description": "d"}))), bad("invalid_skill_content")),
        case("skill description: object", post("/skills", js(json!({"name": "s", "content": "x", "description": {}}))), bad("invalid_payload")),
        case("mcp name: array", post("/mcp", mcp(json!(["x"]))), bad("invalid_mcp_name")),
        case("mcp config: string", post("/mcp", js(json!({"name": "m", "config": "npx x"}))), bad("invalid_mcp_config")),
        case("mcp config.type: number", post("/mcp", js(json!({"name": "m", "config": {"type": 1, "url": "https://x"}}))), bad("invalid_mcp_config")),
        case("mcp config.command: string", post("/mcp", js(json!({"name": "m", "config": {"type": "local", "command": "npx x"}}))), bad("invalid_mcp_config")),
        case("mcp config.command: numbers", post("/mcp", js(json!({"name": "m", "config": {"type": "local", "command": [1, 2]}}))), bad("invalid_mcp_config")),
        case("mcp config.url: number", post("/mcp", js(json!({"name": "m", "config": {"type": "remote", "url": 5}}))), bad("invalid_mcp_config")),
        case("command name: bool", post("/commands", command(json!(false))), bad("invalid_command_name")),
        case("command template: object", post("/commands", js(json!({"name": "c", "template": {}}))), bad("invalid_command_template")),
        case("command description: number", post("/commands", js(json!({"name": "c", "template": "t", "description": 1}))), bad("invalid_payload")),
        case("command agent: array", post("/commands", js(json!({"name": "c", "template": "t", "agent": ["a"]}))), bad("invalid_payload")),
        case("command model: number", post("/commands", js(json!({"name": "c", "template": "t", "model": 4}))), bad("invalid_payload")),
        case("command subtask: string", post("/commands", js(json!({"name": "c", "template": "t", "subtask": "yes"}))), bad("invalid_payload")),
        case("config opencode: array", patch(js(json!({"opencode": []}))), bad("invalid_payload")),
        case("config openwork: string", patch(js(json!({"openwork": "x"}))), bad("invalid_payload")),
        case("import opencode: array", post("/import", js(json!({"opencode": [1]}))), bad("invalid_payload")),
        case("import openwork: number", post("/import", js(json!({"openwork": 1}))), bad("invalid_payload")),
        case("import skills: object", post("/import", js(json!({"skills": {"name": "s"}}))), bad("invalid_payload")),
        case("import commands: string", post("/import", js(json!({"commands": "x"}))), bad("invalid_payload")),
        case("import skill entry: string", post("/import", js(json!({"skills": ["s"]}))), bad("invalid_payload")),
        case("import skill name: number", post("/import", js(json!({"skills": [{"name": 1, "content": "x", "description": "d"}]}))), bad("invalid_skill_name")),
        case("import command template: number", post("/import", js(json!({"commands": [{"name": "c", "template": 1}]}))), bad("invalid_command_template")),
        case("import mode: string", post("/import", js(json!({"mode": "replace"}))), bad("invalid_payload")),
        case("import mode value: number", post("/import", js(json!({"mode": {"skills": 1}}))), bad("invalid_payload")),
        case("approval reply: bool", host_post("/approvals/x", js(json!({"reply": true}))), bad("invalid_payload")),
        case("approval reply: unknown word", host_post("/approvals/x", js(json!({"reply": "maybe"}))), bad("invalid_payload")),
        // ===== control characters =====
        case("NUL in a plugin spec", post("/plugins", js(json!({"spec": "a\u{0}b"}))), bad("invalid_plugin_spec")),
        case("NUL in a skill name", post("/skills", skill(json!("a\u{0}"))), bad("invalid_skill_name")),
        case("NUL in a command name", post("/commands", command(json!("c\u{0}"))), bad("invalid_command_name")),
        case("NUL in an MCP name", post("/mcp", mcp(json!("m\u{0}"))), bad("invalid_mcp_name")),
        case("tab in an MCP name", post("/mcp", mcp(json!("m\tx"))), bad("invalid_mcp_name")),
        case("NUL in a DELETE name", delete("/commands/c%00"), bad("invalid_command_name")),
        case("NUL in a plugin DELETE", delete("/plugins/a%00b"), bad("invalid_plugin_spec")),
        // ===== 1 MiB strings =====
        case("1 MiB plugin spec", post("/plugins", js(json!({"spec": mib}))), (413, "payload_too_large")),
        case("1 MiB skill content", post("/skills", js(json!({"name": "big", "content": mib, "description": "d"}))), (413, "payload_too_large")),
        case("1 MiB config value", patch(js(json!({"opencode": {"username": mib}}))), (413, "payload_too_large")),
        case("1 MiB import", post("/import", js(json!({"openwork": {"k": mib}}))), (413, "payload_too_large")),
        case("near-1 MiB plugin spec", post("/plugins", js(json!({"spec": near_mib}))), bad("invalid_plugin_spec")),
        case("near-1 MiB skill name", post("/skills", skill(json!(near_mib))), bad("invalid_skill_name")),
        case("near-1 MiB command name", post("/commands", command(json!(near_mib))), bad("invalid_command_name")),
        case("near-1 MiB MCP name", post("/mcp", mcp(json!(near_mib))), bad("invalid_mcp_name")),
        case("near-1 MiB description", post("/skills", js(json!({"name": "s", "content": "x", "description": near_mib}))), (422, "invalid_description")),
        case("near-1 MiB approval id", host_post(&format!("/approvals/{}", "a".repeat(60_000)), js(json!({"reply": "deny"}))), (404, "approval_not_found")),
        // ===== path traversal in every name =====
        case("skill name ..", post("/skills", skill(json!(".."))), bad("invalid_skill_name")),
        case("skill name ../x", post("/skills", skill(json!("../x"))), bad("invalid_skill_name")),
        case("skill name a/b", post("/skills", skill(json!("a/b"))), bad("invalid_skill_name")),
        case("skill name %2e%2e", post("/skills", skill(json!("%2e%2e"))), bad("invalid_skill_name")),
        case("skill name absolute", post("/skills", skill(json!("/etc/passwd"))), bad("invalid_skill_name")),
        case("skill name backslash", post("/skills", skill(json!("..\\x"))), bad("invalid_skill_name")),
        case("command name ../x", post("/commands", command(json!("../x"))), bad("invalid_command_name")),
        case("command name absolute", post("/commands", command(json!("//etc/passwd"))), bad("invalid_command_name")),
        case("command name backslash", post("/commands", command(json!("a\\b"))), bad("invalid_command_name")),
        case("command name %2e%2e", post("/commands", command(json!("%2e%2e"))), bad("invalid_command_name")),
        case("command name C:\\", post("/commands", command(json!("C:\\x"))), bad("invalid_command_name")),
        case("MCP name ..", post("/mcp", mcp(json!(".."))), bad("invalid_mcp_name")),
        case("MCP name a/b", post("/mcp", mcp(json!("a/b"))), bad("invalid_mcp_name")),
        case("MCP name backslash", post("/mcp", mcp(json!("a\\b"))), bad("invalid_mcp_name")),
        case("DELETE skill %2e%2e (raw)", raw("DELETE", &w("/skills/%2e%2e"), client), bad("invalid_skill_name")),
        case("DELETE skill ..%2Fx", delete("/skills/..%2Fx"), bad("invalid_skill_name")),
        case("DELETE skill %2Fetc", delete("/skills/%2Fetc%2Fpasswd"), bad("invalid_skill_name")),
        case("DELETE skill %5C", delete("/skills/a%5Cb"), bad("invalid_skill_name")),
        case("DELETE command %2e%2e%2Fx", delete("/commands/%2e%2e%2Fx"), bad("invalid_command_name")),
        case("DELETE command %5C", delete("/commands/..%5Cx"), bad("invalid_command_name")),
        case("DELETE MCP %2e%2e (raw)", raw("DELETE", &w("/mcp/%2e%2e"), client), bad("invalid_mcp_name")),
        case("DELETE MCP %2Fetc", delete("/mcp/%2Fetc"), bad("invalid_mcp_name")),
        case("DELETE with malformed escape", delete("/mcp/%ZZ"), bad("invalid_path")),
        case("DELETE with non-UTF-8 escape", delete("/skills/%C3"), bad("invalid_path")),
        case("DELETE skill .. (raw)", raw("DELETE", &w("/skills/.."), client), bad("invalid_skill_name")),
        case("DELETE command .. (raw)", raw("DELETE", &w("/commands/.."), client), bad("invalid_command_name")),
        case("DELETE plugin .. (raw)", raw("DELETE", &w("/plugins/.."), client), (200, "")),
        case("DELETE skill %2E%2E%2F (raw)", raw("DELETE", &w("/skills/%2E%2E%2F%2E%2E%2Fetc"), client), bad("invalid_skill_name")),
        case("dot segments out of the API (raw)", raw("GET", &w("/../../etc/passwd"), client), (404, "not_found")),
        case("absolute-form target (raw)", raw("GET", "http://{ADDR}/etc/passwd", client), (404, "not_found")),
        case("absolute-form target for another host (raw)", raw("GET", "http://127.0.0.1/etc/passwd", client), (421, "host_not_allowed")),
        case("workspace id %2e%2e (raw)", raw("GET", "/workspace/%2e%2e/config", client), (404, "workspace_not_found")),
        case("workspace id ..%2F..%2Fetc", get("/workspace/..%2F..%2Fetc/plugins"), (404, "workspace_not_found")),
        case("workspace id absolute", get("/workspace/%2Fetc%2Fpasswd/export"), (404, "workspace_not_found")),
        case("import skill ../x", post("/import", js(json!({"skills": [{"name": "../x", "content": "x", "description": "d"}]}))), bad("invalid_skill_name")),
        case("import command a/../b", post("/import", js(json!({"commands": [{"name": "a/../b", "template": "t"}]}))), bad("invalid_command_name")),
        case("import command file naming ../x", post("/import", js(json!({"commands": [{"content": "---\nname: ../x\n---\nDo"}]}))), bad("invalid_command_name")),
        case("approval id %2E%2E (raw)", Req::Raw("POST /approvals/%2E%2E HTTP/1.1\r\nHost: {ADDR}\r\nX-OpenWork-Host-Token: {HOST}\r\nContent-Length: 16\r\nConnection: close\r\n\r\n".into(), b"{\"reply\":\"deny\"}".to_vec()), (404, "approval_not_found")),
        // ===== names at and past every length limit =====
        case("skill name of 64", post("/skills", skill(json!("a".repeat(64)))), HELD),
        case("skill name of 65", post("/skills", skill(json!("a".repeat(65)))), bad("invalid_skill_name")),
        case("DELETE skill name of 65", delete(&format!("/skills/{}", "a".repeat(65))), (404, "skill_not_found")),
        case("DELETE skill ..%2Fx", delete("/skills/..%2Fx"), bad("invalid_skill_name")),
        case("command name of 128", post("/commands", command(json!("c".repeat(128)))), HELD),
        case("command name of 129", post("/commands", command(json!("c".repeat(129)))), bad("invalid_command_name")),
        case("DELETE command name of 129", delete(&format!("/commands/{}", "c".repeat(129))), bad("invalid_command_name")),
        case("MCP name of 128", post("/mcp", mcp(json!("m".repeat(128)))), HELD),
        case("MCP name of 129", post("/mcp", mcp(json!("m".repeat(129)))), bad("invalid_mcp_name")),
        case("DELETE MCP name of 129", delete(&format!("/mcp/{}", "m".repeat(129))), bad("invalid_mcp_name")),
        case("plugin spec of 512", post("/plugins", js(json!({"spec": format!("./{}", "p".repeat(510))}))), HELD),
        case("plugin spec of 513", post("/plugins", js(json!({"spec": format!("./{}", "p".repeat(511))}))), bad("invalid_plugin_spec")),
        case("npm name of 214", post("/plugins", js(json!({"spec": "p".repeat(214)}))), HELD),
        case("npm name of 215", post("/plugins", js(json!({"spec": "p".repeat(215)}))), bad("invalid_plugin_spec")),
        case("DELETE plugin spec of 513", delete(&format!("/plugins/{}", "p".repeat(513))), bad("invalid_plugin_spec")),
        case("skill description of 1024", post("/skills", js(json!({"name": "s", "content": "x", "description": "d".repeat(1024)}))), HELD),
        case("skill description of 1025", post("/skills", js(json!({"name": "s", "content": "x", "description": "d".repeat(1025)}))), (422, "invalid_description")),
        case("frontmatter description of 1025", post("/skills", js(json!({"name": "s", "content": format!("---\ndescription: {}\n---\nx", "d".repeat(1025))}))), (422, "invalid_description")),
        case("command description of 1024", post("/commands", js(json!({"name": "c", "template": "t", "description": "d".repeat(1024)}))), HELD),
        case("command description of 1025", post("/commands", js(json!({"name": "c", "template": "t", "description": "d".repeat(1025)}))), bad("invalid_payload")),
        case("import skill description of 1025", post("/import", js(json!({"skills": [{"name": "s", "content": "x", "description": "d".repeat(1025)}]}))), (422, "invalid_description")),
        // ===== unknown fields are ignored, never obeyed =====
        case("unknown fields on a no-op plugin add", post("/plugins", js(json!({"spec": "existing", "path": "/etc/passwd", "workspace": ".."}))), (200, "")),
        case("unknown fields on a skill", post("/skills", js(json!({"name": "s", "content": "x", "description": "d", "path": "../../x", "scope": "global"}))), HELD),
        case("unknown fields on an MCP server", post("/mcp", js(json!({"name": "m", "config": {"type": "remote", "url": "https://x"}, "file": "/etc/passwd"}))), HELD),
        case("unknown fields on an approval reply", host_post("/approvals/x", js(json!({"reply": "allow", "id": "other"}))), (404, "approval_not_found")),
        case("unknown top-level keys of an import", post("/import", js(json!({"workspaceId": "ws_other", "files": {"/etc/passwd": "x"}}))), (200, "")),
        // ===== odd but harmless reads =====
        case("audit with a silly limit", get(&w("/audit?limit=1e999")), (200, "")),
        case("plugins with a malformed query", get(&w("/plugins?includeGlobal=%ZZ&&=")), (200, "")),
        case("DELETE of an absent plugin", delete("/plugins/..%2F..%2Fabsent"), (200, "")),
        case("DELETE of an absent command", delete("/commands/absent"), (200, "")),
    ];
    // Every field of every write, with the wrong type, once more as a
    // sweep: a JSON type none of them accepts.
    for (path, fields) in [
        ("/plugins", vec!["spec"]),
        ("/skills", vec!["name", "content", "description"]),
        ("/mcp", vec!["name", "config"]),
        (
            "/commands",
            vec![
                "name",
                "template",
                "description",
                "agent",
                "model",
                "subtask",
            ],
        ),
    ] {
        for field in fields {
            let mut body = match path {
                "/plugins" => json!({"spec": "x"}),
                "/skills" => json!({"name": "s", "content": "x", "description": "d"}),
                "/mcp" => json!({"name": "m", "config": {"type": "remote", "url": "https://x"}}),
                _ => json!({"name": "c", "template": "t"}),
            };
            body[field] = json!([[1.5]]);
            let code = match (path, field) {
                ("/plugins", _) => "invalid_plugin_spec",
                ("/skills", "name") => "invalid_skill_name",
                ("/skills", "content") => "invalid_skill_content",
                ("/mcp", "name") => "invalid_mcp_name",
                ("/mcp", "config") => "invalid_mcp_config",
                ("/commands", "name") => "invalid_command_name",
                ("/commands", "template") => "invalid_command_template",
                _ => "invalid_payload",
            };
            c.push(case(
                format!("{path} {field}: nested array"),
                post(path, js(body)),
                bad(code),
            ));
        }
    }
    c
}

trait WithAuth {
    fn clone_with(&self, auth: Auth) -> Req;
}

impl WithAuth for Req {
    fn clone_with(&self, auth: Auth) -> Req {
        match self {
            Req::Http(m, p, _, b) => Req::Http(m.clone(), p.clone(), auth, b.clone()),
            Req::Raw(..) => self.clone(),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn malformed_requests_to_every_endpoint_are_refused_cleanly() {
    let dir = workspace();
    let root = dir.path();
    write(
        &root.join("opencode.jsonc"),
        "{\n  // keep me\n  \"plugin\": [\"existing\"],\n  \"mcp\": { \"keep\": { \"type\": \"remote\", \"url\": \"https://k\" } },\n}\n",
    );
    write(
        &root.join(".opencode/skills/existing/SKILL.md"),
        "---\nname: existing\ndescription: Here\n---\nBody\n",
    );
    write(
        &root.join(".opencode/commands/existing.md"),
        "---\nname: existing\n---\n\nDo it\n",
    );
    let s = Server::start(
        &[root],
        &["--approval", "manual", "--approval-timeout", "200"],
    );
    let id = s.ws_id(0);
    let cases = cases(&id);
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let fill = |t: &[u8]| -> Vec<u8> {
        String::from_utf8_lossy(t)
            .replace("{ID}", &id)
            .replace("{CLIENT}", &s.client_token)
            .replace("{HOST}", &s.host_token)
            .replace("{ADDR}", &s.addr())
            .into_bytes()
    };
    let before = snapshot(root);
    let mut failures = Vec::new();
    for c in &cases {
        let (status, body, text) = match &c.req {
            Req::Http(method, path, auth, body) => {
                let mut req = s.request(method.clone(), path);
                req = match auth {
                    Auth::None => req,
                    Auth::Client => {
                        req.header("Authorization", format!("Bearer {}", s.client_token))
                    }
                    Auth::Host => req.header("X-OpenWork-Host-Token", &s.host_token),
                    Auth::Headers(hs) => {
                        for (k, v) in hs {
                            let v =
                                reqwest::header::HeaderValue::from_bytes(&fill(v)).expect("header");
                            req = req.header(*k, v);
                        }
                        req
                    }
                };
                if !body.is_empty() {
                    req = req
                        .header("Content-Type", "application/json")
                        .body(body.clone());
                }
                let r = serve::send(req).await;
                // A body refused unread: the connection is not reused.
                if r.status == 413 && r.header("connection") != Some("close") {
                    failures.push(format!("{}: 413 without Connection: close", c.what));
                }
                (r.status, r.json, r.text)
            }
            Req::Raw(head, body) => {
                let head = String::from_utf8_lossy(&fill(head.as_bytes())).into_owned();
                let (addr, body) = (s.addr(), body.clone());
                let text = tokio::task::spawn_blocking(move || raw_http(&addr, &head, &body))
                    .await
                    .unwrap();
                let (status, json) = raw_status_and_json(&text);
                (status, json, text)
            }
        };
        let code = body["code"].as_str().unwrap_or("");
        let mut wrong = Vec::new();
        if (status, code) != (c.status, c.code) {
            wrong.push(format!(
                "got {status} {code:?}, want {} {:?}",
                c.status, c.code
            ));
        }
        if status >= 400 && c.code.is_empty() {
            // PROTOCOL: a bare answer, and the connection closed.
            if !text.to_ascii_lowercase().contains("connection: close") {
                wrong.push("the connection was kept open".into());
            }
        } else if status >= 400 && !body["message"].is_string() {
            wrong.push("not a JSON error".into());
        }
        if c.code == "write_denied" && body["details"]["reason"] != "timeout" {
            wrong.push(format!("not held for approval: {}", body["details"]));
        }
        if text.contains(&s.client_token) || text.contains(&s.host_token) {
            wrong.push("a token is in the answer".into());
        }
        if text.contains("/src/") || text.contains(".rs:") {
            wrong.push("a source path is in the answer".into());
        }
        if snapshot(root) != before {
            wrong.push("a file changed".into());
        }
        let health = serve::send(s.request(Method::GET, "/health")).await;
        if health.status != 200 {
            wrong.push(format!("/health answered {}", health.status));
        }
        if !wrong.is_empty() {
            let shown: String = text.chars().take(300).collect();
            failures.push(format!("{}: {} — {shown}", c.what, wrong.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("{} malformed requests refused cleanly", cases.len());
    // Nothing was ever written: no audit log, no lock file.
    assert!(!root.join(".opencode/openwork").exists());
    assert!(s.pending().await.is_empty());
}

/// A write that rewrites a large config completely (20,000 entries replaced
/// by 20,000 others, a 300 KB body) is planned, diffed and put before the
/// host at once: the diff shown for approval is bounded in time, not
/// quadratic (before, this one request kept a core busy for a minute).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complete_rewrite_of_a_large_config_is_diffed_at_once() {
    let dir = tempfile::tempdir().unwrap();
    // 20,000 instructions replaced by 20,000 others: a config OpenCode takes.
    let list = |p: &str| {
        (0..20_000)
            .map(|i| format!("{p}{i}.md"))
            .collect::<Vec<_>>()
    };
    let (old, new) = (
        json!({ "instructions": list("a") }),
        json!({ "instructions": list("b") }),
    );
    write(
        &dir.path().join("opencode.jsonc"),
        &serde_json::to_string_pretty(&old).unwrap(),
    );
    let s = Server::start(
        &[dir.path()],
        &["--approval", "manual", "--approval-timeout", "60000"],
    );
    let before = snapshot(dir.path());
    let held = tokio::spawn(serve::send(
        s.client(Method::POST, &format!("/workspace/{}/import", s.ws_id(0)))
            .json(&json!({"opencode": new, "mode": {"opencode": "replace"}})),
    ));
    // The request reaches the host with its diff well within the helper's
    // bound (15 s); a quadratic diff takes far longer than that.
    let pending = s.wait_pending(1).await;
    let id = pending[0]["id"].as_str().unwrap();
    // Listed, the diff is cut; whole on the request's own route.
    assert_eq!(pending[0]["diffTruncated"], true);
    let whole = serve::send(s.host(Method::GET, &format!("/approvals/{id}"))).await;
    let diff = whole.json["diff"].as_str().unwrap();
    assert!(diff.contains("-    \"a19999.md\"") && diff.contains("+    \"b19999.md\""));
    let r = s.reply(id, "deny").await;
    assert_eq!(r.status, 200);
    let r = held.await.unwrap();
    assert_eq!((r.status, r.code()), (403, "write_denied"));
    assert_eq!(snapshot(dir.path()), before);
}

/// A config with a key twice (found by fuzzing the JSONC edit path): every
/// reader takes the last one, an edit would change the first — a write
/// acknowledged with no effect. So writes are refused with the place of
/// the repeat, reads still work, and the file is left as it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_with_a_repeated_key_is_reported_not_edited() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("opencode.jsonc"),
        "{\n  \"plugin\": [\"first\"],\n  // the one that counts\n  \"plugin\": [\"last\"],\n}\n",
    );
    let s = Server::auto(dir.path());
    let before = snapshot(dir.path());
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    let listed = s.get(&w("/plugins")).await;
    assert_eq!(listed.json["items"][0]["spec"], "last", "{listed:?}");
    for r in [
        s.post(&w("/plugins"), &json!({"spec": "new"})).await,
        s.delete(&w("/plugins/last")).await,
        s.send_json(
            Method::PATCH,
            &w("/config"),
            &json!({"opencode": {"username": "x"}}),
        )
        .await,
    ] {
        assert_eq!((r.status, r.code()), (422, "invalid_jsonc"), "{r:?}");
        assert_eq!(r.json["details"][0]["code"], "DuplicateKey");
        assert_eq!(r.json["details"][0]["line"], 4);
    }
    assert_eq!(snapshot(dir.path()), before);
}
