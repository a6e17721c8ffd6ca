//! A service point — a customer-care centre, an agent point, a pop-up desk, a G2P point or
//! a drop box — and the one door for its fields as an administrator or a CSV row types them.
//!
//! [`PointInput::check`] reads every field, against the geography of Bangladesh, and
//! reports every problem at once (a form shows them all beside their fields; an import
//! names them all for the row), each in Bengali and English. What it returns, [`Checked`],
//! can only be built that way, so a stored point always has a district its coordinates
//! lie in, hours that parse, and a phone number made of digits.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use seba_core::bilingual::{Bilingual, Explain};
use seba_core::case::{InputError, UnknownCode, optional_text, required_text};
use seba_core::contact::{Msisdn, MsisdnError};
use seba_core::text;
use seba_geo::{District, DistrictId, DivisionId, Geography, Upazila, UpazilaId};

use crate::hours::{HoursError, Schedule};
use crate::nearest::{Coord, CoordError};

/// Declares a string-coded enum with `as_str`, `FromStr`, `ALL`, a bilingual `label` and
/// serde in snake_case.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $bn:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// What a person calls it, in both languages.
            pub fn label(self) -> Bilingual {
                match self { $($name::$variant => Bilingual::new($bn, $en)),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                match s {
                    $($code => Ok($name::$variant),)+
                    _ => Err(UnknownCode { kind: stringify!($name), code: s.chars().take(40).collect() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

coded_enum!(
    /// What sort of place a point is.
    PointKind {
        CareCentre = "care_centre", "কাস্টমার কেয়ার সেন্টার", "Customer-care centre";
        AgentPoint = "agent_point", "এজেন্ট পয়েন্ট", "Agent point";
        PopupDesk = "popup_desk", "অস্থায়ী বুথ", "Pop-up desk";
        G2pPoint = "g2p_point", "সরকারি ভাতা সেবা কেন্দ্র", "G2P service point";
        DropBox = "drop_box", "অভিযোগ বাক্স", "Drop box";
    }
);

coded_enum!(
    /// What a customer can get done at a point.
    Service {
        PinReset = "pin_reset", "পিন রিসেট", "PIN reset";
        AccountOpening = "account_opening", "অ্যাকাউন্ট খোলা", "Account opening";
        ComplaintIntake = "complaint_intake", "অভিযোগ গ্রহণ", "Complaint intake";
        G2p = "g2p", "সরকারি ভাতা", "Government allowances (G2P)";
        CashInOut = "cash_in_out", "ক্যাশ ইন/আউট", "Cash in and out";
        KycUpdate = "kyc_update", "তথ্য হালনাগাদ (কেওয়াইসি)", "KYC update";
        SimReplacement = "sim_replacement", "সিম বদল", "SIM replacement";
    }
);

/// Limits on what administrators type.
pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_ADDRESS_CHARS: usize = 300;
pub const MAX_NOTICE_CHARS: usize = 300;
pub const MAX_PHONE_CHARS: usize = 30;

/// A service point as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServicePoint {
    pub id: i64,
    pub kind: PointKind,
    pub name_bn: String,
    pub name_en: String,
    pub address_bn: String,
    pub address_en: String,
    pub division: DivisionId,
    pub district: DistrictId,
    pub upazila: Option<UpazilaId>,
    pub coord: Coord,
    /// As typed (cleaned), checked to be a Bangladeshi mobile, landline or hotline number.
    pub phone: Option<String>,
    pub services: BTreeSet<Service>,
    /// OpenStreetMap `opening_hours`, checked with [`Schedule::parse`].
    pub hours: String,
    /// A temporary notice: "closed for Eid", "open till the last customer is served".
    pub notice_bn: Option<String>,
    pub notice_en: Option<String>,
    pub active_from: Option<Date>,
    pub active_to: Option<Date>,
    pub closed: bool,
    pub version: i64,
    pub updated_at: Timestamp,
}

impl ServicePoint {
    /// A point from checked fields, open, at `version`.
    pub fn new(id: i64, fields: Checked, version: i64, updated_at: Timestamp) -> ServicePoint {
        ServicePoint {
            id,
            kind: fields.kind,
            name_bn: fields.name_bn,
            name_en: fields.name_en,
            address_bn: fields.address_bn,
            address_en: fields.address_en,
            division: fields.division,
            district: fields.district,
            upazila: fields.upazila,
            coord: fields.coord,
            phone: fields.phone,
            services: fields.services,
            hours: fields.hours,
            notice_bn: fields.notice_bn,
            notice_en: fields.notice_en,
            active_from: fields.active_from,
            active_to: fields.active_to,
            closed: false,
            version,
            updated_at,
        }
    }

    /// Whether the point serves customers on `date`: not closed, and inside its date
    /// range where it has one (a pop-up desk always has).
    pub fn is_active_on(&self, date: Date) -> bool {
        !self.closed
            && self.active_from.is_none_or(|from| date >= from)
            && self.active_to.is_none_or(|to| date <= to)
    }

    /// The opening hours, parsed. They were checked on the way in, so this fails only
    /// for a row written by something other than [`PointInput::check`].
    pub fn schedule(&self) -> Result<Schedule, HoursError> {
        Schedule::parse(&self.hours)
    }
}

/// The fields of a point as typed in a form or a CSV row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PointInput {
    pub kind: String,
    pub name_bn: String,
    pub name_en: String,
    pub address_bn: String,
    pub address_en: String,
    /// A district id ("26") or name in either script ("Dhaka", "ঢাকা", "Comilla").
    pub district: String,
    /// An upazila of that district, by id or name; blank for none.
    pub upazila: Option<String>,
    pub lat: String,
    pub lon: String,
    pub phone: Option<String>,
    pub services: Vec<String>,
    pub hours: String,
    pub notice_bn: Option<String>,
    pub notice_en: Option<String>,
    /// `YYYY-MM-DD`, in either digit script.
    pub active_from: Option<String>,
    pub active_to: Option<String>,
}

/// A point's fields after [`PointInput::check`]: everything a stored point holds but its
/// id, state and version.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Checked {
    pub kind: PointKind,
    pub name_bn: String,
    pub name_en: String,
    pub address_bn: String,
    pub address_en: String,
    pub division: DivisionId,
    pub district: DistrictId,
    pub upazila: Option<UpazilaId>,
    pub coord: Coord,
    pub phone: Option<String>,
    pub services: BTreeSet<Service>,
    pub hours: String,
    pub notice_bn: Option<String>,
    pub notice_en: Option<String>,
    pub active_from: Option<Date>,
    pub active_to: Option<Date>,
}

/// One problem with one field of a [`PointInput`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldError {
    /// The input field's name, as in [`PointInput`] (`lat`/`lon` for coordinates).
    pub field: &'static str,
    pub problem: PointProblem,
}

impl Explain for FieldError {
    fn explain(&self) -> Bilingual {
        self.problem.explain()
    }
}

/// A district or upazila's names, kept in an error so it can say which one it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub bn: String,
    pub en: String,
}

