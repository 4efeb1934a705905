//! The Juju model as the charm sees it (Python's `self.model`), one file per concept:
//! `unit` and `app`, `leader` (the leadership token), `remote` (other units and apps),
//! `relation` and `databag`, `secret` (handles; the content and metadata types are in
//! `crate::secret`), `network`, `storage`, `ports`, `status`, `cloud`; `core` holds the
//! per-dispatch caches and `error` the one error type.
//!
//! Every question goes to the [`Backend`](crate::backend::Backend); answers are cached for
//! the dispatch exactly where Python ops caches them, so a charm makes the same hook-tool
//! calls in both.

mod app;
mod cloud;
mod core;
mod databag;
mod error;
mod leader;
mod network;
mod ports;
mod relation;
mod remote;
pub(crate) mod secret;
pub(crate) mod status;
mod storage;
mod unit;

pub use app::App;
pub use cloud::{CloudCredential, CloudSpec};
pub(crate) use core::ModelCore;
pub use databag::{DatabagError, LocalDatabag, RawValue, RemoteDatabag, python_json_dumps};
pub use error::ModelError;
pub(crate) use error::missing;
pub use leader::Leader;
pub use network::{Address, Binding, Network, NetworkInterface};
pub use ports::{Port, Protocol};
pub use relation::Relation;
pub use remote::{DepartingUnit, RemoteApp, RemoteUnit};
pub use secret::{AppOwned, Observed, Ownership, Secret, SecretLookup, UnitOwned};
pub use status::{
    ActiveStatus, BlockedStatus, ErrorStatus, MaintenanceStatus, SettableStatus, Status, StatusValue, UnknownStatus,
    WaitingStatus,
};
pub use storage::Storage;
pub use unit::{Reboot, Unit};

use std::cell::OnceCell;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::rc::Rc;

use crate::backend::{BackendError, SecretArgs, SecretOwner};
use crate::generated::{BindingName, CharmConfig, CharmMeta, RelationEndpoint, ResourceName, StorageName};
use crate::generated::{ValueSource, Values};
use crate::meta::Metadata;
use crate::secret::{SecretContent, SecretId, SecretMeta};

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
        Unit::new(self.core.clone())
    }

    /// This application (Python's `self.app`).
    pub fn app(&self) -> App<M> {
        App::new(self.core.clone())
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

    /// The relations on endpoint `R` (Python's `model.relations[name]`). One `relation-ids`
    /// per endpoint. During relation-broken, the relation being broken is not among them
    /// (as in ops); the event still hands it out, inactive.
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
        let broken = self.core.broken_relation();
        Ok(ids.iter().filter(|id| Some(*id) != broken).map(|id| Relation::new(self.core.clone(), id.clone())).collect())
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
    /// [`ModelError::TooManyRelations`] when the endpoint has more than one (ops'
    /// `TooManyRelatedAppsError`): use [`relations`](Self::relations);
    /// [`ModelError::Backend`] when `relation-ids` fails.
    pub fn relation<R: RelationEndpoint<Charm = M>>(&self) -> Result<Option<Relation<R>>, ModelError> {
        let mut relations = self.relations::<R>()?;
        match relations.len() {
            0 | 1 => Ok(relations.pop()),
            count => Err(ModelError::TooManyRelations { endpoint: R::NAME, count }),
        }
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

    /// The local path of resource `R`, fetched by `resource-get` (Python's
    /// `model.resources.fetch`): `model.resource::<resources::PauseImage>()`.
    ///
    /// # Errors
    ///
    /// [`ModelError::Backend`] when Juju cannot fetch it (not uploaded, or the download failed).
    pub fn resource<R: ResourceName<Charm = M>>(&self) -> Result<PathBuf, ModelError> {
        Ok(self.core.backend.resource_get(R::NAME)?)
    }

    /// Asks Juju for `count` more instances of storage `S` (`storage-add`, Python's
    /// `model.storages.request`); they arrive with storage-attached events.
    ///
    /// # Errors
    ///
    /// [`ModelError::StorageCount`] for a count of 0 (nothing is sent); as Juju refuses.
    pub fn request_storage<S: StorageName<Charm = M>>(&self, count: u32) -> Result<(), ModelError> {
        if count == 0 {
            return Err(ModelError::StorageCount(S::NAME));
        }
        Ok(self.core.backend.storage_add(S::NAME, count)?)
    }

    /// The network binding `B`: a relation endpoint (`relations::Db`) or an extra binding
    /// (`bindings::Public`) (Python's `model.get_binding(name)`). For one relation's
    /// binding, use [`Relation::binding`].
    ///
    /// ```
    /// # fn f(model: &ops::Model<ops::hello::Meta>) -> Result<(), ops::ModelError> {
    /// let network = model.get_binding::<ops::hello::relations::Db>().network()?;
    /// let listen_on = network.bind_address().map(ToString::to_string);
    /// # let _ = listen_on; Ok(()) }
    /// ```
    pub fn get_binding<B: BindingName<Charm = M>>(&self) -> Binding {
        Binding::new(self.core.clone(), B::NAME, None)
    }

    /// The cloud the model runs on and its credential (`credential-get`; the application
    /// must be trusted with `juju trust`).
    ///
    /// # Errors
    ///
    /// [`ModelError::Backend`] when Juju refuses (not trusted) or answers what cannot be read.
    pub fn get_cloud_spec(&self) -> Result<CloudSpec, ModelError> {
        let json = self.core.backend.credential_get()?;
        serde_json::from_value(json).map_err(|error| {
            let reason = crate::redact::json_error(&error);
            ModelError::Backend(BackendError::BadOutput { call: "credential-get --format=json".to_owned(), reason })
        })
    }

    /// The charm's directory (`JUJU_CHARM_DIR`).
    pub fn charm_dir(&self) -> Option<&std::path::Path> {
        self.core.context.charm_dir.as_deref()
    }
}

/// `secret-add`, after Juju's content rules are checked.
fn add_secret<O: Ownership>(
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
