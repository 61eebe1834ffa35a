//! A JSON string written out as serde_json writes it, byte for byte, but
//! faster for long text: runs of 16 bytes that need no escape are passed
//! over at once (a test that compiles to a few vector instructions)
//! instead of byte by byte. A listing of 10,000 commands writes 4 MB of
//! templates, which serde_json's byte-wise escaping spent most of its
//! time on (44% of a `/commands` build). serde_json has no way to plug in
//! another escaper, and a crate for this one loop would be a dependency
//! for 40 lines: the tests below hold it to serde_json's bytes for every
//! ASCII character and for random text.

/// Appends `text` to `out` as a JSON string: quoted, with `"` and `\`
/// escaped, `\b \f \n \r \t` as such and every other control character as
/// `\u00xx`, everything else (DEL and non-ASCII included) as it is.
pub fn push(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        // A fixed-size chunk, so the test compiles to vector instructions;
        // the last few bytes are looked at one by one.
        let rest = &bytes[i..];
        let at = match rest.first_chunk::<16>() {
            Some(chunk) if !chunk.iter().fold(false, |any, &b| any | special(b)) => {
                i += 16;
                continue;
            }
            Some(chunk) => chunk.iter().position(|&b| special(b)),
            None => rest.iter().position(|&b| special(b)),
        };
        let Some(at) = at.map(|k| i + k) else {
            break; // the tail holds none
        };
        out.extend_from_slice(&bytes[run..at]);
        escape(out, bytes[at]);
        run = at + 1;
        i = at + 1;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// A JSON object written field by field into `out`, fields in the order
/// they are given (the order serde writes a struct's). Keys are plain
/// names, written as they are.
pub struct Object<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Object<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> Object<'a> {
        out.push(b'{');
        Object { out, first: true }
    }

    fn key(&mut self, key: &str) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    /// `"key":"text"`, escaped.
    pub fn str(&mut self, key: &str, text: &str) -> &mut Self {
        push(self.key(key), text);
        self
    }

    /// [`Object::str`] when there is a text; nothing otherwise.
    pub fn some_str(&mut self, key: &str, text: Option<&str>) -> &mut Self {
        if let Some(text) = text {
            self.str(key, text);
        }
        self
    }

    /// [`Object::str`], or `"key":null`.
    pub fn str_or_null(&mut self, key: &str, text: Option<&str>) -> &mut Self {
        match text {
            Some(text) => self.str(key, text),
            None => {
                self.key(key).extend_from_slice(b"null");
                self
            }
        }
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        let value: &[u8] = if value { b"true" } else { b"false" };
        self.key(key).extend_from_slice(value);
        self
    }

    /// An array of texts; nothing when there are none.
    pub fn strs<'t>(&mut self, key: &str, texts: impl IntoIterator<Item = &'t str>) -> &mut Self {
        let mut texts = texts.into_iter().peekable();
        if texts.peek().is_some() {
            let out = self.key(key);
            out.push(b'[');
            for (i, text) in texts.enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                push(out, text);
            }
            out.push(b']');
        }
        self
    }

    /// `"key":` and whatever `write` appends (one JSON value).
    pub fn with(&mut self, key: &str, write: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        write(self.key(key));
        self
    }

    /// `"key":n`, or `"key":null`.
    pub fn u64_or_null(&mut self, key: &str, n: Option<u64>) -> &mut Self {
        match n {
            Some(n) => self.key(key).extend_from_slice(n.to_string().as_bytes()),
            None => self.key(key).extend_from_slice(b"null"),
        }
        self
    }

    pub fn end(self) {
        self.out.push(b'}');
    }
}

/// Appends the object of `entries`' keys and values, in their order.
pub fn map<'v>(
    out: &mut Vec<u8>,
    entries: impl IntoIterator<Item = (&'v str, &'v serde_json::Value)>,
) {
    out.push(b'{');
    for (i, (key, item)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push(out, key);
        out.push(b':');
        value(out, item);
    }
    out.push(b'}');
}

/// Appends `value` as serde_json writes it compactly (objects in their
/// order), its strings through [`push`]: the parsed configs a `/config`
/// answer carries hold 500 KB of text on a large workspace.
pub fn value(out: &mut Vec<u8>, value: &serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        // A number prints as serde_json writes it (itoa, or ryu for a
        // float, which a `Value` holds only when finite).
        Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::String(s) => push(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                self::value(out, item);
            }
            out.push(b']');
        }
        Value::Object(entries) => map(out, entries.iter().map(|(k, v)| (k.as_str(), v))),
    }
}

/// Appends `items` as a JSON array, each written by `write`, with room
/// made for about `size` bytes more.
pub fn array<T>(out: &mut Vec<u8>, items: &[T], size: usize, write: impl Fn(&mut Vec<u8>, &T)) {
    out.reserve(size + 2);
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

/// Whether `b` is written escaped (without branches, so that a chunk's
/// test is vector instructions).
fn special(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

fn escape(out: &mut Vec<u8>, b: u8) {
    let short = match b {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let (hi, lo) = (HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]);
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hi, lo]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours(text: &str) -> String {
        let mut out = Vec::new();
        push(&mut out, text);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_escape_as_serde_json_writes_it() {
        let all: String = (0u8..=0x7f).map(char::from).collect();
        for text in [
            all.as_str(),
            "",
            "é\u{2028}\u{fffd}",
            &"x".repeat(40),
            "a\"b\\c\n",
        ] {
            assert_eq!(ours(text), serde_json::to_string(text).unwrap());
        }
    }

    fn json() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            prop::sample::select(vec![0.1, -0.0, 1e300, 5e-324, 1.0, -2.5e-7])
                .prop_map(Value::from),
            "(\\PC|[\\x00-\\x1f\"\\\\]){0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(("(\\PC|[\"\\n]){0,6}", inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_value_as_serde_json_writes_it(v in json()) {
            let mut out = Vec::new();
            value(&mut out, &v);
            prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&v).unwrap());
        }

        #[test]
        fn any_text_as_serde_json_writes_it(text in "(\\PC|[\\x00-\\x1f\"\\\\]){0,80}") {
            prop_assert_eq!(ours(&text), serde_json::to_string(&text).unwrap());
        }
    }
}
