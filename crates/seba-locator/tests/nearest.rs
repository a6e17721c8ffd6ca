//! The nearest-k index on places people know: coordinates and counts as typed, distances
//! and directions between towns, and an index kept current point by point.

use seba_core::bilingual::Explain;
use seba_locator::nearest::{
    Coord, CoordError, Direction, IndexError, Limit, LimitError, PointId, PointIndex,
};

const DHAKA: (f64, f64) = (23.8103, 90.4125);
const CHATTOGRAM: (f64, f64) = (22.3569, 91.7832);
const SYLHET: (f64, f64) = (24.8949, 91.8687);
const DINAJPUR: (f64, f64) = (26.3354, 88.5517);

fn at((lat, lon): (f64, f64)) -> Coord {
    Coord::new(lat, lon).unwrap()
}

#[test]
fn coordinates_outside_bangladesh_are_refused() {
    assert!(Coord::new(20.7, 92.3).is_ok(), "Saint Martin's Island");
    assert!(Coord::new(26.6, 88.4).is_ok(), "Tetulia");
    // The test is a box, not the border: Kolkata (22.57, 88.36) passes, and the district
    // lookup is what tells it is not in any district.
    for (lat, lon) in [(28.6, 77.2), (16.8, 96.15), (0.0, 0.0), (-23.8, 90.4)] {
        let err = Coord::new(lat, lon).unwrap_err();
        assert!(matches!(err, CoordError::OutsideBangladesh { .. }), "{err}");
        assert_eq!(err.explain().en, "The coordinates are outside Bangladesh");
        assert_eq!(err.explain().bn, "এই অবস্থানটি বাংলাদেশের বাইরে");
    }
    for (lat, lon) in [
        (f64::NAN, 90.4),
        (23.8, f64::INFINITY),
        (f64::NEG_INFINITY, 90.4),
    ] {
        assert!(Coord::new(lat, lon).is_err());
    }
    let err = Coord::new(90.4125, 23.8103).unwrap_err();
    assert!(matches!(err, CoordError::Swapped { .. }));
    assert!(err.explain().en.contains("swapped"));
}

#[test]
fn coordinates_are_typed_in_either_digit_script() {
    assert_eq!(Coord::parse("২৩.৮১০৩", "৯০.৪১২৫").unwrap(), at(DHAKA));
    assert_eq!(Coord::parse(" 23.8103 ", "+90.4125").unwrap(), at(DHAKA));
    for (lat, lon, axis) in [
        ("", "90.4", "latitude"),
        ("23.8", "abc", "longitude"),
        ("NaN", "90.4", "latitude"),
        ("23.8", "inf", "longitude"),
        ("2.38e1", "90.4", "latitude"),
        ("23,8", "90.4", "latitude"),
    ] {
        let err = Coord::parse(lat, lon).unwrap_err();
        assert!(
            matches!(err, CoordError::NotANumber(_)),
            "{lat} {lon}: {err}"
        );
        assert!(err.to_string().contains(axis), "{err}");
    }
    assert!(matches!(
        Coord::parse("51.5", "-0.12"),
        Err(CoordError::OutsideBangladesh { .. })
    ));
}

