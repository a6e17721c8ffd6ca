//! Area search as people type it: either script, old and new spellings, Banglish, half a
//! word, a parent to narrow a common name.

use seba_geo::{Area, AreaKind, Geography};

fn search(query: &str, limit: usize) -> Vec<Area<'static>> {
    Geography::bangladesh().search(query, limit)
}

fn labels(query: &str, limit: usize) -> Vec<String> {
    search(query, limit).iter().map(|a| a.label().en).collect()
}

fn first(query: &str) -> String {
    labels(query, 1).pop().unwrap_or_default()
}

const CUMILLA: &str = "Cumilla District, Chattogram Division";
const SAVAR: &str = "Savar Upazila, Dhaka District, Dhaka Division";
const HEMAYETPUR: &str = "Hemayetpur Union, Pabna Sadar Upazila, Pabna District, Rajshahi Division";

#[test]
fn the_first_answer_in_either_script_and_any_spelling() {
    for (query, expected) in [
        // Cumilla: new and old spellings, Bengali, Banglish, typed in capitals, half typed.
        ("Cumilla", CUMILLA),
        ("comilla", CUMILLA),
        ("COMILLA", CUMILLA),
        ("কুমিল্লা", CUMILLA),
        ("kumilla", CUMILLA),
        ("cumi", CUMILLA),
        ("কুমিল্লার", CUMILLA),
        // An upazila, whole and half typed, in both scripts.
        ("Savar", SAVAR),
        ("সাভার", SAVAR),
        ("sava", SAVAR),
        ("সাভা", SAVAR),
        // A union, also with a precomposed য় and spelled by ear.
        ("Hemayetpur", HEMAYETPUR),
        ("হেমায়েতপুর", HEMAYETPUR),
        ("হেমা\u{09DF}েতপুর", HEMAYETPUR),
        ("hemayatpur", HEMAYETPUR),
        // The 2018 spellings and the ones they replaced.
        ("Chittagong", "Chattogram District, Chattogram Division"),
        ("chattogram", "Chattogram District, Chattogram Division"),
        ("চট্টগ্রাম", "Chattogram District, Chattogram Division"),
        ("Jessore", "Jashore District, Khulna Division"),
        ("যশোর", "Jashore District, Khulna Division"),
        ("Bogra", "Bogura District, Rajshahi Division"),
        ("বগুড়া", "Bogura District, Rajshahi Division"),
        ("Barisal", "Barishal District, Barishal Division"),
        ("বরিশাল", "Barishal District, Barishal Division"),
        // Apostrophes and spaces people leave out.
        ("Cox's Bazar", "Cox's Bazar District, Chattogram Division"),
        ("coxs bazar", "Cox's Bazar District, Chattogram Division"),
        ("Coxsbazar", "Cox's Bazar District, Chattogram Division"),
        ("কক্সবাজার", "Cox's Bazar District, Chattogram Division"),
        (
            "chapai nawabganj",
            "Chapainawabganj District, Rajshahi Division",
        ),
        // Banglish spellings.
        ("moymonsingh", "Mymensingh District, Mymensingh Division"),
        ("ময়মনসিংহ", "Mymensingh District, Mymensingh Division"),
        ("narayangonj", "Narayanganj District, Dhaka Division"),
        ("নারায়ণগঞ্জ", "Narayanganj District, Dhaka Division"),
        ("shylet", "Sylhet District, Sylhet Division"),
        ("সিলেট", "Sylhet District, Sylhet Division"),
        (
            "teknaf",
            "Teknaf Upazila, Cox's Bazar District, Chattogram Division",
        ),
        (
            "টেকনাফ",
            "Teknaf Upazila, Cox's Bazar District, Chattogram Division",
        ),
        // Names the source had damaged.
        (
            "maijchar",
            "Maijchar Union, Bajitpur Upazila, Kishoreganj District, Dhaka Division",
        ),
        (
            "Cumilla Sadar Dakshin",
            "Cumilla Sadar Dakshin Upazila, Cumilla District, Chattogram Division",
        ),
    ] {
        assert_eq!(first(query), expected, "{query:?}: {:#?}", labels(query, 5));
    }
}

#[test]
fn a_parent_narrows_a_common_name() {
    let gazipur = ["Kaliganj Upazila, Gazipur District, Dhaka Division"];
    assert_eq!(labels("kaliganj gazipur", 10), gazipur);
    assert_eq!(labels("কালীগঞ্জ গাজীপুর", 10), gazipur);
    assert_eq!(labels("gazipur kaliganj", 10), gazipur);
    assert_eq!(first("dhaka savar"), SAVAR);
    assert_eq!(first("savar ঢাকা"), SAVAR);
    // A word naming the level picks between units of the same name.
    assert_eq!(
        labels("savar union", 5),
        ["Savar Union, Savar Upazila, Dhaka District, Dhaka Division"]
    );
    assert_eq!(labels("সাভার উপজেলা", 5), [SAVAR]);
    assert_eq!(labels("Dhaka division", 5), ["Dhaka Division"]);
    assert_eq!(labels("ঢাকা বিভাগ", 5), ["Dhaka Division"]);
    assert_eq!(first("cumilla zila"), CUMILLA);
}

