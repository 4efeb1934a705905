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
//! as static data), `Config` (one typed field per option), `Events` with a typed source per
//! event, and one module per kind of declaration: `containers`, `relations`, `storages`,
//! `resources` (a marker type each) and `actions` (a params struct each). Its shape is
//! documented in `docs/generated-shape.md`.
//!
//! Every layout charmcraft accepts is read with charmcraft's rules: a unified
//! `charmcraft.yaml`; a build-only `charmcraft.yaml` beside `metadata.yaml` (+ `config.yaml`,
//! `actions.yaml`); or the split files alone.
//!
//! A problem in the YAML fails the build with one line per problem, in the form editors
//! can follow: `error: charmcraft.yaml:14:13: option `port` has unknown type `strng` ...`.
//! Something that is not wrong but probably not what the author meant is a warning.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
// The crate example is a build script: its `fn main` is the point of it.
#![allow(clippy::needless_doctest_main)]

mod emit;
#[doc(hidden)]
pub mod event_table;
mod hash;
mod model;
mod names;
mod yaml;

/// charmcraft 4.5's keys: [`DESCRIPTIVE_KEYS`] (`name`, `summary`, `description`) and
/// [`METADATA_KEYS`], which together make a packed charm's `metadata.yaml` when the project
/// has none of its own (`title` and `links` renamed on the way).
pub use model::{DESCRIPTIVE_KEYS, METADATA_KEYS};

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
#[non_exhaustive]
pub enum Error {
    /// The YAML has problems; each error is one diagnostic.
    #[error("{}", Diagnostics(errors))]
    Invalid {
        /// What fails the build.
        errors: Vec<Diagnostic>,
        /// What was found besides (see [`Generated::warnings`]).
        warnings: Vec<Diagnostic>,
    },
    /// A file could not be read or written.
    #[error("cannot access {}", path.display())]
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

/// The generated code for a charm, and what was learned reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The Rust source.
    pub source: String,
    /// The files read.
    pub inputs: Vec<PathBuf>,
    /// Things that are not wrong but probably not what the author meant (a container that
    /// names no image, a key charmcraft ignores); printed as `cargo::warning=` by [`generate`].
    pub warnings: Vec<Diagnostic>,
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
    /// The warnings found (see [`Generated::warnings`]).
    pub warnings: Vec<Diagnostic>,
}

/// The files a charm's metadata may come from.
const CANDIDATES: [&str; 4] = ["charmcraft.yaml", "metadata.yaml", "config.yaml", "actions.yaml"];

/// The one call for a charm's `build.rs`: reads the YAML in the crate's directory, writes
/// `$OUT_DIR/charm.rs`, and tells Cargo when to run again. Problems in the YAML are
/// reported with `cargo::error=` (one line each), which fails the build, and warnings with
/// `cargo::warning=`; this function itself never panics.
///
/// Cargo runs the build script again when any of the charm's YAML files changes. It also
/// notices a file added or removed (say a new `actions.yaml`) when the build's target
/// directory is outside the crate, as in a workspace; a lone crate with `target/` inside
/// its own directory cannot watch its directory (every build would change it), so after
/// adding or removing one of these files there, touch `build.rs`.
pub fn generate() {
    let result = Builder::new().from_cargo_env().and_then(|builder| builder.generate());
    match result {
        Ok(outcome) => print_warnings(&outcome.warnings),
        Err(Error::Invalid { errors, warnings }) => {
            print_warnings(&warnings);
            for diagnostic in errors {
                println!("cargo::error={diagnostic}");
            }
        }
        Err(error) => println!("cargo::error={}", error_chain(&error)),
    }
}

fn print_warnings(warnings: &[Diagnostic]) {
    for warning in warnings {
        println!("cargo::warning={warning}");
    }
}

/// An error and its sources, on one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    text
}

/// Generates a charm's API with explicit paths (for the library's own build script, and tests).
#[derive(Debug, Clone)]
pub struct Builder {
    charm_dir: PathBuf,
    out_file: PathBuf,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

/// Where the charm's YAML is: the crate's directory, or, when it has none of the charm's
/// files, the craft project directory that has them.
fn charm_dir_for(manifest: &Path, craft_project: Option<PathBuf>) -> PathBuf {
    let has_yaml = |dir: &Path| CANDIDATES.iter().any(|name| dir.join(name).is_file());
    match craft_project {
        Some(project) if !has_yaml(manifest) && has_yaml(&project) => project,
        _ => manifest.to_path_buf(),
    }
}

impl Builder {
    /// A builder reading the current directory and writing `charm.rs` there.
    pub fn new() -> Self {
        Builder { charm_dir: PathBuf::from("."), out_file: PathBuf::from("charm.rs") }
    }

