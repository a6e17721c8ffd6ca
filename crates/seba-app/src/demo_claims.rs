//! Demo claims for the e-commerce complaint cell: eight merchants modelled on the online
//! shops that collapsed in Bangladesh in 2021, and about 150 victims' claims against them,
//! worked to every stage of the cell's workflow — loaded once.
//!
//! Every merchant's trade licence reads [`DEMO_LICENCE`]: the names are the shops people
//! know, the figures are made up. The claimants are invented too: numbers from
//! `01710000001` up, common names, districts all over the country. Nothing here is a real
//! person's claim.
//!
//! The claims go through the ordinary commands ([`App::add_merchant`], [`App::file_claim`],
//! [`App::move_claim`], [`App::record_refund`]) under a demo clock that replays five
//! months: the claims filed over three months, then the cell's batches — verified,
//! forwarded to each merchant, answered or escalated, refunded in part or in full, closed.
//! So every claim has its case, thread, audit trail and SMS, and the deadlines, the
//! reports, the transparency page (where the two smallest merchants are folded away) and
//! the supervisor's dashboard all have something to show. A few claims are filed twice,
//! written another way, to show they are counted once.
//!
//! Deterministic: fixed tables and a fixed seed. Each filing carries an import key, so a
//! load cut short can be run again without filing anything twice.

use std::sync::Arc;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use seba_claims::claim::ClaimInput;
use seba_claims::merchant::{Match, MerchantNames, MerchantStatus};
use seba_claims::workflow::Stage;
use seba_core::bilingual::Explain;
use seba_core::case::Channel;
use seba_core::clock::ManualClock;
use seba_core::ids::CaseId;

use crate::cases::Caller;
use crate::claims::{ClaimActor, ClaimError};
use crate::{App, AppError};

/// Set once the demo claims were loaded.
const LOADED_KEY: &str = "demo_claims_loaded";

/// The seed of the demo claims, so the demo is the same on every machine.
const SEED: u64 = 0x5EBA_C1A1;

/// The trade licence of every demo merchant: it says they are demo data.
pub const DEMO_LICENCE: &str = "DEMO — ডেমো তথ্য, প্রকৃত লাইসেন্স নয় / demo data, not a real licence";

/// The import keys of the demo's filings start with this.
const KEY_PREFIX: &str = "demo-claims";

/// What the demo claims loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoClaims {
    pub merchants: usize,
    pub claims: usize,
    /// Filings added to a claim already there (the same order, written another way).
    pub filed_again: usize,
}

/// A demo merchant, and the claims against it.
struct DemoMerchant {
    trade_en: &'static str,
    trade_bn: &'static str,
    legal_en: &'static str,
    legal_bn: &'static str,
    web: &'static str,
    /// Where it is based (a district's English name).
    district: &'static str,
    status: MerchantStatus,
    /// The order ids' prefix.
    prefix: &'static str,
    claims: usize,
    /// Distinct claimants: fewer than `claims`, so some filed two orders.
    victims: usize,
    /// The first claimant's index: overlapping ranges share claimants between merchants.
    first_victim: usize,
    /// The months of 2021 its orders were placed in, first and last.
    months: (i8, i8),
    /// Indexes into [`PRODUCTS`].
    products: &'static [usize],
    /// The card or bank gateways its customers paid through.
    gateways: &'static [&'static str],
    /// Where its claimants live, when not all over the country.
    home: &'static [&'static str],
    /// Whether it pays anything back.
    refunds: bool,
}

