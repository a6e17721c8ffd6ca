//! The k nearest service points to a place, by great-circle distance.
//!
//! Points live in an R-tree ([`rstar`]) as unit vectors on the sphere (x, y, z) rather
//! than as raw degrees: the straight-line (chord) distance between two unit vectors grows
//! with the angle between them, so the tree's Euclidean nearest-neighbour order *is*
//! great-circle order. Ranking by raw latitude/longitude would not be — a degree of
//! longitude is 0.91 of a degree of latitude at Bangladesh's latitudes, which by the
//! issue's count changes the top 5 for about 40% of queries.
//!
//! The tree only proposes candidates, walked outwards by chord; each one that passes the
//! caller's filter gets its exact haversine distance and bearing, and the answer is sorted
//! by (distance, id) so that equal distances always come out in the same order. The filter
//! runs during the walk, so "open now" or "offers PIN reset" costs a few extra candidates,
//! not a scan of every point.
//!
//! The index is derived data: built in bulk from the store, kept current with
//! [`PointIndex::insert`] and [`PointIndex::remove`] as changes arrive.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;

use rstar::{AABB, ParentNode, RStarInsertionStrategy, RTree, RTreeNode, RTreeObject, RTreeParams};
use serde::{Deserialize, Serialize};

use seba_core::bilingual::{Bilingual, Explain};
use seba_core::text;

/// The mean Earth radius (IUGG), in metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Bangladesh's extent (about 20.59–26.63 °N, 88.01–92.67 °E) with a margin of a few
/// kilometres, so a point on the border or on an offshore island is still accepted. It is
/// a box, not the border (Kolkata is inside it): it catches numbers that cannot be meant,
/// and the district lookup decides which district a place is in, if any.
const SOUTH: f64 = 20.3;
const NORTH: f64 = 26.8;
const WEST: f64 = 87.9;
const EAST: f64 = 92.8;

/// A place in Bangladesh, in WGS 84 degrees.
///
/// [`Coord::new`] and [`Coord::parse`] are the only ways in (deserialising goes through
/// `new` too), so a coordinate that is not a number or lies outside the country cannot
/// reach the index.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCoord")]
pub struct Coord {
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct RawCoord {
    lat: f64,
    lon: f64,
}

impl TryFrom<RawCoord> for Coord {
    type Error = CoordError;

    fn try_from(raw: RawCoord) -> Result<Self, Self::Error> {
        Coord::new(raw.lat, raw.lon)
    }
}

/// Which of the two numbers of a coordinate was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Lat,
    Lon,
}

impl fmt::Display for Axis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Axis::Lat => "latitude",
            Axis::Lon => "longitude",
        })
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordError {
    #[error("the {0} is not a number")]
    NotANumber(Axis),
    #[error("the coordinates are outside Bangladesh ({lat}, {lon})")]
    OutsideBangladesh { lat: f64, lon: f64 },
    /// Both numbers fit Bangladesh the other way round: the commonest slip in a CSV.
    #[error(
        "the coordinates are outside Bangladesh ({lat}, {lon}); latitude and longitude look swapped"
    )]
    Swapped { lat: f64, lon: f64 },
}

impl Explain for CoordError {
    fn explain(&self) -> Bilingual {
        match self {
            CoordError::NotANumber(Axis::Lat) => Bilingual::new(
                "অক্ষাংশ (latitude) একটি সংখ্যা হতে হবে, যেমন ২৩.৮১০৩",
                "The latitude must be a number, such as 23.8103",
            ),
            CoordError::NotANumber(Axis::Lon) => Bilingual::new(
                "দ্রাঘিমাংশ (longitude) একটি সংখ্যা হতে হবে, যেমন ৯০.৪১২৫",
                "The longitude must be a number, such as 90.4125",
            ),
            CoordError::OutsideBangladesh { .. } => Bilingual::new(
                "এই অবস্থানটি বাংলাদেশের বাইরে",
                "The coordinates are outside Bangladesh",
            ),
            CoordError::Swapped { .. } => Bilingual::new(
                "এই অবস্থানটি বাংলাদেশের বাইরে; অক্ষাংশ ও দ্রাঘিমাংশ সম্ভবত উল্টো লেখা হয়েছে",
                "The coordinates are outside Bangladesh; latitude and longitude look swapped",
            ),
        }
    }
}

