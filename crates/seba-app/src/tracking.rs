//! A customer tracks a complaint: case number + mobile number, then a one-time code by SMS
//! before any detail is shown.
//!
//! The answer to "send me a code" is the same whether or not the number matches the case,
//! so the endpoint cannot be used to learn who complained about what. A code is 6 digits,
//! lives a few minutes, allows a few tries and is used once; only a peppered hash of it is
//! stored. A verified customer gets a signed view pass (case id + expiry + MAC) that any
//! node can check without a lookup.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use seba_core::case::{Case, MessageKind};
use seba_core::contact::Msisdn;
use seba_core::ids::{CaseId, CaseNumber};
use seba_store::{CaseWrite, Challenge, Commit, OutboxDraft, StoredMessage};

use crate::accounts::secret_eq;
use crate::cases::{AttachmentInput, Caller, Idem, MessageInput};
use crate::{App, AppError};

#[derive(Debug, Clone, Serialize)]
pub struct ChallengeStarted {
    pub challenge_id: String,
    pub expires_at: Timestamp,
}

/// What a verified customer may see of their case.
#[derive(Debug, Clone, Serialize)]
pub struct PublicCase {
    pub number: String,
    pub status: seba_core::case::Status,
    pub category: String,
    pub subject: String,
    pub created_at: Timestamp,
    pub resolution_due: Timestamp,
    pub promise: seba_core::Bilingual,
    pub messages: Vec<PublicMessage>,
    /// Signed pass for further requests (`Authorization: Bearer …`).
    pub view_token: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicMessage {
    pub from: &'static str,
    pub body: String,
    pub at: Timestamp,
}

impl App {
    fn code_hash(&self, challenge_id: &str, code: &str) -> String {
        self.token_hash(&format!("otp:{challenge_id}:{code}"))
    }

    fn view_mac(&self, case: CaseId, expires: i64) -> String {
        self.token_hash(&format!("view:{}:{expires}", case.0))
    }

    /// Step 1: ask for a code. Always answers alike; sends an SMS only on a match.
    pub async fn start_tracking(
        &self,
        number: &str,
        msisdn: &str,
    ) -> Result<ChallengeStarted, AppError> {
        let number = CaseNumber::parse(number)?;
        let msisdn =
            Msisdn::parse(msisdn).map_err(|source| seba_core::case::InputError::Msisdn {
                field: "msisdn",
                source,
            })?;
        let now = self.now();
        let recent = self
            .store
            .recent_challenges(msisdn.as_e164(), now - SignedDuration::from_hours(1))
            .await?;
        if recent >= self.settings.otp_per_hour {
            return Err(AppError::TooMany);
        }
        let case = self.store.case(number.id()).await?;
        let matches = case
            .as_ref()
            .and_then(|c| c.requester.msisdn.as_ref())
            .is_some_and(|m| *m == msisdn);
        let challenge_id = self.random.token(18);
        let code = format!("{:06}", self.random.below(1_000_000));
        let expires_at = now + SignedDuration::from_mins(self.settings.otp_minutes);
        self.store
            .create_challenge(Challenge {
                id: challenge_id.clone(),
                case_id: if matches { number.id() } else { CaseId(0) },
                msisdn: msisdn.as_e164().to_string(),
                code_hash: self.code_hash(&challenge_id, &code),
                created_at: now,
                expires_at,
                attempts: 0,
                max_attempts: self.settings.otp_attempts,
                completed_at: None,
            })
            .await?;
        if matches {
            let bn_code = seba_core::text::bengali_digits(&code);
            let text = format!(
                "{} কোড {bn_code} ({code}). কাউকে বলবেন না। / Your {} code is {code}. Do not share it.",
                self.settings.org_name, self.settings.org_name
            );
            self.store
                .commit(Commit {
                    case: CaseWrite::None,
                    messages: vec![],
                    events: vec![],
                    outbox: vec![OutboxDraft {
                        topic: "sms.send".into(),
                        case_id: Some(number.id()),
                        payload: json!({ "to": msisdn.as_e164(), "text": text, "key": format!("otp:{challenge_id}") }),
                        message_index: None,
                    }],
                    idempotency: None,
                })
                .await?;
        }
        Ok(ChallengeStarted {
            challenge_id,
            expires_at,
        })
    }

