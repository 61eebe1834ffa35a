//! The body of `GET …/export`, encoded piece by piece as it is sent: an
//! export of 10,000 skills is some 20 MB of JSON, which held whole and
//! copied once more around each answer's `exportedAt` was a third of the
//! server's peak memory. What an answer holds beyond the document (the
//! skills' texts, read for it, and the config, shared with the parse
//! cache) is one chunk of about 64 KiB at a time (or one item, when an
//! item alone is larger).
//!
//! The text is the one serde writes for [`ExportDoc`], byte for byte (a
//! test holds the two together), with the answer's own `exportedAt`. Its
//! length is told up front: it is measured when the document is built, by
//! the same encoding into one reused buffer, so that the length and the
//! bytes sent can never come from two different writers.

use crate::workspace::transfer::ExportDoc;
use bytes::Bytes;
use serde::Serialize;
use std::sync::Arc;

/// Bytes a chunk holds before it is handed on (the last one may be less).
const CHUNK: usize = 64 * 1024;

/// An export as the memo keeps it: the document and the length of its text
/// apart from the digits of `exportedAt`.
#[derive(Debug)]
pub struct Export {
    doc: ExportDoc,
    len: usize,
}

impl Export {
    /// Measures the text of `doc` by encoding it once.
    pub fn new(doc: ExportDoc) -> Export {
        let mut export = Export { doc, len: 0 };
        let mut out = Vec::with_capacity(CHUNK + CHUNK / 4);
        let mut part = Part::Head;
        let mut stamped = 0;
        loop {
            out.clear();
            part = fill(&export, 0, part, &mut out);
            if out.is_empty() {
                break;
            }
            stamped += out.len();
        }
        export.len = stamped - 1; // the "0" of `exportedAt`
        export
    }

    /// Bytes of the text, apart from the digits of `exportedAt`: what the
    /// memo counts it as (a little more than the document holds: the
    /// config is the parse cache's, and escapes add to the text).
    pub fn unstamped_len(&self) -> usize {
        self.len
    }

    /// The body's length when `exportedAt` is `at`.
    pub fn len_at(&self, at: u64) -> usize {
        self.len + at.to_string().len()
    }
}

/// The text of an export with `exportedAt` set to `at`, as chunks of about
/// 64 KiB.
pub fn chunks(export: Arc<Export>, at: u64) -> impl Iterator<Item = Bytes> + Send + Sync {
    let mut part = Part::Head;
    std::iter::from_fn(move || {
        let mut out = Vec::with_capacity(CHUNK + CHUNK / 4);
        part = fill(&export, at, part, &mut out);
        (!out.is_empty()).then(|| Bytes::from(out))
    })
}

/// Where an export's text goes on from.
#[derive(Debug, Clone, Copy)]
enum Part {
    Head,
    /// The skill at this index, the first written without a comma.
    Skill(usize),
    Command(usize),
    Done,
}

/// Writes the text from `part` on into `out` until it holds [`CHUNK`]
/// bytes or the text ends; returns where the next chunk begins.
fn fill(export: &Export, at: u64, mut part: Part, out: &mut Vec<u8>) -> Part {
    let doc = &export.doc;
    while out.len() < CHUNK {
        part = match part {
            Part::Head => {
                out.extend_from_slice(b"{\"workspaceId\":");
                put(out, &doc.workspace_id);
                out.extend_from_slice(b",\"exportedAt\":");
                out.extend_from_slice(at.to_string().as_bytes());
                out.extend_from_slice(b",\"opencode\":");
                put(out, &*doc.opencode);
                out.extend_from_slice(b",\"openwork\":");
                put(out, &doc.openwork);
                out.extend_from_slice(b",\"skills\":[");
                Part::Skill(0)
            }
            Part::Skill(i) => {
                let commands = Part::Command(0);
                list_item(
                    out,
                    &doc.skills,
                    i,
                    Part::Skill,
                    b"],\"commands\":[",
                    commands,
                )
            }
            Part::Command(i) => list_item(out, &doc.commands, i, Part::Command, b"]}", Part::Done),
            Part::Done => return Part::Done,
        };
    }
    part
}

