//! The user's editor on a private copy of a text: `$VISUAL`, else
//! `$EDITOR`, else `vi`, run as a shell runs it (so `code --wait` works),
//! on a file in a folder only the user can open. The copy is removed when
//! dropped unless it was kept, so an edit that cannot be written is never
//! lost.

use super::exit::Failure;
use openwork::Error;
use std::path::{Path, PathBuf};

/// A copy of a text being edited.
pub struct EditCopy {
    dir: PathBuf,
    file: PathBuf,
    kept: bool,
}

// The copy lives in the system's temporary folder, not in a workspace: it
// is written and read directly.
#[allow(clippy::disallowed_methods)]
impl EditCopy {
    /// `text` in a new private folder of the temporary folder, as
    /// `file_name` (so the editor knows its kind by its name).
    pub fn new(prefix: &str, file_name: &str, text: &str) -> Result<EditCopy, Failure> {
        let tmp = std::env::temp_dir();
        let failed = |e: std::io::Error| Failure::from(Error::io("create", &tmp, e));
        let dir = loop {
            let mut bytes = [0u8; 6];
            getrandom::fill(&mut bytes)
                .map_err(|e| failed(std::io::Error::other(e.to_string())))?;
            let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let dir = tmp.join(format!("{prefix}-{suffix}"));
            match private_folder(&dir) {
                Ok(()) => break dir,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(failed(e)),
            }
        };
        let copy = EditCopy {
            file: dir.join(file_name),
            dir,
            kept: false,
        };
        std::fs::write(&copy.file, text)
            .map_err(|e| Failure::from(Error::io("write", &copy.file, e)))?;
        Ok(copy)
    }

    /// Runs the editor on the copy and waits for it.
    pub fn edit(&self) -> Result<(), Failure> {
        let editor = editor();
        let status = command(&editor, &self.file).status().map_err(|e| {
            Failure::runtime(format!("could not run the editor `{editor}`: {e}"))
                .with_hint("set VISUAL or EDITOR to the editor to use (`code --wait`, `nano`, …)")
        })?;
        if !status.success() {
            return Err(Failure::runtime(format!(
                "the editor `{editor}` ended with {status}; nothing written"
            )));
        }
        Ok(())
    }

    /// The copy's text as the editor left it.
    pub fn read(&self) -> Result<String, Failure> {
        std::fs::read_to_string(&self.file)
            .map_err(|e| Failure::from(Error::io("read", &self.file, e)))
    }

    /// Leaves the copy where it is, and says where.
    pub fn keep(mut self) -> PathBuf {
        self.kept = true;
        self.file.clone()
    }
}

#[allow(clippy::disallowed_methods)]
impl Drop for EditCopy {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Makes the folder `dir`, which only the user may open (mode 0700).
#[cfg(unix)]
#[allow(clippy::disallowed_methods)]
fn private_folder(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(dir)
}

/// Makes the folder `dir` (as private as the temporary folder it is in).
#[cfg(not(unix))]
#[allow(clippy::disallowed_methods)]
fn private_folder(dir: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new().create(dir)
}

/// `$VISUAL`, else `$EDITOR`, else `vi` (`notepad` on Windows); empty
/// counts as unset.
fn editor() -> String {
    let fallback = if cfg!(windows) { "notepad" } else { "vi" };
    ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .unwrap_or_else(|| fallback.to_string())
}

/// The editor on `file`, its words split as a shell splits them: as git
/// runs its editor, `sh -c '<editor> "$@"'` with the file as `$1`.
#[cfg(unix)]
fn command(editor: &str, file: &Path) -> std::process::Command {
    let mut c = std::process::Command::new("sh");
    c.arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(file);
    c
}

/// Without a POSIX shell: the editor's words split at blanks.
#[cfg(not(unix))]
fn command(editor: &str, file: &Path) -> std::process::Command {
    let mut words = editor.split_whitespace();
    let mut c = std::process::Command::new(words.next().unwrap_or("notepad"));
    c.args(words).arg(file);
    c
}
