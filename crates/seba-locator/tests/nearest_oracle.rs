//! The index against a brute-force oracle: on random point sets — spread over the whole
//! country, clustered in Dhaka and Chattogram, on a fine lattice, with exact duplicates —
//! random queries with a random k and a random filter must return exactly what computing
//! the distance to every point and sorting by (distance, id) returns: the same ids in the
//! same order, with the same distances.
//!
//! The oracle measures with [`Coord::distance_m`], the function the index reports with, so
//! equal distances are bit-equal on both sides and ties are decided by id alone; the
//! formula itself is checked here against an independent one (the angle between unit
//! vectors), and in `tests/nearest.rs` against reference values.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
use seba_locator::nearest::{Coord, EARTH_RADIUS_M, Hit, Limit, PointId, PointIndex};

/// What a filter looks at, standing in for a service point's kind, services and hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tag {
    kind: u8,
    services: u8,
}

#[derive(Debug, Clone, Copy)]
enum Filter {
    All,
    Kind(u8),
    NotKind(u8),
    /// Offers a service (one bit): about half the points.
    Service(u8),
    /// An exact set of services: rejects nearly everything, so the walk goes far.
    Exactly(u8),
    Nothing,
}

impl Filter {
    fn accepts(self, tag: &Tag) -> bool {
        match self {
            Filter::All => true,
            Filter::Kind(k) => tag.kind == k,
            Filter::NotKind(k) => tag.kind != k,
            Filter::Service(bit) => tag.services & (1 << bit) != 0,
            Filter::Exactly(s) => tag.services == s,
            Filter::Nothing => false,
        }
    }
}

fn filter() -> impl Strategy<Value = Filter> {
    prop_oneof![
        3 => Just(Filter::All),
        2 => (0u8..4).prop_map(Filter::Kind),
        2 => (0u8..4).prop_map(Filter::NotKind),
        2 => (0u8..8).prop_map(Filter::Service),
        1 => any::<u8>().prop_map(Filter::Exactly),
        1 => Just(Filter::Nothing),
    ]
}

/// Places the way service points are spread: anywhere in the country, dense in the two
/// big cities, and on a 10 m lattice where many distances come out equal.
fn place() -> impl Strategy<Value = (f64, f64)> {
    prop_oneof![
        3 => (20.3..=26.8f64, 87.9..=92.8f64),
        3 => (23.70..23.90f64, 90.35..90.50f64),
        1 => (22.30..22.40f64, 91.75..91.85f64),
        1 => (0u32..12, 0u32..12)
            .prop_map(|(i, j)| (23.8 + f64::from(i) * 1e-4, 90.4 + f64::from(j) * 1e-4)),
    ]
}

fn coord((lat, lon): (f64, f64)) -> Coord {
    Coord::new(lat, lon).expect("strategies stay inside Bangladesh")
}

#[derive(Debug, Clone)]
struct Scene {
    points: Vec<(PointId, Coord, Tag)>,
    queries: Vec<(Coord, Limit, Filter)>,
}

/// A query: a random place, or exactly where one of the points is (a customer standing at
/// a centre, and every duplicate of it tied at 0 m).
fn query() -> impl Strategy<Value = (Result<(f64, f64), Index>, i64, Filter)> {
    (
        prop_oneof![
            2 => place().prop_map(Ok),
            1 => any::<Index>().prop_map(Err),
        ],
        prop_oneof![3 => 1i64..=10, 1 => 1i64..=100],
        filter(),
    )
}

fn resolve(
    points: &[(PointId, Coord, Tag)],
    (at, k, filter): (Result<(f64, f64), Index>, i64, Filter),
) -> (Coord, Limit, Filter) {
    let from = match at {
        Ok(place) => coord(place),
        Err(i) if !points.is_empty() => points[i.index(points.len())].1,
        Err(_) => coord((23.8103, 90.4125)),
    };
    (from, Limit::new(k).expect("k is in range"), filter)
}

