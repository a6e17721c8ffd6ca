//! The store conformance suite: one set of behaviours every engine must show.
//!
//! Each `async fn` below takes an `Arc<dyn Store>` and knows nothing of the engine; the
//! `conformance!` list at the bottom runs each one on a fresh SQLite file (`sqlite_*`) and
//! on a fresh PostgreSQL schema (`postgres_*`, when `SEBA_TEST_DATABASE_URL` is set).
//!
//! ```text
//! SEBA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo test -p seba-store --test conformance
//! ```

#[macro_use]
mod common;
mod beside_cases;
mod claims;
mod service_points;
mod ussd;
mod wallet;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use seba_core::audit::{AuditEvent, ChainVerifier, GENESIS};
use seba_core::case::{
    Actor, AttachmentRef, Case, Channel, Message, MessageKind, Priority, Requester, Status,
};
use seba_core::ids::{CaseId, UserId};
use seba_core::sla::{SlaClock, SlaState, SlaTargets};
use seba_core::staff::Role;
use seba_store::{
    ApiToken, CaseFilter, CaseOrder, CaseWrite, Category, Challenge, Commit, Committed,
    DeliveryChannel, DeliveryOutcome, DeliveryState, Holiday, IdempotencyHook, IdempotencyRecord,
    NewDelivery, NewUser, OutboxPos, PageRequest, Queue, Session, SlaFilter, SlaPolicy, Store,
    StoreError, StoredResponse,
};

use common::*;

fn all() -> PageRequest {
    PageRequest {
        before: None,
        limit: 500,
        ..PageRequest::default()
    }
}

fn ids(cases: &[Case]) -> Vec<CaseId> {
    cases.iter().map(|c| c.id).collect()
}

/// Ids newest first, as `list_cases` returns them.
fn desc(cases: &[&Case]) -> Vec<CaseId> {
    let mut v: Vec<CaseId> = cases.iter().map(|c| c.id).collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    v
}

fn verify_chain(subject: &str, events: &[AuditEvent]) {
    let mut v = ChainVerifier::new(subject);
    for e in events {
        v.push(e)
            .unwrap_or_else(|b| panic!("the chain of {subject} is broken: {b}"));
    }
}

// =======================================================================================
// 1. Cases and their threads round-trip
// =======================================================================================

async fn case_round_trip(store: Arc<dyn Store>) {
    let id = store.next_case_id().await.unwrap();
    // Microseconds are what the store keeps; make sure it keeps all of them.
    let created = base() + SignedDuration::from_micros(123_456);
    let mut case = new_case(id, created);
    case.channel = Channel::Ussd;
    case.priority = Priority::High;
    case.assignee = Some(UserId(7));
    case.tags = tags(&["vip", "ভুল-নম্বর", "wrong_number"]);
    case.updated_at = created + SignedDuration::from_secs(5);
    case.sla
        .acknowledge(created + SignedDuration::from_mins(10));

    let attachment = AttachmentRef {
        sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
        filename: "রসিদ \"receipt\".pdf".into(),
        content_type: "application/pdf".into(),
        size: 48_213,
    };
    let messages = vec![
        seba_store::NewMessage {
            attachments: vec![attachment.clone()],
            ..message(
                id,
                MessageKind::Inbound,
                Actor::Customer,
                "আমি ভুল নম্বরে ৫০০০ টাকা পাঠিয়েছি।\nPlease help 🙏",
                created,
            )
        },
        message(
            id,
            MessageKind::Reply,
            Actor::User(UserId(7)),
            "We are looking into it; 'quotes' & \\ backslash",
            at(60),
        ),
        message(id, MessageKind::Note, Actor::System, "auto-triaged", at(61)),
    ];
    let committed = store
        .commit(Commit {
            case: CaseWrite::Insert(case.clone()),
            messages: messages.clone(),
            events: vec![event(&case_subject(id), created, "case.created")],
            outbox: vec![],
            idempotency: None,
        })
        .await
        .unwrap();
    assert_eq!(committed.message_ids.len(), 3);
    assert!(
        committed.message_ids.windows(2).all(|w| w[0] < w[1]),
        "{:?}",
        committed.message_ids
    );
    assert!(committed.outbox_seqs.is_empty());

    let back = store.case(id).await.unwrap().expect("the inserted case");
    assert_eq!(back, case);
    assert_eq!(
        back.requester.msisdn.as_ref().map(|m| m.as_e164()),
        Some("+8801712345678")
    );
    assert_eq!(
        back.requester.email.as_ref().map(|e| e.as_str()),
        Some("rahim@example.com")
    );
    assert_eq!(back.sla, case.sla);
    assert_eq!(back.version, 1);

    let stored = store.messages(id).await.unwrap();
    let expected: Vec<Message> = messages
        .iter()
        .zip(&committed.message_ids)
        .map(|(m, mid)| Message {
            id: *mid,
            case_id: id,
            kind: m.kind,
            author: m.author,
            body: m.body.clone(),
            created_at: m.created_at,
            attachments: m.attachments.clone(),
        })
        .collect();
    assert_eq!(
        stored.iter().map(|s| s.message.clone()).collect::<Vec<_>>(),
        expected
    );
    assert!(
        stored.iter().all(|s| s.delivery.is_none()),
        "no delivery was queued: {stored:?}"
    );

    // A case using every other optional shape: no name, no phone, no queue, closed, merged.
    let id2 = store.next_case_id().await.unwrap();
    assert_ne!(id2, id);
    let mut other = new_case(id2, at(3600));
    other.status = Status::Merged;
    other.channel = Channel::Email;
    other.priority = Priority::Low;
    other.category = "cards".into();
    other.queue = None;
    other.requester = Requester {
        name: None,
        msisdn: None,
        email: Some(email("Karim.Test+x@Example.ORG")),
    };
    other.version = 4;
    other.sla.pause(at(4000));
    other.sla.resolve(at(5000));
    other.closed_at = Some(at(5000) + SignedDuration::from_micros(1));
    other.merged_into = Some(id);
    store
        .commit(Commit {
            case: CaseWrite::Insert(other.clone()),
            messages: vec![],
            events: vec![],
            outbox: vec![],
            idempotency: None,
        })
        .await
        .unwrap();
    assert_eq!(store.case(id2).await.unwrap(), Some(other));
    assert!(store.messages(id2).await.unwrap().is_empty());
    // The first case is untouched by the second.
    assert_eq!(store.case(id).await.unwrap(), Some(case));

    assert_eq!(
        store.case(CaseId(id.0.max(id2.0) + 10_000)).await.unwrap(),
        None
    );
    assert!(
        store
            .messages(CaseId(id.0.max(id2.0) + 10_000))
            .await
            .unwrap()
            .is_empty()
    );

    // Inserting the same id twice is refused and leaves the first row alone.
    let mut dup = new_case(id, at(7200));
    dup.subject = "an impostor".into();
    let err = store
        .commit(Commit {
            case: CaseWrite::Insert(dup),
            messages: vec![],
            events: vec![],
            outbox: vec![],
            idempotency: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(
        store.case(id).await.unwrap().unwrap().subject,
        new_case(id, created).subject
    );
}

// =======================================================================================
// 2. Optimistic concurrency on updates
// =======================================================================================

async fn update_and_version_conflict(store: Arc<dyn Store>) {
    let v1 = create_case(&store, base(), |_| {}).await;
    let id = v1.id;
    let subject = case_subject(id);

    let mut v2 = v1.clone();
    v2.version = 2;
    v2.status = Status::Open;
    v2.assignee = Some(UserId(3));
    v2.tags.insert("escalated".into());
    v2.updated_at = at(60);
    v2.sla.acknowledge(at(60));
    let c = store
        .commit(Commit {
            case: CaseWrite::Update {
                case: v2.clone(),
                expected_version: 1,
            },
            messages: vec![message(
                id,
                MessageKind::Reply,
                Actor::User(UserId(3)),
                "on it",
                at(60),
            )],
            events: vec![event(&subject, at(60), "case.assigned")],
            outbox: vec![draft(
                "case.updated",
                Some(id),
                json!({ "version": 2 }),
                None,
            )],
            idempotency: None,
        })
        .await
        .unwrap();
    assert_eq!(c.message_ids.len(), 1);
    assert_eq!(store.case(id).await.unwrap(), Some(v2.clone()));
    assert_eq!(store.messages(id).await.unwrap().len(), 2);

    let messages_before = store.messages(id).await.unwrap();
    let events_before = store.audit_events(&subject).await.unwrap();
    assert_eq!(events_before.len(), 2);

    // A writer that still holds version 1.
    let mut stale = v1.clone();
    stale.version = 2;
    stale.subject = "a stale write".into();
    stale.status = Status::Closed;
    let err = store
        .commit(Commit {
            case: CaseWrite::Update {
                case: stale,
                expected_version: 1,
            },
            messages: vec![message(
                id,
                MessageKind::Note,
                Actor::User(UserId(9)),
                "must not appear",
                at(90),
            )],
            events: vec![
                event(&subject, at(90), "stale"),
                event("user:9", at(90), "stale"),
            ],
            outbox: vec![draft("stale", Some(id), json!({}), None)],
            idempotency: Some(IdempotencyHook {
                scope: "conflict".into(),
                key: "k1".into(),
                request_hash: "h".into(),
                build: Box::new(|_: &Committed| StoredResponse {
                    request_hash: "h".into(),
                    status: 200,
                    body: "stale".into(),
                    headers: vec![],
                }),
            }),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2 }),
        "{err:?}"
    );
    assert_eq!(store.case(id).await.unwrap(), Some(v2.clone()));
    let messages_after = store.messages(id).await.unwrap();
    assert_eq!(
        messages_after
            .iter()
            .map(|m| &m.message)
            .collect::<Vec<_>>(),
        messages_before
            .iter()
            .map(|m| &m.message)
            .collect::<Vec<_>>()
    );
    assert_eq!(store.audit_events(&subject).await.unwrap(), events_before);
    assert!(store.audit_events("user:9").await.unwrap().is_empty());
    assert_eq!(
        store.idempotent_response("conflict", "k1").await.unwrap(),
        None
    );

    // Updating a case that does not exist.
    let ghost_id = store.next_case_id().await.unwrap();
    let mut ghost = new_case(ghost_id, at(100));
    ghost.version = 2;
    let err = store
        .commit(Commit {
            case: CaseWrite::Update {
                case: ghost,
                expected_version: 1,
            },
            messages: vec![],
            events: vec![event(&case_subject(ghost_id), at(100), "ghost")],
            outbox: vec![draft("ghost", Some(ghost_id), json!({}), None)],
            idempotency: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert_eq!(store.case(ghost_id).await.unwrap(), None);
    assert!(
        store
            .audit_events(&case_subject(ghost_id))
            .await
            .unwrap()
            .is_empty()
    );

    // Neither failed commit left anything in the change feed.
    let feed = feed_through_marker(&store, "marker").await;
    let topics: Vec<&str> = feed.iter().map(|r| r.topic.as_str()).collect();
    assert_eq!(topics, ["case.updated", "marker"]);

    // The current version moves on as usual.
    let mut v3 = v2.clone();
    v3.version = 3;
    v3.status = Status::PendingCustomer;
    v3.sla.pause(at(120));
    store
        .commit(Commit {
            case: CaseWrite::Update {
                case: v3.clone(),
                expected_version: 2,
            },
            messages: vec![],
            events: vec![event(&subject, at(120), "case.pending")],
            outbox: vec![],
            idempotency: None,
        })
        .await
        .unwrap();
    assert_eq!(store.case(id).await.unwrap(), Some(v3));
    let events = store.audit_events(&subject).await.unwrap();
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    verify_chain(&subject, &events);
}

// =======================================================================================
// 3. Concurrency
// =======================================================================================

/// Ids reserved in advance are handed out in order, never twice, and never one handed out
/// before, while other tasks take ids beside the reservation.
async fn reserved_case_ids(store: Arc<dyn Store>) {
    let before = store.next_case_id().await.unwrap();
    store.reserve_case_ids(2_500).await.unwrap();
    let beside = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut ids = Vec::new();
            for _ in 0..300 {
                ids.push(store.next_case_id().await.unwrap());
            }
            ids
        })
    };
    let mut mine = Vec::new();
    for _ in 0..2_500 {
        mine.push(store.next_case_id().await.unwrap());
    }
    // A second reservation, more than is left: the ids go on rising.
    store.reserve_case_ids(5_000).await.unwrap();
    for _ in 0..100 {
        mine.push(store.next_case_id().await.unwrap());
    }
    assert!(
        mine.windows(2).all(|w| w[0] < w[1]),
        "one task's ids rise one after another"
    );
    assert!(
        mine[0] > before,
        "a reserved id comes after every id handed out before"
    );
    let beside = beside.await.unwrap();
    let all: HashSet<CaseId> = mine.iter().chain(&beside).copied().collect();
    assert_eq!(
        all.len(),
        mine.len() + beside.len(),
        "an id handed out twice"
    );
    assert!(!all.contains(&before));
}

