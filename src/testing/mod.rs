//! Run a charm without Juju: an in-memory Juju, and state-transition runs over it.
//!
//! A run takes a [`State`] and an [`Event`], dispatches the charm through the same
//! framework code `ops::main` uses (only the backend differs), and gives back the new
//! state with everything that happened: the handlers called, every hook-tool call as the
//! command line a real dispatch would run, `juju-log` lines, action results.
//!
//! ```
//! # struct HelloCharm { model: ops::Model<ops::hello::Meta> }
//! # impl ops::CharmBase for HelloCharm {
//! #     type Meta = ops::hello::Meta;
//! #     fn new(fw: &mut ops::Framework<Self>) -> Self {
//! #         fw.observe(fw.on().install, Self::on_install);
//! #         HelloCharm { model: fw.model() }
//! #     }
//! # }
//! # impl HelloCharm {
//! #     fn on_install(&mut self, _: &ops::InstallEvent) -> ops::HandlerResult {
//! #         self.model.unit().set_status(ops::MaintenanceStatus::new("installing"))?;
//! #         Ok(())
//! #     }
//! # }
//! use ops::testing::{Context, State};
//!
//! let ctx = Context::<HelloCharm>::new();
//! let out = ctx.run(ctx.on().install, State::default()).unwrap();
//! assert_eq!(out.state.unit_status, ops::MaintenanceStatus::new("installing").into());
//! assert_eq!(out.record.calls[0].to_string(), "status-set --application=False maintenance -- installing");
//! ```

mod consistency;
mod context;
mod event;
mod memory;
mod output;
mod pebble;
mod secrets;
mod state;

pub use crate::backend::calls::ToolCall;
pub use crate::backend::{LogLevel, SecretOwner};
pub use crate::framework::{DispatchReport, Emitted};
pub use crate::state_store::DeferredEvent;
pub use consistency::Inconsistency;
pub use context::Context;
pub use event::{Event, PlainHookEvent, RelationHookEvent, StorageHookEvent, params};
pub use memory::{LogLine, Record};
pub use output::{ActionOutcome, Output, RunError};
pub use pebble::{ContainerState, ExecArgs, ExecHandler, ExecResponder, InMemoryPebble};
pub use secrets::SecretState;
pub use state::{ActionRun, BindAddressState, NetworkState, RelationState, State, StorageState};
