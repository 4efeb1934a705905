//! The Juju model as the charm sees it: its unit and application, config, leadership,
//! relations and storage (Python's `self.model`).
//!
//! Every question goes to the [`Backend`]; answers are cached for the dispatch exactly
//! where Python ops caches them, so a charm makes the same hook-tool calls in both.

mod core;
mod error;

pub(crate) use core::ModelCore;
pub use error::ModelError;
pub(crate) use error::missing;

use std::cell::OnceCell;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::rc::Rc;

use crate::backend::{BackendError, SecretArgs, SecretOwner, Target};
use crate::container::{AnyContainer, Container};
use crate::generated::{CharmConfig, CharmMeta, ContainerName, RelationEndpoint, StorageName};
use crate::generated::{ValueSource, Values};
use crate::meta::Metadata;
use crate::relation::Relation;
use crate::secret::{AppOwned, Observed, Secret, SecretContent, SecretId, SecretLookup, SecretMeta, UnitOwned};
use crate::status::{SettableStatus, StatusValue};
use crate::storage::Storage;

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
    /// ```
    /// # fn f(model: &ops::Model<ops::hello::Meta>) -> Result<(), ops::ModelError> {
    /// let thing: &String = &model.config()?.thing; // `thing: {type: string, default: world}`
    /// # let _ = thing; Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ModelError::Backend`] when `config-get` fails; [`ModelError::Config`] when Juju gives
    /// a value of another type than the option declares (a deploy with a stale charm).
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

    /// A secret this charm was given (or owns), to read: found by URI, label, or URI with a
    /// label to set, and the tracked revision's content read (as ops' `get_secret`).
    ///
    /// # Errors
    ///
    /// [`ModelError::SecretNotFound`] when Juju has no such secret for this charm.
    pub fn get_secret(&self, lookup: impl Into<SecretLookup>) -> Result<Secret<Observed>, ModelError> {
        Secret::fetch(self.core.clone(), lookup.into())
    }

    /// The Juju version running this dispatch (`JUJU_VERSION`).
    pub fn juju_version(&self) -> &crate::JujuVersion {
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
    ///
    /// ```
    /// # fn f(model: &ops::Model<ops::hello::Meta>) -> Result<(), ops::ModelError> {
    /// use ops::hello::relations::Db;
    /// for relation in model.relations::<Db>()? {
    ///     log::info!("related to {:?} over {}", relation.app()?, relation.relation_id());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ModelError::Backend`] when `relation-ids` fails.
    pub fn relations<R: RelationEndpoint<Charm = M>>(&self) -> Result<Vec<Relation<R>>, ModelError> {
        let ids = self.core.relation_ids(R::NAME)?;
        Ok(ids.iter().map(|id| Relation::new(self.core.clone(), id.clone())).collect())
    }

    /// The one relation on endpoint `R`, if any (Python's `model.get_relation(name)`).
    ///
    /// ```
    /// # fn f(model: &ops::Model<ops::hello::Meta>) -> Result<(), ops::ModelError> {
    /// if let Some(db) = model.relation::<ops::hello::relations::Db>()? {
    ///     let endpoints = db.remote_app_data()?.get("endpoints").cloned();
    /// #   let _ = endpoints;
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ModelError::Backend`] when `relation-ids` fails.
    pub fn relation<R: RelationEndpoint<Charm = M>>(&self) -> Result<Option<Relation<R>>, ModelError> {
        Ok(self.relations::<R>()?.into_iter().next())
    }

    /// The relation on endpoint `R` with integer id `id`.
    ///
    /// # Errors
    ///
    /// [`ModelError::RelationNotFound`] when the endpoint has no relation of that id;
    /// [`ModelError::Backend`] when `relation-ids` fails.
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
    /// ```
    /// # fn f(model: &ops::Model<ops::hello::Meta>) -> Result<(), ops::ModelError> {
    /// model.unit().set_status(ops::MaintenanceStatus::new("installing packages"))?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ModelError::Backend`] when `status-set` fails.
    ///
    /// Only [`SettableStatus`] types are accepted: Unknown and Error do not compile.
    pub fn set_status(&self, status: impl SettableStatus) -> Result<(), ModelError> {
        Ok(self.core.set_status(Target::Unit, status.into())?)
    }

    /// The unit's status: what this dispatch set, else `status-get` (cached).
    pub fn status(&self) -> Result<StatusValue, ModelError> {
        Ok(self.core.status(Target::Unit)?)
    }

    /// Creates a secret this unit owns (`secret-add --owner unit`); `content` is a flat
    /// struct or a [`SecretContent`](crate::SecretContent), checked by Juju's key rules
    /// before anything is sent. The content goes to Juju in private files, never on argv.
    ///
    /// # Errors
    ///
    /// [`ModelError::SecretContent`] naming a key Juju refuses.
    pub fn add_secret(
        &self,
        content: &impl serde::Serialize,
        meta: SecretMeta,
    ) -> Result<Secret<UnitOwned>, ModelError> {
        add_secret(&self.core, content, meta, SecretOwner::Unit)
    }

    /// A secret this unit owns, by URI or label (its tracked content read, then its
    /// metadata, which tells the owner).
    ///
    /// # Errors
    ///
    /// [`ModelError::SecretNotFound`]; [`ModelError::NotSecretOwner`] when the unit does not
    /// own it (the application does, or the charm only observes it).
    pub fn get_secret(&self, lookup: impl Into<SecretLookup>) -> Result<Secret<UnitOwned>, ModelError> {
        Secret::fetch_owned(self.core.clone(), lookup.into(), SecretOwner::Unit)
    }

    /// Sets the workload version shown by `juju status` (`application-version-set`).
    pub fn set_workload_version(&self, version: &str) -> Result<(), ModelError> {
        Ok(self.core.backend.application_version_set(version)?)
    }

    /// The workload container `C`: `unit.container::<containers::Pause>()` compiles only for declared containers.
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

    /// Creates a secret the application owns (`secret-add --owner application`): only the
    /// leader may, hence the token. See [`Unit::add_secret`] for `content`.
    ///
    /// # Errors
    ///
    /// [`ModelError::SecretContent`] naming a key Juju refuses.
    pub fn add_secret(
        &self,
        _leader: &Leader,
        content: &impl serde::Serialize,
        meta: SecretMeta,
    ) -> Result<Secret<AppOwned>, ModelError> {
        add_secret(&self.core, content, meta, SecretOwner::Application)
    }

    /// A secret the application owns, by URI or label (its tracked content read, then its
    /// metadata, which tells the owner).
    ///
    /// # Errors
    ///
    /// [`ModelError::SecretNotFound`]; [`ModelError::NotSecretOwner`] when the application
    /// does not own it (this unit does, or the charm only observes it).
    pub fn get_secret(
        &self,
        _leader: &Leader,
        lookup: impl Into<SecretLookup>,
    ) -> Result<Secret<AppOwned>, ModelError> {
        Secret::fetch_owned(self.core.clone(), lookup.into(), SecretOwner::Application)
    }

    /// Sets the application's status; only the leader may, so it takes the [`Leader`] token.
    pub fn set_status(&self, _leader: &Leader, status: impl SettableStatus) -> Result<(), ModelError> {
        Ok(self.core.set_status(Target::App, status.into())?)
    }

    /// The application's status; only the leader may read it.
    pub fn status(&self, _leader: &Leader) -> Result<StatusValue, ModelError> {
        Ok(self.core.status(Target::App)?)
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

/// `secret-add`, after Juju's content rules are checked.
fn add_secret<O: crate::secret::Ownership>(
    core: &Rc<ModelCore>,
    content: &impl serde::Serialize,
    meta: SecretMeta,
    owner: SecretOwner,
) -> Result<Secret<O>, ModelError> {
    let content = SecretContent::from_serialize(content).map_err(ModelError::SecretContent)?;
    let args = SecretArgs {
        label: meta.label.clone(),
        description: meta.description,
        expire: meta.expire.map(|e| e.to_rfc3339()),
        rotate: meta.rotate.map(crate::secret::SecretRotate::as_str),
    };
    let id = core.backend.secret_add(&content, &args, owner)?;
    let id = SecretId::parse(&id).map_err(|e| {
        ModelError::Backend(BackendError::BadOutput { call: "secret-add".to_owned(), reason: e.to_string() })
    })?;
    Ok(Secret::added(core.clone(), id, meta.label, content))
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
