//! The help centre: FAQ articles customers read, and canned responses agents reply with,
//! both in Bengali and English and edited by admins.
//!
//! Every change commits with its audit event (`article.saved`, `article.deleted`,
//! `canned.saved`, `canned.deleted`, on the chain `article:<slug>` or `canned:<code>`).
//! Edits are optimistic, like case edits: an update names the version it was based on and
//! fails if someone saved in between. A new store gets a few default articles and
//! responses once ([`App::seed_help`], run by [`App::bootstrap`]).

mod defaults;

use serde::Deserialize;

use seba_core::audit::{EventDraft, diff};
use seba_core::case::{self as core_case, Actor, InputError, MAX_BODY_CHARS, UnknownCode};
use seba_core::staff::Permission;
use seba_store::{Article, Canned, CaseWrite, Commit, SideWrite, StoreError};

use crate::cases::Caller;
use crate::{App, AppError};

pub const MAX_SLUG_CHARS: usize = 60;
pub const MAX_CODE_CHARS: usize = 40;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_ARTICLE_CHARS: usize = 20_000;
/// A canned response becomes a message, so it is bounded like one.
pub const MAX_CANNED_CHARS: usize = MAX_BODY_CHARS;

/// Set once the default articles and responses were put into the store.
const SEEDED: &str = "help.seeded";

/// An article as an admin submits it (not yet checked).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ArticleInput {
    pub slug: String,
    pub title_bn: String,
    pub title_en: String,
    pub body_bn: String,
    pub body_en: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub published: bool,
    #[serde(default)]
    pub position: i32,
}

/// A canned response as an admin submits it (not yet checked).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CannedInput {
    pub code: String,
    pub title_bn: String,
    pub title_en: String,
    pub body_bn: String,
    pub body_en: String,
}

/// A key that becomes part of an address or a chain name: `[a-z0-9-]`, 1 to `max`
/// characters. Upper-case letters are lowered; anything else is refused.
fn parse_key(field: &'static str, value: &str, max: usize) -> Result<String, InputError> {
    let key = value.trim().to_ascii_lowercase();
    if key.is_empty() {
        return Err(InputError::Missing { field });
    }
    if key.chars().count() > max {
        return Err(InputError::TooLong { field, max });
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(InputError::Code(UnknownCode {
            kind: field,
            code: key.chars().take(max).collect(),
        }));
    }
    Ok(key)
}

/// Whether the caller may edit help content: admins, and the system (seeding).
fn may_administer(caller: &Caller) -> bool {
    match caller.role {
        Some(role) => role.can(Permission::Administer),
        None => caller.actor == Actor::System,
    }
}

fn json_of<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

fn help_event(subject: String, caller: &Caller, at: jiff::Timestamp, action: &str) -> EventDraft {
    EventDraft {
        subject,
        at,
        actor: caller.actor.to_string(),
        action: action.into(),
        before: "{}".into(),
        after: "{}".into(),
    }
}

/// A help-content commit: nothing on any case, only audit events.
fn audited(events: Vec<EventDraft>) -> Commit {
    Commit {
        case: CaseWrite::None,
        messages: vec![],
        events,
        outbox: vec![],
        idempotency: None,
    }
}

/// What a refused help-content write means to the person who tried it.
fn map_help_err(e: StoreError, what: String) -> AppError {
    match e {
        StoreError::Duplicate(_) => AppError::Exists(what),
        other => AppError::Store(other),
    }
}

