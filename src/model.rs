//! The Juju model as the charm sees it: its unit and application, config, leadership,
//! relations and storage (Python's `self.model`).
//!
//! Every question goes to the [`Backend`]; answers are cached for the dispatch exactly
//! where Python ops caches them (python-ops-facts.md §2.2), so a charm makes the same
//! hook-tool calls in both.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::backend::{Backend, BackendError, Databag, RelationId};
use crate::charm::{CharmConfig, CharmMeta, ContainerName, RelationEndpoint, StorageName};
use crate::container::{AnyContainer, Container};
use crate::context::JujuContext;
use crate::meta::Metadata;
use crate::relation::Relation;
use crate::status::{SettableStatus, StatusValue};
use crate::storage::Storage;
use crate::values::{ValueError, ValueSource, Values};

/// How long a successful `is-leader` answer is trusted: Juju's leadership lease renewal period.
const LEADERSHIP_CACHE: Duration = Duration::from_secs(30);

/// An error from the model: a hook tool failed, or Juju said something the charm's
/// metadata does not allow.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A hook tool failed or printed something unexpected.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// `config-get` gave a value that does not match the option's declared type.
    #[error("invalid config: {0}")]
    Config(#[source] ValueError),
    /// `action-get` gave parameters that do not match the action's schema.
    #[error("invalid action parameters: {0}")]
    ActionParams(#[source] ValueError),
    /// The environment lacks what the event needs (`JUJU_RELATION_ID` for a relation event...).
    #[error("the {event} event needs {what}, which Juju did not set")]
    MissingContext {
        /// The event kind.
        event: String,
        /// The missing variable or value.
        what: &'static str,
    },
    /// A relation Juju named is not among the endpoint's relations (it may have gone away).
    #[error("relation {0} not found")]
    RelationNotFound(String),
    /// A custom event's data could not be written or read back.
    #[error("custom event {event}: {reason}")]
    CustomEvent {
        /// The event's name.
        event: String,
        /// What went wrong.
        reason: String,
    },
    /// A port given to `open_port`/`close_port` is not valid.
    #[error("invalid port: {0}")]
    InvalidPort(String),
}

/// The state one dispatch shares between the model, the charm and the events.
pub(crate) struct ModelCore {
    pub(crate) backend: Rc<dyn Backend>,
    pub(crate) context: JujuContext,
    pub(crate) meta: &'static Metadata,
    leadership: Cell<Option<(bool, Instant)>>,
    unit_status: RefCell<Option<StatusValue>>,
    app_status: RefCell<Option<StatusValue>>,
    relation_ids: RefCell<HashMap<String, Rc<[RelationId]>>>,
    pub(crate) relation_units: RefCell<HashMap<RelationId, Rc<[String]>>>,
    pub(crate) relation_apps: RefCell<HashMap<RelationId, Option<String>>>,
    pub(crate) databags: RefCell<HashMap<(RelationId, String), Databag>>,
    storage_locations: RefCell<HashMap<String, PathBuf>>,
}

impl ModelCore {
    pub(crate) fn new(backend: Rc<dyn Backend>, context: JujuContext, meta: &'static Metadata) -> Self {
        ModelCore {
            backend,
            context,
            meta,
            leadership: Cell::new(None),
            unit_status: RefCell::new(None),
            app_status: RefCell::new(None),
            relation_ids: RefCell::default(),
            relation_units: RefCell::default(),
            relation_apps: RefCell::default(),
            databags: RefCell::default(),
            storage_locations: RefCell::default(),
        }
    }

    pub(crate) fn is_leader(&self) -> Result<bool, BackendError> {
        if let Some((leader, at)) = self.leadership.get()
            && at.elapsed() < LEADERSHIP_CACHE
        {
            return Ok(leader);
        }
        let leader = self.backend.is_leader()?;
        self.leadership.set(Some((leader, Instant::now())));
        Ok(leader)
    }

    pub(crate) fn unit_name(&self) -> &str {
        &self.context.unit_name
    }

    pub(crate) fn app_name(&self) -> &str {
        self.context.app_name()
    }

    pub(crate) fn relation_ids(&self, endpoint: &str) -> Result<Rc<[RelationId]>, BackendError> {
        if let Some(ids) = self.relation_ids.borrow().get(endpoint) {
            return Ok(ids.clone());
        }
        let ids: Rc<[RelationId]> = self.backend.relation_ids(endpoint)?.into();
        self.relation_ids.borrow_mut().insert(endpoint.to_owned(), ids.clone());
        Ok(ids)
    }

    fn set_status(&self, app: bool, status: StatusValue) -> Result<(), BackendError> {
        self.backend.status_set(app, status.status_name(), status.message())?;
        let cache = if app { &self.app_status } else { &self.unit_status };
        *cache.borrow_mut() = Some(status);
        Ok(())
    }

    fn status(&self, app: bool) -> Result<StatusValue, BackendError> {
        let cache = if app { &self.app_status } else { &self.unit_status };
        if let Some(status) = cache.borrow().clone() {
            return Ok(status);
        }
        let info = self.backend.status_get(app)?;
        let status = StatusValue::from_name(info.name, info.message);
        *cache.borrow_mut() = Some(status.clone());
        Ok(status)
    }
}

/// The model of one dispatch, typed by the charm's generated metadata `M`.
///
/// Cheap to clone: clones share one cache.
pub struct Model<M: CharmMeta> {
    core: Rc<ModelCore>,
    config: Rc<OnceCell<M::Config>>,
    _meta: PhantomData<M>,
}

impl<M: CharmMeta> Clone for Model<M> {
    fn clone(&self) -> Self {
        Model { core: self.core.clone(), config: self.config.clone(), _meta: PhantomData }
    }
}

impl<M: CharmMeta> std::fmt::Debug for Model<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("unit", &self.core.unit_name()).finish_non_exhaustive()
    }
}