#[rustfmt::skip]
const MERCHANTS: &[DemoMerchant] = &[
    DemoMerchant {
        trade_en: "Evaly", trade_bn: "ইভ্যালি",
        legal_en: "Evaly.com.bd Ltd", legal_bn: "ইভ্যালি ডট কম ডট বিডি লিমিটেড",
        web: "evaly.com.bd", district: "Dhaka", status: MerchantStatus::InLiquidation,
        prefix: "EV", claims: 48, victims: 40, first_victim: 0, months: (4, 9),
        products: &[0, 1, 2, 3, 4, 5, 6, 8, 9], gateways: &["SSLCommerz", "ShurjoPay"],
        home: &[], refunds: true,
    },
    DemoMerchant {
        trade_en: "Alesha Mart", trade_bn: "আলেশা মার্ট",
        legal_en: "Alesha Holdings Ltd", legal_bn: "আলেশা হোল্ডিংস লিমিটেড",
        web: "aleshamart.com", district: "Dhaka", status: MerchantStatus::UnderInvestigation,
        prefix: "AM", claims: 24, victims: 22, first_victim: 30, months: (6, 10),
        products: &[0, 1, 3, 5, 10], gateways: &["SSLCommerz"],
        home: &[], refunds: true,
    },
    DemoMerchant {
        trade_en: "e-Orange", trade_bn: "ই-অরেঞ্জ",
        legal_en: "e-Orange Shop", legal_bn: "ই-অরেঞ্জ শপ",
        web: "eorange.shop", district: "Dhaka", status: MerchantStatus::InLiquidation,
        prefix: "EO", claims: 26, victims: 22, first_victim: 45, months: (4, 8),
        products: &[0, 1, 2, 4, 7], gateways: &["Foster Payments"],
        home: &[], refunds: false,
    },
    DemoMerchant {
        trade_en: "Dhamaka Shopping", trade_bn: "ধামাকা শপিং",
        legal_en: "Microtrade IC Ltd", legal_bn: "মাইক্রোট্রেড আইসি লিমিটেড",
        web: "dhamakashopping.com", district: "Dhaka", status: MerchantStatus::UnderInvestigation,
        prefix: "DS", claims: 18, victims: 16, first_victim: 70, months: (5, 9),
        products: &[3, 4, 5, 10, 11], gateways: &["SSLCommerz", "aamarPay"],
        home: &[], refunds: false,
    },
    DemoMerchant {
        trade_en: "Qcoom", trade_bn: "কিউকম",
        legal_en: "Qcoom Ltd", legal_bn: "কিউকম লিমিটেড",
        web: "qcoom.com", district: "Dhaka", status: MerchantStatus::Suspended,
        prefix: "QC", claims: 14, victims: 12, first_victim: 84, months: (6, 9),
        products: &[0, 2, 4], gateways: &["Foster Payments"],
        home: &[], refunds: true,
    },
    DemoMerchant {
        trade_en: "Sirajganj Shop", trade_bn: "সিরাজগঞ্জ শপ",
        legal_en: "Sirajganj Shop", legal_bn: "সিরাজগঞ্জ শপ",
        web: "sirajganjshop.com", district: "Sirajganj", status: MerchantStatus::UnderInvestigation,
        prefix: "SS", claims: 10, victims: 8, first_victim: 100, months: (4, 7),
        products: &[3, 6, 8, 10], gateways: &["aamarPay"],
        home: &["Sirajganj", "সিরাজগঞ্জ", "Bogura", "Pabna", "Sirajganj"], refunds: true,
    },
    DemoMerchant {
        trade_en: "Ringid", trade_bn: "রিংআইডি",
        legal_en: "Ringid Ltd", legal_bn: "রিংআইডি লিমিটেড",
        web: "ringid.com", district: "Dhaka", status: MerchantStatus::Suspended,
        prefix: "RG", claims: 3, victims: 2, first_victim: 120, months: (6, 8),
        products: &[4, 9, 11], gateways: &["SSLCommerz"],
        home: &[], refunds: false,
    },
    DemoMerchant {
        trade_en: "Aadyanet", trade_bn: "আদ্যনেট",
        legal_en: "Aadyanet Ltd", legal_bn: "আদ্যনেট লিমিটেড",
        web: "aadyanet.com", district: "Chattogram", status: MerchantStatus::Suspended,
        prefix: "AD", claims: 4, victims: 3, first_victim: 130, months: (7, 9),
        products: &[8, 11, 4], gateways: &["ShurjoPay"],
        home: &[], refunds: false,
    },
];

