//! Network bindings: where the charm's workload should listen, and the addresses other
//! applications reach it at (`network-get`, Python's `model.get_binding(x).network`).

use std::net::IpAddr;
use std::rc::Rc;

use ipnet::IpNet;
use serde_json::Value;

use super::{ModelCore, ModelError};
use crate::backend::BackendError;

/// An address as Juju reports it: an IP address, or a hostname Juju could not resolve
/// (ops keeps those as strings too).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Address {
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// A name that is not an IP address.
    Hostname(String),
}

impl Address {
    fn parse(text: &str) -> Self {
        text.parse().map_or_else(|_| Address::Hostname(text.to_owned()), Address::Ip)
    }

    /// The IP address, when it is one.
    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            Address::Ip(ip) => Some(*ip),
            Address::Hostname(_) => None,
        }
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Ip(ip) => ip.fmt(f),
            Address::Hostname(name) => f.write_str(name),
        }
    }
}

/// One address on one interface (an interface with several addresses is several of these,
/// as in ops).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkInterface {
    /// The interface's name (`eth0`).
    pub name: String,
    /// Its hardware address, when Juju gives it.
    pub mac_address: Option<String>,
    /// The address (`None` when Juju gave an empty one).
    pub address: Option<Address>,
    /// The subnet: Juju's CIDR, or the address as a /32 or /128 when Juju gave none.
    pub subnet: Option<IpNet>,
}

/// What `network-get` says about one binding (Python's `ops.Network`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Network {
    /// The interfaces the workload may bind to, one per address.
    pub interfaces: Vec<NetworkInterface>,
    /// The addresses other units should connect to, best first.
    pub ingress_addresses: Vec<Address>,
    /// The subnets connections from this unit come from.
    pub egress_subnets: Vec<IpNet>,
}

impl Network {
    /// The address to bind to: the first interface's.
    pub fn bind_address(&self) -> Option<&Address> {
        self.interfaces.first().and_then(|i| i.address.as_ref())
    }

    /// The address others should use: the first ingress address.
    pub fn ingress_address(&self) -> Option<&Address> {
        self.ingress_addresses.first()
    }

    /// Reads `network-get --format=json`: `bind-addresses` (each with `interface-name`,
    /// `mac-address`, `addresses` of `value` (or the older `address`) and `cidr`),
    /// `ingress-addresses`, `egress-subnets`.
    pub(crate) fn from_juju(json: &Value) -> Result<Self, String> {
        let list = |key: &str| json.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let text = |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        let mut network = Network::default();
        for bind in list("bind-addresses") {
            let name = text(bind, "interface-name").unwrap_or_default();
            let mac_address = text(bind, "mac-address").filter(|m| !m.is_empty());
            for info in bind.get("addresses").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
                let raw = text(info, "value").or_else(|| text(info, "address")).filter(|a| !a.is_empty());
                let cidr = text(info, "cidr").filter(|c| !c.is_empty());
                let subnet = match (&cidr, &raw) {
                    (Some(cidr), _) => Some(cidr.parse::<IpNet>().map_err(|_| format!("cidr {cidr:?} is not a CIDR"))?),
                    (None, Some(raw)) => raw.parse::<IpAddr>().ok().map(IpNet::from),
                    (None, None) => None,
                };
                let address = raw.as_deref().map(Address::parse);
                network.interfaces.push(NetworkInterface {
                    name: name.clone(),
                    mac_address: mac_address.clone(),
                    address,
                    subnet,
                });
            }
        }
        for address in list("ingress-addresses") {
            let address = address.as_str().ok_or("an ingress address is not a string")?;
            network.ingress_addresses.push(Address::parse(address));
        }
        for subnet in list("egress-subnets") {
            let subnet = subnet.as_str().ok_or("an egress subnet is not a string")?;
            let net = subnet.parse::<IpNet>().or_else(|_| subnet.parse::<IpAddr>().map(IpNet::from));
            network.egress_subnets.push(net.map_err(|_| format!("egress subnet {subnet:?} is not a CIDR"))?);
        }
        Ok(network)
    }
}

/// A binding: a relation endpoint or extra binding, optionally one relation of it
/// (Python's `ops.Binding`). Its network is asked for once per dispatch.
#[derive(Clone)]
pub struct Binding {
    core: Rc<ModelCore>,
    name: &'static str,
    relation: Option<u64>,
}

