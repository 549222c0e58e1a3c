//! Runs of lines that a page shares with the previous page of its site, byte for byte.
//!
//! Pages of one site repeat long runs of chrome (menus, feeds, footers) written exactly the same
//! way: in 3,000 OrangeSum pages, 82% of the non-blank lines belong to a run of two lines or more
//! that the previous page of the same site has too. What a line is cut into and what cleaning or
//! learning finds in each unit depend only on the line's bytes (and on the settings), so the
//! results of such a run are copied from the previous page instead of being worked out again:
//! finding the run costs a hash of its first line and a comparison of its bytes.
//!
//! A [`Page`] remembers the text of a page, its non-empty lines and, per line, the number of
//! results ("items": units, learned lines) made before it. A new page is recorded line by line
//! as it is split ([`Page::record`]) and becomes the remembered page at the end
//! ([`Page::finish`]).

use std::ops::Range;

use crate::index::{HashIndex, Hashed};
use crate::known::{edge_hash, load};

/// One non-empty line of a page.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LineRec {
    /// Byte offset of its first byte.
    start: usize,
    /// Chars before it.
    chars: usize,
    /// Items made before it.
    item: usize,
    /// [`line_hash`] of the line.
    hash: u64,
}

impl Hashed for LineRec {
    #[inline]
    fn hash64(&self) -> u64 {
        self.hash
    }
}

/// A page's text and lines, and the lines of the page being split.
#[derive(Clone, Debug, Default)]
pub(crate) struct Page {
    text: Vec<u8>,
    /// Its non-empty lines in order, then one more at the end of the text (`start` the text's
    /// length, `chars` its chars, `item` the number of items).
    lines: Vec<LineRec>,
    /// The lines by hash (the first line with a hash is found); empty before the first page.
    table: HashIndex,
    /// The lines of the page being split.
    new_lines: Vec<LineRec>,
    /// Tests: lines taken from runs so far.
    #[cfg(test)]
    pub(crate) replayed: usize,
}

/// A run found by [`Page::run`]: lines of the remembered page that the new page has at its
/// current line, byte for byte.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    /// The remembered page's lines of the run (indexes into its lines).
    lines: Range<usize>,
    /// The remembered page's items made for those lines.
    pub(crate) items: Range<usize>,
    /// Where the run starts in the remembered page and in the new one, in bytes and chars.
    old_start: usize,
    new_start: usize,
    old_chars: usize,
    new_chars: usize,
    /// Where the run ends in the new page (a line start or the end of the text), in bytes and
    /// chars.
    pub(crate) next: usize,
    pub(crate) next_chars: usize,
}

impl Run {
    /// What to add (with `wrapping_add`) to a byte offset and to a char offset of the
    /// remembered page inside the run to get the same offsets in the new page (see
    /// [`extend_shifted`]).
    #[inline]
    pub(crate) fn shifts(&self) -> (usize, usize) {
        (
            self.new_start.wrapping_sub(self.old_start),
            self.new_chars.wrapping_sub(self.old_chars),
        )
    }
}

/// The hash of the line `text[start..end]` (not empty).
#[inline]
pub(crate) fn line_hash(text: &[u8], start: usize, end: usize) -> u64 {
    edge_hash(text, start, end)
}

/// Appends a copy of `items` (results of a run, from the remembered page) to `to` and moves
/// each copy to its place in the new page with `shift` (wrapping additions of the run's
/// [`shifts`](Run::shifts)): copied whole, then shifted in place, in a loop simple enough for the
/// compiler.
#[inline(always)]
pub(crate) fn extend_shifted<T: Copy>(to: &mut Vec<T>, items: &[T], mut shift: impl FnMut(&mut T)) {
    let at = to.len();
    to.extend_from_slice(items);
    for x in &mut to[at..] {
        shift(x);
    }
}

