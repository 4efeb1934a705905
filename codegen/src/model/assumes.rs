//! `assumes`: what the charm needs from Juju, as the tree Juju reads.
//!
//! The top level is a list, implicitly all-of. Each item is a feature expression
//! (`k8s-api`, `juju >= 3.4`, `juju<4`) or a map with exactly one key, `any-of` or
//! `all-of`, holding a nested list. The messages are Juju's.

use super::section::{Problems, Section, render};
use crate::yaml::Value;

/// One expression of an `assumes` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assumption {
    /// A feature, with an optional version constraint, as written: `juju >= 3.4`.
    Feature(String),
    /// Every one of the nested expressions.
    AllOf(Vec<Assumption>),
    /// At least one of the nested expressions.
    AnyOf(Vec<Assumption>),
}

/// The charm's `assumes`, checked against Juju's grammar.
pub fn read(root: Section<'_>, problems: &mut Problems) -> Vec<Assumption> {
    let mut report = |message: String| problems.push(root.error(&["assumes"], message));
    match root.get("assumes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(n, item)| {
                expression(item)
                    .map_err(|e| report(format!("parsing expression {} in top level \"assumes\" block: {e}", n + 1)))
                    .ok()
            })
            .collect(),
        Some(_) => {
            report("malformed \"assumes\" block; expected an expression list".to_owned());
            Vec::new()
        }
    }
}

fn expression(value: &Value) -> Result<Assumption, String> {
    match value {
        Value::String(text) => feature(text).map(|()| Assumption::Feature(text.clone())),
        Value::Mapping(map) => {
            let mut entries = map.iter();
            let (Some((key, body)), None) = (entries.next(), entries.next()) else {
                return Err("malformed composite expression".to_owned());
            };
            let kind = key.as_str().unwrap_or_default();
            if kind != "any-of" && kind != "all-of" {
                return Err("malformed composite expression; expected an \"any-of\" or \"all-of\" block".to_owned());
            }
            let Value::Sequence(items) = body else {
                return Err(format!("malformed {kind:?} expression; expected a list of sub-expressions"));
            };
            let nested = items.iter().map(expression).collect::<Result<Vec<_>, _>>()?;
            Ok(if kind == "any-of" { Assumption::AnyOf(nested) } else { Assumption::AllOf(nested) })
        }
        other => Err(format!("expected a feature, \"any-of\" or \"all-of\" expression, got {}", render(other))),
    }
}

/// A feature name (`[a-z][a-z0-9-]*[a-z0-9]`), optionally `>=` or `<` a version.
fn feature(text: &str) -> Result<(), String> {
    let malformed = || format!("malformed feature expression {text:?}");
    let (name, constraint) = match text.find(['>', '<']) {
        Some(at) => (text[..at].trim_end(), Some(&text[at..])),
        None => (text, None),
    };
    let name_ok = name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !name_ok {
        return Err(malformed());
    }
    if let Some(constraint) = constraint {
        let version = constraint.strip_prefix(">=").or_else(|| constraint.strip_prefix('<')).ok_or_else(malformed)?;
        let version = version.trim_start();
        if version.is_empty()
            || version.contains(char::is_whitespace)
            || !version.starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(malformed());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Assumption, String> {
        expression(&serde_yaml::from_str(text).unwrap())
    }

    #[test]
    fn features() {
        for ok in ["k8s-api", "juju >= 3.4", "juju<4", "juju>=3.1.5", "juju >=  3"] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
        for bad in ["K8s", "a", "juju > 3", "juju >=", "juju == 3", "-x", "x-", "juju >= 3 4"] {
            assert_eq!(parse(bad), Err(format!("malformed feature expression {bad:?}")), "{bad}");
        }
    }

    #[test]
    fn trees() {
        let tree = parse("{any-of: [k8s-api, {all-of: [juju >= 3.1, juju < 4]}]}").unwrap();
        let expected = Assumption::AnyOf(vec![
            Assumption::Feature("k8s-api".into()),
            Assumption::AllOf(vec![Assumption::Feature("juju >= 3.1".into()), Assumption::Feature("juju < 4".into())]),
        ]);
        assert_eq!(tree, expected);
        assert_eq!(parse("{any-of: [a1], all-of: [b1]}"), Err("malformed composite expression".into()));
        assert!(parse("{some-of: [a1]}").unwrap_err().contains("expected an \"any-of\" or \"all-of\" block"));
        assert!(parse("{any-of: a1}").unwrap_err().contains("expected a list of sub-expressions"));
    }
}
