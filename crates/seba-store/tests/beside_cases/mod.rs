//! The conformance suite, continued: records kept beside the cases — ratings, help
//! articles, canned responses, presence — and the dashboard's counts. Every body runs on
//! both engines, like the rest of the suite.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use seba_core::case::{Case, Channel, Status};
use seba_core::ids::{CaseId, UserId};
use seba_core::staff::Role;
use seba_store::{
    Activity, AgeBucket, Article, Backlog, Canned, CaseWrite, CategoryCount, Commit, CsatCounts,
    DayChannelCount, IdempotencyHook, NewUser, Presence, Rating, ReportWindow, SideWrite, SlaDay,
    Store, StoreError, StoredResponse,
};

use crate::common::*;

fn ts(s: &str) -> Timestamp {
    s.parse().expect("a valid instant")
}

fn day(s: &str) -> jiff::civil::Date {
    s.parse().expect("a valid date")
}

fn rating(case: CaseId, score: u8, comment: Option<&str>, at: Timestamp) -> Rating {
    Rating {
        case_id: case,
        score,
        comment: comment.map(String::from),
        rated_at: at,
    }
}

/// The commit the application makes for a rating: nothing on the case row, one audit
/// event, one outbox row.
fn rating_commit(case: CaseId, topic: &str, at: Timestamp) -> Commit {
    side_commit(
        vec![event(&case_subject(case), at, "case.rated")],
        vec![draft(topic, Some(case), json!({ "case_id": case.0 }), None)],
    )
}

// =======================================================================================
// Ratings
// =======================================================================================

async fn ratings_commit_atomically(store: Arc<dyn Store>) {
    let case = create_case(&store, at(0), |c| c.status = Status::Resolved).await;
    let subject = case_subject(case.id);
    assert_eq!(store.rating(case.id).await.unwrap(), None);

    let first = rating(
        case.id,
        4,
        Some("দ্রুত সমাধান, ধন্যবাদ / quick, thanks"),
        at(60) + SignedDuration::from_micros(3),
    );
    let c = store
        .commit_with(
            rating_commit(case.id, "case.rated", at(60)),
            vec![SideWrite::Rating(first.clone())],
        )
        .await
        .unwrap();
    assert_eq!(c.outbox_seqs.len(), 1);
    assert_eq!(store.rating(case.id).await.unwrap(), Some(first.clone()));
    let events = store.audit_events(&subject).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["case.created", "case.rated"]
    );

    // A second rating is refused, and takes the rest of its commit with it: the case
    // update, the message, the events, the outbox row and the idempotency record.
    let mut changed = case.clone();
    changed.version = 2;
    changed.subject = "must not be written".into();
    let err = store
        .commit_with(
            Commit {
                case: CaseWrite::Update {
                    case: changed,
                    expected_version: 1,
                },
                messages: vec![message(
                    case.id,
                    seba_core::case::MessageKind::Note,
                    seba_core::case::Actor::System,
                    "must not be written",
                    at(120),
                )],
                events: vec![
                    event(&subject, at(120), "case.rated"),
                    event("user:77", at(120), "stray"),
                ],
                outbox: vec![draft("case.rated.again", Some(case.id), json!({}), None)],
                idempotency: Some(IdempotencyHook {
                    scope: "rate".into(),
                    key: "again".into(),
                    request_hash: "h".into(),
                    build: Box::new(|_| StoredResponse {
                        request_hash: "h".into(),
                        status: 201,
                        body: "{}".into(),
                        headers: vec![],
                    }),
                }),
            },
            vec![SideWrite::Rating(rating(case.id, 1, None, at(120)))],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(store.rating(case.id).await.unwrap(), Some(first));
    assert_eq!(store.case(case.id).await.unwrap(), Some(case.clone()));
    assert_eq!(store.messages(case.id).await.unwrap().len(), 1);
    assert_eq!(store.audit_events(&subject).await.unwrap(), events);
    assert!(store.audit_events("user:77").await.unwrap().is_empty());
    assert_eq!(
        store.idempotent_response("rate", "again").await.unwrap(),
        None
    );
    let feed = feed_through_marker(&store, "after-ratings").await;
    assert_eq!(
        feed.iter().map(|r| r.topic.as_str()).collect::<Vec<_>>(),
        ["case.rated", "after-ratings"]
    );

    // Another case takes its own rating; no comment is stored as none.
    let other = create_case(&store, at(10), |c| c.status = Status::Closed).await;
    let plain = rating(other.id, 1, None, at(200));
    store
        .commit_with(
            rating_commit(other.id, "case.rated", at(200)),
            vec![SideWrite::Rating(plain.clone())],
        )
        .await
        .unwrap();
    assert_eq!(store.rating(other.id).await.unwrap(), Some(plain));

    // A rating of a case the store does not have is refused.
    let ghost = CaseId(other.id.0.max(case.id.0) + 10_000);
    assert!(
        store
            .commit_with(
                side_commit(vec![], vec![]),
                vec![SideWrite::Rating(rating(ghost, 3, None, at(300)))],
            )
            .await
            .is_err()
    );
    assert_eq!(store.rating(ghost).await.unwrap(), None);
}

