//! Broken charm YAML fails with one `file:line:col: message` per problem.

use std::path::PathBuf;

/// Writes `files` into a fresh directory and generates from it.
fn generate(case: &str, files: &[(&str, &str)]) -> Result<juju_ops_build::Generated, juju_ops_build::Error> {
    let dir: PathBuf = std::env::temp_dir().join(format!("juju-ops-build-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let result = juju_ops_build::generate_source(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    result
}

fn lines(diagnostics: &[juju_ops_build::Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(ToString::to_string).collect()
}

/// The errors, as text lines; the files must fail to generate.
fn diagnostics(case: &str, files: &[(&str, &str)]) -> Vec<String> {
    match generate(case, files) {
        Err(juju_ops_build::Error::Invalid { errors, .. }) => lines(&errors),
        Err(other) => panic!("expected diagnostics, got {other}"),
        Ok(_) => panic!("expected diagnostics, got generated code"),
    }
}

/// The warnings, as text lines; the files must generate.
fn warnings(case: &str, files: &[(&str, &str)]) -> Vec<String> {
    match generate(case, files) {
        Ok(generated) => lines(&generated.warnings),
        Err(error) => panic!("expected generated code, got {error}"),
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
fn not_utf8() {
    let dir = std::env::temp_dir().join(format!("juju-ops-build-{}-latin1", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("metadata.yaml"), b"name: caf\xe9\n").unwrap();
    let result = juju_ops_build::generate_source(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    match result {
        Err(juju_ops_build::Error::Invalid { errors, .. }) => {
            assert_eq!(lines(&errors), ["metadata.yaml:1:1: not UTF-8 text"]);
        }
        other => panic!("expected a diagnostic, got {other:?}"),
    }
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
        [
            "charmcraft.yaml:4:5: option `port` needs a `type` (one of: string, int, float, boolean, secret); Python ops refuses an option without one"
        ]
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
fn defaults_juju_accepts_are_accepted() {
    let source = generate(
        "juju-defaults",
        &[(
            "charmcraft.yaml",
            "name: x\nconfig:\n  options:\n    port:\n      type: int\n      default: '8080'\n    ratio:\n      type: float\n      default: 1\n    tls:\n      type: boolean\n      default: yes\n    pw:\n      type: secret\n      default: ''\n",
        )],
    )
    .unwrap()
    .source;
    assert!(source.contains("port: values.get_or(\"port\", || 8080i64)?"), "{source}");
    assert!(source.contains("ratio: values.get_or(\"ratio\", || 1.0f64)?"), "{source}");
    assert!(source.contains("tls: values.get_or(\"tls\", || true)?"), "{source}");
    assert!(source.contains("pub pw: ::std::option::Option<::ops::SecretId>"), "{source}");
}

#[test]
fn float_defaults_json_cannot_carry() {
    let lines = charmcraft(
        "inf",
        "name: x\nconfig:\n  options:\n    a:\n      type: float\n      default: .inf\n    b:\n      type: float\n      default: -.inf\n    c:\n      type: float\n      default: .nan\n    d:\n      type: float\n      default: 1e400\n",
    );
    let why = "that JSON can carry (config-get reports config as JSON, which has no infinity or NaN)";
    assert_eq!(
        lines,
        [
            format!("charmcraft.yaml:6:16: default .inf of option `a` is not a float {why}"),
            format!("charmcraft.yaml:9:16: default -.inf of option `b` is not a float {why}"),
            format!("charmcraft.yaml:12:16: default .nan of option `c` is not a float {why}"),
            "charmcraft.yaml:15:16: default \"1e400\" of option `d` is not a float".to_owned(),
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
fn relations_in_short_form() {
    let source =
        generate("short", &[("metadata.yaml", "name: x\nrequires:\n  db: postgresql_client\n")]).unwrap().source;
    assert!(source.contains("const INTERFACE: &'static str = \"postgresql_client\";"), "{source}");
}

#[test]
fn duplicate_endpoints() {
    let lines =
        charmcraft("dup", "name: x\nrequires:\n  db:\n    interface: pg\npeers:\n  db:\n    interface: peers\n");
    assert_eq!(lines, ["charmcraft.yaml:6:3: relation endpoint `db` is declared twice (also under `requires`)"]);
}

#[test]
fn names_that_collide_in_rust_within_one_kind() {
    let lines = charmcraft(
        "collide",
        "name: x\nconfig:\n  options:\n    log-level:\n      type: string\n    log_level:\n      type: string\ncontainers:\n  db:\n    resource: img\n  db-:\n    resource: img\nresources:\n  img:\n    type: oci-image\nrequires:\n  db:\n    interface: pg\n",
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:6:5: option `log_level` and option `log-level` both become `log_level` in Rust; rename one",
            "charmcraft.yaml:11:3: container `db-` and container `db` both become `Db` in Rust; rename one",
        ]
    );
}

#[test]
fn names_shared_across_kinds_each_get_their_own_item() {
    let source = generate(
        "across",
        &[(
            "charmcraft.yaml",
            "name: x\ncontainers:\n  grafana:\n    resource: img\n  config:\n    resource: img\nresources:\n  img:\n    type: oci-image\npeers:\n  grafana:\n    interface: grafana_peers\nrequires:\n  database:\n    interface: pg\n  meta:\n    interface: m\nstorage:\n  database:\n    type: filesystem\n  events:\n    type: filesystem\n",
        )],
    )
    .unwrap()
    .source;
    for item in [
        "pub mod containers {",
        "pub enum Grafana {}",
        "impl ::ops::generated::ContainerName for Grafana",
        "impl ::ops::generated::RelationEndpoint for Grafana",
        "impl ::ops::generated::ContainerName for Config",
        "impl ::ops::generated::RelationEndpoint for Database",
        "impl ::ops::generated::StorageName for Database",
        "impl ::ops::generated::RelationEndpoint for Meta",
        "impl ::ops::generated::StorageName for Events",
        "grafana_pebble_ready: ::ops::EventSource::__new(\"grafana_pebble_ready\")",
        "::ops::PebbleReadyEvent<self::containers::Grafana>",
        "::ops::RelationChangedEvent<self::relations::Grafana>",
        "::ops::StorageAttachedEvent<self::storages::Database>",
    ] {
        assert!(source.contains(item), "missing {item}:\n{source}");
    }
}

#[test]
fn container_with_resource_and_bases() {
    let lines = charmcraft(
        "container",
        "name: x\ncontainers:\n  web:\n    resource: img\n    bases:\n      - name: ubuntu\n        channel: '22.04'\n        architectures: [amd64]\nresources:\n  img:\n    type: oci-image\n",
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:3:3: container `web` has both `resource` and `bases`; give one (ops: \"A container may specify a resource or base, not both.\")"
        ]
    );
}

#[test]
fn container_references() {
    let lines = charmcraft(
        "container-refs",
        "name: x\ncontainers:\n  web:\n    resource: seed\n    mounts:\n      - storage: logs\n        location: /logs\n      - location: /x\n  db:\n    resource: image\n    uid: 1500\nresources:\n  seed:\n    type: file\n    filename: seed.sql\n",
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:5:5: a mount of container `web` needs a `storage`",
            "charmcraft.yaml:11:10: container `db` has invalid uid 1500: uid cannot be in reserved range 1000-9999",
            "charmcraft.yaml:4:15: container `web` runs resource `seed`, which is a `file` resource, not an `oci-image`",
            "charmcraft.yaml:5:5: container `web` mounts storage `logs`, which is not declared under `storage`",
            "charmcraft.yaml:10:15: container `db` runs resource `image`, which is not declared under `resources`",
        ]
    );
}

#[test]
fn container_without_resource_or_bases_is_a_warning() {
    let lines = warnings("no-resource", &[("charmcraft.yaml", "name: x\ncontainers:\n  web: {}\n")]);
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:3:8: container `web` names neither a `resource` (an oci-image resource) nor `bases`; Juju cannot tell what image it runs"
        ]
    );
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
fn storage_ranges_and_properties() {
    let lines = charmcraft(
        "storage-range",
        "name: x\nstorage:\n  data:\n    type: filesystem\n    multiple:\n      range: 5-2\n  disk:\n    type: block\n    location: /dev/x\n    properties: [transient, shiny]\n",
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:6:14: `range` of storage `data` must be N, N-M (N ≤ M), N- or N+ with N > 0 for a single number, got \"5-2\"",
            "charmcraft.yaml:9:15: storage `disk`: location may not be specified for \"type: block\"",
            "charmcraft.yaml:10:17: storage `disk` has unknown property \"shiny\" (only \"transient\" exists)",
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
fn action_names_and_param_defaults() {
    let lines = charmcraft(
        "action-defaults",
        "name: x\nactions:\n  Backup_Now: {}\n  juju-run: {}\n  restore:\n    params:\n      mode:\n        enum: [full, incremental]\n        default: partial\n      ratio:\n        type: number\n        default: .inf\n      big:\n        type: number\n        default: 1e400\n      count:\n        type: integer\n        default: 1.5\n",
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:9:18: default \"partial\" of param `mode` of action `restore` is not one of: full, incremental",
            "charmcraft.yaml:12:18: default .inf of param `ratio` of action `restore` is not a finite number",
            "charmcraft.yaml:15:18: default \"1e400\" of param `big` of action `restore` is not a finite number",
            "charmcraft.yaml:18:18: default 1.5 of param `count` of action `restore` is not an integer",
            "charmcraft.yaml:3:15: bad action name \"Backup_Now\": Juju takes lower-case letters, digits and inner dashes",
            "charmcraft.yaml:4:13: cannot use action name juju-run: the \"juju-\" prefix is reserved",
        ]
    );
}

#[test]
fn action_with_params_and_properties() {
    let lines = charmcraft(
        "params-and-properties",
        "name: x\nactions:\n  a:\n    params:\n      p: {type: string}\n    properties:\n      q: {type: string}\n",
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:6:5: action `a` has both `params` and `properties`; Juju takes one of them at random, so keep one"
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
    assert_eq!(charmcraft("empty", ""), ["charmcraft.yaml:1:1: the charm needs a `name`"]);
}

#[test]
fn unknown_top_level_key_in_charmcraft_yaml() {
    let lines = charmcraft("unknown-key", "name: x\nrequire:\n  db:\n    interface: pg\n");
    assert_eq!(lines, ["charmcraft.yaml:2:1: unknown top-level key `require` (charmcraft rejects it)"]);
}

#[test]
fn unknown_keys_in_metadata_yaml_are_accepted_as_ops_accepts_them() {
    let result = generate("meta-extra", &[("metadata.yaml", "name: x\ndocs: https://example.com\nfuture-key: 1\n")]);
    assert!(result.is_ok());
}

#[test]
fn integer_enums_are_accepted_string_enums_need_distinct_rust_names() {
    let lines = charmcraft(
        "enum",
        "name: x\nactions:\n  a:\n    params:\n      n:\n        type: integer\n        enum: [1, 2]\n      m:\n        enum: [fast-mode, fast_mode]\n      s:\n        type: string\n        enum: [1, 2]\n",
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:9:15: `enum` values \"fast-mode\" and \"fast_mode\" of param `m` both become `FastMode` in Rust",
            "charmcraft.yaml:12:15: `enum` of string param `s` of action `a` must list strings",
        ]
    );
    let source = generate(
        "int-enum",
        &[(
            "charmcraft.yaml",
            "name: x\nactions:\n  a:\n    params:\n      n:\n        type: integer\n        enum: [1, 2]\n",
        )],
    )
    .unwrap()
    .source;
    assert!(source.contains("pub n: ::std::option::Option<i64>"), "{source}");
}

#[test]
fn a_byte_order_mark_is_read_past() {
    let generated = generate("bom", &[("metadata.yaml", "\u{feff}name: bom\nsummary: s\ndescription: d\n")]).unwrap();
    assert!(generated.source.contains("name: \"bom\""), "{}", generated.source);
}

#[test]
fn deep_nesting_fails_fast() {
    let text = format!("name: x\nactions: {}\n", "[".repeat(160 * 1024));
    let started = std::time::Instant::now();
    let lines = charmcraft("deep", &text);
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    assert_eq!(
        lines,
        ["charmcraft.yaml:2:74: YAML nested more than 64 levels deep in `[` and `{`; charm metadata never needs that"]
    );
}

// Layouts (charmcraft's rules: charmcraft-facts.md §1).

const BUILD_ONLY: &str =
    "type: charm\nbase: ubuntu@24.04\nplatforms:\n  amd64:\nparts:\n  charm:\n    plugin: rust\n    source: .\n";

#[test]
fn a_build_only_charmcraft_yaml_beside_metadata_yaml() {
    let generated = generate(
        "build-only",
        &[
            ("charmcraft.yaml", BUILD_ONLY),
            ("metadata.yaml", "name: web\nsummary: s\ndescription: d\nrequires:\n  db:\n    interface: pg\n"),
            ("config.yaml", "options:\n  port:\n    type: int\n    default: 80\n"),
            ("actions.yaml", "restart:\n  description: Restart.\n"),
        ],
    )
    .unwrap();
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    for item in
        ["name: \"web\"", "pub port: i64", "pub struct RestartParams", "impl ::ops::generated::RelationEndpoint for Db"]
    {
        assert!(generated.source.contains(item), "missing {item}");
    }
    assert!(generated.source.starts_with(
        "// @generated by juju-ops-build from charmcraft.yaml, metadata.yaml, config.yaml, actions.yaml."
    ));
}

#[test]
fn name_summary_description_in_both_files() {
    let lines = diagnostics(
        "dup-name",
        &[
            ("charmcraft.yaml", &format!("name: web\nsummary: s\n{BUILD_ONLY}")),
            ("metadata.yaml", "name: web\nsummary: s\ndescription: d\n"),
        ],
    );
    let both = |key: &str, at: &str| {
        format!(
            "charmcraft.yaml:{at}: `{key}` is in both charmcraft.yaml and metadata.yaml (charmcraft: \"Fields in charmcraft.yaml cannot be duplicated in metadata.yaml\"); remove it from charmcraft.yaml, because metadata.yaml is packed as it is"
        )
    };
    assert_eq!(lines, [both("name", "1:7"), both("summary", "2:10")]);
}

#[test]
fn config_and_actions_in_charmcraft_yaml_and_their_own_file() {
    let lines = diagnostics(
        "both-config",
        &[
            (
                "charmcraft.yaml",
                &format!(
                    "name: web\nsummary: s\ndescription: d\n{BUILD_ONLY}config:\n  options: {{}}\nactions:\n  a: {{}}\n"
                ),
            ),
            ("config.yaml", "options:\n  port:\n    type: int\n"),
            ("actions.yaml", "a: {}\n"),
        ],
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:12:1: Cannot specify 'config' section in 'charmcraft.yaml' when 'config.yaml' exists (charmcraft refuses the project); keep one of them",
            "charmcraft.yaml:14:1: Cannot specify 'actions' section in 'charmcraft.yaml' when 'actions.yaml' exists (charmcraft refuses the project); keep one of them",
        ]
    );
}

#[test]
fn what_charmcraft_ignores_beside_metadata_yaml_is_a_warning() {
    let lines = warnings(
        "ignored",
        &[
            ("charmcraft.yaml", &format!("name: web\n{BUILD_ONLY}requires:\n  other:\n    interface: x\n")),
            ("metadata.yaml", "summary: s\ndescription: d\nrequires:\n  db:\n    interface: pg\n"),
        ],
    );
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:1:7: `name` only in charmcraft.yaml while metadata.yaml exists: charmcraft packs metadata.yaml as it is, so the packed charm lacks them and Juju refuses it; move them into metadata.yaml",
            "charmcraft.yaml:10:1: `requires` in charmcraft.yaml is ignored because metadata.yaml exists (charmcraft packs metadata.yaml as it is); move it into metadata.yaml",
        ]
    );
}

#[test]
fn extensions_name_themselves_and_the_remedy() {
    let lines =
        charmcraft("extensions", "name: x\ntype: charm\nextensions:\n  - flask-framework\nbase: ubuntu@22.04\n");
    assert_eq!(
        lines,
        [
            "charmcraft.yaml:3:1: `flask-framework` add containers, relations, config options and actions that are not written in this file, so the generated API would miss them; run `charmcraft expand-extensions`, put its output in charmcraft.yaml without the `extensions:` key, and commit the expanded file"
        ]
    );
}
