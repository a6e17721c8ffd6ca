//! The locator: the nearest open service points to a place, answered from memory.
//!
//! Each node keeps every open point in a [`PointIndex`] (an R-tree on the sphere) with
//! its parsed opening hours, loaded from the store on first use and kept current from the
//! store's change feed: every change to a point commits a `point.changed` outbox row,
//! and [`App::sync_locator`] reloads the points those rows name. A change made through
//! this node is applied at once as well, so whoever saved a point sees it on the next
//! page; other nodes see it within the feed's polling interval (see [`run`]). Applying a
//! change twice is harmless: a point replaces what the index holds only if its version is
//! not older.
//!
//! Closed points leave the index. A pop-up desk stays in it outside its dates, and the
//! query skips it unless the day asked about falls inside them, so a desk appears on its
//! first morning without anything having to happen at midnight.
//!
//! Opening hours are parsed once per distinct string (agent points share a handful) and
//! evaluated with the holiday list as `PH`; hours that name sunrise or sunset are parsed
//! per point, with the sun reckoned where the point is. The holiday list is reloaded every
//! [`HOLIDAY_REFRESH`]; a change rebuilds every schedule.
//!
//! Without coordinates, a customer names a district or an upazila. A district is
//! searched from its centre; an upazila from the mean position of the points in it
//! (the data has no upazila centres), or from its district's centre if it has none.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use tokio::sync::OnceCell;

use seba_core::bilingual::{Bilingual, Explain};
use seba_geo::{DistrictId, DivisionId, Geography, UpazilaId};
use seba_locator::hours::{Holidays, Schedule, Status, local_date};
use seba_locator::nearest::{Coord, Direction, Limit, PointId, PointIndex};
use seba_locator::points::{PointKind, Service, ServicePoint};
use seba_store::{OutboxPos, StoreError};

use crate::points::{POINT_CHANGED, point_of};
use crate::{App, AppError};

/// How often the feed task re-reads the holiday list.
pub const HOLIDAY_REFRESH: Duration = Duration::from_secs(30);
/// How often the feed task looks for changes made through other nodes.
pub const POLL: Duration = Duration::from_millis(500);
/// Outbox rows read per step.
const BATCH: u32 = 2000;

/// A point in the index with its parsed hours.
#[derive(Debug)]
pub struct Entry {
    pub point: ServicePoint,
    pub schedule: Arc<Schedule>,
}

/// Where to search from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Origin {
    At(Coord),
    District(DistrictId),
    Upazila(UpazilaId),
}

/// Which points count: any, or only those open at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpenFilter {
    #[default]
    Any,
    /// Open at this instant (now, or a time the customer asked about).
    At(Timestamp),
}

/// A nearest-points question.
#[derive(Debug, Clone, PartialEq)]
pub struct NearQuery {
    pub from: Origin,
    pub k: Limit,
    pub kind: Option<PointKind>,
    pub service: Option<Service>,
    pub open: OpenFilter,
}

impl NearQuery {
    /// The 5 nearest points of any kind to `from`, open or not.
    pub fn new(from: Origin) -> NearQuery {
        NearQuery {
            from,
            k: Limit::default(),
            kind: None,
            service: None,
            open: OpenFilter::Any,
        }
    }
}

/// One answer: the point, how far and which way, and its hours at the instant asked about.
#[derive(Debug, Clone)]
pub struct Near {
    pub entry: Arc<Entry>,
    pub distance_m: f64,
    pub bearing_deg: f64,
    /// `None` when the point is where the search started (under a metre).
    pub direction: Option<Direction>,
    pub status: Status,
    pub closes_at: Option<Timestamp>,
    pub next_opening: Option<Timestamp>,
    /// "আজ সন্ধ্যা ৭টা পর্যন্ত খোলা" / "Open today until 7 pm".
    pub hours_now: Bilingual,
}

/// The answer to a [`NearQuery`].
#[derive(Debug, Clone)]
pub struct Nearby {
    /// Where the search started (for an area, its centre as described above).
    pub from: Coord,
    /// The instant the open/closed states describe.
    pub at: Timestamp,
    pub hits: Vec<Near>,
}

