//! One error type for the whole core. Each error carries a stable `code`
//! (the API's error codes, docs/api.md#errors), a one-line message for people and
//! optional machine-readable details. The layers above decide how a code is
//! shown: an HTTP status in the server, an exit code in the CLI.

use serde_json::Value;
use std::fmt;
use std::sync::Arc;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error codes of the contract. Two codes can share a wire name but not a
/// meaning (`invalid_json` for a request body vs. for a file on disk), so the
/// enum is finer than the strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A request body or argument that is not JSON (or not an object).
    InvalidJson,
    InvalidPayload,
    InvalidPath,
    InvalidFrontmatter,
    InvalidPluginSpec,
    InvalidSkillName,
    InvalidSkillContent,
    InvalidCommandName,
    InvalidCommandTemplate,
    InvalidCommand,
    InvalidMcpName,
    InvalidMcpConfig,
    InvalidDescription,
    /// The OpenCode config on disk does not parse.
    InvalidJsonc,
    /// `.opencode/openwork.json` on disk does not parse.
    InvalidWorkspaceJson,
    Unauthorized,
    WriteDenied,
    ReadOnly,
    WorkspaceUnauthorized,
    NotFound,
    WorkspaceNotFound,
    ApprovalNotFound,
    SkillNotFound,
    Conflict,
    PayloadTooLarge,
    TooManyPending,
    /// Too many event streams are open.
    TooManyStreams,
    /// A `Host` that does not name this server (DNS rebinding).
    HostNotAllowed,
    /// I/O and other failures whose details must not leak to remote clients.
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidJson | Code::InvalidWorkspaceJson => "invalid_json",
            Code::InvalidPayload => "invalid_payload",
            Code::InvalidPath => "invalid_path",
            Code::InvalidFrontmatter => "invalid_frontmatter",
            Code::InvalidPluginSpec => "invalid_plugin_spec",
            Code::InvalidSkillName => "invalid_skill_name",
            Code::InvalidSkillContent => "invalid_skill_content",
            Code::InvalidCommandName => "invalid_command_name",
            Code::InvalidCommandTemplate => "invalid_command_template",
            Code::InvalidCommand => "invalid_command",
            Code::InvalidMcpName => "invalid_mcp_name",
            Code::InvalidMcpConfig => "invalid_mcp_config",
            Code::InvalidDescription => "invalid_description",
            Code::InvalidJsonc => "invalid_jsonc",
            Code::Unauthorized => "unauthorized",
            Code::WriteDenied => "write_denied",
            Code::ReadOnly => "read_only",
            Code::WorkspaceUnauthorized => "workspace_unauthorized",
            Code::NotFound => "not_found",
            Code::WorkspaceNotFound => "workspace_not_found",
            Code::ApprovalNotFound => "approval_not_found",
            Code::SkillNotFound => "skill_not_found",
            Code::Conflict => "conflict",
            Code::PayloadTooLarge => "payload_too_large",
            Code::TooManyPending => "too_many_pending",
            Code::HostNotAllowed => "host_not_allowed",
            Code::TooManyStreams => "too_many_streams",
            Code::Internal => "internal_error",
        }
    }

    /// Input that the caller can fix by sending something else (as opposed to
    /// a file on disk that is broken, or a failure of the machine).
    pub fn is_bad_input(self) -> bool {
        matches!(
            self,
            Code::InvalidJson
                | Code::InvalidPayload
                | Code::InvalidPath
                | Code::InvalidFrontmatter
                | Code::InvalidPluginSpec
                | Code::InvalidSkillName
                | Code::InvalidSkillContent
                | Code::InvalidCommandName
                | Code::InvalidCommandTemplate
                | Code::InvalidCommand
                | Code::InvalidMcpName
                | Code::InvalidMcpConfig
                | Code::InvalidDescription
                | Code::PayloadTooLarge
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub code: Code,
    pub message: String,
    /// Boxed, like `private`, to keep `Result<T, Error>` small.
    pub details: Option<Box<Value>>,
    /// Extra text for people only (a path, an OS error); never sent to
    /// remote clients because it may reveal the host's layout.
    pub private: Option<Box<str>>,
    /// The operating-system error of an I/O failure, as the error's
    /// `source()` (in an `Arc`, so that `Error` stays `Clone`).
    pub source: Option<Arc<std::io::Error>>,
}

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            details: None,
            private: None,
            source: None,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    /// An I/O failure: the public message stays generic, the path and OS
    /// error are kept for the local operator, and the OS error is the
    /// error's `source()`.
    pub fn io(what: &str, path: &std::path::Path, err: std::io::Error) -> Self {
        let read_only = matches!(
            err.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        );
        let hint = if read_only {
            " (is the workspace read-only?)"
        } else {
            ""
        };
        let mut e = Error::new(Code::Internal, format!("could not {what}"));
        e.private = Some(format!("could not {what} {}: {err}{hint}", path.display()).into());
        e.source = Some(Arc::new(err));
        e
    }

    /// The message for the local operator: the private variant when there is one.
    pub fn local_message(&self) -> &str {
        self.private.as_deref().unwrap_or(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;
    use std::io;

    #[test]
    fn io_errors_keep_their_source_and_messages() {
        let err = Error::io(
            "read",
            std::path::Path::new("/w/opencode.jsonc"),
            io::Error::from(io::ErrorKind::PermissionDenied),
        );
        assert_eq!(err.code, Code::Internal);
        assert_eq!(err.to_string(), "could not read");
        assert_eq!(
            err.local_message(),
            "could not read /w/opencode.jsonc: permission denied (is the workspace read-only?)"
        );
        // Behind an `Arc`, which is what `source()` hands out.
        let clone = err.clone();
        let source = clone
            .source()
            .and_then(|s| s.downcast_ref::<Arc<io::Error>>());
        assert_eq!(
            source.map(|e| e.kind()),
            Some(io::ErrorKind::PermissionDenied)
        );
        assert!(Error::new(Code::Conflict, "x").source().is_none());
    }
}
