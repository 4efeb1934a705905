//! The platforms a charm declares (`base` + `platforms`, or the older `bases`), and what each
//! needs of the binary.

use serde_yaml::{Mapping, Value};

use crate::Error;

/// An Ubuntu base: `ubuntu@24.04`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// `ubuntu`.
    pub name: String,
    /// `24.04`.
    pub channel: String,
}

impl Base {
    fn parse(text: &str) -> Option<Base> {
        let (name, channel) = text.split_once('@')?;
        Some(Base { name: name.to_owned(), channel: channel.to_owned() })
    }

    /// The glibc version of the base, for the Ubuntu releases Juju runs charms on.
    pub fn glibc(&self) -> Option<(u32, u32)> {
        if self.name != "ubuntu" {
            return None;
        }
        Some(match self.channel.as_str() {
            "20.04" => (2, 31),
            "22.04" => (2, 35),
            "24.04" => (2, 39),
            "24.10" => (2, 40),
            "25.04" => (2, 41),
            "25.10" => (2, 42),
            _ => return None,
        })
    }
}

impl std::fmt::Display for Base {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.name, self.channel)
    }
}

/// One platform to pack: the `.charm` is `{name}_{file name}.charm`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// The key in `platforms:` (`amd64`, `ubuntu@22.04:amd64`).
    pub name: String,
    /// The base it runs on.
    pub base: Base,
    /// The architecture (`amd64`).
    pub arch: String,
}

impl Platform {
    /// The name as it appears in the file name: `:` becomes `-`.
    pub fn file_name(&self) -> String {
        self.name.replace(':', "-")
    }

    /// Whether this machine can build the platform: only for its own architecture.
    ///
    /// # Errors
    ///
    /// [`Error::Platform`] for an architecture other than this machine's.
    pub fn check_buildable(&self) -> Result<(), Error> {
        let host = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "powerpc64" => "ppc64el",
            "s390x" => "s390x",
            other => other,
        };
        if self.arch == host {
            return Ok(());
        }
        Err(Error::Platform {
            platform: self.name.clone(),
            reason: format!(
                "it is for {} and this machine is {host}; pack it on a {} machine (or with charmcraft in LXD), or pass \
                 --platform to pack only the ones this machine can build",
                self.arch, self.arch
            ),
        })
    }
}

/// The platforms of charmcraft.yaml.
///
/// # Errors
///
/// [`Error::Project`] when there are none, or they are not in a shape charmcraft reads.
pub fn platforms(charmcraft: &Mapping) -> Result<Vec<Platform>, Error> {
    if let Some(Value::Mapping(platforms)) = charmcraft.get("platforms") {
        let base = charmcraft.get("base").and_then(Value::as_str).and_then(Base::parse);
        return platforms.iter().map(|(key, value)| platform(key, value, base.as_ref())).collect();
    }
    if let Some(Value::Sequence(bases)) = charmcraft.get("bases") {
        return bases.iter().flat_map(old_style).collect();
    }
    Err(Error::Project(
        "charmcraft.yaml declares no platforms: add `base: ubuntu@24.04` and `platforms: {amd64: }`".into(),
    ))
}

fn platform(key: &Value, value: &Value, base: Option<&Base>) -> Result<Platform, Error> {
    let name = key.as_str().ok_or_else(|| Error::Project("a platform name is not a string".into()))?.to_owned();
    // `build-for: [ubuntu@22.04:amd64]`, or the name itself in that form, or an
    // architecture with the top-level `base`.
    let target = value
        .get("build-for")
        .and_then(Value::as_sequence)
        .and_then(|s| s.first())
        .and_then(Value::as_str)
        .unwrap_or(&name)
        .to_owned();
    let (target_base, arch) = match target.split_once(':') {
        Some((base, arch)) => (Base::parse(base), arch.to_owned()),
        None => (base.cloned(), target.clone()),
    };
    let base = target_base.ok_or_else(|| {
        Error::Project(format!(
            "platform `{name}` has no base: add `base: ubuntu@24.04` or name it `ubuntu@24.04:{arch}`"
        ))
    })?;
    Ok(Platform { name, base, arch })
}

fn old_style(entry: &Value) -> Vec<Result<Platform, Error>> {
    let run_on = entry.get("run-on").or_else(|| entry.get("build-on")).and_then(Value::as_sequence);
    let mut out = Vec::new();
    for run in run_on.into_iter().flatten() {
        let name = run.get("name").and_then(Value::as_str).unwrap_or("ubuntu");
        let channel = run.get("channel").and_then(Value::as_str).unwrap_or_default();
        let archs: Vec<&str> = run
            .get("architectures")
            .and_then(Value::as_sequence)
            .map_or_else(|| vec!["amd64"], |a| a.iter().filter_map(Value::as_str).collect());
        for arch in archs {
            out.push(Ok(Platform {
                name: format!("{name}-{channel}-{arch}"),
                base: Base { name: name.to_owned(), channel: channel.to_owned() },
                arch: arch.to_owned(),
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<Vec<Platform>, Error> {
        let Value::Mapping(map) = serde_yaml::from_str(yaml).unwrap() else { panic!("a mapping") };
        platforms(&map)
    }

    #[test]
    fn every_shape_charmcraft_reads() {
        let one = parse("base: ubuntu@24.04\nplatforms:\n  amd64:\n").unwrap();
        assert_eq!(
            one,
            [Platform { name: "amd64".into(), base: Base::parse("ubuntu@24.04").unwrap(), arch: "amd64".into() }]
        );
        let named = parse("platforms:\n  ubuntu@22.04:amd64:\n").unwrap();
        assert_eq!((named[0].base.channel.as_str(), named[0].file_name()), ("22.04", "ubuntu@22.04-amd64".to_owned()));
        let long =
            parse("platforms:\n  jammy:\n    build-on: [ubuntu@22.04:amd64]\n    build-for: [ubuntu@22.04:arm64]\n")
                .unwrap();
        assert_eq!((long[0].name.as_str(), long[0].arch.as_str()), ("jammy", "arm64"));
        let old = parse("bases:\n- build-on: [{name: ubuntu, channel: '22.04'}]\n  run-on: [{name: ubuntu, channel: '22.04', architectures: [amd64]}]\n").unwrap();
        assert_eq!(old[0].file_name(), "ubuntu-22.04-amd64");
        assert!(parse("name: x\n").is_err());
        assert!(parse("platforms:\n  amd64:\n").unwrap_err().to_string().contains("has no base"));
    }

    #[test]
    fn another_architecture_is_refused_saying_what_to_do() {
        let other = if std::env::consts::ARCH == "x86_64" { "arm64" } else { "amd64" };
        let platform = Platform { name: other.into(), base: Base::parse("ubuntu@24.04").unwrap(), arch: other.into() };
        let error = platform.check_buildable().unwrap_err().to_string();
        assert!(error.starts_with(&format!("cannot build platform `{other}` here: it is for {other}")), "{error}");
        assert!(error.contains("--platform"), "{error}");
    }

    #[test]
    fn the_glibc_of_each_base() {
        assert_eq!(Base::parse("ubuntu@22.04").unwrap().glibc(), Some((2, 35)));
        assert_eq!(Base::parse("ubuntu@24.04").unwrap().glibc(), Some((2, 39)));
        assert_eq!(Base::parse("centos@7").unwrap().glibc(), None);
    }
}
