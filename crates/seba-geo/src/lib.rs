//! Bangladesh's administrative geography: 8 divisions, 64 districts, 494 upazilas and
//! 4,540 unions with their Bengali and English names, the 64 district boundaries, which
//! district a point lies in, and a search for an area by name in either script.
//!
//! The service-point locator needs all of it: a centre's address is a division,
//! district and upazila; a customer without GPS picks their district or upazila; one with
//! GPS is placed in a district to check the point is in the country at all; and the
//! directory is listed by division and district.
//!
//! The data is the open "Bangladesh Geocode" data set (MIT; see `data/README.md`),
//! compiled into the binary and read once, on first use ([`Geography::bangladesh`]).
//! Nothing here does I/O or keeps state beyond that.
//!
//! # Tour
//!
//! * [`source`] reads the phpMyAdmin exports and cleans every text (trim, NFC).
//! * `load` turns the five files into one consistent [`Geography`], or refuses them.
//! * `spelling` holds the one English spelling per unit and the others as aliases,
//!   with the fixes to names the source got wrong.
//! * [`model`] is the records ([`Division`], [`District`], [`Upazila`], [`Union`]) and
//!   [`Area`], a unit with the units it lies in.
//! * `boundary` parses the boundary file and answers point → district.
//! * `search` finds areas by name, in either script, through the search crate's analyzer.
//! * [`error`]: what can be wrong with a data set.

mod boundary;
pub mod error;
mod load;
pub mod model;
mod search;
pub mod source;
mod spelling;

use std::sync::{LazyLock, OnceLock};

use serde::{Deserialize, Serialize};

pub use error::{GeoError, SourceFile};
pub use geo::MultiPolygon;
pub use model::{
    Area, AreaKind, BoundingBox, District, DistrictId, Division, DivisionId, LatLon, Union,
    UnionId, Upazila, UpazilaId,
};
pub use source::Sources;

use load::{find, position};
use model::Named;
use source::clean;

/// An id typed in either digit script (surrounding spaces ignored); `None` if the text is
/// not all digits.
fn typed_number(input: &str) -> Option<u16> {
    let input = input.trim();
    if input.is_empty()
        || !input
            .chars()
            .all(|c| seba_core::text::digit_value(c).is_some())
    {
        return None;
    }
    seba_core::text::parse_number(input).and_then(|n| u16::try_from(n).ok())
}

/// Any unit of the administration, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum AreaId {
    Division(DivisionId),
    District(DistrictId),
    Upazila(UpazilaId),
    Union(UnionId),
}

impl AreaId {
    pub fn kind(self) -> AreaKind {
        match self {
            AreaId::Division(_) => AreaKind::Division,
            AreaId::District(_) => AreaKind::District,
            AreaId::Upazila(_) => AreaKind::Upazila,
            AreaId::Union(_) => AreaKind::Union,
        }
    }

    /// The id's number, whatever the level.
    pub fn number(self) -> u16 {
        match self {
            AreaId::Division(DivisionId(n))
            | AreaId::District(DistrictId(n))
            | AreaId::Upazila(UpazilaId(n))
            | AreaId::Union(UnionId(n)) => n,
        }
    }
}

impl Area<'_> {
    pub fn id(&self) -> AreaId {
        match *self {
            Area::Division(d) => AreaId::Division(d.id),
            Area::District { district, .. } => AreaId::District(district.id),
            Area::Upazila { upazila, .. } => AreaId::Upazila(upazila.id),
            Area::Union { union, .. } => AreaId::Union(union.id),
        }
    }
}

/// The whole geography, each level sorted by id, with its children and boundaries.
pub struct Geography {
    divisions: Vec<Division>,
    districts: Vec<District>,
    upazilas: Vec<Upazila>,
    unions: Vec<Union>,
    /// Indexes into the next level down, by index of the parent.
    districts_of: Vec<Vec<usize>>,
    upazilas_of: Vec<Vec<usize>>,
    unions_of: Vec<Vec<usize>>,
    /// Parallel to `districts`.
    locator: boundary::Locator,
    /// Built on the first search: most users of the geography never search it.
    names: OnceLock<search::NameIndex>,
}

impl std::fmt::Debug for Geography {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Geography")
            .field("divisions", &self.divisions.len())
            .field("districts", &self.districts.len())
            .field("upazilas", &self.upazilas.len())
            .field("unions", &self.unions.len())
            .finish_non_exhaustive()
    }
}

