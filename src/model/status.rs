//! Unit and application statuses, as types.
//!
//! Juju knows six statuses; charm code may set four of them. Here each is its own type,
//! and only [`ActiveStatus`], [`BlockedStatus`], [`MaintenanceStatus`] and
//! [`WaitingStatus`] implement [`SettableStatus`], the bound of every setter. So
//! `unit.set_status(ops::ErrorStatus::new("x"))` does not compile, where Python ops
//! raises `InvalidStatusError` at run time. Reading a status gives a [`StatusValue`],
//! which can be any of the six.
//!
//! ```
//! use ops::{ActiveStatus, StatusValue};
//! let s: StatusValue = ActiveStatus::new("ready").into();
//! assert_eq!(s.name(), "active");
//! assert_eq!(s.message(), "ready");
//! ```

use crate::backend::StatusName;

mod sealed {
    pub trait Sealed {}
}

/// Any of the six statuses.
pub trait Status: sealed::Sealed + Clone + Into<StatusValue> {
    /// Juju's name for it.
    const NAME: StatusName;
    /// The status message.
    fn message(&self) -> &str;
}

/// The statuses charm code may set: Active, Blocked, Maintenance and Waiting.
///
/// Unknown and Error are Juju's to set; they do not implement this trait.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be set by charm code",
    label = "Juju sets this status itself",
    note = "a charm may set `ActiveStatus`, `BlockedStatus`, `MaintenanceStatus` or `WaitingStatus`; `UnknownStatus` and `ErrorStatus` can only be read"
)]
pub trait SettableStatus: Status {}

macro_rules! status_type {
    ($(#[$doc:meta])* $name:ident, $status:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        pub struct $name {
            message: String,
        }

        impl $name {
            /// The status with a message (`""` for none).
            pub fn new(message: impl Into<String>) -> Self {
                $name { message: message.into() }
            }
        }

        impl sealed::Sealed for $name {}

        impl Status for $name {
            const NAME: StatusName = StatusName::$status;
            fn message(&self) -> &str {
                &self.message
            }
        }

        impl From<$name> for StatusValue {
            fn from(status: $name) -> StatusValue {
                StatusValue::$status(status)
            }
        }
    };
}

status_type!(
    /// The unit or application is ready and working: the "green" status.
    ActiveStatus, Active
);
status_type!(
    /// An administrator must act (missing config, missing relation) before the charm can go on.
    BlockedStatus, Blocked
);
status_type!(
    /// The charm is doing work (installing, upgrading) and will come back by itself.
    MaintenanceStatus, Maintenance
);
status_type!(
    /// The charm waits for something outside it (another application, a workload) to be ready.
    WaitingStatus, Waiting
);
// Written out, not in the macro, so that the compiler's list of settable statuses reads plainly.
impl SettableStatus for ActiveStatus {}
impl SettableStatus for BlockedStatus {}
impl SettableStatus for MaintenanceStatus {}
impl SettableStatus for WaitingStatus {}

status_type!(
    /// Juju's status for a hook that failed. Charm code can read it, never set it.
    ErrorStatus, Error
);

/// Juju's status for a unit whose charm has not set one yet. It has no message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UnknownStatus;

impl sealed::Sealed for UnknownStatus {}

impl Status for UnknownStatus {
    const NAME: StatusName = StatusName::Unknown;
    fn message(&self) -> &str {
        ""
    }
}

impl From<UnknownStatus> for StatusValue {
    fn from(_: UnknownStatus) -> StatusValue {
        StatusValue::Unknown(UnknownStatus)
    }
}

/// A status as read back from Juju: any of the six.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StatusValue {
    /// `active`.
    Active(ActiveStatus),
    /// `blocked`.
    Blocked(BlockedStatus),
    /// `maintenance`.
    Maintenance(MaintenanceStatus),
    /// `waiting`.
    Waiting(WaitingStatus),
    /// `error`.
    Error(ErrorStatus),
    /// `unknown`.
    Unknown(UnknownStatus),
}

