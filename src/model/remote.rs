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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_unit_app() {
        assert_eq!(RemoteUnit::new("pg/3").app().name(), "pg");
    }
}