impl Place {
    fn of_district(d: &District) -> Place {
        Place {
            bn: d.name_bn.clone(),
            en: d.name_en.clone(),
        }
    }

    fn of_upazila(u: &Upazila) -> Place {
        Place {
            bn: u.name_bn.clone(),
            en: u.name_en.clone(),
        }
    }
}

/// Why a field was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PointProblem {
    #[error(transparent)]
    Text(#[from] InputError),
    #[error(transparent)]
    Code(#[from] UnknownCode),
    #[error(transparent)]
    Coord(#[from] CoordError),
    #[error(transparent)]
    Hours(#[from] HoursError),
    #[error("no district is called `{0}`")]
    UnknownDistrict(String),
    /// The coordinates lie in another district than the one named.
    #[error("the coordinates are in {} district, not {}", .actual.en, .named.en)]
    WrongDistrict { named: Place, actual: Place },
    /// Inside the box around the country but in no district: across a border or at sea.
    #[error("the coordinates are not in any district of Bangladesh")]
    NoDistrict,
    #[error("{} district has no upazila `{}`", .district.en, .upazila)]
    UnknownUpazila { district: Place, upazila: String },
    #[error("{} upazila is in {} district, not {}", .upazila.en, .actual.en, .district.en)]
    UpazilaElsewhere {
        upazila: Place,
        actual: Place,
        district: Place,
    },
    #[error("not a Bangladeshi phone number")]
    Phone,
    #[error("at least one service is required")]
    NoServices,
    #[error("`{0}` is not a date like 2026-03-26")]
    BadDate(String),
    #[error("a pop-up desk needs the dates it is open")]
    DatesRequired,
    #[error("the last day is before the first day")]
    DatesInverted,
}

impl Explain for PointProblem {
    fn explain(&self) -> Bilingual {
        match self {
            PointProblem::Text(e) => e.explain(),
            PointProblem::Code(e) => e.explain(),
            PointProblem::Coord(e) => e.explain(),
            PointProblem::Hours(e) => e.explain(),
            PointProblem::UnknownDistrict(name) => Bilingual::new(
                format!("`{name}` নামে কোনো জেলা নেই"),
                format!("There is no district called `{name}`"),
            ),
            PointProblem::WrongDistrict { named, actual } => Bilingual::new(
                format!("এই অবস্থানটি {} জেলায়, {} জেলায় নয়", actual.bn, named.bn),
                format!(
                    "The coordinates are in {} district, not in {}",
                    actual.en, named.en
                ),
            ),
            PointProblem::NoDistrict => Bilingual::new(
                "এই অবস্থানটি বাংলাদেশের কোনো জেলায় পড়ে না",
                "The coordinates are not in any district of Bangladesh",
            ),
            PointProblem::UnknownUpazila { district, upazila } => Bilingual::new(
                format!("{} জেলায় `{upazila}` নামে কোনো উপজেলা নেই", district.bn),
                format!("{} district has no upazila `{upazila}`", district.en),
            ),
            PointProblem::UpazilaElsewhere {
                upazila,
                actual,
                district,
            } => Bilingual::new(
                format!(
                    "{} উপজেলা {} জেলায়, {} জেলায় নয়",
                    upazila.bn, actual.bn, district.bn
                ),
                format!(
                    "{} upazila is in {} district, not in {}",
                    upazila.en, actual.en, district.en
                ),
            ),
            PointProblem::Phone => Bilingual::new(
                "সঠিক ফোন নম্বর দিন: মোবাইল (০১XXXXXXXXX), ল্যান্ডফোন (০২-৯XXXXXX) বা হটলাইন (১৬XXX)",
                "Enter a valid phone number: mobile (01XXXXXXXXX), landline (02-9XXXXXX) or hotline (16XXX)",
            ),
            PointProblem::NoServices => {
                Bilingual::new("অন্তত একটি সেবা বেছে নিন", "Choose at least one service")
            }
            PointProblem::BadDate(d) => Bilingual::new(
                format!("`{d}` তারিখটি বোঝা যায়নি; এভাবে লিখুন: ২০২৬-০৩-২৬"),
                format!("`{d}` is not a date; write it like 2026-03-26"),
            ),
            PointProblem::DatesRequired => Bilingual::new(
                "অস্থায়ী বুথের শুরু ও শেষের তারিখ দিতে হবে",
                "A pop-up desk needs its first and last day",
            ),
            PointProblem::DatesInverted => Bilingual::new(
                "শেষের তারিখ শুরুর তারিখের আগে হতে পারে না",
                "The last day cannot be before the first day",
            ),
        }
    }
}

/// Collects the problems of one input, so every field is read even after one fails.
struct Problems(Vec<FieldError>);

impl Problems {
    fn take<T>(&mut self, field: &'static str, r: Result<T, impl Into<PointProblem>>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, e.into());
                None
            }
        }
    }

    fn push(&mut self, field: &'static str, problem: PointProblem) {
        self.0.push(FieldError { field, problem });
    }
}

impl PointInput {
    /// Check every field against `geo`; all problems are reported together, in field
    /// order.
    pub fn check(&self, geo: &Geography) -> Result<Checked, Vec<FieldError>> {
        let mut p = Problems(Vec::new());
        let kind = p.take("kind", self.kind.trim().parse::<PointKind>());
        let name_bn = p.take(
            "name_bn",
            required_text("name_bn", &self.name_bn, MAX_NAME_CHARS),
        );
        let name_en = p.take(
            "name_en",
            required_text("name_en", &self.name_en, MAX_NAME_CHARS),
        );
        let address_bn = p.take(
            "address_bn",
            required_text("address_bn", &self.address_bn, MAX_ADDRESS_CHARS),
        );
        let address_en = p.take(
            "address_en",
            required_text("address_en", &self.address_en, MAX_ADDRESS_CHARS),
        );
        let district = district(geo, &self.district, &mut p);
        let upazila = match (district, self.upazila.as_deref().map(text::clean)) {
            (Some(d), Some(u)) if !u.is_empty() => upazila(geo, d, &u, &mut p).map(Some),
            (None, Some(u)) if !u.is_empty() => None,
            _ => Some(None),
        };
        let coord = coord(&self.lat, &self.lon, &mut p);
        if let (Some(d), Some(c)) = (district, coord) {
            match geo.district_at(c.lat(), c.lon()) {
                Some(at) if at.id == d.id => {}
                Some(at) => p.push(
                    "district",
                    PointProblem::WrongDistrict {
                        named: Place::of_district(d),
                        actual: Place::of_district(at),
                    },
                ),
                None => p.push("lat", PointProblem::NoDistrict),
            }
        }
        let phone = match self.phone.as_deref().map(text::clean) {
            Some(t) if !t.is_empty() => {
                if t.chars().count() > MAX_PHONE_CHARS || !is_phone(&t) {
                    p.push("phone", PointProblem::Phone);
                    None
                } else {
                    Some(Some(t))
                }
            }
            _ => Some(None),
        };
        let services = services(&self.services, &mut p);
        let hours = p
            .take("hours", Schedule::parse(&self.hours))
            .map(|s| s.as_str().to_owned());
        let notice_bn = p.take(
            "notice_bn",
            optional_text("notice_bn", self.notice_bn.as_deref(), MAX_NOTICE_CHARS),
        );
        let notice_en = p.take(
            "notice_en",
            optional_text("notice_en", self.notice_en.as_deref(), MAX_NOTICE_CHARS),
        );
        let active_from = date("active_from", self.active_from.as_deref(), &mut p);
        let active_to = date("active_to", self.active_to.as_deref(), &mut p);
        if let (Some(from), Some(to)) = (active_from, active_to) {
            match (from, to) {
                (Some(f), Some(t)) if t < f => p.push("active_to", PointProblem::DatesInverted),
                (from, to) if kind == Some(PointKind::PopupDesk) => {
                    if from.is_none() {
                        p.push("active_from", PointProblem::DatesRequired);
                    }
                    if to.is_none() {
                        p.push("active_to", PointProblem::DatesRequired);
                    }
                }
                _ => {}
            }
        }

        match (
            kind,
            name_bn,
            name_en,
            address_bn,
            address_en,
            district,
            upazila,
            coord,
            phone,
            services,
            hours,
            notice_bn,
            notice_en,
            active_from,
            active_to,
        ) {
            (
                Some(kind),
                Some(name_bn),
                Some(name_en),
                Some(address_bn),
                Some(address_en),
                Some(district),
                Some(upazila),
                Some(coord),
                Some(phone),
                Some(services),
                Some(hours),
                Some(notice_bn),
                Some(notice_en),
                Some(active_from),
                Some(active_to),
            ) if p.0.is_empty() => Ok(Checked {
                kind,
                name_bn,
                name_en,
                address_bn,
                address_en,
                division: district.division,
                district: district.id,
                upazila,
                coord,
                phone,
                services,
                hours,
                notice_bn,
                notice_en,
                active_from,
                active_to,
            }),
            _ => Err(p.0),
        }
    }
}

fn district<'g>(geo: &'g Geography, input: &str, p: &mut Problems) -> Option<&'g District> {
    let name = text::clean(input);
    if name.is_empty() {
        p.push("district", InputError::Missing { field: "district" }.into());
        return None;
    }
    let found = geo.district_typed(&name);
    if found.is_none() {
        p.push(
            "district",
            PointProblem::UnknownDistrict(name.chars().take(60).collect()),
        );
    }
    found
}

