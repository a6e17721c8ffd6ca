//! Light stemming: strip Bengali case, plural, classifier and emphatic endings so that
//! "বিকাশের", "বিকাশে" and "বিকাশ" meet in the index.
//!
//! Bengali nouns take a small, regular set of endings (-এর/-র genitive, -কে objective,
//! -তে/-এ/-য় locative, -টি/-টা/-খানা classifiers, -গুলো/-গুলি/-দের/-রা plurals, -ও/-ই
//! emphatics), and they stack ("টাকাগুলোতেই"), so a suffix stripper that runs up to three
//! rounds covers most of what people type. What it must not do is eat roots: "ঘণ্টা" is
//! not "ঘণ্" + -টা, "সময়" is not "সম" + -য়, "আমরা" is not "আম" + -রা. The guards are
//!
//! * a minimum stem *measure* of two — letters (consonants and independent vowels) not
//!   inside a conjunct, so "ত্রু" counts one, "সিম" two;
//! * the letter before the suffix: -এর/-এ/-েরা only after a consonant, -র/-য় only after
//!   a vowel (the language's own alternation), never after a hasanta;
//! * -ও is not stripped after ি/ী (রেডিও, ভিডিও are loanwords, not "রেডি" + also), -ই only
//!   after a consonant (ভাই, সবাই, যাচাই end in -াই);
//! * -দের needs three syllables left, or two ending in a vowel other than া (ছেলেদের,
//!   ভাইদের): otherwise the দ is usually the root's and the ending is -এর (নগদের, সংবাদের);
//! * a short list of protected words (pronouns, কারখানা, জনগণ …).
//!
//! The stem is an index key, not a dictionary word: "দোকানদার" and "দোকানদারদের" both
//! become "দোকানদা". What matters is that inflected forms of one word agree and that
//! different words stay apart; `tests/stemming.rs` measures both on a judged set.
//!
//! Latin words get a deliberately timid treatment: Banglish endings ("bkasher", "agentke",
//! "takay") are stripped only when what remains is a lexicon word, and English plurals
//! only for words of five letters or more.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::lexicon;
use crate::normalize::{HASANTA, NUKTA, normalize_word};

const MIN_MEASURE: usize = 2;
const MAX_ROUNDS: usize = 3;

#[derive(Clone, Copy)]
enum After {
    /// Anything but a hasanta.
    Any,
    Consonant,
    Vowel,
    VowelSign,
    /// -ও: after a consonant or a vowel other than ি/ী.
    NotI,
    /// -দের: three syllables left, or two ending in a vowel other than া. Otherwise the দ
    /// is more likely the root's own (নগদের, সংবাদের, বিপদের = root + -এর).
    Plural,
}

const RULES: &[(&str, After)] = &[
    ("গুলো", After::Any),
    ("গুলি", After::Any),
    ("গুলা", After::Any),
    ("খানা", After::Any),
    ("খানি", After::Any),
    ("টুকু", After::Any),
    ("সমূহ", After::Any),
    ("দের", After::Plural),
    ("\u{09AF}\u{09BC}ের", After::Vowel), // -য়ের
    ("েরা", After::Consonant),
    ("তেই", After::Any),
    ("কেই", After::Any),
    ("ের", After::Consonant),
    ("রা", After::Any),
    ("কে", After::Any),
    ("তে", After::Any),
    ("টি", After::Any),
    ("টা", After::Any),
    ("েই", After::Consonant),
    ("\u{09AF}\u{09BC}", After::VowelSign), // -য়
    ("র", After::Vowel),
    ("ে", After::Consonant),
    ("ও", After::NotI),
    ("ই", After::Consonant),
];

const PROTECTED: &[&str] = &[
    "আমরা",
    "তোমরা",
    "তারা",
    "তাঁরা",
    "যারা",
    "কারা",
    "এরা",
    "ওরা",
    "আপনারা",
    "আমার",
    "তোমার",
    "তার",
    "তাঁর",
    "আপনার",
    "যার",
    "কার",
    "এর",
    "ওর",
    "আমাকে",
    "তোমাকে",
    "তাকে",
    "তাঁকে",
    "আপনাকে",
    "যাকে",
    "কাকে",
    "একে",
    "ওকে",
    "আমাদের",
    "তোমাদের",
    "তাদের",
    "আপনাদের",
    "যাদের",
    "কাদের",
    "এদের",
    "ওদের",
    "কেউ",
    "কারখানা",
    "চিড়িয়াখানা",
    "ডাকখানা",
    "জনগণ",
    "কিন্তু",
    "থেকে",
];

