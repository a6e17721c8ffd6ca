//! The menu engine: a pure state machine. It holds where a caller is ([`Session`], stored
//! between requests), turns one input into the next screen, and when a screen needs the
//! world — start a PIN reset, file a complaint, look up a case or the nearest centres — it
//! stops with an [`Action`]; the caller (seba-app) performs it and hands the [`Answer`]
//! back to [`Engine::answer`]. No I/O, no clock (today's date comes in [`Context`]).
//!
//! Everywhere: `0` goes back (a page, then a screen), `00` goes to the first menu, `99`
//! shows the next page of a list. Bengali and ASCII digits are both accepted.
//!
//! Repeated and late requests: every answer is recorded with a keyed hash of what the
//! gateway sent ([`Mark`]); a request that matches a recorded one is answered with that
//! same screen ([`Session::locate`]), so a gateway's retry, or a late duplicate, changes
//! nothing. The hash is keyed because the joined text holds NIDs and PINs.

use serde::{Deserialize, Serialize};

use seba_core::text::ascii_digits;

use crate::gateway::{Reply, Turn};
use crate::menu::{self, Node};
use crate::screen::{self, Lang, List, Text};

/// The longest input kept; a longer one is refused on the screen that asked for it.
pub const MAX_INPUT: usize = 160;
/// Shortest typed complaint.
pub const MIN_DESCRIPTION: usize = 4;
/// How many answers a session records before it is ended (no real session comes close).
pub const MAX_STEPS: usize = 60;

/// What the menus are drawn from: the live taxonomy, the geography, the hotline.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// The first menu's title ("bKash *247#").
    pub title: Text,
    pub hotline: String,
    /// "২৪ ঘণ্টা" / "24 hours".
    pub hotline_hours: Text,
    /// Complaint categories: the top level (`parent: None`) and their children.
    pub categories: Vec<Category>,
    pub divisions: Vec<Place>,
    /// `parent` is the division.
    pub districts: Vec<Place>,
    /// `parent` is the district.
    pub upazilas: Vec<Place>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub code: String,
    pub parent: Option<String>,
    pub name: Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub id: u16,
    pub parent: u16,
    pub name: Text,
}

impl Catalog {
    /// Divisions, districts and upazilas from the geography, in its order.
    pub fn with_geography(mut self, geo: &seba_geo::Geography) -> Catalog {
        let name = |bn: &str, en: &str| Text::new(bn, crate::menu::gsm_safe(en));
        self.divisions = geo
            .divisions()
            .iter()
            .map(|d| Place {
                id: d.id.0,
                parent: 0,
                name: name(&d.name_bn, &d.name_en),
            })
            .collect();
        self.districts = geo
            .districts()
            .iter()
            .map(|d| Place {
                id: d.id.0,
                parent: d.division.0,
                name: name(&d.name_bn, &d.name_en),
            })
            .collect();
        self.upazilas = geo
            .upazilas()
            .iter()
            .map(|u| Place {
                id: u.id.0,
                parent: u.district.0,
                name: name(&u.name_bn, &u.name_en),
            })
            .collect();
        self
    }

    fn domains(&self) -> Vec<&Category> {
        let with_children: Vec<&Category> = self
            .categories
            .iter()
            .filter(|c| c.parent.is_none())
            .filter(|c| {
                self.categories
                    .iter()
                    .any(|k| k.parent.as_deref() == Some(c.code.as_str()))
            })
            .collect();
        with_children
    }

    fn children(&self, domain: &str) -> Vec<&Category> {
        self.categories
            .iter()
            .filter(|c| c.parent.as_deref() == Some(domain))
            .collect()
    }

    fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    fn districts_of(&self, division: u16) -> Vec<&Place> {
        self.districts
            .iter()
            .filter(|d| d.parent == division)
            .collect()
    }

    fn upazilas_of(&self, district: u16) -> Vec<&Place> {
        self.upazilas
            .iter()
            .filter(|u| u.parent == district)
            .collect()
    }
}

