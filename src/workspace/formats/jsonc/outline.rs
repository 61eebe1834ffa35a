//! The outline of a JSONC document that a scoped edit needs: whether it
//! parses with no key repeated in any object, and where the properties of
//! the root object and of the objects on a path are.
//!
//! It reads the parser's own tokens (so strings, numbers, comments and
//! escapes are judged by the same scanner) with the parser's grammar, and
//! builds no syntax tree: on a 500 KB config that is about half the cost
//! of `parse_to_ast`, whose tree the scoped edit would drop unread. Where
//! it is in doubt (nesting deeper than the parser's limit could reach, any
//! error) it answers `None`, and the caller edits the whole document,
//! which reports the error; so it only ever accepts what the parser does.

use jsonc_parser::tokens::Token;
use jsonc_parser::{Scanner, ScannerOptions};
use std::borrow::Cow;
use std::collections::HashSet;

/// An object's braces and, when it is the root or on the path, its
/// properties.
#[derive(Debug, PartialEq)]
pub(super) struct Object<'a> {
    /// The offset of `{`.
    pub open: usize,
    /// The offset of `}`.
    pub close: usize,
    pub props: Vec<Prop<'a>>,
}

#[derive(Debug, PartialEq)]
pub(super) struct Prop<'a> {
    pub name: Cow<'a, str>,
    /// Where the property's name starts.
    pub start: usize,
    pub value_start: usize,
    /// Where the value, and so the property, ends.
    pub value_end: usize,
    /// The value's outline, when it is an object on the path.
    pub object: Option<Object<'a>>,
}

#[cfg(test)]
impl Object<'_> {
    /// The outline with its names copied, to outlive the text.
    pub(super) fn into_owned(self) -> Object<'static> {
        Object {
            open: self.open,
            close: self.close,
            props: self
                .props
                .into_iter()
                .map(|p| Prop {
                    name: Cow::Owned(p.name.into_owned()),
                    start: p.start,
                    value_start: p.value_start,
                    value_end: p.value_end,
                    object: p.object.map(Object::into_owned),
                })
                .collect(),
        }
    }
}

/// The root object's outline of a document that parses with no key
/// repeated in any object: what an edit of a top-level key needs from the
/// whole text. An edit gives the outline of the text it makes, so a caller
/// that keeps it (with the text's hash) spares the next edit of the same
/// text reading it all again, token by token.
#[derive(Debug)]
pub struct RootOutline(pub(super) Object<'static>);

impl RootOutline {
    /// Whether the outline can be `text`'s: braces where it puts them, and
    /// each property in order inside them, on character boundaries. A kept
    /// outline is found by the text's hash, so this only ever fails on a
    /// collision; then the text is scanned instead of sliced wrongly.
    pub(super) fn fits(&self, text: &str) -> bool {
        let Object { open, close, props } = &self.0;
        let bytes = text.as_bytes();
        let mut last = open + 1;
        bytes.get(*open) == Some(&b'{')
            && bytes.get(*close) == Some(&b'}')
            && props.iter().all(|p| {
                let inside = last <= p.start
                    && p.start < p.value_start
                    && p.value_start < p.value_end
                    && p.value_end <= *close;
                last = p.value_end;
                inside
                    && [p.start, p.value_start, p.value_end]
                        .iter()
                        .all(|&at| text.is_char_boundary(at))
            })
    }
}

/// Containers nested deeper than this are left to the parser (its limit,
/// 512 ranges, counts properties too, so it is never reached before this).
const MAX_DEPTH: usize = 128;

/// The outline of `text`, whose top level must be an object, for `path`:
/// the root's properties, and those of each object the path goes through
/// but the last. `None` when `text` does not parse under the editing
/// options (see [`super::options`], which it mirrors), has a repeated
/// key, or is too deep.
pub(super) fn outline<'a>(text: &'a str, path: &[&str]) -> Option<Object<'a>> {
    let options = super::options();
    let mut reader = Reader {
        scanner: Scanner::new(
            text,
            &ScannerOptions {
                allow_single_quoted_strings: options.allow_single_quoted_strings,
                allow_hexadecimal_numbers: options.allow_hexadecimal_numbers,
                allow_unary_plus_numbers: options.allow_unary_plus_numbers,
                allow_bare_decimal_point_numbers: options.allow_bare_decimal_point_numbers,
                allow_non_finite_numbers: options.allow_non_finite_numbers,
                allow_extended_string_escapes: options.allow_extended_string_escapes,
            },
        ),
        keys: Vec::with_capacity(64),
        depth: 0,
    };
    if !options.allow_comments || options.allow_loose_object_property_names {
        return None;
    }
    let Some(Token::OpenBrace) = reader.next()? else {
        return None;
    };
    let root = reader.object(Some(path))?;
    // Nothing but comments and whitespace after the root.
    match reader.next()? {
        None => Some(root),
        Some(_) => None,
    }
}

