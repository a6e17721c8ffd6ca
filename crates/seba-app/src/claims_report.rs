//! The complaint cell's report: claims, victims and money per merchant, per claimant's
//! district and per month of the order — the cell's own exports (everything, for the
//! ministry) and the public transparency page (aggregates only, small counts suppressed).
//!
//! [`Report::build`] joins the store's aggregates ([`ClaimStore::merchant_summaries`],
//! [`ClaimStore::claims_by_district`], [`ClaimStore::claims_by_month`]) with the registry's
//! names; [`Report::public`] decides what the public may see. Both are pure, so the page,
//! the CSV and the XLSX show the same rows in the same order: merchants by outstanding
//! money, largest first.
//!
//! What the public report never shows:
//!
//! - anything about a claimant: only counts and sums over claims are in it at all;
//! - a merchant, district or month with fewer than [`MIN_SHOWN`] victims by name: they are
//!   folded into one "other" row;
//! - a merchant pending review by name, whatever its size (the name is a claimant's
//!   words, not yet confirmed by the cell): they are folded into their own row;
//! - a count from 1 to 4: it is [`Count::Few`] ("<5").
//!
//! A folded row's victims are the sum of its members' victims (one person with claims
//! against two small merchants counts twice); the grand total carries no victims figure,
//! since the aggregates cannot count people across merchants exactly.
//!
//! [`ClaimStore::merchant_summaries`]: seba_store::ClaimStore::merchant_summaries
//! [`ClaimStore::claims_by_district`]: seba_store::ClaimStore::claims_by_district
//! [`ClaimStore::claims_by_month`]: seba_store::ClaimStore::claims_by_month

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use seba_claims::merchant::MerchantStatus;
use seba_store::{DistrictSummary, MerchantRecord, MerchantSummary, MonthSummary};

use crate::{App, AppError};

/// The fewest victims a merchant, district or month must have to be named in public, and
/// the smallest count printed as a number.
pub const MIN_SHOWN: i64 = 5;

/// How long the public report is reused: the page is public and each build reads every
/// claim's district and month, so a burst of visitors costs one build a minute.
const PUBLIC_TTL: Duration = Duration::from_secs(60);

/// One merchant's line in the cell's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantLine {
    pub merchant_id: i64,
    /// The trade name in English, else the legal name; empty when it has neither.
    pub name_en: String,
    /// The trade name in Bengali, else the legal name; empty when it has neither.
    pub name_bn: String,
    pub licence: Option<String>,
    /// `None` for a merchant the registry does not (yet) list on this node.
    pub status: Option<MerchantStatus>,
    pub totals: MerchantSummary,
}

impl MerchantLine {
    pub fn outstanding_poisha(&self) -> i64 {
        self.totals.paid_poisha - self.totals.refunded_poisha
    }

    /// The name in one language, the other language's when this one has none.
    pub fn name(&self, bengali: bool) -> &str {
        name_in(&self.name_bn, &self.name_en, bengali)
    }
}

fn name_in<'a>(bn: &'a str, en: &'a str, bengali: bool) -> &'a str {
    match (bengali, bn.is_empty(), en.is_empty()) {
        (true, false, _) | (false, _, true) => bn,
        _ => en,
    }
}

/// The cell's report: every merchant with claims, nothing withheld.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// By outstanding money, largest first (then more claims first, then by id).
    pub merchants: Vec<MerchantLine>,
    /// By district code.
    pub districts: Vec<DistrictSummary>,
    /// By month (`YYYY-MM`).
    pub months: Vec<MonthSummary>,
    pub generated_at: Timestamp,
}

/// A count as the public sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// Zero, or at least [`MIN_SHOWN`].
    Exact(i64),
    /// From 1 to `MIN_SHOWN - 1`: shown as "<5".
    Few,
}

impl Count {
    pub fn of(n: i64) -> Count {
        if n > 0 && n < MIN_SHOWN {
            Count::Few
        } else {
            Count::Exact(n)
        }
    }
}

/// One public row's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub claims: Count,
    pub victims: Count,
    pub paid_poisha: i64,
    pub refunded_poisha: i64,
    pub outstanding_poisha: i64,
}

/// Raw sums, made public by [`Sums::figures`] only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sums {
    claims: i64,
    victims: i64,
    paid: i64,
    refunded: i64,
}

