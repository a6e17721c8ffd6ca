//! The conformance suite, continued: wallet accounts, their transactions, PIN lockout and
//! self-service resets. Claims are plain store calls; everything audited goes through
//! `commit_with` as a side write, so a refused one undoes its commit. Every body runs on
//! both engines.

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use seba_store::{
    Commit, PIN_HISTORY, PinClaim, PinLockPolicy, ResetGuardRecord, ResetSessionRecord, SideWrite,
    Store, StoreError, WalletAccountRecord, WalletTransactionRecord,
};

use crate::common::*;

const RAHIMA: &str = "+8801712345678";
const KARIM: &str = "+8801898765432";

fn account(msisdn: &str) -> WalletAccountRecord {
    WalletAccountRecord {
        msisdn: msisdn.into(),
        name: "রহিমা খাতুন 'Rahima' \"Khatun\" \\".into(),
        nid_hash: "9a0364b9e99bb480dd25e1f0284c8555a3f1d9c0e5b0a2f4c6d8e0f1a2b3c4d5".into(),
        date_of_birth: date(1990, 2, 28),
        status: "active".into(),
        pin_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$cGluLTA".into(),
        pin_history: vec![],
        failed_pins: 0,
        locked_until: None,
        lock_count: 0,
        pin_changed_at: None,
        version: 1,
    }
}

/// Three wrong PINs, then locks of 5 minutes, 30 minutes, and a day for every later one.
fn policy() -> PinLockPolicy {
    PinLockPolicy {
        limit: 3,
        lock_for: vec![
            SignedDuration::from_mins(5),
            SignedDuration::from_mins(30),
            SignedDuration::from_hours(24),
        ],
    }
}

/// The commit the application makes beside a wallet write: one audit event on
/// `wallet:<msisdn>`, one outbox row.
fn audited(msisdn: &str, action: &str) -> Commit {
    side_commit(
        vec![event(&format!("wallet:{msisdn}"), at(0), action)],
        vec![draft(
            "wallet.changed",
            None,
            json!({ "action": action }),
            None,
        )],
    )
}

