//! `cargo charm`: `cargo charm new NAME` and `cargo charm pack`.

use std::path::PathBuf;
use std::process::ExitCode;

use cargo_charm::new::{Kind, Source};
use clap::{Args, Parser, Subcommand};

/// Cargo runs `cargo-charm charm <args>`.
#[derive(Parser)]
#[command(name = "cargo", bin_name = "cargo")]
enum Cargo {
    /// Juju charms written with juju-ops.
    #[command(subcommand)]
    Charm(Command),
}

#[derive(Subcommand)]
enum Command {
    /// Writes a charm crate that builds, tests and packs as it is.
    New(New),
    /// Builds the charm's binary and writes `{name}_{platform}.charm`.
    Pack(Pack),
}

#[derive(Args)]
struct New {
    /// Where to write it; its last component is the charm's name.
    path: PathBuf,
    /// A Kubernetes charm: a workload container and its Pebble layer (the default).
    #[arg(long, conflicts_with = "machine")]
    kubernetes: bool,
    /// A machine charm.
    #[arg(long)]
    machine: bool,
    /// Take juju-ops from this checkout instead of its git repository.
    #[arg(long, value_name = "DIR")]
    ops_path: Option<PathBuf>,
}

#[derive(Args)]
struct Pack {
    /// The charm crate's Cargo.toml.
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    /// Only this platform (repeat for several).
    #[arg(long)]
    platform: Vec<String>,
    /// Where to write the .charm files (default: beside charmcraft.yaml).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Pack this binary as `dispatch` instead of building one.
    #[arg(long, value_name = "PATH")]
    binary: Option<PathBuf>,
}

fn main() -> ExitCode {
    let Cargo::Charm(command) = Cargo::parse();
    let result = match command {
        Command::New(new) => {
            let kind = if new.machine { Kind::Machine } else { Kind::Kubernetes };
            let source = new.ops_path.map(|p| Source::Path(p.canonicalize().unwrap_or(p))).unwrap_or_default();
            cargo_charm::new::new_charm(&new.path, kind, &source).map(|files| {
                eprintln!(
                    "Created {} ({} files): cd there, then `cargo test` and `cargo charm pack`",
                    new.path.display(),
                    files.len()
                );
                lock(&new.path);
            })
        }
        Command::Pack(pack) => {
            let options = cargo_charm::pack::Options {
                manifest_path: pack.manifest_path,
                platforms: pack.platform,
                out_dir: pack.out_dir,
                binary: pack.binary,
                quiet: false,
            };
            cargo_charm::pack::pack(&options).map(drop)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the new crate's `Cargo.lock`, so that every build of the charm, `charmcraft pack`'s
/// (`cargo install --locked`) as well as `cargo charm pack`'s, uses the same dependency
/// versions. Best effort: resolving needs the registry, and the crate is usable without it.
fn lock(path: &std::path::Path) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .arg("generate-lockfile")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(path.join("Cargo.toml"))
        .status();
    match status {
        Ok(status) if status.success() => eprintln!("Locked its dependencies in Cargo.lock"),
        _ => eprintln!(
            "Cargo.lock not written (could not resolve the dependencies now): run `cargo generate-lockfile` in {} before packing, so that builds use the same versions",
            path.display()
        ),
    }
}
