//! Merchants, and which one a typed name means.
//!
//! Victims write a shop's name as they remember it: "Evaly", "evaly.com.bd", "ইভ্যালি",
//! "Evaly Ltd", "e-valy". [`Matcher`] turns every known name of every merchant — legal and
//! trade names in both scripts, aliases, web addresses — into keys, and a typed name into
//! the same keys:
//!
//! - the **folded** form: the analyzer's normalisation, words joined, generic words
//!   ("Ltd", "লিমিটেড", "online", a web address's `www.` and `.com.bd`) dropped;
//! - the search lexicon's **concepts** (`evaly`, `ইভ্যালি` → `@evaly`), for the brands it
//!   lists;
//! - **phonetic** keys of the words, which agree across scripts for most names.
//!
//! One key in common with exactly one merchant is a match. A near miss (a typo, a key
//! shared by several merchants) is offered as a possibility for a person to confirm;
//! anything else is unknown, and the caller files a new merchant for review — never a
//! silent duplicate.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use seba_core::bilingual::{Bilingual, Explain};

/// Where a merchant stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum MerchantStatus {
    Operating,
    Suspended,
    UnderInvestigation,
    InLiquidation,
    /// Named by a claimant, not yet checked by the cell.
    PendingReview,
}

impl MerchantStatus {
    pub const ALL: [MerchantStatus; 5] = [
        MerchantStatus::Operating,
        MerchantStatus::Suspended,
        MerchantStatus::UnderInvestigation,
        MerchantStatus::InLiquidation,
        MerchantStatus::PendingReview,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MerchantStatus::Operating => "operating",
            MerchantStatus::Suspended => "suspended",
            MerchantStatus::UnderInvestigation => "under_investigation",
            MerchantStatus::InLiquidation => "in_liquidation",
            MerchantStatus::PendingReview => "pending_review",
        }
    }

    pub fn parse(s: &str) -> Option<MerchantStatus> {
        Self::ALL.into_iter().find(|m| m.as_str() == s.trim())
    }

    pub fn label(self) -> Bilingual {
        match self {
            MerchantStatus::Operating => Bilingual::new("চালু", "Operating"),
            MerchantStatus::Suspended => Bilingual::new("স্থগিত", "Suspended"),
            MerchantStatus::UnderInvestigation => Bilingual::new("তদন্তাধীন", "Under investigation"),
            MerchantStatus::InLiquidation => Bilingual::new("অবসায়নে", "In liquidation"),
            MerchantStatus::PendingReview => Bilingual::new("যাচাই বাকি", "Pending review"),
        }
    }
}

/// Every name a merchant is known by.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MerchantNames {
    pub legal_bn: String,
    pub legal_en: String,
    pub trade_bn: String,
    pub trade_en: String,
    /// Other spellings people use.
    pub aliases: Vec<String>,
    /// Web addresses (`evaly.com.bd`, `https://www.evaly.com.bd/`).
    pub web: Vec<String>,
}

impl MerchantNames {
    fn all(&self) -> impl Iterator<Item = &str> {
        [
            self.legal_bn.as_str(),
            self.legal_en.as_str(),
            self.trade_bn.as_str(),
            self.trade_en.as_str(),
        ]
        .into_iter()
        .chain(self.aliases.iter().map(String::as_str))
        .chain(self.web.iter().map(String::as_str))
        .filter(|n| !n.trim().is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("a merchant needs a name")]
    Missing,
    #[error("a merchant name is at most 120 characters")]
    TooLong,
    #[error("the name has no letters")]
    NoLetters,
}

impl Explain for NameError {
    fn explain(&self) -> Bilingual {
        match self {
            NameError::Missing => Bilingual::new("প্রতিষ্ঠানের নাম দিন", "Give the shop's name"),
            NameError::TooLong => Bilingual::new(
                "প্রতিষ্ঠানের নাম ১২০ অক্ষরের বেশি হতে পারে না",
                "A shop's name is at most 120 characters",
            ),
            NameError::NoLetters => {
                Bilingual::new("প্রতিষ্ঠানের নামে অক্ষর থাকতে হবে", "A shop's name needs letters")
            }
        }
    }
}

/// A typed merchant name, cleaned (NFC, spaces collapsed) and bounded.
pub fn clean_name(input: &str) -> Result<String, NameError> {
    let s = seba_core::text::clean(input);
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        return Err(NameError::Missing);
    }
    if s.chars().count() > 120 {
        return Err(NameError::TooLong);
    }
    if !s.chars().any(char::is_alphabetic) {
        return Err(NameError::NoLetters);
    }
    Ok(s)
}

/// Words that say what kind of business, not which one.
const GENERIC: &[&str] = &[
    "ltd",
    "limited",
    "pvt",
    "private",
    "plc",
    "co",
    "company",
    "bd",
    "bangladesh",
    "online",
    "shop",
    "store",
    "www",
    "http",
    "https",
    "com",
    "net",
    "org",
    "xyz",
    "লিমিটেড",
    "লিঃ",
    "লি",
    "প্রাইভেট",
    "কোম্পানি",
    "অনলাইন",
    "শপ",
    "ডট",
    "কম",
    "বাংলাদেশ",
];

