//! Finding an area by name, in Bengali or Latin letters, as people type it: "Cumilla",
//! "comilla", "কুমিল্লা" and "kumilla" all find Cumilla district; "sava" finds Savar
//! while it is being typed; "kaliganj gazipur" picks the one Kaliganj of four that lies in
//! Gazipur.
//!
//! Every name of every unit (English, Bengali, aliases) is run once through the search
//! crate's analyzer ([`seba_search::analyze`]), which folds spellings and scripts (NFC,
//! nukta forms, digits, case) and gives each word its stem and phonetic keys; a query
//! goes through [`seba_search::analyze_query`]. A query word then meets a name word at
//! one of four levels, best first: the same word (or stem), a prefix of it, the same full
//! phonetic key (`~kumila`), the same consonant skeleton (`~~kml`). Query words that the
//! unit's own name does not account for may be found in the names of the units it lies
//! in, which is how a district or upazila narrows a common union name; but at least one
//! word must be the unit's own.
//!
//! A word that names a level ("union", "উপজেলা", "zila", "thana") keeps only the areas
//! of that level: "savar union" is the union, not the upazila.
//!
//! Results are ranked by tier — exact (every word of the name matched as a whole word),
//! whole word, prefix, sound, skeleton — then by level of administration (districts, then
//! upazilas, then divisions, then unions: the units people mean most often), then by how
//! many words of the name went unmatched, then by id.
//!
//! The index is a flat list of about 10,000 analyzed names, built on the first search
//! (25 ms in a release build) and scanned per query: about 0.7 ms at the median and 3 ms
//! at the 99th percentile in a release build on the 2-core machine — enough for a picker
//! that asks once per keystroke, and trivially consistent with the data. An inverted
//! index over words and keys is the next step if that ever matters.
//!
//! # Known limits
//!
//! * Sound keys make false friends, ranked last: "Kolkata" finds Kulkathi union.
//! * Only the units of the data set are known: a town or neighbourhood that is not a
//!   union or upazila is not found by its own name ("Tongi"), or finds a unit elsewhere
//!   ("Mirpur" is Kushtia's Mirpur upazila, not Dhaka's Mirpur); abbreviations ("Ctg")
//!   are not known either.

use std::collections::HashMap;

use seba_search::{PHONETIC_PREFIX, SKELETON_PREFIX, TokenKind, phonetic};

use crate::model::{AreaKind, Named};
use crate::{AreaId, Geography};

const APOSTROPHES: [char; 2] = ['\'', '\u{2019}'];

/// One word of a name or a query, with the forms it can be matched by.
#[derive(Debug, Default)]
struct Word {
    word: String,
    stem: Option<String>,
    /// Full phonetic keys, `~`-prefixed, of the word and of its stem.
    sounds: Vec<String>,
    /// Skeletons, `~~`-prefixed.
    skeletons: Vec<String>,
}

/// How well a query word met a name word; worst first, so `max` picks the best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Skeleton,
    Sound,
    Prefix,
    Word,
}

/// How well a whole name matched; best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Exact,
    Word,
    Prefix,
    Sound,
    Skeleton,
}

impl Word {
    fn level(&self, name: &Word) -> Option<Level> {
        let same = |a: &str, b: Option<&String>| b.is_some_and(|b| a == b);
        if self.word == name.word
            || same(&self.word, name.stem.as_ref())
            || same(&name.word, self.stem.as_ref())
            || self.stem.is_some() && self.stem == name.stem
        {
            return Some(Level::Word);
        }
        if name.word.starts_with(&self.word) {
            return Some(Level::Prefix);
        }
        if self.sounds.iter().any(|s| name.sounds.contains(s)) {
            return Some(Level::Sound);
        }
        if self.skeletons.iter().any(|s| name.skeletons.contains(s)) {
            return Some(Level::Skeleton);
        }
        None
    }

    fn add_keys(&mut self, form: &str) {
        if let Some(k) = phonetic::keys(form) {
            push_new(&mut self.sounds, format!("{PHONETIC_PREFIX}{}", k.full));
            if let Some(s) = k.skeleton {
                push_new(&mut self.skeletons, format!("{SKELETON_PREFIX}{s}"));
            }
        }
    }
}

fn push_new(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The words of a name, in order.
fn name_words(name: &str) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut position = None;
    for t in seba_search::analyze(name) {
        if position != Some(t.position) {
            position = Some(t.position);
            words.push(Word::default());
        }
        let Some(w) = words.last_mut() else { continue };
        match t.kind {
            TokenKind::Word | TokenKind::Number => w.word = t.term,
            TokenKind::Stem => w.stem = Some(t.term),
            TokenKind::Phonetic => push_new(&mut w.sounds, t.term),
            TokenKind::Skeleton => push_new(&mut w.skeletons, t.term),
            TokenKind::Concept | TokenKind::Phone => {}
        }
    }
    words.retain(|w| !w.word.is_empty());
    words
}

