//! The conformance suite, continued: service points. Written through `commit_with` like
//! articles, with the audit event and the `point.changed` outbox row the application
//! builds; read whole, by division, district and id. Every body runs on both engines.

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::SignedDuration;
use serde_json::json;

use seba_core::ids::UserId;
use seba_store::{Commit, PointFilter, PointRecord, SideWrite, Store, StoreError};

use crate::common::*;

fn point(id: i64, division: i32, district: i32) -> PointRecord {
    PointRecord {
        id,
        kind: "care_centre".into(),
        name_bn: "মতিঝিল কাস্টমার কেয়ার সেন্টার".into(),
        name_en: "Motijheel Customer Care Centre".into(),
        address_bn: "১২ দিলকুশা বা/এ, ঢাকা".into(),
        address_en: "12 Dilkusha C/A, 'Dhaka' & \\ co".into(),
        division,
        district,
        upazila: Some(365),
        // Full double precision must survive both engines.
        lat: 23.731_012_345_678_9,
        lon: 90.417_7,
        phone: Some("02-9556677".into()),
        services: vec!["complaint_intake".into(), "pin_reset".into()],
        hours: "Sa-Th 10:00-18:00; PH off".into(),
        notice_bn: Some("ঈদের ছুটিতে বন্ধ".into()),
        notice_en: Some("Closed for Eid".into()),
        active_from: None,
        active_to: None,
        closed: false,
        updated_at: at(0) + SignedDuration::from_micros(7),
        updated_by: Some(UserId(3)),
        version: 1,
    }
}

/// The commit the application makes beside a point write: one audit event on
/// `point:<id>`, one `point.changed` outbox row naming it.
fn audited(id: i64, action: &str) -> Commit {
    side_commit(
        vec![event(&format!("point:{id}"), at(0), action)],
        vec![draft(
            "point.changed",
            None,
            json!({ "point_id": id }),
            None,
        )],
    )
}

fn save(p: &PointRecord, expected_version: Option<i64>) -> Vec<SideWrite> {
    vec![SideWrite::ServicePoint {
        point: p.clone(),
        expected_version,
    }]
}

async fn service_points_versions_and_order(store: Arc<dyn Store>) {
    assert!(store.service_points(true).await.unwrap().is_empty());
    let mut ids = BTreeSet::new();
    for _ in 0..5 {
        assert!(ids.insert(store.next_point_id().await.unwrap()));
    }
    // A block of ids follows, none of them handed out before.
    let block = store.next_point_ids(4).await.unwrap();
    assert_eq!(block.len(), 4);
    assert!(block.windows(2).all(|w| w[0] < w[1]), "{block:?}");
    assert!(block.iter().all(|id| !ids.contains(id)));
    assert!(store.next_point_ids(0).await.unwrap().is_empty());
    let after = store.next_point_id().await.unwrap();
    assert!(!ids.contains(&after) && !block.contains(&after));
    let ids: Vec<i64> = ids.into_iter().collect();
    assert!(ids[0] >= 1);

    // Inserted out of order; read by division, district, id.
    let dhaka = point(ids[0], 6, 47);
    let gazipur = PointRecord {
        kind: "popup_desk".into(),
        upazila: None,
        phone: None,
        services: vec![],
        notice_bn: None,
        notice_en: None,
        updated_by: None,
        active_from: Some("2027-01-01".parse().unwrap()),
        active_to: Some("2027-01-31".parse().unwrap()),
        ..point(ids[1], 6, 41)
    };
    let chattogram = point(ids[2], 1, 8);
    let dhaka_2 = point(ids[3], 6, 47);
    for p in [&dhaka_2, &dhaka, &chattogram, &gazipur] {
        store
            .commit_with(audited(p.id, "point.saved"), save(p, None))
            .await
            .unwrap();
    }
    assert_eq!(
        store.service_points(false).await.unwrap(),
        [
            chattogram.clone(),
            gazipur.clone(),
            dhaka.clone(),
            dhaka_2.clone()
        ]
    );
    assert_eq!(
        store.service_point(gazipur.id).await.unwrap(),
        Some(gazipur.clone())
    );
    assert_eq!(store.service_point(ids[4]).await.unwrap(), None);

    // The audit event and the outbox row committed with each write.
    let events = store
        .audit_events(&format!("point:{}", dhaka.id))
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "point.saved");
    let feed = feed_through_marker(&store, "after-points").await;
    let changed: Vec<i64> = feed
        .iter()
        .filter(|r| r.topic == "point.changed")
        .map(|r| r.payload["point_id"].as_i64().unwrap())
        .collect();
    assert_eq!(changed, [dhaka_2.id, dhaka.id, chattogram.id, gazipur.id]);

    // A second insert under a taken id is refused with its event and outbox row.
    let err = store
        .commit_with(
            audited(dhaka.id, "point.saved"),
            save(&point(dhaka.id, 1, 8), None),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(
        store
            .audit_events(&format!("point:{}", dhaka.id))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.service_point(dhaka.id).await.unwrap(),
        Some(dhaka.clone())
    );

    // Updates go through only from the version they were based on.
    let v2 = PointRecord {
        name_en: "Motijheel Centre".into(),
        hours: "Sa-Th 09:00-17:00".into(),
        notice_en: None,
        version: 2,
        updated_at: at(60),
        ..dhaka.clone()
    };
    store
        .commit_with(audited(dhaka.id, "point.saved"), save(&v2, Some(1)))
        .await
        .unwrap();
    assert_eq!(
        store.service_point(dhaka.id).await.unwrap(),
        Some(v2.clone())
    );
    let stale = PointRecord {
        name_en: "must not be written".into(),
        version: 2,
        ..dhaka.clone()
    };
    let err = store
        .commit_with(audited(dhaka.id, "point.saved"), save(&stale, Some(1)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2 }),
        "{err:?}"
    );
    assert_eq!(
        store.service_point(dhaka.id).await.unwrap(),
        Some(v2.clone())
    );
    let err = store
        .commit_with(
            audited(ids[4], "point.saved"),
            save(&point(ids[4], 6, 47), Some(1)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    assert!(
        store
            .audit_events(&format!("point:{}", ids[4]))
            .await
            .unwrap()
            .is_empty()
    );

    // Closing hides a point from the open list; reopening brings it back.
    let closed = PointRecord {
        closed: true,
        version: 3,
        updated_at: at(120),
        ..v2.clone()
    };
    store
        .commit_with(audited(dhaka.id, "point.closed"), save(&closed, Some(2)))
        .await
        .unwrap();
    assert_eq!(
        store.service_points(false).await.unwrap(),
        [chattogram.clone(), gazipur.clone(), dhaka_2.clone()]
    );
    assert_eq!(
        store.service_points(true).await.unwrap(),
        [
            chattogram.clone(),
            gazipur.clone(),
            closed.clone(),
            dhaka_2.clone()
        ]
    );
    let reopened = PointRecord {
        closed: false,
        version: 4,
        updated_at: at(180),
        ..closed.clone()
    };
    store
        .commit_with(
            audited(dhaka.id, "point.reopened"),
            save(&reopened, Some(3)),
        )
        .await
        .unwrap();
    assert_eq!(
        store.service_points(false).await.unwrap(),
        [chattogram, gazipur, reopened, dhaka_2]
    );
    let actions: Vec<String> = store
        .audit_events(&format!("point:{}", dhaka.id))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "point.saved",
            "point.saved",
            "point.closed",
            "point.reopened"
        ]
    );
}

