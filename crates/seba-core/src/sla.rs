//! The SLA clock of one case.
//!
//! A complaint carries three promises: someone acknowledges it, someone answers it, and it
//! is resolved. Each is measured in business time on a [`BusinessCalendar`], except the
//! regulator's outer bound (Bangladesh Bank: never beyond 45 calendar days), which is wall
//! clock time and cannot be stretched. The resolution clock stops while the case waits on
//! the customer (pause) and while it is resolved, so that a customer's silence or a
//! reopened case does not count against the agent; acknowledgement and first response
//! are about our own responsiveness and never stop.
//!
//! The clock stores instants, not remaining durations, so that a list of cases can be
//! sorted and filtered by due time in the store without knowing the calendar.

use jiff::{SignedDuration, Span, Timestamp};

use crate::calendar::BusinessCalendar;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SlaTargets {
    /// Business time until the case must be acknowledged.
    pub ack: SignedDuration,
    /// Business time until the first substantive answer.
    pub first_response: SignedDuration,
    /// Business time until resolution (excluding paused time).
    pub resolution: SignedDuration,
    /// Calendar days after which the case is overdue no matter how long it was paused.
    pub max_calendar_days: i64,
    /// The case is "at risk" once only this share of the resolution target is left.
    pub at_risk_percent: u8,
}

impl Default for SlaTargets {
    /// Bangladesh Bank's rule: ten business days of eight hours, at most 45 calendar days.
    fn default() -> Self {
        SlaTargets {
            ack: SignedDuration::from_hours(1),
            first_response: SignedDuration::from_hours(8),
            resolution: SignedDuration::from_hours(80),
            max_calendar_days: 45,
            at_risk_percent: 20,
        }
    }
}

