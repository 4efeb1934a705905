//! `grafana_dashboard` (charms.grafana_k8s.v0.grafana_dashboard, LIBPATCH 48): a charm hands
//! Grafana its dashboards.
//!
//! The provider's leader writes one key in its application databag, `dashboards`:
//! `{"templates": {<key>: {"charm", "content", "juju_topology", "inject_dropdowns",
//! "dashboard_alt_uid"}}, "uuid": <uuid4>}`, where `content` is the dashboard's JSON,
//! XZ-compressed (liblzma, preset 3, CRC64: cosl's `LZMABase64`) and base64-encoded, the key
//! is `file:<stem>` for a file of `src/grafana_dashboards` or `prog:<8 characters of the
//! encoded content>` for one added in code, and `dashboard_alt_uid` is SHAKE-256 of
//! `<charm>-<key>`, 8 bytes in hex. A file dashboard whose `uid` is not 40 hex digits gets
//! SHAKE-256 of `<charm>-<path>` (20 bytes) as uid, and a `charm: <name>` tag. The `uuid`
//! is new at every write, so Grafana always sees a change.
//!
//! The consumer decompresses each template, and emits `dashboards_changed` on
//! relation-changed and -broken.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::marker::PhantomData;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ops::component::InterfaceSide;
use ops::generated::RelationEndpoint;
use ops::meta::RelationRole;
use ops::{
    CharmBase, CustomEvent, Emitter, EventSource, Framework, HandlerResult, Model, Relation, RelationBrokenEvent,
    RelationChangedEvent, RelationCreatedEvent,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha3::digest::{ExtendableOutput, Update, XofReader};

use crate::Error;

/// cosl's `_LZMA_PRESET`.
const LZMA_PRESET: u32 = 3;

/// Where a charm keeps its dashboards, relative to the charm directory.
pub const DASHBOARDS_DIR: &str = "src/grafana_dashboards";

/// The provider side (`provides:`, interface `grafana_dashboard`).
#[derive(Debug)]
pub enum Provides {}

impl InterfaceSide for Provides {
    const INTERFACES: &'static [&'static str] = &["grafana_dashboard"];
    const ROLE: RelationRole = RelationRole::Provides;
    const MISMATCH: &'static str = "GrafanaDashboardProvider speaks `grafana_dashboard` as a provider: attach it to an \
         endpoint declared under `provides:` with interface `grafana_dashboard`";
}

/// The consumer side (`requires:`, interface `grafana_dashboard`).
#[derive(Debug)]
pub enum Requires {}

impl InterfaceSide for Requires {
    const INTERFACES: &'static [&'static str] = &["grafana_dashboard"];
    const ROLE: RelationRole = RelationRole::Requires;
    const MISMATCH: &'static str = "GrafanaDashboardConsumer speaks `grafana_dashboard` as a consumer: attach it to an \
         endpoint declared under `requires:` with interface `grafana_dashboard`";
}

/// `base64(xz(text))`, as cosl's `LZMABase64.compress`.
///
/// # Errors
///
/// When liblzma fails (it does not on memory it can allocate).
pub fn compress(text: &str) -> Result<String, Error> {
    let mut encoder = xz2::write::XzEncoder::new(Vec::new(), LZMA_PRESET);
    encoder.write_all(text.as_bytes()).map_err(|_| Error::Protocol("liblzma could not compress"))?;
    let bytes = encoder.finish().map_err(|_| Error::Protocol("liblzma could not compress"))?;
    Ok(STANDARD.encode(bytes))
}

