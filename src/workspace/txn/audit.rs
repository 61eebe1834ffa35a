//! The audit log: one JSON object per line, appended under the workspace
//! lock, read from its end so that the cost of `audit --limit N` depends on
//! N, not on the size of the log.

use crate::workspace::{Workspace, io};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::path::Path;

/// Who made a write. Remote clients are known by the hash of their token,
/// never the token itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_hash: Option<String>,
}

impl Actor {
    /// The operator at this machine's command line.
    pub fn cli() -> Actor {
        Actor {
            kind: "host".into(),
            client_id: Some("cli".into()),
            token_hash: None,
        }
    }
    pub(crate) fn remote(token: &str, client_id: Option<String>) -> Actor {
        Actor {
            kind: "remote".into(),
            client_id,
            token_hash: Some(token_hash(token)),
        }
    }
    pub(crate) fn host(token: &str) -> Actor {
        Actor {
            kind: "host".into(),
            client_id: None,
            token_hash: Some(token_hash(token)),
        }
    }
}

pub fn token_hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: String,
    pub workspace_id: String,
    pub actor: Actor,
    pub action: String,
    pub target: String,
    pub summary: String,
    pub timestamp: u64,
}

impl Workspace {
    /// The newest `limit` audit entries, newest first (none when the log
    /// is reached through a link).
    pub fn audit_tail(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let log = self.audit_log();
        if !self.reachable(&log) {
            return Ok(Vec::new());
        }
        tail(&log, limit)
    }

    /// The same as [`Workspace::audit_tail`], as JSON text (for the server).
    pub(crate) fn audit_tail_json(&self, limit: usize) -> Result<String> {
        let log = self.audit_log();
        if !self.reachable(&log) {
            return Ok("[]".to_string());
        }
        tail_json(&log, limit)
    }
}

/// Appends one entry as one line to the workspace's audit log, its sync
/// owed to `syncs`. One `write` call for the whole line, so readers never
/// see half an entry from us.
pub(crate) fn append(ws: &Workspace, entry: &AuditEntry, syncs: &mut io::Syncs) -> Result<()> {
    append_all(ws, std::slice::from_ref(entry), syncs)
}

/// Appends `entries` as one line each, in one `write` call, its sync owed
/// to `syncs` (a group of writes: see `Workspace::write_group`).
pub(crate) fn append_all(
    ws: &Workspace,
    entries: &[AuditEntry],
    syncs: &mut io::Syncs,
) -> Result<()> {
    let path = ws.audit_log();
    let mut lines = Vec::new();
    for entry in entries {
        serde_json::to_writer(&mut lines, entry)
            .map_err(|e| Error::io("encode the audit entry", &path, std::io::Error::other(e)))?;
        lines.push(b'\n');
    }
    if lines.is_empty() {
        return Ok(());
    }
    io::append_line(ws.state_root(), &path, "the audit log", lines, syncs)
}

/// The newest `limit` entries, newest first. Lines that do not parse (a
/// torn write, an edit by hand) are skipped.
pub fn tail(path: &Path, limit: usize) -> Result<Vec<AuditEntry>> {
    let mut out = Vec::new();
    scan_back(path, limit, |line| {
        match serde_json::from_slice::<AuditEntry>(line) {
            Ok(entry) => {
                out.push(entry);
                true
            }
            Err(_) => false,
        }
    })?;
    Ok(out)
}

/// The same entries as [`tail`], as a JSON array of the lines' exact text:
/// for the server, which passes them through rather than parsing every
/// field into owned strings and printing them again. A line goes in only
/// if it parses whole as an entry, so the array is valid JSON.
pub fn tail_json(path: &Path, limit: usize) -> Result<String> {
    let mut out = String::with_capacity(limit.min(200) * 256 + 2);
    out.push('[');
    scan_back(path, limit, |line| {
        let Ok(text) = std::str::from_utf8(line) else {
            return false;
        };
        if serde_json::from_str::<EntryShape<'_>>(text).is_err() {
            return false;
        }
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(text);
        true
    })?;
    out.push(']');
    Ok(out)
}

/// The fields of an [`AuditEntry`], borrowed where the text allows.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct EntryShape<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    workspace_id: Cow<'a, str>,
    actor: serde::de::IgnoredAny,
    #[serde(borrow)]
    action: Cow<'a, str>,
    #[serde(borrow)]
    target: Cow<'a, str>,
    #[serde(borrow)]
    summary: Cow<'a, str>,
    timestamp: u64,
}

