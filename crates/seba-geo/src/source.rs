//! Reading the source files: phpMyAdmin JSON exports of the "Bangladesh Geocode" tables,
//! and the district boundaries (see `data/README.md`).
//!
//! An export is a list whose element with `"type": "table"` holds the rows in `data`;
//! every value is a string, some with leading or trailing spaces or a tab, some Bengali
//! names with precomposed nukta letters (য় as U+09DF) where others use the decomposed
//! form. Every text is cleaned here, once: trimmed, inner runs of whitespace made one
//! space, control characters dropped and NFC-normalised (`seba_core::text::clean`), so
//! the same name always has the same bytes. Ids and coordinates are parsed, not trusted.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{GeoError, SourceFile};

/// The source files' text.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    pub divisions: &'a str,
    pub districts: &'a str,
    pub upazilas: &'a str,
    pub unions: &'a str,
    /// GeoJSON FeatureCollection of MultiPolygons with `ADM2_EN` (district) and
    /// `ADM1_EN` (division) properties.
    pub boundaries: &'a str,
}

impl Sources<'static> {
    /// The data set as shipped in `data/`, compiled into the binary.
    pub const EMBEDDED: Sources<'static> = Sources {
        divisions: include_str!("../data/divisions.json"),
        districts: include_str!("../data/districts.json"),
        upazilas: include_str!("../data/upazilas.json"),
        unions: include_str!("../data/unions.json"),
        boundaries: include_str!("../data/districts.geojson"),
    };
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum ExportEntry<R> {
    Table {
        data: Vec<R>,
    },
    #[serde(other)]
    Other,
}

/// The rows of the export's (first) table.
pub(crate) fn table<R: DeserializeOwned>(file: SourceFile, text: &str) -> Result<Vec<R>, GeoError> {
    let entries: Vec<ExportEntry<R>> =
        serde_json::from_str(text).map_err(|source| GeoError::Json { file, source })?;
    entries
        .into_iter()
        .find_map(|e| match e {
            ExportEntry::Table { data } => Some(data),
            ExportEntry::Other => None,
        })
        .ok_or(GeoError::NoTable { file })
}

#[derive(Debug, Deserialize)]
pub(crate) struct DivisionRow {
    pub id: String,
    pub name: String,
    pub bn_name: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DistrictRow {
    pub id: String,
    pub division_id: String,
    pub name: String,
    pub bn_name: String,
    pub lat: String,
    pub lon: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UpazilaRow {
    pub id: String,
    pub district_id: String,
    pub name: String,
    pub bn_name: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UnionRow {
    pub id: String,
    /// Spelled so in the source.
    pub upazilla_id: String,
    pub name: String,
    pub bn_name: String,
}

/// A name as stored: trimmed, one space between words, no control characters, NFC.
pub(crate) fn clean(text: &str) -> String {
    seba_core::text::clean(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses one field of row `id`, naming both if it fails.
pub(crate) struct Fields<'r> {
    pub file: SourceFile,
    pub id: &'r str,
}

impl Fields<'_> {
    fn bad(&self, field: &'static str, value: &str) -> GeoError {
        GeoError::BadField {
            file: self.file,
            id: self.id.to_string(),
            field,
            value: value.to_string(),
        }
    }

    pub fn id(&self, field: &'static str, value: &str) -> Result<u16, GeoError> {
        clean(value)
            .parse::<u16>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| self.bad(field, value))
    }

    pub fn name(&self, field: &'static str, value: &str) -> Result<String, GeoError> {
        let name = clean(value);
        if name.is_empty() {
            return Err(self.bad(field, value));
        }
        Ok(name)
    }

    /// A coordinate in degrees within `range`.
    pub fn degrees(
        &self,
        field: &'static str,
        value: &str,
        range: std::ops::RangeInclusive<f64>,
    ) -> Result<f64, GeoError> {
        clean(value)
            .parse::<f64>()
            .ok()
            .filter(|d| range.contains(d))
            .ok_or_else(|| self.bad(field, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_trims_collapses_and_composes() {
        assert_eq!(clean(" তুলশীগংগা"), "তুলশীগংগা");
        assert_eq!(clean("শাহরাস্তি\t"), "শাহরাস্তি");
        assert_eq!(
            clean("Hat-Pukuria  \u{1b} Ghatlabag "),
            "Hat-Pukuria Ghatlabag"
        );
        // Precomposed য় (a composition exclusion) becomes য + nukta, as typed elsewhere.
        assert_eq!(clean("জ\u{09DF}পুরহাট"), "জ\u{09AF}\u{09BC}পুরহাট");
    }

    #[test]
    fn the_table_is_found_among_other_entries() {
        let text = r#"[{"type":"header","version":"4.8.5"},{"type":"database","name":"x"},
            {"type":"table","name":"divisions","data":[{"id":"1","name":"Dhaka ","bn_name":"ঢাকা","url":"u"}]}]"#;
        let rows: Vec<DivisionRow> = table(SourceFile::Divisions, text).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "Dhaka ");
        let none: Result<Vec<DivisionRow>, _> =
            table(SourceFile::Divisions, r#"[{"type":"header"}]"#);
        assert!(matches!(none, Err(GeoError::NoTable { .. })));
        let broken: Result<Vec<DivisionRow>, _> = table(SourceFile::Divisions, "[{");
        assert!(matches!(broken, Err(GeoError::Json { .. })));
    }

    #[test]
    fn fields_are_parsed_not_trusted() {
        let f = Fields {
            file: SourceFile::Districts,
            id: "7",
        };
        assert_eq!(f.id("id", " 7 ").unwrap(), 7);
        assert!(f.id("id", "0").is_err());
        assert!(f.id("id", "x").is_err());
        assert!(f.name("bn_name", "  ").is_err());
        assert_eq!(f.degrees("lat", "23.5", 20.0..=27.0).unwrap(), 23.5);
        let err = f.degrees("lat", "91.5", 20.0..=27.0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "districts.json: row \"7\": bad lat \"91.5\""
        );
    }
}
