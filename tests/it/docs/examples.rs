//! The ```` ```sh ```` blocks of README.md and docs/*.md, run as written
//! with the `openwork` cargo built first on PATH and a private HOME. Each
//! block runs in bash, its commands in order in one shell (so `cd` and
//! variables carry on), and stops at the first command that fails; the
//! failure names the file, the line and the command.
//!
//! How a block runs is said by an HTML comment on the line before its
//! fence, which the rendered page does not show:
//!
//! - none: in a new, empty folder;
//! - `<!-- run: in the checkout -->`: in the repository's folder (for
//!   commands that copy its files; HOME is still private);
//! - `<!-- run: against openwork serve … -->`: in a new folder, with a real
//!   `openwork serve --approval auto` on 127.0.0.1, its tokens in
//!   `CLIENT_TOKEN` and `HOST_TOKEN`, and its address in place of
//!   `http://127.0.0.1:8787`; an answer that is an API error fails too;
//! - `<!-- not run: REASON -->`: not run, for the reason given (a server
//!   in the foreground, a token printed elsewhere, minutes of work).
//!
//! Every workspace a block leaves (a folder with an OpenCode config or an
//! `.opencode` folder) is then shown to the real OpenCode when it is
//! installed (`tests/it/opencode/`): it must load it without error, and see
//! what openwork lists.
#![cfg(unix)]

use super::{pages, root as repo};
use crate::support::serve::{Server, wait_timeout};
use crate::support::{bin, require, workspace};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// How long one block may take before it is stopped and fails.
const BLOCK_TIMEOUT: Duration = Duration::from_secs(120);
/// The address the documents show for a server.
const DOCUMENTED_URL: &str = "http://127.0.0.1:8787";

#[derive(Debug, PartialEq)]
enum How {
    EmptyFolder,
    Checkout,
    Server,
    NotRun(String),
}

#[derive(Debug)]
struct Block {
    /// The document, relative to the repository.
    file: String,
    /// The line of the opening fence, from 1.
    line: usize,
    how: How,
    /// Each command with the line it starts on (continued lines joined).
    commands: Vec<(usize, String)>,
}

/// README.md, then docs/*.md by name.
fn documents() -> Vec<PathBuf> {
    let mut docs = vec![repo().join("README.md")];
    docs.extend(pages());
    docs
}

/// The sh blocks of a Markdown text, or why a marker is not understood.
fn parse(file: &str, text: &str) -> Result<Vec<Block>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let fence = lines[i].trim_start();
        if !fence.starts_with("```") {
            i += 1;
            continue;
        }
        let indent = lines[i].len() - fence.len();
        let is_sh = fence.trim_end() == "```sh";
        let start = i;
        i += 1;
        let mut body = Vec::new();
        while i < lines.len() && lines[i].trim() != "```" {
            body.push((
                i + 1,
                lines[i].get(indent..).unwrap_or(lines[i].trim_start()),
            ));
            i += 1;
        }
        i += 1;
        if !is_sh {
            continue;
        }
        let marker = start
            .checked_sub(1)
            .map(|m| lines[m].trim())
            .filter(|l| l.starts_with("<!--"));
        let how = match marker {
            None => How::EmptyFolder,
            Some(m) if m.starts_with("<!-- run: in the checkout") => How::Checkout,
            Some(m) if m.starts_with("<!-- run: against openwork serve") => How::Server,
            Some(m) if m.starts_with("<!-- not run:") => How::NotRun(
                m.trim_start_matches("<!-- not run:")
                    .trim_end_matches("-->")
                    .trim()
                    .to_string(),
            ),
            Some(m) => {
                return Err(format!(
                    "{file}:{start}: unknown marker {m} (use `run: in the checkout`, \
                     `run: against openwork serve …` or `not run: REASON`)"
                ));
            }
        };
        if let How::NotRun(reason) = &how
            && reason.is_empty()
        {
            return Err(format!("{file}:{start}: `not run` without a reason"));
        }
        blocks.push(Block {
            file: file.to_string(),
            line: start + 1,
            how,
            commands: commands(&body),
        });
    }
    Ok(blocks)
}

/// Logical commands: lines ending in `\` joined with the next; blank and
/// comment lines left out.
fn commands(body: &[(usize, &str)]) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open = false;
    for &(n, line) in body {
        if open {
            let last = out.last_mut().expect("a command is open");
            last.1.push('\n');
            last.1.push_str(line);
        } else if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        } else {
            out.push((n, line.to_string()));
        }
        open = line.ends_with('\\');
    }
    out
}

