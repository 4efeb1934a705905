//! Reading YAML, and finding where in the text a value came from.
//!
//! serde_yaml is used here and nowhere else, so that moving to a maintained successor
//! is a one-file change. It gives line and column for syntax errors only; for errors
//! found later (an unknown option type, a default of the wrong type) [`Source::locate`]
//! finds the key in the text by its path.

use crate::Diagnostic;

pub use serde_yaml::{Mapping, Value};

/// One YAML file: its name for messages, its text, and the parsed value.
pub struct Source {
    /// The file name as diagnostics show it (`charmcraft.yaml`).
    pub name: String,
    text: String,
    /// The parsed document (`Null` for an empty file).
    pub value: Value,
}

impl Source {
    /// Parses `text`; a syntax error is one diagnostic at its line and column.
    pub fn parse(name: &str, text: String) -> Result<Source, Diagnostic> {
        match serde_yaml::from_str::<Value>(&text) {
            Ok(value) => Ok(Source { name: name.to_owned(), text, value }),
            Err(error) => {
                let (line, column) = error.location().map_or((1, 1), |l| (l.line(), l.column()));
                let message = error.to_string();
                // serde_yaml appends " at line L column C"; the position is already in front.
                let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
                Err(Diagnostic { file: name.to_owned(), line, column, message: format!("invalid YAML: {message}") })
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
        let mut stack: Vec<(usize, String)> = Vec::new();
        let mut best = (1, 1);
        let mut best_depth = 0;
        for (index, line) in self.text.lines().enumerate() {
            let Some((indent, key, value_column)) = key_of(line) else { continue };
            while stack.last().is_some_and(|(i, _)| *i >= indent) {
                stack.pop();
            }
            stack.push((indent, key));
            let depth = stack.len();
            if depth > path.len() || depth <= best_depth {
                continue;
            }
            if stack.iter().zip(path).all(|((_, k), p)| k == p) {
                best = (index + 1, if depth == path.len() { value_column } else { indent + 1 });
                best_depth = depth;
                if depth == path.len() {
                    break;
                }
            }
        }
        best
    }

    /// The fragment of text that defines the key at `path`: its line and the more
    /// indented lines below it. Used to show the YAML in generated rustdoc.
    pub fn fragment(&self, path: &[&str]) -> String {
        let (line, _) = self.locate(path);
        let lines: Vec<&str> = self.text.lines().collect();
        let Some(first) = lines.get(line - 1) else { return String::new() };
        let Some((indent, key, _)) = key_of(first) else { return String::new() };
        if path.last() != Some(&key.as_str()) {
            return String::new();
        }
        let mut out = vec![&first[indent..]];
        for next in &lines[line..] {
            let next_indent = next.len() - next.trim_start().len();
            if !next.trim().is_empty() && next_indent <= indent {
                break;
            }
            out.push(next.get(indent..).unwrap_or(next.trim_start()));
        }
        while out.last().is_some_and(|l| l.trim().is_empty()) {
            out.pop();
        }
        out.join("\n")
    }
}

/// A mapping key on this line: its indentation, the key, and the 1-based column of what
/// follows the colon (or of the key when nothing does).
fn key_of(line: &str) -> Option<(usize, String, usize)> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('-') {
        return None;
    }
    let indent = line.len() - trimmed.len();
    let (key, rest) = split_key(trimmed)?;
    let after = rest.len() - rest.trim_start().len();
    let value_column = if rest.trim().is_empty() || rest.trim_start().starts_with('#') {
        indent + 1
    } else {
        line.len() - rest.len() + after + 1
    };
    Some((indent, key, value_column))
}

fn split_key(text: &str) -> Option<(String, &str)> {
    if let Some(quote) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = text[1..].find(quote)? + 1;
        let rest = text[end + 1..].strip_prefix(':')?;
        return Some((text[1..end].to_owned(), rest));
    }
    let colon = text.find(": ").or_else(|| text.strip_suffix(':').map(|t| t.len()))?;
    Some((text[..colon].trim_end().to_owned(), &text[colon + 1..]))
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
}
