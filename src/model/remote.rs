//! Other units and applications, known by name.

/// A unit of another application, or a peer: known by name only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RemoteUnit {
    name: String,
}

impl RemoteUnit {
    pub(crate) fn new(name: impl Into<String>) -> Self {
        RemoteUnit { name: name.into() }
    }

    /// The unit's name: `pg/1`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The unit's application.
    pub fn app(&self) -> RemoteApp {
        RemoteApp::new(self.name.split_once('/').map_or(self.name.as_str(), |(app, _)| app))
    }
}

/// Another application, known by name only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RemoteApp {
    name: String,
}

impl RemoteApp {
    pub(crate) fn new(name: impl Into<String>) -> Self {
        RemoteApp { name: name.into() }
    }

    /// The application's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The unit leaving a relation, in relation-departed (`JUJU_DEPARTING_UNIT`): this unit
/// itself (it is being removed, or the relation is going) or a remote one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DepartingUnit {
    /// This unit is the one going away: clean up, do not wait for others.
    ThisUnit,
    /// A remote unit (or, in a peer relation, another unit of this application) is going.
    Remote(RemoteUnit),
}

impl DepartingUnit {
    pub(crate) fn new(departing: &str, this_unit: &str) -> Self {
        if departing == this_unit { DepartingUnit::ThisUnit } else { DepartingUnit::Remote(RemoteUnit::new(departing)) }
    }

    /// Whether it is this unit.
    pub fn is_this_unit(&self) -> bool {
        matches!(self, DepartingUnit::ThisUnit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_unit_app() {
        assert_eq!(RemoteUnit::new("pg/3").app().name(), "pg");
    }
}
