//! An edit of one property of a JSONC document that costs what the
//! property costs, not the document.
//!
//! The concrete syntax tree [`super::edit`] works on costs about 150 ns
//! per byte to build, print and drop: tens of milliseconds for a config
//! with thousands of MCP servers, whatever the edit. Here the whole text
//! is only read token by token for its [`outline`] (it must parse and
//! have no repeated key, or the whole-document edit gives its error), and
//! the edit runs on the CST of a small *stand-in document*: the property,
//! byte for byte, inside just enough of its surroundings that every rule
//! the CST applies to an edit of it (indentation, newline kind, trailing
//! commas, which comma and comments go with a removed entry) sees what it
//! would see in the whole document. The property's new text is then
//! spliced into the original. Whenever that cannot be made sure, the
//! whole-document edit runs instead, so the bytes written are the same.
//!
//! The stand-in document, for the path `["mcp", "x"]`:
//! - the text before and after the root object, as it is;
//! - every top-level property, with its value replaced by a marker string
//!   unless it is the first key of the path (so the root object has all
//!   its children: the indentation the CST falls back on is found there,
//!   and a new top-level key is placed as it would be);
//! - below the top level, the property on the path and, each replaced by a
//!   marker the same way, the properties just before and after it, with
//!   the text between them as it is (a removed entry takes its comma and
//!   comments from there).
//!
//! Only the *region* may change: the root object's inside for a one-key
//! path, else the text from the end of the previous property to the start
//! of the next one around the property on the path. The edit is kept only
//! if everything printed outside the region is unchanged, no property
//! was added next to one below the top level (the CST would place it after
//! the last one, which the stand-in does not have) and each marker in the
//! region is still there, once.
//!
//! The stand-in also tells what the edit did to the document's *parse*
//! ([`Change`]): its property is byte for byte the edited document's, so
//! the stand-in's own (small) parse gives the property's new value, and
//! every other value is what it was. A caller that kept the parse of the
//! text before can so have the parse of the text after without reading
//! the whole text again.

use super::outline::{Object, Prop, RootOutline, outline};
use super::{edit, options, parse_object};
use crate::Result;
use jsonc_parser::cst::{CstNewlineKind, CstObject, CstRootNode};
use serde_json::{Map, Value};

/// An edited document and, when the edit took the stand-in's path, what
/// it did to the document's parse.
#[derive(Debug)]
pub struct Edited {
    pub text: String,
    pub change: Option<Change>,
    /// The outline of `text`, for an edit of a top-level key.
    pub outline: Option<RootOutline>,
}

/// What an edit of one property did to a document's parse: the value at
/// the path now (`None`: removed) and the top-level keys, in order. Every
/// other value is byte for byte what it was, and a value's parse depends
/// on its bytes alone.
#[derive(Debug)]
pub struct Change {
    path: Vec<String>,
    value: Option<Value>,
    keys: Vec<String>,
}

impl Change {
    /// Makes `parse`, the parse of the text before the edit, the parse of
    /// the text after. `false` when it does not fit (a key on the way that
    /// is not an object, a property below the top level that was not
    /// there, the top-level keys then in another order): `parse` is then
    /// partly changed, to be thrown away, and the text parsed instead.
    pub fn apply(self, parse: &mut Map<String, Value>) -> bool {
        let Some((last, outer)) = self.path.split_last() else {
            return false;
        };
        let mut holder = &mut *parse;
        for key in outer {
            match holder.get_mut(key) {
                Some(Value::Object(inner)) => holder = inner,
                _ => return false,
            }
        }
        match (self.value, holder.get_mut(last)) {
            (Some(value), Some(slot)) => *slot = value,
            // A new top-level key goes last, in the text as in the map.
            (Some(value), None) if outer.is_empty() => {
                holder.insert(last.clone(), value);
            }
            (Some(_), None) => return false,
            (None, _) => {
                holder.shift_remove(last);
            }
        }
        parse.keys().eq(self.keys.iter())
    }
}

/// Edits the property at `path` (a top-level key, a key of the object it
/// holds, …) of `text`: `f` gets the root object, as [`super::edit`]
/// gives it, and must touch nothing but that property (it may change,
/// replace or remove it, or add it when it is a missing top-level key;
/// other properties may be stand-ins with a marker for their value). The
/// result is byte for byte what [`super::edit`] gives; `f` may be called
/// twice, the second time on the whole document, so it must not keep
/// state between calls.
pub fn edit_property(
    text: &str,
    file: &str,
    path: &[&str],
    f: impl FnMut(&CstObject) -> Result<()>,
) -> Result<Edited> {
    edit_property_known(text, file, path, None, f)
}

/// [`edit_property`], given the outline of `text` when it is known (from
/// an earlier edit's [`Edited::outline`]; it is used only for a top-level
/// key).
pub fn edit_property_known(
    text: &str,
    file: &str,
    path: &[&str],
    known: Option<&RootOutline>,
    mut f: impl FnMut(&CstObject) -> Result<()>,
) -> Result<Edited> {
    if let Some(stand_in) = StandIn::build(text, path, known)
        && let Some(edited) = stand_in.edit(text, path, &mut f)?
    {
        return Ok(edited);
    }
    Ok(Edited {
        text: edit(text, file, f)?,
        change: None,
        outline: None,
    })
}

