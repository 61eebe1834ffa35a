//! A secret of the user's in a private file outside every workspace: the
//! key that seals the journal. Created on first use (mode 0600, in a
//! folder of mode 0700), and trusted only while it is the user's alone:
//! on Unix a key file that is a link, not ours, readable by others or in a
//! folder others can write to is refused. Not recorded: no kept read
//! depends on it.
#![allow(clippy::disallowed_methods)] // the I/O layer: the one place that asks the file system

use std::io::{ErrorKind, Read, Write};
use std::path::Path;

/// The length of a key, in bytes (256 bits).
pub(crate) const KEY_LEN: usize = 32;

pub(crate) type Key = [u8; KEY_LEN];

/// The key at `path`, `Ok(None)` when there is none, or why it cannot be
/// trusted.
pub(crate) fn load_key(path: &Path) -> Result<Option<Key>, String> {
    let shown = path.display();
    if let Some(dir) = path.parent() {
        check_folder(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(nix::libc::O_NOFOLLOW);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot open {shown}: {e}")),
    };
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file"));
    }
    check_private_file(path, &meta)?;
    let mut bytes = Vec::with_capacity(KEY_LEN + 1);
    file.take(KEY_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    let key = Key::try_from(bytes.as_slice())
        .map_err(|_| format!("{shown} is not a key of {KEY_LEN} bytes"))?;
    Ok(Some(key))
}

/// The key at `path`, made (from the operating system's random source)
/// when there is none yet. Two processes making it at once agree on one.
pub(crate) fn load_or_create_key(path: &Path) -> Result<Key, String> {
    if let Some(key) = load_key(path)? {
        return Ok(key);
    }
    let shown = path.display();
    let dir = path
        .parent()
        .ok_or_else(|| format!("{shown} has no folder"))?;
    create_private_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut key = [0u8; KEY_LEN];
    getrandom::fill(&mut key).map_err(|e| format!("cannot make a key: {e}"))?;
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|e| format!("cannot make a key: {e}"))?;
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let tmp = dir.join(format!(".journal.key.{suffix}"));
    let written = private_file(&tmp).and_then(|mut f| {
        f.write_all(&key)?;
        f.sync_all()
    });
    // The link is the commit: it fails if another process made the key first.
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, path));
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        Err(e) => return Err(format!("cannot write {shown}: {e}")),
    }
    load_key(path)?.ok_or_else(|| format!("{shown} vanished as it was made"))
}

#[cfg(unix)]
fn check_folder(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    if meta.uid() != nix::unistd::geteuid().as_raw() {
        return Err(format!("{} belongs to another user", dir.display()));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "{} can be written by others (mode {:o}); make it 700",
            dir.display(),
            meta.mode() & 0o777
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_folder(_dir: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(unix)]
fn check_private_file(path: &Path, meta: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if meta.uid() != nix::unistd::geteuid().as_raw() {
        return Err(format!("{} belongs to another user", path.display()));
    }
    if meta.mode() & 0o077 != 0 {
        return Err(format!(
            "{} can be read or written by others (mode {:o}); make it 600",
            path.display(),
            meta.mode() & 0o777
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private_file(_path: &Path, _meta: &std::fs::Metadata) -> Result<(), String> {
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn made_once_private_and_refused_when_not() {
        let state = tempfile::tempdir().unwrap();
        let path = state.path().join("sub/journal.key");
        assert_eq!(load_key(&path), Ok(None));
        let key = load_or_create_key(&path).unwrap();
        assert_eq!(load_or_create_key(&path).unwrap(), key, "made once");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load_key(&path).unwrap_err().contains("644"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let dir = path.parent().unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(load_key(&path).unwrap_err().contains("777"));
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();

        std::fs::write(&path, b"short").unwrap();
        assert!(load_key(&path).unwrap_err().contains("32 bytes"));
        std::fs::remove_file(&path).unwrap();
        let elsewhere = state.path().join("other.key");
        load_or_create_key(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        assert!(load_key(&path).is_err(), "a link is refused");
    }
}
