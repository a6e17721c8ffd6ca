//! The service-point JSON API: a supervisor adds a care centre in Dhaka, reads it, edits
//! it, closes and reopens it, each change audited; coordinates in another district and
//! unreadable hours come back as 422 naming the fields in both languages; a stale
//! `If-Match` is 412; a create retried with its `Idempotency-Key` (one after another, or
//! several at once) adds one point and answers each repeat with the first answer; agents
//! may read but not write; nobody without credentials gets in. The list comes a page at a
//! time in id order, each page naming the next; its filters and paging parameters are
//! read strictly.

use reqwest::Method;
use serde_json::{Value, json};

use seba_app::cases::Caller;
use seba_geo::Geography;
use seba_locator::points::PointInput;

use crate::common::{Answer, TestApp};

both_engines! {
    points_round_trip => sqlite_points_round_trip, postgres_points_round_trip;
    invalid_and_stale_points_are_refused =>
        sqlite_invalid_and_stale_points_are_refused,
        postgres_invalid_and_stale_points_are_refused;
    agents_read_but_do_not_write => sqlite_agents_read_but_do_not_write,
        postgres_agents_read_but_do_not_write;
    a_retried_create_adds_one_point => sqlite_a_retried_create_adds_one_point,
        postgres_a_retried_create_adds_one_point;
    the_list_comes_a_page_at_a_time => sqlite_the_list_comes_a_page_at_a_time,
        postgres_the_list_comes_a_page_at_a_time;
}

fn district_id(name: &str) -> u16 {
    Geography::bangladesh()
        .find_district(name)
        .unwrap_or_else(|| panic!("{name} is a district"))
        .id
        .0
}

fn centre() -> Value {
    json!({
        "kind": "care_centre",
        "name_bn": "ধানমন্ডি কাস্টমার কেয়ার সেন্টার",
        "name_en": "Dhanmondi Customer Care Centre",
        "address_bn": "বাড়ি ৫, সড়ক ২৭, ধানমন্ডি, ঢাকা",
        "address_en": "House 5, Road 27, Dhanmondi, Dhaka",
        "district": district_id("Dhaka").to_string(),
        "lat": "২৩.৭৫০৯",
        "lon": 90.3935,
        "phone": "01712-345678",
        "services": ["pin_reset", "complaint_intake"],
        "hours": "Sa-Th 09:00-19:00; Fr off; PH off",
    })
}

async fn put(t: &TestApp, path: &str, body: &Value, if_match: Option<&str>) -> Answer {
    let mut rb = t.req(&t.supervisor, Method::PUT, path).json(body);
    if let Some(v) = if_match {
        rb = rb.header("if-match", v);
    }
    TestApp::send(rb).await
}

