//! The four operations, each a `try_` twin that uses `?` and one answer made from its result.

use http::header::LOCATION;
use http::{HeaderValue, StatusCode};

use super::error_body::respond;
use super::limits::check_body_size;
use super::page::list_body;
use super::{ApiRequest, ApiResponse, Blog, DEFAULT_LIMIT, MAX_LIMIT};
use crate::post::{NewPost, is_valid_id};
use crate::store::Cursor;
use crate::{BlogError, BlogPath};

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
