//! Secret identifiers.

use std::fmt;

/// A secret's URI, as Juju writes it: `secret:<id>` or `secret://<model-uuid>/<id>`,
/// where `<id>` is 20 characters of `[0-9a-v]`. Config options of type `secret` are typed
/// as this.
///
/// ```
/// let id = ops::SecretId::parse("secret:cs6a4h7mp25c76m8ue3g").unwrap();
/// assert_eq!(id.unique_id(), "cs6a4h7mp25c76m8ue3g");
/// assert!(ops::SecretId::parse("secret:nope").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretId {
    uri: String,
}

/// A string that is not a secret URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("secret URI {0:?} not valid")]
pub struct InvalidSecretId(pub String);

impl SecretId {
    /// Parses a secret URI; a bare 20-character id is taken as `secret:<id>`.
    pub fn parse(text: &str) -> Result<Self, InvalidSecretId> {
        let invalid = || InvalidSecretId(text.to_owned());
        let id = if let Some(rest) = text.strip_prefix("secret://") {
            rest.split_once('/').map(|(_, id)| id).ok_or_else(invalid)?
        } else {
            text.strip_prefix("secret:").unwrap_or(text)
        };
        let valid = id.len() == 20 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'v').contains(&b));
        if !valid {
            return Err(invalid());
        }
        let uri = if text.starts_with("secret:") { text.to_owned() } else { format!("secret:{text}") };
        Ok(SecretId { uri })
    }

    /// The URI as given (`secret:...`).
    pub fn as_str(&self) -> &str {
        &self.uri
    }

    /// The 20-character unique id.
    pub fn unique_id(&self) -> &str {
        &self.uri[self.uri.len() - 20..]
    }
}

impl fmt::Display for SecretId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.uri)
    }
}

impl From<SecretId> for serde_json::Value {
    fn from(id: SecretId) -> Self {
        serde_json::Value::String(id.uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert!(SecretId::parse("cs6a4h7mp25c76m8ue3g").is_ok());
        assert!(SecretId::parse("secret://0f5c-uuid/cs6a4h7mp25c76m8ue3g").is_ok());
        assert!(SecretId::parse("secret:CS6A4H7MP25C76M8UE3G").is_err());
        assert!(SecretId::parse("secret:cs6a4h7mp25c76m8ue3").is_err());
    }
}