/// What the engine needs besides the session: the catalog and today's date in Dhaka
/// (a date of birth may not be after it).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    pub today: jiff::civil::Date,
}

/// Something only the application can do; the engine waits for its [`Answer`].
#[derive(Clone, PartialEq, Eq)]
pub enum Action {
    StartReset,
    Identity {
        token: String,
        nid: String,
        date_of_birth: jiff::civil::Date,
        choice: usize,
    },
    ResendTemporaryPin {
        token: String,
    },
    ConfirmPin {
        token: String,
        temporary: String,
        new_pin: String,
        again: String,
    },
    FileComplaint {
        category: String,
        description: String,
    },
    CaseStatus {
        number: String,
    },
    Centres {
        district: u16,
        upazila: Option<u16>,
    },
    SetLanguage(Lang),
}

/// Actions carry PINs, NIDs and tokens: never print them.
impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Action {
    /// A name for logs and metrics.
    pub fn name(&self) -> &'static str {
        match self {
            Action::StartReset => "start_reset",
            Action::Identity { .. } => "identity",
            Action::ResendTemporaryPin { .. } => "resend",
            Action::ConfirmPin { .. } => "confirm_pin",
            Action::FileComplaint { .. } => "file_complaint",
            Action::CaseStatus { .. } => "case_status",
            Action::Centres { .. } => "centres",
            Action::SetLanguage(_) => "language",
        }
    }
}

/// What the application answers to an [`Action`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The reset began: a token for the next steps and the transactions to choose from.
    ResetStarted {
        token: String,
        choices: Vec<Text>,
    },
    /// The identity matched (or a new temporary PIN went): sent to this masked number.
    TemporaryPinSent {
        to: String,
    },
    /// The number has a reset waiting for its temporary PIN (the session that sent it
    /// dropped, as it often does when the SMS arrives): carry on from there.
    ResetResumed {
        token: String,
        to: String,
    },
    /// NID, date of birth or transaction did not match; the caller may try again.
    IdentityNotVerified,
    WrongTemporaryPin {
        attempts_left: i32,
    },
    TemporaryPinExpired,
    /// The new PIN was refused (weak, a recent one, or the two differ): ask again.
    NewPinRefused(Text),
    PinChanged,
    Filed {
        number: String,
    },
    CaseStatus {
        number: String,
        status: Text,
        due: Option<Text>,
    },
    NoSuchCase,
    /// One line per centre, nearest first, and whether the full list went by SMS.
    Centres {
        lines: Vec<Text>,
        sms: bool,
    },
    LanguageSaved,
    /// Cannot go on (blocked, too many tries, expired, a failure): end with this.
    Refused(Text),
}

/// What one input leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Reply(Reply),
    Act(Action),
}

/// Collected along the way. Secrets (token, NID, PINs) are kept only until the step that
/// uses them and are cleared when the session ends.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
struct Form {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    choices: Vec<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dob: Option<jiff::civil::Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    temporary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    new_pin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sent_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    division: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    district: Option<u16>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    centres: Vec<Text>,
    #[serde(default)]
    sms: bool,
}

/// One answered request: how to recognise it again and what was answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Mark {
    /// For joined text: its length in bytes; for numbered inputs: the sequence number.
    pub at: u64,
    /// A keyed hash of the joined text, or of the numbered input.
    pub key: String,
    pub reply: Reply,
}

/// Where one caller is. Stored as JSON between requests.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Session {
    pub lang: Lang,
    node: Node,
    page: usize,
    #[serde(default)]
    back: Vec<(Node, usize)>,
    #[serde(default)]
    form: Form,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notice: Option<Text>,
    /// The action the session waits on, if any (between [`Engine::input`] and
    /// [`Engine::answer`]; never stored).
    #[serde(skip)]
    waiting: Option<Node>,
    /// Every answer given, in order.
    pub marks: Vec<Mark>,
    /// Reached what the menu is for (a case filed, a PIN changed, centres shown).
    pub completed: bool,
    /// Answered with a final screen.
    pub ended: bool,
}

