//! The intermediate representation: everything the emitters need to know about an API, as
//! plain data. It holds final Rust names (chosen by `naming`) next to wire names, and no
//! tokens and no raw OpenAPI: emitters read only this. [`query`] answers the questions
//! several stages ask of it.

pub mod features;
pub mod query;

pub use crate::media::StreamFormat;

/// One API, ready to emit as a crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Cargo package name (`cloudflare_access`).
    pub package: String,
    /// The crate's identifier in Rust paths (`cloudflare_access`).
    pub crate_ident: String,
    /// Where the spec came from, for the generated header and README.
    pub source: String,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// The spec's first server, the client's default base URL.
    pub base_url: Option<String>,
    /// The environment variable `Client::from_env` reads a base URL from.
    pub base_url_env: String,
    /// Every named type, indexed by [`TypeId`].
    pub types: Vec<TypeDef>,
    pub schemes: Vec<SecurityScheme>,
    /// Operations grouped by tag, each group an accessor on the client.
    pub groups: Vec<Group>,
    /// The envelope field names, when any operation answers in an envelope.
    pub envelope: Option<EnvelopeFields>,
    /// The type of the envelope's `result_info`, where every operation whose envelope has one
    /// gives it the same type; `None` leaves it JSON.
    pub result_info: Option<TypeRef>,
    /// Named error body types that operations declare, one variant each of the crate's
    /// error body enum.
    pub error_bodies: Vec<ErrorBody>,
    /// The requests the API sends to its users' servers.
    pub events: Vec<Event>,
    /// Those requests are signed as Standard Webhooks say (`webhook-signature`).
    pub standard_webhooks: bool,
}

/// Index of a named type in [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Index of a parameter in its [`Operation::params`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParamId(pub usize);

/// Index of a security scheme in [`Api::schemes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemeId(pub usize);

/// Index of an error body in [`Api::error_bodies`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ErrorBodyId(pub usize);

/// A type as used in a field, parameter or response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Named(TypeId),
    String,
    Bool,
    I32,
    I64,
    /// `format: uint64` (and `uint`): values beyond `i64` do occur.
    U64,
    /// `format: int128`.
    I128,
    /// `format: uint128`.
    U128,
    F32,
    F64,
    DateTime,
    Date,
    Uuid,
    /// Raw bytes (files and binary bodies).
    Binary,
    /// Any JSON value.
    Json,
    /// Any JSON object.
    JsonObject,
    List(Box<TypeRef>),
    /// An object with arbitrary keys and values of one type.
    Map(Box<TypeRef>),
    /// The value may be `null`.
    Nullable(Box<TypeRef>),
}

/// Each id indexes only the list it is an id into.
macro_rules! indexed_by {
    ($id:ident, $item:ident) => {
        impl std::ops::Index<$id> for Vec<$item> {
            type Output = $item;

            fn index(&self, id: $id) -> &$item {
                &self[id.0]
            }
        }
    };
}

indexed_by!(TypeId, TypeDef);
indexed_by!(ParamId, Param);
indexed_by!(SchemeId, SecurityScheme);
indexed_by!(ErrorBodyId, ErrorBody);

impl Api {
    /// How docs name the API: "the Pets API", or "the Petstore API" for a title that
    /// already ends in "API".
    pub fn display_name(&self) -> String {
        let title = self.title.trim();
        let ends_in_api = title.rsplit(' ').next().is_some_and(|word| word.eq_ignore_ascii_case("api"));
        if ends_in_api {
            title.to_owned()
        } else {
            format!("{title} API")
        }
    }
}