fn inside(lat: f64, lon: f64) -> bool {
    (SOUTH..=NORTH).contains(&lat) && (WEST..=EAST).contains(&lon)
}

impl Coord {
    /// A coordinate from degrees. NaN and infinities fail the box test like any other
    /// number outside the country.
    pub fn new(lat: f64, lon: f64) -> Result<Self, CoordError> {
        if inside(lat, lon) {
            Ok(Coord { lat, lon })
        } else if inside(lon, lat) {
            Err(CoordError::Swapped { lat, lon })
        } else {
            Err(CoordError::OutsideBangladesh { lat, lon })
        }
    }

    /// A coordinate from decimal degrees as typed, in ASCII or Bengali digits ("২৩.৮১").
    pub fn parse(lat: &str, lon: &str) -> Result<Self, CoordError> {
        Coord::new(degrees(lat, Axis::Lat)?, degrees(lon, Axis::Lon)?)
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance in metres (haversine, on a sphere of [`EARTH_RADIUS_M`]).
    /// Within Bangladesh the sphere is within 0.4% of the ellipsoid, well under the
    /// precision anyone walking to a centre needs.
    pub fn distance_m(self, to: Coord) -> f64 {
        // Subtract in degrees first: for latitudes within a factor of two of each other
        // the difference is exact, so near-equal distances still compare correctly.
        let half_dlat = (to.lat - self.lat).to_radians() / 2.0;
        let half_dlon = (to.lon - self.lon).to_radians() / 2.0;
        let a = half_dlat.sin().powi(2)
            + self.lat.to_radians().cos() * to.lat.to_radians().cos() * half_dlon.sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
    }

    /// The initial bearing from here towards `to`, in degrees clockwise from true north,
    /// in `[0, 360)`.
    pub fn bearing_deg(self, to: Coord) -> f64 {
        let (phi1, phi2) = (self.lat.to_radians(), to.lat.to_radians());
        let dlon = (to.lon - self.lon).to_radians();
        let y = dlon.sin() * phi2.cos();
        let x = phi1.cos() * phi2.sin() - phi1.sin() * phi2.cos() * dlon.cos();
        y.atan2(x).to_degrees().rem_euclid(360.0)
    }

    /// The point on the unit sphere, less [`ORIGIN`]: what a query is compared as.
    fn position(self) -> [f64; 3] {
        let (lat, lon) = (self.lat.to_radians(), self.lon.to_radians());
        [
            lat.cos() * lon.cos() - ORIGIN[0],
            lat.cos() * lon.sin() - ORIGIN[1],
            lat.sin() - ORIGIN[2],
        ]
    }

    /// [`Coord::position`] rounded to what the tree stores.
    fn stored(self) -> Stored {
        self.position().map(|c| c as f32)
    }
}

fn degrees(input: &str, axis: Axis) -> Result<f64, CoordError> {
    let ascii = text::ascii_digits(input.trim());
    // f64's parser also takes "inf", "NaN" and exponents; a coordinate is digits, an
    // optional sign and one decimal point.
    let plain = !ascii.is_empty()
        && ascii
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'));
    match ascii.parse::<f64>() {
        Ok(value) if plain => Ok(value),
        _ => Err(CoordError::NotANumber(axis)),
    }
}

/// One of the eight compass directions, for "1.2 km NE" / "১.২ কিমি উত্তর-পূর্ব".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    N,
    NE,
    E,
    SE,
    S,
    SW,
    W,
    NW,
}

impl Direction {
    const CLOCKWISE: [Direction; 8] = [
        Direction::N,
        Direction::NE,
        Direction::E,
        Direction::SE,
        Direction::S,
        Direction::SW,
        Direction::W,
        Direction::NW,
    ];

