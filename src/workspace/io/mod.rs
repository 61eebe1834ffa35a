//! The only code of the core that touches the file system, and it depends
//! on nothing above it: the file primitives every read and write goes
//! through ([`files`]), the parse cache ([`cache`]), and the record of
//! what a read looked at ([`record`]), which the read memo
//! ([`super::memo`]) watches.

pub mod cache;
pub mod files;
pub mod record;

pub use cache::Cache;
pub use files::{
    canonicalize, check_inside, clean_stale_temps, exists, is_dir, is_file, is_symlink, open, put,
    read_dir, read_no_follow, read_optional, remove, stale_temps, write_atomic,
};
