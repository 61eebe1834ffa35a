//! The body of `GET …/export`. An export of 10,000 skills is some 20 MB
//! of JSON which, held whole and copied once more around each answer's
//! `exportedAt`, was a third of the server's peak memory. Now an export is
//! encoded once, in chunks of about 64 KiB (an item larger than that comes
//! whole): when it is small enough for the memo to keep, the chunks are
//! kept and every answer shares them, with its own `exportedAt` put
//! between the first chunk and the rest; a larger one keeps only its
//! document and is encoded again, chunk by chunk, as each answer is sent.
//!
//! The text is the one serde writes for [`ExportDoc`], byte for byte (a
//! test holds the two together). Its length is told up front: it is
//! measured by that first encoding, so that the length and the bytes sent
//! come from the same writer.

use crate::workspace::transfer::ExportDoc;
use bytes::Bytes;
use serde::Serialize;
use std::sync::Arc;

/// Bytes a chunk holds before it is handed on (the last one may be less).
const CHUNK: usize = 64 * 1024;

/// An export as the memo keeps it, with the length of its text apart from
/// the digits of `exportedAt`.
#[derive(Debug)]
pub struct Export {
    form: Form,
    len: usize,
}

#[derive(Debug)]
enum Form {
    /// The text up to the digits of `exportedAt`, and the chunks after
    /// them.
    Encoded(Bytes, Vec<Bytes>),
    /// Too large to keep as text: encoded for each answer.
    Document(ExportDoc),
}

impl Export {
    /// Encodes `doc` once: kept as text when that comes to at most `keep`
    /// bytes, else measured only (one buffer reused for every chunk). A
    /// document whose strings alone pass `keep` is not copied as it is
    /// measured: the huge workspace's export held 16 MiB of chunks on top
    /// of its 20 MB document before they were found to be too many.
    pub fn new(doc: ExportDoc, keep: usize) -> Export {
        let mut head = Vec::new();
        let mut part = fill(&doc, Part::Head, &mut head);
        let mut len = head.len();
        let mut rest = (least_len(&doc) <= keep).then(Vec::new);
        let mut buf = Vec::with_capacity(CHUNK + CHUNK / 4);
        loop {
            part = fill(&doc, part, &mut buf);
            if buf.is_empty() {
                break;
            }
            len += buf.len();
            rest = rest.filter(|_| len <= keep).map(|mut rest| {
                rest.push(Bytes::copy_from_slice(&buf));
                rest
            });
            buf.clear();
        }
        let form = match rest {
            Some(rest) => Form::Encoded(Bytes::from(head), rest),
            None => Form::Document(doc),
        };
        Export { form, len }
    }

    /// Bytes of the text, apart from the digits of `exportedAt`: what the
    /// memo counts it as.
    pub fn unstamped_len(&self) -> usize {
        self.len
    }

    /// The body's length when `exportedAt` is `at`.
    pub fn len_at(&self, at: u64) -> usize {
        self.len + at.to_string().len()
    }
}

/// Bytes the text of `doc` has at least: its skills' and commands'
/// strings, which it holds as they are or escaped.
fn least_len(doc: &ExportDoc) -> usize {
    let skills = doc
        .skills
        .iter()
        .map(|s| s.name.len() + s.description.len() + s.content.len());
    let commands = doc
        .commands
        .iter()
        .map(|c| c.name.len() + c.description().map_or(0, str::len) + c.template().len());
    skills.chain(commands).sum()
}

/// The text of an export with `exportedAt` set to `at`: the kept chunks
/// shared, or the document encoded chunk by chunk as they are taken.
pub fn chunks(export: Arc<Export>, at: u64) -> impl Iterator<Item = Bytes> + Send + Sync {
    let stamp = Bytes::from(at.to_string());
    let mut next = 0;
    let mut part = Part::Head;
    std::iter::from_fn(move || {
        let n = next;
        next += 1;
        let mut encode = |doc: &ExportDoc| {
            let mut out = Vec::with_capacity(CHUNK + CHUNK / 4);
            part = fill(doc, part, &mut out);
            (!out.is_empty()).then(|| Bytes::from(out))
        };
        match (&export.form, n) {
            (_, 1) => Some(stamp.clone()),
            (Form::Encoded(head, _), 0) => Some(head.clone()),
            (Form::Encoded(_, rest), n) => rest.get(n - 2).cloned(),
            (Form::Document(doc), _) => encode(doc),
        }
    })
}

