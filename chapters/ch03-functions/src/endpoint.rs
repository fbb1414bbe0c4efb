//! The four functions, and the handler each of them runs.

use ch01_blog_core::http::Method;
use ch01_blog_core::{
    ApiRequest, ApiResponse, Blog, BlogError, BlogPath, RequestInfo, StoreOperation, TRACE_HEADER,
    preflight, trace_root,
};
use ch02_dynamodb::{Connection, StoreChoice};
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayProxyRequest, ApiGatewayProxyResponse, ApiGatewayV2httpRequest,
};
use lambda_http::request::LambdaRequest;
use lambda_http::tower::Service;
use lambda_http::{
    Adapter, Body, Context, Error, LambdaEvent, Request, RequestExt as _, Response, service_fn,
};

use crate::translate::{request_id, to_api_request, to_lambda_response};

// ANCHOR: endpoint
/// One Lambda function per endpoint, as API Gateway routes to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    GetPosts,
    CreatePost,
    GetPost,
    DeletePost,
}

impl Endpoint {
    pub const ALL: [Self; 4] = [
        Self::GetPosts,
        Self::CreatePost,
        Self::GetPost,
        Self::DeletePost,
    ];

    /// The function's (and its binary's) name.
    pub fn function_name(self) -> &'static str {
        match self {
            Self::GetPosts => "get-posts",
            Self::CreatePost => "create-post",
            Self::GetPost => "get-post",
            Self::DeletePost => "delete-post",
        }
    }

    /// The API Gateway method and resource that invoke this function.
    pub fn route(self) -> (Method, &'static str) {
        match self {
            Self::GetPosts => (Method::GET, BlogPath::COLLECTION),
            Self::CreatePost => (Method::POST, BlogPath::COLLECTION),
            Self::GetPost => (Method::GET, BlogPath::ITEM),
            Self::DeletePost => (Method::DELETE, BlogPath::ITEM),
        }
    }

    /// The one store operation this function performs: all its role is allowed to do.
    pub fn store_operation(self) -> StoreOperation {
        match self {
            Self::GetPosts => StoreOperation::List,
            Self::CreatePost => StoreOperation::Create,
            Self::GetPost => StoreOperation::Get,
            Self::DeletePost => StoreOperation::Delete,
        }
    }

    /// The chapter 1 operation behind this function, for a request with the function's own
    /// method; any other method gets the contract's answer for its resource ([`Self::other_method`]).
    pub async fn call(self, blog: &Blog, request: &ApiRequest) -> ApiResponse {
        if request.method != self.route().0 {
            return self.other_method(&request.method);
        }
        match self {
            Self::GetPosts => blog.list_posts(request).await,
            Self::CreatePost => blog.create_post(request).await,
            Self::GetPost => blog.get_post(request).await,
            Self::DeletePost => blog.delete_post(request).await,
        }
    }
}
// ANCHOR_END: endpoint

// ANCHOR: other_method
impl Endpoint {
    /// What the function answers a method that is not its own, as the contract says for its
    /// resource: `OPTIONS` is a CORS preflight, anything else `405` with the resource's `Allow`.
    /// A REST API never sends one (its mock integrations answer them); an HTTP API, which has no
    /// mock integrations, routes `ANY` on a resource to one of its functions (chapter 3).
    pub fn other_method(self, method: &Method) -> ApiResponse {
        if method == Method::OPTIONS {
            return preflight();
        }
        let allow = match self.route().1 {
            BlogPath::COLLECTION => ch01_blog_core::COLLECTION_METHODS,
            _ => ch01_blog_core::ITEM_METHODS,
        };
        BlogError::MethodNotAllowed {
            method: method.to_string(),
            allow,
        }
        .into()
    }
}
// ANCHOR_END: other_method

// ANCHOR: function
/// A function's handler: `lambda_http::Request` in, `Response` out, through chapter 1.
/// `Blog` is cheap to clone (it holds `Arc`s), so every invocation shares one store and client.
pub fn function(
    blog: Blog,
    endpoint: Endpoint,
) -> impl Service<Request, Response = Response<Body>, Error = Error, Future: Send> + Clone {
    service_fn(move |request: Request| {
        let blog = blog.clone();
        async move {
            let api_request = to_api_request(&request);
            let info = RequestInfo {
                request_id: &request_id(&request),
                trace_id: trace_root(request.headers()),
                trace_header: trace_header(&request),
                method: request.method(),
                route: endpoint.route().1,
            };
            let response = blog
                .observe(info, |blog| async move {
                    endpoint.call(&blog, &api_request).await
                })
                .await;
            Ok(to_lambda_response(response))
        }
    })
}

/// The X-Ray trace header the invocation's spans join: Lambda's, whose `Parent` is the
/// function's own segment when active tracing is on, else the one API Gateway passed on.
fn trace_header(request: &Request) -> Option<&str> {
    request
        .lambda_context_ref()
        .and_then(|context| context.xray_trace_id.as_deref())
        .or_else(|| {
            request
                .headers()
                .get(TRACE_HEADER)
                .and_then(|value| value.to_str().ok())
        })
}

