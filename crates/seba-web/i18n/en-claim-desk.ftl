# The e-commerce complaint cell's desk pages (claims, batch forward, import, merchant
# registry) and the merchant portal's pages.

desk-nav-claims = Claims

## Claim fields
cd-field-claimant-msisdn = Claimant's mobile
cd-field-claimant-name = Claimant's name
cd-field-district = District
cd-field-merchant = Merchant
cd-field-order-id = Order id
cd-field-order-date = Order date
cd-field-product = Product
cd-field-amount-paid = Amount paid
cd-field-payment-method = Payment method
cd-field-gateway = Gateway
cd-field-delivery = Delivery
cd-field-amount-refunded = Amount refunded
cd-field-row = Row
cd-field-amount = Amount (taka)
cd-field-paid-on = Date paid
cd-field-channel = Paid back by
cd-field-reference = Reference
cd-field-note = Note
cd-field-file = File

## Columns
cd-col-number = Claim
cd-col-merchant = Merchant
cd-col-claimant = Claimant
cd-col-district = District
cd-col-order = Order id
cd-col-order-date = Order date
cd-col-product = Product
cd-col-paid = Paid
cd-col-refunded = Refunded
cd-col-outstanding = Outstanding
cd-col-method = Paid by
cd-col-delivery = Delivery
cd-col-filings = Filings
cd-col-stage = Stage
cd-col-delivery-due = Delivery due
cd-col-refund-due = Refund due
cd-col-sent = Sent to the merchant
cd-col-answered = Merchant answered

## The list
cd-list-title = Claims
cd-any-stage = Any stage
cd-any-merchant = Any merchant
cd-filter = Show
cd-empty = No claims in this list.
cd-older = Older claims
cd-unknown-stage = Unknown stage.
cd-unknown-merchant = Unknown merchant.
cd-bad-number = That is not a case number.
cd-missing = Claim not found
cd-back = Back to the claims
cd-refused = That was not done:

## A claim
cd-claim-title = Claim { $number }
cd-open-case = Open the case
cd-case-status = Case
cd-done-moved = The claim has moved on; the claimant is told by SMS.
cd-done-refund = The refund is recorded; the claimant is told by SMS.
cd-missed = Deadlines missed
cd-missed-none = No deadline missed.
cd-missed-due = (due { $time })
cd-refunds = Refunds
cd-refunds-none = No refund recorded yet.
cd-recorded = Recorded
cd-move-title = Next step
cd-no-moves = The cell has no step to take from this stage.
cd-move-to = Move the claim to
cd-move-verified = Verified (the claim checks out)
cd-move-forwarded = Forwarded to the merchant
cd-move-merchant-responded = The merchant answered (by letter or phone)
cd-move-escalated = Escalated to the authority
cd-move-closed = Closed
cd-move-note = Note on the case (optional)
cd-move = Move
cd-choose-move = Choose a step.
cd-note-long = The note is longer than 2,000 characters.
cd-refund-title = Record a refund
cd-amount-hint = For example 25,000 or ২৫,০০০
cd-record-refund = Record the refund
cd-not-a-date = Not a date (for example 2026-11-20 or 20/11/2026).

## The batch forward
cd-forward-title = Forward to a merchant
cd-forward-intro = Every verified claim of one merchant goes to the merchant in one step. Download the batch as CSV to send with the letter.
cd-choose-merchant = Choose a merchant.
cd-show = Show
cd-forward-none = This merchant has no verified claims waiting.
cd-forward-count = { $count ->
    [one] 1 verified claim is ready to forward.
   *[other] { $count } verified claims are ready to forward.
}
cd-forward-csv = Download the batch (CSV)
cd-forward-all = { $count ->
    [one] Forward 1 claim to the merchant
   *[other] Forward all { $count } claims to the merchant
}
cd-forwarded = { $count ->
    [one] 1 claim forwarded.
   *[other] { $count } claims forwarded.
}
cd-forwarded-csv = Download the forwarded claims (CSV)

## Import
cd-import-title = Import claims
cd-import-intro = A CSV file (UTF-8) with these columns; Bengali headers are accepted too. Rows already imported are skipped, so the same file twice adds nothing.
cd-import-file = CSV file
cd-import = Import
cd-file-missing = Choose a file.
cd-file-too-large = The file is too large.
cd-file-unreadable = The form could not be read; try again.
cd-report = What the import did
cd-report-rows = Rows
cd-report-added = New claims
cd-report-added-to = Added to claims already there
cd-report-already = Already imported
cd-report-new-merchants = New merchants (to review)
cd-report-bad = Rows refused
cd-report-bad-rows = Rows refused, by line
cd-line = Line
cd-line-n = Line { $line }
cd-problems = Problems

## Merchants
cd-merchants-title = Merchants
cd-merchants-none = No merchants in the registry yet.
cd-s-claims = Claims
cd-s-victims = Victims
cd-s-open = Open
cd-s-oldest = Oldest open claim
cd-s-delivery-missed = Delivery deadlines missed
cd-s-refund-missed = Refund deadlines missed
cd-m-new = Add a merchant
cd-m-trade-bn = Trade name (Bengali)
cd-m-trade-en = Trade name (English)
cd-m-legal-bn = Legal name (Bengali)
cd-m-legal-en = Legal name (English)
cd-m-aliases = Other names
cd-m-web = Web addresses
cd-m-list-hint = One a line, or separated by commas.
cd-m-licence = Trade licence
cd-m-district = Based in
cd-m-status = Status
cd-m-add = Add the merchant
cd-m-added = The merchant is added to the registry.
cd-m-name-missing = Give at least one name.
cd-m-district-unknown = No district by that name.
cd-m-status-unknown = Unknown status.
cd-district-unknown = Not known
cd-u-title = Merchant portal users
cd-u-intro = A user logs in at the staff login and sees only this merchant's claims, with the claimants' numbers masked. They answer claims, record refunds and send proof.
cd-u-display-name = Name
cd-u-password-hint = Leave empty for a generated password. At least 12 characters, not containing the username.
cd-u-add = Add the user
cd-u-made = { $username } can now log in.
cd-u-password-once = Their password, shown only this once:

## The merchant portal
mp-title = Merchant portal
mp-intro = The claims customers filed against your business. Answer each, record the refunds you pay, and send proof.
mp-done-answered = Your answer is sent to the complaint cell.
mp-done-proof = Your proof is sent to the complaint cell.
mp-answer-title = Your answer
mp-answer = What happened to this order, and when will the customer be paid back?
mp-send-answer = Send the answer
mp-answer-length = Write an answer of 5 to 2,000 characters.
mp-proof-title = Send proof
mp-proof-intro = A receipt, a courier slip or a bank statement: one image or PDF.
mp-proof-file = File
mp-proof-hint = An image or a PDF, at most { $size } MB.
mp-proof-note = Note (optional)
mp-send-proof = Send the proof
mp-proof-type = Only an image or a PDF can be sent.
mp-proof-content = The file is not what its type says; send another.
