"""The patient portal's view of scheduling: the patient's upcoming visits, each with its manage link
(for the portal's home page, ``views/portal.py``)."""

from django import template

from scheduling import selectors

register = template.Library()


@register.simple_tag
def upcoming_appointments(practice, patient):
    return selectors.upcoming_appointments_for_patient(practice, patient)
