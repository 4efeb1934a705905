//! [`ModelCore`]: what one dispatch shares between the model, the charm and its events, and
//! the per-dispatch caches of Juju's answers.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::backend::{Backend, BackendError, Databag, RelationId, Target};
use crate::context::JujuEnv;
use crate::meta::Metadata;
use crate::model::status::StatusValue;

/// How long a successful `is-leader` answer is trusted: Juju's leadership lease renewal period.
const LEADERSHIP_CACHE: Duration = Duration::from_secs(30);

/// The state one dispatch shares between the model, the charm and the events.
pub(crate) struct ModelCore {
    pub(crate) backend: Rc<dyn Backend>,
    pub(crate) context: JujuEnv,
    pub(crate) meta: &'static Metadata,
    leadership: Cell<Option<(bool, Instant)>>,
    unit_status: RefCell<Option<StatusValue>>,
    app_status: RefCell<Option<StatusValue>>,
    relation_ids: RefCell<HashMap<String, Rc<[RelationId]>>>,
    pub(crate) relation_units: RefCell<HashMap<RelationId, Rc<[String]>>>,
    pub(crate) relation_apps: RefCell<HashMap<RelationId, Option<String>>>,
    pub(crate) databags: RefCell<HashMap<(RelationId, String), Databag>>,
    pub(crate) storage_locations: RefCell<HashMap<String, PathBuf>>,
    pub(crate) networks: RefCell<HashMap<(String, Option<u64>), crate::model::Network>>,
    pub(crate) remote_models: RefCell<HashMap<RelationId, String>>,
}

impl ModelCore {
    pub(crate) fn new(backend: Rc<dyn Backend>, context: JujuEnv, meta: &'static Metadata) -> Self {
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
            networks: RefCell::default(),
            remote_models: RefCell::default(),
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

    /// The relation being broken in this dispatch, if it is a relation-broken hook
    /// (ops' `broken_relation_id`): it is no longer among the endpoint's relations.
    pub(crate) fn broken_relation(&self) -> Option<&RelationId> {
        let hook = self.context.dispatch_path.rsplit('/').next().unwrap_or_default();
        self.context.relation_id.as_ref().filter(|_| hook.ends_with("-relation-broken"))
    }

    pub(crate) fn relation_ids(&self, endpoint: &str) -> Result<Rc<[RelationId]>, BackendError> {
        if let Some(ids) = self.relation_ids.borrow().get(endpoint) {
            return Ok(ids.clone());
        }
        let ids: Rc<[RelationId]> = self.backend.relation_ids(endpoint)?.into();
        self.relation_ids.borrow_mut().insert(endpoint.to_owned(), ids.clone());
        Ok(ids)
    }

    pub(crate) fn set_status(&self, target: Target, status: StatusValue) -> Result<(), BackendError> {
        self.backend.status_set(target, status.status_name(), status.message())?;
        let cache = if target.is_app() { &self.app_status } else { &self.unit_status };
        *cache.borrow_mut() = Some(status);
        Ok(())
    }

    pub(crate) fn status(&self, target: Target) -> Result<StatusValue, BackendError> {
        let cache = if target.is_app() { &self.app_status } else { &self.unit_status };
        if let Some(status) = cache.borrow().clone() {
            return Ok(status);
        }
        let info = self.backend.status_get(target)?;
        let status = StatusValue::from_name(info.name, info.message);
        *cache.borrow_mut() = Some(status.clone());
        Ok(status)
    }
}
