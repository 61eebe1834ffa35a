//! The workspace core (docs/api.md#files, docs/api.md#writes): where each file lives, how it is read,
//! validated, edited as a [`Plan`] and written under the lock.
//!
//! In layers, each using only those before it:
//!
//! | folder     | what lives there                                                  |
//! |------------|-------------------------------------------------------------------|
//! | [`io`]     | the only code that touches the file system: recorded reads, atomic writes, the parse cache |
//! | `formats`  | JSONC, frontmatter and typed JSON input, as text                   |
//! | `memo`     | values kept while nothing they read has changed, and the inotify watcher that tells |
//! | `mod.rs`   | [`Workspace`] (where each file lives, reading through the cache), [`GlobalDirs`], ids |
//! | `txn`      | plans and drafts, applying them under the lock, the journal, the lock, the audit log |
//! | `items`    | plugins, MCP servers, skills, commands, the config files, export and import, the naming rules |
//! | [`project`] | which folder is the workspace when none is named: found up from the current folder |
//!
//! The server and the CLI reach the items as `workspace::plugins`,
//! `workspace::skills`, … through the re-exports below.

pub(crate) mod formats;
pub mod io;
pub(crate) mod items;
pub mod memo;
pub mod project;
pub(crate) mod txn;
pub(crate) mod written;

use crate::{Code, Error, Result};
use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};

pub use formats::{frontmatter, input, jsonc, key_path, opencode};
pub use items::{commands, config, config_key, mcp, plugins, secrets, skills, transfer, validate};
pub use txn::audit::{self, Actor, AuditEntry};
pub use txn::{Applied, FileEdit, GroupWrite, Plan};

/// One OpenCode workspace: a folder on this machine.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
    id: String,
    name: String,
    global: Option<GlobalDirs>,
    /// The user's own state folder, outside every workspace: where the
    /// key that seals the journal lives (see [`user_state_dir`]).
    user_state: Option<PathBuf>,
    /// Which configuration this handle edits: the project's, or the
    /// user-wide one (only the CLI's `--global` opens that).
    scope: Scope,
    /// Shared by clones, so a server's many handles read through one cache.
    cache: std::sync::Arc<io::Cache>,
    /// What vouches that a cached file is unchanged without a `stat`: the
    /// server's read memo's watcher ([`Workspace::vouched_by`]).
    vouch: Option<std::sync::Arc<dyn io::vouch::Vouch>>,
}

/// What a [`Workspace`] handle edits (docs/cli.md#scopes---global).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// A project folder: its `opencode.json(c)` and `.opencode/`, with the
    /// lock, journal and audit log in `.opencode/openwork/`.
    Project,
    /// The user-wide OpenCode config folder (`~/.config/opencode`): its
    /// `opencode.json(c)`, `skills/` and `commands/`, with the lock,
    /// journal and audit log in `global/` of openwork's state folder,
    /// here `state`.
    Global { state: PathBuf },
}

