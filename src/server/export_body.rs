//! The body of `GET …/export`. An export of 10,000 skills is some 20 MB
//! of JSON, whose skills' texts alone (14 MB) were most of the server's
//! peak memory while it was built: held whole, as a document, until every
//! answer sharing it was sent. Now the text is written as the export is
//! read, one part at a time ([`ExportWriter`] is the core's
//! [`ExportSink`]): each skill's text is encoded and let go before the
//! next is read. A text of up to [`SPILL_AFTER`] bytes is held in memory,
//! in chunks of about 64 KiB (an item larger than that comes whole) that
//! every answer shares. A longer one goes, all but its head, to an
//! unnamed temporary file (the `tempfile` crate: `O_TMPFILE` where the
//! system has it, so it never has a name anyone could open), the chunks
//! held so far with it, and each answer reads it back chunk by chunk as
//! it is sent ([`Body`]). The file goes when the last
//! answer sharing it is sent. Where `TMPDIR` is on a disk, the text is
//! then the kernel's page cache, which it takes back under pressure, not
//! the server's heap; where it is a `tmpfs`, the text is still memory,
//! only not the process's (swappable, and charged to its cgroup). When no
//! such file can be made or written (`TMPDIR` missing or full), the text
//! is held in memory instead: an export does not fail for want of a
//! temporary file.
//!
//! Every answer has its own `exportedAt`, put between the text up to it
//! (the head) and the rest. The text is the one serde writes for
//! [`ExportDoc`](crate::workspace::transfer::ExportDoc), byte for byte (a
//! test holds the two together). Its length is told up front: it is
//! measured as it is written, so that the length and the bytes sent come
//! from the same writer.

use crate::workspace::transfer::{CommandExport, ExportHead, ExportSink, SkillExport};
use crate::{Code, Error, Result};
use bytes::Bytes;
use serde::Serialize;
use std::fs::File;
use std::io::Write;
use std::sync::Arc;

/// Bytes a chunk holds before it is handed on (the last one may be less).
const CHUNK: usize = 64 * 1024;

/// Bytes of an export's text held in memory; a longer text goes to a
/// temporary file. The medium and large benchmark workspaces' exports
/// (some 100 and 400 KB) stay in memory.
pub const SPILL_AFTER: usize = 1024 * 1024;

/// An export as the memo keeps it, with the length of its text apart from
/// the digits of `exportedAt`.
#[derive(Debug)]
pub struct Export {
    /// The text up to the digits of `exportedAt`.
    head: Bytes,
    /// The text after them.
    rest: Rest,
    len: usize,
}

#[derive(Debug)]
enum Rest {
    /// In memory, in chunks every answer shares.
    Chunks(Vec<Bytes>),
    /// In an unnamed temporary file of this many bytes, read again for
    /// each answer.
    File(File, u64),
}

impl Export {
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

/// Which list of the text items go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Skills,
    Commands,
}

/// Makes the temporary file a long text goes to.
type MakeFile = fn() -> std::io::Result<File>;

/// Writes an export's text as its parts come ([`ExportSink`]), then gives
/// the [`Export`] ([`ExportWriter::finish`]).
pub struct ExportWriter {
    head: Vec<u8>,
    /// The chunk being written.
    out: Vec<u8>,
    chunks: Vec<Bytes>,
    /// The temporary file and the bytes written to it.
    file: Option<(File, u64)>,
    /// `None` once a file could not be made or written: the rest of the
    /// text is held in memory.
    make_file: Option<MakeFile>,
    spill_after: usize,
    /// Bytes of the text after the head, `out`'s included.
    len: usize,
    list: List,
    /// No item of the current list written yet.
    first: bool,
    /// What was written to the file could not be read back.
    lost: Option<std::io::Error>,
}

impl ExportWriter {
    /// A writer that holds up to `spill_after` bytes in memory and the
    /// rest in a temporary file.
    pub fn new(spill_after: usize) -> ExportWriter {
        ExportWriter::with_file(spill_after, tempfile::tempfile)
    }

