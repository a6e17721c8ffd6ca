//! Bengali text on the way in and out: NFC normalisation, digit scripts, lakh/crore grouping.
//!
//! Input arrives typed on phones with Bengali keyboards that produce either precomposed or
//! decomposed nukta letters (য় vs য + ়) and either digit script. Everything stored is NFC,
//! so the same word always has the same bytes.

use unicode_normalization::UnicodeNormalization;

/// NFC-normalise and trim surrounding whitespace; control characters other than newline and
/// tab are dropped so that a pasted string cannot smuggle terminal escapes into logs.
pub fn clean(input: &str) -> String {
    input
        .trim()
        .nfc()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// NFC only (keeps surrounding whitespace).
pub fn nfc(input: &str) -> String {
    input.nfc().collect()
}

const BN_ZERO: u32 = 0x09E6;

/// The value of an ASCII or Bengali digit.
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{09E6}'..='\u{09EF}' => Some(c as u32 - BN_ZERO),
        _ => None,
    }
}

/// Replace Bengali digits with ASCII ones, leaving everything else alone.
pub fn ascii_digits(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{09E6}'..='\u{09EF}' => char::from_u32(c as u32 - BN_ZERO + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Replace ASCII digits with Bengali ones.
pub fn bengali_digits(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + BN_ZERO).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Group an integer the South Asian way: the last three digits, then pairs
/// (5,40,00,000). ASCII digits; pass the result to [`bengali_digits`] for `bn`.
/// An amount in poisha as taka with lakh grouping, poisha only when there are some:
/// `12,500`, `1,25,000.50` (ASCII digits; [`bengali_digits`] for Bengali).
pub fn taka(poisha: i64) -> String {
    let taka = group_lakh(poisha / 100);
    match poisha % 100 {
        0 => taka,
        p => format!("{taka}.{:02}", p.abs()),
    }
}

pub fn group_lakh(n: i64) -> String {
    let out = fix_grouping(&n.unsigned_abs().to_string());
    if n < 0 { format!("-{out}") } else { out }
}

fn fix_grouping(digits: &str) -> String {
    if digits.len() <= 3 {
        return digits.to_string();
    }
    let (head, last3) = digits.split_at(digits.len() - 3);
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = head;
    while rest.len() > 2 {
        let (a, b) = rest.split_at(rest.len() - 2);
        groups.push(b);
        rest = a;
    }
    if !rest.is_empty() {
        groups.push(rest);
    }
    groups.reverse();
    format!("{},{}", groups.join(","), last3)
}

/// Parse a non-negative integer written in either digit script, ignoring spaces.
pub fn parse_number(input: &str) -> Option<u64> {
    let mut value: u64 = 0;
    let mut seen = false;
    for c in input.chars() {
        if c.is_whitespace() || c == ',' {
            continue;
        }
        let d = digit_value(c)?;
        value = value.checked_mul(10)?.checked_add(u64::from(d))?;
        seen = true;
    }
    seen.then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nukta_forms_become_one() {
        // য় ড় ঢ় are composition exclusions: NFC keeps them as letter + nukta, whichever
        // way they were typed, so both spellings end up as the same bytes.
        assert_eq!(clean("\u{09DF}"), clean("\u{09AF}\u{09BC}"));
        assert_eq!(clean(" \u{09DC} "), "\u{09A1}\u{09BC}");
        assert_eq!(clean("\u{09DD}"), "\u{09A2}\u{09BC}");
    }

    #[test]
    fn digits_both_ways() {
        assert_eq!(ascii_digits("০১৭১২৩৪৫৬৭৮"), "01712345678");
        assert_eq!(bengali_digits("5000 taka"), "৫০০০ taka");
        assert_eq!(parse_number("৫,০০০"), Some(5000));
        assert_eq!(parse_number("12a"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn lakh_grouping() {
        assert_eq!(group_lakh(0), "0");
        assert_eq!(group_lakh(999), "999");
        assert_eq!(group_lakh(1000), "1,000");
        assert_eq!(group_lakh(100000), "1,00,000");
        assert_eq!(group_lakh(54000000), "5,40,00,000");
        assert_eq!(bengali_digits(&group_lakh(54000000)), "৫,৪০,০০,০০০");
        assert_eq!(group_lakh(-1234567), "-12,34,567");
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(clean("a\u{1b}[31mb\nc"), "a[31mb\nc");
    }
}
