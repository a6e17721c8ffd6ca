//! How long a USSD screen may be.
//!
//! A USSD string is sent in the GSM 7-bit default alphabet when every character is in it,
//! and in UCS-2 otherwise (any Bengali letter, or a `৳`, forces UCS-2). The network carries
//! at most 182 septets in GSM 7-bit; in UCS-2 the 160-octet payload holds 80 UTF-16 units.
//! Characters of the GSM extension table (`{ } [ ] ~ \ | ^ €`) take two septets.

/// The alphabet a screen goes out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

/// Septets in a GSM 7-bit USSD string.
pub const GSM7_LIMIT: usize = 182;
/// UTF-16 units in a UCS-2 USSD string (160 octets).
pub const UCS2_LIMIT: usize = 80;

const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// Septets `c` takes in GSM 7-bit, or `None` if it is not in the alphabet.
fn septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Whether `c` is in the GSM 7-bit alphabet (basic or extension table).
pub fn is_gsm(c: char) -> bool {
    septets(c).is_some()
}

/// The encoding `text` needs.
pub fn encoding(text: &str) -> Encoding {
    if text.chars().all(|c| septets(c).is_some()) {
        Encoding::Gsm7
    } else {
        Encoding::Ucs2
    }
}

/// The size of `text` in its encoding's unit (septets or UTF-16 units), and its limit.
pub fn measure(text: &str) -> (usize, usize) {
    match encoding(text) {
        Encoding::Gsm7 => (
            text.chars().map(|c| septets(c).unwrap_or(2)).sum(),
            GSM7_LIMIT,
        ),
        Encoding::Ucs2 => (text.encode_utf16().count(), UCS2_LIMIT),
    }
}

/// Whether `text` fits on one USSD screen.
pub fn fits(text: &str) -> bool {
    let (size, limit) = measure(text);
    size <= limit
}

/// `text` cut to fit one screen, with an ellipsis where it was cut (`...` in GSM 7-bit,
/// where `…` does not exist). Cuts on a character boundary.
pub fn fit(text: &str) -> String {
    if fits(text) {
        return text.to_string();
    }
    let ellipsis = match encoding(text) {
        Encoding::Gsm7 => "...",
        Encoding::Ucs2 => "…",
    };
    let mut out = String::new();
    for c in text.chars() {
        let mut next = out.clone();
        next.push(c);
        next.push_str(ellipsis);
        if !fits(&next) {
            break;
        }
        out.push(c);
    }
    out.push_str(ellipsis);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_gsm_and_bengali_is_ucs2() {
        assert_eq!(encoding("1 Reset PIN\n0 Back"), Encoding::Gsm7);
        assert_eq!(encoding("1 পিন রিসেট"), Encoding::Ucs2);
        // The taka sign is not in the GSM alphabet: one on an English screen halves it.
        assert_eq!(encoding("Cash out ৳500"), Encoding::Ucs2);
    }

    #[test]
    fn limits_are_counted_in_the_right_unit() {
        assert!(fits(&"a".repeat(182)));
        assert!(!fits(&"a".repeat(183)));
        // Extension characters take two septets.
        assert!(!fits(&format!("{}{{", "a".repeat(181))));
        assert!(fits(&"ক".repeat(80)));
        assert!(!fits(&"ক".repeat(81)));
    }

    #[test]
    fn fit_cuts_with_an_ellipsis_that_keeps_the_encoding() {
        let long = "word ".repeat(60);
        let cut = fit(&long);
        assert!(fits(&cut) && cut.ends_with("...") && encoding(&cut) == Encoding::Gsm7);
        let long_bn = "শব্দ ".repeat(30);
        let cut = fit(&long_bn);
        assert!(fits(&cut) && cut.ends_with('…'));
        assert_eq!(fit("short"), "short");
    }
}
