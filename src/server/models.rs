//! The HTTP shapes (docs/api.md#shapes) that the workspace core does not already
//! define (its list items, config view and export document are sent as is).

use crate::workspace::Actor;
use serde::Serialize;
use serde_json::{Map, Value};

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
    pub opencode: Map<String, Value>,
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
    /// When the request times out (ms since the epoch): lets
    /// `approvals watch` show the seconds left.
    pub expires_at: u64,
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
