//! seba's opening hours against the reference implementation, opening_hours.js.
//!
//! `fixtures/hours_cases.json` lists realistic Bangladeshi schedules and the Dhaka
//! instants to ask about; `fixtures/reference/generate.js` ran them through
//! opening_hours.js into `fixtures/hours_expected.json`. Here seba answers the same
//! questions and must give the same state, comment and next change, except at the
//! instants a case marks as a known difference (which must still differ, so that a fix on
//! either side is noticed and the mark removed).

use std::collections::BTreeSet;

use jiff::{Timestamp, civil::DateTime, tz::TimeZone};
use seba_locator::hours::{HORIZON, Schedule, State};
use serde::Deserialize;

const CASES: &str = include_str!("fixtures/hours_cases.json");
const EXPECTED: &str = include_str!("fixtures/hours_expected.json");
const REGENERATE: &str = "regenerate with `cd crates/seba-locator/tests/fixtures/reference && \
                          npm install --no-audit --no-fund && node generate.js`";

#[derive(Deserialize)]
struct Cases {
    horizon_days: i64,
    common_instants: Vec<String>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    oh: String,
    #[serde(default)]
    extra: Vec<String>,
    differs: Option<Differs>,
}

#[derive(Deserialize)]
struct Differs {
    reason: String,
    at: Vec<String>,
}

#[derive(Deserialize)]
struct Expected {
    generator: String,
    horizon_days: i64,
    cases: Vec<ExpectedCase>,
}

#[derive(Deserialize)]
struct ExpectedCase {
    id: String,
    oh: String,
    results: Vec<Answer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct Answer {
    at: String,
    state: String,
    comment: Option<String>,
    next_change: Option<String>,
}

fn dhaka() -> TimeZone {
    TimeZone::get("Asia/Dhaka").unwrap()
}

fn instant(local: &str) -> Timestamp {
    let dt: DateTime = local
        .parse()
        .unwrap_or_else(|e| panic!("instant {local:?}: {e}"));
    dt.to_zoned(dhaka()).unwrap().timestamp()
}

fn local(t: Timestamp) -> String {
    t.to_zoned(dhaka()).strftime("%Y-%m-%dT%H:%M").to_string()
}

fn seba(schedule: &Schedule, at: &str) -> Answer {
    let t = instant(at);
    let status = schedule.state_at(t);
    Answer {
        at: at.to_owned(),
        state: match status.state {
            State::Open => "open",
            State::Closed => "closed",
            State::Unknown => "unknown",
        }
        .to_owned(),
        comment: status.comment,
        next_change: schedule.next_change(t).map(local),
    }
}

#[test]
fn seba_agrees_with_opening_hours_js() {
    let input: Cases = serde_json::from_str(CASES).expect("hours_cases.json");
    let expected: Expected = serde_json::from_str(EXPECTED).expect("hours_expected.json");

    // The fixtures must describe the same questions, or the answers are stale.
    assert_eq!(
        input.horizon_days, expected.horizon_days,
        "horizon changed; {REGENERATE}"
    );
    assert_eq!(
        HORIZON.as_hours(),
        input.horizon_days * 24,
        "the reference searched as far as seba's HORIZON"
    );
    assert_eq!(
        input.cases.len(),
        expected.cases.len(),
        "cases added or removed; {REGENERATE}"
    );

    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    let mut matched_instants = 0;
    let mut matched_cases = 0;
    let mut known = 0;
    for (case, reference) in input.cases.iter().zip(&expected.cases) {
        assert_eq!(
            (&case.id, &case.oh),
            (&reference.id, &reference.oh),
            "case changed; {REGENERATE}"
        );
        let instants: Vec<&String> = input.common_instants.iter().chain(&case.extra).collect();
        let answered: Vec<&String> = reference.results.iter().map(|r| &r.at).collect();
        assert_eq!(
            instants, answered,
            "{}: instants changed; {REGENERATE}",
            case.id
        );

        let differs: BTreeSet<&str> = case
            .differs
            .iter()
            .flat_map(|d| d.at.iter().map(String::as_str))
            .collect();
        if let Some(d) = &case.differs {
            assert!(
                !d.reason.trim().is_empty(),
                "{}: a difference needs its reason",
                case.id
            );
        }
        let schedule = Schedule::parse(&case.oh).unwrap_or_else(|e| panic!("{}: {e}", case.id));
        let mut matched_here = 0;
        for want in &reference.results {
            let got = seba(&schedule, &want.at);
            match (got == *want, differs.contains(want.at.as_str())) {
                (true, false) => matched_here += 1,
                (false, true) => known += 1,
                (true, true) => fixed.push(format!("{} at {}", case.id, want.at)),
                (false, false) => unexpected.push(format!(
                    "{} {:?}\n    reference: {want:?}\n    seba:      {got:?}",
                    case.id, case.oh
                )),
            }
        }
        matched_instants += matched_here;
        if case.differs.is_none() && matched_here >= 10 {
            matched_cases += 1;
        }
    }

    println!(
        "{}: {matched_cases} cases fully matched, {matched_instants} instants matched, \
         {known} known differences",
        expected.generator
    );
    assert!(
        unexpected.is_empty(),
        "{} answers differ from the reference:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "now agree with the reference; drop them from 'differs': {fixed:?}"
    );
    assert!(
        matched_cases >= 50,
        "only {matched_cases} cases fully matched"
    );
    assert!(
        matched_instants >= 500,
        "only {matched_instants} instants matched"
    );
}
