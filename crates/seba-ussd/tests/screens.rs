//! Every screen of every menu in both languages, as snapshots (`cargo insta review`, or
//! `INSTA_UPDATE=always`, to accept a deliberate change), and the length proof: no screen
//! reachable by any sequence of inputs is longer than its encoding allows.

mod common;

use common::*;
use proptest::prelude::*;
use seba_ussd::{Action, Answer, Lang, Text, gsm};

/// A walk through one menu, written as a transcript.
fn transcript(lang: Lang, inputs: &[&str], answer: fn(&Action) -> Answer) -> String {
    let mut caller = Caller::new(lang);
    caller.answer = answer;
    let mut out = String::new();
    let first = caller.send("");
    out.push_str(&format!("< {}\n", show(&first)));
    for input in inputs {
        let reply = caller.send(input);
        assert!(gsm::fits(&reply.text), "too long: {}", reply.text);
        out.push_str(&format!("> {input}\n< {}\n", show(&reply)));
    }
    out
}

fn show(reply: &seba_ussd::Reply) -> String {
    let (size, limit) = gsm::measure(&reply.text);
    format!(
        "{} [{size}/{limit}]\n{}",
        if reply.end { "END" } else { "CON" },
        reply.text
    )
}

fn both(name: &str, inputs: &[&str], answer: fn(&Action) -> Answer) {
    for lang in [Lang::Bn, Lang::En] {
        insta::assert_snapshot!(
            format!("{name}_{}", lang.code()),
            transcript(lang, inputs, answer)
        );
    }
}

#[test]
fn pin_reset() {
    // Bad NID, bad date, then the whole way; a wrong pick; resend; weak PIN is the app's.
    both(
        "pin_reset",
        &[
            "1",
            "12",
            "1990123456",
            "31021985",
            "12041985",
            "7",
            "2",
            "1",
            "123",
            "55555",
            "24680",
            "24680",
        ],
        good_answer,
    );
}

#[test]
fn pin_reset_refusals() {
    fn answer(a: &Action) -> Answer {
        match a {
            Action::Identity { .. } => Answer::IdentityNotVerified,
            other => good_answer(other),
        }
    }
    both(
        "pin_reset_not_verified",
        &["1", "1990123456", "12041985", "1"],
        answer,
    );
    fn blocked(a: &Action) -> Answer {
        match a {
            Action::StartReset => Answer::Refused(Text::new(
                "অনেকবার ব্যর্থ চেষ্টার কারণে পিন রিসেট বন্ধ। 16247-এ কল করুন।",
                "PIN reset is blocked after too many failed tries. Call 16247.",
            )),
            other => good_answer(other),
        }
    }
    both("pin_reset_blocked", &["1"], blocked);
    fn wrong_temporary(a: &Action) -> Answer {
        match a {
            Action::ConfirmPin { .. } => Answer::WrongTemporaryPin { attempts_left: 2 },
            other => good_answer(other),
        }
    }
    both(
        "pin_reset_wrong_temporary",
        &[
            "1",
            "1990123456",
            "12041985",
            "1",
            "11111",
            "24680",
            "24680",
        ],
        wrong_temporary,
    );
}

#[test]
fn pin_reset_resumed_after_the_session_dropped() {
    fn resumed(a: &Action) -> Answer {
        match a {
            Action::StartReset => Answer::ResetResumed {
                token: "token".into(),
                to: "01712-***678".into(),
            },
            other => good_answer(other),
        }
    }
    both(
        "pin_reset_resumed",
        &["1", "55555", "24680", "24680"],
        resumed,
    );
}

#[test]
fn complaint() {
    both(
        "complaint_typed",
        &[
            "2",
            "1",
            "9",
            "1",
            "0",
            "1",
            "ab",
            "Sent 5000 tk to wrong number 01812345678",
        ],
        good_answer,
    );
    both("complaint_picked", &["2", "2", "2", "1"], good_answer);
}

#[test]
fn status() {
    both("status", &["3", "12345", "10000134"], good_answer);
    fn none(a: &Action) -> Answer {
        match a {
            Action::CaseStatus { .. } => Answer::NoSuchCase,
            other => good_answer(other),
        }
    }
    both("status_unknown", &["3", "10000134"], none);
}

#[test]
fn centres() {
    both(
        "centres",
        &["4", "3", "99", "0", "4", "1", "99", "99", "0", "00"],
        good_answer,
    );
    both(
        "centres_paged_districts",
        &["4", "6", "99", "99", "2", "99", "3"],
        good_answer,
    );
}

#[test]
fn language_and_hotline() {
    both("language", &["5", "2", "5", "1", "6"], good_answer);
}

