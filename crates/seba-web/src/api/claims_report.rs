//! The complaint cell's report as files for the ministry: `GET /api/v1/claims/report.csv`
//! and `GET /api/v1/claims/report.xlsx`, for staff who read cases.
//!
//! One layout for both: a row per merchant with claims, largest outstanding first (the
//! order of [`seba_app::claims_report::Report`], which the public page shares), with its
//! names in both scripts, trade licence, status, counts, money in taka with two decimals,
//! the oldest open claim's day in Dhaka and the guidelines' deadlines missed. Nothing is
//! suppressed here: the files are the cell's own. Neither file names a claimant.
//!
//! The CSV is UTF-8 with a byte-order mark (so spreadsheet programs read Bengali right),
//! and a text cell that a spreadsheet would run as a formula gets an apostrophe in front.
//! The XLSX has a bold header row, fixed column widths, the header frozen, amounts as
//! numbers formatted `#,##0.00` and days as dates; its second and third sheets are the
//! totals by the claimant's district and by the order's month. An XLSX text cell is never
//! a formula, so it needs no guard.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use seba_app::claims_report::Report;
use seba_core::staff::Permission;
use seba_geo::{DistrictId, Geography};

use crate::error::{ApiError, Problem};
use crate::extract::Staff;
use crate::state::AppState;

/// The per-merchant columns, in order, as both files head them.
pub const COLUMNS: [&str; 13] = [
    "Merchant (English)",
    "Merchant (Bengali)",
    "Trade licence",
    "Status",
    "Claims",
    "Victims",
    "Paid (Tk)",
    "Refunded (Tk)",
    "Outstanding (Tk)",
    "Open claims",
    "Oldest open claim (date)",
    "Delivery deadlines missed",
    "Refund deadlines missed",
];

/// The XLSX columns' widths (in characters), in the order of [`COLUMNS`].
const WIDTHS: [f64; 13] = [
    28.0, 28.0, 20.0, 20.0, 9.0, 9.0, 16.0, 16.0, 16.0, 11.0, 14.0, 14.0, 14.0,
];

const DISTRICT_COLUMNS: [&str; 8] = [
    "District (English)",
    "District (Bengali)",
    "Claims",
    "Victims",
    "Paid (Tk)",
    "Refunded (Tk)",
    "Outstanding (Tk)",
    "District code",
];
const DISTRICT_WIDTHS: [f64; 8] = [22.0, 22.0, 9.0, 9.0, 16.0, 16.0, 16.0, 10.0];

const MONTH_COLUMNS: [&str; 6] = [
    "Month (order date)",
    "Claims",
    "Victims",
    "Paid (Tk)",
    "Refunded (Tk)",
    "Outstanding (Tk)",
];
const MONTH_WIDTHS: [f64; 6] = [14.0, 9.0, 9.0, 16.0, 16.0, 16.0];

const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One cell of a report row, before it is written to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cell {
    Text(String),
    Int(i64),
    /// Money, in poisha; written as taka with two decimals.
    Taka(i64),
    /// A day, or nothing.
    Day(Option<Date>),
}

/// Taka with two decimals and no grouping (`125000.50`), as a spreadsheet reads a number.
fn taka(poisha: i64) -> String {
    let sign = if poisha < 0 { "-" } else { "" };
    let p = poisha.unsigned_abs();
    format!("{sign}{}.{:02}", p / 100, p % 100)
}

