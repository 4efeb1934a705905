//! Juju storage attached to the unit (Python's `ops.Storage`), typed by storage name.

use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use crate::generated::StorageName;

/// One instance of storage `S`: `data/0`.
pub struct Storage<S: StorageName> {
    index: u32,
    location: PathBuf,
    _storage: PhantomData<S>,
}

impl<S: StorageName> Storage<S> {
    pub(crate) fn new(index: u32, location: PathBuf) -> Self {
        Storage { index, location, _storage: PhantomData }
    }

    /// The storage's name in the metadata.
    pub fn name(&self) -> &'static str {
        S::NAME
    }

    /// The instance's index: the `N` of `data/N`.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The instance's id as the hook tools take it: `data/0`.
    pub fn id(&self) -> String {
        format!("{}/{}", S::NAME, self.index)
    }

    /// Where the storage is mounted.
    pub fn location(&self) -> &Path {
        &self.location
    }
}

impl<S: StorageName> Clone for Storage<S> {
    fn clone(&self) -> Self {
        Storage::new(self.index, self.location.clone())
    }
}

impl<S: StorageName> std::fmt::Debug for Storage<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage").field("id", &self.id()).field("location", &self.location).finish()
    }
}
