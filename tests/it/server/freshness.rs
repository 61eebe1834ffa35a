//! Reads are never stale: a read never answers with data older than a write
//! that was already answered, and an edit made by hand shows up on the very
//! next read. Each test reads once to warm whatever the server may cache,
//! reads again, changes the files (by hand or through the API) and reads at
//! once: no sleeps, no retries, no timing.
//!
//! Files set up by hand are aged (mtime an hour back), as a user's files
//! usually are, so that a cache trusting (size, mtime) would keep them.
//! An edit "in place" keeps the inode and the size and puts the old mtime
//! back: only the bytes (and the ctime) differ.
#![cfg(unix)]

use crate::support::rng::Rng;
use crate::support::serve::{self, Resp, Server, run_cli};
use crate::support::{snapshot, workspace, write};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write as _};
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// ===== helpers =====

fn url(s: &Server, rest: &str) -> String {
    format!("/workspace/{}{rest}", s.ws_id(0))
}

/// `exportedAt` is the clock, not the files: dropped before comparing.
fn strip_clock(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("exportedAt");
    }
    v
}

/// `GET /workspace/:id{rest}`, which must answer 200.
async fn get_resp(s: &Server, rest: &str) -> Resp {
    let r = s.get(&url(s, rest)).await;
    assert_eq!(r.status, 200, "GET {rest}: {r:?}");
    r
}

async fn get(s: &Server, rest: &str) -> Value {
    strip_clock(get_resp(s, rest).await.json)
}

/// Reads `rest` twice (the second read may be served from a cache); both
/// must agree.
async fn warm(s: &Server, rest: &str) -> Value {
    let first = get(s, rest).await;
    let second = get(s, rest).await;
    assert_eq!(first, second, "two reads of {rest} with no change between");
    second
}

async fn etag(s: &Server) -> String {
    get_resp(s, "/config")
        .await
        .header("etag")
        .expect("etag")
        .to_string()
}

/// `GET /commands?scope=global` (client and host token both required).
async fn global_commands(s: &Server) -> Value {
    let r = serve::send(
        s.client(Method::GET, &url(s, "/commands?scope=global"))
            .header("X-OpenWork-Host-Token", &s.host_token),
    )
    .await;
    assert_eq!(r.status, 200, "GET /commands?scope=global: {r:?}");
    r.json
}

fn names(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {v}"))
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

fn export_names(v: &Value, key: &str) -> Vec<String> {
    names(&json!({ "items": v[key] }))
}

fn specs(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {v}"))
        .iter()
        .map(|i| i["spec"].as_str().unwrap().to_string())
        .collect()
}

fn item<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not listed: {v}"))
}

fn skill(name: &str, description: &str) -> String {
    format!("---\nname: {name}\ndescription: {description}\n---\nBody of {name}\n")
}

fn command(name: &str, template: &str) -> String {
    format!("---\nname: {name}\n---\n\n{template}\n")
}

fn an_hour_ago() -> SystemTime {
    SystemTime::now() - Duration::from_secs(3600)
}

fn set_mtime(path: &Path, t: SystemTime) {
    // A folder can only be opened read-only; futimens needs no more.
    let f = if path.is_dir() {
        File::open(path)
    } else {
        OpenOptions::new().write(true).open(path)
    };
    f.unwrap().set_modified(t).unwrap();
}

/// Every regular file under `dir` last modified an hour ago.
fn age_tree(dir: &Path) {
    let t = an_hour_ago();
    for path in snapshot(dir).keys() {
        if fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
            set_mtime(path, t);
        }
    }
}

/// Overwrites the first `old` in the file with `new` (same length), in
/// place: same inode, same size, and the mtime put back.
fn edit_in_place(path: &Path, old: &str, new: &str) {
    overwrite_in_place(path, old, new, true);
}

fn overwrite_in_place(path: &Path, old: &str, new: &str, keep_mtime: bool) {
    assert_eq!(old.len(), new.len(), "an in-place edit keeps the size");
    let text = fs::read_to_string(path).unwrap();
    let at = text
        .find(old)
        .unwrap_or_else(|| panic!("{old:?} is not in {}", path.display()));
    write_at(path, at as u64, new.as_bytes(), keep_mtime);
}

fn write_at(path: &Path, at: u64, bytes: &[u8], keep_mtime: bool) {
    let before = fs::symlink_metadata(path).unwrap();
    let mut f = OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(at)).unwrap();
    f.write_all(bytes).unwrap();
    if keep_mtime {
        f.set_modified(before.modified().unwrap()).unwrap();
    }
    drop(f);
    let after = fs::symlink_metadata(path).unwrap();
    assert_eq!(
        (after.dev(), after.ino(), after.len()),
        (before.dev(), before.ino(), before.len()),
        "{} was not edited in place",
        path.display()
    );
    if keep_mtime {
        assert_eq!(after.modified().unwrap(), before.modified().unwrap());
    }
}

/// Replaces `path` by a new file (a new inode) through a rename, as
/// editors and atomic writers do; `mtime` is given to the new file.
fn replace_by_rename(path: &Path, text: &str, mtime: Option<SystemTime>) {
    let tmp = path.with_extension("swp");
    fs::write(&tmp, text).unwrap();
    if let Some(t) = mtime {
        set_mtime(&tmp, t);
    }
    fs::rename(&tmp, path).unwrap();
}

fn mtime(path: &Path) -> SystemTime {
    fs::symlink_metadata(path).unwrap().modified().unwrap()
}

// ===== 1. edits by hand =====

