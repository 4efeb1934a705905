//! Relations and their databags, typed by endpoint.
//!
//! A [`Relation<R>`] belongs to one declared endpoint `R`. Its databags come in two kinds:
//! remote ones are read as plain maps (there is no setter to call), and the local ones are
//! a [`LocalDatabag`] that writes through `relation-set`. The local application databag
//! needs a [`Leader`] token, so a follower cannot write it by mistake.

use std::marker::PhantomData;
use std::rc::Rc;

use crate::backend::{Databag, RelationId, Target};
use crate::generated::RelationEndpoint;
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

    /// The remote units in the relation (`relation-list`, once per relation).
    pub fn units(&self) -> Result<Vec<RemoteUnit>, ModelError> {
        Ok(self.unit_names()?.iter().map(RemoteUnit::new).collect())
    }

    fn unit_names(&self) -> Result<Rc<[String]>, ModelError> {
        if let Some(units) = self.core.relation_units.borrow().get(&self.id) {
            return Ok(units.clone());
        }
        let units: Rc<[String]> = self.core.backend.relation_list(&self.id)?.into();
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
        let app = self.core.backend.relation_remote_app(&self.id)?;
        self.core.relation_apps.borrow_mut().insert(self.id.clone(), app.clone());
        Ok(app.map(RemoteApp::new))
    }

    /// This unit's databag, readable and writable.
    pub fn local_unit_data(&self) -> LocalDatabag {
        LocalDatabag {
            core: self.core.clone(),
            id: self.id.clone(),
            member: self.core.unit_name().to_owned(),
            target: Target::Unit,
        }
    }

    /// This application's databag; only the leader may write it, so it takes the [`Leader`] token.
    pub fn local_app_data(&self, _leader: &Leader) -> LocalDatabag {
        LocalDatabag {
            core: self.core.clone(),
            id: self.id.clone(),
            member: self.core.app_name().to_owned(),
            target: Target::App,
        }
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

fn read_bag(core: &ModelCore, id: &RelationId, member: &str, target: Target) -> Result<Databag, ModelError> {
    let key = (id.clone(), member.to_owned());
    if let Some(bag) = core.databags.borrow().get(&key) {
        return Ok(bag.clone());
    }
    let bag = core.backend.relation_get(id, member, target)?;
    core.databags.borrow_mut().insert(key, bag.clone());
    Ok(bag)
}

/// A remote unit's or application's databag: read-only, as Juju allows.
///
/// It dereferences to a map for reading; there is no way to change it, where Python ops
/// raises `RelationDataAccessError` at run time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RemoteDatabag(Databag);

impl std::ops::Deref for RemoteDatabag {
    type Target = Databag;

    fn deref(&self) -> &Databag {
        &self.0
    }
}

/// This unit's or this application's databag in one relation, writable.
///
/// Writes send only the keys that change, with `relation-set --file -`, as ops does;
/// setting a key to `""` deletes it.
#[derive(Clone)]
pub struct LocalDatabag {
    core: Rc<ModelCore>,
    id: RelationId,
    member: String,
    target: Target,
}

impl std::fmt::Debug for LocalDatabag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalDatabag").field("relation", &self.id.to_string()).field("member", &self.member).finish()
    }
}

impl LocalDatabag {
    /// The whole bag (`relation-get`, once per dispatch).
    pub fn read(&self) -> Result<Databag, ModelError> {
        read_bag(&self.core, &self.id, &self.member, self.target)
    }

    /// One key's value.
    pub fn get(&self, key: &str) -> Result<Option<String>, ModelError> {
        Ok(self.read()?.get(key).cloned())
    }

    /// Sets one key (`""` deletes it).
    ///
    /// ```
    /// # fn f(relation: &ops::Relation<ops::hello::relations::Db>) -> Result<(), ops::ModelError> {
    /// relation.local_unit_data().set("greeting", "hello")?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ModelError::Backend`] when `relation-get` (to see what changes) or `relation-set`
    /// fails, as when the relation is gone.
    pub fn set(&self, key: impl Into<String>, value: impl Into<String>) -> Result<(), ModelError> {
        self.update([(key.into(), value.into())])
    }

    /// Deletes one key.
    pub fn remove(&self, key: &str) -> Result<(), ModelError> {
        self.update([(key.to_owned(), String::new())])
    }

    /// Sets several keys at once, with a single `relation-set` of those that change.
    ///
    /// # Errors
    ///
    /// As [`set`](Self::set).
    pub fn update<K: Into<String>, V: Into<String>>(
        &self,
        changes: impl IntoIterator<Item = (K, V)>,
    ) -> Result<(), ModelError> {
        let mut bag = self.read()?;
        let mut changed = Databag::new();
        for (key, value) in changes {
            let (key, value) = (key.into(), value.into());
            let current = bag.get(&key).map_or("", String::as_str);
            if current != value {
                changed.insert(key.clone(), value.clone());
                if value.is_empty() {
                    bag.remove(&key);
                } else {
                    bag.insert(key, value);
                }
            }
        }
        if changed.is_empty() {
            return Ok(());
        }
        self.core.backend.relation_set(&self.id, self.target, &changed)?;
        self.core.databags.borrow_mut().insert((self.id.clone(), self.member.clone()), bag);
        Ok(())
    }
}