/// The bash script that runs `block`'s commands in order. After each
/// command, its number goes to `state/at`, its exit status to
/// `state/status`, and its output to `state/log`; the script stops at the
/// first that fails (exit 101) or, against a server, that prints an API
/// error (exit 102).
fn script(block: &Block, state: &Path, server_url: Option<&str>) -> String {
    let state = state.display();
    let mut s = String::from("set -o pipefail\n");
    for (i, (_, command)) in block.commands.iter().enumerate() {
        let command = match server_url {
            Some(url) => command.replace(DOCUMENTED_URL, url),
            None => command.clone(),
        };
        s.push_str(&format!(
            "printf '%s' {i} > '{state}/at'\n\
             {{ {command}\n}} > '{state}/out' 2>&1\n\
             __status=$?\n\
             printf '%s' $__status > '{state}/status'\n\
             cat '{state}/out' >> '{state}/log'\n\
             [ $__status -eq 0 ] || exit 101\n"
        ));
        if server_url.is_some() {
            s.push_str(&format!(
                "if grep -q '^{{\"code\":\"' '{state}/out'; then exit 102; fi\n"
            ));
        }
    }
    s
}

/// Runs `block` in `dir`; `Err` says which command failed and how.
fn run(block: &Block, dir: &Path, server: Option<&Server>) -> Result<(), String> {
    let home = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    let bin_dir = Path::new(bin()).parent().expect("bin folder");
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-c"])
        .arg(script(block, state.path(), server.map(|s| s.url.as_str())))
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home.path())
        .env("OPENWORK_STATE_DIR", home.path().join("state"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(s) = server {
        cmd.env("CLIENT_TOKEN", &s.client_token)
            .env("HOST_TOKEN", &s.host_token);
    }
    // Its own process group, so a command that hangs is stopped with
    // everything it started.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().expect("bash");
    let status = wait_timeout(&mut child, BLOCK_TIMEOUT);
    if status.is_none() {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .status();
        let _ = child.wait();
    }
    let read = |name: &str| std::fs::read_to_string(state.path().join(name)).unwrap_or_default();
    let at: usize = read("at").parse().unwrap_or(0);
    let (line, command) = block.commands.get(at).cloned().unwrap_or_default();
    let what = match status.map(|s| s.code()) {
        Some(Some(0)) => return Ok(()),
        None => format!("did not finish within {BLOCK_TIMEOUT:?}"),
        Some(Some(101)) => format!("exited with {}", read("status")),
        Some(Some(102)) => "answered an API error".to_string(),
        Some(code) => format!("bash ended with {code:?}"),
    };
    let log = read("log");
    let tail: String = log
        .lines()
        .rev()
        .take(30)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("\n");
    Err(format!(
        "{}:{line}: `{command}` {what}\n--- output (last lines) ---\n{tail}\n",
        block.file
    ))
}

#[test]
fn the_examples_of_the_readme_and_the_docs_run() {
    if !require("bash") {
        return;
    }
    let mut blocks = Vec::new();
    for doc in documents() {
        let name = doc
            .strip_prefix(repo())
            .expect("inside")
            .display()
            .to_string();
        let text = std::fs::read_to_string(&doc).expect("read");
        blocks.extend(parse(&name, &text).unwrap_or_else(|e| panic!("{e}")));
    }
    let with_server = require("curl") && require("jq");
    let mut failures = Vec::new();
    let mut ran = Vec::new();
    let mut checked = Vec::new();
    for block in &blocks {
        let place = format!("{}:{}", block.file, block.line);
        let result = match &block.how {
            How::NotRun(reason) => {
                eprintln!("{place}: not run: {reason}");
                continue;
            }
            How::EmptyFolder => {
                let dir = tempfile::tempdir().expect("tempdir");
                let result = run(block, dir.path(), None);
                if result.is_ok() {
                    checked.extend(opencode_loads(dir.path()));
                }
                result
            }
            How::Checkout => run(block, repo(), None),
            How::Server if !with_server => {
                eprintln!("{place}: skipped: needs curl and jq");
                continue;
            }
            How::Server => {
                let ws = workspace();
                let server = Server::start(
                    &[ws.path()],
                    &[
                        "--approval",
                        "auto",
                        "--token",
                        "docs-client-token-0123",
                        "--host-token",
                        "docs-host-token-0123",
                    ],
                );
                let dir = tempfile::tempdir().expect("tempdir");
                let result = run(block, dir.path(), Some(&server));
                if result.is_ok() {
                    checked.extend(opencode_loads(ws.path()));
                }
                result
            }
        };
        ran.push(place);
        if let Err(e) = result {
            failures.push(e);
        }
    }
    eprintln!("ran: {}", ran.join(", "));
    eprintln!("loaded by OpenCode: {}", checked.join(", "));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The first tour of the README is among them.
    assert!(
        blocks
            .iter()
            .any(|b| b.file == "README.md" && b.how == How::EmptyFolder && b.commands.len() > 20),
        "the README's tour was not found"
    );
}

/// Shows each workspace under `dir` (`dir` itself and the folders below it,
/// two deep) to OpenCode, which must load it and see what openwork lists
/// (its MCP servers are not started: the examples name real packages).
/// Returns the workspaces checked; none without OpenCode.
fn opencode_loads(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = stack.pop() {
        let marks = ["opencode.jsonc", "opencode.json", ".opencode"];
        if marks.iter().any(|m| d.join(m).exists()) {
            found.push(d.clone());
        }
        if depth < 2 {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let name = e.file_name();
                if e.file_type().is_ok_and(|t| t.is_dir())
                    && !name.to_string_lossy().starts_with('.')
                {
                    stack.push((e.path(), depth + 1));
                }
            }
        }
    }
    found.sort();
    let mut checked = Vec::new();
    for root in found {
        let Some(case) = crate::opencode::Case::on(&root) else {
            return checked;
        };
        case.check(false, &[]);
        let rel = root
            .strip_prefix(dir)
            .unwrap_or(&root)
            .display()
            .to_string();
        checked.push(if rel.is_empty() {
            "the served workspace".to_string()
        } else {
            rel
        });
    }
    checked
}

