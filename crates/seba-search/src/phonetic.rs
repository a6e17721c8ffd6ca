//! Phonetic keys: a coarse Latin spelling that Bengali script and Banglish both reduce to,
//! so that "bikash", "bkash", "বিকাশ" and "ব্যকাশ" meet.
//!
//! # How
//!
//! Both scripts are turned into a string over a small alphabet: three vowel classes and
//! fifteen consonant classes.
//!
//! * Vowels: `a` (a, o, অ, আ, ও, া, ো, ৌ — Bengali's inherent vowel is written a or o in
//!   Banglish), `i` (i, e, y, ই, ঈ, এ, ঐ and their signs — English loanwords put ি where
//!   Latin has e: "reset" রিসেট), `u` (u, উ, ঊ). A run of vowels keeps only its first.
//! * Consonants: aspiration is dropped (kh→k, ঘ→g, th/ঠ/থ→t, dh/ধ→d, ph/ফ/f→p,
//!   bh/ভ/v/w→b), sibilants merge (s, sh, শ, ষ, স → s), j/z/য/জ/ঝ → j, ড়/ঢ় → r,
//!   ং/ঙ → ng, doubled consonants collapse (ss, ত্ত).
//! * Bengali, read the way Avro reads Latin but backwards: a consonant followed by neither
//!   a vowel sign nor a hasanta carries the inherent vowel (`a`) except at the end of a
//!   word, where it is silent unless the consonant closes a conjunct (শক্ত = "shokto");
//!   ya-phala and ba-phala add no consonant (they lengthen or colour the vowel: ব্যকাশ,
//!   বিশ্বাস) except ম্ব (নম্বর); ক্ষ is k, জ্ঞ is g; ও before য় + vowel is w (ওয়ালেট);
//!   য় after a vowel with no vowel of its own is the glide i (হয়নি = "hoyni").
//! * Latin: `h` after a consonant is aspiration and dropped; `c` is k, or s before e/i/y,
//!   `ch` is চ; `y` before a vowel is a consonant, elsewhere the vowel i; `q`→k, `x`→ks.
//!
//! Two keys come out of that string:
//!
//! * the **full key** (`~bikas`), vowels included — it tells "pin" (পিন) from "পান";
//! * the **skeleton** (`~~bks`): an initial vowel plus the consonants, no `y` — it carries
//!   Banglish's habit of leaving vowels out ("bkash", "krbo", "smsta"). It is emitted only
//!   when it has three or more symbols, since two-consonant skeletons collide far too often.
//!
//! # Known limits
//!
//! * Medial schwa deletion is not modelled: করব is "karab" in full while people write
//!   "korbo"; the skeleton (`krb`) is what matches then.
//! * English spelling is not pronunciation: "agent" has a hard g, "recharge" ends in g,
//!   silent final e is kept. Loanwords like these match through the lexicon, not here.
//! * Merging vowels and aspiration creates false friends: "money" and "মনে" share a full
//!   key; "bkash" and "বাক্স" share a skeleton. Query weights rank these last.
//! * Only ASCII Latin is keyed; "café" gets no key.

const NUKTA: char = '\u{09BC}';
const HASANTA: char = '\u{09CD}';

/// The two phonetic keys of a word, without prefixes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneticKeys {
    pub full: String,
    pub skeleton: Option<String>,
}

const MIN_FULL: usize = 2;
const MIN_SKELETON: usize = 3;

struct KeyBuf {
    syms: Vec<u8>,
}

fn is_vowel_sym(b: u8) -> bool {
    matches!(b, b'a' | b'i' | b'u')
}

impl KeyBuf {
    fn vowel(&mut self, v: u8) {
        if !self.syms.last().is_some_and(|&l| is_vowel_sym(l)) {
            self.syms.push(v);
        }
    }

    fn cons(&mut self, c: u8) {
        if self.syms.last() != Some(&c) {
            self.syms.push(c);
        }
    }

    fn ends_with_vowel(&self) -> bool {
        self.syms.last().is_some_and(|&l| is_vowel_sym(l))
    }

    fn keys(self) -> Option<PhoneticKeys> {
        if self.syms.len() < MIN_FULL || !self.syms.iter().any(|&b| !is_vowel_sym(b)) {
            return None;
        }
        let mut skel = Vec::with_capacity(self.syms.len());
        for (i, &b) in self.syms.iter().enumerate() {
            if (i == 0 && is_vowel_sym(b)) || (!is_vowel_sym(b) && b != b'y') {
                skel.push(b);
            }
        }
        let full = String::from_utf8(self.syms).ok()?;
        let skeleton = String::from_utf8(skel)
            .ok()
            .filter(|s| s.len() >= MIN_SKELETON);
        Some(PhoneticKeys { full, skeleton })
    }
}

/// Phonetic keys of a normalised word in Bengali script or ASCII Latin letters; `None` for
/// other scripts, mixed words and words too short to key.
pub fn keys(word: &str) -> Option<PhoneticKeys> {
    let mut buf = KeyBuf {
        syms: Vec::with_capacity(word.len()),
    };
    if !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase()) {
        latin(word.as_bytes(), &mut buf);
    } else if word.chars().all(|c| ('\u{0980}'..='\u{09FF}').contains(&c)) {
        let chars: Vec<char> = word.chars().collect();
        bengali(&chars, &mut buf);
    } else {
        return None;
    }
    buf.keys()
}