/// The text back from `base64(xz(text))` (any XZ or LZMA-alone stream, as Python's
/// `lzma.decompress`), at most 64 MiB.
///
/// # Errors
///
/// [`Error::Protocol`] when it is not base64, not XZ, or not UTF-8.
pub fn decompress(encoded: &str) -> Result<String, Error> {
    let bytes = STANDARD.decode(encoded.trim()).map_err(|_| Error::Protocol("dashboard content is not base64"))?;
    let stream = xz2::stream::Stream::new_auto_decoder(u64::MAX, 0)
        .map_err(|_| Error::Protocol("liblzma could not start a decoder"))?;
    let mut text = Vec::new();
    xz2::read::XzDecoder::new_stream(bytes.as_slice(), stream)
        .take(64 << 20)
        .read_to_end(&mut text)
        .map_err(|_| Error::Protocol("dashboard content is not an XZ stream"))?;
    String::from_utf8(text).map_err(|_| Error::Protocol("dashboard content is not UTF-8"))
}

/// SHAKE-256 of `text`, `bytes` long, in hex (Python's `hashlib.shake_256(text).hexdigest(bytes)`).
fn shake_hex(text: &str, bytes: usize) -> String {
    let mut hasher = sha3::Shake256::default();
    hasher.update(text.as_bytes());
    let mut out = vec![0u8; bytes];
    XofReader::read(&mut hasher.finalize_xof(), &mut out);
    out.iter().map(|b| format!("{b:02x}")).collect()
}

/// The Juju topology a template carries (`{}` without dropdowns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topology {
    /// The model.
    pub model: String,
    /// Its UUID.
    pub model_uuid: String,
    /// The application.
    pub application: String,
    /// The unit that wrote it.
    pub unit: String,
}

/// One dashboard as the provider sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// The providing charm's name.
    pub charm: String,
    /// The dashboard JSON, compressed ([`compress`]).
    pub content: String,
    /// Where it comes from, or `{}`.
    pub juju_topology: Value,
    /// Whether Grafana adds topology dropdowns.
    pub inject_dropdowns: bool,
    /// A uid for a dashboard without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard_alt_uid: Option<String>,
}

/// The provider's `dashboards` value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboards {
    /// The templates by key.
    pub templates: BTreeMap<String, Template>,
    /// A fresh uuid4 per write.
    pub uuid: String,
}

/// The provider side on endpoint `R`.
pub struct GrafanaDashboardProvider<R: RelationEndpoint> {
    added: BTreeMap<String, String>,
    model: Model<R::Charm>,
    _endpoint: PhantomData<R>,
}

impl<R: RelationEndpoint> GrafanaDashboardProvider<R> {
    /// Attaches a provider to endpoint `R`; it sends the dashboards of
    /// [`DASHBOARDS_DIR`] and those added with [`add_dashboard`](Self::add_dashboard).
    pub fn new<C>(framework: &mut Framework<C>, access: fn(&mut C) -> Option<&mut Self>) -> Self
    where
        C: CharmBase<Meta = R::Charm>,
    {
        let events = framework.attach::<R, Provides>();
        framework.observe_component("GrafanaDashboardProvider", events.created, access, Self::on_created);
        let charm = framework.charm_events();
        framework.observe_component("GrafanaDashboardProvider", charm.leader_elected, access, |this, _| {
            Ok(this.publish_all()?)
        });
        framework.observe_component("GrafanaDashboardProvider", charm.upgrade_charm, access, |this, _| {
            Ok(this.publish_all()?)
        });
        framework.observe_component("GrafanaDashboardProvider", charm.config_changed, access, |this, _| {
            Ok(this.publish_all()?)
        });
        GrafanaDashboardProvider { added: BTreeMap::new(), model: framework.model(), _endpoint: PhantomData }
    }

    /// Adds a dashboard given in code (its JSON), sent on the next publish.
    ///
    /// # Errors
    ///
    /// When it cannot be compressed.
    pub fn add_dashboard(&mut self, dashboard_json: &str) -> Result<(), Error> {
        let content = compress(dashboard_json)?;
        let tail: String = content.chars().rev().skip(16).take(8).collect::<Vec<_>>().into_iter().rev().collect();
        self.added.insert(format!("prog:{tail}"), content);
        Ok(())
    }

    /// Sends the dashboards on every relation (the leader only).
    ///
    /// # Errors
    ///
    /// When a dashboard file cannot be read or Juju refuses.
    pub fn publish_all(&self) -> Result<(), Error> {
        for relation in self.model.relations::<R>()? {
            self.publish(&relation)?;
        }
        Ok(())
    }

