//! The conformance suite, continued: USSD sessions, the language each number chose, and
//! the PIN reset each may resume.
//! Sessions are plain store calls, not side writes (nothing about them is audited), saved
//! by version so that two nodes answering one step cannot both move a session on. Every
//! body runs on both engines.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use seba_store::{Store, StoreError, UssdSessionRecord, UssdStatRow};

use crate::common::*;

const RAHIMA: &str = "+8801712345678";
const KARIM: &str = "+8801898765432";

/// An open session on the home menu, version 1, started at `started` and good for three
/// minutes. The state carries quotes, backslashes and Bengali digits, which must come
/// back byte for byte.
fn session(id: &str, started: Timestamp) -> UssdSessionRecord {
    UssdSessionRecord {
        id: id.into(),
        msisdn: RAHIMA.into(),
        version: 1,
        state: r#"{"lang":"bn","typed":["১২৩৪","'x' \"y\" \\"]}"#.into(),
        menu: "home".into(),
        step: "start".into(),
        outcome: "open".into(),
        // Microseconds are what the store keeps; make sure it keeps all of them.
        started_at: started + SignedDuration::from_micros(1),
        updated_at: started + SignedDuration::from_micros(7),
        expires_at: started + SignedDuration::from_secs(180),
    }
}

/// `s` as the USSD engine saves it after one more step.
fn next(s: &UssdSessionRecord, step: &str) -> UssdSessionRecord {
    UssdSessionRecord {
        version: s.version + 1,
        step: step.into(),
        state: format!(r#"{{"step":"{step}"}}"#),
        updated_at: s.updated_at + SignedDuration::from_secs(5),
        ..s.clone()
    }
}

async fn stored(store: &Arc<dyn Store>, id: &str) -> Option<UssdSessionRecord> {
    store.ussd_session(id).await.unwrap()
}

async fn insert(store: &Arc<dyn Store>, s: &UssdSessionRecord) {
    store
        .save_ussd_session(s.clone(), None)
        .await
        .unwrap_or_else(|e| panic!("inserting {}: {e}", s.id));
}

async fn ussd_session_round_trip(store: Arc<dyn Store>) {
    assert_eq!(stored(&store, "at:ATUid_123").await, None);
    let s = session("at:ATUid_123", at(0));
    insert(&store, &s).await;
    assert_eq!(stored(&store, "at:ATUid_123").await, Some(s.clone()));

    // Every field, changed, comes back too.
    let other = UssdSessionRecord {
        id: "gp:7f3a-9c".into(),
        msisdn: KARIM.into(),
        version: 1,
        state: "{}".into(),
        menu: "pin_reset".into(),
        step: "nid".into(),
        outcome: "completed".into(),
        started_at: at(10) + SignedDuration::from_micros(999_999),
        updated_at: at(70) + SignedDuration::from_micros(3),
        expires_at: at(250),
    };
    insert(&store, &other).await;
    assert_eq!(stored(&store, "gp:7f3a-9c").await, Some(other));
    assert_eq!(stored(&store, "at:ATUid_123").await, Some(s));
    // Ids are exact: no prefix or case folding.
    assert_eq!(stored(&store, "at:ATUID_123").await, None);
    assert_eq!(stored(&store, "at:ATUid_12").await, None);
}

async fn ussd_session_inserted_twice_is_a_duplicate(store: Arc<dyn Store>) {
    let s = session("at:ATUid_dup", at(0));
    insert(&store, &s).await;
    let again = UssdSessionRecord {
        msisdn: KARIM.into(),
        step: "other".into(),
        ..s.clone()
    };
    let err = store.save_ussd_session(again, None).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(stored(&store, &s.id).await, Some(s));
}

async fn ussd_session_saves_by_version(store: Arc<dyn Store>) {
    let s1 = session("at:ATUid_v", at(0));
    insert(&store, &s1).await;

    // From the version read: replaced, every field.
    let s2 = UssdSessionRecord {
        menu: "complaint".into(),
        outcome: "completed".into(),
        expires_at: at(400),
        ..next(&s1, "confirm")
    };
    store.save_ussd_session(s2.clone(), Some(1)).await.unwrap();
    assert_eq!(stored(&store, &s1.id).await, Some(s2.clone()));

    // From a stale version (or one not reached yet): refused, nothing changes.
    for expected in [1, 3] {
        let err = store
            .save_ussd_session(next(&s1, "stale"), Some(expected))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { current: 2 }),
            "expected {expected}: {err:?}"
        );
        assert_eq!(stored(&store, &s1.id).await, Some(s2.clone()));
    }

    // A session that is not there (never was, or pruned) is a conflict too, and stays away.
    let err = store
        .save_ussd_session(next(&session("at:gone", at(0)), "x"), Some(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 0 }),
        "{err:?}"
    );
    assert_eq!(stored(&store, "at:gone").await, None);

    // The next save goes from the version now stored.
    let s3 = next(&s2, "done");
    store.save_ussd_session(s3.clone(), Some(2)).await.unwrap();
    assert_eq!(stored(&store, &s1.id).await, Some(s3));
}

