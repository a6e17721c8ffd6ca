//! The business calendar that SLA clocks run on.
//!
//! Complaint deadlines in Bangladesh are promised in *business* time: Bangladesh Bank asks
//! for resolution within ten business days, and a business day there is not Monday to
//! Friday but Sunday to Thursday, minus public holidays, and only during office hours.
//! A plain `Timestamp + Duration` would therefore put due times on Friday prayers or in the
//! middle of the night. This module turns "N hours of working time after this instant"
//! into an instant and back, and nothing else: the list of holidays and the hours are
//! data handed in by the caller, so the same code serves a 24/7 hotline and a bank branch.
//!
//! Every calculation steps by whole days (one working window per day), never minute by
//! minute, and every search is capped so that a calendar whose holidays swallow whole
//! years cannot hang the process.

use std::collections::BTreeSet;

use jiff::{
    SignedDuration, Timestamp,
    civil::{Date, DateTime, Time, Weekday},
    tz::{self, TimeZone},
};

/// How far (in days) any search walks before giving up. Ten years is far beyond any
/// sensible SLA, yet small enough that a degenerate calendar costs only microseconds.
pub const MAX_SEARCH_DAYS: i32 = 3660;

/// Minutes in a civil day; `end_minute == MINUTES_PER_DAY` means "until midnight".
pub const MINUTES_PER_DAY: u16 = 1440;

/// Working days and hours in one time zone.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    tz: TimeZone,
    /// Indexed by `Weekday::to_monday_zero_offset`.
    weekend: [bool; 7],
    holidays: BTreeSet<Date>,
    start_minute: u16,
    end_minute: u16,
    open: Time,
    /// `None` is the end of the civil day (24:00), which `Time` cannot express.
    close: Option<Time>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("unknown time zone {0:?}")]
    UnknownTimeZone(String),
    #[error(
        "working hours must satisfy 0 <= start < end <= 1440 minutes, got start {start}, end {end}"
    )]
    InvalidHours { start: u16, end: u16 },
    #[error("every day of the week is a weekend day, so no time would ever count")]
    NoWorkingDays,
}

/// A civil time from minutes after midnight; callers guarantee `minute < 1440`.
fn time_of(minute: u16) -> Time {
    // Both parts are in range by construction, so the fallback is unreachable; it only
    // avoids a panic path in domain code.
    Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0).unwrap_or(Time::midnight())
}

fn weekday_index(w: Weekday) -> usize {
    w.to_monday_zero_offset() as usize
}

impl BusinessCalendar {
    /// start_minute/end_minute: minutes after local midnight, 0 <= start < end <= 1440.
    pub fn new(
        tz_name: &str,
        weekend: &[Weekday],
        start_minute: u16,
        end_minute: u16,
        holidays: impl IntoIterator<Item = Date>,
    ) -> Result<Self, CalendarError> {
        let tz = TimeZone::get(tz_name)
            .map_err(|_| CalendarError::UnknownTimeZone(tz_name.to_owned()))?;
        Self::with_time_zone(tz, weekend, start_minute, end_minute, holidays)
    }

    /// Like [`BusinessCalendar::new`] with an already resolved time zone.
    pub fn with_time_zone(
        tz: TimeZone,
        weekend: &[Weekday],
        start_minute: u16,
        end_minute: u16,
        holidays: impl IntoIterator<Item = Date>,
    ) -> Result<Self, CalendarError> {
        if start_minute >= end_minute || end_minute > MINUTES_PER_DAY {
            return Err(CalendarError::InvalidHours {
                start: start_minute,
                end: end_minute,
            });
        }
        let mut days = [false; 7];
        for &w in weekend {
            days[weekday_index(w)] = true;
        }
        if days.iter().all(|&w| w) {
            return Err(CalendarError::NoWorkingDays);
        }
        Ok(BusinessCalendar {
            tz,
            weekend: days,
            holidays: holidays.into_iter().collect(),
            start_minute,
            end_minute,
            open: time_of(start_minute),
            close: (end_minute < MINUTES_PER_DAY).then(|| time_of(end_minute)),
        })
    }

