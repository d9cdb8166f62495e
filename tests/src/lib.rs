//! Helpers for the end-to-end tests in `tests/`: fixture payloads and a JSON comparison that
//! treats numbers by value (`1694791905` and `1694791905.0` are the same number).

use std::path::Path;

use serde_json::Value;

/// A payload from `fixtures/`.
pub fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Where two JSON values differ, as JSON pointers; empty when they are the same document.
/// Numbers compare by value; every member on either side must be on the other.
pub fn differences(left: &Value, right: &Value) -> Vec<String> {
    let mut out = Vec::new();
    compare(left, right, String::new(), &mut out);
    out
}

fn compare(left: &Value, right: &Value, at: String, out: &mut Vec<String>) {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => {
            if a.as_f64() != b.as_f64() {
                out.push(format!("{at}: {a} != {b}"));
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys()) {
                let member = format!("{at}/{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => compare(x, y, member, out),
                    (Some(_), None) => out.push(format!("{member}: missing on the right")),
                    (None, Some(_)) => out.push(format!("{member}: missing on the left")),
                    (None, None) => unreachable!("the key comes from one side"),
                }
            }
            out.dedup();
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                compare(x, y, format!("{at}/{index}"), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{at}: {a} != {b}")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numbers_compare_by_value_and_members_must_match() {
        assert!(differences(&json!({"a": 1, "b": [1.5]}), &json!({"b": [1.5], "a": 1.0})).is_empty());
        assert_eq!(differences(&json!({"a": 1}), &json!({"a": 2})), ["/a: 1 != 2"]);
        assert_eq!(differences(&json!({"a": 1}), &json!({})), ["/a: missing on the right"]);
        assert_eq!(differences(&json!({"a": null}), &json!({})), ["/a: missing on the right"]);
        assert_eq!(differences(&json!([1]), &json!([1, 2])), [": [1] != [1,2]"]);
    }
}
