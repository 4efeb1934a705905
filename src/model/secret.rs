//! [`Secret`]: a handle on one secret, whose type says whether this charm owns it (as the
//! application, [`AppOwned`], or as this unit, [`UnitOwned`]) or only observes it
//! ([`Observed`]). Reading works on every handle; changing the content or metadata,
//! granting, revoking and removing revisions exist only on owned handles, and an
//! application's secrets take the leadership token.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::backend::{BackendError, SecretArgs, SecretOwner, SecretRead, SecretRef};
use crate::generated::RelationEndpoint;
use crate::model::Relation;
use crate::model::{Leader, ModelCore, ModelError, RemoteUnit};
use crate::secret::{Expiry, SecretContent, SecretId, SecretInfo, SecretMeta, SecretRotate};

mod sealed {
    pub trait Sealed {}
}

/// Who may change a secret: [`AppOwned`], [`UnitOwned`] or [`Observed`].
pub trait Ownership: sealed::Sealed {}

/// Owned by the application: its leader manages it.
#[derive(Debug)]
pub enum AppOwned {}
/// Owned by this unit.
#[derive(Debug)]
pub enum UnitOwned {}
/// Not owned: granted to this charm, to read.
#[derive(Debug)]
pub enum Observed {}

impl sealed::Sealed for AppOwned {}
impl sealed::Sealed for UnitOwned {}
impl sealed::Sealed for Observed {}
impl Ownership for AppOwned {}
impl Ownership for UnitOwned {}
impl Ownership for Observed {}

/// How to find a secret: by its URI, its label, or both (found by URI, and the label set
/// for this charm, as an observer names a secret it was given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretLookup {
    /// By URI.
    Id(SecretId),
    /// By this charm's label.
    Label(String),
    /// By URI, labelling it for this charm.
    IdWithLabel(SecretId, String),
}

impl SecretLookup {
    /// By label.
    pub fn label(label: impl Into<String>) -> Self {
        SecretLookup::Label(label.into())
    }

    fn parts(&self) -> (Option<SecretId>, Option<String>) {
        match self {
            SecretLookup::Id(id) => (Some(id.clone()), None),
            SecretLookup::Label(label) => (None, Some(label.clone())),
            SecretLookup::IdWithLabel(id, label) => (Some(id.clone()), Some(label.clone())),
        }
    }
}

impl From<SecretId> for SecretLookup {
    fn from(id: SecretId) -> Self {
        SecretLookup::Id(id)
    }
}

impl From<&SecretId> for SecretLookup {
    fn from(id: &SecretId) -> Self {
        SecretLookup::Id(id.clone())
    }
}

/// A secret. `O` says whether this charm owns it; see the module docs.
///
/// ```
/// # ops::__readme_charm!();
/// # impl HelloCharm { fn snippet(&self, leader: &ops::Leader) -> Result<(), ops::ModelError> {
/// use ops::{SecretContent, SecretMeta};
///
/// // The owner: the leader creates an application secret, then rotates it.
/// let secret = self.model.app().add_secret(leader, &SecretContent::from_pairs([("password", "s3cret")])?, SecretMeta::label("db"))?;
/// secret.set_content(leader, &SecretContent::from_pairs([("password", "n3w")])?)?;
///
/// // An observer reads it; changing it does not compile on this handle.
/// let seen = self.model.get_secret(ops::SecretLookup::label("db"))?;
/// let password = seen.get_content::<SecretContent>()?.get("password").map(str::to_owned);
/// # let _ = password; Ok(()) } }
/// ```
pub struct Secret<O: Ownership> {
    core: Rc<ModelCore>,
    id: RefCell<Option<SecretId>>,
    label: Option<String>,
    content: RefCell<Option<SecretContent>>,
    _owner: PhantomData<O>,
}

