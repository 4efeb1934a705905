//! `ingress` v2 (charms.traefik_k8s.v2.ingress, LIBPATCH 21): an application asks a proxy
//! (Traefik) to route to its units, and the proxy answers with the URL.
//!
//! Every field is one JSON value (the typed databags' encoding), fields at their defaults
//! left out, and each side's bag holds only what it last wrote:
//!
//! - requirer application databag (leader): `model`, `name`, `port`, and `strip-prefix`,
//!   `redirect-https` (when true), `scheme` (when not `http`);
//! - requirer unit databag (every unit): `host`, and `ip` when known;
//! - provider application databag: `ingress`, `{"url": ...}`.
//!
//! The requirer publishes on relation-changed, leader-elected and upgrade-charm, emits
//! `ready` with the URL when it changes and `revoked` when the relation is broken. The
//! provider emits `data_provided` once the requirer's application and unit bags all read,
//! and `data_removed` when the relation is broken.

use std::marker::PhantomData;
use std::net::IpAddr;

use ops::component::InterfaceSide;
use ops::generated::RelationEndpoint;
use ops::meta::RelationRole;
use ops::{
    CharmBase, CustomEvent, Emitter, EventSource, Framework, HandlerResult, Leader, Model, Relation,
    RelationBrokenEvent, RelationChangedEvent, RelationDepartedEvent, Stored,
};
use serde::{Deserialize, Serialize};

use crate::Error;

/// The requirer side (`requires:`, interface `ingress`).
#[derive(Debug)]
pub enum Requires {}

impl InterfaceSide for Requires {
    const INTERFACES: &'static [&'static str] = &["ingress"];
    const ROLE: RelationRole = RelationRole::Requires;
    const MISMATCH: &'static str = "IngressRequirer speaks `ingress` as a requirer: attach it to an endpoint declared under `requires:` with interface `ingress`";
}

/// The provider side (`provides:`, interface `ingress`).
#[derive(Debug)]
pub enum Provides {}

impl InterfaceSide for Provides {
    const INTERFACES: &'static [&'static str] = &["ingress"];
    const ROLE: RelationRole = RelationRole::Provides;
    const MISMATCH: &'static str = "IngressProvider speaks `ingress` as a provider: attach it to an endpoint declared under `provides:` with interface `ingress`";
}

/// How the proxy should reach the units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Plain HTTP (the default; not written).
    #[default]
    Http,
    /// HTTPS.
    Https,
    /// HTTP/2 without TLS.
    H2c,
}

impl Scheme {
    fn is_http(&self) -> bool {
        *self == Scheme::Http
    }
}

fn is_false(value: &bool) -> bool {
    !value
}

/// The requirer's application databag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirerAppData {
    /// The requirer's model.
    pub model: String,
    /// The requirer's application.
    pub name: String,
    /// The port its units serve on.
    pub port: u16,
    /// Whether the proxy strips the model-app prefix from the path.
    #[serde(rename = "strip-prefix", default, skip_serializing_if = "is_false")]
    pub strip_prefix: bool,
    /// Whether the proxy redirects HTTP to HTTPS.
    #[serde(rename = "redirect-https", default, skip_serializing_if = "is_false")]
    pub redirect_https: bool,
    /// How the proxy reaches the units.
    #[serde(default, skip_serializing_if = "Scheme::is_http")]
    pub scheme: Scheme,
}

/// One requirer unit's databag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirerUnitData {
    /// The unit's host name.
    pub host: String,
    /// Its address, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
}

/// The provider's application databag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderAppData {
    /// Where the application is reachable.
    pub ingress: IngressUrl,
}

/// `{"url": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngressUrl {
    /// The URL.
    pub url: String,
}

/// What the requirer asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressRequest {
    /// The port the units serve on.
    pub port: u16,
    /// Strip the model-app prefix.
    pub strip_prefix: bool,
    /// Redirect HTTP to HTTPS.
    pub redirect_https: bool,
    /// How the proxy reaches the units.
    pub scheme: Scheme,
    /// The unit's host name; `None`: what Python's `socket.getfqdn()` gives (the unit's
    /// Kubernetes name `<app>-<n>.<app>-endpoints.<model>.svc.cluster.local` in a pod, the
    /// host name on a machine).
    pub host: Option<String>,
}