static PROTECTED_SET: LazyLock<HashSet<String>> =
    LazyLock::new(|| PROTECTED.iter().map(|w| normalize_word(w)).collect());

fn is_consonant(c: char) -> bool {
    matches!(c, '\u{0995}'..='\u{09B9}' | '\u{09CE}' | '\u{09DC}'..='\u{09DF}' | '\u{09F0}' | '\u{09F1}')
}

fn is_independent_vowel(c: char) -> bool {
    matches!(c, '\u{0985}'..='\u{0994}' | '\u{09E0}' | '\u{09E1}')
}

fn is_vowel_sign(c: char) -> bool {
    matches!(
        c,
        '\u{09BE}'..='\u{09CC}' | '\u{09D7}' | '\u{09E2}' | '\u{09E3}'
    )
}

/// Letters not inside a conjunct: a rough count of syllables.
pub(crate) fn measure(word: &str) -> usize {
    let mut n = 0;
    let mut prev = '\0';
    for c in word.chars() {
        if (is_consonant(c) && prev != HASANTA) || is_independent_vowel(c) {
            n += 1;
        }
        prev = c;
    }
    n
}

fn allowed(stem: &str, after: After) -> bool {
    let Some(last) = stem.chars().next_back() else {
        return false;
    };
    if last == HASANTA || measure(stem) < MIN_MEASURE {
        return false;
    }
    // A nukta letter (ড + ়) counts as the consonant it sits on.
    let consonant = is_consonant(last) || last == NUKTA;
    let vowel_sign = is_vowel_sign(last);
    match after {
        After::Any => true,
        After::Consonant => consonant,
        After::Vowel => vowel_sign || is_independent_vowel(last),
        After::VowelSign => vowel_sign,
        After::NotI => {
            consonant || (vowel_sign && !matches!(last, 'ি' | 'ী')) || is_independent_vowel(last)
        }
        After::Plural => {
            measure(stem) >= 3 || (vowel_sign && last != 'া') || is_independent_vowel(last)
        }
    }
}

/// Stem a normalised Bengali word (see the module docs). Returns the word itself when no
/// rule applies.
pub fn stem_bengali(word: &str) -> String {
    let mut cur = word;
    for _ in 0..MAX_ROUNDS {
        if PROTECTED_SET.contains(cur) {
            break;
        }
        let next = RULES.iter().find_map(|&(suffix, after)| {
            cur.strip_suffix(suffix).filter(|stem| allowed(stem, after))
        });
        match next {
            Some(stem) => cur = stem,
            None => break,
        }
    }
    cur.to_string()
}

const BANGLISH_SUFFIXES: &[&str] = &[
    "gulo", "guli", "gula", "der", "ke", "te", "er", "ra", "re", "r", "e", "y", "o", "i",
];

/// Stem a normalised Latin word: Banglish endings only down to a lexicon word, English
/// plurals on longer words.
pub fn stem_latin(word: &str) -> String {
    if !word.bytes().all(|b| b.is_ascii_lowercase()) || lexicon::is_word(word) {
        return word.to_string();
    }
    for suffix in BANGLISH_SUFFIXES {
        if let Some(stem) = word.strip_suffix(suffix)
            && stem.len() >= 2
            && lexicon::is_word(stem)
        {
            return stem.to_string();
        }
    }
    if word.len() >= 5 {
        if let Some(stem) = word.strip_suffix("ies") {
            return format!("{stem}y");
        }
        let keeps_s = ["ss", "us", "is", "as", "os"]
            .iter()
            .any(|e| word.ends_with(e));
        if !keeps_s && let Some(stem) = word.strip_suffix('s') {
            return english_verb(stem);
        }
    }
    english_verb(word)
}

