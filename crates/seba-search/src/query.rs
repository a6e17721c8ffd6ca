//! What a search box query becomes: for each word, the terms that may stand for it (an OR
//! group, each alternative weighted), and whether the whole query is a phone number or a
//! case number, which the caller should look up directly.
//!
//! The word exactly as normalised weighs most, then its stem, then lexicon concepts, then
//! phonetic keys (see [`TokenKind::query_weight`]): a Bengali query for "বিকাশ" ranks
//! documents that say বিকাশ above those that say "bkash", but finds both.

use serde::{Deserialize, Serialize};

use seba_core::contact::Msisdn;
use seba_core::ids::CaseNumber;

use crate::normalize::{cap, fold};
use crate::{
    MAX_QUERY_BYTES, MAX_QUERY_WORDS, TokenKind, numbers, phone_term, phrase_concepts, segment,
    stem_of, word_terms,
};

/// One term that may stand for a query word.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    pub term: String,
    pub weight: f32,
    pub kind: TokenKind,
}

/// One query word (or a phone number written over several words) and its OR group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryTerm {
    /// The word as typed.
    pub text: String,
    /// Word position in the query, comparable with [`crate::Token::position`] for phrases.
    pub position: u32,
    /// Highest weight first.
    pub alternatives: Vec<Alternative>,
    /// A function word ("to", "আমার", "theke"): documents need not match it, it only
    /// raises those that do. Never set on every word of a query.
    #[serde(default)]
    pub optional: bool,
}

/// A query, understood.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QueryIntent {
    /// The whole query is a Bangladeshi mobile number: its 11-digit national form.
    pub phone: Option<String>,
    /// The whole query is a case number (written with a dash or a leading `#`): the case id.
    pub case_number: Option<i64>,
    /// One entry per query word; empty for an empty query.
    pub terms: Vec<QueryTerm>,
}

/// A bare run of seven digits is more often an amount than a case number; a case number
/// read out from a receipt keeps its dash ("1000-013") or is marked with `#`.
fn looks_like_case_number(q: &str) -> bool {
    q.starts_with('#') || q.contains(['-', '\u{2011}', '\u{2013}'])
}

