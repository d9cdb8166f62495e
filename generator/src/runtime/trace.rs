//! Traces of calls, where the crate's `tracing` feature is on: a span per request (its
//! operation, method, path template, final status and number of attempts) and, inside it, a
//! span per attempt (its number, status and duration). Without the feature these are no-ops
//! and the crate does not depend on `tracing`.

use std::future::Future;

use super::request::Request;

/// The span of one request, current while the request runs.
#[cfg(feature = "tracing")]
pub(super) struct Call(tracing::Span);

#[cfg(not(feature = "tracing"))]
pub(super) struct Call;

impl Call {
    #[cfg(feature = "tracing")]
    pub(super) fn start(request: &Request) -> Self {
        Call(tracing::info_span!(
            "request",
            operation = request.operation,
            method = %request.method,
            path = request.template,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        ))
    }

    #[cfg(not(feature = "tracing"))]
    pub(super) fn start(_request: &Request) -> Self {
        Call
    }

    /// Runs the request's work inside its span.
    #[cfg(feature = "tracing")]
    pub(super) fn run<F: Future>(self, work: F) -> tracing::instrument::Instrumented<F> {
        tracing::Instrument::instrument(work, self.0)
    }

    #[cfg(not(feature = "tracing"))]
    pub(super) fn run<F: Future>(self, work: F) -> F {
        work
    }
}

/// Runs attempt `number` (from 1) of the current request in its span, and records its status
/// (where the server answered) and duration on it, and on the request's span.
#[cfg(feature = "tracing")]
pub(super) async fn attempt<F>(number: u32, sent: F) -> F::Output
where
    F: Future<Output = Option<Result<reqwest::Response, reqwest::Error>>>,
{
    let request = tracing::Span::current();
    let span = tracing::debug_span!(
        "attempt",
        attempt = number,
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    let outcome = tracing::Instrument::instrument(sent, span.clone()).await;
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    span.record("duration_ms", millis);
    if let Some(Ok(response)) = &outcome {
        span.record("status", response.status().as_u16());
        request.record("status", response.status().as_u16());
    }
    request.record("attempts", number);
    outcome
}

#[cfg(not(feature = "tracing"))]
pub(super) async fn attempt<F>(_number: u32, sent: F) -> F::Output
where
    F: Future<Output = Option<Result<reqwest::Response, reqwest::Error>>>,
{
    sent.await
}
