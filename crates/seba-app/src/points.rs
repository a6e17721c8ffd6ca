//! Service points — customer-care centres, agent points, pop-up desks, G2P points, drop
//! boxes — added, edited, closed and reopened by supervisors and admins.
//!
//! The fields are checked by `seba_locator::points` against Bangladesh's geography (every
//! problem at once, in both languages). Each change commits with its audit event
//! (`point.saved`, `point.closed`, `point.reopened`, on the chain `point:<id>`) and a
//! `point.changed` outbox row carrying the id, from which the locator's in-memory index
//! is kept current. Edits are optimistic, like case edits: a save names the version it was
//! based on and fails if someone saved in between; closing and reopening, which change
//! one flag, reload and retry instead.
//!
//! A save may carry an idempotency key ([`PointIdem`]): its answer is rendered from the
//! saved point and written in the point's own transaction, so a retried create either
//! finds the first answer or adds the point — never both.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::json;

use seba_core::audit::{EventDraft, diff};
use seba_core::bilingual::{Bilingual, Explain};
use seba_core::case::{Actor, InputError, optional_text};
use seba_core::staff::Permission;
use seba_geo::{DistrictId, DivisionId, Geography, UpazilaId};
use seba_locator::nearest::Coord;
use seba_locator::points::{
    Checked, FieldError, MAX_NOTICE_CHARS, PointInput, PointKind, ServicePoint,
};
use seba_store::{
    CaseWrite, Commit, IdempotencyHook, OutboxDraft, PointFilter, PointRecord, SideWrite,
    StoreError, StoredResponse,
};

use crate::cases::Caller;
use crate::{App, AppError};

/// The outbox topic of every change to a point; the payload is `{"point_id": id}`.
pub const POINT_CHANGED: &str = "point.changed";

/// How often closing or reopening reloads a point that changed under it.
const RETRIES: usize = 5;

/// What saving a point can fail with: its fields (all of them at once), or anything an
/// application function can fail with.
#[derive(Debug, thiserror::Error)]
pub enum PointError {
    #[error("the service point has {} invalid field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for PointError {
    fn from(e: StoreError) -> Self {
        PointError::App(e.into())
    }
}

