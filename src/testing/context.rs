//! [`Context`]: runs a charm against the in-memory Juju.

use std::cell::RefCell;
use std::rc::Rc;

use super::consistency::Inconsistency;
use super::event::Event;
use super::memory::{MemoryBackend, Record};
use super::output::{Output, RunError};
use super::state::State;
use crate::backend::Backend;
use crate::charm::CharmBase;
use crate::context::JujuEnv;
use crate::framework::{CharmHook, DispatchError, DispatchReport, Framework, Seam, dispatch_with};
use crate::generated::CharmMeta;
use crate::state_store::{Controller, StateStore, StoreError, UnitState};

/// How a context builds the charm.
type Factory<C> = Rc<dyn Fn(&mut Framework<C>) -> C>;

/// Runs charm `C` against the in-memory Juju (Scenario's `Context`).
///
/// Each run builds the charm afresh, as Juju runs a new process per event: with `C::new`,
/// or with the factory given to [`with_factory`](Self::with_factory), the seam through which a
/// test hands the charm its doubles.
pub struct Context<C: CharmBase> {
    factory: Option<Factory<C>>,
}

impl<C: CharmBase> Default for Context<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: CharmBase> Clone for Context<C> {
    fn clone(&self) -> Self {
        Context { factory: self.factory.clone() }
    }
}

impl<C: CharmBase> Context<C> {
    /// A context for charm `C`, built with `C::new`.
    pub fn new() -> Self {
        Context { factory: None }
    }

    /// A context that builds the charm with `build` instead of `C::new`: the place to give
    /// it test doubles of what it drives.
    ///
    /// ```ignore
    /// let fake = FakeWorkload::default();
    /// let ctx = Context::with_factory(move |framework| MyCharm::with_workload(framework, fake.clone()));
    /// ```
    pub fn with_factory(build: impl Fn(&mut Framework<C>) -> C + 'static) -> Self {
        Context { factory: Some(Rc::new(build)) }
    }

