//! Turning the five source files into one consistent [`Geography`]: parse and clean each
//! row ([`crate::source`]), give it its one English spelling (`spelling`), sort
//! each level by id, link every unit to its parent and every district to its boundary —
//! or refuse the whole data set with the first thing wrong with it. A geography is never
//! half-loaded, so its users need not check for a missing parent or boundary.

use std::sync::OnceLock;

use geo::MultiPolygon;

use crate::error::{GeoError, SourceFile as F};
use crate::model::{
    BoundingBox, District, DistrictId, Division, DivisionId, LatLon, Union, UnionId, Upazila,
    UpazilaId,
};
use crate::source::{self, DistrictRow, DivisionRow, Fields, Sources, UnionRow, UpazilaRow};
use crate::{Geography, boundary, spelling};

/// Index of `id` in a list sorted by id.
pub(crate) fn position<T>(items: &[T], id: u16, key: impl Fn(&T) -> u16) -> Option<usize> {
    items.binary_search_by_key(&id, key).ok()
}

/// Sort by id, refusing duplicates.
fn sorted<T>(file: F, mut items: Vec<T>, key: impl Fn(&T) -> u16) -> Result<Vec<T>, GeoError> {
    items.sort_by_key(&key);
    if let Some(w) = items.windows(2).find(|w| key(&w[0]) == key(&w[1])) {
        return Err(GeoError::DuplicateId {
            file,
            id: key(&w[0]),
        });
    }
    Ok(items)
}

/// For each parent (by index), the indexes of its children; `Orphan` if a child's
/// parent does not exist.
fn children<C, P>(
    file: F,
    items: &[C],
    parents: &[P],
    ids: impl Fn(&C) -> (u16, u16),
    parent_id: impl Fn(&P) -> u16,
) -> Result<Vec<Vec<usize>>, GeoError> {
    let mut out = vec![Vec::new(); parents.len()];
    for (i, c) in items.iter().enumerate() {
        let (id, parent) = ids(c);
        let p =
            position(parents, parent, &parent_id).ok_or(GeoError::Orphan { file, id, parent })?;
        out[p].push(i);
    }
    Ok(out)
}

/// Refuse an empty table: a data set without, say, unions is not a geography.
fn not_empty<T>(file: F, items: Vec<T>) -> Result<Vec<T>, GeoError> {
    if items.is_empty() {
        return Err(GeoError::NoRows { file });
    }
    Ok(items)
}

/// The item with `id` in a list sorted by id.
pub(crate) fn find<T>(items: &[T], id: u16, key: impl Fn(&T) -> u16) -> Option<&T> {
    position(items, id, key).and_then(|i| items.get(i))
}

/// Names compare without regard to case.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

