"""Messaging's signals: where it tells, or asks, code that may not be imported from here.

- ``message_queued`` (no arguments): sent after the transaction that queued an outbox row commits.
  ``receivers.wake_sender`` (connected in ``apps.MessagingConfig.ready``) enqueues the sender task,
  so the outbox never imports the tasks that import it.
- ``thank_you_replaced`` (``practice``): asked before a thank-you message is queued after a visit.
  A receiver answering True sends its own thank-you instead: feedback's visit survey (connected in
  ``feedback.apps.FeedbackConfig.ready``). Messaging sits below feedback, so it asks.
- ``answer_page`` (``appointment``, ``now``): sent while the reminder's answer page is built; each
  receiver answers a dict of extra context for the page. Frontdesk's answer is the online check-in
  link once its window is open (connected in ``frontdesk.apps.FrontdeskConfig.ready``).
"""

from django.dispatch import Signal

message_queued = Signal()
thank_you_replaced = Signal()
answer_page = Signal()
