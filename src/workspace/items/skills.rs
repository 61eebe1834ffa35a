//! Skills: every `SKILL.md` OpenCode loads — under the user's and the
//! project's `.claude/skills` and `.agents/skills`, the `{skill,skills}`
//! folders of every config directory, and the folders `skills.paths`
//! lists (relative to the workspace root), at any depth
//! (`layers`) — and the writes that change the project's, under
//! `.opencode/skills/<name>/SKILL.md`.
//!
//! OpenCode takes any `SKILL.md` whose frontmatter has a string `name`
//! (and a `description` that is a string, if any): the folder's name does
//! not matter. When two files give the same name, OpenCode 1.18.33 uses
//! one of them at random (it reads them all at once and the last to be
//! read wins); openwork lists the last in OpenCode's scan order, and says
//! which other files have that name (`duplicates`).

use super::layers::{Layers, Origin, Place};
use super::resolve::{self, Provenance};
use super::validate;
use super::walk::{self, Links};
use crate::workspace::formats::frontmatter::{self, str_field};
use crate::workspace::formats::json_string;
use crate::workspace::txn::{Draft, Plan};
use crate::workspace::{Workspace, io};
use crate::{Code, Error, Result};
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillItem {
    pub name: String,
    /// Absolute path of the SKILL.md file.
    pub path: String,
    /// The frontmatter's description (empty when it has none).
    pub description: String,
    pub scope: String,
    /// `file` is the same as `path`: where the skill comes from.
    #[serde(flatten)]
    pub from: Provenance,
    /// Other SKILL.md files with the same name: OpenCode picks one of them
    /// at random.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<String>,
}

/// A SKILL.md that OpenCode loads, in OpenCode's scan order.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// Shared with the parse cache, not copied: a listing of 10,000
    /// skills is made at every read that misses the memo.
    file: Arc<SkillFile>,
    pub(crate) place: Place,
    pub(crate) editable: bool,
}

impl Found {
    /// The skill's parse: a `Found` is made only of a SKILL.md that
    /// parsed (see [`found`]).
    fn skill(&self) -> &ParsedSkill {
        static NONE: ParsedSkill = ParsedSkill {
            name: String::new(),
            description: None,
        };
        self.file.parsed.as_ref().unwrap_or(&NONE)
    }

    pub(crate) fn name(&self) -> &str {
        &self.skill().name
    }

    fn description(&self) -> Option<&str> {
        self.skill().description.as_deref()
    }
}

/// A SKILL.md as the cache keeps it: what OpenCode takes from it. Not its
/// text: 10,000 skills are some 14 MB of it, which only an export and
/// `skills show` need, and they read it again ([`text_of`]).
#[derive(Debug)]
pub(crate) struct ParsedSkill {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
}

/// A SKILL.md as OpenCode 1.18.33 reads it, or why OpenCode skips the
/// file without a word: it is not UTF-8, its frontmatter is missing or
/// does not parse, `name` is not a string, or `description` is there but
/// not a string.
pub(crate) fn check_skill(bytes: &[u8]) -> std::result::Result<ParsedSkill, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
    let front = frontmatter::parse(text)
        .map_err(|e| e.message)?
        .front
        .ok_or("it has no frontmatter (a block between '---' lines at the top)")?;
    let name = str_field(&front, "name")
        .ok_or("its frontmatter has no `name` string")?
        .to_string();
    let description = match front.get("description") {
        None => None,
        Some(Value::String(d)) => Some(d.clone()),
        Some(_) => return Err("its frontmatter `description` is not a string".into()),
    };
    Ok(ParsedSkill { name, description })
}

