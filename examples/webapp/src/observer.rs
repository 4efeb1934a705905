//! An observer: the consumer sides of prometheus_scrape and grafana_dashboard.

/// The typed API generated from `observer/charmcraft.yaml`.
pub mod charm {
    include!(concat!(env!("OUT_DIR"), "/observer.rs"));
}

use charm::Meta;
use charm::relations::{GrafanaDashboard, MetricsEndpoint};
use ops::CustomEvent;
use ops_interfaces::grafana_dashboard::{DashboardsChanged, GrafanaDashboardConsumer};
use ops_interfaces::prometheus_scrape::{MetricsEndpointConsumer, TargetsChanged};

/// The charm.
pub struct Observer {
    scrapes: MetricsEndpointConsumer<MetricsEndpoint>,
    dashboards: GrafanaDashboardConsumer<GrafanaDashboard>,
}

impl ops::CharmBase for Observer {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        let scrapes = MetricsEndpointConsumer::new(framework, |c: &mut Self| Some(&mut c.scrapes));
        let dashboards = GrafanaDashboardConsumer::new(framework, |c: &mut Self| Some(&mut c.dashboards));
        framework.observe(scrapes.on.targets_changed, Self::on_targets_changed);
        framework.observe(dashboards.on.dashboards_changed, Self::on_dashboards_changed);
        Observer { scrapes, dashboards }
    }
}

impl Observer {
    fn on_targets_changed(&mut self, _: &CustomEvent<TargetsChanged>) -> ops::HandlerResult {
        for job in self.scrapes.jobs()? {
            log::info!("scrape job {job}");
        }
        Ok(())
    }

    fn on_dashboards_changed(&mut self, _: &CustomEvent<DashboardsChanged>) -> ops::HandlerResult {
        for dashboard in self.dashboards.dashboards()? {
            log::info!("dashboard {}: {}", dashboard.id, dashboard.content);
        }
        Ok(())
    }
}
