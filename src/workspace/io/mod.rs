//! The only code of the core that touches the file system, and it depends
//! on nothing above it: reading and looking up files (`read`), writing
//! them (`write`) through folder handles that never follow a link below
//! the workspace root (`beneath`), when they are made durable (`syncs`:
//! at once, or once for a group of writes), what a group changed and has
//! not written yet (`overlay`), opening the lock file (`lock_file`), the user's
//! private key file (`private`), the parse cache
//! (`cache`), the record of what a read looked at (`record`), which the
//! read memo (`memo`) watches, the calls of its watcher (`notify`), and
//! the cache's use of that watcher to skip a `stat` it vouches for
//! (`vouch`), and a folder's files parsed as one value the watcher's log
//! keeps up to date (`parsed_folder`).
//!
//! clippy's `disallowed-methods` (see `clippy.toml`) refuses every direct
//! file-system call elsewhere in the library and the binary; the modules
//! here allow it, each saying so at its top.

mod beneath;
mod cache;
pub(crate) mod lock_file;
#[cfg(target_os = "linux")]
pub(crate) mod notify;
pub(crate) mod overlay;
mod parsed_folder;
pub(crate) mod private;
mod read;
pub(crate) mod record;
mod syncs;
pub(crate) mod vouch;
mod write;

pub(crate) use cache::{Cache, ContentHash, Made};
pub(crate) use parsed_folder::ParsedFolder;
pub(crate) use read::{
    Entry, Kind, canonicalize, check_inside, exists, is_dir, is_file, is_symlink, list, open,
    read_optional, unrecorded_kind,
};
pub(crate) use syncs::Syncs;
pub use write::write_atomic;
pub(crate) use write::{
    append_line, clean_stale_temps, create_folder, create_lock_file, put, remove_empty_folder,
    stale_temps, temp_base,
};
