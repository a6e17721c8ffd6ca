# সেবা কেন্দ্র: অ্যাডমিনের তালিকা ও সম্পাদনা।

points-title = সেবা কেন্দ্র
points-about = কাস্টমার কেয়ার সেন্টার, এজেন্ট পয়েন্ট, অস্থায়ী বুথ, সরকারি ভাতা সেবা কেন্দ্র ও অভিযোগ বাক্স: যোগ, সম্পাদনা, বন্ধ ও আবার চালু করুন।
points-new = নতুন সেবা কেন্দ্র যোগ করুন
points-edit = সেবা কেন্দ্র সম্পাদনা
points-missing = এমন কোনো সেবা কেন্দ্র নেই
points-errors = সংরক্ষণের আগে কিছু ঘর ঠিক করতে হবে:
points-stale = আপনি খোলার পরে অন্য কেউ এই কেন্দ্রটি সংরক্ষণ করেছেন। তাঁদের পরিবর্তন দেখতে আবার খুলুন, তারপর আপনার পরিবর্তন করুন।
points-save = সংরক্ষণ করুন
points-choose = বেছে নিন…
points-any = যেকোনো
points-filter = দেখান
points-show-closed = বন্ধ কেন্দ্রগুলোও দেখান
points-count = দেখানো কেন্দ্র:
points-col-name = নাম
points-col-state = অবস্থা
points-state-open = চালু
points-state-closed = বন্ধ
points-done-saved = সেবা কেন্দ্রটি সংরক্ষণ করা হয়েছে।
points-done-closed = সেবা কেন্দ্রটি বন্ধ করা হয়েছে।
points-done-reopened = সেবা কেন্দ্রটি আবার চালু করা হয়েছে।
points-close = এই কেন্দ্রটি বন্ধ করুন
points-close-reason = কেন বন্ধ হচ্ছে? (অডিট রেকর্ডে থাকবে)
points-reopen-short = আবার চালু করুন
points-reopen = এই কেন্দ্রটি আবার চালু করুন

points-field-kind = ধরন
points-field-name_bn = নাম (বাংলা)
points-field-name_en = নাম (ইংরেজি)
points-field-address_bn = ঠিকানা (বাংলা)
points-field-address_en = ঠিকানা (ইংরেজি)
points-field-district = জেলা
points-field-upazila = উপজেলা
points-field-lat = অক্ষাংশ
points-field-lon = দ্রাঘিমাংশ
points-field-phone = ফোন
points-field-services = সেবাসমূহ
points-field-hours = খোলার সময়
points-field-notice_bn = নোটিশ (বাংলা)
points-field-notice_en = নোটিশ (ইংরেজি)
points-field-active_from = চালু হওয়ার তারিখ
points-field-active_to = শেষ তারিখ

points-upazila-hint = উপজেলার নাম বাংলায় বা ইংরেজিতে লিখুন, অথবা খালি রাখুন।
points-coord-hint = দশমিক ডিগ্রিতে, যেমন ২৩.৭৫০৯ ও ৯০.৩৯৩৫; বাংলা অঙ্কেও লেখা যায়। অবস্থানটি বেছে নেওয়া জেলার ভেতরে হতে হবে।
points-hours-hint = OpenStreetMap-এর opening_hours রীতিতে লিখুন; PH মানে সরকারি ছুটির দিন। যেমন:
points-dates-hint = তারিখ এভাবে লিখুন: 2027-01-31। অস্থায়ী বুথের দুটি তারিখই লাগবে; অন্য কেন্দ্রের জন্য খালি রাখা যায়।