/// The stand-in document of a path, and where its region is.
struct StandIn {
    text: String,
    /// The region in `text` (the stand-in's) and in the original.
    region: (usize, usize),
    original_region: (usize, usize),
    /// `"openwork-elided-<nonce>-"`: the start of every marker string.
    marker: String,
    /// The original value of each marker, by index.
    elided: Vec<(usize, usize)>,
    /// The name of the property of each marker, by index.
    elided_names: Vec<String>,
    /// The markers written inside the region.
    markers_in_region: usize,
    /// The newline kind of the whole document: `CarriageReturnLineFeed`
    /// when every line ends in CRLF, `LineFeed` when none has a CR.
    crlf: bool,
}

impl StandIn {
    /// `None` when the fast path cannot be taken: blank text, a mix of
    /// line ends, text that does not parse or whose top level is not an
    /// object, a repeated key anywhere, a key of the path that is not
    /// there (below the top level) or not an object on the way.
    fn build(text: &str, path: &[&str], known: Option<&RootOutline>) -> Option<StandIn> {
        if path.is_empty() || text.trim().is_empty() {
            return None;
        }
        let crlf = uniform_line_ends(text)?;
        let scanned;
        let root = match (known, path.len()) {
            (Some(known), 1) if known.fits(text) => &known.0,
            _ => {
                scanned = outline(text, path)?;
                &scanned
            }
        };
        let mut builder = Builder {
            original: text,
            text: String::with_capacity(1024),
            marker: format!("openwork-elided-{}-", uuid::Uuid::new_v4().simple()),
            elided: Vec::new(),
            elided_names: Vec::new(),
            region: None,
        };
        builder.push(0, root.open);
        builder.object(root, path, true)?;
        builder.push(root.close + 1, text.len());
        let (region, original_region) = builder.region?;
        let markers_in_region = match path.len() {
            1 => builder.elided.len(),
            _ => 0,
        };
        Some(StandIn {
            text: builder.text,
            region,
            original_region,
            marker: builder.marker,
            elided: builder.elided,
            elided_names: builder.elided_names,
            markers_in_region,
            crlf,
        })
    }

    /// Runs `f` on the stand-in's CST. `Ok(None)`: the result could not be
    /// made sure of, and the whole document is to be edited instead.
    fn edit(
        &self,
        original: &str,
        path: &[&str],
        f: &mut impl FnMut(&CstObject) -> Result<()>,
    ) -> Result<Option<Edited>> {
        let Ok(root) = CstRootNode::parse(&self.text, &options()) else {
            return Ok(None);
        };
        let Some(obj) = root.object_value() else {
            return Ok(None);
        };
        let newline = match self.crlf {
            true => CstNewlineKind::CarriageReturnLineFeed,
            false => CstNewlineKind::LineFeed,
        };
        if root.newline_kind() != newline {
            return Ok(None);
        }
        // With no whitespace between the root object's own children (line
        // ends alone), the CST takes the trailing-comma style of a new
        // key's value from inside the other values: here markers.
        if !self.elided.is_empty() && !obj.children().iter().any(|c| c.is_whitespace()) {
            return Ok(None);
        }
        // Below the top level, the object holding the property: a key
        // added to it would go after its last property, which the
        // stand-in does not have.
        let inner = match path {
            [_] => None,
            [outer @ .., _] => match holder(&obj, outer) {
                Some(inner) => Some(inner),
                None => return Ok(None),
            },
            [] => return Ok(None),
        };
        let names_before = inner.as_ref().map(names);
        f(&obj)?;
        if let (Some(inner), Some(before)) = (&inner, &names_before) {
            let after = names(inner);
            if after.len() > before.len() || after.iter().any(|n| !before.contains(n)) {
                return Ok(None);
            }
        }
        let printed = root.to_string();
        let (start, end) = self.region;
        let suffix = &self.text[end..];
        if printed.len() < start + suffix.len()
            || !printed.starts_with(&self.text[..start])
            || !printed.ends_with(suffix)
        {
            return Ok(None);
        }
        let middle = &printed[start..printed.len() - suffix.len()];
        let Some(middle) = self.restore(original, middle) else {
            return Ok(None);
        };
        let (from, to) = self.original_region;
        let mut out = String::with_capacity(original.len() - (to - from) + middle.len());
        out.push_str(&original[..from]);
        out.push_str(&middle);
        out.push_str(&original[to..]);
        let outline = match path {
            [_] => self.outline(&printed, path, &out),
            _ => None,
        };
        Ok(Some(Edited {
            text: out,
            change: self.change(&printed, path),
            outline,
        }))
    }