impl TypeRef {
    /// The type without a `Nullable` wrapper.
    pub fn non_null(&self) -> &TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner.non_null(),
            other => other,
        }
    }

    /// The type itself and every type inside it (list items, map values, nullable inners).
    pub fn parts(&self) -> impl Iterator<Item = &TypeRef> {
        std::iter::successors(Some(self), |ty| match ty {
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => Some(&**inner),
            _ => None,
        })
    }

    pub fn is_nullable(&self) -> bool {
        matches!(self, TypeRef::Nullable(_))
    }

    pub fn nullable(self) -> TypeRef {
        match self {
            TypeRef::Nullable(_) | TypeRef::Json => self,
            other => TypeRef::Nullable(Box::new(other)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    pub doc: Option<String>,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    /// `pub type Name = ...;` for named schemas that are not objects, enums or unions.
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// The flattened map that keeps members the spec does not name.
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub wire: String,
    pub ty: TypeRef,
    pub required: bool,
    /// The field's type reaches its own struct by value and must be boxed.
    pub boxed: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Extra {
    pub name: String,
    /// The type of each unnamed member (JSON values unless `additionalProperties` says).
    pub value: TypeRef,
}

/// A string enum; unknown values are kept in the `other` variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    pub variants: Vec<Variant>,
    pub repr: EnumRepr,
}

/// How an enum of strings is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumRepr {
    /// A Rust `enum`, one variant per value and `other` for values the client does not know.
    Variants { other: String },
    /// A string newtype with one associated constant per value (variant names are constant
    /// names): enums of thousands of values check in a fraction of the time this way.
    Constants,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub wire: String,
    /// What the value means, where the spec says (`x-enum-descriptions`, `x-ms-enum`).
    pub doc: Option<String>,
}

/// `oneOf` / `anyOf`: one of several shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// Property whose value picks the variant (OpenAPI `discriminator`).
    pub discriminator: Option<String>,
    /// Variant that keeps any value no other variant accepts.
    pub fallback: Option<String>,
    /// Variant a value whose discriminator is missing or unknown is read as
    /// (`discriminator.defaultMapping`), before the fallback.
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// The payload is boxed: it reaches the union again by value, or it is a struct or a
    /// union (large next to the other variants).
    pub boxed: bool,
    /// Discriminator values that select this variant.
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// The scheme's name in the spec (`api_token`).
    pub key: String,
    /// The builder setter (`api_token`).
    pub setter: String,
    /// The constant that names the scheme in the generated code (`API_TOKEN`).
    pub constant: String,
    /// For a signed scheme, the setter that takes a signer of the user's (`api_token_signer`).
    pub signer_setter: Option<String>,
    /// The environment variables `Client::from_env` reads its credential from: one, or two
    /// for basic authentication (user, password) and signatures (access key, secret key).
    pub env: Vec<String>,
    /// For OAuth2, the flows the client can run itself to get its tokens.
    pub oauth: OAuth,
    pub doc: Option<String>,
    pub kind: SchemeKind,
}

/// The OAuth2 flows of a scheme whose tokens the client gets and renews itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OAuth {
    /// The client credentials flow: the client acts on its own behalf.
    pub client_credentials: Option<OAuthFlow>,
    /// A flow whose tokens come with refresh tokens, which the client can renew them with.
    pub refresh: Option<OAuthFlow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthFlow {
    /// The builder setter that starts it (`oauth_client_credentials`).
    pub setter: String,
    /// The token endpoint, as the spec gives it (possibly relative to the server).
    pub url: String,
    /// The environment variables `Client::from_env` reads the client id and secret from.
    pub env: [String; 2],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    Bearer,
    Basic,
    ApiKey {
        location: KeyLocation,
        name: String,
    },
    /// Requests are signed; the spec names the signature with `x-signature`.
    Signed(Signature),
}

/// Request signatures the generated clients know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    /// NAVER Cloud Platform API Gateway, version 2 (`x-signature: ncp-apigw-v2`).
    NcpApigwV2,
}

