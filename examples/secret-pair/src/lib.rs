//! Two charms that hand each other a secret, written as a charm author would port them
//! from Python ops:
//!
//! - [`keeper::Keeper`] owns the admin credentials (an application secret): it creates them
//!   on install, grants them to each related application and puts the secret's id in the
//!   relation's application databag, writes a new revision when Juju asks it to rotate, and
//!   removes revisions no observer uses any more;
//! - [`consumer::Consumer`] reads the id from the relation, labels the secret `admin`, uses
//!   the credentials, and follows each new revision on `secret-changed`.

pub mod consumer;
pub mod keeper;

/// The credentials, as the secret's content: one key per field.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Credentials {
    /// The admin user.
    pub username: String,
    /// Its password (never printed: `SecretString`).
    pub password: ops::SecretString,
}

/// The application databag key the keeper writes the secret's id under.
pub const SECRET_ID_KEY: &str = "secret-id";

/// The label both charms give the secret.
pub const LABEL: &str = "admin";