/// Why a question could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum LocatorError {
    #[error("unknown district {0}")]
    UnknownDistrict(u16),
    #[error("unknown upazila {0}")]
    UnknownUpazila(u16),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for LocatorError {
    fn from(e: StoreError) -> Self {
        LocatorError::App(e.into())
    }
}

impl Explain for LocatorError {
    fn explain(&self) -> Bilingual {
        match self {
            LocatorError::UnknownDistrict(id) => Bilingual::new(
                format!("{id} নম্বরে কোনো জেলা নেই।"),
                format!("There is no district {id}."),
            ),
            LocatorError::UnknownUpazila(id) => Bilingual::new(
                format!("{id} নম্বরে কোনো উপজেলা নেই।"),
                format!("There is no upazila {id}."),
            ),
            LocatorError::App(e) => e.explain(),
        }
    }
}

/// The directory's order: kind, division, district, id.
type DirectoryKey = (PointKind, DivisionId, DistrictId, i64);

fn directory_key(p: &ServicePoint) -> DirectoryKey {
    (p.kind, p.division, p.district, p.id)
}

/// Running sums for an upazila's mean position.
#[derive(Debug, Default, Clone, Copy)]
struct Sum {
    lat: f64,
    lon: f64,
    n: u32,
}

#[derive(Debug, Default)]
struct Live {
    index: PointIndex<Arc<Entry>>,
    by_id: HashMap<i64, Arc<Entry>>,
    directory: BTreeMap<DirectoryKey, Arc<Entry>>,
    upazilas: HashMap<UpazilaId, Sum>,
    schedules: HashMap<String, Arc<Schedule>>,
    holidays: Vec<Date>,
    compiled_holidays: Holidays,
    /// The change feed has been applied up to here.
    pos: OutboxPos,
}

impl Live {
    /// The parsed hours of `point`: shared with every point of the same string, unless
    /// they follow the sun, which depends on where the point is.
    fn schedule(&mut self, point: &ServicePoint) -> Option<Arc<Schedule>> {
        if let Some(s) = self.schedules.get(&point.hours) {
            return Some(s.clone());
        }
        match Schedule::parse(&point.hours) {
            Ok(s) => {
                let s = s.with_holidays(&self.compiled_holidays);
                if s.follows_the_sun() {
                    return Some(Arc::new(s.at_place(point.coord.lat(), point.coord.lon())));
                }
                let s = Arc::new(s);
                self.schedules.insert(point.hours.clone(), s.clone());
                Some(s)
            }
            Err(e) => {
                tracing::warn!(point = point.id, error = %e, "stored opening hours do not parse; point left out");
                None
            }
        }
    }

    fn remove(&mut self, id: i64) {
        if let Some(old) = self.by_id.remove(&id) {
            self.index.remove(PointId(id));
            self.directory.remove(&directory_key(&old.point));
            if let Some(u) = old.point.upazila
                && let Some(sum) = self.upazilas.get_mut(&u)
            {
                sum.lat -= old.point.coord.lat();
                sum.lon -= old.point.coord.lon();
                sum.n = sum.n.saturating_sub(1);
            }
        }
    }

    /// Put `point` in (or take it out, if closed), unless what is held is newer.
    fn apply(&mut self, point: ServicePoint) {
        if let Some(held) = self.by_id.get(&point.id)
            && held.point.version > point.version
        {
            return;
        }
        self.remove(point.id);
        if point.closed {
            return;
        }
        let Some(schedule) = self.schedule(&point) else {
            return;
        };
        if let Some(u) = point.upazila {
            let sum = self.upazilas.entry(u).or_default();
            sum.lat += point.coord.lat();
            sum.lon += point.coord.lon();
            sum.n += 1;
        }
        let (id, coord, key) = (point.id, point.coord, directory_key(&point));
        let entry = Arc::new(Entry { point, schedule });
        self.index.insert(PointId(id), coord, entry.clone());
        self.directory.insert(key, entry.clone());
        self.by_id.insert(id, entry);
    }