impl std::fmt::Debug for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Binding").field("name", &self.name).field("relation", &self.relation).finish()
    }
}

impl Binding {
    pub(crate) fn new(core: Rc<ModelCore>, name: &'static str, relation: Option<u64>) -> Self {
        Binding { core, name, relation }
    }

    /// The binding's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The network (`network-get`, cached). For a relation's binding, when Juju no longer
    /// knows the relation, asks for the endpoint's network instead (as ops does).
    ///
    /// # Errors
    ///
    /// [`ModelError::Backend`] when `network-get` fails or answers what cannot be read.
    pub fn network(&self) -> Result<Network, ModelError> {
        let key = (self.name.to_owned(), self.relation);
        if let Some(network) = self.core.networks.borrow().get(&key) {
            return Ok(network.clone());
        }
        let json = match self.core.backend.network_get(self.name, self.relation) {
            Err(error) if self.relation.is_some() && relation_is_gone(&error) => {
                self.core.backend.network_get(self.name, None)?
            }
            other => other?,
        };
        let network = Network::from_juju(&json).map_err(|reason| {
            ModelError::Backend(BackendError::BadOutput { call: "network-get".to_owned(), reason })
        })?;
        self.core.networks.borrow_mut().insert(key, network.clone());
        Ok(network)
    }
}

/// ops' `_relation_is_gone`: the relation tools say this of a relation that went away
/// (`relation not found`, `relation 4 not found`), or refuse with `permission denied`.
pub(crate) fn relation_is_gone(error: &BackendError) -> bool {
    error.stderr().is_some_and(|stderr| stderr.contains("permission denied")) || relation_not_found(error)
}

/// A relation tool saying the relation is not there (`relation not found`,
/// `relation 4 not found`).
pub(crate) fn relation_not_found(error: &BackendError) -> bool {
    error.stderr().is_some_and(|stderr| {
        stderr.split("relation ").skip(1).any(|rest| {
            let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start();
            rest.starts_with("not found")
        })
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_network_get_as_ops_does() {
        let network = Network::from_juju(&json!({
            "bind-addresses": [
                {"mac-address": "aa:bb", "interface-name": "eth0",
                 "addresses": [{"hostname": "", "value": "10.1.2.3", "cidr": "10.1.2.0/24"},
                               {"value": "fe80::1", "cidr": ""}]},
                {"interface-name": "lo", "addresses": [{"address": "127.0.0.1", "cidr": "127.0.0.0/8"}]}
            ],
            "egress-subnets": ["10.1.2.3/32", "192.168.0.1"],
            "ingress-addresses": ["10.1.2.3", "unresolved.example"]
        }))
        .unwrap();
        assert_eq!(network.interfaces.len(), 3);
        assert_eq!(network.bind_address(), Some(&Address::Ip("10.1.2.3".parse().unwrap())));
        assert_eq!(network.interfaces[0].subnet, Some("10.1.2.0/24".parse().unwrap()));
        assert_eq!(network.interfaces[1].subnet, Some("fe80::1/128".parse().unwrap()), "no cidr: the address");
        assert_eq!(network.interfaces[2].address.as_ref().map(ToString::to_string).as_deref(), Some("127.0.0.1"));
        assert_eq!(network.ingress_addresses[1], Address::Hostname("unresolved.example".into()));
        assert_eq!(network.egress_subnets[1], "192.168.0.1/32".parse::<IpNet>().unwrap());
        assert_eq!(Network::from_juju(&json!({})).unwrap(), Network::default());
        assert!(Network::from_juju(&json!({"egress-subnets": ["nope"]})).unwrap_err().contains("nope"));
    }

    #[test]
    fn gone_relations_are_recognised_by_stderr() {
        let failed = |stderr: &str| BackendError::Failed { call: "network-get".into(), code: 1, stderr: stderr.into() };
        assert!(relation_is_gone(&failed("ERROR relation 4 not found")));
        assert!(relation_is_gone(&failed("ERROR relation not found")));
        assert!(relation_is_gone(&failed("ERROR permission denied")));
        assert!(!relation_is_gone(&failed("ERROR no network config found for binding \"x\"")));
    }
}
