//! `cargo charm pack` on the reference charm: the `.charm` holds what charmcraft would write
//! (the YAML files against goldens), and its `dispatch`, unzipped as Juju unpacks a charm,
//! runs the lifecycle against the strict fake tools.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use cargo_charm::archive;
use cargo_charm::pack::{Options, pack};
use common::{CHARM, fake, leader_with_thing, lines};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn golden(name: &str, actual: &str) {
    let path = root().join("testbed/tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no golden {}; run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(actual, expected, "{name} differs from its golden");
}

#[test]
fn the_packed_reference_charm_is_what_charmcraft_writes_and_its_dispatch_runs() {
    let out = tempfile::tempdir().unwrap();
    let options = Options {
        manifest_path: Some(root().join("examples/hello-charm/Cargo.toml")),
        out_dir: Some(out.path().to_path_buf()),
        binary: Some(PathBuf::from(CHARM)),
        quiet: true,
        ..Options::default()
    };
    let packed = pack(&options).unwrap();
    assert_eq!(packed.len(), 1);
    assert_eq!(packed[0].path.file_name().unwrap(), "hello_amd64.charm");
    let entries = archive::read(&packed[0].path).unwrap();
    let names: Vec<(&str, u32)> = entries.iter().map(|e| (e.name.as_str(), e.mode)).collect();
    assert_eq!(
        names,
        [
            ("dispatch", 0o755),
            ("metadata.yaml", 0o644),
            ("manifest.yaml", 0o644),
            ("config.yaml", 0o644),
            ("actions.yaml", 0o644)
        ]
    );
    let text = |name: &str| String::from_utf8(entries.iter().find(|e| e.name == name).unwrap().data.clone()).unwrap();
    golden("hello_metadata.yaml", &text("metadata.yaml"));
    golden("hello_config.yaml", &text("config.yaml"));
    golden("hello_actions.yaml", &text("actions.yaml"));
    let manifest = text("manifest.yaml");
    let started = manifest.lines().find(|l| l.starts_with("charmcraft-started-at:")).unwrap().to_owned();
    golden("hello_manifest.yaml", &manifest.replace(&started, "charmcraft-started-at: '<when>'"));

    // Unzip as Juju does, and run the charm from its own directory: this one, or the one
    // `PACKED_CHARM` names (CI points it at the release .charm `cargo charm pack` built).
    let entries = match std::env::var_os("PACKED_CHARM") {
        Some(path) => archive::read(Path::new(&path)).unwrap(),
        None => entries,
    };
    archive::check(&entries).unwrap();
    let juju = fake(leader_with_thing("Rust"));
    for entry in &entries {
        let path = juju.charm_dir().join(&entry.name);
        std::fs::write(&path, &entry.data).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(entry.mode)).unwrap();
    }
    let dispatch = juju.charm_dir().join("dispatch");
    for hook in ["install", "config-changed", "start", "update-status"] {
        juju.clear_calls();
        let out = juju.command(&dispatch).env("JUJU_DISPATCH_PATH", format!("hooks/{hook}")).output().unwrap();
        assert!(out.status.success(), "{hook}: {}", String::from_utf8_lossy(&out.stderr));
        for call in juju.calls() {
            assert_eq!(call.exit, 0, "the fake Juju rejected {}", call.line());
        }
        assert!(!lines(&juju).is_empty(), "{hook} made hook-tool calls");
    }
    assert_eq!(juju.state().unit_status.status, "active");
}

#[test]
fn a_platform_it_cannot_build_and_a_missing_binary_are_refused_clearly() {
    let options = Options {
        manifest_path: Some(root().join("examples/hello-charm/Cargo.toml")),
        platforms: vec!["arm64".into()],
        binary: Some(PathBuf::from(CHARM)),
        quiet: true,
        ..Options::default()
    };
    let error = pack(&options).unwrap_err().to_string();
    assert!(error.contains("no platform `arm64`"), "{error}");

    let out = tempfile::tempdir().unwrap();
    let not_elf = out.path().join("dispatch");
    std::fs::write(&not_elf, "#!/bin/sh\n").unwrap();
    let options =
        Options { binary: Some(not_elf), out_dir: Some(out.path().to_path_buf()), platforms: vec![], ..options };
    let error = pack(&options).unwrap_err().to_string();
    assert!(error.contains("not a 64-bit ELF executable"), "{error}");
}
