//! Stage 2: the loaded spec to the IR. Naming decisions are made here (through `naming`), so
//! the emitters only print.

mod cycles;
mod envelope;
mod operation;
mod schema;
mod security;
mod view;

use crate::error::Diagnostic;
use crate::ir::Api;
use crate::load::Spec;
use crate::naming;
use crate::options::Options;

/// The IR of a spec, and what was left out along the way.
#[derive(Debug)]
pub struct Lowered {
    pub api: Api,
    pub warnings: Vec<Diagnostic>,
}

pub fn lower(spec: &Spec, options: &Options) -> Result<Lowered, Diagnostic> {
    let mut warnings = Vec::new();
    let mut space = schema::TypeSpace::new(spec)?;
    let schemes = security::Schemes::lower(spec, &mut warnings)?;
    let envelope = options.envelope.fields();
    let operations =
        operation::OperationLowering::new(spec, &mut space, &schemes, envelope.clone(), &mut warnings)
            .run()?;
    let info = &spec.api.info;
    let api = Api {
        package: options.package.clone(),
        crate_ident: options.package.replace('-', "_"),
        source: options.source.clone(),
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        base_url: spec.api.servers.first().map(server_url),
        types: space.finish(),
        schemes: schemes.list,
        groups: operations.groups,
        envelope: envelope.filter(|_| operations.uses_envelope),
        error_bodies: operations.error_bodies,
    };
    debug_assert!(naming::crate_name(&api.package).is_some());
    Ok(Lowered { api, warnings })
}

/// A server URL with its variables filled in with their defaults.
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url.trim_end_matches('/').to_owned()
}
