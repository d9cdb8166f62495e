//! Every identifier rule of the generated code lives here.
//!
//! Names from a spec are arbitrary strings: keywords, leading digits, punctuation, non-ASCII
//! text, empty strings, and names that only differ in case or separators. This module turns
//! them into valid, idiomatic Rust identifiers and keeps them unique within a scope. The wire
//! name always stays with the caller (for `#[serde(rename)]`), so nothing is lost.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use rustc_hash::{FxHashMap, FxHashSet};

/// Words that can never be used as plain identifiers (strict and reserved keywords of the
/// 2021 and 2024 editions; `gen` is reserved from 2024 on, so it is treated as a keyword too).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers (`r#self` is an error); these get a
/// trailing underscore instead.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Is `word` a Rust keyword (strict or reserved)?
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Splits a spec name into ASCII words: non-ASCII text is transliterated, everything that is
/// not a letter or digit separates words.
fn ascii_words(raw: &str) -> String {
    let ascii = deunicode::deunicode(raw);
    ascii.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// Names longer than this are shortened: they also name files, and file names have limits
/// (255 bytes on most systems), and nobody reads a longer identifier.
const MAX_NAME: usize = 96;

/// Makes a case-converted word usable as an identifier: a leading digit gets a prefix, a
/// keyword becomes a raw identifier (or gets a trailing underscore where raw is not
/// allowed), and an overlong name is shortened.
fn finish(converted: String, fallback: &str, digit_prefix: &str) -> String {
    let mut name = if converted.is_empty() { fallback.to_owned() } else { converted };
    name = shorten(name);
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, digit_prefix);
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    } else if is_keyword(&name) {
        name.insert_str(0, "r#");
    }
    name
}

/// `name` cut to at most [`MAX_NAME`] characters, ending in a hash of the whole name so that
/// names which only differ after the cut stay apart, and the same name is always cut the same.
fn shorten(name: String) -> String {
    if name.len() <= MAX_NAME {
        return name;
    }
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    let snake_style = name.contains('_');
    let separator = if snake_style { "_" } else { "" };
    // Converted names are ASCII, so any byte index is a character boundary.
    let kept = name[..MAX_NAME - 17].trim_end_matches('_');
    format!("{kept}{separator}{:016x}", hash).chars().take(MAX_NAME).collect()
}

/// `snake_case` name for a field, parameter, method or module.
pub fn snake(raw: &str) -> String {
    converted(Case::Snake, raw, |raw| finish(snake_words(raw), "value", "n"))
}

/// `PascalCase` name for a type or enum variant.
pub fn pascal(raw: &str) -> String {
    converted(Case::Pascal, raw, |raw| finish(ascii_words(raw).to_upper_camel_case(), "Value", "N"))
}

/// `SCREAMING_SNAKE_CASE` name for a constant.
pub fn shouty(raw: &str) -> String {
    converted(Case::Shouty, raw, |raw| finish(ascii_words(raw).to_shouty_snake_case(), "VALUE", "N"))
}

/// A name's ASCII words in `snake_case`, before it is made an identifier.
fn snake_words(raw: &str) -> String {
    converted(Case::Words, raw, |raw| ascii_words(raw).to_snake_case())
}

/// The conversions [`converted`] keeps.
#[derive(Clone, Copy)]
enum Case {
    Snake,
    Pascal,
    Shouty,
    Words,
}

/// How many converted names of one case a thread keeps before starting over: far more than
/// a spec has distinct names, and a bound on what a long-lived process holds.
const KEPT_NAMES: usize = 1 << 16;

