# Supervisor dashboard and admin pages.

## Charts
chart-no-data = এই সময়ের কোনো তথ্য নেই

## Admin pages
admin-title = প্রশাসন
admin-intro = সারি, বিভাগ, এসএলএ নীতি, ছুটির দিন ও কর্মীদের ব্যবস্থাপনা। এখানে যা বদলাবেন, নতুন কেসে সঙ্গে সঙ্গে তা খাটবে।
admin-errors = ফর্মে কিছু ভুল আছে; ঠিক করে আবার সংরক্ষণ করুন:
admin-saved = সংরক্ষিত হয়েছে: { $what }
admin-edit = বদলান
admin-save = সংরক্ষণ করুন
admin-add-new = নতুন যোগ করুন
admin-choose = বেছে নিন…
admin-code = কোড
admin-code-hint = শুধু a–z, 0–9, _ ও . (৬০ অক্ষর পর্যন্ত); পরে বদলানো যায় না।
admin-name-bn = নাম (বাংলা)
admin-name-en = নাম (ইংরেজি)
admin-date = তারিখ
admin-days = { $n } দিন
admin-hours = { $h } ঘণ্টা
admin-minutes = { $m } মিনিট
admin-hours-minutes = { $h } ঘণ্টা { $m } মিনিট

admin-queues-title = সারি
admin-queues-about = কেস সারিতে অপেক্ষা করে; প্রতিটি বিভাগ তার কেস একটি সারিতে পাঠায়।
admin-queue-add = নতুন সারি
admin-queue-edit = সারি বদলান: { $code }

admin-categories-title = বিভাগ
admin-categories-about = অভিযোগের বিভাগ দুই স্তরের: মূল বিভাগ ও তার উপবিভাগ। প্রতিটি বিভাগ একটি সারিতে যায়।
admin-category-add = নতুন বিভাগ
admin-category-edit = বিভাগ বদলান: { $code }
admin-category-queue = সারি
admin-category-code-hint = শুধু a–z, 0–9, _ ও .; উপবিভাগের কোড মূল বিভাগের কোড ও একটি বিন্দু দিয়ে শুরু হয়, যেমন mfs.cash_out।

admin-sla-title = এসএলএ নীতি
admin-sla-about = প্রতিটি নতুন কেসে সবচেয়ে নির্দিষ্ট নীতিটি খাটে (উপবিভাগ, তারপর মূল বিভাগ, তারপর যেকোনো; অগ্রাধিকার মিললে সেটি)। সময় কর্মঘণ্টায় গোনা হয়; চালু কেসের সময়সীমা বদলায় না।
admin-sla-add = নতুন নীতি
admin-sla-edit = নীতি বদলান: { $id }
admin-sla-id = নীতির আইডি
admin-sla-category = বিভাগ
admin-sla-priority = অগ্রাধিকার
admin-sla-any = যেকোনো
admin-sla-ack = প্রাপ্তি স্বীকার
admin-sla-first-response = প্রথম উত্তর
admin-sla-resolution = সমাধান
admin-sla-ack-minutes = প্রাপ্তি স্বীকার (কর্মঘণ্টার মিনিট)
admin-sla-first-response-minutes = প্রথম উত্তর (কর্মঘণ্টার মিনিট)
admin-sla-resolution-minutes = সমাধান (কর্মঘণ্টার মিনিট)
admin-sla-minutes-hint = কর্মঘণ্টার মিনিটে: ৮ ঘণ্টার এক কর্মদিবস = ৪৮০ মিনিট, ১০ কর্মদিবস = ৪৮০০ মিনিট।
admin-sla-max-days = সর্বোচ্চ দিন (পঞ্জিকা)
admin-sla-max-days-hint = এর বেশি কখনো নয়, ছুটি থাকলেও; বাংলাদেশ ব্যাংকের সীমা ৪৫ দিন।
admin-sla-at-risk = ঝুঁকির সতর্কতা (%)
admin-sla-at-risk-hint = সময়ের এত শতাংশ বাকি থাকতে কেসটি ঝুঁকিতে দেখানো হয় (০–১০০)।
admin-priority-low = কম
admin-priority-normal = সাধারণ
admin-priority-high = বেশি
admin-priority-urgent = জরুরি

admin-holidays-title = সরকারি ছুটি
admin-holidays-about = প্রতি বছরের ছুটি গেজেট অনুযায়ী দিন (ঈদের তারিখ বদলায়)। এসব দিনে এসএলএ-র সময় গোনা হয় না।
admin-holidays-none = এখনো কোনো ছুটি দেওয়া হয়নি।
admin-holidays-set = এক বছরের ছুটি দিন
admin-holidays-year = সাল
admin-holidays-lines = ছুটির তালিকা
admin-holidays-hint = প্রতি লাইনে একটি: তারিখ (YYYY-MM-DD) ও নাম; ইংরেজি নাম আলাদা হলে | দিয়ে, যেমন: ২০২৬-১২-১৬ বিজয় দিবস | Victory Day। বাংলা বা ইংরেজি অঙ্ক দুটোই চলে।
admin-holidays-replace = সংরক্ষণ করলে ওই সালের আগের সব ছুটি এই তালিকা দিয়ে বদলে যাবে; তালিকা খালি রাখলে ওই সালের ছুটি মুছে যাবে।

