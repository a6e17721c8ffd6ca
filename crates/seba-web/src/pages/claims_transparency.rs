//! `GET /claims/transparency`: the e-commerce complaint cell's public page — per merchant,
//! per claimant's district and per month of the order, how many claims, how many victims,
//! what was paid, what has been refunded and what is still outstanding, with a chart of the
//! ten merchants that owe the most (SVG drawn on the server; no script).
//!
//! Everything shown comes from [`seba_app::claims_report::PublicReport`], which holds
//! aggregates only and has already folded away what could point at a person: merchants,
//! districts and months with fewer than five victims, merchants pending review, and counts
//! below five. This page adds nothing from a claim. The report is rebuilt at most once a
//! minute per node, so the page costs little however often it is read.

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};

use seba_app::claims_report::{Count, Figures, PublicReport};
use seba_geo::{DistrictId, Geography};

use super::charts::bar_chart;
use super::{Lang, failed_page, lang_of, page, t, t_args};
use crate::state::AppState;

const PATH: &str = "/claims/transparency";

/// How many merchants the chart shows.
const CHART_MERCHANTS: usize = 10;

pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(transparency))
}

/// A count as the page prints it: "<5" (`৫-এর কম`) below five.
fn count(lang: Lang, c: Count) -> String {
    match c {
        Count::Exact(n) => lang.int(n),
        Count::Few => t(lang, "ct-few"),
    }
}

/// Taka in the page's language: `৳১২,৫০,০০০` or `Tk 12,50,000`.
pub(super) fn taka(lang: Lang, poisha: i64) -> String {
    let b = seba_claims::money::show(poisha);
    lang.pick(&b.bn, &b.en).to_string()
}

pub(super) fn district_name(lang: Lang, code: u16) -> String {
    Geography::bangladesh()
        .district(DistrictId(code))
        .map(|d| lang.pick(&d.name_bn, &d.name_en).to_string())
        .unwrap_or_else(|| lang.digits(&code.to_string()))
}

/// `2021-07` as "July 2021" (`জুলাই ২০২১`).
pub(super) fn month_name(lang: Lang, month: &str) -> String {
    let (year, m) = month.split_once('-').unwrap_or((month, ""));
    match m.parse::<u8>() {
        Ok(m @ 1..=12) => format!(
            "{} {}",
            t(lang, &format!("ct-month-{m}")),
            lang.digits(year)
        ),
        _ => lang.digits(month),
    }
}

/// The numbers of a row, as cells.
fn cells(lang: Lang, f: &Figures) -> Markup {
    html! {
        td.num { (count(lang, f.claims)) }
        td.num { (count(lang, f.victims)) }
        td.num { (taka(lang, f.paid_poisha)) }
        td.num { (taka(lang, f.refunded_poisha)) }
        td.num { strong { (taka(lang, f.outstanding_poisha)) } }
    }
}

fn number_heads(lang: Lang) -> Markup {
    html! {
        th.num scope="col" { (t(lang, "ct-col-claims")) }
        th.num scope="col" { (t(lang, "ct-col-victims")) }
        th.num scope="col" { (t(lang, "ct-col-paid")) }
        th.num scope="col" { (t(lang, "ct-col-refunded")) }
        th.num scope="col" { (t(lang, "ct-col-outstanding")) }
    }
}

/// A folded row ("other merchants …"), when there is one.
fn folded(lang: Lang, key: &str, f: Option<&Figures>, span: usize) -> Markup {
    html! {
        @if let Some(f) = f {
            tr.folded {
                td colspan=(span) { em { (t(lang, key)) } }
                (cells(lang, f))
            }
        }
    }
}

