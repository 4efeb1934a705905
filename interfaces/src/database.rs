//! The `database` protocol of data_interfaces (charms.data_platform_libs v0, LIBPATCH 59), as
//! `postgresql_client`, `mysql_client` and `mongodb_client` speak it.
//!
//! - The requirer's leader asks for a database in its application databag (`database`,
//!   `extra-user-roles`, `external-node-connectivity`, and, when its Juju has secrets,
//!   `requested-secrets` and `provided-secrets` as JSON lists); every requirer unit keeps a
//!   copy of the provider's application databag under `data` in its own unit databag, and
//!   compares each change against it to emit one event per hook: `database_created`
//!   (credentials arrived), else `endpoints_changed`, else `read_only_endpoints_changed`.
//! - The provider's leader keeps the same copy of the requirer's databag in its own
//!   application databag, emits `database_requested` when `database` first appears, and
//!   publishes endpoints, version and credentials: the credentials in an application secret
//!   granted to the relation (`secret-user`: username, password, uris; `secret-tls`: tls,
//!   tls-ca; labelled `<endpoint>.<relation id>.<group>.secret`) when the requirer asked for
//!   them as secrets, else as plain fields.
//!
//! Every value is a plain string except `requested-secrets`, `provided-secrets` and `data`
//! (JSON, as Python's `json.dumps` writes it).

use std::collections::BTreeMap;
use std::marker::PhantomData;

use ops::component::InterfaceSide;
use ops::generated::RelationEndpoint;
use ops::meta::RelationRole;
use ops::{
    CharmBase, CustomEvent, Emitter, EventSource, Framework, HandlerResult, Leader, Model, Relation,
    RelationChangedEvent, RelationCreatedEvent, SecretContent, SecretLookup, SecretMeta, SecretString,
};
use serde::{Deserialize, Serialize};

use crate::Error;

/// The fields the requirer asks to receive as secrets (data_interfaces' `SECRET_FIELDS`).
pub const REQUESTED_SECRETS: &[&str] =
    &["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"];

/// Which secret each secret field travels in (data_interfaces' `SECRET_LABEL_MAP`).
const SECRET_GROUPS: &[(&str, &[&str])] = &[
    ("user", &["username", "password", "uris", "read-only-uris"]),
    ("tls", &["tls", "tls-ca"]),
    ("entity", &["entity-name", "entity-password"]),
];

/// The requirer side, for endpoints declared under `requires:` with one of the database
/// interfaces.
#[derive(Debug)]
pub enum Requires {}

impl InterfaceSide for Requires {
    const INTERFACES: &'static [&'static str] = &["postgresql_client", "mysql_client", "mongodb_client"];
    const ROLE: RelationRole = RelationRole::Requires;
    const MISMATCH: &'static str = "DatabaseRequirer speaks the database protocol (postgresql_client, mysql_client or \
         mongodb_client) as a requirer: attach it to an endpoint declared under `requires:` with one of those interfaces";
}

/// The provider side, for endpoints declared under `provides:` with one of the database
/// interfaces.
#[derive(Debug)]
pub enum Provides {}

impl InterfaceSide for Provides {
    const INTERFACES: &'static [&'static str] = &["postgresql_client", "mysql_client", "mongodb_client"];
    const ROLE: RelationRole = RelationRole::Provides;
    const MISMATCH: &'static str = "DatabaseProvider speaks the database protocol (postgresql_client, mysql_client or \
         mongodb_client) as a provider: attach it to an endpoint declared under `provides:` with one of those interfaces";
}

/// What the requirer asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DatabaseRequest {
    /// The database's name.
    pub database: String,
    /// Roles for the user (`"admin"`, `"CREATEDB,CREATEROLE"`), if any.
    pub extra_user_roles: Option<String>,
    /// Whether the database must be reachable from outside the model.
    pub external_node_connectivity: bool,
}

impl DatabaseRequest {
    /// A request for database `name`.
    pub fn new(name: impl Into<String>) -> Self {
        DatabaseRequest { database: name.into(), ..DatabaseRequest::default() }
    }
}