impl<M: CharmMeta> Model<M> {
    pub(crate) fn new(core: Rc<ModelCore>) -> Self {
        Model { core, config: Rc::new(OnceCell::new()), _meta: PhantomData }
    }

    /// The charm's config, typed: `self.model.config()?.thing`.
    ///
    /// Loaded on first use with one `config-get` per dispatch. A value of the wrong type
    /// is an error naming the option, never a panic.
    pub fn config(&self) -> Result<&M::Config, ModelError> {
        if let Some(config) = self.config.get() {
            return Ok(config);
        }
        let values = Values::new(ValueSource::Config, self.core.backend.config_get()?);
        let config = M::Config::from_values(&values).map_err(ModelError::Config)?;
        Ok(self.config.get_or_init(|| config))
    }

    /// This unit (Python's `self.unit`).
    pub fn unit(&self) -> Unit<M> {
        Unit { core: self.core.clone(), _meta: PhantomData }
    }

    /// This application (Python's `self.app`).
    pub fn app(&self) -> App<M> {
        App { core: self.core.clone(), _meta: PhantomData }
    }

    /// The model's name (`JUJU_MODEL_NAME`).
    pub fn name(&self) -> Option<&str> {
        self.core.context.model_name.as_deref()
    }

    /// The model's UUID (`JUJU_MODEL_UUID`).
    pub fn uuid(&self) -> Option<&str> {
        self.core.context.model_uuid.as_deref()
    }

    /// The Juju version running this dispatch (`JUJU_VERSION`).
    pub fn juju_version(&self) -> &str {
        &self.core.context.version
    }

    /// The charm's metadata, from the generated static data.
    pub fn meta(&self) -> &'static Metadata {
        self.core.meta
    }

    /// Another unit, by name (Python's `model.get_unit`).
    pub fn get_unit(&self, name: &str) -> RemoteUnit {
        RemoteUnit::new(name)
    }

    /// Another application, by name (Python's `model.get_app`).
    pub fn get_app(&self, name: &str) -> RemoteApp {
        RemoteApp::new(name)
    }

    /// The relations on endpoint `R` (Python's `model.relations[name]`). One `relation-ids` per endpoint.
    pub fn relations<R: RelationEndpoint<Charm = M>>(&self) -> Result<Vec<Relation<R>>, ModelError> {
        let ids = self.core.relation_ids(R::NAME)?;
        Ok(ids.iter().map(|id| Relation::new(self.core.clone(), id.clone())).collect())
    }

    /// The one relation on endpoint `R`, if any (Python's `model.get_relation(name)`).
    pub fn relation<R: RelationEndpoint<Charm = M>>(&self) -> Result<Option<Relation<R>>, ModelError> {
        Ok(self.relations::<R>()?.into_iter().next())
    }

    /// The relation on endpoint `R` with integer id `id`.
    pub fn relation_by_id<R: RelationEndpoint<Charm = M>>(&self, id: u64) -> Result<Relation<R>, ModelError> {
        let ids = self.core.relation_ids(R::NAME)?;
        ids.iter()
            .find(|rel| rel.id() == id)
            .map(|rel| Relation::new(self.core.clone(), rel.clone()))
            .ok_or_else(|| ModelError::RelationNotFound(format!("{}:{id}", R::NAME)))
    }

    /// The instances of storage `S` attached to this unit (Python's `model.storages[name]`).
    pub fn storages<S: StorageName<Charm = M>>(&self) -> Result<Vec<Storage<S>>, ModelError> {
        let ids = self.core.backend.storage_list(S::NAME)?;
        ids.iter().filter_map(|id| id.rsplit_once('/')?.1.parse().ok()).map(|index| self.storage::<S>(index)).collect()
    }

    /// Instance `index` of storage `S`, with its location (`storage-get`, cached).
    pub fn storage<S: StorageName<Charm = M>>(&self, index: u32) -> Result<Storage<S>, ModelError> {
        let id = format!("{}/{index}", S::NAME);
        let cached = self.core.storage_locations.borrow().get(&id).cloned();
        let location = match cached {
            Some(location) => location,
            None => {
                let location = self.core.backend.storage_location(&id)?;
                self.core.storage_locations.borrow_mut().insert(id, location.clone());
                location
            }
        };
        Ok(Storage::new(index, location))
    }

    /// The local path of resource `name`, fetched by `resource-get` (Python's `model.resources.fetch`).
    pub fn resource(&self, name: &str) -> Result<PathBuf, ModelError> {
        Ok(self.core.backend.resource_get(name)?)
    }
}