/// `convert(raw)`, kept for the next time: a spec names the same properties and values in
/// hundreds of schemas, and transliterating and case-converting a name costs far more than
/// looking it up.
fn converted(case: Case, raw: &str, convert: impl FnOnce(&str) -> String) -> String {
    thread_local! {
        static CONVERTED: std::cell::RefCell<[FxHashMap<String, String>; 4]> = Default::default();
    }
    let found = CONVERTED.with(|kept| kept.borrow()[case as usize].get(raw).cloned());
    if let Some(name) = found {
        return name;
    }
    // Converted outside the borrow: one conversion may use another.
    let name = convert(raw);
    CONVERTED.with(|kept| {
        let kept = &mut kept.borrow_mut()[case as usize];
        if kept.len() >= KEPT_NAMES {
            kept.clear();
        }
        kept.insert(raw.to_owned(), name.clone());
    });
    name
}

/// `PascalCase` name for a type named in the spec: like [`pascal`], with a word repeated
/// where a prefix meets the name collapsed (`access_access-requests` is `AccessRequests`).
pub fn type_name(raw: &str) -> String {
    let mut words = words(raw);
    words.dedup();
    pascal(&words.join("_"))
}

/// The singular of an English plural word, or the word itself where it does not read as one
/// (`logs` is `log`, `entries` is `entry`, `status` stays).
pub fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let keep = ["ss", "us", "is", "ics", "news", "series", "data"];
    if lower.len() <= 3 || keep.iter().any(|end| lower.ends_with(end)) {
        return word.to_owned();
    }
    if lower.ends_with("ies") {
        return format!("{}y", &word[..word.len() - 3]);
    }
    if ["sses", "xes", "ches", "shes", "zes"].iter().any(|end| lower.ends_with(end)) {
        return word[..word.len() - 2].to_owned();
    }
    match lower.strip_suffix('s') {
        Some(_) => word[..word.len() - 1].to_owned(),
        None => word.to_owned(),
    }
}

/// The words with the last one singular (`access requests` is `access request`).
pub fn singular_last(mut words: Vec<String>) -> Vec<String> {
    if let Some(last) = words.last_mut() {
        *last = singular(last);
    }
    words
}

/// What the operations of a tag are about, for the names of the types they own: the tag's
/// words without those of the crate's name, the last one singular (`Access SCIM update logs`
/// in `cloudflare_access` is `ScimUpdateLog`); the whole tag where nothing would be left.
pub fn owner(tag: &str, package: &str) -> String {
    let crate_words = words(package);
    let all = words(tag);
    let mut kept: Vec<String> = all.iter().filter(|w| !crate_words.contains(w)).cloned().collect();
    if kept.is_empty() {
        kept = all;
    }
    type_name(&singular_last(kept).join("_"))
}

/// The identifier without a raw prefix, as it reads in text and in collisions.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The words of a name, lowercased, for comparing names across styles
/// (`Zero Trust users` and `zero-trust-users` have the same words).
pub fn words(raw: &str) -> Vec<String> {
    snake_words(raw).split('_').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// A method name for an operation: the operationId's words without the tag's words wherever
/// they run together in it (`access-scim-update-logs-list-access-scim-update-logs` under
/// "Access SCIM update logs" is `list`), as long as something is left.
///
/// It takes the [`words`] of both, so that a tag's operations split the tag once.
pub fn method_of_words(op: &[String], tag: &[String]) -> String {
    // `addBook` under `books`: the tag's last word may be singular in the operationId.
    let one = singular_last(tag.to_vec());
    let mut rest: Vec<&str> = Vec::new();
    let mut at = 0;
    while at < op.len() {
        if !tag.is_empty() && op[at..].starts_with(tag) {
            at += tag.len();
        } else if !one.is_empty() && op[at..].starts_with(&one) {
            at += one.len();
        } else {
            rest.push(&op[at]);
            at += 1;
        }
    }
    if rest.is_empty() {
        return snake(&without_leading(op, tag).join("_"));
    }
    snake(&rest.join("_"))
}

/// The longer name of an operation, for its builder type and for a method whose short name
/// ([`method_of_words`]) another operation of the tag also has: the operationId's words with
/// the tag's words removed only where they lead it.
///
/// It takes the [`words`] of both.
pub fn full_method_of_words(op: &[String], tag: &[String]) -> String {
    snake(&without_leading(op, tag).join("_"))
}

/// The operation's words without the tag's where they lead them, as long as something is left.
fn without_leading<'w>(op: &'w [String], tag: &[String]) -> &'w [String] {
    match op.strip_prefix(tag) {
        Some(rest) if !tag.is_empty() && !rest.is_empty() => rest,
        _ => op,
    }
}

