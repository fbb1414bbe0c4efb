//! The API's two resources, `/blog` and `/blog/{id}`, and the one parser that recognises them.
//! The container routes with it (chapter 4) and the local API Gateway matches resources with it
//! (chapter 3), so the two can never disagree about which path is which.

// ANCHOR: blog_path
/// A path below the API's base URL that names one of the blog's resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlogPath {
    /// `/blog`: the feed, and where new posts are created.
    Collection,
    /// `/blog/{id}`: one post. The id is percent-decoded, as API Gateway decodes path
    /// parameters before a function sees them.
    Item(String),
}

impl BlogPath {
    /// The resource templates, as API Gateway's configuration and the OpenAPI description name
    /// them.
    pub const COLLECTION: &str = "/blog";
    pub const ITEM: &str = "/blog/{id}";

    /// Recognises `/blog` and `/blog/{id}`; anything else (`/`, `/blog/`, `/blog/a/b`) is `None`.
    pub fn parse(path: &str) -> Option<Self> {
        let rest = path.strip_prefix(Self::COLLECTION)?;
        match rest.strip_prefix('/') {
            None if rest.is_empty() => Some(Self::Collection),
            Some(id) if !id.is_empty() && !id.contains('/') => Some(Self::Item(
                percent_encoding::percent_decode_str(id)
                    .decode_utf8_lossy()
                    .into_owned(),
            )),
            _ => None,
        }
    }

    /// The resource template this path matches: [`Self::COLLECTION`] or [`Self::ITEM`].
    pub fn resource(&self) -> &'static str {
        match self {
            Self::Collection => Self::COLLECTION,
            Self::Item(_) => Self::ITEM,
        }
    }

    /// The `{id}` of an item path.
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Collection => None,
            Self::Item(id) => Some(id),
        }
    }

    /// The methods this resource answers, as the `Allow` header of a `405` lists them.
    pub fn allow(&self) -> &'static str {
        match self {
            Self::Collection => crate::COLLECTION_METHODS,
            Self::Item(_) => crate::ITEM_METHODS,
        }
    }

    /// Where a post lives: the `Location` of a `201`. Ids are URL-safe by validation, so no
    /// escaping is needed.
    pub fn location(id: &str) -> String {
        format!("{}/{id}", Self::COLLECTION)
    }
}
// ANCHOR_END: blog_path

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_resources_and_nothing_else() {
        assert_eq!(BlogPath::parse("/blog"), Some(BlogPath::Collection));
        assert_eq!(
            BlogPath::parse("/blog/abc"),
            Some(BlogPath::Item("abc".into()))
        );
        assert_eq!(
            BlogPath::parse("/blog/a%2Db"),
            Some(BlogPath::Item("a-b".into()))
        );
        for other in [
            "",
            "/",
            "/blog/",
            "/blog/a/b",
            "/blogs",
            "/blog?x",
            "/Prod/blog",
            "blog",
        ] {
            assert_eq!(BlogPath::parse(other), None, "{other:?}");
        }
    }

    #[test]
    fn location_and_resource_round_trip() {
        let location = BlogPath::location("post-1");
        assert_eq!(location, "/blog/post-1");
        let parsed = BlogPath::parse(&location).unwrap();
        assert_eq!(parsed.id(), Some("post-1"));
        assert_eq!(parsed.resource(), "/blog/{id}");
        assert_eq!(parsed.allow(), "GET, DELETE, OPTIONS");
        assert_eq!(BlogPath::Collection.allow(), "GET, POST, OPTIONS");
    }
}
