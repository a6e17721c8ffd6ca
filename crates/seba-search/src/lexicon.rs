//! The curated cross-script lexicon: surface forms in Bengali script, English and Banglish
//! that mean the same thing, mapped to one concept key.
//!
//! Phonetic keys cannot bridge what sounds different: "money" and "টাকা", "complaint" and
//! "অভিযোগ", "transaction" and "লেনদেন", or English spellings of loanwords ("agent" and
//! "এজেন্ট" differ in the g). Complaints about mobile financial services and e-commerce use
//! a small vocabulary over and over, so a hand-made table covers most of what matters:
//! brand names (bKash, Nagad, Rocket, Upay, Daraz, Evaly, Alesha Mart, e-orange, Dhamaka …),
//! the MFS and shopping vocabulary (PIN, OTP, cash out, refund, agent …) and common
//! Banglish spellings with their variants.
//!
//! Forms are normalised with the analyzer's own rules when the table is first used, so they
//! can be written here the way people type them. A form of two or three words ("cash out",
//! "ভুল নম্বর") matches consecutive words. Bengali forms are also entered under their stem,
//! so that "অফারের" finds `offer` even though its stem is not a dictionary word.
//!
//! Known limits: a few forms are also ordinary words (বিকাশ means "development", রবি is a
//! name and Sunday, "pay" and "net" are English words), so a concept match is weighted
//! below an exact word match in queries. The table is data, meant to grow from what agents
//! see in real complaints.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::normalize::fold;
use crate::segment::{self, Script};
use crate::stem::stem_bengali;

/// Longest form, in words.
pub const MAX_PHRASE_WORDS: usize = 3;

/// One concept and the forms that name it.
#[derive(Debug)]
pub struct Concept {
    /// ASCII key, indexed as `@key`.
    pub key: &'static str,
    pub forms: &'static [&'static str],
}

macro_rules! lexicon {
    ($($key:literal => [$($form:literal),+ $(,)?]),+ $(,)?) => {
        &[$(Concept { key: $key, forms: &[$($form),+] }),+]
    };
}

