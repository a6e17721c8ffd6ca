//! A judged relevance set for search: a corpus of complaint cases, queries an agent would
//! type, and for each query the cases the agent would want to see. It measures the analyzer
//! and the index together, end to end through the public API, and fails when a change makes
//! ranking worse than it is today.
//!
//! # The corpus
//!
//! `tests/relevance/cases.json` holds about 140 cases written for this set (not taken
//! from real customers or from other projects) the way people write to a mobile
//! financial service and about the collapsed e-commerce shops (Evaly, Alesha Mart,
//! Dhamaka, e-orange): in Bengali script with its inflections (বিকাশে, পিনটা, টাকাগুলো,
//! নম্বরে), in English, in Banglish ("bkash e 5000 tk pathaisi vul number e", "pin vule
//! gesi", "refund pai nai") and mixed; amounts in Bengali and ASCII digits with or without
//! grouping (৫,০০০, 5000, ১,০৫,০০০); phone numbers in national, `+88` and spaced forms, in
//! both digit sets. Some cases use precomposed য় and ড় (written `\u09df`, `\u09dc` in the
//! file; the rest use the decomposed spelling) and a few carry joiners (`\u200c`,
//! `\u200d`). Many cases are distractors: they share words with a query but are about
//! something else (a recharge to a wrong number, a PIN changed by a fraudster, bKash's
//! "ধামাকা অফার" against Dhamaka Shopping, "ভুল করে টাকা গেছে" as a scam opener, an
//! orange shirt against e-orange).
//!
//! # The judgments
//!
//! Each query comes with the information need it stands for (`need`) and the ids of every
//! case that meets it, judged by reading the whole corpus, not by looking at what the
//! search returns. A case is relevant when an agent who typed the query would want it on
//! the first page: the topic must match, not just the words. Cases that merely share a
//! word are not relevant; cases that are about the need in other words (ভুল একাউন্টে for
//! a wrong number, "store credit" for a refund) are. Judgments are binary.
//!
//! # The measures
//!
//! Every query is analyzed with [`analyze_query`] and searched with limit 10, no filters.
//! Per query: recall@5 = |relevant ∩ top 5| / min(|relevant|, 5), and the reciprocal rank
//! of the first relevant hit in the top 10 (0 when none). Their means are reported over
//! all queries, over the Bengali-script ones (Bengali letters or digits, no Latin letters)
//! and over the Latin-letter ones (English and Banglish, no Bengali); mixed-script and
//! digit-only queries count only in the overall means.
//!
//! # What it shows
//!
//! When the set was written: mean recall@5 0.765 and MRR 0.968 over all 62 queries;
//! Bengali 0.795 / 1.000 (25 queries), Latin 0.674 / 0.931 (29). Optional function words
//! in queries, English verb stemming, searching the subject with the thread and matching
//! lexicon words by concept raised that to 0.799 / 0.984 (Latin 0.727 / 0.966); lexicon
//! entries for the paraphrases this set exposed (forgot / ভুলে গেছি / মনে নেই, extra /
//! বেশি, call / ফোন করে, motorcycle / বাইক, cheque / চেক, delivered / ডেলিভারি, verification
//! code / OTP) to 0.860 / 1.000 (Bengali 0.861, Latin 0.820) — those words are therefore no
//! longer a blind test. The first relevant case is always on top; what is lost is the rest
//! of the first page, mostly because
//!
//! * every content word of a query must match in some form, so the verbs of a natural
//!   query ("টাকা কেটে নিয়েছে কিন্তু রিচার্জ হয়নি", "ওটিপি দিয়ে প্রতারণা") drop each case
//!   that words it differently;
//! * Banglish writes ছ as s (gesi, pathaisi, korsi), which the phonetic keys keep apart from
//!   গেছি, পাঠাইছি, করছি;
//! * words and paraphrases the lexicon still lacks meet nothing across scripts;
//! * false friends: short phonetic keys (আউট is `~at` like আটকে's stem; পাইনি and ফোনে are
//!   both `~pani`), and a lexicon phrase puts its concept on every word, so "dhamaka
//!   shopping" asks no more than "dhamaka" and bKash's "ধামাকা অফার" ranks with Dhamaka
//!   Shopping.
//!
//! # Judging an analyzer change
//!
//! ```text
//! cargo test -p seba-search --test relevance -- --nocapture
//! ```
//!
//! prints one row per query (recall@5, RR, the top five ids with irrelevant ones in
//! brackets, and the relevant ids missing from the top ten), then the means. Run it before
//! and after the change and compare the rows, not just the means: a change that helps
//! Banglish may hurt Bengali. The floors asserted at the end sit a little below today's
//! figures; when a change raises them for good, raise the floors with it. When adding
//! cases, re-judge every query against them (a new case may be relevant to old queries).