impl<O: Ownership> std::fmt::Debug for Secret<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secret")
            .field("id", &*self.id.borrow())
            .field("label", &self.label)
            .field("owner", &std::any::type_name::<O>().rsplit("::").next().unwrap_or_default())
            .finish_non_exhaustive()
    }
}

fn not_found(error: BackendError, what: &str) -> ModelError {
    // ops: a secret tool whose stderr says "not found" is SecretNotFoundError.
    if error.stderr().is_some_and(|stderr| stderr.contains("not found")) {
        ModelError::SecretNotFound(what.to_owned())
    } else {
        ModelError::Backend(error)
    }
}

impl<O: Ownership> Secret<O> {
    /// A handle with no hook tool call yet (events hand these out).
    pub(crate) fn lazy(core: Rc<ModelCore>, id: Option<SecretId>, label: Option<String>) -> Self {
        Secret { core, id: RefCell::new(id), label, content: RefCell::new(None), _owner: PhantomData }
    }

    /// Finds a secret and reads the revision this charm tracks (as ops' `get_secret`).
    pub(crate) fn fetch(core: Rc<ModelCore>, lookup: SecretLookup) -> Result<Self, ModelError> {
        let (id, label) = lookup.parts();
        let secret = Secret::lazy(core, id, label);
        secret.get_content::<SecretContent>()?;
        Ok(secret)
    }

    /// Finds a secret this charm owns as `owner`: read as [`fetch`](Self::fetch) does, then
    /// its metadata asked for, which Juju gives only to the owner (and, for an application's
    /// secret, its leader). So an owned handle is never made for a secret the charm only
    /// observes, or that the other owner holds; its URI is kept for later calls.
    pub(crate) fn fetch_owned(
        core: Rc<ModelCore>,
        lookup: SecretLookup,
        owner: SecretOwner,
    ) -> Result<Self, ModelError> {
        let secret = Self::fetch(core, lookup)?;
        let not_owner = |secret: &Self| ModelError::NotSecretOwner { secret: secret.describe(), owner: owner.as_str() };
        let id = secret.id.borrow().as_ref().map(|id| id.as_str().to_owned());
        let lookup = SecretRef { id: id.as_deref(), label: secret.label.as_deref() };
        let raw = match secret.core.backend.secret_info_get(lookup) {
            Ok(raw) => raw,
            Err(error) => {
                return Err(match not_found(error, &secret.describe()) {
                    ModelError::SecretNotFound(_) => not_owner(&secret),
                    other => other,
                });
            }
        };
        let owned_by = raw.values().next().and_then(|info| info.get("owner")).and_then(serde_json::Value::as_str);
        // Juju before 3.1 has no `owner` in the answer: being answered at all is the test then.
        if owned_by.is_some_and(|o| o != owner.as_str()) {
            return Err(not_owner(&secret));
        }
        let info = SecretInfo::from_juju(&raw).map_err(|reason| {
            ModelError::Backend(BackendError::BadOutput { call: "secret-info-get".to_owned(), reason })
        })?;
        *secret.id.borrow_mut() = Some(info.id);
        Ok(secret)
    }

    /// A secret just added, its content known.
    pub(crate) fn added(core: Rc<ModelCore>, id: SecretId, label: Option<String>, content: SecretContent) -> Self {
        let secret = Secret::lazy(core, Some(id), label);
        *secret.content.borrow_mut() = Some(content);
        secret
    }

    fn describe(&self) -> String {
        match (&*self.id.borrow(), &self.label) {
            (Some(id), _) => id.to_string(),
            (None, Some(label)) => format!("labelled {label:?}"),
            (None, None) => "?".to_owned(),
        }
    }

    fn read(&self, mode: SecretRead) -> Result<SecretContent, ModelError> {
        let id = self.id.borrow().as_ref().map(|id| id.as_str().to_owned());
        let secret = SecretRef { id: id.as_deref(), label: self.label.as_deref() };
        self.core.backend.secret_get(secret, mode).map_err(|e| not_found(e, &self.describe()))
    }

