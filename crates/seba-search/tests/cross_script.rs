//! Cross-script matching, end to end through the public API: a Latin query must share at
//! least one indexed term with the Bengali text it means, and the reverse, while look-alike
//! pairs that mean different things must share none.

use std::collections::BTreeSet;

use seba_search::{TokenKind, analyze, analyze_query};

fn indexed(text: &str) -> BTreeSet<String> {
    analyze(text).into_iter().map(|t| t.term).collect()
}

fn queried(text: &str) -> BTreeSet<String> {
    analyze_query(text)
        .terms
        .into_iter()
        .flat_map(|t| t.alternatives.into_iter().map(|a| a.term))
        .collect()
}

/// (Latin as people type it, Bengali script)
const PAIRS: &[(&str, &str)] = &[
    ("bkash", "বিকাশ"),
    ("bikash", "বিকাশ"),
    ("bkash", "ব্যকাশ"),
    ("bikash", "বিকাশের"),
    ("pin", "পিন"),
    ("wrong number", "ভুল নম্বর"),
    ("wrong number", "ভুল নাম্বারে"),
    ("refund", "রিফান্ড"),
    ("cash out", "ক্যাশ আউট"),
    ("evaly", "ইভ্যালি"),
    ("nagad", "নগদ"),
    ("agent", "এজেন্ট"),
    ("agent", "এজেন্টকে"),
    ("recharge", "রিচার্জ"),
    ("otp", "ওটিপি"),
    ("account", "অ্যাকাউন্ট"),
    ("account", "একাউন্ট"),
    ("transaction", "লেনদেন"),
    ("money", "টাকা"),
    ("taka", "টাকা"),
    ("tk", "৳"),
    ("complaint", "অভিযোগ"),
    ("ovijog", "অভিযোগ"),
    ("problem", "সমস্যা"),
    ("somossa", "সমস্যা"),
    ("reset", "রিসেট"),
    ("password", "পাসওয়ার্ড"),
    ("sim", "সিম"),
    ("nid", "এনআইডি"),
    ("kivabe", "কিভাবে"),
    ("korbo", "করব"),
    ("rocket", "রকেট"),
    ("upay", "ইউপে"),
    ("daraz", "দারাজ"),
    ("alesha mart", "আলেশা মার্ট"),
    ("e-orange", "ই-অরেঞ্জ"),
    ("dhamaka", "ধামাকা"),
    ("balance", "ব্যালেন্স"),
    ("dokan", "দোকান"),
    ("order", "অর্ডারটি"),
    ("delivery", "ডেলিভারি"),
    ("fraud", "প্রতারণা"),
    ("hack", "হ্যাক"),
    ("bhai", "ভাই"),
    ("ekhon", "এখন"),
    ("hoyni", "হয়নি"),
    ("kemon", "কেমন"),
    ("amar", "আমার"),
    ("bkasher", "বিকাশের"),
    ("agentke", "এজেন্টকে"),
];

/// Look-alikes that mean different things.
const APART: &[(&str, &str)] = &[
    ("pin", "পান"),    // PIN / betel leaf
    ("cash", "কাজ"),   // cash / work
    ("taka", "টিকা"),  // money / vaccine
    ("bkash", "বাকি"), // bKash / remaining
    ("nid", "নদী"),   // NID / river
    ("sim", "সাম"),    // SIM / (a name)
    ("otp", "উপর"),   // OTP / above
    ("agent", "আজ"),  // agent / today
];

#[test]
fn latin_and_bengali_meet() {
    let mut failures = Vec::new();
    for (latin, bengali) in PAIRS {
        // Latin query → Bengali document, and Bengali query → Latin document.
        let forward: Vec<_> = queried(latin)
            .intersection(&indexed(bengali))
            .cloned()
            .collect();
        let backward: Vec<_> = queried(bengali)
            .intersection(&indexed(latin))
            .cloned()
            .collect();
        if forward.is_empty() || backward.is_empty() {
            failures.push(format!("{latin} / {bengali}: {forward:?} {backward:?}"));
        }
    }
    assert!(PAIRS.len() >= 30);
    assert!(failures.is_empty(), "no shared term: {failures:#?}");
}

#[test]
fn look_alikes_stay_apart() {
    for (latin, bengali) in APART {
        let shared: Vec<_> = queried(latin)
            .intersection(&indexed(bengali))
            .cloned()
            .collect();
        assert!(shared.is_empty(), "{latin} / {bengali} share {shared:?}");
        let shared: Vec<_> = queried(bengali)
            .intersection(&indexed(latin))
            .cloned()
            .collect();
        assert!(shared.is_empty(), "{bengali} / {latin} share {shared:?}");
    }
}

#[test]
fn same_script_query_ranks_exact_above_cross_script() {
    // A Bengali query matches a Bengali text through the word itself (weight 1.0) and a
    // Banglish text only through concept or sound.
    let q = analyze_query("বিকাশ");
    let weight_for = |doc: &str| {
        let doc = indexed(doc);
        q.terms[0]
            .alternatives
            .iter()
            .filter(|a| doc.contains(&a.term))
            .map(|a| a.weight)
            .fold(0.0_f32, f32::max)
    };
    assert_eq!(weight_for("বিকাশ"), TokenKind::Word.query_weight());
    assert!(weight_for("bkash") < weight_for("বিকাশ"));
    assert!(weight_for("bkash") > 0.0);
}

#[test]
fn a_complaint_in_two_scripts() {
    let bn = indexed("বিকাশে ৫,০০০ টাকা পাঠিয়েছি, ভুল নাম্বারে গেছে। ০১৭১২-৩৪৫৬৭৮");
    let en = analyze_query("bkash 5000 tk wrong number 01712345678");
    for term in &en.terms {
        assert!(
            term.alternatives.iter().any(|a| bn.contains(&a.term)),
            "{} finds nothing in {bn:?}",
            term.text
        );
    }
}