    /// The root outline of `edited`, the document made from `printed` (the
    /// stand-in after an edit of a top-level key) by putting each marker's
    /// value back: the stand-in's own outline, with every offset after a
    /// marker moved by how much longer its value is than it. `edited`
    /// parses with no repeated key: the stand-in does, and each value put
    /// back did in the original.
    fn outline(&self, printed: &str, path: &[&str], edited: &str) -> Option<RootOutline> {
        let root = outline(printed, path)?;
        let (from, _) = self.original_region;
        let (start, _) = self.region;
        if from != start {
            return None;
        }
        // How much longer the text is so far than the stand-in (or
        // shorter: a marker can be longer than its value).
        let mut grown = 0isize;
        let at = |offset: usize, grown: isize| offset.checked_add_signed(grown);
        let mut props = Vec::with_capacity(root.props.len());
        for prop in root.props {
            let value = &printed[prop.value_start..prop.value_end];
            let elided = value
                .strip_prefix('"')
                .and_then(|v| v.strip_prefix(self.marker.as_str()))
                .and_then(|v| v.strip_suffix('"'))
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| self.elided.get(i));
            let start = at(prop.start, grown)?;
            let value_start = at(prop.value_start, grown)?;
            if let Some((from, to)) = elided {
                grown += isize::try_from(to - from).ok()? - isize::try_from(value.len()).ok()?;
            }
            props.push(Prop {
                name: std::borrow::Cow::Owned(prop.name.into_owned()),
                start,
                value_start,
                value_end: at(prop.value_end, grown)?,
                object: None,
            });
        }
        let close = at(root.close, grown)?;
        (at(printed.len(), grown) == Some(edited.len())
            && edited.as_bytes().get(close) == Some(&b'}'))
        .then_some(RootOutline(Object {
            open: root.open,
            close,
            props,
        }))
    }

    /// What the edit printed as `printed` did to the parse: the value at
    /// `path` in the stand-in's parse, once each other top-level key is
    /// seen to hold its own marker still.
    fn change(&self, printed: &str, path: &[&str]) -> Option<Change> {
        let mut parse = parse_object(printed, "").ok()?;
        let (first, rest) = path.split_first()?;
        for (key, value) in &parse {
            if key == first {
                continue;
            }
            let Value::String(marker) = value else {
                return None;
            };
            let index: usize = marker.strip_prefix(&self.marker)?.parse().ok()?;
            if self.elided_names.get(index) != Some(key) {
                return None;
            }
        }
        let keys = parse.keys().cloned().collect();
        let mut value = parse.shift_remove(*first);
        for key in rest {
            value = match value {
                Some(Value::Object(mut inner)) => inner.shift_remove(*key),
                _ => None,
            };
        }
        Some(Change {
            path: path.iter().map(|k| k.to_string()).collect(),
            value,
            keys,
        })
    }

    /// The region's text with each marker put back to the value it stands
    /// for; `None` unless each marker of the region is there exactly once.
    fn restore(&self, original: &str, middle: &str) -> Option<String> {
        if self.markers_in_region == 0 {
            return (!middle.contains(&self.marker)).then(|| middle.to_string());
        }
        let quoted = format!("\"{}", self.marker);
        let mut seen = vec![false; self.elided.len()];
        // Room for every value put back at once: grown by doubling, the
        // text of a 500 KB config was copied twice more and held 1 MiB.
        // Only a hint: a range that made no sense could not make it panic.
        let values: usize = (self.elided.iter())
            .map(|(from, to)| to.saturating_sub(*from))
            .sum();
        let mut out = String::with_capacity(middle.len() + values);
        let mut rest = middle;
        while let Some(at) = rest.find(&quoted) {
            out.push_str(&rest[..at]);
            let after = &rest[at + quoted.len()..];
            let digits = after.find('"')?;
            let index: usize = after[..digits].parse().ok()?;
            let (from, to) = *self.elided.get(index)?;
            if std::mem::replace(seen.get_mut(index)?, true) {
                return None;
            }
            out.push_str(&original[from..to]);
            rest = &after[digits + 1..];
        }
        out.push_str(rest);
        seen.iter().all(|s| *s).then_some(out)
    }
}

/// The object at `keys` below `obj`.
fn holder(obj: &CstObject, keys: &[&str]) -> Option<CstObject> {
    keys.iter()
        .try_fold(obj.clone(), |o, key| o.get(key)?.object_value())
}

/// The decoded names of an object's properties.
fn names(obj: &CstObject) -> Vec<String> {
    obj.properties()
        .iter()
        .filter_map(|p| p.decoded_name())
        .collect()
}

/// Whether every line of `text` ends the same way: `Some(true)` for CRLF
/// throughout, `Some(false)` for no CR at all, `None` for a mix (the CST
/// takes the kind of the first line end it meets, level by level, which
/// the stand-in would not reproduce).
fn uniform_line_ends(text: &str) -> Option<bool> {
    let bytes = text.as_bytes();
    if !bytes.contains(&b'\r') {
        return Some(false);
    }
    let crs = bytes.iter().filter(|&&b| b == b'\r').count();
    let lfs = bytes.iter().filter(|&&b| b == b'\n').count();
    let pairs = bytes.windows(2).filter(|w| w == b"\r\n").count();
    (crs == pairs && lfs == pairs).then_some(true)
}

/// Writes the stand-in document (see the module's documentation).
struct Builder<'a> {
    original: &'a str,
    text: String,
    marker: String,
    elided: Vec<(usize, usize)>,
    elided_names: Vec<String>,
    /// The region, in the stand-in and in the original.
    region: Option<((usize, usize), (usize, usize))>,
}