/// The table. Keep forms lowercase Latin or Bengali script; spelling variants welcome.
pub static LEXICON: &[Concept] = lexicon![
    // Mobile financial services and banks
    "bkash" => ["bkash", "bikash", "bekash", "bikas", "bkas", "b kash", "বিকাশ", "ব্যকাশ", "বিকেশ"],
    "nagad" => ["nagad", "nogod", "nagod", "nogad", "নগদ"],
    "rocket" => ["rocket", "roket", "dbbl rocket", "রকেট"],
    "upay" => ["upay", "upai", "u pay", "ইউপে", "উপে"],
    "surecash" => ["surecash", "sure cash", "শিওরক্যাশ", "শিওর ক্যাশ"],
    "mcash" => ["mcash", "এমক্যাশ"],
    "okwallet" => ["okwallet", "ok wallet", "ওকে ওয়ালেট"],
    "dbbl" => ["dbbl", "dutch bangla", "ডাচবাংলা", "ডাচ বাংলা"],
    "mobile_banking" => ["mobile banking", "mfs", "মোবাইল ব্যাংকিং"],
    "bank" => ["bank", "ব্যাংক", "ব্যাঙ্ক"],
    "card" => ["card", "কার্ড"],
    // E-commerce and delivery brands
    "daraz" => ["daraz", "দারাজ"],
    "evaly" => ["evaly", "evally", "ivaly", "ইভ্যালি", "ইভালি", "ইভ্যালী"],
    "alesha_mart" => ["alesha mart", "aleshamart", "আলেশা মার্ট", "আলিশা মার্ট", "আলেশামার্ট"],
    "e_orange" => ["e orange", "eorange", "ই অরেঞ্জ", "ইঅরেঞ্জ"],
    "dhamaka" => ["dhamaka", "dhamaka shopping", "ধামাকা"],
    "qcoom" => ["qcoom", "কিউকম"],
    "chaldal" => ["chaldal", "চালডাল"],
    "foodpanda" => ["foodpanda", "food panda", "ফুডপান্ডা"],
    "pathao" => ["pathao", "পাঠাও"],
    "ecommerce" => ["ecommerce", "e commerce", "ইকমার্স", "ই কমার্স"],
    // Operators and platforms
    "grameenphone" => ["grameenphone", "gp", "গ্রামীণফোন", "জিপি"],
    "robi" => ["robi", "রবি"],
    "banglalink" => ["banglalink", "বাংলালিংক"],
    "teletalk" => ["teletalk", "টেলিটক"],
    "airtel" => ["airtel", "এয়ারটেল"],
    "facebook" => ["facebook", "fb", "ফেসবুক"],
    // MFS vocabulary
    "pin" => ["pin", "পিন"],
    "otp" => ["otp", "ওটিপি", "verification code", "ভেরিফিকেশন কোড"],
    "password" => ["password", "pass", "passward", "পাসওয়ার্ড"],
    "cash_out" => ["cash out", "cashout", "ক্যাশআউট", "ক্যাশ আউট"],
    "cash_in" => ["cash in", "cashin", "ক্যাশইন", "ক্যাশ ইন"],
    "send_money" => ["send money", "sendmoney", "সেন্ড মানি"],
    "payment" => ["payment", "pay", "paid", "পেমেন্ট", "পরিশোধ"],
    "refund" => ["refund", "ferot", "ferat", "fert", "ফেরত", "রিফান্ড"],
    "agent" => ["agent", "এজেন্ট"],
    "merchant" => ["merchant", "মার্চেন্ট"],
    "recharge" => ["recharge", "flexiload", "flexi load", "রিচার্জ", "ফ্লেক্সিলোড"],
    "account" => ["account", "acc", "acount", "hisab", "অ্যাকাউন্ট", "একাউন্ট", "এ্যাকাউন্ট", "হিসাব"],
    "transaction" => ["transaction", "trx", "txn", "lenden", "লেনদেন", "ট্রানজেকশন", "ট্রানজ্যাকশন"],
    "money" => ["money", "taka", "tk", "টাকা", "মানি", "৳"],
    "balance" => ["balance", "ব্যালেন্স", "ব্যালান্স"],
    "wallet" => ["wallet", "ওয়ালেট"],
    "transfer" => ["transfer", "ট্রান্সফার"],
    "cashback" => ["cashback", "cash back", "ক্যাশব্যাক"],
    "charge" => ["charge", "fee", "charj", "চার্জ", "ফি", "overcharge", "over charge"],
    "extra" => ["extra", "beshi", "besi", "বেশি", "বেশী", "অতিরিক্ত", "otirikto"],
    "commission" => ["commission", "কমিশন"],
    "limit" => ["limit", "লিমিট", "সীমা"],
    "loan" => ["loan", "ঋণ", "লোন"],
    "salary" => ["salary", "beton", "বেতন", "স্যালারি"],
    "qr" => ["qr", "কিউআর"],
    "sim" => ["sim", "সিম"],
    "nid" => ["nid", "national id", "এনআইডি", "জাতীয় পরিচয়পত্র", "ন্যাশনাল আইডি"],
    "id" => ["id", "আইডি"],
    "verify" => ["verify", "verification", "kyc", "যাচাই", "ভেরিফাই", "ভেরিফিকেশন"],
    "reset" => ["reset", "রিসেট"],
    "login" => ["login", "log in", "signin", "লগইন"],
    "update" => ["update", "আপডেট"],
    "block" => ["block", "blocked", "ব্লক"],
    "lock" => ["lock", "locked", "লক"],
    "hack" => ["hack", "hacked", "hacker", "হ্যাক", "হ্যাকার"],
    "fraud" => ["fraud", "scam", "protarona", "protarok", "batpar", "প্রতারণা", "প্রতারক", "ফ্রড", "বাটপার", "স্ক্যাম"],
    "fake" => ["fake", "vua", "bhuya", "vuya", "nokol", "ভুয়া", "নকল", "ফেক"],
    "stuck" => ["stuck", "pending", "atke", "atka", "atkano", "আটকে", "আটকা", "আটকানো", "পেন্ডিং"],
    "deducted" => ["deducted", "cut", "kete", "কেটে", "কাটা"],
    "not_received" => ["paini", "payni", "pai nai", "পাইনি", "পায়নি"],
    "wrong_number" => ["wrong number", "rong number", "vul number", "bhul number", "ভুল নম্বর", "ভুল নাম্বার"],
    "number" => ["number", "nambar", "nombor", "nomber", "নম্বর", "নাম্বার"],
    "wrong" => ["wrong", "vul", "bhul", "ভুল"],
    // Shopping vocabulary
    "order" => ["order", "অর্ডার"],
    "delivery" => ["delivery", "deliveri", "deliver", "delivered", "ডেলিভারি", "ডেলিভারী"],
    "product" => ["product", "ponno", "পণ্য", "প্রোডাক্ট"],
    "seller" => ["seller", "বিক্রেতা", "সেলার"],
    "customer" => ["customer", "grahok", "গ্রাহক", "কাস্টমার"],
    "shop" => ["shop", "dokan", "দোকান"],
    "offer" => ["offer", "অফার"],
    "voucher" => ["voucher", "ভাউচার"],
    "cancel" => ["cancel", "cancelled", "batil", "বাতিল", "ক্যানসেল"],
    "return" => ["return", "রিটার্ন"],
    "price" => ["price", "dam", "দাম", "মূল্য"],
    "warranty" => ["warranty", "ওয়ারেন্টি"],
    "bonus" => ["bonus", "বোনাস"],
    "gift" => ["gift", "উপহার", "গিফট"],
    // Complaint vocabulary
    "complaint" => ["complaint", "complain", "obhijog", "ovijog", "ovijok", "nalish", "অভিযোগ", "নালিশ"],
    "problem" => ["problem", "prob", "somossa", "shomossha", "somossha", "somosya", "সমস্যা", "প্রবলেম"],
    "help" => ["help", "sahajjo", "shahajjo", "সাহায্য", "হেল্প"],
    "helpline" => ["helpline", "hotline", "customer care", "customer service", "হেল্পলাইন", "হটলাইন", "কাস্টমার কেয়ার"],
    "urgent" => ["urgent", "joruri", "জরুরি", "জরুরী"],
    "late" => ["late", "delay", "deri", "দেরি", "দেরী", "বিলম্ব"],
    "service" => ["service", "seba", "sheba", "সেবা", "সার্ভিস"],
    "police" => ["police", "thana", "পুলিশ", "থানা"],
    // Phone, messages, utilities
    "mobile" => ["mobile", "phone", "ফোন", "মোবাইল"],
    "sms" => ["sms", "message", "msg", "এসএমএস", "মেসেজ", "ম্যাসেজ", "বার্তা"],
    "call" => ["call", "called", "calling", "কল", "ফোন করে", "ফোন দিয়ে", "phone kore"],
    "forgot" => ["forgot", "forget", "forgotten", "ভুলে গেছি", "ভুলে গেছে", "মনে নেই", "vule gesi", "bhule gechi", "vule gechi", "mone nai", "mone nei"],
    "motorcycle" => ["motorcycle", "motorbike", "bike", "মোটরসাইকেল", "বাইক", "মোটর সাইকেল"],
    "cheque" => ["cheque", "চেক"],
    "app" => ["app", "apps", "অ্যাপ", "অ্যাপস", "এপ"],
    "email" => ["email", "mail", "ইমেইল", "ইমেল", "ই মেইল"],
    "link" => ["link", "লিংক", "লিঙ্ক"],
    "internet" => ["internet", "net", "data", "ইন্টারনেট", "ডাটা", "ডেটা"],
    "bill" => ["bill", "বিল"],
    "electricity" => ["electricity", "current", "biddut", "বিদ্যুৎ", "কারেন্ট"],
    "gas" => ["gas", "গ্যাস"],
    "meter" => ["meter", "মিটার"],
    "prepaid" => ["prepaid", "প্রিপেইড"],
    "ticket" => ["ticket", "টিকিট"],
    // Common Banglish words
    "how" => ["how", "kivabe", "kibhabe", "kibabe", "kemne", "kemon", "কিভাবে", "কীভাবে", "কেমনে", "কেমন"],
    "will_do" => ["korbo", "krbo", "করব", "করবো"],
    "brother" => ["bhai", "vai", "ভাই"],
    "today" => ["aj", "aaj", "আজ"],
    "yesterday" => ["gotokal", "gotkal", "গতকাল"],
    "please" => ["please", "plz", "pls", "doya kore", "দয়া করে"],
    // Places
    "dhaka" => ["dhaka", "ঢাকা"],
    "chattogram" => ["chattogram", "chittagong", "ctg", "চট্টগ্রাম"],
    "sylhet" => ["sylhet", "সিলেট"],
];

