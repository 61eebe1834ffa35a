//! The fields of a command as a resolve holds them: a command file's (and
//! an export's commands') in a struct of their own, a config's `command`
//! entry as the JSON object it is. Both read, merge and write as the
//! object OpenCode resolves.
//!
//! The parse cache keeps every command file's fields, 10,000 of them in a
//! large workspace. As a JSON object each cost some 900 bytes (an ordered
//! map of six entries, each key its own string); in [`FileFields`] about
//! 400, nearly all of it the texts themselves.

use crate::workspace::formats::json_string;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;

/// What a command file's frontmatter and body give, as OpenCode reads
/// them: only the text fields that are text, `subtask` only when it is a
/// boolean. As an object, its keys come in this order (the text fields
/// present, `subtask`, then `template`), whatever the frontmatter's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileFields {
    pub description: Option<Box<str>>,
    pub agent: Option<Box<str>>,
    pub model: Option<Box<str>>,
    pub variant: Option<Box<str>>,
    pub subtask: Option<bool>,
    pub template: Box<str>,
}

impl FileFields {
    /// The text fields present, by key, in their order.
    fn texts(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("description", &self.description),
            ("agent", &self.agent),
            ("model", &self.model),
            ("variant", &self.variant),
        ]
        .into_iter()
        .filter_map(|(key, text)| text.as_deref().map(|t| (key, t)))
    }
}

/// A command's fields: shared, never copied by a resolve unless a second
/// definition of the same name merges into them.
#[derive(Debug, Clone)]
pub enum CommandFields {
    /// A command file's (or an export's command).
    File(Arc<FileFields>),
    /// A `command` entry of a config file, or definitions merged.
    Object(Arc<Map<String, Value>>),
}

impl CommandFields {
    /// The text of the field `key`, when it is text.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self {
            CommandFields::File(f) => match key {
                "template" => Some(&f.template),
                _ => f.texts().find(|(k, _)| *k == key).map(|(_, t)| t),
            },
            CommandFields::Object(map) => map.get(key).and_then(Value::as_str),
        }
    }

    /// The fields as a JSON object, keys in their order.
    pub fn to_object(&self) -> Map<String, Value> {
        match self {
            CommandFields::File(f) => {
                let mut map = Map::new();
                for (key, text) in f.texts() {
                    map.insert(key.into(), Value::String(text.into()));
                }
                if let Some(subtask) = f.subtask {
                    map.insert("subtask".into(), Value::Bool(subtask));
                }
                map.insert("template".into(), Value::String(f.template.to_string()));
                map
            }
            CommandFields::Object(map) => (**map).clone(),
        }
    }

    /// Merges `other`'s fields into these, key by key (objects merged
    /// in turn), as a later definition of the same command does.
    pub fn merge_in(&mut self, other: &CommandFields) {
        if let CommandFields::File(_) = self {
            *self = CommandFields::Object(Arc::new(self.to_object()));
        }
        let CommandFields::Object(merged) = self else {
            return; // an object now
        };
        let into = Arc::make_mut(merged);
        match other {
            CommandFields::Object(map) => super::resolve::merge_map(into, map),
            // A file's values are texts and a flag, never objects: each
            // replaces the key's value (in its place) or comes last.
            file => {
                for (key, value) in file.to_object() {
                    into.insert(key, value);
                }
            }
        }
    }

    /// Appends the fields as a JSON object, the bytes serde writes for
    /// [`CommandFields::to_object`].
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            CommandFields::File(f) => {
                let mut object = json_string::Object::new(out);
                for (key, text) in f.texts() {
                    object.str(key, text);
                }
                if let Some(subtask) = f.subtask {
                    object.bool("subtask", subtask);
                }
                object.str("template", &f.template);
                object.end();
            }
            CommandFields::Object(map) => {
                json_string::map(out, map.iter().map(|(k, v)| (k.as_str(), v)));
            }
        }
    }
}

