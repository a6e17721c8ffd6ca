//! Proof on a claim: a receipt, a courier slip or a bank statement a merchant (or the cell)
//! sends for one claim, kept on the claim's case as an internal note with the file
//! attached, in one commit with its audit event.
//!
//! The file is stored first (`App::upload`, which checks its size and real type); this
//! only attaches a stored file. A merchant's staff attach proof to their own merchant's
//! claims only: any other claim does not exist for them.

use serde_json::json;

use seba_core::case::{Actor, AttachmentRef, Case, MessageKind};
use seba_core::ids::CaseId;
use seba_core::staff::Permission;
use seba_store::{NewMessage, OutboxDraft};

use crate::App;
use crate::cases::AttachmentInput;
use crate::claims::{ClaimActor, ClaimError};

/// The longest note sent with a proof.
pub const PROOF_NOTE_MAX: usize = 2000;

impl App {
    /// Add `file` (already uploaded) to the claim `case` as proof, with an optional note:
    /// an internal note on the case, by the merchant's staff member (or the cell's).
    pub async fn add_claim_proof(
        &self,
        case: CaseId,
        who: ClaimActor,
        note: &str,
        file: AttachmentInput,
    ) -> Result<Case, ClaimError> {
        let claim = self.store.claim(case).await?.ok_or(ClaimError::NotFound)?;
        let actor = match who {
            ClaimActor::Merchant { user, merchant_id } => {
                if merchant_id != claim.merchant_id {
                    return Err(ClaimError::NotFound);
                }
                Actor::User(user)
            }
            ClaimActor::Cell(c) => {
                let may = match c.role {
                    Some(r) => r.can(Permission::WorkCases),
                    None => matches!(c.actor, Actor::System),
                };
                if !may {
                    return Err(ClaimError::Forbidden("work claims"));
                }
                c.actor
            }
        };
        let note: String = seba_core::text::clean(note).trim().to_string();
        if note.chars().count() > PROOF_NOTE_MAX {
            return Err(ClaimError::Invalid(vec![seba_claims::claim::FieldError {
                field: "note",
                message: seba_core::Bilingual::new(
                    "নোট ২০০০ অক্ষরের মধ্যে লিখুন",
                    "Write a note of at most 2,000 characters",
                ),
            }]));
        }
        let sha = file.sha256.trim().to_ascii_lowercase();
        let Some((content_type, bytes)) = self.store.blob(&sha).await? else {
            return Err(ClaimError::App(crate::AppError::UnknownAttachment(
                sha.chars().take(64).collect(),
            )));
        };
        let filename = file
            .filename
            .as_deref()
            .map(|n| {
                seba_core::text::clean(n)
                    .trim()
                    .chars()
                    .take(200)
                    .collect::<String>()
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("{}.bin", &sha[..12.min(sha.len())]));
        let attachment = AttachmentRef {
            sha256: sha,
            filename,
            content_type,
            size: bytes.len() as i64,
        };
        let body = if note.is_empty() {
            "বিক্রেতার পাঠানো প্রমাণ\nProof sent by the merchant".to_string()
        } else {
            note
        };
        let label = match who {
            ClaimActor::Merchant { merchant_id, .. } => format!("merchant:{merchant_id}"),
            ClaimActor::Cell(_) => "cell".to_string(),
        };
        let now = self.now();
        let (case, _) = self
            .update_beside(case, None, None, |before, commit, side| {
                side.clear();
                commit.messages.push(NewMessage {
                    case_id: before.id,
                    kind: MessageKind::Note,
                    author: actor,
                    body: body.clone(),
                    created_at: now,
                    attachments: vec![attachment.clone()],
                });
                commit.events.push(crate::cases::event(
                    before,
                    now,
                    actor,
                    "claim.proof",
                    "{}".into(),
                    json!({
                        "by": label,
                        "sha256": attachment.sha256,
                        "content_type": attachment.content_type,
                        "size": attachment.size,
                    })
                    .to_string(),
                ));
                commit.outbox.push(OutboxDraft {
                    topic: "message.note".into(),
                    case_id: Some(before.id),
                    payload: json!({ "case_id": before.id.0 }),
                    message_index: Some(0),
                });
                let mut after = before.clone();
                after.updated_at = now;
                Ok(Some(after))
            })
            .await?;
        Ok(case)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::Caller;
    use crate::testing::TestApp;
    use seba_claims::claim::ClaimInput;
    use seba_claims::merchant::{MerchantNames, MerchantStatus};
    use seba_core::case::Channel;
    use seba_core::ids::UserId;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x00IEND\xaeB`\x82";

    #[tokio::test]
    async fn proof_lands_on_the_merchants_own_claim_only() {
        let t = TestApp::new().await;
        let m = t
            .app
            .add_merchant(
                MerchantNames {
                    trade_en: "Evaly".into(),
                    ..MerchantNames::default()
                },
                None,
                None,
                MerchantStatus::Operating,
                Caller::system(),
            )
            .await
            .unwrap();
        let filed = t
            .app
            .file_claim(
                &ClaimInput {
                    claimant_msisdn: "01712345678".into(),
                    district: "Dhaka".into(),
                    merchant: "Evaly".into(),
                    order_id: "EV-1".into(),
                    order_date: "2021-07-15".into(),
                    product: "Phone".into(),
                    amount_paid: "1000".into(),
                    payment_method: "bKash".into(),
                    ..ClaimInput::default()
                },
                Channel::Web,
                Caller::customer(),
                None,
            )
            .await
            .unwrap();
        let stored = t.app.upload("image/png", PNG.to_vec()).await.unwrap();
        let file = || AttachmentInput {
            sha256: stored.sha256.clone(),
            filename: Some("slip.png".into()),
        };
        let other = ClaimActor::Merchant {
            user: UserId(99),
            merchant_id: m.id + 1,
        };
        assert!(matches!(
            t.app
                .add_claim_proof(filed.case.id, other, "", file())
                .await,
            Err(ClaimError::NotFound)
        ));
        let own = ClaimActor::Merchant {
            user: UserId(98),
            merchant_id: m.id,
        };
        t.app
            .add_claim_proof(filed.case.id, own, "Refunded on 1 Aug", file())
            .await
            .unwrap();
        let thread = t.app.store.messages(filed.case.id).await.unwrap();
        let last = &thread.last().unwrap().message;
        assert_eq!(last.kind, MessageKind::Note);
        assert_eq!(last.attachments.len(), 1);
        assert_eq!(last.attachments[0].filename, "slip.png");
        assert_eq!(last.author, Actor::User(UserId(98)));
    }
}