pub(crate) fn load(sources: Sources<'_>) -> Result<Geography, GeoError> {
    let divisions = source::table::<DivisionRow>(F::Divisions, sources.divisions)?
        .into_iter()
        .map(|r| {
            let f = Fields {
                file: F::Divisions,
                id: &r.id,
            };
            let (name_en, aliases) =
                spelling::respell(spelling::DIVISIONS, &f.name("name", &r.name)?);
            Ok(Division {
                id: DivisionId(f.id("id", &r.id)?),
                name_en,
                name_bn: f.name("bn_name", &r.bn_name)?,
                aliases,
            })
        })
        .collect::<Result<Vec<_>, GeoError>>()?;
    let divisions = sorted(F::Divisions, not_empty(F::Divisions, divisions)?, |d| {
        d.id.0
    })?;

    // Districts wait for their boundaries, which give them their box.
    let rows = source::table::<DistrictRow>(F::Districts, sources.districts)?;
    let mut partial = Vec::with_capacity(rows.len());
    for r in rows {
        let f = Fields {
            file: F::Districts,
            id: &r.id,
        };
        let (name_en, aliases) = spelling::respell(spelling::DISTRICTS, &f.name("name", &r.name)?);
        partial.push(District {
            id: DistrictId(f.id("id", &r.id)?),
            division: DivisionId(f.id("division_id", &r.division_id)?),
            name_en,
            name_bn: f.name("bn_name", &r.bn_name)?,
            aliases,
            centre: LatLon {
                lat: f.degrees("lat", &r.lat, -90.0..=90.0)?,
                lon: f.degrees("lon", &r.lon, -180.0..=180.0)?,
            },
            // Set from the district's boundary below.
            bbox: BoundingBox {
                south: 0.0,
                west: 0.0,
                north: 0.0,
                east: 0.0,
            },
        });
    }
    let mut districts = sorted(F::Districts, not_empty(F::Districts, partial)?, |d| d.id.0)?;
    let districts_of = children(
        F::Districts,
        &districts,
        &divisions,
        |d| (d.id.0, d.division.0),
        |v| v.id.0,
    )?;

    let shapes = match_boundaries(&divisions, &districts, sources.boundaries)?;
    for (d, shape) in districts.iter_mut().zip(&shapes) {
        d.bbox = boundary::bbox_of(shape).ok_or_else(|| GeoError::BadGeometry {
            name: d.name_en.clone(),
            reason: "empty",
        })?;
    }
    let locator = boundary::Locator::new(shapes).ok_or(GeoError::NoRows {
        file: F::Boundaries,
    })?;

    let upazilas = source::table::<UpazilaRow>(F::Upazilas, sources.upazilas)?
        .into_iter()
        .map(|r| {
            let f = Fields {
                file: F::Upazilas,
                id: &r.id,
            };
            let id = f.id("id", &r.id)?;
            let district = DistrictId(f.id("district_id", &r.district_id)?);
            let source_name = f.name("name", &r.name)?;
            let (mut name_en, mut aliases) =
                spelling::fix(spelling::UPAZILA_FIXES, id, &source_name);
            if let Some(d) = find(&districts, district.0, |d| d.id.0)
                && let Some(respelt) = spelling::follow_district(&name_en, &d.name_en, &d.aliases)
            {
                aliases.push(std::mem::replace(&mut name_en, respelt));
            }
            Ok(Upazila {
                id: UpazilaId(id),
                district,
                name_en,
                name_bn: f.name("bn_name", &r.bn_name)?,
                aliases,
            })
        })
        .collect::<Result<Vec<_>, GeoError>>()?;
    let upazilas = sorted(F::Upazilas, not_empty(F::Upazilas, upazilas)?, |u| u.id.0)?;
    let upazilas_of = children(
        F::Upazilas,
        &upazilas,
        &districts,
        |u| (u.id.0, u.district.0),
        |d| d.id.0,
    )?;

    let unions = source::table::<UnionRow>(F::Unions, sources.unions)?
        .into_iter()
        .map(|r| {
            let f = Fields {
                file: F::Unions,
                id: &r.id,
            };
            let id = f.id("id", &r.id)?;
            let (name_en, aliases) =
                spelling::fix(spelling::UNION_FIXES, id, &f.name("name", &r.name)?);
            Ok(Union {
                id: UnionId(id),
                upazila: UpazilaId(f.id("upazilla_id", &r.upazilla_id)?),
                name_en,
                name_bn: f.name("bn_name", &r.bn_name)?,
                aliases,
            })
        })
        .collect::<Result<Vec<_>, GeoError>>()?;
    let unions = sorted(F::Unions, not_empty(F::Unions, unions)?, |u| u.id.0)?;
    let unions_of = children(
        F::Unions,
        &unions,
        &upazilas,
        |u| (u.id.0, u.upazila.0),
        |v| v.id.0,
    )?;

    Ok(Geography {
        divisions,
        districts,
        upazilas,
        unions,
        districts_of,
        upazilas_of,
        unions_of,
        locator,
        names: OnceLock::new(),
    })
}