/// A query word that must be found, or one that only helps ("the", "আমার").
struct QueryWord {
    word: Word,
    optional: bool,
}

fn query_words(query: &str) -> Vec<QueryWord> {
    seba_search::analyze_query(query)
        .terms
        .into_iter()
        .filter_map(|t| {
            let text = t
                .alternatives
                .iter()
                .find(|a| matches!(a.kind, TokenKind::Word | TokenKind::Number))?;
            let mut word = Word {
                word: text.term.clone(),
                stem: t
                    .alternatives
                    .iter()
                    .find(|a| a.kind == TokenKind::Stem)
                    .map(|a| a.term.clone()),
                ..Word::default()
            };
            // The query analyzer leaves out sound keys for words its lexicon knows;
            // place names need them whatever the lexicon says.
            word.add_keys(&word.word.clone());
            if let Some(stem) = word.stem.clone() {
                word.add_keys(&stem);
            }
            Some(QueryWord {
                word,
                optional: t.optional,
            })
        })
        .collect()
}

struct IndexedName {
    words: Vec<Word>,
}

/// Every name of every unit, analyzed.
pub(crate) struct NameIndex {
    names: Vec<IndexedName>,
    /// The range of `names` that belongs to each unit.
    by_area: HashMap<AreaId, std::ops::Range<usize>>,
}

impl NameIndex {
    pub fn build(geo: &Geography) -> NameIndex {
        let mut index = NameIndex {
            names: Vec::new(),
            by_area: HashMap::new(),
        };
        let mut add = |area: AreaId, unit: &dyn NamesOf| {
            let start = index.names.len();
            // People leave apostrophes out: "Cox's Bazar" is also "Coxs Bazar".
            let names = unit.all_names();
            let bare = names
                .iter()
                .filter(|n| n.contains(APOSTROPHES))
                .map(|n| n.replace(APOSTROPHES, ""));
            let names: Vec<String> = names.iter().map(|n| n.to_string()).chain(bare).collect();
            for name in &names {
                let words = name_words(name);
                let dup = index.names[start..]
                    .iter()
                    .any(|n| same_words(&n.words, &words));
                if !words.is_empty() && !dup {
                    index.names.push(IndexedName { words });
                }
            }
            index.by_area.insert(area, start..index.names.len());
        };
        for d in geo.divisions() {
            add(AreaId::Division(d.id), d);
        }
        for d in geo.districts() {
            add(AreaId::District(d.id), d);
        }
        for u in geo.upazilas() {
            add(AreaId::Upazila(u.id), u);
        }
        for u in geo.unions() {
            add(AreaId::Union(u.id), u);
        }
        index
    }

    fn names_of(&self, area: AreaId) -> &[IndexedName] {
        self.by_area
            .get(&area)
            .and_then(|r| self.names.get(r.clone()))
            .unwrap_or_default()
    }
}

/// Object-safe access to [`Named::names`], for building the index over four types.
trait NamesOf {
    fn all_names(&self) -> Vec<&str>;
}

impl<T: Named> NamesOf for T {
    fn all_names(&self) -> Vec<&str> {
        self.names().collect()
    }
}

fn same_words(a: &[Word], b: &[Word]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.word == y.word)
}

/// Where a unit ranks for a query; smaller is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    tier: Tier,
    kind: u8,
    /// Words of the name no query word matched.
    unmatched: usize,
    /// Some query words were found in the names of the units it lies in.
    via_parents: bool,
    id: u16,
}

fn kind_order(kind: AreaKind) -> u8 {
    match kind {
        AreaKind::District => 0,
        AreaKind::Upazila => 1,
        AreaKind::Division => 2,
        AreaKind::Union => 3,
    }
}

/// The best level of each query word against a name's words.
fn levels(query: &[QueryWord], name: &[Word]) -> Vec<Option<(Level, usize)>> {
    query
        .iter()
        .map(|q| {
            name.iter()
                .enumerate()
                .filter_map(|(i, w)| q.word.level(w).map(|l| (l, i)))
                .max_by_key(|&(l, i)| (l, std::cmp::Reverse(i)))
        })
        .collect()
}

/// Rank one unit: the best of its names, each helped by its parents' names.
fn rank(geo: &Geography, index: &NameIndex, area: AreaId, query: &[QueryWord]) -> Option<Rank> {
    let mut parents = None;
    index
        .names_of(area)
        .iter()
        .filter_map(|name| rank_name(geo, index, area, &mut parents, query, &name.words))
        .min()
}