/// Normalised form (words joined by one space) → concept keys.
static INDEX: LazyLock<HashMap<String, Vec<&'static str>>> = LazyLock::new(build);

fn build() -> HashMap<String, Vec<&'static str>> {
    let mut map: HashMap<String, Vec<&'static str>> = HashMap::new();
    let mut add = |form: String, key: &'static str| {
        let keys = map.entry(form).or_default();
        if !keys.contains(&key) {
            keys.push(key);
        }
    };
    for concept in LEXICON {
        for form in concept.forms {
            let folded = fold(form);
            let words = segment::words(&folded.text, MAX_PHRASE_WORDS + 1);
            if words.is_empty() || words.len() > MAX_PHRASE_WORDS {
                continue;
            }
            let norms: Vec<&str> = words.iter().map(|w| w.norm.as_str()).collect();
            add(norms.join(" "), concept.key);
            if let Some(last) = words.last()
                && last.script == Script::Bengali
            {
                let stem = stem_bengali(&last.norm);
                if stem != last.norm {
                    let mut parts = norms[..norms.len() - 1].to_vec();
                    parts.push(&stem);
                    add(parts.join(" "), concept.key);
                }
            }
        }
    }
    map
}

/// Concept keys for a normalised word, or normalised words joined by one space.
pub fn lookup(normalised: &str) -> &'static [&'static str] {
    INDEX.get(normalised).map(Vec::as_slice).unwrap_or_default()
}