/// A set of identifiers already taken in one scope (a module, a struct, an enum, a method's
/// parameters). Claiming a taken name yields the next free numbered form (`name_2`, `Name2`).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    taken: FxHashSet<String>,
    /// Per collided name, the number to try next, so that many names colliding on one
    /// name are numbered in linear time.
    next: FxHashMap<String, usize>,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty scope with room for `names` names: a struct's members, an enum's values.
    pub fn with_capacity(names: usize) -> Self {
        Self {
            taken: FxHashSet::with_capacity_and_hasher(names, Default::default()),
            next: FxHashMap::default(),
        }
    }

    /// A scope whose names must also avoid `reserved` (names the generated code itself uses
    /// there, such as a builder's `send` method).
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Self { taken: reserved.into_iter().map(str::to_owned).collect(), next: FxHashMap::default() }
    }

    pub fn contains(&self, ident: &str) -> bool {
        self.taken.contains(bare(ident))
    }

    /// Claims `ident` (already a valid identifier) or the first free numbered variant of it.
    pub fn claim(&mut self, ident: &str) -> String {
        let base = bare(ident);
        if self.taken.insert(base.to_owned()) {
            return ident.to_owned();
        }
        let snake_style =
            base.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') || base.contains('_');
        let separator = if snake_style { "_" } else { "" };
        let trimmed = base.trim_end_matches('_').to_owned();
        let start = self.next.get(&trimmed).copied().unwrap_or(2);
        let (number, name) = (start..)
            .map(|n| (n, format!("{trimmed}{separator}{n}")))
            .find(|(_, candidate)| !self.taken.contains(candidate))
            .expect("an unbounded counter always finds a free name");
        self.taken.insert(name.clone());
        self.next.insert(trimmed, number + 1);
        name
    }
}

/// Crates a generated crate depends on (see the manifest), as identifiers.
pub const DEPENDENCIES: &[&str] = &[
    "base64",
    "bytes",
    "chrono",
    "eventsource_stream",
    "fastrand",
    "form_urlencoded",
    "futures_core",
    "futures_util",
    "hmac",
    "httpdate",
    "percent_encoding",
    "reqwest",
    "serde",
    "serde_json",
    "serde_path_to_error",
    "sha2",
    "tokio",
    "tokio_util",
    "uuid",
];

/// The standard crates, which paths may name without `::`.
const STANDARD_CRATES: &[&str] = &["core", "std", "alloc", "proc_macro", "test"];

/// Modules and files of a generated crate's root that are not tags' (`lib.rs`; a `main.rs`
/// would add a binary target).
const OWN_MODULES: &[&str] =
    &["lib", "main", "client", "error", "runtime", "types", "ncp_apigw_v2", "webhooks", "standard_webhooks"];

/// The crate's own cargo features; a tag's module names its feature, so it takes none of
/// these.
const OWN_FEATURES: &[&str] = &["full", "default", "tracing"];

/// Whether a tag's module may take this name at a generated crate's root: it must not shadow
/// a crate the code names, overwrite one of the crate's own files, or name one of its features.
pub fn root_module_reserved(name: &str) -> bool {
    let name = bare(name);
    OWN_MODULES.contains(&name)
        || DEPENDENCIES.contains(&name)
        || STANDARD_CRATES.contains(&name)
        || OWN_FEATURES.contains(&name)
}

/// Every name [`root_module_reserved`] holds.
pub fn root_module_names() -> impl Iterator<Item = &'static str> {
    OWN_MODULES.iter().chain(DEPENDENCIES).chain(STANDARD_CRATES).chain(OWN_FEATURES).copied()
}