use std::collections::{BTreeMap, BTreeSet};

use seba_search::analyze_query;
use seba_search::index::{CaseDoc, SearchIndex, SearchRequest};
use serde::Deserialize;

const CASES_JSON: &str = include_str!("relevance/cases.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: i64,
    category: String,
    channel: String,
    phone: String,
    created_at: i64,
    subject: String,
    body: String,
}

/// A query, what the agent who types it is looking for, and the cases that meet it.
struct Judged {
    query: &'static str,
    need: &'static str,
    relevant: &'static [i64],
}

const fn q(query: &'static str, need: &'static str, relevant: &'static [i64]) -> Judged {
    Judged {
        query,
        need,
        relevant,
    }
}

// Information needs shared by several queries (in different scripts and spellings).

/// Money sent (send money, cash in by an agent, recharge) to a wrong number or account.
const WRONG_NUMBER: &[i64] = &[
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 130, 131,
];
/// The same, on bKash (the platform's own service): without the Nagad and Rocket cases.
const WRONG_NUMBER_BKASH: &[i64] = &[
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17, 18, 130, 131,
];
/// Tk 5,000 sent to a wrong number (including the receiver's side of one such transfer).
const WRONG_NUMBER_5000: &[i64] = &[1, 2, 3, 8, 9, 10, 14, 16, 130, 131];
/// The customer cannot use a PIN they forgot and needs it reset.
const PIN_RESET: &[i64] = &[22, 23, 24, 26, 28, 30, 31, 132, 133];
/// The customer forgot the PIN (the reset need without the lock-out after wrong tries).
const PIN_FORGOT: &[i64] = &[22, 23, 24, 28, 30, 31, 132, 133];
/// Account locked after wrong PIN attempts.
const LOCKED: &[i64] = &[25, 26, 27, 66];
/// Account blocked or suspended by the provider.
const BLOCKED: &[i64] = &[60, 61, 62];
/// A caller posing as bKash asks for the OTP (whether or not the customer gave it).
const OTP_SCAM: &[i64] = &[32, 33, 34, 35, 136];
/// Account taken over: transactions the customer did not make, without having given a
/// code away (the OTP scams are a need of their own).
const HACKED: &[i64] = &[38, 39, 40, 42];
/// Cash out problems at an agent.
const CASH_OUT_AGENT: &[i64] = &[43, 44, 45, 46, 47, 49, 51, 58, 134, 138];
/// Cash out charged above the tariff.
const CASH_OUT_CHARGE: &[i64] = &[43, 44, 49, 51];
/// An agent asking more than the tariff, for cash out or cash in.
const AGENT_OVERCHARGE: &[i64] = &[43, 44, 49, 51, 52, 135];
/// A cash out that failed or was not paid while the balance was debited.
const CASH_OUT_LOST: &[i64] = &[45, 46, 48];
/// Cash in through an agent gone wrong.
const AGENT_CASH_IN: &[i64] = &[7, 52, 53, 54, 55, 59, 135];
/// Evaly orders never delivered.
const EVALY_UNDELIVERED: &[i64] = &[80, 81, 86, 88, 89, 90, 91, 92, 93, 141];
/// Evaly customers asking for their money back.
const EVALY_REFUND: &[i64] = &[80, 82, 83, 84, 85, 86, 87, 91, 92, 94, 95, 142];
/// A refund or money back asked for or promised, and not received (shops, merchants, a
/// double debit, an ATM that paid nothing); not money a wrong receiver should return.
const REFUND_OWED: &[i64] = &[
    42, 48, 67, 68, 80, 82, 83, 84, 85, 86, 87, 91, 92, 94, 95, 100, 101, 102, 103, 104, 110, 112,
    113, 115, 116, 117, 118, 120, 121, 122, 125, 142, 144, 146,
];

