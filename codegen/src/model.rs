//! The charm as the generator sees it: parsed from the YAML, checked, with every problem
//! collected as a diagnostic that points into the file it came from.

use crate::yaml::{Mapping, Source, Value};
use crate::{Diagnostic, names};

/// The whole charm.
#[derive(Debug, Clone, PartialEq)]
pub struct Charm {
    /// The file the metadata came from, for the generated header.
    pub file: String,
    pub name: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub subordinate: bool,
    pub assumes: Vec<String>,
    pub containers: Vec<Container>,
    pub relations: Vec<Relation>,
    pub storage: Vec<Storage>,
    pub resources: Vec<Resource>,
    pub options: Vec<ConfigOption>,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    pub name: String,
    pub resource: Option<String>,
    pub mounts: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Requires,
    Provides,
    Peer,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub name: String,
    pub role: Role,
    pub interface: String,
    pub limit: Option<u32>,
    pub optional: bool,
    pub container_scope: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Storage {
    pub name: String,
    pub block: bool,
    pub description: String,
    pub location: Option<String>,
    pub shared: bool,
    pub read_only: bool,
    pub minimum_size: Option<String>,
    pub multiple: (u32, Option<u32>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub name: String,
    pub kind: String,
    pub filename: Option<String>,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionType {
    String,
    Int,
    Float,
    Boolean,
    Secret,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Default {
    String(String),
    Int(i64),
    Float(f64),
    Boolean(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigOption {
    pub name: String,
    pub kind: OptionType,
    pub default: Option<Default>,
    pub description: String,
    /// The option's YAML, for rustdoc.
    pub fragment: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub kind: ParamType,
    pub description: String,
    pub required: bool,
    pub default: Option<Value>,
    pub fragment: String,
    /// The values of a string `enum`: generated as a Rust enum.
    pub variants: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub name: String,
    pub description: String,
    pub params: Vec<Param>,
    pub additional_properties: Option<bool>,
    pub fragment: String,
}

/// Where a part of the charm's YAML lives: a file, and the path of the part in it.
#[derive(Clone, Copy)]
struct Section<'a> {
    source: &'a Source,
    base: &'a [&'a str],
    value: &'a Value,
}

impl<'a> Section<'a> {
    fn of(source: &'a Source, base: &'a [&'a str]) -> Option<Section<'a>> {
        let mut value = &source.value;
        for key in base {
            value = value.get(key)?;
        }
        Some(Section { source, base, value })
    }

    fn path<'p>(&self, rest: &[&'p str]) -> Vec<&'p str>
    where
        'a: 'p,
    {
        self.base.iter().copied().chain(rest.iter().copied()).collect()
    }

    fn error(&self, rest: &[&str], message: impl Into<String>) -> Diagnostic {
        self.source.error(&self.path(rest), message)
    }

    fn fragment(&self, rest: &[&str]) -> String {
        self.source.fragment(&self.path(rest))
    }
}

/// Collects diagnostics while parsing.
#[derive(Default)]
struct Problems(Vec<Diagnostic>);

impl Problems {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }
}

/// The files a charm's metadata is read from.
pub struct Inputs {
    /// `charmcraft.yaml`, or `metadata.yaml`.
    pub metadata: Source,
    /// `config.yaml`, when the split files are used.
    pub config: Option<Source>,
    /// `actions.yaml`, when the split files are used.
    pub actions: Option<Source>,
    /// Whether `metadata` is the unified `charmcraft.yaml`.
    pub unified: bool,
}

/// Parses and checks the charm; every problem found is returned, not just the first.
pub fn parse(inputs: &Inputs) -> Result<Charm, Vec<Diagnostic>> {
    let mut problems = Problems::default();
    let meta = &inputs.metadata;
    let root = Section::of(meta, &[]).filter(|s| s.value.is_mapping());
    let Some(root) = root else {
        return Err(vec![meta.error(&[], "expected a mapping of metadata keys at the top level")]);
    };
    let text = |key: &str| root.value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    let name = text("name");
    if name.is_empty() {
        problems.push(root.error(&["name"], "the charm needs a `name`"));
    }
    let config = match (&inputs.config, inputs.unified) {
        (Some(source), _) => Section::of(source, &["options"]),
        (None, true) => Section::of(meta, &["config", "options"]),
        (None, false) => None,
    };
    let actions = match (&inputs.actions, inputs.unified) {
        (Some(source), _) => Section::of(source, &[]),
        (None, true) => Section::of(meta, &["actions"]),
        (None, false) => None,
    };
    if inputs.unified {
        unknown_top_level_keys(root, &mut problems);
    }
    let charm = Charm {
        file: meta.name.clone(),
        title: text("title"),
        summary: text("summary"),
        description: text("description"),
        subordinate: root.value.get("subordinate").and_then(Value::as_bool).unwrap_or(false),
        assumes: assumes(root.value.get("assumes")),
        containers: entries(root, "containers", &mut problems, container),
        relations: relations(root, &mut problems),
        storage: entries(root, "storage", &mut problems, storage),
        resources: entries(root, "resources", &mut problems, resource),
        options: config.map(|s| named_entries(s, &mut problems, option)).unwrap_or_default(),
        actions: actions.map(|s| named_entries(s, &mut problems, action)).unwrap_or_default(),
        name,
    };
    collisions(&charm, root, config, actions, &mut problems);
    if problems.0.is_empty() { Ok(charm) } else { Err(problems.0) }
}

/// The top-level keys charmcraft accepts in charmcraft.yaml (project keys, the metadata
/// keys it copies into metadata.yaml, and the `config`/`actions` it splits out).
const CHARMCRAFT_KEYS: &[&str] = &[
    "type",
    "name",
    "title",
    "summary",
    "description",
    "license",
    "contact",
    "issues",
    "source",
    "website",
    "links",
    "base",
    "build-base",
    "bases",
    "platforms",
    "parts",
    "charmhub",
    "charm-libs",
    "analysis",
    "extensions",
    "config",
    "actions",
    "assumes",
    "containers",
    "devices",
    "extra-bindings",
    "peers",
    "provides",
    "requires",
    "resources",
    "storage",
    "subordinate",
    "terms",
    "charm-user",
    "min-juju-version",
    "series",
    "maintainer",
    "maintainers",
    "tags",
    "docs",
    "payloads",
];

/// charmcraft refuses unknown top-level keys; a typo such as `require:` would otherwise
/// silently drop a whole section.
fn unknown_top_level_keys(root: Section<'_>, problems: &mut Problems) {
    let Some(map) = root.value.as_mapping() else { return };
    for key in map.keys().filter_map(Value::as_str) {
        if !CHARMCRAFT_KEYS.contains(&key) {
            problems.push(root.error(&[key], format!("unknown top-level key `{key}` (charmcraft rejects it)")));
        }
    }
}

/// Names that are distinct in YAML but the same in Rust (`log-level` and `log_level`), or
/// that take a name the generated module already uses.
fn collisions(
    charm: &Charm,
    root: Section<'_>,
    config: Option<Section<'_>>,
    actions: Option<Section<'_>>,
    problems: &mut Problems,
) {
    if let Some(config) = config {
        let fields =
            charm.options.iter().map(|o| (names::field(&o.name), "option", o.name.as_str(), vec![o.name.as_str()]));
        report_clashes(config, fields, problems);
    }
    if let Some(actions) = actions {
        for action in &charm.actions {
            let fields = action.params.iter().map(|p| {
                (names::field(&p.name), "param", p.name.as_str(), vec![action.name.as_str(), "params", p.name.as_str()])
            });
            report_clashes(actions, fields, problems);
        }
    }
    let reserved =
        ["Meta", "Config", "Events", "METADATA", "EVENTS"].map(|n| (n.to_owned(), "generated item", n, vec![]));
    let kinds = [
        charm
            .containers
            .iter()
            .map(|c| (names::type_name(&c.name), "container", c.name.as_str(), vec!["containers", c.name.as_str()]))
            .collect::<Vec<_>>(),
        charm
            .relations
            .iter()
            .map(|r| {
                (
                    names::type_name(&r.name),
                    "relation endpoint",
                    r.name.as_str(),
                    vec![section_key(r.role), r.name.as_str()],
                )
            })
            .collect(),
        charm
            .storage
            .iter()
            .map(|s| (names::type_name(&s.name), "storage", s.name.as_str(), vec!["storage", s.name.as_str()]))
            .collect(),
    ];
    let mut types: Vec<_> = reserved.into_iter().chain(kinds.into_iter().flatten()).collect();
    let action_types = charm.actions.iter().map(|a| {
        (format!("{}Params", names::type_name(&a.name)), "action", a.name.as_str(), vec!["actions", a.name.as_str()])
    });
    types.extend(action_types);
    let enum_types = charm.actions.iter().flat_map(|a| {
        a.params.iter().filter(|p| p.variants.is_some()).map(|p| {
            let path = vec!["actions", a.name.as_str(), "params", p.name.as_str()];
            (enum_type_name(&a.name, &p.name), "param enum", p.name.as_str(), path)
        })
    });
    types.extend(enum_types);
    report_clashes(root, types, problems);
}

/// The Rust enum for a string-enum param: `backup` + `mode` → `BackupMode`.
pub fn enum_type_name(action: &str, param: &str) -> String {
    format!("{}{}", names::type_name(action), names::type_name(param))
}

/// Reports each item whose Rust name an earlier item already took.
fn report_clashes<'a>(
    section: Section<'_>,
    items: impl IntoIterator<Item = (String, &'static str, &'a str, Vec<&'a str>)>,
    problems: &mut Problems,
) {
    let mut seen: Vec<(String, &'static str, &str)> = Vec::new();
    for (rust, kind, name, path) in items {
        if let Some((_, other_kind, other)) = seen.iter().find(|(r, _, _)| *r == rust) {
            let message = if *other_kind == "generated item" {
                format!("{kind} `{name}` would become `{rust}`, a name the generated module already uses; rename it")
            } else {
                format!("{kind} `{name}` and {other_kind} `{other}` both become `{rust}` in Rust; rename one")
            };
            problems.push(section.error(&path, message));
        } else {
            seen.push((rust, kind, name));
        }
    }
}

fn assumes(value: Option<&Value>) -> Vec<String> {
    let Some(Value::Sequence(items)) = value else { return Vec::new() };
    items
        .iter()
        .map(|item| match item {
            Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other).unwrap_or_default().trim().replace('\n', " "),
        })
        .collect()
}

/// Each `name: {...}` entry under `key` of `root`, parsed by `parse_one`.
fn entries<T>(
    root: Section<'_>,
    key: &str,
    problems: &mut Problems,
    parse_one: fn(Section<'_>, &str, &Mapping, &mut Problems) -> Option<T>,
) -> Vec<T> {
    match root.value.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(_) => {
            let base: Vec<&str> = root.base.iter().copied().chain([key]).collect();
            let section = Section { source: root.source, base: &base, value: &root.value[key] };
            named_entries(section, problems, parse_one)
        }
    }
}

fn named_entries<T>(
    section: Section<'_>,
    problems: &mut Problems,
    parse_one: fn(Section<'_>, &str, &Mapping, &mut Problems) -> Option<T>,
) -> Vec<T> {
    let Some(map) = section.value.as_mapping() else {
        if !section.value.is_null() {
            problems.push(section.error(&[], "expected a mapping of names to definitions"));
        }
        return Vec::new();
    };
    let empty = Mapping::new();
    map.iter()
        .filter_map(|(key, body)| {
            let Some(name) = key.as_str() else {
                problems.push(section.error(&[], format!("expected a name, got {}", render(key))));
                return None;
            };
            let body = match body {
                Value::Mapping(body) => body,
                Value::Null => &empty,
                _ => {
                    problems.push(section.error(&[name], format!("`{name}` should be a mapping")));
                    return None;
                }
            };
            parse_one(section, name, body, problems)
        })
        .collect()
}

/// A YAML value as a message shows it: strings quoted, so `"8080"` and `8080` differ.
fn render(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
    }
}

fn string_field(body: &Mapping, key: &str) -> Option<String> {
    body.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn bool_field(section: Section<'_>, name: &str, body: &Mapping, key: &str, problems: &mut Problems) -> bool {
    match body.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            problems.push(
                section
                    .error(&[name, key], format!("`{key}` of `{name}` must be true or false, got {}", render(other))),
            );
            false
        }
    }
}

fn container(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems) -> Option<Container> {
    let resource = string_field(body, "resource");
    match (resource.is_some(), body.contains_key("bases")) {
        (true, true) => problems
            .push(section.error(&[name], format!("container `{name}` has both `resource` and `bases`; give one"))),
        (false, false) => problems.push(
            section.error(&[name], format!("container `{name}` needs a `resource` (an oci-image resource) or `bases`")),
        ),
        _ => {}
    }
    let mounts = match body.get("mounts") {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|m| {
                Some((
                    m.get("storage")?.as_str()?.to_owned(),
                    m.get("location").and_then(Value::as_str).map(str::to_owned),
                ))
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(Container { name: name.to_owned(), resource, mounts })
}

fn relations(root: Section<'_>, problems: &mut Problems) -> Vec<Relation> {
    let mut all: Vec<Relation> = Vec::new();
    for (key, role) in [("requires", Role::Requires), ("provides", Role::Provides), ("peers", Role::Peer)] {
        let parse_one: fn(Section<'_>, &str, &Mapping, &mut Problems) -> Option<Relation> = match role {
            Role::Requires => |s, n, b, p| relation(s, n, b, p, Role::Requires),
            Role::Provides => |s, n, b, p| relation(s, n, b, p, Role::Provides),
            Role::Peer => |s, n, b, p| relation(s, n, b, p, Role::Peer),
        };
        for relation in entries(root, key, problems, parse_one) {
            if let Some(first) = all.iter().find(|r| r.name == relation.name) {
                problems.push(root.error(
                    &[key, &relation.name],
                    format!(
                        "relation endpoint `{}` is declared twice (also under `{}`)",
                        relation.name,
                        section_key(first.role)
                    ),
                ));
                continue;
            }
            all.push(relation);
        }
    }
    all
}

fn section_key(role: Role) -> &'static str {
    match role {
        Role::Requires => "requires",
        Role::Provides => "provides",
        Role::Peer => "peers",
    }
}

fn relation(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems, role: Role) -> Option<Relation> {
    let interface = string_field(body, "interface");
    if interface.is_none() {
        problems.push(section.error(&[name], format!("relation `{name}` needs an `interface`")));
    }
    let limit = match body.get("limit") {
        None | Some(Value::Null) => None,
        Some(value) => match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(limit) => Some(limit),
            None => {
                problems.push(section.error(
                    &[name, "limit"],
                    format!("`limit` of relation `{name}` must be a whole number, got {}", render(value)),
                ));
                None
            }
        },
    };
    let container_scope = match body.get("scope").map(|s| (s, s.as_str())) {
        None | Some((_, Some("global"))) => false,
        Some((_, Some("container"))) => true,
        Some((value, _)) => {
            problems.push(section.error(
                &[name, "scope"],
                format!("`scope` of relation `{name}` must be `global` or `container`, got {}", render(value)),
            ));
            false
        }
    };
    let optional = bool_field(section, name, body, "optional", problems);
    Some(Relation { name: name.to_owned(), role, interface: interface?, limit, optional, container_scope })
}

fn storage(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems) -> Option<Storage> {
    let block = match body.get("type").and_then(Value::as_str) {
        Some("filesystem") => false,
        Some("block") => true,
        Some(other) => {
            problems.push(section.error(
                &[name, "type"],
                format!("storage `{name}` has unknown type `{other}` (expected filesystem or block)"),
            ));
            return None;
        }
        None => {
            problems.push(section.error(&[name], format!("storage `{name}` needs a `type` (filesystem or block)")));
            return None;
        }
    };
    let multiple = match body.get("multiple").and_then(|m| m.get("range")) {
        None => (1, Some(1)),
        Some(range) => parse_range(range).unwrap_or_else(|| {
            problems.push(section.error(
                &[name, "multiple", "range"],
                format!("`range` of storage `{name}` must be N, N-M, N- or N+, got {}", render(range)),
            ));
            (1, Some(1))
        }),
    };
    Some(Storage {
        name: name.to_owned(),
        block,
        description: string_field(body, "description").unwrap_or_default(),
        location: string_field(body, "location"),
        shared: bool_field(section, name, body, "shared", problems),
        read_only: bool_field(section, name, body, "read-only", problems),
        minimum_size: body.get("minimum-size").map(|v| v.as_str().map_or_else(|| render(v), str::to_owned)),
        multiple,
    })
}

fn parse_range(value: &Value) -> Option<(u32, Option<u32>)> {
    if let Some(n) = value.as_u64() {
        let n = u32::try_from(n).ok()?;
        return Some((n, Some(n)));
    }
    let text = value.as_str()?;
    if let Some(min) = text.strip_suffix('+').or_else(|| text.strip_suffix('-')) {
        return Some((min.parse().ok()?, None));
    }
    match text.split_once('-') {
        Some((min, max)) => Some((min.parse().ok()?, Some(max.parse().ok()?))),
        None => text.parse().ok().map(|n| (n, Some(n))),
    }
}

fn resource(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems) -> Option<Resource> {
    let kind = string_field(body, "type");
    match kind.as_deref() {
        Some("file" | "oci-image") => {}
        Some(other) => problems.push(section.error(
            &[name, "type"],
            format!("resource `{name}` has unknown type `{other}` (expected file or oci-image)"),
        )),
        None => problems.push(section.error(&[name], format!("resource `{name}` needs a `type` (file or oci-image)"))),
    }
    Some(Resource {
        name: name.to_owned(),
        kind: kind?,
        filename: string_field(body, "filename"),
        description: string_field(body, "description").unwrap_or_default(),
    })
}

fn option(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems) -> Option<ConfigOption> {
    let kind = match body.get("type") {
        None => {
            problems.push(section.error(
                &[name],
                format!("option `{name}` needs a `type` (one of: string, int, float, boolean, secret)"),
            ));
            return None;
        }
        Some(value) => match value.as_str() {
            Some("string") => OptionType::String,
            Some("int") => OptionType::Int,
            Some("float") => OptionType::Float,
            Some("boolean") => OptionType::Boolean,
            Some("secret") => OptionType::Secret,
            _ => {
                let given = value.as_str().map_or_else(|| render(value), str::to_owned);
                problems.push(section.error(&[name, "type"], format!("option `{name}` has unknown type `{given}` (expected one of: string, int, float, boolean, secret)")));
                return None;
            }
        },
    };
    let default = match body.get("default") {
        None | Some(Value::Null) => None,
        Some(_) if kind == OptionType::Secret => {
            problems.push(section.error(
                &[name, "default"],
                format!("secret option `{name}` cannot have a default: its value is a secret URI the operator grants"),
            ));
            return None;
        }
        Some(value) => match option_default(kind, value) {
            Some(default) => Some(default),
            None => {
                problems.push(section.error(
                    &[name, "default"],
                    format!("default {} of option `{name}` is not {}", render(value), type_word(kind)),
                ));
                return None;
            }
        },
    };
    Some(ConfigOption {
        name: name.to_owned(),
        kind,
        default,
        description: string_field(body, "description").unwrap_or_default(),
        fragment: section.fragment(&[name]),
    })
}

fn type_word(kind: OptionType) -> &'static str {
    match kind {
        OptionType::String => "a string",
        OptionType::Int => "an int",
        OptionType::Float => "a float",
        OptionType::Boolean => "a boolean",
        OptionType::Secret => "a secret URI",
    }
}

fn option_default(kind: OptionType, value: &Value) -> Option<Default> {
    match (kind, value) {
        (OptionType::String, Value::String(s)) => Some(Default::String(s.clone())),
        (OptionType::Int, Value::Number(n)) => n.as_i64().map(Default::Int),
        (OptionType::Float, Value::Number(n)) => n.as_f64().map(Default::Float),
        (OptionType::Boolean, Value::Bool(b)) => Some(Default::Boolean(*b)),
        _ => None,
    }
}

fn action(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems) -> Option<Action> {
    let required: Vec<&str> = match body.get("required") {
        Some(Value::Sequence(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let params = match body.get("params") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Mapping(params)) => params
            .iter()
            .filter_map(|(key, schema)| param(section, name, key.as_str()?, schema, &required, problems))
            .collect(),
        Some(other) => {
            problems.push(section.error(
                &[name, "params"],
                format!("`params` of action `{name}` should be a mapping, got {}", render(other)),
            ));
            Vec::new()
        }
    };
    for missing in required.iter().filter(|r| !params.iter().any(|p: &Param| p.name == **r)) {
        problems.push(section.error(
            &[name, "required"],
            format!("action `{name}` requires `{missing}`, which is not among its params"),
        ));
    }
    Some(Action {
        name: name.to_owned(),
        description: string_field(body, "description").unwrap_or_default(),
        params,
        additional_properties: body.get("additionalProperties").and_then(Value::as_bool),
        fragment: section.fragment(&[name]),
    })
}

fn param(
    section: Section<'_>,
    action: &str,
    name: &str,
    schema: &Value,
    required: &[&str],
    problems: &mut Problems,
) -> Option<Param> {
    let kind = match schema.get("type") {
        None if schema.get("enum").is_some() => ParamType::String,
        None => ParamType::Any,
        Some(value) => match value.as_str() {
            Some("string") => ParamType::String,
            Some("integer") => ParamType::Integer,
            Some("number") => ParamType::Number,
            Some("boolean") => ParamType::Boolean,
            Some("array") => ParamType::Array,
            Some("object") => ParamType::Object,
            _ => {
                let given = value.as_str().map_or_else(|| render(value), str::to_owned);
                problems.push(section.error(&[action, "params", name, "type"], format!("param `{name}` of action `{action}` has unknown type `{given}` (expected one of: string, integer, number, boolean, array, object)")));
                return None;
            }
        },
    };
    let variants = string_enum(section, action, name, schema, kind, problems)?;
    Some(Param {
        name: name.to_owned(),
        kind,
        description: schema.get("description").and_then(Value::as_str).unwrap_or_default().to_owned(),
        required: required.contains(&name),
        default: schema.get("default").filter(|d| !d.is_null()).cloned(),
        fragment: section.fragment(&[action, "params", name]),
        variants,
    })
}

/// A string `enum` with distinct Rust names (`Some(None)` when the param has no enum).
fn string_enum(
    section: Section<'_>,
    action: &str,
    name: &str,
    schema: &Value,
    kind: ParamType,
    problems: &mut Problems,
) -> Option<Option<Vec<String>>> {
    let Some(values) = schema.get("enum") else { return Some(None) };
    let path = [action, "params", name, "enum"];
    let strings: Option<Vec<String>> =
        values.as_sequence().and_then(|v| v.iter().map(|s| s.as_str().map(str::to_owned)).collect());
    let Some(strings) = strings.filter(|s| !s.is_empty() && kind == ParamType::String) else {
        problems.push(section.error(
            &path,
            format!("`enum` of param `{name}` of action `{action}` must be a non-empty list of strings"),
        ));
        return None;
    };
    let mut seen: Vec<(String, &str)> = Vec::new();
    for value in &strings {
        let rust = names::type_name(value);
        if let Some((_, other)) = seen.iter().find(|(r, _)| *r == rust) {
            problems.push(section.error(
                &path,
                format!("`enum` values {other:?} and {value:?} of param `{name}` both become `{rust}` in Rust"),
            ));
            return None;
        }
        seen.push((rust, value));
    }
    Some(Some(strings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let v = |s: &str| Value::String(s.to_owned());
        assert_eq!(parse_range(&v("0-")), Some((0, None)));
        assert_eq!(parse_range(&v("1+")), Some((1, None)));
        assert_eq!(parse_range(&v("2-5")), Some((2, Some(5))));
        assert_eq!(parse_range(&v("3")), Some((3, Some(3))));
        assert_eq!(parse_range(&Value::Number(4.into())), Some((4, Some(4))));
        assert_eq!(parse_range(&v("x")), None);
    }
}
