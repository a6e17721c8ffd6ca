# seba — customer portal texts (English)
site-name = seba
site-tagline = Customer care and complaint resolution
lang-switch = বাংলা
lang-switch-label = বাংলায় দেখুন
home-title = Your complaint is our responsibility
home-intro = Money sent to a wrong number, a locked PIN, a cash-out problem, or cheated by an online shop? Tell us: you get a case number, and every step reaches you by SMS.
hotline-title = Hotline
hotline-body = { $number } — 24 hours a day, holidays included.
footer-note = Never tell anyone your PIN or OTP — seba's staff will never ask for it.
