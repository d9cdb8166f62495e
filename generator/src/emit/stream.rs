//! `.stream()` on the request builder of an operation that answers a stream: the items as
//! they arrive, and the body member that asks for them.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{ident, Types};
use crate::escape;
use crate::ir::{Operation, Stream, StreamFormat, StreamItem};

/// The methods a streamed answer adds to its request builder: `idle_timeout` and `stream`.
/// `reply` reads the answer where it is an error.
pub fn stream_methods(types: Types<'_>, op: &Operation, stream: &Stream, reply: &TokenStream) -> TokenStream {
    let (item, read) = match &stream.item {
        StreamItem::Raw => (quote!(crate::Event), quote!(runtime::stream::raw)),
        StreamItem::Data(ty) => {
            let ty = types.ty(ty);
            (quote!(#ty), quote!(runtime::stream::data::<#ty>))
        }
        StreamItem::Event(ty) => {
            let ty = types.ty(ty);
            (quote!(#ty), quote!(runtime::stream::whole::<#ty>))
        }
    };
    let format = match stream.format {
        StreamFormat::Events => quote!(runtime::stream::Format::Events),
        StreamFormat::JsonLines => quote!(runtime::stream::Format::JsonLines),
        StreamFormat::JsonSeq => quote!(runtime::stream::Format::JsonSeq),
    };
    let sentinel = match &stream.sentinel {
        Some(sentinel) => quote!(Some(#sentinel)),
        None => quote!(None),
    };
    let media = &stream.media;
    let operation = &op.id;
    let ask = switch(op, stream, true, quote!(self.params));
    let mutable = ask.is_some().then(|| quote!(mut));
    let what = match stream.format {
        StreamFormat::Events => "its events",
        StreamFormat::JsonLines => "its lines",
        StreamFormat::JsonSeq => "its records",
    };
    let mut doc = vec![format!(
        " Sends the request and returns {what} as they arrive ({}), each decoded on its own.",
        escape::code_span(media)
    )];
    if let Some(member) = &stream.switch {
        doc.push(format!(" Sets the body's `{}` to `true` to ask for them.", member.field));
    }
    if let Some(sentinel) = &stream.sentinel {
        doc.push(format!(" The stream ends at the event whose data is {}.", escape::code_span(sentinel)));
    }
    doc.push(String::new());
    doc.push(
        " The request is retried only before the answer begins; the timeout covers the wait for the \
         response headers, and [`Self::idle_timeout`] the wait between items. An item that does not \
         decode is an error item, and the stream goes on."
            .to_owned(),
    );
    // Only events carry ids to resume after.
    let reconnect = (stream.format == StreamFormat::Events).then(|| {
        quote! {
            /// Resumes [`Self::stream`] up to `attempts` times where its connection breaks,
            /// asking for the events after the last id the server sent (`Last-Event-ID`), after
            /// the delay the server asked for (`retry:`) or a second. Off by default: the
            /// server must support resuming.
            pub fn reconnect(mut self, attempts: u32) -> Self {
                self.options.reconnects = attempts;
                self
            }
        }
    });
    quote! {
        /// The longest wait for the next item of [`Self::stream`] before the stream ends with
        /// `Error::Timeout`; by default it may wait as long as the server stays connected.
        pub fn idle_timeout(mut self, idle_timeout: std::time::Duration) -> Self {
            self.options.idle_timeout = Some(idle_timeout);
            self
        }

        #reconnect

        #(#[doc = #doc])*
        pub fn stream(#mutable self) -> runtime::paging::BoxStream<Result<#item, Error>> {
            #ask
            let settings = runtime::stream::Settings {
                operation: #operation,
                format: #format,
                sentinel: #sentinel,
                idle_timeout: self.options.idle_timeout,
                reconnects: self.options.reconnects,
            };
            // Opened again, from the same request, where a broken stream is resumed.
            let open = move |last_event_id: Option<String>| -> runtime::transport::BoxFuture<Result<reqwest::Response, Error>> {
                let this = self.clone();
                Box::pin(async move {
                    let (client, mut request) = this.into_request();
                    request.accept(#media);
                    if let Some(id) = &last_event_id {
                        request.header("Last-Event-ID", id);
                    }
                    client.core().open(request, #reply).await
                })
            };
            runtime::stream::items(Box::new(open), #read, settings)
        }
    }
}

/// The methods an answer of bytes adds to its request builder: `stream` (chunks as they
/// arrive) and `download` (to a file).
pub fn download_methods(op: &Operation, reply: &TokenStream) -> TokenStream {
    let operation = &op.id;
    quote! {
        /// Sends the request and returns the answer's bytes as they arrive, never all held in
        /// memory. The request is retried only before the answer begins; the timeout covers
        /// the wait for the response headers.
        pub fn stream(self) -> runtime::paging::BoxStream<Result<::bytes::Bytes, Error>> {
            let opening = Box::pin(async move {
                let (client, request) = self.into_request();
                client.core().open(request, #reply).await
            });
            runtime::body::chunks(#operation, opening)
        }

        /// Sends the request and writes the answer to a file as it arrives, returning how many
        /// bytes were written. The file appears only once the whole answer is written.
        pub async fn download(self, path: impl AsRef<std::path::Path>) -> Result<u64, Error> {
            runtime::body::save(#operation, self.stream(), path.as_ref()).await
        }
    }
}

/// Sets the body member that asks for the stream: `true` for `.stream()`; `false` for
/// `.send()`, where the member is set at all, since that reads the whole answer. `params` is
/// the operation's parameters.
pub fn switch(op: &Operation, stream: &Stream, on: bool, params: TokenStream) -> Option<TokenStream> {
    let member = stream.switch.as_ref()?;
    let body = op.body.as_ref()?;
    let body_field = ident(&body.name);
    let field = ident(&member.field);
    let assign = |target: TokenStream| match (member.optional, on) {
        (true, true) => quote!(#target.#field = Some(true);),
        (true, false) => quote! {
            if let Some(asked) = &mut #target.#field {
                *asked = false;
            }
        },
        (false, value) => quote!(#target.#field = #value;),
    };
    Some(if body.required {
        assign(quote!(#params.#body_field))
    } else {
        let set = assign(quote!(body));
        quote! {
            if let Some(body) = &mut #params.#body_field {
                #set
            }
        }
    })
}
