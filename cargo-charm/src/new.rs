//! `cargo charm new NAME`: a charm crate that builds, tests and packs as it is.

use std::path::{Path, PathBuf};

use crate::Error;

/// Which kind of charm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A Kubernetes sidecar charm: a workload container and its Pebble layer.
    Kubernetes,
    /// A machine charm.
    Machine,
}

/// Where the new crate gets juju-ops from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The git repository.
    Git(String),
    /// A checkout on this machine.
    Path(PathBuf),
}

impl Default for Source {
    fn default() -> Self {
        Source::Git("https://github.com/juju-ops/juju-ops".to_owned())
    }
}

impl Source {
    fn dependency(&self, subdir: &str, features: &str) -> String {
        let features = if features.is_empty() { String::new() } else { format!(", features = [\"{features}\"]") };
        match self {
            Source::Git(url) => format!("{{ git = \"{url}\"{features} }}"),
            Source::Path(path) => {
                let path = if subdir.is_empty() { path.clone() } else { path.join(subdir) };
                format!("{{ path = \"{}\"{features} }}", path.display())
            }
        }
    }
}

/// Writes a new charm crate at `path` (its last component is the charm's name).
///
/// # Errors
///
/// [`Error::Exists`] when `path` exists; [`Error::Project`] for a name Juju refuses.
pub fn new_charm(path: &Path, kind: Kind, source: &Source) -> Result<Vec<PathBuf>, Error> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Project(format!("{} has no name to give the charm", path.display())))?
        .to_owned();
    check_name(&name)?;
    if path.exists() {
        return Err(Error::Exists(path.to_path_buf()));
    }
    let files = files(&name, kind, source);
    let mut written = Vec::new();
    for (relative, content) in files {
        let file = path.join(relative);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(Error::io(parent))?;
        }
        std::fs::write(&file, content).map_err(Error::io(&file))?;
        written.push(file);
    }
    Ok(written)
}

/// Juju's charm names: lower-case letters, digits and hyphens, starting with a letter, not
/// ending with a hyphen.
fn check_name(name: &str) -> Result<(), Error> {
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(Error::Project(format!(
            "`{name}` is not a charm name Juju accepts: use lower-case letters, digits and single hyphens, starting with a letter"
        )))
    }
}

fn type_name(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

fn files(name: &str, kind: Kind, source: &Source) -> Vec<(&'static str, String)> {
    let ty = type_name(name);
    let crate_name = name.replace('-', "_");
    vec![
        ("Cargo.toml", cargo_toml(name, source)),
        ("build.rs", BUILD_RS.to_owned()),
        (".gitignore", "/target\n*.charm\n".to_owned()),
        ("charmcraft.yaml", charmcraft_yaml(name, kind)),
        (
            "src/main.rs",
            format!("//! The charm's `dispatch`.\n\nfn main() {{\n    ops::main::<{crate_name}::{ty}>()\n}}\n"),
        ),
        ("src/lib.rs", lib_rs(&ty, kind)),
        ("tests/test_charm.rs", test_rs(&crate_name, &ty, kind)),
    ]
}

fn cargo_toml(name: &str, source: &Source) -> String {
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
juju-ops = {ops}
log = "0.4"

[build-dependencies]
juju-ops-build = {build}

[dev-dependencies]
juju-ops = {testing}

# A charm binary runs once per event: small and quick to start matters more than peak speed.
[profile.release]
opt-level = "s"
lto = true
codegen-units = 1
strip = true

# The charm is its own workspace, so that it builds where it is (and charmcraft's copy of it does too).
[workspace]
"#,
        ops = source.dependency("", ""),
        build = source.dependency("codegen", ""),
        testing = source.dependency("", "testing"),
    )
}

const BUILD_RS: &str = "// Generates the charm's typed API from charmcraft.yaml (see `mod charm` in src/lib.rs).\n\
fn main() {\n    juju_ops_build::generate();\n}\n";

fn charmcraft_yaml(name: &str, kind: Kind) -> String {
    let mut yaml = format!(
        "name: {name}\ntype: charm\ntitle: {title}\nsummary: A charm written in Rust with juju-ops.\ndescription: |\n  \
         Replace this with what the charm deploys and how to use it.\nbase: ubuntu@24.04\nplatforms:\n  amd64:\n\
         parts:\n  charm:\n    plugin: rust\n    source: .\n    rust-channel: none\n    organize:\n      bin/{name}: dispatch\n",
        title = type_name(name)
    );
    if kind == Kind::Kubernetes {
        yaml.push_str(
            "\ncontainers:\n  workload:\n    resource: workload-image\n\nresources:\n  workload-image:\n    type: oci-image\n    \
             description: The workload's image.\n    upstream-source: ubuntu/nginx:latest\n",
        );
    }
    yaml.push_str(
        "\nconfig:\n  options:\n    port:\n      type: int\n      default: 8080\n      description: The port the workload serves on.\n",
    );
    yaml
}

