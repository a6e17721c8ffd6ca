//! What a wallet customer types to prove who they are: the PIN, the national ID number
//! and the date of birth.
//!
//! Parse, don't validate: [`Pin::parse`], [`Nid::parse`] and [`parse_date_of_birth`] are
//! the only ways in, so a 4-digit PIN or a 12-digit NID cannot exist past the edge. Input
//! comes from feature phones (USSD) and apps with Bengali keyboards, so both digit scripts
//! are accepted and give the same value.
//!
//! A PIN and an NID are secrets: neither implements `Display`, their `Debug` is masked,
//! and the digits are reached only through `expose`, which the application calls to hash
//! them. Whether a new PIN is one of the last few is a question for the stored hashes, so
//! that rule lives in the application; [`PinRule::Recent`] is here so that every refusal
//! explains itself the same way.

use std::fmt;

use jiff::civil::Date;

use crate::bilingual::{Bilingual, Explain};
use crate::text;

/// How many digits a PIN has.
pub const PIN_DIGITS: usize = 5;

/// A wallet PIN: exactly five digits, held as ASCII.
#[derive(Clone)]
pub struct Pin(String);

/// Why a typed PIN is not a PIN at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("a PIN has digits only")]
    NotDigits,
    #[error("a PIN has 5 digits; this has fewer")]
    TooShort,
    #[error("a PIN has 5 digits; this has more")]
    TooLong,
}

impl Explain for PinError {
    fn explain(&self) -> Bilingual {
        match self {
            PinError::NotDigits => Bilingual::new(
                "পিনে শুধু অঙ্ক থাকবে (৫টি অঙ্ক)",
                "A PIN has digits only (5 of them)",
            ),
            PinError::TooShort => Bilingual::new(
                "পিন ৫ অঙ্কের; আপনি কম অঙ্ক দিয়েছেন",
                "A PIN has 5 digits; you entered fewer",
            ),
            PinError::TooLong => Bilingual::new(
                "পিন ৫ অঙ্কের; আপনি বেশি অঙ্ক দিয়েছেন",
                "A PIN has 5 digits; you entered more",
            ),
        }
    }
}

/// Why a well-formed PIN may not be chosen as a new PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinRule {
    #[error("a PIN cannot be one digit repeated")]
    AllSame,
    #[error("a PIN cannot be a run of digits")]
    Sequence,
    #[error("a PIN cannot be made from the date of birth")]
    DateOfBirth,
    /// One of the account's last PINs. Decided by the application against the stored
    /// hashes; [`Pin::rules`] never returns it.
    #[error("a PIN cannot be one of the last 3 PINs")]
    Recent,
}

impl Explain for PinRule {
    fn explain(&self) -> Bilingual {
        match self {
            PinRule::AllSame => Bilingual::new(
                "একই অঙ্ক বারবার দিয়ে পিন হবে না (যেমন ১১১১১)",
                "A PIN cannot be one digit repeated (like 11111)",
            ),
            PinRule::Sequence => Bilingual::new(
                "পরপর অঙ্ক দিয়ে পিন হবে না (যেমন ১২৩৪৫ বা ৯৮৭৬৫)",
                "A PIN cannot be a run of digits (like 12345 or 98765)",
            ),
            PinRule::DateOfBirth => Bilingual::new(
                "জন্মতারিখের অঙ্ক দিয়ে পিন হবে না",
                "A PIN cannot be made from your date of birth",
            ),
            PinRule::Recent => Bilingual::new(
                "আগের ৩টি পিনের কোনোটি আবার দেওয়া যাবে না",
                "A PIN cannot be one of your last 3 PINs",
            ),
        }
    }
}

/// The value of each character, if every one is a digit of either script.
fn digits_of(s: &str) -> Option<String> {
    s.chars()
        .map(|c| text::digit_value(c).and_then(|d| char::from_digit(d, 10)))
        .collect()
}

impl Pin {
    /// Exactly five digits, ASCII or Bengali (mixed is fine), surrounding spaces trimmed.
    pub fn parse(input: &str) -> Result<Self, PinError> {
        let s = input.trim();
        let digits = digits_of(s).ok_or(PinError::NotDigits)?;
        match digits.len() {
            n if n < PIN_DIGITS => Err(PinError::TooShort),
            n if n > PIN_DIGITS => Err(PinError::TooLong),
            _ => Ok(Pin(digits)),
        }
    }