impl Explain for PointError {
    fn explain(&self) -> Bilingual {
        match self {
            PointError::Invalid(errors) => Bilingual::new(
                errors
                    .iter()
                    .map(|e| e.explain().bn)
                    .collect::<Vec<_>>()
                    .join("; "),
                errors
                    .iter()
                    .map(|e| e.explain().en)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            PointError::App(e) => e.explain(),
        }
    }
}

/// Renders the response remembered under an idempotency key, from the saved point. It may
/// run more than once (a retried commit), so it is `Fn` and shareable.
pub type RenderPoint = Arc<dyn Fn(&ServicePoint) -> StoredResponse + Send + Sync>;

/// An idempotency key for a save, and how to render the answer to remember under it.
pub struct PointIdem {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
    pub render: RenderPoint,
}

impl std::fmt::Debug for PointIdem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PointIdem")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

fn hook(idem: Option<&PointIdem>, point: &ServicePoint) -> Option<IdempotencyHook> {
    idem.map(|i| {
        let (point, render) = (point.clone(), i.render.clone());
        IdempotencyHook {
            scope: i.scope.clone(),
            key: i.key.clone(),
            request_hash: i.request_hash.clone(),
            build: Box::new(move |_| render(&point)),
        }
    })
}

/// Supervisors and admins manage points; so does the system (imports, demo data).
fn may_manage(caller: &Caller) -> bool {
    match caller.role {
        Some(role) => role.can(Permission::Supervise) || role.can(Permission::Administer),
        None => caller.actor == Actor::System,
    }
}

fn subject(id: i64) -> String {
    format!("point:{id}")
}

fn json_of(point: &ServicePoint) -> serde_json::Value {
    serde_json::to_value(point).unwrap_or(serde_json::Value::Null)
}

/// The commit beside a point write: its audit event and its `point.changed` row.
fn commit(event: EventDraft, id: i64) -> Commit {
    Commit {
        case: CaseWrite::None,
        messages: vec![],
        events: vec![event],
        outbox: vec![OutboxDraft {
            topic: POINT_CHANGED.into(),
            case_id: None,
            payload: json!({ "point_id": id }),
            message_index: None,
        }],
        idempotency: None,
    }
}

fn record_of(point: &ServicePoint, caller: &Caller) -> PointRecord {
    PointRecord {
        id: point.id,
        kind: point.kind.as_str().into(),
        name_bn: point.name_bn.clone(),
        name_en: point.name_en.clone(),
        address_bn: point.address_bn.clone(),
        address_en: point.address_en.clone(),
        division: i32::from(point.division.0),
        district: i32::from(point.district.0),
        upazila: point.upazila.map(|u| i32::from(u.0)),
        lat: point.coord.lat(),
        lon: point.coord.lon(),
        phone: point.phone.clone(),
        services: point.services.iter().map(|s| s.as_str().into()).collect(),
        hours: point.hours.clone(),
        notice_bn: point.notice_bn.clone(),
        notice_en: point.notice_en.clone(),
        active_from: point.active_from,
        active_to: point.active_to,
        closed: point.closed,
        updated_at: point.updated_at,
        updated_by: match caller.actor {
            Actor::User(id) => Some(id),
            _ => None,
        },
        version: point.version,
    }
}

/// A stored row back as a point. The row was checked on the way in, so a failure here is
/// a fault (a row written by hand, or by a newer seba), reported as a store error.
pub(crate) fn point_of(r: PointRecord) -> Result<ServicePoint, AppError> {
    let bad = |what: &str, e: &dyn std::fmt::Display| {
        AppError::Store(StoreError::Backend(format!(
            "service point {}: stored {what} is invalid: {e}",
            r.id
        )))
    };
    let area = |n: i32| u16::try_from(n).map_err(|e| bad("area id", &e));
    let services = r
        .services
        .iter()
        .map(|s| s.parse().map_err(|e| bad("service", &e)))
        .collect::<Result<BTreeSet<_>, _>>()?;
    Ok(ServicePoint {
        id: r.id,
        kind: r.kind.parse().map_err(|e| bad("kind", &e))?,
        division: DivisionId(area(r.division)?),
        district: DistrictId(area(r.district)?),
        upazila: r.upazila.map(area).transpose()?.map(UpazilaId),
        coord: Coord::new(r.lat, r.lon).map_err(|e| bad("coordinates", &e))?,
        services,
        name_bn: r.name_bn,
        name_en: r.name_en,
        address_bn: r.address_bn,
        address_en: r.address_en,
        phone: r.phone,
        hours: r.hours,
        notice_bn: r.notice_bn,
        notice_en: r.notice_en,
        active_from: r.active_from,
        active_to: r.active_to,
        closed: r.closed,
        version: r.version,
        updated_at: r.updated_at,
    })
}

impl App {
    /// Add a point (`id: None`) or replace the fields of point `id`. An update is made
    /// from `expected_version` (a stale one is [`AppError::Stale`]), or, without one, from
    /// whatever version is current. Saving keeps a closed point closed. Supervisors and
    /// admins only.
    pub async fn save_point(
        &self,
        id: Option<i64>,
        input: &PointInput,
        caller: Caller,
        expected_version: Option<i64>,
    ) -> Result<ServicePoint, PointError> {
        self.save_point_idempotent(id, input, caller, expected_version, None)
            .await
    }

    /// [`App::save_point`] with an idempotency key: the answer `idem` renders is written in
    /// the point's own transaction. A key already taken (a repeat that raced this one, or
    /// one that was not looked up first) fails the whole commit with
    /// [`AppError::IdempotencyRace`], and nothing is saved; the caller answers from the
    /// stored record.
    pub async fn save_point_idempotent(
        &self,
        id: Option<i64>,
        input: &PointInput,
        caller: Caller,
        expected_version: Option<i64>,
        idem: Option<PointIdem>,
    ) -> Result<ServicePoint, PointError> {
        if !may_manage(&caller) {
            return Err(AppError::Forbidden("manage service points").into());
        }
        let fields = input
            .check(Geography::bangladesh())
            .map_err(PointError::Invalid)?;
        let now = self.now();
        let (point, before, expected) = match id {
            None => {
                let id = self.store.next_point_id().await?;
                (ServicePoint::new(id, fields, 1, now), None, None)
            }
            Some(id) => {
                let before = self.point(id).await?;
                let expected = expected_version.unwrap_or(before.version);
                let mut point = ServicePoint::new(id, fields, expected + 1, now);
                point.closed = before.closed;
                (point, Some(before), Some(expected))
            }
        };
        self.write_point(
            &point,
            before.as_ref(),
            expected,
            &caller,
            "point.saved",
            None,
            hook(idem.as_ref(), &point),
        )
        .await?;
        tracing::info!(
            point = point.id,
            version = point.version,
            "service point saved"
        );
        Ok(point)
    }

