//! Static assets compiled into the binary and served under content-hashed names
//! (`/static/seba.3f2a9c1b.css`), so browsers may cache them for a year and a new release
//! is fetched at once.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const STYLESHEET: &str = include_str!("../../assets/seba.css");

static STYLESHEET_NAME: LazyLock<String> = LazyLock::new(|| {
    let hash = Sha256::digest(STYLESHEET.as_bytes());
    format!("seba.{}.css", &hex::encode(hash)[..12])
});

/// Where pages link the stylesheet.
pub fn stylesheet_url() -> String {
    format!("/static/{}", *STYLESHEET_NAME)
}

/// `GET /static/{name}`: an asset by its hashed name; any other name is 404.
pub async fn serve(Path(name): Path<String>) -> Response {
    if name != *STYLESHEET_NAME {
        return crate::error::ApiError::not_found().into_response();
    }
    let mut res = (StatusCode::OK, STYLESHEET).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}
