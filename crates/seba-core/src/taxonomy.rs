//! The two-level category taxonomy and the queues cases land in.
//!
//! These are the defaults a new deployment starts with (and the demo loads); the store
//! keeps the live taxonomy, which admins may extend. A category code is
//! `<domain>.<problem>`; its parent is the domain (`mfs`, `ecommerce`, `general`).

use serde::Serialize;

/// A category as seeded. `parent: None` for the top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CategorySeed {
    pub code: &'static str,
    pub parent: Option<&'static str>,
    pub name_bn: &'static str,
    pub name_en: &'static str,
    /// The queue a new case of this category goes to.
    pub queue: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QueueSeed {
    pub code: &'static str,
    pub name_bn: &'static str,
    pub name_en: &'static str,
}

pub const QUEUES: &[QueueSeed] = &[
    QueueSeed {
        code: "hotline",
        name_bn: "হটলাইন ১৬২৪৭",
        name_en: "Hotline 16247",
    },
    QueueSeed {
        code: "complaint_cell",
        name_bn: "অভিযোগ সেল",
        name_en: "Complaint cell",
    },
    QueueSeed {
        code: "ecommerce_cell",
        name_bn: "ই-কমার্স সেল",
        name_en: "E-commerce cell",
    },
    QueueSeed {
        code: "fraud",
        name_bn: "প্রতারণা প্রতিরোধ",
        name_en: "Fraud desk",
    },
    QueueSeed {
        code: "centre",
        name_bn: "কাস্টমার কেয়ার সেন্টার",
        name_en: "Customer-care centres",
    },
];

const fn cat(
    code: &'static str,
    parent: Option<&'static str>,
    name_bn: &'static str,
    name_en: &'static str,
    queue: &'static str,
) -> CategorySeed {
    CategorySeed {
        code,
        parent,
        name_bn,
        name_en,
        queue,
    }
}

pub const CATEGORIES: &[CategorySeed] = &[
    cat(
        "mfs",
        None,
        "মোবাইল আর্থিক সেবা",
        "Mobile financial service",
        "hotline",
    ),
    cat(
        "mfs.wrong_transfer",
        Some("mfs"),
        "ভুল নম্বরে টাকা পাঠানো",
        "Money sent to a wrong number",
        "complaint_cell",
    ),
    cat(
        "mfs.cash_out",
        Some("mfs"),
        "ক্যাশ আউট সমস্যা",
        "Cash-out problem",
        "hotline",
    ),
    cat(
        "mfs.agent_conduct",
        Some("mfs"),
        "এজেন্টের আচরণ / বাড়তি চার্জ",
        "Agent conduct or overcharging",
        "complaint_cell",
    ),
    cat(
        "mfs.pin_lock",
        Some("mfs"),
        "পিন ভুলে যাওয়া / অ্যাকাউন্ট লক",
        "Forgotten PIN or locked account",
        "hotline",
    ),
    cat(
        "mfs.fraud_call",
        Some("mfs"),
        "প্রতারক কল / এসএমএস",
        "Fraud or scam call or SMS",
        "fraud",
    ),
    cat(
        "mfs.payment_failure",
        Some("mfs"),
        "পেমেন্ট বা রিচার্জ ব্যর্থ",
        "Payment or recharge failed",
        "hotline",
    ),
    cat(
        "mfs.g2p",
        Some("mfs"),
        "সরকারি ভাতা / উপবৃত্তি পাইনি",
        "Government allowance or stipend not received",
        "complaint_cell",
    ),
    cat(
        "mfs.remittance",
        Some("mfs"),
        "রেমিট্যান্স",
        "Remittance",
        "complaint_cell",
    ),
    cat(
        "mfs.app_login",
        Some("mfs"),
        "অ্যাপ / লগইন সমস্যা",
        "App or login problem",
        "hotline",
    ),
    cat(
        "mfs.kyc",
        Some("mfs"),
        "এনআইডি / কেওয়াইসি",
        "NID or KYC",
        "centre",
    ),
    cat("ecommerce", None, "ই-কমার্স", "E-commerce", "ecommerce_cell"),
    cat(
        "ecommerce.non_delivery",
        Some("ecommerce"),
        "পণ্য পাইনি",
        "Order not delivered",
        "ecommerce_cell",
    ),
    cat(
        "ecommerce.refund",
        Some("ecommerce"),
        "টাকা ফেরত পাইনি",
        "Refund not received",
        "ecommerce_cell",
    ),
    cat(
        "ecommerce.wrong_product",
        Some("ecommerce"),
        "ভুল বা নকল পণ্য",
        "Wrong or fake product",
        "ecommerce_cell",
    ),
    cat(
        "ecommerce.seller_unresponsive",
        Some("ecommerce"),
        "বিক্রেতা সাড়া দিচ্ছে না",
        "Seller not responding",
        "ecommerce_cell",
    ),
    cat(
        "ecommerce.payment_stuck",
        Some("ecommerce"),
        "পেমেন্ট আটকে আছে",
        "Payment stuck",
        "ecommerce_cell",
    ),
    cat("general", None, "সাধারণ", "General", "hotline"),
    cat(
        "general.enquiry",
        Some("general"),
        "তথ্য জানতে চাই",
        "Enquiry",
        "hotline",
    ),
    cat(
        "general.feedback",
        Some("general"),
        "মতামত",
        "Feedback",
        "hotline",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxonomy_is_two_levels_and_consistent() {
        for c in CATEGORIES {
            match c.parent {
                None => assert!(!c.code.contains('.'), "{}", c.code),
                Some(p) => {
                    assert!(c.code.starts_with(&format!("{p}.")), "{}", c.code);
                    let parent = CATEGORIES
                        .iter()
                        .find(|x| x.code == p)
                        .expect("parent exists");
                    assert!(parent.parent.is_none(), "only two levels");
                }
            }
            assert!(
                QUEUES.iter().any(|q| q.code == c.queue),
                "{} -> {}",
                c.code,
                c.queue
            );
        }
    }
}