/// What a requirer event says: the relation it happened on (read its [`Connection`] with
/// [`DatabaseRequirer::connection`]). The credentials are never in the event, so a deferred
/// event never puts them in the unit's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseEvent {
    /// The relation's id.
    pub relation_id: u64,
}

/// How to reach the database, as the provider published it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Connection {
    /// The database's name.
    pub database: Option<String>,
    /// `host:port`, comma-separated.
    pub endpoints: Option<String>,
    /// Read-only replicas, `host:port`, comma-separated.
    pub read_only_endpoints: Option<String>,
    /// The server version.
    pub version: Option<String>,
    /// The user.
    pub username: Option<String>,
    /// Its password.
    pub password: Option<SecretString>,
    /// Connection URIs (hold the password).
    pub uris: Option<SecretString>,
    /// Read-only connection URIs.
    pub read_only_uris: Option<SecretString>,
    /// Whether TLS is on (`"True"`/`"true"` on the wire).
    pub tls: Option<bool>,
    /// The CA certificate, PEM.
    pub tls_ca: Option<String>,
}

/// The requirer's events, this instance's own.
#[derive(Debug, Clone, Copy)]
pub struct RequirerEvents {
    /// Credentials arrived (`secret-user`, or `username` and `password`, appeared).
    pub database_created: EventSource<CustomEvent<DatabaseEvent>>,
    /// `endpoints` appeared or changed.
    pub endpoints_changed: EventSource<CustomEvent<DatabaseEvent>>,
    /// `read-only-endpoints` appeared or changed (and `endpoints` did not).
    pub read_only_endpoints_changed: EventSource<CustomEvent<DatabaseEvent>>,
}

/// The requirer side of the database protocol, on endpoint `R`.
pub struct DatabaseRequirer<R: RelationEndpoint> {
    /// This instance's events.
    pub on: RequirerEvents,
    request: DatabaseRequest,
    model: Model<R::Charm>,
    emitter: Emitter,
    _endpoint: PhantomData<R>,
}

impl<R: RelationEndpoint> DatabaseRequirer<R> {
    /// Attaches a requirer asking for `request` to endpoint `R`; `access` finds it in the
    /// charm.
    pub fn new<C>(
        framework: &mut Framework<C>,
        access: fn(&mut C) -> Option<&mut Self>,
        request: DatabaseRequest,
    ) -> Self
    where
        C: CharmBase<Meta = R::Charm>,
    {
        let events = framework.attach::<R, Requires>();
        framework.observe_component("DatabaseRequirer", events.created, access, Self::on_created);
        framework.observe_component("DatabaseRequirer", events.changed, access, Self::on_changed);
        DatabaseRequirer {
            on: RequirerEvents {
                database_created: framework.component_event::<R, _>("database_created"),
                endpoints_changed: framework.component_event::<R, _>("endpoints_changed"),
                read_only_endpoints_changed: framework.component_event::<R, _>("read_only_endpoints_changed"),
            },
            request,
            model: framework.model(),
            emitter: framework.emitter(),
            _endpoint: PhantomData,
        }
    }

    fn on_created(&mut self, event: &RelationCreatedEvent<R>) -> HandlerResult {
        let secrets = self.model.juju_version().has_secrets();
        let mut unit = BTreeMap::new();
        if secrets {
            unit.insert("requested-secrets".to_owned(), ops::json::dumps(REQUESTED_SECRETS)?);
            unit.insert("provided-secrets".to_owned(), ops::json::dumps(&["mtls-cert"])?);
        }
        event.relation.local_unit_data().update(unit.clone())?;
        let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
        let mut app = unit;
        app.insert("database".to_owned(), self.request.database.clone());
        if let Some(roles) = &self.request.extra_user_roles {
            app.insert("extra-user-roles".to_owned(), roles.clone());
        }
        if self.request.external_node_connectivity {
            app.insert("external-node-connectivity".to_owned(), "true".to_owned());
        }
        event.relation.local_app_data(&leader).update(app)?;
        Ok(())
    }

