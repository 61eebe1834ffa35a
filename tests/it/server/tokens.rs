//! Issue 13, item 8 and issue 14, item 12: tokens from files, a minimum
//! length, a warning for tokens on the command line and for a bind that
//! other machines reach, and generated tokens kept across restarts of the
//! same set of workspaces (`--rotate-tokens` replaces them).

use crate::support::serve::{self, Env, Server};
use crate::support::workspace;
use reqwest::Method;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[cfg(unix)]
fn private(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
}

/// The tokens of the files below open the client's and the host's routes.
#[cfg(unix)]
async fn opens_with_the_file_tokens(mut s: Server) {
    s.client_token = "client-token-from-a-file".into();
    s.host_token = "host-token-from-a-file-0123".into();
    assert_eq!(s.get("/workspaces").await.status, 200);
    assert_eq!(
        serve::send(s.host(Method::GET, "/approvals")).await.status,
        200
    );
}

#[cfg(unix)] // file modes
#[tokio::test(flavor = "multi_thread")]
async fn tokens_from_files_and_their_checks() {
    let ws = workspace();
    let secrets = tempfile::tempdir().unwrap();
    let client = secrets.path().join("client");
    let host = secrets.path().join("host");
    private(&client, "client-token-from-a-file\n", 0o600);
    private(&host, "host-token-from-a-file-0123\n", 0o600);
    let s = Server::start(
        &[ws.path()],
        &[
            "--token-file",
            client.to_str().unwrap(),
            "--host-token-file",
            host.to_str().unwrap(),
        ],
    );
    assert!(
        !s.boot_lines.iter().any(|l| l.contains("token")),
        "given tokens are not printed: {:?}",
        s.boot_lines
    );
    assert!(!s.stderr().contains("warning"), "{}", s.stderr());
    opens_with_the_file_tokens(s).await;

    // The variables name files too.
    let env = Env::new();
    let vars = [
        ("OPENWORK_TOKEN_FILE", client.to_str().unwrap()),
        ("OPENWORK_HOST_TOKEN_FILE", host.to_str().unwrap()),
    ];
    let s = Server::start_with(env, &[ws.path()], &[], &vars);
    opens_with_the_file_tokens(s).await;

    let bad = |args: &[&str], vars: &[(&str, &str)]| {
        let env = Env::new();
        let mut all = vec!["serve", "--host", "127.0.0.1", "--port", "0"];
        all.extend(args);
        serve::run_cli(&env, &all, vars)
    };
    // A file others could read, a link, a folder others may write to.
    private(&host, "host-token-from-a-file-0123\n", 0o644);
    let (code, _, err) = bad(&["--host-token-file", host.to_str().unwrap()], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("cannot use the host token file") && err.contains("644"),
        "{err}"
    );
    private(&host, "host-token-from-a-file-0123\n", 0o600);
    let link = secrets.path().join("link");
    std::os::unix::fs::symlink(&host, &link).unwrap();
    let (code, _, err) = bad(&["--host-token-file", link.to_str().unwrap()], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    let open = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        open.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let in_open = open.path().join("t");
    private(&in_open, "host-token-from-a-file-0123\n", 0o600);
    let (code, _, err) = bad(&["--host-token-file", in_open.to_str().unwrap()], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("writable by other users"), "{err}");
    let (code, _, err) = bad(
        &[],
        &[(
            "OPENWORK_TOKEN_FILE",
            secrets.path().join("missing").to_str().unwrap(),
        )],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("cannot use the client token file"), "{err}");
}

#[test]
fn short_tokens_are_refused_and_command_line_tokens_warned_about() {
    let env = Env::new();
    for (args, vars) in [
        (vec!["--host-token", "x"], vec![]),
        (vec![], vec![("OPENWORK_TOKEN", "short-token")]),
    ] {
        let mut all = vec!["serve", "--port", "0"];
        all.extend(args.iter());
        let (code, _, err) = serve::run_cli(&env, &all, &vars);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("must be at least 16 characters"), "{err}");
    }
    let (_, _, err) = serve::run_cli(&env, &["serve", "--port", "0", "--token", "x"], &[]);
    assert!(
        err.contains(
            "warning: --token on the command line can be read by every user of this machine"
        ),
        "{err}"
    );
    assert!(err.contains("--token-file or OPENWORK_TOKEN_FILE"), "{err}");
    let (_, _, err) = serve::run_cli(&env, &["serve", "--port", "0"], &[("OPENWORK_TOKEN", "x")]);
    assert!(!err.contains("warning"), "no warning for a variable: {err}");
}