#[test]
fn blocks_markers_and_commands_are_read_as_written() {
    let text = "intro\n\n```sh\nmkdir x && cd x   # here\n\n# a comment\ncurl -s \\\n  -d '{}' \\\n  http://127.0.0.1:8787/health\n```\n\n<!-- not run: a server in the foreground -->\n```sh\nopenwork serve\n```\n<!-- run: in the checkout -->\n```sh\nls\n```\n```text\nnot a command\n```\n  <!-- run: against openwork serve, tokens set -->\n  ```sh\n  curl -s $URL\n  ```\n";
    let blocks = parse("t.md", text).expect("parse");
    assert_eq!(blocks.len(), 4);
    assert_eq!(blocks[0].how, How::EmptyFolder);
    assert_eq!(blocks[0].line, 3);
    assert_eq!(
        blocks[0].commands,
        [
            (4, "mkdir x && cd x   # here".to_string()),
            (
                7,
                "curl -s \\\n  -d '{}' \\\n  http://127.0.0.1:8787/health".to_string()
            ),
        ]
    );
    assert_eq!(
        blocks[1].how,
        How::NotRun("a server in the foreground".into())
    );
    assert_eq!(blocks[2].how, How::Checkout);
    assert_eq!(blocks[3].how, How::Server);
    assert_eq!(blocks[3].line, 24);
    assert_eq!(blocks[3].commands, [(25, "curl -s $URL".to_string())]);
    assert!(parse("t.md", "<!-- run: somewhere -->\n```sh\nls\n```\n").is_err());
    assert!(parse("t.md", "<!-- not run: -->\n```sh\nls\n```\n").is_err());
}

/// A failing command is named with its file and line, and the commands
/// after it do not run.
#[test]
fn a_failing_command_is_named_with_its_line() {
    if !require("bash") {
        return;
    }
    let text = "```sh\necho one\nopenwork plugins remove\ntouch after\n```\n";
    let blocks = parse("doc.md", text).expect("parse");
    let dir = tempfile::tempdir().expect("tempdir");
    let err = run(&blocks[0], dir.path(), None).expect_err("the second command fails");
    assert!(
        err.starts_with("doc.md:3: `openwork plugins remove` exited with 2"),
        "{err}"
    );
    assert!(err.contains("one"), "{err}");
    assert!(!dir.path().join("after").exists());
}
