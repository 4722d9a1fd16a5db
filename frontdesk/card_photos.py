"""Insurance-card photos: refuse what is not a real photo or is too big, and keep a clean copy.

What is kept is always a fresh JPEG: turned upright by its EXIF orientation, shrunk to
``CARD_PHOTO_MAX_SIDE`` pixels on its longest side, with no metadata left: no EXIF (no GPS, no
camera, no time), no comment, XMP, ICC profile or any other APPn segment. The original bytes are
never stored.
"""

from __future__ import annotations

import warnings
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# Far above any phone camera, far below what would exhaust the server's memory when decoded.
MAX_PIXELS = 64_000_000
JPEG_QUALITY = 85


class CardPhotoRejected(ValueError):
    """The upload is not accepted; ``str(error)`` is the message for the patient."""


def max_megabytes() -> str:
    """The size limit as people read it: "10", or "0.5" for a limit under a megabyte."""
    megabytes = settings.CARD_PHOTO_MAX_BYTES / (1024 * 1024)
    return f"{megabytes:.0f}" if megabytes >= 1 else f"{megabytes:.1f}"


def _too_large_message() -> str:
    return _("This file is too large: at most %(size)s MB. Please take a smaller photo.") % {"size": max_megabytes()}


def _not_a_photo_message() -> str:
    return _("This file is not a photo we can read. Please send a JPEG, PNG or WebP picture of your card.")


def normalise_card_photo(upload) -> ContentFile:
    """Check ``upload`` (a Django UploadedFile or any file object with ``size``) and return the clean JPEG."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.CARD_PHOTO_MAX_BYTES:
        raise CardPhotoRejected(_too_large_message())
    upload.seek(0)
    data = upload.read(settings.CARD_PHOTO_MAX_BYTES + 1)
    if len(data) > settings.CARD_PHOTO_MAX_BYTES:
        raise CardPhotoRejected(_too_large_message())
    if not data:
        raise CardPhotoRejected(_not_a_photo_message())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                probe.verify()
            if image_format not in ACCEPTED_FORMATS:
                raise CardPhotoRejected(_not_a_photo_message())
            if width * height > MAX_PIXELS:
                raise CardPhotoRejected(_("This picture has too many pixels. Please send an ordinary photo."))
            image = Image.open(BytesIO(data))
            max_side = settings.CARD_PHOTO_MAX_SIDE
            if image_format == "JPEG":
                image.draft("RGB", (max_side, max_side))  # decode big JPEGs at a reduced scale
            image.load()
    except CardPhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise CardPhotoRejected(_("This picture has too many pixels. Please send an ordinary photo.")) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise CardPhotoRejected(_not_a_photo_message()) from error
    return ContentFile(_clean_jpeg(image), name="card.jpg")


def _clean_jpeg(image: Image.Image) -> bytes:
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    max_side = settings.CARD_PHOTO_MAX_SIDE
    upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # Only the pixels go on: a fresh image has an empty ``info``, so no comment (Pillow writes
    # ``info["comment"]`` back by default), EXIF, XMP, ICC profile or other APPn segment survives.
    pixels = Image.new("RGB", upright.size)
    pixels.paste(upright)
    out = BytesIO()
    pixels.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()
