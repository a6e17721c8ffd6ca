//! The e-commerce complaint cell: victims' claims against merchants, filed, deduplicated,
//! worked through the cell's workflow with the merchant, and followed to a refund.
//!
//! A claim is a case — it has the case's lifecycle, SLA, thread and audit chain — with a
//! claim row beside it (merchant, order, amounts, stage, deadlines) written in the same
//! transaction. The merchant a claimant names is found in the registry across scripts
//! and spellings (`seba_claims::merchant::Matcher`); a name the registry does not know
//! becomes a merchant *pending review* for the cell to confirm or merge, never a silent
//! duplicate. The same claimant, merchant and order is one claim: a second filing adds a
//! message to the first and counts the filing.
//!
//! Moves through the workflow (`seba_claims::workflow`) are checked for who makes them —
//! a merchant's staff act only on their own merchant's claims — and move the case with
//! them (forwarded → waiting on a third party, refunded → resolved); the claimant is told
//! each step by SMS.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use seba_claims::claim::{CheckedClaim, ClaimInput, Delivery, FieldError, dedup_key};
use seba_claims::intake::{self, FileError};
use seba_claims::merchant::{Match, Matcher, MerchantNames, MerchantStatus};
use seba_claims::money;
use seba_claims::rules::{self, ClaimFacts, Deadlines, Missed};
use seba_claims::workflow::{self, Party, Stage, WorkflowError};
use seba_core::bilingual::{Bilingual, Explain};
use seba_core::case::{Actor, Case, Channel, MessageKind};
use seba_core::ids::{CaseId, UserId};
use seba_core::lifecycle::{self, Action};
use seba_store::{
    ClaimRecord, Commit, MerchantRecord, NewMessage, OutboxDraft, RefundRecord, SideWrite,
    StoreError,
};

use crate::cases::{Caller, NewCaseInput};
use crate::{App, AppError};

/// What an operator may tune: the guidelines' deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClaimSettings {
    pub deadlines: Deadlines,
}

/// How long this node trusts its copy of the merchant registry (another node's new
/// merchant is matched within this).
const REGISTRY_TTL: Duration = Duration::from_secs(30);
/// Claims filed at once by an import: enough for the store to group their commits.
const IMPORT_IN_FLIGHT: usize = 64;
/// Import rows filed in one store transaction (one durable write, each page the batch
/// touches written once), and batches prepared while another commits.
const IMPORT_BATCH: usize = 2000;
const IMPORT_BATCHES_IN_FLIGHT: usize = 2;
/// Times a batch is sent to the store (the first, then again after each refused row)
/// before the rest of it is filed one row at a time.
const IMPORT_BATCH_ROUNDS: usize = 3;

/// The registry, indexed for matching.
pub struct Registry {
    pub matcher: Matcher,
    pub merchants: HashMap<i64, MerchantRecord>,
}

/// This node's copy of the registry.
#[derive(Default)]
pub struct RegistryCache(RwLock<Option<(Instant, Arc<Registry>)>>);

/// Why a claim step was refused.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("the claim has errors")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error("no such claim")]
    NotFound,
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for ClaimError {
    fn from(e: StoreError) -> Self {
        ClaimError::App(AppError::Store(e))
    }
}

