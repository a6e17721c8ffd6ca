//! The complaint cell's report, on both engines: the public transparency page shows a large
//! merchant's totals in Bengali and English, folds the small and the unconfirmed merchants
//! (and districts and months) into unnamed rows, prints small counts as "<5" — and
//! carries nothing of a claimant in any written form; the cell's CSV and XLSX exports carry
//! every merchant with the exact totals, only for staff.

use std::io::{Cursor, Read};

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::TestApp;

both_engines! {
    transparency_page_shows_aggregates_only =>
        sqlite_claims_report_transparency_page_shows_aggregates_only,
        postgres_claims_report_transparency_page_shows_aggregates_only;
    exports_carry_every_merchant_for_staff_only =>
        sqlite_claims_report_exports_carry_every_merchant_for_staff_only,
        postgres_claims_report_exports_carry_every_merchant_for_staff_only;
}

sqlite_only! {
    an_empty_report_and_the_home_page_link => sqlite_claims_report_an_empty_report_and_the_home_page_link;
}

/// A seeded claim: who, against whom, what.
struct Seed {
    mobile: &'static str,
    name: &'static str,
    district: &'static str,
    merchant: &'static str,
    order: &'static str,
    date: &'static str,
    product: &'static str,
    paid: &'static str,
    refunded: &'static str,
}

/// Evaly: 7 claims by 6 victims (one with two orders), Tk 2,37,500 paid, Tk 5,000
/// refunded. Dhamaka Shopping: 2 victims in Khulna. An unknown shop (pending review):
/// 1 victim in Sirajganj.
const SEEDS: &[Seed] = &[
    Seed {
        mobile: "01711000001",
        name: "Rahim Uddin",
        district: "ঢাকা",
        merchant: "Evaly",
        order: "EV-1001",
        date: "15/07/2021",
        product: "Yamaha FZ motorcycle",
        paid: "১,২৫,০০০",
        refunded: "",
    },
    Seed {
        mobile: "01711000002",
        name: "করিম শেখ",
        district: "Dhaka",
        merchant: "ইভ্যালি",
        order: "EV-1002",
        date: "2021-07-16",
        product: "Walton fridge",
        paid: "45000",
        refunded: "5000",
    },
    Seed {
        mobile: "01711000003",
        name: "Nasrin Akter",
        district: "Dhaka",
        merchant: "evaly.com.bd",
        order: "EV-1003",
        date: "2021-07-17",
        product: "Samsung Galaxy phone",
        paid: "30000",
        refunded: "",
    },
    Seed {
        mobile: "01711000004",
        name: "জাহিদ হাসান",
        district: "Dhaka",
        merchant: "Evaly",
        order: "EV-1004",
        date: "2021-07-18",
        product: "Singer microwave",
        paid: "20000",
        refunded: "",
    },
    Seed {
        mobile: "01711000005",
        name: "Shirin Sultana",
        district: "Dhaka",
        merchant: "Evaly",
        order: "EV-1005",
        date: "2021-07-19",
        product: "Gree air conditioner",
        paid: "10000",
        refunded: "",
    },
    Seed {
        mobile: "01711000006",
        name: "মোস্তফা কামাল",
        district: "Dhaka",
        merchant: "Evaly",
        order: "EV-1006",
        date: "2021-07-20",
        product: "Vision television",
        paid: "5000",
        refunded: "",
    },
    Seed {
        mobile: "01711000001",
        name: "Rahim Uddin",
        district: "Dhaka",
        merchant: "Evaly",
        order: "EV-1007",
        date: "2021-07-21",
        product: "Baby stroller",
        paid: "2500",
        refunded: "",
    },
    Seed {
        mobile: "01811000001",
        name: "Tahmina Begum",
        district: "Khulna",
        merchant: "Dhamaka Shopping",
        order: "DH-2001",
        date: "2021-08-02",
        product: "Hero bicycle",
        paid: "9000",
        refunded: "",
    },
    Seed {
        mobile: "01811000002",
        name: "আবুল কালাম",
        district: "Khulna",
        merchant: "ধামাকা শপিং",
        order: "DH-2002",
        date: "2021-08-03",
        product: "Rice cooker",
        paid: "8000",
        refunded: "",
    },
    Seed {
        mobile: "01911000001",
        name: "Selina Parvin",
        district: "Sirajganj",
        merchant: "Sirajganj Bazar Online",
        order: "SB-3001",
        date: "2021-08-05",
        product: "Handloom saree",
        paid: "3000",
        refunded: "",
    },
];

fn body(s: &Seed) -> Value {
    json!({
        "claimant_mobile": s.mobile,
        "claimant_name": s.name,
        "district": s.district,
        "merchant": s.merchant,
        "order_id": s.order,
        "order_date": s.date,
        "product": s.product,
        "amount_paid": s.paid,
        "payment_method": "bKash",
        "amount_refunded": s.refunded,
    })
}

