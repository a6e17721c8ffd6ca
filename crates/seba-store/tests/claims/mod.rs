//! The conformance suite, continued: the e-commerce complaint cell. A claim is a case with
//! a `claims` row beside it; merchants, claims, refunds and import keys are written
//! through `commit_with` as side writes, so a refused one undoes its commit (the case
//! too). Claim writes keep per-merchant totals, which must always equal a recount over
//! the claims. Every body runs on both engines.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use seba_core::ids::CaseId;
use seba_store::{
    ClaimRecord, Commit, DistrictSummary, MerchantRecord, MerchantSummary, MonthSummary,
    RefundRecord, SideWrite, Store, StoreError,
};

use crate::common::*;

const RAHIMA: &str = "+8801712345678";
const KARIM: &str = "+8801898765432";
const SALMA: &str = "+8801555123456";
const NASIR: &str = "+8801911000111";

const DAY: i64 = 86_400;

fn merchant(id: i64) -> MerchantRecord {
    MerchantRecord {
        id,
        legal_bn: "ইভ্যালি ডট কম লিমিটেড".into(),
        legal_en: "Evaly.com.bd Ltd. 'quoted' \"double\" \\".into(),
        trade_bn: "ইভ্যালি".into(),
        trade_en: "Evaly".into(),
        aliases: vec!["ইভ্যালী".into(), "evaly bd".into()],
        web: vec![
            "https://evaly.com.bd".into(),
            "facebook.com/evaly.com.bd".into(),
        ],
        licence: Some("TRAD/DNCC/012345/2018".into()),
        district: Some(26),
        status: "in_liquidation".into(),
        // Microseconds are what the store keeps; make sure it keeps all of them.
        created_at: at(0) + SignedDuration::from_micros(7),
        updated_at: at(0) + SignedDuration::from_micros(9),
        version: 1,
    }
}

/// The commit the application makes beside a merchant write: one audit event on
/// `merchant:<id>`, one outbox row.
fn merchant_commit(id: i64) -> Commit {
    side_commit(
        vec![event(&format!("merchant:{id}"), at(0), "merchant.saved")],
        vec![draft(
            "merchant.changed",
            None,
            json!({ "merchant_id": id }),
            None,
        )],
    )
}

async fn save_merchant(
    store: &Arc<dyn Store>,
    m: &MerchantRecord,
    expected_version: Option<i64>,
) -> Result<(), StoreError> {
    store
        .commit_with(
            merchant_commit(m.id),
            vec![SideWrite::Merchant {
                merchant: m.clone(),
                expected_version,
            }],
        )
        .await
        .map(|_| ())
}

async fn add_merchant(store: &Arc<dyn Store>) -> i64 {
    let id = store.next_merchant_id().await.unwrap();
    save_merchant(store, &merchant(id), None).await.unwrap();
    id
}

/// A claim on `case` against `merchant_id` by `msisdn` over `order`, submitted at `at(0)`.
fn claim(case: CaseId, merchant_id: i64, msisdn: &str, order: &str) -> ClaimRecord {
    ClaimRecord {
        case_id: case,
        merchant_id,
        claimant_msisdn: msisdn.into(),
        claimant_name: Some("রহিমা খাতুন".into()),
        district: 26,
        dedup_key: key_of(merchant_id, msisdn, order),
        order_id: order.into(),
        order_date: date(2021, 7, 14),
        product: "মোটরসাইকেল / motorcycle 'X' \"Y\" \\".into(),
        paid_poisha: 12_500_000,
        method: "bkash".into(),
        gateway: Some("foster".into()),
        delivery: "not_delivered".into(),
        refunded_poisha: 0,
        stage: "submitted".into(),
        filings: 1,
        delivery_due: at(5 * DAY) + SignedDuration::from_micros(1),
        refund_due: at(15 * DAY) + SignedDuration::from_micros(2),
        sent_to_merchant_at: None,
        merchant_answered_at: None,
        created_at: at(0) + SignedDuration::from_micros(3),
        updated_at: at(0) + SignedDuration::from_micros(4),
        version: 1,
    }
}

/// File a claim: its case (with the first message and the `case.created` event) and the
/// claim beside it, in one commit.
async fn file(store: &Arc<dyn Store>, k: &ClaimRecord) -> Result<(), StoreError> {
    file_with(store, k, vec![]).await
}

async fn file_with(
    store: &Arc<dyn Store>,
    k: &ClaimRecord,
    more: Vec<SideWrite>,
) -> Result<(), StoreError> {
    let case = new_case(k.case_id, k.created_at);
    let mut side = vec![SideWrite::Claim {
        claim: k.clone(),
        expected_version: None,
    }];
    side.extend(more);
    store
        .commit_with(insert_commit(&case), side)
        .await
        .map(|_| ())
}

/// Replace a claim over `expected` with its `claim.changed` event.
async fn replace(store: &Arc<dyn Store>, k: &ClaimRecord, expected: i64) -> Result<(), StoreError> {
    store
        .commit_with(
            side_commit(
                vec![event(
                    &case_subject(k.case_id),
                    k.updated_at,
                    "claim.changed",
                )],
                vec![],
            ),
            vec![SideWrite::Claim {
                claim: k.clone(),
                expected_version: Some(expected),
            }],
        )
        .await
        .map(|_| ())
}

/// A claim's key, as the application spells it: merchant, claimant, order.
fn key_of(merchant_id: i64, msisdn: &str, order: &str) -> String {
    format!("{merchant_id}|{msisdn}|{order}")
}

/// `k` as the application saves it after a change; a claim moved to another merchant or
/// claimant gets the key that goes with them, unless the change set a key of its own.
fn next(k: &ClaimRecord, edit: impl FnOnce(&mut ClaimRecord)) -> ClaimRecord {
    let mut n = ClaimRecord {
        version: k.version + 1,
        updated_at: k.updated_at + SignedDuration::from_secs(60),
        ..k.clone()
    };
    edit(&mut n);
    if n.dedup_key == k.dedup_key {
        n.dedup_key = key_of(n.merchant_id, &n.claimant_msisdn, &n.order_id);
    }
    n
}

