"""Media and private files in an S3-compatible bucket when S3_BUCKET is set (config/storage_settings.py),
local folders otherwise. The bucket is moto's in-memory S3."""

import io
from datetime import UTC, datetime

import boto3  # type: ignore[import-untyped]
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.urls import reverse
from moto import mock_aws
from PIL import Image

from config.storage_settings import s3_media_origins, s3_storages
from core.private_storage import PrivateS3Storage
from frontdesk.models import OnlineCheckIn
from tests.factories import make_appointment, make_visit_type

BUCKET = "touchpoints-files"
ENVIRONMENT = {"S3_BUCKET": BUCKET, "S3_REGION": "us-east-1"}


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 25), "navy").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def bucket(settings, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, **s3_storages(ENVIRONMENT)}
        # The model field took its storage when the models loaded; give it the one configured now.
        for name in ("card_front", "card_back"):
            monkeypatch.setattr(OnlineCheckIn._meta.get_field(name), "storage", storages["private"])
        yield client


def test_without_a_bucket_files_stay_in_local_folders(settings):
    assert s3_storages({}) == {} and s3_media_origins({}) == []
    assert isinstance(storages["default"], FileSystemStorage)
    assert isinstance(storages["private"], FileSystemStorage)


def test_a_card_photo_goes_to_the_bucket_privately_and_only_the_staff_view_serves_it(
    bucket, staff_client, practice, provider, location, patient, front_desk
):
    appointment = make_appointment(
        patient, provider, location, make_visit_type(practice), start=datetime(2030, 1, 7, 15, tzinfo=UTC)
    )
    check_in = OnlineCheckIn.objects.create(practice=practice, appointment=appointment)
    photo = jpeg()
    check_in.card_front.save("front.jpg", ContentFile(photo), save=True)

    key = f"private/{check_in.card_front.name}"
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == photo
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's only: no public read
    assert all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)
    assert isinstance(storages["private"], PrivateS3Storage)
    with pytest.raises(NotImplementedError):
        check_in.card_front.url  # noqa: B018 - no URL of any kind, not even a signed one

    url = reverse("frontdesk:card_photo", args=[practice.slug, appointment.pk, "front"])
    response = staff_client(front_desk).get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == photo

    bucket.delete_object(Bucket=BUCKET, Key=key)
    assert staff_client(front_desk).get(url).status_code == 404


def test_provider_photos_get_short_lived_signed_links_that_the_page_may_show(bucket):
    name = storages["default"].save("providers/dr-demo.jpg", ContentFile(jpeg()))
    assert bucket.head_object(Bucket=BUCKET, Key=f"media/{name}")
    url = storages["default"].url(name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url
    origins = s3_media_origins(ENVIRONMENT)
    assert any(url.startswith(origin + "/") for origin in origins)


def test_an_s3_compatible_server_is_addressed_by_path_and_named_in_the_csp():
    environment = {**ENVIRONMENT, "S3_ENDPOINT_URL": "https://files.example.net:9000", "S3_PRIVATE_BUCKET": "cards"}
    configured = s3_storages(environment)
    assert configured["default"]["OPTIONS"]["addressing_style"] == "path"
    assert configured["private"]["OPTIONS"]["bucket_name"] == "cards"
    assert configured["private"]["OPTIONS"]["default_acl"] == "private"
    assert s3_media_origins(environment) == ["https://files.example.net:9000"]
