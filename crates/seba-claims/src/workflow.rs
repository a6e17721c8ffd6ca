//! A claim's stages and who may move it.
//!
//! ```text
//! submitted ──cell──► verified ──cell──► forwarded ──merchant──► merchant_responded
//!     │                                      │                        │
//!     └─cell─► closed (rejected)             └──cell──► escalated ◄───┘
//!                                                          │
//!   refunds recorded by the merchant or the cell move a forwarded, responded or
//!   escalated claim to partly_refunded, then refunded ──cell──► closed
//! ```
//!
//! A merchant answers and records refunds on its own claims only; everything else is the
//! cell's. A refund never takes the refunded total above what was paid.

use serde::{Deserialize, Serialize};

use seba_core::bilingual::{Bilingual, Explain};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Submitted,
    Verified,
    Forwarded,
    MerchantResponded,
    PartlyRefunded,
    Refunded,
    Escalated,
    Closed,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::Submitted,
        Stage::Verified,
        Stage::Forwarded,
        Stage::MerchantResponded,
        Stage::PartlyRefunded,
        Stage::Refunded,
        Stage::Escalated,
        Stage::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Submitted => "submitted",
            Stage::Verified => "verified",
            Stage::Forwarded => "forwarded",
            Stage::MerchantResponded => "merchant_responded",
            Stage::PartlyRefunded => "partly_refunded",
            Stage::Refunded => "refunded",
            Stage::Escalated => "escalated",
            Stage::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Self::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// What the claimant reads on the portal and in the SMS.
    pub fn label(self) -> Bilingual {
        match self {
            Stage::Submitted => Bilingual::new("জমা হয়েছে", "Submitted"),
            Stage::Verified => {
                Bilingual::new("অভিযোগ সেল যাচাই করেছে", "Verified by the complaint cell")
            }
            Stage::Forwarded => Bilingual::new("বিক্রেতার কাছে পাঠানো হয়েছে", "Sent to the merchant"),
            Stage::MerchantResponded => {
                Bilingual::new("বিক্রেতা উত্তর দিয়েছে", "The merchant has answered")
            }
            Stage::PartlyRefunded => Bilingual::new("আংশিক টাকা ফেরত", "Partly refunded"),
            Stage::Refunded => Bilingual::new("পুরো টাকা ফেরত", "Refunded in full"),
            Stage::Escalated => {
                Bilingual::new("কর্তৃপক্ষের কাছে পাঠানো হয়েছে", "Escalated to the authority")
            }
            Stage::Closed => Bilingual::new("বন্ধ", "Closed"),
        }
    }

    /// Still being worked (counts as outstanding in the reports).
    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Refunded | Stage::Closed)
    }
}

/// Who is acting on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Cell,
    /// The merchant the claim is against.
    Merchant,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("a claim cannot go from {from:?} to {to:?}")]
    NotAllowed { from: Stage, to: Stage },
    #[error("only the complaint cell may do that")]
    CellOnly,
    #[error("a refund must be more than zero")]
    NothingRefunded,
    #[error("the refunds would come to more than was paid")]
    MoreThanPaid,
    #[error("no refund can be recorded at this stage")]
    NoRefundNow,
}

impl Explain for WorkflowError {
    fn explain(&self) -> Bilingual {
        match self {
            WorkflowError::NotAllowed { from, to } => Bilingual::new(
                format!(
                    "দাবিটি \"{}\" থেকে \"{}\" করা যায় না",
                    from.label().bn,
                    to.label().bn
                ),
                format!(
                    "A claim cannot go from \"{}\" to \"{}\"",
                    from.label().en,
                    to.label().en
                ),
            ),
            WorkflowError::CellOnly => Bilingual::new(
                "এটি শুধু অভিযোগ সেল করতে পারে",
                "Only the complaint cell may do that",
            ),
            WorkflowError::NothingRefunded => Bilingual::new(
                "ফেরতের অঙ্ক শূন্যের বেশি হতে হবে",
                "A refund must be more than zero",
            ),
            WorkflowError::MoreThanPaid => Bilingual::new(
                "মোট ফেরত দেওয়া টাকার বেশি হয়ে যাচ্ছে",
                "The refunds would come to more than was paid",
            ),
            WorkflowError::NoRefundNow => Bilingual::new(
                "এই অবস্থায় টাকা ফেরত লেখা যায় না",
                "No refund can be recorded at this stage",
            ),
        }
    }
}