    fn on_created(&mut self, event: &RelationCreatedEvent<R>) -> HandlerResult {
        Ok(self.publish(&event.relation)?)
    }

    fn publish(&self, relation: &Relation<R>) -> Result<(), Error> {
        let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
        let dashboards = Dashboards { templates: self.templates()?, uuid: uuid::Uuid::new_v4().to_string() };
        relation.local_app_data(&leader).set("dashboards", ops::json::dumps(&dashboards)?)?;
        Ok(())
    }

    fn templates(&self) -> Result<BTreeMap<String, Template>, Error> {
        let charm = self.model.meta().name.to_owned();
        let topology = serde_json::to_value(Topology {
            model: self.model.name().unwrap_or_default().to_owned(),
            model_uuid: self.model.uuid().unwrap_or_default().to_owned(),
            application: self.model.app().name().to_owned(),
            unit: self.model.unit().name().to_owned(),
        })?;
        let template = |key: &str, content: String| Template {
            charm: charm.clone(),
            content,
            juju_topology: topology.clone(),
            inject_dropdowns: true,
            dashboard_alt_uid: Some(shake_hex(&format!("{charm}-{key}"), 8)),
        };
        let mut templates = BTreeMap::new();
        for (key, dashboard) in self.files()? {
            templates.insert(key.clone(), template(&key, compress(&dashboard)?));
        }
        for (key, content) in &self.added {
            templates.insert(key.clone(), template(key, content.clone()));
        }
        Ok(templates)
    }

    /// The charm's dashboard files, each with a 40-hex-digit uid and its `charm:` tag.
    fn files(&self) -> Result<Vec<(String, String)>, Error> {
        let Some(charm_dir) = self.model.charm_dir() else { return Ok(Vec::new()) };
        let Ok(entries) = std::fs::read_dir(charm_dir.join(DASHBOARDS_DIR)) else { return Ok(Vec::new()) };
        let charm = self.model.meta().name;
        let mut files = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if !(name.ends_with(".json") || name.ends_with(".tmpl")) || !path.is_file() {
                continue;
            }
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let text =
                std::fs::read_to_string(&path).map_err(|_| Error::Protocol("a dashboard file is not readable"))?;
            let mut dashboard: Value =
                serde_json::from_str(&text).map_err(|_| Error::Protocol("a dashboard file is not JSON"))?;
            let uid_ok =
                dashboard["uid"].as_str().is_some_and(|u| u.len() == 40 && u.bytes().all(|b| b.is_ascii_hexdigit()));
            if !uid_ok {
                dashboard["uid"] = shake_hex(&format!("{charm}-{DASHBOARDS_DIR}/{name}"), 20).into();
            }
            let tag = format!("charm: {charm}");
            let tags = dashboard["tags"].as_array().cloned().unwrap_or_default();
            if !tags.iter().any(|t| t.as_str().is_some_and(|t| t.starts_with("charm: "))) {
                let mut tags = tags;
                tags.push(tag.into());
                dashboard["tags"] = tags.into();
            }
            files.push((format!("file:{stem}"), ops::json::dumps(&dashboard)?));
        }
        files.sort();
        Ok(files)
    }
}

/// A dashboard as the consumer received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// The relation it came from.
    pub relation_id: u64,
    /// `<endpoint>:<relation id>/<template key>`.
    pub id: String,
    /// The dashboard JSON, decompressed.
    pub content: String,
    /// The template it came in.
    pub template: Template,
}

/// The dashboards of a relation changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardsChanged {
    /// The relation's id.
    pub relation_id: u64,
}

/// The consumer's events.
#[derive(Debug, Clone, Copy)]
pub struct ConsumerEvents {
    /// A provider's dashboards changed, or it left.
    pub dashboards_changed: EventSource<CustomEvent<DashboardsChanged>>,
}

