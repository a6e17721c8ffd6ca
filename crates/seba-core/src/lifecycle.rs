//! The case lifecycle as a pure state machine.
//!
//! ```text
//!   new ──► open ◄──► pending_customer / pending_third_party
//!    │        │                │
//!    └────────┴──► resolved ◄──┘ ──► closed
//!                     ▲  │              │
//!                     └──┴── reopen ◄───┘  (within the reopen window)
//!   any active case ──► merged (into another case; final)
//! ```
//!
//! [`apply`] checks the move and updates the SLA clock with it (waiting on the customer
//! pauses the clock; a reopen resumes it). A refused move returns an error and leaves the
//! case exactly as it was.

use std::fmt;
use std::str::FromStr;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::bilingual::{Bilingual, Explain};
use crate::calendar::BusinessCalendar;
use crate::case::{Case, Status, UnknownCode};
use crate::ids::CaseNumber;
use crate::sla::SlaTargets;

/// A move an agent (or the system) asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Open,
    PendCustomer,
    PendThirdParty,
    Resolve,
    Close,
    Reopen,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Open,
        Action::PendCustomer,
        Action::PendThirdParty,
        Action::Resolve,
        Action::Close,
        Action::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Open => "open",
            Action::PendCustomer => "pend_customer",
            Action::PendThirdParty => "pend_third_party",
            Action::Resolve => "resolve",
            Action::Close => "close",
            Action::Reopen => "reopen",
        }
    }

    /// The status the move leads to.
    pub fn target(self) -> Status {
        match self {
            Action::Open | Action::Reopen => Status::Open,
            Action::PendCustomer => Status::PendingCustomer,
            Action::PendThirdParty => Status::PendingThirdParty,
            Action::Resolve => Status::Resolved,
            Action::Close => Status::Closed,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, UnknownCode> {
        Action::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == s)
            .ok_or(UnknownCode {
                kind: "action",
                code: s.chars().take(40).collect(),
            })
    }
}

/// Tunables of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecyclePolicy {
    /// How long after resolution a case may still be reopened (calendar time).
    pub reopen_window: SignedDuration,
}

impl Default for LifecyclePolicy {
    fn default() -> Self {
        LifecyclePolicy {
            reopen_window: SignedDuration::from_hours(7 * 24),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot {action} a case that is {from}")]
    NotAllowed { from: Status, action: Action },
    #[error("the reopen window closed at {closed_at}")]
    ReopenWindowPassed { closed_at: Timestamp },
    #[error("a case cannot be merged into itself")]
    SelfMerge,
    #[error("case {0} cannot take a merge: it is no longer active")]
    TargetInactive(CaseNumber),
    #[error("only an active case can be merged; this one is {0}")]
    SourceInactive(Status),
}

fn status_bn(s: Status) -> &'static str {
    match s {
        Status::New => "নতুন",
        Status::Open => "চলমান",
        Status::PendingCustomer => "গ্রাহকের উত্তরের অপেক্ষায়",
        Status::PendingThirdParty => "তৃতীয় পক্ষের অপেক্ষায়",
        Status::Resolved => "সমাধান হয়েছে",
        Status::Closed => "বন্ধ",
        Status::Merged => "অন্য কেসের সাথে যুক্ত",
    }
}

fn action_bn(a: Action) -> &'static str {
    match a {
        Action::Open => "চালু করা",
        Action::PendCustomer => "গ্রাহকের অপেক্ষায় রাখা",
        Action::PendThirdParty => "তৃতীয় পক্ষের অপেক্ষায় রাখা",
        Action::Resolve => "সমাধান করা",
        Action::Close => "বন্ধ করা",
        Action::Reopen => "আবার খোলা",
    }
}

impl Explain for TransitionError {
    fn explain(&self) -> Bilingual {
        match self {
            TransitionError::NotAllowed { from, action } => Bilingual::new(
                format!(
                    "কেসটি এখন \"{}\" অবস্থায়; এ অবস্থায় \"{}\" যায় না",
                    status_bn(*from),
                    action_bn(*action)
                ),
                format!("The case is {from}; it cannot be moved with `{action}` from there"),
            ),
            TransitionError::ReopenWindowPassed { .. } => Bilingual::new(
                "আবার খোলার সময়সীমা পেরিয়ে গেছে; নতুন অভিযোগ করুন",
                "The window to reopen this case has passed; please file a new complaint",
            ),
            TransitionError::SelfMerge => Bilingual::new(
                "কেসকে নিজের সাথে যুক্ত করা যায় না",
                "A case cannot be merged into itself",
            ),
            TransitionError::TargetInactive(n) => Bilingual::new(
                format!("কেস {n} আর চলমান নয়, তাতে যুক্ত করা যাবে না"),
                format!("Case {n} is no longer active and cannot take a merge"),
            ),
            TransitionError::SourceInactive(s) => Bilingual::new(
                format!("শুধু চলমান কেস যুক্ত করা যায়; এটি \"{}\"", status_bn(*s)),
                format!("Only an active case can be merged; this one is {s}"),
            ),
        }
    }
}

