//! Secrets: how charms hand each other passwords, keys and certificates.
//!
//! - `id`: [`SecretId`], a secret's URI;
//! - `content`: [`SecretContent`] (keys to values, typed both ways) and [`SecretString`];
//! - `info`: [`SecretInfo`], [`SecretMeta`], [`SecretRotate`], [`Expiry`];
//! - `handle`: [`Secret`], a handle whose type says who owns the secret (`AppOwned`,
//!   `UnitOwned`) or that the charm only observes it, so that only an owner's handle can
//!   change it.

mod content;
mod id;
mod info;

pub use content::{ContentError, SecretContent, SecretString};
pub use id::{InvalidSecretId, SecretId};
pub use info::{Expiry, SecretInfo, SecretMeta, SecretRotate};
