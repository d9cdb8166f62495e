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
/// page, or `None` after the last one. An error ends the stream after it is yielded; so does a
/// page that repeats the one before it (a server that ignores the paging parameter would
/// otherwise be asked forever).
#[allow(dead_code, reason = "used by crates with paginated operations")]
pub fn pages<R, P, I, B, F, Fut>(
    operation: &'static str,
    first: R,
    fetch: F,
    next: fn(R, &Response<P, I>) -> Option<R>,
) -> BoxStream<Result<Response<P, I>, Error<B>>>
where
    R: Clone + Send + 'static,
    P: serde::Serialize + Send + 'static,
    I: Send + 'static,
    B: Send + 'static,
    F: Fn(R) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<Response<P, I>, Error<B>>> + Send + 'static,
{
    let start = Walk { request: Some(first), previous: None, number: 0 };
    Box::pin(futures_util::stream::unfold(start, move |walk| {
        let fetch = fetch.clone();
        async move {
            let request = walk.request?;
            let following = request.clone();
            match fetch(request).await {
                Ok(response) => {
                    let number = walk.number + 1;
                    let fingerprint = fingerprint(&response.value);
                    if fingerprint.is_some() && fingerprint == walk.previous {
                        let message = format!(
                            "page {number} of the listing repeats page {}: the server ignores the paging parameter",
                            number - 1
                        );
                        let stop = Walk { request: None, previous: None, number };
                        return Some((Err(Error::Paging { operation, message }), stop));
                    }
                    let after = next(following, &response);
                    Some((Ok(response), Walk { request: after, previous: fingerprint, number }))
                }
                Err(error) => Some((Err(error), Walk { request: None, previous: None, number: walk.number })),
            }
        }
    }))
}

/// Where a walk through the pages is: the next request, and what the last page held.
struct Walk<R> {
    request: Option<R>,
    previous: Option<u64>,
    number: u64,
}

/// A page's contents, hashed to see whether the next page repeats it.
fn fingerprint<P: serde::Serialize>(page: &P) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let bytes = serde_json::to_vec(page).ok()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    Some(hasher.finish())
}

/// Every item of every page, in order.
#[allow(dead_code, reason = "used by crates with paginated operations")]
pub fn items<P, I, T, B>(
    pages: BoxStream<Result<Response<P, I>, Error<B>>>,
    items: fn(P) -> Vec<T>,
) -> BoxStream<Result<T, Error<B>>>
where
    P: 'static,
    I: 'static,
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

/// Whether there are pages after `page`, from what the answer says: the number of pages, or
/// else the number of items and of items per page; without either, there may be.
#[allow(dead_code, reason = "used by crates whose listings say how many pages they have")]
pub fn more_pages(
    page: i64,
    total_pages: Option<f64>,
    total_count: Option<f64>,
    per_page: Option<f64>,
) -> bool {
    let total_pages = total_pages.or_else(|| {
        let (count, per_page) = (total_count?, per_page?);
        (per_page > 0.0).then(|| (count / per_page).ceil())
    });
    total_pages.is_none_or(|total| (page as f64) < total)
}