/// Proof that this unit was the leader when asked.
///
/// Only [`Unit::is_leader`] makes one. Setting the application's status, and writing the
/// application's relation databag, take a `&Leader`, so a charm cannot forget the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leader {
    _private: (),
}

/// This unit (Python's `self.unit`).
pub struct Unit<M: CharmMeta> {
    core: Rc<ModelCore>,
    _meta: PhantomData<M>,
}

impl<M: CharmMeta> Clone for Unit<M> {
    fn clone(&self) -> Self {
        Unit { core: self.core.clone(), _meta: PhantomData }
    }
}

impl<M: CharmMeta> std::fmt::Debug for Unit<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Unit").field(&self.core.unit_name()).finish()
    }
}

impl<M: CharmMeta> Unit<M> {
    /// The unit's name: `hello/0`.
    pub fn name(&self) -> &str {
        self.core.unit_name()
    }

    /// The unit's application.
    pub fn app(&self) -> App<M> {
        App { core: self.core.clone(), _meta: PhantomData }
    }

    /// Whether this unit is the leader: `Some(Leader)` if so.
    ///
    /// `is-leader` is asked at most once every 30 seconds, as in ops.
    ///
    /// ```no_run
    /// # fn f(model: &ops::Model<ops::hello::Meta>) -> ops::HandlerResult {
    /// if let Some(leader) = model.unit().is_leader()? {
    ///     model.app().set_status(&leader, ops::ActiveStatus::default())?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn is_leader(&self) -> Result<Option<Leader>, ModelError> {
        Ok(self.core.is_leader()?.then_some(Leader { _private: () }))
    }

    /// Sets the unit's status (Python's `self.unit.status = ...`).
    ///
    /// Only [`SettableStatus`] types are accepted: Unknown and Error do not compile.
    pub fn set_status(&self, status: impl SettableStatus) -> Result<(), ModelError> {
        Ok(self.core.set_status(false, status.into())?)
    }

    /// The unit's status: what this dispatch set, else `status-get` (cached).
    pub fn status(&self) -> Result<StatusValue, ModelError> {
        Ok(self.core.status(false)?)
    }

    /// Sets the workload version shown by `juju status` (`application-version-set`).
    pub fn set_workload_version(&self, version: &str) -> Result<(), ModelError> {
        Ok(self.core.backend.application_version_set(version)?)
    }

    /// The workload container `C`: `unit.container::<Pause>()` compiles only for declared containers.
    pub fn container<C: ContainerName<Charm = M>>(&self) -> Container<C> {
        Container::new(self.core.backend.pebble(C::NAME))
    }

    /// Every declared container, by name (Python's `unit.containers`).
    pub fn containers(&self) -> Vec<AnyContainer> {
        let mut names: Vec<&'static str> = self.core.meta.containers.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.into_iter().map(|name| AnyContainer::new(name, self.core.backend.pebble(name))).collect()
    }

    /// Opens a port (`open-port`).
    pub fn open_port(&self, port: Port) -> Result<(), ModelError> {
        Ok(self.core.backend.open_port(&port.to_string())?)
    }

    /// Closes a port (`close-port`).
    pub fn close_port(&self, port: Port) -> Result<(), ModelError> {
        Ok(self.core.backend.close_port(&port.to_string())?)
    }

    /// The ports opened for this unit (`opened-ports`). Port ranges are skipped with a
    /// warning, as ops does.
    pub fn opened_ports(&self) -> Result<Vec<Port>, ModelError> {
        let mut ports = Vec::new();
        for text in self.core.backend.opened_ports()? {
            match text.parse::<Port>() {
                Ok(port) => ports.push(port),
                Err(_) => log::warn!("ignoring opened port {text:?}: port ranges are not supported"),
            }
        }
        Ok(ports)
    }

    /// Makes the opened ports exactly `ports`: closes the others, opens the missing ones.
    pub fn set_ports(&self, ports: &[Port]) -> Result<(), ModelError> {
        let current = self.opened_ports()?;
        for port in current.iter().filter(|p| !ports.contains(p)) {
            self.close_port(*port)?;
        }
        for port in ports.iter().filter(|p| !current.contains(p)) {
            self.open_port(*port)?;
        }
        Ok(())
    }
}

