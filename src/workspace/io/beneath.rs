//! Folders below a workspace's root as handles that never follow a link,
//! so that a folder swapped for a symbolic link while a write runs cannot
//! send the write outside the workspace.
//!
//! The root is opened by its path: links above it (a linked home or
//! config folder), and the root itself if it is one, resolve as the user
//! named them. Every folder below it is opened relative to the root's
//! handle without following any link — with `openat2` and
//! `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS` where Linux has it (5.6 and
//! later), else one component at a time with `O_NOFOLLOW` — and files are
//! created, replaced, removed and appended to by name inside that handle:
//! an atomic replace is a temporary created in the folder's handle,
//! written, `fsync`ed and renamed within the handle; the caller syncs the
//! folder (at once, or once for a group of writes).
//!
//! Without these calls (Windows) a [`Folder`] is its path, checked for
//! links just before use: the race stays open there.
#![allow(clippy::disallowed_methods)] // the I/O layer: the one place that asks the file system

use std::ffi::OsStr;
use std::fs::File;
use std::io::Write;
use std::path::Path;

#[cfg(unix)]
pub(crate) use unix::Folder;

#[cfg(not(unix))]
pub(crate) use fallback::Folder;

/// A temporary's name beside `name`: `.<name>.XXXXXX`, six random
/// letters and digits (what `super::write::temp_base` recognises).
fn temp_name(name: &OsStr) -> std::ffi::OsString {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut random = [0u8; 6];
    // The name only has to differ from its neighbours': a clock will do if
    // the random source fails.
    if getrandom::fill(&mut random).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        random = [0, 1, 2, 3, 4, 5].map(|i| (nanos >> (i * 5)) as u8);
    }
    let suffix: String = random
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    let mut out = std::ffi::OsString::from(".");
    out.push(name);
    out.push(".");
    out.push(suffix);
    out
}

/// Writes `bytes` to `file`, then flushes it to disk.
fn fill(mut file: &File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(unix)]
mod unix {
    use super::{fill, temp_name};
    use nix::errno::Errno;
    use nix::fcntl::{OFlag, openat, renameat};
    use nix::sys::stat::{FileStat, Mode, SFlag, fchmod, fstatat, mkdirat};
    use nix::unistd::{UnlinkatFlags, unlinkat};
    use std::ffi::OsStr;
    use std::fs::File;
    use std::io::{self, ErrorKind};
    use std::os::fd::OwnedFd;
    use std::path::{Component, Path};

    /// A folder at or below a workspace's root, reached without following
    /// a link below the root.
    #[derive(Debug)]
    pub(crate) struct Folder {
        handle: File,
    }

    fn err(e: Errno) -> io::Error {
        io::Error::from(e)
    }

    /// The folder `rel` (relative, plain names only) below `root`. Missing
    /// folders are created when `create`, else `Ok(None)`. A link anywhere
    /// below the root is an error (`ELOOP`, `EXDEV` or `ENOTDIR`).
    pub(super) fn open(root: &Path, rel: &Path, create: bool) -> io::Result<Option<Folder>> {
        let names = rel
            .components()
            .map(|c| match c {
                Component::Normal(name) => Ok(name),
                _ => Err(io::Error::new(ErrorKind::InvalidInput, "not a plain path")),
            })
            .collect::<io::Result<Vec<&OsStr>>>()?;
        let dir_flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        // The root as the user named it: links above it still resolve.
        let root = nix::fcntl::open(root, dir_flags, Mode::empty()).map_err(err)?;
        if names.is_empty() {
            return Ok(Some(Folder {
                handle: File::from(root),
            }));
        }
        #[cfg(target_os = "linux")]
        match super::linux::open_beneath(&root, rel, dir_flags, Mode::empty()) {
            Some(Ok(fd)) => return Ok(Some(Folder::from(fd))),
            Some(Err(Errno::ENOENT)) if !create => return Ok(None),
            // Missing folders are made by the walk below.
            Some(Err(Errno::ENOENT)) | None => {}
            Some(Err(e)) => return Err(err(e)),
        }
        // One name at a time, never following a link.
        let mut dir = root;
        for name in names {
            let flags = dir_flags | OFlag::O_NOFOLLOW;
            dir = match openat(&dir, name, flags, Mode::empty()) {
                Ok(fd) => fd,
                Err(Errno::ENOENT) if create => {
                    match mkdirat(&dir, name, Mode::from_bits_truncate(0o777)) {
                        Ok(()) | Err(Errno::EEXIST) => {}
                        Err(e) => return Err(err(e)),
                    }
                    openat(&dir, name, flags, Mode::empty()).map_err(err)?
                }
                Err(Errno::ENOENT) => return Ok(None),
                Err(e) => return Err(err(e)),
            };
        }
        Ok(Some(Folder::from(dir)))
    }