/// Same size, same inode, same mtime: only the bytes (and the ctime)
/// differ, as after `cp -p`, `rsync -t`, `touch -r` or an editor that
/// keeps times. A parse cache stamped with (dev, inode, size, mtime)
/// alone would miss these; src/workspace/io/cache.rs stamps the ctime too.
#[tokio::test(flavor = "multi_thread")]
async fn same_size_edits_in_place_with_the_old_mtime_show_on_the_next_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let config = root.join("opencode.jsonc");
    write(
        &config,
        "{\n  // mine\n  \"plugin\": [\"aaa\"],\n  \"mcp\": {\"m\": {\"type\": \"local\", \"command\": [\"run-aaa\"]}},\n}\n",
    );
    let openwork = root.join(".opencode/openwork.json");
    write(&openwork, "{\"defaultModel\": \"model-a\"}\n");
    let skill_md = root.join(".opencode/skills/s/SKILL.md");
    write(&skill_md, &skill("s", "Old description"));
    let cmd = root.join(".opencode/commands/c.md");
    write(&cmd, &command("c", "Review AAA"));
    age_tree(root);
    let s = Server::auto(root);

    // opencode.jsonc: the plugin list, the ETag, If-Match.
    assert_eq!(specs(&warm(&s, "/plugins").await), ["aaa"]);
    warm(&s, "/config").await;
    let tag0 = etag(&s).await;
    edit_in_place(&config, "\"aaa\"", "\"bbb\"");
    assert_eq!(
        specs(&get(&s, "/plugins").await),
        ["bbb"],
        "GET /plugins missed a same-size in-place edit of opencode.jsonc (plugin aaa -> bbb, mtime restored)"
    );
    assert_eq!(
        get(&s, "/config").await["opencode"]["plugin"],
        json!(["bbb"]),
        "GET /config missed a same-size in-place edit of opencode.jsonc (mtime restored)"
    );
    let tag1 = etag(&s).await;
    assert_ne!(
        tag0, tag1,
        "the ETag did not change after a same-size in-place edit of opencode.jsonc (mtime restored)"
    );
    let before = fs::read(&config).unwrap();
    let r = serve::send(
        s.client(Method::PATCH, &url(&s, "/config"))
            .header("If-Match", &tag0)
            .json(&json!({"opencode": {"username": "dark"}})),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (409, "conflict"),
        "If-Match with the ETag from before a hand edit of opencode.jsonc was accepted: {r:?}"
    );
    assert_eq!(
        fs::read(&config).unwrap(),
        before,
        "a refused PATCH changed the file"
    );

    // The mcp entry of the same file.
    assert_eq!(
        item(&warm(&s, "/mcp").await, "m")["config"]["command"],
        json!(["run-aaa"])
    );
    edit_in_place(&config, "run-aaa", "run-bbb");
    assert_eq!(
        item(&get(&s, "/mcp").await, "m")["config"]["command"],
        json!(["run-bbb"]),
        "GET /mcp missed a same-size in-place edit of opencode.jsonc (run-aaa -> run-bbb, mtime restored)"
    );

    // .opencode/openwork.json.
    warm(&s, "/config").await;
    let tag2 = etag(&s).await;
    edit_in_place(&openwork, "model-a", "model-b");
    assert_eq!(
        get(&s, "/config").await["openwork"]["defaultModel"],
        "model-b",
        "GET /config missed a same-size in-place edit of openwork.json (model-a -> model-b, mtime restored)"
    );
    assert_ne!(
        etag(&s).await,
        tag2,
        "the ETag did not change after a same-size in-place edit of openwork.json (mtime restored)"
    );
    assert_eq!(
        warm(&s, "/export").await["openwork"]["defaultModel"],
        "model-b"
    );

    // A SKILL.md description.
    assert_eq!(
        item(&warm(&s, "/skills").await, "s")["description"],
        "Old description"
    );
    warm(&s, "/export").await;
    edit_in_place(&skill_md, "Old description", "New description");
    assert_eq!(
        item(&get(&s, "/skills").await, "s")["description"],
        "New description",
        "GET /skills missed a same-size in-place edit of SKILL.md (mtime restored)"
    );
    let export = get(&s, "/export").await;
    assert!(
        export["skills"][0]["content"]
            .as_str()
            .unwrap()
            .contains("New description"),
        "GET /export missed a same-size in-place edit of SKILL.md (mtime restored): {export}"
    );

    // A command template.
    assert_eq!(
        item(&warm(&s, "/commands").await, "c")["template"],
        "Review AAA"
    );
    warm(&s, "/export").await;
    edit_in_place(&cmd, "Review AAA", "Review BBB");
    assert_eq!(
        item(&get(&s, "/commands").await, "c")["template"],
        "Review BBB",
        "GET /commands missed a same-size in-place edit of a command file (mtime restored)"
    );
    assert_eq!(
        get(&s, "/export").await["commands"][0]["template"],
        "Review BBB",
        "GET /export missed a same-size in-place edit of a command file (mtime restored)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn skill_folders_added_removed_renamed_and_replaced_show_on_the_next_read() {
    let dir = workspace();
    let root = dir.path();
    age_tree(root);
    let s = Server::auto(root);
    let skills = root.join(".opencode/skills");

    // The first skill of a workspace that has no .opencode folder yet.
    assert!(names(&warm(&s, "/skills").await).is_empty());
    write(&skills.join("one/SKILL.md"), &skill("one", "First"));
    age_tree(root);
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["one"],
        "GET /skills missed the first skill folder (and .opencode) created by hand"
    );

    // A new folder.
    warm(&s, "/skills").await;
    warm(&s, "/export").await;
    fs::create_dir(skills.join("two")).unwrap();
    write(&skills.join("two/SKILL.md"), &skill("two", "Second"));
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["one", "two"],
        "GET /skills missed a new skill folder"
    );
    assert_eq!(
        export_names(&get(&s, "/export").await, "skills"),
        ["one", "two"],
        "GET /export missed a new skill folder"
    );

    // A folder removed.
    warm(&s, "/skills").await;
    warm(&s, "/export").await;
    fs::remove_dir_all(skills.join("two")).unwrap();
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["one"],
        "GET /skills still lists a removed skill folder"
    );
    assert_eq!(
        export_names(&get(&s, "/export").await, "skills"),
        ["one"],
        "GET /export still has a removed skill folder"
    );

    // Renamed: first the folder alone (the skill keeps its frontmatter
    // name, as OpenCode reads it, from the new place), then the
    // frontmatter.
    warm(&s, "/skills").await;
    fs::rename(skills.join("one"), skills.join("uno")).unwrap();
    let listed = get(&s, "/skills").await;
    assert_eq!(names(&listed), ["one"]);
    assert!(
        listed["items"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("/uno/SKILL.md"),
        "GET /skills missed a skill folder renamed (one -> uno, frontmatter still 'one')"
    );
    let md = skills.join("uno/SKILL.md");
    fs::write(&md, skill("uno", "First")).unwrap();
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["uno"],
        "GET /skills missed the frontmatter fix of a renamed skill"
    );
    assert_eq!(
        export_names(&get(&s, "/export").await, "skills"),
        ["uno"],
        "GET /export missed a renamed skill"
    );

    // SKILL.md replaced by rename-over: same size, same mtime, only the
    // inode differs.
    age_tree(root);
    assert_eq!(
        item(&warm(&s, "/skills").await, "uno")["description"],
        "First"
    );
    warm(&s, "/export").await;
    replace_by_rename(&md, &skill("uno", "Fresh"), Some(mtime(&md)));
    assert_eq!(
        item(&get(&s, "/skills").await, "uno")["description"],
        "Fresh",
        "GET /skills missed SKILL.md replaced by a rename (same size and mtime)"
    );
    assert!(
        get(&s, "/export").await["skills"][0]["content"]
            .as_str()
            .unwrap()
            .contains("Fresh"),
        "GET /export missed SKILL.md replaced by a rename"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn command_files_added_edited_and_removed_show_on_the_next_read() {
    let dir = workspace();
    let root = dir.path();
    let commands = root.join(".opencode/commands");
    let s = Server::auto(root);

    // The first command of a workspace without a commands folder.
    assert!(names(&warm(&s, "/commands").await).is_empty());
    write(&commands.join("a.md"), &command("a", "Do A"));
    age_tree(root);
    assert_eq!(
        names(&get(&s, "/commands").await),
        ["a"],
        "GET /commands missed the first command file (and its folder) created by hand"
    );

    // A new file.
    warm(&s, "/commands").await;
    warm(&s, "/export").await;
    write(&commands.join("b.md"), &command("b", "Do B"));
    assert_eq!(
        names(&get(&s, "/commands").await),
        ["a", "b"],
        "GET /commands missed a new command file"
    );
    assert_eq!(
        export_names(&get(&s, "/export").await, "commands"),
        ["a", "b"],
        "GET /export missed a new command file"
    );

    // An edit (another size, written in place by truncation).
    age_tree(root);
    warm(&s, "/commands").await;
    warm(&s, "/export").await;
    fs::write(commands.join("a.md"), command("a", "Do A, and more")).unwrap();
    assert_eq!(
        item(&get(&s, "/commands").await, "a")["template"],
        "Do A, and more",
        "GET /commands missed an edit of a command file"
    );
    assert_eq!(
        get(&s, "/export").await["commands"][0]["template"],
        "Do A, and more",
        "GET /export missed an edit of a command file"
    );

    // A file deleted.
    warm(&s, "/commands").await;
    warm(&s, "/export").await;
    fs::remove_file(commands.join("b.md")).unwrap();
    assert_eq!(
        names(&get(&s, "/commands").await),
        ["a"],
        "GET /commands still lists a deleted command file"
    );
    assert_eq!(
        export_names(&get(&s, "/export").await, "commands"),
        ["a"],
        "GET /export still has a deleted command file"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_config_file_read_follows_json_and_jsonc_appearing_and_going() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (json_file, jsonc_file) = (root.join("opencode.json"), root.join("opencode.jsonc"));
    let s = Server::auto(root);

    let plugin = |v: &Value| v["opencode"]["plugin"].clone();
    assert_eq!(warm(&s, "/config").await["opencode"], json!({}));
    assert!(specs(&warm(&s, "/plugins").await).is_empty());
    let tag0 = etag(&s).await;

    // opencode.json appears where neither file existed.
    write(&json_file, "{\"plugin\": [\"from-json\"]}\n");
    age_tree(root);
    assert_eq!(
        plugin(&get(&s, "/config").await),
        json!(["from-json"]),
        "GET /config missed opencode.json appearing"
    );
    assert_eq!(
        specs(&get(&s, "/plugins").await),
        ["from-json"],
        "GET /plugins missed opencode.json appearing"
    );
    let tag1 = etag(&s).await;
    assert_ne!(tag0, tag1, "the ETag missed opencode.json appearing");

    // opencode.jsonc appears next to it: it wins.
    warm(&s, "/config").await;
    warm(&s, "/plugins").await;
    write(
        &jsonc_file,
        "{\n  // wins\n  \"plugin\": [\"from-jsonc\"],\n}\n",
    );
    age_tree(root);
    assert_eq!(
        plugin(&get(&s, "/config").await),
        json!(["from-jsonc"]),
        "GET /config missed opencode.jsonc appearing next to opencode.json"
    );
    // OpenCode reads both (the .jsonc after the .json): the plugins of both.
    assert_eq!(
        specs(&get(&s, "/plugins").await),
        ["from-json", "from-jsonc"],
        "GET /plugins missed opencode.jsonc appearing next to opencode.json"
    );
    assert_ne!(
        etag(&s).await,
        tag1,
        "the ETag missed opencode.jsonc appearing"
    );

    // opencode.jsonc deleted: back to opencode.json.
    warm(&s, "/config").await;
    warm(&s, "/plugins").await;
    fs::remove_file(&jsonc_file).unwrap();
    assert_eq!(
        plugin(&get(&s, "/config").await),
        json!(["from-json"]),
        "GET /config missed opencode.jsonc deleted (opencode.json is read again)"
    );
    assert_eq!(
        specs(&get(&s, "/plugins").await),
        ["from-json"],
        "GET /plugins missed opencode.jsonc deleted"
    );
    assert_eq!(
        etag(&s).await,
        tag1,
        "the ETag of the same opencode.json changed"
    );

    // And opencode.json deleted too.
    warm(&s, "/config").await;
    fs::remove_file(&json_file).unwrap();
    assert_eq!(
        get(&s, "/config").await["opencode"],
        json!({}),
        "GET /config missed opencode.json deleted"
    );
    assert_eq!(etag(&s).await, tag0, "the ETag of no config file changed");
}

/// Skills are read from each folder up to the one holding `.git` (every
/// folder up to `/` outside git, as OpenCode reads them): a `.git`
/// appearing or going above or in the workspace moves where the walk
/// stops, and the listing follows.
#[tokio::test(flavor = "multi_thread")]
async fn a_git_folder_appearing_or_going_moves_where_skills_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let grand = tmp.path().join("grand");
    let parent = grand.join("parent");
    let root = parent.join("ws");
    write(&root.join("opencode.jsonc"), "{}\n");
    write(
        &root.join(".opencode/skills/own/SKILL.md"),
        &skill("own", "Own"),
    );
    write(
        &parent.join(".opencode/skills/p/SKILL.md"),
        &skill("p", "Parent"),
    );
    write(
        &parent.join(".claude/skills/pc/SKILL.md"),
        &skill("pc", "Claude"),
    );
    write(
        &grand.join(".opencode/skills/g/SKILL.md"),
        &skill("g", "Grand"),
    );
    age_tree(tmp.path());
    let s = Server::auto(&root);
    let git = parent.join(".git");

    // Outside git: every folder up to `/`.
    assert_eq!(names(&warm(&s, "/skills").await), ["g", "own", "p", "pc"]);
    warm(&s, "/export").await;
    fs::create_dir(&git).unwrap();
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["own", "p", "pc"],
        "GET /skills missed `mkdir parent/.git` (the walk stops at the parent)"
    );
    assert_eq!(
        export_names(&get(&s, "/export").await, "skills"),
        ["own", "p", "pc"],
        "GET /export missed `mkdir parent/.git`"
    );

    // A skill added in the parent while the parent is read.
    warm(&s, "/skills").await;
    write(
        &parent.join(".opencode/skills/q/SKILL.md"),
        &skill("q", "Later"),
    );
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["own", "p", "pc", "q"],
        "GET /skills missed a skill folder created in the parent"
    );
    fs::remove_dir_all(parent.join(".opencode/skills/q")).unwrap();
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["own", "p", "pc"],
        "GET /skills missed a skill folder removed from the parent"
    );

    // A `.git` in the workspace itself stops the walk there.
    warm(&s, "/skills").await;
    fs::create_dir(root.join(".git")).unwrap();
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["own"],
        "GET /skills missed `mkdir ws/.git` (the walk stops at the workspace)"
    );
    fs::remove_dir(root.join(".git")).unwrap();
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["own", "p", "pc"],
        "GET /skills missed `rmdir ws/.git`"
    );

    // `.git` gone from the parent: up to `/` again.
    warm(&s, "/skills").await;
    warm(&s, "/export").await;
    fs::remove_dir(&git).unwrap();
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["g", "own", "p", "pc"],
        "GET /skills missed `rmdir parent/.git` (the grandparent's skills come in)"
    );
    assert_eq!(
        export_names(&get(&s, "/export").await, "skills"),
        ["g", "own", "p", "pc"],
        "GET /export missed `rmdir parent/.git`"
    );

    // `.git` as a file (a worktree or submodule) counts as well.
    warm(&s, "/skills").await;
    fs::write(&git, "gitdir: /nowhere\n").unwrap();
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["own", "p", "pc"],
        "GET /skills missed a `.git` file appearing in the parent"
    );
    fs::remove_file(&git).unwrap();
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["g", "own", "p", "pc"],
        "GET /skills missed a `.git` file removed from the parent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dot_opencode_folder_replaced_wholesale_shows_on_the_next_read() {
    let dir = workspace();
    let root = dir.path();
    let attic = tempfile::tempdir().unwrap();
    let dot = root.join(".opencode");
    let fill = |note: &str, skill_name: &str, cmd: &str, plugin: &str| {
        write(
            &dot.join("openwork.json"),
            &format!("{{\"note\": \"{note}\"}}\n"),
        );
        write(
            &dot.join(format!("skills/{skill_name}/SKILL.md")),
            &skill(skill_name, "Same text"),
        );
        write(
            &dot.join(format!("commands/{cmd}.md")),
            &command(cmd, "Same template"),
        );
        write(
            &dot.join(format!("plugins/{plugin}")),
            "export default {}\n",
        );
    };
    fill("old", "old-skill", "old-cmd", "old.js");
    age_tree(root);
    let s = Server::auto(root);

    let views = ["/config", "/skills", "/commands", "/plugins", "/export"];
    for v in views {
        warm(&s, v).await;
    }
    let away = attic.path().join("previous");
    fs::rename(&dot, &away).unwrap();
    fill("new", "new-skill", "new-cmd", "new.ts");
    age_tree(root);
    let missed = "missed .opencode replaced wholesale (renamed away, a new one made)";
    assert_eq!(
        get(&s, "/config").await["openwork"]["note"],
        "new",
        "GET /config {missed}"
    );
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["new-skill"],
        "GET /skills {missed}"
    );
    assert_eq!(
        names(&get(&s, "/commands").await),
        ["new-cmd"],
        "GET /commands {missed}"
    );
    let plugins = get(&s, "/plugins").await;
    assert_eq!(
        plugins["items"][0]["path"], ".opencode/plugins/new.ts",
        "GET /plugins {missed}: {plugins}"
    );
    let export = get(&s, "/export").await;
    assert_eq!(
        (
            export_names(&export, "skills"),
            export_names(&export, "commands")
        ),
        (vec!["new-skill".to_string()], vec!["new-cmd".to_string()]),
        "GET /export {missed}"
    );

    // Edits in the new folder are seen; edits in the old one, now
    // elsewhere, are not the workspace's.
    for v in views {
        warm(&s, v).await;
    }
    fs::write(away.join("openwork.json"), "{\"note\": \"moved away\"}\n").unwrap();
    fs::write(
        away.join("skills/old-skill/SKILL.md"),
        skill("old-skill", "Edited away"),
    )
    .unwrap();
    assert_eq!(get(&s, "/config").await["openwork"]["note"], "new");
    fs::write(
        dot.join("skills/new-skill/SKILL.md"),
        skill("new-skill", "Edited here"),
    )
    .unwrap();
    assert_eq!(
        item(&get(&s, "/skills").await, "new-skill")["description"],
        "Edited here",
        "GET /skills missed an edit in the new .opencode folder"
    );

    // And swapped back: the old folder, with the edits made while away.
    for v in views {
        warm(&s, v).await;
    }
    fs::rename(&dot, attic.path().join("second")).unwrap();
    fs::rename(&away, &dot).unwrap();
    assert_eq!(
        get(&s, "/config").await["openwork"]["note"],
        "moved away",
        "GET /config missed the old .opencode folder moved back"
    );
    let skills = get(&s, "/skills").await;
    assert_eq!(
        (
            names(&skills),
            item(&skills, "old-skill")["description"].clone()
        ),
        (vec!["old-skill".to_string()], json!("Edited away")),
        "GET /skills missed the old .opencode folder moved back"
    );
    assert_eq!(
        names(&get(&s, "/commands").await),
        ["old-cmd"],
        "GET /commands missed the old .opencode folder moved back"
    );
}

