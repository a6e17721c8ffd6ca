//! District boundaries, and which district a point lies in.
//!
//! The boundaries are the 64 MultiPolygons of `data/districts.geojson` (353 polygons,
//! 44,413 vertices, no holes in this release — holes are honoured all the same). The
//! file is embedded as it was published: it costs 4.5 MB of binary and about 4 ms of
//! parsing once per process in a release build (60 ms unoptimised), which is less
//! trouble than a derived compact copy that must be kept in step with the original.
//!
//! A lookup first drops the districts (and then the polygons) whose bounding box misses
//! the point, then asks the `geo` crate where the point lies relative to each remaining
//! polygon. `geo` decides with exact orientation predicates (`robust`), so a point on a
//! shared border is reported as on the boundary of both districts rather than inside
//! neither; the first such district, in id order, is the answer. `geo` is used with its
//! default features off: what remains is a dozen small crates (`geo-types`, `robust`,
//! `rstar`, `i_overlay`, `geographiclib-rs`, …) that build in seconds, and the same crate
//! will give the service-point locator its geodesic distances.

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{BoundingRect, Coord, LineString, MultiPolygon, Polygon};
use serde::Deserialize;

use crate::error::GeoError;
use crate::model::BoundingBox;

#[derive(Deserialize)]
struct FeatureCollection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    #[serde(rename = "ADM2_EN")]
    district: String,
    #[serde(rename = "ADM1_EN")]
    division: String,
}

/// Only MultiPolygons with two-dimensional positions: the shape the file has.
#[derive(Deserialize)]
struct Geometry {
    #[serde(rename = "type")]
    kind: String,
    coordinates: Vec<Vec<Vec<[f64; 2]>>>,
}

/// One feature of the boundary file, as named there.
pub(crate) struct NamedBoundary {
    /// `ADM2_EN`, cleaned.
    pub district: String,
    /// `ADM1_EN`, cleaned.
    pub division: String,
    pub shape: MultiPolygon<f64>,
}

/// Parse the boundary file: every ring closed, at least a triangle, in valid degrees.
pub(crate) fn parse(text: &str) -> Result<Vec<NamedBoundary>, GeoError> {
    let fc: FeatureCollection = serde_json::from_str(text).map_err(|source| GeoError::Json {
        file: crate::error::SourceFile::Boundaries,
        source,
    })?;
    fc.features
        .into_iter()
        .map(|f| {
            let name = crate::source::clean(&f.properties.district);
            let bad = |reason| GeoError::BadGeometry {
                name: name.clone(),
                reason,
            };
            if f.geometry.kind != "MultiPolygon" {
                return Err(bad("not a MultiPolygon"));
            }
            if f.geometry.coordinates.is_empty() {
                return Err(bad("no polygons"));
            }
            let mut polygons = Vec::with_capacity(f.geometry.coordinates.len());
            for rings in f.geometry.coordinates {
                let mut rings = rings.into_iter().map(|ring| {
                    if ring.len() < 4 || ring.first() != ring.last() {
                        return Err(bad("a ring that is not closed or has under three corners"));
                    }
                    if !ring.iter().all(|&[lon, lat]| {
                        (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)
                    }) {
                        return Err(bad("a coordinate outside the globe"));
                    }
                    Ok(LineString::from(
                        ring.into_iter()
                            .map(|[x, y]| Coord { x, y })
                            .collect::<Vec<_>>(),
                    ))
                });
                let exterior = rings
                    .next()
                    .ok_or_else(|| bad("a polygon without rings"))??;
                let holes = rings.collect::<Result<Vec<_>, _>>()?;
                polygons.push(Polygon::new(exterior, holes));
            }
            Ok(NamedBoundary {
                district: name,
                division: crate::source::clean(&f.properties.division),
                shape: MultiPolygon::new(polygons),
            })
        })
        .collect()
}

/// The box of a shape; `None` for an empty one.
pub(crate) fn bbox_of(shape: &MultiPolygon<f64>) -> Option<BoundingBox> {
    shape.bounding_rect().map(|r| BoundingBox {
        south: r.min().y,
        west: r.min().x,
        north: r.max().y,
        east: r.max().x,
    })
}

struct Located {
    /// Index of the district in the geography's list.
    district: usize,
    bbox: BoundingBox,
    shape: MultiPolygon<f64>,
    /// One box per polygon of `shape`.
    boxes: Vec<BoundingBox>,
}

/// The boundaries, ready for point lookups.
pub(crate) struct Locator {
    entries: Vec<Located>,
    bbox: BoundingBox,
}

