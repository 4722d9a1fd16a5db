"""What the patient gave at online check-in, for the practice's staff only; card photos are private."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from PIL import Image

from audit.models import AuditEntry
from frontdesk.models import IntakeQuestion, OnlineCheckIn, PracticePolicy, QuestionKind
from practices.models import Role
from tests.factories import make_appointment, make_visit_type

NOW = datetime(2030, 1, 7, 15, 0, tzinfo=UTC)


def jpeg(colour="navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 25), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def private_dir(tmp_path, settings, monkeypatch):
    """Card photos go to a private folder of this test (never MEDIA_ROOT)."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": str(location)}},
    }
    storage = FileSystemStorage(location=str(location), base_url=None)
    for name in ("card_front", "card_back"):
        monkeypatch.setattr(OnlineCheckIn._meta.get_field(name), "storage", storage)
    return location


@pytest.fixture
def check_in(practice, provider, location, patient, private_dir):
    appt = make_appointment(patient, provider, location, make_visit_type(practice), start=NOW)
    allergy = IntakeQuestion.objects.create(practice=practice, text_en="Any allergies?", text_es="¿Alergias?")
    smoker = IntakeQuestion.objects.create(
        practice=practice, text_en="Do you smoke?", text_es="", kind=QuestionKind.YES_NO
    )
    policy = PracticePolicy.objects.create(
        practice=practice, title_en="Financial policy", title_es="", body_en="Pay at checkout.", body_es="", version=3
    )
    record = OnlineCheckIn.objects.create(
        practice=practice,
        appointment=appt,
        insurance_carrier="Blue Shield",
        insurance_member_id="XZ123456",
        answers={str(allergy.pk): "Penicillin", str(smoker.pk): "no"},
        policies_acknowledged=[{"id": policy.pk, "version": 2}],
    )
    record.card_front.save("front.jpg", ContentFile(jpeg()), save=True)
    return record


def detail_url(practice, check_in):
    return reverse("frontdesk:check_in_detail", args=[practice.slug, check_in.appointment_id])


def photo_url(practice, check_in, side="front"):
    return reverse("frontdesk:card_photo", args=[practice.slug, check_in.appointment_id, side])


def test_it_shows_what_the_patient_gave_and_audits_the_look(staff_client, practice, front_desk, check_in, patient):
    page = staff_client(front_desk).get(detail_url(practice, check_in)).content.decode()
    for shown in ("Blue Shield", "XZ123456", "Any allergies?", "Penicillin", "Do you smoke?", "Financial policy"):
        assert shown in page
    assert "version 2" in page and "now version 3" in page
    assert f'src="{photo_url(practice, check_in)}"' in page
    assert photo_url(practice, check_in, "back") not in page  # no back photo was sent
    entry = AuditEntry.objects.get(action="view", object_type="frontdesk.onlinecheckin")
    assert entry.patient == patient and entry.actor_user == front_desk
    assert "Penicillin" not in entry.summary


def test_it_says_self_pay(staff_client, practice, front_desk, check_in):
    OnlineCheckIn.objects.filter(pk=check_in.pk).update(self_pay=True, insurance_carrier="")
    assert "Self-pay" in staff_client(front_desk).get(detail_url(practice, check_in)).content.decode()


def test_it_serves_the_card_photo_privately_to_staff(staff_client, practice, front_desk, check_in, private_dir):
    response = staff_client(front_desk).get(photo_url(practice, check_in))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == (private_dir / check_in.card_front.name).read_bytes()
    assert AuditEntry.objects.filter(object_type="frontdesk.onlinecheckin", summary__contains="front").count() == 1


def test_it_keeps_card_photos_out_of_the_public_media_folder(settings):
    storage = OnlineCheckIn._meta.get_field("card_front").storage
    assert not Path(storage.location).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not Path(storage.location).resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve())


@pytest.mark.parametrize("side", ["back", "left", "..%2Fsecret"])
def test_it_answers_missing_or_made_up_sides_with_404(staff_client, practice, front_desk, check_in, side):
    url = f"/staff/{practice.slug}/flow/appointments/{check_in.appointment_id}/card/{side}/"
    assert staff_client(front_desk).get(url).status_code == 404


def test_it_answers_404_when_the_photo_file_is_gone(staff_client, practice, front_desk, check_in, private_dir):
    (private_dir / check_in.card_front.name).unlink()
    assert staff_client(front_desk).get(photo_url(practice, check_in)).status_code == 404


def test_it_answers_404_for_a_visit_without_online_check_in(
    staff_client, practice, front_desk, provider, location, make_patient
):
    appt = make_appointment(make_patient(practice), provider, location, make_visit_type(practice), start=NOW)
    url = reverse("frontdesk:check_in_detail", args=[practice.slug, appt.pk])
    assert staff_client(front_desk).get(url).status_code == 404


def test_it_gives_strangers_nothing(staff_client, client, practice, other_practice, make_staff, check_in):
    outsider = make_staff(other_practice, Role.OWNER)
    c = staff_client(outsider)
    for url in (detail_url(practice, check_in), photo_url(practice, check_in)):
        assert c.get(url).status_code == 404
    # Through their own practice's address, our appointment id finds nothing either.
    assert c.get(detail_url(other_practice, check_in)).status_code == 404
    assert c.get(photo_url(other_practice, check_in)).status_code == 404
    c.logout()
    response = client.get(photo_url(practice, check_in))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not AuditEntry.objects.filter(object_type="frontdesk.onlinecheckin").exists()
