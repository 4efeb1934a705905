//! Hashing for the generator's own maps.
//!
//! Build scripts run unoptimized, where std's SipHash over string keys costs a
//! noticeable share of a large charm's generate time. The keys here are YAML paths and
//! names from the charm's own files (no hostile peer chooses them), so FNV-1a is enough;
//! the YAML position index goes further and keys its map by the 64-bit hash of a path
//! itself, built up one segment at a time ([`Fnv::segment`]).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a, 64 bits.
#[derive(Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// The hash of a path one segment longer: `segment` after a separator.
    pub fn segment(self, segment: &str) -> Fnv {
        let mut next = self;
        next.write(&[0x1f]);
        next.write(segment.as_bytes());
        next
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = self.0;
        for byte in bytes {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    /// An already-hashed key (a path hash) is used as it is.
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`Fnv`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;