const QUERIES: &[Judged] = &[
    // Bengali script
    q("ভুল নম্বরে টাকা", "money sent to a wrong number", WRONG_NUMBER),
    q(
        "৫০০০ টাকা ভুল নম্বরে",
        "Tk 5,000 to a wrong number",
        WRONG_NUMBER_5000,
    ),
    q("রিচার্জ ভুল নম্বরে", "a recharge to a wrong number", &[17, 18]),
    q(
        "টাকা কেটে নিয়েছে কিন্তু রিচার্জ হয়নি",
        "recharge not received, balance debited",
        &[19, 20, 21],
    ),
    q("বিকাশ পিন রিসেট", "PIN reset", PIN_RESET),
    q("পিন ভুলে গেছি", "forgotten PIN", PIN_FORGOT),
    q("অ্যাকাউন্ট লক", "locked after wrong PINs", LOCKED),
    q("অ্যাকাউন্ট ব্লক", "blocked by the provider", BLOCKED),
    q("ওটিপি দিয়ে প্রতারণা", "OTP scam calls", OTP_SCAM),
    q("অ্যাকাউন্ট হ্যাক", "account taken over", HACKED),
    q("ক্যাশ আউট এজেন্ট", "cash out at an agent", CASH_OUT_AGENT),
    q("এজেন্ট বেশি চার্জ", "agent overcharging", AGENT_OVERCHARGE),
    q(
        "ক্যাশ আউট টাকা পাইনি",
        "cash out debited, not paid",
        CASH_OUT_LOST,
    ),
    q("এজেন্ট ক্যাশ ইন", "cash in through an agent", AGENT_CASH_IN),
    q("এজেন্ট কমিশন", "agents' unpaid commission", &[56, 57]),
    q(
        "ইভ্যালি অর্ডার ডেলিভারি",
        "Evaly non-delivery",
        EVALY_UNDELIVERED,
    ),
    q("ইভ্যালি রিফান্ড", "Evaly refunds", EVALY_REFUND),
    q("চেক বাউন্স", "bounced refund cheques", &[82, 83]),
    q(
        "আলেশা মার্ট মোটরসাইকেল",
        "Alesha Mart motorcycle orders",
        &[100, 101, 104, 144],
    ),
    q(
        "ধামাকা রিফান্ড",
        "Dhamaka Shopping refunds",
        &[110, 112, 113, 146],
    ),
    q(
        "ই-অরেঞ্জ টাকা ফেরত",
        "e-orange money back",
        &[115, 116, 117, 118],
    ),
    q("দারাজ রিফান্ড", "Daraz refunds", &[67, 121, 122]),
    q("ক্যাশব্যাক পাইনি", "cashback not received", &[70, 71, 72]),
    q(
        "০১৯৩৬-৫৫২৮১৪",
        "the scam number, in Bengali digits",
        OTP_SCAM,
    ),
    q("০১৭২৯৬৪১৩০৫", "a wrong recipient's number", &[130]),
    // Latin letters: English and Banglish
    q("bkash pin reset", "PIN reset", PIN_RESET),
    q("forgot pin", "forgotten PIN", PIN_FORGOT),
    q("pin vule gesi", "forgotten PIN", PIN_FORGOT),
    q(
        "wrong number 5000",
        "Tk 5,000 to a wrong number",
        WRONG_NUMBER_5000,
    ),
    q(
        "vul number e taka",
        "money sent to a wrong number",
        WRONG_NUMBER,
    ),
    q(
        "sent money to wrong number",
        "money sent to a wrong number",
        WRONG_NUMBER,
    ),
    q(
        "bkash e 5000 tk pathaisi vul number e",
        "Tk 5,000 to a wrong number",
        WRONG_NUMBER_5000,
    ),
    q(
        "recharge wrong number",
        "a recharge to a wrong number",
        &[17, 18],
    ),
    q(
        "recharge failed balance deducted",
        "recharge not received, balance debited",
        &[19, 20, 21],
    ),
    q("account hacked", "account taken over", HACKED),
    q("otp fraud call", "OTP scam calls", OTP_SCAM),
    q("otp ashe na", "OTP not arriving", &[36, 37]),
    q("cash out charge", "cash out overcharged", CASH_OUT_CHARGE),
    q("agent extra charge", "agent overcharging", AGENT_OVERCHARGE),
    q(
        "cash out failed balance deducted",
        "cash out debited, not paid",
        CASH_OUT_LOST,
    ),
    q("agent cash in", "cash in through an agent", AGENT_CASH_IN),
    q("agent commission", "agents' unpaid commission", &[56, 57]),
    q("evaly refund", "Evaly refunds", EVALY_REFUND),
    q(
        "evaly delivery pai nai",
        "Evaly non-delivery",
        EVALY_UNDELIVERED,
    ),
    q(
        "Evaly order not delivered",
        "Evaly non-delivery",
        EVALY_UNDELIVERED,
    ),
    q("cheque bounce", "bounced refund cheques", &[82, 83]),
    q(
        "alesha mart refund",
        "Alesha Mart money back",
        &[100, 101, 102, 103, 104, 144],
    ),
    q(
        "dhamaka shopping",
        "Dhamaka Shopping",
        &[110, 111, 112, 113, 146],
    ),
    q("e-orange", "e-orange", &[115, 116, 117, 118, 143]),
    q("daraz refund", "Daraz refunds", &[67, 121, 122]),
    q("daraz wrong product", "wrong item from Daraz", &[119, 121]),
    q("cashback", "cashback not received", &[70, 71, 72]),
    q(
        "refund pai nai",
        "a refund owed and not received",
        REFUND_OWED,
    ),
    q("account block", "blocked by the provider", BLOCKED),
    // Mixed scripts
    q(
        "bkash ভুল নম্বর",
        "bKash money to a wrong number",
        WRONG_NUMBER_BKASH,
    ),
    q("evaly ডেলিভারি", "Evaly non-delivery", EVALY_UNDELIVERED),
    q("এজেন্ট cash out", "cash out at an agent", CASH_OUT_AGENT),
    q("পিন reset", "PIN reset", PIN_RESET),
    // Phone numbers in ASCII digits
    q("01936552814", "the scam number", OTP_SCAM),
    q("+880 1845-123907", "a wrong recipient's number", &[8, 9]),
    q("+8801798234561", "a requester's cases", &[79, 80]),
    q("01711-204559", "an agent's number", &[51, 56]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Script {
    Bengali,
    Latin,
    Mixed,
    Digits,
}

fn script_of(text: &str) -> Script {
    let bengali = text.chars().any(|c| ('\u{0980}'..='\u{09FF}').contains(&c));
    let latin = text.chars().any(|c| c.is_ascii_alphabetic());
    match (bengali, latin) {
        (true, false) => Script::Bengali,
        (false, true) => Script::Latin,
        (true, true) => Script::Mixed,
        (false, false) => Script::Digits,
    }
}

fn corpus() -> Vec<Case> {
    serde_json::from_str(CASES_JSON).expect("tests/relevance/cases.json")
}

fn build_index(cases: &[Case]) -> SearchIndex {
    let docs = cases
        .iter()
        .map(|c| CaseDoc {
            case_id: c.id,
            status: "open".into(),
            queue: Some(
                if c.category.starts_with("ecom.") {
                    "ecommerce_cell"
                } else {
                    "mfs_desk"
                }
                .into(),
            ),
            category: c.category.clone(),
            channel: c.channel.clone(),
            phone: Some(c.phone.clone()),
            created_at: c.created_at,
            subject: c.subject.clone(),
            body: c.body.clone(),
        })
        .collect();
    let ix = SearchIndex::in_memory().expect("in-memory index");
    ix.apply(docs, &[], "pos").expect("index the corpus");
    ix
}

/// One query's result.
struct Scored {
    recall5: f64,
    rr: f64,
    top: Vec<i64>,
}

fn score(top: &[i64], relevant: &BTreeSet<i64>) -> Scored {
    let found = top
        .iter()
        .take(5)
        .filter(|id| relevant.contains(id))
        .count();
    let recall5 = found as f64 / relevant.len().min(5) as f64;
    let rr = top
        .iter()
        .position(|id| relevant.contains(id))
        .map_or(0.0, |rank| 1.0 / (rank + 1) as f64);
    Scored {
        recall5,
        rr,
        top: top.to_vec(),
    }
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

#[test]
fn corpus_and_judgments_are_well_formed() {
    let cases = corpus();
    assert!((120..=160).contains(&cases.len()), "{} cases", cases.len());
    let ids: BTreeSet<i64> = cases.iter().map(|c| c.id).collect();
    assert_eq!(ids.len(), cases.len(), "duplicate case id");
    for c in &cases {
        assert!(
            c.phone.len() == 11
                && c.phone.starts_with("01")
                && c.phone.bytes().all(|b| b.is_ascii_digit()),
            "case {}: phone {}",
            c.id,
            c.phone
        );
        assert!(
            ["app", "web", "ussd", "email", "hotline"].contains(&c.channel.as_str()),
            "case {}: channel {}",
            c.id,
            c.channel
        );
        let (parent, child) = c.category.split_once('.').unwrap_or_default();
        assert!(
            ["mfs", "ecom", "general"].contains(&parent) && !child.is_empty(),
            "case {}: category {}",
            c.id,
            c.category
        );
        // Microseconds, 2021–2025.
        assert!(
            (1_609_459_200_000_000..1_735_689_600_000_000).contains(&c.created_at),
            "case {}: created_at {}",
            c.id,
            c.created_at
        );
        assert!(!c.subject.trim().is_empty() && !c.body.trim().is_empty());
    }
    // The spellings the set is meant to exercise are really in it.
    let all: String = cases
        .iter()
        .flat_map(|c| [c.subject.as_str(), c.body.as_str()])
        .collect();
    for (what, needle) in [
        ("precomposed য়", "\u{09DF}"),
        ("decomposed য়", "\u{09AF}\u{09BC}"),
        ("ZWJ", "\u{200D}"),
        ("ZWNJ", "\u{200C}"),
        ("Bengali digits with lakh grouping", "১,০৫,০০০"),
        ("taka sign", "৳"),
    ] {
        assert!(all.contains(needle), "no {what} in the corpus");
    }

    let mut queries = BTreeSet::new();
    for j in QUERIES {
        assert!(queries.insert(j.query), "query twice: {}", j.query);
        assert!(!j.relevant.is_empty(), "{}: nothing relevant", j.query);
        assert!(!j.need.is_empty());
        let rel: BTreeSet<i64> = j.relevant.iter().copied().collect();
        assert_eq!(rel.len(), j.relevant.len(), "{}: id twice", j.query);
        for id in j.relevant {
            assert!(ids.contains(id), "{}: no case {id}", j.query);
        }
    }
    let count = |s: Script| QUERIES.iter().filter(|j| script_of(j.query) == s).count();
    assert!(QUERIES.len() >= 40, "{} queries", QUERIES.len());
    assert!(
        count(Script::Bengali) >= 15,
        "{} Bengali",
        count(Script::Bengali)
    );
    assert!(count(Script::Latin) >= 15, "{} Latin", count(Script::Latin));
}

#[test]
fn relevance_does_not_regress() {
    let cases = corpus();
    let ix = build_index(&cases);
    let req = SearchRequest {
        limit: 10,
        ..Default::default()
    };

    let mut by_script: BTreeMap<Script, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let (mut recalls, mut rrs) = (Vec::new(), Vec::new());
    // The query goes last but one: Bengali text does not pad to a column.
    println!(
        "\n{:>4} {:>4} {:>3} {:<7} {:<28} query | relevant not in top 10",
        "R@5", "RR", "rel", "script", "top 5 ([irrelevant])"
    );
    for j in QUERIES {
        let hits = ix.search(&analyze_query(j.query), &req).expect("search");
        let top: Vec<i64> = hits.iter().map(|h| h.case_id).collect();
        let relevant: BTreeSet<i64> = j.relevant.iter().copied().collect();
        let s = score(&top, &relevant);
        let shown: Vec<String> = s
            .top
            .iter()
            .take(5)
            .map(|id| {
                if relevant.contains(id) {
                    id.to_string()
                } else {
                    format!("[{id}]")
                }
            })
            .collect();
        let missed: Vec<String> = j
            .relevant
            .iter()
            .filter(|id| !s.top.contains(id))
            .map(i64::to_string)
            .collect();
        let script = script_of(j.query);
        println!(
            "{:>4.2} {:>4.2} {:>3} {:<7} {:<28} {} | {}",
            s.recall5,
            s.rr,
            relevant.len(),
            format!("{script:?}"),
            shown.join(" "),
            j.query,
            missed.join(" "),
        );
        recalls.push(s.recall5);
        rrs.push(s.rr);
        let entry = by_script.entry(script).or_default();
        entry.0.push(s.recall5);
        entry.1.push(s.rr);
    }

    let overall = (mean(&recalls), mean(&rrs));
    let of = |s: Script| {
        by_script
            .get(&s)
            .map_or((0.0, 0.0, 0), |(r, rr)| (mean(r), mean(rr), r.len()))
    };
    let bengali = of(Script::Bengali);
    let latin = of(Script::Latin);
    println!();
    println!("cases: {}, queries: {}", cases.len(), QUERIES.len());
    println!(
        "overall   ({:>2} queries): mean recall@5 {:.3}, MRR {:.3}",
        QUERIES.len(),
        overall.0,
        overall.1
    );
    println!(
        "Bengali   ({:>2} queries): mean recall@5 {:.3}, MRR {:.3}",
        bengali.2, bengali.0, bengali.1
    );
    println!(
        "Latin     ({:>2} queries): mean recall@5 {:.3}, MRR {:.3}",
        latin.2, latin.0, latin.1
    );
    for s in [Script::Mixed, Script::Digits] {
        let (r, rr, n) = of(s);
        println!(
            "{:<9} ({n:>2} queries): mean recall@5 {r:.3}, MRR {rr:.3}",
            format!("{s:?}")
        );
    }

    // Floors: the current figures (overall 0.860 / 1.000, Bengali 0.861 / 1.000, Latin
    // 0.820 / 1.000) less a small margin. Raise them when the analyzer improves for good.
    let floors = [
        ("overall recall@5", overall.0, 0.83),
        ("overall MRR", overall.1, 0.97),
        ("Bengali recall@5", bengali.0, 0.83),
        ("Bengali MRR", bengali.1, 0.97),
        ("Latin recall@5", latin.0, 0.79),
        ("Latin MRR", latin.1, 0.96),
    ];
    let failed: Vec<String> = floors
        .iter()
        .filter(|(_, got, floor)| got < floor)
        .map(|(what, got, floor)| format!("{what} {got:.3} < {floor:.2}"))
        .collect();
    assert!(failed.is_empty(), "relevance fell: {failed:?}");
}