    impl From<OwnedFd> for Folder {
        fn from(fd: OwnedFd) -> Folder {
            Folder {
                handle: File::from(fd),
            }
        }
    }

    impl Folder {
        /// What `name` is in this folder, without following a link.
        fn stat(&self, name: &OsStr) -> io::Result<Option<FileStat>> {
            match fstatat(&self.handle, name, nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW) {
                Ok(st) => Ok(Some(st)),
                Err(Errno::ENOENT) => Ok(None),
                Err(e) => Err(err(e)),
            }
        }

        /// Opens `name` in this folder, never through a link.
        fn open_file(&self, name: &OsStr, flags: OFlag, mode: Mode) -> io::Result<File> {
            let flags = flags | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW;
            #[cfg(target_os = "linux")]
            if let Some(opened) = super::linux::open_beneath(&self.handle, name, flags, mode) {
                return opened.map(File::from).map_err(err);
            }
            openat(&self.handle, name, flags, mode)
                .map(File::from)
                .map_err(err)
        }

        /// Gives `name` the bytes `bytes`, atomically: a temporary created
        /// in this folder (with the old file's permissions), written and
        /// flushed, renamed over `name`; durable once the caller has
        /// synced the folder ([`Folder::sync`]). A link at `name` is
        /// refused (`ELOOP`), and so is a folder.
        pub(crate) fn replace(&self, name: &OsStr, bytes: &[u8]) -> io::Result<()> {
            let old = self.stat(name)?;
            let kind = |st: &FileStat| SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT;
            match old.as_ref().map(kind) {
                None => {}
                Some(k) if k == SFlag::S_IFREG => {}
                Some(k) if k == SFlag::S_IFLNK => return Err(err(Errno::ELOOP)),
                Some(_) => return Err(err(Errno::EISDIR)),
            }
            let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL;
            let (tmp, file) = loop {
                let tmp = temp_name(name);
                match self.open_file(&tmp, flags, Mode::from_bits_truncate(0o666)) {
                    Ok(file) => break (tmp, file),
                    Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(e),
                }
            };
            let filled = old
                .map_or(Ok(()), |st| {
                    fchmod(&file, Mode::from_bits_truncate(st.st_mode & 0o7777)).map_err(err)
                })
                .and_then(|()| fill(&file, bytes));
            // Closed before the rename: a watcher of the folder then hears
            // of the temporary's close, not of a write to `name` after the
            // rename that a reader may already have seen.
            drop(file);
            let written = filled
                .and_then(|()| renameat(&self.handle, &*tmp, &self.handle, name).map_err(err));
            if let Err(e) = written {
                let _ = unlinkat(&self.handle, &*tmp, UnlinkatFlags::NoRemoveDir);
                return Err(e);
            }
            Ok(())
        }

        /// Removes the file `name` (a missing one is fine); durable once
        /// the caller has synced the folder. A link at `name` is refused
        /// (`ELOOP`), as for a write.
        pub(crate) fn remove(&self, name: &OsStr) -> io::Result<()> {
            let is_link = self.stat(name)?.is_some_and(|st| {
                SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFLNK
            });
            if is_link {
                return Err(err(Errno::ELOOP));
            }
            match unlinkat(&self.handle, name, UnlinkatFlags::NoRemoveDir) {
                Ok(()) | Err(Errno::ENOENT) => Ok(()),
                Err(e) => Err(err(e)),
            }
        }

        /// Removes the folder `name` if it is empty; `false` otherwise.
        pub(crate) fn remove_empty_folder(&self, name: &OsStr) -> bool {
            unlinkat(&self.handle, name, UnlinkatFlags::RemoveDir).is_ok()
        }