    /// The five ASCII digits, for hashing. Never log or store them.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// May this PIN be chosen by someone born on `date_of_birth`? Refused: one digit
    /// repeated; a run up or down (`12345`, `98765`, `01234`, and the runs that go round
    /// the keypad row `1234567890`, such as `67890` and `09876`); any five consecutive
    /// digits of the birth date written DDMMYYYY, YYYYMMDD or DDMMYY. The history rule
    /// ([`PinRule::Recent`]) is the application's.
    pub fn rules(&self, date_of_birth: Date) -> Result<(), PinRule> {
        let d: Vec<u8> = self.0.bytes().map(|b| b - b'0').collect();
        if d.iter().all(|x| *x == d[0]) {
            return Err(PinRule::AllSame);
        }
        let up = d.windows(2).all(|w| (w[0] + 1) % 10 == w[1]);
        let down = d.windows(2).all(|w| (w[1] + 1) % 10 == w[0]);
        if up || down {
            return Err(PinRule::Sequence);
        }
        let (y, m, day) = (
            date_of_birth.year(),
            date_of_birth.month(),
            date_of_birth.day(),
        );
        let forms = [
            format!("{day:02}{m:02}{y:04}"),
            format!("{y:04}{m:02}{day:02}"),
            format!("{day:02}{m:02}{:02}", y.rem_euclid(100)),
        ];
        let pin = self.0.as_bytes();
        if forms
            .iter()
            .any(|f| f.as_bytes().windows(PIN_DIGITS).any(|w| w == pin))
        {
            return Err(PinRule::DateOfBirth);
        }
        Ok(())
    }
}

/// Never the digits: a PIN in a log line is a PIN given away.
impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(*****)")
    }
}

/// A Bangladeshi national ID number: 10 digits (smart card), 13 (old laminated card) or
/// 17 (the 13 with the birth year in front), held as ASCII digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Nid(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NidError {
    #[error("an NID number has digits only")]
    NotDigits,
    #[error("an NID number has 10, 13 or 17 digits")]
    Length,
}

impl Explain for NidError {
    fn explain(&self) -> Bilingual {
        match self {
            NidError::NotDigits => Bilingual::new(
                "জাতীয় পরিচয়পত্র নম্বরে শুধু অঙ্ক থাকবে",
                "An NID number has digits only",
            ),
            NidError::Length => Bilingual::new(
                "জাতীয় পরিচয়পত্র নম্বর ১০, ১৩ বা ১৭ অঙ্কের হয়",
                "An NID number has 10, 13 or 17 digits",
            ),
        }
    }
}

impl Nid {
    /// 10, 13 or 17 digits of either script; spaces and dashes between digits (as
    /// printed on the card) are ignored, surrounding spaces trimmed.
    pub fn parse(input: &str) -> Result<Self, NidError> {
        let mut digits = String::with_capacity(17);
        for c in input.trim().chars() {
            if let Some(d) = text::digit_value(c).and_then(|d| char::from_digit(d, 10)) {
                digits.push(d);
            } else if matches!(c, ' ' | '-' | '\u{00A0}') {
                continue;
            } else {
                return Err(NidError::NotDigits);
            }
            if digits.len() > 17 {
                return Err(NidError::Length);
            }
        }
        match digits.len() {
            10 | 13 | 17 => Ok(Nid(digits)),
            _ => Err(NidError::Length),
        }
    }

    /// The ASCII digits, for the keyed hash. Never log or store them.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Masked: how many digits, nothing more.
impl fmt::Debug for Nid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nid({})", "*".repeat(self.0.len()))
    }
}

/// Why a typed date of birth was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateOfBirthError {
    #[error("write the date as YYYY-MM-DD or DD/MM/YYYY")]
    Format,
    #[error("there is no such day")]
    NoSuchDay,
    #[error("a date of birth cannot be in the future")]
    Future,
    #[error("a date of birth cannot be before 1900")]
    TooEarly,
}

