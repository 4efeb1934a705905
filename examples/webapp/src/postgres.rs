//! A database: the provider side of `postgresql_client`.

/// The typed API generated from `postgres/charmcraft.yaml`.
pub mod charm {
    include!(concat!(env!("OUT_DIR"), "/postgres.rs"));
}

use charm::Meta;
use charm::relations::Database;
use ops::{CustomEvent, SecretString};
use ops_interfaces::database::{Credentials, DatabaseProvider, DatabaseRequested};

/// The charm.
pub struct Postgres {
    model: ops::Model<Meta>,
    provider: DatabaseProvider<Database>,
}

impl ops::CharmBase for Postgres {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let provider = DatabaseProvider::new(framework, |c: &mut Self| Some(&mut c.provider));
        framework.observe(provider.on.database_requested, Self::on_database_requested);
        Postgres { model: framework.model(), provider }
    }
}

impl Postgres {
    fn on_database_requested(&mut self, event: &CustomEvent<DatabaseRequested>) -> ops::HandlerResult {
        let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
        let relation = self.model.relation_by_id::<Database>(event.relation_id)?;
        // A real charm creates the database and the user here, with a random password.
        let user = format!("relation_id_{}", event.relation_id);
        let password = SecretString::new(format!("pw-for-{}", event.database));
        self.provider.set_database(&leader, &relation, &event.database)?;
        self.provider.set_endpoints(&leader, &relation, "postgres-0.postgres-endpoints:5432")?;
        self.provider.set_version(&leader, &relation, "16.6")?;
        self.provider.set_credentials(&leader, &relation, &Credentials { username: user, password, uris: None })?;
        Ok(())
    }
}
