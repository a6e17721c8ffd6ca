//! The Digital Commerce Operation Guidelines 2021 as deadlines a claim can miss.
//!
//! - **Delivery**: within 5 days of the order when buyer and seller are in the same city,
//!   10 days otherwise.
//! - **Refund**: within 10 days, through the channel the buyer paid by. The clock starts
//!   when the delivery deadline passes with the order not delivered (the guidelines count
//!   from the failure to deliver or a cancellation; the claim records the first).
//! - **The seller's first response** to a complaint: within 72 hours of it being sent.
//!
//! All four numbers are [`Deadlines`], configurable; days are calendar days, counted in
//! Dhaka. [`missed`] says, for one claim at one moment, which deadlines are past and by
//! how much — met deadlines and deadlines still running are not listed.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use seba_core::bilingual::Bilingual;

/// The guidelines' numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Deadlines {
    pub delivery_same_city_days: i64,
    pub delivery_elsewhere_days: i64,
    pub refund_days: i64,
    pub response_hours: i64,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            delivery_same_city_days: 5,
            delivery_elsewhere_days: 10,
            refund_days: 10,
            response_hours: 72,
        }
    }
}

impl Deadlines {
    pub fn validate(&self) -> Result<(), String> {
        let days = [
            ("delivery_same_city_days", self.delivery_same_city_days),
            ("delivery_elsewhere_days", self.delivery_elsewhere_days),
            ("refund_days", self.refund_days),
        ];
        for (name, d) in days {
            if !(1..=365).contains(&d) {
                return Err(format!("claims.{name}: {d} is not between 1 and 365"));
            }
        }
        if !(1..=24 * 60).contains(&self.response_hours) {
            return Err(format!(
                "claims.response_hours: {} is not between 1 and 1440",
                self.response_hours
            ));
        }
        Ok(())
    }
}

/// What the deadlines are reckoned from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimFacts {
    pub order_date: Date,
    /// The claimant's district is the merchant's.
    pub same_city: bool,
    pub delivered: bool,
    pub paid_poisha: i64,
    pub refunded_poisha: i64,
    /// When the complaint went to the merchant, and when the merchant first answered.
    pub sent_to_merchant: Option<Timestamp>,
    pub merchant_answered: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Delivery,
    Refund,
    Response,
}

impl Rule {
    pub fn label(self) -> Bilingual {
        match self {
            Rule::Delivery => Bilingual::new("ডেলিভারির সময়সীমা", "Delivery deadline"),
            Rule::Refund => Bilingual::new("টাকা ফেরতের সময়সীমা", "Refund deadline"),
            Rule::Response => Bilingual::new("বিক্রেতার সাড়ার সময়সীমা", "Seller's response deadline"),
        }
    }
}

/// A deadline that has passed unmet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Missed {
    pub rule: Rule,
    pub due: Timestamp,
    /// How far past: until `now`, or until the late answer for the response deadline.
    pub late_by: SignedDuration,
}

impl Missed {
    /// "১২ দিন দেরি" / "12 days late" (hours under two days).
    pub fn describe(&self) -> Bilingual {
        let hours = self.late_by.as_hours();
        let (n, bn_unit, en_unit) = if hours < 48 {
            (
                hours.max(1),
                "ঘণ্টা",
                if hours == 1 { "hour" } else { "hours" },
            )
        } else {
            (hours / 24, "দিন", "days")
        };
        let label = self.rule.label();
        Bilingual::new(
            format!(
                "{}: {} {bn_unit} দেরি",
                label.bn,
                seba_core::text::bengali_digits(&n.to_string())
            ),
            format!("{}: {n} {en_unit} late", label.en),
        )
    }
}

