//! The four levels of Bangladesh's administration — division, district (zila), upazila,
//! union — as plain, cleaned records, and [`Area`], one of them together with the units
//! it lies in, which is what a person needs to tell the three Kaliganj upazilas apart.
//!
//! Records hold their parent's id, not a reference, so they can be handed out from one
//! shared [`crate::Geography`] and compared, stored or serialised on their own.

use std::fmt;

use serde::{Deserialize, Serialize};

use seba_core::Bilingual;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u16);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A division, as numbered by the source data set (1–8).
    DivisionId
);
id_type!(
    /// A district, as numbered by the source data set (1–64).
    DistrictId
);
id_type!(
    /// An upazila, as numbered by the source data set (1–494).
    UpazilaId
);
id_type!(
    /// A union, as numbered by the source data set (1–4,540).
    UnionId
);

/// A point in WGS 84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// An axis-aligned box in degrees, edges included.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl BoundingBox {
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        (self.south..=self.north).contains(&lat) && (self.west..=self.east).contains(&lon)
    }

    /// The smallest box holding both.
    pub fn union(self, other: BoundingBox) -> BoundingBox {
        BoundingBox {
            south: self.south.min(other.south),
            west: self.west.min(other.west),
            north: self.north.max(other.north),
            east: self.east.max(other.east),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Division {
    pub id: DivisionId,
    /// The current official spelling ("Chattogram").
    pub name_en: String,
    pub name_bn: String,
    /// Other spellings people and other data sets use ("Chittagong", "Chattagram").
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct District {
    pub id: DistrictId,
    pub division: DivisionId,
    /// The current official spelling ("Cumilla").
    pub name_en: String,
    pub name_bn: String,
    /// Other spellings ("Comilla"), including the boundary file's where it differs.
    pub aliases: Vec<String>,
    /// The district's listed centre (its headquarters town, roughly).
    pub centre: LatLon,
    /// The box around the district's boundary.
    pub bbox: BoundingBox,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Upazila {
    pub id: UpazilaId,
    pub district: DistrictId,
    pub name_en: String,
    pub name_bn: String,
    /// Spellings replaced on import ("Comilla Sadar" for "Cumilla Sadar").
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Union {
    pub id: UnionId,
    pub upazila: UpazilaId,
    pub name_en: String,
    pub name_bn: String,
    /// Spellings replaced on import ("Jorkanoneast" for "Jorkanon (East)").
    pub aliases: Vec<String>,
}

/// Every name a unit answers to: English, Bengali, then the aliases.
pub(crate) trait Named {
    fn name_en(&self) -> &str;
    fn name_bn(&self) -> &str;
    fn aliases(&self) -> &[String];

    fn names(&self) -> impl Iterator<Item = &str> {
        [self.name_en(), self.name_bn()]
            .into_iter()
            .chain(self.aliases().iter().map(String::as_str))
    }
}

macro_rules! named {
    ($($t:ty),*) => {$(
        impl Named for $t {
            fn name_en(&self) -> &str {
                &self.name_en
            }
            fn name_bn(&self) -> &str {
                &self.name_bn
            }
            fn aliases(&self) -> &[String] {
                &self.aliases
            }
        }
    )*};
}

named!(Division, District, Upazila, Union);

/// Which level of the administration an [`Area`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Division,
    District,
    Upazila,
    Union,
}

impl AreaKind {
    /// The level's word in both languages ("জেলা" / "District").
    pub fn label(self) -> Bilingual {
        let (bn, en) = match self {
            AreaKind::Division => ("বিভাগ", "Division"),
            AreaKind::District => ("জেলা", "District"),
            AreaKind::Upazila => ("উপজেলা", "Upazila"),
            AreaKind::Union => ("ইউনিয়ন", "Union"),
        };
        Bilingual::new(bn, en)
    }
}

/// A unit of any level with the units it lies in, so that it can be shown unambiguously.
/// Only [`crate::Geography`] builds these, so the chain is always consistent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Area<'g> {
    Division(&'g Division),
    District {
        district: &'g District,
        division: &'g Division,
    },
    Upazila {
        upazila: &'g Upazila,
        district: &'g District,
        division: &'g Division,
    },
    Union {
        union: &'g Union,
        upazila: &'g Upazila,
        district: &'g District,
        division: &'g Division,
    },
}

impl<'g> Area<'g> {
    pub fn kind(&self) -> AreaKind {
        match self {
            Area::Division(_) => AreaKind::Division,
            Area::District { .. } => AreaKind::District,
            Area::Upazila { .. } => AreaKind::Upazila,
            Area::Union { .. } => AreaKind::Union,
        }
    }

    pub fn division(&self) -> &'g Division {
        match *self {
            Area::Division(division)
            | Area::District { division, .. }
            | Area::Upazila { division, .. }
            | Area::Union { division, .. } => division,
        }
    }

    pub fn district(&self) -> Option<&'g District> {
        match *self {
            Area::Division(_) => None,
            Area::District { district, .. }
            | Area::Upazila { district, .. }
            | Area::Union { district, .. } => Some(district),
        }
    }

    pub fn upazila(&self) -> Option<&'g Upazila> {
        match *self {
            Area::Upazila { upazila, .. } | Area::Union { upazila, .. } => Some(upazila),
            Area::Division(_) | Area::District { .. } => None,
        }
    }

    pub fn union(&self) -> Option<&'g Union> {
        match *self {
            Area::Union { union, .. } => Some(union),
            _ => None,
        }
    }

    /// The unit itself and then each unit it lies in, up to the division, as
    /// (kind, Bengali name, English name).
    pub fn chain(&self) -> Vec<(AreaKind, &'g str, &'g str)> {
        let mut out = Vec::with_capacity(4);
        if let Some(u) = self.union() {
            out.push((AreaKind::Union, u.name_bn.as_str(), u.name_en.as_str()));
        }
        if let Some(u) = self.upazila() {
            out.push((AreaKind::Upazila, u.name_bn.as_str(), u.name_en.as_str()));
        }
        if let Some(d) = self.district() {
            out.push((AreaKind::District, d.name_bn.as_str(), d.name_en.as_str()));
        }
        let d = self.division();
        out.push((AreaKind::Division, d.name_bn.as_str(), d.name_en.as_str()));
        out
    }

    /// The unit's own names.
    pub fn name(&self) -> Bilingual {
        let (bn, en) = match *self {
            Area::Division(d) => (&d.name_bn, &d.name_en),
            Area::District { district: d, .. } => (&d.name_bn, &d.name_en),
            Area::Upazila { upazila: u, .. } => (&u.name_bn, &u.name_en),
            Area::Union { union: u, .. } => (&u.name_bn, &u.name_en),
        };
        Bilingual::new(bn.as_str(), en.as_str())
    }

    /// The whole chain for display: "সাভার উপজেলা, ঢাকা জেলা, ঢাকা বিভাগ" /
    /// "Savar Upazila, Dhaka District, Dhaka Division".
    pub fn label(&self) -> Bilingual {
        let chain = self.chain();
        let part = |pick: fn(&(AreaKind, &str, &str)) -> String| {
            chain.iter().map(pick).collect::<Vec<_>>().join(", ")
        };
        Bilingual::new(
            part(|(k, bn, _)| format!("{bn} {}", k.label().bn)),
            part(|(k, _, en)| format!("{en} {}", k.label().en)),
        )
    }
}
