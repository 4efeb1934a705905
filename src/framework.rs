//! The framework: observers, stored state, deferral, and the order of work in one dispatch.
//!
//! One dispatch, in the order Python ops does it:
//! 1. load the unit's state (stored state and the deferred-event queue), all at once;
//! 2. build the model and the charm, whose `new` registers observers and stored state;
//! 3. re-emit each deferred event, in queue order, to the observer that deferred it;
//! 4. emit the Juju event to its observers in registration order, skipping an observer
//!    that already has an identical event queued;
//! 5. collect-status (`collect_app_status` on the leader, then `collect_unit_status`);
//! 6. `pre_commit`, then `commit`; then save stored state and the queue in one write
//!    (skipped when nothing changed).
//!
//! Custom events emitted by a handler are delivered right after that handler returns.
//! Any error or panic stops the dispatch before step 6's write, so nothing of it persists.

use std::any::Any;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;

use serde_json::Value;

use crate::backend::{Backend, Target};
use crate::charm::CharmBase;
use crate::context::{EnvError, JujuEnv};
use crate::events::{CommitEvent, CustomEvent, DeferFlag, Deferrable, Event, EventInputs, EventSource, PreCommitEvent};
use crate::generated::{CharmMeta, RelationEndpoint};
use crate::meta::Metadata;
use crate::model::status::StatusValue;
use crate::model::{Model, ModelCore, ModelError};
use crate::state_store::{DeferredEvent, StateStore, StoreError, UnitState};
use crate::stored::{self, Stored, StoredType};

/// What a handler returns: `Ok(())`, or any error, so that `?` works on every call.
pub type HandlerResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A function that can observe events `E` for charm `C`: `fn(&mut C, &E) -> HandlerResult`.
///
/// Implemented for every such function and closure; a method of the charm such as
/// `Self::on_config_changed` is the usual one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot observe `{E}` events",
    label = "this handler does not take `&{E}`",
    note = "a handler for `{E}` is a `fn(&mut self, event: &{E}) -> ops::HandlerResult`; check that the event source passed to `observe` is the event the handler takes"
)]
pub trait Handler<C, E>: 'static {
    /// Runs the handler.
    fn call(&self, charm: &mut C, event: &E) -> HandlerResult;
}

impl<C, E, F> Handler<C, E> for F
where
    F: Fn(&mut C, &E) -> HandlerResult + 'static,
{
    fn call(&self, charm: &mut C, event: &E) -> HandlerResult {
        self(charm, event)
    }
}

/// The framework's own events (Python's `self.framework.on`).
#[derive(Debug, Clone, Copy)]
pub struct FrameworkEvents {
    /// After the event and collect-status, before state is saved.
    pub pre_commit: EventSource<PreCommitEvent>,
    /// Last, just before state is saved.
    pub commit: EventSource<CommitEvent>,
}

static FRAMEWORK_EVENTS: FrameworkEvents =
    FrameworkEvents { pre_commit: EventSource::__new("pre_commit"), commit: EventSource::__new("commit") };

/// Events whose dispatch is a "restricted context" in ops: no re-emission, no collect-status.
const RESTRICTED: &[&str] = &["collect_metrics", "meter_status_changed"];

type ErasedEvent = Box<dyn Any>;
/// Calls the handler; `Ok(true)` if it deferred the event.
type ErasedHandler<C> = Box<dyn Fn(&mut C, &dyn Any) -> Result<bool, Box<dyn std::error::Error + Send + Sync>>>;
type Saver = Box<dyn Fn() -> Result<Value, serde_json::Error>>;

struct Observer<C> {
    kind: &'static str,
    /// The handler's short type name, borrowed from the binary unless it needed a suffix.
    name: Cow<'static, str>,
    /// Custom events are rebuilt from their data; hook events from the hook's variables.
    custom: bool,
    build: fn(&EventInputs<'_>) -> Result<ErasedEvent, ModelError>,
    call: ErasedHandler<C>,
}

fn build_erased<E: Event>(ctx: &EventInputs<'_>) -> Result<ErasedEvent, ModelError> {
    E::build(ctx).map(|event| Box::new(event) as ErasedEvent)
}

/// One event that triggers a holistic charm's reconcile: any deferrable event source,
/// converted with `.into()` (see [`Framework::observe_all`]).
pub struct Trigger {
    kind: &'static str,
    custom: bool,
    build: fn(&EventInputs<'_>) -> Result<ErasedEvent, ModelError>,
    flag: fn(&dyn Any) -> Option<&DeferFlag>,
}

impl<E: Deferrable> From<EventSource<E>> for Trigger {
    fn from(source: EventSource<E>) -> Self {
        Trigger {
            kind: source.kind(),
            custom: E::CUSTOM,
            build: build_erased::<E>,
            flag: |event| event.downcast_ref::<E>().map(E::framework_defer_state),
        }
    }
}

impl std::fmt::Debug for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Trigger").field(&self.kind).finish()
    }
}

