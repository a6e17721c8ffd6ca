//! seba's text analyzer: what a complaint's words become in the search index, and what a
//! search box query becomes, for Bengali first and for the Latin-letter Banglish and
//! English that people mix into it.
//!
//! People write "বিকাশে ৫,০০০ টাকা পাঠাইছি, ভুল নাম্বারে গেছে" or "bkash e 5000 tk
//! send korsi wrong number e" about the same problem, and an agent searching for either
//! should find both. The [`index`] (tantivy) runs [`analyze`] on every text it stores, as its
//! `seba` tokenizer, and a search runs [`analyze_query`] on the query.
//!
//! # Pipeline
//!
//! 1. **Fold** ([`normalize`]): NFC; precomposed য় ড় ঢ় and their decomposed spellings
//!    become one (the decomposed form, which is what NFC keeps since they are composition
//!    exclusions); joiners and other invisible format characters are dropped; ত + ্ + ZWJ
//!    and a word-final ত্ become ৎ; অ + া becomes আ; Bengali digits become ASCII; letters
//!    are lowercased. Every folded character remembers its span in the input, so tokens
//!    carry byte offsets into the *original* text for highlighting.
//! 2. **Segment** (`segment`): Unicode word boundaries (UAX #29), then a split wherever the
//!    script or the letter/digit class changes ("বিকাশে৫০০০টাকা" → বিকাশে 5000 টাকা).
//! 3. **Numbers and phones** (`numbers`): amounts lose their thousands separators in
//!    Western or lakh grouping (৫,০০০ = 5,000 = 5000; 1,20,000 = 120000); any span that
//!    [`seba_core::contact::Msisdn::parse`] accepts — "017 1234 5678", "+88 01712-345678",
//!    "০১৭১২৩৪৫৬৭৮" — also yields `tel:01712345678`.
//! 4. **Per word**: the normalised word; its light stem ([`stem`]); lexicon concepts
//!    ([`lexicon`], `@bkash`); phonetic keys ([`phonetic`], `~bikas`, `~~bks`). Two- and
//!    three-word lexicon phrases ("cash out", "ভুল নম্বর") add their concept at the first
//!    word's position.
//!
//! Prefixes keep the kinds apart: no word can contain `@`, `~` or `:`, because segmentation
//! breaks on them.
//!
//! # Bounds
//!
//! [`analyze`] reads at most [`MAX_INPUT_BYTES`]; [`analyze_query`] at most
//! [`MAX_QUERY_BYTES`] and [`MAX_QUERY_WORDS`] words. Every step is linear in its input, a
//! term is never longer than [`MAX_TERM_BYTES`], and nothing panics on any string.
//!
//! # Known limits
//!
//! * Stemming is for nouns; verb forms (করব, করছি, করলাম) are not conflated, except where
//!   the lexicon lists them.
//! * Phonetic keys do not model medial schwa deletion, English spelling or loanword
//!   pronunciation; they create some false friends (see [`phonetic`]).
//! * The lexicon is a curated table: a brand or word it lacks matches across scripts only
//!   when the phonetic keys happen to agree.
//! * Case numbers are recognised only as a whole query, and only written with a dash or a
//!   leading `#` (a bare run of digits is more often an amount).

pub mod feed;
pub mod home;
pub mod index;
pub mod lexicon;
pub mod normalize;
mod numbers;
pub mod phonetic;
mod query;
mod segment;
pub mod stem;

use serde::{Deserialize, Serialize};

pub use normalize::normalize_word;
pub use query::{Alternative, QueryIntent, QueryTerm, analyze_query};
pub use segment::MAX_TERM_BYTES;

use segment::{Script, Word};

/// [`analyze`] looks at no more than this many bytes of a text.
pub const MAX_INPUT_BYTES: usize = 100 * 1024;
/// [`analyze_query`] looks at no more than this many bytes of a query.
pub const MAX_QUERY_BYTES: usize = 4 * 1024;
/// [`analyze_query`] keeps no more than this many words of a query.
pub const MAX_QUERY_WORDS: usize = 50;

/// Prefix of lexicon concept terms (`@bkash`).
pub const CONCEPT_PREFIX: &str = "@";
/// Prefix of full phonetic keys (`~bikas`).
pub const PHONETIC_PREFIX: &str = "~";
/// Prefix of phonetic skeletons (`~~bks`).
pub const SKELETON_PREFIX: &str = "~~";
/// Prefix of phone terms (`tel:01712345678`).
pub const PHONE_PREFIX: &str = "tel:";

/// What a term is, so the index can weight or filter it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// The normalised word.
    Word,
    /// A number with ASCII digits and no grouping separators.
    Number,
    /// `tel:` + the 11-digit national form of a Bangladeshi mobile number.
    Phone,
    /// The light stem, when it differs from the word.
    Stem,
    /// `@` + a lexicon concept key.
    Concept,
    /// `~` + the full phonetic key.
    Phonetic,
    /// `~~` + the phonetic skeleton.
    Skeleton,
}

