# ই-কমার্স অভিযোগ সেলের ডেস্কের পাতা (দাবি, একসাথে পাঠানো, ইমপোর্ট, মার্চেন্ট তালিকা) এবং
# মার্চেন্ট পোর্টালের পাতা।

desk-nav-claims = দাবি

## দাবির ঘর
cd-field-claimant-msisdn = দাবিদারের মোবাইল
cd-field-claimant-name = দাবিদারের নাম
cd-field-district = জেলা
cd-field-merchant = বিক্রেতা
cd-field-order-id = অর্ডার নম্বর
cd-field-order-date = অর্ডারের তারিখ
cd-field-product = পণ্য
cd-field-amount-paid = পরিশোধিত টাকা
cd-field-payment-method = পরিশোধের মাধ্যম
cd-field-gateway = গেটওয়ে
cd-field-delivery = ডেলিভারি
cd-field-amount-refunded = ফেরত পাওয়া টাকা
cd-field-row = সারি
cd-field-amount = টাকার অঙ্ক
cd-field-paid-on = ফেরতের তারিখ
cd-field-channel = যে মাধ্যমে ফেরত
cd-field-reference = রেফারেন্স
cd-field-note = নোট
cd-field-file = ফাইল

## কলাম
cd-col-number = দাবি
cd-col-merchant = বিক্রেতা
cd-col-claimant = দাবিদার
cd-col-district = জেলা
cd-col-order = অর্ডার নম্বর
cd-col-order-date = অর্ডারের তারিখ
cd-col-product = পণ্য
cd-col-paid = পরিশোধ
cd-col-refunded = ফেরত
cd-col-outstanding = বাকি
cd-col-method = পরিশোধের মাধ্যম
cd-col-delivery = ডেলিভারি
cd-col-filings = দাখিল
cd-col-stage = ধাপ
cd-col-delivery-due = ডেলিভারির শেষ সময়
cd-col-refund-due = ফেরতের শেষ সময়
cd-col-sent = বিক্রেতার কাছে পাঠানো
cd-col-answered = বিক্রেতার উত্তর

## তালিকা
cd-list-title = দাবি
cd-any-stage = যেকোনো ধাপ
cd-any-merchant = যেকোনো বিক্রেতা
cd-filter = দেখুন
cd-empty = এই তালিকায় কোনো দাবি নেই।
cd-older = আগের দাবি
cd-unknown-stage = অজানা ধাপ।
cd-unknown-merchant = অজানা বিক্রেতা।
cd-bad-number = এটি কেস নম্বর নয়।
cd-missing = দাবিটি পাওয়া যায়নি
cd-back = দাবির তালিকায় ফিরুন
cd-refused = করা হয়নি:

## একটি দাবি
cd-claim-title = দাবি { $number }
cd-open-case = কেসটি খুলুন
cd-case-status = কেস
cd-done-moved = দাবিটি পরের ধাপে গেছে; দাবিদারকে এসএমএসে জানানো হয়েছে।
cd-done-refund = টাকা ফেরত লেখা হয়েছে; দাবিদারকে এসএমএসে জানানো হয়েছে।
cd-missed = পেরিয়ে যাওয়া সময়সীমা
cd-missed-none = কোনো সময়সীমা পেরোয়নি।
cd-missed-due = (শেষ সময় { $time })
cd-refunds = টাকা ফেরত
cd-refunds-none = এখনো কোনো ফেরত লেখা হয়নি।
cd-recorded = লেখা হয়েছে
cd-move-title = পরের ধাপ
cd-no-moves = এই ধাপ থেকে সেলের নেওয়ার মতো কোনো ধাপ নেই।
cd-move-to = দাবিটি নিন
cd-move-verified = যাচাই হয়েছে (দাবিটি ঠিক আছে)
cd-move-forwarded = বিক্রেতার কাছে পাঠানো হয়েছে
cd-move-merchant-responded = বিক্রেতা উত্তর দিয়েছে (চিঠি বা ফোনে)
cd-move-escalated = কর্তৃপক্ষের কাছে পাঠানো হয়েছে
cd-move-closed = বন্ধ
cd-move-note = কেসে নোট (ইচ্ছা হলে)
cd-move = এগিয়ে নিন
cd-choose-move = একটি ধাপ বেছে নিন।
cd-note-long = নোট ২,০০০ অক্ষরের বেশি।
cd-refund-title = টাকা ফেরত লিখুন
cd-amount-hint = যেমন ২৫,০০০ বা 25,000
cd-record-refund = ফেরত লিখুন
cd-not-a-date = তারিখটি বোঝা যায়নি (যেমন ২০/১১/২০২৬ বা 2026-11-20)।

## একসাথে পাঠানো
cd-forward-title = বিক্রেতার কাছে পাঠান
cd-forward-intro = একজন বিক্রেতার সব যাচাই করা দাবি এক ধাপে বিক্রেতার কাছে যায়। চিঠির সাথে পাঠাতে তালিকাটি CSV হিসেবে নামিয়ে নিন।
cd-choose-merchant = একজন বিক্রেতা বেছে নিন।
cd-show = দেখুন
cd-forward-none = এই বিক্রেতার কোনো যাচাই করা দাবি অপেক্ষায় নেই।
cd-forward-count = { $count }টি যাচাই করা দাবি পাঠানোর জন্য তৈরি।
cd-forward-csv = তালিকাটি নামান (CSV)
cd-forward-all = { $count }টি দাবিই বিক্রেতার কাছে পাঠান
cd-forwarded = { $count }টি দাবি পাঠানো হয়েছে।
cd-forwarded-csv = পাঠানো দাবিগুলো নামান (CSV)

