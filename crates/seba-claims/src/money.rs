//! Taka amounts as people type them: `12500`, `12,500`, `1,25,000` (lakh grouping),
//! `৳১২,৫০০.৫০`, `12500 tk`, `Tk. 12,500`, `১২৫০০ টাকা`. Stored as poisha (1/100 taka) in an
//! `i64`, so no amount is ever a float.

use seba_core::bilingual::{Bilingual, Explain};
use seba_core::text::ascii_digits;

/// The largest amount a single claim may state: ৳10 crore. Larger is a typing mistake
/// (or an attack on the totals), not a lost order.
pub const MAX_POISHA: i64 = 100_000_000 * 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("not an amount")]
    NotAnAmount,
    #[error("the amount is negative")]
    Negative,
    #[error("the amount is above ৳10 crore")]
    TooLarge,
    #[error("more than two decimal places")]
    TooPrecise,
}

impl Explain for AmountError {
    fn explain(&self) -> Bilingual {
        match self {
            AmountError::NotAnAmount => Bilingual::new(
                "টাকার অঙ্কটি বোঝা যায়নি (যেমন ১২৫০০ বা ১২,৫০০)",
                "Not an amount (write e.g. 12500 or 12,500)",
            ),
            AmountError::Negative => {
                Bilingual::new("টাকার অঙ্ক ঋণাত্মক হতে পারে না", "An amount cannot be negative")
            }
            AmountError::TooLarge => Bilingual::new(
                "টাকার অঙ্ক ১০ কোটির বেশি হতে পারে না",
                "An amount cannot be above ৳10 crore",
            ),
            AmountError::TooPrecise => Bilingual::new(
                "পয়সা দুই ঘরের বেশি হতে পারে না",
                "An amount has at most two decimal places",
            ),
        }
    }
}

/// Parse a taka amount into poisha. Zero is allowed (nothing refunded yet).
pub fn parse_taka(input: &str) -> Result<i64, AmountError> {
    let s = ascii_digits(input.trim()).to_lowercase();
    let mut s = s.as_str();
    for prefix in ["৳", "tk.", "tk", "bdt", "taka"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim_start();
        }
    }
    for suffix in ["টাকা", "taka", "bdt", "tk.", "tk", "/-", "৳"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.trim_end();
        }
    }
    let negative = s.starts_with('-');
    let s = s.trim_start_matches('-').trim();
    if s.is_empty() {
        return Err(AmountError::NotAnAmount);
    }
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if frac.len() > 2 {
        return Err(AmountError::TooPrecise);
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AmountError::NotAnAmount);
    }
    // Separators only between digit groups: `12,500` and `1,25,000`, never `,12` or `1,,2`.
    let groups: Vec<&str> = whole.split(',').collect();
    if groups
        .iter()
        .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(AmountError::NotAnAmount);
    }
    let digits: String = groups.concat();
    if digits.len() > 15 {
        return Err(AmountError::TooLarge);
    }
    let taka: i64 = digits.parse().map_err(|_| AmountError::NotAnAmount)?;
    let poisha_part: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| AmountError::NotAnAmount)? * 10,
        _ => frac.parse().map_err(|_| AmountError::NotAnAmount)?,
    };
    let total = taka
        .checked_mul(100)
        .and_then(|t| t.checked_add(poisha_part))
        .ok_or(AmountError::TooLarge)?;
    if negative && total > 0 {
        return Err(AmountError::Negative);
    }
    if total > MAX_POISHA {
        return Err(AmountError::TooLarge);
    }
    Ok(total)
}

/// `৳১২,৫০০` / `Tk 12,500` (poisha shown only when there are some).
pub fn show(poisha: i64) -> Bilingual {
    let amount = seba_core::text::taka(poisha);
    Bilingual::new(
        format!("৳{}", seba_core::text::bengali_digits(&amount)),
        format!("Tk {amount}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_the_ways_people_write_them() {
        assert_eq!(parse_taka("12500"), Ok(1_250_000));
        assert_eq!(parse_taka("12,500"), Ok(1_250_000));
        assert_eq!(parse_taka("1,25,000"), Ok(12_500_000));
        assert_eq!(parse_taka("৳১২,৫০০.৫০"), Ok(1_250_050));
        assert_eq!(parse_taka("12500 tk"), Ok(1_250_000));
        assert_eq!(parse_taka("Tk. 12,500"), Ok(1_250_000));
        assert_eq!(parse_taka("১২৫০০ টাকা"), Ok(1_250_000));
        assert_eq!(parse_taka("12500/-"), Ok(1_250_000));
        assert_eq!(parse_taka("0"), Ok(0));
        assert_eq!(parse_taka("99.5"), Ok(9_950));
    }

    #[test]
    fn bad_amounts_are_named() {
        assert_eq!(parse_taka(""), Err(AmountError::NotAnAmount));
        assert_eq!(parse_taka("abc"), Err(AmountError::NotAnAmount));
        assert_eq!(parse_taka("1,,000"), Err(AmountError::NotAnAmount));
        assert_eq!(parse_taka("-500"), Err(AmountError::Negative));
        assert_eq!(parse_taka("12.345"), Err(AmountError::TooPrecise));
        assert_eq!(parse_taka("100000001"), Err(AmountError::TooLarge));
        assert_eq!(parse_taka("100000000"), Ok(MAX_POISHA));
        assert_eq!(
            parse_taka("99999999999999999999"),
            Err(AmountError::TooLarge)
        );
    }

    #[test]
    fn shown_in_both_scripts() {
        let s = show(1_250_050);
        assert_eq!(s.bn, "৳১২,৫০০.৫০");
        assert_eq!(s.en, "Tk 12,500.50");
    }
}
