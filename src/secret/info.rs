//! A secret's metadata: [`SecretInfo`] as Juju reports it, and [`SecretMeta`], what a
//! charm sets (label, description, expiry, rotation).

use std::time::Duration;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::SecretId;

/// How often Juju asks the owner to rotate a secret (`secret-rotate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretRotate {
    /// Never (Juju's default).
    Never,
    /// Every hour.
    Hourly,
    /// Every day.
    Daily,
    /// Every week.
    Weekly,
    /// Every month.
    Monthly,
    /// Every quarter.
    Quarterly,
    /// Every year.
    Yearly,
}

impl SecretRotate {
    /// The policy as Juju spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretRotate::Never => "never",
            SecretRotate::Hourly => "hourly",
            SecretRotate::Daily => "daily",
            SecretRotate::Weekly => "weekly",
            SecretRotate::Monthly => "monthly",
            SecretRotate::Quarterly => "quarterly",
            SecretRotate::Yearly => "yearly",
        }
    }

    /// The policy Juju names `text`.
    pub fn parse(text: &str) -> Option<Self> {
        [
            SecretRotate::Never,
            SecretRotate::Hourly,
            SecretRotate::Daily,
            SecretRotate::Weekly,
            SecretRotate::Monthly,
            SecretRotate::Quarterly,
            SecretRotate::Yearly,
        ]
        .into_iter()
        .find(|policy| policy.as_str() == text)
    }
}

/// When a secret revision expires (Juju then sends `secret-expired` to the owner).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// At this time.
    At(OffsetDateTime),
    /// This long from now.
    After(Duration),
}

impl Expiry {
    /// The time, as RFC 3339 in UTC (`2026-12-03T10:00:00Z`), as ops writes it.
    pub(crate) fn to_rfc3339(self) -> String {
        let at = match self {
            Expiry::At(at) => at,
            Expiry::After(after) => OffsetDateTime::now_utc() + after,
        };
        at.to_offset(time::UtcOffset::UTC).format(&Rfc3339).unwrap_or_default()
    }
}

/// What a charm sets on a secret it owns: all optional; what is left out is left as it is.
///
/// ```
/// use ops::{Expiry, SecretMeta, SecretRotate};
///
/// let meta = SecretMeta::label("db-password")
///     .with_description("the database's admin password")
///     .with_rotate(SecretRotate::Monthly)
///     .with_expire(Expiry::After(std::time::Duration::from_secs(90 * 24 * 3600)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretMeta {
    /// A name for the secret, local to this charm.
    pub label: Option<String>,
    /// What the secret is for.
    pub description: Option<String>,
    /// When it expires.
    pub expire: Option<Expiry>,
    /// How often it rotates.
    pub rotate: Option<SecretRotate>,
}

impl SecretMeta {
    /// Metadata with only a label.
    pub fn label(label: impl Into<String>) -> Self {
        SecretMeta { label: Some(label.into()), ..SecretMeta::default() }
    }

    /// With a description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// With an expiry.
    pub fn with_expire(mut self, expire: Expiry) -> Self {
        self.expire = Some(expire);
        self
    }

    /// With a rotation policy.
    pub fn with_rotate(mut self, rotate: SecretRotate) -> Self {
        self.rotate = Some(rotate);
        self
    }

    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.label.is_none() && self.description.is_none() && self.expire.is_none() && self.rotate.is_none()
    }
}

/// A secret's metadata, as `secret-info-get` reports it to the owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretInfo {
    /// The secret.
    pub id: SecretId,
    /// Its label for this charm.
    pub label: Option<String>,
    /// The latest revision.
    pub revision: u64,
    /// When the latest revision expires.
    pub expires: Option<OffsetDateTime>,
    /// The rotation policy.
    pub rotation: Option<SecretRotate>,
    /// When it next rotates.
    pub rotates: Option<OffsetDateTime>,
    /// Its description.
    pub description: Option<String>,
}

impl SecretInfo {
    /// Reads `secret-info-get --format=json`: `{"<id>": {"revision": 1, ...}}`.
    pub(crate) fn from_juju(output: &Map<String, Value>) -> Result<Self, String> {
        let (id, info) = output.iter().next().ok_or("no secret in the answer")?;
        let id = SecretId::parse(id).map_err(|e| e.to_string())?;
        let text = |key: &str| info.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        let time = |key: &str| -> Result<Option<OffsetDateTime>, String> {
            text(key).map(|t| OffsetDateTime::parse(&t, &Rfc3339).map_err(|e| format!("{key}: {e}"))).transpose()
        };
        Ok(SecretInfo {
            id,
            label: text("label"),
            revision: info.get("revision").and_then(Value::as_u64).ok_or("no revision in the answer")?,
            expires: time("expiry")?,
            rotation: text("rotation").and_then(|r| SecretRotate::parse(&r)),
            rotates: time("rotates")?,
            description: text("description"),
        })
    }
}