impl Workspace {
    /// Opens the folder at `path` (relative paths are taken from the current
    /// folder). The folder must exist.
    pub fn open(path: &Path) -> Result<Workspace> {
        let root = absolute(path)?;
        match io::unrecorded_kind(&root) {
            Some(io::Kind::Folder) => {}
            Some(_) => {
                return Err(Error::new(
                    Code::WorkspaceNotFound,
                    format!("workspace {} is not a folder", root.display()),
                ));
            }
            None => {
                return Err(Error::new(
                    Code::WorkspaceNotFound,
                    format!("workspace folder {} does not exist", root.display()),
                ));
            }
        }
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| root.display().to_string());
        Ok(Workspace {
            id: workspace_id(&root),
            root,
            name,
            global: GlobalDirs::from_env(),
            user_state: user_state_dir(),
            scope: Scope::Project,
            cache: Default::default(),
            vouch: None,
        })
    }

    /// The user-wide OpenCode config folder (`$XDG_CONFIG_HOME/opencode`,
    /// else `~/.config/opencode`) as a handle to edit, with the same rules
    /// as a project: atomic, locked, links refused, comments kept. Its
    /// lock, journal and audit log live in openwork's state folder
    /// ([`user_state_dir`]), never in the config folder. The folder need
    /// not exist yet: the first write creates it. Only the offline CLI
    /// opens it; the server never does.
    pub fn open_global() -> Result<Workspace> {
        let global = GlobalDirs::from_env().ok_or_else(|| {
            Error::new(
                Code::WorkspaceNotFound,
                "no home folder (set HOME) to find the user-wide OpenCode config in",
            )
        })?;
        let state = user_state_dir().ok_or_else(|| {
            Error::new(
                Code::WorkspaceNotFound,
                "no state folder for the user-wide config's lock and audit log (set OPENWORK_STATE_DIR)",
            )
        })?;
        let root = absolute(&global.opencode)?;
        if io::unrecorded_kind(&root).is_some_and(|k| k != io::Kind::Folder) {
            return Err(Error::new(
                Code::WorkspaceNotFound,
                format!("{} is not a folder", root.display()),
            ));
        }
        Ok(Workspace {
            id: workspace_id(&root),
            root,
            name: "global".into(),
            global: Some(global),
            scope: Scope::Global {
                state: absolute(&state)?,
            },
            user_state: Some(state),
            cache: Default::default(),
            vouch: None,
        })
    }

    /// Whether this project folder is the user-wide OpenCode config
    /// folder or lies inside it: writes there would be user-wide, which
    /// the server never makes.
    pub fn is_in_user_config(&self) -> bool {
        let config = GlobalDirs::from_env().map(|g| g.opencode);
        config.is_some_and(|c| absolute(&c).is_ok_and(|c| self.root.starts_with(c)))
    }

    /// What this handle edits.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Whether this handle edits the user-wide config.
    pub fn is_global(&self) -> bool {
        matches!(self.scope, Scope::Global { .. })
    }

    /// The folder the lock, journal and audit log are written beneath:
    /// the workspace root, or for the user-wide config openwork's state
    /// folder.
    pub(crate) fn state_root(&self) -> &Path {
        match &self.scope {
            Scope::Project => &self.root,
            Scope::Global { state } => state,
        }
    }

    /// Replaces where global (read-only) configuration is looked for.
    pub fn with_global(mut self, global: Option<GlobalDirs>) -> Self {
        self.global = global;
        self
    }

    /// Replaces the user's state folder (where the journal's key lives).
    pub fn with_user_state(mut self, dir: Option<PathBuf>) -> Self {
        self.user_state = dir;
        self
    }

    pub(crate) fn user_state(&self) -> Option<&Path> {
        self.user_state.as_deref()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    /// `ws_` and 12 hex digits (docs/api.md#workspace-id).
    pub fn id(&self) -> &str {
        &self.id
    }
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
    pub(crate) fn global(&self) -> Option<&GlobalDirs> {
        self.global.as_ref()
    }

    /// Whether `path` can be read without following a link: always for
    /// paths outside the workspace (global config, parent folders), and
    /// for paths inside it only when no component below the root is a
    /// symbolic link. What openwork reads of the workspace, it reads there,
    /// never somewhere a link points to.
    pub(crate) fn reachable(&self, path: &Path) -> bool {
        !self.holds(path) || io::check_inside(&self.root, path).is_ok()
    }

    /// `path.starts_with(root)`, answered by comparing bytes for the paths
    /// the core joins onto the root (each load of thousands asks it), and
    /// by `Path`'s component-wise comparison for any other.
    pub(crate) fn holds(&self, path: &Path) -> bool {
        let (root, p) = (
            self.root.as_os_str().as_encoded_bytes(),
            path.as_os_str().as_encoded_bytes(),
        );
        let joined = p.len() > root.len()
            && p.starts_with(root)
            && std::path::is_separator(char::from(p[root.len()]));
        joined || path.starts_with(&self.root)
    }

    /// Lets `memo`'s watcher vouch that a file the parse cache holds is
    /// unchanged, so that reads and plans made under the lock skip its
    /// `stat` (see `io::vouch`).
    pub fn vouched_by<K, V>(&mut self, memo: &memo::Memo<K, V>) {
        self.vouch = Some(memo.vouch());
    }

    /// The entries of the folder `dir`, sorted by name, through the cache
    /// (see [`io::Cache::list`]).
    pub(crate) fn list(&self, dir: &Path) -> std::io::Result<std::sync::Arc<Vec<io::Entry>>> {
        self.cache.list(dir)
    }

    /// The folder `dir` of the workspace with the parse of each entry
    /// `want` accepts, kept and brought up to date by the cache (see
    /// [`io::Cache::parsed_folder`]); `None` when it cannot be kept.
    pub(crate) fn parsed_folder<T: Send + Sync + 'static>(
        &self,
        dir: &Path,
        kind: &'static str,
        want: impl Fn(&io::Entry) -> bool,
        parse: impl Fn(&Path) -> Option<std::sync::Arc<T>>,
    ) -> Option<std::io::Result<std::sync::Arc<io::ParsedFolder<T>>>> {
        self.cache.parsed_folder(dir, kind, want, parse)
    }

    /// Whether a write of `path` must look for temporaries a killed writer
    /// left beside it: not when the watcher vouches for a listing of its
    /// folder that holds none (see [`io::Cache::may_hold_temps_of`]).
    /// Call it with the lock held.
    pub(crate) fn may_hold_temps_of(&self, path: &Path) -> bool {
        let _vouching = self.vouching();
        self.cache.may_hold_temps_of(path)
    }

    /// Begins vouching on this thread: call it with the lock held.
    pub(crate) fn vouching(&self) -> io::vouch::Scope {
        io::vouch::begin(self.vouch.as_ref())
    }

    /// [`Workspace::cached`] for a file directly inside a folder (or a real
    /// sub-folder of one) that the caller checked with
    /// [`Workspace::reachable`] once for all its files: a listing then
    /// costs one `stat` per file instead of one per path component.
    pub(crate) fn cached_child<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        kind: &'static str,
        parse: impl FnOnce(&[u8]) -> T,
    ) -> Result<Option<std::sync::Arc<T>>> {
        self.load(path, kind, parse)
    }

    /// The cache's parse of `path`: inside the workspace never through a
    /// link; outside it (a parent folder's config, a global one kept in a
    /// dotfiles checkout) through links, as OpenCode reads them.
    fn load<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        kind: &'static str,
        parse: impl FnOnce(&[u8]) -> T,
    ) -> Result<Option<std::sync::Arc<T>>> {
        let loaded = if self.holds(path) {
            self.cache.load(path, kind, parse)
        } else {
            self.cache.load_following(path, kind, parse)
        };
        loaded.map_err(|e| Error::io("read", path, e))
    }

    /// The bytes of the file at `path` (found by a walk, as for
    /// [`Workspace::cached_child`]), read now and not kept by the cache:
    /// inside the workspace never through a link, outside it through
    /// links, as OpenCode reads them.
    pub(crate) fn read_unkept(&self, path: &Path) -> Result<Option<Vec<u8>>> {
        (self.cache.read_unkept(path, !self.holds(path))).map_err(|e| Error::io("read", path, e))
    }

    /// Parses `path` through the workspace's read cache (see [`io::Cache`]).
    /// A path of the workspace reached through a link reads as absent.
    pub(crate) fn cached<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        kind: &'static str,
        parse: impl FnOnce(&[u8]) -> T,
    ) -> Result<Option<std::sync::Arc<T>>> {
        if !self.holds(path) {
            return self.load(path, kind, parse);
        }
        self.cache
            .load_beneath(&self.root, path, kind, parse)
            .map_err(|e| Error::io("read", path, e))
    }

    /// The hash the read cache knows `bytes` by.
    pub(crate) fn content_hash(&self, bytes: &[u8]) -> io::ContentHash {
        self.cache.hash(bytes)
    }

    /// The value of `kind` the read cache keeps for `path` when it was made
    /// from `bytes` (see [`io::Cache::kept_for`]).
    pub(crate) fn kept_for<T: Send + Sync + 'static>(
        &self,
        path: &Path,
        kind: &'static str,
        bytes: io::ContentHash,
    ) -> Option<std::sync::Arc<T>> {
        self.cache.kept_for(path, kind, bytes)
    }

    /// Notes in the read cache how the values of `to`, the bytes a plan
    /// would write to `path` in place of `from`, are made (see
    /// [`io::Cache::prime`]).
    pub(crate) fn prime(
        &self,
        path: &Path,
        from: io::ContentHash,
        to: io::ContentHash,
        made: Vec<io::Made>,
    ) {
        if self.holds(path) {
            self.cache.prime(path, from, to, made);
        }
    }

    /// `opencode.jsonc` if it exists, else `opencode.json` if that exists,
    /// else `opencode.jsonc` (the file a first write creates).
    pub fn opencode_config(&self) -> PathBuf {
        config_file_in(&self.root).unwrap_or_else(|| self.root.join("opencode.jsonc"))
    }
    /// The project's `.opencode`; for the user-wide config, the config
    /// folder itself (which holds `skills/` and `commands/` directly).
    pub fn dot_opencode(&self) -> PathBuf {
        match self.scope {
            Scope::Project => self.root.join(".opencode"),
            Scope::Global { .. } => self.root.clone(),
        }
    }
    pub fn openwork_config(&self) -> PathBuf {
        self.dot_opencode().join("openwork.json")
    }
    pub fn skills_dir(&self) -> PathBuf {
        self.dot_opencode().join("skills")
    }
    pub fn commands_dir(&self) -> PathBuf {
        self.dot_opencode().join("commands")
    }
    pub(crate) fn state_dir(&self) -> PathBuf {
        match &self.scope {
            Scope::Project => self.dot_opencode().join("openwork"),
            Scope::Global { state } => state.join("global"),
        }
    }
    pub fn audit_log(&self) -> PathBuf {
        self.state_dir().join("audit.jsonl")
    }
    pub(crate) fn lock_file(&self) -> PathBuf {
        self.state_dir().join(".lock")
    }
    pub(crate) fn journal_file(&self) -> PathBuf {
        self.state_dir().join("journal.json")
    }

    /// `path` relative to the root, with `/` separators, for messages and diffs.
    pub fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| path.display().to_string())
    }
}

