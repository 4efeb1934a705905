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
use crate::redact;

/// The format tag written into every state document.
pub const FORMAT: &str = "juju-ops/1";

/// The name of the local state file in the charm directory.
pub const STATE_FILE: &str = ".juju-ops-state.json";

/// The key of the state document in Juju's controller-side store.
pub const CONTROLLER_KEY: &str = "juju-ops-state";

/// A deferred event, waiting in the queue for the observer that deferred it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeferredEvent {
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
pub struct UnitState {
    /// Always [`FORMAT`]; another value is refused rather than misread.
    pub format: String,
    /// The next notice's sequence number.
    pub next_sequence: u64,
    /// Stored state by key (`HelloCharm/stored`).
    pub stored: BTreeMap<String, Value>,
    /// The deferred events, in order.
    pub deferred: Vec<DeferredEvent>,
}

impl Default for UnitState {
    fn default() -> Self {
        UnitState { format: FORMAT.to_owned(), next_sequence: 1, stored: BTreeMap::new(), deferred: Vec::new() }
    }
}

/// The largest state document read or written: a unit with a thousand deferred events
/// keeps a few hundred kilobytes.
pub const MAX_STATE_BYTES: u64 = 16 * 1024 * 1024;

/// How deep a state document may nest when written. The reader reads up to
/// [`READ_DEPTH`], a little more, so whatever is written can be read back.
pub const MAX_STATE_DEPTH: usize = 120;

/// How deep a state document may nest when read: serde_json's own recursion limit.
pub const READ_DEPTH: usize = 128;

/// Why the state could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The state file could not be read, or written.
    #[error("state file {path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        error: std::io::Error,
    },
    /// The state file is there but cannot be used. It is left as it is, and every
    /// dispatch fails the same way until an operator restores or removes it.
    #[error("state file {} {problem}; it is left as it is and nothing of this dispatch ran. {}", path.display(), recovery(path, previous.as_deref()))]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: Damage,
        /// The previous good generation, kept beside it, if there is one.
        previous: Option<PathBuf>,
    },
    /// The controller-side document is not one this library can read.
    #[error(
        "controller state {key:?} is corrupt: {reason}; it is left as it is. To start over, run `state-delete {key}` in the unit (stored state and deferred events are then lost)"
    )]
    CorruptController {
        /// The key.
        key: &'static str,
        /// What was wrong with it.
        reason: String,
    },
    /// The document to save nests deeper than a reader can read; nothing was written.
    #[error(
        "the unit state to save nests deeper than {MAX_STATE_DEPTH} levels, which could not be read back; nothing was written"
    )]
    TooDeep,
    /// The document to save is larger than a reader reads; nothing was written.
    #[error(
        "the unit state to save is {size} bytes, more than the {MAX_STATE_BYTES} a state document may be, so it could not be read back; nothing was written"
    )]
    TooLarge {
        /// Its size.
        size: u64,
    },
    /// `state-get` or `state-set` failed.
    #[error("controller state: {0}")]
    Backend(BackendError),
}

/// What is wrong with a state file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Damage {
    /// It is not UTF-8 text.
    #[error("is not UTF-8 text")]
    NotUtf8,
    /// It is not a state document (not JSON, or not this shape).
    #[error("is corrupt ({0})")]
    Corrupt(String),
    /// It was written by another version of the library (a downgraded charm).
    #[error(
        "has format {found:?}, which this charm cannot read (it reads {FORMAT:?}): it was written by another version, as after a downgrade"
    )]
    Format {
        /// The format it says it has.
        found: String,
    },
    /// It is larger than any state this library writes.
    #[error("is {size} bytes, more than the {MAX_STATE_BYTES} a state document may be")]
    TooLarge {
        /// Its size.
        size: u64,
    },
    /// It nests deeper than the reader reads.
    #[error("nests deeper than the {READ_DEPTH} levels a state document may have")]
    TooDeep,
    /// It is a symbolic link (the state file is never one).
    #[error("is a symbolic link")]
    Symlink,
    /// It is not a regular file (a FIFO, a device, a directory).
    #[error("is not a regular file but a {0}")]
    NotRegular(&'static str),
}

/// What an operator can do about a damaged state file.
fn recovery(path: &Path, previous: Option<&Path>) -> String {
    let name = path.display();
    match previous {
        Some(previous) => format!(
            "To recover, restore the previous good state with `cp {} {name}`, or remove {name} to start over (stored state and deferred events are then lost).",
            previous.display()
        ),
        None => format!("To recover, remove {name} to start over (stored state and deferred events are then lost)."),
    }
}

impl From<BackendError> for StoreError {
    fn from(error: BackendError) -> Self {
        StoreError::Backend(error)
    }
}

/// How deep `value` nests (a scalar is 1).
pub(crate) fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 1,
    }
}