/// Where an export's text goes on from.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// Up to the digits of `exportedAt`: a chunk of its own.
    Head,
    /// From the config on, after the digits.
    Config,
    /// The skill at this index, the first written without a comma.
    Skill(usize),
    Command(usize),
    Done,
}

/// Writes the text from `part` on into `out` until it holds [`CHUNK`]
/// bytes or the text ends (the head ends its chunk, for the digits of
/// `exportedAt` come after it); returns where the next chunk begins.
fn fill(doc: &ExportDoc, mut part: Part, out: &mut Vec<u8>) -> Part {
    while out.len() < CHUNK {
        part = match part {
            Part::Head => {
                out.extend_from_slice(b"{\"workspaceId\":");
                put(out, &doc.workspace_id);
                out.extend_from_slice(b",\"exportedAt\":");
                return Part::Config;
            }
            Part::Config => {
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
                .map(|i| {
                    CommandExport::new(
                        format!("c/{i}"),
                        (i % 2 == 0).then(|| "run \\ it".to_string()),
                        "y".repeat(i % 300),
                    )
                })
                .collect(),
        }
    }

    /// The chunks put together are serde's text of the document, kept as
    /// text or not, at every size (none, one item, many chunks' worth, an
    /// item larger than a chunk) and for times of any number of digits,
    /// as long as told.
    #[test]
    fn the_chunks_are_serdes_text_with_the_answers_time() {
        let cases = [(0, 0, 0), (1, 0, 7), (0, 1, 10), (3, 2, 1_765_432_109_876)];
        for keep in [usize::MAX, 0] {
            for (skills, commands, at) in cases.into_iter().chain([(400, 900, u64::MAX)]) {
                let mut expected = doc(skills, commands);
                expected.exported_at = at;
                let expected = serde_json::to_vec(&expected).unwrap();
                let export = Arc::new(Export::new(doc(skills, commands), keep));
                assert_eq!(matches!(export.form, Form::Encoded(..)), keep > 0);
                let chunks: Vec<Bytes> = chunks(export.clone(), at).collect();
                assert_eq!(
                    String::from_utf8_lossy(&chunks.concat()),
                    String::from_utf8_lossy(&expected),
                    "{skills} skills, {commands} commands, keep {keep}"
                );
                assert_eq!(export.len_at(at), expected.len(), "at {at}");
                // The head and the time, then no chunk but the last short,
                // none much longer than CHUNK.
                let (last, rest) = chunks[2..].split_last().unwrap();
                assert!(!last.is_empty());
                assert!(
                    rest.iter()
                        .all(|c| c.len() >= CHUNK && c.len() < CHUNK + 8 * 1024)
                );
                if skills == 400 {
                    assert!(chunks.len() > 6, "{} chunks", chunks.len());
                }
            }
        }
        // One skill larger than a chunk comes whole, in one chunk.
        let mut big = doc(2, 1);
        big.skills[0].content = "\"q\"".repeat(CHUNK);
        let expected = serde_json::to_vec(&big).unwrap();
        let export = Arc::new(Export::new(big, usize::MAX));
        let chunks: Vec<Bytes> = chunks(export.clone(), 0).collect();
        assert!(chunks[2].len() > CHUNK * 3, "{}", chunks[2].len());
        assert_eq!(chunks.concat(), expected);
        assert_eq!(export.len_at(0), expected.len());
    }

    /// An export kept as text is kept only up to `keep` bytes: one larger
    /// keeps its document instead of holding its whole text.
    #[test]
    fn only_an_export_within_the_budget_is_kept_as_text() {
        let text = serde_json::to_vec(&doc(400, 900)).unwrap().len();
        let digits = 1; // the "0" of `exportedAt` in that text
        let kept = Export::new(doc(400, 900), text - digits);
        assert!(matches!(kept.form, Form::Encoded(..)));
        let not_kept = Export::new(doc(400, 900), text - digits - 1);
        assert!(matches!(not_kept.form, Form::Document(..)));
        assert_eq!(kept.unstamped_len(), not_kept.unstamped_len());
        // What the strings alone come to is most of the text, and never
        // more than it (else a document within the budget would not be
        // kept, as above).
        let least = least_len(&doc(400, 900));
        assert!(least > text / 2 && least < text, "{least} of {text}");
    }
}
