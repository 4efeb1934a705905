//! The leadership token.

/// Proof that this unit was the leader when asked.
///
/// Only [`Unit::is_leader`](crate::Unit::is_leader) makes one. Setting the application's
/// status, and writing the application's relation databag, take a `&Leader`, so a charm
/// cannot forget the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leader {
    _private: (),
}

impl Leader {
    /// The token, for a unit Juju just said is the leader.
    pub(super) fn proven() -> Self {
        Leader { _private: () }
    }
}