impl Explain for DateOfBirthError {
    fn explain(&self) -> Bilingual {
        match self {
            DateOfBirthError::Format => Bilingual::new(
                "জন্মতারিখ লিখুন দিন/মাস/বছর (যেমন ২৫/০৩/১৯৯০) বা বছর-মাস-দিন আকারে",
                "Write the date of birth as DD/MM/YYYY (like 25/03/1990) or YYYY-MM-DD",
            ),
            DateOfBirthError::NoSuchDay => Bilingual::new(
                "এই তারিখটি ক্যালেন্ডারে নেই",
                "There is no such day in the calendar",
            ),
            DateOfBirthError::Future => Bilingual::new(
                "জন্মতারিখ ভবিষ্যতের হতে পারে না",
                "A date of birth cannot be in the future",
            ),
            DateOfBirthError::TooEarly => Bilingual::new(
                "জন্মতারিখ ১৯০০ সালের আগে হতে পারে না",
                "A date of birth cannot be before 1900",
            ),
        }
    }
}

/// A date of birth as people write it: `YYYY-MM-DD`, `DD/MM/YYYY` or `DD-MM-YYYY` (day
/// and month may have one digit), in either digit script; not after `today` (the
/// caller's date in Dhaka) and not before 1900.
pub fn parse_date_of_birth(input: &str, today: Date) -> Result<Date, DateOfBirthError> {
    let s = text::ascii_digits(input.trim());
    if !s.is_ascii() || s.len() > 10 {
        return Err(DateOfBirthError::Format);
    }
    let sep = if s.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, c] = parts[..] else {
        return Err(DateOfBirthError::Format);
    };
    let all_digits =
        |p: &str, lens: &[usize]| lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    let (y, m, d) = if sep == '-' && all_digits(a, &[4]) && all_digits(b, &[1, 2]) {
        if !all_digits(c, &[1, 2]) {
            return Err(DateOfBirthError::Format);
        }
        (a, b, c)
    } else if all_digits(a, &[1, 2]) && all_digits(b, &[1, 2]) && all_digits(c, &[4]) {
        (c, b, a)
    } else {
        return Err(DateOfBirthError::Format);
    };
    let num = |p: &str| p.parse::<i16>().map_err(|_| DateOfBirthError::Format);
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    if y < 1900 {
        return Err(DateOfBirthError::TooEarly);
    }
    let (Ok(m), Ok(d)) = (i8::try_from(m), i8::try_from(d)) else {
        return Err(DateOfBirthError::NoSuchDay);
    };
    let date = Date::new(y, m, d).map_err(|_| DateOfBirthError::NoSuchDay)?;
    if date > today {
        return Err(DateOfBirthError::Future);
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    const TODAY: Date = date(2026, 11, 22);

    fn pin(s: &str) -> Pin {
        Pin::parse(s).expect("a well-formed PIN")
    }

    #[test]
    fn pins_are_five_digits_of_either_script() {
        assert_eq!(pin("48213").expose(), "48213");
        assert_eq!(pin("৪৮২১৩").expose(), "48213");
        assert_eq!(pin("৪8২1৩").expose(), "48213");
        assert_eq!(pin("  48213 \n").expose(), "48213");
        assert_eq!(pin("00000").expose(), "00000");
    }

    #[test]
    fn malformed_pins_are_refused_by_kind() {
        assert_eq!(Pin::parse("4821a").unwrap_err(), PinError::NotDigits);
        assert_eq!(Pin::parse("abcde").unwrap_err(), PinError::NotDigits);
        assert_eq!(Pin::parse("48 213").unwrap_err(), PinError::NotDigits);
        assert_eq!(Pin::parse("4821३").unwrap_err(), PinError::NotDigits); // Devanagari
        assert_eq!(Pin::parse("４８２１３").unwrap_err(), PinError::NotDigits); // full width
        assert_eq!(Pin::parse("-4821").unwrap_err(), PinError::NotDigits);
        assert_eq!(Pin::parse("4821").unwrap_err(), PinError::TooShort);
        assert_eq!(Pin::parse("").unwrap_err(), PinError::TooShort);
        assert_eq!(Pin::parse("   ").unwrap_err(), PinError::TooShort);
        assert_eq!(Pin::parse("482130").unwrap_err(), PinError::TooLong);
        assert_eq!(Pin::parse("৪৮২১৩৫").unwrap_err(), PinError::TooLong);
        for e in [PinError::NotDigits, PinError::TooShort, PinError::TooLong] {
            let b = e.explain();
            assert!(!b.bn.is_empty() && !b.en.is_empty());
        }
    }

    #[test]
    fn debug_never_shows_the_digits() {
        let p = pin("48213");
        assert_eq!(format!("{p:?}"), "Pin(*****)");
        assert_eq!(format!("{:?}", Some(&p)), "Some(Pin(*****))");
        let n = Nid::parse("1234567890").unwrap();
        let shown = format!("{n:?}");
        assert!(!shown.chars().any(|c| c.is_ascii_digit()), "{shown}");
    }

    #[test]
    fn a_digit_repeated_is_refused() {
        let dob = date(1990, 3, 25);
        for p in ["00000", "11111", "77777", "৯৯৯৯৯"] {
            assert_eq!(pin(p).rules(dob), Err(PinRule::AllSame), "{p}");
        }
        assert_eq!(pin("11112").rules(dob), Ok(()));
    }

    #[test]
    fn runs_up_or_down_are_refused() {
        let dob = date(1990, 3, 25);
        for p in [
            "12345",
            "34567",
            "56789",
            "01234",
            "98765",
            "43210",
            "76543",
            "67890",
            "78901",
            "09876",
            "10987",
            "১২৩৪৫",
        ] {
            assert_eq!(pin(p).rules(dob), Err(PinRule::Sequence), "{p}");
        }
        for p in ["13579", "12346", "24680", "12321", "54345", "10293"] {
            assert_eq!(pin(p).rules(dob), Ok(()), "{p}");
        }
    }

    #[test]
    fn the_date_of_birth_is_refused_in_every_written_form() {
        let dob = date(1990, 3, 25);
        // DDMMYYYY = 25031990, YYYYMMDD = 19900325, DDMMYY = 250390
        for p in [
            "25031",
            "50319",
            "03199",
            "31990", // DDMMYYYY
            "19900",
            "99003",
            "90032",
            "00325", // YYYYMMDD
            "25039",
            "50390", // DDMMYY
            "২৫০৩১",
        ] {
            assert_eq!(pin(p).rules(dob), Err(PinRule::DateOfBirth), "{p}");
        }
        for p in ["25032", "19901", "03251", "48213"] {
            assert_eq!(pin(p).rules(dob), Ok(()), "{p}");
        }
        // Single-digit days and months are written with their zero.
        assert_eq!(
            pin("05011").rules(date(1985, 1, 5)),
            Err(PinRule::DateOfBirth)
        );
        assert_eq!(
            pin("50185").rules(date(1985, 1, 5)),
            Err(PinRule::DateOfBirth)
        );
        // Another person's birthday is just a PIN.
        assert_eq!(pin("25031").rules(date(1985, 1, 5)), Ok(()));
    }

    #[test]
    fn the_rules_explain_themselves() {
        for r in [
            PinRule::AllSame,
            PinRule::Sequence,
            PinRule::DateOfBirth,
            PinRule::Recent,
        ] {
            let b = r.explain();
            assert!(!b.bn.is_empty() && !b.en.is_empty());
            assert_ne!(b.bn, b.en);
        }
    }

    #[test]
    fn nids_have_10_13_or_17_digits() {
        assert_eq!(Nid::parse("1234567890").unwrap().expose(), "1234567890");
        assert_eq!(
            Nid::parse("১২৩৪৫৬৭৮৯০১২৩").unwrap().expose(),
            "1234567890123"
        );
        assert_eq!(
            Nid::parse("19901234567890123").unwrap().expose(),
            "19901234567890123"
        );
        assert_eq!(Nid::parse(" 123 456 7890 ").unwrap().expose(), "1234567890");
        assert_eq!(Nid::parse("123-456-7890").unwrap().expose(), "1234567890");
        assert_eq!(
            Nid::parse("1234567890"),
            Nid::parse("১২৩৪৫৬৭৮৯০"),
            "both scripts, one value"
        );
        for bad in [
            "",
            "123456789",
            "12345678901",
            "123456789012",
            "123456789012345678",
        ] {
            assert_eq!(Nid::parse(bad).unwrap_err(), NidError::Length, "{bad}");
        }
        assert_eq!(Nid::parse("12345x7890").unwrap_err(), NidError::NotDigits);
        assert_eq!(
            Nid::parse("NID1234567890").unwrap_err(),
            NidError::NotDigits
        );
        assert_eq!(
            Nid::parse(&"1".repeat(10_000)).unwrap_err(),
            NidError::Length
        );
    }

    #[test]
    fn dates_of_birth_in_the_three_written_forms() {
        let want = date(1990, 3, 25);
        for s in [
            "1990-03-25",
            "25/03/1990",
            "25-03-1990",
            "25/3/1990",
            "1990-3-25",
            "২৫/০৩/১৯৯০",
            "১৯৯০-০৩-২৫",
            " 25-03-1990 ",
        ] {
            assert_eq!(parse_date_of_birth(s, TODAY), Ok(want), "{s}");
        }
        assert_eq!(parse_date_of_birth("2026-11-22", TODAY), Ok(TODAY));
        assert_eq!(
            parse_date_of_birth("1900-01-01", TODAY),
            Ok(date(1900, 1, 1))
        );
    }

    #[test]
    fn bad_dates_of_birth_are_refused_by_kind() {
        use DateOfBirthError::*;
        for (s, e) in [
            ("", Format),
            ("25031990", Format),
            ("25.03.1990", Format),
            ("1990/03/25", Format),
            ("25/03-1990", Format),
            ("25/03/90", Format),
            ("1990-03-25-1", Format),
            ("১৯৯০-03-২৫x", Format),
            ("25 March 1990", Format),
            ("31/02/1990", NoSuchDay),
            ("1990-13-01", NoSuchDay),
            ("00/01/1990", NoSuchDay),
            ("29/02/1991", NoSuchDay),
            ("2026-11-23", Future),
            ("01/01/3000", Future),
            ("31/12/1899", TooEarly),
            ("0000-01-01", TooEarly),
        ] {
            assert_eq!(parse_date_of_birth(s, TODAY), Err(e), "{s}");
        }
        assert_eq!(
            parse_date_of_birth("29/02/1992", TODAY),
            Ok(date(1992, 2, 29))
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            let _ = Pin::parse(&s);
            let _ = Nid::parse(&s);
            let _ = parse_date_of_birth(&s, TODAY);
        }

        #[test]
        fn parsers_never_panic_on_digit_soup(s in "[0-9০-৯/ \\-a]{0,24}") {
            let _ = Pin::parse(&s);
            let _ = Nid::parse(&s);
            let _ = parse_date_of_birth(&s, TODAY);
        }

        #[test]
        fn both_scripts_give_the_same_value(s in "[0-9/ \\-]{0,20}") {
            let bn = text::bengali_digits(&s);
            prop_assert_eq!(
                Pin::parse(&s).map(|p| p.expose().to_string()),
                Pin::parse(&bn).map(|p| p.expose().to_string())
            );
            prop_assert_eq!(Nid::parse(&s), Nid::parse(&bn));
            prop_assert_eq!(parse_date_of_birth(&s, TODAY), parse_date_of_birth(&bn, TODAY));
        }

        #[test]
        fn every_five_digit_pin_parses_and_the_rules_never_panic(
            n in 0u32..100_000,
            y in 1900i16..2026,
            m in 1i8..=12,
            d in 1i8..=28,
        ) {
            let s = format!("{n:05}");
            let p = Pin::parse(&s).unwrap();
            prop_assert_eq!(p.expose(), s.as_str());
            let bn = Pin::parse(&text::bengali_digits(&s)).unwrap();
            prop_assert_eq!(p.rules(date(y, m, d)), bn.rules(date(y, m, d)));
        }

        #[test]
        fn a_written_date_parses_back(y in 1900i16..=2026, m in 1i8..=12, d in 1i8..=28) {
            let want = date(y, m, d);
            prop_assume!(want <= TODAY);
            prop_assert_eq!(parse_date_of_birth(&format!("{y:04}-{m:02}-{d:02}"), TODAY), Ok(want));
            prop_assert_eq!(parse_date_of_birth(&format!("{d}/{m}/{y}"), TODAY), Ok(want));
            let bn = text::bengali_digits(&format!("{d:02}-{m:02}-{y}"));
            prop_assert_eq!(parse_date_of_birth(&bn, TODAY), Ok(want));
        }
    }
}
