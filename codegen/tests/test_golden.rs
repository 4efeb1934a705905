//! Golden files: the generated code for each fixture charm, compared exactly.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p juju-ops-build --test test_golden` and read the diff.

use std::path::Path;

fn check(name: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let generated = juju_ops_build::generate_source(root.join("fixtures").join(name)).unwrap();
    let golden = root.join("golden").join(format!("{name}.rs"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &generated).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    assert!(
        generated == expected,
        "generated code for {name} differs from {}; run with UPDATE_GOLDEN=1",
        golden.display()
    );
}

#[test]
fn hello() {
    check("hello");
}

#[test]
fn split_files() {
    check("split-files");
}

#[test]
fn empty_config() {
    check("empty-config");
}

#[test]
fn reference_charm_fixture_is_the_reference_charm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = std::fs::read_to_string(root.join("tests/fixtures/hello/charmcraft.yaml")).unwrap();
    let reference = std::fs::read_to_string(root.join("../charm-meta/charmcraft.yaml")).unwrap();
    assert_eq!(fixture, reference, "copy charm-meta/charmcraft.yaml to the fixture");
}
