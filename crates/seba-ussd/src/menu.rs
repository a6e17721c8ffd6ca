//! The menus, declared once: the screens ([`Node`]) and every text on them in Bengali and
//! English. English texts keep to the GSM 7-bit alphabet (no `৳`, no curly quotes), so an
//! English screen holds 182 characters; a Bengali one holds 80.

use serde::{Deserialize, Serialize};

use crate::screen::Text;

/// A screen of the menus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Node {
    Home,
    Language,
    PinNid,
    PinDob,
    PinChoice,
    PinTemporary,
    PinNew,
    PinAgain,
    ComplaintDomain,
    ComplaintCategory,
    ComplaintText,
    StatusNumber,
    CentreDivision,
    CentreDistrict,
    CentreUpazila,
    CentreList,
}

impl Node {
    /// Which menu the screen belongs to (statistics group by it).
    pub fn menu(self) -> &'static str {
        use Node::*;
        match self {
            Home => "home",
            Language => "language",
            PinNid | PinDob | PinChoice | PinTemporary | PinNew | PinAgain => "pin_reset",
            ComplaintDomain | ComplaintCategory | ComplaintText => "complaint",
            StatusNumber => "status",
            CentreDivision | CentreDistrict | CentreUpazila | CentreList => "centres",
        }
    }

    /// The screen's name within its menu.
    pub fn name(self) -> &'static str {
        use Node::*;
        match self {
            Home => "home",
            Language => "choose",
            PinNid => "nid",
            PinDob => "date_of_birth",
            PinChoice => "transaction",
            PinTemporary => "temporary_pin",
            PinNew => "new_pin",
            PinAgain => "new_pin_again",
            ComplaintDomain => "domain",
            ComplaintCategory => "category",
            ComplaintText => "description",
            StatusNumber => "case_number",
            CentreDivision => "division",
            CentreDistrict => "district",
            CentreUpazila => "upazila",
            CentreList => "list",
        }
    }

    pub const ALL: [Node; 16] = [
        Node::Home,
        Node::Language,
        Node::PinNid,
        Node::PinDob,
        Node::PinChoice,
        Node::PinTemporary,
        Node::PinNew,
        Node::PinAgain,
        Node::ComplaintDomain,
        Node::ComplaintCategory,
        Node::ComplaintText,
        Node::StatusNumber,
        Node::CentreDivision,
        Node::CentreDistrict,
        Node::CentreUpazila,
        Node::CentreList,
    ];
}

fn t(bn: &str, en: &str) -> Text {
    Text::new(bn, en)
}

/// The first menu, in order: the engine's `pick` follows this order.
pub fn home_items() -> [Text; 6] {
    [
        t("পিন রিসেট", "Reset PIN"),
        t("অভিযোগ করুন", "Make a complaint"),
        t("অভিযোগের খবর", "Complaint status"),
        t("কাছের কেন্দ্র", "Nearest centre"),
        t("ভাষা", "Language"),
        t("হটলাইন", "Hotline"),
    ]
}

pub fn language_title() -> Text {
    t("ভাষা বেছে নিন:", "Choose a language:")
}

pub fn pin_nid() -> Text {
    t("আপনার এনআইডি নম্বর লিখুন:", "Enter your NID number:")
}

pub fn pin_dob() -> Text {
    t(
        "জন্মতারিখ লিখুন, যেমন 25081990:",
        "Enter your date of birth as DDMMYYYY (e.g. 25081990):",
    )
}

pub fn pin_choice() -> Text {
    t(
        "সম্প্রতি কোনটি করেছেন?",
        "Which of these did you do recently?",
    )
}

pub fn pin_temporary(to: &str) -> Text {
    Text::new(
        format!("{to}-এ পাঠানো অস্থায়ী পিন দিন:\n1 আবার পাঠান"),
        format!("A temporary PIN was sent by SMS to {to}. Enter it:\n1 Send again"),
    )
}

pub fn pin_new() -> Text {
    t("নতুন ৫ অঙ্কের পিন দিন:", "Enter a new 5-digit PIN:")
}

pub fn pin_again() -> Text {
    t("নতুন পিনটি আবার দিন:", "Enter the new PIN again:")
}

pub fn five_digits() -> Text {
    t("পিন হবে ৫টি অঙ্ক।", "A PIN is 5 digits.")
}

pub fn pin_changed() -> Text {
    t(
        "আপনার পিন বদলানো হয়েছে। নতুন পিন কাউকে বলবেন না।",
        "Your PIN has been changed. Never share your PIN with anyone.",
    )
}

pub fn complaint_domain() -> Text {
    t("কোন বিষয়ে অভিযোগ?", "What is it about?")
}

pub fn complaint_category() -> Text {
    t("সমস্যা বেছে নিন:", "Choose the problem:")
}

