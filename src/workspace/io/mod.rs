//! The only code of the core that touches the file system, and it depends
//! on nothing above it: the file primitives every read and write goes
//! through (`files`), the parse cache (`cache`), and the record of what a
//! read looked at (`record`), which the read memo (`memo`) watches.

mod cache;
mod files;
pub(crate) mod record;

pub(crate) use cache::Cache;
pub use files::write_atomic;
pub(crate) use files::{
    canonicalize, check_inside, clean_stale_temps, exists, is_dir, is_file, is_symlink, open, put,
    read_dir, read_optional, stale_temps,
};
