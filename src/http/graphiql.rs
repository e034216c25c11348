//! The GraphiQL page (development only) and every file it loads, embedded in the binary, so it works
//! on a machine with no internet.
//!
//! `assets/graphiql/vendor/` holds GraphiQL, React and ReactDOM copied byte for byte from the npm
//! packages pinned in `assets/graphiql/package-lock.json` (`assets/graphiql/sync` refreshes and checks
//! them); the page, its style and the script that starts GraphiQL are ours. The files are served under
//! `/graphiql/<fingerprint>/`, where the fingerprint changes with their content, so they can be cached
//! for a year. The page runs no inline script or style, so its content policy allows this origin only
//! (and, by its hash, the one style GraphiQL's dialogs add).

use std::sync::LazyLock;

use super::fingerprinted;
use axum::{
    extract::Path,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use sha2::{Digest, Sha256};

/// The content policy of the page and its files: everything from this origin (for `connect-src`,
/// `'self'` also covers `ws:`/`wss:` of the same host, for subscriptions), fonts and icons that the
/// style sheet embeds as `data:` URLs, no inline script, and one inline style, by its hash.
pub static CONTENT_SECURITY_POLICY: LazyLock<HeaderValue> = LazyLock::new(|| {
    let scroll_lock = BASE64.encode(Sha256::digest(SCROLL_LOCK_STYLE));
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-{scroll_lock}'; \
         img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy).expect("the policy is ASCII")
});

/// The `<style>` GraphiQL's dialogs and menus add while open (their scroll lock, from Radix's
/// react-remove-scroll), on this page: the gaps it measures are 0 because the page never scrolls.
/// Where a browser measures otherwise (pinch zoom), the policy blocks it and nothing changes.
const SCROLL_LOCK_STYLE: &str = "\n  .with-scroll-bars-hidden {\n   overflow: hidden !important;\n   \
    padding-right: 0px !important;\n  }\n  body[data-scroll-locked] {\n    overflow: hidden !important;\n    \
    overscroll-behavior: contain;\n    position: relative !important;\n    padding-left: 0px;\n    \
    padding-top: 0px;\n    padding-right: 0px;\n    margin-left:0;\n    margin-top:0;\n    \
    margin-right: 0px !important;\n    \n  }\n  \n  .right-scroll-bar-position {\n    \
    right: 0px !important;\n  }\n  \n  .width-before-scroll-bar {\n    margin-right: 0px !important;\n  }\n  \n  \
    .right-scroll-bar-position .right-scroll-bar-position {\n    right: 0 !important;\n  }\n  \n  \
    .width-before-scroll-bar .width-before-scroll-bar {\n    margin-right: 0 !important;\n  }\n  \n  \
    body[data-scroll-locked] {\n    --removed-body-scroll-bar-size: 0px;\n  }\n";

/// The path under which the files are served; the fingerprint follows it.
pub const ASSETS_PATH: &str = "/graphiql";

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// A file the page loads.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// The file `$name` of `assets/graphiql/$dir`.
macro_rules! asset {
    ($dir:literal, $name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/graphiql/", $dir, $name)),
        }
    };
}

const ASSETS: [Asset; 6] = [
    asset!("vendor/", "react.production.min.js", JAVASCRIPT),
    asset!("vendor/", "react-dom.production.min.js", JAVASCRIPT),
    asset!("vendor/", "graphiql.min.js", JAVASCRIPT),
    asset!("vendor/", "graphiql.min.css", CSS),
    asset!("", "init.js", JAVASCRIPT),
    asset!("", "page.css", CSS),
];

/// The first 16 hex digits of the SHA-256 of every file, computed once.
static FINGERPRINT: LazyLock<String> = LazyLock::new(|| {
    let parts: Vec<&[u8]> = ASSETS.iter().flat_map(|asset| [asset.name.as_bytes(), asset.bytes]).collect();
    fingerprinted::short_hash(&parts)
});

/// The page, with the files' fingerprinted path filled in.
static PAGE: LazyLock<String> = LazyLock::new(|| {
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/graphiql/index.html"))
        .replace("{assets}", &format!("{ASSETS_PATH}/{}", *FINGERPRINT))
});

/// The GraphiQL page, with its content policy.
pub fn page() -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY.clone()),
    ];
    (headers, PAGE.as_str()).into_response()
}

/// `GET /graphiql/{fingerprint}/{name}`: one of the page's files; 404 for any other name, or for the
/// fingerprint of another build (a page kept from before a restart with other files).
pub async fn asset(Path((fingerprint, name)): Path<(String, String)>) -> Response {
    let found = ASSETS.iter().find(|asset| asset.name == name).filter(|_| fingerprint == *FINGERPRINT);
    fingerprinted::file(found.map(|asset| (asset.content_type, asset.bytes)), &CONTENT_SECURITY_POLICY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_the_scroll_lock_style_that_graphiql_adds_by_its_hash() {
        // The hash Chromium names when it blocks the style GraphiQL's settings dialog adds.
        let policy = CONTENT_SECURITY_POLICY.to_str().expect("ASCII");
        assert!(policy.contains("style-src 'self' 'sha256-nzTgYzXYDNe6BAHiiI7NNlfK8n/auuOAhh2t92YvuXo='; "));
    }

    #[test]
    fn the_page_names_every_file_by_its_fingerprinted_path_and_nothing_else() {
        let base = format!("{ASSETS_PATH}/{}/", *FINGERPRINT);
        for asset in &ASSETS {
            assert!(PAGE.contains(&format!("\"{base}{}\"", asset.name)), "{} is not loaded", asset.name);
        }
        assert_eq!(PAGE.matches(&base).count(), ASSETS.len());
        assert!(!PAGE.contains("{assets}") && !PAGE.contains("<style") && !PAGE.contains("style="));
        assert_eq!(PAGE.matches("<script").count(), PAGE.matches("<script src=").count(), "an inline script");
    }
}
