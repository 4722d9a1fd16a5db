"""Reads of messaging, by area, each scoped by practice:

- ``reminders``: the practice's messaging settings (every area reads them), templates, reminder
  plans, the patients' answers and the "reminders sent" overview;
- ``inbox``: conversations, whose practice and patient an inbound text is, a patient's message history;
- ``recall``: recalls, who is due a recall message, lapsed patients and reactivations sent;
- ``running_late``: providers, today's marks and the later patients a mark tells.

Import an area by its name: ``from messaging.selectors import inbox as inbox_selectors``.
"""
