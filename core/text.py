"""How much free text staff may type in each kind of field (issue 10, item 6).

Every TextField declares one of these as its max_length (ModelForms and the admin then
refuse more) and every form field for it the same: a note is read by everyone who opens
the case, so it is a note, not a document (documents are uploaded)."""

# A follow-up's notes, the Legal Unit's notes on a referral, a notification's message.
NOTE_MAX_CHARS = 4000
# Why a status changed: a closure, a hold, a cancellation, a reversal, a return.
REASON_MAX_CHARS = 1000
