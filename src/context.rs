//! What Juju tells a dispatch through its environment (the `JUJU_*` variables).

use crate::juju_version::JujuVersion;
use std::ffi::OsString;
use std::path::PathBuf;

/// An environment Juju would never give: a dispatch stops before anything runs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// A variable the library reads is not valid UTF-8.
    #[error("environment variable {name} is not valid UTF-8")]
    NotUtf8 {
        /// The variable.
        name: String,
    },
    /// A variable has a value Juju never gives.
    #[error("environment variable {name}={value:?} is malformed: expected {expected}")]
    Malformed {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What Juju gives.
        expected: &'static str,
    },
    /// A variable Juju sets for every dispatch is missing.
    #[error("environment variable {name} is not set: Juju sets it for every dispatch (is this charm run by Juju?)")]
    Missing {
        /// The variable.
        name: &'static str,
    },
}

/// The `JUJU_*` variables of one dispatch, read once.
///
/// Empty strings count as unset, as in Python ops.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JujuEnv {
    /// `JUJU_DISPATCH_PATH`: `hooks/<hook>` or `actions/<action>`.
    pub dispatch_path: String,
    /// `JUJU_HOOK_NAME`.
    pub hook_name: Option<String>,
    /// `JUJU_UNIT_NAME`: `app/N`.
    pub unit_name: String,
    /// `JUJU_MODEL_NAME`.
    pub model_name: Option<String>,
    /// `JUJU_MODEL_UUID`.
    pub model_uuid: Option<String>,
    /// `JUJU_VERSION` (`0.0.0` when unset).
    pub version: JujuVersion,
    /// `JUJU_CHARM_DIR`.
    pub charm_dir: Option<PathBuf>,
    /// `JUJU_DEBUG` is set.
    pub debug: bool,
    /// `JUJU_ACTION_NAME`.
    pub action_name: Option<String>,
    /// `JUJU_ACTION_UUID`.
    pub action_uuid: Option<String>,
    /// `JUJU_RELATION`: the endpoint of a relation hook.
    pub relation_name: Option<String>,
    /// `JUJU_RELATION_ID`, parsed.
    pub relation_id: Option<crate::backend::RelationId>,
    /// `JUJU_REMOTE_APP`.
    pub remote_app: Option<String>,
    /// `JUJU_REMOTE_UNIT`.
    pub remote_unit: Option<String>,
    /// `JUJU_DEPARTING_UNIT`.
    pub departing_unit: Option<String>,
    /// `JUJU_STORAGE_ID`: `name/N`.
    pub storage_id: Option<String>,
    /// `JUJU_WORKLOAD_NAME`: the container of a workload event.
    pub workload_name: Option<String>,
    /// `JUJU_NOTICE_ID`.
    pub notice_id: Option<String>,
    /// `JUJU_NOTICE_TYPE`.
    pub notice_type: Option<String>,
    /// `JUJU_NOTICE_KEY`.
    pub notice_key: Option<String>,
    /// `JUJU_PEBBLE_CHECK_NAME`.
    pub pebble_check_name: Option<String>,
    /// `JUJU_SECRET_ID`.
    pub secret_id: Option<String>,
    /// `JUJU_SECRET_LABEL`.
    pub secret_label: Option<String>,
    /// `JUJU_SECRET_REVISION`.
    pub secret_revision: Option<u64>,
    /// `OPERATOR_DISPATCH` was already set: the charm was started by itself.
    pub operator_dispatch: bool,
    /// `JUJU_MACHINE_ID`: the machine a machine charm's unit runs on.
    pub machine_id: Option<String>,
    /// `JUJU_AVAILABILITY_ZONE`.
    pub availability_zone: Option<String>,
    /// `JUJU_PRINCIPAL_UNIT`: for a subordinate, the unit it is attached to.
    pub principal_unit: Option<String>,
}

impl JujuEnv {
    /// Reads the process environment: the `JUJU_*` variables and `OPERATOR_DISPATCH`, each
    /// of which must be UTF-8; every other variable is left alone, whatever its bytes.
    pub fn from_env() -> Result<Self, EnvError> {
        let env = Self::read(Found::from_process())?;
        env.check_dispatch()?;
        Ok(env)
    }

    /// Reads variables as the operating system gives them (bytes, not always UTF-8).
    #[cfg(test)]
    pub fn from_os_vars(vars: impl IntoIterator<Item = (OsString, OsString)>) -> Result<Self, EnvError> {
        let env = Self::read(Found::from_pairs(vars))?;
        env.check_dispatch()?;
        Ok(env)
    }