/// The event that triggered a reconcile ([`Framework::observe_all`]): its name, and
/// `defer()`.
#[derive(Debug)]
pub struct AnyEvent<'a> {
    name: &'static str,
    deferred: &'a DeferFlag,
}

impl AnyEvent<'_> {
    /// The event's name: `config_changed`, `pause_pebble_ready`, `db_relation_changed`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Defers the event that triggered this run: the framework delivers it again, to this
    /// handler, at the start of the next dispatch. The handler goes on; return after calling it.
    pub fn defer(&self) {
        self.deferred.set();
    }
}

/// Emits custom events from inside handlers (keep it in a component; clones share a queue).
#[derive(Clone, Default)]
pub struct Emitter {
    pending: Rc<RefCell<VecDeque<(&'static str, Value)>>>,
}

impl std::fmt::Debug for Emitter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emitter").field("pending", &self.pending.borrow().len()).finish()
    }
}

impl Emitter {
    /// Emits custom event `source` with `data`. Its observers run as soon as the handler
    /// that called this returns.
    pub fn emit<T: serde::Serialize>(&self, source: EventSource<CustomEvent<T>>, data: T) -> Result<(), ModelError> {
        let payload = serde_json::to_value(data)
            .map_err(|e| ModelError::CustomEvent { event: source.kind().to_owned(), reason: e.to_string() })?;
        self.pending.borrow_mut().push_back((source.kind(), payload));
        Ok(())
    }
}

/// Registers observers and stored state, and gives the charm its model (Python's `self.framework`).
pub struct Framework<C: CharmBase> {
    core: Rc<ModelCore>,
    model: Model<C::Meta>,
    observers: Vec<Observer<C>>,
    state: UnitState,
    savers: Vec<(String, Saver)>,
    load_errors: Vec<StoredStateError>,
    emitter: Emitter,
    /// Whether the state differs from the document loaded (a stored value or the queue).
    dirty: bool,
    /// Whether the report keeps every emission and delivery (for tests).
    record: bool,
}

impl<C: CharmBase> Framework<C> {
    fn new(core: Rc<ModelCore>, state: UnitState, record: bool) -> Self {
        Framework {
            model: Model::new(core.clone()),
            core,
            // A charm observes a dozen or so events: grown once, if ever.
            observers: Vec::with_capacity(16),
            state,
            savers: Vec::new(),
            load_errors: Vec::new(),
            emitter: Emitter::default(),
            dirty: false,
            record,
        }
    }

    /// Calls `handler` whenever the event of `source` is emitted, after the observers
    /// registered before it.
    ///
    /// The handler must take the source's event type: observing `on().config_changed`
    /// with a handler of `&ActionEvent<_>` does not compile. The handler's name
    /// (`HelloCharm::on_config_changed`) is what a deferred event is queued for, so
    /// renaming a handler drops the events it had deferred (with a warning).
    ///
    /// ```
    /// # use ops::hello::Meta;
    /// # struct Hello;
    /// # impl ops::CharmBase for Hello {
    /// #     type Meta = Meta;
    /// fn new(framework: &mut ops::Framework<Self>) -> Self {
    ///     framework.observe(framework.on().install, Self::on_install);
    ///     Hello
    /// }
    /// # }
    /// # impl Hello {
    /// fn on_install(&mut self, _event: &ops::InstallEvent) -> ops::HandlerResult {
    ///     Ok(())
    /// }
    /// # }
    /// ```
    ///
    /// # Compiler errors
    ///
    /// A handler of the wrong event type is reported by rustc itself, as a mismatch of
    /// function arguments (`E0631`), with both signatures:
    ///
    /// ```text
    /// error[E0631]: type mismatch in function arguments
    ///    |         framework.observe(framework.on().config_changed, Self::on_fortune);
    ///    |                   -------                                ^^^^^^^^^^^^^^^^ expected due to this
    ///    = note: expected function signature `for<'a, 'b> fn(&'a mut Charm, &'b ConfigChangedEvent) -> _`
    ///               found function signature `for<'a, 'b> fn(&'a mut Charm, &'b ActionEvent<FortuneParams>) -> _`
    /// ```
    ///
    /// The `expected` line names the event the source delivers; change the handler's second
    /// parameter to it (or observe the source the handler was written for). A handler that
    /// is not a function at all gets this crate's own message: "`X` cannot observe `E` events".
    pub fn observe<E: Event, H: Handler<C, E>>(&mut self, source: EventSource<E>, handler: H) {
        let name = self.unique_name(short_name(std::any::type_name::<H>()));
        self.observers.push(Observer {
            kind: source.kind(),
            name,
            custom: E::CUSTOM,
            build: build_erased::<E>,
            call: Box::new(move |charm, event| {
                let Some(event) = event.downcast_ref::<E>() else {
                    return Err(format!("internal error: event is not a {}", std::any::type_name::<E>()).into());
                };
                event.framework_defer_state().take();
                handler.call(charm, event)?;
                Ok(E::DEFERRABLE && event.framework_defer_state().take())
            }),
        });
    }

