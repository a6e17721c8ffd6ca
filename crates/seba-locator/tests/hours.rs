//! Opening hours on seba's own terms: `PH` from seba's holiday list, the sentences people
//! read, and errors that say where. The comparison with opening_hours.js lives in
//! `hours_reference.rs`.

use jiff::{
    Timestamp,
    civil::{Date, Weekday, date},
};
use proptest::prelude::*;
use seba_core::bilingual::{Bilingual, Explain};
use seba_core::calendar::BusinessCalendar;
use seba_locator::hours::{Hint, Holidays, HoursError, Problem, Schedule, State};

const CENTRE: &str = "Sa-Th 09:00-19:00; Fr off; PH off";

fn dhaka(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
    date(y, m, d)
        .at(h, min, 0, 0)
        .in_tz("Asia/Dhaka")
        .unwrap()
        .timestamp()
}

fn schedule(text: &str) -> Schedule {
    Schedule::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn says(s: &Schedule, at: Timestamp) -> (String, String) {
    let Bilingual { bn, en } = s.describe(at);
    (bn, en)
}

/// Holidays as an admin would load them for 2026: the fixed national days and Eid
/// closures as the gazette might set them (the Eid dates are examples, not the gazette).
fn holidays_2026() -> Vec<Date> {
    let mut days = vec![
        date(2026, 2, 21),  // Language Martyrs' Day
        date(2026, 3, 26),  // Independence Day
        date(2026, 4, 14),  // Pohela Boishakh
        date(2026, 5, 1),   // May Day
        date(2026, 12, 16), // Victory Day
    ];
    // Eid-ul-Fitr: Thursday 19 March to Monday 23 March.
    days.extend((19..=23).map(|d| date(2026, 3, d)));
    // Eid-ul-Adha: Tuesday 26 May to Sunday 31 May.
    days.extend((26..=31).map(|d| date(2026, 5, d)));
    days
}

#[test]
fn the_fixture_dates_are_the_weekdays_we_think() {
    assert_eq!(date(2026, 11, 19).weekday(), Weekday::Thursday);
    assert_eq!(date(2026, 12, 16).weekday(), Weekday::Wednesday);
    assert_eq!(date(2026, 3, 19).weekday(), Weekday::Thursday);
    assert_eq!(date(2026, 5, 26).weekday(), Weekday::Tuesday);
}

// ---- PH is seba's holiday list ---------------------------------------------------------

#[test]
fn victory_day_closes_a_centre_that_says_ph_off() {
    let holidays = Holidays::new(holidays_2026());
    let s = schedule(CENTRE).with_holidays(&holidays);
    let noon = dhaka(2026, 12, 16, 12, 0);
    assert_eq!(s.state_at(noon).state, State::Closed);
    assert_eq!(s.closes_at(noon), None);
    assert_eq!(s.next_opening(noon), Some(dhaka(2026, 12, 17, 9, 0)));
    assert_eq!(s.next_change(noon), Some(dhaka(2026, 12, 17, 9, 0)));
    assert_eq!(
        says(&s, noon),
        (
            "আজ বন্ধ (সরকারি ছুটি) — কাল সকাল ৯টায় খুলবে".into(),
            "Closed today (public holiday) — opens tomorrow at 9 am".into()
        )
    );
    // The evening before, the centre closes at 19:00 as usual and the sentence looks
    // past the holiday.
    let tue = dhaka(2026, 12, 15, 19, 30);
    assert_eq!(s.next_opening(tue), Some(dhaka(2026, 12, 17, 9, 0)));
    assert_eq!(
        says(&s, tue).1,
        "Closed — opens Thursday at 9 am",
        "a weekday name within the week"
    );
}

#[test]
fn independence_day_on_a_thursday_opens_on_sunday() {
    let s = schedule("Su-Th 09:00-17:00; Fr,Sa off; PH off")
        .with_holidays(&Holidays::new(holidays_2026()));
    let thu = dhaka(2026, 3, 26, 8, 0);
    assert_eq!(
        says(&s, thu),
        (
            "আজ বন্ধ (সরকারি ছুটি) — রবিবার সকাল ৯টায় খুলবে".into(),
            "Closed today (public holiday) — opens Sunday at 9 am".into()
        )
    );
    // Saturday is closed too, but not for a holiday.
    assert_eq!(
        says(&s, dhaka(2026, 3, 28, 12, 0)).1,
        "Closed — opens tomorrow at 9 am"
    );
}

#[test]
fn without_the_list_ph_matches_nothing() {
    let s = schedule(CENTRE);
    assert!(s.is_open(dhaka(2026, 12, 16, 12, 0)));
    let empty = schedule(CENTRE).with_holidays(&Holidays::default());
    assert!(empty.is_open(dhaka(2026, 12, 16, 12, 0)));
}

#[test]
fn eid_closure_spans_days_and_opens_on_a_weekday() {
    let s = schedule(CENTRE).with_holidays(&Holidays::new(holidays_2026()));
    // Eid-ul-Fitr runs Thursday to Monday; Friday is off anyway.
    let thu = dhaka(2026, 3, 19, 10, 0);
    assert_eq!(s.state_at(thu).state, State::Closed);
    assert_eq!(s.next_opening(thu), Some(dhaka(2026, 3, 24, 9, 0)));
    assert_eq!(
        says(&s, thu),
        (
            "আজ বন্ধ (সরকারি ছুটি) — মঙ্গলবার সকাল ৯টায় খুলবে".into(),
            "Closed today (public holiday) — opens Tuesday at 9 am".into()
        )
    );
    // The day before Eid is an ordinary working day.
    assert!(s.is_open(dhaka(2026, 3, 18, 18, 59)));
    assert_eq!(
        s.closes_at(dhaka(2026, 3, 18, 12, 0)),
        Some(dhaka(2026, 3, 18, 19, 0))
    );
    // Eid-ul-Adha ends on a Sunday; Monday is open.
    assert!(!s.is_open(dhaka(2026, 5, 31, 12, 0)));
    assert!(s.is_open(dhaka(2026, 6, 1, 12, 0)));
}

#[test]
fn holidays_come_from_the_business_calendar_too() {
    let cal = BusinessCalendar::bangladesh().with_holidays([date(2026, 12, 16)]);
    let holidays = Holidays::from(&cal);
    assert!(holidays.contains(date(2026, 12, 16)));
    assert!(!holidays.contains(date(2026, 12, 17)));
    let s = schedule(CENTRE).with_holidays(&holidays);
    assert!(!s.is_open(dhaka(2026, 12, 16, 12, 0)));
    assert!(s.is_open(dhaka(2026, 12, 17, 12, 0)));
}

#[test]
fn holiday_hours_and_a_ph_comment() {
    let holidays = Holidays::new(holidays_2026());
    let s = schedule(r#"Sa-Th 09:00-19:00; Fr off; PH 10:00-14:00 open "holiday desk""#)
        .with_holidays(&holidays);
    let victory = dhaka(2026, 12, 16, 9, 30);
    assert_eq!(s.state_at(victory).state, State::Closed);
    assert_eq!(s.next_opening(victory), Some(dhaka(2026, 12, 16, 10, 0)));
    assert_eq!(
        says(&s, victory),
        (
            "বন্ধ — ৩০ মিনিট পরে খুলবে".into(),
            "Closed — opens in 30 minutes".into()
        ),
        "open later today, so not 'closed today'"
    );
    let st = s.state_at(dhaka(2026, 12, 16, 11, 0));
    assert_eq!(st.state, State::Open);
    assert_eq!(st.comment.as_deref(), Some("holiday desk"));
    assert_eq!(
        s.closes_at(dhaka(2026, 12, 16, 11, 0)),
        Some(dhaka(2026, 12, 16, 14, 0))
    );
    // A drop box ignores holidays altogether.
    let drop_box = schedule("24/7").with_holidays(&holidays);
    assert!(drop_box.is_open(dhaka(2026, 12, 16, 3, 0)));
}

#[test]
fn the_day_after_a_holiday_with_ph_plus_one_day() {
    // "PH +1 day" rules exist in the wild (the day after Eid, skeleton staff).
    let holidays = Holidays::new([date(2026, 12, 16)]);
    let s = schedule("Sa-Th 09:00-19:00; PH off; PH +1 day 11:00-15:00").with_holidays(&holidays);
    assert!(!s.is_open(dhaka(2026, 12, 16, 12, 0)));
    assert!(!s.is_open(dhaka(2026, 12, 17, 10, 0)));
    assert!(s.is_open(dhaka(2026, 12, 17, 12, 0)));
}

// ---- sentences --------------------------------------------------------------------------

#[test]
fn a_normal_day_at_a_centre() {
    let s = schedule("Sa-Th 09:00-19:00; Fr off");
    let thu = |h, m| dhaka(2026, 11, 19, h, m);
    assert_eq!(
        says(&s, thu(12, 0)),
        (
            "আজ সন্ধ্যা ৭টা পর্যন্ত খোলা".into(),
            "Open today until 7 pm".into()
        )
    );
    assert_eq!(
        says(&s, thu(18, 40)),
        (
            "খোলা — ২০ মিনিট পরে বন্ধ হবে".into(),
            "Open — closes in 20 minutes".into()
        )
    );
    // Thursday evening: Friday is off, so Saturday.
    assert_eq!(
        says(&s, thu(19, 0)),
        (
            "বন্ধ — শনিবার সকাল ৯টায় খুলবে".into(),
            "Closed — opens Saturday at 9 am".into()
        )
    );
    // Wednesday evening: tomorrow.
    assert_eq!(
        says(&s, dhaka(2026, 11, 18, 21, 0)),
        (
            "বন্ধ — কাল সকাল ৯টায় খুলবে".into(),
            "Closed — opens tomorrow at 9 am".into()
        )
    );
    // Early morning: later today.
    assert_eq!(
        says(&s, thu(6, 15)).1,
        "Closed — opens today at 9 am",
        "before opening"
    );
    assert_eq!(says(&s, thu(6, 15)).0, "বন্ধ — আজ সকাল ৯টায় খুলবে");
    // The closing minute is closed; the minute before is open.
    assert!(s.is_open(thu(18, 59)));
    assert!(!s.is_open(thu(19, 0)));
    assert_eq!(s.closes_at(thu(18, 59)), Some(thu(19, 0)));
    assert_eq!(s.closes_at(thu(19, 0)), None);
    assert_eq!(s.next_opening(thu(12, 0)), Some(thu(12, 0)));
}

#[test]
fn closing_soon_counts_whole_minutes_up() {
    let s = schedule("Sa-Th 09:00-19:00");
    let at = dhaka(2026, 11, 19, 18, 59)
        .checked_add(jiff::SignedDuration::from_secs(30))
        .unwrap();
    assert_eq!(s.describe(at).en, "Open — closes in 1 minute");
    assert_eq!(s.describe(at).bn, "খোলা — ১ মিনিট পরে বন্ধ হবে");
    assert_eq!(
        s.describe(dhaka(2026, 11, 19, 18, 0)).en,
        "Open — closes in 60 minutes"
    );
    assert_eq!(
        s.describe(dhaka(2026, 11, 19, 17, 59)).en,
        "Open today until 7 pm"
    );
}

#[test]
fn bengali_time_of_day_words() {
    // (opening time, Bengali "at" form, English)
    let cases = [
        ("04:30", "ভোর ৪টা ৩০ মিনিটে", "4:30 am"),
        ("06:00", "সকাল ৬টায়", "6 am"),
        ("09:30", "সকাল ৯টা ৩০ মিনিটে", "9:30 am"),
        ("12:00", "দুপুর ১২টায়", "noon"),
        ("14:30", "দুপুর ২টা ৩০ মিনিটে", "2:30 pm"),
        ("15:00", "বিকেল ৩টায়", "3 pm"),
        ("18:00", "সন্ধ্যা ৬টায়", "6 pm"),
        ("20:00", "রাত ৮টায়", "8 pm"),
        ("23:15", "রাত ১১টা ১৫ মিনিটে", "11:15 pm"),
        ("00:30", "রাত ১২টা ৩০ মিনিটে", "12:30 am"),
        ("02:00", "রাত ২টায়", "2 am"),
    ];
    // Asked on Tuesday about a Thursday-only schedule, so the day is its weekday name.
    let tue = dhaka(2026, 11, 17, 12, 0);
    for (time, bn, en) in cases {
        let s = schedule(&format!("Th {time}-{}", "23:59"));
        let Bilingual { bn: b, en: e } = s.describe(tue);
        assert_eq!(b, format!("বন্ধ — বৃহস্পতিবার {bn} খুলবে"), "{time}");
        assert_eq!(e, format!("Closed — opens Thursday at {en}"), "{time}");
    }
}

#[test]
fn overnight_and_midnight() {
    let night = schedule("Sa-Th 20:00-02:00; Fr off");
    let wed = dhaka(2026, 11, 18, 23, 0);
    assert_eq!(
        says(&night, wed),
        (
            "কাল রাত ২টা পর্যন্ত খোলা".into(),
            "Open until tomorrow at 2 am".into()
        )
    );
    assert!(night.is_open(dhaka(2026, 11, 19, 1, 59)));
    assert!(!night.is_open(dhaka(2026, 11, 19, 2, 0)));
    let late = schedule("Mo-Su 10:00-24:00");
    assert_eq!(
        says(&late, dhaka(2026, 11, 19, 15, 0)),
        (
            "আজ রাত ১২টা পর্যন্ত খোলা".into(),
            "Open today until midnight".into()
        )
    );
    assert_eq!(
        late.closes_at(dhaka(2026, 11, 19, 15, 0)),
        Some(dhaka(2026, 11, 20, 0, 0))
    );
}

#[test]
fn drop_boxes_are_always_open() {
    let s = schedule("24/7");
    let at = dhaka(2026, 11, 20, 3, 0);
    assert_eq!(s.state_at(at).state, State::Open);
    assert_eq!(s.next_change(at), None);
    assert_eq!(s.closes_at(at), None);
    assert_eq!(s.next_opening(at), Some(at));
    assert_eq!(says(&s, at), ("২৪ ঘণ্টা খোলা".into(), "Open 24 hours".into()));
}

#[test]
fn covid_hours_override_the_normal_week() {
    let s = schedule("Sa-Th 09:00-19:00; Fr off; 2020 Mar 26-2020 May 30 Sa-Th 09:00-16:00");
    // Wednesday 1 April 2020, inside the special period.
    let covid = dhaka(2020, 4, 1, 15, 0);
    assert_eq!(s.closes_at(covid), Some(dhaka(2020, 4, 1, 16, 0)));
    assert_eq!(says(&s, covid).0, "খোলা — ৬০ মিনিট পরে বন্ধ হবে");
    assert!(!s.is_open(dhaka(2020, 4, 1, 17, 0)));
    assert_eq!(
        says(&s, dhaka(2020, 4, 1, 12, 0)).1,
        "Open today until 4 pm"
    );
    // Monday 1 June 2020, normal hours again.
    assert!(s.is_open(dhaka(2020, 6, 1, 17, 0)));
    // Fridays stay off during the period.
    assert!(!s.is_open(dhaka(2020, 4, 3, 12, 0)));
}

#[test]
fn the_comment_travels_with_the_state() {
    let s = schedule(r#"Sa-Th 09:00-19:00 "open till the last customer is served"; Fr off"#);
    let st = s.state_at(dhaka(2026, 11, 19, 12, 0));
    assert_eq!(st.state, State::Open);
    assert_eq!(
        st.comment.as_deref(),
        Some("open till the last customer is served")
    );
    assert_eq!(
        says(&s, dhaka(2026, 11, 19, 12, 0)),
        (
            "আজ সন্ধ্যা ৭টা পর্যন্ত খোলা (open till the last customer is served)".into(),
            "Open today until 7 pm (open till the last customer is served)".into()
        )
    );
    // Outside the rule's hours the comment does not apply.
    assert_eq!(s.state_at(dhaka(2026, 11, 19, 20, 0)).comment, None);
    let eid = schedule(r#"Sa-Th 09:00-19:00; 2026 Mar 19-2026 Mar 23 off "ঈদের ছুটি""#);
    assert_eq!(
        says(&eid, dhaka(2026, 3, 20, 12, 0)),
        (
            "বন্ধ — মঙ্গলবার সকাল ৯টায় খুলবে (ঈদের ছুটি)".into(),
            "Closed — opens Tuesday at 9 am (ঈদের ছুটি)".into()
        )
    );
}

#[test]
fn pop_up_desks_far_ahead_and_long_gone() {
    let book_fair = schedule("2027 Feb 01-2027 Feb 28 15:00-21:00");
    let now = dhaka(2026, 11, 19, 12, 0);
    assert_eq!(book_fair.next_opening(now), Some(dhaka(2027, 2, 1, 15, 0)));
    assert_eq!(
        says(&book_fair, now),
        (
            "বন্ধ — ১ ফেব্রুয়ারি ২০২৭ বিকেল ৩টায় খুলবে".into(),
            "Closed — opens on 1 February 2027 at 3 pm".into()
        )
    );
    let trade_fair = schedule("2026 Dec 01-2026 Dec 31 10:00-21:00");
    assert_eq!(
        says(&trade_fair, now),
        (
            "বন্ধ — ১ ডিসেম্বর সকাল ১০টায় খুলবে".into(),
            "Closed — opens on 1 December at 10 am".into()
        )
    );
    let covid_only = schedule("2020 Mar 26-2020 May 30 09:00-16:00");
    assert_eq!(covid_only.next_opening(now), None);
    assert_eq!(covid_only.next_change(now), None);
    assert_eq!(says(&covid_only, now), ("বন্ধ".into(), "Closed".into()));
}

#[test]
fn a_bare_comment_is_unknown_not_always_open() {
    let s = schedule(r#""by appointment""#);
    let at = dhaka(2026, 11, 19, 3, 0);
    let st = s.state_at(at);
    assert_eq!(st.state, State::Unknown);
    assert_eq!(st.comment.as_deref(), Some("by appointment"));
    assert_eq!(s.next_opening(at), None);
    assert_eq!(s.as_str(), r#""by appointment""#);
}

#[test]
fn fallback_rules_still_find_the_next_change() {
    // The crate's own skip-ahead sees the trailing always-rule and reports no change for
    // ever; seba walks such expressions day by day.
    let s = schedule(r#"Sa-Th 09:00-19:00 || unknown "call 16247 first""#);
    let tue = dhaka(2026, 11, 17, 19, 0);
    assert_eq!(s.state_at(tue).state, State::Closed);
    assert_eq!(s.next_change(tue), Some(dhaka(2026, 11, 18, 9, 0)));
    assert_eq!(s.next_opening(tue), Some(dhaka(2026, 11, 18, 9, 0)));
    let fri = dhaka(2026, 11, 20, 11, 0);
    assert_eq!(s.state_at(fri).state, State::Unknown);
    assert_eq!(s.next_opening(fri), Some(dhaka(2026, 11, 21, 9, 0)));
    let extra = schedule("Su-Th 09:00-17:00, Sa 10:00-14:00");
    let sat = dhaka(2026, 11, 21, 14, 0);
    assert_eq!(extra.next_opening(sat), Some(dhaka(2026, 11, 22, 9, 0)));
}

#[test]
fn unknown_hours_say_so() {
    let s = schedule(r#"Sa-Th 09:00-19:00; Fr unknown "call 16247""#);
    let fri = dhaka(2026, 11, 20, 12, 0);
    assert_eq!(s.state_at(fri).state, State::Unknown);
    assert_eq!(s.next_change(fri), Some(dhaka(2026, 11, 21, 0, 0)));
    assert_eq!(
        says(&s, fri),
        (
            "খোলা থাকতে পারে — যাওয়ার আগে ফোন করে নিন (call 16247)".into(),
            "May be open — call before you go (call 16247)".into()
        )
    );
}

#[test]
fn text_is_kept_and_bengali_digits_are_read() {
    let s = schedule("  Sa-Th ০৯:০০-১৯:০০; Fr off \"১৬২৪৭\" ");
    assert_eq!(s.as_str(), "Sa-Th ০৯:০০-১৯:০০; Fr off \"১৬২৪৭\"");
    assert_eq!(s.to_string(), s.as_str());
    assert!(s.is_open(dhaka(2026, 11, 19, 12, 0)));
    // The comment keeps the digits it was written with.
    assert_eq!(
        s.state_at(dhaka(2026, 11, 20, 12, 0)).comment.as_deref(),
        Some("১৬২৪৭")
    );
    let parsed: Schedule = "24/7".parse().unwrap();
    assert!(parsed.is_open(dhaka(2026, 11, 20, 12, 0)));
}

// ---- errors ----------------------------------------------------------------------------

fn error(text: &str) -> HoursError {
    match Schedule::parse(text) {
        Ok(_) => panic!("{text:?} parsed"),
        Err(e) => e,
    }
}

#[test]
fn a_typo_in_a_day_says_where_and_what() {
    let e = error("Mo-Fx 09:00-17:00");
    assert_eq!(
        e,
        HoursError::Syntax {
            column: 4,
            near: "Fx 09:00-17:00".into(),
            hint: Some(Hint::Weekday)
        }
    );
    assert_eq!(e.column(), Some(4));
    let Bilingual { bn, en } = e.explain();
    assert_eq!(
        en,
        "Cannot read the opening hours at column 4, near \"Fx 09:00-17:00\" — expected a day: \
         Sa, Su, Mo, Tu, We, Th or Fr"
    );
    assert_eq!(
        bn,
        "খোলার সময়ের লেখায় কলাম ৪-এ \"Fx 09:00-17:00\" বোঝা যায়নি — এখানে দিনের নাম লিখুন: \
         Sa, Su, Mo, Tu, We, Th বা Fr"
    );
    assert_eq!(
        e.to_string(),
        "cannot read the opening hours at column 4, near \"Fx 09:00-17:00\""
    );
}

#[test]
fn syntax_errors_point_at_the_column() {
    let cases: [(&str, usize, &str, Option<Hint>); 6] = [
        ("Sa-Th 09:00-19:00; Fr of", 23, "of", None),
        ("Mo-Fr 09:00-49:00", 13, "49:00", Some(Hint::Time)),
        ("Mo-Fr 25:00-26:00", 7, "25:00-26:00", None),
        (
            "Sa-Th 09:00-19:00 \"open late",
            19,
            "\"open late",
            Some(Hint::UnclosedComment),
        ),
        (
            "Sa-Th 09:00-19:00; 2026 Mar 19-2026 Mar 23 off \"ঈদ\" Fx",
            53,
            "Fx",
            None,
        ),
        ("সকাল ৯টা থেকে সন্ধ্যা ৭টা", 1, "সকাল ৯টা থেকে…", None),
    ];
    for (text, column, near, hint) in cases {
        assert_eq!(
            error(text),
            HoursError::Syntax {
                column,
                near: near.into(),
                hint
            },
            "{text:?}"
        );
    }
    // Surrounding spaces are ignored but columns still count from the real start.
    assert_eq!(error("   Mo-Fx 09:00").column(), Some(7));
    // Cut short.
    let e = error("Sa-Th 09:00-");
    assert_eq!(e.column(), Some(13));
    assert_eq!(
        e.explain(),
        Bilingual::new(
            "খোলার সময়ের লেখা শেষে (কলাম ১৩) অসম্পূর্ণ — এখানে সময় লিখুন, যেমন 09:00 বা 19:30",
            "The opening hours end too early (column 13) — expected a time such as 09:00 or 19:30"
        )
    );
}

#[test]
fn a_rule_that_means_nothing_is_named() {
    let e = error("Sa-Th 09:00-19:00; 2021-2020 Sa-Th 10:00-12:00");
    let HoursError::Invalid {
        column,
        rule,
        problem,
        detail,
    } = &e
    else {
        panic!("{e:?}");
    };
    assert_eq!(*column, 20);
    assert_eq!(rule, "2021-2020 Sa-Th 10:00-12:00");
    assert_eq!(*problem, Problem::InvertedRange);
    assert!(detail.contains("2020-2021"), "{detail}");
    let Bilingual { bn, en } = e.explain();
    assert!(
        bn.starts_with("খোলার সময়ের কলাম ২০-এর নিয়ম \"2021-2020 Sa-Th 10:00-12:00\""),
        "{bn}"
    );
    assert!(
        en.starts_with("The rule \"2021-2020 Sa-Th 10:00-12:00\" at column 20 is invalid"),
        "{en}"
    ); // Typed with Bengali digits, the rule is quoted as typed.
    let e = error("Sa-Th ০৯:০০-১৯:০০; ২০২১-২০২০ 10:00-12:00");
    assert_eq!(e.column(), Some(20));
    assert!(
        matches!(&e, HoursError::Invalid { rule, .. } if rule == "২০২১-২০২০ 10:00-12:00"),
        "{e:?}"
    );
}

#[test]
fn blank_and_oversized_text_are_refused() {
    // Blank would otherwise parse as 24/7.
    assert_eq!(error(""), HoursError::Empty);
    assert_eq!(error("  \t "), HoursError::Empty);
    assert_eq!(
        error(" ").explain(),
        Bilingual::new("খোলার সময় লেখা হয়নি", "The opening hours are empty")
    );
    let long = "Sa-Th 09:00-19:00; ".repeat(60);
    let e = error(&long);
    assert_eq!(e, HoursError::TooLong { chars: 1139 });
    assert_eq!(e.column(), None);
    assert!(e.explain().bn.contains("১১৩৯"));
}

// ---- properties ------------------------------------------------------------------------

const SCHEDULES: &[&str] = &[
    "Sa-Th 09:00-19:00; Fr off; PH off",
    "Su-Th 09:00-13:00,14:00-17:00; Sa 09:00-13:00",
    "24/7",
    "Sa-Th 20:00-02:00; Fr off",
    "Mo-Su 18:00-06:00",
    "Sa-Th 09:00-19:00; Fr off; 2020 Mar 26-2020 May 30 Sa-Th 09:00-16:00",
    "2026 Feb 01-2026 Feb 28 15:00-21:00",
    r#"Sa-Th 09:00-19:00 "open till the last customer is served"; Fr unknown"#,
    "Su[1,3] 09:00-15:00; PH +1 day 10:00-12:00",
    "week 01-53/2 Sa 10:00-14:00",
    "Mo-Su sunrise-sunset",
    "Dec 24-Jan 01 10:00-16:00; PH off",
    "closed",
];

fn any_instant() -> impl Strategy<Value = Timestamp> {
    // From before the crate's 1900 floor to the far future, in whole seconds, with a
    // bias towards the years people ask about.
    let lo = dhaka(1890, 1, 1, 0, 0).as_second();
    let hi = Timestamp::MAX.as_second();
    let near_lo = dhaka(2019, 1, 1, 0, 0).as_second();
    let near_hi = dhaka(2031, 1, 1, 0, 0).as_second();
    prop_oneof![
        (near_lo..near_hi).prop_map(|s| Timestamp::from_second(s).unwrap()),
        (lo..hi).prop_map(|s| Timestamp::from_second(s).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn answers_are_consistent_and_never_panic(
        which in 0..SCHEDULES.len(),
        at in any_instant(),
        holidays in proptest::collection::vec(0i64..(12 * 366), 0..30),
    ) {
        let base = date(2019, 1, 1);
        let holidays = Holidays::new(
            holidays.into_iter().map(|d| base.checked_add(jiff::Span::new().days(d)).unwrap()),
        );
        let s = schedule(SCHEDULES[which]).with_holidays(&holidays);
        let now = s.state_at(at).state;
        if let Some(next) = s.next_change(at) {
            prop_assert!(next > at, "{next} is not after {at}");
            prop_assert!(next.duration_since(at) <= seba_locator::hours::HORIZON);
            prop_assert_ne!(s.state_at(next).state, now);
        }
        match s.closes_at(at) {
            Some(close) => {
                prop_assert_eq!(now, State::Open);
                prop_assert!(close > at);
            }
            None => prop_assert!(now != State::Open || s.next_change(at).is_none()),
        }
        if let Some(open) = s.next_opening(at) {
            prop_assert!(open >= at);
            prop_assert!(s.is_open(open));
        }
        let Bilingual { bn, en } = s.describe(at);
        prop_assert!(!bn.is_empty() && !en.is_empty());
        prop_assert!(!bn.chars().any(|c| c.is_ascii_digit()) || s.state_at(at).comment.is_some(),
            "ASCII digits in {bn:?}");
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in "\\PC{0,60}") {
        match Schedule::parse(&text) {
            Ok(s) => { let _ = s.describe(dhaka(2026, 11, 19, 12, 0)); }
            Err(e) => {
                let Bilingual { bn, en } = e.explain();
                prop_assert!(!bn.is_empty() && !en.is_empty());
                if let Some(column) = e.column() {
                    prop_assert!(column >= 1 && column <= text.chars().count() + 1,
                        "column {column} outside {text:?}");
                }
            }
        }
    }
}

#[test]
fn sunrise_is_reckoned_where_the_point_is() {
    let dawn = schedule("sunrise-sunset");
    assert!(dawn.follows_the_sun());
    assert!(!schedule("Sa-Th 10:00-18:00").follows_the_sun());
    // In late November the sun rises in Sylhet about 8 minutes before Satkhira (further
    // east, but further north); between the two sunrises a "sunrise-sunset" point is
    // open in one and not yet in the other.
    let sylhet = dawn.clone().at_place(24.8949, 91.8687);
    let satkhira = dawn.at_place(22.7185, 89.0705);
    let first_open = |s: &Schedule| s.next_opening(dhaka(2026, 11, 22, 3, 0)).unwrap();
    let (east, west) = (first_open(&sylhet), first_open(&satkhira));
    let gap = west.duration_since(east).as_secs();
    assert!((5 * 60..=15 * 60).contains(&gap), "{east} {west}");
    let between = east
        .checked_add(jiff::SignedDuration::from_secs(gap / 2))
        .unwrap();
    assert!(sylhet.is_open(between));
    assert!(!satkhira.is_open(between));
}