/// The folders of `skills.paths` in the resolved config: `~/` is the home
/// folder, a relative path is taken from the workspace root (the folder
/// OpenCode starts in).
fn path_dirs(ws: &Workspace, layers: &Layers, config: &Map<String, Value>) -> Vec<Place> {
    let Some(paths) = config
        .get("skills")
        .and_then(|s| s.get("paths"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let project = layers.worktree().unwrap_or(ws.root()).to_path_buf();
    paths
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|p| {
            let path = match (p.strip_prefix("~/"), ws.global()) {
                (Some(rest), Some(g)) => g.home.join(rest),
                (Some(_), None) => return None,
                (None, _) => ws.root().join(p),
            };
            let path = crate::workspace::absolute(&path).ok()?;
            let user_wide = !path.starts_with(&project);
            Some(Place {
                path,
                origin: Origin::Paths,
                user_wide,
            })
        })
        .collect()
}

/// The folders OpenCode scans for SKILL.md files, in its order: those of
/// the layers, then `skills.paths` of the resolved `config`.
pub(crate) fn places(ws: &Workspace, layers: &Layers, config: &Map<String, Value>) -> Vec<Place> {
    let mut dirs = layers.skill_dirs();
    dirs.extend(path_dirs(ws, layers, config));
    dirs
}

/// The SKILL.md files of the folder `dir`, at any depth, in order.
pub(crate) fn files_in(ws: &Workspace, dir: &Path) -> Vec<PathBuf> {
    walk::files(ws, dir, true, Links::Skip, |n| n == "SKILL.md")
}

/// A SKILL.md as the parse cache keeps it: its parse, and whether
/// openwork edits it, which its path alone decides (a listing of 10,000
/// skills works it out once per file, not per read).
#[derive(Debug)]
pub(crate) struct SkillFile {
    pub(crate) parsed: std::result::Result<ParsedSkill, String>,
    editable: bool,
}

/// The SKILL.md at `path` (found by a walk of `layers`' places) through
/// the parse cache; `None` when it is not a file.
pub(crate) fn load(ws: &Workspace, layers: &Layers, path: &Path) -> Result<Option<Arc<SkillFile>>> {
    ws.cached_child(path, "skill", |bytes| SkillFile {
        parsed: check_skill(bytes),
        editable: layers.editable_walked(ws, path),
    })
}

/// Every SKILL.md OpenCode loads, in its scan order.
pub(crate) fn found(ws: &Workspace) -> Result<Vec<Found>> {
    let layers = Layers::of(ws);
    let config = resolve::resolve_plugins(ws)?.config;
    let mut out = Vec::new();
    for dir in places(ws, &layers, &config) {
        for path in files_in(ws, &dir.path) {
            let Ok(Some(file)) = load(ws, &layers, &path) else {
                continue;
            };
            if file.parsed.is_err() {
                continue;
            }
            let mut place = dir.clone();
            place.path = path;
            out.push(Found {
                editable: file.editable,
                file,
                place,
            });
        }
    }
    Ok(out)
}

/// One item per name: the last of the name in scan order, with the
/// others as its duplicates; sorted by name. Grouped by one sort, so that
/// ten thousand skills cost no more than sorting them.
fn winners(found: &[Found]) -> Vec<Winner<'_>> {
    // A stable sort: each name's files stay in scan order.
    let mut by_name: Vec<&Found> = found.iter().collect();
    by_name.sort_by(|a, b| a.name().cmp(b.name()));
    by_name
        .chunk_by(|a, b| a.name() == b.name())
        .filter_map(|all| {
            let (winner, others) = all.split_last()?;
            Some(Winner {
                found: winner,
                others: others.to_vec(),
            })
        })
        .collect()
}

/// The SKILL.md OpenCode takes for a name, and the others of that name.
/// Its item is made only when asked for ([`Winner::item`]): a listing of
/// 10,000 skills writes each item and lets it go, rather than holding
/// every item's copies of names, paths and descriptions at once.
struct Winner<'a> {
    found: &'a Found,
    others: Vec<&'a Found>,
}

impl Winner<'_> {
    fn global(&self) -> bool {
        self.found.place.user_wide
    }

    fn item(&self) -> SkillItem {
        let winner = self.found;
        SkillItem {
            name: winner.name().to_string(),
            path: resolve::shown(&winner.place.path),
            description: winner.description().unwrap_or_default().to_string(),
            scope: if self.global() { "global" } else { "project" }.to_string(),
            from: Provenance::of(&winner.place, winner.editable),
            duplicates: (self.others.iter())
                .map(|f| resolve::shown(&f.place.path))
                .collect(),
        }
    }
}

pub fn list(ws: &Workspace, include_global: bool) -> Result<Vec<SkillItem>> {
    Ok(winners(&found(ws)?)
        .iter()
        .filter(|w| include_global || !w.global())
        .map(Winner::item)
        .collect())
}