    /// Like [`observe`](Self::observe), under an explicit observer name: for components,
    /// whose handlers are closures, so that what they defer finds them again.
    pub fn observe_as<E: Event, H: Handler<C, E>>(&mut self, name: &str, source: EventSource<E>, handler: H) {
        self.observe(source, handler);
        if let Some(observer) = self.observers.last_mut() {
            observer.name = Cow::Owned(name.to_owned());
        }
    }

    /// Calls one `handler` for every event of `triggers`: a holistic charm's reconcile, which
    /// looks at the whole model whatever happened (the pattern ops' documentation recommends).
    ///
    /// Only events that can be deferred can be triggers, so the handler's
    /// [`AnyEvent::defer`] always means what it says: the event that triggered this run is
    /// queued for it, and it runs again at the next dispatch.
    ///
    /// ```
    /// use ops::hello::Meta;
    ///
    /// struct Hello {
    ///     model: ops::Model<Meta>,
    /// }
    ///
    /// impl ops::CharmBase for Hello {
    ///     type Meta = Meta;
    ///
    ///     fn new(framework: &mut ops::Framework<Self>) -> Self {
    ///         let on = framework.on();
    ///         framework.observe_all(
    ///             [on.config_changed.into(), on.pause_pebble_ready.into(), on.db_relation_changed.into()],
    ///             Self::reconcile,
    ///         );
    ///         Hello { model: framework.model() }
    ///     }
    /// }
    ///
    /// impl Hello {
    ///     fn reconcile(&mut self, event: &ops::AnyEvent) -> ops::HandlerResult {
    ///         let container = self.model.unit().container::<ops::hello::containers::Pause>();
    ///         if !container.can_connect() {
    ///             event.defer(); // Pebble is not up yet: try again next dispatch
    ///             return Ok(());
    ///         }
    ///         log::info!("reconciling after {}", event.name());
    ///         Ok(())
    ///     }
    /// }
    /// ```
    pub fn observe_all<H>(&mut self, triggers: impl IntoIterator<Item = Trigger>, handler: H)
    where
        H: Fn(&mut C, &AnyEvent<'_>) -> HandlerResult + 'static,
    {
        let base = short_name(std::any::type_name::<H>());
        let handler = Rc::new(handler);
        for trigger in triggers {
            let taken = self.observers.iter().any(|o| o.kind == trigger.kind && o.name == base);
            let name = if taken { self.unique_name(base) } else { Cow::Borrowed(base) };
            let handler = handler.clone();
            let (kind, flag) = (trigger.kind, trigger.flag);
            self.observers.push(Observer {
                kind,
                name,
                custom: trigger.custom,
                build: trigger.build,
                call: Box::new(move |charm, event| {
                    let Some(deferred) = flag(event) else {
                        return Err(format!("internal error: the {kind} event is not what its trigger built").into());
                    };
                    deferred.take();
                    handler(charm, &AnyEvent { name: kind, deferred })?;
                    Ok(deferred.take())
                }),
            });
        }
    }

    /// Closures all share one type name, so later ones get a `#2`, `#3` suffix (stable
    /// as long as the registration order is).
    fn unique_name(&self, base: &'static str) -> Cow<'static, str> {
        // `base`, or `base#n`; without building a string per observer.
        let same = self
            .observers
            .iter()
            .filter(|o| o.name.strip_prefix(base).is_some_and(|rest| rest.is_empty() || rest.starts_with('#')))
            .count();
        if same == 0 { Cow::Borrowed(base) } else { Cow::Owned(format!("{base}#{}", same + 1)) }
    }

    /// Stored state of type `T` under `name` (unique in the charm): what was stored
    /// before, with defaults for what was not. Saved when the dispatch succeeds.
    ///
    /// If what was stored cannot be read as `T`, the dispatch fails before any event is
    /// emitted, and the stored data is left as it was.
    pub fn stored<T: StoredType>(&mut self, name: &str) -> Stored<T> {
        let value = match stored::load::<T>(self.state.stored.get(name)) {
            Ok(value) => value,
            Err(error) => {
                let type_name = std::any::type_name::<T>();
                self.load_errors.push(StoredStateError::Unreadable { name: name.to_owned(), type_name, error });
                T::default()
            }
        };
        if self.savers.iter().any(|(key, _)| key == name) {
            self.load_errors.push(StoredStateError::DeclaredTwice { name: name.to_owned() });
        }
        let stored = Stored::new(value);
        self.savers.push((name.to_owned(), Box::new(stored.saver())));
        stored
    }

    /// The events every charm has (install, start, config-changed, upgrade-charm,
    /// leader-elected, update-status), for a component generic over the charm.
    pub fn charm_events(&self) -> &'static crate::component::CharmEvents {
        &crate::component::CHARM_EVENTS
    }

    /// The relation events of endpoint `R`, for a component generic over its endpoint.
    pub fn relation_events<R: RelationEndpoint<Charm = C::Meta>>(&self) -> crate::component::RelationEvents<R> {
        crate::component::RelationEvents::of()
    }

    /// Attaches a component speaking interface side `I` to endpoint `R`: `R`'s relation
    /// events, once it is checked that `R` declares one of `I`'s interfaces in `I`'s role.
    ///
    /// The check is made when the charm is built (`cargo build`; `cargo check` does not
    /// evaluate it): attaching to another interface or role fails with `I::MISMATCH`, and
    /// rustc's note names the endpoint (`attach::<relations::Cache, ..>`).
    pub fn attach<R, I>(&self) -> crate::component::RelationEvents<R>
    where
        R: RelationEndpoint<Charm = C::Meta>,
        I: crate::component::InterfaceSide,
    {
        const {
            if !crate::component::speaks::<R, I>() {
                panic!("{}", I::MISMATCH)
            }
        }
        crate::component::RelationEvents::of()
    }

    /// A custom event of the component attached to endpoint `R`, named `<endpoint>.<name>`
    /// (`db.database_created`): each instance of a component has its own, so two database
    /// requirers on two endpoints never share an event or a deferred queue entry.
    pub fn component_event<R: RelationEndpoint<Charm = C::Meta>, T>(
        &self,
        name: &str,
    ) -> EventSource<crate::events::CustomEvent<T>> {
        EventSource::__new(crate::component::intern(&format!("{}.{name}", R::NAME)))
    }

    /// Observes `source` for a component the charm holds, or may not have built:
    /// `access` finds it in the charm (`|charm| Some(&mut charm.db)`, or
    /// `|charm| charm.db.as_mut()`); when it gives `None` the event is not for anyone.
    /// `name` (the component's, unique in the charm) names the observer, so what the
    /// component defers finds it again.
    pub fn observe_component<E: Event, T: 'static>(
        &mut self,
        name: &str,
        source: EventSource<E>,
        access: fn(&mut C) -> Option<&mut T>,
        handler: fn(&mut T, &E) -> HandlerResult,
    ) {
        let observer = format!("{name}::{}", source.kind());
        self.observe_as(&observer, source, move |charm: &mut C, event: &E| match access(charm) {
            Some(component) => handler(component, event),
            None => Ok(()),
        });
    }

