//! The server's settings, final and typed: what [`super::run`] takes.
//! Where each comes from (a flag, an environment variable, the config
//! file of [`super::config_file`], a default) is the CLI's business; the
//! defaults and the parsers of the values that more than one of those
//! places can give are here, so that every place reads a value alike.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_HOST: &str = "127.0.0.1";
pub const DEFAULT_PORT: u16 = 8787;
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// Request bodies above this are refused with `413 payload_too_large`.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Pending approvals above this are refused with `429 too_many_pending`.
pub const MAX_PENDING: usize = 256;
/// A token given (flag, variable, file) must be at least this long.
pub const TOKEN_MIN: usize = 16;
/// A token file holds a token and maybe a newline: more is not one.
pub const TOKEN_FILE_MAX: u64 = 4096;
/// Bytes the writes waiting for approval may hold in all (their plans and
/// diffs); above it, `429 too_many_pending` too.
pub const PENDING_BYTES: usize = 48 * 1024 * 1024;
/// Bytes of request bodies that writes may hold at once, from the start
/// of the read until the write is answered (approval included); a body
/// that finds no room is `429 too_many_pending`, unread.
pub const WRITE_BYTES: usize = 32 * 1024 * 1024;
/// Event streams open at once; more are `429 too_many_streams`.
pub const MAX_STREAMS: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalMode {
    Manual,
    Auto,
}

impl ApprovalMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalMode::Manual => "manual",
            ApprovalMode::Auto => "auto",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSetting {
    /// Absolute and lexically normal.
    pub path: PathBuf,
    pub name: Option<String>,
    /// `local` or `remote`.
    pub workspace_type: String,
    pub base_url: Option<String>,
    pub directory: Option<String>,
}

impl WorkspaceSetting {
    /// A workspace given by its path alone.
    pub fn plain(path: PathBuf) -> WorkspaceSetting {
        WorkspaceSetting {
            path,
            name: None,
            workspace_type: "local".into(),
            base_url: None,
            directory: None,
        }
    }
}

/// A token, and whether openwork made it rather than the user giving it
/// (then it is printed at boot, and kept across restarts).
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    pub value: String,
    pub generated: bool,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token(<redacted>, generated: {})", self.generated)
    }
}

impl Token {
    /// The token given, checked, else a new one. `what` names it in errors.
    pub fn given_or_new(given: Option<String>, what: &str) -> Result<Token, String> {
        match given {
            Some(value) => {
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(format!("the {what} must be printable ASCII without spaces"));
                }
                if value.len() < TOKEN_MIN {
                    return Err(format!(
                        "the {what} must be at least {TOKEN_MIN} characters (it has {}); leave it out to have one generated",
                        value.len()
                    ));
                }
                Ok(Token {
                    value,
                    generated: false,
                })
            }
            None => Ok(Token {
                value: generate_token().map_err(|e| format!("cannot generate the {what}: {e}"))?,
                generated: true,
            }),
        }
    }
}

/// 256 bits from the operating system's random source, as hex.
pub fn generate_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub client_token: Token,
    pub host_token: Token,
    pub approval: ApprovalMode,
    pub approval_timeout: Duration,
    pub workspaces: Vec<WorkspaceSetting>,
    /// Allowed CORS origins; `*` allows any.
    pub cors_origins: Vec<String>,
    /// Names besides the loopback ones and the bound address that `Host`
    /// may carry (`name`, `name:port`; `*` for any).
    pub allowed_hosts: Vec<String>,
    pub read_only: bool,
    /// A workspace must be one of these folders or inside one.
    pub authorized_roots: Vec<PathBuf>,
    /// The config file that was read, if any.
    pub config_file: Option<PathBuf>,
    pub body_limit: usize,
    pub max_pending: usize,
    pub max_pending_bytes: usize,
    pub write_bytes: usize,
    pub max_streams: usize,
}

/// A token given as text, else read from `file` (the two places of one
/// source: `--token` and `--token-file`, `token` and `tokenFile`, …).
pub fn token_or_file(
    given: Option<&String>,
    file: Option<PathBuf>,
    what: &str,
) -> Result<Option<String>, String> {
    match (given, file) {
        (Some(t), _) => Ok(Some(t.clone())),
        (None, Some(path)) => token_from_file(&path, what).map(Some),
        (None, None) => Ok(None),
    }
}