        /// Removes the regular files of this folder whose names `stale`
        /// accepts; how many.
        pub(crate) fn remove_files(&self, stale: impl Fn(&OsStr) -> bool) -> usize {
            let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
            let Ok(mut list) = nix::dir::Dir::openat(&self.handle, ".", flags, Mode::empty())
            else {
                return 0;
            };
            // Only the names `stale` accepts are copied: a folder of 2,000
            // commands is read on every write of one of them.
            let names: Vec<std::ffi::OsString> = list
                .iter()
                .flatten()
                .filter_map(|e| {
                    use std::os::unix::ffi::OsStrExt;
                    let name = OsStr::from_bytes(e.file_name().to_bytes());
                    stale(name).then(|| name.to_os_string())
                })
                .collect();
            names
                .iter()
                .filter(|n| {
                    let name: &OsStr = n;
                    let regular = self.stat(name).ok().flatten().is_some_and(|st| {
                        SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFREG
                    });
                    regular && unlinkat(&self.handle, name, UnlinkatFlags::NoRemoveDir).is_ok()
                })
                .count()
        }

        /// `name` opened for reading and appending, created when missing.
        pub(crate) fn append(&self, name: &OsStr) -> io::Result<File> {
            let flags = OFlag::O_RDWR | OFlag::O_APPEND | OFlag::O_CREAT;
            self.open_file(name, flags, Mode::from_bits_truncate(0o666))
        }

        /// `name` opened for writing, created when missing, never
        /// truncated (the lock file).
        pub(crate) fn create(&self, name: &OsStr) -> io::Result<File> {
            let flags = OFlag::O_WRONLY | OFlag::O_CREAT;
            self.open_file(name, flags, Mode::from_bits_truncate(0o666))
        }

        /// Makes the folder's entries durable: what a replace or a remove
        /// did is not until then. Some file systems cannot sync a folder;
        /// their entries are as durable as they get.
        pub(crate) fn sync(&self) {
            let _ = self.handle.sync_all();
        }

        /// Which folder this is, to sync each one once.
        pub(crate) fn identity(&self) -> Option<(u64, u64)> {
            use std::os::unix::fs::MetadataExt;
            self.handle.metadata().ok().map(|m| (m.dev(), m.ino()))
        }
    }
}

/// `openat2` where the kernel has it.
#[cfg(target_os = "linux")]
mod linux {
    use nix::errno::Errno;
    use nix::fcntl::{OFlag, OpenHow, ResolveFlag, openat2};
    use nix::sys::stat::Mode;
    use std::os::fd::{AsFd, OwnedFd};
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Cleared the first time the kernel says it has no `openat2`.
    static HAVE_OPENAT2: AtomicBool = AtomicBool::new(true);

    /// `path` below `dir`, with no link and no `..` out of it; `None` when
    /// the kernel has no `openat2` (older than 5.6, or filtered out).
    pub(super) fn open_beneath(
        dir: impl AsFd,
        path: &(impl AsRef<Path> + ?Sized),
        flags: OFlag,
        mode: Mode,
    ) -> Option<Result<OwnedFd, Errno>> {
        if !HAVE_OPENAT2.load(Ordering::Relaxed) {
            return None;
        }
        let how = OpenHow::new()
            .flags(flags)
            .mode(mode)
            .resolve(ResolveFlag::RESOLVE_BENEATH | ResolveFlag::RESOLVE_NO_SYMLINKS);
        match openat2(dir, path.as_ref(), how) {
            Err(Errno::ENOSYS | Errno::EPERM) => {
                HAVE_OPENAT2.store(false, Ordering::Relaxed);
                None
            }
            result => Some(result),
        }
    }
}

#[cfg(not(unix))]
mod fallback {
    use super::{fill, temp_name};
    use std::ffi::OsStr;
    use std::fs::File;
    use std::io::{self, ErrorKind};
    use std::path::{Component, Path, PathBuf};

    /// A folder below a workspace's root, by its path: each use checks for
    /// links first, but a link swapped in between is not caught.
    #[derive(Debug)]
    pub(crate) struct Folder {
        path: PathBuf,
    }

    fn link() -> io::Error {
        io::Error::new(ErrorKind::InvalidInput, "a symbolic link")
    }

