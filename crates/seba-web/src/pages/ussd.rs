//! The USSD simulator on the staff desk: a phone drawn in HTML that dials `*247#` and
//! answers the menus, for trying them out, training and showing them, without a handset
//! or a gateway.
//!
//! Each step is a real Africa's Talking request body (form-encoded `sessionId`,
//! `serviceCode`, `phoneNumber`, `networkCode`, `text` with every input joined by `*`)
//! passed through [`api::ussd::run`] — the adapter, the engine, the application and the
//! store the gateway's `POST /ussd/at` goes through — so what the page shows is what a
//! caller would see, and what it does is real: a complaint becomes a case, a PIN reset
//! works on the wallet, the session is counted on the dashboard. The page needs no script:
//! hidden fields carry the session id and the inputs so far, and every post draws the
//! page again with the answer.
//!
//! It asks for [`Permission::WorkCases`] (agents, supervisors, admins): a step changes
//! things, which auditors never do. Simulated session ids all start with
//! [`SESSION_PREFIX`], and a posted id without it is refused, so the page cannot be used
//! to step into a real caller's session. Who ran which session goes to the log (never the
//! inputs, which may be an NID or a PIN).
//!
//! The dashboard's labels for the menus and screens ([`menu_label`], [`step_label`]) live
//! here too.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use maud::{Markup, html};

use seba_core::bilingual::Explain;
use seba_core::contact::Msisdn;
use seba_core::staff::Permission;
use seba_ussd::gateway::AfricasTalking;
use seba_ussd::menu::Node;
use seba_ussd::{Gateway, Reply};

use super::staff::{Desk, desk_page};
use super::{Lang, errors_box, t, t_args, with_status};
use crate::api;
use crate::state::AppState;

/// The page's path.
pub const PATH: &str = "/agent/ussd";
/// The caller's number the page starts with: a demo wallet (README "Demo wallets").
pub const DEFAULT_NUMBER: &str = "01700000001";
/// What the simulated phone dials.
pub const SERVICE_CODE: &str = "*247#";
/// The network the simulated requests say they come from (Grameenphone's MCC/MNC).
const NETWORK_CODE: &str = "47001";
/// Every simulated session id starts with this.
pub const SESSION_PREFIX: &str = "seba-sim-";
/// The longest answer a handset sends in one step.
pub const INPUT_MAX: usize = 182;

/// The simulator's routes.
pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(show).post(step))
}

type Page = Result<Response, Response>;

/// A form's fields as posted, every pair kept.
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// What the phone shows.
struct Phone {
    /// The caller's number as the page shows it.
    number: String,
    /// The session, once dialled: its id and every input so far, joined by `*`.
    session: Option<(String, String)>,
    /// The last screen, and the gateway's body that carried it.
    reply: Option<(Reply, String)>,
}

/// `GET /agent/ussd`: the phone, not yet dialled.
pub async fn show(desk: Desk) -> Page {
    desk.require(Permission::WorkCases)?;
    let phone = Phone {
        number: DEFAULT_NUMBER.to_string(),
        session: None,
        reply: None,
    };
    Ok(page(&desk, &phone, &[], StatusCode::OK))
}

