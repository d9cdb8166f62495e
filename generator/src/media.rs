//! Media types, as every stage reads them: their essence and whether they stream.

/// A media type without its parameters, lower case (`application/json; charset=utf-8` is
/// `application/json`).
pub fn essence(media: &str) -> String {
    media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// Whether a media type (its essence) is JSON: `application/json`, `+json` types, `text/json`.
pub fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json") || essence == "text/json"
}

/// How a streamed body is cut into items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// `text/event-stream`
    Events,
    /// `application/jsonl`, `application/x-ndjson`
    JsonLines,
    /// `application/json-seq` (RFC 7464)
    JsonSeq,
}

impl StreamFormat {
    /// The format of a streamed media type, if it is one.
    pub fn of(media: &str) -> Option<Self> {
        match essence(media).as_str() {
            "text/event-stream" => Some(StreamFormat::Events),
            "application/jsonl"
            | "application/x-ndjson"
            | "application/x-jsonlines"
            | "application/jsonlines" => Some(StreamFormat::JsonLines),
            "application/json-seq" => Some(StreamFormat::JsonSeq),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_media_types() {
        assert_eq!(StreamFormat::of("text/event-stream; charset=utf-8"), Some(StreamFormat::Events));
        assert_eq!(StreamFormat::of("Application/X-NDJSON"), Some(StreamFormat::JsonLines));
        assert_eq!(StreamFormat::of("application/json-seq"), Some(StreamFormat::JsonSeq));
        assert_eq!(StreamFormat::of("application/json"), None);
    }
}