/// Appends [`list`] to `out` as the JSON array serde writes for it, byte
/// for byte, its strings escaped by [`json_string::push`] (a listing of
/// 10,000 skills spent most of its time in serde's byte-wise escaping).
pub(crate) fn list_json(ws: &Workspace, include_global: bool, out: &mut Vec<u8>) -> Result<()> {
    let found = found(ws)?;
    let winners = winners(&found);
    let shown: Vec<&Winner<'_>> = (winners.iter())
        .filter(|w| include_global || !w.global())
        .collect();
    let size = (shown.iter())
        .map(|w| {
            let f = w.found;
            f.description().map_or(0, str::len) + 2 * f.place.path.as_os_str().len() + 96
        })
        .sum();
    // Each item is made, written and let go.
    json_string::array(out, &shown, size, |out, w| w.item().write(out));
    Ok(())
}

impl SkillItem {
    /// Appends the item as the JSON serde writes for it.
    fn write(&self, out: &mut Vec<u8>) {
        let mut item = json_string::Object::new(out);
        (item.str("name", &self.name))
            .str("path", &self.path)
            .str("description", &self.description)
            .str("scope", &self.scope);
        let from = &self.from;
        resolve::write_provenance(&mut item, &from.file, from.origin, from.editable);
        item.strs("duplicates", self.duplicates.iter().map(String::as_str));
        item.end();
    }
}

/// Each skill of the listing with its SKILL.md's text (for export), in
/// the listing's order, the user-wide ones only with `include_global`.
/// One text at a time is held: `f` has it before the next is read, so an
/// export of 10,000 skills (some 14 MB of text) need not hold them all.
pub(crate) fn each_with_content(
    ws: &Workspace,
    include_global: bool,
    mut f: impl FnMut(SkillItem, String),
) -> Result<()> {
    let found = found(ws)?;
    for winner in winners(&found) {
        if !include_global && winner.global() {
            continue;
        }
        let mut item = winner.item();
        let text = text_of(ws, &mut item, winner.found)?;
        f(item, text);
    }
    Ok(())
}

/// The text of a SKILL.md the listing found, read again the way the
/// listing read it (never through a link inside the workspace) and not
/// kept by the cache, the item's description taken from it. A file that
/// changed in between so that it is no longer that skill (gone, named
/// otherwise, no skill at all) is a conflict to try again, never an item
/// paired with a text that is not its own.
fn text_of(ws: &Workspace, item: &mut SkillItem, found: &Found) -> Result<String> {
    let changed = || {
        Error::new(
            Code::Conflict,
            format!(
                "skill {} changed while it was read ({}); try again",
                item.name,
                ws.relative(&found.place.path)
            ),
        )
    };
    let bytes = ws.read_unkept(&found.place.path)?.ok_or_else(changed)?;
    let text = String::from_utf8(bytes).map_err(|_| changed())?;
    let parsed = check_skill(text.as_bytes()).map_err(|_| changed())?;
    if parsed.name != item.name {
        return Err(changed());
    }
    item.description = parsed.description.unwrap_or_default();
    Ok(text)
}

/// A skill by name (user-wide ones included), with the SKILL.md text
/// (for `skills show`).
pub fn read(ws: &Workspace, name: &str) -> Result<(SkillItem, String)> {
    lookup(name)?;
    let found = found(ws)?;
    let winner = winners(&found)
        .into_iter()
        .find(|w| w.found.name() == name)
        .ok_or_else(|| not_found(name))?;
    let mut item = winner.item();
    let text = text_of(ws, &mut item, winner.found)?;
    Ok((item, text))
}

/// The name of an existing skill to show or remove: OpenCode takes any
/// string as a name, so only what looks like a path (`/`, `\\`, `..`), the
/// empty name and control characters are refused.
fn lookup(name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 1024
        || name.chars().any(char::is_control)
        || name.contains(['/', '\\'])
        || name == ".."
    {
        return Err(Error::new(
            Code::InvalidSkillName,
            format!("invalid skill name {}", validate::quote(name)),
        ));
    }
    Ok(())
}

/// `409 conflict`: the skill is (also) in a file openwork does not edit.
fn read_only(ws: &Workspace, name: &str, kept: &Found, consequence: &str) -> Error {
    Error::new(
        Code::Conflict,
        format!(
            "skill {name} is defined in {}, which openwork does not edit{consequence}",
            ws.relative(&kept.place.path)
        ),
    )
    .with_details(serde_json::json!({ "file": kept.place.path.display().to_string() }))
}

