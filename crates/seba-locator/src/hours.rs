//! Opening hours of service points, in OpenStreetMap's `opening_hours` syntax.
//!
//! Centres, agent points, pop-up desks and drop boxes all keep their hours as one string
//! such as `Sa-Th 09:00-19:00; Fr off; PH off`: admins already know the syntax from maps,
//! it says special periods (Covid hours, Ramadan, an Eid closure, a trade fair) in the same
//! line as the normal week, and the directory can be exported to OpenStreetMap unchanged.
//! Parsing and the rule semantics come from the `opening-hours` crate; this module adds
//! what seba needs around it:
//!
//! - **Dhaka wall-clock time.** Instants come in as [`Timestamp`]s and are evaluated on
//!   Asia/Dhaka's civil clock, so callers never juggle offsets.
//! - **seba's holidays as `PH`.** Bangladesh's holidays move (both Eids, Shab-e-Barat,
//!   Buddha Purnima follow the moon and are fixed by gazette), so the crate's bundled
//!   country data, which only knows the fixed national days, is never used: the admin's
//!   list is handed in as [`Holidays`]. `SH` (school holidays) never matches.
//! - **A bounded search.** "Next change" looks at most [`HORIZON`] ahead, so a desk that
//!   never opens again costs a bounded amount of work instead of a walk to the year 9999.
//! - **Answers for people**: [`Schedule::describe`] says "আজ সন্ধ্যা ৭টা পর্যন্ত খোলা" /
//!   "Open today until 7 pm", and a malformed string is a [`HoursError`] that says where
//!   and what in both languages.
//!
//! `tests/hours_reference.rs` compares the answers with opening_hours.js, the reference
//! implementation. Where the two read the syntax differently, seba keeps the crate's
//! reading:
//!
//! - a rule with hours and a comment but no state word (`Sa-Th 09:00-19:00 "open till
//!   the last customer is served"`) is *open* with the comment, where opening_hours.js
//!   says *unknown*; `open "…"` means the same in both;
//! - a fallback rule (`||`) applies on days no earlier rule covers, not at every hour no
//!   earlier rule is open;
//! - an open end (`17:00+`) is open until midnight, not unknown.
//!
//! The one exception: a string that is nothing but a comment (`"by appointment"`) is
//! unknown, as in opening_hours.js. The crate would call it open around the clock, and
//! "open now" would send people to a locked door.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, LazyLock};

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone as _, Utc};
use jiff::{
    SignedDuration, Timestamp,
    civil::{Date, DateTime, Weekday},
    tz::{self, TimeZone},
};
use opening_hours::localization::{Coordinates, Localize, TzLocation};
use opening_hours::{Context, ContextHolidays, DateTimeRange, OpeningHours, RuleKind};
use seba_core::bilingual::{Bilingual, Explain};
use seba_core::calendar::BusinessCalendar;
use seba_core::text::bengali_digits;
use serde::Serialize;

/// How far ahead [`Schedule::next_change`] and friends look: a year and a day, so that
/// an annual rule ("Dec 16 off") or a pop-up desk's next season is still found.
pub const HORIZON: SignedDuration = SignedDuration::from_hours(366 * 24);

/// Within this much of a change, [`Schedule::describe`] counts minutes ("closes in 20
/// minutes") instead of naming the clock time.
pub const SOON: SignedDuration = SignedDuration::from_mins(60);

/// Longest accepted string, in characters. OpenStreetMap allows 255; seba allows more
/// for years of special periods, but bounds the work one string can cause.
pub const MAX_CHARS: usize = 1000;

/// Central Dhaka, for sunrise and sunset (`sunrise-sunset` rules). Across Bangladesh the
/// sun is at most about a quarter of an hour earlier or later.
const DHAKA_COORDINATES: Option<Coordinates> = Coordinates::new(23.8103, 90.4125);

static DHAKA: LazyLock<TimeZone> = LazyLock::new(|| {
    // The tz database is bundled, so the lookup cannot fail in practice; Dhaka has kept
    // +06:00 since the end of 2009, so the fallback is exact for every date that matters.
    TimeZone::get("Asia/Dhaka").unwrap_or_else(|_| TimeZone::fixed(tz::offset(6)))
});

/// The crate evaluates on naive local times; it only needs a chrono zone to place sun
/// events, and +06:00 is Dhaka's offset. Conversions to and from instants go through
/// jiff's Asia/Dhaka, so the carrier offset never decides which instant is meant.
type Dhaka = TzLocation<FixedOffset>;