impl Locator {
    /// `shapes[i]` is the boundary of district `i`; there must be at least one.
    pub fn new(shapes: Vec<MultiPolygon<f64>>) -> Option<Locator> {
        let mut entries = Vec::with_capacity(shapes.len());
        for (district, shape) in shapes.into_iter().enumerate() {
            let bbox = bbox_of(&shape)?;
            let boxes = shape
                .0
                .iter()
                .map(|p| bbox_of(&MultiPolygon::new(vec![p.clone()])))
                .collect::<Option<Vec<_>>>()?;
            entries.push(Located {
                district,
                bbox,
                shape,
                boxes,
            });
        }
        let bbox = entries.iter().map(|e| e.bbox).reduce(BoundingBox::union)?;
        Some(Locator { entries, bbox })
    }

    /// The box around every district.
    pub fn bbox(&self) -> BoundingBox {
        self.bbox
    }

    pub fn shape(&self, district: usize) -> Option<&MultiPolygon<f64>> {
        self.entries.get(district).map(|e| &e.shape)
    }

    /// The index of the district containing the point: one whose interior holds it, or
    /// else the first (in id order) whose border it lies on.
    pub fn locate(&self, lat: f64, lon: f64) -> Option<usize> {
        if !self.bbox.contains(lat, lon) {
            // Also refuses NaN, which no range contains.
            return None;
        }
        let at = Coord { x: lon, y: lat };
        let mut on_border = None;
        for e in self.entries.iter().filter(|e| e.bbox.contains(lat, lon)) {
            for (polygon, bbox) in e.shape.0.iter().zip(&e.boxes) {
                if !bbox.contains(lat, lon) {
                    continue;
                }
                match polygon.coordinate_position(&at) {
                    CoordPos::Inside => return Some(e.district),
                    CoordPos::OnBoundary => {
                        on_border.get_or_insert(e.district);
                    }
                    CoordPos::Outside => {}
                }
            }
        }
        on_border
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, size: f64) -> Vec<Coord<f64>> {
        vec![
            Coord { x: x0, y: y0 },
            Coord {
                x: x0 + size,
                y: y0,
            },
            Coord {
                x: x0 + size,
                y: y0 + size,
            },
            Coord {
                x: x0,
                y: y0 + size,
            },
            Coord { x: x0, y: y0 },
        ]
    }

    #[test]
    fn holes_are_outside_and_borders_go_to_the_first() {
        // District 0: a 4×4 square with a 2×2 hole; district 1: the square next to it;
        // district 2: an island in district 0's hole.
        let with_hole = Polygon::new(
            LineString::from(square(0.0, 0.0, 4.0)),
            vec![LineString::from(square(1.0, 1.0, 2.0))],
        );
        let next = Polygon::new(LineString::from(square(4.0, 0.0, 4.0)), vec![]);
        let island = Polygon::new(LineString::from(square(1.5, 1.5, 1.0)), vec![]);
        let l = Locator::new(vec![
            MultiPolygon::new(vec![with_hole]),
            MultiPolygon::new(vec![next]),
            MultiPolygon::new(vec![island]),
        ])
        .unwrap();
        assert_eq!(l.locate(0.5, 0.5), Some(0));
        assert_eq!(l.locate(2.0, 2.0), Some(2));
        assert_eq!(l.locate(1.2, 1.2), None, "in the hole, off the island");
        assert_eq!(l.locate(2.0, 4.0), Some(0), "on the shared edge");
        assert_eq!(l.locate(2.0, 6.0), Some(1));
        assert_eq!(l.locate(5.0, 5.0), None);
        assert_eq!(l.locate(f64::NAN, 1.0), None);
        assert_eq!(l.locate(1.0, f64::INFINITY), None);
    }

    #[test]
    fn malformed_features_are_named() {
        let open_ring = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
            "properties":{"ADM2_EN":"Feni ","ADM1_EN":"Chittagong"},
            "geometry":{"type":"MultiPolygon","coordinates":[[[[91,23],[91.1,23],[91.1,23.1],[91,23.1]]]]}}]}"#;
        let err = parse(open_ring).err().unwrap();
        assert!(
            matches!(&err, GeoError::BadGeometry { name, .. } if name == "Feni"),
            "{err}"
        );
        let point = open_ring.replace("MultiPolygon", "Point");
        assert!(matches!(parse(&point), Err(GeoError::BadGeometry { .. })));
        let closed = open_ring.replace("[91,23.1]]", "[91,23.1],[91,23]]");
        let ok = parse(&closed).unwrap();
        assert_eq!(
            (ok[0].district.as_str(), ok[0].division.as_str()),
            ("Feni", "Chittagong")
        );
        assert!(matches!(parse("{}"), Err(GeoError::Json { .. })));
    }
}
