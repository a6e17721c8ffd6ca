//! The USSD channel's application side: load the caller's session from the store, run the
//! menu engine (`seba-ussd`, pure) on what the gateway sent, perform the actions it asks
//! for with the same functions the web and the app use — the two-step PIN reset, case
//! intake, case lookup, the locator — and store the session again.
//!
//! Sessions live in the store, so any node answers the next step. Each save is versioned:
//! of two nodes answering the same step at once, one saves and the other reloads and
//! answers what the first recorded. Effects survive a lost save without doubling: a
//! complaint is filed under an idempotency key of the session, PIN-reset steps are
//! versioned writes of their own, and the centres SMS has a delivery key.
//!
//! Nothing a caller typed is logged. The session row holds the NID and PINs only between
//! the screen that asked for them and the step that uses them, and not at all once the
//! session has ended or expired; request texts are recognised again by a peppered hash.
//!
//! A PIN reset outlives its session: once the temporary PIN is sent, the reset's token is
//! kept for the number until that PIN expires (handsets often close the session when the
//! SMS arrives), and "Reset PIN" from the same number picks it up at the temporary PIN.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use seba_core::case::{Channel, Status};
use seba_core::contact::Msisdn;
use seba_core::ids::CaseNumber;
use seba_core::wallet::{Nid, Pin, PinRule};
use seba_locator::nearest::Limit;
use seba_locator::points::PointKind;
use seba_store::{CaseWrite, Commit, OutboxDraft, StoreError, UssdSessionRecord};
use seba_ussd::engine::Category;
use seba_ussd::{
    Action, Answer, Catalog, Context, Engine, Lang, Located, Outcome, Reply, Request, Session,
    Text, Turn, menu,
};

use crate::cases::{Caller, Idem, NewCaseInput};
use crate::locator::{NearQuery, OpenFilter, Origin};
use crate::pin_reset::ResetError;
use crate::{App, AppError};

/// How often a step that lost a save to another node is re-run.
const RETRIES: usize = 8;
/// Fewer open centres than this near the caller, and closed ones are listed too.
const ENOUGH_OPEN: usize = 3;

/// What an operator may tune of the USSD channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UssdSettings {
    /// A session left this long without a request is over (the networks end theirs
    /// after about 90 seconds).
    pub session_seconds: i64,
    /// The first menu's title, e.g. "বিকাশ *247#" / "bKash *247#".
    pub title_bn: String,
    pub title_en: String,
    pub hotline: String,
    pub hotline_hours_bn: String,
    pub hotline_hours_en: String,
    /// Ended and abandoned sessions are kept this many days for the statistics.
    pub kept_days: i64,
}

impl Default for UssdSettings {
    fn default() -> Self {
        UssdSettings {
            session_seconds: 120,
            title_bn: "সেবা".into(),
            title_en: "seba *247#".into(),
            hotline: "16247".into(),
            hotline_hours_bn: "২৪ ঘণ্টা".into(),
            hotline_hours_en: "24 hours".into(),
            kept_days: 90,
        }
    }
}

/// The menus' catalog of the settings snapshot it was built from.
#[derive(Default)]
pub struct CatalogCache(std::sync::Mutex<Option<(Arc<crate::settings::Snapshot>, Arc<Catalog>)>>);

/// One session's outcome, as stored for the statistics.
pub mod outcome {
    pub const OPEN: &str = "open";
    pub const COMPLETED: &str = "completed";
    pub const ENDED: &str = "ended";
    pub const ABANDONED: &str = "abandoned";
}

/// What happened at a step, for the metrics: a new session, a step, or how one ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepReport {
    pub started: bool,
    pub menu: &'static str,
    pub step: &'static str,
    /// `Some` when this request ended the session.
    pub ended: Option<&'static str>,
}

impl App {
    /// Answer one gateway request. Never fails: a request that cannot be served gets a
    /// polite final screen in the caller's language.
    pub async fn ussd(&self, gateway: &str, request: &Request) -> (Reply, Option<StepReport>) {
        match self.try_ussd(gateway, request).await {
            Ok(answer) => answer,
            Err(e) => {
                tracing::warn!(gateway, error = %e, "ussd step failed");
                let lang = match Msisdn::parse(&request.phone) {
                    Ok(m) => self.ussd_language(&m).await,
                    Err(_) => Lang::Bn,
                };
                (final_reply(menu::sorry(), lang), None)
            }
        }
    }