    /// The charm's event sources, for building events: `ctx.on().config_changed`.
    pub fn on(&self) -> &'static <C::Meta as CharmMeta>::Events {
        C::Meta::events()
    }

    /// A state filled in from the charm's metadata (Scenario's `State.from_context`): every
    /// config option at its default, every declared container (connected), and every peer
    /// relation (with no other units yet).
    pub fn state_from_meta(&self) -> State {
        State::from_meta(C::Meta::metadata())
    }

    /// Checks `state` and `event` against the charm's metadata: what the types do not
    /// already prevent (a relation on an endpoint the charm does not declare, a container or
    /// storage it does not have, an event naming a relation, storage or secret the state
    /// lacks).
    ///
    /// # Errors
    ///
    /// Every inconsistency found, each naming what is wrong.
    pub fn check(&self, event: &Event, state: &State) -> Result<(), Vec<Inconsistency>> {
        super::consistency::check(C::Meta::metadata(), event, state)
    }

    /// Dispatches `event` with the unit in `state`.
    ///
    /// On success the output state carries what the charm stored and deferred; on failure
    /// they are as they were in `state`, as Juju would leave them.
    ///
    /// # Panics
    ///
    /// When `state` and `event` do not fit the charm's metadata ([`check`](Self::check)):
    /// a test set up wrong, as Scenario's `InconsistentScenarioError`.
    #[track_caller]
    pub fn run(&self, event: impl Into<Event>, state: State) -> Result<Output, Box<RunError>> {
        self.run_seam(event.into(), state, None, None)
    }

    /// As [`run`](Self::run), then calls `inspect` with the charm after the event, its
    /// collect-status and commit, before the state is saved (Scenario's
    /// `with ctx(event, state) as manager: manager.run(); manager.charm...`), and gives
    /// back what it returns.
    ///
    /// # Panics
    ///
    /// As [`run`](Self::run); also when the charm reboots now, which ends the dispatch
    /// before there is anything to inspect.
    #[track_caller]
    pub fn run_inspect<T>(
        &self,
        event: impl Into<Event>,
        state: State,
        inspect: impl FnOnce(&mut C) -> T,
    ) -> Result<(Output, T), Box<RunError>> {
        self.run_with(event, state, |_| {}, inspect)
    }

    /// As [`run_inspect`](Self::run_inspect), and first calls `prepare` with the charm once
    /// it is built, before any event reaches it.
    ///
    /// # Panics
    ///
    /// As [`run`](Self::run).
    #[track_caller]
    pub fn run_with<T>(
        &self,
        event: impl Into<Event>,
        state: State,
        prepare: impl FnOnce(&mut C),
        inspect: impl FnOnce(&mut C) -> T,
    ) -> Result<(Output, T), Box<RunError>> {
        let mut seen = None;
        let output = self.run_seam(
            event.into(),
            state,
            Some(Box::new(prepare)),
            Some(Box::new(|charm: &mut C| seen = Some(inspect(charm)))),
        )?;
        match seen {
            Some(value) => Ok((output, value)),
            // Only `Reboot::Now` ends a successful dispatch before the commit.
            None => panic!("the dispatch ended with a reboot (juju-reboot --now) before the charm could be inspected"),
        }
    }

    #[track_caller]
    fn run_seam<'a>(
        &self,
        event: Event,
        mut state: State,
        prepare: Option<CharmHook<'a, C>>,
        inspect: Option<CharmHook<'a, C>>,
    ) -> Result<Output, Box<RunError>> {
        if state.unit_name.is_empty() {
            state.unit_name = format!("{}/0", C::Meta::metadata().name);
        }
        let app = state.app_name().to_owned();
        for relation in state.relations.iter_mut().filter(|r| r.peer && r.remote_app.is_empty()) {
            relation.remote_app = app.clone();
        }
        if let Err(problems) = self.check(&event, &state) {
            let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
            panic!("the state and event do not fit the charm's metadata:\n{}", list.join("\n"));
        }
        let context = match JujuEnv::from_vars(self.environment(&event, &state)) {
            Ok(context) => context,
            Err(error) => {
                let error = DispatchError::Environment(error);
                return Err(Box::new(RunError::new(error, state, Record::default())));
            }
        };
        let unit_state = MemoryStore::from_state(&state);
        let backend = Rc::new(MemoryBackend::new(C::Meta::metadata(), state, event.action.clone()));
        let controller = Controller::new(backend.as_ref());
        let store: &dyn StateStore = if C::USE_JUJU_FOR_STORAGE { &controller } else { &unit_state };
        let new = |framework: &mut Framework<C>| C::new(framework);
        let build: &dyn Fn(&mut Framework<C>) -> C = match &self.factory {
            Some(factory) => factory.as_ref(),
            None => &new,
        };
        let seam = Seam { build, prepare, inspect, custom: event.custom.clone(), record: true };
        let result = dispatch_with::<C>(backend.clone() as Rc<dyn Backend>, context, store, seam);
        let (mut state, action, record) = backend.take();
        match result {
            Ok(report) => {
                let saved = unit_state.0.into_inner();
                state.stored = saved.stored;
                state.deferred = saved.deferred;
                Ok(Output { state, report, record, action })
            }
            // `juju-reboot --now`: Juju ends the dispatch; nothing of it is saved.
            Err(DispatchError::Rebooting) => {
                let report = DispatchReport::default();
                Ok(Output { state, report, record, action })
            }
            Err(error) => Err(Box::new(RunError::new(error, state, record))),
        }
    }

    fn environment(&self, event: &Event, state: &State) -> Vec<(String, String)> {
        let mut vars = vec![
            ("JUJU_DISPATCH_PATH".to_owned(), event.dispatch_path.clone()),
            ("JUJU_UNIT_NAME".to_owned(), state.unit_name.clone()),
            ("JUJU_MODEL_NAME".to_owned(), state.model_name.clone()),
            ("JUJU_MODEL_UUID".to_owned(), state.model_uuid.clone()),
            ("JUJU_VERSION".to_owned(), state.juju_version.clone()),
        ];
        let optional = [
            ("JUJU_MACHINE_ID", &state.machine_id),
            ("JUJU_AVAILABILITY_ZONE", &state.availability_zone),
            ("JUJU_PRINCIPAL_UNIT", &state.principal_unit),
        ];
        vars.extend(optional.into_iter().filter_map(|(name, value)| Some((name.to_owned(), value.clone()?))));
        if let Some(dir) = &state.charm_dir {
            vars.push(("JUJU_CHARM_DIR".to_owned(), dir.display().to_string()));
        }
        vars.extend(event.vars.iter().cloned());
        vars
    }
}

/// The unit's local state for one run, held in memory.
struct MemoryStore(RefCell<UnitState>);

impl MemoryStore {
    fn from_state(state: &State) -> Self {
        let next_sequence = state.deferred.iter().map(|n| n.sequence + 1).max().unwrap_or(1);
        let data = UnitState {
            next_sequence,
            stored: state.stored.clone(),
            deferred: state.deferred.clone(),
            ..UnitState::default()
        };
        MemoryStore(RefCell::new(data))
    }
}

impl StateStore for MemoryStore {
    fn load(&self) -> Result<UnitState, StoreError> {
        Ok(self.0.borrow().clone())
    }

    fn save(&self, data: &UnitState) -> Result<(), StoreError> {
        *self.0.borrow_mut() = data.clone();
        Ok(())
    }
}
