//! The build-script half of [juju-ops](https://docs.rs/juju-ops): turns a charm's
//! `charmcraft.yaml` (or `metadata.yaml`, `config.yaml` and `actions.yaml`) into typed Rust.
//!
//! In the charm's `build.rs`:
//!
//! ```no_run
//! fn main() {
//!     juju_ops_build::generate();
//! }
//! ```
//!
//! and in the charm:
//!
//! ```ignore
//! mod charm {
//!     ops::include_charm!();
//! }
//! ```
//!
//! The generated module holds `Meta` (the charm's `ops::CharmMeta`), `METADATA` (the YAML
//! as static data), `Config` (one typed field per option), a marker type per container,
//! relation endpoint and storage, an `<Action>Params` struct per action, and `Events` with
//! a typed source per event. Its shape is documented in `docs/generated-shape.md`.
//!
//! A problem in the YAML fails the build with one line per problem, in the form editors
//! can follow: `error: charmcraft.yaml:14:13: option `port` has unknown type `strng` ...`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
// The crate example is a build script: its `fn main` is the point of it.
#![allow(clippy::needless_doctest_main)]

mod emit;
mod model;
mod names;
mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in the charm's YAML, at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct Diagnostic {
    /// The file, relative to the charm's directory.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The YAML has problems; each is one diagnostic.
    #[error("{}", Diagnostics(.0))]
    Invalid(Vec<Diagnostic>),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A build-script environment variable Cargo sets is missing.
    #[error("{0} is not set: call this from a build script")]
    MissingEnv(&'static str),
}

struct Diagnostics<'a>(&'a [Diagnostic]);

impl fmt::Display for Diagnostics<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

/// What [`Builder::generate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOutcome {
    /// The file written (or left alone).
    pub path: PathBuf,
    /// Whether its content changed (it is written only then).
    pub changed: bool,
    /// The files read, for `rerun-if-changed`.
    pub inputs: Vec<PathBuf>,
}

/// The files a charm's metadata may come from, in the order they are looked for.
const CANDIDATES: [&str; 4] = ["charmcraft.yaml", "metadata.yaml", "config.yaml", "actions.yaml"];

/// The one call for a charm's `build.rs`: reads the YAML in the crate's directory, writes
/// `$OUT_DIR/charm.rs`, and tells Cargo when to run again. Problems in the YAML are
/// reported with `cargo::error=` (one line each), which fails the build; this function
/// itself never panics.
pub fn generate() {
    let result = Builder::new().from_cargo_env().and_then(|builder| {
        for name in CANDIDATES {
            println!("cargo::rerun-if-changed={}", builder.charm_dir.join(name).display());
        }
        builder.generate()
    });
    match result {
        Ok(_) => {}
        Err(Error::Invalid(diagnostics)) => {
            for diagnostic in diagnostics {
                println!("cargo::error={diagnostic}");
            }
        }
        Err(error) => println!("cargo::error={error}"),
    }
}

/// Generates a charm's API with explicit paths (for the library's own build script, and tests).
#[derive(Debug, Clone, Default)]
pub struct Builder {
    charm_dir: PathBuf,
    out_file: PathBuf,
}

impl Builder {
    /// A builder reading the current directory and writing `charm.rs` there.
    pub fn new() -> Self {
        Builder { charm_dir: PathBuf::from("."), out_file: PathBuf::from("charm.rs") }
    }

    /// Reads `CARGO_MANIFEST_DIR` and `OUT_DIR`: the YAML beside Cargo.toml, the output in `OUT_DIR/charm.rs`.
    pub fn from_cargo_env(self) -> Result<Self, Error> {
        let manifest = std::env::var_os("CARGO_MANIFEST_DIR").ok_or(Error::MissingEnv("CARGO_MANIFEST_DIR"))?;
        let out = std::env::var_os("OUT_DIR").ok_or(Error::MissingEnv("OUT_DIR"))?;
        Ok(self.charm_dir(manifest).out_file(Path::new(&out).join("charm.rs")))
    }

    /// The directory holding `charmcraft.yaml` or the split files.
    pub fn charm_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.charm_dir = dir.into();
        self
    }

    /// The file to write.
    pub fn out_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.out_file = file.into();
        self
    }

    /// Generates the code; writes the file only if its content changed, and prints
    /// `cargo::rerun-if-changed` for every file read.
    pub fn generate(&self) -> Result<GenerateOutcome, Error> {
        let (source, inputs) = generate_with_inputs(&self.charm_dir)?;
        for input in &inputs {
            println!("cargo::rerun-if-changed={}", input.display());
        }
        let changed = std::fs::read_to_string(&self.out_file).ok().as_deref() != Some(source.as_str());
        if changed {
            std::fs::write(&self.out_file, &source)
                .map_err(|source| Error::Io { path: self.out_file.clone(), source })?;
        }
        Ok(GenerateOutcome { path: self.out_file.clone(), changed, inputs })
    }
}

/// The generated source for the charm in `dir`, without writing anything.
pub fn generate_source(dir: impl AsRef<Path>) -> Result<String, Error> {
    generate_with_inputs(dir.as_ref()).map(|(source, _)| source)
}

fn generate_with_inputs(dir: &Path) -> Result<(String, Vec<PathBuf>), Error> {
    let mut inputs = Vec::new();
    let mut read = |name: &str| -> Result<Option<yaml::Source>, Error> {
        let path = dir.join(name);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Io { path, source }),
        };
        inputs.push(path);
        yaml::Source::parse(name, text).map(Some).map_err(|d| Error::Invalid(vec![d]))
    };
    let inputs_model = if let Some(metadata) = read("charmcraft.yaml")? {
        model::Inputs { metadata, config: None, actions: None, unified: true }
    } else if let Some(metadata) = read("metadata.yaml")? {
        model::Inputs { metadata, config: read("config.yaml")?, actions: read("actions.yaml")?, unified: false }
    } else {
        let message = format!("no charmcraft.yaml or metadata.yaml in {}", dir.display());
        return Err(Error::Invalid(vec![Diagnostic { file: "charmcraft.yaml".into(), line: 1, column: 1, message }]));
    };
    let charm = model::parse(&inputs_model).map_err(Error::Invalid)?;
    Ok((emit::source(&charm), inputs))
}