async fn audit_actions(store: &Arc<dyn Store>, msisdn: &str) -> Vec<String> {
    store
        .audit_events(&format!("wallet:{msisdn}"))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn claim(store: &Arc<dyn Store>, msisdn: &str, now: Timestamp) -> PinClaim {
    store
        .claim_pin_attempt(msisdn, now, &policy())
        .await
        .unwrap()
}

async fn settle(store: &Arc<dyn Store>, msisdn: &str, right: bool) -> Result<(), StoreError> {
    store
        .commit_with(
            audited(msisdn, if right { "pin.right" } else { "pin.wrong" }),
            vec![SideWrite::PinSettled {
                msisdn: msisdn.into(),
                right,
            }],
        )
        .await
        .map(|_| ())
}

async fn stored(store: &Arc<dyn Store>, msisdn: &str) -> WalletAccountRecord {
    store
        .wallet_account(msisdn)
        .await
        .unwrap()
        .expect("the account is stored")
}

fn granted(pin_hash: &str, attempt: i32, locks_until: Option<Timestamp>) -> PinClaim {
    PinClaim::Granted {
        pin_hash: pin_hash.into(),
        attempt,
        locks_until,
    }
}

async fn wallet_accounts_round_trip(store: Arc<dyn Store>) {
    assert_eq!(store.wallet_account(RAHIMA).await.unwrap(), None);
    // Every field set, times to the microsecond.
    let full = WalletAccountRecord {
        pin_history: vec![
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$cGluLTM".into(),
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$cGluLTI".into(),
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$cGluLTE".into(),
        ],
        failed_pins: 2,
        locked_until: Some(at(600) + SignedDuration::from_micros(123_457)),
        lock_count: 4,
        pin_changed_at: Some(at(-86_400) + SignedDuration::from_micros(1)),
        version: 7,
        ..account(RAHIMA)
    };
    let bare = WalletAccountRecord {
        status: "suspended".into(),
        ..account(KARIM)
    };
    store
        .upsert_wallet_accounts(vec![full.clone(), bare.clone()])
        .await
        .unwrap();
    assert_eq!(
        store.wallet_account(RAHIMA).await.unwrap(),
        Some(full.clone())
    );
    assert_eq!(
        store.wallet_account(KARIM).await.unwrap(),
        Some(bare.clone())
    );
    assert_eq!(store.wallet_account("+8801500000000").await.unwrap(), None);

    // A second load replaces every field.
    let reloaded = WalletAccountRecord {
        name: "Rahima Khatun".into(),
        nid_hash: "00ff".into(),
        date_of_birth: date(1991, 12, 31),
        status: "closed".into(),
        pin_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$bmV3".into(),
        pin_history: vec![],
        failed_pins: 0,
        locked_until: None,
        lock_count: 0,
        pin_changed_at: None,
        version: 8,
        ..full.clone()
    };
    store
        .upsert_wallet_accounts(vec![reloaded.clone()])
        .await
        .unwrap();
    assert_eq!(store.wallet_account(RAHIMA).await.unwrap(), Some(reloaded));
    assert_eq!(store.wallet_account(KARIM).await.unwrap(), Some(bare));
    store.upsert_wallet_accounts(vec![]).await.unwrap();
}

async fn wallet_transactions_newest_first(store: Arc<dyn Store>) {
    assert!(
        store
            .recent_wallet_transactions(RAHIMA, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let tx = |msisdn: &str, id: &str, kind: &str, poisha: i64, secs: i64| WalletTransactionRecord {
        msisdn: msisdn.into(),
        id: id.into(),
        kind: kind.into(),
        amount_poisha: poisha,
        at: at(secs) + SignedDuration::from_micros(secs.rem_euclid(1000)),
    };
    let rahima = [
        tx(RAHIMA, "8N7A6B5C4D", "send_money", 500_000, -300),
        tx(RAHIMA, "8N7A6B5C4E", "cash_out", 1_250_050, -100),
        tx(RAHIMA, "8N7A6B5C4F", "recharge", 2_000, -200),
        tx(RAHIMA, "8N7A6B5C4G", "payment", 99, -50),
        tx(RAHIMA, "8N7A6B5C4H", "cash_in", 10_000_000, -400),
    ];
    let karim = tx(KARIM, "8N7A6B5C4D", "cash_in", 500_000, -10);
    let mut all = rahima.to_vec();
    all.push(karim.clone());
    store.add_wallet_transactions(all).await.unwrap();

    let newest = store.recent_wallet_transactions(RAHIMA, 3).await.unwrap();
    assert_eq!(
        newest,
        [rahima[3].clone(), rahima[1].clone(), rahima[2].clone()]
    );
    let every = store.recent_wallet_transactions(RAHIMA, 10).await.unwrap();
    assert_eq!(
        every,
        [
            rahima[3].clone(),
            rahima[1].clone(),
            rahima[2].clone(),
            rahima[0].clone(),
            rahima[4].clone()
        ]
    );
    assert_eq!(
        store.recent_wallet_transactions(KARIM, 10).await.unwrap(),
        [karim]
    );
    assert!(
        store
            .recent_wallet_transactions(RAHIMA, 0)
            .await
            .unwrap()
            .is_empty()
    );

    // Loading a transaction again (same number, same id) replaces it.
    let corrected = WalletTransactionRecord {
        amount_poisha: 600_000,
        at: at(-5),
        ..rahima[0].clone()
    };
    store
        .add_wallet_transactions(vec![corrected.clone()])
        .await
        .unwrap();
    let newest = store.recent_wallet_transactions(RAHIMA, 2).await.unwrap();
    assert_eq!(newest, [corrected, rahima[3].clone()]);
    assert_eq!(
        store
            .recent_wallet_transactions(RAHIMA, 10)
            .await
            .unwrap()
            .len(),
        5
    );
}

async fn pin_claims_count_lock_and_escalate(store: Arc<dyn Store>) {
    let a = account(RAHIMA);
    let pin = a.pin_hash.clone();
    store.upsert_wallet_accounts(vec![a.clone()]).await.unwrap();

    // Each claim counts in advance; the limit's claim places the first lock.
    assert_eq!(claim(&store, RAHIMA, at(0)).await, granted(&pin, 1, None));
    assert_eq!(claim(&store, RAHIMA, at(1)).await, granted(&pin, 2, None));
    let first_end = at(2) + SignedDuration::from_mins(5);
    assert_eq!(
        claim(&store, RAHIMA, at(2)).await,
        granted(&pin, 3, Some(first_end))
    );
    // Wrong settles change nothing: the claims were counted already.
    settle(&store, RAHIMA, false).await.unwrap();
    let locked = stored(&store, RAHIMA).await;
    assert_eq!(
        (locked.failed_pins, locked.locked_until, locked.lock_count),
        (3, Some(first_end), 1)
    );
    assert_eq!(
        locked.version, a.version,
        "lockout leaves the version alone"
    );

    // While locked nothing is granted or counted.
    assert_eq!(
        claim(&store, RAHIMA, at(60)).await,
        PinClaim::Locked { until: first_end }
    );
    assert_eq!(
        claim(&store, RAHIMA, first_end - SignedDuration::from_micros(1)).await,
        PinClaim::Locked { until: first_end }
    );
    assert_eq!(stored(&store, RAHIMA).await, locked);

    // The lock's end starts a fresh count; the second lock lasts longer.
    assert_eq!(
        claim(&store, RAHIMA, first_end).await,
        granted(&pin, 1, None)
    );
    let fresh = stored(&store, RAHIMA).await;
    assert_eq!(
        (fresh.failed_pins, fresh.locked_until, fresh.lock_count),
        (1, None, 1)
    );
    let t = first_end + SignedDuration::from_secs(10);
    assert_eq!(claim(&store, RAHIMA, t).await, granted(&pin, 2, None));
    let second_end = t + SignedDuration::from_mins(30);
    assert_eq!(
        claim(&store, RAHIMA, t).await,
        granted(&pin, 3, Some(second_end))
    );
    assert_eq!(
        claim(&store, RAHIMA, second_end - SignedDuration::from_secs(1)).await,
        PinClaim::Locked { until: second_end }
    );

    // The third lock and every later one take the policy's last duration.
    let mut start = second_end;
    for n in 3..=4 {
        assert_eq!(claim(&store, RAHIMA, start).await, granted(&pin, 1, None));
        assert_eq!(claim(&store, RAHIMA, start).await, granted(&pin, 2, None));
        let end = start + SignedDuration::from_hours(24);
        assert_eq!(
            claim(&store, RAHIMA, start).await,
            granted(&pin, 3, Some(end))
        );
        assert_eq!(stored(&store, RAHIMA).await.lock_count, n);
        start = end + SignedDuration::from_mins(1);
    }

    // No account, or not an active one: nothing is granted or counted.
    assert_eq!(
        claim(&store, "+8801500000000", at(0)).await,
        PinClaim::NoAccount
    );
    let suspended = WalletAccountRecord {
        status: "suspended".into(),
        ..account(KARIM)
    };
    store
        .upsert_wallet_accounts(vec![suspended.clone()])
        .await
        .unwrap();
    assert_eq!(claim(&store, KARIM, at(0)).await, PinClaim::NoAccount);
    assert_eq!(stored(&store, KARIM).await, suspended);
}

async fn a_right_pin_clears_the_count_and_the_lock(store: Arc<dyn Store>) {
    let a = account(RAHIMA);
    let pin = a.pin_hash.clone();
    store.upsert_wallet_accounts(vec![a.clone()]).await.unwrap();

    // Two wrong, then a right one: the count starts again.
    for n in 1..=2 {
        assert_eq!(
            claim(&store, RAHIMA, at(i64::from(n))).await,
            granted(&pin, n, None)
        );
        settle(&store, RAHIMA, false).await.unwrap();
    }
    assert_eq!(
        claim(&store, RAHIMA, at(3)).await,
        granted(&pin, 3, Some(at(3) + SignedDuration::from_mins(5)))
    );
    // The third claim locked the account, but its PIN was right: the lock is lifted
    // and the escalation forgotten.
    settle(&store, RAHIMA, true).await.unwrap();
    assert_eq!(stored(&store, RAHIMA).await, a);
    assert_eq!(claim(&store, RAHIMA, at(4)).await, granted(&pin, 1, None));
    settle(&store, RAHIMA, true).await.unwrap();
    assert_eq!(stored(&store, RAHIMA).await, a);
    assert_eq!(
        audit_actions(&store, RAHIMA).await,
        ["pin.wrong", "pin.wrong", "pin.right", "pin.right"]
    );

    // Settling for a number without an account is refused, with its audit event.
    for right in [true, false] {
        let err = settle(&store, KARIM, right).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }
    assert!(audit_actions(&store, KARIM).await.is_empty());
}

async fn parallel_claims_grant_no_more_than_the_limit(store: Arc<dyn Store>) {
    let a = account(RAHIMA);
    store.upsert_wallet_accounts(vec![a.clone()]).await.unwrap();
    // A race may go unnoticed once: a few rounds, each released all at once, and the
    // lockout cleared between them.
    for round in 0..5 {
        let now = at(round);
        let start = Arc::new(tokio::sync::Barrier::new(40));
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let (store, start) = (store.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    store.claim_pin_attempt(RAHIMA, now, &policy()).await
                })
            })
            .collect();
        let lock_end = now + SignedDuration::from_mins(5);
        let mut attempts = BTreeSet::new();
        let mut locked = 0;
        for t in tasks {
            match t.await.unwrap().unwrap() {
                PinClaim::Granted {
                    pin_hash,
                    attempt,
                    locks_until,
                } => {
                    assert_eq!(pin_hash, a.pin_hash);
                    assert_eq!(locks_until, (attempt == 3).then_some(lock_end));
                    assert!(
                        attempts.insert(attempt),
                        "round {round}: attempt {attempt} granted twice"
                    );
                }
                PinClaim::Locked { until } => {
                    assert_eq!(until, lock_end);
                    locked += 1;
                }
                PinClaim::NoAccount => panic!("the account exists"),
            }
        }
        assert_eq!(attempts, BTreeSet::from([1, 2, 3]), "round {round}");
        assert_eq!(locked, 37, "round {round}");
        let after = stored(&store, RAHIMA).await;
        assert_eq!(
            (after.failed_pins, after.locked_until, after.lock_count),
            (3, Some(lock_end), 1),
            "round {round}"
        );
        store
            .commit_with(
                audited(RAHIMA, "wallet.unlocked"),
                vec![SideWrite::WalletUnlock {
                    msisdn: RAHIMA.into(),
                }],
            )
            .await
            .unwrap();
    }
}