fn rank_name(
    geo: &Geography,
    index: &NameIndex,
    area: AreaId,
    parents: &mut Option<Vec<AreaId>>,
    query: &[QueryWord],
    name: &[Word],
) -> Option<Rank> {
    let own = levels(query, name);
    if own.iter().all(Option::is_none) {
        return None;
    }
    let mut worst = Level::Word;
    let mut via_parents = false;
    for (q, found) in query.iter().zip(&own) {
        let level = match found {
            Some((level, _)) => *level,
            None if q.optional => continue,
            None => {
                via_parents = true;
                parents
                    .get_or_insert_with(|| geo.parents(area))
                    .iter()
                    .flat_map(|&p| index.names_of(p))
                    .flat_map(|n| n.words.iter())
                    .filter_map(|w| q.word.level(w))
                    .max()?
            }
        };
        worst = worst.min(level);
    }
    let mut matched = vec![false; name.len()];
    for (level, i) in own.iter().flatten() {
        if *level == Level::Word
            && let Some(m) = matched.get_mut(*i)
        {
            *m = true;
        }
    }
    let unmatched = matched.iter().filter(|m| !**m).count();
    let tier = match worst {
        Level::Word if unmatched == 0 => Tier::Exact,
        Level::Word => Tier::Word,
        Level::Prefix => Tier::Prefix,
        Level::Sound => Tier::Sound,
        Level::Skeleton => Tier::Skeleton,
    };
    Some(Rank {
        tier,
        kind: kind_order(area.kind()),
        unmatched,
        via_parents,
        id: area.number(),
    })
}

/// Words that name a level, not a place: "savar union", "ঢাকা বিভাগ".
const LEVEL_WORDS: &[(&str, AreaKind)] = &[
    ("division", AreaKind::Division),
    ("বিভাগ", AreaKind::Division),
    ("district", AreaKind::District),
    ("zila", AreaKind::District),
    ("zilla", AreaKind::District),
    ("jela", AreaKind::District),
    ("jila", AreaKind::District),
    ("জেলা", AreaKind::District),
    ("upazila", AreaKind::Upazila),
    ("upazilla", AreaKind::Upazila),
    ("upozila", AreaKind::Upazila),
    ("thana", AreaKind::Upazila),
    ("উপজেলা", AreaKind::Upazila),
    ("থানা", AreaKind::Upazila),
    ("union", AreaKind::Union),
    ("ইউনিয়ন", AreaKind::Union),
];

fn level_named(w: &Word) -> Option<AreaKind> {
    LEVEL_WORDS.iter().find_map(|(name, kind)| {
        let name = seba_search::normalize_word(name);
        (w.word == name || w.stem.as_ref() == Some(&name)).then_some(*kind)
    })
}

/// Areas matching `query`, best first, at most `limit`. Words naming a level keep only
/// areas of that level, unless the query has no other words.
pub(crate) fn search<'g>(
    geo: &'g Geography,
    index: &NameIndex,
    query: &str,
    limit: usize,
) -> Vec<crate::Area<'g>> {
    let (levels, mut query): (Vec<QueryWord>, Vec<QueryWord>) = query_words(query)
        .into_iter()
        .partition(|q| level_named(&q.word).is_some());
    let mut kinds: Vec<AreaKind> = levels.iter().filter_map(|q| level_named(&q.word)).collect();
    if query.is_empty() {
        query = levels;
        kinds.clear();
    }
    if query.is_empty() || limit == 0 {
        return Vec::new();
    }
    let mut ranked: Vec<(Rank, AreaId)> = index
        .by_area
        .keys()
        .filter(|area| kinds.is_empty() || kinds.contains(&area.kind()))
        .filter_map(|&area| rank(geo, index, area, &query).map(|r| (r, area)))
        .collect();
    ranked.sort_unstable();
    ranked
        .into_iter()
        .filter_map(|(_, id)| geo.area(id))
        .take(limit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        name_words(s).into_iter().map(|w| w.word).collect()
    }

    #[test]
    fn names_split_into_folded_words() {
        assert_eq!(words("Purbadair (East)"), ["purbadair", "east"]);
        assert_eq!(
            words("Hat-Pukuria Ghatlabag"),
            ["hat", "pukuria", "ghatlabag"]
        );
        assert_eq!(words("কুমিল্লা"), ["কুমিল্লা"]);
    }

    #[test]
    fn levels_from_word_to_skeleton() {
        let name = &name_words("Cumilla")[0];
        let q = |s: &str| query_words(s).remove(0).word;
        assert_eq!(q("CUMILLA").level(name), Some(Level::Word));
        assert_eq!(q("cumi").level(name), Some(Level::Prefix));
        assert_eq!(q("kumilla").level(name), Some(Level::Sound));
        assert_eq!(q("কুমিল্লা").level(name), Some(Level::Sound));
        assert_eq!(q("feni").level(name), None);
    }
}
