//! The framework-free operations: a plain description of an HTTP request in, a plain response
//! out. Nothing here knows about Lambda or hyper; chapters 3 and 4 translate their own request
//! types into [`ApiRequest`] and an [`ApiResponse`] back into theirs, and that is all they do.

use std::sync::Arc;

use http::header::{ALLOW, CONTENT_TYPE, LOCATION};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::Serialize;

use crate::BlogError;
use crate::BlogPath;
use crate::clock::{Clock, IdGenerator, SystemClock, UuidIds};
use crate::post::{NewPost, is_valid_id};
use crate::store::{Cursor, Page, PostStore};

// ANCHOR: request
/// The largest request body either backend accepts: 256 KiB. Large enough that a post with every
/// field at its limit in characters fits in any script (50,000 four-byte characters are 200,000
/// bytes of UTF-8), so the limits stated in characters are the ones a writer meets.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Lambda refuses a synchronous response over 6 MB, and API Gateway then answers `502`. A page of
/// `GET /blog` stops adding posts before its body, measured as the escaped JSON string a proxy
/// response carries it in, passes this bound; the rest of the proxy response (status, headers)
/// is far smaller than the megabyte left over. The container keeps the same bound, so both
/// variants page alike.
pub const MAX_PAGE_BYTES: usize = 5 * 1024 * 1024;
/// The page size of `GET /blog` when the client gives no `limit`, and the largest it may ask for.
pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// An HTTP request, reduced to what the blog needs.
#[derive(Debug, Clone, Default)]
pub struct ApiRequest {
    pub method: Method,
    /// The `{id}` of `/blog/{id}`; `None` for `/blog`.
    pub id: Option<String>,
    /// Decoded query string pairs, in order.
    pub query: Vec<(String, String)>,
    /// The `Content-Type` header, if any, exactly as sent.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// An HTTP response, ready to be written by any framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    pub status: StatusCode,
    /// `http`'s own header map: names are checked when they are made, and it keeps the order
    /// in which headers were added.
    pub headers: HeaderMap,
    /// JSON, or empty for `204 No Content`.
    pub body: Vec<u8>,
}
// ANCHOR_END: request

// ANCHOR: headers
/// The methods each resource answers, as the `Allow` header lists them.
pub const COLLECTION_METHODS: &str = "GET, POST, OPTIONS";
pub const ITEM_METHODS: &str = "GET, DELETE, OPTIONS";

/// Headers on every response. The CORS headers let the demo page call either backend from any
/// origin: the API has no cookies or credentials, so a wildcard origin is safe here (a deployment
/// can name one origin instead: [`CORS_ORIGIN_ENV`]). `nosniff` tells a browser to treat a body as
/// the `Content-Type` says and never guess (a JSON body holding `<script>` must not be run as
/// HTML).
pub const EVERY_RESPONSE_HEADERS: [(&str, &str); 5] = [
    // The default: a deployment that sets `CORS_ALLOW_ORIGIN` gets that origin instead.
    ("access-control-allow-origin", "*"),
    ("access-control-allow-methods", "GET, POST, DELETE, OPTIONS"),
    ("access-control-allow-headers", "content-type"),
    ("access-control-expose-headers", "location"),
    ("x-content-type-options", "nosniff"),
];

/// The variable that names the one origin browsers may call the API from, instead of any (`*`):
/// the stack sets it on every function and task from its `allowedOrigin` context value.
pub const CORS_ORIGIN_ENV: &str = "CORS_ALLOW_ORIGIN";

/// The allowed origin: [`CORS_ORIGIN_ENV`] as the process found it at its first answer, else `*`.
pub fn allowed_origin() -> &'static HeaderValue {
    static ORIGIN: std::sync::OnceLock<HeaderValue> = std::sync::OnceLock::new();
    ORIGIN.get_or_init(|| {
        std::env::var(CORS_ORIGIN_ENV)
            .ok()
            .and_then(|origin| HeaderValue::try_from(origin).ok())
            .unwrap_or(HeaderValue::from_static("*"))
    })
}
// ANCHOR_END: headers

