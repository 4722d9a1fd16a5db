"""Online check-in from the visit link: the window (opens 48 hours before, exactly 48 counts), done and
updated, cancelled, another day, forged and foreign links, card photos refused with a clear message
and nothing saved, cards kept in the private storage, and an audit entry and journey event that carry
no intake answers."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from audit.models import AuditEntry
from frontdesk import checkin_links
from frontdesk.models import FlowSettings, OnlineCheckIn
from frontdesk.services import checkin
from frontdesk.services.checkin import CheckInRefused, check_in_state, complete_online_check_in
from journey.models import JourneyEvent
from patients.models import Coverage
from scheduling.models import Appointment, AppointmentStatus, CancellationReason
from tests.factories import make_appointment

# Wednesday 9 January 2030, 10:00 in Chicago (the test practice's time zone).
START = datetime(2030, 1, 9, 16, 0, tzinfo=UTC)
SECRET_ANSWER = "Allergic to penicillin"  # what check_in_form (conftest.py) answers first


def png_bytes(size=(600, 380), color=(20, 90, 160)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def private_files() -> list[Path]:
    root = Path(storages["private"].location)  # type: ignore[attr-defined]  # a FileSystemStorage in tests
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def appointment(practice, patient, provider, location, visit_type):
    return make_appointment(patient, provider, location, visit_type, start=START)


@pytest.fixture(autouse=True)
def _empty_private_storage():
    for path in private_files():
        path.unlink()


def _details(appointment, questions, policy, **overrides) -> dict:
    values = {
        "appointment": appointment,
        "phone": "(512) 555-0111",
        "email": "new.address@example.com",
        "self_pay": False,
        "insurance_carrier": "Blue Cross",
        "insurance_member_id": "XK123456",
        "card_front": None,
        "card_back": None,
        "answers": {questions[0].pk: SECRET_ANSWER, questions[1].pk: "no"},
        "acknowledged_policy_ids": [policy.pk],
        "now": START - timedelta(hours=24),
    }
    values.update(overrides)
    return values


def _photo() -> ContentFile:
    return ContentFile(png_bytes(), name="card.jpg")


# --- the window ----------------------------------------------------------------------------------


def test_it_opens_exactly_48_hours_before_and_not_a_second_earlier(appointment):
    assert check_in_state(appointment, START - timedelta(hours=48, seconds=1)) == checkin.TOO_EARLY
    assert check_in_state(appointment, START - timedelta(hours=48)) == checkin.OPEN
    assert check_in_state(appointment, START - timedelta(minutes=5)) == checkin.OPEN


def test_it_follows_the_practice_setting_for_how_early_it_opens(appointment, practice):
    FlowSettings.objects.create(practice=practice, online_check_in_hours=24)
    assert check_in_state(appointment, START - timedelta(hours=30)) == checkin.TOO_EARLY
    assert check_in_state(appointment, START - timedelta(hours=24)) == checkin.OPEN


def test_it_stays_open_until_the_local_day_ends_and_then_is_past(appointment):
    # The day ends at midnight in Chicago: 06:00 UTC on 10 January 2030.
    end_of_day = datetime(2030, 1, 10, 6, 0, tzinfo=UTC)
    assert check_in_state(appointment, end_of_day - timedelta(seconds=1)) == checkin.OPEN
    assert check_in_state(appointment, end_of_day) == checkin.PAST


@pytest.mark.parametrize("status", [AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW])
def test_it_is_past_once_the_visit_is_over_or_missed(appointment, status):
    appointment.status = status
    assert check_in_state(appointment, START - timedelta(hours=1)) == checkin.PAST


def test_it_is_cancelled_for_a_cancelled_appointment_whatever_the_time(appointment):
    appointment.status = AppointmentStatus.CANCELLED
    assert check_in_state(appointment, START - timedelta(hours=1)) == checkin.CANCELLED
    assert check_in_state(appointment, START + timedelta(days=2)) == checkin.CANCELLED


# --- the write -----------------------------------------------------------------------------------


def test_it_completes_check_in_and_updates_the_patient_record(appointment, questions, policy, patient):
    check_in = complete_online_check_in(**_details(appointment, questions, policy, card_front=_photo()))

    assert check_in.answers == {str(questions[0].pk): SECRET_ANSWER, str(questions[1].pk): "no"}
    assert check_in.policies_acknowledged == [{"id": policy.pk, "version": 3}]
    assert check_in.card_front and not check_in.card_back
    patient.refresh_from_db()
    assert patient.phone == "(512) 555-0111"
    assert patient.email == "new.address@example.com"
    assert patient.coverage == Coverage.INSURANCE
    assert patient.insurance_carrier == "Blue Cross"
    appointment.refresh_from_db()
    assert check_in_state(appointment, START - timedelta(hours=24)) == checkin.DONE


def test_it_records_an_audit_entry_and_a_journey_event_without_the_answers(appointment, questions, policy, patient):
    check_in = complete_online_check_in(**_details(appointment, questions, policy, card_front=_photo()))

    entry = AuditEntry.objects.get(object_type="frontdesk.onlinecheckin", object_id=str(check_in.pk))
    assert entry.actor_patient == patient
    assert entry.action == "create"
    event = JourneyEvent.objects.get(touchpoint="online-check-in")
    assert event.kind == "checkin.completed"
    assert event.data == {"cards": 1, "answers": 2, "update": False, "appointment": appointment.pk}
    for entry in AuditEntry.objects.filter(practice=appointment.practice):
        assert SECRET_ANSWER not in f"{entry.summary} {entry.changes}"
        assert "Blue Cross" not in f"{entry.summary} {entry.changes}"  # protected fields are masked


def test_it_lets_the_patient_update_and_keeps_the_card_photos_not_sent_again(
    appointment, questions, policy, django_capture_on_commit_callbacks
):
    first = complete_online_check_in(
        **_details(appointment, questions, policy, card_front=_photo(), card_back=_photo())
    )
    front, back = first.card_front.name, first.card_back.name
    with django_capture_on_commit_callbacks(execute=True):
        again = complete_online_check_in(
            **_details(
                appointment,
                questions,
                policy,
                answers={questions[0].pk: "None"},
                card_back=_photo(),
                now=START - timedelta(hours=2),
            )
        )

    assert again.pk == first.pk
    assert again.card_front.name == front
    assert again.card_back.name != back
    assert again.answers == {str(questions[0].pk): "None"}
    names = {p.name for p in private_files()}
    assert Path(front).name in names and Path(again.card_back.name).name in names
    assert Path(back).name not in names, "the replaced photo is deleted"
    assert JourneyEvent.objects.filter(touchpoint="online-check-in").count() == 2


def test_it_refuses_changes_once_the_visit_has_started(appointment, questions, policy):
    complete_online_check_in(**_details(appointment, questions, policy))
    with pytest.raises(CheckInRefused) as refused:
        complete_online_check_in(**_details(appointment, questions, policy, phone="", now=START + timedelta(minutes=1)))
    assert refused.value.reason == CheckInRefused.STARTED


def test_it_keeps_no_cards_for_a_self_paying_patient(appointment, questions, policy, patient):
    check_in = complete_online_check_in(
        **_details(appointment, questions, policy, self_pay=True, card_front=_photo(), insurance_carrier="X")
    )
    assert check_in.self_pay and not check_in.card_front and check_in.insurance_carrier == ""
    patient.refresh_from_db()
    assert patient.coverage == Coverage.SELF_PAY
    assert private_files() == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"now": START - timedelta(hours=49)}, checkin.TOO_EARLY),
        ({"now": START + timedelta(days=1)}, checkin.PAST),
        ({"acknowledged_policy_ids": []}, CheckInRefused.POLICIES),
        ({"answers": {}}, CheckInRefused.ANSWERS),
        ({"insurance_member_id": ""}, CheckInRefused.DETAILS),
        ({"email": "not an email"}, CheckInRefused.DETAILS),
    ],
)
def test_it_refuses_and_changes_nothing(appointment, questions, policy, patient, change, reason):
    before = (patient.phone, patient.email, patient.insurance_carrier)
    with pytest.raises(CheckInRefused) as refused:
        complete_online_check_in(**_details(appointment, questions, policy, card_front=_photo(), **change))
    assert refused.value.reason == reason
    patient.refresh_from_db()
    assert (patient.phone, patient.email, patient.insurance_carrier) == before
    assert not OnlineCheckIn.objects.exists()
    assert private_files() == []


def test_it_refuses_a_cancelled_appointment(appointment, questions, policy):
    Appointment.objects.filter(pk=appointment.pk).update(
        status=AppointmentStatus.CANCELLED, cancellation_reason=CancellationReason.PATIENT_REQUEST
    )
    with pytest.raises(CheckInRefused) as refused:
        complete_online_check_in(**_details(appointment, questions, policy))
    assert refused.value.reason == checkin.CANCELLED
    assert not OnlineCheckIn.objects.exists()


def test_it_deletes_saved_photos_when_the_database_write_fails(appointment, questions, policy, patient, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(checkin.journey, "record", broken)
    with pytest.raises(RuntimeError):
        complete_online_check_in(**_details(appointment, questions, policy, card_front=_photo(), card_back=_photo()))
    assert private_files() == []
    assert not OnlineCheckIn.objects.exists()
    patient.refresh_from_db()
    assert patient.email != "new.address@example.com"


# --- the pages -----------------------------------------------------------------------------------


def _check_in_url(appointment) -> str:
    token = checkin_links.token_for(appointment)
    return reverse("frontdesk:check_in", kwargs={"practice_slug": appointment.practice.slug, "token": token})


def test_it_checks_in_through_the_form_and_keeps_the_cards_privately(
    client, soon, questions, verify_visit, check_in_form
):
    verify_visit(soon)
    url = _check_in_url(soon)
    page = client.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    assert "Any allergies?" in html and "Financial policy" in html
    assert "Payment is due at the time of service." in html and "<details" in html
    assert 'accept="image/jpeg,image/png,image/webp,image/*"' in html

    front = SimpleUploadedFile("front.png", png_bytes(), content_type="image/png")
    back = SimpleUploadedFile("back.png", png_bytes(color=(200, 10, 10)), content_type="image/png")
    response = client.post(url, check_in_form(card_front=front, card_back=back), follow=True)

    assert response.redirect_chain[-1][0] == url.removesuffix("check-in/")
    assert "You&#x27;re checked in online" in response.content.decode()
    check_in = OnlineCheckIn.objects.get(appointment=soon)
    assert check_in.insurance_member_id == "XK123456"
    assert check_in.answers[str(questions[1].pk)] == "yes"
    stored = private_files()
    assert len(stored) == 2
    private_root = Path(storages["private"].location).resolve()
    media_root = Path(django_settings.MEDIA_ROOT).resolve()
    for path in stored:
        assert path.resolve().is_relative_to(private_root)
        assert not path.resolve().is_relative_to(media_root)
        assert Image.open(path).format == "JPEG"
    assert Path(check_in.card_front.path).resolve().is_relative_to(private_root)


def test_it_prefills_the_form_with_the_patients_details_and_audits_the_look(
    client, soon, questions, policy, patient, verify_visit
):
    verify_visit(soon)
    patient.insurance_carrier = "Aetna"
    patient.save()
    html = client.get(_check_in_url(soon)).content.decode()
    assert 'value="Aetna"' in html
    assert AuditEntry.objects.filter(action="view", patient=patient, actor_patient=patient).exists()


def test_it_refuses_a_card_that_is_not_an_image_with_a_clear_message_and_saves_nothing(
    client, soon, patient, verify_visit, check_in_form
):
    verify_visit(soon)
    before = (patient.phone, patient.email)
    fake = SimpleUploadedFile("card.png", b"%PDF-1.4 this is a pdf", content_type="image/png")
    good = SimpleUploadedFile("back.png", png_bytes(), content_type="image/png")
    response = client.post(_check_in_url(soon), check_in_form(card_front=fake, card_back=good))
    assert response.status_code == 400
    assert "This file is not a photo we can read" in response.content.decode()
    assert not OnlineCheckIn.objects.exists()
    patient.refresh_from_db()
    assert (patient.phone, patient.email) == before
    assert private_files() == []


def test_it_refuses_a_card_that_is_too_large_with_a_clear_message(client, soon, settings, verify_visit, check_in_form):
    verify_visit(soon)
    settings.CARD_PHOTO_MAX_BYTES = 10 * 1024 * 1024
    big = SimpleUploadedFile("card.png", png_bytes() + os.urandom(10 * 1024 * 1024), content_type="image/png")
    response = client.post(_check_in_url(soon), check_in_form(card_front=big))
    assert response.status_code == 400
    assert "This file is too large: at most 10 MB" in response.content.decode()
    assert not OnlineCheckIn.objects.exists()
    assert private_files() == []


def test_it_asks_for_insurance_unless_the_patient_pays_for_themselves(client, soon, verify_visit, check_in_form):
    verify_visit(soon)
    response = client.post(_check_in_url(soon), check_in_form(insurance_carrier=""))
    assert response.status_code == 400
    assert "tick “I pay for myself”" in response.content.decode()
    response = client.post(
        _check_in_url(soon), check_in_form(insurance_carrier="", insurance_member_id="", self_pay="on")
    )
    assert response.status_code == 302
    assert OnlineCheckIn.objects.get(appointment=soon).self_pay


def test_it_asks_for_each_required_answer_and_each_policy(client, soon, questions, policy, verify_visit, check_in_form):
    verify_visit(soon)
    data = check_in_form()
    del data[f"question_{questions[0].pk}"], data[f"policy_{policy.pk}"]
    response = client.post(_check_in_url(soon), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please answer this question." in html
    assert "Please read and accept this policy to check in." in html
    assert not OnlineCheckIn.objects.exists()


def test_it_shows_why_and_changes_nothing_for_a_cancelled_appointment(client, soon, patient, check_in_form):
    Appointment.objects.filter(pk=soon.pk).update(
        status=AppointmentStatus.CANCELLED, cancellation_reason=CancellationReason.PATIENT_REQUEST
    )
    url = _check_in_url(soon)
    page = client.get(url)
    assert "This appointment was cancelled, so there is nothing to check in." in page.content.decode()
    assert '<form method="post" enctype' not in page.content.decode()
    response = client.post(url, check_in_form(), follow=True)
    assert "This appointment was cancelled, so there is nothing to check in." in response.content.decode()
    assert not OnlineCheckIn.objects.exists()
    patient.refresh_from_db()
    assert patient.email != "new.address@example.com"


def test_it_says_when_check_in_opens_for_a_visit_on_another_day(
    client,
    practice,
    patient,
    provider,
    location,
    visit_type,
    check_in_form,
):
    start = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    later = make_appointment(patient, provider, location, visit_type, start=start)
    url = _check_in_url(later)
    assert "Online check-in opens on" in client.get(url).content.decode()
    client.post(url, check_in_form())
    assert not OnlineCheckIn.objects.exists()


def test_it_says_the_link_has_expired_for_a_past_visit(
    client,
    practice,
    patient,
    provider,
    location,
    visit_type,
):
    start = (timezone.now() - timedelta(days=3)).replace(second=0, microsecond=0)
    past = make_appointment(patient, provider, location, visit_type, start=start)
    assert "this link has expired" in client.get(_check_in_url(past)).content.decode()


def test_it_answers_404_to_a_forged_token(client, soon):
    url = reverse("frontdesk:check_in", kwargs={"practice_slug": soon.practice.slug, "token": "forged:token"})
    response = client.get(url)
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert client.post(url, {}).status_code == 404


def test_it_answers_404_to_a_token_naming_another_patient(client, soon, make_patient, practice, check_in_form):
    stranger = make_patient(practice)
    token = signing.dumps({"a": soon.pk, "p": stranger.pk}, salt=checkin_links.SALT, compress=True)
    url = reverse("frontdesk:check_in", kwargs={"practice_slug": practice.slug, "token": token})
    assert client.get(url).status_code == 404
    assert client.post(url, check_in_form()).status_code == 404
    assert not OnlineCheckIn.objects.exists()


def test_it_answers_404_under_another_practices_address(client, soon, other_practice):
    token = checkin_links.token_for(soon)
    url = reverse("frontdesk:check_in", kwargs={"practice_slug": other_practice.slug, "token": token})
    response = client.get(url)
    assert response.status_code == 404
    assert "Anabelle" not in response.content.decode()
    visit = reverse("frontdesk:visit", kwargs={"practice_slug": other_practice.slug, "token": token})
    assert client.get(visit).status_code == 404


def test_it_shows_the_form_in_spanish_for_a_spanish_speaking_patient(
    client, soon, questions, policy, patient, verify_visit
):
    verify_visit(soon)
    patient.preferred_language = "es"
    patient.save()
    html = client.get(_check_in_url(soon)).content.decode()
    assert "¿Alguna alergia?" in html and "Política financiera" in html
    assert '<html lang="es">' in html


def test_it_never_puts_answers_in_the_journey_log_even_on_the_page_path(client, soon, verify_visit, check_in_form):
    verify_visit(soon)
    client.post(_check_in_url(soon), check_in_form())
    assert OnlineCheckIn.objects.filter(appointment=soon).exists()
    for event in JourneyEvent.objects.all():
        assert SECRET_ANSWER not in str(event.data)


# --- the reminder's link leads here ---------------------------------------------------------------


def test_it_links_the_reminders_answer_page_to_online_check_in_once_open(
    client,
    practice,
    patient,
    provider,
    location,
    visit_type,
):
    from messaging import answer_links

    now = timezone.now()
    later = make_appointment(
        patient, provider, location, visit_type, start=(now + timedelta(days=5)).replace(second=0, microsecond=0)
    )
    html = client.get(answer_links.answer_path(later)).content.decode()
    assert "Check in online" not in html

    soon = make_appointment(
        patient, provider, location, visit_type, start=(now + timedelta(hours=30)).replace(second=0, microsecond=0)
    )
    html = client.get(answer_links.answer_path(soon)).content.decode()
    assert "Check in online" in html
    link = html.split("Check in online")[0].rsplit('href="', 1)[1].split('"')[0]
    assert checkin_links.appointment_for_token(practice, link.rstrip("/").rsplit("/", 1)[1]) == soon

    OnlineCheckIn.objects.create(practice=practice, appointment=soon, self_pay=True)
    assert "View your check-in" in client.get(answer_links.answer_path(soon)).content.decode()