admin-staff-title = কর্মী
admin-staff-about = কারা লগইন করতে পারেন ও কোন ভূমিকায়। পাসওয়ার্ড কখনো দেখানো হয় না।
admin-staff-add = কর্মী যোগ করুন
admin-username = ব্যবহারকারীর নাম
admin-username-hint = a–z, 0–9, ., _ ও - (৪০ অক্ষর পর্যন্ত); লগইনে লাগবে।
admin-display-name = পুরো নাম
admin-role = ভূমিকা
admin-password = প্রাথমিক পাসওয়ার্ড
admin-password-hint = কমপক্ষে ১২ অক্ষর, ব্যবহারকারীর নাম ছাড়া। নিজে গোপনে কর্মীকে জানান।
admin-state = অবস্থা
admin-state-active = সক্রিয়
admin-state-disabled = নিষ্ক্রিয়
admin-state-locked = সাময়িক বন্ধ

admin-err-required = { $field } দিতে হবে।
admin-err-too-long = { $field } সর্বোচ্চ { $max } অক্ষরের হতে পারে।
admin-err-code = { $field }: শুধু a–z, 0–9, _ ও . ব্যবহার করুন (৬০ অক্ষর পর্যন্ত)।
admin-err-number = { $field }: { $min } থেকে { $max } এর মধ্যে একটি পূর্ণসংখ্যা দিন।
admin-err-choose = { $field }: তালিকা থেকে একটি বেছে নিন।
admin-err-exists = { $code } আগে থেকেই আছে; বদলাতে তালিকায় তার পাশের "বদলান" বেছে নিন।
admin-err-parent = মূল বিভাগ { $parent } নেই; আগে সেটি যোগ করুন।
admin-err-depth = বিভাগ দুই স্তরের: কোডে একটির বেশি বিন্দু চলবে না।
admin-err-line-date = লাইন { $line }: তারিখ YYYY-MM-DD আকারে দিন।
admin-err-line-year = লাইন { $line }: তারিখটি { $year } সালের নয়।
admin-err-line-name = লাইন { $line }: তারিখের পরে ছুটির নাম দিন (১২০ অক্ষর পর্যন্ত)।
admin-err-line-twice = লাইন { $line }: এই তারিখ আগেই একবার আছে।
admin-err-too-many = এক বছরে সর্বোচ্চ { $max }টি ছুটি।
dash-title = সুপারভাইজারের ড্যাশবোর্ড
dash-from = শুরু
dash-to = শেষ
dash-show = দেখান
dash-bad-date = “{ $date }” তারিখটি বোঝা যায়নি (বছর-মাস-দিন লিখুন)
dash-created = নতুন কেস
dash-backlog = চলমান কেস
dash-breached = সময় পেরিয়েছে
dash-sla-met = সময়মতো সমাধান
dash-csat = গ্রাহক সন্তুষ্টি
dash-chart-per-day = দিনে কত কেস, কোন পথে এসেছে
dash-chart-category = ধরন অনুযায়ী কেস
dash-chart-backlog = চলমান কেস কত দিনের পুরোনো
dash-chart-sla = দিনে সময়মতো সমাধানের হার
dash-chart-csat = গ্রাহকের মূল্যায়ন
dash-district = জেলা অনুযায়ী
dash-district-none = কেসের সাথে এখনো জেলা রাখা হয় না; সার্ভিস পয়েন্ট ও ঠিকানার কাজ শেষ হলে এখানে দেখা যাবে।
dash-generated = হিসাব করা হয়েছে { $at } (এক মিনিট পর্যন্ত পুরোনো হতে পারে)
age-lt_1d = ১ দিনের কম
age-1d_3d = ১–৩ দিন
age-3d_7d = ৩–৭ দিন
age-7d_10d = ৭–১০ দিন
age-10d_45d = ১০–৪৫ দিন
age-gt_45d = ৪৫ দিনের বেশি
admin-faq-about = গ্রাহকদের জন্য প্রশ্নোত্তর, বাংলা ও ইংরেজিতে
admin-canned-about = এজেন্টদের তৈরি উত্তর, গ্রাহকের নাম ও কেস নম্বর বসিয়ে
admin-staff-change = ভূমিকা বা অবস্থা বদলান
admin-staff-not-self = নিজের ভূমিকা বদলানো বা নিজের অ্যাকাউন্ট বন্ধ করা যায় না; অন্য একজন অ্যাডমিনকে বলুন।
admin-staff-unknown = এই কর্মীকে পাওয়া যায়নি।