    /// What a real dispatch needs besides what tests may leave out: the dispatch path and a
    /// unit name.
    fn check_dispatch(&self) -> Result<(), EnvError> {
        if self.dispatch_path.is_empty() {
            return Err(EnvError::Missing { name: "JUJU_DISPATCH_PATH" });
        }
        if self.unit_name.is_empty() {
            return Err(EnvError::Missing { name: "JUJU_UNIT_NAME" });
        }
        Ok(())
    }

    /// Reads the given variables (for tests and the in-memory Juju).
    #[cfg(any(test, feature = "testing"))]
    pub fn from_vars<K: AsRef<str>, V: AsRef<str>>(vars: impl IntoIterator<Item = (K, V)>) -> Result<Self, EnvError> {
        let vars = vars.into_iter().map(|(name, value)| (name.as_ref().into(), value.as_ref().into()));
        Self::read(Found::from_pairs(vars))
    }

    /// Builds the context from the listed variables' values.
    fn read(mut found: Found) -> Result<Self, EnvError> {
        // Each variable's place in the list is found when the charm is compiled: a name
        // missing from `VARIABLES` does not compile.
        macro_rules! get {
            ($name:literal) => {
                found.take($name, const { variable_index($name) })
            };
        }
        let malformed =
            |name: &'static str, value: String, expected: &'static str| EnvError::Malformed { name, value, expected };
        let unit_name = get!("JUJU_UNIT_NAME")?.unwrap_or_default();
        if !unit_name.is_empty() && !is_unit_name(&unit_name) {
            return Err(malformed("JUJU_UNIT_NAME", unit_name, "<application>/<number>"));
        }
        let relation_name = get!("JUJU_RELATION")?;
        let relation_id = match get!("JUJU_RELATION_ID")? {
            None => None,
            Some(id) => match relation_id(&id, relation_name.clone()) {
                Some(parsed) => Some(parsed),
                None => return Err(malformed("JUJU_RELATION_ID", id, "<endpoint>:<number>")),
            },
        };
        // These go onto hook tools' command lines (`relation-get - <unit>`).
        let unit_variable = |name: &'static str, value: Option<String>| match value {
            Some(unit) if !is_unit_name(&unit) => Err(malformed(name, unit, "<application>/<number>")),
            unit => Ok(unit),
        };
        let remote_unit = unit_variable("JUJU_REMOTE_UNIT", get!("JUJU_REMOTE_UNIT")?)?;
        let departing_unit = unit_variable("JUJU_DEPARTING_UNIT", get!("JUJU_DEPARTING_UNIT")?)?;
        let principal_unit = unit_variable("JUJU_PRINCIPAL_UNIT", get!("JUJU_PRINCIPAL_UNIT")?)?;
        let remote_app = match get!("JUJU_REMOTE_APP")? {
            Some(app) if !is_app_name(&app) => return Err(malformed("JUJU_REMOTE_APP", app, "an application name")),
            app => app,
        };
        let version = match get!("JUJU_VERSION")? {
            None => JujuVersion::new(0, 0, 0),
            Some(text) => match text.parse() {
                Ok(version) => version,
                Err(_) => return Err(malformed("JUJU_VERSION", text, "a Juju version such as 3.6.14")),
            },
        };
        let secret_revision = match get!("JUJU_SECRET_REVISION")? {
            None => None,
            Some(revision) => match revision.parse() {
                Ok(revision) => Some(revision),
                Err(_) => return Err(malformed("JUJU_SECRET_REVISION", revision, "a number")),
            },
        };
        Ok(JujuEnv {
            dispatch_path: get!("JUJU_DISPATCH_PATH")?.unwrap_or_default(),
            hook_name: get!("JUJU_HOOK_NAME")?,
            unit_name,
            model_name: get!("JUJU_MODEL_NAME")?,
            model_uuid: get!("JUJU_MODEL_UUID")?,
            version,
            charm_dir: get!("JUJU_CHARM_DIR")?.map(PathBuf::from),
            debug: get!("JUJU_DEBUG")?.is_some(),
            action_name: get!("JUJU_ACTION_NAME")?,
            action_uuid: get!("JUJU_ACTION_UUID")?,
            relation_name,
            relation_id,
            remote_app,
            remote_unit,
            departing_unit,
            storage_id: get!("JUJU_STORAGE_ID")?,
            workload_name: get!("JUJU_WORKLOAD_NAME")?,
            notice_id: get!("JUJU_NOTICE_ID")?,
            notice_type: get!("JUJU_NOTICE_TYPE")?,
            notice_key: get!("JUJU_NOTICE_KEY")?,
            pebble_check_name: get!("JUJU_PEBBLE_CHECK_NAME")?,
            secret_id: get!("JUJU_SECRET_ID")?,
            secret_label: get!("JUJU_SECRET_LABEL")?,
            secret_revision,
            operator_dispatch: get!("OPERATOR_DISPATCH")?.is_some(),
            machine_id: get!("JUJU_MACHINE_ID")?,
            availability_zone: get!("JUJU_AVAILABILITY_ZONE")?,
            principal_unit,
        })
    }

    /// Every variable [`JujuEnv::read`] reads.
    pub(crate) const VARIABLES: &[&str] = &[
        "JUJU_ACTION_NAME",
        "JUJU_ACTION_UUID",
        "JUJU_AVAILABILITY_ZONE",
        "JUJU_CHARM_DIR",
        "JUJU_DEBUG",
        "JUJU_DEPARTING_UNIT",
        "JUJU_DISPATCH_PATH",
        "JUJU_HOOK_NAME",
        "JUJU_MACHINE_ID",
        "JUJU_MODEL_NAME",
        "JUJU_MODEL_UUID",
        "JUJU_NOTICE_ID",
        "JUJU_NOTICE_KEY",
        "JUJU_NOTICE_TYPE",
        "JUJU_PEBBLE_CHECK_NAME",
        "JUJU_PRINCIPAL_UNIT",
        "JUJU_RELATION",
        "JUJU_RELATION_ID",
        "JUJU_REMOTE_APP",
        "JUJU_REMOTE_UNIT",
        "JUJU_SECRET_ID",
        "JUJU_SECRET_LABEL",
        "JUJU_SECRET_REVISION",
        "JUJU_STORAGE_ID",
        "JUJU_UNIT_NAME",
        "JUJU_VERSION",
        "JUJU_WORKLOAD_NAME",
        "OPERATOR_DISPATCH",
    ];

    /// The event's name: the basename of `JUJU_DISPATCH_PATH` with `-` as `_`, plus
    /// `_action` under `actions/` (`hooks/db-relation-changed` → `db_relation_changed`).
    pub fn event_kind(&self) -> String {
        let (name, under_actions) = self.dispatch_name();
        let mut kind = name.replace('-', "_");
        if under_actions {
            kind.push_str("_action");
        }
        kind
    }

    /// The last component of `JUJU_DISPATCH_PATH`, and whether the one before it is
    /// `actions` (as `Path` would split it: trailing and repeated `/` and `.` ignored).
    fn dispatch_name(&self) -> (&str, bool) {
        let mut parts = self.dispatch_path.rsplit('/').filter(|part| !part.is_empty() && *part != ".");
        let name = parts.next().filter(|name| *name != "..").unwrap_or_default();
        (name, parts.next() == Some("actions"))
    }

    /// Whether this dispatch runs an action.
    pub fn is_action(&self) -> bool {
        let (name, under_actions) = self.dispatch_name();
        under_actions || name.ends_with("_action") || name.ends_with("-action")
    }

    /// The application's name: the unit name before `/`.
    pub fn app_name(&self) -> &str {
        self.unit_name.split_once('/').map_or(self.unit_name.as_str(), |(app, _)| app)
    }

    /// The remote application of a relation event: `JUJU_REMOTE_APP`, else the remote unit's app.
    pub fn remote_app_name(&self) -> Option<String> {
        self.remote_app
            .clone()
            .or_else(|| self.remote_unit.as_ref().and_then(|u| u.split_once('/').map(|(app, _)| app.to_owned())))
    }
}

