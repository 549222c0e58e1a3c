//! HTML character references: named (`&eacute;`, `&nbsp;`, `&rsquo;`), decimal (`&#233;`) and hex
//! (`&#xE9;`). Only references closed by `;` are decoded; unknown names are left alone.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The HTML5 list, compiled in: `name<TAB>hex code points`.
const ENTITIES_TSV: &str = include_str!("../../data/html_entities.tsv");

/// The longest name in the HTML5 list is 31 characters.
const MAX_NAME: usize = 32;

fn table() -> &'static HashMap<&'static str, String> {
    static TABLE: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    TABLE.get_or_init(|| {
        ENTITIES_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| {
                let (name, cps) = l.split_once('\t')?;
                let value = cps
                    .split(' ')
                    .map(|h| u32::from_str_radix(h, 16).ok().and_then(char::from_u32))
                    .collect::<Option<String>>()?;
                Some((name, value))
            })
            .collect()
    })
}

/// Numeric references in 0x80..=0x9F mean windows-1252 characters (HTML spec).
fn numeric(n: u32) -> Option<char> {
    if (0x80..=0x9F).contains(&n) {
        let b = u8::try_from(n).ok()?;
        let bytes = [b];
        let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
        return s.chars().next().filter(|c| !c.is_control());
    }
    match n {
        0 => None,
        _ => char::from_u32(n),
    }
}

/// Decodes the reference starting at `s[0] == '&'`: (replacement, bytes consumed).
fn reference(s: &str) -> Option<(Cow<'static, str>, usize)> {
    let body = &s[1..];
    let semi = body
        .as_bytes()
        .iter()
        .take(MAX_NAME + 1)
        .position(|&b| b == b';')?;
    let name = &body[..semi];
    let consumed = semi + 2;
    if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) if !hex.is_empty() && hex.len() <= 6 => u32::from_str_radix(hex, 16).ok()?,
            None if !num.is_empty() && num.len() <= 7 => num.parse::<u32>().ok()?,
            _ => return None,
        };
        let c = numeric(n)?;
        return Some((Cow::Owned(c.to_string()), consumed));
    }
    let value = table().get(name)?;
    Some((Cow::Borrowed(value.as_str()), consumed))
}

/// Decodes references; returns the text and how many were decoded.
pub(crate) fn decode(s: &str) -> (Cow<'_, str>, u32) {
    let bytes = s.as_bytes();
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut pos = 0;
    let mut count = 0;
    while let Some(off) = memchr::memchr(b'&', &bytes[pos..]) {
        let i = pos + off;
        pos = i + 1;
        if let Some((value, len)) = reference(&s[i..]) {
            let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
            o.push_str(&s[last..i]);
            o.push_str(&value);
            last = i + len;
            pos = last;
            count += 1;
        }
    }
    match out {
        None => (Cow::Borrowed(s), 0),
        Some(mut o) => {
            o.push_str(&s[last..]);
            (Cow::Owned(o), count)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_decimal_hex() {
        let (t, n) = decode("l&rsquo;&eacute;t&eacute;&nbsp;: &#233;&#xE9;&#X2019; &#146; &amp;");
        assert_eq!((t.as_ref(), n), ("l’été\u{A0}: éé’ ’ &", 9));
    }

    #[test]
    fn leaves_non_references_alone() {
        for s in [
            "AT&T",
            "a & b",
            "&unknown;",
            "&#;",
            "&#x;",
            "&#0;",
            "&#99999999;",
            "&eacute",
            "&",
            "x&#xD800;",
        ] {
            let (t, n) = decode(s);
            assert_eq!((t.as_ref(), n), (s, 0));
            assert!(matches!(t, Cow::Borrowed(_)));
        }
    }
}
