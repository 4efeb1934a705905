//! A linear pre-scan that refuses deep flow nesting before libyaml sees it.
//!
//! libyaml (under serde_yaml) spends time quadratic in the depth of `[`/`{` nesting before
//! it reports its own recursion limit, so 160 KB of `[` would hold a build for minutes.
//! This scan follows just enough of YAML's lexical rules to count flow depth: quoted
//! scalars, comments, block scalars (`|`, `>`), and the places where a flow collection
//! can start in block context (a node's first character: after indentation, `- `, `? `
//! or `: `). A `[` inside a plain scalar (`description: see [1]`) is text, not nesting.
//! It only ever refuses text that is nested too deep; everything else is serde_yaml's to judge.

/// `Err((line, column))` of the first `[`/`{` that goes deeper than `limit`.
pub fn check(text: &str, limit: usize) -> Result<(), (usize, usize)> {
    // Text with no more openers than the limit cannot nest deeper (the common case, and
    // a cheap count).
    // One character per search: a single-character split finds it with memchr.
    if text.split('[').count() + text.split('{').count() - 2 <= limit {
        return Ok(());
    }
    let mut scan = Scan { depth: 0, quote: None, block_scalar: None, limit };
    for (number, line) in text.split('\n').enumerate() {
        scan.line(line.strip_suffix('\r').unwrap_or(line)).map_err(|column| (number + 1, column))?;
    }
    Ok(())
}

struct Scan {
    /// Open flow collections.
    depth: usize,
    /// The quote of a quoted scalar that continues on the next line.
    quote: Option<u8>,
    /// The indentation of the line that started a block scalar: its content is every
    /// following line that is blank or more indented.
    block_scalar: Option<usize>,
    limit: usize,
}

impl Scan {
    /// Scans one line; `Err(column)` (1-based, in characters) where the limit is passed.
    ///
    /// Works on bytes: every character that matters is ASCII, and the bytes of a multi-byte
    /// UTF-8 character are never ASCII.
    fn line(&mut self, line: &str) -> Result<(), usize> {
        let bytes = line.as_bytes();
        let indent = super::index::leading_spaces(line);
        if let Some(parent) = self.block_scalar {
            if line.trim().is_empty() || indent > parent {
                return Ok(());
            }
            self.block_scalar = None;
        }
        // In block context, a flow collection can only start where a node starts.
        let mut node_start = self.quote.is_none();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if let Some(quote) = self.quote {
                if c == quote && quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                if c == b'\\' && quote == b'"' {
                    i += 2;
                    continue;
                }
                if c == quote {
                    self.quote = None;
                }
                i += 1;
                continue;
            }
            let after_space = i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t';
            let separated = bytes.get(i + 1).is_none_or(|n| *n == b' ' || *n == b'\t');
            match c {
                b' ' | b'\t' => {}
                b'#' if after_space => break,
                b'"' | b'\'' if node_start => {
                    self.quote = Some(c);
                    node_start = false;
                }
                b'[' | b'{' if node_start => {
                    self.depth += 1;
                    if self.depth > self.limit {
                        return Err(line[..i].chars().count() + 1);
                    }
                }
                b']' | b'}' if self.depth > 0 => {
                    self.depth -= 1;
                    node_start = false;
                }
                b',' if self.depth > 0 => node_start = true,
                b'-' | b'?' | b':' if separated || (self.depth > 0 && c == b':') => node_start = true,
                b'|' | b'>' if self.depth == 0 && node_start && is_block_scalar_header(&line[i + 1..]) => {
                    self.block_scalar = Some(indent);
                    return Ok(());
                }
                _ => node_start = false,
            }
            i += 1;
        }
        Ok(())
    }
}

/// Whether what follows `|` or `>` is a block scalar header: chomping and indentation
/// indicators, then nothing but an optional comment.
fn is_block_scalar_header(rest: &str) -> bool {
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let (header, trailing) = rest.split_at(end);
    header.chars().all(|c| c == '+' || c == '-' || c.is_ascii_digit())
        && (trailing.trim().is_empty() || trailing.trim_start().starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_flow_nesting() {
        assert_eq!(check("a: [[[1]]]\n", 3), Ok(()));
        assert_eq!(check("a: [[[[1]]]]\n", 3), Err((1, 7)));
        assert_eq!(check("a:\n  - {b: [c, {d: 1}]}\n", 3), Ok(()));
        assert_eq!(check("a:\n  - {b: [c, {d: [1]}]}\n", 3), Err((2, 17)));
    }

    #[test]
    fn brackets_in_text_are_not_nesting() {
        let text =
            "description: see [1] and [[2\nsummary: 'it''s [[[['\nnote: \"a [[[[ \\\" [[[[\"\n# [[[[[[\nb: x # [[[[\n";
        assert_eq!(check(text, 1), Ok(()));
    }

    #[test]
    fn block_scalars_are_text() {
        let text = "description: |\n  [[[[[[[[\n  {{{{{{{{\n\n  more\nname: [x]\n";
        assert_eq!(check(text, 1), Ok(()));
        assert_eq!(check("d: >-\n  [[[[\nn: [[x]]\n", 1), Err((3, 5)));
    }

    #[test]
    fn quoted_scalars_may_span_lines() {
        assert_eq!(check("a: \"x\n  [[[[ y\"\nb: [[1]]\n", 2), Ok(()));
    }

    #[test]
    fn flow_collections_may_span_lines() {
        assert_eq!(check("a: [\n  [\n   [1]]]\n", 2), Err((3, 4)));
    }
}