/// Binding an address other machines reach warns that it is plain HTTP.
#[test]
fn a_bind_beyond_loopback_warns_of_plain_http() {
    let ws = workspace();
    let env = Env::new();
    let mut child = env
        .command()
        .args(["serve", "--host", "0.0.0.0", "--port", "0", "-w"])
        .arg(ws.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read on a thread: a warning that never comes must fail the test,
    // not hang it.
    let err = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(err)).map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = String::new();
    // The warning comes before the line that says what is served.
    while !seen.contains("plain HTTP") && !seen.contains("serving 1 workspace") {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
            }
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.contains("which other machines can reach: openwork serves plain HTTP"),
        "{seen}"
    );
    assert!(seen.contains("TLS reverse proxy"), "{seen}");
}

/// Issue 14, item 12: the same server set gets the same generated tokens
/// after a restart; another set gets others; `--rotate-tokens` replaces
/// them; a kept file others could read is refused.
#[cfg(unix)] // file modes
#[tokio::test(flavor = "multi_thread")]
async fn generated_tokens_are_kept_across_restarts() {
    let a = workspace();
    let b = workspace();
    let state = tempfile::tempdir().unwrap();
    let vars = [("OPENWORK_STATE_DIR", state.path().to_str().unwrap())];
    let start = |wss: &[&Path], args: &[&str]| Server::start_with(Env::new(), wss, args, &vars);
    let mut first = start(&[a.path(), b.path()], &[]);
    let tokens = (first.client_token.clone(), first.host_token.clone());
    assert_eq!(tokens.0.len(), 64);
    assert_eq!(first.signal_and_wait("TERM").code(), Some(0));
    let kept: Vec<_> = std::fs::read_dir(state.path().join("tokens"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let mode = |p: &Path| {
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(p).unwrap().permissions())
            & 0o777
    };
    assert_eq!(mode(&kept[0]), 0o600);
    assert_eq!(mode(&state.path().join("tokens")), 0o700);

    // Same set, other order: same tokens, and they work.
    let mut again = start(&[b.path(), a.path()], &[]);
    assert_eq!(
        (again.client_token.clone(), again.host_token.clone()),
        tokens
    );
    assert_eq!(again.get("/workspaces").await.status, 200);
    assert_eq!(again.signal_and_wait("TERM").code(), Some(0));
    // Another set: other tokens.
    let mut other = start(&[a.path()], &[]);
    assert_ne!(other.client_token, tokens.0);
    assert_eq!(other.signal_and_wait("TERM").code(), Some(0));
    // Rotated: new ones, kept from now on.
    let mut rotated = start(&[a.path(), b.path()], &["--rotate-tokens"]);
    assert_ne!(rotated.client_token, tokens.0);
    assert_ne!(rotated.host_token, tokens.1);
    let new = (rotated.client_token.clone(), rotated.host_token.clone());
    assert_eq!(rotated.signal_and_wait("TERM").code(), Some(0));
    let mut kept_again = start(&[a.path(), b.path()], &[]);
    assert_eq!(
        (
            kept_again.client_token.clone(),
            kept_again.host_token.clone()
        ),
        new
    );
    assert_eq!(kept_again.signal_and_wait("TERM").code(), Some(0));

    // A kept file others could read is never used.
    std::fs::set_permissions(
        &kept[0],
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let env = Env::new();
    let args = [
        "serve",
        "--port",
        "0",
        "-w",
        a.path().to_str().unwrap(),
        "-w",
        b.path().to_str().unwrap(),
    ];
    let (code, _, err) = serve::run_cli(&env, &args, &vars);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("refusing the kept tokens") && err.contains("644"),
        "{err}"
    );
}