// ANCHOR: run
/// What every binary's `main` does: JSON logs (and spans, where the stack asks for them), the
/// store chosen by `BLOG_STORE` opened once at init with its connection (warm invocations reuse
/// both), then the Lambda runtime loop, which ships each invocation's spans once it has answered.
pub async fn run(endpoint: Endpoint) -> Result<(), Error> {
    let name = endpoint.function_name();
    let traces = crate::logging::init_logs_and_traces(name).await?;
    let choice = StoreChoice::from_env()?;
    let (store, connection) = choice.open_for(endpoint.store_operation()).await?;
    log_init(name, choice, connection);
    let runtime = lambda_http::lambda_runtime::Runtime::new(Adapter::from(function(
        Blog::new(store),
        endpoint,
    )))
    .layer(lambda_http::lambda_runtime::layers::TracingLayer::new());
    match traces {
        Some(traces) => runtime.layer(crate::logging::ShipSpans(traces)).run().await,
        None => runtime.run().await,
    }
}
// ANCHOR_END: run

/// The init log line of a function: its store, and what opening the store's connection did.
pub fn log_init(name: &str, choice: StoreChoice, connection: Connection) {
    match connection {
        Connection::Failed(detail) => {
            tracing::warn!(function = name, store = %choice, %detail, "init: store connection not opened");
        }
        Connection::Opened(took) => {
            let ms = took.as_secs_f64() * 1e3;
            tracing::info!(function = name, store = %choice, connection_ms = ms, "init");
        }
        Connection::None | Connection::Skipped => {
            tracing::info!(function = name, store = %choice, "init");
        }
    }
}
// ANCHOR_END: function

// ANCHOR: invoke
/// Invokes a function in-process with a REST API proxy event, the way the Lambda runtime does:
/// the event goes through `lambda_http`'s own `Adapter`, and the answer is serialized to the
/// JSON document the runtime would post back to Lambda. Returns that document's bytes: their
/// count is what Lambda's 6 MB response limit applies to.
pub async fn invoke_raw(
    blog: &Blog,
    endpoint: Endpoint,
    event: ApiGatewayProxyRequest,
) -> Result<Vec<u8>, Error> {
    invoke_service_raw(function(blog.clone(), endpoint), event).await
}

/// [`invoke_raw`] for any `lambda_http` handler (a later chapter's function too).
pub async fn invoke_service_raw<S>(
    service: S,
    event: ApiGatewayProxyRequest,
) -> Result<Vec<u8>, Error>
where
    S: Service<Request, Response = Response<Body>, Error = Error>,
    S::Future: Send,
{
    invoke_service_with(service, LambdaRequest::ApiGatewayV1(event)).await
}

/// [`invoke_raw`] with an HTTP API's (or a function URL's) event, payload format 2.0: the same
/// function reads either, and answers in the format of the event it got.
pub async fn invoke_http_api_raw(
    blog: &Blog,
    endpoint: Endpoint,
    event: ApiGatewayV2httpRequest,
) -> Result<Vec<u8>, Error> {
    invoke_event(blog, endpoint, LambdaRequest::ApiGatewayV2(event)).await
}

/// [`invoke_raw`] with any event `lambda_http` reads: a REST API's, an HTTP API's or a function
/// URL's.
pub async fn invoke_event(
    blog: &Blog,
    endpoint: Endpoint,
    event: LambdaRequest,
) -> Result<Vec<u8>, Error> {
    invoke_service_with(function(blog.clone(), endpoint), event).await
}

/// Any `lambda_http` handler, with any event `lambda_http` reads, as the runtime invokes it.
pub async fn invoke_service_with<S>(service: S, event: LambdaRequest) -> Result<Vec<u8>, Error>
where
    S: Service<Request, Response = Response<Body>, Error = Error>,
    S::Future: Send,
{
    let mut adapter = Adapter::from(service);
    let event = LambdaEvent::new(event, Context::default());
    // `lambda_http` panics while it reads an event marked `isBase64Encoded` whose body is not
    // base64 (API Gateway never sends one). The Lambda runtime catches a panic and reports the
    // invocation as failed (API Gateway then answers 502); so does this.
    let call = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| adapter.call(event)))
        .map_err(|_| "the function panicked while reading its event")?;
    let response = call.await?;
    Ok(serde_json::to_vec(&response)?)
}

/// [`invoke_raw`], with the answer read back as the proxy response API Gateway receives.
pub async fn invoke(
    blog: &Blog,
    endpoint: Endpoint,
    event: ApiGatewayProxyRequest,
) -> Result<ApiGatewayProxyResponse, Error> {
    let payload = invoke_raw(blog, endpoint, event).await?;
    Ok(serde_json::from_slice(&payload)?)
}
// ANCHOR_END: invoke
