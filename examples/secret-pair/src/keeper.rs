//! The keeper: owns the admin credentials.

/// The typed API generated from `keeper/charmcraft.yaml`.
pub mod charm {
    include!(concat!(env!("OUT_DIR"), "/keeper.rs"));
}

use charm::{Meta, relations::Credentials as CredentialsEndpoint};
use ops::{SecretLookup, SecretMeta, SecretRotate, SecretString};

use crate::{Credentials, LABEL, SECRET_ID_KEY};

/// How many passwords the keeper has made, so each rotation makes a new one.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Generations {
    /// Passwords made so far.
    pub made: u32,
}

/// The charm.
pub struct Keeper {
    model: ops::Model<Meta>,
    generations: ops::Stored<Generations>,
}

impl ops::CharmBase for Keeper {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let on = framework.on();
        framework.observe(on.install, Self::on_install);
        framework.observe(on.credentials_relation_joined, Self::on_credentials_joined);
        framework.observe(on.secret_rotate, Self::on_secret_rotate);
        framework.observe(on.secret_remove, Self::on_secret_remove);
        Keeper { model: framework.model(), generations: framework.stored("generations") }
    }
}

impl Keeper {
    /// A new password: a real charm would draw it from a random source.
    fn next_credentials(&mut self) -> Credentials {
        self.generations.update(|g| g.made += 1);
        let made = self.generations.get().made;
        Credentials { username: "admin".into(), password: SecretString::new(format!("pw-{made}-{}", made * 7919)) }
    }

    fn on_install(&mut self, _: &ops::InstallEvent) -> ops::HandlerResult {
        let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
        let credentials = self.next_credentials();
        let meta = SecretMeta::label(LABEL).with_rotate(SecretRotate::Daily);
        self.model.app().add_secret(&leader, &credentials, meta)?;
        Ok(())
    }

    fn on_credentials_joined(&mut self, event: &ops::RelationJoinedEvent<CredentialsEndpoint>) -> ops::HandlerResult {
        let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
        let secret = self.model.app().get_secret(&leader, SecretLookup::label(LABEL))?;
        secret.grant(&leader, &event.relation, None)?;
        let id = secret.id().map(|id| id.to_string()).unwrap_or_default();
        event.relation.local_app_data(&leader).set(SECRET_ID_KEY, id)?;
        Ok(())
    }

    fn on_secret_rotate(&mut self, event: &ops::SecretRotateEvent) -> ops::HandlerResult {
        let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
        let credentials = self.next_credentials();
        event.app_secret(&leader).set_content(&leader, &credentials)?;
        log::info!("rotated the {} credentials", event.label.as_deref().unwrap_or("?"));
        Ok(())
    }

    fn on_secret_remove(&mut self, event: &ops::SecretRemoveEvent) -> ops::HandlerResult {
        event.remove_revision()?;
        Ok(())
    }
}