#[test]
fn districts_and_upazilas_before_unions_for_equal_matches() {
    let savar: Vec<AreaKind> = search("Savar", 10).iter().map(Area::kind).collect();
    assert_eq!(savar, [AreaKind::Upazila, AreaKind::Union]);

    let kaliganj: Vec<AreaKind> = search("kaliganj", 10).iter().map(Area::kind).collect();
    assert_eq!(kaliganj[..4], [AreaKind::Upazila; 4]);
    assert!(kaliganj[4..].iter().all(|k| *k == AreaKind::Union));

    let dhaka = labels("ঢাকা", 2);
    assert_eq!(dhaka, ["Dhaka District, Dhaka Division", "Dhaka Division"]);
}

#[test]
fn exact_before_whole_word_before_prefix_before_sound() {
    // Exact (the district's alias), then a whole word of a longer name (the upazila's
    // old name "Bogra Sadar"), then unions that only sound alike.
    let bogra = labels("Bogra", 10);
    assert_eq!(
        bogra,
        [
            "Bogura District, Rajshahi Division",
            "Bogura Sadar Upazila, Bogura District, Rajshahi Division",
            "Bagra Union, Sreenagar Upazila, Munshiganj District, Dhaka Division",
            "Bogura Union, Shailkupa Upazila, Jhenaidah District, Khulna Division",
        ]
    );
    // A union called exactly what was typed outranks an upazila that merely contains it.
    let barisal = labels("Barisal", 4);
    assert_eq!(
        barisal,
        [
            "Barishal District, Barishal Division",
            "Barishal Division",
            "Barisal Union, Palashbari Upazila, Gaibandha District, Rangpur Division",
            "Barishal Sadar Upazila, Barishal District, Barishal Division",
        ]
    );
    // Prefixes come before sounds: "cumi" is the start of Cumilla and sounds like Kumira.
    let cumi = labels("cumi", 10);
    let kumira = cumi.iter().position(|l| l.starts_with("Kumira")).unwrap();
    assert!(
        cumi[..kumira].iter().all(|l| l.starts_with("Cumilla")),
        "{cumi:#?}"
    );
}

#[test]
fn both_scripts_find_the_same_units() {
    for (latin, bengali) in [
        ("Savar", "সাভার"),
        ("Cumilla", "কুমিল্লা"),
        ("Teknaf", "টেকনাফ"),
        ("Narayanganj", "নারায়ণগঞ্জ"),
        ("Hemayetpur", "হেমায়েতপুর"),
    ] {
        let l: Vec<_> = search(latin, 3).iter().map(Area::id).collect();
        let b: Vec<_> = search(bengali, 3).iter().map(Area::id).collect();
        assert_eq!(l[0], b[0], "{latin} / {bengali}");
    }
}

#[test]
fn areas_carry_their_chain_in_both_languages() {
    let savar = search("সাভার", 1).remove(0);
    assert_eq!(savar.label().bn, "সাভার উপজেলা, ঢাকা জেলা, ঢাকা বিভাগ");
    assert_eq!(savar.name().en, "Savar");
    assert_eq!(savar.district().map(|d| d.name_en.as_str()), Some("Dhaka"));
    assert_eq!(savar.division().name_en, "Dhaka");
    assert!(savar.union().is_none());
    let chain: Vec<AreaKind> = search("hemayetpur", 1)[0]
        .chain()
        .iter()
        .map(|(k, _, _)| *k)
        .collect();
    assert_eq!(
        chain,
        [
            AreaKind::Union,
            AreaKind::Upazila,
            AreaKind::District,
            AreaKind::Division
        ]
    );
    let g = Geography::bangladesh();
    assert_eq!(g.area(savar.id()), Some(savar));
}

#[test]
fn nothing_to_search_for_finds_nothing() {
    for q in ["", "   ", "!!", "01712345678", "xqzw", "union"] {
        assert!(search(q, 10).is_empty(), "{q:?}: {:?}", labels(q, 10));
    }
    assert!(search("Savar", 0).is_empty());
    assert_eq!(search("sadar", 5).len(), 5);
    assert!(search("sadar", 1_000).len() > 60);
    // Long input is bounded by the analyzer and does not panic.
    let long = "ঢাকা ".repeat(10_000);
    assert!(!search(&long, 3).is_empty());
}