/// (product, least and most paid in taka).
const PRODUCTS: &[(&str, i64, i64)] = &[
    ("মোটরসাইকেল (Bajaj Pulsar 150)", 140_000, 175_000),
    ("মোটরসাইকেল (Yamaha FZS V3)", 195_000, 250_000),
    ("Motorcycle (TVS Apache RTR 160)", 120_000, 160_000),
    ("রেফ্রিজারেটর ২৫২ লিটার", 38_000, 62_000),
    ("Smartphone (Samsung Galaxy)", 15_000, 85_000),
    ("এলইডি টিভি ৪৩ ইঞ্চি", 28_000, 55_000),
    ("এয়ার কন্ডিশনার ১.৫ টন", 52_000, 90_000),
    ("Laptop (Core i5)", 48_000, 110_000),
    ("মুদি পণ্যের প্যাকেজ", 2_000, 9_000),
    ("গিফট কার্ড / Gift card", 5_000, 50_000),
    ("ওয়াশিং মেশিন", 30_000, 58_000),
    ("Mobile accessories", 2_000, 6_000),
];

/// Where claimants live, each name as a claimant might type it; more where more people
/// live and shopped online.
const DISTRICTS: &[&str] = &[
    "Dhaka",
    "ঢাকা",
    "Dhaka",
    "Dhaka",
    "ঢাকা",
    "Dhaka",
    "Gazipur",
    "গাজীপুর",
    "Narayanganj",
    "নারায়ণগঞ্জ",
    "Chattogram",
    "চট্টগ্রাম",
    "Chittagong",
    "Cumilla",
    "কুমিল্লা",
    "Sylhet",
    "Khulna",
    "Rajshahi",
    "Bogura",
    "Mymensingh",
    "Rangpur",
    "Barishal",
    "Jashore",
    "Tangail",
    "কক্সবাজার",
    "Narsingdi",
    "Feni",
    "Dinajpur",
    "Kushtia",
    "Noakhali",
];

/// Claimants' names (invented; common names, so none is anyone in particular).
const NAMES: &[&str] = &[
    "মোঃ রফিকুল ইসলাম",
    "সালমা বেগম",
    "Abdul Karim",
    "নুসরাত জাহান",
    "Tanvir Ahmed",
    "শাহানা পারভীন",
    "মোঃ জাহিদ হাসান",
    "Farzana Yasmin",
    "আব্দুল মালেক",
    "রাশেদুল হক",
    "Sumaiya Akter",
    "কামরুন নাহার",
    "মোঃ আরিফুল ইসলাম",
    "Mahmudul Hasan",
    "ফাহিমা খাতুন",
    "Rakibul Islam",
    "সাব্বির রহমান",
    "Nazmul Huda",
    "তাসলিমা আক্তার",
    "Imran Hossain",
    "মিনহাজ উদ্দিন",
    "Shirin Sultana",
    "জাকির হোসেন",
];

/// How far a claim has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    Submitted,
    Verified,
    Forwarded,
    Answered,
    PartlyRefunded,
    Refunded,
    RefundedClosed,
    Escalated,
    /// Closed by the cell at verification (no proof of payment).
    Rejected,
}

