//! What a secret holds: [`SecretContent`], Juju's map of keys to values, typed both ways,
//! and [`SecretString`], a value that never prints.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Why content cannot be a secret's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContentError {
    /// A key Juju refuses (it must match `^[a-z](-?[a-z0-9]){2,}$`).
    #[error(
        "secret content key {0:?} is not valid: keys are at least 3 lower-case letters and digits, start with a letter, \
         and have single dashes only between them (in a struct, rename fields with #[serde(rename_all = \"kebab-case\")])"
    )]
    Key(String),
    /// No keys at all.
    #[error("secret content must not be empty")]
    Empty,
    /// A value that is not flat text (a nested map or list), or another serde refusal.
    /// The message names fields, never values.
    #[error("secret content must be a flat map of keys to text, numbers or booleans: {0}")]
    Shape(String),
}

/// A secret revision's content: keys to values. Its `Debug` shows the keys, never the
/// values.
///
/// ```
/// let content = ops::SecretContent::from_pairs([("password", "hunter2")]).unwrap();
/// assert_eq!(content.get("password"), Some("hunter2"));
/// assert_eq!(format!("{content:?}"), r#"SecretContent { keys: ["password"], values: <redacted> }"#);
/// assert!(ops::SecretContent::from_pairs([("pw", "x")]).is_err()); // keys need 3 characters
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretContent(BTreeMap<String, String>);

impl fmt::Debug for SecretContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretContent")
            .field("keys", &self.0.keys().collect::<Vec<_>>())
            .field("values", &format_args!("<redacted>"))
            .finish()
    }
}

/// Juju's rule for a content key: `^[a-z](-?[a-z0-9]){2,}$`.
pub(crate) fn valid_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    let Some((first, rest)) = bytes.split_first() else { return false };
    if !first.is_ascii_lowercase() {
        return false;
    }
    let (mut units, mut dash) = (0, false);
    for &b in rest {
        match b {
            b'-' if !dash => dash = true,
            b if b.is_ascii_lowercase() || b.is_ascii_digit() => {
                units += 1;
                dash = false;
            }
            _ => return false,
        }
    }
    units >= 2 && !dash
}

impl SecretContent {
    /// Content from a map, checked by Juju's rules.
    ///
    /// # Errors
    ///
    /// [`ContentError::Key`] naming the first key Juju would refuse; [`ContentError::Empty`].
    pub fn from_map(map: BTreeMap<String, String>) -> Result<Self, ContentError> {
        if map.is_empty() {
            return Err(ContentError::Empty);
        }
        if let Some(key) = map.keys().find(|k| !valid_key(k)) {
            return Err(ContentError::Key(key.clone()));
        }
        Ok(SecretContent(map))
    }

    /// Content from key–value pairs.
    ///
    /// # Errors
    ///
    /// As [`from_map`](Self::from_map).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, ContentError> {
        Self::from_map(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }

    /// Content from a flat struct (or map) of text, numbers and booleans: each field a key.
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// #[serde(rename_all = "kebab-case")]
    /// struct Credentials {
    ///     username: String,
    ///     password: ops::SecretString,
    ///     port: u16,
    /// }
    /// let content = ops::SecretContent::from_serialize(&Credentials {
    ///     username: "app".into(),
    ///     password: ops::SecretString::new("hunter2"),
    ///     port: 5432,
    /// })
    /// .unwrap();
    /// assert_eq!(content.get("port"), Some("5432"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`ContentError::Shape`] for nested values; otherwise as [`from_map`](Self::from_map).
    pub fn from_serialize(value: &impl Serialize) -> Result<Self, ContentError> {
        // A flat struct as `key=value&...` and back as a map: serde_urlencoded does the
        // typing (numbers and booleans as text) and refuses nesting.
        let encoded = serde_urlencoded::to_string(value).map_err(|e| ContentError::Shape(e.to_string()))?;
        let map: BTreeMap<String, String> =
            serde_urlencoded::from_str(&encoded).map_err(|e| ContentError::Shape(e.to_string()))?;
        Self::from_map(map)
    }

