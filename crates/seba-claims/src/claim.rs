//! A victim's claim, checked field by field.
//!
//! Every field a victim (or the cell, or a spreadsheet) gives is text; [`ClaimInput::check`]
//! turns it into a [`CheckedClaim`] or lists every field at fault with a message in both
//! languages — nothing is stored from a claim that does not check whole.
//!
//! The same claimant, merchant and order is one claim: [`dedup_key`] is what the store
//! keeps unique, and a second filing adds to the first instead of counting the loss twice.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use seba_core::bilingual::{Bilingual, Explain};
use seba_core::contact::Msisdn;

use crate::money;

/// How the claimant paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// A mobile financial service (bKash, Nagad, Rocket, Upay …).
    Mfs,
    Card,
    Bank,
    CashOnDelivery,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::Mfs,
        PaymentMethod::Card,
        PaymentMethod::Bank,
        PaymentMethod::CashOnDelivery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Mfs => "mfs",
            PaymentMethod::Card => "card",
            PaymentMethod::Bank => "bank",
            PaymentMethod::CashOnDelivery => "cod",
        }
    }

    pub fn label(self) -> Bilingual {
        match self {
            PaymentMethod::Mfs => Bilingual::new("মোবাইল ব্যাংকিং", "Mobile financial service"),
            PaymentMethod::Card => Bilingual::new("কার্ড", "Card"),
            PaymentMethod::Bank => Bilingual::new("ব্যাংক", "Bank transfer"),
            PaymentMethod::CashOnDelivery => Bilingual::new("ক্যাশ অন ডেলিভারি", "Cash on delivery"),
        }
    }

    /// The method as written, and the gateway it names if it names one ("bKash" is a
    /// mobile financial service through bKash).
    pub fn parse(input: &str) -> Option<(PaymentMethod, Option<&'static str>)> {
        let s = seba_search::normalize::normalize_word(input.trim());
        let s = s.replace(['-', '_', '.'], " ");
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(match s.as_str() {
            "mfs" | "mobile banking" | "mobile financial service" | "মোবাইল ব্যাংকিং" => {
                (PaymentMethod::Mfs, None)
            }
            "bkash" | "bikash" | "বিকাশ" => (PaymentMethod::Mfs, Some("bKash")),
            "nagad" | "নগদ" => (PaymentMethod::Mfs, Some("Nagad")),
            "rocket" | "রকেট" => (PaymentMethod::Mfs, Some("Rocket")),
            "upay" | "উপায়" => (PaymentMethod::Mfs, Some("Upay")),
            "card" | "visa" | "mastercard" | "amex" | "credit card" | "debit card" | "কার্ড" => {
                (PaymentMethod::Card, None)
            }
            "bank" | "bank transfer" | "eft" | "npsb" | "ব্যাংক" => {
                (PaymentMethod::Bank, None)
            }
            "cod" | "cash on delivery" | "cash" | "ক্যাশ অন ডেলিভারি" | "ক্যাশ" => {
                (PaymentMethod::CashOnDelivery, None)
            }
            _ => return None,
        })
    }
}

/// What arrived of the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    NotDelivered,
    PartlyDelivered,
    /// Something else, or a fake, arrived.
    WrongItem,
    Delivered,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::NotDelivered => "not_delivered",
            Delivery::PartlyDelivered => "partly_delivered",
            Delivery::WrongItem => "wrong_item",
            Delivery::Delivered => "delivered",
        }
    }

    pub fn parse(input: &str) -> Option<Delivery> {
        let s = seba_search::normalize::normalize_word(input.trim()).replace(['-', '_'], " ");
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(match s.as_str() {
            "not delivered" | "no" | "not received" | "পাইনি" | "পণ্য পাইনি" | "ডেলিভারি হয়নি" => {
                Delivery::NotDelivered
            }
            "partly delivered" | "partial" | "partly" | "আংশিক" => {
                Delivery::PartlyDelivered
            }
            "wrong item" | "wrong" | "fake" | "ভুল পণ্য" | "নকল" => {
                Delivery::WrongItem
            }
            "delivered" | "yes" | "received" | "পেয়েছি" => Delivery::Delivered,
            _ => return None,
        })
    }

    pub fn label(self) -> Bilingual {
        match self {
            Delivery::NotDelivered => Bilingual::new("পণ্য পাননি", "Not delivered"),
            Delivery::PartlyDelivered => Bilingual::new("আংশিক পেয়েছেন", "Partly delivered"),
            Delivery::WrongItem => Bilingual::new("ভুল বা নকল পণ্য", "Wrong or fake item"),
            Delivery::Delivered => Bilingual::new("পেয়েছেন", "Delivered"),
        }
    }
}