impl Plan {
    fn draw(rng: &mut StdRng, m: &DemoMerchant) -> Plan {
        let roll = rng.gen_range(0..100);
        // The smallest merchants' claims are still new.
        if m.claims < 5 {
            return if roll < 60 {
                Plan::Submitted
            } else {
                Plan::Verified
            };
        }
        let plan = match roll {
            0..30 => Plan::Submitted,
            30..44 => Plan::Verified,
            44..62 => Plan::Forwarded,
            62..70 => Plan::Answered,
            70..79 => Plan::PartlyRefunded,
            79..86 => Plan::Refunded,
            86..90 => Plan::RefundedClosed,
            90..96 => Plan::Escalated,
            _ => Plan::Rejected,
        };
        match plan {
            Plan::PartlyRefunded | Plan::Refunded | Plan::RefundedClosed if !m.refunds => {
                if roll % 2 == 0 {
                    Plan::Escalated
                } else {
                    Plan::Forwarded
                }
            }
            p => p,
        }
    }

    fn verified(self) -> bool {
        !matches!(self, Plan::Submitted | Plan::Rejected)
    }

    fn forwarded(self) -> bool {
        self.verified() && self != Plan::Verified
    }

    fn refunded(self) -> bool {
        matches!(
            self,
            Plan::PartlyRefunded | Plan::Refunded | Plan::RefundedClosed
        )
    }
}

/// One demo claim: what is filed, and how far it goes.
struct DemoClaim {
    merchant: usize,
    input: ClaimInput,
    channel: Channel,
    plan: Plan,
    /// Answered by the merchant before any refund.
    answered: bool,
    /// Of a partial refund, the share of what is still owed (percent).
    part: i64,
    /// A full refund paid in two goes.
    two_goes: bool,
}

/// The claimant with index `v`: their number (`0171000xxxx`), name and district.
fn claimant(v: usize, home: &[&'static str]) -> (String, &'static str, &'static str) {
    let district = if home.is_empty() {
        DISTRICTS[(v * 7 + v / 5) % DISTRICTS.len()]
    } else {
        home[v % home.len()]
    };
    (
        format!("0171000{:04}", v + 1),
        NAMES[(v * 5 + v / 3) % NAMES.len()],
        district,
    )
}

/// Taka as a claimant might type it: plain digits, or grouped in Bengali.
fn typed_taka(taka: i64, bengali: bool) -> String {
    if bengali {
        seba_core::text::bengali_digits(&seba_core::text::group_lakh(taka))
    } else {
        taka.to_string()
    }
}

/// Every demo claim, in filing order (deterministic).
fn demo_claims() -> Vec<DemoClaim> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut out = Vec::new();
    for (mi, m) in MERCHANTS.iter().enumerate() {
        for i in 0..m.claims {
            let v = m.first_victim + i % m.victims;
            let (mobile, name, district) = claimant(v, m.home);
            let (first, last) = m.months;
            let start = Date::new(2021, first, 1).unwrap_or_default();
            let end = Date::new(2021, last, 1).map_or(start, |d| d.last_of_month());
            let span = (end - start).get_days().max(1);
            let order_date = start
                .checked_add(jiff::Span::new().days(rng.gen_range(0..=span)))
                .unwrap_or(start);
            let (product, low, high) = PRODUCTS[m.products[rng.gen_range(0..m.products.len())]];
            let paid = rng.gen_range(low..=high) / 10 * 10;
            let method_roll = rng.gen_range(0..100);
            let (method, gateway) = match method_roll {
                0..35 => ("bKash", ""),
                35..55 => ("Nagad", ""),
                55..63 => ("Rocket", ""),
                63..83 => ("card", m.gateways[i % m.gateways.len()]),
                _ => ("bank transfer", m.gateways[(i + 1) % m.gateways.len()]),
            };
            let delivery = match rng.gen_range(0..100) {
                0..80 => "not delivered",
                80..92 => "partly delivered",
                _ => "wrong item",
            };
            // A few had part of their money back before they complained.
            let refunded_before = if rng.gen_range(0..100) < 6 {
                paid * rng.gen_range(10..30) / 100 / 100 * 100
            } else {
                0
            };
            // The shop as the claimant wrote it.
            let merchant = match i % 5 {
                0 | 3 => m.trade_en.to_string(),
                1 => m.trade_bn.to_string(),
                2 => m.web.to_string(),
                _ => format!("https://www.{}/", m.web),
            };
            let order_id = format!(
                "{}-21{:02}{:02}-{:05}",
                m.prefix,
                order_date.month(),
                order_date.day(),
                rng.gen_range(0..100_000)
            );
            let input = ClaimInput {
                claimant_msisdn: mobile,
                claimant_name: name.into(),
                district: district.into(),
                merchant,
                order_id,
                order_date: if i % 3 == 0 {
                    order_date.strftime("%d/%m/%Y").to_string()
                } else {
                    order_date.to_string()
                },
                product: product.into(),
                amount_paid: typed_taka(paid, i % 4 == 1),
                payment_method: method.into(),
                gateway: gateway.into(),
                delivery: delivery.into(),
                amount_refunded: if refunded_before > 0 {
                    refunded_before.to_string()
                } else {
                    String::new()
                },
            };
            let channel =
                [Channel::Web, Channel::Web, Channel::App, Channel::Hotline][rng.gen_range(0..4)];
            let plan = Plan::draw(&mut rng, m);
            out.push(DemoClaim {
                merchant: mi,
                input,
                channel,
                plan,
                answered: plan == Plan::Answered
                    || plan == Plan::PartlyRefunded
                    || (plan.refunded() && rng.gen_range(0..2) == 0),
                part: rng.gen_range(20..=60),
                two_goes: rng.gen_range(0..3) == 0,
            });
        }
    }
    out
}

