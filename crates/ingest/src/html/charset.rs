//! The charset a page declares: `<meta charset="...">` or `<meta http-equiv="Content-Type"
//! content="text/html; charset=...">` in its first bytes (the HTML prescan, simplified).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252, X_USER_DEFINED};

/// How far the prescan looks, as browsers do.
const PRESCAN: usize = 4096;

/// The encoding declared in the first 4096 bytes of `bytes`, if any. UTF-16 declarations mean
/// UTF-8 and `x-user-defined` means windows-1252, as the HTML standard says.
pub(crate) fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN)];
    let mut pos = 0;
    while let Some(i) = find_ci(&head[pos..], b"<meta") {
        let start = pos + i + 5;
        let end = memchr::memchr(b'>', &head[start..]).map_or(head.len(), |j| start + j);
        if let Some(enc) = charset_in(&head[start..end]) {
            return Some(if enc == UTF_8 || enc.name().starts_with("UTF-16") {
                UTF_8
            } else if enc == X_USER_DEFINED {
                WINDOWS_1252
            } else {
                enc
            });
        }
        pos = end.max(start);
    }
    None
}

/// `charset` `=` label, inside the attributes of one meta tag.
fn charset_in(tag: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    while let Some(i) = find_ci(&tag[pos..], b"charset") {
        let mut j = pos + i + 7;
        pos = j;
        while tag.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if tag.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while tag
            .get(j)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'')
        {
            j += 1;
        }
        let label_end = tag[j..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || b"-_.:".contains(b)))
            .map_or(tag.len(), |k| j + k);
        if let Some(enc) = Encoding::for_label(&tag[j..label_end]) {
            return Some(enc);
        }
    }
    None
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_charset_and_http_equiv() {
        let d = |s: &str| declared(s.as_bytes()).map(|e| e.name());
        assert_eq!(d("<html><head><meta charset=\"UTF-8\">"), Some("UTF-8"));
        assert_eq!(d("<META CHARSET=iso-8859-1>"), Some("windows-1252"));
        assert_eq!(
            d("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">"),
            Some("windows-1252")
        );
        assert_eq!(
            d("<meta content='text/html;charset=ISO-8859-15' http-equiv=content-type>"),
            Some("ISO-8859-15")
        );
        assert_eq!(d("<meta charset=\"utf-16le\">"), Some("UTF-8"));
        assert_eq!(
            d("<meta name=description content=\"charset\"><p>charset=latin1"),
            None
        );
        assert_eq!(
            d("<meta charset=\"bogus\"><meta charset=latin1>"),
            Some("windows-1252")
        );
        let far = format!("{}<meta charset=latin1>", " ".repeat(5000));
        assert_eq!(d(&far), None);
        assert_eq!(d("<meta charset="), None);
        assert_eq!(d("<meta"), None);
    }
}