/// A text cell a spreadsheet will not run: one that starts like a formula gets an
/// apostrophe (as the desk's export does).
fn guard(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn time_zone(state: &AppState) -> TimeZone {
    TimeZone::get(&state.app.settings.time_zone).unwrap_or(TimeZone::UTC)
}

/// The per-merchant rows, in the report's order.
fn merchant_rows(report: &Report, tz: &TimeZone) -> Vec<Vec<Cell>> {
    report
        .merchants
        .iter()
        .map(|l| {
            let s = &l.totals;
            vec![
                Cell::Text(l.name_en.clone()),
                Cell::Text(l.name_bn.clone()),
                Cell::Text(l.licence.clone().unwrap_or_default()),
                Cell::Text(l.status.map(|s| s.label().en).unwrap_or_default()),
                Cell::Int(s.claims),
                Cell::Int(s.victims),
                Cell::Taka(s.paid_poisha),
                Cell::Taka(s.refunded_poisha),
                Cell::Taka(l.outstanding_poisha()),
                Cell::Int(s.open_claims),
                Cell::Day(s.oldest_open.map(|t| t.to_zoned(tz.clone()).date())),
                Cell::Int(s.delivery_missed),
                Cell::Int(s.refund_missed),
            ]
        })
        .collect()
}

fn district_rows(report: &Report) -> Vec<Vec<Cell>> {
    let geo = Geography::bangladesh();
    report
        .districts
        .iter()
        .map(|d| {
            let (en, bn) = geo
                .district(DistrictId(d.district))
                .map(|g| (g.name_en.clone(), g.name_bn.clone()))
                .unwrap_or_default();
            vec![
                Cell::Text(en),
                Cell::Text(bn),
                Cell::Int(d.claims),
                Cell::Int(d.victims),
                Cell::Taka(d.paid_poisha),
                Cell::Taka(d.refunded_poisha),
                Cell::Taka(d.paid_poisha - d.refunded_poisha),
                Cell::Int(i64::from(d.district)),
            ]
        })
        .collect()
}

fn month_rows(report: &Report) -> Vec<Vec<Cell>> {
    report
        .months
        .iter()
        .map(|m| {
            vec![
                Cell::Text(m.month.clone()),
                Cell::Int(m.claims),
                Cell::Int(m.victims),
                Cell::Taka(m.paid_poisha),
                Cell::Taka(m.refunded_poisha),
                Cell::Taka(m.paid_poisha - m.refunded_poisha),
            ]
        })
        .collect()
}

/// The per-merchant report as CSV bytes: a byte-order mark, the header, a row per merchant.
fn csv_bytes(rows: &[Vec<Cell>]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 160 + 256));
    out.write_record(COLUMNS)?;
    for row in rows {
        out.write_record(row.iter().map(|c| match c {
            Cell::Text(s) => guard(s),
            Cell::Int(n) => n.to_string(),
            Cell::Taka(p) => taka(*p),
            Cell::Day(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        }))?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    let mut body = Vec::with_capacity(bytes.len() + 3);
    body.extend_from_slice("\u{FEFF}".as_bytes());
    body.extend_from_slice(&bytes);
    Ok(body)
}

/// The formats a sheet's cells use.
struct Formats {
    header: Format,
    money: Format,
    day: Format,
}

/// A sheet: its name, the header in bold (frozen), widths, then the rows.
fn sheet(
    ws: &mut Worksheet,
    name: &str,
    columns: &[&str],
    widths: &[f64],
    rows: &[Vec<Cell>],
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    for (i, (title, width)) in columns.iter().zip(widths).enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, col, *title, &f.header)?;
        ws.set_column_width(col, *width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(s) => {
                    if !s.is_empty() {
                        ws.write_string(r, c, s)?;
                    }
                }
                // Counts are far below 2^53: exact as a spreadsheet number.
                Cell::Int(n) => {
                    ws.write_number(r, c, *n as f64)?;
                }
                Cell::Taka(p) => {
                    ws.write_number_with_format(r, c, *p as f64 / 100.0, &f.money)?;
                }
                Cell::Day(Some(d)) => {
                    let day = ExcelDateTime::from_ymd(
                        u16::try_from(d.year()).unwrap_or(1900),
                        u8::try_from(d.month()).unwrap_or(1),
                        u8::try_from(d.day()).unwrap_or(1),
                    )?;
                    ws.write_datetime_with_format(r, c, &day, &f.day)?;
                }
                Cell::Day(None) => {}
            }
        }
    }
    Ok(())
}

/// The whole workbook: by merchant, by district, by month.
fn xlsx_bytes(
    merchants: &[Vec<Cell>],
    districts: &[Vec<Cell>],
    months: &[Vec<Cell>],
) -> Result<Vec<u8>, XlsxError> {
    let f = Formats {
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top),
        money: Format::new().set_num_format("#,##0.00"),
        day: Format::new().set_num_format("yyyy-mm-dd"),
    };
    let mut wb = Workbook::new();
    sheet(
        wb.add_worksheet(),
        "By merchant",
        &COLUMNS,
        &WIDTHS,
        merchants,
        &f,
    )?;
    sheet(
        wb.add_worksheet(),
        "By district",
        &DISTRICT_COLUMNS,
        &DISTRICT_WIDTHS,
        districts,
        &f,
    )?;
    sheet(
        wb.add_worksheet(),
        "By month",
        &MONTH_COLUMNS,
        &MONTH_WIDTHS,
        months,
        &f,
    )?;
    wb.save_to_buffer()
}

