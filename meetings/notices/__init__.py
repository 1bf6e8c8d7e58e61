"""The mail Wekker sends, read from the database, claimed, then sent.

- `dispatch` runs a pass: plan what is due (each kind of notice says what it owes from the
  state of the database), claim it under the unique constraints of `Delivery`, send it.
- `kinds` is what every kind of notice answers; `schedule` the times they fall due.
- `meeting_notices` (reminders, updates, cancellations), `digest` (the Monday digest of
  actions), `minutes` (minutes sent, minutes missing) are the kinds; `mail` writes a message.
"""