struct Reader<'a> {
    scanner: Scanner<'a>,
    /// The keys of the objects being read, innermost last.
    keys: Vec<Cow<'a, str>>,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// The next token that is not a comment; `Some(None)` at the end,
    /// `None` on a scanner error.
    fn next(&mut self) -> Option<Option<Token<'a>>> {
        loop {
            match self.scanner.scan() {
                Err(_) => return None,
                Ok(Some(Token::CommentLine(_) | Token::CommentBlock(_))) => {}
                Ok(token) => return Some(token),
            }
        }
    }

    /// Reads the value that starts with `token`, up to its last token.
    /// `path`: this value is on the path, with these keys left.
    fn value(&mut self, token: Token<'a>, path: Option<&[&str]>) -> Option<Option<Object<'a>>> {
        match token {
            Token::OpenBrace => {
                let object = self.object(path)?;
                Some(path.map(|_| object))
            }
            Token::OpenBracket => self.array().map(|()| None),
            Token::String(_) | Token::Boolean(_) | Token::Number(_) | Token::Null => Some(None),
            _ => None,
        }
    }

    /// Reads an object whose `{` was just read. With `path`, its
    /// properties are kept, and the one named `path[0]` is followed when
    /// more keys are left.
    fn object(&mut self, path: Option<&[&str]>) -> Option<Object<'a>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let open = self.scanner.token_start();
        let keys_start = self.keys.len();
        let mut props = Vec::new();
        let mut token = self.next()?;
        loop {
            match token {
                Some(Token::CloseBrace) => break,
                Some(Token::String(name)) => {
                    let start = self.scanner.token_start();
                    let Some(Token::Colon) = self.next()? else {
                        return None;
                    };
                    let value = self.next()??;
                    let value_start = self.scanner.token_start();
                    let inner = match path {
                        Some([key, rest @ ..]) if !rest.is_empty() && name == *key => Some(rest),
                        _ => None,
                    };
                    let object = self.value(value, inner)?;
                    let value_end = self.scanner.token_end();
                    if path.is_some() {
                        props.push(Prop {
                            name: name.clone(),
                            start,
                            value_start,
                            value_end,
                            object,
                        });
                    }
                    self.keys.push(name);
                    token = match self.next()? {
                        Some(Token::Comma) => self.next()?,
                        close @ Some(Token::CloseBrace) => close,
                        _ => return None,
                    };
                }
                _ => return None,
            }
        }
        let close = self.scanner.token_start();
        if repeats(&self.keys[keys_start..]) {
            return None;
        }
        self.keys.truncate(keys_start);
        self.depth -= 1;
        Some(Object { open, close, props })
    }

    /// Reads an array whose `[` was just read.
    fn array(&mut self) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut token = self.next()?;
        loop {
            match token {
                Some(Token::CloseBracket) => break,
                Some(value) => {
                    self.value(value, None)?;
                    token = match self.next()? {
                        Some(Token::Comma) => self.next()?,
                        close @ Some(Token::CloseBracket) => close,
                        _ => return None,
                    };
                }
                None => return None,
            }
        }
        self.depth -= 1;
        Some(())
    }
}