    fn on_changed(&mut self, event: &RelationChangedEvent<R>) -> HandlerResult {
        let remote = event.relation.remote_app_data()?;
        let diff = diff_and_record(&remote, &event.relation.local_unit_data())?;
        let data = DatabaseEvent { relation_id: event.relation.id() };
        let added = |key: &str| diff.added.iter().any(|k| k == key);
        let touched = |key: &str| added(key) || diff.changed.iter().any(|k| k == key);
        if added("secret-user") || (added("username") && added("password")) {
            self.emitter.emit(self.on.database_created, data)?;
        } else if touched("endpoints") {
            self.emitter.emit(self.on.endpoints_changed, data)?;
        } else if touched("read-only-endpoints") {
            self.emitter.emit(self.on.read_only_endpoints_changed, data)?;
        }
        Ok(())
    }

    /// The relations on the endpoint.
    ///
    /// # Errors
    ///
    /// When Juju cannot list them.
    pub fn relations(&self) -> Result<Vec<Relation<R>>, Error> {
        Ok(self.model.relations::<R>()?)
    }

    /// Whether the provider has published credentials on `relation`.
    ///
    /// # Errors
    ///
    /// As [`connection`](Self::connection).
    pub fn is_ready(&self, relation: &Relation<R>) -> Result<bool, Error> {
        let connection = self.connection(relation)?;
        Ok(connection.username.is_some() && connection.password.is_some())
    }

    /// What the provider published on `relation`, the credentials read from their secrets
    /// (labelled as data_interfaces labels them) or, from a provider without secrets, from
    /// plain fields.
    ///
    /// # Errors
    ///
    /// When the databag or a secret cannot be read.
    pub fn connection(&self, relation: &Relation<R>) -> Result<Connection, Error> {
        let bag = relation.remote_app_data()?;
        let mut fields: BTreeMap<String, String> = bag.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (group, _) in SECRET_GROUPS {
            let Some(id) = bag.get(&format!("secret-{group}")) else { continue };
            let label = format!("{}.{}.{group}.secret", R::NAME, relation.id());
            let id = ops::SecretId::parse(id)?;
            let content: SecretContent = self.model.get_secret(SecretLookup::IdWithLabel(id, label))?.get_content()?;
            fields.extend(content.iter().map(|(k, v)| (k.to_owned(), v.to_owned())));
        }
        Ok(connection_from(fields))
    }
}

fn connection_from(mut fields: BTreeMap<String, String>) -> Connection {
    let mut take = |key: &str| fields.remove(key).filter(|v| !v.is_empty());
    Connection {
        database: take("database"),
        endpoints: take("endpoints"),
        read_only_endpoints: take("read-only-endpoints"),
        version: take("version"),
        username: take("username"),
        password: take("password").map(SecretString::new),
        uris: take("uris").map(SecretString::new),
        read_only_uris: take("read-only-uris").map(SecretString::new),
        tls: take("tls").map(|t| t.eq_ignore_ascii_case("true")),
        tls_ca: take("tls-ca"),
    }
}

/// What changed in a remote databag since the copy kept under `data` in `store`.
struct Diff {
    added: Vec<String>,
    changed: Vec<String>,
}

/// data_interfaces' `diff()`: compares the remote bag (without its own `data`) with the
/// copy under `data` in `store`, then replaces the copy.
fn diff_and_record(remote: &ops::Databag, store: &ops::LocalDatabag) -> Result<Diff, Error> {
    let old: BTreeMap<String, String> = match store.get("data")? {
        Some(text) => serde_json::from_str(&text).map_err(|_| Error::Protocol("the `data` copy is not a JSON map"))?,
        None => BTreeMap::new(),
    };
    let new: BTreeMap<String, String> =
        remote.iter().filter(|(k, _)| k.as_str() != "data").map(|(k, v)| (k.clone(), v.clone())).collect();
    let added = new.keys().filter(|k| !old.contains_key(*k)).cloned().collect();
    let changed = new.iter().filter(|(k, v)| old.get(*k).is_some_and(|o| o != *v)).map(|(k, _)| k.clone()).collect();
    store.set("data", ops::json::dumps(&new)?)?;
    Ok(Diff { added, changed })
}