async fn ussd_racing_saves_one_wins(store: Arc<dyn Store>) {
    const N: usize = 8;
    // Racing inserts of one id: one lands, the rest are duplicates.
    let first = session("at:ATUid_race", at(0));
    let results = race_saves(&store, N, |i| {
        (
            UssdSessionRecord {
                step: format!("insert-{i}"),
                ..first.clone()
            },
            None,
        )
    })
    .await;
    let mut current = one_winner(&store, &first.id, results, |e| {
        matches!(e, StoreError::Duplicate(_))
    })
    .await;

    // A race may go unnoticed once: a few rounds, each from the version the last one left.
    for round in 0..4 {
        let from = current.clone();
        let results = race_saves(&store, N, |i| {
            (
                next(&from, &format!("round-{round}-{i}")),
                Some(from.version),
            )
        })
        .await;
        let expected = from.version + 1;
        current = one_winner(
            &store,
            &from.id,
            results,
            |e| matches!(e, StoreError::Conflict { current } if *current == expected),
        )
        .await;
        assert_eq!(current.version, expected, "round {round}");
    }
}

/// Run `n` saves at once, released together; `make(i)` gives the i-th record and its
/// expected version.
async fn race_saves(
    store: &Arc<dyn Store>,
    n: usize,
    make: impl Fn(usize) -> (UssdSessionRecord, Option<i64>),
) -> Vec<(UssdSessionRecord, Result<(), StoreError>)> {
    let start = Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (store, start) = (store.clone(), start.clone());
            let (record, expected) = make(i);
            tokio::spawn(async move {
                start.wait().await;
                let result = store.save_ussd_session(record.clone(), expected).await;
                (record, result)
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Exactly one of `results` succeeded, every other one failed as `lost` says, and the
/// store holds the winner's record, which is returned.
async fn one_winner(
    store: &Arc<dyn Store>,
    id: &str,
    results: Vec<(UssdSessionRecord, Result<(), StoreError>)>,
    lost: impl Fn(&StoreError) -> bool,
) -> UssdSessionRecord {
    let mut winners = Vec::new();
    for (record, result) in results {
        match result {
            Ok(()) => winners.push(record),
            Err(e) => assert!(lost(&e), "a losing save failed otherwise: {e:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:#?}");
    let winner = winners.remove(0);
    assert_eq!(stored(store, id).await, Some(winner.clone()));
    winner
}

async fn ussd_language_is_remembered(store: Arc<dyn Store>) {
    assert_eq!(store.ussd_language(RAHIMA).await.unwrap(), None);
    store.set_ussd_language(RAHIMA, "bn", at(0)).await.unwrap();
    assert_eq!(
        store.ussd_language(RAHIMA).await.unwrap().as_deref(),
        Some("bn")
    );
    // Another number has chosen nothing.
    assert_eq!(store.ussd_language(KARIM).await.unwrap(), None);

    store.set_ussd_language(RAHIMA, "en", at(60)).await.unwrap();
    assert_eq!(
        store.ussd_language(RAHIMA).await.unwrap().as_deref(),
        Some("en")
    );
    store.set_ussd_language(KARIM, "bn", at(61)).await.unwrap();
    store
        .set_ussd_language(RAHIMA, "bn", at(120))
        .await
        .unwrap();
    assert_eq!(
        store.ussd_language(RAHIMA).await.unwrap().as_deref(),
        Some("bn")
    );
    assert_eq!(
        store.ussd_language(KARIM).await.unwrap().as_deref(),
        Some("bn")
    );
}

async fn ussd_resume_is_remembered_until_it_expires(store: Arc<dyn Store>) {
    let resume = |token: &str, secs: i64| Some((token.to_string(), at(secs)));
    assert_eq!(store.ussd_resume(RAHIMA, at(0)).await.unwrap(), None);

    store
        .set_ussd_resume(RAHIMA, resume("tok-১", 300))
        .await
        .unwrap();
    assert_eq!(
        store.ussd_resume(RAHIMA, at(0)).await.unwrap().as_deref(),
        Some("tok-১")
    );
    // Another number has nothing to resume.
    assert_eq!(store.ussd_resume(KARIM, at(0)).await.unwrap(), None);

    // A second set replaces the first, token and deadline both.
    store
        .set_ussd_resume(RAHIMA, resume("tok-2", 600))
        .await
        .unwrap();
    assert_eq!(
        store.ussd_resume(RAHIMA, at(400)).await.unwrap().as_deref(),
        Some("tok-2")
    );
    // Good until just before its deadline, gone at it and after.
    let deadline = at(600);
    assert_eq!(
        store
            .ussd_resume(RAHIMA, deadline - SignedDuration::from_micros(1))
            .await
            .unwrap()
            .as_deref(),
        Some("tok-2")
    );
    assert_eq!(store.ussd_resume(RAHIMA, deadline).await.unwrap(), None);
    assert_eq!(store.ussd_resume(RAHIMA, at(700)).await.unwrap(), None);

    // None forgets it, and forgetting what is not there is no error.
    store
        .set_ussd_resume(KARIM, resume("tok-k", 900))
        .await
        .unwrap();
    store.set_ussd_resume(RAHIMA, None).await.unwrap();
    assert_eq!(store.ussd_resume(RAHIMA, at(0)).await.unwrap(), None);
    store.set_ussd_resume(RAHIMA, None).await.unwrap();
    assert_eq!(
        store.ussd_resume(KARIM, at(0)).await.unwrap().as_deref(),
        Some("tok-k")
    );
    // Set again after being forgotten.
    store
        .set_ussd_resume(RAHIMA, resume("tok-3", 60))
        .await
        .unwrap();
    assert_eq!(
        store.ussd_resume(RAHIMA, at(0)).await.unwrap().as_deref(),
        Some("tok-3")
    );
}

async fn ussd_expiry_deletes_expired_resumes(store: Arc<dyn Store>) {
    let now = at(1_000);
    store
        .set_ussd_resume(RAHIMA, Some(("due".into(), now)))
        .await
        .unwrap();
    store
        .set_ussd_resume(
            KARIM,
            Some(("live".into(), now + SignedDuration::from_micros(1))),
        )
        .await
        .unwrap();
    let overdue = "+8801555000111";
    store
        .set_ussd_resume(overdue, Some(("overdue".into(), at(10))))
        .await
        .unwrap();
    // One open session due too: only it is counted.
    insert(&store, &session("at:due", at(0))).await;

    assert_eq!(store.expire_ussd_sessions(now).await.unwrap(), 1);
    // Deleted, not merely unreadable: asked about an earlier time, they are still gone.
    assert_eq!(store.ussd_resume(RAHIMA, at(0)).await.unwrap(), None);
    assert_eq!(store.ussd_resume(overdue, at(0)).await.unwrap(), None);
    assert_eq!(
        store.ussd_resume(KARIM, now).await.unwrap().as_deref(),
        Some("live")
    );

    // Nothing left to do: no sessions counted, the live resume kept.
    assert_eq!(store.expire_ussd_sessions(now).await.unwrap(), 0);
    assert_eq!(
        store.ussd_resume(KARIM, at(0)).await.unwrap().as_deref(),
        Some("live")
    );
    // Its time comes.
    let later = now + SignedDuration::from_micros(1);
    assert_eq!(store.expire_ussd_sessions(later).await.unwrap(), 0);
    assert_eq!(store.ussd_resume(KARIM, at(0)).await.unwrap(), None);
}

async fn ussd_expiry_abandons_only_open_sessions_past_expiry(store: Arc<dyn Store>) {
    let now = at(1_000);
    let with = |id: &str, outcome: &str, expires_at: Timestamp| UssdSessionRecord {
        outcome: outcome.into(),
        expires_at,
        ..session(id, at(0))
    };
    // Open and due: exactly at the deadline, and well past it.
    let due_now = with("at:due-now", "open", now);
    let overdue = with("at:overdue", "open", at(50));
    // Open, due, and saved twice before: its version goes on from there.
    let saved = with("at:saved", "open", at(20));
    // Open but not yet due, and finished ones long past their deadline.
    let not_yet = with("at:not-yet", "open", now + SignedDuration::from_micros(1));
    let completed = with("at:completed", "completed", at(10));
    let ended = with("at:ended", "ended", at(10));
    for s in [&due_now, &overdue, &saved, &not_yet, &completed, &ended] {
        insert(&store, s).await;
    }
    let saved = {
        let s2 = next(&saved, "two");
        store.save_ussd_session(s2.clone(), Some(1)).await.unwrap();
        let s3 = next(&s2, "three");
        store.save_ussd_session(s3.clone(), Some(2)).await.unwrap();
        s3
    };

    assert_eq!(store.expire_ussd_sessions(now).await.unwrap(), 3);
    // Abandoned, with nothing the caller typed kept, and a new version; the rest as it was.
    for s in [&due_now, &overdue, &saved] {
        let abandoned = UssdSessionRecord {
            outcome: "abandoned".into(),
            state: "{}".into(),
            version: s.version + 1,
            ..(*s).clone()
        };
        assert_eq!(stored(&store, &s.id).await, Some(abandoned), "{}", s.id);
    }
    for s in [&not_yet, &completed, &ended] {
        assert_eq!(stored(&store, &s.id).await.as_ref(), Some(s), "{}", s.id);
    }

    // A node still answering an abandoned session cannot bring it back.
    let err = store
        .save_ussd_session(next(&overdue, "late"), Some(overdue.version))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2 }),
        "{err:?}"
    );

    // Abandoned sessions are not open any more: a second run finds nothing.
    assert_eq!(store.expire_ussd_sessions(now).await.unwrap(), 0);
    assert_eq!(stored(&store, &saved.id).await.unwrap().version, 4);
    // The one not yet due goes once its time comes.
    let later = now + SignedDuration::from_micros(1);
    assert_eq!(store.expire_ussd_sessions(later).await.unwrap(), 1);
    assert_eq!(
        stored(&store, &not_yet.id).await.unwrap().outcome,
        "abandoned"
    );
}

async fn ussd_prune_deletes_only_older_sessions(store: Arc<dyn Store>) {
    let old_open = session("at:old-open", at(0));
    let old_done = UssdSessionRecord {
        outcome: "completed".into(),
        ..session("at:old-done", at(5))
    };
    // `session` starts one microsecond after the time given: this one starts exactly at
    // the cut, so it stays.
    let at_cut = session("at:at-cut", at(10) - SignedDuration::from_micros(1));
    let newer = session("at:newer", at(20));
    for s in [&old_open, &old_done, &at_cut, &newer] {
        insert(&store, s).await;
    }
    assert_eq!(at_cut.started_at, at(10));

    assert_eq!(store.prune_ussd_sessions(at(10)).await.unwrap(), 2);
    assert_eq!(stored(&store, &old_open.id).await, None);
    assert_eq!(stored(&store, &old_done.id).await, None);
    assert_eq!(stored(&store, &at_cut.id).await, Some(at_cut.clone()));
    assert_eq!(stored(&store, &newer.id).await, Some(newer.clone()));
    assert_eq!(store.prune_ussd_sessions(at(10)).await.unwrap(), 0);

    // A pruned id is free again.
    insert(&store, &old_open).await;
    assert_eq!(stored(&store, &old_open.id).await, Some(old_open));
}

async fn ussd_stats_count_by_menu_step_outcome_in_window(store: Arc<dyn Store>) {
    let (from, to) = (at(100), at(200));
    let started = |id: &str, t: Timestamp, menu: &str, step: &str, outcome: &str| {
        let s = session(id, t - SignedDuration::from_micros(1));
        UssdSessionRecord {
            menu: menu.into(),
            step: step.into(),
            outcome: outcome.into(),
            ..s
        }
    };
    let sessions = [
        // In the window, its start included.
        started("s1", from, "home", "start", "open"),
        started("s2", at(150), "home", "start", "open"),
        started("s3", at(150), "pin_reset", "nid", "completed"),
        started("s4", at(151), "pin_reset", "nid", "completed"),
        started("s5", at(152), "pin_reset", "nid", "abandoned"),
        // Byte order: upper case before lower case, whatever the database's collation.
        started("s6", at(153), "pin_reset", "PIN", "open"),
        started(
            "s7",
            to - SignedDuration::from_micros(1),
            "complaint",
            "confirm",
            "ended",
        ),
        // Outside: just before the window, and at its (excluded) end.
        started(
            "s8",
            from - SignedDuration::from_micros(1),
            "pin_reset",
            "nid",
            "completed",
        ),
        started("s9", to, "home", "start", "open"),
        started("s10", at(500), "status", "case_no", "ended"),
    ];
    for s in &sessions {
        insert(&store, s).await;
    }
    let row = |menu: &str, step: &str, outcome: &str, sessions: i64| UssdStatRow {
        menu: menu.into(),
        step: step.into(),
        outcome: outcome.into(),
        sessions,
    };
    assert_eq!(
        store.ussd_stats(from, to).await.unwrap(),
        vec![
            row("complaint", "confirm", "ended", 1),
            row("home", "start", "open", 2),
            row("pin_reset", "PIN", "open", 1),
            row("pin_reset", "nid", "abandoned", 1),
            row("pin_reset", "nid", "completed", 2),
        ]
    );
    assert_eq!(
        store.ussd_stats(to, at(501)).await.unwrap(),
        vec![
            row("home", "start", "open", 1),
            row("status", "case_no", "ended", 1),
        ]
    );
    assert_eq!(
        store.ussd_stats(at(1_000), at(2_000)).await.unwrap(),
        vec![]
    );
    // An outcome changed by expiry is counted where it now stands.
    assert_eq!(store.expire_ussd_sessions(at(10_000)).await.unwrap(), 4);
    assert_eq!(
        store.ussd_stats(from, to).await.unwrap(),
        vec![
            row("complaint", "confirm", "ended", 1),
            row("home", "start", "abandoned", 2),
            row("pin_reset", "PIN", "abandoned", 1),
            row("pin_reset", "nid", "abandoned", 1),
            row("pin_reset", "nid", "completed", 2),
        ]
    );
}

conformance! {
    ussd_session_round_trip => sqlite_ussd_session_round_trip, postgres_ussd_session_round_trip;
    ussd_session_inserted_twice_is_a_duplicate => sqlite_ussd_session_inserted_twice_is_a_duplicate, postgres_ussd_session_inserted_twice_is_a_duplicate;
    ussd_session_saves_by_version => sqlite_ussd_session_saves_by_version, postgres_ussd_session_saves_by_version;
    ussd_racing_saves_one_wins => sqlite_ussd_racing_saves_one_wins, postgres_ussd_racing_saves_one_wins;
    ussd_language_is_remembered => sqlite_ussd_language_is_remembered, postgres_ussd_language_is_remembered;
    ussd_resume_is_remembered_until_it_expires => sqlite_ussd_resume_is_remembered_until_it_expires, postgres_ussd_resume_is_remembered_until_it_expires;
    ussd_expiry_deletes_expired_resumes => sqlite_ussd_expiry_deletes_expired_resumes, postgres_ussd_expiry_deletes_expired_resumes;
    ussd_expiry_abandons_only_open_sessions_past_expiry => sqlite_ussd_expiry_abandons_only_open_sessions_past_expiry, postgres_ussd_expiry_abandons_only_open_sessions_past_expiry;
    ussd_prune_deletes_only_older_sessions => sqlite_ussd_prune_deletes_only_older_sessions, postgres_ussd_prune_deletes_only_older_sessions;
    ussd_stats_count_by_menu_step_outcome_in_window => sqlite_ussd_stats_count_by_menu_step_outcome_in_window, postgres_ussd_stats_count_by_menu_step_outcome_in_window;
}