/// How a request relates to what the session already answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// Already answered (a retry, or a late duplicate): answer the same again.
    Again(Reply),
    /// New: apply these inputs in order (more than one only when a first request carries
    /// a shortcut like `*247*1#`).
    New(Vec<String>),
    /// Does not follow from what was answered (text that is not an extension of the last,
    /// a sequence number that skips): answer the last screen again, change nothing.
    Stale(Reply),
}

impl Session {
    pub fn new(lang: Lang) -> Session {
        Session {
            lang,
            node: Node::Home,
            page: 0,
            back: Vec::new(),
            form: Form::default(),
            notice: None,
            waiting: None,
            marks: Vec::new(),
            completed: false,
            ended: false,
        }
    }

    /// The menu and screen the caller is at, for statistics ("complaint", "text").
    pub fn place(&self) -> (&'static str, &'static str) {
        (self.node.menu(), self.node.name())
    }

    /// Where `turn` stands against the recorded answers; `key` is the keyed hash.
    pub fn locate(&self, turn: &Turn, key: &dyn Fn(&str) -> String) -> Located {
        let last = self.marks.last();
        match turn {
            Turn::Joined(text) => {
                let k = key(text);
                if let Some(m) = self
                    .marks
                    .iter()
                    .find(|m| m.at == text.len() as u64 && m.key == k)
                {
                    return Located::Again(m.reply.clone());
                }
                let Some(last) = last else {
                    // A first request: its text, if any, is a shortcut.
                    return Located::New(shortcut(text));
                };
                let at = last.at as usize;
                if self.ended {
                    return Located::Stale(last.reply.clone());
                }
                let follows = text.len() > at
                    && text.is_char_boundary(at)
                    && key(&text[..at]) == last.key
                    && (at == 0 || text.as_bytes()[at] == b'*');
                if !follows {
                    return Located::Stale(last.reply.clone());
                }
                // Everything after the last answered text is one input, `*` and all:
                // a caller may type a `*` inside a description.
                let rest = if at == 0 { text } else { &text[at + 1..] };
                Located::New(vec![rest.to_string()])
            }
            Turn::Begin { dialled } => match self.marks.first() {
                Some(first) => Located::Again(first.reply.clone()),
                None => Located::New(dialled_shortcut(dialled)),
            },
            Turn::Input { seq, text } => {
                let k = key(&format!("{seq}:{text}"));
                if let Some(m) = self.marks.iter().find(|m| m.at == u64::from(*seq)) {
                    return if m.key == k {
                        Located::Again(m.reply.clone())
                    } else {
                        Located::Stale(
                            self.marks
                                .last()
                                .map_or(m.reply.clone(), |l| l.reply.clone()),
                        )
                    };
                }
                match last {
                    Some(l) if !self.ended && u64::from(*seq) == l.at + 1 => {
                        Located::New(vec![text.clone()])
                    }
                    Some(l) => Located::Stale(l.reply.clone()),
                    // A numbered input with no session before it: start, then apply it.
                    None => Located::New(vec![text.clone()]),
                }
            }
            Turn::Release => match last {
                Some(l) => Located::Stale(l.reply.clone()),
                None => Located::New(Vec::new()),
            },
        }
    }

    /// Record the answer to `turn`.
    pub fn record(&mut self, turn: &Turn, key: &dyn Fn(&str) -> String, reply: &Reply) {
        let (at, k) = match turn {
            Turn::Joined(text) => (text.len() as u64, key(text)),
            Turn::Begin { .. } | Turn::Release => (1, key("1:")),
            Turn::Input { seq, text } => (u64::from(*seq), key(&format!("{seq}:{text}"))),
        };
        // A numbered input on a session that was never begun counts as its first too.
        if matches!(turn, Turn::Input { .. }) && self.marks.is_empty() && at > 1 {
            self.marks.push(Mark {
                at: at - 1,
                key: key("begin"),
                reply: reply.clone(),
            });
        }
        self.marks.push(Mark {
            at,
            key: k,
            reply: reply.clone(),
        });
        if reply.end {
            self.ended = true;
            self.form = Form::default();
        }
    }

