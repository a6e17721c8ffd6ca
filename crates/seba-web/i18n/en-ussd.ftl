# seba — USSD texts (English): the desk's USSD simulator and the dashboard's USSD panel

## The desk: the USSD simulator
desk-nav-ussd = USSD simulator
ussd-sim-title = USSD simulator
ussd-sim-intro = Try the *247# menus as a caller would, on the same engine and data as real calls. Everything done here is real: a complaint filed becomes a case, a PIN reset works on the wallet, and the session is counted on the dashboard. Use a demo number such as 01700000001.
ussd-sim-phone = Phone
ussd-sim-idle = Enter the caller's number and dial { $code }.
ussd-sim-number = Caller's number
ussd-sim-input = Answer
ussd-sim-send = Send
ussd-sim-dial = Dial { $code }
ussd-sim-new = Hang up / new session
ussd-sim-ended = The session has ended.
ussd-sim-raw = What the gateway receives
ussd-sim-session = Session { $id }
ussd-sim-bad-session = That is not a simulator session. Dial again to start a new one.
ussd-sim-input-long = An answer can be at most { $max } characters.

## The dashboard: USSD sessions
dash-ussd-title = USSD sessions (*247#)
dash-ussd-intro = Sessions started in these days, by the menu each one reached last.
dash-ussd-legend = Completed: the caller got what they came for. Ended: a last screen that did not do it (a refusal or an error). Abandoned: the caller hung up or the session timed out.
dash-ussd-none = No USSD sessions were started in these days.
dash-ussd-menu = Menu
dash-ussd-started = Started
dash-ussd-completed = Completed
dash-ussd-ended = Ended
dash-ussd-abandoned = Abandoned
dash-ussd-open = Still open
dash-ussd-total = All menus
dash-ussd-chart-menus = USSD sessions by menu and outcome
dash-ussd-chart-abandoned = Where USSD sessions were abandoned
dash-ussd-abandoned-steps = Abandoned at
dash-ussd-step = Screen
dash-ussd-sessions = Sessions

## The menus and their screens
ussd-menu-home = Main menu
ussd-menu-language = Language
ussd-menu-pin-reset = PIN reset
ussd-menu-complaint = Complaint
ussd-menu-status = Complaint status
ussd-menu-centres = Nearest centre
ussd-step-home-home = Main menu
ussd-step-language-choose = Choosing a language
ussd-step-pin-reset-nid = NID number
ussd-step-pin-reset-date-of-birth = Date of birth
ussd-step-pin-reset-transaction = Recent transaction
ussd-step-pin-reset-temporary-pin = Temporary PIN
ussd-step-pin-reset-new-pin = New PIN
ussd-step-pin-reset-new-pin-again = New PIN again
ussd-step-complaint-domain = Subject
ussd-step-complaint-category = Problem
ussd-step-complaint-description = Description
ussd-step-status-case-number = Case number
ussd-step-centres-division = Division
ussd-step-centres-district = District
ussd-step-centres-upazila = Upazila
ussd-step-centres-list = List of centres
ussd-sim-not-a-test-number = That number is not one of the simulator's test numbers (ussd.simulator_numbers): the simulator cannot file a complaint or reset a PIN as a real customer.