    /// The secret's URI; `None` for one found by label only, until an owner's call
    /// needed it.
    pub fn id(&self) -> Option<SecretId> {
        self.id.borrow().clone()
    }

    /// This charm's label for it.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The secret's 20-character unique id, when its URI is known.
    pub fn unique_identifier(&self) -> Option<String> {
        self.id.borrow().as_ref().map(|id| id.unique_id().to_owned())
    }

    /// The content of the revision this charm tracks, as `T` (a flat struct, or
    /// [`SecretContent`]); read once, then cached on the handle.
    ///
    /// # Errors
    ///
    /// [`ModelError::SecretNotFound`]; [`ModelError::SecretContent`] when it does not read
    /// as `T` (naming the field, never a value).
    pub fn get_content<T: DeserializeOwned>(&self) -> Result<T, ModelError> {
        if self.content.borrow().is_none() {
            let content = self.read(SecretRead::Tracked)?;
            *self.content.borrow_mut() = Some(content);
        }
        let content = self.content.borrow();
        let content = content.as_ref().ok_or_else(|| ModelError::SecretNotFound(self.describe()))?;
        content.parse().map_err(ModelError::SecretContent)
    }

    /// The latest revision's content, tracking it from now on (ops'
    /// `get_content(refresh=True)`).
    ///
    /// # Errors
    ///
    /// As [`get_content`](Self::get_content).
    pub fn refresh_content<T: DeserializeOwned>(&self) -> Result<T, ModelError> {
        let content = self.read(SecretRead::Refresh)?;
        let parsed = content.parse().map_err(ModelError::SecretContent)?;
        *self.content.borrow_mut() = Some(content);
        Ok(parsed)
    }

    /// The latest revision's content without tracking it; never cached.
    ///
    /// # Errors
    ///
    /// As [`get_content`](Self::get_content).
    pub fn peek_content<T: DeserializeOwned>(&self) -> Result<T, ModelError> {
        self.read(SecretRead::Peek)?.parse().map_err(ModelError::SecretContent)
    }
}

/// What the owner's operations share, whoever the owner is.
impl<O: Ownership> Secret<O> {
    fn info(&self) -> Result<SecretInfo, ModelError> {
        let id = self.id.borrow().as_ref().map(|id| id.as_str().to_owned());
        let secret = SecretRef { id: id.as_deref(), label: self.label.as_deref() };
        let raw = self.core.backend.secret_info_get(secret).map_err(|e| not_found(e, &self.describe()))?;
        let info = SecretInfo::from_juju(&raw).map_err(|reason| {
            ModelError::Backend(BackendError::BadOutput { call: "secret-info-get".to_owned(), reason })
        })?;
        Ok(info)
    }

    /// The URI, asking Juju once when the handle has only a label (as ops' `_ensure_id`).
    fn ensure_id(&self) -> Result<String, ModelError> {
        if let Some(id) = self.id.borrow().as_ref() {
            return Ok(id.as_str().to_owned());
        }
        let info = self.info()?;
        let id = info.id.as_str().to_owned();
        *self.id.borrow_mut() = Some(info.id);
        Ok(id)
    }

    /// `secret-set`, filled in for Juju before 3.6, which drops what it is not given
    /// (ops reads the latest content and metadata and sends them back).
    fn write(&self, content: Option<SecretContent>, meta: SecretMeta) -> Result<(), ModelError> {
        let id = self.ensure_id()?;
        let mut content = content;
        let mut args = SecretArgs {
            label: meta.label,
            description: meta.description,
            expire: meta.expire.map(Expiry::to_rfc3339),
            rotate: meta.rotate.map(SecretRotate::as_str),
        };
        if !self.core.context.version.coalesces_secret_updates() {
            if content.is_none() {
                content = Some(self.read(SecretRead::Peek)?);
            }
            if args.label.is_none() || args.description.is_none() || args.expire.is_none() || args.rotate.is_none() {
                let info = self.info()?;
                args.label = args.label.or(info.label);
                args.description = args.description.or(info.description);
                args.expire = args.expire.or_else(|| {
                    info.expires.and_then(|at| at.format(&time::format_description::well_known::Rfc3339).ok())
                });
                args.rotate = args.rotate.or(info.rotation.map(SecretRotate::as_str));
            }
        }
        self.core.backend.secret_set(&id, content.as_ref(), &args).map_err(|e| not_found(e, &self.describe()))
    }

