//! Repeated, late and out-of-order requests: the same screen again, nothing applied twice.

mod common;

use common::*;
use seba_ussd::{Action, Lang, Turn};

#[test]
fn a_retry_of_the_same_text_gets_the_same_screen_and_acts_once() {
    let mut c = Caller::new(Lang::En);
    c.send("");
    c.send("2");
    c.send("1");
    c.send("1");
    let filed = c.send("1");
    assert!(
        filed.end && filed.text.contains("10000134"),
        "{}",
        filed.text
    );
    let again = c.turn(&Turn::Joined(c.text.clone()));
    assert_eq!(again, filed);
    let complaints = c
        .actions
        .iter()
        .filter(|a| matches!(a, Action::FileComplaint { .. }))
        .count();
    assert_eq!(complaints, 1);
}

#[test]
fn a_late_request_for_an_earlier_step_gets_that_steps_screen() {
    let mut c = Caller::new(Lang::En);
    let home = c.send("");
    let status = c.send("3");
    c.send("12");
    assert_eq!(c.turn(&Turn::Joined(String::new())), home);
    assert_eq!(c.turn(&Turn::Joined("3".into())), status);
}

#[test]
fn text_that_does_not_follow_gets_the_last_screen_and_changes_nothing() {
    let mut c = Caller::new(Lang::En);
    c.send("");
    let at = c.send("3");
    let before = c.session.clone();
    assert_eq!(c.turn(&Turn::Joined("4*1".into())), at);
    assert_eq!(c.turn(&Turn::Joined("9".into())), at);
    assert_eq!(c.session, before);
}

#[test]
fn a_star_inside_an_input_is_part_of_it() {
    let mut c = Caller::new(Lang::En);
    c.send("");
    c.send("2");
    c.send("1");
    c.send("1");
    let reply = c.send("paid *500 tk* to shop");
    assert!(reply.end);
    let Some(Action::FileComplaint { description, .. }) = c.actions.last() else {
        panic!("{:?}", c.actions)
    };
    assert!(
        description.ends_with("paid *500 tk* to shop"),
        "{description}"
    );
}

#[test]
fn a_shortcut_dial_goes_straight_to_the_menu() {
    let mut c = Caller::new(Lang::En);
    let reply = c.turn(&Turn::Joined("3".into()));
    assert!(
        reply.text.starts_with("Enter the case number"),
        "{}",
        reply.text
    );
    let mut h = Caller::new(Lang::En);
    let reply = h.turn(&Turn::Begin {
        dialled: "*247*3#".into(),
    });
    assert!(
        reply.text.starts_with("Enter the case number"),
        "{}",
        reply.text
    );
}

#[test]
fn numbered_inputs_replay_by_sequence() {
    let mut c = Caller::new(Lang::En);
    let home = c.turn(&Turn::Begin {
        dialled: "*247#".into(),
    });
    let status = c.turn(&Turn::Input {
        seq: 2,
        text: "3".into(),
    });
    // The gateway retries step 2: the same answer.
    assert_eq!(
        c.turn(&Turn::Input {
            seq: 2,
            text: "3".into()
        }),
        status
    );
    // A repeated Initiation answers the first screen.
    assert_eq!(
        c.turn(&Turn::Begin {
            dialled: "*247#".into()
        }),
        home
    );
    // A skipped sequence number: the last screen again.
    assert_eq!(
        c.turn(&Turn::Input {
            seq: 5,
            text: "1".into()
        }),
        status
    );
    let done = c.turn(&Turn::Input {
        seq: 3,
        text: "10000134".into(),
    });
    assert!(done.end, "{}", done.text);
    // After the end, nothing new is applied.
    assert_eq!(
        c.turn(&Turn::Input {
            seq: 4,
            text: "1".into()
        }),
        done
    );
}

#[test]
fn secrets_are_forgotten_when_the_session_ends() {
    let mut c = Caller::new(Lang::En);
    for input in [
        "",
        "1",
        "1990123456",
        "12041985",
        "1",
        "55555",
        "24680",
        "24680",
    ] {
        c.send(input);
    }
    let json = serde_json::to_string(c.session.as_ref().unwrap()).unwrap();
    assert!(c.session.as_ref().unwrap().ended);
    for secret in ["1990123456", "55555", "24680", "token"] {
        assert!(!json.contains(secret), "{secret} kept in {json}");
    }
}