    /// The language a number chose last, Bengali if none (or the store cannot say).
    async fn ussd_language(&self, msisdn: &Msisdn) -> Lang {
        match self.store.ussd_language(msisdn.as_e164()).await {
            Ok(Some(code)) => Lang::from_code(&code).unwrap_or_default(),
            _ => Lang::Bn,
        }
    }

    /// The menus' catalog: the live taxonomy, the geography, the configured texts. Built
    /// once per settings snapshot (the taxonomy can change; the geography cannot), not per
    /// request: it holds every upazila.
    pub async fn ussd_catalog(&self) -> Result<Arc<Catalog>, AppError> {
        let snap = self.snapshot().await?;
        let mut cached = self.ussd.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((of, catalog)) = cached.as_ref()
            && Arc::ptr_eq(of, &snap)
        {
            return Ok(catalog.clone());
        }
        let u = &self.settings.ussd;
        let mut categories: Vec<Category> = snap
            .categories
            .values()
            .map(|c| Category {
                code: c.code.clone(),
                parent: c.parent.clone(),
                name: Text::new(c.name_bn.clone(), menu::gsm_safe(&c.name_en)),
            })
            .collect();
        categories.sort_by(|a, b| a.code.cmp(&b.code));
        // The defaults first, in the order the taxonomy lists them; others after.
        let order = |code: &str| {
            seba_core::taxonomy::CATEGORIES
                .iter()
                .position(|c| c.code == code)
                .unwrap_or(usize::MAX)
        };
        categories.sort_by_key(|c| order(&c.code));
        let catalog = Arc::new(
            Catalog {
                title: Text::new(u.title_bn.clone(), menu::gsm_safe(&u.title_en)),
                hotline: u.hotline.clone(),
                hotline_hours: Text::new(u.hotline_hours_bn.clone(), u.hotline_hours_en.clone()),
                categories,
                ..Catalog::default()
            }
            .with_geography(seba_geo::Geography::bangladesh()),
        );
        *cached = Some((snap, catalog.clone()));
        Ok(catalog)
    }

