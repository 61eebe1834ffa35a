//! The integration tests, built as one binary (`cargo test --test it`): the
//! real `openwork` binary on temporary workspaces, `openwork serve` on
//! 127.0.0.1 driven with reqwest, and property tests of the HTTP-facing
//! parsing. One module per area; what they share is in [`support`].
//!
//! Every test runs as a thread of this one process, so no test may change
//! process-wide state: no `std::env::set_var`, no `set_current_dir`. A test
//! gives a child process its environment and folder through `Command`
//! (`Env::command`, `Ws::cmd`), each run with its own temporary HOME.
//!
//! The suite is written for Unix (it sends signals, sets file modes, runs
//! shells); the tests that need Linux (`/proc`, inotify) say so with a
//! `cfg`. On Windows it is only type-checked, so the helpers that only
//! Unix tests use are allowed to go unused there.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

mod allocator;
mod approvals_cli;
mod cli;
mod cli_bad_input;
mod config_key;
mod crash;
mod docs;
mod doctor;
mod everyday;
mod fuzz_payloads;
mod global_scope;
mod handshake;
mod journal;
mod layers;
mod opencode;
mod plugins_and_servers;
mod server;
mod support;
mod terminal_text;
