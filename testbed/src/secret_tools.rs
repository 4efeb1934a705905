//! The `secret-*` hook tools, with Juju's argument rules and run-time refusals.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, json};

use crate::flags::{Flag, Kind};
use crate::state::{Secret, State};
use crate::tools::{Call, Fail, Out, Result, no_extras, output_json_yaml, parse};

const RELATION: Flag = Flag { names: &["r", "relation"], kind: Kind::Value };
const FORMAT: [Flag; 2] =
    [Flag { names: &["format"], kind: Kind::Value }, Flag { names: &["o", "output"], kind: Kind::Value }];
const META: [Flag; 6] = [
    Flag { names: &["expire"], kind: Kind::Value },
    Flag { names: &["rotate"], kind: Kind::Value },
    Flag { names: &["description"], kind: Kind::Value },
    Flag { names: &["label"], kind: Kind::Value },
    Flag { names: &["file"], kind: Kind::Value },
    Flag { names: &["owner"], kind: Kind::Value },
];
const ROTATE: [&str; 7] = ["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"];

/// Juju's secret URIs: `secret:<xid>`, `secret://<uuid>/<xid>` or a bare xid (20 of `[0-9a-v]`).
fn unique_id(text: &str) -> Result<String> {
    let id = match text.strip_prefix("secret://") {
        Some(rest) => rest.split_once('/').map(|(_, id)| id).unwrap_or(""),
        None => text.strip_prefix("secret:").unwrap_or(text),
    };
    let ok = id.len() == 20 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'v').contains(&b));
    if ok { Ok(id.to_owned()) } else { Err(Fail::Usage(format!("secret URI {text:?} not valid"))) }
}

fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest: Vec<char> = chars.collect();
    let mut units = 0;
    let mut dash = false;
    for c in &rest {
        match c {
            '-' if !dash => dash = true,
            c if c.is_ascii_lowercase() || c.is_ascii_digit() => {
                units += 1;
                dash = false;
            }
            _ => return false,
        }
    }
    first_ok && units >= 2 && !dash
}

/// `key=value`, `key#base64=...`, `key#file=PATH`.
fn content(positionals: &[String]) -> Result<BTreeMap<String, String>> {
    let mut content = BTreeMap::new();
    for arg in positionals {
        let (key, value) = arg
            .split_once('=')
            .filter(|(_, v)| !v.trim_end_matches('=').is_empty())
            .ok_or_else(|| Fail::Usage(format!("key value {arg:?} not valid")))?;
        let (key, value) = if let Some(key) = key.strip_suffix("#file") {
            let text = std::fs::read_to_string(value)
                .map_err(|e| Fail::Usage(format!("reading content for secret key {key:?}: {e}")))?;
            (key, text)
        } else if let Some(key) = key.strip_suffix("#base64") {
            (key, value.to_owned())
        } else {
            (key, value.to_owned())
        };
        if !valid_key(key) {
            return Err(Fail::Usage(format!("key {key:?} not valid")));
        }
        content.insert(key.to_owned(), value);
    }
    Ok(content)
}

/// Checks `--expire`, `--rotate`, `--owner` as Juju does.
fn meta(parsed: &crate::flags::Parsed) -> Result<()> {
    if let Some(expire) = parsed.value("expire") {
        let rfc3339 =
            expire.len() >= 19 && expire.as_bytes().get(4) == Some(&b'-') && expire.as_bytes().get(10) == Some(&b'T');
        let duration =
            expire.ends_with(['h', 'm', 's']) && expire.trim_end_matches(char::is_alphabetic).parse::<f64>().is_ok();
        if expire.starts_with('-') {
            return Err(Fail::Usage(format!("negative expire duration {expire:?} not valid")));
        }
        if !(rfc3339 || duration) {
            return Err(Fail::Usage(format!("expire time or duration {expire:?} not valid")));
        }
    }
    if let Some(rotate) = parsed.value("rotate")
        && !ROTATE.contains(&rotate)
    {
        return Err(Fail::Usage(format!("rotate policy {rotate:?} not valid")));
    }
    if let Some(owner) = parsed.value("owner")
        && !["application", "unit"].contains(&owner)
    {
        return Err(Fail::Usage(format!("secret owner {owner:?} not valid")));
    }
    Ok(())
}

fn apply_meta(secret: &mut Secret, parsed: &crate::flags::Parsed) {
    let set = |field: &mut Option<String>, name: &str| {
        if let Some(value) = parsed.value(name) {
            *field = Some(value.to_owned());
        }
    };
    set(&mut secret.label, "label");
    set(&mut secret.description, "description");
    set(&mut secret.expire, "expire");
    set(&mut secret.rotate, "rotate");
}

