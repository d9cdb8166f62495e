//! Security schemes and requirements.

use std::collections::HashMap;

use openapiv3::{APIKeyLocation, SecurityRequirement};

use crate::error::Diagnostic;
use crate::ir::{
    KeyLocation, OAuth, OAuthFlow, Param, ParamLocation, SchemeId, SchemeKind, Security, SecurityScheme,
    Signature,
};
use crate::load::Spec;
use crate::naming::{self, snake, Scope};
use crate::pointer::Pointer;

/// Methods of the generated `ClientBuilder` that scheme setters must not take.
pub const BUILDER_METHODS: &[&str] = &[
    "base_url",
    "build",
    "http_client",
    "timeout",
    "max_retries",
    "user_agent",
    "default",
    "from_env",
    "on_request",
];

/// The schemes a client can send, and the index of each by its name in the spec.
pub struct Schemes {
    pub list: Vec<SecurityScheme>,
    by_key: HashMap<String, SchemeId>,
}

impl Schemes {
    pub fn lower(spec: &Spec, warnings: &mut Vec<Diagnostic>) -> Result<Self, Diagnostic> {
        let mut list = Vec::new();
        let mut by_key = HashMap::new();
        let mut setters = Scope::with_reserved(BUILDER_METHODS.iter().copied());
        // Constants of the generated `scheme` module, which holds nothing else.
        let mut constants = Scope::new();
        let mut oauth = Vec::new();
        let Some(components) = &spec.api.components else { return Ok(Self { list, by_key }) };
        for (key, node) in &components.security_schemes {
            let at = Pointer::root().join("components").join("securitySchemes").join(key);
            let scheme = spec.resolve(node, &at)?;
            let (kind, doc) = match &*scheme.item {
                openapiv3::SecurityScheme::HTTP { scheme, description, .. } => {
                    let kind = match scheme.to_ascii_lowercase().as_str() {
                        "bearer" => SchemeKind::Bearer,
                        "basic" => SchemeKind::Basic,
                        other => {
                            warnings.push(spec.error(&at.join("scheme"), format!(
                                "HTTP authentication scheme `{other}` is not supported: expected bearer or basic; the client will not send it"
                            )));
                            continue;
                        }
                    };
                    (kind, description.clone())
                }
                openapiv3::SecurityScheme::APIKey { extensions, description, .. }
                    if extensions.contains_key("x-signature") =>
                {
                    let name = extensions["x-signature"].as_str().unwrap_or_default();
                    match Signature::from_name(name) {
                        Some(signature) => (SchemeKind::Signed(signature), description.clone()),
                        None => {
                            warnings.push(spec.error(&at.join("x-signature"), format!(
                                "unknown request signature `{name}`: expected ncp-apigw-v2; the client will not sign requests"
                            )));
                            continue;
                        }
                    }
                }
                openapiv3::SecurityScheme::APIKey { location, name, description, .. } => {
                    let location = match location {
                        APIKeyLocation::Header => KeyLocation::Header,
                        APIKeyLocation::Query => KeyLocation::Query,
                        APIKeyLocation::Cookie => KeyLocation::Cookie,
                    };
                    (SchemeKind::ApiKey { location, name: name.clone() }, description.clone())
                }
                // The token is sent as a bearer token: given, or (for the flows a client can run
                // on its own) fetched and renewed by the client.
                openapiv3::SecurityScheme::OAuth2 { description, flows, .. } => {
                    oauth.push((list.len(), flows.clone()));
                    (SchemeKind::Bearer, description.clone())
                }
                openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                    (SchemeKind::Bearer, description.clone())
                }
            };
            by_key.insert(key.clone(), SchemeId(list.len()));
            let setter = setters.claim(&snake(key));
            let constant = constants.claim(&naming::shouty(key));
            list.push(SecurityScheme {
                key: key.clone(),
                setter,
                constant,
                signer_setter: None,
                env: Vec::new(),
                oauth: OAuth::default(),
                doc,
                kind,
            });
        }
        // After every scheme's own setter, so a scheme named like another's signer setter
        // keeps its name.
        for (index, flows) in oauth {
            let scheme: &mut SecurityScheme = &mut list[index];
            let base = naming::bare(&scheme.setter).to_owned();
            let mut flow = |suffix: &str, url: &str| OAuthFlow {
                setter: setters.claim(&snake(&format!("{base}_{suffix}"))),
                url: url.to_owned(),
                env: [String::new(), String::new()],
            };
            scheme.oauth.client_credentials =
                flows.client_credentials.as_ref().map(|f| flow("client_credentials", &f.token_url));
            let refreshing = flows
                .authorization_code
                .as_ref()
                .map(|f| f.refresh_url.as_deref().unwrap_or(&f.token_url))
                .or_else(|| {
                    flows.password.as_ref().map(|f| f.refresh_url.as_deref().unwrap_or(&f.token_url))
                });
            scheme.oauth.refresh = refreshing.map(|url| flow("refresh_token", url));
        }
        for scheme in &mut list {
            if matches!(scheme.kind, SchemeKind::Signed(_)) {
                let name = format!("{}_signer", naming::bare(&scheme.setter));
                scheme.signer_setter = Some(setters.claim(&snake(&name)));
            }
        }
        Ok(Self { list, by_key })
    }

    /// The credentials an operation sends: its own requirements, or else the spec's.
    pub fn requirement(
        &self,
        spec: &Spec,
        own: Option<&Vec<SecurityRequirement>>,
        at: &Pointer,
        warnings: &mut Vec<Diagnostic>,
    ) -> Security {
        let (requirements, at) = match own {
            Some(own) => (own, at.join("security")),
            None => match &spec.api.security {
                Some(global) => (global, Pointer::root().join("security")),
                None => return Security { alternatives: Vec::new(), optional: true },
            },
        };
        let mut security = Security { alternatives: Vec::new(), optional: requirements.is_empty() };
        for (index, requirement) in requirements.iter().enumerate() {
            if requirement.is_empty() {
                security.optional = true;
                continue;
            }
            let schemes: Option<Vec<SchemeId>> =
                requirement.keys().map(|k| self.by_key.get(k).copied()).collect();
            match schemes {
                Some(schemes) => security.alternatives.push(schemes),
                None => warnings.push(spec.error(
                    &at.join(index),
                    "requirement names a security scheme that is not declared (or not supported); it is left out",
                )),
            }
        }
        if security.alternatives.is_empty() {
            security.optional = true;
        }
        security
    }

    /// Takes out of `params` those that are the operation's credentials: an API key the
    /// operation's schemes already send, by the same name in the same place. The client sends
    /// them from its credentials (once, not also as an argument); where the spec requires
    /// such a parameter, the operation requires its scheme in every alternative.
    pub fn take_credentials(&self, params: &mut Vec<Param>, security: &mut Security) {
        let offered: Vec<SchemeId> = security.alternatives.iter().flatten().copied().collect();
        let mut required = Vec::new();
        params.retain(|param| {
            let scheme = offered.iter().copied().find(|id| match &self.list[*id].kind {
                SchemeKind::ApiKey { location, name } => match (location, param.location) {
                    (KeyLocation::Header, ParamLocation::Header) => name.eq_ignore_ascii_case(&param.wire),
                    (KeyLocation::Query, ParamLocation::Query(_))
                    | (KeyLocation::Cookie, ParamLocation::Cookie) => *name == param.wire,
                    _ => false,
                },
                _ => false,
            });
            if let (Some(id), true) = (scheme, param.required) {
                required.push(id);
            }
            scheme.is_none()
        });
        if required.is_empty() {
            return;
        }
        let mut alternatives: Vec<Vec<SchemeId>> = Vec::new();
        for mut alternative in std::mem::take(&mut security.alternatives) {
            for id in &required {
                if !alternative.contains(id) {
                    alternative.push(*id);
                }
            }
            let known = alternatives
                .iter()
                .any(|a| a.len() == alternative.len() && a.iter().all(|id| alternative.contains(id)));
            if !known {
                alternatives.push(alternative);
            }
        }
        // An alternative that holds all of another adds nothing to it.
        let kept: Vec<Vec<SchemeId>> = alternatives
            .iter()
            .filter(|a| !alternatives.iter().any(|b| b.len() < a.len() && b.iter().all(|id| a.contains(id))))
            .cloned()
            .collect();
        security.alternatives = kept;
        security.optional = false;
    }
}
