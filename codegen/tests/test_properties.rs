//! Property tests: the generator on charm YAML it has never seen returns generated code or
//! diagnostics; it never panics, and it never takes long.
//!
//! Inputs are the fixture charms mutated (bytes that mean something to YAML inserted,
//! deleted and replaced; lines duplicated, dropped and re-indented; values swapped for
//! awkward ones), and charms built from arbitrary names and values. The case counts keep
//! the whole file to a few seconds in CI.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;

/// A generous bound for one generation of a small charm; a hang or a quadratic blow-up
/// on mutated input shows up as minutes, not this.
const SLOW: Duration = Duration::from_secs(5);

fn fixture_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for dir in ["hello", "split-files", "build-only", "juju-shapes", "shared-names", "machine-subordinate"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.push((format!("{dir}/{name}"), std::fs::read_to_string(&path).unwrap()));
        }
    }
    files.sort();
    files
}

/// A fresh directory for one case.
fn case_dir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("juju-ops-build-prop-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Generates from `files`; fails the property on a panic (caught) or a slow run.
fn generate(files: &[(&str, String)]) -> Result<(), TestCaseError> {
    let dir = case_dir();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let started = Instant::now();
    let result = std::panic::catch_unwind(|| juju_ops_build::generate_source(&dir));
    let elapsed = started.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    match result {
        Err(_) => Err(TestCaseError::fail("the generator panicked")),
        Ok(_) if elapsed > SLOW => Err(TestCaseError::fail(format!("the generator took {elapsed:?}"))),
        Ok(Ok(_)) => Ok(()),
        Ok(Err(juju_ops_build::Error::Invalid { errors, .. })) => {
            prop_assert!(!errors.is_empty(), "refused without saying why");
            for error in &errors {
                prop_assert!(error.line >= 1 && error.column >= 1, "{error}");
                prop_assert!(!error.message.is_empty());
            }
            Ok(())
        }
        Ok(Err(other)) => Err(TestCaseError::fail(format!("not a diagnostic: {other}"))),
    }
}

/// One edit of a text.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, &'static str),
    Delete(usize, usize),
    Replace(usize, &'static str),
    DuplicateLine(usize),
    DropLine(usize),
    Indent(usize, usize),
}

/// Pieces of YAML syntax, and values that are awkward for a charm.
const PIECES: &[&str] = &[
    ":",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    "\"",
    "#",
    "|",
    ">",
    "!",
    "&a ",
    "*a",
    "? ",
    "\n",
    "  ",
    "\t",
    "\u{feff}",
    "é",
    "~",
    "null",
    ".inf",
    "-.inf",
    ".nan",
    "1e400",
    "-1",
    "0",
    "9223372036854775808",
    "true",
    "yes",
    "\"\"",
    "[]",
    "{}",
    "type: ",
    "default: ",
    "interface: ",
    "range: 5-2",
    "enum: [a, a]",
    "params:",
    "properties:",
    "required: [x]",
    "assumes:\n  - {any-of: k8s}",
    "extensions: [flask-framework]",
    "containers:\n  x: {}",
    "scope: container",
    "limit: -1",
    "&anchor",
    "<<: *anchor",
    "\r\n",
];

fn edit() -> impl Strategy<Value = Edit> {
    let piece = prop::sample::select(PIECES);
    prop_oneof![
        (any::<usize>(), piece.clone()).prop_map(|(at, p)| Edit::Insert(at, p)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), piece).prop_map(|(at, p)| Edit::Replace(at, p)),
        any::<usize>().prop_map(Edit::DuplicateLine),
        any::<usize>().prop_map(Edit::DropLine),
        (any::<usize>(), 0usize..9).prop_map(|(line, spaces)| Edit::Indent(line, spaces)),
    ]
}

/// The nearest character boundary at or before `at`, within `text`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    match edit {
        Edit::Insert(at, piece) => {
            let at = boundary(text, *at);
            format!("{}{piece}{}", &text[..at], &text[at..])
        }
        Edit::Delete(at, n) => {
            let start = boundary(text, *at);
            let end = boundary(text, (start + n).min(text.len()));
            format!("{}{}", &text[..start], &text[end.max(start)..])
        }
        Edit::Replace(at, piece) => {
            let start = boundary(text, *at);
            let end = boundary(text, (start + piece.len()).min(text.len()));
            format!("{}{piece}{}", &text[..start], &text[end.max(start)..])
        }
        Edit::DuplicateLine(n) => {
            let n = n % lines.len();
            lines.insert(n, lines[n].clone());
            lines.join("\n")
        }
        Edit::DropLine(n) => {
            let n = n % lines.len();
            lines.remove(n);
            lines.join("\n")
        }
        Edit::Indent(n, spaces) => {
            let n = n % lines.len();
            let trimmed = lines[n].trim_start().to_owned();
            lines[n] = format!("{}{trimmed}", " ".repeat(*spaces));
            lines.join("\n")
        }
    }
}

proptest! {
    // 256 cases each in CI; PROPTEST_CASES=20000 for a longer search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Each fixture file, mutated, beside its unmutated siblings.
    #[test]
    fn mutated_fixtures(file in 0usize..64, edits in prop::collection::vec(edit(), 1..6)) {
        let files = fixture_files();
        let (target, text) = &files[file % files.len()];
        let (dir, _) = target.split_once('/').unwrap();
        let mutated = edits.iter().fold(text.clone(), |text, e| apply(&text, e));
        let mut case: Vec<(&str, String)> = Vec::new();
        for (path, original) in &files {
            let (other_dir, name) = path.split_once('/').unwrap();
            if other_dir == dir {
                case.push((name, if path == target { mutated.clone() } else { original.clone() }));
            }
        }
        generate(&case)?;
    }

    /// Charms made of arbitrary names and values in every place a name or value goes.
    #[test]
    fn arbitrary_names_and_values(
        names in prop::collection::vec("[a-zA-Z0-9_.$ -]{0,12}|\\PC{0,6}", 1..8),
        values in prop::collection::vec(prop::sample::select(PIECES), 1..8),
    ) {
        let mut text = String::from("name: x\ntype: charm\n");
        let quote = |s: &str| format!("{s:?}");
        text.push_str("config:\n  options:\n");
        for (n, name) in names.iter().enumerate() {
            let kind = ["string", "int", "float", "boolean", "secret"][n % 5];
            text.push_str(&format!("    {}:\n      type: {kind}\n      default: {}\n", quote(name), values[n % values.len()]));
        }
        for (section, body) in [("containers", "resource: img"), ("requires", "interface: i"), ("peers", "interface: p"),
            ("storage", "type: filesystem"), ("resources", "type: oci-image"), ("actions", "params: {p: {type: string}}")] {
            text.push_str(&format!("{section}:\n"));
            for name in &names {
                text.push_str(&format!("  {}:\n    {body}\n", quote(name)));
            }
        }
        generate(&[("charmcraft.yaml", text)])?;
    }
}

/// Deep nesting and huge inputs of one shape are refused quickly, not parsed slowly.
#[test]
fn pathological_shapes_fail_fast() {
    for text in [
        format!("name: x\nconfig: {}", "{a: ".repeat(100_000)),
        format!("name: x\nactions:\n{}", "  - ".repeat(50_000)),
        format!("name: x\ndescription: {}\n", "[".repeat(200_000)),
    ] {
        generate(&[("charmcraft.yaml", text)]).unwrap();
    }
}