fn is_open(k: &ClaimRecord) -> bool {
    k.stage != "refunded" && k.stage != "closed"
}

/// A merchant's numbers counted one claim at a time.
fn recount<'a>(
    merchant_id: i64,
    claims: impl IntoIterator<Item = &'a ClaimRecord>,
    now: Timestamp,
) -> MerchantSummary {
    let mine: Vec<&ClaimRecord> = claims
        .into_iter()
        .filter(|k| k.merchant_id == merchant_id)
        .collect();
    let open: Vec<&&ClaimRecord> = mine.iter().filter(|k| is_open(k)).collect();
    MerchantSummary {
        merchant_id,
        claims: mine.len() as i64,
        victims: mine
            .iter()
            .map(|k| k.claimant_msisdn.as_str())
            .collect::<BTreeSet<_>>()
            .len() as i64,
        paid_poisha: mine.iter().map(|k| k.paid_poisha).sum(),
        refunded_poisha: mine.iter().map(|k| k.refunded_poisha).sum(),
        open_claims: open.len() as i64,
        oldest_open: open.iter().map(|k| k.created_at).min(),
        delivery_missed: open
            .iter()
            .filter(|k| k.delivery != "delivered" && k.delivery_due < now)
            .count() as i64,
        refund_missed: open
            .iter()
            .filter(|k| {
                k.delivery != "delivered" && k.refunded_poisha < k.paid_poisha && k.refund_due < now
            })
            .count() as i64,
    }
}

/// Every merchant with claims, by id, counted one claim at a time.
fn recount_all(model: &BTreeMap<CaseId, ClaimRecord>, now: Timestamp) -> Vec<MerchantSummary> {
    let merchants: BTreeSet<i64> = model.values().map(|k| k.merchant_id).collect();
    merchants
        .into_iter()
        .map(|m| recount(m, model.values(), now))
        .collect()
}

