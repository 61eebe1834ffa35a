//! The pairing file (docs/api.md#pairing-file): `{url, hostToken, clientToken, pid,
//! workspaces}`, one per running server, readable by its owner only.
//! `openwork serve` writes it; `openwork approvals` reads it, so that the
//! two work together with no flags. Lives in
//! `<state dir>/openwork/servers/<pid>.json` (`$OPENWORK_STATE_DIR/servers`
//! when that is set). A file, or its folder, that is not private to the
//! current user is refused ([`crate::private`]).
// The pairing files are the server's own, outside every workspace, and no
// kept value depends on them: they are read and written here directly.
#![allow(clippy::disallowed_methods)]

use crate::private;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A pairing file is a few hundred bytes; more is not one.
const MAX_SIZE: u64 = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pairing {
    pub url: String,
    pub host_token: String,
    pub client_token: String,
    pub pid: u32,
    /// The folders the server serves: `openwork approvals` shows them, and
    /// follows a restart of the same set to its new pairing file.
    #[serde(default)]
    pub workspaces: Vec<String>,
}

/// The folder of the pairing files, in openwork's state folder
/// ([`crate::workspace::user_state_dir`]).
pub fn dir() -> Option<PathBuf> {
    Some(crate::workspace::user_state_dir()?.join("servers"))
}

/// One pairing file found on disk, and whether it can be used.
#[derive(Debug, Clone)]
pub enum Entry {
    Live(PathBuf, Pairing),
    /// Its server is gone (killed without cleaning up).
    Stale(PathBuf, u32),
    /// Unreadable, malformed, or readable by others: never trusted.
    Refused(PathBuf, String),
}

/// Every pairing file, newest first.
pub fn scan() -> Vec<Entry> {
    dir().map(|d| scan_in(&d)).unwrap_or_default()
}

pub fn scan_in(dir: &Path) -> Vec<Entry> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    // A folder others may write to could hold anyone's file: none is used.
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty());
    if let Err(why) =
        private::check_dir(dir).and_then(|()| parent.map_or(Ok(()), private::check_dir))
    {
        return vec![Entry::Refused(dir.to_path_buf(), why)];
    }
    let mut found: Vec<(std::time::SystemTime, Entry)> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| {
            let path = e.path();
            let modified = e
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            (modified, read_entry(&path))
        })
        .collect();
    found.sort_by_key(|e| std::cmp::Reverse(e.0));
    found.into_iter().map(|(_, e)| e).collect()
}

fn read_entry(path: &Path) -> Entry {
    let pairing: Pairing = match private::read(path, MAX_SIZE).map(|b| serde_json::from_slice(&b)) {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return Entry::Refused(path.to_path_buf(), format!("it does not parse: {e}")),
        Err(why) => return Entry::Refused(path.to_path_buf(), why),
    };
    if is_running(pairing.pid) {
        Entry::Live(path.to_path_buf(), pairing)
    } else {
        Entry::Stale(path.to_path_buf(), pairing.pid)
    }
}

#[cfg(target_os = "linux")]
fn is_running(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn is_running(_pid: u32) -> bool {
    true
}

/// A written pairing file; removed when dropped.
#[derive(Debug)]
pub struct PairingFile {
    path: PathBuf,
}

impl PairingFile {
    /// Writes the file atomically with mode 0600 (its folder 0700; an
    /// existing folder that others may write to is refused).
    pub fn write(pairing: &Pairing) -> Result<PairingFile, String> {
        let dir = dir().ok_or("no home folder to keep state in")?;
        if let Some(state) = dir.parent() {
            private::create_dir(state)?;
        }
        let mut bytes = serde_json::to_vec_pretty(pairing).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        let path = private::write(&dir, &format!("{}.json", pairing.pid), &bytes)?;
        Ok(PairingFile { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PairingFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn write(dir: &Path, name: &str, pairing: &Pairing, mode: u32) {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, serde_json::to_vec(pairing).unwrap()).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn live_stale_and_refused() {
        let root = tempfile::tempdir().unwrap();
        let dir = &root.path().join("servers");
        std::fs::create_dir(dir).unwrap();
        let me = Pairing {
            url: "http://127.0.0.1:1".into(),
            host_token: "h".into(),
            client_token: "c".into(),
            pid: std::process::id(),
            workspaces: vec!["/w".into()],
        };
        write(dir, "live.json", &me, 0o600);
        write(dir, "open.json", &me, 0o644);
        // A dead server's file is recognised on Linux only (`/proc`).
        let dead_is_seen = cfg!(target_os = "linux");
        if dead_is_seen {
            write(
                dir,
                "dead.json",
                &Pairing {
                    pid: u32::MAX - 1,
                    ..me.clone()
                },
                0o600,
            );
        }
        std::fs::write(dir.join("junk.json"), "{").unwrap();
        std::fs::set_permissions(
            dir.join("junk.json"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        let mut live = 0;
        let mut stale = 0;
        let mut refused = Vec::new();
        for e in scan_in(dir) {
            match e {
                Entry::Live(_, p) => {
                    assert_eq!(p, me);
                    live += 1;
                }
                Entry::Stale(_, pid) => {
                    assert_eq!(pid, u32::MAX - 1);
                    stale += 1;
                }
                Entry::Refused(path, why) => {
                    refused.push((path.file_name().unwrap().to_owned(), why))
                }
            }
        }
        assert_eq!((live, stale), (1, usize::from(dead_is_seen)));
        assert_eq!(refused.len(), 2, "{refused:?}");
        assert!(
            refused
                .iter()
                .any(|(n, why)| n == "open.json" && why.contains("644"))
        );
    }
}