impl Signature {
    /// The name a spec selects it by.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "ncp-apigw-v2" => Some(Signature::NcpApigwV2),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// The operations of one tag: an accessor on the client and a module of request builders.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The tag as written in the spec.
    pub tag: String,
    /// Accessor method on the client (`zero_trust_users`).
    pub accessor: String,
    /// The group's module and file at the crate root (`zero_trust_users`, `core_2` for a tag
    /// named like a crate the code uses); without a raw prefix, also its cargo feature.
    pub module: String,
    /// The accessor's type (`ZeroTrustUsers`).
    pub type_name: String,
    pub doc: Option<String>,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The operationId (or the derived one), for docs.
    pub id: String,
    /// The method on the group accessor (`get_last_seen_identity`).
    pub method: String,
    /// The request builder type (`GetLastSeenIdentity`).
    pub builder: String,
    /// HTTP method, upper case.
    pub http_method: String,
    /// The path template as written (`/accounts/{account_id}/...`), for docs.
    pub path_template: String,
    pub path: Vec<PathPart>,
    /// The server the operation's requests go to, where it names one of its own.
    pub server: Option<OwnServer>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// The body is `multipart/form-data` and required: a request without any part is refused.
    pub multipart_required: bool,
    pub response: Success,
    /// The `Accept` header: the media types of the answers the client reads.
    pub accept: String,
    pub errors: Vec<ErrorCase>,
    pub security: Security,
    /// Groups of parameters of which at least one must be set.
    pub required_one_of: Vec<Vec<ParamId>>,
    /// How to walk the pages of a listing, when the operation is one.
    pub pagination: Option<Pagination>,
    /// How to read the answer item by item, when the operation answers a stream.
    pub stream: Option<Stream>,
    /// The answer is bytes that may be read as they arrive or written to a file.
    pub download: bool,
    /// The scopes or permissions a caller's credentials need, as the spec names them.
    pub permissions: Vec<String>,
}

/// A server a path or operation names for itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnServer {
    /// An http(s) URL, followed while the client's base URL is the API's own.
    Absolute(String),
    /// A reference resolved against the client's base URL (`/`, `v2`).
    Relative(String),
}

impl OwnServer {
    pub fn url(&self) -> &str {
        match self {
            OwnServer::Absolute(url) | OwnServer::Relative(url) => url,
        }
    }
}

impl Operation {
    /// Parameters passed positionally: path parameters in path order, then the other
    /// required parameters in spec order.
    pub fn positional(&self) -> Vec<ParamId> {
        let mut order: Vec<ParamId> = Vec::new();
        for part in &self.path {
            // A placeholder may appear twice in a path; its parameter is one argument.
            if let PathPart::Param(id) = part {
                if !order.contains(id) {
                    order.push(*id);
                }
            }
        }
        for (id, param) in self.params_with_ids() {
            if param.required && !order.contains(&id) {
                order.push(id);
            }
        }
        order
    }

    /// Every parameter with its id, in spec order.
    pub fn params_with_ids(&self) -> impl Iterator<Item = (ParamId, &Param)> {
        self.params.iter().enumerate().map(|(index, param)| (ParamId(index), param))
    }
}

/// A request the API sends to its users' servers (a webhook or an operation's callback),
/// which the crate parses into its event enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The name the spec gives it (the webhook's key, or the callback's).
    pub name: String,
    /// The variant of the event enum.
    pub variant: String,
    pub callback: bool,
    /// HTTP method, upper case.
    pub http_method: String,
    pub doc: Option<String>,
    /// The JSON body, typed; `None` where the request has none the crate reads.
    pub payload: Option<TypeRef>,
    pub boxed: bool,
}

/// An answer read as it arrives, item by item (server-sent events, JSON lines).
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub format: StreamFormat,
    /// The media type asked for (`Accept`) when the stream is wanted.
    pub media: String,
    pub item: StreamItem,
    /// The operation also answers whole (JSON) where the stream is not asked for.
    pub alongside: bool,
    /// The boolean body member that asks for the stream (`stream: true`).
    pub switch: Option<Member>,
    /// The data of the event that ends the stream (`[DONE]`).
    pub sentinel: Option<String>,
}

/// What each item of a stream is.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
    /// Events as received (their type, data, id and retry), where the spec gives no schema.
    Raw,
    /// Each event's data (or each line or record) decoded as the type.
    Data(TypeRef),
    /// Each whole event decoded as the type: a struct with `data` and any of `event`, `id`,
    /// `retry`, the schema the spec gives describing the event rather than its data.
    Event(TypeRef),
}

/// A paginated listing: where its items are and how to ask for the next page.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The member of the success value that holds the items; `None` when the value is the
    /// list itself (as an envelope's `result` is).
    pub items: Option<Member>,
    pub item: TypeRef,
    pub style: PageStyle,
}

/// A member of the success value's struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub field: String,
    /// The field is an `Option`.
    pub optional: bool,
    /// The field's type (after aliases), for the conversions the paging code needs.
    pub ty: TypeRef,
}

