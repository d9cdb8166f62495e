//! One module per tag: the accessor type and a request builder per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{ident, mentioned, tokens, Types};
use super::source::{comma_list, Piece, Source};
use crate::escape::{self, rust_string};
use crate::ir::{
    Api, BodyEncoding, ErrorBodyId, ErrorCase, Group, Operation, OwnServer, Param, ParamLocation, PathPart,
    QueryStyle, StatusMatch, Success, SuccessCase, TypeRef,
};

pub fn group_module(api: &Api, group: &Group) -> Vec<Piece> {
    let types = Types::qualified(&api.types);
    let tagged = format!("Operations tagged {}.", escape::code_span(&group.tag));
    let mut module_doc = Source::new();
    module_doc.inner_docs([Some(tagged.as_str())]);
    let mut accessors = Source::new();
    accessors.docs([group.doc.as_deref().or(Some(tagged.as_str()))]);
    accessors.line("#[derive(Debug, Clone)]");
    accessors.open(format_args!("pub struct {} {{", group.type_name));
    accessors.line("client: Client,");
    accessors.close("}");
    accessors.open(format_args!("impl {} {{", group.type_name));
    accessors.open("pub(crate) fn new(client: Client) -> Self {");
    accessors.line("Self { client }");
    accessors.close("}");
    for op in &group.operations {
        accessor_method(&mut accessors, api, types, group, op);
    }
    accessors.close("}");
    let mut items = vec![accessors.finish()];
    for op in &group.operations {
        builder(api, types, group, op, &mut items);
    }
    // What the items name, and only that, is imported: paging and streaming name `runtime`,
    // `Error` and `Response`, which other operations leave to `Call`.
    let names = ["scheme", "runtime", "QueryStyle", "types", "Error", "ErrorBody", "Response"];
    let mut found = names.map(|_| false);
    let mut scan = |source: &str| {
        if !found.iter().all(|f| *f) {
            let more = mentioned(source, names);
            found.iter_mut().zip(more).for_each(|(f, more)| *f |= more);
        }
    };
    for piece in &items {
        match piece {
            Piece::Text { text, .. } => scan(text),
            Piece::Tokens(tokens) => scan(&tokens.to_string()),
            Piece::Continued { text, rest, .. } => {
                scan(text);
                scan(&rest.to_string());
            }
        }
    }
    let [scheme, runtime, query_style, types, error, error_body, response] = found;
    let scheme = scheme.then(|| quote!(scheme,));
    let runtime = runtime.then(|| {
        quote!(
            use crate::runtime;
        )
    });
    let query_style = query_style.then(|| quote!(QueryStyle,));
    let types = types.then(|| {
        quote!(
            use crate::types;
        )
    });
    let error = error.then(|| quote!(Error,));
    let error_body = error_body.then(|| quote!(ErrorBody,));
    let response = response.then(|| quote!(Response,));
    let imports = Piece::Tokens(quote! {
        use crate::client::{#scheme Reply};
        #runtime
        use crate::runtime::auth::Auth;
        use crate::runtime::request::{Operation, #query_style Request};
        #types
        use crate::{Call, Client, Endpoint, #error #error_body #response};
    });
    let mut pieces = vec![module_doc.finish(), imports];
    pieces.extend(items);
    pieces
}

/// How a value is taken by a builder method and stored in the builder, as text.
struct Argument {
    /// The parameter's type in the method signature.
    signature: String,
    /// The stored type.
    stored: String,
    /// Converts the argument (named by the parameter) into the stored type; `None` when it
    /// is stored as given.
    convert: Option<String>,
}

impl Argument {
    /// `name: Signature`, as a method parameter.
    fn parameter(&self, name: &str) -> String {
        format!("{name}: {}", self.signature)
    }

    /// `name: converted` (or `name`), initializing the stored member.
    fn init(&self, name: &str) -> String {
        match &self.convert {
            Some(convert) => format!("{name}: {convert}"),
            None => name.to_owned(),
        }
    }
}

fn argument(types: Types<'_>, name: &str, ty: &TypeRef, upload: bool) -> Argument {
    let ty = ty.non_null();
    let into = || Some(format!("{name}.into()"));
    if upload && *ty == TypeRef::Binary {
        // Bytes to send need not be in memory: a file or a stream will do.
        return Argument {
            signature: "impl Into<crate::Upload>".to_owned(),
            stored: "crate::Upload".to_owned(),
            convert: into(),
        };
    }
    let stored = types.ty_text(ty);
    if types.is_string(ty) {
        return Argument { signature: "impl Into<String>".to_owned(), stored, convert: into() };
    }
    if *ty == TypeRef::Binary {
        return Argument { signature: "impl Into<Vec<u8>>".to_owned(), stored, convert: into() };
    }
    if let TypeRef::List(item) = types.resolve(ty) {
        // Any list of values that convert: `["a", "b"]`, a `Vec`, an iterator.
        let item = if types.is_string(item) { "String".to_owned() } else { types.ty_text(item) };
        return Argument {
            signature: format!("impl IntoIterator<Item = impl Into<{item}>>"),
            stored,
            convert: Some(format!("{name}.into_iter().map(Into::into).collect()")),
        };
    }
    Argument { signature: stored.clone(), stored, convert: None }
}

/// A multipart member sent as a file.
fn is_file(param: &Param) -> bool {
    matches!(param.location, ParamLocation::Multipart { file: true })
}

fn success_type(types: Types<'_>, op: &Operation) -> String {
    match &op.response {
        Success::Empty => "()".to_owned(),
        Success::Json(ty) | Success::Envelope { result: ty } => types.ty_text(ty),
        Success::ByStatus { name, .. } => name.clone(),
        Success::Text => "String".to_owned(),
        Success::Bytes => "Vec<u8>".to_owned(),
    }
}

/// The operation's summary and description, its route, what each argument is, the
/// permissions it needs, and an example.
fn operation_doc(source: &mut Source, api: &Api, group: &Group, op: &Operation) {
    let route = escape::code_span(&format!("{} {}", op.http_method, op.path_template));
    let deprecated = op.deprecated.then_some("Deprecated by the API.");
    let server = op.server.as_ref().map(server_doc);
    let permissions = (!op.permissions.is_empty()).then(|| {
        let names: Vec<String> = op.permissions.iter().map(|p| escape::code_span(p)).collect();
        format!("Needs credentials allowed {}.", names.join(", "))
    });
    let mut arguments: Vec<String> = op
        .positional()
        .iter()
        .map(|index| {
            let param = &op.params[*index];
            let doc = param.doc.as_deref().map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "));
            let name = crate::naming::bare(&param.name);
            match doc.filter(|d| !d.is_empty()) {
                Some(doc) => format!("- `{name}`: {doc}"),
                None => format!("- `{name}`"),
            }
        })
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let doc = body.doc.as_deref().map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "));
        arguments.push(format!("- `{}`: {}", body.name, doc.unwrap_or_else(|| "the request body".into())));
    }
    let arguments = (!arguments.is_empty()).then(|| format!("Arguments:\n{}", arguments.join("\n")));
    source.docs([
        op.summary.as_deref(),
        op.description.as_deref(),
        deprecated,
        Some(route.as_str()),
        server.as_deref(),
        arguments.as_deref(),
        permissions.as_deref(),
    ]);
    // Written by us, not from the spec: the one code block that is meant to run.
    source.doc_verbatim("");
    for line in super::example::doc_lines(api, group, op) {
        source.doc_verbatim(&line);
    }
}

/// Where an operation that names a server of its own sends its requests.
fn server_doc(server: &OwnServer) -> String {
    let url = escape::code_span(server.url());
    match server {
        OwnServer::Absolute(_) => format!(
            "Sent to {url}, this operation's own server,\nunless the client was given a base URL other than the API's."
        ),
        OwnServer::Relative(_) => format!("Sent to {url}, relative to the client's base URL."),
    }
}

/// The group's method that starts a call of the operation: its required arguments, every
/// optional one unset.
fn accessor_method(source: &mut Source, api: &Api, types: Types<'_>, group: &Group, op: &Operation) {
    operation_doc(source, api, group, op);
    let positional = op.positional();
    let mut arguments = vec!["&self".to_owned()];
    let mut inits = Vec::new();
    for index in &positional {
        let param = &op.params[*index];
        let arg = argument(types, &param.name, &param.ty, is_file(param));
        arguments.push(arg.parameter(&param.name));
        inits.push(arg.init(&param.name));
    }
    for (id, param) in op.params_with_ids() {
        if !positional.contains(&id) {
            inits.push(format!("{}: None", param.name));
        }
    }
    if let Some(body) = &op.body {
        if body.required {
            let arg = argument(types, &body.name, &body.ty, body.encoding == BodyEncoding::Binary);
            arguments.push(arg.parameter(&body.name));
            inits.push(arg.init(&body.name));
        } else {
            inits.push(format!("{}: None", body.name));
        }
    }
    if op.deprecated {
        source.line("#[deprecated]");
    }
    if let Some(allow) = super::rust::many_arguments(arguments.len() - 1) {
        source.line(allow);
    }
    source.signature(
        format_args!("pub fn {}", op.method),
        &arguments,
        &format!(" -> Call<{}> {{", op.builder),
    );
    let builder = &op.builder;
    // The formatter keeps a struct literal on one line only while it is this narrow (its
    // path, ` {` and its fields, the closing brace not counted).
    const NARROW_LITERAL: usize = 33;
    let fields = inits.join(", ");
    let width = builder.len() + " {".len() + if inits.is_empty() { 0 } else { 1 + fields.len() };
    if width <= NARROW_LITERAL {
        let literal =
            if inits.is_empty() { format!("{builder} {{}}") } else { format!("{builder} {{ {fields} }}") };
        source.call("Call::new", &["self.client.clone()".to_owned(), literal], "");
    } else {
        source.open("Call::new(");
        source.line("self.client.clone(),");
        let open = format!("{builder} {{");
        if inits.is_empty() && !source.fits(&open) {
            // The formatter breaks an empty literal's braces apart only where the opening
            // one fits.
            source.line(format_args!("{builder} {{}},"));
        } else {
            source.open(open);
            for (index, init) in inits.iter().enumerate() {
                match init.split_once(": ") {
                    Some((name, value)) => source.init(name, value, index + 1 == inits.len()),
                    None => source.line(format_args!("{init},")),
                }
            }
            source.close("},");
        }
        source.close(")");
    }
    source.close("}");
}

/// The items of one operation: its parameters (written as text, as are its setters), what
/// its `Call` adds, how it is sent and read, and its decoders.
fn builder(api: &Api, types: Types<'_>, group: &Group, op: &Operation, pieces: &mut Vec<Piece>) {
    let builder = ident(&op.builder);
    let positional = op.positional();
    let mut fields = Vec::new();
    // What the operation's `Call` adds, if anything: setters first.
    let mut setters = Source::new();
    setters.generic_impl_header("Call", &op.builder);
    let mut call_methods = false;
    for (id, param) in op.params_with_ids() {
        let name = param.name.as_str();
        let arg = argument(types, name, &param.ty, is_file(param));
        if positional.contains(&id) {
            fields.push((name, arg.stored));
            continue;
        }
        fields.push((name, format!("Option<{}>", arg.stored)));
        call_methods = true;
        setters.docs([param.doc.as_deref()]);
        if param.deprecated {
            setters.line("#[deprecated]");
        }
        if let Some(allowance) = setter_allowance(name) {
            setters.line(allowance);
        }
        setter(&mut setters, name, &arg);
    }
    if let Some(body) = &op.body {
        let name = body.name.as_str();
        let arg = argument(types, name, &body.ty, body.encoding == BodyEncoding::Binary);
        if body.required {
            fields.push((name, arg.stored.clone()));
        } else {
            fields.push((name, format!("Option<{}>", arg.stored)));
            call_methods = true;
            setters.docs([body.doc.as_deref().or(Some("The request body."))]);
            setter(&mut setters, name, &arg);
        }
    }
    let output = success_type(types, op);
    let switch = op.stream.as_ref().and_then(|stream| super::stream::switch(op, stream, false, quote!(self)));
    let read_whole = switch.map(|switch| {
        quote! {
            fn read_whole(&mut self) {
                #switch
            }
        }
    });
    let errors = tokens(&errors_reply(api, op, "runtime::response::empty").to_string());
    let streaming = match &op.stream {
        Some(stream) => Some(super::stream::stream_methods(types, op, stream, &errors)),
        None => op.download.then(|| super::stream::download_methods(op, &errors)),
    };
    let by_status = match &op.response {
        Success::ByStatus { name, cases } => {
            pieces.push(by_status_enum(types, group, op, name, cases));
            Some((name.as_str(), cases.as_slice()))
        }
        _ => None,
    };
    pieces.push(parameters(group, op, &fields));
    // Paging follows the setters in the same block, where it is laid out as the formatter
    // lays it out; else it goes to the formatter as tokens after them, as streaming does.
    let mut paging_tokens = None;
    if let Some(pagination) = &op.pagination {
        let mut paging = Source::within(1);
        super::paging::paging_methods(&mut paging, types, op, pagination, &output);
        if paging.laid_out() {
            call_methods = true;
            setters.extend(&paging);
        } else {
            paging_tokens = Some(tokens(paging.text()));
        }
    }
    setters.close("}");
    let more = (paging_tokens.is_some() || streaming.is_some())
        .then(|| quote!(impl Call<#builder> { #paging_tokens #streaming }));
    match (call_methods, more) {
        (true, None) => pieces.push(setters.finish()),
        (true, Some(more)) => pieces.push(setters.finish_with(more)),
        (false, Some(more)) => pieces.push(Piece::Tokens(more)),
        (false, None) => {}
    }
    pieces.push(endpoint(api, op, &output, read_whole));
    if by_status.is_some() || !op.errors.is_empty() {
        let mut decoders = Source::new();
        decoders.open(format_args!("impl {} {{", op.builder));
        if let Some((name, cases)) = by_status {
            success_decoder(&mut decoders, name, cases);
        }
        error_decoder(&mut decoders, api, op);
        decoders.close("}");
        pieces.push(decoders.finish());
    }
}

/// `impl Endpoint`: how the operation is sent, and how its answer is read.
fn endpoint(api: &Api, op: &Operation, output: &str, read_whole: Option<TokenStream>) -> Piece {
    let mut source = Source::new();
    source.impl_header("impl Endpoint", &format!("for {} {{", op.builder));
    if op.stream.as_ref().is_some_and(|stream| !stream.alongside) {
        // An answer that is only ever a stream: `.send()` reads all of it.
        source.line("/// The whole stream once it has ended, as received; `.stream()` reads it item by");
        source.line("/// item as it arrives.");
    }
    source.line(format_args!("type Output = {output};"));
    source.open("fn request(self) -> Request {");
    request_body(&mut source, api, op);
    source.close("}");
    source.signature("fn reply", &[], &format!(" -> Reply<{output}> {{"));
    let reply = reply(api, op);
    source.call(reply.callee, &reply.args, "");
    source.close("}");
    if let Some(read_whole) = read_whole {
        // Tokens: the formatter lays out the block.
        source.line(read_whole);
        source.needs_layout();
    }
    source.close("}");
    source.finish()
}

/// The struct of an operation's parameters.
fn parameters(group: &Group, op: &Operation, fields: &[(&str, String)]) -> Piece {
    let mut source = Source::new();
    source.line(format_args!(
        "/// The parameters of [`{}::{}`]: its [`Call`] sets the optional ones, then sends them.",
        group.type_name, op.method
    ));
    source.line("#[derive(Debug, Clone)]");
    if fields.is_empty() {
        source.line(format_args!("pub struct {} {{}}", op.builder));
    } else {
        source.open(format_args!("pub struct {} {{", op.builder));
        for (name, ty) in fields {
            source.field(name, ty);
        }
        source.close("}");
    }
    source.finish()
}

/// A setter of an optional parameter, on the operation's `Call`.
fn setter(source: &mut Source, name: &str, arg: &Argument) {
    source.signature(
        format_args!("pub fn {name}"),
        &["mut self".to_owned(), format!("{name}: {}", arg.signature)],
        " -> Self {",
    );
    source.line(format_args!("self.params.{name} = Some({});", arg.convert.as_deref().unwrap_or(name)));
    source.line("self");
    source.close("}");
}

/// The arms of an error decoder, in order: statuses that read the same body share one arm
/// (`400..=499 | 500..=599 => ..`) where moving a status up to its body's first arm passes no
/// arm that would have matched it first.
fn merged_arms(cases: &[&ErrorCase]) -> Vec<(Vec<StatusMatch>, ErrorBodyId)> {
    let mut arms: Vec<(Vec<StatusMatch>, ErrorBodyId)> = Vec::new();
    for case in cases {
        let earlier = arms.iter().position(|(_, body)| *body == case.body).filter(|&first| {
            let passed = arms[first + 1..].iter().flat_map(|(statuses, _)| statuses);
            case.status != StatusMatch::Default && passed.clone().all(|other| !overlap(*other, case.status))
        });
        match earlier {
            Some(first) => arms[first].0.push(case.status),
            None => arms.push((vec![case.status], case.body)),
        }
    }
    arms
}

/// Whether some status matches both.
fn overlap(a: StatusMatch, b: StatusMatch) -> bool {
    match (a, b) {
        (StatusMatch::Default, _) | (_, StatusMatch::Default) => true,
        (StatusMatch::Code(a), StatusMatch::Code(b)) => a == b,
        (StatusMatch::Range(a), StatusMatch::Range(b)) => a == b,
        (StatusMatch::Code(code), StatusMatch::Range(range))
        | (StatusMatch::Range(range), StatusMatch::Code(code)) => code / 100 == range,
    }
}

/// The lowest and the highest status a status matches (`404` is 404 and 404, `4XX` 400 and
/// 499); `None` for `default`.
fn status_span(status: StatusMatch) -> Option<(u16, u16)> {
    match status {
        StatusMatch::Code(code) => Some((code, code)),
        StatusMatch::Range(range) => Some((range * 100, range * 100 + 99)),
        StatusMatch::Default => None,
    }
}

/// The `match` pattern of the statuses from `low` to `high` (`404`, `400..=499`).
fn span_pattern((low, high): (u16, u16)) -> String {
    if low == high {
        low.to_string()
    } else {
        format!("{low}..={high}")
    }
}

/// The `match` pattern of a status; `None` for `default`.
fn status_pattern(status: StatusMatch) -> Option<String> {
    status_span(status).map(span_pattern)
}

/// The `match` pattern of an arm's statuses, or-ed in order; statuses that together make one
/// unbroken range with a range among them, or three or more codes in a row, are that range
/// (`4XX` and `5XX` are `400..=599`), as clippy would have them.
fn statuses_pattern(statuses: &[StatusMatch]) -> String {
    let Some(mut spans) = statuses.iter().map(|status| status_span(*status)).collect::<Option<Vec<_>>>()
    else {
        return "_".to_owned();
    };
    spans.sort_unstable();
    let any_range = spans.iter().any(|(low, high)| low != high);
    let Some(mut whole) = spans.first().copied() else { return "_".to_owned() };
    let unbroken = spans.iter().skip(1).all(|&(low, high)| {
        let joins = low <= whole.1.saturating_add(1);
        whole.1 = whole.1.max(high);
        joins
    });
    if unbroken && (any_range || spans.len() >= 3) {
        return span_pattern(whole);
    }
    let patterns = statuses.iter().filter_map(|status| status_pattern(*status));
    patterns.collect::<Vec<_>>().join(" | ")
}

/// The enum of an operation's answers by status.
fn by_status_enum(
    types: Types<'_>,
    group: &Group,
    op: &Operation,
    name: &str,
    cases: &[SuccessCase],
) -> Piece {
    let mut source = Source::new();
    source.line(format_args!("/// The answers of [`{}::{}`], by status.", group.type_name, op.method));
    source.line("#[derive(Debug, Clone, PartialEq)]");
    source.line("#[non_exhaustive]");
    source.open(format_args!("pub enum {name} {{"));
    for case in cases {
        match case.status {
            StatusMatch::Code(code) => source.line(format_args!("/// `{code}`")),
            StatusMatch::Range(range) => source.line(format_args!("/// `{range}XX`")),
            StatusMatch::Default => source.line("/// Any other success status."),
        }
        match &case.body {
            Some(ty) => source.tuple_variant(&case.variant, &types.ty_text(ty)),
            None => source.line(format_args!("{},", case.variant)),
        }
    }
    source.close("}");
    source.finish()
}

/// The function that decodes a success response by its status.
fn success_decoder(source: &mut Source, name: &str, cases: &[SuccessCase]) {
    let decode = |case: &SuccessCase| match case.body {
        Some(_) => format!("runtime::response::json(status, body).map({name}::{})", case.variant),
        None => format!("Ok({name}::{})", case.variant),
    };
    source.line("/// Decodes a success response as the body this operation declares for its status.");
    source.signature(
        "fn success_body",
        &["status: reqwest::StatusCode".to_owned(), "body: &[u8]".to_owned()],
        &format!(" -> Result<{name}, runtime::error::Mismatch> {{"),
    );
    source.open("match status.as_u16() {");
    for case in cases.iter().skip(1) {
        if let Some(pattern) = status_pattern(case.status) {
            source.arm(&pattern, decode(case));
        }
    }
    source.arm("_", decode(&cases[0]));
    source.close("}");
    source.close("}");
}

/// Setters are named after the API's parameters and take `self` by value. Where such a name
/// reads to clippy like a naming convention (`from_date`) or an operator method (`sub`), the
/// API's name is kept and that one lint is allowed on that one method.
fn setter_allowance(name: &str) -> Option<&'static str> {
    const OPERATORS: &[&str] =
        &["add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor"];
    let name = crate::naming::bare(name);
    if name.starts_with("from_") || name.starts_with("into_") {
        Some("#[allow(clippy::wrong_self_convention)]")
    } else if OPERATORS.contains(&name) {
        Some("#[allow(clippy::should_implement_trait)]")
    } else {
        None
    }
}

/// The body of `request()`: the operation's constant, then each step that puts a parameter
/// or the body in the request.
fn request_body(source: &mut Source, api: &Api, op: &Operation) {
    source.open("const OPERATION: Operation = Operation {");
    source.line(format_args!("id: {},", rust_string(&op.id)));
    source.line(format_args!("method: {},", rust_string(&op.http_method)));
    source.line(format_args!("path: {},", rust_string(&op.path_template)));
    auth(source, api, op);
    source.close("};");
    source.line("let mut request = Request::new(&OPERATION);");
    match &op.server {
        Some(OwnServer::Absolute(url)) => source.method_call("request", "server", &[rust_string(url)]),
        Some(OwnServer::Relative(reference)) => {
            source.method_call("request", "relative_server", &[rust_string(reference)])
        }
        None => {}
    }
    let positional = op.positional();
    for group in &op.required_one_of {
        let names = group.iter().map(|i| rust_string(&op.params[*i].wire));
        let set = group.iter().map(|i| {
            if positional.contains(i) {
                "true".to_owned()
            } else {
                format!("self.{}.is_some()", op.params[*i].name)
            }
        });
        let args = [format!("&[{}]", comma_list(names)), format!("&[{}]", comma_list(set))];
        source.method_call("request", "require_one_of", &args);
    }
    // JSON is what the runtime asks for unless told otherwise.
    if op.accept != "application/json" {
        source.method_call("request", "accept", &[rust_string(&op.accept)]);
    }
    if op.multipart_required {
        source.line("request.multipart();");
    }
    for part in &op.path {
        match part {
            PathPart::Literal(text) => source.method_call("request", "path", &[rust_string(text)]),
            PathPart::Param(index) => {
                let param = &op.params[*index];
                let args = [rust_string(&param.wire), format!("&self.{}", param.name)];
                // Text is written as it is; other values go through their JSON form.
                let method = if param.ty == TypeRef::String { "path_text" } else { "path_param" };
                source.method_call("request", method, &args);
            }
        }
    }
    for (id, param) in op.params_with_ids() {
        param_step(source, param, positional.contains(&id));
    }
    if let Some(body) = &op.body {
        let media = rust_string(&body.media_type);
        let write = |source: &mut Source, value: &str| match body.encoding {
            BodyEncoding::Json => source.method_call("request", "json", &[value.to_owned(), media.clone()]),
            BodyEncoding::Form => {
                let joined = body
                    .joined
                    .iter()
                    .map(|(wire, separator)| format!("({}, {})", rust_string(wire), rust_string(separator)));
                let args = [value.to_owned(), media.clone(), format!("&[{}]", comma_list(joined))];
                source.method_call("request", "form", &args)
            }
            BodyEncoding::Text => source.method_call("request", "text", &[value.to_owned(), media.clone()]),
            BodyEncoding::Binary => {
                source.method_call("request", "upload", &[value.to_owned(), media.clone()])
            }
        };
        if body.required {
            write(source, &format!("&self.{}", body.name));
        } else {
            source.open(format_args!("if let Some(body) = &self.{} {{", body.name));
            write(source, "body");
            source.close("}");
        }
    }
    source.line("request");
}

/// A call as text: what is called and its arguments.
struct CallText {
    callee: &'static str,
    args: Vec<String>,
}

impl std::fmt::Display for CallText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.callee, comma_list(&self.args))
    }
}