#[test]
fn more_on_the_last_page_and_junk() {
    both("junk", &["99", "abc", "7", "", "0"], good_answer);
}

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (1u32..12).prop_map(|n| n.to_string()),
        2 => Just("0".to_string()),
        1 => Just("00".to_string()),
        2 => Just("99".to_string()),
        1 => Just("1990123456".to_string()),
        1 => Just("12041985".to_string()),
        1 => Just("24680".to_string()),
        1 => Just("10000134".to_string()),
        1 => "[a-zA-Z0-9 *#]{0,40}",
        1 => "\\PC{0,200}",
    ]
}

fn any_answer() -> impl Strategy<Value = u8> {
    0u8..6
}

/// A varied application: each action answered one of several ways.
fn varied(a: &Action, pick: u8) -> Answer {
    let long = Text::new("অ".repeat(200), "x".repeat(400));
    match (a, pick) {
        (_, 0) => Answer::Refused(long),
        (Action::Identity { .. }, 1) => Answer::IdentityNotVerified,
        (Action::StartReset, 1) => Answer::ResetResumed {
            token: "t".into(),
            to: "01712-***678".into(),
        },
        (Action::ConfirmPin { .. }, 1) => Answer::WrongTemporaryPin { attempts_left: 2 },
        (Action::ConfirmPin { .. }, 2) => Answer::TemporaryPinExpired,
        (Action::ConfirmPin { .. }, 3) => Answer::NewPinRefused(long),
        (Action::CaseStatus { .. }, 1) => Answer::NoSuchCase,
        (Action::Centres { .. }, 1) => Answer::Centres {
            lines: vec![long.clone(), long],
            sms: false,
        },
        (Action::Centres { .. }, 2) => Answer::Centres {
            lines: Vec::new(),
            sms: false,
        },
        (other, _) => good_answer(other),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// No screen reachable by any inputs, in either language, with any answer from the
    /// application, is longer than its encoding allows; and nothing panics.
    #[test]
    fn no_reachable_screen_is_too_long(
        lang in prop_oneof![Just(Lang::Bn), Just(Lang::En)],
        steps in proptest::collection::vec((token(), any_answer()), 1..30),
    ) {
        let catalog = catalog();
        let engine = seba_ussd::Engine::new(seba_ussd::Context { catalog: &catalog, today: today() });
        let mut s = seba_ussd::Session::new(lang);
        let first = engine.begin(&mut s);
        prop_assert!(gsm::fits(&first.text));
        for (input, pick) in steps {
            let mut out = engine.input(&mut s, &input);
            while let seba_ussd::Outcome::Act(a) = out {
                out = engine.answer(&mut s, varied(&a, pick));
            }
            let seba_ussd::Outcome::Reply(r) = out else { unreachable!() };
            prop_assert!(gsm::fits(&r.text), "{} is too long: {:?}", r.text, gsm::measure(&r.text));
            prop_assert!(!r.text.is_empty());
            if r.end {
                break;
            }
        }
    }

    /// Every list page of every place in the geography fits, in both languages.
    #[test]
    fn transaction_and_centre_texts_fit(kind in "[a-z_]{0,12}", poisha in 0i64..1_000_000_000_000) {
        let t = seba_ussd::menu::transaction(&kind, poisha);
        prop_assert!(gsm::encoding(&t.en) == gsm::Encoding::Gsm7);
    }
}

#[test]
fn every_place_list_fits() {
    let catalog = catalog();
    let engine = seba_ussd::Engine::new(seba_ussd::Context {
        catalog: &catalog,
        today: today(),
    });
    for lang in [Lang::Bn, Lang::En] {
        for (di, division) in catalog.divisions.iter().enumerate() {
            let districts: Vec<_> = catalog
                .districts
                .iter()
                .filter(|d| d.parent == division.id)
                .collect();
            for (ti, _district) in districts.iter().enumerate() {
                let mut s = seba_ussd::Session::new(lang);
                engine.begin(&mut s);
                for input in ["4".to_string(), (di + 1).to_string(), (ti + 1).to_string()] {
                    let out = engine.input(&mut s, &input);
                    let seba_ussd::Outcome::Reply(r) = out else {
                        panic!("no action expected")
                    };
                    assert!(gsm::fits(&r.text));
                }
                // Walk every page of the upazila list.
                for _ in 0..10 {
                    let seba_ussd::Outcome::Reply(r) = engine.input(&mut s, "99") else {
                        panic!()
                    };
                    assert!(gsm::fits(&r.text), "{}", r.text);
                }
            }
        }
    }
}