async fn actions(t: &TestApp, id: i64) -> Vec<String> {
    t.audit_events(&format!("point:{id}"))
        .await
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn points_round_trip(t: TestApp) {
    let a = t.post(&t.supervisor, "/api/v1/points", &centre()).await;
    let view = a.expect(201).clone();
    let id = view["id"].as_i64().expect("an id");
    assert_eq!(a.header("location"), Some(&*format!("/api/v1/points/{id}")));
    assert_eq!(a.header("etag"), Some("\"1\""));
    assert_eq!(view["kind"], "care_centre");
    assert_eq!(view["district"]["id"], json!(district_id("Dhaka")));
    assert_eq!(view["district"]["name_en"], "Dhaka");
    assert_eq!(view["district"]["name_bn"], "ঢাকা");
    assert!(
        view["division"]["name_en"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert!((view["lat"].as_f64().unwrap() - 23.7509).abs() < 1e-9);
    assert_eq!(view["services"], json!(["pin_reset", "complaint_intake"]));
    assert_eq!(view["closed"], false);
    assert_eq!(view["version"], 1);

    let path = format!("/api/v1/points/{id}");
    let a = t.get(&t.admin, &path).await;
    assert_eq!(a.expect(200)["name_en"], "Dhanmondi Customer Care Centre");
    assert_eq!(a.header("etag"), Some("\"1\""));

    // Edit with the version read.
    let mut edited = centre();
    edited["name_en"] = json!("Dhanmondi Care Centre");
    let a = put(&t, &path, &edited, Some("\"1\"")).await;
    assert_eq!(a.expect(200)["name_en"], "Dhanmondi Care Centre");
    assert_eq!(a.header("etag"), Some("\"2\""));

    // Close (a reason is required), list with and without closed, reopen.
    t.post(&t.supervisor, &format!("{path}/close"), &json!({}))
        .await
        .problem(422);
    let a = t
        .post(
            &t.supervisor,
            &format!("{path}/close"),
            &json!({"reason": "সংস্কার চলছে"}),
        )
        .await;
    assert_eq!(a.expect(200)["closed"], true);
    let open = t.get(&t.agent, "/api/v1/points").await;
    assert!(
        open.expect(200)["points"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != id)
    );
    let all = t.get(&t.agent, "/api/v1/points?include_closed=true").await;
    assert!(
        all.expect(200)["points"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == id)
    );
    let a = t
        .post(&t.supervisor, &format!("{path}/reopen"), &json!({}))
        .await;
    assert_eq!(a.expect(200)["closed"], false);

    // Filters.
    let dhaka = t
        .get(
            &t.agent,
            &format!("/api/v1/points?district={}", district_id("Dhaka")),
        )
        .await;
    assert!(
        dhaka.expect(200)["points"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == id)
    );
    let ctg = t.get(&t.agent, "/api/v1/points?district=Chattogram").await;
    assert!(
        ctg.expect(200)["points"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != id)
    );
    let boxes = t.get(&t.agent, "/api/v1/points?kind=drop_box").await;
    assert!(
        boxes.expect(200)["points"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != id)
    );
    t.get(&t.agent, "/api/v1/points?kind=castle")
        .await
        .problem(422);
    t.get(&t.agent, "/api/v1/points?colour=red")
        .await
        .problem(422);

    // 404 for a point that is not there.
    t.get(&t.agent, "/api/v1/points/999999").await.problem(404);

    assert_eq!(
        actions(&t, id).await,
        [
            "point.saved",
            "point.saved",
            "point.closed",
            "point.reopened"
        ]
    );
}

async fn invalid_and_stale_points_are_refused(t: TestApp) {
    // Coordinates in Chattogram for a point in Dhaka, and hours that do not parse.
    let mut bad = centre();
    bad["lat"] = json!(22.3569);
    bad["lon"] = json!(91.7832);
    bad["hours"] = json!("Sa-Th 25:00-26:00");
    let a = t.post(&t.supervisor, "/api/v1/points", &bad).await;
    let p = a.problem(422).clone();
    let fields = a.error_fields();
    assert!(fields.contains(&"district".to_string()), "{p}");
    assert!(fields.contains(&"hours".to_string()), "{p}");
    for e in p["errors"].as_array().unwrap() {
        assert!(e["detail"].as_str().is_some_and(|s| !s.is_empty()), "{e}");
        assert!(
            e["detail_bn"].as_str().is_some_and(|s| !s.is_empty()),
            "{e}"
        );
    }
    let district = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "district")
        .unwrap();
    assert!(
        district["detail"].as_str().unwrap().contains("Chattogram"),
        "{district}"
    );
    // Unknown fields are refused too.
    let mut extra = centre();
    extra["colour"] = json!("red");
    t.post(&t.supervisor, "/api/v1/points", &extra)
        .await
        .problem(422);
    let listed = t.get(&t.admin, "/api/v1/points?include_closed=true").await;
    assert_eq!(
        listed.expect(200),
        &json!({"points": [], "next": null}),
        "nothing saved"
    );

    // A stale If-Match.
    let id = t
        .post(&t.supervisor, "/api/v1/points", &centre())
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/points/{id}");
    let mut edited = centre();
    edited["name_en"] = json!("First edit");
    put(&t, &path, &edited, Some("\"1\"")).await.expect(200);
    edited["name_en"] = json!("Second edit, from an old copy");
    let a = put(&t, &path, &edited, Some("\"1\"")).await;
    a.problem_of(412, "stale");
    assert_eq!(a.header("etag"), Some("\"2\""));
    let a = t.get(&t.agent, &path).await;
    assert_eq!(a.expect(200)["name_en"], "First edit");
    // Without If-Match the edit applies to the current version.
    put(&t, &path, &edited, None).await.expect(200);
    // An edit takes If-Match, not Idempotency-Key.
    let a = TestApp::send(
        t.req(&t.supervisor, Method::PUT, &path)
            .header("idempotency-key", "k1")
            .json(&centre()),
    )
    .await;
    assert_eq!(a.problem(422)["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(
        actions(&t, id).await,
        ["point.saved", "point.saved", "point.saved"]
    );
}

async fn create(t: &TestApp, key: &str, body: &Value) -> Answer {
    TestApp::send(
        t.req(&t.supervisor, Method::POST, "/api/v1/points")
            .header("idempotency-key", key)
            .json(body),
    )
    .await
}

async fn point_count(t: &TestApp) -> usize {
    t.get(&t.admin, "/api/v1/points?include_closed=true")
        .await
        .expect(200)["points"]
        .as_array()
        .expect("a list")
        .len()
}

async fn a_retried_create_adds_one_point(t: TestApp) {
    // The first answer, then the same answer for the same key and body: one point.
    let first = create(&t, "add-dhanmondi-1", &centre()).await;
    let view = first.expect(201).clone();
    let id = view["id"].as_i64().expect("an id");
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = create(&t, "add-dhanmondi-1", &centre()).await;
    again.expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.text, first.text, "the first answer, byte for byte");
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("etag"), Some("\"1\""));
    assert_eq!(point_count(&t).await, 1);
    assert_eq!(actions(&t, id).await, ["point.saved"]);

    // The same key with another body is refused, and adds nothing.
    let mut other = centre();
    other["name_en"] = json!("Another centre");
    let a = create(&t, "add-dhanmondi-1", &other).await;
    a.problem_of(422, "idempotency-key-reused");
    assert_eq!(point_count(&t).await, 1);

    // A refused body remembers nothing: the key is still free for the corrected one.
    let mut bad = centre();
    bad["hours"] = json!("whenever");
    create(&t, "add-dhanmondi-2", &bad).await.problem(422);
    let fixed = create(&t, "add-dhanmondi-2", &other).await;
    assert_eq!(fixed.expect(201)["name_en"], "Another centre");
    assert_eq!(fixed.header("idempotent-replayed"), None);
    assert_eq!(point_count(&t).await, 2);

    // Repeats sent together: one point, every answer the same.
    let mut third = centre();
    third["name_en"] = json!("Third centre");
    let answers = futures_join(&t, "add-dhanmondi-3", &third, 6).await;
    let ids: std::collections::BTreeSet<i64> = answers
        .iter()
        .map(|a| a.expect(201)["id"].as_i64().expect("an id"))
        .collect();
    assert_eq!(ids.len(), 1, "one point for six repeats: {ids:?}");
    assert_eq!(point_count(&t).await, 3);
    let outbox = t.outbox_through_marker("points-idempotency").await;
    let changed = outbox.iter().filter(|r| r.topic == "point.changed").count();
    assert_eq!(changed, 3, "one change row per point added");

    // A bad key is refused before anything happens.
    create(&t, "", &centre()).await.problem(422);
    assert_eq!(point_count(&t).await, 3);
}

/// Send the same create `n` times at once.
async fn futures_join(t: &TestApp, key: &str, body: &Value, n: usize) -> Vec<Answer> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let rb = t
            .req(&t.supervisor, Method::POST, "/api/v1/points")
            .header("idempotency-key", key)
            .json(body);
        tasks.push(tokio::spawn(TestApp::send(rb)));
    }
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.expect("a request task"));
    }
    out
}