/// The claims filed a second time (by index in [`demo_claims`]): the same order written
/// another way — the number with `+880`, the shop in Bengali, the order id in lower case
/// with a `#`, the amount in Bengali digits.
const FILED_AGAIN: &[usize] = &[3, 17, 52, 79, 101, 130];

fn again(c: &DemoClaim) -> ClaimInput {
    let m = &MERCHANTS[c.merchant];
    let mut input = c.input.clone();
    input.claimant_msisdn = format!("+88{}", c.input.claimant_msisdn);
    input.merchant = m.trade_bn.into();
    input.order_id = format!("#{}", c.input.order_id.to_lowercase());
    input.amount_paid = seba_core::text::bengali_digits(&c.input.amount_paid);
    input
}

fn refund_channel(method: &str) -> &'static str {
    match method {
        "bKash" => "bKash",
        "Nagad" => "Nagad",
        "Rocket" => "Rocket",
        "card" => "card reversal",
        _ => "bank transfer",
    }
}

fn claim_failed(what: &str, e: ClaimError) -> AppError {
    match e {
        ClaimError::App(e) => e,
        e => AppError::Config(format!("demo claims: {what}: {}", e.explain().en)),
    }
}

impl App {
    /// Load the demo merchants and claims once (see the module's notes). Returns what was
    /// added: nothing if they were loaded before.
    pub async fn load_demo_claims(&self) -> Result<DemoClaims, AppError> {
        if self.store.meta(LOADED_KEY).await?.is_some() {
            return Ok(DemoClaims::default());
        }
        self.bootstrap().await?;
        let now = self.now();
        let start = now - SignedDuration::from_hours(24 * 150);
        let clock = Arc::new(ManualClock::new(start));
        let demo = App {
            clock: clock.clone(),
            ..self.clone()
        };
        let cell = ClaimActor::Cell(Caller::system());
        let mut loaded = DemoClaims::default();

        // The registry (a merchant already there is kept, so a load cut short can resume).
        let geo = seba_geo::Geography::bangladesh();
        let mut ids = Vec::with_capacity(MERCHANTS.len());
        for m in MERCHANTS {
            let known = demo.merchant_registry().await?.matcher.find(m.trade_en);
            let id = match known {
                Match::Known { id, .. } => id,
                _ => {
                    let names = MerchantNames {
                        legal_bn: m.legal_bn.into(),
                        legal_en: m.legal_en.into(),
                        trade_bn: m.trade_bn.into(),
                        trade_en: m.trade_en.into(),
                        aliases: vec![],
                        web: vec![m.web.into()],
                    };
                    let district = geo.district_typed(m.district).map(|d| d.id.0);
                    loaded.merchants += 1;
                    demo.add_merchant(
                        names,
                        Some(DEMO_LICENCE.into()),
                        district,
                        m.status,
                        Caller::system(),
                    )
                    .await
                    .map_err(|e| claim_failed(m.trade_en, e))?
                    .id
                }
            };
            ids.push(id);
            clock.advance(SignedDuration::from_mins(20));
        }

        // Filed over three months.
        let claims = demo_claims();
        let mut filed: Vec<Option<(CaseId, i64, i64)>> = Vec::with_capacity(claims.len());
        let step = SignedDuration::from_secs(90 * 24 * 3600 / claims.len().max(1) as i64);
        clock.set(start + SignedDuration::from_hours(24));
        for (i, c) in claims.iter().enumerate() {
            clock.advance(step);
            let key = format!("{KEY_PREFIX}:{i}");
            match demo
                .file_claim(&c.input, c.channel, Caller::customer(), Some(key))
                .await
            {
                Ok(f) => {
                    if f.merchant.id != ids[c.merchant] {
                        return Err(AppError::Config(format!(
                            "demo claims: `{}` was not matched to {}",
                            c.input.merchant, MERCHANTS[c.merchant].trade_en
                        )));
                    }
                    loaded.claims += 1;
                    filed.push(Some((
                        f.case.id,
                        f.claim.paid_poisha,
                        f.claim.refunded_poisha,
                    )));
                }
                // Filed by a load cut short: its steps were taken then, or are left.
                Err(ClaimError::App(AppError::Exists(_))) => filed.push(None),
                Err(e) => return Err(claim_failed(&c.input.order_id, e)),
            }
        }
        for &i in FILED_AGAIN {
            let Some(c) = claims.get(i) else { continue };
            clock.advance(SignedDuration::from_hours(5));
            let key = format!("{KEY_PREFIX}:{i}:again");
            match demo
                .file_claim(&again(c), Channel::App, Caller::customer(), Some(key))
                .await
            {
                Ok(f) if f.added_to => loaded.filed_again += 1,
                Ok(_) => {
                    return Err(AppError::Config(format!(
                        "demo claims: {} filed again was not recognised",
                        c.input.order_id
                    )));
                }
                Err(ClaimError::App(AppError::Exists(_))) => {}
                Err(e) => return Err(claim_failed(&c.input.order_id, e)),
            }
        }

        // The cell's batches, each over a few days, in order.
        let todo: Vec<(&DemoClaim, CaseId, i64, i64)> = claims
            .iter()
            .zip(&filed)
            .filter_map(|(c, f)| f.map(|(id, paid, refunded)| (c, id, paid, refunded)))
            .collect();
        let phase = |from_day: i64, days: i64, n: usize| {
            clock.set(start + SignedDuration::from_hours(24 * from_day));
            SignedDuration::from_secs(days * 24 * 3600 / n.max(1) as i64)
        };
        let mv = |id: CaseId, to: Stage, note: &'static str| {
            let demo = &demo;
            async move {
                demo.move_claim(id, to, cell, Some(note))
                    .await
                    .map_err(|e| claim_failed(to.as_str(), e))
            }
        };

