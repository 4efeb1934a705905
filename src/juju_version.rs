//! [`JujuVersion`]: the Juju running the charm, parsed from `JUJU_VERSION`, compared as
//! ops compares versions, with ops' feature predicates.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A Juju version: `3.6.14`, `3.1-beta1`, `2.9.44.1`.
///
/// Versions compare as Juju's do: a tagged (pre-release) version comes before the release
/// of the same major and minor.
///
/// ```
/// use ops::JujuVersion;
///
/// let version: JujuVersion = "3.5.4".parse().unwrap();
/// assert!(version < "3.6.0".parse().unwrap());
/// assert!("3.6-beta2".parse::<JujuVersion>().unwrap() < "3.6.0".parse().unwrap());
/// assert!(version.has_secrets());
/// assert!(!version.supports_pebble_identities());
/// ```
/// The default is `0.0.0`, what ops assumes when `JUJU_VERSION` is unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct JujuVersion {
    /// The major number.
    pub major: u32,
    /// The minor number.
    pub minor: u32,
    /// A pre-release tag (`beta` in `3.1-beta1`), empty for a release.
    pub tag: String,
    /// The patch number (the tag's number for a pre-release).
    pub patch: u32,
    /// The build number (`1` in `2.9.44.1`), 0 when absent.
    pub build: u32,
}

/// A `JUJU_VERSION` that is not a Juju version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a valid Juju version")]
pub struct InvalidJujuVersion(pub String);

impl FromStr for JujuVersion {
    type Err = InvalidJujuVersion;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidJujuVersion(text.to_owned());
        let number = |part: &str| -> Result<u32, InvalidJujuVersion> {
            let ok = !part.is_empty() && part.len() <= 9 && part.bytes().all(|b| b.is_ascii_digit());
            if ok { part.parse().map_err(|_| invalid()) } else { Err(invalid()) }
        };
        let (major, rest) = text.split_once('.').ok_or_else(invalid)?;
        let major = number(major)?;
        // `<minor>`, then `.<patch>` or `-<tag><patch>`, then `.<build>`.
        let (minor_part, rest) = match rest.find(['.', '-']) {
            Some(at) => (&rest[..at], Some(&rest[at..])),
            None => (rest, None),
        };
        let minor = number(minor_part)?;
        let mut version = JujuVersion { major, minor, tag: String::new(), patch: 0, build: 0 };
        let Some(rest) = rest else { return Ok(version) };
        let (patch_part, build_part) = match rest[1..].find('.') {
            Some(at) => (&rest[..at + 1], Some(&rest[at + 2..])),
            None => (rest, None),
        };
        if let Some(tagged) = patch_part.strip_prefix('-') {
            let digits = tagged.find(|c: char| c.is_ascii_digit()).ok_or_else(invalid)?;
            let tag = &tagged[..digits];
            if tag.is_empty() || !tag.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(invalid());
            }
            version.tag = tag.to_owned();
            version.patch = number(&tagged[digits..])?;
        } else {
            version.patch = number(&patch_part[1..])?;
        }
        if let Some(build) = build_part {
            version.build = number(build)?;
        }
        Ok(version)
    }
}

impl fmt::Display for JujuVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.tag.is_empty() {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        } else {
            write!(f, "{}.{}-{}{}", self.major, self.minor, self.tag, self.patch)?;
        }
        if self.build > 0 {
            write!(f, ".{}", self.build)?;
        }
        Ok(())
    }
}

impl Ord for JujuVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let tag = match (self.tag.is_empty(), other.tag.is_empty()) {
            (true, true) => Ordering::Equal,
            // A release comes after any pre-release of the same minor.
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self.tag.cmp(&other.tag),
        };
        (self.major, self.minor)
            .cmp(&(other.major, other.minor))
            .then(tag)
            .then((self.patch, self.build).cmp(&(other.patch, other.build)))
    }
}

impl PartialOrd for JujuVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl JujuVersion {
    /// A version from its numbers (no tag, no build).
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        JujuVersion { major, minor, tag: String::new(), patch, build: 0 }
    }

    fn at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        (self.major, self.minor, self.patch) >= (major, minor, patch)
    }

    /// Relations have application databags (Juju 2.7).
    pub fn has_app_data(&self) -> bool {
        self.at_least(2, 7, 0)
    }

    /// Juju runs `dispatch` (2.8).
    pub fn is_dispatch_aware(&self) -> bool {
        self.at_least(2, 8, 0)
    }

    /// `state-get`/`state-set` exist (2.8).
    pub fn has_controller_storage(&self) -> bool {
        self.at_least(2, 8, 0)
    }

    /// Secrets work as ops uses them (3.0.3: `--refresh`, `secret-info-get`, observer labels).
    pub fn has_secrets(&self) -> bool {
        self.at_least(3, 0, 3)
    }

    /// `open-port` works on Kubernetes (3.0.3).
    pub fn supports_open_port_on_k8s(&self) -> bool {
        self.at_least(3, 0, 3)
    }

    /// Pebble exec takes a service context (3.1.6, except 3.2.0).
    pub fn supports_exec_service_context(&self) -> bool {
        self.at_least(3, 1, 6) && (self.major, self.minor, self.patch) != (3, 2, 0)
    }

    /// Pebble forwards logs with labels (3.4).
    pub fn supports_pebble_log_forwarding(&self) -> bool {
        self.at_least(3, 4, 0)
    }

    /// Pebble has identities (3.6.4).
    pub fn supports_pebble_identities(&self) -> bool {
        self.at_least(3, 6, 4)
    }

    /// Pebble serves metrics (3.6.4).
    pub fn supports_pebble_metrics(&self) -> bool {
        self.at_least(3, 6, 4)
    }

    /// `secret-set` keeps what it is not given (3.6); before, ops reads and writes the
    /// rest back so a partial update drops nothing.
    pub fn coalesces_secret_updates(&self) -> bool {
        self.at_least(3, 6, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> JujuVersion {
        text.parse().unwrap()
    }

    #[test]
    fn parses_the_forms_juju_writes() {
        assert_eq!(v("3.6.14"), JujuVersion::new(3, 6, 14));
        assert_eq!(v("3.1"), JujuVersion::new(3, 1, 0));
        let beta = v("3.1-beta1");
        assert_eq!((beta.tag.as_str(), beta.patch), ("beta", 1));
        assert_eq!(v("2.9.44.1").build, 1);
        assert_eq!(v("3.2-rc2.3").to_string(), "3.2-rc2.3");
        for bad in ["", "3", "3.", "3.x", "3.1.", "3.1-1", "3.1-Beta1", "3.1.2.3.4", "1234567890.1", "3.1-beta"] {
            assert!(bad.parse::<JujuVersion>().is_err(), "{bad}");
        }
    }

    #[test]
    fn compares_as_juju_does() {
        let ordered = ["2.9.44", "2.9.44.1", "3.0-beta1", "3.0-beta2", "3.0-rc1", "3.0.0", "3.0.3", "3.6.14", "4.0.0"];
        for pair in ordered.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn predicates_follow_ops() {
        assert!(!v("3.0.2").has_secrets() && v("3.0.3").has_secrets());
        assert!(!v("3.2.0").supports_exec_service_context() && v("3.2.1").supports_exec_service_context());
        assert!(!v("3.5.9").coalesces_secret_updates() && v("3.6.0").coalesces_secret_updates());
    }
}