/// Whether a key is there twice.
fn repeats(keys: &[Cow<'_, str>]) -> bool {
    // Most objects have a handful of keys: comparing them pairwise costs
    // less than hashing them.
    if keys.len() <= 8 {
        return keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k));
    }
    let mut seen = HashSet::with_capacity(keys.len());
    keys.iter().any(|k| !seen.insert(k.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonc_parser::ast;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    /// What the whole-document edit accepts: the parser's answer with an
    /// object at the top and no key twice in any object.
    fn parser_accepts(text: &str) -> bool {
        fn repeated(value: &ast::Value<'_>) -> bool {
            match value {
                ast::Value::Object(o) => {
                    let names: Vec<&str> = o.properties.iter().map(|p| p.name.as_str()).collect();
                    names
                        .iter()
                        .enumerate()
                        .any(|(i, n)| names[..i].contains(n))
                        || o.properties.iter().any(|p| repeated(&p.value))
                }
                ast::Value::Array(a) => a.elements.iter().any(repeated),
                _ => false,
            }
        }
        match jsonc_parser::parse_to_ast(text, &Default::default(), &super::super::options()) {
            Ok(parsed) => match &parsed.value {
                Some(value @ ast::Value::Object(_)) => !repeated(value),
                _ => false,
            },
            Err(_) => false,
        }
    }

    #[test]
    fn hand_cases() {
        for (text, ok) in [
            ("{}", true),
            ("// c\n{ /* c */ } // c\n", true),
            ("{\"a\": [1, {\"b\": null},], \"c\": \"\\u0041\",}", true),
            ("{\"a\": 1 \"b\": 2}", false),
            ("{\"a\": 1,, \"b\": 2}", false),
            ("{\"a\" 1}", false),
            ("{\"a\": }", false),
            ("{\"a\": [1 2]}", false),
            ("{\"a\": [,]}", false),
            ("{\"a\": x}", false),
            ("{a: 1}", false),
            ("{\"a\": 1} {}", false),
            ("{\"a\": 1, \"a\": 2}", false),
            ("{\"a\": [{\"k\": 1, \"k\": 2}]}", false),
            ("[1]", false),
            ("", false),
            ("// only\n", false),
            ("{\"a\": 0x1}", false),
            ("{\"a\": \"\\x41\"}", false),
        ] {
            assert_eq!(outline(text, &["a"]).is_some(), ok, "{text}");
            assert_eq!(parser_accepts(text), ok, "{text}");
        }
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(200), "]".repeat(200));
        assert!(outline(&deep, &["a"]).is_none(), "left to the parser");
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-5..100i32).prop_map(|n| json!(n)),
            "[a-c\\\\\"/*]{0,3}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[a-c]", inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        /// A printed object with one to three characters inserted,
        /// removed or replaced: the outline accepts it exactly when the
        /// parser does (and it has no repeated key).
        #[test]
        fn accepts_exactly_what_the_parser_accepts(
            value in prop::collection::vec(("[a-c]", value()), 0..4),
            pretty in any::<bool>(),
            changes in prop::collection::vec((any::<usize>(), 0..3u8, prop::sample::select(vec![
                '{', '}', '[', ']', ',', ':', '"', '/', '*', '\n', 'x', 'e', '1', '-', '.', ' ', '\\',
            ])), 0..4),
        ) {
            let value = Value::Object(value.into_iter().collect());
            let mut text = if pretty {
                serde_json::to_string_pretty(&value).unwrap_or_default()
            } else {
                serde_json::to_string(&value).unwrap_or_default()
            };
            for (at, how, c) in changes {
                let at = at % (text.len() + 1);
                if !text.is_char_boundary(at) {
                    continue;
                }
                match how {
                    0 => text.insert(at, c),
                    _ if at < text.len() => {
                        let removed = text.remove(at);
                        if how == 2 {
                            text.insert(at, if removed == c { ' ' } else { c });
                        }
                    }
                    _ => {}
                }
            }
            prop_assert_eq!(outline(&text, &["a"]).is_some(), parser_accepts(&text), "{}", text);
        }
    }
}