pub fn complaint_text() -> Text {
    t(
        "সমস্যাটি লিখুন বা বেছে নিন:",
        "Type the problem in a few words, or pick:",
    )
}

pub fn describe_more() -> Text {
    t(
        "আরেকটু লিখুন (অন্তত ৪ অক্ষর)।",
        "Please write a little more (4 letters or more).",
    )
}

pub fn filed(number: &str) -> Text {
    Text::new(
        format!("অভিযোগ গ্রহণ করা হয়েছে। কেস নম্বর {number}। এসএমএসে জানানো হবে।"),
        format!("Your complaint is received. Case number {number}. We will confirm by SMS."),
    )
}

pub fn status_number() -> Text {
    t("কেস নম্বর লিখুন:", "Enter the case number:")
}

pub fn not_a_case_number() -> Text {
    t("কেস নম্বরটি সঠিক নয়।", "That is not a valid case number.")
}

pub fn no_such_case() -> Text {
    t(
        "এই নম্বর থেকে করা এমন কোনো অভিযোগ নেই।",
        "No complaint with that number was made from this phone.",
    )
}

pub fn status(number: &str, status: &Text, due: Option<&Text>) -> Text {
    let mut bn = format!("কেস {number}: {}", status.bn);
    let mut en = format!("Case {number}: {}", status.en);
    if let Some(d) = due {
        bn.push_str(&format!("\nসমাধানের তারিখ: {}", d.bn));
        en.push_str(&format!("\nTo be resolved by {}", d.en));
    }
    Text::new(bn, en)
}

pub fn centre_division() -> Text {
    t("বিভাগ বেছে নিন:", "Choose your division:")
}

pub fn centre_district() -> Text {
    t("জেলা বেছে নিন:", "Choose your district:")
}

pub fn centre_upazila() -> Text {
    t("উপজেলা বেছে নিন:", "Choose your upazila:")
}

pub fn whole_district() -> Text {
    t("পুরো জেলা", "Whole district")
}

/// The title of the nearest-centres list: none in Bengali, where a centre takes a whole
/// screen.
pub fn centre_list() -> Text {
    t("", "Nearest centres:")
}

/// The last line of the nearest-centres list when the list also went by SMS.
pub fn centre_sms() -> Text {
    t(
        "পুরো তালিকা এসএমএসে পাঠানো হয়েছে।",
        "The full list was sent to you by SMS.",
    )
}

pub fn wrong_choice() -> Text {
    t("ভুল ইনপুট।", "Invalid choice.")
}

pub fn hotline(number: &str, hours: &Text) -> Text {
    Text::new(
        format!(
            "হটলাইন {number} ({})। কল করুন বা নিকটস্থ সেবা কেন্দ্রে আসুন।",
            hours.bn
        ),
        format!(
            "Hotline {number} ({}). Call us, or visit your nearest centre.",
            hours.en
        ),
    )
}

/// A session the caller cannot continue (unknown or ended).
pub fn session_over() -> Text {
    t(
        "এই সেশন শেষ হয়েছে। আবার *247# ডায়াল করুন।",
        "This session has ended. Please dial again.",
    )
}

/// A request seba could not read, or a failure on seba's side.
pub fn sorry() -> Text {
    t(
        "দুঃখিত, এখন সেবাটি দেওয়া যাচ্ছে না। একটু পরে আবার চেষ্টা করুন।",
        "Sorry, we cannot serve you right now. Please try again later.",
    )
}

/// A number the service does not serve (not a Bangladeshi mobile number).
pub fn not_served() -> Text {
    t(
        "দুঃখিত, এই নম্বর থেকে সেবাটি পাওয়া যায় না।",
        "Sorry, this service is not available for your number.",
    )
}