/// A claim as given: every field as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClaimInput {
    pub claimant_msisdn: String,
    pub claimant_name: String,
    pub district: String,
    pub merchant: String,
    pub order_id: String,
    pub order_date: String,
    pub product: String,
    pub amount_paid: String,
    pub payment_method: String,
    pub gateway: String,
    pub delivery: String,
    pub amount_refunded: String,
}

/// A claim that checked whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedClaim {
    pub claimant: Msisdn,
    pub claimant_name: Option<String>,
    /// The district's id in the geography.
    pub district: u16,
    /// The merchant's name as typed, cleaned; matched to the registry by the caller.
    pub merchant: String,
    pub order_id: String,
    pub order_date: Date,
    pub product: String,
    pub paid_poisha: i64,
    pub method: PaymentMethod,
    pub gateway: Option<String>,
    pub delivery: Delivery,
    pub refunded_poisha: i64,
}

/// One field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: Bilingual,
}

fn err(field: &'static str, bn: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: Bilingual::new(bn, en),
    }
}

/// Orders before this are not claims the cell takes (the first collapses were in 2021;
/// this leaves room for older disputes without accepting typos like 1921).
pub const EARLIEST_ORDER: Date = jiff::civil::date(2015, 1, 1);

fn text(
    field: &'static str,
    value: &str,
    max: usize,
    required: bool,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let s = seba_core::text::clean(value);
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        if required {
            errors.push(err(field, "এই ঘরটি পূরণ করুন", "This field is required"));
        }
        return None;
    }
    if s.chars().count() > max {
        errors.push(FieldError {
            field,
            message: Bilingual::new(
                format!(
                    "সর্বোচ্চ {} অক্ষর",
                    seba_core::text::bengali_digits(&max.to_string())
                ),
                format!("At most {max} characters"),
            ),
        });
        return None;
    }
    Some(s)
}

