//! The model's remaining tools: `network-get`, `credential-get`, `juju-reboot`,
//! `storage-add`, with Juju's argument rules and run-time refusals.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::flags::{Flag, Kind};
use crate::state::State;
use crate::tools::{Call, Fail, Out, Result, no_extras, output, parse, relation_id, with_out};

const ADDRESS: [Flag; 4] = [
    Flag { names: &["primary-address"], kind: Kind::Bool },
    Flag { names: &["bind-address"], kind: Kind::Bool },
    Flag { names: &["ingress-address"], kind: Kind::Bool },
    Flag { names: &["egress-subnets"], kind: Kind::Bool },
];

/// Scenario's default network, which Juju would give a binding with no space of its own.
pub fn default_network() -> Value {
    json!({
        "bind-addresses": [{"interface-name": "", "addresses": [{"hostname": "", "value": "192.0.2.0", "cidr": ""}]}],
        "ingress-addresses": ["192.0.2.0"],
        "egress-subnets": ["192.0.2.0/24"],
    })
}

pub(crate) fn network_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let mut flags = with_out(&[Flag { names: &["r", "relation"], kind: Kind::Value }]);
    flags.extend(ADDRESS);
    let parsed = parse(&flags, call)?;
    let binding = match parsed.positionals.first() {
        None => return Err(Fail::Usage("no arguments specified".into())),
        Some(binding) if binding.is_empty() => return Err(Fail::Usage("no binding name specified".into())),
        Some(binding) => binding.clone(),
    };
    no_extras(&parsed.positionals, 1)?;
    let asked: Vec<&str> = ADDRESS.iter().map(|flag| flag.names[0]).filter(|name| parsed.is_set(name)).collect();
    if asked.contains(&"primary-address") && asked.len() > 1 {
        return Err(Fail::Usage("--primary-address must be the only flag specified".into()));
    }
    if parsed.value("r").is_some() {
        relation_id(&parsed, call, state)?;
    }
    let known = state.extra_bindings.contains(&binding)
        || state.networks.contains_key(&binding)
        || state.relations.values().any(|r| r.endpoint == binding);
    if !known {
        return Err(Fail::Run(format!("no network config found for binding {binding:?}")));
    }
    let network = state.networks.get(&binding).cloned().unwrap_or_else(default_network);
    let first_address = |key: &str| network[key].as_array().and_then(|a| a.first()).cloned().unwrap_or(Value::Null);
    let field = |flag: &str| match flag {
        "primary-address" | "bind-address" => network["bind-addresses"][0]["addresses"][0]["value"].clone(),
        "ingress-address" => first_address("ingress-addresses"),
        _ => network["egress-subnets"].clone(),
    };
    let value = match asked.as_slice() {
        [] => network.clone(),
        [one] => field(one),
        several => Value::Object(several.iter().map(|f| ((*f).to_owned(), field(f))).collect::<Map<_, _>>()),
    };
    output(&parsed, &value, false)
}

pub(crate) fn credential_get(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&with_out(&[]), call)?;
    no_extras(&parsed.positionals, 0)?;
    match &state.cloud_spec {
        Some(spec) => output(&parsed, &spec.clone(), false),
        None => Err(Fail::Run("cannot access cloud credentials: application is not trusted; run `juju trust`".into())),
    }
}

pub(crate) fn juju_reboot(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&[Flag { names: &["now"], kind: Kind::Bool }], call)?;
    no_extras(&parsed.positionals, 0)?;
    if (call.env)("JUJU_ACTION_NAME").is_some() {
        return Err(Fail::Run("juju-reboot is not supported when running an action.".into()));
    }
    state.reboots.push(if parsed.is_set("now") { "now" } else { "after-hook" }.to_owned());
    Ok(Out::default())
}

pub(crate) fn storage_add(call: &Call<'_>, state: &mut State) -> Result<Out> {
    let parsed = parse(&[], call)?;
    if parsed.positionals.is_empty() {
        return Err(Fail::Usage("storage add requires a storage directive".into()));
    }
    let mut seen = BTreeSet::new();
    let mut requests = Vec::new();
    for directive in &parsed.positionals {
        let (name, constraints) = match directive.split('=').collect::<Vec<_>>().as_slice() {
            [name] => (name.to_string(), None),
            [name, constraints] => (name.to_string(), Some(constraints.to_string())),
            _ => return Err(Fail::Usage(format!("expected \"name=constraints\" or \"name\", got {directive:?}"))),
        };
        if !seen.insert(name.clone()) {
            return Err(Fail::Usage(format!("storage {name:?} specified more than once")));
        }
        let count = match constraints {
            None => 1,
            Some(text) => match text.parse::<i64>() {
                Ok(count) if count > 0 => u32::try_from(count).unwrap_or(u32::MAX),
                Ok(_) => {
                    return Err(Fail::Usage(format!(
                        "cannot parse constraints for storage {name:?}: cannot parse count: count must be greater than zero, got {text:?}"
                    )));
                }
                Err(_) => return Err(Fail::Usage(format!("only count can be specified for {name:?}"))),
            },
        };
        requests.push((name, count));
    }
    state.storage_requests.extend(requests);
    Ok(Out::default())
}