fn dhaka_locale() -> Dhaka {
    locale_at(DHAKA_COORDINATES)
}

/// Dhaka's clock, with the sun placed at `place` (central Dhaka if none).
fn locale_at(place: Option<Coordinates>) -> Dhaka {
    let offset = FixedOffset::east_opt(6 * 3600).unwrap_or_else(|| Utc.fix());
    let locale = TzLocation::new(offset);
    match place.or(DHAKA_COORDINATES) {
        Some(c) => locale.with_coords(c),
        None => locale,
    }
}

// ---- holidays --------------------------------------------------------------------------

/// seba's public holidays in the form the evaluator reads, built once from the admin's
/// list and shared (cloning is cheap) by every schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holidays(ContextHolidays);

impl Holidays {
    pub fn new(dates: impl IntoIterator<Item = Date>) -> Self {
        // The crate's calendar type is not re-exported; collecting into the parameter
        // lets the compiler name it for us, so no extra dependency is needed.
        let public = Arc::new(dates.into_iter().filter_map(naive_date).collect());
        Holidays(ContextHolidays::new(public, Arc::default()))
    }

    pub fn contains(&self, date: Date) -> bool {
        naive_date(date).is_some_and(|d| self.0.get_public().contains(d))
    }
}

impl From<&BusinessCalendar> for Holidays {
    fn from(cal: &BusinessCalendar) -> Self {
        Holidays::new(cal.holidays().iter().copied())
    }
}

// ---- errors ----------------------------------------------------------------------------

/// Why an opening-hours string was refused. Columns count characters from 1, as an
/// editor shows them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    /// Blank text would otherwise read as `24/7`, which is never what an empty CSV cell
    /// means.
    #[error("opening hours are empty")]
    Empty,
    #[error("opening hours are {chars} characters long; at most {MAX_CHARS} are allowed")]
    TooLong { chars: usize },
    /// The text does not follow the grammar from `column` on.
    #[error("cannot read the opening hours at column {column}, near {near:?}")]
    Syntax {
        column: usize,
        /// What the text says from `column` on (shortened); empty at the end of the text.
        near: String,
        hint: Option<Hint>,
    },
    /// The grammar is fine but a rule means nothing sensible (e.g. `2021-2020`).
    #[error("the rule at column {column} ({rule:?}) is invalid: {detail}")]
    Invalid {
        column: usize,
        rule: String,
        problem: Problem,
        /// The parser's own English wording, often with a suggested fix.
        detail: String,
    },
}

/// What the parser expected where it stopped, when that is one simple thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hint {
    Weekday,
    Time,
    Month,
    Number,
    UnclosedComment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// A year or week range whose start is after its end.
    InvertedRange,
    /// A number outside its range (week 54, a huge repeat step).
    OutOfRange,
    InvalidTime,
    Unsupported,
    Other,
}

impl HoursError {
    /// Where the problem is (1-based character column), if it has a place.
    pub fn column(&self) -> Option<usize> {
        match self {
            HoursError::Syntax { column, .. } | HoursError::Invalid { column, .. } => Some(*column),
            HoursError::Empty | HoursError::TooLong { .. } => None,
        }
    }
}

impl Explain for HoursError {
    fn explain(&self) -> Bilingual {
        match self {
            HoursError::Empty => Bilingual::new("খোলার সময় লেখা হয়নি", "The opening hours are empty"),
            HoursError::TooLong { chars } => Bilingual::new(
                format!(
                    "খোলার সময়ের লেখা {} অক্ষরের, সর্বোচ্চ {} অক্ষর চলে",
                    bn(chars),
                    bn(MAX_CHARS)
                ),
                format!(
                    "The opening hours are {chars} characters long; at most {MAX_CHARS} are allowed"
                ),
            ),
            HoursError::Syntax { column, near, hint } => {
                let (mut b, mut e) = if near.is_empty() {
                    (
                        format!("খোলার সময়ের লেখা শেষে (কলাম {}) অসম্পূর্ণ", bn(column)),
                        format!("The opening hours end too early (column {column})"),
                    )
                } else {
                    (
                        format!("খোলার সময়ের লেখায় কলাম {}-এ \"{near}\" বোঝা যায়নি", bn(column)),
                        format!(
                            "Cannot read the opening hours at column {column}, near \"{near}\""
                        ),
                    )
                };
                if let Some(hint) = hint {
                    let h = hint.explain();
                    b = format!("{b} — {}", h.bn);
                    e = format!("{e} — {}", h.en);
                }
                Bilingual::new(b, e)
            }
            HoursError::Invalid {
                column,
                rule,
                problem,
                detail,
            } => {
                let reason = match problem {
                    Problem::InvertedRange => "পরিসরের শুরু শেষের পরে; ছোটটি আগে লিখুন",
                    Problem::OutOfRange => "একটি সংখ্যা সীমার বাইরে",
                    Problem::InvalidTime => "সময়টি ঠিক নেই",
                    Problem::Unsupported => "এই ধরনের নিয়ম এখনো চলে না",
                    Problem::Other => "নিয়মটির অর্থ করা যায়নি",
                };
                Bilingual::new(
                    format!(
                        "খোলার সময়ের কলাম {}-এর নিয়ম \"{rule}\" ঠিক নেই: {reason}",
                        bn(column)
                    ),
                    format!("The rule \"{rule}\" at column {column} is invalid: {detail}"),
                )
            }
        }
    }
}

