//! The MCP servers OpenCode's `mcp list` connects to: a stdio one (the
//! command OpenCode starts) and a streamable-HTTP one on 127.0.0.1 that
//! the test starts, both small node scripts beside this file that log
//! what they are asked.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The script of the stdio server.
pub fn stdio_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/opencode/stdio-mcp.mjs")
}

/// The `command` of a local MCP server that logs to `log`.
pub fn stdio_command(log: &Path) -> Vec<String> {
    vec![
        "node".to_string(),
        stdio_script().display().to_string(),
        log.display().to_string(),
    ]
}

/// The HTTP server, killed when dropped.
pub struct HttpServer {
    child: Child,
    pub url: String,
    pub log: PathBuf,
}

impl HttpServer {
    pub fn start(log: &Path) -> HttpServer {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/opencode/http-mcp.mjs");
        let mut child = Command::new("node")
            .arg(&script)
            .arg(log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node (it comes with npm, which .ci/run uses to install OpenCode)");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let port = rx
            .recv_timeout(Duration::from_secs(20))
            .ok()
            .and_then(|l| l.trim().parse::<u16>().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the HTTP MCP server did not start");
        };
        HttpServer {
            child,
            url: format!("http://127.0.0.1:{port}/mcp"),
            log: log.to_path_buf(),
        }
    }

    /// The requests it got, one JSON value each.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        read_log(&self.log)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines a server logged, as JSON.
pub fn read_log(log: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}
