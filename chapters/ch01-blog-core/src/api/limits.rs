//! The bounds a request and a page of the feed keep, on both backends.

use super::ApiRequest;
use crate::BlogError;

// ANCHOR: limits
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
// ANCHOR_END: limits

/// A body over [`MAX_BODY_BYTES`] is refused before anything reads it.
pub(super) fn check_body_size(request: &ApiRequest) -> Result<(), BlogError> {
    if request.body.len() > MAX_BODY_BYTES {
        return Err(BlogError::PayloadTooLarge {
            limit: MAX_BODY_BYTES,
        });
    }
    Ok(())
}
