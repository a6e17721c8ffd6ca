//! The feeder against a real store: the index catches up after a restart from the position
//! its last commit recorded, replaying is harmless, and a rebuild finds everything.

use std::sync::Arc;

use seba_app::cases::{Caller, NewCaseInput};
use seba_app::random::SeededRandom;
use seba_app::settings::Secret;
use seba_app::{App, AppSettings};
use seba_core::case::Channel;
use seba_core::clock::SystemClock;
use seba_search::home::{IndexHome, LiveIndex};
use seba_search::index::{SearchIndex, SearchRequest};
use seba_search::{analyze_query, feed};
use seba_store::sqlite::SqliteStore;

fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("seba-feed-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

async fn app(dir: &std::path::Path) -> App {
    let store = Arc::new(SqliteStore::open(&dir.join("seba.db")).unwrap());
    let settings = AppSettings {
        pepper: Secret::new("feed-test-pepper-0123456789"),
        ..AppSettings::default()
    };
    let app = App::new(
        store,
        Arc::new(SystemClock),
        Arc::new(SeededRandom::new(7)),
        settings,
    );
    app.bootstrap().await.unwrap();
    app
}

async fn file(app: &App, body: &str) -> i64 {
    let input = NewCaseInput {
        channel: Some(Channel::Web),
        category: "mfs.wrong_transfer".into(),
        body: body.into(),
        requester_msisdn: Some("01712345678".into()),
        ..NewCaseInput::default()
    };
    app.create_case(input, Caller::customer(), None)
        .await
        .unwrap()
        .0
        .id
        .0
}

fn found(ix: &SearchIndex, q: &str) -> Vec<i64> {
    let mut v: Vec<i64> = ix
        .search(
            &analyze_query(q),
            &SearchRequest {
                limit: 50,
                ..SearchRequest::default()
            },
        )
        .unwrap()
        .into_iter()
        .map(|h| h.case_id)
        .collect();
    v.sort_unstable();
    v
}

async fn drain(app: &App, ix: &Arc<SearchIndex>) {
    while feed::step(&app.store, ix).await.unwrap() > 0 {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_catches_up_after_a_restart() {
    let d = dir("restart");
    let app = app(&d).await;
    let index_dir = d.join("search");
    let first = file(&app, "বিকাশে ৫০০০ টাকা ভুল নম্বরে গেছে").await;
    {
        let ix = Arc::new(SearchIndex::open(&index_dir).unwrap());
        drain(&app, &ix).await;
        assert_eq!(found(&ix, "bkash"), vec![first]);
    } // the node stops (its writer lock is released)

    // While it is down, more cases arrive.
    let second = file(&app, "bKash cash out failed, agent kept the money").await;
    let third = file(&app, "নগদে রিচার্জ হয়নি").await;

    let ix = Arc::new(SearchIndex::open(&index_dir).unwrap());
    // Nothing new is searchable until the feeder has caught up from the saved position...
    assert_eq!(found(&ix, "bkash"), vec![first]);
    let consumed = feed::step(&app.store, &ix).await.unwrap();
    assert!(
        consumed >= 2,
        "only the rows after the saved position are read: {consumed}"
    );
    assert_eq!(found(&ix, "bkash"), vec![first, second]);
    assert_eq!(found(&ix, "nagad"), vec![third]);
    assert_eq!(ix.num_docs(), 3);

    // ...and replaying everything from the start changes nothing.
    let replay = Arc::new(SearchIndex::in_memory().unwrap());
    drain(&app, &replay).await;
    drain(&app, &replay).await;
    assert_eq!(found(&replay, "bkash"), vec![first, second]);
    assert_eq!(replay.num_docs(), 3);
    let _ = std::fs::remove_dir_all(d);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_finds_every_case_and_resumes_after_it() {
    let d = dir("rebuild");
    let app = app(&d).await;
    let mut ids = Vec::new();
    for i in 0..600 {
        ids.push(file(&app, &format!("রিফান্ড পাইনি অর্ডার {i}")).await);
    }
    let ix = Arc::new(SearchIndex::in_memory().unwrap());
    let mut seen = Vec::new();
    let n = feed::rebuild(&app.store, &ix, |p| seen.push(p.cases))
        .await
        .unwrap();
    assert_eq!(n.cases, 600);
    assert_eq!(n.messages, 600);
    assert_eq!(seen.last(), Some(&600));
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "progress only grows");
    assert_eq!(ix.num_docs(), 600);
    assert_eq!(found(&ix, "refund").len(), 50, "limited to the page size");
    // The feeder starts after the rebuild's position: nothing to replay, new cases follow.
    assert_eq!(feed::step(&app.store, &ix).await.unwrap(), 0);
    let late = file(&app, "Daraz refund late").await;
    drain(&app, &ix).await;
    assert!(found(&ix, "daraz").contains(&late));
    let _ = std::fs::remove_dir_all(d);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_builds_aside_and_the_server_swaps_after_catching_up() {
    let d = dir("reindex");
    let app = app(&d).await;
    let home = IndexHome::new(d.join("search"));
    let live = Arc::new(LiveIndex::open(home.clone()).unwrap());
    let old = live.generation().unwrap();
    let a = file(&app, "বিকাশে টাকা আটকে আছে").await;
    drain(&app, &live.get()).await;
    assert_eq!(found(&live.get(), "bkash"), vec![a]);

    // A rebuild that died half-way left a generation no one serves.
    let orphan = home.create_generation().unwrap();
    let leftover = home.path(&orphan).join("half-written");
    std::fs::write(&leftover, "x").unwrap();

    let (new, done) = feed::reindex(&app.store, &home, |_| {}).await.unwrap();
    assert_eq!(done.cases, 1);
    assert_ne!(new, old);
    assert!(!leftover.exists(), "the unfinished generation is removed");
    // A case arrives after the rebuild read the store, before the server notices.
    let b = file(&app, "bkash agent cash out problem").await;
    assert_eq!(live.generation().as_deref(), Some(old.as_str()));
    assert_eq!(
        found(&live.get(), "bkash"),
        vec![a],
        "the old index still serves"
    );

    assert!(feed::switch(&app.store, &live).await.unwrap());
    assert_eq!(live.generation().as_deref(), Some(new.as_str()));
    assert_eq!(
        found(&live.get(), "bkash"),
        vec![a, b],
        "caught up before it was swapped in"
    );
    assert_eq!(
        home.generations().unwrap(),
        vec![new.clone()],
        "old removed"
    );
    assert!(!feed::switch(&app.store, &live).await.unwrap());
    drop(live);

    // A restart serves the published generation.
    let again = LiveIndex::open(home.clone()).unwrap();
    assert_eq!(again.generation().as_deref(), Some(new.as_str()));
    assert_eq!(found(&again.get(), "bkash"), vec![a, b]);

    // Only one rebuild at a time.
    let _held = home.lock_reindex().unwrap();
    let err = feed::reindex(&app.store, &home, |_| {}).await.unwrap_err();
    assert!(err.to_string().contains("another reindex"), "{err}");
    let _ = std::fs::remove_dir_all(d);
}