    fn build(points: Vec<ServicePoint>, holidays: Vec<Date>, pos: OutboxPos) -> Live {
        let mut live = Live {
            compiled_holidays: Holidays::new(holidays.iter().copied()),
            holidays,
            pos,
            ..Live::default()
        };
        let mut leaves = Vec::with_capacity(points.len());
        for point in points {
            if point.closed {
                continue;
            }
            let Some(schedule) = live.schedule(&point) else {
                continue;
            };
            if let Some(u) = point.upazila {
                let sum = live.upazilas.entry(u).or_default();
                sum.lat += point.coord.lat();
                sum.lon += point.coord.lon();
                sum.n += 1;
            }
            let (id, coord, key) = (point.id, point.coord, directory_key(&point));
            let entry = Arc::new(Entry { point, schedule });
            live.directory.insert(key, entry.clone());
            live.by_id.insert(id, entry.clone());
            leaves.push((PointId(id), coord, entry));
        }
        // Ids are unique in the store, so the bulk load cannot refuse them.
        live.index = PointIndex::build(leaves).unwrap_or_default();
        live
    }

    /// A new holiday list: every schedule is rebuilt with it.
    fn set_holidays(&mut self, holidays: Vec<Date>) {
        if holidays == self.holidays {
            return;
        }
        let points: Vec<ServicePoint> = self.by_id.values().map(|e| e.point.clone()).collect();
        *self = Live::build(points, holidays, self.pos);
    }

    fn origin(&self, from: Origin) -> Result<Coord, LocatorError> {
        let geo = Geography::bangladesh();
        let centre = |d: DistrictId| {
            let district = geo.district(d).ok_or(LocatorError::UnknownDistrict(d.0))?;
            Coord::new(district.centre.lat, district.centre.lon)
                .map_err(|e| LocatorError::App(AppError::Store(StoreError::Backend(e.to_string()))))
        };
        match from {
            Origin::At(c) => Ok(c),
            Origin::District(d) => centre(d),
            Origin::Upazila(u) => {
                let upazila = geo.upazila(u).ok_or(LocatorError::UnknownUpazila(u.0))?;
                match self.upazilas.get(&u) {
                    Some(s) if s.n > 0 => {
                        let n = f64::from(s.n);
                        Coord::new(s.lat / n, s.lon / n).or_else(|_| centre(upazila.district))
                    }
                    _ => centre(upazila.district),
                }
            }
        }
    }
}

/// The node's in-memory view of the open service points. Cheap to share; see the module
/// documentation.
#[derive(Debug, Default)]
pub struct Locator {
    live: OnceCell<RwLock<Live>>,
}

impl Locator {
    fn loaded(&self) -> Option<&RwLock<Live>> {
        self.live.get()
    }
}

/// Reads under the lock even if a writer panicked: the index is rebuilt from the store on
/// restart, and a half-applied change is at worst one stale point.
fn read(lock: &RwLock<Live>) -> std::sync::RwLockReadGuard<'_, Live> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write(lock: &RwLock<Live>) -> std::sync::RwLockWriteGuard<'_, Live> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

impl App {
    async fn locator(&self) -> Result<&RwLock<Live>, AppError> {
        self.locator
            .live
            .get_or_try_init(|| async {
                // The position first: a change committed after it is read again by the
                // feed, one committed before it is in the snapshot.
                let pos = self.store.outbox_head().await?;
                let holidays = self.holiday_dates().await?;
                let points = self
                    .store
                    .service_points(false)
                    .await?
                    .into_iter()
                    .map(point_of)
                    .collect::<Result<Vec<_>, _>>()?;
                let n = points.len();
                let live = tokio::task::spawn_blocking(move || Live::build(points, holidays, pos))
                    .await
                    .map_err(|e| AppError::Store(StoreError::Backend(e.to_string())))?;
                tracing::info!(points = n, "locator index built");
                Ok::<_, AppError>(RwLock::new(live))
            })
            .await
    }

    async fn holiday_dates(&self) -> Result<Vec<Date>, AppError> {
        let mut dates: Vec<Date> = self
            .store
            .holidays()
            .await?
            .into_iter()
            .map(|h| h.date)
            .collect();
        dates.sort_unstable();
        dates.dedup();
        Ok(dates)
    }