async fn concurrent_case_creation(store: Arc<dyn Store>) {
    const TASKS: usize = 16;
    const PER_TASK: usize = 20;
    let mut handles = Vec::new();
    for t in 0..TASKS {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let mut mine = Vec::with_capacity(PER_TASK);
            for i in 0..PER_TASK {
                let id = store.next_case_id().await.unwrap();
                let mut case = new_case(id, at((t * PER_TASK + i) as i64));
                case.subject = format!("task {t} case {i}");
                store.commit(insert_commit(&case)).await.unwrap();
                mine.push(id);
            }
            mine
        }));
    }
    let mut created = Vec::new();
    for h in handles {
        created.extend(h.await.unwrap());
    }
    assert_eq!(created.len(), TASKS * PER_TASK);
    let distinct: HashSet<CaseId> = created.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        TASKS * PER_TASK,
        "next_case_id handed out an id twice"
    );

    assert_eq!(
        store.count_cases().await.unwrap(),
        vec![("new".to_string(), (TASKS * PER_TASK) as i64)]
    );
    let listed = store
        .list_cases(&CaseFilter::default(), &all())
        .await
        .unwrap();
    assert_eq!(listed.len(), TASKS * PER_TASK);
    assert_eq!(
        listed.iter().map(|c| c.id).collect::<HashSet<_>>(),
        distinct
    );
    assert!(listed.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    // Every case got exactly its own thread and chain.
    for id in created.iter().step_by(37) {
        assert_eq!(store.messages(*id).await.unwrap().len(), 1);
        let events = store.audit_events(&case_subject(*id)).await.unwrap();
        assert_eq!(events.len(), 1);
        verify_chain(&case_subject(*id), &events);
    }
}

async fn racing_updates_one_wins(store: Arc<dyn Store>) {
    let mut current = create_case(&store, base(), |_| {}).await;
    let id = current.id;
    const ROUNDS: usize = 8;
    for round in 0..ROUNDS {
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let mut handles = Vec::new();
        for writer in 0..2 {
            let store = store.clone();
            let barrier = barrier.clone();
            let expected = current.version;
            let mut next = current.clone();
            next.version += 1;
            next.subject = format!("round {round}, writer {writer}");
            next.updated_at = at(round as i64 * 10 + writer as i64);
            handles.push(tokio::spawn(async move {
                barrier.wait().await;
                let result = store
                    .commit(Commit {
                        case: CaseWrite::Update {
                            case: next.clone(),
                            expected_version: expected,
                        },
                        messages: vec![message(
                            id,
                            MessageKind::Note,
                            Actor::System,
                            &next.subject,
                            next.updated_at,
                        )],
                        events: vec![event(&case_subject(id), next.updated_at, &next.subject)],
                        outbox: vec![],
                        idempotency: None,
                    })
                    .await;
                (next, result)
            }));
        }
        let mut winners = Vec::new();
        for h in handles {
            let (next, result) = h.await.unwrap();
            match result {
                Ok(_) => winners.push(next),
                Err(StoreError::Conflict { current: c }) => assert_eq!(c, current.version + 1),
                Err(e) => panic!("round {round}: the losing writer should get Conflict, got {e:?}"),
            }
        }
        assert_eq!(
            winners.len(),
            1,
            "round {round}: exactly one of two racing writers wins"
        );
        let stored = store.case(id).await.unwrap().unwrap();
        assert_eq!(stored, winners[0]);
        current = stored;
    }
    assert_eq!(current.version, 1 + ROUNDS as i64);
    // Only the winners' notes and events were written.
    let notes: Vec<String> = store
        .messages(id)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.message.kind == MessageKind::Note)
        .map(|m| m.message.body)
        .collect();
    assert_eq!(notes.len(), ROUNDS);
    let events = store.audit_events(&case_subject(id)).await.unwrap();
    assert_eq!(events.len(), 1 + ROUNDS);
    verify_chain(&case_subject(id), &events);
    assert_eq!(events.last().unwrap().action, current.subject);
}

/// Commits that touch no case row but append to the same audit subject at the same time
/// (two notes on one case, two API tokens for one user) must all land, in one chain.
async fn concurrent_events_on_one_subject(store: Arc<dyn Store>) {
    const WRITERS: usize = 8;
    let barrier = Arc::new(tokio::sync::Barrier::new(WRITERS));
    let mut handles = Vec::new();
    for w in 0..WRITERS {
        let store = store.clone();
        let barrier = barrier.clone();
        handles.push(tokio::spawn(async move {
            barrier.wait().await;
            store
                .commit(side_commit(
                    vec![event("case:shared", at(w as i64), &format!("note {w}"))],
                    vec![],
                ))
                .await
        }));
    }
    for (w, h) in handles.into_iter().enumerate() {
        if let Err(e) = h.await.unwrap() {
            panic!("writer {w}: a concurrent audit append failed: {e:?}");
        }
    }
    let events = store.audit_events("case:shared").await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=WRITERS as i64).collect::<Vec<_>>()
    );
    verify_chain("case:shared", &events);
}

// =======================================================================================
// 4. Listing cases
// =======================================================================================

async fn list_cases_filters(store: Arc<dyn Store>) {
    let m1 = msisdn("01712345678");
    let m2 = msisdn("01898765432");
    let e1 = email("one@example.com");
    let e2 = email("two@example.com");
    let a = create_case(&store, at(0), |c| {
        c.requester = Requester {
            name: None,
            msisdn: Some(m1.clone()),
            email: None,
        };
        c.tags = tags(&["vip"]);
    })
    .await;
    let b = create_case(&store, at(3600), |c| {
        c.status = Status::Open;
        c.channel = Channel::App;
        c.priority = Priority::High;
        c.category = "mfs".into();
        c.assignee = Some(UserId(7));
        c.requester = Requester {
            name: Some("B".into()),
            msisdn: Some(m2.clone()),
            email: Some(e1.clone()),
        };
    })
    .await;
    let c = create_case(&store, at(7200), |c| {
        c.status = Status::PendingCustomer;
        c.channel = Channel::Hotline;
        c.priority = Priority::Urgent;
        c.category = "cards.lost".into();
        c.queue = Some("cards".into());
        c.assignee = Some(UserId(8));
        c.requester = Requester {
            name: None,
            msisdn: None,
            email: Some(e2.clone()),
        };
        c.tags = tags(&["fraud", "vip"]);
    })
    .await;
    let d = create_case(&store, at(10_800), |c| {
        c.status = Status::Closed;
        c.priority = Priority::Low;
        c.category = "mfsx.other".into();
        c.queue = None;
        c.requester = Requester {
            name: None,
            msisdn: Some(m1.clone()),
            email: None,
        };
        c.tags = tags(&["vipx", "xvip"]);
        c.closed_at = Some(at(11_000));
    })
    .await;
    let e = create_case(&store, at(14_400), |c| {
        c.status = Status::Resolved;
        c.channel = Channel::Email;
        c.category = "mfs.cash_out.agent".into();
        c.assignee = Some(UserId(7));
        c.requester = Requester {
            name: None,
            msisdn: Some(m2.clone()),
            email: None,
        };
        c.tags = tags(&["fraud"]);
    })
    .await;
    let f = create_case(&store, at(18_000), |c| {
        c.status = Status::PendingThirdParty;
        c.channel = Channel::Ussd;
        c.category = "loans".into();
        c.queue = Some("loans".into());
        c.requester = Requester {
            name: None,
            msisdn: Some(m1.clone()),
            email: None,
        };
    })
    .await;

    let check = |name: &'static str, filter: CaseFilter, expected: Vec<CaseId>| {
        let store = store.clone();
        async move {
            let got = store.list_cases(&filter, &all()).await.unwrap();
            assert_eq!(ids(&got), expected, "filter {name}: {filter:?}");
        }
    };

    check(
        "none",
        CaseFilter::default(),
        desc(&[&a, &b, &c, &d, &e, &f]),
    )
    .await;
    check(
        "new+open",
        CaseFilter {
            statuses: vec![Status::New, Status::Open],
            ..Default::default()
        },
        desc(&[&a, &b]),
    )
    .await;
    check(
        "done",
        CaseFilter {
            statuses: vec![Status::Closed, Status::Resolved, Status::Merged],
            ..Default::default()
        },
        desc(&[&d, &e]),
    )
    .await;
    check(
        "queue mfs",
        CaseFilter {
            queue: Some("mfs".into()),
            ..Default::default()
        },
        desc(&[&a, &b, &e]),
    )
    .await;
    check(
        "queue none",
        CaseFilter {
            queue: Some("nope".into()),
            ..Default::default()
        },
        vec![],
    )
    .await;
    check(
        "assignee 7",
        CaseFilter {
            assignee: Some(Some(UserId(7))),
            ..Default::default()
        },
        desc(&[&b, &e]),
    )
    .await;
    check(
        "unassigned",
        CaseFilter {
            assignee: Some(None),
            ..Default::default()
        },
        desc(&[&a, &d, &f]),
    )
    .await;
    check(
        "category mfs",
        CaseFilter {
            category: Some("mfs".into()),
            ..Default::default()
        },
        desc(&[&a, &b, &e]),
    )
    .await;
    check(
        "category mfs.wrong_transfer",
        CaseFilter {
            category: Some("mfs.wrong_transfer".into()),
            ..Default::default()
        },
        desc(&[&a]),
    )
    .await;
    check(
        "category cards",
        CaseFilter {
            category: Some("cards".into()),
            ..Default::default()
        },
        desc(&[&c]),
    )
    .await;
    check(
        "category mf",
        CaseFilter {
            category: Some("mf".into()),
            ..Default::default()
        },
        vec![],
    )
    .await;
    check(
        "channel web",
        CaseFilter {
            channel: Some(Channel::Web),
            ..Default::default()
        },
        desc(&[&a, &d]),
    )
    .await;
    check(
        "priority urgent",
        CaseFilter {
            priority: Some(Priority::Urgent),
            ..Default::default()
        },
        desc(&[&c]),
    )
    .await;
    check(
        "created [b, e)",
        CaseFilter {
            created_from: Some(b.created_at),
            created_to: Some(e.created_at),
            ..Default::default()
        },
        desc(&[&b, &c, &d]),
    )
    .await;
    check(
        "created from f",
        CaseFilter {
            created_from: Some(f.created_at),
            ..Default::default()
        },
        desc(&[&f]),
    )
    .await;
    check(
        "created to b",
        CaseFilter {
            created_to: Some(b.created_at),
            ..Default::default()
        },
        desc(&[&a]),
    )
    .await;
    check(
        "msisdn m1",
        CaseFilter {
            msisdn: Some(m1.as_e164().to_string()),
            ..Default::default()
        },
        desc(&[&a, &d, &f]),
    )
    .await;
    check(
        "msisdn m2",
        CaseFilter {
            msisdn: Some(m2.as_e164().to_string()),
            ..Default::default()
        },
        desc(&[&b, &e]),
    )
    .await;
    check(
        "email e1",
        CaseFilter {
            email: Some(e1.as_str().to_string()),
            ..Default::default()
        },
        desc(&[&b]),
    )
    .await;
    check(
        "tag vip",
        CaseFilter {
            tag: Some("vip".into()),
            ..Default::default()
        },
        desc(&[&a, &c]),
    )
    .await;
    check(
        "tag fraud",
        CaseFilter {
            tag: Some("fraud".into()),
            ..Default::default()
        },
        desc(&[&c, &e]),
    )
    .await;
    check(
        "tag nope",
        CaseFilter {
            tag: Some("nope".into()),
            ..Default::default()
        },
        vec![],
    )
    .await;
    check(
        "combined",
        CaseFilter {
            statuses: vec![Status::New, Status::Open, Status::Resolved],
            queue: Some("mfs".into()),
            assignee: Some(Some(UserId(7))),
            category: Some("mfs".into()),
            ..Default::default()
        },
        desc(&[&b, &e]),
    )
    .await;
    check(
        "contradiction",
        CaseFilter {
            statuses: vec![Status::Closed],
            queue: Some("mfs".into()),
            ..Default::default()
        },
        vec![],
    )
    .await;

    // Counting by status sees the same six.
    let counts: BTreeMap<String, i64> = store.count_cases().await.unwrap().into_iter().collect();
    let expected: BTreeMap<String, i64> = [
        "new",
        "open",
        "pending_customer",
        "closed",
        "resolved",
        "pending_third_party",
    ]
    .iter()
    .map(|s| (s.to_string(), 1))
    .collect();
    assert_eq!(counts, expected);
}

