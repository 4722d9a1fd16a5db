"""The patient portal lists the patient's own upcoming visits, each linking to its manage page."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from patients import services as patient_services
from scheduling import manage_links
from scheduling.models import Appointment, AppointmentStatus, BookedVia, CancellationReason


def _appointment(patient, provider, location, visit_type, *, start, status=AppointmentStatus.BOOKED):
    return Appointment.objects.create(
        practice=patient.practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        end=start + timedelta(minutes=30),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=30),
        status=status,
        booked_via=BookedVia.ONLINE,
        cancellation_reason=CancellationReason.PATIENT_REQUEST if status == AppointmentStatus.CANCELLED else "",
    )


def _signed_in(client, practice, patient):
    token = patient_services.issue_sign_in_link(patient=patient)
    client.post(reverse("patients:sign_in_confirm", args=[practice.slug, token]))


def test_it_lists_only_the_patients_own_upcoming_visits_with_their_manage_links(
    client, practice, make_patient, provider, location, visit_type
):
    me = make_patient(practice, first_name="Ana", email="ana@example.com")
    someone_else = make_patient(practice, first_name="Other", email="other@example.com")
    soon = timezone.now().replace(microsecond=0) + timedelta(days=3)
    mine = _appointment(me, provider, location, visit_type, start=soon)
    _appointment(me, provider, location, visit_type, start=soon - timedelta(days=30))  # past
    _appointment(me, provider, location, visit_type, start=soon + timedelta(days=1), status=AppointmentStatus.CANCELLED)
    theirs = _appointment(someone_else, provider, location, visit_type, start=soon + timedelta(days=2))

    _signed_in(client, practice, me)
    html = client.get(reverse("patients:portal", args=[practice.slug])).content.decode()

    prefix = 'href="/p/' + practice.slug + "/manage/"
    assert html.count(prefix) == 1
    # The signed token carries a timestamp, so read the link back rather than re-signing and comparing.
    token = html.split(prefix)[1].split("/")[0]
    assert manage_links.appointment_for_token(practice, token) == mine != theirs
    assert reverse("scheduling:book", args=[practice.slug]) in html


def test_it_says_so_when_there_is_nothing_booked(client, practice, make_patient):
    me = make_patient(practice, email="solo@example.com")
    _signed_in(client, practice, me)
    html = client.get(reverse("patients:portal", args=[practice.slug])).content.decode()
    assert "You have no upcoming appointments." in html