/// The document as JSON text, refused when it nests deeper or is larger than the
/// reader reads.
fn to_text(data: &UnitState) -> Result<String, StoreError> {
    if document_depth(data) > MAX_STATE_DEPTH {
        return Err(StoreError::TooDeep);
    }
    // Cannot fail: every map has string keys, and serde_json's writer has no depth limit.
    // Compact: a machine's file, read back by the next dispatch (`jq .` shows it to a person).
    let text = serde_json::to_string(data).map_err(|_| StoreError::TooDeep)?;
    if text.len() as u64 > MAX_STATE_BYTES {
        return Err(StoreError::TooLarge { size: text.len() as u64 });
    }
    Ok(text)
}

/// A place the state document lives.
pub trait StateStore {
    /// Reads the document; a store never written gives the default (empty) state.
    fn load(&self) -> Result<UnitState, StoreError>;
    /// Replaces the document, all at once.
    fn save(&self, data: &UnitState) -> Result<(), StoreError>;
}

/// How deep `data` nests as JSON, without rendering it: the document is one level, its
/// `stored` map a second, each value below; `deferred` is an array of objects holding a
/// snapshot.
fn document_depth(data: &UnitState) -> usize {
    let stored = data.stored.values().map(|v| 2 + depth(v));
    let deferred = data.deferred.iter().map(|e| 3 + depth(&e.snapshot));
    stored.chain(deferred).max().unwrap_or(2)
}

fn parse(text: &str) -> Result<UnitState, Damage> {
    // A good document reads in one pass; anything else is read again, slowly, to say
    // exactly what is wrong with it.
    match serde_json::from_str::<UnitState>(text) {
        Ok(data) if data.format == FORMAT => Ok(data),
        _ => Err(diagnose(text)),
    }
}

/// What is wrong with a document that did not read.
fn diagnose(text: &str) -> Damage {
    match inspect(text) {
        Ok(_) => Damage::Corrupt("it does not read as a state document".to_owned()),
        Err(damage) => damage,
    }
}

fn inspect(text: &str) -> Result<UnitState, Damage> {
    // The format first, so a newer document is named as such rather than as corrupt.
    let value: Value = serde_json::from_str(text).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            Damage::TooDeep
        } else {
            Damage::Corrupt(redact::json_error(&e))
        }
    })?;
    match value.get("format").and_then(Value::as_str) {
        Some(FORMAT) => {}
        Some(other) => return Err(Damage::Format { found: other.to_owned() }),
        None => return Err(Damage::Corrupt("no format".to_owned())),
    }
    serde_json::from_value(value).map_err(|e| Damage::Corrupt(redact::json_error(&e)))
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
    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the previous good generation is kept: `<file>.prev`.
    pub fn previous(&self) -> PathBuf {
        self.sibling("prev")
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        // The path always ends in the file's name (`in_dir` joins STATE_FILE), so appending
        // to the whole path appends to the name, without parsing the path into components.
        let mut path = std::ffi::OsString::with_capacity(self.path.as_os_str().len() + 1 + suffix.len());
        path.push(&self.path);
        path.push(".");
        path.push(suffix);
        PathBuf::from(path)
    }

    fn dir(&self) -> &Path {
        self.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
    }

    fn io(&self, error: std::io::Error) -> StoreError {
        StoreError::Io { path: self.path.clone(), error }
    }

    fn damaged(&self, problem: Damage) -> StoreError {
        let previous = self.previous();
        let previous = previous.symlink_metadata().is_ok_and(|m| m.is_file()).then_some(previous);
        StoreError::Damaged { path: self.path.clone(), problem, previous }
    }

    /// Reads the file: only a regular file, opened without following a link and without
    /// blocking (a FIFO planted at the path would hold the dispatch forever), and no more
    /// than [`MAX_STATE_BYTES`] of it.
    fn read(&self) -> Result<Option<Vec<u8>>, StoreError> {
        use std::io::Read;
        use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
        let opened =
            std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(&self.path);
        let file = match opened {
            Ok(file) => file,
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Err(self.damaged(Damage::Symlink)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // A dangling symlink is not "no state yet".
                return match self.path.symlink_metadata() {
                    Ok(meta) if meta.file_type().is_symlink() => Err(self.damaged(Damage::Symlink)),
                    _ => Ok(None),
                };
            }
            Err(e) => return Err(self.io(e)),
        };
        let meta = file.metadata().map_err(|e| self.io(e))?;
        let kind = meta.file_type();
        if !kind.is_file() {
            let what = if kind.is_fifo() {
                "FIFO"
            } else if kind.is_dir() {
                "directory"
            } else if kind.is_char_device() || kind.is_block_device() {
                "device"
            } else if kind.is_socket() {
                "socket"
            } else {
                "special file"
            };
            return Err(self.damaged(Damage::NotRegular(what)));
        }
        if meta.len() > MAX_STATE_BYTES {
            return Err(self.damaged(Damage::TooLarge { size: meta.len() }));
        }
        let mut bytes = Vec::new();
        file.take(MAX_STATE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| self.io(e))?;
        if bytes.len() as u64 > MAX_STATE_BYTES {
            return Err(self.damaged(Damage::TooLarge { size: bytes.len() as u64 }));
        }
        Ok(Some(bytes))
    }
}