/// The host of a web address without `www.` and its public suffix: `evaly`.
fn web_label(s: &str) -> Option<String> {
    let lower = s.trim().to_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let host = rest.split(['/', '?', '#']).next()?;
    if !host.contains('.') || host.contains(' ') {
        return None;
    }
    let host = host.strip_prefix("www.").unwrap_or(host);
    let mut labels: Vec<&str> = host.split('.').collect();
    while labels.len() > 1
        && matches!(
            *labels.last()?,
            "bd" | "com"
                | "net"
                | "org"
                | "shop"
                | "xyz"
                | "co"
                | "store"
                | "online"
                | "info"
                | "biz"
        )
    {
        labels.pop();
    }
    Some(labels.join(""))
}

/// What a name is matched by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameKeys {
    /// Normalised words without the generic ones, joined without spaces.
    pub folded: String,
    pub concepts: BTreeSet<&'static str>,
    /// The words' full phonetic keys, joined by a space.
    pub phonetic: Option<String>,
}

/// The keys of one name.
pub fn keys(name: &str) -> NameKeys {
    let text = web_label(name).unwrap_or_else(|| name.to_string());
    let norm = seba_search::normalize::normalize_word(&text);
    let words: Vec<String> = norm
        .split(|c: char| !c.is_alphanumeric() && !is_bengali_mark(c))
        .filter(|w| !w.is_empty())
        .filter(|w| !GENERIC.contains(w))
        .map(str::to_string)
        .collect();
    let folded = words.concat();
    let mut concepts: BTreeSet<&'static str> =
        seba_search::lexicon::concepts(&text).into_iter().collect();
    for w in &words {
        concepts.extend(seba_search::lexicon::lookup(w));
    }
    concepts.extend(seba_search::lexicon::lookup(&folded));
    let phonetic: Option<Vec<String>> = words
        .iter()
        .map(|w| seba_search::phonetic::keys(w).map(|k| k.full))
        .collect();
    NameKeys {
        folded,
        concepts,
        phonetic: phonetic.filter(|p| !p.is_empty()).map(|p| p.join(" ")),
    }
}

fn is_bengali_mark(c: char) -> bool {
    ('\u{0980}'..='\u{09FF}').contains(&c)
}

/// How a typed name met a merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The same name, folded.
    Name,
    /// The same brand in the lexicon (often another script).
    Brand,
    /// The same sound.
    Sound,
}

/// Which merchant a typed name means.
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    Known {
        id: i64,
        how: MatchKind,
    },
    /// Close to these (best first, with a similarity from 0 to 1): a person decides.
    Possible(Vec<(i64, f64)>),
    Unknown,
}

/// The registry's names, indexed for matching.
#[derive(Debug, Default, Clone)]
pub struct Matcher {
    folded: HashMap<String, BTreeSet<i64>>,
    concepts: HashMap<&'static str, BTreeSet<i64>>,
    sounds: HashMap<String, BTreeSet<i64>>,
    /// Every (merchant, folded name, sound) for near misses.
    all: Vec<(i64, String, Option<String>)>,
}

/// Below this similarity a name is not offered as a possibility.
const POSSIBLE: f64 = 0.86;

