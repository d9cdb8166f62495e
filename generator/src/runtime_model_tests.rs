//! Tests of the runtime's `model` module: models whose impls are written as the `types`
//! emitter writes them read and write JSON exactly as the same models with serde's derives
//! (the form the emitter wrote before) do — values, error messages and error paths.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// Models as the emitter writes them.
mod written {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};
    use serde_json::Value;

    use crate::runtime::model::{self, FromMembers, Members};

    /// A model as the emitter writes it: a required member, an optional renamed one, a required
    /// nullable one, a nested optional model, a list, and the extra members.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Model {
        pub id: String,
        pub r#type: Option<String>,
        pub display_name: Option<i64>,
        pub child: Option<Box<Model>>,
        pub tags: Vec<String>,
        pub extra: serde_json::Map<String, Value>,
    }

    impl<'de> Deserialize<'de> for Model {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            model::deserialize(deserializer, "Model")
        }
    }

    impl FromMembers for Model {
        fn from_members<'de, A: serde::de::MapAccess<'de>>(
            mut members: Members<'de, A>,
        ) -> Result<Self, A::Error> {
            let mut id = None;
            let mut r#type = None;
            let mut display_name = None;
            let mut child = None;
            let mut tags = None;
            let mut extra = Default::default();
            while let Some(key) = members.key()? {
                match key.as_str() {
                    "id" => members.value(&mut id, "id")?,
                    "type" => members.value(&mut r#type, "type")?,
                    "display-name" => members.value(&mut display_name, "display-name")?,
                    "child" => members.value(&mut child, "child")?,
                    "tags" => members.value(&mut tags, "tags")?,
                    _ => members.other(&mut extra, key)?,
                }
            }
            Ok(Self {
                id: members.required(id, "id")?,
                r#type: members.optional(r#type),
                display_name: members.optional(display_name),
                child: members.optional(child),
                tags: members.required(tags, "tags")?,
                extra,
            })
        }
    }

    impl Serialize for Model {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut members = model::serialize(serializer)?;
            members.member("id", &self.id)?;
            members.optional("type", &self.r#type)?;
            members.member("display-name", &self.display_name)?;
            members.optional("child", &self.child)?;
            members.member("tags", &self.tags)?;
            members.end(&self.extra)
        }
    }

    /// A model whose extra members have a type of their own.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Typed {
        pub count: i64,
        pub extra: BTreeMap<String, i64>,
    }

    impl<'de> Deserialize<'de> for Typed {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            model::deserialize(deserializer, "Typed")
        }
    }

    impl FromMembers for Typed {
        fn from_members<'de, A: serde::de::MapAccess<'de>>(
            mut members: Members<'de, A>,
        ) -> Result<Self, A::Error> {
            let mut count = None;
            let mut extra = Default::default();
            while let Some(key) = members.key()? {
                match key.as_str() {
                    "count" => members.value(&mut count, "count")?,
                    _ => members.other(&mut extra, key)?,
                }
            }
            Ok(Self { count: members.required(count, "count")?, extra })
        }
    }

    impl Serialize for Typed {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut members = model::serialize(serializer)?;
            members.member("count", &self.count)?;
            members.end(&self.extra)
        }
    }

    /// An untagged union of models (the generated unions keep serde's derive), which reads its
    /// variants from a buffer rather than from the input.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(untagged)]
    pub enum Union {
        Model(Model),
        Text(String),
    }
}

/// The same models with serde's derives.
mod derived {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};
    use serde_json::Value;

    /// The same model with serde's derives.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Model {
        pub id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub r#type: Option<String>,
        #[serde(rename = "display-name")]
        pub display_name: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub child: Option<Box<Model>>,
        pub tags: Vec<String>,
        #[serde(flatten)]
        pub extra: serde_json::Map<String, Value>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Typed {
        pub count: i64,
        #[serde(flatten)]
        pub extra: BTreeMap<String, i64>,
    }

    /// An untagged union of models (the generated unions keep serde's derive), which reads its
    /// variants from a buffer rather than from the input.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(untagged)]
    pub enum Union {
        Model(Model),
        Text(String),
    }
}

const INPUTS: &[&str] = &[
    r#"{"id": "a", "type": "t", "display-name": 3, "tags": ["x"], "other": {"deep": [1, null]}}"#,
    r#"{"tags": [], "id": "a", "display-name": null}"#,
    r#"{"id": "a", "type": null, "display-name": null, "tags": []}"#,
    r#"{"id": "a", "tags": [], "display-name": 1, "child": {"id": "b", "tags": ["c"], "display-name": null, "z": 1}}"#,
    r#"{"id": "a", "tags": [], "display-name": 1, "child": null}"#,
    // Escaped names are read as the names they spell.
    r#"{"\u0069d": "a", "tags": [], "display\u002dname": 2, "\u00e9": "é"}"#,
    // Extra members keep the last of a repeated name.
    r#"{"id": "a", "tags": [], "display-name": 2, "x": 1, "x": 2}"#,
    // A required member that may be `null` may also be left out (as with the derive).
    r#"{"id": "a", "tags": []}"#,
    // Refused.
    r#"{"tags": [], "display-name": null}"#,
    r#"{"id": "a", "display-name": null}"#,
    r#"{"id": null, "tags": [], "display-name": null}"#,
    r#"{"id": "a", "id": "b", "tags": [], "display-name": null}"#,
    r#"{"id": "a", "type": null, "type": null, "tags": [], "display-name": null}"#,
    r#"{"id": 1, "tags": [], "display-name": null}"#,
    r#"{"id": "a", "tags": [], "display-name": null, "child": {"id": "b", "tags": [1]}}"#,
    r#"{"id": "a", "tags": [], "display-name": null, "child": []}"#,
    r#"["a", [], null]"#,
    r#""a""#,
    "null",
    "{",
    r#"{"id": "a", "tags": [] "#,
];

