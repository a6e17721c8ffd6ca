//! Static assets compiled into the binary and served under content-hashed names
//! (`/static/seba.3f2a9c1b.css`), so browsers may cache them for a year and a new release
//! is fetched at once.
//!
//! The customer pages load only the stylesheet, but for the centre finder, which adds a
//! "use my location" button; the staff desk adds one small script (keyboard shortcuts and
//! the live "someone else is here" notice). Every page works without its script.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    stem: &'static str,
    ext: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset {
        stem: "seba",
        ext: "css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../assets/seba.css"),
    },
    Asset {
        stem: "desk",
        ext: "css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../assets/desk.css"),
    },
    Asset {
        stem: "desk",
        ext: "js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/desk.js"),
    },
    Asset {
        stem: "locate",
        ext: "js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/locate.js"),
    },
];

/// Each asset's hashed name, in the order of [`ASSETS`].
static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let hash = Sha256::digest(a.body.as_bytes());
            format!("{}.{}.{}", a.stem, &hex::encode(hash)[..12], a.ext)
        })
        .collect()
});

fn url_of(stem: &str, ext: &str) -> String {
    let i = ASSETS
        .iter()
        .position(|a| a.stem == stem && a.ext == ext)
        .unwrap_or(0);
    format!("/static/{}", NAMES[i])
}

/// Where pages link the stylesheet.
pub fn stylesheet_url() -> String {
    url_of("seba", "css")
}

/// The staff desk's extra stylesheet (inboxes, case pages, charts).
pub fn desk_stylesheet_url() -> String {
    url_of("desk", "css")
}

/// The staff desk's script.
pub fn desk_script_url() -> String {
    url_of("desk", "js")
}

/// The finder's "use my location" button (the only script on a customer page).
pub fn locate_script_url() -> String {
    url_of("locate", "js")
}

/// `GET /static/{name}`: an asset by its hashed name; any other name is 404.
pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(i) = NAMES.iter().position(|n| *n == name) else {
        return crate::error::ApiError::not_found().into_response();
    };
    let asset = &ASSETS[i];
    let mut res = (StatusCode::OK, asset.body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}