    /// The content as `T`: a flat struct whose fields are keys (numbers and booleans
    /// parsed from their text), or a map.
    ///
    /// # Errors
    ///
    /// [`ContentError::Shape`] naming the missing or unreadable field (never a value).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ContentError> {
        let encoded = serde_urlencoded::to_string(&self.0).map_err(|e| ContentError::Shape(e.to_string()))?;
        serde_urlencoded::from_str(&encoded).map_err(|e| ContentError::Shape(redacted_shape(&e.to_string())))
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// The keys.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Keys and values.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The map.
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }

    /// Content as a hook tool printed it, trusted as Juju's.
    pub(crate) fn from_juju(map: BTreeMap<String, String>) -> Self {
        SecretContent(map)
    }
}

/// serde_urlencoded's messages name the field, and for a bad number say only "invalid
/// digit"; anything quoted is dropped all the same, in case a value slipped in.
fn redacted_shape(message: &str) -> String {
    match message.find('`').filter(|_| !message.starts_with("missing field") && !message.starts_with("unknown field")) {
        Some(at) => message[..at].trim_end().to_owned(),
        None => message.to_owned(),
    }
}

/// Text that must not be seen: its `Debug` prints `<redacted>`, and it has no `Display`.
/// Use it for the sensitive fields of typed secret content.
///
/// ```
/// let password = ops::SecretString::new("hunter2");
/// assert_eq!(format!("{password:?}"), "<redacted>");
/// assert_eq!(password.expose(), "hunter2");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps `text`.
    pub fn new(text: impl Into<String>) -> Self {
        SecretString(text.into())
    }

    /// The text itself, for the one place it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The text, unwrapped.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_jujus_rule() {
        for good in ["abc", "a-b-c", "password", "tls-cert2", "a1b"] {
            assert!(valid_key(good), "{good}");
        }
        for bad in ["", "ab", "a-b", "1abc", "Abc", "abc-", "a--bc", "a_bc", "-abc", "ab c"] {
            assert!(!valid_key(bad), "{bad}");
        }
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    struct Db {
        user_name: String,
        password: SecretString,
        port: u16,
        tls: bool,
        replica: Option<String>,
    }

    #[test]
    fn typed_content_both_ways() {
        let db = Db {
            user_name: "app".into(),
            password: SecretString::new("p&ss=w0rd %"),
            port: 5432,
            tls: true,
            replica: None,
        };
        let content = SecretContent::from_serialize(&db).unwrap();
        assert_eq!(content.keys().collect::<Vec<_>>(), ["password", "port", "tls", "user-name"]);
        assert_eq!(content.get("password"), Some("p&ss=w0rd %"));
        assert_eq!(content.parse::<Db>().unwrap(), db);
        let as_map: BTreeMap<String, String> = content.parse().unwrap();
        assert_eq!(as_map.len(), 4);
    }

    #[test]
    fn errors_name_keys_and_fields_never_values() {
        #[derive(Serialize)]
        struct Bad {
            pw: String,
        }
        let err = SecretContent::from_serialize(&Bad { pw: "hunter2".into() }).unwrap_err();
        assert!(matches!(&err, ContentError::Key(k) if k == "pw"));
        assert!(!err.to_string().contains("hunter2"));
        let content = SecretContent::from_pairs([("user-name", "x"), ("password", "y"), ("port", "hunter2")]).unwrap();
        let err = content.parse::<Db>().unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        #[derive(Serialize)]
        struct Nested {
            inner: BTreeMap<String, String>,
        }
        let nested = Nested { inner: [("a".to_owned(), "b".to_owned())].into() };
        assert!(matches!(SecretContent::from_serialize(&nested), Err(ContentError::Shape(_))));
        assert_eq!(SecretContent::from_map(BTreeMap::new()), Err(ContentError::Empty));
    }
}
