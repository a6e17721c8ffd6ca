//! The e-commerce complaint cell over HTTP, on both engines: a victim files a claim (the
//! same order again is added to it, not counted twice; a bad claim names every field and
//! stores nothing); the cell reads it with its missed deadlines, walks it to a refund and
//! closes it; a CSV import reports bad rows by line and adds nothing the second time; the
//! merchant registry grows only through supervisors; and the merchant's totals add up.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Answer, TestApp};

both_engines! {
    a_claim_from_filing_to_refund =>
        sqlite_claims_a_claim_from_filing_to_refund, postgres_claims_a_claim_from_filing_to_refund;
    import_reports_bad_rows_and_is_idempotent =>
        sqlite_claims_import_reports_bad_rows_and_is_idempotent,
        postgres_claims_import_reports_bad_rows_and_is_idempotent;
    a_large_import_files_each_order_once =>
        sqlite_claims_a_large_import_files_each_order_once,
        postgres_claims_a_large_import_files_each_order_once;
}

sqlite_only! {
    bad_claims_name_every_field => sqlite_claims_bad_claims_name_every_field;
    only_supervisors_add_merchants => sqlite_claims_only_supervisors_add_merchants;
}

fn claim(mobile: &str, merchant: &str, order: &str, paid: &str) -> Value {
    json!({
        "claimant_mobile": mobile,
        "claimant_name": "রহিম উদ্দিন",
        "district": "ঢাকা",
        "merchant": merchant,
        "order_id": order,
        "order_date": "15/07/2021",
        "product": "মোটরসাইকেল",
        "amount_paid": paid,
        "payment_method": "bKash",
    })
}

async fn file(t: &TestApp, body: &Value) -> Answer {
    TestApp::send(t.anon(Method::POST, "/api/v1/public/claims").json(body)).await
}

async fn add_evaly(t: &TestApp) -> i64 {
    let a = t
        .post(
            &t.supervisor,
            "/api/v1/merchants",
            &json!({"trade_en": "Evaly", "trade_bn": "ইভ্যালি", "legal_en": "Evaly.com.bd Ltd",
                    "web": ["evaly.com.bd"], "district": "Dhaka", "status": "in_liquidation"}),
        )
        .await;
    a.expect(201)["id"].as_i64().unwrap()
}