## ইমপোর্ট
cd-import-title = দাবি ইমপোর্ট
cd-import-intro = এই কলামগুলোসহ একটি CSV ফাইল (UTF-8); বাংলা শিরোনামও চলে। আগে ইমপোর্ট হওয়া সারি বাদ যায়, তাই একই ফাইল দুবার দিলে কিছু যোগ হয় না।
cd-import-file = CSV ফাইল
cd-import = ইমপোর্ট করুন
cd-file-missing = একটি ফাইল বেছে নিন।
cd-file-too-large = ফাইলটি খুব বড়।
cd-file-unreadable = ফর্মটি পড়া যায়নি; আবার চেষ্টা করুন।
cd-report = ইমপোর্টের ফল
cd-report-rows = সারি
cd-report-added = নতুন দাবি
cd-report-added-to = আগের দাবিতে যোগ হয়েছে
cd-report-already = আগেই ইমপোর্ট হয়েছে
cd-report-new-merchants = নতুন বিক্রেতা (যাচাই বাকি)
cd-report-bad = বাতিল সারি
cd-report-bad-rows = বাতিল সারি, লাইন অনুযায়ী
cd-line = লাইন
cd-line-n = লাইন { $line }
cd-problems = সমস্যা

## বিক্রেতা
cd-merchants-title = বিক্রেতা
cd-merchants-none = তালিকায় এখনো কোনো বিক্রেতা নেই।
cd-s-claims = দাবি
cd-s-victims = ভুক্তভোগী
cd-s-open = চলমান
cd-s-oldest = সবচেয়ে পুরোনো চলমান দাবি
cd-s-delivery-missed = ডেলিভারির সময়সীমা পেরিয়েছে
cd-s-refund-missed = ফেরতের সময়সীমা পেরিয়েছে
cd-m-new = বিক্রেতা যোগ করুন
cd-m-trade-bn = ব্যবসার নাম (বাংলা)
cd-m-trade-en = ব্যবসার নাম (ইংরেজি)
cd-m-legal-bn = আইনি নাম (বাংলা)
cd-m-legal-en = আইনি নাম (ইংরেজি)
cd-m-aliases = অন্য নাম
cd-m-web = ওয়েব ঠিকানা
cd-m-list-hint = প্রতি লাইনে একটি, বা কমা দিয়ে আলাদা করে।
cd-m-licence = ট্রেড লাইসেন্স
cd-m-district = যে জেলায়
cd-m-status = অবস্থা
cd-m-add = বিক্রেতা যোগ করুন
cd-m-added = বিক্রেতা তালিকায় যোগ হয়েছে।
cd-m-name-missing = অন্তত একটি নাম দিন।
cd-m-district-unknown = এই নামে কোনো জেলা নেই।
cd-m-status-unknown = অজানা অবস্থা।
cd-district-unknown = জানা নেই
cd-u-title = মার্চেন্ট পোর্টালের ব্যবহারকারী
cd-u-intro = ব্যবহারকারী কর্মীদের লগইন পাতায় লগইন করে শুধু এই বিক্রেতার দাবি দেখেন, দাবিদারের নম্বর আংশিক লুকানো থাকে। তাঁরা দাবির উত্তর দেন, টাকা ফেরত লেখেন ও প্রমাণ পাঠান।
cd-u-display-name = নাম
cd-u-password-hint = খালি রাখলে একটি পাসওয়ার্ড তৈরি হবে। কমপক্ষে ১২ অক্ষর, ইউজারনেম ছাড়া।
cd-u-add = ব্যবহারকারী যোগ করুন
cd-u-made = { $username } এখন লগইন করতে পারবেন।
cd-u-password-once = তাঁর পাসওয়ার্ড, শুধু এই একবার দেখানো হচ্ছে:

## মার্চেন্ট পোর্টাল
mp-title = মার্চেন্ট পোর্টাল
mp-intro = গ্রাহকেরা আপনার প্রতিষ্ঠানের বিরুদ্ধে যে দাবি করেছেন। প্রতিটির উত্তর দিন, যে টাকা ফেরত দেন তা লিখুন, প্রমাণ পাঠান।
mp-done-answered = আপনার উত্তর অভিযোগ সেলে পাঠানো হয়েছে।
mp-done-proof = আপনার প্রমাণ অভিযোগ সেলে পাঠানো হয়েছে।
mp-answer-title = আপনার উত্তর
mp-answer = এই অর্ডারের কী হয়েছে, আর গ্রাহক কবে টাকা ফেরত পাবেন?
mp-send-answer = উত্তর পাঠান
mp-answer-length = উত্তর ৫ থেকে ২,০০০ অক্ষরের মধ্যে লিখুন।
mp-proof-title = প্রমাণ পাঠান
mp-proof-intro = রসিদ, কুরিয়ার স্লিপ বা ব্যাংক স্টেটমেন্ট: একটি ছবি বা PDF।
mp-proof-file = ফাইল
mp-proof-hint = ছবি বা PDF, সর্বোচ্চ { $size } মেগাবাইট।
mp-proof-note = নোট (ইচ্ছা হলে)
mp-send-proof = প্রমাণ পাঠান
mp-proof-type = শুধু ছবি বা PDF পাঠানো যায়।
mp-proof-content = ফাইলটি তার ধরনের সাথে মেলে না; অন্য ফাইল পাঠান।
