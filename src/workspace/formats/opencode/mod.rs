//! OpenCode's config schema, for what openwork writes: a value in, a
//! one-line reason out when OpenCode would refuse it or silently drop part
//! of it. Nothing here reads files.
//!
//! The types are written by hand from the TypeScript types of the version
//! openwork targets — `@opencode-ai/sdk@1.18.33`, `dist/v2/gen/types.gen.d.ts`
//! (the package's root `dist/gen/types.gen.d.ts` is stale: it lacks the
//! `{enabled}` MCP override, the plugin tuple, `cwd` and `callbackPort`) —
//! plus what the 1.18.33 binary checks beyond those types: `timeout` is a
//! positive integer, `callbackPort` an integer in 1..=65535, a command's
//! `template` is required, and `null` is never a value. The targeted
//! version lives in one place, the file `OPENCODE_VERSION`
//! ([`crate::OPENCODE_VERSION`]); `tests/it/opencode/` runs that very
//! OpenCode against what openwork writes.
//!
//! Serde types rather than a JSON-Schema validator: nothing is compiled
//! at run time, an error names the field (`mcp.db.environment.PORT`), and
//! the SDK ships no JSON schema to feed one.
//!
//! - [`mcp`]: an `mcp.<name>` entry (local, remote, or `{enabled}`), unknown
//!   keys refused on purpose, with hints for near misses.
//! - [`command`]: a command, inline (`command.<name>`) or a file's frontmatter.
//! - [`plugin`]: a `plugin` entry, a spec or `[spec, {options}]`.
//! - [`plugin_spec`]: what a spec may be: the forms OpenCode installs (npm
//!   names and versions, paths, `file://`, git and tarball URLs).
//! - [`config`]: the top-level keys, each with its type; the TUI's keys refused.
//! - `scalars`: the value types the binary checks beyond the SDK's.
//! - `report`: turning a serde error into the one line people read.

pub mod command;
pub mod config;
pub mod mcp;
pub mod plugin;
pub mod plugin_spec;
mod report;
pub(crate) mod scalars;

pub use config::check_key;