/// The existing OpenCode config in `dir`, `.jsonc` first.
pub(crate) fn config_file_in(dir: &Path) -> Option<PathBuf> {
    ["opencode.jsonc", "opencode.json"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| io::is_file(p))
}

/// Where OpenCode keeps user-wide configuration; read, never written.
#[derive(Debug, Clone)]
pub struct GlobalDirs {
    /// `~/.config/opencode` (or `$XDG_CONFIG_HOME/opencode`).
    pub opencode: PathBuf,
    /// `~/.claude`.
    pub claude: PathBuf,
    /// The home folder: `~/.opencode`, `~/.agents`.
    pub home: PathBuf,
    /// The managed config folder an administrator writes, which beats
    /// every other (`/etc/opencode` on Linux; none elsewhere).
    pub managed: Option<PathBuf>,
}

impl GlobalDirs {
    pub(crate) fn from_env() -> Option<GlobalDirs> {
        // Lexically normal, as every path the core joins onto them is
        // compared byte for byte (`/x//y` and `/x/y` are one folder).
        let home = absolute(&home_dir()?).ok()?;
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .and_then(|p| absolute(&p).ok())
            .unwrap_or_else(|| home.join(".config"));
        Some(GlobalDirs {
            opencode: config.join("opencode"),
            claude: home.join(".claude"),
            managed: cfg!(target_os = "linux").then(|| PathBuf::from("/etc/opencode")),
            home,
        })
    }
}

