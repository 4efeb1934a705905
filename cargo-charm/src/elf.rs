//! What a built `dispatch` binary needs of the machine: the newest `GLIBC_x.y` symbol version
//! it asks for (none for a static binary).

use object::read::elf::{ElfFile64, FileHeader};
use object::{Endianness, Object};

use crate::Error;

/// What the binary needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    /// The newest glibc symbol version, `None` for a static binary or one without glibc.
    pub glibc: Option<(u32, u32)>,
    /// Whether it is a 64-bit little-endian x86-64 executable.
    pub x86_64: bool,
}

/// Reads an ELF executable.
///
/// # Errors
///
/// [`Error::Packed`] when it is not a 64-bit ELF file.
pub fn needs(data: &[u8]) -> Result<Needs, Error> {
    let file = ElfFile64::<Endianness>::parse(data)
        .map_err(|e| Error::Packed(format!("dispatch is not a 64-bit ELF executable ({e})")))?;
    let endian = file.endian();
    let sections = file
        .elf_header()
        .sections(endian, data)
        .map_err(|e| Error::Packed(format!("dispatch has an unreadable section table ({e})")))?;
    let unreadable = |e: object::Error| Error::Packed(format!("dispatch has unreadable version information ({e})"));
    let mut newest: Option<(u32, u32)> = None;
    // The version-needed entries: what the dynamic linker checks against the machine's libc.
    if let Some((mut needed, link)) = sections.gnu_verneed(endian, data).map_err(unreadable)? {
        let strings = sections.strings(endian, data, link).map_err(unreadable)?;
        while let Some((_, mut aux)) = needed.next().map_err(unreadable)? {
            while let Some(vernaux) = aux.next().map_err(unreadable)? {
                let name = vernaux.name(endian, strings).map_err(unreadable)?;
                let version =
                    name.strip_prefix(b"GLIBC_").and_then(|v| std::str::from_utf8(v).ok()).and_then(parse_version);
                newest = newest.max(version);
            }
        }
    }
    Ok(Needs { glibc: newest, x86_64: file.architecture() == object::Architecture::X86_64 })
}

fn parse_version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_test_binary() {
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let needs = needs(&me).unwrap();
        assert!(needs.x86_64 || std::env::consts::ARCH != "x86_64");
        let (major, minor) = needs.glibc.expect("a test binary links glibc dynamically");
        assert_eq!(major, 2);
        assert!((17..=50).contains(&minor), "{minor}");
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("2.34"), Some((2, 34)));
        assert_eq!(parse_version("2.2.5"), Some((2, 2)));
        assert_eq!(parse_version("PRIVATE"), None);
        assert!(needs(b"not an elf").is_err());
    }
}