    /// The sector a bearing falls in; each is 45° wide and centred on its direction.
    pub fn from_bearing(deg: f64) -> Direction {
        let sector = (deg.rem_euclid(360.0) / 45.0).round() as usize % 8;
        Self::CLOCKWISE[sector]
    }

    /// The English abbreviation: "N", "NE", …
    pub fn en(self) -> &'static str {
        match self {
            Direction::N => "N",
            Direction::NE => "NE",
            Direction::E => "E",
            Direction::SE => "SE",
            Direction::S => "S",
            Direction::SW => "SW",
            Direction::W => "W",
            Direction::NW => "NW",
        }
    }

    /// The Bengali name: "উত্তর", "উত্তর-পূর্ব", …
    pub fn bn(self) -> &'static str {
        match self {
            Direction::N => "উত্তর",
            Direction::NE => "উত্তর-পূর্ব",
            Direction::E => "পূর্ব",
            Direction::SE => "দক্ষিণ-পূর্ব",
            Direction::S => "দক্ষিণ",
            Direction::SW => "দক্ষিণ-পশ্চিম",
            Direction::W => "পশ্চিম",
            Direction::NW => "উত্তর-পশ্চিম",
        }
    }

    pub fn label(self) -> Bilingual {
        Bilingual::new(self.bn(), self.en())
    }
}

/// A point's id in the index: the service point's id in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PointId(pub i64);

impl fmt::Display for PointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How many points to return: 1 to [`Limit::MAX`], [`Limit::DEFAULT`] when not asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "u8")]
pub struct Limit(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("the number of points to show is not a number")]
    NotANumber,
    #[error("the number of points to show must be from 1 to 100, not {0}")]
    OutOfRange(i64),
}

impl Explain for LimitError {
    fn explain(&self) -> Bilingual {
        match self {
            LimitError::NotANumber => Bilingual::new(
                "কয়টি জায়গা দেখাতে হবে তা একটি সংখ্যা হতে হবে",
                "The number of places to show must be a number",
            ),
            LimitError::OutOfRange(_) => Bilingual::new(
                "১ থেকে ১০০টি জায়গা দেখানো যায়",
                "You can show from 1 to 100 places",
            ),
        }
    }
}

impl Limit {
    /// The app's map shows the 5 nearest centres.
    pub const DEFAULT: Limit = Limit(5);
    /// More than a screenful of lists is not an answer to "where is the nearest"; the cap
    /// also bounds the work one request can ask for.
    pub const MAX: Limit = Limit(100);

    pub fn new(k: i64) -> Result<Self, LimitError> {
        match u8::try_from(k) {
            Ok(k) if (1..=Self::MAX.0).contains(&k) => Ok(Limit(k)),
            _ => Err(LimitError::OutOfRange(k)),
        }
    }

    /// A count as typed, in ASCII or Bengali digits ("৫"), with an optional minus sign so
    /// that "-3" is refused as out of range rather than as gibberish.
    pub fn parse(input: &str) -> Result<Self, LimitError> {
        let input = input.trim();
        let (negative, digits) = match input.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        if digits.is_empty() || !digits.chars().all(|c| text::digit_value(c).is_some()) {
            return Err(LimitError::NotANumber);
        }
        let magnitude = text::parse_number(digits)
            .and_then(|n| i64::try_from(n).ok())
            .unwrap_or(i64::MAX);
        Limit::new(if negative { -magnitude } else { magnitude })
    }

    pub fn get(self) -> usize {
        usize::from(self.0)
    }
}

impl Default for Limit {
    fn default() -> Self {
        Limit::DEFAULT
    }
}