/// Whether a normalised single word is a lexicon form.
pub fn is_word(normalised: &str) -> bool {
    INDEX.contains_key(normalised)
}

/// Concept keys for any text (a word or a short phrase), normalised the analyzer's way.
pub fn concepts(text: &str) -> Vec<&'static str> {
    let folded = fold(text);
    let words = segment::words(&folded.text, MAX_PHRASE_WORDS + 1);
    if words.is_empty() || words.len() > MAX_PHRASE_WORDS {
        return Vec::new();
    }
    let joined: Vec<&str> = words.iter().map(|w| w.norm.as_str()).collect();
    lookup(&joined.join(" ")).to_vec()
}

/// Function words a query may contain that say little about what is wanted ("to", "my",
/// "theke", "আমার"): a query does not require them, it only ranks documents that have them
/// higher. Negations are among them — "not delivered" must still find "ডেলিভারি পাইনি".
const STOP_WORDS: &[&str] = &[
    // English
    "a",
    "an",
    "the",
    "to",
    "of",
    "in",
    "on",
    "at",
    "for",
    "from",
    "by",
    "with",
    "and",
    "or",
    "but",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "i",
    "me",
    "my",
    "we",
    "our",
    "you",
    "your",
    "it",
    "its",
    "this",
    "that",
    "not",
    "no",
    "please",
    "did",
    "do",
    "does",
    "yet",
    "still",
    "after",
    "got",
    "get",
    // Banglish
    "ami",
    "amar",
    "amake",
    "amra",
    "ar",
    "ki",
    "ke",
    "theke",
    "er",
    "ta",
    "ti",
    "na",
    "nai",
    "nei",
    "hoy",
    "hoise",
    "hoyeche",
    "kore",
    "diye",
    "ekta",
    "ei",
    "oi",
    "to",
    "o",
    "e",
    // Bengali
    "আমি",
    "আমার",
    "আমাকে",
    "আমরা",
    "এবং",
    "ও",
    "আর",
    "কিন্তু",
    "থেকে",
    "দিয়ে",
    "করে",
    "না",
    "নাই",
    "নেই",
    "কি",
    "কী",
    "একটা",
    "একটি",
    "এই",
    "সেই",
    "তো",
    "যে",
    "হয়",
    "হয়ে",
    "হয়েছে",
    "এখনো",
    "এখনও",
];

static STOPS: LazyLock<std::collections::HashSet<String>> = LazyLock::new(|| {
    STOP_WORDS
        .iter()
        .map(|w| crate::normalize::normalize_word(w))
        .collect()
});

/// Whether a normalised word is a function word a query need not match (see
/// [`STOP_WORDS`]).
pub fn is_stop_word(normalised: &str) -> bool {
    STOPS.contains(normalised)
}

/// Number of concepts and of surface forms in the table.
pub fn size() -> (usize, usize) {
    (LEXICON.len(), LEXICON.iter().map(|c| c.forms.len()).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_enough_and_unique_keys() {
        let (concepts, forms) = size();
        assert!(concepts >= 80, "{concepts} concepts");
        assert!(forms >= 250, "{forms} forms");
        let mut keys: Vec<&str> = LEXICON.iter().map(|c| c.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), LEXICON.len(), "duplicate concept key");
    }

    #[test]
    fn every_form_is_reachable() {
        for c in LEXICON {
            for f in c.forms {
                assert!(concepts(f).contains(&c.key), "{f} → {}", c.key);
            }
        }
    }

    #[test]
    fn forms_in_any_spelling() {
        assert_eq!(concepts("BKash"), ["bkash"]);
        assert_eq!(concepts("e-orange"), ["e_orange"]);
        assert_eq!(concepts("ক্যাশ  আউট"), ["cash_out"]);
        // precomposed and decomposed য়
        assert_eq!(concepts("ভু\u{09DF}া"), ["fake"]);
        assert_eq!(concepts("ভু\u{09AF}\u{09BC}া"), ["fake"]);
        assert!(concepts("unrelated").is_empty());
    }
}
