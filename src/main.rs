//! The `openwork` binary: a thin command-line layer over the library.
// Files are touched through the library (see clippy.toml); the few
// modules that read or write files of their own allow it and say why.
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