/// How the operation's answer is read.
fn reply(api: &Api, op: &Operation) -> CallText {
    let read = match &op.response {
        Success::Envelope { .. } => {
            let args = vec![error_reader(op), "&crate::client::ENVELOPE".to_owned()];
            return CallText { callee: "Reply::enveloped", args };
        }
        Success::Json(_) => "runtime::response::json".to_owned(),
        Success::Empty => "runtime::response::empty".to_owned(),
        Success::Text => "runtime::response::text".to_owned(),
        Success::Bytes => "runtime::response::bytes".to_owned(),
        Success::ByStatus { .. } => format!("{}::success_body", op.builder),
    };
    errors_reply(api, op, &read)
}

/// A reply that reads a success with `read`, and errors as the operation declares them.
fn errors_reply(api: &Api, op: &Operation, read: &str) -> CallText {
    let envelope = if api.envelope.is_some() { "Some(&crate::client::ENVELOPE)" } else { "None" };
    CallText { callee: "Reply::body", args: vec![error_reader(op), envelope.to_owned(), read.to_owned()] }
}

/// The function that reads an error body as the operation declares it.
fn error_reader(op: &Operation) -> String {
    if op.errors.is_empty() {
        "|_, _| None".to_owned()
    } else {
        format!("{}::error_body", op.builder)
    }
}