impl TokenKind {
    /// The weight a query gives a match of this kind: the word as typed counts most, then
    /// its stem, then the meaning (concept), then the sound.
    pub fn query_weight(self) -> f32 {
        match self {
            TokenKind::Word | TokenKind::Number | TokenKind::Phone => 1.0,
            TokenKind::Stem => 0.8,
            TokenKind::Concept => 0.6,
            TokenKind::Phonetic => 0.4,
            TokenKind::Skeleton => 0.25,
        }
    }
}

/// One indexed term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub term: String,
    /// Word position; all terms derived from one word share it. Non-decreasing.
    pub position: u32,
    /// Byte offsets into the original text (always on character boundaries).
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

/// The phone term for an 11-digit national number.
pub fn phone_term(national: &str) -> String {
    format!("{PHONE_PREFIX}{national}")
}

/// Analyze a text for indexing (see the crate docs). Reads at most [`MAX_INPUT_BYTES`].
pub fn analyze(text: &str) -> Vec<Token> {
    let input = normalize::cap(text, MAX_INPUT_BYTES);
    let folded = normalize::fold(input);
    let words = segment::words(&folded.text, usize::MAX);
    let stems: Vec<String> = words.iter().map(stem_of).collect();
    let mut phones = numbers::find_phones(&folded.text).into_iter().peekable();
    let mut out = Vec::with_capacity(words.len() * 4);
    for (idx, w) in words.iter().enumerate() {
        let position = u32::try_from(idx).unwrap_or(u32::MAX);
        while let Some(p) = phones.next_if(|p| p.digits_start < w.end) {
            let (start, end) = folded.original(p.start, p.end);
            out.push(Token {
                term: phone_term(&p.national),
                position,
                start,
                end,
                kind: TokenKind::Phone,
            });
        }
        let (start, end) = folded.original(w.start, w.end);
        for (key, last) in phrase_concepts(&folded.text, &words, &stems, idx) {
            let end = words
                .get(last)
                .map_or(end, |l| folded.original(l.start, l.end).1);
            out.push(Token {
                term: format!("{CONCEPT_PREFIX}{key}"),
                position,
                start,
                end,
                kind: TokenKind::Concept,
            });
        }
        for (term, kind) in word_terms(w, &stems[idx]) {
            out.push(Token {
                term,
                position,
                start,
                end,
                kind,
            });
        }
    }
    out
}

pub(crate) fn stem_of(w: &Word) -> String {
    if w.truncated {
        return w.norm.clone();
    }
    match w.script {
        Script::Bengali => stem::stem_bengali(&w.norm),
        Script::Other => stem::stem_latin(&w.norm),
        Script::Number | Script::Symbol => w.norm.clone(),
    }
}

/// Every term one word yields, deduplicated, most specific first.
pub(crate) fn word_terms(w: &Word, stem: &str) -> Vec<(String, TokenKind)> {
    let mut out: Vec<(String, TokenKind)> = Vec::with_capacity(8);
    let mut add = |term: String, kind: TokenKind| {
        if !out.iter().any(|(t, _)| *t == term) {
            out.push((term, kind));
        }
    };
    match w.script {
        Script::Number => add(w.norm.clone(), TokenKind::Number),
        Script::Symbol => {
            add(w.norm.clone(), TokenKind::Word);
            for key in lexicon::lookup(&w.norm) {
                add(format!("{CONCEPT_PREFIX}{key}"), TokenKind::Concept);
            }
        }
        Script::Bengali | Script::Other => {
            add(w.norm.clone(), TokenKind::Word);
            if w.truncated || w.norm.is_empty() {
                return out;
            }
            if stem != w.norm {
                add(stem.to_string(), TokenKind::Stem);
            }
            for form in [w.norm.as_str(), stem] {
                for key in lexicon::lookup(form) {
                    add(format!("{CONCEPT_PREFIX}{key}"), TokenKind::Concept);
                }
            }
            for form in [w.norm.as_str(), stem] {
                if let Some(k) = phonetic::keys(form) {
                    add(format!("{PHONETIC_PREFIX}{}", k.full), TokenKind::Phonetic);
                    if let Some(s) = k.skeleton {
                        add(format!("{SKELETON_PREFIX}{s}"), TokenKind::Skeleton);
                    }
                }
            }
        }
    }
    out
}

/// Characters allowed between the words of a lexicon phrase ("cash out", "e-orange").
fn phrase_gap(text: &str, a: &Word, b: &Word) -> bool {
    text.get(a.end..b.start).is_some_and(|g| {
        g.len() <= 16
            && g.chars()
                .all(|c| c.is_whitespace() || matches!(c, '-' | '_' | '/' | '‐' | '–'))
    })
}