    fn with_file(spill_after: usize, make_file: MakeFile) -> ExportWriter {
        ExportWriter {
            head: Vec::new(),
            out: Vec::with_capacity(CHUNK + CHUNK / 4),
            chunks: Vec::new(),
            file: None,
            make_file: Some(make_file),
            spill_after,
            len: 0,
            list: List::Skills,
            first: true,
            lost: None,
        }
    }

    /// The export, its text ended.
    pub fn finish(mut self) -> Result<Export> {
        if self.list == List::Skills {
            self.extend(b"],\"commands\":[");
        }
        self.extend(b"]}");
        self.flush();
        if let Some(e) = self.lost {
            let msg =
                format!("the export's text could not be read back from its temporary file: {e}");
            return Err(Error::new(Code::Internal, msg));
        }
        let rest = match self.file {
            Some((file, len)) => Rest::File(file, len),
            None => Rest::Chunks(self.chunks),
        };
        Ok(Export {
            len: self.head.len() + self.len,
            head: Bytes::from(self.head),
            rest,
        })
    }

    fn extend(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        self.len += bytes.len();
    }

    /// Writes one item of `list` (after closing the skills when it is the
    /// first command), handing the chunk on once it is full.
    fn item<T: Serialize + ?Sized>(&mut self, list: List, item: &T) {
        if list != self.list {
            self.extend(b"],\"commands\":[");
            (self.list, self.first) = (list, true);
        }
        if !self.first {
            self.extend(b",");
        }
        self.first = false;
        let before = self.out.len();
        put(&mut self.out, item);
        self.len += self.out.len() - before;
        if self.out.len() >= CHUNK {
            self.flush();
        }
    }

    /// Hands the chunk being written on: to the file once there is one,
    /// else to memory, making the file when the text has passed
    /// `spill_after`.
    fn flush(&mut self) {
        if self.out.is_empty() {
            return;
        }
        if self.file.is_none() && self.len > self.spill_after {
            self.spill();
        }
        if let Some((file, at)) = &mut self.file {
            match file.write_all(&self.out) {
                Ok(()) => {
                    *at += self.out.len() as u64;
                    self.out.clear();
                    return;
                }
                Err(_) => self.unspill(),
            }
        }
        // Copied out, so that a kept chunk holds no spare room (the
        // buffer grows past CHUNK for an item that ends beyond it) and the
        // buffer is reused.
        self.chunks.push(Bytes::copy_from_slice(&self.out));
        self.out.clear();
    }

    /// Moves the chunks held so far to a new temporary file; when it
    /// cannot be made or written, they stay, and so does all that follows.
    fn spill(&mut self) {
        let Some(make_file) = self.make_file else {
            return;
        };
        let written = make_file().and_then(|mut file| {
            for chunk in &self.chunks {
                file.write_all(chunk)?;
            }
            Ok(file)
        });
        match written {
            Ok(file) => {
                let at = self.chunks.iter().map(|c| c.len() as u64).sum();
                self.chunks = Vec::new();
                self.file = Some((file, at));
            }
            Err(_) => self.make_file = None,
        }
    }

    /// Brings what the file holds back into memory after a write to it
    /// failed (a full disk): the text goes on in memory.
    fn unspill(&mut self) {
        self.make_file = None;
        let Some((file, len)) = self.file.take() else {
            return;
        };
        let mut at = 0;
        while at < len {
            let mut chunk = vec![0; (len - at).min(CHUNK as u64) as usize];
            if let Err(e) = read_exact_at(&file, &mut chunk, at) {
                self.lost = Some(e);
                return;
            }
            at += chunk.len() as u64;
            self.chunks.push(Bytes::from(chunk));
        }
    }
}

impl ExportSink for ExportWriter {
    fn head(&mut self, head: ExportHead<'_>) {
        self.head.extend_from_slice(b"{\"workspaceId\":");
        put(&mut self.head, head.workspace_id);
        self.head.extend_from_slice(b",\"exportedAt\":");
        let before = self.out.len();
        self.out.extend_from_slice(b",\"opencode\":");
        put(&mut self.out, &**head.opencode);
        self.out.extend_from_slice(b",\"openwork\":");
        put(&mut self.out, head.openwork);
        self.out.extend_from_slice(b",\"skills\":[");
        self.len += self.out.len() - before;
    }

