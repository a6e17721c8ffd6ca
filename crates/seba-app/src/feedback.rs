//! Customers rate how a resolved case was handled (CSAT): a score from 1 to 5 and, if they
//! like, a comment.
//!
//! The rating commits with its `case.rated` audit event and outbox row, and each case is
//! rated once: the store refuses a second rating, which undoes that whole commit. The audit
//! trail and the change feed carry the score only — a comment may hold a phone number or a
//! name, so it stays in the ratings table.

use serde_json::json;

use seba_core::audit::EventDraft;
use seba_core::case::{self as core_case, Actor, Case, InputError, Status, UnknownCode};
use seba_core::ids::{CaseId, CaseNumber};
use seba_core::text;
use seba_store::{
    CaseWrite, Commit, Committed, IdempotencyHook, OutboxDraft, Rating, SideWrite, StoreError,
};

use crate::cases::Idem;
use crate::{App, AppError};

/// The longest comment a customer may leave with a rating.
pub const MAX_COMMENT_CHARS: usize = 1000;

/// A score as typed on a phone: one digit from 1 to 5, in Bengali or ASCII digits ("৫", "5").
pub fn parse_score(input: &str) -> Result<u8, InputError> {
    let s = text::clean(input);
    if s.is_empty() {
        return Err(InputError::Missing { field: "score" });
    }
    let mut chars = s.chars();
    match (chars.next().and_then(text::digit_value), chars.next()) {
        (Some(d @ 1..=5), None) => Ok(d as u8),
        _ => Err(InputError::Code(UnknownCode {
            kind: "score",
            code: s.chars().take(10).collect(),
        })),
    }
}

fn already_rated(case: &Case) -> AppError {
    AppError::Exists(format!("rating of case {}", case.number()))
}

fn hook(idem: Option<&Idem>, case: &Case) -> Option<IdempotencyHook> {
    idem.map(|i| {
        let case = case.clone();
        let render = i.render.clone();
        IdempotencyHook {
            scope: i.scope.clone(),
            key: i.key.clone(),
            request_hash: i.request_hash.clone(),
            build: Box::new(move |c: &Committed| render(&case, c)),
        }
    })
}

impl App {
    /// Record the customer's rating of a resolved or closed case. The caller (the portal)
    /// has already checked that this customer may see the case.
    pub async fn rate_case(
        &self,
        case_id: CaseId,
        score_text: &str,
        comment: &str,
        idem: Option<Idem>,
    ) -> Result<Rating, AppError> {
        let score = parse_score(score_text)?;
        let comment = core_case::optional_text("comment", Some(comment), MAX_COMMENT_CHARS)?;
        let case = self
            .store
            .case(case_id)
            .await?
            .ok_or(AppError::CaseNotFound)?;
        if let Some(into) = case.merged_into {
            return Err(AppError::Merged(CaseNumber::from_id(into)));
        }
        if !matches!(case.status, Status::Resolved | Status::Closed) {
            return Err(AppError::Forbidden("rate a case that is not resolved"));
        }
        if self.store.rating(case_id).await?.is_some() {
            return Err(already_rated(&case));
        }
        let now = self.now();
        let rating = Rating {
            case_id,
            score,
            comment,
            rated_at: now,
        };
        let commit = Commit {
            case: CaseWrite::None,
            messages: vec![],
            events: vec![EventDraft {
                subject: format!("case:{case_id}"),
                at: now,
                actor: Actor::Customer.to_string(),
                action: "case.rated".into(),
                before: "{}".into(),
                after: json!({ "rating": { "score": score, "with_comment": rating.comment.is_some() } })
                    .to_string(),
            }],
            outbox: vec![OutboxDraft {
                topic: "case.rated".into(),
                case_id: Some(case_id),
                payload: json!({ "case_id": case_id.0, "number": case.number().to_string(), "score": score }),
                message_index: None,
            }],
            idempotency: hook(idem.as_ref(), &case),
        };
        match self
            .store
            .commit_with(commit, vec![SideWrite::Rating(rating.clone())])
            .await
        {
            Ok(_) => {
                tracing::info!(case = %case.number(), score, "case rated");
                Ok(rating)
            }
            // Either a concurrent rating or a concurrent repeat of this very request won;
            // the idempotency record tells which.
            Err(StoreError::Duplicate(_)) => match &idem {
                Some(i)
                    if self
                        .store
                        .idempotent_response(&i.scope, &i.key)
                        .await?
                        .is_some() =>
                {
                    Err(AppError::IdempotencyRace)
                }
                _ => Err(already_rated(&case)),
            },
            Err(e) => Err(AppError::Store(e)),
        }
    }

    /// The rating of a case, if the customer gave one.
    pub async fn rating(&self, case_id: CaseId) -> Result<Option<Rating>, AppError> {
        Ok(self.store.rating(case_id).await?)
    }
}

#[cfg(test)]
mod tests {
    use seba_core::bilingual::Explain;
    use seba_core::case::{Channel, MessageKind};
    use seba_core::lifecycle::Action;
    use seba_store::OutboxPos;

