import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        from .signals import time_freed

        time_freed.connect(_offer_freed_time_to_waitlist, dispatch_uid="scheduling.waitlist.time_freed")


def _offer_freed_time_to_waitlist(sender, *, practice_id, provider_id, location_id, start, end=None, **kwargs) -> None:
    """A cancellation or reschedule freed a time (already committed): offer it to the waitlist."""
    from .tasks import offer_freed_time

    try:
        offer_freed_time.enqueue(
            practice_id, provider_id, location_id, start.isoformat(), end.isoformat() if end else None
        )
    except Exception:
        # The cancellation has committed; a failed offer must not turn it into an error page.
        logging.getLogger(__name__).exception("could not enqueue the waitlist offer for provider %s", provider_id)
