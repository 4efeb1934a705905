//! The web application.

/// The typed API generated from `webapp/charmcraft.yaml`.
pub mod charm {
    include!(concat!(env!("OUT_DIR"), "/webapp.rs"));
}

use charm::Meta;
use charm::relations::{Database, GrafanaDashboard, Ingress, MetricsEndpoint};
use ops::{ActiveStatus, CustomEvent, WaitingStatus};
use ops_interfaces::database::{DatabaseEvent, DatabaseRequest, DatabaseRequirer};
use ops_interfaces::grafana_dashboard::GrafanaDashboardProvider;
use ops_interfaces::ingress::{IngressReady, IngressRequest, IngressRequirer};
use ops_interfaces::prometheus_scrape::{MetricsEndpointProvider, ScrapeJob};

/// The charm: four components, one per relation.
pub struct WebApp {
    model: ops::Model<Meta>,
    /// The database requirer.
    pub database: DatabaseRequirer<Database>,
    /// The ingress requirer.
    pub ingress: IngressRequirer<Ingress>,
    metrics: MetricsEndpointProvider<MetricsEndpoint>,
    dashboards: GrafanaDashboardProvider<GrafanaDashboard>,
}

impl ops::CharmBase for WebApp {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let database =
            DatabaseRequirer::new(framework, |c: &mut Self| Some(&mut c.database), DatabaseRequest::new("webapp"));
        let ingress = IngressRequirer::new(framework, |c: &mut Self| Some(&mut c.ingress), IngressRequest::new(8080));
        let metrics = MetricsEndpointProvider::new(
            framework,
            |c: &mut Self| Some(&mut c.metrics),
            vec![ScrapeJob::on_port(8080)],
        );
        let dashboards = GrafanaDashboardProvider::new(framework, |c: &mut Self| Some(&mut c.dashboards));
        framework.observe(database.on.database_created, Self::on_database_created);
        framework.observe(database.on.endpoints_changed, Self::on_database_created);
        framework.observe(ingress.on.ready, Self::on_ingress_ready);
        WebApp { model: framework.model(), database, ingress, metrics, dashboards }
    }
}

impl WebApp {
    fn on_database_created(&mut self, event: &CustomEvent<DatabaseEvent>) -> ops::HandlerResult {
        let relation = self.model.relation_by_id::<Database>(event.relation_id)?;
        let connection = self.database.connection(&relation)?;
        let (Some(user), Some(endpoints)) = (connection.username, connection.endpoints) else {
            self.model.unit().set_status(WaitingStatus::new("waiting for database credentials"))?;
            return Ok(());
        };
        // A real charm writes the connection string (with the password) into its workload's config.
        log::info!("database ready: {user}@{endpoints}");
        self.model.unit().set_status(ActiveStatus::new(format!("serving with {endpoints}")))?;
        Ok(())
    }

    fn on_ingress_ready(&mut self, event: &CustomEvent<IngressReady>) -> ops::HandlerResult {
        log::info!("reachable at {}", event.url);
        Ok(())
    }

    /// Sends the jobs and dashboards again (a real charm calls this on pebble-ready).
    pub fn refresh_observability(&self) -> Result<(), ops_interfaces::Error> {
        self.metrics.refresh()?;
        self.dashboards.publish_all()
    }
}
