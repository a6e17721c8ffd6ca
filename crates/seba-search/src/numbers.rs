//! Numbers and phone numbers as people write them in complaints.
//!
//! An amount is written ৫,০০০ or 5,000 or 1,20,000 (lakh grouping) or 5000; all of them
//! must index as `5000`. A list such as "1,2,3" is not an amount and becomes three numbers.
//! Phone numbers are spread over several "words" ("017 1234 5678", "+88 01712-345678"), so
//! they are found on the folded text directly, and every candidate span is handed to
//! [`Msisdn::parse`] — the same rule the rest of seba uses — rather than a second opinion
//! on what a Bangladeshi number looks like.

use seba_core::contact::Msisdn;

/// One number inside a run of digits, offsets relative to the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumberPiece {
    pub start: usize,
    pub end: usize,
    pub value: String,
}

/// Split a run of ASCII digits with `,` and `.` between digits into normalised numbers.
pub(crate) fn split_number(run: &str) -> Vec<NumberPiece> {
    if !run.contains([',', '.']) {
        return vec![piece(run, 0, run.len())];
    }
    if let Some(value) = grouped(run) {
        return vec![NumberPiece {
            start: 0,
            end: run.len(),
            value,
        }];
    }
    let mut out = Vec::new();
    let mut from = 0;
    for part in run.split(',') {
        decimal(run, from, from + part.len(), &mut out);
        from += part.len() + 1;
    }
    out
}

fn piece(run: &str, start: usize, end: usize) -> NumberPiece {
    NumberPiece {
        start,
        end,
        value: run.get(start..end).unwrap_or_default().to_string(),
    }
}

/// `1,20,000` / `5,000` / `12,345.50`: Western or South Asian thousands grouping. The
/// first group has 1–3 digits, the middle ones 2 or 3, the last exactly 3 (optionally
/// followed by a decimal part).
fn grouped(run: &str) -> Option<String> {
    let groups: Vec<&str> = run.split(',').collect();
    if groups.len() < 2 {
        return None;
    }
    let (last, rest) = groups.split_last()?;
    let (int_last, frac) = match last.split_once('.') {
        Some((i, f)) if !f.contains('.') => (i, Some(f)),
        Some(_) => return None,
        None => (*last, None),
    };
    let first_ok = rest.first().is_some_and(|g| (1..=3).contains(&g.len()));
    let middle_ok = rest
        .iter()
        .skip(1)
        .all(|g| (2..=3).contains(&g.len()) && !g.contains('.'));
    if !(first_ok && middle_ok && int_last.len() == 3 && !rest[0].contains('.')) {
        return None;
    }
    let mut value: String = rest.concat();
    value.push_str(int_last);
    Some(with_fraction(value, frac))
}

fn with_fraction(mut int: String, frac: Option<&str>) -> String {
    if let Some(f) = frac {
        let f = f.trim_end_matches('0');
        if !f.is_empty() {
            int.push('.');
            int.push_str(f);
        }
    }
    int
}

/// A comma-free part: `500`, `500.50` (→ `500.5`), or `12.05.2024` (→ three numbers).
fn decimal(run: &str, start: usize, end: usize, out: &mut Vec<NumberPiece>) {
    let Some(part) = run.get(start..end) else {
        return;
    };
    if part.is_empty() {
        return;
    }
    match part.matches('.').count() {
        0 => out.push(piece(run, start, end)),
        1 => {
            let (i, f) = part.split_once('.').unwrap_or((part, ""));
            if i.is_empty() {
                out.push(piece(run, start + 1, end));
            } else {
                out.push(NumberPiece {
                    start,
                    end,
                    value: with_fraction(i.to_string(), Some(f)),
                });
            }
        }
        _ => {
            let mut from = start;
            for p in part.split('.') {
                if !p.is_empty() {
                    out.push(piece(run, from, from + p.len()));
                }
                from += p.len() + 1;
            }
        }
    }
}

