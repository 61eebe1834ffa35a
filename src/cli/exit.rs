//! How a command ends: the exit status (one enum that `main`, the
//! `--help` text, the man page and the docs' tables all draw from) and
//! the `Failure` a command returns.

use openwork::{Code, Error};
use std::process::ExitCode;

/// The exit status of every `openwork` command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Success, a no-op included.
    Success = 0,
    /// Something went wrong at run time (I/O, a broken file, a conflict,
    /// a server that cannot be reached).
    Failure = 1,
    /// Bad flags or input the caller can fix.
    Usage = 2,
    /// An approval was denied, or the server is read-only.
    Denied = 3,
    /// The server refused the token.
    Auth = 4,
}

impl ExitStatus {
    /// Every status, in the order of their codes.
    pub const ALL: [ExitStatus; 5] = [
        ExitStatus::Success,
        ExitStatus::Failure,
        ExitStatus::Usage,
        ExitStatus::Denied,
        ExitStatus::Auth,
    ];

    pub const fn code(self) -> u8 {
        self as u8
    }

    /// A few words, for the one line of `--help`.
    pub const fn label(self) -> &'static str {
        match self {
            ExitStatus::Success => "ok",
            ExitStatus::Failure => "runtime failure",
            ExitStatus::Usage => "invalid input",
            ExitStatus::Denied => "denied or read-only",
            ExitStatus::Auth => "authentication failed",
        }
    }

    /// What the status covers, for the man page and the docs' tables
    /// (`code` spans in backticks).
    pub const fn meaning(self) -> &'static str {
        match self {
            ExitStatus::Success => {
                "success, a write that changed nothing included; `--help`, `--version`"
            }
            ExitStatus::Failure => {
                "runtime failure: I/O, a workspace file that does not parse, a conflict, \
                 a skill or approval not found, a server that cannot be reached or answers an error, \
                 an error `openwork doctor` found"
            }
            ExitStatus::Usage => {
                "usage or invalid input: bad flags or arguments, input the API refuses \
                 (every `400` code, `payload_too_large`, `invalid_description`), a workspace \
                 folder that does not exist or is outside the authorized roots, bad \
                 `openwork serve` settings"
            }
            ExitStatus::Denied => {
                "denied: an approval was denied or timed out, or the server is read-only"
            }
            ExitStatus::Auth => "authentication failed: the server refused the token",
        }
    }

    /// The status of a failure with this error code.
    pub fn of(code: Code) -> ExitStatus {
        match code {
            c if c.is_bad_input() => ExitStatus::Usage,
            Code::WorkspaceNotFound | Code::WorkspaceUnauthorized => ExitStatus::Usage,
            Code::WriteDenied | Code::ReadOnly => ExitStatus::Denied,
            Code::Unauthorized => ExitStatus::Auth,
            _ => ExitStatus::Failure,
        }
    }

    /// `Exit status: 0 ok, 1 runtime failure, …`, the last line of `--help`.
    pub fn help_line() -> String {
        let each: Vec<String> = Self::ALL
            .iter()
            .map(|s| format!("{} {}", s.code(), s.label()))
            .collect();
        format!("Exit status: {}.", each.join(", "))
    }

    /// The table of docs/cli.md and docs/api.md#exit-codes (Markdown).
    pub fn markdown_table() -> String {
        let mut table = String::from("| code | meaning |\n|---|---|\n");
        for s in Self::ALL {
            table.push_str(&format!("| {} | {} |\n", s.code(), s.meaning()));
        }
        table
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status.code())
    }
}

/// Why a command failed: one line for people, an optional hint, and the
/// status the process exits with.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
    pub status: ExitStatus,
}

impl Failure {
    pub fn new(status: ExitStatus, message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            hint: None,
            status,
        }
    }

    /// A failure at run time that no error code of the library names (the
    /// async runtime would not start, a server cannot be reached).
    pub fn runtime(message: impl Into<String>) -> Self {
        Failure::new(ExitStatus::Failure, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// An error of the library: its message for the local operator, and the
/// status of its code.
impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::new(ExitStatus::of(error.code), error.local_message())
    }
}

/// A usage error: bad flags or arguments, caught by the CLI itself.
pub fn usage(message: impl Into<String>) -> Failure {
    Failure::new(ExitStatus::Usage, message)
}

pub type CmdResult = Result<(), Failure>;

#[cfg(test)]
mod tests {
    use super::ExitStatus;
    use openwork::Code;

    #[test]
    fn codes_are_their_position() {
        for (i, s) in ExitStatus::ALL.iter().enumerate() {
            assert_eq!(usize::from(s.code()), i, "{s:?}");
        }
    }

    #[test]
    fn error_codes_map_to_statuses() {
        for (code, status) in [
            (Code::InvalidSkillName, ExitStatus::Usage),
            (Code::InvalidDescription, ExitStatus::Usage),
            (Code::PayloadTooLarge, ExitStatus::Usage),
            (Code::WorkspaceNotFound, ExitStatus::Usage),
            (Code::InvalidJsonc, ExitStatus::Failure),
            (Code::Internal, ExitStatus::Failure),
            (Code::ApprovalNotFound, ExitStatus::Failure),
            (Code::WriteDenied, ExitStatus::Denied),
            (Code::ReadOnly, ExitStatus::Denied),
            (Code::Unauthorized, ExitStatus::Auth),
        ] {
            assert_eq!(ExitStatus::of(code), status, "{code:?}");
        }
    }

    #[test]
    fn help_lists_every_status() {
        // As one line, whatever the width it was wrapped to.
        let help = crate::cli::command().render_long_help().to_string();
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(help.contains(&ExitStatus::help_line()), "{help}");
        for s in ExitStatus::ALL {
            assert!(
                help.contains(&format!("{} {}", s.code(), s.label())),
                "{s:?} missing from --help:\n{help}"
            );
        }
    }

    #[test]
    fn docs_tables_list_every_status() {
        let table = ExitStatus::markdown_table();
        for (doc, text) in [
            ("docs/cli.md", include_str!("../../docs/cli.md")),
            ("docs/api.md", include_str!("../../docs/api.md")),
        ] {
            assert!(
                text.contains(&table),
                "{doc} must hold the exit status table, exactly:\n{table}"
            );
        }
    }
}
