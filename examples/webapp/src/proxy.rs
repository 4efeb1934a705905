//! A proxy: the provider side of ingress v2.

/// The typed API generated from `proxy/charmcraft.yaml`.
pub mod charm {
    include!(concat!(env!("OUT_DIR"), "/proxy.rs"));
}

use charm::Meta;
use charm::relations::Ingress;
use ops::CustomEvent;
use ops_interfaces::ingress::{IngressData, IngressProvider};

/// The charm.
pub struct Proxy {
    model: ops::Model<Meta>,
    provider: IngressProvider<Ingress>,
}

impl ops::CharmBase for Proxy {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let provider = IngressProvider::new(framework, |c: &mut Self| Some(&mut c.provider));
        framework.observe(provider.on.data_provided, Self::on_data_provided);
        Proxy { model: framework.model(), provider }
    }
}

impl Proxy {
    fn on_data_provided(&mut self, event: &CustomEvent<IngressData>) -> ops::HandlerResult {
        let Some(leader) = self.model.unit().is_leader()? else { return Ok(()) };
        let relation = self.model.relation_by_id::<Ingress>(event.relation_id)?;
        let url = format!("http://proxy.example/{}-{}", event.app.model, event.app.name);
        self.provider.publish_url(&leader, &relation, &url)?;
        Ok(())
    }
}