/// The end of the day `days` after `date`, in Dhaka.
fn end_of_day_after(date: Date, days: i64) -> Timestamp {
    let day = date
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(date);
    day.tomorrow()
        .unwrap_or(day)
        .to_zoned(seba_core::clock::dhaka())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// When the order should have been delivered.
pub fn delivery_due(facts: &ClaimFacts, d: &Deadlines) -> Timestamp {
    let days = if facts.same_city {
        d.delivery_same_city_days
    } else {
        d.delivery_elsewhere_days
    };
    end_of_day_after(facts.order_date, days)
}

/// Which deadlines `facts` missed as of `now`.
pub fn missed(facts: &ClaimFacts, d: &Deadlines, now: Timestamp) -> Vec<Missed> {
    let mut out = Vec::new();
    let delivery = delivery_due(facts, d);
    if !facts.delivered && now > delivery {
        out.push(Missed {
            rule: Rule::Delivery,
            due: delivery,
            late_by: now.duration_since(delivery),
        });
        let refund = delivery + SignedDuration::from_hours(24 * d.refund_days);
        if facts.refunded_poisha < facts.paid_poisha && now > refund {
            out.push(Missed {
                rule: Rule::Refund,
                due: refund,
                late_by: now.duration_since(refund),
            });
        }
    }
    if let Some(sent) = facts.sent_to_merchant {
        let due = sent + SignedDuration::from_hours(d.response_hours);
        let answered = facts.merchant_answered.unwrap_or(now);
        if answered > due {
            out.push(Missed {
                rule: Rule::Response,
                due,
                late_by: answered.duration_since(due),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn facts() -> ClaimFacts {
        ClaimFacts {
            order_date: jiff::civil::date(2026, 11, 1),
            same_city: true,
            delivered: false,
            paid_poisha: 100_000,
            refunded_poisha: 0,
            sent_to_merchant: None,
            merchant_answered: None,
        }
    }

    #[test]
    fn delivery_is_due_5_days_in_the_same_city_10_elsewhere() {
        let d = Deadlines::default();
        // Ordered 1 November: due by the end of 6 November, Dhaka time.
        assert_eq!(delivery_due(&facts(), &d), at("2026-11-06T18:00:00Z"));
        let far = ClaimFacts {
            same_city: false,
            ..facts()
        };
        assert_eq!(delivery_due(&far, &d), at("2026-11-11T18:00:00Z"));
        // On the last day nothing is missed yet; a day later, delivery is a day late.
        assert!(missed(&facts(), &d, at("2026-11-06T17:00:00Z")).is_empty());
        let m = missed(&facts(), &d, at("2026-11-07T18:00:00Z"));
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].rule, Rule::Delivery);
        assert_eq!(m[0].late_by, SignedDuration::from_hours(24));
        assert_eq!(m[0].describe().en, "Delivery deadline: 24 hours late");
    }

    #[test]
    fn a_refund_is_due_10_days_after_the_delivery_deadline() {
        let d = Deadlines::default();
        let m = missed(&facts(), &d, at("2026-11-26T18:00:00Z"));
        let refund = m.iter().find(|m| m.rule == Rule::Refund).unwrap();
        assert_eq!(refund.due, at("2026-11-16T18:00:00Z"));
        assert_eq!(refund.describe().en, "Refund deadline: 10 days late");
        // Refunded in full: only the delivery is missed.
        let paid_back = ClaimFacts {
            refunded_poisha: 100_000,
            ..facts()
        };
        let m = missed(&paid_back, &d, at("2026-11-26T18:00:00Z"));
        assert_eq!(
            m.iter().map(|m| m.rule).collect::<Vec<_>>(),
            [Rule::Delivery]
        );
        // Delivered: nothing about delivery or refund.
        let delivered = ClaimFacts {
            delivered: true,
            ..facts()
        };
        assert!(missed(&delivered, &d, at("2026-12-26T00:00:00Z")).is_empty());
    }

    #[test]
    fn the_seller_answers_within_72_hours() {
        let d = Deadlines::default();
        let sent = at("2026-12-01T06:00:00Z");
        let waiting = ClaimFacts {
            delivered: true,
            sent_to_merchant: Some(sent),
            ..facts()
        };
        assert!(missed(&waiting, &d, at("2026-12-04T05:00:00Z")).is_empty());
        let m = missed(&waiting, &d, at("2026-12-04T10:00:00Z"));
        assert_eq!(m[0].rule, Rule::Response);
        assert_eq!(m[0].late_by, SignedDuration::from_hours(4));
        // Answered late: late by the answer's time, however long ago.
        let late = ClaimFacts {
            merchant_answered: Some(at("2026-12-05T06:00:00Z")),
            ..waiting
        };
        let m = missed(&late, &d, at("2027-01-01T00:00:00Z"));
        assert_eq!(m[0].late_by, SignedDuration::from_hours(24));
    }

    #[test]
    fn the_numbers_are_configurable_and_checked() {
        let d = Deadlines {
            delivery_same_city_days: 2,
            ..Deadlines::default()
        };
        assert_eq!(delivery_due(&facts(), &d), at("2026-11-03T18:00:00Z"));
        assert!(
            Deadlines {
                refund_days: 0,
                ..Deadlines::default()
            }
            .validate()
            .is_err()
        );
        assert!(Deadlines::default().validate().is_ok());
    }
}