/// Filter values are matched literally: `_` and `%` in a tag or category are not
/// wildcards, and matching is case-sensitive on every engine.
async fn list_cases_filters_are_literal(store: Arc<dyn Store>) {
    let dash = create_case(&store, at(0), |c| c.tags = tags(&["wrong-number"])).await;
    let under = create_case(&store, at(1), |c| c.tags = tags(&["wrong_number"])).await;
    let cat_dash = create_case(&store, at(2), |c| {
        c.category = "mfs.wrong-transfer.agent".into()
    })
    .await;
    let cat_under = create_case(&store, at(3), |c| {
        c.category = "mfs.wrong_transfer.agent".into()
    })
    .await;
    let list = |f: CaseFilter| {
        let store = store.clone();
        async move { ids(&store.list_cases(&f, &all()).await.unwrap()) }
    };
    assert_eq!(
        list(CaseFilter {
            tag: Some("wrong-number".into()),
            ..Default::default()
        })
        .await,
        vec![dash.id]
    );
    assert_eq!(
        list(CaseFilter {
            tag: Some("wrong_number".into()),
            ..Default::default()
        })
        .await,
        vec![under.id]
    );
    assert_eq!(
        list(CaseFilter {
            tag: Some("%".into()),
            ..Default::default()
        })
        .await,
        vec![]
    );
    assert_eq!(
        list(CaseFilter {
            category: Some("mfs.wrong_transfer".into()),
            ..Default::default()
        })
        .await,
        // The three cases from `new_case` are in mfs.wrong_transfer itself, plus its child.
        desc(&[&dash, &under, &cat_under])
    );
    assert_eq!(
        list(CaseFilter {
            category: Some("MFS".into()),
            ..Default::default()
        })
        .await,
        vec![]
    );
    assert_eq!(
        list(CaseFilter {
            category: Some("mfs".into()),
            ..Default::default()
        })
        .await
        .len(),
        4
    );
    assert_eq!(
        list(CaseFilter {
            category: Some("mfs.wrong-transfer".into()),
            ..Default::default()
        })
        .await,
        vec![cat_dash.id]
    );
}

async fn list_cases_sla_buckets(store: Arc<dyn Store>) {
    let cal = calendar();
    let targets = SlaTargets::default();
    let now = base() + SignedDuration::from_hours(24 * 30);
    let clock_at = |started: Timestamp| SlaClock::start(&cal, &targets, started);
    let hour = SignedDuration::from_hours(1);
    let micro = SignedDuration::from_micros(1);

    // Each entry: its clock, its status, and the bucket it must land in (None: no bucket).
    let mut specs: Vec<(&str, SlaClock, Status, Option<SlaFilter>)> = Vec::new();
    specs.push((
        "fresh",
        clock_at(now - hour),
        Status::New,
        Some(SlaFilter::OnTrack),
    ));
    specs.push((
        "fresh open",
        clock_at(now - hour * 3),
        Status::Open,
        Some(SlaFilter::OnTrack),
    ));
    let mut risky = clock_at(now - hour * 24 * 5);
    risky.resolution_risk_at = now - hour;
    risky.resolution_due = now + hour;
    specs.push(("at risk", risky, Status::Open, Some(SlaFilter::AtRisk)));
    let mut risk_edge = clock_at(now - hour * 24 * 5);
    risk_edge.resolution_risk_at = now;
    risk_edge.resolution_due = now + hour;
    specs.push((
        "turns risky now",
        risk_edge,
        Status::New,
        Some(SlaFilter::AtRisk),
    ));
    let mut due_now = clock_at(now - hour * 24 * 5);
    due_now.resolution_risk_at = now - hour * 2;
    due_now.resolution_due = now;
    specs.push((
        "due right now",
        due_now,
        Status::PendingThirdParty,
        Some(SlaFilter::AtRisk),
    ));
    let mut just_late = clock_at(now - hour * 24 * 5);
    just_late.resolution_risk_at = now - hour * 2;
    just_late.resolution_due = now - micro;
    specs.push((
        "late by a microsecond",
        just_late,
        Status::Open,
        Some(SlaFilter::Breached),
    ));
    specs.push((
        "long overdue",
        clock_at(now - hour * 24 * 20),
        Status::New,
        Some(SlaFilter::Breached),
    ));
    specs.push((
        "overdue, waiting",
        clock_at(now - hour * 24 * 20),
        Status::PendingCustomer,
        Some(SlaFilter::Breached),
    ));
    let mut paused = clock_at(now - hour);
    paused.pause(now - hour / 2);
    specs.push((
        "paused",
        paused,
        Status::PendingCustomer,
        Some(SlaFilter::Paused),
    ));
    let mut paused_late = clock_at(now - hour * 24 * 20);
    paused_late.pause(now - hour);
    specs.push((
        "paused after its due",
        paused_late,
        Status::PendingCustomer,
        Some(SlaFilter::Paused),
    ));
    let mut resolved = clock_at(now - hour * 24 * 20);
    resolved.resolve(now - hour);
    specs.push(("resolved late", resolved, Status::Resolved, None));
    specs.push((
        "closed, would be on track",
        clock_at(now - hour),
        Status::Closed,
        None,
    ));
    specs.push((
        "merged, would be breached",
        clock_at(now - hour * 24 * 20),
        Status::Merged,
        None,
    ));

    let mut cases = Vec::new();
    for (name, clock, status, bucket) in specs {
        // The fixture agrees with the domain's own verdict.
        let state = clock.state(now);
        let want = match bucket {
            Some(SlaFilter::OnTrack) => SlaState::OnTrack,
            Some(SlaFilter::AtRisk) => SlaState::AtRisk,
            Some(SlaFilter::Breached) => SlaState::Breached,
            Some(SlaFilter::Paused) => SlaState::Paused,
            None => state,
        };
        assert_eq!(state, want, "fixture {name}");
        let case = create_case(&store, clock.started_at, |c| {
            c.subject = name.into();
            c.status = status;
            c.sla = clock;
        })
        .await;
        cases.push((bucket, case));
    }
    let mut buckets: BTreeMap<&str, Vec<&Case>> = BTreeMap::new();
    for (bucket, case) in &cases {
        if let Some(b) = bucket {
            buckets.entry(sla_name(*b)).or_default().push(case);
        }
    }
    for bucket in [
        SlaFilter::OnTrack,
        SlaFilter::AtRisk,
        SlaFilter::Breached,
        SlaFilter::Paused,
    ] {
        let filter = CaseFilter {
            sla: Some(bucket),
            now: Some(now),
            ..Default::default()
        };
        let got = store.list_cases(&filter, &all()).await.unwrap();
        let expected = desc(&buckets[sla_name(bucket)]);
        assert!(!expected.is_empty());
        assert_eq!(
            ids(&got),
            expected,
            "bucket {bucket:?}: got {:?}",
            got.iter().map(|c| c.subject.as_str()).collect::<Vec<_>>()
        );
    }
    // An hour and a half later the one that was due at `now` has breached too.
    let later = CaseFilter {
        sla: Some(SlaFilter::Breached),
        now: Some(now + hour + hour / 2),
        ..Default::default()
    };
    let got: BTreeSet<String> = store
        .list_cases(&later, &all())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.subject)
        .collect();
    for name in [
        "due right now",
        "turns risky now",
        "at risk",
        "late by a microsecond",
        "long overdue",
    ] {
        assert!(
            got.contains(name),
            "{name} should be breached later: {got:?}"
        );
    }
    assert!(!got.contains("fresh") && !got.contains("paused"), "{got:?}");
    // The SLA filter combines with the others.
    let open_breached = CaseFilter {
        sla: Some(SlaFilter::Breached),
        now: Some(now),
        statuses: vec![Status::PendingCustomer],
        ..Default::default()
    };
    let got = store.list_cases(&open_breached, &all()).await.unwrap();
    assert_eq!(
        got.iter().map(|c| c.subject.as_str()).collect::<Vec<_>>(),
        ["overdue, waiting"]
    );

    // Soonest deadline first: the same cases in (due, id) order, whole or a page at a time
    // through the (due, id) cursor, with or without a status filter.
    for bucket in [
        SlaFilter::OnTrack,
        SlaFilter::AtRisk,
        SlaFilter::Breached,
        SlaFilter::Paused,
    ] {
        let mut expected: Vec<&Case> = buckets[sla_name(bucket)].clone();
        expected.sort_by_key(|c| (c.sla.resolution_due, c.id));
        let expected: Vec<CaseId> = expected.iter().map(|c| c.id).collect();
        let filter = CaseFilter {
            sla: Some(bucket),
            now: Some(now),
            ..Default::default()
        };
        let whole = PageRequest {
            order: CaseOrder::DueSoonest,
            ..all()
        };
        let got = store.list_cases(&filter, &whole).await.unwrap();
        assert_eq!(ids(&got), expected, "{bucket:?} by deadline");
        let paged = ids(&by_deadline(&store, &filter, 1, expected.len()).await);
        assert_eq!(paged, expected, "{bucket:?} a page at a time");
    }
    // Ties on the deadline are broken by id, and the cursor does not skip them.
    let due = now - hour * 3;
    let mut twins = Vec::new();
    for name in ["twin a", "twin b", "twin c"] {
        let mut clock = clock_at(now - hour * 24 * 20);
        clock.resolution_due = due;
        clock.resolution_risk_at = due - hour;
        twins.push(
            create_case(&store, clock.started_at, |c| {
                c.subject = name.into();
                c.status = Status::Open;
                c.sla = clock;
            })
            .await
            .id,
        );
    }
    let working = CaseFilter {
        sla: Some(SlaFilter::Breached),
        now: Some(now),
        statuses: vec![Status::New, Status::Open],
        ..Default::default()
    };
    let seen: Vec<_> = by_deadline(&store, &working, 2, 100)
        .await
        .into_iter()
        .map(|c| (c.sla.resolution_due, c.id, c.status))
        .collect();
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "in (due, id) order");
    let twin_pos: Vec<CaseId> = seen
        .iter()
        .filter(|(d, _, _)| *d == due)
        .map(|(_, id, _)| *id)
        .collect();
    assert_eq!(twin_pos, twins, "all three twins, by id");
    assert!(
        seen.iter()
            .all(|(_, _, st)| matches!(st, Status::New | Status::Open)),
        "the status filter holds"
    );
}

/// "At risk" by deadline when thousands of cases have entered their risk window (most of
/// them breached): the list is read another way than when few have (SQLite walks the
/// deadlines instead of sorting the begun ones); the answer must be the same.
async fn at_risk_by_deadline_with_a_long_backlog(store: Arc<dyn Store>) {
    let cal = calendar();
    let targets = SlaTargets::default();
    let now = base() + SignedDuration::from_hours(24 * 30);
    let hour = SignedDuration::from_hours(1);
    let minute = SignedDuration::from_mins(1);
    let started = now - hour * 24 * 20;
    let clock = |due: Timestamp, risk: Timestamp| {
        let mut c = SlaClock::start(&cal, &targets, started);
        c.resolution_due = due;
        c.resolution_risk_at = risk;
        c
    };
    // 2,100 breached, 60 at risk (due 1..=60 minutes from now), 30 on track.
    let mut tasks = Vec::new();
    for i in 0..2_190i32 {
        let store = store.clone();
        let (due, risk, name) = match i {
            0..2_100 => (now - minute * (i + 1), now - hour * 48, "breached"),
            2_100..2_160 => (now + minute * (i - 2_099), now - hour, "at risk"),
            _ => (
                now + hour * 24 * 5 + minute * i,
                now + hour * 24,
                "on track",
            ),
        };
        let c = clock(due, risk);
        tasks.push(tokio::spawn(async move {
            create_case(&store, started, |case| {
                case.subject = name.into();
                case.status = Status::Open;
                case.sla = c;
            })
            .await
        }));
    }
    let mut at_risk = Vec::new();
    for t in tasks {
        let case = t.await.unwrap();
        if case.subject == "at risk" {
            at_risk.push((case.sla.resolution_due, case.id));
        }
    }
    at_risk.sort();
    let filter = CaseFilter {
        sla: Some(SlaFilter::AtRisk),
        now: Some(now),
        statuses: vec![Status::New, Status::Open],
        ..Default::default()
    };
    let got = by_deadline(&store, &filter, 25, at_risk.len()).await;
    assert!(
        got.iter().all(|c| c.subject == "at risk"),
        "only at-risk cases"
    );
    let seen: Vec<_> = got.iter().map(|c| (c.sla.resolution_due, c.id)).collect();
    assert_eq!(seen, at_risk, "all 60, soonest deadline first, once each");
    // Breached, most overdue first, first page only.
    let breached = CaseFilter {
        sla: Some(SlaFilter::Breached),
        ..filter.clone()
    };
    let page = PageRequest {
        limit: 3,
        order: CaseOrder::DueSoonest,
        ..PageRequest::default()
    };
    let got = store.list_cases(&breached, &page).await.unwrap();
    let dues: Vec<Timestamp> = got.iter().map(|c| c.sla.resolution_due).collect();
    assert_eq!(
        dues,
        [
            now - minute * 2_100,
            now - minute * 2_099,
            now - minute * 2_098
        ]
    );
}

