//! Percent-encoding of URL path segments and query values.
//!
//! Matrix identifiers carry `!`, `$`, `@`, `:`, `/` and `+`; an event id with a `/`
//! left raw would split the path. Every segment that comes from data goes through
//! [`segment`], so no caller can forget.

/// Characters left as they are: RFC 3986 "unreserved". Everything else is encoded.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes one path segment or query value (UTF-8, upper-case hex).
pub fn segment(raw: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(raw.len());
    for &byte in raw.as_bytes() {
        if is_unreserved(byte) {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0xF)] as char);
        }
    }
    out
}

/// Joins fixed path parts and data segments into an absolute path.
///
/// `fixed` parts are written as they are (they are constants in this crate);
/// use [`Part::Data`] for anything that came from a user or a server.
pub fn build(parts: &[Part<'_>]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push('/');
        match part {
            Part::Fixed(text) => out.push_str(text),
            Part::Data(text) => out.push_str(&segment(text)),
        }
    }
    out
}

/// One piece of a request path.
#[derive(Clone, Copy, Debug)]
pub enum Part<'a> {
    /// A constant such as `_synapse/admin/v1`: written as is.
    Fixed(&'a str),
    /// An identifier or other data: percent-encoded.
    Data(&'a str),
}

/// Appends `?k=v&…` with every value encoded; pairs with `None` are left out.
pub fn with_query(path: String, query: &[(&str, Option<String>)]) -> String {
    let mut out = path;
    let mut first = true;
    for (key, value) in query {
        if let Some(value) = value {
            out.push(if first { '?' } else { '&' });
            first = false;
            out.push_str(key);
            out.push('=');
            out.push_str(&segment(value));
        }
    }
    out
}

/// The `name=value` pairs of a query string or fragment (without its `?` or `#`),
/// decoded as browsers encode forms: `+` is a space, `%XX` a byte. A malformed escape
/// is kept as it is; bytes that are not UTF-8 become U+FFFD.
pub fn query_pairs(text: &str) -> Vec<(String, String)> {
    fn decode(raw: &str) -> String {
        let bytes = raw.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                byte => out.push(byte),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_matrix_sigils_and_separators() {
        assert_eq!(segment("!abc:example.org"), "%21abc%3Aexample.org");
        assert_eq!(segment("$a/b+c="), "%24a%2Fb%2Bc%3D");
        assert_eq!(segment("@alice:test.local"), "%40alice%3Atest.local");
        assert_eq!(segment("plain-id_1.2~"), "plain-id_1.2~");
    }

    #[test]
    fn encodes_non_ascii_as_utf8() {
        assert_eq!(segment("é"), "%C3%A9");
        assert_eq!(segment(" "), "%20");
    }

    #[test]
    fn builds_paths_from_fixed_and_data_parts() {
        let path = build(&[
            Part::Fixed("_synapse/admin/v1/users"),
            Part::Data("@a:b"),
            Part::Fixed("admin"),
        ]);
        assert_eq!(path, "/_synapse/admin/v1/users/%40a%3Ab/admin");
    }

    #[test]
    fn query_skips_missing_values_and_encodes_present_ones() {
        let path = with_query(
            "/x".into(),
            &[
                ("a", None),
                ("b", Some("1 2".into())),
                ("c", Some("&".into())),
            ],
        );
        assert_eq!(path, "/x?b=1%202&c=%26");
        assert_eq!(with_query("/x".into(), &[("a", None)]), "/x");
    }

    #[test]
    fn query_pairs_decode_as_browsers_encode() {
        assert_eq!(
            query_pairs("code=a%2Fb%3D&state=x+y&empty=&flag&bad=%G1%"),
            [
                ("code".to_owned(), "a/b=".to_owned()),
                ("state".to_owned(), "x y".to_owned()),
                ("empty".to_owned(), String::new()),
                ("flag".to_owned(), String::new()),
                ("bad".to_owned(), "%G1%".to_owned()),
            ]
        );
        assert_eq!(query_pairs(""), []);
        assert_eq!(query_pairs("a=%E2%9C%93")[0].1, "\u{2713}");
        assert_eq!(
            query_pairs(&format!("t={}", segment("syl_Ab+/=")))[0].1,
            "syl_Ab+/="
        );
    }
}