    /// The emitter for custom events.
    pub fn emitter(&self) -> Emitter {
        self.emitter.clone()
    }

    /// The charm's event sources (Python's `self.on`).
    pub fn on(&self) -> &'static <C::Meta as CharmMeta>::Events {
        C::Meta::events()
    }

    /// The framework's own events: `pre_commit` and `commit` (Python's `self.framework.on`).
    pub fn framework_on(&self) -> &'static FrameworkEvents {
        &FRAMEWORK_EVENTS
    }

    /// The model of this dispatch (Python's `self.model`). Clones share one cache.
    pub fn model(&self) -> Model<C::Meta> {
        self.model.clone()
    }

    /// The charm's metadata (Python's `self.framework.meta`).
    pub fn meta(&self) -> &'static Metadata {
        C::Meta::metadata()
    }

    fn has_observers(&self, kind: &str) -> bool {
        self.observers.iter().any(|o| o.kind == kind)
    }

    fn is_queued(&self, kind: &str, observer: &str, snapshot: &Value) -> bool {
        self.state.deferred.iter().any(|n| n.event == kind && n.observer == observer && &n.snapshot == snapshot)
    }

    fn queue(&mut self, kind: &str, observer: &str, snapshot: Value) {
        self.dirty = true;
        let sequence = self.state.next_sequence;
        self.state.next_sequence += 1;
        self.state.deferred.push(DeferredEvent {
            sequence,
            event: kind.to_owned(),
            observer: observer.to_owned(),
            snapshot,
        });
    }

    /// Emits `kind` (a hook event built from `context`, or a custom event from `payload`)
    /// to its observers.
    fn emit(
        &mut self,
        charm: &mut C,
        emission: Emission<'_>,
        report: &mut DispatchReport,
    ) -> Result<(), DispatchError> {
        if self.record {
            report.emitted.push(Emitted { event: emission.kind.to_owned(), data: emission.payload.cloned() });
        }
        let indices: Vec<usize> =
            (0..self.observers.len()).filter(|&i| self.observers[i].kind == emission.kind).collect();
        let Some(&first) = indices.first() else { return Ok(()) };
        // What a deferral would queue; made only when the queue is looked at or grows.
        let mut snapshot = None;
        let make_snapshot = || match emission.payload {
            Some(payload) => payload.clone(),
            None => serde_json::to_value(emission.context.event_vars()).unwrap_or(Value::Null),
        };
        let ctx = EventInputs {
            core: &self.core,
            context: emission.context,
            kind: emission.kind,
            collected: emission.collected.clone(),
            payload: emission.payload,
        };
        let event = (self.observers[first].build)(&ctx)
            .map_err(|error| DispatchError::Event { event: emission.kind.to_owned(), error })?;
        for index in indices {
            let name = self.observers[index].name.clone();
            if !self.state.deferred.is_empty()
                && self.is_queued(emission.kind, &name, snapshot.get_or_insert_with(make_snapshot))
            {
                log::debug!("Skipping {} for {name}: an identical event is already in the queue", emission.kind);
                continue;
            }
            let deferred = self.call(charm, index, event.as_ref(), emission.kind, false, report)?;
            if deferred {
                log::debug!("Deferring {} for {name}.", emission.kind);
                let snapshot = snapshot.get_or_insert_with(make_snapshot).clone();
                self.queue(emission.kind, &name, snapshot);
            }
            self.deliver_custom(charm, emission.context, report)?;
        }
        Ok(())
    }

    fn call(
        &self,
        charm: &mut C,
        index: usize,
        event: &dyn Any,
        kind: &str,
        reemitted: bool,
        report: &mut DispatchReport,
    ) -> Result<bool, DispatchError> {
        let observer = &self.observers[index];
        if self.record {
            report.deliveries.push(Delivery {
                event: kind.to_owned(),
                observer: observer.name.to_string(),
                reemitted,
                deferred: false,
            });
        }
        let deferred = (observer.call)(charm, event).map_err(|error| {
            if matches!(error.downcast_ref::<ModelError>(), Some(ModelError::Rebooting)) {
                return DispatchError::Rebooting;
            }
            DispatchError::Handler { event: kind.to_owned(), observer: observer.name.to_string(), error }
        })?;
        // Empty unless recording.
        if let Some(delivery) = report.deliveries.last_mut() {
            delivery.deferred = deferred;
        }
        Ok(deferred)
    }

    /// Delivers the custom events handlers emitted, in order (they may emit more).
    fn deliver_custom(
        &mut self,
        charm: &mut C,
        context: &JujuEnv,
        report: &mut DispatchReport,
    ) -> Result<(), DispatchError> {
        loop {
            let next = self.emitter.pending.borrow_mut().pop_front();
            let Some((kind, payload)) = next else { return Ok(()) };
            let emission = Emission { kind, context, payload: Some(&payload), collected: None };
            self.emit(charm, emission, report)?;
        }
    }

    /// Re-emits each deferred event to the observer that deferred it, in queue order.
    fn reemit(&mut self, charm: &mut C, context: &JujuEnv, report: &mut DispatchReport) -> Result<(), DispatchError> {
        let queue = std::mem::take(&mut self.state.deferred);
        let total = queue.len();
        let mut kept = Vec::new();
        for (position, notice) in queue.into_iter().enumerate() {
            let Some(index) = self.observers.iter().position(|o| o.kind == notice.event && o.name == notice.observer)
            else {
                log::warn!(
                    "Dropping deferred {} event: its observer {} is no longer registered",
                    notice.event,
                    notice.observer
                );
                continue;
            };
            let Some(event) = self.rebuild(index, &notice, context)? else { continue };
            log::debug!(
                "Re-emitting deferred event {} for {} ({} of {total} in queue).",
                notice.event,
                notice.observer,
                position + 1
            );
            let deferred = self.call(charm, index, event.as_ref(), &notice.event, true, report)?;
            if deferred {
                kept.push(notice);
            }
            self.deliver_custom(charm, context, report)?;
        }
        // Delivered or dropped events change the queue; re-deferred ones keep their place,
        // ahead of any queued meanwhile (which marked it changed already).
        self.dirty |= kept.len() != total;
        kept.append(&mut self.state.deferred);
        kept.sort_by_key(|n| n.sequence);
        self.state.deferred = kept;
        Ok(())
    }

    /// Rebuilds a deferred event; `None` (with a warning) when it no longer can be, such as
    /// a relation that is gone. A failing hook tool fails the dispatch instead, keeping the queue.
    fn rebuild(
        &self,
        index: usize,
        notice: &DeferredEvent,
        context: &JujuEnv,
    ) -> Result<Option<ErasedEvent>, DispatchError> {
        let observer = &self.observers[index];
        let restored;
        let (context, payload) = if observer.custom {
            (context, Some(&notice.snapshot))
        } else {
            match serde_json::from_value(notice.snapshot.clone()) {
                Ok(vars) => {
                    restored = context.with_event_vars(vars);
                    (&restored, None)
                }
                Err(error) => {
                    log::warn!("Dropping deferred {} event: its snapshot cannot be read: {error}", notice.event);
                    return Ok(None);
                }
            }
        };
        let ctx = EventInputs { core: &self.core, context, kind: &notice.event, collected: None, payload };
        match (observer.build)(&ctx) {
            Ok(event) => Ok(Some(event)),
            Err(ModelError::Backend(error)) => {
                Err(DispatchError::Event { event: notice.event.clone(), error: ModelError::Backend(error) })
            }
            Err(error) => {
                log::warn!("Dropping deferred {} event: it cannot be rebuilt: {error}", notice.event);
                Ok(None)
            }
        }
    }

    /// Emits a collect-status event and sets the highest-priority status collected, if any.
    fn collect_status(
        &mut self,
        charm: &mut C,
        target: Target,
        context: &JujuEnv,
        report: &mut DispatchReport,
    ) -> Result<(), DispatchError> {
        let kind = if target.is_app() { "collect_app_status" } else { "collect_unit_status" };
        if !self.has_observers(kind) {
            return Ok(());
        }
        if target.is_app() && !self.core.is_leader().map_err(|e| DispatchError::CollectStatus(e.into()))? {
            return Ok(());
        }
        let collected = Rc::new(RefCell::new(Vec::new()));
        self.emit(charm, Emission { kind, context, payload: None, collected: Some(collected.clone()) }, report)?;
        // Ties go to the status added first, as in ops: max_by_key keeps the last maximum.
        let best = collected.borrow().iter().rev().max_by_key(|s| s.priority()).cloned();
        if let Some(status) = best {
            self.core
                .backend
                .status_set(target, status.status_name(), status.message())
                .map_err(|e| DispatchError::CollectStatus(e.into()))?;
        }
        Ok(())
    }

    /// The state to save: the queue as it now is, and every stored state's current value.
    /// The document to save, and whether it differs from the one loaded.
    fn state_to_save(mut self) -> Result<(UnitState, bool), DispatchError> {
        for (key, save) in &self.savers {
            let value = save().map_err(|error| {
                DispatchError::StoredState(StoredStateError::Unwritable { name: key.clone(), error })
            })?;
            // The document nests the value two levels down (`stored`, then its name).
            let (depth, limit) = (crate::state_store::depth(&value), crate::state_store::MAX_STATE_DEPTH - 2);
            if depth > limit {
                return Err(DispatchError::StoredState(StoredStateError::TooDeep { name: key.clone(), depth, limit }));
            }
            if self.state.stored.get(key) != Some(&value) {
                self.dirty = true;
                self.state.stored.insert(key.clone(), value);
            }
        }
        Ok((self.state, self.dirty))
    }
}

