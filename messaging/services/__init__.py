"""Writes of messaging, by area. Each write takes keyword arguments and writes its audit entry and
journey event in the same transaction:

- ``outbox``: ``queue_message``, the one way anything sends a patient a message, and the small API
  other apps use (``queue_from_template``, ``contact_channel``, ``after_quiet_hours``);
- ``reminders``: messaging settings, message templates, reminder plans, the reminder scheduler and
  the patient's answer to a reminder;
- ``notices``: the emails scheduling's signals ask for: booking, new time and cancellation, waitlist
  offers, the link that confirms an online booking;
- ``inbound``: a patient's text to the practice (STOP, START, C, R, or a question for the inbox);
- ``inbox``: the front desk's replies, done/open, linking a number to a patient, audited reading;
- ``recall``: recall dates, recall and reactivation messages, the thank-you after a visit;
- ``running_late``: marking a provider late and telling their later patients.

Not here: sending what the outbox holds is the delivery worker's (``messaging/delivery.py``, whose
path is also the ``EMAIL_BACKEND`` setting's value), and background jobs are in ``messaging/tasks.py``
and ``messaging/confirmations.py`` (a queued task is named by its module path).

Import an area by its name: ``from messaging.services import recall as recall_services``.
"""