impl From<Limit> for u8 {
    fn from(k: Limit) -> u8 {
        k.0
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Limit::new(i64::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("point {0} appears twice")]
    DuplicateId(PointId),
}

impl Explain for IndexError {
    fn explain(&self) -> Bilingual {
        match self {
            IndexError::DuplicateId(id) => Bilingual::new(
                format!(
                    "{} নম্বর জায়গাটি দুবার আছে",
                    text::bengali_digits(&id.to_string())
                ),
                format!("Place {id} appears twice"),
            ),
        }
    }
}

/// One answer: a point, how far it is and which way to go.
#[derive(Debug, Serialize)]
pub struct Hit<'a, T> {
    pub id: PointId,
    pub coord: Coord,
    /// Great-circle distance from the query, in metres.
    pub distance_m: f64,
    /// Initial bearing from the query towards the point, degrees clockwise from north.
    pub bearing_deg: f64,
    /// `None` when the point is less than a metre away: a direction to where one already
    /// stands is rounding noise, and "you are here" is the honest answer.
    pub direction: Option<Direction>,
    pub payload: &'a T,
}

/// Node sizes for the tree. Larger nodes than rstar's default (6) mean fewer levels to walk
/// through; 16 was the fastest of 8, 12, 16 and 32 in `examples/nearest_speed.rs`.
struct Params;

impl RTreeParams for Params {
    const MIN_SIZE: usize = 6;
    const MAX_SIZE: usize = 16;
    const REINSERTION_COUNT: usize = 4;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// Roughly the unit vector of the middle of Bangladesh. Positions are stored relative to
/// it: moving every point by the same vector leaves every distance as it was, and what
/// remains is small (under 0.0625 anywhere in the country's box), so an `f32` holds it to
/// 3.7e-9 — 2.4 cm on the ground — where a whole unit vector would be off by up to 19 cm.
const ORIGIN: [f64; 3] = [-0.0056, 0.9167, 0.3995];

/// A position as the tree stores it. Single precision makes a tree node 48 bytes instead
/// of 72: a third less memory, and a third fewer cache lines read per query.
type Stored = [f32; 3];

/// What the tree holds: the position it compares, and what the answer needs.
struct Leaf<T> {
    at: Stored,
    id: PointId,
    coord: Coord,
    payload: T,
}

impl<T> RTreeObject for Leaf<T> {
    type Envelope = AABB<Stored>;

    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.at)
    }
}

/// The squared chord from a stored point to a query, in double precision: the only error
/// left is the rounding of the stored point.
#[inline]
fn chord_2(at: Stored, q: [f64; 3]) -> f64 {
    (0..3).map(|i| (f64::from(at[i]) - q[i]).powi(2)).sum()
}

/// Selects the one leaf with this id at this position, for removal.
struct ById {
    at: Stored,
    id: PointId,
}

impl<T> rstar::SelectionFunction<Leaf<T>> for ById {
    fn should_unpack_parent(&self, envelope: &AABB<Stored>) -> bool {
        rstar::Envelope::contains_point(envelope, &self.at)
    }

    fn should_unpack_leaf(&self, leaf: &Leaf<T>) -> bool {
        leaf.id == self.id
    }
}

/// How far past the k-th candidate (as a chord of the unit sphere) the walk goes on.
///
/// The tree compares rounded positions, the answer is ranked by haversine: two points
/// whose distances differ by less than the rounding might come out of the walk in one
/// order and belong in the other. A stored coordinate is off by at most half a unit in
/// the last place of an `f32` below 0.0625 (3.7e-9), so a chord by at most 6.5e-9 and the
/// difference of two chords by 1.3e-8; 1e-7 (64 cm on the ground) is eight times that,
/// and makes sure every point that could belong to the top k by (haversine, id) —
/// including every duplicate of the k-th point — has been seen.
const SLACK: f64 = 1e-7;

/// Service points (or anything with a place) indexed for "the k nearest to here".
pub struct PointIndex<T> {
    tree: RTree<Leaf<T>, Params>,
    /// Where each point is, so that it can be found in the tree to be moved or removed.
    places: HashMap<PointId, Coord>,
}

