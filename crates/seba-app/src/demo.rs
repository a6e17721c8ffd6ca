//! Demo data: staff accounts and a few hundred realistic cases, loaded once.
//!
//! The cases are spread over the last 30 days by running the ordinary commands under a
//! demo clock, so every case has a real audit trail, outbox rows and SLA clock — the demo
//! exercises the same code as production.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use seba_core::case::{Channel, MessageKind, Priority};
use seba_core::clock::ManualClock;
use seba_core::ids::UserId;
use seba_core::lifecycle::Action;
use seba_core::staff::Role;

use crate::cases::{Assignment, Caller, MessageInput, NewCaseInput};
use crate::{App, AppError};

/// A staff account the demo created, with its one-time printed password.
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub username: &'static str,
    pub role: Role,
    pub password: String,
}

const STAFF: &[(&str, &str, Role)] = &[
    ("admin", "সিস্টেম অ্যাডমিন", Role::Admin),
    ("supervisor", "নাসরিন আক্তার (সুপারভাইজার)", Role::Supervisor),
    ("rahima", "রহিমা খাতুন", Role::Agent),
    ("karim", "Karim Uddin", Role::Agent),
    ("auditor", "নিরীক্ষক / Auditor", Role::Auditor),
];

/// (category, subject, body) — the complaints people actually send.
const CASES: &[(&str, &str, &str)] = &[
    (
        "mfs.wrong_transfer",
        "ভুল নম্বরে টাকা চলে গেছে",
        "আমি ৫০০০ টাকা সেন্ড মানি করতে গিয়ে এক অঙ্ক ভুল করেছি। টাকাটা ফেরত চাই। ট্রানজেকশন আইডি 8N7A6B5C4D।",
    ),
    (
        "mfs.wrong_transfer",
        "Sent money to a wrong number",
        "I sent 2,500 taka to 01812345670 instead of 01812345607 yesterday evening. Please help me get it back.",
    ),
    (
        "mfs.cash_out",
        "ক্যাশ আউট করে টাকা পাইনি",
        "এজেন্টের কাছে ২০০০ টাকা ক্যাশ আউট করেছি, ব্যালেন্স কেটেছে কিন্তু এজেন্ট বলছে টাকা পায়নি।",
    ),
    (
        "mfs.agent_conduct",
        "এজেন্ট বেশি চার্জ নিয়েছে",
        "বাজারের এজেন্ট ১০০০ টাকায় ৩০ টাকা চার্জ নিয়েছে, রসিদ দেয়নি।",
    ),
    (
        "mfs.pin_lock",
        "পিন ভুলে গেছি, অ্যাকাউন্ট লক",
        "তিনবার ভুল পিন দেওয়ায় অ্যাকাউন্ট লক হয়ে গেছে। কিভাবে পিন রিসেট করব?",
    ),
    (
        "mfs.pin_lock",
        "Account locked after wrong PIN",
        "My account is locked after 3 wrong PIN tries. I cannot reset from *247#, it says try later.",
    ),
    (
        "mfs.fraud_call",
        "প্রতারক ফোন করে ওটিপি চেয়েছে",
        "একজন নিজেকে কাস্টমার কেয়ার বলে ফোন করে ভেরিফিকেশন কোড চেয়েছে। পরে আমার অ্যাকাউন্ট থেকে ৮৫০০ টাকা চলে গেছে।",
    ),
    (
        "mfs.fraud_call",
        "Scam call asking for my PIN",
        "Someone called from 01900000000 saying I won a prize and asked for my PIN. I did not give it. Please block this number.",
    ),
    (
        "mfs.payment_failure",
        "রিচার্জ হয়নি কিন্তু টাকা কেটেছে",
        "১০০ টাকা মোবাইল রিচার্জ করেছি, ব্যালেন্স কেটেছে কিন্তু রিচার্জ আসেনি।",
    ),
    (
        "mfs.payment_failure",
        "Merchant payment failed",
        "Paid 1,250 taka at a shop with QR, the app showed failed but the money was deducted.",
    ),
    (
        "mfs.g2p",
        "উপবৃত্তির টাকা পাইনি",
        "আমার মেয়ের উপবৃত্তির টাকা এই মাসে আসেনি। স্কুল বলছে পাঠানো হয়েছে।",
    ),
    (
        "mfs.g2p",
        "বয়স্ক ভাতা আসেনি",
        "আমার বাবার বয়স্ক ভাতা তিন মাস ধরে আসছে না। উপজেলা অফিস বলছে মোবাইল নম্বরে পাঠানো হয়েছে।",
    ),
    (
        "mfs.remittance",
        "প্রবাস থেকে পাঠানো টাকা আসেনি",
        "মালয়েশিয়া থেকে ভাই রেমিট্যান্স পাঠিয়েছে, দুই দিন হয়ে গেল এখনো আসেনি।",
    ),
    (
        "mfs.app_login",
        "অ্যাপে লগইন হচ্ছে না",
        "নতুন ফোনে অ্যাপ ইনস্টল করেছি, ভেরিফিকেশন কোড আসছে না।",
    ),
    (
        "mfs.kyc",
        "NID verification failed",
        "Account opening fails at NID verification. My NID is valid, the photo does not match they say.",
    ),
    (
        "ecommerce.non_delivery",
        "অর্ডার করা পণ্য পাইনি",
        "ছয় মাস আগে একটি মোটরসাইকেল অর্ডার করে ১,২০,০০০ টাকা অগ্রিম দিয়েছি। এখনো ডেলিভারি পাইনি, শপ ফোন ধরে না।",
    ),
    (
        "ecommerce.non_delivery",
        "Order not delivered after 90 days",
        "Ordered a fridge in the campaign sale and paid 45,000 taka by card. No delivery, no reply.",
    ),
    (
        "ecommerce.refund",
        "রিফান্ড পাইনি",
        "অর্ডার বাতিল করার পর রিফান্ডের কথা ছিল ৭ দিনে, দুই মাস হয়ে গেল টাকা ফেরত পাইনি।",
    ),
    (
        "ecommerce.wrong_product",
        "নকল পণ্য দিয়েছে",
        "অরিজিনাল বলে বিক্রি করেছে, কিন্তু প্যাকেট খুলে দেখি নকল পারফিউম।",
    ),
    (
        "ecommerce.seller_unresponsive",
        "Seller not answering",
        "The seller on the Facebook page stopped replying after I paid the advance.",
    ),
    (
        "ecommerce.payment_stuck",
        "পেমেন্ট আটকে আছে",
        "গেটওয়েতে পেমেন্ট করেছি, অর্ডার কনফার্ম হয়নি, টাকাও ফেরত আসেনি।",
    ),
    (
        "general.enquiry",
        "সেবা কেন্দ্র কখন খোলা?",
        "ঈদের ছুটিতে কাস্টমার কেয়ার সেন্টার খোলা থাকবে কি?",
    ),
];

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
];

