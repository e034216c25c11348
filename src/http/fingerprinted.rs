//! Files served under a path holding a fingerprint of their content (GraphiQL's and the pages'): the
//! fingerprint changes whenever a file does, so each file may be cached for a year, and a page kept
//! from an older build asks for a path that answers 404 instead of a mix of old and new files.

use std::fmt::Write;

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

/// Cache forever: the path changes with the content.
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

/// The first 16 hex digits of the SHA-256 of `parts`, each prefixed with its length so that moving
/// bytes from one part to the next changes the result.
pub fn short_hash(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize()[..8].iter().fold(String::with_capacity(16), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// The answer to a request for a fingerprinted file: the file, cached forever under `policy`, when it
/// was `found` under the current fingerprint; else 404.
pub fn file(found: Option<(&'static str, &'static [u8])>, policy: &HeaderValue) -> Response {
    let Some((content_type, bytes)) = found else { return StatusCode::NOT_FOUND.into_response() };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CACHE_CONTROL, HeaderValue::from_static(CACHE_FOREVER)),
        (header::CONTENT_SECURITY_POLICY, policy.clone()),
    ];
    (headers, bytes).into_response()
}
