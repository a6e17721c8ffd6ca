//! Staff accounts: passwords, login with lockout, sessions and API tokens.
//!
//! Passwords are argon2id hashes keyed with the server's pepper (a stolen database alone
//! is not enough to test guesses). Session cookies and API tokens are 256-bit random
//! values; only a peppered SHA-256 of each is stored — a slow hash would add nothing to a
//! value that cannot be guessed, and every request checks one. Comparisons of secrets are
//! constant-time.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use jiff::SignedDuration;
use sha2::{Digest, Sha256};

use seba_core::audit::EventDraft;
use seba_core::case::Actor;
use seba_core::ids::UserId;
use seba_core::staff::{Permission, Role};
use seba_store::{ApiToken, NewUser, Session, StoreError, User};

use crate::cases::Caller;
use crate::{App, AppError};

pub const MIN_PASSWORD_CHARS: usize = 12;

/// A logged-in session, as handed to the browser.
#[derive(Debug, Clone)]
pub struct LoginOk {
    pub session_token: String,
    pub csrf_token: String,
    pub user: User,
    pub expires_at: jiff::Timestamp,
}

impl App {
    fn argon2(&self) -> Result<Argon2<'_>, AppError> {
        // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
        let params =
            Params::new(19 * 1024, 2, 1, None).map_err(|e| AppError::Config(e.to_string()))?;
        Argon2::new_with_secret(
            self.settings.pepper.expose().as_bytes(),
            Algorithm::Argon2id,
            Version::V0x13,
            params,
        )
        .map_err(|e| AppError::Config(e.to_string()))
    }

    pub fn hash_password(&self, password: &str) -> Result<String, AppError> {
        let mut salt = [0u8; 16];
        self.random.fill(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Config(e.to_string()))?;
        Ok(self
            .argon2()?
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| AppError::Config(e.to_string()))?
            .to_string())
    }

    /// Constant-time (argon2's verifier compares digests in constant time).
    pub fn verify_password(&self, hash: &str, password: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        self.argon2()
            .map(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    }

    /// A peppered SHA-256 of a high-entropy token, as stored.
    pub fn token_hash(&self, token: &str) -> String {
        let mut h = Sha256::new();
        let pepper = self.settings.pepper.expose().as_bytes();
        h.update((pepper.len() as u64).to_be_bytes());
        h.update(pepper);
        h.update(token.as_bytes());
        hex::encode(h.finalize())
    }

    fn check_password(username: &str, password: &str) -> Result<(), AppError> {
        let chars: Vec<char> = password.chars().collect();
        if chars.len() < MIN_PASSWORD_CHARS {
            return Err(AppError::WeakPassword("at least 12 characters"));
        }
        if chars.iter().all(|c| *c == chars[0]) {
            return Err(AppError::WeakPassword("not one character repeated"));
        }
        if password.to_lowercase().contains(&username.to_lowercase()) {
            return Err(AppError::WeakPassword("must not contain the username"));
        }
        Ok(())
    }

    /// Add a staff member (admins, or the CLI acting as the system).
    pub async fn add_user(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        password: &str,
        caller: Caller,
    ) -> Result<UserId, AppError> {
        if !(caller.actor == Actor::System
            || caller.role.is_some_and(|r| r.can(Permission::Administer)))
        {
            return Err(AppError::Forbidden("manage staff"));
        }
        let username = username.trim().to_lowercase();
        if username.is_empty()
            || username.len() > 40
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
        {
            return Err(AppError::Input(seba_core::case::InputError::Missing {
                field: "username ([a-z0-9._-], 1–40)",
            }));
        }
        let display_name = seba_core::case::required_text("display_name", display_name, 120)?;
        Self::check_password(&username, password)?;
        let now = self.now();
        let hash = self.hash_password(password)?;
        let event = EventDraft {
            subject: String::new(), // the store names it user:<id>
            at: now,
            actor: caller.actor.to_string(),
            action: "user.created".into(),
            before: "{}".into(),
            after: serde_json::json!({ "username": username, "display_name": display_name, "role": role }).to_string(),
        };
        let new = NewUser {
            username: username.clone(),
            display_name,
            role,
            password_hash: hash,
            created_at: now,
        };
        match self.store.create_user(new, event).await {
            Ok(id) => Ok(id),
            Err(StoreError::Duplicate(_)) => Err(AppError::Exists(format!("user {username}"))),
            Err(e) => Err(e.into()),
        }
    }

    /// Check a password; lock the account after repeated failures.
    pub async fn login(&self, username: &str, password: &str) -> Result<LoginOk, AppError> {
        static DUMMY: OnceLock<String> = OnceLock::new();
        let now = self.now();
        let user = self
            .store
            .user_by_name(&username.trim().to_lowercase())
            .await?;
        let Some(user) = user.filter(|u| !u.disabled) else {
            // Spend the same time as a real check, so timing does not reveal who exists.
            let dummy = DUMMY.get_or_init(|| {
                self.hash_password("dummy-password-for-timing")
                    .unwrap_or_default()
            });
            let _ = self.verify_password(dummy, password);
            return Err(AppError::BadCredentials);
        };
        if user.locked_until.is_some_and(|t| t > now) {
            return Err(AppError::Locked);
        }
        if !self.verify_password(&user.password_hash, password) {
            let until = now + SignedDuration::from_mins(self.settings.login_lock_minutes);
            self.store
                .login_failed(user.id, self.settings.login_lock_after, until)
                .await?;
            tracing::warn!(user = user.id.0, "failed login");
            return Err(AppError::BadCredentials);
        }
        if user.failed_logins > 0 || user.locked_until.is_some() {
            self.store.login_succeeded(user.id).await?;
        }
        let session_token = self.random.token(32);
        let csrf_token = self.random.token(24);
        let expires_at = now + SignedDuration::from_hours(self.settings.session_hours);
        self.store
            .create_session(Session {
                token_hash: self.token_hash(&session_token),
                user_id: user.id,
                csrf_token: csrf_token.clone(),
                created_at: now,
                expires_at,
            })
            .await?;
        tracing::info!(user = user.id.0, "logged in");
        Ok(LoginOk {
            session_token,
            csrf_token,
            user,
            expires_at,
        })
    }

    /// The user and session behind a session cookie, if it is live.
    pub async fn session_user(&self, token: &str) -> Result<Option<(User, Session)>, AppError> {
        let Some(s) = self
            .store
            .session(&self.token_hash(token), self.now())
            .await?
        else {
            return Ok(None);
        };
        Ok(self
            .store
            .user(s.user_id)
            .await?
            .filter(|u| !u.disabled)
            .map(|u| (u, s)))
    }

    /// Change a staff member's role, or disable (or re-enable) the account; disabling ends
    /// their sessions at once. Admins only, and never on their own account, so that an
    /// admin cannot lock everyone out by mistake. Audited on the member's chain.
    pub async fn update_staff(
        &self,
        id: UserId,
        role: Role,
        disabled: bool,
        caller: Caller,
    ) -> Result<User, AppError> {
        if !caller.role.is_some_and(|r| r.can(Permission::Administer)) {
            return Err(AppError::Forbidden("manage staff"));
        }
        if caller.actor == Actor::User(id) {
            return Err(AppError::Forbidden(
                "change your own role or disable yourself",
            ));
        }
        let before = self
            .store
            .user(id)
            .await?
            .ok_or_else(|| AppError::UnknownUser(id.0.to_string()))?;
        let event = EventDraft {
            subject: String::new(), // the store names it user:<id>
            at: self.now(),
            actor: caller.actor.to_string(),
            action: "user.updated".into(),
            before: serde_json::json!({ "role": before.role, "disabled": before.disabled })
                .to_string(),
            after: serde_json::json!({ "role": role, "disabled": disabled }).to_string(),
        };
        match self.store.update_user(id, role, disabled, event).await {
            Ok(()) => {}
            Err(StoreError::NotFound) => return Err(AppError::UnknownUser(id.0.to_string())),
            Err(e) => return Err(e.into()),
        }
        tracing::info!(user = id.0, role = %role, disabled, "staff member updated");
        Ok(User {
            role,
            disabled,
            ..before
        })
    }

    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        Ok(self.store.delete_session(&self.token_hash(token)).await?)
    }

    /// Create an API token for `username`; the token is shown once and never stored.
    pub async fn create_token(
        &self,
        username: &str,
        name: &str,
        caller: Caller,
    ) -> Result<String, AppError> {
        if !(caller.actor == Actor::System
            || caller.role.is_some_and(|r| r.can(Permission::Administer)))
        {
            return Err(AppError::Forbidden("manage tokens"));
        }
        let user = self
            .store
            .user_by_name(&username.trim().to_lowercase())
            .await?
            .filter(|u| !u.disabled)
            .ok_or_else(|| AppError::UnknownUser(username.chars().take(40).collect()))?;
        let name = seba_core::case::required_text("name", name, 80)?;
        let token = format!("seba_{}", self.random.token(32));
        let now = self.now();
        let event = EventDraft {
            subject: format!("user:{}", user.id),
            at: now,
            actor: caller.actor.to_string(),
            action: "token.created".into(),
            before: "{}".into(),
            after: serde_json::json!({ "name": name }).to_string(),
        };
        self.store
            .create_api_token(
                ApiToken {
                    token_hash: self.token_hash(&token),
                    user_id: user.id,
                    name,
                    created_at: now,
                    expires_at: None,
                    revoked: false,
                },
                event,
            )
            .await?;
        Ok(token)
    }

    /// The user behind a bearer token, if it is valid.
    pub async fn token_user(&self, token: &str) -> Result<Option<User>, AppError> {
        let Some(t) = self.store.api_token(&self.token_hash(token)).await? else {
            return Ok(None);
        };
        if t.revoked || t.expires_at.is_some_and(|e| e <= self.now()) {
            return Ok(None);
        }
        Ok(self.store.user(t.user_id).await?.filter(|u| !u.disabled))
    }
}

/// Constant-time equality for short secrets (CSRF tokens, codes).
pub fn secret_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}