    /// Reads `CARGO_MANIFEST_DIR` and `OUT_DIR`: the YAML beside Cargo.toml, the output in
    /// `OUT_DIR/charm.rs`. Inside `charmcraft pack`, which never copies the project's
    /// `charmcraft.yaml` into the part it builds, the YAML is read from `CRAFT_PROJECT_DIR`
    /// when the crate's directory has none of the charm's files.
    pub fn from_cargo_env(self) -> Result<Self, Error> {
        let manifest = std::env::var_os("CARGO_MANIFEST_DIR").ok_or(Error::MissingEnv("CARGO_MANIFEST_DIR"))?;
        let out = std::env::var_os("OUT_DIR").ok_or(Error::MissingEnv("OUT_DIR"))?;
        println!("cargo::rerun-if-env-changed=CRAFT_PROJECT_DIR");
        let dir = charm_dir_for(Path::new(&manifest), std::env::var_os("CRAFT_PROJECT_DIR").map(PathBuf::from));
        Ok(self.charm_dir(dir).out_file(Path::new(&out).join("charm.rs")))
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
    /// `cargo::rerun-if-changed` for every file read (and for the charm's directory, when
    /// the output is outside it, so that a file added there is noticed).
    pub fn generate(&self) -> Result<GenerateOutcome, Error> {
        self.watch();
        let generated = generate_source(&self.charm_dir)?;
        let changed = std::fs::read_to_string(&self.out_file).ok().as_deref() != Some(generated.source.as_str());
        if changed {
            std::fs::write(&self.out_file, &generated.source)
                .map_err(|source| Error::Io { path: self.out_file.clone(), source })?;
        }
        Ok(GenerateOutcome {
            path: self.out_file.clone(),
            changed,
            inputs: generated.inputs,
            warnings: generated.warnings,
        })
    }

    /// `rerun-if-changed` for each candidate that exists. A missing file would make Cargo
    /// run the script (and rebuild the crate) on every build, so absent candidates are
    /// covered by watching the directory instead, when that is safe.
    fn watch(&self) {
        for name in CANDIDATES {
            let path = self.charm_dir.join(name);
            if path.exists() {
                println!("cargo::rerun-if-changed={}", path.display());
            }
        }
        let inside = |dir: &Path, file: &Path| match (dir.canonicalize(), file.parent().map(Path::canonicalize)) {
            (Ok(dir), Some(Ok(parent))) => parent.starts_with(dir),
            _ => true,
        };
        if !inside(&self.charm_dir, &self.out_file) {
            println!("cargo::rerun-if-changed={}", self.charm_dir.display());
        }
    }
}

/// The generated code for the charm in `dir`, without writing anything.
pub fn generate_source(dir: impl AsRef<Path>) -> Result<Generated, Error> {
    let dir = dir.as_ref();
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut read = |name: &str| -> Result<Option<yaml::Source>, Error> {
        let path = dir.join(name);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                errors.push(Diagnostic { file: name.to_owned(), line: 1, column: 1, message: "not UTF-8 text".into() });
                return Ok(None);
            }
            Err(source) => return Err(Error::Io { path, source }),
        };
        inputs.push(path);
        Ok(yaml::Source::parse(name, text).map_err(|d| errors.push(d)).ok())
    };
    let project = model::Project {
        charmcraft: read("charmcraft.yaml")?,
        metadata: read("metadata.yaml")?,
        config: read("config.yaml")?,
        actions: read("actions.yaml")?,
    };
    if project.charmcraft.is_none() && project.metadata.is_none() && errors.is_empty() {
        let message = format!("no charmcraft.yaml or metadata.yaml in {}", dir.display());
        errors.push(Diagnostic { file: "charmcraft.yaml".into(), line: 1, column: 1, message });
    }
    if !errors.is_empty() {
        return Err(Error::Invalid { errors, warnings: Vec::new() });
    }
    match model::parse(&project) {
        Ok(parsed) => Ok(Generated { source: emit::source(&parsed.charm), inputs, warnings: parsed.warnings }),
        Err(refused) => Err(Error::Invalid { errors: refused.errors, warnings: refused.warnings }),
    }
}

#[cfg(test)]
mod craft_project_tests {
    use super::*;

    #[test]
    fn the_craft_project_is_read_only_when_the_crate_has_no_charm_files() {
        let part = scratch_dir("part");
        let project = scratch_dir("project");
        std::fs::write(project.join("charmcraft.yaml"), "name: x\n").unwrap();
        assert_eq!(
            charm_dir_for(&part, Some(project.clone())),
            project,
            "charmcraft's part copy has no charmcraft.yaml"
        );
        assert_eq!(charm_dir_for(&part, None), part);
        std::fs::write(part.join("metadata.yaml"), "name: x\n").unwrap();
        assert_eq!(charm_dir_for(&part, Some(project)), part, "the crate's own files win");
    }

    fn scratch_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("juju-ops-build-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