    /// A point this node just wrote: into the index at once, if the index is loaded.
    pub(crate) fn locator_saw(&self, points: &[ServicePoint]) {
        if let Some(lock) = self.locator.loaded() {
            let mut live = write(lock);
            for p in points {
                live.apply(p.clone());
            }
        }
    }

    /// Apply the point changes committed since the last sync (by any node); returns how
    /// many outbox rows were read. Loads the index first if it is not loaded yet.
    pub async fn sync_locator(&self) -> Result<usize, AppError> {
        let lock = self.locator().await?;
        let mut read_rows = 0;
        loop {
            let from = read(lock).pos;
            let rows = self.store.outbox_after(from, BATCH).await?;
            let Some(last) = rows.last().map(|r| r.pos) else {
                return Ok(read_rows);
            };
            read_rows += rows.len();
            let mut ids: Vec<i64> = rows
                .iter()
                .filter(|r| r.topic == POINT_CHANGED)
                .filter_map(|r| r.payload.get("point_id").and_then(|v| v.as_i64()))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let mut fresh = Vec::with_capacity(ids.len());
            let mut gone = Vec::new();
            for id in ids {
                match self.store.service_point(id).await? {
                    Some(r) => fresh.push(point_of(r)?),
                    None => gone.push(id),
                }
            }
            let full = rows.len() == BATCH as usize;
            let mut live = write(lock);
            for id in gone {
                live.remove(id);
            }
            for p in fresh {
                live.apply(p);
            }
            live.pos = live.pos.max(last);
            drop(live);
            if !full {
                return Ok(read_rows);
            }
        }
    }

    /// Re-read the holiday list; schedules are rebuilt if it changed.
    pub async fn refresh_locator_holidays(&self) -> Result<(), AppError> {
        let lock = self.locator().await?;
        let dates = self.holiday_dates().await?;
        if read(lock).holidays != dates {
            let mut live = write(lock);
            live.set_holidays(dates);
        }
        Ok(())
    }

    /// The nearest points that match `query`, nearest first, with their state at the
    /// instant asked about (now, unless the query asks about another time).
    pub async fn nearest(&self, query: &NearQuery) -> Result<Nearby, LocatorError> {
        let lock = self.locator().await?;
        let at = match query.open {
            OpenFilter::At(t) => t,
            OpenFilter::Any => self.now(),
        };
        let day = local_date(at);
        let live = read(lock);
        let from = live.origin(query.from)?;
        let must_be_open = matches!(query.open, OpenFilter::At(_));
        let hits = live
            .index
            .nearest(from, query.k, |e: &Arc<Entry>| {
                let p = &e.point;
                query.kind.is_none_or(|k| p.kind == k)
                    && query.service.is_none_or(|s| p.services.contains(&s))
                    && p.is_active_on(day)
                    && (!must_be_open || e.schedule.is_open(at))
            })
            .into_iter()
            .map(|hit| {
                let entry = hit.payload.clone();
                let status = entry.schedule.state_at(at);
                Near {
                    closes_at: entry.schedule.closes_at(at),
                    next_opening: entry.schedule.next_opening(at),
                    hours_now: entry.schedule.describe(at),
                    status,
                    distance_m: hit.distance_m,
                    bearing_deg: hit.bearing_deg,
                    direction: hit.direction,
                    entry,
                }
            })
            .collect();
        Ok(Nearby { from, at, hits })
    }

    /// One open point from the index (closed points are not in it).
    pub async fn located(&self, id: i64) -> Result<Option<Arc<Entry>>, AppError> {
        let lock = self.locator().await?;
        Ok(read(lock).by_id.get(&id).cloned())
    }