async fn wallet_pin_keeps_its_history(store: Arc<dyn Store>) {
    let a = account(RAHIMA);
    store.upsert_wallet_accounts(vec![a.clone()]).await.unwrap();
    // Locked first: a new PIN clears the lockout too.
    for _ in 0..3 {
        claim(&store, RAHIMA, at(0)).await;
    }
    assert!(stored(&store, RAHIMA).await.locked_until.is_some());

    let pins: Vec<String> = (1..=5).map(|n| format!("$argon2id$pin-{n}")).collect();
    for (n, pin) in pins.iter().enumerate() {
        let from = a.version + n as i64;
        let when = at(100 * (n as i64 + 1)) + SignedDuration::from_micros(42);
        store
            .commit_with(
                audited(RAHIMA, "pin.changed"),
                vec![SideWrite::WalletPin {
                    msisdn: RAHIMA.into(),
                    pin_hash: pin.clone(),
                    expected_version: from,
                    at: when,
                }],
            )
            .await
            .unwrap();
        let now = stored(&store, RAHIMA).await;
        // The earlier hashes, newest first, at most PIN_HISTORY of them.
        let mut earlier: Vec<String> = std::iter::once(a.pin_hash.clone())
            .chain(pins[..n].iter().cloned())
            .collect();
        earlier.reverse();
        earlier.truncate(PIN_HISTORY);
        assert_eq!(
            now,
            WalletAccountRecord {
                pin_hash: pin.clone(),
                pin_history: earlier,
                failed_pins: 0,
                locked_until: None,
                lock_count: 0,
                pin_changed_at: Some(when),
                version: from + 1,
                ..a.clone()
            }
        );
    }
    let last = stored(&store, RAHIMA).await;
    assert_eq!(last.pin_history, [pins[3].as_str(), &pins[2], &pins[1]]);
    assert_eq!(last.version, a.version + 5);

    // A stale version is refused, and so is its commit.
    let err = store
        .commit_with(
            audited(RAHIMA, "pin.changed"),
            vec![SideWrite::WalletPin {
                msisdn: RAHIMA.into(),
                pin_hash: "$argon2id$must-not-be-written".into(),
                expected_version: a.version,
                at: at(9_999),
            }],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current } if current == a.version + 5),
        "{err:?}"
    );
    assert_eq!(stored(&store, RAHIMA).await, last);
    assert_eq!(audit_actions(&store, RAHIMA).await.len(), 5);

    let err = store
        .commit_with(
            audited(KARIM, "pin.changed"),
            vec![SideWrite::WalletPin {
                msisdn: KARIM.into(),
                pin_hash: "$argon2id$x".into(),
                expected_version: 1,
                at: at(0),
            }],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert!(audit_actions(&store, KARIM).await.is_empty());
}