/// The listed variables' values as the operating system gave them, by their place in
/// [`JujuEnv::VARIABLES`].
#[derive(Default)]
struct Found([Option<OsString>; JujuEnv::VARIABLES.len()]);

impl Found {
    /// The process's own variables, in one pass. Looking each up by name (`var_os`) costs a
    /// scan of the environment per lookup, and Juju's is mostly `JUJU_*` names sharing their
    /// first bytes; copying it all (`vars_os`) costs two allocations per variable. On Linux
    /// the block the process started with is read at once, and only the values wanted are
    /// copied: `ops::main` reads it before anything could change the environment.
    fn from_process() -> Found {
        match std::fs::read("/proc/self/environ") {
            Ok(block) => Found::from_block(&block),
            // Where there is no `/proc`: through std.
            Err(_) => Found::from_pairs(std::env::vars_os()),
        }
    }

    /// The listed variables of an environment block: `NAME=value` entries, each ended by NUL.
    fn from_block(block: &[u8]) -> Found {
        use std::os::unix::ffi::OsStringExt;
        let mut found = Found::default();
        let mut start = 0;
        for end in memchr::memchr_iter(0, block).chain([block.len()]) {
            let entry = &block[start..end];
            start = end + 1;
            // Most of a hook's environment is not Juju's context.
            if !(entry.starts_with(b"JUJU_") || entry.starts_with(b"OPERATOR_DISPATCH=")) {
                continue;
            }
            if let Some(eq) = memchr::memchr(b'=', entry) {
                let (name, value) = (&entry[..eq], &entry[eq + 1..]);
                if let Some(at) = variable_slot(name) {
                    found.fill(at, || OsString::from_vec(value.to_vec()));
                }
            }
        }
        found
    }

