from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from practices import navigation
        from scheduling.signals import appointment_notice, booking_link, waitlist_notice

        from . import inbox_selectors
        from .booking_links import on_booking_link
        from .confirmations import on_appointment_notice
        from .waitlist_notices import on_waitlist_notice

        # Booking confirmations, new times and cancellations go out through the outbox.
        appointment_notice.connect(on_appointment_notice, dispatch_uid="messaging.confirmations.appointment_notice")
        # Waitlist offers and "someone else took it" notices too.
        waitlist_notice.connect(on_waitlist_notice, dispatch_uid="messaging.waitlist_notices.waitlist_notice")
        # The link that confirms a returning patient's online booking, to the contact details on file.
        booking_link.connect(on_booking_link, dispatch_uid="messaging.booking_links.booking_link")
        # The staff menu's Inbox entry shows how many conversations wait for an answer.
        navigation.register_badge(
            "open_conversations",
            lambda request: inbox_selectors.open_conversation_count(practice=request.practice),
        )