/// Evaly and Dhamaka Shopping in the registry, then every claim filed as the public does.
async fn seed(t: &TestApp) {
    for m in [
        json!({"trade_en": "Evaly", "trade_bn": "ইভ্যালি", "legal_en": "Evaly.com.bd Ltd",
               "web": ["evaly.com.bd"], "licence": "TRAD/DNCC/123", "district": "Dhaka",
               "status": "in_liquidation"}),
        json!({"trade_en": "Dhamaka Shopping", "trade_bn": "ধামাকা শপিং",
               "district": "Dhaka", "status": "operating"}),
    ] {
        t.post(&t.supervisor, "/api/v1/merchants", &m)
            .await
            .expect(201);
    }
    for s in SEEDS {
        let a = TestApp::send(t.anon(Method::POST, "/api/v1/public/claims").json(&body(s))).await;
        assert_eq!(a.status, 201, "{}: {}", s.order, a.text);
    }
}

/// Every way a seeded phone number could be written: local, E.164, without the plus or the
/// leading zero, grouped, in either digit script.
fn phone_forms(mobile: &str) -> Vec<String> {
    let national = &mobile[1..];
    let ascii = [
        mobile.to_string(),
        format!("+880{national}"),
        format!("880{national}"),
        national.to_string(),
        format!("{}-{}", &mobile[..5], &mobile[5..]),
        format!("{} {}", &mobile[..5], &mobile[5..]),
    ];
    ascii
        .iter()
        .flat_map(|f| [f.clone(), seba_core::text::bengali_digits(f)])
        .collect()
}

/// The page in one language, with the checks every customer page passes.
async fn page(t: &TestApp, lang: &str) -> String {
    let a = TestApp::send(
        t.anon(Method::GET, "/claims/transparency")
            .header("cookie", format!("seba_lang={lang}")),
    )
    .await;
    a.expect(200);
    assert_eq!(a.header("content-language"), Some(lang));
    assert!(
        a.header("content-type")
            .is_some_and(|c| c.starts_with("text/html"))
    );
    let csp = a.header("content-security-policy").unwrap_or_default();
    assert!(!csp.contains("script-src"), "no script: {csp}");
    assert!(!a.text.contains("<script"), "no script");
    assert!(
        !a.text.contains('⟦'),
        "a text is missing in {lang}: {}",
        a.text
    );
    a.text
}

async fn transparency_page_shows_aggregates_only(t: TestApp) {
    seed(&t).await;
    let en = page(&t, "en").await;
    let bn = page(&t, "bn").await;

    // The large merchant, named with its status and its exact totals.
    assert!(
        en.contains(
            "<th scope=\"row\">Evaly</th><td>In liquidation</td><td class=\"num\">7</td>\
             <td class=\"num\">6</td><td class=\"num\">Tk 2,37,500</td>\
             <td class=\"num\">Tk 5,000</td><td class=\"num\"><strong>Tk 2,32,500</strong></td>"
        ),
        "{en}"
    );
    assert!(
        bn.contains(
            "<th scope=\"row\">ইভ্যালি</th><td>অবসায়নে</td><td class=\"num\">৭</td>\
             <td class=\"num\">৬</td><td class=\"num\">৳২,৩৭,৫০০</td>\
             <td class=\"num\">৳৫,০০০</td><td class=\"num\"><strong>৳২,৩২,৫০০</strong></td>"
        ),
        "{bn}"
    );
    // The chart of outstanding money, drawn on the server.
    assert!(en.contains("<svg class=\"chart\""), "{en}");
    assert!(en.contains("Outstanding by merchant"));
    // Dhaka's six victims are shown; July 2021's too.
    assert!(en.contains("<th scope=\"row\">Dhaka</th>"), "{en}");
    assert!(bn.contains("<th scope=\"row\">ঢাকা</th>"), "{bn}");
    assert!(en.contains("<th scope=\"row\">July 2021</th>"), "{en}");
    assert!(bn.contains("<th scope=\"row\">জুলাই ২০২১</th>"), "{bn}");

    // The small and the unconfirmed merchants are folded, their counts "<5".
    for (html, other, pending, few) in [
        (
            &en,
            "Other merchants (each fewer than 5 victims)",
            "Merchants not yet confirmed by the cell",
            "&lt;5",
        ),
        (
            &bn,
            "অন্যান্য প্রতিষ্ঠান (প্রতিটিতে ক্ষতিগ্রস্ত ৫ জনের কম)",
            "সেলের যাচাই বাকি এমন প্রতিষ্ঠান",
            "৫-এর কম",
        ),
    ] {
        assert!(
            html.contains(&format!(
                "<em>{other}</em></td><td class=\"num\">{few}</td><td class=\"num\">{few}</td>"
            )),
            "{html}"
        );
        assert!(html.contains(pending), "{html}");
        for hidden in [
            "Dhamaka",
            "ধামাকা",
            "Sirajganj",
            "সিরাজগঞ্জ",
            "Khulna",
            "খুলনা",
            "August",
            "আগস্ট",
        ] {
            assert!(!html.contains(hidden), "{hidden} is shown: {html}");
        }
    }

    // The grep test: nothing of any claimant, in any written form.
    for s in SEEDS {
        for html in [&en, &bn] {
            for form in phone_forms(s.mobile) {
                assert!(!html.contains(&form), "phone {form} on the page");
            }
            for text in [s.name, s.order, s.product] {
                assert!(!html.contains(text), "{text} on the page");
                assert!(
                    !html.to_lowercase().contains(&text.to_lowercase()),
                    "{text} on the page"
                );
            }
        }
    }
}