impl ApiRequest {
    /// The first value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn require_json(&self) -> Result<(), BlogError> {
        let essence = self
            .content_type
            .as_deref()
            .and_then(|value| value.split(';').next())
            .map(str::trim);
        match essence {
            Some(mime) if mime.eq_ignore_ascii_case("application/json") => Ok(()),
            _ => Err(BlogError::UnsupportedMediaType),
        }
    }
}

impl ApiResponse {
    /// A response with a JSON body and the headers every response carries.
    pub fn json(status: StatusCode, body: &impl Serialize) -> Self {
        let body = serde_json::to_vec(body).expect("API types always serialize");
        Self::json_bytes(status, body)
    }

    /// A response whose body is JSON the caller serialized itself.
    fn json_bytes(status: StatusCode, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: standard_headers().json.clone(),
            body,
        }
    }

    /// A response with no body (`204 No Content`): the headers every response carries, and no
    /// `Content-Type`.
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: standard_headers().empty.clone(),
            body: Vec::new(),
        }
    }

    /// Adds a header after the standard ones.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// The value of a header, if it is there and readable as text.
    pub fn header(&self, name: impl http::header::AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The same response as an `http::Response`, for frameworks built on the `http` crate
    /// (hyper, lambda_http): each backend then only converts the body type.
    pub fn into_http(self) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(self.body);
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }
}

/// The headers a response starts with, built once per process: cloning a finished map is
/// cheaper than naming, validating and hashing six headers for every answer (chapter 9
/// measures the server's CPU per request).
struct StandardHeaders {
    /// `Content-Type: application/json`, then [`EVERY_RESPONSE_HEADERS`].
    json: HeaderMap,
    /// [`EVERY_RESPONSE_HEADERS`] alone, for answers without a body.
    empty: HeaderMap,
}

fn standard_headers() -> &'static StandardHeaders {
    static HEADERS: std::sync::OnceLock<StandardHeaders> = std::sync::OnceLock::new();
    HEADERS.get_or_init(|| {
        let every = EVERY_RESPONSE_HEADERS.iter().map(|(name, value)| {
            let value = match *name {
                "access-control-allow-origin" => allowed_origin().clone(),
                _ => HeaderValue::from_static(value),
            };
            (HeaderName::from_static(name), value)
        });
        let empty: HeaderMap = every.collect();
        let mut json = HeaderMap::with_capacity(empty.len() + 1);
        json.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        json.extend(empty.clone());
        StandardHeaders { json, empty }
    })
}

// ANCHOR: error_response
/// The body of every error: `{"code": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Error))]
pub struct ErrorBody {
    /// What went wrong, for a program to branch on.
    pub code: String,
    /// What went wrong, for a person to act on.
    pub message: String,
}

impl From<BlogError> for ApiResponse {
    fn from(err: BlogError) -> Self {
        // Details of server-side failures go to the log, never to the client.
        match &err {
            BlogError::StoreUnavailable { detail } => {
                tracing::warn!(%detail, "store unavailable")
            }
            BlogError::Internal { detail } => tracing::error!(%detail, "internal error"),
            _ => {}
        }
        let response = Self::json(
            err.status(),
            &ErrorBody {
                code: err.code().to_owned(),
                message: err.to_string(),
            },
        );
        match err {
            BlogError::MethodNotAllowed { allow, .. } => {
                response.with_header(ALLOW, HeaderValue::from_static(allow))
            }
            _ => response,
        }
    }
}
// ANCHOR_END: error_response

/// A page of the feed, as `GET /blog` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostPage {
    /// Newest first.
    pub posts: Vec<crate::Post>,
    /// Pass it back as `cursor` for the next page; `null` on the last page. Opaque: its
    /// contents may change.
    pub next_cursor: Option<String>,
}

