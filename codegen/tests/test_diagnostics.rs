//! Broken charm YAML fails with one `file:line:col: message` per problem.

use std::path::PathBuf;

/// Writes `files` into a fresh directory and returns the diagnostics as text lines.
fn diagnostics(case: &str, files: &[(&str, &str)]) -> Vec<String> {
    let dir: PathBuf = std::env::temp_dir().join(format!("juju-ops-build-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let result = juju_ops_build::generate_source(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    match result {
        Err(juju_ops_build::Error::Invalid(diagnostics)) => diagnostics.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("expected diagnostics, got {other}"),
        Ok(_) => panic!("expected diagnostics, got generated code"),
    }
}

fn charmcraft(case: &str, text: &str) -> Vec<String> {
    diagnostics(case, &[("charmcraft.yaml", text)])
}

#[test]
fn yaml_syntax() {
    let lines = charmcraft("syntax", "name: x\nconfig:\n  options: [unclosed\n");
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with("charmcraft.yaml:4:1: invalid YAML: "), "{lines:?}");
}

#[test]
fn unknown_option_type() {
    let lines = charmcraft("opt-type", "name: x\nconfig:\n  options:\n    port:\n      type: strng\n");
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:5:13: option `port` has unknown type `strng` (expected one of: string, int, float, boolean, secret)"
        ]
    );
}

#[test]
fn option_without_type() {
    let lines = charmcraft("opt-no-type", "name: x\nconfig:\n  options:\n    port:\n      default: 1\n");
    assert_eq!(
        lines,
        ["charmcraft.yaml:4:5: option `port` needs a `type` (one of: string, int, float, boolean, secret)"]
    );
}

#[test]
fn default_of_the_wrong_type() {
    let lines = charmcraft(
        "default",
        "name: x\nconfig:\n  options:\n    port:\n      type: int\n      default: eighty\n    on:\n      type: boolean\n      default: 1\n",
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:6:16: default \"eighty\" of option `port` is not an int",
            "charmcraft.yaml:9:16: default 1 of option `on` is not a boolean",
        ]
    );
}

#[test]
fn relation_without_interface_and_bad_limit_and_scope() {
    let lines = charmcraft("relation", "name: x\nrequires:\n  db:\n    limit: one\n    scope: planet\n");
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:3:3: relation `db` needs an `interface`",
            "charmcraft.yaml:4:12: `limit` of relation `db` must be a whole number, got \"one\"",
            "charmcraft.yaml:5:12: `scope` of relation `db` must be `global` or `container`, got \"planet\"",
        ]
    );
}

#[test]
fn duplicate_endpoints() {
    let lines =
        charmcraft("dup", "name: x\nrequires:\n  db:\n    interface: pg\npeers:\n  db:\n    interface: peers\n");
    assert_eq!(lines, ["charmcraft.yaml:6:3: relation endpoint `db` is declared twice (also under `requires`)"]);
}

#[test]
fn names_that_collide_in_rust() {
    let lines = charmcraft(
        "collide",
        "name: x\nconfig:\n  options:\n    log-level:\n      type: string\n    log_level:\n      type: string\ncontainers:\n  db:\n    resource: img\nrequires:\n  db-:\n    interface: pg\n",
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:6:5: option `log_level` and option `log-level` both become `log_level` in Rust; rename one",
            "charmcraft.yaml:12:3: relation endpoint `db-` and container `db` both become `Db` in Rust; rename one",
        ]
    );
}

#[test]
fn reserved_generated_names() {
    let lines = charmcraft("reserved", "name: x\ncontainers:\n  config:\n    resource: img\n");
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:3:3: container `config` would become `Config`, a name the generated module already uses; rename it"
        ]
    );
}

#[test]
fn container_with_resource_and_bases() {
    let lines =
        charmcraft("container", "name: x\ncontainers:\n  web:\n    resource: img\n    bases:\n      - name: ubuntu\n");
    assert_eq!(lines, ["charmcraft.yaml:3:3: container `web` has both `resource` and `bases`; give one"]);
}

#[test]
fn storage_type() {
    let lines = charmcraft("storage", "name: x\nstorage:\n  data:\n    location: /srv\n  logs:\n    type: tape\n");
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:3:3: storage `data` needs a `type` (filesystem or block)",
            "charmcraft.yaml:6:11: storage `logs` has unknown type `tape` (expected filesystem or block)",
        ]
    );
}

#[test]
fn action_param_schema() {
    let lines = charmcraft(
        "action",
        "name: x\nactions:\n  backup:\n    params:\n      target:\n        type: path\n    required: [target, where]\n",
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:6:15: param `target` of action `backup` has unknown type `path` (expected one of: string, integer, number, boolean, array, object)",
            "charmcraft.yaml:7:15: action `backup` requires `target`, which is not among its params",
            "charmcraft.yaml:7:15: action `backup` requires `where`, which is not among its params",
        ]
    );
}

#[test]
fn secret_option_with_default() {
    let lines = charmcraft("secret", "name: x\nconfig:\n  options:\n    pw:\n      type: secret\n      default: abc\n");
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:6:16: secret option `pw` cannot have a default: its value is a secret URI the operator grants"
        ]
    );
}

#[test]
fn split_files_point_at_their_own_file() {
    let lines = diagnostics(
        "split",
        &[("metadata.yaml", "name: x\n"), ("config.yaml", "options:\n  port:\n    type: integer\n")],
    );
    assert_eq!(
        lines,
        [
            "config.yaml:3:11: option `port` has unknown type `integer` (expected one of: string, int, float, boolean, secret)"
        ]
    );
}

#[test]
fn no_metadata_at_all() {
    let lines = diagnostics("none", &[("README.md", "hi")]);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with("charmcraft.yaml:1:1: no charmcraft.yaml or metadata.yaml in "), "{lines:?}");
}

#[test]
fn missing_name() {
    assert_eq!(charmcraft("noname", "summary: x\n"), ["charmcraft.yaml:1:1: the charm needs a `name`"]);
}

#[test]
fn container_without_resource_or_bases() {
    let lines = charmcraft("no-resource", "name: x\ncontainers:\n  web: {}\n");
    assert_eq!(lines, ["charmcraft.yaml:3:8: container `web` needs a `resource` (an oci-image resource) or `bases`"]);
}

#[test]
fn unknown_top_level_key_in_charmcraft_yaml() {
    let lines = charmcraft("unknown-key", "name: x\nrequire:\n  db:\n    interface: pg\n");
    assert_eq!(lines, ["charmcraft.yaml:2:1: unknown top-level key `require` (charmcraft rejects it)"]);
}

#[test]
fn unknown_keys_in_metadata_yaml_are_accepted_as_ops_accepts_them() {
    let dir = std::env::temp_dir().join(format!("juju-ops-build-{}-meta-extra", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("metadata.yaml"), "name: x\ndocs: https://example.com\nfuture-key: 1\n").unwrap();
    let result = juju_ops_build::generate_source(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(result.is_ok());
}

#[test]
fn enum_params_must_be_strings_with_distinct_rust_names() {
    let lines = charmcraft(
        "enum",
        "name: x\nactions:\n  a:\n    params:\n      n:\n        type: integer\n        enum: [1, 2]\n      m:\n        enum: [fast-mode, fast_mode]\n",
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:7:15: `enum` of param `n` of action `a` must be a non-empty list of strings",
            "charmcraft.yaml:9:15: `enum` values \"fast-mode\" and \"fast_mode\" of param `m` both become `FastMode` in Rust",
        ]
    );
}