    use super::*;
    use crate::cases::{Caller, MessageInput, NewCaseInput};
    use crate::testing::TestApp;

    #[test]
    fn scores_in_either_script() {
        assert_eq!(parse_score("৫"), Ok(5));
        assert_eq!(parse_score(" 1 "), Ok(1));
        assert_eq!(parse_score("৩"), Ok(3));
        for bad in ["0", "6", "০", "৬", "12", "5.0", "five", "পাঁচ", "-1", "৫৫"] {
            let e = parse_score(bad).unwrap_err();
            assert_eq!(e.field(), "score", "{bad}");
        }
        assert_eq!(
            parse_score("  "),
            Err(InputError::Missing { field: "score" })
        );
    }

    async fn resolved_case(t: &TestApp) -> Case {
        let (case, _) = t
            .app
            .create_case(
                NewCaseInput {
                    channel: Some(Channel::Web),
                    category: "mfs.wrong_transfer".into(),
                    body: "ভুল নম্বরে ৫০০০ টাকা চলে গেছে".into(),
                    requester_msisdn: Some("01712345678".into()),
                    ..NewCaseInput::default()
                },
                Caller::customer(),
                None,
            )
            .await
            .unwrap();
        t.app
            .transition(case.id, Action::Resolve, Caller::system(), None, None)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_resolved_case_is_rated_once() {
        let t = TestApp::new().await;
        let case = resolved_case(&t).await;
        let head = t.app.store.outbox_head().await.unwrap();

        // Bengali digits, a comment NFC-cleaned and trimmed.
        let r = t
            .app
            .rate_case(case.id, "৫", "  খুব ভালো সেবা \u{09AF}\u{09BC}  ", None)
            .await
            .unwrap();
        assert_eq!(r.score, 5);
        assert_eq!(r.comment.as_deref(), Some("খুব ভালো সেবা \u{09AF}\u{09BC}"));
        assert_eq!(t.app.rating(case.id).await.unwrap(), Some(r.clone()));

        // Audited with the score, not the comment; announced on the change feed.
        let events = t
            .app
            .store
            .audit_events(&format!("case:{}", case.id))
            .await
            .unwrap();
        let rated = events.last().unwrap();
        assert_eq!(rated.action, "case.rated");
        assert_eq!(rated.actor, "customer");
        assert!(rated.after.contains("\"score\":5"), "{}", rated.after);
        assert!(!rated.after.contains("সেবা"), "{}", rated.after);
        let feed = t.app.store.outbox_after(head, 100).await.unwrap();
        assert_eq!(
            feed.iter().map(|r| r.topic.as_str()).collect::<Vec<_>>(),
            ["case.rated"]
        );
        assert_eq!(feed[0].payload["score"], 5);

        // A second rating is refused in both languages and changes nothing.
        let e = t.app.rate_case(case.id, "1", "", None).await.unwrap_err();
        assert!(matches!(e, AppError::Exists(_)), "{e:?}");
        assert!(!e.explain().bn.is_empty() && !e.explain().en.is_empty());
        assert_eq!(t.app.rating(case.id).await.unwrap(), Some(r));
        assert_eq!(
            t.app
                .store
                .audit_events(&format!("case:{}", case.id))
                .await
                .unwrap()
                .len(),
            events.len()
        );
    }

    #[tokio::test]
    async fn bad_ratings_are_refused() {
        let t = TestApp::new().await;
        let case = resolved_case(&t).await;
        for bad in ["0", "6", "abc", "", "৬"] {
            let e = t.app.rate_case(case.id, bad, "", None).await.unwrap_err();
            match &e {
                AppError::Input(i) => assert_eq!(i.field(), "score", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        let long = "অ".repeat(MAX_COMMENT_CHARS + 1);
        let e = t
            .app
            .rate_case(case.id, "4", &long, None)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Input(i) if i.field() == "comment"),
            "{e:?}"
        );
        assert_eq!(t.app.rating(case.id).await.unwrap(), None);

        // Not yet resolved: refused. Reopened by the customer: refused again.
        let (open, _) = t
            .app
            .create_case(
                NewCaseInput {
                    category: "general.enquiry".into(),
                    body: "সেবা কেন্দ্র কখন খোলা?".into(),
                    requester_msisdn: Some("01812345678".into()),
                    ..NewCaseInput::default()
                },
                Caller::customer(),
                None,
            )
            .await
            .unwrap();
        let e = t.app.rate_case(open.id, "4", "", None).await.unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
        t.app
            .add_message(
                case.id,
                MessageInput {
                    kind: MessageKind::Inbound,
                    body: "সমস্যা এখনো আছে".into(),
                    attachments: vec![],
                },
                Caller::customer(),
                None,
                None,
            )
            .await
            .unwrap();
        let e = t.app.rate_case(case.id, "4", "", None).await.unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
        let e = t
            .app
            .rate_case(CaseId(case.id.0 + 10_000), "4", "", None)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::CaseNotFound), "{e:?}");
        assert!(
            t.app
                .store
                .outbox_after(OutboxPos::default(), 1000)
                .await
                .unwrap()
                .iter()
                .all(|r| r.topic != "case.rated")
        );
    }
}
