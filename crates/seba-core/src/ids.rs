//! Identifiers, and the public case number people read aloud on the phone.
//!
//! A case's number is derived from its id (unique across nodes because the store hands out
//! ids), so there is nothing extra to keep unique. It is all digits — easy to say in Bengali
//! or English and to type on a feature phone — with a Damm check digit that catches every
//! single wrong digit and every swap of two neighbours, so a mistyped number is refused
//! instead of opening someone else's case.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A case's internal id, handed out by the store.
    CaseId
);
id_type!(
    /// A message in a case's thread.
    MessageId
);
id_type!(
    /// A staff account.
    UserId
);

/// Offset so that the first case number already has seven digits.
const NUMBER_BASE: i64 = 100_000;

const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm(digits: &[u8]) -> u8 {
    digits
        .iter()
        .fold(0u8, |interim, &d| DAMM[interim as usize][d as usize])
}

/// The public case number: `NNNN-NNN` (digits of id + 100000, then a check digit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaseNumber(CaseId);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseNumberError {
    #[error("a case number has 7 or more digits")]
    Shape,
    #[error("the case number's check digit does not match: a digit is probably mistyped")]
    Check,
}

impl crate::bilingual::Explain for CaseNumberError {
    fn explain(&self) -> crate::Bilingual {
        match self {
            CaseNumberError::Shape => crate::Bilingual::new(
                "কেস নম্বর কমপক্ষে ৭ অঙ্কের (যেমন ১০০০-০১৩)",
                "A case number has at least 7 digits (for example 1000-013)",
            ),
            CaseNumberError::Check => crate::Bilingual::new(
                "কেস নম্বরটি সঠিক নয়, অঙ্কগুলো আবার দেখুন",
                "That case number is not valid; please check the digits",
            ),
        }
    }
}

impl CaseNumber {
    pub fn from_id(id: CaseId) -> Self {
        CaseNumber(id)
    }

    pub fn id(self) -> CaseId {
        self.0
    }

    /// Accepts ASCII or Bengali digits with any spaces or dashes, and an optional `#`.
    pub fn parse(input: &str) -> Result<Self, CaseNumberError> {
        let mut digits = Vec::with_capacity(12);
        for c in input.trim().trim_start_matches('#').chars() {
            if let Some(d) = text::digit_value(c) {
                digits.push(d as u8);
            } else if matches!(c, '-' | ' ' | '\u{2011}' | '\u{2013}') {
                continue;
            } else {
                return Err(CaseNumberError::Shape);
            }
        }
        if digits.len() < 7 || digits.len() > 18 || digits[0] == 0 {
            return Err(CaseNumberError::Shape);
        }
        if damm(&digits) != 0 {
            return Err(CaseNumberError::Check);
        }
        let body = &digits[..digits.len() - 1];
        let n = body.iter().fold(0i64, |acc, &d| acc * 10 + i64::from(d));
        if n < NUMBER_BASE {
            return Err(CaseNumberError::Shape);
        }
        Ok(CaseNumber(CaseId(n - NUMBER_BASE)))
    }

    /// Digits only, no separator: what USSD and SMS carry.
    pub fn digits(self) -> String {
        let body = (self.0.0 + NUMBER_BASE).to_string();
        let ds: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
        format!("{body}{}", damm(&ds))
    }
}

impl fmt::Display for CaseNumber {
    /// `1000-423`: split before the last three digits, as people read it in two breaths.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        let (a, b) = d.split_at(d.len() - 3);
        write!(f, "{a}-{b}")
    }
}

impl Serialize for CaseNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for id in [1, 2, 42, 999, 123_456, 10_000_000] {
            let n = CaseNumber::from_id(CaseId(id));
            assert_eq!(CaseNumber::parse(&n.to_string()).unwrap().id(), CaseId(id));
            assert_eq!(CaseNumber::parse(&n.digits()).unwrap().id(), CaseId(id));
            let bn = text::bengali_digits(&n.to_string());
            assert_eq!(CaseNumber::parse(&bn).unwrap().id(), CaseId(id));
        }
        assert_eq!(CaseNumber::from_id(CaseId(1)).to_string().len(), 8);
    }

    #[test]
    fn catches_single_digit_errors_and_swaps() {
        let good = CaseNumber::from_id(CaseId(4711)).digits();
        let bytes: Vec<u8> = good.bytes().collect();
        for i in 0..bytes.len() {
            for d in b'0'..=b'9' {
                if d == bytes[i] {
                    continue;
                }
                let mut b = bytes.clone();
                b[i] = d;
                let s = String::from_utf8(b).unwrap();
                assert!(CaseNumber::parse(&s).is_err(), "{s} accepted");
            }
            if i + 1 < bytes.len() && bytes[i] != bytes[i + 1] {
                let mut b = bytes.clone();
                b.swap(i, i + 1);
                let s = String::from_utf8(b).unwrap();
                assert!(CaseNumber::parse(&s).is_err(), "{s} accepted");
            }
        }
    }

    #[test]
    fn junk_is_refused() {
        assert_eq!(CaseNumber::parse("12"), Err(CaseNumberError::Shape));
        assert_eq!(CaseNumber::parse("abc-defg"), Err(CaseNumberError::Shape));
        assert_eq!(CaseNumber::parse("0000-000"), Err(CaseNumberError::Shape));
    }
}
