//! Command-line parsing as Juju's hook tools do it (juju/gnuflag, interspersed flags).
//!
//! The rules are Juju's hook tools' (gnuflag); the error texts are Juju's.

use std::collections::BTreeMap;

/// Whether a flag takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `--app`, `--app=true`.
    Bool,
    /// `--format json`, `--format=json`, `-fjson`.
    Value,
}

/// One flag a tool defines: its names (short and long) and kind.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    /// Every name it answers to, without dashes; the first is the canonical one.
    pub names: &'static [&'static str],
    /// Bool or value.
    pub kind: Kind,
}

/// What was parsed: flag values by canonical name (the last one given wins), the
/// spelling each was given with (for error messages), and the positional arguments.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Parsed {
    values: BTreeMap<&'static str, String>,
    spelled: BTreeMap<&'static str, String>,
    /// The positional arguments, in order.
    pub positionals: Vec<String>,
}

impl Parsed {
    /// The value of a value flag, if given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Whether a bool flag is true.
    pub fn is_set(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|v| v == "true")
    }

    /// How the flag was written (`-r`, `--relation`), for Juju's `for flag -r` messages.
    pub fn spelling(&self, name: &str) -> String {
        self.spelled.get(name).cloned().unwrap_or_else(|| format!("--{name}"))
    }
}

/// Go's `strconv.ParseBool`.
fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn find<'a>(flags: &'a [Flag], name: &str) -> Option<&'a Flag> {
    flags.iter().find(|f| f.names.contains(&name))
}

fn dashed(name: &str) -> String {
    if name.chars().count() == 1 { format!("-{name}") } else { format!("--{name}") }
}

/// Parses `args` against `flags`. An error is Juju's message (printed as `ERROR <message>`, exit 2).
pub fn parse(flags: &[Flag], args: &[String]) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            parsed.positionals.extend(iter.by_ref().cloned());
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            long_flag(flags, long, arg, &mut iter, &mut parsed)?;
        } else if let Some(short) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            short_flags(flags, short, &mut iter, &mut parsed)?;
        } else {
            parsed.positionals.push(arg.clone());
        }
    }
    Ok(parsed)
}

fn long_flag<'a>(
    flags: &[Flag],
    long: &str,
    arg: &str,
    rest: &mut impl Iterator<Item = &'a String>,
    parsed: &mut Parsed,
) -> Result<(), String> {
    let (name, inline) = match long.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (long, None),
    };
    if name.is_empty() {
        return Err(format!("empty flag in argument {arg:?}"));
    }
    let flag = find(flags, name).ok_or_else(|| format!("flag provided but not defined: --{name}"))?;
    let value = match (flag.kind, inline) {
        (Kind::Bool, None) => "true".to_owned(),
        (Kind::Bool, Some(text)) => match parse_bool(text) {
            Some(b) => b.to_string(),
            None => {
                return Err(format!(
                    "invalid value {text:?} for flag --{name}: strconv.ParseBool: parsing {text:?}: invalid syntax"
                ));
            }
        },
        (Kind::Value, Some(text)) => text.to_owned(),
        (Kind::Value, None) => rest.next().cloned().ok_or_else(|| format!("flag needs an argument: --{name}"))?,
    };
    set(parsed, flag, format!("--{name}"), value);
    Ok(())
}

fn short_flags<'a>(
    flags: &[Flag],
    cluster: &str,
    rest: &mut impl Iterator<Item = &'a String>,
    parsed: &mut Parsed,
) -> Result<(), String> {
    for (at, letter) in cluster.char_indices() {
        let name = &cluster[at..at + letter.len_utf8()];
        let flag = find(flags, name).ok_or_else(|| format!("flag provided but not defined: -{name}"))?;
        if flag.kind == Kind::Bool {
            // `-a=true` is not a bool: the `=` is not stripped for short flags.
            if cluster[at + 1..].starts_with('=') {
                let text = &cluster[at + 1..];
                return Err(format!(
                    "invalid value {text:?} for flag -{name}: strconv.ParseBool: parsing {text:?}: invalid syntax"
                ));
            }
            set(parsed, flag, dashed(name), "true".to_owned());
            continue;
        }
        let tail = &cluster[at + letter.len_utf8()..];
        let value = if tail.is_empty() {
            rest.next().cloned().ok_or_else(|| format!("flag needs an argument: -{name}"))?
        } else {
            tail.to_owned()
        };
        set(parsed, flag, dashed(name), value);
        return Ok(());
    }
    Ok(())
}

fn set(parsed: &mut Parsed, flag: &Flag, spelling: String, value: String) {
    parsed.values.insert(flag.names[0], value);
    parsed.spelled.insert(flag.names[0], spelling);
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGS: &[Flag] = &[
        Flag { names: &["r", "relation"], kind: Kind::Value },
        Flag { names: &["app"], kind: Kind::Bool },
        Flag { names: &["a"], kind: Kind::Bool },
        Flag { names: &["format"], kind: Kind::Value },
    ];

    fn run(args: &[&str]) -> Result<Parsed, String> {
        parse(FLAGS, &args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn forms_of_value_flags() {
        for args in [&["-r", "db:1"][..], &["-rdb:1"], &["--relation", "db:1"], &["--relation=db:1"], &["--r", "db:1"]]
        {
            assert_eq!(run(args).unwrap().value("r"), Some("db:1"), "{args:?}");
        }
        assert_eq!(run(&["-r=db:1"]).unwrap().value("r"), Some("=db:1"));
        assert_eq!(run(&["--format", "-x"]).unwrap().value("format"), Some("-x"));
    }

    #[test]
    fn bools() {
        assert!(run(&["--app"]).unwrap().is_set("app"));
        assert!(!run(&["--app=False"]).unwrap().is_set("app"));
        let p = run(&["--app", "true"]).unwrap();
        assert!(p.is_set("app"));
        assert_eq!(p.positionals, ["true"]);
        assert_eq!(
            run(&["--app=yes"]).unwrap_err(),
            r#"invalid value "yes" for flag --app: strconv.ParseBool: parsing "yes": invalid syntax"#
        );
        assert!(run(&["-a=true"]).is_err());
    }

    #[test]
    fn errors() {
        assert_eq!(run(&["--foo"]).unwrap_err(), "flag provided but not defined: --foo");
        assert_eq!(run(&["-x"]).unwrap_err(), "flag provided but not defined: -x");
        assert_eq!(run(&["--format"]).unwrap_err(), "flag needs an argument: --format");
        assert_eq!(run(&["--=x"]).unwrap_err(), r#"empty flag in argument "--=x""#);
    }

    #[test]
    fn positionals_interspersed_and_after_dashes() {
        let p = run(&["a", "--app", "-", "", "--", "--format", "-r"]).unwrap();
        assert_eq!(p.positionals, ["a", "-", "", "--format", "-r"]);
        assert_eq!(run(&["--format=json", "--format=yaml"]).unwrap().value("format"), Some("yaml"));
    }

    #[test]
    fn cluster_takes_the_rest_as_value() {
        assert_eq!(run(&["-relation"]).unwrap().value("r"), Some("elation"));
        let p = run(&["-ar", "db:2"]).unwrap();
        assert!(p.is_set("a"));
        assert_eq!(p.value("r"), Some("db:2"));
    }
}
