from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from practices import navigation
        from scheduling import appointment_details
        from scheduling.signals import appointment_notice, booking_link, waitlist_notice

        from . import receivers, signals
        from .selectors import inbox as inbox_selectors
        from .templatetags.messaging_tags import reminder_answer_detail

        # Booking confirmations, new times and cancellations go out through the outbox.
        appointment_notice.connect(
            receivers.on_appointment_notice, dispatch_uid="messaging.receivers.on_appointment_notice"
        )
        # Waitlist offers and "someone else took it" notices too.
        waitlist_notice.connect(receivers.on_waitlist_notice, dispatch_uid="messaging.receivers.on_waitlist_notice")
        # The link that confirms a returning patient's online booking, to the contact details on file.
        booking_link.connect(receivers.on_booking_link, dispatch_uid="messaging.receivers.on_booking_link")
        # A message queued (and committed) wakes the sender.
        signals.message_queued.connect(receivers.wake_sender, dispatch_uid="messaging.receivers.wake_sender")
        # The front desk's appointment page (scheduling's) shows what the patient answered to a reminder.
        appointment_details.register("messaging.reminder_answer", reminder_answer_detail)
        # The staff menu's Inbox entry shows how many conversations wait for an answer.
        navigation.register_badge(
            "open_conversations",
            lambda request: inbox_selectors.open_conversation_count(practice=request.practice),
        )
