//! Stage 2: the loaded spec to the IR. Naming decisions are made here (through `naming`), so
//! the emitters only print.

mod cycles;
mod envelope;
mod events;
mod hint;
mod listings;
mod operation;
mod pagination;
mod schema;
mod security;
mod servers;
mod shape;
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
    let mut space = schema::TypeSpace::new(spec);
    // The operations are found and named from their ids while the component schemas are
    // lowered (on one core): neither needs the other.
    let (defined, surveyed) =
        rayon::join(|| space.define_components(), || operation::survey(spec, &options.package));
    defined?;
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
    .run(surveyed)?;
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
            op.pagination = pagination::paging(op, &types, operations.result_info.as_ref(), setting)
                .map_err(|message| config_error(op, "pagination", message))?;
        }
        stream::finish(op, &types, options.streams.get(&op.id))
            .map_err(|message| config_error(op, "stream", message))?;
    }
    let mut types = types;
    listings::name_items(&mut types, &groups, &options.package);
    listings::type_filtered_members(&mut types, &groups);
    let mut schemes = schemes.list;
    let base_url_env = environment(&mut schemes, options)
        .map_err(|message| Error::Config { path: spec.file.clone(), message: format!("env: {message}") })?;
    let info = &spec.api.info;
    let api = Api {
        package: options.package.clone(),
        crate_ident: options.package.replace('-', "_"),
        source: options.source.clone(),
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        base_url: spec.api.servers.first().map(servers::server_url),
        base_url_env,
        types,
        schemes,
        groups,
        envelope: envelope.filter(|_| operations.uses_envelope),
        result_info: operations.result_info,
        error_bodies: operations.error_bodies,
        standard_webhooks: !events.is_empty() && (signed || options.standard_webhooks),
        events,
    };
    debug_assert!(naming::crate_name(&api.package).is_some());
    Ok(Lowered { api, warnings })
}

/// Names the environment variables `Client::from_env` reads: each scheme's (set in
/// `[client.env]`, or the prefix and the scheme's name), and the base URL's, which it returns.
fn environment(schemes: &mut [crate::ir::SecurityScheme], options: &Options) -> Result<String, String> {
    use crate::ir::SchemeKind;
    use crate::options::EnvVars;

    let prefix = match &options.env.prefix {
        Some(prefix) => prefix.clone(),
        None => naming::shouty(&options.package),
    };
    let valid = |name: &str| {
        let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(())
        } else {
            Err(format!("`{name}` is not a usable variable name: expected letters, digits and `_`"))
        }
    };
    valid(&prefix)?;
    if let Some(key) = options.env.vars.keys().find(|key| !schemes.iter().any(|s| &s.key == *key)) {
        return Err(format!("a variable is set for `{key}`, which is not a security scheme of this spec"));
    }
    for scheme in schemes.iter_mut() {
        let parts: &[&str] = match scheme.kind {
            SchemeKind::Basic => &["USERNAME", "PASSWORD"],
            SchemeKind::Signed(_) => &["ACCESS_KEY", "SECRET_KEY"],
            _ => &[],
        };
        let base = format!("{prefix}_{}", naming::shouty(&scheme.key));
        scheme.env = match (options.env.vars.get(&scheme.key), parts) {
            (None, []) => vec![base.clone()],
            (None, parts) => parts.iter().map(|part| format!("{base}_{part}")).collect(),
            (Some(EnvVars::One(name)), []) => vec![name.clone()],
            (Some(EnvVars::Two(names)), [_, _]) => names.to_vec(),
            (Some(EnvVars::One(_)), _) => {
                return Err(format!("`{}` takes two values: name two variables", scheme.key));
            }
            (Some(EnvVars::Two(_)), _) => {
                return Err(format!("`{}` takes one value: name one variable", scheme.key));
            }
        };
        if let Some(flow) = &mut scheme.oauth.client_credentials {
            flow.env = [format!("{base}_CLIENT_ID"), format!("{base}_CLIENT_SECRET")];
        }
        for name in &scheme.env {
            valid(name)?;
        }
    }
    Ok(format!("{prefix}_BASE_URL"))
}
