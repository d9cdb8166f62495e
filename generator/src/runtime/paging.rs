//! Paginated listings as streams: the pages, requested one at a time as the stream is read,
//! and every item of every page.

use std::future::Future;
use std::pin::Pin;

use super::error::Error;
use super::response::Response;

/// The stream of items or pages of a paginated operation.
pub type BoxStream<T> = Pin<Box<dyn futures_core::Stream<Item = T> + Send + 'static>>;

/// The pages of a paginated operation, requested one at a time as the stream is read: `fetch`
/// sends a request; `next` turns the request and its answer into the request for the next
/// page, or `None` after the last one. An error ends the stream after it is yielded.
#[allow(dead_code, reason = "used by crates with paginated operations")]
pub fn pages<R, P, B, F, Fut>(
    first: R,
    fetch: F,
    next: fn(R, &Response<P>) -> Option<R>,
) -> BoxStream<Result<Response<P>, Error<B>>>
where
    R: Clone + Send + 'static,
    P: Send + 'static,
    B: Send + 'static,
    F: Fn(R) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<Response<P>, Error<B>>> + Send + 'static,
{
    Box::pin(futures_util::stream::unfold(Some(first), move |state| {
        let fetch = fetch.clone();
        async move {
            let request = state?;
            let following = request.clone();
            match fetch(request).await {
                Ok(response) => {
                    let after = next(following, &response);
                    Some((Ok(response), after))
                }
                Err(error) => Some((Err(error), None)),
            }
        }
    }))
}

/// Every item of every page, in order.
#[allow(dead_code, reason = "used by crates with paginated operations")]
pub fn items<P, T, B>(
    pages: BoxStream<Result<Response<P>, Error<B>>>,
    items: fn(P) -> Vec<T>,
) -> BoxStream<Result<T, Error<B>>>
where
    P: 'static,
    T: Send + 'static,
    B: Send + 'static,
{
    use futures_util::StreamExt;
    Box::pin(pages.flat_map(move |page| {
        let batch: Vec<Result<T, Error<B>>> = match page {
            Ok(response) => items(response.value).into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        };
        futures_util::stream::iter(batch)
    }))
}

/// Whether an envelope's `result_info` says there are pages after `page` (from `total_pages`,
/// or else `total_count` and `per_page`); without either, there may be.
#[allow(dead_code, reason = "used by crates whose listings page by an envelope's `result_info`")]
pub fn more_pages(result_info: Option<&serde_json::Value>, page: i64) -> bool {
    let Some(info) = result_info else { return true };
    let number = |name: &str| info.get(name).and_then(serde_json::Value::as_f64);
    let total_pages = number("total_pages").or_else(|| {
        let (count, per_page) = (number("total_count")?, number("per_page")?);
        (per_page > 0.0).then(|| (count / per_page).ceil())
    });
    total_pages.is_none_or(|total| (page as f64) < total)
}