async fn point_ids_are_unique_under_concurrency(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.next_point_id().await.unwrap() })
        })
        .collect();
    let mut ids = BTreeSet::new();
    for t in tasks {
        assert!(ids.insert(t.await.unwrap()));
    }
    assert_eq!(ids.len(), 40);
    assert!(ids.iter().all(|&id| id >= 1));
}

async fn service_points_are_listed_a_page_at_a_time(store: Arc<dyn Store>) {
    let ids = store.next_point_ids(7).await.unwrap();
    for (i, &id) in ids.iter().enumerate() {
        let mut p = point(id, 6, if i % 2 == 0 { 47 } else { 26 });
        if i == 3 {
            p.kind = "agent_point".into();
        }
        p.closed = i == 5;
        store
            .commit_with(audited(id, "point.saved"), save(&p, None))
            .await
            .unwrap();
    }
    let page = |filter: PointFilter| {
        let store = store.clone();
        async move {
            store
                .service_points_page(&filter)
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.id)
                .collect::<Vec<_>>()
        }
    };
    let open: Vec<i64> = ids.iter().copied().filter(|&id| id != ids[5]).collect();
    // By id, in pages, closed ones left out unless asked for.
    let first = page(PointFilter {
        limit: 4,
        ..PointFilter::default()
    })
    .await;
    assert_eq!(first, open[..4]);
    let rest = page(PointFilter {
        limit: 4,
        after_id: first.last().copied(),
        ..PointFilter::default()
    })
    .await;
    assert_eq!(rest, open[4..]);
    let all = page(PointFilter {
        limit: 100,
        include_closed: true,
        ..PointFilter::default()
    })
    .await;
    assert_eq!(all, ids);
    // One district; one kind.
    let district = page(PointFilter {
        district: Some(26),
        limit: 100,
        include_closed: true,
        ..PointFilter::default()
    })
    .await;
    assert_eq!(district, [ids[1], ids[3], ids[5]]);
    let agents = page(PointFilter {
        kind: Some("agent_point".into()),
        limit: 100,
        ..PointFilter::default()
    })
    .await;
    assert_eq!(agents, [ids[3]]);
}

conformance! {
    service_points_are_listed_a_page_at_a_time => sqlite_service_points_are_listed_a_page_at_a_time, postgres_service_points_are_listed_a_page_at_a_time;
    point_ids_are_unique_under_concurrency => sqlite_point_ids_are_unique_under_concurrency, postgres_point_ids_are_unique_under_concurrency;
    service_points_versions_and_order => sqlite_service_points_versions_and_order, postgres_service_points_versions_and_order;
}
