//! "Karim is replying to this case": a hint on the case page, so two agents do not answer
//! the same customer twice.
//!
//! Each open case page touches its presence every few seconds; whoever was seen in the last
//! [`PRESENCE_WINDOW`] is shown. Presence is ephemeral and unaudited — it is a hint, and
//! the case's version check still stops the second writer.

use jiff::SignedDuration;

use seba_core::case::Actor;
use seba_core::ids::CaseId;
use seba_core::staff::Permission;
use seba_store::{Activity, Presence};

use crate::cases::Caller;
use crate::{App, AppError};

/// How recently someone must have been seen on a case page to count as there.
pub const PRESENCE_WINDOW: SignedDuration = SignedDuration::from_secs(60);

fn may_read(caller: &Caller) -> bool {
    caller.role.is_some_and(|r| r.can(Permission::ReadCases))
}

impl App {
    /// Record that the calling staff member is on `case`'s page, viewing or replying.
    pub async fn touch_presence(
        &self,
        case: CaseId,
        caller: Caller,
        activity: Activity,
    ) -> Result<(), AppError> {
        let Actor::User(user) = caller.actor else {
            return Err(AppError::Forbidden("be present on a case page"));
        };
        if !may_read(&caller) {
            return Err(AppError::Forbidden("read cases"));
        }
        Ok(self
            .store
            .touch_presence(case, user, activity, self.now())
            .await?)
    }

    /// The other staff members seen on `case`'s page within [`PRESENCE_WINDOW`], most
    /// recently seen first.
    pub async fn others_here(
        &self,
        case: CaseId,
        caller: Caller,
    ) -> Result<Vec<Presence>, AppError> {
        if !may_read(&caller) {
            return Err(AppError::Forbidden("read cases"));
        }
        let since = self.now() - PRESENCE_WINDOW;
        let mut here = self.store.presence(case, since).await?;
        here.retain(|p| Actor::User(p.user_id) != caller.actor);
        Ok(here)
    }
}

#[cfg(test)]
mod tests {
    use seba_core::staff::Role;

    use super::*;
    use crate::testing::TestApp;

    #[tokio::test]
    async fn others_on_the_page_are_shown_for_a_minute() {
        let t = TestApp::new().await;
        let rahima = t
            .app
            .add_user(
                "rahima",
                "রহিমা খাতুন",
                Role::Agent,
                "a long enough password 1",
                Caller::system(),
            )
            .await
            .unwrap();
        let karim = t
            .app
            .add_user(
                "karim",
                "Karim Uddin",
                Role::Agent,
                "a long enough password 2",
                Caller::system(),
            )
            .await
            .unwrap();
        let (r, k) = (
            Caller::staff(rahima, Role::Agent),
            Caller::staff(karim, Role::Agent),
        );
        let case = CaseId(5);

        t.app
            .touch_presence(case, r, Activity::Viewing)
            .await
            .unwrap();
        assert!(
            t.app.others_here(case, r).await.unwrap().is_empty(),
            "not oneself"
        );
        t.clock.advance(SignedDuration::from_secs(10));
        t.app
            .touch_presence(case, k, Activity::Replying)
            .await
            .unwrap();

        let seen_by_rahima = t.app.others_here(case, r).await.unwrap();
        assert_eq!(seen_by_rahima.len(), 1);
        assert_eq!(seen_by_rahima[0].display_name, "Karim Uddin");
        assert_eq!(seen_by_rahima[0].activity, Activity::Replying);
        let seen_by_karim = t.app.others_here(case, k).await.unwrap();
        assert_eq!(seen_by_karim[0].display_name, "রহিমা খাতুন");
        assert_eq!(seen_by_karim[0].activity, Activity::Viewing);
        assert!(t.app.others_here(CaseId(6), r).await.unwrap().is_empty());

        // Rahima left 61 seconds ago; Karim is still typing.
        t.clock.advance(SignedDuration::from_secs(51));
        t.app
            .touch_presence(case, k, Activity::Replying)
            .await
            .unwrap();
        assert!(t.app.others_here(case, k).await.unwrap().is_empty());
        assert_eq!(t.app.others_here(case, r).await.unwrap().len(), 1);

        // Only staff who may read cases.
        let e = t
            .app
            .touch_presence(case, Caller::customer(), Activity::Viewing)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
        let e = t
            .app
            .others_here(case, Caller::customer())
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
    }
}