        // Verified (or closed for want of proof).
        let step = phase(95, 10, todo.len());
        for (c, id, ..) in &todo {
            clock.advance(step);
            if c.plan.verified() {
                mv(
                    *id,
                    Stage::Verified,
                    "ডেমো: রসিদ ও লেনদেন যাচাই করা হয়েছে / Demo: receipt and payment checked",
                )
                .await?;
            } else if c.plan == Plan::Rejected {
                mv(
                    *id,
                    Stage::Closed,
                    "ডেমো: টাকা পরিশোধের কোনো প্রমাণ দেওয়া হয়নি / Demo: no proof of payment was given",
                )
                .await?;
            }
        }
        // Forwarded, merchant by merchant.
        let step = phase(110, 6, todo.len());
        for (c, id, ..) in &todo {
            clock.advance(step);
            if c.plan.forwarded() {
                mv(
                    *id,
                    Stage::Forwarded,
                    "ডেমো: মার্চেন্টের কাছে ব্যাচে পাঠানো হয়েছে / Demo: sent to the merchant in a batch",
                )
                .await?;
            }
        }
        // Answered, or escalated when the merchant went quiet.
        let step = phase(118, 10, todo.len());
        for (c, id, ..) in &todo {
            clock.advance(step);
            if c.answered {
                mv(
                    *id,
                    Stage::MerchantResponded,
                    "ডেমো: মার্চেন্ট জানিয়েছে, গেটওয়েতে আটকে থাকা টাকা ফেরত দেওয়া হবে / Demo: the merchant says the money held by the gateway will be returned",
                )
                .await?;
            } else if c.plan == Plan::Escalated {
                mv(
                    *id,
                    Stage::Escalated,
                    "ডেমো: মার্চেন্ট সাড়া দেয়নি; মন্ত্রণালয়ে পাঠানো হয়েছে / Demo: no answer from the merchant; referred to the ministry",
                )
                .await?;
            }
        }
        // Refunds, in part or in full; some full refunds in two goes, the second later.
        let mut second_goes = Vec::new();
        let step = phase(130, 8, todo.len());
        for (n, (c, id, paid, refunded)) in todo.iter().enumerate() {
            clock.advance(step);
            if !c.plan.refunded() {
                continue;
            }
            let owed = paid - refunded;
            let part = owed * c.part / 100 / 10_000 * 10_000;
            let first = match c.plan {
                Plan::PartlyRefunded => part,
                _ if c.two_goes && part > 0 => {
                    second_goes.push((n, *id, c, owed - part));
                    part
                }
                _ => owed,
            };
            demo.demo_refund(*id, first, c, format!("DEMO-RF-{:04}-1", n + 1))
                .await?;
        }
        let step = phase(140, 6, second_goes.len());
        for (n, id, c, rest) in second_goes {
            clock.advance(step);
            demo.demo_refund(id, rest, c, format!("DEMO-RF-{:04}-2", n + 1))
                .await?;
        }
        // Closed once refunded in full.
        let step = phase(147, 1, todo.len());
        for (c, id, ..) in &todo {
            clock.advance(step);
            if c.plan == Plan::RefundedClosed {
                mv(
                    *id,
                    Stage::Closed,
                    "ডেমো: পুরো টাকা ফেরত পাওয়া গেছে / Demo: refunded in full",
                )
                .await?;
            }
        }

