//! Errors at the HTTP edge, as RFC 9457 problem+json.
//!
//! Policy: every error a client can cause becomes a 4xx whose `title`/`detail` say what is
//! wrong in English and whose `title_bn`/`detail_bn` say it in Bengali; `errors[]` names
//! the offending fields. Faults of our own become a 500 that says nothing about the
//! inside; the details go to the log (without personal data), never to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use seba_app::AppError;
use seba_core::Bilingual;
use seba_core::bilingual::Explain;
use seba_store::StoreError;

/// An RFC 9457 problem, with Bengali alongside English.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (relative to the server).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub title_bn: String,
    pub status: u16,
    pub detail: String,
    pub detail_bn: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub detail: String,
    pub detail_bn: String,
}

/// An error ready to become a response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub slug: &'static str,
    pub title: Bilingual,
    pub detail: Bilingual,
    pub errors: Vec<FieldError>,
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        slug: &'static str,
        title: Bilingual,
        detail: Bilingual,
    ) -> Self {
        ApiError {
            status,
            slug,
            title,
            detail,
            errors: vec![],
            headers: vec![],
        }
    }

    pub fn bad_request(detail: Bilingual) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            Bilingual::new("অনুরোধটি সঠিক নয়", "Bad request"),
            detail,
        )
    }

    pub fn invalid(field: &str, detail: Bilingual) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            Bilingual::new("তথ্য সঠিক নয়", "Invalid input"),
            detail.clone(),
        );
        e.errors.push(FieldError {
            field: field.into(),
            detail: detail.en,
            detail_bn: detail.bn,
        });
        e
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            Bilingual::new("পাওয়া যায়নি", "Not found"),
            Bilingual::new(
                "যা খুঁজছেন তা পাওয়া যায়নি",
                "The resource you asked for does not exist",
            ),
        )
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            Bilingual::new("লগইন প্রয়োজন", "Authentication required"),
            Bilingual::new(
                "এই কাজের জন্য লগইন করুন বা টোকেন দিন",
                "Log in or send a bearer token",
            ),
        )
        .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Bilingual::new("অনুমতি নেই", "Forbidden"),
            Bilingual::new(
                "আপনার ভূমিকায় এই কাজের অনুমতি নেই",
                "Your role does not allow this",
            ),
        )
    }

    pub fn too_many() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            Bilingual::new("অনেক বেশি অনুরোধ", "Too many requests"),
            Bilingual::new(
                "একটু পরে আবার চেষ্টা করুন",
                "Please slow down and try again shortly",
            ),
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from_static("60"))
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Bilingual::new("সার্ভারে সমস্যা", "Internal error"),
            Bilingual::new(
                "আমাদের দিকে একটি সমস্যা হয়েছে; একটু পরে আবার চেষ্টা করুন",
                "Something went wrong on our side; please try again shortly",
            ),
        )
    }

    pub fn with_header(mut self, name: header::HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("/problems/{}", self.slug),
            title: self.title.en.clone(),
            title_bn: self.title.bn.clone(),
            status: self.status.as_u16(),
            detail: self.detail.en.clone(),
            detail_bn: self.detail.bn.clone(),
            errors: self.errors.clone(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        for (k, v) in self.headers {
            res.headers_mut().insert(k, v);
        }
        res
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let text = e.explain();
        let t = |bn: &str, en: &str| Bilingual::new(bn, en);
        match &e {
            AppError::Input(i) => ApiError::invalid(i.field(), text),
            AppError::CaseNumber(_) => ApiError::invalid("number", text),
            AppError::UnknownCategory(_) => ApiError::invalid("category", text),
            AppError::UnknownQueue(_) => ApiError::invalid("queue", text),
            AppError::UnknownUser(_) => ApiError::invalid("assignee", text),
            AppError::UnknownAttachment(_) => ApiError::invalid("attachments", text),
            AppError::WeakPassword(_) => ApiError::invalid("password", text),
            AppError::Transition(_) | AppError::Merged(_) => ApiError::new(
                StatusCode::CONFLICT,
                "invalid-transition",
                t("এই পরিবর্তন করা যায় না", "Change not allowed"),
                text,
            ),
            AppError::CaseNotFound | AppError::Store(StoreError::NotFound) => ApiError {
                detail: text,
                ..ApiError::not_found()
            },
            AppError::Stale { current } => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "stale",
                t("কেসটি বদলে গেছে", "The case has changed"),
                text,
            )
            .with_header(header::ETAG, etag(*current)),
            AppError::Forbidden(_) => ApiError {
                detail: text,
                ..ApiError::forbidden()
            },
            AppError::BadCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad-credentials",
                t("লগইন ব্যর্থ", "Login failed"),
                text,
            ),
            AppError::Locked => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "locked",
                t("অ্যাকাউন্ট বন্ধ", "Account locked"),
                text,
            )
            .with_header(header::RETRY_AFTER, HeaderValue::from_static("900")),
            AppError::BadCode => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad-code",
                t("কোড ভুল", "Wrong code"),
                text,
            ),
            AppError::TooMany => ApiError {
                detail: text,
                ..ApiError::too_many()
            },
            AppError::Attachment(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "attachment",
                t("সংযুক্তি গ্রহণযোগ্য নয়", "Attachment not accepted"),
                text,
            ),
            AppError::Exists(_) => ApiError::new(
                StatusCode::CONFLICT,
                "exists",
                t("আগে থেকেই আছে", "Already exists"),
                text,
            ),
            AppError::IdempotencyRace => ApiError::new(
                StatusCode::CONFLICT,
                "idempotency-in-flight",
                t("একই অনুরোধ চলছে", "Same request in flight"),
                text,
            ),
            AppError::Store(StoreError::Conflict { .. }) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                t("একসাথে পরিবর্তন", "Concurrent change"),
                text,
            ),
            AppError::Config(_) | AppError::Store(_) => {
                tracing::error!(error = %e, "internal error");
                ApiError::internal()
            }
        }
    }
}

/// The ETag of a case version.
pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

impl From<seba_core::case::InputError> for ApiError {
    fn from(e: seba_core::case::InputError) -> Self {
        ApiError::from(AppError::Input(e))
    }
}
