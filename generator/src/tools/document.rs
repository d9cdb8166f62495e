//! Random OpenAPI documents for fuzzing, built from bytes with `arbitrary`, so the same bytes
//! always give the same document and a failing input can be replayed from its bytes.
//!
//! The documents are what careless publishers and attackers write: names that collide,
//! keywords and crate names, Markdown that would run as code, composition (`allOf`, `oneOf`,
//! `anyOf`, discriminators), `$ref`s (some dangling, some cyclic), every parameter location
//! and style, several body media types and response statuses, and security schemes.

use arbitrary::{Result, Unstructured};
use serde_json::{json, Map, Value};

/// Names chosen to collide, to be keywords, or to name something the generated crate has.
const NAMES: &[&str] = &[
    "id",
    "Id",
    "ID",
    "is_active",
    "isActive",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "async",
    "r#type",
    "new",
    "clone",
    "default",
    "builder",
    "build",
    "send",
    "client",
    "Client",
    "Error",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
    "core",
    "std",
    "lib",
    "main",
    "reqwest",
    "serde",
    "types",
    "runtime",
    "error",
    "x",
    "x_signer",
    "",
    " ",
    "1st",
    "-",
    "$ref",
    "größe",
    "名前",
    "a-b",
    "a_b",
    "a b",
    "__v",
    "_",
    "value",
    "Value",
    "other",
    "Other",
    "body",
    "options",
    "timeout",
    "page",
    "per_page",
    "cursor",
    "next",
    "items",
    "result",
    "result_info",
    "success",
    "errors",
    "messages",
];

/// Text for descriptions, titles and enum values: Markdown that would be code, and worse.
const TEXTS: &[&str] = &[
    "A plain description.",
    "```rust\npanic!()\n```",
    "> ```\n> panic!()\n> ```",
    "- ~~~rust\n  panic!()\n  ~~~",
    "    indented();",
    "\"quoted\" \\ back\\slash",
    "line\nbreak\r\nand\rreturns",
    "|table|cell|",
    "<script>alert(1)</script>",
    "\u{202E}reversed\u{202C}",
    "*/ /* // #",
    "[link](javascript:x)",
    "",
];

const FORMATS: &[&str] = &[
    "",
    "int32",
    "int64",
    "uint64",
    "int128",
    "uint128",
    "date-time",
    "date",
    "uuid",
    "binary",
    "byte",
    "float",
];

const MEDIA: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/octet-stream",
    "text/plain",
    "application/vnd.api+json",
    "*/*",
];

const STATUSES: &[&str] = &["200", "201", "204", "2XX", "400", "404", "4XX", "default", "302", "500"];

/// Builds one document from the bytes.
pub fn document(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut gen = Generator { schema_names: Vec::new() };
    gen.document(u)
}

struct Generator {
    schema_names: Vec<String>,
}

fn pick<'a, T>(u: &mut Unstructured<'_>, from: &'a [T]) -> Result<&'a T> {
    u.choose(from)
}

impl Generator {
    fn document(&mut self, u: &mut Unstructured<'_>) -> Result<Value> {
        let count = u.int_in_range(0..=6)?;
        for _ in 0..count {
            let name = self.name(u)?;
            if !self.schema_names.contains(&name) {
                self.schema_names.push(name);
            }
        }
        let mut schemas = Map::new();
        for name in self.schema_names.clone() {
            schemas.insert(name, self.schema(u, 0)?);
        }
        let mut security_schemes = Map::new();
        for _ in 0..u.int_in_range(0..=2)? {
            security_schemes.insert(self.name(u)?, self.security_scheme(u)?);
        }
        let mut paths = Map::new();
        for _ in 0..u.int_in_range(1..=4)? {
            let (path, placeholders) = self.path(u)?;
            let mut item = Map::new();
            for method in ["get", "post", "put", "delete", "patch"] {
                if u.ratio(1, 3)? {
                    let scheme_names: Vec<String> = security_schemes.keys().cloned().collect();
                    item.insert(method.to_owned(), self.operation(u, &placeholders, &scheme_names)?);
                }
            }
            paths.insert(path, Value::Object(item));
        }
        let version = *pick(u, &["3.0.3", "3.1.0", "3.2.0"])?;
        let tags: Vec<Value> = (0..u.int_in_range(0..=2)?)
            .map(|_| Ok(json!({"name": self.name(u)?, "description": self.text(u)?})))
            .collect::<Result<_>>()?;
        let mut document = json!({
            "openapi": version,
            "info": {"title": self.text(u)?, "version": self.text(u)?, "description": self.text(u)?},
            "paths": paths,
            "components": {"schemas": schemas, "securitySchemes": security_schemes},
            "tags": tags,
        });
        if u.ratio(1, 2)? {
            document["servers"] =
                json!([{"url": *pick(u, &["https://api.example.com/v1", "/relative", "{scheme}://x"])?}]);
        }
        Ok(document)
    }