// ANCHOR: list_body
/// The body of a page of the feed, `{"posts":[...],"next_cursor":...}`, holding as many of the
/// store's posts as fit in [`MAX_PAGE_BYTES`]; when the bytes run out first, `next_cursor`
/// continues right after the last post that fit, so no post is skipped. A page always holds at
/// least one post (one post is at most a few hundred kilobytes).
fn list_body(page: Page) -> Vec<u8> {
    let mut next = page.next;
    let mut kept: Vec<Vec<u8>> = Vec::with_capacity(page.posts.len());
    let mut escaped_bytes = 0;
    for (index, post) in page.posts.iter().enumerate() {
        let json = serde_json::to_vec(post).expect("a post always serializes");
        let cost = escaped_json_len(&json) + 1; // and a comma
        if index > 0 && escaped_bytes + cost > MAX_PAGE_BYTES {
            next = Some(Cursor::of(&page.posts[index - 1]));
            break;
        }
        escaped_bytes += cost;
        kept.push(json);
    }
    let mut body = br#"{"posts":["#.to_vec();
    for (index, post) in kept.iter().enumerate() {
        if index > 0 {
            body.push(b',');
        }
        body.extend_from_slice(post);
    }
    body.extend_from_slice(br#"],"next_cursor":"#);
    let cursor = next.as_ref().map(Cursor::encode);
    body.extend(serde_json::to_vec(&cursor).expect("a string or null serializes"));
    body.push(b'}');
    body
}

/// How many bytes `json` takes once written as a JSON string (quotes left out), as a proxy
/// response carries its body: `"` and `\` become two bytes, control characters two or six.
pub fn escaped_json_len(json: &[u8]) -> usize {
    json.iter()
        .map(|byte| match byte {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0x00..=0x1f => 6,
            _ => 1,
        })
        .sum()
}
// ANCHOR_END: list_body

// ANCHOR: blog
/// The blog's operations over one store. Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct Blog {
    store: Arc<dyn PostStore>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl Blog {
    /// A blog on `store` with the real clock and random (UUID v4) ids.
    pub fn new(store: Arc<dyn PostStore>) -> Self {
        Self {
            store,
            clock: Arc::new(SystemClock),
            ids: Arc::new(UuidIds),
        }
    }

    /// Replaces the clock, so tests and snapshots see fixed `created_at` values.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Replaces the id generator, so tests and snapshots see fixed ids.
    pub fn with_ids(mut self, ids: impl IdGenerator + 'static) -> Self {
        self.ids = Arc::new(ids);
        self
    }

    /// The store underneath, for callers that share it.
    pub fn store(&self) -> &Arc<dyn PostStore> {
        &self.store
    }
}
// ANCHOR_END: blog

impl std::fmt::Debug for Blog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blog").finish_non_exhaustive()
    }
}

// ANCHOR: handle
impl Blog {
    /// Routes a request on `/blog` (no `id`) or `/blog/{id}` by method: what the container does
    /// in code, and what API Gateway does in its configuration for the functions.
    pub async fn handle(&self, request: &ApiRequest) -> ApiResponse {
        let allow = match request.id {
            None => COLLECTION_METHODS,
            Some(_) => ITEM_METHODS,
        };
        match (&request.method, request.id.is_some()) {
            (&Method::GET, false) => self.list_posts(request).await,
            (&Method::POST, false) => self.create_post(request).await,
            (&Method::GET, true) => self.get_post(request).await,
            (&Method::DELETE, true) => self.delete_post(request).await,
            (&Method::OPTIONS, _) => preflight(),
            (method, _) => BlogError::MethodNotAllowed {
                method: method.to_string(),
                allow,
            }
            .into(),
        }
    }
}

/// The answer to a CORS preflight (`OPTIONS`): no body, just the CORS headers.
pub fn preflight() -> ApiResponse {
    ApiResponse::empty(StatusCode::NO_CONTENT).with_header(
        http::header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(PREFLIGHT_MAX_AGE),
    )
}

/// How long (seconds) a browser may cache a preflight's answer.
pub const PREFLIGHT_MAX_AGE: &str = "600";
// ANCHOR_END: handle

// ANCHOR: operations
impl Blog {
    /// `GET /blog?limit=N&cursor=C`
    pub async fn list_posts(&self, request: &ApiRequest) -> ApiResponse {
        respond(self.try_list_posts(request).await)
    }

    /// `POST /blog`
    pub async fn create_post(&self, request: &ApiRequest) -> ApiResponse {
        respond(self.try_create_post(request).await)
    }

    /// `GET /blog/{id}`
    pub async fn get_post(&self, request: &ApiRequest) -> ApiResponse {
        respond(self.try_get_post(request).await)
    }

    /// `DELETE /blog/{id}`
    pub async fn delete_post(&self, request: &ApiRequest) -> ApiResponse {
        respond(self.try_delete_post(request).await)
    }

