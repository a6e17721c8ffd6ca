//! What can be wrong with a geography data set.
//!
//! The data is compiled in and loaded by the test suite, so for
//! [`crate::Geography::bangladesh`] these are build defects caught before release; for
//! [`crate::Geography::load`] on other files (an updated release of the data set) they
//! name the file, the row and the field, so a bad update is refused whole rather than
//! half-loaded.

/// One of the five source files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFile {
    Divisions,
    Districts,
    Upazilas,
    Unions,
    Boundaries,
}

impl std::fmt::Display for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SourceFile::Divisions => "divisions.json",
            SourceFile::Districts => "districts.json",
            SourceFile::Upazilas => "upazilas.json",
            SourceFile::Unions => "unions.json",
            SourceFile::Boundaries => "districts.geojson",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    #[error("{file}: not valid JSON of the expected shape: {source}")]
    Json {
        file: SourceFile,
        #[source]
        source: serde_json::Error,
    },
    #[error("{file}: no table in the export")]
    NoTable { file: SourceFile },
    #[error("{file}: no rows")]
    NoRows { file: SourceFile },
    #[error("{file}: row {id:?}: bad {field} {value:?}")]
    BadField {
        file: SourceFile,
        id: String,
        field: &'static str,
        value: String,
    },
    #[error("{file}: id {id} appears twice")]
    DuplicateId { file: SourceFile, id: u16 },
    #[error("{file}: row {id} names parent {parent}, which does not exist")]
    Orphan {
        file: SourceFile,
        id: u16,
        parent: u16,
    },
    #[error("districts.geojson: feature {name:?} matches no district")]
    UnknownBoundary { name: String },
    #[error("districts.geojson: district {district:?} has {count} boundaries, expected one")]
    BoundaryCount { district: String, count: usize },
    #[error(
        "districts.geojson: feature {name:?} lies in division {found:?}, districts.json says {expected:?}"
    )]
    BoundaryDivision {
        name: String,
        found: String,
        expected: String,
    },
    #[error("districts.geojson: feature {name:?}: {reason}")]
    BadGeometry { name: String, reason: &'static str },
}
