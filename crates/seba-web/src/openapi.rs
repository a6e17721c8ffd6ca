//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;

#[derive(OpenApi)]
#[openapi(
    info(title = "seba API", description = "Bengali-first customer care and complaint resolution. Errors are RFC 9457 problem+json with Bengali (`*_bn`) and English text.", version = "1"),
    paths(
        api::cases::create, api::cases::list, api::cases::get, api::cases::patch, api::cases::add_message,
        api::cases::transition, api::cases::assign, api::cases::merge, api::cases::audit, api::cases::deliveries,
        api::public::complain, api::public::track, api::public::verify, api::public::show, api::public::reply,
        api::auth::login, api::auth::logout, api::auth::whoami,
        api::admin::users, api::admin::add_user, api::admin::create_token, api::admin::sla_policies,
        api::admin::put_sla_policy, api::admin::holidays, api::admin::put_holidays, api::admin::put_queue,
        api::admin::put_category, api::admin::taxonomy, api::admin::verify_audit, api::admin::sms,
        api::admin::upload_staff, api::admin::upload_public, api::admin::download, api::search::search,
        api::points::list, api::points::get, api::points::create, api::points::put,
        api::points::close, api::points::reopen,
        api::nearest::nearest,
        api::wallet::start, api::wallet::identity, api::wallet::resend, api::wallet::confirm,
        api::wallet::verify, api::wallet::overview, api::wallet::unlock,
        api::ussd::step,
        api::claims::file, api::claims::list, api::claims::get, api::claims::stage,
        api::claims::refund, api::claims::import, api::claims::merchants,
        api::claims::add_merchant, api::claims::merchant_summary,
        api::claims_report::report_csv, api::claims_report::report_xlsx,
        api::merchant_portal::list, api::merchant_portal::get, api::merchant_portal::answer,
        api::merchant_portal::refund,
    ),
    modifiers(&Security),
    tags(
        (name = "cases", description = "The case pipeline (staff)"),
        (name = "customer", description = "Customers: file, track, reply"),
        (name = "auth", description = "Staff sessions"),
        (name = "admin", description = "Administration"),
        (name = "audit", description = "The hash-chained audit trail"),
        (name = "search", description = "Bengali-first search over cases"),
        (name = "points", description = "Service points: care centres, agent points, desks"),
        (name = "locator", description = "The nearest service points, for customers (no login)"),
        (name = "wallet", description = "Wallet PINs: the self reset (no login), verification for trusted channels, lock state for staff"),
        (name = "claims", description = "The e-commerce complaint cell: victims' claims against merchants, the workflow to a refund, the merchant registry"),
        (name = "merchant portal", description = "A merchant's staff: their own merchant's claims only, the claimant's number masked; answer and record refunds"),
        (name = "ussd", description = "The USSD channel: where a telco's gateway posts each step of a *247# session (configured gateways only)"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "view_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A customer's view pass from /api/v1/public/track/verify",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document (paths, schemas, security schemes).
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Routes served but deliberately not in the document (pages and operations endpoints).
pub const UNDOCUMENTED: &[&str] = &[
    "/",
    "/lang/{code}",
    "/complaints/new",
    "/complaints",
    "/complaints/filed",
    "/track",
    "/track/verify",
    "/track/case",
    "/track/reply",
    "/track/rate",
    "/static/{name}",
    "/agent/login",
    "/agent/logout",
    "/api",
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/openapi.json",
];