const CHANNELS: &[Channel] = &[
    Channel::Hotline,
    Channel::App,
    Channel::Web,
    Channel::Ussd,
    Channel::Email,
    Channel::Facebook,
    Channel::Chat,
    Channel::Review,
    Channel::Dropbox,
    Channel::Hotline,
    Channel::App,
];

impl App {
    /// Load the demo once. Returns the staff created (with passwords) — empty if the demo
    /// was already loaded.
    pub async fn load_demo(&self, cases: usize) -> Result<Vec<DemoUser>, AppError> {
        self.bootstrap().await?;
        // Before the check below, so a demo loaded before there were points gets them too.
        self.load_demo_points().await?;
        self.load_demo_wallets().await?;
        if self.store.meta("demo_loaded").await?.is_some() {
            return Ok(vec![]);
        }
        let mut users = Vec::new();
        let mut ids: Vec<(UserId, Role)> = Vec::new();
        for (username, name, role) in STAFF {
            let password = self.random.token(12);
            match self
                .add_user(username, name, *role, &password, Caller::system())
                .await
            {
                Ok(id) => {
                    ids.push((id, *role));
                    users.push(DemoUser {
                        username,
                        role: *role,
                        password,
                    });
                }
                Err(AppError::Exists(_)) => {
                    if let Some(u) = self.store.user_by_name(username).await? {
                        ids.push((u.id, *role));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        let agents: Vec<UserId> = ids
            .iter()
            .filter(|(_, r)| *r == Role::Agent)
            .map(|(id, _)| *id)
            .collect();
        let supervisor = ids
            .iter()
            .find(|(_, r)| *r == Role::Supervisor)
            .map(|(id, _)| *id)
            .unwrap_or(UserId(1));

        // Replay a month under a demo clock.
        let start = self.now() - SignedDuration::from_hours(30 * 24);
        let clock = Arc::new(ManualClock::new(start));
        let demo = App {
            clock: clock.clone(),
            ..self.clone()
        };
        let step = SignedDuration::from_secs((30 * 24 * 3600 / cases.max(1)) as i64);
        for i in 0..cases {
            let (category, subject, body) = CASES[i % CASES.len()];
            let channel = CHANNELS[(i * 7 + i / 3) % CHANNELS.len()];
            let n = 10_000_000 + (i as u64 * 7_919) % 89_999_999;
            let msisdn = format!("01{}{:08}", [3, 5, 6, 7, 8, 9][i % 6], n % 100_000_000);
            let email = (channel == Channel::Email).then(|| format!("customer{i}@example.com"));
            let input = NewCaseInput {
                channel: Some(channel),
                category: category.into(),
                priority: Some(if i % 13 == 0 {
                    Priority::High
                } else {
                    Priority::Normal
                }),
                subject: Some(subject.into()),
                body: body.into(),
                requester_name: Some(NAMES[i % NAMES.len()].into()),
                requester_msisdn: Some(msisdn),
                requester_email: email,
                tags: if i % 5 == 0 {
                    vec!["demo".into(), "জরুরি".into()]
                } else {
                    vec!["demo".into()]
                },
                ..NewCaseInput::default()
            };
            let (case, _) = demo.create_case(input, Caller::system(), None).await?;
            let agent = agents[i % agents.len().max(1)];
            let staff = Caller::staff(agent, Role::Agent);
            clock.advance(step / 4);
            // Most cases get worked; the newest stay new so the inbox has something to do.
            if i + 20 < cases {
                demo.assign(
                    case.id,
                    Assignment {
                        queue: None,
                        assignee: Some(Some(agent)),
                    },
                    staff,
                    None,
                    None,
                )
                .await?;
                let reply = if subject.is_ascii() {
                    "Thank you for contacting us. We are looking into this and will update you soon."
                } else {
                    "আপনার অভিযোগের জন্য ধন্যবাদ। আমরা বিষয়টি দেখছি, শীঘ্রই জানাব।"
                };
                demo.add_message(
                    case.id,
                    MessageInput {
                        kind: MessageKind::Reply,
                        body: reply.into(),
                        attachments: vec![],
                    },
                    staff,
                    None,
                    None,
                )
                .await?;
                match i % 6 {
                    0 => {
                        demo.transition(case.id, Action::PendCustomer, staff, None, None)
                            .await?;
                    }
                    1 | 2 => {
                        demo.add_message(
                            case.id,
                            MessageInput {
                                kind: MessageKind::Note,
                                body: "লেনদেন যাচাই করা হয়েছে / transaction verified".into(),
                                attachments: vec![],
                            },
                            staff,
                            None,
                            None,
                        )
                        .await?;
                        demo.transition(case.id, Action::Resolve, staff, None, None)
                            .await?;
                        if i % 6 == 2 {
                            demo.transition(
                                case.id,
                                Action::Close,
                                Caller::staff(supervisor, Role::Supervisor),
                                None,
                                None,
                            )
                            .await?;
                        }
                    }
                    3 => {
                        demo.transition(case.id, Action::PendThirdParty, staff, None, None)
                            .await?;
                    }
                    _ => {}
                }
            }
            clock.advance(step - step / 4);
        }
        self.store
            .set_meta_once("demo_loaded", &Timestamp::now().to_string())
            .await?;
        Ok(users)
    }
}
