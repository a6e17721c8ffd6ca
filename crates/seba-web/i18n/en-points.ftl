# Service points: the admin list and editor.

points-title = Service points
points-about = Customer-care centres, agent points, pop-up desks, G2P points and drop boxes: add, edit, close and reopen.
points-new = Add a service point
points-edit = Edit service point
points-missing = No such service point
points-errors = Some fields need correcting before this point can be saved:
points-stale = Someone else saved this point since you opened it. Open it again to see their changes, then make yours.
points-save = Save
points-choose = Choose…
points-any = Any
points-filter = Show
points-show-closed = Include closed points
points-count = Points shown:
points-col-name = Name
points-col-state = State
points-state-open = Open
points-state-closed = Closed
points-done-saved = The service point was saved.
points-done-closed = The service point was closed.
points-done-reopened = The service point was reopened.
points-close = Close this point
points-close-reason = Why is it closing? (kept in the audit trail)
points-reopen-short = Reopen
points-reopen = Reopen this point

points-field-kind = Kind
points-field-name_bn = Name (Bengali)
points-field-name_en = Name (English)
points-field-address_bn = Address (Bengali)
points-field-address_en = Address (English)
points-field-district = District
points-field-upazila = Upazila
points-field-lat = Latitude
points-field-lon = Longitude
points-field-phone = Phone
points-field-services = Services
points-field-hours = Opening hours
points-field-notice_bn = Notice (Bengali)
points-field-notice_en = Notice (English)
points-field-active_from = Active from
points-field-active_to = Active until

points-upazila-hint = The upazila's name in Bengali or English, or leave it blank.
points-coord-hint = Decimal degrees, such as 23.7509 and 90.3935; Bengali digits are fine. They must lie in the district chosen.
points-hours-hint = In OpenStreetMap's opening_hours form; PH means a public holiday. For example:
points-dates-hint = Dates like 2027-01-31. A pop-up desk needs both; other points may leave them blank.
