//! Character folding that keeps a map back to the caller's bytes.
//!
//! The same Bengali word reaches us in several byte sequences: precomposed or decomposed
//! nukta letters, khanda ta typed the Unicode 4.0 way (ত + ্ + ZWJ), joiners left by
//! keyboards, Bengali or ASCII digits. Search must treat them as one, yet the index has to
//! highlight the words in the text as it was written, so every folded character remembers
//! the span of the original it came from.
//!
//! Folding happens in two steps: `fold` works character by character over the whole text
//! (so segmentation sees clean input), and `finish_word` applies NFC and the word-final
//! rules to each word once segmentation has found it. Segmentation never splits a base
//! letter from its combining marks, so per-word NFC gives the same result as whole-text NFC.

use unicode_normalization::UnicodeNormalization;

pub(crate) const NUKTA: char = '\u{09BC}';
pub(crate) const HASANTA: char = '\u{09CD}';
const ZWJ: char = '\u{200D}';
const TA: char = '\u{09A4}';
const KHANDA_TA: char = '\u{09CE}';
const A: char = '\u{0985}';
const AA: char = '\u{0986}';
const AA_SIGN: char = '\u{09BE}';

/// Where one folded character came from.
#[derive(Clone, Copy, Debug)]
struct CharMap {
    /// Byte offset of the folded character in [`Folded::text`].
    at: u32,
    /// Original span (start, end) in the caller's text.
    start: u32,
    end: u32,
}

/// Folded text plus the way back to the original bytes.
#[derive(Debug)]
pub(crate) struct Folded {
    pub text: String,
    map: Vec<CharMap>,
}

impl Folded {
    /// The original byte span covering the folded range `start..end` (both on folded char
    /// boundaries, `start < end`). Falls back to an empty span at 0 instead of panicking if
    /// asked about a range it never produced.
    pub fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.map.partition_point(|m| (m.at as usize) < start);
        let last = self.map.partition_point(|m| (m.at as usize) < end);
        match (
            self.map.get(first),
            last.checked_sub(1).and_then(|i| self.map.get(i)),
        ) {
            (Some(a), Some(b)) if first < last => (a.start as usize, b.end as usize),
            _ => (0, 0),
        }
    }
}

/// Characters that change nothing on screen but split or disguise words: joiners, bidi
/// controls, soft hyphen, variation selectors, byte-order mark, tag characters.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

struct Builder {
    text: String,
    map: Vec<CharMap>,
}

impl Builder {
    fn push(&mut self, c: char, start: usize, end: usize) {
        // Inputs are capped far below 4 GiB before they get here; saturate rather than wrap.
        let at = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.map.push(CharMap {
            at,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        });
        self.text.push(c);
    }

    fn last_chars(&self, n: usize) -> impl Iterator<Item = char> + '_ {
        self.text.chars().rev().take(n)
    }

    /// Drop the last `n` folded characters and return the original start of the first one.
    fn pop(&mut self, n: usize) -> Option<usize> {
        let keep = self.map.len().checked_sub(n)?;
        let first = self.map.get(keep)?;
        let (at, start) = (first.at as usize, first.start as usize);
        self.map.truncate(keep);
        self.text.truncate(at);
        Some(start)
    }
}

/// Fold a whole text character by character; see the module docs for what is folded.
pub(crate) fn fold(input: &str) -> Folded {
    let mut b = Builder {
        text: String::with_capacity(input.len() + input.len() / 8),
        map: Vec::with_capacity(input.len()),
    };
    for (i, c) in input.char_indices() {
        let end = i + c.len_utf8();
        match c {
            ZWJ => {
                // ত + ্ + ZWJ is how khanda ta was encoded before U+09CE existed; old
                // keyboards still produce it.
                let tail: Vec<char> = b.last_chars(2).collect();
                if tail == [HASANTA, TA]
                    && let Some(start) = b.pop(2)
                {
                    b.push(KHANDA_TA, start, end);
                }
            }
            '\u{200B}' => b.push(' ', i, end),
            c if is_invisible(c) => {}
            c if c.is_control() => b.push(' ', i, end),
            // য় ড় ঢ় are composition exclusions: NFC keeps them decomposed, so the
            // decomposed form is the one that survives any later normalisation.
            '\u{09DC}' => {
                b.push('\u{09A1}', i, end);
                b.push(NUKTA, i, end);
            }
            '\u{09DD}' => {
                b.push('\u{09A2}', i, end);
                b.push(NUKTA, i, end);
            }
            '\u{09DF}' => {
                b.push('\u{09AF}', i, end);
                b.push(NUKTA, i, end);
            }
            '\u{09E6}'..='\u{09EF}' => {
                let d = char::from_u32(c as u32 - 0x09E6 + u32::from(b'0')).unwrap_or('0');
                b.push(d, i, end);
            }
            // অ + া looks exactly like আ and some keyboards produce it.
            AA_SIGN if b.text.ends_with(A) => {
                if let Some(start) = b.pop(1) {
                    b.push(AA, start, end);
                }
            }
            c if c.is_ascii() => b.push(c.to_ascii_lowercase(), i, end),
            c if c.is_uppercase() => {
                for l in c.to_lowercase() {
                    b.push(l, i, end);
                }
            }
            c => b.push(c, i, end),
        }
    }
    Folded {
        text: b.text,
        map: b.map,
    }
}