    fn name(&self, u: &mut Unstructured<'_>) -> Result<String> {
        Ok(match u.int_in_range(0..=9)? {
            0 => format!("{}{}", pick(u, NAMES)?, pick(u, NAMES)?),
            1 => {
                let length = u.int_in_range(1..=12)?;
                (0..length)
                    .map(|_| Ok(char::from(u.int_in_range(b' '..=b'~')?)))
                    .collect::<Result<String>>()?
            }
            2 => "long_name_".repeat(u.int_in_range(5..=40)?),
            _ => (*pick(u, NAMES)?).to_owned(),
        })
    }

    fn text(&self, u: &mut Unstructured<'_>) -> Result<String> {
        Ok(if u.ratio(1, 8)? { any_text(u)? } else { (*pick(u, TEXTS)?).to_owned() })
    }

    fn reference(&self, u: &mut Unstructured<'_>) -> Result<Value> {
        let target = if self.schema_names.is_empty() || !u.ratio(59, 60)? {
            "Missing".to_owned()
        } else {
            pick(u, &self.schema_names)?.clone()
        };
        let escaped = target.replace('~', "~0").replace('/', "~1");
        Ok(json!({"$ref": format!("#/components/schemas/{escaped}")}))
    }

    fn schema(&self, u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
        let leaf = depth >= 3;
        let choice = if leaf { u.int_in_range(0..=4)? } else { u.int_in_range(0..=11)? };
        let mut schema = match choice {
            0 => {
                let format = *pick(u, FORMATS)?;
                let ty = *pick(u, &["string", "integer", "number", "boolean"])?;
                let mut s = json!({"type": ty});
                if !format.is_empty() {
                    s["format"] = json!(format);
                }
                s
            }
            1 => {
                let values: Vec<Value> = (0..u.int_in_range(1..=6)?)
                    .map(|_| Ok(if u.ratio(1, 2)? { json!(self.name(u)?) } else { json!(self.text(u)?) }))
                    .collect::<Result<_>>()?;
                json!({"type": "string", "enum": values})
            }
            2 => json!({"type": "integer", "enum": [0, 1, -1, u.arbitrary::<i64>()?]}),
            3 => json!({}),
            4 if !self.schema_names.is_empty() => self.reference(u)?,
            4 => json!({"type": "string"}),
            5 | 6 => self.object(u, depth)?,
            7 => json!({"type": "array", "items": self.schema(u, depth + 1)?}),
            8 => json!({"type": "object", "additionalProperties": self.schema(u, depth + 1)?}),
            _ => {
                let keyword = *pick(u, &["allOf", "oneOf", "anyOf"])?;
                let members: Vec<Value> =
                    (0..u.int_in_range(1..=3)?).map(|_| self.schema(u, depth + 1)).collect::<Result<_>>()?;
                let mut s = json!({ keyword: members });
                if keyword != "allOf" && u.ratio(1, 3)? {
                    s["discriminator"] = json!({"propertyName": self.name(u)?});
                }
                s
            }
        };
        if u.ratio(1, 5)? {
            schema["nullable"] = json!(true);
        }
        if u.ratio(1, 4)? {
            schema["description"] = json!(self.text(u)?);
        }
        Ok(schema)
    }

    fn object(&self, u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for _ in 0..u.int_in_range(0..=5)? {
            let name = self.name(u)?;
            if u.ratio(1, 2)? {
                required.push(json!(name));
            }
            properties.insert(name, self.schema(u, depth + 1)?);
        }
        let mut s = json!({"type": "object", "properties": properties, "required": required});
        if u.ratio(1, 4)? {
            s["additionalProperties"] = json!(u.arbitrary::<bool>()?);
        }
        Ok(s)
    }