impl Explain for Hint {
    fn explain(&self) -> Bilingual {
        match self {
            Hint::Weekday => Bilingual::new(
                "এখানে দিনের নাম লিখুন: Sa, Su, Mo, Tu, We, Th বা Fr",
                "expected a day: Sa, Su, Mo, Tu, We, Th or Fr",
            ),
            Hint::Time => Bilingual::new(
                "এখানে সময় লিখুন, যেমন 09:00 বা 19:30",
                "expected a time such as 09:00 or 19:30",
            ),
            Hint::Month => Bilingual::new(
                "এখানে মাসের নাম লিখুন, যেমন Jan বা Dec",
                "expected a month such as Jan or Dec",
            ),
            Hint::Number => Bilingual::new("এখানে একটি সংখ্যা লিখুন", "expected a number"),
            Hint::UnclosedComment => Bilingual::new(
                "উদ্ধৃতিচিহ্ন (\") দিয়ে শুরু মন্তব্যটি শেষ হয়নি",
                "a comment in quotes (\") is not closed",
            ),
        }
    }
}

type ParseError = <OpeningHours as FromStr>::Err;

/// Turns the crate's error about `ascii` (what was parsed: `text` with ASCII digits, the
/// same characters at the same columns) into ours. Its error type lives in
/// `opening-hours-syntax`, which seba does not depend on directly, so the variant is read
/// from its `Debug` name and the position from its `Display` (pest's ` --> line:column`
/// header). `lead` is the number of characters trimmed off the front.
fn classify(text: &str, ascii: &str, lead: usize, err: &ParseError) -> HoursError {
    let debug = format!("{err:?}");
    let display = err.to_string();
    if debug.starts_with("Syntax") {
        let column = pest_column(&display).unwrap_or(1);
        // pest stops on the space before an unexpected word; point at the word.
        let spaces = text
            .chars()
            .skip(column.saturating_sub(1))
            .take_while(|c| *c == ' ')
            .count();
        let column = if text.chars().count() >= column + spaces {
            column + spaces
        } else {
            column
        };
        let near = near(text, column);
        let hint = if text.matches('"').count() % 2 == 1 {
            Some(Hint::UnclosedComment)
        } else {
            pest_hint(&display)
        };
        return HoursError::Syntax {
            column: column + lead,
            near,
            hint,
        };
    }
    let problem = if debug.starts_with("Inverted") {
        Problem::InvertedRange
    } else if debug.starts_with("Overflow") {
        Problem::OutOfRange
    } else if debug.starts_with("InvalidExtendedTime") {
        Problem::InvalidTime
    } else if debug.starts_with("Unsupported") {
        Problem::Unsupported
    } else {
        Problem::Other
    };
    let (column, rule) = culprit_rule(text, ascii);
    HoursError::Invalid {
        column: column + lead,
        rule,
        problem,
        detail: display,
    }
}

/// The column from pest's first line, ` --> 1:7`. The grammar has no line breaks, so
/// the line is always 1.
fn pest_column(display: &str) -> Option<usize> {
    let header = display.lines().next()?.trim().strip_prefix("-->")?;
    let (_line, column) = header.trim().split_once(':')?;
    column.trim().parse().ok()
}

