# Help pages: FAQ articles and the satisfaction rating.
page-failed = Something went wrong
nav-help = Help and FAQ
help-title = Frequently asked questions
help-search-label = Type your question
help-search-placeholder = e.g. forgot my PIN, money sent to a wrong number
help-search-go = Find answers
help-found = { $count ->
    [one] 1 answer found
   *[other] { $count } answers found
}
help-nothing = No answer found for that. File a complaint or call the hotline.
help-missing = Article not found
help-back = All questions
help-still = Still need help?
rate-title = How satisfied are you with the resolution?
rate-question = Choose one from 1 to 5
rate-1 = Very unhappy
rate-2 = Unhappy
rate-3 = Neither
rate-4 = Happy
rate-5 = Very happy
rate-comment = Anything to add? (optional)
rate-send = Send feedback
rate-thanks = Thank you for your feedback.
rate-given = You rated this resolution { $score } out of 5. Thank you.
content-faq-title = FAQ articles
content-canned-title = Canned responses
content-new = Add new
content-edit = Edit
content-slug = Address (slug)
content-code = Code
content-key-hint = lower-case letters, digits and hyphens only; cannot be changed later
content-title-bn = Title (Bengali)
content-title-en = Title (English)
content-body-bn = Text (Bengali)
content-body-en = Text (English)
content-tags = Tags (comma-separated)
content-position = Order (lower first)
content-published = Customers can see it
content-placeholders = Placeholders: {"{"}customer_name{"}"}, {"{"}case_number{"}"}, {"{"}agent_name{"}"}, {"{"}hotline{"}"}, {"{"}due_date{"}"}
content-delete = Delete
content-see-public = As customers see it
content-stale = Someone else changed this after you opened it. Open it again and redo your changes.
content-exists = That address or code is taken; choose another.
content-missing = Not found
content-bad-position = The order must be a whole number