/// Reads the log backwards, handing each non-blank line (newest first) to
/// `take` until it has accepted `limit` of them. The first read is sized
/// for `limit` typical lines, later ones grow, so the cost follows `limit`
/// and never the size of the log.
fn scan_back(path: &Path, limit: usize, mut take: impl FnMut(&[u8]) -> bool) -> Result<()> {
    if limit == 0 {
        return Ok(());
    }
    let mut file = match io::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("read the audit log", path, e)),
    };
    let mut pos = file
        .seek(SeekFrom::End(0))
        .map_err(|e| Error::io("read the audit log", path, e))?;
    let mut chunk = (limit as u64 * 320).clamp(4096, 256 * 1024);
    let mut taken = 0;
    // Bytes of an incomplete line that began before the chunk just read.
    let mut carry: Vec<u8> = Vec::new();
    let mut offer = |line: &[u8], taken: &mut usize| {
        let line = line.trim_ascii();
        if !line.is_empty() && take(line) {
            *taken += 1;
        }
    };
    while pos > 0 {
        let start = pos.saturating_sub(chunk);
        let mut buf = vec![0u8; (pos - start) as usize];
        file.seek(SeekFrom::Start(start))
            .and_then(|_| file.read_exact(&mut buf))
            .map_err(|e| Error::io("read the audit log", path, e))?;
        buf.extend_from_slice(&carry);
        pos = start;
        // Every line but the first of `buf` is complete; the first one is
        // complete only when we reached the start of the file.
        let mut end = buf.len();
        while let Some(nl) = buf[..end].iter().rposition(|&b| b == b'\n') {
            offer(&buf[nl + 1..end], &mut taken);
            end = nl;
            if taken >= limit {
                return Ok(());
            }
        }
        carry = buf[..end].to_vec();
        chunk = (chunk * 4).min(1 << 20);
    }
    offer(&carry, &mut taken);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn entry(i: u64) -> AuditEntry {
        AuditEntry {
            id: format!("id{i}"),
            workspace_id: "ws_x".into(),
            actor: Actor::cli(),
            action: "plugins.add".into(),
            target: "opencode.jsonc".into(),
            summary: format!("Add plugin p{i}"),
            timestamp: i,
        }
    }

    #[test]
    fn tail_reads_newest_first_across_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let p = ws.audit_log();
        for i in 0..3000 {
            append(&ws, &entry(i), &mut io::Syncs::now()).unwrap();
        }
        let got = tail(&p, 5).unwrap();
        assert_eq!(
            got.iter().map(|e| e.timestamp).collect::<Vec<_>>(),
            [2999, 2998, 2997, 2996, 2995]
        );
        let all = tail(&p, 10_000).unwrap();
        assert_eq!(all.len(), 3000);
        assert_eq!(all.last().unwrap().timestamp, 0);
    }

    #[test]
    fn tail_skips_garbage_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let p = ws.audit_log();
        assert!(tail(&p, 5).unwrap().is_empty());
        append(&ws, &entry(1), &mut io::Syncs::now()).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"{\"torn")
            .unwrap();
        append(&ws, &entry(2), &mut io::Syncs::now()).unwrap();
        let got = tail(&p, 5).unwrap();
        assert_eq!(got.iter().map(|e| e.timestamp).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn json_tail_matches_parsed_tail() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let p = ws.audit_log();
        for i in 0..500 {
            append(&ws, &entry(i), &mut io::Syncs::now()).unwrap();
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"{\"not\": \"an entry\"}\n")
            .unwrap();
        for limit in [1, 7, 50, 200, 1000] {
            let parsed = tail(&p, limit).unwrap();
            let raw: Vec<AuditEntry> =
                serde_json::from_str(&tail_json(&p, limit).unwrap()).unwrap();
            assert_eq!(parsed, raw);
        }
    }

    #[test]
    fn actor_shapes() {
        assert_eq!(
            serde_json::to_string(&Actor::cli()).unwrap(),
            r#"{"type":"host","clientId":"cli"}"#
        );
        let r = serde_json::to_value(Actor::remote("t", None)).unwrap();
        assert_eq!(r["type"], "remote");
        assert_eq!(r["tokenHash"].as_str().unwrap().len(), 64);
        assert!(r.get("clientId").is_none());
    }
}