/// pest's `= expected a, b, or c` line, reduced to a hint when all it lists is one kind
/// of thing. The names are the grammar's rule names.
fn pest_hint(display: &str) -> Option<Hint> {
    let list = display
        .lines()
        .find_map(|l| l.trim().strip_prefix("= expected "))?;
    let names: Vec<&str> = list
        .split([',', ' '])
        .filter(|w| !w.is_empty() && *w != "or")
        .collect();
    let all = |set: &[&str]| !names.is_empty() && names.iter().all(|n| set.contains(n));
    if all(&["wday"]) {
        Some(Hint::Weekday)
    } else if all(&[
        "time",
        "extended_time",
        "hour_minutes",
        "extended_hour_minutes",
        "hour",
        "extended_hour",
        "minute",
        "variable_time",
    ]) {
        Some(Hint::Time)
    } else if all(&["month"]) {
        Some(Hint::Month)
    } else if all(&["positive_number", "daynum", "weeknum", "year", "nth"]) {
        Some(Hint::Number)
    } else {
        None
    }
}

/// About 16 characters of `text` from the 1-based `column`, for the error message; a
/// longer rest is cut at a space so that no Bengali conjunct is split.
fn near(text: &str, column: usize) -> String {
    let mut rest = text.chars().skip(column.saturating_sub(1));
    let shown: String = rest.by_ref().take(16).collect();
    if rest.next().is_none() {
        return shown;
    }
    match shown.trim_end().rfind(' ') {
        Some(cut) if cut > 0 => format!("{}…", shown[..cut].trim_end()),
        _ => format!("{shown}…"),
    }
}

/// Byte ranges of the rules of `text`: split at `;` and `||` outside quoted comments.
fn rule_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => {
                spans.push((start, i));
                start = i + 1;
            }
            '|' if !quoted && chars.peek().is_some_and(|&(_, n)| n == '|') => {
                spans.push((start, i));
                chars.next();
                start = i + 2;
            }
            _ => {}
        }
    }
    spans.push((start, text.len()));
    spans
}

/// For an error that has no position: the first rule whose addition breaks `ascii`, as
/// (1-based column, the rule as written in `text`).
fn culprit_rule(text: &str, ascii: &str) -> (usize, String) {
    for (start, end) in rule_spans(ascii) {
        let (Some(prefix), Some(rule)) = (ascii.get(..start), ascii.get(start..end)) else {
            continue;
        };
        let Some(upto) = ascii.get(..end) else {
            continue;
        };
        if upto.parse::<OpeningHours>().is_err() {
            let column = prefix.chars().count() + rule.chars().count()
                - rule.trim_start().chars().count()
                + 1;
            let written = text
                .chars()
                .skip(column - 1)
                .take(rule.trim().chars().count())
                .collect();
            return (column, written);
        }
    }
    (1, text.to_owned())
}

/// The whole text is one quoted comment, like `"by appointment"`.
fn is_bare_comment(text: &str) -> bool {
    text.len() >= 2
        && text.starts_with('"')
        && text.ends_with('"')
        && text.matches('"').count() == 2
}

/// Bengali digits become ASCII outside quoted comments, so `শনি`-keyboard users can type
/// `০৯:০০-১৯:০০`; comments keep what was written. One character stays one character, so
/// error columns still match the input.
fn ascii_digits_outside_comments(text: &str) -> String {
    let mut quoted = false;
    text.chars()
        .map(|c| {
            if c == '"' {
                quoted = !quoted;
            }
            match c {
                '\u{09E6}'..='\u{09EF}' if !quoted => {
                    char::from_u32(c as u32 - 0x09E6 + u32::from(b'0')).unwrap_or(c)
                }
                _ => c,
            }
        })
        .collect()
}

// ---- the schedule ----------------------------------------------------------------------

/// Open, closed or unknown (the string says `unknown`, or nobody knows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    Closed,
    Unknown,
}

impl From<RuleKind> for State {
    fn from(kind: RuleKind) -> Self {
        match kind {
            RuleKind::Open => State::Open,
            RuleKind::Closed => State::Closed,
            RuleKind::Unknown => State::Unknown,
        }
    }
}

/// The state at one instant with the comment of the rule that decided it, e.g.
/// `"open till the last customer is served"` or `"Eid-ul-Fitr"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub state: State,
    pub comment: Option<String>,
}

/// A parsed opening-hours string, ready to answer questions about instants.
#[derive(Debug, Clone)]
pub struct Schedule {
    text: String,
    hours: OpeningHours<Dhaka>,
    holidays: Holidays,
    /// Where the sun is reckoned for `sunrise`/`sunset` rules (central Dhaka if none).
    place: Option<Coordinates>,
    /// Walk one day at a time instead of trusting the crate's skip-ahead; see
    /// [`needs_day_steps`].
    day_steps: bool,
}

