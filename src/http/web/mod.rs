//! The pages for people who are not GraphQL users, served by the service itself so that a ward needs
//! nothing beyond it: the officials' coverage board at `/`, and the group leader's phone page at
//! `/to-dan-pho`, which a service worker keeps working without network.
//!
//! Both are plain HTML, CSS and JavaScript modules from `assets/web/` (see `assets`), read only
//! through the GraphQL API and the exports like any other client. They run no inline script or style,
//! so their content policy allows this origin only; nothing they load comes from anywhere else.

mod assets;

use crate::http::fingerprinted;
use std::sync::LazyLock;

use axum::{
    Router,
    extract::Path,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};

use self::assets::{ASSETS, ASSETS_PATH, BOARD, FINGERPRINT, LEADER, MANIFEST, SERVICE_WORKER, Template};

/// The leader's page.
pub const LEADER_PATH: &str = "/to-dan-pho";

/// The leader page's manifest, at a path that does not change so an installed app keeps finding it.
pub const MANIFEST_PATH: &str = "/to-dan-pho/manifest.webmanifest";

/// The service worker, at a path that does not change: a browser updates a worker by fetching the
/// same URL again, so a fingerprinted one would never be replaced.
const SERVICE_WORKER_PATH: &str = "/to-dan-pho/sw.js";

/// The content policy of the pages and their files: this origin only (for `connect-src`, `'self'`
/// also covers `ws:`/`wss:` of the same host, for live coverage), no inline script or style, no
/// plugin, no form posted anywhere (forms are sent by script), and no framing.
pub static CONTENT_SECURITY_POLICY: LazyLock<HeaderValue> = LazyLock::new(|| {
    HeaderValue::from_static(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; \
         connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'",
    )
});

/// Pages, the worker and the manifest are checked with the server on every use (a 304 when the
/// browser's copy is current), so a new build is picked up on the next load.
const REVALIDATE: &str = "no-cache";

/// The routes of the pages and their files.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(|headers: HeaderMap| async move { template(&BOARD, &headers) }))
        .route(LEADER_PATH, get(|headers: HeaderMap| async move { template(&LEADER, &headers) }))
        // The worker's scope is `/to-dan-pho` without the slash, so this address is inside it too; a
        // bookmark with the slash still lands on the one page.
        .route(&format!("{LEADER_PATH}/"), get(|| async { Redirect::permanent(LEADER_PATH) }))
        .route(SERVICE_WORKER_PATH, get(service_worker))
        .route(MANIFEST_PATH, get(|headers: HeaderMap| async move { template(&MANIFEST, &headers) }))
        .route(&format!("{ASSETS_PATH}/{{fingerprint}}/{{name}}"), get(asset))
}

/// A page, the worker or the manifest: 304 when the browser names the current entity tag.
fn template(template: &'static Template, request: &HeaderMap) -> Response {
    let etag = HeaderValue::from_str(&template.etag).expect("a hex tag is a header value");
    let current = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == template.etag || tag.trim() == "*"));
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(template.content_type)),
        (header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE)),
        (header::ETAG, etag),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY.clone()),
    ];
    if current {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, template.body.as_str()).into_response()
}

/// `GET /to-dan-pho/sw.js`: the worker, allowed to control `/to-dan-pho` itself (a worker's default
/// scope is its folder, `/to-dan-pho/`, which the page's own address is not in).
async fn service_worker(headers: HeaderMap) -> Response {
    let mut response = template(&SERVICE_WORKER, &headers);
    response.headers_mut().insert("service-worker-allowed", HeaderValue::from_static(LEADER_PATH));
    response
}

/// `GET /web/{fingerprint}/{name}`: one of the files; 404 for any other name, or for the fingerprint
/// of another build (a page kept from before an upgrade asks for files that are gone).
async fn asset(Path((fingerprint, name)): Path<(String, String)>) -> Response {
    let found = ASSETS.iter().find(|asset| asset.name == name).filter(|_| fingerprint == *FINGERPRINT);
    fingerprinted::file(
        found.map(|asset| (asset.content_type, asset.bytes.as_slice())),
        &CONTENT_SECURITY_POLICY,
    )
}