/// The length of the longest common prefix of `a` and `b`.
pub(crate) fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 32 <= n {
        let (mut x, mut y) = ([0u8; 32], [0u8; 32]);
        x.copy_from_slice(&a[i..i + 32]);
        y.copy_from_slice(&b[i..i + 32]);
        if x != y {
            break;
        }
        i += 32;
    }
    while i + 8 <= n {
        let d = load(a, i) ^ load(b, i);
        if d != 0 {
            return i + (d.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

impl Page {
    /// Forgets the remembered page and the lines recorded.
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.lines.clear();
        self.table.clear();
        self.new_lines.clear();
    }

    /// Starts recording a new page.
    pub(crate) fn start(&mut self) {
        self.new_lines.clear();
    }

    /// Records the line `text[start..end]` of the new page (hash `hash`), with `chars` chars
    /// and `item` items before it.
    #[inline]
    pub(crate) fn record(&mut self, start: usize, chars: usize, item: usize, hash: u64) {
        self.new_lines.push(LineRec {
            start,
            chars,
            item,
            hash,
        });
    }

    /// The run of lines of the remembered page that `text` (the new page) has from its line
    /// `text[start..end]` (hash `hash`, `chars` chars before it) on, if the remembered page has
    /// that line, and if the run's items start at `min_item` or later.
    ///
    /// Most lines looked up are not in the remembered page: the look-up is inlined into the
    /// caller, the run is worked out by [`run_from`](Self::run_from).
    #[inline(always)]
    pub(crate) fn run(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        chars: usize,
        hash: u64,
        min_item: usize,
    ) -> Option<Run> {
        let first = self.table.get(&self.lines, hash)?;
        self.run_from(first, text, start, end, chars, min_item)
    }

    /// [`run`](Self::run) from the remembered page's line `first`, which has the new line's
    /// hash.
    #[inline(never)]
    fn run_from(
        &self,
        first: usize,
        text: &[u8],
        start: usize,
        end: usize,
        chars: usize,
        min_item: usize,
    ) -> Option<Run> {
        let line = self.lines[first];
        if line.item < min_item {
            return None;
        }
        let old = &self.text[line.start..];
        let new = &text[start..];
        let same = common_prefix(old, new);
        // The run ends after the last whole line both pages share: after a `\n`, or at the end
        // of both texts.
        let len = if same == old.len() && same == new.len() {
            same
        } else {
            let last_newline = memchr::memrchr(b'\n', &new[..same])?;
            if start + last_newline < end {
                return None; // not even the first line
            }
            last_newline + 1
        };
        let old_end = line.start + len;
        let mut stop = first + 1;
        while self.lines[stop].start < old_end {
            stop += 1;
        }
        // Only empty lines (one `\n` each) lie between the run's end and the next line.
        let after = self.lines[stop];
        let old_end_chars = after.chars - (after.start - old_end);
        let next_chars = old_end_chars - line.chars + chars;
        Some(Run {
            lines: first..stop,
            items: line.item..after.item,
            old_start: line.start,
            new_start: start,
            old_chars: line.chars,
            new_chars: chars,
            next: start + len,
            next_chars,
        })
    }

    /// Records the lines of `run` in the new page, whose items start at `item`.
    pub(crate) fn record_run(&mut self, run: &Run, item: usize) {
        #[cfg(test)]
        {
            self.replayed += run.lines.len();
        }
        let Page {
            lines, new_lines, ..
        } = self;
        let (bytes, chars) = run.shifts();
        let items = item.wrapping_sub(run.items.start);
        extend_shifted(new_lines, &lines[run.lines.clone()], |l| {
            l.start = l.start.wrapping_add(bytes);
            l.chars = l.chars.wrapping_add(chars);
            l.item = l.item.wrapping_add(items);
        });
    }

    /// Makes the new page (`text`, with `chars` chars and `items` items) the remembered one.
    pub(crate) fn finish(&mut self, text: &[u8], chars: usize, items: usize) {
        self.text.clear();
        self.text.extend_from_slice(text);
        std::mem::swap(&mut self.lines, &mut self.new_lines);
        self.new_lines.clear();
        self.lines.push(LineRec {
            start: text.len(),
            chars,
            item: items,
            hash: 0,
        });
        let n = self.lines.len() - 1;
        self.table.rebuild(&self.lines[..n], n);
    }

    /// Bytes held, to drop a page that grew very large.
    pub(crate) fn heavy(&self) -> bool {
        self.text.capacity() > 1 << 22 || self.lines.capacity() > 1 << 16
    }
}

/// Test pages made of picked lines (line `i` followed by its separator), by site: pages that share
/// runs of lines with the last page of their site, for the property tests of cleaning and learning.
#[cfg(test)]
pub(crate) fn pages_of_lines<'a>(
    lines: &[(String, &str)],
    pages: Vec<(Option<&'a str>, Vec<usize>)>,
) -> Vec<(Option<&'a str>, String)> {
    pages
        .into_iter()
        .map(|(site, picks)| {
            let text = picks
                .iter()
                .filter_map(|&i| lines.get(i))
                .map(|(l, s)| format!("{l}{s}"))
                .collect();
            (site, text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_agrees_with_bytes() {
        let a: Vec<u8> = (0..200u8).collect();
        for cut in [0, 1, 7, 8, 9, 31, 32, 33, 64, 100, 199] {
            let mut b = a.clone();
            b[cut] ^= 1;
            assert_eq!(common_prefix(&a, &b), cut);
            assert_eq!(common_prefix(&a[..cut], &b), cut);
            assert_eq!(common_prefix(&b[..cut + 1], &a[..cut + 1]), cut);
        }
        assert_eq!(common_prefix(&a, &a), 200);
        assert_eq!(common_prefix(&[], &a), 0);
    }

    /// Records `text`'s non-empty lines as `split_units` gives them, one item per line.
    fn remember(text: &str) -> Page {
        let mut page = Page::default();
        page.start();
        let mut item = 0;
        let chars = crate::text::split_units::<true>(text, &mut Default::default(), |piece| {
            if let crate::text::Piece::Line(s, e, c) = piece {
                page.record(s, c, item, line_hash(text.as_bytes(), s, e));
                item += 1;
            }
            None
        });
        assert_eq!(chars, text.chars().count());
        page.finish(text.as_bytes(), chars, item);
        page
    }

    #[test]
    fn runs_end_after_the_last_whole_line_both_pages_share() {
        let old = remember("Titre\nMenu\n\nUne\u{e9}\nDeux\nFin du texte");
        let new = "Autre titre é\nMenu\n\nUne\u{e9}\nDeux\nFin du text";
        let at = new.find("Menu").unwrap();
        let end = at + 4;
        let chars = new[..at].chars().count();
        let hash = line_hash(new.as_bytes(), at, end);
        let run = old.run(new.as_bytes(), at, end, chars, hash, 0).unwrap();
        // `Menu`, `Uneé` and `Deux` (items 1 to 3), up to the start of the last line.
        assert_eq!(run.items, 1..4);
        assert_eq!(run.next, new.find("Fin").unwrap());
        assert_eq!(run.next_chars, new[..run.next].chars().count());
        assert!(old.run(new.as_bytes(), at, end, chars, hash, 2).is_none());
        // The same texts to the end: the last line too.
        let same = "Autre\nMenu\n\nUne\u{e9}\nDeux\nFin du texte";
        let at = same.find("Menu").unwrap();
        let hash = line_hash(same.as_bytes(), at, at + 4);
        let run = old.run(same.as_bytes(), at, at + 4, 6, hash, 0).unwrap();
        assert_eq!((run.items, run.next), (1..5, same.len()));
        assert_eq!(run.next_chars, same.chars().count());
        // A line that only starts the same is no run.
        let short = "Menu!\nUne";
        let hash = line_hash(short.as_bytes(), 0, 4);
        assert!(old.run(short.as_bytes(), 0, 4, 0, hash, 0).is_none());
    }
}