/// The step that puts a parameter in the request (path parameters are put with the path).
fn param_step(source: &mut Source, param: &Param, positional: bool) {
    let (name, wire) = (&param.name, rust_string(&param.wire));
    match param.location {
        ParamLocation::Path => {}
        ParamLocation::Query(style) => {
            let style = match style {
                QueryStyle::Form { explode } => format!("QueryStyle::Form {{ explode: {explode} }}"),
                QueryStyle::SpaceDelimited => "QueryStyle::SpaceDelimited".to_owned(),
                QueryStyle::PipeDelimited => "QueryStyle::PipeDelimited".to_owned(),
                QueryStyle::DeepObject => "QueryStyle::DeepObject".to_owned(),
            };
            source.method_call("request", "query", &[wire, format!("&self.{name}"), style]);
        }
        ParamLocation::Header => source.method_call("request", "header", &[wire, format!("&self.{name}")]),
        ParamLocation::Cookie => source.method_call("request", "cookie", &[wire, format!("&self.{name}")]),
        ParamLocation::Multipart { file: false } => {
            source.method_call("request", "part", &[wire, format!("&self.{name}")])
        }
        ParamLocation::Multipart { file: true } if positional => {
            source.method_call("request", "file_part", &[wire, format!("&self.{name}")])
        }
        ParamLocation::Multipart { file: true } => {
            source.open(format_args!("if let Some(file) = &self.{name} {{"));
            source.method_call("request", "file_part", &[wire, "file".to_owned()]);
            source.close("}");
        }
    }
}