/// The user's home folder: `$HOME` when set, else the system's record.
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

/// The user's own openwork state, outside every workspace (pairing files,
/// the journal's key): `$OPENWORK_STATE_DIR` when set, else
/// `<state folder>/openwork` — `$XDG_STATE_HOME` (else `~/.local/state`) on
/// Linux, the local data folder elsewhere.
pub fn user_state_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("OPENWORK_STATE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let base = directories::BaseDirs::new()?;
    let root = base.state_dir().unwrap_or_else(|| base.data_local_dir());
    Some(root.join("openwork"))
}

/// `"ws_"` + the first 12 hex digits of SHA-256 of the absolute path.
pub(crate) fn workspace_id(abs: &Path) -> String {
    let digest = Sha256::digest(abs.to_string_lossy().as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("ws_{hex}")
}

/// Makes `path` absolute and lexically normal (`.` and `..` folded, no
/// trailing separator), without resolving symbolic links.
pub(crate) fn absolute(path: &Path) -> Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::io("read the current folder", Path::new("."), e))?
            .join(path)
    };
    let mut out = PathBuf::new();
    for comp in joined.components() {
        match comp {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    Ok(out)
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_is_sha256_prefix() {
        // sha256("/tmp/ws") = 5a1d0b3c...; computed independently with sha256sum.
        let id = workspace_id(Path::new("/tmp/ws"));
        assert!(id.starts_with("ws_"));
        assert_eq!(id.len(), 15);
        let expected = format!("{:x}", Sha256::digest(b"/tmp/ws"));
        assert_eq!(&id[3..], &expected[..12]);
    }

    /// One long-lived handle (as in the server) sees its own writes and
    /// edits by hand at once, even same-size edits in place.
    #[test]
    fn cached_reads_are_never_stale() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).unwrap().with_global(None);
        let skill = dir.path().join(".opencode/skills/s/SKILL.md");
        std::fs::create_dir_all(skill.parent().unwrap()).unwrap();
        for round in 0..20 {
            let desc = format!("Description {round:02}");
            std::fs::write(&skill, format!("---\nname: s\ndescription: {desc}\n---\n")).unwrap();
            assert_eq!(skills::list(&ws, false).unwrap()[0].description, desc);
        }
        std::fs::write(dir.path().join("opencode.jsonc"), "{\"plugin\": [\"a\"]}").unwrap();
        assert_eq!(plugins::list(&ws, false).unwrap().items.len(), 1);
        ws.write(&Actor::cli(), |ws| {
            plugins::plan_add(ws, "b", plugins::OnListed::Keep)
        })
        .unwrap();
        assert_eq!(plugins::list(&ws, false).unwrap().items.len(), 2);
        std::fs::write(dir.path().join("opencode.jsonc"), "{\"plugin\": [\"c\"]}").unwrap();
        assert_eq!(plugins::list(&ws, false).unwrap().items[0].spec, "c");
        let etag = config::etag(&ws).unwrap();
        std::fs::write(dir.path().join("opencode.jsonc"), "{\"plugin\": [\"d\"]}").unwrap();
        assert_ne!(config::etag(&ws).unwrap(), etag);
    }

    #[test]
    fn absolute_is_lexical() {
        assert_eq!(
            absolute(Path::new("/a/b/../c/./d/")).unwrap(),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(absolute(Path::new("/")).unwrap(), PathBuf::from("/"));
    }
}
