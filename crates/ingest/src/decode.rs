//! Bytes → text: BOM sniffing, a strict UTF-8 fast path, UTF-16 without BOM, then detection.

use encoding_rs::{Encoding, ISO_8859_15, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use crate::error::{Error, ErrorKind};

/// How the encoding of a text was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum DecidedBy {
    /// A byte order mark at the start of the bytes.
    Bom,
    /// The bytes are valid UTF-8.
    Utf8Valid,
    /// A heuristic: the UTF-16 NUL-byte pattern, or chardetng's guess.
    Detected,
    /// The container (a JSON or CSV string) already gave text.
    Container,
    /// The charset an HTML page declares (`<meta charset>`, `http-equiv`), which the bytes agree with.
    Declared,
}

impl DecidedBy {
    /// `"bom"`, `"utf8_valid"`, `"detected"`, `"container"` or `"declared"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            DecidedBy::Bom => "bom",
            DecidedBy::Utf8Valid => "utf8_valid",
            DecidedBy::Detected => "detected",
            DecidedBy::Container => "container",
            DecidedBy::Declared => "declared",
        }
    }
}

/// Decoded text, with the encoding used and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text (invalid sequences become U+FFFD; the BOM is removed).
    pub text: String,
    /// The encoding_rs name of the encoding, e.g. `"UTF-8"`, `"windows-1252"`, `"UTF-16LE"`.
    pub encoding: &'static str,
    /// How the encoding was decided.
    pub decided_by: DecidedBy,
}

const DETECT_SAMPLE: usize = 64 * 1024;

/// Decodes `bytes`; `tld` hints chardetng (e.g. `Some(b"fr")`).
pub(crate) fn decode(bytes: &[u8], tld: Option<&[u8]>) -> Result<Decoded, Error> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(done(text.into_owned(), enc, DecidedBy::Bom));
    }
    let head = &bytes[..bytes.len().min(8192)];
    match std::str::from_utf8(bytes) {
        Ok(text) if !looks_binary(head) => {
            return Ok(done(text.to_string(), UTF_8, DecidedBy::Utf8Valid))
        }
        // Valid except a sequence cut at the very end (a truncated file).
        Err(e) if e.error_len().is_none() && !looks_binary(head) && e.valid_up_to() > 0 => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            return Ok(done(text, UTF_8, DecidedBy::Detected));
        }
        _ => {}
    }
    if let Some(enc) = utf16_without_bom(head) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return Ok(done(text.into_owned(), enc, DecidedBy::Detected));
    }
    if looks_binary(head) {
        return Err(Error::new(ErrorKind::Binary));
    }
    if mostly_utf8(bytes) {
        let text = String::from_utf8_lossy(bytes).into_owned();
        return Ok(done(text, UTF_8, DecidedBy::Detected));
    }
    // chardetng is slow (a few MB/s); the first 64 KiB tell the encoding of a news article.
    let mut detector = chardetng::EncodingDetector::new();
    let sample = &bytes[..bytes.len().min(DETECT_SAMPLE)];
    detector.feed(sample, sample.len() == bytes.len());
    let mut enc = detector.guess(tld, true);
    if enc == WINDOWS_1252 && prefers_iso_8859_15(bytes) {
        enc = ISO_8859_15;
    }
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Ok(done(text.into_owned(), enc, DecidedBy::Detected))
}

/// Decodes an HTML page: a BOM first, then the charset the page declares when the bytes agree with
/// it (valid UTF-8 for UTF-8; for a legacy encoding, no malformed sequence and not valid non-ASCII
/// UTF-8), else [`decode`].
pub(crate) fn decode_html(bytes: &[u8], tld: Option<&[u8]>) -> Result<Decoded, Error> {
    if Encoding::for_bom(bytes).is_some() {
        return decode(bytes, tld);
    }
    let Some(enc) = crate::html::charset::declared(bytes) else {
        return decode(bytes, tld);
    };
    let head = &bytes[..bytes.len().min(8192)];
    if looks_binary(head) {
        return Err(Error::new(ErrorKind::Binary));
    }
    if enc == UTF_8 {
        return match std::str::from_utf8(bytes) {
            Ok(text) => Ok(done(text.to_string(), UTF_8, DecidedBy::Declared)),
            Err(_) => decode(bytes, tld),
        };
    }
    if !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
        return decode(bytes, tld); // declared legacy, but the bytes are UTF-8: the page lies
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        return decode(bytes, tld);
    }
    Ok(done(text.into_owned(), enc, DecidedBy::Declared))
}

fn done(text: String, enc: &'static Encoding, decided_by: DecidedBy) -> Decoded {
    Decoded {
        text,
        encoding: enc.name(),
        decided_by,
    }
}

/// UTF-8 with a few stray bytes: at least twice as many valid multi-byte characters as invalid bytes.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multi, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multi += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    multi >= 2 * invalid
}

