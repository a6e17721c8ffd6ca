//! The embedded data set, as loaded: counts, links between levels, cleaning, the
//! spelling each district ends up with, and the boundaries against the district list.

use std::collections::{HashMap, HashSet};

use seba_geo::{DistrictId, Geography, Sources, UpazilaId};
use serde_json::Value;

fn geo() -> &'static Geography {
    Geography::bangladesh()
}

#[test]
fn counts() {
    let g = geo();
    assert_eq!(g.divisions().len(), 8);
    assert_eq!(g.districts().len(), 64);
    assert_eq!(g.upazilas().len(), 494);
    assert_eq!(g.unions().len(), 4_540);
}

#[test]
fn every_unit_has_its_parent_and_is_among_its_children() {
    let g = geo();
    for d in g.districts() {
        assert!(g.division(d.division).is_some(), "{d:?}");
        assert!(g.districts_of(d.division).any(|x| x.id == d.id));
    }
    for u in g.upazilas() {
        assert!(g.district(u.district).is_some(), "{u:?}");
        assert!(g.upazilas_of(u.district).any(|x| x.id == u.id));
    }
    for u in g.unions() {
        assert!(g.upazila(u.upazila).is_some(), "{u:?}");
        assert!(g.unions_of(u.upazila).any(|x| x.id == u.id));
    }
    let children: usize = g
        .divisions()
        .iter()
        .map(|d| g.districts_of(d.id).count())
        .sum();
    assert_eq!(children, 64);
    let children: usize = g
        .districts()
        .iter()
        .map(|d| g.upazilas_of(d.id).count())
        .sum();
    assert_eq!(children, 494);
    let children: usize = g.upazilas().iter().map(|u| g.unions_of(u.id).count()).sum();
    assert_eq!(children, 4_540);
}

/// The source has no orphans, but five upazilas without a single union. They are newer
/// upazilas whose unions the source still lists under the upazila they were carved from:
/// a union of the same name is there for four of them (Guimara under Matiranga, Eidgaon
/// under Cox's Bazar Sadar, Madhyanagar under Dharmapasha, Dashar under Kalkini). They are
/// kept as they are, empty: moving unions would be inventing data, and a service point
/// can be placed in an upazila all the same.
#[test]
fn upazilas_without_unions_are_known() {
    let g = geo();
    let empty: Vec<(u16, &str, &str)> = g
        .upazilas()
        .iter()
        .filter(|u| g.unions_of(u.id).next().is_none())
        .map(|u| {
            let d = g.district(u.district).map(|d| d.name_en.as_str());
            (u.id.0, u.name_en.as_str(), d.unwrap_or_default())
        })
        .collect();
    assert_eq!(
        empty,
        [
            (96, "Guimara", "Khagrachhari"),
            (149, "Naldanga", "Natore"),
            (492, "Eidgaon", "Cox's Bazar"),
            (493, "Madhyanagar", "Sunamganj"),
            (494, "Dasar", "Madaripur"),
        ]
    );
}

#[test]
fn every_divisions_children_by_name() {
    let g = geo();
    let counts: Vec<(&str, usize)> = g
        .divisions()
        .iter()
        .map(|d| (d.name_en.as_str(), g.districts_of(d.id).count()))
        .collect();
    assert_eq!(
        counts,
        [
            ("Chattogram", 11),
            ("Rajshahi", 8),
            ("Khulna", 10),
            ("Barishal", 6),
            ("Sylhet", 4),
            ("Dhaka", 13),
            ("Rangpur", 8),
            ("Mymensingh", 4),
        ]
    );
    assert_eq!(g.districts_of(seba_geo::DivisionId(99)).count(), 0);
    assert_eq!(g.upazilas_of(DistrictId(0)).count(), 0);
    assert_eq!(g.unions_of(UpazilaId(4_999)).count(), 0);
}

#[test]
fn names_are_clean() {
    let g = geo();
    let mut names: Vec<&str> = Vec::new();
    for d in g.divisions() {
        names.extend([d.name_en.as_str(), d.name_bn.as_str()]);
    }
    for d in g.districts() {
        names.extend([d.name_en.as_str(), d.name_bn.as_str()]);
    }
    for u in g.upazilas() {
        names.extend([u.name_en.as_str(), u.name_bn.as_str()]);
    }
    for u in g.unions() {
        names.extend([u.name_en.as_str(), u.name_bn.as_str()]);
    }
    for n in names {
        assert!(!n.is_empty());
        assert_eq!(n, n.trim(), "{n:?}");
        assert!(
            !n.contains("  ") && !n.chars().any(char::is_control),
            "{n:?}"
        );
        assert_eq!(n, seba_core::text::nfc(n), "{n:?} is not NFC");
        assert!(!n.contains('\u{09DF}'), "{n:?}: precomposed য়");
    }
    // Rows the source had with a trailing or leading space or tab:
    let u = geo().upazila(UpazilaId(54)).unwrap();
    assert_eq!(u.name_bn, "শাহরাস্তি");
    let u = geo().union(seba_geo::UnionId(1349)).unwrap();
    assert_eq!(u.name_bn, "তুলশীগংগা");
    // Latin-letter names have no digits left.
    assert!(g_names_en().all(|n| !n.chars().any(|c| c.is_ascii_digit())));
}

fn g_names_en() -> impl Iterator<Item = &'static str> {
    let g = geo();
    g.upazilas()
        .iter()
        .map(|u| u.name_en.as_str())
        .chain(g.unions().iter().map(|u| u.name_en.as_str()))
}

