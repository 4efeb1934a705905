//! The consumer: uses the credentials the keeper hands it.

/// The typed API generated from `consumer/charmcraft.yaml`.
pub mod charm {
    include!(concat!(env!("OUT_DIR"), "/consumer.rs"));
}

use charm::{Meta, relations::Credentials as CredentialsEndpoint};
use ops::{SecretId, SecretLookup};

use crate::{Credentials, LABEL, SECRET_ID_KEY};

/// The charm.
pub struct Consumer {
    model: ops::Model<Meta>,
}

impl ops::CharmBase for Consumer {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let on = framework.on();
        framework.observe(on.credentials_relation_changed, Self::on_credentials_changed);
        framework.observe(on.secret_changed, Self::on_secret_changed);
        Consumer { model: framework.model() }
    }
}

impl Consumer {
    fn use_credentials(&self, credentials: &Credentials) -> ops::HandlerResult {
        // A real charm would configure its workload with the password here.
        let status = ops::ActiveStatus::new(format!("connected as {}", credentials.username));
        self.model.unit().set_status(status)?;
        Ok(())
    }

    fn on_credentials_changed(&mut self, event: &ops::RelationChangedEvent<CredentialsEndpoint>) -> ops::HandlerResult {
        let Some(id) = event.relation.remote_app_data()?.get(SECRET_ID_KEY).cloned() else {
            self.model.unit().set_status(ops::WaitingStatus::new("waiting for credentials"))?;
            return Ok(());
        };
        let id = SecretId::parse(&id)?;
        let secret = self.model.get_secret(SecretLookup::IdWithLabel(id, LABEL.to_owned()))?;
        self.use_credentials(&secret.get_content()?)
    }

    fn on_secret_changed(&mut self, event: &ops::SecretChangedEvent) -> ops::HandlerResult {
        if event.label.as_deref() != Some(LABEL) {
            return Ok(());
        }
        let credentials: Credentials = event.secret().refresh_content()?;
        log::info!("the {LABEL} credentials changed");
        self.use_credentials(&credentials)
    }
}