/// A watch on the skill's folder sees nothing when the file is written
/// through another of its names: only the file itself changes.
#[tokio::test(flavor = "multi_thread")]
async fn a_hard_linked_skill_edited_through_its_other_name_shows_on_the_next_read() {
    let dir = workspace();
    let root = dir.path();
    let outside = tempfile::tempdir().unwrap();
    let other = outside.path().join("shared.md");
    fs::write(&other, skill("h", "Linked AAAA")).unwrap();
    let md = root.join(".opencode/skills/h/SKILL.md");
    fs::create_dir_all(md.parent().unwrap()).unwrap();
    fs::hard_link(&other, &md).unwrap();
    age_tree(root);
    let s = Server::auto(root);

    assert_eq!(
        item(&warm(&s, "/skills").await, "h")["description"],
        "Linked AAAA"
    );
    warm(&s, "/export").await;
    // In place, same size, through the other name (the mtime moves on).
    overwrite_in_place(&other, "AAAA", "BBBB", false);
    assert_eq!(
        item(&get(&s, "/skills").await, "h")["description"],
        "Linked BBBB",
        "GET /skills missed a same-size edit of SKILL.md made through a hard link outside the workspace"
    );
    assert!(
        get(&s, "/export").await["skills"][0]["content"]
            .as_str()
            .unwrap()
            .contains("Linked BBBB"),
        "GET /export missed an edit made through a hard link"
    );
}