fn not_found(name: &str) -> Error {
    Error::new(
        Code::SkillNotFound,
        format!("skill {} not found", validate::quote(name)),
    )
}

/// The SKILL.md text for an upsert: the content's own frontmatter (its
/// `name` must match, its `description` wins) with `name` and
/// `description` first, then the body, ending in one newline.
pub(crate) fn render(
    name: &str,
    content: &str,
    description: Option<&str>,
) -> Result<(String, String)> {
    validate::skill_name(name)?;
    if content.trim().is_empty() {
        return Err(Error::new(
            Code::InvalidSkillContent,
            "skill content is required",
        ));
    }
    let doc = frontmatter::parse(content)?;
    let front = doc.front.unwrap_or_default();
    if let Some(own) = front.get("name")
        && own.as_str() != Some(name)
    {
        return Err(Error::new(
            Code::InvalidSkillName,
            format!(
                "the frontmatter name {} does not match the skill name {}",
                validate::quote(&own.as_str().map_or_else(|| own.to_string(), str::to_string)),
                validate::quote(name)
            ),
        ));
    }
    let description = match front.get("description") {
        Some(Value::String(d)) => d.clone(),
        Some(_) => {
            return Err(Error::new(
                Code::InvalidDescription,
                "the frontmatter description must be a string",
            ));
        }
        None => description.map(str::to_string).ok_or_else(|| {
            Error::new(
                Code::InvalidDescription,
                "description is required: give --description or put it in the frontmatter",
            )
        })?,
    };
    validate::new_description(&description)?;
    let mut out = Map::new();
    out.insert("name".into(), Value::String(name.to_string()));
    out.insert("description".into(), Value::String(description.clone()));
    for (k, v) in front {
        if k != "name" && k != "description" {
            out.insert(k, v);
        }
    }
    // One leading newline belongs to the closing fence, not to the body:
    // dropping it lets content round-trip (docs/api.md#file-formats).
    let body = doc.body.strip_prefix('\n').unwrap_or(&doc.body).trim_end();
    let body = if body.is_empty() {
        String::new()
    } else {
        format!("{body}\n")
    };
    Ok((frontmatter::render(&out, &body)?, description))
}

/// What `POST /workspace/:id/skills` answers.
#[derive(Debug, Clone, Serialize)]
pub struct SkillWritten {
    pub name: String,
    pub path: String,
    pub description: String,
    pub scope: &'static str,
}

fn skill_file(ws: &Workspace, name: &str) -> PathBuf {
    ws.skills_dir().join(name).join("SKILL.md")
}

/// The project's own skill folders, which an import's `replace` clears.
fn project_dirs(ws: &Workspace) -> [PathBuf; 2] {
    [ws.skills_dir(), ws.dot_opencode().join("skill")]
}

/// Writes the skill `name` so that it is the one OpenCode loads: in place
/// where the project already has a SKILL.md of that name (under
/// `.opencode/skill(s)`, whatever its folder is called), else as
/// `.opencode/skills/<name>/SKILL.md`; the project's other SKILL.md files
/// of that name go. A SKILL.md of that name that openwork does not edit
/// (`.claude/`, `.agents/`, a parent folder, a user-wide one) is
/// `409 conflict`: OpenCode would pick one of the two at random. Skills
/// the draft already removed (an import's `replace`) do not count.
pub(crate) fn draft_upsert(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    found: &[Found],
    name: &str,
    content: &str,
    description: Option<&str>,
) -> Result<SkillWritten> {
    let (text, description) = render(name, content, description)?;
    let mut defs = Vec::new();
    for f in found {
        // Only the project's files can be gone from the draft already.
        if !f.editable || !draft.removes(&f.place.path) {
            defs.push(f);
        }
    }
    let (same, others): (Vec<&Found>, Vec<&Found>) =
        defs.into_iter().partition(|f| f.name() == name);
    if let Some(kept) = same.iter().rev().find(|f| !f.editable) {
        return Err(read_only(
            ws,
            name,
            kept,
            "; OpenCode would pick one of the two at random",
        ));
    }
    let target = match same.iter().rev().find(|f| f.editable) {
        Some(f) => f.place.path.clone(),
        None => skill_file(ws, name),
    };
    if let Some(other) = others.iter().find(|f| f.place.path == target) {
        return Err(Error::new(
            Code::Conflict,
            format!(
                "{} holds the skill {}; give this one another name",
                ws.relative(&target),
                validate::quote(other.name())
            ),
        ));
    }
    draft.set(&target, Some(text.into_bytes()))?;
    for f in same.iter().filter(|f| f.editable && f.place.path != target) {
        delete_folder(ws, draft, &f.place.path)?;
    }
    Ok(SkillWritten {
        name: name.to_string(),
        path: target.display().to_string(),
        description,
        scope: "project",
    })
}

