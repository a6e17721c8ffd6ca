//! The complaint cell's panel on the supervisor's dashboard, on both engines: after claims
//! are filed (one twice) against merchants a supervisor added, and a refund recorded,
//! `/supervisor` shows the claims' totals, each merchant's outstanding money in the chart,
//! the months and the districts — in Bengali and English; other staff still get a 403.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::TestApp;

both_engines! {
    the_dashboard_shows_what_merchants_owe =>
        sqlite_claim_dashboard_shows_what_merchants_owe,
        postgres_claim_dashboard_shows_what_merchants_owe;
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

async fn file(t: &TestApp, body: &Value) -> Value {
    let a = TestApp::send(t.anon(Method::POST, "/api/v1/public/claims").json(body)).await;
    assert!(matches!(a.status.as_u16(), 200 | 201), "{}", a.text);
    a.json.clone()
}

async fn the_dashboard_shows_what_merchants_owe(t: TestApp) {
    for body in [
        json!({"trade_en": "Evaly", "trade_bn": "ইভ্যালি", "web": ["evaly.com.bd"],
               "district": "Dhaka", "status": "in_liquidation"}),
        json!({"trade_en": "Qcoom", "trade_bn": "কিউকম", "web": ["qcoom.com"],
               "status": "suspended"}),
    ] {
        t.post(&t.supervisor, "/api/v1/merchants", &body)
            .await
            .expect(201);
    }
    let first = file(&t, &claim("01712345678", "Evaly", "EV-1", "1,25,000")).await;
    // The same order again, written otherwise: counted once.
    let again = file(&t, &claim("+8801712345678", "ইভ্যালি", "#ev-1", "125000")).await;
    assert_eq!(again["added_to"], json!(true));
    file(&t, &claim("01812345678", "evaly.com.bd", "EV-2", "45000")).await;
    file(&t, &claim("01912345678", "ইভ্যালি", "EV-3", "৩০,০০০")).await;
    file(&t, &claim("01712345679", "Qcoom", "Q-1", "20000")).await;

    // Tk 25,000 of the first claim refunded: Evaly owes Tk 1,75,000.
    let number = first["number"].as_str().unwrap().to_string();
    for to in ["verified", "forwarded"] {
        t.post(
            &t.agent,
            &format!("/api/v1/claims/{number}/stage"),
            &json!({"to": to}),
        )
        .await
        .expect(200);
    }
    t.post(
        &t.agent,
        &format!("/api/v1/claims/{number}/refunds"),
        &json!({"amount": "25,000", "paid_on": "2026-11-20", "channel": "bKash", "reference": "TX1"}),
    )
    .await
    .expect(200);

    let supervisor = t.desk_login(&t.supervisor).await;
    let (status, en, _) = supervisor.get("/supervisor", "en").await;
    assert_eq!(status, 200);
    assert!(!en.contains('⟦'), "{en}");
    let panel = &en[en.find("id=\"claims\"").expect("the claims panel")..];
    assert!(panel.contains("E-commerce claims"), "{panel}");
    // Four claims (the second filing counted once), Tk 2,20,000 paid, Tk 1,95,000 owed.
    assert!(panel.contains("Claims: </strong>4"), "{panel}");
    assert!(panel.contains("Tk 2,20,000"), "{panel}");
    assert!(panel.contains("Tk 1,95,000"), "{panel}");
    // Each merchant's outstanding money in the chart, largest first.
    let evaly = panel
        .find("<title>Evaly: 175,000</title>")
        .expect("Evaly's bar");
    let qcoom = panel
        .find("<title>Qcoom: 20,000</title>")
        .expect("Qcoom's bar");
    assert!(evaly < qcoom, "largest first");
    assert!(
        panel.contains("Claims, July 2021: 4"),
        "the month's column: {panel}"
    );
    let districts = &panel[panel
        .find("id=\"claims-districts\"")
        .expect("the districts")..];
    assert!(districts.contains(">Dhaka<"), "{districts}");
    assert!(
        districts.contains("Tk 1,95,000"),
        "Dhaka's claimants are owed it all"
    );
    assert!(
        !panel.contains("01712345678") && !panel.contains("রহিম"),
        "no claimant"
    );

    let (status, bn, _) = supervisor.get("/supervisor", "bn").await;
    assert_eq!(status, 200);
    assert!(!bn.contains('⟦'), "{bn}");
    assert!(bn.contains("ই-কমার্স দাবি"), "{bn}");
    assert!(bn.contains("<title>ইভ্যালি: ১,৭৫,০০০</title>"), "{bn}");
    assert!(bn.contains("৳১,৯৫,০০০") && bn.contains(">ঢাকা<"), "{bn}");

    for who in [&t.agent, &t.auditor] {
        let desk = t.desk_login(who).await;
        let (status, html, _) = desk.get("/supervisor", "en").await;
        assert_eq!(status, 403, "{}", who.username);
        assert!(!html.contains("Evaly"), "{html}");
    }
}