impl Serialize for CommandFields {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            CommandFields::File(f) => {
                let len = f.texts().count() + usize::from(f.subtask.is_some()) + 1;
                let mut map = s.serialize_map(Some(len))?;
                for (key, text) in f.texts() {
                    map.serialize_entry(key, text)?;
                }
                if let Some(subtask) = f.subtask {
                    map.serialize_entry("subtask", &subtask)?;
                }
                map.serialize_entry("template", &*f.template)?;
                map.end()
            }
            CommandFields::Object(map) => map.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(subtask: Option<bool>, description: Option<&str>) -> CommandFields {
        CommandFields::File(Arc::new(FileFields {
            description: description.map(Into::into),
            agent: Some("build".into()),
            model: None,
            variant: Some("fast \"one\"\n".into()),
            subtask,
            template: "Run $ARGUMENTS\n\tthen \\ stop".into(),
        }))
    }

    /// Written by hand, through serde, or made an object first: the same
    /// bytes, keys in the same order.
    #[test]
    fn a_file_s_fields_write_as_their_object() {
        for fields in [
            file(Some(true), Some("Déploie")),
            file(None, None),
            file(Some(false), Some("")),
        ] {
            let object = fields.to_object();
            let expected = serde_json::to_vec(&object).unwrap();
            let mut written = Vec::new();
            fields.write(&mut written);
            assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(expected.clone()).unwrap()
            );
            assert_eq!(serde_json::to_vec(&fields).unwrap(), expected);
            let mut as_object = Vec::new();
            CommandFields::Object(Arc::new(object)).write(&mut as_object);
            assert_eq!(as_object, expected);
        }
    }

    #[test]
    fn fields_are_read_by_key() {
        let fields = file(Some(true), Some("D"));
        assert_eq!(fields.text("description"), Some("D"));
        assert_eq!(fields.text("agent"), Some("build"));
        assert_eq!(fields.text("model"), None);
        assert_eq!(
            fields.text("template"),
            Some("Run $ARGUMENTS\n\tthen \\ stop")
        );
        assert_eq!(fields.text("subtask"), None);
        let object = CommandFields::Object(Arc::new(fields.to_object()));
        for key in [
            "description",
            "agent",
            "model",
            "variant",
            "template",
            "subtask",
        ] {
            assert_eq!(object.text(key), fields.text(key), "{key}");
        }
        assert_eq!(fields.to_object()["subtask"], Value::Bool(true));
    }

    /// A parsed command file's keys come in the object's order, whatever
    /// the frontmatter's; values that are not text (or, for `subtask`, a
    /// boolean) are left out.
    #[test]
    fn a_parsed_file_s_keys_come_in_their_order() {
        let file = "---\nsubtask: true\nvariant: v\nmodel: m\nname: n\nagent: 7\ndescription: d\n---\n Body \"q\"\n";
        let parsed = super::super::resolve::parse_command(file.as_bytes()).unwrap();
        let fields = CommandFields::File(parsed.fields);
        let mut written = Vec::new();
        fields.write(&mut written);
        assert_eq!(
            String::from_utf8(written).unwrap(),
            r#"{"description":"d","model":"m","variant":"v","subtask":true,"template":"Body \"q\""}"#
        );
        let odd = "---\nsubtask: \"yes\"\ndescription: 5\n---\nT";
        let parsed = super::super::resolve::parse_command(odd.as_bytes()).unwrap();
        let text = serde_json::to_string(&CommandFields::File(parsed.fields)).unwrap();
        assert_eq!(text, r#"{"template":"T"}"#);
    }

    /// A later definition wins key by key; the result is an object.
    #[test]
    fn definitions_merge_key_by_key() {
        let mut fields = file(None, Some("old"));
        let mut later = Map::new();
        later.insert("description".into(), Value::String("new".into()));
        later.insert("model".into(), Value::String("m".into()));
        fields.merge_in(&CommandFields::Object(Arc::new(later)));
        let CommandFields::Object(map) = &fields else {
            panic!("merged fields are an object");
        };
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["description", "agent", "variant", "template", "model"]
        );
        assert_eq!(fields.text("description"), Some("new"));
        assert_eq!(fields.text("agent"), Some("build"));
        let mut twice = file(None, Some("a"));
        twice.merge_in(&file(Some(true), Some("b")));
        assert_eq!(twice.text("description"), Some("b"));
        assert_eq!(twice.to_object()["subtask"], Value::Bool(true));
    }
}
