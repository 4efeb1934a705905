//! `cargo charm pack`: builds the charm's binary with the workspace's lock and release
//! profile, checks it runs on every base the charm declares, and writes
//! `{name}_{platform}.charm` as charmcraft would.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::archive::{self, Entry};
use crate::platform::{self, Platform};
use crate::project::Project;
use crate::{Error, elf, manifest};

/// What to pack.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The charm crate's Cargo.toml (default: `./Cargo.toml`).
    pub manifest_path: Option<PathBuf>,
    /// Only these platforms (default: every one declared).
    pub platforms: Vec<String>,
    /// Where to write the `.charm` files (default: the project directory).
    pub out_dir: Option<PathBuf>,
    /// Use this binary as `dispatch` instead of building one.
    pub binary: Option<PathBuf>,
    /// Print nothing.
    pub quiet: bool,
}

/// What was packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    target_directory: PathBuf,
    workspace_root: PathBuf,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    manifest_path: PathBuf,
    targets: Vec<Target>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

/// Packs the charm.
///
/// # Errors
///
/// Each step's failure, saying what to fix.
pub fn pack(options: &Options) -> Result<Vec<Packed>, Error> {
    let say = |line: String| {
        if !options.quiet {
            eprintln!("{line}");
        }
    };
    let manifest_path = options.manifest_path.clone().unwrap_or_else(|| PathBuf::from("Cargo.toml"));
    let manifest_path = manifest_path.canonicalize().map_err(Error::io(&manifest_path))?;
    let dir = manifest_path.parent().map(Path::to_path_buf).unwrap_or_default();
    say(format!("  Reading {}", dir.join("charmcraft.yaml").display()));
    let project = Project::read(&dir)?;
    let name = project.name()?;
    let mut platforms = platform::platforms(&project.charmcraft)?;
    if !options.platforms.is_empty() {
        for wanted in &options.platforms {
            if !platforms.iter().any(|p| &p.name == wanted) {
                let declared: Vec<&str> = platforms.iter().map(|p| p.name.as_str()).collect();
                return Err(Error::Project(format!(
                    "no platform `{wanted}` in charmcraft.yaml (it declares {declared:?})"
                )));
            }
        }
        platforms.retain(|p| options.platforms.contains(&p.name));
    }
    for platform in &platforms {
        platform.check_buildable()?;
    }
    let binary = match &options.binary {
        Some(binary) => binary.clone(),
        None => build(&manifest_path, &say)?,
    };
    say(format!("  Checking {} against each base", binary.display()));
    let dispatch = std::fs::read(&binary).map_err(Error::io(&binary))?;
    let needs = elf::needs(&dispatch)?;
    for platform in &platforms {
        check_glibc(&needs, platform, &say)?;
    }
    let out_dir = options.out_dir.clone().unwrap_or_else(|| dir.clone());
    let mut packed = Vec::new();
    for platform in &platforms {
        let entries = entries(&project, platform, dispatch.clone())?;
        let path = out_dir.join(format!("{name}_{}.charm", platform.file_name()));
        say(format!("  Writing {}", path.display()));
        archive::write(&path, &entries)?;
        archive::check(&archive::read(&path)?)?;
        let size = std::fs::metadata(&path).map_err(Error::io(&path))?.len();
        say(format!("Packed {} ({size} bytes)", path.display()));
        packed.push(Packed { path, size });
    }
    Ok(packed)
}

/// `cargo build --release` of the package's binary, with the workspace's lock file.
fn build(manifest_path: &Path, say: &dyn Fn(String)) -> Result<PathBuf, Error> {
    let output = Command::new(cargo())
        .args(["metadata", "--no-deps", "--format-version", "1", "--manifest-path"])
        .arg(manifest_path)
        .output()
        .map_err(Error::io("cargo"))?;
    if !output.status.success() {
        return Err(Error::Command { command: "cargo metadata".into(), status: output.status.code() });
    }
    let metadata: Metadata = serde_json::from_slice(&output.stdout)
        .map_err(|e| Error::Project(format!("cargo metadata printed what cannot be read: {e}")))?;
    let package = metadata
        .packages
        .iter()
        .find(|p| p.manifest_path == manifest_path)
        .ok_or_else(|| Error::Project(format!("{} is not a package's manifest", manifest_path.display())))?;
    let bins: Vec<&str> =
        package.targets.iter().filter(|t| t.kind.iter().any(|k| k == "bin")).map(|t| t.name.as_str()).collect();
    let bin = match bins.as_slice() {
        [one] => (*one).to_owned(),
        _ if bins.contains(&package.name.as_str()) => package.name.clone(),
        [] => {
            return Err(Error::Project(format!(
                "package {} has no binary: add src/main.rs calling ops::main",
                package.name
            )));
        }
        _ => {
            return Err(Error::Project(format!(
                "package {} has several binaries ({bins:?}) and none is named after it: name the charm's `{}`",
                package.name, package.name
            )));
        }
    };
    let mut command = Command::new(cargo());
    command.args(["build", "--release", "--bin", &bin, "--manifest-path"]).arg(manifest_path);
    if metadata.workspace_root.join("Cargo.lock").is_file() {
        command.arg("--locked");
    }
    say(format!("  Building {bin} (cargo build --release, the workspace's lock and profile)"));
    let status = command.status().map_err(Error::io("cargo"))?;
    if !status.success() {
        return Err(Error::Command { command: format!("cargo build --release --bin {bin}"), status: status.code() });
    }
    Ok(metadata.target_directory.join("release").join(bin))
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

fn check_glibc(needs: &elf::Needs, platform: &Platform, say: &dyn Fn(String)) -> Result<(), Error> {
    let Some(needed) = needs.glibc else {
        say(format!("    {}: static, runs on any {}", platform.base, platform.arch));
        return Ok(());
    };
    let Some(available) = platform.base.glibc() else {
        say(format!("    {}: glibc unknown; the binary needs {}.{}", platform.base, needed.0, needed.1));
        return Ok(());
    };
    if needed > available {
        return Err(Error::Glibc {
            needed: format!("{}.{}", needed.0, needed.1),
            base: platform.base.to_string(),
            available: format!("{}.{}", available.0, available.1),
        });
    }
    say(format!("    {}: needs glibc {}.{}, has {}.{}", platform.base, needed.0, needed.1, available.0, available.1));
    Ok(())
}

fn entries(project: &Project, platform: &Platform, dispatch: Vec<u8>) -> Result<Vec<Entry>, Error> {
    let text = |name: &str, text: String| Entry { name: name.to_owned(), data: text.into_bytes(), mode: 0o644 };
    let mut entries = vec![Entry { name: "dispatch".into(), data: dispatch, mode: 0o755 }];
    entries.push(text("metadata.yaml", project.metadata_yaml()?));
    entries.push(text("manifest.yaml", manifest::manifest_yaml(platform, &manifest::now())));
    if let Some(config) = project.config_yaml()? {
        entries.push(text("config.yaml", config));
    }
    if let Some(actions) = project.actions_yaml()? {
        entries.push(text("actions.yaml", actions));
    }
    for optional in ["README.md", "LICENSE", "icon.svg"] {
        let path = project.dir.join(optional);
        if path.is_file() {
            let data = std::fs::read(&path).map_err(Error::io(&path))?;
            entries.push(Entry { name: optional.to_owned(), data, mode: 0o644 });
        }
    }
    Ok(entries)
}