impl Geography {
    /// The Bangladesh geography compiled into the binary, loaded on first use.
    pub fn bangladesh() -> &'static Geography {
        static BANGLADESH: LazyLock<Geography> =
            LazyLock::new(|| match Geography::load(Sources::EMBEDDED) {
                Ok(g) => g,
                // Compiled-in data that every test run loads: a failure is a broken build,
                // not something a caller could handle.
                Err(e) => panic!("the embedded geography of Bangladesh does not load: {e}"),
            });
        &BANGLADESH
    }

    /// Load and clean a data set in the source's format (see the `load` module). Every row must
    /// parse, every id be unique, every parent exist and every district have exactly one
    /// boundary; otherwise nothing is loaded.
    pub fn load(sources: Sources<'_>) -> Result<Geography, GeoError> {
        load::load(sources)
    }

    pub fn divisions(&self) -> &[Division] {
        &self.divisions
    }

    pub fn districts(&self) -> &[District] {
        &self.districts
    }

    pub fn upazilas(&self) -> &[Upazila] {
        &self.upazilas
    }

    pub fn unions(&self) -> &[Union] {
        &self.unions
    }

    pub fn division(&self, id: DivisionId) -> Option<&Division> {
        find(&self.divisions, id.0, |d| d.id.0)
    }

    pub fn district(&self, id: DistrictId) -> Option<&District> {
        find(&self.districts, id.0, |d| d.id.0)
    }

    pub fn upazila(&self, id: UpazilaId) -> Option<&Upazila> {
        find(&self.upazilas, id.0, |u| u.id.0)
    }

    pub fn union(&self, id: UnionId) -> Option<&Union> {
        find(&self.unions, id.0, |u| u.id.0)
    }

    /// The districts of a division, by id; none for an unknown division.
    pub fn districts_of(&self, division: DivisionId) -> impl Iterator<Item = &District> + '_ {
        let children = position(&self.divisions, division.0, |d| d.id.0)
            .and_then(|i| self.districts_of.get(i));
        children
            .into_iter()
            .flatten()
            .filter_map(|&i| self.districts.get(i))
    }

    /// The upazilas of a district, by id; none for an unknown district.
    pub fn upazilas_of(&self, district: DistrictId) -> impl Iterator<Item = &Upazila> + '_ {
        let children =
            position(&self.districts, district.0, |d| d.id.0).and_then(|i| self.upazilas_of.get(i));
        children
            .into_iter()
            .flatten()
            .filter_map(|&i| self.upazilas.get(i))
    }

    /// The unions of an upazila, by id; none for an unknown upazila (and five upazilas
    /// have none in the data set: see the tests).
    pub fn unions_of(&self, upazila: UpazilaId) -> impl Iterator<Item = &Union> + '_ {
        let children =
            position(&self.upazilas, upazila.0, |u| u.id.0).and_then(|i| self.unions_of.get(i));
        children
            .into_iter()
            .flatten()
            .filter_map(|&i| self.unions.get(i))
    }

    /// A unit with its parent chain; `None` for an unknown id.
    pub fn area(&self, id: AreaId) -> Option<Area<'_>> {
        Some(match id {
            AreaId::Division(id) => Area::Division(self.division(id)?),
            AreaId::District(id) => {
                let district = self.district(id)?;
                Area::District {
                    district,
                    division: self.division(district.division)?,
                }
            }
            AreaId::Upazila(id) => {
                let upazila = self.upazila(id)?;
                let district = self.district(upazila.district)?;
                Area::Upazila {
                    upazila,
                    district,
                    division: self.division(district.division)?,
                }
            }
            AreaId::Union(id) => {
                let union = self.union(id)?;
                let upazila = self.upazila(union.upazila)?;
                let district = self.district(upazila.district)?;
                Area::Union {
                    union,
                    upazila,
                    district,
                    division: self.division(district.division)?,
                }
            }
        })
    }

    /// The units an area lies in, nearest first.
    pub(crate) fn parents(&self, id: AreaId) -> Vec<AreaId> {
        let Some(area) = self.area(id) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(3);
        if let (Some(u), AreaKind::Union) = (area.upazila(), area.kind()) {
            out.push(AreaId::Upazila(u.id));
        }
        if let (Some(d), AreaKind::Union | AreaKind::Upazila) = (area.district(), area.kind()) {
            out.push(AreaId::District(d.id));
        }
        if area.kind() != AreaKind::Division {
            out.push(AreaId::Division(area.division().id));
        }
        out
    }

    /// The district called `name` in either script or any known spelling, ignoring case
    /// and surrounding spaces ("Comilla", "cumilla", "কুমিল্লা").
    pub fn find_district(&self, name: &str) -> Option<&District> {
        let name = clean(name);
        self.districts
            .iter()
            .find(|d| d.names().any(|n| load::same_name(n, &name)))
    }

    /// A district as people type it: its id in either digit script ("26", "২৬") or its
    /// name in either script or any known spelling. Forms, the API and imports all
    /// resolve a typed district through this.
    pub fn district_typed(&self, input: &str) -> Option<&District> {
        match typed_number(input) {
            Some(id) => self.district(DistrictId(id)),
            None => self.find_district(input),
        }
    }

    /// The upazilas an input may mean: the one with that id (either digit script), or
    /// those with that name in either script or any known spelling — only in `within`
    /// if a district is given. Two upazilas in different districts may share a name.
    pub fn upazilas_typed(&self, input: &str, within: Option<DistrictId>) -> Vec<&Upazila> {
        if let Some(id) = typed_number(input) {
            return self.upazila(UpazilaId(id)).into_iter().collect();
        }
        let name = clean(input);
        let named = |u: &&Upazila| u.names().any(|n| load::same_name(n, &name));
        match within {
            Some(d) => self.upazilas_of(d).filter(named).collect(),
            None => self.upazilas.iter().filter(named).collect(),
        }
    }

    /// The district containing a point (WGS 84 degrees), or `None` outside Bangladesh or
    /// for a coordinate that is not a number. A point exactly on the border between two
    /// districts gets one of them.
    pub fn district_at(&self, lat: f64, lon: f64) -> Option<&District> {
        self.locator
            .locate(lat, lon)
            .and_then(|i| self.districts.get(i))
    }

    /// A district's boundary, longitude as x and latitude as y.
    pub fn boundary(&self, district: DistrictId) -> Option<&MultiPolygon<f64>> {
        position(&self.districts, district.0, |d| d.id.0).and_then(|i| self.locator.shape(i))
    }

    /// The box around the whole country.
    pub fn bbox(&self) -> BoundingBox {
        self.locator.bbox()
    }

    /// Areas whose names match `query` in Bengali or Latin letters, best first, each
    /// with its parent chain (the `search` module explains the ranking).
    pub fn search(&self, query: &str, limit: usize) -> Vec<Area<'_>> {
        let index = self.names.get_or_init(|| search::NameIndex::build(self));
        search::search(self, index, query, limit)
    }
}
