//! Files only their owner may touch: the pairing files, the kept tokens
//! and the token files of `--token-file` (docs/api.md#pairing-file).
//! They hold secrets, so a file is trusted only when it is a regular file
//! (not a link) owned by the current user that no one else may read or
//! write, in a folder owned by the current user that no one else may
//! write to; an existing folder that fails this is refused, not fixed.
//! Unix only: elsewhere files have no such modes, and only the reading
//! and writing are done.
// These files are openwork's own, outside every workspace, and no kept
// value depends on them: they are read and written here directly.
#![allow(clippy::disallowed_methods)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Why a file or folder is not trusted, in words for a warning.
pub type Why = String;

#[cfg(unix)]
fn current_uid() -> u32 {
    nix::unistd::getuid().as_raw()
}

/// A folder that holds secrets: ours, and writable by no one else.
pub fn check_dir(dir: &Path) -> Result<(), Why> {
    let meta = std::fs::metadata(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if !meta.is_dir() {
        return Err(format!("{} is not a folder", dir.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != current_uid() {
            return Err(format!(
                "the folder {} belongs to another user (uid {})",
                dir.display(),
                meta.uid()
            ));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(format!(
                "the folder {} is writable by other users (mode {:o}); make it private: chmod 700 {}",
                dir.display(),
                meta.mode() & 0o777,
                dir.display()
            ));
        }
    }
    Ok(())
}

/// A secret file: a regular file (not a link), ours, mode 0600 or
/// narrower.
#[cfg(unix)]
fn check_file_meta(path: &Path, meta: &std::fs::Metadata) -> Result<(), Why> {
    use std::os::unix::fs::MetadataExt;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    if meta.uid() != current_uid() {
        return Err(format!(
            "{} belongs to another user (uid {})",
            path.display(),
            meta.uid()
        ));
    }
    if meta.mode() & 0o077 != 0 {
        return Err(format!(
            "the mode of {} is {:o}, wider than 600: other users could read or change it (chmod 600 {})",
            path.display(),
            meta.mode() & 0o777,
            path.display()
        ));
    }
    Ok(())
}

/// Reads a secret file of at most `max` bytes, refusing it (and never
/// following a link to it) unless it passes [`check_dir`] on its folder
/// and the file checks.
pub fn read(path: &Path, max: u64) -> Result<Vec<u8>, Why> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        check_dir(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(nix::libc::O_NOFOLLOW);
    }
    let file = options.open(path).map_err(|e| match e.raw_os_error() {
        #[cfg(unix)]
        Some(nix::libc::ELOOP) => format!("{} is a symbolic link", path.display()),
        _ => format!("cannot read {}: {e}", path.display()),
    })?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    #[cfg(unix)]
    check_file_meta(path, &meta)?;
    if meta.len() > max {
        return Err(format!("{} is larger than {max} bytes", path.display()));
    }
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > max {
        return Err(format!("{} is larger than {max} bytes", path.display()));
    }
    Ok(bytes)
}

/// Creates `dir` (and its parents) with mode 0700 when missing, then
/// checks it: an existing folder that others may write to is refused.
pub fn create_dir(dir: &Path) -> Result<(), Why> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    check_dir(dir)
}

/// Writes `bytes` to `dir/name` atomically (a temporary, then a rename)
/// with mode 0600, in a folder made by [`create_dir`].
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, Why> {
    create_dir(dir)?;
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    {
        let _ = std::fs::remove_file(&tmp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(fail)?;
        file.write_all(bytes).map_err(fail)?;
        file.sync_all().map_err(fail)?;
    }
    std::fs::rename(&tmp, &path).map_err(fail)?;
    Ok(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn chmod(p: &Path, mode: u32) {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn only_private_files_in_private_folders_are_read() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("state");
        let path = write(&dir, "secret", b"s3cret").unwrap();
        assert_eq!(read(&path, 100).unwrap(), b"s3cret");
        assert!(read(&path, 3).unwrap_err().contains("larger than 3 bytes"));

        chmod(&path, 0o640);
        assert!(read(&path, 100).unwrap_err().contains("640"));
        chmod(&path, 0o600);

        chmod(&dir, 0o777);
        assert!(
            read(&path, 100)
                .unwrap_err()
                .contains("writable by other users")
        );
        assert!(
            create_dir(&dir).is_err(),
            "an existing open folder is refused"
        );
        assert!(write(&dir, "other", b"x").is_err());
        chmod(&dir, 0o700);

        let link = dir.join("link");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(read(&link, 100).unwrap_err().contains("symbolic link"));
    }
}