/// Replace `{name}` placeholders with their values; unknown placeholders and stray braces
/// stay as they are, and values are not searched for placeholders again.
///
/// The names in use: `{customer_name}`, `{case_number}`, `{agent_name}`, `{hotline}`,
/// `{due_date}`.
pub fn fill_template(body: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after
            .find('}')
            .and_then(|close| vars.iter().find(|(name, _)| *name == &after[..close]));
        match value {
            Some((name, value)) => {
                out.push_str(value);
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl App {
    /// Create an article (`expected_version: None`) or change the one at `input.slug`,
    /// which must still be at `expected_version`. Admins only.
    pub async fn save_article(
        &self,
        input: ArticleInput,
        caller: Caller,
        expected_version: Option<i64>,
    ) -> Result<Article, AppError> {
        if !may_administer(&caller) {
            return Err(AppError::Forbidden("edit help articles"));
        }
        let slug = parse_key("slug", &input.slug, MAX_SLUG_CHARS)?;
        let title_bn = core_case::required_text("title_bn", &input.title_bn, MAX_TITLE_CHARS)?;
        let title_en = core_case::required_text("title_en", &input.title_en, MAX_TITLE_CHARS)?;
        let body_bn = core_case::required_text("body_bn", &input.body_bn, MAX_ARTICLE_CHARS)?;
        let body_en = core_case::required_text("body_en", &input.body_en, MAX_ARTICLE_CHARS)?;
        let tags = core_case::parse_tags(input.tags.iter().map(String::as_str))?;
        let before = match expected_version {
            Some(_) => self.store.article(&slug).await?,
            None => None,
        };
        let now = self.now();
        let article = Article {
            slug: slug.clone(),
            title_bn,
            title_en,
            body_bn,
            body_en,
            tags: tags.into_iter().collect(),
            published: input.published,
            position: input.position,
            updated_at: now,
            updated_by: match caller.actor {
                Actor::User(id) => Some(id),
                _ => None,
            },
            version: expected_version.map_or(1, |v| v + 1),
        };
        let (b, a) = diff(
            &before.as_ref().map_or(serde_json::json!({}), json_of),
            &json_of(&article),
        );
        let event = EventDraft {
            before: b,
            after: a,
            ..help_event(format!("article:{slug}"), &caller, now, "article.saved")
        };
        self.store
            .commit_with(
                audited(vec![event]),
                vec![SideWrite::Article {
                    article: article.clone(),
                    expected_version,
                }],
            )
            .await
            .map_err(|e| map_help_err(e, format!("article {slug}")))?;
        tracing::info!(slug = %slug, version = article.version, "article saved");
        Ok(article)
    }

    /// Remove an article. Admins only.
    pub async fn delete_article(&self, slug: &str, caller: Caller) -> Result<(), AppError> {
        if !may_administer(&caller) {
            return Err(AppError::Forbidden("edit help articles"));
        }
        let slug = parse_key("slug", slug, MAX_SLUG_CHARS)?;
        let Some(before) = self.store.article(&slug).await? else {
            return Err(AppError::Store(StoreError::NotFound));
        };
        let event = EventDraft {
            before: serde_json::json!({ "slug": before.slug, "title_en": before.title_en, "version": before.version })
                .to_string(),
            ..help_event(format!("article:{slug}"), &caller, self.now(), "article.deleted")
        };
        self.store
            .commit_with(
                audited(vec![event]),
                vec![SideWrite::DeleteArticle(slug.clone())],
            )
            .await
            .map_err(|e| map_help_err(e, format!("article {slug}")))?;
        tracing::info!(slug = %slug, "article deleted");
        Ok(())
    }

    /// Articles in display order; the customer pages ask for published ones only.
    pub async fn articles(&self, published_only: bool) -> Result<Vec<Article>, AppError> {
        Ok(self.store.articles(!published_only).await?)
    }

    /// One article, published or not: the customer pages must show it only if
    /// `published`.
    pub async fn article(&self, slug: &str) -> Result<Option<Article>, AppError> {
        Ok(self.store.article(slug.trim()).await?)
    }

    /// Create a canned response (`expected_version: None`) or change the one at
    /// `input.code`, which must still be at `expected_version`. Admins only.
    pub async fn save_canned(
        &self,
        input: CannedInput,
        caller: Caller,
        expected_version: Option<i64>,
    ) -> Result<Canned, AppError> {
        if !may_administer(&caller) {
            return Err(AppError::Forbidden("edit canned responses"));
        }
        let code = parse_key("code", &input.code, MAX_CODE_CHARS)?;
        let title_bn = core_case::required_text("title_bn", &input.title_bn, MAX_TITLE_CHARS)?;
        let title_en = core_case::required_text("title_en", &input.title_en, MAX_TITLE_CHARS)?;
        let body_bn = core_case::required_text("body_bn", &input.body_bn, MAX_CANNED_CHARS)?;
        let body_en = core_case::required_text("body_en", &input.body_en, MAX_CANNED_CHARS)?;
        let before = match expected_version {
            Some(_) => self.store.canned_one(&code).await?,
            None => None,
        };
        let now = self.now();
        let canned = Canned {
            code: code.clone(),
            title_bn,
            title_en,
            body_bn,
            body_en,
            updated_at: now,
            version: expected_version.map_or(1, |v| v + 1),
        };
        let (b, a) = diff(
            &before.as_ref().map_or(serde_json::json!({}), json_of),
            &json_of(&canned),
        );
        let event = EventDraft {
            before: b,
            after: a,
            ..help_event(format!("canned:{code}"), &caller, now, "canned.saved")
        };
        self.store
            .commit_with(
                audited(vec![event]),
                vec![SideWrite::Canned {
                    canned: canned.clone(),
                    expected_version,
                }],
            )
            .await
            .map_err(|e| map_help_err(e, format!("canned response {code}")))?;
        tracing::info!(code = %code, version = canned.version, "canned response saved");
        Ok(canned)
    }

    /// Remove a canned response. Admins only.
    pub async fn delete_canned(&self, code: &str, caller: Caller) -> Result<(), AppError> {
        if !may_administer(&caller) {
            return Err(AppError::Forbidden("edit canned responses"));
        }
        let code = parse_key("code", code, MAX_CODE_CHARS)?;
        let Some(before) = self.store.canned_one(&code).await? else {
            return Err(AppError::Store(StoreError::NotFound));
        };
        let event = EventDraft {
            before: serde_json::json!({ "code": before.code, "title_en": before.title_en, "version": before.version })
                .to_string(),
            ..help_event(format!("canned:{code}"), &caller, self.now(), "canned.deleted")
        };
        self.store
            .commit_with(
                audited(vec![event]),
                vec![SideWrite::DeleteCanned(code.clone())],
            )
            .await
            .map_err(|e| map_help_err(e, format!("canned response {code}")))?;
        tracing::info!(code = %code, "canned response deleted");
        Ok(())
    }

    /// Canned responses by code.
    pub async fn canned(&self) -> Result<Vec<Canned>, AppError> {
        Ok(self.store.canned().await?)
    }

    pub async fn canned_one(&self, code: &str) -> Result<Option<Canned>, AppError> {
        Ok(self.store.canned_one(code.trim()).await?)
    }

    /// Put the default articles and canned responses into the store, once: later starts
    /// (and admins' deletions) are left alone. Defaults whose slug or code is already taken
    /// are skipped, and two nodes seeding at the same moment both succeed.
    pub async fn seed_help(&self) -> Result<(), AppError> {
        if self.store.meta(SEEDED).await?.is_some() {
            return Ok(());
        }
        let caller = Caller::system();
        let now = self.now();
        let have_articles: Vec<String> = self
            .store
            .articles(true)
            .await?
            .into_iter()
            .map(|a| a.slug)
            .collect();
        let have_canned: Vec<String> = self
            .store
            .canned()
            .await?
            .into_iter()
            .map(|c| c.code)
            .collect();
        let mut events = Vec::new();
        let mut side = Vec::new();
        for a in defaults::articles(now) {
            if have_articles.contains(&a.slug) {
                continue;
            }
            events.push(EventDraft {
                after: json_of(&a).to_string(),
                ..help_event(format!("article:{}", a.slug), &caller, now, "article.saved")
            });
            side.push(SideWrite::Article {
                article: a,
                expected_version: None,
            });
        }
        for c in defaults::canned(now) {
            if have_canned.contains(&c.code) {
                continue;
            }
            events.push(EventDraft {
                after: json_of(&c).to_string(),
                ..help_event(format!("canned:{}", c.code), &caller, now, "canned.saved")
            });
            side.push(SideWrite::Canned {
                canned: c,
                expected_version: None,
            });
        }
        if !side.is_empty() {
            match self.store.commit_with(audited(events), side).await {
                // Another node seeded between our read and our write.
                Ok(_) | Err(StoreError::Duplicate(_)) => {}
                Err(e) => return Err(AppError::Store(e)),
            }
        }
        self.store.set_meta_once(SEEDED, &now.to_string()).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use seba_core::bilingual::Explain;
    use seba_core::ids::UserId;
    use seba_core::staff::Role;

    use super::*;
    use crate::testing::TestApp;

    fn vars() -> Vec<(&'static str, String)> {
        vec![
            ("customer_name", "রহিম উদ্দিন".into()),
            ("case_number", "2611-0000012".into()),
            ("agent_name", "Karim".into()),
            ("hotline", "16247".into()),
            ("due_date", "২৫ নভেম্বর".into()),
        ]
    }

    #[test]
    fn templates_fill_known_placeholders_only() {
        assert_eq!(
            fill_template(
                "প্রিয় {customer_name}, কেস {case_number}। — {agent_name}, {hotline}, {due_date}",
                &vars()
            ),
            "প্রিয় রহিম উদ্দিন, কেস 2611-0000012। — Karim, 16247, ২৫ নভেম্বর"
        );
        assert_eq!(
            fill_template("{unknown} and {customer_name}", &vars()),
            "{unknown} and রহিম উদ্দিন"
        );
        assert_eq!(fill_template("no placeholders", &vars()), "no placeholders");
        assert_eq!(fill_template("", &vars()), "");
        // Stray and nested braces stay; a value is not filled in again.
        assert_eq!(fill_template("{ {hotline} }", &vars()), "{ 16247 }");
        assert_eq!(fill_template("{hotline", &vars()), "{hotline");
        assert_eq!(fill_template("}{}{", &vars()), "}{}{");
        assert_eq!(
            fill_template("{customer_name}", &[("customer_name", "{hotline}".into())]),
            "{hotline}"
        );
        assert_eq!(fill_template("{hotline}{hotline}", &vars()), "1624716247");
        assert_eq!(fill_template("{case_number}", &[]), "{case_number}");
    }

    fn article_input(slug: &str) -> ArticleInput {
        ArticleInput {
            slug: slug.into(),
            title_bn: "পিন রিসেট".into(),
            title_en: "PIN reset".into(),
            body_bn: "প্রথম অনুচ্ছেদ।\r\n\r\nদ্বিতীয়।".into(),
            body_en: "First.\n\nSecond.".into(),
            tags: vec!["PIN".into(), "পিন".into()],
            published: true,
            position: 3,
        }
    }

    fn admin() -> Caller {
        Caller::staff(UserId(1), Role::Admin)
    }

    #[tokio::test]
    async fn articles_are_checked_versioned_and_audited() {
        let t = TestApp::new().await;
        let a = t
            .app
            .save_article(article_input(" Test-PIN "), admin(), None)
            .await
            .unwrap();
        assert_eq!(a.slug, "test-pin");
        assert_eq!(a.version, 1);
        assert_eq!(a.body_bn, "প্রথম অনুচ্ছেদ।\n\nদ্বিতীয়।", "CR dropped");
        assert_eq!(a.tags, ["pin", "পিন"]);
        assert_eq!(a.updated_by, Some(UserId(1)));
        assert_eq!(t.app.article("test-pin").await.unwrap(), Some(a.clone()));

        // Each bad field is named.
        let cases: Vec<(ArticleInput, &str)> = vec![
            (article_input(""), "slug"),
            (article_input("with space"), "slug"),
            (article_input("ক-খ"), "slug"),
            (article_input(&"a".repeat(61)), "slug"),
            (
                ArticleInput {
                    title_bn: " ".into(),
                    ..article_input("x")
                },
                "title_bn",
            ),
            (
                ArticleInput {
                    title_en: "t".repeat(201),
                    ..article_input("x")
                },
                "title_en",
            ),
            (
                ArticleInput {
                    body_bn: String::new(),
                    ..article_input("x")
                },
                "body_bn",
            ),
            (
                ArticleInput {
                    body_en: "b".repeat(20_001),
                    ..article_input("x")
                },
                "body_en",
            ),
            (
                ArticleInput {
                    tags: vec!["no spaces".into()],
                    ..article_input("x")
                },
                "tags",
            ),
        ];
        for (input, field) in cases {
            match t.app.save_article(input, admin(), None).await {
                Err(AppError::Input(e)) => {
                    assert_eq!(e.field(), field);
                    let text = e.explain();
                    assert!(!text.bn.is_empty() && !text.en.is_empty());
                }
                other => panic!("{field}: {other:?}"),
            }
        }

        // Agents, supervisors, auditors and customers may not edit.
        for caller in [
            Caller::staff(UserId(2), Role::Agent),
            Caller::staff(UserId(3), Role::Supervisor),
            Caller::staff(UserId(4), Role::Auditor),
            Caller::customer(),
        ] {
            let e = t
                .app
                .save_article(article_input("other"), caller, None)
                .await
                .unwrap_err();
            assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
            let e = t.app.delete_article("test-pin", caller).await.unwrap_err();
            assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
        }
        assert_eq!(t.app.article("other").await.unwrap(), None);

        // A taken slug; a stale version; then a good update.
        let e = t
            .app
            .save_article(article_input("test-pin"), admin(), None)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Exists(_)), "{e:?}");
        let v2 = t
            .app
            .save_article(
                ArticleInput {
                    published: false,
                    ..article_input("test-pin")
                },
                admin(),
                Some(1),
            )
            .await
            .unwrap();
        assert_eq!(v2.version, 2);
        let e = t
            .app
            .save_article(article_input("test-pin"), admin(), Some(1))
            .await
            .unwrap_err();
        assert!(
            matches!(e, AppError::Store(StoreError::Conflict { current: 2 })),
            "{e:?}"
        );
        assert!(
            t.app
                .articles(true)
                .await
                .unwrap()
                .iter()
                .all(|a| a.slug != "test-pin")
        );
        assert!(
            t.app
                .articles(false)
                .await
                .unwrap()
                .iter()
                .any(|a| a.slug == "test-pin")
        );

        let events = t.app.store.audit_events("article:test-pin").await.unwrap();
        assert_eq!(
            events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            ["article.saved", "article.saved"]
        );
        assert!(
            events[1].after.contains("\"published\":false"),
            "{}",
            events[1].after
        );
        assert!(
            !events[1].after.contains("body_bn"),
            "only what changed: {}",
            events[1].after
        );

        t.app.delete_article("test-pin", admin()).await.unwrap();
        assert_eq!(t.app.article("test-pin").await.unwrap(), None);
        let e = t.app.delete_article("test-pin", admin()).await.unwrap_err();
        assert!(matches!(e, AppError::Store(StoreError::NotFound)), "{e:?}");
        assert_eq!(
            t.app
                .store
                .audit_events("article:test-pin")
                .await
                .unwrap()
                .len(),
            3
        );
    }

    #[tokio::test]
    async fn canned_responses_are_checked_and_admin_only() {
        let t = TestApp::new().await;
        let input = CannedInput {
            code: "thanks".into(),
            title_bn: "ধন্যবাদ".into(),
            title_en: "Thanks".into(),
            body_bn: "প্রিয় {customer_name}, ধন্যবাদ।".into(),
            body_en: "Dear {customer_name}, thank you.".into(),
        };
        let e = t
            .app
            .save_canned(input.clone(), Caller::staff(UserId(2), Role::Agent), None)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
        for (bad, field) in [
            (
                CannedInput {
                    code: "Not OK!".into(),
                    ..input.clone()
                },
                "code",
            ),
            (
                CannedInput {
                    code: "c".repeat(41),
                    ..input.clone()
                },
                "code",
            ),
            (
                CannedInput {
                    title_en: String::new(),
                    ..input.clone()
                },
                "title_en",
            ),
            (
                CannedInput {
                    body_bn: "\n\t ".into(),
                    ..input.clone()
                },
                "body_bn",
            ),
        ] {
            match t.app.save_canned(bad, admin(), None).await {
                Err(AppError::Input(e)) => assert_eq!(e.field(), field),
                other => panic!("{field}: {other:?}"),
            }
        }
        let c = t
            .app
            .save_canned(input.clone(), admin(), None)
            .await
            .unwrap();
        assert_eq!(t.app.canned_one("thanks").await.unwrap(), Some(c.clone()));
        let c2 = t
            .app
            .save_canned(
                CannedInput {
                    title_en: "Thank you".into(),
                    ..input
                },
                admin(),
                Some(1),
            )
            .await
            .unwrap();
        assert_eq!(c2.version, 2);
        assert!(t.app.canned().await.unwrap().contains(&c2));
        assert_eq!(
            fill_template(&c2.body_en, &vars()),
            "Dear রহিম উদ্দিন, thank you."
        );
        let e = t
            .app
            .delete_canned("thanks", Caller::staff(UserId(2), Role::Agent))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
        t.app.delete_canned("thanks", admin()).await.unwrap();
        assert_eq!(t.app.canned_one("thanks").await.unwrap(), None);
    }

    #[tokio::test]
    async fn defaults_are_seeded_once() {
        let t = TestApp::new().await; // bootstrap seeds
        let articles = t.app.articles(true).await.unwrap();
        let slugs: Vec<&str> = articles.iter().map(|a| a.slug.as_str()).collect();
        for slug in [
            "reset-pin",
            "wrong-number",
            "hours",
            "file-and-track",
            "shop-refund",
        ] {
            assert!(slugs.contains(&slug), "{slug} in {slugs:?}");
        }
        assert!(articles.iter().all(|a| a.published && a.version == 1));
        let reset = &articles[0];
        assert_eq!(reset.slug, "reset-pin");
        assert!(reset.body_en.contains("*247#") && reset.body_bn.contains("*247#"));
        assert!(reset.body_en.contains("\n\n"), "paragraphs");
        let canned = t.app.canned().await.unwrap();
        assert!(canned.len() >= 5, "{canned:?}");
        // Every default passes the same checks an admin's edit would.
        for a in &articles {
            parse_key("slug", &a.slug, MAX_SLUG_CHARS).unwrap();
            for text in [&a.title_bn, &a.title_en, &a.body_bn, &a.body_en] {
                assert_eq!(&seba_core::text::clean(text), text, "{}", a.slug);
            }
        }
        for c in &canned {
            parse_key("code", &c.code, MAX_CODE_CHARS).unwrap();
            assert!(c.body_bn.contains("{customer_name}"), "{}", c.code);
            assert!(c.body_en.contains("{customer_name}"), "{}", c.code);
        }
        let events = t.app.store.audit_events("article:reset-pin").await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].actor, "system");

        // Again (a restart): nothing changes. An admin's deletion is not undone.
        t.app
            .delete_article("hours", Caller::system())
            .await
            .unwrap();
        t.app.bootstrap().await.unwrap();
        t.app.seed_help().await.unwrap();
        assert_eq!(
            t.app.articles(true).await.unwrap().len(),
            articles.len() - 1
        );
        assert_eq!(t.app.canned().await.unwrap(), canned);
        assert_eq!(
            t.app
                .store
                .audit_events("article:reset-pin")
                .await
                .unwrap()
                .len(),
            1
        );
    }

    #[tokio::test]
    async fn seeding_leaves_an_admins_article_alone() {
        // A store that had help content before the defaults existed.
        let t = TestApp::bare().await;
        let mine = t
            .app
            .save_article(article_input("wrong-number"), admin(), None)
            .await
            .unwrap();
        t.app.bootstrap().await.unwrap();
        let articles = t.app.articles(true).await.unwrap();
        assert!(articles.contains(&mine), "{articles:?}");
        assert!(articles.iter().any(|a| a.slug == "reset-pin"));
        assert!(!t.app.canned().await.unwrap().is_empty());
    }
}
