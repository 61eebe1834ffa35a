//! The HTTP shapes (docs/api.md#shapes) that the workspace core does not already
//! define (its list items, config view and export document are sent as is).

use crate::workspace::Actor;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::Digest;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub ok: bool,
    pub version: &'static str,
    pub uptime_ms: u64,
}

#[derive(Debug, Serialize)]
pub struct Access {
    pub read: bool,
    pub write: bool,
}

#[derive(Debug, Serialize)]
pub struct SkillsAccess {
    pub read: bool,
    pub write: bool,
    pub source: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Capabilities {
    pub skills: SkillsAccess,
    pub plugins: Access,
    pub mcp: Access,
    pub commands: Access,
    pub config: Access,
}

impl Capabilities {
    pub fn new(read_only: bool) -> Capabilities {
        let write = !read_only;
        Capabilities {
            skills: SkillsAccess {
                read: true,
                write,
                source: "openwork",
            },
            plugins: Access { read: true, write },
            mcp: Access { read: true, write },
            commands: Access { read: true, write },
            config: Access { read: true, write },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpencodeInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceInfo {
    pub id: String,
    pub name: String,
    pub path: String,
    pub workspace_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
    /// Present only when `baseUrl` or `directory` is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opencode: Option<OpencodeInfo>,
}

#[derive(Debug, Serialize)]
pub struct Items<T> {
    pub items: T,
}

#[derive(Debug, Serialize)]
pub struct OkReply {
    pub ok: bool,
}

/// `PATCH /workspace/:id/config`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Patched {
    pub updated_at: Option<u64>,
    pub opencode: std::sync::Arc<Map<String, Value>>,
    pub openwork: Map<String, Value>,
}

/// A write waiting for the host (docs/api.md#approvalrequest), with the diff it would make.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalRequest {
    pub id: String,
    pub workspace_id: String,
    pub action: String,
    pub summary: String,
    /// Absolute paths of the files the write changes.
    pub paths: Vec<String>,
    pub created_at: u64,
    pub actor: Actor,
    pub diff: String,
    /// Present when `diff` is only the start of a longer diff, which
    /// `GET /approvals/:id` answers whole.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub diff_cut: Option<DiffCut>,
    /// When the request times out (ms since the epoch): lets
    /// `approvals watch` show the seconds left.
    pub expires_at: u64,
}

/// Bytes of a diff an approval request and its event carry, at most: a
/// longer one is cut (at a line) and said so in [`DiffCut`].
pub const DIFF_SHOWN: usize = 64 * 1024;

/// What was cut from a long diff.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffCut {
    /// Always `true`.
    pub diff_truncated: bool,
    /// Bytes of the whole diff.
    pub diff_size: usize,
    /// SHA-256 of the whole diff, hex.
    pub diff_sha256: String,
}

impl ApprovalRequest {
    /// Sets `diff` to `whole`, or, when it is longer than [`DIFF_SHOWN`],
    /// to its start (whole lines) with [`DiffCut`]: then the whole diff is
    /// returned, for `GET /approvals/:id`.
    pub fn set_diff(&mut self, whole: String) -> Option<std::sync::Arc<str>> {
        if whole.len() <= DIFF_SHOWN {
            self.diff = whole;
            self.diff_cut = None;
            return None;
        }
        let mut end = DIFF_SHOWN;
        while !whole.is_char_boundary(end) {
            end -= 1;
        }
        let end = whole[..end].rfind('\n').map_or(end, |i| i + 1);
        self.diff = whole[..end].to_string();
        self.diff_cut = Some(DiffCut {
            diff_truncated: true,
            diff_size: whole.len(),
            diff_sha256: format!("{:x}", sha2::Sha256::digest(whole.as_bytes())),
        });
        Some(whole.into())
    }

    /// About how many bytes the request holds.
    pub fn weight(&self) -> usize {
        let paths: usize = self.paths.iter().map(String::len).sum();
        self.diff.len() + self.summary.len() + self.action.len() + paths + 256
    }
}

/// The `approval.resolved` event.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolved {
    pub id: String,
    pub allowed: bool,
    /// `allowed`, `denied`, `timeout`, `shutdown` or `withdrawn` (the
    /// client that asked went away).
    pub reason: &'static str,
    /// Whether the write landed: `false` for every request not allowed,
    /// and for an allowed one whose apply failed.
    pub written: bool,
    /// Why an allowed request was not written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_written: Option<NotWritten>,
}

/// Why a write was not written (docs/api.md#approval-endpoints).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotWritten {
    /// The error code of the apply (`conflict`, …), or the reason of a
    /// request that was not allowed (`denied`, `withdrawn`, …).
    pub reason: String,
    pub message: String,
    /// The files that changed meanwhile, for a `conflict`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
}

impl NotWritten {
    /// The apply's error, as the host is told it.
    pub fn of(e: &crate::Error) -> NotWritten {
        let paths = e
            .details
            .as_deref()
            .and_then(|d| d.get("paths"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        NotWritten {
            reason: e.code.as_str().to_string(),
            message: e.message.clone(),
            paths,
        }
    }

    pub fn denied() -> NotWritten {
        NotWritten {
            reason: "denied".into(),
            message: String::new(),
            paths: Vec::new(),
        }
    }
}

/// `POST /approvals/:id`: answered once an allowed write was applied (or
/// failed to be).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replied {
    pub ok: bool,
    pub allowed: bool,
    pub written: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_written: Option<NotWritten>,
}

/// `POST /approvals/handshake`.
#[derive(Debug, Serialize)]
pub struct HandshakeProof {
    pub proof: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> ApprovalRequest {
        ApprovalRequest {
            id: "1".into(),
            workspace_id: "ws_x".into(),
            action: "skills.upsert".into(),
            summary: "Upsert skill s".into(),
            paths: vec![],
            created_at: 1,
            actor: Actor::cli(),
            diff: String::new(),
            diff_cut: None,
            expires_at: 2,
        }
    }

    #[test]
    fn a_long_diff_is_cut_at_a_line_with_its_size_and_hash() {
        let mut r = request();
        assert!(r.set_diff("+short\n".into()).is_none());
        assert_eq!(r.diff, "+short\n");
        let json = serde_json::to_value(&r).unwrap();
        assert!(json.get("diffTruncated").is_none());

        // Multi-byte characters across the limit: still whole lines of text.
        let whole: String = (0..20_000).map(|i| format!("+é {i}\n")).collect();
        let kept = r.set_diff(whole.clone()).unwrap();
        assert_eq!(&*kept, whole.as_str());
        assert!(r.diff.len() <= DIFF_SHOWN && r.diff.ends_with('\n'));
        assert!(whole.starts_with(&r.diff));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["diffTruncated"], true);
        assert_eq!(json["diffSize"], whole.len());
        assert_eq!(
            json["diffSha256"],
            format!("{:x}", sha2::Sha256::digest(whole.as_bytes())).as_str()
        );
        // The fields keep their place: after `diff`, before `expiresAt`.
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        let at = |k: &str| keys.iter().position(|x| *x == k).unwrap();
        assert!(at("diff") < at("diffTruncated") && at("diffSha256") < at("expiresAt"));
    }
}