/// `POST /agent/ussd`: dial (a new session: `action=dial`) or send an answer in the
/// session of the hidden fields; the page again with the network's answer.
pub async fn step(State(state): State<AppState>, desk: Desk, Form(fields): Form<Fields>) -> Page {
    desk.require(Permission::WorkCases)?;
    desk.check(field(&fields, "csrf"))?;
    let lang = desk.lang;
    let typed: String = field(&fields, "msisdn").trim().chars().take(40).collect();
    let msisdn = match Msisdn::parse(&typed) {
        Ok(m) => m,
        Err(e) => {
            let b = e.explain();
            let phone = Phone {
                number: typed,
                session: None,
                reply: None,
            };
            let errors = [lang.pick(&b.bn, &b.en).to_string()];
            return Ok(page(
                &desk,
                &phone,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let number = msisdn.national();
    if !state
        .ussd_simulator_numbers
        .iter()
        .any(|n| n == msisdn.as_e164())
    {
        let phone = Phone {
            number,
            session: None,
            reply: None,
        };
        let errors = [t(lang, "ussd-sim-not-a-test-number")];
        return Ok(page(
            &desk,
            &phone,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let posted_session = field(&fields, "session");
    if field(&fields, "action") == "dial" || posted_session.is_empty() {
        let session = format!("{SESSION_PREFIX}{}", state.app.random.token(16));
        tracing::info!(user = %desk.user.username, session = %session, "ussd simulator dialled");
        let reply = request(&state, &session, &msisdn, "").await;
        let phone = Phone {
            number,
            session: Some((session, String::new())),
            reply: Some(reply),
        };
        return Ok(page(&desk, &phone, &[], StatusCode::OK));
    }
    if !simulated(posted_session) {
        let phone = Phone {
            number,
            session: None,
            reply: None,
        };
        let errors = [t(lang, "ussd-sim-bad-session")];
        return Ok(page(
            &desk,
            &phone,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let so_far = field(&fields, "text");
    let input = field(&fields, "input").trim();
    let session = posted_session.to_string();
    if input.chars().count() > INPUT_MAX {
        // The same inputs again: the session answers with the screen it showed last.
        let reply = request(&state, &session, &msisdn, so_far).await;
        let phone = Phone {
            number,
            session: Some((session, so_far.to_string())),
            reply: Some(reply),
        };
        let errors = [t_args(
            lang,
            "ussd-sim-input-long",
            &[("max", lang.count(INPUT_MAX as i64))],
        )];
        return Ok(page(
            &desk,
            &phone,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let joined = if so_far.is_empty() {
        input.to_string()
    } else {
        format!("{so_far}*{input}")
    };
    let reply = request(&state, &session, &msisdn, &joined).await;
    if reply.0.end {
        tracing::info!(user = %desk.user.username, session = %session, "ussd simulator session ended");
    }
    let phone = Phone {
        number,
        session: Some((session, joined)),
        reply: Some(reply),
    };
    Ok(page(&desk, &phone, &[], StatusCode::OK))
}

/// Whether a posted session id is one this page made.
fn simulated(id: &str) -> bool {
    id.len() <= 64
        && id.strip_prefix(SESSION_PREFIX).is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The Africa's Talking body for one step.
pub fn gateway_body(session: &str, msisdn: &Msisdn, text: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("sessionId", session)
        .append_pair("serviceCode", SERVICE_CODE)
        .append_pair("phoneNumber", msisdn.as_e164())
        .append_pair("networkCode", NETWORK_CODE)
        .append_pair("text", text)
        .finish()
}

/// One step through the real adapter, engine and store: the screen, and the gateway's
/// body as the network would receive it.
async fn request(state: &AppState, session: &str, msisdn: &Msisdn, text: &str) -> (Reply, String) {
    let gw: &'static dyn Gateway = &AfricasTalking;
    let body = gateway_body(session, msisdn, text);
    let (request, reply) = api::ussd::run(state, gw, body.as_bytes()).await;
    let raw = String::from_utf8_lossy(&gw.render(request.as_ref(), &reply)).into_owned();
    (reply, raw)
}

fn page(desk: &Desk, phone: &Phone, errors: &[String], status: StatusCode) -> Response {
    let lang = desk.lang;
    let title = t(lang, "ussd-sim-title");
    let code_arg = || [("code", SERVICE_CODE.into())];
    let open = phone
        .reply
        .as_ref()
        .is_some_and(|(r, _)| !r.end && phone.session.is_some());
    let ended = phone.reply.as_ref().is_some_and(|(r, _)| r.end);
    let body = html! {
        h1 { (title) }
        p { (t(lang, "ussd-sim-intro")) }
        (errors_box(None, errors))
        div.ussd-sim {
            section.phone aria-label=(t(lang, "ussd-sim-phone")) {
                div.phone-screen id="screen" role="status" {
                    @match &phone.reply {
                        Some((reply, _)) => {
                            pre.ussd-text { (reply.text) }
                        }
                        None => {
                            p.ussd-idle { (t_args(lang, "ussd-sim-idle", &code_arg())) }
                        }
                    }
                }
                @if open {
                    @if let Some((session, so_far)) = &phone.session {
                        (send_form(desk, phone, session, so_far))
                    }
                }
                @if ended {
                    p.phone-state id="ended" { (t(lang, "ussd-sim-ended")) }
                }
                (dial_form(desk, phone))
            }
            @if let Some((_, raw)) = &phone.reply {
                details.ussd-raw {
                    summary { (t(lang, "ussd-sim-raw")) }
                    @if let Some((session, _)) = &phone.session {
                        p.muted { (t_args(lang, "ussd-sim-session", &[("id", session.clone().into())])) }
                    }
                    pre { (raw) }
                }
            }
        }
    };
    with_status(desk_page(desk, PATH, &title, body), status)
}

/// The answer field and "Send", in the open session.
fn send_form(desk: &Desk, phone: &Phone, session: &str, so_far: &str) -> Markup {
    let lang = desk.lang;
    html! {
        form.ussd-send id="send-form" method="post" action=(PATH) accept-charset="utf-8"
            autocomplete="off" {
            (desk.csrf_field())
            input type="hidden" name="action" value="send";
            input type="hidden" name="msisdn" value=(phone.number);
            input type="hidden" name="session" value=(session);
            input type="hidden" name="text" value=(so_far);
            label for="input" { (t(lang, "ussd-sim-input")) }
            div.phone-row {
                input id="input" name="input" type="text" maxlength=(INPUT_MAX)
                    autocomplete="off" autofocus;
                button id="send" type="submit" { (t(lang, "ussd-sim-send")) }
            }
        }
    }
}

/// The caller's number and "Dial" (or, once dialled, "Hang up / new session").
fn dial_form(desk: &Desk, phone: &Phone) -> Markup {
    let lang = desk.lang;
    let dialled = phone.reply.is_some();
    html! {
        form.ussd-dial id="dial-form" method="post" action=(PATH) accept-charset="utf-8" {
            (desk.csrf_field())
            input type="hidden" name="action" value="dial";
            label for="msisdn" { (t(lang, "ussd-sim-number")) }
            input id="msisdn" name="msisdn" value=(phone.number) type="tel" inputmode="tel"
                required maxlength="20" autocomplete="off";
            button id="dial" type="submit" {
                @if dialled {
                    (t(lang, "ussd-sim-new"))
                } @else {
                    (t_args(lang, "ussd-sim-dial", &[("code", SERVICE_CODE.into())]))
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Labels for the dashboard

/// Whether the menus have a menu of this code.
fn known_menu(menu: &str) -> bool {
    Node::ALL.iter().any(|n| n.menu() == menu)
}

/// The menus in the order the engine declares them (home first).
pub fn menu_order(menu: &str) -> usize {
    Node::ALL
        .iter()
        .position(|n| n.menu() == menu)
        .unwrap_or(usize::MAX)
}

/// A menu's name in the page's language (the code itself for one the menus do not have).
pub fn menu_label(lang: Lang, menu: &str) -> String {
    if known_menu(menu) {
        t(lang, &format!("ussd-menu-{}", menu.replace('_', "-")))
    } else {
        menu.to_string()
    }
}

/// A screen's name in the page's language (the code itself for one the menus do not
/// have).
pub fn step_label(lang: Lang, menu: &str, step: &str) -> String {
    if Node::ALL
        .iter()
        .any(|n| n.menu() == menu && n.name() == step)
    {
        t(
            lang,
            &format!(
                "ussd-step-{}-{}",
                menu.replace('_', "-"),
                step.replace('_', "-")
            ),
        )
    } else {
        step.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_menu_and_screen_has_words_in_both_languages() {
        for node in Node::ALL {
            for lang in [Lang::Bn, Lang::En] {
                let menu = menu_label(lang, node.menu());
                let step = step_label(lang, node.menu(), node.name());
                assert!(!menu.contains('⟦'), "{node:?} {lang:?}: {menu}");
                assert!(!step.contains('⟦'), "{node:?} {lang:?}: {step}");
            }
        }
        assert_eq!(menu_label(Lang::En, "no_such"), "no_such");
        assert_eq!(step_label(Lang::En, "home", "no_such"), "no_such");
        assert_eq!(menu_label(Lang::En, "pin_reset"), "PIN reset");
    }

    #[test]
    fn only_the_simulators_sessions_are_taken() {
        assert!(simulated("seba-sim-abcDEF123_-"));
        assert!(!simulated("seba-sim-"));
        assert!(!simulated("ATUid_123"));
        assert!(!simulated("seba-sim-a b"));
        assert!(!simulated(&format!("seba-sim-{}", "a".repeat(60))));
    }

    #[test]
    fn the_body_is_what_africas_talking_posts() {
        let m = Msisdn::parse("01700000001").unwrap();
        let body = gateway_body("seba-sim-x", &m, "2*1*ভুল নম্বর");
        let req = AfricasTalking.parse(body.as_bytes()).unwrap();
        assert_eq!(req.session_id, "seba-sim-x");
        assert_eq!(req.phone, "+8801700000001");
        assert_eq!(req.service_code, SERVICE_CODE);
        assert_eq!(req.turn, seba_ussd::Turn::Joined("2*1*ভুল নম্বর".into()));
    }
}
