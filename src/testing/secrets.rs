//! Secrets in the in-memory Juju (Scenario's `Secret`): what the unit owns or was granted,
//! with Juju's rules: who may read and manage, tracked and latest revisions, `peek` and
//! `refresh`, labels, grants per relation and unit, and removal.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::JujuVersion;
use crate::backend::{SecretArgs, SecretOwner, SecretRead, SecretRef};
use crate::secret::{SecretContent, SecretId, SecretRotate};

/// A secret as Juju knows it for the unit under test.
///
/// ```
/// use ops::SecretContent;
/// use ops::testing::SecretState;
///
/// // Granted to the charm, with a newer revision it has not read yet.
/// let creds = SecretState::observed(SecretContent::from_pairs([("password", "old")]).unwrap())
///     .with_latest(SecretContent::from_pairs([("password", "new")]).unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretState {
    /// Its URI.
    pub id: SecretId,
    /// Who owns it; `None` when the charm only observes it.
    pub owner: Option<SecretOwner>,
    /// The content of the revision the charm tracks.
    pub tracked_content: SecretContent,
    /// The latest revision's content.
    pub latest_content: SecretContent,
    /// The revision the charm tracks.
    pub tracked_revision: u64,
    /// The latest revision.
    pub latest_revision: u64,
    /// The charm's label for it.
    pub label: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// When it expires (RFC 3339).
    pub expire: Option<String>,
    /// Its rotation policy.
    pub rotate: Option<SecretRotate>,
    /// Who it is granted to: relation id to the applications and units.
    pub remote_grants: BTreeMap<u64, BTreeSet<String>>,
}

/// Secret ids for tests: valid URIs, one new per secret.
fn next_id() -> SecretId {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    SecretId::parse(&format!("secret:d{n:019}")).unwrap_or_else(|_| unreachable!("digits are xid characters"))
}

impl SecretState {
    fn new(owner: Option<SecretOwner>, content: SecretContent) -> Self {
        SecretState {
            id: next_id(),
            owner,
            tracked_content: content.clone(),
            latest_content: content,
            tracked_revision: 1,
            latest_revision: 1,
            label: None,
            description: None,
            expire: None,
            rotate: None,
            remote_grants: BTreeMap::new(),
        }
    }

    /// A secret the charm's application owns.
    pub fn owned_by_app(content: SecretContent) -> Self {
        Self::new(Some(SecretOwner::Application), content)
    }

    /// A secret the unit owns.
    pub fn owned_by_unit(content: SecretContent) -> Self {
        Self::new(Some(SecretOwner::Unit), content)
    }

    /// A secret granted to the charm.
    pub fn observed(content: SecretContent) -> Self {
        Self::new(None, content)
    }

    /// With this id.
    pub fn with_id(mut self, id: SecretId) -> Self {
        self.id = id;
        self
    }

    /// With the charm's label.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// With a newer revision the charm does not track yet.
    pub fn with_latest(mut self, content: SecretContent) -> Self {
        self.latest_content = content;
        self.latest_revision = self.tracked_revision + 1;
        self
    }

    fn matches(&self, secret: SecretRef<'_>) -> bool {
        match (secret.id, secret.label) {
            (Some(id), _) => SecretId::parse(id).is_ok_and(|id| id.unique_id() == self.id.unique_id()),
            (None, Some(label)) => self.label.as_deref() == Some(label),
            (None, None) => false,
        }
    }
}

/// Why the in-memory Juju refuses a secret call: the message Juju's tool prints.
pub(crate) struct Refusal(pub String);

fn not_found(secret: SecretRef<'_>) -> Refusal {
    Refusal(format!("secret {:?} not found", secret.id.or(secret.label).unwrap_or_default()))
}

/// The unit's secrets, and what the calls of one dispatch do to them.
pub(crate) struct Secrets<'a> {
    pub secrets: &'a mut Vec<SecretState>,
    pub leader: bool,
    pub version: JujuVersion,
}