async fn agents_read_but_do_not_write(t: TestApp) {
    let id = t
        .post(&t.admin, "/api/v1/points", &centre())
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/points/{id}");
    t.get(&t.agent, &path).await.expect(200);
    t.get(&t.agent, "/api/v1/points").await.expect(200);
    t.post(&t.agent, "/api/v1/points", &centre())
        .await
        .problem(403);
    let mut rb = t.req(&t.agent, Method::PUT, &path).json(&centre());
    rb = rb.header("if-match", "\"1\"");
    TestApp::send(rb).await.problem(403);
    t.post(&t.agent, &format!("{path}/close"), &json!({"reason": "no"}))
        .await
        .problem(403);
    t.post(&t.agent, &format!("{path}/reopen"), &json!({}))
        .await
        .problem(403);
    for (m, p) in [
        (Method::GET, "/api/v1/points".to_string()),
        (Method::GET, path.clone()),
        (Method::POST, "/api/v1/points".to_string()),
        (Method::PUT, path.clone()),
        (Method::POST, format!("{path}/close")),
        (Method::POST, format!("{path}/reopen")),
    ] {
        TestApp::send(t.anon(m, &p).json(&centre()))
            .await
            .problem(401);
    }
    assert_eq!(actions(&t, id).await, ["point.saved"]);
}

