//! The adapters and the engine on arbitrary input: any bytes a gateway (or anyone) posts
//! are read or refused with an error, never a panic; any request, read or not, gets a
//! reply that fits a screen; and any text sequence keeps the session's records
//! consistent (a replay of every earlier request answers what was answered then).

mod common;

use common::*;
use proptest::prelude::*;
use seba_ussd::gateway::{AfricasTalking, Gateway, Hubtel};
use seba_ussd::{Lang, Reply, Turn, gsm};

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn adapters_never_panic_on_bytes(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = AfricasTalking.parse(&body);
        let _ = Hubtel.parse(&body);
    }

    #[test]
    fn form_fields_of_any_text_are_read_or_refused(
        sid in "\\PC{0,40}", phone in "\\PC{0,20}", text in "\\PC{0,300}",
    ) {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("sessionId", &sid)
            .append_pair("phoneNumber", &phone)
            .append_pair("text", &text)
            .finish();
        if let Ok(r) = AfricasTalking.parse(body.as_bytes()) {
            prop_assert_eq!(r.turn, Turn::Joined(text));
            let out = AfricasTalking.render(None, &Reply { text: "x".into(), end: false });
            prop_assert!(out.starts_with(b"CON "));
        }
    }

    #[test]
    fn hubtel_json_of_any_shape_is_read_or_refused(
        kind in prop_oneof![Just("Initiation".to_string()), Just("Response".to_string()), Just("Release".to_string()), Just("Timeout".to_string()), "\\PC{0,10}"],
        seq in prop_oneof![Just(serde_json::json!(2)), Just(serde_json::json!("3")), Just(serde_json::json!(-1)), Just(serde_json::json!(null)), Just(serde_json::json!([1]))],
        message in "\\PC{0,100}",
    ) {
        let body = serde_json::json!({"Type": kind, "Mobile": "8801712345678", "SessionId": "s", "Message": message, "Sequence": seq});
        let _ = Hubtel.parse(body.to_string().as_bytes());
    }

    /// Joined texts of any shape, sent in any order, with repeats: every reply fits, and
    /// afterwards every request answered before is answered the same again.
    #[test]
    fn any_joined_texts_keep_the_records_consistent(
        texts in proptest::collection::vec("[0-9*]{0,12}", 1..20),
        lang in prop_oneof![Just(Lang::Bn), Just(Lang::En)],
    ) {
        let mut caller = Caller::new(lang);
        let mut answered: Vec<(String, Reply)> = Vec::new();
        let first = caller.turn(&Turn::Joined(String::new()));
        answered.push((String::new(), first));
        for text in texts {
            let reply = caller.turn(&Turn::Joined(text.clone()));
            prop_assert!(gsm::fits(&reply.text), "{}", reply.text);
            answered.push((text, reply));
        }
        let marks = caller.session.as_ref().unwrap().marks.clone();
        for m in &marks {
            // Each recorded answer is what a replay of its request gets.
            let original = answered.iter().find(|(_, r)| *r == m.reply);
            prop_assert!(original.is_some());
        }
        for (text, _) in &answered {
            let before = caller.session.clone();
            let recorded = marks.iter().any(|m| m.at == text.len() as u64);
            if recorded {
                let again = caller.turn(&Turn::Joined(text.clone()));
                prop_assert!(gsm::fits(&again.text));
                prop_assert_eq!(&caller.session, &before, "a replay changed the session");
            }
        }
    }
}