impl StateStore for LocalFile {
    fn load(&self) -> Result<UnitState, StoreError> {
        let Some(bytes) = self.read()? else { return Ok(UnitState::default()) };
        let text = String::from_utf8(bytes).map_err(|_| self.damaged(Damage::NotUtf8))?;
        parse(&text).map_err(|problem| self.damaged(problem))
    }

    /// Writes the document atomically: a new temporary file (created exclusively, mode
    /// 0600, never through a link), fsync, the current file kept as the previous good
    /// generation (a hard link, so there is no moment without a current file), rename over
    /// the current file, fsync of the directory.
    fn save(&self, data: &UnitState) -> Result<(), StoreError> {
        use std::os::unix::fs::OpenOptionsExt;
        let text = to_text(data)?;
        let dir = self.dir();
        let temp = self.sibling("tmp");
        let write = || -> std::io::Result<()> {
            // Juju runs one hook of a unit at a time: whatever is at the temporary path is a
            // leftover (or planted); remove the entry itself, never what a link points to.
            match std::fs::remove_file(&temp) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&temp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            if self.path.symlink_metadata().is_ok_and(|m| m.is_file()) {
                let previous_temp = self.sibling("prev.tmp");
                let _ = std::fs::remove_file(&previous_temp);
                std::fs::hard_link(&self.path, &previous_temp)?;
                std::fs::rename(&previous_temp, self.previous())?;
            }
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
    fn load(&self) -> Result<UnitState, StoreError> {
        match self.backend.state_get(CONTROLLER_KEY)? {
            None => Ok(UnitState::default()),
            Some(text) => parse(&text)
                .map_err(|problem| StoreError::CorruptController { key: CONTROLLER_KEY, reason: problem.to_string() }),
        }
    }

    fn save(&self, data: &UnitState) -> Result<(), StoreError> {
        let text = to_text(data)?;
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
        assert_eq!(store.load().unwrap(), UnitState::default());
        let mut data = UnitState::default();
        data.stored.insert("C/stored".into(), serde_json::json!({"n": 1}));
        store.save(&data).unwrap();
        assert_eq!(store.load().unwrap(), data);
        let mode = std::fs::metadata(store.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left behind");
    }

    fn damage(store: &LocalFile) -> (Damage, Option<PathBuf>) {
        match store.load().unwrap_err() {
            StoreError::Damaged { problem, previous, .. } => (problem, previous),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn a_damaged_file_stays_where_it_is_and_every_load_says_how_to_recover() {
        let dir = temp_dir("corrupt");
        let store = LocalFile::in_dir(&dir);
        let mut good = UnitState::default();
        good.stored.insert("C/stored".into(), serde_json::json!({"n": 1}));
        store.save(&good).unwrap();
        store.save(&good).unwrap();
        std::fs::write(store.path(), "{not json").unwrap();
        for _ in 0..2 {
            let err = store.load().unwrap_err();
            let text = err.to_string();
            assert!(text.contains(STATE_FILE) && text.contains("is corrupt"), "{text}");
            assert!(text.contains(&format!("cp {}", store.previous().display())), "{text}");
            assert_eq!(std::fs::read_to_string(store.path()).unwrap(), "{not json");
        }
        // The previous generation is the last good state.
        assert_eq!(LocalFile::new(store.previous()).load().unwrap(), good);
    }

    #[test]
    fn a_newer_format_is_named_as_such_and_kept() {
        let dir = temp_dir("format");
        let store = LocalFile::in_dir(&dir);
        std::fs::write(store.path(), r#"{"format":"juju-ops/2","something":"new"}"#).unwrap();
        assert_eq!(damage(&store).0, Damage::Format { found: "juju-ops/2".into() });
        assert!(store.load().unwrap_err().to_string().contains("as after a downgrade"));
        assert!(store.path().exists());
    }

    #[test]
    fn only_regular_files_are_read() {
        use std::os::unix::fs::symlink;
        let dir = temp_dir("special");
        let store = LocalFile::in_dir(&dir);
        // A FIFO would block a plain open for ever.
        let status = std::process::Command::new("mkfifo").arg(store.path()).status().unwrap();
        assert!(status.success());
        assert_eq!(damage(&store).0, Damage::NotRegular("FIFO"));
        std::fs::remove_file(store.path()).unwrap();
        // A link to /dev/zero would be read until memory runs out.
        symlink("/dev/zero", store.path()).unwrap();
        assert_eq!(damage(&store).0, Damage::Symlink);
        std::fs::remove_file(store.path()).unwrap();
        // A dangling link is not "no state yet".
        symlink(dir.join("gone"), store.path()).unwrap();
        assert_eq!(damage(&store).0, Damage::Symlink);
        std::fs::remove_file(store.path()).unwrap();
        std::fs::write(store.path(), vec![b' '; (MAX_STATE_BYTES + 1) as usize]).unwrap();
        assert_eq!(damage(&store).0, Damage::TooLarge { size: MAX_STATE_BYTES + 1 });
    }

    #[test]
    fn a_link_planted_at_the_temporary_path_is_not_followed() {
        use std::os::unix::fs::symlink;
        let dir = temp_dir("planted");
        let store = LocalFile::in_dir(&dir);
        let target = dir.join("victim");
        std::fs::write(&target, "precious").unwrap();
        symlink(&target, store.sibling("tmp")).unwrap();
        store.save(&UnitState::default()).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        assert_eq!(store.load().unwrap(), UnitState::default());
    }

    #[test]
    fn what_the_writer_writes_the_reader_reads() {
        let dir = temp_dir("deep");
        let store = LocalFile::in_dir(&dir);
        let nest = |levels: usize| (0..levels).fold(serde_json::json!(1), |v, _| serde_json::json!([v]));
        let mut data = UnitState::default();
        data.stored.insert("C/deep".into(), nest(MAX_STATE_DEPTH - 3));
        store.save(&data).unwrap();
        assert_eq!(store.load().unwrap(), data);
        data.stored.insert("C/deep".into(), nest(MAX_STATE_DEPTH));
        assert!(matches!(store.save(&data), Err(StoreError::TooDeep)));
        // The reader reads a little deeper than the writer writes; a document deeper than
        // that, written by hand, is damaged, not a panic.
        let by_hand = |levels: usize| {
            format!(r#"{{"format":"{FORMAT}","next_sequence":1,"deferred":[],"stored":{{"x":{}}}}}"#, nest(levels))
        };
        std::fs::write(store.path(), by_hand(READ_DEPTH - 3)).unwrap();
        assert!(store.load().is_ok());
        std::fs::write(store.path(), by_hand(200)).unwrap();
        assert_eq!(damage(&store).0, Damage::TooDeep);
        // Too large to read back: refused, and the file on disk is the last good one.
        let good = UnitState::default();
        store.save(&good).unwrap();
        let mut data = UnitState::default();
        data.stored.insert("C/big".into(), Value::String("x".repeat(MAX_STATE_BYTES as usize)));
        assert!(matches!(store.save(&data), Err(StoreError::TooLarge { .. })));
        assert_eq!(store.load().unwrap(), good);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any text at all is a state document or a named damage, never a panic.
        #[test]
        fn the_reader_never_panics(text in ".{0,400}") {
            let _ = parse(&text);
        }

        /// A good document cut, or with one byte changed, is read or refused, never a panic.
        #[test]
        fn mutated_documents_are_read_or_refused(cut in 0usize..2000, at in 0usize..2000, byte in proptest::num::u8::ANY) {
            let mut data = UnitState::default();
            data.stored.insert("C/stored".into(), serde_json::json!({"n": 1, "list": ["a", {"b": null}], "s": "é"}));
            data.next_sequence = 7;
            let mut bytes = to_text(&data).unwrap().into_bytes();
            let at = at % bytes.len();
            bytes[at] = byte;
            bytes.truncate(cut.max(1).min(bytes.len()));
            if let Ok(text) = String::from_utf8(bytes) {
                let _ = parse(&text);
            }
        }

        /// Whatever the writer accepts, the reader gives back.
        #[test]
        fn written_values_read_back(value in json_value()) {
            let mut data = UnitState::default();
            data.stored.insert("C/stored".into(), value);
            if let Ok(text) = to_text(&data) {
                proptest::prop_assert_eq!(parse(&text).unwrap(), data);
            }
        }
    }

    /// JSON values of any shape, nesting a few levels.
    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e300f64..1e300).prop_map(Value::from),
            ".{0,20}".prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::btree_map(".{0,10}", inner, 0..8)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn another_format_is_refused() {
        let dir = temp_dir("other-format");
        let store = LocalFile::in_dir(&dir);
        std::fs::write(store.path(), r#"{"format":"other/9","next_sequence":1,"stored":{},"deferred":[]}"#).unwrap();
        assert!(store.load().unwrap_err().to_string().contains(r#"format "other/9""#));
    }
}
