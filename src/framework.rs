//! The framework: observers, and the order of work in one dispatch.
//!
//! A dispatch builds the model and the charm (whose `new` registers observers), emits the
//! Juju event to its observers in registration order, then runs collect-status
//! (python-ops-facts.md §1.6). An event is built once, from the environment and the
//! model, and each observer gets a shared reference to it.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;

use crate::backend::Backend;
use crate::charm::{CharmBase, CharmMeta};
use crate::context::JujuContext;
use crate::events::{Event, EventContext, EventSource};
use crate::meta::Metadata;
use crate::model::{Model, ModelCore, ModelError};
use crate::status::StatusValue;

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

type ErasedEvent = Box<dyn Any>;
type ErasedHandler<C> = Box<dyn Fn(&mut C, &dyn Any) -> HandlerResult>;

struct Observer<C> {
    kind: &'static str,
    name: &'static str,
    build: fn(&EventContext<'_>) -> Result<ErasedEvent, ModelError>,
    call: ErasedHandler<C>,
}

fn build_erased<E: Event>(ctx: &EventContext<'_>) -> Result<ErasedEvent, ModelError> {
    E::build(ctx).map(|event| Box::new(event) as ErasedEvent)
}

/// Registers observers and gives the charm its model (Python's `self.framework`).
pub struct Framework<C: CharmBase> {
    core: Rc<ModelCore>,
    model: Model<C::Meta>,
    observers: Vec<Observer<C>>,
}

impl<C: CharmBase> Framework<C> {
    fn new(core: Rc<ModelCore>) -> Self {
        Framework { model: Model::new(core.clone()), core, observers: Vec::new() }
    }

    /// Calls `handler` whenever the event of `source` is emitted, after the observers
    /// registered before it.
    ///
    /// The handler must take the source's event type: observing `on().config_changed`
    /// with a handler of `&ActionEvent<_>` does not compile.
    pub fn observe<E: Event, H: Handler<C, E>>(&mut self, source: EventSource<E>, handler: H) {
        self.observers.push(Observer {
            kind: source.kind(),
            name: short_name(std::any::type_name::<H>()),
            build: build_erased::<E>,
            call: Box::new(move |charm, event| match event.downcast_ref::<E>() {
                Some(event) => handler.call(charm, event),
                None => Err(format!("internal error: event is not a {}", std::any::type_name::<E>()).into()),
            }),
        });
    }

    /// The charm's event sources (Python's `self.on`).
    pub fn on(&self) -> &'static <C::Meta as CharmMeta>::Events {
        C::Meta::events()
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

    fn emit(
        &self,
        charm: &mut C,
        kind: &str,
        collected: Option<Rc<RefCell<Vec<StatusValue>>>>,
        report: &mut DispatchReport,
    ) -> Result<(), DispatchError> {
        let mut observers = self.observers.iter().filter(|o| o.kind == kind).peekable();
        let Some(first) = observers.peek() else { return Ok(()) };
        let ctx = EventContext { core: &self.core, kind, collected };
        let event = (first.build)(&ctx).map_err(|source| DispatchError::Event { event: kind.to_owned(), source })?;
        for observer in observers {
            report.deliveries.push(Delivery { event: kind.to_owned(), observer: observer.name });
            (observer.call)(charm, event.as_ref()).map_err(|source| DispatchError::Handler {
                event: kind.to_owned(),
                observer: observer.name,
                source,
            })?;
        }
        Ok(())
    }

    /// Emits a collect-status event and sets the highest-priority status collected, if any.
    fn collect_status(&self, charm: &mut C, app: bool, report: &mut DispatchReport) -> Result<(), DispatchError> {
        let kind = if app { "collect_app_status" } else { "collect_unit_status" };
        if !self.has_observers(kind) {
            return Ok(());
        }
        let leader = || self.core.is_leader().map_err(|e| DispatchError::CollectStatus(e.into()));
        if app && !leader()? {
            return Ok(());
        }
        let collected = Rc::new(RefCell::new(Vec::new()));
        self.emit(charm, kind, Some(collected.clone()), report)?;
        // Ties go to the status added first, as in ops: max_by_key keeps the last maximum.
        let best = collected.borrow().iter().rev().max_by_key(|s| s.priority()).cloned();
        if let Some(status) = best {
            self.core
                .backend
                .status_set(app, status.status_name(), status.message())
                .map_err(|e| DispatchError::CollectStatus(e.into()))?;
        }
        Ok(())
    }
}

/// The last two segments of a type path: `HelloCharm::on_install`.
fn short_name(path: &'static str) -> &'static str {
    let mut depth = 0;
    for (at, _) in path.rmatch_indices("::") {
        depth += 1;
        if depth == 2 {
            return &path[at + 2..];
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
    pub observer: &'static str,
}

/// What one dispatch did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DispatchReport {
    /// The event Juju dispatched.
    pub event: String,
    /// Whether the charm's metadata knows the event (an unknown one is not emitted).
    pub known: bool,
    /// The observers called, in order (collect-status ones included).
    pub deliveries: Vec<Delivery>,
}

/// Why a dispatch failed. Juju then marks the unit in error and retries the hook.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// A handler returned an error.
    #[error("handler {observer} failed on the {event} event: {source}")]
    Handler {
        /// The event's name.
        event: String,
        /// The handler's name.
        observer: &'static str,
        /// What it returned.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The event could not be built from the environment and the model.
    #[error("could not build the {event} event: {source}")]
    Event {
        /// The event's name.
        event: String,
        /// Why.
        source: ModelError,
    },
    /// Collect-status could not check leadership or set the status.
    #[error("collect-status failed: {0}")]
    CollectStatus(#[source] ModelError),
    /// Charm code panicked.
    #[error("charm code panicked: {0}")]
    Panic(String),
}

/// Runs one dispatch of charm `C` against `backend`: the one code path both `ops::main`
/// and the in-memory Juju use.
pub fn dispatch<C: CharmBase>(backend: Rc<dyn Backend>, context: JujuContext) -> Result<DispatchReport, DispatchError> {
    let core = Rc::new(ModelCore::new(backend, context, C::Meta::metadata()));
    crate::log::with_backend(core.backend.clone(), core.context.debug, || {
        panic::catch_unwind(AssertUnwindSafe(|| run::<C>(core))).unwrap_or_else(|payload| Err(panic_error(payload)))
    })
}

fn run<C: CharmBase>(core: Rc<ModelCore>) -> Result<DispatchReport, DispatchError> {
    let kind = core.context.event_kind();
    let mut framework = Framework::<C>::new(core.clone());
    let mut charm = C::new(&mut framework);
    let mut report = DispatchReport { event: kind.clone(), known: core.meta.has_event(&kind), deliveries: Vec::new() };
    if report.known {
        framework.emit(&mut charm, &kind, None, &mut report)?;
    } else {
        log::debug!("Event {kind} not defined for {}.", core.meta.name);
    }
    framework.collect_status(&mut charm, true, &mut report)?;
    framework.collect_status(&mut charm, false, &mut report)?;
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
