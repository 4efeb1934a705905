//! This unit (Python's `self.unit`) and the leadership token.

use std::marker::PhantomData;
use std::rc::Rc;

use super::{ModelCore, ModelError, add_secret};
use crate::backend::{SecretOwner, Target};
use crate::container::{AnyContainer, Container};
use crate::generated::{CharmMeta, ContainerName};
use crate::model::ports::Port;
use crate::model::secret::{Secret, SecretLookup, UnitOwned};
use crate::model::status::{SettableStatus, StatusValue};
use crate::secret::SecretMeta;

use super::app::App;
use super::leader::Leader;

/// When [`Unit::reboot`] reboots the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reboot {
    /// When this hook has finished (`juju-reboot`).
    AfterHook,
    /// At once (`juju-reboot --now`): Juju kills the dispatch and runs the hook again after
    /// the reboot, so `reboot` returns [`ModelError::Rebooting`] and the dispatch ends there
    /// with nothing saved, as ops exits at once.
    Now,
}

/// This unit (Python's `self.unit`).
pub struct Unit<M: CharmMeta> {
    core: Rc<ModelCore>,
    _meta: PhantomData<M>,
}

impl<M: CharmMeta> Clone for Unit<M> {
    fn clone(&self) -> Self {
        Unit::new(self.core.clone())
    }
}

impl<M: CharmMeta> std::fmt::Debug for Unit<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Unit").field(&self.core.unit_name()).finish()
    }
}

impl<M: CharmMeta> Unit<M> {
    pub(crate) fn new(core: Rc<ModelCore>) -> Self {
        Unit { core, _meta: PhantomData }
    }

    /// The unit's name: `hello/0`.
    pub fn name(&self) -> &str {
        self.core.unit_name()
    }

    /// The machine this unit runs on (`JUJU_MACHINE_ID`; machine charms only).
    pub fn machine_id(&self) -> Option<&str> {
        self.core.context.machine_id.as_deref()
    }

    /// The availability zone of its machine (`JUJU_AVAILABILITY_ZONE`), when the cloud has zones.
    pub fn availability_zone(&self) -> Option<&str> {
        self.core.context.availability_zone.as_deref()
    }

    /// For a subordinate unit, the principal unit it is attached to (`JUJU_PRINCIPAL_UNIT`).
    pub fn principal_unit(&self) -> Option<crate::model::RemoteUnit> {
        self.core.context.principal_unit.as_deref().map(crate::model::RemoteUnit::new)
    }

    /// Reboots the unit's machine (`juju-reboot`; machine charms only).
    ///
    /// ```
    /// # fn f(model: &ops::Model<ops::hello::Meta>) -> ops::HandlerResult {
    /// model.unit().reboot(ops::Reboot::Now)?; // the handler ends here; the hook runs again after the reboot
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// With [`Reboot::Now`], always: [`ModelError::Rebooting`] once Juju has been told, so
    /// that `?` ends the handler; the framework then ends the dispatch with exit code 0 and
    /// saves nothing. [`ModelError::Backend`] when Juju refuses (in an action, or on
    /// Kubernetes).
    pub fn reboot(&self, when: Reboot) -> Result<(), ModelError> {
        self.core.backend.juju_reboot(when == Reboot::Now)?;
        match when {
            Reboot::AfterHook => Ok(()),
            Reboot::Now => Err(ModelError::Rebooting),
        }
    }

    /// The unit's application.
    pub fn app(&self) -> App<M> {
        App::new(self.core.clone())
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
        Ok(self.core.is_leader()?.then(Leader::proven))
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