fn lib_rs(ty: &str, kind: Kind) -> String {
    let header = format!(
        "//! The charm.\n\n/// The typed API generated from charmcraft.yaml.\npub mod charm {{\n    ops::include_charm!();\n}}\n\n\
         use charm::Meta;\n\n/// The charm.\npub struct {ty} {{\n    model: ops::Model<Meta>,\n}}\n\n"
    );
    match kind {
        Kind::Kubernetes => format!(
            "{header}impl ops::CharmBase for {ty} {{\n    type Meta = Meta;\n\n    fn new(framework: &mut ops::Framework<Self>) -> Self {{\n        \
             let on = framework.on();\n        framework.observe(on.workload_pebble_ready, Self::on_pebble_ready);\n        \
             framework.observe(on.config_changed, Self::on_config_changed);\n        {ty} {{ model: framework.model() }}\n    }}\n}}\n\n\
             impl {ty} {{\n    fn on_pebble_ready(&mut self, _: &ops::PebbleReadyEvent<charm::containers::Workload>) -> ops::HandlerResult {{\n        \
             self.configure()\n    }}\n\n    fn on_config_changed(&mut self, _: &ops::ConfigChangedEvent) -> ops::HandlerResult {{\n        \
             self.configure()\n    }}\n\n    /// Puts the workload's service in the Pebble plan and starts it.\n    \
             fn configure(&mut self) -> ops::HandlerResult {{\n        use ops::pebble::{{Layer, Override, Service, Startup}};\n        \
             let container = self.model.unit().container::<charm::containers::Workload>();\n        if !container.can_connect() {{\n            \
             self.model.unit().set_status(ops::WaitingStatus::new(\"waiting for Pebble\"))?;\n            return Ok(());\n        }}\n        \
             let port = self.model.config()?.port;\n        let service = Service::builder()\n            .override_(Override::Replace)\n            \
             .command(format!(\"/usr/sbin/nginx -g 'daemon off; listen {{port}};'\"))\n            .startup(Startup::Enabled)\n            .build();\n        \
             container.add_layer(\"workload\", &Layer::builder().service(\"workload\", service).build(), true)?;\n        \
             container.replan()?;\n        self.model.unit().set_status(ops::ActiveStatus::new(format!(\"serving on {{port}}\")))?;\n        Ok(())\n    }}\n}}\n"
        ),
        Kind::Machine => format!(
            "{header}impl ops::CharmBase for {ty} {{\n    type Meta = Meta;\n\n    fn new(framework: &mut ops::Framework<Self>) -> Self {{\n        \
             let on = framework.on();\n        framework.observe(on.install, Self::on_install);\n        \
             framework.observe(on.config_changed, Self::on_config_changed);\n        {ty} {{ model: framework.model() }}\n    }}\n}}\n\n\
             impl {ty} {{\n    fn on_install(&mut self, _: &ops::InstallEvent) -> ops::HandlerResult {{\n        \
             // Install the workload here (apt, snap, a download).\n        \
             self.model.unit().set_status(ops::MaintenanceStatus::new(\"installing the workload\"))?;\n        Ok(())\n    }}\n\n    \
             fn on_config_changed(&mut self, _: &ops::ConfigChangedEvent) -> ops::HandlerResult {{\n        \
             let port = u16::try_from(self.model.config()?.port).map_err(|_| \"port must be 0 to 65535\")?;\n        \
             self.model.unit().open_port(ops::Port::tcp(port))?;\n        \
             self.model.unit().set_status(ops::ActiveStatus::new(format!(\"serving on {{port}}\")))?;\n        Ok(())\n    }}\n}}\n"
        ),
    }
}

fn test_rs(crate_name: &str, ty: &str, kind: Kind) -> String {
    let imports = match kind {
        Kind::Kubernetes => "ContainerState, Context, Event",
        Kind::Machine => "Context",
    };
    let header = format!(
        "//! The charm on the in-memory Juju: give a state, run one event, check the state that comes out.\n\n\
         use {crate_name}::{ty};\nuse ops::testing::{{{imports}}};\n\n"
    );
    match kind {
        Kind::Kubernetes => format!(
            "{header}#[test]\nfn pebble_ready_starts_the_workload() {{\n    let ctx = Context::<{ty}>::new();\n    \
             let state = ctx.state_from_meta().with_container(\"workload\", ContainerState::connected());\n    \
             let out = ctx.run(Event::pebble_ready(ctx.on().workload_pebble_ready), state).unwrap();\n    \
             assert!(out.state.containers[\"workload\"].is_running(\"workload\"));\n    \
             assert_eq!(out.state.unit_status, ops::ActiveStatus::new(\"serving on 8080\").into());\n}}\n"
        ),
        Kind::Machine => format!(
            "{header}#[test]\nfn config_changed_opens_the_port() {{\n    let ctx = Context::<{ty}>::new();\n    \
             let out = ctx.run(ctx.on().config_changed, ctx.state_from_meta()).unwrap();\n    \
             assert!(out.state.opened_ports.contains(\"8080/tcp\"));\n    \
             assert_eq!(out.state.unit_status, ops::ActiveStatus::new(\"serving on 8080\").into());\n}}\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_juju() {
        assert!(check_name("my-charm2").is_ok());
        for bad in ["My", "2x", "a-", "a--b", "a_b", ""] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert_eq!(type_name("my-charm"), "MyCharm");
    }

    #[test]
    fn a_new_charm_is_written_and_an_existing_one_refused() {
        let dir = std::env::temp_dir().join(format!("cargo-charm-new-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("demo");
        let files = new_charm(&path, Kind::Machine, &Source::Path("/x/juju-ops".into())).unwrap();
        assert_eq!(files.len(), 7);
        let cargo = std::fs::read_to_string(path.join("Cargo.toml")).unwrap();
        assert!(cargo.contains("juju-ops-build = { path = \"/x/juju-ops/codegen\" }"), "{cargo}");
        assert!(matches!(new_charm(&path, Kind::Machine, &Source::default()), Err(Error::Exists(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