    /// The listed variables among `(name, value)` pairs.
    fn from_pairs(vars: impl IntoIterator<Item = (OsString, OsString)>) -> Found {
        use std::os::unix::ffi::OsStrExt;
        let mut found = Found::default();
        for (name, value) in vars {
            if let Some(at) = variable_slot(name.as_bytes()) {
                found.fill(at, || value);
            }
        }
        found
    }

    /// The first of a repeated name counts, as for `getenv`.
    fn fill(&mut self, at: usize, value: impl FnOnce() -> OsString) {
        if self.0[at].is_none() {
            self.0[at] = Some(value());
        }
    }

    /// A variable's value, once: `None` when unset or empty (empty counts as unset, as in
    /// Python ops), an error naming it when it is not UTF-8.
    fn take(&mut self, name: &'static str, at: usize) -> Result<Option<String>, EnvError> {
        match self.0[at].take().map(OsString::into_string) {
            None => Ok(None),
            Some(Ok(text)) => Ok(Some(text).filter(|t| !t.is_empty())),
            Some(Err(_)) => Err(EnvError::NotUtf8 { name: name.to_owned() }),
        }
    }
}

/// Where `name` is in [`JujuEnv::VARIABLES`], if it is listed.
fn variable_slot(name: &[u8]) -> Option<usize> {
    // Only the listed names of the same length are compared: a handful at most, where a
    // scan of the list compared the length of every entry for every variable of the hook.
    let (start, end) = *BY_LENGTH.buckets.get(name.len())?;
    BY_LENGTH.order[start..end].iter().copied().find(|&at| JujuEnv::VARIABLES[at].as_bytes() == name)
}

/// [`JujuEnv::VARIABLES`]' places, ordered by the length of the name, and for each length
/// the range of `order` holding the names that long; built when the charm is compiled.
struct ByLength {
    order: [usize; JujuEnv::VARIABLES.len()],
    buckets: [(usize, usize); MAX_VARIABLE_LEN + 1],
}

/// Longer than any listed name.
const MAX_VARIABLE_LEN: usize = 32;

const BY_LENGTH: ByLength = {
    let names = JujuEnv::VARIABLES;
    let mut order = [0; JujuEnv::VARIABLES.len()];
    let mut buckets = [(0, 0); MAX_VARIABLE_LEN + 1];
    let mut filled = 0;
    let mut len = 0;
    while len <= MAX_VARIABLE_LEN {
        let start = filled;
        let mut at = 0;
        while at < names.len() {
            assert!(names[at].len() <= MAX_VARIABLE_LEN, "a listed name is longer than MAX_VARIABLE_LEN");
            if names[at].len() == len {
                order[filled] = at;
                filled += 1;
            }
            at += 1;
        }
        buckets[len] = (start, filled);
        len += 1;
    }
    ByLength { order, buckets }
};

/// Where `name` is in [`JujuEnv::VARIABLES`], when the charm is compiled.
const fn variable_index(name: &str) -> usize {
    let mut at = 0;
    while at < JujuEnv::VARIABLES.len() {
        if str_eq(JujuEnv::VARIABLES[at], name) {
            return at;
        }
        at += 1;
    }
    panic!("a variable JujuEnv reads is missing from JujuEnv::VARIABLES")
}