    /// The open points of one kind, by division, district and id, optionally only those
    /// of one district: the public directory. Pop-up desks outside their dates are left
    /// out.
    pub async fn directory(
        &self,
        kind: PointKind,
        district: Option<DistrictId>,
    ) -> Result<Vec<Arc<Entry>>, AppError> {
        let lock = self.locator().await?;
        let day = local_date(self.now());
        let live = read(lock);
        Ok(live
            .directory
            .range(
                (kind, DivisionId(0), DistrictId(0), i64::MIN)
                    ..=(kind, DivisionId(u16::MAX), DistrictId(u16::MAX), i64::MAX),
            )
            .map(|(_, e)| e)
            .filter(|e| district.is_none_or(|d| e.point.district == d))
            .filter(|e| e.point.is_active_on(day))
            .cloned()
            .collect())
    }

    /// How many open points the index holds.
    pub async fn located_count(&self) -> Result<usize, AppError> {
        let lock = self.locator().await?;
        Ok(read(lock).index.len())
    }
}

/// Keep this node's index current: sync every [`POLL`], re-read the holidays every
/// [`HOLIDAY_REFRESH`], until `stop` fires. The index is loaded at once, so the first
/// customer does not wait for it.
pub async fn run(app: App, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut since_holidays = Duration::ZERO;
    loop {
        if let Err(e) = app.sync_locator().await {
            tracing::warn!(error = %e, "locator sync failed");
        }
        if since_holidays >= HOLIDAY_REFRESH {
            since_holidays = Duration::ZERO;
            if let Err(e) = app.refresh_locator_holidays().await {
                tracing::warn!(error = %e, "locator holiday refresh failed");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => since_holidays += POLL,
            _ = stop.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use seba_core::ids::UserId;
    use seba_core::staff::Role;
    use seba_locator::hours::State;
    use seba_locator::points::PointInput;
    use seba_store::Holiday;

    use super::*;
    use crate::AppSettings;
    use crate::cases::Caller;
    use crate::testing::TestApp;

    fn admin() -> Caller {
        Caller::staff(UserId(1), Role::Admin)
    }

    /// A point in Dhaka district, `km_east` kilometres east of Motijheel.
    fn dhaka(name: &str, km_east: f64, kind: &str, hours: &str) -> PointInput {
        PointInput {
            kind: kind.into(),
            name_bn: name.into(),
            name_en: name.into(),
            address_bn: "ঢাকা".into(),
            address_en: "Dhaka".into(),
            district: "Dhaka".into(),
            lat: "23.7310".into(),
            lon: format!("{:.5}", 90.4177 + km_east / 101.9),
            services: vec!["pin_reset".into()],
            hours: hours.into(),
            ..PointInput::default()
        }
    }

    fn from_motijheel() -> NearQuery {
        NearQuery::new(Origin::At(Coord::new(23.7310, 90.4177).unwrap()))
    }

    async fn names(t: &TestApp, q: &NearQuery) -> Vec<String> {
        t.app
            .nearest(q)
            .await
            .unwrap()
            .hits
            .iter()
            .map(|h| h.entry.point.name_en.clone())
            .collect()
    }

    async fn save(t: &TestApp, input: PointInput) -> ServicePoint {
        t.app.save_point(None, &input, admin(), None).await.unwrap()
    }

    #[tokio::test]
    async fn answers_are_nearest_first_with_distance_direction_and_hours() {
        let t = TestApp::bare().await;
        save(&t, dhaka("far", 6.0, "care_centre", "Sa-Th 10:00-18:00")).await;
        save(&t, dhaka("near", 1.0, "care_centre", "Sa-Th 10:00-18:00")).await;
        save(&t, dhaka("mid", 3.0, "care_centre", "Fr 10:00-18:00")).await;
        let answer = t.app.nearest(&from_motijheel()).await.unwrap();
        let near = &answer.hits[0];
        assert_eq!(near.entry.point.name_en, "near");
        assert!(
            (near.distance_m - 1000.0).abs() < 30.0,
            "{}",
            near.distance_m
        );
        assert_eq!(near.direction, Some(Direction::E));
        // Sunday 10:00 in Dhaka: open until 18:00.
        assert_eq!(near.status.state, State::Open);
        assert_eq!(near.hours_now.en, "Open today until 6 pm");
        assert_eq!(
            near.closes_at,
            Some("2026-11-22T12:00:00Z".parse().unwrap())
        );
        assert_eq!(names(&t, &from_motijheel()).await, ["near", "mid", "far"]);
        // Only those open now: the Friday-only centre drops out.
        let mut open = from_motijheel();
        open.open = OpenFilter::At(t.app.now());
        assert_eq!(names(&t, &open).await, ["near", "far"]);
        // At a time asked about: Friday noon, only it.
        open.open = OpenFilter::At("2026-11-27T06:00:00Z".parse().unwrap());
        assert_eq!(names(&t, &open).await, ["mid"]);
        let mut two = from_motijheel();
        two.k = Limit::new(2).unwrap();
        assert_eq!(names(&t, &two).await, ["near", "mid"]);
    }

    #[tokio::test]
    async fn kind_service_dates_and_closing_filter_the_answer() {
        let t = TestApp::bare().await;
        let centre = save(&t, dhaka("centre", 2.0, "care_centre", "24/7")).await;
        let mut agent = dhaka("agent", 1.0, "agent_point", "24/7");
        agent.services = vec!["cash_in_out".into()];
        save(&t, agent).await;
        let mut fair = dhaka("fair", 0.5, "popup_desk", "24/7");
        fair.active_from = Some("2026-12-01".into());
        fair.active_to = Some("2026-12-31".into());
        save(&t, fair).await;

        assert_eq!(names(&t, &from_motijheel()).await, ["agent", "centre"]);
        let mut q = from_motijheel();
        q.kind = Some(PointKind::CareCentre);
        assert_eq!(names(&t, &q).await, ["centre"]);
        q.kind = None;
        q.service = Some(Service::PinReset);
        assert_eq!(names(&t, &q).await, ["centre"]);
        // The pop-up desk appears on its first day (asked about, or when that day comes).
        let mut december = from_motijheel();
        december.open = OpenFilter::At("2026-12-01T04:00:00Z".parse().unwrap());
        assert_eq!(names(&t, &december).await, ["fair", "agent", "centre"]);
        t.clock.set("2026-12-31T17:00:00Z".parse().unwrap());
        assert_eq!(
            names(&t, &from_motijheel()).await,
            ["fair", "agent", "centre"]
        );
        t.clock.set("2026-12-31T18:00:00Z".parse().unwrap());
        assert_eq!(names(&t, &from_motijheel()).await, ["agent", "centre"]);

        // A closed point leaves at once; reopened, it is back.
        t.app
            .close_point(centre.id, "moved", admin())
            .await
            .unwrap();
        assert_eq!(names(&t, &from_motijheel()).await, ["agent"]);
        assert!(t.app.located(centre.id).await.unwrap().is_none());
        t.app.reopen_point(centre.id, admin()).await.unwrap();
        assert_eq!(names(&t, &from_motijheel()).await, ["agent", "centre"]);
        assert_eq!(t.app.located_count().await.unwrap(), 3);
    }

    #[tokio::test]
    async fn changes_made_through_another_node_arrive_through_the_feed() {
        let t = TestApp::bare().await;
        save(&t, dhaka("first", 1.0, "care_centre", "24/7")).await;
        assert_eq!(names(&t, &from_motijheel()).await, ["first"]);
        // Another node: the same store, its own index.
        let other = App::new(
            t.app.store.clone(),
            t.app.clock.clone(),
            t.app.random.clone(),
            AppSettings::default(),
        );
        let second = other
            .save_point(
                None,
                &dhaka("second", 2.0, "care_centre", "24/7"),
                admin(),
                None,
            )
            .await
            .unwrap();
        // This node has not looked yet; after a sync it has.
        assert_eq!(names(&t, &from_motijheel()).await, ["first"]);
        assert!(t.app.sync_locator().await.unwrap() >= 1);
        assert_eq!(names(&t, &from_motijheel()).await, ["first", "second"]);
        other.close_point(second.id, "gone", admin()).await.unwrap();
        t.app.sync_locator().await.unwrap();
        assert_eq!(names(&t, &from_motijheel()).await, ["first"]);
        // Replaying the feed changes nothing.
        assert_eq!(t.app.sync_locator().await.unwrap(), 0);
        assert_eq!(t.app.located_count().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn districts_and_upazilas_are_searched_from_their_centres() {
        let t = TestApp::bare().await;
        let mut savar = dhaka("savar", 0.0, "care_centre", "24/7");
        savar.upazila = Some("Savar".into());
        savar.lat = "23.8583".into();
        savar.lon = "90.2667".into();
        save(&t, savar).await;
        save(&t, dhaka("motijheel", 0.0, "care_centre", "24/7")).await;
        let dhaka_id = Geography::bangladesh().find_district("Dhaka").unwrap().id;
        let by_district = t
            .app
            .nearest(&NearQuery::new(Origin::District(dhaka_id)))
            .await
            .unwrap();
        assert_eq!(by_district.hits.len(), 2);
        // From an upazila with a point in it: that point, at no distance.
        let savar_id = by_district
            .hits
            .iter()
            .find_map(|h| h.entry.point.upazila)
            .unwrap();
        let by_upazila = t
            .app
            .nearest(&NearQuery::new(Origin::Upazila(savar_id)))
            .await
            .unwrap();
        assert_eq!(by_upazila.hits[0].entry.point.name_en, "savar");
        assert!(by_upazila.hits[0].distance_m < 1.0);
        assert_eq!(by_upazila.hits[0].direction, None);
        assert!(matches!(
            t.app
                .nearest(&NearQuery::new(Origin::District(DistrictId(999))))
                .await,
            Err(LocatorError::UnknownDistrict(999))
        ));
        let err = t
            .app
            .nearest(&NearQuery::new(Origin::Upazila(UpazilaId(9999))))
            .await
            .unwrap_err();
        assert!(err.explain().bn.contains("উপজেলা"), "{}", err.explain().bn);
    }

    #[tokio::test]
    async fn holidays_are_ph_once_the_list_is_reread() {
        let t = TestApp::bare().await;
        save(
            &t,
            dhaka("centre", 1.0, "care_centre", "Mo-Su 09:00-17:00; PH off"),
        )
        .await;
        let mut open = from_motijheel();
        open.open = OpenFilter::At(t.app.now());
        assert_eq!(names(&t, &open).await, ["centre"]);
        t.app
            .store
            .set_holidays(
                2026,
                vec![Holiday {
                    date: jiff::civil::date(2026, 11, 22),
                    name_bn: "ছুটি".into(),
                    name_en: "A holiday".into(),
                }],
            )
            .await
            .unwrap();
        t.app.refresh_locator_holidays().await.unwrap();
        assert!(names(&t, &open).await.is_empty());
        let all = t.app.nearest(&from_motijheel()).await.unwrap();
        assert_eq!(all.hits[0].status.state, State::Closed);
        assert!(
            all.hits[0].hours_now.en.contains("Closed"),
            "{}",
            all.hits[0].hours_now.en
        );
    }

    #[tokio::test]
    async fn the_directory_lists_one_kind_by_district() {
        let t = TestApp::bare().await;
        save(&t, dhaka("dhaka centre", 1.0, "care_centre", "24/7")).await;
        save(&t, dhaka("dhaka agent", 1.0, "agent_point", "24/7")).await;
        let ctg = PointInput {
            district: "চট্টগ্রাম".into(),
            lat: "22.3569".into(),
            lon: "91.7832".into(),
            ..dhaka("ctg centre", 0.0, "care_centre", "24/7")
        };
        save(&t, ctg).await;
        let all: Vec<String> = t
            .app
            .directory(PointKind::CareCentre, None)
            .await
            .unwrap()
            .iter()
            .map(|e| e.point.name_en.clone())
            .collect();
        assert_eq!(all.len(), 2);
        let dhaka_id = Geography::bangladesh().find_district("Dhaka").unwrap().id;
        let dhaka_only = t
            .app
            .directory(PointKind::CareCentre, Some(dhaka_id))
            .await
            .unwrap();
        assert_eq!(dhaka_only.len(), 1);
        assert_eq!(dhaka_only[0].point.name_en, "dhaka centre");
    }
}