/// A phone number found in folded text: the span (from a leading `+` if any) and its
/// 11-digit national form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhoneSpan {
    pub start: usize,
    /// Where the first digit is: the span's `+` may belong to no word.
    pub digits_start: usize,
    pub end: usize,
    pub national: String,
}

/// The most digits any accepted form has (`00880` + 10).
const MAX_PHONE_DIGITS: usize = 15;
/// Separators between digit groups, at most this many bytes ("017 - 1234").
const MAX_GAP_BYTES: usize = 4;

fn is_gap(s: &str) -> bool {
    s.len() <= MAX_GAP_BYTES
        && s.chars()
            .all(|c| matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{00A0}'))
}

/// Every Bangladeshi mobile number in `text` (digits already ASCII). Linear: each digit
/// group starts at most a handful of candidate spans, each at most 15 digits long.
pub(crate) fn find_phones(text: &str) -> Vec<PhoneSpan> {
    let bytes = text.as_bytes();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let s = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            groups.push((s, i));
        } else {
            i += 1;
        }
    }
    let mut out = Vec::new();
    let mut g = 0;
    while g < groups.len() {
        match phone_from(text, &groups, g) {
            Some((span, last)) => {
                out.push(span);
                g = last + 1;
            }
            None => g += 1,
        }
    }
    out
}

fn phone_from(text: &str, groups: &[(usize, usize)], first: usize) -> Option<(PhoneSpan, usize)> {
    let (digits_start, _) = *groups.get(first)?;
    // "+88…" and "(+88) …": the plus is part of the number's shape.
    let before = text.get(..digits_start).unwrap_or_default();
    let start = if before.ends_with('+') {
        digits_start - 1
    } else {
        digits_start
    };
    let mut total = 0;
    for (j, &(s, e)) in groups.iter().enumerate().skip(first) {
        if j > first {
            let gap = text.get(groups[j - 1].1..s).unwrap_or("x");
            if !is_gap(gap) {
                return None;
            }
        }
        total += e - s;
        if total > MAX_PHONE_DIGITS {
            return None;
        }
        if total >= 11
            && let Some(candidate) = text.get(start..e)
            && let Ok(m) = Msisdn::parse(candidate)
        {
            return Some((
                PhoneSpan {
                    start,
                    digits_start,
                    end: e,
                    national: m.national(),
                },
                j,
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(run: &str) -> Vec<String> {
        split_number(run).into_iter().map(|p| p.value).collect()
    }

    #[test]
    fn grouping_western_and_lakh() {
        assert_eq!(values("5,000"), ["5000"]);
        assert_eq!(values("1,20,000"), ["120000"]);
        assert_eq!(values("12,34,56,789"), ["123456789"]);
        assert_eq!(values("1,234,567"), ["1234567"]);
        assert_eq!(values("1,20,000.50"), ["120000.5"]);
        assert_eq!(values("5000.00"), ["5000"]);
    }

    #[test]
    fn lists_and_dates_split() {
        assert_eq!(values("1,2,3"), ["1", "2", "3"]);
        assert_eq!(values("12.05.2024"), ["12", "05", "2024"]);
        assert_eq!(values("10,5000"), ["10", "5000"]);
        let p = split_number("1,2,3");
        assert_eq!((p[2].start, p[2].end), (4, 5));
    }

    #[test]
    fn phones_in_written_forms() {
        for text in [
            "01712345678",
            "+8801712345678",
            "8801712345678",
            "017 1234 5678",
            "017-1234-5678",
            "(+88) 01712-345678",
            "call me at 01712345678 please",
        ] {
            let p = find_phones(text);
            assert_eq!(p.len(), 1, "{text}");
            assert_eq!(p[0].national, "01712345678", "{text}");
        }
    }

    #[test]
    fn not_phones() {
        assert!(find_phones("5000 taka 1,20,000").is_empty());
        assert!(find_phones("01212345678").is_empty());
        assert!(find_phones("017123456789012345678").is_empty());
        assert!(find_phones("017 1234      5678").is_empty());
    }

    #[test]
    fn two_phones_side_by_side() {
        let p = find_phones("01712345678 01812345678");
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].national, "01812345678");
    }
}
