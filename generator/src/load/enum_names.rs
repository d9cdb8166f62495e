//! `x-ms-enum` (Azure's enum extension, in Swagger 2.0 and OpenAPI 3 specs alike): its value
//! names and descriptions become `x-enum-varnames` / `x-enum-descriptions` (the forms the
//! lowering reads), and its `name` makes the enum one named type: every inline enum with that
//! name and the same values becomes a `$ref` to `#/components/schemas/<name>`.

use serde_json::{Map, Value};

use super::Pointer;

/// Reads the `x-ms-enum` of one schema: fills in its value names and descriptions, and
/// returns the name it gives the enum, if any.
pub fn read(schema: &mut Map<String, Value>) -> Option<String> {
    let extension = schema.get("x-ms-enum")?.as_object()?.clone();
    if let Some(values) = extension.get("values").and_then(Value::as_array) {
        let described: Vec<&Map<String, Value>> = values.iter().filter_map(Value::as_object).collect();
        if !schema.contains_key("enum") {
            let listed: Vec<Value> = described.iter().filter_map(|v| v.get("value").cloned()).collect();
            schema.insert("enum".into(), Value::Array(listed));
        }
        let order: Vec<Value> = schema.get("enum").and_then(Value::as_array).cloned().unwrap_or_default();
        let column = |key: &str| -> Vec<Value> {
            order
                .iter()
                .map(|value| {
                    let entry = described.iter().find(|d| d.get("value") == Some(value));
                    entry.and_then(|d| d.get(key)).filter(|v| v.is_string()).cloned().unwrap_or(Value::Null)
                })
                .collect()
        };
        for (key, label) in [("x-enum-varnames", "name"), ("x-enum-descriptions", "description")] {
            let labels = column(label);
            if !schema.contains_key(key) && labels.iter().any(Value::is_string) {
                schema.insert(key.into(), Value::Array(labels));
            }
        }
    }
    let name = extension.get("name")?.as_str()?.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Makes the named enums found at `found` components (the first of a name defines it), and
/// the ones with the same values `$ref`s to them. An enum whose name a different schema of
/// the document already has, or that is nullable, stays where it is.
pub fn hoist(document: &mut Value, found: Vec<(Pointer, String)>) {
    let schemas_at = Pointer::root().join("components").join("schemas");
    for (at, name) in found {
        // A component is named already.
        if at.parent() == schemas_at {
            continue;
        }
        let Some(schema) = document.pointer(at.as_str()).and_then(Value::as_object) else { continue };
        if schema.get("nullable") == Some(&Value::Bool(true)) || schema.contains_key("$ref") {
            continue;
        }
        let Some(values) = schema.get("enum").cloned() else { continue };
        match document.pointer(schemas_at.join(&name).as_str()) {
            Some(existing) if existing.get("enum") != Some(&values) => continue,
            Some(_) => {}
            None => {
                let mut component = schema.clone();
                component.remove("description");
                let components = child(object(document), "components");
                child(components, "schemas").insert(name.clone(), Value::Object(component));
            }
        }
        let Some(node) = document.pointer_mut(at.as_str()) else { continue };
        let mut reference = Map::new();
        reference.insert("$ref".into(), Value::String(format!("#{}", schemas_at.join(&name).as_str())));
        if let Some(description) = node.get("description") {
            reference.insert("description".into(), description.clone());
        }
        *node = Value::Object(reference);
    }
}

fn object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    value.as_object_mut().expect("made an object above")
}

fn child<'m>(map: &'m mut Map<String, Value>, key: &str) -> &'m mut Map<String, Value> {
    object(map.entry(key).or_insert_with(|| Value::Object(Map::new())))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_and_descriptions_of_values() {
        let mut schema = json!({"type": "string", "x-ms-enum": {"name": "State", "values": [
            {"value": "on", "name": "Enabled", "description": "Running."}, {"value": "off"}]}});
        let name = read(schema.as_object_mut().unwrap());
        assert_eq!(name.as_deref(), Some("State"));
        assert_eq!(schema["enum"], json!(["on", "off"]));
        assert_eq!(schema["x-enum-varnames"], json!(["Enabled", null]));
        assert_eq!(schema["x-enum-descriptions"], json!(["Running.", null]));
    }

    #[test]
    fn named_enums_become_one_component() {
        let mut document = json!({"components": {"schemas": {
            "A": {"properties": {"s": {"enum": ["x", "y"], "description": "Of A."}}},
            "B": {"properties": {"s": {"enum": ["x", "y"]}, "t": {"enum": ["z"]}}},
            "Taken": {"type": "integer"}
        }}});
        let at = |s: &str, p: &str| {
            Pointer::root().join("components").join("schemas").join(s).join("properties").join(p)
        };
        let found = vec![
            (at("A", "s"), "Mode".to_owned()),
            (at("B", "s"), "Mode".to_owned()),
            (at("B", "t"), "Mode".to_owned()),
            (at("B", "t"), "Taken".to_owned()),
        ];
        hoist(&mut document, found);
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["Mode"], json!({"enum": ["x", "y"]}));
        assert_eq!(
            schemas["A"]["properties"]["s"],
            json!({"$ref": "#/components/schemas/Mode", "description": "Of A."})
        );
        assert_eq!(schemas["B"]["properties"]["s"], json!({"$ref": "#/components/schemas/Mode"}));
        // Other values under the same name, or a name taken by another schema: left in place.
        assert_eq!(schemas["B"]["properties"]["t"], json!({"enum": ["z"]}));
    }
}
