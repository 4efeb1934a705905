//! The one error type of the interfaces.

/// Why an interface could not read or write what it needed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The model refused or could not answer (a hook tool failed, a databag did not read).
    #[error(transparent)]
    Model(#[from] ops::ModelError),
    /// A value could not be written as JSON.
    #[error("could not write JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The other side wrote something the protocol does not allow (the message says what,
    /// never the value).
    #[error("the remote side broke the protocol: {0}")]
    Protocol(&'static str),
    /// A field written before the other side asked for it (data_interfaces'
    /// `PrematureDataAccessError`).
    #[error("`{key}` cannot be published before the requirer asks for a database")]
    Premature {
        /// The field.
        key: &'static str,
    },
    /// A secret id that does not parse.
    #[error(transparent)]
    SecretId(#[from] ops::InvalidSecretId),
    /// Secret content Juju would refuse.
    #[error(transparent)]
    Content(#[from] ops::ContentError),
}
