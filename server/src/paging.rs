//! Paged listings (`ListRoles`, `ListUsers`), as Google's AIP-158 has them:
//! `page_size` (0 for the default), an opaque `page_token` that continues
//! after the last item of the previous page, and an empty `next_page_token`
//! on the last page. A token is the base64url of the last item's sort key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::Error;

/// The page size when none is asked for.
pub const DEFAULT_PAGE_SIZE: i32 = 100;
/// The largest page.
pub const MAX_PAGE_SIZE: i32 = 1_000;

/// A validated page request: how many items, after which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// At most this many items.
    pub limit: usize,
    /// Items whose key sorts after this one ("" for the first page).
    pub after: String,
}

impl PageRequest {
    /// Reads `page_size` and `page_token`; `valid_key` says whether a key
    /// decoded from a token could have been made by this listing.
    pub fn new(
        page_size: i32,
        page_token: &str,
        valid_key: impl Fn(&str) -> bool,
    ) -> Result<Self, Error> {
        let limit = match page_size {
            0 => DEFAULT_PAGE_SIZE,
            n @ 1..=MAX_PAGE_SIZE => n,
            _ => {
                return Err(Error::invalid(
                    "page_size",
                    format!("0 (meaning {DEFAULT_PAGE_SIZE}) or 1 to {MAX_PAGE_SIZE}"),
                ))
            }
        } as usize;
        let after = match page_token {
            "" => String::new(),
            token => (URL_SAFE_NO_PAD.decode(token).ok())
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .filter(|key| valid_key(key))
                .ok_or_else(|| {
                    Error::invalid("page_token", "not a next_page_token of this listing")
                })?,
        };
        Ok(Self { limit, after })
    }

    /// How many items to read from the store: one more than the page, to
    /// know whether another page follows.
    pub fn fetch(&self) -> usize {
        self.limit + 1
    }

    /// The page out of what [`fetch`](Self::fetch) read, and its
    /// `next_page_token` (empty on the last page).
    pub fn page<T>(&self, mut items: Vec<T>, key: impl Fn(&T) -> &str) -> (Vec<T>, String) {
        if items.len() <= self.limit {
            return (items, String::new());
        }
        items.truncate(self.limit);
        let token = items.last().map(|last| URL_SAFE_NO_PAD.encode(key(last)));
        (items, token.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_tokens_and_the_last_page() {
        let any = |_: &str| true;
        assert_eq!(PageRequest::new(0, "", any).unwrap().limit, 100);
        assert_eq!(PageRequest::new(1000, "", any).unwrap().limit, 1000);
        for bad in [-1, 1001, i32::MIN] {
            assert!(PageRequest::new(bad, "", any).is_err(), "{bad}");
        }
        let request = PageRequest::new(2, "", any).unwrap();
        let (page, next) = request.page(vec!["a", "b", "c"], |s| s);
        assert_eq!(page, ["a", "b"]);
        let again = PageRequest::new(2, &next, any).unwrap();
        assert_eq!(again.after, "b");
        assert_eq!(again.fetch(), 3);
        let (page, next) = again.page(vec!["c"], |s| s);
        assert_eq!((page, next.as_str()), (vec!["c"], ""));
        for token in ["%%%", "_w", "QmFkIE5hbWU"] {
            let only_lower = |k: &str| k.bytes().all(|b| b.is_ascii_lowercase());
            assert!(PageRequest::new(2, token, only_lower).is_err(), "{token}");
        }
    }
}