    async fn try_list_posts(&self, request: &ApiRequest) -> Result<ApiResponse, BlogError> {
        check_body_size(request)?;
        let limit = match request.query_param("limit") {
            None => DEFAULT_LIMIT,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    BlogError::BadRequest(format!(
                        "limit must be a whole number from 1 to {MAX_LIMIT}"
                    ))
                })?,
        };
        let cursor = request
            .query_param("cursor")
            .map(Cursor::decode)
            .transpose()?;
        let page = self.store.list(limit, cursor.as_ref()).await?;
        Ok(ApiResponse::json_bytes(StatusCode::OK, list_body(page)))
    }

    async fn try_create_post(&self, request: &ApiRequest) -> Result<ApiResponse, BlogError> {
        check_body_size(request)?;
        request.require_json()?;
        let post =
            NewPost::from_json(&request.body)?.validate(|| self.ids.new_id(), self.clock.now())?;
        // The stored post: this one, or the same post stored by an earlier attempt of this very
        // create (a retry whose first answer was lost), which answers exactly as it did then.
        let post = self.store.create(&post).await?;
        let location = HeaderValue::try_from(BlogPath::location(&post.id)).map_err(|err| {
            BlogError::Internal {
                detail: format!(
                    "post {} has an id that is not a header value: {err}",
                    post.id
                ),
            }
        })?;
        Ok(ApiResponse::json(StatusCode::CREATED, &post).with_header(LOCATION, location))
    }

    async fn try_get_post(&self, request: &ApiRequest) -> Result<ApiResponse, BlogError> {
        check_body_size(request)?;
        let id = path_id(request)?;
        let post = self.store.get(id).await?;
        Ok(ApiResponse::json(StatusCode::OK, &post))
    }

    async fn try_delete_post(&self, request: &ApiRequest) -> Result<ApiResponse, BlogError> {
        check_body_size(request)?;
        let id = path_id(request)?;
        self.store.delete(id).await?;
        Ok(ApiResponse::empty(StatusCode::NO_CONTENT))
    }
}

fn respond(result: Result<ApiResponse, BlogError>) -> ApiResponse {
    result.unwrap_or_else(ApiResponse::from)
}

fn check_body_size(request: &ApiRequest) -> Result<(), BlogError> {
    if request.body.len() > MAX_BODY_BYTES {
        return Err(BlogError::PayloadTooLarge {
            limit: MAX_BODY_BYTES,
        });
    }
    Ok(())
}

/// The `{id}` path parameter. An id that could never have been created cannot exist, so it is
/// `not_found` without asking the store.
fn path_id(request: &ApiRequest) -> Result<&str, BlogError> {
    match request.id.as_deref() {
        Some(id) if is_valid_id(id) => Ok(id),
        _ => Err(BlogError::NotFound(
            "there is no post with that id; ids are 1 to 64 characters of A-Z, a-z, 0-9, _ and -"
                .to_owned(),
        )),
    }
}
// ANCHOR_END: operations

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_body_is_a_post_page_as_serde_writes_it() {
        let post = |id: &str| crate::Post {
            id: id.to_owned(),
            title: "t\"".to_owned(),
            author: "a".to_owned(),
            contents: "c\n".to_owned(),
            created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        };
        let next = Cursor::of(&post("b"));
        for (posts, next) in [(vec![], None), (vec![post("a"), post("b")], Some(next))] {
            let body = list_body(Page {
                posts: posts.clone(),
                next: next.clone(),
            });
            let page = PostPage {
                posts,
                next_cursor: next.as_ref().map(Cursor::encode),
            };
            assert_eq!(body, serde_json::to_vec(&page).unwrap());
        }
    }

    #[test]
    fn escaped_length_is_what_serde_json_writes() {
        for text in [
            "",
            "plain",
            r#"{"a":"b\"c"}"#,
            "back\\slash",
            "new\nline\r\ttab",
            "\u{0}\u{1}\u{1f}\u{8}\u{c}\u{7f}",
            "é🦀李",
        ] {
            let written = serde_json::to_string(text).unwrap();
            assert_eq!(
                escaped_json_len(text.as_bytes()),
                written.len() - 2,
                "{text:?}"
            );
        }
    }
}