fn upazila(
    geo: &Geography,
    district: &District,
    input: &str,
    p: &mut Problems,
) -> Option<UpazilaId> {
    // By id anywhere (then checked to be in the district), or by name within it.
    let found = geo
        .upazilas_typed(input, Some(district.id))
        .into_iter()
        .next();
    match found {
        Some(u) if u.district == district.id => Some(u.id),
        Some(u) => {
            let actual = geo
                .district(u.district)
                .map(Place::of_district)
                .unwrap_or(Place {
                    bn: String::new(),
                    en: String::new(),
                });
            p.push(
                "upazila",
                PointProblem::UpazilaElsewhere {
                    upazila: Place::of_upazila(u),
                    actual,
                    district: Place::of_district(district),
                },
            );
            None
        }
        None => {
            p.push(
                "upazila",
                PointProblem::UnknownUpazila {
                    district: Place::of_district(district),
                    upazila: input.chars().take(60).collect(),
                },
            );
            None
        }
    }
}

fn coord(lat: &str, lon: &str, p: &mut Problems) -> Option<Coord> {
    // Each number on its own first, so both can be reported; then the pair.
    let lat_ok = Coord::parse(lat, "90");
    let lon_ok = Coord::parse("23.8", lon);
    let mut bad = false;
    if let Err(e @ CoordError::NotANumber(_)) = lat_ok {
        p.push("lat", e.into());
        bad = true;
    }
    if let Err(e @ CoordError::NotANumber(_)) = lon_ok {
        p.push("lon", e.into());
        bad = true;
    }
    if bad {
        return None;
    }
    p.take("lat", Coord::parse(lat, lon))
}