fn scene() -> impl Strategy<Value = Scene> {
    (
        prop::collection::vec((place(), 0u8..4, any::<u8>()), 0..400),
        prop::collection::vec(any::<Index>(), 0..60),
        1i64..1_000_003,
        prop::collection::vec(query(), 1..20),
    )
        .prop_map(|(places, copies, stride, queries)| {
            let mut spots: Vec<((f64, f64), u8, u8)> = places;
            if !spots.is_empty() {
                let copied: Vec<_> = copies.iter().map(|i| spots[i.index(spots.len())]).collect();
                spots.extend(copied);
            }
            // Distinct ids in an order unrelated to the points' (a permutation modulo a
            // prime), some negative, so that id order is a real tie-breaker.
            let points: Vec<_> = spots
                .into_iter()
                .enumerate()
                .map(|(i, (at, kind, services))| {
                    let id = (i as i64 * stride) % 1_000_003 - 500_000;
                    (PointId(id), coord(at), Tag { kind, services })
                })
                .collect();
            let queries = queries.into_iter().map(|q| resolve(&points, q)).collect();
            Scene { points, queries }
        })
}

/// A square lattice of points a few metres apart, queried at lattice points and halfway
/// between them: every query has pairs and rings of points at the same distance (up to
/// rounding), which is where the walk's order by rounded chord and the answer's order by
/// haversine and id could disagree at the k-th place.
fn lattice() -> impl Strategy<Value = Scene> {
    (
        2u32..12,
        prop_oneof![Just(1e-5), Just(4e-5), Just(1e-4)],
        (20.5..26.5f64, 88.1..92.6f64),
        prop::collection::vec((0u32..24, 0u32..24, 1i64..=30, filter()), 1..20),
        1i64..1_000_003,
    )
        .prop_map(|(side, step, (lat0, lon0), asks, stride)| {
            let mut points = Vec::new();
            for i in 0..side {
                for j in 0..side {
                    let n = (i * side + j) as i64;
                    let at = coord((lat0 + f64::from(i) * step, lon0 + f64::from(j) * step));
                    let tag = Tag {
                        kind: (n % 4) as u8,
                        services: (n * 37 % 256) as u8,
                    };
                    points.push((PointId((n * stride) % 1_000_003), at, tag));
                }
            }
            let queries = asks
                .into_iter()
                .map(|(i, j, k, filter)| {
                    // Halves of a step, so that queries fall on points and between them.
                    let half = step / 2.0;
                    let at = (
                        lat0 + f64::from(i % (2 * side)) * half,
                        lon0 + f64::from(j % (2 * side)) * half,
                    );
                    (coord(at), Limit::new(k).expect("k is in range"), filter)
                })
                .collect();
            Scene { points, queries }
        })
}

fn oracle(
    points: &[(PointId, Coord, Tag)],
    from: Coord,
    k: Limit,
    filter: Filter,
) -> Vec<(PointId, f64)> {
    let mut all: Vec<_> = points
        .iter()
        .filter(|(_, _, tag)| filter.accepts(tag))
        .map(|&(id, at, _)| (id, from.distance_m(at)))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    all.truncate(k.get());
    all
}

