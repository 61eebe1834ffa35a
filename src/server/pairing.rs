//! The pairing file (SPEC §3): `{url, hostToken, clientToken, pid}`,
//! readable by the owner only, so that `openwork approvals` on the same
//! machine finds a running server with no flags. One file per server
//! process: `<state dir>/openwork/servers/<pid>.json`, removed on shutdown.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pairing {
    pub url: String,
    pub host_token: String,
    pub client_token: String,
    pub pid: u32,
}

/// Where pairing files live: `$OPENWORK_STATE_DIR/servers` when set, else
/// `openwork/servers` in the user's state folder (XDG state dir on Linux,
/// the local data folder elsewhere).
pub fn dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("OPENWORK_STATE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("servers"));
    }
    let base = directories::BaseDirs::new()?;
    let root = base
        .state_dir()
        .unwrap_or_else(|| base.data_local_dir())
        .to_path_buf();
    Some(root.join("openwork").join("servers"))
}

/// The pairing files of servers that are still running, newest first.
pub fn find() -> Vec<Pairing> {
    let Some(dir) = dir() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<(std::time::SystemTime, Pairing)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| {
            let modified = e.metadata().and_then(|m| m.modified()).ok()?;
            let bytes = std::fs::read(e.path()).ok()?;
            let p: Pairing = serde_json::from_slice(&bytes).ok()?;
            is_running(p.pid).then_some((modified, p))
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found.into_iter().map(|(_, p)| p).collect()
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
    /// Writes the file atomically with mode 0600 (its folder 0700).
    pub fn write(pairing: &Pairing) -> std::io::Result<PairingFile> {
        let dir = dir().ok_or_else(|| std::io::Error::other("no home folder to keep state in"))?;
        create_private_dir(&dir)?;
        let path = dir.join(format!("{}.json", pairing.pid));
        let tmp = dir.join(format!(".{}.json.tmp", pairing.pid));
        let bytes = serde_json::to_vec_pretty(pairing).map_err(std::io::Error::other)?;
        {
            let mut file = private_file(&tmp)?;
            file.write_all(&bytes)?;
            file.write_all(b"\n")?;
            file.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        Ok(PairingFile { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn remove(self) {}
}

impl Drop for PairingFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let _ = std::fs::remove_file(path);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::create(path)
}