/// The start of a stretch of one state, as the crate reports it within the window asked
/// for.
struct Period {
    start: Timestamp,
    state: State,
}

impl Schedule {
    /// Parses `text` (surrounding whitespace is ignored, Bengali digits are accepted).
    /// `PH` matches nothing until [`Schedule::with_holidays`] supplies the list.
    pub fn parse(text: &str) -> Result<Schedule, HoursError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(HoursError::Empty);
        }
        let chars = trimmed.chars().count();
        if chars > MAX_CHARS {
            return Err(HoursError::TooLong { chars });
        }
        let lead = text
            .get(..text.len() - text.trim_start().len())
            .map_or(0, |s| s.chars().count());
        let ascii = ascii_digits_outside_comments(trimmed);
        let parsed = if is_bare_comment(trimmed) {
            // The crate would call `"by appointment"` open around the clock; the
            // reference calls it unknown, which is the only safe reading.
            format!("unknown {ascii}").parse::<OpeningHours>()
        } else {
            ascii.parse::<OpeningHours>()
        };
        let hours = parsed.map_err(|e| classify(trimmed, &ascii, lead, &e))?;
        let holidays = Holidays::default();
        Ok(Schedule {
            text: trimmed.to_owned(),
            day_steps: needs_day_steps(&hours),
            hours: with_context(hours, &holidays, None),
            place: None,
            holidays,
        })
    }

    /// The same schedule with `holidays` as `PH`.
    pub fn with_holidays(self, holidays: &Holidays) -> Schedule {
        Schedule {
            hours: with_context(self.hours, holidays, self.place),
            holidays: holidays.clone(),
            ..self
        }
    }

    /// The same schedule with sunrise and sunset reckoned at the point's own place: the sun
    /// rises about half an hour earlier in Sylhet than in Satkhira, and "sunrise-sunset"
    /// hours follow it. Other rules do not depend on the place.
    pub fn at_place(self, lat: f64, lon: f64) -> Schedule {
        let place = Coordinates::new(lat, lon).or(self.place);
        Schedule {
            hours: with_context(self.hours, &self.holidays, place),
            place,
            ..self
        }
    }

    /// Whether the hours name sunrise, sunset, dawn or dusk, so that the answer depends
    /// on where the point is.
    pub fn follows_the_sun(&self) -> bool {
        let lower = self.text.to_ascii_lowercase();
        ["sunrise", "sunset", "dawn", "dusk"]
            .iter()
            .any(|w| lower.contains(w))
    }

    /// The text as written (trimmed).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The state at `at` and the comment of the rule that decided it. Cheap: this is
    /// what "open now" filters call for every candidate.
    pub fn state_at(&self, at: Timestamp) -> Status {
        // Beyond what the crate evaluates (before 1900, after 9999) everything is closed,
        // as the crate itself answers there.
        let Some(local) = to_local(at) else {
            return Status {
                state: State::Closed,
                comment: None,
            };
        };
        let (kind, comment) = self.hours.state(local);
        Status {
            state: kind.into(),
            comment: (!comment.is_empty()).then(|| comment.to_string()),
        }
    }

    pub fn is_open(&self, at: Timestamp) -> bool {
        self.state_at(at).state == State::Open
    }

    /// The first instant after `at` (within [`HORIZON`]) at which the state differs from
    /// the state at `at`. A change of comment alone is not a change.
    pub fn next_change(&self, at: Timestamp) -> Option<Timestamp> {
        let now = self.state_at(at).state;
        self.periods(at, horizon(at))
            .find(|p| p.state != now && p.start > at)
            .map(|p| p.start)
    }

    /// When an open place stops being open; `None` if it is not open at `at` or stays
    /// open for the whole [`HORIZON`] (24/7).
    pub fn closes_at(&self, at: Timestamp) -> Option<Timestamp> {
        if self.is_open(at) {
            self.next_change(at)
        } else {
            None
        }
    }

    /// The earliest instant from `at` on (within [`HORIZON`]) at which it is open: `at`
    /// itself if open now.
    pub fn next_opening(&self, at: Timestamp) -> Option<Timestamp> {
        if self.is_open(at) {
            return Some(at);
        }
        self.periods(at, horizon(at))
            .find(|p| p.state == State::Open && p.start > at)
            .map(|p| p.start)
    }

    /// One sentence for a customer about `at`, in Bengali and English: "আজ সন্ধ্যা
    /// ৭টা পর্যন্ত খোলা" / "Open today until 7 pm", "বন্ধ — কাল সকাল ৯টায় খুলবে" /
    /// "Closed — opens tomorrow at 9 am". The rule's comment follows in brackets.
    pub fn describe(&self, at: Timestamp) -> Bilingual {
        let status = self.state_at(at);
        let today = local_datetime(at).date();
        let (bn_text, en_text) = match status.state {
            State::Open => match self.next_change(at) {
                None => ("২৪ ঘণ্টা খোলা".to_owned(), "Open 24 hours".to_owned()),
                Some(close) if close.duration_since(at) <= SOON => {
                    let m = minutes_until(at, close);
                    (
                        format!("খোলা — {} মিনিট পরে বন্ধ হবে", bn(m)),
                        format!("Open — closes in {}", en_minutes(m)),
                    )
                }
                Some(close) => match Moment::of(close) {
                    Some(m) if m.day == today => (
                        format!("আজ {} পর্যন্ত খোলা", m.bn_time(false)),
                        format!("Open today until {}", m.en_time()),
                    ),
                    Some(m) => (
                        format!("{} {} পর্যন্ত খোলা", m.bn_day(today), m.bn_time(false)),
                        format!("Open until {} at {}", m.en_day(today), m.en_time()),
                    ),
                    None => ("খোলা".to_owned(), "Open".to_owned()),
                },
            },
            State::Closed => {
                let (closed_bn, closed_en) =
                    if self.holidays.contains(today) && !self.opens_on(today) {
                        ("আজ বন্ধ (সরকারি ছুটি)", "Closed today (public holiday)")
                    } else {
                        ("বন্ধ", "Closed")
                    };
                match self.next_opening(at) {
                    None => (closed_bn.to_owned(), closed_en.to_owned()),
                    Some(open) if open.duration_since(at) <= SOON => {
                        let m = minutes_until(at, open);
                        (
                            format!("{closed_bn} — {} মিনিট পরে খুলবে", bn(m)),
                            format!("{closed_en} — opens in {}", en_minutes(m)),
                        )
                    }
                    Some(open) => match Moment::of(open) {
                        Some(m) => (
                            format!("{closed_bn} — {} {} খুলবে", m.bn_day(today), m.bn_time(true)),
                            format!("{closed_en} — opens {} at {}", m.en_day(today), m.en_time()),
                        ),
                        None => (closed_bn.to_owned(), closed_en.to_owned()),
                    },
                }
            }
            State::Unknown => (
                "খোলা থাকতে পারে — যাওয়ার আগে ফোন করে নিন".to_owned(),
                "May be open — call before you go".to_owned(),
            ),
        };
        match status.comment {
            Some(c) => Bilingual::new(format!("{bn_text} ({c})"), format!("{en_text} ({c})")),
            None => Bilingual::new(bn_text, en_text),
        }
    }

    /// Whether it is open at any time during the local day `day`.
    fn opens_on(&self, day: Date) -> bool {
        let start = day.to_zoned(DHAKA.clone()).map(|z| z.timestamp());
        let end = day
            .tomorrow()
            .and_then(|d| d.to_zoned(DHAKA.clone()))
            .map(|z| z.timestamp());
        match (start, end) {
            (Ok(start), Ok(end)) => self.periods(start, end).any(|p| p.state == State::Open),
            _ => false,
        }
    }

    /// The stretches of state between `from` and `to`; the first starts at `from`. A
    /// stretch may be followed by another in the same state (at a change of comment, or
    /// at midnight when walking day by day).
    fn periods(&self, from: Timestamp, to: Timestamp) -> impl Iterator<Item = Period> + '_ {
        let day_steps = self.day_steps;
        let window_end = move |start: Timestamp| {
            if day_steps {
                next_midnight(start).map_or(to, |m| m.min(to))
            } else {
                to
            }
        };
        std::iter::successors(Some(from), move |&start| {
            let end = window_end(start);
            (end < to).then_some(end)
        })
        .flat_map(move |start| self.window(start, window_end(start)))
    }

    fn window(&self, from: Timestamp, to: Timestamp) -> impl Iterator<Item = Period> + use<> {
        to_local(from)
            .zip(to_local(to))
            .map(|(a, b)| self.hours.iter_range(a, b))
            .into_iter()
            .flatten()
            .filter_map(|r: DateTimeRange<chrono::DateTime<FixedOffset>>| {
                Some(Period {
                    start: from_local(r.range.start.naive_local())?,
                    state: r.kind.into(),
                })
            })
    }
}