    fn set_content_of(&self, content: &impl Serialize) -> Result<(), ModelError> {
        let content = SecretContent::from_serialize(content).map_err(ModelError::SecretContent)?;
        self.write(Some(content), SecretMeta::default())
    }

    fn set_info_of(&self, meta: SecretMeta) -> Result<(), ModelError> {
        if meta.is_empty() {
            return Err(ModelError::NothingToSet("secret info: give a label, description, expiry or rotation"));
        }
        self.write(None, meta)
    }

    fn grant_of<R: RelationEndpoint>(
        &self,
        relation: &Relation<R>,
        unit: Option<&RemoteUnit>,
        grant: bool,
    ) -> Result<(), ModelError> {
        let id = self.ensure_id()?;
        let unit = unit.map(RemoteUnit::name);
        let result = if grant {
            self.core.backend.secret_grant(&id, relation.id(), unit)
        } else {
            self.core.backend.secret_revoke(&id, relation.id(), unit)
        };
        result.map_err(|e| not_found(e, &self.describe()))
    }

    fn remove_of(&self, revision: Option<u64>) -> Result<(), ModelError> {
        let id = self.ensure_id()?;
        self.core.backend.secret_remove(&id, revision).map_err(|e| not_found(e, &self.describe()))
    }
}

/// The owner's operations, written once for both owners: an application's secret takes
/// the leadership token (only the leader manages it), a unit's does not.
macro_rules! owner_methods {
    ($owner:ty, $(#[$doc:meta])* $($proof:ident: $proof_ty:ty)?) => {
        $(#[$doc])*
        impl Secret<$owner> {
            /// Its metadata (`secret-info-get`).
            ///
            /// # Errors
            ///
            /// [`ModelError::SecretNotFound`] when it no longer exists.
            pub fn get_info(&self, $($proof: $proof_ty)?) -> Result<SecretInfo, ModelError> {
                $(let _ = $proof;)?
                self.info()
            }

            /// Writes a new revision (`secret-set`, the content in private files): observers
            /// get `secret-changed`. `content` is a flat struct or a [`SecretContent`].
            ///
            /// # Errors
            ///
            /// [`ModelError::SecretContent`] naming a key Juju refuses (nothing is sent).
            pub fn set_content(&self, $($proof: $proof_ty,)? content: &impl Serialize) -> Result<(), ModelError> {
                $(let _ = $proof;)?
                self.set_content_of(content)
            }

            /// Changes label, description, expiry or rotation (no new revision).
            ///
            /// # Errors
            ///
            /// [`ModelError::NothingToSet`] when `meta` sets nothing.
            pub fn set_info(&self, $($proof: $proof_ty,)? meta: SecretMeta) -> Result<(), ModelError> {
                $(let _ = $proof;)?
                self.set_info_of(meta)
            }

            /// Lets the remote application of `relation` (or only `unit` of it) read the secret.
            ///
            /// # Errors
            ///
            /// As Juju refuses (the relation is gone).
            pub fn grant<R: RelationEndpoint>(
                &self,
                $($proof: $proof_ty,)?
                relation: &Relation<R>,
                unit: Option<&RemoteUnit>,
            ) -> Result<(), ModelError> {
                $(let _ = $proof;)?
                self.grant_of(relation, unit, true)
            }

            /// Takes back a grant.
            ///
            /// # Errors
            ///
            /// As Juju refuses.
            pub fn revoke<R: RelationEndpoint>(
                &self,
                $($proof: $proof_ty,)?
                relation: &Relation<R>,
                unit: Option<&RemoteUnit>,
            ) -> Result<(), ModelError> {
                $(let _ = $proof;)?
                self.grant_of(relation, unit, false)
            }

            /// Removes one revision (after `secret-remove` or `secret-expired` names it).
            ///
            /// # Errors
            ///
            /// As Juju refuses.
            pub fn remove_revision(&self, $($proof: $proof_ty,)? revision: u64) -> Result<(), ModelError> {
                $(let _ = $proof;)?
                self.remove_of(Some(revision))
            }

            /// Removes the secret: every revision.
            ///
            /// # Errors
            ///
            /// As Juju refuses.
            pub fn remove_all_revisions(&self, $($proof: $proof_ty)?) -> Result<(), ModelError> {
                $(let _ = $proof;)?
                self.remove_of(None)
            }
        }
    };
}

owner_methods!(
    AppOwned,
    /// An application's secret: managed by the leader, so each change takes the
    /// [`Leader`] token.
    leader: &Leader
);
owner_methods!(
    UnitOwned,
    /// This unit's secret.
);

/// An owner's method called on a secret this charm only observes is a compile error that
/// says what to do. Without these, rustc says only "no method named `set_content`" and
/// suggests `get_content`. Each stub is bounded by a trait nothing implements, so it can
/// never be called; its message comes from `on_unimplemented`.
mod owner_only {
    use crate::model::ModelError;

    macro_rules! refusal {
        ($name:ident, $message:literal) => {
            #[diagnostic::on_unimplemented(
                message = $message,
                label = "this secret is only observed by this charm",
                note = "only the owner changes a secret: get an owned handle with `model.app().get_secret(&leader, ..)` (an application's secret) or `model.unit().get_secret(..)` (this unit's)",
                note = "an observer reads it with `get_content`, `refresh_content` or `peek_content`"
            )]
            #[doc(hidden)]
            pub trait $name {
                /// Never called: nothing implements the trait.
                fn refused(&self) -> ModelError;
            }
        };
    }

    refusal!(SetContent, "`set_content` is for the secret's owner, and this `Secret<Observed>` only observes it");
    refusal!(SetInfo, "`set_info` is for the secret's owner, and this `Secret<Observed>` only observes it");
    refusal!(Grant, "`grant` is for the secret's owner, and this `Secret<Observed>` only observes it");
    refusal!(Revoke, "`revoke` is for the secret's owner, and this `Secret<Observed>` only observes it");
    refusal!(
        RemoveRevision,
        "`remove_revision` is for the secret's owner, and this `Secret<Observed>` only observes it"
    );
}

/// The owner's methods, refused at compile time on an observed secret (see `owner_only`).
impl Secret<Observed> {
    #[doc(hidden)]
    pub fn set_content<T: owner_only::SetContent + ?Sized>(&self, content: &T) -> Result<(), ModelError> {
        Err(content.refused())
    }

    #[doc(hidden)]
    pub fn set_info<T: owner_only::SetInfo>(&self, meta: T) -> Result<(), ModelError> {
        Err(meta.refused())
    }

    #[doc(hidden)]
    pub fn grant<T: owner_only::Grant + ?Sized>(
        &self,
        relation: &T,
        _unit: Option<&RemoteUnit>,
    ) -> Result<(), ModelError> {
        Err(relation.refused())
    }

    #[doc(hidden)]
    pub fn revoke<T: owner_only::Revoke + ?Sized>(
        &self,
        relation: &T,
        _unit: Option<&RemoteUnit>,
    ) -> Result<(), ModelError> {
        Err(relation.refused())
    }

    #[doc(hidden)]
    pub fn remove_revision<T: owner_only::RemoveRevision>(&self, revision: T) -> Result<(), ModelError> {
        Err(revision.refused())
    }
}
