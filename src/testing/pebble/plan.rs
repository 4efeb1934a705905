//! Layers combined into a plan, as Pebble v1.32 combines them (checked against the daemon
//! in `testbed/tests/test_pebble_conformance.rs`): each service, check and log target of a
//! later layer replaces the earlier definition (`override: replace`) or is merged into it
//! (`merge`: values it sets win, lists extend, maps update; the earlier `override` stays);
//! checks get Pebble's default threshold, and durations are written as Go writes them.

use serde_json::{Map, Value};

use crate::pebble::{Layer, PebbleError, Plan};

/// The sections whose entries combine by `override`, and how Pebble names an entry of each
/// in its errors.
const SECTIONS: [(&str, &str); 3] = [("services", "service"), ("checks", "check"), ("log-targets", "log target")];

/// Pebble's refusal of a layer whose entries do not say how they combine.
pub(super) fn validate(label: &str, layer: &Layer) -> Result<(), PebbleError> {
    let value = to_value(layer);
    for (section, noun) in SECTIONS {
        for (name, entry) in value.get(section).and_then(Value::as_object).into_iter().flatten() {
            if entry.get("override").is_none_or(Value::is_null) {
                return Err(PebbleError::Api {
                    code: 400,
                    status: "Bad Request".to_owned(),
                    kind: String::new(),
                    message: format!("layer {label:?} must define \"override\" for {noun} {name:?}"),
                });
            }
        }
    }
    Ok(())
}

/// `into` with `from` combined over it (a layer added with `combine`, or the next layer of
/// the plan).
pub(super) fn combine(into: &Layer, from: &Layer) -> Layer {
    let mut base = to_value(into);
    let overlay = to_value(from);
    for (section, _) in SECTIONS {
        let Some(entries) = overlay.get(section).and_then(Value::as_object) else { continue };
        let target = base
            .as_object_mut()
            .map(|b| b.entry(section).or_insert_with(|| Value::Object(Map::new())))
            .and_then(Value::as_object_mut);
        let Some(target) = target else { continue };
        for (name, entry) in entries {
            let merge = entry.get("override").and_then(Value::as_str) == Some("merge");
            match target.get_mut(name) {
                Some(existing) if merge => merge_entry(existing, entry),
                _ => {
                    target.insert(name.clone(), entry.clone());
                }
            }
        }
    }
    if let (Some(base), Some(overlay)) = (base.as_object_mut(), overlay.as_object()) {
        for (key, value) in overlay {
            if !SECTIONS.iter().any(|(section, _)| section == key) && !base.contains_key(key) {
                base.insert(key.clone(), value.clone());
            }
        }
    }
    serde_json::from_value(base).unwrap_or_else(|_| into.clone())
}

/// The plan of `layers`, in order.
pub(super) fn plan<'a>(layers: impl IntoIterator<Item = &'a Layer>) -> Plan {
    let combined = layers.into_iter().fold(Layer::default(), |plan, layer| combine(&plan, layer));
    let mut value = to_value(&combined);
    if let Some(map) = value.as_object_mut() {
        map.remove("summary");
        map.remove("description");
    }
    normalize(&mut value);
    serde_json::from_value(value).unwrap_or_default()
}

fn to_value(layer: &Layer) -> Value {
    serde_json::to_value(layer).unwrap_or(Value::Null)
}

/// Merges one entry: the overlay's values win, lists extend, maps merge; the base keeps
/// its `override`.
fn merge_entry(base: &mut Value, overlay: &Value) {
    let keep = base.get("override").cloned();
    merge_value(base, overlay);
    if let (Some(keep), Some(map)) = (keep, base.as_object_mut()) {
        map.insert("override".to_owned(), keep);
    }
}

fn merge_value(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(key) {
                    Some(existing) => merge_value(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(base), Value::Array(overlay)) => base.extend(overlay.iter().cloned()),
        (base, overlay) => *base = overlay.clone(),
    }
}

/// What the daemon fills in or rewrites: a check's threshold (3), and durations.
fn normalize(plan: &mut Value) {
    for check in plan.get_mut("checks").and_then(Value::as_object_mut).into_iter().flat_map(|c| c.values_mut()) {
        if let Some(check) = check.as_object_mut() {
            check.entry("threshold").or_insert(Value::from(3));
            rewrite_durations(check, &["period", "timeout"]);
        }
    }
    for service in plan.get_mut("services").and_then(Value::as_object_mut).into_iter().flat_map(|s| s.values_mut()) {
        if let Some(service) = service.as_object_mut() {
            rewrite_durations(service, &["backoff-delay", "backoff-limit", "kill-delay"]);
        }
    }
}

fn rewrite_durations(entry: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(Value::String(text)) = entry.get_mut(*key)
            && let Some(nanos) = parse_duration(text)
        {
            *text = go_duration(nanos);
        }
    }
}

/// Go's `time.ParseDuration`, for the units a layer uses: `1h30m`, `1.5s`, `500ms`.
fn parse_duration(text: &str) -> Option<u128> {
    let mut rest = text.trim();
    if rest == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[unit_end..];
    }
    Some(total.round() as u128)
}

/// Go's `time.Duration.String()`: `1h0m0s`, `1m30s`, `1.5s`, `500ms`.
fn go_duration(nanos: u128) -> String {
    let decimal = |value: u128, scale: u128| {
        let whole = value / scale;
        let fraction = value % scale;
        if fraction == 0 {
            return whole.to_string();
        }
        let digits = scale.to_string().len() - 1;
        let fraction = format!("{fraction:0digits$}");
        format!("{whole}.{}", fraction.trim_end_matches('0'))
    };
    const SECOND: u128 = 1_000_000_000;
    match nanos {
        0 => "0s".to_owned(),
        n if n < 1_000 => format!("{n}ns"),
        n if n < 1_000_000 => format!("{}µs", decimal(n, 1_000)),
        n if n < SECOND => format!("{}ms", decimal(n, 1_000_000)),
        n => {
            let (hours, minutes) = (n / (3600 * SECOND), n / (60 * SECOND) % 60);
            let seconds = decimal(n % (60 * SECOND), SECOND);
            match (hours, minutes) {
                (0, 0) => format!("{seconds}s"),
                (0, m) => format!("{m}m{seconds}s"),
                (h, m) => format!("{h}h{m}m{seconds}s"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_go_writes_them() {
        for (given, written) in [
            ("1h", "1h0m0s"),
            ("90s", "1m30s"),
            ("1500ms", "1.5s"),
            ("0.5s", "500ms"),
            ("61s", "1m1s"),
            ("10s", "10s"),
            ("1m", "1m0s"),
            ("2h45m", "2h45m0s"),
        ] {
            assert_eq!(go_duration(parse_duration(given).unwrap()), written, "{given}");
        }
        assert_eq!(parse_duration("soon"), None);
    }
}
