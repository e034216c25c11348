//! The files of the two pages, compiled into the binary: the pages themselves, the service worker and
//! the manifest (templates, filled in once with the fingerprinted path of the other files), and the
//! style sheet, scripts and icons under `/web/<fingerprint>/`.
//!
//! Everything here is written in `assets/web/` by hand (no build step); the one generated file is
//! `operations.js`, the registered documents the pages send, made from the same texts the server
//! registers, so the leader's page cannot drift from `schema/operations/`.

use std::{fmt::Write, sync::LazyLock};

use crate::{graphql::persisted::PersistedOperations, http::fingerprinted};

/// Where the fingerprinted files are served; the fingerprint follows.
pub const ASSETS_PATH: &str = "/web";

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const SVG: &str = "image/svg+xml";
const PNG: &str = "image/png";

/// One file a page loads.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The bytes of `assets/web/$name`.
macro_rules! file {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/web/", $name))
    };
}

/// The text of `assets/web/$name`.
macro_rules! text {
    ($name:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/web/", $name))
    };
}

/// The files under the fingerprinted path, by name.
pub static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    let fixed: [(&'static str, &'static str, &'static [u8]); 17] = [
        ("app.css", CSS, file!("app.css")),
        ("api.js", JAVASCRIPT, file!("api.js")),
        ("board.js", JAVASCRIPT, file!("board.js")),
        ("chart.js", JAVASCRIPT, file!("chart.js")),
        ("dom.js", JAVASCRIPT, file!("dom.js")),
        ("download.js", JAVASCRIPT, file!("download.js")),
        ("errors.js", JAVASCRIPT, file!("errors.js")),
        ("leader.js", JAVASCRIPT, file!("leader.js")),
        ("live.js", JAVASCRIPT, file!("live.js")),
        ("queue.js", JAVASCRIPT, file!("queue.js")),
        ("signin.js", JAVASCRIPT, file!("signin.js")),
        ("store.js", JAVASCRIPT, file!("store.js")),
        ("text.js", JAVASCRIPT, file!("text.js")),
        ("year.js", JAVASCRIPT, file!("year.js")),
        ("icon.svg", SVG, file!("icon.svg")),
        ("icon-192.png", PNG, file!("icon-192.png")),
        ("icon-512.png", PNG, file!("icon-512.png")),
    ];
    let mut assets: Vec<Asset> = fixed
        .into_iter()
        .map(|(name, content_type, bytes)| Asset { name, content_type, bytes: bytes.to_vec() })
        .collect();
    assets.push(Asset {
        name: "operations.js",
        content_type: JAVASCRIPT,
        bytes: operations_module().into_bytes(),
    });
    assets
});

/// `operations.js`: every built-in registered document as `{ id, document }` by name. The leader's page
/// sends the id (and the document only if a server does not know the id), so what it sends is always
/// byte for byte a registered document, as servers holding leaders to registered operations require.
fn operations_module() -> String {
    let mut module = String::from(
        "// Made by the server from the documents it registers (schema/operations/): do not edit.\n\
         export const operations = {\n",
    );
    for operation in PersistedOperations::built_in().iter() {
        let name = serde_json::to_string(&operation.name).expect("a string serialises");
        let id = serde_json::to_string(&operation.id).expect("a string serialises");
        let document = serde_json::to_string(&*operation.document).expect("a string serialises");
        let _ = writeln!(module, "  {name}: {{ id: {id}, document: {document} }},");
    }
    module.push_str("};\n");
    module
}

/// The fingerprint of every file under the path: any change to one changes the path of all.
pub static FINGERPRINT: LazyLock<String> = LazyLock::new(|| {
    let parts: Vec<&[u8]> =
        ASSETS.iter().flat_map(|asset| [asset.name.as_bytes(), asset.bytes.as_slice()]).collect();
    fingerprinted::short_hash(&parts)
});

/// A file served at a path that does not change (a page, the service worker, the manifest), so it
/// is revalidated on each use: its entity tag says whether the copy a browser holds is current.
pub struct Template {
    pub content_type: &'static str,
    pub body: String,
    pub etag: String,
}

impl Template {
    fn fill(content_type: &'static str, template: &str) -> Self {
        let body = template
            .replace("{assets}", &format!("{ASSETS_PATH}/{}", *FINGERPRINT))
            .replace("{precache}", &precache_list())
            .replace("{version}", &FINGERPRINT);
        let etag = format!("\"{}\"", fingerprinted::short_hash(&[body.as_bytes()]));
        Self { content_type, body, etag }
    }
}

/// What the service worker keeps for the leader's page to open without network: the page, its
/// manifest and every fingerprinted file, as a JSON array.
fn precache_list() -> String {
    let mut urls = vec![super::LEADER_PATH.to_owned(), super::MANIFEST_PATH.to_owned()];
    urls.extend(ASSETS.iter().map(|asset| format!("{ASSETS_PATH}/{}/{}", *FINGERPRINT, asset.name)));
    serde_json::to_string(&urls).expect("strings serialise")
}

const HTML: &str = "text/html; charset=utf-8";

/// The officials' board.
pub static BOARD: LazyLock<Template> = LazyLock::new(|| Template::fill(HTML, text!("board.html")));

/// The group leader's page.
pub static LEADER: LazyLock<Template> = LazyLock::new(|| Template::fill(HTML, text!("leader.html")));

/// The leader page's service worker.
pub static SERVICE_WORKER: LazyLock<Template> = LazyLock::new(|| Template::fill(JAVASCRIPT, text!("sw.js")));

/// The leader page's web app manifest.
pub static MANIFEST: LazyLock<Template> =
    LazyLock::new(|| Template::fill("application/manifest+json", text!("manifest.webmanifest")));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operations_module_holds_every_registered_document_as_registered() {
        let module = operations_module();
        for operation in PersistedOperations::built_in().iter() {
            let document = serde_json::to_string(&*operation.document).expect("a string serialises");
            assert!(
                module.contains(&format!("id: \"{}\", document: {document} }}", operation.id)),
                "{}",
                operation.name
            );
        }
    }

    #[test]
    fn every_template_names_files_by_their_fingerprinted_path_only() {
        let base = format!("{ASSETS_PATH}/{}/", *FINGERPRINT);
        for (name, template) in
            [("board", &*BOARD), ("leader", &*LEADER), ("sw", &*SERVICE_WORKER), ("manifest", &*MANIFEST)]
        {
            assert!(!template.body.contains("{assets}") && !template.body.contains("{precache}"), "{name}");
            for (start, _) in template.body.match_indices("/web/") {
                assert!(
                    template.body[start..].starts_with(&base),
                    "{name}: {}",
                    &template.body[start..start + 40]
                );
            }
        }
    }

    #[test]
    fn the_pages_run_no_inline_script_or_style() {
        for page in [&*BOARD, &*LEADER] {
            assert!(!page.body.contains("<style") && !page.body.contains("style="));
            assert_eq!(
                page.body.matches("<script").count(),
                page.body.matches("<script type=\"module\" src=").count()
            );
        }
    }
}
