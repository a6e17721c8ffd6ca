//! A case: one complaint or request, from whichever channel it came, and its thread.
//!
//! [`NewCase::parse`] is the single door for customer input: it NFC-cleans every text,
//! parses the phone number and e-mail, bounds every length, and refuses a case that seba
//! could never answer (no way to reach the requester).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::bilingual::{Bilingual, Explain};
use crate::contact::{Email, EmailError, Msisdn, MsisdnError};
use crate::ids::{CaseId, CaseNumber, UserId};
use crate::sla::SlaClock;
use crate::text;

/// Declares a string-coded enum with `as_str`, `FromStr`, `ALL` and serde in snake_case.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                match s {
                    $($code => Ok($name::$variant),)+
                    _ => Err(UnknownCode { kind: stringify!($name), code: s.chars().take(40).collect() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

/// A code that names no variant of one of the enums below.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{code}`")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}

impl Explain for UnknownCode {
    fn explain(&self) -> Bilingual {
        Bilingual::new(
            format!("অজানা মান `{}` ({})", self.code, self.kind),
            format!("Unknown {} `{}`", self.kind, self.code),
        )
    }
}

coded_enum!(
    /// Where a case is in its life; see [`crate::lifecycle`] for the moves between them.
    Status {
        New = "new",
        Open = "open",
        PendingCustomer = "pending_customer",
        PendingThirdParty = "pending_third_party",
        Resolved = "resolved",
        Closed = "closed",
        Merged = "merged",
    }
);

coded_enum!(
    /// The channel a case first came in by.
    Channel {
        Web = "web",
        App = "app",
        Ussd = "ussd",
        Email = "email",
        Chat = "chat",
        Facebook = "facebook",
        Review = "review",
        Hotline = "hotline",
        Dropbox = "dropbox",
        Api = "api",
    }
);

coded_enum!(
    Priority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
);

coded_enum!(
    /// A message in a thread: from the customer, a public reply, or a note only staff see.
    MessageKind {
        Inbound = "inbound",
        Reply = "reply",
        Note = "note",
    }
);

impl Status {
    /// Still needs work (counts towards backlog and SLA).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            Status::New | Status::Open | Status::PendingCustomer | Status::PendingThirdParty
        )
    }
}

/// Who did something. Stored as `user:42`, `customer` or `system`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    User(UserId),
    Customer,
    System,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(id) => write!(f, "user:{id}"),
            Actor::Customer => f.write_str("customer"),
            Actor::System => f.write_str("system"),
        }
    }
}

impl FromStr for Actor {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, UnknownCode> {
        match s {
            "customer" => Ok(Actor::Customer),
            "system" => Ok(Actor::System),
            _ => s
                .strip_prefix("user:")
                .and_then(|n| n.parse().ok())
                .map(|n| Actor::User(UserId(n)))
                .ok_or(UnknownCode {
                    kind: "actor",
                    code: s.chars().take(40).collect(),
                }),
        }
    }
}

impl Serialize for Actor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The person a case is for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    pub name: Option<String>,
    pub msisdn: Option<Msisdn>,
    pub email: Option<Email>,
}

/// A case as stored. `version` grows by one with every change; it is the ETag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    pub id: CaseId,
    pub status: Status,
    pub channel: Channel,
    pub priority: Priority,
    pub category: String,
    pub queue: Option<String>,
    pub assignee: Option<UserId>,
    pub subject: String,
    pub requester: Requester,
    pub tags: BTreeSet<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
    pub sla: SlaClock,
    pub closed_at: Option<Timestamp>,
    pub merged_into: Option<CaseId>,
}

impl Case {
    pub fn number(&self) -> CaseNumber {
        CaseNumber::from_id(self.id)
    }
}

/// A message of a case's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: crate::ids::MessageId,
    pub case_id: CaseId,
    pub kind: MessageKind,
    pub author: Actor,
    pub body: String,
    pub created_at: Timestamp,
    pub attachments: Vec<AttachmentRef>,
}

/// A file attached to a message; the bytes live once, under their SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

/// Limits on what people type. Generous for real complaints, tight enough to stop abuse.
pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 20_000;
pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;

/// What was wrong with a field of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("{field}: {source}")]
    Msisdn {
        field: &'static str,
        source: MsisdnError,
    },
    #[error("{field}: {source}")]
    Email {
        field: &'static str,
        source: EmailError,
    },
    #[error("{field} is required")]
    Missing { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("a mobile number or an e-mail address is required to reach the customer")]
    NoContact,
    #[error("tag `{0}` may hold only letters, digits, `-` and `_`")]
    BadTag(String),
    #[error("at most {MAX_TAGS} tags")]
    TooManyTags,
    #[error(transparent)]
    Code(#[from] UnknownCode),
}

impl InputError {
    /// The input field this error is about, for problem+json `errors[].field`.
    pub fn field(&self) -> &'static str {
        match self {
            InputError::Msisdn { field, .. }
            | InputError::Email { field, .. }
            | InputError::Missing { field }
            | InputError::TooLong { field, .. } => field,
            InputError::NoContact => "requester",
            InputError::BadTag(_) | InputError::TooManyTags => "tags",
            InputError::Code(c) => c.kind,
        }
    }
}

