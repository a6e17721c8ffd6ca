//! Service points in and out of files: CSV for spreadsheets, GeoJSON for maps.
//!
//! [`read`] turns a file's bytes into [`Row`]s — each a [`PointInput`] and the place in the
//! file it came from — without judging the fields; that is [`PointInput::check`]'s job, so
//! an imported row and a form are held to the same rules. What cannot even be read as a
//! row (a CSV record with the wrong number of cells, a feature that is not a point) is
//! kept as an [`Unreadable`] row, so that an import can name every bad line at once.
//! What spoils the whole file (broken UTF-8, a missing or unknown column, JSON that is not
//! a FeatureCollection) is a [`FileError`]. [`write`] is the other direction, in the same
//! columns, so an export can be edited and imported again.
//!
//! The columns, in order: `id`, `kind`, `name_bn`, `name_en`, `address_bn`, `address_en`,
//! `division`, `district`, `upazila`, `lat`, `lon`, `phone`, `services` (codes separated by
//! `;`), `hours`, `notice_bn`, `notice_en`, `active_from`, `active_to`, `closed`. An
//! import always adds new, open points: `id`, `division` and `closed` are written by an
//! export for people to read and are ignored on the way back in ([`Sheet::ignored`] says
//! which were present). Districts and upazilas are written by their English names, and
//! read by id or by name in either script.
//!
//! In GeoJSON each point is a `Feature` with a `Point` geometry (`[lon, lat]`, the GeoJSON
//! order) and the other columns as properties; the id is the feature's `id`, and
//! `services` is an array (a `;`-separated string is read too).
//!
//! Everything here is pure: bytes in, bytes out.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde_json::{Map, Value, json};

use seba_core::bilingual::{Bilingual, Explain};
use seba_core::text::bengali_digits;
use seba_geo::{DistrictId, Geography, UpazilaId};

use crate::points::{PointInput, ServicePoint};

/// Every column an export writes, in order.
pub const COLUMNS: &[&str] = &[
    "id",
    "kind",
    "name_bn",
    "name_en",
    "address_bn",
    "address_en",
    "division",
    "district",
    "upazila",
    "lat",
    "lon",
    "phone",
    "services",
    "hours",
    "notice_bn",
    "notice_en",
    "active_from",
    "active_to",
    "closed",
];

/// The columns a CSV file must have; the others may be left out.
pub const REQUIRED: &[&str] = &[
    "kind",
    "name_bn",
    "name_en",
    "address_bn",
    "address_en",
    "district",
    "lat",
    "lon",
    "services",
    "hours",
];

/// Columns an export writes for people and an import passes over.
pub const IGNORED: &[&str] = &["id", "division", "closed"];

/// How `services` are separated inside one cell (`,` is read too).
pub const SERVICE_SEPARATOR: char = ';';

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    GeoJson,
}

