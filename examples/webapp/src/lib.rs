//! A web application charm built on the relation interfaces of `juju-ops-interfaces`, and
//! the charms on the other side of each of its relations:
//!
//! - [`webapp::WebApp`] requires a PostgreSQL database (`database`), asks a proxy for a
//!   route (`ingress`), and offers its metrics (`metrics-endpoint`) and its dashboard
//!   (`grafana-dashboard`);
//! - [`postgres::Postgres`] provides the database and its credentials, as a secret;
//! - [`proxy::Proxy`] provides the ingress URL;
//! - [`observer::Observer`] consumes the scrape jobs and the dashboards.
//!
//! Each charm is a few lines of wiring: the protocol is in the interface components.

pub mod observer;
pub mod postgres;
pub mod proxy;
pub mod webapp;
