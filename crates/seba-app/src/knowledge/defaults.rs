//! The help content a new store starts with: the questions customers ask most, and the
//! replies agents write most. Admins change or remove them like any other.

use jiff::Timestamp;

use seba_store::{Article, Canned};

/// (slug, tags, title bn, title en, body bn, body en)
type ArticleText = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const ARTICLES: &[ArticleText] = &[
    (
        "reset-pin",
        &["pin", "পিন", "ussd", "account-lock"],
        "পিন ভুলে গেলে বা অ্যাকাউন্ট লক হলে নিজেই পিন রিসেট করুন",
        "Reset a forgotten or locked PIN yourself",
        "পিন ভুলে গেলে, বা কয়েকবার ভুল পিন দেওয়ায় অ্যাকাউন্ট লক হয়ে গেলে, সেবাকেন্দ্রে না গিয়ে নিজেই দুই ধাপে নতুন পিন সেট করতে পারেন।

১. আপনার নিবন্ধিত মোবাইল নম্বর থেকে *247# ডায়াল করুন এবং মেনু থেকে \"পিন রিসেট\" বেছে নিন। অ্যাপেও একই সুবিধা আছে।
২. আপনার জাতীয় পরিচয়পত্রের (এনআইডি) নম্বর দিন। তারপর আপনার জন্মতারিখ অথবা সাম্প্রতিক একটি লেনদেনের তথ্য দিয়ে পরিচয় নিশ্চিত করুন।
৩. তথ্য মিলে গেলে এসএমএসে একটি অস্থায়ী পিন পাবেন।
৪. আবার *247# ডায়াল করে অস্থায়ী পিনটি দিন এবং নিজের পছন্দমতো নতুন ৫ অঙ্কের পিন সেট করুন।

আপনার পিন বা ওটিপি (এককালীন কোড) কখনো কাউকে জানাবেন না। আমাদের কোনো কর্মী কখনো আপনার পিন বা ওটিপি চাইবেন না। কেউ চাইলে বুঝবেন তিনি প্রতারক; সঙ্গে সঙ্গে হটলাইন ১৬২৪৭-এ জানান।",
        "If you have forgotten your PIN, or your account is locked after too many wrong tries, you can set a new PIN yourself in two steps, without visiting a service centre.

1. Dial *247# from your registered mobile number and choose \"Reset PIN\" from the menu. The app offers the same.
2. Enter your National ID (NID) number. Then confirm who you are with your date of birth or the details of a recent transaction.
3. Once the details match, you will receive a temporary PIN by SMS.
4. Dial *247# again, enter the temporary PIN, and set a new 5-digit PIN of your choice.

Never tell anyone your PIN or OTP (one-time code). Our staff will never ask for your PIN or OTP. Anyone who asks is a fraudster: report them at once to the hotline 16247.",
    ),
    (
        "wrong-number",
        &["wrong-number", "ভুল-নম্বর", "send-money", "reversal"],
        "ভুল নম্বরে টাকা পাঠালে কী করবেন",
        "Money sent to a wrong number",
        "ভুল নম্বরে টাকা পাঠিয়ে ফেললে দেরি না করে সঙ্গে সঙ্গে হটলাইন ১৬২৪৭-এ ফোন করুন, অথবা এই পোর্টালে অভিযোগ জমা দিন। যত তাড়াতাড়ি জানাবেন, টাকা ফেরত পাওয়ার সম্ভাবনা তত বেশি।

অভিযোগ করার সময় এই তথ্যগুলো হাতের কাছে রাখুন:
• লেনদেনের আইডি (ট্রানজেকশন আইডি), যা লেনদেনের পর এসএমএসে পেয়েছেন
• টাকার পরিমাণ
• লেনদেনের তারিখ ও সময়
• যে নম্বরে টাকা চলে গেছে, এবং যে নম্বরে পাঠাতে চেয়েছিলেন

প্রাপকের সম্মতি ছাড়া টাকা ফেরত (রিভার্সাল) দেওয়া যায় না। আমরা প্রাপকের সঙ্গে যোগাযোগ করে সম্মতি চাইব এবং অগ্রগতি আপনাকে এসএমএসে জানাব। প্রাপক সাড়া না দিলে বা রাজি না হলে পরবর্তী করণীয় আমরা আপনাকে জানিয়ে দেব।",
        "If you sent money to a wrong number, call the hotline 16247 at once, or file a complaint on this portal. The sooner you tell us, the better the chance of getting the money back.

Have these details ready when you complain:
• the transaction ID from the SMS you received after the transaction
• the amount
• the date and time of the transaction
• the number the money went to, and the number you meant to send it to

Money can only be reversed with the recipient's consent. We will contact the recipient to ask for it and keep you informed by SMS. If the recipient does not answer or refuses, we will tell you what can be done next.",
    ),
    (
        "hours",
        &["hotline", "হটলাইন", "service-centre", "hours"],
        "হটলাইন ও সেবাকেন্দ্র কখন খোলা থাকে",
        "Hotline and service centre hours",
        "হটলাইন ১৬২৪৭ দিনে ২৪ ঘণ্টা, সপ্তাহে ৭ দিন খোলা থাকে, ছুটির দিনেও।

গ্রাহক সেবাকেন্দ্রগুলো সাধারণত সকাল ৯টা থেকে সন্ধ্যা ৭টা পর্যন্ত খোলা থাকে। সাপ্তাহিক ছুটির দিন এবং সরকারি ছুটির দিনে কেন্দ্র বন্ধ থাকে। কোনো কোনো এলাকায় সময় আলাদা হতে পারে, তাই যাওয়ার আগে নিকটতম কেন্দ্রের সময় দেখে নিন। বন্ধের সময় হয়ে গেলেও যাঁরা ভেতরে আছেন, তাঁদের সেবা দেওয়া হয়।

কেন্দ্র বন্ধ থাকলে বাইরের ড্রপ বক্সে যেকোনো সময় আপনার আবেদন বা অভিযোগ রেখে যেতে পারেন।",
        "The hotline 16247 is open 24 hours a day, 7 days a week, holidays included.

Customer service centres are usually open from 9:00 in the morning to 7:00 in the evening. They are closed on the weekly holiday and on public holidays. Hours can differ by area, so check the hours of your nearest centre before you go. Customers who are already inside at closing time are still served.

When a centre is closed, you can leave your request or complaint in the drop box outside at any hour.",
    ),
    (
        "file-and-track",
        &["complaint", "অভিযোগ", "tracking", "case-number"],
        "কীভাবে অভিযোগ করবেন এবং তার অবস্থা জানবেন",
        "How to file a complaint and track it",
        "এই পোর্টালের অভিযোগ ফর্মে সমস্যাটি লিখুন, আপনার মোবাইল নম্বর দিন, আর লেনদেন নিয়ে অভিযোগ হলে লেনদেনের আইডিও দিন। জমা দেওয়ার পর একটি কেস নম্বর পাবেন; একই নম্বর এসএমএসেও পাঠানো হয়। নম্বরটি সংরক্ষণ করুন।

অভিযোগের অবস্থা জানতে অভিযোগ খোঁজার পাতায় কেস নম্বর এবং যে মোবাইল নম্বর দিয়ে অভিযোগ করেছিলেন সেটি দিন। ওই নম্বরে এসএমএসে একটি এককালীন কোড যাবে। কোডটি দিলে আপনার অভিযোগের অবস্থা এবং আমাদের উত্তর দেখতে পাবেন।

এই কোড শুধু আপনার জন্য, কাউকে জানাবেন না। হটলাইন ১৬২৪৭-এ ফোন করেও অভিযোগ করতে পারেন।",
        "Use the complaint form on this portal: describe the problem, give your mobile number, and if it is about a transaction, the transaction ID. After you submit it you will get a case number, which is also sent to you by SMS. Keep it.

To see how your complaint is going, open the tracking page and enter the case number and the mobile number you filed it with. We will send a one-time code by SMS to that number. Enter the code to see the status of your complaint and our replies.

The code is for you alone: do not share it with anyone. You can also file a complaint by calling the hotline 16247.",
    ),
    (
        "shop-refund",
        &["e-commerce", "ই-কমার্স", "refund", "claim"],
        "বন্ধ হয়ে যাওয়া অনলাইন শপ থেকে টাকা ফেরতের দাবি",
        "Refunds from an online shop that has shut down",
        "কোনো অনলাইন শপ পণ্য না দিয়ে বা টাকা ফেরত না দিয়ে বন্ধ হয়ে গেলে আমাদের কাছে দাবি (ক্লেইম) জমা দিন। আমরা সব দাবি একত্র করে প্রতিষ্ঠান, পেমেন্ট গেটওয়ে এবং সংশ্লিষ্ট কর্তৃপক্ষের সঙ্গে কাজ করি।

দাবির সঙ্গে এগুলো দিন, আর মূল কাগজপত্র যত্ন করে রেখে দিন:
• অর্ডার আইডি এবং অর্ডারের তারিখ
• পেমেন্টের রসিদ বা লেনদেনের আইডি (কার্ড, মোবাইল ব্যাংকিং বা ব্যাংক)
• মোট কত টাকা দিয়েছেন, এবং তার মধ্যে কত টাকা ফেরত পেয়েছেন
• শপের নাম, এবং তাদের সঙ্গে যোগাযোগের প্রমাণ (এসএমএস, ই-মেইল, স্ক্রিনশট)

দাবি জমা দেওয়ার পর কেস নম্বর দিয়ে অগ্রগতি দেখতে পারবেন। টাকা কবে ফেরত আসবে তা প্রতিষ্ঠান ও গেটওয়ের ওপর নির্ভর করে। কেউ টাকার বিনিময়ে তাড়াতাড়ি টাকা ফেরত পাইয়ে দেওয়ার প্রতিশ্রুতি দিলে সাবধান থাকুন।",
        "If an online shop has shut down without delivering your order or refunding you, file a claim with us. We gather the claims and work on them with the shop, the payment gateway and the authorities concerned.

Give these with your claim, and keep the originals safe:
• the order ID and the order date
• the payment receipt or transaction ID (card, mobile banking or bank)
• how much you paid in all, and how much of it has been refunded
• the shop's name, and proof of your contact with them (SMS, e-mail, screenshots)

After you file the claim, you can follow its progress with the case number. When the money comes back depends on the shop and the gateway. Be careful of anyone who offers a faster refund for a fee.",
    ),
];