/// Lexicon phrases starting at word `idx`: (concept key, index of the phrase's last word).
pub(crate) fn phrase_concepts(
    text: &str,
    words: &[Word],
    stems: &[String],
    idx: usize,
) -> Vec<(&'static str, usize)> {
    let mut found = Vec::new();
    let mut joined = String::new();
    for last in idx..words.len().min(idx + lexicon::MAX_PHRASE_WORDS) {
        let w = &words[last];
        if w.truncated || !matches!(w.script, Script::Bengali | Script::Other) {
            break;
        }
        if last > idx {
            if !phrase_gap(text, &words[last - 1], w) {
                break;
            }
            for form in [w.norm.as_str(), stems[last].as_str()] {
                let key = format!("{joined} {form}");
                for concept in lexicon::lookup(&key) {
                    if !found.iter().any(|(c, _)| c == concept) {
                        found.push((*concept, last));
                    }
                }
            }
            joined.push(' ');
        }
        joined.push_str(&w.norm);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        analyze(text).into_iter().map(|t| t.term).collect()
    }

    fn has(text: &str, term: &str) -> bool {
        terms(text).iter().any(|t| t == term)
    }

    #[test]
    fn word_yields_all_its_terms() {
        let t = analyze("বিকাশের");
        let kinds: Vec<(&str, TokenKind)> = t.iter().map(|t| (t.term.as_str(), t.kind)).collect();
        assert!(kinds.contains(&("বিকাশের", TokenKind::Word)));
        assert!(kinds.contains(&("বিকাশ", TokenKind::Stem)));
        assert!(kinds.contains(&("@bkash", TokenKind::Concept)));
        assert!(kinds.contains(&("~~bks", TokenKind::Skeleton)));
        assert!(
            t.iter()
                .all(|t| t.position == 0 && (t.start, t.end) == (0, "বিকাশের".len()))
        );
    }

    #[test]
    fn nukta_and_joiners_index_alike() {
        assert_eq!(terms("টাকা\u{09DF}"), terms("টাকা\u{09AF}\u{09BC}"));
        assert_eq!(terms("বি\u{200D}কা\u{200C}শ"), terms("বিকাশ"));
        assert_eq!(terms("হঠাত্\u{200D}"), terms("হঠাৎ"));
    }

    #[test]
    fn digits_as_one() {
        assert_eq!(terms("৫০০০"), terms("5000"));
        assert_eq!(terms("৫,০০০"), ["5000"]);
        assert_eq!(terms("1,20,000"), ["120000"]);
        assert_eq!(terms("১,২০,০০০"), ["120000"]);
    }

    #[test]
    fn phones_in_five_forms() {
        for text in [
            "01712345678",
            "+8801712345678",
            "8801712345678",
            "০১৭১২৩৪৫৬৭৮",
            "017 1234 5678",
            "+৮৮০ ১৭১২-৩৪৫৬৭৮",
            "নম্বর: ০১৭১২-৩৪৫৬৭৮ তে কল দিন",
        ] {
            assert!(has(text, "tel:01712345678"), "{text}: {:?}", terms(text));
        }
    }

    #[test]
    fn phone_token_spans_the_written_number() {
        let text = "কল: +88 017 1234 5678 এ";
        let t = analyze(text);
        let phone = t.iter().find(|t| t.kind == TokenKind::Phone).unwrap();
        assert_eq!(&text[phone.start..phone.end], "+88 017 1234 5678");
        assert_eq!(phone.position, 1);
    }

    #[test]
    fn segmentation_of_glued_and_mixed_text() {
        let t = analyze("বিকাশে৫০০০টাকা");
        let words: Vec<(&str, u32)> = t
            .iter()
            .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number))
            .map(|t| (t.term.as_str(), t.position))
            .collect();
        assert_eq!(words, [("বিকাশে", 0), ("5000", 1), ("টাকা", 2)]);
        assert!(has("বিকাশে৫০০০টাকা", "@bkash"));
        assert!(has("বিকাশে৫০০০টাকা", "@money"));

        let text = "bkash-এ 500 টাকা";
        let t = analyze(text);
        let words: Vec<&str> = t
            .iter()
            .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number))
            .map(|t| &text[t.start..t.end])
            .collect();
        assert_eq!(words, ["bkash", "এ", "500", "টাকা"]);
    }

    #[test]
    fn latin_is_lowercased() {
        assert!(has("BKash", "bkash"));
        assert!(has("NAGAD", "@nagad"));
    }

    #[test]
    fn phrases_from_either_script() {
        assert!(has("ক্যাশ আউট করতে পারছি না", "@cash_out"));
        assert!(has("cash-out", "@cash_out"));
        assert!(has("ভুল নম্বরে টাকা গেছে", "@wrong_number"));
        assert!(has("Alesha Mart", "@alesha_mart"));
        assert!(!has("cash. out", "@cash_out"));
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "আমার ব\u{09DF}স ২৫, BKash-এ \u{200D}৫,০০০৳";
        for t in analyze(text) {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            assert!(t.start < t.end, "{t:?}");
        }
        let five = analyze(text)
            .into_iter()
            .find(|t| t.term == "5000")
            .unwrap();
        assert_eq!(&text[five.start..five.end], "৫,০০০");
    }

    #[test]
    fn taka_sign() {
        assert!(has("৳৫০০", "@money"));
        assert!(has("৳৫০০", "500"));
    }

    #[test]
    fn input_is_capped() {
        let long = "টাকা ".repeat(MAX_INPUT_BYTES / 5);
        let t = analyze(&long);
        assert!(t.iter().all(|t| t.end <= MAX_INPUT_BYTES));
        assert!(analyze("").is_empty());
    }
}
