//! What a workspace configures, one module per kind of item: each lists
//! its items (reading through the workspace's cache) and plans the writes
//! that change them (as [`crate::workspace::Plan`]s, never writing).
//!
//! - [`plugins`]: the `plugin` list of the OpenCode config and plugin files.
//! - [`mcp`]: the MCP servers of the OpenCode config.
//! - [`skills`]: `SKILL.md` folders.
//! - [`commands`]: command files; [`command_fields`]: a command's fields
//!   as a resolve holds them.
//! - [`config`]: the two config files themselves, read and patched;
//!   [`config_key`]: one setting of the OpenCode config by its key path.
//! - [`layers`]: where OpenCode looks, in its order; [`resolve`]: what it
//!   makes of all of it, each item with the file that defines it. Every
//!   listing is a view of the resolution, so it shows what OpenCode uses.
//! - [`transfer`]: export and import of all of the above as one document.
//! - [`secrets`]: which values of the user-wide config a remote client
//!   sees only as `"***"`.
//! - [`validate`]: the rules every writer checks: item names, plugin specs,
//!   descriptions, MCP configs. They live here rather than among the
//!   formats because they are about what an item may be called or hold,
//!   not about how a file is spelled.

pub mod command_fields;
pub mod commands;
pub mod config;
pub mod config_key;
pub mod layers;
pub mod mcp;
pub mod plugins;
pub mod resolve;
pub mod secrets;
pub mod skills;
pub mod transfer;
pub mod validate;
pub(crate) mod walk;

/// Writes `text` to `rel` under `root`, making its folders (tests).
#[cfg(test)]
pub(crate) fn write_file(root: &std::path::Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The verb of a plan's summary that writes one item: `Add` when it is
/// new, `Update` when it was there.
fn add_or_update(existed: bool) -> &'static str {
    if existed { "Update" } else { "Add" }
}