impl<T> fmt::Debug for PointIndex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PointIndex")
            .field("points", &self.len())
            .finish_non_exhaustive()
    }
}

impl<T> Default for PointIndex<T> {
    fn default() -> Self {
        PointIndex {
            tree: RTree::new_with_params(),
            places: HashMap::new(),
        }
    }
}

impl<T> PointIndex<T> {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the index in one go (bulk loading packs the tree better than inserting one
    /// point at a time, and is several times faster). An id given twice is refused.
    pub fn build(
        points: impl IntoIterator<Item = (PointId, Coord, T)>,
    ) -> Result<Self, IndexError> {
        let points = points.into_iter();
        let mut places = HashMap::with_capacity(points.size_hint().0);
        let mut leaves = Vec::with_capacity(points.size_hint().0);
        for (id, coord, payload) in points {
            if places.insert(id, coord).is_some() {
                return Err(IndexError::DuplicateId(id));
            }
            leaves.push(Leaf {
                at: coord.stored(),
                id,
                coord,
                payload,
            });
        }
        Ok(PointIndex {
            tree: RTree::bulk_load_with_params(leaves),
            places,
        })
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Where a point is, if it is in the index.
    pub fn coord(&self, id: PointId) -> Option<Coord> {
        self.places.get(&id).copied()
    }

    /// Adds a point, or moves and replaces the one with the same id (a service point that
    /// was edited); returns the replaced payload.
    pub fn insert(&mut self, id: PointId, coord: Coord, payload: T) -> Option<T> {
        let old = match self.places.entry(id) {
            Entry::Occupied(mut place) => {
                let old_coord = std::mem::replace(place.get_mut(), coord);
                self.tree
                    .remove_with_selection_function(ById {
                        at: old_coord.stored(),
                        id,
                    })
                    .map(|leaf| leaf.payload)
            }
            Entry::Vacant(place) => {
                place.insert(coord);
                None
            }
        };
        self.tree.insert(Leaf {
            at: coord.stored(),
            id,
            coord,
            payload,
        });
        old
    }

    /// Removes a point (a centre that closed for good); returns its payload.
    pub fn remove(&mut self, id: PointId) -> Option<T> {
        let coord = self.places.remove(&id)?;
        self.tree
            .remove_with_selection_function(ById {
                at: coord.stored(),
                id,
            })
            .map(|leaf| leaf.payload)
    }

    /// The `k` points nearest to `from` whose payload passes `filter`, nearest first; equal
    /// distances in id order. Fewer than `k` when fewer points pass.
    ///
    /// The filter is asked about points in order of distance, and the walk stops a hair
    /// past the k-th that passes, so its cost grows with how many it rejects near the
    /// query, not with the size of the index; a slow filter (opening hours) runs about k
    /// times when most points pass. A filter that rejects everything does visit every
    /// point.
    pub fn nearest(
        &self,
        from: Coord,
        k: Limit,
        mut filter: impl FnMut(&T) -> bool,
    ) -> Vec<Hit<'_, T>> {
        let k = k.get();
        let q = from.position();
        // Points that passed, with their distance in metres.
        let mut found: Vec<(f64, &Leaf<T>)> = Vec::with_capacity(k + 1);
        // The squared chord beyond which nothing can enter the answer: unbounded until k
        // points have passed, then [`SLACK`] past the k-th of them.
        let mut horizon = f64::INFINITY;
        // Best first, as rstar's nearest-neighbour iterator walks, but by hand: its
        // distances would be in the tree's single precision, these are in double (the only
        // error left is the stored point's rounding, which SLACK covers), and nothing
        // beyond the horizon is queued (10–15% off the median query).
        let mut pending = BinaryHeap::with_capacity(128);
        open(self.tree.root(), q, horizon, &mut pending);
        while let Some(Pending { chord2, child }) = pending.pop() {
            if chord2 > horizon {
                break;
            }
            match child {
                RTreeNode::Leaf(leaf) => {
                    if filter(&leaf.payload) {
                        found.push((from.distance_m(leaf.coord), leaf));
                        if found.len() == k {
                            horizon = (chord2.sqrt() + SLACK).powi(2);
                        }
                    }
                }
                RTreeNode::Parent(node) => open(node, q, horizon, &mut pending),
            }
        }
        found.sort_by(|(a, a_leaf), (b, b_leaf)| a.total_cmp(b).then(a_leaf.id.cmp(&b_leaf.id)));
        found
            .into_iter()
            .take(k)
            .map(|(distance_m, leaf)| {
                let bearing_deg = from.bearing_deg(leaf.coord);
                Hit {
                    id: leaf.id,
                    coord: leaf.coord,
                    distance_m,
                    bearing_deg,
                    direction: (distance_m >= 1.0).then(|| Direction::from_bearing(bearing_deg)),
                    payload: &leaf.payload,
                }
            })
            .collect()
    }
}

/// Queues the children of `node` that are not beyond the horizon.
#[inline]
fn open<'a, T>(
    node: &'a ParentNode<Leaf<T>>,
    q: [f64; 3],
    horizon: f64,
    pending: &mut BinaryHeap<Pending<'a, T>>,
) {
    for child in node.children() {
        let chord2 = match child {
            RTreeNode::Leaf(leaf) => chord_2(leaf.at, q),
            RTreeNode::Parent(parent) => box_chord_2(&parent.envelope(), q),
        };
        if chord2 <= horizon {
            pending.push(Pending { chord2, child });
        }
    }
}

