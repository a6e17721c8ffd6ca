//! Point → district against the real boundaries.

use std::collections::HashMap;

use seba_geo::{DistrictId, Geography};

fn geo() -> &'static Geography {
    Geography::bangladesh()
}

fn at(lat: f64, lon: f64) -> Option<&'static str> {
    geo().district_at(lat, lon).map(|d| d.name_en.as_str())
}

/// Centres listed in `districts.json` that do not lie inside their own district's
/// boundary. None in this release; if an update brings one, it is named here (and the
/// coordinates are the source's fault, not the lookup's).
const CENTRES_OUTSIDE_THEIR_DISTRICT: &[&str] = &[];

#[test]
fn every_listed_centre_lies_in_its_own_district() {
    let g = geo();
    let outside: Vec<String> = g
        .districts()
        .iter()
        .filter(|d| g.district_at(d.centre.lat, d.centre.lon).map(|x| x.id) != Some(d.id))
        .map(|d| {
            let found = g.district_at(d.centre.lat, d.centre.lon);
            format!(
                "{} ({}, {}) -> {:?}",
                d.name_en,
                d.centre.lat,
                d.centre.lon,
                found.map(|f| &f.name_en)
            )
        })
        .collect();
    let names: Vec<&str> = outside
        .iter()
        .filter_map(|s| s.split(" (").next())
        .collect();
    assert_eq!(names, CENTRES_OUTSIDE_THEIR_DISTRICT, "{outside:#?}");
    for d in g.districts() {
        assert!(d.bbox.contains(d.centre.lat, d.centre.lon), "{}", d.name_en);
    }
}

#[test]
fn towns_fall_in_their_districts() {
    for (lat, lon, district) in [
        (23.8103, 90.4125, "Dhaka"),
        (23.8583, 90.2667, "Dhaka"), // Savar
        (22.3569, 91.7832, "Chattogram"),
        (21.4272, 92.0058, "Cox's Bazar"),
        (20.6275, 92.3228, "Cox's Bazar"), // St Martin's Island, the southernmost point
        (24.8949, 91.8687, "Sylhet"),
        (23.4607, 91.1809, "Cumilla"),
        (22.7010, 90.3535, "Barishal"),
        (24.0000, 90.4250, "Gazipur"),
        (26.3354, 88.5517, "Panchagarh"),
    ] {
        assert_eq!(at(lat, lon), Some(district), "({lat}, {lon})");
    }
}

#[test]
fn points_outside_the_country_find_nothing() {
    for (lat, lon, place) in [
        (21.0, 91.5, "Bay of Bengal"),
        (21.3, 89.5, "Bay of Bengal, off the Sundarbans"),
        (20.9, 91.9, "Bay of Bengal, off Cox's Bazar"),
        (22.5726, 88.3639, "Kolkata"),
        (25.5788, 91.8933, "Shillong"),
        (23.8315, 91.2868, "Agartala, in the bulge of Tripura"),
        (26.3452, 89.4482, "Cooch Behar"),
        (20.8167, 92.3667, "Maungdaw, across the Naf"),
        (20.87, 92.53, "Buthidaung"),
        (20.15, 92.90, "Sittwe"),
        (27.7, 85.3, "Kathmandu"),
        (0.0, 0.0, "null island"),
    ] {
        assert_eq!(at(lat, lon), None, "{place}");
    }
}

#[test]
fn what_is_not_a_coordinate_finds_nothing() {
    for (lat, lon) in [
        (f64::NAN, 90.4),
        (23.8, f64::NAN),
        (f64::INFINITY, 90.4),
        (23.8, f64::NEG_INFINITY),
        (90.4, 23.8), // swapped
        (-23.8, -90.4),
        (1e308, 1e308),
    ] {
        assert_eq!(at(lat, lon), None, "({lat}, {lon})");
    }
}

/// Vertices that two districts' boundaries share are on both borders: the answer is one
/// of the two, and it does not panic.
#[test]
fn a_point_on_a_shared_border_gets_one_of_the_two() {
    let g = geo();
    let mut owners: HashMap<(u64, u64), Vec<DistrictId>> = HashMap::new();
    for d in g.districts() {
        let shape = g.boundary(d.id).unwrap();
        for polygon in &shape.0 {
            for c in polygon.exterior().coords() {
                let ids = owners.entry((c.x.to_bits(), c.y.to_bits())).or_default();
                if !ids.contains(&d.id) {
                    ids.push(d.id);
                }
            }
        }
    }
    let shared: Vec<(&(u64, u64), &Vec<DistrictId>)> =
        owners.iter().filter(|(_, ids)| ids.len() >= 2).collect();
    assert!(shared.len() > 1_000, "{} shared vertices", shared.len());
    for ((x, y), ids) in shared {
        let (lon, lat) = (f64::from_bits(*x), f64::from_bits(*y));
        let found = g.district_at(lat, lon).map(|d| d.id);
        assert!(
            found.is_some_and(|f| ids.contains(&f)),
            "({lat}, {lon}) is on {ids:?}, got {found:?}"
        );
    }
}