/// A requirer asked for a database (`database` appeared in its databag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseRequested {
    /// The relation's id.
    pub relation_id: u64,
    /// The database asked for.
    pub database: String,
    /// The roles asked for.
    pub extra_user_roles: Option<String>,
    /// Whether it must be reachable from outside the model.
    pub external_node_connectivity: bool,
}

/// The provider's events, this instance's own.
#[derive(Debug, Clone, Copy)]
pub struct ProviderEvents {
    /// A requirer asked for a database.
    pub database_requested: EventSource<CustomEvent<DatabaseRequested>>,
}

/// Credentials to publish.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user.
    pub username: String,
    /// Its password.
    pub password: SecretString,
    /// Connection URIs, if the provider publishes them.
    pub uris: Option<SecretString>,
}

/// The provider side of the database protocol, on endpoint `R`.
pub struct DatabaseProvider<R: RelationEndpoint> {
    /// This instance's events.
    pub on: ProviderEvents,
    model: Model<R::Charm>,
    emitter: Emitter,
    _endpoint: PhantomData<R>,
}

impl<R: RelationEndpoint> DatabaseProvider<R> {
    /// Attaches a provider to endpoint `R`; `access` finds it in the charm.
    pub fn new<C>(framework: &mut Framework<C>, access: fn(&mut C) -> Option<&mut Self>) -> Self
    where
        C: CharmBase<Meta = R::Charm>,
    {
        let events = framework.attach::<R, Provides>();
        framework.observe_component("DatabaseProvider", events.changed, access, Self::on_changed);
        DatabaseProvider {
            on: ProviderEvents { database_requested: framework.component_event::<R, _>("database_requested") },
            model: framework.model(),
            emitter: framework.emitter(),
            _endpoint: PhantomData,
        }
    }

    fn on_changed(&mut self, event: &RelationChangedEvent<R>) -> HandlerResult {
        let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
        let remote = event.relation.remote_app_data()?;
        let diff = diff_and_record(&remote, &event.relation.local_app_data(&leader))?;
        if diff.added.iter().any(|k| k == "database") && !remote.contains_key("entity-type") {
            let requested = DatabaseRequested {
                relation_id: event.relation.id(),
                database: remote.get("database").cloned().unwrap_or_default(),
                extra_user_roles: remote.get("extra-user-roles").cloned(),
                external_node_connectivity: remote.get("external-node-connectivity").is_some_and(|v| v == "true"),
            };
            self.emitter.emit(self.on.database_requested, requested)?;
        }
        Ok(())
    }

    /// Publishes `credentials` on `relation`: in an application secret granted to the
    /// relation (`secret-user`) when the requirer asked for them as secrets and Juju has
    /// secrets, else as plain fields. A later call updates the same secret.
    ///
    /// # Errors
    ///
    /// [`Error::Premature`] before the requirer asked for a database; as Juju refuses.
    pub fn set_credentials(
        &self,
        leader: &Leader,
        relation: &Relation<R>,
        credentials: &Credentials,
    ) -> Result<(), Error> {
        let mut fields =
            vec![("username", credentials.username.clone()), ("password", credentials.password.expose().to_owned())];
        if let Some(uris) = &credentials.uris {
            fields.push(("uris", uris.expose().to_owned()));
        }
        self.publish(leader, relation, "user", fields)
    }

    /// Publishes whether TLS is on and the CA (`secret-tls`, or plain `tls`, `tls-ca`).
    ///
    /// # Errors
    ///
    /// As [`set_credentials`](Self::set_credentials).
    pub fn set_tls(
        &self,
        leader: &Leader,
        relation: &Relation<R>,
        enabled: bool,
        ca: Option<&str>,
    ) -> Result<(), Error> {
        let mut fields = vec![("tls", if enabled { "True" } else { "False" }.to_owned())];
        if let Some(ca) = ca {
            fields.push(("tls-ca", ca.to_owned()));
        }
        self.publish(leader, relation, "tls", fields)
    }

