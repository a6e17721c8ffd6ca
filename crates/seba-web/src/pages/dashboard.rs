//! The supervisor's dashboard: cases per day by channel, by category, the backlog by age,
//! SLA compliance and customer satisfaction, drawn as SVG on the server (no script, no
//! chart library in the browser), for a range of days in Dhaka (the last 30 by default).
//!
//! The counts come from [`seba_app::App::dashboard`], which aggregates in the store and
//! keeps each range's answer for a minute, so a wall screen refreshing every few seconds
//! costs one count a minute.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use jiff::civil::Date;
use maud::html;
use serde::Deserialize;

use seba_core::staff::Permission;

use super::charts::{bar_chart, percent_bars, stacked_columns};
use super::staff::{Desk, desk_page};
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
