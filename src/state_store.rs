//! Where a unit keeps what it remembers between dispatches: its stored state and its
//! queue of deferred events (Python ops' `ops/storage.py`).
//!
//! Everything lives in one document, read once before the charm is built and written
//! once after a successful dispatch, so a dispatch either persists all its changes or
//! none. The local file is written atomically (a temporary file beside it, fsync,
//! rename, fsync of the directory) with mode 0600; a file that cannot be read or parsed
//! is an error that names it and moves it aside, never a silent reset.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::backend::{Backend, BackendError};

/// The format tag written into every state document.
pub const FORMAT: &str = "juju-ops/1";

/// The name of the local state file in the charm directory.
pub const STATE_FILE: &str = ".juju-ops-state.json";

/// The key of the state document in Juju's controller-side store.
pub const CONTROLLER_KEY: &str = "juju-ops-state";

/// A deferred event, waiting in the queue for the observer that deferred it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Its place in the queue.
    pub sequence: u64,
    /// The event's name (`config_changed`, `db_relation_changed`, a custom event's name).
    pub event: String,
    /// The observer that deferred it (`HelloCharm::on_config_changed`).
    pub observer: String,
    /// What the event is rebuilt from: the hook's event variables, or a custom event's data.
    pub snapshot: Value,
}

/// Everything a unit remembers between dispatches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateData {
    /// Always [`FORMAT`]; another value is refused rather than misread.
    pub format: String,
    /// The next notice's sequence number.
    pub next_sequence: u64,
    /// Stored state by key (`HelloCharm/stored`).
    pub stored: BTreeMap<String, Value>,
    /// The deferred events, in order.
    pub deferred: Vec<Notice>,
}

impl Default for StateData {
    fn default() -> Self {
        StateData { format: FORMAT.to_owned(), next_sequence: 1, stored: BTreeMap::new(), deferred: Vec::new() }
    }
}

/// Why the state could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The state file could not be read, or written.
    #[error("state file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The state document is not one this library wrote; the file was moved aside.
    #[error("state file {path} is corrupt ({reason}); it was moved to {kept} and nothing was overwritten")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What was wrong with it.
        reason: String,
        /// Where it was moved.
        kept: PathBuf,
    },
    /// The controller-side document is not one this library wrote.
    #[error("controller state {key:?} is corrupt: {reason}")]
    CorruptController {
        /// The key.
        key: &'static str,
        /// What was wrong with it.
        reason: String,
    },
    /// `state-get` or `state-set` failed.
    #[error("controller state: {0}")]
    Backend(#[from] BackendError),
}

/// A place the state document lives.
pub trait StateStore {
    /// Reads the document; a store never written gives the default (empty) state.
    fn load(&self) -> Result<StateData, StoreError>;
    /// Replaces the document, all at once.
    fn save(&self, data: &StateData) -> Result<(), StoreError>;
}

fn parse(text: &str) -> Result<StateData, String> {
    let data: StateData = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if data.format != FORMAT {
        return Err(format!("format {:?}, expected {FORMAT:?}", data.format));
    }
    Ok(data)
}

/// The state in a file in the charm directory (the default, like ops' `.unit-state.db`).
#[derive(Debug, Clone)]
pub struct LocalFile {
    path: PathBuf,
}

impl LocalFile {
    /// The store at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        LocalFile { path: path.into() }
    }

    /// The store in `charm_dir`.
    pub fn in_dir(charm_dir: &Path) -> Self {
        Self::new(charm_dir.join(STATE_FILE))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, source: std::io::Error) -> StoreError {
        StoreError::Io { path: self.path.clone(), source }
    }

    /// Moves a corrupt file aside (`<file>.corrupt-<unix time>`), so the next dispatch
    /// starts clean but the data is still there to inspect.
    fn keep_aside(&self, reason: String) -> StoreError {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let kept = self.path.with_extension(format!("json.corrupt-{stamp}"));
        match std::fs::rename(&self.path, &kept) {
            Ok(()) => StoreError::Corrupt { path: self.path.clone(), reason, kept },
            Err(source) => self.io(source),
        }
    }
}