impl FromStr for Schedule {
    type Err = HoursError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Schedule::parse(s)
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn with_context(
    hours: OpeningHours<impl Localize>,
    holidays: &Holidays,
    place: Option<Coordinates>,
) -> OpeningHours<Dhaka> {
    hours.with_context(
        Context::default()
            .with_holidays(holidays.0.clone())
            .with_locale(locale_at(place)),
    )
}

/// Whether the crate's skip-ahead can be wrong for this expression. It decides that an
/// expression never changes by looking at its last rule only, without regard to how that
/// rule is joined: `Sa-Th 09:00-19:00 || unknown "call 16247 first"` ends in an
/// always-rule, so after Tuesday 19:00 it would report no change for ever instead of
/// Wednesday 09:00. Expressions with fallback (`||`) or additional (`,`) rules are
/// therefore walked one day at a time, which is always right and costs at most one
/// evaluation per day of the [`HORIZON`]. (The operator type is not re-exported, so its
/// `Debug` name is compared.)
fn needs_day_steps(hours: &OpeningHours) -> bool {
    hours
        .get_expression()
        .rules
        .iter()
        .any(|rule| format!("{:?}", rule.operator) != "Normal")
}

/// The next local midnight after `at`.
fn next_midnight(at: Timestamp) -> Option<Timestamp> {
    let tomorrow = local_datetime(at).date().tomorrow().ok()?;
    tomorrow.to_zoned(DHAKA.clone()).ok().map(|z| z.timestamp())
}

fn horizon(at: Timestamp) -> Timestamp {
    at.checked_add(HORIZON).unwrap_or(Timestamp::MAX)
}

// ---- time conversions ------------------------------------------------------------------

fn naive_date(d: Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        i32::from(d.year()),
        u32::try_from(d.month()).ok()?,
        u32::try_from(d.day()).ok()?,
    )
}

