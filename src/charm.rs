//! [`CharmBase`]: what a charm author implements.

use crate::framework::Framework;
use crate::generated::CharmMeta;

/// A charm: the Rust counterpart of subclassing `ops.CharmBase`.
///
/// `new` is called once per dispatch, like the Python charm's `__init__`: it registers
/// observers with [`Framework::observe`] and keeps the [`Model`](crate::Model) it needs.
///
/// ```
/// use ops::hello::Meta;
///
/// struct HelloCharm {
///     model: ops::Model<Meta>,
/// }
///
/// impl ops::CharmBase for HelloCharm {
///     type Meta = Meta;
///
///     fn new(framework: &mut ops::Framework<Self>) -> Self {
///         framework.observe(framework.on().config_changed, Self::on_config_changed);
///         HelloCharm { model: framework.model() }
///     }
/// }
///
/// impl HelloCharm {
///     fn on_config_changed(&mut self, _event: &ops::ConfigChangedEvent) -> ops::HandlerResult {
///         let thing = &self.model.config()?.thing;
///         self.model.unit().set_status(ops::ActiveStatus::new(format!("hello, {thing}")))?;
///         Ok(())
///     }
/// }
/// ```
pub trait CharmBase: Sized + 'static {
    /// The charm's generated metadata type (`Meta` in the module the build script wrote).
    type Meta: CharmMeta;

    /// Keep stored state and deferred events in Juju's controller (`state-get`/`state-set`)
    /// instead of a file in the charm directory: for charms whose filesystem does not
    /// survive (ops' `use_juju_for_storage=True`).
    const USE_JUJU_FOR_STORAGE: bool = false;

    /// Builds the charm for one dispatch and registers its observers.
    fn new(framework: &mut Framework<Self>) -> Self;
}
