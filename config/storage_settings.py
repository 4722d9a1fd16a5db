"""Media and private files in an S3-compatible bucket when S3_BUCKET is set (docs/operations.md, "Files").

Without S3_BUCKET the local folders of config/settings.py stay (MEDIA_ROOT, PRIVATE_MEDIA_ROOT).
Credentials come from boto3's usual places (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile,
an instance role); they are never settings here.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit


def s3_storages(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The ``default`` and ``private`` entries of STORAGES for a bucket, or {} to keep local files."""
    bucket = environ.get("S3_BUCKET", "").strip()
    if not bucket:
        return {}
    endpoint = environ.get("S3_ENDPOINT_URL", "").strip() or None
    common: dict[str, Any] = {
        "endpoint_url": endpoint,
        "region_name": environ.get("S3_REGION", "").strip() or None,
        # S3-compatible servers (MinIO, Ceph...) answer path-style URLs; AWS picks its own.
        "addressing_style": environ.get("S3_ADDRESSING_STYLE", "").strip() or ("path" if endpoint else None),
        "signature_version": "s3v4",
        "file_overwrite": False,
    }
    media = {
        **common,
        "bucket_name": bucket,
        "location": environ.get("S3_MEDIA_PREFIX", "media").strip("/"),
        # Provider photos: links signed for an hour, so the bucket itself can stay private.
        "querystring_auth": True,
        "querystring_expire": int(environ.get("S3_MEDIA_URL_SECONDS", "3600")),
    }
    private = {
        **common,
        "bucket_name": environ.get("S3_PRIVATE_BUCKET", "").strip() or bucket,
        "location": environ.get("S3_PRIVATE_PREFIX", "private").strip("/"),
        "default_acl": "private",
    }
    return {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": media},
        "private": {"BACKEND": "core.private_storage.PrivateS3Storage", "OPTIONS": private},
    }


def s3_media_origins(environ: Mapping[str, str]) -> list[str]:
    """Where the browser fetches provider photos from, for the CSP's img-src."""
    bucket = environ.get("S3_BUCKET", "").strip()
    if not bucket:
        return []
    if origin := environ.get("S3_MEDIA_ORIGIN", "").strip():
        return [origin]
    if endpoint := environ.get("S3_ENDPOINT_URL", "").strip():
        parts = urlsplit(endpoint)
        if environ.get("S3_ADDRESSING_STYLE", "path") == "virtual":
            return [f"{parts.scheme}://{bucket}.{parts.netloc}"]
        return [f"{parts.scheme}://{parts.netloc}"]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if region := environ.get("S3_REGION", "").strip():
        origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return origins