impl StateStore for LocalFile {
    fn load(&self) -> Result<StateData, StoreError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(StateData::default()),
            Err(e) => return Err(self.io(e)),
        };
        let text = String::from_utf8(bytes).map_err(|e| self.keep_aside(e.to_string()))?;
        parse(&text).map_err(|reason| self.keep_aside(reason))
    }

    fn save(&self, data: &StateData) -> Result<(), StoreError> {
        use std::os::unix::fs::OpenOptionsExt;
        let text = serde_json::to_vec_pretty(data).map_err(|e| self.io(e.into()))?;
        let dir = self.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // Juju runs one hook of a unit at a time, so one fixed name is enough, and a
        // write cut short by a kill leaves a file the next write simply replaces.
        let temp = dir.join(format!(".{name}.tmp"));
        let write = || -> std::io::Result<()> {
            let mut file =
                std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&temp)?;
            file.write_all(&text)?;
            file.sync_all()?;
            std::fs::rename(&temp, &self.path)?;
            // The rename is durable only once the directory entry is.
            std::fs::File::open(dir)?.sync_all()
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            self.io(e)
        })
    }
}

/// The state in Juju's controller (`state-get`/`state-set`), for charms whose local
/// filesystem does not survive (ops' `use_juju_for_storage=True`). Juju applies
/// `state-set` only when the hook succeeds, so this too is all or nothing.
pub struct Controller<'a> {
    backend: &'a dyn Backend,
}

impl<'a> Controller<'a> {
    /// The store behind `backend`'s state tools.
    pub fn new(backend: &'a dyn Backend) -> Self {
        Controller { backend }
    }
}

impl StateStore for Controller<'_> {
    fn load(&self) -> Result<StateData, StoreError> {
        match self.backend.state_get(CONTROLLER_KEY)? {
            None => Ok(StateData::default()),
            Some(text) => parse(&text).map_err(|reason| StoreError::CorruptController { key: CONTROLLER_KEY, reason }),
        }
    }

    fn save(&self, data: &StateData) -> Result<(), StoreError> {
        let text = serde_json::to_string(data)
            .map_err(|e| StoreError::CorruptController { key: CONTROLLER_KEY, reason: e.to_string() })?;
        Ok(self.backend.state_set(CONTROLLER_KEY, &text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("juju-ops-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn round_trip_with_mode_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("round");
        let store = LocalFile::in_dir(&dir);
        assert_eq!(store.load().unwrap(), StateData::default());
        let mut data = StateData::default();
        data.stored.insert("C/stored".into(), serde_json::json!({"n": 1}));
        store.save(&data).unwrap();
        assert_eq!(store.load().unwrap(), data);
        let mode = std::fs::metadata(store.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left behind");
    }

    #[test]
    fn corrupt_file_is_named_and_kept_aside() {
        let dir = temp_dir("corrupt");
        let store = LocalFile::in_dir(&dir);
        std::fs::write(store.path(), "{not json").unwrap();
        let err = store.load().unwrap_err();
        let StoreError::Corrupt { kept, .. } = &err else { panic!("{err}") };
        assert!(err.to_string().contains(STATE_FILE), "{err}");
        assert_eq!(std::fs::read_to_string(kept).unwrap(), "{not json");
        assert!(!store.path().exists());
    }

    #[test]
    fn another_format_is_refused() {
        let dir = temp_dir("format");
        let store = LocalFile::in_dir(&dir);
        std::fs::write(store.path(), r#"{"format":"other/9","next_sequence":1,"stored":{},"deferred":[]}"#).unwrap();
        assert!(store.load().unwrap_err().to_string().contains(r#"format "other/9""#));
    }
}
