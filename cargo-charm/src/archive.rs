//! The `.charm` file: a zip (deflate) with one entry per file, no directory entries, mode
//! bits kept (`dispatch` 0755), as charmcraft writes it.

use std::io::{Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;

use crate::Error;

/// One file of the charm.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its path in the charm.
    pub name: String,
    /// Its content.
    pub data: Vec<u8>,
    /// Its mode bits.
    pub mode: u32,
}

/// Writes `entries` to `path`.
///
/// # Errors
///
/// When the file cannot be written.
pub fn write(path: &Path, entries: &[Entry]) -> Result<(), Error> {
    let file = std::fs::File::create(path).map_err(Error::io(path))?;
    let mut zip = zip::ZipWriter::new(file);
    for entry in entries {
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(entry.mode);
        zip.start_file(entry.name.as_str(), options)?;
        zip.write_all(&entry.data).map_err(Error::io(path))?;
    }
    zip.finish()?;
    Ok(())
}

/// Reads every entry of a `.charm` back: names, modes and contents.
///
/// # Errors
///
/// When it is not a readable zip.
pub fn read(path: &Path) -> Result<Vec<Entry>, Error> {
    let file = std::fs::File::open(path).map_err(Error::io(path))?;
    let mut zip = zip::ZipArchive::new(file)?;
    let mut entries = Vec::new();
    for index in 0..zip.len() {
        let mut file = zip.by_index(index)?;
        let mut data = Vec::new();
        file.read_to_end(&mut data).map_err(Error::io(path))?;
        let name = file.name()?.into_owned();
        entries.push(Entry { name, data, mode: file.unix_mode().unwrap_or(0) & 0o7777 });
    }
    Ok(entries)
}

/// What a charm must have for Juju to run it: an executable `dispatch`, `metadata.yaml`,
/// `manifest.yaml`.
///
/// # Errors
///
/// [`Error::Packed`] naming what is missing.
pub fn check(entries: &[Entry]) -> Result<(), Error> {
    let find = |name: &str| entries.iter().find(|e| e.name == name);
    match find("dispatch") {
        None => return Err(Error::Packed("there is no `dispatch`".into())),
        Some(dispatch) if dispatch.mode & 0o111 == 0 => {
            return Err(Error::Packed(format!("`dispatch` is not executable (mode {:o})", dispatch.mode)));
        }
        Some(dispatch) if dispatch.data.is_empty() => return Err(Error::Packed("`dispatch` is empty".into())),
        Some(_) => {}
    }
    for name in ["metadata.yaml", "manifest.yaml"] {
        if find(name).is_none() {
            return Err(Error::Packed(format!("there is no `{name}`")));
        }
    }
    Ok(())
}
