//! Routing by method: what the container does in code, and API Gateway in its configuration.

use http::Method;

use super::{ApiRequest, ApiResponse, Blog, COLLECTION_METHODS, ITEM_METHODS, preflight};
use crate::BlogError;

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
// ANCHOR_END: handle
