//! Stage 2: the loaded spec to the IR. Naming decisions are made here (through `naming`), so
//! the emitters only print.

mod cycles;
mod envelope;
mod events;
mod operation;
mod pagination;
mod schema;
mod security;
mod stream;
mod view;

use crate::error::{Diagnostic, Error};
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

pub fn lower(spec: &Spec, options: &Options) -> Result<Lowered, Error> {
    let mut warnings = spec.notes.clone();
    let mut space = schema::TypeSpace::new(spec)?;
    let schemes = security::Schemes::lower(spec, &mut warnings)?;
    let envelope = options.envelope.fields();
    let mut operations = operation::OperationLowering::new(
        spec,
        &mut space,
        &schemes,
        envelope.clone(),
        &mut warnings,
        &options.streams,
    )
    .run()?;
    let (events, signed) = events::lower(spec, &mut space, &mut warnings)?;
    let types = space.finish(&mut operations.error_bodies);
    let mut groups = operations.groups;
    let known: std::collections::HashSet<&str> =
        groups.iter().flat_map(|g| &g.operations).map(|op| op.id.as_str()).collect();
    let settings: [(&str, Vec<&String>); 2] = [
        ("pagination is", options.pagination.keys().collect()),
        ("a stream is", options.streams.keys().collect()),
    ];
    for (what, ids) in settings {
        if let Some(id) = ids.into_iter().find(|id| !known.contains(id.as_str())) {
            return Err(Error::Config {
                path: spec.file.clone(),
                message: format!("{what} set for `{id}`, which is not an operationId of this spec"),
            });
        }
    }
    let config_error = |op: &crate::ir::Operation, what: &str, message: String| Error::Config {
        path: spec.file.clone(),
        message: format!("{what} of `{}`: {message}", op.id),
    };
    for op in groups.iter_mut().flat_map(|g| &mut g.operations) {
        let setting = options.pagination.get(&op.id);
        // `.stream()` reads a streamed answer; a listing is paged only where that is set.
        if op.stream.is_none() || setting.is_some() {
            op.pagination = pagination::paging(op, &types, setting)
                .map_err(|message| config_error(op, "pagination", message))?;
        }
        stream::finish(op, &types, options.streams.get(&op.id))
            .map_err(|message| config_error(op, "stream", message))?;
    }
    let info = &spec.api.info;
    let api = Api {
        package: options.package.clone(),
        crate_ident: options.package.replace('-', "_"),
        source: options.source.clone(),
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        base_url: spec.api.servers.first().map(server_url),
        types,
        schemes: schemes.list,
        groups,
        envelope: envelope.filter(|_| operations.uses_envelope),
        error_bodies: operations.error_bodies,
        standard_webhooks: !events.is_empty() && (signed || options.standard_webhooks),
        events,
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