async fn a_claim_from_filing_to_refund(t: TestApp) {
    let evaly = add_evaly(&t).await;
    let first = file(&t, &claim("01712345678", "Evaly", "EV-100", "১,২৫,০০০")).await;
    let filed = first.expect(201).clone();
    assert_eq!(filed["merchant_id"], json!(evaly));
    assert_eq!(filed["added_to"], json!(false));
    let number = filed["number"].as_str().unwrap().to_string();
    // The same order, the shop named in the other script and the id written otherwise.
    let again = file(&t, &claim("+8801712345678", "ইভ্যালি", "#ev-100", "125000")).await;
    let again = again.expect(200).clone();
    assert_eq!(again["number"].as_str(), Some(number.as_str()));
    assert_eq!(again["added_to"], json!(true));

    let detail = t.get(&t.agent, &format!("/api/v1/claims/{number}")).await;
    let d = detail.expect(200).clone();
    assert_eq!(d["filings"], json!(2));
    assert_eq!(d["paid_poisha"], json!(12_500_000));
    let rules: Vec<&str> = d["missed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["delivery", "refund"], "{d}");

    let step = |to: &str| {
        let t = &t;
        let number = number.clone();
        let to = to.to_string();
        async move {
            t.post(
                &t.agent,
                &format!("/api/v1/claims/{number}/stage"),
                &json!({"to": to}),
            )
            .await
        }
    };
    // Out of order: a conflict that names the stages.
    let early = step("forwarded").await;
    assert_eq!(early.status, 409, "{}", early.text);
    step("verified").await.expect(200);
    let fwd = step("forwarded").await;
    assert_eq!(fwd.expect(200)["status"], json!("pending_third_party"));
    let refund = |amount: &str| {
        let t = &t;
        let number = number.clone();
        let amount = amount.to_string();
        async move {
            t.post(
                &t.agent,
                &format!("/api/v1/claims/{number}/refunds"),
                &json!({"amount": amount, "paid_on": "2026-11-20", "channel": "bKash", "reference": "TX9"}),
            )
            .await
        }
    };
    let part = refund("25,000").await;
    assert_eq!(part.expect(200)["stage"], json!("partly_refunded"));
    assert_eq!(refund("2,00,000").await.status, 409);
    let full = refund("1,00,000").await;
    let full = full.expect(200).clone();
    assert_eq!(full["stage"], json!("refunded"));
    assert_eq!(full["outstanding_poisha"], json!(0));
    assert_eq!(full["refunds"].as_array().unwrap().len(), 2);
    step("closed").await.expect(200);

    let s = t
        .get(&t.agent, &format!("/api/v1/merchants/{evaly}/summary"))
        .await;
    let s = s.expect(200).clone();
    assert_eq!(s["claims"], json!(1));
    assert_eq!(s["victims"], json!(1));
    assert_eq!(s["refunded_poisha"], json!(12_500_000));
    assert_eq!(s["open_claims"], json!(0));
    // The claimant heard of every step (read through a marker: PostgreSQL shows the feed
    // only below its oldest running transaction).
    let rows = t.outbox_through_marker("claims-told").await;
    let told = rows
        .iter()
        .filter(|r| r.topic == "sms.send" && r.payload["to"] == json!("+8801712345678"))
        .count();
    assert_eq!(told, 5, "verified, forwarded, two refunds, closed");
}

async fn bad_claims_name_every_field(t: TestApp) {
    let mut bad = claim("12345", "", "a$b", "-500");
    bad["order_date"] = json!("01/01/2031");
    bad["payment_method"] = json!("barter");
    bad["district"] = json!("Atlantis");
    let a = file(&t, &bad).await;
    let p = a.problem(422);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "claimant_msisdn",
        "district",
        "merchant",
        "order_id",
        "order_date",
        "amount_paid",
        "payment_method",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    for e in p["errors"].as_array().unwrap() {
        assert!(!e["detail_bn"].as_str().unwrap().is_empty());
    }
    let mut absurd = claim("01712345678", "Evaly", "EV-1", "20,00,00,000");
    absurd["amount_refunded"] = json!("0");
    assert_eq!(file(&t, &absurd).await.status, 422);
    let list = t.get(&t.agent, "/api/v1/claims").await;
    assert!(list.expect(200)["items"].as_array().unwrap().is_empty());
    assert!(
        t.get(&t.agent, "/api/v1/merchants")
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .is_empty()
    );
}

async fn only_supervisors_add_merchants(t: TestApp) {
    let a = t
        .post(&t.agent, "/api/v1/merchants", &json!({"trade_en": "Qcoom"}))
        .await;
    assert_eq!(a.status, 403);
    let a = t
        .post(
            &t.supervisor,
            "/api/v1/merchants",
            &json!({"trade_en": "   "}),
        )
        .await;
    assert_eq!(a.status, 422);
    add_evaly(&t).await;
}

async fn import_reports_bad_rows_and_is_idempotent(t: TestApp) {
    add_evaly(&t).await;
    let csv = "claimant_mobile,claimant_name,district,merchant,order_id,order_date,product,amount_paid,payment_method,gateway,delivery_status,amount_refunded\n\
01712345678,Rahim,Dhaka,Evaly,EV-1,15/07/2021,Motorcycle,\"1,25,000\",bKash,,not delivered,0\n\
01812345678,Karim,Gazipur,ইভ্যালি,EV-2,2021-07-20,Fridge,45000,card,SSLCommerz,,\n\
01912345678,Rina,Khulna,Qcoom,Q-1,2021-08-01,Phone,20000,nagad,,,\n\
0191234567,Bad,Nowhere,Evaly,EV-3,2031-01-01,TV,-5,barter,,,\n";
    let post = || async {
        let res = t
            .http
            .post(t.url("/api/v1/claims/import"))
            .bearer_auth(&t.agent.token)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        Answer::read(res).await
    };
    let first = post().await;
    let r = first.expect(200).clone();
    assert_eq!(r["added"], json!(3), "{r}");
    assert_eq!(r["new_merchants"], json!(1));
    assert_eq!(r["bad"][0]["line"], json!(5));
    let second = post().await;
    let r2 = second.expect(200).clone();
    assert_eq!(
        (r2["added"].clone(), r2["already_imported"].clone()),
        (json!(0), json!(3)),
        "{r2}"
    );
    let list = t.get(&t.agent, "/api/v1/claims").await;
    assert_eq!(list.expect(200)["items"].as_array().unwrap().len(), 3);
    // A file with a wrong column is refused whole.
    let res = t
        .http
        .post(t.url("/api/v1/claims/import"))
        .bearer_auth(&t.agent.token)
        .body("merchant,colour\nEvaly,red\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
}

/// Every claim of `merchant`, as `(order id, filings)`.
async fn claims_of(t: &TestApp, merchant: i64) -> std::collections::BTreeMap<String, i64> {
    let mut out = std::collections::BTreeMap::new();
    let mut before = String::new();
    loop {
        let page = t
            .get(
                &t.agent,
                &format!("/api/v1/claims?merchant={merchant}&limit=200{before}"),
            )
            .await;
        let items = page.expect(200)["items"].as_array().unwrap().clone();
        let Some(last) = items.last() else {
            return out;
        };
        before = format!("&before={}", last["number"].as_str().unwrap());
        for c in &items {
            let order = c["order_id"].as_str().unwrap().to_string();
            let filings = c["filings"].as_i64().unwrap();
            assert!(out.insert(order, filings).is_none(), "one claim per order");
        }
    }
}

/// An import larger than one store batch, with orders repeated within a batch, across
/// batches and against claims already filed — some filed by hand while the import runs —
/// files each order once and counts every other filing on it.
async fn a_large_import_files_each_order_once(t: TestApp) {
    let evaly = add_evaly(&t).await;
    let row = |i: usize, merchant: &str, product: &str| {
        format!(
            "017{i:08},Rahim,Dhaka,{merchant},B-{i},15/07/2021,{product},5000,bKash,,not delivered,0\n"
        )
    };
    // Filed before the import: the import's row for B-5 is another filing of it.
    file(&t, &claim("01700000005", "Evaly", "B-5", "5000"))
        .await
        .expect(201);
    let mut csv = String::from(
        "claimant_mobile,claimant_name,district,merchant,order_id,order_date,product,amount_paid,payment_method,gateway,delivery_status,amount_refunded\n",
    );
    for i in 0..2_400 {
        csv.push_str(&row(i, "Evaly", "Phone"));
    }
    // The same orders again with another product: filed again, in later batches.
    for i in 0..50 {
        csv.push_str(&row(i, "evaly.com.bd", "Phone case"));
    }
    // Ten orders of a shop the registry does not know; two of them twice in a row.
    for i in 3_000..3_010 {
        csv.push_str(&row(i, "Dhamaka Shopping", "Bike"));
    }
    csv.push_str(&row(3_000, "Dhamaka Shopping", "Helmet"));
    csv.push_str(&row(3_001, "Dhamaka Shopping", "Helmet"));
    // Twenty lines exactly as before: already in this file.
    for i in 100..120 {
        csv.push_str(&row(i, "Evaly", "Phone"));
    }
    // While the import runs, victims file some of its orders by hand.
    let by_hand = async {
        let mut answers = Vec::new();
        for i in 1_000..1_020 {
            let body = claim(&format!("017{i:08}"), "Evaly", &format!("B-{i}"), "5000");
            answers.push(file(&t, &body).await);
        }
        answers
    };
    let import = async {
        let res = t
            .http
            .post(t.url("/api/v1/claims/import"))
            .bearer_auth(&t.agent.token)
            .header("content-type", "text/csv")
            .body(csv.clone())
            .send()
            .await
            .unwrap();
        Answer::read(res).await
    };
    let (report, hand) = tokio::join!(import, by_hand);
    for h in &hand {
        assert!(matches!(h.status.as_u16(), 200 | 201), "{}", h.text);
    }
    let r = report.expect(200).clone();
    assert_eq!(r["rows"], json!(2_482), "{r}");
    assert_eq!(r["already_imported"], json!(20), "{r}");
    assert_eq!(r["new_merchants"], json!(1), "{r}");
    assert_eq!(r["bad"], json!([]), "{r}");
    // 2,400 + 10 orders; B-5 and the ones filed by hand first may be "added to".
    let (added, added_to) = (
        r["added"].as_i64().unwrap(),
        r["added_to"].as_i64().unwrap(),
    );
    assert_eq!(added + added_to, 2_462, "{r}");
    assert!((2_389..=2_409).contains(&added), "{r}");

    let claims = claims_of(&t, evaly).await;
    assert_eq!(claims.len(), 2_400);
    let filings = |order: &str| claims[order];
    for i in 0..50 {
        let expect = if i == 5 { 3 } else { 2 };
        assert_eq!(filings(&format!("B-{i}")), expect, "B-{i}");
    }
    for i in 1_000..1_020 {
        assert_eq!(filings(&format!("B-{i}")), 2, "B-{i}");
    }
    assert_eq!(filings("B-100"), 1);
    assert_eq!(claims.values().sum::<i64>(), 2_400 + 50 + 1 + 20);
    let summary = t
        .get(&t.agent, &format!("/api/v1/merchants/{evaly}/summary"))
        .await;
    let s = summary.expect(200).clone();
    assert_eq!(
        (s["claims"].clone(), s["victims"].clone()),
        (json!(2_400), json!(2_400))
    );
    assert_eq!(s["paid_poisha"], json!(2_400i64 * 500_000));

    let merchants = t.get(&t.agent, "/api/v1/merchants").await;
    let list = merchants.expect(200).clone();
    let dhamaka: Vec<&Value> = list
        .as_array()
        .or(list["items"].as_array())
        .unwrap()
        .iter()
        .filter(|m| {
            m["trade_en"] == json!("Dhamaka Shopping") || m["legal_en"] == json!("Dhamaka Shopping")
        })
        .collect();
    assert_eq!(dhamaka.len(), 1, "{list}");
    let shop = claims_of(&t, dhamaka[0]["id"].as_i64().unwrap()).await;
    assert_eq!(shop.len(), 10);
    assert_eq!((shop["B-3000"], shop["B-3001"], shop["B-3002"]), (2, 2, 1));

    // The same file again adds nothing.
    let again = t
        .http
        .post(t.url("/api/v1/claims/import"))
        .bearer_auth(&t.agent.token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let again = Answer::read(again).await;
    let r2 = again.expect(200).clone();
    assert_eq!(
        (r2["added"].clone(), r2["added_to"].clone()),
        (json!(0), json!(0)),
        "{r2}"
    );
    assert_eq!(claims_of(&t, evaly).await, claims);
}

both_engines! {
    merchants_see_only_their_own_claims =>
        sqlite_claims_merchants_see_only_their_own_claims,
        postgres_claims_merchants_see_only_their_own_claims;
}

/// A merchant-portal user for `merchant`, with an API token.
async fn merchant_user(t: &TestApp, username: &str, merchant: i64) -> crate::common::StaffUser {
    let id = t
        .app
        .add_merchant_user(
            username,
            "Shop staff",
            crate::common::PASSWORD,
            merchant,
            seba_app::cases::Caller::system(),
        )
        .await
        .unwrap();
    let token = t
        .app
        .create_token(username, "portal", seba_app::cases::Caller::system())
        .await
        .unwrap();
    crate::common::StaffUser {
        id,
        username: Box::leak(username.to_string().into_boxed_str()),
        token,
    }
}

async fn merchants_see_only_their_own_claims(t: TestApp) {
    let evaly = add_evaly(&t).await;
    let other = t
        .post(
            &t.supervisor,
            "/api/v1/merchants",
            &json!({"trade_en": "Qcoom", "trade_bn": "কিউকম"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let mine = file(&t, &claim("01712345678", "Evaly", "EV-1", "10000"))
        .await
        .expect(201)["number"]
        .as_str()
        .unwrap()
        .to_string();
    let theirs = file(&t, &claim("01812345678", "Qcoom", "Q-1", "20000"))
        .await
        .expect(201)["number"]
        .as_str()
        .unwrap()
        .to_string();
    let e = merchant_user(&t, "evaly.staff", evaly).await;
    let q = merchant_user(&t, "qcoom.staff", other).await;

    // Each sees its own claims, and the claimant's number only masked.
    let list = t.get(&e, "/api/v1/merchant-portal/claims").await;
    let items = list.expect(200).as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["number"].as_str(), Some(mine.as_str()));
    assert_eq!(items[0]["claimant_mobile"], json!("01712-***678"));
    assert!(!list.text.contains("12345678\""), "{}", list.text);
    assert!(
        !list.text.contains("রহিম"),
        "no claimant name: {}",
        list.text
    );
    // Another merchant's claim does not exist for them, whatever they try.
    for path in [format!("/api/v1/merchant-portal/claims/{theirs}")] {
        assert_eq!(t.get(&e, &path).await.status, 404);
    }
    let answer = t
        .post(
            &e,
            &format!("/api/v1/merchant-portal/claims/{theirs}/answer"),
            &json!({"answer": "not ours to answer"}),
        )
        .await;
    assert_eq!(answer.status, 404);
    let refund = t
        .post(
            &e,
            &format!("/api/v1/merchant-portal/claims/{theirs}/refunds"),
            &json!({"amount": "100", "paid_on": "2026-11-20", "channel": "bKash"}),
        )
        .await;
    assert_eq!(refund.status, 404);
    // The cell's views and the desk's API are closed to merchant users.
    for path in [
        "/api/v1/claims".to_string(),
        format!("/api/v1/claims/{theirs}"),
        format!("/api/v1/claims/{mine}"),
        "/api/v1/cases".to_string(),
        "/api/v1/merchants".to_string(),
        format!("/api/v1/merchants/{other}/summary"),
        "/api/v1/search?q=evaly".to_string(),
    ] {
        assert_eq!(t.get(&e, &path).await.status, 403, "{path}");
    }
    // Staff are not merchants.
    assert_eq!(
        t.get(&t.agent, "/api/v1/merchant-portal/claims")
            .await
            .status,
        403
    );

    // Before the cell forwards it, the merchant cannot answer; after, it can, and refunds.
    let early = t
        .post(
            &e,
            &format!("/api/v1/merchant-portal/claims/{mine}/answer"),
            &json!({"answer": "We will deliver next week"}),
        )
        .await;
    assert_eq!(early.status, 409);
    for to in ["verified", "forwarded"] {
        t.post(
            &t.agent,
            &format!("/api/v1/claims/{mine}/stage"),
            &json!({"to": to}),
        )
        .await
        .expect(200);
    }
    let answered = t
        .post(
            &e,
            &format!("/api/v1/merchant-portal/claims/{mine}/answer"),
            &json!({"answer": "We will refund in full"}),
        )
        .await;
    assert_eq!(answered.expect(200)["stage"], json!("merchant_responded"));
    let paid = t
        .post(
            &e,
            &format!("/api/v1/merchant-portal/claims/{mine}/refunds"),
            &json!({"amount": "10,000", "paid_on": "2026-11-21", "channel": "bKash", "reference": "8N7X"}),
        )
        .await;
    assert_eq!(paid.expect(200)["stage"], json!("refunded"));
    // The other merchant still sees only its own (still submitted) claim.
    let q_list = t.get(&q, "/api/v1/merchant-portal/claims").await;
    let q_items = q_list.expect(200).as_array().unwrap().clone();
    assert_eq!(q_items.len(), 1);
    assert_eq!(q_items[0]["number"].as_str(), Some(theirs.as_str()));
}
