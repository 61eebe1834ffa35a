//! Starts the real `openwork serve` on 127.0.0.1 with a private HOME and
//! state folder, reads its boot lines, and drives it with reqwest. The
//! child is killed when the handle is dropped.

use super::bin;
use reqwest::Method;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BOOT_TIMEOUT: Duration = Duration::from_secs(20);

/// Private HOME, XDG config and state folders for one server run, which
/// starts in the folder `~/project` (what it serves when no workspace is
/// named).
pub struct Env {
    pub home: tempfile::TempDir,
    pub state: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            home: tempfile::tempdir().expect("tempdir"),
            state: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join(".config")
    }

    /// `openwork …` with only this environment (plus PATH), run from
    /// `~/project`.
    pub fn command(&self) -> Command {
        let project = self.home.path().join("project");
        std::fs::create_dir_all(&project).expect("mkdir");
        let mut c = Command::new(bin());
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.config_dir())
            .env("OPENWORK_STATE_DIR", self.state.path())
            .env("NO_COLOR", "1")
            .current_dir(project);
        c
    }
}

pub struct Server {
    child: Child,
    pub env: Env,
    pub url: String,
    pub client_token: String,
    pub host_token: String,
    /// `(name, id, path)` as printed on boot.
    pub workspaces: Vec<(String, String, PathBuf)>,
    pub boot_lines: Vec<String>,
    stderr: Arc<Mutex<String>>,
    pub http: reqwest::Client,
}

pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }
}

impl std::fmt::Debug for Resp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.text)
    }
}

impl Server {
    /// `openwork serve --host 127.0.0.1 --port 0 -w <each ws> ARGS…`.
    pub fn start(workspaces: &[&Path], args: &[&str]) -> Server {
        Server::start_with(Env::new(), workspaces, args, &[])
    }

    /// One workspace, every write approved at once (`--approval auto`).
    pub fn auto(workspace: &Path) -> Server {
        Server::start(&[workspace], &["--approval", "auto"])
    }