/// Analyze a search query. Reads at most [`MAX_QUERY_BYTES`] and [`MAX_QUERY_WORDS`] words.
pub fn analyze_query(text: &str) -> QueryIntent {
    let input = cap(text, MAX_QUERY_BYTES);
    let whole = input.trim();
    let phone = Msisdn::parse(whole).ok().map(|m| m.national());
    let case_number = if phone.is_none() && looks_like_case_number(whole) {
        CaseNumber::parse(whole).ok().map(|n| n.id().0)
    } else {
        None
    };

    let folded = fold(input);
    let words = segment::words(&folded.text, MAX_QUERY_WORDS);
    let stems: Vec<String> = words.iter().map(stem_of).collect();
    let mut phrase: Vec<Vec<&'static str>> = vec![Vec::new(); words.len()];
    for idx in 0..words.len() {
        for (key, last) in phrase_concepts(&folded.text, &words, &stems, idx) {
            for slot in phrase.iter_mut().take(last + 1).skip(idx) {
                if !slot.contains(&key) {
                    slot.push(key);
                }
            }
        }
    }

    let original = |s: usize, e: usize| {
        let (s, e) = folded.original(s, e);
        input.get(s..e).unwrap_or_default().to_string()
    };
    let mut phones = numbers::find_phones(&folded.text).into_iter().peekable();
    let mut covered_until = 0;
    let mut terms = Vec::with_capacity(words.len());
    for (idx, w) in words.iter().enumerate() {
        let position = u32::try_from(idx).unwrap_or(u32::MAX);
        let mut took_phone = false;
        while let Some(p) = phones.next_if(|p| p.digits_start < w.end) {
            covered_until = covered_until.max(p.end);
            took_phone = true;
            terms.push(QueryTerm {
                text: original(p.start, p.end),
                position,
                alternatives: vec![Alternative {
                    term: phone_term(&p.national),
                    weight: TokenKind::Phone.query_weight(),
                    kind: TokenKind::Phone,
                }],
                optional: false,
            });
        }
        // The digit groups of a phone are searched as the phone, not one by one.
        if took_phone || w.start < covered_until {
            continue;
        }
        let mut alternatives: Vec<Alternative> = word_terms(w, &stems[idx])
            .into_iter()
            .map(|(term, kind)| Alternative {
                term,
                weight: kind.query_weight(),
                kind,
            })
            .collect();
        for key in &phrase[idx] {
            let term = format!("{}{key}", crate::CONCEPT_PREFIX);
            if !alternatives.iter().any(|a| a.term == term) {
                alternatives.push(Alternative {
                    term,
                    weight: TokenKind::Concept.query_weight(),
                    kind: TokenKind::Concept,
                });
            }
        }
        // A word the lexicon knows is found across scripts and spellings through its
        // concept; its sound keys would add little but false friends, and they are the
        // longest posting lists to walk.
        if alternatives.iter().any(|a| a.kind == TokenKind::Concept) {
            alternatives.retain(|a| !matches!(a.kind, TokenKind::Phonetic | TokenKind::Skeleton));
        }
        alternatives.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        terms.push(QueryTerm {
            text: original(w.start, w.end),
            position,
            alternatives,
            // A word inside a lexicon phrase ("cash out") carries the phrase's meaning.
            optional: phrase[idx].is_empty() && crate::lexicon::is_stop_word(&w.norm),
        });
    }
    // A query of function words only ("to be or not") still asks for them.
    if terms.iter().all(|t| t.optional) {
        for t in &mut terms {
            t.optional = false;
        }
    }
    QueryIntent {
        phone,
        case_number,
        terms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seba_core::ids::CaseId;

    fn alts(q: &str) -> Vec<Vec<(String, f32)>> {
        analyze_query(q)
            .terms
            .into_iter()
            .map(|t| {
                t.alternatives
                    .into_iter()
                    .map(|a| (a.term, a.weight))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn exact_word_first_then_stem_concept_sound() {
        let a = alts("বিকাশের");
        assert_eq!(a.len(), 1);
        let terms: Vec<&str> = a[0].iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(terms[0], "বিকাশের");
        assert_eq!(terms[1], "বিকাশ");
        assert!(terms.contains(&"@bkash"));
        // The lexicon covers it across scripts: no sound keys.
        assert!(!terms.iter().any(|t| t.starts_with('~')), "{terms:?}");
        let weights: Vec<f32> = a[0].iter().map(|(_, w)| *w).collect();
        assert!(weights.windows(2).all(|w| w[0] >= w[1]));

        // A word the lexicon lacks is matched by sound.
        let a = alts("পাঠাইছি");
        let terms: Vec<&str> = a[0].iter().map(|(t, _)| t.as_str()).collect();
        assert!(terms.iter().any(|t| t.starts_with("~~")), "{terms:?}");
        assert!(
            terms
                .iter()
                .any(|t| t.starts_with('~') && !t.starts_with("~~"))
        );
    }

    #[test]
    fn whole_query_phone() {
        for q in [
            "01712345678",
            " +880 1712-345678 ",
            "০১৭১২৩৪৫৬৭৮",
            "017 1234 5678",
        ] {
            let i = analyze_query(q);
            assert_eq!(i.phone.as_deref(), Some("01712345678"), "{q}");
            assert_eq!(i.case_number, None);
            assert_eq!(i.terms.len(), 1, "{q}: {:?}", i.terms);
            assert_eq!(i.terms[0].alternatives[0].term, "tel:01712345678");
        }
    }

    #[test]
    fn phone_inside_a_longer_query() {
        let i = analyze_query("bkash 017 1234 5678 refund");
        assert_eq!(i.phone, None);
        let texts: Vec<&str> = i.terms.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["bkash", "017 1234 5678", "refund"]);
    }

    #[test]
    fn whole_query_case_number() {
        let n = CaseNumber::from_id(CaseId(4711));
        let shown = n.to_string();
        assert!(shown.contains('-'));
        assert_eq!(analyze_query(&shown).case_number, Some(4711));
        let bn = seba_core::text::bengali_digits(&shown);
        assert_eq!(analyze_query(&bn).case_number, Some(4711));
        assert_eq!(
            analyze_query(&format!("#{}", n.digits())).case_number,
            Some(4711)
        );
        // digits alone: an amount as far as we know
        assert_eq!(analyze_query(&n.digits()).case_number, None);
        // a mistyped check digit is not a case
        let mut bad = shown.clone();
        let last = bad.pop().and_then(|c| c.to_digit(10)).unwrap_or(0);
        bad.push(char::from_digit((last + 1) % 10, 10).unwrap_or('0'));
        assert_eq!(analyze_query(&bad).case_number, None);
    }

    #[test]
    fn phrase_concept_on_every_word() {
        let a = alts("wrong number");
        assert_eq!(a.len(), 2);
        for group in &a {
            assert!(group.iter().any(|(t, _)| t == "@wrong_number"), "{group:?}");
        }
    }

    #[test]
    fn function_words_are_optional() {
        let i = analyze_query("sent money to my wrong number");
        let optional: Vec<(&str, bool)> = i
            .terms
            .iter()
            .map(|t| (t.text.as_str(), t.optional))
            .collect();
        assert_eq!(
            optional,
            [
                ("sent", false),
                ("money", false),
                ("to", true),
                ("my", true),
                ("wrong", false),
                ("number", false)
            ]
        );
        let i = analyze_query("আমার টাকা থেকে");
        assert!(i.terms[0].optional && !i.terms[1].optional && i.terms[2].optional);
        // Only function words: all required.
        assert!(
            analyze_query("to be or not")
                .terms
                .iter()
                .all(|t| !t.optional)
        );
    }

    #[test]
    fn word_limit() {
        let q = "টাকা ".repeat(200);
        assert_eq!(analyze_query(&q).terms.len(), MAX_QUERY_WORDS);
        assert_eq!(analyze_query("").terms.len(), 0);
        assert_eq!(analyze_query("  ,,, ").terms.len(), 0);
    }
}
