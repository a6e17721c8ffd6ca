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
//! per point, with the sun reckoned where the point is. Each schedule remembers its
//! answers for the last few minutes asked about.
//!
//! Filters are answered by group: points with the same kind, services, hours and dates
//! pass or fail every question together, so a question asks each group once and then
//! walks the all-points tree (skipping the groups that failed), a kind's own tree, or the
//! few passing groups' trees, whichever has the passing points least thinly spread (see
//! `Live::nearest`). A rare kind, a rare service or "open at 23:30" then costs a few
//! microseconds instead of a walk past every agent point that fails. The holiday list is reloaded every
//! [`HOLIDAY_REFRESH`]; a change rebuilds every schedule.
//!
//! Without coordinates, a customer names a district or an upazila. A district is
//! searched from its centre; an upazila from the mean position of the points in it
//! (the data has no upazila centres), or from its district's centre if it has none.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use tokio::sync::OnceCell;

use seba_core::bilingual::{Bilingual, Explain};
use seba_geo::{DistrictId, DivisionId, Geography, UpazilaId};
use seba_locator::hours::{Holidays, Schedule, State, Status, local_date};
use seba_locator::nearest::{Coord, Direction, Hit, Limit, PointId, PointIndex};
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
    /// Answers about the schedule, shared by every point with the same hours.
    memo: Arc<Memo>,
    /// The group of points that answer every filter alike (see [`GroupKey`]).
    group: u32,
}

impl Entry {
    /// The point's state at `at` with the closing time, next opening and the sentence
    /// for people, to the minute; worked out once per distinct schedule and minute.
    pub fn hours_at(&self, at: Timestamp) -> Decor {
        self.memo.decor(&self.schedule, at)
    }
}

/// What a schedule says about one instant, for an answer.
#[derive(Debug, Clone)]
pub struct Decor {
    pub status: Status,
    pub closes_at: Option<Timestamp>,
    /// `at` itself when open.
    pub next_opening: Option<Timestamp>,
    pub hours_now: Bilingual,
}

/// Remembered answers of one schedule, by minute. Opening hours are written to the
/// minute, so every instant of a minute has the same state; asking many points about the
/// same minute is the common case (every "open now" question, or a time a customer
/// picked), and agent points share a handful of schedules, so the walk through the rules
/// runs once per schedule and minute, not once per point.
#[derive(Debug, Default)]
struct Memo {
    open: Mutex<Recent<bool>>,
    decor: Mutex<Recent<Decor>>,
}

/// The last few minutes asked about, oldest replaced first.
#[derive(Debug)]
struct Recent<T> {
    slots: Vec<(i64, T)>,
    next: usize,
}

impl<T> Default for Recent<T> {
    fn default() -> Self {
        Recent {
            slots: Vec::new(),
            next: 0,
        }
    }
}

/// Minutes remembered per schedule.
const RECENT: usize = 8;

impl<T: Clone> Recent<T> {
    fn get(&self, minute: i64) -> Option<T> {
        self.slots
            .iter()
            .find(|(m, _)| *m == minute)
            .map(|(_, v)| v.clone())
    }

