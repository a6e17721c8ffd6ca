//! How seba reaches a person: a Bangladeshi mobile number or an e-mail address.
//!
//! Parse, don't validate: [`Msisdn::parse`] and [`Email::parse`] are the only ways in, so a
//! malformed number cannot exist past the edge. Both have a masked form for logs.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::bilingual::{Bilingual, Explain};
use crate::text;

/// A Bangladeshi mobile number, stored in E.164 (`+8801[3-9]XXXXXXXX`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Msisdn(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MsisdnError {
    #[error("a mobile number has digits only (with optional +, spaces or dashes)")]
    BadCharacter,
    #[error(
        "not a Bangladeshi mobile number: expected 01XXXXXXXXX, 8801XXXXXXXXX or +8801XXXXXXXXX"
    )]
    Shape,
    #[error("no mobile operator uses the prefix 01{0}")]
    Operator(char),
}

impl Explain for MsisdnError {
    fn explain(&self) -> Bilingual {
        match self {
            MsisdnError::BadCharacter => Bilingual::new(
                "মোবাইল নম্বরে শুধু অঙ্ক থাকবে (+, স্পেস বা ড্যাশ চলবে)",
                "A mobile number may contain only digits (and +, spaces or dashes)",
            ),
            MsisdnError::Shape => Bilingual::new(
                "সঠিক মোবাইল নম্বর দিন: ০১XXXXXXXXX (১১ অঙ্ক)",
                "Enter a valid mobile number: 01XXXXXXXXX (11 digits)",
            ),
            MsisdnError::Operator(_) => Bilingual::new(
                "এই নম্বরটি কোনো মোবাইল অপারেটরের নয় (০১৩–০১৯ দিয়ে শুরু হবে)",
                "This is not a mobile operator's number (it must start 013–019)",
            ),
        }
    }
}

impl Msisdn {
    /// Accepts 01XXXXXXXXX, 8801XXXXXXXXX, +8801XXXXXXXXX and 008801…, in ASCII or Bengali
    /// digits, with spaces, dashes, dots or brackets between them.
    pub fn parse(input: &str) -> Result<Self, MsisdnError> {
        let mut digits = String::with_capacity(16);
        let mut plus = false;
        for c in input.trim().chars() {
            if let Some(d) = text::digit_value(c) {
                digits.push(char::from_digit(d, 10).unwrap_or('0'));
            } else if c == '+' && digits.is_empty() && !plus {
                plus = true;
            } else if matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{00A0}') {
                continue;
            } else {
                return Err(MsisdnError::BadCharacter);
            }
        }
        let national = if let Some(rest) = digits.strip_prefix("00880") {
            if plus {
                return Err(MsisdnError::Shape);
            }
            rest
        } else if let Some(rest) = digits.strip_prefix("880") {
            rest
        } else if plus {
            return Err(MsisdnError::Shape);
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest
        } else {
            return Err(MsisdnError::Shape);
        };
        // national is now 1XXXXXXXXX (10 digits), or 01XXXXXXXXX when written +88 01…
        let national = national.strip_prefix('0').unwrap_or(national);
        if national.len() != 10 || !national.starts_with('1') {
            return Err(MsisdnError::Shape);
        }
        let op = national.as_bytes()[1] as char;
        if !('3'..='9').contains(&op) {
            return Err(MsisdnError::Operator(op));
        }
        Ok(Msisdn(format!("+880{national}")))
    }

    pub fn as_e164(&self) -> &str {
        &self.0
    }

    /// The 11-digit national form people write: 01712345678.
    pub fn national(&self) -> String {
        format!("0{}", &self.0[4..])
    }

    /// 01712-***678: the national form masked, as a customer or a merchant is shown it.
    pub fn masked_national(&self) -> String {
        let national = self.national();
        format!("{}-***{}", &national[..5], &national[8..])
    }

    /// +8801712***678 — enough for an agent to recognise, nothing for a log reader.
    pub fn masked(&self) -> String {
        format!("{}***{}", &self.0[..8], &self.0[11..])
    }
}

impl fmt::Display for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Debug masks the number, so `?msisdn` in a log line leaks nothing.
impl fmt::Debug for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Msisdn({})", self.masked())
    }
}

impl TryFrom<String> for Msisdn {
    type Error = MsisdnError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Msisdn::parse(&value)
    }
}

impl From<Msisdn> for String {
    fn from(m: Msisdn) -> String {
        m.0
    }
}

/// An e-mail address: one `@`, a non-empty local part, a dotted domain, no spaces.
/// Domain lower-cased; the local part is kept as typed.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an e-mail address")]
pub struct EmailError;

impl Explain for EmailError {
    fn explain(&self) -> Bilingual {
        Bilingual::new("সঠিক ই-মেইল ঠিকানা দিন", "Enter a valid e-mail address")
    }
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let s = text::clean(input);
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError)?;
        let ok_local = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
        let ok_domain = domain.len() <= 253
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if !(ok_local && ok_domain) {
            return Err(EmailError);
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// r***@example.com
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or(("", &self.0));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.masked())
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_is_one_number() {
        for input in [
            "01712345678",
            "+8801712345678",
            "8801712345678",
            "008801712345678",
            "০১৭১২৩৪৫৬৭৮",
            "+৮৮০ ১৭১২-৩৪৫৬৭৮",
            "017 1234 5678",
            "(+88) 01712-345678",
        ] {
            assert_eq!(
                Msisdn::parse(input).unwrap().as_e164(),
                "+8801712345678",
                "{input}"
            );
        }
    }

    #[test]
    fn wrong_numbers_are_refused() {
        assert_eq!(Msisdn::parse("0171234567"), Err(MsisdnError::Shape));
        assert_eq!(Msisdn::parse("017123456789"), Err(MsisdnError::Shape));
        assert_eq!(
            Msisdn::parse("01212345678"),
            Err(MsisdnError::Operator('2'))
        );
        assert_eq!(Msisdn::parse("0171234567x"), Err(MsisdnError::BadCharacter));
        assert_eq!(Msisdn::parse("+4401712345678"), Err(MsisdnError::Shape));
        assert_eq!(Msisdn::parse("0221234567"), Err(MsisdnError::Shape));
        assert_eq!(Msisdn::parse(""), Err(MsisdnError::Shape));
    }

    #[test]
    fn masks_and_forms() {
        let m = Msisdn::parse("01712345678").unwrap();
        assert_eq!(m.masked(), "+8801712***678");
        assert_eq!(m.national(), "01712345678");
        assert!(!format!("{m:?}").contains("345"));
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Rahim@Example.COM ").unwrap().as_str(),
            "Rahim@example.com"
        );
        assert!(Email::parse("no-at-sign").is_err());
        assert!(Email::parse("a@b").is_err());
        assert!(Email::parse("a b@c.com").is_err());
        assert_eq!(
            Email::parse("rahim@example.com").unwrap().masked(),
            "r***@example.com"
        );
    }
}