    fn path(&self, u: &mut Unstructured<'_>) -> Result<(String, Vec<String>)> {
        let mut path = String::new();
        let mut placeholders = Vec::new();
        for _ in 0..u.int_in_range(1..=3)? {
            path.push('/');
            if u.ratio(1, 2)? {
                let name = self.name(u)?.replace(['{', '}', '/'], "");
                path.push_str(&format!("{{{name}}}"));
                placeholders.push(name);
            } else {
                path.push_str(pick(u, &["items", "a.b", "v1", "%20", "x-y", ""])?);
            }
        }
        Ok((path, placeholders))
    }

    fn parameter(&self, u: &mut Unstructured<'_>, location: &str, name: String) -> Result<Value> {
        let mut p = json!({
            "name": name,
            "in": location,
            "required": location == "path" || u.arbitrary::<bool>()?,
            "schema": self.schema(u, 1)?,
        });
        if u.ratio(1, 3)? {
            // Mostly a style the location allows; now and then one it does not.
            let styles: &[&str] = match location {
                _ if !u.ratio(19, 20)? => &["form", "simple", "deepObject", "matrix"],
                "path" => &["simple", "label", "matrix"],
                "query" => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
                "header" => &["simple"],
                _ => &["form"],
            };
            p["style"] = json!(*pick(u, styles)?);
            p["explode"] = json!(u.arbitrary::<bool>()?);
        }
        if u.ratio(1, 4)? {
            p["description"] = json!(self.text(u)?);
        }
        Ok(p)
    }

    fn operation(
        &self,
        u: &mut Unstructured<'_>,
        placeholders: &[String],
        schemes: &[String],
    ) -> Result<Value> {
        let mut parameters = Vec::new();
        for name in placeholders {
            // Now and then a placeholder is left undeclared.
            if !u.ratio(1, 10)? {
                parameters.push(self.parameter(u, "path", name.clone())?);
            }
        }
        for _ in 0..u.int_in_range(0..=4)? {
            let location = *pick(u, &["query", "header", "cookie", "querystring"])?;
            let name = self.name(u)?;
            parameters.push(self.parameter(u, location, name)?);
        }
        let mut responses = Map::new();
        for _ in 0..u.int_in_range(0..=3)? {
            let mut response = json!({"description": self.text(u)?});
            if u.ratio(2, 3)? {
                response["content"] = json!({ *pick(u, MEDIA)?: {"schema": self.schema(u, 0)?} });
            }
            responses.insert((*pick(u, STATUSES)?).to_owned(), response);
        }
        let mut operation = json!({"parameters": parameters, "responses": responses});
        if u.ratio(4, 5)? {
            operation["operationId"] = json!(self.name(u)?);
        }
        if u.ratio(2, 3)? {
            operation["tags"] = json!([self.name(u)?]);
        }
        if u.ratio(1, 2)? {
            operation["summary"] = json!(self.text(u)?);
        }
        if u.ratio(1, 3)? {
            let mut content = Map::new();
            for _ in 0..u.int_in_range(1..=2)? {
                content.insert((*pick(u, MEDIA)?).to_owned(), json!({"schema": self.schema(u, 0)?}));
            }
            operation["requestBody"] = json!({"required": u.arbitrary::<bool>()?, "content": content});
        }
        if !schemes.is_empty() && u.ratio(1, 2)? {
            operation["security"] = json!([{ pick(u, schemes)?.clone(): [] }]);
        }
        if u.ratio(1, 10)? {
            operation["deprecated"] = json!(true);
        }
        Ok(operation)
    }

    fn security_scheme(&self, u: &mut Unstructured<'_>) -> Result<Value> {
        Ok(match u.int_in_range(0..=4)? {
            0 => json!({"type": "http", "scheme": "bearer"}),
            1 => json!({"type": "http", "scheme": "basic"}),
            2 => {
                json!({"type": "apiKey", "in": *pick(u, &["header", "query", "cookie"])?, "name": self.name(u)?})
            }
            3 => {
                json!({"type": "apiKey", "in": "header", "name": "x-ncp-iam-access-key", "x-signature": "ncp-apigw-v2"})
            }
            _ => {
                json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://x/token", "scopes": {}}}})
            }
        })
    }
}

/// A short string of any characters.
fn any_text(u: &mut Unstructured<'_>) -> Result<String> {
    let length = u.int_in_range(0..=16)?;
    (0..length).map(|_| u.arbitrary::<char>()).collect()
}
