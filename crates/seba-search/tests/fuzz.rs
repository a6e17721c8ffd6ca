//! The analyzer sees whatever people paste: any string must analyze without a panic, with
//! offsets that slice the original text and positions that never go backwards; and the
//! worst inputs we can think of must stay within the caps.

use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use seba_search::{
    MAX_INPUT_BYTES, MAX_QUERY_WORDS, MAX_TERM_BYTES, Token, analyze, analyze_query, normalize_word,
};

fn nasty_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('\u{0980}', '\u{09FF}'),
        3 => prop::char::range(' ', '~'),
        1 => prop::char::range('\u{0300}', '\u{036F}'),
        1 => prop_oneof![
            Just('\u{200C}'),
            Just('\u{200D}'),
            Just('\u{00AD}'),
            Just('\u{FEFF}'),
            Just('\u{200B}'),
            Just('\u{0000}'),
            Just('\u{001B}'),
            Just('\u{09CD}'),
            Just('\u{09BC}'),
            Just('\u{0964}'),
            Just('+'),
            Just('৳'),
        ],
        1 => any::<char>(),
    ]
}

fn nasty_string() -> impl Strategy<Value = String> {
    prop::collection::vec(nasty_char(), 0..120).prop_map(String::from_iter)
}

fn check_tokens(text: &str, tokens: &[Token]) {
    let mut last = 0;
    for t in tokens {
        assert!(t.start < t.end, "{t:?}");
        assert!(t.end <= text.len(), "{t:?}");
        assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "{t:?}"
        );
        assert!(t.position >= last, "{t:?}");
        last = t.position;
        assert!(!t.term.is_empty());
        assert!(t.term.len() <= MAX_TERM_BYTES + 8, "{t:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        // Integration tests have no lib.rs beside them for proptest to find; name the file.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/fuzz.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_text_analyzes_cleanly(text in nasty_string()) {
        let tokens = analyze(&text);
        check_tokens(&text, &tokens);
        prop_assert_eq!(&tokens, &analyze(&text));
    }

    #[test]
    fn any_query_analyzes_cleanly(text in nasty_string()) {
        let q = analyze_query(&text);
        prop_assert!(q.terms.len() <= MAX_QUERY_WORDS);
        let mut last = 0;
        for term in &q.terms {
            prop_assert!(term.position >= last);
            last = term.position;
            prop_assert!(!term.alternatives.is_empty());
            for a in &term.alternatives {
                prop_assert!(a.weight > 0.0 && a.weight <= 1.0);
            }
        }
    }

    #[test]
    fn normalising_twice_changes_nothing(text in nasty_string()) {
        let once = normalize_word(&text);
        prop_assert_eq!(normalize_word(&once), once);
    }

    #[test]
    fn indexed_words_are_found_by_themselves(text in nasty_string()) {
        // Whatever word the index stores, querying that stored term finds it again.
        let indexed: std::collections::BTreeSet<String> =
            analyze(&text).into_iter().map(|t| t.term).collect();
        for t in analyze(&text).into_iter().filter(|t| t.kind == seba_search::TokenKind::Word) {
            let q = analyze_query(&t.term);
            for term in &q.terms {
                prop_assert!(
                    term.alternatives.iter().any(|a| indexed.contains(&a.term)),
                    "{} from {:?}", t.term, text
                );
            }
        }
    }
}

#[test]
fn worst_inputs_stay_bounded() {
    let started = Instant::now();
    let cases = [
        "ক".repeat(400_000),
        "\u{09BF}".repeat(200_000),
        "\u{0301}".repeat(200_000),
        "0".repeat(300_000),
        "1 ".repeat(150_000),
        "017 ".repeat(80_000),
        "1,".repeat(150_000),
        "a.".repeat(150_000),
        "ত্\u{200D}".repeat(50_000),
        "\u{200D}".repeat(300_000),
        "বিকাশ-এ ৫,০০০৳ ".repeat(20_000),
        "cash out ".repeat(40_000),
        " ".repeat(300_000),
    ];
    for text in &cases {
        let tokens = analyze(text);
        check_tokens(text, &tokens);
        assert!(tokens.iter().all(|t| t.end <= MAX_INPUT_BYTES));
        let q = analyze_query(text);
        assert!(q.terms.len() <= MAX_QUERY_WORDS);
    }
    // Generous: the point is "linear", not a benchmark (debug build, shared machine).
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}
