//! Finding words: Unicode word boundaries (UAX #29), then a split wherever the script or
//! the letter/digit class changes.
//!
//! UAX #29 alone is not enough for the way people type complaints: it keeps letters and
//! digits of any script together, so "বিকাশে৫০০০টাকা" or "tk500" would be one word, and
//! it keeps "bkashএ" together because both are letters. Splitting at class changes gives
//! "বিকাশে" "5000" "টাকা". Inside a run of digits, commas and dots between two digits are
//! kept so that amounts ("1,20,000", "500.50") reach the number rules whole.

use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

use crate::normalize::finish_word;
use crate::numbers;

/// Longest term the analyzer emits. Longer "words" (pasted URLs, base64, keyboard mashing)
/// are cut here and get no derived terms, so one giant token cannot bloat the index.
pub const MAX_TERM_BYTES: usize = 120;

/// The taka sign, indexed as a word of its own so that "৳500" finds "500 টাকা".
pub(crate) const TAKA_SIGN: char = '\u{09F3}';

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Script {
    Bengali,
    /// Latin and every other script: only ASCII-lettered words get phonetic keys.
    Other,
    Number,
    Symbol,
}

/// One word, with its span in the folded text and its normalised form.
#[derive(Clone, Debug)]
pub(crate) struct Word {
    pub start: usize,
    pub end: usize,
    pub script: Script,
    pub norm: String,
    /// The normalised form was cut at [`MAX_TERM_BYTES`].
    pub truncated: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Bengali,
    Other,
    Digit,
}

fn class_of(c: char) -> Option<Class> {
    match c {
        '0'..='9' => Some(Class::Digit),
        TAKA_SIGN => None,
        '\u{0980}'..='\u{09FF}' => Some(Class::Bengali),
        c if c.is_alphanumeric() => Some(Class::Other),
        _ => None,
    }
}

/// Words of a folded text, in order, at most `limit` of them.
pub(crate) fn words(text: &str, limit: usize) -> Vec<Word> {
    let mut out = Vec::new();
    for (base, seg) in text.split_word_bound_indices() {
        if out.len() >= limit {
            break;
        }
        if seg.chars().any(|c| c == TAKA_SIGN) {
            // UAX #29 gives the sign a segment of its own (it is a symbol).
            for (i, c) in seg.char_indices() {
                if c == TAKA_SIGN {
                    push(
                        &mut out,
                        text,
                        base + i,
                        base + i + c.len_utf8(),
                        Script::Symbol,
                    );
                }
            }
            continue;
        }
        if !seg.chars().any(|c| c.is_alphanumeric()) {
            continue;
        }
        split_runs(text, base, seg, &mut out);
    }
    out.truncate(limit);
    out
}

fn split_runs(text: &str, base: usize, seg: &str, out: &mut Vec<Word>) {
    let mut run: Option<(Class, usize)> = None;
    let mut chars = seg.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = base + i;
        let next_is_digit = chars.peek().is_some_and(|&(_, n)| n.is_ascii_digit());
        if is_combining_mark(c) {
            // A mark belongs to the letter before it. One that follows a digit or nothing
            // has no letter: it is dropped, so that a word never starts with a mark (the
            // same word typed alone would segment differently).
            if let Some((Class::Digit, s)) = run {
                emit(text, s, at, Class::Digit, out);
                run = None;
            }
            continue;
        }
        match class_of(c) {
            Some(cl) => match run {
                Some((cur, _)) if cur == cl => {}
                Some((cur, s)) => {
                    emit(text, s, at, cur, out);
                    run = Some((cl, at));
                }
                None => run = Some((cl, at)),
            },
            None if matches!(c, ',' | '.') && next_is_digit => {
                if let Some((cur, s)) = run
                    && cur != Class::Digit
                {
                    emit(text, s, at, cur, out);
                    run = None;
                }
            }
            None => {
                if let Some((cur, s)) = run.take() {
                    emit(text, s, at, cur, out);
                }
            }
        }
    }
    if let Some((cur, s)) = run {
        emit(text, s, base + seg.len(), cur, out);
    }
}

