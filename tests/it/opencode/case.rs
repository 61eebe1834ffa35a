//! One differential case: a temporary tree holding a private HOME and a
//! workspace (in a git repository or not, as the case says), openwork run
//! on it, then OpenCode run in it, and their views compared.

use super::compare;
use super::harness::{self, Run};
use crate::support::cli::Output;
use crate::support::serve::{Env, Server};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct Case {
    /// The folder of HOME and (but for [`Case::on`]) of the workspace.
    tmp: tempfile::TempDir,
    bin: &'static Path,
    /// The private HOME of both openwork and OpenCode.
    pub home: PathBuf,
    /// The workspace: OpenCode's working folder, openwork's `-w`.
    pub root: PathBuf,
    /// Extra environment for OpenCode (the values of `{env:…}`).
    pub env: Vec<(String, String)>,
}

/// What a check saw, for the case's own assertions.
pub struct Seen {
    pub config: Value,
    pub statuses: BTreeMap<String, String>,
}

impl Case {
    /// A workspace at `root` (relative to a new temporary folder), with a
    /// git repository made at `git` (relative too) when given. `None` when
    /// OpenCode is not installed: the case is skipped.
    pub fn new(root: &str, git: Option<&str>) -> Option<Case> {
        let bin = harness::opencode()?;
        let tmp = tempfile::tempdir().expect("tempdir");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        let root_path = tmp.path().join(root);
        std::fs::create_dir_all(&root_path).expect("root");
        if let Some(git) = git {
            let at = tmp.path().join(git);
            std::fs::create_dir_all(&at).expect("git folder");
            let ok = std::process::Command::new("git")
                .args(["init", "-q"])
                .current_dir(&at)
                .env("HOME", &home)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "git init failed in {}", at.display());
        }
        Some(Case {
            tmp,
            bin,
            home,
            root: root_path,
            env: Vec::new(),
        })
    }

    /// A case on a workspace made elsewhere (a document's example), with a
    /// private HOME of its own.
    pub fn on(root: &Path) -> Option<Case> {
        let bin = harness::opencode()?;
        let tmp = tempfile::tempdir().expect("tempdir");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        Some(Case {
            tmp,
            bin,
            home,
            root: root.to_path_buf(),
            env: Vec::new(),
        })
    }

    /// A path under the temporary folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    /// Writes a file (creating its folders) under the temporary folder.
    pub fn write(&self, rel: &str, text: &str) {
        crate::support::write(&self.path(rel), text);
    }

    /// The user's OpenCode config folder.
    pub fn global(&self) -> PathBuf {
        self.home.join(".config/opencode")
    }

    /// `openwork ARGS…` with the case's HOME, run in the workspace.
    fn openwork_here(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(crate::support::bin());
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("NO_COLOR", "1")
            .current_dir(&self.root)
            .args(args);
        cmd
    }

    /// `openwork -w <root> ARGS…` with the case's HOME.
    fn openwork(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = self.openwork_here(&["-w"]);
        cmd.arg(&self.root).args(args);
        cmd
    }

    /// `openwork -w <root> ARGS…` run to its end.
    pub fn ow(&self, args: &[&str]) -> Output {
        Output::from(self.openwork(args).output().expect("openwork"))
    }

    /// `openwork ARGS…` run in the workspace with no `-w` (as `--global`
    /// wants it), with the case's HOME; it must succeed.
    pub fn ow_here_ok(&self, args: &[&str]) -> Output {
        Output::from(self.openwork_here(args).output().expect("openwork")).ok()
    }

    /// `openwork -w <root> ARGS…` reading `stdin`, which must succeed.
    pub fn ow_stdin_ok(&self, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .openwork(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("openwork");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        Output::from(child.wait_with_output().expect("openwork")).ok()
    }

    /// `openwork … --json` that must succeed, as JSON.
    pub fn ow_json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        self.ow(&all).ok().json()
    }

    /// `openwork serve --approval auto` on the workspace, with the case's
    /// HOME (for writes over HTTP).
    pub fn serve(&self, extra: &[&str]) -> Server {
        let config = self.home.join(".config");
        let mut args = vec!["--approval", "auto"];
        args.extend_from_slice(extra);
        let vars = [
            ("HOME", self.home.to_str().expect("utf-8")),
            ("XDG_CONFIG_HOME", config.to_str().expect("utf-8")),
        ];
        Server::start_with(Env::new(), &[&self.root], &args, &vars)
    }

    /// `opencode ARGS…` in the workspace, offline.
    pub fn oc(&self, args: &[&str]) -> Run {
        let extra: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        harness::run(self.bin, &self.home, &self.root, args, &extra)
    }

    /// OpenCode's views (`debug config`, then `debug skill` and, with
    /// `mcp_list`, `mcp list` at once) must load without error and equal
    /// openwork's (`config show`, and the `--global` listings); the servers
    /// named in `connected` must have connected.
    pub fn check(&self, mcp_list: bool, connected: &[&str]) -> Seen {
        // Alone first: the first run in a HOME creates OpenCode's database,
        // which two first runs at once race to create.
        let config = self.oc(&["debug", "config"]);
        let (skills, list) = std::thread::scope(|s| {
            let skills = s.spawn(|| self.oc(&["debug", "skill"]));
            let list = mcp_list.then(|| s.spawn(|| self.oc(&["mcp", "list"])));
            (
                skills.join().expect("debug skill"),
                list.map(|l| l.join().expect("mcp list")),
            )
        });
        let config = config.ok().json();
        let skills = skills.ok().json();
        let statuses = list
            .map(|l| compare::mcp_statuses(&l.ok().stdout))
            .unwrap_or_default();

        let view = self.ow_json(&["config", "show"]);
        let plugins = self.ow_json(&["plugins", "list", "--global"]);
        let mcp = self.ow_json(&["mcp", "list", "--global"]);
        let commands = self.ow_json(&["commands", "list", "--global"]);
        let our_skills = self.ow_json(&["skills", "list", "--global"]);

        let mut diffs = compare::config(&view["resolved"]["opencode"], &config, &self.env);
        diffs.extend(compare::listings(
            &plugins, &mcp, &commands, &config, &self.env,
        ));
        diffs.extend(compare::skills(&our_skills, &skills));
        if mcp_list {
            diffs.extend(compare::mcp_list(&mcp, &statuses, connected));
        }
        assert!(
            diffs.is_empty(),
            "openwork and OpenCode {} disagree on {}:\n{}",
            openwork::OPENCODE_VERSION,
            self.root.display(),
            diffs.join("\n")
        );
        Seen { config, statuses }
    }

    /// Every file under the temporary folder (HOME excluded), for "nothing
    /// changed" checks.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        crate::support::snapshot(self.tmp.path())
            .into_iter()
            .filter(|(p, _)| !p.starts_with(&self.home))
            .collect()
    }
}