    pub fn start_with(
        env: Env,
        workspaces: &[&Path],
        args: &[&str],
        vars: &[(&str, &str)],
    ) -> Server {
        let mut cmd = env.command();
        cmd.arg("serve")
            .args(["--host", "127.0.0.1", "--port", "0"]);
        for w in workspaces {
            cmd.arg("--workspace").arg(w);
        }
        cmd.args(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null());
        let mut child = cmd.spawn().expect("spawn openwork serve");
        let stdout = child.stdout.take().expect("stdout");
        let stderr_pipe = child.stderr.take().expect("stderr");
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                let mut r = BufReader::new(stderr_pipe);
                let mut line = String::new();
                while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                    stderr.lock().unwrap().push_str(&line);
                    line.clear();
                }
            });
        }
        let (tx, rx) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + BOOT_TIMEOUT;
        let mut lines = Vec::new();
        let mut url = None;
        let mut ws = Vec::new();
        while url.is_none() || ws.len() < workspaces.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(u) = line.strip_prefix("openwork listening on ") {
                        url = Some(u.trim().to_string());
                    }
                    if let Some(rest) = line.strip_prefix("Workspace ") {
                        let parts: Vec<&str> = rest.split(' ').collect();
                        let id_at = parts
                            .iter()
                            .position(|p| p.starts_with("ws_") && p.len() == 15)
                            .expect("workspace id");
                        ws.push((
                            parts[..id_at].join(" "),
                            parts[id_at].to_string(),
                            PathBuf::from(parts[id_at + 1..].join(" ")),
                        ));
                    }
                    lines.push(line);
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "server did not boot; stdout: {lines:?}; stderr: {}",
                        stderr.lock().unwrap()
                    );
                }
            }
        }
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || while rx.recv().is_ok() {});
        let find = |prefix: &str| {
            lines
                .iter()
                .find_map(|l| l.strip_prefix(prefix).map(|t| t.trim().to_string()))
        };
        let flag = |name: &str| {
            args.iter()
                .position(|a| *a == name)
                .map(|i| args[i + 1].to_string())
        };
        let client_token = find("Client token: ")
            .or_else(|| flag("--token"))
            .unwrap_or_default();
        let host_token = find("Host token: ")
            .or_else(|| flag("--host-token"))
            .unwrap_or_default();
        Server {
            child,
            env,
            url: url.expect("url"),
            client_token,
            host_token,
            workspaces: ws,
            boot_lines: lines,
            stderr,
            http: reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(30))
                // Below the server's idle timeout (10 s), so a request never
                // races the server closing an idle connection.
                .pool_idle_timeout(Duration::from_secs(5))
                .build()
                .expect("client"),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn ws_id(&self, i: usize) -> String {
        self.workspaces[i].1.clone()
    }

    pub fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The server's stderr once it contains `needle` (or after 5 s).
    pub fn stderr_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let text = self.stderr();
            if text.contains(needle) || Instant::now() > deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{}", self.url, path))
    }

    /// With the client token.
    pub fn client(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.request(method, path)
            .header("Authorization", format!("Bearer {}", self.client_token))
    }

    /// With the host token.
    pub fn host(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.request(method, path)
            .header("X-OpenWork-Host-Token", &self.host_token)
    }

    pub async fn get(&self, path: &str) -> Resp {
        send(self.client(Method::GET, path)).await
    }

    pub async fn send_json(&self, method: Method, path: &str, body: &Value) -> Resp {
        send(self.client(method, path).json(body)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.send_json(Method::POST, path, body).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        send(self.client(Method::DELETE, path)).await
    }

    pub async fn pending(&self) -> Vec<Value> {
        let r = send(self.host(Method::GET, "/approvals")).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.json["items"].as_array().cloned().unwrap_or_default()
    }

    /// Polls `GET /approvals` until `n` requests are pending (bounded).
    pub async fn wait_pending(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let items = self.pending().await;
            if items.len() == n {
                return items;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} pending approvals, have {}",
                items.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn reply(&self, id: &str, reply: &str) -> Resp {
        send(
            self.host(Method::POST, &format!("/approvals/{id}"))
                .json(&serde_json::json!({ "reply": reply })),
        )
        .await
    }

    /// Sends SIGTERM (or another signal) and waits for the exit (bounded).
    pub fn signal_and_wait(&mut self, signal: &str) -> std::process::ExitStatus {
        let ok = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill")
            .success();
        assert!(ok, "kill -{signal} failed");
        wait_timeout(&mut self.child, Duration::from_secs(20)).expect("server did not exit")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn send(req: reqwest::RequestBuilder) -> Resp {
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        text,
        json,
    }
}

pub fn wait_timeout(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `openwork ARGS…` to completion (bounded), returning (code, stdout, stderr).
pub fn run_cli(env: &Env, args: &[&str], vars: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut cmd = env.command();
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = match wait_timeout(&mut child, Duration::from_secs(30)) {
        Some(s) => s,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("openwork {args:?} did not finish");
        }
    };
    (
        status.code(),
        out_t.join().unwrap_or_default(),
        err_t.join().unwrap_or_default(),
    )
}

/// A raw HTTP/1.1 exchange over TCP (for bodies reqwest will not send):
/// writes `head`, then `body` (errors ignored: the server may close
/// early), then reads the answer until the server closes or 10 s pass.
pub fn raw_http(addr: &str, head: &str, body: &[u8]) -> String {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s.set_write_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s.write_all(head.as_bytes()).expect("write head");
    let _ = s.write_all(body);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                // Enough once the head and a JSON body are in.
                if let Some(i) = find(&buf, b"\r\n\r\n") {
                    let body = &buf[i + 4..];
                    if body.ends_with(b"}") || body.ends_with(b"}\r\n\r\n") {
                        break;
                    }
                }
            }
            // A signal, or this process stopped and continued: not the end.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