impl Builder<'_> {
    fn push(&mut self, from: usize, to: usize) {
        self.text.push_str(&self.original[from..to]);
    }

    /// A property whose value is replaced by a marker string.
    fn stand_in(&mut self, prop: &Prop<'_>) {
        self.push(prop.start, prop.value_start);
        self.text.push('"');
        self.text.push_str(&self.marker);
        self.text.push_str(&self.elided.len().to_string());
        self.text.push('"');
        self.elided.push((prop.value_start, prop.value_end));
        self.elided_names.push(prop.name.to_string());
    }

    /// The property on the path: as it is, or with its object value built
    /// for the rest of the path.
    fn on_path(&mut self, prop: &Prop<'_>, rest: &[&str]) -> Option<()> {
        if rest.is_empty() {
            self.push(prop.start, prop.value_end);
            return Some(());
        }
        let value = prop.object.as_ref()?;
        self.push(prop.start, value.open);
        self.object(value, rest, false)?;
        Some(())
    }

    /// Writes `obj` (from its `{` to its `}`) for `path`, its first key in
    /// `obj`: all of a top-level object, the property and its neighbours
    /// below.
    fn object(&mut self, obj: &Object<'_>, path: &[&str], top: bool) -> Option<()> {
        let (key, rest) = path.split_first()?;
        let props = &obj.props;
        let at = props.iter().position(|p| p.name == *key);
        let open = obj.open + 1;
        let close = obj.close;
        self.text.push('{');
        if top {
            let region_start = self.text.len();
            let mut last = open;
            for (i, prop) in props.iter().enumerate() {
                self.push(last, prop.start);
                if Some(i) == at {
                    self.on_path(prop, rest)?;
                } else {
                    self.stand_in(prop);
                }
                last = prop.value_end;
            }
            self.push(last, close);
            if rest.is_empty() {
                self.region = Some(((region_start, self.text.len()), (open, close)));
            } else if at.is_none() {
                return None;
            }
        } else {
            let i = at?;
            let from = match i.checked_sub(1).map(|p| &props[p]) {
                Some(previous) => {
                    self.stand_in(previous);
                    previous.value_end
                }
                None => open,
            };
            let next = props.get(i + 1);
            let to = next.map_or(close, |n| n.start);
            let region_start = self.text.len();
            self.push(from, props[i].start);
            self.on_path(&props[i], rest)?;
            self.push(props[i].value_end, to);
            if rest.is_empty() {
                self.region = Some(((region_start, self.text.len()), (from, to)));
            }
            if let Some(next) = next {
                self.stand_in(next);
            }
        }
        self.text.push('}');
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{node_string, remove_key, to_input};
    use super::*;
    use jsonc_parser::cst::{CstInputValue, CstNode};
    use serde_json::{Value, json};

    type Edit = Box<dyn Fn(&CstObject) -> Result<()>>;

    fn not_a_list() -> crate::Error {
        crate::Error::new(crate::Code::InvalidJsonc, "plugin must be a list")
    }

    /// What `plugins add` does to a config.
    fn plugin_add(spec: &str) -> Edit {
        let spec = spec.to_string();
        Box::new(move |obj| {
            let Some(prop) = obj.get("plugin") else {
                obj.append(
                    "plugin",
                    CstInputValue::Array(vec![CstInputValue::String(spec.clone())]),
                );
                return Ok(());
            };
            match prop.value() {
                Some(CstNode::Container(c)) if c.as_array().is_some() => {
                    let array = c.as_array().ok_or_else(not_a_list)?;
                    array.append(CstInputValue::String(spec.clone()));
                    Ok(())
                }
                Some(node) => match node_string(&node) {
                    Some(existing) => {
                        prop.set_value(CstInputValue::Array(vec![
                            CstInputValue::String(existing),
                            CstInputValue::String(spec.clone()),
                        ]));
                        Ok(())
                    }
                    None => Err(not_a_list()),
                },
                None => Err(not_a_list()),
            }
        })
    }

    fn element_spec(node: &CstNode) -> Option<String> {
        match node.as_array() {
            Some(pair) => pair.elements().first().and_then(node_string),
            None => node_string(node),
        }
    }

    /// What `plugins remove` (`replace: None`) and a replacing `plugins
    /// add` (`Some(new)`) do to the entries of `spec`.
    fn plugin_remove_or_replace(spec: &str, replace: Option<&str>) -> Edit {
        let spec = spec.to_string();
        let replace = replace.map(str::to_string);
        Box::new(move |obj| {
            let Some(prop) = obj.get("plugin") else {
                return Ok(());
            };
            match prop.value() {
                Some(CstNode::Container(c)) if c.as_array().is_some() => {
                    let array = c.as_array().ok_or_else(not_a_list)?;
                    for element in array.elements() {
                        if element_spec(&element).as_deref() != Some(spec.as_str()) {
                            continue;
                        }
                        match &replace {
                            None => element.remove(),
                            Some(new) => {
                                let lit = match element.as_array() {
                                    Some(pair) => {
                                        pair.elements().first().and_then(CstNode::as_string_lit)
                                    }
                                    None => element.as_string_lit(),
                                };
                                if let Some(lit) = lit {
                                    lit.replace_with(CstInputValue::String(new.clone()));
                                }
                            }
                        }
                    }
                    Ok(())
                }
                Some(node) => {
                    if node_string(&node).as_deref() == Some(spec.as_str()) {
                        match &replace {
                            None => prop.remove(),
                            Some(new) => {
                                prop.set_value(CstInputValue::Array(vec![CstInputValue::String(
                                    new.clone(),
                                )]))
                            }
                        }
                    }
                    Ok(())
                }
                None => Ok(()),
            }
        })
    }

    fn servers_of(obj: &CstObject) -> Result<CstObject> {
        let bad = || crate::Error::new(crate::Code::InvalidJsonc, "mcp must be an object");
        match obj.get("mcp") {
            None => Ok(obj.object_value_or_set("mcp")),
            Some(prop) => match prop.value() {
                Some(CstNode::Container(c)) => c.as_object().ok_or_else(bad),
                _ => Err(bad()),
            },
        }
    }

    /// What `mcp add` does (`Some(config)`), and `mcp remove` (`None`).
    fn mcp_set(name: &str, config: Option<Value>) -> Edit {
        let name = name.to_string();
        Box::new(move |obj| match &config {
            Some(config) => {
                let servers = servers_of(obj)?;
                match servers.get(&name) {
                    Some(existing) if existing.to_serde_value().as_ref() == Some(config) => {}
                    Some(existing) => existing.set_value(to_input(config)),
                    None => {
                        servers.append(&name, to_input(config));
                    }
                }
                Ok(())
            }
            None => {
                if let Some(prop) = obj.get("mcp")
                    && let Some(CstNode::Container(c)) = prop.value()
                    && let Some(servers) = c.as_object()
                {
                    remove_key(&servers, &name);
                }
                Ok(())
            }
        })
    }

    /// What `mcp enable`/`disable` does.
    fn mcp_toggle(name: &str, enabled: bool) -> Edit {
        let name = name.to_string();
        Box::new(move |obj| {
            let servers = servers_of(obj)?;
            let Some(prop) = servers.get(&name) else {
                servers.append(&name, to_input(&json!({ "enabled": enabled })));
                return Ok(());
            };
            let entry = match prop.value() {
                Some(CstNode::Container(c)) => c.as_object(),
                _ => None,
            };
            let Some(entry) = entry else {
                return Err(crate::Error::new(
                    crate::Code::InvalidJsonc,
                    "mcp entry must be an object",
                ));
            };
            match entry.get("enabled") {
                Some(key) => key.set_value(CstInputValue::Bool(enabled)),
                None => {
                    entry.append("enabled", CstInputValue::Bool(enabled));
                }
            }
            Ok(())
        })
    }

    /// The stand-in's result alone: `None` when it hands over to the
    /// whole-document edit.
    fn fast(text: &str, path: &[&str], f: &Edit) -> Option<Result<String>> {
        let stand_in = StandIn::build(text, path, None)?;
        let edited = stand_in.edit(text, path, &mut |o| f(o)).transpose()?;
        Some(edited.map(|e| e.text))
    }

    /// Both paths give the same bytes or the same error, and the change
    /// the scoped edit reports, applied to the parse before, is the parse
    /// after, key order included.
    fn same_as_whole(text: &str, path: &[&str], f: &Edit) -> std::result::Result<(), String> {
        let whole = edit(text, "f", |o| f(o));
        let scoped = edit_property(text, "f", path, |o| f(o));
        let show = |r: &Result<String>| match r {
            Ok(s) => format!("Ok({s:?})"),
            Err(e) => format!("Err({:?} {} {:?})", e.code, e.message, e.details),
        };
        let (scoped, change, edited_outline) = match scoped {
            Ok(Edited {
                text,
                change,
                outline,
            }) => (Ok(text), change, outline),
            Err(e) => (Err(e), None, None),
        };
        // Given the text's outline, the edit gives the same.
        if let [_] = path
            && let Some(known) = outline(text, path)
        {
            let known = RootOutline(known.into_owned());
            let with_known = edit_property_known(text, "f", path, Some(&known), |o| f(o));
            let with_known = with_known.map(|e| e.text);
            if show(&with_known) != show(&scoped) {
                return Err(format!(
                    "{path:?} on {text:?}\nknown:  {}\nscoped: {}",
                    show(&with_known),
                    show(&scoped)
                ));
            }
        }
        // The outline an edit gives is the edited text's.
        if let (Some(given), Ok(after)) = (&edited_outline, &scoped) {
            let scanned = outline(after, path);
            if scanned.as_ref() != Some(&given.0) {
                return Err(format!(
                    "{path:?} on {text:?}\nscanned: {scanned:?}\ngiven:   {:?}",
                    given.0
                ));
            }
        }
        if show(&whole) != show(&scoped) {
            return Err(format!(
                "{path:?} on {text:?}\nwhole:  {}\nscoped: {}",
                show(&whole),
                show(&scoped)
            ));
        }
        if let (Some(change), Ok(after)) = (change, &scoped) {
            let mut derived = parse_object(text, "f").map_err(|e| e.message)?;
            if !change.apply(&mut derived) {
                return Err(format!("{path:?} on {text:?}: the change does not apply"));
            }
            let derived = Value::Object(derived).to_string();
            let parsed = parse_object(after, "f").map_err(|e| e.message)?;
            let parsed = Value::Object(parsed).to_string();
            if derived != parsed {
                return Err(format!(
                    "{path:?} on {text:?}\nparsed:  {parsed}\nderived: {derived}"
                ));
            }
        }
        Ok(())
    }

    fn assert_fast_and_same(text: &str, path: &[&str], f: &Edit) -> String {
        same_as_whole(text, path, f).unwrap();
        let out = fast(text, path, f).expect("the fast path is taken");
        let out = out.expect("the edit succeeds");
        assert_eq!(out, edit(text, "f", |o| f(o)).unwrap());
        let edited = edit_property(text, "f", path, |o| f(o)).unwrap();
        assert!(edited.change.is_some(), "{path:?}: the change is known");
        assert_eq!(
            edited.outline.is_some(),
            path.len() == 1,
            "{path:?}: the outline is known"
        );
        out
    }

    /// An outline that is not the text's (as only a hash collision could
    /// give) is not trusted: the edit gives the bytes it gives without it.
    #[test]
    fn an_outline_that_does_not_fit_the_text_is_not_used() {
        let long = "{\n  \"theme\": \"a long value here\",\n  \"plugin\": [\"a\"]\n}\n";
        let wrong = RootOutline(outline(long, &["plugin"]).unwrap().into_owned());
        for text in [
            "{\"plugin\": []}",
            "{\n  \"plugin\": [\"é\"],\n  \"theme\": \"x\"\n}\n",
            "{\n  \"theme\": \"a long value herx\",\n  \"plugin\": [\"a\"]\n}\n",
            "x{\n  \"theme\": \"a long value here\",\n  \"plugin\": [\"a\"]\n}",
        ] {
            let f = plugin_add("new@1");
            let given = edit_property_known(text, "f", &["plugin"], Some(&wrong), |o| f(o));
            let plain = edit_property(text, "f", &["plugin"], |o| f(o));
            let show = |r: Result<Edited>| r.map(|e| e.text).map_err(|e| e.message);
            assert_eq!(show(given), show(plain), "{text}");
        }
        assert!(wrong.fits(long));
    }

    const BENCH_LIKE: &str = "{\n  // Generated.\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"theme\": \"dark\", /* kept */\n  \"plugin\": [\n    \"p-0@1.0.0\", // plugin 0\n    \"p-1@1.1.0\", // plugin 1\n  ],\n  \"mcp\": {\n    // local server 0\n    \"local-0\": {\n      \"type\": \"local\",\n      \"command\": [\"npx\", \"-y\", \"s@latest\"],\n      \"enabled\": true\n    },\n    // remote server 1\n    \"remote-1\": {\n      \"type\": \"remote\",\n      \"url\": \"https://x/mcp\",\n      \"headers\": { \"Authorization\": \"Bearer x\" }\n    },\n    \"local-2\": { \"type\": \"local\", \"command\": [\"a\"] }\n  },\n  \"tools\": { \"deny\": [\"mcp.local-0\"] },\n}\n";

    #[test]
    fn the_edits_of_plugins_and_mcp_take_the_fast_path() {
        let remote = json!({"type": "remote", "url": "https://y/mcp"});
        for (path, f) in [
            (&["plugin"][..], plugin_add("new@1")),
            (&["plugin"], plugin_remove_or_replace("p-0@1.0.0", None)),
            (&["plugin"], plugin_remove_or_replace("p-1@1.1.0", None)),
            (
                &["plugin"],
                plugin_remove_or_replace("p-1@1.1.0", Some("p-1@2")),
            ),
            (
                &["mcp", "local-0"],
                mcp_set("local-0", Some(remote.clone())),
            ),
            (
                &["mcp", "remote-1"],
                mcp_set("remote-1", Some(remote.clone())),
            ),
            (
                &["mcp", "local-2"],
                mcp_set("local-2", Some(remote.clone())),
            ),
            (&["mcp", "local-0"], mcp_set("local-0", None)),
            (&["mcp", "remote-1"], mcp_set("remote-1", None)),
            (&["mcp", "local-2"], mcp_set("local-2", None)),
            (&["mcp", "local-0"], mcp_toggle("local-0", false)),
            (&["mcp", "remote-1"], mcp_toggle("remote-1", false)),
        ] {
            for text in [
                BENCH_LIKE.to_string(),
                BENCH_LIKE.replace('\n', "\r\n"),
                BENCH_LIKE.replace("  ", "\t"),
                BENCH_LIKE.replace(",\n  }", "\n  }").replace(",\n}", "\n}"),
            ] {
                let out = assert_fast_and_same(&text, path, &f);
                assert_ne!(out, text, "{path:?} changed nothing");
            }
        }
    }

    #[test]
    fn hand_cases_give_the_bytes_of_the_whole_document_edit() {
        let docs = [
            "{\"plugin\": []}",
            "{\"plugin\": []}\n",
            "{\n  \"plugin\": []\n}\n",
            "{\n  \"plugin\": [\n  ]\n}\n",
            "{\n  \"plugin\": \"solo@1\"\n}\n",
            "{\n  \"plugin\": \"solo@1\",\n  \"theme\": \"x\"\n}\n",
            "{\n  \"theme\": \"x\",\n  \"plugin\": \"solo@1\"\n}\n",
            "{\n  \"theme\": \"x\", \"plugin\": \"solo@1\" // same line\n}\n",
            "{ \"plugin\": [\"a\", [\"b\", {\"x\": 1}]], \"mcp\": {\"s\": {\"type\": \"local\"}} }",
            "// head\n{\n    \"mcp\": {\n        \"s\": {\n            \"enabled\": true,\n        },\n    },\n    \"plugin\": [\"a\",],\n}\n",
            "{\n\t\"plugin\": [\n\t\t\"a\", /* one */\n\t\t\"b\"\n\t],\n\t\"mcp\": {\n\t\t/* first */ \"s\": {}, \"t\": {\"enabled\": false}\n\t}\n}",
            "{\"mcp\":{\"s\":{\"enabled\":true},\"t\":{}},\"plugin\":[\"a\"]}",
            "{\n  \"a\": {\n    \"deep\": [1, {\"k\": 2}]\n  },\n\n  // plugins\n  \"plugin\": [\n    \"a\", // a\n    // b next\n    \"b\",\n  ], // after\n  \"z\": null\n}",
            "{\n  \"mcp\": {\n    \"s\": {\"type\": \"local\"} // only\n  }\n}\n",
            "{\r\n  \"mcp\": {\r\n    \"s\": {\r\n      \"type\": \"local\"\r\n    },\r\n    \"t\": {}\r\n  },\r\n  \"plugin\": [\"a\"]\r\n}\r\n",
            "{\n  \"plugin\": [\"a\"],\r\n  \"mcp\": {\"s\": {}}\n}",
            "{\n  \"plugin\": {\"not\": \"a list\"}\n}",
            "{\n  \"mcp\": [\"not an object\"], \"plugin\": 3\n}",
            "{\"plugin\": [\"a\"], \"plugin\": [\"b\"]}",
            "{\"plugin\": [\"a\"], \"mcp\": {\"s\": {\"k\": 1, \"k\": 2}}}",
            "{\"plugin\": [\"a\"",
            "[\"plugin\"]",
            "",
            "  \n",
            "{}",
            "{\n}\n",
            "{\n  \"mcp\": {}\n}\n",
            // Line ends but no whitespace between the root's children:
            // the CST takes the trailing-comma style of a new key's value
            // from inside another value.
            "{\n\"mcp\":{ \"s\": {}, }\n}",
            "{\"mcp\":{ \"s\": {}, }}",
        ];
        let config = json!({"type": "local", "command": ["x", "y"], "environment": {"A": "1"}});
        // A missing top-level key added with an object value.
        let add_tools: Edit = Box::new(|obj| {
            if obj.get("tools").is_none() {
                obj.append("tools", to_input(&json!({"deny": ["x"], "k": {"a": 1}})));
            }
            Ok(())
        });
        for doc in docs {
            same_as_whole(doc, &["tools"], &add_tools).unwrap();
            for (path, f) in [
                (&["plugin"][..], plugin_add("new@1")),
                (&["plugin"], plugin_remove_or_replace("a", None)),
                (&["plugin"], plugin_remove_or_replace("b", None)),
                (&["plugin"], plugin_remove_or_replace("solo@1", None)),
                (&["plugin"], plugin_remove_or_replace("a", Some("a@2"))),
                (
                    &["plugin"],
                    plugin_remove_or_replace("solo@1", Some("solo@2")),
                ),
                (&["mcp", "s"], mcp_set("s", Some(config.clone()))),
                (&["mcp", "t"], mcp_set("t", Some(config.clone()))),
                (&["mcp", "new"], mcp_set("new", Some(config.clone()))),
                (&["mcp", "s"], mcp_set("s", None)),
                (&["mcp", "t"], mcp_set("t", None)),
                (&["mcp", "s"], mcp_toggle("s", false)),
                (&["mcp", "t"], mcp_toggle("t", true)),
            ] {
                if let Err(e) = same_as_whole(doc, path, &f) {
                    panic!("{e}");
                }
            }
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Decisions for the printer, taken in turn (zero when used up).
        struct Choices<'a>(&'a [u8], usize);

        impl Choices<'_> {
            fn pick(&mut self, n: usize) -> usize {
                let c = self.0.get(self.1).copied().unwrap_or(0);
                self.1 += 1;
                c as usize % n
            }
        }

        struct Style {
            unit: &'static str,
            nl: &'static str,
        }

        fn comment(ch: &mut Choices<'_>) -> &'static str {
            ["", "", "", " /* c */", "/*x*/ "][ch.pick(5)]
        }

        /// Prints `value` in a layout the choices pick: multi-line or
        /// inline containers, trailing commas, comments before keys and
        /// after values, blank lines, an odd indentation now and then.
        fn print(
            value: &Value,
            indent: &str,
            style: &Style,
            ch: &mut Choices<'_>,
            out: &mut String,
        ) {
            let (open, close, items): (char, char, Vec<(Option<&str>, &Value)>) = match value {
                Value::Object(m) => (
                    '{',
                    '}',
                    m.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
                ),
                Value::Array(a) => ('[', ']', a.iter().map(|v| (None, v)).collect()),
                other => {
                    out.push_str(&other.to_string());
                    return;
                }
            };
            out.push(open);
            let multiline = !items.is_empty() && ch.pick(3) != 0;
            let inner = match ch.pick(8) {
                0 => format!("{indent} "),
                _ => format!("{indent}{}", style.unit),
            };
            let trailing = ch.pick(2) == 0;
            let n = items.len();
            for (i, (key, v)) in items.into_iter().enumerate() {
                if multiline {
                    match ch.pick(6) {
                        0 => out.push_str(&format!("{}{inner}// above{}", style.nl, i)),
                        1 => out.push_str(style.nl),
                        _ => {}
                    }
                    out.push_str(style.nl);
                    out.push_str(&inner);
                } else if i > 0 || ch.pick(2) == 0 {
                    out.push(' ');
                }
                out.push_str(comment(ch));
                if let Some(k) = key {
                    out.push_str(&serde_json::to_string(k).unwrap());
                    out.push_str([": ", ":", " : "][ch.pick(3)]);
                }
                print(v, &inner, style, ch, out);
                if i + 1 < n || (trailing && multiline) {
                    out.push(',');
                }
                if multiline && ch.pick(4) == 0 {
                    out.push_str(" // after");
                }
            }
            if multiline {
                out.push_str(style.nl);
                out.push_str(indent);
            } else if n > 0 && ch.pick(2) == 0 {
                out.push(' ');
            }
            out.push(close);
        }

        fn document(value: &Value, crlf: u8, tab: bool, choices: &[u8]) -> String {
            let style = Style {
                unit: if tab { "\t" } else { "  " },
                nl: if crlf.is_multiple_of(3) { "\r\n" } else { "\n" },
            };
            let mut ch = Choices(choices, 0);
            let mut out = String::new();
            if ch.pick(4) == 0 {
                out.push_str("// head");
                out.push_str(style.nl);
            }
            print(value, "", &style, &mut ch, &mut out);
            if ch.pick(3) != 0 {
                out.push_str(style.nl);
            }
            if crlf % 7 == 1 {
                // A stray line end of the other kind.
                if let Some(at) = out.find('\n') {
                    out.insert(at, '\r');
                }
            }
            out
        }

        fn spec() -> impl Strategy<Value = String> {
            prop_oneof![Just("a".to_string()), Just("b@1".to_string()), "[a-c]{1,2}"]
        }

        fn leaf() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                (0..100i32).prop_map(|n| json!(n)),
                "[a-c /*\"]{0,4}".prop_map(Value::String),
            ]
        }

        fn plugin_value() -> impl Strategy<Value = Value> {
            prop_oneof![
                4 => prop::collection::vec(
                    prop_oneof![
                        3 => spec().prop_map(Value::String),
                        1 => spec().prop_map(|s| json!([s, {"opt": 1}])),
                    ],
                    0..4,
                )
                .prop_map(Value::Array),
                1 => spec().prop_map(Value::String),
                1 => leaf(),
            ]
        }

        fn server() -> impl Strategy<Value = Value> {
            prop_oneof![
                3 => (any::<bool>(), prop::collection::vec("[a-z]{1,3}", 0..3)).prop_map(|(e, cmd)| {
                    json!({"type": "local", "command": cmd, "enabled": e})
                }),
                1 => Just(json!({})),
                1 => Just(json!({"enabled": false})),
                1 => leaf(),
            ]
        }

        fn servers() -> impl Strategy<Value = Value> {
            prop::collection::vec(
                (prop_oneof![Just("s"), Just("t"), Just("u")], server()),
                0..4,
            )
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
        }

        /// A config: some of `$schema`, `plugin`, `mcp`, `theme`, `tools`,
        /// in an order the choices pick.
        fn config() -> impl Strategy<Value = Value> {
            (
                prop::option::of(plugin_value()),
                prop::option::weighted(0.8, prop_oneof![4 => servers(), 1 => leaf()]),
                prop::option::of(leaf()),
                prop::option::of(Just(json!({"deny": ["x"], "k": {"a": [1, 2]}}))),
                any::<bool>(),
                any::<u8>(),
            )
                .prop_map(|(plugin, mcp, theme, tools, schema, order)| {
                    let mut entries: Vec<(&str, Value)> = Vec::new();
                    if schema {
                        entries.push(("$schema", json!("https://opencode.ai/config.json")));
                    }
                    if let Some(v) = theme {
                        entries.push(("theme", v));
                    }
                    if let Some(v) = plugin {
                        entries.push(("plugin", v));
                    }
                    if let Some(v) = mcp {
                        entries.push(("mcp", v));
                    }
                    if let Some(v) = tools {
                        entries.push(("tools", v));
                    }
                    let len = entries.len().max(1);
                    entries.rotate_left(order as usize % len);
                    Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k.to_string(), v))
                            .collect(),
                    )
                })
        }

        #[derive(Debug, Clone)]
        enum Op {
            PluginAdd(String),
            PluginRemove(String),
            PluginReplace(String, String),
            McpSet(&'static str, Value),
            McpRemove(&'static str),
            McpToggle(&'static str, bool),
        }

        fn op() -> impl Strategy<Value = Op> {
            let name = prop_oneof![Just("s"), Just("t"), Just("u")];
            prop_oneof![
                spec().prop_map(Op::PluginAdd),
                spec().prop_map(Op::PluginRemove),
                (spec(), spec()).prop_map(|(a, b)| Op::PluginReplace(a, b)),
                (name.clone(), server()).prop_map(|(n, v)| Op::McpSet(n, v)),
                name.clone().prop_map(Op::McpRemove),
                (name, any::<bool>()).prop_map(|(n, e)| Op::McpToggle(n, e)),
            ]
        }

        fn run(op: &Op) -> (Vec<&'static str>, Edit) {
            match op {
                Op::PluginAdd(s) => (vec!["plugin"], plugin_add(s)),
                Op::PluginRemove(s) => (vec!["plugin"], plugin_remove_or_replace(s, None)),
                Op::PluginReplace(s, n) => (vec!["plugin"], plugin_remove_or_replace(s, Some(n))),
                Op::McpSet(n, v) => (vec!["mcp", n], mcp_set(n, Some(v.clone()))),
                Op::McpRemove(n) => (vec!["mcp", n], mcp_set(n, None)),
                Op::McpToggle(n, e) => (vec!["mcp", n], mcp_toggle(n, *e)),
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1024))]
            /// Generated documents × the edits plugins and MCP servers
            /// make, applied in turn: the scoped edit gives the bytes (or
            /// the error) of the whole-document edit, and so does its
            /// fast path alone whenever it is taken.
            #[test]
            fn scoped_edits_equal_whole_document_edits(
                value in config(),
                crlf in any::<u8>(),
                tab in any::<bool>(),
                choices in prop::collection::vec(any::<u8>(), 64),
                ops in prop::collection::vec(op(), 1..5),
                duplicate in 0..12u8,
                noise in prop::option::weighted(0.3, (any::<usize>(), prop::sample::select(vec![
                    '{', '}', '[', ']', ',', ':', '"', '/', '*', '\n', 'x', '1', '-', ' ', '\\',
                ]))),
            ) {
                let mut text = document(&value, crlf, tab, &choices);
                if let Some((at, c)) = noise {
                    // One character more anywhere: mostly a document that
                    // does not parse, which both must refuse alike.
                    let mut at = at % (text.len() + 1);
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    text.insert(at, c);
                }
                if duplicate == 0 {
                    // A repeated key somewhere: both refuse it.
                    if let Some(at) = text.rfind('}') {
                        text.insert_str(at, ", \"theme\": 1, \"theme\": 2");
                    }
                }
                for op in &ops {
                    let (path, f) = run(op);
                    if let Err(e) = same_as_whole(&text, &path, &f) {
                        prop_assert!(false, "{:?}: {}", op, e);
                    }
                    let whole = edit(&text, "f", |o| f(o));
                    if let Some(fast) = fast(&text, &path, &f) {
                        match (&fast, &whole) {
                            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                            (Err(a), Err(b)) => prop_assert_eq!(&a.message, &b.message),
                            _ => prop_assert!(false, "{:?} on {:?}: {:?} vs {:?}", op, text, fast.is_ok(), whole.is_ok()),
                        }
                    }
                    if let Ok(next) = whole {
                        text = next;
                    }
                }
            }
        }
    }
}
