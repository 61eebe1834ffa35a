//! `openwork serve` end to end, one module per concern: the API and its
//! shapes, approvals, tokens, hostile input, concurrent writers, fresh
//! reads, limits, settings and symbolic links.

mod api;
mod approvals;
mod auth;
mod bad_input;
mod concurrency;
mod freshness;
mod hosts;
mod limits;
mod reload;
mod settings;
mod symlinks;
mod tokens;
