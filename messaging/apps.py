from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from scheduling.signals import appointment_notice

        from .confirmations import on_appointment_notice

        # Booking confirmations, new times and cancellations go out through the outbox.
        appointment_notice.connect(on_appointment_notice, dispatch_uid="messaging.confirmations.appointment_notice")