impl SlaTargets {
    /// The business time left at which a case turns "at risk".
    fn risk_margin(&self) -> SignedDuration {
        let percent = i128::from(self.at_risk_percent.min(100));
        SignedDuration::try_from_nanos_i128(self.resolution.as_nanos() * percent / 100)
            .unwrap_or(SignedDuration::ZERO)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SlaClock {
    pub started_at: Timestamp,
    pub ack_due: Timestamp,
    pub first_response_due: Timestamp,
    /// Moves later while paused, never past `hard_deadline`.
    pub resolution_due: Timestamp,
    /// When the case becomes "at risk": `at_risk_percent` of the resolution target left
    /// (business time), floored at `started_at`.
    pub resolution_risk_at: Timestamp,
    /// `started_at` + `max_calendar_days` (calendar time); never moves.
    pub hard_deadline: Timestamp,
    pub paused_at: Option<Timestamp>,
    pub acknowledged_at: Option<Timestamp>,
    pub first_responded_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    OnTrack,
    AtRisk,
    Breached,
    Paused,
    /// Resolved on time.
    Met,
    /// Resolved late.
    Missed,
}

/// `started_at` plus whole calendar days in the calendar's zone, so that "45 days" keeps
/// its wall-clock time of day even across a DST change.
fn hard_deadline(cal: &BusinessCalendar, started_at: Timestamp, days: i64) -> Timestamp {
    let days = days.max(0);
    Span::new()
        .try_days(days)
        .ok()
        .and_then(|span| {
            started_at
                .to_zoned(cal.time_zone().clone())
                .checked_add(span)
                .ok()
        })
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

impl SlaClock {
    pub fn start(cal: &BusinessCalendar, t: &SlaTargets, now: Timestamp) -> Self {
        let hard_deadline = hard_deadline(cal, now, t.max_calendar_days);
        let resolution_due = cal.add(now, t.resolution).min(hard_deadline);
        let resolution_risk_at = Self::risk_at(cal, t, now, resolution_due);
        SlaClock {
            started_at: now,
            ack_due: cal.add(now, t.ack),
            first_response_due: cal.add(now, t.first_response),
            resolution_due,
            resolution_risk_at,
            hard_deadline,
            paused_at: None,
            acknowledged_at: None,
            first_responded_at: None,
            resolved_at: None,
        }
    }

    /// Stops the resolution clock (waiting on the customer). No-op if already paused or
    /// resolved.
    pub fn pause(&mut self, now: Timestamp) {
        if self.paused_at.is_none() && self.resolved_at.is_none() {
            self.paused_at = Some(now);
        }
    }

    /// Restarts the resolution clock: the business time that was left when it stopped is
    /// left again now, capped at the hard deadline. Ack and first-response dues are not
    /// paused. No-op if not paused.
    pub fn resume(&mut self, cal: &BusinessCalendar, t: &SlaTargets, now: Timestamp) {
        if let Some(paused_at) = self.paused_at.take() {
            self.carry_over(cal, t, paused_at, now);
        }
    }

    /// First call wins.
    pub fn acknowledge(&mut self, now: Timestamp) {
        self.acknowledged_at.get_or_insert(now);
    }

    /// First call wins; a response is also an acknowledgement.
    pub fn first_response(&mut self, now: Timestamp) {
        self.first_responded_at.get_or_insert(now);
        self.acknowledge(now);
    }

    /// Records the resolution (first call wins) and ends any pause.
    ///
    /// Resolving a paused case must not turn an on-time case into a miss just because the
    /// customer was slow to answer: the clock was stopped. The exact business-time shift
    /// needs the calendar, which callers holding one get by calling
    /// [`SlaClock::resume`] first; without it the due is moved by the wall-clock length of
    /// the pause (capped at the hard deadline). That gives the same met/missed verdict as
    /// the exact shift whenever the pause began before the due.
    pub fn resolve(&mut self, now: Timestamp) {
        if self.resolved_at.is_some() {
            return;
        }
        if let Some(paused_at) = self.paused_at.take() {
            let paused_for = now.duration_since(paused_at);
            if paused_at < self.resolution_due && paused_for > SignedDuration::ZERO {
                let shift = |t: Timestamp| {
                    t.checked_add(paused_for)
                        .unwrap_or(Timestamp::MAX)
                        .min(self.hard_deadline)
                };
                self.resolution_due = shift(self.resolution_due);
                if paused_at < self.resolution_risk_at {
                    self.resolution_risk_at =
                        shift(self.resolution_risk_at).min(self.resolution_due);
                }
            }
        }
        self.resolved_at = Some(now);
    }

    /// Reopens a resolved case: the resolution clock continues with the business time
    /// that was left at resolution, as if the resolved stretch had been a pause. No-op if
    /// not resolved.
    pub fn reopen(&mut self, cal: &BusinessCalendar, t: &SlaTargets, now: Timestamp) {
        if let Some(resolved_at) = self.resolved_at.take() {
            self.paused_at = None;
            self.carry_over(cal, t, resolved_at, now);
        }
    }

    /// Moves the resolution due later by the business time that passed while the clock
    /// stood still in `[stopped_at, now)`, and re-derives the risk threshold from it.
    fn carry_over(
        &mut self,
        cal: &BusinessCalendar,
        t: &SlaTargets,
        stopped_at: Timestamp,
        now: Timestamp,
    ) {
        // A resume "before" the pause (clock skew between nodes) is a zero-length pause.
        let now = now.max(stopped_at);
        let due = self.resolution_due;
        // A due that had already passed when the clock stopped stays passed: stopping a
        // breached clock must not un-breach it. Otherwise the remaining business time is
        // preserved; `max` keeps a due that sat outside working hours (e.g. the hard
        // deadline on a Friday) from moving earlier.
        if due > stopped_at {
            let moved = due.max(cal.add(now, cal.between(stopped_at, due)));
            self.resolution_due = moved.min(self.hard_deadline);
        }
        self.resolution_risk_at = Self::risk_at(cal, t, self.started_at, self.resolution_due);
    }

    /// Derived the same way at start and after every move of the due, so that a pause of
    /// no business time leaves the clock bit-for-bit unchanged.
    fn risk_at(
        cal: &BusinessCalendar,
        t: &SlaTargets,
        started_at: Timestamp,
        due: Timestamp,
    ) -> Timestamp {
        cal.sub_floor(due, t.risk_margin(), started_at).min(due)
    }

    pub fn state(&self, now: Timestamp) -> SlaState {
        if let Some(resolved_at) = self.resolved_at {
            return if resolved_at <= self.resolution_due {
                SlaState::Met
            } else {
                SlaState::Missed
            };
        }
        if self.paused_at.is_some() {
            return SlaState::Paused;
        }
        if now > self.resolution_due {
            SlaState::Breached
        } else if now >= self.resolution_risk_at {
            SlaState::AtRisk
        } else {
            SlaState::OnTrack
        }
    }

    /// Whether the resolution promise is broken as of `now`. A paused clock counts as
    /// breached only if it was paused after its due (its due will not move on resume).
    pub fn breached(&self, now: Timestamp) -> bool {
        match (self.resolved_at, self.paused_at) {
            (Some(resolved_at), _) => resolved_at > self.resolution_due,
            (None, Some(paused_at)) => paused_at > self.resolution_due,
            (None, None) => now > self.resolution_due,
        }
    }

    /// Whether the acknowledgement came (or is still missing) after its due.
    pub fn ack_breached(&self, now: Timestamp) -> bool {
        self.acknowledged_at.unwrap_or(now) > self.ack_due
    }

    /// Whether the first response came (or is still missing) after its due.
    pub fn first_response_breached(&self, now: Timestamp) -> bool {
        self.first_responded_at.unwrap_or(now) > self.first_response_due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date};
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

    #[test]
    fn default_targets_are_bangladesh_bank() {
        let t = SlaTargets::default();
        assert_eq!(t.ack, hours(1));
        assert_eq!(t.first_response, hours(8));
        assert_eq!(t.resolution, hours(80));
        assert_eq!(t.max_calendar_days, 45);
        assert_eq!(t.at_risk_percent, 20);
        assert_eq!(t.risk_margin(), hours(16));
    }

    #[test]
    fn serde_round_trip() {
        let t = SlaTargets::default();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<SlaTargets>(&json).unwrap(), t);
        let clock = SlaClock::start(
            &BusinessCalendar::bangladesh(),
            &t,
            dhaka(2026, 11, 22, 9, 0),
        );
        let json = serde_json::to_string(&clock).unwrap();
        assert_eq!(serde_json::from_str::<SlaClock>(&json).unwrap(), clock);
        assert_eq!(
            serde_json::to_string(&SlaState::AtRisk).unwrap(),
            "\"at_risk\""
        );
    }

    #[test]
    fn start_computes_all_dues() {
        let cal = BusinessCalendar::bangladesh();
        let now = dhaka(2026, 11, 22, 9, 0); // Sunday
        let c = SlaClock::start(&cal, &SlaTargets::default(), now);
        assert_eq!(c.started_at, now);
        assert_eq!(c.ack_due, dhaka(2026, 11, 22, 10, 0));
        assert_eq!(c.first_response_due, dhaka(2026, 11, 22, 17, 0));
        assert_eq!(c.resolution_due, dhaka(2026, 12, 3, 17, 0));
        // 16 business hours before the second Thursday's close: Wednesday 09:00.
        assert_eq!(c.resolution_risk_at, dhaka(2026, 12, 2, 9, 0));
        assert_eq!(c.hard_deadline, dhaka(2027, 1, 6, 9, 0));
    }

    #[test]
    fn states_over_time() {
        let cal = BusinessCalendar::bangladesh();
        let now = dhaka(2026, 11, 22, 9, 0);
        let c = SlaClock::start(&cal, &SlaTargets::default(), now);
        assert_eq!(c.state(now), SlaState::OnTrack);
        assert_eq!(c.state(dhaka(2026, 12, 2, 9, 0)), SlaState::AtRisk);
        assert_eq!(c.state(dhaka(2026, 12, 3, 17, 0)), SlaState::AtRisk);
        assert!(!c.breached(dhaka(2026, 12, 3, 17, 0)));
        assert_eq!(c.state(dhaka(2026, 12, 3, 17, 1)), SlaState::Breached);
        assert!(c.breached(dhaka(2026, 12, 3, 17, 1)));

        let mut met = c.clone();
        met.resolve(dhaka(2026, 12, 1, 12, 0));
        assert_eq!(met.state(dhaka(2027, 1, 1, 0, 0)), SlaState::Met);
        assert!(!met.breached(dhaka(2027, 1, 1, 0, 0)));

        let mut missed = c.clone();
        missed.resolve(dhaka(2026, 12, 6, 12, 0));
        missed.resolve(dhaka(2026, 12, 1, 12, 0)); // first call wins
        assert_eq!(missed.resolved_at, Some(dhaka(2026, 12, 6, 12, 0)));
        assert_eq!(missed.state(dhaka(2026, 12, 7, 0, 0)), SlaState::Missed);
        assert!(missed.breached(dhaka(2026, 12, 7, 0, 0)));
    }

    #[test]
    fn acknowledgement_and_first_response() {
        let cal = BusinessCalendar::bangladesh();
        let now = dhaka(2026, 11, 22, 9, 0);
        let mut c = SlaClock::start(&cal, &SlaTargets::default(), now);
        assert!(!c.ack_breached(dhaka(2026, 11, 22, 9, 30)));
        assert!(c.ack_breached(dhaka(2026, 11, 22, 10, 1)));
        c.first_response(dhaka(2026, 11, 22, 9, 45));
        c.first_response(dhaka(2026, 11, 22, 11, 0));
        c.acknowledge(dhaka(2026, 11, 22, 12, 0));
        assert_eq!(c.first_responded_at, Some(dhaka(2026, 11, 22, 9, 45)));
        assert_eq!(c.acknowledged_at, Some(dhaka(2026, 11, 22, 9, 45)));
        assert!(!c.ack_breached(dhaka(2026, 12, 30, 0, 0)));
        assert!(!c.first_response_breached(dhaka(2026, 12, 30, 0, 0)));
    }

    #[test]
    fn pause_moves_the_due_by_business_time() {
        let cal = BusinessCalendar::bangladesh();
        let t = SlaTargets::default();
        let mut c = SlaClock::start(&cal, &t, dhaka(2026, 11, 22, 9, 0));
        let ack_due = c.ack_due;
        // Paused Monday 09:00 until Tuesday 09:00: one business day (8h) stood still.
        c.pause(dhaka(2026, 11, 23, 9, 0));
        c.pause(dhaka(2026, 11, 23, 12, 0)); // already paused: ignored
        assert_eq!(c.paused_at, Some(dhaka(2026, 11, 23, 9, 0)));
        assert_eq!(c.state(dhaka(2026, 12, 30, 0, 0)), SlaState::Paused);
        assert!(!c.breached(dhaka(2026, 12, 30, 0, 0)));
        c.resume(&cal, &t, dhaka(2026, 11, 24, 9, 0));
        assert_eq!(c.paused_at, None);
        assert_eq!(c.resolution_due, dhaka(2026, 12, 6, 17, 0));
        assert_eq!(c.resolution_risk_at, dhaka(2026, 12, 3, 9, 0));
        assert_eq!(c.ack_due, ack_due);
        // Paused over a weekend only: no business time passed, nothing moves.
        let before = c.clone();
        c.pause(dhaka(2026, 11, 26, 18, 0));
        c.resume(&cal, &t, dhaka(2026, 11, 29, 8, 0));
        assert_eq!(c, before);
    }

    #[test]
    fn pausing_after_the_due_keeps_it_breached() {
        let cal = BusinessCalendar::bangladesh();
        let t = SlaTargets::default();
        let mut c = SlaClock::start(&cal, &t, dhaka(2026, 11, 22, 9, 0));
        let due = c.resolution_due;
        c.pause(dhaka(2026, 12, 6, 10, 0));
        assert!(c.breached(dhaka(2026, 12, 6, 11, 0)));
        c.resume(&cal, &t, dhaka(2026, 12, 10, 10, 0));
        assert_eq!(c.resolution_due, due);
        assert_eq!(c.state(dhaka(2026, 12, 10, 10, 0)), SlaState::Breached);
    }

    #[test]
    fn a_long_pause_is_capped_at_the_hard_deadline() {
        let cal = BusinessCalendar::bangladesh();
        let t = SlaTargets::default();
        let start = dhaka(2026, 11, 22, 9, 0);
        let mut c = SlaClock::start(&cal, &t, start);
        assert_eq!(c.hard_deadline, dhaka(2027, 1, 6, 9, 0));
        c.pause(dhaka(2026, 11, 22, 10, 0));
        c.resume(&cal, &t, dhaka(2027, 1, 21, 10, 0)); // sixty days later
        assert_eq!(c.resolution_due, c.hard_deadline);
        assert_eq!(c.hard_deadline, dhaka(2027, 1, 6, 9, 0));
        assert!(c.resolution_risk_at <= c.resolution_due);
        assert_eq!(c.state(dhaka(2027, 1, 21, 10, 0)), SlaState::Breached);
    }

    #[test]
    fn resolving_while_paused_credits_the_pause() {
        let cal = BusinessCalendar::bangladesh();
        let t = SlaTargets::default();
        let mut c = SlaClock::start(&cal, &t, dhaka(2026, 11, 22, 9, 0));
        c.pause(dhaka(2026, 11, 24, 9, 0));
        // Resolved after the original due, but the clock had been stopped long before.
        c.resolve(dhaka(2026, 12, 10, 9, 0));
        assert_eq!(c.paused_at, None);
        assert_eq!(c.state(dhaka(2026, 12, 10, 9, 0)), SlaState::Met);
        assert!(c.resolution_due <= c.hard_deadline);
        // But never beyond the hard deadline.
        let mut late = SlaClock::start(&cal, &t, dhaka(2026, 11, 22, 9, 0));
        late.pause(dhaka(2026, 11, 24, 9, 0));
        late.resolve(dhaka(2027, 2, 1, 9, 0));
        assert_eq!(late.resolution_due, late.hard_deadline);
        assert_eq!(late.state(dhaka(2027, 2, 1, 9, 0)), SlaState::Missed);
    }

    #[test]
    fn reopen_continues_with_the_time_that_was_left() {
        let cal = BusinessCalendar::bangladesh();
        let t = SlaTargets::default();
        let mut c = SlaClock::start(&cal, &t, dhaka(2026, 11, 22, 9, 0));
        // Resolved after 3 business days (Sun–Tue), reopened a week later on Sunday.
        c.resolve(dhaka(2026, 11, 25, 9, 0));
        c.pause(dhaka(2026, 11, 26, 9, 0)); // resolved: ignored
        assert_eq!(c.paused_at, None);
        c.reopen(&cal, &t, dhaka(2026, 11, 29, 9, 0));
        assert_eq!(c.resolved_at, None);
        // 56 business hours were left; Sun 29 Nov 09:00 + 7 business days.
        assert_eq!(c.resolution_due, dhaka(2026, 12, 7, 17, 0));
        assert_eq!(c.state(dhaka(2026, 11, 29, 9, 0)), SlaState::OnTrack);
        // Reopening an open case does nothing.
        let before = c.clone();
        c.reopen(&cal, &t, dhaka(2026, 12, 1, 9, 0));
        assert_eq!(c, before);
    }

    #[test]
    fn round_the_clock_hotline() {
        let cal = BusinessCalendar::new("Asia/Dhaka", &[], 0, 1440, []).unwrap();
        let t = SlaTargets {
            resolution: hours(72),
            ..SlaTargets::default()
        };
        let now = dhaka(2026, 11, 20, 22, 30);
        let c = SlaClock::start(&cal, &t, now);
        assert_eq!(c.ack_due, dhaka(2026, 11, 20, 23, 30));
        assert_eq!(c.resolution_due, dhaka(2026, 11, 23, 22, 30));
        assert_eq!(c.resolution_risk_at, dhaka(2026, 11, 23, 8, 6));
    }

    // ---- properties ----------------------------------------------------------------

    fn any_instant() -> impl Strategy<Value = Timestamp> {
        let lo = dhaka(2024, 1, 1, 0, 0).as_second();
        let hi = dhaka(2029, 1, 1, 0, 0).as_second();
        (lo..hi).prop_map(|s| Timestamp::from_second(s).unwrap())
    }

    fn any_calendar() -> impl Strategy<Value = BusinessCalendar> {
        let holidays = proptest::collection::vec(0i64..(6 * 366), 0..40);
        (any::<bool>(), holidays).prop_map(|(round_the_clock, offsets)| {
            let base = date(2024, 1, 1);
            let days = offsets
                .into_iter()
                .map(|o| base.checked_add(Span::new().days(o)).unwrap());
            let cal = if round_the_clock {
                BusinessCalendar::new(
                    "Asia/Dhaka",
                    &[Weekday::Friday, Weekday::Saturday],
                    0,
                    1440,
                    [],
                )
                .unwrap()
            } else {
                BusinessCalendar::bangladesh()
            };
            cal.with_holidays(days)
        })
    }

    fn any_targets() -> impl Strategy<Value = SlaTargets> {
        (0i64..(60 * 8 * 3600), 0i64..60, 0u8..=120).prop_map(|(resolution, days, pct)| {
            SlaTargets {
                resolution: SignedDuration::from_secs(resolution),
                max_calendar_days: days,
                at_risk_percent: pct,
                ..SlaTargets::default()
            }
        })
    }

    /// A sequence of events, each some seconds after the previous one.
    #[derive(Debug, Clone)]
    enum Event {
        Pause,
        Resume,
        Resolve,
        Reopen,
        Ack,
        Respond,
    }

    fn any_events() -> impl Strategy<Value = Vec<(u32, Event)>> {
        let event = prop_oneof![
            Just(Event::Pause),
            Just(Event::Resume),
            Just(Event::Resolve),
            Just(Event::Reopen),
            Just(Event::Ack),
            Just(Event::Respond),
        ];
        proptest::collection::vec((0u32..(10 * 86_400), event), 0..12)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn pause_and_resume_at_once_changes_nothing(
            cal in any_calendar(),
            t in any_targets(),
            start in any_instant(),
            at in 0i64..(70 * 86_400),
        ) {
            let mut c = SlaClock::start(&cal, &t, start);
            let now = start.checked_add(SignedDuration::from_secs(at)).unwrap();
            let before = c.clone();
            c.pause(now);
            c.resume(&cal, &t, now);
            prop_assert_eq!(c, before);
        }

        #[test]
        fn invariants_hold_through_any_history(
            cal in any_calendar(),
            t in any_targets(),
            start in any_instant(),
            events in any_events(),
        ) {
            let mut c = SlaClock::start(&cal, &t, start);
            let hard = c.hard_deadline;
            let mut now = start;
            let mut last_due = c.resolution_due;
            for (gap, event) in events {
                now = now.checked_add(SignedDuration::from_secs(i64::from(gap))).unwrap();
                match event {
                    Event::Pause => c.pause(now),
                    Event::Resume => c.resume(&cal, &t, now),
                    Event::Resolve => c.resolve(now),
                    Event::Reopen => c.reopen(&cal, &t, now),
                    Event::Ack => c.acknowledge(now),
                    Event::Respond => c.first_response(now),
                }
                prop_assert_eq!(c.hard_deadline, hard);
                prop_assert!(c.resolution_due <= c.hard_deadline);
                prop_assert!(c.resolution_risk_at <= c.resolution_due);
                prop_assert!(c.resolution_due >= last_due, "the due never moves earlier");
                prop_assert!(c.paused_at.is_none() || c.resolved_at.is_none());
                if c.first_responded_at.is_some() {
                    prop_assert!(c.acknowledged_at.is_some());
                }
                prop_assert_eq!(
                    c.breached(now),
                    matches!(c.state(now), SlaState::Breached | SlaState::Missed)
                        || (c.paused_at.is_some_and(|p| p > c.resolution_due))
                );
                last_due = c.resolution_due;
            }
        }
    }
}