/// A point to offer the filter or a node to open, waiting its turn; ordered so that
/// [`BinaryHeap`] pops the nearest first.
struct Pending<'a, T> {
    chord2: f64,
    child: &'a RTreeNode<Leaf<T>>,
}

impl<T> PartialEq for Pending<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        self.chord2.total_cmp(&other.chord2).is_eq()
    }
}

impl<T> Eq for Pending<'_, T> {}

impl<T> PartialOrd for Pending<'_, T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Pending<'_, T> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.chord2.total_cmp(&self.chord2)
    }
}

/// The squared distance from `q` to the nearest point of a box (0 inside it). Never more
/// than the distance to any point in the box, rounding included (each step is monotone),
/// so a box beyond the horizon holds no point within it.
#[inline]
fn box_chord_2(envelope: &AABB<Stored>, q: [f64; 3]) -> f64 {
    let (lo, hi) = (envelope.lower(), envelope.upper());
    (0..3)
        .map(|i| {
            let d = (f64::from(lo[i]) - q[i])
                .max(q[i] - f64::from(hi[i]))
                .max(0.0);
            d * d
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> Coord {
        Coord::new(lat, lon).unwrap()
    }

    #[test]
    fn directions_are_centred_sectors() {
        assert_eq!(Direction::from_bearing(0.0), Direction::N);
        assert_eq!(Direction::from_bearing(22.4), Direction::N);
        assert_eq!(Direction::from_bearing(22.6), Direction::NE);
        assert_eq!(Direction::from_bearing(359.0), Direction::N);
        assert_eq!(Direction::from_bearing(225.0), Direction::SW);
        assert_eq!(Direction::from_bearing(-90.0), Direction::W);
    }

    #[test]
    fn positions_are_on_the_sphere_and_round_finely() {
        let minus_origin = ORIGIN.map(|c| -c);
        for (lat, lon) in [
            (23.8103, 90.4125),
            (20.3, 87.9),
            (26.8, 92.8),
            (20.3, 92.8),
            (26.8, 87.9),
        ] {
            let p = at(lat, lon).position();
            assert!((chord_2(minus_origin.map(|c| c as f32), p) - 1.0).abs() < 1e-6);
            // The rounding SLACK allows for.
            let rounded = chord_2(at(lat, lon).stored(), p).sqrt();
            assert!(rounded <= 6.5e-9, "{lat} {lon}: {rounded}");
            assert!(p.iter().all(|c| c.abs() < 0.0625), "{p:?}");
        }
    }
}
