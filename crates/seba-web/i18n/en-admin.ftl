# Supervisor dashboard and admin pages.

## Charts
chart-no-data = No data for this period

## Admin pages
admin-title = Administration
admin-intro = Queues, categories, SLA policies, public holidays and staff. What you change here applies to new cases at once.
admin-errors = Some fields need correcting before this can be saved:
admin-saved = Saved: { $what }
admin-edit = Edit
admin-save = Save
admin-add-new = Add a new one instead
admin-choose = Choose…
admin-code = Code
admin-code-hint = Only a–z, 0–9, _ and . (up to 60); it cannot be changed later.
admin-name-bn = Name (Bengali)
admin-name-en = Name (English)
admin-date = Date
admin-days = { $count ->
    [one] { $n } day
   *[other] { $n } days
}
admin-hours = { $h } h
admin-minutes = { $m } min
admin-hours-minutes = { $h } h { $m } min

admin-queues-title = Queues
admin-queues-about = Cases wait in queues; every category sends its cases to one queue.
admin-queue-add = New queue
admin-queue-edit = Edit queue { $code }
admin-categories-title = Categories
admin-categories-about = Complaint categories have two levels: a category and its sub-categories. Each one sends its cases to a queue.
admin-category-add = New category
admin-category-edit = Edit category { $code }
admin-category-queue = Queue
admin-category-code-hint = Only a–z, 0–9, _ and .; a sub-category's code is its parent's code, a dot and its own part, such as mfs.cash_out.

admin-sla-title = SLA policies
admin-sla-about = Each new case gets the most specific policy (sub-category, then its parent, then any; a matching priority breaks ties). Times count business hours; open cases keep the deadlines they were given.
admin-sla-add = New policy
admin-sla-edit = Edit policy { $id }
admin-sla-id = Policy id
admin-sla-category = Category
admin-sla-priority = Priority
admin-sla-any = Any
admin-sla-ack = Acknowledge
admin-sla-first-response = First response
admin-sla-resolution = Resolution
admin-sla-ack-minutes = Acknowledge within (business minutes)
admin-sla-first-response-minutes = First response within (business minutes)
admin-sla-resolution-minutes = Resolve within (business minutes)
admin-sla-minutes-hint = In business minutes: one 8-hour business day is 480, ten business days are 4800.
admin-sla-max-days = At most (calendar days)
admin-sla-max-days-hint = Never longer than this, holidays or not; Bangladesh Bank's limit is 45 days.
admin-sla-at-risk = At-risk warning (%)
admin-sla-at-risk-hint = A case shows as at risk when this share of its time is left (0–100).
admin-priority-low = Low
admin-priority-normal = Normal
admin-priority-high = High
admin-priority-urgent = Urgent

admin-holidays-title = Public holidays
admin-holidays-about = Set each year's holidays as gazetted (Eid dates move). SLA clocks do not run on these days.
admin-holidays-none = No holidays have been set yet.
admin-holidays-set = Set a year's holidays
admin-holidays-year = Year
admin-holidays-lines = Holidays
admin-holidays-hint = One a line: the date (YYYY-MM-DD) and the name; an English name after a |, as in: 2026-12-16 বিজয় দিবস | Victory Day. Bengali or ASCII digits both work.
admin-holidays-replace = Saving replaces all of that year's holidays with this list; an empty list clears the year.

admin-staff-title = Staff
admin-staff-about = Who may log in, and in which role. Passwords are never shown.
admin-staff-add = Add a staff member
admin-username = Username
admin-username-hint = a–z, 0–9, ., _ and - (up to 40); used to log in.
admin-display-name = Full name
admin-role = Role
admin-password = Initial password
admin-password-hint = At least 12 characters, without the username. Tell it to the person privately.
admin-state = State
admin-state-active = Active
admin-state-disabled = Disabled
admin-state-locked = Locked for now

admin-err-required = { $field } is required.
admin-err-too-long = { $field } may be at most { $max } characters.
admin-err-code = { $field }: use only a–z, 0–9, _ and . (up to 60 characters).
admin-err-number = { $field }: give a whole number from { $min } to { $max }.
admin-err-choose = { $field }: choose one from the list.
admin-err-exists = { $code } already exists; to change it, choose "Edit" next to it in the list.
admin-err-parent = There is no parent category { $parent }; add it first.
admin-err-depth = Categories have two levels: a code may hold at most one dot.
admin-err-line-date = Line { $line }: write the date as YYYY-MM-DD.
admin-err-line-year = Line { $line }: the date is not in { $year }.
admin-err-line-name = Line { $line }: give the holiday's name after the date (up to 120 characters).
admin-err-line-twice = Line { $line }: this date is already listed.
admin-err-too-many = At most { $max } holidays a year.
dash-title = Supervisor dashboard
dash-from = From
dash-to = To
dash-show = Show
dash-bad-date = “{ $date }” is not a date (write year-month-day)
dash-created = New cases
dash-backlog = Open backlog
dash-breached = Breached
dash-sla-met = Resolved on time
dash-csat = Customer satisfaction
dash-chart-per-day = Cases per day, by channel
dash-chart-category = Cases by category
dash-chart-backlog = Open cases by age
dash-chart-sla = Resolved on time, per day
dash-chart-csat = Customer ratings
dash-district = By district
dash-district-none = Cases do not record a district yet; this chart arrives with service points and addresses.
dash-generated = Counted at { $at } (up to a minute old)
age-lt_1d = Under 1 day
age-1d_3d = 1–3 days
age-3d_7d = 3–7 days
age-7d_10d = 7–10 days
age-10d_45d = 10–45 days
age-gt_45d = Over 45 days
admin-faq-about = Help articles for customers, in Bengali and English
admin-canned-about = Agents' reply templates, filled with the customer's name and case number
admin-staff-change = Change role or state
admin-staff-not-self = You cannot change your own role or disable your own account; ask another admin.
admin-staff-unknown = No such staff member.
