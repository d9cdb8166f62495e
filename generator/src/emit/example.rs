//! The short example that ends each operation's docs: a call with a value for every required
//! argument, compiled as a doctest (`no_run`: it would need the real server).

use crate::escape::rust_string;
use crate::ir::{Api, BodyEncoding, Group, Operation, ParamLocation, Success, TypeKind, TypeRef};
use crate::naming::bare;

/// How deep example values nest before a required member is left to the reader.
const DEPTH: usize = 4;

/// The doc lines of the example (each to be written as `///` plus the line): the body of
/// [`code`], the function around it hidden.
pub fn doc_lines(api: &Api, group: &Group, op: &Operation) -> Vec<String> {
    let text = code(api, group, op);
    let mut out = vec!["# Example".to_owned(), String::new(), "```no_run".to_owned()];
    for line in text.lines() {
        // The function's attributes, signature and end, and its `Ok(())`, are hidden.
        match line.strip_prefix("    ") {
            Some(body) if body != "Ok(())" => out.push(body.to_owned()),
            _ => out.push(format!("# {}", line.trim_start())),
        }
    }
    out.push("```".to_owned());
    out
}

/// The example as a function that makes a client from the environment and calls `op` with a
/// value for every required argument (and one of each group of which one must be set).
/// Written as text, as rustfmt would lay it out: it is only ever read.
pub fn code(api: &Api, group: &Group, op: &Operation) -> String {
    let krate = api.crate_ident.as_str();
    let values = Values { api, krate };
    let mut arguments = Vec::new();
    for id in op.positional() {
        let param = &op.params[id];
        let upload = matches!(param.location, ParamLocation::Multipart { file: true });
        arguments.push(values.argument(&param.ty, &param.wire, upload));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        arguments.push(values.argument(&body.ty, &body.name, body.encoding == BodyEncoding::Binary));
    }
    let positional = op.positional();
    let mut calls = vec![
        format!("{}()", bare(&group.accessor)),
        format!("{}({})", bare(&op.method), arguments.join(", ")),
    ];
    for ids in op.required_one_of.iter().filter(|ids| !ids.iter().any(|id| positional.contains(id))) {
        if let Some(param) = ids.first().map(|id| &op.params[*id]) {
            calls.push(format!("{}({})", bare(&param.name), values.argument(&param.ty, &param.wire, false)));
        }
    }
    calls.extend(["send()".to_owned(), "await?".to_owned()]);
    let (binding, end) = match op.response {
        Success::Empty => ("", ";"),
        _ => ("let answer = ", ";\n    println!(\"{answer:?}\");"),
    };
    let one_line = format!("    {binding}client.{}", calls.join("."));
    // rustfmt's width, the `;` included.
    let call = if one_line.len() < 100 {
        one_line
    } else {
        let steps: Vec<String> = calls.iter().map(|call| format!("        .{call}")).collect();
        format!("    {binding}client\n{}", steps.join("\n"))
    };
    let allow = if op.deprecated { "#[allow(deprecated)]\n" } else { "" };
    format!(
        "{allow}async fn example() -> Result<(), {krate}::Error> {{\n    let client = {krate}::Client::from_env()?;\n{call}{end}\n    Ok(())\n}}\n"
    )
}

/// Example values of the API's types, written from outside the crate.
struct Values<'a> {
    api: &'a Api,
    krate: &'a str,
}

impl Values<'_> {
    /// A value for a positional argument: what its setter accepts (`"text"` for strings, a
    /// list for lists).
    fn argument(&self, ty: &TypeRef, name: &str, upload: bool) -> String {
        let ty = ty.non_null();
        if upload && *ty == TypeRef::Binary {
            return format!("{}::Upload::from(Vec::<u8>::new())", self.krate);
        }
        self.value(ty, name, 0, true)
    }

    /// A value of `ty`; `loose` where it is taken as `impl Into<..>` (so `"text"` will do for a
    /// string), else the exact type.
    fn value(&self, ty: &TypeRef, name: &str, depth: usize, loose: bool) -> String {
        let krate = self.krate;
        match ty {
            TypeRef::String if loose => rust_string(name),
            TypeRef::String => format!("{}.to_owned()", rust_string(name)),
            TypeRef::Bool => "true".to_owned(),
            TypeRef::I32 | TypeRef::I64 | TypeRef::U64 | TypeRef::I128 | TypeRef::U128 => "1".to_owned(),
            TypeRef::F32 | TypeRef::F64 => "1.0".to_owned(),
            TypeRef::DateTime => "chrono::Utc::now()".to_owned(),
            TypeRef::Date => "chrono::NaiveDate::default()".to_owned(),
            TypeRef::Uuid => "uuid::Uuid::nil()".to_owned(),
            TypeRef::Binary => "Vec::<u8>::new()".to_owned(),
            TypeRef::Json => "serde_json::json!({})".to_owned(),
            TypeRef::JsonObject => "serde_json::Map::new()".to_owned(),
            // Where any iterable will do, an array; a member's list is a `Vec`.
            TypeRef::List(item) if loose => format!("[{}]", self.value(item, name, depth + 1, loose)),
            TypeRef::List(item) => format!("vec![{}]", self.value(item, name, depth + 1, loose)),
            TypeRef::Map(_) => "Default::default()".to_owned(),
            TypeRef::Nullable(inner) => format!("Some({})", self.value(inner, name, depth, false)),
            TypeRef::Named(id) => {
                let def = &self.api.types[id.0];
                let path = format!("{krate}::types::{}", def.name);
                match &def.kind {
                    TypeKind::Alias(target) => self.value(target, name, depth, loose),
                    TypeKind::Enum(e) => match e.variants.first() {
                        Some(first) => format!("{path}::{}", first.name),
                        None => format!("{path}::from(\"\")"),
                    },
                    TypeKind::Struct(s) => {
                        let required: Vec<_> =
                            s.fields.iter().filter(|f| f.required && !f.ty.is_nullable()).collect();
                        if required.is_empty() {
                            return format!("{path}::default()");
                        }
                        if depth >= DEPTH {
                            return "todo!()".to_owned();
                        }
                        // Strings are taken as `impl Into<String>`; other members as they are.
                        let arguments = required.iter().map(|f| {
                            let direct =
                                !f.boxed && crate::ir::query::is_string(&self.api.types, f.ty.non_null());
                            self.value(f.ty.non_null(), &f.wire, depth + 1, direct)
                        });
                        format!("{path}::new({})", arguments.collect::<Vec<_>>().join(", "))
                    }
                    TypeKind::Union(u) => match u.variants.first() {
                        Some(first) if depth < DEPTH => {
                            let value = self.value(&first.ty, name, depth + 1, false);
                            let value = if first.boxed { format!("Box::new({value})") } else { value };
                            format!("{path}::{}({value})", first.name)
                        }
                        _ => "todo!()".to_owned(),
                    },
                }
            }
        }
    }
}
