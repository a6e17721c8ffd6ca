//! The supervisors' dashboard: how many cases came in, of what kind, how old the backlog
//! is, how many were resolved in time, and how satisfied customers were.
//!
//! The store does the counting ([`seba_store::ReportStore`], aggregated from covering
//! indexes); this module turns a range of local calendar days into instants, fills in the
//! days without cases, and keeps each range's answer for [`DASHBOARD_TTL`], so that a wall
//! of dashboards refreshing every few seconds does not rescan the store. Like the settings
//! cache, it is derived state: dropping it costs one recount.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

use seba_core::case::{Channel, InputError, UnknownCode};
use seba_store::{Backlog, CategoryCount, ReportWindow, SlaDay};

use crate::{App, AppError};

/// How long one range's numbers are served from memory.
pub const DASHBOARD_TTL: Duration = Duration::from_secs(60);
/// The longest range the dashboard counts at once.
pub const MAX_RANGE_DAYS: i32 = 366;
/// Ranges kept at once; more are rare (a handful of dashboards ask the same few).
const CACHED_RANGES: usize = 32;

/// Everything the dashboard shows for one range of local calendar days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DashboardStats {
    /// The first and last local day of the range (both included).
    pub from: Date,
    pub to: Date,
    pub generated_at: Timestamp,
    /// Cases created on each day of the range, oldest first, empty days included.
    pub created: Vec<CreatedOnDay>,
    pub created_total: i64,
    /// Cases created in the range per channel, most first.
    pub channels: Vec<ChannelCount>,
    /// Cases created in the range per category code as stored (a top-level code or a
    /// child such as `mfs.wrong_transfer`), most first.
    pub categories: Vec<CategoryCount>,
    /// The same, with each child counted towards its top-level category.
    pub top_categories: Vec<CategoryCount>,
    /// Active cases by age, now (not limited to the range).
    pub backlog: Backlog,
    pub sla: SlaSummary,
    pub csat: CsatSummary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatedOnDay {
    pub day: Date,
    pub total: i64,
    /// Channels with cases that day, by channel code.
    pub channels: Vec<ChannelCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelCount {
    pub channel: Channel,
    pub cases: i64,
}

/// Resolution against the SLA for cases resolved in the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaSummary {
    /// Each day of the range, oldest first, empty days included.
    pub days: Vec<SlaDay>,
    /// Resolved within their resolution due.
    pub met: i64,
    /// Resolved after it.
    pub missed: i64,
    /// `met` as a share of all resolved, in percent; `None` if none were resolved.
    pub met_percent: Option<f64>,
    /// Active cases past their due right now (paused ones excepted).
    pub breached_now: i64,
}

/// Customers' ratings given in the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsatSummary {
    /// `per_score[0]` counts the 1s, `per_score[4]` the 5s.
    pub per_score: [i64; 5],
    pub total: i64,
    pub mean: Option<f64>,
}

/// A range of local days, both included.
type Range = (Date, Date);

/// The dashboards' answers by range, each with the moment it was counted.
#[derive(Default)]
pub(crate) struct DashboardCache(Mutex<HashMap<Range, (Instant, Arc<DashboardStats>)>>);

impl DashboardCache {
    fn get(&self, range: Range) -> Option<Arc<DashboardStats>> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&range)
            .filter(|(at, _)| at.elapsed() < DASHBOARD_TTL)
            .map(|(_, stats)| stats.clone())
    }

    fn put(&self, range: Range, stats: Arc<DashboardStats>) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, (at, _)| at.elapsed() < DASHBOARD_TTL);
        if map.len() >= CACHED_RANGES {
            map.clear();
        }
        map.insert(range, (Instant::now(), stats));
    }
}

fn bad_range(from: Date, to: Date) -> AppError {
    AppError::Input(InputError::Code(UnknownCode {
        kind: "range",
        code: format!("{from}..{to}"),
    }))
}

