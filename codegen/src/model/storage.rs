//! `storage`: filesystems and block devices Juju provisions for the charm.

use super::section::{Problems, Section, bool_field, render, string_field, string_list};
use crate::yaml::{Mapping, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Storage {
    pub name: String,
    pub block: bool,
    pub description: String,
    pub location: Option<String>,
    pub shared: bool,
    pub read_only: bool,
    pub minimum_size: Option<String>,
    /// `multiple.range` as (min, max); max `None` for an open range. Default (1, 1).
    pub multiple: (u32, Option<u32>),
    /// `properties`: only `transient` exists.
    pub properties: Vec<String>,
}

pub fn parse(section: Section<'_>, name: &str, body: &Mapping, problems: &mut Problems) -> Option<Storage> {
    let block = match body.get("type").and_then(Value::as_str) {
        Some("filesystem") => false,
        Some("block") => true,
        Some(other) => {
            problems.push(section.error(
                &[name, "type"],
                format!("storage `{name}` has unknown type `{other}` (expected filesystem or block)"),
            ));
            return None;
        }
        None => {
            problems.push(section.error(&[name], format!("storage `{name}` needs a `type` (filesystem or block)")));
            return None;
        }
    };
    let location = string_field(body, "location");
    if block && location.is_some() {
        problems.push(section.error(
            &[name, "location"],
            format!("storage `{name}`: location may not be specified for \"type: block\""),
        ));
    }
    let multiple = match body.get("multiple").and_then(|m| m.get("range")) {
        None => (1, Some(1)),
        Some(range) => parse_range(range).unwrap_or_else(|| {
            problems.push(section.error(
                &[name, "multiple", "range"],
                format!(
                    "`range` of storage `{name}` must be N, N-M (N ≤ M), N- or N+ with N > 0 for a single number, got {}",
                    render(range)
                ),
            ));
            (1, Some(1))
        }),
    };
    let path = [name, "properties"];
    let properties = string_list(section, &path, body.get("properties"), problems);
    for property in properties.iter().filter(|p| *p != "transient") {
        problems.push(
            section.error(
                &path,
                format!("storage `{name}` has unknown property {property:?} (only \"transient\" exists)"),
            ),
        );
    }
    Some(Storage {
        name: name.to_owned(),
        block,
        description: string_field(body, "description").unwrap_or_default(),
        location,
        shared: bool_field(section, name, body, "shared", problems),
        read_only: bool_field(section, name, body, "read-only", problems),
        minimum_size: body
            .get("minimum-size")
            .filter(|v| !v.is_null())
            .map(|v| v.as_str().map_or_else(|| render(v), str::to_owned)),
        multiple,
        properties,
    })
}

/// `N` (N > 0), `N-M` (N ≤ M), `N-` or `N+`, as Juju reads `multiple.range`.
pub fn parse_range(value: &Value) -> Option<(u32, Option<u32>)> {
    if let Some(n) = value.as_u64() {
        let n = u32::try_from(n).ok().filter(|n| *n > 0)?;
        return Some((n, Some(n)));
    }
    let text = value.as_str()?;
    let digits =
        |s: &str| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { s.parse::<u32>().ok() } else { None };
    if let Some(min) = text.strip_suffix('+').or_else(|| text.strip_suffix('-')) {
        return Some((digits(min)?, None));
    }
    match text.split_once('-') {
        Some((min, max)) => {
            let (min, max) = (digits(min)?, digits(max)?);
            (min <= max).then_some((min, Some(max)))
        }
        None => digits(text).filter(|n| *n > 0).map(|n| (n, Some(n))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let v = |s: &str| Value::String(s.to_owned());
        assert_eq!(parse_range(&v("0-")), Some((0, None)));
        assert_eq!(parse_range(&v("1+")), Some((1, None)));
        assert_eq!(parse_range(&v("2-5")), Some((2, Some(5))));
        assert_eq!(parse_range(&v("3")), Some((3, Some(3))));
        assert_eq!(parse_range(&serde_yaml::from_str::<Value>("4").unwrap()), Some((4, Some(4))));
        for bad in ["x", "5-2", "-1", "1-2-3", "+", "", " 1", "0"] {
            assert_eq!(parse_range(&v(bad)), None, "{bad}");
        }
        assert_eq!(parse_range(&serde_yaml::from_str::<Value>("0").unwrap()), None);
    }
}
