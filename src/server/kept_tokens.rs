//! Generated tokens kept across restarts (docs/api.md#kept-tokens): a
//! server that generated its client or host token keeps it in
//! `<state folder>/tokens/<key>.json` (mode 0600, folder 0700), the key
//! being a digest of its set of workspace folders, so that the same
//! `openwork serve -w A -w B` gets the same tokens and paired devices
//! stay paired. `--rotate-tokens` replaces them. A kept file that is not
//! private to the current user is refused, never used ([`crate::private`]).

use super::settings::{Settings, Token, generate_token};
use crate::private;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeptFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    host_token: Option<String>,
    /// For people who look: the folders these tokens are for.
    #[serde(default)]
    workspaces: Vec<String>,
}

/// The folder of the kept tokens: `<state folder>/tokens`.
pub fn dir() -> Option<PathBuf> {
    crate::workspace::user_state_dir().map(|d| d.join("tokens"))
}

/// The file for a set of workspace folders (order and repeats aside).
pub fn file_for(dir: &Path, workspaces: &[PathBuf]) -> PathBuf {
    let mut paths: Vec<String> = workspaces.iter().map(|p| p.display().to_string()).collect();
    paths.sort();
    paths.dedup();
    let digest = Sha256::digest(paths.join("\n").as_bytes());
    let key: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{key}.json"))
}

/// Replaces each generated token of `settings` with the one kept for its
/// workspaces (unless `rotate`), keeping the new ones for next time.
/// Returns the file, or `None` when no token was generated.
pub fn keep(settings: &mut Settings, rotate: bool) -> Result<Option<PathBuf>, String> {
    if !settings.client_token.generated && !settings.host_token.generated {
        return Ok(None);
    }
    let dir = dir().ok_or("no home folder to keep the tokens in")?;
    let workspaces: Vec<PathBuf> = settings.workspaces.iter().map(|w| w.path.clone()).collect();
    let path = file_for(&dir, &workspaces);
    let mut kept = if rotate || !exists(&path) {
        KeptFile::default()
    } else {
        let bytes = private::read(&path, 64 * 1024).map_err(|why| {
            format!("refusing the kept tokens: {why} (or replace them with --rotate-tokens)")
        })?;
        serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "the kept tokens in {} do not parse ({e}); replace them with --rotate-tokens",
                path.display()
            )
        })?
    };
    let mut changed = rotate;
    for (token, slot) in [
        (&mut settings.client_token, &mut kept.client_token),
        (&mut settings.host_token, &mut kept.host_token),
    ] {
        if !token.generated {
            continue;
        }
        match slot.as_deref().filter(|v| usable(v)) {
            Some(value) => token.value = value.to_string(),
            None => {
                *slot = Some(token.value.clone());
                changed = true;
            }
        }
    }
    if settings.client_token.value == settings.host_token.value {
        // Only if a file was edited by hand: start over.
        settings.host_token = Token {
            value: generate_token().map_err(|e| format!("cannot generate the host token: {e}"))?,
            generated: true,
        };
        kept.host_token = Some(settings.host_token.value.clone());
        changed = true;
    }
    if changed {
        kept.workspaces = workspaces.iter().map(|p| p.display().to_string()).collect();
        let mut bytes = serde_json::to_vec_pretty(&kept).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(state) = dir.parent() {
            private::create_dir(state)?;
        }
        private::write(&dir, &name, &bytes)
            .map_err(|why| format!("cannot keep the tokens: {why}"))?;
    }
    Ok(Some(path))
}

/// A kept value as good as a generated one.
fn usable(value: &str) -> bool {
    value.len() >= super::settings::TOKEN_MIN && value.bytes().all(|b| b.is_ascii_graphic())
}

// The kept tokens are openwork's own file, outside every workspace.
#[allow(clippy::disallowed_methods)]
fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}