pub fn plan_upsert(
    ws: &Workspace,
    name: &str,
    content: &str,
    description: Option<&str>,
) -> Result<(Plan, SkillWritten)> {
    let found = found(ws)?;
    let mut draft = Draft::new(ws);
    validate::skill_name(name)?;
    let existed = found.iter().any(|f| f.editable && f.name() == name);
    let verb = super::add_or_update(existed);
    let written = draft_upsert(ws, &mut draft, &found, name, content, description)?;
    Ok((
        draft.finish("skills.upsert", name, format!("{verb} skill {name}")),
        written,
    ))
}

/// Removes the skill of `skill_md`: its whole folder, but not a skill
/// nested in it (a sub-folder with a SKILL.md of its own); only the file
/// when it sits directly in a skills folder.
fn delete_folder(ws: &Workspace, draft: &mut Draft<'_>, skill_md: &Path) -> Result<()> {
    let Some(folder) = skill_md.parent() else {
        return Ok(());
    };
    if project_dirs(ws).iter().any(|d| d == folder) {
        return draft.set(skill_md, None);
    }
    remove_tree(draft, folder, true)
}

/// Every file under `dir` (links included, which a draft refuses), and
/// `dir` and its folders once empty; a nested skill is left whole.
fn remove_tree(draft: &mut Draft<'_>, dir: &Path, top: bool) -> Result<()> {
    let entries = io::list(dir).map_err(|e| Error::io("read", dir, e))?;
    if !top
        && entries
            .iter()
            .any(|e| e.name == "SKILL.md" && e.kind == io::Kind::File)
    {
        return Ok(());
    }
    for entry in entries {
        let path = dir.join(&entry.name);
        match entry.kind {
            io::Kind::Folder => remove_tree(draft, &path, false)?,
            _ => draft.set(&path, None)?,
        }
    }
    draft.remove_folder(dir)
}

/// Removes every project SKILL.md of that name, folder and all. A name no
/// file gives is `404 skill_not_found`; one that a file openwork does not
/// edit also gives is `409 conflict` naming it, and nothing is removed.
pub fn plan_delete(ws: &Workspace, name: &str) -> Result<Plan> {
    lookup(name)?;
    let found = found(ws)?;
    let same: Vec<&Found> = found.iter().filter(|f| f.name() == name).collect();
    if same.is_empty() {
        return Err(not_found(name));
    }
    if let Some(kept) = same.iter().rev().find(|f| !f.editable) {
        return Err(read_only(ws, name, kept, "; OpenCode would still load it"));
    }
    let mut draft = Draft::new(ws);
    for f in same {
        delete_folder(ws, &mut draft, &f.place.path)?;
    }
    Ok(draft.finish("skills.delete", name, format!("Remove skill {name}")))
}

/// Empties the project's own skill folders, `.opencode/skills` and
/// `.opencode/skill` (links inside are left; a linked folder is not
/// entered), so that an import's `replace` leaves exactly what it brings.
pub(crate) fn draft_clear(ws: &Workspace, draft: &mut Draft<'_>) -> Result<()> {
    for dir in project_dirs(ws) {
        if !ws.reachable(&dir) || !io::is_dir(&dir) || io::is_symlink(&dir) {
            continue;
        }
        clear_tree(draft, &dir)?;
    }
    Ok(())
}