/// Each district's boundary, in the districts' order: every feature names exactly one
/// district (by its English name or an alias) in the division `districts.json` puts it
/// in, and every district has exactly one feature.
fn match_boundaries(
    divisions: &[Division],
    districts: &[District],
    text: &str,
) -> Result<Vec<MultiPolygon<f64>>, GeoError> {
    let mut shapes: Vec<Vec<MultiPolygon<f64>>> = vec![Vec::new(); districts.len()];
    for b in boundary::parse(text)? {
        let mut found = districts.iter().enumerate().filter(|(_, d)| {
            std::iter::once(d.name_en.as_str())
                .chain(d.aliases.iter().map(String::as_str))
                .any(|n| same_name(n, &b.district))
        });
        let (Some((i, district)), None) = (found.next(), found.next()) else {
            return Err(GeoError::UnknownBoundary { name: b.district });
        };
        let division = divisions.iter().find(|v| v.id == district.division);
        let agrees = division.is_some_and(|v| {
            std::iter::once(v.name_en.as_str())
                .chain(v.aliases.iter().map(String::as_str))
                .any(|n| same_name(n, &b.division))
        });
        if !agrees {
            return Err(GeoError::BoundaryDivision {
                name: b.district,
                found: b.division,
                expected: division.map(|v| v.name_en.clone()).unwrap_or_default(),
            });
        }
        shapes[i].push(b.shape);
    }
    districts
        .iter()
        .zip(shapes)
        .map(|(d, mut s)| match (s.len(), s.pop()) {
            (1, Some(shape)) => Ok(shape),
            (count, _) => Err(GeoError::BoundaryCount {
                district: d.name_en.clone(),
                count,
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::clean;

    const DIVISIONS: &str =
        r#"[{"type":"table","data":[{"id":"1","name":"Dhaka","bn_name":"ঢাকা"}]}]"#;
    const DISTRICTS: &str = r#"[{"type":"table","data":[
        {"id":"1","division_id":"1","name":"Dhaka","bn_name":"ঢাকা","lat":"23.7","lon":"90.4"}]}]"#;
    const UPAZILAS: &str = r#"[{"type":"table","data":[
        {"id":"1","district_id":"1","name":"Savar","bn_name":"সাভার"}]}]"#;
    const UNIONS: &str = r#"[{"type":"table","data":[
        {"id":"1","upazilla_id":"1","name":"Savar","bn_name":"সাভার"}]}]"#;

    fn feature(district: &str, division: &str) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"ADM2_EN":"{district}","ADM1_EN":"{division}"}},
            "geometry":{{"type":"MultiPolygon","coordinates":[[[[90,23],[91,23],[91,24],[90,24],[90,23]]]]}}}}"#
        )
    }

    fn boundaries(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    fn load_with(edit: impl FnOnce(&mut [String; 5])) -> Result<Geography, GeoError> {
        let mut files = [
            DIVISIONS.to_string(),
            DISTRICTS.to_string(),
            UPAZILAS.to_string(),
            UNIONS.to_string(),
            boundaries(&[feature("Dhaka", "Dhaka")]),
        ];
        edit(&mut files);
        let [divisions, districts, upazilas, unions, boundaries] = &files;
        Geography::load(Sources {
            divisions,
            districts,
            upazilas,
            unions,
            boundaries,
        })
    }

    #[test]
    fn a_small_data_set_loads() {
        let g = load_with(|_| {}).unwrap();
        assert_eq!(g.district_at(23.7, 90.4).map(|d| d.id), Some(DistrictId(1)));
        assert_eq!(g.district_at(22.0, 90.4), None);
        assert_eq!(g.unions_of(UpazilaId(1)).count(), 1);
        assert_eq!(g.search("savar", 5).len(), 2);
        let b = g.districts()[0].bbox;
        assert_eq!((b.south, b.west, b.north, b.east), (23.0, 90.0, 24.0, 91.0));
    }

    #[test]
    fn orphans_are_refused_and_named() {
        let err =
            load_with(|f| f[3] = f[3].replace(r#""upazilla_id":"1""#, r#""upazilla_id":"2""#));
        assert!(
            matches!(
                err,
                Err(GeoError::Orphan {
                    file: F::Unions,
                    id: 1,
                    parent: 2
                })
            ),
            "{err:?}"
        );
        let err =
            load_with(|f| f[2] = f[2].replace(r#""district_id":"1""#, r#""district_id":"9""#));
        assert!(matches!(
            err,
            Err(GeoError::Orphan {
                file: F::Upazilas,
                id: 1,
                parent: 9
            })
        ));
        let err =
            load_with(|f| f[1] = f[1].replace(r#""division_id":"1""#, r#""division_id":"3""#));
        assert!(matches!(
            err,
            Err(GeoError::Orphan {
                file: F::Districts,
                id: 1,
                parent: 3
            })
        ));
    }

    #[test]
    fn duplicates_and_empty_tables_are_refused() {
        let err = load_with(|f| {
            f[3] = f[3].replace(
                "]}]",
                r#",{"id":"1","upazilla_id":"1","name":"X","bn_name":"এক্স"}]}]"#,
            )
        });
        assert!(
            matches!(
                err,
                Err(GeoError::DuplicateId {
                    file: F::Unions,
                    id: 1
                })
            ),
            "{err:?}"
        );
        let err = load_with(|f| f[3] = r#"[{"type":"table","data":[]}]"#.to_string());
        assert!(matches!(err, Err(GeoError::NoRows { file: F::Unions })));
        let err = load_with(|f| f[0] = f[0].replace(r#""id":"1""#, r#""id":"one""#));
        assert!(
            matches!(err, Err(GeoError::BadField { field: "id", .. })),
            "{err:?}"
        );
    }

    #[test]
    fn boundaries_must_match_districts_one_to_one() {
        let err = load_with(|f| f[4] = boundaries(&[feature("Dhakka", "Dhaka")]));
        assert!(
            matches!(err, Err(GeoError::UnknownBoundary { .. })),
            "{err:?}"
        );
        let err = load_with(|f| f[4] = boundaries(&[feature("Dhaka", "Khulna")]));
        assert!(
            matches!(err, Err(GeoError::BoundaryDivision { .. })),
            "{err:?}"
        );
        let twice = [feature("Dhaka", "Dhaka"), feature("DHAKA ", "Dhaka")];
        let err = load_with(|f| f[4] = boundaries(&twice));
        assert!(
            matches!(err, Err(GeoError::BoundaryCount { count: 2, .. })),
            "{err:?}"
        );
        let err = load_with(|f| f[4] = boundaries(&[]));
        assert!(
            matches!(err, Err(GeoError::BoundaryCount { count: 0, .. })),
            "{err:?}"
        );
    }

    /// Every spelling fix still finds the spelling it replaces in the shipped data: a
    /// fix that stopped applying would otherwise go unnoticed after a data update.
    #[test]
    fn every_spelling_fix_applies_to_the_shipped_data() {
        let s = Sources::EMBEDDED;
        let divisions: Vec<DivisionRow> = source::table(F::Divisions, s.divisions).unwrap();
        for r in spelling::DIVISIONS {
            assert!(
                divisions.iter().any(|d| clean(&d.name) == r.source),
                "{r:?}"
            );
        }
        let districts: Vec<DistrictRow> = source::table(F::Districts, s.districts).unwrap();
        for r in spelling::DISTRICTS {
            assert!(
                districts.iter().any(|d| clean(&d.name) == r.source),
                "{r:?}"
            );
        }
        let upazilas: Vec<UpazilaRow> = source::table(F::Upazilas, s.upazilas).unwrap();
        for (id, from, _) in spelling::UPAZILA_FIXES {
            assert!(
                upazilas
                    .iter()
                    .any(|u| u.id == id.to_string() && clean(&u.name) == *from),
                "upazila {id} {from}"
            );
        }
        let unions: Vec<UnionRow> = source::table(F::Unions, s.unions).unwrap();
        for (id, from, _) in spelling::UNION_FIXES {
            assert!(
                unions
                    .iter()
                    .any(|u| u.id == id.to_string() && clean(&u.name) == *from),
                "union {id} {from}"
            );
        }
    }
}