fn outcome<T: Serialize>(result: Result<T, impl std::fmt::Display>) -> Result<String, String> {
    result.map(|value| serde_json::to_string(&value).expect("serializes")).map_err(|error| error.to_string())
}

fn path_outcome<T: Serialize>(
    result: Result<T, serde_path_to_error::Error<serde_json::Error>>,
) -> Result<String, String> {
    outcome(result.map_err(|error| format!("{}: {}", error.path(), error.inner())))
}

#[test]
fn models_read_from_bytes_as_derived_models_do() {
    for input in INPUTS {
        let written = outcome(serde_json::from_str::<written::Model>(input));
        let derived = outcome(serde_json::from_str::<derived::Model>(input));
        assert_eq!(written, derived, "{input}");
    }
}

#[test]
fn models_read_from_a_reader_as_derived_models_do() {
    // A reader's names are not borrowed from the input.
    for input in INPUTS {
        let written = outcome(serde_json::from_reader::<_, written::Model>(input.as_bytes()));
        let derived = outcome(serde_json::from_reader::<_, derived::Model>(input.as_bytes()));
        assert_eq!(written, derived, "{input}");
    }
}

#[test]
fn models_read_from_json_values_and_in_unions_as_derived_models_do() {
    for input in INPUTS {
        let Ok(value) = serde_json::from_str::<Value>(input) else { continue };
        let written = outcome(serde_json::from_value::<written::Model>(value.clone()));
        let derived = outcome(serde_json::from_value::<derived::Model>(value.clone()));
        assert_eq!(written, derived, "{input}");
        let written = outcome(serde_json::from_str::<written::Union>(input));
        let derived = outcome(serde_json::from_str::<derived::Union>(input));
        assert_eq!(written, derived, "{input}");
    }
}

#[test]
fn errors_name_the_same_paths_as_derived_models() {
    for input in INPUTS {
        let written = path_outcome(serde_path_to_error::deserialize::<_, written::Model>(
            &mut serde_json::Deserializer::from_str(input),
        ));
        let derived = path_outcome(serde_path_to_error::deserialize::<_, derived::Model>(
            &mut serde_json::Deserializer::from_str(input),
        ));
        assert_eq!(written, derived, "{input}");
    }
}

#[test]
fn the_refused_inputs_are_refused() {
    // So that the comparisons above cover errors as well as values.
    let refused =
        INPUTS.iter().filter(|input| serde_json::from_str::<written::Model>(input).is_err()).count();
    assert_eq!(refused, 13);
    let error = serde_json::from_str::<written::Model>(r#"{"id": "a", "id": "b"}"#).unwrap_err();
    assert!(error.to_string().starts_with("duplicate field `id`"), "{error}");
    let error = serde_json::from_str::<written::Model>(r#"{"id": "a", "display-name": 1}"#).unwrap_err();
    assert!(error.to_string().starts_with("missing field `tags`"), "{error}");
    let error = serde_json::from_str::<written::Model>("[]").unwrap_err();
    assert!(error.to_string().starts_with("invalid type: sequence, expected struct Model"), "{error}");
}

#[test]
fn typed_extra_members_read_and_refuse_as_derived_ones_do() {
    let read = r#"{"count": 1, "b": 2, "a": 3}"#;
    let written = serde_json::from_str::<written::Typed>(read).expect("reads");
    assert_eq!(written.extra, BTreeMap::from([("a".to_owned(), 3), ("b".to_owned(), 2)]));
    assert_eq!(outcome(Ok::<_, String>(written)), outcome(serde_json::from_str::<derived::Typed>(read)));
    // A derived model reads the extra members after the others, from a buffer, so its error
    // has no position; both refuse.
    let refused = r#"{"count": 1, "b": "two"}"#;
    let written = serde_json::from_str::<written::Typed>(refused).unwrap_err().to_string();
    assert!(written.starts_with("invalid type: string \"two\", expected i64"), "{written}");
    assert!(serde_json::from_str::<derived::Typed>(refused).is_err());
}

#[test]
fn models_write_as_derived_models_do() {
    let mut extra = serde_json::Map::new();
    extra.insert("alpha".to_owned(), serde_json::json!({"x": [true]}));
    let child = written::Model {
        id: "b".to_owned(),
        r#type: Some("t".to_owned()),
        display_name: Some(4),
        child: None,
        tags: vec!["c".to_owned()],
        extra: serde_json::Map::new(),
    };
    let written = written::Model {
        id: "a".to_owned(),
        r#type: None,
        display_name: None,
        child: Some(Box::new(child)),
        tags: Vec::new(),
        extra,
    };
    let text = serde_json::to_string(&written).expect("writes");
    let derived: derived::Model = serde_json::from_str(&text).expect("reads");
    assert_eq!(serde_json::to_string(&derived).expect("writes"), text);
    assert_eq!(
        text,
        r#"{"id":"a","display-name":null,"child":{"id":"b","type":"t","display-name":4,"tags":["c"]},"tags":[],"alpha":{"x":[true]}}"#
    );
    assert_eq!(serde_json::from_str::<written::Model>(&text).expect("reads"), written);
    let typed = written::Typed { count: 2, extra: BTreeMap::from([("n".to_owned(), 5)]) };
    let derived = derived::Typed { count: 2, extra: typed.extra.clone() };
    assert_eq!(
        serde_json::to_value(&typed).expect("writes"),
        serde_json::to_value(&derived).expect("writes")
    );
}