/// The calendar date in Dhaka at `at` (what "today" means for a pop-up desk's dates).
pub fn local_date(at: Timestamp) -> Date {
    local_datetime(at).date()
}

fn local_datetime(at: Timestamp) -> DateTime {
    at.to_zoned(DHAKA.clone()).datetime()
}

fn to_local(at: Timestamp) -> Option<chrono::DateTime<FixedOffset>> {
    let dt = local_datetime(at);
    let naive = naive_date(dt.date())?.and_hms_nano_opt(
        u32::try_from(dt.hour()).ok()?,
        u32::try_from(dt.minute()).ok()?,
        u32::try_from(dt.second()).ok()?,
        u32::try_from(dt.subsec_nanosecond()).ok()?,
    )?;
    dhaka_locale()
        .get_timezone()
        .from_local_datetime(&naive)
        .single()
}

fn from_local(naive: NaiveDateTime) -> Option<Timestamp> {
    use chrono::{Datelike, Timelike};
    let dt = DateTime::new(
        i16::try_from(naive.year()).ok()?,
        i8::try_from(naive.month()).ok()?,
        i8::try_from(naive.day()).ok()?,
        i8::try_from(naive.hour()).ok()?,
        i8::try_from(naive.minute()).ok()?,
        i8::try_from(naive.second()).ok()?,
        i32::try_from(naive.nanosecond()).ok()?,
    )
    .ok()?;
    dt.to_zoned(DHAKA.clone()).ok().map(|z| z.timestamp())
}

// ---- words -----------------------------------------------------------------------------

fn bn(n: impl fmt::Display) -> String {
    bengali_digits(&n.to_string())
}

/// Whole minutes from `a` to `b`, rounded up so that "closes in 0 minutes" never shows.
fn minutes_until(a: Timestamp, b: Timestamp) -> i64 {
    let nanos = b.duration_since(a).as_nanos().max(0);
    let minute = 60_000_000_000_i128;
    i64::try_from((nanos + minute - 1) / minute)
        .unwrap_or(i64::MAX)
        .max(1)
}

fn en_minutes(m: i64) -> String {
    if m == 1 {
        "1 minute".to_owned()
    } else {
        format!("{m} minutes")
    }
}

/// A local clock time as people say it: 00:00 belongs to the evening before
/// ("until midnight", "রাত ১২টা পর্যন্ত").
struct Moment {
    day: Date,
    hour: i8,
    minute: i8,
}