impl Matcher {
    pub fn new<'a>(merchants: impl IntoIterator<Item = (i64, &'a MerchantNames)>) -> Matcher {
        let mut m = Matcher::default();
        for (id, names) in merchants {
            m.add(id, names);
        }
        m
    }

    pub fn add(&mut self, id: i64, names: &MerchantNames) {
        for name in names.all() {
            let k = keys(name);
            if !k.folded.is_empty() {
                self.folded.entry(k.folded.clone()).or_default().insert(id);
            }
            for c in &k.concepts {
                self.concepts.entry(c).or_default().insert(id);
            }
            if let Some(p) = &k.phonetic {
                self.sounds.entry(p.clone()).or_default().insert(id);
            }
            self.all.push((id, k.folded, k.phonetic));
        }
    }

    /// The merchant `typed` names, if the registry knows it.
    pub fn find(&self, typed: &str) -> Match {
        let k = keys(typed);
        if k.folded.is_empty() && k.concepts.is_empty() {
            return Match::Unknown;
        }
        let only = |set: Option<&BTreeSet<i64>>| -> Option<Result<i64, Vec<i64>>> {
            let set = set?;
            if set.len() == 1 {
                set.iter().next().map(|id| Ok(*id))
            } else {
                Some(Err(set.iter().copied().collect()))
            }
        };
        let mut ambiguous: BTreeSet<i64> = BTreeSet::new();
        match only(self.folded.get(&k.folded)) {
            Some(Ok(id)) => {
                return Match::Known {
                    id,
                    how: MatchKind::Name,
                };
            }
            Some(Err(ids)) => ambiguous.extend(ids),
            None => {}
        }
        let brands: BTreeSet<i64> = k
            .concepts
            .iter()
            .filter_map(|c| self.concepts.get(c))
            .flatten()
            .copied()
            .collect();
        if brands.len() == 1 && ambiguous.is_empty() {
            return Match::Known {
                id: *brands.iter().next().unwrap_or(&0),
                how: MatchKind::Brand,
            };
        }
        ambiguous.extend(brands);
        if let Some(p) = &k.phonetic {
            match only(self.sounds.get(p)) {
                Some(Ok(id)) if ambiguous.is_empty() => {
                    return Match::Known {
                        id,
                        how: MatchKind::Sound,
                    };
                }
                Some(Ok(id)) => {
                    ambiguous.insert(id);
                }
                Some(Err(ids)) => ambiguous.extend(ids),
                None => {}
            }
        }
        // Near misses: typos in the folded name or the sound.
        let mut best: HashMap<i64, f64> = ambiguous.iter().map(|id| (*id, 1.0)).collect();
        for (id, folded, sound) in &self.all {
            let mut score = 0.0f64;
            if !k.folded.is_empty() && !folded.is_empty() && k.folded.chars().count() >= 4 {
                score = score.max(strsim::jaro_winkler(&k.folded, folded));
            }
            if let (Some(a), Some(b)) = (&k.phonetic, sound)
                && a.len() >= 3
            {
                score = score.max(strsim::jaro_winkler(a, b) - 0.02);
            }
            if score >= POSSIBLE {
                let e = best.entry(*id).or_insert(0.0);
                *e = e.max(score);
            }
        }
        if best.is_empty() {
            return Match::Unknown;
        }
        let mut list: Vec<(i64, f64)> = best.into_iter().collect();
        list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(5);
        Match::Possible(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(trade_en: &str, trade_bn: &str, web: &[&str]) -> MerchantNames {
        MerchantNames {
            legal_en: format!("{trade_en} Limited"),
            trade_en: trade_en.into(),
            trade_bn: trade_bn.into(),
            web: web.iter().map(|w| w.to_string()).collect(),
            ..MerchantNames::default()
        }
    }

    fn registry() -> Matcher {
        Matcher::new([
            (1, &names("Evaly", "ইভ্যালি", &["evaly.com.bd"])),
            (
                2,
                &names("Alesha Mart", "আলেশা মার্ট", &["https://www.aleshamart.com/"]),
            ),
            (3, &names("e-Orange", "ই-অরেঞ্জ", &["eorange.shop"])),
            (
                4,
                &names("Dhamaka Shopping", "ধামাকা শপিং", &["dhamakashopping.com"]),
            ),
            (5, &names("Qcoom", "কিউকম", &["qcoom.com"])),
        ])
    }

    #[test]
    fn one_merchant_under_every_name_it_is_known_by() {
        let m = registry();
        for typed in [
            "Evaly",
            "evaly",
            "EVALY LTD",
            "Evaly Limited",
            "ইভ্যালি",
            "evaly.com.bd",
            "https://evaly.com.bd/product/123",
            "www.evaly.com.bd",
        ] {
            assert!(
                matches!(m.find(typed), Match::Known { id: 1, .. }),
                "{typed}: {:?}",
                m.find(typed)
            );
        }
        assert!(matches!(m.find("eorange"), Match::Known { id: 3, .. }));
        assert!(matches!(m.find("E Orange"), Match::Known { id: 3, .. }));
        assert!(matches!(m.find("আলেশা মার্ট"), Match::Known { id: 2, .. }));
        assert!(matches!(
            m.find("aleshamart.com"),
            Match::Known { id: 2, .. }
        ));
    }

    #[test]
    fn a_typo_is_a_possibility_not_a_match() {
        let m = registry();
        match m.find("Evally") {
            Match::Known { id: 1, .. } => {}
            Match::Possible(list) => assert_eq!(list[0].0, 1, "{list:?}"),
            other => panic!("{other:?}"),
        }
        match m.find("Dhamaka Shoping") {
            Match::Possible(list) => assert_eq!(list[0].0, 4, "{list:?}"),
            Match::Known { id: 4, .. } => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_new_name_is_unknown() {
        let m = registry();
        assert_eq!(m.find("Sirajganj Shop BD"), Match::Unknown);
        assert_eq!(m.find("Ltd"), Match::Unknown);
        assert_eq!(m.find("   "), Match::Unknown);
    }

    #[test]
    fn a_name_two_merchants_share_is_for_a_person_to_decide() {
        let mut m = registry();
        m.add(6, &names("Evaly", "ইভ্যালি ২", &[]));
        assert!(matches!(m.find("Evaly"), Match::Possible(list) if list.len() >= 2));
    }

    #[test]
    fn names_are_cleaned_and_bounded() {
        assert_eq!(clean_name("  Evaly   Ltd "), Ok("Evaly Ltd".into()));
        assert_eq!(clean_name(""), Err(NameError::Missing));
        assert_eq!(clean_name("12345"), Err(NameError::NoLetters));
        assert_eq!(clean_name(&"x".repeat(121)), Err(NameError::TooLong));
    }
}