async fn wallet_unlock_clears_the_lockout(store: Arc<dyn Store>) {
    let a = account(RAHIMA);
    store.upsert_wallet_accounts(vec![a.clone()]).await.unwrap();
    // Two locks, so the escalation has something to forget.
    for t in [at(0), at(0) + SignedDuration::from_mins(5)] {
        for _ in 0..3 {
            claim(&store, RAHIMA, t).await;
        }
    }
    let locked = stored(&store, RAHIMA).await;
    assert_eq!((locked.failed_pins, locked.lock_count), (3, 2));
    assert!(locked.locked_until.is_some());

    store
        .commit_with(
            audited(RAHIMA, "wallet.unlocked"),
            vec![SideWrite::WalletUnlock {
                msisdn: RAHIMA.into(),
            }],
        )
        .await
        .unwrap();
    // The PIN and the version stay; the lockout is gone.
    assert_eq!(stored(&store, RAHIMA).await, a);
    assert_eq!(
        claim(&store, RAHIMA, at(400)).await,
        granted(&a.pin_hash, 1, None)
    );
    assert_eq!(audit_actions(&store, RAHIMA).await, ["wallet.unlocked"]);

    let err = store
        .commit_with(
            audited(KARIM, "wallet.unlocked"),
            vec![SideWrite::WalletUnlock {
                msisdn: KARIM.into(),
            }],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert!(audit_actions(&store, KARIM).await.is_empty());
}

fn session(token_hash: &str) -> ResetSessionRecord {
    ResetSessionRecord {
        token_hash: token_hash.into(),
        msisdn: RAHIMA.into(),
        step: "identity".into(),
        created_at: at(0) + SignedDuration::from_micros(3),
        expires_at: at(900),
        choices: vec![
            "৫০০ টাকা সেন্ড মানি, ২১ নভেম্বর".into(),
            "Cash out 1,250.50 'Tk' \\ \"agent\"".into(),
            "রিচার্জ ২০ টাকা".into(),
        ],
        right_choice: 1,
        identity_failures: 0,
        otp_hash: None,
        otp_expires_at: None,
        otp_sends: 0,
        otp_failures: 0,
        version: 1,
    }
}

async fn write_session(
    store: &Arc<dyn Store>,
    s: &ResetSessionRecord,
    expected_version: Option<i64>,
) -> Result<(), StoreError> {
    store
        .commit_with(
            audited(&s.msisdn, "reset.step"),
            vec![SideWrite::ResetSession {
                session: s.clone(),
                expected_version,
            }],
        )
        .await
        .map(|_| ())
}

async fn reset_sessions_insert_and_replace_by_version(store: Arc<dyn Store>) {
    let token = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
    assert_eq!(store.reset_session(token).await.unwrap(), None);
    let s1 = session(token);
    write_session(&store, &s1, None).await.unwrap();
    assert_eq!(store.reset_session(token).await.unwrap(), Some(s1.clone()));

    // A taken token is a duplicate; nothing of its commit stays.
    let err = write_session(
        &store,
        &ResetSessionRecord {
            step: "otp".into(),
            ..s1.clone()
        },
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert!(
        !format!("{err}").contains(token),
        "the whole token hash stays out of errors"
    );
    assert_eq!(store.reset_session(token).await.unwrap(), Some(s1.clone()));

    // Step 2, every field set, from the version read.
    let s2 = ResetSessionRecord {
        step: "otp".into(),
        identity_failures: 1,
        otp_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$b3Rw".into()),
        otp_expires_at: Some(at(300) + SignedDuration::from_micros(999_999)),
        otp_sends: 2,
        otp_failures: 1,
        right_choice: -1,
        choices: vec![],
        version: 2,
        ..s1.clone()
    };
    write_session(&store, &s2, Some(1)).await.unwrap();
    assert_eq!(store.reset_session(token).await.unwrap(), Some(s2.clone()));

    let stale = ResetSessionRecord {
        step: "done".into(),
        version: 2,
        ..s1.clone()
    };
    let err = write_session(&store, &stale, Some(1)).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2 }),
        "{err:?}"
    );
    assert_eq!(store.reset_session(token).await.unwrap(), Some(s2));

    let err = write_session(&store, &session("unknown"), Some(1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(store.reset_session("unknown").await.unwrap(), None);
    assert_eq!(
        audit_actions(&store, RAHIMA).await,
        ["reset.step", "reset.step"]
    );
}

async fn write_guard(
    store: &Arc<dyn Store>,
    g: &ResetGuardRecord,
    expected_version: Option<i64>,
) -> Result<(), StoreError> {
    store
        .commit_with(
            audited(&g.msisdn, "reset.guard"),
            vec![SideWrite::ResetGuard {
                guard: g.clone(),
                expected_version,
            }],
        )
        .await
        .map(|_| ())
}

async fn reset_guards_are_kept_per_number_and_day(store: Arc<dyn Store>) {
    let today = date(2026, 11, 22);
    let tomorrow = date(2026, 11, 23);
    assert_eq!(store.reset_guard(RAHIMA, today).await.unwrap(), None);
    let g = ResetGuardRecord {
        msisdn: RAHIMA.into(),
        day: today,
        started: 1,
        failures: 0,
        blocked_until: None,
        version: 1,
    };
    // The same number on another day and another number on the same day are other rows.
    let other_day = ResetGuardRecord {
        day: tomorrow,
        ..g.clone()
    };
    let other_number = ResetGuardRecord {
        msisdn: KARIM.into(),
        started: 4,
        ..g.clone()
    };
    for guard in [&g, &other_day, &other_number] {
        write_guard(&store, guard, None).await.unwrap();
    }
    assert_eq!(
        store.reset_guard(RAHIMA, today).await.unwrap(),
        Some(g.clone())
    );
    assert_eq!(
        store.reset_guard(RAHIMA, tomorrow).await.unwrap(),
        Some(other_day.clone())
    );
    assert_eq!(
        store.reset_guard(KARIM, today).await.unwrap(),
        Some(other_number.clone())
    );
    assert_eq!(store.reset_guard(KARIM, tomorrow).await.unwrap(), None);

    let err = write_guard(&store, &g, None).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");

    let blocked = ResetGuardRecord {
        started: 3,
        failures: 5,
        blocked_until: Some(at(86_400) + SignedDuration::from_micros(5)),
        version: 2,
        ..g.clone()
    };
    write_guard(&store, &blocked, Some(1)).await.unwrap();
    assert_eq!(
        store.reset_guard(RAHIMA, today).await.unwrap(),
        Some(blocked.clone())
    );
    // Only that row changed.
    assert_eq!(
        store.reset_guard(RAHIMA, tomorrow).await.unwrap(),
        Some(other_day)
    );
    assert_eq!(
        store.reset_guard(KARIM, today).await.unwrap(),
        Some(other_number)
    );

    let err = write_guard(
        &store,
        &ResetGuardRecord {
            started: 9,
            version: 2,
            ..g.clone()
        },
        Some(1),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2 }),
        "{err:?}"
    );
    assert_eq!(
        store.reset_guard(RAHIMA, today).await.unwrap(),
        Some(blocked)
    );

    let err = write_guard(
        &store,
        &ResetGuardRecord {
            day: date(2026, 11, 24),
            ..g.clone()
        },
        Some(1),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    // Three inserts and one replacement committed on Rahima's chain and Karim's.
    assert_eq!(audit_actions(&store, RAHIMA).await.len(), 3);
    assert_eq!(audit_actions(&store, KARIM).await.len(), 1);
}