impl IngressRequest {
    /// Plain HTTP to `port`.
    pub fn new(port: u16) -> Self {
        IngressRequest { port, strip_prefix: false, redirect_https: false, scheme: Scheme::Http, host: None }
    }
}

/// The proxy published a (new) URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngressReady {
    /// The relation's id.
    pub relation_id: u64,
    /// The URL.
    pub url: String,
}

/// The relation to the proxy is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngressRevoked {
    /// The relation's id.
    pub relation_id: u64,
}

/// The requirer's events.
#[derive(Debug, Clone, Copy)]
pub struct RequirerEvents {
    /// The URL is new or changed.
    pub ready: EventSource<CustomEvent<IngressReady>>,
    /// The relation was broken.
    pub revoked: EventSource<CustomEvent<IngressRevoked>>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RequirerState {
    url: Option<String>,
}

/// The requirer side of ingress v2 on endpoint `R`.
pub struct IngressRequirer<R: RelationEndpoint> {
    /// This instance's events.
    pub on: RequirerEvents,
    request: IngressRequest,
    model: Model<R::Charm>,
    emitter: Emitter,
    stored: Stored<RequirerState>,
    _endpoint: PhantomData<R>,
}

impl<R: RelationEndpoint> IngressRequirer<R> {
    /// Attaches a requirer to endpoint `R`; `access` finds it in the charm.
    pub fn new<C>(
        framework: &mut Framework<C>,
        access: fn(&mut C) -> Option<&mut Self>,
        request: IngressRequest,
    ) -> Self
    where
        C: CharmBase<Meta = R::Charm>,
    {
        let events = framework.attach::<R, Requires>();
        framework.observe_component("IngressRequirer", events.changed, access, Self::on_changed);
        framework.observe_component("IngressRequirer", events.departed, access, Self::on_departed);
        framework.observe_component("IngressRequirer", events.broken, access, Self::on_broken);
        let charm = framework.charm_events();
        framework.observe_component("IngressRequirer", charm.leader_elected, access, |this, _| this.publish_all());
        framework.observe_component("IngressRequirer", charm.upgrade_charm, access, |this, _| this.publish_all());
        IngressRequirer {
            on: RequirerEvents {
                ready: framework.component_event::<R, _>("ingress_ready"),
                revoked: framework.component_event::<R, _>("ingress_revoked"),
            },
            request,
            model: framework.model(),
            emitter: framework.emitter(),
            stored: framework.stored(&format!("{}.ingress", R::NAME)),
            _endpoint: PhantomData,
        }
    }

    /// The URL the proxy published, if any.
    pub fn url(&self) -> Option<String> {
        self.stored.get().url.clone()
    }

    fn host(&self) -> String {
        self.request.host.clone().unwrap_or_else(|| crate::unit_fqdn(&self.model))
    }

    fn publish(&self, relation: &Relation<R>) -> Result<(), Error> {
        let ip = relation.binding().network()?.bind_address().and_then(ops::Address::ip);
        relation.local_unit_data().replace(&RequirerUnitData { host: self.host(), ip })?;
        if let Some(leader) = self.model.unit().is_leader()? {
            let app = RequirerAppData {
                model: self.model.name().unwrap_or_default().to_owned(),
                name: self.model.app().name().to_owned(),
                port: self.request.port,
                strip_prefix: self.request.strip_prefix,
                redirect_https: self.request.redirect_https,
                scheme: self.request.scheme,
            };
            relation.local_app_data(&leader).replace(&app)?;
        }
        Ok(())
    }

    fn publish_all(&mut self) -> HandlerResult {
        for relation in self.model.relations::<R>()? {
            self.publish(&relation)?;
        }
        Ok(())
    }

    fn on_changed(&mut self, event: &RelationChangedEvent<R>) -> HandlerResult {
        self.publish(&event.relation)?;
        self.check_url(&event.relation)
    }

    fn on_departed(&mut self, event: &RelationDepartedEvent<R>) -> HandlerResult {
        self.check_url(&event.relation)
    }