/// A point of `kind` in the district named, `i` hundred-thousandths of a degree north of
/// a spot inside it.
fn numbered(i: usize, kind: &str, district: &str, at: (f64, f64)) -> PointInput {
    PointInput {
        kind: kind.into(),
        name_bn: format!("কেন্দ্র {i}"),
        name_en: format!("Point {i}"),
        address_bn: "ঠিকানা".into(),
        address_en: "Address".into(),
        district: district.into(),
        lat: format!("{:.6}", at.0 + i as f64 * 0.000_01),
        lon: format!("{:.6}", at.1),
        services: vec!["cash_in_out".into()],
        hours: "24/7".into(),
        ..PointInput::default()
    }
}

/// One page of the list: its ids and `next`.
async fn page(t: &TestApp, query: &str) -> (Vec<i64>, Option<i64>) {
    let a = t.get(&t.agent, &format!("/api/v1/points?{query}")).await;
    let body = a.expect(200);
    let ids = body["points"]
        .as_array()
        .unwrap_or_else(|| panic!("points in {}", a.text))
        .iter()
        .map(|p| p["id"].as_i64().expect("an id"))
        .collect();
    let next = match &body["next"] {
        Value::Null => None,
        n => Some(n.as_i64().unwrap_or_else(|| panic!("next is an id: {n}"))),
    };
    (ids, next)
}

/// Every page from the start, following `next`: the ids in order, and how many pages.
async fn walk(t: &TestApp, query: &str) -> (Vec<i64>, usize) {
    let (mut ids, mut pages, mut after) = (Vec::new(), 0, None::<i64>);
    loop {
        let q = match after {
            Some(a) => format!("{query}&after={a}"),
            None => query.to_string(),
        };
        let (got, next) = page(t, &q).await;
        pages += 1;
        assert!(pages < 1000, "the walk ends");
        ids.extend(got);
        match next {
            Some(n) => after = Some(n),
            None => return (ids, pages),
        }
    }
}

fn ascending(ids: &[i64]) -> bool {
    ids.windows(2).all(|w| w[0] < w[1])
}