impl Default for StatusValue {
    fn default() -> Self {
        StatusValue::Unknown(UnknownStatus)
    }
}

impl StatusValue {
    /// Builds the status Juju named (`unknown` ignores the message, as in ops).
    pub fn from_name(name: StatusName, message: impl Into<String>) -> Self {
        match name {
            StatusName::Active => ActiveStatus::new(message).into(),
            StatusName::Blocked => BlockedStatus::new(message).into(),
            StatusName::Maintenance => MaintenanceStatus::new(message).into(),
            StatusName::Waiting => WaitingStatus::new(message).into(),
            StatusName::Error => ErrorStatus::new(message).into(),
            StatusName::Unknown => UnknownStatus.into(),
        }
    }

    /// Juju's name for the status.
    pub fn status_name(&self) -> StatusName {
        match self {
            StatusValue::Active(_) => StatusName::Active,
            StatusValue::Blocked(_) => StatusName::Blocked,
            StatusValue::Maintenance(_) => StatusName::Maintenance,
            StatusValue::Waiting(_) => StatusName::Waiting,
            StatusValue::Error(_) => StatusName::Error,
            StatusValue::Unknown(_) => StatusName::Unknown,
        }
    }

    /// Juju's name as text (`active`).
    pub fn name(&self) -> &'static str {
        self.status_name().as_str()
    }

    /// The message (`""` for Unknown).
    pub fn message(&self) -> &str {
        match self {
            StatusValue::Active(s) => s.message(),
            StatusValue::Blocked(s) => s.message(),
            StatusValue::Maintenance(s) => s.message(),
            StatusValue::Waiting(s) => s.message(),
            StatusValue::Error(s) => s.message(),
            StatusValue::Unknown(s) => s.message(),
        }
    }

    /// The priority ops uses to pick among collected statuses: error 5, blocked 4,
    /// maintenance 3, waiting 2, active 1, unknown 0.
    pub fn priority(&self) -> u8 {
        match self.status_name() {
            StatusName::Error => 5,
            StatusName::Blocked => 4,
            StatusName::Maintenance => 3,
            StatusName::Waiting => 2,
            StatusName::Active => 1,
            StatusName::Unknown => 0,
        }
    }
}

impl std::fmt::Display for StatusValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message().is_empty() {
            f.write_str(self.name())
        } else {
            write!(f, "{}: {}", self.name(), self.message())
        }
    }
}

// The promises of this module, checked by the compiler.
static_assertions::assert_impl_all!(ActiveStatus: SettableStatus);
static_assertions::assert_impl_all!(BlockedStatus: SettableStatus);
static_assertions::assert_impl_all!(MaintenanceStatus: SettableStatus);
static_assertions::assert_impl_all!(WaitingStatus: SettableStatus);
static_assertions::assert_not_impl_any!(UnknownStatus: SettableStatus);
static_assertions::assert_not_impl_any!(ErrorStatus: SettableStatus);
static_assertions::assert_not_impl_any!(StatusValue: SettableStatus);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_names() {
        for name in
            [StatusName::Active, StatusName::Blocked, StatusName::Maintenance, StatusName::Waiting, StatusName::Error]
        {
            let status = StatusValue::from_name(name, "m");
            assert_eq!(status.status_name(), name);
            assert_eq!(status.message(), "m");
        }
        assert_eq!(StatusValue::from_name(StatusName::Unknown, "ignored").message(), "");
    }

    #[test]
    fn priorities_follow_ops() {
        let order: Vec<u8> = [StatusName::Blocked, StatusName::Maintenance, StatusName::Waiting, StatusName::Active]
            .into_iter()
            .map(|n| StatusValue::from_name(n, "").priority())
            .collect();
        assert!(order.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn display() {
        assert_eq!(StatusValue::from(ActiveStatus::default()).to_string(), "active");
        assert_eq!(StatusValue::from(BlockedStatus::new("need db")).to_string(), "blocked: need db");
    }
}
