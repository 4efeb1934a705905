//! Where each mapping key of a YAML text is, found in one pass.
//!
//! serde_yaml does not report positions for values, so diagnostics found after parsing
//! locate their key by path (`config` → `options` → `port` → `type`) in this index. It is
//! built once per file from the block-style structure (indentation), which is what charm
//! authors write; keys inside flow collections (`{a: 1}`) and sequence items are not
//! indexed, and a lookup for them falls back to the deepest enclosing key found.
//!
//! Building and every lookup are linear in what they touch, so a charm with 10,000
//! options costs 10,000 steps, not 10,000 rescans of the text.

use std::hash::Hasher;

use crate::hash::{FastMap, Fnv};

/// One indexed key: its 1-based line, the 1-based column of its value (or of the key when
/// the value is on later lines), and its indentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    line: usize,
    value_column: usize,
    indent: usize,
}

/// Key paths to positions, and the byte offset where each line starts.
///
/// A path is keyed by its 64-bit hash, built a segment at a time as the scan goes down
/// the indentation; two paths of one charm sharing a hash is a 1-in-2^64 chance, and
/// would only misplace a diagnostic.
pub struct Index {
    keys: FastMap<u64, Entry>,
    line_starts: Vec<usize>,
}

impl Index {
    /// Indexes every block-style mapping key of `text`.
    pub fn build(text: &str) -> Index {
        let lines = text.split('\n').count();
        let mut keys = FastMap::with_capacity_and_hasher(lines, Default::default());
        let mut line_starts = Vec::with_capacity(lines);
        // The open keys above the current line: (indentation, hash of the path to it).
        let mut stack: Vec<(usize, Fnv)> = Vec::new();
        let mut offset = 0;
        for (number, line) in text.split('\n').enumerate() {
            line_starts.push(offset);
            offset += line.len() + 1;
            let Some((indent, key, value_column)) = key_of(line.strip_suffix('\r').unwrap_or(line)) else {
                continue;
            };
            while stack.last().is_some_and(|(open, _)| *open >= indent) {
                stack.pop();
            }
            let path = stack.last().map_or(Fnv::default(), |(_, parent)| *parent).segment(key);
            stack.push((indent, path));
            keys.entry(path.finish()).or_insert(Entry { line: number + 1, value_column, indent });
        }
        Index { keys, line_starts }
    }

    fn entry(&self, path: &[&str]) -> Option<Entry> {
        let hash = path.iter().fold(Fnv::default(), |hash, segment| hash.segment(segment));
        self.keys.get(&hash.finish()).copied()
    }

    /// The position of the value at `path`, or of the deepest enclosing key found, or 1:1.
    pub fn locate(&self, path: &[&str]) -> (usize, usize) {
        if let Some(entry) = self.entry(path) {
            return (entry.line, entry.value_column);
        }
        (1..path.len())
            .rev()
            .find_map(|depth| self.entry(&path[..depth]))
            .map_or((1, 1), |entry| (entry.line, entry.indent + 1))
    }

    /// The key at `path` and the more indented lines below it, de-indented; empty when
    /// the key is not indexed (flow style).
    pub fn fragment(&self, text: &str, path: &[&str]) -> String {
        let Some(entry) = self.entry(path) else { return String::new() };
        let Some(&start) = self.line_starts.get(entry.line - 1) else { return String::new() };
        let mut out = String::new();
        // The key's line, then each following line that is blank or more indented.
        let mut pending_blank = 0;
        for (n, line) in text[start..].split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let indent = leading_spaces(line);
            if n > 0 && indent == line.len() {
                pending_blank += 1;
                continue;
            }
            if n > 0 && indent <= entry.indent {
                break;
            }
            for _ in 0..pending_blank {
                out.push('\n');
            }
            pending_blank = 0;
            if n > 0 {
                out.push('\n');
            }
            out.push_str(line.get(entry.indent..).unwrap_or(line.trim_start()));
        }
        out
    }
}

/// A mapping key on this line: its indentation, the key, and the 1-based column of what
/// follows the colon (or of the key when nothing does). Works on bytes: `:`, `#`, quotes
/// and spaces are ASCII, and never part of a multi-byte character.
fn key_of(line: &str) -> Option<(usize, &str, usize)> {
    let bytes = line.as_bytes();
    let indent = leading_spaces(line);
    match bytes.get(indent) {
        None | Some(b'#' | b'-' | b'\t') => return None,
        Some(_) => {}
    }
    let (key, after_colon) = split_key(line, indent)?;
    let rest = &bytes[after_colon..];
    let spaces = rest.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
    let value_column = match rest.get(spaces) {
        None | Some(b'#') => indent + 1,
        Some(_) => columns(&line[..after_colon + spaces]) + 1,
    };
    Some((indent, key, value_column))
}

/// The key starting at byte `start`, and the byte offset just past its colon.
fn split_key(line: &str, start: usize) -> Option<(&str, usize)> {
    let bytes = line.as_bytes();
    let first = bytes[start];
    if first == b'"' || first == b'\'' {
        let end = start + 1 + bytes[start + 1..].iter().position(|b| *b == first)?;
        return (bytes.get(end + 1) == Some(&b':')).then(|| (&line[start + 1..end], end + 2));
    }
    // The first `:` followed by a space or the end of the line.
    let mut at = start;
    while at < bytes.len() {
        if bytes[at] == b':' && bytes.get(at + 1).is_none_or(|b| *b == b' ') {
            return Some((line[start..at].trim_end(), at + 1));
        }
        at += 1;
    }
    None
}

/// The number of spaces a line starts with (a plain loop: build scripts run unoptimized,
/// and this runs for every line of every file).
pub fn leading_spaces(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut n = 0;
    while n < bytes.len() && bytes[n] == b' ' {
        n += 1;
    }
    n
}

/// Characters in `text` (bytes, when it is ASCII).
fn columns(text: &str) -> usize {
    if text.is_ascii() { text.len() } else { text.chars().count() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_keys_and_siblings() {
        let text = "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n";
        let index = Index::build(text);
        assert_eq!(index.locate(&["a", "b", "c"]), (3, 8));
        assert_eq!(index.locate(&["a", "d"]), (4, 6));
        assert_eq!(index.locate(&["e"]), (5, 4));
        assert_eq!(index.locate(&["a", "b", "zz"]), (2, 3));
        assert_eq!(index.fragment(text, &["a", "b"]), "b:\n  c: 1");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let index = Index::build("description: é\nname: x\n\"q:k\": v\n");
        assert_eq!(index.locate(&["name"]), (2, 7));
        assert_eq!(index.locate(&["q:k"]), (3, 8));
    }

    #[test]
    fn windows_line_endings() {
        let text = "a:\r\n  b: 1\r\n";
        let index = Index::build(text);
        assert_eq!(index.locate(&["a", "b"]), (2, 6));
        assert_eq!(index.fragment(text, &["a"]), "a:\n  b: 1");
    }

    #[test]
    fn the_first_of_a_repeated_path_wins() {
        let index = Index::build("a:\n  b: 1\nc:\n  b: 2\na:\n  b: 3\n");
        assert_eq!(index.locate(&["a", "b"]), (2, 6));
        assert_eq!(index.locate(&["c", "b"]), (4, 6));
    }
}