/// A refused wallet side write undoes everything else in its commit: a new case, the
/// audit events, the outbox rows, and the side writes before it.
async fn a_refused_wallet_write_undoes_its_commit(store: Arc<dyn Store>) {
    let a = account(RAHIMA);
    store.upsert_wallet_accounts(vec![a.clone()]).await.unwrap();
    for _ in 0..3 {
        claim(&store, RAHIMA, at(0)).await;
    }
    let locked = stored(&store, RAHIMA).await;

    let id = store.next_case_id().await.unwrap();
    let case = new_case(id, at(0));
    let mut commit = insert_commit(&case);
    commit
        .events
        .push(event(&format!("wallet:{RAHIMA}"), at(0), "wallet.unlocked"));
    commit.outbox.push(draft(
        "wallet.changed",
        Some(id),
        json!({ "msisdn": RAHIMA }),
        None,
    ));
    let err = store
        .commit_with(
            commit,
            vec![
                SideWrite::WalletUnlock {
                    msisdn: RAHIMA.into(),
                },
                SideWrite::ResetSession {
                    session: session("tok"),
                    expected_version: None,
                },
                // Stale: refused, so the unlock and the session above go too.
                SideWrite::WalletPin {
                    msisdn: RAHIMA.into(),
                    pin_hash: "$argon2id$new".into(),
                    expected_version: a.version + 1,
                    at: at(0),
                },
            ],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current } if current == a.version),
        "{err:?}"
    );
    assert_eq!(store.case(id).await.unwrap(), None);
    assert!(
        store
            .audit_events(&case_subject(id))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(audit_actions(&store, RAHIMA).await.is_empty());
    assert_eq!(stored(&store, RAHIMA).await, locked);
    assert_eq!(store.reset_session("tok").await.unwrap(), None);
    let feed = feed_through_marker(&store, "after-wallet").await;
    assert!(
        feed.iter().all(|r| r.topic != "wallet.changed"),
        "{feed:#?}"
    );
}