fn merchants_table(lang: Lang, r: &PublicReport) -> Markup {
    let bengali = lang == Lang::Bn;
    html! {
        div.table-wrap {
            table.report {
                thead {
                    tr {
                        th scope="col" { (t(lang, "ct-col-merchant")) }
                        th scope="col" { (t(lang, "ct-col-status")) }
                        (number_heads(lang))
                    }
                }
                tbody {
                    @for m in &r.merchants {
                        @let status = m.status.label();
                        tr {
                            th scope="row" { (m.name(bengali)) }
                            td { (lang.pick(&status.bn, &status.en)) }
                            (cells(lang, &m.figures))
                        }
                    }
                    (folded(lang, "ct-other-merchants", r.other_merchants.as_ref(), 2))
                    (folded(lang, "ct-pending-merchants", r.pending_merchants.as_ref(), 2))
                }
                tfoot {
                    tr {
                        th scope="row" colspan="2" { (t(lang, "ct-total")) }
                        td.num { (count(lang, r.total_claims)) }
                        td.num { "—" }
                        td.num { (taka(lang, r.total_paid_poisha)) }
                        td.num { (taka(lang, r.total_refunded_poisha)) }
                        td.num { strong { (taka(lang, r.total_outstanding_poisha)) } }
                    }
                }
            }
        }
    }
}

fn districts_table(lang: Lang, r: &PublicReport) -> Markup {
    html! {
        div.table-wrap {
            table.report {
                thead { tr { th scope="col" { (t(lang, "ct-col-district")) } (number_heads(lang)) } }
                tbody {
                    @for (code, f) in &r.districts {
                        tr { th scope="row" { (district_name(lang, *code)) } (cells(lang, f)) }
                    }
                    (folded(lang, "ct-other-districts", r.other_districts.as_ref(), 1))
                }
            }
        }
    }
}

fn months_table(lang: Lang, r: &PublicReport) -> Markup {
    html! {
        div.table-wrap {
            table.report {
                thead { tr { th scope="col" { (t(lang, "ct-col-month")) } (number_heads(lang)) } }
                tbody {
                    @for (month, f) in &r.months {
                        tr { th scope="row" { (month_name(lang, month)) } (cells(lang, f)) }
                    }
                    (folded(lang, "ct-other-months", r.other_months.as_ref(), 1))
                }
            }
        }
    }
}

/// `GET /claims/transparency`, in the visitor's language.
pub async fn transparency(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let report = match state.app.public_claims_report().await {
        Ok(r) => r,
        Err(e) => return failed_page(lang, PATH, e),
    };
    let r = &*report;
    let bengali = lang == Lang::Bn;
    let bars: Vec<(String, i64)> = r
        .top_outstanding(CHART_MERCHANTS)
        .map(|m| {
            (
                m.name(bengali).to_string(),
                m.figures.outstanding_poisha / 100,
            )
        })
        .collect();
    let title = t(lang, "ct-title");
    let empty =
        r.merchants.is_empty() && r.other_merchants.is_none() && r.pending_merchants.is_none();
    let body = html! {
        h1 { (title) }
        p { (t(lang, "ct-intro")) }
        p.notice { (t(lang, "ct-privacy")) }
        @if empty {
            section.card { p { (t(lang, "ct-none")) } }
        } @else {
            section.card { (bar_chart(lang, &t(lang, "ct-chart"), &bars)) }
            section.card {
                h2 { (t(lang, "ct-merchants")) }
                (merchants_table(lang, r))
            }
            section.card {
                h2 { (t(lang, "ct-districts")) }
                (districts_table(lang, r))
            }
            section.card {
                h2 { (t(lang, "ct-months")) }
                (months_table(lang, r))
            }
        }
        p { small { (t_args(lang, "ct-generated", &[("at", super::agent::when(&state, lang, r.generated_at).into())])) } }
    };
    page(lang, PATH, &title, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_months_and_money_in_both_languages() {
        assert_eq!(count(Lang::Bn, Count::Few), "৫-এর কম");
        assert_eq!(count(Lang::En, Count::Few), "<5");
        assert_eq!(count(Lang::Bn, Count::Exact(123_456)), "১,২৩,৪৫৬");
        assert_eq!(month_name(Lang::En, "2021-07"), "July 2021");
        assert_eq!(month_name(Lang::Bn, "2021-07"), "জুলাই ২০২১");
        assert_eq!(month_name(Lang::En, "bad"), "bad");
        assert_eq!(taka(Lang::Bn, 12_500_050), "৳১,২৫,০০০.৫০");
        assert_eq!(taka(Lang::En, 12_500_000), "Tk 1,25,000");
        assert_eq!(district_name(Lang::En, 0), "0");
    }
}