    fn put(&mut self, minute: i64, value: T) {
        if self.slots.len() < RECENT {
            self.slots.push((minute, value));
        } else {
            self.slots[self.next] = (minute, value);
            self.next = (self.next + 1) % RECENT;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The minute of `at` and its first instant.
fn minute_of(at: Timestamp) -> (i64, Timestamp) {
    let minute = at.as_second().div_euclid(60);
    (minute, Timestamp::from_second(minute * 60).unwrap_or(at))
}

impl Memo {
    fn is_open(&self, schedule: &Schedule, at: Timestamp) -> bool {
        let (minute, start) = minute_of(at);
        if let Some(open) = lock(&self.open).get(minute) {
            return open;
        }
        let open = schedule.is_open(start);
        lock(&self.open).put(minute, open);
        open
    }

    fn decor(&self, schedule: &Schedule, at: Timestamp) -> Decor {
        let (minute, start) = minute_of(at);
        let remembered = lock(&self.decor).get(minute);
        let mut d = match remembered {
            Some(d) => d,
            None => {
                let d = Decor {
                    status: schedule.state_at(start),
                    closes_at: schedule.closes_at(start),
                    next_opening: schedule.next_opening(start),
                    hours_now: schedule.describe(start),
                };
                lock(&self.decor).put(minute, d.clone());
                d
            }
        };
        if d.status.state == State::Open {
            d.next_opening = Some(at);
        }
        d
    }
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

/// Everything the filters ask about a point: points with the same key pass or fail
/// every question together. Agent points fall into a dozen groups, care centres into a
/// few dozen.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct GroupKey {
    kind: PointKind,
    services: BTreeSet<Service>,
    /// The interned schedule.
    slot: u32,
    active_from: Option<Date>,
    active_to: Option<Date>,
}

#[derive(Debug)]
struct Group {
    key: GroupKey,
    schedule: Arc<Schedule>,
    memo: Arc<Memo>,
    points: PointIndex<Arc<Entry>>,
}

impl Group {
    fn answers(&self, q: &NearQuery, day: Date, open_at: Option<Timestamp>) -> bool {
        let k = &self.key;
        q.kind.is_none_or(|kind| k.kind == kind)
            && q.service.is_none_or(|s| k.services.contains(&s))
            && k.active_from.is_none_or(|from| day >= from)
            && k.active_to.is_none_or(|to| day <= to)
            && open_at.is_none_or(|at| self.memo.is_open(&self.schedule, at))
    }
}

/// With more groups than this (hours typed differently for every point), asking each
/// group costs more than filtering point by point.
const MAX_GROUPS: usize = 2048;

/// Below this share of the points of a tree passing, the groups that pass are searched
/// one by one; above it, the tree (all points, or all of one kind) is walked and the rest
/// skipped (about k / share visits).
const WALK_SHARE: f64 = 0.05;

#[derive(Debug, Default)]
struct Live {
    /// Every open point.
    all: PointIndex<Arc<Entry>>,
    /// The open points of each kind: a rare kind (279 centres among 500,000 agents) is
    /// walked on its own.
    kinds: HashMap<PointKind, PointIndex<Arc<Entry>>>,
    groups: Vec<Group>,
    group_ids: HashMap<GroupKey, u32>,
    by_id: HashMap<i64, Arc<Entry>>,
    directory: BTreeMap<DirectoryKey, Arc<Entry>>,
    upazilas: HashMap<UpazilaId, Sum>,
    /// Interned schedules by their text, and every slot (points that follow the sun
    /// have one each).
    slot_ids: HashMap<String, u32>,
    slots: Vec<(Arc<Schedule>, Arc<Memo>)>,
    holidays: Vec<Date>,
    compiled_holidays: Holidays,
    /// The change feed has been applied up to here.
    pos: OutboxPos,
}

impl Live {
    /// The slot of `point`'s hours: shared with every point of the same string, unless
    /// they follow the sun, which depends on where the point is.
    fn slot(&mut self, point: &ServicePoint) -> Option<u32> {
        if let Some(&slot) = self.slot_ids.get(&point.hours) {
            return Some(slot);
        }
        let parsed = match Schedule::parse(&point.hours) {
            Ok(s) => s.with_holidays(&self.compiled_holidays),
            Err(e) => {
                tracing::warn!(point = point.id, error = %e, "stored opening hours do not parse; point left out");
                return None;
            }
        };
        let slot = u32::try_from(self.slots.len()).ok()?;
        if parsed.follows_the_sun() {
            let here = parsed.at_place(point.coord.lat(), point.coord.lon());
            self.slots.push((Arc::new(here), Arc::default()));
        } else {
            self.slots.push((Arc::new(parsed), Arc::default()));
            self.slot_ids.insert(point.hours.clone(), slot);
        }
        Some(slot)
    }

    /// The entry for `point` and its group (created if new), or `None` if its hours do
    /// not parse.
    fn entry(&mut self, point: ServicePoint) -> Option<Arc<Entry>> {
        let slot = self.slot(&point)?;
        let (schedule, memo) = self.slots[slot as usize].clone();
        let key = GroupKey {
            kind: point.kind,
            services: point.services.clone(),
            slot,
            active_from: point.active_from,
            active_to: point.active_to,
        };
        let group = match self.group_ids.get(&key) {
            Some(&g) => g,
            None => {
                let g = u32::try_from(self.groups.len()).ok()?;
                self.groups.push(Group {
                    key: key.clone(),
                    schedule: schedule.clone(),
                    memo: memo.clone(),
                    points: PointIndex::new(),
                });
                self.group_ids.insert(key, g);
                g
            }
        };
        if let Some(u) = point.upazila {
            let sum = self.upazilas.entry(u).or_default();
            sum.lat += point.coord.lat();
            sum.lon += point.coord.lon();
            sum.n += 1;
        }
        Some(Arc::new(Entry {
            point,
            schedule,
            memo,
            group,
        }))
    }

    fn remove(&mut self, id: i64) {
        if let Some(old) = self.by_id.remove(&id) {
            self.all.remove(PointId(id));
            if let Some(k) = self.kinds.get_mut(&old.point.kind) {
                k.remove(PointId(id));
            }
            if let Some(g) = self.groups.get_mut(old.group as usize) {
                g.points.remove(PointId(id));
            }
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
        let Some(entry) = self.entry(point) else {
            return;
        };
        let (id, coord) = (PointId(entry.point.id), entry.point.coord);
        self.all.insert(id, coord, entry.clone());
        self.kinds
            .entry(entry.point.kind)
            .or_default()
            .insert(id, coord, entry.clone());
        self.groups[entry.group as usize]
            .points
            .insert(id, coord, entry.clone());
        self.directory
            .insert(directory_key(&entry.point), entry.clone());
        self.by_id.insert(entry.point.id, entry);
    }

    fn build(points: Vec<ServicePoint>, holidays: Vec<Date>, pos: OutboxPos) -> Live {
        let mut live = Live {
            compiled_holidays: Holidays::new(holidays.iter().copied()),
            holidays,
            pos,
            ..Live::default()
        };
        let mut all = Vec::with_capacity(points.len());
        let mut grouped: Vec<Vec<(PointId, Coord, Arc<Entry>)>> = Vec::new();
        let mut kinds: HashMap<PointKind, Vec<(PointId, Coord, Arc<Entry>)>> = HashMap::new();
        for point in points {
            if point.closed {
                continue;
            }
            let Some(entry) = live.entry(point) else {
                continue;
            };
            let (id, coord) = (PointId(entry.point.id), entry.point.coord);
            let g = entry.group as usize;
            if grouped.len() <= g {
                grouped.resize_with(g + 1, Vec::new);
            }
            grouped[g].push((id, coord, entry.clone()));
            kinds
                .entry(entry.point.kind)
                .or_default()
                .push((id, coord, entry.clone()));
            live.directory
                .insert(directory_key(&entry.point), entry.clone());
            live.by_id.insert(entry.point.id, entry.clone());
            all.push((id, coord, entry));
        }
        // Ids are unique in the store, so the bulk loads cannot refuse them.
        live.all = PointIndex::build(all).unwrap_or_default();
        live.kinds = kinds
            .into_iter()
            .map(|(kind, leaves)| (kind, PointIndex::build(leaves).unwrap_or_default()))
            .collect();
        for (group, leaves) in live.groups.iter_mut().zip(grouped) {
            group.points = PointIndex::build(leaves).unwrap_or_default();
        }
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

    /// The nearest entries answering `q`, as (distance, bearing, direction, entry),
    /// nearest first, equal distances by id.
    fn nearest(
        &self,
        from: Coord,
        q: &NearQuery,
        at: Timestamp,
    ) -> Vec<(f64, f64, Option<Direction>, Arc<Entry>)> {
        let day = local_date(at);
        let open_at = match q.open {
            OpenFilter::At(t) => Some(t),
            OpenFilter::Any => None,
        };
        let own =
            |h: Hit<'_, Arc<Entry>>| (h.distance_m, h.bearing_deg, h.direction, h.payload.clone());
        if self.groups.len() > MAX_GROUPS {
            // Point by point: every filter on every candidate.
            return self
                .all
                .nearest(from, q.k, |e| {
                    self.groups[e.group as usize].answers(q, day, open_at)
                })
                .into_iter()
                .map(own)
                .collect();
        }
        let mut passing = vec![false; self.groups.len()];
        let mut share = 0usize;
        // Per kind: how many of its points pass, and in which groups.
        let mut by_kind: BTreeMap<PointKind, (usize, Vec<&Group>)> = BTreeMap::new();
        for (i, g) in self.groups.iter().enumerate() {
            if !g.points.is_empty() && g.answers(q, day, open_at) {
                passing[i] = true;
                share += g.points.len();
                let kind = by_kind.entry(g.key.kind).or_default();
                kind.0 += g.points.len();
                kind.1.push(g);
            }
        }
        if share == 0 {
            return Vec::new();
        }
        let thick = |passing: usize, of: usize| passing as f64 >= WALK_SHARE * of as f64;
        if thick(share, self.all.len()) {
            return self
                .all
                .nearest(from, q.k, |e| passing[e.group as usize])
                .into_iter()
                .map(own)
                .collect();
        }
        // Few pass: each kind's tree where its passing points are not too thin on the
        // ground (a rare kind among agents), the passing groups one by one elsewhere.
        let mut found = Vec::new();
        for (kind, (n, groups)) in &by_kind {
            match self.kinds.get(kind) {
                Some(tree) if thick(*n, tree.len()) => found.extend(
                    tree.nearest(from, q.k, |e| passing[e.group as usize])
                        .into_iter()
                        .map(own),
                ),
                _ => {
                    for g in groups {
                        found.extend(g.points.nearest(from, q.k, |_| true).into_iter().map(own));
                    }
                }
            }
        }
        found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.3.point.id.cmp(&b.3.point.id)));
        found.truncate(q.k.get());
        found
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
        let live = read(lock);
        let from = live.origin(query.from)?;
        let hits = live
            .nearest(from, query, at)
            .into_iter()
            .map(|(distance_m, bearing_deg, direction, entry)| {
                let Decor {
                    status,
                    closes_at,
                    next_opening,
                    hours_now,
                } = entry.hours_at(at);
                Near {
                    entry,
                    distance_m,
                    bearing_deg,
                    direction,
                    status,
                    closes_at,
                    next_opening,
                    hours_now,
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
        Ok(read(lock).all.len())
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

    /// Points in few big groups (agents) and many small ones (centres, pop-ups), asked
    /// with every kind of filter: the answers are the brute-force ones, whichever way the
    /// index takes (one walk, or group by group).
    #[tokio::test]
    async fn answers_match_a_brute_force_oracle_on_every_path() {
        use rand::{Rng, SeedableRng};
        let t = TestApp::bare().await;
        let geo = Geography::bangladesh();
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let hours = [
            "Sa-Th 08:00-22:00",
            "Mo-Su 10:00-18:00; PH off",
            "24/7",
            "Su-Th 09:00-17:00; Fr off",
            "sunrise-sunset",
        ];
        let services = ["cash_in_out", "pin_reset", "account_opening", "g2p"];
        let mut batch = Vec::new();
        while batch.len() < 1500 {
            let (lat, lon) = (rng.gen_range(23.6..23.9), rng.gen_range(90.3..90.5));
            let Some(district) = geo.district_at(lat, lon) else {
                continue;
            };
            let i = batch.len();
            let (kind, svc, hrs) = match i % 50 {
                0..=1 => (
                    "care_centre",
                    vec!["pin_reset", services[i % 4]],
                    hours[i % 5],
                ),
                2 => ("popup_desk", vec!["account_opening"], "Mo-Su 10:00-20:00"),
                3 => ("g2p_point", vec!["g2p"], hours[3]),
                _ => ("agent_point", vec!["cash_in_out"], hours[i % 2]),
            };
            let input = PointInput {
                kind: kind.into(),
                name_bn: format!("p{i}"),
                name_en: format!("p{i}"),
                address_bn: "ঠিকানা".into(),
                address_en: "address".into(),
                district: district.id.to_string(),
                lat: format!("{lat:.6}"),
                lon: format!("{lon:.6}"),
                services: svc.into_iter().map(String::from).collect(),
                hours: hrs.into(),
                active_from: (kind == "popup_desk").then(|| "2026-11-20".into()),
                active_to: (kind == "popup_desk").then(|| format!("2026-11-{}", 20 + i % 6)),
                ..PointInput::default()
            };
            batch.push(input.check(geo).unwrap());
        }
        let points = t.app.add_points(batch, admin()).await.unwrap();
        let instants: [Timestamp; 3] = [
            t.app.now(),
            "2026-11-22T17:30:00Z".parse().unwrap(),
            "2026-11-27T05:00:00Z".parse().unwrap(),
        ];
        let kinds = [
            None,
            Some(PointKind::CareCentre),
            Some(PointKind::AgentPoint),
            Some(PointKind::PopupDesk),
            Some(PointKind::DropBox),
        ];
        let wanted = [
            None,
            Some(Service::PinReset),
            Some(Service::CashInOut),
            Some(Service::G2p),
        ];
        for round in 0..400 {
            let from = Coord::new(rng.gen_range(23.6..23.9), rng.gen_range(90.3..90.5)).unwrap();
            let open = if round % 3 == 0 {
                OpenFilter::Any
            } else {
                OpenFilter::At(instants[round % 3])
            };
            let q = NearQuery {
                from: Origin::At(from),
                k: Limit::new(rng.gen_range(1..=12)).unwrap(),
                kind: kinds[round % kinds.len()],
                service: wanted[(round / 5) % wanted.len()],
                open,
            };
            let at = match open {
                OpenFilter::At(at) => at,
                OpenFilter::Any => t.app.now(),
            };
            let day = local_date(at);
            let mut oracle: Vec<(f64, i64)> = points
                .iter()
                .filter(|p| q.kind.is_none_or(|k| p.kind == k))
                .filter(|p| q.service.is_none_or(|s| p.services.contains(&s)))
                .filter(|p| p.is_active_on(day))
                .filter(|p| {
                    let s = Schedule::parse(&p.hours)
                        .unwrap()
                        .at_place(p.coord.lat(), p.coord.lon());
                    matches!(open, OpenFilter::Any) || s.is_open(at)
                })
                .map(|p| (from.distance_m(p.coord), p.id))
                .collect();
            oracle.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            oracle.truncate(q.k.get());
            let got: Vec<(f64, i64)> = t
                .app
                .nearest(&q)
                .await
                .unwrap()
                .hits
                .iter()
                .map(|h| (h.distance_m, h.entry.point.id))
                .collect();
            assert_eq!(
                got.iter().map(|g| g.1).collect::<Vec<_>>(),
                oracle.iter().map(|o| o.1).collect::<Vec<_>>(),
                "round {round}: {q:?}"
            );
        }
    }

    #[tokio::test]
    async fn remembered_answers_follow_the_clock() {
        let t = TestApp::bare().await;
        save(&t, dhaka("centre", 1.0, "care_centre", "Sa-Th 10:00-18:00")).await;
        let says = |a: &Nearby| a.hits[0].hours_now.en.clone();
        let first = t.app.nearest(&from_motijheel()).await.unwrap();
        assert_eq!(says(&first), "Open today until 6 pm");
        assert_eq!(first.hits[0].next_opening, Some(t.app.now()));
        // Twenty seconds on, the same minute: the same answer, opening "now" moves along.
        t.clock.set("2026-11-22T04:00:20Z".parse().unwrap());
        let again = t.app.nearest(&from_motijheel()).await.unwrap();
        assert_eq!(says(&again), "Open today until 6 pm");
        assert_eq!(again.hits[0].next_opening, Some(t.app.now()));
        // 17:30: closing soon; 18:00: closed, and "open now" finds nothing.
        t.clock.set("2026-11-22T11:30:00Z".parse().unwrap());
        let late = t.app.nearest(&from_motijheel()).await.unwrap();
        assert!(
            says(&late).contains("closes in 30 minutes"),
            "{}",
            says(&late)
        );
        t.clock.set("2026-11-22T12:00:00Z".parse().unwrap());
        let closed = t.app.nearest(&from_motijheel()).await.unwrap();
        assert_eq!(closed.hits[0].status.state, State::Closed);
        let mut open = from_motijheel();
        open.open = OpenFilter::At(t.app.now());
        assert!(names(&t, &open).await.is_empty());
        // And back in the morning, open again (the stretch remembered does not cover it).
        t.clock.set("2026-11-22T04:05:00Z".parse().unwrap());
        open.open = OpenFilter::At(t.app.now());
        assert_eq!(names(&t, &open).await, ["centre"]);
    }
}