async fn the_list_comes_a_page_at_a_time(t: TestApp) {
    // 130 points: agent points in Dhaka, every tenth a care centre in Chattogram; two of
    // the agent points closed.
    let geo = Geography::bangladesh();
    let inputs: Vec<PointInput> = (0..130)
        .map(|i| {
            if i % 10 == 0 {
                numbered(i, "care_centre", "Chattogram", (22.3569, 91.7832))
            } else {
                numbered(i, "agent_point", "Dhaka", (23.7330, 90.4172))
            }
        })
        .collect();
    let checked = inputs
        .iter()
        .map(|i| {
            i.check(geo)
                .unwrap_or_else(|e| panic!("{} does not check: {e:?}", i.name_en))
        })
        .collect();
    let added = t
        .app
        .add_points(checked, Caller::system())
        .await
        .expect("adding points");
    let mut every: Vec<i64> = added.iter().map(|p| p.id).collect();
    every.sort_unstable();
    let closed = [added[1].id, added[2].id];
    for id in closed {
        t.app
            .close_point(id, "moved", Caller::system())
            .await
            .expect("closing");
    }
    let open: Vec<i64> = every
        .iter()
        .copied()
        .filter(|id| !closed.contains(id))
        .collect();
    let centres: Vec<i64> = added
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 == 0)
        .map(|(_, p)| p.id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();

    // 100 unless asked, in id order, then the rest; the last page has no next.
    let (first, next) = page(&t, "").await;
    assert_eq!(first, open[..100]);
    assert_eq!(next, Some(open[99]));
    let (rest, next) = page(&t, &format!("after={}", open[99])).await;
    assert_eq!(rest, open[100..]);
    assert_eq!(next, None);

    // Seven at a time: every open point once, in order, in ⌈128 / 7⌉ pages.
    let (ids, pages) = walk(&t, "limit=7").await;
    assert_eq!(ids, open);
    assert_eq!(pages, 128_usize.div_ceil(7));
    // Exactly full pages: a last, empty one says there is no more.
    let (ids, pages) = walk(&t, "limit=64").await;
    assert_eq!(ids, open);
    assert_eq!(pages, 3);
    let (ids, pages) = walk(&t, "include_closed=true&limit=1000").await;
    assert_eq!(ids, every);
    assert_eq!(pages, 1);
    assert!(ascending(&ids));

    // Filters page too; a district by name in Bengali or by id, Bengali digits.
    let (ids, _) = walk(&t, "kind=care_centre&district=চট্টগ্রাম&limit=4").await;
    assert_eq!(ids, centres);
    let ctg = geo.find_district("Chattogram").expect("Chattogram").id.0;
    let (ids, _) = walk(&t, &format!("district={ctg}&limit=৫")).await;
    assert_eq!(ids, centres);
    let (ids, next) = page(&t, "district=Chattogram&kind=agent_point").await;
    assert_eq!((ids, next), (vec![], None));
    let (ids, _) = page(&t, "limit=১০").await;
    assert_eq!(ids, open[..10]);
    let (ids, next) = page(&t, &format!("after={}", every[129])).await;
    assert_eq!((ids, next), (vec![], None));
    // Empty values, as a form sends them, count as not sent.
    let (ids, _) = page(&t, "limit=&after=&kind=&district=&include_closed=").await;
    assert_eq!(ids, open[..100]);

    // Bad values and unknown parameters: a 422 naming the parameter, in both languages.
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
        ("after=abc", "after"),
        ("after=-1", "after"),
        ("include_closed=maybe", "include_closed"),
        ("kind=castle", "kind"),
        ("district=Atlantis", "district"),
        ("page=2", "page"),
        ("limit=10&offset=20", "offset"),
    ] {
        let a = t.get(&t.agent, &format!("/api/v1/points?{query}")).await;
        let p = a.problem_of(422, "validation");
        assert_eq!(a.error_fields(), [field], "{query}: {p}");
        let e = &p["errors"][0];
        let (en, bn) = (e["detail"].as_str(), e["detail_bn"].as_str());
        assert!(en.is_some_and(|s| s.contains(field)), "{query}: {e}");
        assert!(
            bn.is_some_and(|s| !s.is_empty() && Some(s) != en),
            "{query}: {e}"
        );
    }
}
