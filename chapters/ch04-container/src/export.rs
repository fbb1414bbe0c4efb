//! `GET /export` (chapter 11): every post, newest first, as JSON lines, produced page by page
//! while it is sent. The same code answers in this container (streamed by hyper) and on Lambda
//! (chapter 11's function, streamed by `lambda_http`): only the body's consumer differs.

use std::sync::Arc;

use bytes::Bytes;
use ch01_blog_core::http::header::{CONTENT_TYPE, HeaderValue};
use ch01_blog_core::http::{Method, Response, StatusCode};
use ch01_blog_core::{ApiResponse, BlogError, Cursor, PostStore, preflight};
use futures_util::{Stream, StreamExt as _, TryStreamExt as _, stream};
use http_body::Frame;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt as _, Full, StreamBody};

// ANCHOR: contract
/// Where the export is served, on both variants.
pub const EXPORT_PATH: &str = "/export";

/// Its media type: newline-delimited JSON, one post per line.
pub const NDJSON: &str = "application/x-ndjson";

/// The methods the export answers.
pub const EXPORT_METHODS: &str = "GET, OPTIONS";

/// How many posts the export reads from the store at a time. Each page is sent before the next
/// is read, so memory holds one page, whatever the export's size.
pub const EXPORT_PAGE_POSTS: usize = 10;
// ANCHOR_END: contract

/// The body of an answer: a whole JSON document, or the export's lines as they are produced.
pub type ExportBody = UnsyncBoxBody<Bytes, BlogError>;

// ANCHOR: lines
/// The export's lines: each post as one line of JSON, newest first, then one last line,
/// `{"end":true,"posts":N}`. The last line is how a reader knows the export is whole: once the
/// first bytes have left, neither Lambda nor a load balancer can change the status, so a store
/// that fails half-way can only cut the stream short.
pub fn lines(store: Arc<dyn PostStore>) -> impl Stream<Item = Result<Bytes, BlogError>> + Send {
    enum Next {
        Page { after: Option<Cursor>, sent: usize },
        Done,
    }
    stream::try_unfold(
        Next::Page {
            after: None,
            sent: 0,
        },
        move |next| {
            let store = Arc::clone(&store);
            async move {
                let Next::Page { after, sent } = next else {
                    return Ok(None);
                };
                let page = store.list(EXPORT_PAGE_POSTS, after.as_ref()).await?;
                let mut chunk = Vec::new();
                for post in &page.posts {
                    serde_json::to_writer(&mut chunk, post).map_err(|err| BlogError::Internal {
                        detail: err.to_string(),
                    })?;
                    chunk.push(b'\n');
                }
                let sent = sent + page.posts.len();
                let next = match page.next {
                    Some(cursor) => Next::Page {
                        after: Some(cursor),
                        sent,
                    },
                    None => {
                        chunk.extend_from_slice(end_line(sent).as_bytes());
                        Next::Done
                    }
                };
                Ok(Some((Bytes::from(chunk), next)))
            }
        },
    )
}

/// The line that ends a whole export of `posts` posts.
pub fn end_line(posts: usize) -> String {
    format!("{}\n", serde_json::json!({ "end": true, "posts": posts }))
}
// ANCHOR_END: lines

// ANCHOR: respond
/// Answers a request for the export. The first page is read before the status is chosen: a
/// store that fails at once gets the contract's JSON error (`503 store_unavailable`), like every
/// other endpoint. After that the answer is `200`, and its body is produced while it is sent.
pub async fn respond(store: Arc<dyn PostStore>, method: &Method) -> Response<ExportBody> {
    match *method {
        Method::GET => {}
        Method::OPTIONS => return whole(preflight()),
        ref method => {
            return whole(
                BlogError::MethodNotAllowed {
                    method: method.to_string(),
                    allow: EXPORT_METHODS,
                }
                .into(),
            );
        }
    }
    let mut lines = Box::pin(lines(store));
    let first = match lines.next().await {
        Some(Ok(first)) => first,
        Some(Err(err)) => return whole(err.into()),
        None => Bytes::new(),
    };
    let rest = stream::once(async move { Ok(first) }).chain(lines);
    let body = StreamBody::new(rest.map_ok(Frame::data));

    // The headers every answer carries, with the export's own type.
    let mut response = ApiResponse::empty(StatusCode::OK).into_http().map(|_| ());
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(NDJSON));
    response.map(|()| body.boxed_unsync())
}
// ANCHOR_END: respond

/// A whole answer of chapter 1's as an export body.
pub fn whole(response: ApiResponse) -> Response<ExportBody> {
    response
        .into_http()
        .map(|body| boxed(Full::new(Bytes::from(body))))
}

/// A whole body as an export body.
pub fn boxed(body: Full<Bytes>) -> ExportBody {
    body.map_err(|never| match never {}).boxed_unsync()
}
