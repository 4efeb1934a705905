//! The one error type: each variant says what to fix.

use std::path::PathBuf;

/// Why `cargo charm` stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A YAML file is not valid YAML, or not the shape charmcraft reads.
    #[error("{path}: {message}")]
    Yaml {
        /// The file.
        path: PathBuf,
        /// What is wrong, and what to write instead.
        message: String,
    },
    /// The project is not a charm this tool can pack.
    #[error("{0}")]
    Project(String),
    /// A platform this machine cannot build for.
    #[error("cannot build platform `{platform}` here: {reason}")]
    Platform {
        /// The platform's name in charmcraft.yaml.
        platform: String,
        /// Why, and what to do.
        reason: String,
    },
    /// The binary needs a newer C library than a declared base has.
    #[error(
        "the dispatch binary needs GLIBC_{needed} but {base} has glibc {available}: build on a system with glibc \
         {available} or older (or in charmcraft's LXD container for that base), or drop the base from `platforms:`"
    )]
    Glibc {
        /// The newest version the binary asks for.
        needed: String,
        /// The base.
        base: String,
        /// What the base has.
        available: String,
    },
    /// A command failed.
    #[error("`{command}` failed{}", .status.map(|s| format!(" with exit code {s}")).unwrap_or_default())]
    Command {
        /// The command line.
        command: String,
        /// Its exit code.
        status: Option<i32>,
    },
    /// The packed file is not what it must be.
    #[error("the packed charm is broken: {0}")]
    Packed(String),
    /// The archive could not be written.
    #[error("writing the .charm: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// `cargo charm new` would overwrite something.
    #[error("{0} already exists: choose another name or remove it")]
    Exists(PathBuf),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}