// What the emitters write into each scope themselves: every name from the spec is claimed
// in a scope that reserves these first, so it cannot collide with them.

/// Names a request builder (`Call`) uses for itself, and trait methods an inherent method
/// of the same name would shadow; parameters get other names.
pub const BUILDER_MEMBERS: &[&str] = &[
    "new",
    "clone",
    "fmt",
    "client",
    "send",
    "send_with_response",
    "into_future",
    "options",
    "timeout",
    "max_retries",
    "extra_header",
    "extra_query",
    "pages",
    "stream",
    "next_page",
    "error_body",
    "success_body",
    "into_request",
    "idle_timeout",
    "download",
    "reconnect",
];

/// Names the generated crate root and `Client` use; tag accessors get other names.
pub const CLIENT_MEMBERS: &[&str] = &["builder", "base_url", "core", "clone", "fmt", "from_env"];

/// Methods a tag's type has besides its operations: its constructor, and trait methods an
/// inherent method of the same name would shadow.
pub const GROUP_MEMBERS: &[&str] =
    &["new", "clone", "fmt", "deref", "borrow", "as_ref", "hash", "eq", "cmp", "drop"];

/// Names a tag module imports or declares; builders get other names.
pub const MODULE_NAMES: &[&str] = &[
    "Client",
    "Error",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
    "Request",
    "Response",
    "Reply",
    "Call",
    "Endpoint",
    "Operation",
    "Auth",
    "QueryStyle",
    "Into",
    "IntoIterator",
    "ErrorBody",
    "Default",
    "Self",
];

/// What [`crate_name`] accepts, for error messages.
pub const CRATE_NAME_RULE: &str = "expected lowercase letters, digits, `_` and `-`, starting with a letter, at most 64 characters, and not a keyword, a standard crate or a crate the client depends on";

