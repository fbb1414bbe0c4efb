//! A page of the feed, bounded in posts by `limit` and in bytes by [`MAX_PAGE_BYTES`].

use serde::Serialize;

use super::MAX_PAGE_BYTES;
use crate::store::{Cursor, Page};

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
pub(super) fn list_body(page: Page) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Cursor, Page};

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