/// Whether `action` may be applied to a case in `from`, ignoring time windows.
pub fn allowed(from: Status, action: Action) -> bool {
    use Status::*;
    match action {
        Action::Open => matches!(from, New | PendingCustomer | PendingThirdParty),
        Action::PendCustomer => matches!(from, New | Open | PendingThirdParty),
        Action::PendThirdParty => matches!(from, New | Open | PendingCustomer),
        Action::Resolve => matches!(from, New | Open | PendingCustomer | PendingThirdParty),
        Action::Close => matches!(from, Resolved),
        Action::Reopen => matches!(from, Resolved | Closed),
    }
}

/// Apply `action` to `case` at `now`. On error the case is untouched.
pub fn apply(
    case: &mut Case,
    action: Action,
    now: Timestamp,
    policy: &LifecyclePolicy,
    cal: &BusinessCalendar,
    targets: &SlaTargets,
) -> Result<(), TransitionError> {
    let from = case.status;
    if !allowed(from, action) {
        return Err(TransitionError::NotAllowed { from, action });
    }
    if action == Action::Reopen {
        let resolved_at = case.sla.resolved_at.unwrap_or(case.updated_at);
        let closes = resolved_at
            .checked_add(policy.reopen_window)
            .unwrap_or(resolved_at);
        if now > closes {
            return Err(TransitionError::ReopenWindowPassed { closed_at: closes });
        }
    }
    match action {
        Action::Open => {
            case.sla.acknowledge(now);
            if from == Status::PendingCustomer {
                case.sla.resume(cal, targets, now);
            }
        }
        Action::PendCustomer => {
            case.sla.acknowledge(now);
            case.sla.pause(now);
        }
        Action::PendThirdParty => {
            case.sla.acknowledge(now);
            if from == Status::PendingCustomer {
                case.sla.resume(cal, targets, now);
            }
        }
        Action::Resolve => {
            // Resume first so the pause is counted in business time, not wall-clock time.
            if from == Status::PendingCustomer {
                case.sla.resume(cal, targets, now);
            }
            case.sla.resolve(now);
        }
        Action::Close => case.closed_at = Some(now),
        Action::Reopen => {
            case.sla.reopen(cal, targets, now);
            case.closed_at = None;
        }
    }
    case.status = action.target();
    case.updated_at = now;
    Ok(())
}

/// What a customer's new message does to the case: back to work if it was waiting on
/// them, reopened if recently resolved. `None` leaves the status alone.
pub fn on_customer_message(
    case: &Case,
    now: Timestamp,
    policy: &LifecyclePolicy,
) -> Option<Action> {
    match case.status {
        Status::PendingCustomer => Some(Action::Open),
        Status::Resolved | Status::Closed => {
            let resolved_at = case.sla.resolved_at.unwrap_or(case.updated_at);
            let within = resolved_at
                .checked_add(policy.reopen_window)
                .is_ok_and(|closes| now <= closes);
            within.then_some(Action::Reopen)
        }
        _ => None,
    }
}