    pub(super) fn open(root: &Path, rel: &Path, create: bool) -> io::Result<Option<Folder>> {
        let mut path = root.to_path_buf();
        for c in rel.components() {
            let Component::Normal(name) = c else {
                return Err(io::Error::new(ErrorKind::InvalidInput, "not a plain path"));
            };
            path.push(name);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => return Err(link()),
                Ok(m) if !m.is_dir() => {
                    return Err(io::Error::new(ErrorKind::NotADirectory, "not a folder"));
                }
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::NotFound && create => {
                    std::fs::create_dir(&path).or_else(|e| match e.kind() {
                        ErrorKind::AlreadyExists => Ok(()),
                        _ => Err(e),
                    })?
                }
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        Ok(Some(Folder { path }))
    }

    impl Folder {
        fn file(&self, name: &OsStr) -> io::Result<PathBuf> {
            let path = self.path.join(name);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(link());
            }
            Ok(path)
        }

        pub(crate) fn replace(&self, name: &OsStr, bytes: &[u8]) -> io::Result<()> {
            let path = self.file(name)?;
            let tmp = self.path.join(temp_name(name));
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            let done = fill(&file, bytes).and_then(|()| {
                drop(file);
                std::fs::rename(&tmp, &path)
            });
            if done.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            done
        }

        pub(crate) fn remove(&self, name: &OsStr) -> io::Result<()> {
            match std::fs::remove_file(self.file(name)?) {
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
                other => other,
            }
        }

        pub(crate) fn remove_empty_folder(&self, name: &OsStr) -> bool {
            std::fs::remove_dir(self.path.join(name)).is_ok()
        }

        /// A folder cannot be synced here.
        pub(crate) fn sync(&self) {}

        pub(crate) fn identity(&self) -> Option<(u64, u64)> {
            None
        }

        pub(crate) fn remove_files(&self, stale: impl Fn(&OsStr) -> bool) -> usize {
            let Ok(entries) = std::fs::read_dir(&self.path) else {
                return 0;
            };
            entries
                .flatten()
                .filter(|e| stale(&e.file_name()) && e.file_type().is_ok_and(|t| t.is_file()))
                .filter(|e| std::fs::remove_file(e.path()).is_ok())
                .count()
        }

        pub(crate) fn append(&self, name: &OsStr) -> io::Result<File> {
            std::fs::OpenOptions::new()
                .create(true)
                .read(true)
                .append(true)
                .open(self.file(name)?)
        }

        pub(crate) fn create(&self, name: &OsStr) -> io::Result<File> {
            std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(self.file(name)?)
        }
    }
}

/// The folder `rel` below `root` (see the module's documentation): created
/// with its missing parents when `create`, else `Ok(None)` when missing.
pub(crate) fn open(root: &Path, rel: &Path, create: bool) -> std::io::Result<Option<Folder>> {
    #[cfg(unix)]
    return unix::open(root, rel, create);
    #[cfg(not(unix))]
    return fallback::open(root, rel, create);
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use nix::sys::inotify::{AddWatchFlags as F, InitFlags, Inotify};

    /// A watcher of the folder hears of a replaced file once, by its
    /// rename: the temporary is closed before it takes the name, so no
    /// "closed after writing" comes for the name afterwards (the read
    /// memo would date everything it keeps a second time per write).
    #[test]
    fn a_replace_is_heard_as_one_rename() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("opencode.jsonc"), b"{}").unwrap();
        let folder = open(dir.path(), Path::new(""), false).unwrap().unwrap();
        let inotify = Inotify::init(InitFlags::IN_NONBLOCK).unwrap();
        inotify
            .add_watch(dir.path(), F::IN_CLOSE_WRITE | F::IN_MOVED_TO)
            .unwrap();
        folder
            .replace(OsStr::new("opencode.jsonc"), b"{\"a\": 1}")
            .unwrap();
        let events = inotify.read_events().unwrap();
        let about_name: Vec<F> = (events.iter())
            .filter(|e| e.name.as_deref() == Some(OsStr::new("opencode.jsonc")))
            .map(|e| e.mask)
            .collect();
        assert_eq!(about_name, vec![F::IN_MOVED_TO]);
        assert_eq!(
            std::fs::read(dir.path().join("opencode.jsonc")).unwrap(),
            b"{\"a\": 1}"
        );
    }
}
