//! One file per group of endpoints. A handler takes the [`Request`] and
//! its path parameters and returns a `Result`: the routes turn it into a
//! response, errors included, so a route that matched never falls through
//! to another. Handlers never touch files: every read and write is a call
//! into [`crate::workspace`], through [`super::reads`] and
//! [`super::writes`].
//!
//! [`Request`]: super::request::Request

pub mod approvals;
pub mod audit;
pub mod commands;
pub mod config;
pub mod mcp;
pub mod meta;
pub mod plugins;
pub mod skills;
pub mod transfer;