    fn check_url(&mut self, relation: &Relation<R>) -> HandlerResult {
        let bag = relation.remote_app_data()?;
        if !bag.contains_key("ingress") {
            return Ok(());
        }
        let provided: ProviderAppData = bag.load()?;
        let url = provided.ingress.url;
        if self.stored.get().url.as_deref() != Some(url.as_str()) {
            self.stored.update(|s| s.url = Some(url.clone()));
            self.emitter.emit(self.on.ready, IngressReady { relation_id: relation.id(), url })?;
        }
        Ok(())
    }

    fn on_broken(&mut self, event: &RelationBrokenEvent<R>) -> HandlerResult {
        self.stored.update(|s| s.url = None);
        self.emitter.emit(self.on.revoked, IngressRevoked { relation_id: event.relation.id() })?;
        Ok(())
    }
}

/// What a requirer asked for, once its application and every unit bag read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngressData {
    /// The relation's id.
    pub relation_id: u64,
    /// The application databag.
    pub app: RequirerAppData,
    /// The unit databags, by unit name.
    pub units: Vec<(String, RequirerUnitData)>,
}

/// The provider's events.
#[derive(Debug, Clone, Copy)]
pub struct ProviderEvents {
    /// A requirer's data is complete.
    pub data_provided: EventSource<CustomEvent<IngressData>>,
    /// A requirer's relation was broken.
    pub data_removed: EventSource<CustomEvent<IngressRevoked>>,
}

/// The provider side of ingress v2 on endpoint `R`.
pub struct IngressProvider<R: RelationEndpoint> {
    /// This instance's events.
    pub on: ProviderEvents,
    emitter: Emitter,
    _endpoint: PhantomData<R>,
}

impl<R: RelationEndpoint> IngressProvider<R> {
    /// Attaches a provider to endpoint `R`; `access` finds it in the charm.
    pub fn new<C>(framework: &mut Framework<C>, access: fn(&mut C) -> Option<&mut Self>) -> Self
    where
        C: CharmBase<Meta = R::Charm>,
    {
        let events = framework.attach::<R, Provides>();
        framework.observe_component("IngressProvider", events.changed, access, Self::on_changed);
        framework.observe_component("IngressProvider", events.broken, access, Self::on_broken);
        IngressProvider {
            on: ProviderEvents {
                data_provided: framework.component_event::<R, _>("ingress_data_provided"),
                data_removed: framework.component_event::<R, _>("ingress_data_removed"),
            },
            emitter: framework.emitter(),
            _endpoint: PhantomData,
        }
    }

    /// The requirer's data on `relation`, when all of it reads (`None` while any bag is
    /// still empty or incomplete).
    ///
    /// # Errors
    ///
    /// When a bag cannot be read from Juju.
    pub fn data(&self, relation: &Relation<R>) -> Result<Option<IngressData>, Error> {
        let app = relation.remote_app_data()?;
        let Ok(app) = app.load::<RequirerAppData>() else { return Ok(None) };
        let mut units = Vec::new();
        for unit in relation.units()? {
            match relation.remote_unit_data(&unit)?.load::<RequirerUnitData>() {
                Ok(data) => units.push((unit.name().to_owned(), data)),
                Err(_) => return Ok(None),
            }
        }
        Ok(Some(IngressData { relation_id: relation.id(), app, units }))
    }

    /// Publishes the URL the requirer is reachable at.
    ///
    /// # Errors
    ///
    /// As Juju refuses.
    pub fn publish_url(&self, leader: &Leader, relation: &Relation<R>, url: &str) -> Result<(), Error> {
        Ok(relation.local_app_data(leader).replace(&ProviderAppData { ingress: IngressUrl { url: url.to_owned() } })?)
    }

    fn on_changed(&mut self, event: &RelationChangedEvent<R>) -> HandlerResult {
        if let Some(data) = self.data(&event.relation)? {
            self.emitter.emit(self.on.data_provided, data)?;
        }
        Ok(())
    }

    fn on_broken(&mut self, event: &RelationBrokenEvent<R>) -> HandlerResult {
        self.emitter.emit(self.on.data_removed, IngressRevoked { relation_id: event.relation.id() })?;
        Ok(())
    }
}