/// A file download: its type, a dated name, never cached.
fn download(body: Vec<u8>, content_type: &'static str, name: String) -> Response {
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The report now, for staff who read cases.
async fn report_for(state: &AppState, staff: &Staff) -> Result<(Report, TimeZone), ApiError> {
    staff.require(Permission::ReadCases)?;
    let report = state.app.claims_report().await?;
    Ok((report, time_zone(state)))
}

fn file_name(report: &Report, tz: &TimeZone, ext: &str) -> String {
    let day = report.generated_at.to_zoned(tz.clone()).date();
    format!("seba-claims-report-{day}.{ext}")
}

fn failed(what: &str, e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "the claims report's {what} could not be written");
    ApiError::internal()
}

#[utoipa::path(get, path = "/api/v1/claims/report.csv", tag = "claims",
    responses(
        (status = 200, description = "The per-merchant report (UTF-8 with a byte-order mark; largest outstanding first): Merchant (English), Merchant (Bengali), Trade licence, Status, Claims, Victims, Paid (Tk), Refunded (Tk), Outstanding (Tk), Open claims, Oldest open claim (date), Delivery deadlines missed, Refund deadlines missed", content_type = "text/csv", body = String),
        (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn report_csv(State(state): State<AppState>, staff: Staff) -> Result<Response, ApiError> {
    let (report, tz) = report_for(&state, &staff).await?;
    let body = csv_bytes(&merchant_rows(&report, &tz)).map_err(|e| failed("CSV", e))?;
    Ok(download(
        body,
        "text/csv; charset=utf-8",
        file_name(&report, &tz, "csv"),
    ))
}

#[utoipa::path(get, path = "/api/v1/claims/report.xlsx", tag = "claims",
    responses(
        (status = 200, description = "The same report as an Excel workbook: sheets \"By merchant\" (the CSV's columns), \"By district\" (the claimant's district) and \"By month\" (the order's month)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn report_xlsx(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, ApiError> {
    let (report, tz) = report_for(&state, &staff).await?;
    let name = file_name(&report, &tz, "xlsx");
    let merchants = merchant_rows(&report, &tz);
    let districts = district_rows(&report);
    let months = month_rows(&report);
    // Building a workbook is CPU work: off the request threads.
    let body = tokio::task::spawn_blocking(move || xlsx_bytes(&merchants, &districts, &months))
        .await
        .map_err(|e| failed("XLSX", e))?
        .map_err(|e| failed("XLSX", e))?;
    Ok(download(body, XLSX_TYPE, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taka_has_two_decimals_and_formulas_are_guarded() {
        assert_eq!(taka(12_500_050), "125000.50");
        assert_eq!(taka(0), "0.00");
        assert_eq!(taka(7), "0.07");
        assert_eq!(taka(-150), "-1.50");
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("+8801712345678"), "'+8801712345678");
        assert_eq!(guard("Evaly"), "Evaly");
    }

    #[test]
    fn the_csv_starts_with_a_bom_and_the_header() {
        let rows = vec![vec![
            Cell::Text("=cmd".into()),
            Cell::Text("ইভ্যালি".into()),
            Cell::Text(String::new()),
            Cell::Text("In liquidation".into()),
            Cell::Int(7),
            Cell::Int(6),
            Cell::Taka(7_000_000),
            Cell::Taka(1_000_050),
            Cell::Taka(5_999_950),
            Cell::Int(7),
            Cell::Day(Some(jiff::civil::date(2026, 11, 22))),
            Cell::Int(7),
            Cell::Int(0),
        ]];
        let bytes = csv_bytes(&rows).unwrap();
        assert!(bytes.starts_with("\u{FEFF}".as_bytes()));
        let text = String::from_utf8(bytes).unwrap();
        let mut lines = text.trim_start_matches('\u{FEFF}').lines();
        assert_eq!(lines.next(), Some(COLUMNS.join(",").as_str()));
        assert_eq!(
            lines.next(),
            Some("'=cmd,ইভ্যালি,,In liquidation,7,6,70000.00,10000.50,59999.50,7,2026-11-22,7,0")
        );
    }

    #[test]
    fn the_workbook_is_a_zip() {
        let bytes = xlsx_bytes(&[vec![Cell::Text("Evaly".into())]], &[], &[]).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
