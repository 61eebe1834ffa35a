//! The differential suite: workspaces built by openwork's commands (the
//! offline CLI and `openwork serve` over HTTP), from no config, from a
//! commented `opencode.jsonc`, from an `opencode.json`, with both, with
//! `.opencode/opencode.jsonc`, with parent folders and user-wide files, and
//! every folder form OpenCode reads — then the real OpenCode (the version of
//! `OPENCODE_VERSION`, run offline with a private HOME) must load each
//! without error, and its views (`debug config`, `debug skill`, `mcp list`
//! against MCP servers the test starts on 127.0.0.1) must equal openwork's
//! `--json` views. Each config OpenCode refuses, openwork refuses too, and
//! a running `opencode serve` reloads after a write through `openwork
//! serve`.
//!
//! Without OpenCode (`OPENWORK_OPENCODE`, or `target/opencode/` as
//! `.ci/run` installs it) every case says it skipped and passes; with
//! `OPENWORK_TEST_REQUIRE_TOOLS=1` (`.ci/run`) a missing OpenCode fails.
#![cfg(unix)]

mod case;
mod commands;
mod compare;
mod config_files;
mod doctor;
mod global;
pub mod harness;
mod mcp;
mod plugins;
mod refusals;
mod reload;
mod servers;
mod skills;

pub use case::Case;