/// A mobile number (through [`Msisdn`]), a landline with its area code (`02-9xxxxxx`,
/// `0xx-xxxxxxx`, optionally after +880) or a five-digit hotline (`16xxx`).
fn is_phone(input: &str) -> bool {
    match Msisdn::parse(input) {
        Ok(_) => return true,
        Err(MsisdnError::BadCharacter) => return false,
        Err(_) => {}
    }
    let mut digits = String::new();
    for (i, c) in input.chars().enumerate() {
        if let Some(d) = text::digit_value(c) {
            digits.push(char::from_digit(d, 10).unwrap_or('0'));
        } else if !(matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0)) {
            return false;
        }
    }
    if input.starts_with('+') && !digits.starts_with("880") {
        return false;
    }
    let national = match digits.strip_prefix("880") {
        Some(rest) if !rest.starts_with('0') => format!("0{rest}"),
        Some(rest) => rest.to_owned(),
        None => digits,
    };
    let hotline = national.len() == 5 && national.starts_with("16");
    let landline = national.starts_with('0')
        && !national.starts_with("01")
        && !national.starts_with("00")
        && (8..=11).contains(&national.len());
    hotline || landline
}

fn services(codes: &[String], p: &mut Problems) -> Option<BTreeSet<Service>> {
    let mut out = BTreeSet::new();
    let mut ok = true;
    for code in codes {
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        match code.parse::<Service>() {
            Ok(s) => {
                out.insert(s);
            }
            Err(e) => {
                p.push("services", e.into());
                ok = false;
            }
        }
    }
    if ok && out.is_empty() {
        p.push("services", PointProblem::NoServices);
        ok = false;
    }
    ok.then_some(out)
}

fn date(field: &'static str, input: Option<&str>, p: &mut Problems) -> Option<Option<Date>> {
    let t = text::ascii_digits(input.unwrap_or("").trim());
    if t.is_empty() {
        return Some(None);
    }
    match t.parse::<Date>() {
        Ok(d) if t.len() == 10 => Some(Some(d)),
        _ => {
            p.push(field, PointProblem::BadDate(t.chars().take(40).collect()));
            None
        }
    }
}
