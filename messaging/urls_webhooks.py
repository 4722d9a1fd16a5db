"""The SMS provider's webhooks (signed; see messaging/views/webhooks.py and docs/messaging.md)."""

from django.urls import path

from .views import webhooks

urlpatterns = [
    path("webhooks/sms/inbound/", webhooks.sms_inbound, name="webhook_sms_inbound"),
    path("webhooks/sms/status/", webhooks.sms_status, name="webhook_sms_status"),
]