#[test]
fn one_english_spelling_per_district_and_the_rest_as_aliases() {
    let g = geo();
    let spelt: Vec<(&str, Vec<&str>)> = g
        .districts()
        .iter()
        .filter(|d| !d.aliases.is_empty())
        .map(|d| {
            (
                d.name_en.as_str(),
                d.aliases.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        spelt,
        [
            ("Cumilla", vec!["Comilla"]),
            ("Brahmanbaria", vec!["Brahamanbaria"]),
            ("Chattogram", vec!["Chittagong"]),
            ("Cox's Bazar", vec!["Coxsbazar"]),
            ("Bogura", vec!["Bogra"]),
            ("Chapainawabganj", vec!["Chapai Nawabganj", "Nawabganj"]),
            ("Jashore", vec!["Jessore"]),
            ("Jhalakathi", vec!["Jhalokati"]),
            ("Barishal", vec!["Barisal"]),
            ("Moulvibazar", vec!["Maulvibazar"]),
            ("Netrokona", vec!["Netrakona"]),
        ]
    );
    let divisions: Vec<(&str, &[String])> = g
        .divisions()
        .iter()
        .map(|d| (d.name_en.as_str(), d.aliases.as_slice()))
        .filter(|(_, a)| !a.is_empty())
        .collect();
    assert_eq!(
        divisions,
        [
            (
                "Chattogram",
                &["Chattagram".to_string(), "Chittagong".to_string()][..]
            ),
            ("Barishal", &["Barisal".to_string()][..]),
        ]
    );
    // No two districts answer to the same name.
    let mut seen = HashSet::new();
    for d in g.districts() {
        for n in std::iter::once(&d.name_en)
            .chain(&d.aliases)
            .chain(std::iter::once(&d.name_bn))
        {
            assert!(seen.insert(n.to_lowercase()), "{n} twice");
        }
    }
}

#[test]
fn upazilas_named_after_their_district_follow_its_spelling() {
    let g = geo();
    let renamed: Vec<(&str, &str)> = g
        .upazilas()
        .iter()
        .filter_map(|u| Some((u.aliases.first()?.as_str(), u.name_en.as_str())))
        .collect();
    assert_eq!(
        renamed,
        [
            ("Comilla Sadar", "Cumilla Sadar"),
            ("Sadarsouth", "Cumilla Sadar Dakshin"),
            ("Coxsbazar Sadar", "Cox's Bazar Sadar"),
            ("Bogra Sadar", "Bogura Sadar"),
            ("Jessore Sadar", "Jashore Sadar"),
            ("Barisal Sadar", "Barishal Sadar"),
        ]
    );
}

#[test]
fn find_district_by_any_name() {
    let g = geo();
    for name in ["Cumilla", "comilla", "কুমিল্লা", " COMILLA "] {
        assert_eq!(
            g.find_district(name).map(|d| d.id),
            Some(DistrictId(1)),
            "{name}"
        );
    }
    // Bengali typed with a precomposed য়, as some keyboards do.
    assert_eq!(
        g.find_district("জ\u{09DF}পুরহাট").map(|d| d.name_en.as_str()),
        Some("Joypurhat")
    );
    assert_eq!(
        g.find_district("Chittagong").map(|d| d.id),
        Some(DistrictId(8))
    );
    assert!(g.find_district("Kolkata").is_none());
    assert!(g.find_district("").is_none());
}

/// Every feature of the boundary file names exactly one district, and each district has
/// exactly one feature (the loader refuses anything else; this says it from outside).
/// The names that differ from the district list are the boundary file's spellings.
#[test]
fn boundary_features_map_one_to_one_onto_districts() {
    let g = geo();
    let fc: Value = serde_json::from_str(Sources::EMBEDDED.boundaries).unwrap();
    let features = fc["features"].as_array().unwrap();
    assert_eq!(features.len(), 64);
    let mut per_district: HashMap<DistrictId, usize> = HashMap::new();
    let mut differ = Vec::new();
    for f in features {
        let name = f["properties"]["ADM2_EN"].as_str().unwrap();
        let matching: Vec<_> = g
            .districts()
            .iter()
            .filter(|d| {
                std::iter::once(&d.name_en)
                    .chain(&d.aliases)
                    .any(|n| n.eq_ignore_ascii_case(name))
            })
            .collect();
        assert_eq!(matching.len(), 1, "{name}: {matching:?}");
        *per_district.entry(matching[0].id).or_default() += 1;
        if matching[0].name_en != name {
            differ.push((name, matching[0].name_en.as_str()));
        }
        assert!(g.boundary(matching[0].id).is_some());
    }
    assert_eq!(per_district.len(), 64);
    assert!(per_district.values().all(|&n| n == 1));
    differ.sort();
    assert_eq!(
        differ,
        [
            ("Barisal", "Barishal"),
            ("Bogra", "Bogura"),
            ("Brahamanbaria", "Brahmanbaria"),
            ("Chittagong", "Chattogram"),
            ("Comilla", "Cumilla"),
            ("Jessore", "Jashore"),
            ("Jhalokati", "Jhalakathi"),
            ("Maulvibazar", "Moulvibazar"),
            ("Nawabganj", "Chapainawabganj"),
            ("Netrakona", "Netrokona"),
        ]
    );
}

#[test]
fn district_boxes_come_from_the_boundaries() {
    let g = geo();
    let country = g.bbox();
    assert!((88.0..88.1).contains(&country.west) && (92.6..92.7).contains(&country.east));
    assert!((20.5..20.6).contains(&country.south) && (26.6..26.7).contains(&country.north));
    for d in g.districts() {
        let b = d.bbox;
        assert!(b.south < b.north && b.west < b.east, "{d:?}");
        assert!(b.south >= country.south && b.north <= country.north);
        assert!(b.west >= country.west && b.east <= country.east);
    }
}