fn clear_tree(draft: &mut Draft<'_>, dir: &Path) -> Result<()> {
    let entries = io::list(dir).map_err(|e| Error::io("read", dir, e))?;
    for entry in entries {
        let path = dir.join(&entry.name);
        match entry.kind {
            io::Kind::Folder => {
                clear_tree(draft, &path)?;
                draft.remove_folder(&path)?;
            }
            io::Kind::Link => {}
            _ => draft.set(&path, None)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text read again after the listing is the listed skill's, or the
    /// read is a conflict: an edit that keeps the name gives the new text
    /// and description; one that renames the skill, breaks it or removes
    /// the file gives no text at all.
    #[test]
    fn a_text_read_after_the_listing_is_the_listed_skills_or_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write =
            |text: &str| super::super::write_file(root, ".opencode/skills/a/SKILL.md", text);
        write("---\nname: a\ndescription: old\n---\nOld\n");
        let ws = Workspace::open(root).unwrap();
        let found = found(&ws).unwrap();
        let winner = winners(&found).into_iter().next().unwrap();
        let item = winner.item();
        write("---\nname: a\ndescription: new\n---\nNew\n");
        let mut kept = item.clone();
        let text = text_of(&ws, &mut kept, winner.found).unwrap();
        assert_eq!(
            (text.as_str(), kept.description.as_str()),
            ("---\nname: a\ndescription: new\n---\nNew\n", "new")
        );
        let path = root.join(".opencode/skills/a/SKILL.md");
        let changes: [&[u8]; 3] = [
            b"---\nname: b\n---\nB\n",
            b"no frontmatter\n",
            b"---\nname: a\n---\n\xff",
        ];
        for changed in changes {
            std::fs::write(&path, changed).unwrap();
            let err = text_of(&ws, &mut item.clone(), winner.found).unwrap_err();
            assert_eq!(err.code, Code::Conflict, "{changed:?}: {err:?}");
            assert!(
                err.message.contains("changed while it was read"),
                "{}",
                err.message
            );
        }
        std::fs::remove_file(&path).unwrap();
        let err = text_of(&ws, &mut item.clone(), winner.found).unwrap_err();
        assert_eq!(err.code, Code::Conflict);
    }

    /// The written listing is the items as serde writes them, byte for
    /// byte: duplicates, escapes, every field.
    #[test]
    fn the_written_listing_is_the_items_serialized() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| super::super::write_file(root, rel, text);
        write(".opencode/skills/a/SKILL.md", "---\nname: a\n---\nA\n");
        write(".opencode/skills/b/SKILL.md", "---\nname: a\n---\nB\n");
        write(
            ".claude/skills/c/SKILL.md",
            "---\nname: c\ndescription: \"q\\\"uote\\ttab é\"\n---\nC\n",
        );
        write(
            ".opencode/skills/.hidden/SKILL.md",
            "---\nname: h\n---\nH\n",
        );
        let ws = Workspace::open(root).unwrap();
        let items = list(&ws, true).unwrap();
        let mut json = b"{".to_vec();
        list_json(&ws, true, &mut json).unwrap();
        assert_eq!(json[1..], serde_json::to_vec(&items).unwrap());
        assert_eq!(items.len(), 3, "{items:?}");
        assert!(items.iter().any(|i| !i.duplicates.is_empty()));
        assert!(items.iter().any(|i| i.description.contains('"')));
    }

    #[test]
    fn render_plain_content() {
        let (text, d) = render("my-skill", "# Hi\n\n\n", Some("Does things")).unwrap();
        assert_eq!(
            text,
            "---\nname: my-skill\ndescription: Does things\n---\n# Hi\n"
        );
        assert_eq!(d, "Does things");
    }

    #[test]
    fn frontmatter_description_wins_and_extra_keys_kept() {
        let content = "---\nlicense: MIT\ndescription: From file\nname: s\n---\n\nBody";
        let (text, d) = render("s", content, Some("payload")).unwrap();
        assert_eq!(d, "From file");
        assert_eq!(
            text,
            "---\nname: s\ndescription: From file\nlicense: MIT\n---\nBody\n"
        );
    }

    #[test]
    fn render_errors() {
        assert_eq!(
            render("s", "---\nname: other\n---\nx", Some("d"))
                .unwrap_err()
                .code,
            Code::InvalidSkillName
        );
        assert_eq!(
            render("Bad_Name", "x", Some("d")).unwrap_err().code,
            Code::InvalidSkillName
        );
        assert_eq!(
            render("s", "x", None).unwrap_err().code,
            Code::InvalidDescription
        );
        assert_eq!(
            render("s", "  ", Some("d")).unwrap_err().code,
            Code::InvalidSkillContent
        );
        assert_eq!(
            render("s", "---\nname: [\n---\n", Some("d"))
                .unwrap_err()
                .code,
            Code::InvalidFrontmatter
        );
        assert_eq!(
            render("s", "x", Some(&"d".repeat(1025))).unwrap_err().code,
            Code::InvalidDescription
        );
    }
}