fn latin_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

fn latin(w: &[u8], out: &mut KeyBuf) {
    for (i, &c) in w.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| w.get(p)).copied();
        let next = w.get(i + 1).copied();
        match c {
            b'a' | b'o' => out.vowel(b'a'),
            b'e' | b'i' => out.vowel(b'i'),
            b'u' => out.vowel(b'u'),
            b'y' => {
                if next.is_some_and(latin_vowel) {
                    out.cons(b'y');
                } else {
                    out.vowel(b'i');
                }
            }
            // kh, gh, ch, th, dh, ph, bh, sh, rh: after a consonant, h is aspiration or part
            // of a digraph and has no sound of its own.
            b'h' if prev.is_some_and(|p| p != b'y' && !latin_vowel(p)) => {}
            b'h' => out.cons(b'h'),
            b'c' => match next {
                Some(b'h') => out.cons(b'c'),
                Some(b'k') => {}
                Some(b'e' | b'i' | b'y') => out.cons(b's'),
                _ => out.cons(b'k'),
            },
            b'k' | b'q' => out.cons(b'k'),
            b'x' => {
                out.cons(b'k');
                out.cons(b's');
            }
            b'g' => out.cons(b'g'),
            b'j' | b'z' => out.cons(b'j'),
            b't' => out.cons(b't'),
            b'd' => out.cons(b'd'),
            b'n' => out.cons(b'n'),
            b'p' | b'f' => out.cons(b'p'),
            b'b' | b'v' | b'w' => out.cons(b'b'),
            b'm' => out.cons(b'm'),
            b'r' => out.cons(b'r'),
            b'l' => out.cons(b'l'),
            b's' => out.cons(b's'),
            _ => {}
        }
    }
}

fn consonant_sym(c: char) -> Option<&'static [u8]> {
    Some(match c {
        'ক' | 'খ' => b"k",
        'গ' | 'ঘ' => b"g",
        'ঙ' => b"ng",
        'চ' | 'ছ' => b"c",
        'জ' | 'ঝ' | 'য' => b"j",
        'ঞ' | 'ণ' | 'ন' => b"n",
        'ট' | 'ঠ' | 'ত' | 'থ' | 'ৎ' => b"t",
        'ড' | 'ঢ' | 'দ' | 'ধ' => b"d",
        'প' | 'ফ' => b"p",
        'ব' | 'ভ' | 'ৱ' => b"b",
        'ম' => b"m",
        'র' | 'ৰ' | '\u{09DC}' | '\u{09DD}' => b"r",
        'ল' => b"l",
        'শ' | 'ষ' | 'স' => b"s",
        'হ' => b"h",
        '\u{09DF}' => b"y",
        _ => return None,
    })
}

fn vowel_sign_sym(c: char) -> Option<&'static [u8]> {
    Some(match c {
        'া' | 'ো' | 'ৌ' => b"a",
        'ি' | 'ী' | 'ে' | 'ৈ' => b"i",
        'ু' | 'ূ' => b"u",
        'ৃ' => b"ri",
        'ৢ' | 'ৣ' => b"li",
        _ => return None,
    })
}

fn independent_vowel_sym(c: char) -> Option<&'static [u8]> {
    Some(match c {
        'অ' | 'আ' | 'ও' | 'ঔ' => b"a",
        'ই' | 'ঈ' | 'এ' | 'ঐ' => b"i",
        'উ' | 'ঊ' => b"u",
        'ঋ' | 'ৠ' => b"ri",
        'ঌ' | 'ৡ' => b"li",
        _ => return None,
    })
}

fn emit(out: &mut KeyBuf, syms: &[u8]) {
    for &b in syms {
        if is_vowel_sym(b) {
            out.vowel(b);
        } else {
            out.cons(b);
        }
    }
}

/// Signs that neither start a syllable nor stop the inherent vowel from being silent.
fn is_silent_mark(c: char) -> bool {
    matches!(c, 'ঁ' | 'ঃ' | NUKTA | 'ৗ' | HASANTA)
}