impl Moment {
    fn of(at: Timestamp) -> Option<Moment> {
        let dt = local_datetime(at);
        let (day, hour) = if dt.hour() == 0 && dt.minute() == 0 {
            (dt.date().yesterday().ok()?, 24)
        } else {
            (dt.date(), dt.hour())
        };
        Some(Moment {
            day,
            hour,
            minute: dt.minute(),
        })
    }

    fn en_time(&self) -> String {
        match (self.hour, self.minute) {
            (24, _) => "midnight".to_owned(),
            (12, 0) => "noon".to_owned(),
            (h, m) => {
                let suffix = if h < 12 { "am" } else { "pm" };
                let h12 = if h % 12 == 0 { 12 } else { h % 12 };
                if m == 0 {
                    format!("{h12} {suffix}")
                } else {
                    format!("{h12}:{m:02} {suffix}")
                }
            }
        }
    }

    /// "সন্ধ্যা ৭টা" / "সকাল ৯টা ৩০ মিনিট"; with `at`, the locative ("৭টায়",
    /// "৩০ মিনিটে").
    fn bn_time(&self, at: bool) -> String {
        let h = self.hour % 24;
        let part = match h {
            4..=5 => "ভোর",
            6..=11 => "সকাল",
            12..=14 => "দুপুর",
            15..=17 => "বিকেল",
            18..=19 => "সন্ধ্যা",
            _ => "রাত",
        };
        let h12 = if h % 12 == 0 { 12 } else { h % 12 };
        match (self.minute, at) {
            (0, false) => format!("{part} {}টা", bn(h12)),
            (0, true) => format!("{part} {}টায়", bn(h12)),
            (m, false) => format!("{part} {}টা {} মিনিট", bn(h12), bn(m)),
            (m, true) => format!("{part} {}টা {} মিনিটে", bn(h12), bn(m)),
        }
    }

    fn en_day(&self, today: Date) -> String {
        match DayWord::of(self.day, today) {
            DayWord::Today => "today".to_owned(),
            DayWord::Tomorrow => "tomorrow".to_owned(),
            DayWord::Weekday(w) => EN_WEEKDAYS[w.to_sunday_zero_offset() as usize].to_owned(),
            DayWord::Date { show_year } => {
                let month = EN_MONTHS[(self.day.month() - 1) as usize];
                if show_year {
                    format!("on {} {month} {}", self.day.day(), self.day.year())
                } else {
                    format!("on {} {month}", self.day.day())
                }
            }
        }
    }

    fn bn_day(&self, today: Date) -> String {
        match DayWord::of(self.day, today) {
            DayWord::Today => "আজ".to_owned(),
            DayWord::Tomorrow => "কাল".to_owned(),
            DayWord::Weekday(w) => BN_WEEKDAYS[w.to_sunday_zero_offset() as usize].to_owned(),
            DayWord::Date { show_year } => {
                let month = BN_MONTHS[(self.day.month() - 1) as usize];
                if show_year {
                    format!("{} {month} {}", bn(self.day.day()), bn(self.day.year()))
                } else {
                    format!("{} {month}", bn(self.day.day()))
                }
            }
        }
    }
}

enum DayWord {
    Today,
    Tomorrow,
    /// Within the coming week, the weekday names the day without ambiguity.
    Weekday(Weekday),
    Date {
        show_year: bool,
    },
}

impl DayWord {
    fn of(day: Date, today: Date) -> DayWord {
        let days = today.until(day).map(|s| s.get_days()).unwrap_or(i32::MAX);
        match days {
            0 => DayWord::Today,
            1 => DayWord::Tomorrow,
            2..=6 => DayWord::Weekday(day.weekday()),
            _ => DayWord::Date {
                show_year: day.year() != today.year(),
            },
        }
    }
}

const EN_WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

const BN_WEEKDAYS: [&str; 7] = [
    "রবিবার",
    "সোমবার",
    "মঙ্গলবার",
    "বুধবার",
    "বৃহস্পতিবার",
    "শুক্রবার",
    "শনিবার",
];

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const BN_MONTHS: [&str; 12] = [
    "জানুয়ারি",
    "ফেব্রুয়ারি",
    "মার্চ",
    "এপ্রিল",
    "মে",
    "জুন",
    "জুলাই",
    "আগস্ট",
    "সেপ্টেম্বর",
    "অক্টোবর",
    "নভেম্বর",
    "ডিসেম্বর",
];