/// `auth:` of the operation's constant: the schemes it accepts, by their constants.
fn auth(source: &mut Source, api: &Api, op: &Operation) {
    if op.security.alternatives.is_empty() {
        source.line("auth: Auth::NONE,");
        return;
    }
    let alternatives = op.security.alternatives.iter().map(|schemes| {
        format!("&[{}]", comma_list(schemes.iter().map(|s| format!("scheme::{}", api.schemes[*s].constant))))
    });
    source.open("auth: Auth {");
    source.line(format_args!("alternatives: &[{}],", comma_list(alternatives)));
    source.line(format_args!("optional: {},", op.security.optional));
    source.close("},");
}

/// The function that decodes an error response as the body declared for its status, if the
/// operation declares any.
fn error_decoder(source: &mut Source, api: &Api, op: &Operation) {
    if op.errors.is_empty() {
        return;
    }
    let mut cases: Vec<_> = op.errors.iter().collect();
    // Exact codes before ranges before `default`, so no arm hides another.
    cases.sort_by_key(|case| match case.status {
        StatusMatch::Code(code) => (0, code),
        StatusMatch::Range(range) => (1, range),
        StatusMatch::Default => (2, 0),
    });
    let decode = |body: ErrorBodyId| {
        let body = &api.error_bodies[body];
        let boxed = if body.boxed { ".map(Box::new)" } else { "" };
        format!("runtime::response::error_body(body){boxed}.map(ErrorBody::{})", body.variant)
    };
    if let [only] = cases.as_slice() {
        if only.status == StatusMatch::Default {
            // One body for every error status: no status to look at.
            source.line("/// Decodes an error response as the body this operation declares for it.");
            source.open("fn error_body(_status: reqwest::StatusCode, body: &[u8]) -> Option<ErrorBody> {");
            source.expression(&decode(only.body));
            source.close("}");
            return;
        }
    }
    source.line("/// Decodes an error response as the body this operation declares for its status.");
    source.open("fn error_body(status: reqwest::StatusCode, body: &[u8]) -> Option<ErrorBody> {");
    source.open("match status.as_u16() {");
    for (statuses, body) in merged_arms(&cases) {
        source.arm(statuses_pattern(&statuses), decode(body));
    }
    if !cases.iter().any(|c| c.status == StatusMatch::Default) {
        source.line("_ => None,");
    }
    source.close("}");
    source.close("}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The merged arms of cases given as (status, body index).
    fn arms(cases: &[(StatusMatch, usize)]) -> Vec<(Vec<StatusMatch>, usize)> {
        let cases: Vec<ErrorCase> =
            cases.iter().map(|&(status, body)| ErrorCase { status, body: ErrorBodyId(body) }).collect();
        let merged = merged_arms(&cases.iter().collect::<Vec<_>>());
        merged.into_iter().map(|(statuses, body)| (statuses, body.0)).collect()
    }

    #[test]
    fn statuses_next_to_each_other_make_one_range() {
        use StatusMatch::{Code, Default, Range};
        assert_eq!(statuses_pattern(&[Range(4), Range(5)]), "400..=599");
        assert_eq!(statuses_pattern(&[Code(404), Range(4)]), "400..=499");
        assert_eq!(statuses_pattern(&[Code(401), Code(403), Code(402)]), "401..=403");
        assert_eq!(statuses_pattern(&[Code(499), Range(5)]), "499..=599");
        // Not one unbroken range, or two codes only: as they are.
        assert_eq!(statuses_pattern(&[Code(400), Code(403), Code(404), Code(500)]), "400 | 403 | 404 | 500");
        assert_eq!(statuses_pattern(&[Code(404), Code(403)]), "404 | 403");
        assert_eq!(statuses_pattern(&[Range(4), Code(600)]), "400..=499 | 600");
        assert_eq!(statuses_pattern(&[Default]), "_");
    }

    #[test]
    fn statuses_reading_one_body_share_an_arm() {
        use StatusMatch::{Code, Range};
        assert_eq!(arms(&[(Range(4), 0), (Range(5), 0)]), vec![(vec![Range(4), Range(5)], 0)]);
        assert_eq!(
            arms(&[(Code(404), 0), (Code(409), 1), (Code(500), 0)]),
            vec![(vec![Code(404), Code(500)], 0), (vec![Code(409)], 1)]
        );
    }

    #[test]
    fn a_status_never_moves_past_an_arm_that_matched_it_first() {
        use StatusMatch::{Code, Default, Range};
        // 409 is answered with body 1 before the 4XX range reads body 0.
        assert_eq!(
            arms(&[(Code(404), 0), (Code(409), 1), (Range(4), 0)]),
            vec![(vec![Code(404)], 0), (vec![Code(409)], 1), (vec![Range(4)], 0)]
        );
        // `default` stays last.
        assert_eq!(
            arms(&[(Code(404), 0), (Range(5), 1), (Default, 0)]),
            vec![(vec![Code(404)], 0), (vec![Range(5)], 1), (vec![Default], 0)]
        );
    }
}