fn bengali(cs: &[char], out: &mut KeyBuf) {
    let n = cs.len();
    let mut i = 0;
    // The first consonant of the conjunct being read, if the previous letter ended in a
    // hasanta; a conjunct that closes a word keeps its vowel (শক্ত "shokto") unless it is
    // the ন্ট/র্ড kind that English loanwords end in (এজেন্ট, কার্ড).
    let mut cluster: Option<char> = None;
    let mut prev_consonant: Option<char> = None;
    while i < n {
        let c = cs[i];
        let Some(mut sym) = consonant_sym(c) else {
            // A hasanta after a vowel is the অ্যা spelling of æ: what follows is a phala.
            cluster = (c == HASANTA).then_some('অ');
            prev_consonant = None;
            if let Some(v) = independent_vowel_sym(c) {
                // ও + য় + vowel sign is how Bengali writes "w" (ওয়ালেট, পাসওয়ার্ড).
                if c == 'ও'
                    && cs.get(i + 1) == Some(&'য')
                    && cs.get(i + 2) == Some(&NUKTA)
                    && cs.get(i + 3).is_some_and(|&v| vowel_sign_sym(v).is_some())
                {
                    out.cons(b'b');
                    i += 3;
                    continue;
                }
                emit(out, v);
            } else if let Some(v) = vowel_sign_sym(c) {
                emit(out, v);
            } else if c == 'ং' {
                emit(out, b"ng");
            }
            i += 1;
            continue;
        };
        let mut j = i + 1;
        if cs.get(j) == Some(&NUKTA) {
            sym = match c {
                'ড' | 'ঢ' => b"r",
                'য' => b"y",
                _ => sym,
            };
            j += 1;
        }
        let is_ya = c == 'য' && sym == b"j";
        let mut head = cluster;
        // ক্ষ is "kkh", জ্ঞ is "gg": read as one consonant that closes a conjunct.
        if c == 'ক' && cs.get(j) == Some(&HASANTA) && cs.get(j + 1) == Some(&'ষ') {
            j += 2;
            head = head.or(Some(c));
        } else if c == 'জ' && cs.get(j) == Some(&HASANTA) && cs.get(j + 1) == Some(&'ঞ') {
            sym = b"g";
            j += 2;
            head = head.or(Some(c));
        }
        let glide = sym == b"y"
            && out.ends_with_vowel()
            && cs.get(j).is_none_or(|&v| vowel_sign_sym(v).is_none());
        if glide {
            out.vowel(b'i');
        } else if cluster.is_some() && is_ya {
            // ya-phala: no consonant of its own.
        } else if cluster.is_some() && c == 'ব' && prev_consonant != Some('ম') {
            // ba-phala: gemination, not a b (বিশ্বাস), except in ম্ব (নম্বর).
        } else {
            emit(out, sym);
        }
        prev_consonant = Some(c);
        match cs.get(j) {
            Some(&HASANTA) => {
                cluster = cluster.or(Some(c));
                j += 1;
            }
            Some(&v) if vowel_sign_sym(v).is_some() => {
                cluster = None;
                emit(out, vowel_sign_sym(v).unwrap_or_default());
                j += 1;
            }
            _ => {
                cluster = None;
                let at_end = cs[j.min(n)..].iter().all(|&m| is_silent_mark(m));
                let voiced_conjunct = head.is_some_and(|h| !matches!(h, 'ন' | 'র' | 'অ'));
                if c != 'ৎ' && !glide && (!at_end || voiced_conjunct) {
                    out.vowel(b'a');
                }
            }
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize_word;

    fn full(w: &str) -> String {
        keys(&normalize_word(w)).map(|k| k.full).unwrap_or_default()
    }
    fn skel(w: &str) -> String {
        keys(&normalize_word(w))
            .and_then(|k| k.skeleton)
            .unwrap_or_default()
    }

    #[test]
    fn bkash_family_shares_the_skeleton() {
        for w in ["bkash", "bikash", "বিকাশ", "ব্যকাশ", "bekash"] {
            assert_eq!(skel(w), "bks", "{w}");
        }
        assert_eq!(full("bikash"), full("বিকাশ"));
    }

    #[test]
    fn full_keys_across_scripts() {
        for (l, b) in [
            ("pin", "পিন"),
            ("nagad", "নগদ"),
            ("taka", "টাকা"),
            ("kivabe", "কিভাবে"),
            ("somossa", "সমস্যা"),
            ("ovijog", "অভিযোগ"),
            ("cash", "ক্যাশ"),
            ("out", "আউট"),
            ("hoyni", "হয়নি"),
            ("ekhon", "এখন"),
            ("amar", "আমার"),
            ("wallet", "ওয়ালেট"),
            ("bangla", "বাংলা"),
            ("shokto", "শক্ত"),
            ("khoma", "ক্ষমা"),
            ("bari", "বাড়ি"),
        ] {
            assert_eq!(full(l), full(b), "{l} / {b}");
        }
    }

    #[test]
    fn skeleton_bridges_dropped_vowels() {
        assert_eq!(skel("korbo"), skel("করব"));
        assert_eq!(skel("krbo"), skel("করব"));
        assert_eq!(skel("evaly"), skel("ইভ্যালি"));
        assert_eq!(skel("account"), skel("অ্যাকাউন্ট"));
        assert_eq!(skel("otp"), skel("ওটিপি"));
    }

    #[test]
    fn vowels_keep_short_words_apart() {
        assert_ne!(full("pin"), full("পান"));
        assert_ne!(full("cash"), full("কাজ"));
        assert_eq!(skel("pin"), "");
    }

    #[test]
    fn odd_input_is_quiet() {
        assert_eq!(keys(""), None);
        assert_eq!(keys("a"), None);
        assert_eq!(keys("café"), None);
        assert_eq!(keys("\u{09CD}\u{09BC}"), None);
        let _ = keys("্্্য়়়ংংঁ");
    }
}
