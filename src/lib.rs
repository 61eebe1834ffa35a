//! `openwork`: manage an OpenCode workspace's configuration.
//!
//! [`workspace`] is the core: files, parsing, validation, planned writes,
//! locking and the audit log. It knows nothing of HTTP or terminals, so the
//! offline CLI and the HTTP server run exactly the same code for every write.

pub mod error;
pub mod pairing;
pub mod server;
pub mod workspace;

pub use error::{Code, Error, Result};