/// The server keeps the parses of a folder of command files as one value
/// and parses again only the files its watcher saw change; a file of two
/// hard links, written through the name outside the workspace, is seen
/// by the next read and by the next write's plan (which finds a command
/// by the name its frontmatter gives).
#[tokio::test(flavor = "multi_thread")]
async fn a_hard_linked_command_edited_through_its_other_name_shows_on_the_next_read_and_write() {
    let dir = workspace();
    let root = dir.path();
    let outside = tempfile::tempdir().unwrap();
    let other = outside.path().join("shared.md");
    fs::write(
        &other,
        "---\nagent: build\ndescription: Linked AAAA\n---\nRun it\n",
    )
    .unwrap();
    let commands = root.join(".opencode/commands");
    fs::create_dir_all(&commands).unwrap();
    for i in 0..20 {
        fs::write(commands.join(format!("c{i:02}.md")), "Step\n").unwrap();
    }
    let md = commands.join("h.md");
    fs::hard_link(&other, &md).unwrap();
    age_tree(root);
    let s = Server::auto(root);

    assert_eq!(
        item(&warm(&s, "/commands").await, "h")["description"],
        "Linked AAAA"
    );
    warm(&s, "/commands").await;
    overwrite_in_place(&other, "AAAA", "BBBB", false);
    assert_eq!(
        item(&get(&s, "/commands").await, "h")["description"],
        "Linked BBBB",
        "GET /commands missed a same-size edit of a command file made through a hard link"
    );
    warm(&s, "/commands").await;
    overwrite_in_place(&other, "agent: build", "name: rename", false);
    let listed = get(&s, "/commands").await;
    assert_eq!(
        item(&listed, "rename")["description"],
        "Linked BBBB",
        "GET /commands missed a name given through a hard link: {listed}"
    );
    warm(&s, "/commands").await;
    overwrite_in_place(&other, "name: rename", "name: second", false);
    let r = s
        .post(
            &url(&s, "/commands"),
            &json!({"name": "second", "template": "Written"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let written = fs::read_to_string(&md).unwrap();
    assert!(
        written.contains("Written") && !commands.join("second.md").exists(),
        "the write of `second` did not find the file that names it: h.md is {written:?}"
    );
}

/// Links are not followed (see server/symlinks.rs); a skill folder
/// that becomes a link leaves the listing at once, and comes back when the
/// real folder does.
#[tokio::test(flavor = "multi_thread")]
async fn a_skill_folder_replaced_by_a_link_leaves_the_listing() {
    let dir = workspace();
    let root = dir.path();
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("l/SKILL.md"), &skill("l", "Outside"));
    let skills = root.join(".opencode/skills");
    write(&skills.join("l/SKILL.md"), &skill("l", "Inside"));
    write(&skills.join("k/SKILL.md"), &skill("k", "Kept"));
    age_tree(root);
    age_tree(outside.path());
    let s = Server::auto(root);
    let keep = tempfile::tempdir().unwrap();

    assert_eq!(
        item(&warm(&s, "/skills").await, "l")["description"],
        "Inside"
    );
    warm(&s, "/export").await;
    fs::rename(skills.join("l"), keep.path().join("l")).unwrap();
    symlink(outside.path().join("l"), skills.join("l")).unwrap();
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["k"],
        "GET /skills missed a skill folder replaced by a link (a link is not followed)"
    );
    assert_eq!(
        export_names(&get(&s, "/export").await, "skills"),
        ["k"],
        "GET /export missed a skill folder replaced by a link"
    );
    // What the link points to changes: still not served.
    fs::write(
        outside.path().join("l/SKILL.md"),
        skill("l", "Outside, edited"),
    )
    .unwrap();
    assert_eq!(names(&get(&s, "/skills").await), ["k"]);

    // The real folder back.
    warm(&s, "/skills").await;
    fs::remove_file(skills.join("l")).unwrap();
    fs::rename(keep.path().join("l"), skills.join("l")).unwrap();
    assert_eq!(
        item(&get(&s, "/skills").await, "l")["description"],
        "Inside",
        "GET /skills missed a link replaced by the real skill folder again"
    );

    // The whole skills folder replaced by a link: nothing listed.
    warm(&s, "/skills").await;
    fs::rename(&skills, keep.path().join("skills")).unwrap();
    symlink(keep.path().join("skills"), &skills).unwrap();
    assert!(
        names(&get(&s, "/skills").await).is_empty(),
        "GET /skills missed .opencode/skills replaced by a link"
    );
    fs::remove_file(&skills).unwrap();
    fs::rename(keep.path().join("skills"), &skills).unwrap();
    assert_eq!(
        names(&get(&s, "/skills").await),
        ["k", "l"],
        "GET /skills missed the real .opencode/skills back"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn touching_files_changes_no_answer() {
    let dir = workspace();
    let root = dir.path();
    write(&root.join(".opencode/openwork.json"), "{\"a\": 1}\n");
    write(&root.join(".opencode/skills/s/SKILL.md"), &skill("s", "S"));
    write(&root.join(".opencode/commands/c.md"), &command("c", "C"));
    write(&root.join(".opencode/plugins/p.js"), "export default {}\n");
    age_tree(root);
    let s = Server::auto(root);
    s.post(&url(&s, "/plugins"), &json!({"spec": "written"}))
        .await;
    let views = [
        "/config",
        "/plugins",
        "/skills",
        "/mcp",
        "/commands",
        "/audit?limit=5",
        "/export",
    ];
    let mut before = Vec::new();
    for v in views {
        before.push(warm(&s, v).await);
    }
    let tag = etag(&s).await;
    for when in [SystemTime::now(), an_hour_ago() - Duration::from_secs(60)] {
        for path in snapshot(root).keys() {
            set_mtime(path, when);
        }
        for (v, old) in views.iter().zip(&before) {
            assert_eq!(&get(&s, v).await, old, "GET {v} changed after a touch");
        }
        assert_eq!(etag(&s).await, tag, "the ETag changed after a touch");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_audit_line_written_by_hand_shows_in_audit_and_updated_at() {
    let dir = workspace();
    let root = dir.path();
    let s = Server::auto(root);
    let r = s.post(&url(&s, "/plugins"), &json!({"spec": "p"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let log = root.join(".opencode/openwork/audit.jsonl");
    age_tree(root);

    warm(&s, "/audit?limit=5").await;
    warm(&s, "/config").await;
    // A copy of the real line with another id, summary and time.
    let text = fs::read_to_string(&log).unwrap();
    let mut entry: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let ts = entry["timestamp"].as_u64().unwrap() + 1000;
    entry["id"] = json!("by-hand");
    entry["summary"] = json!("Hand-written entry");
    entry["timestamp"] = json!(ts);
    OpenOptions::new()
        .append(true)
        .open(&log)
        .unwrap()
        .write_all(format!("{entry}\n").as_bytes())
        .unwrap();
    let audit = get(&s, "/audit?limit=5").await;
    assert_eq!(
        (
            audit["items"][0]["summary"].clone(),
            audit["items"].as_array().unwrap().len()
        ),
        (json!("Hand-written entry"), 2),
        "GET /audit missed a line appended by hand: {audit}"
    );
    assert_eq!(
        get(&s, "/config").await["updatedAt"],
        ts,
        "GET /config's updatedAt missed an audit line appended by hand"
    );

    // The same line edited in place (same size, mtime restored).
    age_tree(root);
    warm(&s, "/audit?limit=5").await;
    edit_in_place(&log, "Hand-written entry", "Hand-WRITTEN entry");
    assert_eq!(
        get(&s, "/audit?limit=5").await["items"][0]["summary"],
        "Hand-WRITTEN entry",
        "GET /audit missed a same-size in-place edit of the audit log (mtime restored)"
    );

    // The log moved away (rotated by hand).
    warm(&s, "/audit?limit=5").await;
    warm(&s, "/config").await;
    fs::rename(&log, log.with_extension("old")).unwrap();
    assert_eq!(
        get(&s, "/audit?limit=5").await["items"],
        json!([]),
        "GET /audit missed the audit log moved away"
    );
    assert_eq!(
        get(&s, "/config").await["updatedAt"],
        Value::Null,
        "GET /config's updatedAt missed the audit log moved away"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn global_files_show_with_include_global() {
    let dir = workspace();
    let s = Server::auto(dir.path());
    // The server's HOME and XDG_CONFIG_HOME (see support/serve.rs): none of
    // these folders exist yet.
    let global = s.env.config_dir().join("opencode");
    let claude = s.env.home.path().join(".claude");

    assert!(names(&warm(&s, "/skills?includeGlobal=true").await).is_empty());
    write(&global.join("skills/gs/SKILL.md"), &skill("gs", "Global"));
    let skills = get(&s, "/skills?includeGlobal=true").await;
    assert_eq!(
        names(&skills),
        ["gs"],
        "GET /skills?includeGlobal=true missed a new skill in ~/.config/opencode/skills"
    );
    assert_eq!(item(&skills, "gs")["scope"], "global");
    assert!(names(&get(&s, "/skills").await).is_empty());

    warm(&s, "/skills?includeGlobal=true").await;
    write(&claude.join("skills/cs/SKILL.md"), &skill("cs", "Claude"));
    assert_eq!(
        names(&get(&s, "/skills?includeGlobal=true").await),
        ["cs", "gs"],
        "GET /skills?includeGlobal=true missed a new skill in ~/.claude/skills"
    );

    age_tree(s.env.home.path());
    warm(&s, "/skills?includeGlobal=true").await;
    edit_in_place(&global.join("skills/gs/SKILL.md"), "Global", "GLOBAL");
    assert_eq!(
        item(&get(&s, "/skills?includeGlobal=true").await, "gs")["description"],
        "GLOBAL",
        "GET /skills?includeGlobal=true missed a same-size in-place edit of a global SKILL.md (mtime restored)"
    );
    warm(&s, "/skills?includeGlobal=true").await;
    fs::remove_dir_all(global.join("skills/gs")).unwrap();
    assert_eq!(
        names(&get(&s, "/skills?includeGlobal=true").await),
        ["cs"],
        "GET /skills?includeGlobal=true still lists a removed global skill"
    );

    // The global config: plugins and MCP servers.
    warm(&s, "/plugins?includeGlobal=true").await;
    warm(&s, "/mcp?includeGlobal=true").await;
    write(
        &global.join("opencode.jsonc"),
        "{\n  \"plugin\": [\"global-plugin\"],\n  \"mcp\": {\"gm\": {\"type\": \"remote\", \"url\": \"https://a.example\"}},\n}\n",
    );
    assert_eq!(
        specs(&get(&s, "/plugins?includeGlobal=true").await),
        ["global-plugin"],
        "GET /plugins?includeGlobal=true missed a new ~/.config/opencode/opencode.jsonc"
    );
    assert_eq!(
        names(&get(&s, "/mcp?includeGlobal=true").await),
        ["gm"],
        "GET /mcp?includeGlobal=true missed a new ~/.config/opencode/opencode.jsonc"
    );
    age_tree(s.env.home.path());
    warm(&s, "/plugins?includeGlobal=true").await;
    edit_in_place(
        &global.join("opencode.jsonc"),
        "global-plugin",
        "GLOBAL-plugin",
    );
    assert_eq!(
        specs(&get(&s, "/plugins?includeGlobal=true").await),
        ["GLOBAL-plugin"],
        "GET /plugins?includeGlobal=true missed a same-size in-place edit of the global config (mtime restored)"
    );
    warm(&s, "/plugins?includeGlobal=true").await;
    write(&global.join("plugins/g.js"), "export default {}\n");
    let plugins = get(&s, "/plugins?includeGlobal=true").await;
    assert!(
        plugins["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["source"] == "dir.global"),
        "GET /plugins?includeGlobal=true missed a new ~/.config/opencode/plugins/g.js: {plugins}"
    );

    // Global commands (host only).
    assert!(names(&global_commands(&s).await).is_empty());
    assert!(names(&global_commands(&s).await).is_empty());
    write(&global.join("commands/gc.md"), &command("gc", "Global cmd"));
    assert_eq!(
        names(&global_commands(&s).await),
        ["gc"],
        "GET /commands?scope=global missed a new ~/.config/opencode/commands/gc.md"
    );
}

// ===== 2. writes through the API =====

#[tokio::test(flavor = "multi_thread")]
async fn acknowledged_writes_show_on_the_very_next_read() {
    let dir = workspace();
    let root = dir.path();
    let s = Server::auto(root);
    let ok = |r: &Resp, what: &str| assert_eq!(r.status, 200, "{what}: {r:?}");
    let mut tag = etag(&s).await;
    for i in 0..50 {
        let n = i / 2;
        let (p, k, c, m) = (
            format!("plugin-{n}"),
            format!("skill-{n}"),
            format!("cmd-{n}"),
            format!("mcp-{n}"),
        );
        let adding = i % 2 == 0;
        for v in [
            "/plugins",
            "/skills",
            "/commands",
            "/mcp",
            "/config",
            "/export",
        ] {
            warm(&s, v).await;
        }
        if adding {
            ok(
                &s.post(&url(&s, "/plugins"), &json!({"spec": p})).await,
                "POST plugin",
            );
            assert!(
                specs(&get(&s, "/plugins").await).contains(&p),
                "round {i}: GET /plugins missed POST plugin {p}"
            );
            ok(
                &s.post(
                    &url(&s, "/skills"),
                    &json!({"name": k, "content": "Body", "description": format!("D{i}")}),
                )
                .await,
                "POST skill",
            );
            assert!(
                names(&get(&s, "/skills").await).contains(&k),
                "round {i}: GET /skills missed POST skill {k}"
            );
            ok(
                &s.post(
                    &url(&s, "/commands"),
                    &json!({"name": c, "template": format!("T{i}")}),
                )
                .await,
                "POST command",
            );
            assert!(
                export_names(&get(&s, "/export").await, "commands").contains(&c),
                "round {i}: GET /export missed POST command {c}"
            );
            ok(
                &s.post(
                    &url(&s, "/mcp"),
                    &json!({"name": m, "config": {"type": "local", "command": ["x"]}}),
                )
                .await,
                "POST mcp",
            );
            assert!(
                names(&get(&s, "/mcp").await).contains(&m),
                "round {i}: GET /mcp missed POST mcp {m}"
            );
        } else {
            ok(
                &s.delete(&url(&s, &format!("/plugins/{p}"))).await,
                "DELETE plugin",
            );
            assert!(
                !specs(&get(&s, "/plugins").await).contains(&p),
                "round {i}: GET /plugins still has plugin {p} after DELETE"
            );
            ok(
                &s.delete(&url(&s, &format!("/skills/{k}"))).await,
                "DELETE skill",
            );
            assert!(
                !names(&get(&s, "/skills").await).contains(&k),
                "round {i}: GET /skills still has skill {k} after DELETE"
            );
            ok(
                &s.delete(&url(&s, &format!("/commands/{c}"))).await,
                "DELETE command",
            );
            assert!(
                !names(&get(&s, "/commands").await).contains(&c),
                "round {i}: GET /commands still has command {c} after DELETE"
            );
            assert!(
                !export_names(&get(&s, "/export").await, "commands").contains(&c),
                "round {i}: GET /export still has command {c} after DELETE"
            );
            ok(
                &s.delete(&url(&s, &format!("/mcp/{m}"))).await,
                "DELETE mcp",
            );
            assert!(
                !names(&get(&s, "/mcp").await).contains(&m),
                "round {i}: GET /mcp still has {m} after DELETE"
            );
        }
        let r = s
            .send_json(
                Method::PATCH,
                &url(&s, "/config"),
                &json!({"opencode": {"username": format!("u{i}")}, "openwork": {"round": i}}),
            )
            .await;
        ok(&r, "PATCH config");
        let config = get_resp(&s, "/config").await;
        assert_eq!(
            (
                config.json["opencode"]["username"].clone(),
                config.json["openwork"]["round"].clone()
            ),
            (json!(format!("u{i}")), json!(i)),
            "round {i}: GET /config missed PATCH config"
        );
        assert_eq!(
            config.header("etag"),
            r.header("etag"),
            "round {i}: GET /config's ETag differs from the PATCH's"
        );
        let new_tag = config.header("etag").unwrap().to_string();
        assert_ne!(
            new_tag, tag,
            "round {i}: the ETag did not change after PATCH config"
        );
        tag = new_tag;
        let audit = get(&s, "/audit?limit=1").await;
        assert_eq!(
            audit["items"][0]["action"], "config.patch",
            "round {i}: GET /audit missed the PATCH's entry"
        );

        // Failed writes every tenth round: no file and no answer changes.
        if i % 10 == 9 {
            let files = snapshot(root);
            let skills = warm(&s, "/skills").await;
            let config = warm(&s, "/config").await;
            let r = s
                .post(
                    &url(&s, "/skills"),
                    &json!({"name": "Bad_Name", "content": "x", "description": "d"}),
                )
                .await;
            assert_eq!(r.status, 400, "{r:?}");
            let r = s.delete(&url(&s, "/skills/no-such-skill")).await;
            assert_eq!(r.status, 404, "{r:?}");
            let r = serve::send(
                s.client(Method::PATCH, &url(&s, "/config"))
                    .header("If-Match", "\"000000000000000000000000\"")
                    .json(&json!({"opencode": {"username": "light"}})),
            )
            .await;
            assert_eq!(r.status, 409, "{r:?}");
            assert_eq!(
                snapshot(root),
                files,
                "round {i}: a refused write changed files"
            );
            assert_eq!(
                get(&s, "/skills").await,
                skills,
                "round {i}: refused writes"
            );
            assert_eq!(
                get(&s, "/config").await,
                config,
                "round {i}: refused writes"
            );
            assert_eq!(
                etag(&s).await,
                tag,
                "round {i}: refused writes moved the ETag"
            );
        }
    }
}

/// Reads racing a stream of writes: a read sent after a write was answered
/// has that write.
#[tokio::test(flavor = "multi_thread")]
async fn reads_racing_writes_never_miss_an_acknowledged_write() {
    let dir = workspace();
    let s = Server::auto(dir.path());
    const N: usize = 40;
    let plugins_acked = AtomicUsize::new(0);
    let skills_acked = AtomicUsize::new(0);
    let writer = async {
        for i in 0..N {
            let r = s
                .post(&url(&s, "/plugins"), &json!({"spec": format!("w-{i}")}))
                .await;
            assert_eq!(r.status, 200, "{r:?}");
            plugins_acked.store(i + 1, Ordering::SeqCst);
            let r = s
                .post(
                    &url(&s, "/skills"),
                    &json!({"name": format!("w-{i}"), "content": "B", "description": "D"}),
                )
                .await;
            assert_eq!(r.status, 200, "{r:?}");
            skills_acked.store(i + 1, Ordering::SeqCst);
        }
    };
    let plugin_reader = async {
        loop {
            let n = plugins_acked.load(Ordering::SeqCst);
            let got = specs(&get(&s, "/plugins").await);
            for i in 0..n {
                assert!(
                    got.contains(&format!("w-{i}")),
                    "GET /plugins sent after POST plugin w-{i} was answered lacks it: {got:?}"
                );
            }
            if n == N {
                break;
            }
        }
    };
    let skill_reader = async {
        loop {
            let n = skills_acked.load(Ordering::SeqCst);
            let got = export_names(&get(&s, "/export").await, "skills");
            for i in 0..n {
                assert!(
                    got.contains(&format!("w-{i}")),
                    "GET /export sent after POST skill w-{i} was answered lacks it: {got:?}"
                );
            }
            if n == N {
                break;
            }
        }
    };
    tokio::join!(writer, plugin_reader, skill_reader);
}

// ===== 3. differential: the server against a fresh CLI run =====

/// Each endpoint and the offline CLI command that prints the same shape.
const VIEWS: &[(&str, &[&str])] = &[
    ("/config", &["config", "show"]),
    ("/plugins", &["plugins", "list"]),
    (
        "/plugins?includeGlobal=true",
        &["plugins", "list", "--global"],
    ),
    ("/skills", &["skills", "list"]),
    (
        "/skills?includeGlobal=true",
        &["skills", "list", "--global"],
    ),
    ("/mcp", &["mcp", "list"]),
    ("/mcp?includeGlobal=true", &["mcp", "list", "--global"]),
    ("/commands", &["commands", "list"]),
    ("/audit?limit=20", &["audit", "--limit", "20"]),
    ("/export", &["export"]),
];

const PLUGINS: &[&str] = &["alpha", "beta", "gamma", "@scope/delta"];
const SKILLS: &[&str] = &["k0", "k1", "k2", "k3"];
const COMMANDS: &[&str] = &["c0", "c1", "c2", "c3"];

fn config_text(rng: &mut Rng) -> String {
    let plugins: Vec<String> = PLUGINS
        .iter()
        .filter(|_| rng.coin())
        .map(|p| format!("\"{p}\""))
        .collect();
    format!(
        "{{\n  // kept by hand\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"theme\": \"tag-{}\",\n  \"plugin\": [{}],\n  \"mcp\": {{\"m0\": {{\"type\": \"local\", \"command\": [\"run\", \"tag-{}\"]}}}},\n}}\n",
        rng.tag(),
        plugins.join(", "),
        rng.tag()
    )
}

/// The workspace of the differential test and what surrounds it.
struct World {
    /// `tmp/parent/ws`; `tmp/parent` has skills of its own, read while
    /// it holds `.git`.
    root: PathBuf,
    parent: PathBuf,
    global: PathBuf,
    /// Holds the far end of a hard-linked skill and of a linked folder.
    outside: PathBuf,
    /// Where `.opencode` folders replaced wholesale go.
    attic: PathBuf,
    ws_id: String,
    audit_n: u64,
}

impl World {
    fn dot(&self) -> PathBuf {
        self.root.join(".opencode")
    }
    fn skill_dir(&self, name: &str) -> PathBuf {
        self.dot().join("skills").join(name)
    }
    fn command_file(&self, name: &str) -> PathBuf {
        self.dot().join(format!("commands/{name}.md"))
    }
    fn rel(&self, p: &Path) -> String {
        let tmp = self.parent.parent().unwrap();
        p.strip_prefix(tmp)
            .or_else(|_| p.strip_prefix(self.global.parent().unwrap()))
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| p.display().to_string())
    }

    /// Every regular file holding a `tag-XXXX` (workspace, parent, global,
    /// and the far end of the hard link).
    fn tagged_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for dir in [&self.parent, &self.global, &self.outside] {
            for (path, bytes) in snapshot(dir) {
                if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
                    && bytes.windows(4).any(|w| w == b"tag-")
                {
                    out.push(path);
                }
            }
        }
        out
    }

    fn every_entry(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = snapshot(&self.parent)
            .into_keys()
            .chain(snapshot(&self.global).into_keys())
            .filter(|p| fs::symlink_metadata(p).is_ok_and(|m| !m.is_symlink()))
            .collect();
        out.push(self.root.clone());
        out
    }

    fn audit_line(&mut self) -> String {
        self.audit_n += 1;
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        // The exact shape openwork writes, so the server (which passes
        // lines through) and the CLI (which parses them) print the same.
        json!({
            "id": format!("hand-{}", self.audit_n),
            "workspaceId": self.ws_id,
            "actor": {"type": "host", "clientId": "cli"},
            "action": "hand.edit",
            "target": "opencode.jsonc",
            "summary": format!("Hand entry {}", self.audit_n),
            "timestamp": ms,
        })
        .to_string()
    }

    /// One edit by hand; says what it did.
    fn hand_edit(&mut self, rng: &mut Rng) -> String {
        let pick = rng.below(70);
        match pick {
            // Same size, in place, mtime restored.
            0..=13 => {
                let files = self.tagged_files();
                if files.is_empty() {
                    return "nothing tagged to edit".into();
                }
                let path = files[rng.below(files.len())].clone();
                let text = fs::read(&path).unwrap();
                let spots: Vec<usize> = text
                    .windows(4)
                    .enumerate()
                    .filter(|(_, w)| *w == b"tag-")
                    .map(|(i, _)| i + 4)
                    .collect();
                let at = spots[rng.below(spots.len())];
                let new = rng.tag();
                let old = String::from_utf8_lossy(&text[at..at + 4]).into_owned();
                write_at(&path, at as u64, new.as_bytes(), true);
                format!(
                    "same-size in-place edit of {} (tag-{old} -> tag-{new}, mtime restored)",
                    self.rel(&path)
                )
            }
            // A skill folder made or removed.
            14..=21 => {
                let name = rng.pick(SKILLS);
                let dir = self.skill_dir(name);
                if fs::symlink_metadata(&dir).is_ok() {
                    fs::remove_dir_all(&dir).unwrap();
                    format!("skill folder {name} removed")
                } else {
                    write(
                        &dir.join("SKILL.md"),
                        &skill(name, &format!("tag-{}", rng.tag())),
                    );
                    if rng.coin() {
                        age_tree(&dir);
                    }
                    format!("skill folder {name} made")
                }
            }
            // A skill renamed: the folder, and half the time the frontmatter.
            22..=25 => {
                let from = rng.pick(SKILLS);
                let to = rng.pick(SKILLS);
                let (a, b) = (self.skill_dir(from), self.skill_dir(to));
                if !a.is_dir() || fs::symlink_metadata(&b).is_ok() {
                    return format!("no rename {from} -> {to}");
                }
                fs::rename(&a, &b).unwrap();
                let md = b.join("SKILL.md");
                if rng.coin()
                    && let Ok(text) = fs::read_to_string(&md)
                {
                    fs::write(
                        &md,
                        text.replace(&format!("name: {from}\n"), &format!("name: {to}\n")),
                    )
                    .unwrap();
                    return format!("skill renamed {from} -> {to} (frontmatter fixed)");
                }
                format!("skill folder renamed {from} -> {to} (frontmatter not fixed)")
            }
            // SKILL.md replaced by a rename, keeping the old mtime half the time.
            26..=29 => {
                let name = rng.pick(SKILLS);
                let md = self.skill_dir(name).join("SKILL.md");
                if !md.is_file() {
                    return format!("no SKILL.md to replace in {name}");
                }
                let keep = rng.coin().then(|| mtime(&md));
                replace_by_rename(&md, &skill(name, &format!("tag-{}", rng.tag())), keep);
                format!(
                    "{name}/SKILL.md replaced by rename (old mtime kept: {})",
                    keep.is_some()
                )
            }
            // A command file made or removed.
            30..=35 => {
                let name = rng.pick(COMMANDS);
                let file = self.command_file(name);
                if file.exists() {
                    fs::remove_file(&file).unwrap();
                    format!("command file {name} removed")
                } else {
                    write(&file, &command(name, &format!("tag-{}", rng.tag())));
                    format!("command file {name} made")
                }
            }
            // A command edited (another size).
            36..=39 => {
                let name = rng.pick(COMMANDS);
                let file = self.command_file(name);
                if !file.exists() {
                    return format!("no command {name} to edit");
                }
                let template = format!("tag-{} {}", rng.tag(), "x".repeat(rng.below(20)));
                fs::write(&file, command(name, &template)).unwrap();
                format!("command file {name} rewritten")
            }
            // opencode.jsonc rewritten (plugin list, theme, mcp).
            40..=45 => {
                let text = config_text(rng);
                let path = self.root.join("opencode.jsonc");
                if rng.coin() {
                    fs::write(&path, text).unwrap();
                    "opencode.jsonc rewritten in place".into()
                } else {
                    replace_by_rename(&path, &text, None);
                    "opencode.jsonc replaced by rename".into()
                }
            }
            46..=49 => {
                let line = self.audit_line();
                let log = self.dot().join("openwork/audit.jsonl");
                fs::create_dir_all(log.parent().unwrap()).unwrap();
                let mut f = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&log)
                    .unwrap();
                f.write_all(format!("{line}\n").as_bytes()).unwrap();
                "audit line appended by hand".into()
            }
            50..=53 => {
                let name = rng.pick(&["x.js", "y.ts"]);
                let file = self.dot().join("plugins").join(name);
                if file.exists() {
                    fs::remove_file(&file).unwrap();
                    format!("plugin file {name} removed")
                } else {
                    write(&file, "export default {}\n");
                    format!("plugin file {name} made")
                }
            }
            // touch: to now or to the past (the latter makes files
            // "settled" for a cache that trusts old mtimes).
            54..=59 => {
                let all = self.every_entry();
                let path = &all[rng.below(all.len())];
                let when = if rng.coin() {
                    SystemTime::now()
                } else {
                    an_hour_ago()
                };
                set_mtime(path, when);
                format!("touch {}", self.rel(path))
            }
            60..=62 => {
                if rng.coin() {
                    let name = rng.pick(&["gk0", "gk1"]);
                    let dir = self.global.join("skills").join(name);
                    if dir.exists() {
                        fs::remove_dir_all(&dir).unwrap();
                        format!("global skill {name} removed")
                    } else {
                        write(
                            &dir.join("SKILL.md"),
                            &skill(name, &format!("tag-{}", rng.tag())),
                        );
                        format!("global skill {name} made")
                    }
                } else {
                    let plugins: Vec<String> = PLUGINS
                        .iter()
                        .filter(|_| rng.coin())
                        .map(|p| format!("\"global-{p}\""))
                        .collect();
                    write(
                        &self.global.join("opencode.jsonc"),
                        &format!(
                            "{{\"plugin\": [{}], \"mcp\": {{\"gm\": {{\"type\": \"remote\", \"url\": \"https://tag-{}.example\"}}}}}}\n",
                            plugins.join(", "),
                            rng.tag()
                        ),
                    );
                    "global opencode.jsonc rewritten".into()
                }
            }
            63..=64 => {
                let path = self.dot().join("openwork.json");
                write(
                    &path,
                    &format!(
                        "{{\"note\": \"tag-{}\", \"hand\": {}}}\n",
                        rng.tag(),
                        rng.below(9)
                    ),
                );
                "openwork.json rewritten".into()
            }
            65..=66 => {
                let git = self.parent.join(".git");
                if git.exists() {
                    fs::remove_dir(&git).unwrap();
                    "parent/.git removed".into()
                } else {
                    fs::create_dir(&git).unwrap();
                    "parent/.git made".into()
                }
            }
            67 => {
                let dir = self.parent.join(".opencode/skills/pk1");
                if dir.exists() {
                    fs::remove_dir_all(&dir).unwrap();
                    "parent skill pk1 removed".into()
                } else {
                    write(
                        &dir.join("SKILL.md"),
                        &skill("pk1", &format!("tag-{}", rng.tag())),
                    );
                    "parent skill pk1 made".into()
                }
            }
            68 => {
                let link = self.skill_dir("kl");
                if fs::symlink_metadata(&link).is_ok() {
                    fs::remove_file(&link).unwrap();
                    "linked skill folder kl removed".into()
                } else {
                    fs::create_dir_all(link.parent().unwrap()).unwrap();
                    symlink(self.outside.join("kl"), &link).unwrap();
                    "skill folder kl made as a link outside".into()
                }
            }
            // `.opencode` replaced wholesale (the old one kept outside).
            _ => {
                fs::create_dir_all(&self.attic).unwrap();
                let away = self.attic.join(format!("dot-{}", rng.next()));
                if self.dot().exists() {
                    fs::rename(self.dot(), &away).unwrap();
                }
                write(
                    &self.dot().join("openwork.json"),
                    &format!("{{\"note\": \"tag-{}\"}}\n", rng.tag()),
                );
                write(
                    &self.skill_dir("k0").join("SKILL.md"),
                    &skill("k0", &format!("tag-{}", rng.tag())),
                );
                write(
                    &self.command_file("c0"),
                    &command("c0", &format!("tag-{}", rng.tag())),
                );
                if rng.coin() {
                    age_tree(&self.dot());
                }
                ".opencode replaced wholesale".into()
            }
        }
    }
}

/// One write through the API; says what it did.
async fn api_write(s: &Server, rng: &mut Rng) -> String {
    let tag = rng.tag();
    let (what, r) = match rng.below(10) {
        0 | 1 => {
            let p = rng.pick(PLUGINS);
            (
                format!("POST plugin {p}"),
                s.post(&url(s, "/plugins"), &json!({"spec": p})).await,
            )
        }
        2 => {
            let p = rng.pick(PLUGINS).replace('/', "%2F");
            (
                format!("DELETE plugin {p}"),
                s.delete(&url(s, &format!("/plugins/{p}"))).await,
            )
        }
        3 | 4 => {
            let k = rng.pick(SKILLS);
            let body = json!({"name": k, "content": format!("Body {tag}\n"), "description": format!("tag-{tag}")});
            (
                format!("POST skill {k}"),
                s.post(&url(s, "/skills"), &body).await,
            )
        }
        5 => {
            let k = rng.pick(SKILLS);
            (
                format!("DELETE skill {k}"),
                s.delete(&url(s, &format!("/skills/{k}"))).await,
            )
        }
        6 => {
            let c = rng.pick(COMMANDS);
            let body = json!({"name": c, "template": format!("Do tag-{tag}"), "description": "d"});
            (
                format!("POST command {c}"),
                s.post(&url(s, "/commands"), &body).await,
            )
        }
        7 => {
            let c = rng.pick(COMMANDS);
            (
                format!("DELETE command {c}"),
                s.delete(&url(s, &format!("/commands/{c}"))).await,
            )
        }
        8 => {
            let body = if rng.coin() {
                json!({"opencode": {"username": format!("tag-{tag}")}})
            } else {
                json!({"openwork": {"note": format!("tag-{tag}")}})
            };
            (
                format!("PATCH config {body}"),
                s.send_json(Method::PATCH, &url(s, "/config"), &body).await,
            )
        }
        _ => {
            if rng.coin() {
                let body = json!({"name": "m1", "config": {"type": "local", "command": ["run", format!("tag-{tag}")]}});
                ("POST mcp m1".into(), s.post(&url(s, "/mcp"), &body).await)
            } else {
                let m = rng.pick(&["m0", "m1"]);
                (
                    format!("DELETE mcp {m}"),
                    s.delete(&url(s, &format!("/mcp/{m}"))).await,
                )
            }
        }
    };
    let removal = what.starts_with("DELETE");
    // A hand edit may have put another skill's `name:` into this name's
    // folder: writing over it is refused (docs/api.md#skills), rightly.
    let held = what.starts_with("POST skill")
        && r.status == 409
        && r.json["message"]
            .as_str()
            .is_some_and(|m| m.contains("holds the skill"));
    assert!(
        r.status == 200 || (removal && r.status == 404) || held,
        "{what} failed: {r:?}"
    );
    format!("{what} ({})", r.status)
}

/// The same view from a new `openwork --json` process: nothing cached.
fn cli_view(s: &Server, root: &Path, args: &[&str]) -> Value {
    let mut full = vec!["-w", root.to_str().unwrap(), "--json"];
    full.extend_from_slice(args);
    let (code, out, err) = run_cli(&s.env, &full, &[]);
    assert_eq!(code, Some(0), "openwork {full:?}: {err}");
    strip_clock(serde_json::from_str(&out).unwrap_or_else(|e| panic!("{full:?}: {e}: {out}")))
}

/// The bytes an ETag stands for: the config file in use and openwork.json.
fn etag_input(root: &Path) -> Vec<u8> {
    let config = ["opencode.jsonc", "opencode.json"]
        .iter()
        .map(|f| root.join(f))
        .find(|p| p.is_file());
    let mut out = Vec::new();
    for p in [config, Some(root.join(".opencode/openwork.json"))] {
        match p.and_then(|p| fs::read(p).ok()) {
            Some(bytes) => {
                out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
                out.extend_from_slice(&bytes);
            }
            None => out.extend_from_slice(&u64::MAX.to_le_bytes()),
        }
    }
    out
}

/// ~150 random steps (70 % edits by hand of every kind above, 30 % API
/// writes); after each one, every view the server gives must equal what a
/// new `openwork --json` process (nothing cached) prints for it, and the
/// ETag must change exactly when the bytes it covers do. The seed is
/// printed; `FRESHNESS_SEED=N` replays a run, `FRESHNESS_STEPS=N` makes it
/// longer.
#[tokio::test(flavor = "multi_thread")]
async fn random_edits_and_writes_always_read_as_a_fresh_cli_run_does() {
    let mut rng = Rng::from_env_or_clock("FRESHNESS_SEED");
    let seed = rng.seed();
    let steps: usize = std::env::var("FRESHNESS_STEPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);

    let tmp = tempfile::tempdir().unwrap();
    let parent = tmp.path().join("parent");
    let root = parent.join("ws");
    let outside = tmp.path().join("outside");
    write(&root.join("opencode.jsonc"), &config_text(&mut rng));
    write(
        &root.join(".opencode/openwork.json"),
        &format!("{{\"note\": \"tag-{}\"}}\n", rng.tag()),
    );
    for k in ["k0", "k1"] {
        write(
            &root.join(format!(".opencode/skills/{k}/SKILL.md")),
            &skill(k, &format!("tag-{}", rng.tag())),
        );
    }
    for c in ["c0", "c1"] {
        write(
            &root.join(format!(".opencode/commands/{c}.md")),
            &command(c, &format!("tag-{}", rng.tag())),
        );
    }
    write(
        &parent.join(".opencode/skills/pk0/SKILL.md"),
        &skill("pk0", &format!("tag-{}", rng.tag())),
    );
    // A hard-linked skill (its other name outside) and a linked folder's target.
    write(
        &outside.join("kh.md"),
        &skill("kh", &format!("tag-{}", rng.tag())),
    );
    fs::create_dir_all(root.join(".opencode/skills/kh")).unwrap();
    fs::hard_link(
        outside.join("kh.md"),
        root.join(".opencode/skills/kh/SKILL.md"),
    )
    .unwrap();
    write(&outside.join("kl/SKILL.md"), &skill("kl", "tag-0000"));

    let s = Server::auto(&root);
    let global = s.env.config_dir().join("opencode");
    write(
        &global.join("skills/gk0/SKILL.md"),
        &skill("gk0", &format!("tag-{}", rng.tag())),
    );
    age_tree(tmp.path());
    age_tree(s.env.home.path());
    let mut world = World {
        root: root.clone(),
        parent,
        global,
        outside,
        attic: tmp.path().join("attic"),
        ws_id: s.ws_id(0),
        audit_n: 0,
    };

    let mut etags: HashMap<Vec<u8>, String> = HashMap::new();
    let mut inputs: HashMap<String, Vec<u8>> = HashMap::new();
    let mut history: Vec<String> = Vec::new();
    for step in 0..=steps {
        let what = if step == 0 {
            "start".to_string()
        } else if rng.below(100) < 70 {
            world.hand_edit(&mut rng)
        } else {
            api_write(&s, &mut rng).await
        };
        history.push(format!("{step}: {what}"));
        let context = || {
            let from = history.len().saturating_sub(6);
            format!(
                "seed {seed} (FRESHNESS_SEED={seed}), step {step}: after \"{what}\"; last steps:\n  {}",
                history[from..].join("\n  ")
            )
        };
        let mut served = Vec::new();
        for (path, _) in VIEWS {
            served.push(get(&s, path).await);
        }
        let served_global = global_commands(&s).await;
        // The fresh views, from CLI runs in parallel (each one waits in
        // 20 ms steps for its process: one after the other they would take
        // most of the test's time).
        let (fresh, mut fresh_global) = std::thread::scope(|scope| {
            let runs: Vec<_> = VIEWS
                .iter()
                .map(|(_, args)| scope.spawn(|| cli_view(&s, &root, args)))
                .collect();
            let global = cli_view(&s, &root, &["commands", "list", "--global"]);
            let views: Vec<Value> = runs.into_iter().map(|r| r.join().unwrap()).collect();
            (views, global)
        });
        for (((path, args), served), fresh) in VIEWS.iter().zip(&served).zip(&fresh) {
            assert!(
                served == fresh,
                "GET {path} is stale: {}\nserved: {served}\nfresh (openwork {args:?}): {fresh}",
                context()
            );
        }
        // `?scope=global` lists only global commands; the CLI's `--global`
        // lists the workspace's too: compare the global part.
        fresh_global["items"]
            .as_array_mut()
            .unwrap()
            .retain(|c| c["scope"] == "global");
        assert!(
            served_global == fresh_global,
            "GET /commands?scope=global is stale: {}\nserved: {served_global}\nfresh: {fresh_global}",
            context()
        );
        // The ETag changes exactly when the bytes it covers do.
        let tag = etag(&s).await;
        let input = etag_input(&root);
        if let Some(seen) = etags.get(&input) {
            assert_eq!(
                &tag,
                seen,
                "the ETag of config bytes seen before differs: {}",
                context()
            );
        }
        if let Some(seen) = inputs.get(&tag) {
            assert!(
                *seen == input,
                "the ETag {tag} was served for other config bytes before (a stale ETag): {}",
                context()
            );
        }
        etags.insert(input.clone(), tag.clone());
        inputs.insert(tag, input);
    }
}

/// Plugin files may be links (OpenCode loads them by name). No watch
/// follows a link to its target, so the target going away or coming back
/// shows on the next read too.
#[tokio::test(flavor = "multi_thread")]
async fn a_plugin_file_linked_elsewhere_follows_its_target() {
    let dir = workspace();
    let root = dir.path();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("x.js");
    write(&target, "export default {}\n");
    write(
        &root.join(".opencode/plugins/real.js"),
        "export default {}\n",
    );
    symlink(&target, root.join(".opencode/plugins/linked.js")).unwrap();
    let s = Server::auto(root);
    let linked = |v: &Value| specs(v).iter().any(|sp| sp.ends_with("/linked.js"));
    assert!(linked(&warm(&s, "/plugins").await));
    fs::remove_file(&target).unwrap();
    let v = get(&s, "/plugins").await;
    assert!(
        !linked(&v),
        "GET /plugins missed the link's target going away: {v}"
    );
    assert!(specs(&v).iter().any(|sp| sp.ends_with("/real.js")));
    write(&target, "export default {}\n");
    assert!(
        linked(&get(&s, "/plugins").await),
        "GET /plugins missed the link's target coming back"
    );
}

/// The memo keeps an export's text, not its time: `exportedAt` is the
/// clock at each answer, and the rest is byte for byte the same.
#[tokio::test(flavor = "multi_thread")]
async fn export_is_stamped_with_the_time_of_each_answer() {
    let dir = workspace();
    let s = Server::auto(dir.path());
    let now = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64
    };
    let mut seen = Vec::new();
    let mut bodies = Vec::new();
    for _ in 0..3 {
        let before = now();
        let v = get_resp(&s, "/export").await.json;
        let after = now();
        let at = v["exportedAt"].as_u64().unwrap();
        assert!(before <= at && at <= after, "{before} <= {at} <= {after}");
        seen.push(at);
        bodies.push(strip_clock(v));
        std::thread::sleep(Duration::from_millis(3));
    }
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
}