impl Secrets<'_> {
    fn find(&mut self, secret: SecretRef<'_>) -> Result<&mut SecretState, Refusal> {
        self.secrets.iter_mut().find(|s| s.matches(secret)).ok_or_else(|| not_found(secret))
    }

    /// Only the owner manages a secret, and only the leader an application's.
    fn managed(&mut self, secret: SecretRef<'_>) -> Result<&mut SecretState, Refusal> {
        let leader = self.leader;
        let state = self.find(secret)?;
        match state.owner {
            None => Err(Refusal("permission denied".to_owned())),
            Some(SecretOwner::Application) if !leader => Err(Refusal("this unit is not the leader".to_owned())),
            Some(_) => Ok(state),
        }
    }

    pub fn add(&mut self, content: &SecretContent, args: &SecretArgs, owner: SecretOwner) -> Result<String, Refusal> {
        if owner == SecretOwner::Application && !self.leader {
            return Err(Refusal("this unit is not the leader".to_owned()));
        }
        if let Some(label) = &args.label
            && self.secrets.iter().any(|s| s.owner.is_some() && s.label.as_ref() == Some(label))
        {
            return Err(Refusal(format!("secret with label {label:?} already exists")));
        }
        let mut state = SecretState::new(Some(owner), content.clone());
        apply_meta(&mut state, args);
        let id = state.id.to_string();
        self.secrets.push(state);
        Ok(id)
    }

    pub fn get(&mut self, secret: SecretRef<'_>, read: SecretRead) -> Result<SecretContent, Refusal> {
        // Before Juju 3.1.7 and 3.3.1, owners always read the latest revision.
        let owners_track_latest =
            !(self.version == JujuVersion::new(3, 1, 7) || self.version >= JujuVersion::new(3, 3, 1));
        let state = self.find(secret)?;
        if let (Some(_), Some(label)) = (secret.id, secret.label) {
            state.label = Some(label.to_owned());
        }
        let read = if owners_track_latest && state.owner.is_some() && read == SecretRead::Tracked {
            SecretRead::Refresh
        } else {
            read
        };
        Ok(match read {
            SecretRead::Tracked => state.tracked_content.clone(),
            SecretRead::Peek => state.latest_content.clone(),
            SecretRead::Refresh => {
                state.tracked_content = state.latest_content.clone();
                state.tracked_revision = state.latest_revision;
                state.latest_content.clone()
            }
        })
    }

    pub fn info(&mut self, secret: SecretRef<'_>) -> Result<serde_json::Map<String, serde_json::Value>, Refusal> {
        // Juju answers only the owner (the leader, for an application's secret): to anyone
        // else the secret's metadata does not exist.
        let leader = self.leader;
        let state = self.find(secret)?;
        if state.owner.is_none() || (state.owner == Some(SecretOwner::Application) && !leader) {
            return Err(not_found(secret));
        }
        let mut info = serde_json::Map::new();
        info.insert("revision".into(), state.latest_revision.into());
        let owner = state.owner.map_or("", SecretOwner::as_str);
        info.insert("owner".into(), owner.into());
        let texts = [
            ("label", state.label.clone()),
            ("description", state.description.clone()),
            ("expiry", state.expire.clone()),
            ("rotation", state.rotate.map(|r| r.as_str().to_owned())),
        ];
        for (key, value) in texts {
            if let Some(value) = value {
                info.insert(key.into(), value.into());
            }
        }
        Ok([(state.id.to_string(), serde_json::Value::Object(info))].into_iter().collect())
    }

    pub fn set(&mut self, id: &str, content: Option<&SecretContent>, args: &SecretArgs) -> Result<(), Refusal> {
        let version = self.version.clone();
        let state = self.managed(SecretRef { id: Some(id), label: None })?;
        if let Some(content) = content {
            // From Juju 3.6 the same content again makes no new revision.
            if !(version.coalesces_secret_updates() && *content == state.latest_content) {
                state.latest_content = content.clone();
                state.latest_revision += 1;
            }
        }
        apply_meta(state, args);
        Ok(())
    }

    pub fn grant(&mut self, id: &str, relation: u64, grantee: String, grant: bool) -> Result<(), Refusal> {
        let state = self.managed(SecretRef { id: Some(id), label: None })?;
        if grant {
            state.remote_grants.entry(relation).or_default().insert(grantee);
        } else if let Some(grantees) = state.remote_grants.get_mut(&relation) {
            grantees.remove(&grantee);
            if grantees.is_empty() {
                state.remote_grants.remove(&relation);
            }
        }
        Ok(())
    }

    pub fn remove(&mut self, id: &str, revision: Option<u64>) -> Result<(), Refusal> {
        let unique = self.managed(SecretRef { id: Some(id), label: None })?.id.clone();
        if revision.is_none() {
            self.secrets.retain(|s| s.id != unique);
        }
        Ok(())
    }
}

fn apply_meta(state: &mut SecretState, args: &SecretArgs) {
    if let Some(label) = &args.label {
        state.label = Some(label.clone());
    }
    if let Some(description) = &args.description {
        state.description = Some(description.clone());
    }
    if let Some(expire) = &args.expire {
        state.expire = Some(expire.clone());
    }
    if let Some(rotate) = args.rotate.and_then(SecretRotate::parse) {
        state.rotate = Some(rotate);
    }
}
