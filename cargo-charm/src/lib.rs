//! `cargo charm`: start a charm written with juju-ops (`cargo charm new`), and pack it into a
//! `.charm` that is what charmcraft would write (`cargo charm pack`).
//!
//! The library is the subcommand's implementation, so that tests and tools can pack without
//! spawning it: [`new::new_charm`], [`pack::pack`].

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod archive;
pub mod elf;
mod error;
pub mod manifest;
pub mod new;
pub mod pack;
pub mod platform;
pub mod project;

pub use error::Error;