    /// Publishes the endpoints (`host:port`, comma-separated); allowed before the
    /// requirer asked for a database.
    ///
    /// # Errors
    ///
    /// As Juju refuses.
    pub fn set_endpoints(&self, leader: &Leader, relation: &Relation<R>, endpoints: &str) -> Result<(), Error> {
        Ok(relation.local_app_data(leader).set("endpoints", endpoints)?)
    }

    /// Publishes the read-only endpoints; allowed before the requirer asked for a database.
    ///
    /// # Errors
    ///
    /// As Juju refuses.
    pub fn set_read_only_endpoints(
        &self,
        leader: &Leader,
        relation: &Relation<R>,
        endpoints: &str,
    ) -> Result<(), Error> {
        Ok(relation.local_app_data(leader).set("read-only-endpoints", endpoints)?)
    }

    /// Publishes the server version.
    ///
    /// # Errors
    ///
    /// [`Error::Premature`] before the requirer asked for a database; as Juju refuses.
    pub fn set_version(&self, leader: &Leader, relation: &Relation<R>, version: &str) -> Result<(), Error> {
        self.requested(relation, "version")?;
        Ok(relation.local_app_data(leader).set("version", version)?)
    }

    /// Publishes the database's name back, as providers do once it exists.
    ///
    /// # Errors
    ///
    /// As [`set_version`](Self::set_version).
    pub fn set_database(&self, leader: &Leader, relation: &Relation<R>, database: &str) -> Result<(), Error> {
        self.requested(relation, "database")?;
        Ok(relation.local_app_data(leader).set("database", database)?)
    }

    /// data_interfaces refuses to write anything but endpoints before the requirer asked.
    fn requested(&self, relation: &Relation<R>, key: &'static str) -> Result<ops::Databag, Error> {
        let remote = relation.remote_app_data()?;
        if !remote.contains_key("database") {
            return Err(Error::Premature { key });
        }
        Ok((*remote).clone())
    }

    fn publish(
        &self,
        leader: &Leader,
        relation: &Relation<R>,
        group: &str,
        fields: Vec<(&'static str, String)>,
    ) -> Result<(), Error> {
        let remote = self.requested(relation, fields[0].0)?;
        let requested: Vec<String> = remote
            .get("requested-secrets")
            .map(|text| {
                serde_json::from_str(text).map_err(|_| Error::Protocol("`requested-secrets` is not a JSON list"))
            })
            .transpose()?
            .unwrap_or_default();
        let as_secret =
            self.model.juju_version().has_secrets() && fields.iter().all(|(key, _)| requested.iter().any(|r| r == key));
        let bag = relation.local_app_data(leader);
        if !as_secret {
            return Ok(bag.update(fields)?);
        }
        let label = format!("{}.{}.{group}.secret", R::NAME, relation.id());
        let content = SecretContent::from_pairs(fields)?;
        // As data_interfaces: the secret this relation already has is the one in our own
        // bag (`secret-<group>`); its content is merged, never replaced.
        let key = format!("secret-{group}");
        match bag.get(&key)? {
            Some(id) => {
                let secret = self.model.app().get_secret(leader, ops::SecretId::parse(&id)?)?;
                let mut merged: BTreeMap<String, String> = secret.get_content()?;
                merged.extend(content.iter().map(|(k, v)| (k.to_owned(), v.to_owned())));
                secret.set_content(leader, &SecretContent::from_map(merged)?)?;
            }
            None => {
                let secret = self.model.app().add_secret(leader, &content, SecretMeta::label(label))?;
                secret.grant(leader, relation, None)?;
                let id = secret.id().map(|id| id.to_string()).unwrap_or_default();
                bag.set(key, id)?;
            }
        }
        Ok(())
    }
}