fn emit(text: &str, start: usize, end: usize, class: Class, out: &mut Vec<Word>) {
    match class {
        Class::Digit => {
            let Some(run) = text.get(start..end) else {
                return;
            };
            for piece in numbers::split_number(run) {
                out.push(Word {
                    start: start + piece.start,
                    end: start + piece.end,
                    script: Script::Number,
                    truncated: piece.value.len() > MAX_TERM_BYTES,
                    norm: truncate(piece.value),
                });
            }
        }
        Class::Bengali => push(out, text, start, end, Script::Bengali),
        Class::Other => push(out, text, start, end, Script::Other),
    }
}

fn push(out: &mut Vec<Word>, text: &str, start: usize, end: usize, script: Script) {
    let Some(slice) = text.get(start..end) else {
        return;
    };
    // NFC of a huge run is linear but pointless: only the first MAX_TERM_BYTES survive.
    let head = crate::normalize::cap(slice, MAX_TERM_BYTES * 4);
    let norm = finish_word(head);
    let truncated = norm.len() > MAX_TERM_BYTES || head.len() < slice.len();
    out.push(Word {
        start,
        end,
        script,
        norm: truncate(norm),
        truncated,
    });
}

fn truncate(mut s: String) -> String {
    if s.len() > MAX_TERM_BYTES {
        let keep = crate::normalize::cap(&s, MAX_TERM_BYTES).len();
        s.truncate(keep);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold;

    fn norms(s: &str) -> Vec<String> {
        let f = fold(s);
        words(&f.text, usize::MAX)
            .into_iter()
            .map(|w| w.norm)
            .collect()
    }

    #[test]
    fn glued_bengali_digits_and_words() {
        assert_eq!(norms("বিকাশে৫০০০টাকা"), ["বিকাশে", "5000", "টাকা"]);
        assert_eq!(norms("bkash-এ 500 টাকা"), ["bkash", "এ", "500", "টাকা"]);
        assert_eq!(norms("bkashএ tk500"), ["bkash", "এ", "tk", "500"]);
    }

    #[test]
    fn sentence_with_danda_and_quotes() {
        assert_eq!(
            norms("আমার \"বিকাশ\" অ্যাকাউন্ট বন্ধ। কেন?"),
            ["আমার", "বিকাশ", "অ্যাকাউন্ট", "বন্ধ", "কেন"]
        );
    }

    #[test]
    fn amounts_stay_whole() {
        assert_eq!(norms("৫,০০০ 5,000 1,20,000"), ["5000", "5000", "120000"]);
        assert_eq!(norms("500.50 tk"), ["500.5", "tk"]);
        assert_eq!(norms("a.b daraz.com.bd"), ["a", "b", "daraz", "com", "bd"]);
    }

    #[test]
    fn taka_sign_is_a_word() {
        assert_eq!(norms("৳৫০০"), ["৳", "500"]);
    }

    #[test]
    fn marks_without_a_letter_are_dropped() {
        assert!(norms("\u{09BF}").is_empty());
        assert_eq!(norms("০\u{0981}অ"), ["0", "অ"]);
        assert_eq!(norms("\u{0301}\u{09CD}\u{09BC}a\u{0301}"), ["\u{00E1}"]);
        assert_eq!(norms("কি\u{0301}"), ["কি\u{0301}"]);
    }

    #[test]
    fn huge_word_is_cut() {
        let long = "ক".repeat(10_000);
        let ws = {
            let f = fold(&long);
            words(&f.text, usize::MAX)
        };
        assert_eq!(ws.len(), 1);
        assert!(ws[0].truncated);
        assert!(ws[0].norm.len() <= MAX_TERM_BYTES);
        assert_eq!(ws[0].end, long.len());
    }
}