/// Writes the item at `i` of a list (after a comma, but for the first)
/// and gives the next item's part; past the end, writes `close` and gives
/// `after`.
fn list_item<T: Serialize>(
    out: &mut Vec<u8>,
    items: &[T],
    i: usize,
    at: fn(usize) -> Part,
    close: &[u8],
    after: Part,
) -> Part {
    let Some(item) = items.get(i) else {
        out.extend_from_slice(close);
        return after;
    };
    if i > 0 {
        out.push(b',');
    }
    put(out, item);
    at(i + 1)
}

/// Appends `value` as serde writes it. Writing strings, numbers and maps
/// of them into memory cannot fail; were it ever to, the value is written
/// as `null`, which the export's test would catch.
fn put<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let start = out.len();
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.truncate(start);
        out.extend_from_slice(b"null");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::transfer::{CommandExport, SkillExport};
    use serde_json::{Map, Value, json};

    fn doc(skills: usize, commands: usize) -> ExportDoc {
        let mut opencode = Map::new();
        opencode.insert("plugin".into(), json!(["a@1", "b\"q"]));
        let mut openwork = Map::new();
        openwork.insert("version".into(), Value::from(1));
        ExportDoc {
            workspace_id: "ws_\u{1b}id".into(),
            exported_at: 0,
            opencode: Arc::new(opencode),
            openwork,
            skills: (0..skills)
                .map(|i| SkillExport {
                    name: format!("s{i}"),
                    description: "d\n\"é\"".into(),
                    content: format!("---\nname: s{i}\n---\n{}", "x\t".repeat(i % 700)),
                })
                .collect(),
            commands: (0..commands)
                .map(|i| CommandExport {
                    name: format!("c/{i}"),
                    description: (i % 2 == 0).then(|| "run \\ it".to_string()),
                    template: "y".repeat(i % 300),
                })
                .collect(),
        }
    }

    /// The chunks put together are serde's text of the document, at every
    /// size (none, one item, many chunks' worth, an item larger than a
    /// chunk) and for times of any number of digits, as long as told.
    #[test]
    fn the_chunks_are_serdes_text_with_the_answers_time() {
        let cases = [(0, 0, 0), (1, 0, 7), (0, 1, 10), (3, 2, 1_765_432_109_876)];
        for (skills, commands, at) in cases.into_iter().chain([(400, 900, u64::MAX)]) {
            let mut expected = doc(skills, commands);
            expected.exported_at = at;
            let expected = serde_json::to_vec(&expected).unwrap();
            let export = Arc::new(Export::new(doc(skills, commands)));
            let chunks: Vec<Bytes> = chunks(export.clone(), at).collect();
            let text: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
            assert_eq!(
                String::from_utf8_lossy(&text),
                String::from_utf8_lossy(&expected),
                "{skills} skills, {commands} commands"
            );
            assert_eq!(export.len_at(at), expected.len(), "at {at}");
            // No chunk but the last is short, none much longer than CHUNK.
            let (last, rest) = chunks.split_last().unwrap();
            assert!(!last.is_empty());
            assert!(
                rest.iter()
                    .all(|c| c.len() >= CHUNK && c.len() < CHUNK + 8 * 1024)
            );
            if skills == 400 {
                assert!(chunks.len() > 4, "{} chunks", chunks.len());
            }
        }
        // One skill larger than a chunk comes whole, in one chunk.
        let mut big = doc(2, 1);
        big.skills[0].content = "\"q\"".repeat(CHUNK);
        let expected = serde_json::to_vec(&big).unwrap();
        let export = Arc::new(Export::new(big));
        let chunks: Vec<Bytes> = chunks(export.clone(), 0).collect();
        assert!(chunks[0].len() > CHUNK * 3, "{}", chunks[0].len());
        assert_eq!(chunks.concat(), expected);
        assert_eq!(export.len_at(0), expected.len());
    }
}