impl Format {
    pub const ALL: &'static [Format] = &[Format::Csv, Format::GeoJson];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::GeoJson => "geojson",
        }
    }

    /// The format a file name says: `.csv`, or `.geojson`/`.json` (any case).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "geojson" | "json" => Some(Format::GeoJson),
            _ => None,
        }
    }

    /// The format the content looks like, for a file whose name says nothing: JSON starts
    /// with `{`, anything else is taken for CSV.
    pub fn sniff(bytes: &[u8]) -> Format {
        let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Format::GeoJson,
            _ => Format::Csv,
        }
    }
}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, UnknownFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "geojson" | "json" => Ok(Format::GeoJson),
            _ => Err(UnknownFormat(s.chars().take(40).collect())),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}`: use csv or geojson")]
pub struct UnknownFormat(pub String);

/// Where in a file a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The physical line (1-based) where the CSV record or the GeoJSON feature starts; a
    /// quoted cell may run over several lines, so this is not the record's number.
    pub line: usize,
    /// For GeoJSON, the feature's index in `features` (0-based, as in `features[2]`).
    pub feature: Option<usize>,
}

impl Position {
    pub fn label(&self) -> Bilingual {
        match self.feature {
            None => Bilingual::new(
                format!("লাইন {}", bengali_digits(&self.line.to_string())),
                format!("line {}", self.line),
            ),
            Some(i) => Bilingual::new(
                format!(
                    "লাইন {} (features[{}])",
                    bengali_digits(&self.line.to_string()),
                    bengali_digits(&i.to_string())
                ),
                format!("line {} (features[{i}])", self.line),
            ),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label().en)
    }
}

/// One point as a file gives it, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub at: Position,
    pub input: PointInput,
}

/// A row that could not be read into a [`PointInput`] at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub at: Position,
    pub problem: RowProblem,
}

/// What a file held: its rows in file order, and those that could not be read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub rows: Vec<Row>,
    pub unreadable: Vec<Unreadable>,
    /// Columns (CSV) or properties (GeoJSON) that were present and are passed over
    /// ([`IGNORED`], and `lat`/`lon` properties beside a GeoJSON geometry).
    pub ignored: Vec<String>,
}

impl Sheet {
    /// Rows read and rows not readable.
    pub fn len(&self) -> usize {
        self.rows.len() + self.unreadable.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why one row could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RowProblem {
    /// A CSV record with more or fewer cells than the header. `multiline` when a cell ran
    /// over a line end, which is how an unclosed quote shows.
    #[error("{found} cells where the header has {expected}")]
    FieldCount {
        expected: usize,
        found: usize,
        multiline: bool,
    },
    #[error("not a GeoJSON Feature")]
    NotAFeature,
    /// The feature's geometry is not a `Point` (`found` says what it is), or is missing
    /// or null (`None`).
    #[error("the geometry is {}, not a Point", .found.as_deref().unwrap_or("missing"))]
    NotAPoint { found: Option<String> },
    #[error("the Point's coordinates are not [longitude, latitude]")]
    BadCoordinates,
    /// A property of the wrong JSON type.
    #[error("property `{name}` must be {expected}")]
    PropertyType { name: String, expected: Expected },
}

/// What a GeoJSON property should have been.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A string (or a number, read as the digits it shows).
    Text,
    /// An array of service codes (or one `;`-separated string).
    ServiceList,
    Object,
}

impl Expected {
    pub fn label(self) -> Bilingual {
        match self {
            Expected::Text => Bilingual::new("লেখা", "text"),
            Expected::ServiceList => Bilingual::new("সেবার কোডের তালিকা", "a list of service codes"),
            Expected::Object => Bilingual::new("একটি JSON অবজেক্ট", "a JSON object"),
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label().en)
    }
}

impl Explain for RowProblem {
    fn explain(&self) -> Bilingual {
        match self {
            RowProblem::FieldCount {
                expected,
                found,
                multiline,
            } => {
                let (mut b, mut e) = (
                    format!("এই সারিতে {}টি ঘর, শিরোনামে {}টি", bn(found), bn(expected)),
                    format!("This row has {found} cells where the header has {expected}"),
                );
                if *multiline {
                    b.push_str("; কোনো উদ্ধৃতিচিহ্ন (\") সম্ভবত বন্ধ করা হয়নি");
                    e.push_str("; a quote (\") was probably left open");
                }
                Bilingual::new(b, e)
            }
            RowProblem::NotAFeature => {
                Bilingual::new("এটি GeoJSON Feature নয়", "This is not a GeoJSON Feature")
            }
            RowProblem::NotAPoint { found: Some(found) } => Bilingual::new(
                format!("এই ফিচারের জ্যামিতি (geometry) Point নয়, {found}"),
                format!("The feature's geometry is a {found}, not a Point"),
            ),
            RowProblem::NotAPoint { found: None } => Bilingual::new(
                "এই ফিচারের জ্যামিতি (geometry) নেই; একটি Point দিন",
                "The feature has no geometry; it needs a Point",
            ),
            RowProblem::BadCoordinates => Bilingual::new(
                "Point-এর coordinates হতে হবে [দ্রাঘিমাংশ, অক্ষাংশ], যেমন [৯০.৪১২৫, ২৩.৮১০৩]",
                "The Point's coordinates must be [longitude, latitude], such as [90.4125, 23.8103]",
            ),
            RowProblem::PropertyType { name, expected } => {
                let what = expected.label();
                Bilingual::new(
                    format!("`{name}` হতে হবে {}", what.bn),
                    format!("Property `{name}` must be {}", what.en),
                )
            }
        }
    }
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is UTF-16; save it as UTF-8")]
    Utf16,
    /// The first byte that is not UTF-8, by line and byte column (1-based).
    #[error("the file is not UTF-8 text: line {line}, byte {column}")]
    BadUtf8 { line: usize, column: usize },
    #[error("missing column(s): {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    #[error("unknown column(s): {}", .0.join(", "))]
    UnknownColumns(Vec<String>),
    #[error("column(s) named twice: {}", .0.join(", "))]
    DuplicateColumns(Vec<String>),
    /// Not JSON: where the parser stopped, and what it said.
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("not a GeoJSON FeatureCollection")]
    NotFeatureCollection,
    /// The CSV reader failed (it does not on text that is UTF-8; kept for safety).
    #[error("cannot read the CSV at line {line}: {message}")]
    Csv { line: usize, message: String },
}

impl Explain for FileError {
    fn explain(&self) -> Bilingual {
        let names = |v: &[String]| {
            v.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            FileError::Empty => Bilingual::new("ফাইলটি খালি", "The file is empty"),
            FileError::Utf16 => Bilingual::new(
                "ফাইলটি UTF-16 এ সংরক্ষিত; UTF-8 হিসেবে সংরক্ষণ করুন (যেমন \"CSV UTF-8\")",
                "The file is saved as UTF-16; save it as UTF-8 (such as \"CSV UTF-8\")",
            ),
            FileError::BadUtf8 { line, column } => Bilingual::new(
                format!(
                    "ফাইলটি UTF-8 লেখা নয়: লাইন {}, বাইট {}; UTF-8 হিসেবে সংরক্ষণ করুন",
                    bn(line),
                    bn(column)
                ),
                format!("The file is not UTF-8 text: line {line}, byte {column}; save it as UTF-8"),
            ),
            FileError::MissingColumns(v) => Bilingual::new(
                format!("এই কলামগুলো নেই: {}", names(v)),
                format!("Missing column(s): {}", names(v)),
            ),
            FileError::UnknownColumns(v) => Bilingual::new(
                format!("অজানা কলাম: {}; চলে এগুলো: {}", names(v), COLUMNS.join(", ")),
                format!(
                    "Unknown column(s): {}; the columns are: {}",
                    names(v),
                    COLUMNS.join(", ")
                ),
            ),
            FileError::DuplicateColumns(v) => Bilingual::new(
                format!("এই কলামগুলো দুবার আছে: {}", names(v)),
                format!("Column(s) named twice: {}", names(v)),
            ),
            FileError::Json {
                line,
                column,
                message,
            } => Bilingual::new(
                format!(
                    "ফাইলটি সঠিক JSON নয়: লাইন {}, কলাম {} ({message})",
                    bn(line),
                    bn(column)
                ),
                format!("The file is not valid JSON: line {line}, column {column} ({message})"),
            ),
            FileError::NotFeatureCollection => Bilingual::new(
                "ফাইলটি GeoJSON FeatureCollection নয় ({\"type\": \"FeatureCollection\", \"features\": […]})",
                "The file is not a GeoJSON FeatureCollection ({\"type\": \"FeatureCollection\", \"features\": […]})",
            ),
            FileError::Csv { line, message } => Bilingual::new(
                format!("CSV পড়া যায়নি: লাইন {} ({message})", bn(line)),
                format!("Cannot read the CSV at line {line} ({message})"),
            ),
        }
    }
}

fn bn(n: &usize) -> String {
    bengali_digits(&n.to_string())
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Read a whole file. A UTF-8 byte-order mark at the start is skipped.
pub fn read(bytes: &[u8], format: Format) -> Result<Sheet, FileError> {
    let text = text_of(bytes)?;
    match format {
        Format::Csv => read_csv(text),
        Format::GeoJson => read_geojson(text),
    }
}

/// The bytes as text, or where they stop being UTF-8.
fn text_of(bytes: &[u8]) -> Result<&str, FileError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(FileError::Utf16);
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        FileError::BadUtf8 {
            line: 1 + before.iter().filter(|b| **b == b'\n').count(),
            column: 1 + before.len() - line_start,
        }
    })?;
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    Ok(text)
}

/// A cell as typed, with the apostrophe an export puts before a cell that a spreadsheet
/// would take for a formula (`'=…`, `'+880…`) taken off again.
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn optional(cell: &str) -> Option<String> {
    let cell = cell.trim();
    (!cell.is_empty()).then(|| cell.to_owned())
}

fn service_codes(cell: &str) -> Vec<String> {
    cell.split([SERVICE_SEPARATOR, ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Put one named value into `input`. Ignored and unknown names are the caller's business.
fn set(input: &mut PointInput, column: &str, value: &str) {
    let value = unguard(value);
    match column {
        "kind" => input.kind = value.to_owned(),
        "name_bn" => input.name_bn = value.to_owned(),
        "name_en" => input.name_en = value.to_owned(),
        "address_bn" => input.address_bn = value.to_owned(),
        "address_en" => input.address_en = value.to_owned(),
        "district" => input.district = value.to_owned(),
        "upazila" => input.upazila = optional(value),
        "lat" => input.lat = value.to_owned(),
        "lon" => input.lon = value.to_owned(),
        "phone" => input.phone = optional(value),
        "services" => input.services = service_codes(value),
        "hours" => input.hours = value.to_owned(),
        "notice_bn" => input.notice_bn = optional(value),
        "notice_en" => input.notice_en = optional(value),
        "active_from" => input.active_from = optional(value),
        "active_to" => input.active_to = optional(value),
        _ => {}
    }
}

fn read_csv(text: &str) -> Result<Sheet, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let csv_error = |e: csv::Error| FileError::Csv {
        line: e
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX)),
        message: e.to_string(),
    };
    let header = match records.next() {
        Some(r) => r.map_err(csv_error)?,
        None => return Err(FileError::Empty),
    };
    let columns: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let ignored = check_columns(&columns)?;

    let mut sheet = Sheet {
        ignored,
        ..Sheet::default()
    };
    let mut lines = Lines::new(text.as_bytes());
    for record in records {
        let record = record.map_err(csv_error)?;
        let at = Position {
            line: lines.record_at(record.position().map_or(0, |p| p.byte())),
            feature: None,
        };
        // Spreadsheets leave rows of empty cells after the data.
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != columns.len() {
            sheet.unreadable.push(Unreadable {
                at,
                problem: RowProblem::FieldCount {
                    expected: columns.len(),
                    found: record.len(),
                    multiline: record.iter().any(|c| c.contains('\n')),
                },
            });
            continue;
        }
        let mut input = PointInput::default();
        for (column, value) in columns.iter().zip(record.iter()) {
            set(&mut input, column, value);
        }
        sheet.rows.push(Row { at, input });
    }
    Ok(sheet)
}

/// Physical line numbers of CSV records. The csv crate's own line count skips blank
/// lines and `\r\n` pairs, and its byte position is where the previous record's line end
/// began; so the record's first byte is found past any line ends from there, and its line
/// by counting `\n`s — going forward only, since records come in order.
struct Lines<'t> {
    text: &'t [u8],
    offset: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t [u8]) -> Self {
        Lines {
            text,
            offset: 0,
            line: 1,
        }
    }

    fn record_at(&mut self, byte: u64) -> usize {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.offset {
            self.line += self.text[self.offset..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.offset = start;
        }
        self.line
    }
}

/// The header's problems, or the ignored columns it names.
fn check_columns(columns: &[String]) -> Result<Vec<String>, FileError> {
    let mut seen = BTreeSet::new();
    let mut twice = BTreeSet::new();
    let mut unknown = Vec::new();
    for c in columns {
        if !COLUMNS.contains(&c.as_str()) {
            unknown.push(if c.is_empty() {
                "(blank)".into()
            } else {
                c.clone()
            });
        } else if !seen.insert(c.as_str()) {
            twice.insert(c.clone());
        }
    }
    if !unknown.is_empty() {
        return Err(FileError::UnknownColumns(unknown));
    }
    if !twice.is_empty() {
        return Err(FileError::DuplicateColumns(twice.into_iter().collect()));
    }
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|r| !seen.contains(**r))
        .map(|r| (*r).to_owned())
        .collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }
    Ok(columns
        .iter()
        .filter(|c| IGNORED.contains(&c.as_str()))
        .cloned()
        .collect())
}

fn read_geojson(text: &str) -> Result<Sheet, FileError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| FileError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let features = match &doc {
        Value::Object(o) if o.get("type").and_then(Value::as_str) == Some("FeatureCollection") => {
            match o.get("features") {
                Some(Value::Array(f)) => f,
                _ => return Err(FileError::NotFeatureCollection),
            }
        }
        _ => return Err(FileError::NotFeatureCollection),
    };
    let lines = feature_lines(text);

    // Property names are checked across the file, like a CSV header: a misspelt
    // property is named once, not once per feature.
    let mut unknown = BTreeSet::new();
    let mut ignored = BTreeSet::new();
    for f in features {
        if let Some(Value::Object(props)) = f.get("properties") {
            for name in props.keys() {
                match name.as_str() {
                    "lat" | "lon" => {
                        ignored.insert(name.clone());
                    }
                    n if IGNORED.contains(&n) => {
                        ignored.insert(name.clone());
                    }
                    n if COLUMNS.contains(&n) => {}
                    _ => {
                        unknown.insert(name.clone());
                    }
                }
            }
        }
    }
    if !unknown.is_empty() {
        return Err(FileError::UnknownColumns(unknown.into_iter().collect()));
    }

    let mut sheet = Sheet {
        ignored: ignored.into_iter().collect(),
        ..Sheet::default()
    };
    for (i, f) in features.iter().enumerate() {
        let at = Position {
            line: lines.get(i).copied().unwrap_or(0),
            feature: Some(i),
        };
        match feature_input(f) {
            Ok(input) => sheet.rows.push(Row { at, input }),
            Err(problem) => sheet.unreadable.push(Unreadable { at, problem }),
        }
    }
    Ok(sheet)
}

fn feature_input(f: &Value) -> Result<PointInput, RowProblem> {
    let Some(f) = f.as_object() else {
        return Err(RowProblem::NotAFeature);
    };
    if f.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(RowProblem::NotAFeature);
    }
    let geometry = f.get("geometry").unwrap_or(&Value::Null);
    match geometry.get("type").and_then(Value::as_str) {
        Some("Point") => {}
        Some(other) => {
            return Err(RowProblem::NotAPoint {
                found: Some(other.chars().take(40).collect()),
            });
        }
        None => {
            return Err(RowProblem::NotAPoint { found: None });
        }
    }
    // [lon, lat], and an altitude after them if the file has one.
    let (lon, lat) = match geometry.get("coordinates") {
        Some(Value::Array(c)) if c.len() >= 2 => match (scalar(&c[0]), scalar(&c[1])) {
            (Some(lon), Some(lat)) => (lon, lat),
            _ => return Err(RowProblem::BadCoordinates),
        },
        _ => return Err(RowProblem::BadCoordinates),
    };
    let mut input = PointInput {
        lat,
        lon,
        ..PointInput::default()
    };
    let empty = Map::new();
    let props = match f.get("properties") {
        Some(Value::Object(p)) => p,
        None | Some(Value::Null) => &empty,
        Some(_) => {
            return Err(RowProblem::PropertyType {
                name: "properties".into(),
                expected: Expected::Object,
            });
        }
    };
    for (name, value) in props {
        let name = name.as_str();
        if IGNORED.contains(&name) || name == "lat" || name == "lon" {
            continue;
        }
        if name == "services"
            && let Value::Array(items) = value
        {
            let mut codes = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => codes.push(s.trim().to_owned()),
                    _ => {
                        return Err(RowProblem::PropertyType {
                            name: name.into(),
                            expected: Expected::ServiceList,
                        });
                    }
                }
            }
            input.services = codes;
            continue;
        }
        match value {
            Value::Null => {}
            Value::Array(_) | Value::Object(_) => {
                return Err(RowProblem::PropertyType {
                    name: name.into(),
                    expected: Expected::Text,
                });
            }
            v => set(&mut input, name, &scalar(v).unwrap_or_default()),
        }
    }
    Ok(input)
}

/// A JSON string or number as the text a person would have typed.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The line (1-based) on which each element of the top-level `features` array starts.
///
/// serde_json's values carry no positions, so this walks the (already parsed, hence
/// valid) text once more, tracking only nesting, strings and the top-level keys.
fn feature_lines(text: &str) -> Vec<usize> {
    enum Frame {
        Object { expect_key: bool },
        Array { features: bool, pending: bool },
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut top_key: &[u8] = b"";
    let mut starts = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
            i += 1;
            continue;
        }
        if b.is_ascii_whitespace() || b == b':' {
            i += 1;
            continue;
        }
        // A value starts here if we are right inside the features array and waiting.
        if let Some(Frame::Array {
            features: true,
            pending,
        }) = stack.last_mut()
            && *pending
            && !matches!(b, b',' | b']')
        {
            starts.push(line);
            *pending = false;
        }
        match b {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let s = &bytes[start..i.min(bytes.len())];
                let depth = stack.len();
                if let Some(Frame::Object { expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    *expect_key = false;
                    if depth == 1 {
                        top_key = s;
                    }
                }
            }
            b'{' => stack.push(Frame::Object { expect_key: true }),
            b'[' => {
                let features = stack.len() == 1
                    && matches!(stack.last(), Some(Frame::Object { .. }))
                    && top_key == b"features";
                if features {
                    // A repeated key: serde_json keeps the last one.
                    starts.clear();
                }
                stack.push(Frame::Array {
                    features,
                    pending: true,
                });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expect_key }) => *expect_key = true,
                Some(Frame::Array { pending, .. }) => *pending = true,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    starts
}

/// Write points in `format`, in the order given. CSV starts with a byte-order mark, so
/// that spreadsheet programs show Bengali, and no cell is a live formula.
pub fn write(points: &[ServicePoint], geo: &Geography, format: Format) -> Vec<u8> {
    match format {
        Format::Csv => write_csv(points, geo),
        Format::GeoJson => write_geojson(points, geo),
    }
}

/// One point's cells, by column.
fn cells(p: &ServicePoint, geo: &Geography) -> BTreeMap<&'static str, String> {
    let services: Vec<&str> = p.services.iter().map(|s| s.as_str()).collect();
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    BTreeMap::from([
        ("id", p.id.to_string()),
        ("kind", p.kind.as_str().to_owned()),
        ("name_bn", p.name_bn.clone()),
        ("name_en", p.name_en.clone()),
        ("address_bn", p.address_bn.clone()),
        ("address_en", p.address_en.clone()),
        (
            "division",
            geo.division(p.division)
                .map_or_else(|| p.division.0.to_string(), |d| d.name_en.clone()),
        ),
        ("district", district_name(geo, p.district)),
        (
            "upazila",
            p.upazila
                .map(|u| upazila_name(geo, p.district, u))
                .unwrap_or_default(),
        ),
        ("lat", p.coord.lat().to_string()),
        ("lon", p.coord.lon().to_string()),
        ("phone", opt(&p.phone)),
        ("services", services.join(&SERVICE_SEPARATOR.to_string())),
        ("hours", p.hours.clone()),
        ("notice_bn", opt(&p.notice_bn)),
        ("notice_en", opt(&p.notice_en)),
        ("active_from", date(p.active_from)),
        ("active_to", date(p.active_to)),
        ("closed", p.closed.to_string()),
    ])
}

/// A district's English name, or its id where the name would not read back as it.
fn district_name(geo: &Geography, id: DistrictId) -> String {
    match geo.district(id) {
        Some(d) if geo.find_district(&d.name_en).map(|f| f.id) == Some(id) => d.name_en.clone(),
        _ => id.0.to_string(),
    }
}

/// An upazila's English name, or its id where another upazila of the district answers
/// to the same name (the import takes the first that matches).
fn upazila_name(geo: &Geography, district: DistrictId, id: UpazilaId) -> String {
    let Some(u) = geo.upazila(id) else {
        return id.0.to_string();
    };
    let same = |a: &str| a.trim().to_lowercase() == u.name_en.to_lowercase();
    let first = geo
        .upazilas_of(district)
        .find(|o| same(&o.name_en) || same(&o.name_bn) || o.aliases.iter().any(|a| same(a)));
    match first {
        Some(f) if f.id == id => u.name_en.clone(),
        _ => id.0.to_string(),
    }
}

/// A cell a spreadsheet will not run: text that starts like a formula gets an apostrophe,
/// which [`read`] takes off again.
fn guard(cell: &str) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn write_csv(points: &[ServicePoint], geo: &Geography) -> Vec<u8> {
    let mut out = BOM.to_vec();
    let mut line = Vec::with_capacity(COLUMNS.len());
    push_record(&mut out, COLUMNS.iter().copied());
    for p in points {
        let mut cells = cells(p, geo);
        line.clear();
        line.extend(
            COLUMNS
                .iter()
                .map(|c| guard(&cells.remove(c).unwrap_or_default())),
        );
        push_record(&mut out, line.iter().map(String::as_str));
    }
    out
}

/// One CSV record (RFC 4180): a cell is quoted when it holds a comma, a quote, a line
/// break or surrounding spaces; quotes inside are doubled.
fn push_record<'a>(out: &mut Vec<u8>, cells: impl Iterator<Item = &'a str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let quote = cell.contains([',', '"', '\n', '\r']) || cell.trim() != cell;
        if quote {
            out.push(b'"');
            out.extend_from_slice(cell.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(cell.as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
}

fn write_geojson(points: &[ServicePoint], geo: &Geography) -> Vec<u8> {
    let features: Vec<Value> = points
        .iter()
        .map(|p| {
            let cells = cells(p, geo);
            let mut props = Map::new();
            for c in COLUMNS {
                let value = match *c {
                    "id" | "lat" | "lon" => continue,
                    "services" => json!(p.services.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
                    "closed" => json!(p.closed),
                    other => match cells.get(other) {
                        Some(v) if !v.is_empty() => json!(v),
                        _ => Value::Null,
                    },
                };
                props.insert((*c).to_owned(), value);
            }
            json!({
                "type": "Feature",
                "id": p.id,
                "geometry": { "type": "Point", "coordinates": [p.coord.lon(), p.coord.lat()] },
                "properties": props,
            })
        })
        .collect();
    let doc = json!({ "type": "FeatureCollection", "features": features });
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::*;
    use crate::points::Checked;

    fn geo() -> &'static Geography {
        Geography::bangladesh()
    }

    const HEADER: &str = "kind,name_bn,name_en,address_bn,address_en,district,upazila,lat,lon,phone,services,hours\n";

    fn centre() -> PointInput {
        PointInput {
            kind: "care_centre".into(),
            name_bn: "মতিঝিল কাস্টমার কেয়ার সেন্টার".into(),
            name_en: "Motijheel Customer Care Centre".into(),
            address_bn: "১২ দিলকুশা বা/এ, ঢাকা".into(),
            address_en: "12 Dilkusha C/A, Dhaka".into(),
            district: "ঢাকা".into(),
            lat: "23.7310".into(),
            lon: "90.4177".into(),
            phone: Some("+880 2-9556677".into()),
            services: vec!["pin_reset".into(), "kyc_update".into()],
            hours: "Sa-Th 10:00-18:00; PH off".into(),
            ..PointInput::default()
        }
    }

    fn desk() -> PointInput {
        PointInput {
            kind: "popup_desk".into(),
            name_bn: "সাভার বাণিজ্য মেলা বুথ".into(),
            name_en: "=Savar \"trade fair\" desk".into(),
            address_bn: "হেমায়েতপুর,\nসাভার".into(),
            address_en: "  Hemayetpur, Savar\r\nnear the bus stand".into(),
            district: "47".into(),
            upazila: Some("সাভার".into()),
            lat: "২৩.৮৫৮৩".into(),
            lon: "90.2667".into(),
            phone: Some("01712-345678".into()),
            services: vec!["account_opening".into(), "cash_in_out".into(), "g2p".into()],
            hours: "Mo-Su 10:00-21:00".into(),
            notice_bn: Some("শেষ গ্রাহক পর্যন্ত খোলা".into()),
            notice_en: Some("Open till the last customer is served, \"really\"".into()),
            active_from: Some("2027-01-01".into()),
            active_to: Some("2027-01-31".into()),
        }
    }

    fn stored(inputs: &[PointInput]) -> Vec<ServicePoint> {
        inputs
            .iter()
            .enumerate()
            .map(|(i, input)| {
                let checked = input.check(geo()).expect("a valid point");
                let mut p = ServicePoint::new(
                    i64::try_from(i).unwrap() + 10,
                    checked,
                    1,
                    Timestamp::UNIX_EPOCH,
                );
                p.closed = i == 1;
                p
            })
            .collect()
    }

    fn checked(sheet: &Sheet) -> Vec<Checked> {
        assert!(sheet.unreadable.is_empty(), "{:?}", sheet.unreadable);
        sheet
            .rows
            .iter()
            .map(|r| {
                r.input
                    .check(geo())
                    .unwrap_or_else(|e| panic!("{}: {e:?}", r.at))
            })
            .collect()
    }

    #[test]
    fn an_export_reads_back_as_the_same_points_in_both_formats() {
        let points = stored(&[centre(), desk()]);
        let want: Vec<Checked> = [centre(), desk()]
            .iter()
            .map(|i| i.check(geo()).unwrap())
            .collect();
        for format in Format::ALL {
            let bytes = write(&points, geo(), *format);
            let sheet = read(&bytes, *format).unwrap();
            assert_eq!(checked(&sheet), want, "{format}");
            let ignored: &[&str] = match format {
                Format::Csv => &["id", "division", "closed"],
                Format::GeoJson => &["closed", "division"],
            };
            assert_eq!(sheet.ignored, ignored, "{format}");
            // And once more: an export of the import is byte for byte the same.
            let again: Vec<ServicePoint> = checked(&sheet)
                .into_iter()
                .zip(&points)
                .map(|(c, p)| ServicePoint {
                    closed: p.closed,
                    ..ServicePoint::new(p.id, c, 1, Timestamp::UNIX_EPOCH)
                })
                .collect();
            assert_eq!(write(&again, geo(), *format), bytes, "{format}");
        }
    }

    #[test]
    fn the_csv_export_names_places_in_english_and_guards_formulas() {
        let bytes = write(&stored(&[desk()]), geo(), Format::Csv);
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), COLUMNS.join(","));
        let row = lines.next().unwrap();
        assert!(
            row.starts_with("10,popup_desk,সাভার বাণিজ্য মেলা বুথ,\"'=Savar \"\"trade fair\"\" desk\""),
            "{row}"
        );
        assert!(
            text.contains(
                ",Dhaka,Dhaka,Savar,23.8583,90.2667,01712-345678,account_opening;g2p;cash_in_out,"
            ),
            "{text}"
        );
        assert!(text.ends_with(",2027-01-01,2027-01-31,false\r\n"), "{text}");
    }

    #[test]
    fn every_district_and_upazila_name_exported_reads_back_as_itself() {
        for d in geo().districts() {
            assert_eq!(
                geo()
                    .find_district(&district_name(geo(), d.id))
                    .map(|f| f.id),
                Some(d.id),
                "{}",
                d.name_en
            );
            for u in geo().upazilas_of(d.id) {
                let name = upazila_name(geo(), d.id, u.id);
                let input = PointInput {
                    upazila: Some(name.clone()),
                    district: d.id.0.to_string(),
                    ..centre()
                };
                // The coordinates are Dhaka's, so only the upazila field is of interest.
                let upazila_errors: Vec<_> = match input.check(geo()) {
                    Ok(_) => vec![],
                    Err(e) => e.into_iter().filter(|e| e.field == "upazila").collect(),
                };
                assert!(upazila_errors.is_empty(), "{name}: {upazila_errors:?}");
            }
        }
    }

    #[test]
    fn quoted_cells_with_commas_and_line_breaks_and_a_bom_are_read() {
        let file = format!(
            "\u{FEFF}{HEADER}\
             care_centre,মতিঝিল,\"Motijheel, \"\"main\"\"\",\"১২ দিলকুশা,\nঢাকা\",12 Dilkusha,Dhaka,,২৩.৭৩১০,৯০.৪১৭৭,,pin_reset; g2p,Sa-Th 10:00-18:00\n\
             \n\
             agent_point,এজেন্ট,Agent,ঠিকানা,Address,ঢাকা,,23.7310,90.4177,'+8801712345678,cash_in_out,24/7\n\
             ,,,,,,,,,,,\n"
        );
        let sheet = read(file.as_bytes(), Format::Csv).unwrap();
        assert!(sheet.ignored.is_empty());
        assert_eq!(sheet.rows.len(), 2, "{sheet:?}");
        let first = &sheet.rows[0];
        assert_eq!(first.at.line, 2);
        assert_eq!(first.input.name_en, "Motijheel, \"main\"");
        assert_eq!(first.input.address_bn, "১২ দিলকুশা,\nঢাকা");
        assert_eq!(first.input.services, ["pin_reset", "g2p"]);
        assert_eq!(first.input.upazila, None);
        // Bengali digits in coordinates are numbers.
        let c = first.input.check(geo()).unwrap();
        assert_eq!((c.coord.lat(), c.coord.lon()), (23.731, 90.4177));
        // The quoted cell ran over a line break, and a blank line was skipped.
        assert_eq!(sheet.rows[1].at.line, 5);
        assert_eq!(sheet.rows[1].input.phone.as_deref(), Some("+8801712345678"));
    }

    #[test]
    fn line_numbers_are_physical_lines_with_crlf_and_blank_lines() {
        let row = "care_centre,মতিঝিল,Motijheel,ঠিকানা,Address,Dhaka,,23.7,90.4,,pin_reset,24/7";
        let file = format!(
            "{}\r\n\r\n{row}\r\n\"multi\r\nline\"\r\n\r\n\r\n{row}\r\n{row}",
            HEADER.trim()
        );
        let sheet = read(file.as_bytes(), Format::Csv).unwrap();
        let lines: Vec<usize> = sheet.rows.iter().map(|r| r.at.line).collect();
        assert_eq!(lines, [3, 8, 9]);
        assert_eq!(sheet.unreadable[0].at.line, 4);
    }

    #[test]
    fn a_row_with_too_few_cells_is_named_by_its_line_and_the_others_are_read() {
        let file = format!(
            "{HEADER}\
             care_centre,মতিঝিল,Motijheel,ঠিকানা,Address,Dhaka,,23.7310,90.4177,,pin_reset,24/7\n\
             care_centre,মতিঝিল,Motijheel,ঠিকানা,Address,Dhaka\n\
             care_centre,মতিঝিল,\"Motijheel,ঠিকানা,Address,Dhaka,,23.7310,90.4177,,pin_reset,24/7\n\
             care_centre,মতিঝিল,Motijheel,ঠিকানা,Address,Dhaka,,23.7310,90.4177,,pin_reset,24/7\n"
        );
        let sheet = read(file.as_bytes(), Format::Csv).unwrap();
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].at.line, 2);
        assert_eq!(
            sheet.unreadable,
            [
                Unreadable {
                    at: Position {
                        line: 3,
                        feature: None
                    },
                    problem: RowProblem::FieldCount {
                        expected: 12,
                        found: 6,
                        multiline: false
                    },
                },
                // An unclosed quote swallows the rest of the file into one cell.
                Unreadable {
                    at: Position {
                        line: 4,
                        feature: None
                    },
                    problem: RowProblem::FieldCount {
                        expected: 12,
                        found: 3,
                        multiline: true
                    },
                },
            ]
        );
        let e = sheet.unreadable[1].problem.explain();
        assert!(e.en.contains("3 cells where the header has 12"), "{}", e.en);
        assert!(e.bn.contains("৩টি ঘর"), "{}", e.bn);
    }

    #[test]
    fn broken_utf8_is_named_by_its_line() {
        let mut file = HEADER.as_bytes().to_vec();
        file.extend_from_slice(
            "care_centre,মতিঝিল,Motijheel,ঠিকানা,Address,Dhaka,,23.7,90.4,,pin_reset,24/7\n"
                .as_bytes(),
        );
        file.extend_from_slice(b"care_centre,Mot\xE0\xA6ijheel,x\n");
        let err = read(&file, Format::Csv).unwrap_err();
        assert_eq!(
            err,
            FileError::BadUtf8 {
                line: 3,
                column: 16
            }
        );
        assert!(err.explain().bn.contains("লাইন ৩"));
        assert_eq!(read(b"\xFF\xFEk\0i\0", Format::Csv), Err(FileError::Utf16));
        assert_eq!(read(b"\xEF\xBB\xBF \n", Format::Csv), Err(FileError::Empty));
    }

    #[test]
    fn wrong_columns_are_named() {
        let read_header = |h: &str| read(format!("{h}\n").as_bytes(), Format::Csv);
        assert_eq!(
            read_header("kind,name,name_en"),
            Err(FileError::UnknownColumns(vec!["name".into()]))
        );
        assert_eq!(
            read_header(&format!("{},lat", HEADER.trim())),
            Err(FileError::DuplicateColumns(vec!["lat".into()]))
        );
        assert_eq!(
            read_header("kind,name_bn,name_en,address_bn,address_en,district,latitude"),
            Err(FileError::UnknownColumns(vec!["latitude".into()]))
        );
        let missing = read_header("Kind, Name_BN ,name_en,address_bn,address_en,district,lat");
        assert_eq!(
            missing,
            Err(FileError::MissingColumns(vec![
                "lon".into(),
                "services".into(),
                "hours".into()
            ]))
        );
        let e = missing.unwrap_err().explain();
        assert!(e.en.contains("`lon`, `services`, `hours`"), "{}", e.en);
        assert!(e.bn.contains("কলামগুলো নেই"), "{}", e.bn);
        // A header alone is an empty sheet.
        assert!(read_header(HEADER.trim()).unwrap().is_empty());
    }

    #[test]
    fn geojson_features_are_read_with_their_lines() {
        let file = r#"{
  "type": "FeatureCollection",
  "name": "points, with [brackets] and \"quotes\" in strings",
  "features": [
    {
      "type": "Feature",
      "geometry": { "type": "Point", "coordinates": [90.4177, 23.7310] },
      "properties": {
        "kind": "care_centre", "name_bn": "মতিঝিল", "name_en": "Motijheel [main]",
        "address_bn": "ঠিকানা", "address_en": "Address", "district": 47,
        "services": "pin_reset;g2p", "hours": "24/7", "phone": null, "lat": 1
      }
    },
    { "type": "Feature", "geometry": { "type": "Polygon", "coordinates": [] }, "properties": {} },
    { "type": "Feature", "geometry": null, "properties": {} },
    { "type": "Feature", "geometry": { "type": "Point", "coordinates": [90.4] } },
    { "type": "Feature", "geometry": { "type": "Point", "coordinates": [90.4, 23.7] },
      "properties": { "services": [1] } },
    { "type": "Feature", "geometry": { "type": "Point", "coordinates": ["৯০.৪", "২৩.৭"] },
      "properties": { "name_en": { "en": "x" } } },
    [1, 2]
  ]
}"#;
        let sheet = read(file.as_bytes(), Format::GeoJson).unwrap();
        assert_eq!(sheet.ignored, ["lat"]);
        assert_eq!(sheet.rows.len(), 1);
        let row = &sheet.rows[0];
        assert_eq!(
            row.at,
            Position {
                line: 5,
                feature: Some(0)
            }
        );
        assert_eq!(row.input.lat, "23.731");
        assert_eq!(row.input.lon, "90.4177");
        assert_eq!(row.input.district, "47");
        assert_eq!(row.input.services, ["pin_reset", "g2p"]);
        assert!(row.input.check(geo()).is_ok());
        let problems: Vec<(usize, Option<usize>, RowProblem)> = sheet
            .unreadable
            .iter()
            .map(|u| (u.at.line, u.at.feature, u.problem.clone()))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    14,
                    Some(1),
                    RowProblem::NotAPoint {
                        found: Some("Polygon".into())
                    }
                ),
                (15, Some(2), RowProblem::NotAPoint { found: None }),
                (16, Some(3), RowProblem::BadCoordinates),
                (
                    17,
                    Some(4),
                    RowProblem::PropertyType {
                        name: "services".into(),
                        expected: Expected::ServiceList
                    }
                ),
                (
                    19,
                    Some(5),
                    RowProblem::PropertyType {
                        name: "name_en".into(),
                        expected: Expected::Text
                    }
                ),
                (21, Some(6), RowProblem::NotAFeature),
            ]
        );
        assert_eq!(sheet.unreadable[0].at.label().bn, "লাইন ১৪ (features[১])");
    }

    #[test]
    fn a_file_that_is_not_a_feature_collection_is_refused() {
        assert!(matches!(
            read(
                b"{\"type\": \"FeatureCollection\",\n \"features\": [}",
                Format::GeoJson
            ),
            Err(FileError::Json { line: 2, .. })
        ));
        assert_eq!(
            read(b"{\"type\": \"Feature\"}", Format::GeoJson),
            Err(FileError::NotFeatureCollection)
        );
        assert_eq!(
            read(b"[]", Format::GeoJson),
            Err(FileError::NotFeatureCollection)
        );
        let misspelt = br#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":null,"properties":{"nmae_en":"x"}},
            {"type":"Feature","geometry":null,"properties":{"nmae_en":"y","fid":3}}]}"#;
        assert_eq!(
            read(misspelt, Format::GeoJson),
            Err(FileError::UnknownColumns(vec![
                "fid".into(),
                "nmae_en".into()
            ]))
        );
    }

    #[test]
    fn formats_come_from_names_or_content() {
        assert_eq!(
            Format::from_path(Path::new("a/points.CSV")),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::from_path(Path::new("points.geojson")),
            Some(Format::GeoJson)
        );
        assert_eq!(
            Format::from_path(Path::new("points.json")),
            Some(Format::GeoJson)
        );
        assert_eq!(Format::from_path(Path::new("points.txt")), None);
        assert_eq!(Format::from_path(Path::new("points")), None);
        assert_eq!(Format::sniff(b"\xEF\xBB\xBF\n {\"type\""), Format::GeoJson);
        assert_eq!(Format::sniff(b"kind,name_bn"), Format::Csv);
        assert_eq!("GeoJSON".parse::<Format>(), Ok(Format::GeoJson));
        assert!("xlsx".parse::<Format>().is_err());
    }
}