/// (code, title bn, title en, body bn, body en)
type CannedText = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const CANNED: &[CannedText] = &[
    (
        "ack",
        "অভিযোগ গ্রহণের বার্তা",
        "Complaint received",
        "প্রিয় {customer_name}, আপনার অভিযোগটি আমরা পেয়েছি। আপনার কেস নম্বর {case_number}। আমরা বিষয়টি খতিয়ে দেখছি এবং {due_date}-এর মধ্যে সমাধানের চেষ্টা করব। যেকোনো প্রয়োজনে হটলাইন {hotline}-এ ফোন করুন।\n\n{agent_name}",
        "Dear {customer_name}, we have received your complaint. Your case number is {case_number}. We are looking into it and aim to resolve it by {due_date}. If you need us, call the hotline {hotline}.\n\n{agent_name}",
    ),
    (
        "ask-transaction-id",
        "লেনদেনের আইডি চাওয়া",
        "Ask for the transaction ID",
        "প্রিয় {customer_name}, আপনার অভিযোগ (কেস {case_number}) যাচাই করতে লেনদেনের আইডি প্রয়োজন। লেনদেনের পর যে এসএমএস পেয়েছেন, তাতে আইডিটি আছে। অনুগ্রহ করে এই বার্তার উত্তরে লেনদেনের আইডি, টাকার পরিমাণ এবং লেনদেনের তারিখ ও সময় জানান। আপনার পিন বা ওটিপি কখনো পাঠাবেন না।\n\n{agent_name}",
        "Dear {customer_name}, to look into your complaint (case {case_number}) we need the transaction ID. You will find it in the SMS you received after the transaction. Please reply with the transaction ID, the amount, and the date and time of the transaction. Never send us your PIN or OTP.\n\n{agent_name}",
    ),
    (
        "refund-processed",
        "টাকা ফেরত দেওয়া হয়েছে",
        "Refund processed",
        "প্রিয় {customer_name}, কেস {case_number}-এর টাকা আপনার অ্যাকাউন্টে ফেরত দেওয়া হয়েছে। অনুগ্রহ করে ব্যালেন্স দেখে নিন। কোনো সমস্যা থাকলে এই বার্তার উত্তর দিন অথবা হটলাইন {hotline}-এ ফোন করুন।\n\n{agent_name}",
        "Dear {customer_name}, the money for case {case_number} has been refunded to your account. Please check your balance. If anything is still wrong, reply to this message or call the hotline {hotline}.\n\n{agent_name}",
    ),
    (
        "resolved-confirm",
        "সমাধান হয়েছে, নিশ্চিত করার অনুরোধ",
        "Resolved: please confirm",
        "প্রিয় {customer_name}, আমাদের ধারণা কেস {case_number}-এর সমস্যাটির সমাধান হয়েছে। অনুগ্রহ করে নিশ্চিত করুন। সমস্যা থেকে গেলে এই বার্তার উত্তর দিন, আমরা কেসটি আবার খুলব। আমাদের সেবা কেমন লাগল, ১ থেকে ৫-এর মধ্যে নম্বর দিয়ে জানালে খুশি হব।\n\n{agent_name}",
        "Dear {customer_name}, we believe the problem in case {case_number} is now resolved. Please confirm. If it is not, reply to this message and we will reopen the case. We would be glad to hear how we did: please rate our service from 1 to 5.\n\n{agent_name}",
    ),
    (
        "pin-reset-guide",
        "পিন রিসেটের নির্দেশনা",
        "How to reset the PIN",
        "প্রিয় {customer_name}, আপনি নিজেই পিন রিসেট করতে পারেন: *247# ডায়াল করে \"পিন রিসেট\" বেছে নিন, তারপর জাতীয় পরিচয়পত্রের নম্বর এবং জন্মতারিখ বা সাম্প্রতিক একটি লেনদেনের তথ্য দিন। এসএমএসে একটি অস্থায়ী পিন পাবেন; সেটি দিয়ে নতুন ৫ অঙ্কের পিন সেট করুন। পিন বা ওটিপি কাউকে জানাবেন না; আমাদের কর্মীরাও কখনো তা চাইবেন না।\n\n{agent_name}",
        "Dear {customer_name}, you can reset your PIN yourself: dial *247#, choose \"Reset PIN\", then give your National ID number and your date of birth or the details of a recent transaction. You will get a temporary PIN by SMS; use it to set a new 5-digit PIN. Never share your PIN or OTP with anyone; our staff will never ask for it.\n\n{agent_name}",
    ),
];

/// The default articles, in display order (positions 10, 20, … leave room in between).
pub(super) fn articles(now: Timestamp) -> Vec<Article> {
    ARTICLES
        .iter()
        .zip((10..).step_by(10))
        .map(
            |(&(slug, tags, title_bn, title_en, body_bn, body_en), position)| Article {
                slug: slug.into(),
                title_bn: title_bn.into(),
                title_en: title_en.into(),
                body_bn: body_bn.into(),
                body_en: body_en.into(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                published: true,
                position,
                updated_at: now,
                updated_by: None,
                version: 1,
            },
        )
        .collect()
}

pub(super) fn canned(now: Timestamp) -> Vec<Canned> {
    CANNED
        .iter()
        .map(|&(code, title_bn, title_en, body_bn, body_en)| Canned {
            code: code.into(),
            title_bn: title_bn.into(),
            title_en: title_en.into(),
            body_bn: body_bn.into(),
            body_en: body_en.into(),
            updated_at: now,
            version: 1,
        })
        .collect()
}