/// Only the owner manages a secret; only the leader an application's.
fn managed<'s>(state: &'s mut State, id: &str) -> Result<&'s mut Secret> {
    let leader = state.leader;
    let secret = state.secrets.get_mut(id).ok_or_else(|| Fail::Run(format!("secret {id:?} not found")))?;
    match secret.owner.as_str() {
        "application" if !leader => Err(Fail::Run("this unit is not the leader".into())),
        "application" | "unit" => Ok(secret),
        _ => Err(Fail::Run("permission denied".into())),
    }
}

pub(crate) fn secret_add(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&META, call)?;
    meta(&parsed)?;
    if parsed.positionals.is_empty() && parsed.value("file").is_none() {
        return Err(Fail::Usage("missing secret value or filename".into()));
    }
    let content = content(&parsed.positionals)?;
    let owner = parsed.value("owner").unwrap_or("application").to_owned();
    if owner == "application" && !state.leader {
        return Err(Fail::Run("this unit is not the leader".into()));
    }
    state.next_secret += 1;
    let id = format!("fake{:016}", state.next_secret);
    let mut secret = Secret { owner, revisions: BTreeMap::from([(1, content)]), tracked: 1, ..Secret::default() };
    apply_meta(&mut secret, &parsed);
    state.secrets.insert(id.clone(), secret);
    Ok(Out { stdout: format!("secret:{id}\n"), stderr: String::new() })
}

pub(crate) fn secret_set(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&META, call)?;
    meta(&parsed)?;
    let uri = parsed.positionals.first().ok_or_else(|| Fail::Usage("missing secret URI".into()))?;
    let id = unique_id(uri)?;
    let content = content(&parsed.positionals[1..])?;
    let secret = managed(state, &id)?;
    if !content.is_empty() {
        let latest = secret.revisions.keys().max().copied().unwrap_or(0);
        if secret.revisions.get(&latest) != Some(&content) {
            secret.revisions.insert(latest + 1, content);
        }
    }
    apply_meta(secret, &parsed);
    Ok(Out::default())
}

fn find<'s>(state: &'s mut State, id: Option<&str>, label: Option<&str>) -> Result<(String, &'s mut Secret)> {
    let key = match (id, label) {
        (Some(id), _) => Some(unique_id(id)?),
        (None, Some(label)) => {
            state.secrets.iter().find(|(_, s)| s.label.as_deref() == Some(label)).map(|(k, _)| k.clone())
        }
        (None, None) => return Err(Fail::Usage("require either a secret URI or label".into())),
    };
    let shown = id.or(label).unwrap_or_default().to_owned();
    match key {
        Some(key) => match state.secrets.get_mut(&key) {
            Some(secret) => Ok((key, secret)),
            None => Err(Fail::Run(format!("secret {shown:?} not found"))),
        },
        None => Err(Fail::Run(format!("secret {shown:?} not found"))),
    }
}

pub(crate) fn secret_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let mut flags = FORMAT.to_vec();
    flags.extend([
        Flag { names: &["label"], kind: Kind::Value },
        Flag { names: &["peek"], kind: Kind::Bool },
        Flag { names: &["refresh"], kind: Kind::Bool },
    ]);
    let parsed = parse(&flags, call)?;
    no_extras(&parsed.positionals, 2)?;
    if parsed.is_set("peek") && parsed.is_set("refresh") {
        return Err(Fail::Usage("specify one of --peek or --refresh but not both".into()));
    }
    let id = parsed.positionals.first().map(String::as_str);
    let label = parsed.value("label");
    let (_, secret) = find(state, id, label)?;
    if let (Some(_), Some(label)) = (id, label) {
        secret.label = Some(label.to_owned());
    }
    let latest = secret.revisions.keys().max().copied().unwrap_or(0);
    let revision = if parsed.is_set("peek") || parsed.is_set("refresh") { latest } else { secret.tracked };
    if parsed.is_set("refresh") {
        secret.tracked = latest;
    }
    let content = secret.revisions.get(&revision).cloned().unwrap_or_default();
    output_json_yaml(&parsed, &json!(content))
}

