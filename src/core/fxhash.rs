//! A fast, non-cryptographic hasher for the cache's maps (rustc's FxHash). The L1 map
//! is looked up on every cache hit, where SipHash's per-lookup cost showed in profiles.
//! Keys are query hashes the app itself builds, so flooding resistance is not needed.

use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
/// The Fx hash (rustc's): fast and small for short string keys; not DoS-resistant, which is fine for keys the app makes.
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Words assembled from indexed bytes, not copied into a buffer: the compiler makes
        // each one a single 8-byte load (`copy_from_slice` stayed a call per word in the
        // size-optimized .wasm, and hashing showed in the observers' profile).
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The tail's length goes in the free top byte: "a" and "a\0" differ.
            let mut w = (rest.len() as u64) << 56;
            for (i, &b) in rest.iter().enumerate() {
                w |= u64::from(b) << (8 * i);
            }
            self.add(w);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// `HashMap<K, V, FxBuild>`.
pub type FxBuild = BuildHasherDefault<FxHasher>;

/// A map hashed with [`FxHasher`]. Every map of the library is one: each other hasher would
/// be code of its own in the `.wasm` (SipHash and its random keys).
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, FxBuild>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::hash::BuildHasher;

    #[test]
    fn a_map_with_it_finds_what_it_holds_and_spreads_similar_keys() {
        let mut m: HashMap<String, usize, FxBuild> = HashMap::default();
        for i in 0..10_000 {
            m.insert(format!(r#"["user",{i},{{"include":"posts"}}]"#), i);
        }
        for i in 0..10_000 {
            assert_eq!(
                m.get(&format!(r#"["user",{i},{{"include":"posts"}}]"#)),
                Some(&i)
            );
        }
        assert_eq!(m.get(r#"["user",10000,{"include":"posts"}]"#), None);
        let hash = |s: &str| FxBuild::default().hash_one(s);
        assert_ne!(hash("ab"), hash("ba"));
        assert_ne!(hash("[1]"), hash("[1]\0"), "zero padding cannot collide");
    }
}
