//! The supervisor's dashboard: cases per day by channel, by category, the backlog by age,
//! SLA compliance and customer satisfaction, drawn as SVG on the server (no script, no
//! chart library in the browser), for a range of days in Dhaka (the last 30 by default).
//!
//! The counts come from [`seba_app::App::dashboard`], which aggregates in the store and
//! keeps each range's answer for a minute, so a wall screen refreshing every few seconds
//! costs one count a minute.
//!
//! Below them, the USSD channel's sessions started in the range ([`UssdStore::ussd_stats`],
//! one grouped count on an index of the start time): per menu — the one each session
//! reached last — how many started, completed, ended, were abandoned or are still open,
//! and the screens where sessions were abandoned most.
//!
//! Then the e-commerce complaint cell's claims, from the cell's own report
//! ([`seba_app::App::recent_claims_report`], built at most once a minute; nothing withheld,
//! unlike the public transparency page): the totals, what the ten merchants owing most
//! still owe, claims by the month of the order, and the ten districts whose claimants are
//! owed most. Not limited to the chosen days: a claim is owed until it is refunded.
//!
//! [`UssdStore::ussd_stats`]: seba_store::UssdStore::ussd_stats

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use jiff::Timestamp;
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;

use seba_app::claims_report::Report;
use seba_core::staff::Permission;
use seba_store::UssdStatRow;

use super::charts::{bar_chart, percent_bars, stacked_columns};
use super::claims_transparency::{district_name, month_name, taka};
use super::staff::{Desk, desk_page};
use super::ussd::{menu_label, menu_order, step_label};
use super::{Lang, error_texts, errors_box, t, t_args, with_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/supervisor", get(dashboard))
}

#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// A day typed as `YYYY-MM-DD`, in Bengali or ASCII digits.
fn day(s: &str) -> Option<Date> {
    seba_core::text::ascii_digits(s.trim()).parse().ok()
}

/// `dd/mm` for a chart's axis, in the language's digits.
fn short_day(lang: Lang, d: Date) -> String {
    lang.digits(&format!("{:02}/{:02}", d.day(), d.month()))
}

fn percent(lang: Lang, p: Option<f64>) -> String {
    match p {
        Some(p) => format!("{}%", lang.digits(&format!("{p:.1}"))),
        None => "—".to_string(),
    }
}