/// Every claim the store lists (all stages), newest first, a few at a time.
async fn all_claims(store: &Arc<dyn Store>) -> Vec<ClaimRecord> {
    let mut out: Vec<ClaimRecord> = Vec::new();
    loop {
        let page = store
            .claims(None, out.last().map(|k| k.case_id), 5)
            .await
            .unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

/// The store holds exactly the claims of `model`, and its totals and summaries equal a
/// recount at every moment that matters: before, between and exactly at the deadlines.
async fn assert_totals(
    store: &Arc<dyn Store>,
    model: &BTreeMap<CaseId, ClaimRecord>,
    merchants: &[i64],
) {
    let newest_first: Vec<ClaimRecord> = model.values().rev().cloned().collect();
    assert_eq!(all_claims(store).await, newest_first);
    let mut moments: BTreeSet<Timestamp> = [at(-DAY), at(100 * DAY)].into();
    for k in model.values() {
        for due in [k.delivery_due, k.refund_due] {
            moments.extend([
                due - SignedDuration::from_micros(1),
                due,
                due + SignedDuration::from_micros(1),
            ]);
        }
    }
    for now in moments {
        assert_eq!(
            store.merchant_summaries(now).await.unwrap(),
            recount_all(model, now),
            "at {now}"
        );
        for &m in merchants {
            assert_eq!(
                store.merchant_summary(m, now).await.unwrap(),
                Some(recount(m, model.values(), now)),
                "merchant {m} at {now}"
            );
        }
    }
}

// =======================================================================================

async fn merchants_by_version(store: Arc<dyn Store>) {
    assert!(store.merchants().await.unwrap().is_empty());
    let mut ids = BTreeSet::new();
    for _ in 0..4 {
        assert!(ids.insert(store.next_merchant_id().await.unwrap()));
    }
    let ids: Vec<i64> = ids.into_iter().collect();
    assert!(ids[0] >= 1);

    // Inserted out of order, read by id; every field comes back.
    let a = merchant(ids[0]);
    let b = MerchantRecord {
        legal_bn: "ই-অরেঞ্জ শপ".into(),
        legal_en: "e-Orange Shop".into(),
        trade_bn: "ই-অরেঞ্জ".into(),
        trade_en: "e-Orange".into(),
        aliases: vec![],
        web: vec![],
        licence: None,
        district: None,
        status: "pending_review".into(),
        ..merchant(ids[1])
    };
    save_merchant(&store, &b, None).await.unwrap();
    save_merchant(&store, &a, None).await.unwrap();
    assert_eq!(store.merchants().await.unwrap(), [a.clone(), b.clone()]);
    assert_eq!(store.merchant(b.id).await.unwrap(), Some(b.clone()));
    assert_eq!(store.merchant(ids[2]).await.unwrap(), None);
    let events = store
        .audit_events(&format!("merchant:{}", a.id))
        .await
        .unwrap();
    assert_eq!(events.len(), 1);

    // A taken id is refused, with its event.
    let err = save_merchant(&store, &merchant(a.id), None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(
        store
            .audit_events(&format!("merchant:{}", a.id))
            .await
            .unwrap()
            .len(),
        1
    );

    // Replaced only over the version it was read at.
    let a2 = MerchantRecord {
        status: "under_investigation".into(),
        aliases: vec!["ইভ্যালী".into(), "evaly bd".into(), "e-valy".into()],
        district: Some(47),
        updated_at: at(60),
        version: 2,
        ..a.clone()
    };
    save_merchant(&store, &a2, Some(1)).await.unwrap();
    assert_eq!(store.merchant(a.id).await.unwrap(), Some(a2.clone()));
    let stale = MerchantRecord {
        trade_en: "must not be written".into(),
        version: 2,
        ..a.clone()
    };
    let err = save_merchant(&store, &stale, Some(1)).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2 }),
        "{err:?}"
    );
    assert_eq!(store.merchant(a.id).await.unwrap(), Some(a2.clone()));
    let err = save_merchant(&store, &merchant(ids[3]), Some(1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(store.merchants().await.unwrap(), [a2, b]);
    assert!(
        store
            .audit_events(&format!("merchant:{}", ids[3]))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn claims_commit_with_their_case(store: Arc<dyn Store>) {
    let m = add_merchant(&store).await;
    let other = add_merchant(&store).await;
    let id = store.next_case_id().await.unwrap();
    let k = claim(id, m, RAHIMA, "EV-1001");
    file(&store, &k).await.unwrap();
    assert_eq!(store.claim(id).await.unwrap(), Some(k.clone()));
    assert_eq!(
        store.claim_by_key(&k.dedup_key).await.unwrap(),
        Some(k.clone())
    );
    assert_eq!(store.claim_by_key("nobody|1|x").await.unwrap(), None);
    assert!(store.case(id).await.unwrap().is_some());
    assert_eq!(
        store.audit_events(&case_subject(id)).await.unwrap().len(),
        1
    );
    let mut model = BTreeMap::from([(id, k.clone())]);
    assert_totals(&store, &model, &[m, other]).await;

    // The same claim filed again under a new case: refused, and the new case with it.
    let again = store.next_case_id().await.unwrap();
    let err = file(
        &store,
        &ClaimRecord {
            product: "a second filing".into(),
            ..claim(again, m, RAHIMA, "EV-1001")
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(store.case(again).await.unwrap(), None);
    assert_eq!(store.claim(again).await.unwrap(), None);
    assert!(
        store
            .audit_events(&case_subject(again))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.messages(again).await.unwrap().len(),
        0,
        "the refused commit's message"
    );
    assert_totals(&store, &model, &[m, other]).await;

    // A second claim on the same case: refused.
    let err = store
        .commit_with(
            side_commit(vec![], vec![]),
            vec![SideWrite::Claim {
                claim: claim(id, m, KARIM, "EV-2002"),
                expected_version: None,
            }],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");

    // A claim against a merchant the store does not know: refused with its case.
    let stray = store.next_case_id().await.unwrap();
    let err = file(&store, &claim(stray, other + 1000, KARIM, "X-1"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(store.case(stray).await.unwrap(), None);
    assert_totals(&store, &model, &[m, other]).await;

    // Replaced over its version: the totals follow.
    let k2 = next(&k, |n| {
        n.stage = "forwarded".into();
        n.refunded_poisha = 2_500_000;
        n.delivery = "partly_delivered".into();
        n.filings = 2;
        n.sent_to_merchant_at = Some(at(3600) + SignedDuration::from_micros(5));
        n.merchant_answered_at = Some(at(7200) + SignedDuration::from_micros(6));
        n.claimant_name = None;
        n.gateway = None;
    });
    replace(&store, &k2, 1).await.unwrap();
    assert_eq!(store.claim(id).await.unwrap(), Some(k2.clone()));
    model.insert(id, k2.clone());
    let summary = store.merchant_summary(m, at(0)).await.unwrap().unwrap();
    assert_eq!(
        (summary.claims, summary.refunded_poisha),
        (1, 2_500_000),
        "{summary:?}"
    );
    assert_totals(&store, &model, &[m, other]).await;

    // A stale replacement, one of a claim that is not there, and a move to a merchant
    // that is not there change nothing.
    let stale = next(&k, |n| n.stage = "closed".into());
    let err = replace(&store, &stale, 1).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2 }),
        "{err:?}"
    );
    let err = replace(&store, &claim(again, m, KARIM, "EV-3"), 1)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let nowhere = next(&k2, |n| n.merchant_id = other + 1000);
    let err = replace(&store, &nowhere, 2).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(store.claim(id).await.unwrap(), Some(k2.clone()));
    assert_eq!(
        store.audit_events(&case_subject(id)).await.unwrap().len(),
        2,
        "only the one replacement that went through left its event"
    );
    assert_totals(&store, &model, &[m, other]).await;

    // A replacement may not take another claim's dedup key.
    let id2 = store.next_case_id().await.unwrap();
    let k3 = claim(id2, other, KARIM, "EO-77");
    file(&store, &k3).await.unwrap();
    model.insert(id2, k3.clone());
    let taken = next(&k3, |n| {
        n.dedup_key = k2.dedup_key.clone();
        n.merchant_id = m;
        n.claimant_msisdn = k2.claimant_msisdn.clone();
    });
    let err = replace(&store, &taken, 1).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(store.claim(id2).await.unwrap(), Some(k3.clone()));
    assert_totals(&store, &model, &[m, other]).await;

    // A key that does not begin with the claim's merchant and claimant would miscount the
    // merchant's victims: refused, on insert and on replacement, and nothing changes.
    let id3 = store.next_case_id().await.unwrap();
    let astray = ClaimRecord {
        dedup_key: key_of(other, RAHIMA, "EO-78"),
        ..claim(id3, other, SALMA, "EO-78")
    };
    let err = file(&store, &astray).await.unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    assert_eq!(store.claim(id3).await.unwrap(), None);
    assert_eq!(store.case(id3).await.unwrap(), None);
    let old_order = next(&k3, |n| n.dedup_key = key_of(m, KARIM, "EO-77"));
    let err = replace(&store, &old_order, 1).await.unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    assert_eq!(store.claim(id2).await.unwrap(), Some(k3));
    assert_totals(&store, &model, &[m, other]).await;
}

async fn claim_totals_equal_a_recount(store: Arc<dyn Store>) {
    let a = add_merchant(&store).await;
    let b = add_merchant(&store).await;
    let c = add_merchant(&store).await;
    let merchants = [a, b, c];
    let people = [RAHIMA, KARIM, SALMA, NASIR];
    let stages = [
        "submitted",
        "verified",
        "forwarded",
        "merchant_responded",
        "partly_refunded",
        "refunded",
        "escalated",
        "closed",
    ];
    let deliveries = [
        "not_delivered",
        "partly_delivered",
        "wrong_item",
        "delivered",
    ];
    let mut model: BTreeMap<CaseId, ClaimRecord> = BTreeMap::new();
    // Nobody has claims yet: no summaries, and zeros for a merchant's page.
    assert_totals(&store, &model, &merchants).await;
    assert_eq!(store.merchant_summary(c + 1000, at(0)).await.unwrap(), None);

    for i in 0..14_i64 {
        let id = store.next_case_id().await.unwrap();
        let merchant_id = if i % 3 == 2 { b } else { a };
        let who = people[(i as usize * 7) % people.len()];
        let paid = 1_000_000 + i * 125_050;
        let k = ClaimRecord {
            stage: stages[i as usize % stages.len()].into(),
            delivery: deliveries[(i as usize / 2) % deliveries.len()].into(),
            paid_poisha: paid,
            refunded_poisha: if i % 4 == 1 { paid } else { (i % 3) * 10_000 },
            delivery_due: at((i % 6) * DAY) + SignedDuration::from_micros(i),
            refund_due: at((i % 6 + 7) * DAY) + SignedDuration::from_micros(i),
            created_at: at(i * 3600 - 5 * DAY) + SignedDuration::from_micros(i),
            ..claim(id, merchant_id, who, &format!("ORD-{i}"))
        };
        file(&store, &k).await.unwrap();
        model.insert(id, k);
    }
    assert_totals(&store, &model, &merchants).await;
    let ids: Vec<CaseId> = model.keys().copied().collect();

    // A mix of replacements, each checked against a recount.
    type Edit = Box<dyn Fn(&mut ClaimRecord) + Send + Sync>;
    let edits: Vec<(usize, Edit)> = vec![
        // Closed: one open claim fewer, perhaps the oldest.
        (0, Box::new(|k| k.stage = "closed".into())),
        // Moved to another merchant, claimant and all.
        (1, Box::new(move |k| k.merchant_id = b)),
        // Another claimant, same merchant.
        (3, Box::new(|k| k.claimant_msisdn = "+8801700000999".into())),
        // Delivered after all, partly refunded.
        (
            4,
            Box::new(|k| {
                k.delivery = "delivered".into();
                k.refunded_poisha = k.paid_poisha / 2;
            }),
        ),
        // Moved to a merchant without claims, refunded in full.
        (
            6,
            Box::new(move |k| {
                k.merchant_id = c;
                k.stage = "refunded".into();
                k.refunded_poisha = k.paid_poisha;
            }),
        ),
        // Reopened, with new deadlines and another claimant and merchant at once.
        (
            7,
            Box::new(move |k| {
                k.stage = "escalated".into();
                k.merchant_id = c;
                k.claimant_msisdn = RAHIMA.into();
                k.delivery_due = at(2 * DAY);
                k.refund_due = at(9 * DAY);
            }),
        ),
        // Moved back: the claimant is a victim of the first merchant again.
        (1, Box::new(move |k| k.merchant_id = a)),
        // Everything of one merchant moved away: it drops out of the summaries.
        (6, Box::new(move |k| k.merchant_id = b)),
        (7, Box::new(move |k| k.merchant_id = a)),
        // More paid than thought.
        (9, Box::new(|k| k.paid_poisha += 777)),
    ];
    for (n, (i, edit)) in edits.into_iter().enumerate() {
        let old = model[&ids[i]].clone();
        let new = next(&old, |k| edit(k));
        replace(&store, &new, old.version)
            .await
            .unwrap_or_else(|e| panic!("edit {n}: {e}"));
        model.insert(new.case_id, new);
        assert_totals(&store, &model, &merchants).await;

        // A stale write of the same claim changes no total.
        let stale = next(&old, |k| {
            k.merchant_id = c;
            k.stage = "closed".into();
            k.paid_poisha = 1;
        });
        let err = replace(&store, &stale, old.version).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
        assert_totals(&store, &model, &merchants).await;
    }
    assert!(
        store
            .merchant_summaries(at(0))
            .await
            .unwrap()
            .iter()
            .all(|s| s.merchant_id != c),
        "the merchant whose claims all moved away"
    );
    let zeros = store.merchant_summary(c, at(0)).await.unwrap().unwrap();
    assert_eq!(zeros, recount(c, [], at(0)));
    assert_eq!(zeros.oldest_open, None);
}

async fn concurrent_claim_writes_keep_totals_exact(store: Arc<dyn Store>) {
    let a = add_merchant(&store).await;
    let b = add_merchant(&store).await;
    let people = [RAHIMA, KARIM, SALMA];
    let tasks: Vec<_> = (0..8_i64)
        .map(|t| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                for i in 0..5_i64 {
                    let id = store.next_case_id().await.unwrap();
                    let k = ClaimRecord {
                        paid_poisha: 100_000 + t * 1_000 + i,
                        ..claim(
                            id,
                            if (t + i) % 2 == 0 { a } else { b },
                            people[((t + i) % 3) as usize],
                            &format!("T{t}-{i}"),
                        )
                    };
                    file(&store, &k).await.unwrap();
                    mine.push(k);
                }
                // Move every other claim to the other merchant and another claimant.
                for k in mine.iter_mut().step_by(2) {
                    let moved = next(k, |n| {
                        n.merchant_id = if n.merchant_id == a { b } else { a };
                        n.claimant_msisdn = people[((t + 1) % 3) as usize].into();
                        n.stage = "closed".into();
                    });
                    replace(&store, &moved, k.version).await.unwrap();
                    *k = moved;
                }
                mine
            })
        })
        .collect();
    let mut model = BTreeMap::new();
    for t in tasks {
        for k in t.await.unwrap() {
            model.insert(k.case_id, k);
        }
    }
    assert_eq!(model.len(), 40);
    assert_totals(&store, &model, &[a, b]).await;
}

async fn claim_refunds_and_imports(store: Arc<dyn Store>) {
    let m = add_merchant(&store).await;
    let id1 = store.next_case_id().await.unwrap();
    let id2 = store.next_case_id().await.unwrap();
    let k1 = claim(id1, m, RAHIMA, "EV-1");
    // Filed with the key of the imported row it came from.
    file_with(
        &store,
        &k1,
        vec![SideWrite::ImportRow {
            key: "evaly-2021.csv#2".into(),
            case_id: id1,
        }],
    )
    .await
    .unwrap();
    let k2 = claim(id2, m, KARIM, "EV-2");
    file(&store, &k2).await.unwrap();

    // Refunds, recorded with the claim's new amount in one commit.
    let refund = |case_id: CaseId, amount_poisha: i64, paid_on, reference: &str| RefundRecord {
        id: 0,
        case_id,
        amount_poisha,
        paid_on,
        channel: "bkash".into(),
        reference: reference.into(),
        recorded_by: "user:7".into(),
        recorded_at: at(DAY) + SignedDuration::from_micros(11),
    };
    let r1 = refund(id1, 500_000, date(2021, 9, 2), "8N7A6B5C4D");
    let r2 = refund(id1, 250_000, date(2021, 8, 30), "TRX 'two' \\");
    let r3 = refund(id1, 1_000, date(2021, 9, 2), "same day, later");
    let r4 = refund(id2, 9_999, date(2022, 1, 1), "other claim");
    let k1b = next(&k1, |n| {
        n.refunded_poisha = 751_000;
        n.stage = "partly_refunded".into();
    });
    store
        .commit_with(
            side_commit(
                vec![event(&case_subject(id1), at(DAY), "claim.refunded")],
                vec![],
            ),
            vec![
                SideWrite::Refund(r1.clone()),
                SideWrite::Refund(r2.clone()),
                SideWrite::Refund(r3.clone()),
                SideWrite::Refund(r4.clone()),
                SideWrite::Claim {
                    claim: k1b.clone(),
                    expected_version: Some(1),
                },
            ],
        )
        .await
        .unwrap();
    let listed = store.refunds(id1).await.unwrap();
    assert_eq!(listed.len(), 3);
    // Numbered by the store in the order written, listed by the day paid.
    let (i1, i2, i3) = (listed[1].id, listed[0].id, listed[2].id);
    assert!(i1 < i2 && i2 < i3, "{listed:?}");
    assert_eq!(
        listed,
        [
            RefundRecord { id: i2, ..r2 },
            RefundRecord { id: i1, ..r1 },
            RefundRecord { id: i3, ..r3 },
        ]
    );
    let other = store.refunds(id2).await.unwrap();
    assert_eq!(other.len(), 1);
    assert_eq!(
        other[0],
        RefundRecord {
            id: other[0].id,
            ..r4
        }
    );
    assert!(![i1, i2, i3].contains(&other[0].id));
    assert_eq!(store.claim(id1).await.unwrap(), Some(k1b));
    assert_eq!(
        store
            .merchant_summary(m, at(0))
            .await
            .unwrap()
            .unwrap()
            .refunded_poisha,
        751_000
    );

    // A refund on a claim the store does not have undoes its commit.
    let nothing = store.next_case_id().await.unwrap();
    let err = store
        .commit_with(
            side_commit(
                vec![event(&case_subject(id2), at(DAY), "claim.refunded")],
                vec![],
            ),
            vec![
                SideWrite::Refund(refund(id2, 5, date(2022, 1, 2), "kept?")),
                SideWrite::Refund(refund(nothing, 5, date(2022, 1, 2), "x")),
            ],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(store.refunds(id2).await.unwrap().len(), 1);
    assert!(store.refunds(nothing).await.unwrap().is_empty());
    assert_eq!(
        store.audit_events(&case_subject(id2)).await.unwrap().len(),
        1
    );

    // A row imported twice files nothing the second time: its case and claim are undone.
    let id3 = store.next_case_id().await.unwrap();
    let err = file_with(
        &store,
        &claim(id3, m, SALMA, "EV-3"),
        vec![SideWrite::ImportRow {
            key: "evaly-2021.csv#2".into(),
            case_id: id3,
        }],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(store.case(id3).await.unwrap(), None);
    assert_eq!(store.claim(id3).await.unwrap(), None);
    // An import key on its own, beside an existing case.
    store
        .commit_with(
            side_commit(vec![], vec![]),
            vec![SideWrite::ImportRow {
                key: "evaly-2021.csv#3".into(),
                case_id: id2,
            }],
        )
        .await
        .unwrap();
    let err = store
        .commit_with(
            side_commit(vec![], vec![]),
            vec![SideWrite::ImportRow {
                key: "evaly-2021.csv#3".into(),
                case_id: id1,
            }],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");

    let keys = |ks: &[&str]| ks.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    assert_eq!(
        store
            .imported(&keys(&[
                "evaly-2021.csv#4",
                "evaly-2021.csv#3",
                "EVALY-2021.CSV#2",
                "evaly-2021.csv#2",
                "evaly-2021.csv#3",
            ]))
            .await
            .unwrap(),
        keys(&["evaly-2021.csv#3", "evaly-2021.csv#2"])
    );
    assert!(store.imported(&[]).await.unwrap().is_empty());
    // More keys than one statement takes on SQLite.
    let mut many: Vec<String> = (0..1_200).map(|i| format!("bulk#{i}")).collect();
    many.push("evaly-2021.csv#2".into());
    assert_eq!(
        store.imported(&many).await.unwrap(),
        keys(&["evaly-2021.csv#2"])
    );
}

async fn claim_pages_and_reports(store: Arc<dyn Store>) {
    let a = add_merchant(&store).await;
    let b = add_merchant(&store).await;
    let mut model: BTreeMap<CaseId, ClaimRecord> = BTreeMap::new();
    for i in 0..13_i64 {
        let id = store.next_case_id().await.unwrap();
        let k = ClaimRecord {
            stage: if i % 3 == 0 { "verified" } else { "submitted" }.into(),
            district: [26, 47, 1, 26][i as usize % 4],
            order_date: date(2021, (i % 5 + 6) as i8, (i % 28 + 1) as i8),
            paid_poisha: 1_000 * (i + 1),
            refunded_poisha: 10 * i,
            ..claim(
                id,
                if i < 9 { a } else { b },
                [RAHIMA, KARIM, SALMA][i as usize % 3],
                &format!("P-{i}"),
            )
        };
        file(&store, &k).await.unwrap();
        model.insert(id, k);
    }
    let newest = |f: &dyn Fn(&ClaimRecord) -> bool| -> Vec<CaseId> {
        model
            .values()
            .rev()
            .filter(|k| f(k))
            .map(|k| k.case_id)
            .collect()
    };
    let case_ids = |ks: Vec<ClaimRecord>| ks.into_iter().map(|k| k.case_id).collect::<Vec<_>>();

    // A merchant's claims, newest first, page by page.
    let of_a = newest(&|k| k.merchant_id == a);
    assert_eq!(of_a.len(), 9);
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = store.claims_of_merchant(a, None, before, 4).await.unwrap();
        assert!(page.len() <= 4);
        if page.is_empty() {
            break;
        }
        before = page.last().map(|k| k.case_id);
        seen.extend(page);
    }
    assert_eq!(case_ids(seen.clone()), of_a);
    assert_eq!(
        seen,
        of_a.iter().map(|id| model[id].clone()).collect::<Vec<_>>()
    );
    // At one stage.
    let verified_a = newest(&|k| k.merchant_id == a && k.stage == "verified");
    assert_eq!(verified_a.len(), 3);
    let first = store
        .claims_of_merchant(a, Some("verified"), None, 2)
        .await
        .unwrap();
    assert_eq!(case_ids(first.clone()), verified_a[..2]);
    let rest = store
        .claims_of_merchant(a, Some("verified"), first.last().map(|k| k.case_id), 2)
        .await
        .unwrap();
    assert_eq!(case_ids(rest), verified_a[2..]);
    assert!(
        store
            .claims_of_merchant(b, Some("closed"), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        case_ids(store.claims_of_merchant(b, None, None, 10).await.unwrap()),
        newest(&|k| k.merchant_id == b)
    );
    // Every claim, or every claim at a stage, across merchants.
    assert_eq!(
        case_ids(store.claims(Some("verified"), None, 100).await.unwrap()),
        newest(&|k| k.stage == "verified")
    );
    assert_eq!(
        case_ids(store.claims(None, None, 100).await.unwrap()),
        newest(&|_| true)
    );
    let below = model.keys().nth(6).copied();
    assert_eq!(
        case_ids(store.claims(Some("submitted"), below, 3).await.unwrap()),
        newest(&|k| k.stage == "submitted" && Some(k.case_id) < below)[..3]
    );

    // The reports equal a recount.
    let mut districts: BTreeMap<u16, (i64, BTreeSet<String>, i64, i64)> = BTreeMap::new();
    let mut months: BTreeMap<String, (i64, BTreeSet<String>, i64, i64)> = BTreeMap::new();
    for k in model.values() {
        let d = districts.entry(k.district).or_default();
        d.0 += 1;
        d.1.insert(k.claimant_msisdn.clone());
        d.2 += k.paid_poisha;
        d.3 += k.refunded_poisha;
        let month = format!("{:04}-{:02}", k.order_date.year(), k.order_date.month());
        let mo = months.entry(month).or_default();
        mo.0 += 1;
        mo.1.insert(k.claimant_msisdn.clone());
        mo.2 += k.paid_poisha;
        mo.3 += k.refunded_poisha;
    }
    let by_district: Vec<DistrictSummary> = districts
        .into_iter()
        .map(
            |(district, (claims, who, paid, refunded))| DistrictSummary {
                district,
                claims,
                victims: who.len() as i64,
                paid_poisha: paid,
                refunded_poisha: refunded,
            },
        )
        .collect();
    assert_eq!(by_district.len(), 3);
    assert_eq!(store.claims_by_district().await.unwrap(), by_district);
    let by_month: Vec<MonthSummary> = months
        .into_iter()
        .map(|(month, (claims, who, paid, refunded))| MonthSummary {
            month,
            claims,
            victims: who.len() as i64,
            paid_poisha: paid,
            refunded_poisha: refunded,
        })
        .collect();
    assert_eq!(by_month.len(), 5);
    assert_eq!(by_month[0].month, "2021-06");
    assert_eq!(store.claims_by_month().await.unwrap(), by_month);
}

/// Bulk intake: many filings in one transaction, all or nothing. A refused one (an order
/// already claimed, an import row already taken) undoes the whole batch — every case,
/// message, event and claim of it — and is named by its place; the rest sent again commit
/// together, and the merchants' totals count exactly them.
async fn claims_commit_many_in_one_transaction(store: Arc<dyn Store>) {
    let m = add_merchant(&store).await;
    let m2 = add_merchant(&store).await;
    assert!(
        store
            .commit_many(Vec::new())
            .await
            .unwrap()
            .unwrap()
            .is_empty()
    );
    let item = |k: &ClaimRecord, key: &str| {
        (
            insert_commit(&new_case(k.case_id, k.created_at)),
            vec![
                SideWrite::Claim {
                    claim: k.clone(),
                    expected_version: None,
                },
                SideWrite::ImportRow {
                    key: key.into(),
                    case_id: k.case_id,
                },
            ],
        )
    };
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(store.next_case_id().await.unwrap());
    }
    let a = claim(ids[0], m, RAHIMA, "EV-1");
    let b = claim(ids[1], m2, KARIM, "EV-2");
    // The same order as `a`: refused by the claims' dedup key.
    let c = claim(ids[2], m, RAHIMA, "EV-1");
    // Another order, but the import row `a` came from: refused by the import key.
    let d = claim(ids[3], m, SALMA, "EV-4");
    let mut e = claim(ids[4], m, NASIR, "EV-5");
    e.refunded_poisha = 100;
    let untouched = |ks: Vec<CaseId>| {
        let store = store.clone();
        async move {
            for id in ks {
                assert_eq!(store.case(id).await.unwrap(), None);
                assert_eq!(store.claim(id).await.unwrap(), None);
                assert!(store.messages(id).await.unwrap().is_empty());
                assert!(
                    store
                        .audit_events(&case_subject(id))
                        .await
                        .unwrap()
                        .is_empty()
                );
            }
        }
    };
    // The third filing takes a key already taken: refused by its place, nothing kept.
    let third_refused = |batch: Vec<_>| {
        let store = store.clone();
        async move {
            let refused = store.commit_many(batch).await.unwrap().unwrap_err();
            assert_eq!(refused.0, 2);
            assert!(matches!(refused.1, StoreError::Duplicate(_)), "{refused:?}");
        }
    };
    third_refused(vec![
        item(&a, "f.csv#2"),
        item(&b, "f.csv#3"),
        item(&c, "f.csv#4"),
        item(&e, "f.csv#6"),
    ])
    .await;
    untouched(ids[..5].to_vec()).await;
    third_refused(vec![
        item(&a, "f.csv#2"),
        item(&b, "f.csv#3"),
        item(&d, "f.csv#2"),
    ])
    .await;
    untouched(ids[..5].to_vec()).await;
    assert_totals(&store, &BTreeMap::new(), &[m, m2]).await;

    // The rest again: all of it commits.
    let batch = vec![
        item(&a, "f.csv#2"),
        item(&b, "f.csv#3"),
        item(&e, "f.csv#6"),
    ];
    let done = store.commit_many(batch).await.unwrap().unwrap();
    assert_eq!(done.len(), 3);
    let mut model = BTreeMap::new();
    for k in [&a, &b, &e] {
        assert!(store.case(k.case_id).await.unwrap().is_some());
        assert_eq!(store.claim(k.case_id).await.unwrap().as_ref(), Some(k));
        assert_eq!(store.messages(k.case_id).await.unwrap().len(), 1);
        assert_eq!(
            store
                .audit_events(&case_subject(k.case_id))
                .await
                .unwrap()
                .len(),
            1
        );
        model.insert(k.case_id, k.clone());
    }
    untouched(vec![ids[2], ids[3]]).await;
    assert_totals(&store, &model, &[m, m2]).await;

    let keys = |ks: &[&str]| ks.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    assert_eq!(
        store
            .claimed(&keys(&[
                &d.dedup_key,
                &b.dedup_key,
                &a.dedup_key,
                &b.dedup_key,
                "nobody|1|x",
            ]))
            .await
            .unwrap(),
        keys(&[&b.dedup_key, &a.dedup_key])
    );
    assert!(store.claimed(&[]).await.unwrap().is_empty());
    let mut many: Vec<String> = (0..1_200).map(|i| format!("bulk|{i}|x")).collect();
    many.push(e.dedup_key.clone());
    assert_eq!(
        store.claimed(&many).await.unwrap(),
        vec![e.dedup_key.clone()]
    );
    assert_eq!(
        store
            .imported(&keys(&["f.csv#2", "f.csv#3", "f.csv#4", "f.csv#6"]))
            .await
            .unwrap(),
        keys(&["f.csv#2", "f.csv#3", "f.csv#6"])
    );

    // A batch whose first filing is refused keeps nothing either.
    let f = claim(ids[5], m2, SALMA, "EV-6");
    let batch = vec![
        item(&claim(ids[6], m2, KARIM, "EV-2"), "f.csv#7"),
        item(&f, "f.csv#8"),
    ];
    let refused = store.commit_many(batch).await.unwrap().unwrap_err();
    assert_eq!(refused.0, 0);
    untouched(vec![ids[5], ids[6]]).await;
    assert_totals(&store, &model, &[m, m2]).await;
}

// ---------------------------------------------------------------------------------------
// Migration 11: claim keys begin with the merchant, and merchant_victims goes
// ---------------------------------------------------------------------------------------

/// A store put back as migration 10 left it: keys spelt claimant first, `merchant_victims`
/// beside them (empty: migration 11 drops it unread), migration 11 not yet applied.
const BEFORE_11_SQLITE: &str = "
    UPDATE claims SET dedup_key = claimant_msisdn || '|' || merchant_id || '|' || order_id;
    CREATE TABLE merchant_victims (merchant_id INTEGER NOT NULL, msisdn TEXT NOT NULL,
        claims INTEGER NOT NULL, PRIMARY KEY (merchant_id, msisdn)) STRICT, WITHOUT ROWID;
    DELETE FROM schema_migrations WHERE version = 11;";

/// [`BEFORE_11_SQLITE`] on PostgreSQL, the key back in the database's own collation.
const BEFORE_11_POSTGRES: &str = "
    ALTER TABLE claims ALTER COLUMN dedup_key TYPE TEXT COLLATE \"default\";
    UPDATE claims SET dedup_key = claimant_msisdn || '|' || merchant_id::text || '|' || order_id;
    CREATE TABLE merchant_victims (merchant_id BIGINT NOT NULL, msisdn TEXT NOT NULL,
        claims BIGINT NOT NULL, PRIMARY KEY (merchant_id, msisdn));
    DELETE FROM schema_migrations WHERE version = 11;";

type Filed = (i64, i64, BTreeMap<CaseId, ClaimRecord>);

/// Two merchants; two claimants against the first (one of them twice), one against the
/// second.
async fn claims_before_11(store: Arc<dyn Store>) -> Filed {
    let a = add_merchant(&store).await;
    let b = add_merchant(&store).await;
    let mut model = BTreeMap::new();
    for (m, who, order) in [
        (a, RAHIMA, "K-1"),
        (a, RAHIMA, "K-2"),
        (a, KARIM, "K-3"),
        (b, RAHIMA, "K-4"),
    ] {
        let k = claim(store.next_case_id().await.unwrap(), m, who, order);
        file(&store, &k).await.unwrap();
        model.insert(k.case_id, k);
    }
    (a, b, model)
}

/// After migration 11: every key rewritten merchant first and found by it, the totals as
/// before, and new claims, a duplicate and a move counted as on a fresh store.
async fn claims_after_11(store: Arc<dyn Store>, (a, b, mut model): Filed) {
    for k in model.values() {
        let stored = store.claim(k.case_id).await.unwrap().unwrap();
        assert_eq!(
            stored.dedup_key,
            key_of(k.merchant_id, &k.claimant_msisdn, &k.order_id)
        );
        assert_eq!(stored, *k);
        assert_eq!(
            store.claim_by_key(&k.dedup_key).await.unwrap(),
            Some(stored)
        );
    }
    assert_totals(&store, &model, &[a, b]).await;
    // Another claim of a known victim, then a new victim.
    for (who, order) in [(RAHIMA, "K-5"), (SALMA, "K-6")] {
        let k = claim(store.next_case_id().await.unwrap(), a, who, order);
        file(&store, &k).await.unwrap();
        model.insert(k.case_id, k);
        assert_totals(&store, &model, &[a, b]).await;
    }
    // An order already claimed, under its rewritten key.
    let again = claim(store.next_case_id().await.unwrap(), a, RAHIMA, "K-1");
    let err = file(&store, &again).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    // The second merchant's only claim moves to the first: one victim fewer there.
    let only = model.values().find(|k| k.merchant_id == b).unwrap().clone();
    let moved = next(&only, |n| n.merchant_id = a);
    replace(&store, &moved, only.version).await.unwrap();
    model.insert(moved.case_id, moved);
    assert_totals(&store, &model, &[a, b]).await;
}

// ---------------------------------------------------------------------------------------
// Migration 12: the totals keep how many claims can miss each deadline
// ---------------------------------------------------------------------------------------

/// A store put back as migration 11 left it: the totals without the two counts.
const BEFORE_12: &str = "
    ALTER TABLE merchant_totals DROP COLUMN can_miss_delivery;
    ALTER TABLE merchant_totals DROP COLUMN can_miss_refund;
    DELETE FROM schema_migrations WHERE version = 12;";

/// Claims of two merchants in every state that counts: open and not delivered, delivered,
/// refunded in full, closed, and with deadlines of their own.
async fn claims_before_12(store: Arc<dyn Store>) -> Filed {
    let a = add_merchant(&store).await;
    let b = add_merchant(&store).await;
    let mut model = BTreeMap::new();
    type Edit = fn(&mut ClaimRecord);
    let states: [(i64, &str, &str, Edit); 6] = [
        (a, RAHIMA, "D-1", |_| {}),
        (a, KARIM, "D-2", |k| k.delivery = "delivered".into()),
        (a, SALMA, "D-3", |k| {
            k.stage = "partly_refunded".into();
            k.refunded_poisha = k.paid_poisha;
        }),
        (b, RAHIMA, "D-4", |k| k.stage = "closed".into()),
        (b, KARIM, "D-5", |k| {
            k.delivery_due = at(2 * DAY);
            k.refund_due = at(30 * DAY);
        }),
        (b, SALMA, "D-6", |k| k.delivery = "partly_delivered".into()),
    ];
    for (m, who, order, edit) in states {
        let mut k = claim(store.next_case_id().await.unwrap(), m, who, order);
        edit(&mut k);
        file(&store, &k).await.unwrap();
        model.insert(k.case_id, k);
    }
    (a, b, model)
}

/// After migration 12: the missed deadlines equal a recount at every deadline, and stay
/// so as claims are filed and change.
async fn claims_after_12(store: Arc<dyn Store>, (a, b, mut model): Filed) {
    assert_totals(&store, &model, &[a, b]).await;
    let k = claim(store.next_case_id().await.unwrap(), a, NASIR, "D-7");
    file(&store, &k).await.unwrap();
    model.insert(k.case_id, k);
    let first = model.values().next().unwrap().clone();
    let delivered = next(&first, |n| n.delivery = "delivered".into());
    replace(&store, &delivered, first.version).await.unwrap();
    model.insert(delivered.case_id, delivered);
    assert_totals(&store, &model, &[a, b]).await;
}

upgrade! {
    claims_before_11, claims_after_11, BEFORE_11_SQLITE, BEFORE_11_POSTGRES
        => sqlite_claim_keys_move_merchant_first, postgres_claim_keys_move_merchant_first;
    claims_before_12, claims_after_12, BEFORE_12, BEFORE_12
        => sqlite_merchant_deadline_counts_filled_in, postgres_merchant_deadline_counts_filled_in;
}

conformance! {
    merchants_by_version => sqlite_claims_merchants_by_version, postgres_claims_merchants_by_version;
    claims_commit_with_their_case => sqlite_claims_commit_with_their_case, postgres_claims_commit_with_their_case;
    claim_totals_equal_a_recount => sqlite_claim_totals_equal_a_recount, postgres_claim_totals_equal_a_recount;
    concurrent_claim_writes_keep_totals_exact => sqlite_concurrent_claim_writes_keep_totals_exact, postgres_concurrent_claim_writes_keep_totals_exact;
    claim_refunds_and_imports => sqlite_claim_refunds_and_imports, postgres_claim_refunds_and_imports;
    claim_pages_and_reports => sqlite_claim_pages_and_reports, postgres_claim_pages_and_reports;
    claims_commit_many_in_one_transaction => sqlite_claims_commit_many_in_one_transaction, postgres_claims_commit_many_in_one_transaction;
}
