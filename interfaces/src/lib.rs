//! Relation interfaces for juju-ops charms: both sides of the interfaces charms relate
//! through, as components generic over the endpoint they are attached to, with each side's
//! databags as serde types in the encoding the Python charm libraries use, so a Rust charm
//! relates to a Python one.
//!
//! - [`database`]: the `database` protocol of data_interfaces (`postgresql_client`,
//!   `mysql_client`, `mongodb_client`), credentials through secrets;
//! - [`ingress`]: `ingress` v2 (Traefik's);
//! - [`prometheus_scrape`]: a metrics endpoint and the scraper that reads it;
//! - [`grafana_dashboard`]: dashboards, LZMA-compressed as the Python library sends them.
//!
//! Each side is attached with [`ops::Framework::attach`], so attaching it to an endpoint of
//! another interface or role does not build.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod database;
mod error;
pub mod grafana_dashboard;
pub mod ingress;
pub mod prometheus_scrape;

pub use error::Error;

/// What Python's `socket.getfqdn()` gives for this unit: in a Kubernetes pod (a charm with
/// containers), `<app>-<n>.<app>-endpoints.<model>.svc.cluster.local`; on a machine, its
/// host name.
pub(crate) fn unit_fqdn<M: ops::generated::CharmMeta>(model: &ops::Model<M>) -> String {
    if !model.meta().containers.is_empty() {
        let unit = model.unit().name().replace('/', "-");
        let app = model.app().name().to_owned();
        return format!("{unit}.{app}-endpoints.{}.svc.cluster.local", model.name().unwrap_or_default());
    }
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_owned()).unwrap_or_default()
}