impl Sums {
    fn add(&mut self, other: Sums) {
        self.claims += other.claims;
        self.victims += other.victims;
        self.paid += other.paid;
        self.refunded += other.refunded;
    }

    fn outstanding(&self) -> i64 {
        self.paid - self.refunded
    }

    fn figures(&self) -> Figures {
        Figures {
            claims: Count::of(self.claims),
            victims: Count::of(self.victims),
            paid_poisha: self.paid,
            refunded_poisha: self.refunded,
            outstanding_poisha: self.outstanding(),
        }
    }
}

/// A merchant the public may see by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicMerchant {
    pub name_en: String,
    pub name_bn: String,
    pub status: MerchantStatus,
    pub figures: Figures,
}

impl PublicMerchant {
    /// The name in one language, the other language's when this one has none.
    pub fn name(&self, bengali: bool) -> &str {
        name_in(&self.name_bn, &self.name_en, bengali)
    }
}

/// The transparency page's report: aggregates only, nobody identifiable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicReport {
    /// Confirmed merchants with at least [`MIN_SHOWN`] victims, by outstanding money,
    /// largest first.
    pub merchants: Vec<PublicMerchant>,
    /// Confirmed merchants with fewer victims each, together.
    pub other_merchants: Option<Figures>,
    /// Merchants pending the cell's review, together.
    pub pending_merchants: Option<Figures>,
    /// Districts (codes) with at least [`MIN_SHOWN`] victims, by outstanding money.
    pub districts: Vec<(u16, Figures)>,
    pub other_districts: Option<Figures>,
    /// Months (`YYYY-MM`) with at least [`MIN_SHOWN`] victims, in order.
    pub months: Vec<(String, Figures)>,
    pub other_months: Option<Figures>,
    /// Every claim: its count and money (no victims figure: see the module's notes).
    pub total_claims: Count,
    pub total_paid_poisha: i64,
    pub total_refunded_poisha: i64,
    pub total_outstanding_poisha: i64,
    pub generated_at: Timestamp,
}

impl PublicReport {
    /// The named merchants with the most money outstanding, at most `n`, largest first.
    pub fn top_outstanding(&self, n: usize) -> impl Iterator<Item = &PublicMerchant> {
        self.merchants.iter().take(n)
    }
}

fn first_non_empty<'a>(names: &[&'a str]) -> &'a str {
    names
        .iter()
        .map(|n| n.trim())
        .find(|n| !n.is_empty())
        .unwrap_or("")
}

/// Add `sums` to a folded row, starting it if need be.
fn fold_into(slot: &mut Option<Sums>, sums: Sums) {
    slot.get_or_insert_with(Sums::default).add(sums);
}

fn merchant_sums(s: &MerchantSummary) -> Sums {
    Sums {
        claims: s.claims,
        victims: s.victims,
        paid: s.paid_poisha,
        refunded: s.refunded_poisha,
    }
}

impl Report {
    /// The report from the store's aggregates and the registry (pure).
    pub fn build(
        registry: &[MerchantRecord],
        summaries: Vec<MerchantSummary>,
        mut districts: Vec<DistrictSummary>,
        mut months: Vec<MonthSummary>,
        generated_at: Timestamp,
    ) -> Report {
        let by_id: HashMap<i64, &MerchantRecord> = registry.iter().map(|m| (m.id, m)).collect();
        let mut merchants: Vec<MerchantLine> = summaries
            .into_iter()
            .filter(|s| s.claims > 0)
            .map(|s| {
                let m = by_id.get(&s.merchant_id);
                let field = |f: fn(&MerchantRecord) -> &str| m.map_or("", |m| f(m));
                let name_en = first_non_empty(&[field(|m| &m.trade_en), field(|m| &m.legal_en)]);
                let name_bn = first_non_empty(&[field(|m| &m.trade_bn), field(|m| &m.legal_bn)]);
                MerchantLine {
                    merchant_id: s.merchant_id,
                    name_en: name_en.to_string(),
                    name_bn: name_bn.to_string(),
                    licence: m.and_then(|m| m.licence.clone()),
                    status: m.and_then(|m| MerchantStatus::parse(&m.status)),
                    totals: s,
                }
            })
            .collect();
        merchants.sort_by_key(|l| {
            (
                Reverse(l.outstanding_poisha()),
                Reverse(l.totals.claims),
                l.merchant_id,
            )
        });
        districts.sort_by_key(|d| d.district);
        months.sort_by(|a, b| a.month.cmp(&b.month));
        Report {
            merchants,
            districts,
            months,
            generated_at,
        }
    }

