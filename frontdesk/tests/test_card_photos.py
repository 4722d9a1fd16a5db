"""Insurance-card photos: only real JPEG/PNG/WebP pictures under the size limit; what is kept is a
fresh upright JPEG, no larger than CARD_PHOTO_MAX_SIDE, with no EXIF (no GPS) left."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from frontdesk.card_photos import CardPhotoRejected, normalise_card_photo


def _image_bytes(fmt: str = "PNG", size=(400, 250), color=(30, 120, 200), mode="RGB", exif=None) -> bytes:
    image = Image.new(mode, size, color)
    out = BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def _upload(data: bytes, name: str = "card.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _kept(content) -> Image.Image:
    return Image.open(BytesIO(content.read()))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_it_accepts_png_jpeg_and_webp_and_keeps_a_jpeg(fmt):
    content = normalise_card_photo(_upload(_image_bytes(fmt)))
    kept = _kept(content)
    assert kept.format == "JPEG"
    assert kept.size == (400, 250)
    assert content.name.endswith(".jpg")


def test_it_refuses_a_file_that_is_not_an_image():
    with pytest.raises(CardPhotoRejected, match="not a photo we can read"):
        normalise_card_photo(_upload(b"%PDF-1.7\n" + b"x" * 500, "card.pdf", "application/pdf"))


def test_it_refuses_an_image_renamed_to_png_whose_content_is_text():
    with pytest.raises(CardPhotoRejected, match="not a photo we can read"):
        normalise_card_photo(_upload(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "card.png"))


def test_it_refuses_an_image_format_that_is_not_accepted():
    with pytest.raises(CardPhotoRejected, match="JPEG, PNG or WebP"):
        normalise_card_photo(_upload(_image_bytes("GIF", mode="P", color=3), "card.gif", "image/gif"))


def test_it_refuses_a_truncated_image():
    data = _image_bytes("PNG", size=(300, 300))
    with pytest.raises(CardPhotoRejected, match="not a photo we can read"):
        normalise_card_photo(_upload(data[: len(data) // 2]))


def test_it_refuses_an_empty_file():
    with pytest.raises(CardPhotoRejected, match="not a photo we can read"):
        normalise_card_photo(_upload(b""))


def test_it_refuses_a_file_over_the_limit_with_the_limit_in_the_message(settings):
    settings.CARD_PHOTO_MAX_BYTES = 10 * 1024 * 1024
    too_big = _image_bytes("PNG") + b"\0" * (10 * 1024 * 1024)
    with pytest.raises(CardPhotoRejected, match="too large: at most 10 MB"):
        normalise_card_photo(_upload(too_big))


def test_it_accepts_a_file_exactly_at_the_limit(settings):
    data = _image_bytes("PNG")
    settings.CARD_PHOTO_MAX_BYTES = len(data)
    assert _kept(normalise_card_photo(_upload(data))).format == "JPEG"
    settings.CARD_PHOTO_MAX_BYTES = len(data) - 1
    with pytest.raises(CardPhotoRejected, match="too large"):
        normalise_card_photo(_upload(data))


def test_it_refuses_a_decompression_bomb():
    # A tiny PNG that claims 20,000 x 20,000 pixels (400 megapixels) when decoded.
    bomb = _image_bytes("PNG", size=(20_000, 20_000), mode="1", color=0)
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(CardPhotoRejected, match="too many pixels"):
        normalise_card_photo(_upload(bomb))


def test_it_strips_exif_including_gps():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 16.0, 0.0)}  # GPS IFD: latitude
    original = _image_bytes("JPEG", exif=exif.tobytes())
    assert b"PhoneMaker" in original
    content = normalise_card_photo(_upload(original, "card.jpg", "image/jpeg"))
    data = content.read()
    assert b"PhoneMaker" not in data
    kept = Image.open(BytesIO(data))
    assert not kept.getexif()
    assert "exif" not in kept.info


def test_it_turns_the_photo_upright_by_its_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    original = _image_bytes("JPEG", size=(400, 250), exif=exif.tobytes())
    kept = _kept(normalise_card_photo(_upload(original, "card.jpg", "image/jpeg")))
    assert kept.size == (250, 400)


def test_it_shrinks_a_big_photo_to_the_longest_side(settings):
    settings.CARD_PHOTO_MAX_SIDE = 2000
    kept = _kept(normalise_card_photo(_upload(_image_bytes("PNG", size=(4000, 2500)))))
    assert kept.size == (2000, 1250)


def test_it_flattens_a_transparent_png_onto_white():
    kept = _kept(normalise_card_photo(_upload(_image_bytes("PNG", size=(50, 50), mode="RGBA", color=(0, 0, 0, 0)))))
    assert kept.mode == "RGB"
    red, green, blue = kept.getpixel((25, 25))
    assert min(red, green, blue) > 245


# --- every metadata segment goes (issue 11, item 12) ----------------------------------------------

SCRIPT_COMMENT = b"<script>alert(1)</script>"
APPN = range(0xE0, 0xF0)
COM = 0xFE


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def _markers(jpeg: bytes) -> list[tuple[int, bytes]]:
    """The (marker, payload) of each segment before the image data (SOS), read from the bytes."""
    assert jpeg[:2] == b"\xff\xd8", "not a JPEG"
    found, at = [], 2
    while at < len(jpeg):
        assert jpeg[at] == 0xFF
        marker = jpeg[at + 1]
        if marker == 0xDA:  # start of scan: the compressed picture follows
            break
        length = int.from_bytes(jpeg[at + 2 : at + 4], "big")
        found.append((marker, jpeg[at + 4 : at + 2 + length]))
        at += 2 + length
    return found


def _jpeg_with_every_kind_of_metadata() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    plain = _image_bytes("JPEG", size=(120, 80))
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>secret-xmp</x:xmpmeta>"
    icc = b"ICC_PROFILE\x00\x01\x01" + b"fake-icc-profile"
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0bsecret-iptc"
    segments = (
        _segment(COM, SCRIPT_COMMENT)
        + _segment(0xE1, b"Exif\x00\x00" + exif.tobytes())
        + _segment(0xE1, xmp)
        + _segment(0xE2, icc)
        + _segment(0xED, iptc)
    )
    crafted = plain[:2] + segments + plain[2:]
    found = {marker for marker, _payload in _markers(crafted)}
    assert {COM, 0xE1, 0xE2, 0xED} <= found
    with Image.open(BytesIO(crafted)) as check:
        assert check.info.get("comment") == SCRIPT_COMMENT and "exif" in check.info
    return crafted


def test_it_drops_every_metadata_segment_comment_exif_xmp_icc_and_app13():
    content = normalise_card_photo(_upload(_jpeg_with_every_kind_of_metadata(), "card.jpg", "image/jpeg"))
    data = content.read()

    assert b"<script>" not in data
    for secret in (b"PhoneMaker", b"secret-xmp", b"fake-icc-profile", b"secret-iptc", b"Photoshop"):
        assert secret not in data
    for marker, payload in _markers(data):
        assert marker != COM, "a comment segment was kept"
        # The only application segment allowed is the JFIF header Pillow writes itself.
        assert marker not in APPN or (marker == 0xE0 and payload.startswith(b"JFIF\x00")), hex(marker)
    kept = Image.open(BytesIO(data))
    for key in ("comment", "exif", "icc_profile", "xmp", "photoshop"):
        assert key not in kept.info, key
    assert not kept.getexif()