/// NUL bytes, or more than 10% control bytes other than whitespace and ESC.
fn looks_binary(head: &[u8]) -> bool {
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
        .count();
    controls * 10 > head.len()
}

/// UTF-16 text of mostly ASCII characters has a NUL in every other byte.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    if odd * 10 >= pairs * 4 && even * 20 <= pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 4 && odd * 20 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Whether bytes that chardetng called windows-1252 read better as ISO-8859-15 (`€` at 0xA4,
/// `œ` at 0xBD): no byte in 0x80..=0x9F (where windows-1252 puts its own `€`, `œ`, quotes) and
/// some 0xA4 next to a digit or 0xBC/0xBD between letters.
fn prefers_iso_8859_15(bytes: &[u8]) -> bool {
    if bytes.iter().any(|&b| (0x80..=0x9F).contains(&b)) {
        return false;
    }
    let letter = |b: u8| b.is_ascii_alphabetic() || b >= 0xC0;
    let mut score = 0i32;
    for (i, &b) in bytes.iter().enumerate() {
        let prev = if i > 0 { bytes[i - 1] } else { b' ' };
        let next = bytes.get(i + 1).copied().unwrap_or(b' ');
        match b {
            0xA4 if prev.is_ascii_digit()
                || next.is_ascii_digit()
                || (prev == b' ' && matches!(next, b' ' | b'.' | b',')) =>
            {
                score += 1
            }
            0xBC | 0xBD if letter(prev) && letter(next) => score += 1,
            0xBC | 0xBD | 0xA4 => score -= 1,
            _ => {}
        }
    }
    score > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const FR: &str = "L'été où l'Otan a « réaffirmé » son unité: 10 € par cœur, Ærø, naïf.";

    fn latin1(s: &str) -> Vec<u8> {
        s.chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect()
    }

    #[test]
    fn utf8_valid_fast_path() {
        let d = decode(FR.as_bytes(), None).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.decided_by),
            (FR, "UTF-8", DecidedBy::Utf8Valid)
        );
    }

    #[test]
    fn boms() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(FR.as_bytes());
        let d = decode(&b, None).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.decided_by),
            (FR, "UTF-8", DecidedBy::Bom)
        );
        for (bom, le, name) in [
            ([0xFF, 0xFE], true, "UTF-16LE"),
            ([0xFE, 0xFF], false, "UTF-16BE"),
        ] {
            let mut b = bom.to_vec();
            for u in FR.encode_utf16() {
                b.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            let d = decode(&b, None).unwrap();
            assert_eq!(
                (d.text.as_str(), d.encoding, d.decided_by),
                (FR, name, DecidedBy::Bom)
            );
        }
    }

    #[test]
    fn utf16_without_bom_both_orders() {
        for (le, name) in [(true, "UTF-16LE"), (false, "UTF-16BE")] {
            let mut b = Vec::new();
            for u in FR.encode_utf16() {
                b.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            let d = decode(&b, None).unwrap();
            assert_eq!(
                (d.text.as_str(), d.encoding, d.decided_by),
                (FR, name, DecidedBy::Detected)
            );
        }
    }

    #[test]
    fn windows_1252_and_latin1_and_iso_8859_15() {
        let text = "Les ministres ont « réaffirmé » leur unité l’été dernier à Bruxelles — 10 €.";
        let (b, _, _) = WINDOWS_1252.encode(text);
        let d = decode(&b, Some(b"fr")).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.decided_by),
            (text, "windows-1252", DecidedBy::Detected)
        );

        // ISO-8859-1 is decoded as its superset windows-1252 (WHATWG).
        let text =
            "Les ministres ont « réaffirmé » leur unité cet été à Bruxelles, où il fait 3°C.";
        let d = decode(&latin1(text), Some(b"fr")).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, "windows-1252"));

        let text =
            "Le prix du cœur de bœuf a atteint 12 € le kilo cet été à Paris, soit 2 € de plus.";
        let (b, _, _) = ISO_8859_15.encode(text);
        assert!(b.contains(&0xA4) && b.contains(&0xBD));
        let d = decode(&b, Some(b"fr")).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, "ISO-8859-15"));
    }

    #[test]
    fn binary_and_truncated_utf8() {
        let bin = [
            0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 3, 0, 0x3E, 0,
        ];
        assert_eq!(decode(&bin, None).unwrap_err().kind().as_str(), "binary");
        let mut b = "déjà vu ".as_bytes().to_vec();
        b.extend_from_slice(&[0xC3]);
        let d = decode(&b, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("déjà vu \u{FFFD}", "UTF-8"));
        let d = decode(
            b"Le caf\xC3\xA9 \xE9tait tr\xC3\xA8s r\xC3\xA9put\xC3\xA9",
            None,
        )
        .unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("Le café \u{FFFD}tait très réputé", "UTF-8")
        );
    }
}