    fn skill(&mut self, skill: &SkillExport) {
        self.item(List::Skills, skill);
    }

    fn command(&mut self, command: &CommandExport) {
        self.item(List::Commands, command);
    }
}

/// What the text of an export goes on with, part `n` of it (the head,
/// then the time, then the rest).
enum Part {
    Ready(Bytes),
    /// `len` bytes of the file from `at`.
    Read(u64, usize),
    End,
}

fn part(export: &Export, stamp: &Bytes, n: usize) -> Part {
    match (&export.rest, n) {
        (_, 0) => Part::Ready(export.head.clone()),
        (_, 1) => Part::Ready(stamp.clone()),
        (Rest::Chunks(rest), n) => rest.get(n - 2).cloned().map_or(Part::End, Part::Ready),
        (Rest::File(_, len), n) => {
            let at = ((n - 2) * CHUNK) as u64;
            match len.saturating_sub(at).min(CHUNK as u64) as usize {
                0 => Part::End,
                want => Part::Read(at, want),
            }
        }
    }
}

/// Reads `want` bytes of the export's file from `at`.
fn read(export: &Export, at: u64, mut chunk: Vec<u8>) -> std::io::Result<Bytes> {
    let Rest::File(file, _) = &export.rest else {
        return Err(std::io::Error::other("the export is not in a file"));
    };
    read_exact_at(file, &mut chunk, at)?;
    Ok(Bytes::from(chunk))
}

/// Reads exactly `buf.len()` bytes of `file` from `at`. Every read of the
/// file says where it reads from: the answers sharing it share no cursor.
fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::FileExt;
        let mut done = 0;
        while done < buf.len() {
            match file.seek_read(&mut buf[done..], at + done as u64)? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => done += n,
            }
        }
        Ok(())
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (file, buf, at);
        Err(std::io::ErrorKind::Unsupported.into())
    }
}

/// The body of an answer: the export's text with `exportedAt` set to
/// `at`, the kept chunks shared, the file read chunk by chunk as they are
/// taken. A file that cannot be read ends the body with an error, and the
/// answer is cut off: never taken as whole (its length was told).
///
/// The file is read on the thread that sends the answer, 64 KiB at a time
/// from the page cache (some 10-20 µs, less than encoding them cost
/// before). Reading each chunk on the blocking pool instead was measured
/// and dropped: the pool's extra threads each took a jemalloc arena of
/// their own, and the exports built after them left their freed pages in
/// several, so that six exports of the huge workspace, then four at once,
/// peaked at 75-103 MiB against 63-64 (buffers made on either side
/// alike). What it would have spared: a chunk whose pages the kernel took
/// back is read from the disk on that thread.
pub struct Body {
    export: Arc<Export>,
    stamp: Bytes,
    next: usize,
    done: bool,
}

impl Body {
    pub fn new(export: Arc<Export>, at: u64) -> Body {
        Body {
            export,
            stamp: Bytes::from(at.to_string()),
            next: 0,
            done: false,
        }
    }
}

impl Iterator for Body {
    type Item = std::io::Result<Bytes>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let n = self.next;
            self.next += 1;
            match part(&self.export, &self.stamp, n) {
                Part::Ready(bytes) => return Some(Ok(bytes)),
                Part::End => self.done = true,
                Part::Read(at, want) => {
                    let read = read(&self.export, at, vec![0; want]);
                    if let Err(e) = &read {
                        tracing::error!("an export's temporary file could not be read: {e}");
                        self.done = true;
                    }
                    return Some(read);
                }
            }
        }
    }
}