/// An order date as people write it: `2021-07-15`, `15/07/2021`, `15-07-2021`, either
/// digit script.
pub fn parse_date(input: &str) -> Option<Date> {
    let s = seba_core::text::ascii_digits(input.trim());
    if let Ok(d) = s.parse::<Date>() {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let [d, m, y] = parts[..] else {
        return None;
    };
    if y.len() != 4 {
        return None;
    }
    let (d, m, y): (i8, i8, i16) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
    Date::new(y, m, d).ok()
}

/// An order id as the shop printed it: letters, digits and `-_/#.`; compared without
/// case, spaces or a leading `#`.
pub fn normalize_order_id(input: &str) -> String {
    seba_core::text::ascii_digits(input)
        .trim()
        .trim_start_matches('#')
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

impl ClaimInput {
    /// Check every field; `today` is the date in Dhaka (an order date may not be after it).
    pub fn check(&self, today: Date) -> Result<CheckedClaim, Vec<FieldError>> {
        let mut errors = Vec::new();
        let claimant = match Msisdn::parse(&self.claimant_msisdn) {
            Ok(m) => Some(m),
            Err(e) => {
                errors.push(FieldError {
                    field: "claimant_msisdn",
                    message: e.explain(),
                });
                None
            }
        };
        let claimant_name = text(
            "claimant_name",
            &self.claimant_name,
            100,
            false,
            &mut errors,
        );
        let district = match self.district.trim() {
            "" => {
                errors.push(err("district", "জেলা দিন", "Give the district"));
                None
            }
            d => match seba_geo::Geography::bangladesh().district_typed(d) {
                Some(d) => Some(d.id.0),
                None => {
                    errors.push(err(
                        "district",
                        "এই নামে কোনো জেলা নেই",
                        "No district by that name",
                    ));
                    None
                }
            },
        };
        let merchant = match crate::merchant::clean_name(&self.merchant) {
            Ok(m) => Some(m),
            Err(e) => {
                errors.push(FieldError {
                    field: "merchant",
                    message: e.explain(),
                });
                None
            }
        };
        let order_id = text("order_id", &self.order_id, 64, true, &mut errors).and_then(|o| {
            let n = normalize_order_id(&o);
            let ok = !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
            if ok {
                Some(n)
            } else {
                errors.push(err(
                    "order_id",
                    "অর্ডার নম্বরে শুধু অক্ষর, অঙ্ক আর - _ / . থাকতে পারে",
                    "An order id has only letters, digits and - _ / .",
                ));
                None
            }
        });
        let order_date = match self.order_date.trim() {
            "" => {
                errors.push(err("order_date", "অর্ডারের তারিখ দিন", "Give the order date"));
                None
            }
            d => match parse_date(d) {
                Some(d) if d > today => {
                    errors.push(err(
                        "order_date",
                        "অর্ডারের তারিখ ভবিষ্যতে হতে পারে না",
                        "The order date cannot be in the future",
                    ));
                    None
                }
                Some(d) if d < EARLIEST_ORDER => {
                    errors.push(err(
                        "order_date",
                        "অর্ডারের তারিখ ২০১৫ সালের আগে হতে পারে না",
                        "The order date cannot be before 2015",
                    ));
                    None
                }
                Some(d) => Some(d),
                None => {
                    errors.push(err(
                        "order_date",
                        "তারিখটি বোঝা যায়নি (যেমন ১৫/০৭/২০২১)",
                        "Not a date (write e.g. 15/07/2021 or 2021-07-15)",
                    ));
                    None
                }
            },
        };
        let product = text("product", &self.product, 200, true, &mut errors);
        let amount = |field: &'static str, value: &str, errors: &mut Vec<FieldError>| {
            match money::parse_taka(value) {
                Ok(p) => Some(p),
                Err(e) => {
                    errors.push(FieldError {
                        field,
                        message: e.explain(),
                    });
                    None
                }
            }
        };
        let paid = match self.amount_paid.trim() {
            "" => {
                errors.push(err(
                    "amount_paid",
                    "কত টাকা দিয়েছেন লিখুন",
                    "Give the amount paid",
                ));
                None
            }
            v => match amount("amount_paid", v, &mut errors) {
                Some(0) => {
                    errors.push(FieldError {
                        field: "amount_paid",
                        message: Bilingual::new(
                            "দেওয়া টাকার অঙ্ক শূন্য হতে পারে না",
                            "The amount paid cannot be zero",
                        ),
                    });
                    None
                }
                other => other,
            },
        };
        let refunded = match self.amount_refunded.trim() {
            "" => Some(0),
            v => amount("amount_refunded", v, &mut errors),
        };
        if let (Some(p), Some(r)) = (paid, refunded)
            && r > p
        {
            errors.push(err(
                "amount_refunded",
                "ফেরত পাওয়া টাকা দেওয়া টাকার বেশি হতে পারে না",
                "The amount refunded cannot be more than the amount paid",
            ));
        }
        let method = match PaymentMethod::parse(&self.payment_method) {
            Some(m) => Some(m),
            None => {
                errors.push(err(
                    "payment_method",
                    "পরিশোধের মাধ্যম হবে মোবাইল ব্যাংকিং (বিকাশ, নগদ…), কার্ড, ব্যাংক বা ক্যাশ অন ডেলিভারি",
                    "The payment method is one of: mfs (bKash, Nagad …), card, bank, cod",
                ));
                None
            }
        };
        let gateway = text("gateway", &self.gateway, 60, false, &mut errors)
            .or_else(|| method.and_then(|(_, g)| g).map(str::to_string));
        let delivery = match self.delivery.trim() {
            "" => Some(Delivery::NotDelivered),
            d => match Delivery::parse(d) {
                Some(d) => Some(d),
                None => {
                    errors.push(err(
                        "delivery",
                        "ডেলিভারির অবস্থা হবে: পাইনি, আংশিক, ভুল পণ্য বা পেয়েছি",
                        "Delivery is one of: not_delivered, partly_delivered, wrong_item, delivered",
                    ));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        match (
            claimant, district, merchant, order_id, order_date, product, paid, refunded, method,
            delivery,
        ) {
            (
                Some(claimant),
                Some(district),
                Some(merchant),
                Some(order_id),
                Some(order_date),
                Some(product),
                Some(paid_poisha),
                Some(refunded_poisha),
                Some((method, _)),
                Some(delivery),
            ) => Ok(CheckedClaim {
                claimant,
                claimant_name,
                district,
                merchant,
                order_id,
                order_date,
                product,
                paid_poisha,
                method,
                gateway,
                delivery,
                refunded_poisha,
            }),
            _ => Err(vec![err(
                "claim",
                "দাবিটি অসম্পূর্ণ",
                "The claim is incomplete",
            )]),
        }
    }
}

/// What makes two filings one claim: the merchant, the claimant and the order, spelt
/// `{merchant}|{claimant}|{order}` — the store counts a merchant's victims from the keys
/// that begin `{merchant}|{claimant}|`, and a merchant's claims sit side by side.
pub fn dedup_key(claimant: &Msisdn, merchant_id: i64, order_id: &str) -> String {
    format!(
        "{merchant_id}|{}|{}",
        claimant.as_e164(),
        normalize_order_id(order_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        jiff::civil::date(2026, 12, 7)
    }

    fn good() -> ClaimInput {
        ClaimInput {
            claimant_msisdn: "০১৭১২-৩৪৫৬৭৮".into(),
            claimant_name: "রহিম উদ্দিন".into(),
            district: "Gazipur".into(),
            merchant: "Evaly".into(),
            order_id: "#ev 12345".into(),
            order_date: "15/07/2021".into(),
            product: "Motorcycle".into(),
            amount_paid: "1,25,000".into(),
            payment_method: "bKash".into(),
            gateway: String::new(),
            delivery: "পাইনি".into(),
            amount_refunded: "".into(),
        }
    }

    #[test]
    fn a_good_claim_checks_whole() {
        let c = good().check(today()).unwrap();
        assert_eq!(c.claimant.as_e164(), "+8801712345678");
        assert_eq!(c.order_id, "EV12345");
        assert_eq!(c.order_date, jiff::civil::date(2021, 7, 15));
        assert_eq!(c.paid_poisha, 12_500_000);
        assert_eq!(c.method, PaymentMethod::Mfs);
        assert_eq!(c.gateway.as_deref(), Some("bKash"));
        assert_eq!(c.delivery, Delivery::NotDelivered);
        assert_eq!(c.refunded_poisha, 0);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ClaimInput {
            claimant_msisdn: "12345".into(),
            district: "Atlantis".into(),
            merchant: "".into(),
            order_id: "ab$cd".into(),
            order_date: "2027-01-01".into(),
            product: "".into(),
            amount_paid: "-500".into(),
            payment_method: "barter".into(),
            delivery: "maybe".into(),
            amount_refunded: "abc".into(),
            ..ClaimInput::default()
        };
        let errors = bad.check(today()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        for f in [
            "claimant_msisdn",
            "district",
            "merchant",
            "order_id",
            "order_date",
            "product",
            "amount_paid",
            "payment_method",
            "delivery",
            "amount_refunded",
        ] {
            assert!(fields.contains(&f), "{f} not in {fields:?}");
        }
        for e in &errors {
            assert!(!e.message.bn.is_empty() && !e.message.en.is_empty());
        }
    }

    #[test]
    fn absurd_amounts_and_refunds_above_the_payment_are_refused() {
        let mut c = good();
        c.amount_paid = "20,00,00,000".into();
        assert!(c.check(today()).unwrap_err()[0].field == "amount_paid");
        let mut c = good();
        c.amount_paid = "1000".into();
        c.amount_refunded = "1500".into();
        assert_eq!(c.check(today()).unwrap_err()[0].field, "amount_refunded");
        let mut c = good();
        c.amount_paid = "0".into();
        assert_eq!(c.check(today()).unwrap_err()[0].field, "amount_paid");
    }

    #[test]
    fn one_order_is_one_claim_however_its_id_is_written() {
        let m = Msisdn::parse("01712345678").unwrap();
        assert_eq!(dedup_key(&m, 7, "#ev 12345"), dedup_key(&m, 7, "EV12345"));
        assert_ne!(dedup_key(&m, 7, "EV12345"), dedup_key(&m, 8, "EV12345"));
    }
}