/// `GET /supervisor?from=YYYY-MM-DD&to=YYYY-MM-DD`.
pub async fn dashboard(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<RangeQuery>,
) -> Response {
    if let Err(res) = desk.require(Permission::Supervise) {
        return res;
    }
    let lang = desk.lang;
    let title = t(lang, "dash-title");
    let (default_from, default_to) = match state.app.last_30_days() {
        Ok(r) => r,
        Err(e) => {
            let (status, errors) = error_texts(lang, e);
            return with_status(
                desk_page(&desk, "/supervisor", &title, errors_box(None, &errors)),
                status,
            );
        }
    };
    let mut errors = Vec::new();
    let mut pick = |text: &str, default: Date| {
        if text.trim().is_empty() {
            default
        } else {
            day(text).unwrap_or_else(|| {
                errors.push(t_args(
                    lang,
                    "dash-bad-date",
                    &[("date", text.to_string().into())],
                ));
                default
            })
        }
    };
    let from = pick(&q.from, default_from);
    let to = pick(&q.to, default_to);
    let stats = match state.app.dashboard(from, to).await {
        Ok(s) => Some(s),
        Err(e) => {
            errors.extend(error_texts(lang, e).1);
            None
        }
    };
    let ussd = match &stats {
        Some(_) => match ussd_panel(&state, from, to).await {
            Ok(p) => Some(p),
            Err(e) => {
                errors.extend(error_texts(lang, e).1);
                None
            }
        },
        None => None,
    };
    let claims = match &stats {
        Some(_) => match state.app.recent_claims_report().await {
            Ok(r) => Some(r),
            Err(e) => {
                errors.extend(error_texts(lang, e).1);
                None
            }
        },
        None => None,
    };
    let snap = state.app.snapshot().await.ok();
    let category_name = |code: &str| {
        snap.as_ref()
            .and_then(|s| s.categories.get(code))
            .map(|c| lang.pick(&c.name_bn, &c.name_en).to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let body = html! {
        h1 { (title) }
        form.inline-form method="get" action="/supervisor" {
            label for="from" { (t(lang, "dash-from")) }
            input id="from" name="from" type="date" value=(from.to_string());
            label for="to" { (t(lang, "dash-to")) }
            input id="to" name="to" type="date" value=(to.to_string());
            button type="submit" { (t(lang, "dash-show")) }
        }
        (errors_box(None, &errors))
        @if let Some(s) = &stats {
            section.card {
                p {
                    strong { (t(lang, "dash-created")) ": " } (lang.int(s.created_total))
                    " · " strong { (t(lang, "dash-backlog")) ": " } (lang.int(s.backlog.total()))
                    " · " strong { (t(lang, "dash-breached")) ": " }
                    a href="/agent?view=breached" { (lang.int(s.sla.breached_now)) }
                    " · " strong { (t(lang, "dash-sla-met")) ": " } (percent(lang, s.sla.met_percent))
                    " · " strong { (t(lang, "dash-csat")) ": " }
                    @match s.csat.mean {
                        Some(m) => { (lang.digits(&format!("{m:.2}"))) " / " (lang.int(5)) " (" (lang.int(s.csat.total)) ")" }
                        None => { "—" }
                    }
                }
            }
            @let days: Vec<String> = s.created.iter().map(|d| short_day(lang, d.day)).collect();
            @let channels: Vec<seba_core::case::Channel> = s.channels.iter().map(|c| c.channel).collect();
            @let series: Vec<(String, Vec<i64>)> = channels.iter().map(|ch| {
                let per_day = s.created.iter().map(|d| {
                    d.channels.iter().find(|c| c.channel == *ch).map_or(0, |c| c.cases)
                }).collect();
                (t(lang, &format!("channel-{}", ch.as_str())), per_day)
            }).collect();
            @let categories: Vec<(String, i64)> = s.top_categories.iter().take(12)
                .map(|c| (category_name(&c.category), c.cases)).collect();
            @let ages: Vec<(String, i64)> = s.backlog.ages.iter()
                .map(|(b, n)| (t(lang, &format!("age-{}", b.as_str())), *n)).collect();
            @let sla_days: Vec<String> = s.sla.days.iter().map(|d| short_day(lang, d.day)).collect();
            @let sla_percents: Vec<Option<f64>> = s.sla.days.iter().map(|d| {
                let all = d.met + d.missed;
                (all > 0).then(|| d.met as f64 * 100.0 / all as f64)
            }).collect();
            @let scores: Vec<(String, i64)> = (1..=5usize)
                .map(|n| (format!("{} — {}", lang.int(n as i64), t(lang, &format!("rate-{n}"))), s.csat.per_score[n - 1]))
                .collect();
            div.charts {
                section.card { (stacked_columns(lang, &t(lang, "dash-chart-per-day"), &days, &series)) }
                section.card { (bar_chart(lang, &t(lang, "dash-chart-category"), &categories)) }
                section.card { (bar_chart(lang, &t(lang, "dash-chart-backlog"), &ages)) }
                section.card { (percent_bars(lang, &t(lang, "dash-chart-sla"), &sla_days, &sla_percents)) }
                section.card { (bar_chart(lang, &t(lang, "dash-chart-csat"), &scores)) }
                section.card {
                    h2 { (t(lang, "dash-district")) }
                    p.muted { (t(lang, "dash-district-none")) }
                }
            }
            @if let Some(u) = &ussd {
                (ussd_section(lang, u))
            }
            @if let Some(r) = &claims {
                (claims_section(lang, r))
            }
            p.muted { (t_args(lang, "dash-generated", &[("at", super::agent::when(&state, lang, s.generated_at).into())])) }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    with_status(desk_page(&desk, "/supervisor", &title, body), status)
}

// ---------------------------------------------------------------------------------------
// USSD

/// How many abandoned screens the panel lists.
const TOP_ABANDONED: usize = 8;

/// One menu's sessions by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct MenuSessions {
    menu: String,
    completed: i64,
    ended: i64,
    abandoned: i64,
    open: i64,
}

impl MenuSessions {
    fn started(&self) -> i64 {
        self.completed + self.ended + self.abandoned + self.open
    }

    fn add(&mut self, other: &MenuSessions) {
        self.completed += other.completed;
        self.ended += other.ended;
        self.abandoned += other.abandoned;
        self.open += other.open;
    }
}

/// The USSD panel's figures: per menu (in the menus' order), and the screens sessions were
/// abandoned at, most first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct UssdPanel {
    menus: Vec<MenuSessions>,
    abandoned_at: Vec<(String, String, i64)>,
}

/// The local days `from` to `to` (both included) as instants.
fn window(state: &AppState, from: Date, to: Date) -> Option<(Timestamp, Timestamp)> {
    let tz = jiff::tz::TimeZone::get(&state.app.settings.time_zone).ok()?;
    let start = from.to_zoned(tz.clone()).ok()?.timestamp();
    let end = to.tomorrow().ok()?.to_zoned(tz).ok()?.timestamp();
    Some((start, end))
}

async fn ussd_panel(
    state: &AppState,
    from: Date,
    to: Date,
) -> Result<UssdPanel, seba_app::AppError> {
    let Some((start, end)) = window(state, from, to) else {
        return Ok(UssdPanel::default());
    };
    let rows = state.app.store.ussd_stats(start, end).await?;
    Ok(summarise(&rows))
}

fn summarise(rows: &[UssdStatRow]) -> UssdPanel {
    let mut menus: Vec<MenuSessions> = Vec::new();
    let mut abandoned_at: Vec<(String, String, i64)> = Vec::new();
    for r in rows {
        let i = match menus.iter().position(|m| m.menu == r.menu) {
            Some(i) => i,
            None => {
                menus.push(MenuSessions {
                    menu: r.menu.clone(),
                    ..MenuSessions::default()
                });
                menus.len() - 1
            }
        };
        let m = &mut menus[i];
        let n = r.sessions.max(0);
        match r.outcome.as_str() {
            "completed" => m.completed += n,
            "ended" => m.ended += n,
            "abandoned" => {
                m.abandoned += n;
                abandoned_at.push((r.menu.clone(), r.step.clone(), n));
            }
            _ => m.open += n,
        }
    }
    menus.sort_by(|a, b| (menu_order(&a.menu), &a.menu).cmp(&(menu_order(&b.menu), &b.menu)));
    // Most first; a tie in the menus' order.
    abandoned_at.sort_by(|a, b| {
        b.2.cmp(&a.2)
            .then_with(|| menu_order(&a.0).cmp(&menu_order(&b.0)))
            .then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1)))
    });
    abandoned_at.truncate(TOP_ABANDONED);
    UssdPanel {
        menus,
        abandoned_at,
    }
}