#[test]
fn coordinates_deserialise_only_when_valid() {
    let ok: Coord = serde_json::from_str(r#"{"lat": 23.8103, "lon": 90.4125}"#).unwrap();
    assert_eq!(ok, at(DHAKA));
    let err = serde_json::from_str::<Coord>(r#"{"lat": 51.5, "lon": -0.12}"#).unwrap_err();
    assert!(err.to_string().contains("outside Bangladesh"), "{err}");
    assert_eq!(
        serde_json::to_value(ok).unwrap(),
        serde_json::json!({"lat": 23.8103, "lon": 90.4125})
    );
}

#[test]
fn distances_and_directions_between_towns() {
    // Reference values: the same haversine in Python's math module.
    for (to, metres, bearing, direction, bn) in [
        (
            CHATTOGRAM,
            213_952.486_703,
            138.784_613,
            Direction::SE,
            "দক্ষিণ-পূর্ব",
        ),
        (
            SYLHET,
            190_537.108_786,
            50.433_703,
            Direction::NE,
            "উত্তর-পূর্ব",
        ),
        (
            DINAJPUR,
            337_566.108_030,
            326.667_576,
            Direction::NW,
            "উত্তর-পশ্চিম",
        ),
    ] {
        let (from, to) = (at(DHAKA), at(to));
        assert!((from.distance_m(to) - metres).abs() < 1e-3, "{to:?}");
        assert!((to.distance_m(from) - metres).abs() < 1e-3, "symmetric");
        assert!((from.bearing_deg(to) - bearing).abs() < 1e-5, "{to:?}");
        assert_eq!(Direction::from_bearing(from.bearing_deg(to)), direction);
        assert_eq!(direction.bn(), bn);
    }
    assert_eq!(at(DHAKA).distance_m(at(DHAKA)), 0.0);
    assert_eq!(Direction::N.label().bn, "উত্তর");
    assert_eq!(Direction::SW.en(), "SW");
}

#[test]
fn counts_run_from_one_to_a_hundred() {
    assert_eq!(Limit::default().get(), 5);
    assert_eq!(Limit::new(1).unwrap().get(), 1);
    assert_eq!(Limit::new(100).unwrap().get(), 100);
    assert_eq!(Limit::parse("১০").unwrap().get(), 10);
    assert_eq!(Limit::parse(" 7 ").unwrap().get(), 7);
    for bad in [0, -1, 101, i64::MIN, i64::MAX] {
        let err = Limit::new(bad).unwrap_err();
        assert_eq!(err, LimitError::OutOfRange(bad));
        assert_eq!(err.explain().en, "You can show from 1 to 100 places");
    }
    assert_eq!(Limit::parse("-3"), Err(LimitError::OutOfRange(-3)));
    assert_eq!(
        Limit::parse("99999999999999999999999"),
        Err(LimitError::OutOfRange(i64::MAX))
    );
    for bad in ["", "five", "5.0", "-", "1e2"] {
        assert_eq!(Limit::parse(bad), Err(LimitError::NotANumber), "{bad:?}");
    }
    assert_eq!(serde_json::from_str::<Limit>("5").unwrap().get(), 5);
    assert!(serde_json::from_str::<Limit>("0").is_err());
}

#[test]
fn great_circle_order_is_not_degree_order() {
    // At 23.8 °N a degree of longitude is 0.915 of a degree of latitude: 0.0105° east is
    // nearer than 0.0100° north, though it is further in raw degrees.
    let here = at(DHAKA);
    let north = at((DHAKA.0 + 0.0100, DHAKA.1));
    let east = at((DHAKA.0, DHAKA.1 + 0.0105));
    let index = PointIndex::build([(PointId(1), north, ()), (PointId(2), east, ())]).unwrap();
    let hits = index.nearest(here, Limit::new(2).unwrap(), |_| true);
    let ids: Vec<_> = hits.iter().map(|h| h.id).collect();
    assert_eq!(ids, [PointId(2), PointId(1)]);
    assert_eq!(hits[0].direction, Some(Direction::E));
    assert_eq!(hits[1].direction, Some(Direction::N));
    assert!(hits[0].distance_m < hits[1].distance_m);
}

#[test]
fn the_filter_skips_points_and_ties_go_by_id() {
    let here = at(DHAKA);
    let index = PointIndex::build([
        (PointId(9), here, "closed"),
        (PointId(4), here, "open"),
        (PointId(3), here, "open"),
        (PointId(7), at(SYLHET), "open"),
        (PointId(1), at(CHATTOGRAM), "closed"),
    ])
    .unwrap();
    let open = index.nearest(here, Limit::new(3).unwrap(), |s| *s == "open");
    let ids: Vec<_> = open.iter().map(|h| h.id).collect();
    assert_eq!(ids, [PointId(3), PointId(4), PointId(7)]);
    assert_eq!(
        open[0].direction, None,
        "a point where one stands has no direction"
    );
    assert_eq!(open[0].distance_m, 0.0);
    assert_eq!(*open[2].payload, "open");

    let all = index.nearest(here, Limit::new(100).unwrap(), |_| true);
    assert_eq!(all.len(), 5, "fewer than k when fewer exist");
    assert!(index.nearest(here, Limit::DEFAULT, |_| false).is_empty());
    assert!(
        PointIndex::<()>::new()
            .nearest(here, Limit::DEFAULT, |_| true)
            .is_empty()
    );
}

#[test]
fn points_come_and_go() {
    let mut index = PointIndex::new();
    assert!(index.is_empty());
    assert_eq!(index.insert(PointId(1), at(CHATTOGRAM), "centre"), None);
    assert_eq!(index.insert(PointId(2), at(SYLHET), "agent"), None);
    assert_eq!(index.len(), 2);
    fn nearest(index: &PointIndex<&'static str>) -> Option<(PointId, &'static str)> {
        index
            .nearest(at(DHAKA), Limit::new(1).unwrap(), |_| true)
            .first()
            .map(|h| (h.id, *h.payload))
    }
    assert_eq!(nearest(&index), Some((PointId(2), "agent")));

    // The Chattogram centre moves to Dhaka: same id, new place, new payload.
    assert_eq!(
        index.insert(PointId(1), at(DHAKA), "moved centre"),
        Some("centre")
    );
    assert_eq!(index.len(), 2);
    assert_eq!(index.coord(PointId(1)), Some(at(DHAKA)));
    assert_eq!(nearest(&index), Some((PointId(1), "moved centre")));

    assert_eq!(index.remove(PointId(1)), Some("moved centre"));
    assert_eq!(index.remove(PointId(1)), None);
    assert_eq!(index.coord(PointId(1)), None);
    assert_eq!(nearest(&index), Some((PointId(2), "agent")));
    assert_eq!(index.remove(PointId(2)), Some("agent"));
    assert!(index.is_empty());
    assert_eq!(nearest(&index), None);
}

#[test]
fn a_duplicate_id_is_refused_at_build() {
    let err =
        PointIndex::build([(PointId(5), at(DHAKA), ()), (PointId(5), at(SYLHET), ())]).unwrap_err();
    assert_eq!(err, IndexError::DuplicateId(PointId(5)));
    assert_eq!(err.explain().bn, "৫ নম্বর জায়গাটি দুবার আছে");
}
