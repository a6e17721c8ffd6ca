//! A scripted caller for the engine: a catalog from the default taxonomy and the real
//! geography, and an application stand-in that answers each action the way seba-app does
//! (its texts built with the same `menu` functions), so screens can be walked without a
//! store.

#![allow(dead_code)]

use seba_ussd::engine::{Catalog, Category, Context, Engine, Located, Outcome, Session};
use seba_ussd::gateway::{Reply, Turn};
use seba_ussd::{Action, Answer, Lang, Text, menu};

pub fn catalog() -> Catalog {
    let categories = seba_core::taxonomy::CATEGORIES
        .iter()
        .map(|c| Category {
            code: c.code.to_string(),
            parent: c.parent.map(str::to_string),
            name: Text::new(c.name_bn, c.name_en),
        })
        .collect();
    Catalog {
        title: Text::new("সেবা", "seba *247#"),
        hotline: "16247".into(),
        hotline_hours: Text::new("২৪ ঘণ্টা", "24 hours"),
        categories,
        ..Catalog::default()
    }
    .with_geography(seba_geo::Geography::bangladesh())
}

pub fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 12, 7)
}

/// Answers as the application would on a good day.
pub fn good_answer(action: &Action) -> Answer {
    match action {
        Action::StartReset => Answer::ResetStarted {
            token: "token".into(),
            choices: vec![
                menu::transaction("send_money", 125_000_000),
                menu::transaction("cash_out", 200_000),
                menu::transaction("payment", 34_950),
                menu::transaction("recharge", 10_000),
            ],
        },
        Action::Identity { .. } | Action::ResendTemporaryPin { .. } => Answer::TemporaryPinSent {
            to: "01712-***678".into(),
        },
        Action::ConfirmPin { .. } => Answer::PinChanged,
        Action::FileComplaint { .. } => Answer::Filed {
            number: "10000134".into(),
        },
        Action::CaseStatus { number } => Answer::CaseStatus {
            number: number.clone(),
            status: menu::case_status("open"),
            due: Some(menu::date(jiff::civil::date(2026, 12, 21))),
        },
        Action::Centres { .. } => Answer::Centres {
            lines: centre_lines(5),
            sms: true,
        },
        Action::SetLanguage(_) => Answer::LanguageSaved,
    }
}

pub fn centre_lines(n: usize) -> Vec<Text> {
    let names = [
        ("বাঘের বাজার কাস্টমার কেয়ার", "Bagher Bazar Customer Care"),
        ("কাশিমপুর", "Kashimpur"),
        ("হেমায়েতপুর", "Hemayetpur"),
        ("গাজীপুর চৌরাস্তা", "Gazipur Chowrasta"),
        ("টঙ্গী", "Tongi"),
    ];
    names
        .iter()
        .cycle()
        .take(n)
        .enumerate()
        .map(|(i, (bn, en))| {
            menu::centre_line(
                &Text::new(*bn, *en),
                800.0 + 1700.0 * i as f64,
                &Text::new("সন্ধ্যা ৭টা পর্যন্ত খোলা", "Open until 7 pm"),
                Some("01700000000"),
            )
        })
        .collect()
}

/// One caller's session with the engine, over joined text as Africa's Talking sends it.
pub struct Caller {
    pub catalog: Catalog,
    pub session: Option<Session>,
    pub text: String,
    pub lang: Lang,
    pub answer: fn(&Action) -> Answer,
    pub actions: Vec<Action>,
}

/// A deterministic stand-in for the keyed hash (the app uses HMAC-SHA-256 with its pepper).
pub fn key(s: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    format!("{:016x}", h.finish())
}

impl Caller {
    pub fn new(lang: Lang) -> Caller {
        Caller {
            catalog: catalog(),
            session: None,
            text: String::new(),
            lang,
            answer: good_answer,
            actions: Vec::new(),
        }
    }

    /// Send `input` (the first call with "" dials).
    pub fn send(&mut self, input: &str) -> Reply {
        let turn = if self.session.is_none() && input.is_empty() {
            Turn::Joined(String::new())
        } else if self.text.is_empty()
            && self
                .session
                .as_ref()
                .is_some_and(|s| s.marks.len() == 1 && s.marks[0].at == 0)
        {
            self.text = input.to_string();
            Turn::Joined(self.text.clone())
        } else {
            self.text = format!("{}*{input}", self.text);
            Turn::Joined(self.text.clone())
        };
        self.turn(&turn)
    }

    pub fn turn(&mut self, turn: &Turn) -> Reply {
        let engine = Engine::new(Context {
            catalog: &self.catalog,
            today: today(),
        });
        let mut session = self
            .session
            .take()
            .unwrap_or_else(|| Session::new(self.lang));
        let reply = match session.locate(turn, &key) {
            Located::Again(r) | Located::Stale(r) => r,
            Located::New(inputs) => {
                let mut reply = if session.marks.is_empty() {
                    engine.begin(&mut session)
                } else {
                    Reply {
                        text: String::new(),
                        end: false,
                    }
                };
                for input in inputs {
                    let mut out = engine.input(&mut session, &input);
                    while let Outcome::Act(a) = out {
                        let answer = (self.answer)(&a);
                        self.actions.push(a);
                        out = engine.answer(&mut session, answer);
                    }
                    let Outcome::Reply(r) = out else {
                        unreachable!()
                    };
                    reply = r;
                    if reply.end {
                        break;
                    }
                }
                session.record(turn, &key, &reply);
                reply
            }
        };
        // The session goes through JSON between requests, as it does in the store.
        let json = serde_json::to_string(&session).unwrap();
        self.session = Some(serde_json::from_str(&json).unwrap());
        reply
    }
}