/// Whether two strings are equal, in a `const` context (where `==` on `str` cannot run yet);
/// the component checks use it too.
pub(crate) const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The variables that say which event a hook is about (which relation, unit, storage,
/// container, notice, check or secret): what a deferred event is rebuilt from.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventVars {
    #[serde(skip_serializing_if = "Option::is_none")]
    relation_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_app: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    departing_unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    storage_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workload_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notice_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notice_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notice_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pebble_check_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_revision: Option<u64>,
}

impl JujuEnv {
    /// The event variables of this dispatch.
    pub fn event_vars(&self) -> EventVars {
        EventVars {
            relation_name: self.relation_name.clone(),
            relation_id: self.relation_id.as_ref().map(ToString::to_string),
            remote_app: self.remote_app.clone(),
            remote_unit: self.remote_unit.clone(),
            departing_unit: self.departing_unit.clone(),
            storage_id: self.storage_id.clone(),
            workload_name: self.workload_name.clone(),
            notice_id: self.notice_id.clone(),
            notice_type: self.notice_type.clone(),
            notice_key: self.notice_key.clone(),
            pebble_check_name: self.pebble_check_name.clone(),
            secret_id: self.secret_id.clone(),
            secret_label: self.secret_label.clone(),
            secret_revision: self.secret_revision,
        }
    }

    /// This context with another event's variables: the context a deferred event was built in.
    pub fn with_event_vars(&self, vars: EventVars) -> JujuEnv {
        JujuEnv {
            relation_name: vars.relation_name.clone(),
            relation_id: vars.relation_id.and_then(|id| relation_id(&id, vars.relation_name)),
            remote_app: vars.remote_app,
            remote_unit: vars.remote_unit,
            departing_unit: vars.departing_unit,
            storage_id: vars.storage_id,
            workload_name: vars.workload_name,
            notice_id: vars.notice_id,
            notice_type: vars.notice_type,
            notice_key: vars.notice_key,
            pebble_check_name: vars.pebble_check_name,
            secret_id: vars.secret_id,
            secret_label: vars.secret_label,
            secret_revision: vars.secret_revision,
            ..self.clone()
        }
    }
}

/// `app/N`, as Juju names units.
/// Juju's unit names: an application name, `/`, and a number without leading zeros.
fn is_unit_name(name: &str) -> bool {
    name.split_once('/').is_some_and(|(app, n)| {
        is_app_name(app) && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0'))
    })
}

/// Juju's application names: lower-case letters and digits in dash-separated parts, the
/// first starting with a letter and every later one holding a letter (`pg-k8s`, not `pg-1`).
fn is_app_name(name: &str) -> bool {
    let lower_alnum = |part: &str| part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let mut parts = name.split('-');
    let first = parts.next().unwrap_or_default();
    first.starts_with(|c: char| c.is_ascii_lowercase())
        && lower_alnum(first)
        && parts.all(|part| lower_alnum(part) && part.bytes().any(|b| b.is_ascii_lowercase()))
}

