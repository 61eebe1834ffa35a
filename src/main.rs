//! The `openwork` binary: a thin command-line layer over the library.
// Files are touched through the library (see clippy.toml); the few
// modules that read or write files of their own allow it and say why.
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

mod cli;

/// jemalloc: its thread caches and size classes make the many small
/// allocations of a request (parses, plans, answers) cheap where glibc's
/// malloc spent a third of a write's time (see Cargo.toml). Linux only.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
