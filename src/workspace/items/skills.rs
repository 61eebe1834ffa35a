//! Skills: `<dir>/SKILL.md` folders with YAML frontmatter. Project skills
//! are written under `.opencode/skills`; `.claude/skills` and global skills
//! are listed, never written.

use super::validate;
use crate::workspace::formats::frontmatter::{self, str_field};
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
    pub description: String,
    pub scope: String,
}

/// The folders a listing reads, nearest first: each folder from the
/// workspace root up to the one holding `.git` (only the root when no
/// `.git` is found above it).
fn project_skill_dirs(ws: &Workspace) -> Vec<PathBuf> {
    let mut chain = Vec::new();
    let mut dir = Some(ws.root());
    let mut found_git = false;
    while let Some(d) = dir {
        chain.push(d.to_path_buf());
        if io::exists(&d.join(".git")) {
            found_git = true;
            break;
        }
        dir = d.parent();
    }
    if !found_git {
        chain.truncate(1);
    }
    chain
        .into_iter()
        .flat_map(|d| [d.join(".opencode/skills"), d.join(".claude/skills")])
        .collect()
}

pub fn list(ws: &Workspace, include_global: bool) -> Result<Vec<SkillItem>> {
    Ok(list_with_content(ws, include_global)?
        .into_iter()
        .map(|(item, _)| item)
        .collect())
}

/// The listing with each SKILL.md's text (for export), from the same cache.
pub(crate) fn list_with_content(
    ws: &Workspace,
    include_global: bool,
) -> Result<Vec<(SkillItem, Arc<str>)>> {
    let mut items: Vec<(SkillItem, Arc<str>)> = Vec::new();
    let mut roots: Vec<(PathBuf, &str)> = project_skill_dirs(ws)
        .into_iter()
        .map(|d| (d, "project"))
        .collect();
    if include_global && let Some(g) = ws.global() {
        roots.push((g.opencode.join("skills"), "global"));
        roots.push((g.claude.join("skills"), "global"));
    }
    for (dir, scope) in roots {
        for item in read_skill_dir(ws, &dir, scope) {
            if !items.iter().any(|(i, _)| i.name == item.0.name) {
                items.push(item);
            }
        }
    }
    Ok(items)
}

/// A valid SKILL.md as the cache keeps it.
struct ParsedSkill {
    description: String,
    content: Arc<str>,
}

/// Valid skills of one folder, by name. Links and invalid entries are skipped.
fn read_skill_dir(ws: &Workspace, dir: &Path, scope: &str) -> Vec<(SkillItem, Arc<str>)> {
    // A skills folder of the workspace that is (or is under) a link is
    // not read: it would list what lies outside.
    folders(ws, dir)
        .into_iter()
        .filter_map(|name| {
            let path = dir.join(&name).join("SKILL.md");
            // `dir` was checked above and `name` is a real folder (readdir
            // does not follow links); the cache neither follows a link at
            // SKILL.md itself.
            let parsed = ws
                .cached_child(&path, "skill", |bytes| {
                    let text = std::str::from_utf8(bytes).ok()?;
                    Some(ParsedSkill {
                        description: valid_description(&name, text)?,
                        content: Arc::from(text),
                    })
                })
                .ok()??;
            let parsed = parsed.as_ref().as_ref()?;
            let item = SkillItem {
                name,
                path: path.display().to_string(),
                description: parsed.description.clone(),
                scope: scope.to_string(),
            };
            Some((item, parsed.content.clone()))
        })
        .collect()
}

/// The description of a valid SKILL.md for the folder `name`, else `None`.
fn valid_description(name: &str, text: &str) -> Option<String> {
    validate::skill_name(name).ok()?;
    let front = frontmatter::parse(text).ok()?.front?;
    if str_field(&front, "name")? != name {
        return None;
    }
    let description = str_field(&front, "description")?;
    validate::description(description).ok()?;
    Some(description.to_string())
}

/// A project skill by name, with the SKILL.md text (for `skills show`).
pub fn read(ws: &Workspace, name: &str) -> Result<(SkillItem, String)> {
    validate::skill_name(name)?;
    // The text comes from the same read as the listing: never through a link.
    let (item, text) = list_with_content(ws, true)?
        .into_iter()
        .find(|(s, _)| s.name == name)
        .ok_or_else(|| not_found(name))?;
    Ok((item, text.to_string()))
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

pub(crate) fn draft_upsert(
    ws: &Workspace,
    draft: &mut Draft<'_>,
    name: &str,
    content: &str,
    description: Option<&str>,
) -> Result<SkillWritten> {
    let (text, description) = render(name, content, description)?;
    let path = skill_file(ws, name);
    draft.set(&path, Some(text.into_bytes()))?;
    Ok(SkillWritten {
        name: name.to_string(),
        path: path.display().to_string(),
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
    let mut draft = Draft::new(ws);
    validate::skill_name(name)?;
    let verb = super::add_or_update(draft.bytes(&skill_file(ws, name))?.is_some());
    let written = draft_upsert(ws, &mut draft, name, content, description)?;
    Ok((
        draft.finish("skills.upsert", name, format!("{verb} skill {name}")),
        written,
    ))
}

/// Every file of a project skill folder, for removal.
pub(crate) fn draft_delete(ws: &Workspace, draft: &mut Draft<'_>, name: &str) -> Result<bool> {
    let dir = ws.skills_dir().join(name);
    if io::is_symlink(&dir) || !io::is_dir(&dir) {
        return Ok(false);
    }
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        let entries = io::list(&d).map_err(|e| Error::io("read", &d, e))?;
        for entry in entries {
            let path = d.join(&entry.name);
            match entry.kind {
                io::Kind::Folder => stack.push(path),
                _ => draft.set(&path, None)?,
            }
        }
    }
    Ok(true)
}

pub fn plan_delete(ws: &Workspace, name: &str) -> Result<Plan> {
    validate::skill_name(name)?;
    let mut draft = Draft::new(ws);
    if !draft_delete(ws, &mut draft, name)? {
        return Err(not_found(name));
    }
    Ok(draft.finish("skills.delete", name, format!("Remove skill {name}")))
}

/// Every folder of `.opencode/skills` (links excluded), valid or not: what
/// an import `replace` removes.
pub(crate) fn project_folders(ws: &Workspace) -> Vec<String> {
    folders(ws, &ws.skills_dir())
}

/// Names of the real sub-folders of `dir` (readdir does not follow links),
/// sorted; nothing when `dir` itself is reached through a link.
fn folders(ws: &Workspace, dir: &Path) -> Vec<String> {
    if !ws.reachable(dir) {
        return Vec::new();
    }
    let Ok(entries) = io::list(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .into_iter()
        .filter(|e| e.kind == io::Kind::Folder)
        .filter_map(|e| e.name.into_string().ok())
        .collect();
    names.sort_unstable();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

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
