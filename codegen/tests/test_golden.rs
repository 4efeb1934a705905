//! Golden files: the generated code for each fixture charm, compared exactly.
//!
//! Every directory under `tests/fixtures` is a charm; its generated code is
//! `tests/golden/<name>.rs`. Regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p juju-ops-build --test test_golden` and read the diff.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The fixture charms, by directory name.
fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// The generated code differs from the golden file: a unified diff, golden first.
fn diff(golden: &str, generated: &str) -> String {
    similar::TextDiff::from_lines(golden, generated)
        .unified_diff()
        .context_radius(3)
        .header("golden", "generated")
        .to_string()
}

#[test]
fn every_fixture_matches_its_golden_file() {
    let mut failures = Vec::new();
    for name in fixtures() {
        let generated = match juju_ops_build::generate_source(root().join("fixtures").join(&name)) {
            Ok(generated) => generated.source,
            Err(error) => {
                failures.push(format!("{name}: {error}"));
                continue;
            }
        };
        let golden = root().join("golden").join(format!("{name}.rs"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &generated).unwrap();
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if generated != expected {
            failures.push(format!("{name} differs from {}:\n{}", golden.display(), diff(&expected, &generated)));
        }
    }
    assert!(failures.is_empty(), "{}\nrun with UPDATE_GOLDEN=1 and read the diff", failures.join("\n\n"));
}

#[test]
fn every_golden_file_has_its_fixture() {
    let fixtures = fixtures();
    for entry in std::fs::read_dir(root().join("golden")).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        let name = file.trim_end_matches(".rs");
        assert!(fixtures.iter().any(|f| f == name), "golden/{file} has no fixture: remove it");
    }
}

#[test]
fn a_difference_reads_as_a_diff() {
    let text = diff("a\nb\nc\n", "a\nB\nc\n");
    assert!(text.contains("-b\n+B\n"), "{text}");
}

#[test]
fn reference_charm_fixture_is_the_reference_charm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = std::fs::read_to_string(root.join("tests/fixtures/hello/charmcraft.yaml")).unwrap();
    let reference = std::fs::read_to_string(root.join("../charm-meta/charmcraft.yaml")).unwrap();
    assert_eq!(fixture, reference, "copy charm-meta/charmcraft.yaml to the fixture");
}