conformance! {
    wallet_accounts_round_trip => sqlite_wallet_accounts_round_trip, postgres_wallet_accounts_round_trip;
    wallet_transactions_newest_first => sqlite_wallet_transactions_newest_first, postgres_wallet_transactions_newest_first;
    pin_claims_count_lock_and_escalate => sqlite_wallet_pin_claims_count_lock_and_escalate, postgres_wallet_pin_claims_count_lock_and_escalate;
    a_right_pin_clears_the_count_and_the_lock => sqlite_wallet_a_right_pin_clears_the_count_and_the_lock, postgres_wallet_a_right_pin_clears_the_count_and_the_lock;
    parallel_claims_grant_no_more_than_the_limit => sqlite_wallet_parallel_claims_grant_no_more_than_the_limit, postgres_wallet_parallel_claims_grant_no_more_than_the_limit;
    wallet_pin_keeps_its_history => sqlite_wallet_pin_keeps_its_history, postgres_wallet_pin_keeps_its_history;
    wallet_unlock_clears_the_lockout => sqlite_wallet_unlock_clears_the_lockout, postgres_wallet_unlock_clears_the_lockout;
    reset_sessions_insert_and_replace_by_version => sqlite_wallet_reset_sessions_insert_and_replace_by_version, postgres_wallet_reset_sessions_insert_and_replace_by_version;
    reset_guards_are_kept_per_number_and_day => sqlite_wallet_reset_guards_are_kept_per_number_and_day, postgres_wallet_reset_guards_are_kept_per_number_and_day;
    a_refused_wallet_write_undoes_its_commit => sqlite_wallet_a_refused_write_undoes_its_commit, postgres_wallet_a_refused_write_undoes_its_commit;
}
