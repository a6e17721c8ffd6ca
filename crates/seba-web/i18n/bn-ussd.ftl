# seba — ইউএসএসডি লেখা (বাংলা): ডেস্কের ইউএসএসডি সিমুলেটর আর ড্যাশবোর্ডের ইউএসএসডি অংশ

## ডেস্ক: ইউএসএসডি সিমুলেটর
desk-nav-ussd = ইউএসএসডি সিমুলেটর
ussd-sim-title = ইউএসএসডি সিমুলেটর
ussd-sim-intro = গ্রাহক যেভাবে *247# মেনু ব্যবহার করেন, এখানে ঠিক সেভাবে চালিয়ে দেখুন — আসল কলের একই ইঞ্জিন আর তথ্যে। এখানে যা করবেন সবই আসল: অভিযোগ করলে কেস তৈরি হয়, পিন রিসেট ওয়ালেটে কাজ করে, আর সেশনটি ড্যাশবোর্ডে গোনা হয়। ডেমো নম্বর ব্যবহার করুন, যেমন ০১৭০০০০০০০১।
ussd-sim-phone = ফোন
ussd-sim-idle = গ্রাহকের নম্বর দিয়ে { $code } ডায়াল করুন।
ussd-sim-number = গ্রাহকের নম্বর
ussd-sim-input = উত্তর
ussd-sim-send = পাঠান
ussd-sim-dial = { $code } ডায়াল করুন
ussd-sim-new = কল কাটুন / নতুন সেশন
ussd-sim-ended = সেশনটি শেষ হয়েছে।
ussd-sim-raw = গেটওয়ে যা পায়
ussd-sim-session = সেশন { $id }
ussd-sim-bad-session = এটি সিমুলেটরের সেশন নয়। নতুন সেশন শুরু করতে আবার ডায়াল করুন।
ussd-sim-input-long = একটি উত্তরে সর্বোচ্চ { $max }টি অক্ষর দেওয়া যায়।

## ড্যাশবোর্ড: ইউএসএসডি সেশন
dash-ussd-title = ইউএসএসডি সেশন (*247#)
dash-ussd-intro = এই দিনগুলোতে শুরু হওয়া সেশন, প্রতিটি শেষ পর্যন্ত যে মেনুতে পৌঁছেছে সেই অনুযায়ী।
dash-ussd-legend = সম্পন্ন: গ্রাহক যা চেয়েছিলেন তা পেয়েছেন। শেষ: শেষ পর্দায় কাজটি হয়নি (প্রত্যাখ্যান বা কোনো ত্রুটি)। পরিত্যক্ত: গ্রাহক কল কেটেছেন বা সময় পেরিয়ে গেছে।
dash-ussd-none = এই দিনগুলোতে কোনো ইউএসএসডি সেশন শুরু হয়নি।
dash-ussd-menu = মেনু
dash-ussd-started = শুরু
dash-ussd-completed = সম্পন্ন
dash-ussd-ended = শেষ
dash-ussd-abandoned = পরিত্যক্ত
dash-ussd-open = এখনও চলছে
dash-ussd-total = সব মেনু
dash-ussd-chart-menus = মেনু ও ফলাফল অনুযায়ী ইউএসএসডি সেশন
dash-ussd-chart-abandoned = ইউএসএসডি সেশন কোথায় পরিত্যক্ত হয়েছে
dash-ussd-abandoned-steps = যেখানে পরিত্যক্ত
dash-ussd-step = পর্দা
dash-ussd-sessions = সেশন

## মেনু ও তাদের পর্দা
ussd-menu-home = প্রধান মেনু
ussd-menu-language = ভাষা
ussd-menu-pin-reset = পিন রিসেট
ussd-menu-complaint = অভিযোগ
ussd-menu-status = অভিযোগের খবর
ussd-menu-centres = কাছের কেন্দ্র
ussd-step-home-home = প্রধান মেনু
ussd-step-language-choose = ভাষা বাছাই
ussd-step-pin-reset-nid = এনআইডি নম্বর
ussd-step-pin-reset-date-of-birth = জন্মতারিখ
ussd-step-pin-reset-transaction = সাম্প্রতিক লেনদেন
ussd-step-pin-reset-temporary-pin = অস্থায়ী পিন
ussd-step-pin-reset-new-pin = নতুন পিন
ussd-step-pin-reset-new-pin-again = নতুন পিন আবার
ussd-step-complaint-domain = বিষয়
ussd-step-complaint-category = সমস্যা
ussd-step-complaint-description = বিবরণ
ussd-step-status-case-number = কেস নম্বর
ussd-step-centres-division = বিভাগ
ussd-step-centres-district = জেলা
ussd-step-centres-upazila = উপজেলা
ussd-step-centres-list = কেন্দ্রের তালিকা
ussd-sim-not-a-test-number = এই নম্বরটি সিমুলেটরের পরীক্ষার নম্বর নয় (ussd.simulator_numbers)। সিমুলেটর কোনো আসল গ্রাহকের নামে অভিযোগ বা পিন রিসেট করতে পারে না।