        self.store
            .set_meta_once(LOADED_KEY, &Timestamp::now().to_string())
            .await?;
        tracing::info!(
            merchants = loaded.merchants,
            claims = loaded.claims,
            filed_again = loaded.filed_again,
            "demo claims loaded"
        );
        Ok(loaded)
    }

    /// A refund of `amount` poisha on a demo claim, paid today by the demo clock.
    async fn demo_refund(
        &self,
        id: CaseId,
        amount: i64,
        c: &DemoClaim,
        reference: String,
    ) -> Result<(), AppError> {
        if amount <= 0 {
            return Ok(());
        }
        let paid_on = self.now().to_zoned(seba_core::clock::dhaka()).date();
        self.record_refund(
            id,
            amount,
            paid_on,
            refund_channel(&c.input.payment_method),
            &reference,
            ClaimActor::Cell(Caller::system()),
        )
        .await
        .map_err(|e| claim_failed(&format!("a refund of {reference}"), e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestApp;

    #[test]
    fn the_tables_are_what_the_demo_promises() {
        let claims = demo_claims();
        assert!((140..=160).contains(&claims.len()), "{}", claims.len());
        for m in MERCHANTS {
            assert!(m.victims <= m.claims && m.victims > 0, "{}", m.trade_en);
            assert!(!m.products.is_empty() && !m.gateways.is_empty());
        }
        let geo = seba_geo::Geography::bangladesh();
        for d in DISTRICTS
            .iter()
            .chain(MERCHANTS.iter().flat_map(|m| m.home))
        {
            assert!(geo.district_typed(d).is_some(), "{d}");
        }
        for c in &claims {
            let paid: i64 = seba_core::text::ascii_digits(&c.input.amount_paid)
                .replace(',', "")
                .parse()
                .unwrap();
            assert!((2_000..=250_000).contains(&paid), "{paid}");
            assert!(c.input.claimant_msisdn.starts_with("0171000"));
        }
        // The same every time.
        let again = demo_claims();
        assert!(
            claims
                .iter()
                .zip(&again)
                .all(|(a, b)| a.input == b.input && a.plan == b.plan)
        );
        // Every stage is shown.
        for plan in [
            Plan::Submitted,
            Plan::Verified,
            Plan::Forwarded,
            Plan::Answered,
            Plan::PartlyRefunded,
            Plan::Refunded,
            Plan::RefundedClosed,
            Plan::Escalated,
            Plan::Rejected,
        ] {
            assert!(claims.iter().any(|c| c.plan == plan), "{plan:?}");
        }
    }

    async fn count(app: &App) -> (usize, usize) {
        (
            app.store.merchants().await.unwrap().len(),
            app.store.claims(None, None, 1_000).await.unwrap().len(),
        )
    }

    #[tokio::test]
    async fn loaded_once_with_named_and_folded_merchants() {
        let t = TestApp::new().await;
        let first = t.app.load_demo_claims().await.unwrap();
        let expected: usize = MERCHANTS.iter().map(|m| m.claims).sum();
        assert_eq!(
            first,
            DemoClaims {
                merchants: MERCHANTS.len(),
                claims: expected,
                filed_again: FILED_AGAIN.len(),
            }
        );
        let before = count(&t.app).await;
        assert_eq!(before, (MERCHANTS.len(), expected));
        assert_eq!(
            t.app.load_demo_claims().await.unwrap(),
            DemoClaims::default(),
            "the second load adds nothing"
        );
        assert_eq!(count(&t.app).await, before);

        let report = t.app.claims_report().await.unwrap();
        assert_eq!(report.merchants.len(), MERCHANTS.len());
        assert!(
            report
                .merchants
                .iter()
                .all(|l| l.licence.as_deref() == Some(DEMO_LICENCE)),
            "every merchant is marked as demo data"
        );
        // Refunds and every stage are there.
        assert!(
            report
                .merchants
                .iter()
                .any(|l| l.totals.refunded_poisha > 0)
        );
        let stages: std::collections::BTreeSet<String> = t
            .app
            .store
            .claims(None, None, 1_000)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.stage)
            .collect();
        for s in [
            "submitted",
            "verified",
            "forwarded",
            "merchant_responded",
            "partly_refunded",
            "refunded",
            "escalated",
            "closed",
        ] {
            assert!(stages.contains(s), "{s} in {stages:?}");
        }
        let public = report.public();
        assert!(public.merchants.len() >= 5, "{:?}", public.merchants);
        assert!(public.merchants.iter().any(|m| m.name_en == "Evaly"));
        assert!(
            public.other_merchants.is_some(),
            "the smallest merchants are folded"
        );
        assert!(
            !public
                .merchants
                .iter()
                .any(|m| m.name_en == "Ringid" || m.name_en == "Aadyanet")
        );
        assert!(public.pending_merchants.is_none(), "every name was matched");
    }
}
