"""``{% appointment_response appointment %}``: what the patient answered to a reminder, for staff pages.

Shows "Confirmed by the patient (link)", "(text)", "Asked to reschedule", "Cancelled by the patient"
or "No answer yet". Uses the appointment's prefetched ``responses`` when the page prefetched them
(``Prefetch("responses")``), else one small query.
"""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy, ngettext

from scheduling.appointment_details import Detail
from scheduling.models import Appointment

from ..models import InboundAction
from ..selectors.reminders import latest_response

register = template.Library()


@register.inclusion_tag("messaging/reminders/_response.html")
def appointment_response(appointment: Appointment | None) -> dict[str, object]:
    response = latest_response(appointment) if appointment is not None and appointment.pk else None
    return {
        "response": response,
        "confirmed": response is not None and response.action == InboundAction.CONFIRM,
        "reschedule": response is not None and response.action == InboundAction.RESCHEDULE,
        "cancelled": response is not None and response.action == InboundAction.CANCEL,
        "by_text": response is not None and response.channel == "sms",
    }


def reminder_answer_detail(appointment) -> Detail:
    """The same answer as a row of the front desk's appointment page (``scheduling.appointment_details``)."""
    return Detail(
        label=gettext_lazy("Patient's answer"),
        render=lambda: render_to_string("messaging/reminders/_response.html", appointment_response(appointment)),
    )


@register.filter
def before_visit(minutes: Any) -> str:  # whatever the template passes
    """``10080`` -> "7 days before", ``2880`` -> "48 hours before", ``90`` -> "90 minutes before"."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    if minutes % (24 * 60) == 0 and minutes != 2 * 24 * 60:
        days = minutes // (24 * 60)
        return ngettext("%(n)s day before", "%(n)s days before", days) % {"n": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)s hour before", "%(n)s hours before", hours) % {"n": hours}
    return ngettext("%(n)s minute before", "%(n)s minutes before", minutes) % {"n": minutes}