pub(crate) fn secret_info_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let mut flags = FORMAT.to_vec();
    flags.push(Flag { names: &["label"], kind: Kind::Value });
    let parsed = parse(&flags, call)?;
    no_extras(&parsed.positionals, 1)?;
    let id = parsed.positionals.first().map(String::as_str);
    let label = parsed.value("label");
    if id.is_some() && label.is_some() {
        return Err(Fail::Usage("specify either a secret URI or label but not both".into()));
    }
    let leader = state.leader;
    let (key, secret) = find(state, id, label)?;
    // Juju answers only the owner (the leader, for an application's secret).
    if secret.owner.is_empty() || (secret.owner == "application" && !leader) {
        return Err(Fail::Run(format!("secret {:?} not found", id.or(label).unwrap_or_default())));
    }
    let mut info = Map::new();
    info.insert("revision".into(), json!(secret.revisions.keys().max().copied().unwrap_or(0)));
    info.insert("owner".into(), json!(secret.owner));
    for (name, value) in [
        ("label", &secret.label),
        ("description", &secret.description),
        ("expiry", &secret.expire),
        ("rotation", &secret.rotate),
    ] {
        if let Some(value) = value {
            info.insert(name.into(), json!(value));
        }
    }
    output_json_yaml(&parsed, &json!({ format!("secret:{key}"): info }))
}

/// secret-grant and secret-revoke.
pub(crate) fn secret_access(call: &Call<'_>, state: &mut State, grant: bool) -> Result<Out> {
    let mut flags = vec![RELATION, Flag { names: &["unit"], kind: Kind::Value }];
    if !grant {
        flags.push(Flag { names: &["app", "application"], kind: Kind::Value });
    }
    let parsed = parse(&flags, call)?;
    no_extras(&parsed.positionals, 1)?;
    let uri = parsed.positionals.first().ok_or_else(|| Fail::Usage("missing secret URI".into()))?;
    let id = unique_id(uri)?;
    let relation = crate::tools::relation_id(&parsed, call, state)?;
    let remote_app = state.relations[&relation].remote_app.clone();
    let grantee = match parsed.value("unit") {
        Some(unit) => {
            if !unit.split_once('/').is_some_and(|(app, n)| !app.is_empty() && n.parse::<u32>().is_ok()) {
                return Err(Fail::Usage(format!("unit {unit:?} not valid")));
            }
            if !unit.starts_with(&format!("{remote_app}/")) {
                return Err(Fail::Usage(format!(
                    "cannot specify unit {unit:?} in relation to application {remote_app:?}"
                )));
            }
            unit.to_owned()
        }
        None => remote_app,
    };
    let secret = managed(state, &id)?;
    if grant {
        secret.grants.entry(relation).or_default().insert(grantee);
    } else if let Some(grantees) = secret.grants.get_mut(&relation) {
        grantees.remove(&grantee);
        if grantees.is_empty() {
            secret.grants.remove(&relation);
        }
    }
    Ok(Out::default())
}

pub(crate) fn secret_remove(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&[Flag { names: &["revision"], kind: Kind::Value }], call)?;
    no_extras(&parsed.positionals, 1)?;
    let uri = parsed.positionals.first().ok_or_else(|| Fail::Usage("missing secret URI".into()))?;
    let id = unique_id(uri)?;
    let revision = match parsed.value("revision") {
        Some(text) => Some(text.parse::<u64>().map_err(|_| {
            Fail::Usage(format!(
                "invalid value {text:?} for flag --revision: strconv.ParseInt: parsing {text:?}: invalid syntax"
            ))
        })?),
        None => None,
    };
    let secret = managed(state, &id)?;
    match revision {
        Some(revision) => {
            secret.revisions.remove(&revision);
            secret.removed.push(revision);
        }
        None => {
            state.secrets.remove(&id);
        }
    }
    Ok(Out::default())
}

pub(crate) fn secret_ids(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&FORMAT, call)?;
    no_extras(&parsed.positionals, 0)?;
    let ids: BTreeSet<String> = state.secrets.keys().map(|k| format!("secret:{k}")).collect();
    crate::tools::output(&parsed, &json!(ids), false)
}

/// A secret shared between two fake units: what the owner's unit granted, copied into the
/// observer's state as Juju would make it visible (content of every revision, none tracked
/// past the first).
pub fn share(owner: &State, observer: &mut State, id: &str) {
    let key = unique_id(id).unwrap_or_else(|_| id.to_owned());
    if let Some(secret) = owner.secrets.get(&key) {
        let mut seen = Secret { owner: String::new(), revisions: secret.revisions.clone(), ..Secret::default() };
        let known = observer.secrets.get(&key);
        seen.tracked = known.map_or_else(|| secret.revisions.keys().max().copied().unwrap_or(1), |s| s.tracked);
        seen.label = known.and_then(|s| s.label.clone());
        observer.secrets.insert(key, seen);
    }
}
