//! The file and payload formats, as text in and text out: they know
//! nothing of workspaces or of the file system.
//!
//! - [`jsonc`]: the OpenCode config, read as JSON with comments and edited
//!   in place so that every untouched byte (comments included) stays.
//! - [`frontmatter`]: Markdown with a YAML block on top (SKILL.md, commands).
//! - [`input`]: JSON payloads read field by field with strict types.
//! - [`opencode`]: OpenCode's config schema for what openwork writes.
//! - [`key_path`]: a config key path (`mcp.chrome.timeout`, `models["gpt-4.1"]`).
//! - [`json_string`]: JSON strings, objects and arrays written as serde_json
//!   writes them, faster (the hand-written listings).

pub mod frontmatter;
pub mod input;
pub mod json_string;
pub mod jsonc;
pub mod key_path;
pub mod opencode;
