//! Relations and their databags, typed by endpoint.
//!
//! A [`Relation<R>`] belongs to one declared endpoint `R`. Its databags come in two kinds:
//! remote ones are read as plain maps (there is no setter to call), and the local ones are
//! a [`LocalDatabag`] that writes through `relation-set`. The local application databag
//! needs a [`Leader`] token, so a follower cannot write it by mistake.

use std::marker::PhantomData;
use std::rc::Rc;

use super::databag::{gone_or, read_bag};
use super::{LocalDatabag, RemoteDatabag};
use crate::backend::{Databag, RelationId, Target};
use crate::generated::{PeerEndpoint, RelationEndpoint};
use crate::meta::RelationScope;
use crate::model::Binding;
use crate::model::{Leader, ModelCore, ModelError, RemoteApp, RemoteUnit};

/// One relation on endpoint `R` (Python's `ops.Relation`).
pub struct Relation<R> {
    core: Rc<ModelCore>,
    id: RelationId,
    _endpoint: PhantomData<R>,
}

impl<R: RelationEndpoint> Clone for Relation<R> {
    fn clone(&self) -> Self {
        Relation { core: self.core.clone(), id: self.id.clone(), _endpoint: PhantomData }
    }
}

impl<R: RelationEndpoint> std::fmt::Debug for Relation<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Relation").field(&self.id.to_string()).finish()
    }
}

impl<R: RelationEndpoint> Relation<R> {
    pub(crate) fn new(core: Rc<ModelCore>, id: RelationId) -> Self {
        Relation { core, id, _endpoint: PhantomData }
    }

    /// The relation's integer id.
    pub fn id(&self) -> u64 {
        self.id.id()
    }

    /// The relation id as the hook tools take it: `db:3`.
    pub fn relation_id(&self) -> &RelationId {
        &self.id
    }

    /// The endpoint's name.
    pub fn endpoint(&self) -> &'static str {
        R::NAME
    }

    /// Whether the relation is still there: `false` only for the relation being broken,
    /// in its relation-broken dispatch (Python's `relation.active`).
    pub fn active(&self) -> bool {
        self.core.broken_relation() != Some(&self.id)
    }

    /// `Global`, or `Container` for a subordinate's relation to its principal (the
    /// endpoint's `scope:`): in a container-scoped relation the one remote unit is on
    /// this unit's machine or pod.
    pub fn scope(&self) -> RelationScope {
        self.core.meta.relations.iter().find(|r| r.name == R::NAME).map_or(RelationScope::Global, |r| r.scope)
    }

    /// This relation's network binding (Python's `model.get_binding(relation)`).
    pub fn binding(&self) -> Binding {
        Binding::new(self.core.clone(), R::NAME, Some(self.id.id()))
    }

    /// The UUID of the model the remote application is in (`relation-model-get`, once per
    /// relation): another model's for a cross-model relation (Python's
    /// `relation.remote_model.uuid`).
    ///
    /// # Errors
    ///
    /// [`ModelError::Backend`] when `relation-model-get` fails.
    pub fn remote_model_uuid(&self) -> Result<String, ModelError> {
        if let Some(uuid) = self.core.remote_models.borrow().get(&self.id) {
            return Ok(uuid.clone());
        }
        let uuid = self.core.backend.relation_model_get(&self.id)?;
        self.core.remote_models.borrow_mut().insert(self.id.clone(), uuid.clone());
        Ok(uuid)
    }

    /// The remote units in the relation (`relation-list`, once per relation).
    pub fn units(&self) -> Result<Vec<RemoteUnit>, ModelError> {
        Ok(self.unit_names()?.iter().map(RemoteUnit::new).collect())
    }

    fn unit_names(&self) -> Result<Rc<[String]>, ModelError> {
        if let Some(units) = self.core.relation_units.borrow().get(&self.id) {
            return Ok(units.clone());
        }
        let units: Rc<[String]> = self.core.backend.relation_list(&self.id).map_err(|e| gone_or(e, &self.id))?.into();
        self.core.relation_units.borrow_mut().insert(self.id.clone(), units.clone());
        Ok(units)
    }

    /// The remote application: from the hook's environment when this is the event's
    /// relation, else from a remote unit's name, else `relation-list --app`.
    pub fn app(&self) -> Result<Option<RemoteApp>, ModelError> {
        let context = &self.core.context;
        if context.relation_id.as_ref() == Some(&self.id)
            && let Some(app) = context.remote_app_name()
        {
            return Ok(Some(RemoteApp::new(app)));
        }
        if let Some(unit) = self.unit_names()?.first() {
            return Ok(Some(RemoteUnit::new(unit.as_str()).app()));
        }
        if let Some(app) = self.core.relation_apps.borrow().get(&self.id) {
            return Ok(app.as_deref().map(RemoteApp::new));
        }
        let app = self.core.backend.relation_remote_app(&self.id).map_err(|e| gone_or(e, &self.id))?;
        self.core.relation_apps.borrow_mut().insert(self.id.clone(), app.clone());
        Ok(app.map(RemoteApp::new))
    }

    /// This unit's databag, readable and writable.
    pub fn local_unit_data(&self) -> LocalDatabag {
        LocalDatabag::new(self.core.clone(), self.id.clone(), self.core.unit_name().to_owned(), Target::Unit)
    }

    /// This application's databag; only the leader may write it, so it takes the [`Leader`] token.
    pub fn local_app_data(&self, _leader: &Leader) -> LocalDatabag {
        LocalDatabag::new(self.core.clone(), self.id.clone(), self.core.app_name().to_owned(), Target::App)
    }

    /// This application's databag in a peer relation, which every unit may read (only the
    /// leader writes it, through [`local_app_data`](Self::local_app_data)). Only peer
    /// endpoints have it: in other relations a follower cannot read its own app's bag.
    ///
    /// # Errors
    ///
    /// [`ModelError::Backend`] when `relation-get` fails.
    pub fn peer_app_data(&self) -> Result<RemoteDatabag, ModelError>
    where
        R: PeerEndpoint,
    {
        read_bag(&self.core, &self.id, self.core.app_name(), Target::App).map(RemoteDatabag)
    }

    /// A remote unit's databag, read-only.
    pub fn remote_unit_data(&self, unit: &RemoteUnit) -> Result<RemoteDatabag, ModelError> {
        read_bag(&self.core, &self.id, unit.name(), Target::Unit).map(RemoteDatabag)
    }

    /// The remote application's databag, read-only. Empty when the remote app is not known yet.
    pub fn remote_app_data(&self) -> Result<RemoteDatabag, ModelError> {
        match self.app()? {
            Some(app) => read_bag(&self.core, &self.id, app.name(), Target::App).map(RemoteDatabag),
            None => Ok(RemoteDatabag(Databag::new())),
        }
    }
}