/// Merge the duplicate `dup` into `target`. Only `dup` changes.
pub fn merge(dup: &mut Case, target: &Case, now: Timestamp) -> Result<(), TransitionError> {
    if dup.id == target.id {
        return Err(TransitionError::SelfMerge);
    }
    if !dup.status.is_active() {
        return Err(TransitionError::SourceInactive(dup.status));
    }
    if !target.status.is_active() {
        return Err(TransitionError::TargetInactive(target.number()));
    }
    dup.status = Status::Merged;
    dup.merged_into = Some(target.id);
    dup.sla.resolve(now);
    dup.closed_at = Some(now);
    dup.updated_at = now;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::case::{Channel, Priority, Requester};
    use crate::ids::CaseId;
    use crate::sla::SlaClock;

    fn t0() -> Timestamp {
        "2026-11-22T04:00:00Z".parse().unwrap() // Sunday 10:00 in Dhaka
    }

    fn case(id: i64) -> Case {
        let cal = BusinessCalendar::bangladesh();
        Case {
            id: CaseId(id),
            status: Status::New,
            channel: Channel::Web,
            priority: Priority::Normal,
            category: "mfs.wrong_transfer".into(),
            queue: None,
            assignee: None,
            subject: "ভুল নম্বরে টাকা গেছে".into(),
            requester: Requester::default(),
            tags: BTreeSet::new(),
            created_at: t0(),
            updated_at: t0(),
            version: 1,
            sla: SlaClock::start(&cal, &SlaTargets::default(), t0()),
            closed_at: None,
            merged_into: None,
        }
    }

    fn go(c: &mut Case, a: Action, at: Timestamp) -> Result<(), TransitionError> {
        apply(
            c,
            a,
            at,
            &LifecyclePolicy::default(),
            &BusinessCalendar::bangladesh(),
            &SlaTargets::default(),
        )
    }

    #[test]
    fn the_happy_path() {
        let mut c = case(1);
        let h = SignedDuration::from_hours(1);
        go(&mut c, Action::Open, t0() + h).unwrap();
        assert_eq!(c.sla.acknowledged_at, Some(t0() + h));
        go(&mut c, Action::PendCustomer, t0() + h * 2).unwrap();
        assert!(c.sla.paused_at.is_some());
        go(&mut c, Action::Open, t0() + h * 3).unwrap();
        assert!(c.sla.paused_at.is_none());
        go(&mut c, Action::Resolve, t0() + h * 4).unwrap();
        go(&mut c, Action::Close, t0() + h * 5).unwrap();
        assert_eq!(c.status, Status::Closed);
        go(&mut c, Action::Reopen, t0() + h * 6).unwrap();
        assert_eq!(c.status, Status::Open);
        assert_eq!(c.closed_at, None);
    }

    #[test]
    fn every_move_from_every_status_is_either_allowed_or_refused_cleanly() {
        for from in Status::ALL {
            for action in Action::ALL {
                let mut c = case(1);
                c.status = *from;
                if *from == Status::Resolved || *from == Status::Closed {
                    c.sla.resolve(t0());
                }
                let before = c.clone();
                let result = go(&mut c, *action, t0() + SignedDuration::from_mins(5));
                if allowed(*from, *action) {
                    assert!(result.is_ok(), "{from} --{action}--> refused: {result:?}");
                    assert_eq!(c.status, action.target());
                } else {
                    assert_eq!(
                        result,
                        Err(TransitionError::NotAllowed {
                            from: *from,
                            action: *action
                        })
                    );
                    assert_eq!(c, before, "a refused move changed the case");
                }
            }
        }
    }

    #[test]
    fn merged_is_final() {
        for action in Action::ALL {
            assert!(!allowed(Status::Merged, *action));
        }
    }

    #[test]
    fn reopen_window_is_enforced() {
        let mut c = case(1);
        go(&mut c, Action::Resolve, t0()).unwrap();
        let late = t0() + SignedDuration::from_hours(8 * 24);
        let before = c.clone();
        assert!(matches!(
            go(&mut c, Action::Reopen, late),
            Err(TransitionError::ReopenWindowPassed { .. })
        ));
        assert_eq!(c, before);
        assert_eq!(
            on_customer_message(&c, late, &LifecyclePolicy::default()),
            None
        );
        assert_eq!(
            on_customer_message(&c, t0(), &LifecyclePolicy::default()),
            Some(Action::Reopen)
        );
    }

    #[test]
    fn merge_rules() {
        let mut a = case(1);
        let b = case(2);
        assert_eq!(
            merge(&mut a.clone(), &a.clone(), t0()),
            Err(TransitionError::SelfMerge)
        );
        let mut closed = case(3);
        closed.status = Status::Closed;
        assert!(matches!(
            merge(&mut a.clone(), &closed, t0()),
            Err(TransitionError::TargetInactive(_))
        ));
        merge(&mut a, &b, t0()).unwrap();
        assert_eq!(a.status, Status::Merged);
        assert_eq!(a.merged_into, Some(CaseId(2)));
        assert!(matches!(
            merge(&mut a, &b, t0()),
            Err(TransitionError::SourceInactive(Status::Merged))
        ));
    }
}