/// Common phrases offered for a category, so a feature-phone caller need not type.
pub fn common_descriptions(category: &str) -> Vec<Text> {
    let pairs: &[(&str, &str)] = match category {
        "mfs.wrong_transfer" => &[
            ("ভুল নম্বরে টাকা গেছে", "Sent money to a wrong number"),
            ("টাকা ফেরত চাই", "I want the money back"),
        ],
        "mfs.cash_out" => &[
            (
                "ক্যাশ আউট হয়নি, টাকা কেটেছে",
                "Cash out failed but money was taken",
            ),
            ("এজেন্ট টাকা দেয়নি", "Agent did not give the cash"),
        ],
        "mfs.agent_conduct" => &[
            ("এজেন্ট বাড়তি টাকা নিয়েছে", "Agent charged extra"),
            ("এজেন্ট খারাপ ব্যবহার করেছে", "Agent was rude"),
        ],
        "mfs.pin_lock" => &[
            ("পিন ভুলে গেছি", "I forgot my PIN"),
            ("অ্যাকাউন্ট লক হয়ে গেছে", "My account is locked"),
        ],
        "mfs.fraud_call" => &[
            ("প্রতারক কল করে পিন চেয়েছে", "A caller asked for my PIN"),
            ("প্রতারণার এসএমএস পেয়েছি", "I got a scam SMS"),
        ],
        "mfs.payment_failure" => &[
            ("রিচার্জ হয়নি, টাকা কেটেছে", "Recharge failed, money was taken"),
            ("পেমেন্ট ব্যর্থ হয়েছে", "A payment failed"),
        ],
        "mfs.g2p" => &[
            ("ভাতার টাকা আসেনি", "My allowance did not arrive"),
            ("উপবৃত্তির টাকা আসেনি", "My stipend did not arrive"),
        ],
        "ecommerce.non_delivery" => &[
            ("টাকা দিয়েছি, পণ্য পাইনি", "Paid but the order never came"),
            ("ডেলিভারি অনেক দেরি", "The delivery is very late"),
        ],
        "ecommerce.refund" => &[
            ("অর্ডার বাতিল, টাকা ফেরত পাইনি", "Order cancelled, no refund"),
            ("আংশিক টাকা ফেরত পেয়েছি", "Only part of my money came back"),
        ],
        _ => &[],
    };
    pairs.iter().map(|(bn, en)| t(bn, en)).collect()
}

/// A transaction offered in the PIN reset's identity step: "Cash out Tk 2,000" /
/// "ক্যাশ আউট ৳২,০০০".
pub fn transaction(kind: &str, amount_poisha: i64) -> Text {
    let (bn, en) = match kind {
        "send_money" => ("সেন্ড মানি", "Send money"),
        "cash_out" => ("ক্যাশ আউট", "Cash out"),
        "cash_in" => ("ক্যাশ ইন", "Cash in"),
        "payment" => ("পেমেন্ট", "Payment"),
        "recharge" => ("রিচার্জ", "Recharge"),
        _ => ("লেনদেন", "Transaction"),
    };
    let amount = seba_core::text::taka(amount_poisha);
    Text::new(
        format!("{bn} ৳{}", seba_core::text::bengali_digits(&amount)),
        format!("{en} Tk {amount}"),
    )
}

/// One centre on the nearest list: name, distance, hours now, phone.
///
/// The phone comes before the hours, and a long name is shortened first, so that what a
/// full screen cuts is the tail of the hours, never the number to call.
pub fn centre_line(name: &Text, distance_m: f64, hours: &Text, phone: Option<&str>) -> Text {
    let km = distance_m / 1000.0;
    let d = if km < 10.0 {
        format!("{km:.1}")
    } else {
        format!("{km:.0}")
    };
    let phone = phone.map(|p| format!(", {p}")).unwrap_or_default();
    Text::new(
        format!(
            "{}, {} কিমি{phone}\n{}",
            shorten(&name.bn, 20, "…"),
            seba_core::text::bengali_digits(&d),
            hours.bn
        ),
        format!(
            "{}, {d} km{phone}\n{}",
            shorten(&gsm_safe(&name.en), 40, "..."),
            gsm_safe(&hours.en)
        ),
    )
}

fn shorten(s: &str, max: usize, ellipsis: &str) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push_str(ellipsis);
    out
}

/// English text from the data (a centre's name) with characters outside the GSM alphabet
/// replaced, so one stray `’` does not halve the screen.
pub fn gsm_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '‘' | '’' => '\'',
            '“' | '”' => '"',
            '–' | '—' => '-',
            '৳' => '$',
            c if crate::gsm::is_gsm(c) => c,
            _ => '?',
        })
        .collect()
}

/// A case's status in a word or two.
pub fn case_status(status: &str) -> Text {
    match status {
        "new" => t("গৃহীত", "Received"),
        "open" => t("কাজ চলছে", "Being worked on"),
        "pending_customer" => t("আপনার উত্তরের অপেক্ষায়", "Waiting for your reply"),
        "pending_third_party" => t("অন্য প্রতিষ্ঠানের অপেক্ষায়", "Waiting for a third party"),
        "resolved" => t("সমাধান হয়েছে", "Resolved"),
        "closed" => t("বন্ধ", "Closed"),
        "merged" => t("অন্য অভিযোগের সাথে যুক্ত", "Merged with another case"),
        other => Text::new(other, gsm_safe(other)),
    }
}

/// A date as the status screen shows it: `12/12/2026` / `১২/১২/২০২৬`.
pub fn date(d: jiff::civil::Date) -> Text {
    let s = d.strftime("%d/%m/%Y").to_string();
    Text::new(seba_core::text::bengali_digits(&s), s)
}
