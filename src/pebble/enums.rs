//! Pebble's enumerations: each a Rust enum of the values Pebble v1.32 sends, with an
//! `Unknown` variant keeping any other value as it came, so a newer Pebble's answer
//! still reads (and writes back) unchanged.

/// Defines a string enum: its variants and spellings, `as_str`, `Display`, and serde as
/// the string itself (an unknown one kept in `Unknown`).
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this client does not know, kept as Pebble sent it.
            Unknown(String),
        }

        impl $name {
            /// The value as Pebble spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(text) => text,
                }
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match text.as_str() {
                    $( $text => $name::$variant, )+
                    _ => $name::Unknown(text),
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                $name::from(text.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                match value {
                    $name::Unknown(text) => text,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// How a layer's definition of a service, check or log target combines with earlier
    /// layers' (Pebble's `override`).
    pub enum Override {
        /// `merge`: fields given here replace the earlier ones; lists and maps are extended.
        Merge => "merge",
        /// `replace`: this definition replaces the earlier one whole.
        Replace => "replace",
    }
}

string_enum! {
    /// Whether a service or check starts with the plan (`enabled`) or only when asked.
    pub enum Startup {
        /// Started by `replan` and at boot.
        Enabled => "enabled",
        /// Started only explicitly.
        Disabled => "disabled",
    }
}

string_enum! {
    /// Whether a service is running (`current` in `GET /v1/services`).
    pub enum ServiceStatus {
        /// Running.
        Active => "active",
        /// Stopped, or never started.
        Inactive => "inactive",
        /// Exited and being restarted after a back-off.
        Backoff => "backoff",
        /// Exited with an error and not restarted.
        Error => "error",
    }
}

string_enum! {
    /// A check's level: what its failure means.
    pub enum CheckLevel {
        /// `alive`: the workload is running.
        Alive => "alive",
        /// `ready`: the workload is ready to serve (implies alive).
        Ready => "ready",
    }
}

string_enum! {
    /// A check's state (`status` in `GET /v1/checks`).
    pub enum CheckStatus {
        /// Passing (failures below the threshold).
        Up => "up",
        /// Failing: failures reached the threshold.
        Down => "down",
        /// Stopped.
        Inactive => "inactive",
    }
}

string_enum! {
    /// What a notice is about.
    pub enum NoticeType {
        /// A change's status changed.
        ChangeUpdate => "change-update",
        /// Recorded by the workload (`pebble notify`) or the charm.
        Custom => "custom",
        /// A warning from Pebble.
        Warning => "warning",
    }
}

string_enum! {
    /// What a path in the container is.
    pub enum FileType {
        /// A regular file.
        File => "file",
        /// A directory.
        Directory => "directory",
        /// A symbolic link.
        Symlink => "symlink",
        /// A Unix socket.
        Socket => "socket",
        /// A FIFO.
        NamedPipe => "named-pipe",
        /// A device.
        Device => "device",
    }
}

string_enum! {
    /// What an identity may do through Pebble.
    pub enum IdentityAccess {
        /// Everything.
        Admin => "admin",
        /// Read-only.
        Read => "read",
        /// Metrics only.
        Metrics => "metrics",
        /// Nothing that needs an identity.
        Untrusted => "untrusted",
    }
}

/// Reads an empty string as `None` (Pebble leaves `level` and `startup` empty when unset).
pub(crate) mod empty_as_none {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>, T: From<String>>(deserializer: D) -> Result<Option<T>, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        Ok(text.filter(|t| !t.is_empty()).map(T::from))
    }

    pub fn serialize<S: Serializer, T: AsRef<str>>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.serialize_str(value.as_ref()),
            None => serializer.serialize_none(),
        }
    }
}

macro_rules! as_ref_str {
    ($($name:ident),+) => {
        $(impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        })+
    };
}

as_ref_str!(Override, Startup, ServiceStatus, CheckLevel, CheckStatus, NoticeType, FileType, IdentityAccess);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_values_round_trip() {
        assert_eq!(serde_json::from_str::<Startup>("\"enabled\"").unwrap(), Startup::Enabled);
        let later: ServiceStatus = serde_json::from_str("\"paused\"").unwrap();
        assert_eq!(later, ServiceStatus::Unknown("paused".into()));
        assert_eq!(serde_json::to_string(&later).unwrap(), "\"paused\"");
        assert_eq!(FileType::from("named-pipe"), FileType::NamedPipe);
        assert_eq!(NoticeType::ChangeUpdate.to_string(), "change-update");
    }
}