/// Moves the cell makes.
fn cell_may(from: Stage, to: Stage) -> bool {
    use Stage::*;
    matches!(
        (from, to),
        (Submitted, Verified)
            | (Verified, Forwarded)
            | (Submitted | Verified, Closed)
            | (Forwarded | MerchantResponded | PartlyRefunded, Escalated)
            | (
                MerchantResponded | PartlyRefunded | Refunded | Escalated,
                Closed
            )
    )
}

/// Moves the merchant makes (the cell may record them too, from a letter or a call).
fn merchant_may(from: Stage, to: Stage) -> bool {
    matches!((from, to), (Stage::Forwarded, Stage::MerchantResponded))
}

/// Whether `who` may move a claim from `from` to `to`.
pub fn check_move(from: Stage, to: Stage, who: Party) -> Result<(), WorkflowError> {
    let ok = match who {
        Party::Cell => cell_may(from, to) || merchant_may(from, to),
        Party::Merchant => merchant_may(from, to),
    };
    if ok {
        Ok(())
    } else if who == Party::Merchant && cell_may(from, to) {
        Err(WorkflowError::CellOnly)
    } else {
        Err(WorkflowError::NotAllowed { from, to })
    }
}

/// Record a refund of `amount` on a claim at `stage` with `paid` and `refunded` so far:
/// the new refunded total and the stage it leaves the claim at.
pub fn refund(
    stage: Stage,
    paid: i64,
    refunded: i64,
    amount: i64,
) -> Result<(i64, Stage), WorkflowError> {
    if amount <= 0 {
        return Err(WorkflowError::NothingRefunded);
    }
    if !matches!(
        stage,
        Stage::Forwarded | Stage::MerchantResponded | Stage::PartlyRefunded | Stage::Escalated
    ) {
        return Err(WorkflowError::NoRefundNow);
    }
    let total = refunded
        .checked_add(amount)
        .ok_or(WorkflowError::MoreThanPaid)?;
    if total > paid {
        return Err(WorkflowError::MoreThanPaid);
    }
    Ok((
        total,
        if total == paid {
            Stage::Refunded
        } else {
            Stage::PartlyRefunded
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cell_walks_a_claim_through() {
        use Stage::*;
        for (from, to) in [
            (Submitted, Verified),
            (Verified, Forwarded),
            (Forwarded, Escalated),
            (Escalated, Closed),
            (Refunded, Closed),
        ] {
            assert_eq!(
                check_move(from, to, Party::Cell),
                Ok(()),
                "{from:?} → {to:?}"
            );
        }
        assert!(check_move(Submitted, Forwarded, Party::Cell).is_err());
        assert!(check_move(Closed, Submitted, Party::Cell).is_err());
    }

    #[test]
    fn a_merchant_only_answers() {
        use Stage::*;
        assert_eq!(
            check_move(Forwarded, MerchantResponded, Party::Merchant),
            Ok(())
        );
        assert_eq!(
            check_move(Submitted, Verified, Party::Merchant),
            Err(WorkflowError::CellOnly)
        );
        assert_eq!(
            check_move(MerchantResponded, Closed, Party::Merchant),
            Err(WorkflowError::CellOnly)
        );
        assert!(matches!(
            check_move(Submitted, Refunded, Party::Merchant),
            Err(WorkflowError::NotAllowed { .. })
        ));
    }

    #[test]
    fn refunds_add_up_to_what_was_paid_and_no_more() {
        assert_eq!(
            refund(Stage::Forwarded, 10_000, 0, 4_000),
            Ok((4_000, Stage::PartlyRefunded))
        );
        assert_eq!(
            refund(Stage::PartlyRefunded, 10_000, 4_000, 6_000),
            Ok((10_000, Stage::Refunded))
        );
        assert_eq!(
            refund(Stage::PartlyRefunded, 10_000, 4_000, 6_001),
            Err(WorkflowError::MoreThanPaid)
        );
        assert_eq!(
            refund(Stage::Forwarded, 10_000, 0, 0),
            Err(WorkflowError::NothingRefunded)
        );
        assert_eq!(
            refund(Stage::Submitted, 10_000, 0, 100),
            Err(WorkflowError::NoRefundNow)
        );
    }
}