    /// What the public may see (pure): see the module's notes.
    pub fn public(&self) -> PublicReport {
        let mut merchants = Vec::new();
        let (mut other, mut pending) = (None::<Sums>, None::<Sums>);
        let mut total = Sums::default();
        for line in &self.merchants {
            let sums = merchant_sums(&line.totals);
            total.add(sums);
            match line.status {
                Some(MerchantStatus::PendingReview) => fold_into(&mut pending, sums),
                Some(status)
                    if line.totals.victims >= MIN_SHOWN
                        && !(line.name_en.is_empty() && line.name_bn.is_empty()) =>
                {
                    merchants.push(PublicMerchant {
                        name_en: line.name_en.clone(),
                        name_bn: line.name_bn.clone(),
                        status,
                        figures: sums.figures(),
                    })
                }
                // Small, or not (yet) in this node's registry: never named.
                _ => fold_into(&mut other, sums),
            }
        }
        // Named merchants keep the report's order (outstanding, largest first).

        let mut districts = Vec::new();
        let mut other_districts = None;
        for d in &self.districts {
            let sums = Sums {
                claims: d.claims,
                victims: d.victims,
                paid: d.paid_poisha,
                refunded: d.refunded_poisha,
            };
            if d.victims >= MIN_SHOWN {
                districts.push((d.district, sums));
            } else {
                fold_into(&mut other_districts, sums);
            }
        }
        districts.sort_by_key(|(code, s)| (Reverse(s.outstanding()), Reverse(s.claims), *code));

        let mut months = Vec::new();
        let mut other_months = None;
        for m in &self.months {
            let sums = Sums {
                claims: m.claims,
                victims: m.victims,
                paid: m.paid_poisha,
                refunded: m.refunded_poisha,
            };
            if m.victims >= MIN_SHOWN {
                months.push((m.month.clone(), sums.figures()));
            } else {
                fold_into(&mut other_months, sums);
            }
        }

        PublicReport {
            merchants,
            other_merchants: other.map(|s| s.figures()),
            pending_merchants: pending.map(|s| s.figures()),
            districts: districts
                .into_iter()
                .map(|(code, s)| (code, s.figures()))
                .collect(),
            other_districts: other_districts.map(|s| s.figures()),
            months,
            other_months: other_months.map(|s| s.figures()),
            total_claims: Count::of(total.claims),
            total_paid_poisha: total.paid,
            total_refunded_poisha: total.refunded,
            total_outstanding_poisha: total.outstanding(),
            generated_at: self.generated_at,
        }
    }
}

/// This node's reports, each reused for [`PUBLIC_TTL`]: the public one, and the cell's
/// own for the supervisor's dashboard.
#[derive(Default)]
pub(crate) struct ReportCache {
    public: Mutex<Option<(Instant, Arc<PublicReport>)>>,
    staff: Mutex<Option<(Instant, Arc<Report>)>>,
}

/// What `slot` holds, if it is younger than [`PUBLIC_TTL`].
fn fresh<T>(slot: &Mutex<Option<(Instant, Arc<T>)>>) -> Option<Arc<T>> {
    slot.lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .filter(|(at, _)| at.elapsed() < PUBLIC_TTL)
        .map(|(_, r)| r.clone())
}

fn keep<T>(slot: &Mutex<Option<(Instant, Arc<T>)>>, value: Arc<T>) {
    *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), value));
}

impl App {
    /// The cell's report as of now, read fresh from the store.
    pub async fn claims_report(&self) -> Result<Report, AppError> {
        let now = self.now();
        let registry = self.store.merchants().await?;
        let summaries = self.store.merchant_summaries(now).await?;
        let districts = self.store.claims_by_district().await?;
        let months = self.store.claims_by_month().await?;
        Ok(Report::build(&registry, summaries, districts, months, now))
    }

    /// The public report (aggregates only, small counts suppressed), built at most once a
    /// minute on this node.
    pub async fn public_claims_report(&self) -> Result<Arc<PublicReport>, AppError> {
        if let Some(r) = fresh(&self.claims_report.public) {
            return Ok(r);
        }
        let report = Arc::new(self.claims_report().await?.public());
        keep(&self.claims_report.public, report.clone());
        Ok(report)
    }