/// The text of an export with `exportedAt` set to `at`, read on this
/// thread (the tests'); a file that cannot be read ends it early.
#[cfg(test)]
fn chunks(export: Arc<Export>, at: u64) -> impl Iterator<Item = Bytes> {
    let stamp = Bytes::from(at.to_string());
    let mut next = 0;
    std::iter::from_fn(move || {
        next += 1;
        match part(&export, &stamp, next - 1) {
            Part::Ready(bytes) => Some(bytes),
            Part::Read(at, want) => read(&export, at, vec![0; want]).ok(),
            Part::End => None,
        }
    })
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
    use crate::workspace::transfer::ExportDoc;
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

    /// The export of `doc` as `writer` writes it.
    fn export(doc: &ExportDoc, mut writer: ExportWriter) -> Arc<Export> {
        doc.feed(&mut writer);
        Arc::new(writer.finish().expect("written"))
    }

    /// The text of `doc` as serde writes it, with `exportedAt` at `at`.
    fn serde_text(mut doc: ExportDoc, at: u64) -> String {
        doc.exported_at = at;
        serde_json::to_string(&doc).unwrap()
    }

    fn in_file(export: &Export) -> bool {
        matches!(export.rest, Rest::File(..))
    }

    /// The chunks put together are serde's text of the document, held in
    /// memory or in a file, at every size (none, one item, many chunks'
    /// worth, an item larger than a chunk) and for times of any number of
    /// digits, as long as told.
    #[test]
    fn the_chunks_are_serdes_text_with_the_answers_time() {
        let cases = [(0, 0, 0), (1, 0, 7), (0, 1, 10), (3, 2, 1_765_432_109_876)];
        for spill_after in [usize::MAX, 0, 200_000] {
            for (skills, commands, at) in cases.into_iter().chain([(400, 900, u64::MAX)]) {
                let what =
                    format!("{skills} skills, {commands} commands, spill after {spill_after}");
                let expected = serde_text(doc(skills, commands), at);
                let export = export(&doc(skills, commands), ExportWriter::new(spill_after));
                let chunks: Vec<Bytes> = chunks(export.clone(), at).collect();
                assert_eq!(
                    String::from_utf8_lossy(&chunks.concat()),
                    expected,
                    "{what}"
                );
                assert_eq!(export.len_at(at), expected.len(), "{what}, at {at}");
                // Past `spill_after`, and only then, the text is in a file.
                let past = export.unstamped_len() - export.head.len() > spill_after;
                assert_eq!(in_file(&export), past, "{what}");
                // The head and the time, then no chunk but the last short,
                // none much longer than CHUNK (exactly CHUNK from a file).
                let (last, rest) = chunks[2..].split_last().unwrap();
                assert!(!last.is_empty());
                let sized = |c: &Bytes| match in_file(&export) {
                    true => c.len() == CHUNK,
                    false => c.len() >= CHUNK && c.len() < CHUNK + 8 * 1024,
                };
                assert!(rest.iter().all(sized), "{what}");
                if skills == 400 {
                    assert!(chunks.len() > 6, "{} chunks", chunks.len());
                }
            }
        }
        // One skill larger than a chunk comes whole, in one chunk.
        let mut big = doc(2, 1);
        big.skills[0].content = "\"q\"".repeat(CHUNK);
        let export = export(&big, ExportWriter::new(usize::MAX));
        let chunks: Vec<Bytes> = chunks(export.clone(), 0).collect();
        assert!(chunks[2].len() > CHUNK * 3, "{}", chunks[2].len());
        assert_eq!(chunks.concat(), serde_text(big, 0).into_bytes());
    }

    /// A text past `spill_after` is held in a file, not in memory: once
    /// spilled, no chunk stays (the huge workspace's export held 14 MB of
    /// skills' texts while it was built and sent).
    #[test]
    fn a_long_text_goes_to_a_file() {
        let export = export(&doc(400, 900), ExportWriter::new(200_000));
        let Rest::File(file, len) = &export.rest else {
            panic!("held in memory");
        };
        assert_eq!(file.metadata().unwrap().len(), *len);
        assert_eq!(*len as usize, export.unstamped_len() - export.head.len());
        assert!(*len > 400_000, "{len}");
    }

    fn no_file() -> std::io::Result<File> {
        Err(std::io::Error::other("no temporary file"))
    }

    /// A file that takes no bytes: every write fails, as on a full disk.
    fn full_file() -> std::io::Result<File> {
        File::options().write(true).open("/dev/full")
    }

    /// When no file can be made, or none written, or one fails midway,
    /// the text is held in memory and is whole all the same.
    #[test]
    fn without_a_file_the_text_is_held_in_memory() {
        let makers: [MakeFile; 2] = [no_file, full_file];
        for make in makers {
            let export = export(&doc(400, 900), ExportWriter::with_file(0, make));
            assert!(!in_file(&export));
            assert_eq!(text(&export, 5), serde_text(doc(400, 900), 5));
        }
    }

    /// A file that took part of the text and then failed (sealed against
    /// growing, as a full disk refuses): what it holds is brought back,
    /// the rest goes on in memory.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_fails_midway_is_brought_back() {
        let export = Arc::new(failing_midway(sealable).expect("written"));
        assert!(!in_file(&export));
        assert_eq!(text(&export, 5), serde_text(doc(400, 900), 5));
    }

    /// A file that cannot be read back once a write to it failed: the
    /// export fails, rather than be sent with a hole.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_text_that_cannot_be_read_back_is_an_error() {
        let err = failing_midway(sealable_write_only).expect_err("lost");
        assert_eq!(err.code, Code::Internal);
        assert!(
            err.message.contains("could not be read back"),
            "{}",
            err.message
        );
    }

    /// The export of `doc(400, 900)` to a file of `make` that is sealed
    /// against growing once the skills (past the threshold) are written.
    #[cfg(target_os = "linux")]
    fn failing_midway(make: MakeFile) -> Result<Export> {
        let whole = doc(400, 900);
        let mut writer = ExportWriter::with_file(100_000, make);
        let mut skills = doc(0, 0);
        skills.skills = whole.skills.clone();
        skills.feed(&mut writer);
        let (file, at) = writer.file.as_ref().expect("spilled");
        assert!(*at > 0);
        assert!(
            writer.chunks.is_empty(),
            "nothing held in memory once spilled"
        );
        use nix::fcntl::{FcntlArg, SealFlag, fcntl};
        fcntl(file, FcntlArg::F_ADD_SEALS(SealFlag::F_SEAL_GROW)).expect("sealed");
        whole.commands.iter().for_each(|c| writer.command(c));
        writer.finish()
    }

    /// A file in memory that can be sealed: past its end, writes then
    /// fail while what it holds still reads.
    #[cfg(target_os = "linux")]
    fn sealable() -> std::io::Result<File> {
        use nix::sys::memfd::{MFdFlags, memfd_create};
        let flags = MFdFlags::MFD_ALLOW_SEALING | MFdFlags::MFD_CLOEXEC;
        Ok(File::from(memfd_create(c"export-test", flags)?))
    }

    /// [`sealable`], open for writing only: nothing reads back.
    #[cfg(target_os = "linux")]
    fn sealable_write_only() -> std::io::Result<File> {
        use std::os::fd::AsRawFd;
        let file = sealable()?;
        let again = format!("/proc/self/fd/{}", file.as_raw_fd());
        File::options().write(true).open(again)
    }

    /// The body an answer streams is the text, from memory or the file.
    #[test]
    fn the_body_streams_the_text() {
        for spill_after in [usize::MAX, 100_000] {
            let export = export(&doc(400, 900), ExportWriter::new(spill_after));
            let parts: Vec<_> = Body::new(export, 77).collect();
            let bytes: Vec<Bytes> = parts.into_iter().map(|p| p.expect("read")).collect();
            let expected = serde_text(doc(400, 900), 77);
            assert_eq!(String::from_utf8_lossy(&bytes.concat()), expected);
        }
    }

    /// A file that cannot be read ends the body with an error, and
    /// nothing after.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_body_stops_at_an_error() {
        let unreadable = sealable_write_only().expect("file");
        let export = Arc::new(Export {
            head: Bytes::from_static(b"{"),
            rest: Rest::File(unreadable, 10),
            len: 11,
        });
        let parts: Vec<_> = Body::new(export, 1).collect();
        assert_eq!(parts.len(), 3, "head, time, then the error and no more");
        assert!(parts[2].is_err());
    }

    fn text(export: &Arc<Export>, at: u64) -> String {
        let chunks: Vec<Bytes> = chunks(export.clone(), at).collect();
        String::from_utf8(chunks.concat()).expect("UTF-8")
    }
}
