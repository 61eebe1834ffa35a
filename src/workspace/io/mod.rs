//! The only code of the core that touches the file system, and it depends
//! on nothing above it: reading and looking up files (`read`), writing
//! them (`write`), opening the lock file (`lock_file`), the parse cache
//! (`cache`), the record of what a read looked at (`record`), which the
//! read memo (`memo`) watches, and the calls of its watcher (`notify`).
//!
//! clippy's `disallowed-methods` (see `clippy.toml`) refuses every direct
//! file-system call elsewhere in the library and the binary; the modules
//! here allow it, each saying so at its top.

mod cache;
pub(crate) mod lock_file;
#[cfg(target_os = "linux")]
pub(crate) mod notify;
mod read;
pub(crate) mod record;
mod write;

pub(crate) use cache::Cache;
pub(crate) use read::{
    Kind, canonicalize, check_inside, exists, is_dir, is_file, is_symlink, list, open,
    read_optional, unrecorded_kind,
};
pub use write::write_atomic;
pub(crate) use write::{
    append_line, clean_stale_temps, put, remove_empty_folder, remove_file, stale_temps, temp_base,
};