    /// The cell's report (nothing withheld), built at most once a minute on this node: for
    /// the supervisor's dashboard, which a wall screen may reload every few seconds.
    pub async fn recent_claims_report(&self) -> Result<Arc<Report>, AppError> {
        if let Some(r) = fresh(&self.claims_report.staff) {
            return Ok(r);
        }
        let report = Arc::new(self.claims_report().await?);
        keep(&self.claims_report.staff, report.clone());
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Poisha in a taka.
    const TK: i64 = 100;

    fn at() -> Timestamp {
        "2026-11-22T04:00:00Z".parse().unwrap()
    }

    fn merchant(id: i64, en: &str, bn: &str, status: MerchantStatus) -> MerchantRecord {
        MerchantRecord {
            id,
            legal_bn: String::new(),
            legal_en: String::new(),
            trade_bn: bn.into(),
            trade_en: en.into(),
            aliases: vec![],
            web: vec![],
            licence: Some(format!("TRAD/{id}")),
            district: None,
            status: status.as_str().into(),
            created_at: at(),
            updated_at: at(),
            version: 1,
        }
    }

    fn summary(id: i64, claims: i64, victims: i64, paid: i64, refunded: i64) -> MerchantSummary {
        MerchantSummary {
            merchant_id: id,
            claims,
            victims,
            paid_poisha: paid,
            refunded_poisha: refunded,
            open_claims: claims,
            oldest_open: None,
            delivery_missed: 0,
            refund_missed: 0,
        }
    }

    fn district(code: u16, claims: i64, victims: i64, paid: i64) -> DistrictSummary {
        DistrictSummary {
            district: code,
            claims,
            victims,
            paid_poisha: paid,
            refunded_poisha: 0,
        }
    }

    fn month(m: &str, claims: i64, victims: i64, paid: i64) -> MonthSummary {
        MonthSummary {
            month: m.into(),
            claims,
            victims,
            paid_poisha: paid,
            refunded_poisha: 0,
        }
    }

    fn sample() -> Report {
        use MerchantStatus::*;
        let registry = [
            merchant(1, "Evaly", "ইভ্যালি", InLiquidation),
            merchant(2, "Tiny Shop", "ছোট দোকান", Operating),
            merchant(3, "Qcoom", "কিউকম", Suspended),
            merchant(4, "Unconfirmed Mart", "", PendingReview),
            merchant(5, "Another Small", "", Operating),
        ];
        let summaries = vec![
            summary(1, 7, 6, 70_000 * TK, 10_000 * TK),
            summary(2, 2, 2, 9_000 * TK, 0),
            summary(3, 5, 5, 90_000 * TK, 0),
            summary(4, 8, 8, 40_000 * TK, 0),
            summary(5, 1, 1, 1_000 * TK, 500 * TK),
            // Not in this node's registry yet.
            summary(6, 6, 6, 5_000 * TK, 0),
            // No claims: not a line at all.
            summary(7, 0, 0, 0, 0),
        ];
        Report::build(
            &registry,
            summaries,
            vec![
                district(47, 20, 19, 200_000 * TK),
                district(26, 3, 2, 5_000 * TK),
                district(1, 6, 5, 10_000 * TK),
            ],
            vec![
                month("2021-08", 2, 2, 1_000 * TK),
                month("2021-07", 25, 24, 214_000 * TK),
                month("2021-06", 1, 1, 100 * TK),
            ],
            at(),
        )
    }

    #[test]
    fn the_cells_report_has_every_merchant_by_outstanding() {
        let r = sample();
        let ids: Vec<i64> = r.merchants.iter().map(|l| l.merchant_id).collect();
        assert_eq!(ids, [3, 1, 4, 2, 6, 5]);
        assert_eq!(r.merchants[1].outstanding_poisha(), 60_000 * TK);
        assert_eq!(r.merchants[1].licence.as_deref(), Some("TRAD/1"));
        assert_eq!(r.merchants[1].status, Some(MerchantStatus::InLiquidation));
        // A name missing in one script falls back to the other where it is shown.
        let pending = &r.merchants[2];
        assert_eq!(pending.name_bn, "");
        assert_eq!(
            (r.merchants[1].name(true), r.merchants[1].name(false)),
            ("ইভ্যালি", "Evaly")
        );
        assert_eq!(
            (pending.name(true), pending.name(false)),
            ("Unconfirmed Mart", "Unconfirmed Mart")
        );
        // Unknown to the registry: no name, no status.
        assert_eq!(r.merchants[4].name_en, "");
        assert_eq!(r.merchants[4].status, None);
        let districts: Vec<u16> = r.districts.iter().map(|d| d.district).collect();
        assert_eq!(districts, [1, 26, 47]);
        assert_eq!(r.months[0].month, "2021-06");
    }

    #[test]
    fn the_public_sees_only_large_confirmed_merchants_by_name() {
        let p = sample().public();
        let named: Vec<&str> = p.merchants.iter().map(|m| m.name_en.as_str()).collect();
        assert_eq!(named, ["Qcoom", "Evaly"], "by outstanding, largest first");
        assert_eq!(p.merchants[1].name(true), "ইভ্যালি");
        assert_eq!(
            p.merchants[1].figures,
            Figures {
                claims: Count::Exact(7),
                victims: Count::Exact(6),
                paid_poisha: 70_000 * TK,
                refunded_poisha: 10_000 * TK,
                outstanding_poisha: 60_000 * TK,
            }
        );
        // Tiny Shop (2 victims), Another Small (1) and the unlisted merchant (6 victims,
        // but no confirmed name) are folded together.
        assert_eq!(
            p.other_merchants,
            Some(Figures {
                claims: Count::Exact(9),
                victims: Count::Exact(9),
                paid_poisha: 15_000 * TK,
                refunded_poisha: 500 * TK,
                outstanding_poisha: 14_500 * TK,
            })
        );
        // Pending review: never named, however many victims.
        let pending = p.pending_merchants.unwrap();
        assert_eq!(pending.victims, Count::Exact(8));
        assert!(p.merchants.iter().all(|m| m.name_en != "Unconfirmed Mart"));
        assert_eq!(p.total_claims, Count::Exact(29));
        assert_eq!(p.total_paid_poisha, 215_000 * TK);
        assert_eq!(p.total_outstanding_poisha, 204_500 * TK);
        let top: Vec<&str> = p.top_outstanding(1).map(|m| m.name_en.as_str()).collect();
        assert_eq!(top, ["Qcoom"]);
    }

    #[test]
    fn small_districts_and_months_are_folded_and_small_counts_hidden() {
        let p = sample().public();
        let districts: Vec<u16> = p.districts.iter().map(|(d, _)| *d).collect();
        assert_eq!(districts, [47, 1], "by outstanding");
        assert_eq!(
            p.other_districts,
            Some(Figures {
                claims: Count::Few,
                victims: Count::Few,
                paid_poisha: 5_000 * TK,
                refunded_poisha: 0,
                outstanding_poisha: 5_000 * TK,
            })
        );
        let months: Vec<&str> = p.months.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(months, ["2021-07"]);
        let other = p.other_months.unwrap();
        assert_eq!((other.claims, other.victims), (Count::Few, Count::Few));
        assert_eq!(other.paid_poisha, 1_100 * TK);
    }

    #[test]
    fn counts_below_five_are_few_and_nothing_is_folded_when_nothing_is_small() {
        assert_eq!(Count::of(0), Count::Exact(0));
        assert_eq!(Count::of(1), Count::Few);
        assert_eq!(Count::of(4), Count::Few);
        assert_eq!(Count::of(5), Count::Exact(5));
        let r = Report::build(
            &[merchant(1, "Evaly", "ইভ্যালি", MerchantStatus::Operating)],
            vec![summary(1, 5, 5, 100, 0)],
            vec![district(47, 5, 5, 100)],
            vec![month("2021-07", 5, 5, 100)],
            at(),
        );
        let p = r.public();
        assert_eq!(p.merchants.len(), 1);
        assert_eq!(p.other_merchants, None);
        assert_eq!(p.pending_merchants, None);
        assert_eq!(p.other_districts, None);
        assert_eq!(p.other_months, None);
        let empty = Report::build(&[], vec![], vec![], vec![], at()).public();
        assert!(empty.merchants.is_empty());
        assert_eq!(empty.total_claims, Count::Exact(0));
    }
}