/// Every case `filter` lists soonest deadline first, read `limit` at a time through the
/// (due, id) cursor; stops with a failure past `most` cases (a cursor that never ends).
async fn by_deadline(
    store: &Arc<dyn Store>,
    filter: &CaseFilter,
    limit: u32,
    most: usize,
) -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    loop {
        let page = PageRequest {
            limit,
            order: CaseOrder::DueSoonest,
            after_due: out.last().map(|c| (c.sla.resolution_due, c.id)),
            ..PageRequest::default()
        };
        let got = store.list_cases(filter, &page).await.unwrap();
        if got.is_empty() {
            return out;
        }
        out.extend(got);
        assert!(out.len() <= most, "the pages end");
    }
}

fn sla_name(f: SlaFilter) -> &'static str {
    match f {
        SlaFilter::OnTrack => "on_track",
        SlaFilter::AtRisk => "at_risk",
        SlaFilter::Breached => "breached",
        SlaFilter::Paused => "paused",
    }
}

async fn list_cases_keyset_pagination(store: Arc<dyn Store>) {
    let mut created = Vec::new();
    for i in 0..23 {
        let case = create_case(&store, at(i), |c| {
            c.queue = Some(if i % 3 == 0 { "a" } else { "b" }.into())
        })
        .await;
        created.push(case);
    }
    let everything = desc(&created.iter().collect::<Vec<_>>());

    let walk = |filter: CaseFilter, limit: u32| {
        let store = store.clone();
        async move {
            let mut out = Vec::new();
            let mut before = None;
            let mut pages = 0;
            loop {
                let page = store
                    .list_cases(
                        &filter,
                        &PageRequest {
                            before,
                            limit,
                            ..PageRequest::default()
                        },
                    )
                    .await
                    .unwrap();
                assert!(
                    page.len() <= limit as usize,
                    "a page is at most `limit` long"
                );
                pages += 1;
                assert!(pages < 100, "pagination does not end");
                let Some(last) = page.last() else { break };
                before = Some(last.id);
                let short = page.len() < limit as usize;
                out.extend(ids(&page));
                if short {
                    // A short page is the last one; the next must be empty.
                    let rest = store
                        .list_cases(
                            &filter,
                            &PageRequest {
                                before,
                                limit,
                                ..PageRequest::default()
                            },
                        )
                        .await
                        .unwrap();
                    assert!(rest.is_empty());
                    break;
                }
            }
            out
        }
    };
    for limit in [1, 5, 7, 23, 100] {
        let got = walk(CaseFilter::default(), limit).await;
        assert_eq!(got, everything, "limit {limit}");
    }
    let first = store
        .list_cases(
            &CaseFilter::default(),
            &PageRequest {
                before: None,
                limit: 5,
                ..PageRequest::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&first), everything[..5]);
    // `before` is exclusive.
    let after_third = store
        .list_cases(
            &CaseFilter::default(),
            &PageRequest {
                before: Some(everything[2]),
                limit: 2,
                ..PageRequest::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&after_third), everything[3..5]);

    let in_a: Vec<CaseId> = desc(
        &created
            .iter()
            .filter(|c| c.queue.as_deref() == Some("a"))
            .collect::<Vec<_>>(),
    );
    assert_eq!(in_a.len(), 8);
    let got = walk(
        CaseFilter {
            queue: Some("a".into()),
            ..Default::default()
        },
        3,
    )
    .await;
    assert_eq!(got, in_a);
}

// =======================================================================================
// 5. The audit trail
// =======================================================================================