struct Emission<'a> {
    kind: &'a str,
    context: &'a JujuEnv,
    payload: Option<&'a Value>,
    collected: Option<Rc<RefCell<Vec<StatusValue>>>>,
}

/// The last two segments of a type path: `HelloCharm::on_install`.
fn short_name(path: &'static str) -> &'static str {
    // From the end, `:` by `:` (memrchr): `rmatch_indices("::")` built a substring searcher
    // per call, which cost more than the rest of registering an observer.
    let bytes = path.as_bytes();
    let mut end = bytes.len();
    let mut separators = 0;
    while let Some(at) = memchr::memrchr(b':', &bytes[..end]) {
        if at > 0 && bytes[at - 1] == b':' {
            separators += 1;
            if separators == 2 {
                return &path[at + 1..];
            }
            end = at - 1;
        } else {
            end = at;
        }
    }
    path
}

/// One observer that was called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The event's name.
    pub event: String,
    /// The observer: the handler's name, such as `HelloCharm::on_install`.
    pub observer: String,
    /// Whether this was a deferred event delivered again.
    pub reemitted: bool,
    /// Whether the observer deferred it (again).
    pub deferred: bool,
}

/// An event the framework emitted (observed or not): the Juju event, custom events,
/// collect-status and the commit events, in order. Re-emitted deferred events are in
/// [`DispatchReport::deliveries`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emitted {
    /// The event's name.
    pub event: String,
    /// A custom event's data.
    pub data: Option<Value>,
}