/// The consumer side on endpoint `R`: a Grafana.
pub struct GrafanaDashboardConsumer<R: RelationEndpoint> {
    /// This instance's events.
    pub on: ConsumerEvents,
    model: Model<R::Charm>,
    emitter: Emitter,
    _endpoint: PhantomData<R>,
}

impl<R: RelationEndpoint> GrafanaDashboardConsumer<R> {
    /// Attaches a consumer to endpoint `R`.
    pub fn new<C>(framework: &mut Framework<C>, access: fn(&mut C) -> Option<&mut Self>) -> Self
    where
        C: CharmBase<Meta = R::Charm>,
    {
        let events = framework.attach::<R, Requires>();
        framework.observe_component("GrafanaDashboardConsumer", events.changed, access, Self::on_changed);
        framework.observe_component("GrafanaDashboardConsumer", events.broken, access, Self::on_broken);
        GrafanaDashboardConsumer {
            on: ConsumerEvents { dashboards_changed: framework.component_event::<R, _>("dashboards_changed") },
            model: framework.model(),
            emitter: framework.emitter(),
            _endpoint: PhantomData,
        }
    }

    fn on_changed(&mut self, event: &RelationChangedEvent<R>) -> HandlerResult {
        self.emitter.emit(self.on.dashboards_changed, DashboardsChanged { relation_id: event.relation.id() })?;
        Ok(())
    }

    fn on_broken(&mut self, event: &RelationBrokenEvent<R>) -> HandlerResult {
        self.emitter.emit(self.on.dashboards_changed, DashboardsChanged { relation_id: event.relation.id() })?;
        Ok(())
    }

    /// Every provider's dashboards, decompressed; a template that does not decompress is
    /// left out (and named in the log).
    ///
    /// # Errors
    ///
    /// When a databag cannot be read, or `dashboards` is not the library's JSON.
    pub fn dashboards(&self) -> Result<Vec<Dashboard>, Error> {
        let mut out = Vec::new();
        for relation in self.model.relations::<R>()? {
            let bag = relation.remote_app_data()?;
            let Some(text) = bag.get("dashboards") else { continue };
            let dashboards: Dashboards =
                serde_json::from_str(text).map_err(|_| Error::Protocol("`dashboards` is not the library's JSON"))?;
            for (key, template) in dashboards.templates {
                match decompress(&template.content) {
                    Ok(content) => out.push(Dashboard {
                        relation_id: relation.id(),
                        id: format!("{}:{}/{key}", R::NAME, relation.id()),
                        content,
                        template,
                    }),
                    Err(error) => log::warn!("dashboard {key} from relation {} skipped: {error}", relation.id()),
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Python 3.11: `base64.b64encode(lzma.compress(text.encode(), preset=3)).decode()`.
    const PYTHON_COMPRESSED: &str = "/Td6WFoAAATm1rRGAgAhARQAAAD/5+wJAQAueyJ0aXRsZSI6ICJFeHBvcnRlciIsICJwYW5lbHMiOiBbXSwgInVpZCI6ICJ4In0AAMB5DyeJCciEAAFHL7BRbzQftvN9AQAAAAAEWVo=";
    const TEXT: &str = r#"{"title": "Exporter", "panels": [], "uid": "x"}"#;

    #[test]
    fn content_is_compressed_byte_for_byte_as_cosl_compresses_it() {
        assert_eq!(compress(TEXT).unwrap(), PYTHON_COMPRESSED);
        assert_eq!(decompress(PYTHON_COMPRESSED).unwrap(), TEXT);
    }

    #[test]
    fn a_broken_stream_is_an_error_not_a_panic() {
        for bad in ["not base64!", "aGVsbG8=", &PYTHON_COMPRESSED[..40]] {
            assert!(decompress(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uids_are_shake_256_as_hashlib_computes_them() {
        assert_eq!(shake_hex("zinc-k8s-file:foo", 8), "05693879e951008d");
        assert_eq!(
            shake_hex("exporter-src/grafana_dashboards/node.json", 20),
            "97b9d0d09fcdf6b41e069a640ebcb3846c799500"
        );
    }
}