async fn audit_chains_and_pages(store: Arc<dyn Store>) {
    let a = create_case(&store, at(0), |_| {}).await;
    let b = create_case(&store, at(1), |_| {}).await;
    let sa = case_subject(a.id);
    let sb = case_subject(b.id);

    // Two more events on a in one commit, one on b, and events on subjects with no case.
    let mut a2 = a.clone();
    a2.version = 2;
    a2.status = Status::Open;
    store
        .commit(Commit {
            case: CaseWrite::Update {
                case: a2.clone(),
                expected_version: 1,
            },
            messages: vec![],
            events: vec![
                EventDraftExt::with(
                    event(&sa, at(10), "case.opened"),
                    "{\"status\":\"new\"}",
                    "{\"status\":\"open\"}",
                ),
                event(&sa, at(10), "case.assigned"),
                event("system", at(10), "sweep"),
            ],
            outbox: vec![],
            idempotency: None,
        })
        .await
        .unwrap();
    store
        .commit(side_commit(vec![event(&sb, at(20), "case.noted")], vec![]))
        .await
        .unwrap();
    store
        .commit(side_commit(
            vec![
                event("system", at(30), "sweep"),
                event("system", at(31), "sweep"),
            ],
            vec![],
        ))
        .await
        .unwrap();
    let mut a3 = a2.clone();
    a3.version = 3;
    store
        .commit(Commit {
            case: CaseWrite::Update {
                case: a3,
                expected_version: 2,
            },
            messages: vec![],
            events: vec![event(&sa, at(40), "case.tagged")],
            outbox: vec![],
            idempotency: None,
        })
        .await
        .unwrap();

    let system = "system".to_string();
    let expected_counts = [(&sa, 4usize), (&sb, 2), (&system, 3)];
    let mut by_subject: BTreeMap<String, Vec<AuditEvent>> = BTreeMap::new();
    for (subject, n) in expected_counts {
        let events = store.audit_events(subject).await.unwrap();
        assert_eq!(events.len(), n, "{subject}");
        assert_eq!(
            events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (1..=n as i64).collect::<Vec<_>>()
        );
        assert_eq!(events[0].prev_hash, GENESIS);
        verify_chain(subject, &events);
        by_subject.insert(subject.clone(), events);
    }
    // The events keep what was written.
    let opened = &by_subject[&sa][1];
    assert_eq!(
        (
            opened.action.as_str(),
            opened.actor.as_str(),
            opened.at,
            opened.before.as_str(),
            opened.after.as_str()
        ),
        (
            "case.opened",
            "user:1",
            at(10),
            "{\"status\":\"new\"}",
            "{\"status\":\"open\"}"
        )
    );
    assert_eq!(
        by_subject[&sa]
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        [
            "case.created",
            "case.opened",
            "case.assigned",
            "case.tagged"
        ]
    );
    assert!(store.audit_events("case:0").await.unwrap().is_empty());

    // Walking the whole trail a few events at a time gives every event once, in order.
    let expected: Vec<AuditEvent> = by_subject.values().flatten().cloned().collect();
    assert_eq!(expected.len(), 9);
    for limit in [1u32, 2, 4, 9, 50] {
        let mut walked = Vec::new();
        let mut after: Option<(String, i64)> = None;
        for _ in 0..100 {
            let page = store.audit_page(after.clone(), limit).await.unwrap();
            assert!(page.len() <= limit as usize);
            let Some(last) = page.last() else { break };
            after = Some((last.subject.clone(), last.seq));
            walked.extend(page);
        }
        assert_eq!(walked, expected, "limit {limit}");
    }
    let last = expected.last().unwrap();
    assert!(
        store
            .audit_page(Some((last.subject.clone(), last.seq)), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Starting in the middle of a subject continues that subject.
    let mid = store.audit_page(Some((sa.clone(), 2)), 3).await.unwrap();
    let from = expected
        .iter()
        .position(|e| e.subject == sa && e.seq == 3)
        .unwrap();
    assert_eq!(mid, expected[from..(from + 3).min(expected.len())]);
    assert_eq!((mid[0].seq, mid[1].seq), (3, 4));
}

/// A small extension to set the before/after texts of a draft.
trait EventDraftExt {
    fn with(self, before: &str, after: &str) -> Self;
}

impl EventDraftExt for seba_core::audit::EventDraft {
    fn with(mut self, before: &str, after: &str) -> Self {
        self.before = before.into();
        self.after = after.into();
        self
    }
}

// =======================================================================================
// 6. Idempotency
// =======================================================================================

fn hook(
    scope: &str,
    key: &str,
    body: &str,
    seen: Arc<Mutex<Option<Committed>>>,
) -> IdempotencyHook {
    let body = body.to_string();
    IdempotencyHook {
        scope: scope.into(),
        key: key.into(),
        request_hash: format!("hash-of-{body}"),
        build: Box::new(move |c: &Committed| {
            *seen.lock().unwrap() = Some(c.clone());
            StoredResponse {
                request_hash: format!("hash-of-{body}"),
                status: 201,
                body: json!({ "body": body, "messages": c.message_ids.iter().map(|m| m.0).collect::<Vec<_>>() }).to_string(),
                headers: vec![("Location".into(), format!("/cases/{body}")), ("ETag".into(), "\"1\"".into())],
            }
        }),
    }
}

async fn idempotent_commits(store: Arc<dyn Store>) {
    let id = store.next_case_id().await.unwrap();
    let case = new_case(id, at(0));
    let seen = Arc::new(Mutex::new(None));
    let mut first = insert_commit(&case);
    first.messages.push(message(
        id,
        MessageKind::Note,
        Actor::System,
        "second message",
        at(1),
    ));
    first.outbox.push(draft(
        "case.created",
        Some(id),
        json!({ "case": id.0 }),
        Some(1),
    ));
    first.idempotency = Some(hook("cases.create", "key-1", "first", seen.clone()));
    let committed = store.commit(first).await.unwrap();
    assert_eq!(committed.message_ids.len(), 2);
    let saw = seen.lock().unwrap().clone().expect("the hook was called");
    assert_eq!(
        saw.message_ids, committed.message_ids,
        "the hook sees the ids of the commit's messages"
    );
    assert_eq!(saw.outbox_seqs, committed.outbox_seqs);
    let stored = store
        .idempotent_response("cases.create", "key-1")
        .await
        .unwrap()
        .expect("a stored response");
    let ids_json: Vec<i64> = committed.message_ids.iter().map(|m| m.0).collect();
    assert_eq!(
        stored,
        StoredResponse {
            request_hash: "hash-of-first".into(),
            status: 201,
            body: json!({ "body": "first", "messages": ids_json }).to_string(),
            headers: vec![
                ("Location".into(), "/cases/first".into()),
                ("ETag".into(), "\"1\"".into())
            ],
        }
    );

    // The same key again: refused, and nothing of the second attempt is written.
    let id2 = store.next_case_id().await.unwrap();
    let case2 = new_case(id2, at(5));
    let mut second = insert_commit(&case2);
    second.outbox.push(draft(
        "case.created",
        Some(id2),
        json!({ "case": id2.0 }),
        Some(0),
    ));
    second.events.push(event("user:1", at(5), "second"));
    second.idempotency = Some(hook(
        "cases.create",
        "key-1",
        "second",
        Arc::new(Mutex::new(None)),
    ));
    let err = store.commit(second).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(store.case(id2).await.unwrap(), None);
    assert!(store.messages(id2).await.unwrap().is_empty());
    assert!(
        store
            .audit_events(&case_subject(id2))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.audit_events("user:1").await.unwrap().is_empty());
    assert_eq!(
        store
            .idempotent_response("cases.create", "key-1")
            .await
            .unwrap(),
        Some(stored.clone())
    );
    let feed = feed_through_marker(&store, "marker").await;
    assert!(
        feed.iter().all(|r| r.case_id != Some(id2)),
        "the refused commit left outbox rows: {feed:#?}"
    );
    assert_eq!(feed.iter().filter(|r| r.case_id == Some(id)).count(), 1);

    // Keys are per scope.
    let mut other_scope = insert_commit(&case2);
    other_scope.idempotency = Some(hook(
        "cases.reply",
        "key-1",
        "other",
        Arc::new(Mutex::new(None)),
    ));
    store.commit(other_scope).await.unwrap();
    assert_eq!(store.case(id2).await.unwrap(), Some(case2));
    assert_eq!(
        store
            .idempotent_response("cases.reply", "key-1")
            .await
            .unwrap()
            .unwrap()
            .request_hash,
        "hash-of-other"
    );
    assert_eq!(
        store
            .idempotent_response("cases.create", "key-1")
            .await
            .unwrap(),
        Some(stored.clone())
    );
    assert_eq!(
        store
            .idempotent_response("cases.create", "key-2")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.idempotent_response("nothing", "key-1").await.unwrap(),
        None
    );

    // Outside a commit: the existing record wins.
    let response = |body: &str| StoredResponse {
        request_hash: format!("h-{body}"),
        status: 202,
        body: body.into(),
        headers: vec![],
    };
    store
        .save_idempotent_response(IdempotencyRecord {
            scope: "cases.create".into(),
            key: "key-1".into(),
            response: response("late"),
            at: at(10),
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .idempotent_response("cases.create", "key-1")
            .await
            .unwrap(),
        Some(stored)
    );
    store
        .save_idempotent_response(IdempotencyRecord {
            scope: "exports".into(),
            key: "k".into(),
            response: response("one"),
            at: at(11),
        })
        .await
        .unwrap();
    store
        .save_idempotent_response(IdempotencyRecord {
            scope: "exports".into(),
            key: "k".into(),
            response: response("two"),
            at: at(12),
        })
        .await
        .unwrap();
    assert_eq!(
        store.idempotent_response("exports", "k").await.unwrap(),
        Some(response("one"))
    );
}

async fn batched_reads(store: Arc<dyn Store>) {
    let mut ids = Vec::new();
    for i in 0..3 {
        let id = store.next_case_id().await.unwrap();
        let mut commit = insert_commit(&new_case(id, at(i)));
        for k in 0..i {
            commit.messages.push(message(
                id,
                MessageKind::Inbound,
                Actor::Customer,
                &format!("বার্তা {k}"),
                at(i * 10 + k),
            ));
        }
        store.commit(commit).await.unwrap();
        ids.push(id);
    }
    let missing = CaseId(ids[2].0 + 1_000_000);
    // In the order asked for, without the ones the store lacks.
    let asked = vec![ids[2], missing, ids[0], ids[1]];
    let got: Vec<CaseId> = store
        .cases(asked.clone())
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(got, [ids[2], ids[0], ids[1]]);
    assert!(store.cases(vec![]).await.unwrap().is_empty());
    let mut threads: Vec<(CaseId, Vec<String>)> = store
        .cases_with_threads(asked)
        .await
        .unwrap()
        .into_iter()
        .map(|(c, t)| (c.id, t.into_iter().map(|m| m.body).collect()))
        .collect();
    threads.sort_by_key(|(id, _)| *id);
    let expected_messages = |i: usize| -> usize {
        // insert_commit's own messages plus the ones added above.
        i + insert_commit(&new_case(ids[i], at(0))).messages.len()
    };
    assert_eq!(threads.len(), 3);
    for (i, (id, bodies)) in threads.iter().enumerate() {
        assert_eq!(*id, ids[i]);
        assert_eq!(bodies.len(), expected_messages(i), "{bodies:?}");
        if i == 2 {
            assert!(bodies.ends_with(&["বার্তা 0".to_string(), "বার্তা 1".to_string()]));
        }
    }
}

// =======================================================================================
// 7. The outbox, cursors and deliveries
// =======================================================================================

async fn outbox_feed_order_and_payloads(store: Arc<dyn Store>) {
    assert_eq!(store.outbox_head().await.unwrap(), OutboxPos::default());
    assert!(outbox_all(&store, OutboxPos::default()).await.is_empty());
    let id = store.next_case_id().await.unwrap();
    let case = new_case(id, at(0));
    let mut create = insert_commit(&case);
    create.messages.push(message(
        id,
        MessageKind::Reply,
        Actor::System,
        "auto-reply",
        at(1),
    ));
    create.outbox = vec![
        draft("case.created", Some(id), json!({ "case": id.0 }), None),
        draft(
            "message.reply",
            Some(id),
            json!({ "kind": "reply", "nested": { "a": [1, 2] } }),
            Some(1),
        ),
        draft(
            "message.inbound",
            Some(id),
            json!({ "kind": "inbound" }),
            Some(0),
        ),
    ];
    let c1 = store.commit(create).await.unwrap();
    assert_eq!(c1.outbox_seqs.len(), 3);
    let c2 = store
        .commit(side_commit(
            vec![],
            vec![draft("ping", None, json!({ "n": 2 }), None)],
        ))
        .await
        .unwrap();
    let mut v2 = case.clone();
    v2.version = 2;
    let c3 = store
        .commit(Commit {
            case: CaseWrite::Update {
                case: v2,
                expected_version: 1,
            },
            messages: vec![message(
                id,
                MessageKind::Reply,
                Actor::User(UserId(2)),
                "hello",
                at(2),
            )],
            events: vec![],
            outbox: vec![
                draft(
                    "message.reply",
                    Some(id),
                    json!({ "kind": "reply" }),
                    Some(0),
                ),
                // An index past the commit's messages adds nothing.
                draft("odd", Some(id), json!({ "x": 1 }), Some(5)),
            ],
            idempotency: None,
        })
        .await
        .unwrap();

    let rows = wait_outbox(&store, OutboxPos::default(), 6).await;
    assert_eq!(rows.len(), 6, "{rows:#?}");
    assert_eq!(
        rows.iter().map(|r| r.topic.as_str()).collect::<Vec<_>>(),
        [
            "case.created",
            "message.reply",
            "message.inbound",
            "ping",
            "message.reply",
            "odd"
        ]
    );
    assert!(
        rows.windows(2).all(|w| w[0].pos < w[1].pos),
        "positions strictly increase: {rows:#?}"
    );
    let seqs: Vec<i64> = c1
        .outbox_seqs
        .iter()
        .chain(&c2.outbox_seqs)
        .chain(&c3.outbox_seqs)
        .copied()
        .collect();
    assert_eq!(
        rows.iter().map(|r| r.pos.seq).collect::<Vec<_>>(),
        seqs,
        "Committed::outbox_seqs name the rows"
    );
    assert_eq!(rows[0].payload, json!({ "case": id.0 }));
    assert_eq!(
        rows[1].payload,
        json!({ "kind": "reply", "nested": { "a": [1, 2] }, "message_id": c1.message_ids[1].0 })
    );
    assert_eq!(
        rows[2].payload,
        json!({ "kind": "inbound", "message_id": c1.message_ids[0].0 })
    );
    assert_eq!(rows[3].payload, json!({ "n": 2 }));
    assert_eq!(rows[3].case_id, None);
    assert_eq!(
        rows[4].payload,
        json!({ "kind": "reply", "message_id": c3.message_ids[0].0 })
    );
    assert_eq!(rows[5].payload, json!({ "x": 1 }));
    assert!(
        rows.iter()
            .filter(|r| r.topic != "ping")
            .all(|r| r.case_id == Some(id))
    );

    // The head is the last row a reader can see now.
    assert_eq!(store.outbox_head().await.unwrap(), rows[5].pos);

    // Reading after a position, and with a limit.
    let tail = store.outbox_after(rows[1].pos, 100).await.unwrap();
    assert_eq!(tail, rows[2..]);
    let head = store.outbox_after(OutboxPos::default(), 2).await.unwrap();
    assert_eq!(head, rows[..2]);
    assert!(
        store
            .outbox_after(rows[5].pos, 100)
            .await
            .unwrap()
            .is_empty()
    );
}

fn delivery_for(row: &seba_store::OutboxRow, recipient: &str, created: Timestamp) -> NewDelivery {
    NewDelivery {
        dedupe_key: format!("{}:{}:sms", row.pos.tx, row.pos.seq),
        case_id: row.case_id,
        message_id: row
            .payload
            .get("message_id")
            .and_then(|v| v.as_i64())
            .map(seba_core::ids::MessageId),
        channel: DeliveryChannel::Sms,
        recipient: recipient.into(),
        subject: String::new(),
        body: format!("row {}", row.pos.seq),
        created_at: created,
    }
}

async fn outbox_cursor_and_enqueue(store: Arc<dyn Store>) {
    assert_eq!(store.cursor("sms").await.unwrap(), OutboxPos::default());
    let id = store.next_case_id().await.unwrap();
    let mut create = insert_commit(&new_case(id, at(0)));
    create.messages.push(message(
        id,
        MessageKind::Reply,
        Actor::System,
        "we got it",
        at(0),
    ));
    create.outbox = vec![
        draft("message.reply", Some(id), json!({}), Some(1)),
        draft("case.created", Some(id), json!({}), None),
    ];
    let c = store.commit(create).await.unwrap();
    let rows = wait_outbox(&store, OutboxPos::default(), 2).await;
    let last = rows.last().unwrap().pos;

    let batch: Vec<NewDelivery> = rows
        .iter()
        .map(|r| delivery_for(r, "+8801712345678", at(0)))
        .collect();
    store
        .enqueue_and_advance("sms", OutboxPos::default(), last, batch.clone())
        .await
        .unwrap();
    assert_eq!(store.cursor("sms").await.unwrap(), last);
    assert_eq!(
        store.cursor("email").await.unwrap(),
        OutboxPos::default(),
        "cursors are per consumer"
    );
    let queued = store.deliveries_for_case(id).await.unwrap();
    assert_eq!(queued.len(), 2);
    assert!(
        queued
            .iter()
            .all(|d| d.state == DeliveryState::Queued && d.attempts == 0 && d.last_error.is_none())
    );
    assert_eq!(
        queued
            .iter()
            .map(|d| d.dedupe_key.clone())
            .collect::<Vec<_>>(),
        batch
            .iter()
            .map(|d| d.dedupe_key.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(queued[0].message_id, Some(c.message_ids[1]));
    assert_eq!(queued[0].recipient, "+8801712345678");
    assert_eq!(queued[0].body, batch[0].body);
    assert_eq!(queued[0].next_attempt_at, at(0));
    assert_eq!(queued[1].message_id, None);

    // The message shows its delivery; the other does not have one.
    let msgs = store.messages(id).await.unwrap();
    assert_eq!(
        msgs.iter().map(|m| m.delivery).collect::<Vec<_>>(),
        [None, Some(DeliveryState::Queued)]
    );

    // A replay of the same batch (a consumer that crashed before seeing its ack) queues nothing twice.
    store
        .enqueue_and_advance("sms", last, last, batch.clone())
        .await
        .unwrap();
    assert_eq!(store.deliveries_for_case(id).await.unwrap().len(), 2);

    // A stale `from` is refused as a whole: neither the cursor nor the deliveries move.
    let mut extra = batch[0].clone();
    extra.dedupe_key = "extra".into();
    let err = store
        .enqueue_and_advance(
            "sms",
            OutboxPos::default(),
            OutboxPos {
                tx: last.tx,
                seq: last.seq + 100,
            },
            vec![extra],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert_eq!(store.cursor("sms").await.unwrap(), last);
    assert_eq!(store.deliveries_for_case(id).await.unwrap().len(), 2);

    // Another consumer moves independently.
    store
        .enqueue_and_advance("email", OutboxPos::default(), rows[0].pos, vec![])
        .await
        .unwrap();
    assert_eq!(store.cursor("email").await.unwrap(), rows[0].pos);
    assert_eq!(store.cursor("sms").await.unwrap(), last);
    store
        .enqueue_and_advance("email", rows[0].pos, last, vec![])
        .await
        .unwrap();
    assert_eq!(store.cursor("email").await.unwrap(), last);
}

async fn delivery_leases_and_outcomes(store: Arc<dyn Store>) {
    let id = store.next_case_id().await.unwrap();
    let mut create = insert_commit(&new_case(id, at(0)));
    create.messages.push(message(
        id,
        MessageKind::Reply,
        Actor::System,
        "first reply",
        at(0),
    ));
    create.messages.push(message(
        id,
        MessageKind::Reply,
        Actor::System,
        "second reply",
        at(0),
    ));
    let c = store.commit(create).await.unwrap();
    let new = |key: &str, msg: usize, created: Timestamp| NewDelivery {
        dedupe_key: key.into(),
        case_id: Some(id),
        message_id: Some(c.message_ids[msg]),
        channel: if msg == 2 {
            DeliveryChannel::Email
        } else {
            DeliveryChannel::Sms
        },
        recipient: "r".into(),
        subject: "s".into(),
        body: key.into(),
        created_at: created,
    };
    store
        .enqueue_and_advance(
            "worker",
            OutboxPos::default(),
            OutboxPos { tx: 0, seq: 1 },
            vec![
                new("d1", 1, at(0)),
                new("d2", 2, at(0)),
                new("d3", 0, at(3600)),
            ],
        )
        .await
        .unwrap();
    let all = store.deliveries_for_case(id).await.unwrap();
    let key_of = |id: i64| all.iter().find(|d| d.id == id).unwrap().dedupe_key.clone();
    let id_of = |key: &str| all.iter().find(|d| d.dedupe_key == key).unwrap().id;
    assert_eq!(
        all.iter().map(|d| d.channel).collect::<Vec<_>>(),
        [
            DeliveryChannel::Sms,
            DeliveryChannel::Email,
            DeliveryChannel::Sms
        ]
    );

    let keys = |ds: &[seba_store::Delivery]| -> BTreeSet<String> {
        ds.iter().map(|d| key_of(d.id)).collect()
    };
    let lease = SignedDuration::from_secs(60);

    // Due ones only, leased once.
    let claimed = store
        .claim_deliveries(at(10), at(10) + lease, 10)
        .await
        .unwrap();
    assert_eq!(keys(&claimed), ["d1", "d2"].map(String::from).into());
    assert!(claimed.iter().all(|d| d.attempts == 1), "{claimed:?}");
    assert!(
        store
            .claim_deliveries(at(11), at(11) + lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "leased deliveries are not handed out twice"
    );

    // d1 sent; d2 lost its worker and is handed out again once its lease has expired.
    store
        .finish_delivery(id_of("d1"), DeliveryOutcome::Sent, at(12))
        .await
        .unwrap();
    let again = store
        .claim_deliveries(at(71), at(71) + lease, 10)
        .await
        .unwrap();
    assert_eq!(keys(&again), ["d2"].map(String::from).into());
    assert_eq!(again[0].attempts, 2);

    // A retry waits for its time.
    store
        .finish_delivery(
            id_of("d2"),
            DeliveryOutcome::Retry {
                at: at(600),
                error: "gateway 503".into(),
            },
            at(72),
        )
        .await
        .unwrap();
    let d2 = store
        .deliveries_for_case(id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.dedupe_key == "d2")
        .unwrap();
    assert_eq!(
        (
            d2.state,
            d2.next_attempt_at,
            d2.last_error.as_deref(),
            d2.updated_at
        ),
        (
            DeliveryState::Retrying,
            at(600),
            Some("gateway 503"),
            at(72)
        )
    );
    assert!(
        store
            .claim_deliveries(at(300), at(300) + lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let retried = store
        .claim_deliveries(at(601), at(601) + lease, 10)
        .await
        .unwrap();
    assert_eq!(keys(&retried), ["d2"].map(String::from).into());
    assert_eq!(retried[0].attempts, 3);
    store
        .finish_delivery(
            id_of("d2"),
            DeliveryOutcome::Failed {
                error: "number unreachable".into(),
            },
            at(602),
        )
        .await
        .unwrap();

    // Later only d3 (created in the future) is due; sent and failed ones never come back.
    let late = store
        .claim_deliveries(at(7200), at(7200) + lease, 1)
        .await
        .unwrap();
    assert_eq!(keys(&late), ["d3"].map(String::from).into());
    assert!(
        store
            .claim_deliveries(at(7201), at(7201) + lease, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let states: BTreeMap<String, (DeliveryState, i32)> = store
        .deliveries_for_case(id)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.dedupe_key, (d.state, d.attempts)))
        .collect();
    assert_eq!(
        states,
        BTreeMap::from([
            ("d1".to_string(), (DeliveryState::Sent, 1)),
            ("d2".to_string(), (DeliveryState::Failed, 3)),
            ("d3".to_string(), (DeliveryState::Queued, 1)),
        ])
    );
    let d2 = store
        .deliveries_for_case(id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.dedupe_key == "d2")
        .unwrap();
    assert_eq!(d2.last_error.as_deref(), Some("number unreachable"));
    // Each message shows the state of its delivery.
    let msgs = store.messages(id).await.unwrap();
    assert_eq!(
        msgs.iter().map(|m| m.delivery).collect::<Vec<_>>(),
        [
            Some(DeliveryState::Queued),
            Some(DeliveryState::Sent),
            Some(DeliveryState::Failed)
        ]
    );
    assert!(
        store
            .deliveries_for_case(CaseId(id.0 + 1000))
            .await
            .unwrap()
            .is_empty()
    );
    store
        .finish_delivery(id_of("d3"), DeliveryOutcome::Sent, at(7202))
        .await
        .unwrap();
    assert_eq!(
        store.messages(id).await.unwrap()[0].delivery,
        Some(DeliveryState::Sent)
    );

    // A limit bounds a claim.
    let id2 = store.next_case_id().await.unwrap();
    store
        .commit(insert_commit(&new_case(id2, at(0))))
        .await
        .unwrap();
    let many: Vec<NewDelivery> = (0..5)
        .map(|i| NewDelivery {
            case_id: Some(id2),
            message_id: None,
            ..new(&format!("m{i}"), 0, at(0))
        })
        .collect();
    store
        .enqueue_and_advance(
            "worker",
            OutboxPos { tx: 0, seq: 1 },
            OutboxPos { tx: 0, seq: 2 },
            many,
        )
        .await
        .unwrap();
    let first = store.claim_deliveries(at(8000), at(9000), 2).await.unwrap();
    let second = store
        .claim_deliveries(at(8000), at(9000), 10)
        .await
        .unwrap();
    assert_eq!((first.len(), second.len()), (2, 3));
    let both: HashSet<i64> = first.iter().chain(&second).map(|d| d.id).collect();
    assert_eq!(both.len(), 5);
}

async fn sms_sink(store: Arc<dyn Store>) {
    store
        .record_sms("+8801712345678", "কোড ১২৩৪", at(1))
        .await
        .unwrap();
    store
        .record_sms("+8801898765432", "other", at(2))
        .await
        .unwrap();
    store
        .record_sms("+8801712345678", "code 5678", at(3))
        .await
        .unwrap();
    let mine = store.sms_sent(Some("+8801712345678"), 10).await.unwrap();
    assert_eq!(
        mine.iter()
            .map(|s| (s.body.as_str(), s.at))
            .collect::<Vec<_>>(),
        [("code 5678", at(3)), ("কোড ১২৩৪", at(1))]
    );
    assert!(mine.iter().all(|s| s.to == "+8801712345678"));
    let newest = store.sms_sent(None, 2).await.unwrap();
    assert_eq!(
        newest.iter().map(|s| s.body.as_str()).collect::<Vec<_>>(),
        ["code 5678", "other"]
    );
    assert!(
        store
            .sms_sent(Some("+8801999999999"), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

// =======================================================================================
// 8. Staff, sessions, tokens and one-time codes
// =======================================================================================

fn new_user(name: &str) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("{name} (সুপারভাইজার)"),
        role: Role::Supervisor,
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1${name}"),
        created_at: at(0) + SignedDuration::from_micros(7),
    }
}

async fn users_and_logins(store: Arc<dyn Store>) {
    let draft = seba_core::audit::EventDraft {
        subject: String::new(),
        at: at(0),
        actor: "system".into(),
        action: "user.created".into(),
        before: "{}".into(),
        after: json!({ "username": "rahim" }).to_string(),
    };
    let rahim = store
        .create_user(new_user("rahim"), draft.clone())
        .await
        .unwrap();
    let karim = store
        .create_user(
            NewUser {
                role: Role::Agent,
                ..new_user("karim")
            },
            seba_core::audit::EventDraft {
                after: "{}".into(),
                ..draft.clone()
            },
        )
        .await
        .unwrap();
    assert_ne!(rahim, karim);

    let events = store.audit_events(&format!("user:{rahim}")).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].action.as_str(), events[0].after.as_str()),
        ("user.created", draft.after.as_str())
    );
    verify_chain(&format!("user:{rahim}"), &events);
    assert_eq!(
        store
            .audit_events(&format!("user:{karim}"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store.audit_events("").await.unwrap().is_empty(),
        "the store names the subject user:<id>"
    );

    // A taken username is a Duplicate, and writes nothing.
    let before = store.audit_page(None, 1000).await.unwrap();
    let err = store
        .create_user(new_user("rahim"), draft.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(store.audit_page(None, 1000).await.unwrap(), before);
    assert_eq!(store.users().await.unwrap().len(), 2);

    let u = store.user_by_name("rahim").await.unwrap().expect("rahim");
    let expected = new_user("rahim");
    assert_eq!(u.id, rahim);
    assert_eq!(
        (
            u.username.as_str(),
            u.display_name.as_str(),
            u.role,
            u.password_hash.as_str(),
            u.created_at
        ),
        (
            expected.username.as_str(),
            expected.display_name.as_str(),
            Role::Supervisor,
            expected.password_hash.as_str(),
            expected.created_at
        )
    );
    assert!(!u.disabled);
    assert_eq!((u.failed_logins, u.locked_until), (0, None));
    assert_eq!(store.user(karim).await.unwrap().unwrap().role, Role::Agent);
    assert!(store.user_by_name("nobody").await.unwrap().is_none());
    assert!(
        store.user_by_name("RAHIM").await.unwrap().is_none(),
        "usernames are matched exactly"
    );
    assert!(
        store
            .user(UserId(rahim.0 + karim.0 + 100))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .users()
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect::<Vec<_>>(),
        [rahim, karim]
    );

    // Failed logins lock the account at the limit; a success clears both.
    let lock = at(900);
    store.login_failed(rahim, 3, lock).await.unwrap();
    store.login_failed(rahim, 3, lock).await.unwrap();
    let u = store.user(rahim).await.unwrap().unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (2, None));
    store.login_failed(rahim, 3, lock).await.unwrap();
    let u = store.user(rahim).await.unwrap().unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (3, Some(lock)));
    assert_eq!(
        store.user(karim).await.unwrap().unwrap().failed_logins,
        0,
        "only rahim's count moved"
    );
    store.login_succeeded(rahim).await.unwrap();
    let u = store.user(rahim).await.unwrap().unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (0, None));
}

/// A role change and a disabled account: written with their audit event, and disabling
/// ends the member's sessions.
async fn staff_updates(store: Arc<dyn Store>) {
    let uid = store
        .create_user(new_user("nasrin"), event("ignored", at(0), "user.created"))
        .await
        .unwrap();
    let other = store
        .create_user(new_user("karim"), event("ignored", at(0), "user.created"))
        .await
        .unwrap();
    for (user, hash) in [(uid, "c"), (other, "d")] {
        store
            .create_session(Session {
                token_hash: hash.repeat(64),
                user_id: user,
                csrf_token: "csrf".into(),
                created_at: at(0),
                expires_at: at(3600),
            })
            .await
            .unwrap();
    }
    store
        .update_user(
            uid,
            Role::Admin,
            false,
            event("ignored", at(5), "user.updated"),
        )
        .await
        .unwrap();
    let u = store.user(uid).await.unwrap().unwrap();
    assert_eq!((u.role, u.disabled), (Role::Admin, false));
    assert!(
        store
            .session(&"c".repeat(64), at(10))
            .await
            .unwrap()
            .is_some(),
        "a role change keeps the session"
    );
    store
        .update_user(
            uid,
            Role::Agent,
            true,
            event("ignored", at(6), "user.updated"),
        )
        .await
        .unwrap();
    let u = store.user(uid).await.unwrap().unwrap();
    assert_eq!((u.role, u.disabled), (Role::Agent, true));
    assert!(
        store
            .session(&"c".repeat(64), at(10))
            .await
            .unwrap()
            .is_none(),
        "disabling ends the sessions"
    );
    assert!(
        store
            .session(&"d".repeat(64), at(10))
            .await
            .unwrap()
            .is_some(),
        "only that member's"
    );
    let events = store
        .audit_events(&format!("user:{}", uid.0))
        .await
        .unwrap();
    assert_eq!(
        events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["user.created", "user.updated", "user.updated"]
    );
    verify_chain(&format!("user:{}", uid.0), &events);
    let missing = store
        .update_user(
            UserId(999_999),
            Role::Agent,
            true,
            event("ignored", at(7), "user.updated"),
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    assert_eq!(
        store.audit_events("user:999999").await.unwrap().len(),
        0,
        "nothing written for a missing user"
    );
}

async fn sessions_and_tokens(store: Arc<dyn Store>) {
    let uid = store
        .create_user(new_user("rahim"), event("ignored", at(0), "user.created"))
        .await
        .unwrap();
    let session = Session {
        token_hash: "a".repeat(64),
        user_id: uid,
        csrf_token: "csrf-123".into(),
        created_at: at(0),
        expires_at: at(3600),
    };
    store.create_session(session.clone()).await.unwrap();
    store
        .create_session(Session {
            token_hash: "b".repeat(64),
            ..session.clone()
        })
        .await
        .unwrap();
    let got = store
        .session(&session.token_hash, at(10))
        .await
        .unwrap()
        .expect("a live session");
    assert_eq!(
        (
            got.token_hash,
            got.user_id,
            got.csrf_token,
            got.created_at,
            got.expires_at
        ),
        (
            session.token_hash.clone(),
            uid,
            session.csrf_token.clone(),
            session.created_at,
            session.expires_at
        )
    );
    assert!(
        store
            .session(&session.token_hash, at(3600))
            .await
            .unwrap()
            .is_none(),
        "expired at expires_at"
    );
    assert!(
        store
            .session(&session.token_hash, at(7200))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.session("unknown", at(10)).await.unwrap().is_none());
    store.delete_session(&session.token_hash).await.unwrap();
    assert!(
        store
            .session(&session.token_hash, at(10))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .session(&"b".repeat(64), at(10))
            .await
            .unwrap()
            .is_some(),
        "only that session was deleted"
    );
    let err = store
        .create_session(Session {
            token_hash: "b".repeat(64),
            ..session.clone()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");

    // API tokens, each with its audit event on the user's chain.
    let subject = format!("user:{uid}");
    let t1 = ApiToken {
        token_hash: "t1".into(),
        user_id: uid,
        name: "crm".into(),
        created_at: at(5),
        expires_at: None,
        revoked: false,
    };
    let t2 = ApiToken {
        token_hash: "t2".into(),
        name: "old".into(),
        expires_at: Some(at(99)),
        revoked: true,
        ..t1.clone()
    };
    store
        .create_api_token(t1.clone(), event(&subject, at(5), "token.created"))
        .await
        .unwrap();
    store
        .create_api_token(t2.clone(), event(&subject, at(6), "token.created"))
        .await
        .unwrap();
    for t in [&t1, &t2] {
        let got = store
            .api_token(&t.token_hash)
            .await
            .unwrap()
            .expect("a stored token");
        assert_eq!(
            (
                got.token_hash.as_str(),
                got.user_id,
                got.name.as_str(),
                got.created_at,
                got.expires_at,
                got.revoked
            ),
            (
                t.token_hash.as_str(),
                t.user_id,
                t.name.as_str(),
                t.created_at,
                t.expires_at,
                t.revoked
            )
        );
    }
    assert!(store.api_token("t3").await.unwrap().is_none());
    let events = store.audit_events(&subject).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["user.created", "token.created", "token.created"]
    );
    verify_chain(&subject, &events);
    // A duplicate token is refused without its event.
    let err = store
        .create_api_token(t1.clone(), event(&subject, at(7), "token.created"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(store.audit_events(&subject).await.unwrap().len(), 3);
}

async fn challenges(store: Arc<dyn Store>) {
    let case = create_case(&store, at(0), |_| {}).await;
    let phone = "+8801712345678";
    let ch = |id: &str, created: Timestamp| Challenge {
        id: id.into(),
        case_id: case.id,
        msisdn: phone.into(),
        code_hash: format!("hash-{id}"),
        created_at: created,
        expires_at: created + SignedDuration::from_mins(5),
        attempts: 0,
        max_attempts: 3,
        completed_at: None,
    };
    store.create_challenge(ch("c1", at(0))).await.unwrap();
    for n in 1..=3 {
        let got = store
            .attempt_challenge("c1", at(10 + n))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("attempt {n} is allowed"));
        assert_eq!(
            (got.id.as_str(), got.attempts, got.max_attempts),
            ("c1", n as i32, 3)
        );
        assert_eq!(
            (got.case_id, got.msisdn.as_str(), got.code_hash.as_str()),
            (case.id, phone, "hash-c1")
        );
        assert_eq!(
            (got.created_at, got.expires_at, got.completed_at),
            (at(0), at(300), None)
        );
    }
    assert!(
        store
            .attempt_challenge("c1", at(20))
            .await
            .unwrap()
            .is_none(),
        "attempts are used up"
    );

    store.create_challenge(ch("c2", at(100))).await.unwrap();
    assert!(
        store
            .attempt_challenge("c2", at(400))
            .await
            .unwrap()
            .is_none(),
        "expired at expires_at"
    );
    assert!(
        store
            .attempt_challenge("c2", at(1000))
            .await
            .unwrap()
            .is_none()
    );

    store.create_challenge(ch("c3", at(200))).await.unwrap();
    assert_eq!(
        store
            .attempt_challenge("c3", at(201))
            .await
            .unwrap()
            .unwrap()
            .attempts,
        1
    );
    store.complete_challenge("c3", at(202)).await.unwrap();
    assert!(
        store
            .attempt_challenge("c3", at(203))
            .await
            .unwrap()
            .is_none(),
        "a completed challenge is spent"
    );
    assert!(
        store
            .attempt_challenge("nope", at(203))
            .await
            .unwrap()
            .is_none()
    );

    store
        .create_challenge(Challenge {
            msisdn: "+8801898765432".into(),
            ..ch("c4", at(250))
        })
        .await
        .unwrap();
    assert_eq!(store.recent_challenges(phone, at(0)).await.unwrap(), 3);
    assert_eq!(store.recent_challenges(phone, at(100)).await.unwrap(), 2);
    assert_eq!(store.recent_challenges(phone, at(101)).await.unwrap(), 1);
    assert_eq!(store.recent_challenges(phone, at(201)).await.unwrap(), 0);
    assert_eq!(
        store
            .recent_challenges("+8801898765432", at(0))
            .await
            .unwrap(),
        1
    );
    let err = store.create_challenge(ch("c1", at(300))).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
}

// =======================================================================================
// 9. Settings
// =======================================================================================

async fn settings(store: Arc<dyn Store>) {
    let q = |code: &str, en: &str| Queue {
        code: code.into(),
        name_bn: format!("{en} (বাংলা)"),
        name_en: en.into(),
    };
    store.upsert_queue(q("mfs", "Mobile money")).await.unwrap();
    store.upsert_queue(q("cards", "Cards")).await.unwrap();
    store.upsert_queue(q("mfs", "MFS")).await.unwrap();
    assert_eq!(
        store.queues().await.unwrap(),
        [q("cards", "Cards"), q("mfs", "MFS")]
    );

    let cat = |code: &str, parent: Option<&str>, queue: &str| Category {
        code: code.into(),
        parent: parent.map(String::from),
        name_bn: format!("{code} বাংলা"),
        name_en: code.into(),
        queue: queue.into(),
    };
    store
        .upsert_category(cat("mfs", None, "mfs"))
        .await
        .unwrap();
    store
        .upsert_category(cat("mfs.wrong_transfer", Some("mfs"), "mfs"))
        .await
        .unwrap();
    store
        .upsert_category(cat("cards", None, "cards"))
        .await
        .unwrap();
    store
        .upsert_category(Category {
            name_en: "Wrong transfer".into(),
            ..cat("mfs.wrong_transfer", Some("mfs"), "cards")
        })
        .await
        .unwrap();
    assert_eq!(
        store.categories().await.unwrap(),
        [
            cat("cards", None, "cards"),
            cat("mfs", None, "mfs"),
            Category {
                name_en: "Wrong transfer".into(),
                ..cat("mfs.wrong_transfer", Some("mfs"), "cards")
            },
        ]
    );

    let policy =
        |id: &str, category: Option<&str>, priority: Option<Priority>, res: i64| SlaPolicy {
            id: id.into(),
            category: category.map(String::from),
            priority,
            ack_minutes: 60,
            first_response_minutes: 480,
            resolution_minutes: res,
            max_calendar_days: 45,
            at_risk_percent: 20,
        };
    store
        .upsert_sla_policy(policy("default", None, None, 4800))
        .await
        .unwrap();
    store
        .upsert_sla_policy(policy("mfs", Some("mfs"), None, 2400))
        .await
        .unwrap();
    store
        .upsert_sla_policy(policy("urgent", None, Some(Priority::Urgent), 480))
        .await
        .unwrap();
    store
        .upsert_sla_policy(policy(
            "mfs-urgent",
            Some("mfs"),
            Some(Priority::Urgent),
            240,
        ))
        .await
        .unwrap();
    store
        .upsert_sla_policy(policy("mfs", Some("mfs"), Some(Priority::High), 1200))
        .await
        .unwrap();
    store
        .upsert_sla_policy(policy("urgent", None, None, 500))
        .await
        .unwrap();
    assert_eq!(
        store.sla_policies().await.unwrap(),
        [
            policy("default", None, None, 4800),
            policy("mfs", Some("mfs"), Some(Priority::High), 1200),
            policy("mfs-urgent", Some("mfs"), Some(Priority::Urgent), 240),
            policy("urgent", None, None, 500),
        ]
    );

    let day = |y: i16, m: i8, d: i8, name: &str| Holiday {
        date: jiff::civil::date(y, m, d),
        name_bn: format!("{name} বাংলা"),
        name_en: name.into(),
    };
    store
        .set_holidays(
            2026,
            vec![
                day(2026, 2, 21, "Language Martyrs' Day"),
                day(2026, 3, 26, "Independence Day"),
            ],
        )
        .await
        .unwrap();
    store
        .set_holidays(
            2027,
            vec![
                day(2027, 12, 16, "Victory Day"),
                day(2027, 2, 21, "Language Martyrs' Day"),
            ],
        )
        .await
        .unwrap();
    store
        .set_holidays(2026, vec![day(2026, 12, 16, "Victory Day")])
        .await
        .unwrap();
    assert_eq!(
        store.holidays().await.unwrap(),
        [
            day(2026, 12, 16, "Victory Day"),
            day(2027, 2, 21, "Language Martyrs' Day"),
            day(2027, 12, 16, "Victory Day")
        ]
    );
    store.set_holidays(2027, vec![]).await.unwrap();
    assert_eq!(
        store.holidays().await.unwrap(),
        [day(2026, 12, 16, "Victory Day")]
    );

    assert_eq!(store.meta("install_id").await.unwrap(), None);
    assert!(store.set_meta_once("install_id", "first").await.unwrap());
    assert!(!store.set_meta_once("install_id", "second").await.unwrap());
    assert_eq!(
        store.meta("install_id").await.unwrap().as_deref(),
        Some("first")
    );
    assert!(store.set_meta_once("other", "x").await.unwrap());
    assert_eq!(store.meta("other").await.unwrap().as_deref(), Some("x"));
    assert_eq!(
        store.meta("install_id").await.unwrap().as_deref(),
        Some("first")
    );
}

// =======================================================================================
// 10. Blobs and maintenance
// =======================================================================================

async fn blobs_and_maintenance(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
    // Upkeep runs on an empty and on a used store alike, and may run again at once.
    store.maintain().await.unwrap();
    let engine = store.engine();
    assert!(engine == "sqlite" || engine == "postgres", "{engine}");

    let bytes: Vec<u8> = (0..70_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(bytes.contains(&0) && bytes.contains(&255));
    let sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    store
        .put_blob(sha, "image/png", bytes.clone(), at(0))
        .await
        .unwrap();
    store
        .put_blob(sha, "image/png", bytes.clone(), at(1))
        .await
        .unwrap();
    assert_eq!(
        store.blob(sha).await.unwrap(),
        Some(("image/png".to_string(), bytes.clone()))
    );
    store
        .put_blob("empty", "text/plain", vec![], at(2))
        .await
        .unwrap();
    assert_eq!(
        store.blob("empty").await.unwrap(),
        Some(("text/plain".to_string(), vec![]))
    );
    assert_eq!(store.blob("missing").await.unwrap(), None);

    let dir = std::env::temp_dir().join(format!(
        "seba-store-conformance-backup-{}-{:016x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let dest = dir.join("copy.db");
    let result = store.backup(&dest).await;
    if engine == "sqlite" {
        result.unwrap();
        let copy = seba_store::sqlite::SqliteStore::open(&dest).unwrap();
        assert_eq!(
            seba_store::CaseStore::blob(&copy, sha).await.unwrap(),
            Some(("image/png".to_string(), bytes))
        );
        drop(copy);
        assert!(
            store.backup(&dest).await.is_err(),
            "a backup never overwrites"
        );
    } else {
        assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    store.maintain().await.unwrap();
}

// =======================================================================================
// Races on the small guarded updates
// =======================================================================================

/// Run `f(i)` for `i in 0..n` at the same moment; the results in `i` order.
async fn race<T, F, Fut>(n: usize, f: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let barrier = barrier.clone();
            let fut = f(i);
            tokio::spawn(async move {
                barrier.wait().await;
                fut.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn racing_idempotent_commits(store: Arc<dyn Store>) {
    const N: usize = 6;
    let mut cases = Vec::new();
    for i in 0..N {
        cases.push(new_case(store.next_case_id().await.unwrap(), at(i as i64)));
    }
    let results = race(N, |i| {
        let store = store.clone();
        let case = cases[i].clone();
        async move {
            let mut commit = insert_commit(&case);
            commit.outbox.push(draft(
                "case.created",
                Some(case.id),
                json!({ "writer": i }),
                None,
            ));
            commit.idempotency = Some(hook(
                "cases.create",
                "same-key",
                &format!("writer-{i}"),
                Arc::new(Mutex::new(None)),
            ));
            store.commit(commit).await
        }
    })
    .await;
    let winners: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_ok())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one of {N} commits with one key wins: {results:?}"
    );
    for (i, r) in results.iter().enumerate() {
        if let Err(e) = r {
            assert!(matches!(e, StoreError::Duplicate(_)), "writer {i}: {e:?}");
        }
    }
    let w = winners[0];
    let stored = store
        .idempotent_response("cases.create", "same-key")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.request_hash, format!("hash-of-writer-{w}"));
    for (i, case) in cases.iter().enumerate() {
        let exists = store.case(case.id).await.unwrap().is_some();
        assert_eq!(exists, i == w, "case of writer {i}");
        assert_eq!(
            store.messages(case.id).await.unwrap().len(),
            usize::from(i == w)
        );
        assert_eq!(
            store
                .audit_events(&case_subject(case.id))
                .await
                .unwrap()
                .len(),
            usize::from(i == w)
        );
    }
    let feed = feed_through_marker(&store, "marker").await;
    assert_eq!(
        feed.iter()
            .filter(|r| r.topic == "case.created")
            .map(|r| r.payload.clone())
            .collect::<Vec<_>>(),
        [json!({ "writer": w })]
    );
}

async fn racing_small_updates(store: Arc<dyn Store>) {
    // set_meta_once: one winner.
    let set = race(8, |i| {
        let store = store.clone();
        async move {
            store
                .set_meta_once("install_id", &format!("node-{i}"))
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(set.iter().filter(|b| **b).count(), 1, "{set:?}");
    let winner = set.iter().position(|b| *b).unwrap();
    assert_eq!(
        store.meta("install_id").await.unwrap(),
        Some(format!("node-{winner}"))
    );

    // login_failed: no lost increments.
    let uid = store
        .create_user(new_user("rahim"), event("", at(0), "user.created"))
        .await
        .unwrap();
    race(10, |_| {
        let store = store.clone();
        async move { store.login_failed(uid, 5, at(900)).await.unwrap() }
    })
    .await;
    let u = store.user(uid).await.unwrap().unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (10, Some(at(900))));

    // attempt_challenge: never more attempts than allowed, however many guesses arrive at once.
    let case = create_case(&store, at(0), |_| {}).await;
    store
        .create_challenge(Challenge {
            id: "otp".into(),
            case_id: case.id,
            msisdn: "+8801712345678".into(),
            code_hash: "h".into(),
            created_at: at(0),
            expires_at: at(300),
            attempts: 0,
            max_attempts: 3,
            completed_at: None,
        })
        .await
        .unwrap();
    let tries = race(12, |_| {
        let store = store.clone();
        async move {
            store
                .attempt_challenge("otp", at(10))
                .await
                .unwrap()
                .map(|c| c.attempts)
        }
    })
    .await;
    let mut granted: Vec<i32> = tries.into_iter().flatten().collect();
    granted.sort_unstable();
    assert_eq!(granted, [1, 2, 3]);

    // enqueue_and_advance: of two consumers advancing from the same position, one wins and
    // only its deliveries are queued.
    let results = race(4, |i| {
        let store = store.clone();
        let case_id = case.id;
        async move {
            let d = NewDelivery {
                dedupe_key: format!("race-{i}"),
                case_id: Some(case_id),
                message_id: None,
                channel: DeliveryChannel::Email,
                recipient: "a@example.com".into(),
                subject: "s".into(),
                body: "b".into(),
                created_at: at(0),
            };
            store
                .enqueue_and_advance(
                    "mailer",
                    OutboxPos::default(),
                    OutboxPos {
                        tx: 0,
                        seq: 10 + i as i64,
                    },
                    vec![d],
                )
                .await
        }
    })
    .await;
    let winners: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_ok())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .flat_map(|r| r.as_ref().err())
            .all(|e| matches!(e, StoreError::Conflict { .. })),
        "{results:?}"
    );
    let w = winners[0];
    assert_eq!(
        store.cursor("mailer").await.unwrap(),
        OutboxPos {
            tx: 0,
            seq: 10 + w as i64
        }
    );
    let queued: Vec<String> = store
        .deliveries_for_case(case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.dedupe_key)
        .collect();
    assert_eq!(queued, [format!("race-{w}")]);
}

async fn concurrent_claims_lease_each_delivery_once(store: Arc<dyn Store>) {
    const DELIVERIES: usize = 60;
    const WORKERS: usize = 6;
    let case = create_case(&store, at(0), |_| {}).await;
    let batch: Vec<NewDelivery> = (0..DELIVERIES)
        .map(|i| NewDelivery {
            dedupe_key: format!("d{i}"),
            case_id: Some(case.id),
            message_id: None,
            channel: DeliveryChannel::Sms,
            recipient: "+8801712345678".into(),
            subject: String::new(),
            body: format!("{i}"),
            created_at: at(i as i64 % 7),
        })
        .collect();
    store
        .enqueue_and_advance(
            "sms",
            OutboxPos::default(),
            OutboxPos { tx: 0, seq: 1 },
            batch,
        )
        .await
        .unwrap();
    let claims = race(WORKERS, |_| {
        let store = store.clone();
        async move {
            let mut mine = Vec::new();
            loop {
                let got = store.claim_deliveries(at(100), at(160), 4).await.unwrap();
                if got.is_empty() {
                    break;
                }
                assert!(got.len() <= 4);
                mine.extend(got.into_iter().map(|d| d.id));
            }
            mine
        }
    })
    .await;
    let all: Vec<i64> = claims.into_iter().flatten().collect();
    let distinct: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), DELIVERIES, "every delivery is leased once");
    assert_eq!(distinct.len(), DELIVERIES);
    assert!(
        store
            .deliveries_for_case(case.id)
            .await
            .unwrap()
            .iter()
            .all(|d| d.attempts == 1)
    );
}

// =======================================================================================
// 11. PostgreSQL: the change feed across concurrent writers
// =======================================================================================

async fn outbox_across_concurrent_writers(store: Arc<dyn Store>) {
    const WRITERS: usize = 8;
    const COMMITS: usize = 25;
    const ROWS: usize = 2;
    const TOTAL: usize = WRITERS * COMMITS * ROWS;
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));

    let consumer = {
        let store = store.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut cursor = OutboxPos::default();
            let mut seen: Vec<(OutboxPos, String)> = Vec::new();
            let mut keys = HashSet::new();
            let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
            loop {
                let page = store.outbox_after(cursor, 16).await.unwrap();
                for row in &page {
                    assert!(
                        row.pos > cursor,
                        "row {:?} is not after the cursor {cursor:?}",
                        row.pos
                    );
                    cursor = row.pos;
                    let key = row.payload["key"].as_str().unwrap().to_string();
                    assert!(keys.insert(key.clone()), "row {key} was read twice");
                    seen.push((row.pos, key));
                }
                if keys.len() == TOTAL {
                    break;
                }
                if page.is_empty() {
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "the consumer saw {} of {TOTAL} rows; {} writers done",
                        keys.len(),
                        done.load(std::sync::atomic::Ordering::SeqCst)
                    );
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
            seen
        })
    };

    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let store = store.clone();
        let done = done.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..COMMITS {
                // Case inserts take their transaction id before the outbox rows take their
                // sequence numbers, so ids, sequences and commit order interleave.
                let id = store.next_case_id().await.unwrap();
                let case = new_case(id, at(i as i64));
                let mut commit = insert_commit(&case);
                commit.outbox = (0..ROWS)
                    .map(|k| {
                        draft(
                            "case.created",
                            Some(id),
                            json!({ "key": format!("{w}/{i}/{k}") }),
                            None,
                        )
                    })
                    .collect();
                store.commit(commit).await.unwrap();
                if i % 5 == w % 5 {
                    tokio::task::yield_now().await;
                }
            }
            done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    let seen = consumer.await.unwrap();
    assert_eq!(seen.len(), TOTAL);
    // A fresh read of the whole feed shows the very rows the live consumer saw, in the same order.
    let all = wait_outbox(&store, OutboxPos::default(), TOTAL).await;
    assert_eq!(
        all.iter()
            .map(|r| (r.pos, r.payload["key"].as_str().unwrap().to_string()))
            .collect::<Vec<_>>(),
        seen
    );
    // Within one commit the rows keep their order.
    let mut last_k: BTreeMap<String, (OutboxPos, usize)> = BTreeMap::new();
    for (pos, key) in &seen {
        let (commit, k) = key.rsplit_once('/').unwrap();
        let k: usize = k.parse().unwrap();
        if let Some((prev_pos, prev_k)) = last_k.insert(commit.to_string(), (*pos, k)) {
            assert!(prev_k < k && prev_pos < *pos, "{key}");
        }
    }
}

// =======================================================================================

conformance! {
    case_round_trip => sqlite_case_round_trip, postgres_case_round_trip;
    update_and_version_conflict => sqlite_update_and_version_conflict, postgres_update_and_version_conflict;
    concurrent_case_creation => sqlite_concurrent_case_creation, postgres_concurrent_case_creation;
    reserved_case_ids => sqlite_reserved_case_ids, postgres_reserved_case_ids;
    racing_updates_one_wins => sqlite_racing_updates_one_wins, postgres_racing_updates_one_wins;
    concurrent_events_on_one_subject => sqlite_concurrent_events_on_one_subject,
        postgres_concurrent_events_on_one_subject;
    list_cases_filters => sqlite_list_cases_filters, postgres_list_cases_filters;
    list_cases_filters_are_literal =>
        sqlite_list_cases_filters_are_literal,
        postgres_list_cases_filters_are_literal;
    list_cases_sla_buckets => sqlite_list_cases_sla_buckets, postgres_list_cases_sla_buckets;
    at_risk_by_deadline_with_a_long_backlog => sqlite_at_risk_by_deadline_with_a_long_backlog, postgres_at_risk_by_deadline_with_a_long_backlog;
    staff_updates => sqlite_staff_updates, postgres_staff_updates;
    list_cases_keyset_pagination => sqlite_list_cases_keyset_pagination, postgres_list_cases_keyset_pagination;
    audit_chains_and_pages => sqlite_audit_chains_and_pages, postgres_audit_chains_and_pages;
    idempotent_commits => sqlite_idempotent_commits, postgres_idempotent_commits;
    batched_reads => sqlite_batched_reads, postgres_batched_reads;
    outbox_feed_order_and_payloads => sqlite_outbox_feed_order_and_payloads, postgres_outbox_feed_order_and_payloads;
    outbox_cursor_and_enqueue => sqlite_outbox_cursor_and_enqueue, postgres_outbox_cursor_and_enqueue;
    delivery_leases_and_outcomes => sqlite_delivery_leases_and_outcomes, postgres_delivery_leases_and_outcomes;
    sms_sink => sqlite_sms_sink, postgres_sms_sink;
    users_and_logins => sqlite_users_and_logins, postgres_users_and_logins;
    sessions_and_tokens => sqlite_sessions_and_tokens, postgres_sessions_and_tokens;
    challenges => sqlite_challenges, postgres_challenges;
    settings => sqlite_settings, postgres_settings;
    blobs_and_maintenance => sqlite_blobs_and_maintenance, postgres_blobs_and_maintenance;
    racing_idempotent_commits => sqlite_racing_idempotent_commits, postgres_racing_idempotent_commits;
    racing_small_updates => sqlite_racing_small_updates, postgres_racing_small_updates;
    concurrent_claims_lease_each_delivery_once => sqlite_concurrent_claims_lease_each_delivery_once, postgres_concurrent_claims_lease_each_delivery_once;
}

postgres_only! {
    outbox_across_concurrent_writers => postgres_outbox_across_concurrent_writers;
}