/// What one dispatch did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DispatchReport {
    /// The event Juju dispatched.
    pub event: String,
    /// Whether the charm's metadata knows the event (an unknown one is not emitted).
    pub known: bool,
    /// The observers called, in order: re-emitted deferred events first, then the event,
    /// its custom events, collect-status, and the commit events.
    pub deliveries: Vec<Delivery>,
    /// The events emitted, observed or not, in order.
    pub emitted: Vec<Emitted>,
    /// The deferred-event queue after the dispatch.
    pub deferred: Vec<DeferredEvent>,
}

/// Why a dispatch failed. Juju then marks the unit in error and retries the hook; the
/// unit's stored state and queue are left as they were before the dispatch.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DispatchError {
    /// A handler returned an error.
    #[error("handler {observer} failed on the {event} event: {error}")]
    Handler {
        /// The event's name.
        event: String,
        /// The handler's name.
        observer: String,
        /// What it returned.
        error: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The event could not be built from the environment and the model.
    #[error("could not build the {event} event: {error}")]
    Event {
        /// The event's name.
        event: String,
        /// Why.
        error: ModelError,
    },
    /// Collect-status could not check leadership or set the status.
    #[error("collect-status failed: {0}")]
    CollectStatus(ModelError),
    /// The unit's state could not be loaded or saved.
    #[error("unit state: {0}")]
    State(StoreError),
    /// Stored state could not be read as its type, or written.
    #[error("{0}")]
    StoredState(StoredStateError),
    /// Charm code panicked.
    #[error("charm code panicked: {0}")]
    Panic(String),
    /// The environment is not one Juju gives; nothing ran.
    #[error("{0}")]
    Environment(EnvError),
    /// A handler rebooted the machine now ([`Reboot::Now`](crate::Reboot::Now)): the dispatch
    /// ended there, nothing after it ran and nothing was saved. Not a failure: the process
    /// exits 0, and Juju runs the hook again after the reboot.
    #[error("the machine is rebooting now; the dispatch ended without saving")]
    Rebooting,
}

