//! The cloud the model runs on, with its credential (`credential-get`, Python's
//! `model.get_cloud_spec()`; the application must be trusted: `juju trust`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The cloud, as `credential-get --format=json` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct CloudSpec {
    /// The cloud's type (`lxd`, `openstack`, `kubernetes`, `ec2`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// The cloud's name.
    pub name: String,
    /// The region, if any.
    #[serde(default)]
    pub region: Option<String>,
    /// The API endpoint.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The identity endpoint.
    #[serde(default)]
    pub identity_endpoint: Option<String>,
    /// The storage endpoint.
    #[serde(default)]
    pub storage_endpoint: Option<String>,
    /// The credential Juju uses on it.
    #[serde(default)]
    pub credential: Option<CloudCredential>,
    /// CA certificates for the endpoints (PEM).
    #[serde(default, rename = "cacertificates")]
    pub ca_certificates: Vec<String>,
    /// Whether TLS verification is skipped.
    #[serde(default)]
    pub skip_tls_verify: bool,
    /// Whether this is the controller's own cloud.
    #[serde(default)]
    pub is_controller_cloud: bool,
}

/// A cloud credential: an auth type and its attributes, which hold secrets, so `Debug`
/// shows only their names.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct CloudCredential {
    /// How it authenticates (`userpass`, `access-key`, `certificate`, ...).
    pub auth_type: String,
    /// The attributes (`username`, `password`, `client-key`, ...).
    #[serde(default, rename = "attrs")]
    pub attributes: BTreeMap<String, String>,
    /// Names of the attributes Juju redacted.
    #[serde(default)]
    pub redacted: Vec<String>,
}

impl CloudSpec {
    /// A cloud of type `kind` named `name`, with nothing else set (for tests and fakes).
    pub fn new(kind: impl Into<String>, name: impl Into<String>) -> Self {
        CloudSpec {
            kind: kind.into(),
            name: name.into(),
            region: None,
            endpoint: None,
            identity_endpoint: None,
            storage_endpoint: None,
            credential: None,
            ca_certificates: Vec::new(),
            skip_tls_verify: false,
            is_controller_cloud: false,
        }
    }
}

impl CloudCredential {
    /// A credential of `auth_type` with `attributes`.
    pub fn new(auth_type: impl Into<String>, attributes: BTreeMap<String, String>) -> Self {
        CloudCredential { auth_type: auth_type.into(), attributes, redacted: Vec::new() }
    }
}

impl std::fmt::Debug for CloudCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudCredential")
            .field("auth_type", &self.auth_type)
            .field("attributes", &self.attributes.keys().collect::<Vec<_>>())
            .field("redacted", &self.redacted)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_credential_get_and_never_prints_a_secret() {
        let spec: CloudSpec = serde_json::from_value(serde_json::json!({
            "type": "lxd", "name": "localhost", "region": "default",
            "endpoint": "https://10.0.0.1:8443",
            "credential": {"auth-type": "certificate", "attrs": {"client-key": "PRIVATE"}, "redacted": []},
            "cacertificates": ["-----BEGIN CERTIFICATE-----"],
            "is-controller-cloud": true
        }))
        .unwrap();
        assert_eq!((spec.kind.as_str(), spec.region.as_deref()), ("lxd", Some("default")));
        assert!(spec.is_controller_cloud && !spec.skip_tls_verify);
        let credential = spec.credential.as_ref().unwrap();
        assert_eq!(credential.attributes["client-key"], "PRIVATE");
        assert!(!format!("{spec:?}").contains("PRIVATE"));
    }
}