    /// Asia/Dhaka, Friday+Saturday weekend, 09:00–17:00, no holidays.
    pub fn bangladesh() -> Self {
        // The tz database is bundled into the binary, so the lookup cannot fail in
        // practice; should it ever, Dhaka has had a fixed +06:00 offset since 2009, which
        // keeps this constructor infallible.
        let tz = TimeZone::get("Asia/Dhaka").unwrap_or_else(|_| TimeZone::fixed(tz::offset(6)));
        BusinessCalendar {
            tz,
            weekend: {
                let mut days = [false; 7];
                days[weekday_index(Weekday::Friday)] = true;
                days[weekday_index(Weekday::Saturday)] = true;
                days
            },
            holidays: BTreeSet::new(),
            start_minute: 9 * 60,
            end_minute: 17 * 60,
            open: time_of(9 * 60),
            close: Some(time_of(17 * 60)),
        }
    }

    /// Adds to the holiday list (existing holidays stay).
    pub fn with_holidays(mut self, holidays: impl IntoIterator<Item = Date>) -> Self {
        self.holidays.extend(holidays);
        self
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    pub fn holidays(&self) -> &BTreeSet<Date> {
        &self.holidays
    }

    pub fn is_weekend(&self, w: Weekday) -> bool {
        self.weekend[weekday_index(w)]
    }

    /// Opening and closing minute after local midnight (closing may be 1440).
    pub fn working_minutes(&self) -> (u16, u16) {
        (self.start_minute, self.end_minute)
    }

    /// Nominal working time of one business day (ignores DST oddities).
    pub fn day_length(&self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.end_minute - self.start_minute))
    }

    pub fn is_business_day(&self, d: Date) -> bool {
        !self.is_weekend(d.weekday()) && !self.holidays.contains(&d)
    }

    /// Whether working time is running at `t` (windows are half-open: the closing instant
    /// itself is not working time).
    pub fn is_open(&self, t: Timestamp) -> bool {
        let d = self.tz.to_datetime(t).date();
        // The neighbours are checked too because, around odd DST transitions, an instant
        // may carry a local date different from the day whose window contains it.
        [d.yesterday().ok(), Some(d), d.tomorrow().ok()]
            .into_iter()
            .flatten()
            .filter_map(|day| self.window(day))
            .any(|(s, e)| s <= t && t < e)
    }

    /// The local date of `t` in this calendar's zone.
    pub fn local_date(&self, t: Timestamp) -> Date {
        self.tz.to_datetime(t).date()
    }

    fn to_timestamp(&self, dt: DateTime) -> Option<Timestamp> {
        // "Compatible" disambiguation is what people mean by a wall-clock time in a gap or
        // fold; Asia/Dhaka has neither today, but the offset is never assumed.
        self.tz.to_ambiguous_timestamp(dt).compatible().ok()
    }

    /// The working window `[open, close)` of day `d`, or `None` if `d` has no working time.
    fn window(&self, d: Date) -> Option<(Timestamp, Timestamp)> {
        if !self.is_business_day(d) {
            return None;
        }
        let start = self.to_timestamp(d.to_datetime(self.open))?;
        let end = match self.close {
            Some(close) => self.to_timestamp(d.to_datetime(close))?,
            None => self.to_timestamp(d.tomorrow().ok()?.to_datetime(Time::midnight()))?,
        };
        // A DST gap at an unlucky hour could invert the window; such a day simply has no
        // working time rather than negative working time.
        (start < end).then_some((start, end))
    }

    /// The opening instant of `d`, used as the answer when a search hits its cap.
    fn opening_of(&self, d: Date) -> Timestamp {
        self.to_timestamp(d.to_datetime(self.open))
            .unwrap_or(Timestamp::MAX)
    }

    /// The instant `business` of working time after `start`. Counting begins at `start` if
    /// it is inside working hours, otherwise at the next opening. add(t, ZERO) == t.
    /// Negative durations: panic-free, treat as zero.
    ///
    /// When the duration is used up exactly at a closing time, the closing instant is
    /// returned (not the next opening): both carry the same amount of working time, and
    /// the earlier one is what a customer should be promised.
    pub fn add(&self, start: Timestamp, business: SignedDuration) -> Timestamp {
        if business <= SignedDuration::ZERO {
            return start;
        }
        let mut remaining = business;
        let first = self.local_date(start);
        // Start one day early: with odd DST rules yesterday's window may reach past local
        // midnight.
        let mut day = first.yesterday().unwrap_or(first);
        for _ in 0..=MAX_SEARCH_DAYS {
            if let Some((s, e)) = self.window(day) {
                let from = s.max(start);
                if from < e {
                    let available = e.duration_since(from);
                    if remaining <= available {
                        return from.checked_add(remaining).unwrap_or(e);
                    }
                    remaining -= available;
                }
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => return Timestamp::MAX,
            }
        }
        self.opening_of(day)
    }

    /// Working time inside [a, b); zero if b <= a.
    pub fn between(&self, a: Timestamp, b: Timestamp) -> SignedDuration {
        if b <= a {
            return SignedDuration::ZERO;
        }
        let first = self.local_date(a);
        let last = self.local_date(b);
        let last = last.tomorrow().unwrap_or(last);
        let mut day = first.yesterday().unwrap_or(first);
        let mut total = SignedDuration::ZERO;
        // Bounded by the (finite) span between `a` and `b`, so no cap is needed here.
        while day <= last {
            if let Some((s, e)) = self.window(day) {
                let from = s.max(a);
                let to = e.min(b);
                if from < to {
                    total += to.duration_since(from);
                }
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        total
    }

    /// The instant `business` of working time before `end` (inverse of add, used for "at
    /// risk" thresholds); if that would go before `floor`, return `floor`.
    ///
    /// Of all instants with exactly `business` of working time up to `end`, the latest is
    /// returned (an opening rather than the previous closing).
    pub fn sub_floor(
        &self,
        end: Timestamp,
        business: SignedDuration,
        floor: Timestamp,
    ) -> Timestamp {
        if business <= SignedDuration::ZERO {
            return end.max(floor);
        }
        if end <= floor {
            return floor;
        }
        let mut remaining = business;
        let floor_date = self.local_date(floor);
        let last = self.local_date(end);
        let mut day = last.tomorrow().unwrap_or(last);
        for _ in 0..=MAX_SEARCH_DAYS {
            // A day before the floor's own date has its whole window before the floor.
            if day < floor_date {
                return floor;
            }
            if let Some((s, e)) = self.window(day) {
                let to = e.min(end);
                if s < to {
                    let available = to.duration_since(s);
                    if remaining <= available {
                        let at = to.checked_sub(remaining).unwrap_or(s);
                        return at.max(floor);
                    }
                    remaining -= available;
                }
            }
            match day.yesterday() {
                Ok(prev) => day = prev,
                Err(_) => return floor,
            }
        }
        self.opening_of(day).max(floor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn dhaka(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d)
            .at(h, min, 0, 0)
            .in_tz("Asia/Dhaka")
            .unwrap()
            .timestamp()
    }

    fn hours(h: i64) -> SignedDuration {
        SignedDuration::from_hours(h)
    }

    fn hotline() -> BusinessCalendar {
        BusinessCalendar::new(
            "Asia/Dhaka",
            &[Weekday::Friday, Weekday::Saturday],
            0,
            1440,
            [],
        )
        .unwrap()
    }

    #[test]
    fn the_fixture_dates_are_the_weekdays_we_think() {
        assert_eq!(date(2026, 11, 19).weekday(), Weekday::Thursday);
        assert_eq!(date(2026, 11, 22).weekday(), Weekday::Sunday);
    }

    #[test]
    fn constructor_rejects_nonsense() {
        let all = [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday,
        ];
        assert_eq!(
            BusinessCalendar::new("Asia/Dhaka", &all, 540, 1020, []).unwrap_err(),
            CalendarError::NoWorkingDays
        );
        assert_eq!(
            BusinessCalendar::new("Asia/Dhaka", &[], 600, 600, []).unwrap_err(),
            CalendarError::InvalidHours {
                start: 600,
                end: 600
            }
        );
        assert!(matches!(
            BusinessCalendar::new("Asia/Dhaka", &[], 0, 1441, []),
            Err(CalendarError::InvalidHours { .. })
        ));
        assert!(matches!(
            BusinessCalendar::new("Mars/Olympus_Mons", &[], 0, 1440, []),
            Err(CalendarError::UnknownTimeZone(_))
        ));
        assert!(BusinessCalendar::new("Asia/Dhaka", &[], 0, 1440, []).is_ok());
    }

    #[test]
    fn bangladesh_defaults() {
        let cal = BusinessCalendar::bangladesh();
        assert_eq!(cal.time_zone().iana_name(), Some("Asia/Dhaka"));
        assert_eq!(cal.working_minutes(), (540, 1020));
        assert_eq!(cal.day_length(), hours(8));
        assert!(!cal.is_business_day(date(2026, 11, 20))); // Friday
        assert!(!cal.is_business_day(date(2026, 11, 21))); // Saturday
        assert!(cal.is_business_day(date(2026, 11, 22))); // Sunday
        let cal = cal
            .with_holidays([date(2026, 12, 16)])
            .with_holidays([date(2026, 3, 26)]);
        assert!(!cal.is_business_day(date(2026, 12, 16)));
        assert!(!cal.is_business_day(date(2026, 3, 26)));
    }

    #[test]
    fn thursday_afternoon_spills_over_the_weekend() {
        let cal = BusinessCalendar::bangladesh();
        let thu = dhaka(2026, 11, 19, 16, 30);
        assert_eq!(cal.add(thu, hours(1)), dhaka(2026, 11, 22, 9, 30));
    }

    #[test]
    fn a_sunday_holiday_pushes_to_monday() {
        let cal = BusinessCalendar::bangladesh().with_holidays([date(2026, 11, 22)]);
        let thu = dhaka(2026, 11, 19, 16, 30);
        assert_eq!(cal.add(thu, hours(1)), dhaka(2026, 11, 23, 9, 30));
    }

    #[test]
    fn ten_business_days_from_sunday_morning() {
        let cal = BusinessCalendar::bangladesh();
        let sun = dhaka(2026, 11, 22, 9, 0);
        // Sun–Thu twice is ten days of eight hours; the budget runs out exactly at the
        // second Thursday's close, which carries the same working time as the opening of
        // the Sunday after it.
        let due = cal.add(sun, hours(80));
        assert_eq!(due, dhaka(2026, 12, 3, 17, 0));
        assert_eq!(
            cal.between(due, dhaka(2026, 12, 6, 9, 0)),
            SignedDuration::ZERO
        );
        assert_eq!(cal.between(sun, due), hours(80));
        // One more minute lands on the Sunday two weeks later.
        assert_eq!(
            cal.add(sun, hours(80) + SignedDuration::from_mins(1)),
            dhaka(2026, 12, 6, 9, 1)
        );
    }

    #[test]
    fn counting_starts_at_the_next_opening() {
        let cal = BusinessCalendar::bangladesh();
        // Before opening on a business day.
        assert_eq!(
            cal.add(dhaka(2026, 11, 22, 7, 15), hours(1)),
            dhaka(2026, 11, 22, 10, 0)
        );
        // After closing: the next business morning.
        assert_eq!(
            cal.add(dhaka(2026, 11, 22, 18, 0), hours(1)),
            dhaka(2026, 11, 23, 10, 0)
        );
        // On the weekend.
        assert_eq!(
            cal.add(dhaka(2026, 11, 21, 12, 0), hours(2)),
            dhaka(2026, 11, 22, 11, 0)
        );
        // Zero and negative budgets stay put, even outside hours.
        let sat = dhaka(2026, 11, 21, 12, 0);
        assert_eq!(cal.add(sat, SignedDuration::ZERO), sat);
        assert_eq!(cal.add(sat, hours(-3)), sat);
        // A budget that fills the day exactly ends at the close.
        assert_eq!(
            cal.add(dhaka(2026, 11, 22, 9, 0), hours(8)),
            dhaka(2026, 11, 22, 17, 0)
        );
    }

    #[test]
    fn twenty_four_hour_calendar() {
        let cal = hotline();
        assert_eq!(cal.day_length(), hours(24));
        // Thursday 23:00 + 2h: one hour Thursday, the weekend skipped, one hour Sunday.
        assert_eq!(
            cal.add(dhaka(2026, 11, 19, 23, 0), hours(2)),
            dhaka(2026, 11, 22, 1, 0)
        );
        // Exactly to midnight ends at midnight (the close of Thursday).
        assert_eq!(
            cal.add(dhaka(2026, 11, 19, 23, 0), hours(1)),
            dhaka(2026, 11, 20, 0, 0)
        );
        assert!(cal.is_open(dhaka(2026, 11, 19, 23, 59)));
        assert!(!cal.is_open(dhaka(2026, 11, 20, 0, 0)));
        assert!(cal.is_open(dhaka(2026, 11, 22, 0, 0)));
        // A week with no weekend is 168 hours.
        let everyday = BusinessCalendar::new("Asia/Dhaka", &[], 0, 1440, []).unwrap();
        let t = dhaka(2026, 11, 19, 10, 0);
        assert_eq!(everyday.add(t, hours(168)), dhaka(2026, 11, 26, 10, 0));
    }

    #[test]
    fn between_over_a_weekend() {
        let cal = BusinessCalendar::bangladesh();
        // Thu 16:00 → Sun 10:00: one hour Thursday, one hour Sunday.
        assert_eq!(
            cal.between(dhaka(2026, 11, 19, 16, 0), dhaka(2026, 11, 22, 10, 0)),
            hours(2)
        );
        // Entirely inside the weekend.
        assert_eq!(
            cal.between(dhaka(2026, 11, 20, 8, 0), dhaka(2026, 11, 21, 20, 0)),
            SignedDuration::ZERO
        );
        // Reversed interval.
        assert_eq!(
            cal.between(dhaka(2026, 11, 22, 10, 0), dhaka(2026, 11, 19, 16, 0)),
            SignedDuration::ZERO
        );
        // The hotline counts whole days.
        assert_eq!(
            hotline().between(dhaka(2026, 11, 19, 12, 0), dhaka(2026, 11, 22, 12, 0)),
            hours(24)
        );
    }

    #[test]
    fn sub_floor_walks_back_and_stops_at_the_floor() {
        let cal = BusinessCalendar::bangladesh();
        let sun = dhaka(2026, 11, 22, 10, 0);
        let far = dhaka(2020, 1, 1, 0, 0);
        assert_eq!(
            cal.sub_floor(sun, hours(2), far),
            dhaka(2026, 11, 19, 16, 0)
        );
        // Exactly one window back: the latest instant, i.e. the opening.
        assert_eq!(cal.sub_floor(sun, hours(1), far), dhaka(2026, 11, 22, 9, 0));
        let floor = dhaka(2026, 11, 19, 16, 30);
        assert_eq!(cal.sub_floor(sun, hours(2), floor), floor);
        assert_eq!(cal.sub_floor(sun, hours(500), floor), floor);
        assert_eq!(cal.sub_floor(sun, SignedDuration::ZERO, far), sun);
        assert_eq!(cal.sub_floor(far, hours(1), sun), sun);
    }

    #[test]
    fn a_calendar_of_nothing_but_holidays_terminates() {
        let start = date(2026, 1, 1);
        let holidays = (0..5000).filter_map(|i| start.checked_add(jiff::Span::new().days(i)).ok());
        let cal = BusinessCalendar::bangladesh().with_holidays(holidays);
        let t = dhaka(2026, 1, 1, 10, 0);
        let due = cal.add(t, hours(1));
        assert!(due > t);
        let cap = start
            .checked_add(jiff::Span::new().days(i64::from(MAX_SEARCH_DAYS)))
            .unwrap();
        assert!(cal.local_date(due) <= cap);
        assert_eq!(cal.between(t, due), SignedDuration::ZERO);
        assert_eq!(cal.sub_floor(due, hours(1), t), t);
    }

    // ---- properties ----------------------------------------------------------------

    /// 2024-01-01 .. 2029-01-01 in whole seconds.
    fn any_instant() -> impl Strategy<Value = Timestamp> {
        let lo = dhaka(2024, 1, 1, 0, 0).as_second();
        let hi = dhaka(2029, 1, 1, 0, 0).as_second();
        (lo..hi).prop_map(|s| Timestamp::from_second(s).unwrap())
    }

    fn any_calendar() -> impl Strategy<Value = BusinessCalendar> {
        let holidays = proptest::collection::vec(0i64..(6 * 366), 0..40);
        (0u8..3, holidays).prop_map(|(kind, offsets)| {
            let base = date(2024, 1, 1);
            let days = offsets
                .into_iter()
                .map(|o| base.checked_add(jiff::Span::new().days(o)).unwrap());
            let cal = match kind {
                0 => hotline(),
                1 => BusinessCalendar::bangladesh(),
                // Dhaka has no DST, so a zone with DST (changing at 01:00 UTC, inside
                // this window) keeps the code honest about never assuming an offset.
                _ => {
                    BusinessCalendar::new("Europe/London", &[Weekday::Sunday], 0, 1440, []).unwrap()
                }
            };
            cal.with_holidays(days)
        })
    }

    /// Up to about sixty 8-hour business days, with sub-second parts to catch rounding.
    fn any_duration() -> impl Strategy<Value = SignedDuration> {
        (0i64..(60 * 8 * 3600), 0i32..1_000_000_000).prop_map(|(s, n)| SignedDuration::new(s, n))
    }

    fn positive_duration() -> impl Strategy<Value = SignedDuration> {
        any_duration().prop_filter("positive", |d| *d > SignedDuration::ZERO)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn between_inverts_add(cal in any_calendar(), t in any_instant(), d in any_duration()) {
            prop_assert_eq!(cal.between(t, cal.add(t, d)), d);
        }

        #[test]
        fn add_is_monotonic(
            cal in any_calendar(),
            t in any_instant(),
            dt in 0i64..(20 * 86_400),
            d1 in any_duration(),
            d2 in any_duration(),
        ) {
            let (lo, hi) = if d1 <= d2 { (d1, d2) } else { (d2, d1) };
            prop_assert!(cal.add(t, lo) <= cal.add(t, hi));
            let later = t.checked_add(SignedDuration::from_secs(dt)).unwrap();
            prop_assert!(cal.add(t, d1) <= cal.add(later, d1));
        }

        #[test]
        fn add_composes(
            cal in any_calendar(),
            t in any_instant(),
            a in positive_duration(),
            b in positive_duration(),
        ) {
            prop_assert_eq!(cal.add(cal.add(t, a), b), cal.add(t, a + b));
        }

        #[test]
        fn add_lands_inside_working_hours(
            cal in any_calendar(),
            t in any_instant(),
            d in positive_duration(),
        ) {
            let r = cal.add(t, d);
            // Some working time ends at `r`: it is inside a window or at its close.
            let just_before = r.checked_sub(SignedDuration::from_nanos(1)).unwrap();
            prop_assert!(cal.is_open(just_before), "{r} is outside working hours");
            prop_assert!(r > t);
        }

        #[test]
        fn sub_floor_inverts_add(
            cal in any_calendar(),
            t in any_instant(),
            d in any_duration(),
        ) {
            let end = cal.add(t, d);
            let far = dhaka(2000, 1, 1, 0, 0);
            let back = cal.sub_floor(end, d, far);
            prop_assert!(back >= t);
            prop_assert_eq!(cal.between(back, end), d);
        }

        #[test]
        fn sub_floor_respects_the_floor(
            cal in any_calendar(),
            end in any_instant(),
            d in any_duration(),
            floor in any_instant(),
        ) {
            let back = cal.sub_floor(end, d, floor);
            prop_assert!(back >= floor);
            if end > floor {
                prop_assert!(back <= end);
                prop_assert!(cal.between(back, end) <= d);
            }
        }
    }
}