/// Crate names in `generator.toml` and on the command line: a valid Cargo package name
/// (ASCII lowercase letters, digits, `-` and `_`, starting with a letter, at most 64
/// characters) whose identifier is not a keyword, a crate the generated crate depends on, a
/// standard crate, or a name Cargo reserves.
pub fn crate_name(raw: &str) -> Option<String> {
    const CARGO_RESERVED: &[&str] = &["deps", "examples", "build", "incremental"];
    let well_formed = raw.starts_with(|c: char| c.is_ascii_lowercase())
        && raw.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && raw.len() <= 64;
    let name = raw.replace('-', "_");
    let taken = is_keyword(&name)
        || DEPENDENCIES.contains(&name.as_str())
        || STANDARD_CRATES.contains(&name.as_str())
        || CARGO_RESERVED.contains(&name.as_str());
    (well_formed && !taken).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_converted_again_is_converted_the_same_in_each_case() {
        for _ in 0..2 {
            assert_eq!(snake("userID type"), "user_id_type");
            assert_eq!(pascal("userID type"), "UserIdType");
            assert_eq!(shouty("userID type"), "USER_ID_TYPE");
            assert_eq!(words("userID type"), ["user", "id", "type"]);
            assert_eq!(snake("type"), "r#type");
            assert_eq!(pascal("type"), "Type");
        }
    }

    #[test]
    fn every_keyword_becomes_a_valid_snake_identifier() {
        for keyword in KEYWORDS {
            let name = snake(keyword);
            assert!(syn::parse_str::<syn::Ident>(&name).is_ok(), "{keyword} -> {name}");
        }
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("super"), "super_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(snake("async"), "r#async");
        assert_eq!(snake("gen"), "r#gen");
    }

    #[test]
    fn every_keyword_becomes_a_valid_pascal_identifier() {
        for keyword in KEYWORDS {
            let name = pascal(keyword);
            assert!(syn::parse_str::<syn::Ident>(&name).is_ok(), "{keyword} -> {name}");
        }
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(pascal("Self"), "Self_");
        assert_eq!(pascal("type"), "Type");
    }

    #[test]
    fn case_conversion_follows_rust_conventions() {
        assert_eq!(snake("isActive"), "is_active");
        assert_eq!(snake("devicePosture"), "device_posture");
        assert_eq!(snake("X-Auth-Email"), "x_auth_email");
        assert_eq!(snake("__v"), "v");
        assert_eq!(snake("_id"), "id");
        assert_eq!(pascal("access_api-response-common"), "AccessApiResponseCommon");
        assert_eq!(pascal("zero trust users"), "ZeroTrustUsers");
        assert_eq!(pascal("asc"), "Asc");
    }

    #[test]
    fn leading_digits_empty_and_punctuation_only_names() {
        assert_eq!(snake("1h"), "n1h");
        assert_eq!(pascal("24h"), "N24h");
        assert_eq!(pascal("2fa-enabled"), "N2faEnabled");
        assert_eq!(snake(""), "value");
        assert_eq!(pascal(""), "Value");
        assert_eq!(snake("$"), "value");
        assert_eq!(pascal("+"), "Value");
        for raw in ["1", "-", "", "9lives", "..", "@type", "$ref"] {
            assert!(syn::parse_str::<syn::Ident>(&snake(raw)).is_ok(), "{raw}");
            assert!(syn::parse_str::<syn::Ident>(&pascal(raw)).is_ok(), "{raw}");
        }
    }

    #[test]
    fn non_ascii_names_are_transliterated() {
        assert_eq!(snake("größe"), "grosse");
        assert_eq!(pascal("Ünïcödé name"), "UnicodeName");
        let cjk = snake("名前");
        assert!(syn::parse_str::<syn::Ident>(&cjk).is_ok(), "{cjk}");
        assert!(cjk.is_ascii());
        assert!(syn::parse_str::<syn::Ident>(&pascal("🙂")).is_ok());
    }

    #[test]
    fn collisions_get_numbered_names() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim(&snake("is_active")), "is_active");
        assert_eq!(scope.claim(&snake("isActive")), "is_active_2");
        assert_eq!(scope.claim(&snake("IsActive")), "is_active_3");
        let mut types = Scope::new();
        assert_eq!(types.claim("Direction"), "Direction");
        assert_eq!(types.claim("Direction"), "Direction2");
        let mut raw = Scope::new();
        assert_eq!(raw.claim("r#type"), "r#type");
        assert_eq!(raw.claim("r#type"), "type_2");
        let mut underscored = Scope::new();
        assert_eq!(underscored.claim("self_"), "self_");
        assert_eq!(underscored.claim("self_"), "self_2");
    }

    #[test]
    fn many_collisions_are_numbered_in_order() {
        let mut scope = Scope::new();
        let names: Vec<String> = (0..20_000).map(|_| scope.claim("Same")).collect();
        assert_eq!(names[0], "Same");
        assert_eq!(names[1], "Same2");
        assert_eq!(names[19_999], "Same20000");
        // A numbered name taken before its turn is skipped, not repeated.
        let mut scope = Scope::new();
        assert_eq!(scope.claim("a_3"), "a_3");
        let claimed: Vec<String> = (0..4).map(|_| scope.claim("a")).collect();
        assert_eq!(claimed, ["a", "a_2", "a_4", "a_5"]);
    }

    #[test]
    fn long_names_are_shortened_stably() {
        let long = "word_".repeat(40);
        let (a, b) = (snake(&format!("{long}one")), snake(&format!("{long}two")));
        assert!(a.len() <= MAX_NAME && b.len() <= MAX_NAME, "{a}");
        assert_ne!(a, b);
        assert_eq!(a, snake(&format!("{long}one")));
        assert!(a.starts_with("word_word_"), "{a}");
        let pascal_name = pascal(&format!("{long}one"));
        assert!(pascal_name.len() <= MAX_NAME && !pascal_name.contains('_'), "{pascal_name}");
        assert!(syn::parse_str::<syn::Ident>(&pascal_name).is_ok());
    }

    #[test]
    fn reserved_names_are_avoided() {
        let mut scope = Scope::with_reserved(["send", "client"]);
        assert_eq!(scope.claim("client"), "client_2");
        assert_eq!(scope.claim("send"), "send_2");
        assert_eq!(scope.claim("limit"), "limit");
        assert!(scope.contains("limit"));
    }

    #[test]
    fn operation_methods_drop_the_tag_words() {
        let cases = [
            ("zero-trust-users-get-last-seen-identity", "Zero Trust users", "get_last_seen_identity"),
            (
                "access-authentication-logs-get-access-authentication-logs",
                "Access authentication logs",
                "get",
            ),
            ("access-scim-update-logs-list-access-scim-update-logs", "Access SCIM update logs", "list"),
            ("getAccessHistory", "access-history", "get"),
            ("listPets", "pets", "list"),
            ("addBook", "books", "add"),
            ("renewBookLoan", "books", "renew_loan"),
            ("getLastAccessSummary", "sub-account", "get_last_access_summary"),
            // Nothing would be left: keep the whole operationId.
            ("pets", "pets", "pets"),
            ("pets-pets", "pets", "pets"),
            ("delete", "", "delete"),
            ("type", "", "r#type"),
        ];
        for (op, tag, expected) in cases {
            assert_eq!(method_of_words(&words(op), &words(tag)), expected, "{op} under {tag}");
        }
        let full = [
            (
                "access-scim-update-logs-list-access-scim-update-logs",
                "Access SCIM update logs",
                "list_access_scim_update_logs",
            ),
            ("getAccessHistory", "access-history", "get_access_history"),
            ("pets", "pets", "pets"),
        ];
        for (op, tag, expected) in full {
            assert_eq!(full_method_of_words(&words(op), &words(tag)), expected, "{op} under {tag}");
        }
    }

    #[test]
    fn type_names_owners_and_singulars() {
        assert_eq!(type_name("access_access-requests"), "AccessRequests");
        assert_eq!(type_name("access_responses"), "AccessResponses");
        assert_eq!(type_name("pet"), "Pet");
        assert_eq!(owner("Access SCIM update logs", "cloudflare_access"), "ScimUpdateLog");
        assert_eq!(owner("Access authentication logs", "cloudflare_access"), "AuthenticationLog");
        assert_eq!(owner("access-history", "access_history"), "AccessHistory");
        assert_eq!(owner("sub-account", "ncloud_subaccount"), "SubAccount");
        assert_eq!(owner("pets", "petstore"), "Pet");
        for (plural, one) in [
            ("logs", "log"),
            ("entries", "entry"),
            ("boxes", "box"),
            ("status", "status"),
            ("address", "address"),
            ("data", "data"),
            ("Requests", "Request"),
        ] {
            assert_eq!(singular(plural), one);
        }
    }

    #[test]
    fn crate_names_must_be_usable_as_is() {
        assert_eq!(crate_name("cloudflare_access").as_deref(), Some("cloudflare_access"));
        assert_eq!(crate_name("cloudflare-access").as_deref(), Some("cloudflare_access"));
        assert_eq!(crate_name("Cloudflare"), None);
        assert_eq!(crate_name("1api"), None);
        assert_eq!(crate_name("self"), None);
        assert_eq!(crate_name("type"), None);
        assert_eq!(crate_name("a b"), None);
        assert_eq!(crate_name("azure_network_2017").as_deref(), Some("azure_network_2017"));
        assert_eq!(crate_name("api2").as_deref(), Some("api2"));
        assert_eq!(crate_name("reqwest"), None);
        assert_eq!(crate_name("core"), None);
        assert_eq!(crate_name("a__b").as_deref(), Some("a__b"));
    }
}
