//! [`ModelError`]: what can go wrong asking the model.

use crate::ValueError;
use crate::backend::BackendError;

/// An error from the model: a hook tool failed, or Juju said something the charm's
/// metadata does not allow.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A hook tool failed or printed something unexpected.
    #[error("{0}")]
    Backend(BackendError),
    /// `config-get` gave a value that does not match the option's declared type.
    #[error("invalid config: {0}")]
    Config(ValueError),
    /// `action-get` gave parameters that do not match the action's schema.
    #[error("invalid action parameters: {0}")]
    ActionParams(ValueError),
    /// The environment lacks what the event needs (`JUJU_RELATION_ID` for a relation event...).
    #[error("the {event} event needs {what}, which Juju did not set")]
    MissingContext {
        /// The event kind.
        event: String,
        /// The missing variable or value.
        what: &'static str,
    },
    /// A relation Juju named is not among the endpoint's relations (it may have gone away).
    #[error("relation {0} not found")]
    RelationNotFound(String),
    /// More than one relation on an endpoint asked for as one (ops' `TooManyRelatedAppsError`).
    #[error("endpoint `{endpoint}` has {count} relations where one was asked for; use `model.relations::<..>()`")]
    TooManyRelations {
        /// The endpoint.
        endpoint: &'static str,
        /// How many relations it has.
        count: usize,
    },
    /// The machine is rebooting now ([`Reboot::Now`](crate::Reboot::Now)): the dispatch ends
    /// here, saving nothing, with exit code 0; Juju runs the hook again after the reboot.
    #[error("the machine is rebooting now (juju-reboot --now); the dispatch ends here")]
    Rebooting,
    /// `request_storage` with a count of 0.
    #[error("storage `{0}`: the count of instances to add must be greater than zero")]
    StorageCount(&'static str),
    /// A custom event's data could not be written or read back.
    #[error("custom event {event}: {reason}")]
    CustomEvent {
        /// The event's name.
        event: String,
        /// What went wrong.
        reason: String,
    },
    /// A port given to `open_port`/`close_port` is not valid.
    #[error("invalid port: {0}")]
    InvalidPort(String),
    /// An action result key Juju would refuse (checked before `action-set` runs, so a key
    /// can never be read as one of its flags).
    #[error("action result key {key:?} is not valid: {reason}")]
    InvalidResultKey {
        /// The key.
        key: String,
        /// Juju's rule it breaks.
        reason: &'static str,
    },
    /// Action results that are not a map of keys to values.
    #[error("action results must be a map of keys to values, got {0}")]
    InvalidResults(&'static str),
    /// Juju has no such secret for this charm (removed, never granted, or a label not set).
    #[error("secret {0} not found")]
    SecretNotFound(String),
    /// Secret content Juju would refuse, or that does not read as the type asked for.
    #[error(transparent)]
    SecretContent(#[from] crate::secret::ContentError),
    /// An owner's handle asked for a secret this charm does not own that way (it only
    /// observes it, or the other owner, application or unit, holds it).
    #[error(
        "secret {secret} is not owned by this {owner}: read a secret the charm was given with `model.get_secret`, and an application's secret through `model.app().get_secret(&leader, ..)`"
    )]
    NotSecretOwner {
        /// The secret, by URI or label.
        secret: String,
        /// The owner asked for: `application` or `unit`.
        owner: &'static str,
    },
    /// A databag that does not read as the type asked for, or a type that is not a set of
    /// fields (`load`/`save`).
    #[error(transparent)]
    Databag(#[from] super::DatabagError),
    /// A call that would change nothing (`set_info` with nothing set).
    #[error("nothing to set: {0}")]
    NothingToSet(&'static str),
}

impl From<BackendError> for ModelError {
    fn from(error: BackendError) -> Self {
        ModelError::Backend(error)
    }
}

/// The error for an event whose environment lacks `what`.
pub(crate) fn missing(event: &str, what: &'static str) -> ModelError {
    ModelError::MissingContext { event: event.to_owned(), what }
}
