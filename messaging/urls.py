"""Messaging's URLs, one list per area: provider webhooks, reminders (staff settings, templates,
plans; the patient's reminder link), and the inbox (conversations, running late, recall)."""

from . import urls_inbox, urls_reminders, urls_webhooks

app_name = "messaging"

urlpatterns = [*urls_webhooks.urlpatterns, *urls_reminders.urlpatterns, *urls_inbox.urlpatterns]