impl From<StoreError> for DispatchError {
    fn from(error: StoreError) -> Self {
        DispatchError::State(error)
    }
}

/// What is wrong with a stored state (`Framework::stored`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoredStateError {
    /// What was stored under `name` does not read as the type now asked for. The message
    /// says what kind of mismatch and where, never the stored values (they may be secrets).
    #[error("stored state {name:?} cannot be read as {type_name}: {}", crate::redact::json_error(error))]
    Unreadable {
        /// The stored state's name.
        name: String,
        /// The Rust type asked for.
        type_name: &'static str,
        /// Why it does not read.
        error: serde_json::Error,
    },
    /// Two stored states were declared under one name.
    #[error("stored state {name:?} is declared twice")]
    DeclaredTwice {
        /// The name.
        name: String,
    },
    /// A stored state's value nests deeper than the state document can be read back with.
    #[error("stored state {name:?} nests {depth} levels deep, more than the {limit} the unit's state can keep")]
    TooDeep {
        /// The name.
        name: String,
        /// How deep it nests.
        depth: usize,
        /// How deep a stored value may nest.
        limit: usize,
    },
    /// A stored state's value could not be written as JSON.
    #[error("stored state {name:?} cannot be saved: {error}")]
    Unwritable {
        /// The name.
        name: String,
        /// Why.
        error: serde_json::Error,
    },
}

/// Runs one dispatch of charm `C` against `backend`, with the unit's state in `store`:
/// the one code path both `ops::main` and the in-memory Juju use.
pub fn dispatch<C: CharmBase>(
    backend: Rc<dyn Backend>,
    context: JujuEnv,
    store: &dyn StateStore,
) -> Result<DispatchReport, DispatchError> {
    dispatch_with::<C>(backend, context, store, Seam::new(&|framework| C::new(framework)))
}

/// A look at the charm a test takes during a dispatch.
pub(crate) type CharmHook<'a, C> = Box<dyn FnOnce(&mut C) + 'a>;