impl Explain for ClaimError {
    fn explain(&self) -> Bilingual {
        match self {
            ClaimError::Invalid(errors) => Bilingual::new(
                errors
                    .iter()
                    .map(|e| e.message.bn.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                errors
                    .iter()
                    .map(|e| e.message.en.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ClaimError::Workflow(e) => e.explain(),
            ClaimError::NotFound => Bilingual::new("এমন কোনো দাবি নেই", "No such claim"),
            ClaimError::Forbidden(_) => {
                Bilingual::new("এটি করার অনুমতি নেই", "You are not allowed to do that")
            }
            ClaimError::App(e) => e.explain(),
        }
    }
}

/// Who acts on a claim.
#[derive(Debug, Clone, Copy)]
pub enum ClaimActor {
    /// Complaint-cell staff (their role is checked by the case commands' rules).
    Cell(Caller),
    /// A merchant's staff member: only that merchant's claims exist for them.
    Merchant { user: UserId, merchant_id: i64 },
}

impl ClaimActor {
    fn party(&self) -> Party {
        match self {
            ClaimActor::Cell(_) => Party::Cell,
            ClaimActor::Merchant { .. } => Party::Merchant,
        }
    }

    fn actor(&self) -> Actor {
        match self {
            ClaimActor::Cell(c) => c.actor,
            ClaimActor::Merchant { user, .. } => Actor::User(*user),
        }
    }

    fn label(&self) -> String {
        match self {
            ClaimActor::Cell(c) => c.actor.to_string(),
            ClaimActor::Merchant { user, merchant_id } => format!("merchant:{merchant_id}:{user}"),
        }
    }

    /// The claim as this actor may see it, or `NotFound`.
    fn sees(&self, claim: &ClaimRecord) -> Result<(), ClaimError> {
        match self {
            ClaimActor::Merchant { merchant_id, .. } if *merchant_id != claim.merchant_id => {
                Err(ClaimError::NotFound)
            }
            ClaimActor::Cell(c) if c.role.is_none() && !matches!(c.actor, Actor::System) => {
                Err(ClaimError::Forbidden("work claims"))
            }
            _ => Ok(()),
        }
    }
}

/// A filed claim.
#[derive(Debug, Clone)]
pub struct Filed {
    pub case: Case,
    pub claim: ClaimRecord,
    pub merchant: MerchantRecord,
    /// The claim existed: this filing was added to it.
    pub added_to: bool,
    /// The merchant's name was new: it awaits the cell's review.
    pub new_merchant: bool,
}

/// A claim with everything its page shows.
#[derive(Debug, Clone)]
pub struct ClaimView {
    pub case: Case,
    pub claim: ClaimRecord,
    pub merchant: Option<MerchantRecord>,
    pub refunds: Vec<RefundRecord>,
    pub missed: Vec<Missed>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: usize,
    pub added: usize,
    /// Rows that were another filing of a claim already there.
    pub added_to: usize,
    /// Rows this or an earlier import already took (the same file again adds nothing).
    pub already: usize,
    pub new_merchants: usize,
    /// Rows refused, with their line and every field at fault.
    pub bad: Vec<(usize, Vec<FieldError>)>,
}

impl ImportReport {
    fn tally(&mut self, line: usize, r: Result<RowFiled, ClaimError>) {
        match r {
            Ok(RowFiled::AddedTo) => self.added_to += 1,
            Ok(RowFiled::New { new_merchant }) => {
                self.added += 1;
                if new_merchant {
                    self.new_merchants += 1;
                }
            }
            Err(ClaimError::App(AppError::Exists(_))) => self.already += 1,
            Err(ClaimError::Invalid(errors)) => self.bad.push((line, errors)),
            Err(e) => self.bad.push((
                line,
                vec![FieldError {
                    field: "row",
                    message: e.explain(),
                }],
            )),
        }
    }
}

/// What an import row came to, as far as the report counts it.
enum RowFiled {
    /// A new claim; `new_merchant`: filed with a merchant new to the registry.
    New { new_merchant: bool },
    /// Another filing of a claim already made.
    AddedTo,
}

impl From<Filed> for RowFiled {
    fn from(f: Filed) -> RowFiled {
        if f.added_to {
            RowFiled::AddedTo
        } else {
            RowFiled::New {
                new_merchant: f.new_merchant,
            }
        }
    }
}

/// One checked row of an import, with the merchant it names.
struct ImportRow {
    line: usize,
    claim: CheckedClaim,
    /// The row's content key (the same row again is the same key).
    key: String,
    /// Shared by every row naming the merchant.
    merchant: Arc<MerchantRecord>,
}

fn has_bengali(s: &str) -> bool {
    s.chars().any(|c| ('\u{0980}'..='\u{09FF}').contains(&c))
}

/// The case category a claim files under.
fn category_of(delivery: Delivery) -> &'static str {
    match delivery {
        Delivery::NotDelivered | Delivery::PartlyDelivered => "ecommerce.non_delivery",
        Delivery::WrongItem => "ecommerce.wrong_product",
        Delivery::Delivered => "ecommerce.refund",
    }
}

/// The case action that goes with reaching a stage, if any.
fn case_action(stage: Stage) -> Option<Action> {
    match stage {
        Stage::Verified | Stage::MerchantResponded => Some(Action::Open),
        Stage::Forwarded | Stage::Escalated => Some(Action::PendThirdParty),
        Stage::Refunded => Some(Action::Resolve),
        Stage::Closed => Some(Action::Close),
        Stage::Submitted | Stage::PartlyRefunded => None,
    }
}

impl App {
    /// The merchant registry as this node knows it (rebuilt at most every 30 s, and after
    /// this node adds a merchant).
    pub async fn merchant_registry(&self) -> Result<Arc<Registry>, AppError> {
        if let Some((at, r)) = self
            .claims
            .0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            && at.elapsed() < REGISTRY_TTL
        {
            return Ok(r.clone());
        }
        let merchants = self.store.merchants().await?;
        let names: Vec<(i64, MerchantNames)> =
            merchants.iter().map(|m| (m.id, names_of(m))).collect();
        let registry = Arc::new(Registry {
            matcher: Matcher::new(names.iter().map(|(id, n)| (*id, n))),
            merchants: merchants.into_iter().map(|m| (m.id, m)).collect(),
        });
        *self.claims.0.write().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), registry.clone()));
        Ok(registry)
    }

    fn forget_registry(&self) {
        *self.claims.0.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Add a merchant to the registry (the cell), audited.
    pub async fn add_merchant(
        &self,
        names: MerchantNames,
        licence: Option<String>,
        district: Option<u16>,
        status: MerchantStatus,
        caller: Caller,
    ) -> Result<MerchantRecord, ClaimError> {
        if caller.role.is_none() && !matches!(caller.actor, Actor::System) {
            return Err(ClaimError::Forbidden("add merchants"));
        }
        let now = self.now();
        let record = MerchantRecord {
            id: self.store.next_merchant_id().await?,
            legal_bn: names.legal_bn,
            legal_en: names.legal_en,
            trade_bn: names.trade_bn,
            trade_en: names.trade_en,
            aliases: names.aliases,
            web: names.web,
            licence,
            district,
            status: status.as_str().into(),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let commit = merchant_commit(&record, caller.actor, "merchant.added", now);
        self.store
            .commit_with(
                commit,
                vec![SideWrite::Merchant {
                    merchant: record.clone(),
                    expected_version: None,
                }],
            )
            .await?;
        self.forget_registry();
        Ok(record)
    }

    /// The merchant a typed name means, or a new one pending review.
    async fn merchant_for(&self, typed: &str) -> Result<(MerchantRecord, bool), ClaimError> {
        let registry = self.merchant_registry().await?;
        if let Match::Known { id, .. } = registry.matcher.find(typed)
            && let Some(m) = registry.merchants.get(&id)
        {
            return Ok((m.clone(), false));
        }
        let now = self.now();
        let looks_like_web = typed.contains('.') && !typed.contains(' ');
        let (trade_bn, trade_en) = if has_bengali(typed) {
            (typed.to_string(), String::new())
        } else {
            (String::new(), typed.to_string())
        };
        Ok((
            MerchantRecord {
                id: self.store.next_merchant_id().await?,
                legal_bn: String::new(),
                legal_en: String::new(),
                trade_bn,
                trade_en,
                aliases: vec![],
                web: if looks_like_web {
                    vec![typed.to_string()]
                } else {
                    vec![]
                },
                licence: None,
                district: None,
                status: MerchantStatus::PendingReview.as_str().into(),
                created_at: now,
                updated_at: now,
                version: 1,
            },
            true,
        ))
    }

    fn deadlines_of(
        &self,
        checked: &CheckedClaim,
        merchant: &MerchantRecord,
    ) -> (Timestamp, Timestamp) {
        let d = &self.settings.claims.deadlines;
        let facts = ClaimFacts {
            order_date: checked.order_date,
            same_city: merchant.district == Some(checked.district),
            delivered: checked.delivery == Delivery::Delivered,
            paid_poisha: checked.paid_poisha,
            refunded_poisha: checked.refunded_poisha,
            sent_to_merchant: None,
            merchant_answered: None,
        };
        let delivery = rules::delivery_due(&facts, d);
        (
            delivery,
            delivery + SignedDuration::from_hours(24 * d.refund_days),
        )
    }

    /// File a claim: checked whole, its merchant found (or filed for review), and either a
    /// new claim (a case in the e-commerce cell's queue with the claim beside it) or
    /// another filing of the claim already there. `import_key` marks an imported row, so
    /// the same row is never taken twice.
    pub async fn file_claim(
        &self,
        input: &ClaimInput,
        channel: Channel,
        caller: Caller,
        import_key: Option<String>,
    ) -> Result<Filed, ClaimError> {
        let today = self.now().to_zoned(seba_core::clock::dhaka()).date();
        let checked = input.check(today).map_err(ClaimError::Invalid)?;
        let (merchant, new_merchant) = self.merchant_for(&checked.merchant).await?;
        let filed = self
            .file_checked(
                &checked,
                merchant,
                new_merchant,
                channel,
                caller,
                import_key,
            )
            .await?;
        if filed.new_merchant {
            self.forget_registry();
        }
        Ok(filed)
    }

    async fn file_checked(
        &self,
        checked: &CheckedClaim,
        merchant: MerchantRecord,
        new_merchant: bool,
        channel: Channel,
        caller: Caller,
        import_key: Option<String>,
    ) -> Result<Filed, ClaimError> {
        let key = dedup_key(&checked.claimant, merchant.id, &checked.order_id);
        for _ in 0..4 {
            if let Some(existing) = self.store.claim_by_key(&key).await? {
                return self
                    .add_filing(existing, checked, merchant.clone(), import_key.clone())
                    .await;
            }
            let (case, commit, side, claim) = self
                .claim_commit(
                    checked,
                    key.clone(),
                    &merchant,
                    new_merchant,
                    channel,
                    caller,
                    import_key.clone(),
                )
                .await?;
            match self
                .store
                .commit_with(commit, side)
                .await
                .map_err(crate::cases::map_commit_err)
            {
                Ok(_) => {
                    tracing::info!(case = %case.number(), merchant = merchant.id, "claim filed");
                    return Ok(Filed {
                        case,
                        claim,
                        merchant,
                        added_to: false,
                        new_merchant,
                    });
                }
                // Another filing of the same order (or the same import row) got there
                // first: go round and add to it.
                Err(AppError::IdempotencyRace) => {
                    if let Some(k) = &import_key
                        && !self
                            .store
                            .imported(std::slice::from_ref(k))
                            .await?
                            .is_empty()
                    {
                        return Err(ClaimError::App(AppError::Exists(format!("import row {k}"))));
                    }
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(ClaimError::App(AppError::IdempotencyRace))
    }

    /// The case, its commit and the records beside it (the claim under its dedup `key`;
    /// the merchant if it is new; the import row's key) that file a new claim — nothing
    /// written yet.
    async fn claim_commit(
        &self,
        checked: &CheckedClaim,
        key: String,
        merchant: &MerchantRecord,
        new_merchant: bool,
        channel: Channel,
        caller: Caller,
        import_key: Option<String>,
    ) -> Result<(Case, Commit, Vec<SideWrite>, ClaimRecord), ClaimError> {
        let (delivery_due, refund_due) = self.deadlines_of(checked, merchant);
        let now = self.now();
        let paid = money::show(checked.paid_poisha);
        let refunded = money::show(checked.refunded_poisha);
        let name = if merchant.trade_bn.is_empty() {
            &merchant.trade_en
        } else {
            &merchant.trade_bn
        };
        let gateway = checked
            .gateway
            .as_deref()
            .map(|g| format!(", {g}"))
            .unwrap_or_default();
        let body = format!(
            "দাবি: {name}, অর্ডার {} ({}), {}; পরিশোধ {} ({}{gateway}), ফেরত {}; {}।\nClaim: {}, order {} ({}), {}; paid {} ({}{gateway}), refunded {}; {}.",
            checked.order_id,
            seba_core::text::bengali_digits(&checked.order_date.strftime("%d/%m/%Y").to_string()),
            checked.product,
            paid.bn,
            checked.method.label().bn,
            refunded.bn,
            checked.delivery.label().bn,
            if merchant.trade_en.is_empty() {
                &merchant.trade_bn
            } else {
                &merchant.trade_en
            },
            checked.order_id,
            checked.order_date,
            checked.product,
            paid.en,
            checked.method.label().en,
            refunded.en,
            checked.delivery.label().en,
        );
        let input = NewCaseInput {
            channel: Some(channel),
            category: category_of(checked.delivery).into(),
            subject: Some(
                format!("{name} — {} — {}", checked.order_id, paid.en)
                    .chars()
                    .take(80)
                    .collect(),
            ),
            body,
            requester_name: checked.claimant_name.clone(),
            requester_msisdn: Some(checked.claimant.as_e164().to_string()),
            ..NewCaseInput::default()
        };
        let (case, commit) = self.new_case_commit(input, caller, None).await?;
        let claim = ClaimRecord {
            case_id: case.id,
            merchant_id: merchant.id,
            claimant_msisdn: checked.claimant.as_e164().to_string(),
            claimant_name: checked.claimant_name.clone(),
            district: checked.district,
            dedup_key: key,
            order_id: checked.order_id.clone(),
            order_date: checked.order_date,
            product: checked.product.clone(),
            paid_poisha: checked.paid_poisha,
            method: checked.method.as_str().into(),
            gateway: checked.gateway.clone(),
            delivery: checked.delivery.as_str().into(),
            refunded_poisha: checked.refunded_poisha,
            stage: Stage::Submitted.as_str().into(),
            filings: 1,
            delivery_due,
            refund_due,
            sent_to_merchant_at: None,
            merchant_answered_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let mut side = Vec::new();
        if new_merchant {
            side.push(SideWrite::Merchant {
                merchant: merchant.clone(),
                expected_version: None,
            });
        }
        side.push(SideWrite::Claim {
            claim: claim.clone(),
            expected_version: None,
        });
        if let Some(k) = import_key {
            side.push(SideWrite::ImportRow {
                key: k,
                case_id: case.id,
            });
        }
        Ok((case, commit, side, claim))
    }

    /// A second filing of a claim: a message on its case, and the count.
    async fn add_filing(
        &self,
        existing: ClaimRecord,
        checked: &CheckedClaim,
        merchant: MerchantRecord,
        import_key: Option<String>,
    ) -> Result<Filed, ClaimError> {
        let mut claim = existing;
        for _ in 0..8 {
            let now = self.now();
            let mut after = claim.clone();
            after.filings += 1;
            after.version += 1;
            after.updated_at = now;
            if after.claimant_name.is_none() {
                after.claimant_name = checked.claimant_name.clone();
            }
            let paid = money::show(checked.paid_poisha);
            let text = format!(
                "আবার দাখিল: {} — {}\nFiled again: {} — {}",
                checked.product, paid.bn, checked.product, paid.en
            );
            let expected = claim.version;
            let side_claim = after.clone();
            let key = import_key.clone();
            let result = self
                .update_beside(claim.case_id, None, None, move |before, commit, side| {
                    commit.messages.push(NewMessage {
                        case_id: before.id,
                        kind: MessageKind::Inbound,
                        author: Actor::Customer,
                        body: text.clone(),
                        created_at: now,
                        attachments: vec![],
                    });
                    commit.events.push(crate::cases::event(
                        before,
                        now,
                        Actor::System,
                        "claim.filed_again",
                        "{}".into(),
                        json!({ "filings": side_claim.filings }).to_string(),
                    ));
                    side.clear();
                    side.push(SideWrite::Claim {
                        claim: side_claim.clone(),
                        expected_version: Some(expected),
                    });
                    if let Some(k) = &key {
                        side.push(SideWrite::ImportRow {
                            key: k.clone(),
                            case_id: before.id,
                        });
                    }
                    let mut touched = before.clone();
                    touched.updated_at = now;
                    Ok(Some(touched))
                })
                .await;
            match result {
                Ok((case, _)) => {
                    return Ok(Filed {
                        case,
                        claim: after,
                        merchant,
                        added_to: true,
                        new_merchant: false,
                    });
                }
                Err(AppError::Stale { .. } | AppError::Store(StoreError::Conflict { .. })) => {
                    claim = self
                        .store
                        .claim(claim.case_id)
                        .await?
                        .ok_or(ClaimError::NotFound)?;
                }
                Err(AppError::IdempotencyRace) => {
                    return Err(ClaimError::App(AppError::Exists("import row".into())));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(ClaimError::App(AppError::IdempotencyRace))
    }

    /// A claim for an actor who may see it.
    pub async fn claim_view(&self, case: CaseId, who: ClaimActor) -> Result<ClaimView, ClaimError> {
        let claim = self.store.claim(case).await?.ok_or(ClaimError::NotFound)?;
        who.sees(&claim)?;
        let case = self.store.case(case).await?.ok_or(ClaimError::NotFound)?;
        let merchant = self.store.merchant(claim.merchant_id).await?;
        let refunds = self.store.refunds(case.id).await?;
        let missed = self.missed_deadlines(&claim, merchant.as_ref());
        Ok(ClaimView {
            case,
            claim,
            merchant,
            refunds,
            missed,
        })
    }

    /// Which of the guidelines' deadlines a claim has missed, now.
    pub fn missed_deadlines(
        &self,
        claim: &ClaimRecord,
        merchant: Option<&MerchantRecord>,
    ) -> Vec<Missed> {
        let facts = ClaimFacts {
            order_date: claim.order_date,
            same_city: merchant.and_then(|m| m.district) == Some(claim.district),
            delivered: claim.delivery == "delivered",
            paid_poisha: claim.paid_poisha,
            refunded_poisha: claim.refunded_poisha,
            sent_to_merchant: claim.sent_to_merchant_at,
            merchant_answered: claim.merchant_answered_at,
        };
        let open = Stage::parse(&claim.stage).is_none_or(Stage::is_open);
        if !open {
            return Vec::new();
        }
        rules::missed(&facts, &self.settings.claims.deadlines, self.now())
    }

    /// Move a claim to `to` (checked for who may), with the case and an SMS to the
    /// claimant.
    pub async fn move_claim(
        &self,
        case: CaseId,
        to: Stage,
        who: ClaimActor,
        note: Option<&str>,
    ) -> Result<ClaimRecord, ClaimError> {
        self.change_claim(
            case,
            who,
            |claim, _now| {
                let from = Stage::parse(&claim.stage).ok_or(ClaimError::NotFound)?;
                workflow::check_move(from, to, who.party())?;
                Ok((to, None))
            },
            note,
        )
        .await
    }

    /// Record a refund (amount, date, channel, reference): the claim's refunded total and
    /// stage follow.
    pub async fn record_refund(
        &self,
        case: CaseId,
        amount_poisha: i64,
        paid_on: Date,
        channel: &str,
        reference: &str,
        who: ClaimActor,
    ) -> Result<ClaimRecord, ClaimError> {
        let channel = seba_core::text::clean(channel)
            .trim()
            .chars()
            .take(60)
            .collect::<String>();
        let reference = seba_core::text::clean(reference)
            .trim()
            .chars()
            .take(100)
            .collect::<String>();
        if channel.is_empty() {
            return Err(ClaimError::Invalid(vec![FieldError {
                field: "channel",
                message: Bilingual::new(
                    "কোন মাধ্যমে ফেরত দেওয়া হয়েছে লিখুন",
                    "Give the channel the refund went by",
                ),
            }]));
        }
        if paid_on > self.now().to_zoned(seba_core::clock::dhaka()).date() {
            return Err(ClaimError::Invalid(vec![FieldError {
                field: "paid_on",
                message: Bilingual::new(
                    "ফেরতের তারিখ ভবিষ্যতে হতে পারে না",
                    "The refund date cannot be in the future",
                ),
            }]));
        }
        let label = who.label();
        self.change_claim(
            case,
            who,
            move |claim, now| {
                let from = Stage::parse(&claim.stage).ok_or(ClaimError::NotFound)?;
                let (total, stage) = workflow::refund(
                    from,
                    claim.paid_poisha,
                    claim.refunded_poisha,
                    amount_poisha,
                )?;
                Ok((
                    stage,
                    Some((
                        total,
                        RefundRecord {
                            id: 0,
                            case_id: claim.case_id,
                            amount_poisha,
                            paid_on,
                            channel: channel.clone(),
                            reference: reference.clone(),
                            recorded_by: label.clone(),
                            recorded_at: now,
                        },
                    )),
                ))
            },
            None,
        )
        .await
    }

    /// One change of a claim's stage (and refunds), in one commit with its case, audit
    /// event and SMS; re-run against the stored claim when it changed meanwhile.
    async fn change_claim<F>(
        &self,
        case: CaseId,
        who: ClaimActor,
        decide: F,
        note: Option<&str>,
    ) -> Result<ClaimRecord, ClaimError>
    where
        F: Fn(&ClaimRecord, Timestamp) -> Result<(Stage, Option<(i64, RefundRecord)>), ClaimError>,
    {
        let snap = self.snapshot().await?;
        let policy = self.settings.lifecycle();
        for _ in 0..8 {
            let claim = self.store.claim(case).await?.ok_or(ClaimError::NotFound)?;
            who.sees(&claim)?;
            let now = self.now();
            let (stage, refund) = decide(&claim, now)?;
            let mut after = claim.clone();
            after.stage = stage.as_str().into();
            after.version += 1;
            after.updated_at = now;
            if stage == Stage::Forwarded && after.sent_to_merchant_at.is_none() {
                after.sent_to_merchant_at = Some(now);
            }
            if stage == Stage::MerchantResponded && after.merchant_answered_at.is_none() {
                after.merchant_answered_at = Some(now);
            }
            let mut side = Vec::new();
            let mut sms_amount = None;
            if let Some((total, r)) = refund {
                sms_amount = Some(r.amount_poisha);
                after.refunded_poisha = total;
                side.push(SideWrite::Refund(r));
            }
            side.push(SideWrite::Claim {
                claim: after.clone(),
                expected_version: Some(claim.version),
            });
            let actor = who.actor();
            let note = note.map(|n| {
                seba_core::text::clean(n)
                    .trim()
                    .chars()
                    .take(2000)
                    .collect::<String>()
            });
            let from_stage = claim.stage.clone();
            let after_for_sms = after.clone();
            let org = self.settings.org_name.clone();
            let result = self
                .update_beside(case, None, None, |before, commit, s| {
                    s.clear();
                    s.extend(side.iter().cloned());
                    let mut case_after = before.clone();
                    case_after.updated_at = now;
                    if let Some(action) = case_action(stage) {
                        // Resolved first where the lifecycle needs it (closing an open case).
                        if action == Action::Close && lifecycle::allowed(case_after.status, Action::Resolve) {
                            let targets = snap.targets(&case_after.category, case_after.priority);
                            let _ = lifecycle::apply(&mut case_after, Action::Resolve, now, &policy, &snap.calendar, &targets);
                        }
                        if lifecycle::allowed(case_after.status, action) {
                            let targets = snap.targets(&case_after.category, case_after.priority);
                            let _ = lifecycle::apply(&mut case_after, action, now, &policy, &snap.calendar, &targets);
                        }
                    }
                    commit.events.push(crate::cases::event(
                        before,
                        now,
                        actor,
                        if sms_amount.is_some() { "claim.refund" } else { "claim.stage" },
                        json!({ "stage": from_stage, "refunded_poisha": claim.refunded_poisha }).to_string(),
                        json!({ "stage": after_for_sms.stage, "refunded_poisha": after_for_sms.refunded_poisha }).to_string(),
                    ));
                    if let Some(n) = note.as_ref().filter(|n| !n.is_empty()) {
                        commit.messages.push(NewMessage {
                            case_id: before.id,
                            kind: MessageKind::Note,
                            author: actor,
                            body: n.clone(),
                            created_at: now,
                            attachments: vec![],
                        });
                    }
                    if let Some(to) = &before.requester.msisdn {
                        let label = stage.label();
                        let number = before.number().to_string();
                        let amount = sms_amount.map(money::show);
                        let text = match &amount {
                            Some(a) => format!(
                                "{org}: আপনার দাবি {} — {} ফেরত লেখা হয়েছে; এখন: {}। / Your claim {number}: a refund of {} was recorded; now: {}.",
                                seba_core::text::bengali_digits(&number), a.bn, label.bn, a.en, label.en
                            ),
                            None => format!(
                                "{org}: আপনার দাবি {} এখন: {}। / Your claim {number} is now: {}.",
                                seba_core::text::bengali_digits(&number), label.bn, label.en
                            ),
                        };
                        commit.outbox.push(OutboxDraft {
                            topic: "sms.send".into(),
                            case_id: Some(before.id),
                            payload: json!({
                                "to": to.as_e164(),
                                "text": text,
                                "key": format!("claim:{}:v{}", before.id, after_for_sms.version),
                            }),
                            message_index: None,
                        });
                    }
                    Ok(Some(case_after))
                })
                .await;
            match result {
                Ok(_) => return Ok(after),
                Err(AppError::Stale { .. } | AppError::Store(StoreError::Conflict { .. })) => {
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(ClaimError::App(AppError::Store(StoreError::Conflict {
            current: -1,
        })))
    }

    /// Import a CSV of claims: every row checked; merchants resolved once per name (so a
    /// new name becomes one merchant pending review, not one per row); good rows filed
    /// many at a time; rows already imported skipped, so the same file again adds nothing.
    pub async fn import_claims(
        &self,
        bytes: &[u8],
        caller: Caller,
    ) -> Result<ImportReport, FileError> {
        let sheet = intake::read(bytes)?;
        let mut report = ImportReport {
            rows: sheet.rows.len() + sheet.bad.len(),
            ..ImportReport::default()
        };
        for bad in &sheet.bad {
            report.bad.push((
                bad.line,
                vec![FieldError {
                    field: "row",
                    message: bad.message.clone(),
                }],
            ));
        }
        let keys: Vec<String> = sheet.rows.iter().map(|r| r.key.clone()).collect();
        let taken: std::collections::HashSet<String> = match self.store.imported(&keys).await {
            Ok(t) => t.into_iter().collect(),
            Err(e) => {
                return Err(FileError::Csv {
                    line: 0,
                    message: format!("store: {e}"),
                });
            }
        };
        let today = self.now().to_zoned(seba_core::clock::dhaka()).date();
        // Check every row, and resolve each merchant name once.
        // Rows to file, each with its merchant name's folded key (computed once).
        let mut work: Vec<(usize, CheckedClaim, String, String)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for row in sheet.rows {
            if taken.contains(&row.key) || !seen.insert(row.key.clone()) {
                report.already += 1;
                continue;
            }
            match row.input.check(today) {
                Ok(c) => {
                    let folded = seba_claims::merchant::keys(&c.merchant).folded;
                    work.push((row.line, c, row.key, folded));
                }
                Err(errors) => report.bad.push((row.line, errors)),
            }
        }
        let mut merchants: HashMap<String, (Arc<MerchantRecord>, bool)> = HashMap::new();
        for (_, c, _, folded) in &work {
            if merchants.contains_key(folded) {
                continue;
            }
            match self.merchant_for(&c.merchant).await {
                Ok((m, new)) => {
                    merchants.insert(folded.clone(), (Arc::new(m), new));
                }
                Err(e) => {
                    return Err(FileError::Csv {
                        line: 0,
                        message: e.to_string(),
                    });
                }
            }
        }
        // A new merchant is written with its first claim (which then carries it), one at a
        // time; the rest of the rows follow in batches, each batch one store transaction.
        let mut first_of_new = Vec::new();
        let mut rest = Vec::new();
        for (line, c, key, folded) in work {
            let Some((m, new)) = merchants.get_mut(&folded) else {
                continue;
            };
            let row = ImportRow {
                line,
                claim: c,
                key,
                merchant: m.clone(),
            };
            if *new {
                *new = false;
                first_of_new.push(row);
            } else {
                rest.push(row);
            }
        }
        self.file_each(first_of_new, true, caller, &mut report)
            .await;
        // Every batch's case ids at once: a batch then never waits for an id behind another
        // batch's commit. Should this fail, each id is fetched as it is needed instead.
        if let Err(e) = self.store.reserve_case_ids(rest.len()).await {
            tracing::warn!(error = %e, "could not reserve case ids for an import");
        }
        let mut slow = Vec::new();
        let mut set = tokio::task::JoinSet::new();
        let mut rest = rest.into_iter().peekable();
        let mut batches = std::iter::from_fn(|| {
            rest.peek()?;
            Some(rest.by_ref().take(IMPORT_BATCH).collect::<Vec<_>>())
        });
        loop {
            while set.len() < IMPORT_BATCHES_IN_FLIGHT {
                let Some(batch) = batches.next() else { break };
                let app = self.clone();
                set.spawn(async move { app.file_batch(batch, caller).await });
            }
            let Some(done) = set.join_next().await else {
                break;
            };
            let Ok((filed, again)) = done else { continue };
            for (line, r) in filed {
                report.tally(line, r);
            }
            slow.extend(again);
        }
        // Rows that were another filing of a claim, or that a concurrent filing beat to
        // their order: one at a time, as a single filing would be.
        self.file_each(slow, false, caller, &mut report).await;
        if report.new_merchants > 0 {
            self.forget_registry();
        }
        report.bad.sort_by_key(|(line, _)| *line);
        Ok(report)
    }

    /// File import rows one at a time, many in flight; `write_merchant`: each row's
    /// merchant is new and written with its claim.
    async fn file_each(
        &self,
        rows: Vec<ImportRow>,
        write_merchant: bool,
        caller: Caller,
        report: &mut ImportReport,
    ) {
        let mut set = tokio::task::JoinSet::new();
        let mut rows = rows.into_iter();
        loop {
            while set.len() < IMPORT_IN_FLIGHT {
                let Some(row) = rows.next() else { break };
                let app = self.clone();
                set.spawn(async move {
                    let r = app
                        .file_checked(
                            &row.claim,
                            Arc::unwrap_or_clone(row.merchant),
                            write_merchant,
                            Channel::Api,
                            caller,
                            Some(row.key),
                        )
                        .await;
                    (row.line, r)
                });
            }
            let Some(done) = set.join_next().await else {
                break;
            };
            if let Ok((line, r)) = done {
                report.tally(line, r.map(RowFiled::from));
            }
        }
    }

    /// File a batch of new claims in one store transaction. Rows whose order already has a
    /// claim (in the store, or earlier in this batch) and rows the store refused (another
    /// filing got to their order first) are handed back to be filed one at a time.
    async fn file_batch(
        &self,
        mut rows: Vec<ImportRow>,
        caller: Caller,
    ) -> (Vec<(usize, Result<RowFiled, ClaimError>)>, Vec<ImportRow>) {
        // By merchant, then claimant (the order of the claims' keys): the merchant's index
        // entries then land next to each other, in pages the writer already holds.
        rows.sort_by(|a, b| {
            (a.merchant.id, a.claim.claimant.as_e164(), a.line).cmp(&(
                b.merchant.id,
                b.claim.claimant.as_e164(),
                b.line,
            ))
        });
        let keys: Vec<String> = rows
            .iter()
            .map(|r| dedup_key(&r.claim.claimant, r.merchant.id, &r.claim.order_id))
            .collect();
        let Ok(claimed) = self.store.claimed(&keys).await else {
            return (Vec::new(), rows);
        };
        let claimed: std::collections::HashSet<String> = claimed.into_iter().collect();
        let mut seen = std::collections::HashSet::new();
        let mut done = Vec::new();
        let mut again = Vec::new();
        let mut fresh = Vec::new();
        for (row, key) in rows.into_iter().zip(keys) {
            if claimed.contains(&key) || !seen.insert(key.clone()) {
                again.push(row);
            } else {
                fresh.push((row, key));
            }
        }
        // All or nothing: a row the store refuses (a concurrent filing got to its order
        // first) is set aside and the rest sent again, a few times at most.
        for _ in 0..IMPORT_BATCH_ROUNDS {
            if fresh.is_empty() {
                break;
            }
            let mut built = Vec::with_capacity(fresh.len());
            let mut items = Vec::with_capacity(fresh.len());
            for (row, key) in fresh.drain(..) {
                let made = self
                    .claim_commit(
                        &row.claim,
                        key.clone(),
                        &row.merchant,
                        false,
                        Channel::Api,
                        caller,
                        Some(row.key.clone()),
                    )
                    .await;
                match made {
                    Ok((_, commit, side, _)) => {
                        items.push((commit, side));
                        built.push((row, key));
                    }
                    Err(e) => done.push((row.line, Err(e))),
                }
            }
            match self.store.commit_many(items).await {
                Ok(Ok(_)) => {
                    for (row, _) in built {
                        let filed = RowFiled::New {
                            new_merchant: false,
                        };
                        done.push((row.line, Ok(filed)));
                    }
                }
                Ok(Err((refused, _))) => {
                    for (i, (row, key)) in built.into_iter().enumerate() {
                        if i == refused {
                            again.push(row);
                        } else {
                            fresh.push((row, key));
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, rows = built.len(), "an import batch failed; filing its rows one at a time");
                    again.extend(built.into_iter().map(|(row, ..)| row));
                }
            }
        }
        again.extend(fresh.into_iter().map(|(row, _)| row));
        tracing::info!(
            filed = done.len(),
            again = again.len(),
            "import batch filed"
        );
        (done, again)
    }
}

impl App {
    /// Add a user of the merchant portal for `merchant_id` (admins and supervisors): a
    /// `merchant` account, bound to that merchant, with none of the desk's permissions.
    pub async fn add_merchant_user(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
        merchant_id: i64,
        caller: Caller,
    ) -> Result<UserId, ClaimError> {
        let may = matches!(caller.actor, Actor::System)
            || caller
                .role
                .is_some_and(|r| r.can(seba_core::staff::Permission::Supervise));
        if !may {
            return Err(ClaimError::Forbidden("add merchant users"));
        }
        if self.store.merchant(merchant_id).await?.is_none() {
            return Err(ClaimError::NotFound);
        }
        let id = self
            .add_user(
                username,
                display_name,
                seba_core::staff::Role::Merchant,
                password,
                Caller::system(),
            )
            .await?;
        self.store.bind_merchant_user(id, merchant_id).await?;
        Ok(id)
    }

    /// The claim actor a merchant-portal user is: their merchant, or refused.
    pub async fn merchant_actor(&self, user: &seba_store::User) -> Result<ClaimActor, ClaimError> {
        if user.role != seba_core::staff::Role::Merchant || user.disabled {
            return Err(ClaimError::Forbidden("use the merchant portal"));
        }
        let merchant_id =
            self.store
                .merchant_of_user(user.id)
                .await?
                .ok_or(ClaimError::Forbidden(
                    "use the merchant portal without a merchant",
                ))?;
        Ok(ClaimActor::Merchant {
            user: user.id,
            merchant_id,
        })
    }

    /// A merchant's claims as its portal lists them, newest first.
    pub async fn merchant_claims(
        &self,
        who: ClaimActor,
        stage: Option<Stage>,
        before: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<ClaimRecord>, ClaimError> {
        let ClaimActor::Merchant { merchant_id, .. } = who else {
            return Err(ClaimError::Forbidden("use the merchant portal"));
        };
        Ok(self
            .store
            .claims_of_merchant(merchant_id, stage.map(Stage::as_str), before, limit)
            .await?)
    }
}

/// A claimant's mobile number as a merchant may see it: `01712-***678`.
pub fn masked_mobile(e164: &str) -> String {
    seba_core::contact::Msisdn::parse(e164).map_or_else(|_| "***".into(), |m| m.masked_national())
}

fn names_of(m: &MerchantRecord) -> MerchantNames {
    MerchantNames {
        legal_bn: m.legal_bn.clone(),
        legal_en: m.legal_en.clone(),
        trade_bn: m.trade_bn.clone(),
        trade_en: m.trade_en.clone(),
        aliases: m.aliases.clone(),
        web: m.web.clone(),
    }
}

/// A registry change's commit: its audit event on the merchant's own chain.
fn merchant_commit(
    m: &MerchantRecord,
    actor: Actor,
    action: &str,
    at: Timestamp,
) -> seba_store::Commit {
    seba_store::Commit {
        case: seba_store::CaseWrite::None,
        messages: vec![],
        events: vec![seba_core::audit::EventDraft {
            subject: format!("merchant:{}", m.id),
            at,
            actor: actor.to_string(),
            action: action.into(),
            before: "{}".into(),
            after: json!({
                "trade_en": m.trade_en, "trade_bn": m.trade_bn, "status": m.status,
                "web": m.web, "aliases": m.aliases, "licence": m.licence,
            })
            .to_string(),
        }],
        outbox: vec![],
        idempotency: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestApp;
    use seba_core::case::Status;
    use seba_core::staff::Role;

    fn cell() -> Caller {
        Caller::staff(UserId(1), Role::Agent)
    }

    fn input(msisdn: &str, merchant: &str, order: &str, paid: &str) -> ClaimInput {
        ClaimInput {
            claimant_msisdn: msisdn.into(),
            claimant_name: "Rahim".into(),
            district: "Dhaka".into(),
            merchant: merchant.into(),
            order_id: order.into(),
            order_date: "2021-07-15".into(),
            product: "Motorcycle".into(),
            amount_paid: paid.into(),
            payment_method: "bKash".into(),
            delivery: "not delivered".into(),
            ..ClaimInput::default()
        }
    }

    /// A customer's filing of `i` that must succeed.
    async fn file(t: &TestApp, i: &ClaimInput, channel: Channel) -> Filed {
        t.app
            .file_claim(i, channel, Caller::customer(), None)
            .await
            .unwrap()
    }

    async fn with_evaly(t: &TestApp) -> MerchantRecord {
        t.app
            .add_merchant(
                MerchantNames {
                    legal_en: "Evaly.com.bd Ltd".into(),
                    trade_en: "Evaly".into(),
                    trade_bn: "ইভ্যালি".into(),
                    web: vec!["evaly.com.bd".into()],
                    ..MerchantNames::default()
                },
                Some("TRAD/DNCC/123".into()),
                Some(
                    seba_geo::Geography::bangladesh()
                        .district_typed("Dhaka")
                        .unwrap()
                        .id
                        .0,
                ),
                MerchantStatus::InLiquidation,
                Caller::system(),
            )
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn the_same_order_is_one_claim_and_a_second_filing_adds_to_it() {
        let t = TestApp::new().await;
        let evaly = with_evaly(&t).await;
        let first = file(
            &t,
            &input("01712345678", "Evaly", "EV-1", "125000"),
            Channel::Web,
        )
        .await;
        assert!(!first.added_to && !first.new_merchant);
        assert_eq!(first.merchant.id, evaly.id);
        assert_eq!(first.case.queue.as_deref(), Some("ecommerce_cell"));
        // Written another way, in the other script: the same claim.
        let again = file(
            &t,
            &input("+8801712345678", "ইভ্যালি", "#ev-1", "১,২৫,০০০"),
            Channel::App,
        )
        .await;
        assert!(again.added_to);
        assert_eq!(again.case.id, first.case.id);
        assert_eq!(again.claim.filings, 2);
        let thread = t.app.store.messages(first.case.id).await.unwrap();
        assert_eq!(thread.len(), 2);
        // Another order is another claim.
        let other = file(
            &t,
            &input("01712345678", "evaly.com.bd", "EV-2", "5000"),
            Channel::Web,
        )
        .await;
        assert_ne!(other.case.id, first.case.id);
        let s = t
            .app
            .store
            .merchant_summary(evaly.id, t.app.now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (s.claims, s.victims, s.paid_poisha),
            (2, 1, 12_500_000 + 500_000)
        );
    }

    #[tokio::test]
    async fn an_unknown_merchant_is_filed_for_review_once() {
        let t = TestApp::new().await;
        with_evaly(&t).await;
        let a = file(
            &t,
            &input("01712345678", "Dhamaka Shopping", "D-1", "9000"),
            Channel::Web,
        )
        .await;
        assert!(a.new_merchant);
        assert_eq!(a.merchant.status, "pending_review");
        let b = file(
            &t,
            &input("01812345678", "dhamaka shopping", "D-2", "9000"),
            Channel::Web,
        )
        .await;
        assert!(
            !b.new_merchant,
            "the second filing finds the pending merchant"
        );
        assert_eq!(b.merchant.id, a.merchant.id);
        assert_eq!(t.app.store.merchants().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn bad_claims_store_nothing() {
        let t = TestApp::new().await;
        let mut bad = input("01712345678", "Evaly", "EV-1", "20,00,00,000");
        bad.order_date = "2031-01-01".into();
        bad.payment_method = "barter".into();
        let Err(ClaimError::Invalid(errors)) = t
            .app
            .file_claim(&bad, Channel::Web, Caller::customer(), None)
            .await
        else {
            panic!("refused")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["order_date", "amount_paid", "payment_method"]);
        assert!(t.app.store.merchants().await.unwrap().is_empty());
        assert_eq!(t.app.store.claims(None, None, 10).await.unwrap().len(), 0);
    }

    #[tokio::test]
    async fn the_workflow_to_a_refund_with_the_case_and_sms() {
        let t = TestApp::new().await;
        let evaly = with_evaly(&t).await;
        let f = file(
            &t,
            &input("01712345678", "Evaly", "EV-1", "10000"),
            Channel::Web,
        )
        .await;
        let id = f.case.id;
        let merchant = ClaimActor::Merchant {
            user: UserId(9),
            merchant_id: evaly.id,
        };
        let stranger = ClaimActor::Merchant {
            user: UserId(10),
            merchant_id: evaly.id + 100,
        };
        // A merchant cannot verify; another merchant cannot even see it.
        assert!(matches!(
            t.app.move_claim(id, Stage::Verified, merchant, None).await,
            Err(ClaimError::Workflow(WorkflowError::CellOnly))
        ));
        assert!(matches!(
            t.app.claim_view(id, stranger).await,
            Err(ClaimError::NotFound)
        ));
        t.app
            .move_claim(id, Stage::Verified, ClaimActor::Cell(cell()), None)
            .await
            .unwrap();
        let fwd = t
            .app
            .move_claim(
                id,
                Stage::Forwarded,
                ClaimActor::Cell(cell()),
                Some("batch 1"),
            )
            .await
            .unwrap();
        assert!(fwd.sent_to_merchant_at.is_some());
        assert_eq!(
            t.app.store.case(id).await.unwrap().unwrap().status,
            Status::PendingThirdParty
        );
        t.app
            .move_claim(id, Stage::MerchantResponded, merchant, None)
            .await
            .unwrap();
        let today = t.app.now().to_zoned(seba_core::clock::dhaka()).date();
        let part = t
            .app
            .record_refund(id, 400_000, today, "bKash", "TX1", merchant)
            .await
            .unwrap();
        assert_eq!(
            (part.stage.as_str(), part.refunded_poisha),
            ("partly_refunded", 400_000)
        );
        assert!(matches!(
            t.app
                .record_refund(id, 700_000, today, "bKash", "TX2", merchant)
                .await,
            Err(ClaimError::Workflow(WorkflowError::MoreThanPaid))
        ));
        let full = t
            .app
            .record_refund(id, 600_000, today, "bKash", "TX2", merchant)
            .await
            .unwrap();
        assert_eq!(full.stage, "refunded");
        assert_eq!(
            t.app.store.case(id).await.unwrap().unwrap().status,
            Status::Resolved
        );
        t.app
            .move_claim(id, Stage::Closed, ClaimActor::Cell(cell()), None)
            .await
            .unwrap();
        assert_eq!(
            t.app.store.case(id).await.unwrap().unwrap().status,
            Status::Closed
        );
        let view = t
            .app
            .claim_view(id, ClaimActor::Cell(cell()))
            .await
            .unwrap();
        assert_eq!(view.refunds.len(), 2);
        // Every step told the claimant.
        let sms = t
            .app
            .store
            .outbox_after(Default::default(), 500)
            .await
            .unwrap();
        let told = sms
            .iter()
            .filter(|r| {
                r.topic == "sms.send"
                    && r.payload["key"]
                        .as_str()
                        .is_some_and(|k| k.starts_with("claim:"))
            })
            .count();
        assert_eq!(
            told, 6,
            "verified, forwarded, answered, two refunds, closed"
        );
    }

    #[tokio::test]
    async fn deadlines_missed_are_named() {
        let t = TestApp::new().await;
        with_evaly(&t).await;
        let f = file(
            &t,
            &input("01712345678", "Evaly", "EV-1", "10000"),
            Channel::Web,
        )
        .await;
        let view = t
            .app
            .claim_view(f.case.id, ClaimActor::Cell(cell()))
            .await
            .unwrap();
        let rules: Vec<_> = view.missed.iter().map(|m| m.rule).collect();
        assert_eq!(rules, [rules::Rule::Delivery, rules::Rule::Refund]);
        // Ordered 15 July 2021 in Dhaka from a Dhaka merchant: due by the end of the 20th.
        assert_eq!(
            view.missed[0].due,
            "2021-07-20T18:00:00Z".parse::<Timestamp>().unwrap()
        );
    }

    #[tokio::test]
    async fn importing_the_same_file_twice_adds_nothing() {
        let t = TestApp::new().await;
        with_evaly(&t).await;
        let file = "claimant_mobile,claimant_name,district,merchant,order_id,order_date,product,amount_paid,payment_method,gateway,delivery_status,amount_refunded\n\
01712345678,Rahim,Dhaka,Evaly,EV-1,15/07/2021,Motorcycle,\"1,25,000\",bKash,,not delivered,0\n\
01812345678,Karim,Gazipur,ইভ্যালি,EV-2,2021-07-20,Fridge,45000,card,SSLCommerz,,\n\
01912345678,Rina,Khulna,Qcoom,Q-1,2021-08-01,Phone,20000,nagad,,,\n\
01912345679,Mina,Khulna,qcoom,Q-2,2021-08-02,Phone,20000,nagad,,,\n\
0191234567,Bad,Nowhere,Evaly,EV-3,2031-01-01,TV,-5,barter,,,\n";
        let first = t.app.import_claims(file.as_bytes(), cell()).await.unwrap();
        assert_eq!(first.added, 4, "{first:?}");
        assert_eq!(first.new_merchants, 1, "Qcoom once: {first:?}");
        assert_eq!(first.bad.len(), 1);
        assert_eq!(first.bad[0].0, 6);
        assert!(first.bad[0].1.len() >= 4, "{:?}", first.bad[0].1);
        let second = t.app.import_claims(file.as_bytes(), cell()).await.unwrap();
        assert_eq!(
            (second.added, second.added_to, second.already),
            (0, 0, 4),
            "{second:?}"
        );
        assert_eq!(t.app.store.claims(None, None, 100).await.unwrap().len(), 4);
        assert_eq!(t.app.store.merchants().await.unwrap().len(), 2);
    }
}