/// Every day from `from` to `to`, both included.
fn days(from: Date, to: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        out.push(d);
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    out
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

fn most_first(counts: BTreeMap<String, i64>) -> Vec<CategoryCount> {
    let mut out: Vec<CategoryCount> = counts
        .into_iter()
        .map(|(category, cases)| CategoryCount { category, cases })
        .collect();
    // Stable: equal counts stay in code order.
    out.sort_by_key(|c| std::cmp::Reverse(c.cases));
    out
}

impl App {
    fn report_zone(&self) -> Result<TimeZone, AppError> {
        TimeZone::get(&self.settings.time_zone)
            .map_err(|e| AppError::Config(format!("time_zone: {e}")))
    }

    /// The default range: the last 30 local days, today included.
    pub fn last_30_days(&self) -> Result<(Date, Date), AppError> {
        let today = self.now().to_zoned(self.report_zone()?).date();
        let from = today
            .checked_sub(29.days())
            .map_err(|_| bad_range(today, today))?;
        Ok((from, today))
    }

    /// The dashboard for the local days `from` to `to` (both included), counted at most
    /// once a minute per range.
    pub async fn dashboard(&self, from: Date, to: Date) -> Result<DashboardStats, AppError> {
        if from > to || (to - from).get_days() >= MAX_RANGE_DAYS {
            return Err(bad_range(from, to));
        }
        if let Some(stats) = self.reports.get((from, to)) {
            return Ok((*stats).clone());
        }
        let stats = Arc::new(self.count_dashboard(from, to).await?);
        self.reports.put((from, to), stats.clone());
        Ok((*stats).clone())
    }

    async fn count_dashboard(&self, from: Date, to: Date) -> Result<DashboardStats, AppError> {
        let tz = self.report_zone()?;
        let start = from
            .to_zoned(tz.clone())
            .map_err(|_| bad_range(from, to))?
            .timestamp();
        let end = to
            .tomorrow()
            .and_then(|d| d.to_zoned(tz.clone()))
            .map_err(|_| bad_range(from, to))?
            .timestamp();
        // One offset for the whole range: exact for zones without daylight saving time,
        // such as Asia/Dhaka.
        let window = ReportWindow {
            from: start,
            to: end,
            utc_offset_seconds: tz.to_offset(start).seconds(),
        };
        let now = self.now();
        let (per_day, categories, backlog, sla_days, csat) = tokio::try_join!(
            self.store.created_per_day(&window),
            self.store.created_per_category(&window),
            self.store.backlog(now),
            self.store.sla_per_day(&window),
            self.store.csat(&window),
        )?;

        let range = days(from, to);
        let mut channel_totals: BTreeMap<&'static str, (Channel, i64)> = BTreeMap::new();
        let mut by_day: BTreeMap<Date, Vec<ChannelCount>> = BTreeMap::new();
        for c in &per_day {
            channel_totals
                .entry(c.channel.as_str())
                .or_insert((c.channel, 0))
                .1 += c.cases;
            by_day.entry(c.day).or_default().push(ChannelCount {
                channel: c.channel,
                cases: c.cases,
            });
        }
        let created: Vec<CreatedOnDay> = range
            .iter()
            .map(|&day| {
                let channels = by_day.remove(&day).unwrap_or_default();
                CreatedOnDay {
                    day,
                    total: channels.iter().map(|c| c.cases).sum(),
                    channels,
                }
            })
            .collect();
        let mut channels: Vec<ChannelCount> = channel_totals
            .into_values()
            .map(|(channel, cases)| ChannelCount { channel, cases })
            .collect();
        channels.sort_by_key(|c| std::cmp::Reverse(c.cases));

        let mut top: BTreeMap<String, i64> = BTreeMap::new();
        for c in &categories {
            let parent = c.category.split('.').next().unwrap_or(&c.category);
            *top.entry(parent.to_string()).or_default() += c.cases;
        }

        let mut sla_by_day: BTreeMap<Date, SlaDay> =
            sla_days.into_iter().map(|d| (d.day, d)).collect();
        let sla_days: Vec<SlaDay> = range
            .iter()
            .map(|&day| {
                sla_by_day.remove(&day).unwrap_or(SlaDay {
                    day,
                    met: 0,
                    missed: 0,
                })
            })
            .collect();
        let met: i64 = sla_days.iter().map(|d| d.met).sum();
        let missed: i64 = sla_days.iter().map(|d| d.missed).sum();

        Ok(DashboardStats {
            from,
            to,
            generated_at: now,
            created_total: created.iter().map(|d| d.total).sum(),
            created,
            channels,
            categories,
            top_categories: most_first(top),
            sla: SlaSummary {
                days: sla_days,
                met,
                missed,
                met_percent: percent(met, met + missed),
                breached_now: backlog.breached,
            },
            backlog,
            csat: CsatSummary {
                per_score: csat.per_score,
                total: csat.total(),
                mean: csat.mean(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use jiff::SignedDuration;
    use jiff::civil::date;

    use seba_core::lifecycle::Action;
    use seba_store::AgeBucket;

    use super::*;
    use crate::cases::{Caller, NewCaseInput};
    use crate::testing::TestApp;

    async fn file(t: &TestApp, channel: Channel, category: &str) -> seba_core::ids::CaseId {
        let (case, _) = t
            .app
            .create_case(
                NewCaseInput {
                    channel: Some(channel),
                    category: category.into(),
                    body: "টাকা পাঠিয়েছি কিন্তু পৌঁছায়নি".into(),
                    requester_msisdn: Some("01712345678".into()),
                    ..NewCaseInput::default()
                },
                Caller::customer(),
                None,
            )
            .await
            .unwrap();
        case.id
    }

    #[tokio::test]
    async fn the_dashboard_counts_local_days_and_keeps_its_answer() {
        let t = TestApp::new().await;
        let at = |s: &str| {
            let when: Timestamp = s.parse().unwrap();
            t.clock.set(when);
        };
        // 23:30 on Friday the 20th in Dhaka, then 00:30 on the 21st (both the 20th in UTC).
        at("2026-11-20T17:30:00Z");
        let a = file(&t, Channel::Web, "mfs.wrong_transfer").await;
        at("2026-11-20T18:30:00Z");
        let b = file(&t, Channel::Hotline, "mfs.cash_out").await;
        at("2026-11-21T09:00:00Z");
        file(&t, Channel::Web, "general.enquiry").await;
        t.app
            .transition(a, Action::Resolve, Caller::system(), None, None)
            .await
            .unwrap();
        t.app.rate_case(a, "৪", "", None).await.unwrap();
        at("2026-11-22T04:00:00Z");
        t.app
            .transition(b, Action::Resolve, Caller::system(), None, None)
            .await
            .unwrap();
        t.app.rate_case(b, "2", "", None).await.unwrap();

        let d = t
            .app
            .dashboard(date(2026, 11, 19), date(2026, 11, 22))
            .await
            .unwrap();
        assert_eq!(
            d.created
                .iter()
                .map(|x| (x.day, x.total))
                .collect::<Vec<_>>(),
            [
                (date(2026, 11, 19), 0),
                (date(2026, 11, 20), 1),
                (date(2026, 11, 21), 2),
                (date(2026, 11, 22), 0),
            ]
        );
        assert_eq!(d.created_total, 3);
        assert_eq!(
            d.channels,
            [
                ChannelCount {
                    channel: Channel::Web,
                    cases: 2
                },
                ChannelCount {
                    channel: Channel::Hotline,
                    cases: 1
                },
            ]
        );
        assert_eq!(
            d.top_categories,
            [
                CategoryCount {
                    category: "mfs".into(),
                    cases: 2
                },
                CategoryCount {
                    category: "general".into(),
                    cases: 1
                },
            ]
        );
        assert_eq!(d.categories.len(), 3);
        assert_eq!(d.sla.met, 2, "{:?}", d.sla);
        assert_eq!(d.sla.missed, 0);
        assert_eq!(d.sla.met_percent, Some(100.0));
        assert_eq!(d.sla.days.len(), 4);
        assert_eq!(d.csat.per_score, [0, 1, 0, 1, 0]);
        assert_eq!(d.csat.mean, Some(3.0));
        // The enquiry is the only active case: filed 19 hours before "now".
        assert_eq!(d.backlog.total(), 1);
        assert_eq!(d.backlog.ages[0], (AgeBucket::UnderOneDay, 1));

        // Within the minute the same range is answered from memory.
        file(&t, Channel::App, "general.enquiry").await;
        let again = t
            .app
            .dashboard(date(2026, 11, 19), date(2026, 11, 22))
            .await
            .unwrap();
        assert_eq!(again, d);
        // Another range is counted afresh.
        let today = t
            .app
            .dashboard(date(2026, 11, 22), date(2026, 11, 22))
            .await
            .unwrap();
        assert_eq!(today.created_total, 1);
        assert_eq!(today.backlog.total(), 2);

        // The default range ends today.
        t.clock.advance(SignedDuration::from_hours(1));
        assert_eq!(
            t.app.last_30_days().unwrap(),
            (date(2026, 10, 24), date(2026, 11, 22))
        );
    }

    #[tokio::test]
    async fn ranges_are_checked() {
        let t = TestApp::new().await;
        for (from, to) in [
            (date(2026, 11, 22), date(2026, 11, 21)),
            (date(2025, 1, 1), date(2026, 11, 22)),
        ] {
            let e = t.app.dashboard(from, to).await.unwrap_err();
            assert!(
                matches!(&e, AppError::Input(i) if i.field() == "range"),
                "{e:?}"
            );
        }
        let year = t
            .app
            .dashboard(date(2025, 11, 23), date(2026, 11, 22))
            .await
            .unwrap();
        assert_eq!(year.created.len(), 365);
        assert_eq!(year.created_total, 0);
        assert_eq!(year.csat.mean, None);
        assert_eq!(year.sla.met_percent, None);
    }
}
