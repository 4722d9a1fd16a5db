"""Reminders: staff messaging settings, templates, reminder plans and the reminders-sent list;
the patient's answer link (signed token, see messaging/answer_links.py)."""

from django.urls import path

from .views import reminders

STAFF = "staff/<slug:practice_slug>/messages/"

urlpatterns = [
    path(STAFF + "settings/", reminders.settings_page, name="messaging_settings"),
    path(STAFF + "templates/", reminders.template_list, name="message_templates"),
    path(
        STAFF + "templates/<slug:kind>/<slug:channel>/<slug:language>/",
        reminders.template_edit,
        name="message_template_edit",
    ),
    path(
        STAFF + "templates/<slug:kind>/<slug:channel>/<slug:language>/preview/",
        reminders.template_preview,
        name="message_template_preview",
    ),
    path(STAFF + "plans/", reminders.plans, name="reminder_plans"),
    path(STAFF + "reminders/", reminders.reminders_sent, name="reminders_sent"),
    path("p/<slug:practice_slug>/r/<str:token>/", reminders.answer, name="answer"),
    path("p/<slug:practice_slug>/r/<str:token>/cancel/", reminders.answer_cancel, name="answer_cancel"),
]