    fn ussd_key(&self, id: &str) -> impl Fn(&str) -> String + '_ {
        let id = id.to_string();
        move |text: &str| self.token_hash(&format!("ussd:{id}:{text}"))[..32].to_string()
    }

    async fn try_ussd(
        &self,
        gateway: &str,
        request: &Request,
    ) -> Result<(Reply, Option<StepReport>), AppError> {
        let Ok(msisdn) = Msisdn::parse(&request.phone) else {
            return Ok((final_reply(menu::not_served(), Lang::Bn), None));
        };
        let id = format!("{gateway}:{}", request.session_id);
        let key = self.ussd_key(&id);
        let catalog = self.ussd_catalog().await?;
        for _ in 0..RETRIES {
            let now = self.now();
            let record = self.store.ussd_session(&id).await?;
            if let Some(r) = &record
                && r.msisdn != msisdn.as_e164()
            {
                // A session id reused by another number: never show one caller another's.
                let lang = self.ussd_language(&msisdn).await;
                return Ok((final_reply(menu::session_over(), lang), None));
            }
            if request.turn == Turn::Release {
                return self.release(record, now).await;
            }
            let (mut session, expected, started_at) = match &record {
                Some(r) if r.outcome == outcome::ABANDONED || r.state == "{}" => {
                    let lang = self.ussd_language(&msisdn).await;
                    return Ok((final_reply(menu::session_over(), lang), None));
                }
                Some(r) if r.outcome == outcome::OPEN && r.expires_at <= now => {
                    let lang = self.ussd_language(&msisdn).await;
                    return Ok((final_reply(menu::session_over(), lang), None));
                }
                Some(r) => {
                    let s: Session = serde_json::from_str(&r.state).map_err(|e| {
                        AppError::Config(format!("stored USSD session is unreadable: {e}"))
                    })?;
                    (s, Some(r.version), r.started_at)
                }
                None => (Session::new(self.ussd_language(&msisdn).await), None, now),
            };
            let inputs = match session.locate(&request.turn, &key) {
                Located::Again(reply) | Located::Stale(reply) => return Ok((reply, None)),
                Located::New(inputs) => inputs,
            };
            let fresh = session.marks.is_empty();
            let today = now.to_zoned(self.dhaka()).date();
            let engine = Engine::new(Context {
                catalog: &catalog,
                today,
            });
            let mut reply = if fresh {
                engine.begin(&mut session)
            } else {
                Reply {
                    text: String::new(),
                    end: false,
                }
            };
            let step = session.marks.len();
            for input in &inputs {
                let mut out = engine.input(&mut session, input);
                while let Outcome::Act(action) = out {
                    let answer = self.perform(&id, step, &msisdn, action, session.lang).await;
                    out = engine.answer(&mut session, answer);
                }
                let Outcome::Reply(r) = out else {
                    unreachable!("the loop above ends on a reply")
                };
                reply = r;
                if reply.end {
                    break;
                }
            }
            if reply.text.is_empty() {
                reply = engine.show(&mut session);
            }
            if session.marks.len() + 1 >= seba_ussd::engine::MAX_STEPS && !reply.end {
                reply = final_reply(menu::session_over(), session.lang);
            }
            session.record(&request.turn, &key, &reply);
            let (menu_name, step_name) = session.place();
            let ended = reply.end.then_some(if session.completed {
                outcome::COMPLETED
            } else {
                outcome::ENDED
            });
            // An ended session keeps its answers for a late duplicate, nothing typed.
            let state = serde_json::to_string(&session)
                .map_err(|e| AppError::Config(format!("USSD session: {e}")))?;
            let saved = UssdSessionRecord {
                id: id.clone(),
                msisdn: msisdn.as_e164().to_string(),
                version: expected.map_or(1, |v| v + 1),
                state,
                menu: menu_name.into(),
                step: step_name.into(),
                outcome: ended.unwrap_or(outcome::OPEN).into(),
                started_at,
                updated_at: now,
                expires_at: now + SignedDuration::from_secs(self.settings.ussd.session_seconds),
            };
            match self.store.save_ussd_session(saved, expected).await {
                Ok(()) => {
                    return Ok((
                        reply,
                        Some(StepReport {
                            started: fresh,
                            menu: menu_name,
                            step: step_name,
                            ended,
                        }),
                    ));
                }
                // Another node answered this step first: answer what it recorded.
                Err(StoreError::Conflict { .. } | StoreError::Duplicate(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Config(
            "USSD session kept changing under this step".into(),
        ))
    }

    /// The network ended the session: an open one is abandoned where it stands.
    async fn release(
        &self,
        record: Option<UssdSessionRecord>,
        now: Timestamp,
    ) -> Result<(Reply, Option<StepReport>), AppError> {
        let ack = Reply {
            text: String::new(),
            end: true,
        };
        let Some(mut r) = record else {
            return Ok((ack, None));
        };
        if r.outcome != outcome::OPEN {
            return Ok((ack, None));
        }
        let expected = r.version;
        let (menu_name, step_name) = serde_json::from_str::<Session>(&r.state)
            .map(|s| s.place())
            .unwrap_or(("home", "home"));
        r.version += 1;
        r.outcome = outcome::ABANDONED.into();
        r.state = "{}".into();
        r.updated_at = now;
        match self.store.save_ussd_session(r, Some(expected)).await {
            Ok(()) => Ok((
                ack,
                Some(StepReport {
                    started: false,
                    menu: menu_name,
                    step: step_name,
                    ended: Some(outcome::ABANDONED),
                }),
            )),
            Err(StoreError::Conflict { .. }) => Ok((ack, None)),
            Err(e) => Err(e.into()),
        }
    }

    /// Mark sessions nobody finished as abandoned (forgetting what was typed) and drop
    /// those older than the statistics keep. Run by the store upkeep worker.
    pub async fn ussd_upkeep(&self) -> Result<(u64, u64), AppError> {
        let now = self.now();
        let expired = self.store.expire_ussd_sessions(now).await?;
        let kept = SignedDuration::from_hours(24 * self.settings.ussd.kept_days.max(1));
        let pruned = self.store.prune_ussd_sessions(now - kept).await?;
        Ok((expired, pruned))
    }

    fn dhaka(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.settings.time_zone).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    async fn perform(
        &self,
        id: &str,
        step: usize,
        msisdn: &Msisdn,
        action: Action,
        lang: Lang,
    ) -> Answer {
        let name = action.name();
        match self.try_perform(id, step, msisdn, action, lang).await {
            Ok(answer) => answer,
            Err(e) => {
                tracing::warn!(action = name, error = %e, "ussd action failed");
                Answer::Refused(menu::sorry())
            }
        }
    }

    async fn try_perform(
        &self,
        id: &str,
        step: usize,
        msisdn: &Msisdn,
        action: Action,
        lang: Lang,
    ) -> Result<Answer, AppError> {
        Ok(match action {
            Action::StartReset => {
                if let Some(resumed) = self.resumable_reset(msisdn).await? {
                    return Ok(resumed);
                }
                match self.start_pin_reset(msisdn).await {
                    Ok(start) => Answer::ResetStarted {
                        token: start.token,
                        choices: start
                            .choices
                            .iter()
                            .map(|c| menu::transaction(&c.kind, c.amount_poisha))
                            .collect(),
                    },
                    Err(e) => reset_answer(e, self.dhaka())?,
                }
            }
            Action::Identity {
                token,
                nid,
                date_of_birth,
                choice,
            } => {
                let Ok(nid) = Nid::parse(&nid) else {
                    return Ok(Answer::IdentityNotVerified);
                };
                match self
                    .pin_reset_identity(&token, &nid, date_of_birth, choice)
                    .await
                {
                    Ok(passed) => self.sent(msisdn, token, passed).await?,
                    Err(e) => reset_answer(e, self.dhaka())?,
                }
            }
            Action::ResendTemporaryPin { token } => match self.pin_reset_resend(&token).await {
                Ok(passed) => self.sent(msisdn, token, passed).await?,
                Err(e) => {
                    self.forget_reset_on_end(msisdn, &e).await?;
                    reset_answer(e, self.dhaka())?
                }
            },
            Action::ConfirmPin {
                token,
                temporary,
                new_pin,
                again,
            } => {
                let (Ok(temporary), Ok(new_pin), Ok(again)) = (
                    Pin::parse(&temporary),
                    Pin::parse(&new_pin),
                    Pin::parse(&again),
                ) else {
                    return Ok(Answer::NewPinRefused(menu::five_digits()));
                };
                match self
                    .pin_reset_confirm(&token, &temporary, &new_pin, &again)
                    .await
                {
                    Ok(()) => {
                        self.store.set_ussd_resume(msisdn.as_e164(), None).await?;
                        Answer::PinChanged
                    }
                    Err(e) => {
                        self.forget_reset_on_end(msisdn, &e).await?;
                        reset_answer(e, self.dhaka())?
                    }
                }
            }
            Action::FileComplaint {
                category,
                description,
            } => {
                self.ussd_complaint(id, msisdn, category, description)
                    .await?
            }
            Action::CaseStatus { number } => self.ussd_case_status(msisdn, &number).await?,
            Action::Centres { district, upazila } => {
                self.ussd_centres(id, step, msisdn, district, upazila, lang)
                    .await?
            }
            Action::SetLanguage(lang) => {
                self.store
                    .set_ussd_language(msisdn.as_e164(), lang.code(), self.now())
                    .await?;
                Answer::LanguageSaved
            }
        })
    }

    /// The temporary PIN went: the number may pick the reset up again from a new session
    /// while the PIN is good (the SMS arriving often ends the session that asked for it).
    async fn sent(
        &self,
        msisdn: &Msisdn,
        token: String,
        passed: crate::pin_reset::IdentityPassed,
    ) -> Result<Answer, AppError> {
        self.store
            .set_ussd_resume(
                msisdn.as_e164(),
                Some((token, passed.temporary_pin_expires_at)),
            )
            .await?;
        Ok(Answer::TemporaryPinSent {
            to: passed.masked_msisdn,
        })
    }

    /// A reset of this number waiting for its temporary PIN, to resume; the record is
    /// dropped when the reset is no longer there to resume.
    async fn resumable_reset(&self, msisdn: &Msisdn) -> Result<Option<Answer>, AppError> {
        let Some(token) = self.store.ussd_resume(msisdn.as_e164(), self.now()).await? else {
            return Ok(None);
        };
        match self.pin_reset_view(&token).await? {
            Some(crate::pin_reset::ResetView::TemporaryPin { masked_msisdn, .. }) => {
                Ok(Some(Answer::ResetResumed {
                    token,
                    to: masked_msisdn,
                }))
            }
            _ => {
                self.store.set_ussd_resume(msisdn.as_e164(), None).await?;
                Ok(None)
            }
        }
    }

    /// A reset that cannot go on (ended, blocked, out of tries) is not offered again.
    async fn forget_reset_on_end(&self, msisdn: &Msisdn, e: &ResetError) -> Result<(), AppError> {
        if matches!(
            e,
            ResetError::Expired
                | ResetError::OutOfOrder
                | ResetError::Blocked { .. }
                | ResetError::TooMany
        ) {
            self.store.set_ussd_resume(msisdn.as_e164(), None).await?;
        }
        Ok(())
    }

    /// File the complaint, once per session however often the step is re-run.
    async fn ussd_complaint(
        &self,
        id: &str,
        msisdn: &Msisdn,
        category: String,
        description: String,
    ) -> Result<Answer, AppError> {
        const SCOPE: &str = "ussd";
        let number_of = |body: &str| Answer::Filed {
            number: body.to_string(),
        };
        if let Some(stored) = self.store.idempotent_response(SCOPE, id).await? {
            return Ok(number_of(&stored.body));
        }
        let idem = Idem {
            scope: SCOPE.into(),
            key: id.to_string(),
            request_hash: String::new(),
            render: Arc::new(|case, _| seba_store::StoredResponse {
                request_hash: String::new(),
                status: 201,
                body: case.number().digits(),
                headers: vec![],
            }),
        };
        let input = NewCaseInput {
            channel: Some(Channel::Ussd),
            category,
            body: description,
            requester_msisdn: Some(msisdn.as_e164().to_string()),
            ..NewCaseInput::default()
        };
        match self
            .create_case(input, Caller::customer(), Some(idem))
            .await
        {
            Ok((case, _)) => Ok(number_of(&case.number().digits())),
            Err(AppError::IdempotencyRace) => {
                match self.store.idempotent_response(SCOPE, id).await? {
                    Some(stored) => Ok(number_of(&stored.body)),
                    None => Err(AppError::IdempotencyRace),
                }
            }
            Err(e) => {
                tracing::info!(error = %e, "ussd complaint refused");
                Ok(Answer::Refused(menu::sorry()))
            }
        }
    }

    /// A case's status, only to the number that filed it (the network vouches for the
    /// caller's number, as the SMS code does on the web).
    async fn ussd_case_status(&self, msisdn: &Msisdn, number: &str) -> Result<Answer, AppError> {
        let Ok(number) = CaseNumber::parse(number) else {
            return Ok(Answer::NoSuchCase);
        };
        let Some(case) = self.store.case(number.id()).await? else {
            return Ok(Answer::NoSuchCase);
        };
        let theirs = case
            .requester
            .msisdn
            .as_ref()
            .is_some_and(|m| m.as_e164() == msisdn.as_e164());
        if !theirs {
            return Ok(Answer::NoSuchCase);
        }
        let due = matches!(
            case.status,
            Status::New | Status::Open | Status::PendingThirdParty
        )
        .then(|| menu::date(case.sla.resolution_due.to_zoned(self.dhaka()).date()));
        Ok(Answer::CaseStatus {
            number: number.digits(),
            status: menu::case_status(case.status.as_str()),
            due,
        })
    }

    /// The nearest care centres, open ones first; the full list also by SMS.
    async fn ussd_centres(
        &self,
        id: &str,
        step: usize,
        msisdn: &Msisdn,
        district: u16,
        upazila: Option<u16>,
        lang: Lang,
    ) -> Result<Answer, AppError> {
        let now = self.now();
        let from = match upazila {
            Some(u) => Origin::Upazila(seba_geo::UpazilaId(u)),
            None => Origin::District(seba_geo::DistrictId(district)),
        };
        let mut query = NearQuery::new(from);
        query.k = Limit::DEFAULT;
        query.kind = Some(PointKind::CareCentre);
        query.open = OpenFilter::At(now);
        let mut found = match self.nearest(&query).await {
            Ok(n) => n,
            Err(crate::locator::LocatorError::App(e)) => return Err(e),
            Err(_) => {
                return Ok(Answer::Centres {
                    lines: vec![],
                    sms: false,
                });
            }
        };
        if found.hits.len() < ENOUGH_OPEN {
            query.open = OpenFilter::Any;
            if let Ok(all) = self.nearest(&query).await {
                found = all;
            }
        }
        let lines: Vec<Text> = found
            .hits
            .iter()
            .map(|h| {
                let p = &h.entry.point;
                menu::centre_line(
                    &Text::new(p.name_bn.clone(), p.name_en.clone()),
                    h.distance_m,
                    &Text::from(h.hours_now.clone()),
                    p.phone.as_deref(),
                )
            })
            .collect();
        if lines.is_empty() {
            return Ok(Answer::Centres { lines, sms: false });
        }
        let text = found
            .hits
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let p = &h.entry.point;
                let (name, address, hours) = match lang {
                    Lang::Bn => (&p.name_bn, &p.address_bn, h.hours_now.bn.clone()),
                    Lang::En => (&p.name_en, &p.address_en, h.hours_now.en.clone()),
                };
                let phone = p
                    .phone
                    .as_deref()
                    .map(|p| format!(", {p}"))
                    .unwrap_or_default();
                format!("{}. {name}, {address}. {hours}{phone}", i + 1)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let sms = OutboxDraft {
            topic: "sms.send".into(),
            case_id: None,
            payload: json!({
                "to": msisdn.as_e164(),
                "text": format!("{}:\n{text}", self.settings.org_name),
                "key": format!("ussd:{id}:centres:{step}"),
            }),
            message_index: None,
        };
        let commit = Commit {
            case: CaseWrite::None,
            messages: vec![],
            events: vec![],
            outbox: vec![sms],
            idempotency: None,
        };
        let sent = self.store.commit(commit).await.is_ok();
        Ok(Answer::Centres { lines, sms: sent })
    }
}

fn final_reply(text: Text, lang: Lang) -> Reply {
    Reply {
        text: seba_ussd::gsm::fit(text.get(lang)),
        end: true,
    }
}

/// A reset step's refusal as the menus show it (shorter than the web's sentences: a
/// Bengali screen holds 80 characters).
fn reset_answer(e: ResetError, tz: jiff::tz::TimeZone) -> Result<Answer, AppError> {
    Ok(match e {
        ResetError::Blocked { until } => {
            let hm = until.to_zoned(tz).strftime("%H:%M").to_string();
            Answer::Refused(Text::new(
                format!(
                    "বারবার ব্যর্থ চেষ্টায় পিন রিসেট {} পর্যন্ত বন্ধ। 16247-এ কল করুন।",
                    seba_core::text::bengali_digits(&hm)
                ),
                format!("PIN reset is blocked until {hm} after failed tries. Call 16247."),
            ))
        }
        ResetError::TooMany => Answer::Refused(Text::new(
            "আজ অনেকবার চেষ্টা হয়েছে; পরে আবার চেষ্টা করুন।",
            "Too many tries today. Please try again later.",
        )),
        ResetError::Expired | ResetError::OutOfOrder => Answer::Refused(Text::new(
            "পিন রিসেটের সময় শেষ; আবার শুরু করুন।",
            "This PIN reset has ended. Please start again.",
        )),
        ResetError::NotVerified => Answer::IdentityNotVerified,
        ResetError::WrongTemporaryPin { attempts_left } => {
            Answer::WrongTemporaryPin { attempts_left }
        }
        ResetError::TemporaryPinExpired => Answer::TemporaryPinExpired,
        ResetError::Mismatch => {
            Answer::NewPinRefused(Text::new("দুটি পিন মেলেনি।", "The two PINs differ."))
        }
        ResetError::WeakPin(rule) => Answer::NewPinRefused(match rule {
            PinRule::AllSame => Text::new("একই অঙ্কের পিন হবে না।", "No PIN of one digit repeated."),
            PinRule::Sequence => Text::new("পরপর অঙ্কের পিন হবে না।", "No PIN of digits in a run."),
            PinRule::DateOfBirth => {
                Text::new("জন্মতারিখ দিয়ে পিন হবে না।", "No PIN from your date of birth.")
            }
            PinRule::Recent => Text::new("আগের পিন আবার নয়।", "Not one of your last PINs."),
        }),
        ResetError::App(e) => return Err(e),
    })
}