/// NFC plus the rules that only make sense at word level: a word-final ত + ্ is how many
/// people type ৎ (it renders almost the same).
pub(crate) fn finish_word(word: &str) -> String {
    let mut s: String = word.nfc().collect();
    if s.ends_with(HASANTA) {
        let without = &s[..s.len() - HASANTA.len_utf8()];
        if without.ends_with(TA) {
            let keep = without.len() - TA.len_utf8();
            s.truncate(keep);
            s.push(KHANDA_TA);
        }
    }
    s
}

/// The normalised form of a single word or short phrase, exactly as the analyzer would
/// index it (without segmentation): folding, NFC and word-final rules.
pub fn normalize_word(word: &str) -> String {
    finish_word(&fold(word).text)
}

/// Cut `text` to at most `max` bytes, on a character boundary.
pub(crate) fn cap(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nukta_both_ways_fold_to_decomposed() {
        for (pre, de) in [
            ("\u{09DF}", "\u{09AF}\u{09BC}"),
            ("\u{09DC}", "\u{09A1}\u{09BC}"),
            ("\u{09DD}", "\u{09A2}\u{09BC}"),
        ] {
            assert_eq!(normalize_word(pre), de);
            assert_eq!(normalize_word(de), de);
        }
        // টাকায় typed with precomposed য় and with য + ়
        assert_eq!(
            normalize_word("টাকা\u{09DF}"),
            normalize_word("টাকা\u{09AF}\u{09BC}")
        );
        // পড়া (read) both ways
        assert_eq!(
            normalize_word("প\u{09DC}া"),
            normalize_word("প\u{09A1}\u{09BC}া")
        );
    }

    #[test]
    fn joiners_and_invisibles_vanish() {
        assert_eq!(normalize_word("বি\u{200C}কাশ"), "বিকাশ");
        assert_eq!(normalize_word("বি\u{200D}কাশ"), "বিকাশ");
        assert_eq!(normalize_word("\u{FEFF}বিকাশ\u{00AD}"), "বিকাশ");
        assert_eq!(normalize_word("b\u{200E}kash\u{FE0F}"), "bkash");
        // র‍্যাব: ZWJ only forces the ya-phala shape, the word is the same
        assert_eq!(normalize_word("র\u{200D}্যাব"), normalize_word("র্যাব"));
    }

    #[test]
    fn khanda_ta_variants() {
        let canonical = "হঠাৎ";
        assert_eq!(normalize_word("হঠাত\u{09CD}\u{200D}"), canonical);
        assert_eq!(normalize_word("হঠাত\u{09CD}"), canonical);
        assert_eq!(normalize_word("হঠাত\u{09CD}\u{200C}"), canonical);
        assert_eq!(normalize_word("বিদ্যুত্‍"), "বিদ্যুৎ");
        // a medial ত্ in a conjunct is left alone
        assert_eq!(normalize_word("উত্তর"), "উত্তর");
    }

    #[test]
    fn vowel_visual_variants() {
        // ো typed as ে + া, ৌ as ে + ৗ: NFC composes them.
        assert_eq!(normalize_word("ক\u{09C7}\u{09BE}ন"), "কোন");
        assert_eq!(normalize_word("ম\u{09C7}\u{09D7}"), "মৌ");
        // অ + া
        assert_eq!(normalize_word("অ\u{09BE}মি"), "আমি");
    }

    #[test]
    fn digits_and_case() {
        assert_eq!(normalize_word("৫০০০"), "5000");
        assert_eq!(normalize_word("BKash"), "bkash");
        assert_eq!(normalize_word("ÉVALY"), "évaly");
    }

    #[test]
    fn offsets_map_back() {
        let input = "ক\u{09DF}\u{200D}৫";
        let f = fold(input);
        assert_eq!(f.text, "ক\u{09AF}\u{09BC}5");
        let (s, e) = f.original(0, f.text.len());
        assert_eq!((s, e), (0, input.len()));
        let five = f.text.len() - 1;
        assert_eq!(
            f.original(five, f.text.len()),
            (input.len() - 3, input.len())
        );
    }

    #[test]
    fn cap_on_char_boundary() {
        assert_eq!(cap("বিকাশ", 4), "ব");
        assert_eq!(cap("abc", 10), "abc");
        assert_eq!(cap("বিকাশ", 0), "");
    }
}