/// English verb endings on words long enough to carry them: "bounced", "bouncing" and
/// "bounce" all become "bounc", or a lexicon word where one fits ("charged" → "charge");
/// "blocked" "block"; "stopped" "stop". Both the word and this
/// stem are indexed, so a Banglish word it happens to shorten ("korbe" → "korb") still
/// matches as written.
fn english_verb(word: &str) -> String {
    let is_vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u');
    let cut = ["ing", "ed"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))
        .filter(|stem| stem.len() >= 3 && stem.bytes().any(is_vowel));
    let mut stem = match cut {
        Some(stem) => {
            let b = stem.as_bytes();
            let n = b.len();
            // "stopp" → "stop", but "fill", "miss" and "buzz" keep their pair.
            if n >= 2 && b[n - 1] == b[n - 2] && !is_vowel(b[n - 1]) && !b"lsz".contains(&b[n - 1])
            {
                stem[..n - 1].to_string()
            } else {
                stem.to_string()
            }
        }
        None => word.to_string(),
    };
    // Down to a lexicon word if there is one ("charged" → "charge").
    if lexicon::is_word(&stem) {
        return stem;
    }
    let with_e = format!("{stem}e");
    if lexicon::is_word(&with_e) {
        return with_e;
    }
    if stem.len() >= 5 && stem.ends_with('e') {
        stem.pop();
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(w: &str) -> String {
        stem_bengali(&normalize_word(w))
    }

    #[test]
    fn brief_examples() {
        assert_eq!(s("বিকাশের"), "বিকাশ");
        assert_eq!(s("অ্যাকাউন্টটি"), normalize_word("অ্যাকাউন্ট"));
        assert_eq!(s("এজেন্টকে"), "এজেন্ট");
        assert_eq!(s("টাকাগুলো"), "টাকা");
        assert_eq!(s("দোকানদারদের"), s("দোকানদার"));
    }

    #[test]
    fn stacked_endings() {
        assert_eq!(s("টাকাগুলোতেই"), "টাকা");
        assert_eq!(s("ফোনটাকে"), "ফোন");
        assert_eq!(s("বিকাশেই"), "বিকাশ");
        assert_eq!(s("ঢাকায়"), "ঢাকা");
        assert_eq!(s("ভাইয়ের"), "ভাই");
    }

    #[test]
    fn plural_der_or_root_d() {
        assert_eq!(s("নগদের"), "নগদ");
        assert_eq!(s("সংবাদের"), "সংবাদ");
        assert_eq!(s("গ্রাহকদের"), "গ্রাহক");
        assert_eq!(s("ছেলেদের"), s("ছেলে"));
        assert_eq!(s("ভাইদের"), "ভাই");
    }

    #[test]
    fn roots_survive() {
        for w in [
            "ঘণ্টা",
            "সময়",
            "আমরা",
            "কোটি",
            "মাটি",
            "ভাই",
            "রেডিও",
            "গুলি",
            "বার",
            "কারখানা",
        ] {
            assert_eq!(s(w), normalize_word(w), "{w}");
        }
    }

    #[test]
    fn measure_counts_syllables() {
        assert_eq!(measure("সিম"), 2);
        assert_eq!(measure("ত্রু"), 1);
        assert_eq!(measure("এজেন্ট"), 3);
    }

    #[test]
    fn latin() {
        assert_eq!(stem_latin("bkasher"), "bkash");
        assert_eq!(stem_latin("agentke"), "agent");
        assert_eq!(stem_latin("takay"), "taka");
        assert_eq!(stem_latin("refunds"), "refund");
        assert_eq!(stem_latin("deliveries"), "delivery");
        assert_eq!(stem_latin("address"), "address");
        assert_eq!(stem_latin("bus"), "bus");
        assert_eq!(stem_latin("number"), "number");
        assert_eq!(stem_latin("bikas"), "bikas");
        for w in ["charged", "charging", "charges"] {
            assert_eq!(stem_latin(w), stem_latin("charge"), "{w}");
        }
        for w in ["bounced", "bouncing", "bounces"] {
            assert_eq!(stem_latin(w), "bounc", "{w}");
        }
        assert_eq!(stem_latin("clicked"), "click");
        assert_eq!(stem_latin("stopped"), "stop");
        assert_eq!(stem_latin("submitted"), "submit");
        assert_eq!(stem_latin("missing"), "miss");
        assert_eq!(stem_latin("need"), "need");
        assert_eq!(stem_latin("red"), "red");
        assert_eq!(stem_latin("sing"), "sing");
    }
}
