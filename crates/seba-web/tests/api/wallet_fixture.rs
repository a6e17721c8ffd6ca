//! The wallet account the PIN tests share: its number, identity, PINs and recent
//! transactions, seeded straight into the store.

use jiff::SignedDuration;

use seba_core::contact::Msisdn;
use seba_core::wallet::{Nid, Pin};
use seba_store::{WalletAccountRecord, WalletTransactionRecord};

use crate::common::TestApp;

pub const NUMBER: &str = "01712345678";
pub const E164: &str = "+8801712345678";
pub const NID: &str = "4623145987";
/// The NID as printed on the card, in Bengali digits with spaces.
pub const NID_BN: &str = "৪৬২ ৩১৪ ৫৯৮৭";
/// 25 March 1990, in the forms customers type.
pub const DOB: &str = "1990-03-25";
pub const DOB_BN: &str = "২৫/০৩/১৯৯০";
pub const CURRENT: &str = "48213";
pub const NEW: &str = "70519";
pub const NEW_BN: &str = "৭০৫১৯";
pub const WRONG: &str = "13579";
/// A number without an account.
pub const UNKNOWN: &str = "01812345678";

/// The account's recent transactions: (kind, poisha).
pub const TXS: &[(&str, i64)] = &[
    ("cash_out", 200_000),
    ("cash_in", 500_000),
    ("send_money", 125_000),
    ("recharge", 9_900),
    ("payment", 34_750),
    ("send_money", 70_000),
];

pub fn pin(s: &str) -> Pin {
    Pin::parse(s).expect("a PIN")
}

pub fn msisdn(s: &str) -> Msisdn {
    Msisdn::parse(s).expect("a number")
}

/// An active account under `number` with PIN `current` and [`TXS`].
pub async fn seed(t: &TestApp, number: &str, current: &str) {
    let app = &t.app;
    let m = msisdn(number);
    let now = app.now();
    app.store
        .upsert_wallet_accounts(vec![WalletAccountRecord {
            msisdn: m.as_e164().into(),
            name: "রহিমা বেগম (Rahima Begum)".into(),
            nid_hash: app.nid_hash(&Nid::parse(NID).expect("an NID")),
            date_of_birth: DOB.parse().expect("a date"),
            status: "active".into(),
            pin_hash: app.hash_pin(&pin(current)).expect("hashing a PIN"),
            pin_history: vec![],
            failed_pins: 0,
            locked_until: None,
            lock_count: 0,
            pin_changed_at: None,
            version: 1,
        }])
        .await
        .expect("an account");
    app.store
        .add_wallet_transactions(
            TXS.iter()
                .enumerate()
                .map(|(i, (kind, amount))| WalletTransactionRecord {
                    msisdn: m.as_e164().into(),
                    id: format!("TX{}{i:04}", &m.as_e164()[6..]),
                    kind: (*kind).into(),
                    amount_poisha: *amount,
                    at: now - SignedDuration::from_hours(3 * (i as i64 + 1)),
                })
                .collect(),
        )
        .await
        .expect("transactions");
}
