//! Finding the real OpenCode and running it offline: a private HOME (all
//! XDG folders and TMPDIR under it), no plugin loading or npm
//! (`OPENCODE_PURE`, `npm_config_offline`), no update check, model fetch
//! or LSP download; the workspace root as the working folder; a bounded
//! time per call (the whole process group is killed past it); and a cap on
//! the OpenCode processes running at once, so that the suite's parallel
//! cases do not starve each other.

use crate::support::required_tools;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// One OpenCode call may take this long (1–5 s is usual, more under load).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(90);
/// OpenCode processes at once, across the whole test binary.
const AT_ONCE: usize = 3;

/// The OpenCode the suite runs: `OPENWORK_OPENCODE`, else the one `.ci/run`
/// installs into `target/opencode/`. It must be the version openwork
/// targets (`OPENCODE_VERSION`). `None` (with a note on stderr) when there
/// is none, unless the run asks for every tool (`.ci/run`): then a missing
/// OpenCode fails.
pub fn opencode() -> Option<&'static Path> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let bin = std::env::var_os("OPENWORK_OPENCODE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                let local = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("target/opencode/node_modules/.bin/opencode");
                local.is_file().then_some(local)
            })?;
        let out = Command::new(&bin)
            .arg("--version")
            .env("OPENCODE_DISABLE_AUTOUPDATE", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{} does not run: {e}", bin.display()));
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert_eq!(
            version,
            openwork::OPENCODE_VERSION,
            "{} is OpenCode {version}; the suite checks against {} (OPENCODE_VERSION)",
            bin.display(),
            openwork::OPENCODE_VERSION
        );
        Some(bin)
    });
    if found.is_none() {
        assert!(
            !required_tools(),
            "OpenCode {} is required: OPENWORK_TEST_REQUIRE_TOOLS is set (.ci/run installs it into target/opencode)",
            openwork::OPENCODE_VERSION
        );
        eprintln!(
            "skipped: OpenCode {} is not installed (set OPENWORK_OPENCODE, or see .ci/run)",
            openwork::OPENCODE_VERSION
        );
    }
    found.as_deref()
}

/// The offline environment of a private HOME, PATH kept (for `node`).
pub fn offline_env(home: &Path) -> Vec<(String, String)> {
    let h = |rel: &str| home.join(rel).display().to_string();
    let mut env = vec![
        ("HOME".to_string(), home.display().to_string()),
        ("XDG_CONFIG_HOME".to_string(), h(".config")),
        ("XDG_DATA_HOME".to_string(), h(".local/share")),
        ("XDG_CACHE_HOME".to_string(), h(".cache")),
        ("XDG_STATE_HOME".to_string(), h(".local/state")),
        ("TMPDIR".to_string(), h("tmp")),
    ];
    for (k, v) in [
        ("OPENCODE_PURE", "1"),
        ("npm_config_offline", "true"),
        ("OPENCODE_DISABLE_AUTOUPDATE", "1"),
        ("OPENCODE_DISABLE_MODELS_FETCH", "1"),
        ("OPENCODE_DISABLE_LSP_DOWNLOAD", "1"),
        ("NO_COLOR", "1"),
    ] {
        env.push((k.to_string(), v.to_string()));
    }
    if let Some(path) = std::env::var_os("PATH") {
        env.push(("PATH".to_string(), path.to_string_lossy().into_owned()));
    }
    env
}

/// What one OpenCode call did.
#[derive(Debug, Clone)]
pub struct Run {
    pub args: Vec<String>,
    /// `None` when it was killed (timeout) or died of a signal.
    pub code: Option<i32>,
    pub stdout: String,
    /// With the colour codes OpenCode always prints taken out.
    pub stderr: String,
    pub took: Duration,
}

impl Run {
    /// Panics with what OpenCode said unless it succeeded.
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code,
            Some(0),
            "opencode {:?} failed after {:?}:\n{}",
            self.args,
            self.took,
            self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "opencode {:?}: stdout is not JSON ({e}):\n{}",
                self.args, self.stdout
            )
        })
    }
}

/// Removes ANSI colour codes (OpenCode prints them even with NO_COLOR).
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A counting semaphore on plain threads.
struct Slots {
    used: Mutex<usize>,
    freed: Condvar,
}

static SLOTS: Slots = Slots {
    used: Mutex::new(0),
    freed: Condvar::new(),
};

struct Slot;

impl Slot {
    fn take() -> Slot {
        let mut used = SLOTS.used.lock().unwrap_or_else(|p| p.into_inner());
        while *used >= AT_ONCE {
            used = SLOTS.freed.wait(used).unwrap_or_else(|p| p.into_inner());
        }
        *used += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut used = SLOTS.used.lock().unwrap_or_else(|p| p.into_inner());
        *used -= 1;
        SLOTS.freed.notify_one();
    }
}

/// Runs `opencode ARGS…` in `cwd` with the offline environment of `home`
/// plus `extra`, bounded by [`CALL_TIMEOUT`].
pub fn run(bin: &Path, home: &Path, cwd: &Path, args: &[&str], extra: &[(&str, &str)]) -> Run {
    let _slot = Slot::take();
    std::fs::create_dir_all(home.join("tmp")).expect("tmp");
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .current_dir(cwd)
        .env_clear()
        .envs(offline_env(home))
        .envs(extra.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group: a timeout kills OpenCode and what it started.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let started = Instant::now();
    let mut child = cmd.spawn().expect("spawn opencode");
    let pipe = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = r.read_to_string(&mut text);
            text
        })
    };
    let out = pipe(Box::new(child.stdout.take().expect("stdout")));
    let err = pipe(Box::new(child.stderr.take().expect("stderr")));
    let status = crate::support::serve::wait_timeout(&mut child, CALL_TIMEOUT);
    if status.is_none() {
        kill_group(child.id());
        let _ = child.wait();
    }
    Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        code: status.and_then(|s| s.code()),
        stdout: out.join().unwrap_or_default(),
        stderr: plain(&err.join().unwrap_or_default()),
        took: started.elapsed(),
    }
}

/// SIGKILL to the process group `pgid` (its leader's pid).
pub fn kill_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .status();
}

/// `opencode serve` on 127.0.0.1 (a free port), offline, in `cwd`; killed
/// with everything it started when dropped.
pub struct OpenCodeServer {
    child: std::process::Child,
    pub url: String,
}

impl OpenCodeServer {
    pub fn start(bin: &Path, home: &Path, cwd: &Path) -> OpenCodeServer {
        use std::io::BufRead;
        std::fs::create_dir_all(home.join("tmp")).expect("tmp");
        let mut cmd = Command::new(bin);
        cmd.args(["serve", "--port", "0", "--hostname", "127.0.0.1"])
            .current_dir(cwd)
            .env_clear()
            .envs(offline_env(home))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().expect("spawn opencode serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(at) = line.find("listening on ") {
                    let _ = tx.send(
                        plain(&line[at + "listening on ".len()..])
                            .trim()
                            .to_string(),
                    );
                }
            }
        });
        match rx.recv_timeout(CALL_TIMEOUT) {
            Ok(url) => OpenCodeServer { child, url },
            Err(_) => {
                kill_group(child.id());
                let _ = child.wait();
                panic!("opencode serve did not say where it listens");
            }
        }
    }
}

impl Drop for OpenCodeServer {
    fn drop(&mut self) {
        kill_group(self.child.id());
        let _ = self.child.wait();
    }
}
