//! An open-addressing index of entries by a 64-bit hash, the entries kept apart in a dense
//! vector: the lines of a site counted by the learner (`learn.rs`) and the lines of the page
//! remembered for runs (`replay.rs`). The hashes are xxh3 or edge hashes, well mixed already, so
//! a probe starts at their low bits.

/// An entry that a [`HashIndex`] finds by its hash.
pub(crate) trait Hashed {
    /// The entry's hash.
    fn hash64(&self) -> u64;
}

/// What [`HashIndex::probe`] finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Probe {
    /// The index in the entries of the first entry indexed with the hash.
    Found(usize),
    /// The free slot where an entry with the hash goes ([`HashIndex::put`]).
    Free(usize),
}

/// Slots holding 1 + the index of an entry (0 for a free slot), probed linearly from the low
/// bits of the hash and at most half full. A look-up is a few instructions and one comparison
/// of a stored hash per slot probed.
#[derive(Clone, Debug, Default)]
pub(crate) struct HashIndex {
    /// Empty, or a power of two (16 or more) at least twice as long as the entries indexed.
    slots: Vec<u32>,
}

impl HashIndex {
    /// Where the first entry with the hash `h` is among `entries` (the indexed ones come first),
    /// or the free slot where it would go. The index must not be empty.
    #[inline(always)]
    pub(crate) fn probe<T: Hashed>(&self, entries: &[T], h: u64) -> Probe {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            match self.slots[i] as usize {
                0 => return Probe::Free(i),
                k if entries[k - 1].hash64() == h => return Probe::Found(k - 1),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// The index in `entries` of the first entry with the hash `h`, if there is one.
    #[inline]
    pub(crate) fn get<T: Hashed>(&self, entries: &[T], h: u64) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        match self.probe(entries, h) {
            Probe::Found(k) => Some(k),
            Probe::Free(_) => None,
        }
    }

    /// Places entry `k` in the free `slot` that [`probe`](Self::probe) gave for its hash.
    #[inline]
    pub(crate) fn put(&mut self, slot: usize, k: usize) {
        self.slots[slot] = u32::try_from(k + 1).expect("fewer than 2^32 entries");
    }

    /// Whether `n` entries fit with the index at most half full.
    #[inline]
    pub(crate) fn fits(&self, n: usize) -> bool {
        2 * n <= self.slots.len()
    }

    /// Indexes `entries` again, with room for `room` entries (at least `entries.len()`): the
    /// first entry with a hash is the one found.
    pub(crate) fn rebuild<T: Hashed>(&mut self, entries: &[T], room: usize) {
        let size = (2 * room).next_power_of_two().max(16);
        self.slots.clear();
        self.slots.resize(size, 0);
        for (k, e) in entries.iter().enumerate() {
            if let Probe::Free(i) = self.probe(entries, e.hash64()) {
                self.put(i, k);
            }
        }
    }

    /// Forgets every entry.
    pub(crate) fn clear(&mut self) {
        self.slots.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Hashed for u64 {
        fn hash64(&self) -> u64 {
            *self
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Rebuilt on hashes that share their low bits (long probes, wrapping around the end),
        /// with repeats: every hash is found at its first entry, and no other hash is found.
        #[test]
        fn rebuilt_indexes_find_the_first_entry_of_each_hash(
            hashes in proptest::collection::vec((0u64..40, 0u64..4), 0..100),
            room in 0usize..200,
        ) {
            let entries: Vec<u64> = hashes.iter().map(|&(low, high)| high << 40 | low << 4 | 15).collect();
            let mut index = HashIndex::default();
            proptest::prop_assert_eq!(index.get(&entries, 15), None);
            index.rebuild(&entries, room.max(entries.len()));
            proptest::prop_assert!(index.fits(entries.len()));
            for &h in &entries {
                let first = entries.iter().position(|&e| e == h);
                proptest::prop_assert_eq!(index.get(&entries, h), first);
            }
            for absent in [0, 14, 41 << 4 | 15, 7 << 40 | 15] {
                proptest::prop_assert_eq!(index.get(&entries, absent), None);
            }
        }
    }
}