// =======================================================================================
// Help articles
// =======================================================================================

fn article(slug: &str, position: i32, published: bool) -> Article {
    Article {
        slug: slug.into(),
        title_bn: format!("{slug} — শিরোনাম"),
        title_en: format!("{slug} — title"),
        body_bn: "প্রথম অনুচ্ছেদ।\n\nদ্বিতীয় অনুচ্ছেদ: *২৪৭# ডায়াল করুন।".into(),
        body_en: "First paragraph.\n\nSecond: dial *247#, 'quotes' & \\ backslash.".into(),
        tags: vec!["pin".into(), "পিন".into()],
        published,
        position,
        updated_at: at(0) + SignedDuration::from_micros(5),
        updated_by: Some(UserId(3)),
        version: 1,
    }
}

fn save(a: &Article, expected_version: Option<i64>) -> Vec<SideWrite> {
    vec![SideWrite::Article {
        article: a.clone(),
        expected_version,
    }]
}

fn audited(subject: &str, action: &str) -> Commit {
    side_commit(vec![event(subject, at(0), action)], vec![])
}

async fn articles_versions_and_order(store: Arc<dyn Store>) {
    assert!(store.articles(true).await.unwrap().is_empty());
    // Byte order for slugs: "a-c" before "ab" ('-' sorts before letters), which a
    // language-aware collation would turn around.
    let ab = article("ab", 1, true);
    let a_c = article("a-c", 1, true);
    let b = Article {
        tags: vec![],
        updated_by: None,
        ..article("b", 0, true)
    };
    let draft_one = article("draft", -1, false);
    for a in [&ab, &a_c, &b, &draft_one] {
        store
            .commit_with(
                audited(&format!("article:{}", a.slug), "article.saved"),
                save(a, None),
            )
            .await
            .unwrap();
    }
    assert_eq!(
        store.articles(true).await.unwrap(),
        [draft_one.clone(), b.clone(), a_c.clone(), ab.clone()]
    );
    assert_eq!(
        store.articles(false).await.unwrap(),
        [b.clone(), a_c.clone(), ab.clone()]
    );
    assert_eq!(store.article("ab").await.unwrap(), Some(ab.clone()));
    assert_eq!(store.article("b").await.unwrap(), Some(b.clone()));
    assert_eq!(store.article("nope").await.unwrap(), None);

    // A second insert under a taken slug is refused with its event.
    let err = store
        .commit_with(
            audited("article:ab", "article.saved"),
            save(&article("ab", 9, false), None),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(store.audit_events("article:ab").await.unwrap().len(), 1);
    assert_eq!(store.article("ab").await.unwrap(), Some(ab.clone()));

    // Updates go through only from the version they were based on.
    let v2 = Article {
        title_en: "How to reset your PIN".into(),
        published: false,
        position: 5,
        version: 2,
        updated_at: at(60),
        ..ab.clone()
    };
    store
        .commit_with(audited("article:ab", "article.saved"), save(&v2, Some(1)))
        .await
        .unwrap();
    assert_eq!(store.article("ab").await.unwrap(), Some(v2.clone()));
    let stale = Article {
        title_en: "a stale edit".into(),
        ..v2.clone()
    };
    let err = store
        .commit_with(
            audited("article:ab", "article.saved"),
            save(&stale, Some(1)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2 }),
        "{err:?}"
    );
    assert_eq!(store.article("ab").await.unwrap(), Some(v2.clone()));
    assert_eq!(store.audit_events("article:ab").await.unwrap().len(), 2);
    let err = store
        .commit_with(
            audited("article:ghost", "article.saved"),
            save(&article("ghost", 0, true), Some(1)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert!(
        store
            .audit_events("article:ghost")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.articles(false).await.unwrap(),
        [b.clone(), a_c.clone()],
        "unpublished by the update"
    );

    // Delete.
    store
        .commit_with(
            audited("article:a-c", "article.deleted"),
            vec![SideWrite::DeleteArticle("a-c".into())],
        )
        .await
        .unwrap();
    assert_eq!(store.article("a-c").await.unwrap(), None);
    let err = store
        .commit_with(
            audited("article:a-c", "article.deleted"),
            vec![SideWrite::DeleteArticle("a-c".into())],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(store.audit_events("article:a-c").await.unwrap().len(), 2);
    assert_eq!(
        store.articles(true).await.unwrap(),
        [draft_one, b, v2],
        "by position, then slug"
    );
}

// =======================================================================================
// Canned responses
// =======================================================================================

fn canned(code: &str) -> Canned {
    Canned {
        code: code.into(),
        title_bn: format!("{code} বাংলা"),
        title_en: code.into(),
        body_bn: "প্রিয় {customer_name}, আপনার কেস {case_number} গ্রহণ করা হয়েছে।".into(),
        body_en: "Dear {customer_name}, your case {case_number} is received.".into(),
        updated_at: at(0) + SignedDuration::from_micros(9),
        version: 1,
    }
}

async fn canned_crud(store: Arc<dyn Store>) {
    assert!(store.canned().await.unwrap().is_empty());
    let write = |k: &Canned, expected_version: Option<i64>| {
        vec![SideWrite::Canned {
            canned: k.clone(),
            expected_version,
        }]
    };
    let ack = canned("ack");
    let ask = canned("ask-txn");
    let asks = canned("asks");
    for k in [&asks, &ack, &ask] {
        store
            .commit_with(
                audited(&format!("canned:{}", k.code), "canned.saved"),
                write(k, None),
            )
            .await
            .unwrap();
    }
    assert_eq!(
        store.canned().await.unwrap(),
        [ack.clone(), ask.clone(), asks.clone()]
    );
    assert_eq!(store.canned_one("ack").await.unwrap(), Some(ack.clone()));
    assert_eq!(store.canned_one("nope").await.unwrap(), None);

    let err = store
        .commit_with(audited("canned:ack", "canned.saved"), write(&ack, None))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");

    let v2 = Canned {
        body_en: "Dear {customer_name}, thank you.".into(),
        version: 2,
        updated_at: at(30),
        ..ack.clone()
    };
    store
        .commit_with(audited("canned:ack", "canned.saved"), write(&v2, Some(1)))
        .await
        .unwrap();
    let err = store
        .commit_with(audited("canned:ack", "canned.saved"), write(&v2, Some(1)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2 }),
        "{err:?}"
    );
    let err = store
        .commit_with(
            audited("canned:x", "canned.saved"),
            write(&canned("x"), Some(4)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(store.canned_one("ack").await.unwrap(), Some(v2.clone()));
    assert_eq!(store.audit_events("canned:ack").await.unwrap().len(), 2);

    store
        .commit_with(
            audited("canned:asks", "canned.deleted"),
            vec![SideWrite::DeleteCanned("asks".into())],
        )
        .await
        .unwrap();
    let err = store
        .commit_with(
            audited("canned:asks", "canned.deleted"),
            vec![SideWrite::DeleteCanned("asks".into())],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(store.canned().await.unwrap(), [v2, ask]);
}

// =======================================================================================
// Presence
// =======================================================================================

async fn user(store: &Arc<dyn Store>, name: &str, display: &str) -> UserId {
    store
        .create_user(
            NewUser {
                username: name.into(),
                display_name: display.into(),
                role: Role::Agent,
                password_hash: "$argon2id$test".into(),
                created_at: at(0),
            },
            seba_core::audit::EventDraft {
                subject: String::new(),
                at: at(0),
                actor: "system".into(),
                action: "user.created".into(),
                before: "{}".into(),
                after: "{}".into(),
            },
        )
        .await
        .expect("creating a user")
}

async fn presence_upsert_expiry_join(store: Arc<dyn Store>) {
    let rahima = user(&store, "rahima", "রহিমা খাতুন").await;
    let karim = user(&store, "karim", "Karim Uddin").await;
    let (case, other_case) = (CaseId(41), CaseId(42));
    let seen = |user: UserId, name: &str, activity: Activity, at: Timestamp| Presence {
        user_id: user,
        display_name: name.into(),
        activity,
        seen_at: at,
    };

    store
        .touch_presence(case, rahima, Activity::Viewing, at(0))
        .await
        .unwrap();
    store
        .touch_presence(case, karim, Activity::Replying, at(5))
        .await
        .unwrap();
    store
        .touch_presence(other_case, karim, Activity::Viewing, at(6))
        .await
        .unwrap();
    // The same person again: one row, moved on.
    store
        .touch_presence(case, rahima, Activity::Replying, at(10))
        .await
        .unwrap();
    // A late, older touch (another node's slow request) does not move it back.
    store
        .touch_presence(case, rahima, Activity::Viewing, at(2))
        .await
        .unwrap();

    assert_eq!(
        store.presence(case, at(0)).await.unwrap(),
        [
            seen(rahima, "রহিমা খাতুন", Activity::Replying, at(10)),
            seen(karim, "Karim Uddin", Activity::Replying, at(5)),
        ]
    );
    // Only those seen since the given time.
    assert_eq!(
        store.presence(case, at(6)).await.unwrap(),
        [seen(rahima, "রহিমা খাতুন", Activity::Replying, at(10))]
    );
    assert_eq!(
        store.presence(other_case, at(0)).await.unwrap(),
        [seen(karim, "Karim Uddin", Activity::Viewing, at(6))]
    );
    assert!(store.presence(CaseId(43), at(0)).await.unwrap().is_empty());

    // Pruning forgets rows seen before the cut.
    assert_eq!(store.prune_presence(at(6)).await.unwrap(), 1);
    assert_eq!(
        store.presence(case, at(0)).await.unwrap(),
        [seen(rahima, "রহিমা খাতুন", Activity::Replying, at(10))]
    );

    // Upkeep forgets what is long gone and keeps what is current.
    let now = Timestamp::now();
    store
        .touch_presence(CaseId(50), rahima, Activity::Viewing, now)
        .await
        .unwrap();
    store
        .touch_presence(
            CaseId(51),
            karim,
            Activity::Viewing,
            now - seba_store::PRESENCE_KEPT - SignedDuration::from_secs(60),
        )
        .await
        .unwrap();
    store.maintain().await.unwrap();
    assert_eq!(
        store
            .presence(CaseId(50), now - SignedDuration::from_secs(1))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .presence(CaseId(51), Timestamp::UNIX_EPOCH)
            .await
            .unwrap()
            .is_empty()
    );
}

// =======================================================================================
// Reports
// =======================================================================================

/// A case as the reports see it: created at `created`, through `channel`, in `category`,
/// with its resolution due at `due` (and at risk from then too, so the risk threshold
/// never trails the due).
fn report_case(
    id: CaseId,
    created: Timestamp,
    channel: Channel,
    category: &str,
    status: Status,
    due: Timestamp,
) -> Case {
    let mut c = new_case(id, created);
    c.channel = channel;
    c.category = category.into();
    c.status = status;
    c.sla.resolution_due = due;
    c.sla.resolution_risk_at = due;
    c
}

async fn insert(store: &Arc<dyn Store>, case: &Case) {
    store
        .commit(insert_commit(case))
        .await
        .expect("inserting a case");
}

async fn reports_on_known_cases(store: Arc<dyn Store>) {
    // The dashboard's range: 20–22 November 2026 in Dhaka (UTC+6), i.e.
    // [19 Nov 18:00 UTC, 22 Nov 18:00 UTC).
    let window = ReportWindow {
        from: ts("2026-11-19T18:00:00Z"),
        to: ts("2026-11-22T18:00:00Z"),
        utc_offset_seconds: 6 * 3600,
    };
    let now = ts("2026-11-23T06:00:00Z");
    let later = now + SignedDuration::from_hours(24);
    let ago =
        |d: i64, s: i64| now - SignedDuration::from_hours(24 * d) - SignedDuration::from_secs(s);
    let next = || async { store.next_case_id().await.expect("next_case_id") };
    use Channel::{App, Hotline, Web};
    use Status::{Closed, Merged, New, Open, PendingCustomer, PendingThirdParty, Resolved};

    // --- Cases created around the window ---
    // 23:59:59 on the 19th in Dhaka: outside.
    let mut c1 = report_case(
        next().await,
        ts("2026-11-19T17:59:59Z"),
        Web,
        "mfs.wrong_transfer",
        Closed,
        later,
    );
    c1.sla.resolved_at = Some(ts("2026-11-19T17:59:59Z"));
    insert(&store, &c1).await;
    // Midnight starting the 20th: inside. Resolved exactly at its due: met.
    let mut c2 = report_case(
        next().await,
        ts("2026-11-19T18:00:00Z"),
        Web,
        "mfs.wrong_transfer",
        Resolved,
        ts("2026-11-20T10:00:00Z"),
    );
    c2.sla.resolved_at = Some(ts("2026-11-20T10:00:00Z"));
    insert(&store, &c2).await;
    // 23:30 on the 20th in Dhaka (17:30 UTC): still the 20th. Resolved late through an
    // update, at 23:30 on the 21st.
    let c3 = report_case(
        next().await,
        ts("2026-11-20T17:30:00Z"),
        Hotline,
        "mfs.cash_out",
        Open,
        ts("2026-11-21T12:00:00Z"),
    );
    insert(&store, &c3).await;
    let mut c3b = c3.clone();
    c3b.version = 2;
    c3b.status = Resolved;
    c3b.sla.resolved_at = Some(ts("2026-11-21T17:30:00Z"));
    store
        .commit(Commit {
            case: CaseWrite::Update {
                case: c3b,
                expected_version: 1,
            },
            ..side_commit(vec![], vec![])
        })
        .await
        .unwrap();
    // 00:30 on the 21st in Dhaka, though still the 20th in UTC. Resolved at 00:30 on the
    // 22nd in Dhaka (the 21st in UTC), in time.
    let mut c4 = report_case(
        next().await,
        ts("2026-11-20T18:30:00Z"),
        Hotline,
        "mfs.cash_out",
        Closed,
        ts("2026-11-25T00:00:00Z"),
    );
    c4.sla.resolved_at = Some(ts("2026-11-21T18:30:00Z"));
    insert(&store, &c4).await;
    // Merged: its clock stopped, but nothing was resolved.
    let mut c5 = report_case(
        next().await,
        ts("2026-11-21T04:00:00Z"),
        Web,
        "ecommerce",
        Merged,
        later,
    );
    c5.sla.resolved_at = Some(ts("2026-11-21T06:00:00Z"));
    insert(&store, &c5).await;
    // Active, breached, created a second before the window ends (23:59:59 on the 22nd).
    let c6 = report_case(
        next().await,
        ts("2026-11-22T17:59:59Z"),
        App,
        "mfs.wrong_transfer",
        Open,
        ts("2026-11-23T05:00:00Z"),
    );
    insert(&store, &c6).await;
    // Midnight starting the 23rd: outside. Active, not breached.
    let c7 = report_case(
        next().await,
        ts("2026-11-22T18:00:00Z"),
        App,
        "mfs.wrong_transfer",
        New,
        later,
    );
    insert(&store, &c7).await;
    // Waiting on the customer past its due: paused, so not breached.
    let mut c8 = report_case(
        next().await,
        ts("2026-11-21T05:00:00Z"),
        Web,
        "ecommerce.refund",
        PendingCustomer,
        ts("2026-11-22T00:00:00Z"),
    );
    c8.sla.paused_at = Some(ts("2026-11-21T08:00:00Z"));
    insert(&store, &c8).await;

    // --- For the backlog, aged from `now` (the first and the last are in the window too) ---
    let b1 = report_case(next().await, ago(3, 0), Web, "general", Open, later); // exactly 3 days
    let b2 = report_case(
        next().await,
        ago(7, 1),
        Web,
        "general",
        PendingThirdParty,
        ago(1, 0),
    ); // breached
    let b3 = report_case(next().await, ago(10, 0), Web, "general", Open, later);
    let b4 = report_case(next().await, ago(45, 0), Web, "general", New, later);
    let mut b5 = report_case(
        next().await,
        ago(50, 0),
        Web,
        "general",
        Resolved,
        ago(41, 0),
    );
    b5.sla.resolved_at = Some(ago(40, 0));
    let b6 = report_case(next().await, ago(1, 0), Web, "general", Open, later); // exactly 1 day
    for c in [&b1, &b2, &b3, &b4, &b5, &b6] {
        insert(&store, c).await;
    }
    // Resolved in the window, then reopened: no longer a resolution.
    let mut r1 = report_case(next().await, ago(5, 0), Web, "general", Resolved, later);
    r1.sla.resolved_at = Some(ts("2026-11-21T08:00:00Z"));
    insert(&store, &r1).await;
    r1.version = 2;
    r1.status = Open;
    r1.sla.resolved_at = None;
    store
        .commit(Commit {
            case: CaseWrite::Update {
                case: r1.clone(),
                expected_version: 1,
            },
            ..side_commit(vec![], vec![])
        })
        .await
        .unwrap();

    // --- Ratings ---
    for (case, score, at) in [
        (&c1, 1, ts("2026-11-19T18:00:00Z")), // the window's first microsecond
        (&c2, 5, ts("2026-11-20T12:00:00Z")),
        (&c3, 2, ts("2026-11-22T17:59:59Z")),
        (&c4, 5, ts("2026-11-22T18:00:00Z")), // the window's end: outside
        (&b5, 4, ago(39, 0)),
    ] {
        store
            .commit_with(
                side_commit(vec![], vec![]),
                vec![SideWrite::Rating(rating(case.id, score, None, at))],
            )
            .await
            .unwrap();
    }

    let count = |d: &str, channel, cases| DayChannelCount {
        day: day(d),
        channel,
        cases,
    };
    assert_eq!(
        store.created_per_day(&window).await.unwrap(),
        [
            count("2026-11-20", Hotline, 1), // c3
            count("2026-11-20", Web, 2),     // c2, b1
            count("2026-11-21", Hotline, 1), // c4
            count("2026-11-21", Web, 2),     // c5, c8
            count("2026-11-22", App, 1),     // c6
            count("2026-11-22", Web, 1),     // b6
        ]
    );
    let cat = |category: &str, cases| CategoryCount {
        category: category.into(),
        cases,
    };
    assert_eq!(
        store.created_per_category(&window).await.unwrap(),
        [
            cat("general", 2),
            cat("mfs.cash_out", 2),
            cat("mfs.wrong_transfer", 2),
            cat("ecommerce", 1),
            cat("ecommerce.refund", 1),
        ]
    );
    assert_eq!(
        store.backlog(now).await.unwrap(),
        Backlog {
            ages: vec![
                (AgeBucket::UnderOneDay, 2),    // c6, c7
                (AgeBucket::OneToThree, 2),     // c8, b6
                (AgeBucket::ThreeToSeven, 2),   // b1, r1
                (AgeBucket::SevenToTen, 1),     // b2
                (AgeBucket::TenToFortyFive, 1), // b3
                (AgeBucket::OverFortyFive, 1),  // b4
            ],
            breached: 2, // c6, b2
        }
    );
    let sla = |d: &str, met, missed| SlaDay {
        day: day(d),
        met,
        missed,
    };
    assert_eq!(
        store.sla_per_day(&window).await.unwrap(),
        [
            sla("2026-11-20", 1, 0),
            sla("2026-11-21", 0, 1),
            sla("2026-11-22", 1, 0)
        ]
    );
    let csat = store.csat(&window).await.unwrap();
    assert_eq!(
        csat,
        CsatCounts {
            per_score: [1, 1, 0, 0, 1]
        }
    );
    assert_eq!(csat.total(), 3);
    assert!((csat.mean().unwrap() - 8.0 / 3.0).abs() < 1e-9);

    // The same store counted in UTC days instead: the case created at 00:30 on the 21st in
    // Dhaka belongs to the 20th.
    let utc = ReportWindow {
        utc_offset_seconds: 0,
        from: ts("2026-11-20T00:00:00Z"),
        to: ts("2026-11-21T00:00:00Z"),
    };
    assert_eq!(
        store.created_per_day(&utc).await.unwrap(),
        [count("2026-11-20", Hotline, 2), count("2026-11-20", Web, 1)]
    );
    // An empty window.
    let empty = ReportWindow {
        from: ts("2020-01-01T00:00:00Z"),
        to: ts("2020-01-02T00:00:00Z"),
        ..window
    };
    assert!(store.created_per_day(&empty).await.unwrap().is_empty());
    assert!(store.created_per_category(&empty).await.unwrap().is_empty());
    assert!(store.sla_per_day(&empty).await.unwrap().is_empty());
    assert_eq!(store.csat(&empty).await.unwrap().mean(), None);
    let long_ago = store.backlog(ts("2020-01-01T00:00:00Z")).await.unwrap();
    assert_eq!(
        long_ago.ages[0],
        (AgeBucket::UnderOneDay, 9),
        "before they were created, all nine active cases count as new"
    );
    assert_eq!(long_ago.breached, 0);
}

conformance! {
    ratings_commit_atomically => sqlite_ratings_commit_atomically, postgres_ratings_commit_atomically;
    articles_versions_and_order => sqlite_articles_versions_and_order, postgres_articles_versions_and_order;
    canned_crud => sqlite_canned_crud, postgres_canned_crud;
    presence_upsert_expiry_join => sqlite_presence_upsert_expiry_join, postgres_presence_upsert_expiry_join;
    reports_on_known_cases => sqlite_reports_on_known_cases, postgres_reports_on_known_cases;
}
