//! This application (Python's `self.app`).

use std::marker::PhantomData;
use std::rc::Rc;

use super::leader::Leader;
use super::{ModelCore, ModelError, add_secret};
use crate::backend::{SecretOwner, Target};
use crate::generated::CharmMeta;
use crate::model::secret::{AppOwned, Secret, SecretLookup};
use crate::model::status::{SettableStatus, StatusValue};
use crate::secret::SecretMeta;

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
    pub(crate) fn new(core: Rc<ModelCore>) -> Self {
        App { core, _meta: PhantomData }
    }

    /// The application's name.
    pub fn name(&self) -> &str {
        self.core.app_name()
    }

    /// Creates a secret the application owns (`secret-add --owner application`): only the
    /// leader may, hence the token. See [`Unit::add_secret`](crate::Unit::add_secret) for `content`.
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