/// `JUJU_RELATION_ID` is `endpoint:N`; older Juju gave a bare number, so fall back to `JUJU_RELATION`.
fn relation_id(text: &str, endpoint: Option<String>) -> Option<crate::backend::RelationId> {
    crate::backend::RelationId::parse(text)
        .or_else(|| Some(crate::backend::RelationId::new(endpoint?, text.parse().ok()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_event_and_its_relation() {
        let ctx = JujuEnv::from_vars([
            ("JUJU_DISPATCH_PATH", "hooks/db-relation-changed"),
            ("JUJU_UNIT_NAME", "hello/0"),
            ("JUJU_RELATION_ID", "db:3"),
        ])
        .unwrap();
        assert_eq!(ctx.event_kind(), "db_relation_changed");
        assert_eq!(ctx.app_name(), "hello");
        assert_eq!(ctx.relation_id.as_ref().map(|r| r.id()), Some(3));
    }

    fn kind(path: &str) -> String {
        JujuEnv::from_vars([("JUJU_DISPATCH_PATH", path)]).unwrap().event_kind()
    }

    #[test]
    fn event_names_as_ops_derives_them() {
        assert_eq!(kind("hooks/install"), "install");
        assert_eq!(kind("hooks/db-relation-changed"), "db_relation_changed");
        assert_eq!(kind("hooks/my-app-pebble-ready"), "my_app_pebble_ready");
        assert_eq!(kind("actions/do-backup"), "do_backup_action");
        assert_eq!(kind(""), "");
    }

    #[test]
    fn event_names_split_the_path_as_path_does() {
        // The names are read by splitting on `/`, as `Path::file_name` and `parent` would.
        use std::path::Path;
        let by_path = |dispatch: &str| {
            let path = Path::new(dispatch);
            let name = path.file_name().map(|n| n.to_string_lossy().replace('-', "_")).unwrap_or_default();
            let under_actions = path.parent().and_then(Path::file_name).is_some_and(|p| p == "actions");
            if under_actions { format!("{name}_action") } else { name }
        };
        for dispatch in [
            "hooks/install",
            "actions/backup",
            "/var/lib/juju/charm/actions/backup",
            "hooks/install/",
            "hooks//install",
            "hooks/./install",
            "actions/./backup",
            "actions/backup/.",
            "install",
            "hooks/..",
            "/",
            "a/actions/b-c",
        ] {
            assert_eq!(kind(dispatch), by_path(dispatch), "{dispatch}");
        }
        let action = |dispatch: &str| JujuEnv::from_vars([("JUJU_DISPATCH_PATH", dispatch)]).unwrap().is_action();
        assert!(action("actions/backup"));
        assert!(action("hooks/odd-action"));
        assert!(!action("hooks/install"));
    }

    #[test]
    fn empty_values_are_unset() {
        let ctx = JujuEnv::from_vars([("JUJU_REMOTE_APP", ""), ("JUJU_VERSION", "")]).unwrap();
        assert_eq!(ctx.remote_app, None);
        assert_eq!(ctx.version, JujuVersion::new(0, 0, 0));
    }

    #[test]
    fn remote_app_from_unit() {
        let ctx = JujuEnv::from_vars([("JUJU_REMOTE_UNIT", "pg/1")]).unwrap();
        assert_eq!(ctx.remote_app_name().as_deref(), Some("pg"));
    }

    #[test]
    fn event_vars_round_trip() {
        let ctx = JujuEnv::from_vars([
            ("JUJU_DISPATCH_PATH", "hooks/db-relation-changed"),
            ("JUJU_RELATION", "db"),
            ("JUJU_RELATION_ID", "db:3"),
            ("JUJU_REMOTE_UNIT", "pg/0"),
        ])
        .unwrap();
        let json = serde_json::to_value(ctx.event_vars()).unwrap();
        assert_eq!(json, serde_json::json!({"relation_name": "db", "relation_id": "db:3", "remote_unit": "pg/0"}));
        let other = JujuEnv::from_vars([("JUJU_DISPATCH_PATH", "hooks/update-status")]).unwrap();
        let restored = other.with_event_vars(serde_json::from_value(json).unwrap());
        assert_eq!(restored.relation_id, ctx.relation_id);
        assert_eq!(restored.dispatch_path, "hooks/update-status");
    }

    #[test]
    fn bare_relation_id_uses_endpoint() {
        let ctx = JujuEnv::from_vars([("JUJU_RELATION", "db"), ("JUJU_RELATION_ID", "4")]).unwrap();
        assert_eq!(ctx.relation_id.unwrap().to_string(), "db:4");
    }

    #[test]
    fn malformed_values_are_named() {
        let relation = |id: &str| JujuEnv::from_vars([("JUJU_RELATION", "db"), ("JUJU_RELATION_ID", id)]);
        for bad in ["db:x", "db:-1", "db:99999999999999999999999", ":3", "x"] {
            let err = relation(bad).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("environment variable JUJU_RELATION_ID={bad:?} is malformed: expected <endpoint>:<number>")
            );
        }
        assert_eq!(relation("3").unwrap().relation_id.map(|r| r.to_string()).as_deref(), Some("db:3"));
        let err = JujuEnv::from_vars([("JUJU_UNIT_NAME", "hello")]).unwrap_err();
        assert!(err.to_string().contains("JUJU_UNIT_NAME=\"hello\" is malformed"), "{err}");
        for (name, bad) in [
            ("JUJU_REMOTE_UNIT", "--help"),
            ("JUJU_REMOTE_UNIT", "pg/01"),
            ("JUJU_DEPARTING_UNIT", "pg"),
            ("JUJU_REMOTE_APP", "-x"),
            ("JUJU_REMOTE_APP", "pg-1"),
        ] {
            let err = JujuEnv::from_vars([(name, bad)]).unwrap_err();
            assert!(err.to_string().contains(&format!("{name}={bad:?} is malformed")), "{err}");
        }
        for (name, good) in
            [("JUJU_REMOTE_UNIT", "pg-k8s/10"), ("JUJU_REMOTE_APP", "remote-0abc9"), ("JUJU_REMOTE_UNIT", "a/0")]
        {
            assert!(JujuEnv::from_vars([(name, good)]).is_ok(), "{good}");
        }
        let err = JujuEnv::from_vars([("JUJU_SECRET_REVISION", "two")]).unwrap_err();
        assert!(err.to_string().contains("JUJU_SECRET_REVISION"), "{err}");
    }

    #[test]
    fn each_listed_variable_has_its_own_slot() {
        for (at, name) in JujuEnv::VARIABLES.iter().enumerate() {
            assert_eq!(variable_slot(name.as_bytes()), Some(at), "{name}");
            assert_eq!(variable_index(name), at, "{name}");
        }
        assert_eq!(variable_slot(b"JUJU_CONTEXT_ID"), None);
        assert_eq!(variable_slot(b"JUJU_UNIT_NAMES"), None);
        assert_eq!(variable_slot(b"PATH"), None);
    }

    #[test]
    fn an_environment_block_reads_as_getenv_would() {
        let block = b"PATH=/bin\0JUJU_UNIT_NAME=a/0\0JUJU_UNIT_NAME=b/1\0JUJU_CONTEXT_ID=x\0JUJU_DEBUG\0\
            OPERATOR_DISPATCH=1\0JUJU_RELATION_ID=\0JUJU_VERSION=3.6.14";
        let env = JujuEnv::read(Found::from_block(block)).unwrap();
        assert_eq!(env.unit_name, "a/0", "the first of a repeated name counts");
        assert!(env.operator_dispatch);
        assert!(!env.debug, "an entry without `=` is not a variable");
        assert_eq!(env.relation_id, None, "empty is unset");
        assert_eq!(env.version, JujuVersion::new(3, 6, 14), "the last entry needs no NUL");
        // The block the process started with and std's view of it agree.
        if let Ok(block) = std::fs::read("/proc/self/environ") {
            assert_eq!(JujuEnv::read(Found::from_block(&block)), JujuEnv::read(Found::from_pairs(std::env::vars_os())));
        }
    }

    #[test]
    fn the_process_environment_reads_as_juju_gives_it() {
        // This test process has no JUJU_UNIT_NAME: reading it is not an error, only the
        // dispatch check is.
        assert_eq!(JujuEnv::from_env().unwrap_err(), EnvError::Missing { name: "JUJU_DISPATCH_PATH" });
        assert!(JujuEnv::read(Found::from_process()).is_ok());
    }

    #[test]
    fn non_utf8_is_an_error_for_juju_variables_only() {
        use std::os::unix::ffi::OsStringExt;
        let bad = || OsString::from_vec(vec![b'a', 0xff, b'b']);
        let base = || {
            vec![
                (OsString::from("JUJU_DISPATCH_PATH"), OsString::from("hooks/install")),
                (OsString::from("JUJU_UNIT_NAME"), OsString::from("hello/0")),
            ]
        };
        let mut vars = base();
        vars.push((OsString::from("LANG_SOMETHING"), bad()));
        vars.push((bad(), OsString::from("x")));
        assert!(JujuEnv::from_os_vars(vars).is_ok());
        let mut vars = base();
        vars.push((OsString::from("JUJU_REMOTE_UNIT"), bad()));
        assert_eq!(JujuEnv::from_os_vars(vars).unwrap_err(), EnvError::NotUtf8 { name: "JUJU_REMOTE_UNIT".into() });
    }

    #[test]
    fn a_real_dispatch_needs_a_unit_and_a_dispatch_path() {
        let vars = [(OsString::from("JUJU_DISPATCH_PATH"), OsString::from("hooks/install"))];
        assert_eq!(JujuEnv::from_os_vars(vars).unwrap_err(), EnvError::Missing { name: "JUJU_UNIT_NAME" });
        let vars = [(OsString::from("JUJU_UNIT_NAME"), OsString::from("hello/0"))];
        assert_eq!(JujuEnv::from_os_vars(vars).unwrap_err(), EnvError::Missing { name: "JUJU_DISPATCH_PATH" });
    }
}