/// `GET path` as `who` (or anonymously): status, headers, raw bytes.
async fn download(
    t: &TestApp,
    who: Option<&crate::common::StaffUser>,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let rb = match who {
        Some(w) => t.req(w, Method::GET, path),
        None => t.anon(Method::GET, path),
    };
    let res = rb.send().await.expect("a download");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.expect("bytes").to_vec())
}

async fn exports_carry_every_merchant_for_staff_only(t: TestApp) {
    seed(&t).await;

    // Only staff who read cases.
    for path in ["/api/v1/claims/report.csv", "/api/v1/claims/report.xlsx"] {
        let (status, headers, _) = download(&t, None, path).await;
        assert_eq!(status, 401, "{path}");
        assert!(
            headers[reqwest::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/problem+json")
        );
    }

    // The CSV: a byte-order mark, the header, every merchant with the exact totals,
    // largest outstanding first.
    let (status, headers, bytes) = download(&t, Some(&t.agent), "/api/v1/claims/report.csv").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers[reqwest::header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        headers[reqwest::header::CONTENT_DISPOSITION],
        "attachment; filename=\"seba-claims-report-2026-11-22.csv\""
    );
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "Merchant (English),Merchant (Bengali),Trade licence,Status,Claims,Victims,\
             Paid (Tk),Refunded (Tk),Outstanding (Tk),Open claims,Oldest open claim (date),\
             Delivery deadlines missed,Refund deadlines missed",
            "Evaly,ইভ্যালি,TRAD/DNCC/123,In liquidation,7,6,237500.00,5000.00,232500.00,7,\
             2026-11-22,7,7",
            "Dhamaka Shopping,ধামাকা শপিং,,Operating,2,2,17000.00,0.00,17000.00,2,2026-11-22,2,2",
            "Sirajganj Bazar Online,,,Pending review,1,1,3000.00,0.00,3000.00,1,2026-11-22,1,1",
        ],
        "{text}"
    );
    // Nobody's number, name, order or product: the report is per merchant.
    for s in SEEDS {
        for needle in [s.mobile, s.name, s.order, s.product] {
            assert!(!text.contains(needle), "{needle} in the CSV");
        }
    }

    // The XLSX: a zip with the three sheets.
    let (status, headers, bytes) = download(&t, Some(&t.agent), "/api/v1/claims/report.xlsx").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers[reqwest::header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(bytes.starts_with(b"PK"), "a zip");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a readable zip");
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_string(&mut s)
            .expect("UTF-8 XML");
        s
    };
    let workbook = read("xl/workbook.xml");
    for name in ["By merchant", "By district", "By month"] {
        assert!(
            workbook.contains(&format!("name=\"{name}\"")),
            "{name}: {workbook}"
        );
    }
    let strings = read("xl/sharedStrings.xml");
    for text in [
        "Outstanding (Tk)",
        "Evaly",
        "ইভ্যালি",
        "TRAD/DNCC/123",
        "Dhaka",
        "2021-07",
    ] {
        assert!(strings.contains(text), "{text}: {strings}");
    }
    let styles = read("xl/styles.xml");
    assert!(styles.contains("<b/>"), "a bold header: {styles}");
    let first = read("xl/worksheets/sheet1.xml");
    assert!(
        first.contains("<v>232500</v>"),
        "outstanding as a number: {first}"
    );
    assert!(first.contains("<cols>"), "column widths: {first}");
}

async fn an_empty_report_and_the_home_page_link(t: TestApp) {
    for lang in ["bn", "en"] {
        let html = page(&t, lang).await;
        assert!(!html.contains("<table"), "{html}");
    }
    let home = TestApp::send(t.anon(Method::GET, "/").header("cookie", "seba_lang=en")).await;
    assert!(
        home.text.contains("href=\"/claims/transparency\""),
        "{}",
        home.text
    );
    // The exports of nothing: a header, and a workbook all the same.
    let (status, _, bytes) = download(&t, Some(&t.agent), "/api/v1/claims/report.csv").await;
    assert_eq!(status, 200);
    assert_eq!(String::from_utf8(bytes).unwrap().lines().count(), 1);
    let (status, _, bytes) = download(&t, Some(&t.agent), "/api/v1/claims/report.xlsx").await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(b"PK"));
}