fn ussd_section(lang: Lang, u: &UssdPanel) -> Markup {
    let mut total = MenuSessions::default();
    for m in &u.menus {
        total.add(m);
    }
    let labels: Vec<String> = u.menus.iter().map(|m| menu_label(lang, &m.menu)).collect();
    let series: Vec<(String, Vec<i64>)> = [
        (
            "dash-ussd-completed",
            (|m: &MenuSessions| m.completed) as fn(&MenuSessions) -> i64,
        ),
        ("dash-ussd-ended", |m| m.ended),
        ("dash-ussd-abandoned", |m| m.abandoned),
        ("dash-ussd-open", |m| m.open),
    ]
    .iter()
    .map(|(key, of)| (t(lang, key), u.menus.iter().map(of).collect()))
    .collect();
    let where_abandoned: Vec<(String, i64)> = u
        .abandoned_at
        .iter()
        .map(|(menu, step, n)| {
            (
                format!(
                    "{} › {}",
                    menu_label(lang, menu),
                    step_label(lang, menu, step)
                ),
                *n,
            )
        })
        .collect();
    let cells = |m: &MenuSessions| {
        html! {
            td { (lang.int(m.started())) }
            td { (lang.int(m.completed)) }
            td { (lang.int(m.ended)) }
            td { (lang.int(m.abandoned)) }
            td { (lang.int(m.open)) }
        }
    };
    html! {
        section.card id="ussd" {
            h2 { (t(lang, "dash-ussd-title")) }
            @if u.menus.is_empty() {
                p.muted { (t(lang, "dash-ussd-none")) }
            } @else {
                p { (t(lang, "dash-ussd-intro")) }
                div.table-wrap {
                    table.list {
                        thead { tr {
                            th scope="col" { (t(lang, "dash-ussd-menu")) }
                            th scope="col" { (t(lang, "dash-ussd-started")) }
                            th scope="col" { (t(lang, "dash-ussd-completed")) }
                            th scope="col" { (t(lang, "dash-ussd-ended")) }
                            th scope="col" { (t(lang, "dash-ussd-abandoned")) }
                            th scope="col" { (t(lang, "dash-ussd-open")) }
                        } }
                        tbody {
                            @for (m, label) in u.menus.iter().zip(&labels) {
                                tr id=(format!("ussd-menu-{}", m.menu)) {
                                    th scope="row" { (label) }
                                    (cells(m))
                                }
                            }
                        }
                        tfoot {
                            tr id="ussd-menu-total" {
                                th scope="row" { (t(lang, "dash-ussd-total")) }
                                (cells(&total))
                            }
                        }
                    }
                }
                p.muted { (t(lang, "dash-ussd-legend")) }
                @if !u.abandoned_at.is_empty() {
                    h3 { (t(lang, "dash-ussd-abandoned-steps")) }
                    div.table-wrap {
                        table.list id="ussd-abandoned" {
                            thead { tr {
                                th scope="col" { (t(lang, "dash-ussd-menu")) }
                                th scope="col" { (t(lang, "dash-ussd-step")) }
                                th scope="col" { (t(lang, "dash-ussd-sessions")) }
                            } }
                            tbody {
                                @for (menu, step, n) in &u.abandoned_at {
                                    tr id=(format!("ussd-abandoned-{menu}-{step}")) {
                                        td { (menu_label(lang, menu)) }
                                        td { (step_label(lang, menu, step)) }
                                        td { (lang.int(*n)) }
                                    }
                                }
                            }
                        }
                    }
                }
                div.charts {
                    div { (stacked_columns(lang, &t(lang, "dash-ussd-chart-menus"), &labels, &series)) }
                    div { (bar_chart(lang, &t(lang, "dash-ussd-chart-abandoned"), &where_abandoned)) }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// E-commerce claims

/// How many merchants the chart shows, and districts the table.
const TOP_CLAIMS: usize = 10;

/// The panel's totals over every merchant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ClaimTotals {
    claims: i64,
    paid: i64,
    refunded: i64,
    open: i64,
}

fn claim_totals(r: &Report) -> ClaimTotals {
    r.merchants
        .iter()
        .fold(ClaimTotals::default(), |t, l| ClaimTotals {
            claims: t.claims + l.totals.claims,
            paid: t.paid + l.totals.paid_poisha,
            refunded: t.refunded + l.totals.refunded_poisha,
            open: t.open + l.totals.open_claims,
        })
}

/// The merchants owing most (the report's order), as chart bars in whole taka.
fn outstanding_bars(lang: Lang, r: &Report) -> Vec<(String, i64)> {
    r.merchants
        .iter()
        .take(TOP_CLAIMS)
        .map(|l| {
            let name = l.name(lang == Lang::Bn);
            let name = if name.is_empty() {
                t_args(
                    lang,
                    "dash-claims-merchant-id",
                    &[("id", lang.digits(&l.merchant_id.to_string()).into())],
                )
            } else {
                name.to_string()
            };
            (name, l.outstanding_poisha().max(0) / 100)
        })
        .collect()
}

/// The districts whose claimants are owed most, largest first (then more claims, then by
/// code), at most [`TOP_CLAIMS`].
fn top_districts(r: &Report) -> Vec<&seba_store::DistrictSummary> {
    let mut d: Vec<_> = r.districts.iter().collect();
    d.sort_by_key(|d| {
        (
            std::cmp::Reverse(d.paid_poisha - d.refunded_poisha),
            std::cmp::Reverse(d.claims),
            d.district,
        )
    });
    d.truncate(TOP_CLAIMS);
    d
}

fn claims_section(lang: Lang, r: &Report) -> Markup {
    let totals = claim_totals(r);
    let bars = outstanding_bars(lang, r);
    let months: Vec<String> = r
        .months
        .iter()
        .map(|m| month_name(lang, &m.month))
        .collect();
    let series = vec![(
        t(lang, "dash-claims-series"),
        r.months.iter().map(|m| m.claims).collect::<Vec<i64>>(),
    )];
    let districts = top_districts(r);
    html! {
        section.card id="claims" {
            h2 { (t(lang, "dash-claims-title")) }
            @if r.merchants.is_empty() {
                p.muted { (t(lang, "dash-claims-none")) }
            } @else {
                p { (t(lang, "dash-claims-intro")) }
                p id="claims-totals" {
                    strong { (t(lang, "dash-claims-claims")) ": " } (lang.int(totals.claims))
                    " · " strong { (t(lang, "dash-claims-merchants")) ": " } (lang.int(r.merchants.len() as i64))
                    " · " strong { (t(lang, "dash-claims-open")) ": " } (lang.int(totals.open))
                    " · " strong { (t(lang, "dash-claims-paid")) ": " } (taka(lang, totals.paid))
                    " · " strong { (t(lang, "dash-claims-refunded")) ": " } (taka(lang, totals.refunded))
                    " · " strong { (t(lang, "dash-claims-outstanding")) ": " } (taka(lang, totals.paid - totals.refunded))
                }
                p {
                    a href="/agent/claims" { (t(lang, "dash-claims-all")) }
                    " · "
                    a href="/claims/transparency" { (t(lang, "dash-claims-public")) }
                }
                div.charts {
                    div { (bar_chart(lang, &t(lang, "dash-claims-chart-merchants"), &bars)) }
                    div { (stacked_columns(lang, &t(lang, "dash-claims-chart-months"), &months, &series)) }
                }
                h3 { (t(lang, "dash-claims-districts")) }
                div.table-wrap {
                    table.list.report id="claims-districts" {
                        thead { tr {
                            th scope="col" { (t(lang, "dash-claims-district")) }
                            th.num scope="col" { (t(lang, "dash-claims-claims")) }
                            th.num scope="col" { (t(lang, "dash-claims-victims")) }
                            th.num scope="col" { (t(lang, "dash-claims-paid")) }
                            th.num scope="col" { (t(lang, "dash-claims-refunded")) }
                            th.num scope="col" { (t(lang, "dash-claims-outstanding")) }
                        } }
                        tbody {
                            @for d in &districts {
                                tr id=(format!("claims-district-{}", d.district)) {
                                    th scope="row" { (district_name(lang, d.district)) }
                                    td.num { (lang.int(d.claims)) }
                                    td.num { (lang.int(d.victims)) }
                                    td.num { (taka(lang, d.paid_poisha)) }
                                    td.num { (taka(lang, d.refunded_poisha)) }
                                    td.num { strong { (taka(lang, d.paid_poisha - d.refunded_poisha)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(menu: &str, step: &str, outcome: &str, sessions: i64) -> UssdStatRow {
        UssdStatRow {
            menu: menu.into(),
            step: step.into(),
            outcome: outcome.into(),
            sessions,
        }
    }

    #[test]
    fn sessions_are_summed_per_menu_and_abandoned_screens_ranked() {
        let p = summarise(&[
            row("complaint", "category", "abandoned", 2),
            row("complaint", "description", "abandoned", 5),
            row("complaint", "description", "completed", 7),
            row("home", "home", "completed", 3),
            row("home", "home", "open", 1),
            row("status", "case_number", "ended", 1),
            row("zzz_new", "x", "abandoned", 2),
        ]);
        let menus: Vec<&str> = p.menus.iter().map(|m| m.menu.as_str()).collect();
        assert_eq!(menus, ["home", "complaint", "status", "zzz_new"]);
        let complaint = &p.menus[1];
        assert_eq!(
            (
                complaint.started(),
                complaint.completed,
                complaint.abandoned
            ),
            (14, 7, 7)
        );
        assert_eq!((p.menus[0].started(), p.menus[0].open), (4, 1));
        assert_eq!(
            p.abandoned_at,
            [
                ("complaint".into(), "description".into(), 5),
                ("complaint".into(), "category".into(), 2),
                ("zzz_new".into(), "x".into(), 2),
            ]
        );
        assert_eq!(summarise(&[]), UssdPanel::default());
    }

    fn claims_report() -> Report {
        use seba_claims::merchant::MerchantStatus;
        use seba_store::{DistrictSummary, MerchantRecord, MerchantSummary, MonthSummary};
        let at: Timestamp = "2026-11-22T04:00:00Z".parse().unwrap();
        let merchant = |id: i64, en: &str, bn: &str| MerchantRecord {
            id,
            legal_bn: String::new(),
            legal_en: String::new(),
            trade_bn: bn.into(),
            trade_en: en.into(),
            aliases: vec![],
            web: vec![],
            licence: None,
            district: None,
            status: MerchantStatus::InLiquidation.as_str().into(),
            created_at: at,
            updated_at: at,
            version: 1,
        };
        let summary = |id: i64, claims: i64, paid: i64, refunded: i64| MerchantSummary {
            merchant_id: id,
            claims,
            victims: claims,
            paid_poisha: paid,
            refunded_poisha: refunded,
            open_claims: claims,
            oldest_open: None,
            delivery_missed: 0,
            refund_missed: 0,
        };
        let district = |district: u16, claims: i64, paid: i64, refunded: i64| DistrictSummary {
            district,
            claims,
            victims: claims,
            paid_poisha: paid,
            refunded_poisha: refunded,
        };
        let districts = (1..=12u16)
            .map(|d| district(d, 1, i64::from(d) * 100_000, 0))
            .collect();
        Report::build(
            &[merchant(1, "Evaly", "ইভ্যালি"), merchant(2, "", "")],
            vec![
                summary(1, 3, 12_500_000, 2_500_000),
                summary(2, 1, 500_000, 0),
            ],
            districts,
            vec![MonthSummary {
                month: "2021-07".into(),
                claims: 4,
                victims: 4,
                paid_poisha: 13_000_000,
                refunded_poisha: 2_500_000,
            }],
            at,
        )
    }

    #[test]
    fn the_claims_panel_shows_totals_merchants_months_and_districts() {
        let r = claims_report();
        assert_eq!(
            claim_totals(&r),
            ClaimTotals {
                claims: 4,
                paid: 13_000_000,
                refunded: 2_500_000,
                open: 4
            }
        );
        assert_eq!(
            outstanding_bars(Lang::En, &r),
            [
                ("Evaly".to_string(), 100_000),
                ("Merchant 2".to_string(), 5_000)
            ]
        );
        let top: Vec<u16> = top_districts(&r).iter().map(|d| d.district).collect();
        assert_eq!(top, [12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
        let bn = claims_section(Lang::Bn, &r).into_string();
        assert!(bn.contains("ইভ্যালি") && bn.contains("জুলাই ২০২১"), "{bn}");
        assert!(
            bn.contains("ইভ্যালি: ১,০০,০০০"),
            "the outstanding in taka: {bn}"
        );
        assert!(bn.contains("৳১,০৫,০০০"), "the total outstanding: {bn}");
        assert_eq!(bn.matches("<svg").count(), 2);
        assert_eq!(bn.matches("id=\"claims-district-").count(), 10);
        let empty = Report::build(&[], vec![], vec![], vec![], r.generated_at);
        let html = claims_section(Lang::En, &empty).into_string();
        assert!(html.contains("No claims have been filed yet"), "{html}");
        assert!(!html.contains("<svg"));
    }

    #[test]
    fn the_panel_says_when_there_were_no_sessions() {
        let html = ussd_section(Lang::En, &UssdPanel::default()).into_string();
        assert!(html.contains("No USSD sessions"), "{html}");
        assert!(!html.contains("<svg"), "{html}");
    }
}
