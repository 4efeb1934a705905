//! Reading YAML, and finding where in the text a value came from.
//!
//! serde_yaml is used here and nowhere else, so that moving to a maintained successor
//! is a one-file change. It gives line and column for syntax errors only; for errors
//! found later (an unknown option type, a default of the wrong type) [`Source::locate`]
//! finds the key in the text by its path, through an index built in one pass.
//!
//! Two things are checked before serde_yaml sees the text: a UTF-8 byte-order mark is
//! dropped (editors on Windows write one, and the YAML spec allows it), and flow nesting
//! (`[[[...`) is limited, because libyaml's cost grows with the square of the depth: 80,000
//! nested `[` take over a minute before it reports its own recursion limit.

mod depth;
mod index;
mod value;

use crate::Diagnostic;
use index::Index;

pub use value::{Mapping, Value};

/// The deepest flow nesting (`[` and `{`) accepted. Charm YAML needs a handful of levels
/// (a JSON schema written inline); serde_yaml itself gives up at 128.
pub const MAX_FLOW_DEPTH: usize = 64;

/// One YAML file: its name for messages, its text, and the parsed value.
pub struct Source {
    /// The file name as diagnostics show it (`charmcraft.yaml`).
    pub name: String,
    text: String,
    index: Index,
    /// The parsed document (`Null` for an empty file).
    pub value: Value,
}

impl Source {
    /// Parses `text`; a syntax error is one diagnostic at its line and column.
    pub fn parse(name: &str, mut text: String) -> Result<Source, Diagnostic> {
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let at = |line, column, message: String| Diagnostic { file: name.to_owned(), line, column, message };
        if let Err((line, column)) = depth::check(&text, MAX_FLOW_DEPTH) {
            return Err(at(
                line,
                column,
                format!(
                    "YAML nested more than {MAX_FLOW_DEPTH} levels deep in `[` and `{{`; charm metadata never needs that"
                ),
            ));
        }
        match serde_yaml::from_str::<Value>(&text) {
            Ok(value) => Ok(Source { name: name.to_owned(), index: Index::build(&text), text, value }),
            Err(error) => {
                let (line, column) = error.location().map_or((1, 1), |l| (l.line(), l.column()));
                let message = error.to_string();
                // serde_yaml appends " at line L column C"; the position is already in front.
                let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
                Err(at(line, column, format!("invalid YAML: {message}")))
            }
        }
    }

    /// A diagnostic at the value of `path` (`["config", "options", "port", "type"]`), or at
    /// the deepest part of the path found.
    pub fn error(&self, path: &[&str], message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.locate(path);
        Diagnostic { file: self.name.clone(), line, column, message: message.into() }
    }

    /// Where the key at `path` is: the position of its value if on the same line, else of
    /// the key. Block-style YAML (what charm authors write) is found exactly; anything
    /// else falls back to the deepest enclosing key found, then to 1:1.
    pub fn locate(&self, path: &[&str]) -> (usize, usize) {
        self.index.locate(path)
    }

    /// The fragment of text that defines the key at `path`: its line and the more
    /// indented lines below it. Used to show the YAML in generated rustdoc.
    pub fn fragment(&self, path: &[&str]) -> String {
        self.index.fragment(&self.text, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name: x\nconfig:\n  options:\n    port:\n      type: strng\n      default: 80\n    'log-level':\n      type: string\n";

    fn source() -> Source {
        Source::parse("charmcraft.yaml", TEXT.to_owned()).unwrap()
    }

    #[test]
    fn locates_values_by_path() {
        assert_eq!(source().locate(&["config", "options", "port", "type"]), (5, 13));
        assert_eq!(source().locate(&["config", "options", "log-level", "type"]), (8, 13));
        assert_eq!(source().locate(&["name"]), (1, 7));
    }

    #[test]
    fn falls_back_to_the_deepest_key_found() {
        assert_eq!(source().locate(&["config", "options", "port", "nope"]), (4, 5));
        assert_eq!(source().locate(&["absent"]), (1, 1));
    }

    #[test]
    fn fragments_are_the_key_and_its_body() {
        assert_eq!(source().fragment(&["config", "options", "port"]), "port:\n  type: strng\n  default: 80");
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = Source::parse("metadata.yaml", "name: [unclosed\n".to_owned()).err().unwrap();
        assert_eq!(err.file, "metadata.yaml");
        assert!(err.line >= 1 && err.message.starts_with("invalid YAML: "), "{err}");
    }

    #[test]
    fn a_byte_order_mark_is_not_a_second_document() {
        let source = Source::parse("metadata.yaml", "\u{feff}name: x\nsummary: y\n".to_owned()).unwrap();
        assert_eq!(source.value.get("name").and_then(Value::as_str), Some("x"));
        assert_eq!(source.locate(&["summary"]), (2, 10));
    }

    #[test]
    fn deep_flow_nesting_fails_fast_with_its_place() {
        let text = format!("name: x\nactions: {}", "[".repeat(160_000));
        let started = std::time::Instant::now();
        let err = Source::parse("charmcraft.yaml", text).err().unwrap();
        assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
        assert_eq!((err.line, err.column), (2, 10 + MAX_FLOW_DEPTH));
        assert!(err.message.contains("nested more than 64 levels"), "{err}");
    }
}
