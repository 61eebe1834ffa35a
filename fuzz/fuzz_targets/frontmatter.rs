//! The frontmatter parser on any text: never panics; what it reads, once
//! written back by `render`, reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openwork::workspace::frontmatter;

fuzz_target!(|text: &str| {
    let Ok(doc) = frontmatter::parse(text) else {
        return;
    };
    let front = doc.front.clone().unwrap_or_default();
    let Ok(written) = frontmatter::render(&front, &doc.body) else {
        return;
    };
    let again = frontmatter::parse(&written)
        .unwrap_or_else(|e| panic!("a rendered file does not parse ({}):\n{written}", e.message));
    assert_eq!(again.front.unwrap_or_default(), front, "{written}");
    assert_eq!(again.body, doc.body, "{written}");
});