impl Member {
    /// The member a struct's field is, with its type seen through aliases.
    pub fn of(field: &Field, types: &[TypeDef]) -> Self {
        Member {
            field: field.name.clone(),
            optional: !field.required || field.ty.is_nullable(),
            ty: query::resolve(types, field.ty.non_null()).clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PageStyle {
    /// A page number parameter and how to know the next one.
    Page { param: ParamId, next: PageNext },
    /// A cursor parameter, and the member that holds the next cursor.
    Cursor { param: ParamId, next: Member },
    /// An offset parameter, advanced by the number of items received.
    Offset { param: ParamId },
}

#[derive(Debug, Clone, PartialEq)]
pub enum PageNext {
    /// A member with the next page's number (absent or null after the last page).
    Field(Member),
    /// A boolean member that says whether another page follows.
    HasMore(Member),
    /// A member with the number of pages.
    Total(Member),
    /// The envelope's `result_info`, by its members that count pages or items.
    ResultInfo(InfoPages),
    /// Nothing tells: the listing ends at the first empty page.
    UntilEmpty,
}

/// The members of an envelope's `result_info` that say how many pages a listing has; each
/// a number, where the type has it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InfoPages {
    pub total_pages: Option<Member>,
    pub total_count: Option<Member>,
    pub per_page: Option<Member>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    Literal(String),
    Param(ParamId),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub wire: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query(QueryStyle),
    Header,
    Cookie,
    /// A member of a `multipart/form-data` body; `file` members are sent as file parts.
    Multipart {
        file: bool,
    },
}

/// How a query parameter's value is written (OpenAPI `style` + `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `k=a&k=b`, or `k=a,b` when not exploded.
    Form {
        explode: bool,
    },
    SpaceDelimited,
    PipeDelimited,
    /// `k[x]=1&k[y]=2`
    DeepObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub media_type: String,
    pub doc: Option<String>,
    pub encoding: BodyEncoding,
    /// Form members whose lists are sent as one value, joined by the separator (an
    /// `encoding` with `explode: false`): wire name and separator.
    pub joined: Vec<(String, String)>,
}

/// How a request body is written. (Multipart bodies are not a `Body`: each of their members is
/// a parameter of its own, [`ParamLocation::Multipart`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    /// `application/x-www-form-urlencoded`
    Form,
    Text,
    Binary,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// No body (or one the spec does not describe).
    Empty,
    Json(TypeRef),
    /// A text body, returned as a string.
    Text,
    /// Any other body, returned as bytes.
    Bytes,
    /// The typed `result` of an envelope.
    Envelope {
        result: TypeRef,
    },
    /// Different bodies for different success statuses: an enum named `name`, one variant
    /// per status. The first case also stands for statuses the spec does not list.
    ByStatus {
        name: String,
        cases: Vec<SuccessCase>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SuccessCase {
    pub status: StatusMatch,
    pub variant: String,
    /// `None` when this status has no body.
    pub body: Option<TypeRef>,
}

/// A response status (or range) with a declared error body.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorCase {
    pub status: StatusMatch,
    pub body: ErrorBodyId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX` is `Range(4)`.
    Range(u16),
    Default,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorBody {
    /// Variant of the crate's `ErrorBody` enum.
    pub variant: String,
    pub ty: TypeRef,
    /// The variant holds the body in a `Box` (a struct or union, large next to the others).
    pub boxed: bool,
}

/// Which credentials an operation sends: the first alternative whose schemes are all
/// configured.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Security {
    pub alternatives: Vec<Vec<SchemeId>>,
    /// Anonymous calls are allowed too (`{}` among the requirements, or none at all).
    pub optional: bool,
}

/// Names of the envelope members, as on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeFields {
    pub success: String,
    pub errors: String,
    pub messages: String,
    pub result: String,
    pub result_info: String,
}

impl Default for EnvelopeFields {
    fn default() -> Self {
        Self {
            success: "success".into(),
            errors: "errors".into(),
            messages: "messages".into(),
            result: "result".into(),
            result_info: "result_info".into(),
        }
    }
}