/// This application (Python's `self.app`).
pub struct App<M: CharmMeta> {
    core: Rc<ModelCore>,
    _meta: PhantomData<M>,
}

impl<M: CharmMeta> Clone for App<M> {
    fn clone(&self) -> Self {
        App { core: self.core.clone(), _meta: PhantomData }
    }
}

impl<M: CharmMeta> std::fmt::Debug for App<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("App").field(&self.core.app_name()).finish()
    }
}

impl<M: CharmMeta> App<M> {
    /// The application's name.
    pub fn name(&self) -> &str {
        self.core.app_name()
    }

    /// Sets the application's status; only the leader may, so it takes the [`Leader`] token.
    pub fn set_status(&self, _leader: &Leader, status: impl SettableStatus) -> Result<(), ModelError> {
        Ok(self.core.set_status(true, status.into())?)
    }

    /// The application's status; only the leader may read it.
    pub fn status(&self, _leader: &Leader) -> Result<StatusValue, ModelError> {
        Ok(self.core.status(true)?)
    }

    /// How many units are planned for this application, counting this one
    /// (`goal-state`: units not `dying`). Not cached, as in ops.
    pub fn planned_units(&self) -> Result<usize, ModelError> {
        let goal = self.core.backend.goal_state()?;
        Ok(goal.units.values().filter(|u| u.status != "dying").count())
    }
}

/// A unit of another application, or a peer: known by name only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RemoteUnit {
    name: String,
}

impl RemoteUnit {
    pub(crate) fn new(name: impl Into<String>) -> Self {
        RemoteUnit { name: name.into() }
    }

    /// The unit's name: `pg/1`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The unit's application.
    pub fn app(&self) -> RemoteApp {
        RemoteApp::new(self.name.split_once('/').map_or(self.name.as_str(), |(app, _)| app))
    }
}

/// Another application, known by name only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RemoteApp {
    name: String,
}

impl RemoteApp {
    pub(crate) fn new(name: impl Into<String>) -> Self {
        RemoteApp { name: name.into() }
    }

    /// The application's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A network protocol for [`Port`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP (no port number).
    Icmp,
}

/// A port to open: `Port::tcp(8080)`, `Port::icmp()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Port {
    protocol: Protocol,
    port: Option<u16>,
}

impl Port {
    /// A TCP port.
    pub fn tcp(port: u16) -> Self {
        Port { protocol: Protocol::Tcp, port: Some(port) }
    }

    /// A UDP port.
    pub fn udp(port: u16) -> Self {
        Port { protocol: Protocol::Udp, port: Some(port) }
    }

    /// ICMP.
    pub fn icmp() -> Self {
        Port { protocol: Protocol::Icmp, port: None }
    }

    /// The protocol.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The port number (`None` for ICMP).
    pub fn number(&self) -> Option<u16> {
        self.port
    }
}

/// As the port tools take it: `8080/tcp`, `icmp`.
impl std::fmt::Display for Port {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.protocol, self.port) {
            (Protocol::Tcp, Some(p)) => write!(f, "{p}/tcp"),
            (Protocol::Udp, Some(p)) => write!(f, "{p}/udp"),
            _ => f.write_str("icmp"),
        }
    }
}

/// Parses `opened-ports` output: `8080/tcp`, `53/udp`, `icmp`, or a bare `80` (TCP).
impl std::str::FromStr for Port {
    type Err = ModelError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || ModelError::InvalidPort(text.to_owned());
        if text == "icmp" {
            return Ok(Port::icmp());
        }
        let (number, protocol) = text.split_once('/').unwrap_or((text, "tcp"));
        let number: u16 = number.parse().map_err(|_| invalid())?;
        match protocol {
            "tcp" => Ok(Port::tcp(number)),
            "udp" => Ok(Port::udp(number)),
            _ => Err(invalid()),
        }
    }
}

pub(crate) fn missing(event: &str, what: &'static str) -> ModelError {
    ModelError::MissingContext { event: event.to_owned(), what }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_and_print() {
        for text in ["8080/tcp", "53/udp", "icmp"] {
            assert_eq!(text.parse::<Port>().unwrap().to_string(), text);
        }
        assert_eq!("80".parse::<Port>().unwrap(), Port::tcp(80));
        assert!("1000-2000/udp".parse::<Port>().is_err());
        assert!("80/sctp".parse::<Port>().is_err());
    }

    #[test]
    fn remote_unit_app() {
        assert_eq!(RemoteUnit::new("pg/3").app().name(), "pg");
    }
}