    /// Add many points in one transaction — every point with its `point.saved` audit
    /// event and `point.changed` row, or, if anything fails, none of them. Imports and
    /// generated data come this way; the fields were checked by the caller
    /// ([`PointInput::check`]).
    pub async fn add_points(
        &self,
        batch: Vec<Checked>,
        caller: Caller,
    ) -> Result<Vec<ServicePoint>, AppError> {
        if !may_manage(&caller) {
            return Err(AppError::Forbidden("manage service points"));
        }
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let n = u32::try_from(batch.len())
            .map_err(|_| AppError::Store(StoreError::Backend("too many points at once".into())))?;
        let ids = self.store.next_point_ids(n).await?;
        let now = self.now();
        let points: Vec<ServicePoint> = ids
            .into_iter()
            .zip(batch)
            .map(|(id, fields)| ServicePoint::new(id, fields, 1, now))
            .collect();
        let mut all = Commit {
            case: CaseWrite::None,
            messages: vec![],
            events: Vec::with_capacity(points.len()),
            outbox: Vec::with_capacity(points.len()),
            idempotency: None,
        };
        let mut side = Vec::with_capacity(points.len());
        for point in &points {
            let (before, after) = diff(&json!({}), &json_of(point));
            let one = commit(
                EventDraft {
                    subject: subject(point.id),
                    at: now,
                    actor: caller.actor.to_string(),
                    action: "point.saved".into(),
                    before,
                    after,
                },
                point.id,
            );
            all.events.extend(one.events);
            all.outbox.extend(one.outbox);
            side.push(SideWrite::ServicePoint {
                point: record_of(point, &caller),
                expected_version: None,
            });
        }
        self.store
            .commit_with(all, side)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(what) => AppError::Exists(what),
                other => AppError::Store(other),
            })?;
        self.locator_saw(&points);
        tracing::info!(points = points.len(), "service points added");
        Ok(points)
    }

    /// Close a point, for a reason the audit trail keeps ("moved to a new address"). A
    /// closed point is left as it is.
    pub async fn close_point(
        &self,
        id: i64,
        reason: &str,
        caller: Caller,
    ) -> Result<ServicePoint, AppError> {
        let reason = optional_text("reason", Some(reason), MAX_NOTICE_CHARS)?
            .ok_or(InputError::Missing { field: "reason" })?;
        self.set_closed(id, true, Some(reason), caller).await
    }

    /// Reopen a closed point. An open point is left as it is.
    pub async fn reopen_point(&self, id: i64, caller: Caller) -> Result<ServicePoint, AppError> {
        self.set_closed(id, false, None, caller).await
    }

    /// Points by division, district and id; closed ones only if asked for.
    pub async fn points(&self, include_closed: bool) -> Result<Vec<ServicePoint>, AppError> {
        self.store
            .service_points(include_closed)
            .await?
            .into_iter()
            .map(point_of)
            .collect()
    }

    /// One page of points by id: optionally one kind and one district, closed ones if
    /// asked for, after `after_id`, at most `limit` (1–1000).
    pub async fn points_page(
        &self,
        kind: Option<PointKind>,
        district: Option<DistrictId>,
        include_closed: bool,
        after_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<ServicePoint>, AppError> {
        self.store
            .service_points_page(&PointFilter {
                kind: kind.map(|k| k.as_str().to_owned()),
                district: district.map(|d| i32::from(d.0)),
                include_closed,
                after_id,
                limit: limit.clamp(1, 1000),
            })
            .await?
            .into_iter()
            .map(point_of)
            .collect()
    }

    /// One point, open or closed; [`StoreError::NotFound`] if there is none.
    pub async fn point(&self, id: i64) -> Result<ServicePoint, AppError> {
        match self.store.service_point(id).await? {
            Some(r) => point_of(r),
            None => Err(AppError::Store(StoreError::NotFound)),
        }
    }

    async fn set_closed(
        &self,
        id: i64,
        closed: bool,
        reason: Option<String>,
        caller: Caller,
    ) -> Result<ServicePoint, AppError> {
        if !may_manage(&caller) {
            return Err(AppError::Forbidden("manage service points"));
        }
        let action = if closed {
            "point.closed"
        } else {
            "point.reopened"
        };
        let mut attempt = 0;
        loop {
            let before = self.point(id).await?;
            if before.closed == closed {
                return Ok(before);
            }
            let point = ServicePoint {
                closed,
                version: before.version + 1,
                updated_at: self.now(),
                ..before.clone()
            };
            match self
                .write_point(
                    &point,
                    Some(&before),
                    Some(before.version),
                    &caller,
                    action,
                    reason.as_deref(),
                    None,
                )
                .await
            {
                Ok(()) => {
                    tracing::info!(point = id, version = point.version, action, "service point");
                    return Ok(point);
                }
                Err(AppError::Stale { .. }) if attempt < RETRIES => attempt += 1,
                Err(e) => return Err(e),
            }
        }
    }

    async fn write_point(
        &self,
        point: &ServicePoint,
        before: Option<&ServicePoint>,
        expected_version: Option<i64>,
        caller: &Caller,
        action: &str,
        reason: Option<&str>,
        idempotency: Option<IdempotencyHook>,
    ) -> Result<(), AppError> {
        let keyed = idempotency.is_some();
        let (b, mut a) = diff(&before.map_or(json!({}), json_of), &json_of(point));
        if let Some(reason) = reason
            && let Ok(serde_json::Value::Object(mut after)) =
                serde_json::from_str::<serde_json::Value>(&a)
        {
            after.insert("reason".into(), reason.into());
            a = serde_json::Value::Object(after).to_string();
        }
        let event = EventDraft {
            subject: subject(point.id),
            at: point.updated_at,
            actor: caller.actor.to_string(),
            action: action.into(),
            before: b,
            after: a,
        };
        let mut change = commit(event, point.id);
        change.idempotency = idempotency;
        self.store
            .commit_with(
                change,
                vec![SideWrite::ServicePoint {
                    point: record_of(point, caller),
                    expected_version,
                }],
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict { current } => AppError::Stale { current },
                // Point ids come from the store's counter, so a taken key is the
                // idempotency key's.
                StoreError::Duplicate(_) if keyed => AppError::IdempotencyRace,
                StoreError::Duplicate(what) => AppError::Exists(what),
                other => AppError::Store(other),
            })?;
        self.locator_saw(std::slice::from_ref(point));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use seba_core::ids::UserId;
    use seba_core::staff::Role;
    use seba_locator::points::{PointKind, PointProblem};
    use seba_store::OutboxPos;

    use super::*;
    use crate::testing::TestApp;

    fn admin() -> Caller {
        Caller::staff(UserId(1), Role::Admin)
    }

    fn centre() -> PointInput {
        PointInput {
            kind: "care_centre".into(),
            name_bn: "মতিঝিল কাস্টমার কেয়ার সেন্টার".into(),
            name_en: "Motijheel Customer Care Centre".into(),
            address_bn: "১২ দিলকুশা বা/এ, ঢাকা".into(),
            address_en: "12 Dilkusha C/A, Dhaka".into(),
            district: "ঢাকা".into(),
            lat: "23.7310".into(),
            lon: "90.4177".into(),
            phone: Some("02-9556677".into()),
            services: vec!["pin_reset".into()],
            hours: "Sa-Th 10:00-18:00; PH off".into(),
            ..PointInput::default()
        }
    }

    async fn changed(t: &TestApp) -> Vec<i64> {
        t.app
            .store
            .outbox_after(OutboxPos::default(), 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.topic == POINT_CHANGED)
            .map(|r| r.payload["point_id"].as_i64().unwrap())
            .collect()
    }

    async fn actions(t: &TestApp, id: i64) -> Vec<String> {
        t.app
            .store
            .audit_events(&subject(id))
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    }

    #[tokio::test]
    async fn points_are_saved_closed_and_reopened_with_their_audit_and_outbox_rows() {
        let t = TestApp::bare().await;
        let p = t
            .app
            .save_point(None, &centre(), admin(), None)
            .await
            .unwrap();
        assert_eq!(p.kind, PointKind::CareCentre);
        assert_eq!(p.version, 1);
        assert_eq!(t.app.point(p.id).await.unwrap(), p);

        // An edit from the version it was based on.
        let mut input = centre();
        input.notice_en = Some("Closed for Eid".into());
        input.notice_bn = Some("ঈদের ছুটিতে বন্ধ".into());
        let p2 = t
            .app
            .save_point(Some(p.id), &input, admin(), Some(1))
            .await
            .unwrap();
        assert_eq!(p2.version, 2);
        assert_eq!(p2.notice_en.as_deref(), Some("Closed for Eid"));
        // A stale edit is refused and changes nothing.
        let err = t
            .app
            .save_point(Some(p.id), &centre(), admin(), Some(1))
            .await
            .unwrap_err();
        assert!(
            matches!(err, PointError::App(AppError::Stale { current: 2 })),
            "{err:?}"
        );
        assert_eq!(t.app.point(p.id).await.unwrap(), p2);

        let supervisor = Caller::staff(UserId(2), Role::Supervisor);
        let closed = t
            .app
            .close_point(p.id, "moved to Dilkusha", supervisor)
            .await
            .unwrap();
        assert!(closed.closed);
        assert_eq!(closed.version, 3);
        assert!(t.app.points(false).await.unwrap().is_empty());
        assert_eq!(
            t.app.points(true).await.unwrap(),
            std::slice::from_ref(&closed)
        );
        // Closing a closed point writes nothing; saving keeps it closed.
        assert_eq!(
            t.app.close_point(p.id, "again", admin()).await.unwrap(),
            closed
        );
        let saved = t
            .app
            .save_point(Some(p.id), &centre(), admin(), None)
            .await
            .unwrap();
        assert!(saved.closed);
        assert_eq!(saved.version, 4);
        let reopened = t.app.reopen_point(p.id, supervisor).await.unwrap();
        assert!(!reopened.closed);
        assert_eq!(t.app.points(false).await.unwrap(), [reopened]);

        assert_eq!(
            actions(&t, p.id).await,
            [
                "point.saved",
                "point.saved",
                "point.closed",
                "point.saved",
                "point.reopened"
            ]
        );
        let events = t.app.store.audit_events(&subject(p.id)).await.unwrap();
        assert!(
            events[2].after.contains("moved to Dilkusha"),
            "{}",
            events[2].after
        );
        assert_eq!(events[0].actor, "user:1");
        assert_eq!(changed(&t).await, [p.id; 5]);
    }

    #[tokio::test]
    async fn every_field_survives_the_store() {
        let t = TestApp::bare().await;
        let input = PointInput {
            kind: "popup_desk".into(),
            name_bn: "সাভার বাণিজ্য মেলা বুথ".into(),
            name_en: "Savar trade fair desk".into(),
            district: "47".into(),
            upazila: Some("সাভার".into()),
            lat: "২৩.৮৫৮৩".into(),
            lon: "90.2667".into(),
            phone: Some("01712-345678".into()),
            services: vec!["account_opening".into(), "cash_in_out".into(), "g2p".into()],
            hours: "Mo-Su 10:00-21:00".into(),
            notice_bn: Some("শেষ গ্রাহক পর্যন্ত খোলা".into()),
            notice_en: Some("Open till the last customer is served".into()),
            active_from: Some("2027-01-01".into()),
            active_to: Some("2027-01-31".into()),
            ..centre()
        };
        let p = t.app.save_point(None, &input, admin(), None).await.unwrap();
        assert_eq!(p.upazila, Some(UpazilaId(365)));
        assert_eq!(p.services.len(), 3);
        assert_eq!(t.app.point(p.id).await.unwrap(), p);
        assert_eq!(t.app.points(false).await.unwrap(), std::slice::from_ref(&p));
        assert!(p.is_active_on(jiff::civil::date(2027, 1, 15)));
        let other = t
            .app
            .save_point(None, &centre(), admin(), None)
            .await
            .unwrap();
        assert_ne!(other.id, p.id);
    }

    #[tokio::test]
    async fn a_batch_is_added_whole_with_an_event_and_a_change_row_per_point() {
        let t = TestApp::bare().await;
        let geo = Geography::bangladesh();
        let mut second = centre();
        second.name_en = "Dilkusha desk".into();
        let batch = vec![centre().check(geo).unwrap(), second.check(geo).unwrap()];
        let added = t.app.add_points(batch.clone(), admin()).await.unwrap();
        assert_eq!(added.len(), 2);
        assert_ne!(added[0].id, added[1].id);
        assert_eq!(added[1].name_en, "Dilkusha desk");
        assert_eq!(t.app.points(false).await.unwrap().len(), 2);
        for p in &added {
            assert_eq!(actions(&t, p.id).await, ["point.saved"]);
        }
        assert_eq!(changed(&t).await, [added[0].id, added[1].id]);
        assert!(t.app.add_points(vec![], admin()).await.unwrap().is_empty());
        let agent = Caller::staff(UserId(5), Role::Agent);
        assert!(matches!(
            t.app.add_points(batch, agent).await,
            Err(AppError::Forbidden(_))
        ));
        assert_eq!(t.app.points(false).await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_keyed_save_remembers_its_answer_with_the_point_and_a_repeat_adds_nothing() {
        let t = TestApp::bare().await;
        let idem = || PointIdem {
            scope: "user:1".into(),
            key: "create-motijheel".into(),
            request_hash: "h1".into(),
            render: Arc::new(|p: &ServicePoint| StoredResponse {
                request_hash: "h1".into(),
                status: 201,
                body: p.id.to_string(),
                headers: vec![],
            }),
        };
        let p = t
            .app
            .save_point_idempotent(None, &centre(), admin(), None, Some(idem()))
            .await
            .unwrap();
        let first = t
            .app
            .store
            .idempotent_response("user:1", "create-motijheel")
            .await
            .unwrap()
            .expect("the answer was remembered");
        assert_eq!(first.body, p.id.to_string());
        let err = t
            .app
            .save_point_idempotent(None, &centre(), admin(), None, Some(idem()))
            .await
            .unwrap_err();
        assert!(
            matches!(err, PointError::App(AppError::IdempotencyRace)),
            "{err:?}"
        );
        assert_eq!(t.app.points(true).await.unwrap(), std::slice::from_ref(&p));
        assert_eq!(actions(&t, p.id).await, ["point.saved"]);
        assert_eq!(changed(&t).await, [p.id]);
    }

    #[tokio::test]
    async fn invalid_fields_are_all_reported_and_nothing_is_written() {
        let t = TestApp::bare().await;
        let mut input = centre();
        input.lat = "22.3569".into();
        input.lon = "91.7832".into();
        input.hours = "Sa-Th 25:00-26:00".into();
        let err = t
            .app
            .save_point(None, &input, admin(), None)
            .await
            .unwrap_err();
        let PointError::Invalid(errors) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            errors.iter().map(|e| e.field).collect::<Vec<_>>(),
            ["district", "hours"]
        );
        assert!(matches!(
            errors[0].problem,
            PointProblem::WrongDistrict { .. }
        ));
        assert!(
            err.explain().en.contains("Chattogram"),
            "{}",
            err.explain().en
        );
        assert!(err.explain().bn.contains("চট্টগ্রাম"), "{}", err.explain().bn);
        assert!(t.app.points(true).await.unwrap().is_empty());
        assert!(changed(&t).await.is_empty());
    }

    #[tokio::test]
    async fn only_supervisors_admins_and_the_system_manage_points() {
        let t = TestApp::bare().await;
        for role in [Role::Agent, Role::Auditor] {
            let err = t
                .app
                .save_point(None, &centre(), Caller::staff(UserId(5), role), None)
                .await
                .unwrap_err();
            assert!(
                matches!(err, PointError::App(AppError::Forbidden(_))),
                "{err:?}"
            );
        }
        let err = t
            .app
            .save_point(None, &centre(), Caller::customer(), None)
            .await
            .unwrap_err();
        assert!(matches!(err, PointError::App(AppError::Forbidden(_))));
        let p = t
            .app
            .save_point(None, &centre(), Caller::system(), None)
            .await
            .unwrap();
        let agent = Caller::staff(UserId(5), Role::Agent);
        assert!(matches!(
            t.app.close_point(p.id, "no", agent).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            t.app.reopen_point(p.id, agent).await,
            Err(AppError::Forbidden(_))
        ));
        // Closing needs a reason; an unknown point is not found.
        assert!(matches!(
            t.app.close_point(p.id, "  ", admin()).await,
            Err(AppError::Input(InputError::Missing { field: "reason" }))
        ));
        assert!(matches!(
            t.app.close_point(p.id + 100, "gone", admin()).await,
            Err(AppError::Store(StoreError::NotFound))
        ));
        assert!(matches!(
            t.app
                .save_point(Some(p.id + 100), &centre(), admin(), Some(1))
                .await,
            Err(PointError::App(AppError::Store(StoreError::NotFound)))
        ));
    }
}