    /// End the session where it stands (the network released it): forget what was typed.
    pub fn release(&mut self) {
        self.ended = true;
        self.form = Form::default();
    }
}

/// `1*2` dialled as `*247*1*2#` (Hubtel sends what was dialled): the inputs after the
/// service code.
fn dialled_shortcut(dialled: &str) -> Vec<String> {
    let inner = dialled.trim().trim_start_matches('*').trim_end_matches('#');
    let mut parts = inner.split('*');
    parts.next();
    parts
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// A first request's joined text (Africa's Talking sends `1*2` for `*247*1*2#`).
fn shortcut(text: &str) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split('*').map(str::to_string).collect()
    }
}

/// The engine over one [`Context`].
#[derive(Debug, Clone, Copy)]
pub struct Engine<'a> {
    pub ctx: Context<'a>,
}

fn t(bn: &str, en: &str) -> Text {
    Text::new(bn, en)
}

/// An input as typed: NFC, trimmed, Bengali digits read as ASCII.
fn clean(input: &str) -> String {
    ascii_digits(&seba_core::text::clean(input))
        .trim()
        .to_string()
}

fn digits_only(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl<'a> Engine<'a> {
    pub fn new(ctx: Context<'a>) -> Engine<'a> {
        Engine { ctx }
    }

    fn cat(&self) -> &'a Catalog {
        self.ctx.catalog
    }

    /// The first screen of a new session.
    pub fn begin(&self, session: &mut Session) -> Reply {
        session.node = Node::Home;
        session.page = 0;
        self.show(session)
    }

    /// The screen `session` is at, drawn.
    pub fn show(&self, s: &mut Session) -> Reply {
        let lang = s.lang;
        let notice = s.notice.take();
        let notice = notice.as_ref().map(|n| n.get(lang).to_string());
        let n = notice.as_deref();
        let back = !s.back.is_empty();
        let cat = self.cat();
        let list = |title: Text, items: Vec<String>, s: &mut Session| -> Reply {
            let title = title.get(lang).to_string();
            let l = List {
                lang,
                notice: n,
                title: &title,
                items: &items,
                numbered: true,
                back,
            };
            let (text, pages) = l.render(s.page);
            s.page = s.page.min(pages - 1);
            Reply { text, end: false }
        };
        let ask = |text: Text| Reply {
            text: screen::prompt(lang, n, text.get(lang), true),
            end: false,
        };
        match s.node {
            Node::Home => {
                let items = menu::home_items()
                    .iter()
                    .map(|i| i.get(lang).to_string())
                    .collect();
                list(cat.title.clone(), items, s)
            }
            Node::Language => list(
                menu::language_title(),
                vec!["বাংলা".into(), "English".into()]
                    .into_iter()
                    .map(|x: String| {
                        if lang == Lang::En && x == "বাংলা" {
                            "Bangla".into()
                        } else {
                            x
                        }
                    })
                    .collect(),
                s,
            ),
            Node::PinNid => ask(menu::pin_nid()),
            Node::PinDob => ask(menu::pin_dob()),
            Node::PinChoice => {
                let items = s
                    .form
                    .choices
                    .iter()
                    .map(|c| c.get(lang).to_string())
                    .collect();
                list(menu::pin_choice(), items, s)
            }
            Node::PinTemporary => ask(menu::pin_temporary(s.form.sent_to.as_deref().unwrap_or(""))),
            Node::PinNew => ask(menu::pin_new()),
            Node::PinAgain => ask(menu::pin_again()),
            Node::ComplaintDomain => {
                let items = cat
                    .domains()
                    .iter()
                    .map(|c| c.name.get(lang).to_string())
                    .collect();
                list(menu::complaint_domain(), items, s)
            }
            Node::ComplaintCategory => {
                let domain = s.form.domain.clone().unwrap_or_default();
                let items = cat
                    .children(&domain)
                    .iter()
                    .map(|c| c.name.get(lang).to_string())
                    .collect();
                list(menu::complaint_category(), items, s)
            }
            Node::ComplaintText => {
                let code = s.form.category.clone().unwrap_or_default();
                let items = menu::common_descriptions(&code)
                    .iter()
                    .map(|d| d.get(lang).to_string())
                    .collect();
                list(menu::complaint_text(), items, s)
            }
            Node::StatusNumber => ask(menu::status_number()),
            Node::CentreDivision => {
                let items = cat
                    .divisions
                    .iter()
                    .map(|d| d.name.get(lang).to_string())
                    .collect();
                list(menu::centre_division(), items, s)
            }
            Node::CentreDistrict => {
                let items = cat
                    .districts_of(s.form.division.unwrap_or(0))
                    .iter()
                    .map(|d| d.name.get(lang).to_string())
                    .collect();
                list(menu::centre_district(), items, s)
            }
            Node::CentreUpazila => {
                let mut items: Vec<String> = vec![menu::whole_district().get(lang).to_string()];
                items.extend(
                    cat.upazilas_of(s.form.district.unwrap_or(0))
                        .iter()
                        .map(|u| u.name.get(lang).to_string()),
                );
                list(menu::centre_upazila(), items, s)
            }
            Node::CentreList => {
                let mut items: Vec<String> = s
                    .form
                    .centres
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{}. {}", i + 1, c.get(lang)))
                    .collect();
                if s.form.sms {
                    items.push(menu::centre_sms().get(lang).to_string());
                }
                let title = menu::centre_list().get(lang).to_string();
                // A centre with its phone and hours fills a Bengali screen: the list
                // offers "99 More" alone (0 still goes back).
                let l = List {
                    lang,
                    notice: n,
                    title: &title,
                    items: &items,
                    numbered: false,
                    back: false,
                };
                let (text, pages) = l.render(s.page);
                s.page = s.page.min(pages - 1);
                Reply { text, end: false }
            }
        }
    }

    fn go(&self, s: &mut Session, to: Node) -> Outcome {
        s.back.push((s.node, s.page));
        s.node = to;
        s.page = 0;
        Outcome::Reply(self.show(s))
    }

    /// Stay on this screen, with a notice above it.
    fn again(&self, s: &mut Session, notice: Text) -> Outcome {
        s.notice = Some(notice);
        Outcome::Reply(self.show(s))
    }

    fn finish(&self, s: &mut Session, text: Text, completed: bool) -> Outcome {
        s.completed |= completed;
        Outcome::Reply(Reply {
            text: crate::gsm::fit(text.get(s.lang)),
            end: true,
        })
    }

    fn home(&self, s: &mut Session) -> Outcome {
        s.back.clear();
        s.node = Node::Home;
        s.page = 0;
        s.form = Form::default();
        Outcome::Reply(self.show(s))
    }

    /// How many items the list at the session's screen has (0 for prompts).
    fn list_len(&self, s: &Session) -> usize {
        let cat = self.cat();
        match s.node {
            Node::Home => menu::home_items().len(),
            Node::Language => 2,
            Node::PinChoice => s.form.choices.len(),
            Node::ComplaintDomain => cat.domains().len(),
            Node::ComplaintCategory => cat.children(s.form.domain.as_deref().unwrap_or("")).len(),
            Node::ComplaintText => {
                menu::common_descriptions(s.form.category.as_deref().unwrap_or("")).len()
            }
            Node::CentreDivision => cat.divisions.len(),
            Node::CentreDistrict => cat.districts_of(s.form.division.unwrap_or(0)).len(),
            Node::CentreUpazila => cat.upazilas_of(s.form.district.unwrap_or(0)).len() + 1,
            Node::CentreList => s.form.centres.len() + usize::from(s.form.sms),
            _ => 0,
        }
    }

    /// Apply one input.
    pub fn input(&self, s: &mut Session, raw: &str) -> Outcome {
        // Keys and numbers compare in ASCII digits; a description keeps the caller's.
        let typed = seba_core::text::clean(raw).trim().to_string();
        let input = clean(raw);
        if input == screen::HOME {
            return self.home(s);
        }
        if input == screen::BACK && !(s.node == Node::Home && s.page == 0) {
            if s.page > 0 {
                s.page -= 1;
            } else if let Some((node, page)) = s.back.pop() {
                s.node = node;
                s.page = page;
            }
            return Outcome::Reply(self.show(s));
        }
        if input.chars().count() > MAX_INPUT {
            return self.again(s, t("লেখাটি অনেক লম্বা।", "That is too long."));
        }
        let len = self.list_len(s);
        if input == screen::MORE && len > 0 {
            s.page += 1;
            let before = s.page;
            let reply = self.show(s);
            if s.page < before {
                s.notice = None;
                return self.again(s, t("আর কিছু নেই।", "No more items."));
            }
            return Outcome::Reply(reply);
        }
        if self.node_is_list(s.node) {
            let pick = input
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=len).contains(n))
                .map(|n| n - 1);
            return match pick {
                Some(i) => self.pick(s, i),
                None if s.node == Node::ComplaintText => self.description(s, &typed),
                None => self.again(s, menu::wrong_choice()),
            };
        }
        self.typed(s, &input)
    }

    fn node_is_list(&self, node: Node) -> bool {
        !matches!(
            node,
            Node::PinNid
                | Node::PinDob
                | Node::PinTemporary
                | Node::PinNew
                | Node::PinAgain
                | Node::StatusNumber
        )
    }

    fn pick(&self, s: &mut Session, i: usize) -> Outcome {
        let cat = self.cat();
        match s.node {
            Node::Home => match i {
                0 => self.wait(s, Node::PinNid, Action::StartReset),
                1 => {
                    let domains = cat.domains();
                    if domains.len() == 1 {
                        s.form.domain = Some(domains[0].code.clone());
                        self.go(s, Node::ComplaintCategory)
                    } else {
                        self.go(s, Node::ComplaintDomain)
                    }
                }
                2 => self.go(s, Node::StatusNumber),
                3 => self.go(s, Node::CentreDivision),
                4 => self.go(s, Node::Language),
                _ => self.finish(s, menu::hotline(&cat.hotline, &cat.hotline_hours), true),
            },
            Node::Language => {
                let lang = if i == 0 { Lang::Bn } else { Lang::En };
                s.lang = lang;
                self.wait(s, Node::Home, Action::SetLanguage(lang))
            }
            Node::PinChoice => {
                let (Some(token), Some(nid), Some(dob)) =
                    (s.form.token.clone(), s.form.nid.clone(), s.form.dob)
                else {
                    return self.home(s);
                };
                self.wait(
                    s,
                    Node::PinTemporary,
                    Action::Identity {
                        token,
                        nid,
                        date_of_birth: dob,
                        choice: i,
                    },
                )
            }
            Node::ComplaintDomain => {
                s.form.domain = cat.domains().get(i).map(|c| c.code.clone());
                self.go(s, Node::ComplaintCategory)
            }
            Node::ComplaintCategory => {
                let domain = s.form.domain.clone().unwrap_or_default();
                s.form.category = cat.children(&domain).get(i).map(|c| c.code.clone());
                self.go(s, Node::ComplaintText)
            }
            Node::ComplaintText => {
                let code = s.form.category.clone().unwrap_or_default();
                let common = menu::common_descriptions(&code);
                let d = common[i].get(s.lang).to_string();
                self.file(s, code, d)
            }
            Node::CentreDivision => {
                s.form.division = cat.divisions.get(i).map(|d| d.id);
                self.go(s, Node::CentreDistrict)
            }
            Node::CentreDistrict => {
                s.form.district = cat
                    .districts_of(s.form.division.unwrap_or(0))
                    .get(i)
                    .map(|d| d.id);
                self.go(s, Node::CentreUpazila)
            }
            Node::CentreUpazila => {
                let district = s.form.district.unwrap_or(0);
                let upazila = if i == 0 {
                    None
                } else {
                    cat.upazilas_of(district).get(i - 1).map(|u| u.id)
                };
                self.wait(s, Node::CentreList, Action::Centres { district, upazila })
            }
            // A number on the result list: nothing to pick, show the list again.
            _ => Outcome::Reply(self.show(s)),
        }
    }

    fn description(&self, s: &mut Session, input: &str) -> Outcome {
        if input.chars().count() < MIN_DESCRIPTION || !input.chars().any(char::is_alphabetic) {
            return self.again(s, menu::describe_more());
        }
        let code = s.form.category.clone().unwrap_or_default();
        self.file(s, code, input.to_string())
    }

    fn file(&self, s: &mut Session, category: String, description: String) -> Outcome {
        if self.cat().category(&category).is_none() {
            return self.home(s);
        }
        let label = self
            .cat()
            .category(&category)
            .map(|c| c.name.get(s.lang).to_string())
            .unwrap_or_default();
        // The category's name leads the description, so a picked phrase keeps its context.
        let body = if description.starts_with(&label) {
            description
        } else {
            format!("{label}: {description}")
        };
        self.wait(
            s,
            s.node,
            Action::FileComplaint {
                category,
                description: body,
            },
        )
    }

    fn typed(&self, s: &mut Session, input: &str) -> Outcome {
        match s.node {
            Node::PinNid => match seba_core::wallet::Nid::parse(input) {
                Ok(nid) => {
                    s.form.nid = Some(nid.expose().to_string());
                    self.go(s, Node::PinDob)
                }
                Err(_) => self.again(
                    s,
                    t("এনআইডি নম্বরটি সঠিক নয়।", "That is not a valid NID number."),
                ),
            },
            Node::PinDob => match date_of_birth(input, self.ctx.today) {
                Some(d) => {
                    s.form.dob = Some(d);
                    self.go(s, Node::PinChoice)
                }
                None => self.again(
                    s,
                    t("জন্মতারিখটি সঠিক নয়।", "That is not a valid date of birth."),
                ),
            },
            Node::PinTemporary => {
                if input == "1" {
                    let Some(token) = s.form.token.clone() else {
                        return self.home(s);
                    };
                    return self.wait(s, Node::PinTemporary, Action::ResendTemporaryPin { token });
                }
                if !is_pin(input) {
                    return self.again(s, menu::five_digits());
                }
                s.form.temporary = Some(input.to_string());
                self.go(s, Node::PinNew)
            }
            Node::PinNew => {
                if !is_pin(input) {
                    return self.again(s, menu::five_digits());
                }
                s.form.new_pin = Some(input.to_string());
                self.go(s, Node::PinAgain)
            }
            Node::PinAgain => {
                if !is_pin(input) {
                    return self.again(s, menu::five_digits());
                }
                let (Some(token), Some(temporary), Some(new_pin)) = (
                    s.form.token.clone(),
                    s.form.temporary.clone(),
                    s.form.new_pin.clone(),
                ) else {
                    return self.home(s);
                };
                self.wait(
                    s,
                    Node::PinAgain,
                    Action::ConfirmPin {
                        token,
                        temporary,
                        new_pin,
                        again: input.to_string(),
                    },
                )
            }
            Node::StatusNumber => {
                let number: String = input.chars().filter(|c| *c != '-' && *c != ' ').collect();
                if !digits_only(&number) || seba_core::ids::CaseNumber::parse(&number).is_err() {
                    return self.again(s, menu::not_a_case_number());
                }
                self.wait(s, Node::StatusNumber, Action::CaseStatus { number })
            }
            _ => self.again(s, menu::wrong_choice()),
        }
    }

    fn wait(&self, s: &mut Session, then: Node, action: Action) -> Outcome {
        s.waiting = Some(then);
        Outcome::Act(action)
    }

    /// Carry on with the answer to the action the last input asked for.
    pub fn answer(&self, s: &mut Session, answer: Answer) -> Outcome {
        let then = s.waiting.take().unwrap_or(s.node);
        match answer {
            Answer::ResetStarted { token, choices } => {
                s.form.token = Some(token);
                s.form.choices = choices;
                self.go(s, then)
            }
            Answer::ResetResumed { token, to } => {
                s.form.token = Some(token);
                self.temporary_pin_step(s, to)
            }
            Answer::TemporaryPinSent { to } => self.temporary_pin_step(s, to),
            Answer::IdentityNotVerified => {
                s.form.nid = None;
                s.form.dob = None;
                s.back.truncate(1);
                s.node = Node::PinNid;
                s.page = 0;
                self.again(
                    s,
                    t(
                        "দেওয়া তথ্য মেলেনি; আবার চেষ্টা করুন।",
                        "The details did not match; try again.",
                    ),
                )
            }
            Answer::WrongTemporaryPin { attempts_left } => {
                s.form.temporary = None;
                s.form.new_pin = None;
                self.back_to(s, Node::PinTemporary);
                self.again(
                    s,
                    Text::new(
                        format!(
                            "অস্থায়ী পিন ভুল; আর {} বার।",
                            seba_core::text::bengali_digits(&attempts_left.to_string())
                        ),
                        format!("Wrong temporary PIN; {attempts_left} tries left."),
                    ),
                )
            }
            Answer::TemporaryPinExpired => {
                s.form.temporary = None;
                s.form.new_pin = None;
                self.back_to(s, Node::PinTemporary);
                self.again(
                    s,
                    t(
                        "অস্থায়ী পিনের মেয়াদ শেষ; 1 চাপুন।",
                        "The temporary PIN expired; press 1.",
                    ),
                )
            }
            Answer::NewPinRefused(why) => {
                s.form.new_pin = None;
                self.back_to(s, Node::PinNew);
                self.again(s, why)
            }
            Answer::PinChanged => self.finish(s, menu::pin_changed(), true),
            Answer::Filed { number } => self.finish(s, menu::filed(&number), true),
            Answer::CaseStatus {
                number,
                status,
                due,
            } => self.finish(s, menu::status(&number, &status, due.as_ref()), true),
            Answer::NoSuchCase => self.again(s, menu::no_such_case()),
            Answer::Centres { lines, sms } => {
                if lines.is_empty() {
                    return self.again(
                        s,
                        t("কাছে কোনো কেন্দ্র পাওয়া যায়নি।", "No centre found near there."),
                    );
                }
                s.form.centres = lines;
                s.form.sms = sms;
                s.completed = true;
                self.go(s, then)
            }
            Answer::LanguageSaved => self.home(s),
            Answer::Refused(why) => self.finish(s, why, false),
        }
    }

    /// A temporary PIN is on its way to `to` (sent now, sent again, or sent before the
    /// caller dialled again): ask for it. There is no going back into the identity step.
    fn temporary_pin_step(&self, s: &mut Session, to: String) -> Outcome {
        s.form.sent_to = Some(to);
        s.form.nid = None;
        s.form.dob = None;
        s.back = vec![(Node::Home, 0)];
        if s.node == Node::PinTemporary {
            return self.again(s, t("নতুন পিন পাঠানো হলো।", "A new temporary PIN was sent."));
        }
        s.node = Node::PinTemporary;
        s.page = 0;
        Outcome::Reply(self.show(s))
    }

    /// Return to `node` in the history, dropping what came after it.
    fn back_to(&self, s: &mut Session, node: Node) {
        if s.node == node {
            return;
        }
        if let Some(i) = s.back.iter().rposition(|(n, _)| *n == node) {
            s.back.truncate(i);
        }
        s.node = node;
        s.page = 0;
    }
}

fn is_pin(s: &str) -> bool {
    s.len() == 5 && digits_only(s)
}

/// A date of birth typed on a keypad: `DDMMYYYY` (no separators: `*` ends an input on
/// USSD), or any form the wallet accepts.
fn date_of_birth(input: &str, today: jiff::civil::Date) -> Option<jiff::civil::Date> {
    let typed = if input.len() == 8 && digits_only(input) {
        format!("{}-{}-{}", &input[..2], &input[2..4], &input[4..])
    } else {
        input.to_string()
    };
    seba_core::wallet::parse_date_of_birth(&typed, today).ok()
}
