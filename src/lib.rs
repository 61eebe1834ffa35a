//! `openwork`: manage an OpenCode workspace's configuration.
//!
//! [`workspace`] is the core: files, parsing, validation, planned writes,
//! locking and the audit log. It knows nothing of HTTP or terminals, so the
//! offline CLI and the HTTP server run exactly the same code for every write.
// Files are touched only through `workspace::io` (see clippy.toml). Unit
// tests set up their fixtures on disk, so the rule is for the library's
// own code.
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

pub mod display;
pub mod doctor;
pub mod error;
pub mod pairing;
pub mod private;
pub mod server;
pub mod workspace;

pub use error::{Code, Error, Result};

/// The OpenCode release openwork targets: its config schema
/// (`workspace::opencode`), its layers and its reload call. Read from the
/// file `OPENCODE_VERSION` at the root of the repository, the one place
/// it is written (`.ci/run` installs that release for the tests).
pub const OPENCODE_VERSION: &str = env!("OPENWORK_OPENCODE_VERSION");