    /// Step 2: check the code; on success show the case.
    pub async fn verify_tracking(
        &self,
        challenge_id: &str,
        code: &str,
    ) -> Result<PublicCase, AppError> {
        let now = self.now();
        let code = seba_core::text::ascii_digits(code.trim());
        let Some(ch) = self
            .store
            .attempt_challenge(challenge_id.trim(), now)
            .await?
        else {
            return Err(AppError::BadCode);
        };
        if ch.case_id.0 == 0 || !secret_eq(&self.code_hash(&ch.id, &code), &ch.code_hash) {
            return Err(AppError::BadCode);
        }
        self.store.complete_challenge(&ch.id, now).await?;
        self.public_case(ch.case_id).await
    }

    /// Check a view pass; the case id it grants.
    pub fn check_view_token(&self, token: &str) -> Option<CaseId> {
        let mut parts = token.split('.');
        let (id, exp, mac) = (parts.next()?, parts.next()?, parts.next()?);
        let (id, exp): (i64, i64) = (id.parse().ok()?, exp.parse().ok()?);
        let ok = secret_eq(&self.view_mac(CaseId(id), exp), mac) && exp > self.now().as_second();
        ok.then_some(CaseId(id))
    }

    /// The customer's view of their case (no internal notes, no staff names).
    pub async fn public_case(&self, id: CaseId) -> Result<PublicCase, AppError> {
        let case = self.store.case(id).await?.ok_or(AppError::CaseNotFound)?;
        let messages = self.store.messages(id).await?;
        let exp =
            (self.now() + SignedDuration::from_mins(self.settings.tracking_minutes)).as_second();
        let view_token = format!("{}.{exp}.{}", id.0, self.view_mac(id, exp));
        Ok(PublicCase {
            number: case.number().to_string(),
            status: case.status,
            category: case.category.clone(),
            subject: case.subject.clone(),
            created_at: case.created_at,
            resolution_due: case.sla.resolution_due,
            promise: self.promise(&case),
            messages: public_messages(&messages),
            view_token,
        })
    }

    /// A customer's reply to their own case (the caller checked the view pass).
    pub async fn customer_reply(
        &self,
        id: CaseId,
        body: &str,
        attachments: Vec<AttachmentInput>,
        idem: Option<Idem>,
    ) -> Result<Case, AppError> {
        let input = MessageInput {
            kind: MessageKind::Inbound,
            body: body.into(),
            attachments,
        };
        Ok(self
            .add_message(id, input, Caller::customer(), None, idem)
            .await?
            .0)
    }

    /// The SLA promise in plain words, in both languages.
    pub fn promise(&self, case: &Case) -> seba_core::Bilingual {
        let tz =
            jiff::tz::TimeZone::get(&self.settings.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let due = case.sla.resolution_due.to_zoned(tz);
        let date_en = due.strftime("%-d %B %Y").to_string();
        let date_bn = seba_core::text::bengali_digits(&due.strftime("%d/%m/%Y").to_string());
        use seba_core::case::Status::*;
        match case.status {
            New | Open | PendingThirdParty => seba_core::Bilingual::new(
                format!("আমরা আপনার অভিযোগটি দেখছি; {date_bn} তারিখের মধ্যে সমাধানের চেষ্টা করব।"),
                format!("We are working on your complaint and aim to resolve it by {date_en}."),
            ),
            PendingCustomer => seba_core::Bilingual::new(
                "আমরা আপনার উত্তরের অপেক্ষায় আছি; উত্তর দিলে কাজ আবার শুরু হবে।",
                "We are waiting for your reply; work resumes as soon as you answer.",
            ),
            Resolved => seba_core::Bilingual::new(
                "আপনার অভিযোগের সমাধান হয়েছে। সন্তুষ্ট না হলে ৭ দিনের মধ্যে উত্তর দিন।",
                "Your complaint has been resolved. If you are not satisfied, reply within 7 days.",
            ),
            Closed => {
                seba_core::Bilingual::new("এই অভিযোগটি বন্ধ করা হয়েছে।", "This complaint is closed.")
            }
            Merged => seba_core::Bilingual::new(
                "এই অভিযোগটি আপনার আরেকটি অভিযোগের সাথে যুক্ত করা হয়েছে।",
                "This complaint was merged with another of your complaints.",
            ),
        }
    }
}

fn public_messages(messages: &[StoredMessage]) -> Vec<PublicMessage> {
    messages
        .iter()
        .filter_map(|m| {
            let from = match m.message.kind {
                MessageKind::Inbound => "you",
                MessageKind::Reply => "support",
                MessageKind::Note => return None,
            };
            Some(PublicMessage {
                from,
                body: m.message.body.clone(),
                at: m.message.created_at,
            })
        })
        .collect()
}

/// A short fingerprint of a request body, for idempotency checks.
pub fn request_fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    hex::encode(h.finalize())
}