impl Explain for InputError {
    fn explain(&self) -> Bilingual {
        match self {
            InputError::Msisdn { source, .. } => source.explain(),
            InputError::Email { source, .. } => source.explain(),
            InputError::Missing { field } => Bilingual::new(
                format!("`{field}` দিতে হবে"),
                format!("`{field}` is required"),
            ),
            InputError::TooLong { field, max } => Bilingual::new(
                format!(
                    "`{field}` সর্বোচ্চ {} অক্ষরের হতে পারে",
                    text::bengali_digits(&max.to_string())
                ),
                format!("`{field}` may be at most {max} characters"),
            ),
            InputError::NoContact => Bilingual::new(
                "যোগাযোগের জন্য মোবাইল নম্বর বা ই-মেইল ঠিকানা দিন",
                "Give a mobile number or an e-mail address so we can reach you",
            ),
            InputError::BadTag(t) => Bilingual::new(
                format!("ট্যাগ `{t}` এ শুধু অক্ষর, অঙ্ক, - ও _ চলবে"),
                format!("Tag `{t}` may hold only letters, digits, - and _"),
            ),
            InputError::TooManyTags => Bilingual::new(
                "সর্বোচ্চ ২০টি ট্যাগ দেওয়া যাবে",
                format!("At most {MAX_TAGS} tags"),
            ),
            InputError::Code(c) => c.explain(),
        }
    }
}

/// Clean a required free text: NFC, trimmed, non-empty, bounded.
pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<String, InputError> {
    let v = text::clean(value);
    if v.is_empty() {
        return Err(InputError::Missing { field });
    }
    if v.chars().count() > max {
        return Err(InputError::TooLong { field, max });
    }
    Ok(v)
}

/// Clean an optional free text; blank becomes `None`.
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, InputError> {
    match value.map(text::clean) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) if v.chars().count() > max => Err(InputError::TooLong { field, max }),
        Some(v) => Ok(Some(v)),
    }
}

/// Normalise tags: NFC, lower case, `[letters digits - _]`, deduplicated.
pub fn parse_tags<'a>(
    tags: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeSet<String>, InputError> {
    let mut out = BTreeSet::new();
    for raw in tags {
        let t = text::clean(raw).to_lowercase();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > MAX_TAG_CHARS
            || !t
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || is_bengali_mark(c))
        {
            return Err(InputError::BadTag(t.chars().take(MAX_TAG_CHARS).collect()));
        }
        out.insert(t);
    }
    if out.len() > MAX_TAGS {
        return Err(InputError::TooManyTags);
    }
    Ok(out)
}

/// Bengali vowel signs and marks are not "alphanumeric" to Rust, but are part of words.
fn is_bengali_mark(c: char) -> bool {
    ('\u{0980}'..='\u{09FF}').contains(&c)
}

/// The requester part of an input, parsed.
pub fn parse_requester(
    name: Option<&str>,
    msisdn: Option<&str>,
    email: Option<&str>,
) -> Result<Requester, InputError> {
    let name = optional_text("requester.name", name, MAX_NAME_CHARS)?;
    let msisdn = match msisdn.map(str::trim).filter(|s| !s.is_empty()) {
        Some(m) => Some(Msisdn::parse(m).map_err(|source| InputError::Msisdn {
            field: "requester.msisdn",
            source,
        })?),
        None => None,
    };
    let email = match email.map(str::trim).filter(|s| !s.is_empty()) {
        Some(e) => Some(Email::parse(e).map_err(|source| InputError::Email {
            field: "requester.email",
            source,
        })?),
        None => None,
    };
    if msisdn.is_none() && email.is_none() {
        return Err(InputError::NoContact);
    }
    Ok(Requester {
        name,
        msisdn,
        email,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), *s);
        }
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>().unwrap(), *c);
        }
        assert!("telepathy".parse::<Channel>().is_err());
        for a in [Actor::User(UserId(7)), Actor::Customer, Actor::System] {
            assert_eq!(a.to_string().parse::<Actor>().unwrap(), a);
        }
    }

    #[test]
    fn requester_needs_a_way_back() {
        assert_eq!(
            parse_requester(Some("Rahim"), None, Some(" ")),
            Err(InputError::NoContact)
        );
        let r = parse_requester(Some(" রহিম "), Some("০১৭১২৩৪৫৬৭৮"), None).unwrap();
        assert_eq!(r.name.as_deref(), Some("রহিম"));
        assert_eq!(r.msisdn.unwrap().as_e164(), "+8801712345678");
        assert!(matches!(
            parse_requester(None, Some("123"), None),
            Err(InputError::Msisdn { .. })
        ));
    }

    #[test]
    fn tags_are_normalised() {
        let t = parse_tags(["PIN", "pin", " ভুল-নম্বর ", ""]).unwrap();
        assert_eq!(
            t.into_iter().collect::<Vec<_>>(),
            vec!["pin".to_string(), "ভুল-নম্বর".to_string()]
        );
        assert!(parse_tags(["a b"]).is_err());
    }

    #[test]
    fn texts_are_bounded_and_nfc() {
        assert_eq!(
            required_text("subject", " \u{09DF} ", 10).unwrap(),
            "\u{09AF}\u{09BC}"
        );
        assert_eq!(
            required_text("subject", "  ", 10),
            Err(InputError::Missing { field: "subject" })
        );
        assert!(matches!(
            required_text("subject", "abcdefghijk", 10),
            Err(InputError::TooLong { .. })
        ));
    }
}