/// A token read from a file (`--token-file`, `tokenFile`): a private file
/// ([`crate::private`]), its content trimmed. `what` names it in errors.
pub fn token_from_file(path: &Path, what: &str) -> Result<String, String> {
    let bytes = crate::private::read(path, TOKEN_FILE_MAX)
        .map_err(|why| format!("cannot use the {what} file: {why}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("the {what} file {} is not UTF-8", path.display()))?;
    Ok(text.trim().to_string())
}

impl Settings {
    /// Whether `path` is one of the authorized roots or inside one, once
    /// symbolic links are resolved on both sides: a workspace that is a
    /// link to a folder outside every root is not authorized, whatever its
    /// path says. A path that cannot be resolved (gone) is not authorized.
    pub fn is_authorized(&self, path: &Path) -> bool {
        // Recorded lookups: the answer is kept while the paths resolve alike.
        use crate::workspace::io::canonicalize;
        let Ok(real) = canonicalize(path) else {
            return false;
        };
        self.authorized_roots
            .iter()
            .filter_map(|r| canonicalize(r).ok())
            .any(|r| real.starts_with(r))
    }
}

/// `p` taken from `base` when relative, made absolute and lexically normal.
pub fn path_from(base: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    crate::workspace::absolute(&joined).unwrap_or(joined)
}

/// A value that cannot be used: what it must be, and what it was. Whoever
/// read it puts its name first ("--port must be …", "OPENWORK_PORT must be
/// …", "\"port\" in server.json must be …").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Invalid {
    fn must_be(expected: &str, value: &str) -> Invalid {
        Invalid(format!("must be {expected}, not {value:?}"))
    }
}

/// The parsers of the values that a flag, its environment variable and
/// the config file (as a string) can give.
pub mod values {
    use super::{ApprovalMode, Invalid};

    pub fn port(value: &str) -> Result<u16, Invalid> {
        value
            .trim()
            .parse::<u16>()
            .map_err(|_| Invalid::must_be("a port number from 0 to 65535", value))
    }

    pub fn approval_mode(value: &str) -> Result<ApprovalMode, Invalid> {
        match value.trim() {
            "manual" => Ok(ApprovalMode::Manual),
            "auto" => Ok(ApprovalMode::Auto),
            _ => Err(Invalid::must_be("\"manual\" or \"auto\"", value)),
        }
    }

    /// A positive number of milliseconds.
    pub fn timeout_ms(value: &str) -> Result<u64, Invalid> {
        match value.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(Invalid::must_be("a positive number of milliseconds", value)),
        }
    }

    /// `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off`, in any case.
    pub fn boolean(value: &str) -> Result<bool, Invalid> {
        match value.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" => Ok(false),
            _ => Err(Invalid::must_be("true or false", value)),
        }
    }

    /// A JSON array of strings when the value starts with `[`, else a list
    /// split on `,` or `;`; blank items are dropped.
    pub fn list(value: &str) -> Result<Vec<String>, Invalid> {
        let trimmed = value.trim();
        if trimmed.starts_with('[') {
            match serde_json::from_str::<Vec<String>>(trimmed) {
                Ok(items) => Ok(items
                    .into_iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()),
                Err(e) => Err(Invalid(format!("is not a JSON array of strings: {e}"))),
            }
        } else {
            Ok(split_list(trimmed))
        }
    }

    /// A list of names that `Host` may carry, as [`list`] reads it: each a
    /// host name or address, with an optional port, or `*`.
    pub fn hosts(value: &str) -> Result<Vec<String>, Invalid> {
        let names = list(value)?;
        for name in &names {
            let ok = name == "*"
                || (!name.contains(['@', '/', '?', '#'])
                    && name.parse::<warp::http::uri::Authority>().is_ok());
            if !ok {
                return Err(Invalid::must_be(
                    "host names (with an optional :port) or *",
                    name,
                ));
            }
        }
        Ok(names)
    }

    /// A list split on `,` or `;`; blank items are dropped.
    pub fn split_list(value: &str) -> Vec<String> {
        value
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_long() {
        let a = generate_token().unwrap();
        let b = generate_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn given_tokens_are_long_enough() {
        let short = Token::given_or_new(Some("x".into()), "host token").unwrap_err();
        assert!(short.contains("at least 16 characters"), "{short}");
        assert!(Token::given_or_new(Some("a".repeat(15)), "t").is_err());
        assert!(Token::given_or_new(Some("a".repeat(16)), "t").is_ok());
    }

    #[test]
    fn values() {
        assert_eq!(values::port(" 8080 "), Ok(8080));
        assert_eq!(
            values::port("70000").unwrap_err().to_string(),
            "must be a port number from 0 to 65535, not \"70000\""
        );
        assert_eq!(values::approval_mode("auto"), Ok(ApprovalMode::Auto));
        assert!(values::approval_mode("sometimes").is_err());
        assert_eq!(values::timeout_ms("5"), Ok(5));
        assert!(values::timeout_ms("0").is_err());
        for yes in ["true", "1", "YES", "on"] {
            assert_eq!(values::boolean(yes), Ok(true), "{yes}");
        }
        for no in ["false", "0", "No", "off"] {
            assert_eq!(values::boolean(no), Ok(false), "{no}");
        }
        assert!(values::boolean("maybe").is_err());
        assert_eq!(
            values::list(r#"[" a ","", "b"]"#),
            Ok(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            values::list(" a , b;c,, "),
            Ok(vec!["a".into(), "b".into(), "c".into()])
        );
        assert!(values::list("[1]").is_err());
    }
}
