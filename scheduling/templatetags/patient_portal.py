"""The patient portal's view of scheduling: the patient's upcoming visits, each with its manage link
(for the portal's home page, ``views/portal.py``)."""

from django import template

from patients.models import Patient
from practices.models import Practice
from scheduling.selectors import booking as booking_selectors

register = template.Library()


@register.simple_tag
def upcoming_appointments(practice: Practice, patient: Patient) -> list[booking_selectors.UpcomingAppointment]:
    return booking_selectors.upcoming_appointments_for_patient(practice, patient)