/// What a test may change about one dispatch (the testing module's seam into it): how the
/// charm is built, a look at the charm before the event and after the commit, and a custom
/// event to emit in place of the hook's.
pub(crate) struct Seam<'a, C: CharmBase> {
    /// Builds the charm (`C::new` in production).
    pub build: &'a dyn Fn(&mut Framework<C>) -> C,
    /// Called with the charm once built, before any event.
    pub prepare: Option<CharmHook<'a, C>>,
    /// Called with the charm after the commit, before the state is saved.
    pub inspect: Option<CharmHook<'a, C>>,
    /// A custom event (its kind and data) to emit instead of the hook's event.
    pub custom: Option<(String, Value)>,
    /// Whether the report lists every emission and delivery (a dispatch under Juju needs
    /// only the outcome).
    pub record: bool,
}

impl<'a, C: CharmBase> Seam<'a, C> {
    /// A dispatch that builds the charm with `build` and changes nothing else.
    pub fn new(build: &'a dyn Fn(&mut Framework<C>) -> C) -> Self {
        Seam { build, prepare: None, inspect: None, custom: None, record: false }
    }
}

pub(crate) fn dispatch_with<C: CharmBase>(
    backend: Rc<dyn Backend>,
    context: JujuEnv,
    store: &dyn StateStore,
    seam: Seam<'_, C>,
) -> Result<DispatchReport, DispatchError> {
    let core = Rc::new(ModelCore::new(backend, context, C::Meta::metadata()));
    crate::log::with_backend(core.backend.clone(), core.context.debug, || {
        panic::catch_unwind(AssertUnwindSafe(|| run::<C>(core, store, seam)))
            .unwrap_or_else(|payload| Err(panic_error(payload)))
    })
}

/// The collect-status events: dispatched as the event (a test runs them), they are the
/// collect-status phase that follows every event, so they are not emitted twice.
const COLLECT_STATUS: &[&str] = &["collect_app_status", "collect_unit_status"];

fn run<C: CharmBase>(
    core: Rc<ModelCore>,
    store: &dyn StateStore,
    mut seam: Seam<'_, C>,
) -> Result<DispatchReport, DispatchError> {
    let context = &core.context;
    let kind = seam.custom.as_ref().map_or_else(|| context.event_kind(), |(kind, _)| kind.clone());
    let loaded = store.load()?;
    let mut framework = Framework::<C>::new(core.clone(), loaded, seam.record);
    let mut charm = (seam.build)(&mut framework);
    if !framework.load_errors.is_empty() {
        return Err(DispatchError::StoredState(framework.load_errors.remove(0)));
    }
    if let Some(prepare) = seam.prepare.take() {
        prepare(&mut charm);
    }
    let mut report = DispatchReport {
        event: kind.clone(),
        known: seam.custom.is_some() || C::Meta::event_names().contains(&kind.as_str()),
        ..Default::default()
    };
    let restricted = RESTRICTED.contains(&kind.as_str());
    if !restricted {
        framework.reemit(&mut charm, context, &mut report)?;
    }
    if let Some((_, data)) = &seam.custom {
        let emission = Emission { kind: &kind, context, payload: Some(data), collected: None };
        framework.emit(&mut charm, emission, &mut report)?;
        framework.deliver_custom(&mut charm, context, &mut report)?;
    } else if COLLECT_STATUS.contains(&kind.as_str()) {
        // The collect-status phase below runs them.
    } else if report.known {
        framework.emit(&mut charm, Emission { kind: &kind, context, payload: None, collected: None }, &mut report)?;
    } else {
        log::debug!("Event {kind} not defined for {}.", core.meta.name);
    }
    if !restricted {
        framework.collect_status(&mut charm, Target::App, context, &mut report)?;
        framework.collect_status(&mut charm, Target::Unit, context, &mut report)?;
    }
    for kind in ["pre_commit", "commit"] {
        framework.emit(&mut charm, Emission { kind, context, payload: None, collected: None }, &mut report)?;
    }
    if let Some(inspect) = seam.inspect.take() {
        inspect(&mut charm);
    }
    drop(charm);
    let (state, changed) = framework.state_to_save()?;
    // An unchanged document is not written again: no fsync on the common path.
    if changed {
        store.save(&state)?;
    }
    report.deferred = state.deferred;
    Ok(report)
}

fn panic_error(payload: Box<dyn Any + Send>) -> DispatchError {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    DispatchError::Panic(message)
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn observer_names_are_short() {
        assert_eq!(short_name("hello_charm::HelloCharm::on_install"), "HelloCharm::on_install");
        assert_eq!(short_name("on_install"), "on_install");
    }
}