/// The great-circle distance as the angle between unit vectors (atan2 of the cross and
/// dot products): a different formula from the haversine, accurate at every distance.
fn independent_distance_m(a: Coord, b: Coord) -> f64 {
    let v = |c: Coord| {
        let (lat, lon) = (c.lat().to_radians(), c.lon().to_radians());
        [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
    };
    let (p, q) = (v(a), v(b));
    let cross = [
        p[1] * q[2] - p[2] * q[1],
        p[2] * q[0] - p[0] * q[2],
        p[0] * q[1] - p[1] * q[0],
    ];
    let sin = (cross[0].powi(2) + cross[1].powi(2) + cross[2].powi(2)).sqrt();
    let cos = p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
    EARTH_RADIUS_M * sin.atan2(cos)
}

fn check(
    hits: &[Hit<'_, Tag>],
    expected: &[(PointId, f64)],
    places: &BTreeMap<PointId, (Coord, Tag)>,
    from: Coord,
    filter: Filter,
) -> Result<(), TestCaseError> {
    let got: Vec<_> = hits.iter().map(|h| (h.id, h.distance_m)).collect();
    prop_assert_eq!(&got, expected);
    for hit in hits {
        let (at, tag) = places[&hit.id];
        prop_assert_eq!(hit.coord, at);
        prop_assert_eq!(*hit.payload, tag);
        prop_assert!(filter.accepts(hit.payload));
        prop_assert_eq!(hit.bearing_deg, from.bearing_deg(at));
        prop_assert_eq!(hit.direction.is_none(), hit.distance_m < 1.0);
        let other = independent_distance_m(from, at);
        prop_assert!(
            (hit.distance_m - other).abs() < 1e-6,
            "haversine {} m, vector angle {} m",
            hit.distance_m,
            other
        );
    }
    Ok(())
}

/// A change to the index, as the outbox would deliver it.
#[derive(Debug, Clone)]
enum Change {
    /// A new point (its id is fresh).
    Add((f64, f64), Tag),
    /// An existing point gets a new place and payload.
    Move(Index, (f64, f64), Tag),
    Remove(Index),
    /// An id that is not in the index: nothing happens.
    RemoveUnknown,
}

fn change() -> impl Strategy<Value = Change> {
    let tag = (0u8..4, any::<u8>()).prop_map(|(kind, services)| Tag { kind, services });
    prop_oneof![
        3 => (place(), tag.clone()).prop_map(|(at, tag)| Change::Add(at, tag)),
        2 => (any::<Index>(), place(), tag).prop_map(|(i, at, tag)| Change::Move(i, at, tag)),
        3 => any::<Index>().prop_map(Change::Remove),
        1 => Just(Change::RemoveUnknown),
    ]
}

fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    ProptestConfig {
        // At least 300; PROPTEST_CASES=100000 for a longer hunt.
        cases: default.cases.max(300),
        // Integration tests have no lib.rs beside them for proptest to find; name the file.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/nearest_oracle.proptest-regressions",
        ))),
        ..default
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_built_index_answers_like_the_oracle(scene in scene()) {
        let index = PointIndex::build(scene.points.iter().copied()).expect("ids are distinct");
        prop_assert_eq!(index.len(), scene.points.len());
        let places: BTreeMap<_, _> =
            scene.points.iter().map(|&(id, at, tag)| (id, (at, tag))).collect();
        for &(from, k, filter) in &scene.queries {
            let hits = index.nearest(from, k, |tag| filter.accepts(tag));
            let expected = oracle(&scene.points, from, k, filter);
            check(&hits, &expected, &places, from, filter)?;
        }
    }

    #[test]
    fn ties_on_a_lattice_go_like_the_oracle(scene in lattice()) {
        let index = PointIndex::build(scene.points.iter().copied()).expect("ids are distinct");
        let places: BTreeMap<_, _> =
            scene.points.iter().map(|&(id, at, tag)| (id, (at, tag))).collect();
        for &(from, k, filter) in &scene.queries {
            let hits = index.nearest(from, k, |tag| filter.accepts(tag));
            let expected = oracle(&scene.points, from, k, filter);
            check(&hits, &expected, &places, from, filter)?;
        }
    }

    #[test]
    fn an_index_kept_current_answers_like_the_oracle(
        scene in scene(),
        changes in prop::collection::vec(change(), 1..120),
    ) {
        let mut index = PointIndex::build(scene.points.iter().copied()).expect("ids are distinct");
        let mut places: BTreeMap<_, _> =
            scene.points.iter().map(|&(id, at, tag)| (id, (at, tag))).collect();
        let mut fresh = 1_000_000;
        for (step, change) in changes.into_iter().enumerate() {
            let ids: Vec<PointId> = places.keys().copied().collect();
            match change {
                Change::Add(at, tag) => {
                    fresh += 1;
                    prop_assert_eq!(index.insert(PointId(fresh), coord(at), tag), None);
                    places.insert(PointId(fresh), (coord(at), tag));
                }
                Change::Move(i, at, tag) if !ids.is_empty() => {
                    let id = ids[i.index(ids.len())];
                    let old = places.insert(id, (coord(at), tag)).map(|(_, tag)| tag);
                    prop_assert_eq!(index.insert(id, coord(at), tag), old);
                }
                Change::Remove(i) if !ids.is_empty() => {
                    let id = ids[i.index(ids.len())];
                    let old = places.remove(&id).map(|(_, tag)| tag);
                    prop_assert_eq!(index.remove(id), old);
                }
                Change::Move(..) | Change::Remove(_) | Change::RemoveUnknown => {
                    prop_assert_eq!(index.remove(PointId(i64::MIN)), None);
                }
            }
            prop_assert_eq!(index.len(), places.len());
            // Ask every few changes, with the scene's queries in turn.
            if step % 4 == 0 {
                let (from, k, filter) = scene.queries[step / 4 % scene.queries.len()];
                let hits = index.nearest(from, k, |tag| filter.accepts(tag));
                let points: Vec<_> =
                    places.iter().map(|(&id, &(at, tag))| (id, at, tag)).collect();
                let expected = oracle(&points, from, k, filter);
                check(&hits, &expected, &places, from, filter)?;
            }
        }
        for (&id, &(at, _)) in &places {
            prop_assert_eq!(index.coord(id), Some(at));
        }
    }
}
